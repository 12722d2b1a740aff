// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cgtrim.h"
#include "cgtrim_io.h"
#include "tests.h"
#include "util.h"

#define MIB (1024ull * 1024ull)

/* ratio 0.1, target 1 %, no step cap, no floor, 2 s interval */
static void trim_cfg(struct cgroup_trim *p)
{
	struct config *c = malloc(sizeof(*c));

	assert_non_null(c);
	config_defaults(c);
	*p = c->cgtrim;
	free(c);
	p->enabled = true;
	p->interval_ms = 2000;
	p->target_pct = 1.0;
	p->ratio = 0.1;
	p->max_step_ratio = 1.0;
	p->max_step_bytes = 0;
	p->min_bytes = 0;
}

/* a and b within a page: (1 - psi/target) is not exact in binary */
#define assert_near(a, b) do {						\
	uint64_t a_ = (a), b_ = (b);					\
	if ((a_ > b_ ? a_ - b_ : b_ - a_) > 4096)			\
		fail_msg("%llu is not within a page of %llu",		\
			 (unsigned long long)a_, (unsigned long long)b_);	\
} while (0)

/* psi as a fraction of wall time: 1 % = 0.01 */
static struct cgt_sample smp(uint64_t total_us, uint64_t current)
{
	return (struct cgt_sample){ .ok = true, .psi_total = total_us, .current = current };
}

/* Passes when pressure at or above the target asks for nothing. */
static void cgtrim_law_zero_at_target(void **state)
{
	struct cgroup_trim p;

	(void)state;
	trim_cfg(&p);
	assert_int_equal(cgt_law(&p, 0.01, 100 * MIB), 0);
	assert_int_equal(cgt_law(&p, 0.02, 100 * MIB), 0);
	assert_int_equal(cgt_law(&p, 1.0, 100 * MIB), 0);
	/* just under the target: a little */
	assert_true(cgt_law(&p, 0.0099, 100 * MIB) > 0);
	assert_true(cgt_law(&p, 0.0099, 100 * MIB) < MIB / 4);
}

/* Passes when the request is current * ratio * (1 - psi/target), in whole pages. */
static void cgtrim_law_proportional(void **state)
{
	struct cgroup_trim p;

	(void)state;
	trim_cfg(&p);
	assert_int_equal(cgt_law(&p, 0.0, 100 * MIB), 10 * MIB);
	assert_near(cgt_law(&p, 0.005, 100 * MIB), 5 * MIB);
	assert_near(cgt_law(&p, 0.0075, 100 * MIB), 10 * MIB / 4);
	assert_near(cgt_law(&p, 0.009, 100 * MIB), MIB);
	/* proportional to memory.current too */
	assert_near(cgt_law(&p, 0.005, 200 * MIB), 10 * MIB);
	assert_int_equal(cgt_law(&p, 0.005, 200 * MIB) % 4096, 0);
	/* rounded down to 4 KiB: 0.1 * 1000000 = 100000 -> 98304 */
	assert_int_equal(cgt_law(&p, 0.0, 1000000), 98304);
	/* under a page: nothing */
	assert_int_equal(cgt_law(&p, 0.0, 40000), 0);
	/* the ratio scales it */
	p.ratio = 0.0005;
	assert_int_equal(cgt_law(&p, 0.0, 1024 * MIB), 1073741824ull / 2000 & ~4095ull);
	/* a nonsensical negative figure counts as no pressure */
	p.ratio = 0.1;
	assert_int_equal(cgt_law(&p, -0.5, 100 * MIB), 10 * MIB);
}

/* Passes when max_step_ratio and max_step_bytes cap the request, the smaller winning. */
static void cgtrim_law_capped(void **state)
{
	struct cgroup_trim p;

	(void)state;
	trim_cfg(&p);
	p.max_step_ratio = 0.02;
	assert_int_equal(cgt_law(&p, 0.0, 100 * MIB), 2 * MIB);
	/* the cap is a ceiling, not a floor: half the target gives 5 MiB > 2 MiB */
	assert_int_equal(cgt_law(&p, 0.005, 100 * MIB), 2 * MIB);
	assert_near(cgt_law(&p, 0.009, 100 * MIB), MIB);
	p.max_step_bytes = 1536 * 1024;
	assert_int_equal(cgt_law(&p, 0.0, 100 * MIB), 1536 * 1024);
	p.max_step_ratio = 1.0;
	assert_int_equal(cgt_law(&p, 0.0, 100 * MIB), 1536 * 1024);
	p.max_step_bytes = 64 * MIB;
	assert_int_equal(cgt_law(&p, 0.0, 100 * MIB), 10 * MIB);
}

