// SPDX-License-Identifier: GPL-2.0-only
/*
 * gem_reclaim: the GEM object for UMA drivers.
 */

#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/huge_mm.h>
#include <linux/iosys-map.h>
#include <linux/ktime.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/scatterlist.h>
#include <linux/sched/mm.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <drm/drm_gem.h>
#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_mm.h>
#include <drm/drm_prime.h>
#include <drm/drm_print.h>
#include <drm/drm_vma_manager.h>
#include <drm/gem_reclaim.h>

#include "gr_internal.h"
#include "gr_memcg.h"

/**
 * DOC: Locking
 *
 * Locks of the reclaim core, outermost first:
 *
 * 1. The driver's VM-bind lock (for gpusim, &gpusim_vm.bind_lock). Not a
 *    core lock, but the core expects GPU map paths to take the BO pages lock
 *    inside it.
 * 2. &gem_reclaim_object.pages_lock (mutex, one per BO): protects the page
 *    array and its DMA-mapped sg table, the reclaim state, pin and vmap
 *    counts, the kernel mapping and the content-lost flag. Taken by the
 *    CPU fault handler, vmap, pin and by the driver when it maps the BO on
 *    the GPU. Page allocation happens with it held, so a reclaim pass
 *    entered from that allocation may only trylock it (of any BO). The
 *    &gem_reclaim_ops callbacks run with it held.
 * 3. The driver's GEM gpuva lock and GPU page-table locks, taken inside the
 *    pages lock by &gem_reclaim_ops.unmap_from_gpu.
 * 4. &gem_reclaim_device.reclaim_lock (mutex, one per device): held while
 *    a new or re-owned BO joins its memcg's record (which may allocate),
 *    and by register and unregister while they set
 *    &gem_reclaim_device.reclaim. Inside the pages lock in
 *    gem_reclaim_object_set_owner().
 * 5. The per-memcg accounting's table lock, then a record's lock, then the
 *    list_lru's node lock (spinlocks, not irq-safe; gr_memcg.c): taken by
 *    BO accounting with the pages lock held or at BO release, and, the
 *    node lock alone, by count_objects' walk.
 * 6. &gem_reclaim_device.lock (spinlock, irq-safe, one per device): protects
 *    the device's BO lists and its active and idle VM lists, each VM's job
 *    counter, idle timestamp, list of BO links and page counts
 *    (&gem_reclaim_vm.discardable_pages, kept with the BO's accounting),
 *    and the BO links themselves (&gem_reclaim_object.links, written with the pages lock
 *    held too, so either lock lets one read them). Innermost; nothing is
 *    allocated and no other lock is taken while it is held.
 *
 * The discard mode of a BO (&gem_reclaim_object.discardable and
 * &gem_reclaim_object.madv) follows the same rule as the links: written
 * with the pages lock and then the device lock held, by
 * gem_reclaim_object_init() (before the BO is listed) and
 * gem_reclaim_object_madvise(), in the same critical section of the device
 * lock that moves the BO between &gem_reclaim_device.bos and
 * &gem_reclaim_device.bos_discard and updates their counts. So a list walk
 * (which holds the device lock) always finds a BO on the list its mode
 * says, and reclaim, accounting and the fdinfo status, which hold the
 * pages lock (or read a snapshot), see one mode from start to end; every
 * reader goes through gr_bo_discardable(). A walk that drops the device
 * lock holds no list position across that (gr_walk_breathe() in
 * gr_shrinker.c) and re-checks the mode under the pages lock after its
 * trylock, so a BO madvised meanwhile is only ever taken by the policy of
 * its current mode. &gem_reclaim_object.purged is written under the pages
 * lock by reclaim only, and never cleared; &gem_reclaim_object.exported is
 * set under the pages lock before an export, so an export and a
 * DONTNEED exclude each other.
 *
 * The counters of &gem_reclaim_device and the mmap/GPU-map counts of a BO
 * are atomics and need no lock; readers treat them as snapshots.
 *
 * &gem_reclaim_device.reclaim (the shrinker, control plane and reclaim
 * counters) is RCU-protected, because BOs outlive it:
 * gem_reclaim_device_unregister() may run while BOs exist, and they stay
 * usable, never reclaimed again. A BO path (accounting on a state change,
 * swap-in statistics, BO release) reads the pointer with rcu_dereference()
 * inside rcu_read_lock() and, if it is NULL, touches no reclaim counter;
 * inside that section it only does atomic updates and takes the spinlocks
 * of items 5 and 6 (possibly freeing its memcg's record; the device lock
 * for its VMs' page counts and refault stamps), never sleeps.
 * Unregister clears the pointer, waits with synchronize_rcu() for every
 * such reader, and only then frees the shrinker, the control plane and the
 * counters. The shrinker and the control plane reach their state through
 * their own private pointers, never through &gem_reclaim_device.reclaim,
 * and are waited for by shrinker_free() and the control plane's removal.
 *
 * The dma_resv of a BO is not used by the core. A driver that takes it
 * (drm_gpuvm_validate() in its submit path) takes it outside the pages lock,
 * and reclaim takes it only with dma_resv_trylock().
 *
 * The reclaim path (the shrinker and the debugfs shrink file) runs in
 * reclaim context and takes these locks in the order fs_reclaim, device
 * lock (dropped again before the next step), pages lock by trylock, the
 * driver's GPU VM locks by trylock (in &gem_reclaim_ops.unmap_from_gpu),
 * then the DRM mapping's i_mmap_rwsem and shmem folio locks; see
 * DOC: Locking in reclaim in gr_shrinker.c.
 */

/**
 * DOC: Every way to a BO's pages
 *
 * The review checklist: before reclaim gives a page back, nothing may
 * still reach it; this is each way there is, and what zaps or pins it.
 * All of it runs with the BO's pages lock held, which reclaim trylocks.
 *
 * - GPU page tables: mapped by the driver from the pages or
 *   gem_reclaim_object_get_sgt_locked(); torn down by
 *   &gem_reclaim_ops.unmap_from_gpu (refuses an active VM, trylocks only),
 *   restored by the driver's submit path (drm_gpuvm_validate()).
 * - The cached sg table (&gem_reclaim_object.sgt): DMA-unmapped and freed
 *   by reclaim before the pages go.
 * - CPU mappings of the DRM fd, fork included: PTEs inserted one by one
 *   by the fault handler, all in the DRM device's address_space, zapped by
 *   drm_vma_node_unmap(); the next access faults the BO back. Private
 *   (copy-on-write) mappings are refused, so no anonymous copy exists, and
 *   VM_PFNMAP keeps get_user_pages() off them.
 * - CPU mappings of a dma-buf fd (drm_gem_prime_mmap()): the dma-buf file
 *   shares the DRM device's address_space (drm_gem_dmabuf_export()) and
 *   the mapping sits at the BO's fake offset, which
 *   gem_reclaim_gem_prime_export() creates, so the same zap reaches it. A
 *   mapping anywhere else is refused by gem_reclaim_object_mmap().
 * - Importers' sg tables: dma-buf attach pins the BO
 *   (&drm_gem_object_funcs.pin) until detach.
 * - Kernel mappings: vmap pins until the last vunmap.
 * - Jobs in flight: a VM with queued or running jobs is never taken from,
 *   re-checked by &gem_reclaim_ops.unmap_from_gpu under the lock the
 *   submit path marks the VM active with.
 * - The page array: valid while the pages lock is held or the BO is
 *   pinned; a driver keeps no other pointer to a page. With huge pages
 *   (DOC: Huge pages) it holds the 4 KiB subpages of 2 MiB folios: every
 *   way above maps and zaps per 4 KiB page, so nothing changes; reclaim
 *   releases whole folios (drm_gem_put_pages()).
 *
 * And every way back to pages goes through
 * gem_reclaim_object_get_pages_locked() (CPU fault, fork's inherited
 * mappings faulting, populate, pin, vmap, dma-buf attach and sg tables,
 * GPU map and the driver's restore), which refuses a purged BO with
 * -EFAULT; the fault handler answers SIGBUS before it tries.
 */

