// SPDX-License-Identifier: MIT
/*
 * gpusim-fuzz: throw random and boundary ioctl calls at gpusim.
 *
 *   gpusim-fuzz [-d DEVICE] [-n CALLS] [-s SEED] [-t THREADS]
 *
 * Mixes well-formed calls (so that VMs, BOs, mappings and jobs exist) with
 * calls whose every field is drawn from a table of boundary values (0, 1,
 * page +-1, alignment, end of the VA ranges, overflow, all ones, existing
 * and stale handles) and with raw ioctls of random number, size and content
 * in gpusim's range. The kernel must reject bad input with an errno and
 * never oops or warn; the in-guest test then checks the object counters.
 * Memory stays bounded (at most 64 BOs of 256 KiB and 64 VMs with heaps of
 * 256 KiB live at a time, shared out among the threads; VMs reset every
 * 1024 calls): BOs created with a larger random size are closed
 * at once, VMs whose heap could grow larger are destroyed at once, and raw
 * ioctls never create objects.
 *
 * Prints "calls=N ok=N errors=N" and per-errno counts; exit 0 unless the
 * device cannot be opened or an ioctl returns an errno that no gpusim path
 * returns.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "libgpusim.h"

#define MAX_OBJS	64

/*
 * Threads share the device file (and so each other's VMs, BOs and jobs,
 * reached through small-integer boundary values) but not their tables.
 */
static struct gpusim_dev dev;
static uint32_t syncs[8];
/*
 * Threads share the handle space, so a BO created with a large random size
 * could be bound or faulted in by another thread (populating gigabytes)
 * before its creator closes it. Creating and closing such a BO holds this
 * lock for writing; every other operation holds it for reading.
 */
static pthread_rwlock_t big_lock = PTHREAD_RWLOCK_INITIALIZER;
/* Objects each thread keeps: MAX_OBJS shared out among the threads. */
static unsigned int max_objs = MAX_OBJS;
static _Thread_local uint64_t rng_state;
static _Thread_local uint32_t vms[MAX_OBJS], bos[MAX_OBJS], jobs[MAX_OBJS];
static _Thread_local uint64_t bo_sizes[MAX_OBJS];
static _Thread_local unsigned int nvms, nbos, njobs;
static _Thread_local unsigned long calls, oks, errs[256];

struct fuzz_thread {
	pthread_t thread;
	uint64_t seed;
	unsigned long n, calls, oks, errs[256];
};

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static const uint64_t boundary[] = {
	0, 1, 7, 8, 9, 4095, 4096, 4097, 8192, 65536, 0x10000 - 4096,
	GPUSIM_USER_VA_START, GPUSIM_USER_VA_START + 4096,
	GPUSIM_USER_VA_END - 4096, GPUSIM_USER_VA_END, GPUSIM_USER_VA_END + 4096,
	GPUSIM_HEAP_VA, GPUSIM_VA_END - 4096, GPUSIM_VA_END, GPUSIM_VA_END + 4096,
	GPUSIM_BO_MAX_SIZE - 1, GPUSIM_BO_MAX_SIZE, GPUSIM_BO_MAX_SIZE + 1,
	0x7fffffffull, 0x80000000ull, 0xffffffffull, 0x100000000ull,
	INT64_MAX, (uint64_t)INT64_MAX + 1, UINT64_MAX - 4095, UINT64_MAX - 7,
	UINT64_MAX,
};

static uint64_t pick64(void)
{
	switch (rnd_below(4)) {
	case 0:
		return rnd();
	case 1:
		return rnd_below(1 << 20) & ~7ull;
	default:
		return boundary[rnd_below(sizeof(boundary) / sizeof(boundary[0]))];
	}
}

static uint32_t pick_vm(void)
{
	if (nvms && rnd_below(4))
		return vms[rnd_below(nvms)];
	return (uint32_t)pick64();
}

static uint32_t pick_bo(void)
{
	if (nbos && rnd_below(4))
		return bos[rnd_below(nbos)];
	return (uint32_t)pick64();
}

