/* SPDX-License-Identifier: MIT */
/*
 * What the gpusim test programs (gpusim-wl, gpusim-hostile, gpusim-race,
 * gpusim-layout) share: "key=value" lines on stdout, the last one
 * "result=pass" or "result=fail reason=...", and the exit status 0 (pass),
 * EXIT_CHECK, EXIT_USAGE or EXIT_DEVICE.
 */
#ifndef GPUSIM_TOOL_H
#define GPUSIM_TOOL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libgpusim.h"

#define EXIT_CHECK	1	/* a check failed */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_DEVICE	3	/* the device or an ioctl failed */

/* A failed check that ends the run. */
static inline _Noreturn void fail(const char *reason)
{
	printf("result=fail reason=%s\n", reason);
	exit(EXIT_CHECK);
}

/* A call that returned the negative errno @err, which ends the run. */
static inline _Noreturn void die(const char *what, int err)
{
	printf("result=fail reason=%s errno=%d (%s)\n", what, -err, strerror(-err));
	exit(EXIT_DEVICE);
}

#define CHECK_CALL(expr) do { int __r = (expr); if (__r) die(#expr, __r); } while (0)

/* A size argument (gpusim_parse_size()), or a usage error. */
static inline uint64_t parse_size(const char *s)
{
	uint64_t v;

	if (gpusim_parse_size(s, &v)) {
		fprintf(stderr, "bad size '%s'\n", s);
		exit(EXIT_USAGE);
	}
	return v;
}

#endif
