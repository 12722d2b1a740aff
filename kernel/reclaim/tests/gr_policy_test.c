// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of gr_policy.c: the policy table, chain parsing and
 * formatting, and the idle-vm-first decision functions.
 */

#include <linux/string.h>

#include <kunit/test.h>

#include "gr_kunit.h"
#include "gr_policy.h"

/* Indices in gr_policies[], as the tests expect the table to be. */
#define DISCARD		0
#define IDLE_VM_FIRST	1
#define SWAPOUT		2

struct chain_parse_case {
	const char *desc;
	const char *in;
	size_t len;		/* 0: strlen(in) */
	int ret;
	u8 n;
	u8 idx[GR_POLICY_MAX];
};

static const struct chain_parse_case chain_parse_cases[] = {
	{ "one policy", "discard", 0, 0, 1, { DISCARD } },
	{ "full chain", "discard idle-vm-first swapout", 0, 0, 3,
	  { DISCARD, IDLE_VM_FIRST, SWAPOUT } },
	{ "order is kept", "swapout discard", 0, 0, 2, { SWAPOUT, DISCARD } },
	{ "trailing newline", "swapout\n", 0, 0, 1, { SWAPOUT } },
	{ "empty text: reclaim disabled", "", 0, 0, 0, {} },
	{ "lone newline: reclaim disabled", "\n", 0, 0, 0, {} },
	{ "blanks only: reclaim disabled", "  \x20\n", 0, 0, 0, {} },
	{ "runs of spaces", "  discard   swapout \x20\n", 0, 0, 2,
	  { DISCARD, SWAPOUT } },
	{ "unknown name", "bogus", 0, -EINVAL },
	{ "unknown among known", "discard bogus", 0, -EINVAL },
	{ "prefix of a name", "discar", 0, -EINVAL },
	{ "name with a suffix", "discardx", 0, -EINVAL },
	{ "upper case", "Discard", 0, -EINVAL },
	{ "duplicate", "discard discard", 0, -EINVAL },
	{ "duplicate, not adjacent", "swapout discard swapout", 0, -EINVAL },
	{ "tab separator", "discard\tswapout", 0, -EINVAL },
	{ "leading tab", "\tdiscard", 0, -EINVAL },
	{ "two newlines", "discard\n\n", 0, -EINVAL },
	{ "CR LF", "discard\r\n", 0, -EINVAL },
	{ "newline inside", "discard\nswapout", 0, -EINVAL },
	{ "comma separator", "discard,swapout", 0, -EINVAL },
	{ "control character", "disc\001ard", 0, -EINVAL },
	{ "DEL character", "discard\x7f", 0, -EINVAL },
	{ "non-ASCII byte", "discard \xc3\xa9", 0, -EINVAL },
	{ "embedded NUL", "discard\0swapout", 15, -EINVAL },
	{ "trailing NUL", "discard\0", 8, -EINVAL },
};

static void chain_parse_desc(const struct chain_parse_case *t, char *desc)
{
	strscpy(desc, t->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(chain_parse, chain_parse_cases, chain_parse_desc);

/*
 * Passes when gr_chain_parse() returns the case's result and, on success,
 * the case's chain; on failure the output chain must be left untouched.
 */
static void gr_test_chain_parse(struct kunit *test)
{
	const struct chain_parse_case *t = test->param_value;
	struct gr_chain chain = { .len = 5, .idx = { 7, 7, 7, 7, 7 } };
	const struct gr_chain before = chain;
	size_t len = t->len ?: strlen(t->in);
	int ret;

	ret = gr_chain_parse(t->in, len, &chain);
	KUNIT_ASSERT_EQ(test, ret, t->ret);
	if (ret) {
		KUNIT_EXPECT_MEMEQ(test, &chain, &before, sizeof(chain));
		return;
	}
	KUNIT_ASSERT_EQ(test, chain.len, t->n);
	KUNIT_EXPECT_MEMEQ(test, chain.idx, t->idx, t->n);
}

/*
 * Passes when a text of GR_CHAIN_TEXT_MAX - 1 bytes is accepted and one of
 * GR_CHAIN_TEXT_MAX bytes (a valid chain padded with spaces) is rejected.
 */
static void gr_test_chain_parse_overlong(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, GR_CHAIN_TEXT_MAX + 1, GFP_KERNEL);
	struct gr_chain chain;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, ' ', GR_CHAIN_TEXT_MAX);
	memcpy(buf, "swapout", strlen("swapout"));
	KUNIT_EXPECT_EQ(test, gr_chain_parse(buf, GR_CHAIN_TEXT_MAX - 1, &chain), 0);
	KUNIT_EXPECT_EQ(test, chain.len, 1);
	KUNIT_EXPECT_EQ(test, gr_chain_parse(buf, GR_CHAIN_TEXT_MAX, &chain),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gr_chain_parse(buf, PAGE_SIZE - 1, &chain),
			-EINVAL);
}

