// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "tests.h"

#define MIB (1024ull * 1024ull)

/* Two levels: 5% some, 15% some; 10 s cool-down. */
static void test_cfg(struct config *c)
{
	config_defaults(c);
	c->nlevels = 2;
	c->levels[0] = (struct level){ .name = "low", .kind = PSI_SOME,
				       .stall_us = 100000, .window_us = 2000000 };
	c->levels[1] = (struct level){ .name = "high", .kind = PSI_SOME,
				       .stall_us = 300000, .window_us = 2000000 };
	c->cooldown_ms = 10000;
	c->proactive.enabled = true;
	c->proactive.target_pct = 1.0;
	c->proactive.interval_ms = 5000;
	c->proactive.step_mb = 16;
	c->proactive.backoff_ms = 30000;
}

static struct psi_sample sample(double some10)
{
	struct psi_sample s = { 0 };

	s.some.valid = true;
	s.some.avg10 = some10;
	return s;
}

/* Passes when a burst of triggers raises the level at once, highest wins. */
static void control_step_up_on_burst(void **state)
{
	struct config c;
	struct ctl k;

	(void)state;
	test_cfg(&c);
	ctl_init(&k, &c, 0);
	assert_int_equal(k.level, 0);
	assert_int_equal(ctl_timeout(&k, 0), -1);	/* idle: no timer, no wakeups */
	assert_int_equal(ctl_trigger(&k, 0, 1000), 1);
	assert_int_equal(ctl_trigger(&k, 1, 1100), 2);
	/* a lower trigger does not lower the level */
	assert_int_equal(ctl_trigger(&k, 0, 1200), 2);
	assert_int_equal(k.changes, 2);
	/* out-of-range index is ignored */
	assert_int_equal(ctl_trigger(&k, 7, 1300), 2);
}

/* Passes when stepping down waits the full cool-down, one level per cool-down. */
static void control_step_down_after_cooldown(void **state)
{
	struct config c;
	struct ctl k;

	(void)state;
	test_cfg(&c);
	ctl_init(&k, &c, 0);
	ctl_trigger(&k, 1, 1000);
	assert_int_equal(ctl_timeout(&k, 1000), 10000);
	assert_int_equal(ctl_tick(&k, 10999), 2);	/* 1 ms early */
	assert_int_equal(ctl_timeout(&k, 10999), 1);
	assert_int_equal(ctl_tick(&k, 11000), 1);	/* one step only */
	assert_int_equal(ctl_tick(&k, 11001), 1);
	assert_int_equal(ctl_timeout(&k, 11000), 10000);
	assert_int_equal(ctl_tick(&k, 20999), 1);
	assert_int_equal(ctl_tick(&k, 21000), 0);
	assert_int_equal(ctl_timeout(&k, 21000), -1);
	assert_int_equal(k.changes, 3);
}

/* Passes when a repeated trigger during the cool-down restarts it. */
static void control_retrigger_extends(void **state)
{
	struct config c;
	struct ctl k;

	(void)state;
	test_cfg(&c);
	ctl_init(&k, &c, 0);
	ctl_trigger(&k, 0, 0);
	ctl_trigger(&k, 0, 8000);
	assert_int_equal(ctl_tick(&k, 12000), 1);
	assert_int_equal(ctl_tick(&k, 18000), 0);
}

/*
 * Passes when averages oscillating around the "low" threshold every 2 s
 * (fallback mode) cause exactly one step up and no flapping.
 */
static void control_noise_no_flapping(void **state)
{
	struct config c;
	struct ctl k;
	uint64_t t;

	(void)state;
	test_cfg(&c);
	ctl_init(&k, &c, 0);
	srand(42);
	for (t = 0; t < 120000; t += 2000) {
		/* 5% threshold: noise in 4.0 .. 6.0 */
		double v = 4.0 + 2.0 * ((t / 2000) % 2) + (rand() % 100) / 1000.0;
		struct psi_sample s = sample(v);

		ctl_sample(&k, &s, t);
		ctl_tick(&k, t);
		assert_true(k.level <= 1);
	}
	assert_int_equal(k.level, 1);
	assert_int_equal(k.changes, 1);
	/* once the noise ends, one step down after the cool-down */
	for (; t < 140000; t += 2000) {
		struct psi_sample s = sample(0.5);

		ctl_sample(&k, &s, t);
		ctl_tick(&k, t);
	}
	assert_int_equal(k.level, 0);
	assert_int_equal(k.changes, 2);
}

/*
 * Passes when a trace file of pressure snapshots (as the kernel prints
 * them, one per 2 s) replayed through the parser and the control law gives
 * the expected levels: quiet, burst to high, slow return.
 */