/* A VA in the region where the valid calls map things. */
static uint64_t pick_va(void)
{
	if (rnd_below(3))
		return 0x100000000ull + (rnd_below(64) << 16);
	return pick64();
}

static uint64_t pick_size(void)
{
	if (rnd_below(3))
		return (rnd_below(16) + 1) << 12;
	return pick64();
}

static int do_ioctl(unsigned long req, void *arg)
{
	int ret = drmIoctl(dev.fd, req, arg) ? errno : 0;

	calls++;
	if (!ret)
		oks++;
	else
		errs[ret & 0xff]++;
	return ret;
}

static void add_obj(uint32_t *arr, unsigned int *n, uint32_t v)
{
	if (*n < max_objs)
		arr[(*n)++] = v;
	else
		arr[rnd_below(max_objs)] = v;
}

static void fuzz_vm_create(void)
{
	struct drm_gpusim_vm_create c = { 0 };
	int valid = rnd_below(2);

	if (!valid) {
		c.flags = (uint32_t)pick64();
		c.heap_chunk_size = (uint32_t)pick64();
		c.heap_max_chunks = (uint32_t)pick64();
	} else {
		c.heap_chunk_size = 4096u << rnd_below(3);
		c.heap_max_chunks = (uint32_t)rnd_below(16);
	}
	if (do_ioctl(DRM_IOCTL_GPUSIM_VM_CREATE, &c))
		return;
	if ((uint64_t)c.heap_chunk_size * c.heap_max_chunks > (256u << 10)) {
		struct drm_gpusim_vm_destroy d = { .vm_id = c.vm_id };

		do_ioctl(DRM_IOCTL_GPUSIM_VM_DESTROY, &d);
		return;
	}
	if (nvms == max_objs) {
		/* Table full: destroy the VM that leaves it, or it would pile up. */
		unsigned int i = rnd_below(max_objs);
		struct drm_gpusim_vm_destroy d = { .vm_id = vms[i] };

		do_ioctl(DRM_IOCTL_GPUSIM_VM_DESTROY, &d);
		vms[i] = c.vm_id;
		return;
	}
	vms[nvms++] = c.vm_id;
}

static void fuzz_vm_destroy(void)
{
	struct drm_gpusim_vm_destroy d = { .vm_id = pick_vm() };

	if (!rnd_below(8))
		d.pad = (uint32_t)pick64();
	/* Keep a few VMs around most of the time. */
	if (nvms < 4 && rnd_below(4))
		return;
	do_ioctl(DRM_IOCTL_GPUSIM_VM_DESTROY, &d);
}

static void fuzz_vm_query(void)
{
	struct drm_gpusim_vm_query q = { .vm_id = pick_vm() };

	do_ioctl(DRM_IOCTL_GPUSIM_VM_QUERY, &q);
}

static void fuzz_bo_create(void)
{
	struct drm_gpusim_bo_create c = { 0 };
	int small = rnd_below(4) != 0;

	c.size = small ? (rnd_below(16) + 1) * 4096 - rnd_below(2) : pick64();
	c.flags = rnd_below(4) ? (uint32_t)rnd_below(4) : (uint32_t)pick64();
	if (c.size > (256 << 10)) {
		pthread_rwlock_wrlock(&big_lock);
		if (!do_ioctl(DRM_IOCTL_GPUSIM_BO_CREATE, &c)) {
			struct drm_gem_close cl = { .handle = c.handle };

			do_ioctl(DRM_IOCTL_GEM_CLOSE, &cl);
		}
		pthread_rwlock_unlock(&big_lock);
		return;
	}
	pthread_rwlock_rdlock(&big_lock);
	if (do_ioctl(DRM_IOCTL_GPUSIM_BO_CREATE, &c)) {
		pthread_rwlock_unlock(&big_lock);
		return;
	}
	pthread_rwlock_unlock(&big_lock);
	if (nbos == max_objs) {
		unsigned int i = rnd_below(max_objs);
		struct drm_gem_close cl = { .handle = bos[i] };

		do_ioctl(DRM_IOCTL_GEM_CLOSE, &cl);
		bos[i] = c.handle;
		bo_sizes[i] = c.size;
		return;
	}
	bo_sizes[nbos] = c.size;
	bos[nbos++] = c.handle;
}

