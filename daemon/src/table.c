// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "util.h"

/* getline() wrapper that strips the newline; -1 at EOF. */
static ssize_t table_getline(char **buf, size_t *cap, FILE *f)
{
	ssize_t n = getline(buf, cap, f);

	if (n > 0 && (*buf)[n - 1] == '\n')
		(*buf)[--n] = '\0';
	return n;
}

static size_t table_split(char *line, char **fields, size_t max)
{
	size_t n = 0;
	char *save = NULL, *tok;

	for (tok = strtok_r(line, " \t\r", &save); tok;
	     tok = strtok_r(NULL, " \t\r", &save)) {
		if (n == max)
			return max + 1;
		fields[n++] = tok;
	}
	return n;
}

void table_free(struct table *t)
{
	if (t->cells)
		for (size_t i = 0; i < t->nrows * t->ncols; i++)
			free(t->cells[i]);
	if (t->cols)
		for (size_t i = 0; i < t->ncols; i++)
			free(t->cols[i]);
	free(t->cells);
	free(t->cols);
	memset(t, 0, sizeof(*t));
}

int table_col(const struct table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i], name) == 0)
			return (int)i;
	return -1;
}

const char *table_cell(const struct table *t, size_t row, size_t col)
{
	return t->cells[row * t->ncols + col];
}

static int table_add_row(struct table *t, char **fields, size_t n, int comm)
{
	char **cells;
	size_t base = t->nrows * t->ncols;

	if (t->nrows >= TABLE_MAX_ROWS)
		return -E2BIG;
	cells = realloc(t->cells, (base + t->ncols) * sizeof(*cells));
	if (!cells)
		return -ENOMEM;
	t->cells = cells;
	memset(cells + base, 0, t->ncols * sizeof(*cells));
	for (size_t c = 0, f = 0; c < t->ncols; c++) {
		size_t take = 1;

		if ((int)c == comm)
			take = 1 + (n - t->ncols);
		if (take == 1) {
			cells[base + c] = strdup(fields[f]);
		} else {
			size_t len = 1;
			char *s;

			for (size_t k = 0; k < take; k++)
				len += strlen(fields[f + k]) + 1;
			s = malloc(len);
			if (s) {
				s[0] = '\0';
				for (size_t k = 0; k < take; k++) {
					if (k)
						strcat(s, " ");
					strcat(s, fields[f + k]);
				}
			}
			cells[base + c] = s;
		}
		f += take;
		if (!cells[base + c]) {
			for (size_t k = 0; k < c; k++)
				free(cells[base + k]);
			return -ENOMEM;
		}
	}
	t->nrows++;
	return 0;
}

int table_parse(FILE *f, struct table *t)
{
	char *line = NULL, *fields[TABLE_MAX_COLS + 1];
	size_t cap = 0, n;
	int comm, ret = 0;

	memset(t, 0, sizeof(*t));
	/* header: first non-blank line */
	for (;;) {
		if (table_getline(&line, &cap, f) < 0) {
			free(line);
			return -EINVAL;
		}
		n = table_split(line, fields, TABLE_MAX_COLS);
		if (n > 0)
			break;
	}
	if (n > TABLE_MAX_COLS) {
		free(line);
		return -E2BIG;
	}
	t->cols = calloc(n, sizeof(*t->cols));
	if (!t->cols) {
		free(line);
		return -ENOMEM;
	}
	t->ncols = n;
	for (size_t i = 0; i < n; i++) {
		t->cols[i] = strdup(fields[i]);
		if (!t->cols[i]) {
			ret = -ENOMEM;
			goto err_free;
		}
		/* duplicate column names make lookups ambiguous */
		for (size_t j = 0; j < i; j++)
			if (strcmp(t->cols[j], t->cols[i]) == 0) {
				ret = -EINVAL;
				goto err_free;
			}
	}
	comm = table_col(t, "comm");
	while (table_getline(&line, &cap, f) >= 0) {
		n = table_split(line, fields, TABLE_MAX_COLS);
		if (n == 0)
			continue;
		if (n == t->ncols || (n > t->ncols && n <= TABLE_MAX_COLS && comm >= 0)) {
			ret = table_add_row(t, fields, n, comm);
			if (ret)
				goto err_free;
		} else {
			t->skipped++;
		}
	}
	free(line);
	return 0;

err_free:
	free(line);
	table_free(t);
	return ret;
}

