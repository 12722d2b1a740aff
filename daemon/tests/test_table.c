// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "tests.h"
#include "util.h"

static const char bos_text[] =
	"id vm pid comm size resident state flags mmap reclaims swapins idle_ms\n"
	"1 1 100 firefox 1048576 1048576 resident - 1 0 0 120\n"
	"2 1 100 firefox 4194304 0 swapped d 0 3 1 90000\n"
	"3 2 200 glmark2 65536 65536 resident p 0 0 0 5\n";

static void parse_str(const char *text, struct table *t, int expect)
{
	FILE *f = memfile(text);

	assert_int_equal(table_parse(f, t), expect);
	fclose(f);
}

/* Passes when the documented bos columns are found by name, row by row. */
static void table_bos(void **state)
{
	struct table t;
	uint64_t v;

	(void)state;
	parse_str(bos_text, &t, 0);
	assert_int_equal(t.ncols, 12);
	assert_int_equal(t.nrows, 3);
	assert_int_equal(t.skipped, 0);
	assert_true(table_u64(&t, 1, "size", &v));
	assert_int_equal(v, 4194304);
	assert_true(table_u64(&t, 1, "swapins", &v));
	assert_int_equal(v, 1);
	assert_string_equal(table_cell(&t, 2, (size_t)table_col(&t, "comm")), "glmark2");
	assert_string_equal(table_cell(&t, 1, (size_t)table_col(&t, "state")), "swapped");
	assert_false(table_u64(&t, 0, "flags", &v));	/* "-" is not a number */
	assert_false(table_u64(&t, 0, "nosuchcol", &v));
	table_free(&t);
}

/* Passes when reordered, unknown and extra columns do not disturb lookups. */
static void table_unknown_columns(void **state)
{
	struct table t;
	uint64_t v;

	(void)state;
	parse_str("resident future_col id state pid comm swapped idle_ms bos discarded\n"
		  "4096 x 7 idle 33 Xorg 8192 60000 2 0\n", &t, 0);
	assert_int_equal(t.nrows, 1);
	assert_true(table_u64(&t, 0, "id", &v));
	assert_int_equal(v, 7);
	assert_true(table_u64(&t, 0, "swapped", &v));
	assert_int_equal(v, 8192);
	assert_string_equal(table_cell(&t, 0, (size_t)table_col(&t, "future_col")), "x");
	table_free(&t);
}

/* Passes when a comm with spaces is folded back into one cell and ragged rows are skipped. */
static void table_comm_spaces_and_ragged(void **state)
{
	struct table t;
	uint64_t v;

	(void)state;
	parse_str("id pid comm state idle_ms bos resident swapped discarded\n"
		  "1 10 Web Content idle 5000 3 4096 0 0\n"
		  "2 11 short\n"
		  "\n"
		  "3 12 gnome-shell active 0 9 8192 0 0\n", &t, 0);
	assert_int_equal(t.nrows, 2);
	assert_int_equal(t.skipped, 1);
	assert_string_equal(table_cell(&t, 0, 2), "Web Content");
	assert_true(table_u64(&t, 0, "idle_ms", &v));
	assert_int_equal(v, 5000);
	table_free(&t);

	/* without a comm column, a long row cannot be repaired: skipped */
	parse_str("a b\n1 2 3\n4 5\n", &t, 0);
	assert_int_equal(t.nrows, 1);
	assert_int_equal(t.skipped, 1);
	table_free(&t);
}

/* Passes when empty input fails, a header alone gives zero rows, duplicate columns fail. */
static void table_edge_cases(void **state)
{
	struct table t;

	(void)state;
	parse_str("", &t, -EINVAL);
	parse_str("\n\n", &t, -EINVAL);
	parse_str("id vm\n", &t, 0);
	assert_int_equal(t.nrows, 0);
	table_free(&t);
	parse_str("id id\n1 2\n", &t, -EINVAL);
	assert_int_equal(table_read("/nonexistent/bos", &t), -ENOENT);
}

/* Passes when sorting is numeric for numbers, textual otherwise, and reversible. */
static void table_sorting(void **state)
{
	struct table t;

	(void)state;
	parse_str(bos_text, &t, 0);
	assert_int_equal(table_sort(&t, "size", true), 0);
	assert_string_equal(table_cell(&t, 0, 0), "2");
	assert_string_equal(table_cell(&t, 1, 0), "1");
	assert_string_equal(table_cell(&t, 2, 0), "3");
	assert_int_equal(table_sort(&t, "size", false), 0);
	assert_string_equal(table_cell(&t, 0, 0), "3");
	assert_int_equal(table_sort(&t, "comm", false), 0);
	assert_string_equal(table_cell(&t, 0, 3), "firefox");
	assert_string_equal(table_cell(&t, 2, 3), "glmark2");
	assert_int_equal(table_sort(&t, "bogus", false), -ENOENT);
	table_free(&t);
}

