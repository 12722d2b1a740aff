/* SPDX-License-Identifier: MIT */
/*
 * gpusim: a simulated GPU with panthor's memory model.
 *
 * Userspace creates VMs (GPU address spaces), BOs (buffer objects), binds
 * BO ranges at GPU virtual addresses of a VM, and submits jobs to a VM. The
 * "GPU" executes a job's commands by walking the VM's page tables; an
 * access to an unmapped address is a GPU fault reported through
 * DRM_IOCTL_GPUSIM_JOB_WAIT. Each VM has a tiler heap that grows by fixed
 * size chunks on a HEAP_GROW command.
 *
 * Every ioctl returns 0 or -1 with errno: EINVAL (malformed argument, bad
 * flags, bad alignment, out-of-range address), ENOENT (unknown handle, VM
 * or job), EEXIST (VA range already mapped), EOVERFLOW (arithmetic
 * overflow), E2BIG (too large), EPERM (mmap of a NO_MMAP BO), EBUSY (too
 * many jobs outstanding), EFAULT (VM_BIND of a purged BO), ENOMEM.
 */
#ifndef _GPUSIM_DRM_H_
#define _GPUSIM_DRM_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/* GPU virtual address space layout of every VM. */
/* first user-mappable address */
#define GPUSIM_USER_VA_START		0x10000ULL
/* end (exclusive) of the user-mappable range */
#define GPUSIM_USER_VA_END		(1ULL << 47)
/* base of the tiler heap region, managed by the kernel */
#define GPUSIM_HEAP_VA			(1ULL << 47)
/* end of the address space */
#define GPUSIM_VA_END			(1ULL << 48)

/* Largest BO: 4 GiB. */
#define GPUSIM_BO_MAX_SIZE		(1ULL << 32)
/* Most commands in one job. */
#define GPUSIM_MAX_CMDS			256
/* Most jobs a file may have with an unread status. */
#define GPUSIM_MAX_JOBS			4096

#define DRM_GPUSIM_VM_CREATE		0x00
#define DRM_GPUSIM_VM_DESTROY		0x01
#define DRM_GPUSIM_VM_QUERY		0x02
#define DRM_GPUSIM_BO_CREATE		0x03
#define DRM_GPUSIM_BO_MMAP_OFFSET	0x04
#define DRM_GPUSIM_BO_QUERY		0x05
#define DRM_GPUSIM_VM_BIND		0x06
#define DRM_GPUSIM_SUBMIT		0x07
#define DRM_GPUSIM_JOB_WAIT		0x08
#define DRM_GPUSIM_BO_MADVISE		0x09

/**
 * struct drm_gpusim_vm_create - create a VM
 * @flags: must be 0
 * @vm_id: out, the new VM's id (never 0)
 * @heap_chunk_size: tiler heap chunk size in bytes, a power of two from 4 KiB
 *	to 2 MiB; 0 selects 64 KiB. Out: the size used.
 * @heap_max_chunks: most chunks the heap may grow to, at most 4096; 0
 *	selects 64. Out: the value used.
 * @heap_va: out, GPU VA of the first heap chunk (GPUSIM_HEAP_VA)
 */
struct drm_gpusim_vm_create {
	__u32 flags;
	__u32 vm_id;
	__u32 heap_chunk_size;
	__u32 heap_max_chunks;
	__u64 heap_va;
};

/**
 * struct drm_gpusim_vm_destroy - destroy a VM
 * @vm_id: the VM
 * @pad: must be 0
 *
 * Queued jobs of the VM are cancelled; its mappings are removed.
 */
struct drm_gpusim_vm_destroy {
	__u32 vm_id;
	__u32 pad;
};

#define DRM_GPUSIM_VM_ACTIVE		(1 << 0)

/**
 * struct drm_gpusim_vm_query - VM state
 * @vm_id: the VM
 * @flags: out, DRM_GPUSIM_VM_ACTIVE while jobs are queued or running
 * @heap_chunks: out, chunks in the tiler heap
 * @heap_content_lost: out, number of heap chunks whose content was lost
 *	since the previous query
 * @idle_ms: out, milliseconds since the VM became idle (0 if active)
 * @mapped_bytes: out, bytes of user BOs mapped in the VM
 * @heap_resident_bytes: out, heap bytes backed by memory
 */
