// SPDX-License-Identifier: GPL-2.0-only
#include <stdbool.h>
#include <string.h>

#include "control.h"

#define MIB (1024ull * 1024ull)

static void ctl_load(struct ctl *c, const struct config *cfg)
{
	c->nlevels = cfg->nlevels;
	for (size_t i = 0; i < cfg->nlevels; i++) {
		c->pct[i] = psi_trigger_pct(cfg->levels[i].stall_us,
					    cfg->levels[i].window_us);
		c->kind[i] = cfg->levels[i].kind;
	}
	c->cooldown_ms = cfg->cooldown_ms;
	c->pro = cfg->proactive;
}

void ctl_init(struct ctl *c, const struct config *cfg, uint64_t now)
{
	memset(c, 0, sizeof(*c));
	ctl_load(c, cfg);
	c->changed_at = now;
	c->pro_next = now + c->pro.interval_ms;
}

void ctl_reconfigure(struct ctl *c, const struct config *cfg, uint64_t now)
{
	ctl_load(c, cfg);
	if ((size_t)c->level > c->nlevels) {
		c->level = (int)c->nlevels;
		c->changed_at = now;
		c->changes++;
		if (c->level)
			c->last_hit[c->level] = now;
	}
	if (c->pro_next > now + c->pro.interval_ms)
		c->pro_next = now + c->pro.interval_ms;
	/* the pressure source may have changed: no delta across it */
	c->pro_have_total = false;
}

static void ctl_set_level(struct ctl *c, int level, uint64_t now)
{
	if (level == c->level)
		return;
	c->level = level;
	c->changed_at = now;
	c->changes++;
}

static void ctl_hit(struct ctl *c, size_t idx, uint64_t now)
{
	c->last_hit[idx + 1] = now;
	if ((int)idx + 1 > c->level)
		ctl_set_level(c, (int)idx + 1, now);
}

int ctl_trigger(struct ctl *c, size_t idx, uint64_t now)
{
	if (idx >= c->nlevels)
		return c->level;
	ctl_hit(c, idx, now);
	/*
	 * A PSI event is a stall within the trigger's window, just now:
	 * proactive trimming waits an interval, then the stall since its
	 * last look decides.
	 */
	if (c->pro.enabled && c->pro_next < now + c->pro.interval_ms)
		c->pro_next = now + c->pro.interval_ms;
	return c->level;
}

/*
 * Fallback samples raise levels but do not hold proactive trimming off:
 * avg10 lags the stall by tens of seconds (control.h).
 */
int ctl_sample(struct ctl *c, const struct psi_sample *s, uint64_t now)
{
	for (size_t i = 0; i < c->nlevels; i++) {
		const struct psi_line *l = c->kind[i] == PSI_FULL ? &s->full : &s->some;

		if (l->valid && l->avg10 >= c->pct[i])
			ctl_hit(c, i, now);
	}
	return c->level;
}

int ctl_implied_level(const struct ctl *c, const struct psi_sample *s)
{
	int level = 0;

	for (size_t i = 0; i < c->nlevels; i++) {
		const struct psi_line *l = c->kind[i] == PSI_FULL ? &s->full : &s->some;

		if (l->valid && l->avg10 >= c->pct[i])
			level = (int)i + 1;
	}
	return level;
}

/* The highest level hit within the cool-down (0: none). */
static int ctl_recent_level(const struct ctl *c, uint64_t now)
{
	/* a hit stamped later than now (an earlier clock read) is recent */
	for (int i = c->level; i > 0; i--)
		if (c->last_hit[i] &&
		    (c->last_hit[i] > now || now - c->last_hit[i] < c->cooldown_ms))
			return i;
	return 0;
}

bool ctl_tick_due(const struct ctl *c, uint64_t now)
{
	return c->level > 0 && now >= c->last_hit[c->level] &&
	       now - c->last_hit[c->level] >= c->cooldown_ms;
}

int ctl_tick(struct ctl *c, const struct psi_sample *s, uint64_t now)
{
	int target;

	if (!ctl_tick_due(c, now))
		return c->level;
	if (s) {
		target = ctl_implied_level(c, s);
		if (ctl_recent_level(c, now) > target)
			target = ctl_recent_level(c, now);
	} else {
		/* blind: one level, and the next one a cool-down later */
		target = c->level - 1;
		if (target > 0 && c->last_hit[target] < now)
			c->last_hit[target] = now;
	}
	if (target < c->level)
		ctl_set_level(c, target, now);
	return c->level;
}

int64_t ctl_timeout(const struct ctl *c, uint64_t now)
{
	uint64_t due;

	if (c->level == 0)
		return -1;
	due = c->last_hit[c->level] + c->cooldown_ms;
	return due > now ? (int64_t)(due - now) : CTL_RECHECK_MS;
}

double ctl_proactive_pressure(struct ctl *c, const struct psi_sample *s, uint64_t now)
{
	double p = CTL_NO_PRESSURE;

	if (!s || !s->some.valid)
		return 100.0;
	/* a measure over at most two intervals, or none */
	if (c->pro_have_total && now > c->pro_total_at &&
	    now - c->pro_total_at <= 2 * (uint64_t)c->pro.interval_ms &&
	    s->some.total >= c->pro_total) {
		/* us stalled per ms elapsed, as a percentage */
		p = (double)(s->some.total - c->pro_total) / 10.0 /
		    (double)(now - c->pro_total_at);
		if (p > 100.0)
			p = 100.0;
	}
	c->pro_total = s->some.total;
	c->pro_total_at = now;
	c->pro_have_total = true;
	return p;
}

uint64_t ctl_proactive(struct ctl *c, double pressure, uint64_t idle_bytes,
		       uint64_t now)
{
	bool rising;
	uint32_t pause;
	double scale;
	uint64_t step;

	if (!c->pro.enabled || now < c->pro_next)
		return 0;
	/* nothing measured yet: look again after an interval */
	if (pressure < 0) {
		c->pro_next = now + c->pro.interval_ms;
		return 0;
	}
	/* the first look has nothing to compare with */
	rising = c->pro_looked && pressure > c->pro_last_p;
	c->pro_last_p = pressure;
	c->pro_looked = true;
	pause = c->pro.backoff_ms > c->pro.interval_ms ? c->pro.backoff_ms :
							 c->pro.interval_ms;
	/* At the target: look again next interval, as Senpai does. */
	if (pressure >= c->pro.target_pct) {
		c->pro_next = now + c->pro.interval_ms;
		c->pro_backoffs++;
		return 0;
	}
	if (idle_bytes == 0) {
		c->pro_next = now + pause;
		c->pro_backoffs++;
		return 0;
	}
	c->pro_next = now + c->pro.interval_ms;
	scale = 1.0 - pressure / c->pro.target_pct;
	if (rising)
		scale /= 2;
	step = (uint64_t)((double)c->pro.step_mb * (double)MIB * scale);
	step &= ~(MIB - 1);		/* whole MiB */
	if (step < MIB)
		step = MIB;
	if (step > idle_bytes)
		step = idle_bytes;
	c->pro_trimmed += step;
	return step;
}

int64_t ctl_proactive_timeout(const struct ctl *c, uint64_t now)
{
	if (!c->pro.enabled)
		return -1;
	return c->pro_next > now ? (int64_t)(c->pro_next - now) : 0;
}