/**
 * DOC: Huge pages
 *
 * A BO of 2 MiB or more gets its shmem file from a private tmpfs mount
 * with huge=within_size, as i915's gemfs: where the file covers a whole
 * aligned 2 MiB, shmem allocates one 2 MiB folio, which goes to swap as one
 * (THP swap-out), is truncated as one on discard, and gives the GPU
 * contiguous ranges. The allocation is shmem's: the huge folio is tried
 * with the THP defrag setting's mask limited to the BO's zones (never
 * movable; with the default defrag=madvise, GFP_TRANSHUGE_LIGHT: no direct
 * compaction), and on failure shmem falls back to 4 KiB pages at once, so
 * a fragmented system costs no stall. Swap-in is 4 KiB pages: 6.12
 * splits the large swap entry. Nothing else changes: every path takes
 * pages from the page array, and gr_writeback() writes what a split left.
 *
 * The module parameter huge_pages (writable, so both can be compared in
 * one boot) decides for BOs created afterwards; a BO keeps the file it was
 * created with. It reads N where the mount could not be made (no THP), and
 * setting it there changes nothing.
 */
static bool huge_pages = true;
module_param_cb(huge_pages, &gr_param_bool_ops, &huge_pages, 0644);
MODULE_PARM_DESC(huge_pages,
		 "Back BOs of 2 MiB and more with huge pages where possible (default: on; off without THP)");

static struct vfsmount *gr_gemfs;

/**
 * gr_gemfs_init() - mount the private tmpfs of huge-page BOs
 *
 * Without THP, or when the mount fails, BOs use the kernel's shmem mount
 * and huge_pages has no effect.
 */
void gr_gemfs_init(void)
{
	char opts[] = "huge=within_size";
	struct file_system_type *type;
	struct vfsmount *mnt;

	/* a huge_pages=0 given at load time stays as it is */
	if (!IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) || !has_transparent_hugepage()) {
		pr_info("gem_reclaim: no transparent huge pages: BOs use 4 KiB pages\n");
		huge_pages = false;
		return;
	}
	type = get_fs_type("tmpfs");
	mnt = type ? vfs_kern_mount(type, SB_KERNMOUNT, type->name, opts) : ERR_PTR(-ENODEV);
	if (IS_ERR(mnt)) {
		pr_info("gem_reclaim: huge-page tmpfs mount failed (%ld): BOs use 4 KiB pages\n",
			PTR_ERR(mnt));
		huge_pages = false;
		return;
	}
	gr_gemfs = mnt;
}

/* Unmount it at module exit, when no BO (no file on it) is left. */
void gr_gemfs_exit(void)
{
	if (gr_gemfs)
		kern_unmount(gr_gemfs);
	gr_gemfs = NULL;
}

/* drm_gem_object_init(), with the file on the huge-page mount if it applies. */
static int gr_gem_object_init(struct drm_device *drm, struct drm_gem_object *obj,
			      size_t size)
{
	struct file *filp;

	drm_gem_private_object_init(drm, obj, size);
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	if (gr_gemfs && READ_ONCE(huge_pages) && size >= HPAGE_PMD_SIZE)
		filp = shmem_file_setup_with_mnt(gr_gemfs, "drm mm object", size,
						 VM_NORESERVE);
	else
#endif
		filp = shmem_file_setup("drm mm object", size, VM_NORESERVE);
	if (IS_ERR(filp))
		return PTR_ERR(filp);
	obj->filp = filp;
	return 0;
}

static const char * const gem_reclaim_state_names[GEM_RECLAIM_STATE_COUNT] = {
	[GEM_RECLAIM_UNBACKED] = "unbacked",
	[GEM_RECLAIM_RESIDENT] = "resident",
	[GEM_RECLAIM_PINNED] = "pinned",
	[GEM_RECLAIM_SWAPPED] = "swapped",
	[GEM_RECLAIM_DISCARDED] = "discarded",
};

/**
 * gem_reclaim_state_name() - name of a reclaim state
 * @state: the state
 *
 * Returns: a static string such as "resident", or "invalid".
 */
const char *gem_reclaim_state_name(enum gem_reclaim_state state)
{
	if (state >= GEM_RECLAIM_STATE_COUNT)
		return "invalid";
	return gem_reclaim_state_names[state];
}
EXPORT_SYMBOL_GPL(gem_reclaim_state_name);

static size_t gr_npages(struct gem_reclaim_object *bo)
{
	return bo->base.size >> PAGE_SHIFT;
}

/**
 * gem_reclaim_object_init() - initialise an embedded reclaimable GEM object
 * @rdev: the reclaim device the BO belongs to
 * @bo: the object, zeroed, with &drm_gem_object.funcs already set
 * @size: size in bytes, a multiple of PAGE_SIZE
 * @flags: GEM_RECLAIM_BO_* flags
 *
 * Creates the shmem backing file (on the huge-page mount for a BO of 2 MiB
 * or more, DOC: Huge pages) but allocates no page: the BO starts
 * %GEM_RECLAIM_UNBACKED. It belongs to the calling process, and its pages
 * will be charged to that process's memory cgroup (DOC: Memory cgroups).
 * The driver's &drm_gem_object_funcs.free must call
 * gem_reclaim_object_fini().
 *
 * Context: process context (may sleep).
 * Returns: 0 on success, -EINVAL on a bad size or flags, -ENOMEM, or the
 * error of shmem_file_setup().
 */
