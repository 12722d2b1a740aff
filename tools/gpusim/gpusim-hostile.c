// SPDX-License-Identifier: MIT
/*
 * gpusim-hostile: what a malicious or buggy client does to BOs under reclaim.
 *
 *   gpusim-hostile [-d /dev/dri/renderDN] [-s SEED] COMMAND [ARGS]
 *
 * The invariant every command checks: after reclaim, every CPU mapping (of
 * the DRM file or of an exported dma-buf) and every GPU mapping of a BO sees
 * that BO's own data word for word (or, for a discard-on-reclaim BO that
 * reclaim dropped, zeros), faulting the BO back if needed; never another
 * BO's page. Other BOs ("victims", created after reclaim so they get the
 * freed pages) are checked word for word by the CPU and by GPU VERIFY jobs.
 *
 * Prints "key=value" lines; the last line is "result=pass" or
 * "result=fail reason=...". Exit status: 0 pass, 1 check failed, 2 usage,
 * 3 device or ioctl error.
 *
 * Reclaim is forced by writing the debugfs "shrink" file of the first
 * /sys/kernel/debug/dri/<minor>/reclaim directory; commands that race take
 * a "shrink hammer" thread that writes it in a loop. The test sets the
 * policy chain and idle_threshold_ms (0) before; dmabuf-mmap sets the chain
 * itself (swapout, then discard) and restores it.
 *
 * Commands (sizes accept K, M, G):
 *   dmabuf-mmap SIZE VICTIMS [swapout|discard|both]
 *                  a BO (normal: policy swapout; discard-on-reclaim: policy
 *                  discard) mmapped through the DRM file and through its
 *                  exported dma-buf fd, touched, reclaimed; VICTIMS bytes
 *                  of other BOs are then created and filled (half by the
 *                  GPU, half by the CPU); the stale-looking mappings are
 *                  read, then written (the hostile write); victims, both
 *                  mappings and a GPU VERIFY are checked word for word,
 *                  twice (a second reclaim in between). A control BO, not
 *                  exported, must have been reclaimed (else the run proves
 *                  nothing).
 *   fork SIZE      mappings of both kinds inherited by a child; child and
 *                  parent write and verify, reclaim and victims in between;
 *                  the child exits while shrink requests run
 *   churn THREADS SECONDS [MAXSIZE [LIVE]]
 *                  THREADS threads each keep LIVE (default 4) BOs of up to
 *                  MAXSIZE (default 256K), 3 in 4 discard-on-reclaim, and
 *                  replace them one by one: create, make them resident (VM_BIND + GPU fill, or mmap
 *                  + CPU fill), verify some and close them, for SECONDS
 *   unmap-during-scan SECONDS
 *                  child processes munmap, close handles and fds with live
 *                  mappings, close the DRM file and exit while a shrink
 *                  hammer runs; a mapping whose handle or file was closed
 *                  still reads its BO's data
 *   share SIZE     a BO shared by two processes (dma-buf fd passed over a
 *                  unix socket) and three VMs on three DRM files, reclaimed
 *                  between fills and verifies on each side
 *   bind-storm SECONDS
 *                  VM_BIND map/unmap storms on one VM racing submits on it
 *                  and on a second VM sharing a BO, with a shrink hammer;
 *                  every job's data verified
 *   sizes          zero, odd, huge and out-of-range BO sizes, binds beyond
 *                  the BO, mmaps beyond the BO and at its end (DRM file and
 *                  dma-buf): the expected errno, nothing changed
 *   madvise-purge SIZE
 *                  a DONTNEED BO (DRM_IOCTL_GPUSIM_BO_MADVISE) reclaimed by
 *                  a shrink request is purged: WILLNEED says retained=0,
 *                  CPU reads SIGBUS, a GPU job on it faults, bind and
 *                  export fail, stats and the bos file count it discarded
 *   madvise-retain SIZE
 *                  DONTNEED then WILLNEED before reclaim: retained=1, and a
 *                  shrink swaps it out and every word reads back
 *   madvise-errors export of a DONTNEED BO, DONTNEED of an exported one,
 *                  bad madv, pad and handle, a discard-on-reclaim BO: the
 *                  expected errno, nothing changed
 *   madvise-race THREADS SECONDS
 *                  threads toggling DONTNEED/WILLNEED on their BOs, reading
 *                  them and replacing them, under a shrink hammer; every
 *                  BO last madvised WILLNEED with retained=1 holds its
 *                  pattern word for word
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xf86drm.h>

#include "libgpusim.h"
#include "tool.h"

#define VA_A	0x100000000ull
#define VA_B	0x200000000ull
#define VA_C	0x300000000ull
#define VA_VICTIM 0x1000000000ull
#define P	GPUSIM_PAGE

static struct gpusim_dev dev;
static uint64_t seed = 0x4057113;
static char shrink_path[512], policy_path[512];
static atomic_uint failures;

/* A check that does not stop the run: counted, reported at the end. */
static void bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void bad(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("FAILED ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
	atomic_fetch_add(&failures, 1);
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Reclaim control ------------------------------------------------------------ */

static void find_reclaim(void)
{
	glob_t g;

	if (!glob("/sys/kernel/debug/dri/*/reclaim/shrink", 0, NULL, &g) && g.gl_pathc)
		snprintf(shrink_path, sizeof(shrink_path), "%s", g.gl_pathv[0]);
	globfree(&g);
	if (!glob("/sys/class/drm/card*/device/reclaim/policy", 0, NULL, &g) && g.gl_pathc)
		snprintf(policy_path, sizeof(policy_path), "%s", g.gl_pathv[0]);
	globfree(&g);
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Ask for @pages now; returns what the request reclaimed (or -errno). */
static long shrink(unsigned long pages)
{
	char buf[64];
	ssize_t n;
	int fd, ret;

	if (!shrink_path[0])
		return -ENOENT;
	snprintf(buf, sizeof(buf), "%lu\n", pages);
	ret = write_file(shrink_path, buf);
	if (ret)
		return ret;
	fd = open(shrink_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

static char saved_policy[256];

static void policy_set(const char *chain)
{
	int fd;
	ssize_t n;

	if (!policy_path[0])
		return;
	if (!saved_policy[0]) {
		fd = open(policy_path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			n = read(fd, saved_policy, sizeof(saved_policy) - 1);
			saved_policy[n > 0 ? n : 0] = 0;
			close(fd);
		}
	}
	if (write_file(policy_path, chain))
		die("policy_write", -errno);
	printf("policy=%s\n", chain);
}

static void policy_restore(void)
{
	if (policy_path[0] && saved_policy[0])
		write_file(policy_path, saved_policy);
}

/* A thread that writes large requests to the shrink file until stopped. */
static pthread_t hammer_thread;
static atomic_int hammer_stop;
static atomic_long hammer_rounds, hammer_reclaimed;

static void *hammer_fn(void *arg)
{
	(void)arg;
	while (!atomic_load(&hammer_stop)) {
		long r = shrink(1000000);

		if (r > 0)
			atomic_fetch_add(&hammer_reclaimed, r);
		atomic_fetch_add(&hammer_rounds, 1);
		if (r == -ENOENT)
			usleep(10000);
	}
	return NULL;
}

static void hammer_start(void)
{
	atomic_store(&hammer_stop, 0);
	if (pthread_create(&hammer_thread, NULL, hammer_fn, NULL))
		die("pthread_create", -EAGAIN);
}

static void hammer_end(void)
{
	atomic_store(&hammer_stop, 1);
	pthread_join(hammer_thread, NULL);
	printf("shrink_rounds=%ld shrink_reclaimed_pages=%ld\n",
	       atomic_load(&hammer_rounds), atomic_load(&hammer_reclaimed));
}

/* Checks --------------------------------------------------------------------- */

/*
 * Word-for-word check of [p, p + size), holding bytes from @off of pattern
 * @s (@s == 0: zeros expected). With @zero_ok, a zero word is accepted too
 * (a discard-on-reclaim BO dropped at any point of the check). Returns the
 * mismatching words; prints the first.
 */
static uint64_t check_words(const char *what, const void *p, uint64_t size,
			    uint64_t s, uint64_t off, int zero_ok)
{
	const volatile uint64_t *w = p;
	uint64_t i, n = size / 8, badw = 0;

	for (i = 0; i < n; i++) {
		uint64_t want = s ? gpusim_pattern(s, off / 8 + i) : 0, got = w[i];

		if (got == want || (zero_ok && got == 0))
			continue;
		if (!badw)
			printf("%s_first_bad_offset=0x%" PRIx64 " %s_expected=0x%" PRIx64
			       " %s_actual=0x%" PRIx64 "\n", what, i * 8, what, want, what, got);
		badw++;
	}
	if (badw || !zero_ok)
		printf("%s_mismatches=%" PRIu64 "\n", what, badw);
	if (badw)
		bad("%s: %" PRIu64 " of %" PRIu64 " words wrong", what, badw, n);
	return badw;
}

static int job_ok(const char *what, const struct drm_gpusim_job_wait *w)
{
	if (w->status == DRM_GPUSIM_JOB_DONE)
		return 1;
	printf("%s_status=%s %s_fault_va=0x%" PRIx64 " %s_expected=0x%" PRIx64
	       " %s_actual=0x%" PRIx64 "\n", what, gpusim_job_status_name(w->status),
	       what, (uint64_t)w->fault_va, what, (uint64_t)w->expected, what,
	       (uint64_t)w->actual);
	bad("%s: job %s", what, gpusim_job_status_name(w->status));
	return 0;
}

static void gpu_fill(struct gpusim_dev *d, uint32_t vm, uint64_t va, uint64_t size,
		     uint64_t s, uint64_t off, const char *what)
{
	struct drm_gpusim_job_wait w;

	CHECK_CALL(gpusim_gpu_fill(d, vm, va, size, s, off, &w));
	job_ok(what, &w);
}

static void gpu_verify(struct gpusim_dev *d, uint32_t vm, uint64_t va, uint64_t size,
		       uint64_t s, uint64_t off, const char *what)
{
	struct drm_gpusim_job_wait w;

	CHECK_CALL(gpusim_gpu_verify(d, vm, va, size, s, off, &w));
	job_ok(what, &w);
}

static void *map_fd(int fd, uint64_t size, uint64_t off)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);

	if (p == MAP_FAILED)
		die("mmap", -errno);
	return p;
}

static int export_bo(struct gpusim_dev *d, uint32_t bo)
{
	int fd;

	if (drmPrimeHandleToFD(d->fd, bo, DRM_CLOEXEC | DRM_RDWR, &fd))
		die("prime_handle_to_fd", -errno);
	return fd;
}

static struct drm_gpusim_bo_query query(struct gpusim_dev *d, uint32_t bo)
{
	struct drm_gpusim_bo_query q;

	CHECK_CALL(gpusim_bo_query(d, bo, &q));
	return q;
}

/* Victims: BOs created after a reclaim, which may get the freed pages. */
struct victim {
	uint32_t bo;
	uint64_t size, seed, va;
	void *p;
};

static struct victim *victims_create(uint32_t vm, uint64_t total, uint64_t size,
				     uint64_t s, int *count)
{
	int n = (int)(total / size), i;
	struct victim *v;

	if (n < 2)
		n = 2;
	v = calloc((size_t)n, sizeof(*v));
	if (!v)
		die("calloc", -ENOMEM);
	for (i = 0; i < n; i++) {
		v[i].size = size;
		v[i].seed = s + 0x1000 * (uint64_t)(i + 1);
		v[i].va = VA_VICTIM + (uint64_t)i * size;
		CHECK_CALL(gpusim_bo_create(&dev, size, 0, &v[i].bo));
		CHECK_CALL(gpusim_vm_map(&dev, vm, v[i].bo, 0, v[i].va, size));
		CHECK_CALL(gpusim_bo_mmap(&dev, v[i].bo, size, &v[i].p));
		if (i & 1)
			gpusim_cpu_fill(v[i].p, size, v[i].seed, 0);
		else
			gpu_fill(&dev, vm, v[i].va, size, v[i].seed, 0, "victim_fill");
	}
	*count = n;
	printf("victims=%d victim_size=%" PRIu64 "\n", n, size);
	return v;
}

/* Check every victim by the CPU and the GPU; returns bad words/jobs. */
static uint64_t victims_check(uint32_t vm, struct victim *v, int n, const char *tag)
{
	unsigned int before = atomic_load(&failures);
	uint64_t words = 0;
	char what[64];
	int i;

	for (i = 0; i < n; i++) {
		uint64_t first = 0,
			 b = gpusim_cpu_verify(v[i].p, v[i].size, v[i].seed, 0, &first);
		struct drm_gpusim_job_wait w;

		if (b) {
			snprintf(what, sizeof(what), "%s_victim%d_cpu", tag, i);
			words += check_words(what, v[i].p, v[i].size, v[i].seed, 0, 0);
		}
		CHECK_CALL(gpusim_gpu_verify(&dev, vm, v[i].va, v[i].size, v[i].seed, 0, &w));
		snprintf(what, sizeof(what), "%s_victim%d_gpu", tag, i);
		job_ok(what, &w);
	}
	printf("%s_victim_cpu_bad_words=%" PRIu64 " %s_victim_failures=%u\n", tag, words,
	       tag, atomic_load(&failures) - before);
	return words + (atomic_load(&failures) - before);
}

static void victims_free(uint32_t vm, struct victim *v, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		munmap(v[i].p, v[i].size);
		CHECK_CALL(gpusim_vm_unmap(&dev, vm, v[i].va, v[i].size));
		CHECK_CALL(gpusim_bo_close(&dev, v[i].bo));
	}
	free(v);
}

static int finish(void)
{
	unsigned int f = atomic_load(&failures);

	printf("failures=%u\n", f);
	if (f)
		fail("checks_failed");
	printf("result=pass\n");
	return 0;
}

/* dmabuf-mmap ---------------------------------------------------------------- */

/* What a BO must read after reclaim: its data, or zeros if discarded. */
static uint64_t expect_seed(struct gpusim_dev *d, uint32_t bo, uint64_t s, const char *tag,
			    int *lost)
{
	struct drm_gpusim_bo_query q = query(d, bo);

	*lost = q.state == DRM_GPUSIM_BO_STATE_DISCARDED ||
		(q.flags & DRM_GPUSIM_BO_CONTENT_LOST);
	printf("%s_state=%s %s_content_lost=%d\n", tag, gpusim_bo_state_name(q.state), tag,
	       *lost);
	return *lost ? 0 : s;
}

/*
 * @no_offset: the client never asks for the BO's DRM mmap offset, and maps
 * it through the dma-buf fd only: the mapping then has no DRM fake offset
 * unless the export created one, so a reclaim that zaps the DRM offset's
 * range only would leave its PTEs behind.
 */
static void dmabuf_round(uint64_t size, uint64_t vtotal, int discard, int no_offset)
{
	const char *mode = discard ? "discard" : "swapout";
	uint32_t flags = discard ? DRM_GPUSIM_BO_DISCARD_ON_RECLAIM : 0;
	uint64_t sA = seed ^ (discard ? 0xd15c00000ull : 0x5a400000ull);
	uint64_t sC = sA + 1, sW = sA + 2, sW2 = sA + 3, expA, expC;
	struct drm_gpusim_bo_mmap_offset mo;
	struct drm_gpusim_bo_query q;
	uint32_t vm, A, C;
	struct victim *v;
	int fd, nv, lost, round;
	void *pm, *pd, *pc;
	long got;

	printf("mode=%s no_offset=%d size=%" PRIu64 " seed=0x%" PRIx64 "\n", mode,
	       no_offset, size, sA);
	policy_set(mode);
	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	CHECK_CALL(gpusim_bo_create(&dev, size, flags, &A));
	CHECK_CALL(gpusim_bo_create(&dev, size, flags, &C));
	CHECK_CALL(gpusim_vm_map(&dev, vm, A, 0, VA_A, size));
	CHECK_CALL(gpusim_vm_map(&dev, vm, C, 0, VA_C, size));
	CHECK_CALL(gpusim_bo_mmap(&dev, C, size, &pc));
	if (!no_offset)
		CHECK_CALL(gpusim_bo_mmap(&dev, A, size, &pm));
	fd = export_bo(&dev, A);
	pd = map_fd(fd, size, 0);
	if (no_offset)
		pm = pd;	/* the only CPU mapping of A */

	/* Touch both mappings of A (PTEs in both), and the control BO. */
	gpusim_cpu_fill(pm, size, sA, 0);
	check_words("initial_dmabuf", pd, size, sA, 0, 0);
	gpusim_cpu_fill((char *)pd + size / 2, size / 2, sA, size / 2);
	gpusim_cpu_fill(pc, size, sC, 0);
	gpu_verify(&dev, vm, VA_A, size, sA, 0, "initial_gpu");
	q = query(&dev, A);
	printf("exported_state=%s mmap_count=%u\n", gpusim_bo_state_name(q.state), q.mmap_count);

	for (round = 0; round < 2; round++) {
		uint64_t cur = round ? sW : sA, next = round ? sW2 : sW;
		char tag[64];

		got = shrink(1000000);
		printf("round=%d shrink_reclaimed=%ld\n", round, got);
		if (got < 0)
			die("shrink", (int)got);
		expA = expect_seed(&dev, A, cur, "exported", &lost);
		expC = expect_seed(&dev, C, round ? 0 : sC, "control", &lost);
		if (!round) {
			q = query(&dev, C);
			if (q.state == DRM_GPUSIM_BO_STATE_RESIDENT)
				bad("control BO not reclaimed: the shrink request did nothing");
		}

		/* Other BOs get the freed pages. */
		v = victims_create(vm, vtotal, size, sA + 0x100000 * (uint64_t)(round + 1), &nv);

		/* Reads through both mappings: own data (or zeros), never theirs. */
		snprintf(tag, sizeof(tag), "r%d_dmabuf_read", round);
		check_words(tag, pd, size, expA, 0, 0);
		snprintf(tag, sizeof(tag), "r%d_drm_read", round);
		check_words(tag, pm, size, expA, 0, 0);
		if (!round) {
			snprintf(tag, sizeof(tag), "r%d_control_read", round);
			check_words(tag, pc, size, expC, 0, 0);
		}

		/* The hostile write, through the dma-buf mapping. */
		gpusim_cpu_fill(pd, size, next, 0);
		snprintf(tag, sizeof(tag), "r%d", round);
		victims_check(vm, v, nv, tag);
		snprintf(tag, sizeof(tag), "r%d_drm_after_write", round);
		check_words(tag, pm, size, next, 0, 0);
		snprintf(tag, sizeof(tag), "r%d_dmabuf_after_write", round);
		check_words(tag, pd, size, next, 0, 0);
		snprintf(tag, sizeof(tag), "r%d_gpu_after_write", round);
		gpu_verify(&dev, vm, VA_A, size, next, 0, tag);
		victims_free(vm, v, nv);
	}

	/* The fake offset is still the BO's, the handle still works. */
	mo = (struct drm_gpusim_bo_mmap_offset){ .handle = A };
	CHECK_CALL(drmIoctl(dev.fd, DRM_IOCTL_GPUSIM_BO_MMAP_OFFSET, &mo) ? -errno : 0);
	if (no_offset) {
		/* A DRM-fd mapping made now sees what the dma-buf one wrote. */
		CHECK_CALL(gpusim_bo_mmap(&dev, A, size, &pm));
		check_words("late_drm_mapping", pm, size, sW2, 0, 0);
	}
	munmap(pd, size);
	munmap(pm, size);
	munmap(pc, size);
	close(fd);
	CHECK_CALL(gpusim_bo_close(&dev, A));
	CHECK_CALL(gpusim_bo_close(&dev, C));
	CHECK_CALL(gpusim_vm_destroy(&dev, vm));
}

static int cmd_dmabuf(uint64_t size, uint64_t vtotal, const char *which)
{
	if (!shrink_path[0])
		die("no_reclaim_debugfs", -ENOENT);
	int no_offset;

	for (no_offset = 0; no_offset < 2; no_offset++) {
		if (!strcmp(which, "swapout") || !strcmp(which, "both"))
			dmabuf_round(size, vtotal, 0, no_offset);
		if (!strcmp(which, "discard") || !strcmp(which, "both"))
			dmabuf_round(size, vtotal, 1, no_offset);
	}
	policy_restore();
	return finish();
}

/* fork ------------------------------------------------------------------------ */

static void xwrite(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		die("pipe_write", -errno);
}

static char xread(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		die("pipe_read", -EPIPE);
	return c;
}

static int cmd_fork(uint64_t size)
{
	uint64_t sA = seed, sB = seed + 1, sA2 = seed + 2, sB2 = seed + 3, h = size / 2;
	int c2p[2], p2c[2], fd, status, nv;
	uint32_t vm, A, B;
	void *pa, *pb, *pd;
	struct victim *v;
	pid_t pid;

	printf("seed=0x%" PRIx64 " size=%" PRIu64 "\n", seed, size);
	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	CHECK_CALL(gpusim_bo_create(&dev, size, 0, &A));
	CHECK_CALL(gpusim_bo_create(&dev, size, 0, &B));
	CHECK_CALL(gpusim_vm_map(&dev, vm, A, 0, VA_A, size));
	CHECK_CALL(gpusim_vm_map(&dev, vm, B, 0, VA_B, size));
	CHECK_CALL(gpusim_bo_mmap(&dev, A, size, &pa));
	CHECK_CALL(gpusim_bo_mmap(&dev, B, size, &pb));
	fd = export_bo(&dev, B);
	pd = map_fd(fd, size, 0);
	gpu_fill(&dev, vm, VA_A, size, sA, 0, "parent_fill_a");
	gpu_fill(&dev, vm, VA_B, size, sB, 0, "parent_fill_b");
	check_words("parent_a", pa, size, sA, 0, 0);
	check_words("parent_b_dmabuf", pd, size, sB, 0, 0);
	if (pipe(c2p) || pipe(p2c))
		die("pipe", -errno);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork", -errno);
	if (pid == 0) {
		close(c2p[0]);
		close(p2c[1]);
		check_words("child_a", pa, size, sA, 0, 0);
		check_words("child_b_drm", pb, size, sB, 0, 0);
		check_words("child_b_dmabuf", pd, size, sB, 0, 0);
		gpusim_cpu_fill((char *)pa + h, h, sA2, h);
		gpusim_cpu_fill((char *)pd + h, h, sB2, h);
		fflush(stdout);
		xwrite(c2p[1], 'a');
		xread(p2c[0]);	/* the parent reclaimed and made victims */
		check_words("child_after_reclaim_a_lo", pa, h, sA, 0, 0);
		check_words("child_after_reclaim_a_hi", (char *)pa + h, h, sA2, h, 0);
		check_words("child_after_reclaim_b_drm_lo", pb, h, sB, 0, 0);
		check_words("child_after_reclaim_b_drm_hi", (char *)pb + h, h, sB2, h, 0);
		check_words("child_after_reclaim_b_dmabuf_lo", pd, h, sB, 0, 0);
		check_words("child_after_reclaim_b_dmabuf_hi", (char *)pd + h, h, sB2, h, 0);
		/* Write the first quarter through the dma-buf mapping again. */
		gpusim_cpu_fill(pd, size / 4, sB2 + 1, 0);
		fflush(stdout);
		xwrite(c2p[1], 'b');
		xread(p2c[0]);	/* the shrink hammer runs: exit during a scan */
		usleep(1000 * (unsigned int)(seed % 20));
		_exit(atomic_load(&failures) ? 1 : 0);
	}
	close(c2p[1]);
	close(p2c[0]);
	xread(c2p[0]);
	gpu_verify(&dev, vm, VA_A + h, h, sA2, h, "parent_sees_child_a");
	gpu_verify(&dev, vm, VA_B + h, h, sB2, h, "parent_sees_child_b");
	printf("shrink_reclaimed=%ld\n", shrink(1000000));
	v = victims_create(vm, 4 * size, size, seed + 0x777, &nv);
	xwrite(p2c[1], 'c');
	xread(c2p[0]);
	hammer_start();
	xwrite(p2c[1], 'd');
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid", -errno);
	usleep(100000);
	hammer_end();
	printf("child_exit=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		bad("child failed (its checks above)");
	victims_check(vm, v, nv, "fork");
	check_words("parent_a_lo", pa, h, sA, 0, 0);
	check_words("parent_a_hi", (char *)pa + h, h, sA2, h, 0);
	check_words("parent_b_q1", pb, size / 4, sB2 + 1, 0, 0);
	check_words("parent_b_q2", (char *)pb + size / 4, size / 4, sB, size / 4, 0);
	check_words("parent_b_dmabuf_hi", (char *)pd + h, h, sB2, h, 0);
	gpu_verify(&dev, vm, VA_B, size / 4, sB2 + 1, 0, "parent_gpu_b_q1");
	gpu_verify(&dev, vm, VA_A, h, sA, 0, "parent_gpu_a_lo");
	{
		struct drm_gpusim_bo_query q = query(&dev, B);

		printf("mmap_count_b=%u\n", q.mmap_count);
		if (q.mmap_count != 2)
			bad("mmap_count of B after the child exit: %u, want 2", q.mmap_count);
	}
	victims_free(vm, v, nv);
	munmap(pa, size);
	munmap(pb, size);
	munmap(pd, size);
	close(fd);
	return finish();
}

/* churn ----------------------------------------------------------------------- */

/*
 * Most BOs a churn thread keeps alive (the LIVE argument, default 4): few
 * BOs make it likely that the BO a reclaim walk holds when it drops the
 * device lock is the one being released.
 */
#define CHURN_LIVE	256
static int churn_live = 4;
static double churn_secs;
static uint64_t churn_max;
static atomic_long churn_ops, churn_checked;

struct live {
	uint32_t bo, flags;
	uint64_t size, seed, va;
	void *p;
};

static void live_check(struct live *l, uint32_t vm, uint64_t *rs)
{
	int discard = l->flags & DRM_GPUSIM_BO_DISCARD_ON_RECLAIM;

	if (!l->p && (rnd(rs) & 1)) {
		if (gpusim_bo_mmap(&dev, l->bo, l->size, &l->p))
			l->p = NULL;
	}
	if (l->p) {
		uint64_t first = 0;

		if (gpusim_cpu_verify(l->p, l->size, l->seed, 0, &first))
			check_words(discard ? "churn_discard_bo" : "churn_bo", l->p, l->size,
				    l->seed, 0, discard);
		atomic_fetch_add(&churn_checked, 1);
	} else if (l->va && !discard) {
		gpu_verify(&dev, vm, l->va, l->size, l->seed, 0, "churn_gpu_verify");
		atomic_fetch_add(&churn_checked, 1);
	}
}

static void live_close(struct live *l, uint32_t vm)
{
	if (l->p)
		munmap(l->p, l->size);
	if (l->va)
		CHECK_CALL(gpusim_vm_unmap(&dev, vm, l->va, l->size));
	CHECK_CALL(gpusim_bo_close(&dev, l->bo));
	memset(l, 0, sizeof(*l));
}

static void *churn_fn(void *arg)
{
	uint64_t rs = seed * 2654435761u + (uintptr_t)arg + 1, end;
	struct live live[CHURN_LIVE] = { 0 };
	uint32_t vm;
	int i;

	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	end = gpusim_now_ns() + (uint64_t)(churn_secs * 1e9);
	while (gpusim_now_ns() < end) {
		struct live *l = &live[rnd(&rs) % (uint64_t)churn_live];

		if (l->bo) {
			if (rnd(&rs) % 4 == 0)
				live_check(l, vm, &rs);
			live_close(l, vm);
		}
		l->size = (rnd(&rs) % (churn_max / P) + 1) * P;
		l->flags = rnd(&rs) % 4 ? DRM_GPUSIM_BO_DISCARD_ON_RECLAIM : 0;
		l->seed = rnd(&rs);
		CHECK_CALL(gpusim_bo_create(&dev, l->size, l->flags, &l->bo));
		if (rnd(&rs) & 1) {
			/* Resident through the GPU: bind and fill. */
			l->va = VA_A + ((uint64_t)(l - live) << 32);
			CHECK_CALL(gpusim_vm_map(&dev, vm, l->bo, 0, l->va, l->size));
			gpu_fill(&dev, vm, l->va, l->size, l->seed, 0, "churn_gpu_fill");
		} else {
			/* Resident through CPU faults. */
			CHECK_CALL(gpusim_bo_mmap(&dev, l->bo, l->size, &l->p));
			gpusim_cpu_fill(l->p, l->size, l->seed, 0);
		}
		atomic_fetch_add(&churn_ops, 1);
	}
	for (i = 0; i < CHURN_LIVE; i++)
		if (live[i].bo) {
			live_check(&live[i], vm, &rs);
			live_close(&live[i], vm);
		}
	CHECK_CALL(gpusim_vm_destroy(&dev, vm));
	return NULL;
}

static int cmd_churn(int threads, double secs, uint64_t maxsize, int live)
{
	pthread_t t[64];
	int i;

	if (threads < 1 || threads > 64 || secs <= 0 || maxsize < P || maxsize > (1u << 30) ||
	    live < 1 || live > CHURN_LIVE) {
		fprintf(stderr, "churn: 1..64 threads, SECONDS > 0, MAXSIZE 4K..1G, LIVE 1..%d\n",
			CHURN_LIVE);
		exit(EXIT_USAGE);
	}
	churn_live = live;
	churn_secs = secs;
	churn_max = maxsize;
	printf("seed=0x%" PRIx64 " threads=%d seconds=%g max_size=%" PRIu64 " live=%d\n",
	       seed, threads, secs, maxsize, live);
	for (i = 0; i < threads; i++)
		if (pthread_create(&t[i], NULL, churn_fn, (void *)(uintptr_t)i))
			die("pthread_create", -EAGAIN);
	for (i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	printf("bos_created=%ld bos_checked=%ld\n", atomic_load(&churn_ops),
	       atomic_load(&churn_checked));
	return finish();
}

/* unmap-during-scan -------------------------------------------------------- */

/* One hostile child: returns its exit status. */
static int uds_child(int kind, uint64_t s)
{
	uint64_t rs = s | 1, size = (rnd(&rs) % 64 + 1) * P;
	uint32_t flags = rnd(&rs) & 1 ? DRM_GPUSIM_BO_DISCARD_ON_RECLAIM : 0;
	int z = !!flags, fd, i;
	uint32_t bo, vm;
	char path[sizeof(dev.path)];
	void *p, *q;

	memcpy(path, dev.path, sizeof(path));
	CHECK_CALL(gpusim_open(&dev, path));
	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	CHECK_CALL(gpusim_bo_create(&dev, size, flags, &bo));
	CHECK_CALL(gpusim_vm_map(&dev, vm, bo, 0, VA_A, size));
	CHECK_CALL(gpusim_bo_mmap(&dev, bo, size, &p));
	gpusim_cpu_fill(p, size, s, 0);
	switch (kind) {
	case 0:	/* munmap while reclaim scans, map again, check */
		munmap(p, size);
		CHECK_CALL(gpusim_bo_mmap(&dev, bo, size, &p));
		check_words("remap", p, size, s, 0, z);
		break;
	case 1:	/* close the handle with the mapping live */
		CHECK_CALL(gpusim_bo_close(&dev, bo));
		usleep(2000);
		check_words("after_handle_close", p, size, s, 0, z);
		gpusim_cpu_fill(p, size, s + 1, 0);
		usleep(2000);
		check_words("after_handle_close_write", p, size, s + 1, 0, z);
		break;
	case 2:	/* dma-buf mapping, then close the fd and the handle */
		fd = export_bo(&dev, bo);
		q = map_fd(fd, size, 0);
		close(fd);
		CHECK_CALL(gpusim_bo_close(&dev, bo));
		munmap(p, size);
		check_words("dmabuf_after_close", q, size, s, 0, z);
		gpusim_cpu_fill(q, size, s + 2, 0);
		usleep(2000);
		check_words("dmabuf_after_close_write", q, size, s + 2, 0, z);
		munmap(q, size);
		break;
	case 3:	/* close the DRM file with the mapping live */
		gpusim_close(&dev);
		usleep(2000);
		check_words("after_file_close", p, size, s, 0, z);
		break;
	default: /* many BOs mapped, exit without cleaning up */
		for (i = 0; i < 8; i++) {
			CHECK_CALL(gpusim_bo_create(&dev, size, flags, &bo));
			CHECK_CALL(gpusim_bo_mmap(&dev, bo, size, &q));
			gpusim_cpu_fill(q, size, s + i, 0);
			fd = export_bo(&dev, bo);
			(void)map_fd(fd, size, 0);
		}
		break;
	}
	fflush(stdout);
	return atomic_load(&failures) ? 1 : 0;
}

static int cmd_unmap_during_scan(double secs)
{
	uint64_t end, rs = seed | 1;
	long children = 0, kinds[5] = { 0 };
	int running = 0, status;
	pid_t pid;

	printf("seed=0x%" PRIx64 " seconds=%g\n", seed, secs);
	gpusim_close(&dev);
	hammer_start();
	end = gpusim_now_ns() + (uint64_t)(secs * 1e9);
	while (gpusim_now_ns() < end || running) {
		while (running < 4 && gpusim_now_ns() < end) {
			int kind = (int)(rnd(&rs) % 5);
			uint64_t s = rnd(&rs);

			fflush(stdout);
			pid = fork();
			if (pid < 0)
				die("fork", -errno);
			if (pid == 0)
				_exit(uds_child(kind, s));
			running++;
			children++;
			kinds[kind]++;
		}
		pid = wait(&status);
		if (pid < 0)
			break;
		running--;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad("child %d: status 0x%x", (int)pid, status);
	}
	hammer_end();
	printf("children=%ld remap=%ld handle_close=%ld dmabuf_close=%ld file_close=%ld exit=%ld\n",
	       children, kinds[0], kinds[1], kinds[2], kinds[3], kinds[4]);
	return finish();
}

/* share ---------------------------------------------------------------------- */

static void send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, c = 'f';
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(sock, &m, 0) != 1)
		die("sendmsg", -errno);
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &m, 0) != 1)
		die("recvmsg", -errno);
	cm = CMSG_FIRSTHDR(&m);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		die("recvmsg_no_fd", -EPROTO);
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static int cmd_share(uint64_t size)
{
	uint64_t sA = seed, sB = seed + 1, sC = seed + 2, q4 = size / 4;
	struct gpusim_dev d1b;
	uint32_t vm1, vm1b, S, S1b;
	int sv[2], fd, status, nv;
	struct victim *v;
	void *pm1;
	pid_t pid;

	printf("seed=0x%" PRIx64 " size=%" PRIu64 "\n", seed, size);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair", -errno);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork", -errno);
	if (pid == 0) {
		struct gpusim_dev d2;
		uint32_t vm2, S2;
		void *pm2, *pd2;

		close(sv[0]);
		CHECK_CALL(gpusim_open(&d2, dev.path));
		fd = recv_fd(sv[1]);
		if (drmPrimeFDToHandle(d2.fd, fd, &S2))
			die("prime_fd_to_handle", -errno);
		CHECK_CALL(gpusim_vm_create(&d2, &vm2));
		CHECK_CALL(gpusim_vm_map(&d2, vm2, S2, 0, VA_B, size));
		CHECK_CALL(gpusim_bo_mmap(&d2, S2, size, &pm2));
		pd2 = map_fd(fd, size, 0);
		gpu_verify(&d2, vm2, VA_B, size, sA, 0, "p2_gpu_initial");
		check_words("p2_drm_initial", pm2, size, sA, 0, 0);
		check_words("p2_dmabuf_initial", pd2, size, sA, 0, 0);
		fflush(stdout);
		xwrite(sv[1], 'a');
		xread(sv[1]);	/* reclaimed, victims made */
		check_words("p2_dmabuf_after_reclaim", pd2, size, sA, 0, 0);
		gpu_verify(&d2, vm2, VA_B, size, sA, 0, "p2_gpu_after_reclaim");
		check_words("p2_drm_after_reclaim", pm2, size, sA, 0, 0);
		gpu_fill(&d2, vm2, VA_B + 2 * q4, q4, sB, 2 * q4, "p2_gpu_fill_q3");
		gpusim_cpu_fill((char *)pd2 + 3 * q4, q4, sB, 3 * q4);
		fflush(stdout);
		xwrite(sv[1], 'b');
		xread(sv[1]);	/* reclaimed again, P1 wrote q1 */
		check_words("p2_dmabuf_q1", pd2, q4, sC, 0, 0);
		check_words("p2_drm_q2", (char *)pm2 + q4, q4, sA, q4, 0);
		gpu_verify(&d2, vm2, VA_B, q4, sC, 0, "p2_gpu_q1");
		gpu_verify(&d2, vm2, VA_B + 2 * q4, 2 * q4, sB, 2 * q4, "p2_gpu_q34");
		fflush(stdout);
		_exit(atomic_load(&failures) ? 1 : 0);
	}
	close(sv[1]);
	CHECK_CALL(gpusim_vm_create(&dev, &vm1));
	CHECK_CALL(gpusim_bo_create(&dev, size, 0, &S));
	CHECK_CALL(gpusim_vm_map(&dev, vm1, S, 0, VA_A, size));
	gpu_fill(&dev, vm1, VA_A, size, sA, 0, "p1_gpu_fill");
	fd = export_bo(&dev, S);
	/* The same BO in a second DRM file of this process, a third VM. */
	CHECK_CALL(gpusim_open(&d1b, dev.path));
	if (drmPrimeFDToHandle(d1b.fd, fd, &S1b))
		die("prime_fd_to_handle_1b", -errno);
	CHECK_CALL(gpusim_vm_create(&d1b, &vm1b));
	CHECK_CALL(gpusim_vm_map(&d1b, vm1b, S1b, 0, VA_C, size));
	send_fd(sv[0], fd);
	close(fd);
	CHECK_CALL(gpusim_bo_mmap(&dev, S, size, &pm1));
	check_words("p1_drm_initial", pm1, size, sA, 0, 0);
	xread(sv[0]);
	printf("shrink_reclaimed=%ld\n", shrink(1000000));
	{
		struct drm_gpusim_bo_query q = query(&dev, S);

		printf("shared_state=%s gpu_map_count=%u\n", gpusim_bo_state_name(q.state),
		       q.gpu_map_count);
	}
	v = victims_create(vm1, 4 * size, size, seed + 0x5000, &nv);
	xwrite(sv[0], 'c');
	xread(sv[0]);
	gpu_verify(&d1b, vm1b, VA_C, 2 * q4, sA, 0, "p1b_gpu_q12");
	gpu_verify(&dev, vm1, VA_A + 2 * q4, 2 * q4, sB, 2 * q4, "p1_gpu_q34");
	check_words("p1_drm_q3", (char *)pm1 + 2 * q4, q4, sB, 2 * q4, 0);
	printf("shrink_reclaimed=%ld\n", shrink(1000000));
	victims_check(vm1, v, nv, "share");
	gpusim_cpu_fill(pm1, q4, sC, 0);
	gpu_verify(&d1b, vm1b, VA_C, q4, sC, 0, "p1b_gpu_q1");
	printf("shrink_reclaimed=%ld\n", shrink(1000000));
	xwrite(sv[0], 'd');
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid", -errno);
	printf("p2_exit=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		bad("second process failed (its checks above)");
	check_words("p1_final_q4", (char *)pm1 + 3 * q4, q4, sB, 3 * q4, 0);
	gpu_verify(&dev, vm1, VA_A, q4, sC, 0, "p1_final_gpu_q1");
	victims_free(vm1, v, nv);
	munmap(pm1, size);
	gpusim_close(&d1b);
	close(sv[0]);
	return finish();
}

/* bind-storm ------------------------------------------------------------------ */

#define STORM_BO	(256u << 10)
static uint32_t st_vm1, st_vm2, st_S, st_X, st_P1;
static void *st_px, *st_ps, *st_pp;
static uint64_t st_sS = 0;
static double st_secs;
static atomic_long st_binds, st_jobs;
static uint64_t st_last_p1, st_last_s2;

/* Storm on vm1: map sub-ranges of X and of S at changing VAs, use, unmap. */
static void *storm_fn(void *arg)
{
	uint64_t rs = seed + 77, end = gpusim_now_ns() + (uint64_t)(st_secs * 1e9);
	uint64_t vabase = VA_C + 0x40000000ull * (uintptr_t)arg;

	while (gpusim_now_ns() < end) {
		uint64_t off = (rnd(&rs) % (STORM_BO / P)) * P;
		uint64_t len = (rnd(&rs) % ((STORM_BO - off) / P) + 1) * P;
		uint64_t va = vabase + (rnd(&rs) % 4096) * P, s = rnd(&rs);
		char what[64];

		if (!arg) {
			/* X is this thread's alone: fill through the new VA, read by CPU. */
			CHECK_CALL(gpusim_vm_map(&dev, st_vm1, st_X, off, va, len));
			gpu_fill(&dev, st_vm1, va, len, s, off, "storm_fill_x");
			snprintf(what, sizeof(what), "storm_x_cpu");
			if (gpusim_cpu_verify((char *)st_px + off, len, s, off, NULL))
				check_words(what, (char *)st_px + off, len, s, off, 0);
		} else {
			/* The constant half of S, seen at a new VA. */
			off %= STORM_BO / 2;
			if (off + len > STORM_BO / 2)
				len = STORM_BO / 2 - off;
			CHECK_CALL(gpusim_vm_map(&dev, st_vm1, st_S, off, va, len));
			gpu_verify(&dev, st_vm1, va, len, st_sS, off, "storm_verify_s");
		}
		/* Unmap a larger range than mapped: must not hurt anything else. */
		CHECK_CALL(gpusim_vm_unmap(&dev, st_vm1, va > vabase + P ? va - P : va,
					   len + 2 * P));
		atomic_fetch_add(&st_binds, 1);
	}
	return NULL;
}

/* Submits on vm1 (its own BO P1, and S's constant half). */
static void *sub1_fn(void *arg)
{
	uint64_t end = gpusim_now_ns() + (uint64_t)(st_secs * 1e9), s = seed + 1000;

	(void)arg;
	while (gpusim_now_ns() < end) {
		struct drm_gpusim_cmd c[3] = {
			{ .op = DRM_GPUSIM_CMD_FILL, .va = VA_A, .size = STORM_BO, .seed = ++s },
			{ .op = DRM_GPUSIM_CMD_VERIFY, .va = VA_A, .size = STORM_BO, .seed = s },
			{ .op = DRM_GPUSIM_CMD_VERIFY, .va = VA_B, .size = STORM_BO / 2,
			  .seed = st_sS },
		};
		struct drm_gpusim_job_wait w;
		uint32_t job;

		CHECK_CALL(gpusim_submit(&dev, st_vm1, c, 3, 0, 0, &job));
		CHECK_CALL(gpusim_job_wait(&dev, job, -1, &w));
		job_ok("sub1_job", &w);
		st_last_p1 = s;
		atomic_fetch_add(&st_jobs, 1);
	}
	return NULL;
}

/* Submits on vm2: S's second half refilled and verified, first half verified. */
static void *sub2_fn(void *arg)
{
	uint64_t end = gpusim_now_ns() + (uint64_t)(st_secs * 1e9), s = seed + 5000;
	const uint64_t h = STORM_BO / 2;

	(void)arg;
	while (gpusim_now_ns() < end) {
		struct drm_gpusim_cmd c[3] = {
			{ .op = DRM_GPUSIM_CMD_FILL, .va = VA_A + h, .size = h, .seed = ++s,
			  .pattern_offset = h },
			{ .op = DRM_GPUSIM_CMD_VERIFY, .va = VA_A + h, .size = h, .seed = s,
			  .pattern_offset = h },
			{ .op = DRM_GPUSIM_CMD_VERIFY, .va = VA_A, .size = h, .seed = st_sS },
		};
		struct drm_gpusim_job_wait w;
		uint32_t job;

		CHECK_CALL(gpusim_submit(&dev, st_vm2, c, 3, 0, 0, &job));
		CHECK_CALL(gpusim_job_wait(&dev, job, -1, &w));
		job_ok("sub2_job", &w);
		st_last_s2 = s;
		atomic_fetch_add(&st_jobs, 1);
	}
	return NULL;
}

static int cmd_bind_storm(double secs)
{
	pthread_t t[4];
	int i;

	st_secs = secs;
	st_sS = seed + 3;
	printf("seed=0x%" PRIx64 " seconds=%g\n", seed, secs);
	CHECK_CALL(gpusim_vm_create(&dev, &st_vm1));
	CHECK_CALL(gpusim_vm_create(&dev, &st_vm2));
	CHECK_CALL(gpusim_bo_create(&dev, STORM_BO, 0, &st_S));
	CHECK_CALL(gpusim_bo_create(&dev, STORM_BO, 0, &st_X));
	CHECK_CALL(gpusim_bo_create(&dev, STORM_BO, 0, &st_P1));
	CHECK_CALL(gpusim_vm_map(&dev, st_vm1, st_P1, 0, VA_A, STORM_BO));
	CHECK_CALL(gpusim_vm_map(&dev, st_vm1, st_S, 0, VA_B, STORM_BO));
	CHECK_CALL(gpusim_vm_map(&dev, st_vm2, st_S, 0, VA_A, STORM_BO));
	CHECK_CALL(gpusim_bo_mmap(&dev, st_S, STORM_BO, &st_ps));
	CHECK_CALL(gpusim_bo_mmap(&dev, st_X, STORM_BO, &st_px));
	CHECK_CALL(gpusim_bo_mmap(&dev, st_P1, STORM_BO, &st_pp));
	gpu_fill(&dev, st_vm2, VA_A, STORM_BO, st_sS, 0, "s_fill");
	hammer_start();
	pthread_create(&t[0], NULL, storm_fn, (void *)0);
	pthread_create(&t[1], NULL, storm_fn, (void *)1);
	pthread_create(&t[2], NULL, sub1_fn, NULL);
	pthread_create(&t[3], NULL, sub2_fn, NULL);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	hammer_end();
	printf("binds=%ld jobs=%ld\n", atomic_load(&st_binds), atomic_load(&st_jobs));
	if (!atomic_load(&st_binds) || !atomic_load(&st_jobs))
		bad("nothing ran");
	check_words("final_s_lo", st_ps, STORM_BO / 2, st_sS, 0, 0);
	if (st_last_s2)
		check_words("final_s_hi", (char *)st_ps + STORM_BO / 2, STORM_BO / 2,
			    st_last_s2, STORM_BO / 2, 0);
	if (st_last_p1)
		check_words("final_p1", st_pp, STORM_BO, st_last_p1, 0, 0);
	{
		struct drm_gpusim_vm_query q;

		CHECK_CALL(gpusim_vm_query(&dev, st_vm1, &q));
		printf("vm1_mapped_bytes=%" PRIu64 "\n", (uint64_t)q.mapped_bytes);
		if (q.mapped_bytes != 2 * STORM_BO)
			bad("vm1 mapped_bytes %" PRIu64 " after the storm, want %u",
			    (uint64_t)q.mapped_bytes, 2 * STORM_BO);
	}
	munmap(st_ps, STORM_BO);
	munmap(st_px, STORM_BO);
	munmap(st_pp, STORM_BO);
	return finish();
}

/* sizes ------------------------------------------------------------------------ */

static void expect_err(const char *name, int ret, int want, int want2)
{
	if (ret == -want || (want2 && ret == -want2)) {
		printf("case %s=ok errno=%d\n", name, -ret);
		return;
	}
	printf("case %s=FAIL errno=%d want=%d\n", name, -ret, want);
	bad("%s: got errno %d, want %d", name, -ret, want);
}

static int bo_create_raw(struct gpusim_dev *d, uint64_t size, uint32_t flags,
			 struct drm_gpusim_bo_create *bc)
{
	*bc = (struct drm_gpusim_bo_create){ .size = size, .flags = flags };
	return drmIoctl(d->fd, DRM_IOCTL_GPUSIM_BO_CREATE, bc) ? -errno : 0;
}

static int mmap_err(int fd, uint64_t len, uint64_t off)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);

	if (p == MAP_FAILED)
		return -errno;
	munmap(p, len);
	return 0;
}

