// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static int log_level = LOG_INFO;
static bool log_journal;
static const char *log_prog = "gemreclaim";

static const struct {
	const char *name;
	int prio;
} log_levels[] = {
	{ "error", LOG_ERR },
	{ "warning", LOG_WARNING },
	{ "info", LOG_INFO },
	{ "debug", LOG_DEBUG },
};

/* n decimal digits at s, nothing else: 0 with *out, -1 when none, not digits or over 64 bits. */
static int log_parse_dec(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (!n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

bool log_journal_stream(const char *env, const struct stat *st)
{
	const char *colon;
	uint64_t dev, ino;

	if (!env || !st || !(colon = strchr(env, ':')))
		return false;
	if (log_parse_dec(env, (size_t)(colon - env), &dev) ||
	    log_parse_dec(colon + 1, strlen(colon + 1), &ino))
		return false;
	return dev == (uint64_t)st->st_dev && ino == (uint64_t)st->st_ino;
}

void log_init(const char *progname)
{
	struct stat st;

	log_prog = progname;
	log_journal = fstat(STDERR_FILENO, &st) == 0 &&
		      log_journal_stream(getenv("JOURNAL_STREAM"), &st);
}

void log_set_level(int prio)
{
	log_level = prio;
}

int log_get_level(void)
{
	return log_level;
}

int log_level_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++)
		if (strcmp(name, log_levels[i].name) == 0)
			return log_levels[i].prio;
	return -1;
}

const char *log_level_name(int prio)
{
	for (size_t i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++)
		if (log_levels[i].prio == prio)
			return log_levels[i].name;
	return "?";
}

void log_msg(int prio, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (prio > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (log_journal)
		fprintf(stderr, "<%d>%s\n", prio, buf);
	else
		fprintf(stderr, "%s: %s%s\n", log_prog,
			prio <= LOG_ERR ? "error: " :
			prio == LOG_WARNING ? "warning: " : "", buf);
}
