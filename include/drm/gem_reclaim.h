/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gem_reclaim: GEM buffer objects for unified-memory (UMA) GPU drivers, with
 * per-VM activity tracking so that the memory can be reclaimed under
 * pressure.
 *
 * A driver embeds &struct gem_reclaim_object in its buffer object instead of
 * &struct drm_gem_shmem_object, embeds &struct gem_reclaim_vm in its GPU VM
 * and &struct gem_reclaim_device in its device, and supplies the callbacks
 * of &struct gem_reclaim_ops. See kernel/reclaim/gr_object.c for the
 * locking rules.
 */
#ifndef __DRM_GEM_RECLAIM_H__
#define __DRM_GEM_RECLAIM_H__

#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <drm/drm_gem.h>

struct dma_buf;
struct drm_file;
struct drm_gpuvm;
struct drm_printer;
struct iosys_map;
struct mem_cgroup;
struct sg_table;
struct gem_reclaim_object;
struct gem_reclaim_vm;
struct gr_memcg_acct;
struct gr_reclaim;

/**
 * enum gem_reclaim_state - what backs a BO's memory right now
 * @GEM_RECLAIM_UNBACKED: no page was ever allocated (lazy allocation)
 * @GEM_RECLAIM_RESIDENT: all pages allocated and reclaimable
 * @GEM_RECLAIM_PINNED: pages allocated and pinned (vmap, driver pin, export);
 *	never reclaimed in this state
 * @GEM_RECLAIM_SWAPPED: pages handed back to shmem, content preserved
 * @GEM_RECLAIM_DISCARDED: pages dropped, content lost; the next use gets
 *	zeroed pages
 * @GEM_RECLAIM_STATE_COUNT: number of states
 */
enum gem_reclaim_state {
	GEM_RECLAIM_UNBACKED,
	GEM_RECLAIM_RESIDENT,
	GEM_RECLAIM_PINNED,
	GEM_RECLAIM_SWAPPED,
	GEM_RECLAIM_DISCARDED,
	GEM_RECLAIM_STATE_COUNT,
};

/**
 * enum gem_reclaim_madv - what the driver's userspace said about a BO's
 * content (gem_reclaim_object_madvise(), panfrost's and msm's MADVISE)
 * @GEM_RECLAIM_MADV_WILLNEED: the content is needed: reclaim swaps the BO
 *	out and back, content preserved (the initial state)
 * @GEM_RECLAIM_MADV_DONTNEED: the content may be thrown away: reclaim
 *	drops the pages of the BO once it is idle (state
 *	%GEM_RECLAIM_DISCARDED) and marks it purged, for good
 */
enum gem_reclaim_madv {
	GEM_RECLAIM_MADV_WILLNEED = 0,
	GEM_RECLAIM_MADV_DONTNEED = 1,
};

/* BO flags, given to gem_reclaim_object_init(). */
/* the BO may not be mapped by the CPU */
#define GEM_RECLAIM_BO_NO_MMAP			BIT(0)
/*
 * Content may be dropped, not swapped, for the BO's whole life; the next
 * use gets zeroed pages (gem_reclaim_object_query() reports the loss once).
 * Such a BO takes no gem_reclaim_object_madvise(): for a BO whose content
 * userspace declares disposable at run time, and which must never come
 * back silently zeroed, use that instead.
 */
#define GEM_RECLAIM_BO_DISCARD_ON_RECLAIM	BIT(1)
/*
 * CPU mappings are write-combined, for a GPU that does not snoop CPU caches
 * (panthor's map_wc BOs): gem_reclaim_object_mmap() maps the BO with
 * pgprot_writecombine() and the kernel vmap uses
 * pgprot_writecombine(PAGE_KERNEL). Whenever the core allocates its pages
 * (first use, swap-in, after a discard) it DMA-maps them for the GPU, which
 * cleans the CPU cache lines left by zeroing or swap-in, so that neither the
 * uncached CPU mappings nor a non-coherent GPU see stale data.
 */
