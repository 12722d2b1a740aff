// SPDX-License-Identifier: GPL-2.0-only
/*
 * gemreclaimctl - inspect and poke the GPU reclaim knobs.
 *
 * Cards are found by scanning <sysfs>/class/drm for cardN with a
 * device/reclaim directory (the same test the daemon applies to udev
 * devices); tables and stats come from debugfs.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "devices.h"
#include "knobs.h"
#include "log.h"
#include "table.h"
#include "util.h"

/* Exit codes (documented in gemreclaimctl(1)). */
enum {
	CTL_OK = 0,
	CTL_USAGE = 1,		/* bad command line */
	CTL_NODEV = 2,		/* no reclaim-capable card (module not loaded) */
	CTL_NODEBUGFS = 3,	/* debugfs not mounted or no reclaim dir there */
	CTL_PERM = 4,		/* permission denied (not root) */
	CTL_IO = 5,		/* the kernel rejected a value, or I/O failed */
};

#define MAX_DEVS 16
/* The command and its arguments (get takes up to 16 knobs). */
#define MAX_WORDS 32

/* The project version (packaging/version), from the build (daemon/Makefile). */
#ifndef GR_VERSION
#define GR_VERSION "unknown"
#endif

struct opts {
	struct roots roots;
	const char *device;
	bool json, reverse, raw;
	const char *sort;
	const char *pid;	/* --pid, canonical decimal (pidnum), or NULL */
	char pidbuf[16];
	int pidnum;
	const char *cgroup;
	struct ino_set cgset;	/* inodes of the --cgroup subtree */
	double interval;
	long iterations;
};

static struct device devs[MAX_DEVS];
static size_t ndev;
static struct opts o;

/* A command-line error: one line, then where to look. Returns CTL_USAGE. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("gemreclaimctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\ntry gemreclaimctl --help\n", stderr);
	return CTL_USAGE;
}

/*
 * --json: a command builds its document in memory and prints it whole
 * (one line) once it is complete, so that standard output holds one valid
 * JSON document or nothing.
 */
struct jdoc {
	FILE *f;
	char *buf;
	size_t len;
};

static FILE *jdoc_open(struct jdoc *j)
{
	j->buf = NULL;
	j->len = 0;
	j->f = open_memstream(&j->buf, &j->len);
	if (!j->f)
		fprintf(stderr, "gemreclaimctl: %s\n", strerror(errno));
	return j->f;
}

/* Print the document and a newline when emit; free it. CTL_IO if it could not be built. */
static int jdoc_close(struct jdoc *j, bool emit)
{
	int rc = CTL_OK;

	if (fclose(j->f)) {
		fprintf(stderr, "gemreclaimctl: %s\n", strerror(errno));
		rc = CTL_IO;
	} else if (emit) {
		fwrite(j->buf, 1, j->len, stdout);
		putchar('\n');
	}
	free(j->buf);
	j->f = NULL;
	j->buf = NULL;
	return rc;
}

static void add_dev(void *ud, const char *sysname, bool added)
{
	(void)ud;
	if (!added || ndev == MAX_DEVS)
		return;
	if (o.device && strcmp(o.device, sysname) != 0)
		return;
	if (device_open(&devs[ndev], &o.roots, sysname) == 0)
		ndev++;
}

static int find_devices(void)
{
	char err[128];
	struct devscan *ds = devscan_new(&o.roots, false, err, sizeof(err));
	int ret;

	if (!ds) {
		fprintf(stderr, "gemreclaimctl: %s\n", err);
		return CTL_IO;
	}
	ret = devscan_enumerate(ds, add_dev, NULL);
	devscan_free(ds);
	if (ret < 0) {
		fprintf(stderr, "gemreclaimctl: scanning %s/class/drm: %s\n", o.roots.sys,
			strerror(-ret));
		return ret == -EACCES ? CTL_PERM : CTL_IO;
	}
	if (!ndev) {
		if (o.device)
			fprintf(stderr, "gemreclaimctl: %s is not a reclaim-capable DRM card (no %s/class/drm/%s/device/reclaim)\n",
				o.device, o.roots.sys, o.device);
		else
			fprintf(stderr, "gemreclaimctl: no reclaim-capable DRM card found under %s/class/drm: is the gem_reclaim module loaded and a driver using it (gpusim, panthor) bound?\n",
				o.roots.sys);
		return CTL_NODEV;
	}
	return CTL_OK;
}

/* Explain why a debugfs file of d cannot be used; returns an exit code. */
static int debugfs_error(const struct device *d, const char *file, int err)
{
	char dri[PATH_MAX];
	struct stat st;

	if (err == -EACCES || err == -EPERM) {
		fprintf(stderr, "gemreclaimctl: permission denied reading %s/%s%s\n", d->dbgdir,
			file, geteuid() ? ": debugfs is readable by root only, run as root" : "");
		return CTL_PERM;
	}
	if (path_fmt(dri, sizeof(dri), "%s/dri", o.roots.debugfs))
		return CTL_USAGE;
	if (stat(dri, &st) != 0) {
		if (errno == EACCES) {
			fprintf(stderr, "gemreclaimctl: permission denied on %s: run as root\n",
				o.roots.debugfs);
			return CTL_PERM;
		}
		fprintf(stderr, "gemreclaimctl: debugfs is not mounted at %s (mount -t debugfs none %s)\n",
			o.roots.debugfs, o.roots.debugfs);
		return CTL_NODEBUGFS;
	}
	if (err == -ENOENT && !device_has_debugfs(d)) {
		fprintf(stderr, "gemreclaimctl: %s: no reclaim directory in debugfs (%s)\n",
			d->name, d->dbgdir);
		return CTL_NODEBUGFS;
	}
	fprintf(stderr, "gemreclaimctl: %s/%s: %s\n", d->dbgdir, file, strerror(-err));
	return CTL_IO;
}

