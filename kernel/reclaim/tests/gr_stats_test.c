// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of gr_stats.c: the stats, bos and vms text, and the shrink
 * request parser.
 */

#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <kunit/test.h>

#include "gr_kunit.h"
#include "gr_stats.h"

/* A seq_file writing into a zeroed page, read back as a string. */
static struct seq_file *new_seq(struct kunit *test)
{
	struct seq_file *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->size = PAGE_SIZE;
	m->buf = kunit_kzalloc(test, m->size + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->buf);
	return m;
}

static unsigned int count_char(const char *s, char c)
{
	unsigned int n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

/*
 * Passes when the stats text is one "key value" line per device value and
 * per policy counter, starts with resident_bytes, carries the values added,
 * and shows a negative gauge as negative.
 */
static void gr_test_stats_print(struct kunit *test)
{
	struct gr_stats *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	struct seq_file *m = new_seq(test);
	char *line, *text;

	KUNIT_ASSERT_NOT_NULL(test, st);
	gr_stats_init(st);
	gr_stats_add(st, GR_STAT_RESIDENT_BYTES, 4096);
	gr_stats_add(st, GR_STAT_SWAPPED_BYTES, -8192);
	gr_stats_add(st, GR_STAT_SCAN_CALLS, 3);
	gr_stats_policy_add(st, 2, GR_PSTAT_SKIPPED_TRYLOCK, 7);
	gr_stats_policy_add(st, 1, GR_PSTAT_RECLAIMED, 12);
	gr_stats_print(st, m);

	text = m->buf;
	KUNIT_EXPECT_FALSE(test, seq_has_overflowed(m));
	KUNIT_EXPECT_EQ(test, count_char(text, '\n'),
			GR_STAT_COUNT + gr_policy_count * GR_PSTAT_COUNT);
	KUNIT_EXPECT_TRUE(test, str_has_prefix(text, "resident_bytes 4096\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\nswapped_bytes -8192\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\nscan_calls 3\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\nswapout_skipped_trylock 7\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\nidle-vm-first_reclaimed 12\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\ndiscard_scanned 0\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\nswapin_ns 0\n"));

	/* every line: one key, one space, one number */
	while ((line = strsep(&text, "\n")) && *line) {
		char *sp = strchr(line, ' ');
		long long v;

		KUNIT_ASSERT_NOT_NULL_MSG(test, sp, "line \"%s\"", line);
		KUNIT_EXPECT_EQ(test, count_char(line, ' '), 1);
		KUNIT_EXPECT_EQ_MSG(test, kstrtoll(sp + 1, 10, &v), 0, "line \"%s\"", line);
	}
}

struct row_case {
	const char *desc;
	bool vm_table;
	struct gr_bo_row bo;
	struct gr_vm_row vm;
	const char *text;
};

static const struct row_case row_cases[] = {
	{ "resident BO, no flag", false,
	  .bo = { 1, 1, 100, "firefox", 1048576, 1048576, "resident", 0, 1, 0, 0, 120 },
	  .text = "1 1 100 firefox 1048576 1048576 resident - 1 0 0 120 0\n" },
	{ "swapped discardable shared BO", false,
	  .bo = { 2, 7, 100, "Web Content", 4096, 0, "swapped",
		  GR_BO_ROW_DISCARD | GR_BO_ROW_SHARED, 0, 3, 1, 90000 },
	  .text = "2 7 100 Web Content 4096 0 swapped ds 0 3 1 90000 0\n" },
	{ "BO in no VM, every flag", false,
	  .bo = { 3, GR_BO_ROW_NO_VM, 5, "x", 8192, 8192, "pinned",
		  GR_BO_ROW_DISCARD | GR_BO_ROW_NO_MMAP | GR_BO_ROW_SHARED |
		  GR_BO_ROW_LOST, 0, 0, 0, 0 },
	  .text = "3 - 5 x 8192 8192 pinned dnsl 0 0 0 0 0\n" },
	{ "purged DONTNEED BO: d, l and p", false,
	  .bo = { 8, 2, 9, "app", 65536, 0, "discarded",
		  GR_BO_ROW_DISCARD | GR_BO_ROW_LOST | GR_BO_ROW_PURGED, 1, 1, 0, 0 },
	  .text = "8 2 9 app 65536 0 discarded dlp 1 1 0 0 0\n" },
	{ "exported BO, purged flag last", false,
	  .bo = { 9, 2, 9, "app", 4096, 4096, "resident",
		  GR_BO_ROW_EXPORTED | GR_BO_ROW_PURGED, 0, 0, 0, 0 },
	  .text = "9 2 9 app 4096 4096 resident xp 0 0 0 0 0\n" },
	{ "comm with control characters", false,
	  .bo = { 4, 1, 9, "a\tb\nc\x7f", 0, 0, "unbacked", 0, 0, 0, 0, 0 },
	  .text = "4 1 9 a?b?c? 0 0 unbacked - 0 0 0 0 0\n" },
	{ "empty comm and no state", false,
	  .bo = { 5, 1, 9, "", 0, 0, NULL, 0, 0, 0, 0, 0 },
	  .text = "5 1 9 - 0 0 - - 0 0 0 0 0\n" },
	{ "comm longer than TASK_COMM_LEN", false,
	  .bo = { 6, 1, 9, "abcdefghijklmnopqrstuvwxyz", 0, 0, "resident", 0, 0, 0, 0, 0 },
	  .text = "6 1 9 abcdefghijklmno 0 0 resident - 0 0 0 0 0\n" },
	{ "BO of a cgroup", false,
	  .bo = { 7, 2, 9, "app", 4096, 4096, "resident", 0, 0, 0, 0, 10, 1234 },
	  .text = "7 2 9 app 4096 4096 resident - 0 0 0 10 1234\n" },
	{ "idle VM", true,
	  .vm = { 1, 10, "a", false, 5000, 3, 4096, 0, 0 },
	  .text = "1 10 a idle 5000 3 4096 0 0 0\n" },
	{ "active VM: idle_ms 0", true,
	  .vm = { 2, 11, "gpu job", true, 777, 1, 0, 8192, 4096 },
	  .text = "2 11 gpu job active 0 1 0 8192 4096 0\n" },
	{ "VM of a cgroup", true,
	  .vm = { 3, 12, "app", false, 1, 0, 0, 0, 0, 98765 },
	  .text = "3 12 app idle 1 0 0 0 0 98765\n" },
};

static void row_desc(const struct row_case *t, char *desc)
{
	strscpy(desc, t->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(row, row_cases, row_desc);

/* Passes when the row printer prints exactly the case's line. */
static void gr_test_table_row(struct kunit *test)
{
	const struct row_case *t = test->param_value;
	struct seq_file *m = new_seq(test);

	if (t->vm_table)
		gr_vms_print_row(m, &t->vm);
	else
		gr_bos_print_row(m, &t->bo);
	KUNIT_EXPECT_STREQ(test, m->buf, t->text);
}

/*
 * Passes when the headers name the documented columns and a row whose comm
 * has no space has as many fields as its header.
 */
static void gr_test_table_header(struct kunit *test)
{
	const struct gr_bo_row bo = { 1, 2, 3, "c", 4, 5, "resident", 0, 6, 7, 8, 9 };
	const struct gr_vm_row vm = { 1, 2, "c", false, 3, 4, 5, 6, 7 };
	struct seq_file *h = new_seq(test), *r = new_seq(test);

	gr_bos_print_header(h);
	KUNIT_EXPECT_STREQ(test, h->buf,
			   "id vm pid comm size resident state flags mmap reclaims swapins idle_ms cgroup\n");
	gr_bos_print_row(r, &bo);
	KUNIT_EXPECT_EQ(test, count_char(h->buf, ' '), count_char(r->buf, ' '));

	h = new_seq(test);
	r = new_seq(test);
	gr_vms_print_header(h);
	KUNIT_EXPECT_STREQ(test, h->buf,
			   "id pid comm state idle_ms bos resident swapped discarded cgroup\n");
	gr_vms_print_row(r, &vm);
	KUNIT_EXPECT_EQ(test, count_char(h->buf, ' '), count_char(r->buf, ' '));
}

struct shrink_case {
	const char *desc;
	const char *in;
	size_t len;		/* 0: strlen(in) */
	int ret;
	unsigned long pages;
	pid_t tgid;
};

static const struct shrink_case shrink_cases[] = {
	{ "pages", "1", 0, 0, 1, 0 },
	{ "pages with newline", "4096\n", 0, 0, 4096, 0 },
	{ "pages and tgid", "10 tgid=42", 0, 0, 10, 42 },
	{ "pages and tgid with newline", "10 tgid=42\n", 0, 0, 10, 42 },
	{ "largest page count", "18446744073709551615", 0, 0, ULONG_MAX, 0 },
	{ "zero pages", "0", 0, -ERANGE },
	{ "page count overflows", "18446744073709551616", 0, -ERANGE },
	{ "tgid 0", "1 tgid=0", 0, -ERANGE },
	{ "tgid beyond any pid", "1 tgid=99999999", 0, -ERANGE },
	{ "empty", "", 0, -EINVAL },
	{ "newline only", "\n", 0, -EINVAL },
	{ "negative", "-1", 0, -EINVAL },
	{ "plus sign", "+1", 0, -EINVAL },
	{ "leading space", " 1", 0, -EINVAL },
	{ "trailing space", "1 ", 0, -EINVAL },
	{ "two spaces", "1  tgid=2", 0, -EINVAL },
	{ "tab", "1\ttgid=2", 0, -EINVAL },
	{ "tgid without value", "1 tgid=", 0, -EINVAL },
	{ "negative tgid", "1 tgid=-5", 0, -EINVAL },
	{ "other key", "1 pid=5", 0, -EINVAL },
	{ "extra field", "1 tgid=5 x", 0, -EINVAL },
	{ "tgid first", "tgid=5 1", 0, -EINVAL },
	{ "letters", "abc", 0, -EINVAL },
	{ "unit suffix", "1M", 0, -EINVAL },
	{ "hex", "0x10", 0, -EINVAL },
	{ "two newlines", "1\n\n", 0, -EINVAL },
	{ "embedded NUL", "1\0 tgid=2", 9, -EINVAL },
	{ "overlong", "1 tgid=1                                          ", 0, -EINVAL },
};

static void shrink_desc(const struct shrink_case *t, char *desc)
{
	strscpy(desc, t->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(shrink, shrink_cases, shrink_desc);

/*
 * Passes when gr_shrink_parse() returns the case's result, the case's pages
 * and tgid on success, and leaves both outputs alone on failure.
 */
static void gr_test_shrink_parse(struct kunit *test)
{
	const struct shrink_case *t = test->param_value;
	size_t len = t->len ?: strlen(t->in);
	unsigned long pages = 12345;
	pid_t tgid = 678;

	KUNIT_ASSERT_EQ(test, gr_shrink_parse(t->in, len, &pages, &tgid), t->ret);
	if (t->ret) {
		KUNIT_EXPECT_EQ(test, pages, 12345);
		KUNIT_EXPECT_EQ(test, tgid, 678);
		return;
	}
	KUNIT_EXPECT_EQ(test, pages, t->pages);
	KUNIT_EXPECT_EQ(test, tgid, t->tgid);
}

static struct kunit_case gr_stats_test_cases[] = {
	KUNIT_CASE(gr_test_stats_print),
	KUNIT_CASE_PARAM(gr_test_table_row, row_gen_params),
	KUNIT_CASE(gr_test_table_header),
	KUNIT_CASE_PARAM(gr_test_shrink_parse, shrink_gen_params),
	{}
};

struct kunit_suite gr_stats_test_suite = {
	.name = "gem_reclaim_stats",
	.test_cases = gr_stats_test_cases,
};
