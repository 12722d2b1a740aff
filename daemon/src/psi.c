// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psi.h"
#include "util.h"

const char *psi_kind_name(enum psi_kind k)
{
	return k == PSI_FULL ? "full" : "some";
}

int psi_kind_parse(const char *s, enum psi_kind *k)
{
	if (strcmp(s, "some") == 0)
		*k = PSI_SOME;
	else if (strcmp(s, "full") == 0)
		*k = PSI_FULL;
	else
		return -EINVAL;
	return 0;
}

static int psi_parse_avg(const char *s, double *out)
{
	char *end;
	double v;

	if (!*s || !(*s >= '0' && *s <= '9'))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < 0 || v > 100)
		return -EINVAL;
	*out = v;
	return 0;
}

int psi_parse_line(const char *line, enum psi_kind *kind, struct psi_line *out)
{
	static const char *const fields[] = { "avg10", "avg60", "avg300", "total" };
	char buf[256], *save = NULL, *tok;
	unsigned seen = 0;
	struct psi_line l = { 0 };

	if (strlen(line) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, line);
	tok = strtok_r(buf, " \t\n", &save);
	if (!tok || psi_kind_parse(tok, kind))
		return -EINVAL;
	while ((tok = strtok_r(NULL, " \t\n", &save))) {
		char *eq = strchr(tok, '=');
		size_t i;

		if (!eq)
			return -EINVAL;
		*eq++ = '\0';
		for (i = 0; i < ARRAY_SIZE(fields); i++)
			if (strcmp(tok, fields[i]) == 0)
				break;
		if (i == ARRAY_SIZE(fields) || (seen & (1u << i)))
			return -EINVAL;
		seen |= 1u << i;
		switch (i) {
		case 0: if (psi_parse_avg(eq, &l.avg10)) return -EINVAL; break;
		case 1: if (psi_parse_avg(eq, &l.avg60)) return -EINVAL; break;
		case 2: if (psi_parse_avg(eq, &l.avg300)) return -EINVAL; break;
		default: if (parse_u64(eq, &l.total)) return -EINVAL; break;
		}
	}
	if (seen != 0xfu)
		return -EINVAL;
	l.valid = true;
	*out = l;
	return 0;
}

int psi_parse(FILE *f, struct psi_sample *out, char *err, size_t errlen)
{
	char line[256];
	int lineno = 0;
	struct psi_sample s = { 0 };

	while (fgets(line, sizeof(line), f)) {
		enum psi_kind k;
		struct psi_line l;
		char *t;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "line %d: too long", lineno);
			return -EINVAL;
		}
		t = strtrim(line);
		if (!*t)
			continue;
		if (psi_parse_line(t, &k, &l)) {
			snprintf(err, errlen, "line %d: malformed: '%.60s'",
				 lineno, t);
			return -EINVAL;
		}
		if ((k == PSI_SOME ? s.some : s.full).valid) {
			snprintf(err, errlen, "line %d: duplicate '%s' line",
				 lineno, psi_kind_name(k));
			return -EINVAL;
		}
		if (k == PSI_SOME)
			s.some = l;
		else
			s.full = l;
	}
	if (!s.some.valid) {
		snprintf(err, errlen, "no 'some' line");
		return -EINVAL;
	}
	*out = s;
	return 0;
}

int psi_read(const char *path, struct psi_sample *out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	int ret;

	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s", strerror(-ret));
		return ret;
	}
	ret = psi_parse(f, out, err, errlen);
	fclose(f);
	return ret;
}

int psi_trigger_format(char *buf, size_t len, enum psi_kind k,
		       uint32_t stall_us, uint32_t window_us)
{
	int n = snprintf(buf, len, "%s %" PRIu32 " %" PRIu32,
			 psi_kind_name(k), stall_us, window_us);

	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}

bool psi_trigger_fit(uint32_t *stall_us, uint32_t *window_us, bool privileged)
{
	uint64_t stall = *stall_us, window = *window_us, w2;

	if (window < PSI_WINDOW_MIN_US)
		window = PSI_WINDOW_MIN_US;
	if (window > PSI_WINDOW_MAX_US)
		window = PSI_WINDOW_MAX_US;
	if (!privileged && window % PSI_UNPRIV_GRAIN_US) {
		w2 = (window + PSI_UNPRIV_GRAIN_US - 1) / PSI_UNPRIV_GRAIN_US *
		     PSI_UNPRIV_GRAIN_US;
		if (w2 > PSI_WINDOW_MAX_US)
			w2 = PSI_WINDOW_MAX_US;
		/* keep the stall ratio the user asked for */
		stall = stall * w2 / (window ? window : 1);
		window = w2;
	}
	if (stall > window)
		stall = window;
	if (stall == 0)
		stall = 1;
	if (stall == *stall_us && window == *window_us)
		return false;
	*stall_us = (uint32_t)stall;
	*window_us = (uint32_t)window;
	return true;
}

double psi_trigger_pct(uint32_t stall_us, uint32_t window_us)
{
	return window_us ? 100.0 * stall_us / window_us : 100.0;
}

int caps_parse_status(FILE *f, uint64_t *capeff)
{
	char line[256];

	while (fgets(line, sizeof(line), f)) {
		char *end;
		unsigned long long v;

		if (strncmp(line, "CapEff:", 7) != 0)
			continue;
		errno = 0;
		v = strtoull(line + 7, &end, 16);
		if (errno || end == line + 7)
			return -EINVAL;
		while (*end == ' ' || *end == '\t' || *end == '\n')
			end++;
		if (*end)
			return -EINVAL;
		*capeff = v;
		return 0;
	}
	return -ENOENT;
}