/* (Re)collect the inodes of the --cgroup subtree; returns an exit code. */
static int load_cgroup(void)
{
	char err[PATH_MAX + 160];
	int ret;

	ino_set_free(&o.cgset);
	ret = cgroup_subtree(o.cgroup, &o.cgset, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "gemreclaimctl: --cgroup: %s\n", err);
		if (ret == -EACCES || ret == -EPERM)
			return CTL_PERM;
		return ret == -ENOMEM || ret == -EIO ? CTL_IO : CTL_USAGE;
	}
	return CTL_OK;
}

/*
 * Keep the rows of t (file which of d) in the --cgroup subtree; -ENOENT,
 * after saying so, when the kernel prints no cgroup column.
 */
static int filter_cgroup(const struct device *d, const char *which, struct table *t)
{
	size_t zero = 0;
	uint64_t v;

	if (table_col(t, "cgroup") < 0) {
		fprintf(stderr, "gemreclaimctl: %s/%s has no cgroup column (kernel without cgroup support?)\n",
			d->dbgdir, which);
		return -ENOENT;
	}
	for (size_t r = 0; r < t->nrows; r++)
		if (table_u64(t, r, "cgroup", &v) && v == 0)
			zero++;
	if (t->nrows && zero == t->nrows)
		fprintf(stderr, "gemreclaimctl: %s/%s: the cgroup of every row is 0: the memory controller is disabled\n",
			d->dbgdir, which);
	return table_filter_ino(t, "cgroup", &o.cgset);
}

/* The --cgroup subtree's BOs on d: 0 or an exit code (reason on stderr and in why). */
static int cgroup_bo_sums(const struct device *d, struct bo_sums *sums, const char **why)
{
	struct table t;
	int ret = device_read_table(d, "bos", &t);

	if (ret) {
		*why = strerror(-ret);
		return debugfs_error(d, "bos", ret);
	}
	if (filter_cgroup(d, "bos", &t)) {
		*why = "no cgroup column in bos";
		table_free(&t);
		return CTL_IO;
	}
	bos_sum(&t, sums);
	table_free(&t);
	return CTL_OK;
}

static void print_bytes(uint64_t v)
{
	char buf[32];

	if (o.raw) {
		printf("%" PRIu64, v);
	} else {
		format_size(v, buf, sizeof(buf));
		printf("%s", buf);
	}
}

/* One line of status: "  key   value" with a byte count, or "-" when !has. */
static void print_bytes_line(const char *key, bool has, uint64_t v)
{
	printf("  %-22s ", key);
	if (has)
		print_bytes(v);
	else
		putchar('-');
	putchar('\n');
}

/* ,"key":v when has */
static void json_u64(FILE *out, const char *key, bool has, uint64_t v)
{
	if (!has)
		return;
	fputc(',', out);
	json_string(out, key);
	fprintf(out, ":%" PRIu64, v);
}

static void print_stat_value(const struct stat_entry *e)
{
	char buf[32];

	if (!o.raw && e->numeric && table_col_is_bytes(e->key)) {
		format_size(e->num, buf, sizeof(buf));
		printf("%s", buf);
	} else {
		printf("%s", e->value);
	}
}

static const char *const status_knobs[] = {
	"policy", "available_policies", "idle_threshold_ms", "min_resident_mb",
	"swapout_min_idle_ms", "refault_protect_ms",
};

/* One card's object of status --json; 0 or an exit code (reason on stderr). */
static int status_json_card(FILE *out, const struct device *d, const struct cgroup_mem *mem)
{
	struct stats s = { 0 };
	int sret = device_read_stats(d, &s), rc = CTL_OK;
	char val[KNOB_VAL_LEN];
	struct bo_sums sums = { 0 };
	const char *why = NULL;
	int crc = o.cgroup ? cgroup_bo_sums(d, &sums, &why) : CTL_OK;

	json_string(out, d->name);
	fputs(":{\"driver\":", out);
	if (d->driver[0])
		json_string(out, d->driver);
	else
		fputs("null", out);
	fputs(",\"knobs\":{", out);
	for (size_t k = 0; k < ARRAY_SIZE(status_knobs); k++) {
		bool ok = device_knob_read(d, status_knobs[k], val, sizeof(val)) == 0;

		if (k)
			fputc(',', out);
		json_string(out, status_knobs[k]);
		fputc(':', out);
		knob_print_json(out, status_knobs[k], ok ? val : NULL);
	}
	fputs("},\"stats\":", out);
	if (sret == 0) {
		stats_print_json(out, &s);
		stats_free(&s);
	} else {
		fputs("null", out);
		if (ndev == 1)
			rc = debugfs_error(d, "stats", sret);
	}
	if (o.cgroup) {
		fputs(",\"cgroup\":{\"path\":", out);
		json_string(out, o.cgroup);
		json_u64(out, "bos", !crc, sums.bos);
		json_u64(out, "resident", !crc, sums.resident);
		json_u64(out, "swapped", !crc, sums.swapped);
		json_u64(out, "discarded", !crc, sums.discarded);
		json_u64(out, "memory.current", mem->has_current, mem->current);
		if (mem->has_shmem || mem->has_swapcached) {
			fputs(",\"memory.stat\":{", out);
			if (mem->has_shmem)
				fprintf(out, "\"shmem\":%" PRIu64 "%s", mem->shmem,
					mem->has_swapcached ? "," : "");
			if (mem->has_swapcached)
				fprintf(out, "\"swapcached\":%" PRIu64, mem->swapcached);
			fputc('}', out);
		}
		json_u64(out, "memory.swap.current", mem->has_swap_current, mem->swap_current);
		fputc('}', out);
	}
	fputc('}', out);
	return rc != CTL_OK ? rc : crc;
}