/*
 * Passes when every chain (every ordered selection of distinct policies,
 * the empty one included) survives format -> parse and pack -> unpack.
 */
static void gr_test_chain_roundtrip(struct kunit *test)
{
	unsigned int n = gr_policy_count, code, total = 1, i, tested = 0;
	char text[GR_CHAIN_TEXT_MAX];
	struct gr_chain c, back;
	bool used[GR_POLICY_MAX];

	for (i = 0; i < n; i++)
		total *= n + 1;
	/* each code is a base-(n+1) number: digit 0 ends, digit d is policy d-1 */
	for (code = 0; code < total; code++) {
		unsigned int v = code;

		memset(&c, 0, sizeof(c));
		memset(used, 0, sizeof(used));
		while (v % (n + 1)) {
			unsigned int p = v % (n + 1) - 1;

			if (used[p])
				break;
			used[p] = true;
			c.idx[c.len++] = p;
			v /= n + 1;
		}
		if (v % (n + 1))
			continue;	/* repeats a policy */
		if (v)
			continue;	/* digits after the end */
		tested++;
		gr_chain_format(&c, text, sizeof(text));
		KUNIT_ASSERT_EQ_MSG(test, gr_chain_parse(text, strlen(text), &back),
				    0, "text \"%s\"", text);
		KUNIT_EXPECT_EQ(test, back.len, c.len);
		KUNIT_EXPECT_MEMEQ(test, back.idx, c.idx, c.len);
		gr_chain_unpack(gr_chain_pack(&c), &back);
		KUNIT_EXPECT_EQ(test, back.len, c.len);
		KUNIT_EXPECT_MEMEQ(test, back.idx, c.idx, c.len);
	}
	/* 1 + 3 + 3*2 + 3*2*1 chains with three policies */
	if (n == 3)
		KUNIT_EXPECT_EQ(test, tested, 16);
}

/* Passes when the empty chain formats as "" and packs to 0. */
static void gr_test_chain_empty(struct kunit *test)
{
	struct gr_chain c = {};
	char text[8] = "x";

	KUNIT_EXPECT_EQ(test, gr_chain_format(&c, text, sizeof(text)), 0);
	KUNIT_EXPECT_STREQ(test, text, "");
	KUNIT_EXPECT_EQ(test, gr_chain_pack(&c), 0);
	gr_chain_unpack(0, &c);
	KUNIT_EXPECT_EQ(test, c.len, 0);
}

/*
 * Passes when the table holds the three documented policies in order, each
 * name is unique, made of [a-z0-9_-], fits the chain, and is found by
 * gr_policy_lookup(); and available_policies lists them in table order.
 */
