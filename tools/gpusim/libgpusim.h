/* SPDX-License-Identifier: MIT */
/*
 * libgpusim: a small C library over libdrm for the gpusim simulated GPU.
 *
 * Every function returns 0 on success or a negative errno; nothing prints.
 * A program opens a device, creates VMs and BOs, binds BO ranges at GPU
 * virtual addresses, and runs jobs (fill, verify, copy, heap growth) that
 * the simulated GPU executes through the VM's page tables. The pattern
 * helpers compute the same words as the GPU (gpusim_pattern()), so data can
 * be written by one side and checked by the other.
 */
#ifndef LIBGPUSIM_H
#define LIBGPUSIM_H

#include <stddef.h>
#include <stdint.h>

#include <drm.h>
#include "gpusim_drm.h"

struct gpusim_dev {
	int fd;
	char path[300];
};

/* Open @path, or the first render node driven by gpusim if @path is NULL. */
int gpusim_open(struct gpusim_dev *dev, const char *path);
void gpusim_close(struct gpusim_dev *dev);

/* VMs */
int gpusim_vm_create(struct gpusim_dev *dev, uint32_t *vm_id);
int gpusim_vm_create_heap(struct gpusim_dev *dev, uint32_t chunk_size,
			  uint32_t max_chunks, struct drm_gpusim_vm_create *out);
int gpusim_vm_destroy(struct gpusim_dev *dev, uint32_t vm_id);
int gpusim_vm_query(struct gpusim_dev *dev, uint32_t vm_id,
		    struct drm_gpusim_vm_query *out);
int gpusim_vm_map(struct gpusim_dev *dev, uint32_t vm_id, uint32_t handle,
		  uint64_t bo_offset, uint64_t va, uint64_t size);
int gpusim_vm_unmap(struct gpusim_dev *dev, uint32_t vm_id, uint64_t va,
		    uint64_t size);

/* BOs */
int gpusim_bo_create(struct gpusim_dev *dev, uint64_t size, uint32_t flags,
		     uint32_t *handle);
int gpusim_bo_close(struct gpusim_dev *dev, uint32_t handle);
int gpusim_bo_query(struct gpusim_dev *dev, uint32_t handle,
		    struct drm_gpusim_bo_query *out);
/* mmap a whole BO (MAP_SHARED); *out receives the address. */
int gpusim_bo_mmap(struct gpusim_dev *dev, uint32_t handle, uint64_t size,
		   void **out);
const char *gpusim_bo_state_name(uint32_t state);

/* Jobs */
int gpusim_submit(struct gpusim_dev *dev, uint32_t vm_id,
		  const struct drm_gpusim_cmd *cmds, uint32_t count,
		  uint32_t flags, uint32_t out_sync, uint32_t *job_id);
/* Wait up to timeout_ns (negative: forever) and release the status. */
int gpusim_job_wait(struct gpusim_dev *dev, uint32_t job_id,
		    int64_t timeout_ns, struct drm_gpusim_job_wait *out);
/* Submit one command, wait, return the status in *out. */
int gpusim_run(struct gpusim_dev *dev, uint32_t vm_id,
	       const struct drm_gpusim_cmd *cmd, struct drm_gpusim_job_wait *out);
int gpusim_gpu_fill(struct gpusim_dev *dev, uint32_t vm_id, uint64_t va,
		    uint64_t size, uint64_t seed, uint64_t pattern_offset,
		    struct drm_gpusim_job_wait *out);
int gpusim_gpu_verify(struct gpusim_dev *dev, uint32_t vm_id, uint64_t va,
		      uint64_t size, uint64_t seed, uint64_t pattern_offset,
		      struct drm_gpusim_job_wait *out);
const char *gpusim_job_status_name(uint32_t status);

/* CPU side of the pattern: @p holds bytes [pattern_offset, +size). */
void gpusim_cpu_fill(void *p, uint64_t size, uint64_t seed,
		     uint64_t pattern_offset);
/* Returns the number of mismatching words; *first gets the first offset. */
uint64_t gpusim_cpu_verify(const void *p, uint64_t size, uint64_t seed,
			   uint64_t pattern_offset, uint64_t *first);

/*
 * "Sparse" content, for data that must go through zram swap: each page holds
 * GPUSIM_SPARSE_PAT pattern bytes (the words of a fill at that offset) at its
 * start, zeros after, so swapped-out pages compress well, unlike pages full
 * of pattern. Sizes and offsets are multiples of GPUSIM_PAGE.
 */
#define GPUSIM_PAGE		4096u
#define GPUSIM_SPARSE_PAT	64u

/* FILL or VERIFY (@op) commands, one per page of [va, va + size), into
 * @cmds (size / GPUSIM_PAGE entries). Returns the number of commands. */
size_t gpusim_sparse_cmds(struct drm_gpusim_cmd *cmds, uint32_t op, uint64_t va,
			  uint64_t size, uint64_t seed);
/* Write the sparse content of seed @seed at @p (pattern part only). */
void gpusim_sparse_cpu_fill(void *p, uint64_t size, uint64_t seed);
/* Mismatching words of sparse content (zeros included); *first gets the
 * offset of the first one. */
uint64_t gpusim_sparse_cpu_check(const void *p, uint64_t size, uint64_t seed,
				 uint64_t *first);

/*
 * Parse a size: decimal (or 0x hex) digits with an optional K, M or G
 * suffix (powers of 1024), nothing after. Returns 0, -EINVAL (malformed)
 * or -ERANGE (does not fit in 64 bits).
 */
int gpusim_parse_size(const char *s, uint64_t *out);

/* Module-wide object counters from debugfs; -ENOENT without debugfs. */
int gpusim_objects_read(const char *key, long *value);

uint64_t gpusim_now_ns(void);

#endif
