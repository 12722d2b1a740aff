// SPDX-License-Identifier: GPL-2.0-only
/*
 * gemreclaimctl - inspect and poke the GPU reclaim knobs.
 *
 * Cards are found by scanning <sysfs>/class/drm for cardN with a
 * device/reclaim directory (the same test the daemon applies to udev
 * devices); tables and stats come from debugfs.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
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

/* The project version (packaging/version), from the build (daemon/Makefile). */
#ifndef GR_VERSION
#define GR_VERSION "unknown"
#endif

struct opts {
	struct roots roots;
	const char *device;
	bool json, reverse, raw;
	const char *sort;
	const char *pid;
	const char *cgroup;
	struct ino_set cgset;	/* inodes of the --cgroup subtree */
	double interval;
	long iterations;
};

static struct device devs[MAX_DEVS];
static size_t ndev;
static struct opts o;

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
static void json_u64(const char *key, bool has, uint64_t v)
{
	if (!has)
		return;
	putchar(',');
	json_string(stdout, key);
	printf(":%" PRIu64, v);
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
};

static int cmd_status(void)
{
	struct cgroup_mem mem;
	int rc = CTL_OK;

	if (o.cgroup)
		cgroup_read_mem(o.cgroup, &mem);
	if (o.json)
		printf("{");
	for (size_t i = 0; i < ndev; i++) {
		const struct device *d = &devs[i];
		struct stats s = { 0 };
		int sret = device_read_stats(d, &s);
		char val[KNOB_VAL_LEN];
		struct bo_sums sums = { 0 };
		const char *why = NULL;
		int crc = o.cgroup ? cgroup_bo_sums(d, &sums, &why) : CTL_OK;
		const char *sep = "";

		if (o.json) {
			printf("%s", i ? "," : "");
			json_string(stdout, d->name);
			printf(":{\"driver\":");
			json_string(stdout, d->driver);
			printf(",\"knobs\":{");
			for (size_t k = 0; k < ARRAY_SIZE(status_knobs); k++) {
				if (device_knob_read(d, status_knobs[k], val, sizeof(val)))
					continue;
				printf("%s", sep);
				sep = ",";
				json_string(stdout, status_knobs[k]);
				putchar(':');
				uint64_t v;
				if (parse_u64(val, &v) == 0)
					printf("%" PRIu64, v);
				else
					json_string(stdout, val);
			}
			printf("},\"stats\":{");
			for (size_t k = 0; sret == 0 && k < s.n; k++) {
				printf("%s", k ? "," : "");
				json_string(stdout, s.e[k].key);
				putchar(':');
				if (s.e[k].numeric)
					printf("%" PRIu64, s.e[k].num);
				else
					json_string(stdout, s.e[k].value);
			}
			putchar('}');
			if (o.cgroup) {
				printf(",\"cgroup\":{\"path\":");
				json_string(stdout, o.cgroup);
				json_u64("bos", !crc, sums.bos);
				json_u64("resident", !crc, sums.resident);
				json_u64("swapped", !crc, sums.swapped);
				json_u64("discarded", !crc, sums.discarded);
				json_u64("memory.current", mem.has_current, mem.current);
				if (mem.has_shmem || mem.has_swapcached) {
					printf(",\"memory.stat\":{");
					if (mem.has_shmem)
						printf("\"shmem\":%" PRIu64 "%s", mem.shmem,
						       mem.has_swapcached ? "," : "");
					if (mem.has_swapcached)
						printf("\"swapcached\":%" PRIu64, mem.swapcached);
					putchar('}');
				}
				json_u64("memory.swap.current", mem.has_swap_current, mem.swap_current);
				putchar('}');
			}
			putchar('}');
		} else {
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
		}
		if (sret == 0)
			stats_free(&s);
		else if (ndev == 1 && !o.json)
			rc = debugfs_error(d, "stats", sret);
		if (crc && rc == CTL_OK)
			rc = crc;
	}
	if (o.json) {
		printf("}\n");
	} else if (o.cgroup) {
		/* the cgroup's own figures, the same for every card */
		printf("cgroup %s\n", o.cgroup);
		print_bytes_line("memory.current", mem.has_current, mem.current);
		print_bytes_line("memory.stat shmem", mem.has_shmem, mem.shmem);
		print_bytes_line("memory.stat swapcached", mem.has_swapcached, mem.swapcached);
		print_bytes_line("memory.swap.current", mem.has_swap_current, mem.swap_current);
	}
	return rc;
}