static void snapshot(long *v)
{
	static const char *keys[] = { "bos", "vmas", "vms" };
	int i;

	for (i = 0; i < 3; i++)
		if (gpusim_objects_read(keys[i], &v[i]))
			v[i] = -1;
}

static int cmd_sizes(void)
{
	struct drm_gpusim_bo_mmap_offset mo;
	struct drm_gpusim_bo_query q0, q1;
	struct drm_gpusim_vm_query vq0, vq1;
	struct drm_gpusim_bo_create bc;
	long before[3], after[3];
	uint32_t vm, ref, odd, huge;
	struct gpusim_dev fresh;
	int fd, i;
	void *pr;

	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	/* A reference BO whose content, state and counts must not change. */
	CHECK_CALL(gpusim_bo_create(&dev, 4 * P, 0, &ref));
	CHECK_CALL(gpusim_vm_map(&dev, vm, ref, 0, VA_A, 4 * P));
	CHECK_CALL(gpusim_bo_mmap(&dev, ref, 4 * P, &pr));
	gpusim_cpu_fill(pr, 4 * P, seed, 0);
	q0 = query(&dev, ref);
	CHECK_CALL(gpusim_vm_query(&dev, vm, &vq0));
	snapshot(before);

	expect_err("bo_create_0", bo_create_raw(&dev, 0, 0, &bc), EINVAL, 0);
	expect_err("bo_create_max_plus_1", bo_create_raw(&dev, GPUSIM_BO_MAX_SIZE + 1, 0, &bc),
		   E2BIG, 0);
	expect_err("bo_create_u64_max", bo_create_raw(&dev, UINT64_MAX, 0, &bc), E2BIG, 0);
	expect_err("bo_create_u64_max_page_round",
		   bo_create_raw(&dev, UINT64_MAX - P + 2, 0, &bc), E2BIG, EOVERFLOW);
	expect_err("bo_create_discard_0",
		   bo_create_raw(&dev, 0, DRM_GPUSIM_BO_DISCARD_ON_RECLAIM, &bc), EINVAL, 0);
	fd = export_bo(&dev, ref);
	/* mmap beyond the BO, at its end, of length 0, through both files. */
	mo = (struct drm_gpusim_bo_mmap_offset){ .handle = ref };
	CHECK_CALL(drmIoctl(dev.fd, DRM_IOCTL_GPUSIM_BO_MMAP_OFFSET, &mo) ? -errno : 0);
	expect_err("drm_mmap_longer", mmap_err(dev.fd, 5 * P, mo.offset), EINVAL, 0);
	expect_err("drm_mmap_straddles_end", mmap_err(dev.fd, 4 * P, mo.offset + P), EINVAL,
		   EACCES);
	expect_err("drm_mmap_len_0", mmap_err(dev.fd, 0, mo.offset), EINVAL, 0);
	expect_err("dmabuf_mmap_longer", mmap_err(fd, 5 * P, 0), EINVAL, 0);
	expect_err("dmabuf_mmap_at_end", mmap_err(fd, P, 4 * P), EINVAL, 0);
	expect_err("dmabuf_mmap_straddles_end", mmap_err(fd, 2 * P, 3 * P), EINVAL, 0);
	expect_err("dmabuf_mmap_huge_offset", mmap_err(fd, P, 1ull << 44), EINVAL, 0);
	expect_err("dmabuf_mmap_len_0", mmap_err(fd, 0, 0), EINVAL, 0);
	expect_err("dmabuf_mmap_private",
		   (mmap(NULL, P, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED) ? -errno : 0,
		   EINVAL, 0);
	/* bind beyond the BO */
	expect_err("bind_longer_than_bo", gpusim_vm_map(&dev, vm, ref, 0, VA_B, 5 * P), EINVAL, 0);
	expect_err("bind_offset_at_end", gpusim_vm_map(&dev, vm, ref, 4 * P, VA_B, P), EINVAL, 0);
	expect_err("bind_straddles_end", gpusim_vm_map(&dev, vm, ref, 3 * P, VA_B, 2 * P), EINVAL,
		   0);
	expect_err("bind_huge_offset", gpusim_vm_map(&dev, vm, ref, 1ull << 40, VA_B, P), EINVAL,
		   0);
	expect_err("bind_size_wraps", gpusim_vm_map(&dev, vm, ref, P, VA_B, UINT64_MAX - P + 1),
		   EOVERFLOW, EINVAL);
	expect_err("bind_over_ref", gpusim_vm_map(&dev, vm, ref, 0, VA_A + P, P), EEXIST, 0);
	/* A GPU fill running past the mapped BO faults; it does not write on. */
	{
		struct drm_gpusim_job_wait w;

		CHECK_CALL(gpusim_gpu_fill(&dev, vm, VA_A + 3 * P, 2 * P, seed, 3 * P, &w));
		printf("fill_past_end_status=%s fault_va=0x%" PRIx64 "\n",
		       gpusim_job_status_name(w.status), (uint64_t)w.fault_va);
		if (w.status != DRM_GPUSIM_JOB_FAULT || w.fault_va != VA_A + 4 * P)
			bad("fill past the BO's end: %s at 0x%" PRIx64 ", want FAULT at 0x%" PRIx64,
			    gpusim_job_status_name(w.status), (uint64_t)w.fault_va,
			    (uint64_t)(VA_A + 4 * P));
	}
	snapshot(after);
	for (i = 0; i < 3; i++)
		if (before[i] != after[i])
			bad("object counter %d changed by failed calls: %ld -> %ld", i, before[i],
			    after[i]);
	q1 = query(&dev, ref);
	CHECK_CALL(gpusim_vm_query(&dev, vm, &vq1));
	printf("ref_state=%s mmap_count=%u gpu_map_count=%u mapped_bytes=%" PRIu64 "\n",
	       gpusim_bo_state_name(q1.state), q1.mmap_count, q1.gpu_map_count,
	       (uint64_t)vq1.mapped_bytes);
	if (q1.mmap_count != q0.mmap_count || q1.gpu_map_count != q0.gpu_map_count ||
	    q1.size != q0.size || vq1.mapped_bytes != vq0.mapped_bytes)
		bad("failed calls changed the reference BO or VM");
	check_words("ref_content", pr, 4 * P, seed, 0, 0);

	/* Odd sizes round up; only the rounded size is mappable. */
	CHECK_CALL(bo_create_raw(&dev, 1, 0, &bc));
	odd = bc.handle;
	printf("size_1_rounded=%" PRIu64 "\n", (uint64_t)bc.size);
	if (bc.size != P)
		bad("size 1 rounded to %" PRIu64, (uint64_t)bc.size);
	CHECK_CALL(gpusim_bo_close(&dev, odd));
	CHECK_CALL(bo_create_raw(&dev, P - 1, DRM_GPUSIM_BO_DISCARD_ON_RECLAIM, &bc));
	odd = bc.handle;
	printf("size_page_minus_1_rounded=%" PRIu64 "\n", (uint64_t)bc.size);
	if (bc.size != P)
		bad("size page-1 rounded to %" PRIu64, (uint64_t)bc.size);
	CHECK_CALL(bo_create_raw(&dev, 3 * P + 1, 0, &bc));
	printf("size_3p_plus_1_rounded=%" PRIu64 "\n", (uint64_t)bc.size);
	if (bc.size != 4 * P)
		bad("size 3 pages + 1 rounded to %" PRIu64, (uint64_t)bc.size);
	CHECK_CALL(gpusim_bo_close(&dev, bc.handle));
	{
		void *po;

		CHECK_CALL(gpusim_bo_mmap(&dev, odd, P, &po));
		gpusim_cpu_fill(po, P, seed + 9, 0);
		check_words("odd_bo", po, P, seed + 9, 0, 0);
		munmap(po, P);
		expect_err("odd_bind_2_pages", gpusim_vm_map(&dev, vm, odd, 0, VA_C, 2 * P),
			   EINVAL, 0);
		CHECK_CALL(gpusim_bo_close(&dev, odd));
	}
	/* The largest BO: created lazily, mappable, never touched. */
	CHECK_CALL(bo_create_raw(&dev, GPUSIM_BO_MAX_SIZE, 0, &bc));
	huge = bc.handle;
	q1 = query(&dev, huge);
	printf("max_bo_size=%" PRIu64 " resident=%" PRIu64 "\n", (uint64_t)q1.size,
	       (uint64_t)q1.resident_bytes);
	if (q1.resident_bytes)
		bad("max-size BO has resident bytes before use");
	{
		void *ph;

		if (!gpusim_bo_mmap(&dev, huge, GPUSIM_BO_MAX_SIZE, &ph))
			munmap(ph, GPUSIM_BO_MAX_SIZE);
		mo = (struct drm_gpusim_bo_mmap_offset){ .handle = huge };
		CHECK_CALL(drmIoctl(dev.fd, DRM_IOCTL_GPUSIM_BO_MMAP_OFFSET, &mo) ? -errno : 0);
		expect_err("huge_mmap_longer",
			   mmap_err(dev.fd, GPUSIM_BO_MAX_SIZE + P, mo.offset), EINVAL, 0);
	}
	q1 = query(&dev, huge);
	if (q1.resident_bytes)
		bad("max-size BO became resident through mmap alone");
	CHECK_CALL(gpusim_bo_close(&dev, huge));

	/* On a file with one BO, the page after that BO is not mappable. */
	CHECK_CALL(gpusim_open(&fresh, dev.path));
	CHECK_CALL(bo_create_raw(&fresh, 2 * P, 0, &bc));
	mo = (struct drm_gpusim_bo_mmap_offset){ .handle = bc.handle };
	CHECK_CALL(drmIoctl(fresh.fd, DRM_IOCTL_GPUSIM_BO_MMAP_OFFSET, &mo) ? -errno : 0);
	expect_err("drm_mmap_offset_at_end", mmap_err(fresh.fd, P, mo.offset + 2 * P), EINVAL,
		   EACCES);
	expect_err("drm_mmap_offset_0", mmap_err(fresh.fd, P, 0), EINVAL, EACCES);
	/* Another file's offset is not mappable either. */
	mo = (struct drm_gpusim_bo_mmap_offset){ .handle = ref };
	CHECK_CALL(drmIoctl(dev.fd, DRM_IOCTL_GPUSIM_BO_MMAP_OFFSET, &mo) ? -errno : 0);
	expect_err("drm_mmap_other_files_bo", mmap_err(fresh.fd, P, mo.offset), EACCES, EINVAL);
	gpusim_close(&fresh);

	check_words("ref_content_end", pr, 4 * P, seed, 0, 0);
	munmap(pr, 4 * P);
	close(fd);
	return finish();
}

/* main -------------------------------------------------------------------------- */

/* madvise -------------------------------------------------------------------- */

/*
 * DRM_IOCTL_GPUSIM_BO_MADVISE with every field given. Returns 0 (and
 * *retained) or -errno.
 */
static int madvise_raw(struct gpusim_dev *d, uint32_t bo, uint32_t madv, uint32_t pad,
		       uint32_t *retained)
{
	struct drm_gpusim_bo_madvise m = { .handle = bo, .madv = madv, .pad = pad,
					   .retained = 0xdeadbeef };

	if (drmIoctl(d->fd, DRM_IOCTL_GPUSIM_BO_MADVISE, &m))
		return -errno;
	if (retained)
		*retained = m.retained;
	return 0;
}

/* madvise that must succeed; returns retained. */
static uint32_t madvise_ok(struct gpusim_dev *d, uint32_t bo, uint32_t madv)
{
	uint32_t retained = 0;

	CHECK_CALL(madvise_raw(d, bo, madv, 0, &retained));
	if (retained > 1)
		bad("madvise: retained=%u, not 0 or 1", retained);
	return retained;
}

/*
 * A CPU read of one word through a mapping that may SIGBUS (a purged BO).
 * The jump buffer is per thread: the race threads read at the same time.
 */
static __thread sigjmp_buf bus_jmp;
static __thread volatile sig_atomic_t bus_armed;

static void bus_handler(int sig)
{
	if (!bus_armed) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	bus_armed = 0;
	siglongjmp(bus_jmp, 1);
}

static void bus_install(void)
{
	struct sigaction sa = { .sa_handler = bus_handler };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

/* Returns 0 and *out, or -1 if the read got SIGBUS. */
static int read_word(const void *p, uint64_t *out)
{
	if (sigsetjmp(bus_jmp, 1))
		return -1;
	bus_armed = 1;
	*out = *(const volatile uint64_t *)p;
	bus_armed = 0;
	return 0;
}

/* Value of a "key value" line of the reclaim stats file, or -1. */
static long stat_read(const char *key)
{
	char path[600], line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%.*s/stats",
		 (int)(strrchr(shrink_path, '/') - shrink_path), shrink_path);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ' ')
			v = strtol(line + klen + 1, NULL, 10);
	fclose(f);
	return v;
}

