/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gpusim: shared declarations of the simulated GPU driver.
 */
#ifndef __GPUSIM_DRV_H__
#define __GPUSIM_DRV_H__

#include <linux/atomic.h>
#include <linux/dma-fence.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <drm/drm_device.h>
#include <drm/drm_gpuvm.h>
#include <drm/gem_reclaim.h>
#include <drm/gpusim_drm.h>

/**
 * struct gpusim_counters - module-wide object counters (debugfs "objects")
 *
 * Each is incremented when an object is created and decremented when it is
 * freed, so after every file is closed all but @devices read zero.
 */
struct gpusim_counters {
	/** @devices: DRM devices */
	atomic_long_t devices;
	/** @files: open DRM files */
	atomic_long_t files;
	/** @vms: VMs (until freed, not until destroyed) */
	atomic_long_t vms;
	/** @bos: BOs, user and heap */
	atomic_long_t bos;
	/** @vmas: GPU mappings */
	atomic_long_t vmas;
	/** @jobs: jobs, until their status is released */
	atomic_long_t jobs;
	/** @fences: job fences not yet freed */
	atomic_long_t fences;
	/** @heap_chunks: tiler heap chunks */
	atomic_long_t heap_chunks;
};

extern struct gpusim_counters gpusim_counters;

/**
 * struct gpusim_dma_stats - page-table maps through the DMA-mapped sg table
 * (debugfs "dma"); they only grow
 */
struct gpusim_dma_stats {
	/** @sgt_builds: sg tables built and DMA-mapped for a page-table map */
	atomic_long_t sgt_builds;
	/** @pages_checked: pages mapped from an sg table, checked against the BO */
	atomic_long_t pages_checked;
};

extern struct gpusim_dma_stats gpusim_dma_stats;
extern bool gpusim_map_wc;
extern unsigned int gpusim_validate_delay_ms;
extern bool gpusim_hold_jobs;

/**
 * struct gpusim_device - one simulated GPU
 */
struct gpusim_device {
	/** @drm: the DRM device */
	struct drm_device drm;
	/** @rdev: reclaim core state */
	struct gem_reclaim_device rdev;
	/** @wq: the "GPU": runs each VM's job queue */
	struct workqueue_struct *wq;
};

static inline struct gpusim_device *to_gpusim_device(struct drm_device *drm)
{
	return container_of(drm, struct gpusim_device, drm);
}

/**
 * struct gpusim_file - per-open-file state
 */
struct gpusim_file {
	/** @gdev: the device */
	struct gpusim_device *gdev;
	/** @vms: VM id -> &struct gpusim_vm (holding a reference) */
	struct xarray vms;
	/** @jobs: job id -> &struct gpusim_job whose status is unread */
	struct xarray jobs;
	/** @next_job_id: cyclic allocation hint for @jobs */
	u32 next_job_id;
	/** @job_count: entries in @jobs */
	atomic_t job_count;
};

/**
 * struct gpusim_bo - a BO
 */
struct gpusim_bo {
	/** @base: the reclaim core's GEM object */
	struct gem_reclaim_object base;
	/**
	 * @gpuva_lock: protects the GEM object's list of drm_gpuvm_bo and
	 * their gpuva lists (drm_gem_gpuva_set_lock()). Nests inside the
	 * BO's pages lock.
	 */
	struct mutex gpuva_lock;
	/** @heap: a kernel-owned tiler heap chunk */
	bool heap;
};

static inline struct gpusim_bo *to_gpusim_bo(struct drm_gem_object *obj)
{
	return container_of(to_gem_reclaim_object(obj), struct gpusim_bo, base);
}

/**
 * struct gpusim_vma - one GPU mapping of a BO range
 */
struct gpusim_vma {
	/** @base: the drm_gpuva */
	struct drm_gpuva base;
};

/**
 * struct gpusim_vm - a GPU address space
 *
 * Locking, outermost first: @bind_lock; then the VM's dma_resv; then a
 * BO's pages lock; then the BO's &gpusim_bo.gpuva_lock; the page table @pt
 * has its own (xa) spinlock and @job_lock is a leaf spinlock.
 */
struct gpusim_vm {
	/** @base: drm_gpuvm; its refcount keeps this structure alive */
	struct drm_gpuvm base;
	/** @rvm: activity tracking by the reclaim core */
	struct gem_reclaim_vm rvm;
	/** @gdev: the device */
	struct gpusim_device *gdev;
	/** @ref: user references (file table, in-flight ioctls) */
	struct kref ref;
	/** @id: id in the owning file */
	u32 id;

