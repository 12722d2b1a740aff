// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target: the libconfig-based config loader on arbitrary text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config c;
	struct cfg_diag d;
	char *text = malloc(size + 1);
	char buf[512];

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* @include would read files; the loader must not be fed those here */
	if (!strstr(text, "@include")) {
		log_set_level(LOG_CRIT);
		config_defaults(&c);
		if (config_load_string(&c, text, "fuzz.conf", &d) == 0) {
			/* invariants of an accepted config */
			if (c.nlevels > CFG_MAX_LEVELS || c.ndrivers > CFG_MAX_MATCH ||
			    c.ncards > CFG_MAX_MATCH)
				abort();
			for (size_t i = 0; i < c.nlevels; i++)
				if (c.levels[i].stall_us > c.levels[i].window_us)
					abort();
		} else {
			for (int i = 0; i < d.n; i++)
				cfg_error_format(&d.e[i], buf, sizeof(buf));
		}
	}
	free(text);
	return 0;
}
