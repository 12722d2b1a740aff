/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cgtrim.h - proactive trimming of background cgroups, the pure part:
 * the control law, one cgroup's step with time passed in, and the set of
 * cgroups the globs matched (cgtrim_io.h does the file I/O).
 *
 * Control law (Meta's TMO/Senpai), once per interval_ms per cgroup:
 *
 *   reclaim = memory.current * ratio * max(0, 1 - psi / target)
 *
 * where psi is the cgroup's "some" stall fraction over the last interval,
 * (total_now - total_before) / elapsed, from the total= microseconds of the
 * "some" line of its memory.pressure. The request is capped at
 * max_step_ratio * memory.current and at max_step_bytes (when set), never
 * asks for more than memory.current - min_bytes, is rounded down to whole
 * 4 KiB pages, and is written to the cgroup's memory.reclaim. Foreground
 * cgroups are never trimmed; unmatched ones are not even looked at.
 *
 * Rate limits: one write per cgroup per interval; a cgroup whose previous
 * write is still in progress is skipped (and sampled afresh); one whose
 * previous write ended in EAGAIN (the kernel could not reclaim all of it:
 * normal, counted) sits out one interval. A "some" total that went
 * backwards (the cgroup was removed and created again between two looks)
 * starts a new sample instead of a step.
 */
#ifndef GR_CGTRIM_H
#define GR_CGTRIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define CGT_PATH_LEN 512	/* a cgroup path relative to the root */
#define CGT_MAX_CGROUPS 1024	/* matched cgroups followed at once */
#define CGT_PAGE 4096u

/* What one cgroup's step decided. */
enum cgt_why {
	CGT_WRITE,		/* *bytes to memory.reclaim */
	CGT_FOREGROUND,		/* never trimmed */
	CGT_NOT_DUE,		/* less than interval_ms since the last step */
	CGT_GONE,		/* its files could not be read: vanished */
	CGT_BUSY,		/* previous write still in progress */
	CGT_FIRST,		/* first sample: no pressure figure yet */
	CGT_RESET,		/* the PSI total went backwards: sampled afresh */
	CGT_BACKOFF,		/* previous write returned EAGAIN: one interval out */
	CGT_PRESSURE,		/* psi at or above the target */
	CGT_FLOOR,		/* memory.current at or under min_bytes */
	CGT_SMALL,		/* less than a page to ask */
};

struct cgt_counters {
	uint64_t steps;		/* due steps that had a pressure figure */
	uint64_t writes;	/* memory.reclaim writes issued */
	uint64_t asked;		/* bytes asked, summed */
	uint64_t dropped;	/* memory.current drops over the writes, summed (>= 0 each) */
	uint64_t eagain;	/* writes that returned EAGAIN */
	uint64_t errors;	/* writes that failed otherwise */
	uint64_t busy;		/* steps skipped: write in progress */
	uint64_t backoffs;	/* steps skipped after EAGAIN */
	uint64_t pressure;	/* steps with psi >= target */
	uint64_t floor;		/* steps at or under min_bytes */
	uint64_t resets;	/* PSI totals that went backwards */
};

struct cgt_cg {
	char path[CGT_PATH_LEN];	/* relative to cgroup_trim.root */
	enum cg_role role;
	unsigned entry;			/* index of the config entry that matched */
	bool seen;			/* scratch for cgt_sync */
	bool fresh;			/* added by the last cgt_sync */

	bool have_sample;
	uint64_t sample_at;		/* ms */
	uint64_t psi_total;		/* us, "some" total at sample_at */
	uint64_t next_at;		/* ms, earliest next step */
	bool busy;			/* a write in progress */
	bool backoff;			/* last write returned EAGAIN */
	bool warned;			/* told once that its files are missing */

	double last_psi;		/* fraction, of the last step with a figure */
	uint64_t last_current;		/* bytes, last read */
	uint64_t last_asked;
	struct cgt_counters n;
};

/* What was read from one cgroup this interval. */
struct cgt_sample {
	bool ok;			/* false: memory.pressure/current unreadable */
	uint64_t psi_total;		/* us */
	uint64_t current;		/* bytes */
};

struct cgt_set {
	struct cgt_cg *v;
	size_t n, cap;
	bool full_warned;
};

/* The law alone: bytes to ask of a cgroup at psi (a fraction, 0..1). */
uint64_t cgt_law(const struct cgroup_trim *p, double psi, uint64_t current);

/*
 * One cgroup at time now (ms). Returns the decision; with CGT_WRITE, *bytes
 * is the request and the cgroup is busy until cgt_done(). *psi is the stall
 * fraction measured (0 when there was none). Counters are updated.
 */
enum cgt_why cgt_step(struct cgt_cg *c, const struct cgroup_trim *p,
		      const struct cgt_sample *s, uint64_t now,
		      uint64_t *bytes, double *psi);
/*
 * A write finished: result 0, -EAGAIN (reclaimed less than asked) or
 * another -errno; before/after are memory.current around it.
 */
void cgt_done(struct cgt_cg *c, int result, uint64_t before, uint64_t after);
const char *cgt_why_name(enum cgt_why w);

/*
 * Re-expansion of the globs: the cgroups matched now, in entry order
 * (paths[i] matched entries[entry[i]] whose role is roles[i]). The first
 * occurrence of a path wins; known cgroups keep their state (their role
 * follows the entry), new ones are added, due at once, and those not
 * listed are dropped: gone(ud, cg) is called for each before it is
 * removed. Returns the number added, or -ENOSPC when CGT_MAX_CGROUPS
 * stopped some (the others are kept/added).
 */
int cgt_sync(struct cgt_set *set, const char *const *paths,
	     const enum cg_role *roles, const unsigned *entry, size_t n,
	     uint64_t now, void (*gone)(void *ud, const struct cgt_cg *c), void *ud);
struct cgt_cg *cgt_find(struct cgt_set *set, const char *path);
/* Drop set->v[i], keeping the order of the others. */
void cgt_remove(struct cgt_set *set, size_t i);
void cgt_set_free(struct cgt_set *set);

#endif
