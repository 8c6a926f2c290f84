// SPDX-License-Identifier: GPL-2.0
/*
 * The evacuate policy: for a large request, empty the cheapest block that
 * can be emptied, instead of hoping that direct compaction lands on one.
 *
 * Why. Direct compaction runs a migrate scanner up from the bottom of the
 * zone and a free scanner down from the top and stops where they meet.
 * Pages move from the low part into free pages of the high part, so only
 * blocks below the meeting point can end up free, and the migrate scanner
 * also empties blocks that can never become free (a block holding one
 * pinned page). On a heap where unmovable pages are scattered through many
 * blocks, that leaves much of the physical limit (monitor/frag.c) out of
 * reach at any priority: the challenge measured 57-72 % of it for every
 * priority policy. alloc_contig_range(), the kernel's own primitive for CMA
 * and gigantic pages, empties one chosen range instead: it isolates the
 * range and migrates each page in it to wherever the allocator finds a
 * free page, including the holes around pinned pages. Choosing the block
 * with the fewest pages in use makes each block as cheap as it can be.
 *
 * Where. It has to run in the allocating task, synchronously: a worker
 * racing the request loses (an asynchronous version was measured: the
 * request's compaction was deferred and failed long before the worker had
 * emptied a block). Every probe context the monitor has is atomic, so this
 * is the one place it redirects a function: an ftrace_ops with IPMODIFY on
 * try_to_compact_pages(), which __alloc_pages_direct_compact() calls once
 * per direct compaction with PF_MEMALLOC set and then takes a page from
 * the free lists unless the result is COMPACT_SKIPPED. The tuner decides
 * at the entry of __alloc_pages_direct_compact() (probes.c, the same rule
 * as adaptive: fragmentation of the order over the threshold); the hook
 * asks probes.c for that decision, so decision and action pair exactly.
 * When it empties a block, the wrapper returns COMPACT_SUCCESS and the
 * caller finds the block on the free list. When a whole scan of the zones
 * the request may use found no block holding only free and movable pages
 * (none refused lately either) and the machine has one node, it returns
 * COMPACT_COMPLETE at once ("not compacted"): compaction moves only
 * movable pages, so it could not free such a block either, and letting it
 * try cost each request beyond the physical limit a scan of the whole
 * zone (0.2 to 1.3 s in a 1 GiB guest under TCG, the tail of the latency
 * once the blocks are free ahead of time). That also skips the kernel's
 * deferral of the order, which only a real compaction sets, so each such
 * request is refused by this module's scan instead (3 ms in that guest; it
 * grows with the zone, as compaction's own scan does). In every other case
 * (memory guard, another evacuation in progress, the block was refused, a
 * node the scan did not cover) the wrapper calls the real
 * try_to_compact_pages() and the kernel compacts as it would have. The
 * real call enters the same ftrace site; the hook recognises it by its
 * return address inside this module and lets it through. The compaction
 * tracepoint only fires for real compactions, so the monitor's compaction
 * counts stay the kernel's.
 *
 * Kernels with indirect branch tracking (CONFIG_X86_KERNEL_IBT: Debian's
 * 6.12, RHEL 10) seal try_to_compact_pages(), which the kernel only ever
 * calls directly, so calling it through a pointer would fault. Redirecting
 * to the wrapper is still safe (the trampoline returns into it, and its
 * own address is taken here, so it starts with ENDBR), but the fallback
 * cannot call the real function: there a request the wrapper cannot serve
 * ends with COMPACT_COMPLETE, as a compaction that scanned the whole zone
 * in vain would. The allocator then raises the priority and retries at
 * most until the highest one, calling the policy again each time, and
 * gives up: a request beyond the physical limit fails as fast as with
 * compaction. (COMPACT_SKIPPED would send it to reclaim and back without
 * a bound on how often, which was measured: a run asking for more blocks
 * than exist took minutes to fail.) When no block holds only free and
 * movable pages, compaction could not free one either; a block that
 * alloc_contig_range() refused (a page pinned for a moment) is remembered,
 * and the retry tries another. The kernel log says which fallback this
 * kernel gets when the policy is first chosen.
 *
 * Handing the block back whole. alloc_contig_range() leaves 1 << order
 * order-0 pages with a reference each; free_contig_range() would free them
 * one by one onto per-CPU lists, where they do not merge. Instead the tail
 * references are frozen (1 -> 0, failing if anyone else holds a reference,
 * e.g. a speculative page-cache lookup) and the head is freed with its
 * order, the state of a non-compound high-order allocation, so
 * __free_pages() puts one buddy block of that order on the free list.
 * Direct compaction's free scanner does not take free blocks of pageblock
 * order or more, so a concurrent compaction cannot eat it before the
 * caller's freelist attempt.
 *
 * Guard. A block is only emptied while the zone's free pages stay above
 * its high watermark plus the block after the migration targets are
 * taken: the request runs with PF_MEMALLOC, so the targets could otherwise
 * dip into the reserves.
 *
 * Cost. Candidates come from one walk of the zone's memmap (like the
 * monitor's feasibility figures) that keeps the BM_EVAC_BATCH cheapest
 * blocks; later requests use them while they are younger than
 * BM_EVAC_CACHE_MS (alloc_contig_range() rechecks each block anyway).
 *
 * Shared. Choosing and emptying a block (bm_evac_empty_block()) is also
 * what the reserve worker (reserve.c) does ahead of requests; the one
 * evacuator mutex serialises the two, and neither waits for the other.
 *
 * Unload. unregister_ftrace_function() waits for callbacks; a redirected
 * call is counted in bm_evac_inflight by the callback itself, before the
 * redirect, so exit waits for those to return and then for an RCU-tasks
 * grace period, after which no task can still be on the last instructions
 * of the wrapper.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/ftrace.h>
#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
/* After mmzone.h: compaction.h uses pg_data_t without including it. */
#include <linux/compaction.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/page_ref.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/topology.h>