int gem_reclaim_object_init(struct gem_reclaim_device *rdev,
			    struct gem_reclaim_object *bo, size_t size,
			    u32 flags)
{
	unsigned long irqflags;
	int ret;

	if (!size || !PAGE_ALIGNED(size) || (flags & ~GEM_RECLAIM_BO_FLAGS_MASK))
		return -EINVAL;

	ret = gr_gem_object_init(rdev->drm, &bo->base, size);
	if (ret)
		return ret;
	/*
	 * As drm_gem_shmem: the pages are pinned for long stretches, so never
	 * from ZONE_MOVABLE or CMA; and a user-sized BO that does not fit
	 * fails with -ENOMEM rather than calling the OOM killer on someone
	 * else.
	 */
	mapping_set_gfp_mask(bo->base.filp->f_mapping, GEM_RECLAIM_GFP);

	bo->rdev = rdev;
	bo->flags = flags;
	bo->state = GEM_RECLAIM_UNBACKED;
	bo->madv = GEM_RECLAIM_MADV_WILLNEED;
	bo->discardable = flags & GEM_RECLAIM_BO_DISCARD_ON_RECLAIM;
	bo->purged = false;
	mutex_init(&bo->pages_lock);
	atomic_set(&bo->mmap_count, 0);
	atomic_set(&bo->gpu_map_count, 0);
	atomic_set(&bo->reclaim_count, 0);
	atomic_set(&bo->swapin_count, 0);
	bo->id = atomic64_inc_return(&rdev->next_id);
	INIT_LIST_HEAD(&bo->links);
	bo->vm_unlinked = 0;
	atomic64_set(&bo->skip_stamp, 0);
	bo->acct = 0;
	bo->owner_pid = task_tgid_nr(current);
	get_task_comm(bo->owner_comm, current);
	bo->memcg = gr_memcg_of_current();
	bo->memcg_acct = NULL;
	/* Counted under reclaim_lock: register refuses a device with BOs. */
	mutex_lock(&rdev->reclaim_lock);
	ret = gr_account_attach(bo, bo->memcg);
	if (!ret)
		atomic_long_inc(&rdev->bo_count);
	mutex_unlock(&rdev->reclaim_lock);
	if (ret) {
		mem_cgroup_put(bo->memcg);
		mutex_destroy(&bo->pages_lock);
		drm_gem_object_release(&bo->base);
		return ret;
	}

	spin_lock_irqsave(&rdev->lock, irqflags);
	if (gr_bo_discardable(bo)) {
		list_add_tail(&bo->dev_node, &rdev->bos_discard);
		rdev->nr_bos_discard++;
	} else {
		list_add_tail(&bo->dev_node, &rdev->bos);
		rdev->nr_bos++;
	}
	spin_unlock_irqrestore(&rdev->lock, irqflags);
	return 0;
}
EXPORT_SYMBOL_GPL(gem_reclaim_object_init);

/**
 * gem_reclaim_object_set_owner() - give a BO the owner of a VM
 * @bo: the object, without pages yet
 * @vm: the VM whose process and memory cgroup the BO belongs to from now on
 *
 * For a BO created on a process's behalf by a kernel thread (a tiler heap
 * chunk grown by the GPU's worker): the bos file, tgid-scoped shrink
 * requests and the memcg charged for its pages follow @vm's owner. The
 * owner is written under the device lock, which the readers (reclaim's
 * scope check, the bos file) hold.
 *
 * Context: process context (may sleep).
 * Returns: 0, -EBUSY if the BO already has pages (they are charged where
 * they are), or -ENOMEM; the BO is left as it was on error.
 */
int gem_reclaim_object_set_owner(struct gem_reclaim_object *bo,
				 const struct gem_reclaim_vm *vm)
{
	struct gem_reclaim_device *rdev = bo->rdev;
	struct mem_cgroup *old;
	unsigned long irqflags;
	int ret = 0;

	if (gr_bo_uninit(bo))
		return -EINVAL;

	gem_reclaim_object_lock(bo);
	if (bo->pages || bo->state != GEM_RECLAIM_UNBACKED) {
		ret = -EBUSY;
		goto out_unlock;
	}
	mutex_lock(&rdev->reclaim_lock);
	ret = gr_account_attach(bo, vm->memcg);
	mutex_unlock(&rdev->reclaim_lock);
	if (ret)
		goto out_unlock;

	spin_lock_irqsave(&rdev->lock, irqflags);
	old = bo->memcg;
	bo->memcg = gr_memcg_hold(vm->memcg);
	bo->owner_pid = vm->owner_pid;
	strscpy(bo->owner_comm, vm->owner_comm, sizeof(bo->owner_comm));
	spin_unlock_irqrestore(&rdev->lock, irqflags);
	mem_cgroup_put(old);
out_unlock:
	gem_reclaim_object_unlock(bo);
	return ret;
}
EXPORT_SYMBOL_GPL(gem_reclaim_object_set_owner);

/**
 * gem_reclaim_object_fini() - release what gem_reclaim_object_init() set up
 * @bo: the object, no longer mapped on the GPU, the CPU or in the kernel
 *
 * Frees the pages and releases the GEM object; the caller frees the memory
 * of the embedding structure afterwards.
 */
void gem_reclaim_object_fini(struct gem_reclaim_object *bo)
{
	struct gem_reclaim_device *rdev = bo->rdev;
	unsigned long irqflags;

	spin_lock_irqsave(&rdev->lock, irqflags);
	list_del(&bo->dev_node);
	if (gr_bo_discardable(bo))
		rdev->nr_bos_discard--;
	else
		rdev->nr_bos--;
	spin_unlock_irqrestore(&rdev->lock, irqflags);

	/* The driver unmapped the BO from every VM before its last put. */
	drm_WARN_ON(rdev->drm, !list_empty(&bo->links) || bo->vm_unlinked);
	gr_links_release(bo);
	drm_WARN_ON(rdev->drm, bo->vmap_count);
	gr_account_release(bo);
	mem_cgroup_put(bo->memcg);
	bo->memcg = NULL;
	if (bo->vaddr)
		vunmap(bo->vaddr);
	gr_sgt_release_locked(bo);
	if (bo->pages) {
		atomic_long_sub(gr_npages(bo), &rdev->resident_pages);
		if (bo->state == GEM_RECLAIM_PINNED)
			atomic_long_sub(gr_npages(bo), &rdev->pinned_pages);
		drm_gem_put_pages(&bo->base, bo->pages, true, false);
		bo->pages = NULL;
	}
	atomic_long_dec(&rdev->bo_count);
	mutex_destroy(&bo->pages_lock);
	drm_gem_object_release(&bo->base);
}
EXPORT_SYMBOL_GPL(gem_reclaim_object_fini);

static void gr_set_state_locked(struct gem_reclaim_object *bo,
				enum gem_reclaim_state state)
{
	struct gem_reclaim_device *rdev = bo->rdev;

