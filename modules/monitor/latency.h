/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-order allocation latency histograms (optional, off by default).
 */
#ifndef _BM_LATENCY_H
#define _BM_LATENCY_H

#include <linux/jump_label.h>
#include <linux/types.h>

#include "monitor/stats.h"

/* Index 0: fast path only; 1: the request entered the slow path. */
#define BM_LAT_FAST	0
#define BM_LAT_SLOW	1

struct bm_lat_counts {
	u64 hist[BM_ORDERS][2][BUDDY_LAT_BUCKETS];
	u64 sum_ns[BM_ORDERS][2];
};

struct bm_lat_totals {
	struct bm_lat_counts c;
	u64 max_ns[BM_ORDERS][2];
	u64 missed;
	u64 capture_ns;	/* the consumer was on, since the last reset */
};

int bm_lat_init(void);
void bm_lat_exit(void);

/* Switch capture on or off. Sleeps; returns 0 or -errno (state unchanged). */
int bm_lat_set(bool on);
/*
 * The same, with the duty (BUDDY_LAT_DUTY_MIN_PCT..MAX_PCT, already
 * validated): a change while on starts a new period. Sleeps.
 */
int bm_lat_configure(bool on, unsigned int duty);
bool bm_lat_enabled(void);

/* Sleeps. */
void bm_lat_read(struct bm_lat_totals *t);
/* Called by bm_stats_reset() under its mutex. */
void bm_lat_reset(void);

/*
 * What the slow path carries across its sleeps: the start time of the
 * request in flight at each context level of the current task on this
 * CPU, where one was recorded (bit n of @valid for level n).
 */
struct bm_lat_carry {
	u64 t0[BM_NR_LEVELS];
	u8 valid;
};

/*
 * From the __alloc_pages_slowpath() kretprobe: at entry (any context, an
 * int3 handler included) save the current task's slots; at return (at
 * @level, preemption disabled) put the one of @level back on the now
 * current CPU, marked slow.
 */
void bm_lat_slow_enter(struct bm_lat_carry *c);
void bm_lat_slow_return(const struct bm_lat_carry *c, unsigned int level);

/*
 * From the mm_page_alloc probe (preemption disabled): the request of
 * @order completes now. Does nothing unless capture is on.
 */
void __bm_lat_complete(unsigned int order);
DECLARE_STATIC_KEY_FALSE(bm_lat_key);

static inline void bm_lat_complete(unsigned int order)
{
	if (static_branch_unlikely(&bm_lat_key))
		__bm_lat_complete(order);
}

#endif /* _BM_LATENCY_H */
