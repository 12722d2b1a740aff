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
 *
 *   gpusim-fuzz -S [-d DEVICE] [-n OPS] [-T SECONDS] [-s SEED] [-P PROCS]
 *                  [-F FORKS] [-m BYTES] [-i INDEX] [-o|-D] [-v]
 *
 * Stateful mode: PROCS processes run random sequences of real operations
 * and check every read of BO memory against a model; see "Stateful mode"
 * below and tools/gpusim/README.md. Exit 0 pass, 1 a check failed, 2 usage,
 * 3 device error.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
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

/* Stateful mode (-S) ---------------------------------------------------------
 *
 * Worker processes run random sequences of well-formed operations on their
 * own BOs, VMs, mappings and dma-bufs, and keep a model of what every page
 * of every BO holds: the seed of the last fill of that page (0: zeros), and
 * the tick of that write. A page of seed s at page index p holds
 * gpusim_pattern(s, (p * 4096 + o) / 8) at byte offset o, so data of another
 * BO, another page or an older write never matches by chance.
 *
 * Every read (CPU through the GEM mmap of either DRM file or the dma-buf
 * mmap, GPU VERIFY per page, GPU COPY into a scratch BO read by the CPU) is
 * checked word for word. A normal BO must always match. A discard-on-reclaim
 * BO may lose its content at any moment (reclaim drops all its pages at
 * once): a page may then read as zeros, or, read while the discard happens,
 * as a prefix of its content followed by zeros. Seeing zeros on page p
 * proves a discard after p's last write, so every page written no later
 * than p must read zero from then on, and if p was written after the BO's
 * last BO_QUERY, the next BO_QUERY must report DRM_GPUSIM_BO_CONTENT_LOST.
 * A query that reports it zeroes (in the model) every page written before
 * the previous query; a query of a BO without pages (unbacked, discarded)
 * is repeated and must then not report it again. A CPU write to a discard
 * BO is bracketed by queries and redone if a discard may have torn it.
 */

#define S_MAX_BOS	48
#define S_MAX_VMS	6
#define S_MAX_ENTRIES	64
#define S_SLOTS		64		/* GPU VA slots of 1 MiB per VM */
#define S_SLOT_VA(s)	(0x100000000ull + ((uint64_t)(s) << 20))
#define S_SCRATCH_VA	0x10000000ull
#define S_MAX_PAGES	64		/* 256 KiB: largest BO, longest range */
#define S_WORDS		(GPUSIM_PAGE / 8)
#define S_MAX_PROCS	16
#define S_MAX_FORKS	4
#define S_MAX_SLOTS	(S_MAX_PROCS * (1 + S_MAX_FORKS))
#define S_JOB_TIMEOUT	(60ll * 1000000000ll)

enum s_op {
	SOP_CREATE, SOP_CLOSE, SOP_MMAP, SOP_MMAP2, SOP_MMAP_DMABUF, SOP_MUNMAP,
	SOP_EXPORT, SOP_IMPORT, SOP_CLOSE_FD, SOP_VM_CREATE, SOP_VM_DESTROY,
	SOP_MAP, SOP_UNMAP, SOP_GPU_WRITE, SOP_GPU_READ, SOP_CPU_WRITE,
	SOP_CPU_READ, SOP_QUERY, SOP_SHRINK, SOP_POLICY, SOP_IDLE, SOP_FORK,
	SOP_FINAL_CHECK, SOP_NR
};

static const char *const s_op_names[SOP_NR] = {
	"bo_create", "bo_close", "mmap_gem", "mmap_gem_file2", "mmap_dmabuf",
	"munmap", "prime_export", "prime_import", "dmabuf_close", "vm_create",
	"vm_destroy", "vm_map", "vm_unmap", "gpu_write", "gpu_read", "cpu_write",
	"cpu_read", "bo_query", "shrink", "policy", "idle_threshold", "fork",
	"final_check",
};

/* Relative weights of the operations in a sequence. */
static const unsigned int s_op_weight[SOP_NR] = {
	[SOP_CREATE] = 8, [SOP_CLOSE] = 3, [SOP_MMAP] = 5, [SOP_MMAP2] = 2,
	[SOP_MMAP_DMABUF] = 3, [SOP_MUNMAP] = 3, [SOP_EXPORT] = 2,
	[SOP_IMPORT] = 3, [SOP_CLOSE_FD] = 2, [SOP_VM_CREATE] = 2,
	[SOP_VM_DESTROY] = 1, [SOP_MAP] = 10, [SOP_UNMAP] = 4,
	[SOP_GPU_WRITE] = 9, [SOP_GPU_READ] = 10, [SOP_CPU_WRITE] = 9,
	[SOP_CPU_READ] = 10, [SOP_QUERY] = 5, [SOP_SHRINK] = 4,
	[SOP_POLICY] = 1, [SOP_IDLE] = 1, [SOP_FORK] = 1,
};

/* Per-process results, in memory shared by every process of the run. */
struct s_slot {
	int used, done, failed, pad;
	uint64_t seed;
	unsigned long calls[SOP_NR], oks[SOP_NR];
	unsigned long mismatches, lost_reports, discards_seen, torn_retries;
};

struct s_page {
	uint64_t seed;		/* 0: zeros */
	uint64_t wtick;		/* tick of the last write */
	int torn;		/* each word: the pattern or zero */
};

/* Mappings of a BO in the model: GEM mmap via file 0, via file 1, dma-buf. */
enum { MAP_GEM0, MAP_GEM1, MAP_DMABUF, MAP_NR };
static const char *const s_map_names[MAP_NR] = { "mmap_gem", "mmap_gem_file2", "mmap_dmabuf" };

struct s_bo {
	int live;
	unsigned int id;	/* creation number in this process */
	uint32_t h[2];		/* GEM handles in file 0 and file 1, 0: none */
	uint32_t flags;
	unsigned int npages;
	void *map[MAP_NR];
	int pfd;		/* dma-buf fd, -1: none */
	int exported;		/* was ever exported */
	int dmabuf_mapped;	/* was ever mapped through its dma-buf */
	uint64_t last_query;	/* tick of the last BO_QUERY */
	int need_report;	/* a discard after last_query was seen */
	struct s_page pg[S_MAX_PAGES];
};

struct s_entry {
	int bo;
	unsigned int bopage, npages;
	uint64_t va;
};

struct s_vm {
	int live, fdi;
	uint32_t id;
	unsigned int nent;
	struct s_entry ent[S_MAX_ENTRIES];
};

static struct {
	/* run-wide */
	uint64_t master_seed;
	const char *path;
	char shrink_path[400], knob_dir[400];
	uint64_t deadline_ns;
	unsigned long budget_bytes;
	int verbose, offset_at_create, no_offset_after_dmabuf;
	struct s_slot *slots;
	/* this process */
	char name[16];
	int slot_idx;
	uint64_t seed;
	unsigned long n_ops, op;
	const char *op_name;
	uint64_t tick;
	unsigned int forks_left, nchildren, next_id;
	pid_t children[S_MAX_FORKS];
	struct gpusim_dev dev[2];
	uint32_t scratch[2];
	uint64_t *scratch_map[2];
	unsigned long live_bytes;
	struct s_bo bo[S_MAX_BOS];
	struct s_vm vm[S_MAX_VMS];
} S;

static struct s_slot *s_me(void)
{
	return &S.slots[S.slot_idx];
}

