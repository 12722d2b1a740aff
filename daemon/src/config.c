// SPDX-License-Identifier: GPL-2.0-only
/*
 * config.c - libconfig loading driven by option tables.
 *
 * Rules:
 *  - the file is applied on top of a fresh copy of the defaults, and the
 *    result is copied to the caller only when no error was found;
 *  - each option is checked for type, range and (for strings) a validator,
 *    and every problem is reported with file, line and option path;
 *  - unknown options are errors (a typo must not silently do nothing).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "config.h"
#include "log.h"
#include "util.h"

enum opt_type {
	OPT_BOOL,
	OPT_U32,
	OPT_FLOAT,
	OPT_STRING,
	OPT_STRLIST,
	OPT_LOGLEVEL,	/* string -> syslog priority (int) */
	OPT_KIND,	/* "some" | "full" -> enum psi_kind */
	OPT_GROUP,
	OPT_LEVELS,
	OPT_SIZE,	/* bytes: an integer, or a string with a unit ("64M") */
	OPT_ROLE,	/* "background" | "foreground" -> enum cg_role */
	OPT_CGLIST,	/* cgroup_trim.cgroups: a list of groups */
};

typedef int (*opt_check_fn)(const char *s, char *why, size_t len);

struct opt {
	const char *name;
	enum opt_type type;
	size_t off;		/* into the struct the table describes */
	size_t size;		/* STRING: buffer size; STRLIST: element size */
	size_t count_off;	/* STRLIST: offset of the size_t count */
	size_t max_elems;	/* STRLIST */
	double min, max;	/* U32, FLOAT, SIZE */
	bool min_open;		/* FLOAT: the minimum itself is out of range */
	opt_check_fn check;	/* STRING, STRLIST elements */
	unsigned has;		/* profile bit to set when the option is given */
	const struct opt *sub;	/* GROUP */
	bool required;
};

#define OPT_END { .name = NULL }

static int check_source(const char *s, char *why, size_t len)
{
	if (strcmp(s, "system") == 0 || s[0] == '/')
		return 0;
	snprintf(why, len, "must be \"system\" or an absolute path to a cgroup v2 memory.pressure file or cgroup directory");
	return -EINVAL;
}

static int check_abs_or_empty(const char *s, char *why, size_t len)
{
	if (!*s || s[0] == '/')
		return 0;
	snprintf(why, len, "must be empty or an absolute path");
	return -EINVAL;
}

static int check_abs(const char *s, char *why, size_t len)
{
	if (s[0] == '/')
		return 0;
	snprintf(why, len, "must be an absolute path");
	return -EINVAL;
}

static int check_glob(const char *s, char *why, size_t len)
{
	return cg_glob_check(s, why, len);
}

static int check_policy(const char *s, char *why, size_t len)
{
	return policy_chain_check(s, why, len);
}

static int check_card(const char *s, char *why, size_t len)
{
	const char *p = s;

	if (strncmp(p, "card", 4) == 0 && p[4]) {
		for (p += 4; *p >= '0' && *p <= '9'; p++)
			;
		if (!*p)
			return 0;
	}
	snprintf(why, len, "'%.40s' is not a card name like \"card0\"", s);
	return -EINVAL;
}

static int check_name(const char *s, char *why, size_t len)
{
	if (!*s) {
		snprintf(why, len, "must not be empty");
		return -EINVAL;
	}
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-')) {
			snprintf(why, len, "only letters, digits, '_' and '-' are allowed");
			return -EINVAL;
		}
	return 0;
}

