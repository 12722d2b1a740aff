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
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	{ .name = "state_file", .type = OPT_STRING,
	  .off = offsetof(struct config, state_file), .size = PATH_MAX,
	  .check = check_abs_or_empty },
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
				   PROFILE_MIN_RESIDENT,
			    .policy = "discard idle-vm-first swapout",
			    .idle_threshold_ms = 2000, .min_resident_mb = 0 } },
	};

	memset(c, 0, sizeof(*c));
	c->log_level = LOG_INFO;
	c->lock_memory = true;
	c->metrics_interval_ms = 15000;
	strcpy(c->state_file, CFG_DEFAULT_STATE_FILE);
	strcpy(c->pressure_source, "system");
	c->poll_interval_ms = 2000;
	c->cooldown_ms = 6000;
	c->rearm_delay_ms = 1000;
	c->rearm_max_ms = 60000;
	c->nlevels = ARRAY_SIZE(def_levels);
	memcpy(c->levels, def_levels, sizeof(def_levels));
	c->proactive.target_pct = 1.0;
	c->proactive.interval_ms = 6000;
	c->proactive.step_mb = 16;
	c->proactive.backoff_ms = 30000;
	c->proactive.idle_ms = 10000;
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

/* --- sources: files read by hand, @include expanded ------------------- */

/* Output lines from out_line on come from file's lines from file_line on. */
struct cfg_seg {
	int out_line;
	int file;
	int file_line;
};

/* An integer literal libconfig would not read as written (it overflows). */
struct cfg_ovf {
	int line;		/* output line */
	char name[64];		/* the setting name before it, "" if none */
	char lit[40];
	bool used;
};

/* One text for libconfig: a file with its @include'd files expanded. */
struct cfg_src {
	char *text;
	size_t len, cap;
	int out_line;		/* line of the next output character */
	struct cfg_seg *segs;
	size_t nsegs;
	char **files;
	size_t nfiles;
	struct cfg_ovf *ovf;
	size_t novf;
	bool failed;		/* an error was recorded while reading */
};

static void diag_add(struct cfg_diag *d, bool warn, const char *file, int line,
		     const char *option, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void diag_add(struct cfg_diag *d, bool warn, const char *file, int line,
		     const char *option, const char *fmt, ...)
{
	struct cfg_error *e;
	va_list ap;

	if (!d)
		return;
	if (warn) {
		if (d->nwarn >= CFG_MAX_WARNINGS)
			return;
		e = &d->w[d->nwarn++];
	} else {
		if (d->n >= CFG_MAX_ERRORS)
			return;
		e = &d->e[d->n++];
	}
	snprintf(e->file, sizeof(e->file), "%s", file);
	e->line = line;
	snprintf(e->option, sizeof(e->option), "%s", option ? option : "");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

static void src_free(struct cfg_src *s)
{
	free(s->text);
	free(s->segs);
	for (size_t i = 0; i < s->nfiles; i++)
		free(s->files[i]);
	free(s->files);
	free(s->ovf);
	memset(s, 0, sizeof(*s));
}

static const char *file_kind(mode_t m)
{
	return S_ISDIR(m) ? "directory" : S_ISFIFO(m) ? "FIFO" : S_ISSOCK(m) ? "socket" :
	       S_ISCHR(m) ? "character device" : S_ISBLK(m) ? "block device" : "special file";
}

/*
 * Read a whole regular file of at most CFG_MAX_FILE_BYTES. Never blocks
 * (O_NONBLOCK: a FIFO is refused after fstat, not waited on). 0, or
 * -errno with the reason in why (-ENOENT: it does not exist).
 */
static int read_regular(const char *path, char **out, size_t *outlen, char *why, size_t len)
{
	struct stat st;
	size_t n = 0, cap;
	char *buf;
	int fd, ret;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(why, len, "cannot open: %s", strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		snprintf(why, len, "cannot stat: %s", strerror(-ret));
		close(fd);
		return ret;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, len, "not a regular file (%s)", file_kind(st.st_mode));
		close(fd);
		return -EINVAL;
	}
	if (st.st_size > CFG_MAX_FILE_BYTES) {
		snprintf(why, len, "too large (%lld bytes; at most %d)", (long long)st.st_size,
			 CFG_MAX_FILE_BYTES);
		close(fd);
		return -EFBIG;
	}
	cap = (size_t)st.st_size + 1;
	buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	for (;;) {
		ssize_t r = read(fd, buf + n, cap - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			snprintf(why, len, "read failed: %s", strerror(-ret));
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap) {
			char *nb;

			/* it grew while read */
			if (cap > CFG_MAX_FILE_BYTES) {
				snprintf(why, len, "too large (more than %d bytes)", CFG_MAX_FILE_BYTES);
				ret = -EFBIG;
				goto fail;
			}
			cap = cap * 2 > CFG_MAX_FILE_BYTES + 1 ? CFG_MAX_FILE_BYTES + 1 : cap * 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				snprintf(why, len, "out of memory");
				ret = -ENOMEM;
				goto fail;
			}
			buf = nb;
		}
	}
	close(fd);
	if (memchr(buf, '\0', n)) {
		snprintf(why, len, "contains a NUL byte (not a text file)");
		free(buf);
		return -EINVAL;
	}
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return 0;
fail:
	close(fd);
	free(buf);
	return ret;
}