	lockdep_assert_held(&bo->pages_lock);
	if (bo->state == GEM_RECLAIM_PINNED && state != GEM_RECLAIM_PINNED)
		atomic_long_sub(gr_npages(bo), &rdev->pinned_pages);
	else if (bo->state != GEM_RECLAIM_PINNED && state == GEM_RECLAIM_PINNED)
		atomic_long_add(gr_npages(bo), &rdev->pinned_pages);
	bo->state = state;
	gr_account_locked(bo);
}

/* Build and DMA-map bo->sgt from @pages, the BO's pages. */
static int gr_sgt_map_locked(struct gem_reclaim_object *bo, struct page **pages)
{
	struct drm_device *drm = bo->rdev->drm;
	struct sg_table *sgt;
	int ret;

	lockdep_assert_held(&bo->pages_lock);

	sgt = drm_prime_pages_to_sg(drm, pages, gr_npages(bo));
	if (IS_ERR(sgt))
		return PTR_ERR(sgt);
	ret = dma_map_sgtable(drm->dev, sgt, DMA_BIDIRECTIONAL, 0);
	if (ret) {
		sg_free_table(sgt);
		kfree(sgt);
		return ret;
	}
	bo->sgt = sgt;
	return 0;
}

/*
 * A failed allocation leaves the folios it did get in the shmem file.
 * Without content to keep (an unbacked or discarded BO) they would be
 * pages nobody counts or frees: drop them. A swapped-out BO keeps what was
 * read back, which is its content.
 */
static void gr_get_pages_failed(struct gem_reclaim_object *bo, bool swapped)
{
	if (!swapped)
		shmem_truncate_range(file_inode(bo->base.filp), 0, (loff_t)-1);
}

/**
 * gem_reclaim_object_get_pages_locked() - make a BO resident
 * @bo: the object, with its pages lock held
 *
 * Allocates the backing pages if the BO is unbacked, swapped or discarded
 * (a discarded BO gets zeroed pages), unless it was purged
 * (gem_reclaim_object_madvise()): a purged BO never gets pages again. The
 * page array stays valid while the pages lock is held; a caller that keeps
 * using pages after unlocking must be able to take them back through
 * &gem_reclaim_ops.unmap_from_gpu. Every way to new pages goes through
 * here (CPU faults, populate, pin, vmap, the sg tables of GPU mapping and
 * dma-buf export), so each of them fails for a purged BO.
 *
 * The new pages of a %GEM_RECLAIM_BO_WC BO are DMA-mapped for the GPU right
 * away (the sg table of gem_reclaim_object_get_sgt_locked()), which cleans
 * the CPU cache lines their zeroing or swap-in left behind.
 *
 * Returns: the page array, ERR_PTR(-EFAULT) for a purged BO, or an
 * ERR_PTR() on allocation or DMA-mapping failure (the BO is then left as
 * it was).
 */
struct page **gem_reclaim_object_get_pages_locked(struct gem_reclaim_object *bo)
{
	bool swapped = bo->state == GEM_RECLAIM_SWAPPED;
	struct mem_cgroup *old_memcg;
	struct page **pages;
	ktime_t start = 0;
	int ret;

	if (gr_bo_uninit(bo))
		return ERR_PTR(-EINVAL);
	lockdep_assert_held(&bo->pages_lock);

	if (bo->purged)
		return ERR_PTR(-EFAULT);
	if (bo->pages)
		return bo->pages;

	if (swapped)
		start = ktime_get();
	/*
	 * The charging rule (DOC: Memory cgroups): the owner's memcg, whoever
	 * faults, submits or maps. A swap-in is charged where the page was
	 * when it went out, which is the same memcg while it is online.
	 */
	old_memcg = set_active_memcg(gr_memcg_live(bo->memcg));
	pages = drm_gem_get_pages(&bo->base);
	set_active_memcg(old_memcg);
	if (IS_ERR(pages)) {
		gr_get_pages_failed(bo, swapped);
		return pages;
	}
	if (swapped)
		gr_swapin_done(bo, ktime_sub(ktime_get(), start));

	/*
	 * The CPU maps a write-combined BO uncached, but the pages were just
	 * zeroed or read back from swap through the cached kernel mapping:
	 * clean those cache lines now, by DMA-mapping the pages for the GPU,
	 * or their write-back would later overwrite what the CPU and the GPU
	 * wrote. The table stays cached for gem_reclaim_object_get_sgt_locked().
	 */
	if (bo->flags & GEM_RECLAIM_BO_WC) {
		ret = gr_sgt_map_locked(bo, pages);
		if (ret) {
			drm_gem_put_pages(&bo->base, pages, false, false);
			gr_get_pages_failed(bo, swapped);
			return ERR_PTR(ret);
		}
	}

	bo->pages = pages;
	atomic_long_add(gr_npages(bo), &bo->rdev->resident_pages);
	atomic_long_inc(&bo->rdev->populate_count);
	gr_set_state_locked(bo, bo->pin_count ? GEM_RECLAIM_PINNED :
					       GEM_RECLAIM_RESIDENT);
	return pages;
}
EXPORT_SYMBOL_GPL(gem_reclaim_object_get_pages_locked);

/**
 * gem_reclaim_object_get_sgt_locked() - a BO's pages, DMA-mapped for the GPU
 * @bo: the object, with its pages lock held
 *
 * Makes the BO resident (gem_reclaim_object_get_pages_locked()) and returns
 * a scatter-gather table of its pages, DMA-mapped bidirectionally for the
 * DRM device's &drm_device.dev. The table is built on first use and cached
 * in &gem_reclaim_object.sgt until the pages are released (by reclaim or by
 * gem_reclaim_object_fini()), which DMA-unmaps and frees it; the next call
 * after a swap-in or a discard builds a new one. The DMA mapping does the
 * CPU cache maintenance a non-coherent GPU needs after the pages were
 * allocated, zeroed or read back from swap. The caller must not free or
 * unmap the table.
 *
 * The table is valid while the pages lock is held, or while the BO is
 * pinned, or while it is GPU-mapped by a driver whose
 * &gem_reclaim_ops.unmap_from_gpu takes those mappings back before reclaim
 * releases the pages.
 *
 * Returns: the table, or an ERR_PTR() if the pages, the table or the DMA
 * mapping could not be allocated (the BO stays resident, nothing leaks).
 */
struct sg_table *gem_reclaim_object_get_sgt_locked(struct gem_reclaim_object *bo)
{
	struct page **pages;
	int ret;

	if (gr_bo_uninit(bo))
		return ERR_PTR(-EINVAL);
	lockdep_assert_held(&bo->pages_lock);

	pages = gem_reclaim_object_get_pages_locked(bo);
	if (IS_ERR(pages))
		return ERR_CAST(pages);
	if (!bo->sgt) {
		ret = gr_sgt_map_locked(bo, pages);
		if (ret)
			return ERR_PTR(ret);
	}
	return bo->sgt;
}
EXPORT_SYMBOL_GPL(gem_reclaim_object_get_sgt_locked);