int table_read(const char *path, struct table *t)
{
	FILE *f = fopen(path, "re");
	int ret;

	if (!f)
		return -errno;
	ret = table_parse(f, t);
	fclose(f);
	return ret;
}

bool table_u64(const struct table *t, size_t row, const char *col, uint64_t *out)
{
	int c = table_col(t, col);

	return c >= 0 && parse_u64(table_cell(t, row, (size_t)c), out) == 0;
}

bool table_col_is_numeric(const char *name)
{
	static const char *const cols[] = {
		"id", "vm", "pid", "size", "resident", "mmap", "reclaims", "swapins",
		"idle_ms", "bos", "swapped", "discarded", "cgroup",
	};
	static const char *const suffixes[] = { "_bytes", "_pages", "_ms", "_ns" };
	size_t n = strlen(name);

	for (size_t i = 0; i < ARRAY_SIZE(cols); i++)
		if (strcmp(name, cols[i]) == 0)
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
		size_t k = strlen(suffixes[i]);

		if (n > k && strcmp(name + n - k, suffixes[i]) == 0)
			return true;
	}
	return false;
}

/* qsort has no context argument; sorting is single-threaded. */
static const struct table *sort_t;
static size_t sort_col;
static int sort_dir;
static bool sort_numeric;

/*
 * The order is decided by the column, not by each pair of cells, so that
 * it is a total order (a numeric and a text comparison mixed is not).
 */
static int table_cmp(const void *a, const void *b)
{
	const char *x = ((char *const *)a)[sort_col];
	const char *y = ((char *const *)b)[sort_col];
	uint64_t u, v;
	bool xn, yn;
	int r;

	if (sort_numeric) {
		xn = parse_u64(x, &u) == 0;
		yn = parse_u64(y, &v) == 0;
		if (xn && yn)
			r = u < v ? -1 : u > v;
		else if (xn != yn)
			r = xn ? 1 : -1;	/* "-" and other text first */
		else
			r = strcmp(x, y);
	} else {
		r = strcmp(x, y);
	}
	return r * sort_dir;
}

int table_sort(struct table *t, const char *col, bool reverse)
{
	int c = table_col(t, col);
	char **rows;

	if (c < 0)
		return -ENOENT;
	if (t->nrows < 2)
		return 0;
	/* sort an array of row pointers, then rebuild the cell array */
	rows = malloc(t->nrows * t->ncols * sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	sort_t = t;
	sort_col = (size_t)c;
	sort_dir = reverse ? -1 : 1;
	sort_numeric = table_col_is_numeric(col);
	if (!sort_numeric) {
		/* a name we do not know: numeric when every cell is a number */
		static const char *const text[] = { "comm", "state", "flags" };
		bool known = false;
		uint64_t v;

		for (size_t i = 0; i < ARRAY_SIZE(text); i++)
			known |= strcmp(col, text[i]) == 0;
		sort_numeric = !known;
		for (size_t r = 0; sort_numeric && r < t->nrows; r++)
			sort_numeric = parse_u64(table_cell(t, r, (size_t)c), &v) == 0;
	}
	memcpy(rows, t->cells, t->nrows * t->ncols * sizeof(*rows));
	qsort(rows, t->nrows, t->ncols * sizeof(*rows), table_cmp);
	memcpy(t->cells, rows, t->nrows * t->ncols * sizeof(*rows));
	free(rows);
	sort_t = NULL;
	return 0;
}

/* Keep the rows whose cell in column c satisfies keep(); free the others. */
static void table_keep(struct table *t, size_t c,
		       bool (*keep)(const char *cell, const void *arg), const void *arg)
{
	size_t out = 0;

	for (size_t r = 0; r < t->nrows; r++) {
		char **row = t->cells + r * t->ncols;

		if (keep(row[c], arg)) {
			if (out != r)
				memcpy(t->cells + out * t->ncols, row,
				       t->ncols * sizeof(*row));
			out++;
		} else {
			for (size_t k = 0; k < t->ncols; k++)
				free(row[k]);
		}
	}
	t->nrows = out;
}

static bool keep_equal(const char *cell, const void *value)
{
	return strcmp(cell, value) == 0;
}

int table_filter(struct table *t, const char *col, const char *value)
{
	int c = table_col(t, col);

	if (c < 0)
		return -ENOENT;
	table_keep(t, (size_t)c, keep_equal, value);
	return 0;
}

int ino_set_add(struct ino_set *s, uint64_t ino)
{
	size_t lo = 0, hi = s->n;

	/* first member >= ino */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->ino[mid] < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->n && s->ino[lo] == ino)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		uint64_t *v = realloc(s->ino, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->ino = v;
		s->cap = cap;
	}
	memmove(s->ino + lo + 1, s->ino + lo, (s->n - lo) * sizeof(*s->ino));
	s->ino[lo] = ino;
	s->n++;
	return 0;
}

