// SPDX-License-Identifier: GPL-2.0-only
/*
 * gem_reclaim: the reclaim policies, as a table.
 */

/**
 * DOC: Reclaim policies
 *
 * A reclaim pass (the shrinker's scan_objects, or a write to the debugfs
 * ``shrink`` file) walks an ordered chain of policies, and each policy picks
 * victims and applies one action to them. The policies are the entries of
 * gr_policies[]; adding one is adding one entry there (its name then becomes
 * valid in the ``policy`` knob and shows in ``available_policies``, and its
 * counters appear in ``stats``).
 *
 * The chain is a &struct gr_chain: indices into gr_policies[], each at most
 * once. Its text form, used by the ``policy`` knob, is the policy names
 * separated by spaces, in order; the empty chain disables reclaim.
 *
 * What lives here is the logic that needs no page and no lock: parsing and
 * formatting a chain, the victim order of idle-vm-first, and the arithmetic
 * of refault protection (gr_refault_interval_ms(), gr_protect_left_ms()).
 * The actions
 * (&gr_policy_ops.count, &gr_policy_ops.select, &gr_policy_ops.reclaim) are
 * the shrinker's, in gr_shrinker.c (see DOC: Shrinker there).
 *
 * idle-vm-first, the rule: a VM is eligible when it is idle (no queued or
 * running job) and has been idle for at least ``idle_threshold_ms``; eligible
 * VMs are taken longest idle first. A BO mapped in several VMs is eligible
 * only when every one of them is; a BO mapped in no VM is not idle-vm-first's
 * to take (no VM vouches for its idleness), and is left to the other
 * policies of the chain. With refault_protect_ms set, a VM that a refault
 * protects waits too (DOC: Shrinker).
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/sort.h>
#include <linux/string.h>

#include <kunit/visibility.h>

#include "gr_policy.h"
#include "gr_shrinker.h"

const struct gr_policy_ops gr_policies[] = {
	{
		.name = "discard",
		.desc = "drop pages of discard-on-reclaim BOs of idle VMs",
		.count = gr_discard_count,
		.select = gr_discard_select,
		.reclaim = gr_bo_reclaim,
	},
	{
		.name = "idle-vm-first",
		.desc = "swap out BOs of idle VMs, longest idle first",
		.flags = GR_POLICY_NEEDS_SWAP,
		.count = gr_swap_count,
		.select = gr_idle_vm_select,
		.reclaim = gr_bo_reclaim,
	},
	{
		.name = "swapout",
		.desc = "swap out BOs (GPU mappings torn down, restored on next use)",
		.flags = GR_POLICY_NEEDS_SWAP,
		.count = gr_swap_count,
		.select = gr_swapout_select,
		.reclaim = gr_bo_reclaim,
	},
};
EXPORT_SYMBOL_IF_KUNIT(gr_policies);

const unsigned int gr_policy_count = ARRAY_SIZE(gr_policies);
EXPORT_SYMBOL_IF_KUNIT(gr_policy_count);

/* A chain packs into a u64 one byte per policy (see gr_chain_pack()). */
static_assert(ARRAY_SIZE(gr_policies) <= GR_POLICY_MAX);
static_assert(sizeof(u64) >= GR_POLICY_MAX);

/**
 * gr_policy_lookup() - find a policy by name
 * @name: the name, not necessarily NUL-terminated
 * @len: its length
 *
 * Returns: the policy's index in gr_policies[], or -EINVAL if no policy has
 * exactly this name.
 */
int gr_policy_lookup(const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gr_policies); i++)
		if (strlen(gr_policies[i].name) == len &&
		    !memcmp(gr_policies[i].name, name, len))
			return i;
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(gr_policy_lookup);

/* Characters a policy name may contain. */
static bool gr_policy_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/**
 * gr_chain_parse() - parse the text form of a chain
 * @buf: policy names separated by one or more spaces, optionally ending in
 *	one newline; not necessarily NUL-terminated
 * @len: length of @buf
 * @chain: receives the chain; left untouched on error
 *
 * Only spaces separate names: a tab, any other control character, a NUL, a
 * character outside ``[a-z0-9_-]``, a second newline, an unknown name or a
 * name given twice make the whole text invalid. Blank text is the empty
 * chain.
 *
 * Returns: 0 on success, -EINVAL if the text is malformed, names an unknown
 * policy, names one twice, or is GR_CHAIN_TEXT_MAX bytes or longer.
 */
