// SPDX-License-Identifier: GPL-2.0
/*
 * Background trigger (off by default).
 *
 * Every bg_interval_ms a delayed work measures, per node, the unusable
 * free space index of the target order (bg_order, default 10). When it is
 * over the tuner's threshold (same rule as tuner.c) at two consecutive
 * checks, the node's kcompactd is woken for that order, so that the next
 * large request finds a free block instead of compacting itself. Two
 * checks, not one, so a burst that is freed again at once does not start
 * compaction.
 *
 * How: wakeup_kcompactd(pgdat, order, highest_zoneidx), the kernel's own
 * entry point (kswapd calls it the same way). It records the order as the
 * node's kcompactd_max_order and wakes the thread if it sleeps and
 * compaction is suitable for some zone; kcompactd then compacts every zone
 * of the node towards that order at MIGRATE_SYNC_LIGHT, honouring
 * deferral, and goes back to sleep. That is cheaper and better behaved
 * than compacting here (compact_node() is not exported and would block
 * this worker for the whole node). wakeup_kcompactd is not exported: its
 * address is looked up through compat/kprobes.h the first time the trigger
 * is switched on, not at load, so a kernel where it cannot be called
 * refuses only this feature. That is a kernel with indirect branch
 * tracking, which seals wakeup_kcompactd (the kernel never takes its
 * address): an indirect call to it would fault, so the call is refused.
 *
 * Rate limit: at most one trigger per node per BM_BG_MIN_GAP_MS, and never
 * more often than every other check. A suppressed trigger is counted.
 * Achievement: the node's free target-order blocks are noted at each
 * trigger; at the next check the increase, if any, is added to
 * blocks_gained.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "compat/kprobes.h"
#include "compat/symbols.h"
#include "compat/mm.h"
#include "monitor/background.h"
#include "monitor/events.h"
#include "monitor/frag.h"
#include "monitor/tuner.h"

#define BM_BG_MIN_GAP_MS	2000

struct bm_bg_node {
	unsigned int over;		/* consecutive checks over threshold */
	unsigned long last_trigger;	/* jiffies */
	bool pending;			/* triggered, measure gain next check */
	u64 blocks_before;
};

static void (*bm_wakeup_kcompactd)(pg_data_t *pgdat, int order,
				   int highest_zoneidx);

static DEFINE_SPINLOCK(bm_bg_lock);	/* counters */
static struct bm_bg_counts bm_bg_cnt;
static struct bm_bg_node *bm_bg_nodes;	/* [MAX_NUMNODES], work only */
static int bm_bg_last_order = -1;	/* order bm_bg_nodes is about */

static struct delayed_work bm_bg_work;
static bool bm_bg_enabled;
static unsigned int bm_bg_order = BUDDY_ORDER_MAX;
static unsigned int bm_bg_interval_ms = 1000;

static void bm_bg_check_node(int nid, pg_data_t *pgdat, unsigned int order,
			     unsigned int threshold, unsigned int *unusable_pct)
{
	struct bm_bg_node *n = &bm_bg_nodes[nid];
	unsigned int permille = bm_unusable_permille_node(pgdat, order);
	u64 blocks = bm_frag_node_free_blocks(pgdat, order);
	unsigned long gap = msecs_to_jiffies(BM_BG_MIN_GAP_MS);
	u64 gained = 0;
	bool fire = false, limited = false;

	*unusable_pct = max(*unusable_pct, permille / 10);
	if (n->pending) {
		if (blocks > n->blocks_before)
			gained = blocks - n->blocks_before;
		n->pending = false;
	}
	if (bm_tuner_over(permille, threshold))
		n->over++;
	else
		n->over = 0;
	if (n->over >= 2) {
		if (n->last_trigger &&
		    time_before(jiffies, n->last_trigger + gap)) {
			limited = true;
		} else {
			fire = true;
			n->last_trigger = jiffies;
			n->pending = true;
			n->blocks_before = blocks;
			n->over = 0;
		}
	}
	if (fire)
		bm_wakeup_kcompactd(pgdat, order, pgdat->nr_zones - 1);

	spin_lock(&bm_bg_lock);
	bm_bg_cnt.blocks_gained += gained;
	bm_bg_cnt.triggers += fire;
	bm_bg_cnt.ratelimited += limited;
	spin_unlock(&bm_bg_lock);

	if (fire && bm_events_wanted()) {
		struct bm_event ev = {
			.type = BUDDY_EV_BACKGROUND,
			.fields = BM_EVF_ORDER | BM_EVF_FRAG,
			.order = order,
			.unusable_pct = permille / 10,
		};

		bm_event_emit(&ev);
	}
}