struct drm_gpusim_vm_query {
	__u32 vm_id;
	__u32 flags;
	__u32 heap_chunks;
	__u32 heap_content_lost;
	__u64 idle_ms;
	__u64 mapped_bytes;
	__u64 heap_resident_bytes;
};

/* The BO can not be mapped by the CPU. */
#define DRM_GPUSIM_BO_NO_MMAP			(1 << 0)
/* Reclaim may drop the content instead of swapping it. */
#define DRM_GPUSIM_BO_DISCARD_ON_RECLAIM	(1 << 1)
#define DRM_GPUSIM_BO_FLAGS \
	(DRM_GPUSIM_BO_NO_MMAP | DRM_GPUSIM_BO_DISCARD_ON_RECLAIM)
/*
 * Reported by BO_QUERY only, not accepted at creation: the BO's CPU mappings
 * are write-combined (gpusim's map_wc module parameter was set when it was
 * created).
 */
#define DRM_GPUSIM_BO_WC			(1 << 2)

/**
 * struct drm_gpusim_bo_create - create a BO; no memory is allocated yet
 * @size: in, size in bytes (rounded up to the page size, 1 to
 *	GPUSIM_BO_MAX_SIZE); out, the rounded size
 * @flags: DRM_GPUSIM_BO_*
 * @handle: out, the GEM handle
 */
struct drm_gpusim_bo_create {
	__u64 size;
	__u32 flags;
	__u32 handle;
};

/**
 * struct drm_gpusim_bo_mmap_offset - fake offset to mmap() a BO
 * @handle: the BO
 * @pad: must be 0
 * @offset: out, pass to mmap() on the DRM file (MAP_SHARED only)
 */
struct drm_gpusim_bo_mmap_offset {
	__u32 handle;
	__u32 pad;
	__u64 offset;
};

enum drm_gpusim_bo_state {
	DRM_GPUSIM_BO_STATE_UNBACKED = 0,
	DRM_GPUSIM_BO_STATE_RESIDENT = 1,
	DRM_GPUSIM_BO_STATE_PINNED = 2,
	DRM_GPUSIM_BO_STATE_SWAPPED = 3,
	DRM_GPUSIM_BO_STATE_DISCARDED = 4,
};

/* Content was discarded since the previous query (reading clears it). */
#define DRM_GPUSIM_BO_CONTENT_LOST		(1 << 0)
/* Madvised DONTNEED (DRM_IOCTL_GPUSIM_BO_MADVISE) and not purged. */
#define DRM_GPUSIM_BO_DONTNEED			(1 << 1)
/* Purged: reclaimed while DONTNEED; final (see struct drm_gpusim_bo_madvise). */
#define DRM_GPUSIM_BO_PURGED			(1 << 2)

/**
 * struct drm_gpusim_bo_query - BO state
 * @handle: the BO
 * @state: out, enum drm_gpusim_bo_state
 * @size: out, size in bytes
 * @resident_bytes: out, bytes backed by memory
 * @flags: out, DRM_GPUSIM_BO_CONTENT_LOST, DRM_GPUSIM_BO_DONTNEED,
 *	DRM_GPUSIM_BO_PURGED
 * @create_flags: out, the DRM_GPUSIM_BO_* flags given at creation, plus
 *	DRM_GPUSIM_BO_WC if the BO was created write-combined
 * @mmap_count: out, CPU mappings
 * @gpu_map_count: out, GPU mappings (bound VA ranges)
 */
struct drm_gpusim_bo_query {
	__u32 handle;
	__u32 state;
	__u64 size;
	__u64 resident_bytes;
	__u32 flags;
	__u32 create_flags;
	__u32 mmap_count;
	__u32 gpu_map_count;
};

#define DRM_GPUSIM_MADV_WILLNEED	0
#define DRM_GPUSIM_MADV_DONTNEED	1