#define PROFILE_OPTS(T, m)						\
	{ .name = "policy", .type = OPT_STRING,				\
	  .off = offsetof(T, m.policy), .size = PROFILE_POLICY_LEN,	\
	  .check = check_policy, .has = PROFILE_POLICY },		\
	{ .name = "idle_threshold_ms", .type = OPT_U32,			\
	  .off = offsetof(T, m.idle_threshold_ms), .min = 0,		\
	  .max = 86400000, .has = PROFILE_IDLE_THRESHOLD },		\
	{ .name = "min_resident_mb", .type = OPT_U32,			\
	  .off = offsetof(T, m.min_resident_mb), .min = 0,		\
	  .max = 1048576, .has = PROFILE_MIN_RESIDENT },		\
	{ .name = "shrink_mb", .type = OPT_U32,				\
	  .off = offsetof(T, m.shrink_mb), .min = 0, .max = 1048576,	\
	  .has = PROFILE_SHRINK }

struct baseline_wrap {
	struct profile p;
};

static const struct opt baseline_opts[] = {
	PROFILE_OPTS(struct baseline_wrap, p),
	OPT_END
};

static const struct opt level_opts[] = {
	{ .name = "name", .type = OPT_STRING, .off = offsetof(struct level, name),
	  .size = CFG_NAME_LEN, .check = check_name },
	{ .name = "trigger", .type = OPT_KIND, .off = offsetof(struct level, kind) },
	{ .name = "stall_us", .type = OPT_U32, .off = offsetof(struct level, stall_us),
	  .min = 1, .max = PSI_WINDOW_MAX_US, .required = true },
	{ .name = "window_us", .type = OPT_U32, .off = offsetof(struct level, window_us),
	  .min = PSI_WINDOW_MIN_US, .max = PSI_WINDOW_MAX_US, .required = true },
	PROFILE_OPTS(struct level, prof),
	OPT_END
};

static const struct opt pressure_opts[] = {
	{ .name = "source", .type = OPT_STRING,
	  .off = offsetof(struct config, pressure_source), .size = PATH_MAX,
	  .check = check_source },
	{ .name = "poll_interval_ms", .type = OPT_U32,
	  .off = offsetof(struct config, poll_interval_ms), .min = 100, .max = 600000 },
	{ .name = "cooldown_ms", .type = OPT_U32,
	  .off = offsetof(struct config, cooldown_ms), .min = 0, .max = 3600000 },
	{ .name = "rearm_delay_ms", .type = OPT_U32,
	  .off = offsetof(struct config, rearm_delay_ms), .min = 10, .max = 600000 },
	{ .name = "rearm_max_ms", .type = OPT_U32,
	  .off = offsetof(struct config, rearm_max_ms), .min = 10, .max = 3600000 },
	OPT_END
};

static const struct opt devices_opts[] = {
	{ .name = "drivers", .type = OPT_STRLIST,
	  .off = offsetof(struct config, drivers), .size = CFG_NAME_LEN,
	  .count_off = offsetof(struct config, ndrivers),
	  .max_elems = CFG_MAX_MATCH, .check = check_name },
	{ .name = "cards", .type = OPT_STRLIST,
	  .off = offsetof(struct config, cards), .size = CFG_NAME_LEN,
	  .count_off = offsetof(struct config, ncards),
	  .max_elems = CFG_MAX_MATCH, .check = check_card },
	OPT_END
};

static const struct opt proactive_opts[] = {
	{ .name = "enabled", .type = OPT_BOOL, .off = offsetof(struct proactive, enabled) },
	{ .name = "target_pct", .type = OPT_FLOAT,
	  .off = offsetof(struct proactive, target_pct), .min = 0.01, .max = 100 },
	{ .name = "interval_ms", .type = OPT_U32,
	  .off = offsetof(struct proactive, interval_ms), .min = 1000, .max = 3600000 },
	{ .name = "step_mb", .type = OPT_U32,
	  .off = offsetof(struct proactive, step_mb), .min = 1, .max = 65536 },
	{ .name = "backoff_ms", .type = OPT_U32,
	  .off = offsetof(struct proactive, backoff_ms), .min = 0, .max = 3600000 },
	{ .name = "idle_ms", .type = OPT_U32,
	  .off = offsetof(struct proactive, idle_ms), .min = 0, .max = 86400000 },
	OPT_END
};

