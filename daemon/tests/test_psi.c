// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>

#include "psi.h"
#include "tests.h"

static int parse_text(const char *text, struct psi_sample *s, char *err)
{
	FILE *f = memfile(text);
	int ret = psi_parse(f, s, err, 128);

	fclose(f);
	return ret;
}

/* Passes when both lines of a real kernel file are parsed field by field. */
static void psi_well_formed(void **state)
{
	struct psi_sample s;
	char err[128] = "";

	(void)state;
	assert_int_equal(parse_text(
		"some avg10=1.25 avg60=0.50 avg300=0.10 total=123456\n"
		"full avg10=0.75 avg60=0.00 avg300=0.00 total=42\n", &s, err), 0);
	assert_true(s.some.valid);
	assert_true(s.full.valid);
	assert_float_equal(s.some.avg10, 1.25, 1e-9);
	assert_float_equal(s.some.avg60, 0.50, 1e-9);
	assert_float_equal(s.some.avg300, 0.10, 1e-9);
	assert_int_equal(s.some.total, 123456);
	assert_float_equal(s.full.avg10, 0.75, 1e-9);
	assert_int_equal(s.full.total, 42);
}

/* Passes when a file with only "some" (older kernels, cpu) parses with full invalid. */
static void psi_missing_full(void **state)
{
	struct psi_sample s;
	char err[128];

	(void)state;
	assert_int_equal(parse_text("some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", &s, err), 0);
	assert_true(s.some.valid);
	assert_false(s.full.valid);
}

/* Passes when a missing "some" line (or an empty file) is an error. */
static void psi_missing_some(void **state)
{
	struct psi_sample s;
	char err[128];

	(void)state;
	assert_int_equal(parse_text("full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", &s, err), -EINVAL);
	assert_non_null(strstr(err, "no 'some'"));
	assert_int_equal(parse_text("", &s, err), -EINVAL);
}

/* Passes when a field given twice in one line is rejected. */
static void psi_duplicate_field(void **state)
{
	enum psi_kind k;
	struct psi_line l;

	(void)state;
	assert_int_equal(psi_parse_line("some avg10=1.00 avg10=2.00 avg60=0.00 avg300=0.00 total=1", &k, &l), -EINVAL);
	assert_int_equal(psi_parse_line("some avg10=1.00 avg60=0.00 avg300=0.00 total=1 total=2", &k, &l), -EINVAL);
}

/* Passes when the same line kind twice in a file is rejected with the line number. */
static void psi_duplicate_line(void **state)
{
	struct psi_sample s;
	char err[128];

	(void)state;
	assert_int_equal(parse_text(
		"some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
		"some avg10=9.00 avg60=0.00 avg300=0.00 total=0\n", &s, err), -EINVAL);
	assert_non_null(strstr(err, "line 2"));
	assert_non_null(strstr(err, "duplicate"));
}

/* Passes when junk in any position is rejected. */
static void psi_junk(void **state)
{
	static const char *const bad[] = {
		"sum avg10=0.00 avg60=0.00 avg300=0.00 total=0",
		"some avg10=abc avg60=0.00 avg300=0.00 total=0",
		"some avg10=0.00 avg60=0.00 avg300=0.00 total=-1",
		"some avg10=0.00 avg60=0.00 avg300=0.00 total=12x",
		"some avg10=0.00 avg60=0.00 avg300=0.00",
		"some avg10=0.00 avg60=0.00 avg300=0.00 total=0 extra=1",
		"some avg10=0.00 avg60=0.00 avg300=0.00 total=0 junk",
		"some avg10=101.00 avg60=0.00 avg300=0.00 total=0",
		"some avg10=-1.00 avg60=0.00 avg300=0.00 total=0",
		"some avg10=nan avg60=0.00 avg300=0.00 total=0",
		"some avg10= avg60=0.00 avg300=0.00 total=0",
		"",
	};
	enum psi_kind k;
	struct psi_line l;
	struct psi_sample s;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(psi_parse_line(bad[i], &k, &l), -EINVAL);
	assert_int_equal(parse_text("some avg10=0.00 avg60=0.00 avg300=0.00 total=0\ngarbage\n", &s, err), -EINVAL);
	assert_non_null(strstr(err, "line 2"));
}

