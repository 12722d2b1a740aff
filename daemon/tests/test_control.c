// SPDX-License-Identifier: GPL-2.0-only
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
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

/*
 * Passes when stepping down waits the full cool-down, then drops in one
 * step to what the averages imply (here: nothing).
 */
static void control_step_down_after_cooldown(void **state)
{
	struct psi_sample quiet = sample(0.0);
	struct config c;
	struct ctl k;

	(void)state;
	test_cfg(&c);
	ctl_init(&k, &c, 0);
	ctl_trigger(&k, 1, 1000);
	assert_int_equal(ctl_timeout(&k, 1000), 10000);
	assert_false(ctl_tick_due(&k, 10999));
	assert_int_equal(ctl_tick(&k, &quiet, 10999), 2);	/* 1 ms early */
	assert_int_equal(ctl_timeout(&k, 10999), 1);
	assert_true(ctl_tick_due(&k, 11000));
	assert_int_equal(ctl_tick(&k, &quiet, 11000), 0);	/* straight down */
	assert_int_equal(ctl_timeout(&k, 11000), -1);
	assert_int_equal(k.changes, 2);
}

/* Passes when, blind (no pressure reading), the level falls one step per cool-down. */
static void control_step_down_blind(void **state)
{
	struct config c;
	struct ctl k;

	(void)state;
	test_cfg(&c);
	ctl_init(&k, &c, 0);
	ctl_trigger(&k, 1, 1000);
	assert_int_equal(ctl_tick(&k, NULL, 11000), 1);	/* one step only */
	assert_int_equal(ctl_tick(&k, NULL, 11001), 1);
	assert_int_equal(ctl_timeout(&k, 11000), 10000);
	assert_int_equal(ctl_tick(&k, NULL, 20999), 1);
	assert_int_equal(ctl_tick(&k, NULL, 21000), 0);
	assert_int_equal(ctl_timeout(&k, 21000), -1);
	assert_int_equal(k.changes, 3);
}

/*
 * Passes when averages that still reach a level's ratio hold it past its
 * cool-down (rechecked every CTL_RECHECK_MS), and the level then falls to
 * what they imply: high held at 20%, low at 8%, none at 1%.
 */
static void control_averages_hold_level(void **state)
{
	struct psi_sample s20 = sample(20.0), s8 = sample(8.0), s1 = sample(1.0);
	struct config c;
	struct ctl k;

	(void)state;
	test_cfg(&c);
	ctl_init(&k, &c, 0);
	ctl_trigger(&k, 1, 0);
	assert_int_equal(ctl_implied_level(&k, &s20), 2);
	assert_int_equal(ctl_implied_level(&k, &s8), 1);
	assert_int_equal(ctl_implied_level(&k, &s1), 0);
	assert_int_equal(ctl_tick(&k, &s20, 10000), 2);
	assert_int_equal(ctl_timeout(&k, 10000), CTL_RECHECK_MS);
	assert_int_equal(ctl_tick(&k, &s20, 30000), 2);
	assert_int_equal(ctl_tick(&k, &s8, 31000), 1);
	/* low was never hit itself: held by its average alone */
	assert_int_equal(ctl_tick(&k, &s8, 32000), 1);
	assert_int_equal(ctl_timeout(&k, 32000), CTL_RECHECK_MS);
	assert_int_equal(ctl_tick(&k, &s1, 33000), 0);
	assert_int_equal(k.changes, 3);
	/* a tick never raises the level, only hits do: low, due, averages at high */
	ctl_trigger(&k, 0, 40000);
	assert_int_equal(ctl_tick(&k, &s20, 50000), 1);
}

/* Passes when a hit stamped after the tick's time keeps the level (no unsigned wrap). */
static void control_future_hit_holds(void **state)
{
	struct psi_sample quiet = sample(0.0);
	struct config c;
	struct ctl k;

	(void)state;
	test_cfg(&c);
	ctl_init(&k, &c, 0);
	ctl_trigger(&k, 1, 50000);
	assert_false(ctl_tick_due(&k, 49000));
	assert_int_equal(ctl_tick(&k, &quiet, 49000), 2);
	ctl_trigger(&k, 0, 70000);
	assert_int_equal(ctl_tick(&k, &quiet, 60000), 1);	/* low's hit is "later" */
}

/* Passes when a lower level hit within the cool-down holds it although the averages are quiet. */
static void control_recent_lower_hit_holds(void **state)
{
	struct psi_sample quiet = sample(0.0);
	struct config c;
	struct ctl k;

	(void)state;
	test_cfg(&c);
	ctl_init(&k, &c, 0);
	ctl_trigger(&k, 1, 0);
	ctl_trigger(&k, 0, 5000);
	assert_int_equal(ctl_tick(&k, &quiet, 10000), 1);
	assert_int_equal(ctl_timeout(&k, 10000), 5000);
	assert_int_equal(ctl_tick(&k, &quiet, 14999), 1);
	assert_int_equal(ctl_tick(&k, &quiet, 15000), 0);
}

