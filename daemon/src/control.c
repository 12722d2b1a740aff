// SPDX-License-Identifier: GPL-2.0-only
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
}

static void ctl_set_level(struct ctl *c, int level, uint64_t now)
{
	if (level == c->level)
		return;
	c->level = level;
	c->changed_at = now;
	c->changes++;
}

int ctl_trigger(struct ctl *c, size_t idx, uint64_t now)
{
	if (idx >= c->nlevels)
		return c->level;
	c->last_hit[idx + 1] = now;
	if ((int)idx + 1 > c->level)
		ctl_set_level(c, (int)idx + 1, now);
	/* reactive pressure: proactive trimming waits */
	if (c->pro.enabled)
		c->pro_next = now + (c->pro.backoff_ms > c->pro.interval_ms ?
				     c->pro.backoff_ms : c->pro.interval_ms);
	return c->level;
}

int ctl_sample(struct ctl *c, const struct psi_sample *s, uint64_t now)
{
	for (size_t i = 0; i < c->nlevels; i++) {
		const struct psi_line *l = c->kind[i] == PSI_FULL ? &s->full : &s->some;

		if (l->valid && l->avg10 >= c->pct[i])
			ctl_trigger(c, i, now);
	}
	return c->level;
}

int ctl_tick(struct ctl *c, uint64_t now)
{
	if (c->level > 0 && now - c->last_hit[c->level] >= c->cooldown_ms) {
		int lower = c->level - 1;

		ctl_set_level(c, lower, now);
		if (lower > 0 && c->last_hit[lower] < now)
			c->last_hit[lower] = now;
	}
	return c->level;
}

int64_t ctl_timeout(const struct ctl *c, uint64_t now)
{
	uint64_t due;

	if (c->level == 0)
		return -1;
	due = c->last_hit[c->level] + c->cooldown_ms;
	return due > now ? (int64_t)(due - now) : 0;
}

uint64_t ctl_proactive(struct ctl *c, double some_avg10, uint64_t idle_bytes,
		       uint64_t now)
{
	uint32_t pause;
	double scale;
	uint64_t step;

	if (!c->pro.enabled || now < c->pro_next)
		return 0;
	pause = c->pro.backoff_ms > c->pro.interval_ms ? c->pro.backoff_ms :
							 c->pro.interval_ms;
	if (c->level > 0 || some_avg10 >= c->pro.target_pct || idle_bytes == 0) {
		c->pro_next = now + pause;
		c->pro_backoffs++;
		return 0;
	}
	c->pro_next = now + c->pro.interval_ms;
	scale = 1.0 - some_avg10 / c->pro.target_pct;
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
