// SPDX-License-Identifier: GPL-2.0-only
/*
 * gem_reclaim: the per-device shrinker and the actions of the policies.
 */

/**
 * DOC: Shrinker
 *
 * Each device that calls gem_reclaim_device_register() gets a shrinker
 * named ``<driver>-<minor>`` and a control plane (gr_knobs.c). The shrinker
 * has no list of its own: it walks the lists the core keeps anyway.
 *
 * - &gem_reclaim_device.bos and &gem_reclaim_device.bos_discard: every BO,
 *   the discardable ones apart (created discard-on-reclaim, or madvised
 *   DONTNEED: gr_bo_discardable()). A walk takes the first entry and
 *   moves it to the tail, so successive passes go round the list and a BO
 *   is looked at again only after all the others; one walk looks at no
 *   more entries than the list had when it started. It lets interrupts in
 *   every GR_SCAN_LOCK_BATCH entries, holding no entry across that.
 *   gem_reclaim_object_madvise() moves a BO from one list to the other
 *   under the device lock, at any time, also while a walk has dropped the
 *   lock: the walk holds no position in the list then and takes the first
 *   entry afresh; a BO it picked before the move is checked again under
 *   its pages lock (its mode must still be the list's) and skipped if it
 *   moved. A BO that moves into the list being walked may be looked at
 *   once more in that walk, one that moves out may be missed; both only
 *   cost the walk's budget.
 * - &gem_reclaim_device.vms_idle: idle VMs, longest idle first, and for each
 *   VM its &gem_reclaim_vm.bos, the links of the BOs mapped in it (kept by
 *   gem_reclaim_object_gpu_mapped()).
 *
 * count_objects does not walk BOs: it adds up per-class page counters that
 * every change of a BO keeps up to date (gr_account_locked()): pages of
 * resident, unpinned discard-on-reclaim BOs; of resident, unpinned other
 * BOs mapped on the GPU; and of the others not mapped on the GPU. From
 * these it subtracts the pages no pass would take now, those of BOs mapped
 * in an active VM: each VM keeps the same counts for the BOs linked to it
 * (&gem_reclaim_vm.discardable_pages, &gem_reclaim_vm.swappable_pages,
 * kept with the BO's counters and its links, for BOs of the VM's memcg),
 * summed over at most GR_COUNT_ACTIVE_VMS active VMs. VMs idle for less
 * than a policy's threshold still count. Swap-out work counts only while
 * swap space exists, GPU-mapped BOs only when the caller may block, and
 * the sum is capped so that min_resident_mb stays resident. It returns
 * %SHRINK_EMPTY when the scope has no reclaimable page at all, 0 when none
 * can be taken now.
 *
 * scan_objects runs the policy chain (read from the knobs without a lock)
 * until it freed sc->nr_to_scan pages; each policy looks at a bounded
 * number of BOs. It returns the pages freed, or %SHRINK_STOP when a pass
 * freed nothing, so the core does not call it again in vain.
 *
 * The policies (the callbacks of gr_policies[]):
 *
 * - ``discard`` walks bos_discard and drops the pages of BOs none of whose
 *   VMs is active: GPU mappings torn down, CPU mappings zapped, the shmem
 *   pages truncated; state DISCARDED and content lost, reported once by
 *   gem_reclaim_object_query(). The next use of a discard-on-reclaim BO
 *   gets zeroed pages; a DONTNEED BO is purged instead
 *   (gem_reclaim_object_purged()), and never gets pages again.
 * - ``idle-vm-first`` walks the idle VMs longest idle first and takes the
 *   BOs of each VM that has been idle for idle_threshold_ms, before those of
 *   the next VM. A BO mapped in several VMs is taken only if they all are
 *   eligible, and in the turn of the one idle for the shortest time; a BO
 *   whose VMs the core could not all record (a link allocation failed) is
 *   left to swapout. The walk stops at the first VM idle for too short a
 *   time, since the list is in idle order. It applies
 *   the action itself: discard for a discard-on-reclaim BO, swap-out for the
 *   others (so it works alone in a chain).
 * - ``swapout`` swaps out BOs none of whose VMs is active: first those of
 *   the VMs idle for at least swapout_min_idle_ms (0 by default: any idle
 *   VM), longest idle first, with idle-vm-first's walk and rules at that
 *   threshold; then a lap of bos, with a budget of its own, for the rest
 *   (BOs mapped in no VM or in one the core has no link for, BOs the VM
 *   walk skipped), still never one of a VM idle for less than the knob.
 *   GPU mappings torn down through
 *   &gem_reclaim_ops.unmap_from_gpu (which marks the driver's vm_bo evicted
 *   with drm_gpuvm_bo_evict()), CPU mappings zapped, the cached sg table
 *   (gem_reclaim_object_get_sgt_locked()) DMA-unmapped and freed (the
 *   discard policy does the same), pages released dirty to shmem and,
 *   when the caller allows I/O, written to swap at once. State
 *   SWAPPED. A CPU fault (gem_reclaim_vm_ops) or the driver's next submit
 *   (drm_gpuvm_validate()) brings the pages back.
 *
 * Refault protection (refault_protect_ms, 0: off): when reclaim swaps out
 * a BO of an idle VM it stamps the VM, and when a BO of a stamped VM is
 * restored, the VM's reuse interval is its idle time then. If that is at
 * most refault_protect_ms, it is a refault (counted in ``refaults``) and
 * the walk of idle-vm-first and swapout passes over the VM
 * (``P_skipped_protected``) until it has been idle for twice that
 * interval, a protection that halves every refault_protect_ms since it
 * was given: a VM that keeps coming back soon after it goes idle is taken
 * after VMs that do not. With swapout in the chain the protection orders,
 * it does not refuse: swapout's lap of the BO list still takes such BOs
 * when the walks found too little (idle-vm-first alone has no lap). It is
 * per VM: a restore of any BO of the VM (by a submit or a CPU fault)
 * protects all of them, and a BO shared with another VM is taken in that
 * VM's turn if it is the most recently idle of the BO's VMs.
 *
 * Activity is the VM's: a VM is active from the submit of a job until its
 * last job completes. The driver's unmap callback re-checks that under the
 * lock its submit path takes before validating, which closes the race with
 * a submit that starts after the policy looked.
 */

/**
 * DOC: Locking in reclaim
 *
 * The reclaim path, outermost first (compare DOC: Locking in gr_object.c):
 *
 * 1. fs_reclaim (lockdep's map of reclaim context; the debugfs shrink file
 *    takes it too, so lockdep sees both entries alike).
 * 2. &gem_reclaim_device.lock, only to walk the lists and take a GEM
 *    reference with kref_get_unless_zero(): an object whose last reference
 *    is gone is skipped. The lock is dropped before anything else; the
 *    reference is dropped after the BO's pages lock.
 * 3. &gem_reclaim_object.pages_lock, by mutex_trylock() only: a task
 *    allocating pages for a BO holds it and may be the one reclaiming.
 *    Under it the BO's discard mode (gr_bo_discardable(), changed by
 *    gem_reclaim_object_madvise() with this lock and the device lock held)
 *    is stable: a list walk re-checks it against the list it took the BO
 *    from, and gr_bo_reclaim() reads it once and purges a DONTNEED BO
 *    before the lock is dropped, so a WILLNEED either comes first (the BO
 *    is swapped out) or finds the BO purged (retained 0).
 * 4. In &gem_reclaim_ops.unmap_from_gpu, the driver's GPU VM locks, by
 *    trylock only (gpusim: the gpuva lock, the BO's and the VM's dma_resv);
 *    -EBUSY (or -EAGAIN for an active VM) makes reclaim skip the BO. No
 *    dma_resv or ww lock is ever waited for: the submit path holds them
 *    while it allocates memory.
 * 5. i_mmap_rwsem of the DRM device's mapping (drm_vma_node_unmap(); the
 *    dma-buf files of the device's BOs share it) and the shmem folio locks,
 *    as page reclaim itself takes them.
 *
 * No GPU fence is waited for: a BO whose VM is active is skipped.
 */

#include <linux/gfp.h>
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/shmem_fs.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/writeback.h>

#include <kunit/visibility.h>

#include <drm/drm_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/drm_vma_manager.h>
#include <drm/gem_reclaim.h>

#include "gr_internal.h"
#include "gr_knobs.h"
#include "gr_memcg.h"
#include "gr_shrinker.h"

/* The stats gauge (in bytes) each class feeds, or -1. */
static const int gr_acct_gauge[GR_ACCT_COUNT] = {
	[GR_ACCT_RESIDENT] = GR_STAT_RESIDENT_BYTES,
	[GR_ACCT_DISCARDABLE] = GR_STAT_RECLAIMABLE_BYTES,
	[GR_ACCT_SWAP_GPU] = GR_STAT_RECLAIMABLE_BYTES,
	[GR_ACCT_SWAP_IDLE] = GR_STAT_RECLAIMABLE_BYTES,
	[GR_ACCT_SWAPPED] = GR_STAT_SWAPPED_BYTES,
	[GR_ACCT_DISCARDED] = GR_STAT_DISCARDED_BYTES,
};