/**
 * gr_sgt_release_locked() - DMA-unmap and free a BO's cached sg table
 * @bo: the object, with its pages lock held (or no longer referenced),
 *	about to release its pages
 */
void gr_sgt_release_locked(struct gem_reclaim_object *bo)
{
	struct sg_table *sgt = bo->sgt;

	if (!sgt)
		return;
	dma_unmap_sgtable(bo->rdev->drm->dev, sgt, DMA_BIDIRECTIONAL, 0);
	sg_free_table(sgt);
	kfree(sgt);
	bo->sgt = NULL;
}

/**
 * gem_reclaim_object_populate() - make a BO resident, taking its lock
 * @bo: the object
 *
 * Returns: 0 on success or a negative errno.
 */
int gem_reclaim_object_populate(struct gem_reclaim_object *bo)
{
	struct page **pages;

	if (gr_bo_uninit(bo))
		return -EINVAL;

	gem_reclaim_object_lock(bo);
	pages = gem_reclaim_object_get_pages_locked(bo);
	gem_reclaim_object_unlock(bo);
	return PTR_ERR_OR_ZERO(pages);
}
EXPORT_SYMBOL_GPL(gem_reclaim_object_populate);

static int gr_pin_locked(struct gem_reclaim_object *bo)
{
	struct page **pages;

	lockdep_assert_held(&bo->pages_lock);

	pages = gem_reclaim_object_get_pages_locked(bo);
	if (IS_ERR(pages))
		return PTR_ERR(pages);
	if (bo->pin_count++ == 0)
		gr_set_state_locked(bo, GEM_RECLAIM_PINNED);
	return 0;
}

static void gr_unpin_locked(struct gem_reclaim_object *bo)
{
	lockdep_assert_held(&bo->pages_lock);

	if (drm_WARN_ON(bo->rdev->drm, !bo->pin_count))
		return;
	if (--bo->pin_count == 0)
		gr_set_state_locked(bo, GEM_RECLAIM_RESIDENT);
}

/**
 * gem_reclaim_object_pin() - pin a BO's pages (driver-internal or export)
 * @bo: the object
 *
 * A pinned BO is resident and never reclaimed until the last unpin.
 *
 * Returns: 0 on success or a negative errno.
 */
int gem_reclaim_object_pin(struct gem_reclaim_object *bo)
{
	int ret;

	if (gr_bo_uninit(bo))
		return -EINVAL;

	gem_reclaim_object_lock(bo);
	ret = gr_pin_locked(bo);
	gem_reclaim_object_unlock(bo);
	return ret;
}
EXPORT_SYMBOL_GPL(gem_reclaim_object_pin);

/**
 * gem_reclaim_object_unpin() - drop a pin taken by gem_reclaim_object_pin()
 * @bo: the object
 */
void gem_reclaim_object_unpin(struct gem_reclaim_object *bo)
{
	if (gr_bo_uninit(bo))
		return;

	gem_reclaim_object_lock(bo);
	gr_unpin_locked(bo);
	gem_reclaim_object_unlock(bo);
}
EXPORT_SYMBOL_GPL(gem_reclaim_object_unpin);

/**
 * gem_reclaim_object_vmap() - map a BO in the kernel
 * @bo: the object
 * @map: receives the kernel address
 *
 * The BO stays pinned while mapped; vmaps nest. A %GEM_RECLAIM_BO_WC BO is
 * mapped write-combined.
 *
 * Returns: 0 on success or a negative errno.
 */
int gem_reclaim_object_vmap(struct gem_reclaim_object *bo, struct iosys_map *map)
{
	int ret;

	if (gr_bo_uninit(bo))
		return -EINVAL;

	gem_reclaim_object_lock(bo);
	if (bo->vmap_count) {
		bo->vmap_count++;
		goto out_set;
	}
	ret = gr_pin_locked(bo);
	if (ret)
		goto err_unlock;
	bo->vaddr = vmap(bo->pages, gr_npages(bo), VM_MAP,
			 bo->flags & GEM_RECLAIM_BO_WC ?
			 pgprot_writecombine(PAGE_KERNEL) : PAGE_KERNEL);
	if (!bo->vaddr) {
		ret = -ENOMEM;
		goto err_unpin;
	}
	bo->vmap_count = 1;
out_set:
	iosys_map_set_vaddr(map, bo->vaddr);
	gem_reclaim_object_unlock(bo);
	return 0;

err_unpin:
	gr_unpin_locked(bo);
err_unlock:
	gem_reclaim_object_unlock(bo);
	return ret;
}
EXPORT_SYMBOL_GPL(gem_reclaim_object_vmap);

/**
 * gem_reclaim_object_vunmap() - undo gem_reclaim_object_vmap()
 * @bo: the object
 * @map: the mapping returned by gem_reclaim_object_vmap()
 */
void gem_reclaim_object_vunmap(struct gem_reclaim_object *bo, struct iosys_map *map)
{
	if (gr_bo_uninit(bo))
		return;

	gem_reclaim_object_lock(bo);
	if (drm_WARN_ON(bo->rdev->drm, !bo->vmap_count))
		goto out_unlock;
	if (--bo->vmap_count == 0) {
		vunmap(bo->vaddr);
		bo->vaddr = NULL;
		gr_unpin_locked(bo);
	}
out_unlock:
	gem_reclaim_object_unlock(bo);
	iosys_map_clear(map);
}
EXPORT_SYMBOL_GPL(gem_reclaim_object_vunmap);

/**
 * gem_reclaim_object_gpu_mapped() - account GPU mappings of a BO
 * @bo: the object, with its pages lock held
 * @vm: the VM the ranges are (un)mapped in
 * @delta: change in the number of mappings of the BO in @vm: positive on
 *	map, negative on unmap
 *
 * Keeps the BO's links to its VMs (&gem_reclaim_object.links), from which
 * reclaim decides whether the BO is idle and orders its victims; the first
 * mapping in a VM allocates its link (GFP_KERNEL). The unit
 * is the driver's, as long as it is balanced: the BO counts as mapped in
 * @vm while the sum is positive. gpusim counts VA ranges; panthor counts
 * one per &drm_gpuvm_bo, because its VA ranges change in the dma-fence
 * signalling path where the pages lock can't be taken. The bos file and
 * &gem_reclaim_object.gpu_map_count show that sum.
 *
 * Context: process context (may sleep); the pages lock held.
 */
void gem_reclaim_object_gpu_mapped(struct gem_reclaim_object *bo,
				   struct gem_reclaim_vm *vm, int delta)
{
	int v;

	if (gr_bo_uninit(bo))
		return;

	v = atomic_add_return(delta, &bo->gpu_map_count);
	lockdep_assert_held(&bo->pages_lock);
	if (delta > 0)
		might_sleep();
	drm_WARN_ON_ONCE(bo->rdev->drm, v < 0);
	if (delta)
		gr_link_update_locked(bo, vm, delta);
	gr_account_locked(bo);
}
EXPORT_SYMBOL_GPL(gem_reclaim_object_gpu_mapped);

