// SPDX-License-Identifier: GPL-2.0-only
/*
 * gemreclaimd - moves the GPU reclaim knobs according to memory pressure.
 *
 * Event loop rules:
 *  - one poll set (ppoll) holds one fd per PSI trigger (POLLPRI) and the
 *    udev monitor fd (POLLIN); every timer (cool-down, proactive step,
 *    trigger re-arm, fallback average polling, metrics, watchdog, cgroup
 *    trimming round) is folded into the ppoll timeout, so with no
 *    pressure, no proactive mode, no cgroup trimming, no metrics and no
 *    watchdog the daemon sleeps indefinitely;
 *  - signal handlers only set sig_atomic_t flags; the signals are blocked
 *    outside ppoll(), which atomically unblocks them, so none is lost;
 *  - a trigger fd reporting POLLERR is closed and re-armed later with
 *    exponential back-off, never re-polled in a loop;
 *  - all decisions are made by the pure control law (control.c, and
 *    cgtrim.c for cgroup trimming); this file only does I/O. The one
 *    thread besides the main one writes memory.reclaim (cgtrim_io.c) and
 *    reports each write through an eventfd in the poll set;
 *  - SIGUSR1 logs a status dump (level, devices, per-cgroup counters).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "cgtrim.h"
#include "cgtrim_io.h"
#include "config.h"
#include "control.h"
#include "devices.h"
#include "knobs.h"
#include "log.h"
#include "metrics.h"
#include "psi.h"
#include "util.h"

/* Exit codes, one per fatal path (documented in gemreclaimd(8)). */
enum {
	EXIT_OK = 0,
	EXIT_USAGE = 1,		/* bad command line */
	EXIT_CONFIG = 2,	/* configuration file invalid or unreadable */
	EXIT_PRESSURE = 3,	/* pressure file unreadable (PSI off, bad cgroup) */
	EXIT_DEVICES = 4,	/* device discovery (libudev) could not start */
	EXIT_RUNTIME = 5,	/* signal/poll setup or poll() itself failed */
};

#ifndef GR_VERSION
#define GR_VERSION "unknown"	/* set by daemon/Makefile */
#endif

#define MAX_DEVS 16
#define PROC_SUPER_MAGIC_ 0x9fa0
#define CGROUP2_SUPER_MAGIC_ 0x63677270

static volatile sig_atomic_t sig_term, sig_hup, sig_usr1;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		sig_hup = 1;
	else if (sig == SIGUSR1)
		sig_usr1 = 1;
	else
		sig_term = 1;
}

struct trig {
	int fd;			/* -1 when not armed */
	size_t level;		/* index into cfg.levels */
	uint64_t retry_at;	/* when to re-arm after a loss */
	uint32_t delay;		/* current back-off */
};

struct gd {
	struct config cfg;
	const char *cfg_path;
	bool cfg_explicit;		/* -c given: the file must exist */
	char state_path[PATH_MAX];	/* "" none */
	bool state_warned;
	time_t level_since;		/* wall clock of the last level change */
	char last_action[256];
	time_t last_action_at;
	struct roots roots;
	bool use_udev;
	bool cli_dry_run;
	int cli_log_level;		/* -1: from config */
	size_t ncli_devs;
	char cli_devs[MAX_DEVS][32];

	char pressure_path[PATH_MAX];
	bool privileged;
	struct trig trig[CFG_MAX_LEVELS];
	size_t ntrig;
	bool fallback;			/* averages instead of triggers */
	bool fallback_read_failed;
	bool fallback_warned;		/* the one log line about falling back */
	uint64_t next_poll;

	struct devscan *ds;
	struct device *devs[MAX_DEVS];
	size_t ndev;

	struct ctl ctl;
	int applied;			/* level whose profile is in place, -1 none */
	uint64_t fired_us;		/* first trigger seen by this loop pass, 0 none */
	uint64_t next_metrics;
	uint64_t wd_usec;
	uint64_t next_wd;

	struct cgt_set cgt;		/* cgroups matched by cgroup_trim */
	struct cgt_writer *cgw;		/* memory.reclaim writer, NULL until needed */
	uint64_t cgt_next;		/* next glob expansion and round of steps */
	bool cgt_root_checked;
};

static bool dry_run(const struct gd *g)
{
	return g->cli_dry_run || g->cfg.dry_run;
}

static const char *level_name(const struct gd *g, int level)
{
	return level <= 0 ? "none" : g->cfg.levels[level - 1].name;
}

static void notify_status(const struct gd *g)
{
	sd_notifyf(0, "STATUS=level %s, %zu device%s, %s%s", level_name(g, g->ctl.level),
		   g->ndev, g->ndev == 1 ? "" : "s",
		   g->fallback ? "polling PSI averages" : "PSI triggers armed",
		   dry_run(g) ? " (dry run)" : "");
}

/* --- state file ---------------------------------------------------------- */

/* mkdir -p of path's directory */
static void mkdir_parents(const char *path)
{
	char d[PATH_MAX];

	if (snprintf(d, sizeof(d), "%s", path) >= (int)sizeof(d))
		return;
	for (char *p = d + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(d, 0755);
			*p = '/';
		}
}

/* The file state_file names: the default follows GEMRECLAIM_ROOT, like /proc and /sys. */
static void resolve_state_path(struct gd *g)
{
	const char *pfx = getenv("GEMRECLAIM_ROOT");

	if (!g->cfg.state_file[0])
		g->state_path[0] = '\0';
	else if (pfx && *pfx && strcmp(g->cfg.state_file, CFG_DEFAULT_STATE_FILE) == 0 &&
		 path_fmt(g->state_path, sizeof(g->state_path), "%s%s", pfx, g->cfg.state_file) == 0)
		return;
	else if (path_fmt(g->state_path, sizeof(g->state_path), "%s", g->cfg.state_file))
		g->state_path[0] = '\0';
}

/*
 * key=value lines for gemreclaimctl status, replaced atomically (written
 * to PATH.tmp, then renamed) on every level change and action.
 */
