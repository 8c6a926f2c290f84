/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The physical limit of 4 MiB blocks (how many order-BM_FEAS_ORDER blocks
 * compaction could empty), kept per zone and refreshed in bounded slices.
 */
#ifndef _BM_LIMIT_H
#define _BM_LIMIT_H

#include <linux/mmzone.h>
#include <linux/types.h>

struct bm_limit {
	u64 blocks_total;
	u64 blocks_recoverable;
	u64 age_ns;		/* since the oldest block in the figure was read */
	u64 scanned_blocks;	/* blocks this read scanned */
};

/* Blocks scanned per read at most (limit_slice_blocks), set at load. */
int bm_limit_init(unsigned int slice_blocks);
void bm_limit_exit(void);

/*
 * The limit of @zone. The first read of a zone (and every read with @full)
 * scans all its blocks; later reads scan the next slice of at most the
 * slice size and reuse the rest from earlier reads. Sleeps.
 */
void bm_limit_read(struct zone *zone, bool full, struct bm_limit *out);

#endif /* _BM_LIMIT_H */
