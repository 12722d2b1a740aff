/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * util.h - small helpers shared by gemreclaimd and gemreclaimctl: strict
 * number and size parsing, human-readable sizes, whole-file read/write of
 * sysfs-style attributes, and the settable filesystem roots.
 */
#ifndef GR_UTIL_H
#define GR_UTIL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The roots every reader uses. Defaults are /proc, /sys and
 * /sys/kernel/debug; GEMRECLAIM_ROOT=<dir> prefixes all three (so a test
 * builds <dir>/proc, <dir>/sys, <dir>/sys/kernel/debug), and the
 * --proc-root/--sysfs-root/--debugfs-root options override each one.
 */
struct roots {
	char proc[PATH_MAX];
	char sys[PATH_MAX];
	char debugfs[PATH_MAX];
};

void roots_init(struct roots *r);
/*
 * The kernel lockdown mode in force ("integrity", "confidentiality"), from
 * <sys>/kernel/security/lockdown (the bracketed word), into buf; false if
 * it is "none" or cannot be read.
 */
bool lockdown_active(const struct roots *r, char *buf, size_t len);

/* What gemreclaimd's state file says (gemreclaimd.8, "STATE FILE"). */
struct daemon_state {
	long pid;
	char level[64];
	long long since;		/* epoch seconds */
	char last_action[256];
	long long last_action_at;	/* epoch seconds, 0: none */
	long devices;
	bool dry_run;
};

/*
 * Parse the key=value text of a state file: 0, or -EBADMSG when pid or
 * level is missing or a number is malformed. Unknown keys are ignored.
 */
int daemon_state_parse(const char *text, struct daemon_state *st);
/*
 * The state file's path: $GEMRECLAIM_ROOT/run/gemreclaim/state under a
 * fake root, /run/gemreclaim/state otherwise.
 */
int daemon_state_path(char *buf, size_t len);
/* True when all roots are the real system ones (libudev can be used). */
bool roots_are_system(const struct roots *r);

/* Strict unsigned decimal parse of the whole string (surrounding blanks ok). */
int parse_u64(const char *s, uint64_t *out);
/* The same, signed: an optional '-' before the digits; -ERANGE outside int64_t. */
int parse_i64(const char *s, int64_t *out);
/* Largest pid Linux hands out on 64-bit (PID_MAX_LIMIT), the kernel's tgid= bound. */
#define GR_PID_MAX 4194304
/*
 * A process id: decimal digits only, no blanks or sign. -EINVAL when not a
 * number, -ERANGE outside 1..GR_PID_MAX (an overflow included).
 */
int parse_pid(const char *s, int *out);
/* "4096", "64K", "64M", "1G", "2T", "1.5G", optional "B"/"iB"; binary units. */
int parse_size(const char *s, uint64_t *out);
/* "512 B", "4.0 KiB", "1.5 MiB", ... */
void format_size(uint64_t bytes, char *buf, size_t len);

/* Trim leading/trailing whitespace in place; returns the start. */
char *strtrim(char *s);
/* snprintf that returns -ENAMETOOLONG on truncation, 0 otherwise. */
int path_fmt(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Read a small file, strip the trailing newline. 0 or -errno. */
int read_text(const char *path, char *buf, size_t len);
/* Write a string (plus newline) in one write(2). 0 or -errno. */
int write_text(const char *path, const char *s);

/* CLOCK_MONOTONIC in milliseconds, and in microseconds. */
uint64_t now_ms(void);
uint64_t now_us(void);

#endif
