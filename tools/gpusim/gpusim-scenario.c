// SPDX-License-Identifier: MIT
/*
 * gpusim-scenario: the "many tabs" scenario on the gpusim simulated GPU.
 *
 *   gpusim-scenario [-d NODE] [-s SEED] [-c CLIENTS] [-a ACTIVE] [-w SIZE]
 *                   [-H SIZE] [-p PERIOD_MS] [-f FRAME_MS] [-t SECONDS]
 *                   [-F HOT] [-b EVERY] [-R] [-W SECONDS] [-A SIZE [-G CGROUP]]
 *                   [-V] [-q]
 *
 * A browser or compositor session: a coordinator forks CLIENTS client
 * processes. Each opens the render node itself, creates its own VM, a
 * working set of BOs of mixed sizes (textures 256 KiB..4 MiB, vertex
 * buffers 64..256 KiB, chosen from the seed) summing to -w bytes, and a
 * tiler heap of -H bytes (64 KiB DISCARD_ON_RECLAIM chunks grown with
 * HEAP_GROW). BO content is "sparse" (pattern bytes at the start of each
 * page, zeros after; see libgpusim.h), so zram swap holds it cheaply.
 *
 * Duty cycle: ACTIVE clients are in the foreground at a time, the next
 * ACTIVE live clients in round robin every PERIOD_MS; the others are idle
 * (no job, no CPU access; they sleep in read() on their command pipe). A
 * client that becomes active first verifies every page of every BO with
 * GPU VERIFY jobs, so that corruption by swap-out and restore cannot hide,
 * then runs a frame every FRAME_MS while active: refill the whole heap and
 * check it in the same jobs (heap content is scratch: never checked across
 * an idle period, where reclaim may discard it), refill two BOs with the
 * next generation of their pattern, verify two other BOs.
 *
 * Every job a client submits while active is timed from just before the
 * submit ioctl to its completion; clients keep a latency histogram (and
 * their counters) in memory shared with the coordinator, which reports
 * percentiles over all of them. Setup jobs (the first fill, heap growth)
 * are not counted.
 *
 * With -F HOT, the first HOT clients are the tabs one keeps switching
 * between: the foreground rotates over them, and only every EVERY-th
 * rotation (-b, default 4) gives one foreground slot to the next of the
 * other, background clients, which are otherwise idle for long stretches.
 * Without -F every client takes its turn in plain round robin.
 *
 * Which background client gets that slot: by default the next one in a
 * fixed cycle (the adversarial case for an LRU: the next to come back is
 * always the one idle longest). With -R, the way people return to browser
 * tabs: a revisit with probability 58%, else a "new" visit, here the
 * background client idle longest. A revisit picks the client at recency
 * rank k (1: the background client visited last) with a probability
 * proportional to 1/k. Both figures follow Tauscher and Greenberg, "How
 * people revisit web pages: empirical findings and implications for the
 * design of history systems", Int. J. Human-Computer Studies 47 (1997):
 * 58% of page visits were revisits, and the chance of a revisit falls off
 * steeply with the page's distance in the recency (LRU) list. Draws come
 * from -s SEED.
 *
 * With -W SECONDS, the steady state starts that long after the set-up (the
 * run's first -t second): jobs submitted from then on are also counted in a
 * histogram of their own, reported as the steady_* keys with the window's
 * bounds, so that a benchmark can leave the set-up's restores out.
 *
 * With -A, an allocator process holds SIZE bytes of anonymous memory (64
 * pattern bytes per page, zeros after), touching and checking every page
 * once every ANON_SWEEP_MS. With -G, it first moves itself into the cgroup
 * v2 directory CGROUP, so that its memory (and its swap-ins, as major
 * faults in CGROUP's memory.stat) is told apart from the clients'.
 *
 * With -V, when the run ends each client verifies every BO once more on
 * the GPU (covering its last idle stretch, and clients the rotation never
 * reached), then reads every word of every BO through mmap (the zeros too,
 * which GPU VERIFY jobs do not cover). This brings the whole working set
 * back, so benchmarks leave it off: without -V, what happens to a client's
 * BOs after its last activation is not checked.
 *
 * The coordinator sets its oom_score_adj to -1000 so that it survives to
 * report; the children set theirs back to 0, so the OOM killer may pick
 * them. A client killed by a signal is counted and not restarted; the
 * scenario goes on with the others. So is a client that an allocation
 * fails with ENOMEM (a BO's pages, a VM bind, its own buffers): without
 * reclaim that is how a full machine answers, not a device error.
 *
 * Output, key=value lines on stdout: the parameters first ("scenario
 * seed=..."), "progress ..." every 5 s unless -q, then jobs, activations,
 * verified_bytes (bytes of the BOs whose every page was checked),
 * cpu_checked_bytes (-V), bg_visits and bg_revisits (-R), job_lat_p50_us,
 * job_lat_p99_us, job_lat_max_us, with -W steady_start_ms and
 * steady_end_ms (from the program's start), steady_jobs,
 * steady_lat_p50_us, steady_lat_p99_us and steady_lat_max_us, then
 * mismatches, clients_killed, clients_nomem (out of memory), anon_killed,
 * elapsed_ms (setup included) and "result=pass" or "result=fail
 * reason=...". Diagnostics go to stderr.
 * Exit status: 0 pass, 1 check failed (a mismatch, a process killed or out
 * of memory), 2 usage, 3 device or ioctl error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libgpusim.h"

#define EXIT_CHECK	1
#define EXIT_USAGE	2
#define EXIT_DEVICE	3
#define EXIT_NOMEM	4	/* a client's, to the coordinator only */

#define SC_MAX_CLIENTS		256
#define SC_MAX_WS		(1ull << 30)	/* working set per client */
#define SC_HEAP_CHUNK		(64u << 10)
#define SC_MAX_HEAP		(4096ull * SC_HEAP_CHUNK)
#define SC_VA_BASE		0x100000000ull
#define SC_PROGRESS_MS		5000
#define SC_ANON_SWEEP_MS	5000
#define SC_REFILL_PER_FRAME	2
#define SC_VERIFY_PER_FRAME	2

/* Commands on a client's pipe, coordinator to client. */
#define SC_CMD_ACTIVE	'A'
#define SC_CMD_IDLE	'I'
#define SC_CMD_QUIT	'Q'

/*
 * Latency histogram in microseconds: values below SC_LAT_SUB exact, then
 * SC_LAT_SUB buckets per power of two (at most 1/32 = 3% wide).
 */
