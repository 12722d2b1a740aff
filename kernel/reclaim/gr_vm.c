// SPDX-License-Identifier: GPL-2.0-only
/*
 * gem_reclaim: the per-device state and per-VM activity tracking.
 *
 * A VM is active while it has queued or running jobs. The driver calls
 * gem_reclaim_vm_job_begin() when it queues a job and gem_reclaim_vm_job_end()
 * when the job completes; the first begin moves the VM to the device's active
 * list, the last end stamps the idle time and moves the VM to the tail of the
 * idle list. Both are O(1): the VM moves, its BOs do not, so the cost of a
 * submission does not depend on how many BOs the VM maps. The idle list is
 * therefore ordered from the longest idle VM to the most recently idle one.
 */

#include <linux/memcontrol.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include <drm/drm_device.h>
#include <drm/drm_print.h>
#include <drm/gem_reclaim.h>

#include "gr_memcg.h"

/**
 * gem_reclaim_device_init() - initialise the reclaim state of a device
 * @rdev: the state, embedded in the driver's device
 * @drm: the DRM device
 * @ops: the driver's callbacks; must outlive @rdev
 *
 * Returns: 0 on success, -EINVAL if @ops lacks &gem_reclaim_ops.unmap_from_gpu.
 */
int gem_reclaim_device_init(struct gem_reclaim_device *rdev,
			    struct drm_device *drm,
			    const struct gem_reclaim_ops *ops)
{
	if (!ops || !ops->unmap_from_gpu)
		return -EINVAL;

	rdev->drm = drm;
	rdev->ops = ops;
	spin_lock_init(&rdev->lock);
	INIT_LIST_HEAD(&rdev->bos);
	INIT_LIST_HEAD(&rdev->bos_discard);
	rdev->nr_bos = 0;
	rdev->nr_bos_discard = 0;
	rdev->nr_links = 0;
	INIT_LIST_HEAD(&rdev->vms_active);
	INIT_LIST_HEAD(&rdev->vms_idle);
	atomic_long_set(&rdev->bo_count, 0);
	atomic_long_set(&rdev->vm_count, 0);
	atomic_long_set(&rdev->resident_pages, 0);
	atomic_long_set(&rdev->pinned_pages, 0);
	atomic_long_set(&rdev->populate_count, 0);
	atomic64_set(&rdev->next_id, 0);
	RCU_INIT_POINTER(rdev->reclaim, NULL);
	mutex_init(&rdev->reclaim_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(gem_reclaim_device_init);

/**
 * gem_reclaim_device_fini() - tear down the reclaim state of a device
 * @rdev: the state; every BO and VM must be gone
 */
void gem_reclaim_device_fini(struct gem_reclaim_device *rdev)
{
	drm_WARN_ON(rdev->drm, !list_empty(&rdev->bos));
	drm_WARN_ON(rdev->drm, !list_empty(&rdev->bos_discard));
	drm_WARN_ON(rdev->drm, !list_empty(&rdev->vms_active));
	drm_WARN_ON(rdev->drm, !list_empty(&rdev->vms_idle));
	mutex_destroy(&rdev->reclaim_lock);
}
EXPORT_SYMBOL_GPL(gem_reclaim_device_fini);

/**
 * gem_reclaim_vm_init() - start tracking a VM
 * @rdev: the device
 * @vm: the tracking state, embedded in the driver's VM
 * @gpuvm: the driver's drm_gpuvm for this VM, or NULL
 *
 * The VM starts idle, idle since now. It belongs to the calling process and
 * its memory cgroup.
 */
void gem_reclaim_vm_init(struct gem_reclaim_device *rdev,
			 struct gem_reclaim_vm *vm, struct drm_gpuvm *gpuvm)
{
	unsigned long irqflags;

	vm->rdev = rdev;
	vm->gpuvm = gpuvm;
	vm->active_jobs = 0;
	vm->idle_since = ktime_get();
	vm->id = atomic64_inc_return(&rdev->next_id);
	INIT_LIST_HEAD(&vm->bos);
	vm->bo_count = 0;
	vm->scan_gen = 0;
	vm->scan_left = 0;
	vm->discardable_pages = 0;
	vm->swappable_pages = 0;
	vm->swapped_pages = 0;
	vm->restoring = false;
	vm->evicted_at = 0;
	vm->evict_idle_ms = 0;
	vm->protect_ms = 0;
	vm->protected_at = 0;
	vm->owner_pid = task_tgid_nr(current);
	get_task_comm(vm->owner_comm, current);
	vm->memcg = gr_memcg_of_current();

	spin_lock_irqsave(&rdev->lock, irqflags);
	list_add_tail(&vm->lru_node, &rdev->vms_idle);
	spin_unlock_irqrestore(&rdev->lock, irqflags);
	atomic_long_inc(&rdev->vm_count);
}
EXPORT_SYMBOL_GPL(gem_reclaim_vm_init);

/**
 * gem_reclaim_vm_fini() - stop tracking a VM
 * @vm: the VM; all its jobs must have completed
 */
void gem_reclaim_vm_fini(struct gem_reclaim_vm *vm)
{
	struct gem_reclaim_device *rdev = vm->rdev;
	unsigned long irqflags;

	spin_lock_irqsave(&rdev->lock, irqflags);
	drm_WARN_ON(rdev->drm, vm->active_jobs);
	drm_WARN_ON(rdev->drm, !list_empty(&vm->bos));
	drm_WARN_ON(rdev->drm, vm->discardable_pages || vm->swappable_pages ||
		    vm->swapped_pages);
	list_del(&vm->lru_node);
	spin_unlock_irqrestore(&rdev->lock, irqflags);
	atomic_long_dec(&rdev->vm_count);
	mem_cgroup_put(vm->memcg);
	vm->memcg = NULL;
}
EXPORT_SYMBOL_GPL(gem_reclaim_vm_fini);

/**
 * gem_reclaim_vm_job_begin() - a job was queued on a VM
 * @vm: the VM
 *
 * Marks the VM active. O(1); callable from any context.
 */
void gem_reclaim_vm_job_begin(struct gem_reclaim_vm *vm)
{
	struct gem_reclaim_device *rdev = vm->rdev;
	unsigned long irqflags;

	spin_lock_irqsave(&rdev->lock, irqflags);
	if (vm->active_jobs++ == 0)
		list_move_tail(&vm->lru_node, &rdev->vms_active);
	spin_unlock_irqrestore(&rdev->lock, irqflags);
}
EXPORT_SYMBOL_GPL(gem_reclaim_vm_job_begin);

/**
 * gem_reclaim_vm_job_end() - a job of a VM completed (or was cancelled)
 * @vm: the VM
 *
 * When the last job ends, the VM becomes idle, idle since now, and moves to
 * the tail of the idle list. O(1); callable from any context.
 */
void gem_reclaim_vm_job_end(struct gem_reclaim_vm *vm)
{
	struct gem_reclaim_device *rdev = vm->rdev;
	unsigned long irqflags;

	spin_lock_irqsave(&rdev->lock, irqflags);
	if (!drm_WARN_ON_ONCE(rdev->drm, !vm->active_jobs) &&
	    --vm->active_jobs == 0) {
		vm->idle_since = ktime_get();
		list_move_tail(&vm->lru_node, &rdev->vms_idle);
	}
	spin_unlock_irqrestore(&rdev->lock, irqflags);
}
EXPORT_SYMBOL_GPL(gem_reclaim_vm_job_end);

/**
 * gem_reclaim_vm_is_active() - activity of a VM
 * @vm: the VM
 * @idle_since: if not NULL and the VM is idle, receives when it became idle
 *
 * Returns: true if the VM has queued or running jobs.
 */
bool gem_reclaim_vm_is_active(struct gem_reclaim_vm *vm, ktime_t *idle_since)
{
	struct gem_reclaim_device *rdev = vm->rdev;
	unsigned long irqflags;
	bool active;

	spin_lock_irqsave(&rdev->lock, irqflags);
	active = vm->active_jobs != 0;
	if (!active && idle_since)
		*idle_since = vm->idle_since;
	spin_unlock_irqrestore(&rdev->lock, irqflags);
	return active;
}
EXPORT_SYMBOL_GPL(gem_reclaim_vm_is_active);
