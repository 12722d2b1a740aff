/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gem_reclaim: declarations shared by the files of the module.
 */
#ifndef __GR_INTERNAL_H__
#define __GR_INTERNAL_H__

#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/bug.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>

#include <drm/gem_reclaim.h>

struct gem_reclaim_object;
struct gem_reclaim_vm;
struct mem_cgroup;

/* gr_knobs.c: a bool module parameter that refuses what is not 0/1/y/n */
extern const struct kernel_param_ops gr_param_bool_ops;

/*
 * Page classes of a BO, bits of &gem_reclaim_object.acct. A BO's pages are
 * counted in every class whose bit is set, device-wide (gr_shrinker.c) and
 * in the record of the BO's memcg (gr_memcg.c).
 */
enum gr_acct_class {
	GR_ACCT_RESIDENT,	/* backed by pages */
	GR_ACCT_DISCARDABLE,	/* resident, unpinned, gr_bo_discardable() */
	GR_ACCT_SWAP_GPU,	/* resident, unpinned, other, GPU-mapped */
	GR_ACCT_SWAP_IDLE,	/* resident, unpinned, other, not GPU-mapped */
	GR_ACCT_SWAPPED,	/* state SWAPPED */
	GR_ACCT_DISCARDED,	/* state DISCARDED */
	GR_ACCT_COUNT,
};

/* The classes some policy may take pages from. */
#define GR_ACCT_RECLAIMABLE \
	(BIT(GR_ACCT_DISCARDABLE) | BIT(GR_ACCT_SWAP_GPU) | BIT(GR_ACCT_SWAP_IDLE))

/**
 * gr_bo_discardable() - whether reclaim drops a BO's pages instead of
 *	swapping them out
 * @bo: the BO
 *
 * The one test of the discard mode, for both kinds: created
 * %GEM_RECLAIM_BO_DISCARD_ON_RECLAIM, or madvised
 * %GEM_RECLAIM_MADV_DONTNEED. &gem_reclaim_object.discardable is written
 * with both the pages lock and the device lock held (and the BO moved
 * between the device's lists at the same time), so the answer is stable
 * while the caller holds either; without a lock it is a snapshot.
 *
 * Returns: true if the BO is discardable now.
 */
static inline bool gr_bo_discardable(const struct gem_reclaim_object *bo)
{
	return READ_ONCE(bo->discardable);
}

/*
 * A driver may embed a gem_reclaim_object it never initialises: panthor's
 * imported dma-bufs are plain GEM objects inside the same structure. Each
 * exported function a driver calls with a BO checks for that first, so a
 * driver path that forgot its own check warns and fails instead of
 * dereferencing a NULL device or taking a lock that was never initialised.
 */
#define gr_bo_uninit(bo)						\
	WARN_ONCE(!(bo)->rdev,						\
		  "gem_reclaim: %s() on an object gem_reclaim_object_init() never set up\n", \
		  __func__)

/* gr_shrinker.c: reclaim accounting, called by gr_object.c */
void gr_account_locked(struct gem_reclaim_object *bo);
void gr_account_release(struct gem_reclaim_object *bo);
int gr_account_attach(struct gem_reclaim_object *bo, struct mem_cgroup *memcg);
void gr_swapin_done(struct gem_reclaim_object *bo, ktime_t elapsed);
void gr_restore_ahead_done(struct gem_reclaim_device *rdev, long pages,
			   ktime_t elapsed);
void gr_link_update_locked(struct gem_reclaim_object *bo,
			   struct gem_reclaim_vm *vm, int delta);
void gr_links_release(struct gem_reclaim_object *bo);

/* gr_object.c: called by gr_shrinker.c before it releases a BO's pages */
void gr_sgt_release_locked(struct gem_reclaim_object *bo);
void gr_gemfs_init(void);
void gr_gemfs_exit(void);

/* gr_restore.c: by the CPU fault handler; module init and exit */
void gr_restore_ahead_fault(struct gem_reclaim_object *bo);
int gr_restore_init(void);
void gr_restore_exit(void);

#endif /* __GR_INTERNAL_H__ */
