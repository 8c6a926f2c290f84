// SPDX-License-Identifier: GPL-2.0
/*
 * The fragmenter: leave physical memory fragmented the way long-running
 * machines are, reproducibly, with a knob for how many order-10-aligned
 * blocks end up unrecoverable. Linked into high_order_test.ko (see
 * modules/Kbuild); it makes fragmentation, where modules/monitor/frag.c
 * measures it.
 *
 * Why a kernel module at all. Userspace can only create movable memory
 * (anonymous pages, page cache, tmpfs). Compaction can migrate every such
 * page, so hole punching from userspace never makes a 4 MiB block
 * unrecoverable; it only makes the kernel work harder. What makes a block
 * unrecoverable on real machines is a single unmovable page (slab, page
 * tables, driver buffers) sitting in it. The fragmenter places exactly such
 * pages, in a chosen share of the blocks.
 *
 * The procedure (BUDDY_FRAG_CMD_PIN):
 *
 * 1. Userspace first fills memory with movable pages and leaves the free
 *    memory scattered between them; the experiment fills a tmpfs with
 *    files and deletes some of them. This step decides where the free
 *    memory is, and therefore which blocks step 2 can reach.
 *
 * 2. Sweep: allocate unmovable order-0 pages (GFP_KERNEL | __GFP_NOWARN |
 *    __GFP_NORETRY, no __GFP_MOVABLE) until sweep_percent of the free pages
 *    counted at the start are taken, an allocation fails, or free memory
 *    reaches the sweep's safety floor (max(32 MiB, RAM / 64)). The pages
 *    come from wherever the allocator hands them out: first the
 *    MIGRATE_UNMOVABLE free lists, then, by fallback, pages stolen from
 *    movable pageblocks, largest free chunk first (__rmqueue_fallback()).
 *    A steal moves the whole pageblock's free pages to the unmovable list
 *    (and relabels the pageblock if at least half of it is free or
 *    unmovable), and the sweep then drains them. Once memory is full of
 *    movable pages, this is the real-world scatter: unmovable pages land
 *    inside movable pageblocks, next to movable pages.
 *
 * 3. Group the pages by order-10-aligned block (pfn >> 10) with a counting
 *    sort (no n log n sort of up to millions of pfns). Every block the
 *    sweep drew at least one page from is "touched".
 *
 * 4. Choose round(touched * pin_percent / 100) of the touched blocks: rank
 *    them by splitmix64(seed << 32 ^ block number) and take the first ones.
 *    A block's rank depends only on the seed and its number, not on the
 *    order the allocator returned pages in, so two runs with the same seed
 *    and overlapping touched sets choose mostly the same blocks, and the
 *    count is exact. In each chosen block keep one page (its position in
 *    the block's bucket also comes from the hash); free every other page.
 *
 * 5. Relabel (on by default, BUDDY_FRAG_A_RELABEL): step 2 left most
 *    pageblocks it stole from labelled MIGRATE_UNMOVABLE (a fallback claims
 *    a pageblock when at least half of it is free or "alike"), and freeing
 *    the swept pages does not change a label. Left like that, most of
 *    memory would be unmovable-labelled but mostly free and movable: a
 *    state no real machine is in, and one that cripples the stock kernel's
 *    compaction, whose free scanner only fills MOVABLE pageblocks below
 *    MIN_COMPACT_PRIORITY (suitable_migration_target()). On a real machine
 *    later movable allocations claim such pageblocks back. Step 5 does
 *    that churn at once: it allocates movable order-0 pages
 *    (GFP_HIGHUSER_MOVABLE | __GFP_NOWARN | __GFP_NORETRY) down to the same
 *    floor, which exhausts the movable free lists and makes the allocator
 *    fall back into, and relabel, the unmovable-labelled pageblocks whose
 *    free and movable pages make up half of them; then frees them all. The
 *    pinned pages then sit in movable pageblocks: mixed pageblocks, the
 *    classic signature of long-term fragmentation. /proc/pagetypeinfo
 *    shows the labels.
 *
 * The result: each chosen block holds one pinned unmovable page and cannot
 * become a free order-10 block until RELEASE; every other block holds only
 * free and movable pages (plus whatever the rest of the kernel allocated
 * meanwhile) and stays recoverable by compaction. Pinned pages cost one
 * page per chosen block. The pages are never mapped or written.
 *
 * What the fragmenter does not control: how many blocks the sweep touches.
 * That follows from the fill in step 1 and from sweep_percent; STATUS
 * reports touched, pinned and swept counts so the caller can check it. A
 * fill that leaves one contiguous free region gives few touched blocks and
 * a weak scenario. Independent of the fragmenter's own bookkeeping, the
 * monitor's BUDDY_MON_ZA_BLOCKS_RECOVERABLE scan measures the outcome.
 *
 * Safety: the sweep holds most free memory only for as long as it runs.
 * __GFP_NORETRY never invokes the OOM killer, the floor keeps a margin for
 * everyone else, and a fatal signal to the caller aborts the sweep and
 * frees what it took. All bookkeeping is allocated before the sweep,
 * because afterwards memory is scarce by design.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/nodemask.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/stringify.h>
#include <linux/vmstat.h>

#include "fragmenter/fragmenter.h"
#include "uapi/buddyctl.h"

#define FRAG_BLOCK_ORDER	(BUDDY_NR_ORDERS - 1)
#define FRAG_GFP		(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY)
#define FRAG_RELABEL_GFP	(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN | __GFP_NORETRY)
#define FRAG_FLOOR_MIN_MB	32
#define FRAG_FLOOR_RAM_DIV	64
#define FRAG_RESCHED_MASK	1023
#define FRAG_KEPT		(~0UL)

struct frag_block {
	u64 key;		/* rank: splitmix64 of seed and block number */
	unsigned long block;	/* pfn >> FRAG_BLOCK_ORDER */
	unsigned long first;	/* its pages: sorted[first .. first + nr) */
	unsigned long nr;
};