/* Passes when filtering keeps exactly the matching rows. */
static void table_filtering(void **state)
{
	struct table t;

	(void)state;
	parse_str(bos_text, &t, 0);
	assert_int_equal(table_filter(&t, "pid", "100"), 0);
	assert_int_equal(t.nrows, 2);
	assert_string_equal(table_cell(&t, 1, 0), "2");
	assert_int_equal(table_filter(&t, "nope", "1"), -ENOENT);
	assert_int_equal(table_filter(&t, "pid", "999"), 0);
	assert_int_equal(t.nrows, 0);
	table_free(&t);
}

/* Passes when JSON output is exact: numbers bare, strings quoted and escaped. */
static void table_json(void **state)
{
	struct table t;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	parse_str("id comm flags\n1 a\"b -\n", &t, 0);
	out = open_memstream(&buf, &len);
	table_print_json(out, &t);
	fclose(out);
	assert_string_equal(buf, "[{\"id\":1,\"comm\":\"a\\\"b\",\"flags\":\"-\"}]");
	free(buf);
	table_free(&t);
}

/* JSON text of t, malloc'd. */
static char *json_of(const struct table *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	table_print_json(out, t);
	fclose(out);
	return buf;
}

/*
 * Passes when JSON types follow the column, not the cell: a comm of digits
 * stays a string, "-" in a numeric column is null, an unknown column is
 * text, a _bytes column a number. Failed before (comm 1234 was a number,
 * idle_ms "-" a string).
 */
static void table_json_types(void **state)
{
	struct table t;
	char *buf;

	(void)state;
	parse_str("id vm pid comm state idle_ms future x_bytes\n"
		  "7 - 100 1234 idle - 5 4096\n"
		  "8 3 101 app active 0 x -1\n", &t, 0);
	buf = json_of(&t);
	assert_string_equal(buf,
		"[{\"id\":7,\"vm\":null,\"pid\":100,\"comm\":\"1234\",\"state\":\"idle\","
		"\"idle_ms\":null,\"future\":\"5\",\"x_bytes\":4096},"
		"{\"id\":8,\"vm\":3,\"pid\":101,\"comm\":\"app\",\"state\":\"active\","
		"\"idle_ms\":0,\"future\":\"x\",\"x_bytes\":-1}]");
	free(buf);
	table_free(&t);
	assert_true(table_col_is_numeric("cgroup"));
	assert_true(table_col_is_numeric("swapin_ns"));
	assert_false(table_col_is_numeric("comm"));
	assert_false(table_col_is_numeric("flags"));
}

/*
 * Passes when a text column sorts as text even where cells look like
 * numbers (a comm "9" after "10"), and a numeric one puts "-" first.
 * Failed before: "10" and "9" compared as numbers, "1a" as text, an order
 * that is not one (9 < 10 < 1a < 9).
 */
static void table_sort_by_column_type(void **state)
{
	struct table t;

	(void)state;
	parse_str("id comm\n1 9\n2 10\n", &t, 0);
	assert_int_equal(table_sort(&t, "comm", false), 0);
	assert_string_equal(table_cell(&t, 0, 1), "10");
	assert_string_equal(table_cell(&t, 1, 1), "9");
	table_free(&t);
	parse_str("id vm comm\n1 5 9\n2 - 1a\n3 10 10\n4 2 a\n", &t, 0);
	assert_int_equal(table_sort(&t, "comm", false), 0);
	assert_string_equal(table_cell(&t, 0, 2), "10");
	assert_string_equal(table_cell(&t, 1, 2), "1a");
	assert_string_equal(table_cell(&t, 2, 2), "9");
	assert_string_equal(table_cell(&t, 3, 2), "a");
	assert_int_equal(table_sort(&t, "vm", false), 0);
	assert_string_equal(table_cell(&t, 0, 1), "-");
	assert_string_equal(table_cell(&t, 1, 1), "2");
	assert_string_equal(table_cell(&t, 2, 1), "5");
	assert_string_equal(table_cell(&t, 3, 1), "10");
	table_free(&t);
	/* a column of unknown name: numeric when every cell is a number */
	parse_str("id newcol\n1 10\n2 9\n", &t, 0);
	assert_int_equal(table_sort(&t, "newcol", false), 0);
	assert_string_equal(table_cell(&t, 0, 1), "9");
	table_free(&t);
}