#define SC_LAT_SUB_BITS	5
#define SC_LAT_SUB	(1u << SC_LAT_SUB_BITS)
#define SC_LAT_BUCKETS	(SC_LAT_SUB * 40)

struct sc_opts {
	const char *node;
	uint64_t seed;
	uint32_t clients;
	uint32_t active;
	uint64_t ws;
	uint64_t heap;
	uint32_t period_ms;
	uint32_t frame_ms;
	uint32_t seconds;
	uint32_t hot;		/* -F: clients 0..hot-1 rotate in the foreground */
	uint32_t bg_every;	/* -b: every bg_every-th rotation a background one */
	int recency;		/* -R: background visits by recency, not a cycle */
	uint32_t warmup_s;	/* -W: the steady state starts this long in */
	int steady;		/* -W given */
	uint64_t anon;
	const char *anon_cgroup;	/* -G */
	int cpu_check;
	int quiet;
};

/*
 * Per-process counters in memory shared by all processes. Each child
 * writes only its own slot (relaxed atomic stores); the coordinator reads
 * them while the children run (progress) and after they are reaped.
 */
struct sc_stats {
	uint64_t jobs;
	uint64_t activations;
	uint64_t verified_bytes;
	uint64_t cpu_checked_bytes;
	uint64_t mismatches;
	uint64_t lat_max_us;
	uint32_t ready;
	uint32_t pad;
	uint64_t lat[SC_LAT_BUCKETS];
	/* -W: the coordinator's stamp (0: not yet), then jobs from it on */
	uint64_t steady_from_ns;
	uint64_t ss_jobs;
	uint64_t ss_lat_max_us;
	uint64_t ss_lat[SC_LAT_BUCKETS];
};

struct sc_bo {
	uint32_t handle;
	uint32_t gen;		/* pattern generation: the seed is bo_seed(gen) */
	uint64_t va;
	uint64_t size;
};

/* A client process's state. */
struct sc_client {
	const struct sc_opts *o;
	uint32_t idx;
	int cmd_fd;
	struct gpusim_dev dev;
	uint32_t vm;
	uint64_t cseed;
	struct sc_bo *bos;
	uint32_t nbos;
	uint32_t heap_chunks;
	uint64_t heap_va;
	uint64_t frame;
	uint32_t next_refill;
	uint32_t next_verify;
	struct drm_gpusim_cmd *cmds;
	struct sc_stats *st;
	unsigned int reports;
};

/* A child as the coordinator sees it. */
struct sc_child {
	pid_t pid;
	int cmd_fd;		/* write end of its command pipe, -1 for none */
	int alive;
	int active;
};

static void usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "gpusim-scenario: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nusage: gpusim-scenario [-d NODE] [-s SEED] [-c CLIENTS] [-a ACTIVE]"
		" [-w SIZE] [-H SIZE]\n"
		"                       [-p PERIOD_MS] [-f FRAME_MS] [-t SECONDS] [-F HOT] [-b EVERY]\n"
		"                       [-R] [-W SECONDS] [-A SIZE [-G CGROUP]] [-V] [-q]\n"
		"  defaults: -s 1 -c 12 -a 2 -w 24M -H 4M -p 2000 -f 50 -t 60 -b 4 -A 0 (-F: all rotate;"
		" -W: no steady-state figures); sizes take K, M, G\n");
	exit(EXIT_USAGE);
}

static uint64_t sc_size_arg(const char *opt, const char *s, uint64_t min, uint64_t max)
{
	uint64_t v;

	if (gpusim_parse_size(s, &v))
		usage_error("%s: malformed or too large size", s);
	if (v < min || v > max) {
		fprintf(stderr, "gpusim-scenario: %s %s: out of range %" PRIu64 "..%" PRIu64
			" bytes\n", opt, s, min, max);
		usage_error("%s: bad value", opt);
	}
	return (v + GPUSIM_PAGE - 1) & ~(uint64_t)(GPUSIM_PAGE - 1);
}

static uint32_t sc_num_arg(const char *opt, const char *s, uint32_t min, uint32_t max)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		usage_error("%s: not a number", s);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end || errno)
		usage_error("%s: malformed or too large number", s);
	if (v < min || v > max) {
		fprintf(stderr, "gpusim-scenario: %s %s: out of range %u..%u\n", opt, s, min, max);
		usage_error("%s: bad value", opt);
	}
	return (uint32_t)v;
}