static int cmd_table(const char *which)
{
	int rc = CTL_OK;

	if (o.json)
		printf("{");
	for (size_t i = 0; i < ndev; i++) {
		struct table t;
		int ret = device_read_table(&devs[i], which, &t);

		if (ret) {
			if (o.json)
				printf("}\n");
			return debugfs_error(&devs[i], which, ret);
		}
		if (o.pid && table_filter(&t, "pid", o.pid) == -ENOENT) {
			fprintf(stderr, "gemreclaimctl: %s/%s has no pid column\n", devs[i].dbgdir, which);
			rc = CTL_IO;
		}
		if (o.cgroup && filter_cgroup(&devs[i], which, &t)) {
			/* no unfiltered rows: they would look like the cgroup's */
			table_free(&t);
			if (o.json)
				printf("}\n");
			return CTL_IO;
		}
		if (o.sort && table_sort(&t, o.sort, o.reverse) == -ENOENT) {
			fprintf(stderr, "gemreclaimctl: %s has no column \"%s\"\n", which, o.sort);
			table_free(&t);
			return CTL_USAGE;
		}
		if (o.json) {
			printf("%s", i ? "," : "");
			json_string(stdout, devs[i].name);
			putchar(':');
			table_print_json(stdout, &t);
		} else {
			if (ndev > 1)
				printf("%s%s:\n", i ? "\n" : "", devs[i].name);
			table_print(stdout, &t, !o.raw);
		}
		table_free(&t);
	}
	if (o.json)
		printf("}\n");
	return rc;
}