static void gr_test_policy_table(struct kunit *test)
{
	char text[GR_CHAIN_TEXT_MAX];
	unsigned int i, j;
	const char *p;

	KUNIT_ASSERT_EQ(test, gr_policy_count, 3);
	KUNIT_ASSERT_LE(test, gr_policy_count, GR_POLICY_MAX);
	KUNIT_EXPECT_STREQ(test, gr_policies[DISCARD].name, "discard");
	KUNIT_EXPECT_STREQ(test, gr_policies[IDLE_VM_FIRST].name, "idle-vm-first");
	KUNIT_EXPECT_STREQ(test, gr_policies[SWAPOUT].name, "swapout");
	for (i = 0; i < gr_policy_count; i++) {
		const char *name = gr_policies[i].name;

		KUNIT_EXPECT_GT(test, strlen(name), 0);
		for (p = name; *p; p++)
			KUNIT_EXPECT_TRUE(test, (*p >= 'a' && *p <= 'z') ||
					  (*p >= '0' && *p <= '9') ||
					  *p == '-' || *p == '_');
		KUNIT_EXPECT_EQ(test, gr_policy_lookup(name, strlen(name)), i);
		KUNIT_EXPECT_NOT_NULL(test, gr_policies[i].desc);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, name, gr_policies[j].name);
	}
	KUNIT_EXPECT_EQ(test, gr_policy_lookup("swapout", 4), -EINVAL);
	gr_policies_format(text, sizeof(text));
	KUNIT_EXPECT_STREQ(test, text, "discard idle-vm-first swapout");
}

/*
 * Passes when discard is marked as needing no swap and the two swap-out
 * policies as needing swap (the shrinker skips those without swap space).
 */
static void gr_test_policy_flags(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, gr_policies[DISCARD].flags & GR_POLICY_NEEDS_SWAP);
	KUNIT_EXPECT_TRUE(test, gr_policies[IDLE_VM_FIRST].flags & GR_POLICY_NEEDS_SWAP);
	KUNIT_EXPECT_TRUE(test, gr_policies[SWAPOUT].flags & GR_POLICY_NEEDS_SWAP);
}

static struct kunit_case gr_policy_test_cases[] = {
	KUNIT_CASE_PARAM(gr_test_chain_parse, chain_parse_gen_params),
	KUNIT_CASE(gr_test_chain_parse_overlong),
	KUNIT_CASE(gr_test_chain_roundtrip),
	KUNIT_CASE(gr_test_chain_empty),
	KUNIT_CASE(gr_test_policy_table),
	KUNIT_CASE(gr_test_policy_flags),
	{}
};

struct kunit_suite gr_policy_test_suite = {
	.name = "gem_reclaim_policy",
	.test_cases = gr_policy_test_cases,
};

/* idle-vm-first ------------------------------------------------------------ */

#define NOW_MS		1000000	/* an arbitrary "now", in ms */
#define THRESHOLD_MS	5000

struct idle_case {
	const char *desc;
	bool active;
	s64 idle_ms;		/* how long idle at NOW_MS; < 0: in the future */
	u32 threshold_ms;
	bool eligible;
};

static const struct idle_case idle_cases[] = {
	{ "active VM, long idle stamp", true, 600000, THRESHOLD_MS, false },
	{ "idle exactly the threshold", false, THRESHOLD_MS, THRESHOLD_MS, true },
	{ "idle 1 ms short of the threshold", false, THRESHOLD_MS - 1, THRESHOLD_MS, false },
	{ "idle far longer than the threshold", false, 86400000, THRESHOLD_MS, true },
	{ "threshold 0, idle since now", false, 0, 0, true },
	{ "threshold 0, active", true, 0, 0, false },
	{ "idle stamp in the future", false, -10, 0, false },
	{ "largest threshold, idle a day", false, 86400000, 86400000, true },
};