int gr_chain_parse(const char *buf, size_t len, struct gr_chain *chain)
{
	struct gr_chain c = {};
	size_t i = 0, start;
	unsigned int k;
	int idx;

	if (len >= GR_CHAIN_TEXT_MAX)
		return -EINVAL;
	if (len && buf[len - 1] == '\n')
		len--;

	while (i < len) {
		if (buf[i] == ' ') {
			i++;
			continue;
		}
		start = i;
		for (; i < len && buf[i] != ' '; i++)
			if (!gr_policy_name_char(buf[i]))
				return -EINVAL;

		idx = gr_policy_lookup(buf + start, i - start);
		if (idx < 0)
			return idx;
		for (k = 0; k < c.len; k++)
			if (c.idx[k] == idx)
				return -EINVAL;
		/* cannot overflow: every policy appears at most once */
		c.idx[c.len++] = idx;
	}

	*chain = c;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gr_chain_parse);

/**
 * gr_chain_format() - the text form of a chain
 * @chain: the chain
 * @buf: receives the names separated by single spaces
 * @size: size of @buf
 *
 * The output parses back to @chain with gr_chain_parse(). The empty chain is
 * the empty string.
 *
 * Returns: the number of characters written to @buf, without the NUL
 * (as scnprintf()).
 */
