/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * log.h - leveled logging for gemreclaimd and gemreclaimctl.
 *
 * Messages go to stderr. When stderr is connected to the journal, each
 * line is prefixed with a "<N>" syslog priority so journald keeps the
 * level. systemd sets JOURNAL_STREAM to "DEV:INO" of the stream it gives a
 * service (systemd.exec(5)); a child, such as a shell started from the
 * service, inherits the variable with another stderr, so stderr must be
 * that very file (sd_journal_stream_fd(3)), not merely the variable set.
 */
#ifndef GR_LOG_H
#define GR_LOG_H

#include <stdbool.h>
#include <sys/stat.h>
#include <syslog.h>

/*
 * True when env, the value of JOURNAL_STREAM ("DEV:INO", both decimal),
 * names the file st describes (st_dev and st_ino). False for NULL, for a
 * malformed or overflowing value, and for another file (pure).
 */
bool log_journal_stream(const char *env, const struct stat *st);
/* Reads JOURNAL_STREAM and fstat()s stderr (log_journal_stream decides). */
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