/* Passes when a repeated trigger during the cool-down restarts it. */
static void control_retrigger_extends(void **state)
{
	struct psi_sample quiet = sample(0.0);
	struct config c;
	struct ctl k;

	(void)state;
	test_cfg(&c);
	ctl_init(&k, &c, 0);
	ctl_trigger(&k, 0, 0);
	ctl_trigger(&k, 0, 8000);
	assert_int_equal(ctl_tick(&k, &quiet, 12000), 1);
	assert_int_equal(ctl_tick(&k, &quiet, 18000), 0);
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
		ctl_tick(&k, &s, t);
		assert_true(k.level <= 1);
	}
	assert_int_equal(k.level, 1);
	assert_int_equal(k.changes, 1);
	/* once the noise ends, down after the cool-down */
	for (; t < 140000; t += 2000) {
		struct psi_sample s = sample(0.5);

		ctl_sample(&k, &s, t);
		ctl_tick(&k, &s, t);
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
				ctl_tick(&k, &s, t);
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
	ctl_tick(&k, NULL, t);
	final = k.level;
	assert_int_equal(maxlevel, 2);
	assert_int_equal(first_high, 20000);
	assert_int_equal(final, 0);
}

/*
 * Reads the next snapshot of a trace ("@<ms>", then the pressure file's
 * lines; "#" lines are comments). Returns false at the end.
 */
static bool trace_next(FILE *f, uint64_t *t, struct psi_sample *s)
{
	static char pending[256];
	char line[256], buf[512] = "", err[128];
	bool have = false;
	FILE *m;

	if (pending[0]) {
		*t = strtoull(pending + 1, NULL, 10);
		pending[0] = '\0';
		have = true;
	}
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		if (line[0] == '@') {
			if (have) {
				snprintf(pending, sizeof(pending), "%s", line);
				break;
			}
			*t = strtoull(line + 1, NULL, 10);
			have = true;
			continue;
		}
		strncat(buf, line, sizeof(buf) - strlen(buf) - 1);
	}
	if (!have)
		return false;
	m = memfile(buf);
	assert_int_equal(psi_parse(m, s, err, sizeof(err)), 0);
	fclose(m);
	return true;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median "some" avg10 of a trace. */
static double trace_median_some(FILE *f)
{
	double v[4096];
	struct psi_sample s;
	size_t n = 0;
	uint64_t t;

	while (n < sizeof(v) / sizeof(v[0]) && trace_next(f, &t, &s))
		v[n++] = s.some.avg10;
	assert_true(n > 0);
	qsort(v, n, sizeof(v[0]), cmp_double);
	return v[n / 2];
}

/*
 * Passes when the pressure of a real many-tabs run (daemon/tests/data/
 * psi-tabs.trace, recorded once a second in the guest by
 * tests/bench/tabs.sh) replayed through the shipped levels in fallback
 * mode keeps the control law's promises at every step: the level is at
 * least what the averages imply (raised at once), at most what they or a
 * hit within the cool-down imply (no level held for nothing), and it
 * changes far less often than the samples come; proactive trimming, with
 * its target at the trace's median avg10, runs only when the stall since
 * its last look is under the target, in whole MiB no larger than
 * step_mb, and does run.
 */
static void control_tabs_trace_replay(void **state)
{
	FILE *f = fopen(GR_SRCDIR "/tests/data/psi-tabs.trace", "r");
	unsigned samples = 0, steps = 0, above = 0;
	uint64_t hit[CFG_MAX_LEVELS + 1] = { 0 };
	struct psi_sample s;
	struct config c;
	struct ctl k;
	uint64_t t;
	double p;

	(void)state;
	assert_non_null(f);
	config_defaults(&c);
	c.proactive.enabled = true;
	/* a target the trace is under half the time, so steps must come */
	c.proactive.target_pct = trace_median_some(f);
	rewind(f);
	ctl_init(&k, &c, 0);
	while (trace_next(f, &t, &s)) {
		int implied = ctl_implied_level(&k, &s), held = implied;
		bool due;
		uint64_t want;

		samples++;
		/* the hits, as this test sees them: each level the averages reach */
		for (size_t i = 0; i < k.nlevels; i++) {
			const struct psi_line *l = k.kind[i] == PSI_FULL ? &s.full : &s.some;

			if (l->valid && l->avg10 >= k.pct[i])
				hit[i + 1] = t;
		}
		ctl_sample(&k, &s, t);
		assert_true(k.level >= implied);
		ctl_tick(&k, &s, t);
		for (int i = (int)k.nlevels; i > implied; i--)
			if (hit[i] && t - hit[i] < k.cooldown_ms) {
				held = i;
				break;
			}
		assert_int_equal(k.level, held);
		if (k.level > 0)
			above++;
		due = ctl_proactive_timeout(&k, t) == 0;
		if (!due) {
			assert_int_equal(ctl_proactive(&k, 0.0, 1ull << 30, t), 0);
			continue;
		}
		p = ctl_proactive_pressure(&k, &s, t);
		want = ctl_proactive(&k, p, 1ull << 30, t);
		if (want) {
			steps++;
			assert_true(p < c.proactive.target_pct);
			assert_true(want <= (uint64_t)c.proactive.step_mb * MIB);
			assert_int_equal(want % MIB, 0);
		} else {
			/* due and no step: at the target or nothing measured, and a look again soon */
			assert_true(p >= c.proactive.target_pct || p == CTL_NO_PRESSURE);
			assert_true(ctl_proactive_timeout(&k, t) <= c.proactive.interval_ms);
		}
	}
	fclose(f);
	assert_true(samples >= 60);
	assert_true(above > 0);
	assert_true(k.changes <= samples / 4);
	assert_true(steps > 0);
}