static const struct opt cgentry_opts[] = {
	{ .name = "path", .type = OPT_STRING, .off = offsetof(struct cg_entry, path),
	  .size = CFG_GLOB_LEN, .check = check_glob, .required = true },
	{ .name = "role", .type = OPT_ROLE, .off = offsetof(struct cg_entry, role),
	  .required = true },
	OPT_END
};

#define GIB (1024.0 * 1024.0 * 1024.0)

static const struct opt cgtrim_opts[] = {
	{ .name = "root", .type = OPT_STRING,
	  .off = offsetof(struct cgroup_trim, root), .size = PATH_MAX,
	  .check = check_abs },
	{ .name = "interval_ms", .type = OPT_U32,
	  .off = offsetof(struct cgroup_trim, interval_ms), .min = 500, .max = 3600000 },
	{ .name = "target_pct", .type = OPT_FLOAT,
	  .off = offsetof(struct cgroup_trim, target_pct), .min = 0, .max = 100,
	  .min_open = true },
	{ .name = "ratio", .type = OPT_FLOAT,
	  .off = offsetof(struct cgroup_trim, ratio), .min = 0, .max = 1, .min_open = true },
	{ .name = "max_step_ratio", .type = OPT_FLOAT,
	  .off = offsetof(struct cgroup_trim, max_step_ratio), .min = 0, .max = 1,
	  .min_open = true },
	{ .name = "max_step_bytes", .type = OPT_SIZE,
	  .off = offsetof(struct cgroup_trim, max_step_bytes), .min = 0, .max = 1024 * GIB },
	{ .name = "min_bytes", .type = OPT_SIZE,
	  .off = offsetof(struct cgroup_trim, min_bytes), .min = 0, .max = 1024 * GIB },
	{ .name = "cgroups", .type = OPT_CGLIST, .required = true },
	OPT_END
};

static const struct opt root_opts[] = {
	{ .name = "log_level", .type = OPT_LOGLEVEL, .off = offsetof(struct config, log_level) },
	{ .name = "dry_run", .type = OPT_BOOL, .off = offsetof(struct config, dry_run) },
	{ .name = "lock_memory", .type = OPT_BOOL, .off = offsetof(struct config, lock_memory) },
	{ .name = "metrics_file", .type = OPT_STRING,
	  .off = offsetof(struct config, metrics_file), .size = PATH_MAX,
	  .check = check_abs_or_empty },
	{ .name = "metrics_interval_ms", .type = OPT_U32,
	  .off = offsetof(struct config, metrics_interval_ms), .min = 1000, .max = 3600000 },
	{ .name = "pressure", .type = OPT_GROUP, .off = 0, .sub = pressure_opts },
	{ .name = "devices", .type = OPT_GROUP, .off = 0, .sub = devices_opts },
	{ .name = "baseline", .type = OPT_GROUP,
	  .off = offsetof(struct config, baseline), .sub = baseline_opts },
	{ .name = "levels", .type = OPT_LEVELS },
	{ .name = "proactive", .type = OPT_GROUP,
	  .off = offsetof(struct config, proactive), .sub = proactive_opts },
	{ .name = "cgroup_trim", .type = OPT_GROUP,
	  .off = offsetof(struct config, cgtrim), .sub = cgtrim_opts },
	OPT_END
};