/* Passes when the trigger string has the kernel's format. */
static void psi_trigger_string(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(psi_trigger_format(buf, sizeof(buf), PSI_SOME, 150000, 2000000), 19);
	assert_string_equal(buf, "some 150000 2000000");
	assert_true(psi_trigger_format(buf, sizeof(buf), PSI_FULL, 1, 500000) > 0);
	assert_string_equal(buf, "full 1 500000");
	assert_int_equal(psi_trigger_format(buf, 5, PSI_FULL, 1, 500000), -ENOSPC);
}

/*
 * Passes when, without CAP_SYS_RESOURCE, windows become multiples of 2 s
 * with the stall ratio kept, and privileged windows are left alone.
 */
static void psi_trigger_unprivileged(void **state)
{
	uint32_t stall = 100000, window = 1000000;

	(void)state;
	assert_true(psi_trigger_fit(&stall, &window, false));
	assert_int_equal(window, 2000000);
	assert_int_equal(stall, 200000);

	stall = 300000; window = 3000000;
	assert_true(psi_trigger_fit(&stall, &window, false));
	assert_int_equal(window, 4000000);
	assert_int_equal(stall, 400000);

	stall = 100000; window = 1000000;
	assert_false(psi_trigger_fit(&stall, &window, true));
	assert_int_equal(window, 1000000);

	stall = 100000; window = 2000000;
	assert_false(psi_trigger_fit(&stall, &window, false));

	/* 9 s rounds to 10 s, the kernel's maximum */
	stall = 900000; window = 9000000;
	assert_true(psi_trigger_fit(&stall, &window, false));
	assert_int_equal(window, 10000000);
	assert_int_equal(stall, 1000000);

	/* out of range windows are clamped, stall never exceeds window */
	stall = 30000000; window = 30000000;
	assert_true(psi_trigger_fit(&stall, &window, true));
	assert_int_equal(window, 10000000);
	assert_int_equal(stall, 10000000);

	assert_float_equal(psi_trigger_pct(150000, 2000000), 7.5, 1e-9);
}

/* Passes when CapEff is found and its CAP_SYS_RESOURCE bit can be read. */
static void psi_caps(void **state)
{
	uint64_t cap = 0;
	FILE *f;

	(void)state;
	f = memfile("Name:\tx\nCapInh:\t0000000000000000\nCapEff:\t000001ffffffffff\n");
	assert_int_equal(caps_parse_status(f, &cap), 0);
	fclose(f);
	assert_true(cap & (1ull << CAP_SYS_RESOURCE_BIT));
	f = memfile("CapEff:\t0000000000000000\n");
	assert_int_equal(caps_parse_status(f, &cap), 0);
	fclose(f);
	assert_false(cap & (1ull << CAP_SYS_RESOURCE_BIT));
	f = memfile("Name:\tx\n");
	assert_int_equal(caps_parse_status(f, &cap), -ENOENT);
	fclose(f);
	f = memfile("CapEff:\tzz\n");
	assert_int_equal(caps_parse_status(f, &cap), -EINVAL);
	fclose(f);
}

/* Passes when reading a missing pressure file reports -ENOENT. */
static void psi_read_missing(void **state)
{
	struct psi_sample s;
	char err[128];

	(void)state;
	assert_int_equal(psi_read("/nonexistent/pressure/memory", &s, err, sizeof(err)), -ENOENT);
}

TEST_SUITE(psi)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(psi_well_formed),
		cmocka_unit_test(psi_missing_full),
		cmocka_unit_test(psi_missing_some),
		cmocka_unit_test(psi_duplicate_field),
		cmocka_unit_test(psi_duplicate_line),
		cmocka_unit_test(psi_junk),
		cmocka_unit_test(psi_trigger_string),
		cmocka_unit_test(psi_trigger_unprivileged),
		cmocka_unit_test(psi_caps),
		cmocka_unit_test(psi_read_missing),
	};
	TEST_SUITE_BODY(tests);
}