/*
 * Passes when JSON strings stay valid UTF-8: well-formed sequences kept,
 * stray bytes, overlong forms and surrogates as U+FFFD, control characters
 * escaped. Failed before (bytes copied as they were: not JSON).
 */
static void table_json_utf8(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	out = open_memstream(&buf, &len);
	json_string(out, "caf\xc3\xa9 \xe2\x82\xac\xf0\x9f\x98\x80|\xff|\xc3|\xc0\xaf|\xed\xa0\x80|\t\x7f");
	fclose(out);
	assert_string_equal(buf, "\"caf\xc3\xa9 \xe2\x82\xac\xf0\x9f\x98\x80|\\ufffd|\\ufffd|"
			    "\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|\\u0009\x7f\"");
	free(buf);
}

/* Passes when stats values are JSON numbers, signed, and null when not numbers. */
static void table_stats_json(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	struct stats s;
	FILE *f, *out;

	(void)state;
	f = memfile("resident_bytes 4096\ndelta -3\nversion v2\nbig 99999999999999999999\n");
	assert_int_equal(stats_parse(f, &s), 0);
	fclose(f);
	out = open_memstream(&buf, &len);
	stats_print_json(out, &s);
	fclose(out);
	assert_string_equal(buf, "{\"resident_bytes\":4096,\"delta\":-3,\"version\":null,\"big\":null}");
	free(buf);
	stats_free(&s);
}

/* Passes when byte columns print in human units and others verbatim. */
static void table_human(void **state)
{
	struct table t;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	parse_str(bos_text, &t, 0);
	out = open_memstream(&buf, &len);
	table_print(out, &t, true);
	fclose(out);
	assert_non_null(strstr(buf, "4.0 MiB"));
	assert_non_null(strstr(buf, "64.0 KiB"));
	assert_non_null(strstr(buf, "90000"));	/* idle_ms not converted */
	assert_true(table_col_is_bytes("reclaimable_bytes"));
	assert_false(table_col_is_bytes("idle_ms"));
	free(buf);
	table_free(&t);
}

/* Passes when stats keys are kept generically and bad lines are skipped, first duplicate wins. */
static void table_stats(void **state)
{
	struct stats s;
	uint64_t v;
	FILE *f;

	(void)state;
	f = memfile("resident_bytes 1048576\n"
		    "swapped_bytes 0\n"
		    "swapout_skipped_trylock 7\n"
		    "some_future_key 12\n"
		    "version v2\n"
		    "malformed line here\n"
		    "resident_bytes 5\n"
		    "\n"
		    "lonely\n");
	assert_int_equal(stats_parse(f, &s), 0);
	fclose(f);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.skipped, 3);
	assert_true(stats_get(&s, "resident_bytes", &v));
	assert_int_equal(v, 1048576);
	assert_true(stats_get(&s, "swapout_skipped_trylock", &v));
	assert_int_equal(v, 7);
	assert_true(stats_get(&s, "some_future_key", &v));
	assert_false(stats_get(&s, "version", &v));
	assert_false(stats_get(&s, "missing", &v));
	stats_free(&s);
}

/* Passes when idle resident memory sums only VMs idle long enough. */
static void table_vms_idle(void **state)
{
	struct table t;

	(void)state;
	parse_str("id pid comm state idle_ms bos resident swapped discarded\n"
		  "1 1 a idle 60000 1 1000 0 0\n"
		  "2 1 a idle 20000 1 200 0 0\n"
		  "3 2 b active 0 1 30 0 0\n", &t, 0);
	assert_int_equal(vms_idle_resident(&t, 30000), 1000);
	assert_int_equal(vms_idle_resident(&t, 10000), 1200);
	assert_int_equal(vms_idle_resident(&t, 0), 1230);
	table_free(&t);
}

/* Passes when the inode set is sorted, without duplicates, and answers membership. */
static void table_ino_set(void **state)
{
	static const uint64_t add[] = { 50, 7, 1, 50, 9000000000ull, 7, 2 };
	struct ino_set s = { 0 };

	(void)state;
	assert_false(ino_set_has(&s, 1));
	for (size_t i = 0; i < ARRAY_SIZE(add); i++)
		assert_int_equal(ino_set_add(&s, add[i]), 0);
	assert_int_equal(s.n, 5);
	for (size_t i = 1; i < s.n; i++)
		assert_true(s.ino[i - 1] < s.ino[i]);
	assert_true(ino_set_has(&s, 1));
	assert_true(ino_set_has(&s, 2));
	assert_true(ino_set_has(&s, 50));
	assert_true(ino_set_has(&s, 9000000000ull));
	assert_false(ino_set_has(&s, 0));
	assert_false(ino_set_has(&s, 8));
	assert_false(ino_set_has(&s, 9000000001ull));
	/* growth past the first allocation keeps the order */
	for (uint64_t v = 1000; v > 100; v--)
		assert_int_equal(ino_set_add(&s, v), 0);
	assert_int_equal(s.n, 5 + 900);
	for (size_t i = 1; i < s.n; i++)
		assert_true(s.ino[i - 1] < s.ino[i]);
	ino_set_free(&s);
	assert_int_equal(s.n, 0);
}