static void sc_parse(int argc, char **argv, struct sc_opts *o)
{
	int opt;

	*o = (struct sc_opts){
		.seed = 1, .clients = 12, .active = 2, .ws = 24ull << 20,
		.heap = 4ull << 20, .period_ms = 2000, .frame_ms = 50, .seconds = 60,
		.bg_every = 4,
	};
	opterr = 0;
	while ((opt = getopt(argc, argv, ":d:s:c:a:w:H:p:f:t:F:b:RW:A:G:Vq")) != -1) {
		switch (opt) {
		case 'd':
			if (!*optarg || strlen(optarg) >= sizeof(((struct gpusim_dev *)0)->path))
				usage_error("-d %s: empty or too long", optarg);
			o->node = optarg;
			break;
		case 's':
			if (gpusim_parse_size(optarg, &o->seed) || strpbrk(optarg, "KkMmGg"))
				usage_error("-s %s: not a 64-bit number", optarg);
			break;
		case 'c': o->clients = sc_num_arg("-c", optarg, 1, SC_MAX_CLIENTS); break;
		case 'a': o->active = sc_num_arg("-a", optarg, 1, SC_MAX_CLIENTS); break;
		case 'w': o->ws = sc_size_arg("-w", optarg, 1, SC_MAX_WS); break;
		case 'H': o->heap = sc_size_arg("-H", optarg, 0, SC_MAX_HEAP); break;
		case 'p': o->period_ms = sc_num_arg("-p", optarg, 10, 3600000); break;
		case 'f': o->frame_ms = sc_num_arg("-f", optarg, 1, 60000); break;
		case 't': o->seconds = sc_num_arg("-t", optarg, 1, 86400); break;
		case 'A': o->anon = sc_size_arg("-A", optarg, 0, 1ull << 40); break;
		case 'F': o->hot = sc_num_arg("-F", optarg, 1, SC_MAX_CLIENTS); break;
		case 'b': o->bg_every = sc_num_arg("-b", optarg, 1, 1000); break;
		case 'R': o->recency = 1; break;
		case 'W':
			o->warmup_s = sc_num_arg("-W", optarg, 0, 86400);
			o->steady = 1;
			break;
		case 'G':
			if (!*optarg)
				usage_error("%s", "-G needs a cgroup directory");
			o->anon_cgroup = optarg;
			break;
		case 'V': o->cpu_check = 1; break;
		case 'q': o->quiet = 1; break;
		case ':': usage_error("option -%s needs a value", (char[]){ (char)optopt, 0 }); break;
		default: usage_error("unknown option -%s", (char[]){ (char)optopt, 0 }); break;
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (o->active > o->clients)
		usage_error("%s", "-a ACTIVE must not exceed -c CLIENTS");
	if (o->hot && (o->hot < o->active || o->hot >= o->clients))
		usage_error("%s", "-F HOT must be at least -a ACTIVE and less than -c CLIENTS");
	if (o->recency && !o->hot)
		usage_error("%s", "-R needs -F HOT (it picks among the background clients)");
	if (o->steady && o->warmup_s >= o->seconds)
		usage_error("%s", "-W SECONDS must be less than -t SECONDS (no steady state left)");
	if (o->anon_cgroup) {
		char path[4096];

		if (!o->anon)
			usage_error("%s", "-G needs -A SIZE (it places the allocator)");
		if (snprintf(path, sizeof(path), "%s/cgroup.procs", o->anon_cgroup) >=
		    (int)sizeof(path))
			usage_error("-G %s: path too long", o->anon_cgroup);
		if (access(path, W_OK)) {
			fprintf(stderr, "gpusim-scenario: -G %s: %s\n", path, strerror(errno));
			usage_error("-G %s: not a cgroup v2 directory we may join", o->anon_cgroup);
		}
	}
}

static uint64_t sc_now_ms(void)
{
	return gpusim_now_ns() / 1000000;
}

static void sc_sleep_until_ms(uint64_t t_ms)
{
	struct timespec ts = {
		.tv_sec = (time_t)(t_ms / 1000), .tv_nsec = (long)(t_ms % 1000) * 1000000,
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Best effort: the guest runs us as root; elsewhere the default stays. */
static void sc_set_oom_score_adj(const char *value)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, value, strlen(value)) < 0)
		fprintf(stderr, "gpusim-scenario: oom_score_adj %s: %s\n", value, strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* Children die with the coordinator instead of running on unattended. */
static void sc_child_init(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(EXIT_DEVICE);
	sc_set_oom_score_adj("0");
	signal(SIGPIPE, SIG_DFL);
}

/* histogram ---------------------------------------------------------------- */

static unsigned int sc_lat_bucket(uint64_t us)
{
	unsigned int e, idx;

	if (us < SC_LAT_SUB)
		return (unsigned int)us;
	e = 63 - (unsigned int)__builtin_clzll(us);
	idx = (e - SC_LAT_SUB_BITS + 1) * SC_LAT_SUB +
	      (unsigned int)((us >> (e - SC_LAT_SUB_BITS)) & (SC_LAT_SUB - 1));
	return idx < SC_LAT_BUCKETS ? idx : SC_LAT_BUCKETS - 1;
}

/* The middle of bucket @idx, in microseconds. */
static uint64_t sc_lat_value(unsigned int idx)
{
	unsigned int e;

	if (idx < SC_LAT_SUB)
		return idx;
	e = idx / SC_LAT_SUB + SC_LAT_SUB_BITS - 1;
	return ((uint64_t)(SC_LAT_SUB + idx % SC_LAT_SUB) << (e - SC_LAT_SUB_BITS)) +
	       ((1ull << (e - SC_LAT_SUB_BITS)) >> 1);
}

/* The @pct percentile of @hist (@total samples), at most @max. */
static uint64_t sc_lat_percentile(const uint64_t *hist, uint64_t total, unsigned int pct,
				  uint64_t max)
{
	uint64_t rank = (total * pct + 99) / 100, seen = 0;
	unsigned int i;

	if (!total)
		return 0;
	for (i = 0; i < SC_LAT_BUCKETS; i++) {
		seen += hist[i];
		if (seen >= rank)
			break;
	}
	return sc_lat_value(i) < max ? sc_lat_value(i) : max;
}

static void sc_add(uint64_t *counter, uint64_t n)
{
	__atomic_store_n(counter, __atomic_load_n(counter, __ATOMIC_RELAXED) + n,
			 __ATOMIC_RELAXED);
}

static uint64_t sc_get(const uint64_t *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

/* client ------------------------------------------------------------------- */

static uint64_t sc_rand(uint64_t *state)
{
	return gpusim_pattern((*state)++, 0x7ab5);
}

static uint64_t sc_bo_seed(const struct sc_client *c, uint32_t b, uint32_t gen)
{
	return gpusim_pattern(gpusim_pattern(c->cseed, b), gen);
}

static void __attribute__((noreturn)) sc_client_die(struct sc_client *c, const char *what,
						    int err)
{
	fprintf(stderr, "gpusim-scenario: client %u: %s: %s\n", c->idx, what, strerror(-err));
	_exit(err == -ENOMEM ? EXIT_NOMEM : EXIT_DEVICE);
}

/*
 * Run @n commands in jobs of at most GPUSIM_MAX_CMDS commands. A job that
 * stops on a mismatch or a fault counts one mismatch and the rest of its
 * commands is resubmitted. @timed: count the jobs and their latency.
 */
static void sc_run(struct sc_client *c, const struct drm_gpusim_cmd *cmds, size_t n,
		   int timed)
{
	size_t i = 0;

	while (i < n) {
		uint32_t count = n - i > GPUSIM_MAX_CMDS ? GPUSIM_MAX_CMDS : (uint32_t)(n - i);
		struct drm_gpusim_job_wait w;
		uint64_t t0, us;
		uint32_t job;
		int ret;

		t0 = gpusim_now_ns();
		ret = gpusim_submit(&c->dev, c->vm, cmds + i, count, 0, 0, &job);
		if (ret)
			sc_client_die(c, "submit", ret);
		ret = gpusim_job_wait(&c->dev, job, -1, &w);
		if (ret)
			sc_client_die(c, "job wait", ret);
		if (timed) {
			uint64_t from = sc_get(&c->st->steady_from_ns);

			us = (gpusim_now_ns() - t0) / 1000;
			sc_add(&c->st->jobs, 1);
			sc_add(&c->st->lat[sc_lat_bucket(us)], 1);
			if (us > sc_get(&c->st->lat_max_us))
				__atomic_store_n(&c->st->lat_max_us, us, __ATOMIC_RELAXED);
			if (from && t0 >= from) {
				sc_add(&c->st->ss_jobs, 1);
				sc_add(&c->st->ss_lat[sc_lat_bucket(us)], 1);
				if (us > sc_get(&c->st->ss_lat_max_us))
					__atomic_store_n(&c->st->ss_lat_max_us, us,
							 __ATOMIC_RELAXED);
			}
		}
		switch (w.status) {
		case DRM_GPUSIM_JOB_DONE:
			i += count;
			continue;
		case DRM_GPUSIM_JOB_MISMATCH:
		case DRM_GPUSIM_JOB_FAULT:
			sc_add(&c->st->mismatches, 1);
			if (c->reports++ < 5)
				fprintf(stderr, "gpusim-scenario: client %u: %s va=0x%" PRIx64
					" expected=0x%" PRIx64 " actual=0x%" PRIx64 " frame=%" PRIu64
					"\n", c->idx, gpusim_job_status_name(w.status),
					(uint64_t)w.fault_va, (uint64_t)w.expected,
					(uint64_t)w.actual, c->frame);
			i += w.failed_cmd + 1;
			continue;
		default:
			sc_client_die(c, gpusim_job_status_name(w.status), -(int)(w.error ?: EIO));
		}
	}
}

static void sc_bo_fill(struct sc_client *c, uint32_t b, int timed)
{
	struct sc_bo *bo = &c->bos[b];
	size_t n = gpusim_sparse_cmds(c->cmds, DRM_GPUSIM_CMD_FILL, bo->va, bo->size,
				      sc_bo_seed(c, b, bo->gen));

	sc_run(c, c->cmds, n, timed);
}

static void sc_bo_verify(struct sc_client *c, uint32_t b)
{
	struct sc_bo *bo = &c->bos[b];
	size_t n = gpusim_sparse_cmds(c->cmds, DRM_GPUSIM_CMD_VERIFY, bo->va, bo->size,
				      sc_bo_seed(c, b, bo->gen));

	sc_run(c, c->cmds, n, 1);
	sc_add(&c->st->verified_bytes, bo->size);
}

/*
 * The heap is scratch: fill it with this frame's pattern and check it in
 * the same jobs (each job fills and checks 128 pages), while the VM is
 * busy, so reclaim can not discard it in between.
 */
static void sc_heap_frame(struct sc_client *c)
{
	uint64_t sd = gpusim_pattern(c->cseed ^ 0x4ea9, c->frame);
	uint64_t pages = (uint64_t)c->heap_chunks * SC_HEAP_CHUNK / GPUSIM_PAGE, p;
	const uint64_t per_job = GPUSIM_MAX_CMDS / 2;

	for (p = 0; p < pages; p += per_job) {
		uint64_t np = pages - p < per_job ? pages - p : per_job;
		uint64_t va = c->heap_va + p * GPUSIM_PAGE, off = p * GPUSIM_PAGE;
		size_t n = gpusim_sparse_cmds(c->cmds, DRM_GPUSIM_CMD_FILL, va,
					      np * GPUSIM_PAGE, sd), k;

		for (k = 0; k < n; k++)
			c->cmds[k].pattern_offset += off;
		memcpy(c->cmds + n, c->cmds, n * sizeof(*c->cmds));
		for (k = n; k < 2 * n; k++)
			c->cmds[k].op = DRM_GPUSIM_CMD_VERIFY;
		sc_run(c, c->cmds, 2 * n, 1);
	}
}

static void sc_frame(struct sc_client *c)
{
	uint32_t i;

	c->frame++;
	if (c->heap_chunks)
		sc_heap_frame(c);
	for (i = 0; i < SC_REFILL_PER_FRAME && i < c->nbos; i++) {
		uint32_t b = c->next_refill++ % c->nbos;

		c->bos[b].gen++;
		sc_bo_fill(c, b, 1);
	}
	for (i = 0; i < SC_VERIFY_PER_FRAME && i < c->nbos; i++)
		sc_bo_verify(c, c->next_verify++ % c->nbos);
}

static void sc_client_setup(struct sc_client *c)
{
	const struct sc_opts *o = c->o;
	struct drm_gpusim_vm_create vc;
	uint64_t rng = c->cseed, left = o->ws, va = SC_VA_BASE, max_page_cmds = 0;
	uint32_t b, cap = 16;
	int ret;

	ret = gpusim_open(&c->dev, o->node);
	if (ret)
		sc_client_die(c, "open", ret);
	c->heap_chunks = (uint32_t)(o->heap / SC_HEAP_CHUNK);
	ret = gpusim_vm_create_heap(&c->dev, SC_HEAP_CHUNK, c->heap_chunks ?: 1, &vc);
	if (ret)
		sc_client_die(c, "vm create", ret);
	c->vm = vc.vm_id;
	c->heap_va = vc.heap_va;

	c->bos = calloc(cap, sizeof(*c->bos));
	if (!c->bos)
		sc_client_die(c, "alloc", -ENOMEM);
	while (left) {
		uint64_t r = sc_rand(&rng), size;

		if (r % 3 == 0)	/* vertex buffer, 64..256 KiB */
			size = (64ull << 10) + (r >> 8) % 49 * GPUSIM_PAGE;
		else		/* texture, 256 KiB..4 MiB */
			size = (256ull << 10) + (r >> 8) % 61 * (64ull << 10);
		if (size > left)
			size = left;
		if (c->nbos == cap) {
			struct sc_bo *nb = realloc(c->bos, 2 * cap * sizeof(*nb));

			if (!nb)
				sc_client_die(c, "alloc", -ENOMEM);
			c->bos = nb;
			cap *= 2;
		}
		c->bos[c->nbos] = (struct sc_bo){ .va = va, .size = size };
		va += size + (64ull << 10);	/* a guard gap */
		left -= size;
		if (size / GPUSIM_PAGE > max_page_cmds)
			max_page_cmds = size / GPUSIM_PAGE;
		c->nbos++;
	}
	if (max_page_cmds < GPUSIM_MAX_CMDS)
		max_page_cmds = GPUSIM_MAX_CMDS;
	c->cmds = calloc(max_page_cmds, sizeof(*c->cmds));
	if (!c->cmds)
		sc_client_die(c, "alloc", -ENOMEM);

	for (b = 0; b < c->nbos; b++) {
		struct sc_bo *bo = &c->bos[b];

		ret = gpusim_bo_create(&c->dev, bo->size, 0, &bo->handle);
		if (ret)
			sc_client_die(c, "bo create", ret);
		ret = gpusim_vm_map(&c->dev, c->vm, bo->handle, 0, bo->va, bo->size);
		if (ret)
			sc_client_die(c, "vm bind", ret);
		sc_bo_fill(c, b, 0);
	}
	if (c->heap_chunks) {
		struct drm_gpusim_cmd grow = {
			.op = DRM_GPUSIM_CMD_HEAP_GROW, .size = c->heap_chunks,
		};

		sc_run(c, &grow, 1, 0);
	}
}

/*
 * Read what the coordinator sent (at least one byte: blocks while there is
 * none). Returns the command that decides: QUIT if any, else the last one.
 */
static int sc_read_cmd(struct sc_client *c)
{
	char buf[64];
	ssize_t n, i;

	do
		n = read(c->cmd_fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return SC_CMD_QUIT;	/* the coordinator is gone */
	for (i = 0; i < n; i++)
		if (buf[i] == SC_CMD_QUIT)
			return SC_CMD_QUIT;
	return buf[n - 1];
}

/* Active: verify everything, then frames until told otherwise. */
static int sc_client_active(struct sc_client *c)
{
	uint64_t next = sc_now_ms();
	uint32_t b;

	sc_add(&c->st->activations, 1);
	for (b = 0; b < c->nbos; b++)
		sc_bo_verify(c, b);
	for (;;) {
		struct pollfd pfd = { .fd = c->cmd_fd, .events = POLLIN };
		uint64_t now = sc_now_ms();
		int ret, cmd;

		ret = poll(&pfd, 1, next > now ? (int)(next - now) : 0);
		if (ret < 0 && errno != EINTR)
			sc_client_die(c, "poll", -errno);
		if (ret > 0) {
			cmd = sc_read_cmd(c);
			if (cmd != SC_CMD_ACTIVE)
				return cmd;
			continue;
		}
		if (ret == 0) {
			sc_frame(c);
			next += c->o->frame_ms;
			now = sc_now_ms();
			if (next < now)
				next = now;	/* late: no burst of frames to catch up */
		}
	}
}

/*
 * -V: a last GPU verify of every BO (what changed during the client's last
 * idle stretch, or a client the rotation never reached), then every word
 * of every BO through mmap, zeros included.
 */
static void sc_client_final_check(struct sc_client *c)
{
	uint32_t b;

	for (b = 0; b < c->nbos; b++)
		sc_bo_verify(c, b);
	for (b = 0; b < c->nbos; b++) {
		struct sc_bo *bo = &c->bos[b];
		uint64_t bad, first = 0;
		void *p;
		int ret;

		ret = gpusim_bo_mmap(&c->dev, bo->handle, bo->size, &p);
		if (ret)
			sc_client_die(c, "mmap", ret);
		bad = gpusim_sparse_cpu_check(p, bo->size, sc_bo_seed(c, b, bo->gen), &first);
		munmap(p, bo->size);
		if (bad) {
			sc_add(&c->st->mismatches, 1);
			fprintf(stderr, "gpusim-scenario: client %u: BO %u: %" PRIu64
				" words differ through mmap, the first at offset 0x%" PRIx64 "\n",
				c->idx, b, bad, first);
		}
		sc_add(&c->st->cpu_checked_bytes, bo->size);
	}
}

static void __attribute__((noreturn)) sc_client_main(const struct sc_opts *o, uint32_t idx,
						     int cmd_fd, int ready_fd,
						     struct sc_stats *st)
{
	struct sc_client c = {
		.o = o, .idx = idx, .cmd_fd = cmd_fd, .st = st,
		.cseed = gpusim_pattern(o->seed, 0x100000 + idx),
	};
	int cmd;

	sc_child_init();
	sc_client_setup(&c);
	__atomic_store_n(&st->ready, 1, __ATOMIC_RELEASE);
	if (write(ready_fd, "r", 1) < 0)
		sc_client_die(&c, "ready pipe", -errno);
	close(ready_fd);

	for (cmd = sc_read_cmd(&c); cmd != SC_CMD_QUIT; ) {
		if (cmd == SC_CMD_ACTIVE)
			cmd = sc_client_active(&c);
		else
			cmd = sc_read_cmd(&c);	/* idle: sleep in read() */
	}
	if (o->cpu_check)
		sc_client_final_check(&c);
	gpusim_close(&c.dev);
	_exit(0);
}

/* anonymous memory ---------------------------------------------------------- */

/* -G: move the calling process into @dir before it touches any memory. */
static void sc_join_cgroup(const char *dir)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0\n", 2) != 2) {
		fprintf(stderr, "gpusim-scenario: allocator: join %s: %s\n", path, strerror(errno));
		_exit(EXIT_DEVICE);
	}
	close(fd);
}

static void __attribute__((noreturn)) sc_anon_main(const struct sc_opts *o, int ready_fd,
						   struct sc_stats *st)
{
	uint64_t pages = o->anon / GPUSIM_PAGE, chunk = 256, p, sd = gpusim_pattern(o->seed, 0xa404);
	/* one sweep per ANON_SWEEP_MS, also when there is less than a chunk */
	uint64_t nap_us = (uint64_t)SC_ANON_SWEEP_MS * 1000 * (pages < chunk ? pages : chunk) /
			  (pages ? pages : 1);
	uint64_t *m;

	sc_child_init();
	if (o->anon_cgroup)
		sc_join_cgroup(o->anon_cgroup);
	m = mmap(NULL, o->anon, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		fprintf(stderr, "gpusim-scenario: anon mmap: %s\n", strerror(errno));
		_exit(EXIT_DEVICE);
	}
	gpusim_sparse_cpu_fill(m, o->anon, sd);
	__atomic_store_n(&st->ready, 1, __ATOMIC_RELEASE);
	if (write(ready_fd, "r", 1) < 0)
		_exit(EXIT_DEVICE);
	close(ready_fd);
	if (nap_us < 1000)
		nap_us = 1000;
	for (;;) {
		for (p = 0; p < pages; p++) {
			volatile uint64_t *w = m + p * (GPUSIM_PAGE / 8);

			if (w[1] != gpusim_pattern(sd, p * (GPUSIM_PAGE / 8) + 1)) {
				fprintf(stderr, "gpusim-scenario: anon page %" PRIu64
					" lost its content\n", p);
				sc_add(&st->mismatches, 1);
				_exit(EXIT_CHECK);
			}
			w[7]++;		/* touch: keep it dirty and recently used */
			if (p % chunk == chunk - 1)
				usleep((useconds_t)nap_us);
		}
		if (pages < chunk)
			usleep((useconds_t)nap_us);
	}
}

/* coordinator --------------------------------------------------------------- */

struct sc_coord {
	const struct sc_opts *o;
	struct sc_stats *stats;		/* clients[0..N), then the allocator */
	struct sc_child *child;		/* the same order */
	uint32_t nchild;
	uint32_t killed;
	uint32_t nomem;			/* clients out of memory */
	int anon_killed;
	int anon_stopping;
	int device_error;
	int check_error;
	uint32_t cursor;		/* next foreground candidate */
	uint32_t bg_cursor;		/* -F: next background client, from HOT */
	uint32_t rotation;
	/* -R: background clients, most recently visited first; draws */
	uint32_t bg_recent[SC_MAX_CLIENTS];
	uint64_t rng;
	uint32_t bg_visits, bg_revisits;	/* -R: draws, and revisits among them */
	uint64_t steady_start_ms, steady_end_ms;	/* -W: sc_now_ms() times */
	uint64_t stop_ms;		/* when the schedule ended */
};

static void sc_send(struct sc_child *ch, char cmd)
{
	if (ch->alive && ch->cmd_fd >= 0 && write(ch->cmd_fd, &cmd, 1) < 0 && errno != EPIPE)
		fprintf(stderr, "gpusim-scenario: command pipe: %s\n", strerror(errno));
}

/* Reap exited children; @block: wait for all of them. */
static void sc_reap(struct sc_coord *s, int block)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, block ? 0 : WNOHANG)) > 0) {
		uint32_t i;
		int is_anon;

		for (i = 0; i < s->nchild && s->child[i].pid != pid; i++)
			;
		if (i == s->nchild)
			continue;
		is_anon = i == s->o->clients;
		s->child[i].alive = 0;
		s->child[i].active = 0;
		if (s->child[i].cmd_fd >= 0)
			close(s->child[i].cmd_fd);
		s->child[i].cmd_fd = -1;
		if (WIFSIGNALED(status)) {
			if (is_anon && s->anon_stopping && WTERMSIG(status) == SIGTERM)
				continue;
			fprintf(stderr, "gpusim-scenario: %s %u (pid %d) killed by signal %d\n",
				is_anon ? "allocator" : "client", i, (int)pid, WTERMSIG(status));
			if (is_anon)
				s->anon_killed = 1;
			else
				s->killed++;
		} else if (WEXITSTATUS(status) == EXIT_CHECK) {
			s->check_error = 1;
		} else if (WEXITSTATUS(status) == EXIT_NOMEM && !is_anon) {
			fprintf(stderr, "gpusim-scenario: client %u (pid %d) out of memory\n", i,
				(int)pid);
			s->nomem++;
		} else if (WEXITSTATUS(status)) {
			fprintf(stderr, "gpusim-scenario: %s %u exited %d\n",
				is_anon ? "allocator" : "client", i, WEXITSTATUS(status));
			s->device_error = 1;
		}
	}
}

