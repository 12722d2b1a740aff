/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * knobs.h - one reclaim-capable DRM device: its knobs in sysfs
 * (<sys>/class/drm/cardN/device/reclaim/<knob>) and its observability files
 * in debugfs (<debugfs>/dri/N/reclaim/{stats,bos,vms,shrink}).
 *
 * The daemon takes a device over with device_save() (remember the knob
 * values found), moves knobs with device_apply(), and gives it back with
 * device_restore(). Writes are skipped when the value last written is
 * unchanged; in dry-run mode writes are only logged.
 */
#ifndef GR_KNOBS_H
#define GR_KNOBS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "profile.h"
#include "table.h"
#include "util.h"

#define KNOB_VAL_LEN 256

/* The tunables the daemon saves, sets and restores; one entry per knob. */
enum knob_id {
	KNOB_POLICY,
	KNOB_IDLE_THRESHOLD_MS,
	KNOB_MIN_RESIDENT_MB,
	KNOB_COUNT
};

struct knob_desc {
	const char *name;
	unsigned profile_bit;	/* PROFILE_* that sets it */
};

extern const struct knob_desc knob_table[KNOB_COUNT];

struct device {
	char name[32];			/* "card0" */
	int minor;			/* DRM minor: debugfs dri/<minor> */
	char driver[64];		/* "" if unknown */
	char sysdir[PATH_MAX];		/* .../cardN/device/reclaim */
	char dbgdir[PATH_MAX];		/* .../dri/N/reclaim */
	char available[KNOB_VAL_LEN];	/* available_policies */
	bool saved_valid;
	char saved[KNOB_COUNT][KNOB_VAL_LEN];
	bool last_valid[KNOB_COUNT];
	char last[KNOB_COUNT][KNOB_VAL_LEN];
};

/* Parse "cardN" -> N; -EINVAL for anything else (e.g. "card0-HDMI-A-1"). */
int card_minor(const char *sysname);
/* Fill d for sysname under the given roots. -ENODEV if no reclaim dir. */
int device_open(struct device *d, const struct roots *r, const char *sysname);
bool device_has_debugfs(const struct device *d);
int device_knob_read(const struct device *d, const char *knob, char *buf, size_t len);
/* Write any file in the sysfs reclaim dir (gemreclaimctl set). */
int device_knob_write_raw(const struct device *d, const char *knob, const char *value);
int device_knob_write(struct device *d, enum knob_id k, const char *value, bool dry_run);
int device_save(struct device *d);
/* Returns the number of knobs that could not be restored. */
int device_restore(struct device *d, bool dry_run);
/*
 * Knob values for a profile (pure): a knob the profile sets comes from it,
 * otherwise from the baseline profile, otherwise the value saved at
 * takeover. The policy chain is filtered against available (when known);
 * dropped policies are returned in dropped.
 */
void profile_resolve(const struct profile *p, const struct profile *baseline,
		     const char saved[KNOB_COUNT][KNOB_VAL_LEN], const char *available,
		     char out[KNOB_COUNT][KNOB_VAL_LEN], char *dropped, size_t droplen);
/* Apply a level's profile (and its one-shot shrink when do_shrink). */
int device_apply(struct device *d, const struct profile *p,
		 const struct profile *baseline, bool do_shrink, bool dry_run);
/* Ask the device to reclaim bytes now (rounded to pages); tgid <= 0: all. */
int device_shrink(const struct device *d, uint64_t bytes, int tgid, bool dry_run);
/*
 * One shrink request of pages (> 0; tgid <= 0: all) to device_shrink_path()'s
 * file, and its result, read back from the same open file once the write
 * has returned (the kernel stores a request's result before its write
 * returns, and keeps only the last one); the sysfs file's EAGAIN (fewer
 * pages freed than asked) is a result, not an error. 0 with *freed set;
 * -errno of the open or the write, nothing read back; -EBADMSG when what
 * reads back is not a page count. reply gets the text read back ("" when
 * none).
 */
int device_shrink_pages(const struct device *d, uint64_t pages, int tgid, uint64_t *freed,
			char *reply, size_t len);
/*
 * "freed 16.0 MiB (4096 pages) of 8.0 MiB asked" (raw: byte counts as
 * plain numbers, "16777216 bytes"). Byte counts saturate at UINT64_MAX.
 */
void shrink_result_text(char *buf, size_t len, uint64_t freed_pages, uint64_t asked_pages,
			uint64_t page_size, bool raw);
/*
 * Knobs holding a number: idle_threshold_ms and min_resident_mb (names
 * ending in _ms or _mb); the others (policy, available_policies) hold text.
 */
bool knob_is_numeric(const char *name);
/*
 * Check a value before it is written to knob: for a numeric knob, decimal
 * digits only (the kernel checks the range). 0, or -EINVAL (not a number)
 * or -ERANGE (more than 64 bits) with the reason in why.
 */
int knob_value_check(const char *knob, const char *value, char *why, size_t len);
/* A knob's value as JSON: a number for a numeric knob (null if it is not one), else a string. */
void knob_print_json(FILE *out, const char *knob, const char *value);
int device_read_stats(const struct device *d, struct stats *s);
/* which: "bos" or "vms" */
int device_read_table(const struct device *d, const char *which, struct table *t);
int device_dbg_path(const struct device *d, const char *file, char *buf, size_t len);
/*
 * The file shrink requests go to: the sysfs one (<sysdir>/shrink, *sysfs
 * true) when the kernel has it, which works under kernel lockdown, else
 * the debugfs one. 0 or -ENAMETOOLONG.
 */
int device_shrink_path(const struct device *d, char *buf, size_t len, bool *sysfs);
/* A shrink request can be made: a sysfs shrink file or a debugfs directory. */
bool device_can_shrink(const struct device *d);

#endif