bool ino_set_has(const struct ino_set *s, uint64_t ino)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->ino[mid] == ino)
			return true;
		if (s->ino[mid] < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

void ino_set_free(struct ino_set *s)
{
	free(s->ino);
	memset(s, 0, sizeof(*s));
}

static bool keep_in_set(const char *cell, const void *set)
{
	uint64_t v;

	return parse_u64(cell, &v) == 0 && ino_set_has(set, v);
}

int table_filter_ino(struct table *t, const char *col, const struct ino_set *set)
{
	int c = table_col(t, col);

	if (c < 0)
		return -ENOENT;
	table_keep(t, (size_t)c, keep_in_set, set);
	return 0;
}

bool table_col_is_bytes(const char *name)
{
	static const char *const cols[] = { "size", "resident", "swapped", "discarded" };
	size_t n = strlen(name);

	for (size_t i = 0; i < ARRAY_SIZE(cols); i++)
		if (strcmp(name, cols[i]) == 0)
			return true;
	return n > 6 && strcmp(name + n - 6, "_bytes") == 0;
}

static void table_fmt_cell(const struct table *t, size_t r, size_t c,
			   bool human, char *buf, size_t len)
{
	const char *s = table_cell(t, r, c);
	uint64_t v;

	if (human && table_col_is_bytes(t->cols[c]) && parse_u64(s, &v) == 0)
		format_size(v, buf, len);
	else
		snprintf(buf, len, "%s", s);
}

void table_print(FILE *out, const struct table *t, bool human)
{
	size_t w[TABLE_MAX_COLS];
	char buf[128];

	for (size_t c = 0; c < t->ncols; c++) {
		w[c] = strlen(t->cols[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			table_fmt_cell(t, r, c, human, buf, sizeof(buf));
			if (strlen(buf) > w[c])
				w[c] = strlen(buf);
		}
	}
	for (size_t c = 0; c < t->ncols; c++)
		fprintf(out, "%s%-*s", c ? "  " : "",
			c + 1 < t->ncols ? (int)w[c] : 0, t->cols[c]);
	fputc('\n', out);
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			table_fmt_cell(t, r, c, human, buf, sizeof(buf));
			fprintf(out, "%s%-*s", c ? "  " : "",
				c + 1 < t->ncols ? (int)w[c] : 0, buf);
		}
		fputc('\n', out);
	}
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629), 0 if there is none. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* the terminating NUL included */
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong, surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	while (*p) {
		size_t n = utf8_len(p);

		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else if (n == 0)
			fputs("\\ufffd", out);
		else
			fwrite(p, 1, n, out);
		p += n ? n : 1;
	}
	fputc('"', out);
}

