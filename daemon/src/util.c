// SPDX-License-Identifier: GPL-2.0-only
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

void roots_init(struct roots *r)
{
	const char *pfx = getenv("GEMRECLAIM_ROOT");

	if (!pfx || !*pfx)
		pfx = "";
	snprintf(r->proc, sizeof(r->proc), "%s/proc", pfx);
	snprintf(r->sys, sizeof(r->sys), "%s/sys", pfx);
	snprintf(r->debugfs, sizeof(r->debugfs), "%s/sys/kernel/debug", pfx);
}

bool roots_are_system(const struct roots *r)
{
	return strcmp(r->sys, "/sys") == 0;
}

int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_i64(const char *s, int64_t *out)
{
	bool neg;
	uint64_t v;
	int ret;

	while (isspace((unsigned char)*s))
		s++;
	neg = *s == '-';
	if (!isdigit((unsigned char)s[neg]))
		return -EINVAL;
	ret = parse_u64(s + neg, &v);
	if (ret)
		return ret;
	if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX)
		return -ERANGE;
	*out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
	return 0;
}

int parse_pid(const char *s, int *out)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return -EINVAL;
	/* digits only: parse_u64 fails on overflow alone */
	if (parse_u64(s, &v) || v < 1 || v > GR_PID_MAX)
		return -ERANGE;
	*out = (int)v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGTP";
	char *end;
	double v;
	unsigned shift = 0;

	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno == ERANGE || !isfinite(v))
		return -ERANGE;
	if (*end) {
		const char *u = strchr(units, toupper((unsigned char)*end));

		if (u) {
			shift = 10 * (unsigned)(u - units + 1);
			end++;
			if (*end == 'i')
				end++;
		}
		if (*end == 'B' || *end == 'b')
			end++;
		while (isspace((unsigned char)*end))
			end++;
		if (*end)
			return -EINVAL;
	}
	v = ldexp(v, (int)shift);
	if (v >= 18446744073709551616.0)
		return -ERANGE;
	*out = (uint64_t)v;
	return 0;
}

void format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)bytes;
	size_t u = 0;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
		return;
	}
	v /= 1024;
	while (v >= 1024 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
}

char *strtrim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	*e = '\0';
	return s;
}

int path_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

int read_text(const char *path, char *buf, size_t len)
{
	size_t off = 0;
	int fd;

	if (len == 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (off + 1 < len) {
		ssize_t n = read(fd, buf + off, len - 1 - off);

		if (n < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	while (off > 0 && (buf[off - 1] == '\n' || buf[off - 1] == ' '))
		buf[--off] = '\0';
	return 0;
}

int write_text(const char *path, const char *s)
{
	char buf[512];
	size_t n;
	ssize_t w;
	int fd, ret = 0;

	n = (size_t)snprintf(buf, sizeof(buf), "%s\n", s);
	if (n >= sizeof(buf))
		return -E2BIG;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do {
		w = write(fd, buf, n);
	} while (w < 0 && errno == EINTR);
	if (w < 0)
		ret = -errno;
	else if ((size_t)w != n)
		ret = -EIO;
	if (close(fd) < 0 && ret == 0 && errno != EINTR)
		ret = -errno;
	return ret;
}

uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t now_ms(void)
{
	return now_us() / 1000u;
}

bool lockdown_active(const struct roots *r, char *buf, size_t len)
{
	char path[PATH_MAX], text[128];
	const char *open_br, *close_br;
	size_t n;

	if (!len || path_fmt(path, sizeof(path), "%s/kernel/security/lockdown", r->sys) ||
	    read_text(path, text, sizeof(text)))
		return false;
	open_br = strchr(text, '[');
	close_br = open_br ? strchr(open_br, ']') : NULL;
	if (!close_br)
		return false;
	n = (size_t)(close_br - open_br - 1);
	if (n >= len)
		n = len - 1;
	memcpy(buf, open_br + 1, n);
	buf[n] = '\0';
	return strcmp(buf, "none") != 0 && n > 0;
}

int daemon_state_parse(const char *text, struct daemon_state *st)
{
	bool has_pid = false, has_level = false;
	const char *line = text;

	memset(st, 0, sizeof(*st));
	while (line && *line) {
		const char *eol = strchr(line, '\n'), *eq = strchr(line, '=');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);
		char key[32], val[256];
		size_t klen, vlen;
		int64_t num = 0;

		if (eq && eq < line + n) {
			klen = (size_t)(eq - line);
			vlen = n - klen - 1;
			if (klen < sizeof(key) && vlen < sizeof(val)) {
				memcpy(key, line, klen);
				key[klen] = '\0';
				memcpy(val, eq + 1, vlen);
				val[vlen] = '\0';
				if (!strcmp(key, "level")) {
					if (vlen >= sizeof(st->level))
						return -EBADMSG;
					memcpy(st->level, val, vlen + 1);
					has_level = val[0] != '\0';
				} else if (!strcmp(key, "last_action")) {
					memcpy(st->last_action, val, vlen + 1);
				} else if (!strcmp(key, "pid") || !strcmp(key, "since") ||
					   !strcmp(key, "last_action_at") || !strcmp(key, "devices") ||
					   !strcmp(key, "dry_run")) {
					if (parse_i64(val, &num) || num < 0)
						return -EBADMSG;
					if (!strcmp(key, "pid")) {
						st->pid = (long)num;
						has_pid = num > 0;
					} else if (!strcmp(key, "since")) {
						st->since = num;
					} else if (!strcmp(key, "last_action_at")) {
						st->last_action_at = num;
					} else if (!strcmp(key, "devices")) {
						st->devices = (long)num;
					} else {
						st->dry_run = num != 0;
					}
				}
			}
		}
		line = eol ? eol + 1 : NULL;
	}
	return has_pid && has_level ? 0 : -EBADMSG;
}

int daemon_state_path(char *buf, size_t len)
{
	const char *pfx = getenv("GEMRECLAIM_ROOT");

	return path_fmt(buf, len, "%s/run/gemreclaim/state", pfx && *pfx ? pfx : "");
}
