// SPDX-License-Identifier: GPL-2.0
/*
 * Mali CSF v10 instruction encoder. Field layouts from Mesa's
 * src/panfrost/genxml/v10.xml (bit start:size within the 64-bit word); the
 * ones panthor itself emits are checked by cs-selftest against the constant
 * expressions of prepare_job_instrs() in Linux 6.12's
 * drivers/gpu/drm/panthor/panthor_sched.c.
 */
#include <stdlib.h>
#include <string.h>

#include "cs.h"

static uint64_t op(enum cs_opcode o)
{
	return (uint64_t)o << 56;			/* Opcode 56:8 */
}

static uint64_t field(uint64_t v, unsigned int start, unsigned int size)
{
	return (v & ((size == 64 ? 0 : (1ull << size)) - 1)) << start;
}

/* CS NOP: Ignored 0:56 */
uint64_t cs_nop(void)
{
	return op(CS_OP_NOP);
}

/* CS MOVE48: Immediate 0:48, Destination 48:8 (a 64-bit pair, zero-extended)
 * panthor: "MOV48 rX:rX+1, cs.start" = (1ull << 56) | (addr_reg << 48) | cs_start */
uint64_t cs_move48(unsigned int dst, uint64_t imm48)
{
	return op(CS_OP_MOVE48) | field(dst, 48, 8) | field(imm48, 0, 48);
}

/* CS MOVE32: Immediate 0:32, Destination 48:8
 * panthor: "MOV32 rX+2, cs.size" = (2ull << 56) | (val_reg << 48) | cs_size */
uint64_t cs_move32(unsigned int dst, uint32_t imm)
{
	return op(CS_OP_MOVE32) | field(dst, 48, 8) | field(imm, 0, 32);
}

/* CS WAIT: Wait mask 16:8 (scoreboard slots), Progress increment 32:1
 * panthor: "WAIT(all)" = (3ull << 56) | (waitall_mask << 16) */
uint64_t cs_wait(unsigned int sb_mask, bool progress_inc)
{
	return op(CS_OP_WAIT) | field(sb_mask, 16, 8) | field(progress_inc, 32, 1);
}

/* CS ADD_IMM32: Immediate 0:32 (signed), Source 40:8, Destination 48:8 */
uint64_t cs_add_imm32(unsigned int dst, unsigned int src, int32_t imm)
{
	return op(CS_OP_ADD_IMM32) | field(dst, 48, 8) | field(src, 40, 8) |
	       field((uint32_t)imm, 0, 32);
}

/* CS ADD_IMM64: same layout, on 64-bit register pairs */
uint64_t cs_add_imm64(unsigned int dst, unsigned int src, int32_t imm)
{
	return op(CS_OP_ADD_IMM64) | field(dst, 48, 8) | field(src, 40, 8) |
	       field((uint32_t)imm, 0, 32);
}

/*
 * CS LOAD_MULTIPLE / STORE_MULTIPLE: Offset 0:16 (signed, bytes), Mask 16:16
 * (bit i: register base+i <-> the 32-bit word at address+offset+4*i),
 * Address 40:8 (64-bit pair), Base register 48:8. Asynchronous: they signal
 * the "other" scoreboard entry of SET_SB_ENTRY; a WAIT on that slot is
 * needed before using loaded registers or overwriting stored ones (Mesa
 * cs_builder.h, cs_load_store_tracker).
 */
uint64_t cs_load_multiple(unsigned int base, unsigned int addr, uint16_t mask,
			  int16_t offset)
{
	return op(CS_OP_LOAD_MULTIPLE) | field(base, 48, 8) | field(addr, 40, 8) |
	       field(mask, 16, 16) | field((uint16_t)offset, 0, 16);
}

uint64_t cs_store_multiple(unsigned int base, unsigned int addr, uint16_t mask,
			   int16_t offset)
{
	return op(CS_OP_STORE_MULTIPLE) | field(base, 48, 8) | field(addr, 40, 8) |
	       field(mask, 16, 16) | field((uint16_t)offset, 0, 16);
}

/* CS BRANCH: Offset 0:16 (signed, instructions after the next one),
 * Condition 28:3, Value 40:8 (the 32-bit register compared with zero) */
uint64_t cs_branch(int16_t offset, enum cs_cond cond, unsigned int value)
{
	return op(CS_OP_BRANCH) | field(value, 40, 8) | field(cond, 28, 3) |
	       field((uint16_t)offset, 0, 16);
}

/* CS SET_SB_ENTRY: Endpoint entry 0:4, Other entry 4:4 */
uint64_t cs_set_sb_entry(unsigned int endpoint, unsigned int other)
{
	return op(CS_OP_SET_SB_ENTRY) | field(endpoint, 0, 4) | field(other, 4, 4);
}

/* CS CALL: Length 32:8 (32-bit register, bytes), Address 40:8 (pair)
 * panthor: "CALL rX:rX+1, rX+2" = (32ull << 56) | (addr_reg << 40) | (val_reg << 32) */