/* The status object, keyed by card. */
/*
 * gemreclaimd's state file: 0 with st filled and *alive (its pid exists
 * under <proc>), -ENOENT when there is none (the daemon is not running, or
 * runs without a state file), -EBADMSG when it does not parse.
 */
static int daemon_status(struct daemon_state *st, char *path, size_t len, bool *alive)
{
	char text[1024], pidpath[PATH_MAX];
	struct stat sb;
	int ret;

	*alive = false;
	if (daemon_state_path(path, len))
		return -ENAMETOOLONG;
	ret = read_text(path, text, sizeof(text));
	if (ret)
		return ret;
	if (daemon_state_parse(text, st))
		return -EBADMSG;
	*alive = path_fmt(pidpath, sizeof(pidpath), "%s/%ld", o.roots.proc, st->pid) == 0 &&
		 stat(pidpath, &sb) == 0;
	return 0;
}

static void print_epoch(const char *what, long long t)
{
	char buf[64];
	time_t tt = (time_t)t;
	struct tm tm;

	if (t > 0 && localtime_r(&tt, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm))
		printf(" %s %s", what, buf);
}

/* The "gemreclaimd" lines of status: the daemon's level and last action. */
static void status_daemon_text(void)
{
	struct daemon_state st;
	char path[PATH_MAX];
	bool alive;
	int ret = daemon_status(&st, path, sizeof(path), &alive);

	if (ret == -ENOENT) {
		printf("gemreclaimd  not running (no %s)\n", path);
		return;
	}
	if (ret) {
		printf("gemreclaimd  unreadable state file %s: %s\n", path,
		       ret == -EBADMSG ? "not a gemreclaimd state file" : strerror(-ret));
		return;
	}
	if (!alive) {
		printf("gemreclaimd  not running (pid %ld gone; %s left over)\n", st.pid, path);
		return;
	}
	printf("gemreclaimd  pid %ld%s, %ld card%s\n", st.pid, st.dry_run ? " (dry run)" : "",
	       st.devices, st.devices == 1 ? "" : "s");
	printf("  %-22s %s", "level", st.level);
	print_epoch("since", st.since);
	putchar('\n');
	printf("  %-22s %s", "last_action", st.last_action[0] ? st.last_action : "none");
	print_epoch("at", st.last_action_at);
	putchar('\n');
}

/* status --json's "gemreclaimd" member: the state, or null when not running. */
static void status_daemon_json(FILE *out)
{
	struct daemon_state st;
	char path[PATH_MAX];
	bool alive;

	fputs("\"gemreclaimd\":", out);
	if (daemon_status(&st, path, sizeof(path), &alive) || !alive) {
		fputs("null", out);
		return;
	}
	fprintf(out, "{\"pid\":%ld,\"level\":", st.pid);
	json_string(out, st.level);
	fprintf(out, ",\"since\":%lld,\"last_action\":", st.since);
	if (st.last_action[0])
		json_string(out, st.last_action);
	else
		fputs("null", out);
	fprintf(out, ",\"last_action_at\":%lld,\"devices\":%ld,\"dry_run\":%s}",
		st.last_action_at, st.devices, st.dry_run ? "true" : "false");
}

static int status_json(FILE *out)
{
	struct cgroup_mem mem = { 0 };
	int rc = CTL_OK;

	if (o.cgroup)
		cgroup_read_mem(o.cgroup, &mem);
	fputc('{', out);
	for (size_t i = 0; i < ndev; i++) {
		int r;

		if (i)
			fputc(',', out);
		r = status_json_card(out, &devs[i], &mem);
		if (r && rc == CTL_OK)
			rc = r;
	}
	if (ndev)
		fputc(',', out);
	status_daemon_json(out);
	fputc('}', out);
	return rc;
}