static void s_exit(int code)
{
	unsigned int i;
	int status;

	/* A failing process still reaps its children (they stop at the deadline). */
	fflush(stdout);
	for (i = 0; i < S.nchildren; i++) {
		if (waitpid(S.children[i], &status, 0) != S.children[i])
			continue;
		if (WIFSIGNALED(status))
			printf("ERROR seed=0x%" PRIx64 " proc=%s.%u killed by signal %d (%s)\n",
			       S.master_seed, S.name, i, WTERMSIG(status),
			       strsignal(WTERMSIG(status)));
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			code = code ? code : 1;
	}
	S.nchildren = 0;
	s_me()->failed = code != 0;
	s_me()->done = 1;
	fflush(stdout);
	fflush(stderr);
	_exit(code);
}

static void s_ioctl_fail(const char *what, int err)
{
	printf("ERROR seed=0x%" PRIx64 " proc=%s proc_seed=0x%" PRIx64 " op=%lu (%s): %s failed errno=%d (%s)\n",
	       S.master_seed, S.name, S.seed, S.op, S.op_name, what, err,
	       strerror(err));
	s_exit(1);
}

/* ENOMEM (and ENOSPC) can happen under memory pressure; anything else is a bug. */
static int s_check_ret(const char *what, int ret)
{
	if (!ret)
		return 0;
	if (ret == -ENOMEM || ret == -ENOSPC)
		return ret;
	s_ioctl_fail(what, -ret);
	return ret;
}

static void s_mismatch(struct s_bo *b, unsigned int page, unsigned int off,
		       uint64_t expected, uint64_t actual, const char *via,
		       const char *why)
{
	struct s_page *pg = &b->pg[page];

	s_me()->mismatches++;
	printf("MISMATCH seed=0x%" PRIx64 " proc=%s proc_seed=0x%" PRIx64 " op=%lu (%s) bo=%u handle=%u size=%u discard=%d exported=%d dmabuf_mapped=%d page=%u offset=0x%x expected=0x%016" PRIx64 " actual=0x%016" PRIx64 " via=%s page_seed=0x%" PRIx64 " page_written_tick=%" PRIu64 " tick=%" PRIu64 " (%s)\n",
	       S.master_seed, S.name, S.seed, S.op, S.op_name, b->id,
	       b->h[0] ? b->h[0] : b->h[1], b->npages * GPUSIM_PAGE,
	       !!(b->flags & DRM_GPUSIM_BO_DISCARD_ON_RECLAIM), b->exported,
	       b->map[MAP_DMABUF] != NULL, page, off, expected, actual, via,
	       pg->seed, pg->wtick, S.tick, why);
	printf("result=fail reason=mismatch\n");
	s_exit(1);
}

static uint64_t s_expected(const struct s_page *pg, unsigned int page, unsigned int word)
{
	return pg->seed ? gpusim_pattern(pg->seed, (uint64_t)page * S_WORDS + word) : 0;
}

/* Zeros seen on page p: a discard happened after p's last write. */
static void s_evidence(struct s_bo *b, unsigned int p)
{
	uint64_t w = b->pg[p].wtick;
	unsigned int q;

	s_me()->discards_seen++;
	if (w > b->last_query)
		b->need_report = 1;
	for (q = 0; q < b->npages; q++)
		if (!b->pg[q].torn && b->pg[q].wtick <= w)
			b->pg[q].seed = 0;
}

/* Check one page read as @w (a snapshot of it) against the model. */
static void s_check_page(struct s_bo *b, unsigned int p, const uint64_t *w,
			 const char *via)
{
	struct s_page *pg = &b->pg[p];
	int discard = !!(b->flags & DRM_GPUSIM_BO_DISCARD_ON_RECLAIM);
	unsigned int i, j;

	for (i = 0; i < S_WORDS; i++) {
		uint64_t e = s_expected(pg, p, i);

		if (w[i] == e)
			continue;
		if (!discard || w[i] != 0)
			s_mismatch(b, p, i * 8, e, w[i], via,
				   discard ? "neither the content nor zero" :
				   "content of a normal BO changed");
		if (pg->torn)
			continue;
		/* A discard: zeros up to the end of the page. */
		for (j = i + 1; j < S_WORDS; j++)
			if (w[j])
				s_mismatch(b, p, j * 8, 0, w[j], via,
					   "data after zeros of a discard");
		s_evidence(b, p);
		return;
	}
}

/* Read pages [first, first + n) through CPU mapping @m and check them. */
static void s_cpu_check(struct s_bo *b, int m, unsigned int first, unsigned int n)
{
	uint64_t buf[S_WORDS];
	unsigned int p, i;

	for (p = first; p < first + n; p++) {
		const volatile uint64_t *src =
			(const volatile uint64_t *)((char *)b->map[m] + (size_t)p * GPUSIM_PAGE);

		for (i = 0; i < S_WORDS; i++)
			buf[i] = src[i];
		s_check_page(b, p, buf, s_map_names[m]);
	}
}

static uint64_t s_new_seed(void)
{
	uint64_t s;

	do
		s = gpusim_pattern(S.seed ^ 0x5eedull, ++S.tick);
	while (!s);
	return s;
}

static void s_record_write(struct s_bo *b, unsigned int first, unsigned int n,
			   uint64_t seed)
{
	unsigned int p;

	S.tick++;
	for (p = first; p < first + n; p++) {
		b->pg[p].seed = seed;
		b->pg[p].wtick = S.tick;
		b->pg[p].torn = 0;
	}
}

/* BO_QUERY through handle @h of file @fdi, checked against the model. */
static int s_query(struct s_bo *b, int fdi)
{
	struct drm_gpusim_bo_query q, q2;
	int discard = !!(b->flags & DRM_GPUSIM_BO_DISCARD_ON_RECLAIM);
	uint64_t prev = b->last_query;
	unsigned int p;
	int ret;

	ret = s_check_ret("BO_QUERY", gpusim_bo_query(&S.dev[fdi], b->h[fdi], &q));
	if (ret)
		return ret;
	S.tick++;
	b->last_query = S.tick;
	if (q.size != (uint64_t)b->npages * GPUSIM_PAGE ||
	    (q.create_flags & ~DRM_GPUSIM_BO_WC) != b->flags) {
		printf("ERROR seed=0x%" PRIx64 " proc=%s op=%lu (%s) bo=%u: BO_QUERY size=%" PRIu64 " create_flags=0x%x, model size=%u flags=0x%x\n",
		       S.master_seed, S.name, S.op, S.op_name, b->id, (uint64_t)q.size,
		       q.create_flags, b->npages * GPUSIM_PAGE, b->flags);
		printf("result=fail reason=bo_query\n");
		s_exit(1);
	}
	if (!discard && ((q.flags & DRM_GPUSIM_BO_CONTENT_LOST) ||
			 q.state == DRM_GPUSIM_BO_STATE_DISCARDED)) {
		printf("ERROR seed=0x%" PRIx64 " proc=%s op=%lu (%s) bo=%u: a normal BO reports state=%s flags=0x%x\n",
		       S.master_seed, S.name, S.op, S.op_name, b->id,
		       gpusim_bo_state_name(q.state), q.flags);
		printf("result=fail reason=normal_bo_lost\n");
		s_exit(1);
	}
	if (!discard)
		return 0;
	if (b->need_report && !(q.flags & DRM_GPUSIM_BO_CONTENT_LOST)) {
		printf("ERROR seed=0x%" PRIx64 " proc=%s op=%lu (%s) bo=%u: content read as zeros after a discard, BO_QUERY state=%s does not report DRM_GPUSIM_BO_CONTENT_LOST\n",
		       S.master_seed, S.name, S.op, S.op_name, b->id,
		       gpusim_bo_state_name(q.state));
		printf("result=fail reason=content_lost_not_reported\n");
		s_exit(1);
	}
	b->need_report = 0;
	if (q.flags & DRM_GPUSIM_BO_CONTENT_LOST) {
		s_me()->lost_reports++;
		/* Discarded after the previous query: older writes are gone. */
		for (p = 0; p < b->npages; p++)
			if (b->pg[p].wtick < prev)
				b->pg[p].seed = 0;
	}
	if (q.state == DRM_GPUSIM_BO_STATE_UNBACKED ||
	    q.state == DRM_GPUSIM_BO_STATE_DISCARDED) {
		/* No pages: nothing can be discarded before the next query. */
		ret = s_check_ret("BO_QUERY", gpusim_bo_query(&S.dev[fdi], b->h[fdi], &q2));
		if (ret)
			return ret;
		if (q2.flags & DRM_GPUSIM_BO_CONTENT_LOST) {
			printf("ERROR seed=0x%" PRIx64 " proc=%s op=%lu (%s) bo=%u: DRM_GPUSIM_BO_CONTENT_LOST reported twice (state %s, then %s)\n",
			       S.master_seed, S.name, S.op, S.op_name, b->id,
			       gpusim_bo_state_name(q.state), gpusim_bo_state_name(q2.state));
			printf("result=fail reason=content_lost_twice\n");
			s_exit(1);
		}
		S.tick++;
		b->last_query = S.tick;
	}
	return 0;
}

