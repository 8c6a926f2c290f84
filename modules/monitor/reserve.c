// SPDX-License-Identifier: GPL-2.0
/*
 * The reserve (off by default): keep a number of free blocks of one order
 * ready, so that large requests find them on the free lists instead of
 * compacting or evacuating while they wait.
 *
 * What is kept. The count is the free blocks of the order in the buddy
 * free lists of every zone, a free block of order + j counting 2^j. The
 * blocks stay there: reserving means keeping blocks free and whole, not
 * taking them away, so any request, an order-0 one included, can still
 * have the memory. The allocator takes from the smallest free block that
 * fits, so a whole block is only split when nothing smaller is left, and
 * then the memory is better used by the request than kept.
 *
 * How. A delayed work item (never the allocating task) runs every
 * BUDDY_RESERVE_PERIOD_MS. When the count is below the target it empties
 * the cheapest emptiable blocks with the evacuator's own step
 * (bm_evac_empty_block(): a bounded memmap scan for the blocks holding the
 * fewest movable pages, alloc_contig_range(), the block freed whole), one
 * block at a time, until the target is reached or a reason to stop comes
 * up. No spinlock is held here: the scans reschedule between blocks and
 * the count reads nr_free locklessly, as /proc/buddyinfo's readers would
 * race anyway. Below the pageblock order whole pageblocks are emptied:
 * alloc_contig_range() isolates whole pageblocks in any case, and a free
 * pageblock is 2^(pageblock_order - order) blocks of the order.
 *
 * Serialisation with the evacuate policy. bm_evac_empty_block() takes the
 * evacuator's mutex without waiting, for one block: a request being
 * served makes the worker stop its round ("busy") and come back next
 * period, and a round never holds the mutex between two blocks, so
 * requests are never kept waiting for more than one block either (they
 * fall back to compaction while it is held, as before). Requests come
 * first: once one has found the mutex taken, the worker starts no block
 * for BM_RES_YIELD_MS ("busy" too). Without that, a reserve larger than
 * the workload left free held the mutex through most THP runs: in 6 of
 * 10, 317 to 508 of the 323 to 518 faults that asked the evacuate policy
 * for a block found it taken, and over all 10 the policy emptied a block
 * for 1 to 15 % of the faults that asked, against 10 to 35 % without a
 * reserve.
 *
 * Budget. The user gives the worker B ms per second. A window of one
 * second accumulates the time of the rounds that ran in it; a round stops
 * before the next block once the window's time reaches B, and starts no
 * block in a window already spent. The time is wall time from the round's
 * start (ktime), an upper bound of the worker's CPU time: waits inside
 * migration count too, so the budget is never exceeded by that. A block
 * in progress is not interrupted, so a round can overrun by one block's
 * emptying; the overrun is carried into the next window, so the long-run
 * average stays within B ms per second.
 *
 * Pauses. Before any block: the system is reclaiming (see
 * bm_res_reclaiming()); the window's budget is spent. Before each block:
 * the free-memory guard of the evacuator (the zone's free pages must stay
 * above its high watermark plus the block after the migration targets
 * are taken); no emptiable block is left; the evacuator is busy. A block
 * that alloc_contig_range() refuses (a page pinned for a moment) ends the
 * round too: the evacuator remembers it and the next round tries another.
 *
 * Stop. Setting 0 blocks, and module unload before the evacuator goes,
 * clear the target (a round checks it before every block) and cancel the
 * work synchronously, which waits for a round in progress; the work only
 * queues itself again while the target is set.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmstat.h>
#include <linux/workqueue.h>

#include "compat/mm.h"
#include "monitor/evacuate.h"
#include "monitor/reserve.h"
#include "monitor/stats.h"

/* How long the worker leaves the evacuator to requests once one waited. */
#define BM_RES_YIELD_MS	1000

static void bm_res_work_fn(struct work_struct *w);
static DECLARE_DELAYED_WORK(bm_res_work, bm_res_work_fn);

/* The configuration: written under the config mutex, read by the work. */
static unsigned int bm_res_order = BUDDY_ORDER_MAX;
static unsigned int bm_res_target;
static unsigned int bm_res_budget_ms = BUDDY_RESERVE_DEFAULT_BUDGET_MS;
static bool bm_res_running;	/* the work is queued or running */