/* Most BOs one policy looks at in one scan_objects call. */
#define GR_SCAN_BUDGET		4096
/* BOs looked at between two releases of the device lock. */
#define GR_SCAN_LOCK_BATCH	64

/**
 * struct gr_reclaim - the reclaim state of one device
 */
struct gr_reclaim {
	/** @rdev: the device */
	struct gem_reclaim_device *rdev;
	/** @ctl: its control plane (knobs, statistics, debugfs files) */
	struct gr_control *ctl;
	/** @shrinker: its shrinker */
	struct shrinker *shrinker;
	/** @pages: pages per &enum gr_acct_class */
	atomic_long_t pages[GR_ACCT_COUNT];
	/** @scan_gen: last walk generation handed out */
	atomic64_t scan_gen;
	/** @pass_gen: last pass number handed out */
	atomic64_t pass_gen;
	/** @memcgs: the pages per memory cgroup, see DOC: Memory cgroups */
	struct gr_memcgs memcgs;
};

static unsigned long gr_bo_npages(struct gem_reclaim_object *bo)
{
	return bo->base.size >> PAGE_SHIFT;
}

static struct gr_stats *gr_scan_stats(struct gr_scan *scan)
{
	return gr_control_stats(scan->r->ctl);
}

static void gr_pstat(struct gr_scan *scan, enum gr_policy_stat s,
		     unsigned long pages)
{
	gr_stats_policy_add(gr_scan_stats(scan), scan->policy, s, pages);
}

/* Accounting ------------------------------------------------------------- */

static u32 gr_acct_class_locked(struct gem_reclaim_object *bo)
{
	u32 c = 0;

	if (bo->pages) {
		c |= BIT(GR_ACCT_RESIDENT);
		if (!bo->pin_count) {
			if (gr_bo_discardable(bo))
				c |= BIT(GR_ACCT_DISCARDABLE);
			else if (atomic_read(&bo->gpu_map_count))
				c |= BIT(GR_ACCT_SWAP_GPU);
			else
				c |= BIT(GR_ACCT_SWAP_IDLE);
		}
	}
	if (bo->state == GEM_RECLAIM_SWAPPED)
		c |= BIT(GR_ACCT_SWAPPED);
	else if (bo->state == GEM_RECLAIM_DISCARDED)
		c |= BIT(GR_ACCT_DISCARDED);
	return c;
}

/*
 * What a link of @bo adds to its VM's page counts: the BO's pages if its
 * accounting classes @acct make it discardable or swappable while mapped,
 * and only if the BO is charged to the VM's memcg, so that a memcg-scoped
 * count never subtracts pages it does not hold (a BO imported from
 * another cgroup's process, a task that moved after creating its VM);
 * such a link's pages count as takeable. bo->memcg changes only while
 * acct is 0 (gem_reclaim_object_set_owner()), so what is added is what
 * is later subtracted. Swapped-out pages count whatever the memcg: they
 * are what a returning VM reads back (DOC: Restore ahead).
 */
static void gr_link_pages_add(struct gem_reclaim_vm *vm,
			      struct gem_reclaim_object *bo, u32 acct, long sign)
{
	long npages = sign * (long)gr_bo_npages(bo);

	lockdep_assert_held(&bo->rdev->lock);
	if (acct & BIT(GR_ACCT_SWAPPED))
		vm->swapped_pages += npages;
	if (bo->memcg != vm->memcg)
		return;
	if (acct & BIT(GR_ACCT_DISCARDABLE))
		vm->discardable_pages += npages;
	if (acct & BIT(GR_ACCT_SWAP_GPU))
		vm->swappable_pages += npages;
}

#define GR_ACCT_LINKED	\
	(BIT(GR_ACCT_DISCARDABLE) | BIT(GR_ACCT_SWAP_GPU) | BIT(GR_ACCT_SWAPPED))

/* Move the BO's contribution to its VMs' page counts from @old to @acct. */
static void gr_link_pages_update(struct gem_reclaim_object *bo, u32 old,
				 u32 acct)
{
	struct gem_reclaim_device *rdev = bo->rdev;
	struct gem_reclaim_link *link;
	unsigned long irqflags;

	if (!((old ^ acct) & GR_ACCT_LINKED))
		return;
	spin_lock_irqsave(&rdev->lock, irqflags);
	list_for_each_entry(link, &bo->links, bo_node) {
		gr_link_pages_add(link->vm, bo, old, -1);
		gr_link_pages_add(link->vm, bo, acct, 1);
	}
	spin_unlock_irqrestore(&rdev->lock, irqflags);
}

/*
 * The counters exist from register to unregister only; a BO accounted
 * while they do not is left out of them (acct 0). See DOC: Locking in
 * gr_object.c for the RCU rule on &gem_reclaim_device.reclaim. The
 * per-VM page counts follow &gem_reclaim_object.acct, whatever it is.
 */
static void gr_account_set(struct gem_reclaim_object *bo, u32 acct)
{
	long delta[GR_ACCT_COUNT] = { 0 };
	long npages = gr_bo_npages(bo);
	struct gr_reclaim *r;
	unsigned int i;
	u32 diff;

	rcu_read_lock();
	r = rcu_dereference(bo->rdev->reclaim);
	if (!r) {
		gr_link_pages_update(bo, bo->acct, 0);
		bo->acct = 0;
		goto out_unlock;
	}
	diff = bo->acct ^ acct;
	if (!diff)
		goto out_unlock;
	gr_link_pages_update(bo, bo->acct, acct);
	bo->acct = acct;
	for (i = 0; i < GR_ACCT_COUNT; i++) {
		if (!(diff & BIT(i)))
			continue;
		delta[i] = acct & BIT(i) ? npages : -npages;
		atomic_long_add(delta[i], &r->pages[i]);
		gr_stats_add(gr_control_stats(r->ctl), gr_acct_gauge[i],
			     delta[i] << PAGE_SHIFT);
	}
	if (bo->memcg_acct)
		gr_memcg_acct_update(&r->memcgs, bo->memcg_acct, delta);
out_unlock:
	rcu_read_unlock();
}

/**
 * gr_account_locked() - bring a BO's reclaim counters up to date
 * @bo: the BO, with its pages lock held, after a change of its pages,
 *	state, pins or GPU mappings
 */
void gr_account_locked(struct gem_reclaim_object *bo)
{
	lockdep_assert_held(&bo->pages_lock);
	gr_account_set(bo, gr_acct_class_locked(bo));
}

/**
 * gr_account_release() - remove a dying BO from the reclaim counters
 * @bo: the BO, no longer referenced
 *
 * Also takes it out of its memcg's record.
 */
void gr_account_release(struct gem_reclaim_object *bo)
{
	struct gr_reclaim *r;

	gr_account_set(bo, 0);
	rcu_read_lock();
	r = rcu_dereference(bo->rdev->reclaim);
	if (r && bo->memcg_acct)
		gr_memcg_acct_put(&r->memcgs, bo->memcg_acct);
	bo->memcg_acct = NULL;
	rcu_read_unlock();
}

/**
 * gr_account_attach() - account a new or re-owned BO to its memcg
 * @bo: the BO, without pages (&gem_reclaim_object.acct 0); the caller
 *	holds &gem_reclaim_device.reclaim_lock
 * @memcg: the memcg it is charged to from now on
 *
 * Moves the BO from the record it had, if any, to that of @memcg; the
 * caller then sets &gem_reclaim_object.memcg. Does nothing while the device
 * is not registered.
 *
 * Returns: 0, or -ENOMEM or -EBUSY (the BO has pages) with the BO left as
 * it was.
 */
int gr_account_attach(struct gem_reclaim_object *bo, struct mem_cgroup *memcg)
{
	struct gem_reclaim_device *rdev = bo->rdev;
	struct gr_memcg_acct *acct, *old;
	unsigned long irqflags;
	struct gr_reclaim *r;

	lockdep_assert_held(&rdev->reclaim_lock);
	r = rcu_dereference_protected(rdev->reclaim,
				      lockdep_is_held(&rdev->reclaim_lock));
	if (!r)
		return 0;
	if (drm_WARN_ON(rdev->drm, bo->acct))
		return -EBUSY;
	acct = gr_memcg_acct_get(&r->memcgs, memcg);
	if (IS_ERR(acct))
		return PTR_ERR(acct);
	/* Walks read the pointer under the device lock (scope checks). */
	spin_lock_irqsave(&rdev->lock, irqflags);
	old = bo->memcg_acct;
	WRITE_ONCE(bo->memcg_acct, acct);
	spin_unlock_irqrestore(&rdev->lock, irqflags);
	if (old)
		gr_memcg_acct_put(&r->memcgs, old);
	return 0;
}

