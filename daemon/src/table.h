/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * table.h - pure parsers for the debugfs observability files.
 *
 * "bos" and "vms": a header line of whitespace-separated column names,
 * then one line per object. Columns are found by name, so unknown, extra or
 * reordered columns are tolerated. A row with more fields than the header
 * has its surplus folded into the "comm" column (task names may contain
 * spaces) when there is one; other ragged rows are skipped and counted.
 *
 * "stats": "key value" lines; keys are kept generically.
 */
#ifndef GR_TABLE_H
#define GR_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TABLE_MAX_COLS 64
#define TABLE_MAX_ROWS 1000000

struct table {
	size_t ncols;
	char **cols;
	size_t nrows;
	char **cells;		/* nrows * ncols, row-major */
	size_t skipped;		/* malformed rows dropped */
};

int table_parse(FILE *f, struct table *t);
int table_read(const char *path, struct table *t);
void table_free(struct table *t);
int table_col(const struct table *t, const char *name);
const char *table_cell(const struct table *t, size_t row, size_t col);
/* Numeric cell by column name; false if missing or not a number. */
bool table_u64(const struct table *t, size_t row, const char *col, uint64_t *out);
/*
 * True for columns holding numbers, by name, whatever a cell holds: the
 * documented numeric columns of bos and vms (id, vm, pid, size, resident,
 * mmap, reclaims, swapins, idle_ms, bos, swapped, discarded, cgroup) and
 * names ending in _bytes, _pages, _ms or _ns. Others (comm, state, flags,
 * columns a newer kernel adds) hold text.
 */
bool table_col_is_numeric(const char *name);
/*
 * Sort by a column: numerically for a numeric column (cells that are not
 * numbers, such as "-", first), as text for a text column; a column of
 * unknown name numerically when every cell is a number. -ENOENT if no
 * such column.
 */
int table_sort(struct table *t, const char *col, bool reverse);
/* Keep rows whose column equals value; -ENOENT if no such column. */
int table_filter(struct table *t, const char *col, const char *value);
/* True for columns holding byte counts (printed in human units). */
bool table_col_is_bytes(const char *name);
void table_print(FILE *out, const struct table *t, bool human);
/*
 * JSON array of objects, one per row, typed by column: a numeric column
 * (table_col_is_numeric) gives a number, or null for a cell that is not
 * one ("-"); any other column a string, even when it looks like a number.
 */
void table_print_json(FILE *out, const struct table *t);
/* A cell as a JSON number, or null when it is not a decimal integer. */
void json_number(FILE *out, const char *s);

/* Sum of "resident" over VMs idle for at least idle_ms ("idle_ms" column). */
uint64_t vms_idle_resident(const struct table *vms, uint64_t idle_ms);

/*
 * A set of inode numbers: the cgroup v2 directories of a subtree, matched
 * against the "cgroup" column of bos and vms. Kept sorted, no duplicates.
 */
struct ino_set {
	size_t n, cap;
	uint64_t *ino;
};

/* 0, or -ENOMEM (the set is unchanged). Adding a member again is a no-op. */
int ino_set_add(struct ino_set *s, uint64_t ino);
bool ino_set_has(const struct ino_set *s, uint64_t ino);
void ino_set_free(struct ino_set *s);
/*
 * Keep rows whose column is a number in set (a cell that is not a number
 * never matches); -ENOENT if no such column.
 */
int table_filter_ino(struct table *t, const char *col, const struct ino_set *set);

/* What the rows of a bos table add up to (bos_sum). */
struct bo_sums {
	uint64_t bos;		/* rows */
	uint64_t resident;	/* sum of "resident" */
	uint64_t swapped;	/* sum of "size" of rows in state "swapped" */
	uint64_t discarded;	/* sum of "size" of rows in state "discarded" */
};

/* Sums over every row of bos (filter it first); missing cells count 0. */
void bos_sum(const struct table *bos, struct bo_sums *out);

struct stat_entry {
	char *key;
	char *value;
	bool numeric;
	uint64_t num;
};

struct stats {
	size_t n;
	struct stat_entry *e;
	size_t skipped;
};

int stats_parse(FILE *f, struct stats *s);
int stats_read(const char *path, struct stats *s);
void stats_free(struct stats *s);
bool stats_get(const struct stats *s, const char *key, uint64_t *out);
/* JSON object of every key; values are numbers (signed), null when not one. */
void stats_print_json(FILE *out, const struct stats *s);

/*
 * JSON string: quotes, backslashes and control characters escaped, bytes
 * that are not UTF-8 replaced by U+FFFD (a task name is bytes, JSON text
 * is UTF-8).
 */
void json_string(FILE *out, const char *s);

#endif
