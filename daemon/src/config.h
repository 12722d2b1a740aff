/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * config.h - gemreclaimd configuration: defaults and libconfig loading.
 *
 * Every option has a default (config_defaults), so the daemon runs with no
 * file. Options are described by tables in config.c (name, type, range,
 * validator); adding an option is one table entry. Loading never modifies
 * the caller's config on error: it builds a new one and copies it out only
 * when the whole file is valid, so a failed reload keeps the old settings.
 */
#ifndef GR_CONFIG_H
#define GR_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "profile.h"
#include "psi.h"

#define CFG_DEFAULT_PATH "/etc/gemreclaim/gemreclaimd.conf"
/* gemreclaimd's level and last action, for gemreclaimctl status */
#define CFG_DEFAULT_STATE_FILE "/run/gemreclaim/state"
#define CFG_MAX_LEVELS 8
#define CFG_MAX_MATCH 8
#define CFG_NAME_LEN 32
#define CFG_MAX_ERRORS 16
#define CFG_MAX_CGROUPS 16	/* entries of cgroup_trim.cgroups */
#define CFG_GLOB_LEN 256
#define CFG_MAX_WARNINGS 8
/*
 * Files: each file read (the main one, an @include'd one, a drop-in) must
 * be a regular file of at most CFG_MAX_FILE_BYTES; the text handed to
 * libconfig for one file with its @include'd files is at most
 * CFG_MAX_TEXT_BYTES, which bounds the parse time (libconfig's scanner is
 * slow on very long lines: a 3 MB one took 4 s).
 */
#define CFG_MAX_FILE_BYTES (1024 * 1024)
#define CFG_MAX_TEXT_BYTES (1024 * 1024)
#define CFG_MAX_INCLUDE_DEPTH 10
#define CFG_MAX_DROPINS 64	/* <path>.d/ *.conf files */

struct level {
	char name[CFG_NAME_LEN];
	enum psi_kind kind;
	uint32_t stall_us;
	uint32_t window_us;
	struct profile prof;
};

struct proactive {
	bool enabled;
	double target_pct;	/* some stall since the last look, below which trimming runs */
	uint32_t interval_ms;	/* at most one step per interval */
	uint32_t step_mb;	/* largest step, scaled down near the target */
	uint32_t backoff_ms;	/* pause after pressure reached the target */
	uint32_t idle_ms;	/* only memory of VMs idle this long counts */
};

/* cgroup_trim: what a cgroup matched by an entry is to the daemon. */
enum cg_role { CG_BACKGROUND, CG_FOREGROUND };

struct cg_entry {
	char path[CFG_GLOB_LEN];	/* glob relative to cgroup_trim.root */
	enum cg_role role;
};

/*
 * Proactive trimming of background cgroups through their memory.reclaim,
 * driven by each cgroup's own memory.pressure (TMO/Senpai control law, see
 * cgtrim.h). Off unless the cgroup_trim section is present.
 */
struct cgroup_trim {
	bool enabled;			/* the section is in the file */
	char root[PATH_MAX];		/* the cgroup2 mount */
	uint32_t interval_ms;		/* one step per cgroup per interval */
	double target_pct;		/* some stall, percent of the interval */
	double ratio;			/* of memory.current, at zero pressure */
	double max_step_ratio;		/* cap: fraction of memory.current */
	uint64_t max_step_bytes;	/* cap in bytes, 0: none */
	uint64_t min_bytes;		/* floor: never trimmed below */
	size_t nentries;
	struct cg_entry entries[CFG_MAX_CGROUPS];	/* first match wins */
};

struct config {
	int log_level;			/* syslog priority */
	bool dry_run;
	bool lock_memory;	/* mlockall(MCL_ONFAULT): pages used stay in RAM */
	char metrics_file[PATH_MAX];	/* "" disables */
	uint32_t metrics_interval_ms;
	char state_file[PATH_MAX];	/* "" disables */

	char pressure_source[PATH_MAX];	/* "system" or a memory.pressure path */
	uint32_t poll_interval_ms;	/* fallback average polling */
	uint32_t cooldown_ms;		/* quiet time before stepping down */
	uint32_t rearm_delay_ms;	/* first retry after POLLERR, doubles */
	uint32_t rearm_max_ms;

	size_t ndrivers;
	char drivers[CFG_MAX_MATCH][CFG_NAME_LEN];
	size_t ncards;
	char cards[CFG_MAX_MATCH][CFG_NAME_LEN];

	struct profile baseline;	/* level 0; unset knobs keep the values found */
	size_t nlevels;
	struct level levels[CFG_MAX_LEVELS];	/* index = severity - 1 */
	struct proactive proactive;
	struct cgroup_trim cgtrim;
};

struct cfg_error {
	char file[128];
	int line;		/* 0 when unknown */
	char option[96];	/* "" for syntax errors */
	char msg[256];
};

struct cfg_diag {
	int n;
	struct cfg_error e[CFG_MAX_ERRORS];
	int nwarn;		/* warnings: the load still succeeds */
	struct cfg_error w[CFG_MAX_WARNINGS];
};

/* What config_load_all() read. */
struct cfg_loaded {
	bool main_missing;	/* an optional main file was absent */
	int ndropins;		/* <path>.d/ *.conf files read */
};

void config_defaults(struct config *c);
/*
 * Load a file on top of the defaults into *c. Returns 0 on success,
 * -ENOENT if the file does not exist (c untouched), -EINVAL with diagnostics
 * in *d otherwise (c untouched).
 */
int config_load_file(struct config *c, const char *path, struct cfg_diag *d);
/*
 * The main file, then the drop-ins <path>.d/ *.conf in lexical (strcmp)
 * order; a top-level setting in a later file replaces the same setting of
 * every earlier file as a whole (a group is not merged key by key). With
 * optional (the default path), a missing main file is not an error: the
 * defaults and the drop-ins then apply and info->main_missing is set.
 * Otherwise a missing main file is -ENOENT with the error in *d. 0 or
 * -EINVAL with diagnostics (c untouched).
 */
int config_load_all(struct config *c, const char *path, bool optional,
		    struct cfg_diag *d, struct cfg_loaded *info);
/* Same for in-memory text; name is used in messages. */
int config_load_string(struct config *c, const char *text, const char *name,
		       struct cfg_diag *d);
/*
 * Called for each devices.drivers entry when set: false (with what is
 * present in why) adds a warning naming the entry. NULL: no check.
 */
typedef bool (*cfg_driver_check_fn)(const char *name, void *ud, char *why, size_t len);
void config_set_driver_check(cfg_driver_check_fn fn, void *ud);
/* "file:line: option 'x': msg" */
void cfg_error_format(const struct cfg_error *e, char *buf, size_t len);
/* "background" / "foreground" */
const char *cg_role_name(enum cg_role r);
int cg_role_parse(const char *s, enum cg_role *r);
/*
 * A cgroup_trim path glob: relative (no leading '/'), no empty, "." or
 * ".." component, no trailing '/', brackets closed, no trailing '\'.
 * 0, or -EINVAL with the reason in why.
 */
int cg_glob_check(const char *s, char *why, size_t len);
/* A cooldown shorter than a trigger window would flap; largest window in ms. */
uint32_t config_max_window_ms(const struct config *c);

#endif