static void idle_desc(const struct idle_case *t, char *desc)
{
	strscpy(desc, t->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(idle, idle_cases, idle_desc);

static ktime_t at_ms(s64 ms)
{
	return ms_to_ktime(ms);
}

/* Passes when gr_idle_vm_eligible() gives the case's answer. */
static void gr_test_idle_vm_eligible(struct kunit *test)
{
	const struct idle_case *t = test->param_value;
	struct gr_vm_activity vm = {
		.active = t->active,
		.idle_since = at_ms(NOW_MS - t->idle_ms),
	};

	KUNIT_EXPECT_EQ(test, gr_idle_vm_eligible(&vm, at_ms(NOW_MS), t->threshold_ms),
			t->eligible);
}

/*
 * Passes when, of five VMs (two idle 30 s, one active, one idle 10 s, one
 * idle 2 s), the three idle at least 5 s come out longest idle first, the
 * tie in the order given, and the active and too-recent ones not at all.
 */
static void gr_test_idle_vm_order(struct kunit *test)
{
	const struct gr_vm_activity vms[] = {
		{ .idle_since = at_ms(NOW_MS - 30000) },		/* 0 */
		{ .idle_since = at_ms(NOW_MS - 60000), .active = true },/* 1 */
		{ .idle_since = at_ms(NOW_MS - 10000) },		/* 2 */
		{ .idle_since = at_ms(NOW_MS - 2000) },			/* 3 */
		{ .idle_since = at_ms(NOW_MS - 30000) },		/* 4 */
	};
	const unsigned int expect[] = { 0, 4, 2 };
	unsigned int order[ARRAY_SIZE(vms)];
	unsigned int n;

	n = gr_idle_vm_order(vms, ARRAY_SIZE(vms), at_ms(NOW_MS), THRESHOLD_MS, order);
	KUNIT_ASSERT_EQ(test, n, ARRAY_SIZE(expect));
	KUNIT_EXPECT_MEMEQ(test, order, expect, sizeof(expect));
}

/*
 * Passes when the order is by idle time whatever the input order: VMs given
 * most recently idle first come out reversed.
 */
static void gr_test_idle_vm_order_reversed(struct kunit *test)
{
	struct gr_vm_activity vms[16];
	unsigned int order[ARRAY_SIZE(vms)], i, n;

	for (i = 0; i < ARRAY_SIZE(vms); i++)
		vms[i] = (struct gr_vm_activity){
			.idle_since = at_ms(NOW_MS - THRESHOLD_MS - 1000 * i),
		};
	n = gr_idle_vm_order(vms, ARRAY_SIZE(vms), at_ms(NOW_MS), THRESHOLD_MS, order);
	KUNIT_ASSERT_EQ(test, n, ARRAY_SIZE(vms));
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, order[i], ARRAY_SIZE(vms) - 1 - i);
}

/* Passes when no VM, or only active and too-recent VMs, give an empty order. */
static void gr_test_idle_vm_order_none(struct kunit *test)
{
	const struct gr_vm_activity vms[] = {
		{ .idle_since = at_ms(NOW_MS - 60000), .active = true },
		{ .idle_since = at_ms(NOW_MS - 1) },
	};
	unsigned int order[ARRAY_SIZE(vms)];

	KUNIT_EXPECT_EQ(test, gr_idle_vm_order(vms, 0, at_ms(NOW_MS), 0, order), 0);
	KUNIT_EXPECT_EQ(test, gr_idle_vm_order(vms, ARRAY_SIZE(vms), at_ms(NOW_MS),
					       THRESHOLD_MS, order), 0);
}

/*
 * Passes when a BO is eligible exactly when it is mapped in at least one VM
 * and all the VMs it is mapped in are eligible.
 */
static void gr_test_idle_bo_eligible(struct kunit *test)
{
	const struct gr_vm_activity old = { .idle_since = at_ms(NOW_MS - 60000) };
	const struct gr_vm_activity older = { .idle_since = at_ms(NOW_MS - 90000) };
	const struct gr_vm_activity recent = { .idle_since = at_ms(NOW_MS - 100) };
	const struct gr_vm_activity busy = { .idle_since = at_ms(NOW_MS - 90000),
					     .active = true };
	const struct gr_vm_activity both_idle[] = { old, older };
	const struct gr_vm_activity one_recent[] = { old, recent };
	const struct gr_vm_activity one_active[] = { older, busy, old };
	ktime_t now = at_ms(NOW_MS);

	KUNIT_EXPECT_TRUE(test, gr_idle_bo_eligible(&old, 1, now, THRESHOLD_MS));
	KUNIT_EXPECT_TRUE(test, gr_idle_bo_eligible(both_idle, 2, now, THRESHOLD_MS));
	KUNIT_EXPECT_FALSE(test, gr_idle_bo_eligible(one_recent, 2, now, THRESHOLD_MS));
	KUNIT_EXPECT_FALSE(test, gr_idle_bo_eligible(one_active, 3, now, THRESHOLD_MS));
	KUNIT_EXPECT_FALSE(test, gr_idle_bo_eligible(&recent, 1, now, THRESHOLD_MS));
	/* a BO in no VM is left to the other policies */
	KUNIT_EXPECT_FALSE(test, gr_idle_bo_eligible(NULL, 0, now, THRESHOLD_MS));
	/* with threshold 0, the recently idle VM no longer blocks it */
	KUNIT_EXPECT_TRUE(test, gr_idle_bo_eligible(one_recent, 2, now, 0));
}

/*
 * Passes when a restore is a refault exactly when the VM's whole idle span
 * (idle at the swap-out, then evicted for) is at most the knob, and never
 * with the knob at 0.
 */
static void gr_test_refault_interval(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, gr_refault_interval_ms(3000, 2000, 60000), 5000);
	KUNIT_EXPECT_EQ(test, gr_refault_interval_ms(30000, 30000, 60000), 60000);
	KUNIT_EXPECT_EQ(test, gr_refault_interval_ms(30000, 30001, 60000), 0);
	/* an interval of 0 ms protects nothing: no refault */
	KUNIT_EXPECT_EQ(test, gr_refault_interval_ms(0, 0, 60000), 0);
	KUNIT_EXPECT_EQ(test, gr_refault_interval_ms(3000, 2000, 0), 0);
	/* a sum that does not fit the knob's type is no refault either */
	KUNIT_EXPECT_EQ(test, gr_refault_interval_ms(U64_MAX / 2, U64_MAX / 2, 86400000), 0);
}

