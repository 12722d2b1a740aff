/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * psi.h - pure helpers for pressure stall information: parsing the
 * /proc/pressure/memory (or cgroup memory.pressure) text, formatting trigger
 * strings, and fitting a trigger to the kernel's rules.
 *
 * Kernel rules for a trigger "some|full <stall_us> <window_us>"
 * (Documentation/accounting/psi.rst): 500 ms <= window <= 10 s,
 * 0 < stall <= window; without CAP_SYS_RESOURCE the window must be a
 * multiple of 2 s.
 */
#ifndef GR_PSI_H
#define GR_PSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PSI_WINDOW_MIN_US 500000u
#define PSI_WINDOW_MAX_US 10000000u
#define PSI_UNPRIV_GRAIN_US 2000000u
#define CAP_SYS_RESOURCE_BIT 24

enum psi_kind { PSI_SOME, PSI_FULL };

struct psi_line {
	bool valid;
	double avg10, avg60, avg300;
	uint64_t total;
};

struct psi_sample {
	struct psi_line some, full;
};

const char *psi_kind_name(enum psi_kind k);
int psi_kind_parse(const char *s, enum psi_kind *k);

/*
 * Parse one line ("some avg10=0.12 avg60=... avg300=... total=N").
 * Each field must appear exactly once; unknown fields, junk and values out
 * of range (avg outside 0..100) are rejected with -EINVAL.
 */
int psi_parse_line(const char *line, enum psi_kind *kind, struct psi_line *out);
/*
 * Parse a whole pressure file. A "some" line is required; "full" is
 * optional (marked invalid when absent). A malformed or duplicated line
 * fails the whole parse with -EINVAL and a reason in err.
 */
int psi_parse(FILE *f, struct psi_sample *out, char *err, size_t errlen);
int psi_read(const char *path, struct psi_sample *out, char *err, size_t errlen);

/* "some 150000 2000000"; returns length or -ENOSPC. */
int psi_trigger_format(char *buf, size_t len, enum psi_kind k,
		       uint32_t stall_us, uint32_t window_us);
/*
 * Fit stall/window to the kernel's limits. Without privilege the window is
 * rounded up to a multiple of 2 s (at most 10 s) and the stall scaled to
 * keep the same stall ratio. Returns true if anything changed.
 */
bool psi_trigger_fit(uint32_t *stall_us, uint32_t *window_us, bool privileged);
/* Stall ratio of a trigger, in percent (what avg10 would have to reach). */
double psi_trigger_pct(uint32_t stall_us, uint32_t window_us);

/* Parse CapEff from a /proc/<pid>/status stream. 0 or -ENOENT/-EINVAL. */
int caps_parse_status(FILE *f, uint64_t *capeff);

#endif