/* Passes when nothing is asked at or under min_bytes and no step goes below it. */
static void cgtrim_law_floor(void **state)
{
	struct cgroup_trim p;

	(void)state;
	trim_cfg(&p);
	p.min_bytes = 64 * MIB;
	assert_int_equal(cgt_law(&p, 0.0, 64 * MIB), 0);
	assert_int_equal(cgt_law(&p, 0.0, 10 * MIB), 0);
	/* 66 MiB: 6.6 MiB by the law, but only 2 MiB above the floor */
	assert_int_equal(cgt_law(&p, 0.0, 66 * MIB), 2 * MIB);
	/* less than a page above it: nothing */
	assert_int_equal(cgt_law(&p, 0.0, 64 * MIB + 100), 0);
	/* far above: the law alone */
	assert_int_equal(cgt_law(&p, 0.0, 1000 * MIB), 100 * MIB);
}

/* Passes when a foreground cgroup is never asked anything, whatever the input. */
static void cgtrim_step_foreground(void **state)
{
	struct cgroup_trim p;
	struct cgt_cg c = { .role = CG_FOREGROUND };
	uint64_t b;
	double psi;

	(void)state;
	trim_cfg(&p);
	for (uint64_t t = 0; t < 60000; t += 2000) {
		struct cgt_sample s = smp(0, 500 * MIB);

		assert_int_equal(cgt_step(&c, &p, &s, t, &b, &psi), CGT_FOREGROUND);
		assert_int_equal(b, 0);
	}
	assert_int_equal(c.n.writes, 0);
	assert_int_equal(c.n.steps, 0);
}

/*
 * Passes when one cgroup sees one write per interval at most: a first
 * sample, then writes due every interval_ms, a busy cgroup skipped, one
 * interval sat out after EAGAIN, all on a synthetic clock.
 */
static void cgtrim_step_rate_limit(void **state)
{
	struct cgroup_trim p;
	struct cgt_cg c = { .role = CG_BACKGROUND };
	struct cgt_sample s = smp(0, 100 * MIB);
	uint64_t b;
	double psi;

	(void)state;
	trim_cfg(&p);
	assert_int_equal(cgt_step(&c, &p, &s, 1000, &b, &psi), CGT_FIRST);
	assert_int_equal(b, 0);
	assert_int_equal(cgt_step(&c, &p, &s, 2000, &b, &psi), CGT_NOT_DUE);
	assert_int_equal(cgt_step(&c, &p, &s, 2999, &b, &psi), CGT_NOT_DUE);
	assert_int_equal(cgt_step(&c, &p, &s, 3000, &b, &psi), CGT_WRITE);
	assert_int_equal(b, 10 * MIB);
	assert_true(c.busy);
	/* again within the interval: nothing, even though pressure is zero */
	assert_int_equal(cgt_step(&c, &p, &s, 3001, &b, &psi), CGT_NOT_DUE);
	assert_int_equal(cgt_step(&c, &p, &s, 4999, &b, &psi), CGT_NOT_DUE);
	/* due, but the write is still in progress: skipped */
	assert_int_equal(cgt_step(&c, &p, &s, 5000, &b, &psi), CGT_BUSY);
	assert_int_equal(b, 0);
	assert_int_equal(c.n.busy, 1);
	cgt_done(&c, 0, 100 * MIB, 90 * MIB);
	assert_false(c.busy);
	assert_int_equal(c.n.dropped, 10 * MIB);
	/* done at 5500: the next write waits for the interval started at 5000 */
	assert_int_equal(cgt_step(&c, &p, &s, 5500, &b, &psi), CGT_NOT_DUE);
	s.current = 90 * MIB;
	assert_int_equal(cgt_step(&c, &p, &s, 7000, &b, &psi), CGT_WRITE);
	assert_int_equal(b, 9 * MIB);
	cgt_done(&c, -EAGAIN, 90 * MIB, 88 * MIB);
	assert_int_equal(c.n.eagain, 1);
	assert_int_equal(c.n.errors, 0);	/* EAGAIN is not an error */
	s.current = 88 * MIB;
	assert_int_equal(cgt_step(&c, &p, &s, 9000, &b, &psi), CGT_BACKOFF);
	assert_int_equal(cgt_step(&c, &p, &s, 10000, &b, &psi), CGT_NOT_DUE);
	assert_int_equal(cgt_step(&c, &p, &s, 11000, &b, &psi), CGT_WRITE);
	cgt_done(&c, -EIO, 88 * MIB, 88 * MIB);
	assert_int_equal(c.n.errors, 1);
	/* a plain error does not sit out an interval */
	assert_int_equal(cgt_step(&c, &p, &s, 13000, &b, &psi), CGT_WRITE);
	assert_int_equal(c.n.writes, 4);
	/* 10 % of 100, 90, 88 and 88 MiB, in whole pages */
	assert_int_equal(c.n.asked, 10 * MIB + 9 * MIB + 2 * ((88 * MIB / 10) & ~4095ull));
	assert_int_equal(c.n.dropped, 12 * MIB);
}

