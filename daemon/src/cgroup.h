/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cgroup.h - a cgroup v2 directory named on gemreclaimctl's command line.
 *
 * The kernel prints, in the last column ("cgroup") of the debugfs bos and
 * vms tables, the inode number of a cgroup v2 directory: for a BO the
 * cgroup its pages are charged to, for a VM the cgroup of the process that
 * created it; 0 when the memory controller is disabled. stat(2) on that
 * directory gives the same number as st_ino, so a subtree is matched by the
 * set of its directories' inodes (table_filter_ino).
 */
#ifndef GR_CGROUP_H
#define GR_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "table.h"

/*
 * path must exist, be a directory and be on cgroup2 (statfs f_type
 * CGROUP2_SUPER_MAGIC). 0, or -errno (-ENOTDIR, -EMEDIUMTYPE for another
 * filesystem) with the reason, naming path, in err.
 */
int cgroup_check(const char *path, char *err, size_t errlen);
/*
 * Add the st_ino of path and of every directory below it to set (nftw
 * with FTW_PHYS | FTW_MOUNT: path itself is resolved, symbolic links below
 * it are not followed, other mounts not entered; any filesystem, the
 * caller checks). 0, or -errno with the reason in err: a directory that
 * cannot be listed is an error (-EACCES), the set would be incomplete.
 */
int cgroup_walk(const char *path, struct ino_set *set, char *err, size_t errlen);
/* cgroup_check, then cgroup_walk. */
int cgroup_subtree(const char *path, struct ino_set *set, char *err, size_t errlen);

/* A cgroup's own memory figures; has_* false when the file or line is missing. */
struct cgroup_mem {
	bool has_current, has_swap_current, has_shmem, has_swapcached;
	uint64_t current;	/* memory.current */
	uint64_t swap_current;	/* memory.swap.current */
	uint64_t shmem;		/* memory.stat shmem */
	uint64_t swapcached;	/* memory.stat swapcached */
};

/* Read the files above from dir; never fails (missing means has_* false). */
void cgroup_read_mem(const char *dir, struct cgroup_mem *m);

#endif