/* Milliseconds from @t to @now, 0 if @t is later. */
static u64 gr_ms_since(ktime_t now, ktime_t t)
{
	return ktime_before(now, t) ? 0 : ktime_to_ms(ktime_sub(now, t));
}

/*
 * A refault protects a VM until it has been idle for this many times its
 * reuse interval: at once its usual return would be too early.
 */
#define GR_REFAULT_PROTECT_FACTOR	2

/*
 * A restore of @bo: each VM it is mapped in that reclaim swapped out since
 * the VM's last restore came back; if within refault_protect_ms of going
 * idle (gr_refault_interval_ms()), that is a refault, and the VM is
 * protected from now on (DOC: Shrinker).
 */
static void gr_refault_note(struct gr_reclaim *r, struct gem_reclaim_object *bo)
{
	struct gem_reclaim_device *rdev = bo->rdev;
	struct gem_reclaim_link *link;
	ktime_t now = ktime_get();
	unsigned int refaults = 0;
	struct gem_reclaim_vm *vm;
	unsigned long irqflags;
	struct gr_params p;
	u32 interval, left;

	gr_control_params(r->ctl, &p);
	spin_lock_irqsave(&rdev->lock, irqflags);
	list_for_each_entry(link, &bo->links, bo_node) {
		vm = link->vm;
		if (!vm->evicted_at)
			continue;
		interval = gr_refault_interval_ms(vm->evict_idle_ms,
						  gr_ms_since(now, vm->evicted_at),
						  p.refault_protect_ms);
		vm->evicted_at = 0;
		if (!interval)
			continue;
		left = gr_protect_left_ms(vm->protect_ms,
					  gr_ms_since(now, vm->protected_at),
					  p.refault_protect_ms);
		/* A smaller protection keeps its own decay clock. */
		if ((u64)interval * GR_REFAULT_PROTECT_FACTOR >= left) {
			vm->protect_ms = interval * GR_REFAULT_PROTECT_FACTOR;
			vm->protected_at = now;
		}
		refaults++;
	}
	spin_unlock_irqrestore(&rdev->lock, irqflags);
	if (refaults)
		gr_stats_add(gr_control_stats(r->ctl), GR_STAT_REFAULTS, refaults);
}

/* Reclaim swapped out @bo: stamp its VMs for refault detection. */
static void gr_evict_note(struct gr_scan *scan, struct gem_reclaim_object *bo)
{
	struct gem_reclaim_device *rdev = bo->rdev;
	struct gem_reclaim_link *link;
	struct gem_reclaim_vm *vm;
	unsigned long irqflags;

	if (!scan->params.refault_protect_ms)
		return;
	spin_lock_irqsave(&rdev->lock, irqflags);
	list_for_each_entry(link, &bo->links, bo_node) {
		vm = link->vm;
		if (vm->evicted_at || vm->active_jobs)
			continue;
		vm->evicted_at = scan->now;
		vm->evict_idle_ms = min_t(u64, gr_ms_since(scan->now, vm->idle_since),
					  U32_MAX);
	}
	spin_unlock_irqrestore(&rdev->lock, irqflags);
}

/*
 * Is @vm protected by a refault for this walk: idle for less than what is
 * left of its protection? Called once per VM and walk; counts the VM's
 * pages the walk's policy would take (those of its own memcg's BOs,
 * DOC: Shrinker) as skipped.
 */
static bool gr_vm_protected_locked(struct gr_scan *scan, struct gem_reclaim_vm *vm,
				   bool discard_too)
{
	u32 half = scan->params.refault_protect_ms, left;

	lockdep_assert_held(&scan->rdev->lock);
	if (!half || !vm->protect_ms)
		return false;
	left = gr_protect_left_ms(vm->protect_ms,
				  gr_ms_since(scan->now, vm->protected_at), half);
	if (gr_ms_since(scan->now, vm->idle_since) >= left)
		return false;
	gr_pstat(scan, GR_PSTAT_SKIPPED_PROTECTED, vm->swappable_pages +
		 (discard_too ? vm->discardable_pages : 0));
	return true;
}

/**
 * gr_swapin_done() - account the restore of a swapped-out BO
 * @bo: the BO, whose pages were just allocated again
 * @elapsed: how long that took
 */
void gr_swapin_done(struct gem_reclaim_object *bo, ktime_t elapsed)
{
	struct gr_reclaim *r;

	atomic_inc(&bo->swapin_count);
	rcu_read_lock();
	r = rcu_dereference(bo->rdev->reclaim);
	if (r) {
		gr_stats_add(gr_control_stats(r->ctl), GR_STAT_SWAPIN_PAGES,
			     gr_bo_npages(bo));
		gr_stats_add(gr_control_stats(r->ctl), GR_STAT_SWAPIN_NS,
			     ktime_to_ns(elapsed));
		gr_refault_note(r, bo);
	}
	rcu_read_unlock();
}

/**
 * gr_restore_ahead_done() - count a read-ahead of swapped-out BOs
 * @rdev: the device
 * @pages: pages swapped in (DOC: Restore ahead)
 * @elapsed: how long the caller took, helpers included
 */
void gr_restore_ahead_done(struct gem_reclaim_device *rdev, long pages,
			   ktime_t elapsed)
{
	struct gr_reclaim *r;

	rcu_read_lock();
	r = rcu_dereference(rdev->reclaim);
	if (r) {
		gr_stats_add(gr_control_stats(r->ctl),
			     GR_STAT_RESTORE_AHEAD_PAGES, pages);
		gr_stats_add(gr_control_stats(r->ctl),
			     GR_STAT_RESTORE_AHEAD_NS, ktime_to_ns(elapsed));
	}
	rcu_read_unlock();
}

static struct gem_reclaim_link *gr_link_find(struct gem_reclaim_object *bo,
					     struct gem_reclaim_vm *vm)
{
	struct gem_reclaim_link *link;

	list_for_each_entry(link, &bo->links, bo_node)
		if (link->vm == vm)
			return link;
	return NULL;
}

/**
 * gr_link_update_locked() - record mappings of a BO made or removed in a VM
 * @bo: the BO, with its pages lock held
 * @vm: the VM
 * @delta: mappings added (positive) or removed (negative)
 *
 * The first mapping in a VM allocates the (BO, VM) link, outside the device
 * lock: the pages lock keeps every other writer of the BO's links away
 * meanwhile. If that allocation fails, the mappings are counted in
 * &gem_reclaim_object.vm_unlinked instead.
 */
void gr_link_update_locked(struct gem_reclaim_object *bo,
			   struct gem_reclaim_vm *vm, int delta)
{
	struct gem_reclaim_device *rdev = bo->rdev;
	struct gem_reclaim_link *link, *new = NULL;
	unsigned long irqflags;

	lockdep_assert_held(&bo->pages_lock);

	if (delta > 0 && !gr_link_find(bo, vm)) {
		new = kmalloc(sizeof(*new), GFP_KERNEL);
		if (new) {
			new->bo = bo;
			new->vm = vm;
			new->ranges = 0;
		}
	}

	spin_lock_irqsave(&rdev->lock, irqflags);
	link = gr_link_find(bo, vm);
	if (!link && new) {
		link = new;
		new = NULL;
		list_add_tail(&link->bo_node, &bo->links);
		list_add_tail(&link->vm_node, &vm->bos);
		vm->bo_count++;
		rdev->nr_links++;
		gr_link_pages_add(vm, bo, bo->acct, 1);
	}
	if (!link) {
		drm_WARN_ON_ONCE(rdev->drm, delta < 0 && bo->vm_unlinked < -delta);
		bo->vm_unlinked += delta;
		goto out_unlock;
	}
	drm_WARN_ON_ONCE(rdev->drm, delta < 0 && link->ranges < -delta);
	link->ranges += delta;
	if (!link->ranges) {
		list_del(&link->bo_node);
		list_del(&link->vm_node);
		vm->bo_count--;
		rdev->nr_links--;
		gr_link_pages_add(vm, bo, bo->acct, -1);
		new = link;	/* freed below, outside the lock */
	}
out_unlock:
	spin_unlock_irqrestore(&rdev->lock, irqflags);
	kfree(new);
}

/**
 * gr_links_release() - free what is left of a dying BO's links
 * @bo: the BO, no longer referenced (a driver that forgot to account its
 *	last unmaps, which gem_reclaim_object_fini() warns about)
 */
void gr_links_release(struct gem_reclaim_object *bo)
{
	struct gem_reclaim_device *rdev = bo->rdev;
	struct gem_reclaim_link *link, *tmp;
	unsigned long irqflags;
	LIST_HEAD(dead);

	spin_lock_irqsave(&rdev->lock, irqflags);
	list_for_each_entry_safe(link, tmp, &bo->links, bo_node) {
		list_del(&link->vm_node);
		link->vm->bo_count--;
		rdev->nr_links--;
		gr_link_pages_add(link->vm, bo, bo->acct, -1);
		list_move(&link->bo_node, &dead);
	}
	spin_unlock_irqrestore(&rdev->lock, irqflags);
	list_for_each_entry_safe(link, tmp, &dead, bo_node)
		kfree(link);
}