static int status_text(void)
{
	struct cgroup_mem mem;
	int rc = CTL_OK;

	if (o.cgroup)
		cgroup_read_mem(o.cgroup, &mem);
	for (size_t i = 0; i < ndev; i++) {
		const struct device *d = &devs[i];
		struct stats s = { 0 };
		int sret = device_read_stats(d, &s);
		char val[KNOB_VAL_LEN];
		struct bo_sums sums = { 0 };
		const char *why = NULL;
		int crc = o.cgroup ? cgroup_bo_sums(d, &sums, &why) : CTL_OK;

		printf("%s  driver %s\n", d->name, d->driver[0] ? d->driver : "unknown");
		for (size_t k = 0; k < ARRAY_SIZE(status_knobs); k++) {
			int r = device_knob_read(d, status_knobs[k], val, sizeof(val));

			printf("  %-22s %s\n", status_knobs[k], r ? strerror(-r) : val);
		}
		if (sret == 0) {
			for (size_t k = 0; k < s.n; k++) {
				printf("  %-22s ", s.e[k].key);
				print_stat_value(&s.e[k]);
				putchar('\n');
			}
		} else {
			printf("  (no stats: %s)\n", strerror(-sret));
		}
		if (o.cgroup) {
			printf("  %-22s %s (and below)\n", "cgroup", o.cgroup);
			if (!crc) {
				printf("  %-22s %" PRIu64 "\n", "cgroup_bos", sums.bos);
				print_bytes_line("cgroup_resident", true, sums.resident);
				print_bytes_line("cgroup_swapped", true, sums.swapped);
				print_bytes_line("cgroup_discarded", true, sums.discarded);
			} else {
				printf("  (no cgroup figures: %s)\n", why);
			}
		}
		if (sret == 0)
			stats_free(&s);
		else if (ndev == 1)
			rc = debugfs_error(d, "stats", sret);
		if (crc && rc == CTL_OK)
			rc = crc;
	}
	if (o.cgroup) {
		/* the cgroup's own figures, the same for every card */
		printf("cgroup %s\n", o.cgroup);
		print_bytes_line("memory.current", mem.has_current, mem.current);
		print_bytes_line("memory.stat shmem", mem.has_shmem, mem.shmem);
		print_bytes_line("memory.stat swapcached", mem.has_swapcached, mem.swapcached);
		print_bytes_line("memory.swap.current", mem.has_swap_current, mem.swap_current);
	}
	status_daemon_text();
	return rc;
}

static int cmd_status(void)
{
	struct jdoc j;
	int rc, ret;

	if (!o.json)
		return status_text();
	if (!jdoc_open(&j))
		return CTL_IO;
	rc = status_json(j.f);
	/* a card without stats still has its object: printed, with the exit code */
	ret = jdoc_close(&j, true);
	return ret ? ret : rc;
}

/*
 * Table which of d, filtered by --pid and --cgroup and sorted by --sort;
 * 0, or an exit code (reason on stderr, t empty: no unfiltered rows, they
 * would look like the filtered ones).
 */
static int table_load(const struct device *d, const char *which, struct table *t)
{
	int ret = device_read_table(d, which, t);

	if (ret)
		return debugfs_error(d, which, ret);
	if (o.pid && table_filter(t, "pid", o.pid) == -ENOENT) {
		fprintf(stderr, "gemreclaimctl: %s/%s has no pid column\n", d->dbgdir, which);
		table_free(t);
		return CTL_IO;
	}
	if (o.cgroup && filter_cgroup(d, which, t)) {
		table_free(t);
		return CTL_IO;
	}
	if (o.sort && table_sort(t, o.sort, o.reverse) == -ENOENT) {
		fprintf(stderr, "gemreclaimctl: %s has no column \"%s\"\n", which, o.sort);
		table_free(t);
		return CTL_USAGE;
	}
	return CTL_OK;
}

/* The tables which of every card as JSON, an object keyed by card. */
static int tables_json(FILE *out, const char *which)
{
	fputc('{', out);
	for (size_t i = 0; i < ndev; i++) {
		struct table t;
		int rc = table_load(&devs[i], which, &t);

		if (rc)
			return rc;
		if (i)
			fputc(',', out);
		json_string(out, devs[i].name);
		fputc(':', out);
		table_print_json(out, &t);
		table_free(&t);
	}
	fputc('}', out);
	return CTL_OK;
}

static int cmd_table(const char *which)
{
	struct jdoc j;
	int rc, ret;

	if (o.json) {
		if (!jdoc_open(&j))
			return CTL_IO;
		rc = tables_json(j.f, which);
		ret = jdoc_close(&j, rc == CTL_OK);
		return ret ? ret : rc;
	}
	for (size_t i = 0; i < ndev; i++) {
		struct table t;

		rc = table_load(&devs[i], which, &t);
		if (rc)
			return rc;
		if (ndev > 1)
			printf("%s%s:\n", i ? "\n" : "", devs[i].name);
		table_print(stdout, &t, !o.raw);
		table_free(&t);
	}
	return CTL_OK;
}

static int write_error(const struct device *d, const char *what, const char *value, int err)
{
	char mode[32];

	if (err == -EPERM && !geteuid() && lockdown_active(&o.roots, mode, sizeof(mode))) {
		fprintf(stderr, "gemreclaimctl: %s of %s: refused by kernel lockdown (%s), "
			"which allows no debugfs write; this kernel's reclaim core has no sysfs "
			"%s file\n", what, d->name, mode, what);
		return CTL_PERM;
	}
	if (err == -EACCES || err == -EPERM) {
		fprintf(stderr, "gemreclaimctl: permission denied writing %s of %s%s\n", what,
			d->name, geteuid() ? ": run as root" : "");
		return CTL_PERM;
	}
	if (err == -EINVAL || err == -ERANGE) {
		fprintf(stderr, "gemreclaimctl: %s: the kernel rejected \"%s\" for %s (%s)\n",
			d->name, value, what, strerror(-err));
		return CTL_IO;
	}
	if (err == -ENOENT) {
		fprintf(stderr, "gemreclaimctl: %s: no knob \"%s\"\n", d->name, what);
		return CTL_USAGE;
	}
	fprintf(stderr, "gemreclaimctl: %s: writing %s: %s\n", d->name, what, strerror(-err));
	return CTL_IO;
}