/* drm-purgeable-memory of our DRM file's fdinfo, in bytes, or -1. */
static long long fdinfo_purgeable(void)
{
	char path[64], line[256], unit[16];
	long long v = -1, n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", dev.fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unit[0] = 0;
		if (sscanf(line, "drm-purgeable-memory: %lld %15s", &n, unit) < 1)
			continue;
		v = n;
		if (!strcmp(unit, "KiB"))
			v <<= 10;
		else if (!strcmp(unit, "MiB"))
			v <<= 20;
	}
	fclose(f);
	return v;
}

/* Lines of our BOs in the bos file with state @state and flag letter @flag. */
static int bos_count(const char *state, char flag)
{
	char path[600], line[512], comm[64], st[32], fl[32];
	unsigned long long id, size, res;
	int pid, n = 0;
	char vm[32];
	FILE *f;

	snprintf(path, sizeof(path), "%.*s/bos",
		 (int)(strrchr(shrink_path, '/') - shrink_path), shrink_path);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llu %31s %d %63s %llu %llu %31s %31s", &id, vm, &pid,
			   comm, &size, &res, st, fl) != 8)
			continue;
		if (pid == getpid() && !strcmp(st, state) && strchr(fl, flag))
			n++;
	}
	fclose(f);
	return n;
}