/* Candidates ------------------------------------------------------------- */

/* What the VMs of a BO say about taking it. */
enum gr_bo_activity {
	GR_BO_NO_VM,		/* mapped in no VM */
	GR_BO_ACTIVE,		/* a VM of the BO has work queued or running */
	GR_BO_RECENT,		/* all idle, one for less than the threshold */
	GR_BO_IDLE,		/* all idle for at least the threshold */
	GR_BO_UNKNOWN,		/* mapped in a VM the core has no link for */
};

static enum gr_bo_activity
gr_bo_activity_locked(struct gr_scan *scan, struct gem_reclaim_object *bo,
		      u32 threshold_ms, struct gem_reclaim_vm **youngest)
{
	enum gr_bo_activity ret = GR_BO_NO_VM;
	struct gem_reclaim_link *link;
	struct gr_vm_activity act;
	struct gem_reclaim_vm *vm;

	lockdep_assert_held(&scan->rdev->lock);
	if (youngest)
		*youngest = NULL;
	list_for_each_entry(link, &bo->links, bo_node) {
		vm = link->vm;
		if (vm->active_jobs)
			return GR_BO_ACTIVE;
		act.active = false;
		act.idle_since = vm->idle_since;
		if (!gr_idle_vm_eligible(&act, scan->now, threshold_ms))
			ret = GR_BO_RECENT;
		else if (ret == GR_BO_NO_VM)
			ret = GR_BO_IDLE;
		if (youngest && (!*youngest ||
				 ktime_after(vm->idle_since, (*youngest)->idle_since)))
			*youngest = vm;
	}
	if (bo->vm_unlinked)
		return GR_BO_UNKNOWN;
	return ret;
}

static bool gr_bo_in_scope_locked(struct gr_scan *scan,
				  struct gem_reclaim_object *bo)
{
	struct gem_reclaim_link *link;

	if (scan->memcg_scoped &&
	    !gr_memcg_acct_listed_in(READ_ONCE(bo->memcg_acct), scan->memcg))
		return false;
	if (!scan->tgid || bo->owner_pid == scan->tgid)
		return true;
	list_for_each_entry(link, &bo->links, bo_node)
		if (link->vm->owner_pid == scan->tgid)
			return true;
	return false;
}

/*
 * Count a BO as skipped by the running policy, once per policy and pass
 * however often the pass comes across it (a BO shared by several VMs is
 * met in each VM's turn, a shrink request runs the chain until it stops
 * paying off). The stamp packs the pass and a bit per policy.
 */
#define GR_SKIP_POLICY_BITS	GR_POLICY_MAX

static void gr_pstat_skip(struct gr_scan *scan, struct gem_reclaim_object *bo,
			  enum gr_policy_stat s)
{
	u64 pass = scan->pass << GR_SKIP_POLICY_BITS;
	u64 bit = BIT_ULL(scan->policy);
	s64 old, new;

	old = atomic64_read(&bo->skip_stamp);
	do {
		if ((old & ~GENMASK_ULL(GR_SKIP_POLICY_BITS - 1, 0)) == pass) {
			if (old & bit)
				return;
			new = old | bit;
		} else {
			new = pass | bit;
		}
	} while (!atomic64_try_cmpxchg(&bo->skip_stamp, &old, new));
	gr_pstat(scan, s, gr_bo_npages(bo));
}

/*
 * Cheap checks under the device lock, on values that may change under us
 * (read once, re-checked under the pages lock). False: not a candidate,
 * with the reason counted in the statistics.
 */
static bool gr_bo_resident_unpinned(struct gr_scan *scan,
				    struct gem_reclaim_object *bo)
{
	if (!READ_ONCE(bo->pages) ||
	    READ_ONCE(bo->state) != GEM_RECLAIM_RESIDENT) {
		if (READ_ONCE(bo->state) == GEM_RECLAIM_PINNED)
			gr_pstat_skip(scan, bo, GR_PSTAT_SKIPPED_PINNED);
		return false;
	}
	if (!scan->may_block && atomic_read(&bo->gpu_map_count)) {
		gr_pstat_skip(scan, bo, GR_PSTAT_SKIPPED_MAPPED);
		return false;
	}
	return true;
}

/* What gr_bo_get_trylock() requires of the BO's discard mode. */
enum gr_want_mode {
	GR_WANT_ANY,		/* either (idle-vm-first applies both actions) */
	GR_WANT_SWAP,		/* not discardable (a walk of bos) */
	GR_WANT_DISCARD,	/* discardable (a walk of bos_discard) */
};

/*
 * Take a reference on a BO found under the device lock, drop the lock and
 * trylock the BO's pages lock. The BO's mode may have changed while no
 * lock was held (gem_reclaim_object_madvise() moved it to the other list):
 * under the pages lock it is stable, and must still be @want. Returns with
 * the lock and the reference held, or false with neither (and the device
 * lock retaken).
 */
static bool gr_bo_get_trylock(struct gr_scan *scan,
			      struct gem_reclaim_object *bo,
			      enum gr_want_mode want,
			      unsigned long *irqflags)
{
	struct gem_reclaim_device *rdev = scan->rdev;

	if (!kref_get_unless_zero(&bo->base.refcount))
		return false;
	spin_unlock_irqrestore(&rdev->lock, *irqflags);

	if (!gem_reclaim_object_trylock(bo)) {
		gr_pstat_skip(scan, bo, GR_PSTAT_SKIPPED_TRYLOCK);
		goto err_put;
	}
	if (!bo->pages || bo->pin_count || bo->state != GEM_RECLAIM_RESIDENT)
		goto err_unlock;
	if (want == GR_WANT_SWAP && gr_bo_discardable(bo))
		goto err_unlock;
	if (want == GR_WANT_DISCARD && !gr_bo_discardable(bo))
		goto err_unlock;
	return true;

err_unlock:
	gem_reclaim_object_unlock(bo);
err_put:
	drm_gem_object_put(&bo->base);
	spin_lock_irqsave(&rdev->lock, *irqflags);
	return false;
}

/*
 * Let interrupts in now and then during a long walk. The caller holds no
 * pointer into the lists across this: it picks its next entry afresh.
 * Returns: true if the lock was dropped.
 */
static bool gr_walk_breathe(struct gr_scan *scan, unsigned long *irqflags)
{
	if (++scan->since_breath < GR_SCAN_LOCK_BATCH)
		return false;
	scan->since_breath = 0;
	spin_unlock_irqrestore(&scan->rdev->lock, *irqflags);
	cpu_relax();
	spin_lock_irqsave(&scan->rdev->lock, *irqflags);
	return true;
}

/*
 * The next victim on a device BO list: resident, unpinned, in scope, none
 * of its VMs active and, with a @min_idle_ms, none idle for less. (At 0 a
 * VM that went idle after the pass started counts as idle, as it always
 * did for these walks.) Discard-on-reclaim BOs also need swap to be no
 * issue, the others need swap space (checked by the caller through the
 * policy flags). A walk looks at as many entries as the list had when it
 * started (one lap, unless other walks rotate the list meanwhile), or its
 * budget.
 */
static struct gem_reclaim_object *gr_list_select(struct gr_scan *scan,
						 struct list_head *list,
						 unsigned int *len,
						 u32 min_idle_ms)
{
	struct gem_reclaim_device *rdev = scan->rdev;
	enum gr_want_mode want = list == &rdev->bos_discard ?
				 GR_WANT_DISCARD : GR_WANT_SWAP;
	enum gr_bo_activity activity;
	struct gem_reclaim_object *bo;
	unsigned long irqflags;

	spin_lock_irqsave(&rdev->lock, irqflags);
	if (scan->lap_left < 0)
		scan->lap_left = *len;
	while (scan->budget > 0 && scan->lap_left > 0 && !list_empty(list)) {
		/* Before taking an entry: the lock may be dropped here. */
		gr_walk_breathe(scan, &irqflags);
		if (list_empty(list))
			break;
		bo = list_first_entry(list, struct gem_reclaim_object, dev_node);
		list_move_tail(&bo->dev_node, list);
		scan->budget--;
		scan->lap_left--;

		if (!gr_bo_in_scope_locked(scan, bo) ||
		    !gr_bo_resident_unpinned(scan, bo))
			continue;
		activity = gr_bo_activity_locked(scan, bo, min_idle_ms, NULL);
		if (activity == GR_BO_ACTIVE) {
			gr_pstat_skip(scan, bo, GR_PSTAT_SKIPPED_ACTIVE);
			continue;
		}
		if (min_idle_ms && activity == GR_BO_RECENT) {
			gr_pstat_skip(scan, bo, GR_PSTAT_SKIPPED_RECENT);
			continue;
		}
		if (gr_bo_get_trylock(scan, bo, want, &irqflags))
			return bo;
	}
	spin_unlock_irqrestore(&rdev->lock, irqflags);
	return NULL;
}

