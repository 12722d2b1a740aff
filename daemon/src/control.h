/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control.h - the control law, pure logic with time passed in.
 *
 * Levels: level 0 is "no pressure" (baseline profile), level i (1-based)
 * is config.levels[i-1]. A PSI trigger for level i (or, in fallback mode,
 * an avg10 at or above the trigger's stall ratio) raises the level to i at
 * once if it is higher. Stepping down is slow on purpose: one level at a
 * time, and only after the current level has had no hit for cooldown_ms;
 * the level below then gets a fresh cooldown. A signal that keeps crossing
 * a threshold therefore holds the level instead of flapping.
 *
 * Proactive mode (after Meta's Senpai): while at level 0 and some-avg10
 * stays below target_pct, trim idle GPU memory by at most step_mb per
 * interval_ms, scaled by (1 - pressure/target) so steps shrink as pressure
 * approaches the target. Pressure at or above the target, a level above 0,
 * or nothing idle to trim pauses trimming for backoff_ms.
 */
#ifndef GR_CONTROL_H
#define GR_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "psi.h"

struct ctl {
	size_t nlevels;
	double pct[CFG_MAX_LEVELS];		/* trigger stall ratio, percent */
	enum psi_kind kind[CFG_MAX_LEVELS];
	uint32_t cooldown_ms;
	struct proactive pro;

	int level;				/* 0..nlevels */
	uint64_t last_hit[CFG_MAX_LEVELS + 1];	/* by level, 1-based */
	uint64_t changed_at;
	unsigned changes;			/* level changes so far */

	uint64_t pro_next;			/* earliest next proactive step */
	unsigned pro_backoffs;
	uint64_t pro_trimmed;			/* bytes requested so far */
};

void ctl_init(struct ctl *c, const struct config *cfg, uint64_t now);
/* New config (SIGHUP): keep state, clamp the level to the new level count. */
void ctl_reconfigure(struct ctl *c, const struct config *cfg, uint64_t now);
/* A trigger for levels[idx] fired. Returns the new level. */
int ctl_trigger(struct ctl *c, size_t idx, uint64_t now);
/* Fallback: feed averages; every level whose ratio is reached counts as hit. */
int ctl_sample(struct ctl *c, const struct psi_sample *s, uint64_t now);
/* Time passes: step down one level if the cool-down expired. */
int ctl_tick(struct ctl *c, uint64_t now);
/* ms until ctl_tick could change something, -1 if never (level 0). */
int64_t ctl_timeout(const struct ctl *c, uint64_t now);

/*
 * Proactive step at time now with the current some-avg10 and the idle
 * resident bytes available for trimming. Returns the bytes to shrink
 * (0: nothing this time). Rate-limited internally.
 */
uint64_t ctl_proactive(struct ctl *c, double some_avg10, uint64_t idle_bytes,
		       uint64_t now);
/* ms until the next proactive step is due, -1 if disabled. */
int64_t ctl_proactive_timeout(const struct ctl *c, uint64_t now);

#endif