static void bm_bg_work_fn(struct work_struct *w)
{
	unsigned int order = READ_ONCE(bm_bg_order);
	unsigned int threshold = bm_tuner_get().threshold;
	unsigned int unusable_pct = 0;
	pg_data_t *pgdat;
	int nid;

	/* Per-node state belongs to one target order. */
	if ((int)order != bm_bg_last_order) {
		memset(bm_bg_nodes, 0, MAX_NUMNODES * sizeof(*bm_bg_nodes));
		bm_bg_last_order = order;
	}
	for_each_online_node(nid) {
		pgdat = NODE_DATA(nid);
		if (pgdat)
			bm_bg_check_node(nid, pgdat, order, threshold, &unusable_pct);
	}

	spin_lock(&bm_bg_lock);
	bm_bg_cnt.checks++;
	bm_bg_cnt.last_unusable_pct = unusable_pct;
	spin_unlock(&bm_bg_lock);

	if (READ_ONCE(bm_bg_enabled))
		queue_delayed_work(system_unbound_wq, &bm_bg_work,
				   msecs_to_jiffies(READ_ONCE(bm_bg_interval_ms)));
}

/* Callers serialize (the config mutex). */
void bm_bg_configure(bool enabled, unsigned int order,
		     unsigned int interval_ms)
{
	bool was = READ_ONCE(bm_bg_enabled);

	WRITE_ONCE(bm_bg_order, order);
	WRITE_ONCE(bm_bg_interval_ms, interval_ms);
	WRITE_ONCE(bm_bg_enabled, enabled);
	if (enabled && !was) {
		queue_delayed_work(system_unbound_wq, &bm_bg_work,
				   msecs_to_jiffies(interval_ms));
	} else if (!enabled && was) {
		cancel_delayed_work_sync(&bm_bg_work);
		bm_bg_last_order = -1;	/* forget per-node state */
	} else if (enabled) {
		/* New interval: apply it now rather than after the old one. */
		mod_delayed_work(system_unbound_wq, &bm_bg_work,
				 msecs_to_jiffies(interval_ms));
	}
}

void bm_bg_read(struct bm_bg_counts *c)
{
	spin_lock(&bm_bg_lock);
	*c = bm_bg_cnt;
	spin_unlock(&bm_bg_lock);
}

void bm_bg_reset(void)
{
	spin_lock(&bm_bg_lock);
	memset(&bm_bg_cnt, 0, sizeof(bm_bg_cnt));
	spin_unlock(&bm_bg_lock);
}

/* Callers serialize (the config mutex). */
int bm_bg_available(const char **why)
{
	unsigned long addr;
	int ret;

	if (bm_wakeup_kcompactd)
		return 0;
	ret = bm_lookup_function(BM_SYM_WAKEUP_KCOMPACTD, &addr);
	if (ret) {
		pr_err("background: cannot find %s on this kernel: error %d\n",
		       BM_SYM_WAKEUP_KCOMPACTD, ret);
		*why = "background: wakeup_kcompactd not found on this kernel";
		return ret;
	}
	if (!bm_indirect_callable(addr)) {
		pr_err("background: %s is sealed by indirect branch tracking and cannot be called\n",
		       BM_SYM_WAKEUP_KCOMPACTD);
		*why = "background: indirect branch tracking seals wakeup_kcompactd";
		return -EOPNOTSUPP;
	}
	bm_wakeup_kcompactd = (void (*)(pg_data_t *, int, int))addr;
	return 0;
}

int bm_bg_init(void)
{
	bm_bg_nodes = kcalloc(MAX_NUMNODES, sizeof(*bm_bg_nodes), GFP_KERNEL);
	if (!bm_bg_nodes)
		return -ENOMEM;
	INIT_DELAYED_WORK(&bm_bg_work, bm_bg_work_fn);
	return 0;
}

void bm_bg_exit(void)
{
	WRITE_ONCE(bm_bg_enabled, false);
	cancel_delayed_work_sync(&bm_bg_work);
	kfree(bm_bg_nodes);
	bm_bg_nodes = NULL;
}