static void expect_u(const char *name, uint64_t got, uint64_t want)
{
	printf("%s=%" PRIu64 "\n", name, got);
	if (got != want)
		bad("%s: %" PRIu64 ", want %" PRIu64, name, got, want);
}

/* A GPU VERIFY of a purged BO's range must fault there, never compare. */
static void gpu_verify_faults(uint32_t vm, uint64_t va, uint64_t size, uint64_t s,
			      const char *what)
{
	struct drm_gpusim_job_wait w;

	CHECK_CALL(gpusim_gpu_verify(&dev, vm, va, size, s, 0, &w));
	printf("%s_status=%s %s_fault_va=0x%" PRIx64 "\n", what,
	       gpusim_job_status_name(w.status), what, (uint64_t)w.fault_va);
	if (w.status != DRM_GPUSIM_JOB_FAULT || w.fault_va < va || w.fault_va >= va + size)
		bad("%s: job %s at 0x%" PRIx64 ", want a fault in [0x%" PRIx64 ", +0x%" PRIx64 ")",
		    what, gpusim_job_status_name(w.status), (uint64_t)w.fault_va, va, size);
}

/*
 * madvise-purge SIZE: a DONTNEED BO with a pattern, reclaimed by a shrink
 * request (the test sets the chain), is purged: WILLNEED says retained=0,
 * the state is discarded with the purged flag, a CPU read of its old and of
 * a new mapping gets SIGBUS, a GPU job on it faults (while a job on a
 * control BO of the same VM still passes), VM_BIND and export of it fail;
 * the stats count it as discarded and the bos file shows the p flag.
 */
