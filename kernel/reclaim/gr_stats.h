/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gem_reclaim: per-device reclaim statistics and the printers of the debugfs
 * stats, bos and vms files. See gr_stats.c.
 */
#ifndef __GR_STATS_H__
#define __GR_STATS_H__

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/types.h>

#include "gr_policy.h"

struct seq_file;

/**
 * enum gr_stat - device-wide counters and gauges
 * @GR_STAT_RESIDENT_BYTES: gauge, bytes of BO memory backed by pages
 * @GR_STAT_SWAPPED_BYTES: gauge, bytes swapped out (content kept in shmem)
 * @GR_STAT_DISCARDED_BYTES: gauge, bytes discarded and not yet reused
 * @GR_STAT_RECLAIMABLE_BYTES: gauge, resident bytes reclaim could free now
 * @GR_STAT_SWAPIN_PAGES: counter, pages restored after a swap-out
 * @GR_STAT_SWAPIN_NS: counter, time spent restoring them
 * @GR_STAT_SCAN_CALLS: counter, reclaim passes (scan_objects and shrink)
 * @GR_STAT_REFAULTS: counter, restores of a VM's BOs within
 *	refault_protect_ms of its idle start (the VM is protected since)
 * @GR_STAT_RESTORE_AHEAD_PAGES: counter, pages of swapped-out BOs read
 *	back ahead of their restore (DOC: Restore ahead)
 * @GR_STAT_RESTORE_AHEAD_NS: counter, time the callers spent on it
 * @GR_STAT_COUNT: number of entries
 */
enum gr_stat {
	GR_STAT_RESIDENT_BYTES,
	GR_STAT_SWAPPED_BYTES,
	GR_STAT_DISCARDED_BYTES,
	GR_STAT_RECLAIMABLE_BYTES,
	GR_STAT_SWAPIN_PAGES,
	GR_STAT_SWAPIN_NS,
	GR_STAT_SCAN_CALLS,
	GR_STAT_REFAULTS,
	GR_STAT_RESTORE_AHEAD_PAGES,
	GR_STAT_RESTORE_AHEAD_NS,
	GR_STAT_COUNT,
};

/**
 * enum gr_policy_stat - per-policy counters, all in pages
 * @GR_PSTAT_SCANNED: pages of the BOs the policy looked at
 * @GR_PSTAT_RECLAIMED: pages it freed
 * @GR_PSTAT_SKIPPED_TRYLOCK: pages skipped because a trylock failed (the
 *	BO's pages lock, or a GPU VM lock in &gem_reclaim_ops.unmap_from_gpu)
 * @GR_PSTAT_SKIPPED_PINNED: pages skipped because the BO was pinned
 * @GR_PSTAT_SKIPPED_RECENT: pages skipped because a VM of the BO was idle
 *	for less than idle_threshold_ms (idle-vm-first) or swapout_min_idle_ms
 *	(swapout)
 * @GR_PSTAT_SKIPPED_ACTIVE: pages skipped because a VM of the BO had work
 *	queued or running (seen by the walk, or by
 *	&gem_reclaim_ops.unmap_from_gpu)
 * @GR_PSTAT_SKIPPED_MAPPED: pages skipped because the BO was GPU-mapped
 *	and the caller may not block
 * @GR_PSTAT_SKIPPED_PROTECTED: pages of VMs the VM walk passed over
 *	because a refault protects them: the resident, unpinned BOs of the
 *	VM's own memcg that the policy could take, once per VM and walk
 *	(unlike the other skips, not per BO: a pass that walks again counts
 *	again)
 * @GR_PSTAT_COUNT: number of entries
 *
 * A skip counts once per BO, policy and pass (a scan_objects call or a
 * shrink request), whatever the number of times the pass meets the BO;
 * passes that run at the same time may each count it.
 */
enum gr_policy_stat {
	GR_PSTAT_SCANNED,
	GR_PSTAT_RECLAIMED,
	GR_PSTAT_SKIPPED_TRYLOCK,
	GR_PSTAT_SKIPPED_PINNED,
	GR_PSTAT_SKIPPED_RECENT,
	GR_PSTAT_SKIPPED_ACTIVE,
	GR_PSTAT_SKIPPED_MAPPED,
	GR_PSTAT_SKIPPED_PROTECTED,
	GR_PSTAT_COUNT,
};