void config_defaults(struct config *c)
{
	static const struct level def_levels[] = {
		{ .name = "some", .kind = PSI_SOME, .stall_us = 100000,
		  .window_us = 2000000,
		  .prof = { .has = PROFILE_POLICY | PROFILE_IDLE_THRESHOLD,
			    .policy = "discard idle-vm-first swapout",
			    .idle_threshold_ms = 5000 } },
		{ .name = "medium", .kind = PSI_SOME, .stall_us = 300000,
		  .window_us = 2000000,
		  .prof = { .has = PROFILE_POLICY | PROFILE_IDLE_THRESHOLD,
			    .policy = "discard idle-vm-first swapout",
			    .idle_threshold_ms = 3000 } },
		{ .name = "critical", .kind = PSI_FULL, .stall_us = 200000,
		  .window_us = 2000000,
		  .prof = { .has = PROFILE_POLICY | PROFILE_IDLE_THRESHOLD |
				   PROFILE_MIN_RESIDENT | PROFILE_SHRINK,
			    .policy = "discard idle-vm-first swapout",
			    .idle_threshold_ms = 2000, .min_resident_mb = 0,
			    .shrink_mb = 64 } },
	};

	memset(c, 0, sizeof(*c));
	c->log_level = LOG_INFO;
	c->lock_memory = true;
	c->metrics_interval_ms = 15000;
	strcpy(c->pressure_source, "system");
	c->poll_interval_ms = 2000;
	c->cooldown_ms = 30000;
	c->rearm_delay_ms = 1000;
	c->rearm_max_ms = 60000;
	c->nlevels = ARRAY_SIZE(def_levels);
	memcpy(c->levels, def_levels, sizeof(def_levels));
	c->proactive.target_pct = 0.1;
	c->proactive.interval_ms = 6000;
	c->proactive.step_mb = 16;
	c->proactive.backoff_ms = 60000;
	c->proactive.idle_ms = 30000;
	/* TMO/Senpai's figures: 6 s, 0.1 %, 0.05 % of the memory, at most 1 % */
	strcpy(c->cgtrim.root, "/sys/fs/cgroup");
	c->cgtrim.interval_ms = 6000;
	c->cgtrim.target_pct = 0.1;
	c->cgtrim.ratio = 0.0005;
	c->cgtrim.max_step_ratio = 0.01;
}

const char *cg_role_name(enum cg_role r)
{
	return r == CG_FOREGROUND ? "foreground" : "background";
}

int cg_role_parse(const char *s, enum cg_role *r)
{
	if (strcmp(s, "background") == 0)
		*r = CG_BACKGROUND;
	else if (strcmp(s, "foreground") == 0)
		*r = CG_FOREGROUND;
	else
		return -EINVAL;
	return 0;
}

int cg_glob_check(const char *s, char *why, size_t len)
{
	const char *p = s;

	if (!*s) {
		snprintf(why, len, "must not be empty");
		return -EINVAL;
	}
	if (*s == '/') {
		snprintf(why, len, "must be relative to cgroup_trim.root (no leading '/')");
		return -EINVAL;
	}
	/* components: no "", ".", ".." (the glob must stay below the root) */
	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) {
			snprintf(why, len, "empty, '.' or '..' path component");
			return -EINVAL;
		}
		if (e && !e[1]) {
			snprintf(why, len, "trailing '/'");
			return -EINVAL;
		}
		p += n + (e ? 1 : 0);
	}
	/* brackets as glob(3) reads them: '[' then an optional '!'/']' then up to ']' */
	for (p = s; *p; p++) {
		if (*p == '\\') {
			if (!p[1]) {
				snprintf(why, len, "trailing '\\'");
				return -EINVAL;
			}
			p++;
			continue;
		}
		if (*p != '[')
			continue;
		p++;
		if (*p == '!' || *p == '^')
			p++;
		if (*p == ']')
			p++;
		while (*p && *p != ']' && *p != '/')
			p++;
		if (*p != ']') {
			snprintf(why, len, "unmatched '['");
			return -EINVAL;
		}
	}
	return 0;
}

struct cfg_ctx {
	struct cfg_diag *d;
	const char *file;
	int errors;
};

static const char *cfg_type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP: return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64: return "an integer";
	case CONFIG_TYPE_FLOAT: return "a number";
	case CONFIG_TYPE_STRING: return "a string";
	case CONFIG_TYPE_BOOL: return "a boolean";
	case CONFIG_TYPE_ARRAY: return "an array";
	case CONFIG_TYPE_LIST: return "a list";
	default: return "nothing";
	}
}

