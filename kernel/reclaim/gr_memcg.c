// SPDX-License-Identifier: GPL-2.0-only
/*
 * gem_reclaim: per-memcg reclaim accounting, for the memcg-aware shrinker.
 */

/**
 * DOC: Memory cgroups
 *
 * Charging rule: a BO's pages are charged to its owner's memory cgroup,
 * &gem_reclaim_object.memcg: the memcg of the process that created the BO
 * (or, for a BO created by a kernel thread on a process's behalf, of the
 * VM given to gem_reclaim_object_set_owner()). Every allocation of the
 * pages goes through gem_reclaim_object_get_pages_locked(), which charges
 * that memcg with set_active_memcg() whoever triggers it: the first use, a
 * CPU fault by another process, a swap-in at submit, a GPU map in the
 * ioctl of a process that imported the BO. If the owner's cgroup was
 * removed, its nearest live ancestor is charged. A process moved to
 * another cgroup keeps its existing BOs where they are; new BOs follow it.
 *
 * So a BO's memory never escapes its owner's limit, by sharing or
 * otherwise; the price is that a process using another's BO (an importer,
 * a process the fd was passed to) gets the owner's failure when the
 * owner's cgroup can make no room: -ENOMEM from its ioctl, SIGBUS from a
 * CPU fault (the allocation mask has __GFP_RETRY_MAYFAIL, so no OOM kill).
 * Charging the toucher instead would let a process put its memory on
 * someone else's bill. Two ways in are not the core's: swapoff, and swap
 * readahead triggered by another process, charge the swap record's memcg
 * if it is online and the current task's otherwise. memory.high is
 * enforced on the task that allocates, so pages a kernel thread or
 * another process brings in for the owner do not throttle the owner.
 *
 * The shrinker is %SHRINKER_MEMCG_AWARE. For each memcg with BOs, a device
 * keeps a &struct gr_memcg_acct: the pages of those BOs per accounting
 * class (the classes count_objects adds up, see DOC: Shrinker). The record
 * is a slab object charged to that memcg and, while it has reclaimable
 * pages, sits on the memcg's list of a &struct list_lru. The list_lru is
 * what a module can use to set the shrinker's bit in a memcg, and it moves
 * the record to the parent memcg's list when the memcg goes offline, as
 * it does for dentries: a removed cgroup's BOs stay reachable through the
 * parent's reclaim.
 *
 * count_objects for a memcg adds up the records on its list (its own, and
 * those of removed descendants): O(1) but for removed cgroups, less the
 * pages of its BOs mapped in its active VMs (DOC: Shrinker). It answers
 * %SHRINK_EMPTY only when that list is empty; it answers 0 when the pages
 * exist but cannot be taken now (no swap, a caller that may not block, an
 * active VM), so that the memcg's bit stays set. The walk stamps each record
 * with the memcg whose list holds it, and scan_objects takes only BOs whose
 * record carries the stamp of the memcg being reclaimed.
 *
 * Memcg-scoped passes swap out only within the memcg's swap allowance
 * (memory.swap.max up the tree), as page reclaim does for anonymous pages.
 *
 * Limits: the per-memcg lists need kmem accounting (the default; with
 * cgroup.memory=nokmem the shrinker is not memcg-aware and only global
 * reclaim reaches BOs). Not NUMA-aware: a record is on the list of the
 * node its slab object is on, so on a multi-node machine memcg limit
 * reclaim (which visits every node) reaches it, but a node's kswapd only
 * if the record is on that node. A memcg's pass walks the device's BO
 * lists and skips the BOs of other memcgs. While a cgroup is being
 * removed, one pass may stamp its parent's records with it.
 */

#include <linux/cgroup.h>
#include <linux/memcontrol.h>
#include <linux/page_counter.h>
#include <linux/sched/mm.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/swap.h>

#include "gr_memcg.h"

/**
 * struct gr_memcg_acct - a device's BOs charged to one memcg
 */
struct gr_memcg_acct {
	/** @hnode: link in &gr_memcgs.table */
	struct hlist_node hnode;
	/** @memcg: the memcg, referenced; NULL without memory cgroups */
	struct mem_cgroup *memcg;
	/** @users: BOs accounted here, under &gr_memcgs.lock */
	unsigned int users;
	/** @lock: protects @pages and the membership of @lru_node */
	spinlock_t lock;
	/** @pages: pages per &enum gr_acct_class */
	long pages[GR_ACCT_COUNT];
	/** @lru_node: link in &gr_memcgs.lru while pages are reclaimable */
	struct list_head lru_node;
	/**
	 * @listed_in: the memcg whose list held this record when count_objects
	 * last walked it (written under the list_lru lock, read locklessly)
	 */
	struct mem_cgroup *listed_in;
};

