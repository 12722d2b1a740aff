// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static int log_level = LOG_INFO;
static int log_journal;
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

void log_init(const char *progname)
{
	log_prog = progname;
	log_journal = getenv("JOURNAL_STREAM") != NULL;
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
