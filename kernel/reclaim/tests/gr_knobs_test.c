// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of gr_knobs.c: knob parsing, ranges, defaults, and that a
 * rejected write changes nothing.
 */

#include <linux/slab.h>
#include <linux/string.h>

#include <kunit/test.h>

#include "gr_kunit.h"
#include "gr_knobs.h"

struct knob_case {
	const char *desc;
	enum gr_knob_id id;
	const char *in;
	size_t len;		/* 0: strlen(in) */
	int ret;
	const char *shown;	/* what the knob shows after the write */
};

static const struct knob_case knob_cases[] = {
	{ "threshold 0", GR_KNOB_IDLE_THRESHOLD_MS, "0", 0, 0, "0" },
	{ "threshold with newline", GR_KNOB_IDLE_THRESHOLD_MS, "5000\n", 0, 0, "5000" },
	{ "threshold at maximum", GR_KNOB_IDLE_THRESHOLD_MS, "86400000", 0, 0, "86400000" },
	{ "threshold leading zeros", GR_KNOB_IDLE_THRESHOLD_MS, "0042", 0, 0, "42" },
	{ "threshold above maximum", GR_KNOB_IDLE_THRESHOLD_MS, "86400001", 0, -ERANGE },
	{ "threshold overflows", GR_KNOB_IDLE_THRESHOLD_MS, "18446744073709551616", 0, -ERANGE },
	{ "threshold negative", GR_KNOB_IDLE_THRESHOLD_MS, "-1", 0, -EINVAL },
	{ "threshold empty", GR_KNOB_IDLE_THRESHOLD_MS, "", 0, -EINVAL },
	{ "threshold newline only", GR_KNOB_IDLE_THRESHOLD_MS, "\n", 0, -EINVAL },
	{ "threshold leading space", GR_KNOB_IDLE_THRESHOLD_MS, " 5", 0, -EINVAL },
	{ "threshold plus sign", GR_KNOB_IDLE_THRESHOLD_MS, "+5", 0, -EINVAL },
	{ "min resident plus sign", GR_KNOB_MIN_RESIDENT_MB, "+0\n", 0, -EINVAL },
	{ "threshold trailing space", GR_KNOB_IDLE_THRESHOLD_MS, "5 ", 0, -EINVAL },
	{ "threshold two newlines", GR_KNOB_IDLE_THRESHOLD_MS, "5\n\n", 0, -EINVAL },
	{ "threshold hex", GR_KNOB_IDLE_THRESHOLD_MS, "0x10", 0, -EINVAL },
	{ "threshold exponent", GR_KNOB_IDLE_THRESHOLD_MS, "1e3", 0, -EINVAL },
	{ "threshold with unit", GR_KNOB_IDLE_THRESHOLD_MS, "5ms", 0, -EINVAL },
	{ "threshold embedded NUL", GR_KNOB_IDLE_THRESHOLD_MS, "10\0", 3, -EINVAL },
	{ "threshold tab", GR_KNOB_IDLE_THRESHOLD_MS, "5\t", 0, -EINVAL },
	{ "min resident 0", GR_KNOB_MIN_RESIDENT_MB, "0\n", 0, 0, "0" },
	{ "min resident at maximum", GR_KNOB_MIN_RESIDENT_MB, "1048576", 0, 0, "1048576" },
	{ "min resident above maximum", GR_KNOB_MIN_RESIDENT_MB, "1048577", 0, -ERANGE },
	{ "min resident garbage", GR_KNOB_MIN_RESIDENT_MB, "lots", 0, -EINVAL },
	{ "policy chain", GR_KNOB_POLICY, "swapout discard\n", 0, 0, "swapout discard" },
	{ "policy empty: disabled", GR_KNOB_POLICY, "\n", 0, 0, "" },
	{ "policy unknown", GR_KNOB_POLICY, "lru\n", 0, -EINVAL },
	{ "policy duplicate", GR_KNOB_POLICY, "discard discard\n", 0, -EINVAL },
	{ "policy tab", GR_KNOB_POLICY, "discard\tswapout\n", 0, -EINVAL },
	{ "available_policies is read-only", GR_KNOB_AVAILABLE_POLICIES,
	  "discard\n", 0, -EPERM },
};