static void fuzz_bo_close(void)
{
	struct drm_gem_close cl = { .handle = pick_bo() };

	if (nbos < 8 && rnd_below(4))
		return;
	do_ioctl(DRM_IOCTL_GEM_CLOSE, &cl);
}

static void fuzz_bo_query(void)
{
	struct drm_gpusim_bo_query q = { .handle = pick_bo() };

	do_ioctl(DRM_IOCTL_GPUSIM_BO_QUERY, &q);
}

static void fuzz_mmap(void)
{
	struct drm_gpusim_bo_mmap_offset m = { .handle = pick_bo() };
	uint64_t len;
	void *p;

	if (!rnd_below(8))
		m.pad = (uint32_t)pick64();
	if (do_ioctl(DRM_IOCTL_GPUSIM_BO_MMAP_OFFSET, &m))
		return;
	len = rnd_below(3) ? 4096 * (rnd_below(4) + 1) : pick_size();
	if (len > (1 << 20))
		len = 4096;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 rnd_below(8) ? MAP_SHARED : MAP_PRIVATE, dev.fd,
		 (off_t)(m.offset + (rnd_below(4) ? 0 : rnd_below(4) * 4096)));
	calls++;
	if (p == MAP_FAILED) {
		errs[errno & 0xff]++;
		return;
	}
	oks++;
	/* Touch the first page only: the BO may be shorter than len (SIGBUS). */
	((volatile char *)p)[rnd_below(4096)] = (char)rnd();
	munmap(p, len);
}

static void fuzz_bind(void)
{
	struct drm_gpusim_vm_bind b = { 0 };

	b.vm_id = pick_vm();
	b.op = rnd_below(8) ? (uint32_t)rnd_below(2) : (uint32_t)pick64();
	if (b.op == DRM_GPUSIM_BIND_MAP || rnd_below(8) == 0)
		b.handle = pick_bo();
	b.flags = rnd_below(16) ? 0 : (uint32_t)pick64();
	b.bo_offset = rnd_below(4) ? rnd_below(4) * 4096 : pick64();
	b.va = pick_va();
	b.size = pick_size();
	if (b.op == DRM_GPUSIM_BIND_UNMAP && rnd_below(4))
		b.bo_offset = 0;
	do_ioctl(DRM_IOCTL_GPUSIM_VM_BIND, &b);
}

static void random_cmd(struct drm_gpusim_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->op = rnd_below(8) ? (uint32_t)rnd_below(5) : (uint32_t)pick64();
	c->flags = rnd_below(16) ? 0 : (uint32_t)pick64();
	switch (c->op) {
	case DRM_GPUSIM_CMD_FILL:
	case DRM_GPUSIM_CMD_VERIFY:
		c->va = pick_va();
		c->size = rnd_below(2) ? (rnd_below(64) + 1) * 8 : pick_size();
		c->seed = rnd();
		c->pattern_offset = rnd_below(4) ? 0 : pick64();
		break;
	case DRM_GPUSIM_CMD_COPY:
		c->va = pick_va();
		c->src_va = pick_va();
		c->size = rnd_below(2) ? (rnd_below(64) + 1) * 8 : pick_size();
		break;
	case DRM_GPUSIM_CMD_HEAP_GROW:
		c->size = rnd_below(4) ? rnd_below(4) : pick64();
		/* Bound memory: large but valid counts become 16 chunks. */
		if (c->size > 16 && c->size <= 4096)
			c->size = 16;
		break;
	default:
		if (!rnd_below(4))
			c->va = pick64();
		break;
	}
}

