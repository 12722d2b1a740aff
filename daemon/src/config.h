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
#define CFG_MAX_LEVELS 8
#define CFG_MAX_MATCH 8
#define CFG_NAME_LEN 32
#define CFG_MAX_ERRORS 16

struct level {
	char name[CFG_NAME_LEN];
	enum psi_kind kind;
	uint32_t stall_us;
	uint32_t window_us;
	struct profile prof;
};

struct proactive {
	bool enabled;
	double target_pct;	/* some avg10 below which trimming runs */
	uint32_t interval_ms;	/* at most one step per interval */
	uint32_t step_mb;	/* largest step, scaled down near the target */
	uint32_t backoff_ms;	/* pause after pressure reached the target */
	uint32_t idle_ms;	/* only memory of VMs idle this long counts */
};

struct config {
	int log_level;			/* syslog priority */
	bool dry_run;
	bool lock_memory;	/* mlockall(MCL_ONFAULT): pages used stay in RAM */
	char metrics_file[PATH_MAX];	/* "" disables */
	uint32_t metrics_interval_ms;

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
};

void config_defaults(struct config *c);
/*
 * Load a file on top of the defaults into *c. Returns 0 on success,
 * -ENOENT if the file does not exist (c untouched), -EINVAL with diagnostics
 * in *d otherwise (c untouched).
 */
int config_load_file(struct config *c, const char *path, struct cfg_diag *d);
/* Same for in-memory text; name is used in messages. */
int config_load_string(struct config *c, const char *text, const char *name,
		       struct cfg_diag *d);
/* "file:line: option 'x': msg" */
void cfg_error_format(const struct cfg_error *e, char *buf, size_t len);
/* A cooldown shorter than a trigger window would flap; largest window in ms. */
uint32_t config_max_window_ms(const struct config *c);

#endif
