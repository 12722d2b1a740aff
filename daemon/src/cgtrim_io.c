// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgtrim_io.h"
#include "psi.h"
#include "util.h"

/* Sent to the writer thread to interrupt a memory.reclaim write at exit. */
#define CGT_KICK_SIGNAL SIGUSR2

static int match_add(struct cgt_match *m, const char *path, enum cg_role role,
		     unsigned entry)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		char **p = realloc(m->paths, cap * sizeof(*p));
		enum cg_role *r;
		unsigned *e;

		if (!p)
			return -ENOMEM;
		m->paths = p;
		r = realloc(m->roles, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		m->roles = r;
		e = realloc(m->entry, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		m->entry = e;
		m->cap = cap;
	}
	m->paths[m->n] = strdup(path);
	if (!m->paths[m->n])
		return -ENOMEM;
	m->roles[m->n] = role;
	m->entry[m->n] = entry;
	m->n++;
	return 0;
}

int cgt_expand(const struct cgroup_trim *p, struct cgt_match *m)
{
	size_t rootlen = strlen(p->root);

	while (rootlen > 1 && p->root[rootlen - 1] == '/')
		rootlen--;
	for (size_t i = 0; i < p->nentries; i++) {
		char pat[PATH_MAX];
		glob_t gl;
		int ret;

		/* a trailing '/' makes glob(3) return directories only */
		if (path_fmt(pat, sizeof(pat), "%.*s/%s/", (int)rootlen, p->root,
			     p->entries[i].path))
			continue;
		/* sorted (the default): the same order every interval */
		ret = glob(pat, GLOB_ONLYDIR, NULL, &gl);
		if (ret == GLOB_NOSPACE)
			return -ENOMEM;
		if (ret)
			continue;	/* GLOB_NOMATCH, GLOB_ABORTED */
		for (size_t k = 0; k < gl.gl_pathc; k++) {
			char *s = gl.gl_pathv[k];
			size_t n = strlen(s);

			if (n <= rootlen + 1 || s[n - 1] != '/')
				continue;
			s[n - 1] = '\0';
			if (match_add(m, s + rootlen + 1, p->entries[i].role, (unsigned)i)) {
				globfree(&gl);
				return -ENOMEM;
			}
		}
		globfree(&gl);
	}
	return 0;
}

void cgt_match_free(struct cgt_match *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->paths[i]);
	free(m->paths);
	free(m->roles);
	free(m->entry);
	memset(m, 0, sizeof(*m));
}

int cgt_read(const char *root, const char *rel, struct cgt_sample *s,
	     char *err, size_t len)
{
	char path[PATH_MAX], buf[64], why[160];
	struct psi_sample ps;
	struct stat st;
	int ret;

	s->ok = false;
	if (path_fmt(path, sizeof(path), "%s/%s", root, rel)) {
		snprintf(err, len, "path too long");
		return -ENAMETOOLONG;
	}
	if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, len, "gone");
		return -ENOENT;
	}
	if (path_fmt(path, sizeof(path), "%s/%s/memory.pressure", root, rel))
		return -ENAMETOOLONG;
	ret = psi_read(path, &ps, why, sizeof(why));
	if (ret) {
		snprintf(err, len, "memory.pressure: %s", why);
		if (ret != -ENOENT)
			return ret;
		/* removed between the stat and the open: gone too */
		path_fmt(path, sizeof(path), "%s/%s", root, rel);
		return stat(path, &st) ? -ENOENT : -ENODATA;
	}
	if (path_fmt(path, sizeof(path), "%s/%s/memory.current", root, rel))
		return -ENAMETOOLONG;
	ret = read_text(path, buf, sizeof(buf));
	if (!ret && parse_u64(buf, &s->current))
		ret = -EINVAL;
	if (ret) {
		snprintf(err, len, "memory.current: %s", strerror(-ret));
		return ret == -ENOENT ? -ENODATA : ret;
	}
	s->psi_total = ps.some.total;
	s->ok = true;
	return 0;
}

int cgt_reclaim(const char *dir, uint64_t bytes)
{
	char path[PATH_MAX], buf[32];
	ssize_t w;
	int fd, ret = 0, n;

	if (path_fmt(path, sizeof(path), "%s/memory.reclaim", dir))
		return -ENAMETOOLONG;
	n = snprintf(buf, sizeof(buf), "%" PRIu64, bytes);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	w = write(fd, buf, (size_t)n);
	if (w < 0)
		ret = -errno;
	else if (w != n)
		ret = -EIO;
	close(fd);
	return ret;
}

/* --- the writer thread ---------------------------------------------------- */

struct cgt_writer {
	int efd;
	bool started, stop, running;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct cgt_job *pending, **pending_tail;
	struct cgt_job *done, **done_tail;
};