/**
 * struct drm_gpusim_bo_madvise - say whether a BO's content is still needed
 * @handle: the BO
 * @madv: DRM_GPUSIM_MADV_DONTNEED: reclaim may drop the BO's pages instead
 *	of swapping them out (when no VM of the BO is active);
 *	DRM_GPUSIM_MADV_WILLNEED: the content is needed again
 * @retained: out, 1 if the content was kept, 0 if the BO was purged
 * @pad: must be 0
 *
 * panfrost's and msm's MADVISE. Once reclaim has dropped the pages of a
 * DONTNEED BO, the BO is purged for good (DRM_GPUSIM_BO_PURGED,
 * state DISCARDED): WILLNEED then returns @retained 0, a CPU access through
 * an mmap gets SIGBUS, VM_BIND of it fails with EFAULT and a job touching
 * one of its GPU mappings ends with DRM_GPUSIM_JOB_FAULT at that address.
 * The only use left for a purged BO is to close it.
 *
 * EINVAL: @madv not 0 or 1, @pad not 0, a DRM_GPUSIM_BO_DISCARD_ON_RECLAIM
 * BO, or DONTNEED for a BO that was exported as a dma-buf (and a DONTNEED
 * BO can not be exported: EINVAL from the prime ioctl). ENOENT: bad
 * handle. Nothing changes on error.
 */
struct drm_gpusim_bo_madvise {
	__u32 handle;
	__u32 madv;
	__u32 retained;
	__u32 pad;
};

#define DRM_GPUSIM_BIND_MAP		0
#define DRM_GPUSIM_BIND_UNMAP		1

/**
 * struct drm_gpusim_vm_bind - map or unmap a BO range at a GPU VA
 * @vm_id: the VM
 * @op: DRM_GPUSIM_BIND_MAP or DRM_GPUSIM_BIND_UNMAP
 * @handle: MAP: the BO; UNMAP: must be 0
 * @flags: must be 0
 * @bo_offset: MAP: page-aligned offset in the BO; UNMAP: must be 0
 * @va: page-aligned GPU VA in [GPUSIM_USER_VA_START, GPUSIM_USER_VA_END)
 * @size: page-aligned, non-zero size
 *
 * MAP fails with EEXIST if any page of the range is mapped already. UNMAP
 * removes whatever is mapped in the range (splitting mappings that cross
 * its edges); an empty range is not an error.
 */
struct drm_gpusim_vm_bind {
	__u32 vm_id;
	__u32 op;
	__u32 handle;
	__u32 flags;
	__u64 bo_offset;
	__u64 va;
	__u64 size;
};

enum drm_gpusim_cmd_op {
	/* do nothing */
	DRM_GPUSIM_CMD_NOP = 0,
	/* write gpusim_pattern(seed, (pattern_offset + i) / 8) at va + i */
	DRM_GPUSIM_CMD_FILL = 1,
	/* compare [va, va + size) with that pattern; first mismatch reported */
	DRM_GPUSIM_CMD_VERIFY = 2,
	/* copy size bytes from src_va to va (the ranges must not overlap) */
	DRM_GPUSIM_CMD_COPY = 3,
	/* grow the VM's tiler heap by size chunks */
	DRM_GPUSIM_CMD_HEAP_GROW = 4,
};

/**
 * struct drm_gpusim_cmd - one GPU command
 * @op: enum drm_gpusim_cmd_op
 * @flags: must be 0
 * @va: destination (FILL, COPY) or checked range (VERIFY), 8-byte aligned
 * @size: bytes, a non-zero multiple of 8 (HEAP_GROW: number of chunks)
 * @src_va: COPY source, 8-byte aligned; otherwise 0
 * @seed: FILL/VERIFY pattern seed
 * @pattern_offset: byte offset of @va in the pattern, a multiple of 8, so a
 *	sub-range of a filled buffer can be verified alone
 */
struct drm_gpusim_cmd {
	__u32 op;
	__u32 flags;
	__u64 va;
	__u64 size;
	__u64 src_va;
	__u64 seed;
	__u64 pattern_offset;
};

/* No status is kept for the job: completion is only seen through out_sync. */
#define DRM_GPUSIM_SUBMIT_NO_STATUS	(1 << 0)

/**
 * struct drm_gpusim_submit - queue a job on a VM
 * @vm_id: the VM
 * @flags: DRM_GPUSIM_SUBMIT_*
 * @cmds: user pointer to @cmd_count commands
 * @cmd_count: 1 to GPUSIM_MAX_CMDS
 * @cmd_stride: sizeof(struct drm_gpusim_cmd)
 * @out_sync: syncobj handle that receives the job's fence, or 0
 * @job_id: out, id for DRM_IOCTL_GPUSIM_JOB_WAIT (0 with NO_STATUS)
 *
 * Jobs of one VM run in submission order.
 */
struct drm_gpusim_submit {
	__u32 vm_id;
	__u32 flags;
	__u64 cmds;
	__u32 cmd_count;
	__u32 cmd_stride;
	__u32 out_sync;
	__u32 job_id;
};