#define GEM_RECLAIM_BO_WC			BIT(2)
#define GEM_RECLAIM_BO_FLAGS_MASK \
	(GEM_RECLAIM_BO_NO_MMAP | GEM_RECLAIM_BO_DISCARD_ON_RECLAIM | \
	 GEM_RECLAIM_BO_WC)

/*
 * Allocation mask of every BO's shmem mapping, drm_gem_shmem's: never
 * movable (the pages stay pinned for long), never the OOM killer for a
 * user-sized request.
 */
#define GEM_RECLAIM_GFP	(GFP_HIGHUSER | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

/**
 * struct gem_reclaim_ops - callbacks a driver supplies
 *
 * The callback is called with the BO's pages lock held
 * (gem_reclaim_object_lock()). It may take the driver's GPU page-table
 * locks, which therefore nest inside the BO pages lock. The driver maps an
 * evicted BO back itself, from its submit path (drm_gpuvm_validate()).
 */
struct gem_reclaim_ops {
	/**
	 * @unmap_from_gpu: tear down every GPU mapping of @bo in every VM, so
	 * that its pages can be released, and arrange for the driver to map
	 * them again before the BO's next GPU use (drm_gpuvm_bo_evict(), then
	 * drm_gpuvm_validate() in the submit path). Called in reclaim
	 * context, before the core drops the pages of a GPU-mapped BO: it may
	 * only trylock (never wait for a lock the submit path holds, never
	 * wait for a fence), and must refuse if a VM of @bo is active, under
	 * a lock that orders it against the submit path marking the VM
	 * active and validating.
	 *
	 * Returns: 0 on success, -EAGAIN if a VM of @bo is active, -EBUSY
	 * if a lock could not be taken (the core then skips the BO, counting
	 * it as skipped_active or skipped_trylock).
	 */
	int (*unmap_from_gpu)(struct gem_reclaim_object *bo);
};

/**
 * struct gem_reclaim_device - per-device state of the reclaim core
 *
 * Embedded in (or registered by) the driver's device, initialised with
 * gem_reclaim_device_init().
 */
struct gem_reclaim_device {
	/** @drm: the DRM device this belongs to */
	struct drm_device *drm;
	/** @ops: the driver's callbacks */
	const struct gem_reclaim_ops *ops;

	/**
	 * @lock: protects @bos, @vms_active, @vms_idle and, for every VM of
	 * this device, &gem_reclaim_vm.active_jobs, &gem_reclaim_vm.idle_since
	 * and &gem_reclaim_vm.lru_node; with the BO's pages lock (taken
	 * first), a BO's &gem_reclaim_object.madv and
	 * &gem_reclaim_object.discardable, which decide its list. A spinlock taken with interrupts
	 * disabled, because job completion may run from a fence callback.
	 * Innermost lock: nothing else is taken while it is held.
	 */
	spinlock_t lock;
	/**
	 * @bos: the BOs of the device that are not discardable, through
	 * &gem_reclaim_object.dev_node, least recently scanned first
	 */
	struct list_head bos;
	/**
	 * @bos_discard: the discardable BOs (created discard-on-reclaim, or
	 * madvised %GEM_RECLAIM_MADV_DONTNEED: &gem_reclaim_object.discardable),
	 * likewise; gem_reclaim_object_madvise() moves a BO between the two
	 * lists
	 */
	struct list_head bos_discard;
	/** @nr_bos: entries of @bos, under @lock */
	unsigned int nr_bos;
	/** @nr_bos_discard: entries of @bos_discard, under @lock */
	unsigned int nr_bos_discard;
	/** @nr_links: BO-VM links of all BOs (&struct gem_reclaim_link), under @lock */
	unsigned int nr_links;
	/** @vms_active: VMs with queued or running work */
	struct list_head vms_active;
	/**
	 * @vms_idle: idle VMs, longest idle first (a VM moves to the tail
	 * when its last job completes)
	 */
	struct list_head vms_idle;

