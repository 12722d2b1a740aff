/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal encoder for Mali CSF (arch v10, Mali-G610 of the RK3588) command
 * stream instructions, enough for panthor-hwtest's copy and hang programs.
 *
 * Every instruction is one 64-bit word, opcode in bits 56..63. Field layouts
 * are Mesa's genxml, src/panfrost/genxml/v10.xml ("CS Opcode" enum and the
 * "CS <NAME>" structs; read from bminor/mesa-mesa, commit 333ca913), written
 * out next to each function. Where the kernel encodes the same instruction
 * (prepare_job_instrs() in drivers/gpu/drm/panthor/panthor_sched.c, Linux
 * 6.12), cs-selftest checks these functions against the kernel's constant
 * expressions bit for bit. Register numbers are 32-bit registers r0..r(N-1);
 * a 64-bit operand is an even register pair rX:rX+1 named by rX.
 */
#ifndef HWTEST_CS_H
#define HWTEST_CS_H

#include <stdbool.h>
#include <stdint.h>

/* v10.xml <enum name="CS Opcode"> */
enum cs_opcode {
	CS_OP_NOP = 0,
	CS_OP_MOVE48 = 1,
	CS_OP_MOVE32 = 2,
	CS_OP_WAIT = 3,
	CS_OP_ADD_IMM32 = 16,
	CS_OP_ADD_IMM64 = 17,
	CS_OP_LOAD_MULTIPLE = 20,
	CS_OP_STORE_MULTIPLE = 21,
	CS_OP_BRANCH = 22,
	CS_OP_SET_SB_ENTRY = 23,
	CS_OP_CALL = 32,
	CS_OP_FLUSH_CACHE2 = 36,
	CS_OP_STORE_STATE = 40,
	CS_OP_ERROR_BARRIER = 47,
	CS_OP_SYNC_ADD64 = 51,
	CS_OP_SYNC_SET64 = 52,
	CS_OP_SYNC_WAIT64 = 53,
};

/* v10.xml <enum name="CS Condition">: BRANCH and SYNC_WAIT conditions. */
enum cs_cond {
	CS_COND_LEQUAL = 0,
	CS_COND_GREATER = 1,
	CS_COND_EQUAL = 2,
	CS_COND_NEQUAL = 3,
	CS_COND_LESS = 4,
	CS_COND_GEQUAL = 5,
	CS_COND_ALWAYS = 6,
};

/* v10.xml <enum name="CS Flush Mode"> (L2 and LSC fields of FLUSH_CACHE2) */
enum cs_flush_mode {
	CS_FLUSH_NONE = 0,
	CS_FLUSH_CLEAN = 1,
	CS_FLUSH_CLEAN_INVALIDATE = 3,
};

/* v10.xml <enum name="CS Other Flush Mode"> */
enum cs_other_flush_mode {
	CS_OTHER_FLUSH_NONE = 0,
	CS_OTHER_FLUSH_INVALIDATE = 2,
};

/* v10.xml <enum name="CS Sync scope"> */
enum cs_sync_scope {
	CS_SCOPE_SYSTEM = 0,
	CS_SCOPE_CSG = 2,
};

uint64_t cs_nop(void);
uint64_t cs_move48(unsigned int dst, uint64_t imm48);
uint64_t cs_move32(unsigned int dst, uint32_t imm);
uint64_t cs_wait(unsigned int sb_mask, bool progress_inc);
uint64_t cs_add_imm32(unsigned int dst, unsigned int src, int32_t imm);
uint64_t cs_add_imm64(unsigned int dst, unsigned int src, int32_t imm);
uint64_t cs_load_multiple(unsigned int base, unsigned int addr, uint16_t mask,
			  int16_t offset);
uint64_t cs_store_multiple(unsigned int base, unsigned int addr, uint16_t mask,
			   int16_t offset);
uint64_t cs_branch(int16_t offset, enum cs_cond cond, unsigned int value);
uint64_t cs_set_sb_entry(unsigned int endpoint, unsigned int other);
uint64_t cs_call(unsigned int addr, unsigned int length);
uint64_t cs_flush_cache2(enum cs_flush_mode l2, enum cs_flush_mode lsc,
			 enum cs_other_flush_mode other, uint16_t wait_mask,
			 unsigned int flush_id, unsigned int signal_slot);
uint64_t cs_store_state(unsigned int addr, int16_t offset, unsigned int state,
			uint16_t wait_mask, unsigned int signal_slot);
uint64_t cs_error_barrier(void);
uint64_t cs_sync_add64(bool err_propagate, enum cs_sync_scope scope,
		       uint16_t wait_mask, unsigned int data, unsigned int addr,
		       unsigned int signal_slot);
uint64_t cs_sync_set64(bool err_propagate, enum cs_sync_scope scope,
		       uint16_t wait_mask, unsigned int data, unsigned int addr,
		       unsigned int signal_slot);
uint64_t cs_sync_wait64(bool err_reject, enum cs_cond cond, unsigned int data,
			unsigned int addr);

/* A growing instruction buffer, with labels for backward branches. */
struct cs_buf {
	uint64_t *ins;
	unsigned int n, cap;
	bool overflow;
};

void cs_emit(struct cs_buf *b, uint64_t ins);
/* Position of the next instruction (a backward branch target). */
static inline unsigned int cs_pos(const struct cs_buf *b) { return b->n; }
/*
 * BRANCH to an earlier position: the offset counts instructions from the
 * one after the BRANCH (Mesa cs_builder.h cs_branch_label(): offset =
 * target - branch_pos - 1).
 */
void cs_branch_back(struct cs_buf *b, unsigned int target, enum cs_cond cond,
		    unsigned int value);

#endif