#include "compat/kprobes.h"
#include "compat/mm.h"
#include "compat/symbols.h"
#include "monitor/evacuate.h"
#include "monitor/frag.h"
#include "monitor/probes.h"
#include "monitor/stats.h"

#define BM_EVAC_BATCH		8
#define BM_EVAC_CACHE_MS	1000
#define BM_EVAC_RECENT		16	/* refused blocks remembered */
#define BM_EVAC_RETRY_MS	5000	/* before a refused block is tried again */
/* Pages of candidates one scan reads once it has some: 32 GiB. */
#define BM_EVAC_SCAN_PAGES	((unsigned long)BUDDY_LIMIT_SLICE_BLOCKS << BM_FEAS_ORDER)

struct alloc_context;		/* mm/internal.h; only passed through */

typedef enum compact_result (*bm_ttcp_fn)(gfp_t gfp, unsigned int order,
					  unsigned int alloc_flags,
					  const struct alloc_context *ac,
					  enum compact_priority prio,
					  struct page **capture);
static unsigned long bm_ttcp_addr;
static bm_ttcp_fn bm_real_ttcp;	/* NULL where IBT forbids the call */

static DEFINE_MUTEX(bm_evac_hook_mutex);	/* registration */
static bool bm_evac_hooked;
static atomic_t bm_evac_inflight = ATOMIC_INIT(0);

static DEFINE_MUTEX(bm_evac_mutex);	/* one evacuation at a time, all below */
static struct bm_block_cost bm_evac_cand[BM_EVAC_BATCH];
static unsigned int bm_evac_ncand, bm_evac_next;
static struct zone *bm_evac_cand_zone;
static unsigned int bm_evac_cand_order;
static unsigned long bm_evac_cand_time;	/* jiffies of the scan */
static unsigned long bm_evac_cursor[MAX_NR_ZONES];	/* where scans resume */
static struct {
	unsigned long pfn;
	unsigned long when;	/* jiffies; 0 = empty slot */
} bm_evac_recent[BM_EVAC_RECENT];
static unsigned int bm_evac_recent_next;

/* When a request last found the mutex taken (jiffies, 0 never). */
static unsigned long bm_evac_refused_at;

static DEFINE_SPINLOCK(bm_evac_lock);	/* the counters */
static struct bm_evac_counts bm_evac_cnt;

