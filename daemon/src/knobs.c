// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "knobs.h"
#include "log.h"

const struct knob_desc knob_table[KNOB_COUNT] = {
	[KNOB_POLICY] = { "policy", PROFILE_POLICY },
	[KNOB_IDLE_THRESHOLD_MS] = { "idle_threshold_ms", PROFILE_IDLE_THRESHOLD },
	[KNOB_MIN_RESIDENT_MB] = { "min_resident_mb", PROFILE_MIN_RESIDENT },
};

int card_minor(const char *sysname)
{
	const char *p;
	int n = 0;

	if (strncmp(sysname, "card", 4) != 0 || !sysname[4])
		return -EINVAL;
	for (p = sysname + 4; *p; p++) {
		if (*p < '0' || *p > '9' || n > 100000)
			return -EINVAL;
		n = n * 10 + (*p - '0');
	}
	return n;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int device_open(struct device *d, const struct roots *r, const char *sysname)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;
	int minor = card_minor(sysname);

	if (minor < 0)
		return -EINVAL;
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", sysname);
	d->minor = minor;
	if (path_fmt(d->sysdir, sizeof(d->sysdir), "%s/class/drm/%s/device/reclaim",
		     r->sys, sysname) ||
	    path_fmt(d->dbgdir, sizeof(d->dbgdir), "%s/dri/%d/reclaim",
		     r->debugfs, minor))
		return -ENAMETOOLONG;
	if (!is_dir(d->sysdir))
		return -ENODEV;
	if (!path_fmt(path, sizeof(path), "%s/class/drm/%s/device/driver", r->sys, sysname)) {
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0) {
			const char *base;

			link[n] = '\0';
			base = strrchr(link, '/');
			snprintf(d->driver, sizeof(d->driver), "%.*s",
				 (int)sizeof(d->driver) - 1, base ? base + 1 : link);
		}
	}
	if (device_knob_read(d, "available_policies", d->available, sizeof(d->available)))
		d->available[0] = '\0';
	return 0;
}

bool device_has_debugfs(const struct device *d)
{
	return is_dir(d->dbgdir);
}

int device_dbg_path(const struct device *d, const char *file, char *buf, size_t len)
{
	return path_fmt(buf, len, "%s/%s", d->dbgdir, file);
}

int device_shrink_path(const struct device *d, char *buf, size_t len, bool *sysfs)
{
	struct stat st;

	/* sysfs first: it takes writes under kernel lockdown, debugfs does not */
	if (path_fmt(buf, len, "%s/shrink", d->sysdir))
		return -ENAMETOOLONG;
	*sysfs = stat(buf, &st) == 0 && S_ISREG(st.st_mode);
	if (*sysfs)
		return 0;
	return device_dbg_path(d, "shrink", buf, len) ? -ENAMETOOLONG : 0;
}

bool device_can_shrink(const struct device *d)
{
	char path[PATH_MAX];
	bool sysfs;

	return device_shrink_path(d, path, sizeof(path), &sysfs) == 0 &&
	       (sysfs || device_has_debugfs(d));
}

int device_knob_read(const struct device *d, const char *knob, char *buf, size_t len)
{
	char path[PATH_MAX];

	if (strchr(knob, '/') || path_fmt(path, sizeof(path), "%s/%s", d->sysdir, knob))
		return -EINVAL;
	return read_text(path, buf, len);
}

int device_knob_write_raw(const struct device *d, const char *knob, const char *value)
{
	char path[PATH_MAX];

	if (strchr(knob, '/') || path_fmt(path, sizeof(path), "%s/%s", d->sysdir, knob))
		return -EINVAL;
	return write_text(path, value);
}

int device_knob_write(struct device *d, enum knob_id k, const char *value, bool dry_run)
{
	const char *name = knob_table[k].name;
	int ret;

	if (d->last_valid[k] && strcmp(d->last[k], value) == 0)
		return 0;
	if (dry_run) {
		log_info("%s: dry-run: would write \"%s\" to %s/%s", d->name, value,
			 d->sysdir, name);
		ret = 0;
	} else {
		ret = device_knob_write_raw(d, name, value);
		if (ret) {
			log_err("%s: writing \"%s\" to %s/%s failed: %s", d->name,
				value, d->sysdir, name, strerror(-ret));
			d->last_valid[k] = false;
			return ret;
		}
		log_debug("%s: %s = \"%s\"", d->name, name, value);
	}
	snprintf(d->last[k], sizeof(d->last[k]), "%s", value);
	d->last_valid[k] = true;
	return 0;
}