/* bos with the cgroup column last: cgroups 11 (the subtree's top), 12 (below), 13 (outside), 0 */
static const char bos_cg_text[] =
	"id vm pid comm size resident state flags mmap reclaims swapins idle_ms cgroup\n"
	"1 1 100 firefox 1048576 1048576 resident - 1 0 0 120 11\n"
	"2 1 100 firefox 4194304 0 swapped d 0 3 1 90000 12\n"
	"3 2 200 glmark2 65536 65536 resident p 0 0 0 5 13\n"
	"4 2 200 glmark2 8192 0 discarded d 0 1 0 7 12\n"
	"5 - 300 kworker 4096 4096 pinned - 0 0 0 0 0\n"
	"6 3 100 Web Content 16384 16384 resident - 0 0 0 1 11\n";

/* Passes when only rows of a cgroup in the set stay: outside, 0 and missing cgroups go. */
static void table_filter_cgroup(void **state)
{
	struct ino_set s = { 0 };
	struct table t;
	uint64_t v;

	(void)state;
	assert_int_equal(ino_set_add(&s, 11), 0);
	assert_int_equal(ino_set_add(&s, 12), 0);
	parse_str(bos_cg_text, &t, 0);
	assert_int_equal(t.nrows, 6);
	assert_int_equal(table_filter_ino(&t, "cgroup", &s), 0);
	assert_int_equal(t.nrows, 4);
	for (size_t r = 0; r < t.nrows; r++) {
		assert_true(table_u64(&t, r, "cgroup", &v));
		assert_true(v == 11 || v == 12);
	}
	/* order kept; the folded comm of row 6 is intact */
	assert_string_equal(table_cell(&t, 0, 0), "1");
	assert_string_equal(table_cell(&t, 1, 0), "2");
	assert_string_equal(table_cell(&t, 2, 0), "4");
	assert_string_equal(table_cell(&t, 3, 0), "6");
	assert_string_equal(table_cell(&t, 3, (size_t)table_col(&t, "comm")), "Web Content");
	/* combined with the pid filter */
	assert_int_equal(table_filter(&t, "pid", "100"), 0);
	assert_int_equal(t.nrows, 3);
	table_free(&t);

	/* a kernel without the column: -ENOENT, rows untouched */
	parse_str(bos_text, &t, 0);
	assert_int_equal(table_filter_ino(&t, "cgroup", &s), -ENOENT);
	assert_int_equal(t.nrows, 3);
	table_free(&t);

	/* a cell that is not a number never matches; an empty set keeps nothing */
	parse_str("id cgroup\n1 -\n2 11x\n3 11\n", &t, 0);
	assert_int_equal(table_filter_ino(&t, "cgroup", &s), 0);
	assert_int_equal(t.nrows, 1);
	assert_string_equal(table_cell(&t, 0, 0), "3");
	ino_set_free(&s);
	assert_int_equal(table_filter_ino(&t, "cgroup", &s), 0);
	assert_int_equal(t.nrows, 0);
	table_free(&t);
}

/* Passes when swapped and discarded BOs count their size there and not in resident. */
static void table_bos_sum(void **state)
{
	struct ino_set s = { 0 };
	struct bo_sums sum;
	struct table t;

	(void)state;
	parse_str(bos_cg_text, &t, 0);
	bos_sum(&t, &sum);
	assert_int_equal(sum.bos, 6);
	assert_int_equal(sum.resident, 1048576 + 65536 + 4096 + 16384);
	assert_int_equal(sum.swapped, 4194304);
	assert_int_equal(sum.discarded, 8192);
	table_free(&t);

	/* the subtree of cgroup 12 alone: one swapped and one discarded BO */
	assert_int_equal(ino_set_add(&s, 12), 0);
	parse_str(bos_cg_text, &t, 0);
	assert_int_equal(table_filter_ino(&t, "cgroup", &s), 0);
	bos_sum(&t, &sum);
	assert_int_equal(sum.bos, 2);
	assert_int_equal(sum.resident, 0);
	assert_int_equal(sum.swapped, 4194304);
	assert_int_equal(sum.discarded, 8192);
	table_free(&t);
	ino_set_free(&s);

	/* no rows, and rows without state/size/resident columns */
	parse_str("id cgroup\n", &t, 0);
	bos_sum(&t, &sum);
	assert_int_equal(sum.bos, 0);
	assert_int_equal(sum.resident + sum.swapped + sum.discarded, 0);
	table_free(&t);
	parse_str("id cgroup\n1 11\n", &t, 0);
	bos_sum(&t, &sum);
	assert_int_equal(sum.bos, 1);
	assert_int_equal(sum.resident + sum.swapped + sum.discarded, 0);
	table_free(&t);
}