static void kick_handler(int sig)
{
	(void)sig;	/* only there to make a blocked write return EINTR */
}

static uint64_t job_current(const struct cgt_job *j, uint64_t dflt)
{
	char path[PATH_MAX], buf[64];
	uint64_t v;

	if (path_fmt(path, sizeof(path), "%s/memory.current", j->dir) ||
	    read_text(path, buf, sizeof(buf)) || parse_u64(buf, &v))
		return dflt;
	return v;
}

static void *writer_main(void *arg)
{
	struct cgt_writer *w = arg;
	sigset_t kick;

	sigemptyset(&kick);
	sigaddset(&kick, CGT_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);
	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct cgt_job *j;
		uint64_t t0, one = 1;

		while (!w->stop && !w->pending)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->stop)
			break;
		j = w->pending;
		w->pending = j->next;
		if (!w->pending)
			w->pending_tail = &w->pending;
		j->next = NULL;
		w->running = true;
		pthread_mutex_unlock(&w->lock);

		t0 = now_ms();
		j->result = cgt_reclaim(j->dir, j->bytes);
		j->took_ms = now_ms() - t0;
		j->after = job_current(j, j->before);

		pthread_mutex_lock(&w->lock);
		w->running = false;
		*w->done_tail = j;
		w->done_tail = &j->next;
		if (write(w->efd, &one, sizeof(one)) < 0) {
			/* a full counter still polls readable */
		}
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct cgt_writer *cgt_writer_new(char *err, size_t len)
{
	struct cgt_writer *w = calloc(1, sizeof(*w));

	if (!w) {
		snprintf(err, len, "out of memory");
		return NULL;
	}
	w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->efd < 0) {
		snprintf(err, len, "eventfd: %s", strerror(errno));
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->pending_tail = &w->pending;
	w->done_tail = &w->done;
	return w;
}

int cgt_writer_fd(const struct cgt_writer *w)
{
	return w ? w->efd : -1;
}

static int writer_start(struct cgt_writer *w)
{
	struct sigaction sa = { .sa_handler = kick_handler };	/* no SA_RESTART */
	pthread_attr_t attr;
	sigset_t all, old;
	int ret;

	sigemptyset(&sa.sa_mask);
	if (sigaction(CGT_KICK_SIGNAL, &sa, NULL))
		return -errno;
	/* the thread starts with every signal blocked but its own kick */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	ret = -pthread_create(&w->thread, &attr, writer_main, w);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!ret)
		w->started = true;
	return ret;
}

int cgt_writer_submit(struct cgt_writer *w, const char *root, const char *rel,
		      uint64_t bytes, uint64_t before, double psi)
{
	struct cgt_job *j;
	int ret;

	if (!w->started && (ret = writer_start(w)))
		return ret;
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	if (strlen(rel) >= sizeof(j->rel) ||
	    path_fmt(j->dir, sizeof(j->dir), "%s/%s", root, rel)) {
		free(j);
		return -ENAMETOOLONG;
	}
	strcpy(j->rel, rel);
	j->bytes = bytes;
	j->before = before;
	j->psi = psi;
	pthread_mutex_lock(&w->lock);
	*w->pending_tail = j;
	w->pending_tail = &j->next;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

struct cgt_job *cgt_writer_collect(struct cgt_writer *w)
{
	struct cgt_job *list;
	uint64_t v;

	if (read(w->efd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing signalled since the last collect */
	}
	pthread_mutex_lock(&w->lock);
	list = w->done;
	w->done = NULL;
	w->done_tail = &w->done;
	pthread_mutex_unlock(&w->lock);
	return list;
}

static void jobs_free(struct cgt_job *j)
{
	while (j) {
		struct cgt_job *next = j->next;

		free(j);
		j = next;
	}
}

void cgt_writer_free(struct cgt_writer *w)
{
	if (!w)
		return;
	if (w->started) {
		pthread_mutex_lock(&w->lock);
		w->stop = true;
		pthread_cond_signal(&w->cond);
		pthread_mutex_unlock(&w->lock);
		/*
		 * A write in progress returns EINTR once the thread has a
		 * signal pending (the kernel checks between reclaim batches);
		 * kick until it is out, for at most 5 s.
		 */
		for (int i = 0; i < 50; i++) {
			struct timespec ts;

			pthread_kill(w->thread, CGT_KICK_SIGNAL);
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 100 * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			if (pthread_timedjoin_np(w->thread, NULL, &ts) == 0) {
				w->started = false;
				break;
			}
		}
		if (w->started) {
			/* still in the kernel: leave it to the process exit */
			pthread_detach(w->thread);
			close(w->efd);
			return;
		}
	}
	jobs_free(w->pending);
	jobs_free(w->done);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	close(w->efd);
	free(w);
}