/*
 * Passes when psi is the delta of the "some" total over the time since the
 * last sample (a late wake-up measures over the longer span).
 */
static void cgtrim_step_psi_from_total(void **state)
{
	struct cgroup_trim p;
	struct cgt_cg c = { .role = CG_BACKGROUND };
	struct cgt_sample s = smp(5000000, 100 * MIB);
	uint64_t b;
	double psi;

	(void)state;
	trim_cfg(&p);
	assert_int_equal(cgt_step(&c, &p, &s, 0, &b, &psi), CGT_FIRST);
	/* 10 ms stalled in 2 s: 0.5 %, half the target */
	s.psi_total += 10000;
	assert_int_equal(cgt_step(&c, &p, &s, 2000, &b, &psi), CGT_WRITE);
	assert_float_equal(psi, 0.005, 1e-12);
	assert_near(b, 5 * MIB);
	cgt_done(&c, 0, 100 * MIB, 95 * MIB);
	/* 20 ms in 2 s: 1 %, the target: nothing */
	s.psi_total += 20000;
	assert_int_equal(cgt_step(&c, &p, &s, 4000, &b, &psi), CGT_PRESSURE);
	assert_float_equal(psi, 0.01, 1e-12);
	assert_int_equal(c.n.pressure, 1);
	/* woken late: 20 ms over 8 s is 0.25 % */
	s.psi_total += 20000;
	assert_int_equal(cgt_step(&c, &p, &s, 12000, &b, &psi), CGT_WRITE);
	assert_float_equal(psi, 0.0025, 1e-12);
	assert_near(b, 75 * MIB / 10);
	assert_float_equal(c.last_psi, 0.0025, 1e-12);
	cgt_done(&c, 0, 100 * MIB, 100 * MIB);
	/* fully stalled, even more than wall time (rounding): clamped to 1 */
	s.psi_total += 3000000;
	assert_int_equal(cgt_step(&c, &p, &s, 14000, &b, &psi), CGT_PRESSURE);
	assert_float_equal(psi, 1.0, 1e-12);
}

/* Passes when a "some" total that goes backwards starts a new sample instead of a step. */
static void cgtrim_step_psi_backwards(void **state)
{
	struct cgroup_trim p;
	struct cgt_cg c = { .role = CG_BACKGROUND };
	struct cgt_sample s = smp(900000, 100 * MIB);
	uint64_t b;
	double psi;

	(void)state;
	trim_cfg(&p);
	assert_int_equal(cgt_step(&c, &p, &s, 0, &b, &psi), CGT_FIRST);
	/* the cgroup was removed and made again: its counter restarts near 0 */
	s.psi_total = 1000;
	assert_int_equal(cgt_step(&c, &p, &s, 2000, &b, &psi), CGT_RESET);
	assert_int_equal(b, 0);
	assert_int_equal(c.n.resets, 1);
	assert_int_equal(c.n.writes, 0);
	/* measured from the new counter on */
	s.psi_total = 1000 + 10000;
	assert_int_equal(cgt_step(&c, &p, &s, 4000, &b, &psi), CGT_WRITE);
	assert_float_equal(psi, 0.005, 1e-12);
	assert_near(b, 5 * MIB);
}