/* The budget window and the reclaim snapshot: the work's own. */
static u64 bm_res_window_start;	/* ktime ns */
static u64 bm_res_window_used;	/* ns spent by rounds in the window */
static bool bm_res_have_scanned;
static unsigned long bm_res_last_scanned;
#ifdef CONFIG_VM_EVENT_COUNTERS
static unsigned long bm_res_events[NR_VM_EVENT_ITEMS];
#endif

static DEFINE_SPINLOCK(bm_res_lock);	/* the counters */
static struct bm_res_counts bm_res_cnt;

/* Free blocks of @order in every zone, one of order + j counting 2^j. */
static u64 bm_res_free_blocks(unsigned int order)
{
	unsigned long nr;
	unsigned int o;
	u64 n = 0;
	int nid, z;

	for_each_online_node(nid) {
		pg_data_t *pgdat = NODE_DATA(nid);

		for (z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &pgdat->node_zones[z];

			if (!populated_zone(zone))
				continue;
			for (o = order; o < BM_NR_PAGE_ORDERS; o++) {
				/* Lockless, as in fill_contig_page_info(). */
				nr = data_race(zone->free_area[o].nr_free);
				n += (u64)nr << (o - order);
			}
		}
	}
	return n;
}

/*
 * Is the system reclaiming? Why these signals: the reserve only prepares
 * for later requests, so it must not compete with the kernel for memory
 * it is short of. A zone under its low watermark is where the allocator
 * wakes kswapd, and the pages a migration would take as targets are pages
 * kswapd then has to reclaim again. The pgscan_kswapd and pgscan_direct
 * counters having advanced since the last period say that reclaim ran
 * lately even when the watermarks have recovered (kswapd stops once the
 * high watermark is met, direct reclaim leaves no state behind); the
 * memory is then needed more than its contiguity. pgsteal follows pgscan
 * and adds nothing. Both are cheap: NR_FREE_PAGES per zone and one sum of
 * the per-CPU event counters per period. Called every period, so "since
 * the last period" holds while the target is met too.
 */
static bool bm_res_reclaiming(void)
{
	bool low = false, scanned = false;
	int nid, z;

	for_each_online_node(nid) {
		pg_data_t *pgdat = NODE_DATA(nid);

		for (z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &pgdat->node_zones[z];

			if (populated_zone(zone) &&
			    zone_page_state(zone, NR_FREE_PAGES) <
			    low_wmark_pages(zone))
				low = true;
		}
	}
#ifdef CONFIG_VM_EVENT_COUNTERS
	{
		unsigned long n;

		all_vm_events(bm_res_events);
		n = bm_res_events[PGSCAN_KSWAPD] + bm_res_events[PGSCAN_DIRECT];
		scanned = bm_res_have_scanned && n != bm_res_last_scanned;
		bm_res_last_scanned = n;
		bm_res_have_scanned = true;
	}
#endif
	return low || scanned;
}

/* A new window every second; an overrun of the last one is carried. */
static void bm_res_window_roll(u64 now, u64 budget_ns)
{
	if (now - bm_res_window_start < NSEC_PER_SEC)
		return;
	bm_res_window_used = bm_res_window_used > budget_ns ?
			     bm_res_window_used - budget_ns : 0;
	bm_res_window_start = now;
}

static void bm_res_account(const struct bm_res_counts *d)
{
	BUILD_BUG_ON(sizeof(*d) % sizeof(u64));
	spin_lock(&bm_res_lock);
	bm_u64s_add(&bm_res_cnt, d, sizeof(*d));
	spin_unlock(&bm_res_lock);
}

/*
 * Empty blocks until the target is met or a reason to stop comes up.
 * Returns the pause (enum buddy_reserve_pause), or -1 for none.
 */