void json_number(FILE *out, const char *s)
{
	uint64_t u;
	int64_t i;

	if (parse_u64(s, &u) == 0)
		fprintf(out, "%" PRIu64, u);
	else if (parse_i64(s, &i) == 0)
		fprintf(out, "%" PRId64, i);
	else
		fputs("null", out);
}

void table_print_json(FILE *out, const struct table *t)
{
	fputc('[', out);
	for (size_t r = 0; r < t->nrows; r++) {
		fprintf(out, "%s{", r ? "," : "");
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = table_cell(t, r, c);

			if (c)
				fputc(',', out);
			json_string(out, t->cols[c]);
			fputc(':', out);
			if (table_col_is_numeric(t->cols[c]))
				json_number(out, s);
			else
				json_string(out, s);
		}
		fputc('}', out);
	}
	fputc(']', out);
}

uint64_t vms_idle_resident(const struct table *vms, uint64_t idle_ms)
{
	uint64_t sum = 0;

	for (size_t r = 0; r < vms->nrows; r++) {
		uint64_t idle, res;

		if (table_u64(vms, r, "idle_ms", &idle) && idle >= idle_ms &&
		    table_u64(vms, r, "resident", &res))
			sum += res;
	}
	return sum;
}

void bos_sum(const struct table *bos, struct bo_sums *out)
{
	int state = table_col(bos, "state");

	memset(out, 0, sizeof(*out));
	for (size_t r = 0; r < bos->nrows; r++) {
		const char *st = state >= 0 ? table_cell(bos, r, (size_t)state) : "";
		uint64_t v;

		out->bos++;
		if (table_u64(bos, r, "resident", &v))
			out->resident += v;
		if (!table_u64(bos, r, "size", &v))
			continue;
		if (strcmp(st, "swapped") == 0)
			out->swapped += v;
		else if (strcmp(st, "discarded") == 0)
			out->discarded += v;
	}
}

void stats_free(struct stats *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->e[i].key);
		free(s->e[i].value);
	}
	free(s->e);
	memset(s, 0, sizeof(*s));
}

int stats_parse(FILE *f, struct stats *s)
{
	char *line = NULL;
	size_t cap = 0;

	memset(s, 0, sizeof(*s));
	while (table_getline(&line, &cap, f) >= 0) {
		char *fields[3];
		struct stat_entry *e;
		size_t n = table_split(line, fields, 2);

		if (n == 0)
			continue;
		if (n != 2 || s->n >= TABLE_MAX_ROWS) {
			s->skipped++;
			continue;
		}
		/* a duplicated key: the first one wins */
		for (size_t i = 0; i < s->n; i++)
			if (strcmp(s->e[i].key, fields[0]) == 0)
				goto dup;
		e = realloc(s->e, (s->n + 1) * sizeof(*e));
		if (!e)
			goto err_nomem;
		s->e = e;
		e += s->n;
		e->key = strdup(fields[0]);
		e->value = strdup(fields[1]);
		if (!e->key || !e->value) {
			free(e->key);
			free(e->value);
			goto err_nomem;
		}
		e->numeric = parse_u64(e->value, &e->num) == 0;
		s->n++;
		continue;
dup:
		s->skipped++;
	}
	free(line);
	return 0;

err_nomem:
	free(line);
	stats_free(s);
	return -ENOMEM;
}

int stats_read(const char *path, struct stats *s)
{
	FILE *f = fopen(path, "re");
	int ret;

	if (!f)
		return -errno;
	ret = stats_parse(f, s);
	fclose(f);
	return ret;
}

bool stats_get(const struct stats *s, const char *key, uint64_t *out)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->e[i].key, key) == 0) {
			if (!s->e[i].numeric)
				return false;
			*out = s->e[i].num;
			return true;
		}
	return false;
}

void stats_print_json(FILE *out, const struct stats *s)
{
	fputc('{', out);
	for (size_t i = 0; i < s->n; i++) {
		if (i)
			fputc(',', out);
		json_string(out, s->e[i].key);
		fputc(':', out);
		json_number(out, s->e[i].value);
	}
	fputc('}', out);
}
