/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gem_reclaim KUnit suites, gathered by gr_kunit_main.c.
 */
#ifndef __GR_KUNIT_H__
#define __GR_KUNIT_H__

#include <kunit/test.h>

extern struct kunit_suite gr_policy_test_suite;
extern struct kunit_suite gr_idle_test_suite;
extern struct kunit_suite gr_knobs_test_suite;
extern struct kunit_suite gr_stats_test_suite;
extern struct kunit_suite gr_writeback_test_suite;

#endif /* __GR_KUNIT_H__ */