int gr_chain_format(const struct gr_chain *chain, char *buf, size_t size)
{
	unsigned int i;
	int n = 0;

	if (size)
		buf[0] = '\0';
	for (i = 0; i < chain->len && chain->idx[i] < ARRAY_SIZE(gr_policies); i++)
		n += scnprintf(buf + n, size - n, "%s%s", i ? " " : "",
			       gr_policies[chain->idx[i]].name);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(gr_chain_format);

/**
 * gr_policies_format() - the names of every known policy
 * @buf: receives the names in table order, separated by single spaces
 * @size: size of @buf
 *
 * Returns: the number of characters written to @buf, without the NUL.
 */
int gr_policies_format(char *buf, size_t size)
{
	struct gr_chain all = { .len = ARRAY_SIZE(gr_policies) };
	unsigned int i;

	for (i = 0; i < all.len; i++)
		all.idx[i] = i;
	return gr_chain_format(&all, buf, size);
}
EXPORT_SYMBOL_IF_KUNIT(gr_policies_format);

/**
 * gr_chain_pack() - a chain as one 64-bit word
 * @chain: the chain
 *
 * Byte i holds idx[i] + 1; the first zero byte ends the chain. The packed
 * form lets readers in reclaim context load the whole chain with one atomic
 * read (see the locking rules in gr_knobs.c).
 *
 * Returns: the packed chain; 0 is the empty chain.
 */
u64 gr_chain_pack(const struct gr_chain *chain)
{
	u64 packed = 0;
	unsigned int i;

	for (i = 0; i < chain->len && i < GR_POLICY_MAX; i++)
		packed |= (u64)(chain->idx[i] + 1) << (8 * i);
	return packed;
}
EXPORT_SYMBOL_IF_KUNIT(gr_chain_pack);

/**
 * gr_chain_unpack() - the chain of a packed word
 * @packed: a value returned by gr_chain_pack()
 * @chain: receives the chain
 */
void gr_chain_unpack(u64 packed, struct gr_chain *chain)
{
	unsigned int i;
	u8 b;

	chain->len = 0;
	for (i = 0; i < GR_POLICY_MAX; i++) {
		b = packed >> (8 * i);
		if (!b || b > ARRAY_SIZE(gr_policies))
			break;
		chain->idx[chain->len++] = b - 1;
	}
}
EXPORT_SYMBOL_IF_KUNIT(gr_chain_unpack);

/**
 * gr_idle_vm_eligible() - may idle-vm-first (or swapout) take the BOs of a VM
 * @vm: the VM's activity
 * @now: the current time (ktime_get())
 * @idle_threshold_ms: the idle_threshold_ms knob (swapout:
 *	swapout_min_idle_ms)
 *
 * A VM that became idle after @now (the snapshot raced with a job end) has
 * not been idle at all yet.
 *
 * Returns: true if the VM is idle and has been for at least
 * @idle_threshold_ms milliseconds.
 */
bool gr_idle_vm_eligible(const struct gr_vm_activity *vm, ktime_t now,
			 u32 idle_threshold_ms)
{
	ktime_t idle = ktime_sub(now, vm->idle_since);

	if (vm->active || ktime_before(now, vm->idle_since))
		return false;
	return ktime_compare(idle, ms_to_ktime(idle_threshold_ms)) >= 0;
}
EXPORT_SYMBOL_IF_KUNIT(gr_idle_vm_eligible);

/* Longest idle (earliest idle_since) first; equal times keep input order. */
static int gr_idle_vm_cmp(const void *a, const void *b, const void *priv)
{
	const struct gr_vm_activity *vms = priv;
	unsigned int ia = *(const unsigned int *)a;
	unsigned int ib = *(const unsigned int *)b;
	int c = ktime_compare(vms[ia].idle_since, vms[ib].idle_since);

	if (c)
		return c;
	return ia < ib ? -1 : ia > ib;
}

/**
 * gr_idle_vm_order() - the VMs idle-vm-first may take, in the order to take
 * them
 * @vms: activity of @n VMs
 * @n: number of VMs
 * @now: the current time (ktime_get())
 * @idle_threshold_ms: the idle_threshold_ms knob
 * @order: receives the indices into @vms of the eligible VMs, longest idle
 *	first, VMs idle since the same time in the order of @vms; room for @n
 *
 * Sorts in O(n log n) without allocating; callable in reclaim context.
 *
 * Returns: the number of eligible VMs, the entries of @order that are set.
 */
unsigned int gr_idle_vm_order(const struct gr_vm_activity *vms,
			      unsigned int n, ktime_t now,
			      u32 idle_threshold_ms, unsigned int *order)
{
	unsigned int i, count = 0;

	for (i = 0; i < n; i++)
		if (gr_idle_vm_eligible(&vms[i], now, idle_threshold_ms))
			order[count++] = i;
	sort_r(order, count, sizeof(*order), gr_idle_vm_cmp, NULL, vms);
	return count;
}
EXPORT_SYMBOL_IF_KUNIT(gr_idle_vm_order);

/**
 * gr_idle_bo_eligible() - may idle-vm-first take a BO
 * @vms: activity of the VMs the BO is mapped in
 * @n: number of those VMs
 * @now: the current time (ktime_get())
 * @idle_threshold_ms: the idle_threshold_ms knob
 *
 * Returns: true if the BO is mapped in at least one VM and every VM it is
 * mapped in is eligible (gr_idle_vm_eligible()); false for a BO mapped in
 * no VM, which idle-vm-first leaves to the other policies.
 */
bool gr_idle_bo_eligible(const struct gr_vm_activity *vms, unsigned int n,
			 ktime_t now, u32 idle_threshold_ms)
{
	unsigned int i;

	if (!n)
		return false;
	for (i = 0; i < n; i++)
		if (!gr_idle_vm_eligible(&vms[i], now, idle_threshold_ms))
			return false;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(gr_idle_bo_eligible);

/**
 * gr_refault_interval_ms() - was a VM's restore a refault, and of what reuse
 * interval
 * @idle_at_evict_ms: how long the VM had been idle when reclaim swapped out
 *	its BO
 * @evicted_for_ms: time from that swap-out to this restore
 * @protect_max_ms: the refault_protect_ms knob, 0: off
 *
 * Like the page cache's workingset detection, at the scale of a VM: the VM
 * was idle for @idle_at_evict_ms + @evicted_for_ms before it came back.
 * That is its reuse interval; had reclaim waited that long, the restore
 * would not have been needed.
 *
 * Returns: the reuse interval if it is at most @protect_max_ms (a refault
 * worth protecting against), 0 otherwise.
 */
u32 gr_refault_interval_ms(u64 idle_at_evict_ms, u64 evicted_for_ms,
			   u32 protect_max_ms)
{
	u64 interval = idle_at_evict_ms + evicted_for_ms;

	if (!protect_max_ms || interval > protect_max_ms)
		return 0;
	return interval;
}
EXPORT_SYMBOL_IF_KUNIT(gr_refault_interval_ms);

/**
 * gr_protect_left_ms() - what is left of a VM's refault protection
 * @protect_ms: the protection its last refault gave it (its reuse interval)
 * @since_ms: time since that refault
 * @half_life_ms: the protection halves every this long, 0: none left
 *
 * Returns: @protect_ms halved once per @half_life_ms elapsed; 0 after 32
 * halvings.
 */
u32 gr_protect_left_ms(u32 protect_ms, u64 since_ms, u32 half_life_ms)
{
	u64 halvings;

	if (!protect_ms || !half_life_ms)
		return 0;
	halvings = div64_u64(since_ms, half_life_ms);
	return halvings >= 32 ? 0 : protect_ms >> halvings;
}
EXPORT_SYMBOL_IF_KUNIT(gr_protect_left_ms);