static int cmd_madvise_purge(uint64_t size)
{
	uint64_t disc0, rec0, v, s2 = seed + 1;
	struct drm_gpusim_bo_query q;
	uint32_t vm, a, ctl, r;
	long long purgeable;
	void *pa, *pa2;
	int fd;

	bus_install();
	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	CHECK_CALL(gpusim_bo_create(&dev, size, 0, &a));
	CHECK_CALL(gpusim_bo_create(&dev, size, 0, &ctl));
	CHECK_CALL(gpusim_vm_map(&dev, vm, a, 0, VA_A, size));
	CHECK_CALL(gpusim_vm_map(&dev, vm, ctl, 0, VA_B, size));
	CHECK_CALL(gpusim_bo_mmap(&dev, a, size, &pa));
	gpusim_cpu_fill(pa, size, seed, 0);
	gpu_fill(&dev, vm, VA_B, size, s2, 0, "control_fill");
	gpu_verify(&dev, vm, VA_A, size, seed, 0, "a_before");

	r = madvise_ok(&dev, a, DRM_GPUSIM_MADV_DONTNEED);
	expect_u("dontneed_retained", r, 1);
	q = query(&dev, a);
	expect_u("dontneed_flag", !!(q.flags & DRM_GPUSIM_BO_DONTNEED), 1);
	purgeable = fdinfo_purgeable();
	printf("fdinfo_purgeable_bytes=%lld\n", purgeable);
	if (purgeable < (long long)size)
		bad("fdinfo: drm-purgeable-memory %lld < %" PRIu64, purgeable, size);
	/* Still usable until reclaim takes it. */
	check_words("a_dontneed_cpu", pa, size, seed, 0, 0);

	disc0 = (uint64_t)stat_read("discard_reclaimed");
	rec0 = (uint64_t)stat_read("discarded_bytes");
	printf("shrink_freed=%ld\n", shrink(1000000));
	q = query(&dev, a);
	printf("a_state=%s a_flags=0x%x\n", gpusim_bo_state_name(q.state), q.flags);
	expect_u("a_discarded", q.state == DRM_GPUSIM_BO_STATE_DISCARDED, 1);
	expect_u("a_purged_flag", !!(q.flags & DRM_GPUSIM_BO_PURGED), 1);
	expect_u("a_resident_bytes", q.resident_bytes, 0);
	expect_u("stats_discard_reclaimed_pages",
		 (uint64_t)stat_read("discard_reclaimed") - disc0, size / P);
	expect_u("stats_discarded_bytes", (uint64_t)stat_read("discarded_bytes") - rec0, size);
	expect_u("bos_discarded_purged", (uint64_t)bos_count("discarded", 'p'), 1);
	expect_u("control_state_resident",
		 query(&dev, ctl).state == DRM_GPUSIM_BO_STATE_RESIDENT, 1);

	r = madvise_ok(&dev, a, DRM_GPUSIM_MADV_WILLNEED);
	expect_u("willneed_retained", r, 0);
	r = madvise_ok(&dev, a, DRM_GPUSIM_MADV_DONTNEED);
	expect_u("dontneed_again_retained", r, 0);
	r = madvise_ok(&dev, a, DRM_GPUSIM_MADV_WILLNEED);
	expect_u("willneed_again_retained", r, 0);

	expect_u("cpu_read_old_mapping_sigbus", read_word(pa, &v) == -1, 1);
	expect_u("cpu_read_last_word_sigbus",
		 read_word((char *)pa + size - 8, &v) == -1, 1);
	CHECK_CALL(gpusim_bo_mmap(&dev, a, size, &pa2));
	expect_u("cpu_read_new_mapping_sigbus", read_word(pa2, &v) == -1, 1);
	gpu_verify_faults(vm, VA_A, size, seed, "gpu_verify_purged");
	gpu_verify(&dev, vm, VA_B, size, s2, 0, "control_after");
	expect_err("vm_bind_purged", gpusim_vm_map(&dev, vm, a, 0, VA_C, size), EFAULT, 0);
	expect_err("export_purged",
		   drmPrimeHandleToFD(dev.fd, a, DRM_CLOEXEC | DRM_RDWR, &fd) ? -errno : 0,
		   EINVAL, 0);
	q = query(&dev, a);
	expect_u("a_still_purged", q.state == DRM_GPUSIM_BO_STATE_DISCARDED &&
		 (q.flags & DRM_GPUSIM_BO_PURGED) && !q.resident_bytes, 1);
	/* One more shrink: it stays purged, the counters do not move. */
	shrink(1000000);
	expect_u("stats_discarded_bytes_after_2nd_shrink",
		 (uint64_t)stat_read("discarded_bytes") - rec0, size);

	munmap(pa, size);
	munmap(pa2, size);
	CHECK_CALL(gpusim_vm_destroy(&dev, vm));
	CHECK_CALL(gpusim_bo_close(&dev, a));
	CHECK_CALL(gpusim_bo_close(&dev, ctl));
	return finish();
}

