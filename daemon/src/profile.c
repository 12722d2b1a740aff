// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "profile.h"
#include "util.h"

/* Cheapest first; one entry per kernel policy. */
const char *const policy_names[] = { "discard", "idle-vm-first", "swapout" };
const size_t policy_count = ARRAY_SIZE(policy_names);

#define SEPARATORS " \t\n"

/* The next word of a chain at or after p: its start, its length in *n (0 at the end). */
static const char *next_word(const char *p, size_t *n)
{
	p += strspn(p, SEPARATORS);
	*n = strcspn(p, SEPARATORS);
	return p;
}

/* Appends a word to a space-separated list; false when it does not fit. */
static bool append_word(char *buf, size_t len, size_t *o, const char *w, size_t n)
{
	if (*o + n + 2 > len)
		return false;
	*o += (size_t)sprintf(buf + *o, "%s%.*s", *o ? " " : "", (int)n, w);
	return true;
}

static bool word_in(const char *list, const char *w, size_t wlen)
{
	const char *p = list;
	size_t n;

	while (p = next_word(p, &n), n) {
		if (n == wlen && strncmp(p, w, n) == 0)
			return true;
		p += n;
	}
	return false;
}

int policy_chain_check(const char *chain, char *bad, size_t badlen)
{
	const char *p = chain;
	unsigned seen = 0;
	size_t n, i;

	while (p = next_word(p, &n), n) {
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
	size_t o = 0, d = 0, n;
	int ndropped = 0;

	if (outlen)
		out[0] = '\0';
	if (droplen)
		dropped[0] = '\0';
	while (p = next_word(p, &n), n) {
		if (word_in(available, p, n)) {
			if (!append_word(out, outlen, &o, p, n))
				return -ENOSPC;
		} else {
			ndropped++;
			/* the list of dropped words is for a log line: truncating is fine */
			append_word(dropped, droplen, &d, p, n);
		}
		p += n;
	}
	return ndropped;
}

void policy_chain_normalize(const char *in, char *out, size_t len)
{
	const char *p = in;
	size_t o = 0, n;

	if (len)
		out[0] = '\0';
	while (p = next_word(p, &n), n) {
		if (!append_word(out, len, &o, p, n))
			return;
		p += n;
	}
}