static int src_emit(struct cfg_src *s, const char *p, size_t n)
{
	if (s->len + n > CFG_MAX_TEXT_BYTES)
		return -EFBIG;
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		char *nt;

		while (cap < s->len + n + 1)
			cap *= 2;
		nt = realloc(s->text, cap);
		if (!nt)
			return -ENOMEM;
		s->text = nt;
		s->cap = cap;
	}
	memcpy(s->text + s->len, p, n);
	s->len += n;
	s->text[s->len] = '\0';
	for (size_t i = 0; i < n; i++)
		if (p[i] == '\n')
			s->out_line++;
	return 0;
}

static int src_seg(struct cfg_src *s, int file, int file_line)
{
	struct cfg_seg *ns;

	if (s->nsegs && s->segs[s->nsegs - 1].out_line == s->out_line)
		s->nsegs--;	/* an empty segment: replaced */
	ns = realloc(s->segs, (s->nsegs + 1) * sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	s->segs = ns;
	s->segs[s->nsegs++] = (struct cfg_seg){ s->out_line, file, file_line };
	return 0;
}

/* Output line -> file name and line. */
static const char *src_map(const struct cfg_src *s, int line, int *fline)
{
	size_t i;

	if (!s || !s->nsegs) {
		*fline = line;
		return NULL;
	}
	for (i = s->nsegs; i > 1 && s->segs[i - 1].out_line > line; i--)
		;
	*fline = line <= 0 ? 0 : s->segs[i - 1].file_line + (line - s->segs[i - 1].out_line);
	return s->files[s->segs[i - 1].file];
}

static void src_ovf(struct cfg_src *s, const char *name, const char *p, size_t n)
{
	struct cfg_ovf *no = realloc(s->ovf, (s->novf + 1) * sizeof(*no));

	if (!no)
		return;
	s->ovf = no;
	no = &s->ovf[s->novf++];
	no->line = s->out_line;
	no->used = false;
	snprintf(no->name, sizeof(no->name), "%s", name);
	snprintf(no->lit, sizeof(no->lit), "%.*s%s", n > 32 ? 32 : (int)n, p, n > 32 ? "..." : "");
}

/*
 * An integer or float literal at p (maximal munch as libconfig's scanner):
 * its length; an integer libconfig would not store as written is recorded.
 */
static size_t scan_number(struct cfg_src *s, const char *name, const char *p)
{
	size_t j = 0, digits;
	bool l = false, ovf = false;
	char tmp[64];

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
		unsigned long long v;

		for (j = 2; isxdigit((unsigned char)p[j]); j++)
			;
		digits = j;
		if (p[j] == 'L') {
			l = true;
			j++;
			if (p[j] == 'L')
				j++;
		}
		if (digits < sizeof(tmp)) {
			memcpy(tmp, p, digits);
			tmp[digits] = '\0';
			errno = 0;
			v = strtoull(tmp, NULL, 16);
			/* hex without L is a 32-bit int in libconfig, with L a signed 64-bit one */
			ovf = errno == ERANGE || v > (l ? (unsigned long long)LLONG_MAX : (unsigned long long)INT_MAX);
		} else {
			ovf = true;
		}
	} else {
		if (p[j] == '+' || p[j] == '-')
			j++;
		while (isdigit((unsigned char)p[j]))
			j++;
		if (p[j] == '.' || p[j] == 'e' || p[j] == 'E') {
			/* a float: not checked */
			if (p[j] == '.')
				for (j++; isdigit((unsigned char)p[j]); j++)
					;
			if ((p[j] == 'e' || p[j] == 'E') &&
			    (isdigit((unsigned char)p[j + 1]) ||
			     ((p[j + 1] == '+' || p[j + 1] == '-') && isdigit((unsigned char)p[j + 2]))))
				for (j += 2; isdigit((unsigned char)p[j]); j++)
					;
			return j;
		}
		digits = j;
		if (p[j] == 'L') {
			j++;
			if (p[j] == 'L')
				j++;
		}
		if (digits < sizeof(tmp)) {
			memcpy(tmp, p, digits);
			tmp[digits] = '\0';
			errno = 0;
			(void)strtoll(tmp, NULL, 10);
			ovf = errno == ERANGE;
		} else {
			ovf = true;
		}
	}
	if (ovf)
		src_ovf(s, name, p, j);
	return j;
}