	/** @bo_count: number of BOs */
	atomic_long_t bo_count;
	/** @vm_count: number of VMs */
	atomic_long_t vm_count;
	/** @resident_pages: pages currently allocated for BOs */
	atomic_long_t resident_pages;
	/** @pinned_pages: pages of BOs in %GEM_RECLAIM_PINNED state */
	atomic_long_t pinned_pages;
	/** @populate_count: number of times a BO's pages were allocated */
	atomic_long_t populate_count;
	/** @next_id: last BO or VM id handed out (bos and vms files) */
	atomic64_t next_id;
	/**
	 * @reclaim: the shrinker, control plane and reclaim counters, from
	 * gem_reclaim_device_register() to gem_reclaim_device_unregister();
	 * NULL before and after, while BOs may still exist. Core-private, RCU:
	 * BO paths read it under rcu_read_lock() (see DOC: Locking in
	 * gr_object.c).
	 */
	struct gr_reclaim __rcu *reclaim;
	/**
	 * @reclaim_lock: serialises writers of @reclaim with BOs joining the
	 * per-memcg accounting it holds (gem_reclaim_object_init(),
	 * gem_reclaim_object_set_owner()), which allocates
	 */
	struct mutex reclaim_lock;
};

/**
 * struct gem_reclaim_link - a BO mapped in a VM, as the reclaim core sees it
 *
 * One per (BO, VM) pair with mappings, allocated by
 * gem_reclaim_object_gpu_mapped() and freed when the BO's last mapping in
 * the VM goes. Written with both the BO's pages lock and
 * &gem_reclaim_device.lock held, so either lock is enough to read it.
 */
struct gem_reclaim_link {
	/** @bo: the BO holding this link */
	struct gem_reclaim_object *bo;
	/** @vm: the VM */
	struct gem_reclaim_vm *vm;
	/** @ranges: mappings of @bo in @vm, in the driver's unit */
	unsigned int ranges;
	/** @bo_node: link in &gem_reclaim_object.links */
	struct list_head bo_node;
	/** @vm_node: link in &gem_reclaim_vm.bos */
	struct list_head vm_node;
};

/**
 * struct gem_reclaim_object - a GEM object for UMA drivers
 *
 * Backed by shmem; pages are allocated on first use (CPU fault, GPU map,
 * vmap, pin), never at creation.
 */
struct gem_reclaim_object {
	/** @base: the GEM object; its size is the BO size */
	struct drm_gem_object base;
	/** @rdev: the device this BO belongs to */
	struct gem_reclaim_device *rdev;

	/**
	 * @pages_lock: protects @pages, @sgt, @state, @pin_count,
	 * @vmap_count, @vaddr and @content_lost. Taken by the CPU fault
	 * handler, by vmap, pin and GPU map. Reclaim may only trylock it.
	 */
	struct mutex pages_lock;
	/** @pages: the backing pages, NULL while unbacked */
	struct page **pages;
	/**
	 * @sgt: @pages DMA-mapped for &drm_device.dev, built by
	 * gem_reclaim_object_get_sgt_locked() and freed (DMA-unmapped)
	 * whenever @pages is released; NULL until then. Under @pages_lock.
	 */
	struct sg_table *sgt;
	/** @state: reclaim state, see &enum gem_reclaim_state */
	enum gem_reclaim_state state;
	/** @pin_count: pins, including one per vmap */
	unsigned int pin_count;
	/** @vmap_count: vmap users of @vaddr */
	unsigned int vmap_count;
	/** @vaddr: kernel mapping while @vmap_count > 0 */
	void *vaddr;
	/** @content_lost: pages were discarded since the last query */
	bool content_lost;
	/**
	 * @exported: exported as a dma-buf once (gem_reclaim_gem_prime_export());
	 * shown in the bos file. Set under @pages_lock before the export, so
	 * that it and gem_reclaim_object_madvise() exclude each other.
	 */
	bool exported;
	/**
	 * @madv: the last gem_reclaim_object_madvise() that changed it,
	 * &enum gem_reclaim_madv. Written with @pages_lock and
	 * &gem_reclaim_device.lock held, so either lock gives a stable value.
	 */
	u8 madv;
	/**
	 * @discardable: reclaim drops the pages instead of swapping them out:
	 * the BO was created %GEM_RECLAIM_BO_DISCARD_ON_RECLAIM, or @madv is
	 * %GEM_RECLAIM_MADV_DONTNEED. It also says which of
	 * &gem_reclaim_device.bos and &gem_reclaim_device.bos_discard the BO
	 * is on. Written with both @pages_lock and &gem_reclaim_device.lock
	 * held; core code reads it through gr_bo_discardable().
	 */
	bool discardable;
	/**
	 * @purged: reclaim dropped the pages while @madv was
	 * %GEM_RECLAIM_MADV_DONTNEED. Final: the BO never gets pages again.
	 * Written under @pages_lock; gem_reclaim_object_purged() reads a
	 * snapshot.
	 */
	bool purged;

