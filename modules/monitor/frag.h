/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Zone fragmentation state, computed on demand exactly as the kernel's
 * debugfs extfrag/ files and proactive compaction compute it.
 */
#ifndef _BM_FRAG_H
#define _BM_FRAG_H

#include <linux/gfp.h>
#include <linux/mmzone.h>
#include <linux/types.h>

#include "monitor/stats.h"

/* The 4 MiB feasibility figures are about blocks of this order. */
#define BM_FEAS_ORDER	(BUDDY_NR_ORDERS - 1)

struct bm_zone_frag {
	u32 node;
	u32 zone_idx;
	const char *name;
	u64 managed_pages;
	u64 present_pages;
	u64 free_pages;
	u64 start_pfn;
	u64 spanned_pages;
	u64 free_blocks[BM_ORDERS][BM_MTS];
	u32 free_blocks_derived;	/* orders past BUDDY_FREE_WALK_CAP */
	u64 nr_free[BM_ORDERS];
	s32 unusable_index[BM_ORDERS];	/* x1000 */
	s32 extfrag_index[BM_ORDERS];	/* x1000, -1000: would succeed */
	u32 proactive_score;		/* this zone's weighted share */
	u32 node_proactive_score;
	u64 blocks_total;
	u64 blocks_free;
	u64 blocks_recoverable;
	u64 limit_age_ns;		/* see monitor/limit.h */
	u64 limit_scanned_blocks;
};

/*
 * Full state of one populated zone: walks free lists, and the memmap for
 * the physical limit (all of it with @full_limit, else the next slice, see
 * monitor/limit.h). Sleeps.
 */
void bm_frag_zone(struct zone *zone, bool full_limit, struct bm_zone_frag *f);

/*
 * Can compaction (or alloc_contig_range) empty the aligned block of
 * 1 << @block_order pages at @start? *used: the pages in use that emptying
 * it would migrate. Racy memmap reads; see frag.c.
 */
bool bm_frag_block_recoverable(struct zone *zone, unsigned long start,
			       unsigned int block_order, unsigned long *used);

/*
 * Unusable free space index of @order in permille, over a set of zones:
 * the share of their free pages in blocks smaller than 1 << @order (1000
 * when nothing is free). Lockless racy reads of nr_free only.
 */
unsigned int bm_unusable_permille_all(unsigned int order);
unsigned int bm_unusable_permille_node(pg_data_t *pgdat, unsigned int order);
unsigned int bm_unusable_permille_gfp(gfp_t gfp, unsigned int order);

/* An emptiable block and how many of its pages are in use. */
struct bm_block_cost {
	unsigned long pfn;
	unsigned long used;
};

/*
 * The @max cheapest blocks of @zone that compaction could empty: aligned
 * blocks of 1 << @order pages holding only free and movable pages, not
 * already one free block, not one huge page of that size or more (moving
 * it gains nothing), not rejected by @skip; sorted by pages in use,
 * fewest first. Scans from block *@cursor on, wrapping around the zone,
 * and stops after @budget_pages pages of blocks once it has found one
 * (else it goes on, at most once around the zone); *@cursor is left where
 * the next scan should start. So on a zone up to @budget_pages these are
 * the zone's cheapest, and on a larger one the cheapest of a window that
 * moves along, with the cost of a scan bounded. Reads the memmap racily,
 * like the kernel's scanners; sleeps. Returns how many were found.
 */
unsigned int bm_frag_cheapest_blocks(struct zone *zone, unsigned int order,
				     bool (*skip)(unsigned long pfn),
				     struct bm_block_cost *out,
				     unsigned int max, unsigned long *cursor,
				     unsigned long budget_pages);

/*
 * What observing cost, in ns, since load or bm_frag_cost_reset(): the
 * longest zone->lock hold (interrupts off) and all of them together, and
 * the longest memmap scan (wall time, reschedule points included).
 */
struct bm_frag_cost {
	u64 max_hold_ns;
	u64 hold_total_ns;
	u64 max_scan_ns;
};

void bm_frag_cost_read(struct bm_frag_cost *cost);
void bm_frag_cost_note_scan(u64 ns);
void bm_frag_cost_reset(void);

/* Free blocks of exactly @order in a node (sum of nr_free). */
u64 bm_frag_node_free_blocks(pg_data_t *pgdat, unsigned int order);

#endif /* _BM_FRAG_H */