static bool bm_evac_scan_skipped;	/* the last scan passed over one */

/* The scan's filter: blocks refused lately are not candidates yet. */
static bool bm_evac_recently_refused(unsigned long pfn)
{
	unsigned long gap = msecs_to_jiffies(BM_EVAC_RETRY_MS);
	unsigned int i;

	for (i = 0; i < BM_EVAC_RECENT; i++)
		if (bm_evac_recent[i].when && bm_evac_recent[i].pfn == pfn &&
		    time_before(jiffies, bm_evac_recent[i].when + gap)) {
			bm_evac_scan_skipped = true;
			return true;
		}
	return false;
}

static void bm_evac_remember_refusal(unsigned long pfn)
{
	bm_evac_recent[bm_evac_recent_next].pfn = pfn;
	bm_evac_recent[bm_evac_recent_next].when = jiffies ?: 1;
	bm_evac_recent_next = (bm_evac_recent_next + 1) % BM_EVAC_RECENT;
}

/*
 * Empty [pfn, pfn + 2^order) and free it as one block. Returns 0, the
 * error of alloc_contig_range(), or -EBUSY if a page of the emptied range
 * was referenced by someone else (then it is freed page by page).
 */
#ifdef CONFIG_CONTIG_ALLOC
static int bm_evac_block(unsigned long pfn, unsigned int order, gfp_t gfp)
{
	unsigned long nr = 1UL << order, i;
	struct page *page;
	int ret;

	/* Migrate under the request's own limits (no FS for GFP_NOFS ...). */
	ret = bm_alloc_contig_range(pfn, pfn + nr,
				    (gfp & GFP_KERNEL) | __GFP_NOWARN);
	if (ret)
		return ret;
	page = pfn_to_page(pfn);
	for (i = 1; i < nr; i++)
		if (!page_ref_freeze(page + i, 1))
			break;
	if (i < nr) {
		while (--i > 0)
			page_ref_unfreeze(page + i, 1);
		free_contig_range(pfn, nr);
		return -EBUSY;
	}
	__free_pages(page, order);
	return 0;
}
#else
/* Never called: bm_evac_enable() refuses the policy on such a kernel. */
static int bm_evac_block(unsigned long pfn, unsigned int order, gfp_t gfp)
{
	return -EOPNOTSUPP;
}
#endif

/* Refill the candidates from the highest allowed zone of @nid that has any. */
static void bm_evac_scan(int nid, gfp_t gfp, unsigned int order,
			 struct bm_evac_counts *d)
{
	pg_data_t *pgdat = NODE_DATA(nid);
	int z;

	d->scans++;
	bm_evac_scan_skipped = false;
	bm_evac_ncand = 0;
	bm_evac_next = 0;
	bm_evac_cand_zone = NULL;
	bm_evac_cand_order = order;
	bm_evac_cand_time = jiffies;
	for (z = min_t(int, gfp_zone(gfp), MAX_NR_ZONES - 1); z >= 0; z--) {
		struct zone *zone = &pgdat->node_zones[z];

		if (!populated_zone(zone))
			continue;
		/* Bounded like a read of the physical limit. */
		bm_evac_ncand = bm_frag_cheapest_blocks(zone, order,
							bm_evac_recently_refused,
							bm_evac_cand,
							BM_EVAC_BATCH,
							&bm_evac_cursor[z],
							BM_EVAC_SCAN_PAGES);
		if (bm_evac_ncand) {
			bm_evac_cand_zone = zone;
			return;
		}
	}
}

static bool bm_evac_cache_fresh(int nid, unsigned int order)
{
	return bm_evac_next < bm_evac_ncand && bm_evac_cand_order == order &&
	       bm_evac_cand_zone && zone_to_nid(bm_evac_cand_zone) == nid &&
	       time_before(jiffies, bm_evac_cand_time +
			   msecs_to_jiffies(BM_EVAC_CACHE_MS));
}

int bm_evac_empty_block(int nid, gfp_t gfp, unsigned int order,
			struct bm_evac_counts *d)
{
	struct bm_block_cost c;
	struct zone *zone;
	int ret;