/*
 * madvise-retain SIZE: DONTNEED then WILLNEED before any reclaim: retained
 * 1, the BO is an ordinary one again: a shrink request swaps it out (not
 * purged), and the CPU and the GPU read back every word.
 */
static int cmd_madvise_retain(uint64_t size)
{
	struct drm_gpusim_bo_query q;
	uint32_t vm, a, r;
	long long purgeable;
	void *pa;

	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	CHECK_CALL(gpusim_bo_create(&dev, size, 0, &a));
	CHECK_CALL(gpusim_vm_map(&dev, vm, a, 0, VA_A, size));
	CHECK_CALL(gpusim_bo_mmap(&dev, a, size, &pa));
	gpusim_cpu_fill(pa, size, seed, 0);

	expect_u("dontneed_retained", madvise_ok(&dev, a, DRM_GPUSIM_MADV_DONTNEED), 1);
	r = madvise_ok(&dev, a, DRM_GPUSIM_MADV_WILLNEED);
	expect_u("willneed_retained", r, 1);
	q = query(&dev, a);
	expect_u("flags_dontneed_or_purged",
		 q.flags & (DRM_GPUSIM_BO_DONTNEED | DRM_GPUSIM_BO_PURGED), 0);
	purgeable = fdinfo_purgeable();
	printf("fdinfo_purgeable_bytes=%lld\n", purgeable);
	if (purgeable != 0)
		bad("fdinfo: drm-purgeable-memory %lld after WILLNEED", purgeable);

	printf("shrink_freed=%ld\n", shrink(1000000));
	q = query(&dev, a);
	printf("a_state=%s a_flags=0x%x\n", gpusim_bo_state_name(q.state), q.flags);
	/* Else the run proves nothing. */
	expect_u("a_swapped", q.state == DRM_GPUSIM_BO_STATE_SWAPPED, 1);
	expect_u("a_not_purged", q.flags & (DRM_GPUSIM_BO_PURGED | DRM_GPUSIM_BO_CONTENT_LOST), 0);
	check_words("a_cpu_after_swap", pa, size, seed, 0, 0);
	gpu_verify(&dev, vm, VA_A, size, seed, 0, "a_gpu_after_swap");
	/* And again, the GPU faulting it back this time. */
	printf("shrink2_freed=%ld\n", shrink(1000000));
	expect_u("a_swapped_2", query(&dev, a).state == DRM_GPUSIM_BO_STATE_SWAPPED, 1);
	gpu_verify(&dev, vm, VA_A, size, seed, 0, "a_gpu_after_swap_2");
	check_words("a_cpu_after_swap_2", pa, size, seed, 0, 0);
	expect_u("willneed_end_retained", madvise_ok(&dev, a, DRM_GPUSIM_MADV_WILLNEED), 1);

	munmap(pa, size);
	CHECK_CALL(gpusim_vm_destroy(&dev, vm));
	CHECK_CALL(gpusim_bo_close(&dev, a));
	return finish();
}