static bool is_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '*';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static int src_add_file(struct cfg_src *s, const char *path)
{
	char **nf = realloc(s->files, (s->nfiles + 1) * sizeof(*nf));

	if (!nf)
		return -ENOMEM;
	s->files = nf;
	nf[s->nfiles] = strdup(path);
	if (!nf[s->nfiles])
		return -ENOMEM;
	return (int)s->nfiles++;
}

static int src_expand(struct cfg_src *s, const char *path, const char *text, size_t len,
		      int depth, struct cfg_diag *d);

/* An @include at line of file fid (text from p): expanded in place. */
static int src_include(struct cfg_src *s, const char *incl, int line, const char *ipath,
		       int depth, struct cfg_diag *d)
{
	char full[PATH_MAX], why[200];
	size_t len;
	char *text;
	int ret;

	if (ipath[0] == '/') {
		ret = snprintf(full, sizeof(full), "%s", ipath);
	} else {
		/* relative to the including file's directory, not the working directory */
		const char *slash = strrchr(incl, '/');

		if (slash)
			ret = snprintf(full, sizeof(full), "%.*s/%s", (int)(slash - incl), incl, ipath);
		else
			ret = snprintf(full, sizeof(full), "%s", ipath);
	}
	if (ret < 0 || (size_t)ret >= sizeof(full)) {
		diag_add(d, false, incl, line, NULL, "@include \"%.60s\": path too long", ipath);
		return -EINVAL;
	}
	if (depth >= CFG_MAX_INCLUDE_DEPTH) {
		diag_add(d, false, incl, line, NULL,
			 "@include \"%.60s\": nested more than %d deep (an include loop?)",
			 ipath, CFG_MAX_INCLUDE_DEPTH);
		return -EINVAL;
	}
	ret = read_regular(full, &text, &len, why, sizeof(why));
	if (ret) {
		diag_add(d, false, incl, line, NULL, "@include \"%.60s\": %.100s: %s", ipath, full, why);
		return -EINVAL;
	}
	ret = src_expand(s, full, text, len, depth + 1, d);
	free(text);
	return ret;
}

/*
 * Copy text to the output, expanding each @include where libconfig's own
 * scanner would see one: at the start of a line ([ \t]*@include[ \t]+"),
 * outside comments and strings. Integer literals are checked on the way.
 */
