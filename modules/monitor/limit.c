// SPDX-License-Identifier: GPL-2.0
/*
 * The physical limit of 4 MiB blocks, read in bounded slices.
 *
 * Why. Judging whether a block could be emptied reads every struct page
 * in it that is not part of a free buddy block: on a fragmented heap, the
 * whole memmap. That is milliseconds per GiB, so one read of a 1 TiB
 * machine would cost seconds of CPU, and `buddyctl watch` or an exporter
 * reads every second. So each zone keeps one bit per block (recoverable
 * or not) and the time each slice of blocks was last read; a read scans
 * the next slice only, at most limit_slice_blocks blocks
 * (BUDDY_LIMIT_SLICE_BLOCKS by default, 32 GiB of memory), and reports
 * the sum of the bits with the age of the oldest slice. A zone no larger
 * than one slice is scanned whole on every read, exactly as before; the
 * first read of a zone, and a read that asks for it (privileged), scan
 * every block.
 *
 * The error is what changed since a slice was read: the figure is exact
 * for each block as of its slice's time, and the reply says how old the
 * oldest one is. Memory: one bit per 4 MiB and one u64 per slice, 32 KiB
 * per TiB.
 *
 * Memory hotplug changes a zone's span: a zone whose first block or block
 * count differs from the state kept is scanned whole into fresh state.
 * The scan takes no spinlock (the memmap is read racily, as the kernel's
 * compaction scanners read it) and reschedules after every block; one
 * mutex serialises readers of the kept state.
 */
#include <linux/bitmap.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>

#include "monitor/frag.h"
#include "monitor/limit.h"

struct bm_limit_zone {
	struct list_head link;
	int nid;
	int zid;
	unsigned long first_pfn;	/* of the first whole block */
	unsigned long nr_blocks;
	unsigned long nr_slices;
	unsigned long next_slice;	/* the one the next read scans */
	unsigned long *recoverable;	/* bitmap, nr_blocks bits */
	u64 *slice_ns;			/* ktime_get_ns() of each slice's read */
};

static LIST_HEAD(bm_limit_zones);
static DEFINE_MUTEX(bm_limit_lock);
static unsigned long bm_slice_blocks = BUDDY_LIMIT_SLICE_BLOCKS;

int bm_limit_init(unsigned int slice_blocks)
{
	if (!slice_blocks)
		return -EINVAL;
	bm_slice_blocks = slice_blocks;
	return 0;
}

static void bm_limit_zone_free(struct bm_limit_zone *lz)
{
	list_del(&lz->link);
	bitmap_free(lz->recoverable);
	kvfree(lz->slice_ns);
	kfree(lz);
}

void bm_limit_exit(void)
{
	struct bm_limit_zone *lz, *tmp;

	mutex_lock(&bm_limit_lock);
	list_for_each_entry_safe(lz, tmp, &bm_limit_zones, link)
		bm_limit_zone_free(lz);
	mutex_unlock(&bm_limit_lock);
}

static void bm_limit_span(struct zone *zone, unsigned long *first,
			  unsigned long *nr)
{
	unsigned long size = 1UL << BM_FEAS_ORDER;
	unsigned long start = ALIGN(zone->zone_start_pfn, size);
	unsigned long end = zone_end_pfn(zone);

	*first = start;
	*nr = end > start ? (end - start) >> BM_FEAS_ORDER : 0;
}

/* The kept state of @zone, new (and not yet scanned) if *fresh. */
static struct bm_limit_zone *bm_limit_zone_get(struct zone *zone, bool *fresh)
{
	unsigned long first, nr;
	struct bm_limit_zone *lz;

