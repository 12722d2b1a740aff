/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * metrics.h - Prometheus text format (node_exporter textfile collector).
 * metrics_format() is pure (writes to a FILE *); metrics_write() writes a
 * temporary file next to the target and renames it over, so a scraper
 * never sees a half-written file.
 */
#ifndef GR_METRICS_H
#define GR_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cgtrim.h"
#include "knobs.h"
#include "table.h"

struct metrics_dev {
	const struct device *dev;
	const struct stats *stats;	/* NULL without debugfs */
};

struct metrics_state {
	int level;
	const char *level_name;
	unsigned level_changes;
	bool fallback;			/* averages instead of triggers */
	uint64_t proactive_bytes;
	size_t ndev;
	const struct metrics_dev *devs;
	const struct cgt_set *cgt;	/* cgroup trimming, NULL when off */
};

int metrics_format(FILE *f, const struct metrics_state *m);
int metrics_write(const char *path, const struct metrics_state *m);

#endif