static int bm_res_round(unsigned int order, unsigned int target, u64 t0,
			u64 budget_ns, struct bm_res_counts *d)
{
	/* alloc_contig_range() works in whole pageblocks anyway. */
	unsigned int eorder = max_t(unsigned int, order, pageblock_order);
	struct bm_evac_counts e;
	int nid;

	for_each_online_node(nid) {
		for (;;) {
			/* Switched off, or unloading: stop between blocks. */
			if (!READ_ONCE(bm_res_target))
				return -1;
			if (bm_res_window_used + (ktime_get_ns() - t0) >= budget_ns)
				return BUDDY_RESERVE_PAUSE_BUDGET;
			if (bm_evac_request_refused_within(BM_RES_YIELD_MS))
				return BUDDY_RESERVE_PAUSE_BUSY;
			memset(&e, 0, sizeof(e));
			/* The highest zone first, as a movable request would. */
			bm_evac_empty_block(nid, GFP_HIGHUSER_MOVABLE, eorder, &e);
			d->attempts += e.attempts;
			d->failures += e.failures;
			d->blocks += e.blocks;
			d->pages_moved += e.pages_moved;
			if (e.busy)
				return BUDDY_RESERVE_PAUSE_BUSY;
			if (e.low_memory)
				return BUDDY_RESERVE_PAUSE_LOW_MEMORY;
			if (e.failures)
				return -1;
			if (e.no_candidate)
				break;	/* this node has none: the next one */
			if (bm_res_free_blocks(order) >= target)
				return -1;
			cond_resched();
		}
	}
	return BUDDY_RESERVE_PAUSE_NO_CANDIDATE;
}

static void bm_res_work_fn(struct work_struct *w)
{
	unsigned int order = READ_ONCE(bm_res_order);
	unsigned int target = READ_ONCE(bm_res_target);
	u64 budget_ns = (u64)READ_ONCE(bm_res_budget_ms) * NSEC_PER_MSEC;
	struct bm_res_counts d = {};
	bool reclaiming;
	u64 t0;
	int pause;

	if (!target)
		return;
	reclaiming = bm_res_reclaiming();
	if (bm_res_free_blocks(order) >= target)
		goto requeue;
	t0 = ktime_get_ns();
	bm_res_window_roll(t0, budget_ns);
	d.rounds = 1;
	if (reclaiming)
		pause = BUDDY_RESERVE_PAUSE_RECLAIM;
	else if (bm_res_window_used >= budget_ns)
		pause = BUDDY_RESERVE_PAUSE_BUDGET;
	else
		pause = bm_res_round(order, target, t0, budget_ns, &d);
	d.time_ns = ktime_get_ns() - t0;
	bm_res_window_used += d.time_ns;
	if (pause >= 0)
		d.paused[pause]++;
	bm_res_account(&d);
requeue:
	if (READ_ONCE(bm_res_target))
		queue_delayed_work(system_unbound_wq, &bm_res_work,
				   msecs_to_jiffies(BUDDY_RESERVE_PERIOD_MS));
}

int bm_res_available(const char **why)
{
	if (IS_ENABLED(CONFIG_CONTIG_ALLOC))
		return 0;
	*why = "reserve: this kernel has no alloc_contig_range() (CONFIG_CONTIG_ALLOC)";
	return -EOPNOTSUPP;
}

int bm_res_check_size(unsigned int order, unsigned int blocks,
		      const char **why)
{
	unsigned long free = global_zone_page_state(NR_FREE_PAGES);

	if (((u64)blocks << order) <= free / 2)
		return 0;
	*why = "reserve: blocks << order is more than half of the free memory";
	return -ENOMEM;
}

void bm_res_configure(unsigned int order, unsigned int blocks,
		      unsigned int budget_ms)
{
	WRITE_ONCE(bm_res_order, order);
	WRITE_ONCE(bm_res_budget_ms, budget_ms);
	WRITE_ONCE(bm_res_target, blocks);
	if (blocks && !bm_res_running) {
		/* Not queued and not running: its state is ours to reset. */
		bm_res_window_start = ktime_get_ns();
		bm_res_window_used = 0;
		bm_res_have_scanned = false;
		bm_res_running = true;
		queue_delayed_work(system_unbound_wq, &bm_res_work, 0);
	} else if (!blocks && bm_res_running) {
		cancel_delayed_work_sync(&bm_res_work);
		bm_res_running = false;
	}
}

void bm_res_read(struct bm_res_state *s)
{
	spin_lock(&bm_res_lock);
	s->c = bm_res_cnt;
	spin_unlock(&bm_res_lock);
	s->order = READ_ONCE(bm_res_order);
	s->target = READ_ONCE(bm_res_target);
	s->free = bm_res_free_blocks(s->order);
}

void bm_res_reset(void)
{
	spin_lock(&bm_res_lock);
	memset(&bm_res_cnt, 0, sizeof(bm_res_cnt));
	spin_unlock(&bm_res_lock);
}

void bm_res_exit(void)
{
	WRITE_ONCE(bm_res_target, 0);
	cancel_delayed_work_sync(&bm_res_work);
	bm_res_running = false;
}