	bm_limit_span(zone, &first, &nr);
	*fresh = false;
	list_for_each_entry(lz, &bm_limit_zones, link) {
		if (lz->nid != zone_to_nid(zone) || lz->zid != zone_idx(zone))
			continue;
		if (lz->first_pfn == first && lz->nr_blocks == nr)
			return lz;
		bm_limit_zone_free(lz);	/* hotplug moved the span */
		break;
	}
	lz = kzalloc(sizeof(*lz), GFP_KERNEL);
	if (!lz)
		return NULL;
	lz->nid = zone_to_nid(zone);
	lz->zid = zone_idx(zone);
	lz->first_pfn = first;
	lz->nr_blocks = nr;
	lz->nr_slices = max(DIV_ROUND_UP(nr, bm_slice_blocks), 1UL);
	lz->recoverable = bitmap_zalloc(max(nr, 1UL), GFP_KERNEL);
	lz->slice_ns = kvcalloc(lz->nr_slices, sizeof(*lz->slice_ns),
				GFP_KERNEL);
	if (!lz->recoverable || !lz->slice_ns) {
		bitmap_free(lz->recoverable);
		kvfree(lz->slice_ns);
		kfree(lz);
		return NULL;
	}
	list_add(&lz->link, &bm_limit_zones);
	*fresh = true;
	return lz;
}

/* Read slice @s of @lz from the memmap; returns the blocks scanned. */
static unsigned long bm_limit_scan_slice(struct zone *zone,
					 struct bm_limit_zone *lz,
					 unsigned long s)
{
	unsigned long b = s * bm_slice_blocks;
	unsigned long end = min(b + bm_slice_blocks, lz->nr_blocks);
	unsigned long pfn, used, n = end - b;

	for (; b < end; b++) {
		pfn = lz->first_pfn + (b << BM_FEAS_ORDER);
		if (bm_frag_block_recoverable(zone, pfn, BM_FEAS_ORDER, &used))
			__set_bit(b, lz->recoverable);
		else
			__clear_bit(b, lz->recoverable);
		cond_resched();
	}
	lz->slice_ns[s] = ktime_get_ns();
	return n;
}

/* Without kept state (no memory for it): every block, counted directly. */
static void bm_limit_read_direct(struct zone *zone, struct bm_limit *out)
{
	unsigned long first, nr, b, used;

	bm_limit_span(zone, &first, &nr);
	out->blocks_recoverable = 0;
	for (b = 0; b < nr; b++) {
		if (bm_frag_block_recoverable(zone, first + (b << BM_FEAS_ORDER),
					      BM_FEAS_ORDER, &used))
			out->blocks_recoverable++;
		cond_resched();
	}
	out->blocks_total = nr;
	out->scanned_blocks = nr;
	out->age_ns = 0;
}

void bm_limit_read(struct zone *zone, bool full, struct bm_limit *out)
{
	struct bm_limit_zone *lz;
	u64 t0, oldest, now;
	unsigned long s;
	bool fresh;

	memset(out, 0, sizeof(*out));
	mutex_lock(&bm_limit_lock);
	t0 = local_clock();
	lz = bm_limit_zone_get(zone, &fresh);
	if (!lz) {
		bm_limit_read_direct(zone, out);
		goto done;
	}
	if (fresh || full || lz->nr_slices == 1) {
		for (s = 0; s < lz->nr_slices; s++)
			out->scanned_blocks += bm_limit_scan_slice(zone, lz, s);
		lz->next_slice = 0;
	} else {
		out->scanned_blocks =
			bm_limit_scan_slice(zone, lz, lz->next_slice);
		lz->next_slice = (lz->next_slice + 1) % lz->nr_slices;
	}
	out->blocks_total = lz->nr_blocks;
	out->blocks_recoverable = bitmap_weight(lz->recoverable, lz->nr_blocks);
	/* Age 0 when this read scanned every block itself. */
	if (out->scanned_blocks < lz->nr_blocks) {
		now = ktime_get_ns();
		oldest = now;
		for (s = 0; s < lz->nr_slices; s++)
			oldest = min(oldest, lz->slice_ns[s]);
		out->age_ns = now - oldest;
	}
done:
	bm_frag_cost_note_scan(local_clock() - t0);
	mutex_unlock(&bm_limit_lock);
}