static int s_has_handle(const struct s_bo *b)
{
	return b->h[0] || b->h[1];
}

static int s_query_any(struct s_bo *b)
{
	return s_query(b, b->h[0] ? 0 : 1);
}

static int s_bo_referenced(const struct s_bo *b)
{
	unsigned int v, e;
	int i = (int)(b - S.bo);

	if (s_has_handle(b) || b->pfd >= 0)
		return 1;
	for (e = 0; e < MAP_NR; e++)
		if (b->map[e])
			return 1;
	for (v = 0; v < S_MAX_VMS; v++)
		for (e = 0; S.vm[v].live && e < S.vm[v].nent; e++)
			if (S.vm[v].ent[e].bo == i)
				return 1;
	return 0;
}

/* Forget BOs nothing refers to any more (the kernel freed them). */
static void s_gc(void)
{
	unsigned int i;

	for (i = 0; i < S_MAX_BOS; i++)
		if (S.bo[i].live && !s_bo_referenced(&S.bo[i])) {
			S.bo[i].live = 0;
			S.live_bytes -= S.bo[i].npages * GPUSIM_PAGE;
		}
}

/* Random pick among @n candidates accepted by @ok; -1 if none. */
static int s_pick_bo(int (*ok)(const struct s_bo *))
{
	int cand[S_MAX_BOS], n = 0, i;

	for (i = 0; i < S_MAX_BOS; i++)
		if (S.bo[i].live && (!ok || ok(&S.bo[i])))
			cand[n++] = i;
	return n ? cand[rnd_below((uint64_t)n)] : -1;
}

static int s_pick_vm(int need_entries)
{
	int cand[S_MAX_VMS], n = 0, i;

	for (i = 0; i < S_MAX_VMS; i++)
		if (S.vm[i].live && (!need_entries || S.vm[i].nent))
			cand[n++] = i;
	return n ? cand[rnd_below((uint64_t)n)] : -1;
}

static int s_any_map(const struct s_bo *b)
{
	return b->map[0] || b->map[1] || b->map[2];
}

static int s_pick_map(const struct s_bo *b)
{
	int cand[MAP_NR], n = 0, m;

	for (m = 0; m < MAP_NR; m++)
		if (b->map[m])
			cand[n++] = m;
	return n ? cand[rnd_below((uint64_t)n)] : -1;
}

static unsigned int s_rand_pages(unsigned int max)
{
	unsigned int n;

	switch (rnd_below(10)) {
	case 0: case 1: case 2: case 3: case 4:
		n = 1 + (unsigned int)rnd_below(4);
		break;
	case 5: case 6: case 7:
		n = 5 + (unsigned int)rnd_below(12);
		break;
	default:
		n = 17 + (unsigned int)rnd_below(S_MAX_PAGES - 16);
		break;
	}
	return n > max ? max : n;
}

/* A random sub-range [*first, *first + *n) of @total pages. */
static void s_rand_range(unsigned int total, unsigned int *first, unsigned int *n)
{
	if (rnd_below(4) == 0) {
		*first = 0;
		*n = total;
		return;
	}
	*n = 1 + (unsigned int)rnd_below(total);
	*first = (unsigned int)rnd_below(total - *n + 1);
}

static int s_job(int fdi, uint32_t vm, const struct drm_gpusim_cmd *cmds,
		 unsigned int n, struct drm_gpusim_job_wait *w)
{
	uint32_t job;
	int ret;

	ret = s_check_ret("SUBMIT", gpusim_submit(&S.dev[fdi], vm, cmds, n, 0, 0, &job));
	if (ret)
		return ret;
	ret = gpusim_job_wait(&S.dev[fdi], job, S_JOB_TIMEOUT, w);
	if (ret)
		s_ioctl_fail("JOB_WAIT", -ret);
	return 0;
}

static void s_job_status_fail(const struct drm_gpusim_job_wait *w, struct s_bo *b)
{
	printf("ERROR seed=0x%" PRIx64 " proc=%s proc_seed=0x%" PRIx64 " op=%lu (%s) bo=%u: job status %s error=%u failed_cmd=%u fault_va=0x%" PRIx64 "\n",
	       S.master_seed, S.name, S.seed, S.op, S.op_name, b ? b->id : 0,
	       gpusim_job_status_name(w->status), w->error, w->failed_cmd,
	       (uint64_t)w->fault_va);
	printf("result=fail reason=job_%s\n", gpusim_job_status_name(w->status));
	s_exit(1);
}

static int s_scratch_setup(int fdi)
{
	int ret;

	ret = gpusim_bo_create(&S.dev[fdi], S_MAX_PAGES * GPUSIM_PAGE, 0, &S.scratch[fdi]);
	if (!ret)
		ret = gpusim_bo_mmap(&S.dev[fdi], S.scratch[fdi], S_MAX_PAGES * GPUSIM_PAGE,
				     (void **)&S.scratch_map[fdi]);
	return ret;
}

static void s_open_files(void)
{
	int i, ret;

	for (i = 0; i < 2; i++) {
		ret = gpusim_open(&S.dev[i], S.path);
		if (!ret)
			ret = s_scratch_setup(i);
		if (ret)
			s_ioctl_fail("open/scratch", -ret);
	}
}

/* The operations -------------------------------------------------------- */

