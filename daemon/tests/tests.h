/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared declarations for the cmocka unit tests (one runner, many files). */
#ifndef GR_TESTS_H
#define GR_TESTS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#ifndef GR_SRCDIR
#define GR_SRCDIR "."
#endif

#define TEST_SUITE(name) \
	const struct CMUnitTest *name##_tests(size_t *n)
#define TEST_SUITE_BODY(arr) \
	do { *n = sizeof(arr) / sizeof(arr[0]); return arr; } while (0)

TEST_SUITE(psi);
TEST_SUITE(table);
TEST_SUITE(cgroup);
TEST_SUITE(config);
TEST_SUITE(control);
TEST_SUITE(cgtrim);
TEST_SUITE(knobs);
TEST_SUITE(metrics);
TEST_SUITE(log);

/* FILE * over a string, for parsers that take a stream. */
FILE *memfile(const char *text);
/* Temporary directory helpers (fake sysfs/debugfs trees). */
char *tmpdir_new(void);
void tmpdir_free(char *dir);
void write_file(const char *dir, const char *rel, const char *content);
char *read_file(const char *dir, const char *rel);	/* malloc'd, trailing newline stripped */

#endif