/* Passes when sizes parse with binary suffixes and print in human units. */
static void util_sizes(void **state)
{
	uint64_t v;
	char buf[32];

	(void)state;
	assert_int_equal(parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_size("64M", &v), 0);
	assert_int_equal(v, 64ull << 20);
	assert_int_equal(parse_size("1.5GiB", &v), 0);
	assert_int_equal(v, 3ull << 29);
	assert_int_equal(parse_size("2k", &v), 0);
	assert_int_equal(v, 2048);
	assert_int_equal(parse_size("12Q", &v), -EINVAL);
	assert_int_equal(parse_size("-1", &v), -EINVAL);
	assert_int_equal(parse_size("", &v), -EINVAL);
	assert_int_equal(parse_size("99999999P", &v), -ERANGE);
	format_size(512, buf, sizeof(buf));
	assert_string_equal(buf, "512 B");
	format_size(1536, buf, sizeof(buf));
	assert_string_equal(buf, "1.5 KiB");
	format_size(3ull << 30, buf, sizeof(buf));
	assert_string_equal(buf, "3.0 GiB");
	assert_int_equal(parse_u64(" 42\n", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_u64("42a", &v), -EINVAL);
	assert_int_equal(parse_u64("99999999999999999999999", &v), -ERANGE);
}

/* Passes when signed numbers and pids parse strictly, overflow reported as -ERANGE. */
static void util_numbers(void **state)
{
	int64_t i;
	int pid;

	(void)state;
	assert_int_equal(parse_i64("-5", &i), 0);
	assert_int_equal(i, -5);
	assert_int_equal(parse_i64("-9223372036854775808", &i), 0);
	assert_true(i == INT64_MIN);
	assert_int_equal(parse_i64("9223372036854775807", &i), 0);
	assert_true(i == INT64_MAX);
	assert_int_equal(parse_i64("9223372036854775808", &i), -ERANGE);
	assert_int_equal(parse_i64("-9223372036854775809", &i), -ERANGE);
	assert_int_equal(parse_i64("- 5", &i), -EINVAL);
	assert_int_equal(parse_i64("--5", &i), -EINVAL);
	assert_int_equal(parse_i64("-", &i), -EINVAL);
	assert_int_equal(parse_pid("42", &pid), 0);
	assert_int_equal(pid, 42);
	assert_int_equal(parse_pid("4194304", &pid), 0);
	assert_int_equal(parse_pid("4194305", &pid), -ERANGE);
	assert_int_equal(parse_pid("0", &pid), -ERANGE);
	assert_int_equal(parse_pid("99999999999999999999999", &pid), -ERANGE);
	assert_int_equal(parse_pid("abc", &pid), -EINVAL);
	assert_int_equal(parse_pid("-1", &pid), -EINVAL);
	assert_int_equal(parse_pid(" 42", &pid), -EINVAL);
	assert_int_equal(parse_pid("42 ", &pid), -EINVAL);
	assert_int_equal(parse_pid("", &pid), -EINVAL);
}

TEST_SUITE(table)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_bos),
		cmocka_unit_test(table_unknown_columns),
		cmocka_unit_test(table_comm_spaces_and_ragged),
		cmocka_unit_test(table_edge_cases),
		cmocka_unit_test(table_sorting),
		cmocka_unit_test(table_filtering),
		cmocka_unit_test(table_json),
		cmocka_unit_test(table_json_types),
		cmocka_unit_test(table_sort_by_column_type),
		cmocka_unit_test(table_json_utf8),
		cmocka_unit_test(table_stats_json),
		cmocka_unit_test(table_human),
		cmocka_unit_test(table_stats),
		cmocka_unit_test(table_vms_idle),
		cmocka_unit_test(table_ino_set),
		cmocka_unit_test(table_filter_cgroup),
		cmocka_unit_test(table_bos_sum),
		cmocka_unit_test(util_sizes),
		cmocka_unit_test(util_numbers),
	};
	TEST_SUITE_BODY(tests);
}
