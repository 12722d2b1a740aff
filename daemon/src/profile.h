/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * profile.h - knob profiles and pure helpers around them: the table of
 * known reclaim policies, policy-chain validation against that table or a
 * device's available_policies, and picking the profile for a level.
 */
#ifndef GR_PROFILE_H
#define GR_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROFILE_POLICY_LEN 128

/* Bits of profile.has: which knobs the profile sets. */
enum {
	PROFILE_POLICY = 1u << 0,
	PROFILE_IDLE_THRESHOLD = 1u << 1,
	PROFILE_MIN_RESIDENT = 1u << 2,
	PROFILE_SHRINK = 1u << 3,
};

struct profile {
	unsigned has;
	char policy[PROFILE_POLICY_LEN];	/* space-separated chain; "" disables */
	uint32_t idle_threshold_ms;
	uint32_t min_resident_mb;
	uint32_t shrink_mb;			/* one-shot shrink on entering the level */
};

/* The policies the daemon knows about (kernel contract). */
extern const char *const policy_names[];
extern const size_t policy_count;

/*
 * Validate a policy chain: each word a known policy, no repeats.
 * Returns 0, or -EINVAL with the offending word (or reason) in bad.
 */
int policy_chain_check(const char *chain, char *bad, size_t badlen);
/*
 * Keep only the policies of chain listed in available (space separated),
 * preserving order. Dropped names are written space-separated to dropped.
 * Returns the number dropped, or -ENOSPC.
 */
int policy_chain_filter(const char *chain, const char *available,
			char *out, size_t outlen, char *dropped, size_t droplen);
/* Canonical form: single spaces, no leading/trailing blanks. */
void policy_chain_normalize(const char *in, char *out, size_t len);

#endif