/*
 * madvise-errors: export of a DONTNEED BO fails, DONTNEED of an exported
 * (or re-imported) BO fails, a discard-on-reclaim BO takes no madvise, bad
 * madv, pad and handle give EINVAL, EINVAL, ENOENT; none of them changes
 * the BO (still WILLNEED: a shrink swaps it out and it reads back).
 */
static int cmd_madvise_errors(void)
{
	uint32_t vm, a, x, disc, imp, r = 7;
	struct drm_gpusim_bo_query q;
	uint64_t size = 16 * P;
	void *pa, *px;
	int fd;

	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	CHECK_CALL(gpusim_bo_create(&dev, size, 0, &a));
	CHECK_CALL(gpusim_bo_create(&dev, size, 0, &x));
	CHECK_CALL(gpusim_bo_create(&dev, size, DRM_GPUSIM_BO_DISCARD_ON_RECLAIM, &disc));
	CHECK_CALL(gpusim_bo_mmap(&dev, a, size, &pa));
	CHECK_CALL(gpusim_bo_mmap(&dev, x, size, &px));
	gpusim_cpu_fill(pa, size, seed, 0);
	gpusim_cpu_fill(px, size, seed + 1, 0);

	/* A DONTNEED BO is not exported... */
	expect_u("a_dontneed_retained", madvise_ok(&dev, a, DRM_GPUSIM_MADV_DONTNEED), 1);
	expect_err("export_dontneed",
		   drmPrimeHandleToFD(dev.fd, a, DRM_CLOEXEC | DRM_RDWR, &fd) ? -errno : 0,
		   EINVAL, 0);
	/* ...until WILLNEED again. */
	expect_u("a_willneed_retained", madvise_ok(&dev, a, DRM_GPUSIM_MADV_WILLNEED), 1);
	fd = export_bo(&dev, a);
	expect_err("dontneed_exported", madvise_raw(&dev, a, DRM_GPUSIM_MADV_DONTNEED, 0, &r),
		   EINVAL, 0);
	expect_u("dontneed_exported_retained_untouched", r, 7);
	/* The import of our own dma-buf is the same BO. */
	if (drmPrimeFDToHandle(dev.fd, fd, &imp))
		die("prime_fd_to_handle", -errno);
	expect_err("dontneed_imported", madvise_raw(&dev, imp, DRM_GPUSIM_MADV_DONTNEED, 0, NULL),
		   EINVAL, 0);
	close(fd);
	expect_err("dontneed_after_dmabuf_closed",
		   madvise_raw(&dev, a, DRM_GPUSIM_MADV_DONTNEED, 0, NULL), EINVAL, 0);
	expect_u("exported_willneed_ok", madvise_ok(&dev, a, DRM_GPUSIM_MADV_WILLNEED), 1);

	expect_err("madv_2", madvise_raw(&dev, x, 2, 0, NULL), EINVAL, 0);
	expect_err("madv_u32_max", madvise_raw(&dev, x, UINT32_MAX, 0, NULL), EINVAL, 0);
	expect_err("pad_1", madvise_raw(&dev, x, DRM_GPUSIM_MADV_DONTNEED, 1, NULL), EINVAL, 0);
	expect_err("pad_high", madvise_raw(&dev, x, DRM_GPUSIM_MADV_DONTNEED, 0x80000000u, NULL),
		   EINVAL, 0);
	expect_err("handle_0", madvise_raw(&dev, 0, DRM_GPUSIM_MADV_DONTNEED, 0, NULL), ENOENT, 0);
	expect_err("handle_bad", madvise_raw(&dev, x + 1000, DRM_GPUSIM_MADV_DONTNEED, 0, NULL),
		   ENOENT, 0);
	expect_err("discard_bo_dontneed",
		   madvise_raw(&dev, disc, DRM_GPUSIM_MADV_DONTNEED, 0, NULL), EINVAL, 0);
	expect_err("discard_bo_willneed",
		   madvise_raw(&dev, disc, DRM_GPUSIM_MADV_WILLNEED, 0, NULL), EINVAL, 0);
	expect_u("x_flags_after_errors",
		 query(&dev, x).flags & (DRM_GPUSIM_BO_DONTNEED | DRM_GPUSIM_BO_PURGED), 0);

	/* Nothing changed: both are swapped out, not purged, and intact. */
	printf("shrink_freed=%ld\n", shrink(1000000));
	q = query(&dev, a);
	expect_u("a_swapped", q.state == DRM_GPUSIM_BO_STATE_SWAPPED &&
		 !(q.flags & DRM_GPUSIM_BO_PURGED), 1);
	q = query(&dev, x);
	expect_u("x_swapped", q.state == DRM_GPUSIM_BO_STATE_SWAPPED &&
		 !(q.flags & DRM_GPUSIM_BO_PURGED), 1);
	check_words("a_after", pa, size, seed, 0, 0);
	check_words("x_after", px, size, seed + 1, 0, 0);

	munmap(pa, size);
	munmap(px, size);
	CHECK_CALL(gpusim_vm_destroy(&dev, vm));
	CHECK_CALL(gpusim_bo_close(&dev, imp == a ? x : imp));
	if (imp != a)
		CHECK_CALL(gpusim_bo_close(&dev, x));
	CHECK_CALL(gpusim_bo_close(&dev, a));
	CHECK_CALL(gpusim_bo_close(&dev, disc));
	return finish();
}

/*
 * madvise-race THREADS SECONDS: each thread keeps BOS_PER_THREAD BOs (each
 * with its own pattern, mapped in the thread's VM and mmapped) and, at
 * random, madvises them DONTNEED or WILLNEED, reads them through the CPU
 * or the GPU, or closes one and creates a new one, while a shrink hammer
 * runs. While a BO is DONTNEED a read sees its pattern or fails (SIGBUS,
 * GPU fault), never anything else; a WILLNEED that says retained=0 must
 * find the BO purged (and the BO is replaced); a BO whose last madvise
 * said WILLNEED, retained=1, is checked word for word, CPU and GPU, at
 * random times and at the end.
 */
#define BOS_PER_THREAD	6
#define RACE_BO_MAX	(16 * P)

struct race_bo {
	uint32_t bo;
	uint64_t size, seed, va;
	void *p;
	int dontneed;
};

struct race_thread {
	int idx;
	double secs;
	uint32_t vm;
	uint64_t rs;
	struct race_bo b[BOS_PER_THREAD];
	long madvs, purged, retained_dontneed, checks, sigbus, gpu_faults, recreated;
};

static void race_bo_new(struct race_thread *t, int i)
{
	struct race_bo *b = &t->b[i];

	b->size = (1 + rnd(&t->rs) % (RACE_BO_MAX / P)) * P;
	b->seed = rnd(&t->rs);
	b->va = VA_A + ((uint64_t)t->idx * BOS_PER_THREAD + (uint64_t)i) * RACE_BO_MAX;
	b->dontneed = 0;
	CHECK_CALL(gpusim_bo_create(&dev, b->size, 0, &b->bo));
	CHECK_CALL(gpusim_vm_map(&dev, t->vm, b->bo, 0, b->va, b->size));
	CHECK_CALL(gpusim_bo_mmap(&dev, b->bo, b->size, &b->p));
	if (rnd(&t->rs) & 1)
		gpusim_cpu_fill(b->p, b->size, b->seed, 0);
	else
		gpu_fill(&dev, t->vm, b->va, b->size, b->seed, 0, "race_fill");
}