static int sop_create(void)
{
	struct s_bo *b = NULL;
	unsigned int i, npages = s_rand_pages(S_MAX_PAGES);
	uint32_t flags = rnd_below(3) == 0 ? DRM_GPUSIM_BO_DISCARD_ON_RECLAIM : 0;
	int fdi = rnd_below(8) == 0, ret;
	uint64_t size = (uint64_t)npages * GPUSIM_PAGE - (rnd_below(4) ? 0 : rnd_below(GPUSIM_PAGE));
	uint32_t h;

	for (i = 0; i < S_MAX_BOS; i++)
		if (!S.bo[i].live) {
			b = &S.bo[i];
			break;
		}
	if (!b || S.live_bytes + npages * GPUSIM_PAGE > S.budget_bytes)
		return 1;	/* not applicable */
	ret = s_check_ret("BO_CREATE", gpusim_bo_create(&S.dev[fdi], size, flags, &h));
	if (ret)
		return ret;
	if (S.offset_at_create) {
		struct drm_gpusim_bo_mmap_offset mo = { .handle = h };

		s_check_ret("BO_MMAP_OFFSET", drmIoctl(S.dev[fdi].fd, DRM_IOCTL_GPUSIM_BO_MMAP_OFFSET, &mo) ? -errno : 0);
	}
	memset(b, 0, sizeof(*b));
	b->live = 1;
	b->id = ++S.next_id;
	b->h[fdi] = h;
	b->flags = flags;
	b->npages = npages;
	b->pfd = -1;
	S.live_bytes += npages * GPUSIM_PAGE;
	return 0;
}

static int s_can_close(const struct s_bo *b) { return s_has_handle(b); }

static int sop_close(void)
{
	int i = s_pick_bo(s_can_close), fdi, ret;
	struct s_bo *b;

	if (i < 0)
		return 1;
	b = &S.bo[i];
	fdi = b->h[0] && b->h[1] ? (int)rnd_below(2) : !b->h[0];
	ret = s_check_ret("GEM_CLOSE", gpusim_bo_close(&S.dev[fdi], b->h[fdi]));
	if (ret)
		return ret;
	b->h[fdi] = 0;
	s_gc();
	return 0;
}

/* With -D, a BO mapped through its dma-buf never gets a GEM mmap offset. */
static int s_offset_ok(const struct s_bo *b)
{
	return !S.no_offset_after_dmabuf || !b->dmabuf_mapped;
}

static int s_can_mmap0(const struct s_bo *b) { return b->h[0] && !b->map[MAP_GEM0] && s_offset_ok(b); }
static int s_can_mmap1(const struct s_bo *b) { return b->h[1] && !b->map[MAP_GEM1] && s_offset_ok(b); }

static int sop_mmap(int fdi)
{
	int i = s_pick_bo(fdi ? s_can_mmap1 : s_can_mmap0), ret;
	struct s_bo *b;
	void *p;

	if (i < 0)
		return 1;
	b = &S.bo[i];
	ret = s_check_ret("mmap", gpusim_bo_mmap(&S.dev[fdi], b->h[fdi],
						 (uint64_t)b->npages * GPUSIM_PAGE, &p));
	if (ret)
		return ret;
	b->map[fdi ? MAP_GEM1 : MAP_GEM0] = p;
	return 0;
}

static int s_export(struct s_bo *b)
{
	int fdi = b->h[0] ? 0 : 1, fd;

	if (drmPrimeHandleToFD(S.dev[fdi].fd, b->h[fdi], DRM_CLOEXEC | DRM_RDWR, &fd))
		return s_check_ret("PRIME_HANDLE_TO_FD", -errno);
	if (b->pfd >= 0)
		close(b->pfd);
	b->pfd = fd;
	b->exported = 1;
	return 0;
}

static int s_can_export(const struct s_bo *b) { return s_has_handle(b); }

static int sop_export(void)
{
	int i = s_pick_bo(s_can_export);

	return i < 0 ? 1 : s_export(&S.bo[i]);
}

static int s_can_mmap_dmabuf(const struct s_bo *b)
{
	return !b->map[MAP_DMABUF] && (b->pfd >= 0 || s_has_handle(b));
}

static int sop_mmap_dmabuf(void)
{
	int i = s_pick_bo(s_can_mmap_dmabuf), ret;
	struct s_bo *b;
	void *p;

	if (i < 0)
		return 1;
	b = &S.bo[i];
	if (b->pfd < 0) {
		ret = s_export(b);
		if (ret)
			return ret;
	}
	p = mmap(NULL, (size_t)b->npages * GPUSIM_PAGE, PROT_READ | PROT_WRITE,
		 MAP_SHARED, b->pfd, 0);
	if (p == MAP_FAILED)
		return s_check_ret("dma-buf mmap", -errno);
	b->map[MAP_DMABUF] = p;
	b->dmabuf_mapped = 1;
	return 0;
}

static int sop_munmap(void)
{
	int i = s_pick_bo(s_any_map), m;
	struct s_bo *b;

	if (i < 0)
		return 1;
	b = &S.bo[i];
	m = s_pick_map(b);
	if (munmap(b->map[m], (size_t)b->npages * GPUSIM_PAGE))
		s_ioctl_fail("munmap", errno);
	b->map[m] = NULL;
	s_gc();
	return 0;
}

static int s_can_import(const struct s_bo *b) { return b->pfd >= 0; }

static int sop_import(void)
{
	int i = s_pick_bo(s_can_import), fdi = (int)rnd_below(2);
	struct s_bo *b;
	uint32_t h;

	if (i < 0)
		return 1;
	b = &S.bo[i];
	if (drmPrimeFDToHandle(S.dev[fdi].fd, b->pfd, &h))
		return s_check_ret("PRIME_FD_TO_HANDLE", -errno);
	if (b->h[fdi] && b->h[fdi] != h) {
		printf("ERROR seed=0x%" PRIx64 " proc=%s op=%lu (%s) bo=%u: import into file %d gave handle %u, the BO has handle %u there\n",
		       S.master_seed, S.name, S.op, S.op_name, b->id, fdi, h, b->h[fdi]);
		printf("result=fail reason=import_handle\n");
		s_exit(1);
	}
	b->h[fdi] = h;
	return 0;
}

static int sop_close_fd(void)
{
	int i = s_pick_bo(s_can_import);

	if (i < 0)
		return 1;
	close(S.bo[i].pfd);
	S.bo[i].pfd = -1;
	s_gc();
	return 0;
}

static int sop_vm_create(void)
{
	struct drm_gpusim_vm_create c;
	struct s_vm *v = NULL;
	int i, fdi = (int)rnd_below(3) == 0, ret;

	for (i = 0; i < S_MAX_VMS; i++)
		if (!S.vm[i].live) {
			v = &S.vm[i];
			break;
		}
	if (!v)
		return 1;
	ret = s_check_ret("VM_CREATE", gpusim_vm_create_heap(&S.dev[fdi], 4096, 16, &c));
	if (ret)
		return ret;
	ret = s_check_ret("VM_BIND scratch",
			  gpusim_vm_map(&S.dev[fdi], c.vm_id, S.scratch[fdi], 0, S_SCRATCH_VA,
					S_MAX_PAGES * GPUSIM_PAGE));
	if (ret) {
		gpusim_vm_destroy(&S.dev[fdi], c.vm_id);
		return ret;
	}
	memset(v, 0, sizeof(*v));
	v->live = 1;
	v->fdi = fdi;
	v->id = c.vm_id;
	return 0;
}

static int sop_vm_destroy(void)
{
	int i = s_pick_vm(0);
	struct s_vm *v;

	if (i < 0)
		return 1;
	v = &S.vm[i];
	s_check_ret("VM_DESTROY", gpusim_vm_destroy(&S.dev[v->fdi], v->id));
	v->live = 0;
	s_gc();
	return 0;
}

