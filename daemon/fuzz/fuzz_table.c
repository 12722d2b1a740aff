// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target: bos/vms table and stats parsers, plus sort/filter/sum/print. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "table.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct table t;
	struct stats s;
	FILE *f, *null;

	if (!size)
		return 0;
	null = fopen("/dev/null", "w");
	f = fmemopen((void *)data, size, "r");
	if (f && table_parse(f, &t) == 0) {
		if (t.ncols && t.nrows)
			table_sort(&t, t.cols[t.ncols - 1], data[0] & 1);
		table_print(null, &t, true);
		table_print_json(null, &t);
		vms_idle_resident(&t, 1000);
		if (t.ncols && t.nrows) {
			struct ino_set set = { 0 };
			struct bo_sums sums;
			uint64_t v;

			/* a set of the first row's numeric cells, matched on the last column */
			for (size_t c = 0; c < t.ncols; c++)
				if (parse_u64(table_cell(&t, 0, c), &v) == 0)
					ino_set_add(&set, v);
			table_filter_ino(&t, t.cols[t.ncols - 1], &set);
			bos_sum(&t, &sums);
			ino_set_free(&set);
		}
		if (t.ncols && t.nrows)
			table_filter(&t, t.cols[0], table_cell(&t, 0, 0));
		table_free(&t);
	}
	if (f)
		fclose(f);
	f = fmemopen((void *)data, size, "r");
	if (f && stats_parse(f, &s) == 0) {
		uint64_t v;

		stats_get(&s, "resident_bytes", &v);
		stats_free(&s);
	}
	if (f)
		fclose(f);
	fclose(null);
	return 0;
}