static void control_trace_replay(void **state)
{
	struct config c;
	struct ctl k;
	FILE *f = fopen(GR_SRCDIR "/tests/data/psi-burst.trace", "r");
	char line[256], buf[512] = "";
	int maxlevel = 0, final = -1;
	uint64_t t = 0, first_high = 0;

	(void)state;
	assert_non_null(f);
	test_cfg(&c);
	ctl_init(&k, &c, 0);
	/* trace format: "@<ms>" then the two pressure lines */
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		if (line[0] == '@') {
			if (buf[0]) {
				struct psi_sample s;
				char err[128];
				FILE *m = memfile(buf);

				assert_int_equal(psi_parse(m, &s, err, sizeof(err)), 0);
				fclose(m);
				ctl_sample(&k, &s, t);
				ctl_tick(&k, t);
				if (k.level > maxlevel) {
					maxlevel = k.level;
					if (k.level == 2)
						first_high = t;
				}
			}
			t = strtoull(line + 1, NULL, 10);
			buf[0] = '\0';
			continue;
		}
		strncat(buf, line, sizeof(buf) - strlen(buf) - 1);
	}
	fclose(f);
	ctl_tick(&k, t);
	final = k.level;
	assert_int_equal(maxlevel, 2);
	assert_int_equal(first_high, 20000);
	assert_int_equal(final, 0);
}

/* Passes when proactive trimming steps while pressure is under target, scaled and clamped. */
static void control_proactive_trims(void **state)
{
	struct config c;
	struct ctl k;

	(void)state;
	test_cfg(&c);
	ctl_init(&k, &c, 0);
	assert_int_equal(ctl_proactive_timeout(&k, 0), 5000);
	assert_int_equal(ctl_proactive(&k, 0.0, 1ull << 30, 4999), 0);	/* not due */
	assert_int_equal(ctl_proactive(&k, 0.0, 1ull << 30, 5000), 16 * MIB);
	/* rate limit: nothing until the next interval */
	assert_int_equal(ctl_proactive(&k, 0.0, 1ull << 30, 6000), 0);
	/* half the target: half the step */
	assert_int_equal(ctl_proactive(&k, 0.5, 1ull << 30, 10000), 8 * MIB);
	/* clamped to the idle memory */
	assert_int_equal(ctl_proactive(&k, 0.0, 3 * MIB, 15000), 3 * MIB);
	assert_int_equal(k.pro_trimmed, 27 * MIB);
}

/* Passes when pressure at the target, a level, or nothing idle makes proactive back off. */
static void control_proactive_backs_off(void **state)
{
	struct config c;
	struct ctl k;

	(void)state;
	test_cfg(&c);
	ctl_init(&k, &c, 0);
	assert_int_equal(ctl_proactive(&k, 1.0, 1ull << 30, 5000), 0);
	assert_int_equal(ctl_proactive_timeout(&k, 5000), 30000);
	assert_int_equal(ctl_proactive(&k, 0.0, 1ull << 30, 20000), 0);	/* still backing off */
	assert_int_equal(ctl_proactive(&k, 0.0, 1ull << 30, 35000), 16 * MIB);
	/* reactive level: trigger pushes proactive back */
	ctl_trigger(&k, 0, 36000);
	assert_int_equal(ctl_proactive(&k, 0.0, 1ull << 30, 40000), 0);
	assert_int_equal(ctl_proactive_timeout(&k, 40000), 26000);
	/* level still up when due: no trimming */
	assert_int_equal(ctl_proactive(&k, 0.0, 1ull << 30, 66000), 0);
	ctl_tick(&k, 100000);
	assert_int_equal(k.level, 0);
	/* nothing idle: back off too */
	assert_int_equal(ctl_proactive(&k, 0.0, 0, 100000), 0);
	assert_int_equal(ctl_proactive_timeout(&k, 100000), 30000);
	assert_true(k.pro_backoffs >= 3);
	/* disabled: never due */
	c.proactive.enabled = false;
	ctl_reconfigure(&k, &c, 100000);
	assert_int_equal(ctl_proactive_timeout(&k, 100000), -1);
	assert_int_equal(ctl_proactive(&k, 0.0, 1ull << 30, 200000), 0);
}

/* Passes when a reload with fewer levels clamps the current level. */
static void control_reconfigure_clamps(void **state)
{
	struct config c;
	struct ctl k;

	(void)state;
	test_cfg(&c);
	ctl_init(&k, &c, 0);
	ctl_trigger(&k, 1, 100);
	c.nlevels = 1;
	ctl_reconfigure(&k, &c, 200);
	assert_int_equal(k.level, 1);
	assert_int_equal(ctl_timeout(&k, 200), 10000);
	c.nlevels = 0;
	ctl_reconfigure(&k, &c, 300);
	assert_int_equal(k.level, 0);
}

/* Passes when "full" levels only react to the full line, and a missing full line is ignored. */
static void control_full_kind(void **state)
{
	struct config c;
	struct ctl k;
	struct psi_sample s = sample(50.0);

	(void)state;
	test_cfg(&c);
	c.levels[1].kind = PSI_FULL;
	ctl_init(&k, &c, 0);
	assert_int_equal(ctl_sample(&k, &s, 0), 1);	/* full invalid: only "low" */
	s.full.valid = true;
	s.full.avg10 = 20.0;
	assert_int_equal(ctl_sample(&k, &s, 1), 2);
}

TEST_SUITE(control)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(control_step_up_on_burst),
		cmocka_unit_test(control_step_down_after_cooldown),
		cmocka_unit_test(control_retrigger_extends),
		cmocka_unit_test(control_noise_no_flapping),
		cmocka_unit_test(control_trace_replay),
		cmocka_unit_test(control_proactive_trims),
		cmocka_unit_test(control_proactive_backs_off),
		cmocka_unit_test(control_reconfigure_clamps),
		cmocka_unit_test(control_full_kind),
	};
	TEST_SUITE_BODY(tests);
}