static int s_vm_fdi;
static int s_can_map(const struct s_bo *b) { return b->h[s_vm_fdi] != 0; }

static int sop_map(void)
{
	int vi = s_pick_vm(0), bi, slot, ret;
	unsigned int used[S_SLOTS] = { 0 }, e, first, n, k, cand[S_SLOTS], nc = 0;
	struct s_entry *en;
	struct s_vm *v;
	struct s_bo *b;

	if (vi < 0)
		return 1;
	v = &S.vm[vi];
	if (v->nent == S_MAX_ENTRIES)
		return 1;
	s_vm_fdi = v->fdi;
	bi = s_pick_bo(s_can_map);
	if (bi < 0)
		return 1;
	b = &S.bo[bi];
	for (e = 0; e < v->nent; e++)
		used[(v->ent[e].va - S_SLOT_VA(0)) >> 20] = 1;
	for (k = 0; k < S_SLOTS; k++)
		if (!used[k])
			cand[nc++] = k;
	if (!nc)
		return 1;
	slot = (int)cand[rnd_below(nc)];
	s_rand_range(b->npages, &first, &n);
	k = (unsigned int)rnd_below(256 - n + 1);
	en = &v->ent[v->nent];
	en->bo = bi;
	en->bopage = first;
	en->npages = n;
	en->va = S_SLOT_VA(slot) + (uint64_t)k * GPUSIM_PAGE;
	ret = s_check_ret("VM_BIND map",
			  gpusim_vm_map(&S.dev[v->fdi], v->id, b->h[v->fdi],
					(uint64_t)first * GPUSIM_PAGE, en->va,
					(uint64_t)n * GPUSIM_PAGE));
	if (ret)
		return ret;
	v->nent++;
	return 0;
}

static void s_entry_remove(struct s_vm *v, unsigned int e)
{
	v->ent[e] = v->ent[--v->nent];
}

static int sop_unmap(void)
{
	int vi = s_pick_vm(1), ret;
	unsigned int e, x, len;
	struct s_entry en;
	struct s_vm *v;

	if (vi < 0)
		return 1;
	v = &S.vm[vi];
	e = (unsigned int)rnd_below(v->nent);
	en = v->ent[e];
	if (rnd_below(4) == 0) {
		/* the whole 1 MiB slot, whatever it holds */
		uint64_t slot_va = en.va & ~((1ull << 20) - 1);

		ret = s_check_ret("VM_BIND unmap",
				  gpusim_vm_unmap(&S.dev[v->fdi], v->id, slot_va, 1ull << 20));
		if (ret)
			return ret;
		for (e = v->nent; e-- > 0;)
			if ((v->ent[e].va & ~((1ull << 20) - 1)) == slot_va)
				s_entry_remove(v, e);
		s_gc();
		return 0;
	}
	s_rand_range(en.npages, &x, &len);
	if (v->nent >= S_MAX_ENTRIES - 1) {
		x = 0;		/* no room to split: the whole entry */
		len = en.npages;
	}
	ret = s_check_ret("VM_BIND unmap",
			  gpusim_vm_unmap(&S.dev[v->fdi], v->id,
					  en.va + (uint64_t)x * GPUSIM_PAGE,
					  (uint64_t)len * GPUSIM_PAGE));
	if (ret)
		return ret;
	s_entry_remove(v, e);
	if (x) {
		struct s_entry *l = &v->ent[v->nent++];

		*l = en;
		l->npages = x;
	}
	if (x + len < en.npages) {
		struct s_entry *r = &v->ent[v->nent++];

		*r = en;
		r->bopage = en.bopage + x + len;
		r->npages = en.npages - x - len;
		r->va = en.va + (uint64_t)(x + len) * GPUSIM_PAGE;
	}
	s_gc();
	return 0;
}

/* A random mapped range: VM, entry, BO pages [*first, *first + *n), its VA. */
static int s_pick_gpu_range(struct s_vm **vp, struct s_bo **bp, unsigned int *first,
			    unsigned int *n, uint64_t *va)
{
	int vi = s_pick_vm(1);
	struct s_entry *en;
	unsigned int x;

	if (vi < 0)
		return -1;
	*vp = &S.vm[vi];
	en = &(*vp)->ent[rnd_below((*vp)->nent)];
	*bp = &S.bo[en->bo];
	s_rand_range(en->npages, &x, n);
	*first = en->bopage + x;
	*va = en->va + (uint64_t)x * GPUSIM_PAGE;
	return 0;
}

static int sop_gpu_write(void)
{
	struct drm_gpusim_job_wait w;
	struct drm_gpusim_cmd c = { .op = DRM_GPUSIM_CMD_FILL };
	unsigned int first, n;
	struct s_vm *v;
	struct s_bo *b;
	uint64_t va;
	int ret;

	if (s_pick_gpu_range(&v, &b, &first, &n, &va))
		return 1;
	c.va = va;
	c.size = (uint64_t)n * GPUSIM_PAGE;
	c.seed = s_new_seed();
	c.pattern_offset = (uint64_t)first * GPUSIM_PAGE;
	ret = s_job(v->fdi, v->id, &c, 1, &w);
	if (ret)
		return ret;
	if (w.status != DRM_GPUSIM_JOB_DONE)
		s_job_status_fail(&w, b);
	s_record_write(b, first, n, c.seed);
	return 0;
}

/* GPU COPY of the range into the scratch BO, checked by the CPU. */
static int s_gpu_copy_check(struct s_vm *v, struct s_bo *b, unsigned int first,
			    unsigned int n, uint64_t va)
{
	struct drm_gpusim_cmd c = {
		.op = DRM_GPUSIM_CMD_COPY, .va = S_SCRATCH_VA, .src_va = va,
		.size = (uint64_t)n * GPUSIM_PAGE,
	};
	struct drm_gpusim_job_wait w;
	unsigned int p;
	int ret;

	ret = s_job(v->fdi, v->id, &c, 1, &w);
	if (ret)
		return ret;
	if (w.status != DRM_GPUSIM_JOB_DONE)
		s_job_status_fail(&w, b);
	for (p = 0; p < n; p++) {
		uint64_t buf[S_WORDS];
		const volatile uint64_t *src = S.scratch_map[v->fdi] + (size_t)p * S_WORDS;
		unsigned int i;

		for (i = 0; i < S_WORDS; i++)
			buf[i] = src[i];
		s_check_page(b, first + p, buf, "gpu_copy");
	}
	return 0;
}