/**
 * gem_reclaim_object_state() - current reclaim state of a BO
 * @bo: the object
 *
 * Returns: the state; a snapshot unless the caller holds the pages lock.
 */
enum gem_reclaim_state gem_reclaim_object_state(struct gem_reclaim_object *bo)
{
	return READ_ONCE(bo->state);
}
EXPORT_SYMBOL_GPL(gem_reclaim_object_state);

/**
 * gem_reclaim_object_query() - snapshot of a BO's reclaim information
 * @bo: the object
 * @info: filled in
 *
 * Reading clears the content-lost flag, so each loss is reported once.
 */
void gem_reclaim_object_query(struct gem_reclaim_object *bo,
			      struct gem_reclaim_bo_info *info)
{
	if (gr_bo_uninit(bo)) {
		memset(info, 0, sizeof(*info));
		return;
	}

	gem_reclaim_object_lock(bo);
	info->state = bo->state;
	info->resident_bytes = bo->pages ? bo->base.size : 0;
	info->content_lost = bo->content_lost;
	bo->content_lost = false;
	info->pin_count = bo->pin_count;
	info->madv = bo->madv;
	info->purged = bo->purged;
	gem_reclaim_object_unlock(bo);
	info->mmap_count = atomic_read(&bo->mmap_count);
	info->gpu_map_count = atomic_read(&bo->gpu_map_count);
}
EXPORT_SYMBOL_GPL(gem_reclaim_object_query);

/* Set the discard mode and move the BO to the list that goes with it. */
static void gr_set_madv_locked(struct gem_reclaim_object *bo,
			       enum gem_reclaim_madv madv)
{
	struct gem_reclaim_device *rdev = bo->rdev;
	bool discardable = madv == GEM_RECLAIM_MADV_DONTNEED;
	unsigned long irqflags;

	lockdep_assert_held(&bo->pages_lock);
	if (bo->madv == madv)
		return;
	spin_lock_irqsave(&rdev->lock, irqflags);
	bo->madv = madv;
	if (discardable != bo->discardable) {
		WRITE_ONCE(bo->discardable, discardable);
		if (discardable) {
			list_move_tail(&bo->dev_node, &rdev->bos_discard);
			rdev->nr_bos--;
			rdev->nr_bos_discard++;
		} else {
			list_move_tail(&bo->dev_node, &rdev->bos);
			rdev->nr_bos_discard--;
			rdev->nr_bos++;
		}
	}
	spin_unlock_irqrestore(&rdev->lock, irqflags);
	/* Its pages move between the discardable and the swap classes. */
	gr_account_locked(bo);
}

/**
 * gem_reclaim_object_madvise() - say whether a BO's content is still needed
 * @bo: the object, created without %GEM_RECLAIM_BO_DISCARD_ON_RECLAIM
 * @madv: %GEM_RECLAIM_MADV_DONTNEED: reclaim may drop the pages instead
 *	of swapping them out; %GEM_RECLAIM_MADV_WILLNEED: the content is
 *	needed again
 *
 * panfrost's and msm's MADVISE. A DONTNEED BO keeps its pages and stays
 * usable until reclaim takes it, which it does as it takes
 * discard-on-reclaim BOs (the ``discard`` policy, or ``idle-vm-first``):
 * only while no VM of the BO is active and the BO is not pinned or
 * vmapped. Then the pages are dropped and the shmem file truncated, the
 * state becomes %GEM_RECLAIM_DISCARDED and the BO is purged for good
 * (gem_reclaim_object_purged()): it never gets pages again, so every
 * later CPU fault gets SIGBUS, and pin, vmap, populate, sg tables and GPU
 * mapping fail with -EFAULT. WILLNEED before that makes the BO an ordinary
 * one again (swapped out, content preserved); WILLNEED after it changes
 * nothing and returns 0.
 *
 * A BO exported as a dma-buf (its importers and the dma-buf's CPU mappings
 * would see it vanish) cannot be made DONTNEED, and a DONTNEED BO cannot
 * be exported (gem_reclaim_gem_prime_export()); both checks run under the
 * pages lock, so an export and a DONTNEED never both succeed. A driver
 * whose export does not go through gem_reclaim_gem_prime_export() is
 * checked through &drm_gem_object.dma_buf only, which the DRM core sets
 * after the export.
 *
 * Context: process context (takes the BO's pages lock, then the device
 * lock).
 * Returns: 1 if the content is retained (the BO was never purged), 0 if it
 * was purged, -EINVAL for a bad @madv, a BO created
 * %GEM_RECLAIM_BO_DISCARD_ON_RECLAIM, or DONTNEED asked for a BO that is
 * exported (or imported).
 */
int gem_reclaim_object_madvise(struct gem_reclaim_object *bo,
			       enum gem_reclaim_madv madv)
{
	struct drm_gem_object *obj = &bo->base;
	int ret = 1;

	if (gr_bo_uninit(bo))
		return -EINVAL;
	if (madv != GEM_RECLAIM_MADV_WILLNEED && madv != GEM_RECLAIM_MADV_DONTNEED)
		return -EINVAL;
	if (bo->flags & GEM_RECLAIM_BO_DISCARD_ON_RECLAIM)
		return -EINVAL;

	gem_reclaim_object_lock(bo);
	if (bo->purged) {
		ret = 0;
		goto out_unlock;
	}
	if (madv == GEM_RECLAIM_MADV_DONTNEED &&
	    (bo->exported || READ_ONCE(obj->dma_buf) || obj->import_attach)) {
		ret = -EINVAL;
		goto out_unlock;
	}
	gr_set_madv_locked(bo, madv);
out_unlock:
	gem_reclaim_object_unlock(bo);
	return ret;
}
EXPORT_SYMBOL_GPL(gem_reclaim_object_madvise);

/**
 * gem_reclaim_object_purged() - whether reclaim purged a DONTNEED BO
 * @bo: the object
 *
 * Once true, it stays true (see gem_reclaim_object_madvise()).
 *
 * Returns: true if the BO's pages were dropped while it was DONTNEED; a
 * snapshot unless the caller holds the pages lock.
 */
bool gem_reclaim_object_purged(struct gem_reclaim_object *bo)
{
	return READ_ONCE(bo->purged);
}
EXPORT_SYMBOL_GPL(gem_reclaim_object_purged);

/*
 * Bring a BO back with the mmap lock dropped (the fault is then retried),
 * so that a whole-BO swap-in does not hold up mmap, munmap and other
 * faults of the process. A failure is left to the retried fault, which
 * allocates with the lock held and reports it.
 */
