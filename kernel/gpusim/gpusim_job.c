// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpusim: jobs, their fences, and the "GPU" that runs them.
 *
 * A submit copies and validates the commands, creates the job's fence
 * (optionally installed in a syncobj), marks the VM active through the
 * reclaim core (O(1), whatever the number of BOs mapped) and queues the job
 * on the VM. The VM's work item runs its jobs in order on the device
 * workqueue: each command walks the VM's page tables page by page, never a
 * BO directly. A missing page is a GPU fault: the job stops and reports the
 * faulting address. When the last queued job of a VM completes, the VM
 * becomes idle.
 */

#include <linux/highmem.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_file.h>
#include <drm/drm_syncobj.h>

#include "gpusim_drv.h"

/*
 * struct gpusim_fence - a job's fence
 * @base: the fence; first, so dma_fence_free() frees the whole structure
 * @lock: the fence's own lock, so a fence outliving its VM stays valid
 */
struct gpusim_fence {
	struct dma_fence base;
	spinlock_t lock; /* the fence's own lock, see above */
};

static const char *gpusim_fence_driver_name(struct dma_fence *fence)
{
	return "gpusim";
}

static const char *gpusim_fence_timeline_name(struct dma_fence *fence)
{
	return "gpusim-vm";
}

static void gpusim_fence_release(struct dma_fence *fence)
{
	atomic_long_dec(&gpusim_counters.fences);
	dma_fence_free(fence);
}

static const struct dma_fence_ops gpusim_fence_ops = {
	.get_driver_name = gpusim_fence_driver_name,
	.get_timeline_name = gpusim_fence_timeline_name,
	.release = gpusim_fence_release,
};

static void gpusim_job_release(struct kref *ref)
{
	struct gpusim_job *job = container_of(ref, struct gpusim_job, ref);

	dma_fence_put(job->fence);
	kvfree(job->cmds);
	kfree(job);
	atomic_long_dec(&gpusim_counters.jobs);
}

static void gpusim_job_put(struct gpusim_job *job)
{
	kref_put(&job->ref, gpusim_job_release);
}

/* Outcome of one command; anything but DONE stops the job. */
struct gpusim_exec {
	struct gpusim_vm *vm;
	struct drm_gpusim_job_wait *res;
};

static bool gpusim_exec_fault(struct gpusim_exec *ex, u64 va)
{
	ex->res->status = DRM_GPUSIM_JOB_FAULT;
	ex->res->fault_va = va;
	return false;
}

static bool gpusim_exec_cancelled(struct gpusim_exec *ex)
{
	if (!READ_ONCE(ex->vm->dead))
		return false;
	ex->res->status = DRM_GPUSIM_JOB_CANCELLED;
	return true;
}

/* FILL (verify == false) or VERIFY a range, one page at a time. */
static bool gpusim_exec_pattern(struct gpusim_exec *ex,
				const struct drm_gpusim_cmd *cmd, bool verify)
{
	u64 off = 0;

	while (off < cmd->size) {
		u64 va = cmd->va + off;
		u32 in_page = va & ~PAGE_MASK;
		u64 n = min_t(u64, cmd->size - off, PAGE_SIZE - in_page);
		u64 index = (cmd->pattern_offset + off) / 8;
		struct page *page;
		u64 *p, i;
		bool ok = true;

		if (gpusim_exec_cancelled(ex))
			return false;
		page = gpusim_vm_get_page(ex->vm, va);
		if (!page)
			return gpusim_exec_fault(ex, va);

		p = kmap_local_page(page) + in_page;
		for (i = 0; i < n / 8; i++) {
			u64 want = gpusim_pattern(cmd->seed, index + i);

			if (!verify) {
				p[i] = want;
			} else if (p[i] != want) {
				ex->res->status = DRM_GPUSIM_JOB_MISMATCH;
				ex->res->fault_va = va + i * 8;
				ex->res->expected = want;
				ex->res->actual = p[i];
				ok = false;
				break;
			}
		}
		kunmap_local(p);
		put_page(page);
		if (!ok)
			return false;
		off += n;
		cond_resched();
	}
	return true;
}

