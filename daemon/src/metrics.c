// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
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