enum drm_gpusim_job_status {
	DRM_GPUSIM_JOB_QUEUED = 0,
	DRM_GPUSIM_JOB_DONE = 1,
	/* an access hit an unmapped GPU VA: fault_va */
	DRM_GPUSIM_JOB_FAULT = 2,
	/* a VERIFY found fault_va holding actual instead of expected */
	DRM_GPUSIM_JOB_MISMATCH = 3,
	/* the VM was destroyed before the job ran to completion */
	DRM_GPUSIM_JOB_CANCELLED = 4,
	/* another failure, see error (ENOSPC: heap full, ENOMEM) */
	DRM_GPUSIM_JOB_ERROR = 5,
};

/* Wait for completion (up to timeout_ns) instead of polling. */
#define DRM_GPUSIM_WAIT_BLOCK		(1 << 0)
/* Keep the status after a completed job is read (default: release it). */
#define DRM_GPUSIM_WAIT_KEEP		(1 << 1)

/**
 * struct drm_gpusim_job_wait - read a job's status
 * @job_id: from DRM_IOCTL_GPUSIM_SUBMIT
 * @flags: DRM_GPUSIM_WAIT_*
 * @timeout_ns: with DRM_GPUSIM_WAIT_BLOCK, the longest wait (relative);
 *	ETIME if the job is still running then
 * @status: out, enum drm_gpusim_job_status
 * @error: out, positive errno for DRM_GPUSIM_JOB_ERROR
 * @failed_cmd: out, index of the command that failed
 * @pad: 0
 * @fault_va: out, faulting or mismatching GPU VA
 * @expected: out, VERIFY: expected word
 * @actual: out, VERIFY: word found
 * @heap_chunks: out, heap chunks after the job
 */
struct drm_gpusim_job_wait {
	__u32 job_id;
	__u32 flags;
	__s64 timeout_ns;
	__u32 status;
	__u32 error;
	__u32 failed_cmd;
	__u32 pad;
	__u64 fault_va;
	__u64 expected;
	__u64 actual;
	__u64 heap_chunks;
};

#define DRM_IOCTL_GPUSIM_VM_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_GPUSIM_VM_CREATE, struct drm_gpusim_vm_create)
#define DRM_IOCTL_GPUSIM_VM_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_GPUSIM_VM_DESTROY, struct drm_gpusim_vm_destroy)
#define DRM_IOCTL_GPUSIM_VM_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_GPUSIM_VM_QUERY, struct drm_gpusim_vm_query)
#define DRM_IOCTL_GPUSIM_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_GPUSIM_BO_CREATE, struct drm_gpusim_bo_create)
#define DRM_IOCTL_GPUSIM_BO_MMAP_OFFSET \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_GPUSIM_BO_MMAP_OFFSET, struct drm_gpusim_bo_mmap_offset)
#define DRM_IOCTL_GPUSIM_BO_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_GPUSIM_BO_QUERY, struct drm_gpusim_bo_query)
#define DRM_IOCTL_GPUSIM_VM_BIND \
	DRM_IOW(DRM_COMMAND_BASE + DRM_GPUSIM_VM_BIND, struct drm_gpusim_vm_bind)
#define DRM_IOCTL_GPUSIM_SUBMIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_GPUSIM_SUBMIT, struct drm_gpusim_submit)
#define DRM_IOCTL_GPUSIM_JOB_WAIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_GPUSIM_JOB_WAIT, struct drm_gpusim_job_wait)
#define DRM_IOCTL_GPUSIM_BO_MADVISE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_GPUSIM_BO_MADVISE, struct drm_gpusim_bo_madvise)

/**
 * gpusim_pattern() - the FILL/VERIFY pattern word
 * @seed: the command's seed
 * @index: word index in the pattern (byte offset / 8)
 *
 * A splitmix64 mix of seed ^ index: any word can be computed alone, so any
 * sub-range of a buffer can be checked, by the GPU or by the CPU.
 *
 * Returns: the 64-bit word expected at that index.
 */
static inline __u64 gpusim_pattern(__u64 seed, __u64 index)
{
	__u64 x = (seed ^ index) + 0x9e3779b97f4a7c15ULL;

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

#if defined(__cplusplus)
}
#endif

#endif /* _GPUSIM_DRM_H_ */