/* Policy callbacks ------------------------------------------------------- */

/* Pages of a class in the pass's scope: its memcg's, or the device's. */
static unsigned long gr_scan_pages(struct gr_scan *scan, enum gr_acct_class c)
{
	long n;

	if (scan->memcg_scoped)
		n = scan->memcg_pages[c];
	else
		n = atomic_long_read(&scan->r->pages[c]);
	return n > 0 ? n : 0;
}

/* @n less @active, not below 0. */
static unsigned long gr_less(unsigned long n, unsigned long active)
{
	return n > active ? n - active : 0;
}

/**
 * gr_discard_count() - &gr_policy_ops.count of discard
 * @scan: the pass
 *
 * Returns: pages of resident, unpinned discard-on-reclaim BOs, less those
 * mapped in active VMs.
 */
unsigned long gr_discard_count(struct gr_scan *scan)
{
	return gr_less(gr_scan_pages(scan, GR_ACCT_DISCARDABLE),
		       scan->active_discardable);
}

/**
 * gr_swap_count() - &gr_policy_ops.count of the swap-out policies
 * @scan: the pass
 *
 * Returns: pages of resident, unpinned BOs that are not discard-on-reclaim;
 * GPU-mapped ones only if the caller may block and not those mapped in
 * active VMs; 0 without swap space.
 */
unsigned long gr_swap_count(struct gr_scan *scan)
{
	unsigned long n;

	if (!scan->swap)
		return 0;
	n = gr_scan_pages(scan, GR_ACCT_SWAP_IDLE);
	if (scan->may_block)
		n += gr_less(gr_scan_pages(scan, GR_ACCT_SWAP_GPU),
			     scan->active_swappable);
	return n;
}

/**
 * gr_discard_select() - &gr_policy_ops.select of discard
 * @scan: the pass
 *
 * Returns: a discard-on-reclaim BO none of whose VMs is active, referenced
 * and locked, or NULL.
 */
struct gem_reclaim_object *gr_discard_select(struct gr_scan *scan)
{
	return gr_list_select(scan, &scan->rdev->bos_discard,
			      &scan->rdev->nr_bos_discard, 0);
}

/*
 * The VM walk of idle-vm-first and swapout: the idle VMs, longest idle
 * first, and in each VM idle for at least @threshold_ms its BOs. A BO is
 * taken in the turn of its most recently idle VM, and only if all its VMs
 * are eligible. With @want GR_WANT_ANY (idle-vm-first) the VMs are those
 * of the pass's tgid; with GR_WANT_SWAP (swapout) the BOs are those in the
 * pass's scope (gr_bo_in_scope_locked(), as in swapout's list walk) that
 * are not discardable.
 */
static struct gem_reclaim_object *gr_vm_walk_select(struct gr_scan *scan,
						    u32 threshold_ms,
						    enum gr_want_mode want)
{
	struct gem_reclaim_device *rdev = scan->rdev;
	struct gem_reclaim_vm *vm, *youngest;
	struct gem_reclaim_object *bo;
	struct gem_reclaim_link *link;
	struct gr_vm_activity act;
	enum gr_bo_activity activity;
	unsigned long irqflags;
	bool in_scope;

	spin_lock_irqsave(&rdev->lock, irqflags);
restart:
	list_for_each_entry(vm, &rdev->vms_idle, lru_node) {
		act.active = false;
		act.idle_since = vm->idle_since;
		/* Longest idle first: the rest are idle for less still. */
		if (!gr_idle_vm_eligible(&act, scan->now, threshold_ms))
			break;
		if (want == GR_WANT_ANY && scan->tgid &&
		    vm->owner_pid != scan->tgid)
			continue;
		if (vm->scan_gen != scan->gen) {
			vm->scan_gen = scan->gen;
			/* a protected VM is passed over for the whole walk */
			vm->scan_left = gr_vm_protected_locked(scan, vm,
							       want == GR_WANT_ANY) ?
					0 : vm->bo_count;
		}
		while (vm->scan_left && scan->budget > 0 &&
		       !list_empty(&vm->bos)) {
			/* Nothing is held across this but the walk's marks. */
			if (gr_walk_breathe(scan, &irqflags))
				goto restart;
			link = list_first_entry(&vm->bos, struct gem_reclaim_link,
						vm_node);
			list_move_tail(&link->vm_node, &vm->bos);
			vm->scan_left--;
			scan->budget--;
			bo = link->bo;

			if (want == GR_WANT_ANY)
				in_scope = !scan->memcg_scoped ||
					   gr_memcg_acct_listed_in(READ_ONCE(bo->memcg_acct),
								   scan->memcg);
			else	/* stable under the device lock */
				in_scope = gr_bo_in_scope_locked(scan, bo) &&
					   !gr_bo_discardable(bo);
			if (!in_scope || !gr_bo_resident_unpinned(scan, bo))
				continue;
			activity = gr_bo_activity_locked(scan, bo, threshold_ms,
							 &youngest);
			if (activity == GR_BO_ACTIVE) {
				gr_pstat_skip(scan, bo, GR_PSTAT_SKIPPED_ACTIVE);
				continue;
			}
			if (activity != GR_BO_IDLE) {
				/* RECENT; UNKNOWN is left to swapout's list walk */
				if (activity == GR_BO_RECENT)
					gr_pstat_skip(scan, bo, GR_PSTAT_SKIPPED_RECENT);
				continue;
			}
			if (youngest != vm)
				continue;
			if (gr_bo_get_trylock(scan, bo, want, &irqflags))
				return bo;
			/* The lock was dropped: the VM list may have changed. */
			goto restart;
		}
		if (scan->budget <= 0)
			break;
	}
	spin_unlock_irqrestore(&rdev->lock, irqflags);
	return NULL;
}

/**
 * gr_swapout_select() - &gr_policy_ops.select of swapout
 * @scan: the pass
 *
 * First the BOs of VMs idle for at least swapout_min_idle_ms, longest idle
 * first (the VM walk of idle-vm-first, at that threshold); then, with a
 * budget of its own, a lap of the device's list for what that walk did not
 * take: BOs no VM vouches for (mapped in none, or in a VM the core has no
 * link for), BOs it skipped (a contended lock, its budget spent), BOs of
 * VMs that went idle meanwhile; never one of a VM that is active or, with
 * swapout_min_idle_ms, idle for less. A caller that may not block skips the
 * VM walk: every BO it would meet is GPU-mapped.
 *
 * Returns: a BO (not discard-on-reclaim), referenced and locked, or NULL.
 */
struct gem_reclaim_object *gr_swapout_select(struct gr_scan *scan)
{
	struct gem_reclaim_object *bo;

	if (!scan->vms_done) {
		if (scan->may_block) {
			bo = gr_vm_walk_select(scan,
					       scan->params.swapout_min_idle_ms,
					       GR_WANT_SWAP);
			if (bo)
				return bo;
		}
		/* Long-idle VMs of swapped-out BOs must not starve the lap. */
		scan->vms_done = true;
		scan->budget = scan->budget_max;
	}
	return gr_list_select(scan, &scan->rdev->bos, &scan->rdev->nr_bos,
			      scan->params.swapout_min_idle_ms);
}

/**
 * gr_idle_vm_select() - &gr_policy_ops.select of idle-vm-first
 * @scan: the pass
 *
 * Walks the idle VMs, longest idle first, and in each VM idle for at least
 * idle_threshold_ms its BOs. A BO is taken in the turn of its most recently
 * idle VM, and only if all its VMs are eligible.
 *
 * Returns: the BO, referenced and locked, or NULL.
 */
struct gem_reclaim_object *gr_idle_vm_select(struct gr_scan *scan)
{
	return gr_vm_walk_select(scan, scan->params.idle_threshold_ms,
				 GR_WANT_ANY);
}

/**
 * gr_writeback_folio() - write one locked, clean-for-I/O folio to swap
 * @folio: the folio, locked, with a reference held
 * @writepage: the mapping's &address_space_operations.writepage
 * @wbc: the writeback control
 *
 * Only %AOP_WRITEPAGE_ACTIVATE leaves the folio locked: on success and on
 * every error (swap_writepage() unlocks before it returns the error of
 * arch_prepare_to_swap(), arm64 with MTE) writepage has unlocked it, and it
 * may already be locked by someone else. Drops the caller's reference.
 *
 * Returns: what writepage returned.
 */
VISIBLE_IF_KUNIT int gr_writeback_folio(struct folio *folio,
					int (*writepage)(struct page *,
							 struct writeback_control *),
					struct writeback_control *wbc)
{
	int ret;