/* Passes when unreadable files mean gone (no write, sample dropped) and a return starts over. */
static void cgtrim_step_vanished(void **state)
{
	struct cgroup_trim p;
	struct cgt_cg c = { .role = CG_BACKGROUND };
	struct cgt_sample s = smp(0, 100 * MIB), gone = { .ok = false };
	uint64_t b;
	double psi;

	(void)state;
	trim_cfg(&p);
	assert_int_equal(cgt_step(&c, &p, &s, 0, &b, &psi), CGT_FIRST);
	assert_int_equal(cgt_step(&c, &p, &gone, 2000, &b, &psi), CGT_GONE);
	assert_int_equal(b, 0);
	assert_false(c.have_sample);
	/* back (same name): a first sample again, then steps */
	assert_int_equal(cgt_step(&c, &p, &s, 2500, &b, &psi), CGT_FIRST);
	assert_int_equal(cgt_step(&c, &p, &s, 4500, &b, &psi), CGT_WRITE);
	/* a write in flight when it vanishes completes and is counted */
	assert_int_equal(cgt_step(&c, &p, &gone, 6500, &b, &psi), CGT_GONE);
	cgt_done(&c, -ENOENT, 100 * MIB, 100 * MIB);
	assert_int_equal(c.n.errors, 1);
	assert_false(c.busy);
}

/* Passes when min_bytes stops trimming and the floor is counted. */
static void cgtrim_step_floor(void **state)
{
	struct cgroup_trim p;
	struct cgt_cg c = { .role = CG_BACKGROUND };
	struct cgt_sample s = smp(0, 32 * MIB);
	uint64_t b;
	double psi;

	(void)state;
	trim_cfg(&p);
	p.min_bytes = 32 * MIB;
	assert_int_equal(cgt_step(&c, &p, &s, 0, &b, &psi), CGT_FIRST);
	assert_int_equal(cgt_step(&c, &p, &s, 2000, &b, &psi), CGT_FLOOR);
	assert_int_equal(c.n.floor, 1);
	s.current = 16 * MIB;
	assert_int_equal(cgt_step(&c, &p, &s, 4000, &b, &psi), CGT_FLOOR);
	s.current = 32 * MIB + 8192;
	assert_int_equal(cgt_step(&c, &p, &s, 6000, &b, &psi), CGT_WRITE);
	assert_int_equal(b, 8192);
	assert_int_equal(c.n.writes, 1);
}

static unsigned gone_calls;
static char gone_last[CGT_PATH_LEN];

static void on_gone(void *ud, const struct cgt_cg *c)
{
	(void)ud;
	gone_calls++;
	strcpy(gone_last, c->path);
}

/*
 * Passes when re-expansion keeps known cgroups' state, adds new ones, drops
 * vanished ones with a callback, and the first matching entry decides the role.
 */
static void cgtrim_sync(void **state)
{
	struct cgt_set set = { 0 };
	const char *p1[] = { "app.slice/a.scope", "app.slice/a.scope", "app.slice/b.scope" };
	enum cg_role r1[] = { CG_FOREGROUND, CG_BACKGROUND, CG_BACKGROUND };
	unsigned e1[] = { 0, 1, 1 };
	const char *p2[] = { "app.slice/b.scope", "app.slice/c.scope" };
	enum cg_role r2[] = { CG_BACKGROUND, CG_BACKGROUND };
	unsigned e2[] = { 1, 1 };
	struct cgt_cg *b;

	(void)state;
	gone_calls = 0;
	assert_int_equal(cgt_sync(&set, p1, r1, e1, 3, 100, on_gone, NULL), 2);
	assert_int_equal(set.n, 2);
	assert_int_equal(cgt_find(&set, "app.slice/a.scope")->role, CG_FOREGROUND);
	assert_int_equal(cgt_find(&set, "app.slice/a.scope")->entry, 0);
	b = cgt_find(&set, "app.slice/b.scope");
	assert_int_equal(b->role, CG_BACKGROUND);
	assert_int_equal(b->next_at, 100);	/* due at once */
	b->n.writes = 7;
	/* a vanished, c new, b kept with its counters */
	assert_int_equal(cgt_sync(&set, p2, r2, e2, 2, 200, on_gone, NULL), 1);
	assert_int_equal(gone_calls, 1);
	assert_string_equal(gone_last, "app.slice/a.scope");
	assert_int_equal(set.n, 2);
	assert_null(cgt_find(&set, "app.slice/a.scope"));
	assert_int_equal(cgt_find(&set, "app.slice/b.scope")->n.writes, 7);
	assert_string_equal(set.v[0].path, "app.slice/b.scope");	/* order kept */
	assert_string_equal(set.v[1].path, "app.slice/c.scope");
	/* nothing matched any more: all dropped */
	assert_int_equal(cgt_sync(&set, NULL, NULL, NULL, 0, 300, on_gone, NULL), 0);
	assert_int_equal(set.n, 0);
	assert_int_equal(gone_calls, 3);
	cgt_set_free(&set);
}