int device_save(struct device *d)
{
	for (size_t k = 0; k < KNOB_COUNT; k++) {
		int ret = device_knob_read(d, knob_table[k].name, d->saved[k],
					   sizeof(d->saved[k]));

		if (ret) {
			log_err("%s: cannot read %s/%s: %s", d->name, d->sysdir,
				knob_table[k].name, strerror(-ret));
			d->saved_valid = false;
			return ret;
		}
		memcpy(d->last[k], d->saved[k], sizeof(d->last[k]));
		d->last_valid[k] = true;
	}
	d->saved_valid = true;
	return 0;
}

int device_restore(struct device *d, bool dry_run)
{
	int failed = 0;

	if (!d->saved_valid)
		return 0;
	/* policy last: the thresholds are in place before reclaim resumes */
	for (size_t i = KNOB_COUNT; i-- > 0;) {
		if (device_knob_write(d, (enum knob_id)i, d->saved[i], dry_run))
			failed++;
	}
	return failed;
}

void profile_resolve(const struct profile *p, const struct profile *baseline,
		     const char saved[KNOB_COUNT][KNOB_VAL_LEN], const char *available,
		     char out[KNOB_COUNT][KNOB_VAL_LEN], char *dropped, size_t droplen)
{
	const struct profile *src;

	if (droplen)
		dropped[0] = '\0';
	for (size_t k = 0; k < KNOB_COUNT; k++) {
		unsigned bit = knob_table[k].profile_bit;

		src = (p->has & bit) ? p : (baseline && (baseline->has & bit)) ? baseline : NULL;
		if (!src) {
			snprintf(out[k], KNOB_VAL_LEN, "%s", saved[k]);
			continue;
		}
		switch (k) {
		case KNOB_POLICY:
			if (available && *available) {
				if (policy_chain_filter(src->policy, available, out[k],
							KNOB_VAL_LEN, dropped, droplen) < 0)
					snprintf(out[k], KNOB_VAL_LEN, "%s", saved[k]);
			} else {
				policy_chain_normalize(src->policy, out[k], KNOB_VAL_LEN);
			}
			break;
		case KNOB_IDLE_THRESHOLD_MS:
			snprintf(out[k], KNOB_VAL_LEN, "%" PRIu32, src->idle_threshold_ms);
			break;
		case KNOB_MIN_RESIDENT_MB:
			snprintf(out[k], KNOB_VAL_LEN, "%" PRIu32, src->min_resident_mb);
			break;
		}
	}
}

int device_apply(struct device *d, const struct profile *p,
		 const struct profile *baseline, bool do_shrink, bool dry_run)
{
	char val[KNOB_COUNT][KNOB_VAL_LEN], dropped[KNOB_VAL_LEN];
	int ret = 0;

	profile_resolve(p, baseline, (const char (*)[KNOB_VAL_LEN])d->saved, d->available,
			val, dropped, sizeof(dropped));
	if (dropped[0])
		log_warn("%s: policies not offered by the device skipped: %s (available: %s)",
			 d->name, dropped, d->available);
	/* thresholds first, then the chain that uses them */
	for (size_t k = KNOB_COUNT; k-- > 0;)
		if (device_knob_write(d, (enum knob_id)k, val[k], dry_run))
			ret = -EIO;
	if (do_shrink && (p->has & PROFILE_SHRINK) && p->shrink_mb)
		if (device_shrink(d, (uint64_t)p->shrink_mb << 20, 0, dry_run))
			ret = -EIO;
	return ret;
}

int device_shrink(const struct device *d, uint64_t bytes, int tgid, bool dry_run)
{
	char path[PATH_MAX], reply[128];
	long page = sysconf(_SC_PAGESIZE);
	uint64_t pages = bytes / (uint64_t)(page > 0 ? page : 4096), freed = 0;
	bool sysfs;
	int ret;

	if (!pages)
		return 0;
	if (device_shrink_path(d, path, sizeof(path), &sysfs))
		return -ENAMETOOLONG;
	if (dry_run) {
		log_info("%s: dry-run: would ask %s for %" PRIu64 " pages%s", d->name, path,
			 pages, tgid > 0 ? " of one process" : "");
		return 0;
	}
	ret = device_shrink_pages(d, pages, tgid, &freed, reply, sizeof(reply));
	if (ret == -EBADMSG) {
		/* the request was taken; only its result is unreadable */
		log_warn("%s: shrink %" PRIu64 " pages: %s reads back \"%s\", not a page count",
			 d->name, pages, path, reply);
		return 0;
	}
	if (ret) {
		log_err("%s: shrink request of %" PRIu64 " pages to %s failed: %s", d->name,
			pages, path, strerror(-ret));
		return ret;
	}
	log_info("%s: shrink %" PRIu64 " pages: reclaimed %" PRIu64, d->name, pages, freed);
	return 0;
}