/* Read knob of d into val; 0 or an exit code (reason on stderr). */
static int get_knob(const struct device *d, const char *knob, char *val, size_t len)
{
	int ret = device_knob_read(d, knob, val, len);

	if (ret == -EACCES)
		return write_error(d, knob, "", ret);
	if (ret) {
		fprintf(stderr, "gemreclaimctl: %s: no knob \"%s\" (%s)\n", d->name, knob,
			strerror(-ret));
		return ret == -ENOENT || ret == -EINVAL ? CTL_USAGE : CTL_IO;
	}
	return CTL_OK;
}

/* get --json: {"card0":{"knob":value,...},...}; without knobs, the four of status (null: unreadable). */
static int get_json(FILE *out, int argc, char **argv)
{
	char val[KNOB_VAL_LEN];
	int rc;

	fputc('{', out);
	for (size_t i = 0; i < ndev; i++) {
		const char *sep = "";

		if (i)
			fputc(',', out);
		json_string(out, devs[i].name);
		fputs(":{", out);
		for (size_t k = 0; argc == 0 && k < ARRAY_SIZE(status_knobs); k++) {
			bool ok = device_knob_read(&devs[i], status_knobs[k], val, sizeof(val)) == 0;

			fputs(sep, out);
			sep = ",";
			json_string(out, status_knobs[k]);
			fputc(':', out);
			knob_print_json(out, status_knobs[k], ok ? val : NULL);
		}
		for (int a = 0; a < argc; a++) {
			if ((rc = get_knob(&devs[i], argv[a], val, sizeof(val))))
				return rc;
			fputs(sep, out);
			sep = ",";
			json_string(out, argv[a]);
			fputc(':', out);
			knob_print_json(out, argv[a], val);
		}
		fputc('}', out);
	}
	fputc('}', out);
	return CTL_OK;
}

static int cmd_get(int argc, char **argv)
{
	char val[KNOB_VAL_LEN];
	struct jdoc j;
	int rc, ret;

	if (o.json) {
		if (!jdoc_open(&j))
			return CTL_IO;
		rc = get_json(j.f, argc, argv);
		ret = jdoc_close(&j, rc == CTL_OK);
		return ret ? ret : rc;
	}
	for (size_t i = 0; i < ndev; i++) {
		if (argc == 0) {
			for (size_t k = 0; k < ARRAY_SIZE(status_knobs); k++)
				if (device_knob_read(&devs[i], status_knobs[k], val, sizeof(val)) == 0)
					printf("%s%s%s=%s\n", ndev > 1 ? devs[i].name : "",
					       ndev > 1 ? ":" : "", status_knobs[k], val);
			continue;
		}
		for (int a = 0; a < argc; a++) {
			if ((rc = get_knob(&devs[i], argv[a], val, sizeof(val))))
				return rc;
			if (argc == 1 && ndev == 1)
				printf("%s\n", val);
			else
				printf("%s%s%s=%s\n", ndev > 1 ? devs[i].name : "",
				       ndev > 1 ? ":" : "", argv[a], val);
		}
	}
	return CTL_OK;
}

static int one_device(const char *cmd)
{
	if (ndev > 1) {
		fprintf(stderr, "gemreclaimctl: %s: %zu cards found; choose one with -d CARD\n",
			cmd, ndev);
		return CTL_USAGE;
	}
	return CTL_OK;
}

static int cmd_set(const char *knob, const char *value)
{
	char val[KNOB_VAL_LEN];
	int ret;

	if ((ret = one_device("set")))
		return ret;
	if (strcmp(knob, "available_policies") == 0) {
		fprintf(stderr, "gemreclaimctl: available_policies is read-only\n");
		return CTL_USAGE;
	}
	ret = device_knob_write_raw(&devs[0], knob, value);
	if (ret)
		return write_error(&devs[0], knob, value, ret);
	if (o.json) {
		/* the value as the kernel now shows it, as get --json prints it */
		bool ok = device_knob_read(&devs[0], knob, val, sizeof(val)) == 0;

		printf("{");
		json_string(stdout, devs[0].name);
		printf(":{");
		json_string(stdout, knob);
		putchar(':');
		knob_print_json(stdout, knob, ok ? val : NULL);
		printf("}}\n");
	}
	return CTL_OK;
}

static uint64_t page_size(void)
{
	long page = sysconf(_SC_PAGESIZE);

	return page > 0 ? (uint64_t)page : 4096;
}

/*
 * The --pid of shrink must name a live process, by its process id (the
 * kernel matches tgids): checked in <proc>/<pid> and its status Tgid line.
 */