static struct kmem_cache *gr_memcg_cache;

/* A reference on @memcg for a new holder (mem_cgroup_put() drops it). */
static void gr_memcg_get(struct mem_cgroup *memcg)
{
#ifdef CONFIG_MEMCG
	if (memcg)
		css_get(&memcg->css);
#endif
}

/**
 * gr_memcg_cache_init() - create the slab cache of the records
 *
 * The cache is %SLAB_ACCOUNT: a record is charged to the memcg it is for,
 * which is what lets kmem_cache_alloc_lru() prepare the list_lru for it.
 *
 * Returns: 0 or -ENOMEM.
 */
int gr_memcg_cache_init(void)
{
	gr_memcg_cache = KMEM_CACHE(gr_memcg_acct, SLAB_ACCOUNT);
	return gr_memcg_cache ? 0 : -ENOMEM;
}

/** gr_memcg_cache_exit() - destroy the slab cache */
void gr_memcg_cache_exit(void)
{
	kmem_cache_destroy(gr_memcg_cache);
}

/**
 * gr_memcgs_possible() - can a device's accounting be per memcg
 *
 * The list_lru is per memcg only with memory cgroups and kmem accounting
 * (not cgroup.memory=nokmem); a memcg-aware shrinker without it would
 * never get its bits set. Asked before the shrinker is allocated.
 *
 * Returns: true if a memcg-aware shrinker should be registered.
 */
bool gr_memcgs_possible(void)
{
	struct list_lru probe;
	bool aware = false;

	if (mem_cgroup_disabled())
		return false;
	if (list_lru_init_memcg(&probe, NULL))
		return false;
#ifdef CONFIG_MEMCG
	aware = probe.memcg_aware;
#endif
	list_lru_destroy(&probe);
	return aware;
}

/**
 * gr_memcgs_init() - set up a device's per-memcg accounting
 * @mcs: the accounting
 * @shrinker: the device's shrinker, allocated and not yet registered
 *
 * Returns: 0 or -ENOMEM.
 */
int gr_memcgs_init(struct gr_memcgs *mcs, struct shrinker *shrinker)
{
	spin_lock_init(&mcs->lock);
	hash_init(mcs->table);
	/* Without a memcg-aware shrinker, one list: no bit to set. */
	if (!(shrinker->flags & SHRINKER_MEMCG_AWARE))
		return list_lru_init(&mcs->lru);
	return list_lru_init_memcg(&mcs->lru, shrinker);
}

static void gr_memcg_acct_free(struct gr_memcgs *mcs, struct gr_memcg_acct *acct)
{
	list_lru_del_obj(&mcs->lru, &acct->lru_node);
	mem_cgroup_put(acct->memcg);
	kmem_cache_free(gr_memcg_cache, acct);
}

/**
 * gr_memcgs_destroy() - free a device's per-memcg accounting
 * @mcs: the accounting, with the device's shrinker already freed
 *
 * BOs still alive keep a pointer to their record; the caller makes sure
 * nothing follows it any more (&gem_reclaim_device.reclaim is NULL).
 */
void gr_memcgs_destroy(struct gr_memcgs *mcs)
{
	struct gr_memcg_acct *acct;
	struct hlist_node *tmp;
	unsigned int bkt;

	hash_for_each_safe(mcs->table, bkt, tmp, acct, hnode) {
		hash_del(&acct->hnode);
		gr_memcg_acct_free(mcs, acct);
	}
	list_lru_destroy(&mcs->lru);
}

static struct gr_memcg_acct *gr_memcg_acct_find(struct gr_memcgs *mcs,
						struct mem_cgroup *memcg)
{
	struct gr_memcg_acct *acct;

	lockdep_assert_held(&mcs->lock);
	hash_for_each_possible(mcs->table, acct, hnode, (unsigned long)memcg)
		if (acct->memcg == memcg)
			return acct;
	return NULL;
}

