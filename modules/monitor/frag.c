// SPDX-License-Identifier: GPL-2.0
/*
 * Zone fragmentation state.
 *
 * The indices reproduce mm/vmstat.c (v6.1) exactly: fill_contig_page_info()
 * reads free_area[order].nr_free for every order without the zone lock
 * (data_race, as the kernel does), unusable_free_index() and
 * __fragmentation_index() turn that into integers times 1000, and debugfs
 * extfrag/{unusable_index,extfrag_index} print them as %d.%03d. The
 * proactive compaction score reproduces mm/compaction.c:
 * fragmentation_score_zone_weighted() (extfrag_for_order() at
 * COMPACTION_HPAGE_ORDER, scaled by the zone's share of the node's present
 * pages) and fragmentation_score_node() (their sum over the node's zones).
 */
#include <linux/list.h>
#include <linux/math64.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/spinlock.h>
#include <linux/topology.h>
#include <linux/vmstat.h>

#include "compat/mm.h"
#include "monitor/frag.h"
#include "monitor/limit.h"

/* mm/vmstat.c: struct contig_page_info */
struct bm_contig {
	unsigned long free_pages;
	unsigned long free_blocks_total;
	unsigned long free_blocks_suitable;
};

static void bm_read_nr_free(struct zone *zone,
			    unsigned long nr_free[BM_NR_PAGE_ORDERS])
{
	unsigned int o;

	for (o = 0; o < BM_NR_PAGE_ORDERS; o++)
		/* Lockless, diagnostic: as fill_contig_page_info() reads it. */
		nr_free[o] = data_race(zone->free_area[o].nr_free);
}

/*
 * The module's own cost: the longest zone->lock hold (interrupts off), the
 * time of all of them together and the longest memmap scan since load or
 * reset, so that users can see what observing costs. The maxima are
 * updated with cmpxchg: writers are rare (one per lock hold or scan) and
 * never block each other.
 */
static atomic64_t bm_cost_hold_ns = ATOMIC64_INIT(0);
static atomic64_t bm_cost_hold_total_ns = ATOMIC64_INIT(0);
static atomic64_t bm_cost_scan_ns = ATOMIC64_INIT(0);

static void bm_cost_note(atomic64_t *max, u64 ns)
{
	s64 old = atomic64_read(max);

	do {
		if ((u64)old >= ns)
			return;
	} while (!atomic64_try_cmpxchg(max, &old, ns));
}

void bm_frag_cost_read(struct bm_frag_cost *cost)
{
	cost->max_hold_ns = atomic64_read(&bm_cost_hold_ns);
	cost->hold_total_ns = atomic64_read(&bm_cost_hold_total_ns);
	cost->max_scan_ns = atomic64_read(&bm_cost_scan_ns);
}

void bm_frag_cost_note_scan(u64 ns)
{
	bm_cost_note(&bm_cost_scan_ns, ns);
}

void bm_frag_cost_reset(void)
{
	atomic64_set(&bm_cost_hold_ns, 0);
	atomic64_set(&bm_cost_hold_total_ns, 0);
	atomic64_set(&bm_cost_scan_ns, 0);
}

/* mm/vmstat.c: fill_contig_page_info(), on a snapshot of nr_free[] */
static void bm_fill_contig(const unsigned long nr_free[BM_NR_PAGE_ORDERS],
			   unsigned int suitable_order, struct bm_contig *info)
{
	unsigned int order;

	info->free_pages = 0;
	info->free_blocks_total = 0;
	info->free_blocks_suitable = 0;
	for (order = 0; order < BM_NR_PAGE_ORDERS; order++) {
		unsigned long blocks = nr_free[order];

		info->free_blocks_total += blocks;
		info->free_pages += blocks << order;
		if (order >= suitable_order)
			info->free_blocks_suitable += blocks <<
						(order - suitable_order);
	}
}

