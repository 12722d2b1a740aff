// SPDX-License-Identifier: GPL-2.0
/*
 * cs-selftest: the one check of the CS encoder possible without a GPU.
 *
 * Linux 6.12's panthor builds its per-job ring buffer instructions from
 * constant expressions, prepare_job_instrs() in
 * drivers/gpu/drm/panthor/panthor_sched.c. Each REF() below is one of those
 * expressions copied verbatim (the kernel's own comment above it); the test
 * evaluates it for several register/address choices and checks that cs.c
 * produces the same 64-bit word. Given the path of panthor_sched.c, it also
 * checks that every expression still appears in that file (whitespace
 * ignored), so a copy that drifted from the kernel fails too.
 *
 *   cs-selftest [path/to/panthor_sched.c]      TAP output, exit 1 on failure
 */
#include <ctype.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs.h"

/* As in panthor_sched.c (struct panthor_job_cs_params, profiling data). */
struct panthor_job_cs_params {
	uint64_t addr_reg, val_reg, cycle_reg, time_reg;
	uint64_t sync_addr, times_addr, cs_start, cs_size;
	uint32_t last_flush, waitall_mask;
};

struct panthor_job_profiling_data {
	struct {
		uint64_t before;
		uint64_t after;
	} cycles;
	struct {
		uint64_t before;
		uint64_t after;
	} time;
};

struct ref {
	const char *name, *expr;
	uint64_t kernel, ours;
};

static int n, failed;

static void ok(int cond, const char *fmt, const char *a, const char *b)
{
	n++;
	printf("%s %d - ", cond ? "ok" : "not ok", n);
	printf(fmt, a, b);
	putchar('\n');
	if (!cond)
		failed = 1;
}

static char *squeeze(const char *s)
{
	char *d = malloc(strlen(s) + 1), *p = d;

	if (!d)
		exit(2);
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			*p++ = *s;
	*p = 0;
	return d;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long len;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = malloc(len + 1);
	if (!buf || fread(buf, 1, len, f) != (size_t)len) {
		fclose(f);
		free(buf);
		return NULL;
	}
	buf[len] = 0;
	fclose(f);
	return buf;
}

#define REF(nm, ours_expr, kernel_expr) \
	{ nm, #kernel_expr, (kernel_expr), (ours_expr) }

static int check(const struct panthor_job_cs_params *params, const char *src,
		 int with_src)
{
	const unsigned int a = params->addr_reg, v = params->val_reg;
	const unsigned int c = params->cycle_reg, t = params->time_reg;
	const uint64_t cyc_b = params->times_addr +
		offsetof(struct panthor_job_profiling_data, cycles.before);
	const uint64_t cyc_a = params->times_addr +
		offsetof(struct panthor_job_profiling_data, cycles.after);
	const uint64_t tim_b = params->times_addr +
		offsetof(struct panthor_job_profiling_data, time.before);
	const uint64_t tim_a = params->times_addr +
		offsetof(struct panthor_job_profiling_data, time.after);
	/* The expressions are the kernel's, copied from prepare_job_instrs(). */
	const struct ref refs[] = {
		REF("MOV32 rX+2, cs.latest_flush", cs_move32(v, params->last_flush),
		    (2ull << 56) | (params->val_reg << 48) | params->last_flush),
		REF("FLUSH_CACHE2.clean_inv_all.no_wait.signal(0) rX+2",
		    cs_flush_cache2(CS_FLUSH_CLEAN_INVALIDATE, CS_FLUSH_CLEAN_INVALIDATE,
				    CS_OTHER_FLUSH_INVALIDATE, 0, v, 0),
		    (36ull << 56) | (0ull << 48) | (params->val_reg << 40) |
		    (0 << 16) | 0x233),
		REF("MOV48 rX:rX+1, cycles_offset (before)", cs_move48(c, cyc_b),
		    (1ull << 56) | (params->cycle_reg << 48) |
		    (params->times_addr +
		     offsetof(struct panthor_job_profiling_data, cycles.before))),
		REF("STORE_STATE cycles", cs_store_state(c, 0, 1, 0, 0),
		    (40ull << 56) | (params->cycle_reg << 40) | (1ll << 32)),
		REF("MOV48 rX:rX+1, time_offset (before)", cs_move48(t, tim_b),
		    (1ull << 56) | (params->time_reg << 48) |
		    (params->times_addr +
		     offsetof(struct panthor_job_profiling_data, time.before))),
		REF("STORE_STATE timer", cs_store_state(t, 0, 0, 0, 0),
		    (40ull << 56) | (params->time_reg << 40) | (0ll << 32)),
		REF("MOV48 rX:rX+1, cs.start", cs_move48(a, params->cs_start),
		    (1ull << 56) | (params->addr_reg << 48) | params->cs_start),
		REF("MOV32 rX+2, cs.size", cs_move32(v, params->cs_size),
		    (2ull << 56) | (params->val_reg << 48) | params->cs_size),
		REF("WAIT(0)", cs_wait(1, 0),
		    (3ull << 56) | (1 << 16)),
		REF("CALL rX:rX+1, rX+2", cs_call(a, v),
		    (32ull << 56) | (params->addr_reg << 40) |
		    (params->val_reg << 32)),
		REF("MOV48 rX:rX+1, cycles_offset (after)", cs_move48(c, cyc_a),
		    (1ull << 56) | (params->cycle_reg << 48) |
		    (params->times_addr +
		     offsetof(struct panthor_job_profiling_data, cycles.after))),
		REF("MOV48 rX:rX+1, time_offset (after)", cs_move48(t, tim_a),
		    (1ull << 56) | (params->time_reg << 48) |
		    (params->times_addr +
		     offsetof(struct panthor_job_profiling_data, time.after))),
		REF("MOV48 rX:rX+1, sync_addr", cs_move48(a, params->sync_addr),
		    (1ull << 56) | (params->addr_reg << 48) | params->sync_addr),
		REF("MOV48 rX+2, #1", cs_move48(v, 1),
		    (1ull << 56) | (params->val_reg << 48) | 1),
		REF("WAIT(all)", cs_wait(params->waitall_mask, 0),
		    (3ull << 56) | (params->waitall_mask << 16)),
		REF("SYNC_ADD64.system_scope.propage_err.nowait rX:rX+1, rX+2",
		    cs_sync_add64(1, CS_SCOPE_SYSTEM, 0, v, a, 0),
		    (51ull << 56) | (0ull << 48) | (params->addr_reg << 40) |
		    (params->val_reg << 32) | (0 << 16) | 1),
		REF("ERROR_BARRIER", cs_error_barrier(),
		    (47ull << 56)),
	};
	char buf[160];
	size_t i;

	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		snprintf(buf, sizeof(buf), "0x%016" PRIx64 " (addr_reg %u)",
			 refs[i].kernel, a);
		ok(refs[i].kernel == refs[i].ours, "%s = %s", refs[i].name, buf);
		if (refs[i].kernel != refs[i].ours)
			printf("#   ours 0x%016" PRIx64 "\n", refs[i].ours);
		if (with_src) {
			char *e = squeeze(refs[i].expr);

			ok(src && strstr(src, e) != NULL,
			   "%s: expression found in %s", refs[i].name,
			   "panthor_sched.c");
			free(e);
		}
	}
	return 0;
}