static void cfg_err(struct cfg_ctx *x, const config_setting_t *s,
		    const char *option, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void cfg_err(struct cfg_ctx *x, const config_setting_t *s,
		    const char *option, const char *fmt, ...)
{
	struct cfg_error *e;
	va_list ap;

	x->errors++;
	if (!x->d || x->d->n >= CFG_MAX_ERRORS)
		return;
	e = &x->d->e[x->d->n++];
	snprintf(e->file, sizeof(e->file), "%s",
		 s && config_setting_source_file(s) ? config_setting_source_file(s) : x->file);
	e->line = s ? config_setting_source_line(s) : 0;
	snprintf(e->option, sizeof(e->option), "%s", option ? option : "");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

static void cfg_group(struct cfg_ctx *x, const config_setting_t *grp,
		      const struct opt *tab, char *base, unsigned *has,
		      const char *prefix);

static void cfg_string_into(struct cfg_ctx *x, const config_setting_t *s,
			    const struct opt *o, const char *path, char *dst)
{
	const char *v = config_setting_get_string(s);
	char why[160];

	if (strlen(v) >= o->size) {
		cfg_err(x, s, path, "value too long (at most %zu characters)",
			o->size - 1);
		return;
	}
	if (o->check && o->check(v, why, sizeof(why))) {
		cfg_err(x, s, path, "invalid value \"%.60s\": %s", v, why);
		return;
	}
	/* zero-fill: a config compares equal to another with the same values */
	memset(dst, 0, o->size);
	strcpy(dst, v);
}

static void cfg_levels(struct cfg_ctx *x, const config_setting_t *s,
		       struct config *c)
{
	int n;

	if (config_setting_type(s) != CONFIG_TYPE_LIST &&
	    !(config_setting_type(s) == CONFIG_TYPE_ARRAY && config_setting_length(s) == 0)) {
		cfg_err(x, s, "levels", "expected a list of groups ( {...}, ... ), got %s",
			cfg_type_name(config_setting_type(s)));
		return;
	}
	n = config_setting_length(s);
	if (n > CFG_MAX_LEVELS) {
		cfg_err(x, s, "levels", "too many levels (%d, at most %d)", n, CFG_MAX_LEVELS);
		return;
	}
	c->nlevels = 0;
	for (int i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(s, (unsigned)i);
		struct level *l = &c->levels[i];
		char path[64];

		snprintf(path, sizeof(path), "levels[%d]", i);
		memset(l, 0, sizeof(*l));
		snprintf(l->name, sizeof(l->name), "level%d", i + 1);
		if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
			cfg_err(x, g, path, "expected a group { ... }, got %s",
				cfg_type_name(config_setting_type(g)));
			continue;
		}
		cfg_group(x, g, level_opts, (char *)l, &l->prof.has, path);
		if (l->stall_us > l->window_us && l->window_us)
			cfg_err(x, g, path, "stall_us (%u) is larger than window_us (%u)",
				l->stall_us, l->window_us);
		for (int j = 0; j < i; j++)
			if (strcmp(c->levels[j].name, l->name) == 0)
				cfg_err(x, g, path, "level name \"%s\" used twice", l->name);
	}
	c->nlevels = (size_t)n;
}

static void cfg_cgroups(struct cfg_ctx *x, const config_setting_t *s,
			struct cgroup_trim *t)
{
	int n;

	if (config_setting_type(s) != CONFIG_TYPE_LIST &&
	    !(config_setting_type(s) == CONFIG_TYPE_ARRAY && config_setting_length(s) == 0)) {
		cfg_err(x, s, "cgroup_trim.cgroups",
			"expected a list of groups ( {...}, ... ), got %s",
			cfg_type_name(config_setting_type(s)));
		return;
	}
	n = config_setting_length(s);
	if (n == 0) {
		cfg_err(x, s, "cgroup_trim.cgroups",
			"empty: list at least one { path = \"...\"; role = \"background\"; }");
		return;
	}
	if (n > CFG_MAX_CGROUPS) {
		cfg_err(x, s, "cgroup_trim.cgroups", "too many entries (%d, at most %d)",
			n, CFG_MAX_CGROUPS);
		return;
	}
	t->nentries = 0;
	for (int i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(s, (unsigned)i);
		struct cg_entry *e = &t->entries[i];
		char path[64];

		snprintf(path, sizeof(path), "cgroup_trim.cgroups[%d]", i);
		memset(e, 0, sizeof(*e));
		if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
			cfg_err(x, g, path, "expected a group { ... }, got %s",
				cfg_type_name(config_setting_type(g)));
			continue;
		}
		cfg_group(x, g, cgentry_opts, (char *)e, NULL, path);
		for (int j = 0; j < i; j++)
			if (e->path[0] && strcmp(t->entries[j].path, e->path) == 0)
				cfg_err(x, g, path, "path \"%.60s\" listed twice (the first entry wins)",
					e->path);
	}
	t->nentries = (size_t)n;
}

