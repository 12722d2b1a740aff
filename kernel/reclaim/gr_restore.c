// SPDX-License-Identifier: GPL-2.0-only
/*
 * gem_reclaim: reading swapped-out BOs back ahead of their restore.
 */

/**
 * DOC: Restore ahead
 *
 * 6.12's shmem swaps a BO back one page at a time, synchronously, from
 * drm_gem_get_pages() under the BO's pages lock: a VM whose BOs were
 * swapped out gets them back page after page, BO after BO, inside its
 * first submit. So before that restore, gem_reclaim_vm_restore() (called
 * by the driver at submit) and the CPU fault handler read the swapped-out
 * BOs back into their shmem files, in 2 MiB chunks taken in turn from
 * each BO by the calling task and by up to GR_RESTORE_HELPERS work items
 * (one per other online CPU) on an unbound workqueue; the restore proper
 * then finds its pages in memory. At submit that is every swapped-out BO
 * mapped in the VM; at a CPU fault the faulting BO and those of one VM it
 * is mapped in that the faulting process owns (a compositor touching a
 * client's buffer does not pull the client's VM in).
 *
 * It is a hint, not a change of state. A chunk is read with
 * shmem_get_folio(SGP_NOALLOC), which swaps in what was swapped out and
 * never fills a hole, so a discard, purge or release racing with it
 * leaves nothing the BO's own truncation would not free. The BO's state,
 * accounting and pages stay what they were until drm_gem_get_pages()
 * takes the pages. Pages read back and then not used stay on the LRU as
 * ordinary shmem pages, which the kernel may swap out again (the
 * mapping's unevictable flag went with the pages, drm_gem_put_pages()).
 *
 * Bounds: one read-ahead per VM at a time (&gem_reclaim_vm.restoring:
 * a concurrent submit leaves the work to the first); at most
 * GR_RESTORE_MAX_BOS BOs, GR_RESTORE_MAX_LINKS links looked at under the
 * device lock, and half of the memory available; a chunk of a BO nobody
 * else references any more is skipped. Everything stops at the first
 * error other than a hole, and when the caller has a fatal signal or is
 * an OOM victim.
 *
 * The helpers hold no lock and no reference of their own (the caller
 * holds one on each BO and waits for them before it returns). They
 * allocate with the caller's NOFS/NOIO scope and charge the memcg the
 * restore proper charges (the BO owner's, or its nearest live ancestor,
 * when the swap entry's memcg is gone); their CPU time and swap reads are
 * the kernel's, as for any work item, not the caller's cgroup's.
 *
 * Module parameter restore_ahead (default on) turns it off, for A/B
 * measurements in one boot; restore_ahead_pages and restore_ahead_ns in
 * the stats file count what it read and how long the callers waited
 * (swapin_ns is the restore proper only).
 */

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/oom.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/shmem_fs.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <drm/drm_gem.h>
#include <drm/gem_reclaim.h>

#include "gr_internal.h"
#include "gr_memcg.h"

static bool restore_ahead = true;
module_param_cb(restore_ahead, &gr_param_bool_ops, &restore_ahead, 0644);
MODULE_PARM_DESC(restore_ahead,
		 "Read swapped-out BOs back in parallel 2 MiB chunks at a VM's first submit or CPU fault (default: on)");

#define GR_RESTORE_CHUNK_PAGES	(SZ_2M >> PAGE_SHIFT)
/* Work items helping the caller, at most one per other online CPU. */
#define GR_RESTORE_HELPERS	7
/* BOs read ahead in one call; the rest are restored the usual way. */
#define GR_RESTORE_MAX_BOS	1024
/* Links of a VM looked at with the device lock held, in one call. */
#define GR_RESTORE_MAX_LINKS	4096

static struct workqueue_struct *gr_restore_wq;

struct gr_restore;

struct gr_restore_helper {
	struct work_struct work;
	struct gr_restore *rs;
};

/*
 * One read-ahead: chunk k is chunk k / nr_bos of BO k % nr_bos, so that
 * the threads mostly work on different files.
 */
struct gr_restore {
	struct gem_reclaim_object *bos[GR_RESTORE_MAX_BOS];
	unsigned int nr_bos;
	unsigned long nr_chunks;
	atomic_long_t next;
	/* an error, a fatal signal or an OOM kill: everyone stops */
	atomic_t stop;
	atomic_long_t pages;
	/* the caller's PF_MEMALLOC_NOFS / PF_MEMALLOC_NOIO */
	unsigned int memalloc_scope;
	struct task_struct *caller;
	struct gr_restore_helper helpers[GR_RESTORE_HELPERS];
};

static bool gr_restore_stopping(struct gr_restore *rs)
{
	if (current == rs->caller &&
	    (fatal_signal_pending(current) || tsk_is_oom_victim(current)))
		atomic_set(&rs->stop, 1);
	return atomic_read(&rs->stop);
}

