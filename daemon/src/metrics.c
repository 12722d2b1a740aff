// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics.h"
#include "util.h"

static void prom_label(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void metrics_cgtrim(FILE *f, const struct cgt_set *set)
{
#define CGT_M(n, t, h, field) { "gemreclaim_cgroup_trim_" n, t, h, offsetof(struct cgt_counters, field) }
	static const struct {
		const char *name, *type, *help;
		size_t off;
	} ms[] = {
		CGT_M("writes_total", "counter", "memory.reclaim writes issued.", writes),
		CGT_M("asked_bytes_total", "counter", "Bytes asked of memory.reclaim.", asked),
		CGT_M("dropped_bytes_total", "counter", "Drops of memory.current over the writes.", dropped),
		CGT_M("eagain_total", "counter", "Writes that returned EAGAIN (less reclaimed than asked).", eagain),
		CGT_M("errors_total", "counter", "Writes that failed otherwise.", errors),
		CGT_M("busy_total", "counter", "Steps skipped: the previous write was in progress.", busy),
		CGT_M("pressure_total", "counter", "Steps with pressure at or above the target.", pressure),
	};
#undef CGT_M

	for (size_t k = 0; k < sizeof(ms) / sizeof(ms[0]); k++) {
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", ms[k].name, ms[k].help, ms[k].name,
			ms[k].type);
		for (size_t i = 0; i < set->n; i++) {
			const struct cgt_cg *c = &set->v[i];

			fprintf(f, "%s{cgroup=", ms[k].name);
			prom_label(f, c->path);
			fprintf(f, ",role=\"%s\"} %" PRIu64 "\n", cg_role_name(c->role),
				*(const uint64_t *)((const char *)&c->n + ms[k].off));
		}
	}
	fputs("# HELP gemreclaim_cgroup_trim_psi Last \"some\" stall fraction measured over an interval.\n"
	      "# TYPE gemreclaim_cgroup_trim_psi gauge\n", f);
	for (size_t i = 0; i < set->n; i++) {
		if (set->v[i].role == CG_FOREGROUND)
			continue;
		fputs("gemreclaim_cgroup_trim_psi{cgroup=", f);
		prom_label(f, set->v[i].path);
		fprintf(f, "} %.6f\n", set->v[i].last_psi);
	}
	fputs("# HELP gemreclaim_cgroup_trim_memory_current_bytes memory.current as last read.\n"
	      "# TYPE gemreclaim_cgroup_trim_memory_current_bytes gauge\n", f);
	for (size_t i = 0; i < set->n; i++) {
		if (set->v[i].role == CG_FOREGROUND)
			continue;
		fputs("gemreclaim_cgroup_trim_memory_current_bytes{cgroup=", f);
		prom_label(f, set->v[i].path);
		fprintf(f, "} %" PRIu64 "\n", set->v[i].last_current);
	}
}

int metrics_format(FILE *f, const struct metrics_state *m)
{
	fputs("# HELP gemreclaim_level Current pressure level (0 = none).\n"
	      "# TYPE gemreclaim_level gauge\n", f);
	fprintf(f, "gemreclaim_level{name=");
	prom_label(f, m->level_name ? m->level_name : "none");
	fprintf(f, "} %d\n", m->level);
	fputs("# HELP gemreclaim_level_changes_total Level changes since start.\n"
	      "# TYPE gemreclaim_level_changes_total counter\n", f);
	fprintf(f, "gemreclaim_level_changes_total %u\n", m->level_changes);
	fputs("# HELP gemreclaim_psi_fallback 1 when PSI triggers were refused and averages are polled.\n"
	      "# TYPE gemreclaim_psi_fallback gauge\n", f);
	fprintf(f, "gemreclaim_psi_fallback %d\n", m->fallback ? 1 : 0);
	fputs("# HELP gemreclaim_proactive_bytes_total Bytes requested by proactive trimming.\n"
	      "# TYPE gemreclaim_proactive_bytes_total counter\n", f);
	fprintf(f, "gemreclaim_proactive_bytes_total %" PRIu64 "\n", m->proactive_bytes);

	fputs("# HELP gemreclaim_knob Numeric reclaim knob values as last written or found.\n"
	      "# TYPE gemreclaim_knob gauge\n", f);
	for (size_t i = 0; i < m->ndev; i++) {
		const struct device *d = m->devs[i].dev;

		for (size_t k = 0; k < KNOB_COUNT; k++) {
			uint64_t v;

			if (k == KNOB_POLICY || !d->last_valid[k] || parse_u64(d->last[k], &v))
				continue;
			fputs("gemreclaim_knob{device=", f);
			prom_label(f, d->name);
			fputs(",knob=", f);
			prom_label(f, knob_table[k].name);
			fprintf(f, "} %" PRIu64 "\n", v);
		}
	}
	fputs("# HELP gemreclaim_policy_info The policy chain in force.\n"
	      "# TYPE gemreclaim_policy_info gauge\n", f);
	for (size_t i = 0; i < m->ndev; i++) {
		const struct device *d = m->devs[i].dev;

		fputs("gemreclaim_policy_info{device=", f);
		prom_label(f, d->name);
		fputs(",driver=", f);
		prom_label(f, d->driver);
		fputs(",policy=", f);
		prom_label(f, d->last_valid[KNOB_POLICY] ? d->last[KNOB_POLICY] : "");
		fputs("} 1\n", f);
	}
	fputs("# HELP gemreclaim_stat Counters and sizes from debugfs reclaim/stats, by key.\n"
	      "# TYPE gemreclaim_stat gauge\n", f);
	for (size_t i = 0; i < m->ndev; i++) {
		const struct stats *s = m->devs[i].stats;

		if (!s)
			continue;
		for (size_t k = 0; k < s->n; k++) {
			if (!s->e[k].numeric)
				continue;
			fputs("gemreclaim_stat{device=", f);
			prom_label(f, m->devs[i].dev->name);
			fputs(",key=", f);
			prom_label(f, s->e[k].key);
			fprintf(f, "} %" PRIu64 "\n", s->e[k].num);
		}
	}
	if (m->cgt)
		metrics_cgtrim(f, m->cgt);
	return ferror(f) ? -EIO : 0;
}

int metrics_write(const char *path, const struct metrics_state *m)
{
	char tmp[PATH_MAX];
	FILE *f;
	int fd, ret;

	if (path_fmt(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		ret = -errno;
		close(fd);
		unlink(tmp);
		return ret;
	}
	ret = metrics_format(f, m);
	/* readable by the node_exporter user */
	if (!ret && fchmod(fd, 0644))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}
