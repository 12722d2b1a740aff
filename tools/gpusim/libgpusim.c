// SPDX-License-Identifier: MIT
/*
 * libgpusim: see libgpusim.h.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "libgpusim.h"

static int gs_ioctl(struct gpusim_dev *dev, unsigned long req, void *arg)
{
	return drmIoctl(dev->fd, req, arg) ? -errno : 0;
}

static int gs_is_gpusim(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	int ok;

	if (!v)
		return 0;
	ok = v->name && !strcmp(v->name, "gpusim");
	drmFreeVersion(v);
	return ok;
}

int gpusim_open(struct gpusim_dev *dev, const char *path)
{
	struct dirent *de;
	DIR *d;
	int fd;

	dev->fd = -1;
	if (path) {
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (!gs_is_gpusim(fd)) {
			close(fd);
			return -ENODEV;
		}
		dev->fd = fd;
		snprintf(dev->path, sizeof(dev->path), "%s", path);
		return 0;
	}

	d = opendir("/dev/dri");
	if (!d)
		return -ENODEV;
	while ((de = readdir(d))) {
		char p[300];

		if (strncmp(de->d_name, "renderD", 7))
			continue;
		snprintf(p, sizeof(p), "/dev/dri/%s", de->d_name);
		fd = open(p, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (gs_is_gpusim(fd)) {
			dev->fd = fd;
			snprintf(dev->path, sizeof(dev->path), "%s", p);
			break;
		}
		close(fd);
	}
	closedir(d);
	return dev->fd < 0 ? -ENODEV : 0;
}

void gpusim_close(struct gpusim_dev *dev)
{
	if (dev->fd >= 0)
		close(dev->fd);
	dev->fd = -1;
}

int gpusim_vm_create_heap(struct gpusim_dev *dev, uint32_t chunk_size,
			  uint32_t max_chunks, struct drm_gpusim_vm_create *out)
{
	memset(out, 0, sizeof(*out));
	out->heap_chunk_size = chunk_size;
	out->heap_max_chunks = max_chunks;
	return gs_ioctl(dev, DRM_IOCTL_GPUSIM_VM_CREATE, out);
}

int gpusim_vm_create(struct gpusim_dev *dev, uint32_t *vm_id)
{
	struct drm_gpusim_vm_create c;
	int ret = gpusim_vm_create_heap(dev, 0, 0, &c);

	if (!ret)
		*vm_id = c.vm_id;
	return ret;
}

int gpusim_vm_destroy(struct gpusim_dev *dev, uint32_t vm_id)
{
	struct drm_gpusim_vm_destroy d = { .vm_id = vm_id };

	return gs_ioctl(dev, DRM_IOCTL_GPUSIM_VM_DESTROY, &d);
}

int gpusim_vm_query(struct gpusim_dev *dev, uint32_t vm_id,
		    struct drm_gpusim_vm_query *out)
{
	memset(out, 0, sizeof(*out));
	out->vm_id = vm_id;
	return gs_ioctl(dev, DRM_IOCTL_GPUSIM_VM_QUERY, out);
}

int gpusim_vm_map(struct gpusim_dev *dev, uint32_t vm_id, uint32_t handle,
		  uint64_t bo_offset, uint64_t va, uint64_t size)
{
	struct drm_gpusim_vm_bind b = {
		.vm_id = vm_id, .op = DRM_GPUSIM_BIND_MAP, .handle = handle,
		.bo_offset = bo_offset, .va = va, .size = size,
	};

	return gs_ioctl(dev, DRM_IOCTL_GPUSIM_VM_BIND, &b);
}

int gpusim_vm_unmap(struct gpusim_dev *dev, uint32_t vm_id, uint64_t va,
		    uint64_t size)
{
	struct drm_gpusim_vm_bind b = {
		.vm_id = vm_id, .op = DRM_GPUSIM_BIND_UNMAP, .va = va, .size = size,
	};

	return gs_ioctl(dev, DRM_IOCTL_GPUSIM_VM_BIND, &b);
}

int gpusim_bo_create(struct gpusim_dev *dev, uint64_t size, uint32_t flags,
		     uint32_t *handle)
{
	struct drm_gpusim_bo_create c = { .size = size, .flags = flags };
	int ret = gs_ioctl(dev, DRM_IOCTL_GPUSIM_BO_CREATE, &c);

	if (!ret)
		*handle = c.handle;
	return ret;
}

int gpusim_bo_close(struct gpusim_dev *dev, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	return gs_ioctl(dev, DRM_IOCTL_GEM_CLOSE, &c);
}

int gpusim_bo_query(struct gpusim_dev *dev, uint32_t handle,
		    struct drm_gpusim_bo_query *out)
{
	memset(out, 0, sizeof(*out));
	out->handle = handle;
	return gs_ioctl(dev, DRM_IOCTL_GPUSIM_BO_QUERY, out);
}

int gpusim_bo_mmap(struct gpusim_dev *dev, uint32_t handle, uint64_t size,
		   void **out)
{
	struct drm_gpusim_bo_mmap_offset m = { .handle = handle };
	void *p;
	int ret;

	ret = gs_ioctl(dev, DRM_IOCTL_GPUSIM_BO_MMAP_OFFSET, &m);
	if (ret)
		return ret;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, dev->fd,
		 (off_t)m.offset);
	if (p == MAP_FAILED)
		return -errno;
	*out = p;
	return 0;
}

const char *gpusim_bo_state_name(uint32_t state)
{
	static const char *const names[] = {
		"unbacked", "resident", "pinned", "swapped", "discarded",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "invalid";
}

int gpusim_submit(struct gpusim_dev *dev, uint32_t vm_id,
		  const struct drm_gpusim_cmd *cmds, uint32_t count,
		  uint32_t flags, uint32_t out_sync, uint32_t *job_id)
{
	struct drm_gpusim_submit s = {
		.vm_id = vm_id, .flags = flags,
		.cmds = (uint64_t)(uintptr_t)cmds, .cmd_count = count,
		.cmd_stride = sizeof(*cmds), .out_sync = out_sync,
	};
	int ret = gs_ioctl(dev, DRM_IOCTL_GPUSIM_SUBMIT, &s);

	if (!ret && job_id)
		*job_id = s.job_id;
	return ret;
}

int gpusim_job_wait(struct gpusim_dev *dev, uint32_t job_id,
		    int64_t timeout_ns, struct drm_gpusim_job_wait *out)
{
	memset(out, 0, sizeof(*out));
	out->job_id = job_id;
	out->flags = DRM_GPUSIM_WAIT_BLOCK;
	out->timeout_ns = timeout_ns < 0 ? INT64_MAX : timeout_ns;
	return gs_ioctl(dev, DRM_IOCTL_GPUSIM_JOB_WAIT, out);
}

int gpusim_run(struct gpusim_dev *dev, uint32_t vm_id,
	       const struct drm_gpusim_cmd *cmd, struct drm_gpusim_job_wait *out)
{
	uint32_t job;
	int ret;

	ret = gpusim_submit(dev, vm_id, cmd, 1, 0, 0, &job);
	if (ret)
		return ret;
	return gpusim_job_wait(dev, job, -1, out);
}

int gpusim_gpu_fill(struct gpusim_dev *dev, uint32_t vm_id, uint64_t va,
		    uint64_t size, uint64_t seed, uint64_t pattern_offset,
		    struct drm_gpusim_job_wait *out)
{
	struct drm_gpusim_cmd c = {
		.op = DRM_GPUSIM_CMD_FILL, .va = va, .size = size, .seed = seed,
		.pattern_offset = pattern_offset,
	};

	return gpusim_run(dev, vm_id, &c, out);
}

int gpusim_gpu_verify(struct gpusim_dev *dev, uint32_t vm_id, uint64_t va,
		      uint64_t size, uint64_t seed, uint64_t pattern_offset,
		      struct drm_gpusim_job_wait *out)
{
	struct drm_gpusim_cmd c = {
		.op = DRM_GPUSIM_CMD_VERIFY, .va = va, .size = size, .seed = seed,
		.pattern_offset = pattern_offset,
	};

	return gpusim_run(dev, vm_id, &c, out);
}

const char *gpusim_job_status_name(uint32_t status)
{
	static const char *const names[] = {
		"queued", "done", "fault", "mismatch", "cancelled", "error",
	};

	return status < sizeof(names) / sizeof(names[0]) ? names[status] : "invalid";
}

void gpusim_cpu_fill(void *p, uint64_t size, uint64_t seed,
		     uint64_t pattern_offset)
{
	uint64_t *w = p, i, base = pattern_offset / 8;

	for (i = 0; i < size / 8; i++)
		w[i] = gpusim_pattern(seed, base + i);
}

uint64_t gpusim_cpu_verify(const void *p, uint64_t size, uint64_t seed,
			   uint64_t pattern_offset, uint64_t *first)
{
	const uint64_t *w = p;
	uint64_t i, bad = 0, base = pattern_offset / 8;

	for (i = 0; i < size / 8; i++) {
		if (w[i] != gpusim_pattern(seed, base + i)) {
			if (!bad && first)
				*first = i * 8;
			bad++;
		}
	}
	return bad;
}

size_t gpusim_sparse_cmds(struct drm_gpusim_cmd *cmds, uint32_t op, uint64_t va,
			  uint64_t size, uint64_t seed)
{
	size_t n = 0;
	uint64_t off;

	for (off = 0; off < size; off += GPUSIM_PAGE, n++)
		cmds[n] = (struct drm_gpusim_cmd){
			.op = op, .va = va + off, .size = GPUSIM_SPARSE_PAT,
			.seed = seed, .pattern_offset = off,
		};
	return n;
}

void gpusim_sparse_cpu_fill(void *p, uint64_t size, uint64_t seed)
{
	uint64_t off;

	for (off = 0; off < size; off += GPUSIM_PAGE)
		gpusim_cpu_fill((char *)p + off, GPUSIM_SPARSE_PAT, seed, off);
}

uint64_t gpusim_sparse_cpu_check(const void *p, uint64_t size, uint64_t seed,
				 uint64_t *first)
{
	const uint64_t *w = p;
	uint64_t bad = 0, i, per_page = GPUSIM_PAGE / 8;

	for (i = 0; i < size / 8; i++) {
		uint64_t want = (i % per_page) < GPUSIM_SPARSE_PAT / 8 ?
				gpusim_pattern(seed, i) : 0;

		if (w[i] != want && !bad++ && first)
			*first = i * 8;
	}
	return bad;
}

int gpusim_parse_size(const char *s, uint64_t *out)
{
	unsigned int shift = 0;
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;		/* no sign, no blanks */
	errno = 0;
	/* decimal, or hex with 0x: a leading 0 does not mean octal */
	v = strtoull(s, &end, s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (end == s)
		return -EINVAL;
	switch (*end) {
	case 'G': case 'g': shift = 30; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'K': case 'k': shift = 10; end++; break;
	}
	if (*end)
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = (uint64_t)v << shift;
	return 0;
}

int gpusim_objects_read(const char *key, long *value)
{
	FILE *f = fopen("/sys/kernel/debug/gpusim/objects", "r");
	char k[64];
	long v;
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fscanf(f, "%63s %ld", k, &v) == 2) {
		if (!strcmp(k, key)) {
			*value = v;
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

uint64_t gpusim_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