/* The next swap entry in [@index, @end) of @mapping, or @end. */
static pgoff_t gr_next_swapped(struct address_space *mapping, pgoff_t index,
			       pgoff_t end)
{
	XA_STATE(xas, &mapping->i_pages, index);
	void *entry;

	rcu_read_lock();
	xas_for_each(&xas, entry, end - 1) {
		if (xas_retry(&xas, entry))
			continue;
		if (xa_is_value(entry))
			break;
	}
	rcu_read_unlock();
	return entry ? max(xas.xa_index, index) : end;
}

/* Swap in what is swapped out in [@start, @end) of @bo. */
static void gr_restore_range(struct gr_restore *rs,
			     struct gem_reclaim_object *bo,
			     pgoff_t start, pgoff_t end)
{
	struct inode *inode = file_inode(bo->base.filp);
	struct mem_cgroup *old_memcg;
	struct folio *folio;
	pgoff_t index;
	int ret;

	/* The charging rule of the restore proper, for a swap entry whose memcg is gone. */
	old_memcg = set_active_memcg(gr_memcg_live(bo->memcg));
	for (index = gr_next_swapped(inode->i_mapping, start, end); index < end;
	     index = gr_next_swapped(inode->i_mapping, index, end)) {
		if (gr_restore_stopping(rs))
			break;
		ret = shmem_get_folio(inode, index, 0, &folio, SGP_NOALLOC);
		if (ret == -ENOENT) {	/* truncated meanwhile */
			index++;
			continue;
		}
		if (ret) {
			atomic_set(&rs->stop, 1);
			break;
		}
		atomic_long_add(folio_nr_pages(folio), &rs->pages);
		index = folio_next_index(folio);
		folio_unlock(folio);
		folio_put(folio);
		cond_resched();
	}
	set_active_memcg(old_memcg);
}

static void gr_restore_chunks(struct gr_restore *rs)
{
	struct gem_reclaim_object *bo;
	pgoff_t start, npages;
	unsigned long k;

	while ((k = atomic_long_inc_return(&rs->next) - 1) < rs->nr_chunks &&
	       !gr_restore_stopping(rs)) {
		bo = rs->bos[k % rs->nr_bos];
		npages = bo->base.size >> PAGE_SHIFT;
		start = (k / rs->nr_bos) * GR_RESTORE_CHUNK_PAGES;
		/* past this BO's end; or released meanwhile: ours is the last reference */
		if (start >= npages || kref_read(&bo->base.refcount) <= 1)
			continue;
		gr_restore_range(rs, bo, start,
				 min(start + GR_RESTORE_CHUNK_PAGES, npages));
	}
}

static void gr_restore_helper_work(struct work_struct *work)
{
	struct gr_restore *rs = container_of(work, struct gr_restore_helper, work)->rs;
	unsigned int flags = memalloc_flags_save(rs->memalloc_scope);

	gr_restore_chunks(rs);
	memalloc_flags_restore(flags);
}

/* Read rs->bos back, with helpers. Returns the pages swapped in. */
static long gr_restore_run(struct gr_restore *rs)
{
	unsigned long max_chunks = 0;
	unsigned int i, helpers;

	for (i = 0; i < rs->nr_bos; i++)
		max_chunks = max(max_chunks,
				 DIV_ROUND_UP(rs->bos[i]->base.size >> PAGE_SHIFT,
					      GR_RESTORE_CHUNK_PAGES));
	rs->nr_chunks = max_chunks * rs->nr_bos;
	rs->caller = current;
	rs->memalloc_scope = current->flags & (PF_MEMALLOC_NOFS | PF_MEMALLOC_NOIO);

	helpers = min3(rs->nr_chunks - 1, (unsigned long)num_online_cpus() - 1,
		       (unsigned long)GR_RESTORE_HELPERS);
	for (i = 0; i < helpers; i++) {
		rs->helpers[i].rs = rs;
		INIT_WORK(&rs->helpers[i].work, gr_restore_helper_work);
		queue_work(gr_restore_wq, &rs->helpers[i].work);
	}
	gr_restore_chunks(rs);
	/*
	 * Every chunk is taken (or everyone stops): a helper that has not
	 * started has nothing left to do, one that runs finishes its range.
	 */
	for (i = 0; i < helpers; i++)
		cancel_work_sync(&rs->helpers[i].work);
	return atomic_long_read(&rs->pages);
}

/* Whether the swapped-out pages of @bo are worth picking, and how many. */
static unsigned long gr_restore_swapped(struct gem_reclaim_object *bo)
{
	if (READ_ONCE(bo->state) != GEM_RECLAIM_SWAPPED)
		return 0;
	/* Read back already (a previous call): only the restore proper is left. */
	return READ_ONCE(SHMEM_I(file_inode(bo->base.filp))->swapped);
}

/*
 * Add the swapped-out BOs mapped in @vm, except rs->bos[0] if @skip_first,
 * to rs->bos, referenced, up to @budget pages. Called with the device
 * lock held; the state is read without the BO's lock, enough for a hint.
 */