/* mm/vmstat.c: unusable_free_index() */
static int bm_unusable_free_index(unsigned int order,
				  const struct bm_contig *info)
{
	if (info->free_pages == 0)
		return 1000;
	return div_u64((info->free_pages -
			(info->free_blocks_suitable << order)) * 1000ULL,
		       info->free_pages);
}

/* mm/vmstat.c: __fragmentation_index() */
static int bm_fragmentation_index(unsigned int order,
				  const struct bm_contig *info)
{
	unsigned long requested = 1UL << order;

	if (order >= BM_NR_PAGE_ORDERS)
		return 0;
	if (!info->free_blocks_total)
		return 0;
	if (info->free_blocks_suitable)
		return -1000;
	return 1000 - div_u64((1000 + (div_u64(info->free_pages * 1000ULL,
					       requested))),
			      info->free_blocks_total);
}

/* mm/vmstat.c: extfrag_for_order() */
static unsigned int bm_extfrag_for_order(struct zone *zone, unsigned int order)
{
	unsigned long nr_free[BM_NR_PAGE_ORDERS];
	struct bm_contig info;

	bm_read_nr_free(zone, nr_free);
	bm_fill_contig(nr_free, order, &info);
	if (info.free_pages == 0)
		return 0;
	return div_u64((info.free_pages -
			(info.free_blocks_suitable << order)) * 100,
		       info.free_pages);
}

/* mm/compaction.c: fragmentation_score_zone_weighted() */
static unsigned int bm_score_zone_weighted(struct zone *zone)
{
	unsigned long score;

	score = zone->present_pages *
		bm_extfrag_for_order(zone, BM_COMPACTION_HPAGE_ORDER);
	return div64_ul(score, zone->zone_pgdat->node_present_pages + 1);
}

/* mm/compaction.c: fragmentation_score_node() */
static unsigned int bm_score_node(pg_data_t *pgdat)
{
	unsigned int score = 0;
	int zoneid;

	for (zoneid = 0; zoneid < MAX_NR_ZONES; zoneid++)
		score += bm_score_zone_weighted(&pgdat->node_zones[zoneid]);
	return score;
}

/*
 * A user page (anonymous or page cache) that is off the LRU for a moment:
 * waiting in a per-CPU LRU batch (since 6.11 a folio's LRU flag is cleared
 * while it waits in any of them, not only in the one that adds it) or
 * isolated by a migration or reclaim under way. Compaction and
 * alloc_contig_range() drain those batches before they isolate, so such a
 * page is as movable as one on the LRU. Judging it pinned made the limit
 * swing between reads: on 6.12, after a fill, up to 34 of 164 blocks were
 * held only by such pages, a different 4-34 on every read. Read from
 * page->mapping as folio_mapping() does, minus its checks for tail pages
 * (the caller passes a head, or a page that is not compound); a slab page
 * keeps a pointer where a user page keeps its mapping, so it goes first.
 */
static bool bm_page_user_off_lru(struct page *page)
{
	unsigned long mapping = (unsigned long)READ_ONCE(page->mapping);

	if (!mapping || PageSlab(page))
		return false;
	if (mapping & PAGE_MAPPING_ANON)
		return true;
	return !(mapping & PAGE_MAPPING_FLAGS);
}

/*
 * Can compaction (or alloc_contig_range) empty this order-BM_FEAS_ORDER
 * block? Only if every page is free or movable: a free buddy block (skip
 * by its order), a page with refcount 0 (on a per-CPU list or in transit),
 * or a movable page (LRU, a user page briefly off it, or __PageMovable
 * such as zsmalloc/balloon); compound pages are judged by their head and
 * skipped whole. Anything else
 * pins the block: holes, offline memory, pages of another zone, reserved,
 * slab and other kernel pages, hugetlb pages (free or not: compaction does
 * not dissolve them). Racy by nature, read without locks like the kernel's
 * own compaction scanners; an upper bound (a movable page can still be
 * pinned by GUP). *used counts the pages that emptying the block would
 * have to migrate (what the evacuate policy pays for it).
 */
