/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gem_reclaim: per-memcg reclaim accounting of a device. See gr_memcg.c.
 */
#ifndef __GR_MEMCG_H__
#define __GR_MEMCG_H__

#include <linux/hashtable.h>
#include <linux/list_lru.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "gr_internal.h"

struct mem_cgroup;
struct shrinker;
struct gr_memcg_acct;

/**
 * struct gr_memcgs - the per-memcg accounting of one device
 */
struct gr_memcgs {
	/**
	 * @lru: the &struct gr_memcg_acct that have reclaimable pages, each
	 * on the list of the memcg its record is charged to; sets and clears
	 * the device shrinker's bit in each memcg and moves the records to
	 * the parent when a memcg goes offline
	 */
	struct list_lru lru;
	/** @lock: protects @table and &gr_memcg_acct.users */
	spinlock_t lock;
	/** @table: every &struct gr_memcg_acct of the device, by memcg */
	DECLARE_HASHTABLE(table, 6);
};

int gr_memcg_cache_init(void);
void gr_memcg_cache_exit(void);

bool gr_memcgs_possible(void);
int gr_memcgs_init(struct gr_memcgs *mcs, struct shrinker *shrinker);
void gr_memcgs_destroy(struct gr_memcgs *mcs);

struct gr_memcg_acct *gr_memcg_acct_get(struct gr_memcgs *mcs,
					struct mem_cgroup *memcg);
void gr_memcg_acct_put(struct gr_memcgs *mcs, struct gr_memcg_acct *acct);
void gr_memcg_acct_update(struct gr_memcgs *mcs, struct gr_memcg_acct *acct,
			  const long delta[GR_ACCT_COUNT]);
bool gr_memcg_acct_sum(struct gr_memcgs *mcs, int nid, struct mem_cgroup *memcg,
		       long sum[GR_ACCT_COUNT]);
bool gr_memcg_acct_listed_in(const struct gr_memcg_acct *acct,
			     struct mem_cgroup *memcg);

struct mem_cgroup *gr_memcg_of_current(void);
struct mem_cgroup *gr_memcg_hold(struct mem_cgroup *memcg);
long gr_memcg_swap_room(struct mem_cgroup *memcg);
struct mem_cgroup *gr_memcg_live(struct mem_cgroup *memcg);
u64 gr_memcg_ino(struct mem_cgroup *memcg);

#endif /* __GR_MEMCG_H__ */