	folio_set_reclaim(folio);
	ret = writepage(&folio->page, wbc);
	if (!folio_test_writeback(folio))
		folio_clear_reclaim(folio);
	if (ret == AOP_WRITEPAGE_ACTIVATE)
		folio_unlock(folio);
	folio_put(folio);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(gr_writeback_folio);

/**
 * gr_writeback_next() - where gr_writeback() looks after writing a folio
 * @index: the folio's first index
 * @nr: its pages
 * @ret: what writepage returned
 *
 * A folio handed back (%AOP_WRITEPAGE_ACTIVATE: no swap, no swap cache
 * entry, a huge folio that would not split) or failed is still whole and
 * dirty: move past it, or the next lookup finds it again, forever. A huge
 * folio written may have been split first with only its head written
 * (shmem_writepage() does that without a free swap cluster): look at the
 * next page, which costs a lookup per page where it went out whole.
 *
 * Returns: the next index to look at.
 */
VISIBLE_IF_KUNIT pgoff_t gr_writeback_next(pgoff_t index, long nr, int ret)
{
	return ret || nr == 1 ? index + nr : index + 1;
}
EXPORT_SYMBOL_IF_KUNIT(gr_writeback_next);

/*
 * Start swap writeback of a swapped-out BO's pages now rather than when
 * page reclaim reaches them: clean them for I/O and hand them to shmem's
 * writepage as reclaim would. Pages still mapped somewhere are left alone.
 */
static void gr_writeback(struct gem_reclaim_object *bo)
{
	struct address_space *mapping = bo->base.filp->f_mapping;
	struct writeback_control wbc = {
		.sync_mode = WB_SYNC_NONE,
		.nr_to_write = SWAP_CLUSTER_MAX,
		.range_start = 0,
		.range_end = LLONG_MAX,
		.for_reclaim = 1,
	};
	pgoff_t i = 0, n = gr_bo_npages(bo);
	struct folio *folio;
	long nr;
	int ret;

	while (i < n) {
		cond_resched();
		folio = filemap_lock_folio(mapping, i);
		if (IS_ERR(folio)) {
			i++;
			continue;
		}
		i = folio->index;
		nr = folio_nr_pages(folio);
		if (!folio_mapped(folio) && folio_clear_dirty_for_io(folio)) {
			ret = gr_writeback_folio(folio, mapping->a_ops->writepage, &wbc);
			i = gr_writeback_next(i, nr, ret);
			continue;
		}
		i += nr;
		folio_unlock(folio);
		folio_put(folio);
	}
}

/**
 * gr_bo_reclaim() - &gr_policy_ops.reclaim of every policy
 * @scan: the pass
 * @bo: a BO from a select callback, locked and referenced
 *
 * Discards a discardable BO (gr_bo_discardable(), stable under the pages
 * lock held since the select callback), purging it if it was madvised
 * DONTNEED; swaps out any other. Then unlocks the BO and drops the
 * reference.
 *
 * Returns: pages freed, or -EBUSY if the BO could not be taken now.
 */
long gr_bo_reclaim(struct gr_scan *scan, struct gem_reclaim_object *bo)
{
	struct gem_reclaim_device *rdev = scan->rdev;
	struct drm_gem_object *obj = &bo->base;
	bool discard = gr_bo_discardable(bo);
	unsigned long npages = gr_bo_npages(bo);
	long ret = -EBUSY;

	lockdep_assert_held(&bo->pages_lock);
	gr_pstat(scan, GR_PSTAT_SCANNED, npages);

	if (!discard && !scan->swap)
		goto out_unlock;
	if ((unsigned long)atomic_long_read(&rdev->resident_pages) <
	    scan->floor + npages) {
		ret = 0;
		goto out_unlock;
	}

	/*
	 * The driver tears the GPU mappings down with trylocks only and
	 * refuses (-EAGAIN) if a VM of the BO became active meanwhile.
	 */
	if (atomic_read(&bo->gpu_map_count) || bo->vm_unlinked) {
		if (!scan->may_block) {
			gr_pstat_skip(scan, bo, GR_PSTAT_SKIPPED_MAPPED);
			goto out_unlock;
		}
		switch (rdev->ops->unmap_from_gpu(bo)) {
		case 0:
			break;
		case -EAGAIN:
			gr_pstat_skip(scan, bo, GR_PSTAT_SKIPPED_ACTIVE);
			goto out_unlock;
		default:
			gr_pstat_skip(scan, bo, GR_PSTAT_SKIPPED_TRYLOCK);
			goto out_unlock;
		}
	}

	/* Later CPU accesses fault and get the pages back. */
	drm_vma_node_unmap(&obj->vma_node, obj->dev->anon_inode->i_mapping);

	/* The next GPU use maps the new pages again. */
	gr_sgt_release_locked(bo);
	/* Dirty for swap-out, so shmem writes them; a discard drops them. */
	drm_gem_put_pages(obj, bo->pages, !discard, false);
	bo->pages = NULL;
	atomic_long_sub(npages, &rdev->resident_pages);
	if (discard) {
		shmem_truncate_range(file_inode(obj->filp), 0, (loff_t)-1);
		bo->state = GEM_RECLAIM_DISCARDED;
		bo->content_lost = true;
		/* Final: get_pages refuses it from now on. */
		if (bo->madv == GEM_RECLAIM_MADV_DONTNEED)
			WRITE_ONCE(bo->purged, true);
	} else {
		bo->state = GEM_RECLAIM_SWAPPED;
		if (scan->writeback)
			gr_writeback(bo);
		gr_evict_note(scan, bo);
	}
	gr_account_locked(bo);
	atomic_inc(&bo->reclaim_count);
	gr_pstat(scan, GR_PSTAT_RECLAIMED, npages);
	ret = npages;

out_unlock:
	gem_reclaim_object_unlock(bo);
	drm_gem_object_put(obj);
	return ret;
}

/* The pass ----------------------------------------------------------------- */

static void gr_scan_init(struct gr_scan *scan, struct gr_reclaim *r,
			 unsigned long target, gfp_t gfp)
{
	memset(scan, 0, sizeof(*scan));
	scan->r = r;
	scan->rdev = r->rdev;
	scan->pass = atomic64_inc_return(&r->pass_gen);
	gr_control_params(r->ctl, &scan->params);
	scan->now = ktime_get();
	scan->target = target;
	scan->floor = (unsigned long)scan->params.min_resident_mb <<
		      (20 - PAGE_SHIFT);
	scan->may_block = gfpflags_allow_blocking(gfp);
	scan->swap = get_nr_swap_pages() > 0;
	/* As may_enter_fs(): swap may sit on a file system. */
	scan->writeback = (gfp & (__GFP_IO | __GFP_FS)) == (__GFP_IO | __GFP_FS);
	scan->budget_max = GR_SCAN_BUDGET;
}

/* Pages above the min_resident_mb floor. */
static unsigned long gr_above_floor(struct gr_scan *scan)
{
	long resident = atomic_long_read(&scan->rdev->resident_pages);

	return resident > (long)scan->floor ? resident - scan->floor : 0;
}

/* Active VMs count_objects looks at, at most (under the device lock). */
#define GR_COUNT_ACTIVE_VMS	64

/*
 * Pages of the BOs mapped in the active VMs in the pass's scope (by the
 * VM's memcg: a VM counts only BOs of its own memcg, gr_link_pages_add()),
 * which no policy takes now. At most GR_COUNT_ACTIVE_VMS active VMs, in or
 * out of scope, are looked at, so that this stays short under the device
 * lock; BOs of the others count as takeable. A BO mapped in several active
 * VMs is subtracted once for each: the count errs low then, never below 0.
 */
static void gr_count_active(struct gr_scan *scan)
{
	struct gem_reclaim_device *rdev = scan->rdev;
	struct gem_reclaim_vm *vm;
	unsigned long irqflags;
	unsigned int seen = 0;

	/* Nothing to subtract from, or no active VM: no lock taken. */
	if ((!gr_scan_pages(scan, GR_ACCT_DISCARDABLE) &&
	     !gr_scan_pages(scan, GR_ACCT_SWAP_GPU)) ||
	    list_empty_careful(&rdev->vms_active))
		return;
	spin_lock_irqsave(&rdev->lock, irqflags);
	list_for_each_entry(vm, &rdev->vms_active, lru_node) {
		if (seen++ == GR_COUNT_ACTIVE_VMS)
			break;
		if (scan->memcg_scoped && vm->memcg != scan->memcg)
			continue;
		scan->active_discardable += vm->discardable_pages;
		scan->active_swappable += vm->swappable_pages;
	}
	spin_unlock_irqrestore(&rdev->lock, irqflags);
}

static unsigned long gr_count(struct gr_scan *scan)
{
	unsigned long discard = 0, swap = 0, n;
	const struct gr_policy_ops *ops;
	unsigned int i;

	gr_count_active(scan);
	for (i = 0; i < scan->params.chain.len; i++) {
		ops = &gr_policies[scan->params.chain.idx[i]];
		if (!ops->count)
			continue;
		n = ops->count(scan);
		/* The swap-out policies count the same pages. */
		if (ops->flags & GR_POLICY_NEEDS_SWAP)
			swap = max(swap, n);
		else
			discard += n;
	}
	return min(discard + swap, gr_above_floor(scan));
}

/* One walk of the chain. Returns: pages freed. */
static unsigned long gr_run(struct gr_scan *scan)
{
	const struct gr_policy_ops *ops;
	struct gem_reclaim_object *bo;
	unsigned long before = scan->freed;
	unsigned int i;
	long ret;

	gr_stats_add(gr_scan_stats(scan), GR_STAT_SCAN_CALLS, 1);
	for (i = 0; i < scan->params.chain.len; i++) {
		scan->policy = scan->params.chain.idx[i];
		ops = &gr_policies[scan->policy];
		if (!ops->select || !ops->reclaim)
			continue;
		if ((ops->flags & GR_POLICY_NEEDS_SWAP) && !scan->swap)
			continue;
		scan->budget = scan->budget_max;
		scan->lap_left = -1;
		scan->vms_done = false;
		scan->gen = atomic64_inc_return(&scan->r->scan_gen);
		while (scan->freed < scan->target && gr_above_floor(scan)) {
			bo = ops->select(scan);
			if (!bo)
				break;
			scan->scanned += gr_bo_npages(bo);
			ret = ops->reclaim(scan, bo);
			if (ret > 0)
				scan->freed += ret;
		}
		if (scan->freed >= scan->target)
			break;
	}
	return scan->freed - before;
}

/*
 * Scope a shrinker pass to the memcg it is called for, when memory cgroups
 * exist (DOC: Memory cgroups). The list walk also stamps the records that
 * scan_objects then takes BOs of. Returns: false if the memcg has nothing
 * reclaimable at all.
 */
static bool gr_scan_memcg(struct gr_scan *scan, struct shrink_control *sc)
{
	long sum[GR_ACCT_COUNT];
	bool listed = false;
	unsigned int i;
	int nid;

	if (!(scan->r->shrinker->flags & SHRINKER_MEMCG_AWARE))
		return atomic_long_read(&scan->r->pages[GR_ACCT_DISCARDABLE]) ||
		       atomic_long_read(&scan->r->pages[GR_ACCT_SWAP_GPU]) ||
		       atomic_long_read(&scan->r->pages[GR_ACCT_SWAP_IDLE]);
	scan->memcg_scoped = true;
	scan->memcg = sc->memcg;
	/* Swap-out only within the memcg's swap allowance, as page reclaim. */
	scan->swap = gr_memcg_swap_room(sc->memcg) > 0;
	/* A record is on the list of its slab object's node only. */
	for (nid = 0; nid < nr_node_ids; nid++) {
		if (!node_possible(nid) ||
		    !gr_memcg_acct_sum(&scan->r->memcgs, nid, sc->memcg, sum))
			continue;
		listed = true;
		for (i = 0; i < GR_ACCT_COUNT; i++)
			scan->memcg_pages[i] += sum[i];
	}
	return listed;
}

static unsigned long gr_count_objects(struct shrinker *shrinker,
				      struct shrink_control *sc)
{
	struct gr_reclaim *r = shrinker->private_data;
	struct gr_scan scan;

