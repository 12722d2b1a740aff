// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <ftw.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "cgroup.h"
#include "util.h"

int cgroup_check(const char *path, char *err, size_t errlen)
{
	struct statfs sfs;
	struct stat st;

	if (stat(path, &st) != 0 || statfs(path, &sfs) != 0) {
		int e = errno;

		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory", path);
		return -ENOTDIR;
	}
	if ((unsigned long)sfs.f_type == CGROUP_SUPER_MAGIC) {
		snprintf(err, errlen, "%s is a cgroup v1 directory; the kernel reports cgroup v2 ones (mount -t cgroup2)",
			 path);
		return -EMEDIUMTYPE;
	}
	if ((unsigned long)sfs.f_type != CGROUP2_SUPER_MAGIC) {
		snprintf(err, errlen, "%s is not on a cgroup v2 filesystem (its type is 0x%lx; findmnt -t cgroup2 lists cgroup2 mounts)",
			 path, (unsigned long)sfs.f_type);
		return -EMEDIUMTYPE;
	}
	return 0;
}

/* nftw has no context argument; the walk is single-threaded. */
static struct ino_set *walk_set;
static char *walk_err;
static size_t walk_errlen;

static int walk_cb(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	/* glibc reports FTW_DNR when opendir fails with EACCES */
	if (type == FTW_DNR) {
		snprintf(walk_err, walk_errlen, "cannot list %s: %s", p, strerror(EACCES));
		return -EACCES;
	}
	if (type != FTW_D)
		return 0;
	if (ino_set_add(walk_set, (uint64_t)st->st_ino)) {
		snprintf(walk_err, walk_errlen, "%s: %s", p, strerror(ENOMEM));
		return -ENOMEM;
	}
	return 0;
}

int cgroup_walk(const char *path, struct ino_set *set, char *err, size_t errlen)
{
	/* FTW_PHYS would not enter a path that is itself a symbolic link */
	char *real = realpath(path, NULL);
	int ret;

	if (!real) {
		int e = errno;

		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	walk_set = set;
	walk_err = err;
	walk_errlen = errlen;
	errno = 0;
	ret = nftw(real, walk_cb, 16, FTW_PHYS | FTW_MOUNT);
	walk_set = NULL;
	if (ret == -1) {
		int e = errno ? errno : EIO;

		snprintf(err, errlen, "walking %s: %s", path, strerror(e));
		ret = -e;
	}
	free(real);
	return ret;
}

int cgroup_subtree(const char *path, struct ino_set *set, char *err, size_t errlen)
{
	int ret = cgroup_check(path, err, errlen);

	return ret ? ret : cgroup_walk(path, set, err, errlen);
}

static bool read_u64_file(const char *dir, const char *file, uint64_t *out)
{
	char path[PATH_MAX], buf[64];

	return path_fmt(path, sizeof(path), "%s/%s", dir, file) == 0 &&
	       read_text(path, buf, sizeof(buf)) == 0 && parse_u64(buf, out) == 0;
}

void cgroup_read_mem(const char *dir, struct cgroup_mem *m)
{
	char path[PATH_MAX];
	struct stats s;

	memset(m, 0, sizeof(*m));
	m->has_current = read_u64_file(dir, "memory.current", &m->current);
	m->has_swap_current = read_u64_file(dir, "memory.swap.current", &m->swap_current);
	if (path_fmt(path, sizeof(path), "%s/memory.stat", dir) == 0 &&
	    stats_read(path, &s) == 0) {
		m->has_shmem = stats_get(&s, "shmem", &m->shmem);
		m->has_swapcached = stats_get(&s, "swapcached", &m->swapcached);
		stats_free(&s);
	}
}
