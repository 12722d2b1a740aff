/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gem_reclaim: the per-device shrinker and the actions of the reclaim
 * policies. See gr_shrinker.c.
 */
#ifndef __GR_SHRINKER_H__
#define __GR_SHRINKER_H__

#include <linux/ktime.h>
#include <linux/types.h>

#include "gr_internal.h"
#include "gr_knobs.h"

struct gem_reclaim_device;
struct gem_reclaim_object;
struct gr_reclaim;
struct mem_cgroup;

/**
 * struct gr_scan - one reclaim pass (a scan_objects call or a shrink request)
 *
 * Lives on the stack of the pass; the policy callbacks of gr_policies[] get
 * it. Nothing in it is shared, so it needs no lock.
 */
struct gr_scan {
	/** @r: the device's reclaim state */
	struct gr_reclaim *r;
	/** @rdev: the device */
	struct gem_reclaim_device *rdev;
	/** @params: the knobs, read once per pass without a lock */
	struct gr_params params;
	/** @now: when the pass started, for idle times */
	ktime_t now;
	/** @policy: index in gr_policies[] of the policy running */
	unsigned int policy;
	/** @gen: generation of the policy's walk, see &gem_reclaim_vm.scan_gen */
	u64 gen;
	/** @pass: number of this pass, see &gem_reclaim_object.skip_stamp */
	u64 pass;
	/** @since_breath: entries walked since the device lock was last dropped */
	unsigned int since_breath;
	/**
	 * @vms_done: the running policy has walked the idle VMs (swapout:
	 * its list walk, with a fresh budget, comes next)
	 */
	bool vms_done;
	/**
	 * @lap_left: entries the running policy's list walk may still look
	 * at (the list's length when it started); -1 before it starts
	 */
	long lap_left;
	/** @target: pages to free */
	unsigned long target;
	/** @freed: pages freed so far */
	unsigned long freed;
	/** @scanned: pages of the BOs looked at */
	unsigned long scanned;
	/** @floor: pages that must stay resident (min_resident_mb) */
	unsigned long floor;
	/** @budget: BOs the running policy may still look at */
	long budget;
	/** @budget_max: @budget at the start of each policy */
	long budget_max;
	/** @tgid: only BOs of this process's VMs (or BOs it created), 0: all */
	pid_t tgid;
	/**
	 * @memcg_scoped: only BOs charged to @memcg (a shrinker call for a
	 * memcg, see DOC: Memory cgroups)
	 */
	bool memcg_scoped;
	/** @memcg: &shrink_control.memcg, if @memcg_scoped */
	struct mem_cgroup *memcg;
	/** @memcg_pages: pages of @memcg's BOs per class, if @memcg_scoped */
	long memcg_pages[GR_ACCT_COUNT];
	/**
	 * @active_discardable: count_objects only: pages of the discardable
	 * BOs mapped in active VMs in scope, which no pass takes now
	 */
	unsigned long active_discardable;
	/** @active_swappable: the same for the swappable GPU-mapped BOs */
	unsigned long active_swappable;
	/** @may_block: the caller may block, so GPU-mapped BOs may be taken */
	bool may_block;
	/** @swap: swap space exists, so swapping out is worth it */
	bool swap;
	/** @writeback: the caller allows I/O: start swap writeback at once */
	bool writeback;
};

unsigned long gr_discard_count(struct gr_scan *scan);
struct gem_reclaim_object *gr_discard_select(struct gr_scan *scan);
unsigned long gr_swap_count(struct gr_scan *scan);
struct gem_reclaim_object *gr_idle_vm_select(struct gr_scan *scan);
struct gem_reclaim_object *gr_swapout_select(struct gr_scan *scan);
long gr_bo_reclaim(struct gr_scan *scan, struct gem_reclaim_object *bo);

#if IS_ENABLED(CONFIG_KUNIT)
struct folio;
struct writeback_control;
int gr_writeback_folio(struct folio *folio,
		       int (*writepage)(struct page *, struct writeback_control *),
		       struct writeback_control *wbc);
pgoff_t gr_writeback_next(pgoff_t index, long nr, int ret);
#endif

#endif /* __GR_SHRINKER_H__ */
