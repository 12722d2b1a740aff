/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gem_reclaim: declarations shared by the files of the module.
 */
#ifndef __GR_INTERNAL_H__
#define __GR_INTERNAL_H__

#include <linux/bits.h>
#include <linux/ktime.h>

struct gem_reclaim_object;
struct gem_reclaim_vm;
struct mem_cgroup;

/*
 * Page classes of a BO, bits of &gem_reclaim_object.acct. A BO's pages are
 * counted in every class whose bit is set, device-wide (gr_shrinker.c) and
 * in the record of the BO's memcg (gr_memcg.c).
 */
enum gr_acct_class {
	GR_ACCT_RESIDENT,	/* backed by pages */
	GR_ACCT_DISCARDABLE,	/* resident, unpinned, discard-on-reclaim */
	GR_ACCT_SWAP_GPU,	/* resident, unpinned, other, GPU-mapped */
	GR_ACCT_SWAP_IDLE,	/* resident, unpinned, other, not GPU-mapped */
	GR_ACCT_SWAPPED,	/* state SWAPPED */
	GR_ACCT_DISCARDED,	/* state DISCARDED */
	GR_ACCT_COUNT,
};

/* The classes some policy may take pages from. */
#define GR_ACCT_RECLAIMABLE \
	(BIT(GR_ACCT_DISCARDABLE) | BIT(GR_ACCT_SWAP_GPU) | BIT(GR_ACCT_SWAP_IDLE))

/* gr_shrinker.c: reclaim accounting, called by gr_object.c */
void gr_account_locked(struct gem_reclaim_object *bo);
void gr_account_release(struct gem_reclaim_object *bo);
int gr_account_attach(struct gem_reclaim_object *bo, struct mem_cgroup *memcg);
void gr_swapin_done(struct gem_reclaim_object *bo, ktime_t elapsed);
void gr_link_update_locked(struct gem_reclaim_object *bo,
			   struct gem_reclaim_vm *vm, int delta);
void gr_links_release(struct gem_reclaim_object *bo);

/* gr_object.c: called by gr_shrinker.c before it releases a BO's pages */
void gr_sgt_release_locked(struct gem_reclaim_object *bo);

#endif /* __GR_INTERNAL_H__ */