static vm_fault_t gr_fault_populate_unlocked(struct vm_fault *vmf,
					     struct gem_reclaim_object *bo)
{
	drm_gem_object_get(&bo->base);
	release_fault_lock(vmf);
	gr_restore_ahead_fault(bo);
	gem_reclaim_object_populate(bo);
	drm_gem_object_put(&bo->base);
	return VM_FAULT_RETRY;
}

static vm_fault_t gr_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct drm_gem_object *obj = vma->vm_private_data;
	struct gem_reclaim_object *bo = to_gem_reclaim_object(obj);
	struct page **pages;
	pgoff_t pgoff;
	vm_fault_t ret;

	/* vmf->pgoff carries the fake mmap offset of the GEM object. */
	pgoff = vmf->pgoff - drm_vma_node_start(&obj->vma_node);
	if (pgoff >= gr_npages(bo))
		return VM_FAULT_SIGBUS;

	gem_reclaim_object_lock(bo);
	/* Purged: no page, ever (gem_reclaim_object_madvise()). */
	if (bo->purged) {
		gem_reclaim_object_unlock(bo);
		return VM_FAULT_SIGBUS;
	}
	if (!bo->pages && fault_flag_allow_retry_first(vmf->flags) &&
	    !(vmf->flags & FAULT_FLAG_RETRY_NOWAIT)) {
		gem_reclaim_object_unlock(bo);
		return gr_fault_populate_unlocked(vmf, bo);
	}
	pages = gem_reclaim_object_get_pages_locked(bo);
	/*
	 * Never VM_FAULT_OOM: the allocation already tried reclaim and
	 * failed (__GFP_RETRY_MAYFAIL), and VM_FAULT_OOM would only make the
	 * task retry the fault for ever.
	 */
	if (IS_ERR(pages))
		ret = VM_FAULT_SIGBUS;
	else
		ret = vmf_insert_pfn(vma, vmf->address, page_to_pfn(pages[pgoff]));
	gem_reclaim_object_unlock(bo);
	return ret;
}

static void gr_vm_open(struct vm_area_struct *vma)
{
	struct gem_reclaim_object *bo = to_gem_reclaim_object(vma->vm_private_data);

	atomic_inc(&bo->mmap_count);
	drm_gem_vm_open(vma);
}

static void gr_vm_close(struct vm_area_struct *vma)
{
	struct gem_reclaim_object *bo = to_gem_reclaim_object(vma->vm_private_data);

	atomic_dec(&bo->mmap_count);
	drm_gem_vm_close(vma);
}

/*
 * Pages are inserted one by one with vmf_insert_pfn(), so reclaim can zap
 * them all with drm_vma_node_unmap() and the next access faults them back.
 */
const struct vm_operations_struct gem_reclaim_vm_ops = {
	.fault = gr_fault,
	.open = gr_vm_open,
	.close = gr_vm_close,
};
EXPORT_SYMBOL_GPL(gem_reclaim_vm_ops);

/**
 * gem_reclaim_object_mmap() - &drm_gem_object_funcs.mmap for reclaim BOs
 * @obj: the GEM object
 * @vma: the new CPU mapping
 *
 * No page is allocated here; the fault handler does it on first access.
 * The driver sets &drm_gem_object_funcs.vm_ops to &gem_reclaim_vm_ops.
 * A %GEM_RECLAIM_BO_WC BO is mapped write-combined.
 *
 * Returns: 0, -EPERM for a %GEM_RECLAIM_BO_NO_MMAP BO, -EINVAL for a
 * private (copy-on-write) mapping.
 */
int gem_reclaim_object_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	struct gem_reclaim_object *bo = to_gem_reclaim_object(obj);

	if (bo->flags & GEM_RECLAIM_BO_NO_MMAP)
		return -EPERM;
	if (is_cow_mapping(vma->vm_flags))
		return -EINVAL;
	/*
	 * Reclaim zaps the BO's fake-offset range of the DRM device's
	 * address_space, and nothing else: refuse a mapping whose PTEs would
	 * be elsewhere (a dma-buf file with an address_space of its own, or
	 * a BO exported without gem_reclaim_gem_prime_export(), which has no
	 * offset yet).
	 */
	if (drm_WARN_ON_ONCE(obj->dev,
			     vma->vm_file->f_mapping != obj->dev->anon_inode->i_mapping ||
			     !drm_mm_node_allocated(&obj->vma_node.vm_node)))
		return -ENODEV;

	vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	if (bo->flags & GEM_RECLAIM_BO_WC)
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	/* vm_open() is not called for the first VMA; count it here. */
	atomic_inc(&bo->mmap_count);
	return 0;
}
EXPORT_SYMBOL_GPL(gem_reclaim_object_mmap);

/**
 * gem_reclaim_gem_pin() - &drm_gem_object_funcs.pin (dma-buf export)
 * @obj: the GEM object
 *
 * Returns: 0 on success or a negative errno.
 */
int gem_reclaim_gem_pin(struct drm_gem_object *obj)
{
	return gem_reclaim_object_pin(to_gem_reclaim_object(obj));
}
EXPORT_SYMBOL_GPL(gem_reclaim_gem_pin);

/**
 * gem_reclaim_gem_prime_export() - &drm_gem_object_funcs.export
 * @obj: the GEM object
 * @flags: flags of the new dma-buf's file
 *
 * drm_gem_prime_export(), after creating the BO's fake mmap offset. A
 * CPU mapping of the dma-buf file (drm_gem_prime_mmap()) lives in the DRM
 * device's address_space at that offset, as DRM-fd mappings do
 * (drm_gem_dmabuf_export() shares it), so reclaim zaps it with them; but
 * without an offset it would lie outside the range reclaim zaps, and a
 * later offset would make it fault at the wrong page. Exported BOs stay
 * reclaimable: importers pin them while attached. A driver with its own
 * export checks calls this instead of drm_gem_prime_export().
 *
 * A BO madvised %GEM_RECLAIM_MADV_DONTNEED, or purged, is not exported:
 * importers would see its pages vanish. The check and the mark
 * (&gem_reclaim_object.exported, which makes a later DONTNEED fail) are
 * made under the BO's pages lock, as gem_reclaim_object_madvise() makes
 * its own; the export itself runs after it, outside the lock (dma-buf
 * export takes locks the pages lock must not nest around). A failed
 * export clears the mark again, unless the BO has a dma-buf already.
 *
 * Returns: the dma-buf, ERR_PTR(-EINVAL) for a DONTNEED or purged BO, or
 * another ERR_PTR().
 */
struct dma_buf *gem_reclaim_gem_prime_export(struct drm_gem_object *obj, int flags)
{
	struct gem_reclaim_object *bo = to_gem_reclaim_object(obj);
	struct dma_buf *dmabuf;
	bool was_exported;
	int ret;