static int sc_all_ready(struct sc_coord *s)
{
	uint32_t i;

	for (i = 0; i < s->nchild; i++)
		if (s->child[i].alive && !__atomic_load_n(&s->stats[i].ready, __ATOMIC_ACQUIRE))
			return 0;
	return 1;
}

static void sc_wait_ready(struct sc_coord *s, int ready_fd)
{
	while (!sc_all_ready(s) && !s->device_error) {
		struct pollfd pfd = { .fd = ready_fd, .events = POLLIN };
		char buf[64];

		if (poll(&pfd, 1, 200) > 0 && read(ready_fd, buf, sizeof(buf)) < 0)
			break;
		sc_reap(s, 0);
	}
}

static pid_t sc_fork(struct sc_coord *s)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "gpusim-scenario: fork: %s\n", strerror(errno));
		s->device_error = 1;
	}
	return pid;
}

/* Start the allocator (if any) and wait until its memory is written. */
static void sc_start_anon(struct sc_coord *s, int ready_fd[2])
{
	uint32_t a = s->o->clients;
	pid_t pid;

	if (!s->o->anon)
		return;
	pid = sc_fork(s);
	if (pid == 0) {
		close(ready_fd[0]);
		sc_anon_main(s->o, ready_fd[1], &s->stats[a]);
	}
	if (pid < 0)
		return;
	s->child[a] = (struct sc_child){ .pid = pid, .cmd_fd = -1, .alive = 1 };
	sc_wait_ready(s, ready_fd[0]);
}

