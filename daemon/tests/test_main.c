// SPDX-License-Identifier: GPL-2.0-only
/*
 * One runner for all unit tests so the TAP stream has one plan and each
 * case appears once. Run with CMOCKA_MESSAGE_OUTPUT=TAP.
 */
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "tests.h"

FILE *memfile(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	/* fmemopen of an empty buffer fails on some libcs; use a tmpfile */
	if (!f) {
		f = tmpfile();
		assert_non_null(f);
		fputs(text, f);
		rewind(f);
	}
	return f;
}

char *tmpdir_new(void)
{
	char *d = strdup("/tmp/gemreclaim-test.XXXXXX");

	assert_non_null(d);
	assert_non_null(mkdtemp(d));
	return d;
}

static int rm_cb(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st; (void)type; (void)ftw;
	return remove(p);
}

void tmpdir_free(char *dir)
{
	nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

static void mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	}
}

void write_file(const char *dir, const char *rel, const char *content)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	mkdirs(path);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

char *read_file(const char *dir, const char *rel)
{
	char path[4096], *buf = calloc(1, 65536);
	size_t n;
	FILE *f;

	assert_non_null(buf);
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "r");
	if (!f) {
		free(buf);
		return NULL;
	}
	n = fread(buf, 1, 65535, f);
	fclose(f);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return buf;
}

int main(void)
{
	const struct CMUnitTest *(*suites[])(size_t *) = {
		psi_tests, table_tests, cgroup_tests, config_tests, control_tests, cgtrim_tests,
		knobs_tests, metrics_tests, log_tests,
	};
	struct CMUnitTest *all = NULL;
	size_t total = 0;
	int ret;

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		size_t n;
		const struct CMUnitTest *t = suites[i](&n);

		all = realloc(all, (total + n) * sizeof(*all));
		if (!all)
			return 99;
		memcpy(all + total, t, n * sizeof(*t));
		total += n;
	}
	/* messages from the code under test go to stderr, not the TAP stream */
	log_init("test");
	log_set_level(LOG_CRIT);
	ret = _cmocka_run_group_tests("gemreclaim", all, total, NULL, NULL);
	free(all);
	return ret ? 1 : 0;
}