static void state_write(struct gd *g)
{
	char tmp[PATH_MAX + 8], buf[1024];
	int fd, len, ret;

	if (!g->state_path[0])
		return;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", g->state_path) >= (int)sizeof(tmp))
		return;
	len = snprintf(buf, sizeof(buf),
		       "pid=%ld\nlevel=%s\nlevel_index=%d\nsince=%lld\nlast_action=%s\nlast_action_at=%lld\ndevices=%zu\ndry_run=%d\n",
		       (long)getpid(), level_name(g, g->ctl.level), g->ctl.level,
		       (long long)g->level_since, g->last_action, (long long)g->last_action_at,
		       g->ndev, dry_run(g) ? 1 : 0);
	if (len < 0 || len >= (int)sizeof(buf))
		len = (int)strlen(buf);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 && errno == ENOENT) {
		mkdir_parents(tmp);
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	}
	if (fd < 0)
		goto fail;
	ret = write(fd, buf, (size_t)len) == len ? 0 : -1;
	if (close(fd) || ret) {
		unlink(tmp);
		goto fail;
	}
	if (rename(tmp, g->state_path)) {
		unlink(tmp);
		goto fail;
	}
	if (g->state_warned)
		log_info("state file %s written again", g->state_path);
	g->state_warned = false;
	return;
fail:
	if (!g->state_warned)
		log_warn("cannot write the state file %s: %s (gemreclaimctl status will not show the level)",
			 g->state_path, strerror(errno));
	g->state_warned = true;
}