static void sc_start_clients(struct sc_coord *s, int ready_fd[2])
{
	uint32_t i, j;

	for (i = 0; i < s->o->clients && !s->device_error; i++) {
		int p[2];
		pid_t pid;

		if (pipe2(p, O_CLOEXEC)) {
			fprintf(stderr, "gpusim-scenario: pipe: %s\n", strerror(errno));
			s->device_error = 1;
			break;
		}
		pid = sc_fork(s);
		if (pid == 0) {
			/* Only our own read end: EOF when the coordinator goes. */
			for (j = 0; j < i; j++)
				if (s->child[j].cmd_fd >= 0)
					close(s->child[j].cmd_fd);
			close(p[1]);
			close(ready_fd[0]);
			sc_client_main(s->o, i, p[0], ready_fd[1], &s->stats[i]);
		}
		close(p[0]);
		if (pid < 0) {
			close(p[1]);
			break;
		}
		s->child[i] = (struct sc_child){ .pid = pid, .cmd_fd = p[1], .alive = 1 };
	}
	sc_wait_ready(s, ready_fd[0]);
}

/* The next ACTIVE live clients after the cursor become the active set. */
/*
 * Mark up to @want live clients of [first, first + count) that are not
 * marked yet, starting at *cursor (an index in that range) and moving it
 * past each one taken. Returns how many were marked.
 */