/**
 * struct gr_stats - the statistics of one device
 * @dev: device-wide values, indexed by &enum gr_stat
 * @policy: per-policy counters, indexed by policy (gr_policies[]) and
 *	&enum gr_policy_stat
 *
 * Atomics, so updating them needs no lock and works in any context,
 * reclaim included; readers see each value whole but not a consistent
 * snapshot of all of them.
 */
struct gr_stats {
	atomic64_t dev[GR_STAT_COUNT];
	atomic64_t policy[GR_POLICY_MAX][GR_PSTAT_COUNT];
};

static inline void gr_stats_add(struct gr_stats *st, enum gr_stat s,
				s64 delta)
{
	atomic64_add(delta, &st->dev[s]);
}

static inline void gr_stats_policy_add(struct gr_stats *st,
				       unsigned int policy,
				       enum gr_policy_stat s, u64 pages)
{
	atomic64_add(pages, &st->policy[policy][s]);
}

void gr_stats_init(struct gr_stats *st);
void gr_stats_print(struct gr_stats *st, struct seq_file *m);

/* Flags of a bos row, printed as letters (see gr_bos_print_row()). */
#define GR_BO_ROW_DISCARD	BIT(0)	/* d: discardable (flag or DONTNEED) */
#define GR_BO_ROW_NO_MMAP	BIT(1)	/* n: CPU mapping not allowed */
#define GR_BO_ROW_SHARED	BIT(2)	/* s: mapped in several VMs */
#define GR_BO_ROW_LOST		BIT(3)	/* l: content lost, not yet queried */
#define GR_BO_ROW_EXPORTED	BIT(4)	/* x: exported as a dma-buf */
#define GR_BO_ROW_PURGED	BIT(5)	/* p: purged (DONTNEED, then reclaimed) */

/* The vm column of a BO mapped in no VM. */
#define GR_BO_ROW_NO_VM		(~0ULL)

/**
 * struct gr_bo_row - the columns of one line of the bos file
 * @id: BO id (driver-chosen, unique per device)
 * @vm: id of the VM the BO is mapped in (the first one if
 *	%GR_BO_ROW_SHARED), or %GR_BO_ROW_NO_VM
 * @pid: tgid of the creating process
 * @comm: its command name
 * @size: BO size in bytes
 * @resident: bytes backed by pages
 * @state: state name (gem_reclaim_state_name())
 * @flags: GR_BO_ROW_*
 * @mmap: CPU mappings
 * @reclaims: times the pages were reclaimed
 * @swapins: times the pages were restored
 * @idle_ms: how long the BO (its VMs) has been idle, 0 if in use
 * @cgroup: inode number of the cgroup its pages are charged to
 *	(gr_memcg_ino()), 0 without memory cgroups
 */
struct gr_bo_row {
	u64 id;
	u64 vm;
	pid_t pid;
	const char *comm;
	u64 size;
	u64 resident;
	const char *state;
	u32 flags;
	unsigned int mmap;
	unsigned int reclaims;
	unsigned int swapins;
	u64 idle_ms;
	u64 cgroup;
};

/**
 * struct gr_vm_row - the columns of one line of the vms file
 * @id: VM id
 * @pid: tgid of the creating process
 * @comm: its command name
 * @active: the VM has queued or running jobs
 * @idle_ms: how long it has been idle, 0 if active
 * @bos: number of BOs mapped in it
 * @resident: bytes of those BOs backed by pages
 * @swapped: bytes of those BOs swapped out
 * @discarded: bytes of those BOs discarded
 * @cgroup: inode number of the creating process's cgroup (gr_memcg_ino()),
 *	0 without memory cgroups
 */
struct gr_vm_row {
	u64 id;
	pid_t pid;
	const char *comm;
	bool active;
	u64 idle_ms;
	u64 bos;
	u64 resident;
	u64 swapped;
	u64 discarded;
	u64 cgroup;
};

void gr_bos_print_header(struct seq_file *m);
void gr_bos_print_row(struct seq_file *m, const struct gr_bo_row *row);
void gr_vms_print_header(struct seq_file *m);
void gr_vms_print_row(struct seq_file *m, const struct gr_vm_row *row);

int gr_shrink_parse(const char *buf, size_t len, unsigned long *pages,
		    pid_t *tgid);

#endif /* __GR_STATS_H__ */