static void cfg_group(struct cfg_ctx *x, const config_setting_t *grp,
		      const struct opt *tab, char *base, unsigned *has,
		      const char *prefix)
{
	int n = config_setting_length(grp);

	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(grp, (unsigned)i);
		const char *name = config_setting_name(s);
		int type = config_setting_type(s);
		const struct opt *o;
		char path[128];

		snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "",
			 name ? name : "?");
		for (o = tab; o->name; o++)
			if (name && strcmp(o->name, name) == 0)
				break;
		if (!o->name) {
			cfg_err(x, s, path, "unknown option");
			continue;
		}
		switch (o->type) {
		case OPT_BOOL:
			if (type != CONFIG_TYPE_BOOL)
				goto type_err;
			*(bool *)(base + o->off) = config_setting_get_bool(s);
			break;
		case OPT_U32: {
			long long v;

			if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
				goto type_err;
			v = config_setting_get_int64(s);
			if ((double)v < o->min || (double)v > o->max) {
				cfg_err(x, s, path, "value %lld out of range [%.0f, %.0f]",
					v, o->min, o->max);
				break;
			}
			*(uint32_t *)(base + o->off) = (uint32_t)v;
			break;
		}
		case OPT_FLOAT: {
			double v;

			if (type == CONFIG_TYPE_FLOAT)
				v = config_setting_get_float(s);
			else if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64)
				v = (double)config_setting_get_int64(s);
			else
				goto type_err;
			if (!(v >= o->min && v <= o->max) || (o->min_open && v == o->min)) {
				cfg_err(x, s, path, "value %g out of range %c%g, %g]",
					v, o->min_open ? '(' : '[', o->min, o->max);
				break;
			}
			*(double *)(base + o->off) = v;
			break;
		}
		case OPT_STRING:
			if (type != CONFIG_TYPE_STRING)
				goto type_err;
			cfg_string_into(x, s, o, path, base + o->off);
			break;
		case OPT_LOGLEVEL: {
			int prio;

			if (type != CONFIG_TYPE_STRING)
				goto type_err;
			prio = log_level_parse(config_setting_get_string(s));
			if (prio < 0) {
				cfg_err(x, s, path, "invalid value \"%.40s\": expected error, warning, info or debug",
					config_setting_get_string(s));
				break;
			}
			*(int *)(base + o->off) = prio;
			break;
		}
		case OPT_KIND: {
			enum psi_kind k;

			if (type != CONFIG_TYPE_STRING)
				goto type_err;
			if (psi_kind_parse(config_setting_get_string(s), &k)) {
				cfg_err(x, s, path, "invalid value \"%.40s\": expected \"some\" or \"full\"",
					config_setting_get_string(s));
				break;
			}
			*(enum psi_kind *)(base + o->off) = k;
			break;
		}
		case OPT_STRLIST: {
			int m = config_setting_length(s);
			size_t *count = (size_t *)(base + o->count_off);

			if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
				goto type_err;
			if ((size_t)m > o->max_elems) {
				cfg_err(x, s, path, "too many entries (%d, at most %zu)",
					m, o->max_elems);
				break;
			}
			*count = 0;
			for (int k = 0; k < m; k++) {
				const config_setting_t *e = config_setting_get_elem(s, (unsigned)k);
				char epath[160];

				snprintf(epath, sizeof(epath), "%s[%d]", path, k);
				if (config_setting_type(e) != CONFIG_TYPE_STRING) {
					cfg_err(x, e, epath, "expected a string, got %s",
						cfg_type_name(config_setting_type(e)));
					continue;
				}
				cfg_string_into(x, e, o, epath,
						base + o->off + (size_t)k * o->size);
				(*count)++;
			}
			break;
		}
		case OPT_GROUP:
			if (type != CONFIG_TYPE_GROUP)
				goto type_err;
			cfg_group(x, s, o->sub, base + o->off,
				  o->sub == baseline_opts ? &((struct profile *)(base + o->off))->has : NULL,
				  path);
			break;
		case OPT_LEVELS:
			cfg_levels(x, s, (struct config *)base);
			break;
		case OPT_SIZE: {
			uint64_t v;

			if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) {
				long long i = config_setting_get_int64(s);

				if (i < 0) {
					cfg_err(x, s, path, "value %lld out of range [%.0f, %.0f]",
						i, o->min, o->max);
					break;
				}
				v = (uint64_t)i;
			} else if (type == CONFIG_TYPE_STRING) {
				if (parse_size(config_setting_get_string(s), &v)) {
					cfg_err(x, s, path, "invalid size \"%.40s\": expected bytes, or a number with K, M, G or T",
						config_setting_get_string(s));
					break;
				}
			} else {
				goto type_err;
			}
			if ((double)v < o->min || (double)v > o->max) {
				cfg_err(x, s, path, "value %" PRIu64 " out of range [%.0f, %.0f]",
					v, o->min, o->max);
				break;
			}
			*(uint64_t *)(base + o->off) = v;
			break;
		}
		case OPT_ROLE: {
			enum cg_role r;

			if (type != CONFIG_TYPE_STRING)
				goto type_err;
			if (cg_role_parse(config_setting_get_string(s), &r)) {
				cfg_err(x, s, path, "invalid value \"%.40s\": expected \"background\" or \"foreground\"",
					config_setting_get_string(s));
				break;
			}
			*(enum cg_role *)(base + o->off) = r;
			break;
		}
		case OPT_CGLIST:
			cfg_cgroups(x, s, (struct cgroup_trim *)base);
			break;
		}
		if (has && o->has)
			*has |= o->has;
		continue;