	gr_scan_init(&scan, r, 0, sc->gfp_mask);
	/*
	 * SHRINK_EMPTY clears the shrinker's bit in the memcg: only when it
	 * has no reclaimable page at all. Pages that cannot be taken now
	 * (no swap, a caller that may not block, an active VM, the floor)
	 * give 0.
	 */
	if (!gr_scan_memcg(&scan, sc))
		return SHRINK_EMPTY;
	return gr_count(&scan);
}

static unsigned long gr_scan_objects(struct shrinker *shrinker,
				     struct shrink_control *sc)
{
	struct gr_reclaim *r = shrinker->private_data;
	struct gr_scan scan;

	gr_scan_init(&scan, r, sc->nr_to_scan, sc->gfp_mask);
	if (!gr_scan_memcg(&scan, sc))
		return SHRINK_STOP;
	gr_run(&scan);
	sc->nr_scanned = scan.scanned;
	return scan.freed ?: SHRINK_STOP;
}

/* The control plane's callbacks ------------------------------------------- */

static int gr_ctl_shrink(struct gr_control *ctl, unsigned long pages,
			 pid_t tgid, unsigned long *freed)
{
	struct gr_reclaim *r = gr_control_priv(ctl);
	struct gem_reclaim_device *rdev = r->rdev;
	unsigned int noreclaim;
	struct gr_scan scan;

	gr_scan_init(&scan, r, pages, GFP_KERNEL);
	scan.tgid = tgid;
	/*
	 * An explicit request looks at every BO (and idle-vm-first at every
	 * BO of every VM), as often as it pays off.
	 */
	scan.budget_max = atomic_long_read(&rdev->bo_count) + READ_ONCE(rdev->nr_links) + 1;

	/*
	 * Tell lockdep this is reclaim, as when the shrinker runs it, and
	 * behave like reclaim: an allocation in here (swap writeback, zswap,
	 * a link freed and reallocated) must not recurse into reclaim.
	 */
	fs_reclaim_acquire(GFP_KERNEL);
	noreclaim = memalloc_noreclaim_save();
	while (scan.freed < scan.target && !fatal_signal_pending(current)) {
		scan.now = ktime_get();
		if (!gr_run(&scan))
			break;
	}
	memalloc_noreclaim_restore(noreclaim);
	fs_reclaim_release(GFP_KERNEL);
	*freed = scan.freed;
	return 0;
}

static u64 gr_idle_ms_locked(struct gem_reclaim_vm *vm, ktime_t now)
{
	if (vm->active_jobs || ktime_before(now, vm->idle_since))
		return 0;
	return ktime_ms_delta(now, vm->idle_since);
}

/*
 * The bos and vms files copy their rows under the device lock, with
 * interrupts off for a plain copy and no formatting, then print the copy.
 * The control plane opens them with a buffer sized for the rows
 * (gr_control_ops.table_size), so seq_file does not run them again for a
 * bigger buffer.
 */
struct gr_bo_snap {
	struct gr_bo_row row;
	char comm[TASK_COMM_LEN];
};

struct gr_vm_snap {
	struct gr_vm_row row;
	char comm[TASK_COMM_LEN];
};

/* Rows that may appear between sizing the copy and taking the lock. */
#define GR_SNAP_SLACK	32

static void gr_bo_snap_locked(struct gr_bo_snap *snap,
			      struct gem_reclaim_object *bo, ktime_t now)
{
	struct gr_bo_row *row = &snap->row;
	struct gem_reclaim_link *link;
	bool active = false;
	u64 idle = U64_MAX;

	memset(row, 0, sizeof(*row));
	memcpy(snap->comm, bo->owner_comm, sizeof(snap->comm));
	row->comm = snap->comm;
	row->id = bo->id;
	row->vm = GR_BO_ROW_NO_VM;
	row->pid = bo->owner_pid;
	row->size = bo->base.size;
	row->resident = READ_ONCE(bo->pages) ? bo->base.size : 0;
	row->state = gem_reclaim_state_name(READ_ONCE(bo->state));
	if (gr_bo_discardable(bo))
		row->flags |= GR_BO_ROW_DISCARD;
	if (READ_ONCE(bo->purged))
		row->flags |= GR_BO_ROW_PURGED;
	if (bo->flags & GEM_RECLAIM_BO_NO_MMAP)
		row->flags |= GR_BO_ROW_NO_MMAP;
	if (READ_ONCE(bo->content_lost))
		row->flags |= GR_BO_ROW_LOST;
	if (READ_ONCE(bo->exported))
		row->flags |= GR_BO_ROW_EXPORTED;
	row->mmap = atomic_read(&bo->mmap_count);
	row->cgroup = gr_memcg_ino(bo->memcg);
	row->reclaims = atomic_read(&bo->reclaim_count);
	row->swapins = atomic_read(&bo->swapin_count);

