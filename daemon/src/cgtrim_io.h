/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cgtrim_io.h - the file side of cgroup trimming: glob expansion under the
 * cgroup2 mount, reading a cgroup's memory.pressure and memory.current, and
 * a writer thread for memory.reclaim.
 *
 * Only cgroupfs files are touched (no debugfs), so this works under kernel
 * lockdown. A memory.reclaim write returns only when the kernel has
 * reclaimed the amount or given up (EAGAIN), which can take a while under
 * memory pressure; it is done by one worker thread so that the event loop
 * keeps answering PSI triggers. The thread is started at the first write
 * and sleeps on a condition variable between writes; each finished write is
 * reported through an eventfd the event loop polls.
 */
#ifndef GR_CGTRIM_IO_H
#define GR_CGTRIM_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgtrim.h"
#include "config.h"

struct cgt_match {
	char **paths;		/* relative to the root */
	enum cg_role *roles;
	unsigned *entry;
	size_t n, cap;
};

/*
 * Expand every entry's glob under p->root, in entry order (directories
 * only; a path may come more than once, cgt_sync keeps the first). 0 or
 * -ENOMEM. A glob that matches nothing is not an error.
 */
int cgt_expand(const struct cgroup_trim *p, struct cgt_match *m);
void cgt_match_free(struct cgt_match *m);

/*
 * Read <root>/<rel>/memory.pressure ("some" total=) and memory.current.
 * 0; -ENOENT when the cgroup directory is gone; another -errno (err says
 * which file) when it exists but a file is missing or malformed.
 */
int cgt_read(const char *root, const char *rel, struct cgt_sample *s,
	     char *err, size_t len);
/* Write "<bytes>" to <dir>/memory.reclaim once: 0 or -errno (EINTR not retried). */
int cgt_reclaim(const char *dir, uint64_t bytes);

struct cgt_job {
	struct cgt_job *next;
	char rel[CGT_PATH_LEN];
	char dir[PATH_MAX];
	uint64_t bytes;		/* asked */
	uint64_t before;	/* memory.current when decided */
	uint64_t after;		/* memory.current after the write (before if unreadable) */
	double psi;		/* the figure the step used, for the log */
	int result;		/* 0, -EAGAIN, -errno */
	uint64_t took_ms;
};

struct cgt_writer;

/* The eventfd; no thread yet. NULL with a reason in err. */
struct cgt_writer *cgt_writer_new(char *err, size_t len);
int cgt_writer_fd(const struct cgt_writer *w);
/* Queue a write (the thread is started on first use). 0 or -errno. */
int cgt_writer_submit(struct cgt_writer *w, const char *root, const char *rel,
		      uint64_t bytes, uint64_t before, double psi);
/* Clear the eventfd and take the finished jobs (oldest first; free() each). */
struct cgt_job *cgt_writer_collect(struct cgt_writer *w);
/* Stop the thread (a write in progress is interrupted) and free everything. */
void cgt_writer_free(struct cgt_writer *w);

#endif