static int src_expand(struct cfg_src *s, const char *path, const char *text, size_t len,
		      int depth, struct cfg_diag *d)
{
	enum { INIT, COMMENT, STRING } st = INIT;
	char name[64] = "";
	bool bol = true;
	int fid, line = 1, ret;
	size_t i = 0;

	fid = src_add_file(s, path);
	if (fid < 0 || src_seg(s, fid, 1))
		return -ENOMEM;
	while (i < len) {
		const char *p = text + i;
		size_t n = 1;

		if (st == INIT && bol) {
			size_t j = 0;

			while (p[j] == ' ' || p[j] == '\t')
				j++;
			if (strncmp(p + j, "@include", 8) == 0 && (p[j + 8] == ' ' || p[j + 8] == '\t')) {
				char ipath[PATH_MAX];
				size_t k = 0;

				for (j += 8; p[j] == ' ' || p[j] == '\t'; j++)
					;
				if (p[j] == '"') {
					for (j++; p[j] && p[j] != '"' && p[j] != '\n'; j++) {
						if (p[j] == '\\' && (p[j + 1] == '\\' || p[j + 1] == '"'))
							j++;
						if (k + 1 < sizeof(ipath))
							ipath[k++] = p[j];
					}
					ipath[k] = '\0';
					if (p[j] != '"') {
						diag_add(d, false, path, line, NULL, "@include: unterminated file name");
						return -EINVAL;
					}
					ret = src_include(s, path, line, ipath, depth, d);
					if (ret)
						return ret;
					/* the rest of the line continues this file */
					if (s->len && s->text[s->len - 1] != '\n' && src_emit(s, "\n", 1))
						goto too_big;
					if (src_seg(s, fid, line))
						return -ENOMEM;
					i += j + 1;
					bol = false;
					continue;
				}
			}
		}
		bol = false;
		switch (st) {
		case INIT:
			if (p[0] == '/' && p[1] == '*') {
				st = COMMENT;
				n = 2;
			} else if (p[0] == '"') {
				st = STRING;
			} else if (p[0] == '#' || (p[0] == '/' && p[1] == '/')) {
				const char *e = memchr(p, '\n', len - i);

				n = e ? (size_t)(e - p) : len - i;
			} else if (is_name_start(p[0])) {
				while (i + n < len && is_name_char(p[n]))
					n++;
				snprintf(name, sizeof(name), "%.*s", (int)n, p);
			} else if (isdigit((unsigned char)p[0]) ||
				   ((p[0] == '-' || p[0] == '+') && isdigit((unsigned char)p[1]))) {
				n = scan_number(s, name, p);
			}
			break;
		case COMMENT:
			if (p[0] == '*' && p[1] == '/') {
				st = INIT;
				n = 2;
			}
			break;
		case STRING:
			if (p[0] == '\\' && i + 1 < len)
				n = 2;
			else if (p[0] == '"')
				st = INIT;
			break;
		}
		if (src_emit(s, p, n))
			goto too_big;
		for (size_t k = 0; k < n; k++)
			if (p[k] == '\n') {
				line++;
				bol = true;
			}
		i += n;
	}
	return 0;
too_big:
	diag_add(d, false, path, line, NULL,
		 "with its @include files, more than %d bytes of configuration text",
		 CFG_MAX_TEXT_BYTES);
	return -EFBIG;
}

/* Read path (with its includes) into s. 0, -ENOENT (absent), or -EINVAL (in d). */
static int src_read_file(struct cfg_src *s, const char *path, struct cfg_diag *d)
{
	char why[200], *text;
	size_t len;
	int ret;

	memset(s, 0, sizeof(*s));
	s->out_line = 1;
	ret = read_regular(path, &text, &len, why, sizeof(why));
	if (ret == -ENOENT)
		return -ENOENT;
	if (ret) {
		diag_add(d, false, path, 0, NULL, "%s", why);
		return -EINVAL;
	}
	ret = src_expand(s, path, text, len, 0, d);
	free(text);
	if (ret == -ENOMEM)
		diag_add(d, false, path, 0, NULL, "out of memory");
	return ret ? -EINVAL : 0;
}

