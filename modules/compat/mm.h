/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat/mm.h: allocator details the monitor needs that are internal to
 * mm/ (Debian's headers packages do not ship mm/internal.h), unexported,
 * or shaped differently across kernels; and the maps from kernel enums to
 * the stable uapi enums.
 */
#ifndef _BUDDYCTL_COMPAT_MM_H
#define _BUDDYCTL_COMPAT_MM_H

/* <linux/mm.h> first: compaction.h and hugetlb.h rely on its types. */
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/compaction.h>
#include <linux/gfp.h>
#include <linux/hugetlb.h>
#include <linux/page-flags.h>
#include <linux/pageblock-flags.h>

#include "uapi/buddyctl.h"

/*
 * Number of buddy orders. Up to 6.3 MAX_ORDER was exclusive (11 on
 * x86-64) and MAX_ORDER_NR_PAGES was 1 << (MAX_ORDER - 1); 6.4 made
 * MAX_ORDER inclusive (MAX_ORDER_NR_PAGES = 1 << MAX_ORDER); 6.8 renamed
 * it MAX_PAGE_ORDER and added NR_PAGE_ORDERS. Feature tests, in that order.
 */
#if defined(NR_PAGE_ORDERS)
#define BM_NR_PAGE_ORDERS NR_PAGE_ORDERS
#elif MAX_ORDER_NR_PAGES == (1 << MAX_ORDER)
#define BM_NR_PAGE_ORDERS (MAX_ORDER + 1)
#else
#define BM_NR_PAGE_ORDERS MAX_ORDER
#endif

/* The uapi tracks orders 0..BUDDY_NR_ORDERS-1; larger ones are ignored. */
#define BM_NR_ORDERS min_t(unsigned int, BM_NR_PAGE_ORDERS, BUDDY_NR_ORDERS)

/* mm/compaction.c: the order proactive compaction scores. */
#if defined(CONFIG_TRANSPARENT_HUGEPAGE)
#define BM_COMPACTION_HPAGE_ORDER HPAGE_PMD_ORDER
#elif defined(CONFIG_HUGETLBFS)
#define BM_COMPACTION_HPAGE_ORDER HUGETLB_PAGE_ORDER
#else
#define BM_COMPACTION_HPAGE_ORDER (PMD_SHIFT - PAGE_SHIFT)
#endif

/*
 * mm/internal.h: the order of a free buddy block, read without the zone
 * lock. The caller must check the result (< BM_NR_PAGE_ORDERS) because the
 * page can leave the buddy allocator at any time.
 */
static inline unsigned int bm_buddy_order_unsafe(struct page *page)
{
	return READ_ONCE(page_private(page));
}

/* Kernel migratetype -> enum buddy_migratetype; BUDDY_NR_MIGRATETYPES if none. */
static inline unsigned int bm_mt_to_uapi(int mt)
{
	switch (mt) {
	case MIGRATE_UNMOVABLE:
		return BUDDY_MT_UNMOVABLE;
	case MIGRATE_MOVABLE:
		return BUDDY_MT_MOVABLE;
	case MIGRATE_RECLAIMABLE:
		return BUDDY_MT_RECLAIMABLE;
	case MIGRATE_HIGHATOMIC:
		return BUDDY_MT_HIGHATOMIC;
#ifdef CONFIG_CMA
	case MIGRATE_CMA:
		return BUDDY_MT_CMA;
#endif
#ifdef CONFIG_MEMORY_ISOLATION
	case MIGRATE_ISOLATE:
		return BUDDY_MT_ISOLATE;
#endif
	default:
		return BUDDY_NR_MIGRATETYPES;
	}
}

/* enum compact_priority -> enum buddy_compact_prio; BUDDY_NR_PRIOS if none. */
static inline unsigned int bm_prio_to_uapi(int prio)
{
	switch (prio) {
	case COMPACT_PRIO_SYNC_FULL:
		return BUDDY_PRIO_SYNC_FULL;
	case COMPACT_PRIO_SYNC_LIGHT:
		return BUDDY_PRIO_SYNC_LIGHT;
	case COMPACT_PRIO_ASYNC:
		return BUDDY_PRIO_ASYNC;
	default:
		return BUDDY_NR_PRIOS;
	}
}

/* enum compact_result -> enum buddy_compact_result; BUDDY_NR_COMPACT_RESULTS if none. */
static inline unsigned int bm_result_to_uapi(int result)
{
	switch (result) {
	case COMPACT_NOT_SUITABLE_ZONE:
		return BUDDY_COMPACT_NOT_SUITABLE_ZONE;
	case COMPACT_SKIPPED:
		return BUDDY_COMPACT_SKIPPED;
	case COMPACT_DEFERRED:
		return BUDDY_COMPACT_DEFERRED;
	case COMPACT_NO_SUITABLE_PAGE:
		return BUDDY_COMPACT_NO_SUITABLE_PAGE;
	case COMPACT_CONTINUE:
		return BUDDY_COMPACT_CONTINUE;
	case COMPACT_COMPLETE:
		return BUDDY_COMPACT_COMPLETE;
	case COMPACT_PARTIAL_SKIPPED:
		return BUDDY_COMPACT_PARTIAL_SKIPPED;
	case COMPACT_CONTENDED:
		return BUDDY_COMPACT_CONTENDED;
	case COMPACT_SUCCESS:
		return BUDDY_COMPACT_SUCCESS;
	default:
		return BUDDY_NR_COMPACT_RESULTS;
	}
}

/*
 * The zones of a zonelist up to @highest_zoneidx, as for_each_zone_zonelist()
 * walks them without a nodemask. That macro calls __next_zones_zonelist(),
 * which is not exported; without a nodemask it only skips entries above
 * highest_zoneidx, which this does inline. Use:
 *	for (z = bm_zonelist_next(zl->_zonerefs, hi); zonelist_zone(z);
 *	     z = bm_zonelist_next(z + 1, hi))
 */
static inline struct zoneref *bm_zonelist_next(struct zoneref *z,
					       enum zone_type highest_zoneidx)
{
	while (zonelist_zone(z) && zonelist_zone_idx(z) > highest_zoneidx)
		z++;
	return z;
}

/*
 * Empty [start, end) of movable pages and take it, as CMA does. 6.17
 * replaced the migratetype argument with acr_flags_t (ACR_FLAGS_NONE for
 * a request that is not CMA's, which is a macro: the feature test).
 */
#ifdef CONFIG_CONTIG_ALLOC
static inline int bm_alloc_contig_range(unsigned long start, unsigned long end,
					gfp_t gfp)
{
#ifdef ACR_FLAGS_NONE
	return alloc_contig_range(start, end, ACR_FLAGS_NONE, gfp);
#else
	return alloc_contig_range(start, end, MIGRATE_MOVABLE, gfp);
#endif
}
#endif

/* Movable non-LRU pages (zsmalloc, balloon, z3fold): kernel name varies. */
static inline bool bm_page_movable_ops(struct page *page)
{
	return __PageMovable(page);
}

#endif /* _BUDDYCTL_COMPAT_MM_H */
