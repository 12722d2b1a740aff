// SPDX-License-Identifier: GPL-2.0-only
/*
 * gem_reclaim KUnit suites: the pure logic of the reclaim core (policy
 * chain, idle-vm-first ordering, knob parsing and ranges, statistics and
 * table formatting, the writeback unlock rule). Built only against a
 * kernel with CONFIG_KUNIT; the suites run when the module is loaded,
 * results in
 * /sys/kernel/debug/kunit/<suite>/results.
 */

#include <linux/module.h>

#include <kunit/test.h>

#include "gr_kunit.h"

kunit_test_suites(&gr_policy_test_suite, &gr_idle_test_suite,
		  &gr_knobs_test_suite, &gr_stats_test_suite,
		  &gr_writeback_test_suite);

MODULE_DESCRIPTION("KUnit tests of the gemreclaim reclaim core");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