static int write_error(const struct device *d, const char *what, const char *value, int err)
{
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

static int cmd_get(int argc, char **argv)
{
	char val[KNOB_VAL_LEN];

	for (size_t i = 0; i < ndev; i++) {
		if (argc == 0) {
			for (size_t k = 0; k < ARRAY_SIZE(status_knobs); k++)
				if (device_knob_read(&devs[i], status_knobs[k], val, sizeof(val)) == 0)
					printf("%s%s%s=%s\n", ndev > 1 ? devs[i].name : "",
					       ndev > 1 ? ":" : "", status_knobs[k], val);
			continue;
		}
		for (int a = 0; a < argc; a++) {
			int ret = device_knob_read(&devs[i], argv[a], val, sizeof(val));

			if (ret) {
				if (ret == -EACCES)
					return write_error(&devs[i], argv[a], "", ret);
				fprintf(stderr, "gemreclaimctl: %s: no knob \"%s\" (%s)\n", devs[i].name,
					argv[a], strerror(-ret));
				return ret == -ENOENT || ret == -EINVAL ? CTL_USAGE : CTL_IO;
			}
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
	return CTL_OK;
}

static int cmd_shrink(const char *size)
{
	char path[PATH_MAX], back[128];
	uint64_t bytes, pid = 0;
	int ret;

	if ((ret = one_device("shrink")))
		return ret;
	if (parse_size(size, &bytes) || !bytes) {
		fprintf(stderr, "gemreclaimctl: shrink: invalid size \"%s\" (e.g. 64M, 1G, 4096)\n", size);
		return CTL_USAGE;
	}
	if (o.pid && (parse_u64(o.pid, &pid) || !pid || pid > INT32_MAX)) {
		fprintf(stderr, "gemreclaimctl: shrink: invalid pid \"%s\"\n", o.pid);
		return CTL_USAGE;
	}
	if (!device_has_debugfs(&devs[0]))
		return debugfs_error(&devs[0], "shrink", -ENOENT);
	log_set_level(LOG_WARNING);	/* the readback is printed below */
	ret = device_shrink(&devs[0], bytes, (int)pid, false);
	if (ret)
		return write_error(&devs[0], "shrink", size, ret);
	device_dbg_path(&devs[0], "shrink", path, sizeof(path));
	if (read_text(path, back, sizeof(back)) == 0)
		printf("%s\n", back);
	return CTL_OK;
}

static volatile sig_atomic_t top_stop;

static void top_signal(int sig)
{
	(void)sig;
	top_stop = 1;
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

		if (tty)
			fputs("\033[H\033[2J", stdout);
		strftime(tbuf, sizeof(tbuf), "%H:%M:%S", localtime(&now));
		printf("gemreclaimctl top - %s (every %.1f s, ctrl-c quits)\n\n", tbuf, o.interval);
		cmd_status();
		printf("\nVMs by resident memory:\n");
		cmd_table("vms");
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
		"options:\n"
		"  -d, --device CARD      only this card (e.g. card0)\n"
		"  -j, --json             JSON output (status, bos, vms)\n"
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
		"exit codes: 0 ok, 1 usage, 2 no reclaim-capable card, 3 debugfs unavailable,\n"
		"            4 permission denied, 5 value rejected or I/O error\n");
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
	const char *cmd;
	char *end;
	int c, ret;

	log_init("gemreclaimctl");
	roots_init(&o.roots);
	o.interval = 2.0;
	while ((c = getopt_long(argc, argv, "d:js:rp:g:i:n:hV", lopts, NULL)) != -1) {
		switch (c) {
		case 'd': o.device = optarg; break;
		case 'j': o.json = true; break;
		case 's': o.sort = optarg; break;
		case 'r': o.reverse = true; break;
		case 'p': o.pid = optarg; break;
		case 'g': o.cgroup = optarg; break;
		case OPT_RAW: o.raw = true; break;
		case 'i':
			o.interval = strtod(optarg, &end);
			if (*end || !(o.interval >= 0.1 && o.interval <= 3600)) {
				fprintf(stderr, "gemreclaimctl: --interval: expected seconds in 0.1 .. 3600\n");
				return CTL_USAGE;
			}
			break;
		case 'n':
			o.iterations = strtol(optarg, &end, 10);
			if (*end || o.iterations < 1) {
				fprintf(stderr, "gemreclaimctl: --iterations: expected a positive integer\n");
				return CTL_USAGE;
			}
			break;
		case OPT_PROC: snprintf(o.roots.proc, sizeof(o.roots.proc), "%s", optarg); break;
		case OPT_SYS: snprintf(o.roots.sys, sizeof(o.roots.sys), "%s", optarg); break;
		case OPT_DEBUGFS: snprintf(o.roots.debugfs, sizeof(o.roots.debugfs), "%s", optarg); break;
		case 'h': usage(stdout); return CTL_OK;
		case 'V': printf("gemreclaimctl %s\n", GR_VERSION); return CTL_OK;
		default: usage(stderr); return CTL_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CTL_USAGE;
	}
	cmd = argv[optind++];
	argc -= optind;
	argv += optind;
#define NARGS(lo, hi) do { if (argc < (lo) || argc > (hi)) { usage(stderr); return CTL_USAGE; } } while (0)
	if (strcmp(cmd, "status") == 0) NARGS(0, 0);
	else if (strcmp(cmd, "bos") == 0 || strcmp(cmd, "vms") == 0) NARGS(0, 0);
	else if (strcmp(cmd, "get") == 0) NARGS(0, 16);
	else if (strcmp(cmd, "set") == 0) NARGS(2, 2);
	else if (strcmp(cmd, "shrink") == 0) NARGS(1, 1);
	else if (strcmp(cmd, "top") == 0) NARGS(0, 0);
	else {
		fprintf(stderr, "gemreclaimctl: unknown command \"%s\"\n", cmd);
		usage(stderr);
		return CTL_USAGE;
	}
	if (o.cgroup) {
		if (strcmp(cmd, "get") == 0 || strcmp(cmd, "set") == 0 || strcmp(cmd, "shrink") == 0) {
			fprintf(stderr, "gemreclaimctl: %s: --cgroup applies to status, bos, vms and top only\n",
				cmd);
			return CTL_USAGE;
		}
		ret = load_cgroup();
		if (ret)
			return ret;
	}
	ret = find_devices();
	if (ret == CTL_OK)
		ret = run_command(cmd, argc, argv);
	ino_set_free(&o.cgset);
	return ret;
}