/* Passes when the set stops at CGT_MAX_CGROUPS and says so. */
static void cgtrim_sync_full(void **state)
{
	struct cgt_set set = { 0 };
	size_t n = CGT_MAX_CGROUPS + 3;
	char **paths = calloc(n, sizeof(*paths));
	enum cg_role *roles = calloc(n, sizeof(*roles));
	unsigned *entry = calloc(n, sizeof(*entry));

	(void)state;
	assert_non_null(paths);
	for (size_t i = 0; i < n; i++) {
		paths[i] = malloc(32);
		snprintf(paths[i], 32, "s/%zu", i);
	}
	assert_int_equal(cgt_sync(&set, (const char *const *)paths, roles, entry, n, 0, NULL, NULL),
			 -ENOSPC);
	assert_int_equal(set.n, CGT_MAX_CGROUPS);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	free(roles);
	free(entry);
	cgt_set_free(&set);
}

/* Passes when globs expand to directories under the root, in entry order, and reads work. */
static void cgtrim_io_expand_read(void **state)
{
	char *dir = tmpdir_new(), rel[64];
	struct cgroup_trim p;
	struct cgt_match m = { 0 };
	struct cgt_sample s;
	char err[200];

	(void)state;
	trim_cfg(&p);
	snprintf(p.root, sizeof(p.root), "%s/cg", dir);
	write_file(dir, "cg/app.slice/a.scope/memory.pressure",
		   "some avg10=0.00 avg60=0.00 avg300=0.00 total=1234\n"
		   "full avg10=0.00 avg60=0.00 avg300=0.00 total=1000\n");
	write_file(dir, "cg/app.slice/a.scope/memory.current", "4096000\n");
	write_file(dir, "cg/app.slice/b.scope/cgroup.procs", "");
	write_file(dir, "cg/app.slice/memory.current", "0\n");	/* a file: never matched */
	p.nentries = 3;
	strcpy(p.entries[0].path, "app.slice/a.scope");
	p.entries[0].role = CG_FOREGROUND;
	strcpy(p.entries[1].path, "app.slice/*");
	p.entries[1].role = CG_BACKGROUND;
	strcpy(p.entries[2].path, "nothing/*");
	assert_int_equal(cgt_expand(&p, &m), 0);
	assert_int_equal(m.n, 3);
	assert_string_equal(m.paths[0], "app.slice/a.scope");
	assert_int_equal(m.roles[0], CG_FOREGROUND);
	assert_string_equal(m.paths[1], "app.slice/a.scope");
	assert_int_equal(m.entry[1], 1);
	assert_string_equal(m.paths[2], "app.slice/b.scope");
	cgt_match_free(&m);

	assert_int_equal(cgt_read(p.root, "app.slice/a.scope", &s, err, sizeof(err)), 0);
	assert_true(s.ok);
	assert_int_equal(s.psi_total, 1234);
	assert_int_equal(s.current, 4096000);
	/* exists, without the memory files (controller off for it) */
	assert_int_equal(cgt_read(p.root, "app.slice/b.scope", &s, err, sizeof(err)), -ENODATA);
	assert_false(s.ok);
	assert_non_null(strstr(err, "memory.pressure"));
	/* gone */
	snprintf(rel, sizeof(rel), "app.slice/c.scope");
	assert_int_equal(cgt_read(p.root, rel, &s, err, sizeof(err)), -ENOENT);
	/* a malformed memory.current */
	write_file(dir, "cg/app.slice/a.scope/memory.current", "lots\n");
	assert_int_equal(cgt_read(p.root, "app.slice/a.scope", &s, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "memory.current"));
	tmpdir_free(dir);
}