	gem_reclaim_object_lock(bo);
	if (bo->madv != GEM_RECLAIM_MADV_WILLNEED || bo->purged) {
		gem_reclaim_object_unlock(bo);
		return ERR_PTR(-EINVAL);
	}
	was_exported = bo->exported;
	WRITE_ONCE(bo->exported, true);
	gem_reclaim_object_unlock(bo);

	ret = drm_gem_create_mmap_offset(obj);
	if (ret) {
		dmabuf = ERR_PTR(ret);
		goto err_unmark;
	}
	dmabuf = drm_gem_prime_export(obj, flags);
	if (IS_ERR(dmabuf))
		goto err_unmark;
	return dmabuf;

err_unmark:
	if (!was_exported) {
		gem_reclaim_object_lock(bo);
		if (!READ_ONCE(obj->dma_buf))
			WRITE_ONCE(bo->exported, false);
		gem_reclaim_object_unlock(bo);
	}
	return dmabuf;
}
EXPORT_SYMBOL_GPL(gem_reclaim_gem_prime_export);

/**
 * gem_reclaim_gem_unpin() - &drm_gem_object_funcs.unpin
 * @obj: the GEM object
 */
void gem_reclaim_gem_unpin(struct drm_gem_object *obj)
{
	gem_reclaim_object_unpin(to_gem_reclaim_object(obj));
}
EXPORT_SYMBOL_GPL(gem_reclaim_gem_unpin);

/**
 * gem_reclaim_gem_vmap() - &drm_gem_object_funcs.vmap
 * @obj: the GEM object
 * @map: receives the kernel address
 *
 * Returns: 0 on success or a negative errno.
 */
int gem_reclaim_gem_vmap(struct drm_gem_object *obj, struct iosys_map *map)
{
	return gem_reclaim_object_vmap(to_gem_reclaim_object(obj), map);
}
EXPORT_SYMBOL_GPL(gem_reclaim_gem_vmap);

/**
 * gem_reclaim_gem_vunmap() - &drm_gem_object_funcs.vunmap
 * @obj: the GEM object
 * @map: the mapping to undo
 */
void gem_reclaim_gem_vunmap(struct drm_gem_object *obj, struct iosys_map *map)
{
	gem_reclaim_object_vunmap(to_gem_reclaim_object(obj), map);
}
EXPORT_SYMBOL_GPL(gem_reclaim_gem_vunmap);

/**
 * gem_reclaim_gem_status() - &drm_gem_object_funcs.status, for fdinfo
 * @obj: the object
 *
 * Called by drm_show_memory_stats() under the file's table spinlock, so it
 * reads the state without the pages lock: a snapshot.
 *
 * Returns: %DRM_GEM_OBJECT_RESIDENT while the BO has pages, plus
 * %DRM_GEM_OBJECT_PURGEABLE for a discardable BO (created
 * discard-on-reclaim, or madvised DONTNEED and not purged yet) reclaim may
 * take (resident and not pinned).
 */
enum drm_gem_object_status gem_reclaim_gem_status(struct drm_gem_object *obj)
{
	struct gem_reclaim_object *bo = to_gem_reclaim_object(obj);
	enum drm_gem_object_status status = 0;

	if (READ_ONCE(bo->pages))
		status |= DRM_GEM_OBJECT_RESIDENT;
	if (gr_bo_discardable(bo) &&
	    READ_ONCE(bo->state) == GEM_RECLAIM_RESIDENT)
		status |= DRM_GEM_OBJECT_PURGEABLE;
	return status;
}
EXPORT_SYMBOL_GPL(gem_reclaim_gem_status);

/**
 * gem_reclaim_gem_rss() - &drm_gem_object_funcs.rss, for fdinfo
 * @obj: the object
 *
 * Returns: the bytes backed by pages now (the BO's size, or 0); a snapshot.
 */
size_t gem_reclaim_gem_rss(struct drm_gem_object *obj)
{
	return READ_ONCE(to_gem_reclaim_object(obj)->pages) ? obj->size : 0;
}
EXPORT_SYMBOL_GPL(gem_reclaim_gem_rss);

/**
 * gem_reclaim_show_memory_stats() - fdinfo memory keys of a DRM file
 * @p: the printer (&drm_driver.show_fdinfo's)
 * @file: the DRM file
 *
 * Prints the standard keys of Documentation/gpu/drm-usage-stats.rst for
 * region ``memory`` (drm_show_memory_stats(), with gem_reclaim_gem_status()
 * and gem_reclaim_gem_rss() as the objects' callbacks): drm-total-memory
 * counts every BO of the file, drm-resident-memory those with pages,
 * drm-purgeable-memory the discardable ones (discard-on-reclaim, or
 * madvised DONTNEED) reclaim may take. Then
 * a ``swap`` region for the BOs swapped out by reclaim: drm-total-swap
 * (and drm-shared-swap, drm-active-swap, always 0), so that a tool sees
 * where the non-resident part of drm-total-memory is; unbacked and
 * discarded BOs are in neither. Objects of the file that are not
 * gem_reclaim objects (imports from another driver) count only in region
 * ``memory``, as their driver's callbacks say.
 */
void gem_reclaim_show_memory_stats(struct drm_printer *p, struct drm_file *file)
{
	struct drm_memory_stats swap = {};
	struct drm_gem_object *obj;
	int id;

	drm_show_memory_stats(p, file);

	spin_lock(&file->table_lock);
	idr_for_each_entry(&file->object_idr, obj, id) {
		if (!obj->funcs || obj->funcs->status != gem_reclaim_gem_status ||
		    READ_ONCE(to_gem_reclaim_object(obj)->state) !=
		    GEM_RECLAIM_SWAPPED)
			continue;
		if (drm_gem_object_is_shared_for_memory_stats(obj))
			swap.shared += obj->size;
		else
			swap.private += obj->size;
	}
	spin_unlock(&file->table_lock);
	drm_print_memory_stats(p, &swap, 0, "swap");
}
EXPORT_SYMBOL_GPL(gem_reclaim_show_memory_stats);

/**
 * gem_reclaim_gem_get_sg_table() - &drm_gem_object_funcs.get_sg_table
 * @obj: the GEM object, pinned by the caller (dma-buf attach pins it)
 *
 * Returns: a new scatter-gather table of the BO's pages, or an ERR_PTR().
 */
struct sg_table *gem_reclaim_gem_get_sg_table(struct drm_gem_object *obj)
{
	struct gem_reclaim_object *bo = to_gem_reclaim_object(obj);
	struct sg_table *sgt;
	struct page **pages;

	gem_reclaim_object_lock(bo);
	pages = gem_reclaim_object_get_pages_locked(bo);
	if (IS_ERR(pages))
		sgt = ERR_CAST(pages);
	else
		sgt = drm_prime_pages_to_sg(obj->dev, pages, gr_npages(bo));
	gem_reclaim_object_unlock(bo);
	return sgt;
}
EXPORT_SYMBOL_GPL(gem_reclaim_gem_get_sg_table);
