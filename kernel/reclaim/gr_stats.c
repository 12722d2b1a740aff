// SPDX-License-Identifier: GPL-2.0-only
/*
 * gem_reclaim: reclaim statistics and the text of the debugfs observability
 * files.
 */

/**
 * DOC: Statistics
 *
 * Each device has a &struct gr_stats: device-wide gauges and counters, and
 * per-policy page counters. The reclaim code updates them with
 * gr_stats_add() and gr_stats_policy_add() (atomics: any context, no lock).
 * The debugfs ``stats`` file prints them as ``key value`` lines through
 * gr_stats_print(); kernel/reclaim/sysfs-class-drm-reclaim lists the keys.
 *
 * The ``bos`` and ``vms`` files are tables: a header line naming the
 * columns, then one line per object, columns separated by single spaces.
 * The code that walks the objects prints each line with gr_bos_print_row()
 * or gr_vms_print_row(), so the format is defined here only. A command name
 * may contain spaces (a reader folds the extra fields back into the comm
 * column); control characters in it are printed as '?', an empty one as '-'.
 */

#include <linux/ctype.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/threads.h>

#include <kunit/visibility.h>

#include "gr_stats.h"

static const char *const gr_stat_keys[GR_STAT_COUNT] = {
	[GR_STAT_RESIDENT_BYTES] = "resident_bytes",
	[GR_STAT_SWAPPED_BYTES] = "swapped_bytes",
	[GR_STAT_DISCARDED_BYTES] = "discarded_bytes",
	[GR_STAT_RECLAIMABLE_BYTES] = "reclaimable_bytes",
	[GR_STAT_SWAPIN_PAGES] = "swapin_pages",
	[GR_STAT_SWAPIN_NS] = "swapin_ns",
	[GR_STAT_SCAN_CALLS] = "scan_calls",
	[GR_STAT_REFAULTS] = "refaults",
	[GR_STAT_RESTORE_AHEAD_PAGES] = "restore_ahead_pages",
	[GR_STAT_RESTORE_AHEAD_NS] = "restore_ahead_ns",
};

/* Printed as <policy>_<suffix>, e.g. swapout_skipped_trylock. */
static const char *const gr_policy_stat_keys[GR_PSTAT_COUNT] = {
	[GR_PSTAT_SCANNED] = "scanned",
	[GR_PSTAT_RECLAIMED] = "reclaimed",
	[GR_PSTAT_SKIPPED_TRYLOCK] = "skipped_trylock",
	[GR_PSTAT_SKIPPED_PINNED] = "skipped_pinned",
	[GR_PSTAT_SKIPPED_RECENT] = "skipped_recent",
	[GR_PSTAT_SKIPPED_ACTIVE] = "skipped_active",
	[GR_PSTAT_SKIPPED_MAPPED] = "skipped_mapped",
	[GR_PSTAT_SKIPPED_PROTECTED] = "skipped_protected",
};

/**
 * gr_stats_init() - set every statistic to zero
 * @st: the statistics
 */
void gr_stats_init(struct gr_stats *st)
{
	unsigned int i, j;

	for (i = 0; i < GR_STAT_COUNT; i++)
		atomic64_set(&st->dev[i], 0);
	for (i = 0; i < GR_POLICY_MAX; i++)
		for (j = 0; j < GR_PSTAT_COUNT; j++)
			atomic64_set(&st->policy[i][j], 0);
}
EXPORT_SYMBOL_IF_KUNIT(gr_stats_init);

/**
 * gr_stats_print() - the text of the stats file
 * @st: the statistics
 * @m: where to print
 *
 * One ``key value`` line per device-wide value, then one per policy of
 * gr_policies[] (in the chain or not) and per-policy counter. Values are
 * signed decimal: a gauge that went negative is a bug made visible.
 */
void gr_stats_print(struct gr_stats *st, struct seq_file *m)
{
	unsigned int i, j;

	for (i = 0; i < GR_STAT_COUNT; i++)
		seq_printf(m, "%s %lld\n", gr_stat_keys[i],
			   (long long)atomic64_read(&st->dev[i]));
	for (i = 0; i < gr_policy_count; i++)
		for (j = 0; j < GR_PSTAT_COUNT; j++)
			seq_printf(m, "%s_%s %lld\n", gr_policies[i].name,
				   gr_policy_stat_keys[j],
				   (long long)atomic64_read(&st->policy[i][j]));
}
EXPORT_SYMBOL_IF_KUNIT(gr_stats_print);

/* A command name as one table cell (see DOC: Statistics). */
static void gr_print_comm(struct seq_file *m, const char *comm)
{
	char buf[TASK_COMM_LEN];
	size_t i;

	strscpy(buf, comm ?: "", sizeof(buf));
	if (!buf[0]) {
		seq_puts(m, "-");
		return;
	}
	for (i = 0; buf[i]; i++)
		if (iscntrl(buf[i]) || !isascii(buf[i]))
			buf[i] = '?';
	seq_puts(m, buf);
}

/**
 * gr_bos_print_header() - the header line of the bos file
 * @m: where to print
 */
void gr_bos_print_header(struct seq_file *m)
{
	seq_puts(m, "id vm pid comm size resident state flags mmap reclaims swapins idle_ms cgroup\n");
}
EXPORT_SYMBOL_IF_KUNIT(gr_bos_print_header);