/**
 * gr_memcg_acct_get() - the record of a memcg, created if needed
 * @mcs: the device's accounting
 * @memcg: the memcg (a reference is taken for a new record), or NULL
 *
 * Context: process context, may sleep (allocates, charging @memcg, with
 * no OOM kill).
 * Returns: the record, with a user added, or ERR_PTR(-ENOMEM).
 */
struct gr_memcg_acct *gr_memcg_acct_get(struct gr_memcgs *mcs,
					struct mem_cgroup *memcg)
{
	struct gr_memcg_acct *acct, *new;
	struct mem_cgroup *old;

	spin_lock(&mcs->lock);
	acct = gr_memcg_acct_find(mcs, memcg);
	if (acct)
		acct->users++;
	spin_unlock(&mcs->lock);
	if (acct)
		return acct;

	/* Charged to @memcg, so the list_lru gets a list for it. */
	old = set_active_memcg(gr_memcg_live(memcg));
	new = kmem_cache_alloc_lru(gr_memcg_cache, &mcs->lru,
				   GFP_KERNEL | __GFP_RETRY_MAYFAIL |
				   __GFP_NOWARN | __GFP_ZERO);
	set_active_memcg(old);
	if (!new)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&new->lock);
	INIT_LIST_HEAD(&new->lru_node);
	new->users = 1;
	new->memcg = memcg;

	spin_lock(&mcs->lock);
	acct = gr_memcg_acct_find(mcs, memcg);
	if (acct) {
		acct->users++;
	} else {
		gr_memcg_get(memcg);
		hash_add(mcs->table, &new->hnode, (unsigned long)memcg);
		acct = new;
		new = NULL;
	}
	spin_unlock(&mcs->lock);
	if (new)
		kmem_cache_free(gr_memcg_cache, new);
	return acct;
}

/**
 * gr_memcg_acct_put() - a BO leaves its record
 * @mcs: the device's accounting
 * @acct: the record; its pages were already taken out
 *	(gr_memcg_acct_update())
 *
 * Frees the record with its last user. Any context but hard interrupts.
 */
void gr_memcg_acct_put(struct gr_memcgs *mcs, struct gr_memcg_acct *acct)
{
	bool last;

	spin_lock(&mcs->lock);
	last = !--acct->users;
	if (last)
		hash_del(&acct->hnode);
	spin_unlock(&mcs->lock);
	if (last)
		gr_memcg_acct_free(mcs, acct);
}

/**
 * gr_memcg_acct_update() - add a BO's change to its record
 * @mcs: the device's accounting
 * @acct: the record
 * @delta: pages added to (or taken from) each class
 *
 * Keeps the record on its memcg's list exactly while it has reclaimable
 * pages: the first such page sets the shrinker's bit in the memcg
 * (list_lru_add_obj() on an empty list); count_objects finding the list
 * empty lets the core clear it.
 */
void gr_memcg_acct_update(struct gr_memcgs *mcs, struct gr_memcg_acct *acct,
			  const long delta[GR_ACCT_COUNT])
{
	unsigned int i;
	long reclaimable = 0;

	spin_lock(&acct->lock);
	for (i = 0; i < GR_ACCT_COUNT; i++) {
		WRITE_ONCE(acct->pages[i], acct->pages[i] + delta[i]);
		WARN_ON_ONCE(acct->pages[i] < 0);
		if (GR_ACCT_RECLAIMABLE & BIT(i))
			reclaimable += acct->pages[i];
	}
	if (reclaimable)
		list_lru_add_obj(&mcs->lru, &acct->lru_node);
	else
		list_lru_del_obj(&mcs->lru, &acct->lru_node);
	spin_unlock(&acct->lock);
}

struct gr_memcg_walk {
	struct mem_cgroup *memcg;
	long *sum;
};

static enum lru_status gr_memcg_walk_one(struct list_head *item,
					 struct list_lru_one *list,
					 spinlock_t *lock, void *arg)
{
	struct gr_memcg_acct *acct = container_of(item, struct gr_memcg_acct,
						  lru_node);
	struct gr_memcg_walk *walk = arg;
	unsigned int i;

	WRITE_ONCE(acct->listed_in, walk->memcg);
	for (i = 0; i < GR_ACCT_COUNT; i++)
		walk->sum[i] += READ_ONCE(acct->pages[i]);
	return LRU_SKIP;
}