static int sop_gpu_read(void)
{
	struct drm_gpusim_cmd cmds[S_MAX_PAGES];
	unsigned int first, n, p, nc = 0, pages[S_MAX_PAGES];
	struct drm_gpusim_job_wait w;
	struct s_vm *v;
	struct s_bo *b;
	uint64_t va;
	int ret;

	if (s_pick_gpu_range(&v, &b, &first, &n, &va))
		return 1;
	if (rnd_below(2))
		return s_gpu_copy_check(v, b, first, n, va);
	/* VERIFY, one command per page that should hold a pattern */
	for (p = 0; p < n; p++) {
		struct s_page *pg = &b->pg[first + p];

		if (!pg->seed || pg->torn)
			continue;
		pages[nc] = first + p;
		cmds[nc++] = (struct drm_gpusim_cmd){
			.op = DRM_GPUSIM_CMD_VERIFY,
			.va = va + (uint64_t)p * GPUSIM_PAGE, .size = GPUSIM_PAGE,
			.seed = pg->seed,
			.pattern_offset = (uint64_t)(first + p) * GPUSIM_PAGE,
		};
	}
	if (!nc)
		return s_gpu_copy_check(v, b, first, n, va);
	ret = s_job(v->fdi, v->id, cmds, nc, &w);
	if (ret)
		return ret;
	if (w.status == DRM_GPUSIM_JOB_DONE)
		return 0;
	if (w.status != DRM_GPUSIM_JOB_MISMATCH || w.failed_cmd >= nc)
		s_job_status_fail(&w, b);
	p = pages[w.failed_cmd];
	if (!(b->flags & DRM_GPUSIM_BO_DISCARD_ON_RECLAIM) || w.actual != 0)
		s_mismatch(b, p, (unsigned int)(w.fault_va - cmds[w.failed_cmd].va),
			   w.expected, w.actual, "gpu_verify",
			   b->flags & DRM_GPUSIM_BO_DISCARD_ON_RECLAIM ?
			   "neither the content nor zero" : "content of a normal BO changed");
	/* zeros in a discard BO: look at every word of the range */
	return s_gpu_copy_check(v, b, first, n, va);
}

static int sop_cpu_write(void)
{
	int i = s_pick_bo(s_any_map), m, tries, ret;
	unsigned int first, n;
	struct s_bo *b;
	uint64_t seed;

	if (i < 0)
		return 1;
	b = &S.bo[i];
	m = s_pick_map(b);
	s_rand_range(b->npages, &first, &n);
	if (!(b->flags & DRM_GPUSIM_BO_DISCARD_ON_RECLAIM) || !s_has_handle(b)) {
		seed = s_new_seed();
		gpusim_cpu_fill((char *)b->map[m] + (size_t)first * GPUSIM_PAGE,
				(uint64_t)n * GPUSIM_PAGE, seed, (uint64_t)first * GPUSIM_PAGE);
		s_record_write(b, first, n, seed);
		if (b->flags & DRM_GPUSIM_BO_DISCARD_ON_RECLAIM) {
			/* no handle to tell whether a discard tore the write */
			for (unsigned int p = first; p < first + n; p++)
				b->pg[p].torn = 1;
		}
		return 0;
	}
	/* Between two queries, so a discard during the write is known. */
	for (tries = 0; tries < 8; tries++) {
		unsigned long lost;

		ret = s_query_any(b);
		if (ret)
			return ret;
		seed = s_new_seed();
		gpusim_cpu_fill((char *)b->map[m] + (size_t)first * GPUSIM_PAGE,
				(uint64_t)n * GPUSIM_PAGE, seed, (uint64_t)first * GPUSIM_PAGE);
		s_record_write(b, first, n, seed);
		lost = s_me()->lost_reports;
		ret = s_query_any(b);
		if (ret)
			return ret;
		if (s_me()->lost_reports == lost)
			return 0;
		s_me()->torn_retries++;
	}
	for (unsigned int p = first; p < first + n; p++)
		b->pg[p].torn = 1;
	return 0;
}

static int sop_cpu_read(void)
{
	int i = s_pick_bo(s_any_map);
	unsigned int first, n;
	struct s_bo *b;

	if (i < 0)
		return 1;
	b = &S.bo[i];
	s_rand_range(b->npages, &first, &n);
	s_cpu_check(b, s_pick_map(b), first, n);
	return 0;
}

static int sop_query(void)
{
	int i = s_pick_bo(s_can_close), fdi;
	struct s_bo *b;

	if (i < 0)
		return 1;
	b = &S.bo[i];
	fdi = b->h[0] && b->h[1] ? (int)rnd_below(2) : !b->h[0];
	return s_query(b, fdi);
}

static int s_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int sop_shrink(void)
{
	char buf[64];
	unsigned long pages = rnd_below(2) ? 1 + rnd_below(256) : 1 + rnd_below(16384);
	int ret;

	if (!S.shrink_path[0])
		return 1;
	if (rnd_below(4) == 0)
		snprintf(buf, sizeof(buf), "%lu tgid=%d\n", pages, (int)getpid());
	else
		snprintf(buf, sizeof(buf), "%lu\n", pages);
	ret = s_write_file(S.shrink_path, buf);
	if (ret && ret != -ENOMEM)
		s_ioctl_fail("shrink write", -ret);
	return ret;
}

static int sop_policy(void)
{
	static const char *const policies[] = {
		"discard idle-vm-first swapout", "swapout", "discard",
		"idle-vm-first", "discard swapout", "swapout discard",
		"idle-vm-first discard", "\n",
	};
	char path[440];
	int ret;

	if (!S.knob_dir[0])
		return 1;
	snprintf(path, sizeof(path), "%s/policy", S.knob_dir);
	ret = s_write_file(path, policies[rnd_below(sizeof(policies) / sizeof(policies[0]))]);
	if (ret)
		s_ioctl_fail("policy write", -ret);
	return 0;
}

static int sop_idle(void)
{
	static const char *const values[] = { "0", "1", "20", "200", "2000" };
	char path[440];
	int ret;

	if (!S.knob_dir[0])
		return 1;
	snprintf(path, sizeof(path), "%s/idle_threshold_ms", S.knob_dir);
	ret = s_write_file(path, values[rnd_below(sizeof(values) / sizeof(values[0]))]);
	if (ret)
		s_ioctl_fail("idle_threshold_ms write", -ret);
	return 0;
}

static void s_run(void);

/*
 * fork(): the child takes over this process's whole state (files, handles,
 * VMs, inherited mmaps, dma-buf fds) and its sequence goes on from there
 * with a seed drawn from this one's; the parent lets go of its copies
 * (without closing the handles, which the child's file shares) and starts
 * again with new files.
 */
static int sop_fork(void)
{
	uint64_t child_seed;
	unsigned int i, m, k;
	pid_t pid;

	if (!S.forks_left)
		return 1;
	k = S.nchildren;
	S.forks_left--;
	S.nchildren++;
	child_seed = rnd() | 1;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		s_ioctl_fail("fork", errno);
	if (pid == 0) {
		char parent[16];

		memcpy(parent, S.name, sizeof(parent));
		snprintf(S.name, sizeof(S.name), "%.10s.%u", parent, k);
		S.slot_idx = S.slot_idx * S_MAX_FORKS + S_MAX_PROCS + (int)k;
		memset(s_me(), 0, sizeof(*s_me()));
		s_me()->used = 1;
		s_me()->seed = child_seed;
		S.seed = child_seed;
		rng_state = child_seed;
		S.forks_left = 0;
		S.nchildren = 0;
		S.n_ops = (S.n_ops - S.op) / 2;
		S.op = 0;
		if (S.verbose)
			fprintf(stderr, "proc=%s forked seed=0x%" PRIx64 "\n", S.name, S.seed);
		s_run();	/* does not return */
	}
	S.children[k] = pid;
	for (i = 0; i < S_MAX_BOS; i++) {
		struct s_bo *b = &S.bo[i];

		if (!b->live)
			continue;
		for (m = 0; m < MAP_NR; m++)
			if (b->map[m])
				munmap(b->map[m], (size_t)b->npages * GPUSIM_PAGE);
		if (b->pfd >= 0)
			close(b->pfd);
		b->live = 0;
	}
	for (i = 0; i < 2; i++) {
		munmap(S.scratch_map[i], S_MAX_PAGES * GPUSIM_PAGE);
		gpusim_close(&S.dev[i]);
	}
	memset(S.vm, 0, sizeof(S.vm));
	S.live_bytes = 0;
	s_open_files();
	return 0;
}

