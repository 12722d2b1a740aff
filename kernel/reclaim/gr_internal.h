/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gem_reclaim: declarations shared by the files of the module.
 */
#ifndef __GR_INTERNAL_H__
#define __GR_INTERNAL_H__

#include <linux/ktime.h>

struct gem_reclaim_object;
struct gem_reclaim_vm;

/* gr_shrinker.c: reclaim accounting, called by gr_object.c */
void gr_account_locked(struct gem_reclaim_object *bo);
void gr_account_release(struct gem_reclaim_object *bo);
void gr_swapin_done(struct gem_reclaim_object *bo, ktime_t elapsed);
void gr_link_update_locked(struct gem_reclaim_object *bo,
			   struct gem_reclaim_vm *vm, int delta);
void gr_links_release(struct gem_reclaim_object *bo);

/* gr_object.c: called by gr_shrinker.c before it releases a BO's pages */
void gr_sgt_release_locked(struct gem_reclaim_object *bo);

#endif /* __GR_INTERNAL_H__ */
