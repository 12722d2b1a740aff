// SPDX-License-Identifier: GPL-2.0
/*
 * panthor-hwtest: run the gem_reclaim panthor series on a real Mali CSF GPU
 * (written for the RK3588's Mali-G610, arch v10) and check that evicted
 * buffers come back with their content, seen by the GPU and by the CPU.
 *
 * Run as root on a kernel with the series applied (gem_reclaim.ko and the
 * patched panthor.ko loaded), with swap configured. See README.md.
 *
 *   panthor-hwtest [-d /dev/dri/renderDN] [-s MiB] [-S seed] [-o report]
 *                  [case...]
 *
 * Each case prints "PASS name", "FAIL name: reason" or "SKIP name: reason";
 * lines starting with "#" are information. NOT RUN ON HARDWARE by its
 * author: built and its CS encoder self-tested (cs-selftest) only.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "uapi-compat.h"
#include "cs.h"

#define MiB ((uint64_t)1 << 20)

/* ------------------------------------------------------------------ */
/* Device and discovery                                               */

struct dev {
	int fd;
	int render_minor;
	char node[64];
	char reclaim_sysfs[PATH_MAX];	/* .../device/reclaim, "" if none */
	char dri_debugfs[PATH_MAX];	/* /sys/kernel/debug/dri/N, "" if none */
	struct drm_panthor_gpu_info gpu;
	struct drm_panthor_csif_info csif;
	long page;
	int madvise;			/* 1 supported, 0 not, -1 unknown */
	unsigned long long swap_total_kb;
};

static struct dev D = { .fd = -1, .madvise = -1 };
static uint64_t g_seed;
static uint64_t g_size = 4 * MiB;
static unsigned int g_tag;		/* makes every BO size unique */
static int n_pass, n_fail, n_skip;

static void info(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static bool read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = 0;
	return ok;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int open_panthor(const char *want)
{
	char path[64];
	int i;

	for (i = 128; i < 192; i++) {
		drmVersionPtr v;
		int fd;

		snprintf(path, sizeof(path), "/dev/dri/renderD%d", i);
		if (want && strcmp(want, path))
			continue;
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		if (v && !strcmp(v->name, "panthor")) {
			info("device %s: %s %d.%d.%d (%s)", path, v->name,
			     v->version_major, v->version_minor,
			     v->version_patchlevel, v->date);
			drmFreeVersion(v);
			snprintf(D.node, sizeof(D.node), "%s", path);
			D.render_minor = i;
			return fd;
		}
		if (v)
			drmFreeVersion(v);
		close(fd);
	}
	return -1;
}

static void discover_files(void)
{
	glob_t g;
	size_t i;

	snprintf(D.reclaim_sysfs, sizeof(D.reclaim_sysfs),
		 "/sys/class/drm/renderD%d/device/reclaim", D.render_minor);
	if (!is_dir(D.reclaim_sysfs))
		D.reclaim_sysfs[0] = 0;

	D.dri_debugfs[0] = 0;
	if (glob("/sys/kernel/debug/dri/*/name", 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++) {
			char name[256], dir[PATH_MAX], rc[PATH_MAX + 16];

			if (!read_line(g.gl_pathv[i], name, sizeof(name)) ||
			    !strstr(name, "panthor"))
				continue;
			snprintf(dir, sizeof(dir), "%s", g.gl_pathv[i]);
			*strrchr(dir, '/') = 0;
			snprintf(rc, sizeof(rc), "%s/reclaim", dir);
			if (is_dir(rc) || !D.dri_debugfs[0])
				snprintf(D.dri_debugfs, sizeof(D.dri_debugfs), "%s", dir);
			if (is_dir(rc))
				break;
		}
		globfree(&g);
	}
}

static unsigned long long meminfo_kb(const char *key)
{
	char line[256];
	unsigned long long v = 0;
	FILE *f = fopen("/proc/meminfo", "r");
	size_t kl = strlen(key);

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':')
			v = strtoull(line + kl + 1, NULL, 10);
	fclose(f);
	return v;
}

static int dev_query(uint32_t type, void *p, uint32_t size)
{
	struct drm_panthor_dev_query q = {
		.type = type, .size = size, .pointer = (uint64_t)(uintptr_t)p,
	};

	return drmIoctl(D.fd, DRM_IOCTL_PANTHOR_DEV_QUERY, &q);
}

/* ------------------------------------------------------------------ */
/* VM, BOs, groups, jobs                                              */

struct bo {
	const char *name;
	uint32_t handle;
	uint64_t size, va;
	void *map;
};

struct ctx {
	uint32_t vm;
	uint64_t next_va;
	struct bo *bos[16];
	int nbos;
};

static char why[512];

#define FAILF(...) do { snprintf(why, sizeof(why), __VA_ARGS__); goto out; } while (0)

static int vm_create(struct ctx *c)
{
	struct drm_panthor_vm_create vc = { 0 };

	memset(c, 0, sizeof(*c));
	if (drmIoctl(D.fd, DRM_IOCTL_PANTHOR_VM_CREATE, &vc)) {
		snprintf(why, sizeof(why), "VM_CREATE: %s", strerror(errno));
		return -1;
	}
	c->vm = vc.id;
	c->next_va = 0x10000000;	/* 256 MiB: clear of VA 0 */
	return 0;
}

static void bo_free(struct bo *b)
{
	struct drm_gem_close gc = { .handle = b->handle };

	if (b->map && b->map != MAP_FAILED)
		munmap(b->map, b->size);
	if (b->handle)
		drmIoctl(D.fd, DRM_IOCTL_GEM_CLOSE, &gc);
	free(b);
}

static void vm_destroy(struct ctx *c)
{
	struct drm_panthor_vm_destroy vd = { .id = c->vm };
	int i;

	for (i = 0; i < c->nbos; i++)
		bo_free(c->bos[i]);
	c->nbos = 0;
	if (c->vm)
		drmIoctl(D.fd, DRM_IOCTL_PANTHOR_VM_DESTROY, &vd);
	c->vm = 0;
}

static int vm_map(struct ctx *c, struct bo *b, uint32_t flags)
{
	struct drm_panthor_vm_bind_op op = {
		.flags = DRM_PANTHOR_VM_BIND_OP_TYPE_MAP | flags,
		.bo_handle = b->handle, .bo_offset = 0, .va = b->va,
		.size = b->size,
	};
	struct drm_panthor_vm_bind vb = {
		.vm_id = c->vm, .flags = 0,	/* synchronous */
		.ops = { .stride = sizeof(op), .count = 1,
			 .array = (uint64_t)(uintptr_t)&op },
	};

	return drmIoctl(D.fd, DRM_IOCTL_PANTHOR_VM_BIND, &vb);
}

/*
 * A BO of @size bytes plus a few pages, so that its size is unique among
 * this process's BOs and its line in the debugfs bos table can be found.
 */