static void gr_restore_pick_vm(struct gr_restore *rs, struct gem_reclaim_vm *vm,
			       bool skip_first, unsigned long budget)
{
	unsigned long picked = 0, pages;
	struct gem_reclaim_link *link;
	struct gem_reclaim_object *bo;
	unsigned int looked = 0;

	lockdep_assert_held(&vm->rdev->lock);
	list_for_each_entry(link, &vm->bos, vm_node) {
		bo = link->bo;
		if (rs->nr_bos == GR_RESTORE_MAX_BOS || picked >= vm->swapped_pages ||
		    picked >= budget || ++looked > GR_RESTORE_MAX_LINKS)
			return;
		if (skip_first && bo == rs->bos[0])
			continue;
		pages = gr_restore_swapped(bo);
		if (pages && kref_get_unless_zero(&bo->base.refcount)) {
			rs->bos[rs->nr_bos++] = bo;
			picked += pages;
		}
	}
}

/* Read rs->bos back; account and drop the references. */
static void gr_restore_finish(struct gem_reclaim_device *rdev,
			      struct gr_restore *rs)
{
	ktime_t start = ktime_get();
	long pages = 0;
	unsigned int i;

	if (rs->nr_bos)
		pages = gr_restore_run(rs);
	for (i = 0; i < rs->nr_bos; i++)
		drm_gem_object_put(&rs->bos[i]->base);
	if (rs->nr_bos)
		gr_restore_ahead_done(rdev, pages, ktime_sub(ktime_get(), start));
}

static struct gr_restore *gr_restore_alloc(void)
{
	return kvzalloc(sizeof(struct gr_restore),
			GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN | __GFP_ACCOUNT);
}

/* Half of the memory available, in pages: what one read-ahead may take. */
static unsigned long gr_restore_budget(void)
{
	return si_mem_available() / 2;
}

/**
 * gem_reclaim_vm_restore() - read a returning VM's swapped-out BOs back
 * @vm: the VM, already marked active (gem_reclaim_vm_job_begin())
 *
 * The driver calls this in its submit path, before it maps back what
 * reclaim evicted (DOC: Restore ahead). Costs a lock round trip when no
 * BO mapped in @vm is swapped out. Sleeps; the caller must hold no lock
 * a BO restore takes (a BO's pages lock, its dma_resv, the driver's VM
 * locks), and @vm must stay alive until it returns.
 */
void gem_reclaim_vm_restore(struct gem_reclaim_vm *vm)
{
	struct gem_reclaim_device *rdev = vm->rdev;
	unsigned long irqflags, budget;
	struct gr_restore *rs;
	bool go, mine;

	might_sleep();
	if (!READ_ONCE(restore_ahead) || !gr_restore_wq)
		return;
	spin_lock_irqsave(&rdev->lock, irqflags);
	go = vm->swapped_pages && !vm->restoring;
	spin_unlock_irqrestore(&rdev->lock, irqflags);
	if (!go)
		return;

	rs = gr_restore_alloc();
	if (!rs)
		return;
	budget = gr_restore_budget();
	spin_lock_irqsave(&rdev->lock, irqflags);
	mine = !vm->restoring;	/* else another read-ahead runs */
	if (mine) {
		vm->restoring = true;
		gr_restore_pick_vm(rs, vm, false, budget);
	}
	spin_unlock_irqrestore(&rdev->lock, irqflags);
	if (mine) {
		gr_restore_finish(rdev, rs);
		spin_lock_irqsave(&rdev->lock, irqflags);
		vm->restoring = false;
		spin_unlock_irqrestore(&rdev->lock, irqflags);
	}
	kvfree(rs);
}
EXPORT_SYMBOL_GPL(gem_reclaim_vm_restore);

/**
 * gr_restore_ahead_fault() - read a swapped-out BO back before its CPU
 *	fault restores it, with the swapped-out BOs of a VM of the faulting
 *	process it is mapped in
 * @bo: the BO, referenced, its pages lock not held
 */
void gr_restore_ahead_fault(struct gem_reclaim_object *bo)
{
	struct gem_reclaim_device *rdev = bo->rdev;
	pid_t tgid = task_tgid_nr(current);
	struct gem_reclaim_link *link;
	unsigned long irqflags, budget;
	struct gr_restore *rs;

	if (!READ_ONCE(restore_ahead) || !gr_restore_wq || !gr_restore_swapped(bo))
		return;
	rs = gr_restore_alloc();
	if (!rs)
		return;
	budget = gr_restore_budget();
	drm_gem_object_get(&bo->base);
	rs->bos[rs->nr_bos++] = bo;
	spin_lock_irqsave(&rdev->lock, irqflags);
	list_for_each_entry(link, &bo->links, bo_node) {
		/* one VM; none if a submit reads it back now */
		if (link->vm->owner_pid == tgid) {
			if (!link->vm->restoring)
				gr_restore_pick_vm(rs, link->vm, true, budget);
			break;
		}
	}
	spin_unlock_irqrestore(&rdev->lock, irqflags);
	gr_restore_finish(rdev, rs);
	kvfree(rs);
}

/* Module init and exit: the helpers' workqueue. */
int gr_restore_init(void)
{
	gr_restore_wq = alloc_workqueue("gem_reclaim_restore", WQ_UNBOUND,
					GR_RESTORE_HELPERS);
	return gr_restore_wq ? 0 : -ENOMEM;
}

void gr_restore_exit(void)
{
	destroy_workqueue(gr_restore_wq);
}
