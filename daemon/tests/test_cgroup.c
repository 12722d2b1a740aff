// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "tests.h"
#include "util.h"

static uint64_t ino_of(const char *dir, const char *rel)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_ino;
}

/* Passes when the walk collects the inode of every directory of the tree and of no file. */
static void cgroup_walk_tree(void **state)
{
	char *d = tmpdir_new(), err[256];
	struct ino_set s = { 0 };
	char path[4096], link[4096];

	(void)state;
	write_file(d, "top/a/a1/memory.current", "1\n");
	write_file(d, "top/a/a2/cgroup.procs", "");
	write_file(d, "top/b/memory.stat", "shmem 0\n");
	write_file(d, "outside/memory.current", "1\n");
	snprintf(path, sizeof(path), "%s/top", d);
	assert_int_equal(cgroup_walk(path, &s, err, sizeof(err)), 0);
	assert_int_equal(s.n, 5);
	assert_true(ino_set_has(&s, ino_of(d, "top")));
	assert_true(ino_set_has(&s, ino_of(d, "top/a")));
	assert_true(ino_set_has(&s, ino_of(d, "top/a/a1")));
	assert_true(ino_set_has(&s, ino_of(d, "top/a/a2")));
	assert_true(ino_set_has(&s, ino_of(d, "top/b")));
	assert_false(ino_set_has(&s, ino_of(d, "outside")));
	assert_false(ino_set_has(&s, ino_of(d, "top/b/memory.stat")));
	assert_false(ino_set_has(&s, ino_of(d, ".")));
	ino_set_free(&s);

	/* a symbolic link to the top is followed, links below it are not */
	snprintf(link, sizeof(link), "%s/link", d);
	assert_int_equal(symlink(path, link), 0);
	snprintf(path, sizeof(path), "%s/top/b/up", d);
	assert_int_equal(symlink("../../outside", path), 0);
	assert_int_equal(cgroup_walk(link, &s, err, sizeof(err)), 0);
	assert_int_equal(s.n, 5);
	assert_true(ino_set_has(&s, ino_of(d, "top/a/a1")));
	assert_false(ino_set_has(&s, ino_of(d, "outside")));
	ino_set_free(&s);

	snprintf(path, sizeof(path), "%s/none", d);
	assert_int_equal(cgroup_walk(path, &s, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, path));
	ino_set_free(&s);
	tmpdir_free(d);
}

/* Passes when a missing path, a file and a directory not on cgroup2 are refused, naming the path. */
static void cgroup_check_refuses(void **state)
{
	char *d = tmpdir_new(), err[512];
	struct ino_set s = { 0 };
	char path[4096];

	(void)state;
	assert_int_equal(cgroup_check(d, err, sizeof(err)), -EMEDIUMTYPE);
	assert_non_null(strstr(err, d));
	assert_non_null(strstr(err, "not on a cgroup v2 filesystem"));
	assert_int_equal(cgroup_subtree(d, &s, err, sizeof(err)), -EMEDIUMTYPE);
	assert_int_equal(s.n, 0);

	write_file(d, "file", "x\n");
	snprintf(path, sizeof(path), "%s/file", d);
	assert_int_equal(cgroup_check(path, err, sizeof(err)), -ENOTDIR);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "not a directory"));

	snprintf(path, sizeof(path), "%s/none", d);
	assert_int_equal(cgroup_check(path, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, strerror(ENOENT)));
	ino_set_free(&s);
	tmpdir_free(d);
}

/* Passes when a cgroup2 mount of this host, if any, is accepted and holds its own inode. */
static void cgroup_check_real(void **state)
{
	char line[4096], mnt[4096] = "", type[64], err[512];
	struct ino_set s = { 0 };
	struct stat st;
	FILE *f = fopen("/proc/self/mounts", "re");

	(void)state;
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %4095s %63s", mnt, type) == 2 && strcmp(type, "cgroup2") == 0)
			break;
		mnt[0] = '\0';
	}
	if (f)
		fclose(f);
	if (!mnt[0] || stat(mnt, &st) != 0) {
		skip();
		return;
	}
	assert_int_equal(cgroup_subtree(mnt, &s, err, sizeof(err)), 0);
	assert_true(ino_set_has(&s, (uint64_t)st.st_ino));
	ino_set_free(&s);
}

/* Passes when present figures are read, and missing files or lines are reported as missing. */
static void cgroup_mem_files(void **state)
{
	char *d = tmpdir_new();
	struct cgroup_mem m;

	(void)state;
	cgroup_read_mem(d, &m);
	assert_false(m.has_current || m.has_swap_current || m.has_shmem || m.has_swapcached);

	write_file(d, "memory.current", "12582912\n");
	write_file(d, "memory.stat", "anon 4096\nfile 0\nshmem 8388608\nfile_mapped 0\n");
	cgroup_read_mem(d, &m);
	assert_true(m.has_current);
	assert_int_equal(m.current, 12582912);
	assert_true(m.has_shmem);
	assert_int_equal(m.shmem, 8388608);
	assert_false(m.has_swapcached);
	assert_false(m.has_swap_current);

	write_file(d, "memory.stat", "shmem 1\nswapcached 65536\n");
	write_file(d, "memory.swap.current", "4096\n");
	cgroup_read_mem(d, &m);
	assert_true(m.has_swapcached);
	assert_int_equal(m.swapcached, 65536);
	assert_true(m.has_swap_current);
	assert_int_equal(m.swap_current, 4096);

	/* not a number: missing */
	write_file(d, "memory.current", "max\n");
	cgroup_read_mem(d, &m);
	assert_false(m.has_current);
	tmpdir_free(d);
}

TEST_SUITE(cgroup)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(cgroup_walk_tree),
		cmocka_unit_test(cgroup_check_refuses),
		cmocka_unit_test(cgroup_check_real),
		cmocka_unit_test(cgroup_mem_files),
	};
	TEST_SUITE_BODY(tests);
}