static bool driver_check_dummy(const char *name, void *ud, char *why, size_t len)
{
	(void)name; (void)ud; (void)why; (void)len;
	return true;
}

static cfg_driver_check_fn driver_check = driver_check_dummy;
static void *driver_check_ud;

void config_set_driver_check(cfg_driver_check_fn fn, void *ud)
{
	driver_check = fn ? fn : driver_check_dummy;
	driver_check_ud = ud;
}

struct cfg_ctx {
	struct cfg_diag *d;
	const char *file;
	int errors;
	/* the parsed files, the source of each (for line mapping) */
	size_t n;
	config_t **cfs;
	struct cfg_src **srcs;
	const char *lit;	/* the last overflowing literal found */
	bool empty_levels;	/* levels = ( ): warned about in cfg_finish */
	const char *empty_levels_file;
	int empty_levels_line;
};

static struct cfg_src *ctx_src(const struct cfg_ctx *x, const config_setting_t *s)
{
	for (size_t i = 0; s && i < x->n; i++)
		if (s->config == x->cfs[i])
			return x->srcs[i];
	return NULL;
}

/* file and line of a setting, as written */
static const char *ctx_where(const struct cfg_ctx *x, const config_setting_t *s, int *line)
{
	const char *f;

	if (!s) {
		*line = 0;
		return x->file;
	}
	f = src_map(ctx_src(x, s), config_setting_source_line(s), line);
	return f ? f : x->file;
}

/*
 * An integer setting whose literal overflowed: its text, marked used.
 * libconfig gives -1 or 0 for those; the text says what was written.
 */
static const char *ctx_overflow(struct cfg_ctx *x, const config_setting_t *s)
{
	struct cfg_src *src = ctx_src(x, s);
	const char *name = config_setting_name(s);

	for (size_t i = 0; src && name && i < src->novf; i++) {
		struct cfg_ovf *o = &src->ovf[i];

		if (!o->used && o->line == (int)config_setting_source_line(s) &&
		    strcmp(o->name, name) == 0) {
			o->used = true;
			x->lit = o->lit;
			return o->lit;
		}
	}
	return NULL;
}

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
	snprintf(e->file, sizeof(e->file), "%s", ctx_where(x, s, &e->line));
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
	if (n == 0) {
		int line;
		const char *f = ctx_where(x, s, &line);

		x->empty_levels = true;
		x->empty_levels_file = f;
		x->empty_levels_line = line;
	}
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