bool bm_frag_block_recoverable(struct zone *zone, unsigned long start,
			       unsigned int block_order, unsigned long *used)
{
	unsigned long pfn = start, end = start + (1UL << block_order);

	*used = 0;

	while (pfn < end) {
		struct page *page = pfn_to_online_page(pfn), *head;
		unsigned long next;
		unsigned int order;

		if (!page || page_zone(page) != zone)
			return false;
		if (PageBuddy(page)) {
			order = bm_buddy_order_unsafe(page);
			if (order < BM_NR_PAGE_ORDERS &&
			    IS_ALIGNED(pfn, 1UL << order))
				pfn += 1UL << order;
			else
				pfn++;
			continue;
		}
		if (PageCompound(page)) {
			head = compound_head(page);
			if (PageHuge(head))
				return false;
			if (!PageLRU(head) && !bm_page_movable_ops(head) &&
			    !bm_page_user_off_lru(head))
				return false;
			next = page_to_pfn(head) + compound_nr(head);
			next = next > pfn ? next : pfn + 1;
			*used += min(next, end) - pfn;
			pfn = next;
			continue;
		}
		if (!page_count(page)) {
			pfn++;
			continue;
		}
		if (PageLRU(page) || bm_page_movable_ops(page) ||
		    bm_page_user_off_lru(page)) {
			(*used)++;
			pfn++;
			continue;
		}
		return false;
	}
	return true;
}

/* Is the aligned block at @pfn one free buddy block of @order or more? */
static bool bm_block_is_free(unsigned long pfn, unsigned int order)
{
	struct page *page = pfn_to_online_page(pfn);

	return page && PageBuddy(page) &&
	       bm_buddy_order_unsafe(page) >= order;
}

/*
 * Is the aligned block at @pfn one huge page of @order or more (a THP or a
 * hugetlb page in use)? Emptying it would migrate that page whole into
 * another block of the same size: no block gained, and a THP whose copy
 * finds no free huge page is split, which takes a huge page away from the
 * task that faulted it. Racy, like every memmap read here.
 */
static bool bm_block_is_one_huge_page(unsigned long pfn, unsigned int order)
{
	struct page *page = pfn_to_online_page(pfn), *head;

	if (!page || !PageCompound(page))
		return false;
	head = compound_head(page);
	return page_to_pfn(head) == pfn && compound_order(head) >= order;
}

unsigned int bm_frag_cheapest_blocks(struct zone *zone, unsigned int order,
				     bool (*skip)(unsigned long pfn),
				     struct bm_block_cost *out,
				     unsigned int max, unsigned long *cursor,
				     unsigned long budget_pages)
{
	unsigned long nr = 1UL << order;
	unsigned long first = ALIGN(zone->zone_start_pfn, nr);
	unsigned long end = zone_end_pfn(zone);
	unsigned long nblocks = end > first ? (end - first) >> order : 0;
	unsigned long budget = max(budget_pages >> order, 1UL);
	unsigned long b, seen, pfn, used;
	unsigned int n = 0, i;
	u64 t0 = local_clock();

	b = nblocks && *cursor < nblocks ? *cursor : 0;
	for (seen = 0; seen < nblocks; seen++, b = b + 1 < nblocks ? b + 1 : 0) {
		/* Past the budget, stop at the first window that found some. */
		if (seen >= budget && n)
			break;
		pfn = first + (b << order);
		if (bm_block_is_free(pfn, order) ||
		    bm_block_is_one_huge_page(pfn, order) ||
		    (skip && skip(pfn)) ||
		    !bm_frag_block_recoverable(zone, pfn, order, &used))
			goto next;
		/* Keep out[] sorted by cost, at most max entries. */
		if (n == max && used >= out[n - 1].used)
			goto next;
		i = n < max ? n++ : n - 1;
		while (i > 0 && out[i - 1].used > used) {
			out[i] = out[i - 1];
			i--;
		}
		out[i].pfn = pfn;
		out[i].used = used;
next:
		cond_resched();
	}
	*cursor = b;
	bm_cost_note(&bm_cost_scan_ns, local_clock() - t0);
	return n;
}