static uint32_t sc_pick(const struct sc_coord *s, uint32_t first, uint32_t count,
			uint32_t *cursor, int *next, uint32_t want)
{
	uint32_t k, i, picked = 0;

	for (k = 0; k < count && picked < want; k++) {
		i = first + (*cursor + k) % count;
		if (s->child[i].alive && !next[i]) {
			next[i] = 1;
			picked++;
			*cursor = (i - first + 1) % count;
		}
	}
	return picked;
}

/* Percent of background visits that are revisits (-R), after Tauscher and Greenberg. */
#define SC_REVISIT_PCT	58

/*
 * -R: mark up to @want live background clients not marked yet, each drawn
 * as the header comment says, and move each to the front of the recency
 * list. Returns how many were marked.
 */
static uint32_t sc_pick_recent(struct sc_coord *s, int *next, uint32_t want)
{
	uint32_t nbg = s->o->clients - s->o->hot, cand[SC_MAX_CLIENTS];
	uint32_t n, k, i, picked = 0;
	double w, sum, r;

	while (picked < want) {
		/* the live, unmarked ones in recency order (positions in bg_recent) */
		for (n = 0, i = 0; i < nbg; i++)
			if (s->child[s->bg_recent[i]].alive && !next[s->bg_recent[i]])
				cand[n++] = i;
		if (!n)
			break;
		k = n - 1;			/* a new visit: idle longest */
		s->bg_visits++;
		if (sc_rand(&s->rng) % 100 < SC_REVISIT_PCT) {
			s->bg_revisits++;
			for (sum = 0, i = 0; i < n; i++)
				sum += 1.0 / (i + 1);
			r = (double)(sc_rand(&s->rng) >> 11) / (double)(1ull << 53) * sum;
			for (k = 0, w = 1.0; k < n - 1 && r >= w; k++)
				r -= w, w = 1.0 / (k + 2);
		}
		i = s->bg_recent[cand[k]];
		memmove(&s->bg_recent[1], &s->bg_recent[0], cand[k] * sizeof(s->bg_recent[0]));
		s->bg_recent[0] = i;
		next[i] = 1;
		picked++;
	}
	return picked;
}