/* One setting of a group described by tab. */
static void cfg_one(struct cfg_ctx *x, const config_setting_t *s,
		    const struct opt *tab, char *base, unsigned *has,
		    const char *prefix)
{
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
		return;
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
		if (ctx_overflow(x, s)) {
			cfg_err(x, s, path, "value %s out of range [%.0f, %.0f]",
				x->lit, o->min, o->max);
			break;
		}
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
		if (type != CONFIG_TYPE_FLOAT && ctx_overflow(x, s)) {
			cfg_err(x, s, path, "value %s out of range %c%g, %g]",
				x->lit, o->min_open ? '(' : '[', o->min, o->max);
			break;
		}
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
			if (o->check == check_name && strcmp(path, "devices.drivers") == 0) {
				const char *v = config_setting_get_string(e);
				char why[160] = "";
				int line;
				const char *f;

				if (!driver_check(v, driver_check_ud, why, sizeof(why))) {
					f = ctx_where(x, e, &line);
					diag_add(x->d, true, f, line, epath,
						 "no DRM driver \"%.32s\" is loaded or installed%s%s; this entry matches no card",
						 v, why[0] ? ": " : "", why);
				}
			}
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

			if (ctx_overflow(x, s)) {
				cfg_err(x, s, path, "value %s out of range [%.0f, %.0f]",
					x->lit, o->min, o->max);
				break;
			}
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
	return;
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

static void cfg_group(struct cfg_ctx *x, const config_setting_t *grp,
		      const struct opt *tab, char *base, unsigned *has,
		      const char *prefix)
{
	int n = config_setting_length(grp);

	for (int i = 0; i < n; i++)
		cfg_one(x, config_setting_get_elem(grp, (unsigned)i), tab, base, has, prefix);
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

/* The setting at path (a.b) in the file whose top-level a wins. */
static const config_setting_t *ctx_lookup(const struct cfg_ctx *x, const char *path)
{
	char top[64];

	snprintf(top, sizeof(top), "%.*s", (int)strcspn(path, "."), path);
	for (size_t i = x->n; i-- > 0;)
		if (config_setting_get_member(config_root_setting(x->cfs[i]), top))
			return config_lookup(x->cfs[i], path);
	return NULL;
}

static int cfg_finish(struct cfg_ctx *x, struct config *nc)
{
	const config_setting_t *s;

	if (nc->rearm_max_ms < nc->rearm_delay_ms) {
		s = ctx_lookup(x, "pressure.rearm_max_ms");
		cfg_err(x, s ? s : ctx_lookup(x, "pressure"), "pressure.rearm_max_ms",
			"must not be smaller than pressure.rearm_delay_ms (%u)",
			nc->rearm_delay_ms);
	}
	/* the section switches the trimming on */
	nc->cgtrim.enabled = ctx_lookup(x, "cgroup_trim") != NULL;
	if (nc->cooldown_ms < config_max_window_ms(nc)) {
		s = ctx_lookup(x, "pressure.cooldown_ms");
		if (!s)
			s = ctx_lookup(x, "levels");
		cfg_err(x, s, "pressure.cooldown_ms",
			"%u ms is shorter than the largest trigger window (%u ms); levels would flap",
			nc->cooldown_ms, config_max_window_ms(nc));
	}
	/* literals libconfig could not store, outside the options above */
	for (size_t i = 0; i < x->n; i++)
		for (size_t j = 0; j < x->srcs[i]->novf; j++) {
			const struct cfg_ovf *o = &x->srcs[i]->ovf[j];
			int line;
			const char *f;

			if (o->used)
				continue;
			f = src_map(x->srcs[i], o->line, &line);
			x->errors++;
			diag_add(x->d, false, f ? f : x->file, line, NULL,
				 "integer %s out of range (at most 64 bits; 32 bits for hex without L)",
				 o->lit);
		}
	if (!x->errors && x->empty_levels && !nc->nlevels && !nc->cgtrim.enabled &&
	    !nc->proactive.enabled)
		diag_add(x->d, true, x->empty_levels_file, x->empty_levels_line, "levels",
			 "empty, and neither proactive nor cgroup_trim is on: the daemon only applies the baseline and never reacts to pressure");
	return x->errors ? -EINVAL : 0;
}

/* Is top-level name set again in a later file? */
static bool overridden(const struct cfg_ctx *x, size_t file, const char *name)
{
	for (size_t j = file + 1; name && j < x->n; j++)
		if (config_setting_get_member(config_root_setting(x->cfs[j]), name))
			return true;
	return false;
}

static int cfg_load(struct config *c, struct cfg_ctx *x)
{
	struct config *nc = malloc(sizeof(*nc)), *scratch = malloc(sizeof(*scratch));
	int ret;

	if (!nc || !scratch) {
		free(nc);
		free(scratch);
		return -ENOMEM;
	}
	/* start from the defaults, not from the previous file */
	config_defaults(nc);
	config_defaults(scratch);
	/*
	 * Each top-level setting from the last file that has it; those a
	 * later file replaces are still checked (into a scratch copy).
	 */
	for (size_t i = 0; i < x->n; i++) {
		const config_setting_t *root = config_root_setting(x->cfs[i]);
		int n = config_setting_length(root);

		for (int k = 0; k < n; k++) {
			const config_setting_t *s = config_setting_get_elem(root, (unsigned)k);
			bool later = overridden(x, i, config_setting_name(s));

			cfg_one(x, s, root_opts, (char *)(later ? scratch : nc), NULL, "");
		}
	}
	/* an empty level list that a later file replaced is no concern */
	if (x->empty_levels && nc->nlevels)
		x->empty_levels = false;
	ret = cfg_finish(x, nc);
	if (!ret)
		memcpy(c, nc, sizeof(*c));
	free(nc);
	free(scratch);
	return ret;
}

static void cfg_syntax_error(config_t *cf, const struct cfg_src *src, const char *name,
			     struct cfg_diag *d)
{
	int line;
	const char *f = src_map(src, config_error_line(cf), &line);

	diag_add(d, false, config_error_file(cf) ? config_error_file(cf) : f ? f : name,
		 line, NULL, "syntax error: %s",
		 config_error_text(cf) ? config_error_text(cf) : "unknown");
}

/* Parse each source; then load them in order. */
static int cfg_parse_load(struct config *c, struct cfg_src *srcs, size_t n, const char *name,
			  struct cfg_diag *d)
{
	config_t *cfs = calloc(n ? n : 1, sizeof(*cfs));
	config_t **cfp = calloc(n ? n : 1, sizeof(*cfp));
	struct cfg_src **sp = calloc(n ? n : 1, sizeof(*sp));
	struct cfg_ctx x = { .d = d, .file = name, .n = n, .cfs = cfp, .srcs = sp };
	int ret = 0;

	if (!cfs || !cfp || !sp) {
		free(cfs);
		free(cfp);
		free(sp);
		diag_add(d, false, name, 0, NULL, "out of memory");
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		config_init(&cfs[i]);
		cfp[i] = &cfs[i];
		sp[i] = &srcs[i];
		if (!config_read_string(&cfs[i], srcs[i].text ? srcs[i].text : "")) {
			cfg_syntax_error(&cfs[i], &srcs[i], name, d);
			ret = -EINVAL;
		}
	}
	if (!ret)
		ret = cfg_load(c, &x);
	if (ret == -ENOMEM)
		diag_add(d, false, name, 0, NULL, "out of memory");
	for (size_t i = 0; i < n; i++)
		config_destroy(&cfs[i]);
	free(cfs);
	free(cfp);
	free(sp);
	return ret ? -EINVAL : 0;
}

static void diag_reset(struct cfg_diag *d)
{
	if (d) {
		d->n = 0;
		d->nwarn = 0;
	}
}

int config_load_file(struct config *c, const char *path, struct cfg_diag *d)
{
	struct cfg_src src;
	int ret;

	diag_reset(d);
	ret = src_read_file(&src, path, d);
	if (!ret)
		ret = cfg_parse_load(c, &src, 1, path, d);
	src_free(&src);
	return ret;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of <dir>/ *.conf (not hidden), sorted. 0 (none: *n = 0) or -EINVAL. */
static int dropin_list(const char *dir, char ***out, size_t *n, struct cfg_diag *d)
{
	char **v = NULL;
	struct dirent *e;
	DIR *dh;

	*n = 0;
	*out = NULL;
	dh = opendir(dir);
	if (!dh) {
		if (errno == ENOENT)
			return 0;
		diag_add(d, false, dir, 0, NULL, "cannot read the drop-in directory: %s",
			 errno == ENOTDIR ? "not a directory" : strerror(errno));
		return -EINVAL;
	}
	while ((e = readdir(dh))) {
		size_t l = strlen(e->d_name);
		char **nv;

		if (e->d_name[0] == '.' || l < 6 || strcmp(e->d_name + l - 5, ".conf"))
			continue;
		if (*n == CFG_MAX_DROPINS) {
			diag_add(d, false, dir, 0, NULL, "more than %d drop-in files", CFG_MAX_DROPINS);
			goto fail;
		}
		nv = realloc(v, (*n + 1) * sizeof(*v));
		if (!nv || !(nv[*n] = strdup(e->d_name))) {
			if (nv)
				v = nv;
			diag_add(d, false, dir, 0, NULL, "out of memory");
			goto fail;
		}
		v = nv;
		(*n)++;
	}
	closedir(dh);
	qsort(v, *n, sizeof(*v), name_cmp);
	*out = v;
	return 0;
fail:
	closedir(dh);
	for (size_t i = 0; i < *n; i++)
		free(v[i]);
	free(v);
	*n = 0;
	return -EINVAL;
}

int config_load_all(struct config *c, const char *path, bool optional,
		    struct cfg_diag *d, struct cfg_loaded *info)
{
	struct cfg_loaded dummy;
	struct cfg_src *srcs = NULL;
	char dir[PATH_MAX], **names = NULL;
	size_t nnames = 0, n = 0;
	int ret;

	if (!info)
		info = &dummy;
	memset(info, 0, sizeof(*info));
	diag_reset(d);
	if (snprintf(dir, sizeof(dir), "%s.d", path) >= (int)sizeof(dir)) {
		diag_add(d, false, path, 0, NULL, "path too long");
		return -EINVAL;
	}
	ret = dropin_list(dir, &names, &nnames, d);
	if (ret)
		return ret;
	srcs = calloc(nnames + 1, sizeof(*srcs));
	if (!srcs) {
		diag_add(d, false, path, 0, NULL, "out of memory");
		ret = -EINVAL;
		goto out;
	}
	ret = src_read_file(&srcs[0], path, d);
	if (ret == -ENOENT) {
		if (!optional) {
			diag_add(d, false, path, 0, NULL, "cannot open: %s", strerror(ENOENT));
			goto out;
		}
		src_free(&srcs[0]);
		info->main_missing = true;
		ret = 0;
	} else {
		n = 1;
	}
	for (size_t i = 0; i < nnames; i++) {
		char p[PATH_MAX];
		int r;

		if (snprintf(p, sizeof(p), "%s/%s", dir, names[i]) >= (int)sizeof(p)) {
			diag_add(d, false, dir, 0, NULL, "%.60s: path too long", names[i]);
			ret = -EINVAL;
			continue;
		}
		r = src_read_file(&srcs[n], p, d);
		n++;
		if (r == -ENOENT) {
			/* gone since readdir: as if it were not there */
			src_free(&srcs[--n]);
			continue;
		}
		if (r)
			ret = r;
		info->ndropins++;
	}
	if (!ret)
		ret = cfg_parse_load(c, srcs, n, path, d);
out:
	for (size_t i = 0; srcs && i < n; i++)
		src_free(&srcs[i]);
	free(srcs);
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	return ret;
}

int config_load_string(struct config *c, const char *text, const char *name,
		       struct cfg_diag *d)
{
	struct cfg_src src;
	int ret;

	diag_reset(d);
	memset(&src, 0, sizeof(src));
	src.out_line = 1;
	ret = src_expand(&src, name, text, strlen(text), 0, d);
	if (ret) {
		if (ret == -ENOMEM)
			diag_add(d, false, name, 0, NULL, "out of memory");
		ret = -EINVAL;
	} else {
		ret = cfg_parse_load(c, &src, 1, name, d);
	}
	src_free(&src);
	return ret;
}

void cfg_error_format(const struct cfg_error *e, char *buf, size_t len)
{
	/* no line: the file as a whole ("PATH: not a regular file (FIFO)") */
	if (e->line <= 0 && e->option[0])
		snprintf(buf, len, "%s: option '%s': %s", e->file, e->option, e->msg);
	else if (e->line <= 0)
		snprintf(buf, len, "%s: %s", e->file, e->msg);
	else if (e->option[0])
		snprintf(buf, len, "%s:%d: option '%s': %s", e->file, e->line,
			 e->option, e->msg);
	else
		snprintf(buf, len, "%s:%d: %s", e->file, e->line, e->msg);
}
