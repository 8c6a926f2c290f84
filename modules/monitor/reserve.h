/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reserve: a background worker that keeps a number of free blocks of
 * one order ready by emptying the cheapest emptiable blocks (reserve.c).
 */
#ifndef _BM_RESERVE_H
#define _BM_RESERVE_H

#include <linux/types.h>

#include "uapi/buddyctl.h"

/* u64 counters only: summed member by member (bm_u64s_add()). */
struct bm_res_counts {
	u64 rounds;
	u64 blocks;
	u64 pages_moved;
	u64 attempts;
	u64 failures;
	u64 time_ns;
	u64 paused[BUDDY_RESERVE_NR_PAUSES];
};

/* What GET_TUNER_STATS reports: the counters and the state now. */
struct bm_res_state {
	struct bm_res_counts c;
	u32 order;
	u64 target;
	u64 free;
};

/* 0 when the reserve can run on this kernel; else why not, in @why. */
int bm_res_available(const char **why);
/*
 * 0 when @blocks of @order fit in half of the free memory now; -ENOMEM
 * and why not, in @why, otherwise.
 */
int bm_res_check_size(unsigned int order, unsigned int blocks,
		      const char **why);
/*
 * Apply a configuration; @blocks 0 stops the worker and waits for a round
 * in progress. Sleeps. Callers serialize (the config mutex).
 */
void bm_res_configure(unsigned int order, unsigned int blocks,
		      unsigned int budget_ms);
void bm_res_read(struct bm_res_state *s);
void bm_res_reset(void);
/* Stops the worker for good; before the evacuator goes (unload). */
void bm_res_exit(void);

#endif /* _BM_RESERVE_H */