static int check_shrink_pid(void)
{
	char path[PATH_MAX], line[256];
	struct stat st;
	FILE *f;

	if (path_fmt(path, sizeof(path), "%s/%d", o.roots.proc, o.pidnum) ||
	    (stat(path, &st) != 0 && errno == ENOENT)) {
		fprintf(stderr, "gemreclaimctl: shrink: no process with pid %d\n", o.pidnum);
		return CTL_USAGE;
	}
	if (path_fmt(path, sizeof(path), "%s/%d/status", o.roots.proc, o.pidnum) ||
	    !(f = fopen(path, "re")))
		return CTL_OK;	/* existence is all that can be told */
	while (fgets(line, sizeof(line), f)) {
		uint64_t tgid;

		if (strncmp(line, "Tgid:", 5) != 0)
			continue;
		if (parse_u64(line + 5, &tgid) == 0 && tgid != (uint64_t)o.pidnum) {
			fclose(f);
			fprintf(stderr, "gemreclaimctl: shrink: pid %d is a thread of process %" PRIu64 "; --pid takes a process id\n",
				o.pidnum, tgid);
			return CTL_USAGE;
		}
		break;
	}
	fclose(f);
	return CTL_OK;
}

/* pages of size, a valid shrink request (checked by main before any card is looked at). */
static uint64_t shrink_pages(const char *size)
{
	uint64_t bytes = 0;

	parse_size(size, &bytes);
	return bytes / page_size();
}

static int cmd_shrink(const char *size)
{
	uint64_t pages = shrink_pages(size), freed = 0, page = page_size();
	char reply[64], text[160];
	int ret;

	if ((ret = one_device("shrink")))
		return ret;
	if (!device_can_shrink(&devs[0]))
		return debugfs_error(&devs[0], "shrink", -ENOENT);
	ret = device_shrink_pages(&devs[0], pages, o.pid ? o.pidnum : 0, &freed, reply,
				  sizeof(reply));
	if (ret == -EBADMSG) {
		fprintf(stderr, "gemreclaimctl: %s/shrink reads back \"%s\", not a page count\n",
			devs[0].dbgdir, reply);
		return CTL_IO;
	}
	if (ret)
		return write_error(&devs[0], "shrink", size, ret);
	if (o.json) {
		printf("{");
		json_string(stdout, devs[0].name);
		printf(":{\"asked_bytes\":%" PRIu64 ",\"asked_pages\":%" PRIu64
		       ",\"freed_bytes\":%" PRIu64 ",\"freed_pages\":%" PRIu64
		       ",\"page_size\":%" PRIu64 ",\"pid\":",
		       pages * page, pages, freed > UINT64_MAX / page ? UINT64_MAX : freed * page,
		       freed, page);
		if (o.pid)
			printf("%d}}\n", o.pidnum);
		else
			printf("null}}\n");
		return CTL_OK;
	}
	shrink_result_text(text, sizeof(text), freed, pages, page, o.raw);
	if (o.pid)
		printf("%s from pid %d\n", text, o.pidnum);
	else
		printf("%s\n", text);
	return CTL_OK;
}

static volatile sig_atomic_t top_stop;

static void top_signal(int sig)
{
	(void)sig;
	top_stop = 1;
}

/* One line of top --json: {"time":T,"status":{...},"vms":{...} or null}. */
static int top_json(time_t now)
{
	struct jdoc j, v;
	int rc;

	if (!jdoc_open(&j))
		return CTL_IO;
	fprintf(j.f, "{\"time\":%lld,\"status\":", (long long)now);
	status_json(j.f);
	fputs(",\"vms\":", j.f);
	if (!jdoc_open(&v)) {
		jdoc_close(&j, false);
		return CTL_IO;
	}
	rc = tables_json(v.f, "vms");
	if (fclose(v.f) == 0 && rc == CTL_OK)
		fwrite(v.buf, 1, v.len, j.f);
	else
		fputs("null", j.f);
	free(v.buf);
	fputc('}', j.f);
	return jdoc_close(&j, true);
}

static int cmd_top(void)
{
	struct sigaction sa = { .sa_handler = top_signal };
	bool tty = isatty(STDOUT_FILENO);

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	o.sort = "resident";
	o.reverse = true;
	for (long n = 0; !top_stop && (o.iterations <= 0 || n < o.iterations); n++) {
		struct timespec ts;
		time_t now = time(NULL);
		char tbuf[32];
		int ret;

		/* cgroups come and go: walk the subtree again on every refresh */
		if (o.cgroup && n > 0 && (ret = load_cgroup()))
			return ret;

		if (o.json) {
			if ((ret = top_json(now)))
				return ret;
		} else {
			if (tty)
				fputs("\033[H\033[2J", stdout);
			strftime(tbuf, sizeof(tbuf), "%H:%M:%S", localtime(&now));
			printf("gemreclaimctl top - %s (every %.1f s, ctrl-c quits)\n\n", tbuf,
			       o.interval);
			cmd_status();
			printf("\nVMs by resident memory:\n");
			cmd_table("vms");
		}
		fflush(stdout);
		if (o.iterations > 0 && n + 1 >= o.iterations)
			break;
		ts.tv_sec = (time_t)o.interval;
		ts.tv_nsec = (long)((o.interval - (double)ts.tv_sec) * 1e9);
		while (nanosleep(&ts, &ts) && errno == EINTR && !top_stop)
			;
	}
	return CTL_OK;
}