/*
 * Passes when the protection halves once per half-life elapsed, stays
 * whole before the first, and is gone after 32 halvings or with no
 * half-life.
 */
static void gr_test_protect_left(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, gr_protect_left_ms(8000, 0, 1000), 8000);
	KUNIT_EXPECT_EQ(test, gr_protect_left_ms(8000, 999, 1000), 8000);
	KUNIT_EXPECT_EQ(test, gr_protect_left_ms(8000, 1000, 1000), 4000);
	KUNIT_EXPECT_EQ(test, gr_protect_left_ms(8000, 2500, 1000), 2000);
	KUNIT_EXPECT_EQ(test, gr_protect_left_ms(8000, 13000, 1000), 0);
	KUNIT_EXPECT_EQ(test, gr_protect_left_ms(U32_MAX, 31000, 1000), 1);
	KUNIT_EXPECT_EQ(test, gr_protect_left_ms(U32_MAX, 32000, 1000), 0);
	KUNIT_EXPECT_EQ(test, gr_protect_left_ms(U32_MAX, U64_MAX, 1), 0);
	KUNIT_EXPECT_EQ(test, gr_protect_left_ms(8000, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, gr_protect_left_ms(0, 0, 1000), 0);
}

static struct kunit_case gr_idle_test_cases[] = {
	KUNIT_CASE_PARAM(gr_test_idle_vm_eligible, idle_gen_params),
	KUNIT_CASE(gr_test_idle_vm_order),
	KUNIT_CASE(gr_test_idle_vm_order_reversed),
	KUNIT_CASE(gr_test_idle_vm_order_none),
	KUNIT_CASE(gr_test_idle_bo_eligible),
	KUNIT_CASE(gr_test_refault_interval),
	KUNIT_CASE(gr_test_protect_left),
	{}
};

struct kunit_suite gr_idle_test_suite = {
	.name = "gem_reclaim_idle_vm_first",
	.test_cases = gr_idle_test_cases,
};
