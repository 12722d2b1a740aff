/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control.h - the control law, pure logic with time passed in.
 *
 * Levels: level 0 is "no pressure" (baseline profile), level i (1-based)
 * is config.levels[i-1]. A PSI trigger for level i (or, in fallback mode,
 * an avg10 at or above the trigger's stall ratio) raises the level to i at
 * once if it is higher.
 *
 * Stepping down: a level is held while it was hit within cooldown_ms, or
 * while the current averages still reach its ratio. Once neither holds,
 * ctl_tick() drops straight to the highest level that still does (0 if
 * none): from critical to none in one cool-down when pressure is gone,
 * without a fresh cool-down per level. A signal that keeps crossing a
 * threshold holds its level instead of flapping.
 *
 * Proactive trimming (after Meta's Senpai and TMO) runs at every level:
 * while the pressure is below target_pct, trim idle GPU memory by at most
 * step_mb per interval_ms, scaled by the distance to the target
 * (1 - pressure/target) and halved while pressure is rising. Pressure at
 * or above the target, or a trigger, skips the step (looked at again an
 * interval later; only PSI events count as triggers here, not fallback
 * samples); nothing idle to trim pauses trimming for backoff_ms.
 * The pressure is the "some" stall since the previous look, as Senpai
 * measures it (ctl_proactive_pressure()), not avg10: avg10 decays over
 * tens of seconds, so after a burst (clients starting up) it stays above
 * the target long after nothing stalls any more; the many-tabs benchmark's
 * proactive runs took no step in 40 s that way.
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
	double pro_last_p;			/* pressure at the last look */
	bool pro_looked;			/* pro_last_p is set */
	uint64_t pro_total;			/* some total= (us) at the last look */
	uint64_t pro_total_at;			/* and when */
	bool pro_have_total;
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
/* The highest level the averages of s reach (0: none). */
int ctl_implied_level(const struct ctl *c, const struct psi_sample *s);
/*
 * Time passes: once the current level's cool-down expired, step down to
 * what the averages of s (the pressure now) still imply, or one level if
 * s is NULL (the pressure could not be read). Returns the new level.
 */
int ctl_tick(struct ctl *c, const struct psi_sample *s, uint64_t now);
/* Whether ctl_tick() would look at the pressure now (the cool-down expired). */
bool ctl_tick_due(const struct ctl *c, uint64_t now);
/*
 * ms until ctl_tick could change something: the cool-down's end, or
 * CTL_RECHECK_MS while the averages hold the level; -1 at level 0.
 */
int64_t ctl_timeout(const struct ctl *c, uint64_t now);
#define CTL_RECHECK_MS 1000

/*
 * The pressure a proactive look at time now judges by, percent: the share
 * of the time since the previous call that "some" tasks stalled (the
 * increase of s->some.total). CTL_NO_PRESSURE when there is no such
 * measure: the first call, the first after a reload (the source may have
 * changed), one more than two intervals after the previous (a burst would
 * be averaged away), one without time passed, a total that went back. s
 * NULL (the pressure could not be read) gives 100, so that nothing is
 * trimmed blind. Call it once per look, when ctl_proactive_timeout() says
 * a step is due.
 */
double ctl_proactive_pressure(struct ctl *c, const struct psi_sample *s, uint64_t now);
#define CTL_NO_PRESSURE (-1.0)
/*
 * Proactive step at time now with the pressure (percent; CTL_NO_PRESSURE:
 * no step, look again an interval later) and the idle resident bytes
 * available for trimming. Returns the bytes to shrink (0: nothing this
 * time), whatever the level. Rate-limited internally.
 */
uint64_t ctl_proactive(struct ctl *c, double pressure, uint64_t idle_bytes,
		       uint64_t now);
/* ms until the next proactive step is due, -1 if disabled. */
int64_t ctl_proactive_timeout(const struct ctl *c, uint64_t now);

#endif