	/** @flags: GEM_RECLAIM_BO_* */
	u32 flags;
	/** @mmap_count: number of CPU VMAs mapping the BO (fork included) */
	atomic_t mmap_count;
	/**
	 * @gpu_map_count: GPU mappings of the BO, in the driver's unit (see
	 * gem_reclaim_object_gpu_mapped())
	 */
	atomic_t gpu_map_count;
	/** @reclaim_count: number of times the pages were reclaimed */
	atomic_t reclaim_count;
	/** @swapin_count: number of times swapped-out pages were restored */
	atomic_t swapin_count;
	/** @id: device-unique id, shown in the bos file */
	u64 id;
	/**
	 * @links: the &struct gem_reclaim_link of each VM the BO is mapped
	 * in, through &gem_reclaim_link.bo_node
	 */
	struct list_head links;
	/**
	 * @vm_unlinked: mappings in VMs for which no link could be allocated
	 * (-ENOMEM); while not zero the core cannot tell the BO's VMs apart,
	 * leaves the idleness check to &gem_reclaim_ops.unmap_from_gpu and
	 * shows the BO as shared. Same locking as @links.
	 */
	unsigned int vm_unlinked;
	/**
	 * @skip_stamp: the reclaim pass, and the policies in it, that last
	 * counted the BO as skipped, so that a skip counts once per policy
	 * and pass (core-private)
	 */
	atomic64_t skip_stamp;
	/**
	 * @acct: reclaim counters the BO's pages are accounted in (private to
	 * the core), under @pages_lock
	 */
	u32 acct;

	/** @dev_node: link in &gem_reclaim_device.bos, under its lock */
	struct list_head dev_node;
	/**
	 * @owner_pid: tgid of the process that created the BO (or
	 * gem_reclaim_object_set_owner()); written under
	 * &gem_reclaim_device.lock once the BO is listed
	 */
	pid_t owner_pid;
	/** @owner_comm: command name of that process, likewise */
	char owner_comm[TASK_COMM_LEN];
	/**
	 * @memcg: the memory cgroup the BO's pages are charged to, that of the
	 * owner (see DOC: Memory cgroups in gr_memcg.c), referenced; NULL
	 * without memory cgroups. Changes only in
	 * gem_reclaim_object_set_owner(), before the BO has pages.
	 */
	struct mem_cgroup *memcg;
	/**
	 * @memcg_acct: the device's record of @memcg (core-private), while the
	 * device is registered
	 */
	struct gr_memcg_acct *memcg_acct;
};

/**
 * struct gem_reclaim_bo_info - snapshot returned by gem_reclaim_object_query()
 * @state: reclaim state
 * @resident_bytes: bytes currently backed by pages
 * @content_lost: content was discarded since the previous query
 * @mmap_count: CPU mappings
 * @gpu_map_count: GPU mappings
 * @pin_count: pins
 * @madv: the BO's &enum gem_reclaim_madv
 * @purged: gem_reclaim_object_purged()
 */