uint64_t cs_call(unsigned int addr, unsigned int length)
{
	return op(CS_OP_CALL) | field(addr, 40, 8) | field(length, 32, 8);
}

/*
 * CS FLUSH_CACHE2: L2 flush mode 0:4, LSC flush mode 4:4, Other flush mode
 * 8:4, Wait mask 16:16, Latest Flush ID 40:8 (register; 0 = flush
 * unconditionally), Signal slot 48:4. Always asynchronous.
 * panthor: "FLUSH_CACHE2.clean_inv_all.no_wait.signal(0) rX+2" =
 * (36ull << 56) | (0ull << 48) | (val_reg << 40) | (0 << 16) | 0x233
 */
uint64_t cs_flush_cache2(enum cs_flush_mode l2, enum cs_flush_mode lsc,
			 enum cs_other_flush_mode other, uint16_t wait_mask,
			 unsigned int flush_id, unsigned int signal_slot)
{
	return op(CS_OP_FLUSH_CACHE2) | field(signal_slot, 48, 4) |
	       field(flush_id, 40, 8) | field(wait_mask, 16, 16) |
	       field(other, 8, 4) | field(lsc, 4, 4) | field(l2, 0, 4);
}

/* CS STORE_STATE: Offset 0:16, Wait mask 16:16, State 32:2 (0 timestamp,
 * 1 cycle count), Address 40:8, Signal slot 48:4
 * panthor: "STORE_STATE cycles" = (40ull << 56) | (cycle_reg << 40) | (1ll << 32) */
uint64_t cs_store_state(unsigned int addr, int16_t offset, unsigned int state,
			uint16_t wait_mask, unsigned int signal_slot)
{
	return op(CS_OP_STORE_STATE) | field(signal_slot, 48, 4) |
	       field(addr, 40, 8) | field(state, 32, 2) |
	       field(wait_mask, 16, 16) | field((uint16_t)offset, 0, 16);
}

/* CS ERROR_BARRIER: opcode only. panthor: (47ull << 56) */
uint64_t cs_error_barrier(void)
{
	return op(CS_OP_ERROR_BARRIER);
}

/*
 * CS SYNC_ADD64 / SYNC_SET64: Error propagate 0:1, Scope 1:2, Wait mask
 * 16:16, Data 32:8 (64-bit pair), Address 40:8 (pair), Signal slot 48:4.
 * panthor: "SYNC_ADD64.system_scope.propage_err.nowait rX:rX+1, rX+2" =
 * (51ull << 56) | (0ull << 48) | (addr_reg << 40) | (val_reg << 32) | (0 << 16) | 1
 */
static uint64_t sync64(enum cs_opcode o, bool err, enum cs_sync_scope scope,
		       uint16_t wait_mask, unsigned int data, unsigned int addr,
		       unsigned int signal_slot)
{
	return op(o) | field(signal_slot, 48, 4) | field(addr, 40, 8) |
	       field(data, 32, 8) | field(wait_mask, 16, 16) |
	       field(scope, 1, 2) | field(err, 0, 1);
}

uint64_t cs_sync_add64(bool err_propagate, enum cs_sync_scope scope,
		       uint16_t wait_mask, unsigned int data, unsigned int addr,
		       unsigned int signal_slot)
{
	return sync64(CS_OP_SYNC_ADD64, err_propagate, scope, wait_mask, data,
		      addr, signal_slot);
}

uint64_t cs_sync_set64(bool err_propagate, enum cs_sync_scope scope,
		       uint16_t wait_mask, unsigned int data, unsigned int addr,
		       unsigned int signal_slot)
{
	return sync64(CS_OP_SYNC_SET64, err_propagate, scope, wait_mask, data,
		      addr, signal_slot);
}

/* CS SYNC_WAIT64: Error reject 0:1, Condition 28:4, Data 32:8 (pair),
 * Address 40:8 (pair). Blocks until *(u64 *)addr <cond> data (Mesa allows
 * LEQUAL and GREATER: cs_sync64_wait()). */
uint64_t cs_sync_wait64(bool err_reject, enum cs_cond cond, unsigned int data,
			unsigned int addr)
{
	return op(CS_OP_SYNC_WAIT64) | field(addr, 40, 8) | field(data, 32, 8) |
	       field(cond, 28, 4) | field(err_reject, 0, 1);
}

void cs_emit(struct cs_buf *b, uint64_t ins)
{
	if (b->n == b->cap) {
		unsigned int cap = b->cap ? 2 * b->cap : 64;
		uint64_t *p = realloc(b->ins, cap * sizeof(*p));

		if (!p) {
			b->overflow = true;
			return;
		}
		b->ins = p;
		b->cap = cap;
	}
	b->ins[b->n++] = ins;
}

void cs_branch_back(struct cs_buf *b, unsigned int target, enum cs_cond cond,
		    unsigned int value)
{
	int offset = (int)target - (int)b->n - 1;

	if (offset < INT16_MIN) {
		b->overflow = true;
		return;
	}
	cs_emit(b, cs_branch((int16_t)offset, cond, value));
}