static void sc_rotate(struct sc_coord *s)
{
	uint32_t n = s->o->clients, want = s->o->active, hot = s->o->hot, i, picked, bg;
	int next[SC_MAX_CLIENTS] = { 0 };

	if (!hot) {
		sc_pick(s, 0, n, &s->cursor, next, want);
	} else {
		/* one background slot every bg_every-th rotation */
		bg = s->rotation++ % s->o->bg_every == 0;
		picked = sc_pick(s, 0, hot, &s->cursor, next, want - bg);
		if (s->o->recency)
			picked += sc_pick_recent(s, next, want - picked);
		else
			picked += sc_pick(s, hot, n - hot, &s->bg_cursor, next, want - picked);
		/* hot clients killed, or no background one left: fill up */
		sc_pick(s, 0, hot, &s->cursor, next, want - picked);
	}
	for (i = 0; i < n; i++)
		if (s->child[i].active && !next[i]) {
			sc_send(&s->child[i], SC_CMD_IDLE);
			s->child[i].active = 0;
		}
	for (i = 0; i < n; i++)
		if (next[i] && !s->child[i].active) {
			sc_send(&s->child[i], SC_CMD_ACTIVE);
			s->child[i].active = 1;
		}
}

struct sc_totals {
	uint64_t jobs, activations, verified_bytes, cpu_checked_bytes, mismatches, lat_max_us;
	uint64_t lat[SC_LAT_BUCKETS];
	uint64_t ss_jobs, ss_lat_max_us;
	uint64_t ss_lat[SC_LAT_BUCKETS];
};

static void sc_sum(const struct sc_coord *s, struct sc_totals *t)
{
	uint32_t i, k;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < s->nchild; i++) {
		const struct sc_stats *st = &s->stats[i];

		t->jobs += sc_get(&st->jobs);
		t->activations += sc_get(&st->activations);
		t->verified_bytes += sc_get(&st->verified_bytes);
		t->cpu_checked_bytes += sc_get(&st->cpu_checked_bytes);
		t->mismatches += sc_get(&st->mismatches);
		if (sc_get(&st->lat_max_us) > t->lat_max_us)
			t->lat_max_us = sc_get(&st->lat_max_us);
		for (k = 0; k < SC_LAT_BUCKETS; k++)
			t->lat[k] += sc_get(&st->lat[k]);
		t->ss_jobs += sc_get(&st->ss_jobs);
		if (sc_get(&st->ss_lat_max_us) > t->ss_lat_max_us)
			t->ss_lat_max_us = sc_get(&st->ss_lat_max_us);
		for (k = 0; k < SC_LAT_BUCKETS; k++)
			t->ss_lat[k] += sc_get(&st->ss_lat[k]);
	}
}

static void sc_progress(struct sc_coord *s, uint64_t t_ms)
{
	struct sc_totals t;
	uint32_t i;
	const char *sep = "";

	sc_sum(s, &t);
	printf("progress t=%" PRIu64 " active=", t_ms / 1000);
	for (i = 0; i < s->o->clients; i++)
		if (s->child[i].active) {
			printf("%s%u", sep, i);
			sep = ",";
		}
	printf(" jobs=%" PRIu64 " mismatches=%" PRIu64 " killed=%u\n", t.jobs, t.mismatches,
	       s->killed);
	fflush(stdout);
}

static void sc_schedule(struct sc_coord *s)
{
	uint64_t start = sc_now_ms(), end = start + (uint64_t)s->o->seconds * 1000;
	uint64_t next_switch = start, next_progress = start + SC_PROGRESS_MS;
	uint32_t i;

	/* -W: stamped now, so the window starts after the set-up whatever it took */
	if (s->o->steady) {
		s->steady_start_ms = start + (uint64_t)s->o->warmup_s * 1000;
		s->steady_end_ms = end;
		for (i = 0; i < s->nchild; i++)
			__atomic_store_n(&s->stats[i].steady_from_ns,
					 s->steady_start_ms * 1000000, __ATOMIC_RELAXED);
	}

	for (;;) {
		uint64_t now = sc_now_ms(), wake;

		sc_reap(s, 0);
		if (now >= end || s->device_error)
			break;
		if (now >= next_switch) {
			sc_rotate(s);
			next_switch += s->o->period_ms;
		}
		if (now >= next_progress) {
			if (!s->o->quiet)
				sc_progress(s, now - start);
			next_progress += SC_PROGRESS_MS;
		}
		wake = next_switch < next_progress ? next_switch : next_progress;
		if (wake > end)
			wake = end;
		/* Wake at least once a second to notice dead children. */
		if (wake > now + 1000)
			wake = now + 1000;
		sc_sleep_until_ms(wake);
	}
}