	/**
	 * @bind_lock: serialises changes of the GPU VA space (VM_BIND, heap
	 * growth, teardown): the drm_gpuvm tree, @heap_bos, @heap_chunks,
	 * @mapped_bytes and @op_vmas.
	 */
	struct mutex bind_lock;
	/** @op_vmas: VMAs preallocated for the current bind operation */
	struct gpusim_vma *op_vmas[3];
	/** @op_err: error of a step of the current bind operation */
	int op_err;
	/** @mapped_bytes: bytes of user BOs mapped */
	u64 mapped_bytes;

	/**
	 * @pt: the software page table, GPU page number -> struct page *.
	 * Written under @bind_lock or by the reclaim ops (BO pages lock
	 * held); read locklessly by the GPU worker under the xa lock.
	 */
	struct xarray pt;

	/** @heap_chunk_size: bytes per tiler heap chunk */
	u32 heap_chunk_size;
	/** @heap_max_chunks: most chunks */
	u32 heap_max_chunks;
	/** @heap_chunks: chunks allocated */
	u32 heap_chunks;
	/** @heap_bos: the chunk BOs, @heap_max_chunks entries */
	struct gpusim_bo **heap_bos;

	/** @job_lock: protects @jobs and @dead */
	spinlock_t job_lock;
	/** @jobs: queued jobs, in submission order */
	struct list_head jobs;
	/** @dead: destroyed; queued jobs are cancelled, new ones refused */
	bool dead;
	/** @work: runs the queued jobs */
	struct work_struct work;
	/** @fence_context: dma_fence context of the VM's jobs */
	u64 fence_context;
	/** @fence_seqno: last fence seqno, under @job_lock */
	u64 fence_seqno;
};

static inline struct gpusim_vm *to_gpusim_vm(struct drm_gpuvm *gpuvm)
{
	return container_of(gpuvm, struct gpusim_vm, base);
}

/**
 * struct gpusim_job - a job and, after completion, its status
 */
struct gpusim_job {
	/** @ref: held by the VM queue until completion and by the file table */
	struct kref ref;
	/** @node: link in &gpusim_vm.jobs */
	struct list_head node;
	/** @vm: the VM, valid until the job completes */
	struct gpusim_vm *vm;
	/** @fence: signalled at completion */
	struct dma_fence *fence;
	/** @cmd_count: commands in @cmds */
	u32 cmd_count;
	/** @cmds: the commands, copied from userspace */
	struct drm_gpusim_cmd *cmds;
	/** @result: status written by the worker before signalling @fence */
	struct drm_gpusim_job_wait result;
	/** @done: @result is final (store-release after writing it) */
	bool done;
};

/* gpusim_gem.c */
struct gpusim_bo *gpusim_bo_create(struct gpusim_device *gdev, u64 size, u32 flags);
int gpusim_ioctl_bo_create(struct drm_device *drm, void *data, struct drm_file *file);
int gpusim_ioctl_bo_mmap_offset(struct drm_device *drm, void *data, struct drm_file *file);
int gpusim_ioctl_bo_query(struct drm_device *drm, void *data, struct drm_file *file);
int gpusim_ioctl_bo_madvise(struct drm_device *drm, void *data, struct drm_file *file);

/* gpusim_vm.c */
extern const struct gem_reclaim_ops gpusim_reclaim_ops;
struct gpusim_vm *gpusim_vm_lookup(struct gpusim_file *gfile, u32 id);
void gpusim_vm_put(struct gpusim_vm *vm);
void gpusim_file_destroy_vms(struct gpusim_file *gfile);
int gpusim_vm_heap_grow(struct gpusim_vm *vm, u64 count);
int gpusim_vm_validate(struct gpusim_vm *vm);
struct page *gpusim_vm_get_page(struct gpusim_vm *vm, u64 va);
int gpusim_ioctl_vm_create(struct drm_device *drm, void *data, struct drm_file *file);
int gpusim_ioctl_vm_destroy(struct drm_device *drm, void *data, struct drm_file *file);
int gpusim_ioctl_vm_query(struct drm_device *drm, void *data, struct drm_file *file);
int gpusim_ioctl_vm_bind(struct drm_device *drm, void *data, struct drm_file *file);

/* gpusim_job.c */
void gpusim_vm_run_jobs(struct work_struct *work);
void gpusim_vm_cancel_jobs(struct gpusim_vm *vm);
void gpusim_file_release_jobs(struct gpusim_file *gfile);
int gpusim_ioctl_submit(struct drm_device *drm, void *data, struct drm_file *file);
int gpusim_ioctl_job_wait(struct drm_device *drm, void *data, struct drm_file *file);

#endif /* __GPUSIM_DRV_H__ */