type_err:
		cfg_err(x, s, path, "expected %s, got %s",
			o->type == OPT_BOOL ? "a boolean (true/false)" :
			o->type == OPT_U32 ? "an integer" :
			o->type == OPT_FLOAT ? "a number" :
			o->type == OPT_GROUP ? "a group { ... }" :
			o->type == OPT_STRLIST ? "an array of strings [ ... ]" :
			o->type == OPT_SIZE ? "a size (bytes, or a string like \"64M\")" :
			"a string",
			cfg_type_name(type));
	}
	/* required options */
	for (const struct opt *o = tab; o->name; o++) {
		char path[128];

		if (!o->required || config_setting_get_member(grp, o->name))
			continue;
		snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "", o->name);
		cfg_err(x, grp, path, "missing required option");
	}
}

uint32_t config_max_window_ms(const struct config *c)
{
	uint32_t m = 0;

	for (size_t i = 0; i < c->nlevels; i++)
		if (c->levels[i].window_us / 1000 > m)
			m = c->levels[i].window_us / 1000;
	return m;
}

static int cfg_finish(struct cfg_ctx *x, config_t *cf, struct config *nc)
{
	const config_setting_t *s;

	if (nc->rearm_max_ms < nc->rearm_delay_ms) {
		s = config_lookup(cf, "pressure.rearm_max_ms");
		cfg_err(x, s ? s : config_lookup(cf, "pressure"), "pressure.rearm_max_ms",
			"must not be smaller than pressure.rearm_delay_ms (%u)",
			nc->rearm_delay_ms);
	}
	/* the section switches the trimming on */
	nc->cgtrim.enabled = config_lookup(cf, "cgroup_trim") != NULL;
	if (nc->cooldown_ms < config_max_window_ms(nc)) {
		s = config_lookup(cf, "pressure.cooldown_ms");
		if (!s)
			s = config_lookup(cf, "levels");
		cfg_err(x, s, "pressure.cooldown_ms",
			"%u ms is shorter than the largest trigger window (%u ms); levels would flap",
			nc->cooldown_ms, config_max_window_ms(nc));
	}
	return x->errors ? -EINVAL : 0;
}

