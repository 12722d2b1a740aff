/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gem_reclaim: the table of reclaim policies, the policy chain, and the pure
 * decision logic of the idle-vm-first policy. See gr_policy.c.
 */
#ifndef __GR_POLICY_H__
#define __GR_POLICY_H__

#include <linux/bits.h>
#include <linux/ktime.h>
#include <linux/types.h>

struct gem_reclaim_object;
struct gr_scan;

/* Most policies the table may hold, and so the longest chain. */
#define GR_POLICY_MAX		8
/* Longest text gr_chain_parse() accepts, trailing newline included. */
#define GR_CHAIN_TEXT_MAX	256

/* The policy's action pushes pages to swap: useless when no swap exists. */
#define GR_POLICY_NEEDS_SWAP	BIT(0)

/**
 * struct gr_policy_ops - one reclaim policy
 *
 * One entry of gr_policies[]. The shrinker walks the configured chain and,
 * for each policy in it, calls @count, then @select and @reclaim until it
 * has freed enough or @select finds nothing more.
 *
 * The three callbacks are the shrinker's (the eviction work: swap-out,
 * discard, restore; gr_shrinker.c). A reclaim pass skips a policy whose
 * callbacks are NULL, so a new entry can be added before its actions. The
 * &struct gr_scan they receive is the shrinker's per-pass context (target,
 * freed so far, a gr_params snapshot, tgid scope, whether the caller may
 * block), defined in gr_shrinker.h.
 *
 * All callbacks run in reclaim context: they may only trylock a lock the
 * submit path holds (a BO's pages lock, a dma_resv), must not wait for GPU
 * fences and must not allocate with __GFP_DIRECT_RECLAIM.
 */
struct gr_policy_ops {
	/** @name: what the policy knob and available_policies show */
	const char *name;
	/** @desc: one line for the ABI document and the KUnit output */
	const char *desc;
	/** @flags: GR_POLICY_* */
	u32 flags;

	/**
	 * @count: pages this policy could free now, estimated in O(1) from
	 * counters, for the shrinker's count_objects. NULL: not implemented.
	 */
	unsigned long (*count)(struct gr_scan *scan);

	/**
	 * @select: the next victim of this policy in this pass, with a
	 * reference held and its pages lock trylocked, or NULL when the policy
	 * has nothing more to offer. Skipped candidates are accounted in the
	 * per-policy skipped_* statistics. NULL: not implemented.
	 */
	struct gem_reclaim_object *(*select)(struct gr_scan *scan);

	/**
	 * @reclaim: apply the policy's action (drop, or swap out, the pages)
	 * to a BO returned by @select; releases what @select took.
	 * NULL: not implemented.
	 *
	 * Returns: pages freed, or a negative errno (-EBUSY: skipped).
	 */
	long (*reclaim)(struct gr_scan *scan, struct gem_reclaim_object *bo);
};

extern const struct gr_policy_ops gr_policies[];
extern const unsigned int gr_policy_count;

/**
 * struct gr_chain - an ordered list of policies
 * @len: number of policies in @idx
 * @idx: indices into gr_policies[], each at most once; reclaim tries them in
 *	this order. An empty chain disables reclaim.
 */
struct gr_chain {
	u8 len;
	u8 idx[GR_POLICY_MAX];
};

int gr_policy_lookup(const char *name, size_t len);
int gr_chain_parse(const char *buf, size_t len, struct gr_chain *chain);
int gr_chain_format(const struct gr_chain *chain, char *buf, size_t size);
int gr_policies_format(char *buf, size_t size);
u64 gr_chain_pack(const struct gr_chain *chain);
void gr_chain_unpack(u64 packed, struct gr_chain *chain);

/**
 * struct gr_vm_activity - what idle-vm-first needs to know about one VM
 * @idle_since: when the VM's last job completed (CLOCK_MONOTONIC)
 * @active: the VM has queued or running jobs
 *
 * A snapshot taken under &gem_reclaim_device.lock (see
 * gem_reclaim_vm_is_active()); the decision functions below then run
 * without any lock.
 */
struct gr_vm_activity {
	ktime_t idle_since;
	bool active;
};

bool gr_idle_vm_eligible(const struct gr_vm_activity *vm, ktime_t now,
			 u32 idle_threshold_ms);
unsigned int gr_idle_vm_order(const struct gr_vm_activity *vms,
			      unsigned int n, ktime_t now,
			      u32 idle_threshold_ms, unsigned int *order);
bool gr_idle_bo_eligible(const struct gr_vm_activity *vms, unsigned int n,
			 ktime_t now, u32 idle_threshold_ms);
u32 gr_refault_interval_ms(u64 idle_at_evict_ms, u64 evicted_for_ms,
			   u32 protect_max_ms);
u32 gr_protect_left_ms(u32 protect_ms, u64 since_ms, u32 half_life_ms);

#endif /* __GR_POLICY_H__ */