static void knob_desc(const struct knob_case *t, char *desc)
{
	strscpy(desc, t->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(knob, knob_cases, knob_desc);

static struct gr_control *new_control(struct kunit *test)
{
	struct gr_control *ctl = kunit_kzalloc(test, sizeof(*ctl), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctl);
	gr_control_setup(ctl);
	return ctl;
}

static void snapshot(struct gr_control *ctl, u64 *vals)
{
	unsigned int i;

	for (i = 0; i < GR_KNOB_COUNT; i++)
		vals[i] = atomic64_read(&ctl->val[i]);
}

/*
 * Passes when gr_knob_write() returns the case's result; on success the
 * knob then shows the case's text, on failure no knob changed.
 */
static void gr_test_knob_write(struct kunit *test)
{
	const struct knob_case *t = test->param_value;
	struct gr_control *ctl = new_control(test);
	size_t len = t->len ?: strlen(t->in);
	u64 before[GR_KNOB_COUNT], after[GR_KNOB_COUNT];
	char text[GR_KNOB_TEXT_MAX];

	snapshot(ctl, before);
	KUNIT_ASSERT_EQ(test, gr_knob_write(ctl, t->id, t->in, len), t->ret);
	snapshot(ctl, after);
	if (t->ret) {
		KUNIT_EXPECT_MEMEQ(test, after, before, sizeof(before));
		return;
	}
	gr_knob_show(t->id, after[t->id], text, sizeof(text));
	KUNIT_EXPECT_STREQ(test, text, t->shown);
}

/*
 * Passes when every knob's built-in default is accepted by its own parser,
 * lies in its range, and is what a fresh control plane starts with (no
 * module parameter is given to the test kernel).
 */
static void gr_test_knob_defaults(struct kunit *test)
{
	struct gr_control *ctl = new_control(test);
	const struct gr_knob *k;
	unsigned int i;
	u64 val;

	for (i = 0; i < GR_KNOB_COUNT; i++) {
		k = &gr_knobs[i];
		KUNIT_EXPECT_NOT_NULL(test, k->name);
		KUNIT_EXPECT_NOT_NULL(test, k->doc);
		KUNIT_EXPECT_NOT_NULL(test, k->show);
		if (!k->parse) {
			KUNIT_EXPECT_EQ(test, k->mode, 0444);
			continue;
		}
		KUNIT_EXPECT_EQ(test, k->mode, 0644);
		KUNIT_ASSERT_NOT_NULL(test, k->def);
		KUNIT_ASSERT_EQ_MSG(test, gr_knob_parse(i, k->def, strlen(k->def), &val),
				    0, "knob %s", k->name);
		if (k->max) {
			KUNIT_EXPECT_GE(test, val, k->min);
			KUNIT_EXPECT_LE(test, val, k->max);
		}
		KUNIT_EXPECT_EQ(test, atomic64_read(&ctl->val[i]), val);
	}
}

/*
 * Passes when the defaults reach reclaim through gr_control_params(): the
 * full chain in order, 5000 ms, 0 MiB.
 */
static void gr_test_knob_params(struct kunit *test)
{
	struct gr_control *ctl = new_control(test);
	struct gr_params p;

	gr_control_params(ctl, &p);
	KUNIT_ASSERT_EQ(test, p.chain.len, 3);
	KUNIT_EXPECT_EQ(test, p.chain.idx[0], 0);
	KUNIT_EXPECT_EQ(test, p.chain.idx[1], 1);
	KUNIT_EXPECT_EQ(test, p.chain.idx[2], 2);
	KUNIT_EXPECT_EQ(test, p.idle_threshold_ms, 5000);
	KUNIT_EXPECT_EQ(test, p.min_resident_mb, 0);
	KUNIT_EXPECT_EQ(test, p.swapout_min_idle_ms, 0);
	KUNIT_EXPECT_EQ(test, p.refault_protect_ms, 0);

	KUNIT_ASSERT_EQ(test, gr_knob_write(ctl, GR_KNOB_POLICY, "swapout", 7), 0);
	KUNIT_ASSERT_EQ(test, gr_knob_write(ctl, GR_KNOB_REFAULT_PROTECT_MS, "60000\n", 6), 0);
	KUNIT_EXPECT_EQ(test, gr_knob_write(ctl, GR_KNOB_REFAULT_PROTECT_MS,
					    "-1", 2), -EINVAL);
	KUNIT_ASSERT_EQ(test, gr_knob_write(ctl, GR_KNOB_IDLE_THRESHOLD_MS, "1\n", 2), 0);
	KUNIT_ASSERT_EQ(test, gr_knob_write(ctl, GR_KNOB_SWAPOUT_MIN_IDLE_MS, "250", 3), 0);
	KUNIT_EXPECT_EQ(test, gr_knob_write(ctl, GR_KNOB_SWAPOUT_MIN_IDLE_MS,
					    "86400001", 8), -ERANGE);
	gr_control_params(ctl, &p);
	KUNIT_ASSERT_EQ(test, p.chain.len, 1);
	KUNIT_EXPECT_EQ(test, p.chain.idx[0], 2);
	KUNIT_EXPECT_EQ(test, p.idle_threshold_ms, 1);
	KUNIT_EXPECT_EQ(test, p.swapout_min_idle_ms, 250);
	KUNIT_EXPECT_EQ(test, p.refault_protect_ms, 60000);

	KUNIT_ASSERT_EQ(test, gr_knob_write(ctl, GR_KNOB_POLICY, "", 0), 0);
	gr_control_params(ctl, &p);
	KUNIT_EXPECT_EQ(test, p.chain.len, 0);
}

/*
 * Passes when a text as long as a sysfs write can be (a page, the first
 * bytes valid) is rejected for every writable knob, and nothing changes.
 */
static void gr_test_knob_overlong(struct kunit *test)
{
	struct gr_control *ctl = new_control(test);
	u64 before[GR_KNOB_COUNT], after[GR_KNOB_COUNT];
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	snapshot(ctl, before);
	for (i = 0; i < GR_KNOB_COUNT; i++) {
		if (!gr_knobs[i].parse)
			continue;
		memset(buf, i == GR_KNOB_POLICY ? ' ' : '0', PAGE_SIZE - 1);
		buf[0] = '1';
		KUNIT_EXPECT_EQ(test, gr_knob_write(ctl, i, buf, PAGE_SIZE - 1), -EINVAL);
		KUNIT_EXPECT_EQ(test, gr_knob_write(ctl, i, buf, GR_KNOB_TEXT_MAX),
				-EINVAL);
	}
	snapshot(ctl, after);
	KUNIT_EXPECT_MEMEQ(test, after, before, sizeof(before));
}

/* Passes when available_policies shows every policy and ignores its value. */
static void gr_test_knob_available(struct kunit *test)
{
	char text[GR_KNOB_TEXT_MAX];

	gr_knob_show(GR_KNOB_AVAILABLE_POLICIES, 0, text, sizeof(text));
	KUNIT_EXPECT_STREQ(test, text, "discard idle-vm-first swapout");
	gr_knob_show(GR_KNOB_AVAILABLE_POLICIES, ~0ULL, text, sizeof(text));
	KUNIT_EXPECT_STREQ(test, text, "discard idle-vm-first swapout");
}

static struct kunit_case gr_knobs_test_cases[] = {
	KUNIT_CASE_PARAM(gr_test_knob_write, knob_gen_params),
	KUNIT_CASE(gr_test_knob_defaults),
	KUNIT_CASE(gr_test_knob_params),
	KUNIT_CASE(gr_test_knob_overlong),
	KUNIT_CASE(gr_test_knob_available),
	{}
};

struct kunit_suite gr_knobs_test_suite = {
	.name = "gem_reclaim_knobs",
	.test_cases = gr_knobs_test_cases,
};