/* Fields the kernel does not exercise, against v10.xml by hand. */
static void check_layouts(void)
{
	struct { const char *name; uint64_t got, want; } t[] = {
		{ "LOAD_MULTIPLE r0, [r16:r17 + 0x40], mask 0xffff",
		  cs_load_multiple(0, 16, 0xffff, 0x40), 0x14001000ffff0040ull },
		{ "STORE_MULTIPLE r4, [r18:r19 - 8], mask 0x0003",
		  cs_store_multiple(4, 18, 0x3, -8), 0x150412000003fff8ull },
		{ "ADD_IMM32 r20, r20, -1",
		  cs_add_imm32(20, 20, -1), 0x10141400ffffffffull },
		{ "ADD_IMM64 r16, r16, 64",
		  cs_add_imm64(16, 16, 64), 0x1110100000000040ull },
		{ "BRANCH.nequal r20, -7",
		  cs_branch(-7, CS_COND_NEQUAL, 20), 0x160014003000fff9ull },
		{ "SET_SB_ENTRY endpoint 2, other 0",
		  cs_set_sb_entry(2, 0), 0x1700000000000002ull },
		{ "SYNC_WAIT64.greater [r22:r23], r24:r25",
		  cs_sync_wait64(0, CS_COND_GREATER, 24, 22), 0x3500161810000000ull },
		{ "MOV48 r16, 0xffffffffffff",
		  cs_move48(16, 0xffffffffffffull), 0x0110ffffffffffffull },
	};
	char buf[40];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(buf, sizeof(buf), "0x%016" PRIx64, t[i].want);
		ok(t[i].got == t[i].want, "%s = %s", t[i].name, buf);
		if (t[i].got != t[i].want)
			printf("#   ours 0x%016" PRIx64 "\n", t[i].got);
	}
}

int main(int argc, char **argv)
{
	/* addr_reg = cs_reg_count - unpreserved_cs_reg_count: 96 - 4 on the
	 * G610; others to catch a field placed at the wrong offset. */
	static const struct panthor_job_cs_params p[] = {
		{ 92, 94, 92, 94, 0xffff80001000ull, 0xffff80002040ull,
		  0x7f0000400000ull, 0x1c8, 0x3a5, 0xff },
		{ 60, 62, 60, 62, 0x0000deadbee0ull, 0x000012345600ull,
		  0x123456789ac0ull, 0xfff8, 0xffffffff, 0x1 },
	};
	char *src = NULL, *sq = NULL;
	size_t i;

	if (argc > 1) {
		src = read_file(argv[1]);
		if (!src)
			fprintf(stderr, "cs-selftest: cannot read %s\n", argv[1]);
		else
			sq = squeeze(src);
	}
	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		check(&p[i], sq, argc > 1 && i == 0);
	check_layouts();
	printf("1..%d\n", n);
	free(src);
	free(sq);
	return failed;
}