/* Passes when the writer thread writes the byte count to memory.reclaim and reports it. */
static void cgtrim_io_writer(void **state)
{
	char *dir = tmpdir_new(), root[512], err[200], *got;
	struct cgt_writer *w = cgt_writer_new(err, sizeof(err));
	struct cgt_job *j, *all = NULL;
	int seen = 0;

	(void)state;
	assert_non_null(w);
	snprintf(root, sizeof(root), "%s/cg", dir);
	write_file(dir, "cg/bg/memory.reclaim", "");
	write_file(dir, "cg/bg/memory.current", "777\n");
	mkdir(root, 0755);
	assert_int_equal(cgt_writer_submit(w, root, "bg", 12288, 1000, 0.0), 0);
	assert_int_equal(cgt_writer_submit(w, root, "none", 4096, 1000, 0.0), 0);
	while (seen < 2) {
		struct pollfd pfd = { .fd = cgt_writer_fd(w), .events = POLLIN };

		assert_int_equal(poll(&pfd, 1, 5000), 1);
		for (j = cgt_writer_collect(w); j; ) {
			struct cgt_job *next = j->next;

			j->next = all;
			all = j;
			seen++;
			j = next;
		}
	}
	/* newest first now */
	assert_string_equal(all->rel, "none");
	assert_int_equal(all->result, -ENOENT);
	assert_int_equal(all->after, 1000);	/* unreadable: before */
	assert_string_equal(all->next->rel, "bg");
	assert_int_equal(all->next->result, 0);
	assert_int_equal(all->next->bytes, 12288);
	assert_int_equal(all->next->after, 777);
	got = read_file(dir, "cg/bg/memory.reclaim");
	assert_string_equal(got, "12288");
	free(got);
	free(all->next);
	free(all);
	cgt_writer_free(w);
	tmpdir_free(dir);
}

/*
 * Passes when freeing the writer interrupts a write that blocks (a FIFO
 * nobody reads stands in for a long memory.reclaim) within a second.
 */
static void cgtrim_io_writer_interrupted(void **state)
{
	char *dir = tmpdir_new(), path[512], err[200];
	struct cgt_writer *w = cgt_writer_new(err, sizeof(err));
	struct timespec ts = { .tv_nsec = 100 * 1000000L };
	uint64_t t0;

	(void)state;
	assert_non_null(w);
	snprintf(path, sizeof(path), "%s/bg", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/bg/memory.reclaim", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(cgt_writer_submit(w, dir, "bg", 4096, 0, 0.0), 0);
	nanosleep(&ts, NULL);	/* the thread is in open(2) by now */
	t0 = now_ms();
	cgt_writer_free(w);
	assert_true(now_ms() - t0 < 1000);
	tmpdir_free(dir);
}

TEST_SUITE(cgtrim)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(cgtrim_law_zero_at_target),
		cmocka_unit_test(cgtrim_law_proportional),
		cmocka_unit_test(cgtrim_law_capped),
		cmocka_unit_test(cgtrim_law_floor),
		cmocka_unit_test(cgtrim_step_foreground),
		cmocka_unit_test(cgtrim_step_rate_limit),
		cmocka_unit_test(cgtrim_step_psi_from_total),
		cmocka_unit_test(cgtrim_step_psi_backwards),
		cmocka_unit_test(cgtrim_step_vanished),
		cmocka_unit_test(cgtrim_step_floor),
		cmocka_unit_test(cgtrim_sync),
		cmocka_unit_test(cgtrim_sync_full),
		cmocka_unit_test(cgtrim_io_expand_read),
		cmocka_unit_test(cgtrim_io_writer),
		cmocka_unit_test(cgtrim_io_writer_interrupted),
	};
	TEST_SUITE_BODY(tests);
}