/* Scratch for one PIN, all allocated before the sweep. */
struct frag_work {
	unsigned long target;	/* pages to sweep */
	unsigned long cap;	/* room in pfns: free pages at the start */
	unsigned long slots;	/* possible block numbers */
	unsigned long n;	/* pages swept */
	unsigned long *pfns;	/* [cap] in sweep order */
	unsigned long *sorted;	/* [target] grouped by block */
	unsigned long *bucket;	/* [slots + 1] counting-sort offsets */
	struct frag_block *blocks;	/* [slots] touched blocks */
	unsigned long *pinned;	/* [slots] the pages kept */
};

/*
 * lock serialises PIN, RELEASE and exit, and is held for a whole PIN
 * (seconds to minutes). st_lock guards st alone and is held only to copy
 * it, so STATUS never waits for a PIN in progress.
 */
static struct {
	struct mutex lock;	/* PIN, RELEASE and exit */
	unsigned long *pinned;	/* pfns of pinned pages, NULL when none */
	spinlock_t st_lock;
	struct frag_status st;
} frag = {
	.lock = __MUTEX_INITIALIZER(frag.lock),
	.st_lock = __SPIN_LOCK_UNLOCKED(frag.st_lock),
};

/* splitmix64's finaliser: a good 64-bit mix, cheap and fixed forever. */
static u64 frag_mix(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static int frag_cmp_block(const void *a, const void *b)
{
	const struct frag_block *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->block < y->block ? -1 : x->block > y->block;
}

/* Number of order-10 block numbers any present pfn can have. */
static unsigned long frag_block_slots(void)
{
	unsigned long end = 0;
	int nid;

	for_each_online_node(nid)
		end = max(end, pgdat_end_pfn(NODE_DATA(nid)));
	return (end >> FRAG_BLOCK_ORDER) + 1;
}

static unsigned long frag_floor_pages(void)
{
	return max_t(unsigned long, totalram_pages() / FRAG_FLOOR_RAM_DIV,
		     FRAG_FLOOR_MIN_MB << (20 - PAGE_SHIFT));
}

static void frag_work_free(struct frag_work *w)
{
	kvfree(w->pfns);
	kvfree(w->sorted);
	kvfree(w->bucket);
	kvfree(w->blocks);
	kvfree(w->pinned);
}

static int frag_work_alloc(struct frag_work *w)
{
	unsigned long n = max(w->target, 1UL);

	w->pfns = kvmalloc_array(max(w->cap, 1UL), sizeof(*w->pfns), GFP_KERNEL);
	w->sorted = kvmalloc_array(n, sizeof(*w->sorted), GFP_KERNEL);
	w->bucket = kvcalloc(w->slots + 1, sizeof(*w->bucket), GFP_KERNEL);
	w->blocks = kvmalloc_array(w->slots, sizeof(*w->blocks), GFP_KERNEL);
	w->pinned = kvmalloc_array(w->slots, sizeof(*w->pinned), GFP_KERNEL);
	if (!w->pfns || !w->sorted || !w->bucket || !w->blocks || !w->pinned)
		return -ENOMEM;
	return 0;
}

static void frag_free_pfns(const unsigned long *pfns, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		if (pfns[i] != FRAG_KEPT)
			__free_page(pfn_to_page(pfns[i]));
		if (!(i & FRAG_RESCHED_MASK))
			cond_resched();
	}
}