/* cmd and its arguments were checked by main. */
static int run_command(const char *cmd, int argc, char **argv)
{
	if (strcmp(cmd, "status") == 0)
		return cmd_status();
	if (strcmp(cmd, "bos") == 0 || strcmp(cmd, "vms") == 0)
		return cmd_table(cmd);
	if (strcmp(cmd, "get") == 0)
		return cmd_get(argc, argv);
	if (strcmp(cmd, "set") == 0)
		return cmd_set(argv[0], argv[1]);
	if (strcmp(cmd, "shrink") == 0)
		return cmd_shrink(argv[0]);
	return cmd_top();
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: gemreclaimctl [options] COMMAND [ARGS]\n"
		"commands:\n"
		"  status                 cards, driver, knobs and stats (human units)\n"
		"  bos | vms              BO or VM table of each card\n"
		"  get [KNOB...]          print knobs (all tunables without KNOB)\n"
		"  set KNOB VALUE         write a knob\n"
		"  shrink SIZE            reclaim SIZE (e.g. 64M) now; --pid scopes it to a process\n"
		"  top                    refreshing status and VM table\n"
		"options (before or after the command; \"--\" ends them):\n"
		"  -d, --device CARD      only this card (e.g. card0)\n"
		"  -j, --json             JSON output (every command; top: one line per refresh)\n"
		"  -s, --sort COLUMN      sort tables by a column\n"
		"  -r, --reverse          reverse the sort order\n"
		"  -p, --pid PID          filter tables by owner pid / scope shrink\n"
		"  -g, --cgroup PATH      filter tables by a cgroup v2 directory and those below\n"
		"                         it; status: their BOs and the cgroup's memory\n"
		"      --raw              byte counts without human units\n"
		"  -i, --interval SEC     top refresh interval (default 2)\n"
		"  -n, --iterations N     top: stop after N refreshes\n"
		"      --proc-root DIR, --sysfs-root DIR, --debugfs-root DIR\n"
		"                         read a fake tree (also: GEMRECLAIM_ROOT=DIR)\n"
		"  -V, --version          print the version\n"
		"  -h, --help             this text\n"
		"exit codes: 0 ok, 1 usage, 2 no reclaim-capable card, 3 debugfs unavailable,\n"
		"            4 permission denied, 5 value rejected or I/O error\n");
}

static const struct command {
	const char *name;
	const char *args;	/* as in the usage text */
	int min, max;
} commands[] = {
	{ "status", NULL, 0, 0 },
	{ "bos", NULL, 0, 0 },
	{ "vms", NULL, 0, 0 },
	{ "get", "[KNOB...]", 0, 16 },
	{ "set", "KNOB VALUE", 2, 2 },
	{ "shrink", "SIZE", 1, 1 },
	{ "top", NULL, 0, 0 },
};

/* An option's value: 0 or a usage error (said). */
static int parse_option(int c, const char *arg)
{
	uint64_t v;
	char *end;
	int ret;

	switch (c) {
	case 'i':
		/* digits, an optional fraction: no sign, exponent, hex or blanks */
		ret = (int)strspn(arg, "0123456789");
		if (ret && arg[ret] == '.' && isdigit((unsigned char)arg[ret + 1]))
			ret += 1 + (int)strspn(arg + ret + 1, "0123456789");
		o.interval = ret ? strtod(arg, &end) : 0;
		if (!ret || arg[ret] || !(o.interval >= 0.1 && o.interval <= 3600))
			return usage_error("--interval: invalid value \"%s\": expected seconds in 0.1 .. 3600",
					   arg);
		return CTL_OK;
	case 'n':
		ret = strspn(arg, "0123456789") == strlen(arg) ? parse_u64(arg, &v) : -EINVAL;
		if (ret == -ERANGE || (ret == 0 && v > LONG_MAX))
			return usage_error("--iterations: \"%s\" is out of range (at most %ld)", arg,
					   LONG_MAX);
		if (ret || v < 1)
			return usage_error("--iterations: invalid value \"%s\": expected a positive integer",
					   arg);
		o.iterations = (long)v;
		return CTL_OK;
	case 'p':
		ret = parse_pid(arg, &o.pidnum);
		if (ret == -ERANGE)
			return usage_error("--pid: \"%s\" is out of range (1..%d)", arg, GR_PID_MAX);
		if (ret)
			return usage_error("--pid: invalid pid \"%s\": expected a decimal number",
					   arg);
		snprintf(o.pidbuf, sizeof(o.pidbuf), "%d", o.pidnum);
		o.pid = o.pidbuf;
		return CTL_OK;
	}
	return CTL_OK;
}