	/*
	 * Never wait: the request path must not, and the reserve worker has
	 * better to do than queue behind a request (it comes back next
	 * period). Holding the mutex while a candidate is taken from the
	 * shared list and emptied is what keeps two callers from emptying the
	 * same block; a block once freed whole is no candidate any more.
	 */
	if (!mutex_trylock(&bm_evac_mutex)) {
		d->busy++;
		return -EBUSY;
	}
	if (!bm_evac_cache_fresh(nid, order))
		bm_evac_scan(nid, gfp, order, d);
	if (bm_evac_next >= bm_evac_ncand) {
		/*
		 * The cache is only kept while it has candidates, so this
		 * follows a scan that went once around every zone it tried.
		 */
		d->no_candidate++;
		ret = bm_evac_scan_skipped ? -EAGAIN : -ENOENT;
		goto out;
	}
	zone = bm_evac_cand_zone;
	c = bm_evac_cand[bm_evac_next++];
	if (zone_page_state(zone, NR_FREE_PAGES) <
	    c.used + high_wmark_pages(zone) + (1UL << order)) {
		d->low_memory++;
		ret = -ENOMEM;
		goto out;
	}
	d->attempts++;
	ret = bm_evac_block(c.pfn, order, gfp);
	if (ret) {
		d->failures++;
		bm_evac_remember_refusal(c.pfn);
		goto out;
	}
	d->blocks++;
	d->pages_moved += c.used;
out:
	mutex_unlock(&bm_evac_mutex);
	return ret;
}

/*
 * Try to free one block of @order for this request, on its node: one
 * attempt, and on a refusal the kernel's compaction tries. Caller may
 * sleep.
 */
static int bm_evac_one(gfp_t gfp, unsigned int order,
		       struct bm_evac_counts *d)
{
	int ret;

	d->requests++;
	ret = bm_evac_empty_block(numa_node_id(), gfp, order, d);
	if (d->busy)
		WRITE_ONCE(bm_evac_refused_at, jiffies ?: 1);
	return ret;
}

bool bm_evac_request_refused_within(unsigned int ms)
{
	unsigned long at = READ_ONCE(bm_evac_refused_at);

	return at && time_before(jiffies, at + msecs_to_jiffies(ms));
}

static void bm_evac_account(const struct bm_evac_counts *d)
{
	BUILD_BUG_ON(sizeof(*d) % sizeof(u64));
	spin_lock(&bm_evac_lock);
	bm_u64s_add(&bm_evac_cnt, d, sizeof(*d));
	spin_unlock(&bm_evac_lock);
}

/* Runs instead of try_to_compact_pages() when the tuner asked for it. */
static enum compact_result
bm_evac_try_to_compact_pages(gfp_t gfp, unsigned int order,
			     unsigned int alloc_flags,
			     const struct alloc_context *ac,
			     enum compact_priority prio, struct page **capture)
{
	struct bm_evac_counts d = {};
	enum compact_result r;
	u64 t0 = ktime_get_ns();
	bool compact;
	int ret;

	ret = bm_evac_one(gfp, order, &d);
	compact = ret && bm_real_ttcp &&
		  !(ret == -ENOENT && num_online_nodes() == 1);
	d.not_compacted = ret && !compact;
	d.time_ns = ktime_get_ns() - t0;
	bm_evac_account(&d);
	if (!ret)
		r = COMPACT_SUCCESS;
	else if (compact)
		r = bm_real_ttcp(gfp, order, alloc_flags, ac, prio, capture);
	else
		r = COMPACT_COMPLETE;
	atomic_dec(&bm_evac_inflight);
	return r;
}

static void notrace bm_evac_ftrace(unsigned long ip, unsigned long parent_ip,
				   struct ftrace_ops *op,
				   struct ftrace_regs *fregs)
{
	struct pt_regs *regs = ftrace_get_regs(fregs);
	gfp_t gfp;