static struct bo *bo_new(struct ctx *c, const char *name, uint64_t size,
			 uint32_t bind_flags)
{
	struct bo *b = calloc(1, sizeof(*b));
	struct drm_panthor_bo_create bc = { 0 };
	struct drm_panthor_bo_mmap_offset mo = { 0 };

	if (!b || c->nbos == (int)(sizeof(c->bos) / sizeof(c->bos[0]))) {
		snprintf(why, sizeof(why), "out of BO slots");
		free(b);
		return NULL;
	}
	b->name = name;
	bc.size = size + (uint64_t)(++g_tag) * D.page;
	if (drmIoctl(D.fd, DRM_IOCTL_PANTHOR_BO_CREATE, &bc)) {
		snprintf(why, sizeof(why), "BO_CREATE %s: %s", name, strerror(errno));
		free(b);
		return NULL;
	}
	b->handle = bc.handle;
	b->size = bc.size;
	b->va = c->next_va;
	c->next_va += (b->size + 2 * MiB - 1) & ~(2 * MiB - 1);
	c->bos[c->nbos++] = b;
	if (vm_map(c, b, bind_flags)) {
		snprintf(why, sizeof(why), "VM_BIND map %s: %s", name, strerror(errno));
		return NULL;
	}
	mo.handle = b->handle;
	if (drmIoctl(D.fd, DRM_IOCTL_PANTHOR_BO_MMAP_OFFSET, &mo)) {
		snprintf(why, sizeof(why), "BO_MMAP_OFFSET %s: %s", name, strerror(errno));
		return NULL;
	}
	b->map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, D.fd,
		      (off_t)mo.offset);
	if (b->map == MAP_FAILED) {
		snprintf(why, sizeof(why), "mmap %s: %s", name, strerror(errno));
		return NULL;
	}
	return b;
}

static int popcount64(uint64_t v)
{
	return __builtin_popcountll(v);
}

static int group_new(struct ctx *c, uint32_t *handle)
{
	struct drm_panthor_queue_create q = { .priority = 0, .ringbuf_size = 16384 };
	struct drm_panthor_group_create gc = {
		.queues = { .stride = sizeof(q), .count = 1,
			    .array = (uint64_t)(uintptr_t)&q },
		.max_compute_cores = (uint8_t)popcount64(D.gpu.shader_present),
		.max_fragment_cores = (uint8_t)popcount64(D.gpu.shader_present),
		.max_tiler_cores = (uint8_t)popcount64(D.gpu.tiler_present),
		.priority = PANTHOR_GROUP_PRIORITY_MEDIUM,
		.compute_core_mask = D.gpu.shader_present,
		.fragment_core_mask = D.gpu.shader_present,
		.tiler_core_mask = D.gpu.tiler_present,
		.vm_id = c->vm,
	};

	if (drmIoctl(D.fd, DRM_IOCTL_PANTHOR_GROUP_CREATE, &gc)) {
		snprintf(why, sizeof(why), "GROUP_CREATE: %s", strerror(errno));
		return -1;
	}
	*handle = gc.group_handle;
	return 0;
}

static void group_destroy(uint32_t handle)
{
	struct drm_panthor_group_destroy gd = { .group_handle = handle };

	if (handle)
		drmIoctl(D.fd, DRM_IOCTL_PANTHOR_GROUP_DESTROY, &gd);
}

/* GROUP_GET_STATE flags, or -1 */
static int group_state(uint32_t handle, uint32_t *fatal_queues)
{
	struct drm_panthor_group_get_state gs = { .group_handle = handle };

	if (drmIoctl(D.fd, DRM_IOCTL_PANTHOR_GROUP_GET_STATE, &gs))
		return -1;
	if (fatal_queues)
		*fatal_queues = gs.fatal_queues;
	return (int)gs.state;
}