/* The command's arguments, checked before any card is looked at. */
static int check_args(const struct command *c, int argc, char **argv)
{
	char why[96];
	uint64_t bytes;
	int ret;

	if (argc < c->min || argc > c->max) {
		if (!c->args)
			return usage_error("%s takes no arguments (\"%s\" given)", c->name, argv[0]);
		if (argc > c->max && c->max > 1)
			return usage_error("%s takes at most %d arguments", c->name, c->max);
		return usage_error("%s: expected %s (%d argument%s given)", c->name, c->args, argc,
				   argc == 1 ? "" : "s");
	}
	if (o.pid && (strcmp(c->name, "status") == 0 || strcmp(c->name, "get") == 0 ||
		      strcmp(c->name, "set") == 0))
		return usage_error("%s: --pid applies to bos, vms, top and shrink only", c->name);
	if (o.cgroup && (strcmp(c->name, "get") == 0 || strcmp(c->name, "set") == 0 ||
			 strcmp(c->name, "shrink") == 0))
		return usage_error("%s: --cgroup applies to status, bos, vms and top only", c->name);
	if (strcmp(c->name, "set") == 0) {
		ret = knob_value_check(argv[0], argv[1], why, sizeof(why));
		if (ret)
			return usage_error("invalid value \"%s\" for %s: %s", argv[1], argv[0], why);
	}
	if (strcmp(c->name, "shrink") == 0) {
		ret = parse_size(argv[0], &bytes);
		if (ret == -ERANGE)
			return usage_error("shrink: size \"%s\" is out of range", argv[0]);
		if (ret)
			return usage_error("shrink: invalid size \"%s\" (e.g. 64M, 1G, 4096)", argv[0]);
		if (bytes < page_size())
			return usage_error("shrink: size \"%s\" is less than one page (%" PRIu64 " bytes)",
					   argv[0], page_size());
		if (o.pid)
			return check_shrink_pid();
	}
	return CTL_OK;
}

int main(int argc, char **argv)
{
	enum { OPT_RAW = 256, OPT_PROC, OPT_SYS, OPT_DEBUGFS };
	static const struct option lopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "sort", required_argument, NULL, 's' },
		{ "reverse", no_argument, NULL, 'r' },
		{ "pid", required_argument, NULL, 'p' },
		{ "cgroup", required_argument, NULL, 'g' },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "interval", required_argument, NULL, 'i' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "proc-root", required_argument, NULL, OPT_PROC },
		{ "sysfs-root", required_argument, NULL, OPT_SYS },
		{ "debugfs-root", required_argument, NULL, OPT_DEBUGFS },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct command *command = NULL;
	char *words[MAX_WORDS];
	int nwords = 0, c, ret;

	log_init("gemreclaimctl");
	roots_init(&o.roots);
	o.interval = 2.0;
	/*
	 * Options may come before and after the command. The words that are
	 * not options are the command and its arguments; after the command,
	 * a word of '-' and a digit is one (a negative number: no option is a
	 * digit), so is the word after set's KNOB whatever it looks like, and
	 * so is every word after "--". "+": getopt stops at each such word,
	 * which is taken here, then goes on; ':': missing arguments said here.
	 */
	opterr = 0;
	while (optind < argc) {
		const char *w = argv[optind];
		int before = optind;
		bool arg = nwords > 0 && w[0] == '-' && isdigit((unsigned char)w[1]);

		if (nwords == 2 && strcmp(words[0], "set") == 0 && strcmp(w, "--") != 0)
			arg = true;	/* set's VALUE, as written */
		if (!arg) {
			c = getopt_long(argc, argv, "+:d:js:rp:g:i:n:hV", lopts, NULL);
			if (c == -1 && optind > before) {
				/* "--": the rest are words */
				while (optind < argc && nwords < MAX_WORDS)
					words[nwords++] = argv[optind++];
				if (optind < argc)
					return usage_error("too many arguments");
				break;
			}
			arg = c == -1;
		}
		if (arg) {
			if (nwords == MAX_WORDS)
				return usage_error("too many arguments");
			words[nwords++] = argv[optind++];
			continue;
		}
		switch (c) {
		case 'd': o.device = optarg; break;
		case 'j': o.json = true; break;
		case 's': o.sort = optarg; break;
		case 'r': o.reverse = true; break;
		case 'g': o.cgroup = optarg; break;
		case OPT_RAW: o.raw = true; break;
		case 'i':
		case 'n':
		case 'p':
			if ((ret = parse_option(c, optarg)))
				return ret;
			break;
		case OPT_PROC: snprintf(o.roots.proc, sizeof(o.roots.proc), "%s", optarg); break;
		case OPT_SYS: snprintf(o.roots.sys, sizeof(o.roots.sys), "%s", optarg); break;
		case OPT_DEBUGFS: snprintf(o.roots.debugfs, sizeof(o.roots.debugfs), "%s", optarg); break;
		case 'h': usage(stdout); return CTL_OK;
		case 'V': printf("gemreclaimctl %s\n", GR_VERSION); return CTL_OK;
		case ':':
			if (strncmp(argv[before], "--", 2) == 0)
				return usage_error("option \"%s\" needs an argument", argv[before]);
			return usage_error("option \"-%c\" needs an argument", optopt);
		default:
			if (strncmp(argv[before], "--", 2) != 0)
				return usage_error("unknown option \"-%c\"", optopt);
			if (optopt && strchr(argv[before], '='))
				return usage_error("option \"%.*s\" takes no argument",
						   (int)strcspn(argv[before], "="), argv[before]);
			return usage_error("unknown option \"%s\"", argv[before]);
		}
	}
	if (nwords == 0)
		return usage_error("no command given");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(words[0], commands[i].name) == 0)
			command = &commands[i];
	if (!command)
		return usage_error("unknown command \"%s\"", words[0]);
	if ((ret = check_args(command, nwords - 1, words + 1)))
		return ret;
	if (o.cgroup && (ret = load_cgroup()))
		return ret;
	ret = find_devices();
	if (ret == CTL_OK)
		ret = run_command(command->name, nwords - 1, words + 1);
	ino_set_free(&o.cgset);
	return ret;
}
