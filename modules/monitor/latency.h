/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-order allocation latency histograms (optional, off by default).
 */
#ifndef _BM_LATENCY_H
#define _BM_LATENCY_H

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
};

int bm_lat_init(void);
void bm_lat_exit(void);

/* Switch capture on or off. Sleeps; returns 0 or -errno (state unchanged). */
int bm_lat_set(bool on);
bool bm_lat_enabled(void);

/* Sleeps. */
void bm_lat_read(struct bm_lat_totals *t);
/* Called by bm_stats_reset() under its mutex. */
void bm_lat_reset(void);

/* From the slow-path return probe: the current request took the slow path. */
void bm_lat_mark_slow(unsigned int level);

#endif /* _BM_LATENCY_H */