/* Every page of every BO read through some CPU mapping, one last time. */
static void s_final_check(void)
{
	unsigned int i;
	int ret;

	S.op_name = s_op_names[SOP_FINAL_CHECK];
	for (i = 0; i < S_MAX_BOS; i++) {
		struct s_bo *b = &S.bo[i];
		int m;

		if (!b->live)
			continue;
		if (!s_any_map(b)) {
			int fdi = b->h[0] ? 0 : 1;

			if (!b->h[fdi] || !s_offset_ok(b))
				continue;	/* reachable from the GPU only */
			ret = gpusim_bo_mmap(&S.dev[fdi], b->h[fdi],
					     (uint64_t)b->npages * GPUSIM_PAGE,
					     &b->map[fdi ? MAP_GEM1 : MAP_GEM0]);
			if (ret)
				continue;
		}
		s_me()->calls[SOP_FINAL_CHECK]++;
		m = s_pick_map(b);
		s_cpu_check(b, m, 0, b->npages);
		if (s_has_handle(b))
			s_query_any(b);
		s_me()->oks[SOP_FINAL_CHECK]++;
	}
}

/* A fault on a BO mapping: say which op, BO and mapping, then fail. */
static void s_fault_handler(int sig, siginfo_t *si, void *uc)
{
	char buf[512];
	unsigned int i, m;
	int len;

	(void)uc;
	len = snprintf(buf, sizeof(buf),
		       "ERROR seed=0x%" PRIx64 " proc=%s proc_seed=0x%" PRIx64 " op=%lu (%s): signal %d (%s) at %p",
		       S.master_seed, S.name, S.seed, S.op, S.op_name ? S.op_name : "-", sig,
		       sig == SIGBUS ? "SIGBUS" : "SIGSEGV", si->si_addr);
	for (i = 0; i < S_MAX_BOS; i++)
		for (m = 0; m < MAP_NR; m++) {
			struct s_bo *b = &S.bo[i];
			char *a = b->map[m];

			if (b->live && a && (char *)si->si_addr >= a &&
			    (char *)si->si_addr < a + (size_t)b->npages * GPUSIM_PAGE)
				len += snprintf(buf + len, sizeof(buf) - (size_t)len,
						" in bo=%u discard=%d exported=%d via=%s page=%zu",
						b->id, !!(b->flags & DRM_GPUSIM_BO_DISCARD_ON_RECLAIM),
						b->exported, s_map_names[m],
						(size_t)((char *)si->si_addr - a) / GPUSIM_PAGE);
		}
	len += snprintf(buf + len, sizeof(buf) - (size_t)len, "\nresult=fail reason=signal\n");
	if (write(1, buf, (size_t)len) < 0)
		len = 0;
	S.slots[S.slot_idx].failed = 1;
	S.slots[S.slot_idx].done = 1;
	_exit(1);
}

static void s_run(void)
{
	unsigned int total = 0, o;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = s_fault_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);

	for (o = 0; o < SOP_NR; o++)
		total += s_op_weight[o];
	while (S.op < S.n_ops && (!S.deadline_ns || gpusim_now_ns() < S.deadline_ns)) {
		unsigned int r = (unsigned int)rnd_below(total);
		int ret;

		for (o = 0; r >= s_op_weight[o]; o++)
			r -= s_op_weight[o];
		S.op++;
		S.op_name = s_op_names[o];
		if (S.verbose)
			fprintf(stderr, "proc=%s op=%lu %s\n", S.name, S.op, S.op_name);
		switch (o) {
		case SOP_CREATE: ret = sop_create(); break;
		case SOP_CLOSE: ret = sop_close(); break;
		case SOP_MMAP: ret = sop_mmap(0); break;
		case SOP_MMAP2: ret = sop_mmap(1); break;
		case SOP_MMAP_DMABUF: ret = sop_mmap_dmabuf(); break;
		case SOP_MUNMAP: ret = sop_munmap(); break;
		case SOP_EXPORT: ret = sop_export(); break;
		case SOP_IMPORT: ret = sop_import(); break;
		case SOP_CLOSE_FD: ret = sop_close_fd(); break;
		case SOP_VM_CREATE: ret = sop_vm_create(); break;
		case SOP_VM_DESTROY: ret = sop_vm_destroy(); break;
		case SOP_MAP: ret = sop_map(); break;
		case SOP_UNMAP: ret = sop_unmap(); break;
		case SOP_GPU_WRITE: ret = sop_gpu_write(); break;
		case SOP_GPU_READ: ret = sop_gpu_read(); break;
		case SOP_CPU_WRITE: ret = sop_cpu_write(); break;
		case SOP_CPU_READ: ret = sop_cpu_read(); break;
		case SOP_QUERY: ret = sop_query(); break;
		case SOP_SHRINK: ret = sop_shrink(); break;
		case SOP_POLICY: ret = sop_policy(); break;
		case SOP_IDLE: ret = sop_idle(); break;
		default: ret = sop_fork(); break;
		}
		if (ret == 1)
			continue;	/* nothing to do it on: not a call */
		s_me()->calls[o]++;
		if (!ret)
			s_me()->oks[o]++;
	}
	s_final_check();
	/* Tear down explicitly or leave it to exit, by the seed. */
	if (rnd_below(2)) {
		unsigned int i, m;

		for (i = 0; i < S_MAX_VMS; i++)
			if (S.vm[i].live)
				gpusim_vm_destroy(&S.dev[S.vm[i].fdi], S.vm[i].id);
		for (i = 0; i < S_MAX_BOS; i++) {
			struct s_bo *b = &S.bo[i];

			if (!b->live)
				continue;
			for (m = 0; m < MAP_NR; m++)
				if (b->map[m])
					munmap(b->map[m], (size_t)b->npages * GPUSIM_PAGE);
			if (b->pfd >= 0)
				close(b->pfd);
			for (m = 0; m < 2; m++)
				if (b->h[m])
					gpusim_bo_close(&S.dev[m], b->h[m]);
		}
		gpusim_close(&S.dev[0]);
		gpusim_close(&S.dev[1]);
	}
	s_exit(0);
}

static int s_find_knobs(const char *node)
{
	const char *base = strrchr(node, '/');
	char p[400];
	DIR *d;
	struct dirent *de;
	int found = 0;

	base = base ? base + 1 : node;
	snprintf(p, sizeof(p), "/sys/class/drm/%s/device/reclaim/policy", base);
	if (!access(p, W_OK))
		snprintf(S.knob_dir, sizeof(S.knob_dir), "/sys/class/drm/%s/device/reclaim", base);
	/* debugfs: dri/<minor of the card of the same device> */
	snprintf(p, sizeof(p), "/sys/class/drm/%s/device/drm", base);
	d = opendir(p);
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, "card", 4))
			continue;
		snprintf(p, sizeof(p), "/sys/kernel/debug/dri/%s/reclaim/shrink", de->d_name + 4);
		if (!access(p, W_OK)) {
			snprintf(S.shrink_path, sizeof(S.shrink_path), "%s", p);
			found = 1;
		}
	}
	if (d)
		closedir(d);
	return found;
}

static int s_read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