/*
 * Step 2: take unmovable order-0 pages; -ECANCELED on any pending signal,
 * so that ^C in the requesting process stops a sweep that may take
 * minutes. Not -EINTR: netlink_rcv_skb() sends no ACK for a request that
 * fails with -EINTR (it takes it as not processed), and the requester
 * would wait for one forever.
 */
static int frag_sweep(struct frag_work *w, u32 *stop)
{
	unsigned long floor = frag_floor_pages();
	struct page *page;

	*stop = BUDDY_FRAG_SWEEP_TARGET;
	while (w->n < w->target) {
		if (global_zone_page_state(NR_FREE_PAGES) < floor) {
			*stop = BUDDY_FRAG_SWEEP_MEM_FLOOR;
			break;
		}
		page = alloc_page(FRAG_GFP);
		if (!page) {
			*stop = BUDDY_FRAG_SWEEP_ALLOC_FAILED;
			break;
		}
		w->pfns[w->n++] = page_to_pfn(page);
		/*
		 * Every page: near exhaustion one allocation can reclaim for
		 * a long time, and a thousand of them for minutes, longer
		 * than the soft-lockup watchdog allows a CPU without a
		 * reschedule on a kernel without preemption.
		 */
		cond_resched();
		if (signal_pending(current))
			return -ECANCELED;
	}
	return 0;
}

/*
 * Step 3: group the swept pages by block into w->sorted and describe each
 * touched block in w->blocks. Returns the number of touched blocks; *nr
 * gets the number of pages grouped. A page beyond the slots (memory
 * hot-added during the sweep) is freed here and not counted.
 */
static unsigned long frag_group(struct frag_work *w, unsigned long *nr)
{
	unsigned long i, b, touched = 0;

	for (i = 0; i < w->n; i++) {
		b = w->pfns[i] >> FRAG_BLOCK_ORDER;
		if (b < w->slots)
			w->bucket[b + 1]++;
	}
	for (b = 0; b < w->slots; b++) {
		if (w->bucket[b + 1]) {
			w->blocks[touched].block = b;
			w->blocks[touched].nr = w->bucket[b + 1];
			w->blocks[touched].first = w->bucket[b];
			touched++;
		}
		w->bucket[b + 1] += w->bucket[b];
	}
	*nr = w->bucket[w->slots];
	for (i = 0; i < w->n; i++) {
		b = w->pfns[i] >> FRAG_BLOCK_ORDER;
		if (b < w->slots)
			w->sorted[w->bucket[b]++] = w->pfns[i];
		else
			__free_page(pfn_to_page(w->pfns[i]));
	}
	return touched;
}

/* Step 4: rank the touched blocks, keep one page in each of the first k. */
static void frag_choose(struct frag_work *w, unsigned long touched,
			unsigned long k, u32 seed)
{
	unsigned long i, at;

	for (i = 0; i < touched; i++)
		w->blocks[i].key = frag_mix((u64)seed << 32 ^ w->blocks[i].block);
	sort(w->blocks, touched, sizeof(*w->blocks), frag_cmp_block, NULL);
	for (i = 0; i < k; i++) {
		struct frag_block *blk = &w->blocks[i];

		at = blk->first + (u32)(frag_mix(blk->key) >> 32) % (u32)blk->nr;
		w->pinned[i] = w->sorted[at];
		w->sorted[at] = FRAG_KEPT;
	}
}

/*
 * Step 5: movable churn that claims unmovable-labelled pageblocks back.
 * Reuses w->pfns; returns the number of pages it took (all freed again).
 * *intr is set when a signal stopped it.
 */