/*
 * Passes when, replaying psi-tabs.trace with the shipped proactive
 * settings (enabled), trimming starts once the set-up's stall is over,
 * with PSI triggers and in fallback mode (levels from avg10 samples): from
 * 21 s to 54 s of the trace the some total grows by 25 ms, but avg10
 * decays from 19 % to 0.8 %, so a law fed avg10, or held off by the
 * levels avg10 reaches, would take its first step only at the end of that
 * stretch.
 */
static void control_tabs_trace_proactive_after_burst(void **state)
{
	for (int fallback = 0; fallback < 2; fallback++) {
		FILE *f = fopen(GR_SRCDIR "/tests/data/psi-tabs.trace", "r");
		unsigned quiet_steps = 0;
		struct psi_sample s;
		struct config c;
		struct ctl k;
		uint64_t t;

		(void)state;
		assert_non_null(f);
		config_defaults(&c);
		c.proactive.enabled = true;
		ctl_init(&k, &c, 0);
		while (trace_next(f, &t, &s)) {
			double p;

			if (fallback)
				ctl_sample(&k, &s, t);
			if (ctl_proactive_timeout(&k, t) != 0)
				continue;
			p = ctl_proactive_pressure(&k, &s, t);
			if (ctl_proactive(&k, p, 1ull << 30, t) && t >= 21000 && t <= 54000)
				quiet_steps++;
		}
		fclose(f);
		/* 33 s at one look per 6 s; the first look of the stretch sees the burst's end */
		if (quiet_steps < 4)
			fail_msg("%s: %u steps from 21 to 54 s", fallback ? "fallback" : "triggers",
				 quiet_steps);
		if (fallback)
			assert_true(k.level > 0);	/* the samples did raise levels */
	}
}

/*
 * Passes when the proactive pressure is the stall since the previous look,
 * CTL_NO_PRESSURE where there is no such measure (first look, after a
 * reload, after more than two intervals, no time passed, the total went
 * back), 100 % when the pressure could not be read, capped at 100 %; and
 * when a look without a measure takes no step and looks again an interval
 * later.
 */
static void control_proactive_pressure_interval(void **state)
{
	struct psi_sample s = { .some = { .valid = true, .avg10 = 7.5, .total = 1000000 } };
	struct config c;
	struct ctl k;

	(void)state;
	test_cfg(&c);			/* interval_ms 5000 */
	ctl_init(&k, &c, 0);
	assert_true(ctl_proactive_pressure(&k, &s, 1000) == CTL_NO_PRESSURE);	/* first look */
	s.some.total += 60000;					/* 60 ms stalled in 6 s */
	assert_true(fabs(ctl_proactive_pressure(&k, &s, 7000) - 1.0) < 1e-9);
	assert_true(ctl_proactive_pressure(&k, &s, 13000) == 0.0);	/* nothing since */
	assert_true(ctl_proactive_pressure(&k, &s, 13000) == CTL_NO_PRESSURE);	/* no time */
	s.some.total -= 1;					/* another source */
	assert_true(ctl_proactive_pressure(&k, &s, 19000) == CTL_NO_PRESSURE);
	s.some.total += 99000000;				/* more than the time */
	assert_true(ctl_proactive_pressure(&k, &s, 20000) == 100.0);
	s.some.total += 1000;
	assert_true(fabs(ctl_proactive_pressure(&k, &s, 30000) - 0.01) < 1e-9);	/* 2 intervals */
	assert_true(ctl_proactive_pressure(&k, &s, 40001) == CTL_NO_PRESSURE);	/* more */
	assert_true(ctl_proactive_pressure(&k, NULL, 41000) == 100.0);
	s.some.valid = false;
	assert_true(ctl_proactive_pressure(&k, &s, 42000) == 100.0);
	s.some.valid = true;
	assert_true(ctl_proactive_pressure(&k, &s, 43000) == 0.0);	/* failed reads keep the base */
	ctl_reconfigure(&k, &c, 44000);
	assert_true(ctl_proactive_pressure(&k, &s, 45000) == CTL_NO_PRESSURE);	/* reload */

	/* no measure: no step, the next look an interval later */
	ctl_init(&k, &c, 0);
	assert_int_equal(ctl_proactive(&k, CTL_NO_PRESSURE, 1ull << 30, 5000), 0);
	assert_int_equal(ctl_proactive_timeout(&k, 5000), 5000);
	assert_int_equal(k.pro_backoffs, 0);
	assert_int_equal(ctl_proactive(&k, 0.0, 1ull << 30, 10000), 16 * MIB);
}