static void race_bo_free(struct race_thread *t, int i)
{
	struct race_bo *b = &t->b[i];

	munmap(b->p, b->size);
	CHECK_CALL(gpusim_vm_unmap(&dev, t->vm, b->va, b->size));
	CHECK_CALL(gpusim_bo_close(&dev, b->bo));
}

/* Full check of a BO that must hold its pattern. */
static void race_check_full(struct race_thread *t, int i, const char *tag)
{
	struct race_bo *b = &t->b[i];
	char what[96];
	uint64_t first;

	snprintf(what, sizeof(what), "%s_t%d_bo%u", tag, t->idx, b->bo);
	t->checks++;
	if (gpusim_cpu_verify(b->p, b->size, b->seed, 0, &first))
		check_words(what, b->p, b->size, b->seed, 0, 0);
	gpu_verify(&dev, t->vm, b->va, b->size, b->seed, 0, what);
}

/* A read of a DONTNEED BO: its pattern, or SIGBUS / GPU fault once purged. */
static void race_check_dontneed(struct race_thread *t, int i)
{
	struct race_bo *b = &t->b[i];
	struct drm_gpusim_job_wait w;
	uint64_t off = (rnd(&t->rs) % (b->size / 8)) * 8, v;

	if (rnd(&t->rs) & 1) {
		if (read_word((char *)b->p + off, &v)) {
			t->sigbus++;
			return;
		}
		if (v != gpusim_pattern(b->seed, off / 8))
			bad("race t%d bo%u: DONTNEED CPU read at 0x%" PRIx64 " got 0x%" PRIx64
			    ", want 0x%" PRIx64 " or SIGBUS", t->idx, b->bo, off, v,
			    (uint64_t)gpusim_pattern(b->seed, off / 8));
		return;
	}
	CHECK_CALL(gpusim_gpu_verify(&dev, t->vm, b->va, b->size, b->seed, 0, &w));
	if (w.status == DRM_GPUSIM_JOB_FAULT && w.fault_va >= b->va &&
	    w.fault_va < b->va + b->size) {
		t->gpu_faults++;
		return;
	}
	if (w.status != DRM_GPUSIM_JOB_DONE)
		bad("race t%d bo%u: DONTNEED GPU verify %s at 0x%" PRIx64 " (actual 0x%" PRIx64
		    "), want done or a fault", t->idx, b->bo, gpusim_job_status_name(w.status),
		    (uint64_t)w.fault_va, (uint64_t)w.actual);
}

static void race_willneed(struct race_thread *t, int i)
{
	struct race_bo *b = &t->b[i];
	struct drm_gpusim_bo_query q;
	uint32_t r = madvise_ok(&dev, b->bo, DRM_GPUSIM_MADV_WILLNEED);

	t->madvs++;
	if (r) {
		if (b->dontneed)
			t->retained_dontneed++;
		b->dontneed = 0;
		if (rnd(&t->rs) % 4 == 0)
			race_check_full(t, i, "race_retained");
		return;
	}
	if (!b->dontneed)
		bad("race t%d bo%u: WILLNEED BO purged", t->idx, b->bo);
	q = query(&dev, b->bo);
	if (q.state != DRM_GPUSIM_BO_STATE_DISCARDED || !(q.flags & DRM_GPUSIM_BO_PURGED) ||
	    q.resident_bytes)
		bad("race t%d bo%u: retained=0 but state %s flags 0x%x resident %" PRIu64,
		    t->idx, b->bo, gpusim_bo_state_name(q.state), q.flags,
		    (uint64_t)q.resident_bytes);
	t->purged++;
	race_bo_free(t, i);
	race_bo_new(t, i);
	t->recreated++;
}

static void *race_fn(void *arg)
{
	struct race_thread *t = arg;
	uint64_t end = gpusim_now_ns() + (uint64_t)(t->secs * 1e9);
	int i;

	for (i = 0; i < BOS_PER_THREAD; i++)
		race_bo_new(t, i);
	while (gpusim_now_ns() < end && atomic_load(&failures) == 0) {
		i = (int)(rnd(&t->rs) % BOS_PER_THREAD);
		switch (rnd(&t->rs) % 8) {
		case 0:
		case 1:
			if (madvise_ok(&dev, t->b[i].bo, DRM_GPUSIM_MADV_DONTNEED) == 0 &&
			    !t->b[i].dontneed)
				bad("race t%d bo%u: DONTNEED of a WILLNEED BO said purged",
				    t->idx, t->b[i].bo);
			t->b[i].dontneed = 1;
			t->madvs++;
			break;
		case 2:
		case 3:
			race_willneed(t, i);
			break;
		case 4:
		case 5:
			if (t->b[i].dontneed)
				race_check_dontneed(t, i);
			else
				race_check_full(t, i, "race_willneed");
			break;
		case 6:
			/* Idle a little so that reclaim finds the VM idle. */
			usleep(500 + rnd(&t->rs) % 2000);
			break;
		default:
			race_bo_free(t, i);
			race_bo_new(t, i);
			t->recreated++;
			break;
		}
	}
	return NULL;
}

static int cmd_madvise_race(int nthreads, double secs)
{
	struct race_thread *t;
	long purged = 0, retained = 0, checks = 0, sigbus = 0, faults = 0, madvs = 0;
	int i, j;

	if (nthreads < 1 || nthreads > 16)
		fail("bad_thread_count");
	bus_install();
	t = calloc((size_t)nthreads, sizeof(*t));
	if (!t)
		die("calloc", -ENOMEM);
	hammer_start();
	for (i = 0; i < nthreads; i++) {
		t[i].idx = i;
		t[i].secs = secs;
		t[i].rs = seed + 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1);
		CHECK_CALL(gpusim_vm_create(&dev, &t[i].vm));
	}
	{
		pthread_t tid[16];

		for (i = 0; i < nthreads; i++)
			if (pthread_create(&tid[i], NULL, race_fn, &t[i]))
				die("pthread_create", -EAGAIN);
		for (i = 0; i < nthreads; i++)
			pthread_join(tid[i], NULL);
	}
	hammer_end();

	/*
	 * The end: every BO whose last madvise was WILLNEED (retained=1, or
	 * never madvised) holds its pattern word for word; every DONTNEED BO
	 * is either intact (WILLNEED says retained=1, then checked) or purged.
	 */
	printf("final_shrink_freed=%ld\n", shrink(1000000));
	for (i = 0; i < nthreads; i++) {
		for (j = 0; j < BOS_PER_THREAD; j++) {
			if (!t[i].b[j].dontneed) {
				struct drm_gpusim_bo_query q = query(&dev, t[i].b[j].bo);

				if (q.flags & (DRM_GPUSIM_BO_PURGED | DRM_GPUSIM_BO_DONTNEED))
					bad("final t%d bo%u: WILLNEED BO has flags 0x%x", i,
					    t[i].b[j].bo, q.flags);
				race_check_full(&t[i], j, "final");
			} else {
				race_willneed(&t[i], j);
				if (!t[i].b[j].dontneed)
					race_check_full(&t[i], j, "final_retained");
			}
			race_bo_free(&t[i], j);
		}
		purged += t[i].purged;
		retained += t[i].retained_dontneed;
		checks += t[i].checks;
		sigbus += t[i].sigbus;
		faults += t[i].gpu_faults;
		madvs += t[i].madvs;
		CHECK_CALL(gpusim_vm_destroy(&dev, t[i].vm));
	}
	printf("threads=%d madvises=%ld purged=%ld retained_after_dontneed=%ld full_checks=%ld"
	       " dontneed_sigbus=%ld dontneed_gpu_faults=%ld\n", nthreads, madvs, purged,
	       retained, checks, sigbus, faults);
	/* Else the run proves nothing. */
	if (!atomic_load(&failures) && (!purged || !retained))
		bad("race: purged=%ld retained_after_dontneed=%ld, want both > 0", purged,
		    retained);
	free(t);
	return finish();
}

static void usage(void)
{
	fprintf(stderr,
		"usage: gpusim-hostile [-d NODE] [-s SEED] COMMAND [ARGS]\n"
		"commands: dmabuf-mmap SIZE VICTIMS [swapout|discard|both] | fork SIZE |\n"
		"          churn THREADS SECONDS [MAXSIZE [LIVE]] | unmap-during-scan SECONDS |\n"
		"          share SIZE | bind-storm SECONDS | sizes | madvise-purge SIZE |\n"
		"          madvise-retain SIZE | madvise-errors | madvise-race THREADS SECONDS\n");
	exit(EXIT_USAGE);
}

static double parse_secs(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (*end || v <= 0 || v > 3600) {
		fprintf(stderr, "bad seconds '%s'\n", s);
		exit(EXIT_USAGE);
	}
	return v;
}

int main(int argc, char **argv)
{
	const char *node = NULL, *cmd;
	int opt, ret;

	while ((opt = getopt(argc, argv, "d:s:")) != -1) {
		switch (opt) {
		case 'd':
			node = optarg;
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	cmd = argv[optind++];
	argc -= optind;
	argv += optind;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	ret = gpusim_open(&dev, node);
	if (ret)
		die("open", ret);
	find_reclaim();
	printf("device=%s shrink=%s\n", dev.path, shrink_path[0] ? shrink_path : "-");

	if (!strcmp(cmd, "dmabuf-mmap") && argc >= 2)
		ret = cmd_dmabuf(parse_size(argv[0]), parse_size(argv[1]),
				 argc > 2 ? argv[2] : "both");
	else if (!strcmp(cmd, "fork") && argc >= 1)
		ret = cmd_fork(parse_size(argv[0]));
	else if (!strcmp(cmd, "churn") && argc >= 2)
		ret = cmd_churn(atoi(argv[0]), parse_secs(argv[1]),
				argc > 2 ? parse_size(argv[2]) : 256u << 10,
				argc > 3 ? atoi(argv[3]) : 4);
	else if (!strcmp(cmd, "unmap-during-scan") && argc >= 1)
		ret = cmd_unmap_during_scan(parse_secs(argv[0]));
	else if (!strcmp(cmd, "share") && argc >= 1)
		ret = cmd_share(parse_size(argv[0]));
	else if (!strcmp(cmd, "bind-storm") && argc >= 1)
		ret = cmd_bind_storm(parse_secs(argv[0]));
	else if (!strcmp(cmd, "sizes"))
		ret = cmd_sizes();
	else if (!strcmp(cmd, "madvise-purge") && argc >= 1)
		ret = cmd_madvise_purge(parse_size(argv[0]));
	else if (!strcmp(cmd, "madvise-retain") && argc >= 1)
		ret = cmd_madvise_retain(parse_size(argv[0]));
	else if (!strcmp(cmd, "madvise-errors"))
		ret = cmd_madvise_errors();
	else if (!strcmp(cmd, "madvise-race") && argc >= 2)
		ret = cmd_madvise_race(atoi(argv[0]), parse_secs(argv[1]));
	else
		usage();
	return ret;
}