static unsigned long frag_relabel(struct frag_work *w, bool *intr)
{
	unsigned long floor = frag_floor_pages(), n = 0;
	struct page *page;

	while (n < w->cap) {
		if (global_zone_page_state(NR_FREE_PAGES) < floor)
			break;
		page = alloc_page(FRAG_RELABEL_GFP);
		if (!page)
			break;
		w->pfns[n++] = page_to_pfn(page);
		cond_resched();		/* every page: as in frag_sweep() */
		if (signal_pending(current)) {
			*intr = true;
			break;
		}
	}
	frag_free_pfns(w->pfns, n);
	return n;
}

int frag_pin(const struct frag_params *p, struct netlink_ext_ack *extack)
{
	struct frag_work w = {};
	unsigned long touched, k, nr, relabel = 0, free;
	bool intr = false;
	u32 stop;
	int ret;

	if (p->pin_percent > BUDDY_FRAG_MAX_PIN_PERCENT ||
	    p->sweep_percent < BUDDY_FRAG_MIN_SWEEP_PERCENT ||
	    p->sweep_percent > BUDDY_FRAG_MAX_SWEEP_PERCENT) {
		NL_SET_ERR_MSG(extack,
			       "pin_percent must be 0.." __stringify(BUDDY_FRAG_MAX_PIN_PERCENT)
			       ", sweep_percent " __stringify(BUDDY_FRAG_MIN_SWEEP_PERCENT)
			       ".." __stringify(BUDDY_FRAG_MAX_SWEEP_PERCENT));
		return -EINVAL;
	}

	if (mutex_lock_interruptible(&frag.lock)) {
		NL_SET_ERR_MSG(extack, "interrupted while waiting for another PIN");
		return -ECANCELED;
	}
	if (frag.pinned) {
		NL_SET_ERR_MSG(extack, "pages are already pinned; RELEASE them first");
		ret = -EBUSY;
		goto out;
	}

	free = global_zone_page_state(NR_FREE_PAGES);
	w.cap = free;
	w.target = mult_frac(free, (unsigned long)p->sweep_percent, 100UL);
	w.slots = frag_block_slots();
	ret = frag_work_alloc(&w);
	if (ret) {
		NL_SET_ERR_MSG(extack, "no memory for the sweep's bookkeeping");
		goto out;
	}

	ret = frag_sweep(&w, &stop);
	if (ret) {
		frag_free_pfns(w.pfns, w.n);
		NL_SET_ERR_MSG(extack, "interrupted by a signal; every page was freed");
		goto out;
	}
	touched = frag_group(&w, &nr);
	k = DIV_ROUND_CLOSEST(touched * p->pin_percent, 100);
	frag_choose(&w, touched, k, p->seed);
	frag_free_pfns(w.sorted, nr);
	if (p->relabel)
		relabel = frag_relabel(&w, &intr);
	if (intr) {
		frag_free_pfns(w.pinned, k);
		NL_SET_ERR_MSG(extack, "interrupted by a signal; every page was freed");
		ret = -ECANCELED;
		goto out;
	}

	if (k) {
		frag.pinned = w.pinned;
		w.pinned = NULL;
	}
	spin_lock(&frag.st_lock);
	frag.st.params = *p;
	frag.st.pinned_pages = k;
	frag.st.pinned_blocks = k;
	frag.st.touched_blocks = touched;
	frag.st.sweep_target = w.target;
	frag.st.swept_pages = w.n;
	frag.st.relabel_pages = relabel;
	frag.st.sweep_stop = stop;
	spin_unlock(&frag.st_lock);
	pr_info("pin: sweep_percent=%u pin_percent=%u seed=%u relabel=%u: swept %lu of %lu pages (stop %u), %lu blocks touched, %lu pinned, relabel sweep %lu pages\n",
		p->sweep_percent, p->pin_percent, p->seed, p->relabel, w.n,
		w.target, stop, touched, k, relabel);
out:
	frag_work_free(&w);
	mutex_unlock(&frag.lock);
	return ret;
}

void frag_release(void)
{
	mutex_lock(&frag.lock);
	if (frag.pinned) {
		frag_free_pfns(frag.pinned, frag.st.pinned_pages);
		kvfree(frag.pinned);
		frag.pinned = NULL;
	}
	spin_lock(&frag.st_lock);
	frag.st.pinned_pages = 0;
	frag.st.pinned_blocks = 0;
	spin_unlock(&frag.st_lock);
	mutex_unlock(&frag.lock);
}

void frag_status(struct frag_status *st)
{
	spin_lock(&frag.st_lock);
	*st = frag.st;
	spin_unlock(&frag.st_lock);
}

void frag_exit(void)
{
	frag_release();
}