int device_shrink_pages(const struct device *d, uint64_t pages, int tgid, uint64_t *freed,
			char *reply, size_t len)
{
	char path[PATH_MAX], req[64];
	bool sysfs;
	size_t n;
	ssize_t w;
	int fd, ret = 0;

	if (!len)
		return -EINVAL;
	reply[0] = '\0';
	if (!pages)
		return -ERANGE;
	if (device_shrink_path(d, path, sizeof(path), &sysfs))
		return -ENAMETOOLONG;
	if (tgid > 0)
		n = (size_t)snprintf(req, sizeof(req), "%" PRIu64 " tgid=%d\n", pages, tgid);
	else
		n = (size_t)snprintf(req, sizeof(req), "%" PRIu64 "\n", pages);
	fd = open(path, O_RDWR | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* EINTR: the kernel returned before taking the request */
	do {
		w = write(fd, req, n);
	} while (w < 0 && errno == EINTR);
	/* sysfs, as memory.reclaim: EAGAIN once done, fewer pages freed */
	if (w < 0 && !(sysfs && errno == EAGAIN))
		ret = -errno;
	else if (w >= 0 && (size_t)w != n)
		ret = -EIO;
	if (ret == 0) {
		/*
		 * Offset 0 of the same file: seq_file shows the result anew.
		 * A request another writer makes between the write and this
		 * read replaces it (the kernel keeps one result per device).
		 */
		do {
			w = pread(fd, reply, len - 1, 0);
		} while (w < 0 && errno == EINTR);
		if (w < 0) {
			ret = -errno;
		} else {
			reply[w] = '\0';
			while (w > 0 && (reply[w - 1] == '\n' || reply[w - 1] == ' '))
				reply[--w] = '\0';
			if (parse_u64(reply, freed))
				ret = -EBADMSG;
		}
	}
	close(fd);
	return ret;
}

static void shrink_bytes_text(char *buf, size_t len, uint64_t pages, uint64_t page_size, bool raw)
{
	uint64_t bytes = pages > UINT64_MAX / page_size ? UINT64_MAX : pages * page_size;

	if (raw)
		snprintf(buf, len, "%" PRIu64 " bytes", bytes);
	else
		format_size(bytes, buf, len);
}

void shrink_result_text(char *buf, size_t len, uint64_t freed_pages, uint64_t asked_pages,
			uint64_t page_size, bool raw)
{
	char freed[48], asked[48];

	if (!page_size)
		page_size = 4096;
	shrink_bytes_text(freed, sizeof(freed), freed_pages, page_size, raw);
	shrink_bytes_text(asked, sizeof(asked), asked_pages, page_size, raw);
	snprintf(buf, len, "freed %s (%" PRIu64 " page%s) of %s asked", freed, freed_pages,
		 freed_pages == 1 ? "" : "s", asked);
}

bool knob_is_numeric(const char *name)
{
	size_t n = strlen(name);

	return n > 3 && (strcmp(name + n - 3, "_ms") == 0 || strcmp(name + n - 3, "_mb") == 0);
}

int knob_value_check(const char *knob, const char *value, char *why, size_t len)
{
	uint64_t v;

	if (!knob_is_numeric(knob))
		return 0;
	for (const char *p = value; *p; p++)
		if (*p < '0' || *p > '9')
			goto not_a_number;
	if (!*value)
		goto not_a_number;
	if (parse_u64(value, &v)) {
		snprintf(why, len, "out of range (more than %" PRIu64 ")", UINT64_MAX);
		return -ERANGE;
	}
	return 0;
not_a_number:
	snprintf(why, len, "expected a non-negative decimal integer");
	return -EINVAL;
}

void knob_print_json(FILE *out, const char *knob, const char *value)
{
	uint64_t v;

	if (!value)
		fputs("null", out);
	else if (!knob_is_numeric(knob))
		json_string(out, value);
	else if (parse_u64(value, &v) == 0)
		fprintf(out, "%" PRIu64, v);
	else
		fputs("null", out);
}

int device_read_stats(const struct device *d, struct stats *s)
{
	char path[PATH_MAX];

	if (device_dbg_path(d, "stats", path, sizeof(path)))
		return -ENAMETOOLONG;
	return stats_read(path, s);
}

int device_read_table(const struct device *d, const char *which, struct table *t)
{
	char path[PATH_MAX];

	if (device_dbg_path(d, which, path, sizeof(path)))
		return -ENAMETOOLONG;
	return table_read(path, t);
}