/*
 * Count at most BUDDY_FREE_WALK_CAP entries of one free list in one
 * zone->lock hold. The list cannot be resumed after the lock is dropped
 * (its entries move and leave while we do not hold it), so the walk stops
 * at the cap instead of continuing in chunks; the caller derives the rest.
 */
static unsigned long bm_count_free_list(struct zone *zone,
					struct list_head *head, bool *capped)
{
	unsigned long flags, n = 0;
	struct list_head *pos;
	u64 t0, held;

	spin_lock_irqsave(&zone->lock, flags);
	t0 = local_clock();
	list_for_each(pos, head) {
		if (++n == BUDDY_FREE_WALK_CAP)
			break;
	}
	held = local_clock() - t0;
	spin_unlock_irqrestore(&zone->lock, flags);
	bm_cost_note(&bm_cost_hold_ns, held);
	atomic64_add(held, &bm_cost_hold_total_ns);
	*capped = n == BUDDY_FREE_WALK_CAP;
	return n;
}

/*
 * Free blocks per order and migratetype. Each list is counted in its own
 * lock hold of at most BUDDY_FREE_WALK_CAP entries, so the time interrupts
 * are off does not grow with memory or list length. A list past the cap
 * gets what nr_free[order] leaves after the lists that were counted whole
 * (at least the cap): exact up to the races between holds when one list of
 * the order is past the cap, split evenly when several are. Such orders
 * are flagged in free_blocks_derived.
 */
static void bm_frag_free_blocks(struct zone *zone, struct bm_zone_frag *f)
{
	unsigned long counted, nr, rest, share;
	unsigned int order, mt, umt, ncapped;
	bool capped[MIGRATE_TYPES];

	memset(f->free_blocks, 0, sizeof(f->free_blocks));
	f->free_blocks_derived = 0;
	for (order = 0; order < BM_ORDERS; order++) {
		counted = 0;
		ncapped = 0;
		for (mt = 0; mt < MIGRATE_TYPES; mt++) {
			struct list_head *head =
				&zone->free_area[order].free_list[mt];

			nr = bm_count_free_list(zone, head, &capped[mt]);
			umt = bm_mt_to_uapi(mt);
			if (capped[mt])
				ncapped++;
			else
				counted += nr;
			if (umt < BM_MTS)
				f->free_blocks[order][umt] += nr;
			cond_resched();
		}
		if (!ncapped)
			continue;
		f->free_blocks_derived |= 1U << order;
		/* Lockless, diagnostic, as in fill_contig_page_info(). */
		nr = data_race(zone->free_area[order].nr_free);
		rest = nr > counted ? nr - counted : 0;
		share = rest / ncapped;
		for (mt = 0; mt < MIGRATE_TYPES; mt++) {
			umt = bm_mt_to_uapi(mt);
			if (!capped[mt] || umt >= BM_MTS)
				continue;
			f->free_blocks[order][umt] +=
				max_t(unsigned long, share, BUDDY_FREE_WALK_CAP) -
				BUDDY_FREE_WALK_CAP;
		}
	}
}