static void state_action(struct gd *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Record the last action (one line) and rewrite the state file. */
static void state_action(struct gd *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g->last_action, sizeof(g->last_action), fmt, ap);
	va_end(ap);
	for (char *p = g->last_action; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	g->last_action_at = time(NULL);
	state_write(g);
}

/* --- pressure ----------------------------------------------------------- */

static void resolve_pressure_path(struct gd *g)
{
	const char *src = g->cfg.pressure_source;
	struct stat st;

	int ret;

	if (strcmp(src, "system") == 0)
		ret = path_fmt(g->pressure_path, sizeof(g->pressure_path), "%s/pressure/memory",
			       g->roots.proc);
	else if (stat(src, &st) == 0 && S_ISDIR(st.st_mode))
		ret = path_fmt(g->pressure_path, sizeof(g->pressure_path), "%s/memory.pressure", src);
	else
		ret = path_fmt(g->pressure_path, sizeof(g->pressure_path), "%s", src);
	if (ret)
		g->pressure_path[0] = '\0';	/* fails to open: reported by the caller */
}

static bool have_cap_sys_resource(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	uint64_t cap = 0;
	int ret;

	if (!f)
		return false;
	ret = caps_parse_status(f, &cap);
	fclose(f);
	return ret == 0 && (cap & (1ull << CAP_SYS_RESOURCE_BIT));
}

/* Open and arm one trigger. 0, or -errno (-ENOTSUP: not a PSI file). */
static int trig_arm(struct gd *g, struct trig *t)
{
	const struct level *l = &g->cfg.levels[t->level];
	uint32_t stall = l->stall_us, window = l->window_us;
	struct statfs sfs;
	char buf[64];
	ssize_t w;
	int fd, ret;

	fd = open(g->pressure_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* a regular file (a fake tree) accepts the write but never polls PRI */
	if (fstatfs(fd, &sfs) == 0 && (long)sfs.f_type != PROC_SUPER_MAGIC_ &&
	    (long)sfs.f_type != CGROUP2_SUPER_MAGIC_) {
		close(fd);
		return -ENOTSUP;
	}
	if (psi_trigger_fit(&stall, &window, g->privileged))
		log_info("level %s: trigger window %u us -> %u us, stall %u us -> %u us (%s)",
			 l->name, l->window_us, window, l->stall_us, stall,
			 g->privileged ? "kernel limits" : "no CAP_SYS_RESOURCE: 2 s multiples");
	psi_trigger_format(buf, sizeof(buf), l->kind, stall, window);
	do {
		w = write(fd, buf, strlen(buf) + 1);
	} while (w < 0 && errno == EINTR);
	if (w < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	t->fd = fd;
	t->delay = g->cfg.rearm_delay_ms;
	log_debug("level %s: trigger \"%s\" armed on %s", l->name, buf, g->pressure_path);
	return 0;
}

static void trig_close_all(struct gd *g)
{
	for (size_t i = 0; i < g->ntrig; i++)
		if (g->trig[i].fd >= 0) {
			close(g->trig[i].fd);
			g->trig[i].fd = -1;
		}
	g->ntrig = 0;
}

/* Arm all triggers or switch to polling averages. 0 or an exit code. */
static int pressure_setup(struct gd *g, uint64_t now)
{
	struct psi_sample s;
	char err[160];
	int ret = 0;

	trig_close_all(g);
	resolve_pressure_path(g);
	if (psi_read(g->pressure_path, &s, err, sizeof(err))) {
		log_err("cannot read memory pressure from %s: %s (is PSI enabled, psi=1? does the cgroup exist?)",
			g->pressure_path, err);
		return EXIT_PRESSURE;
	}
	g->fallback = false;
	for (size_t i = 0; i < g->cfg.nlevels; i++) {
		struct trig *t = &g->trig[i];

		t->fd = -1;
		t->level = i;
		t->retry_at = 0;
		g->ntrig = i + 1;
		ret = trig_arm(g, t);
		if (ret)
			break;
	}
	if (ret) {
		trig_close_all(g);
		g->fallback = true;
		g->next_poll = now;
		if (!g->fallback_warned)
			log_warn("PSI triggers refused on %s (%s): reading the averages every %u ms instead",
				 g->pressure_path, ret == -ENOTSUP ? "not a PSI file" : strerror(-ret),
				 g->cfg.poll_interval_ms);
		g->fallback_warned = true;
	} else if (g->cfg.nlevels) {
		g->fallback_warned = false;
		log_info("%zu PSI trigger%s armed on %s", g->ntrig, g->ntrig == 1 ? "" : "s",
			 g->pressure_path);
	}
	return 0;
}

static void trig_lost(struct gd *g, struct trig *t, uint64_t now)
{
	log_warn("level %s: trigger on %s lost (POLLERR); re-arming in %u ms",
		 g->cfg.levels[t->level].name, g->pressure_path, t->delay);
	close(t->fd);
	t->fd = -1;
	t->retry_at = now + t->delay;
}

static void trig_retry(struct gd *g, struct trig *t, uint64_t now)
{
	int ret;

	if (t->fd >= 0 || !t->retry_at || now < t->retry_at)
		return;
	ret = trig_arm(g, t);
	if (ret == 0) {
		log_info("level %s: trigger re-armed on %s", g->cfg.levels[t->level].name,
			 g->pressure_path);
		t->retry_at = 0;
		return;
	}
	t->delay = t->delay * 2 > g->cfg.rearm_max_ms ? g->cfg.rearm_max_ms : t->delay * 2;
	t->retry_at = now + t->delay;
	log_debug("re-arming %s failed: %s; next try in %u ms", g->pressure_path,
		  strerror(-ret), t->delay);
}

static void fallback_poll(struct gd *g, uint64_t now)
{
	struct psi_sample s;
	char err[160];

	if (!g->fallback || now < g->next_poll)
		return;
	g->next_poll = now + g->cfg.poll_interval_ms;
	if (psi_read(g->pressure_path, &s, err, sizeof(err))) {
		if (!g->fallback_read_failed)
			log_warn("reading %s failed: %s (will keep trying)", g->pressure_path, err);
		g->fallback_read_failed = true;
		return;
	}
	if (g->fallback_read_failed)
		log_info("reading %s works again", g->pressure_path);
	g->fallback_read_failed = false;
	ctl_sample(&g->ctl, &s, now);
}

/*
 * Once the level's cool-down is over, step down to what the pressure now
 * implies; blind (one level) when it cannot be read.
 */
static void level_tick(struct gd *g, uint64_t now)
{
	struct psi_sample s;
	char err[160];

	if (!ctl_tick_due(&g->ctl, now))
		return;
	if (psi_read(g->pressure_path, &s, err, sizeof(err))) {
		log_debug("stepping down blind: reading %s failed: %s", g->pressure_path, err);
		ctl_tick(&g->ctl, NULL, now);
		return;
	}
	ctl_tick(&g->ctl, &s, now);
}

/* --- devices ------------------------------------------------------------ */

static const struct profile *level_profile(const struct gd *g, int level)
{
	return level <= 0 ? &g->cfg.baseline : &g->cfg.levels[level - 1].prof;
}

static void device_log_knobs(const struct device *d, const char *what)
{
	log_info("%s %s (driver %s): policy \"%s\", idle_threshold_ms %s, min_resident_mb %s",
		 what, d->name, d->driver[0] ? d->driver : "unknown",
		 d->saved[KNOB_POLICY], d->saved[KNOB_IDLE_THRESHOLD_MS],
		 d->saved[KNOB_MIN_RESIDENT_MB]);
}

static bool cli_dev_wanted(const struct gd *g, const char *name)
{
	if (!g->ncli_devs)
		return true;
	for (size_t i = 0; i < g->ncli_devs; i++)
		if (strcmp(g->cli_devs[i], name) == 0)
			return true;
	return false;
}

static void dev_event(void *ud, const char *sysname, bool added)
{
	struct gd *g = ud;
	struct device *d;
	size_t i;

	for (i = 0; i < g->ndev; i++)
		if (strcmp(g->devs[i]->name, sysname) == 0)
			break;
	if (!added) {
		if (i == g->ndev)
			return;
		log_info("%s removed; forgetting it", sysname);
		free(g->devs[i]);
		g->devs[i] = g->devs[--g->ndev];
		notify_status(g);
		state_action(g, "%s removed", sysname);
		return;
	}
	if (i < g->ndev || !cli_dev_wanted(g, sysname))
		return;
	if (g->ndev == MAX_DEVS) {
		log_warn("%s ignored: already managing %d devices", sysname, MAX_DEVS);
		return;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		log_err("%s ignored: out of memory", sysname);
		return;
	}
	if (device_open(d, &g->roots, sysname)) {
		free(d);
		return;
	}
	if (!devices_match(&g->cfg, d->name, d->driver)) {
		log_debug("%s (driver %s) does not match devices.cards/drivers; left alone",
			  d->name, d->driver);
		free(d);
		return;
	}
	if (device_save(d)) {
		free(d);
		return;
	}
	device_log_knobs(d, "taking over");
	if (!device_has_debugfs(d))
		log_info("%s: no debugfs directory %s; stats and shrink unavailable", d->name,
			 d->dbgdir);
	g->devs[g->ndev++] = d;
	/* bring the new device to the level in force */
	if (g->applied >= 0)
		device_apply(d, level_profile(g, g->applied), &g->cfg.baseline,
			     false, dry_run(g));
	notify_status(g);
	if (g->applied >= 0)
		state_action(g, "took over %s (driver %s)", d->name, d->driver[0] ? d->driver : "unknown");
}

static void devices_restore(struct gd *g)
{
	for (size_t i = 0; i < g->ndev; i++) {
		int failed = device_restore(g->devs[i], dry_run(g));

		if (failed)
			log_err("%s: %d knob%s could not be restored", g->devs[i]->name,
				failed, failed == 1 ? "" : "s");
		else
			log_info("%s: knobs restored", g->devs[i]->name);
	}
}

static void apply_level(struct gd *g)
{
	int level = g->ctl.level;
	const struct profile *prof = level_profile(g, level);

	if (level == g->applied)
		return;
	/* knobs first, on every device; a level's one-shot shrink after */
	for (size_t i = 0; i < g->ndev; i++)
		device_apply(g->devs[i], prof, &g->cfg.baseline, false, dry_run(g));
	if (g->applied < 0)
		log_info("starting at pressure level %s", level_name(g, level));
	else if (g->fired_us)
		/* the time a trigger's wake-up took to reach the knobs */
		log_info("pressure level %s -> %s: %zu device%s updated %" PRIu64 " us after the trigger fired",
			 level_name(g, g->applied), level_name(g, level), g->ndev,
			 g->ndev == 1 ? "" : "s", now_us() - g->fired_us);
	else
		log_info("pressure level %s -> %s", level_name(g, g->applied), level_name(g, level));
	g->level_since = time(NULL);
	if (level > g->applied && g->applied >= 0 && (prof->has & PROFILE_SHRINK) && prof->shrink_mb) {
		for (size_t i = 0; i < g->ndev; i++)
			device_shrink(g->devs[i], (uint64_t)prof->shrink_mb << 20, 0, dry_run(g));
		snprintf(g->last_action, sizeof(g->last_action),
			 "level %s -> %s, shrink %u MiB on %zu device%s%s", level_name(g, g->applied),
			 level_name(g, level), prof->shrink_mb, g->ndev, g->ndev == 1 ? "" : "s",
			 dry_run(g) ? " (dry run)" : "");
	} else if (g->applied < 0) {
		snprintf(g->last_action, sizeof(g->last_action), "started at level %s, %zu device%s%s",
			 level_name(g, level), g->ndev, g->ndev == 1 ? "" : "s",
			 dry_run(g) ? " (dry run)" : "");
	} else {
		snprintf(g->last_action, sizeof(g->last_action), "level %s -> %s on %zu device%s%s",
			 level_name(g, g->applied), level_name(g, level), g->ndev,
			 g->ndev == 1 ? "" : "s", dry_run(g) ? " (dry run)" : "");
	}
	g->last_action_at = g->level_since;
	g->applied = level;
	g->next_metrics = 0;	/* a level change is published at once */
	notify_status(g);
	state_write(g);
}

static void proactive_step(struct gd *g, uint64_t now)
{
	uint64_t idle = 0, want;
	struct psi_sample s;
	char err[160];
	uint64_t dev_idle[MAX_DEVS] = { 0 };
	double p;

	if (ctl_proactive_timeout(&g->ctl, now) != 0 || !g->ndev)
		return;
	/* unreadable counts as pressure: no trimming blind */
	p = ctl_proactive_pressure(&g->ctl,
				   psi_read(g->pressure_path, &s, err, sizeof(err)) ? NULL : &s,
				   now);
	for (size_t i = 0; i < g->ndev; i++) {
		struct table t;

		if (device_read_table(g->devs[i], "vms", &t) == 0) {
			dev_idle[i] = vms_idle_resident(&t, g->cfg.proactive.idle_ms);
			table_free(&t);
		}
		idle += dev_idle[i];
	}
	want = ctl_proactive(&g->ctl, p, idle, now);
	if (!want) {
		if (p < 0)
			log_debug("proactive: no step (measuring the stall from now on)");
		else
			log_debug("proactive: no step (some %.2f%% since the last look, target %.2f%%, idle %" PRIu64 " bytes)",
				  p, g->cfg.proactive.target_pct, idle);
		return;
	}
	log_info("proactive: some %.2f%% since the last look < %.2f%%: trimming %" PRIu64 " MiB of %" PRIu64 " MiB idle",
		 p, g->cfg.proactive.target_pct, want >> 20, idle >> 20);
	state_action(g, "proactive trim %" PRIu64 " MiB (some %.2f%%)%s", want >> 20,
		     p, dry_run(g) ? " (dry run)" : "");
	for (size_t i = 0; i < g->ndev && want; i++) {
		uint64_t n = dev_idle[i] < want ? dev_idle[i] : want;

		if (n && device_shrink(g->devs[i], n, 0, dry_run(g)) == 0)
			want -= n;
	}
}

/* --- cgroup trimming ----------------------------------------------------- */

static void cgt_gone(void *ud, const struct cgt_cg *c)
{
	(void)ud;
	log_debug("cgroup trim: %s gone or no longer matched; dropped%s", c->path,
		  c->busy ? " (its write is still in progress)" : "");
}

static void cgtrim_check_root(struct gd *g)
{
	const char *root = g->cfg.cgtrim.root;
	struct statfs sfs;

	g->cgt_root_checked = true;
	if (statfs(root, &sfs))
		log_warn("cgroup trim: %s: %s; nothing will match until it exists", root,
			 strerror(errno));
	else if ((long)sfs.f_type != CGROUP2_SUPER_MAGIC_)
		log_warn("cgroup trim: %s is not a cgroup2 mount; its cgroups have no memory.reclaim",
			 root);
}

static void pct(char *buf, size_t len, double frac)
{
	snprintf(buf, len, "%.3f%%", 100.0 * frac);
}

static void cgtrim_write(struct gd *g, struct cgt_cg *c, uint64_t bytes,
			 uint64_t current, double psi)
{
	char a[32], err[160];
	int ret;

	if (dry_run(g)) {
		format_size(bytes, a, sizeof(a));
		log_info("dry run: cgroup trim: %s: would write %" PRIu64 " (%s) to memory.reclaim",
			 c->path, bytes, a);
		cgt_done(c, 0, current, current);
		return;
	}
	if (!g->cgw) {
		g->cgw = cgt_writer_new(err, sizeof(err));
		if (!g->cgw) {
			log_err("cgroup trim: %s", err);
			cgt_done(c, -ENOMEM, current, current);
			return;
		}
	}
	ret = cgt_writer_submit(g->cgw, g->cfg.cgtrim.root, c->path, bytes, current, psi);
	if (ret) {
		log_err("cgroup trim: %s: cannot queue the write: %s", c->path, strerror(-ret));
		cgt_done(c, ret, current, current);
	}
}

/* Expand the globs, then one step for each background cgroup that is due. */
static void cgtrim_tick(struct gd *g, uint64_t now)
{
	const struct cgroup_trim *p = &g->cfg.cgtrim;
	struct cgt_match m = { 0 };
	char err[200], cur[32], ps[16], tg[16];
	int ret;

	if (!p->enabled || now < g->cgt_next)
		return;
	g->cgt_next = now + p->interval_ms;
	if (!g->cgt_root_checked)
		cgtrim_check_root(g);
	ret = cgt_expand(p, &m);
	if (ret) {
		log_warn("cgroup trim: expanding the globs failed: %s", strerror(-ret));
		cgt_match_free(&m);
		return;
	}
	ret = cgt_sync(&g->cgt, (const char *const *)m.paths, m.roles, m.entry, m.n, now,
		       cgt_gone, g);
	cgt_match_free(&m);
	if (ret == -ENOSPC && !g->cgt.full_warned) {
		log_warn("cgroup trim: more than %d cgroups matched; the others are left alone",
			 CGT_MAX_CGROUPS);
		g->cgt.full_warned = true;
	}
	pct(tg, sizeof(tg), p->target_pct / 100.0);
	for (size_t i = 0; i < g->cgt.n;) {
		struct cgt_cg *c = &g->cgt.v[i];
		struct cgt_sample s = { .ok = false };
		enum cgt_why why;
		uint64_t bytes;
		double psi;

		if (c->fresh)
			log_debug("cgroup trim: following %s (%s, cgroups[%u] \"%s\")", c->path,
				  cg_role_name(c->role), c->entry, p->entries[c->entry].path);
		c->fresh = false;
		/* foreground: never read, never written; not due: nothing to read */
		if (c->role == CG_FOREGROUND || (c->have_sample && now < c->next_at)) {
			i++;
			continue;
		}
		ret = cgt_read(p->root, c->path, &s, err, sizeof(err));
		if (ret && ret != -ENOENT) {
			if (!c->warned)
				log_warn("cgroup trim: %s: %s; not trimmed (memory controller not enabled for it?)",
					 c->path, err);
			c->warned = true;
			i++;
			continue;
		}
		if (!ret && c->warned) {
			log_info("cgroup trim: %s: memory files readable again", c->path);
			c->warned = false;
		}
		why = cgt_step(c, p, &s, now, &bytes, &psi);
		if (why == CGT_GONE) {
			cgt_gone(g, c);
			cgt_remove(&g->cgt, i);
			continue;
		}
		if (why == CGT_WRITE) {
			cgtrim_write(g, c, bytes, s.current, psi);
		} else if (why != CGT_NOT_DUE) {
			format_size(s.current, cur, sizeof(cur));
			pct(ps, sizeof(ps), psi);
			log_debug("cgroup trim: %s: psi %s, target %s, memory.current %s: no write (%s)",
				  c->path, why == CGT_FIRST || why == CGT_RESET || why == CGT_BUSY ? "-" : ps,
				  tg, cur, cgt_why_name(why));
		}
		i++;
	}
}

/* Finished memory.reclaim writes: counters and the step's log line. */
static void cgtrim_collect(struct gd *g)
{
	struct cgt_job *j, *next;
	char ps[16], tg[16], cur[32], asked[32], drop[32];

	if (!g->cgw)
		return;
	pct(tg, sizeof(tg), g->cfg.cgtrim.target_pct / 100.0);
	for (j = cgt_writer_collect(g->cgw); j; j = next) {
		struct cgt_cg *c = cgt_find(&g->cgt, j->rel);
		bool grew = j->after > j->before;

		next = j->next;
		if (c)
			cgt_done(c, j->result, j->before, j->after);
		if (j->result == 0 || j->result == -EAGAIN)
			state_action(g, "cgroup trim %s: asked %" PRIu64 " bytes, memory.current %" PRIu64 " -> %" PRIu64,
				     j->rel, j->bytes, j->before, j->after);
		pct(ps, sizeof(ps), j->psi);
		format_size(j->before, cur, sizeof(cur));
		format_size(j->bytes, asked, sizeof(asked));
		format_size(grew ? j->after - j->before : j->before - j->after, drop, sizeof(drop));
		if (j->result == 0 || j->result == -EAGAIN)
			log_debug("cgroup trim: %s: psi %s < %s, memory.current %s, asked %s, %s %s (%" PRIu64 " -> %" PRIu64 " bytes) in %" PRIu64 " ms%s",
				  j->rel, ps, tg, cur, asked, grew ? "grew" : "dropped", drop,
				  j->before, j->after, j->took_ms,
				  j->result ? ", EAGAIN (reclaimed less than asked)" : "");
		else if (!c || c->n.errors == 1)
			log_warn("cgroup trim: %s: writing %" PRIu64 " to memory.reclaim failed: %s%s%s",
				 j->rel, j->bytes, strerror(-j->result),
				 j->result == -EROFS ? " (a read-only cgroupfs: ProtectControlGroups=yes in the unit?)" : "",
				 c ? " (further failures of this cgroup at debug level)" : "");
		else
			log_debug("cgroup trim: %s: writing %" PRIu64 " to memory.reclaim failed: %s",
				  j->rel, j->bytes, strerror(-j->result));
		free(j);
	}
}

static void dump_status(struct gd *g)
{
	const struct cgroup_trim *p = &g->cfg.cgtrim;
	char a[32], d[32], cur[32], ps[16];

	log_info("status: pressure level %s, %zu device%s, %s%s, %u level change%s, proactive trimming %s (%" PRIu64 " bytes asked)",
		 level_name(g, g->ctl.level), g->ndev, g->ndev == 1 ? "" : "s",
		 g->fallback ? "polling PSI averages" : "PSI triggers armed",
		 dry_run(g) ? " (dry run)" : "", g->ctl.changes, g->ctl.changes == 1 ? "" : "s",
		 g->cfg.proactive.enabled ? "on" : "off", g->ctl.pro_trimmed);
	if (!p->enabled) {
		log_info("status: cgroup trimming off");
		return;
	}
	log_info("status: cgroup trimming every %u ms under %s, target %.3f%%, ratio %g: %zu cgroup%s followed",
		 p->interval_ms, p->root, p->target_pct, p->ratio, g->cgt.n,
		 g->cgt.n == 1 ? "" : "s");
	for (size_t i = 0; i < g->cgt.n; i++) {
		const struct cgt_cg *c = &g->cgt.v[i];
		const struct cgt_counters *n = &c->n;
		char path[PATH_MAX], buf[64];
		uint64_t v;

		/* read now, for the foreground ones too */
		if (path_fmt(path, sizeof(path), "%s/%s/memory.current", p->root, c->path) ||
		    read_text(path, buf, sizeof(buf)) || parse_u64(buf, &v))
			snprintf(cur, sizeof(cur), "-");
		else
			format_size(v, cur, sizeof(cur));
		if (c->role == CG_FOREGROUND) {
			log_info("status: cgroup %s (foreground): memory.current %s, never trimmed",
				 c->path, cur);
			continue;
		}
		format_size(n->asked, a, sizeof(a));
		format_size(n->dropped, d, sizeof(d));
		pct(ps, sizeof(ps), c->last_psi);
		log_info("status: cgroup %s (background): memory.current %s, last psi %s, steps %" PRIu64 ", writes %" PRIu64 " (%s asked, memory.current dropped %s), EAGAIN %" PRIu64 ", errors %" PRIu64 ", skipped: busy %" PRIu64 ", after EAGAIN %" PRIu64 ", at target %" PRIu64 ", at floor %" PRIu64 ", PSI resets %" PRIu64 "%s",
			 c->path, cur, ps, n->steps, n->writes, a, d, n->eagain, n->errors,
			 n->busy, n->backoffs, n->pressure, n->floor, n->resets,
			 c->busy ? "; a write in progress" : "");
	}
}

static void write_metrics(struct gd *g, uint64_t now)
{
	struct metrics_dev md[MAX_DEVS];
	struct stats st[MAX_DEVS];
	struct metrics_state m = {
		.level = g->ctl.level, .level_name = level_name(g, g->ctl.level),
		.level_changes = g->ctl.changes, .fallback = g->fallback,
		.proactive_bytes = g->ctl.pro_trimmed, .ndev = g->ndev, .devs = md,
		.cgt = g->cfg.cgtrim.enabled ? &g->cgt : NULL,
	};
	int ret;

	if (!g->cfg.metrics_file[0])
		return;
	g->next_metrics = now + g->cfg.metrics_interval_ms;
	for (size_t i = 0; i < g->ndev; i++) {
		md[i].dev = g->devs[i];
		md[i].stats = device_read_stats(g->devs[i], &st[i]) == 0 ? &st[i] : NULL;
	}
	ret = metrics_write(g->cfg.metrics_file, &m);
	if (ret)
		log_warn("writing metrics to %s failed: %s", g->cfg.metrics_file, strerror(-ret));
	for (size_t i = 0; i < g->ndev; i++)
		if (md[i].stats)
			stats_free(&st[i]);
}

/* --- configuration ------------------------------------------------------ */

static bool driver_check(const char *name, void *ud, char *why, size_t len)
{
	return drm_driver_known(ud, name, why, len);
}

static int load_config(struct gd *g, struct config *c, bool at_start)
{
	struct cfg_loaded info;
	struct cfg_diag d;
	char buf[600];
	/* only the default path may be missing */
	int ret = config_load_all(c, g->cfg_path, !g->cfg_explicit, &d, &info);

	for (int i = 0; i < d.nwarn; i++) {
		cfg_error_format(&d.w[i], buf, sizeof(buf));
		log_warn("%s", buf);
	}
	if (!ret && info.main_missing)
		log_info("%s not found; using built-in defaults%s", g->cfg_path,
			 info.ndropins ? " with the drop-ins of its .d directory" : "");
	else if (!ret && info.ndropins)
		log_info("%s: %d drop-in file%s read from %s.d", g->cfg_path, info.ndropins,
			 info.ndropins == 1 ? "" : "s", g->cfg_path);
	if (ret) {
		for (int i = 0; i < d.n; i++) {
			cfg_error_format(&d.e[i], buf, sizeof(buf));
			log_err("%s", buf);
		}
		log_err(at_start ? "configuration rejected; exiting" :
				   "configuration rejected; keeping the previous configuration");
		return -EINVAL;
	}
	return 0;
}

static void apply_log_level(const struct gd *g)
{
	log_set_level(g->cli_log_level >= 0 ? g->cli_log_level : g->cfg.log_level);
}

static void reload(struct gd *g, uint64_t now)
{
	static char nc_state_old[PATH_MAX];
	struct config *nc = malloc(sizeof(*nc));

	sd_notify(0, "RELOADING=1");
	if (!nc) {
		log_err("reload: out of memory; keeping the previous configuration");
		goto out;
	}
	memcpy(nc, &g->cfg, sizeof(*nc));
	if (load_config(g, nc, false)) {
		free(nc);
		state_action(g, "reload rejected; previous configuration kept");
		goto out;
	}
	/* devices that no longer match are given back */
	for (size_t i = 0; i < g->ndev;) {
		struct device *d = g->devs[i];

		if (!devices_match(nc, d->name, d->driver)) {
			log_info("%s no longer matches the configuration; giving it back", d->name);
			device_restore(d, dry_run(g));
			free(d);
			g->devs[i] = g->devs[--g->ndev];
			continue;
		}
		i++;
	}
	snprintf(nc_state_old, sizeof(nc_state_old), "%s", g->cfg.state_file);
	memcpy(&g->cfg, nc, sizeof(*nc));
	free(nc);
	apply_log_level(g);
	ctl_reconfigure(&g->ctl, &g->cfg, now);
	if (pressure_setup(g, now))
		log_err("pressure source unusable after reload; levels will not change until the next reload");
	devscan_enumerate(g->ds, dev_event, g);
	/* re-apply the level in force: profiles may have changed */
	for (size_t i = 0; i < g->ndev; i++)
		device_apply(g->devs[i], level_profile(g, g->ctl.level), &g->cfg.baseline,
			     false, dry_run(g));
	g->applied = g->ctl.level;
	g->next_metrics = now;
	/* cgroups: re-expanded at once; known ones keep their state */
	g->cgt_root_checked = false;
	g->cgt_next = now;
	if (!g->cfg.cgtrim.enabled && g->cgt.n) {
		log_info("cgroup trimming off: %zu cgroup%s no longer followed", g->cgt.n,
			 g->cgt.n == 1 ? "" : "s");
		cgt_sync(&g->cgt, NULL, NULL, NULL, 0, now, NULL, NULL);
	}
	log_info("configuration reloaded from %s", g->cfg_path);
	if (strcmp(g->cfg.state_file, nc_state_old) != 0 && g->state_path[0])
		unlink(g->state_path);
	resolve_state_path(g);
	state_action(g, "configuration reloaded");
out:
	sd_notify(0, "READY=1");
	notify_status(g);
}

/* --- main loop ---------------------------------------------------------- */

static void min_timeout(int64_t *t, int64_t cand)
{
	if (cand >= 0 && (*t < 0 || cand < *t))
		*t = cand;
}

static int64_t until(uint64_t when, uint64_t now)
{
	return when > now ? (int64_t)(when - now) : 0;
}

static int64_t next_timeout(const struct gd *g, uint64_t now)
{
	int64_t t = -1;

	min_timeout(&t, ctl_timeout(&g->ctl, now));
	if (g->ndev)
		min_timeout(&t, ctl_proactive_timeout(&g->ctl, now));
	if (g->fallback)
		min_timeout(&t, until(g->next_poll, now));
	for (size_t i = 0; i < g->ntrig; i++)
		if (g->trig[i].fd < 0 && g->trig[i].retry_at)
			min_timeout(&t, until(g->trig[i].retry_at, now));
	if (g->cfg.metrics_file[0])
		min_timeout(&t, until(g->next_metrics, now));
	if (g->wd_usec)
		min_timeout(&t, until(g->next_wd, now));
	if (g->cfg.cgtrim.enabled)
		min_timeout(&t, until(g->cgt_next, now));
	return t;
}

static int run(struct gd *g, const sigset_t *unblocked)
{
	struct pollfd pfd[CFG_MAX_LEVELS + 2];

	for (;;) {
		uint64_t now = now_ms();
		struct timespec ts, *tsp = NULL;
		size_t n = 0, udev_slot = SIZE_MAX, cgw_slot = SIZE_MAX;
		int64_t timeout;
		int ret;

		if (sig_term)
			return EXIT_OK;
		if (sig_hup) {
			sig_hup = 0;
			reload(g, now);
		}
		if (sig_usr1) {
			sig_usr1 = 0;
			dump_status(g);
		}
		for (size_t i = 0; i < g->ntrig; i++) {
			pfd[n].fd = g->trig[i].fd;	/* -1 entries are ignored by poll */
			pfd[n].events = POLLPRI;
			pfd[n].revents = 0;
			n++;
		}
		if (devscan_fd(g->ds) >= 0) {
			udev_slot = n;
			pfd[n].fd = devscan_fd(g->ds);
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
			n++;
		}
		if (cgt_writer_fd(g->cgw) >= 0) {
			cgw_slot = n;
			pfd[n].fd = cgt_writer_fd(g->cgw);
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
			n++;
		}
		timeout = next_timeout(g, now);
		if (timeout >= 0) {
			ts.tv_sec = timeout / 1000;
			ts.tv_nsec = (timeout % 1000) * 1000000;
			tsp = &ts;
		}
		ret = ppoll(pfd, n, tsp, unblocked);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			log_err("ppoll: %s", strerror(errno));
			return EXIT_RUNTIME;
		}
		now = now_ms();
		for (size_t i = 0; i < g->ntrig; i++) {
			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			if (pfd[i].revents & (POLLERR | POLLNVAL | POLLHUP))
				trig_lost(g, &g->trig[i], now);
			else if (pfd[i].revents & POLLPRI) {
				if (!g->fired_us)
					g->fired_us = now_us();
				log_debug("level %s: trigger fired", g->cfg.levels[i].name);
				ctl_trigger(&g->ctl, g->trig[i].level, now);
			}
		}
		if (udev_slot != SIZE_MAX && (pfd[udev_slot].revents & POLLIN))
			devscan_dispatch(g->ds, dev_event, g);
		if (cgw_slot != SIZE_MAX && (pfd[cgw_slot].revents & POLLIN))
			cgtrim_collect(g);
		for (size_t i = 0; i < g->ntrig; i++)
			trig_retry(g, &g->trig[i], now);
		fallback_poll(g, now);
		level_tick(g, now);
		apply_level(g);
		g->fired_us = 0;
		proactive_step(g, now);
		cgtrim_tick(g, now);
		if (g->cfg.metrics_file[0] && now >= g->next_metrics)
			write_metrics(g, now);
		if (g->wd_usec && now >= g->next_wd) {
			sd_notify(0, "WATCHDOG=1");
			g->next_wd = now + g->wd_usec / 2000;
		}
	}
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: gemreclaimd [options]\n"
		"  -c, --config FILE      configuration file (default " CFG_DEFAULT_PATH ")\n"
		"  -n, --dry-run          log knob writes instead of making them\n"
		"  -v, --verbose          log at debug level\n"
		"  -t, --check-config     validate the configuration and exit\n"
		"  -d, --device CARD      manage only this card (repeatable)\n"
		"      --no-udev          find cards by scanning <sysfs>/class/drm, no monitor\n"
		"      --proc-root DIR    instead of /proc\n"
		"      --sysfs-root DIR   instead of /sys (implies --no-udev)\n"
		"      --debugfs-root DIR instead of /sys/kernel/debug\n"
		"  -V, --version          print the version and exit\n"
		"  -h, --help             this help\n"
		"Environment: GEMRECLAIM_ROOT=DIR prefixes /proc, /sys and /sys/kernel/debug.\n"
		"Drop-ins: FILE.d/*.conf, read after FILE in lexical order; each top-level\n"
		"setting replaces the one of earlier files as a whole.\n"
		"Exit codes: 0 ok, 1 usage, 2 config, 3 pressure source, 4 device discovery, 5 runtime.\n");
}

int main(int argc, char **argv)
{
	enum { OPT_NO_UDEV = 256, OPT_PROC, OPT_SYS, OPT_DEBUGFS };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "check-config", no_argument, NULL, 't' },
		{ "device", required_argument, NULL, 'd' },
		{ "no-udev", no_argument, NULL, OPT_NO_UDEV },
		{ "proc-root", required_argument, NULL, OPT_PROC },
		{ "sysfs-root", required_argument, NULL, OPT_SYS },
		{ "debugfs-root", required_argument, NULL, OPT_DEBUGFS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct gd g;
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, unblocked;
	bool check_only = false, no_udev = false;
	char err[200];
	int c, ret;
	uint64_t now;

	log_init("gemreclaimd");
	g.cfg_path = CFG_DEFAULT_PATH;
	g.cli_log_level = -1;
	g.applied = -1;
	roots_init(&g.roots);
	while ((c = getopt_long(argc, argv, "c:nvtd:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c': g.cfg_path = optarg; g.cfg_explicit = true; break;
		case 'n': g.cli_dry_run = true; break;
		case 'v': g.cli_log_level = LOG_DEBUG; break;
		case 't': check_only = true; break;
		case 'd':
			if (card_minor(optarg) < 0 || g.ncli_devs == MAX_DEVS) {
				fprintf(stderr, "gemreclaimd: --device %s: expected a card name like card0 (at most %d)\n",
					optarg, MAX_DEVS);
				return EXIT_USAGE;
			}
			snprintf(g.cli_devs[g.ncli_devs++], sizeof(g.cli_devs[0]), "%s", optarg);
			break;
		case OPT_NO_UDEV: no_udev = true; break;
		case OPT_PROC: snprintf(g.roots.proc, sizeof(g.roots.proc), "%s", optarg); break;
		case OPT_SYS: snprintf(g.roots.sys, sizeof(g.roots.sys), "%s", optarg); break;
		case OPT_DEBUGFS: snprintf(g.roots.debugfs, sizeof(g.roots.debugfs), "%s", optarg); break;
		case 'h': usage(stdout); return EXIT_OK;
		case 'V': printf("gemreclaimd %s\n", GR_VERSION); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	config_set_driver_check(driver_check, &g.roots);
	config_defaults(&g.cfg);
	if (load_config(&g, &g.cfg, true))
		return EXIT_CONFIG;
	apply_log_level(&g);
	if (check_only) {
		printf("%s: OK (%zu level%s", g.cfg_path, g.cfg.nlevels,
		       g.cfg.nlevels == 1 ? "" : "s");
		if (g.cfg.cgtrim.enabled)
			printf(", cgroup trimming: %zu entr%s every %u ms", g.cfg.cgtrim.nentries,
			       g.cfg.cgtrim.nentries == 1 ? "y" : "ies", g.cfg.cgtrim.interval_ms);
		printf(")\n");
		return EXIT_OK;
	}

	/* signals: handlers set flags; blocked except inside ppoll() */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &block, &unblocked) ||
	    sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL) ||
	    sigaction(SIGHUP, &sa, NULL) || sigaction(SIGUSR1, &sa, NULL)) {
		log_err("signal setup failed: %s", strerror(errno));
		return EXIT_RUNTIME;
	}
	sigdelset(&unblocked, SIGTERM);
	sigdelset(&unblocked, SIGINT);
	sigdelset(&unblocked, SIGHUP);
	sigdelset(&unblocked, SIGUSR1);
	signal(SIGPIPE, SIG_IGN);

	/*
	 * Under heavy pressure the daemon's own pages would be swapped out
	 * too, and faulting them back in delays its reaction (tens of ms
	 * measured in a thrashing guest). MCL_ONFAULT locks only pages it
	 * touches, so its footprint stays as small as its RSS.
	 */
	if (g.cfg.lock_memory && mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT))
		log_warn("cannot lock the daemon's memory (%s); it runs unlocked, and may react late under heavy pressure",
			 strerror(errno));

	now = now_ms();
	g.privileged = have_cap_sys_resource();
	ctl_init(&g.ctl, &g.cfg, now);
	ret = pressure_setup(&g, now);
	if (ret)
		return ret;

	g.use_udev = !no_udev && roots_are_system(&g.roots);
	g.ds = devscan_new(&g.roots, g.use_udev, err, sizeof(err));
	if (!g.ds) {
		log_err("device discovery: %s", err);
		trig_close_all(&g);
		return EXIT_DEVICES;
	}
	ret = devscan_enumerate(g.ds, dev_event, &g);
	if (ret < 0)
		log_warn("enumerating DRM cards failed: %s", strerror(-ret));
	if (!g.ndev)
		log_info("no reclaim-capable DRM card yet%s", g.use_udev ?
			 "; waiting for one to appear" : "");
	/* level 0 in force from the start (baseline profile) */
	resolve_state_path(&g);
	apply_level(&g);
	g.next_metrics = now;
	if (sd_watchdog_enabled(0, &g.wd_usec) <= 0)
		g.wd_usec = 0;
	g.next_wd = now;
	g.cgt_next = now;
	sd_notify(0, "READY=1");
	notify_status(&g);
	log_info("running%s: %zu level%s, cool-down %u ms%s%s", dry_run(&g) ? " (dry run)" : "",
		 g.cfg.nlevels, g.cfg.nlevels == 1 ? "" : "s", g.cfg.cooldown_ms,
		 g.cfg.proactive.enabled ? ", proactive trimming on" : "",
		 g.cfg.cgtrim.enabled ? ", cgroup trimming on" : "");

	ret = run(&g, &unblocked);

	sd_notify(0, "STOPPING=1");
	log_info("stopping: restoring knobs");
	devices_restore(&g);
	/* no daemon, no state: a file left behind names a dead pid */
	if (g.state_path[0])
		unlink(g.state_path);
	for (size_t i = 0; i < g.ndev; i++)
		free(g.devs[i]);
	trig_close_all(&g);
	devscan_free(g.ds);
	cgt_writer_free(g.cgw);
	cgt_set_free(&g.cgt);
	return ret;
}