static bool gpusim_exec_copy(struct gpusim_exec *ex, const struct drm_gpusim_cmd *cmd)
{
	u64 off = 0;

	while (off < cmd->size) {
		u64 src = cmd->src_va + off, dst = cmd->va + off;
		u32 src_in = src & ~PAGE_MASK, dst_in = dst & ~PAGE_MASK;
		u64 n = min3(cmd->size - off, (u64)(PAGE_SIZE - src_in),
			     (u64)(PAGE_SIZE - dst_in));
		struct page *src_page, *dst_page;
		void *s, *d;

		if (gpusim_exec_cancelled(ex))
			return false;
		src_page = gpusim_vm_get_page(ex->vm, src);
		if (!src_page)
			return gpusim_exec_fault(ex, src);
		dst_page = gpusim_vm_get_page(ex->vm, dst);
		if (!dst_page) {
			put_page(src_page);
			return gpusim_exec_fault(ex, dst);
		}
		s = kmap_local_page(src_page);
		d = kmap_local_page(dst_page);
		memmove(d + dst_in, s + src_in, n);
		kunmap_local(d);
		kunmap_local(s);
		put_page(dst_page);
		put_page(src_page);
		off += n;
		cond_resched();
	}
	return true;
}

static void gpusim_job_execute(struct gpusim_job *job)
{
	struct gpusim_exec ex = { .vm = job->vm, .res = &job->result };
	u32 i;

	job->result.status = DRM_GPUSIM_JOB_DONE;
	for (i = 0; i < job->cmd_count; i++) {
		const struct drm_gpusim_cmd *cmd = &job->cmds[i];
		bool ok = true;
		int ret;

		switch (cmd->op) {
		case DRM_GPUSIM_CMD_NOP:
			break;
		case DRM_GPUSIM_CMD_FILL:
			ok = gpusim_exec_pattern(&ex, cmd, false);
			break;
		case DRM_GPUSIM_CMD_VERIFY:
			ok = gpusim_exec_pattern(&ex, cmd, true);
			break;
		case DRM_GPUSIM_CMD_COPY:
			ok = gpusim_exec_copy(&ex, cmd);
			break;
		case DRM_GPUSIM_CMD_HEAP_GROW:
			ret = gpusim_vm_heap_grow(job->vm, cmd->size);
			if (ret) {
				job->result.status = DRM_GPUSIM_JOB_ERROR;
				job->result.error = -ret;
				ok = false;
			}
			break;
		}
		if (!ok) {
			job->result.failed_cmd = i;
			break;
		}
	}
}

static int gpusim_status_to_errno(u32 status)
{
	switch (status) {
	case DRM_GPUSIM_JOB_DONE:
		return 0;
	case DRM_GPUSIM_JOB_FAULT:
		return -EFAULT;
	case DRM_GPUSIM_JOB_MISMATCH:
		return -EILSEQ;
	case DRM_GPUSIM_JOB_CANCELLED:
		return -ECANCELED;
	default:
		return -EIO;
	}
}

/**
 * gpusim_vm_run_jobs() - the GPU: run a VM's queued jobs in order
 * @work: &gpusim_vm.work
 */
void gpusim_vm_run_jobs(struct work_struct *work)
{
	struct gpusim_vm *vm = container_of(work, struct gpusim_vm, work);

	for (;;) {
		struct gpusim_job *job;
		bool dead;
		int err;

		/* The hold_jobs test hook; cancellation ends it for this VM. */
		while (READ_ONCE(gpusim_hold_jobs) && !READ_ONCE(vm->dead))
			schedule_timeout_idle(msecs_to_jiffies(20));
		spin_lock(&vm->job_lock);
		job = list_first_entry_or_null(&vm->jobs, struct gpusim_job, node);
		if (job)
			list_del(&job->node);
		dead = vm->dead;
		spin_unlock(&vm->job_lock);
		if (!job)
			break;

		if (dead)
			job->result.status = DRM_GPUSIM_JOB_CANCELLED;
		else
			gpusim_job_execute(job);
		job->result.heap_chunks = READ_ONCE(vm->heap_chunks);
		job->vm = NULL;
		/* Publish the result before the fence says it is there. */
		smp_store_release(&job->done, true);

		/* Idle before the fence wakes anyone who may then query the VM. */
		gem_reclaim_vm_job_end(&vm->rvm);
		err = gpusim_status_to_errno(job->result.status);
		if (err)
			dma_fence_set_error(job->fence, err);
		dma_fence_signal(job->fence);
		gpusim_job_put(job);
		cond_resched();
	}
}

/**
 * gpusim_vm_cancel_jobs() - cancel a VM's jobs and wait for the worker
 * @vm: the VM, being destroyed
 *
 * Queued jobs complete as cancelled; a running job stops at its next page.
 */
void gpusim_vm_cancel_jobs(struct gpusim_vm *vm)
{
	spin_lock(&vm->job_lock);
	vm->dead = true;
	spin_unlock(&vm->job_lock);
	flush_work(&vm->work);
}

/**
 * gpusim_file_release_jobs() - drop the unread statuses of a closing file
 * @gfile: the file
 */