void bm_frag_zone(struct zone *zone, bool full_limit, struct bm_zone_frag *f)
{
	unsigned long nr_free[BM_NR_PAGE_ORDERS];
	struct bm_contig info;
	struct bm_limit limit;
	unsigned int order;

	f->node = zone_to_nid(zone);
	f->zone_idx = zone_idx(zone);
	f->name = zone->name;
	f->managed_pages = zone_managed_pages(zone);
	f->present_pages = zone->present_pages;
	f->free_pages = zone_page_state(zone, NR_FREE_PAGES);
	f->start_pfn = zone->zone_start_pfn;
	f->spanned_pages = zone->spanned_pages;

	bm_read_nr_free(zone, nr_free);
	for (order = 0; order < BM_ORDERS; order++) {
		f->nr_free[order] = nr_free[order];
		bm_fill_contig(nr_free, order, &info);
		f->unusable_index[order] = bm_unusable_free_index(order, &info);
		f->extfrag_index[order] = bm_fragmentation_index(order, &info);
	}
	f->blocks_free = nr_free[BM_FEAS_ORDER];
	f->proactive_score = bm_score_zone_weighted(zone);
	f->node_proactive_score = bm_score_node(zone->zone_pgdat);

	bm_frag_free_blocks(zone, f);
	bm_limit_read(zone, full_limit, &limit);
	f->blocks_total = limit.blocks_total;
	f->blocks_recoverable = limit.blocks_recoverable;
	f->limit_age_ns = limit.age_ns;
	f->limit_scanned_blocks = limit.scanned_blocks;
}

/* Accumulate a zone into (free pages, pages in blocks >= order). */
static void bm_frag_acc(struct zone *zone, unsigned int order,
			u64 *free, u64 *suitable)
{
	unsigned long nr_free[BM_NR_PAGE_ORDERS];
	struct bm_contig info;

	bm_read_nr_free(zone, nr_free);
	bm_fill_contig(nr_free, order, &info);
	*free += info.free_pages;
	*suitable += (u64)info.free_blocks_suitable << order;
}

static unsigned int bm_permille(u64 free, u64 suitable)
{
	if (!free)
		return 1000;
	return div64_u64((free - suitable) * 1000, free);
}

unsigned int bm_unusable_permille_node(pg_data_t *pgdat, unsigned int order)
{
	u64 free = 0, suitable = 0;
	int z;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];

		if (populated_zone(zone))
			bm_frag_acc(zone, order, &free, &suitable);
	}
	return bm_permille(free, suitable);
}

unsigned int bm_unusable_permille_all(unsigned int order)
{
	u64 free = 0, suitable = 0;
	int nid, z;

	/* NODE_DATA() (node_data[] is exported); for_each_online_pgdat is not. */
	for_each_online_node(nid) {
		pg_data_t *pgdat = NODE_DATA(nid);

		for (z = 0; pgdat && z < MAX_NR_ZONES; z++) {
			struct zone *zone = &pgdat->node_zones[z];

			if (populated_zone(zone))
				bm_frag_acc(zone, order, &free, &suitable);
		}
	}
	return bm_permille(free, suitable);
}

/*
 * The zones an allocation with @gfp on this CPU's node may use, as the
 * allocator's zonelist walk sees them (no cpuset/mempolicy nodemask: the
 * request's nodemask is in struct alloc_context, an mm-internal type).
 * Probe context: lockless reads only.
 */
unsigned int bm_unusable_permille_gfp(gfp_t gfp, unsigned int order)
{
	struct zonelist *zl = node_zonelist(numa_node_id(), gfp);
	enum zone_type highest = gfp_zone(gfp);
	u64 free = 0, suitable = 0;
	struct zoneref *z;

	for (z = bm_zonelist_next(zl->_zonerefs, highest); zonelist_zone(z);
	     z = bm_zonelist_next(z + 1, highest))
		bm_frag_acc(zonelist_zone(z), order, &free, &suitable);
	return bm_permille(free, suitable);
}

u64 bm_frag_node_free_blocks(pg_data_t *pgdat, unsigned int order)
{
	u64 n = 0;
	int z;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];

		if (populated_zone(zone))
			/* Lockless, diagnostic, as in fill_contig_page_info(). */
			n += data_race(zone->free_area[order].nr_free);
	}
	return n;
}
