// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgtrim.h"

uint64_t cgt_law(const struct cgroup_trim *p, double psi, uint64_t current)
{
	double target = p->target_pct / 100.0, want, cap;
	uint64_t bytes;

	if (current <= p->min_bytes || !(target > 0) || psi >= target)
		return 0;
	if (psi < 0)
		psi = 0;
	want = (double)current * p->ratio * (1.0 - psi / target);
	cap = (double)current * p->max_step_ratio;
	if (p->max_step_bytes && cap > (double)p->max_step_bytes)
		cap = (double)p->max_step_bytes;
	if (want > cap)
		want = cap;
	if (want > (double)(current - p->min_bytes))
		want = (double)(current - p->min_bytes);
	if (!(want >= CGT_PAGE))
		return 0;
	bytes = (uint64_t)want;
	return bytes & ~(uint64_t)(CGT_PAGE - 1);
}

static void cgt_sample_take(struct cgt_cg *c, const struct cgt_sample *s, uint64_t now)
{
	c->have_sample = true;
	c->sample_at = now;
	c->psi_total = s->psi_total;
}

enum cgt_why cgt_step(struct cgt_cg *c, const struct cgroup_trim *p,
		      const struct cgt_sample *s, uint64_t now,
		      uint64_t *bytes, double *psi)
{
	uint64_t elapsed_us;
	double f;

	*bytes = 0;
	*psi = 0;
	if (c->role == CG_FOREGROUND)
		return CGT_FOREGROUND;
	if (c->have_sample && now < c->next_at)
		return CGT_NOT_DUE;
	if (!s->ok) {
		c->have_sample = false;
		return CGT_GONE;
	}
	c->last_current = s->current;
	c->next_at = now + p->interval_ms;
	if (c->busy) {
		/* the next figure covers an interval without our write */
		c->n.busy++;
		cgt_sample_take(c, s, now);
		return CGT_BUSY;
	}
	if (!c->have_sample) {
		cgt_sample_take(c, s, now);
		return CGT_FIRST;
	}
	if (s->psi_total < c->psi_total || now <= c->sample_at) {
		c->n.resets++;
		cgt_sample_take(c, s, now);
		return CGT_RESET;
	}
	elapsed_us = (now - c->sample_at) * 1000u;
	f = (double)(s->psi_total - c->psi_total) / (double)elapsed_us;
	if (f > 1.0)
		f = 1.0;
	cgt_sample_take(c, s, now);
	c->last_psi = f;
	*psi = f;
	c->n.steps++;
	if (c->backoff) {
		c->backoff = false;
		c->n.backoffs++;
		return CGT_BACKOFF;
	}
	if (s->current <= p->min_bytes) {
		c->n.floor++;
		return CGT_FLOOR;
	}
	if (f >= p->target_pct / 100.0) {
		c->n.pressure++;
		return CGT_PRESSURE;
	}
	*bytes = cgt_law(p, f, s->current);
	if (!*bytes)
		return CGT_SMALL;
	c->busy = true;
	c->last_asked = *bytes;
	c->n.writes++;
	c->n.asked += *bytes;
	return CGT_WRITE;
}

void cgt_done(struct cgt_cg *c, int result, uint64_t before, uint64_t after)
{
	c->busy = false;
	if (result == -EAGAIN) {
		c->n.eagain++;
		c->backoff = true;
	} else if (result) {
		c->n.errors++;
	}
	if (before > after)
		c->n.dropped += before - after;
	c->last_current = after;
}

const char *cgt_why_name(enum cgt_why w)
{
	static const char *const names[] = {
		[CGT_WRITE] = "write", [CGT_FOREGROUND] = "foreground",
		[CGT_NOT_DUE] = "not due", [CGT_GONE] = "gone",
		[CGT_BUSY] = "previous write in progress",
		[CGT_FIRST] = "first sample", [CGT_RESET] = "PSI total went backwards",
		[CGT_BACKOFF] = "previous write returned EAGAIN",
		[CGT_PRESSURE] = "pressure at or above the target",
		[CGT_FLOOR] = "at or under min_bytes", [CGT_SMALL] = "less than a page",
	};

	return (size_t)w < sizeof(names) / sizeof(names[0]) && names[w] ? names[w] : "?";
}

struct cgt_cg *cgt_find(struct cgt_set *set, const char *path)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->v[i].path, path) == 0)
			return &set->v[i];
	return NULL;
}

int cgt_sync(struct cgt_set *set, const char *const *paths,
	     const enum cg_role *roles, const unsigned *entry, size_t n,
	     uint64_t now, void (*gone)(void *ud, const struct cgt_cg *c), void *ud)
{
	int added = 0;
	bool full = false;

	for (size_t i = 0; i < set->n; i++)
		set->v[i].seen = set->v[i].fresh = false;
	for (size_t i = 0; i < n; i++) {
		struct cgt_cg *c;

		if (strlen(paths[i]) >= CGT_PATH_LEN)
			continue;
		c = cgt_find(set, paths[i]);
		if (c) {
			if (c->seen)
				continue;	/* an earlier entry matched it */
			c->seen = true;
			c->role = roles[i];
			c->entry = entry[i];
			continue;
		}
		if (set->n >= CGT_MAX_CGROUPS) {
			full = true;
			continue;
		}
		if (set->n == set->cap) {
			size_t cap = set->cap ? set->cap * 2 : 16;
			struct cgt_cg *v = realloc(set->v, cap * sizeof(*v));

			if (!v) {
				full = true;
				continue;
			}
			set->v = v;
			set->cap = cap;
		}
		c = &set->v[set->n++];
		memset(c, 0, sizeof(*c));
		strcpy(c->path, paths[i]);
		c->role = roles[i];
		c->entry = entry[i];
		c->seen = c->fresh = true;
		c->next_at = now;
		added++;
	}
	for (size_t i = 0; i < set->n;) {
		if (set->v[i].seen) {
			i++;
			continue;
		}
		if (gone)
			gone(ud, &set->v[i]);
		cgt_remove(set, i);
	}
	return full ? -ENOSPC : added;
}

void cgt_remove(struct cgt_set *set, size_t i)
{
	if (i >= set->n)
		return;
	/* keep the order: steps and logs follow the expansion */
	memmove(&set->v[i], &set->v[i + 1], (set->n - i - 1) * sizeof(set->v[0]));
	set->n--;
}

void cgt_set_free(struct cgt_set *set)
{
	free(set->v);
	memset(set, 0, sizeof(*set));
}
