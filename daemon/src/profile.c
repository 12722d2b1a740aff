// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "profile.h"
#include "util.h"

/* Cheapest first; one entry per kernel policy. */
const char *const policy_names[] = { "discard", "idle-vm-first", "swapout" };
const size_t policy_count = ARRAY_SIZE(policy_names);

static bool word_in(const char *list, const char *w, size_t wlen)
{
	const char *p = list;

	while (*p) {
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		n = strcspn(p, " \t\n");
		if (n && n == wlen && strncmp(p, w, n) == 0)
			return true;
		p += n;
	}
	return false;
}

int policy_chain_check(const char *chain, char *bad, size_t badlen)
{
	const char *p = chain;
	unsigned seen = 0;

	while (*p) {
		size_t n, i;

		while (*p == ' ' || *p == '\t')
			p++;
		n = strcspn(p, " \t");
		if (!n)
			break;
		for (i = 0; i < policy_count; i++)
			if (strlen(policy_names[i]) == n &&
			    strncmp(policy_names[i], p, n) == 0)
				break;
		if (i == policy_count) {
			snprintf(bad, badlen, "unknown policy '%.*s' (known: discard, idle-vm-first, swapout)",
				 (int)(n > 40 ? 40 : n), p);
			return -EINVAL;
		}
		if (seen & (1u << i)) {
			snprintf(bad, badlen, "policy '%s' listed twice",
				 policy_names[i]);
			return -EINVAL;
		}
		seen |= 1u << i;
		p += n;
	}
	return 0;
}

int policy_chain_filter(const char *chain, const char *available,
			char *out, size_t outlen, char *dropped, size_t droplen)
{
	const char *p = chain;
	size_t o = 0, d = 0;
	int ndropped = 0;

	if (outlen)
		out[0] = '\0';
	if (droplen)
		dropped[0] = '\0';
	while (*p) {
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		n = strcspn(p, " \t\n");
		if (!n)
			break;
		if (word_in(available, p, n)) {
			if (o + n + 2 > outlen)
				return -ENOSPC;
			o += (size_t)sprintf(out + o, "%s%.*s", o ? " " : "", (int)n, p);
		} else {
			ndropped++;
			if (d + n + 2 <= droplen)
				d += (size_t)sprintf(dropped + d, "%s%.*s",
						     d ? " " : "", (int)n, p);
		}
		p += n;
	}
	return ndropped;
}

void policy_chain_normalize(const char *in, char *out, size_t len)
{
	const char *p = in;
	size_t o = 0;

	if (len)
		out[0] = '\0';
	while (*p) {
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		n = strcspn(p, " \t\n");
		if (!n)
			break;
		if (o + n + 2 > len)
			return;
		o += (size_t)sprintf(out + o, "%s%.*s", o ? " " : "", (int)n, p);
		p += n;
	}
}