struct gem_reclaim_bo_info {
	enum gem_reclaim_state state;
	u64 resident_bytes;
	bool content_lost;
	bool purged;
	enum gem_reclaim_madv madv;
	unsigned int mmap_count;
	unsigned int gpu_map_count;
	unsigned int pin_count;
};

/**
 * struct gem_reclaim_vm - activity tracking of one GPU VM
 *
 * Embedded in the driver's VM. A VM is active from the submission of a job
 * until the completion of its last job; the transition moves the VM (not
 * its BOs) between &gem_reclaim_device.vms_active and
 * &gem_reclaim_device.vms_idle, in O(1).
 */
struct gem_reclaim_vm {
	/** @rdev: the device */
	struct gem_reclaim_device *rdev;
	/** @gpuvm: the driver's drm_gpuvm, or NULL */
	struct drm_gpuvm *gpuvm;
	/** @lru_node: link in the device's active or idle list */
	struct list_head lru_node;
	/** @active_jobs: jobs queued or running, under &gem_reclaim_device.lock */
	unsigned int active_jobs;
	/** @idle_since: when @active_jobs last dropped to zero */
	ktime_t idle_since;
	/** @owner_pid: tgid of the creating process */
	pid_t owner_pid;
	/** @owner_comm: command name of the creating process */
	char owner_comm[TASK_COMM_LEN];
	/**
	 * @memcg: memory cgroup of the creating process, referenced (NULL
	 * without memory cgroups); BOs created for the VM by a kernel thread
	 * are charged to it (gem_reclaim_object_set_owner())
	 */
	struct mem_cgroup *memcg;
	/** @id: device-unique id, shown in the vms file */
	u64 id;
	/**
	 * @bos: &gem_reclaim_link.vm_node of the BOs mapped in this VM, least
	 * recently scanned first; under &gem_reclaim_device.lock
	 */
	struct list_head bos;
	/** @bo_count: entries of @bos, under &gem_reclaim_device.lock */
	unsigned int bo_count;
	/** @scan_gen: reclaim pass that last visited @bos (core-private) */
	u64 scan_gen;
	/** @scan_left: links of @bos that pass has still to visit */
	unsigned int scan_left;
	/**
	 * @discardable_pages: pages of the resident, unpinned, discardable
	 * BOs (discard-on-reclaim or madvised DONTNEED) of this VM's memcg
	 * mapped in it, which count_objects leaves out while the VM is
	 * active (core-private, under &gem_reclaim_device.lock)
	 */
	unsigned long discardable_pages;
	/**
	 * @swappable_pages: the same for the other resident, unpinned BOs
	 * (core-private, under &gem_reclaim_device.lock)
	 */
	unsigned long swappable_pages;
	/**
	 * @swapped_pages: pages of the swapped-out BOs mapped in this VM,
	 * whatever their memcg, which gem_reclaim_vm_restore() reads back
	 * (core-private, under &gem_reclaim_device.lock)
	 */
	unsigned long swapped_pages;
	/**
	 * @restoring: gem_reclaim_vm_restore() reads this VM's BOs back now
	 * (core-private, under &gem_reclaim_device.lock)
	 */
	bool restoring;
	/*
	 * Refault protection, see DOC: Shrinker (core-private, under
	 * &gem_reclaim_device.lock).
	 */
	/**
	 * @evicted_at: when reclaim swapped out a BO of this VM, the first
	 * time since its last restore; 0: none
	 */
	ktime_t evicted_at;
	/** @evict_idle_ms: how long the VM had been idle at @evicted_at */
	u32 evict_idle_ms;
	/** @protect_ms: the protection its last refault gave it */
	u32 protect_ms;
	/** @protected_at: when that protection was given */
	ktime_t protected_at;
};

static inline struct gem_reclaim_object *
to_gem_reclaim_object(struct drm_gem_object *obj)
{
	return container_of(obj, struct gem_reclaim_object, base);
}

/* Device */
int gem_reclaim_device_init(struct gem_reclaim_device *rdev,
			    struct drm_device *drm,
			    const struct gem_reclaim_ops *ops);