	list_for_each_entry(link, &bo->links, bo_node) {
		if (row->vm == GR_BO_ROW_NO_VM)
			row->vm = link->vm->id;
		active |= link->vm->active_jobs != 0;
		idle = min(idle, gr_idle_ms_locked(link->vm, now));
	}
	if ((!list_empty(&bo->links) && !list_is_singular(&bo->links)) ||
	    bo->vm_unlinked)
		row->flags |= GR_BO_ROW_SHARED;
	row->idle_ms = !list_empty(&bo->links) && !active ? idle : 0;
}

static int gr_ctl_bos_show(struct gr_control *ctl, struct seq_file *m)
{
	struct gr_reclaim *r = gr_control_priv(ctl);
	struct gem_reclaim_device *rdev = r->rdev;
	struct list_head *lists[] = { &rdev->bos, &rdev->bos_discard };
	size_t i, n = 0, max = atomic_long_read(&rdev->bo_count) + GR_SNAP_SLACK;
	struct gem_reclaim_object *bo;
	struct gr_bo_snap *snaps;
	ktime_t now = ktime_get();
	unsigned long irqflags;
	unsigned int l;

	snaps = kvmalloc_array(max, sizeof(*snaps), GFP_KERNEL);
	if (!snaps)
		return -ENOMEM;
	spin_lock_irqsave(&rdev->lock, irqflags);
	for (l = 0; l < ARRAY_SIZE(lists); l++) {
		list_for_each_entry(bo, lists[l], dev_node) {
			if (n == max)
				break;
			gr_bo_snap_locked(&snaps[n++], bo, now);
		}
	}
	spin_unlock_irqrestore(&rdev->lock, irqflags);
	for (i = 0; i < n; i++)
		gr_bos_print_row(m, &snaps[i].row);
	kvfree(snaps);
	return 0;
}

static void gr_vm_snap_locked(struct gr_vm_snap *snap, struct gem_reclaim_vm *vm,
			      ktime_t now)
{
	struct gr_vm_row *row = &snap->row;
	struct gem_reclaim_link *link;
	struct gem_reclaim_object *bo;

	memset(row, 0, sizeof(*row));
	memcpy(snap->comm, vm->owner_comm, sizeof(snap->comm));
	row->comm = snap->comm;
	row->id = vm->id;
	row->pid = vm->owner_pid;
	row->active = vm->active_jobs != 0;
	row->idle_ms = gr_idle_ms_locked(vm, now);
	row->bos = vm->bo_count;
	row->cgroup = gr_memcg_ino(vm->memcg);
	list_for_each_entry(link, &vm->bos, vm_node) {
		bo = link->bo;
		if (READ_ONCE(bo->pages))
			row->resident += bo->base.size;
		switch (READ_ONCE(bo->state)) {
		case GEM_RECLAIM_SWAPPED:
			row->swapped += bo->base.size;
			break;
		case GEM_RECLAIM_DISCARDED:
			row->discarded += bo->base.size;
			break;
		default:
			break;
		}
	}
}

static int gr_ctl_vms_show(struct gr_control *ctl, struct seq_file *m)
{
	struct gr_reclaim *r = gr_control_priv(ctl);
	struct gem_reclaim_device *rdev = r->rdev;
	struct list_head *lists[] = { &rdev->vms_idle, &rdev->vms_active };
	size_t i, n = 0, max = atomic_long_read(&rdev->vm_count) + GR_SNAP_SLACK;
	struct gem_reclaim_vm *vm;
	struct gr_vm_snap *snaps;
	ktime_t now = ktime_get();
	unsigned long irqflags;
	unsigned int l;

	snaps = kvmalloc_array(max, sizeof(*snaps), GFP_KERNEL);
	if (!snaps)
		return -ENOMEM;
	spin_lock_irqsave(&rdev->lock, irqflags);
	for (l = 0; l < ARRAY_SIZE(lists); l++) {
		list_for_each_entry(vm, lists[l], lru_node) {
			if (n == max)
				break;
			gr_vm_snap_locked(&snaps[n++], vm, now);
		}
	}
	spin_unlock_irqrestore(&rdev->lock, irqflags);
	for (i = 0; i < n; i++)
		gr_vms_print_row(m, &snaps[i].row);
	kvfree(snaps);
	return 0;
}

/* Bytes the bos or vms file needs, so that seq_file formats it once. */
static size_t gr_ctl_table_size(struct gr_control *ctl, bool vms)
{
	struct gr_reclaim *r = gr_control_priv(ctl);
	long rows = atomic_long_read(vms ? &r->rdev->vm_count : &r->rdev->bo_count);

	return (rows + GR_SNAP_SLACK) * GR_TABLE_ROW_MAX;
}

static const struct gr_control_ops gr_control_ops = {
	.shrink = gr_ctl_shrink,
	.bos_show = gr_ctl_bos_show,
	.vms_show = gr_ctl_vms_show,
	.table_size = gr_ctl_table_size,
};

/* Registration -------------------------------------------------------------- */

/**
 * gem_reclaim_device_register() - give a device its shrinker and knobs
 * @rdev: the device, initialised with gem_reclaim_device_init(), before it
 *	has any BO
 *
 * Creates the control plane (sysfs group ``device/reclaim/`` of the DRM
 * device's parent, debugfs ``dri/<minor>/reclaim/``) and registers a
 * shrinker named ``<driver>-<minor>``. Call it before drm_dev_register(), so
 * that no BO exists yet, and gem_reclaim_device_unregister() on removal.
 *
 * Returns: 0 on success, -EEXIST if already registered, -ENOMEM, or the
 * error of the control plane's creation.
 */
int gem_reclaim_device_register(struct gem_reclaim_device *rdev)
{
	struct drm_device *drm = rdev->drm;
	struct gr_reclaim *r;
	unsigned int i;
	int ret;

	if (rcu_access_pointer(rdev->reclaim))
		return -EEXIST;
	if (drm_WARN_ON(drm, atomic_long_read(&rdev->bo_count)))
		return -EBUSY;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->rdev = rdev;
	for (i = 0; i < GR_ACCT_COUNT; i++)
		atomic_long_set(&r->pages[i], 0);
	atomic64_set(&r->scan_gen, 0);
	atomic64_set(&r->pass_gen, 0);

	r->ctl = gr_control_create(drm, &gr_control_ops, r);
	if (IS_ERR(r->ctl)) {
		ret = PTR_ERR(r->ctl);
		goto err_free;
	}

	r->shrinker = shrinker_alloc(gr_memcgs_possible() ?
				     SHRINKER_MEMCG_AWARE | SHRINKER_NONSLAB : 0,
				     "%s-%d", drm->driver->name,
				     drm->primary ? drm->primary->index :
				     drm->render->index);
	if (!r->shrinker) {
		ret = -ENOMEM;
		goto err_destroy_control;
	}
	r->shrinker->count_objects = gr_count_objects;
	r->shrinker->scan_objects = gr_scan_objects;
	r->shrinker->seeks = DEFAULT_SEEKS;
	r->shrinker->private_data = r;
	ret = gr_memcgs_init(&r->memcgs, r->shrinker);
	if (ret)
		goto err_free_shrinker;

	/*
	 * Accounting starts with the first BO, which comes after this: a BO
	 * is counted in bo_count under reclaim_lock when it joins.
	 */
	mutex_lock(&rdev->reclaim_lock);
	if (drm_WARN_ON(drm, atomic_long_read(&rdev->bo_count))) {
		mutex_unlock(&rdev->reclaim_lock);
		ret = -EBUSY;
		goto err_destroy_memcgs;
	}
	rcu_assign_pointer(rdev->reclaim, r);
	mutex_unlock(&rdev->reclaim_lock);
	shrinker_register(r->shrinker);
	return 0;

err_destroy_memcgs:
	gr_memcgs_destroy(&r->memcgs);
err_free_shrinker:
	shrinker_free(r->shrinker);
err_destroy_control:
	gr_control_destroy(r->ctl);
err_free:
	kfree(r);
	return ret;
}
EXPORT_SYMBOL_GPL(gem_reclaim_device_register);

/**
 * gem_reclaim_device_unregister() - undo gem_reclaim_device_register()
 * @rdev: the device
 *
 * Stops the reclaim accounting of the BOs, frees the shrinker (waiting for
 * a scan in progress) and removes the control plane (waiting for file
 * operations in progress). Does nothing if @rdev is not registered. A
 * driver calls it on removal, and may call it while open files still hold
 * BOs (unbind, or unplug after a failed reset): BOs may still exist: they
 * stay usable, unreclaimed, until freed (CPU faults, vmap, pin, GPU
 * mapping, gem_reclaim_object_get_sgt_locked() and
 * gem_reclaim_object_fini() keep working). Registering again needs a
 * device without BOs.
 *
 * Context: process context; serialised against
 * gem_reclaim_device_register() by the caller.
 */
void gem_reclaim_device_unregister(struct gem_reclaim_device *rdev)
{
	struct gr_reclaim *r = rcu_dereference_protected(rdev->reclaim, true);

	if (!r)
		return;
	/* No BO path feeds the counters or joins a record once this returns. */
	mutex_lock(&rdev->reclaim_lock);
	RCU_INIT_POINTER(rdev->reclaim, NULL);
	mutex_unlock(&rdev->reclaim_lock);
	synchronize_rcu();
	shrinker_free(r->shrinker);
	gr_memcgs_destroy(&r->memcgs);
	gr_control_destroy(r->ctl);
	kfree(r);
}
EXPORT_SYMBOL_GPL(gem_reclaim_device_unregister);