static int cfg_load(struct config *c, config_t *cf, const char *name,
		    struct cfg_diag *d)
{
	struct cfg_ctx x = { .d = d, .file = name };
	struct config *nc = malloc(sizeof(*nc));
	int ret;

	if (!nc)
		return -ENOMEM;
	/* start from the defaults, not from the previous file */
	config_defaults(nc);
	cfg_group(&x, config_root_setting(cf), root_opts, (char *)nc, NULL, "");
	ret = cfg_finish(&x, cf, nc);
	if (!ret)
		memcpy(c, nc, sizeof(*c));
	free(nc);
	return ret;
}

static void cfg_syntax_error(config_t *cf, const char *name, struct cfg_diag *d)
{
	struct cfg_error *e;

	if (!d || d->n >= CFG_MAX_ERRORS)
		return;
	e = &d->e[d->n++];
	snprintf(e->file, sizeof(e->file), "%s",
		 config_error_file(cf) ? config_error_file(cf) : name);
	e->line = config_error_line(cf);
	e->option[0] = '\0';
	snprintf(e->msg, sizeof(e->msg), "syntax error: %s",
		 config_error_text(cf) ? config_error_text(cf) : "unknown");
}

int config_load_file(struct config *c, const char *path, struct cfg_diag *d)
{
	config_t cf;
	FILE *f;
	int ret;

	if (d)
		d->n = 0;
	/* open first to tell "missing" from "unreadable" and "malformed" */
	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		if (ret != -ENOENT && d) {
			struct cfg_error *e = &d->e[d->n++];

			snprintf(e->file, sizeof(e->file), "%s", path);
			e->line = 0;
			e->option[0] = '\0';
			snprintf(e->msg, sizeof(e->msg), "cannot open: %s", strerror(-ret));
		}
		return ret == -ENOENT ? -ENOENT : -EINVAL;
	}
	config_init(&cf);
	if (!config_read(&cf, f)) {
		/* config_read() does not know the file name */
		cfg_syntax_error(&cf, path, d);
		ret = -EINVAL;
	} else {
		ret = cfg_load(c, &cf, path, d);
	}
	fclose(f);
	config_destroy(&cf);
	return ret;
}

int config_load_string(struct config *c, const char *text, const char *name,
		       struct cfg_diag *d)
{
	config_t cf;
	int ret;

	if (d)
		d->n = 0;
	config_init(&cf);
	if (!config_read_string(&cf, text)) {
		cfg_syntax_error(&cf, name, d);
		ret = -EINVAL;
	} else {
		ret = cfg_load(c, &cf, name, d);
	}
	config_destroy(&cf);
	return ret;
}

void cfg_error_format(const struct cfg_error *e, char *buf, size_t len)
{
	if (e->option[0])
		snprintf(buf, len, "%s:%d: option '%s': %s", e->file, e->line,
			 e->option, e->msg);
	else
		snprintf(buf, len, "%s:%d: %s", e->file, e->line, e->msg);
}