/* Submit the program at @va (@bytes long) on queue 0, signalling @syncobj. */
static int submit(uint32_t group, uint64_t va, uint32_t bytes, uint32_t syncobj)
{
	struct drm_panthor_sync_op so = {
		.flags = DRM_PANTHOR_SYNC_OP_SIGNAL |
			 DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_SYNCOBJ,
		.handle = syncobj,
	};
	struct drm_panthor_queue_submit qs = {
		.queue_index = 0, .stream_size = bytes, .stream_addr = va,
		.latest_flush = 0,	/* flush+invalidate unconditionally */
		.syncs = { .stride = sizeof(so), .count = 1,
			   .array = (uint64_t)(uintptr_t)&so },
	};
	struct drm_panthor_group_submit gs = {
		.group_handle = group,
		.queue_submits = { .stride = sizeof(qs), .count = 1,
				   .array = (uint64_t)(uintptr_t)&qs },
	};

	if (drmIoctl(D.fd, DRM_IOCTL_PANTHOR_GROUP_SUBMIT, &gs)) {
		snprintf(why, sizeof(why), "GROUP_SUBMIT: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* 0 signalled, -ETIME timeout, other -errno */
static int wait_syncobj(uint32_t syncobj, int timeout_ms)
{
	int ret = drmSyncobjWait(D.fd, &syncobj, 1,
				 now_ns() + (int64_t)timeout_ms * 1000000,
				 DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL);

	return ret ? -errno : 0;
}

/* Submit and wait; checks the group's state afterwards. */
static int run_job(uint32_t group, uint64_t va, uint32_t bytes, const char *what)
{
	uint32_t so = 0, fatal = 0;
	int64_t t0 = now_ns();
	int ret, st;

	if (drmSyncobjCreate(D.fd, 0, &so)) {
		snprintf(why, sizeof(why), "syncobj create: %s", strerror(errno));
		return -1;
	}
	ret = submit(group, va, bytes, so);
	if (!ret) {
		ret = wait_syncobj(so, 10000);
		if (ret)
			snprintf(why, sizeof(why), "%s: job did not complete in 10 s (%s)",
				 what, strerror(-ret));
	}
	drmSyncobjDestroy(D.fd, so);
	if (ret)
		return -1;
	st = group_state(group, &fatal);
	info("%s: job done in %.1f ms, group state 0x%x", what,
	     (now_ns() - t0) / 1e6, st);
	if (st != 0) {
		snprintf(why, sizeof(why), "%s: group state 0x%x (timedout 0x1, fatal 0x2), fatal queues 0x%x; see dmesg",
			 what, st, fatal);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* GPU programs                                                       */

/*
 * Register use: r0..r15 data, r16:r17 source, r18:r19 destination, r20
 * loop counter, r22:r23 / r24:r25 sync wait, r26 flush id. All below the
 * kernel's registers (cs_reg_count - unpreserved_cs_reg_count = r92 on the
 * G610), checked in main().
 */
enum { R_DATA = 0, R_SRC = 16, R_DST = 18, R_CNT = 20, R_SYNC = 22,
       R_REF = 24, R_FLUSH = 26, R_LAST = 27 };
#define SB_LS 0		/* "other" scoreboard entry: loads and stores */

static void prologue(struct cs_buf *b)
{
	/* As Mesa's gallium csf_init_batch(): endpoint tasks on slot 2,
	 * everything else (LOAD/STORE_MULTIPLE) on slot 0. */
	cs_emit(b, cs_set_sb_entry(2, SB_LS));
}

static void epilogue(struct cs_buf *b)
{
	/*
	 * As Mesa's gallium csf_emit_batch_end(): wait for everything, then
	 * FLUSH_CACHE2 with a zero flush ID (unconditional) so the stores
	 * reach memory before the kernel's SYNC_ADD64 signals the job done;
	 * clean+invalidate as panthor's own pre-job flush (0x233).
	 */
	cs_emit(b, cs_wait(0xff, false));
	cs_emit(b, cs_move32(R_FLUSH, 0));
	cs_emit(b, cs_flush_cache2(CS_FLUSH_CLEAN_INVALIDATE,
				   CS_FLUSH_CLEAN_INVALIDATE,
				   CS_OTHER_FLUSH_INVALIDATE, 0, R_FLUSH, 0));
	cs_emit(b, cs_wait(1u << 0, false));
}

/* Copy @bytes (a multiple of 64) from @src to @dst, 16 registers a turn. */
static void prog_copy(struct cs_buf *b, uint64_t src, uint64_t dst, uint64_t bytes)
{
	unsigned int loop;

	prologue(b);
	cs_emit(b, cs_move48(R_SRC, src));
	cs_emit(b, cs_move48(R_DST, dst));
	cs_emit(b, cs_move32(R_CNT, (uint32_t)(bytes / 64)));
	loop = cs_pos(b);
	cs_emit(b, cs_load_multiple(R_DATA, R_SRC, 0xffff, 0));
	cs_emit(b, cs_wait(1u << SB_LS, false));	/* loaded before use */
	cs_emit(b, cs_store_multiple(R_DATA, R_DST, 0xffff, 0));
	cs_emit(b, cs_wait(1u << SB_LS, false));	/* stored before reload */
	cs_emit(b, cs_add_imm64(R_SRC, R_SRC, 64));
	cs_emit(b, cs_add_imm64(R_DST, R_DST, 64));
	cs_emit(b, cs_add_imm32(R_CNT, R_CNT, -1));
	cs_branch_back(b, loop, CS_COND_NEQUAL, R_CNT);
	epilogue(b);
}

/* Block on *(u64 *)@sync_va > 0, which nothing ever writes. */
static void prog_hang(struct cs_buf *b, uint64_t sync_va)
{
	prologue(b);
	cs_emit(b, cs_move48(R_SYNC, sync_va));
	cs_emit(b, cs_move48(R_REF, 0));
	cs_emit(b, cs_sync_wait64(false, CS_COND_GREATER, R_REF, R_SYNC));
	epilogue(b);
}

/* Write @p at byte @off of the CS BO (64-byte aligned); its size in bytes. */
static uint32_t put_prog(struct bo *cs, uint64_t off, struct cs_buf *p)
{
	uint32_t bytes = p->n * 8;

	if (p->overflow || off + bytes > cs->size) {
		free(p->ins);
		memset(p, 0, sizeof(*p));
		return 0;
	}
	memcpy((char *)cs->map + off, p->ins, bytes);
	__sync_synchronize();
	free(p->ins);
	memset(p, 0, sizeof(*p));
	return bytes;
}

/* ------------------------------------------------------------------ */
/* Pattern                                                            */

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static uint64_t seed_for(const char *what)
{
	uint64_t s = g_seed ^ 0x9e3779b97f4a7c15ull;

	while (*what)
		s = (s ^ (unsigned char)*what++) * 0x100000001b3ull;
	return s ? s : 1;
}

static void fill(struct bo *b, uint64_t bytes, uint64_t seed)
{
	volatile uint64_t *p = b->map;
	uint64_t s = seed, i;

	for (i = 0; i < bytes / 8; i++)
		p[i] = xorshift64(&s);
	__sync_synchronize();
}

/* 0 if the first @bytes of @b hold the pattern (@zero: all zero). */
static int verify(struct bo *b, uint64_t bytes, uint64_t seed, bool zero,
		  const char *what)
{
	const volatile uint32_t *p = b->map;
	uint64_t s = seed, bad = 0, first = UINT64_MAX, i;
	uint32_t want[2] = { 0, 0 };

	for (i = 0; i < bytes / 4; i++) {
		if (!(i & 1) && !zero) {
			uint64_t v = xorshift64(&s);

			memcpy(want, &v, 8);	/* the CPU's byte order */
		}
		if (p[i] != want[i & 1]) {
			if (first == UINT64_MAX)
				first = i;
			if (bad < 4)
				info("%s: word %" PRIu64 " (byte 0x%" PRIx64 "): 0x%08x, expected 0x%08x",
				     what, i, i * 4, p[i], want[i & 1]);
			bad++;
		}
	}
	if (!bad)
		return 0;
	snprintf(why, sizeof(why), "%s: %" PRIu64 " of %" PRIu64 " words wrong, first at byte 0x%" PRIx64,
		 what, bad, bytes / 4, first * 4);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Reclaim knobs and BO state                                         */

static void fdinfo(const char *when)
{
	char path[64], line[256], out[512] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", D.fd);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "drm-resident-", 13) && strncmp(line, "drm-total-", 10) &&
		    strncmp(line, "drm-purgeable-", 14))
			continue;
		line[strcspn(line, "\n")] = 0;
		if (strlen(out) + strlen(line) + 3 < sizeof(out)) {
			strcat(out, line);
			strcat(out, "; ");
		}
	}
	fclose(f);
	if (out[0])
		info("fdinfo %s: %s", when, out);
}

/* Ask reclaim for @pages pages of this process's VMs; pages freed or -errno. */
static long shrink(unsigned long pages)
{
	char path[PATH_MAX + 16], buf[64];
	long freed = -1;
	int fd, err = 0;
	ssize_t w;

	if (D.reclaim_sysfs[0])
		snprintf(path, sizeof(path), "%s/shrink", D.reclaim_sysfs);
	else if (D.dri_debugfs[0])
		snprintf(path, sizeof(path), "%s/reclaim/shrink", D.dri_debugfs);
	else
		return -ENOENT;
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -errno;
	snprintf(buf, sizeof(buf), "%lu tgid=%d", pages, (int)getpid());
	w = write(fd, buf, strlen(buf));
	if (w < 0)
		err = errno;
	close(fd);
	if (err && err != EAGAIN)	/* EAGAIN: freed fewer than asked */
		return -err;
	if (read_line(path, buf, sizeof(buf)))
		freed = strtol(buf, NULL, 10);
	return freed;
}

struct bo_row {
	bool found;
	char state[16], flags[16];
	unsigned long long resident, reclaims, swapins;
};

/* Our line of the debugfs bos table: pid and size match. -1: no table. */
static int bo_row(const struct bo *b, struct bo_row *r)
{
	char path[PATH_MAX + 16], *line = NULL;
	size_t cap = 0;
	FILE *f;

	memset(r, 0, sizeof(*r));
	if (!D.dri_debugfs[0])
		return -1;
	snprintf(path, sizeof(path), "%s/reclaim/bos", D.dri_debugfs);
	f = fopen(path, "r");
	if (!f)
		return -1;
	/* id vm pid comm... size resident state flags mmap reclaims swapins idle_ms */
	while (getline(&line, &cap, f) > 0) {
		char *tok[64];
		int n = 0;
		char *save, *t;

		for (t = strtok_r(line, " \n", &save); t && n < 64;
		     t = strtok_r(NULL, " \n", &save))
			tok[n++] = t;
		if (n < 12 || strtol(tok[2], NULL, 10) != getpid() ||
		    strtoull(tok[n - 8], NULL, 10) != b->size)
			continue;
		r->found = true;
		r->resident = strtoull(tok[n - 7], NULL, 10);
		snprintf(r->state, sizeof(r->state), "%s", tok[n - 6]);
		snprintf(r->flags, sizeof(r->flags), "%s", tok[n - 5]);
		r->reclaims = strtoull(tok[n - 3], NULL, 10);
		r->swapins = strtoull(tok[n - 2], NULL, 10);
		break;
	}
	free(line);
	fclose(f);
	return 0;
}

static void show_bos(struct bo **bos, int n, const char *when)
{
	struct bo_row r;
	int i;

	for (i = 0; i < n; i++) {
		if (bo_row(bos[i], &r) < 0)
			return;
		if (!r.found)
			info("%s: %s (%" PRIu64 " bytes): not in the bos table",
			     when, bos[i]->name, bos[i]->size);
		else
			info("%s: %s: state %s, resident %llu, flags %s, reclaims %llu, swapins %llu",
			     when, bos[i]->name, r.state, r.resident, r.flags,
			     r.reclaims, r.swapins);
	}
}

enum evict_result { EVICTED, NOT_EVICTED, UNOBSERVABLE };

/*
 * Shrink until every BO of @bos is swapped out or discarded, as the bos
 * table says; up to ~7 s (past the default idle_threshold_ms of 5000, for
 * the idle-vm-first policy), asking for all their pages each time.
 */
static enum evict_result evict(struct bo **bos, int n, const char *what)
{
	unsigned long pages = 0;
	struct bo_row r;
	int i, tries;
	long freed;

	for (i = 0; i < n; i++)
		pages += bos[i]->size / D.page;
	for (tries = 0; tries < 15; tries++) {
		bool all = true, table = true;

		freed = shrink(pages);
		if (freed < 0 && freed != -EAGAIN) {
			snprintf(why, sizeof(why), "%s: shrink write failed: %s",
				 what, strerror((int)-freed));
			return NOT_EVICTED;
		}
		for (i = 0; i < n; i++) {
			if (bo_row(bos[i], &r) < 0) {
				table = false;
				break;
			}
			if (!r.found || (strcmp(r.state, "swapped") &&
					 strcmp(r.state, "discarded") &&
					 !strchr(r.flags, 'p')))
				all = false;
		}
		if (!table) {
			/* Keep asking past idle_threshold_ms, blind. */
			if (tries < 12) {
				usleep(500000);
				continue;
			}
			info("%s: %d shrink requests, the last freed %ld pages; no debugfs bos table to check",
			     what, tries + 1, freed);
			return UNOBSERVABLE;
		}
		if (all) {
			info("%s: evicted after %d shrink request(s), last freed %ld pages",
			     what, tries + 1, freed);
			return EVICTED;
		}
		usleep(500000);
	}
	show_bos(bos, n, what);
	snprintf(why, sizeof(why), "%s: BOs still resident after %d shrink requests (policy, swap, VM activity? see the bos lines above and reclaim/stats)",
		 what, tries);
	return NOT_EVICTED;
}

/* ------------------------------------------------------------------ */
/* Cases                                                              */

enum result { PASS, FAIL, SKIP };

static enum result report(const char *name, enum result r)
{
	switch (r) {
	case PASS: printf("PASS %s\n", name); n_pass++; break;
	case FAIL: printf("FAIL %s: %s\n", name, why); n_fail++; break;
	case SKIP: printf("SKIP %s: %s\n", name, why); n_skip++; break;
	}
	fflush(stdout);
	why[0] = 0;
	return r;
}

static bool need_reclaim(void)
{
	if (!D.reclaim_sysfs[0] && !D.dri_debugfs[0]) {
		snprintf(why, sizeof(why), "no reclaim/ directory for %s in sysfs or debugfs: kernel without the series, or gem_reclaim not registered", D.node);
		return false;
	}
	return true;
}

static bool need_swap(void)
{
	if (!need_reclaim())
		return false;
	if (!D.swap_total_kb) {
		snprintf(why, sizeof(why), "no swap (SwapTotal 0): the swapout policies need swap; e.g. zram: modprobe zram && zramctl -f -s 1G && mkswap /dev/zram0 && swapon /dev/zram0");
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */

/*
 * What three cases start from: src filled with the case's pattern, dst and
 * copy zeroed, and a CS BO holding two programs, src -> dst at offset 0
 * (@l1 bytes) and dst -> copy at 4096 (@l2 bytes).
 */
struct copy_chain {
	struct bo *src, *dst, *cpy, *cs;
	uint32_t l1, l2;
};

static int copy_chain_new(struct ctx *c, uint64_t seed, struct copy_chain *k)
{
	struct cs_buf p = { 0 };

	if (!(k->src = bo_new(c, "src", g_size, DRM_PANTHOR_VM_BIND_OP_MAP_NOEXEC)) ||
	    !(k->dst = bo_new(c, "dst", g_size, DRM_PANTHOR_VM_BIND_OP_MAP_NOEXEC)) ||
	    !(k->cpy = bo_new(c, "copy", g_size, DRM_PANTHOR_VM_BIND_OP_MAP_NOEXEC)) ||
	    !(k->cs = bo_new(c, "cs", 64 * 1024, 0)))
		return -1;
	fill(k->src, g_size, seed);
	memset(k->dst->map, 0, g_size);
	memset(k->cpy->map, 0, g_size);
	prog_copy(&p, k->src->va, k->dst->va, g_size);
	k->l1 = put_prog(k->cs, 0, &p);
	prog_copy(&p, k->dst->va, k->cpy->va, g_size);
	k->l2 = put_prog(k->cs, 4096, &p);
	if (!k->l1 || !k->l2) {
		snprintf(why, sizeof(why), "CS program does not fit");
		return -1;
	}
	return 0;
}

/* A case whose data verified: PASS, or SKIP if the eviction went unseen. */
static enum result verified_result(enum evict_result ev)
{
	if (ev != UNOBSERVABLE)
		return PASS;
	snprintf(why, sizeof(why), "data verified, but eviction could not be observed (mount debugfs for reclaim/bos)");
	return SKIP;
}

/*
 * a. The GPU writes the pattern into dst (copied from src, which the CPU
 * filled), dst is evicted, then a job on a second group reads dst back into
 * copy: copy and dst (by CPU mmap) must hold the pattern.
 */
static enum result case_gpu_write_evict_verify(void)
{
	const char *name = "gpu-write-evict-verify";
	uint64_t seed = seed_for(name);
	struct ctx c = { 0 };
	struct copy_chain k;
	struct bo *src, *dst, *cpy, *cs;
	uint32_t g1 = 0, g2 = 0;
	enum result res = FAIL;
	enum evict_result ev;
	struct bo_row row;

	if (!need_swap())
		return report(name, SKIP);
	info("%s: seed 0x%016" PRIx64 ", %" PRIu64 " bytes", name, seed, g_size);
	if (vm_create(&c) || copy_chain_new(&c, seed, &k))
		goto out;
	src = k.src, dst = k.dst, cpy = k.cpy, cs = k.cs;
	if (group_new(&c, &g1) || run_job(g1, cs->va, k.l1, "write job"))
		goto out;
	/* The GPU's write reached memory: dst by CPU, before any eviction. */
	if (verify(dst, g_size, seed, false, "dst after the GPU write"))
		goto out;
	fdinfo("before eviction");
	/* Only dst must go; src and cs may stay (they are not checked). */
	ev = evict((struct bo *[]){ dst, cpy }, 2, name);
	if (ev == NOT_EVICTED)
		goto out;
	show_bos((struct bo *[]){ src, dst, cpy, cs }, 4, "after eviction");
	fdinfo("after eviction");
	/* dst untouched by the CPU since: the GPU's read restores it. */
	if (group_new(&c, &g2) || run_job(g2, cs->va + 4096, k.l2, "read-back job"))
		goto out;
	if (verify(cpy, g_size, seed, false, "copy (GPU read of the evicted dst)") ||
	    verify(dst, g_size, seed, false, "dst (CPU mmap after the GPU restore)"))
		goto out;
	if (bo_row(dst, &row) == 0 && row.found)
		info("dst: swapins %llu, reclaims %llu", row.swapins, row.reclaims);
	res = verified_result(ev);
out:
	group_destroy(g1);
	group_destroy(g2);
	vm_destroy(&c);
	return report(name, res);
}

static int madvise_bo(uint32_t handle, uint32_t madv, uint32_t *retained)
{
	struct drm_panthor_bo_madvise m = { .handle = handle, .madv = madv };

	if (drmIoctl(D.fd, DRM_IOCTL_PANTHOR_BO_MADVISE, &m))
		return -errno;
	if (retained)
		*retained = m.retained;
	return 0;
}

static sigjmp_buf probe_env;

static void probe_fault(int sig)
{
	siglongjmp(probe_env, sig);
}

/* Read one word; the signal it raised (SIGBUS expected for a purged BO), or 0. */
static int cpu_read_faults(const volatile uint32_t *p)
{
	struct sigaction sa = { .sa_handler = probe_fault }, old_bus, old_segv;
	volatile int sig = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	sig = sigsetjmp(probe_env, 1);
	if (!sig)
		(void)*p;
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	return sig;
}

/*
 * b. A DONTNEED BO (MADVISE) is purged by a forced shrink: WILLNEED then
 * reports retained=0 and a CPU read of its mapping gets SIGBUS (the
 * uAPI's word; the GPU never touches it here, as a GPU use would fault).
 * A WILLNEED BO of the same VM is retained with its data (GPU copy and CPU
 * mmap), and jobs of the VM still run.
 */
static enum result case_discard_reports_loss(void)
{
	const char *name = "discard-reports-loss";
	uint64_t seed_a = seed_for("dontneed"), seed_b = seed_for("willneed");
	uint64_t size = g_size < MiB ? g_size : MiB;
	struct ctx c = { 0 };
	struct bo *a, *b, *cpy, *cs;
	struct cs_buf p = { 0 };
	uint32_t g = 0, l1, ret_a = 1, ret_b = 0;
	enum result res = FAIL;
	enum evict_result ev;
	struct bo_row row;
	int err, sig;

	if (!need_reclaim())
		return report(name, SKIP);
	if (D.madvise != 1) {
		snprintf(why, sizeof(why), "DRM_IOCTL_PANTHOR_BO_MADVISE not supported by this kernel (handle 0 gave EINVAL, not ENOENT)");
		return report(name, SKIP);
	}
	if (vm_create(&c))
		goto out;
	if (!(a = bo_new(&c, "dontneed", size, DRM_PANTHOR_VM_BIND_OP_MAP_NOEXEC)) ||
	    !(b = bo_new(&c, "willneed", size, DRM_PANTHOR_VM_BIND_OP_MAP_NOEXEC)) ||
	    !(cpy = bo_new(&c, "copy", size, DRM_PANTHOR_VM_BIND_OP_MAP_NOEXEC)) ||
	    !(cs = bo_new(&c, "cs", 64 * 1024, 0)))
		goto out;
	fill(a, size, seed_a);
	fill(b, size, seed_b);
	memset(cpy->map, 0, size);
	prog_copy(&p, b->va, cpy->va, size);
	l1 = put_prog(cs, 0, &p);
	if (!l1)
		FAILF("CS program does not fit");
	/* The VM has run a job: its BOs are GPU-mapped and the VM idle. */
	if (group_new(&c, &g) || run_job(g, cs->va, l1, "copy job"))
		goto out;
	err = madvise_bo(a->handle, DRM_PANTHOR_BO_MADV_DONTNEED, &ret_a);
	if (err)
		FAILF("MADVISE DONTNEED: %s", strerror(-err));
	info("MADVISE DONTNEED: retained %u", ret_a);
	show_bos((struct bo *[]){ a, b }, 2, "before shrink");
	/* Only a must go (the discard policy, no swap needed). */
	ev = evict((struct bo *[]){ a }, 1, name);
	if (ev == NOT_EVICTED)
		goto out;
	show_bos((struct bo *[]){ a, b }, 2, "after shrink");
	err = madvise_bo(a->handle, DRM_PANTHOR_BO_MADV_WILLNEED, &ret_a);
	if (err)
		FAILF("MADVISE WILLNEED (dontneed BO): %s", strerror(-err));
	if (ret_a != 0)
		FAILF("%s, but WILLNEED says retained=%u (expected 0)",
		      ev == EVICTED ? "the bos table shows the DONTNEED BO discarded" :
		      "after a shrink request (no bos table to confirm a discard)", ret_a);
	if (bo_row(a, &row) == 0 && row.found)
		info("purged BO: state %s, flags %s%s", row.state, row.flags,
		     strchr(row.flags, 'p') ? "" : " (no 'p' flag: not shown purged)");
	sig = cpu_read_faults(a->map);
	if (sig != SIGBUS)
		FAILF("a CPU read of the purged BO's mapping %s (the uAPI says SIGBUS)",
		      sig ? strsignal(sig) : "did not fault");
	info("CPU read of the purged BO: SIGBUS, as documented");
	err = madvise_bo(b->handle, DRM_PANTHOR_BO_MADV_WILLNEED, &ret_b);
	if (err)
		FAILF("MADVISE WILLNEED (willneed BO): %s", strerror(-err));
	if (ret_b != 1)
		FAILF("the WILLNEED BO says retained=%u (expected 1)", ret_b);
	memset(cpy->map, 0, size);
	if (run_job(g, cs->va, l1, "copy job after the shrink"))
		goto out;
	if (verify(cpy, size, seed_b, false, "copy of the WILLNEED BO (GPU)") ||
	    verify(b, size, seed_b, false, "WILLNEED BO (CPU mmap)"))
		goto out;
	res = PASS;
out:
	group_destroy(g);
	vm_destroy(&c);
	return report(name, res);
}

/*
 * c. Evict the BOs of a group that has just run a job and is idle, but may
 * still be resident on a CSG slot (6.12 keeps idle groups on free slots),
 * its command stream BO included; then submit on the same group.
 */
static enum result case_evict_idle_resident_group(void)
{
	const char *name = "evict-idle-resident-group";
	uint64_t seed = seed_for(name);
	struct ctx c = { 0 };
	struct copy_chain k;
	struct bo *src, *dst, *cpy, *cs;
	uint32_t g = 0;
	enum result res = FAIL;
	enum evict_result ev;

	if (!need_swap())
		return report(name, SKIP);
	info("%s: seed 0x%016" PRIx64, name, seed);
	if (vm_create(&c) || copy_chain_new(&c, seed, &k))
		goto out;
	src = k.src, dst = k.dst, cpy = k.cpy, cs = k.cs;
	if (group_new(&c, &g) || run_job(g, cs->va, k.l1, "first job"))
		goto out;
	/* At once: the group is idle, likely still on its CSG slot. */
	ev = evict((struct bo *[]){ src, dst, cpy, cs }, 4, name);
	if (ev == NOT_EVICTED)
		goto out;
	show_bos((struct bo *[]){ src, dst, cpy, cs }, 4, "after eviction");
	if (run_job(g, cs->va + 4096, k.l2, "second job, same group"))
		goto out;
	if (verify(cpy, g_size, seed, false, "copy (GPU read after eviction)") ||
	    verify(dst, g_size, seed, false, "dst (CPU mmap)"))
		goto out;
	res = verified_result(ev);
out:
	group_destroy(g);
	vm_destroy(&c);
	return report(name, res);
}

struct shrinker_arg {
	atomic_bool stop;
	unsigned long pages;
	int requests, errors, last_err;
	long freed;
};

static void *shrinker_thread(void *p)
{
	struct shrinker_arg *a = p;

	while (!atomic_load(&a->stop)) {
		long r = shrink(a->pages);

		a->requests++;
		if (r < 0 && r != -EAGAIN) {
			a->errors++;
			a->last_err = (int)-r;
		} else if (r > 0) {
			a->freed += r;
		}
		usleep(200000);
	}
	return NULL;
}

/*
 * d. A job that never completes (SYNC_WAIT64 on memory nothing writes)
 * times out after panthor's JOB_TIMEOUT_MS (5 s) and its group is killed,
 * possibly through a GPU reset, while another thread keeps asking reclaim
 * for this process's BOs. Then a new group on the same VM runs a job, and
 * the evicted BOs verify.
 */
static enum result case_reset_during_reclaim(void)
{
	const char *name = "reset-during-reclaim";
	uint64_t seed = seed_for(name);
	struct ctx c = { 0 };
	struct copy_chain k;
	struct bo *src, *dst, *cpy, *sync, *cs;
	struct cs_buf p = { 0 };
	uint32_t g1 = 0, gh = 0, g2 = 0, lh, so = 0, fatal = 0;
	struct drm_panthor_vm_get_state vs = { 0 };
	struct shrinker_arg sa = { 0 };
	enum result res = FAIL;
	enum evict_result ev;
	pthread_t th;
	bool thread = false;
	int64_t t0;
	double secs;
	int ret, st;

	if (!need_swap())
		return report(name, SKIP);
	info("%s: seed 0x%016" PRIx64, name, seed);
	if (vm_create(&c) || copy_chain_new(&c, seed, &k) ||
	    !(sync = bo_new(&c, "never-signalled", 4096, DRM_PANTHOR_VM_BIND_OP_MAP_NOEXEC)))
		goto out;
	src = k.src, dst = k.dst, cpy = k.cpy, cs = k.cs;
	memset(sync->map, 0, sync->size);
	prog_hang(&p, sync->va);
	lh = put_prog(cs, 8192, &p);
	if (!lh)
		FAILF("CS program does not fit");
	if (group_new(&c, &g1) || run_job(g1, cs->va, k.l1, "write job"))
		goto out;
	if (verify(dst, g_size, seed, false, "dst after the GPU write"))
		goto out;

	if (group_new(&c, &gh))
		goto out;
	if (drmSyncobjCreate(D.fd, 0, &so))
		FAILF("syncobj create: %s", strerror(errno));
	sa.pages = (src->size + dst->size + cpy->size + cs->size) / D.page;
	if (pthread_create(&th, NULL, shrinker_thread, &sa))
		FAILF("pthread_create failed");
	thread = true;
	t0 = now_ns();
	if (submit(gh, cs->va + 8192, lh, so))
		goto out;
	info("hanging job submitted; waiting for panthor's job timeout, shrinking meanwhile");
	ret = wait_syncobj(so, 30000);
	secs = (now_ns() - t0) / 1e9;
	atomic_store(&sa.stop, true);
	pthread_join(th, NULL);
	thread = false;
	info("hang job: %s after %.1f s; %d shrink requests (%d failed%s%s), %ld pages freed",
	     ret ? "NOT done" : "done", secs, sa.requests,
	     sa.errors, sa.errors ? ", last: " : "",
	     sa.errors ? strerror(sa.last_err) : "", sa.freed);
	if (ret)
		FAILF("the never-completing job was not timed out within 30 s (%s); see dmesg",
		      strerror(-ret));
	st = group_state(gh, &fatal);
	info("hung group: state 0x%x (timedout 0x1, fatal 0x2), fatal queues 0x%x", st, fatal);
	/*
	 * A wait that ended early, without a timeout, means the SYNC_WAIT64
	 * did not block: this program's assumption about its encoding or
	 * condition is wrong, nothing was tested.
	 */
	if (st == 0 && secs < 4.0)
		FAILF("the job meant to block ended after %.1f s without a timeout: SYNC_WAIT64 did not block (a bug of this program's hang job, not of the series)",
		      secs);
	if (st <= 0)
		info("warning: the hung group is not reported timed out");
	vs.vm_id = c.vm;
	if (drmIoctl(D.fd, DRM_IOCTL_PANTHOR_VM_GET_STATE, &vs))
		FAILF("VM_GET_STATE: %s", strerror(errno));
	if (vs.state != DRM_PANTHOR_VM_STATE_USABLE)
		FAILF("the VM is unusable after the timeout (state %u)", vs.state);

	ev = evict((struct bo *[]){ dst, cpy }, 2, "after the timeout");
	if (ev == NOT_EVICTED)
		goto out;
	if (group_new(&c, &g2) || run_job(g2, cs->va + 4096, k.l2, "job on a new group, same VM"))
		goto out;
	if (verify(cpy, g_size, seed, false, "copy (GPU read after timeout and eviction)") ||
	    verify(dst, g_size, seed, false, "dst (CPU mmap)"))
		goto out;
	res = verified_result(ev);
out:
	if (thread) {
		atomic_store(&sa.stop, true);
		pthread_join(th, NULL);
	}
	if (so)
		drmSyncobjDestroy(D.fd, so);
	group_destroy(g1);
	group_destroy(gh);
	group_destroy(g2);
	vm_destroy(&c);
	return report(name, res);
}

/*
 * uapi: the series' uAPI as this program expects it (uapi-compat.h):
 * BO_QUERY_INFO at 0x10 echoes the creation flags, BO_WB_MMAP is refused.
 */
static enum result case_uapi(void)
{
	const char *name = "uapi";
	struct drm_panthor_bo_create bc = { .size = 4096 };
	struct hwt_bo_query_info qi = { 0 };
	struct drm_gem_close gc = { 0 };
	enum result res = FAIL;

	if (D.madvise != 1) {
		snprintf(why, sizeof(why), "kernel without DRM_IOCTL_PANTHOR_BO_MADVISE: the 8-patch series, before upstream's uAPI");
		return report(name, SKIP);
	}
	bc.flags = HWT_PANTHOR_BO_WB_MMAP;
	if (!drmIoctl(D.fd, DRM_IOCTL_PANTHOR_BO_CREATE, &bc)) {
		gc.handle = bc.handle;
		drmIoctl(D.fd, DRM_IOCTL_GEM_CLOSE, &gc);
		FAILF("BO_CREATE with DRM_PANTHOR_BO_WB_MMAP succeeded; this kernel should refuse it");
	}
	if (errno != EINVAL)
		FAILF("BO_CREATE with DRM_PANTHOR_BO_WB_MMAP: %s, expected EINVAL", strerror(errno));
	bc.flags = DRM_PANTHOR_BO_NO_MMAP;
	if (drmIoctl(D.fd, DRM_IOCTL_PANTHOR_BO_CREATE, &bc))
		FAILF("BO_CREATE: %s", strerror(errno));
	gc.handle = bc.handle;
	qi.handle = bc.handle;
	if (drmIoctl(D.fd, HWT_IOCTL_PANTHOR_BO_QUERY_INFO, &qi))
		FAILF("BO_QUERY_INFO (0x10): %s", strerror(errno));
	if (qi.create_flags != DRM_PANTHOR_BO_NO_MMAP || (qi.extra_flags & HWT_PANTHOR_BO_IS_IMPORTED))
		FAILF("BO_QUERY_INFO: create_flags 0x%x (expected 0x%x), extra_flags 0x%x",
		      qi.create_flags, DRM_PANTHOR_BO_NO_MMAP, qi.extra_flags);
	res = PASS;
out:
	if (gc.handle)
		drmIoctl(D.fd, DRM_IOCTL_GEM_CLOSE, &gc);
	return report(name, res);
}

static const struct {
	const char *name;
	enum result (*fn)(void);
} cases[] = {
	{ "uapi", case_uapi },
	{ "gpu-write-evict-verify", case_gpu_write_evict_verify },
	{ "discard-reports-loss", case_discard_reports_loss },
	{ "evict-idle-resident-group", case_evict_idle_resident_group },
	{ "reset-during-reclaim", case_reset_during_reclaim },
};

/* ------------------------------------------------------------------ */
/* Report                                                             */

static void list_dir(FILE *out, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth > 0)
				list_dir(out, path, depth - 1);
		} else if (S_ISREG(st.st_mode) && (st.st_mode & 0444)) {
			fprintf(out, "%s\n", path);
		}
	}
	closedir(d);
}

static void dump_file(FILE *out, const char *path)
{
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	fprintf(out, "==> %s <==\n", path);
	if (!f) {
		fprintf(out, "(%s)\n", strerror(errno));
		return;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, out);
	fclose(f);
}

static void what_to_send(const char *report_path)
{
	char tmp[] = "/tmp/panthor-hwtest-files.XXXXXX";
	char line[PATH_MAX];
	struct utsname u;
	FILE *out, *list;
	int lfd;

	uname(&u);
	printf("\nWhat to send back:\n");
	printf("  - this output, and the report file %s, which has:\n", report_path);
	printf("    the kernel version (%s %s), dmesg | tail -200, and these files:\n",
	       u.release, u.version);
	lfd = mkstemp(tmp);
	list = lfd >= 0 ? fdopen(lfd, "w+") : NULL;
	if (!list)
		return;
	if (D.reclaim_sysfs[0])
		list_dir(list, D.reclaim_sysfs, 0);
	if (D.dri_debugfs[0]) {
		char rc[PATH_MAX + 16];

		snprintf(rc, sizeof(rc), "%s/reclaim", D.dri_debugfs);
		list_dir(list, rc, 0);
		snprintf(rc, sizeof(rc), "%s/name", D.dri_debugfs);
		fprintf(list, "%s\n", rc);
	}
	list_dir(list, "/sys/module/gem_reclaim/parameters", 0);
	fprintf(list, "/proc/swaps\n/proc/meminfo\n");
	rewind(list);
	out = fopen(report_path, "w");
	if (out) {
		fprintf(out, "panthor-hwtest report\nkernel: %s %s %s\n", u.release,
			u.version, u.machine);
		fprintf(out, "device: %s, gpu_id 0x%08x, seed 0x%016" PRIx64 ", size %" PRIu64 "\n",
			D.node, D.gpu.gpu_id, g_seed, g_size);
		fprintf(out, "result: %d passed, %d failed, %d skipped\n", n_pass, n_fail, n_skip);
	}
	while (fgets(line, sizeof(line), list)) {
		line[strcspn(line, "\n")] = 0;
		printf("      %s\n", line);
		if (out)
			dump_file(out, line);
	}
	fclose(list);
	unlink(tmp);
	if (out) {
		FILE *dm = popen("dmesg 2>&1 | tail -n 200", "r");
		char buf[4096];
		size_t n;

		fprintf(out, "==> dmesg | tail -n 200 <==\n");
		if (dm) {
			while ((n = fread(buf, 1, sizeof(buf), dm)) > 0)
				fwrite(buf, 1, n, out);
			pclose(dm);
		}
		fclose(out);
		printf("  - (written to %s; if it could not be, send `uname -a`, `dmesg | tail -200` and the files above)\n",
		       report_path);
	} else {
		printf("  - could not write %s (%s): send `uname -a`, `dmesg | tail -200` and the files above\n",
		       report_path, strerror(errno));
	}
}

/* ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: panthor-hwtest [-d /dev/dri/renderDN] [-s MiB] [-S seed] [-o report] [case...]\n"
		   "cases:");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		fprintf(f, " %s", cases[i].name);
	fprintf(f, "\n");
}

int main(int argc, char **argv)
{
	const char *node = NULL, *report_path = "panthor-hwtest-report.txt";
	struct drm_panthor_bo_madvise m = { .handle = 0 };
	struct utsname u;
	size_t i;
	int opt;

	g_seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	while ((opt = getopt(argc, argv, "d:s:S:o:h")) != -1) {
		switch (opt) {
		case 'd': node = optarg; break;
		case 's': g_size = strtoull(optarg, NULL, 0) * MiB; break;
		case 'S': g_seed = strtoull(optarg, NULL, 0); break;
		case 'o': report_path = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!g_size || g_size > 1024 * MiB) {
		fprintf(stderr, "panthor-hwtest: -s takes 1..1024 (MiB)\n");
		return 2;
	}
	for (i = optind; i < (size_t)argc; i++) {
		size_t k;

		for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
			if (!strcmp(argv[i], cases[k].name))
				break;
		if (k == sizeof(cases) / sizeof(cases[0])) {
			fprintf(stderr, "panthor-hwtest: unknown case %s\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	uname(&u);
	info("panthor-hwtest: kernel %s %s, seed 0x%016" PRIx64 " (-S to repeat), %" PRIu64 " MiB buffers",
	     u.release, u.machine, g_seed, g_size / MiB);
	if (geteuid() != 0)
		info("warning: not root; the shrink knob and debugfs need root");
	D.page = sysconf(_SC_PAGESIZE);
	D.fd = open_panthor(node);
	if (D.fd < 0) {
		printf("FAIL setup: no panthor render node%s%s (is panthor.ko loaded? /dev/dri/renderD*)\n",
		       node ? " at " : "", node ? node : "");
		goto setup_failed;
	}
	if (dev_query(DRM_PANTHOR_DEV_QUERY_GPU_INFO, &D.gpu, sizeof(D.gpu)) ||
	    dev_query(DRM_PANTHOR_DEV_QUERY_CSIF_INFO, &D.csif, sizeof(D.csif))) {
		printf("FAIL setup: DEV_QUERY: %s\n", strerror(errno));
		goto setup_failed;
	}
	info("gpu_id 0x%08x (arch %u.%u), shader_present 0x%" PRIx64 ", tiler_present 0x%" PRIx64
	     ", coherency_features 0x%x",
	     D.gpu.gpu_id, D.gpu.gpu_id >> 28, (D.gpu.gpu_id >> 24) & 0xf,
	     (uint64_t)D.gpu.shader_present, (uint64_t)D.gpu.tiler_present,
	     D.gpu.coherency_features);
	info("csif: %u CSG slots, %u CS slots, %u CS registers (%u for the kernel), %u scoreboard slots",
	     D.csif.csg_slot_count, D.csif.cs_slot_count, D.csif.cs_reg_count,
	     D.csif.unpreserved_cs_reg_count, D.csif.scoreboard_slot_count);
	if ((D.gpu.gpu_id >> 28) != 10)
		info("warning: not an arch v10 GPU; the CS encodings are v10's");
	if (D.csif.cs_reg_count < D.csif.unpreserved_cs_reg_count ||
	    D.csif.cs_reg_count - D.csif.unpreserved_cs_reg_count <= R_LAST) {
		printf("FAIL setup: only %u CS registers for userspace, the programs use r0..r%d\n",
		       D.csif.cs_reg_count - D.csif.unpreserved_cs_reg_count, R_LAST);
		goto setup_failed;
	}
	/* MADVISE with handle 0: ENOENT when the ioctl exists, EINVAL if not. */
	if (!drmIoctl(D.fd, DRM_IOCTL_PANTHOR_BO_MADVISE, &m) || errno == ENOENT)
		D.madvise = 1;
	else
		D.madvise = errno == EINVAL ? 0 : -1;
	info("BO_MADVISE: %s (header %s)",
	     D.madvise == 1 ? "supported" : D.madvise == 0 ? "not supported" : "unknown answer",
	     HWT_UAPI_MADVISE_FALLBACK ? "without it, uapi-compat.h fallback" : "has it");
	discover_files();
	D.swap_total_kb = meminfo_kb("SwapTotal");
	info("reclaim sysfs: %s; debugfs: %s; swap %llu kB",
	     D.reclaim_sysfs[0] ? D.reclaim_sysfs : "(none)",
	     D.dri_debugfs[0] ? D.dri_debugfs : "(none)", D.swap_total_kb);
	if (D.reclaim_sysfs[0]) {
		char path[PATH_MAX + 32], val[256];

		snprintf(path, sizeof(path), "%s/policy", D.reclaim_sysfs);
		if (read_line(path, val, sizeof(val)))
			info("reclaim policy: \"%s\"", val);
		snprintf(path, sizeof(path), "%s/idle_threshold_ms", D.reclaim_sysfs);
		if (read_line(path, val, sizeof(val)))
			info("idle_threshold_ms: %s", val);
		snprintf(path, sizeof(path), "%s/min_resident_mb", D.reclaim_sysfs);
		if (read_line(path, val, sizeof(val)))
			info("min_resident_mb: %s", val);
	}

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool run = optind >= argc;
		int k;

		for (k = optind; k < argc; k++)
			if (!strcmp(argv[k], cases[i].name))
				run = true;
		if (run)
			cases[i].fn();
	}
	if (0) {
setup_failed:
		n_fail++;
	}
	printf("\nSUMMARY: %d passed, %d failed, %d skipped (seed 0x%016" PRIx64 ", %" PRIu64 " MiB, %s)\n",
	       n_pass, n_fail, n_skip, g_seed, g_size / MiB, u.release);
	what_to_send(report_path);
	if (D.fd >= 0)
		close(D.fd);
	return n_fail ? 1 : 0;
}