static void sc_stop(struct sc_coord *s)
{
	uint32_t i;

	for (i = 0; i < s->o->clients; i++)
		sc_send(&s->child[i], SC_CMD_QUIT);
	if (s->o->anon && s->child[s->o->clients].alive) {
		s->anon_stopping = 1;
		kill(s->child[s->o->clients].pid, SIGTERM);
	}
	sc_reap(s, 1);
}

int main(int argc, char **argv)
{
	struct sc_opts o;
	struct sc_coord s = { .o = &o };
	struct sc_totals t;
	struct gpusim_dev dev;
	uint64_t start = sc_now_ms();
	int ready_fd[2], ret;
	const char *reason = NULL;
	uint64_t samples = 0;
	uint32_t k;
	size_t shm_size;

	sc_parse(argc, argv, &o);
	/* no background client visited yet: the first "new" visit is HOT's */
	for (k = 0; o.hot && k < o.clients - o.hot; k++)
		s.bg_recent[k] = o.clients - 1 - k;
	s.rng = gpusim_pattern(o.seed, 0x7ec0);
	printf("scenario seed=%" PRIu64 " clients=%u active=%u working_set=%" PRIu64
	       " heap=%" PRIu64 " period_ms=%u frame_ms=%u seconds=%u hot=%u bg_every=%u"
	       " visits=%s anon=%" PRIu64 "\n", o.seed, o.clients, o.active, o.ws, o.heap,
	       o.period_ms, o.frame_ms, o.seconds, o.hot, o.bg_every,
	       o.recency ? "recency" : "cycle", o.anon);
	fflush(stdout);

	/* The device must be there before anything is started. */
	ret = gpusim_open(&dev, o.node);
	if (ret) {
		fprintf(stderr, "gpusim-scenario: open %s: %s\n", o.node ? o.node : "(gpusim)",
			strerror(-ret));
		printf("result=fail reason=device_error\n");
		return EXIT_DEVICE;
	}
	gpusim_close(&dev);

	sc_set_oom_score_adj("-1000");
	signal(SIGPIPE, SIG_IGN);
	s.nchild = o.clients + 1;
	shm_size = s.nchild * sizeof(*s.stats);
	s.stats = mmap(NULL, shm_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	s.child = calloc(s.nchild, sizeof(*s.child));
	if (s.stats == MAP_FAILED || !s.child || pipe2(ready_fd, O_CLOEXEC)) {
		fprintf(stderr, "gpusim-scenario: setup: %s\n", strerror(errno));
		printf("result=fail reason=device_error\n");
		return EXIT_DEVICE;
	}
	for (uint32_t i = 0; i < s.nchild; i++)
		s.child[i].cmd_fd = -1;

	sc_start_anon(&s, ready_fd);
	sc_start_clients(&s, ready_fd);
	close(ready_fd[1]);
	close(ready_fd[0]);
	fprintf(stderr, "gpusim-scenario: setup took %" PRIu64 " ms\n", sc_now_ms() - start);
	if (!s.device_error)
		sc_schedule(&s);
	s.stop_ms = sc_now_ms();
	sc_stop(&s);

	sc_sum(&s, &t);
	printf("jobs=%" PRIu64 "\n", t.jobs);
	printf("activations=%" PRIu64 "\n", t.activations);
	if (o.recency)
		printf("bg_visits=%u bg_revisits=%u\n", s.bg_visits, s.bg_revisits);
	printf("verified_bytes=%" PRIu64 "\n", t.verified_bytes);
	printf("cpu_checked_bytes=%" PRIu64 "\n", t.cpu_checked_bytes);
	/* ranks over the histogram's own total: a client killed between its
	 * job count and its histogram update leaves them one apart */
	for (k = 0; k < SC_LAT_BUCKETS; k++)
		samples += t.lat[k];
	printf("job_lat_p50_us=%" PRIu64 "\n", sc_lat_percentile(t.lat, samples, 50, t.lat_max_us));
	printf("job_lat_p99_us=%" PRIu64 "\n", sc_lat_percentile(t.lat, samples, 99, t.lat_max_us));
	printf("job_lat_max_us=%" PRIu64 "\n", t.lat_max_us);
	if (o.steady) {
		for (samples = 0, k = 0; k < SC_LAT_BUCKETS; k++)
			samples += t.ss_lat[k];
		/* a run cut short (device error) ends its window early */
		if (s.steady_end_ms > s.stop_ms)
			s.steady_end_ms = s.stop_ms;
		printf("steady_start_ms=%" PRIu64 " steady_end_ms=%" PRIu64 "\n",
		       s.steady_start_ms ? s.steady_start_ms - start : 0,
		       s.steady_end_ms ? s.steady_end_ms - start : 0);
		printf("steady_jobs=%" PRIu64 "\n", t.ss_jobs);
		printf("steady_lat_p50_us=%" PRIu64 "\n",
		       sc_lat_percentile(t.ss_lat, samples, 50, t.ss_lat_max_us));
		printf("steady_lat_p99_us=%" PRIu64 "\n",
		       sc_lat_percentile(t.ss_lat, samples, 99, t.ss_lat_max_us));
		printf("steady_lat_max_us=%" PRIu64 "\n", t.ss_lat_max_us);
	}
	printf("mismatches=%" PRIu64 "\n", t.mismatches);
	printf("clients_killed=%u\n", s.killed);
	printf("clients_nomem=%u\n", s.nomem);
	printf("anon_killed=%d\n", s.anon_killed);
	printf("elapsed_ms=%" PRIu64 "\n", sc_now_ms() - start);

	if (s.device_error)
		reason = "device_error";
	else if (t.mismatches || s.check_error)
		reason = "mismatches";
	else if (s.killed)
		reason = "client_killed";
	else if (s.nomem)
		reason = "client_out_of_memory";
	else if (s.anon_killed)
		reason = "anon_killed";
	if (reason)
		printf("result=fail reason=%s\n", reason);
	else
		printf("result=pass\n");
	munmap(s.stats, shm_size);
	free(s.child);
	return s.device_error ? EXIT_DEVICE : reason ? EXIT_CHECK : 0;
}
