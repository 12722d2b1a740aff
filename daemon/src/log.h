/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * log.h - leveled logging for gemreclaimd and gemreclaimctl.
 *
 * Messages go to stderr. When stderr is connected to the journal
 * (JOURNAL_STREAM is set, as systemd does for services), each line is
 * prefixed with a "<N>" syslog priority so journald keeps the level.
 */
#ifndef GR_LOG_H
#define GR_LOG_H

#include <syslog.h>

void log_init(const char *progname);
void log_set_level(int prio);
int log_get_level(void);
/* Returns the syslog priority for "error", "warning", "info", "debug", or -1. */
int log_level_parse(const char *name);
const char *log_level_name(int prio);

void log_msg(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)   log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