void gpusim_file_release_jobs(struct gpusim_file *gfile)
{
	struct gpusim_job *job;
	unsigned long id;

	xa_for_each(&gfile->jobs, id, job) {
		xa_erase(&gfile->jobs, id);
		gpusim_job_put(job);
	}
}

static bool gpusim_range_ok(u64 va, u64 size)
{
	return IS_ALIGNED(va, 8) && size && IS_ALIGNED(size, 8) &&
	       va < GPUSIM_VA_END && size <= GPUSIM_VA_END - va;
}

static int gpusim_cmd_validate(const struct drm_gpusim_cmd *cmd)
{
	u64 end;

	if (cmd->flags)
		return -EINVAL;

	switch (cmd->op) {
	case DRM_GPUSIM_CMD_NOP:
		if (cmd->va || cmd->size || cmd->src_va || cmd->seed ||
		    cmd->pattern_offset)
			return -EINVAL;
		return 0;
	case DRM_GPUSIM_CMD_FILL:
	case DRM_GPUSIM_CMD_VERIFY:
		if (cmd->src_va || !IS_ALIGNED(cmd->pattern_offset, 8))
			return -EINVAL;
		if (check_add_overflow(cmd->pattern_offset, cmd->size, &end))
			return -EOVERFLOW;
		return gpusim_range_ok(cmd->va, cmd->size) ? 0 : -EINVAL;
	case DRM_GPUSIM_CMD_COPY:
		if (cmd->seed || cmd->pattern_offset)
			return -EINVAL;
		if (!gpusim_range_ok(cmd->va, cmd->size) ||
		    !gpusim_range_ok(cmd->src_va, cmd->size))
			return -EINVAL;
		/* Overlapping source and destination are refused. */
		if (cmd->va < cmd->src_va + cmd->size &&
		    cmd->src_va < cmd->va + cmd->size)
			return -EINVAL;
		return 0;
	case DRM_GPUSIM_CMD_HEAP_GROW:
		if (cmd->va || cmd->src_va || cmd->seed || cmd->pattern_offset)
			return -EINVAL;
		if (!cmd->size || cmd->size > U32_MAX)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

int gpusim_ioctl_submit(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct gpusim_device *gdev = to_gpusim_device(drm);
	struct gpusim_file *gfile = file->driver_priv;
	struct drm_gpusim_submit *args = data;
	const char __user *ucmds = u64_to_user_ptr(args->cmds);
	struct drm_syncobj *syncobj = NULL;
	struct gpusim_fence *fence;
	struct gpusim_job *job;
	struct gpusim_vm *vm;
	u32 i, id = 0;
	int ret;

	if (args->flags & ~DRM_GPUSIM_SUBMIT_NO_STATUS)
		return -EINVAL;
	if (!args->cmd_count || args->cmd_count > GPUSIM_MAX_CMDS)
		return -EINVAL;
	if (args->cmd_stride != sizeof(struct drm_gpusim_cmd))
		return -EINVAL;

	vm = gpusim_vm_lookup(gfile, args->vm_id);
	if (!vm)
		return -ENOENT;

	if (args->out_sync) {
		syncobj = drm_syncobj_find(file, args->out_sync);
		if (!syncobj) {
			ret = -ENOENT;
			goto err_put_vm;
		}
	}

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job) {
		ret = -ENOMEM;
		goto err_put_syncobj;
	}
	kref_init(&job->ref);
	atomic_long_inc(&gpusim_counters.jobs);
	job->cmd_count = args->cmd_count;
	job->cmds = kvmalloc_array(args->cmd_count, sizeof(*job->cmds), GFP_KERNEL);
	if (!job->cmds) {
		ret = -ENOMEM;
		goto err_put_job;
	}
	if (copy_from_user(job->cmds, ucmds, args->cmd_count * sizeof(*job->cmds))) {
		ret = -EFAULT;
		goto err_put_job;
	}
	for (i = 0; i < args->cmd_count; i++) {
		ret = gpusim_cmd_validate(&job->cmds[i]);
		if (ret)
			goto err_put_job;
	}

	fence = kzalloc(sizeof(*fence), GFP_KERNEL);
	if (!fence) {
		ret = -ENOMEM;
		goto err_put_job;
	}
	spin_lock_init(&fence->lock);
	atomic_long_inc(&gpusim_counters.fences);

	/*
	 * Active first, so reclaim leaves the VM alone from here on; then
	 * read back what it swapped out, in parallel, and map back what it
	 * evicted (see gpusim_unmap_from_gpu()).
	 */
	gem_reclaim_vm_job_begin(&vm->rvm);
	gem_reclaim_vm_restore(&vm->rvm);
	ret = gpusim_vm_validate(vm);
	if (ret)
		goto err_job_end;

	if (!(args->flags & DRM_GPUSIM_SUBMIT_NO_STATUS)) {
		if (atomic_inc_return(&gfile->job_count) > GPUSIM_MAX_JOBS) {
			ret = -EBUSY;
			goto err_dec_count;
		}
		kref_get(&job->ref);	/* for the status table */
		ret = xa_alloc_cyclic(&gfile->jobs, &id, job, XA_LIMIT(1, U32_MAX),
				      &gfile->next_job_id, GFP_KERNEL);
		if (ret < 0) {
			kref_put(&job->ref, gpusim_job_release);
			goto err_dec_count;
		}
	}

	job->vm = vm;
	spin_lock(&vm->job_lock);
	dma_fence_init(&fence->base, &gpusim_fence_ops, &fence->lock,
		       vm->fence_context, ++vm->fence_seqno);
	job->fence = &fence->base;
	/*
	 * A worker already running this VM's queue may complete the job, and
	 * drop the job's fence reference, as soon as the lock is released:
	 * keep one for the syncobj.
	 */
	dma_fence_get(&fence->base);
	/* The queue holds the creation reference until completion. */
	list_add_tail(&job->node, &vm->jobs);
	spin_unlock(&vm->job_lock);

	if (syncobj) {
		drm_syncobj_replace_fence(syncobj, &fence->base);
		drm_syncobj_put(syncobj);
	}
	dma_fence_put(&fence->base);
	queue_work(gdev->wq, &vm->work);
	gpusim_vm_put(vm);

	args->job_id = id;
	return 0;

err_dec_count:
	atomic_dec(&gfile->job_count);
err_job_end:
	gem_reclaim_vm_job_end(&vm->rvm);
	kfree(fence);
	atomic_long_dec(&gpusim_counters.fences);
err_put_job:
	gpusim_job_put(job);
err_put_syncobj:
	if (syncobj)
		drm_syncobj_put(syncobj);
err_put_vm:
	gpusim_vm_put(vm);
	return ret;
}

int gpusim_ioctl_job_wait(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct gpusim_file *gfile = file->driver_priv;
	struct drm_gpusim_job_wait *args = data;
	u32 flags = args->flags, id = args->job_id;
	s64 timeout_ns = args->timeout_ns;
	struct gpusim_job *job;
	int ret = 0;

	if (flags & ~(DRM_GPUSIM_WAIT_BLOCK | DRM_GPUSIM_WAIT_KEEP))
		return -EINVAL;
	if (timeout_ns < 0 || (!(flags & DRM_GPUSIM_WAIT_BLOCK) && timeout_ns))
		return -EINVAL;

	xa_lock(&gfile->jobs);
	job = xa_load(&gfile->jobs, id);
	if (job)
		kref_get(&job->ref);
	xa_unlock(&gfile->jobs);
	if (!job)
		return -ENOENT;

	if (flags & DRM_GPUSIM_WAIT_BLOCK) {
		unsigned long j = nsecs_to_jiffies(timeout_ns);
		long t;

		t = dma_fence_wait_timeout(job->fence, true,
					   min_t(unsigned long, j, MAX_SCHEDULE_TIMEOUT - 1));
		if (t < 0) {
			ret = t;
			goto out_put;
		}
		/* Pairs with the worker's smp_store_release() of done. */
		if (!t && !smp_load_acquire(&job->done)) {
			ret = -ETIME;
			goto out_put;
		}
	}

	/* Pairs with the worker's smp_store_release(): result is complete. */
	if (!smp_load_acquire(&job->done)) {
		args->status = DRM_GPUSIM_JOB_QUEUED;
		args->error = 0;
		args->failed_cmd = 0;
		args->pad = 0;
		args->fault_va = 0;
		args->expected = 0;
		args->actual = 0;
		args->heap_chunks = 0;
		goto out_put;
	}

	args->status = job->result.status;
	args->error = job->result.error;
	args->failed_cmd = job->result.failed_cmd;
	args->pad = 0;
	args->fault_va = job->result.fault_va;
	args->expected = job->result.expected;
	args->actual = job->result.actual;
	args->heap_chunks = job->result.heap_chunks;

	if (!(flags & DRM_GPUSIM_WAIT_KEEP) &&
	    xa_cmpxchg(&gfile->jobs, id, job, NULL, 0) == job) {
		atomic_dec(&gfile->job_count);
		gpusim_job_put(job);
	}
out_put:
	gpusim_job_put(job);
	return ret;
}