void gem_reclaim_device_fini(struct gem_reclaim_device *rdev);
int gem_reclaim_device_register(struct gem_reclaim_device *rdev);
void gem_reclaim_device_unregister(struct gem_reclaim_device *rdev);

/* Objects */
int gem_reclaim_object_init(struct gem_reclaim_device *rdev,
			    struct gem_reclaim_object *bo, size_t size,
			    u32 flags);
void gem_reclaim_object_fini(struct gem_reclaim_object *bo);
int gem_reclaim_object_set_owner(struct gem_reclaim_object *bo,
				 const struct gem_reclaim_vm *vm);

static inline void gem_reclaim_object_lock(struct gem_reclaim_object *bo)
{
	mutex_lock(&bo->pages_lock);
}

static inline bool gem_reclaim_object_trylock(struct gem_reclaim_object *bo)
{
	return mutex_trylock(&bo->pages_lock);
}

static inline void gem_reclaim_object_unlock(struct gem_reclaim_object *bo)
{
	mutex_unlock(&bo->pages_lock);
}

struct page **gem_reclaim_object_get_pages_locked(struct gem_reclaim_object *bo);
struct sg_table *gem_reclaim_object_get_sgt_locked(struct gem_reclaim_object *bo);
int gem_reclaim_object_populate(struct gem_reclaim_object *bo);
int gem_reclaim_object_pin(struct gem_reclaim_object *bo);
void gem_reclaim_object_unpin(struct gem_reclaim_object *bo);
int gem_reclaim_object_vmap(struct gem_reclaim_object *bo, struct iosys_map *map);
void gem_reclaim_object_vunmap(struct gem_reclaim_object *bo, struct iosys_map *map);
void gem_reclaim_object_gpu_mapped(struct gem_reclaim_object *bo,
				   struct gem_reclaim_vm *vm, int delta);
enum gem_reclaim_state gem_reclaim_object_state(struct gem_reclaim_object *bo);
void gem_reclaim_object_query(struct gem_reclaim_object *bo,
			      struct gem_reclaim_bo_info *info);
const char *gem_reclaim_state_name(enum gem_reclaim_state state);
int gem_reclaim_object_madvise(struct gem_reclaim_object *bo,
			       enum gem_reclaim_madv madv);
bool gem_reclaim_object_purged(struct gem_reclaim_object *bo);

int gem_reclaim_object_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma);
extern const struct vm_operations_struct gem_reclaim_vm_ops;

/* drm_gem_object_funcs helpers */
int gem_reclaim_gem_pin(struct drm_gem_object *obj);
struct dma_buf *gem_reclaim_gem_prime_export(struct drm_gem_object *obj, int flags);
void gem_reclaim_gem_unpin(struct drm_gem_object *obj);
int gem_reclaim_gem_vmap(struct drm_gem_object *obj, struct iosys_map *map);
void gem_reclaim_gem_vunmap(struct drm_gem_object *obj, struct iosys_map *map);
struct sg_table *gem_reclaim_gem_get_sg_table(struct drm_gem_object *obj);
enum drm_gem_object_status gem_reclaim_gem_status(struct drm_gem_object *obj);
size_t gem_reclaim_gem_rss(struct drm_gem_object *obj);
void gem_reclaim_show_memory_stats(struct drm_printer *p, struct drm_file *file);

/* VMs */
void gem_reclaim_vm_init(struct gem_reclaim_device *rdev,
			 struct gem_reclaim_vm *vm, struct drm_gpuvm *gpuvm);
void gem_reclaim_vm_fini(struct gem_reclaim_vm *vm);
void gem_reclaim_vm_job_begin(struct gem_reclaim_vm *vm);
void gem_reclaim_vm_job_end(struct gem_reclaim_vm *vm);
bool gem_reclaim_vm_is_active(struct gem_reclaim_vm *vm, ktime_t *idle_since);
void gem_reclaim_vm_restore(struct gem_reclaim_vm *vm);

#endif /* __DRM_GEM_RECLAIM_H__ */
