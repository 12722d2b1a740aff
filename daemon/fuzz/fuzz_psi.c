// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target: the PSI pressure-file parser. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "psi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct psi_sample s;
	char err[128];
	FILE *f;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	if (psi_parse(f, &s, err, sizeof(err)) == 0) {
		if (!s.some.valid || s.some.avg10 < 0 || s.some.avg10 > 100)
			abort();
	}
	fclose(f);
	return 0;
}