static void fuzz_submit(void)
{
	struct drm_gpusim_cmd cmds[8];
	struct drm_gpusim_submit s = { 0 };
	unsigned int i, n = (unsigned int)rnd_below(8) + 1;

	for (i = 0; i < n; i++)
		random_cmd(&cmds[i]);
	s.vm_id = pick_vm();
	s.flags = rnd_below(8) ? (uint32_t)rnd_below(2) : (uint32_t)pick64();
	s.cmds = rnd_below(16) ? (uint64_t)(uintptr_t)cmds : pick64();
	s.cmd_count = rnd_below(8) ? n : (uint32_t)pick64();
	if (s.cmd_count > n && s.cmds == (uint64_t)(uintptr_t)cmds)
		s.cmd_count = n;	/* never let the kernel read past cmds[] */
	s.cmd_stride = rnd_below(16) ? sizeof(cmds[0]) : (uint32_t)pick64();
	s.out_sync = rnd_below(4) ? 0 : (rnd_below(2) ? syncs[rnd_below(8)] : (uint32_t)pick64());
	if (!do_ioctl(DRM_IOCTL_GPUSIM_SUBMIT, &s) && s.job_id)
		add_obj(jobs, &njobs, s.job_id);
}

static void fuzz_wait(void)
{
	struct drm_gpusim_job_wait w = { 0 };

	w.job_id = njobs && rnd_below(4) ? jobs[rnd_below(njobs)] : (uint32_t)pick64();
	w.flags = rnd_below(8) ? (uint32_t)rnd_below(4) : (uint32_t)pick64();
	if (w.flags & DRM_GPUSIM_WAIT_BLOCK)
		w.timeout_ns = rnd_below(4) ? (int64_t)rnd_below(10000000) : (int64_t)pick64();
	do_ioctl(DRM_IOCTL_GPUSIM_JOB_WAIT, &w);
}

/* A raw ioctl in gpusim's range with random size and content. */
static void fuzz_raw(void)
{
	uint64_t buf[64];
	/*
	 * Creation ioctls are left out: an untracked object could not be kept
	 * within the memory bounds described at the top.
	 */
	static const unsigned char nrs[] = {
		DRM_GPUSIM_VM_DESTROY, DRM_GPUSIM_VM_QUERY, DRM_GPUSIM_BO_MMAP_OFFSET,
		DRM_GPUSIM_BO_QUERY, DRM_GPUSIM_VM_BIND, DRM_GPUSIM_SUBMIT,
		DRM_GPUSIM_JOB_WAIT, 9, 10, 11, 12, 13, 14, 15,
	};
	unsigned int nr = DRM_COMMAND_BASE + nrs[rnd_below(sizeof(nrs))];
	unsigned int size = (unsigned int)rnd_below(sizeof(buf) + 1);
	unsigned int dir = (unsigned int)rnd_below(4);
	unsigned int i;
	unsigned long req = _IOC(dir, DRM_IOCTL_BASE, nr, size);

	for (i = 0; i < 64; i++)
		buf[i] = pick64();
	/* Keep user pointers in submit valid or clearly bad, never wild writes. */
	calls++;
	if (ioctl(dev.fd, req, buf))
		errs[errno & 0xff]++;
	else
		oks++;
}

/*
 * Every 1024 calls: drain statuses so that submits keep being accepted, and
 * destroy this thread's VMs, which keep alive every BO mapped in them even
 * after its handle was closed (memory would otherwise grow with the run).
 */
static void drain_jobs(void)
{
	unsigned int i;

	for (i = 0; i < nvms; i++) {
		struct drm_gpusim_vm_destroy d = { .vm_id = vms[i] };

		do_ioctl(DRM_IOCTL_GPUSIM_VM_DESTROY, &d);
	}
	nvms = 0;

	for (i = 0; i < njobs; i++) {
		struct drm_gpusim_job_wait w = {
			.job_id = jobs[i], .flags = DRM_GPUSIM_WAIT_BLOCK,
			.timeout_ns = 1000000000,
		};

		do_ioctl(DRM_IOCTL_GPUSIM_JOB_WAIT, &w);
	}
	njobs = 0;
}