/**
 * gr_bos_print_row() - one line of the bos file
 * @m: where to print
 * @row: the columns
 *
 * The vm column is ``-`` for a BO mapped in no VM; flags are letters (d:
 * discardable, that is discard-on-reclaim or madvised DONTNEED, n: no CPU
 * mmap, s: shared by several VMs, l: content lost, x: exported, p: purged),
 * ``-`` for none.
 */
void gr_bos_print_row(struct seq_file *m, const struct gr_bo_row *row)
{
	static const struct {
		u32 bit;
		char letter;
	} letters[] = {
		{ GR_BO_ROW_DISCARD, 'd' },
		{ GR_BO_ROW_NO_MMAP, 'n' },
		{ GR_BO_ROW_SHARED, 's' },
		{ GR_BO_ROW_LOST, 'l' },
		{ GR_BO_ROW_EXPORTED, 'x' },
		{ GR_BO_ROW_PURGED, 'p' },
	};
	char flags[ARRAY_SIZE(letters) + 1];
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(letters); i++)
		if (row->flags & letters[i].bit)
			flags[n++] = letters[i].letter;
	if (!n)
		flags[n++] = '-';
	flags[n] = '\0';

	seq_printf(m, "%llu ", row->id);
	if (row->vm == GR_BO_ROW_NO_VM)
		seq_puts(m, "- ");
	else
		seq_printf(m, "%llu ", row->vm);
	seq_printf(m, "%d ", row->pid);
	gr_print_comm(m, row->comm);
	seq_printf(m, " %llu %llu %s %s %u %u %u %llu %llu\n", row->size,
		   row->resident, row->state ?: "-", flags, row->mmap,
		   row->reclaims, row->swapins, row->idle_ms, row->cgroup);
}
EXPORT_SYMBOL_IF_KUNIT(gr_bos_print_row);

/**
 * gr_vms_print_header() - the header line of the vms file
 * @m: where to print
 */
void gr_vms_print_header(struct seq_file *m)
{
	seq_puts(m, "id pid comm state idle_ms bos resident swapped discarded cgroup\n");
}
EXPORT_SYMBOL_IF_KUNIT(gr_vms_print_header);

/**
 * gr_vms_print_row() - one line of the vms file
 * @m: where to print
 * @row: the columns
 *
 * The state column is ``active`` or ``idle``; idle_ms is 0 for an active VM.
 */
void gr_vms_print_row(struct seq_file *m, const struct gr_vm_row *row)
{
	seq_printf(m, "%llu %d ", row->id, row->pid);
	gr_print_comm(m, row->comm);
	seq_printf(m, " %s %llu %llu %llu %llu %llu %llu\n",
		   row->active ? "active" : "idle",
		   row->active ? 0 : row->idle_ms, row->bos, row->resident,
		   row->swapped, row->discarded, row->cgroup);
}
EXPORT_SYMBOL_IF_KUNIT(gr_vms_print_row);

/* Longest request gr_shrink_parse() accepts: "<20 digits> tgid=<7 digits>\n" */
#define GR_SHRINK_TEXT_MAX	40

/* Parse a non-empty string of decimal digits only (no sign, no space). */
static int gr_parse_digits(const char *s, unsigned long *val)
{
	const char *p;

	if (!*s)
		return -EINVAL;
	for (p = s; *p; p++)
		if (!isdigit(*p))
			return -EINVAL;
	return kstrtoul(s, 10, val);
}

/**
 * gr_shrink_parse() - parse a request written to the shrink file
 * @buf: ``<pages>`` or ``<pages> tgid=<tgid>``, decimal, one space,
 *	optionally one trailing newline; not necessarily NUL-terminated
 * @len: length of @buf
 * @pages: receives the number of pages to reclaim
 * @tgid: receives the process to scope the request to, 0 for all
 *
 * Returns: 0 on success; -EINVAL for anything else than the two forms (a
 * sign, a second space, a tab, another key, an empty number, text longer
 * than any valid request); -ERANGE for 0 pages, a number that overflows,
 * or a tgid outside 1..PID_MAX_LIMIT. @pages and @tgid are set only on
 * success.
 */
int gr_shrink_parse(const char *buf, size_t len, unsigned long *pages,
		    pid_t *tgid)
{
	char text[GR_SHRINK_TEXT_MAX + 1], *sep, *arg;
	unsigned long p, t = 0;
	int ret;

	if (len > GR_SHRINK_TEXT_MAX)
		return -EINVAL;
	memcpy(text, buf, len);
	text[len] = '\0';
	if (len && text[len - 1] == '\n')
		text[--len] = '\0';
	if (strlen(text) != len)
		return -EINVAL;

	sep = strchr(text, ' ');
	if (sep) {
		*sep = '\0';
		arg = sep + 1;
		if (!str_has_prefix(arg, "tgid="))
			return -EINVAL;
		ret = gr_parse_digits(arg + strlen("tgid="), &t);
		if (ret)
			return ret;
		if (t < 1 || t > PID_MAX_LIMIT)
			return -ERANGE;
	}
	ret = gr_parse_digits(text, &p);
	if (ret)
		return ret;
	if (!p)
		return -ERANGE;

	*pages = p;
	*tgid = t;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gr_shrink_parse);
