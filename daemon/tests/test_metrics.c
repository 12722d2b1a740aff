// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "tests.h"

static void fill(struct device *d, struct stats *s, struct stat_entry *e)
{
	memset(d, 0, sizeof(*d));
	strcpy(d->name, "card0");
	strcpy(d->driver, "gp\"u");
	d->last_valid[KNOB_POLICY] = true;
	strcpy(d->last[KNOB_POLICY], "discard swapout");
	d->last_valid[KNOB_IDLE_THRESHOLD_MS] = true;
	strcpy(d->last[KNOB_IDLE_THRESHOLD_MS], "5000");
	e[0] = (struct stat_entry){ .key = "resident_bytes", .value = "4096", .numeric = true, .num = 4096 };
	e[1] = (struct stat_entry){ .key = "mode", .value = "x", .numeric = false };
	s->n = 2;
	s->e = e;
}

/* Passes when the text format has the level, knobs, policy info and numeric stats, labels escaped. */
static void metrics_text(void **state)
{
	struct device d;
	struct stats s;
	struct stat_entry e[2];
	struct metrics_dev md = { &d, &s };
	struct metrics_state m = { .level = 2, .level_name = "medium", .level_changes = 5,
				   .ndev = 1, .devs = &md };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	fill(&d, &s, e);
	f = open_memstream(&buf, &len);
	assert_int_equal(metrics_format(f, &m), 0);
	fclose(f);
	assert_non_null(strstr(buf, "gemreclaim_level{name=\"medium\"} 2\n"));
	assert_non_null(strstr(buf, "gemreclaim_level_changes_total 5\n"));
	assert_non_null(strstr(buf, "gemreclaim_knob{device=\"card0\",knob=\"idle_threshold_ms\"} 5000\n"));
	assert_non_null(strstr(buf, "gemreclaim_policy_info{device=\"card0\",driver=\"gp\\\"u\",policy=\"discard swapout\"} 1\n"));
	assert_non_null(strstr(buf, "gemreclaim_stat{device=\"card0\",key=\"resident_bytes\"} 4096\n"));
	assert_null(strstr(buf, "key=\"mode\""));
	assert_null(strstr(buf, "min_resident_mb"));	/* never read or written */
	free(buf);
}

/* Passes when the file is replaced atomically and no temporary file is left behind. */
static void metrics_atomic_file(void **state)
{
	char *dir = tmpdir_new(), path[512], *s;
	struct device d;
	struct stats st;
	struct stat_entry e[2];
	struct metrics_dev md = { &d, &st };
	struct metrics_state m = { .level = 0, .ndev = 1, .devs = &md };
	struct dirent *ent;
	DIR *dh;
	int files = 0;

	(void)state;
	fill(&d, &st, e);
	write_file(dir, "gr.prom", "old junk\n");
	snprintf(path, sizeof(path), "%s/gr.prom", dir);
	assert_int_equal(metrics_write(path, &m), 0);
	s = read_file(dir, "gr.prom");
	assert_null(strstr(s, "old junk"));
	assert_non_null(strstr(s, "gemreclaim_level{name=\"none\"} 0"));
	free(s);
	dh = opendir(dir);
	while ((ent = readdir(dh)))
		if (ent->d_name[0] != '.')
			files++;
	closedir(dh);
	assert_int_equal(files, 1);
	snprintf(path, sizeof(path), "%s/missing-dir/gr.prom", dir);
	assert_true(metrics_write(path, &m) < 0);
	tmpdir_free(dir);
}

TEST_SUITE(metrics)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(metrics_text),
		cmocka_unit_test(metrics_atomic_file),
	};
	TEST_SUITE_BODY(tests);
}