static void *fuzz_thread_main(void *arg)
{
	struct fuzz_thread *ft = arg;

	rng_state = ft->seed;
	while (calls < ft->n) {
		unsigned int op = (unsigned int)rnd_below(16);

		if (op == 3 || op == 4) {
			fuzz_bo_create();	/* takes big_lock itself */
			continue;
		}
		pthread_rwlock_rdlock(&big_lock);
		switch (op) {
		case 0: fuzz_vm_create(); break;
		case 1: fuzz_vm_destroy(); break;
		case 2: fuzz_vm_query(); break;
		case 5: fuzz_bo_close(); break;
		case 6: fuzz_bo_query(); break;
		case 7: fuzz_mmap(); break;
		case 8: case 9: case 10: fuzz_bind(); break;
		case 11: case 12: fuzz_submit(); break;
		case 13: fuzz_wait(); break;
		default: fuzz_raw(); break;
		}
		if (calls % 1024 == 0)
			drain_jobs();
		pthread_rwlock_unlock(&big_lock);
	}
	pthread_rwlock_rdlock(&big_lock);
	drain_jobs();
	pthread_rwlock_unlock(&big_lock);
	ft->calls = calls;
	ft->oks = oks;
	memcpy(ft->errs, errs, sizeof(errs));
	return NULL;
}

int main(int argc, char **argv)
{
	static struct fuzz_thread ft[16];
	unsigned long n = 100000, i, total = 0, total_ok = 0, total_errs[256] = { 0 };
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	unsigned int e, t, nthreads = 1;
	const char *path = NULL;
	int opt, ret;

	while ((opt = getopt(argc, argv, "d:n:s:t:")) != -1) {
		switch (opt) {
		case 'd': path = optarg; break;
		case 'n': n = strtoul(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0) | 1; break;
		case 't': nthreads = (unsigned int)strtoul(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: gpusim-fuzz [-d DEVICE] [-n CALLS] [-s SEED] [-t THREADS]\n");
			return 2;
		}
	}
	if (!nthreads || nthreads > 16) {
		fprintf(stderr, "gpusim-fuzz: 1 to 16 threads\n");
		return 2;
	}
	max_objs = MAX_OBJS / nthreads;
	printf("seed=0x%" PRIx64 " calls_requested=%lu threads=%u\n", seed, n, nthreads);

	ret = gpusim_open(&dev, path);
	if (ret) {
		printf("result=fail reason=open errno=%d\n", -ret);
		return 3;
	}
	for (i = 0; i < 8; i++)
		if (drmSyncobjCreate(dev.fd, 0, &syncs[i]))
			syncs[i] = 0;

	for (t = 0; t < nthreads; t++) {
		ft[t].seed = seed + 0x9e3779b97f4a7c15ull * t;
		ft[t].n = (n + nthreads - 1) / nthreads;
		if (pthread_create(&ft[t].thread, NULL, fuzz_thread_main, &ft[t])) {
			printf("result=fail reason=pthread_create\n");
			return 3;
		}
	}
	for (t = 0; t < nthreads; t++) {
		pthread_join(ft[t].thread, NULL);
		total += ft[t].calls;
		total_ok += ft[t].oks;
		for (e = 0; e < 256; e++)
			total_errs[e] += ft[t].errs[e];
	}

	printf("calls=%lu ok=%lu errors=%lu\n", total, total_ok, total - total_ok);
	for (e = 1; e < 256; e++)
		if (total_errs[e])
			printf("errno_%s=%lu\n", strerrorname_np((int)e) ?: "unknown", total_errs[e]);
	gpusim_close(&dev);

	/* errnos gpusim never returns (besides the mmap path's own) */
	if (total_errs[EPIPE] || total_errs[ENOTTY] > total / 2) {
		printf("result=fail reason=unexpected_errno\n");
		return 1;
	}
	printf("result=pass\n");
	return 0;
}