	/* Our own call of the real function, from the wrapper: let it run. */
	if (!regs || within_module(parent_ip, THIS_MODULE))
		return;
	/* try_to_compact_pages() itself refuses requests that may not do IO. */
	gfp = (__force gfp_t)bm_regs_arg(regs, 0);
	if (!(gfp & __GFP_IO) || !in_task() || !bm_probes_take_evacuation())
		return;
	atomic_inc(&bm_evac_inflight);
	/*
	 * With FTRACE_OPS_FL_SAVE_REGS the trampoline returns to the saved
	 * instruction pointer on every kernel; this avoids the ftrace_regs
	 * accessor, which was renamed in 6.12 and is a no-op stub where the
	 * architecture lacks it.
	 */
	instruction_pointer_set(regs,
				(unsigned long)bm_evac_try_to_compact_pages);
}

static struct ftrace_ops bm_evac_ops = {
	.func = bm_evac_ftrace,
	.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY,
};

int bm_evac_enable(const char **why)
{
	unsigned long addr;
	int ret = 0;

	if (!IS_ENABLED(CONFIG_CONTIG_ALLOC)) {
		pr_err("evacuate: this kernel has no alloc_contig_range() (CONFIG_CONTIG_ALLOC)\n");
		*why = "evacuate: this kernel has no alloc_contig_range() (CONFIG_CONTIG_ALLOC)";
		return -EOPNOTSUPP;
	}
	mutex_lock(&bm_evac_hook_mutex);
	if (bm_evac_hooked)
		goto out;
	ret = bm_lookup_function(BM_SYM_TRY_TO_COMPACT, &addr);
	if (ret) {
		pr_err("evacuate: cannot find %s on this kernel: error %d\n",
		       BM_SYM_TRY_TO_COMPACT, ret);
		*why = "evacuate: try_to_compact_pages not found on this kernel";
		goto out;
	}
	bm_ttcp_addr = addr;
	if (bm_indirect_callable(addr)) {
		bm_real_ttcp = (bm_ttcp_fn)addr;
	} else {
		bm_real_ttcp = NULL;
		pr_info("evacuate: %s is sealed by indirect branch tracking; a request the policy cannot serve fails as a complete compaction would, without compacting\n",
			BM_SYM_TRY_TO_COMPACT);
	}
	ret = ftrace_set_filter_ip(&bm_evac_ops, addr, 0, 0);
	if (ret) {
		pr_err("evacuate: cannot hook %s: not ftrace-able (error %d)\n",
		       BM_SYM_TRY_TO_COMPACT, ret);
		*why = "evacuate: try_to_compact_pages cannot be traced on this kernel";
		goto out;
	}
	ret = register_ftrace_function(&bm_evac_ops);
	if (ret) {
		/* -EBUSY: another IPMODIFY user (a livepatch) owns it. */
		pr_err("evacuate: cannot hook %s: error %d\n",
		       BM_SYM_TRY_TO_COMPACT, ret);
		*why = ret == -EBUSY ?
		       "evacuate: try_to_compact_pages is redirected by another user" :
		       "evacuate: cannot hook try_to_compact_pages";
		ftrace_set_filter_ip(&bm_evac_ops, addr, 1, 0);
		goto out;
	}
	bm_evac_hooked = true;
out:
	mutex_unlock(&bm_evac_hook_mutex);
	return ret;
}

void bm_evac_read(struct bm_evac_counts *c)
{
	spin_lock(&bm_evac_lock);
	*c = bm_evac_cnt;
	spin_unlock(&bm_evac_lock);
}

void bm_evac_reset(void)
{
	spin_lock(&bm_evac_lock);
	memset(&bm_evac_cnt, 0, sizeof(bm_evac_cnt));
	spin_unlock(&bm_evac_lock);
}

void bm_evac_exit(void)
{
	mutex_lock(&bm_evac_hook_mutex);
	if (bm_evac_hooked) {
		unregister_ftrace_function(&bm_evac_ops);
		ftrace_set_filter_ip(&bm_evac_ops, bm_ttcp_addr, 1, 0);
		while (atomic_read(&bm_evac_inflight))
			msleep(20);
		synchronize_rcu_tasks();
		bm_evac_hooked = false;
	}
	mutex_unlock(&bm_evac_hook_mutex);
}