/* Passes when the first proactive look is not taken for a rise (nothing to compare with). */
static void control_proactive_first_look(void **state)
{
	struct config c;
	struct ctl k;

	(void)state;
	test_cfg(&c);
	ctl_init(&k, &c, 0);
	assert_int_equal(ctl_proactive(&k, 0.5, 1ull << 30, 5000), 8 * MIB);
	assert_int_equal(ctl_proactive(&k, 0.6, 1ull << 30, 10000), 3 * MIB);	/* rising: (0.4 * 16) / 2 */
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
	/* half the target, and rising: half the step, halved */
	assert_int_equal(ctl_proactive(&k, 0.5, 1ull << 30, 10000), 4 * MIB);
	/* half the target, steady: half the step */
	assert_int_equal(ctl_proactive(&k, 0.5, 1ull << 30, 15000), 8 * MIB);
	/* just under the target: the 1 MiB floor */
	assert_int_equal(ctl_proactive(&k, 0.99, 1ull << 30, 20000), MIB);
	/* clamped to the idle memory */
	assert_int_equal(ctl_proactive(&k, 0.0, 3 * MIB, 25000), 3 * MIB);
	assert_int_equal(k.pro_trimmed, 32 * MIB);
}

/*
 * Passes when pressure at the target, a trigger, or nothing idle makes
 * proactive back off, and a level that is up does not stop it.
 */
static void control_proactive_backs_off(void **state)
{
	struct config c;
	struct ctl k;

	(void)state;
	test_cfg(&c);
	ctl_init(&k, &c, 0);
	/* at the target: no step, next look one interval later */
	assert_int_equal(ctl_proactive(&k, 1.0, 1ull << 30, 5000), 0);
	assert_int_equal(ctl_proactive_timeout(&k, 5000), 5000);
	assert_int_equal(ctl_proactive(&k, 0.0, 1ull << 30, 9999), 0);	/* not due */
	assert_int_equal(ctl_proactive(&k, 0.0, 1ull << 30, 35000), 16 * MIB);
	/* reactive level: a trigger pushes proactive back one interval */
	ctl_trigger(&k, 0, 36000);
	assert_int_equal(ctl_proactive(&k, 0.0, 1ull << 30, 40000), 0);
	assert_int_equal(ctl_proactive_timeout(&k, 40000), 1000);
	/* level still up when due, pressure under the target: trimming */
	assert_int_equal(k.level, 1);
	assert_int_equal(ctl_proactive(&k, 0.0, 1ull << 30, 66000), 16 * MIB);
	ctl_tick(&k, NULL, 100000);
	assert_int_equal(k.level, 0);
	/* nothing idle: back off too */
	assert_int_equal(ctl_proactive(&k, 0.0, 0, 100000), 0);
	assert_int_equal(ctl_proactive_timeout(&k, 100000), 30000);
	/* a trigger never brings the next look earlier */
	ctl_trigger(&k, 0, 101000);
	assert_int_equal(ctl_proactive_timeout(&k, 101000), 29000);
	assert_int_equal(k.pro_backoffs, 2);
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
		cmocka_unit_test(control_step_down_blind),
		cmocka_unit_test(control_averages_hold_level),
		cmocka_unit_test(control_recent_lower_hit_holds),
		cmocka_unit_test(control_future_hit_holds),
		cmocka_unit_test(control_retrigger_extends),
		cmocka_unit_test(control_noise_no_flapping),
		cmocka_unit_test(control_trace_replay),
		cmocka_unit_test(control_tabs_trace_replay),
		cmocka_unit_test(control_tabs_trace_proactive_after_burst),
		cmocka_unit_test(control_proactive_pressure_interval),
		cmocka_unit_test(control_proactive_first_look),
		cmocka_unit_test(control_proactive_trims),
		cmocka_unit_test(control_proactive_backs_off),
		cmocka_unit_test(control_reconfigure_clamps),
		cmocka_unit_test(control_full_kind),
	};
	TEST_SUITE_BODY(tests);
}