/**
 * gr_memcg_acct_sum() - the pages of the BOs a memcg's reclaim may take
 * @mcs: the device's accounting
 * @nid: the node whose list to walk (&shrink_control.nid)
 * @memcg: the memcg (&shrink_control.memcg; NULL without memory cgroups)
 * @sum: receives the pages per class, added up over the records on the
 *	memcg's list, which are stamped for gr_memcg_acct_listed_in()
 *
 * Returns: false if the list is empty (nothing reclaimable in @memcg).
 */
bool gr_memcg_acct_sum(struct gr_memcgs *mcs, int nid, struct mem_cgroup *memcg,
		       long sum[GR_ACCT_COUNT])
{
	struct gr_memcg_walk walk = { .memcg = memcg, .sum = sum };
	unsigned long nr = ULONG_MAX;

	memset(sum, 0, sizeof(long) * GR_ACCT_COUNT);
	if (!list_lru_count_one(&mcs->lru, nid, memcg))
		return false;
	list_lru_walk_one(&mcs->lru, nid, memcg, gr_memcg_walk_one, &walk, &nr);
	return true;
}

/**
 * gr_memcg_acct_listed_in() - is a record on a memcg's list
 * @acct: the record, or NULL (a BO accounted nowhere)
 * @memcg: the memcg being reclaimed
 *
 * Returns: true if the last walk of @memcg's list (gr_memcg_acct_sum(),
 * which count_objects does before each scan) found @acct there.
 */
bool gr_memcg_acct_listed_in(const struct gr_memcg_acct *acct,
			     struct mem_cgroup *memcg)
{
	return acct && READ_ONCE(acct->listed_in) == memcg;
}

/**
 * gr_memcg_swap_room() - swap space a memcg's reclaim may still use
 * @memcg: the memcg, or NULL
 *
 * As mem_cgroup_get_nr_swap_pages(), which is not exported: the global
 * free swap, bounded on cgroup v2 by memory.swap.max less memory.swap.current
 * of @memcg and each ancestor.
 *
 * Returns: pages, possibly 0 or less.
 */
long gr_memcg_swap_room(struct mem_cgroup *memcg)
{
	long room = get_nr_swap_pages();

#ifdef CONFIG_MEMCG
	if (mem_cgroup_disabled() || !cgroup_subsys_on_dfl(memory_cgrp_subsys))
		return room;
	for (; memcg && parent_mem_cgroup(memcg); memcg = parent_mem_cgroup(memcg))
		room = min_t(long, room, READ_ONCE(memcg->swap.max) -
				   page_counter_read(&memcg->swap));
#endif
	return room;
}

/**
 * gr_memcg_hold() - a reference on a memcg for a new holder
 * @memcg: the memcg, or NULL
 *
 * Returns: @memcg.
 */
struct mem_cgroup *gr_memcg_hold(struct mem_cgroup *memcg)
{
	gr_memcg_get(memcg);
	return memcg;
}

/**
 * gr_memcg_of_current() - the memcg new BOs and VMs of this task belong to
 *
 * Returns: the memcg, referenced (mem_cgroup_put()); NULL without memory
 * cgroups.
 */
struct mem_cgroup *gr_memcg_of_current(void)
{
	return get_mem_cgroup_from_mm(current->mm);
}

/**
 * gr_memcg_live() - where a memcg's charges go now
 * @memcg: a memcg, or NULL
 *
 * Returns: @memcg if it is online, else its nearest online ancestor (a
 * removed cgroup's charges are reclaimed through its parent).
 */
struct mem_cgroup *gr_memcg_live(struct mem_cgroup *memcg)
{
	while (memcg && !mem_cgroup_online(memcg) && parent_mem_cgroup(memcg))
		memcg = parent_mem_cgroup(memcg);
	return memcg;
}

/**
 * gr_memcg_ino() - the inode number of a memcg's live cgroup directory
 * @memcg: a memcg, or NULL
 *
 * Returns: what stat(2) gives as st_ino for the directory of
 * gr_memcg_live(@memcg) in the cgroup v2 hierarchy, 0 for NULL.
 */
u64 gr_memcg_ino(struct mem_cgroup *memcg)
{
#ifdef CONFIG_MEMCG
	memcg = gr_memcg_live(memcg);
	if (memcg)
		return cgroup_ino(memcg->css.cgroup);
#endif
	return 0;
}