static int stateful_main(const char *path, uint64_t seed, unsigned long n,
			 unsigned int seconds, unsigned int procs, int only,
			 unsigned int forks, unsigned long budget, int verbose)
{
	char policy[300] = "", idle[64] = "", p[440];
	unsigned long calls = 0, oks = 0, mism = 0, lost = 0, seen = 0, torn = 0;
	unsigned int i, o, nproc_used = 0;
	struct gpusim_dev probe;
	int ret, failed = 0;
	pid_t pids[S_MAX_PROCS];
	uint64_t t0 = gpusim_now_ns();

	ret = gpusim_open(&probe, path);
	if (ret) {
		printf("result=fail reason=open errno=%d\n", -ret);
		return 3;
	}
	S.path = strdup(probe.path);
	gpusim_close(&probe);
	s_find_knobs(S.path);
	S.master_seed = seed;
	S.verbose = verbose & 1;
	S.offset_at_create = !!(verbose & 2);
	S.no_offset_after_dmabuf = !!(verbose & 4);
	S.budget_bytes = budget;
	S.deadline_ns = seconds ? t0 + (uint64_t)seconds * 1000000000ull : 0;
	S.slots = mmap(NULL, sizeof(struct s_slot) * S_MAX_SLOTS, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (S.slots == MAP_FAILED) {
		printf("result=fail reason=mmap\n");
		return 3;
	}
	if (S.knob_dir[0]) {
		snprintf(p, sizeof(p), "%s/policy", S.knob_dir);
		s_read_file(p, policy, sizeof(policy));
		snprintf(p, sizeof(p), "%s/idle_threshold_ms", S.knob_dir);
		s_read_file(p, idle, sizeof(idle));
	}
	printf("stateful seed=0x%" PRIx64 " procs=%u ops=%lu seconds=%u forks=%u budget=%lu offset_at_create=%d no_offset_after_dmabuf=%d device=%s shrink=%s knobs=%s\n",
	       seed, procs, n, seconds, forks, budget, S.offset_at_create, S.no_offset_after_dmabuf, S.path,
	       S.shrink_path[0] ? S.shrink_path : "none", S.knob_dir[0] ? S.knob_dir : "none");
	for (i = 0; i < procs; i++) {
		if (only >= 0 && (int)i != only)
			continue;
		S.slots[i].used = 1;
		S.slots[i].seed = gpusim_pattern(seed, 0x5157a7e0ull + i) | 1;
		printf("proc=%u seed=0x%" PRIx64 "\n", i, S.slots[i].seed);
	}
	fflush(stdout);
	for (i = 0; i < procs; i++) {
		if (only >= 0 && (int)i != only)
			continue;
		pids[i] = fork();
		if (pids[i] < 0) {
			printf("result=fail reason=fork\n");
			return 3;
		}
		if (pids[i] == 0) {
			snprintf(S.name, sizeof(S.name), "%u", i);
			S.slot_idx = (int)i;
			S.seed = S.slots[i].seed;
			rng_state = S.seed;
			S.n_ops = n;
			S.forks_left = forks;
			s_open_files();
			s_run();
		}
	}
	for (i = 0; i < procs; i++) {
		int status;

		if (only >= 0 && (int)i != only)
			continue;
		if (waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			if (WIFSIGNALED(status))
				printf("ERROR seed=0x%" PRIx64 " proc=%u killed by signal %d (%s)\n",
				       seed, i, WTERMSIG(status), strsignal(WTERMSIG(status)));
			failed = 1;
		}
	}
	if (S.knob_dir[0]) {
		snprintf(p, sizeof(p), "%s/policy", S.knob_dir);
		if (policy[0] && s_write_file(p, policy))
			printf("warning: could not restore the policy\n");
		snprintf(p, sizeof(p), "%s/idle_threshold_ms", S.knob_dir);
		if (idle[0] && s_write_file(p, idle))
			printf("warning: could not restore idle_threshold_ms\n");
	}
	for (o = 0; o < SOP_NR; o++) {
		unsigned long c = 0, k = 0;

		for (i = 0; i < S_MAX_SLOTS; i++) {
			c += S.slots[i].calls[o];
			k += S.slots[i].oks[o];
		}
		printf("op=%s calls=%lu ok=%lu\n", s_op_names[o], c, k);
		calls += c;
		oks += k;
	}
	for (i = 0; i < S_MAX_SLOTS; i++) {
		if (!S.slots[i].used)
			continue;
		nproc_used++;
		mism += S.slots[i].mismatches;
		lost += S.slots[i].lost_reports;
		seen += S.slots[i].discards_seen;
		torn += S.slots[i].torn_retries;
		if (!S.slots[i].done || S.slots[i].failed)
			failed = 1;
	}
	printf("calls=%lu ok=%lu processes=%u mismatches=%lu content_lost_reports=%lu discards_seen=%lu torn_write_retries=%lu elapsed_ms=%" PRIu64 "\n",
	       calls, oks, nproc_used, mism, lost, seen, torn,
	       (gpusim_now_ns() - t0) / 1000000);
	if (failed) {
		printf("result=fail reason=%s\n", mism ? "mismatch" : "process_failed");
		return 1;
	}
	printf("result=pass\n");
	return 0;
}

int main(int argc, char **argv)
{
	static struct fuzz_thread ft[16];
	unsigned long n = 100000, i, total = 0, total_ok = 0, total_errs[256] = { 0 };
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	unsigned int e, t, nthreads = 1, seconds = 0, procs = 4, forks = 2;
	int opt, ret, stateful = 0, n_set = 0, only = -1, verbose = 0;
	uint64_t budget = 4 << 20;
	const char *path = NULL;

	while ((opt = getopt(argc, argv, "d:n:s:t:ST:P:F:m:i:voD")) != -1) {
		switch (opt) {
		case 'd': path = optarg; break;
		case 'n': n = strtoul(optarg, NULL, 0); n_set = 1; break;
		case 's': seed = strtoull(optarg, NULL, 0) | 1; break;
		case 't': nthreads = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'S': stateful = 1; break;
		case 'T': seconds = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'P': procs = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'F': forks = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'i': only = (int)strtol(optarg, NULL, 0); break;
		case 'v': verbose |= 1; break;
		case 'o': verbose |= 2; break;
		case 'D': verbose |= 4; break;
		case 'm':
			if (gpusim_parse_size(optarg, &budget) || budget < (256 << 10)) {
				fprintf(stderr, "gpusim-fuzz: -m: a size of at least 256K\n");
				return 2;
			}
			break;
		default:
			fprintf(stderr, "usage: gpusim-fuzz [-d DEVICE] [-n CALLS] [-s SEED] [-t THREADS]\n"
				"       gpusim-fuzz -S [-d DEVICE] [-n OPS] [-T SECONDS] [-s SEED] [-P PROCS]\n"
				"                   [-F FORKS] [-m BYTES] [-i INDEX] [-o|-D] [-v]\n");
			return 2;
		}
	}
	if (stateful) {
		if (!procs || procs > S_MAX_PROCS || forks > S_MAX_FORKS ||
		    (only >= 0 && (unsigned int)only >= procs)) {
			fprintf(stderr, "gpusim-fuzz: -P 1 to %d, -F 0 to %d, -i below -P\n",
				S_MAX_PROCS, S_MAX_FORKS);
			return 2;
		}
		if (!n_set)
			n = seconds ? ULONG_MAX : 2000;
		return stateful_main(path, seed, n, seconds, procs, only, forks,
				     (unsigned long)budget, verbose);
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
