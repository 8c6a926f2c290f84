/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The evacuate policy: empties the cheapest emptiable block for a large
 * request, in the requesting task (see evacuate.c).
 */
#ifndef _BM_EVACUATE_H
#define _BM_EVACUATE_H

#include <linux/gfp.h>
#include <linux/types.h>

/* u64 counters only: summed member by member (bm_u64s_add()). */
struct bm_evac_counts {
	u64 requests;
	u64 scans;
	u64 attempts;
	u64 blocks;
	u64 failures;
	u64 pages_moved;
	u64 no_candidate;
	u64 low_memory;
	u64 busy;
	u64 not_compacted;	/* failed, the kernel's compaction not called */
	u64 time_ns;
};

/*
 * Place the hook on try_to_compact_pages() if it is not there yet (it then
 * stays until unload; it acts only when the tuner asks). Sleeps.
 */
int bm_evac_enable(const char **why);

/*
 * Empty the cheapest emptiable block of 1 << @order pages in the zones of
 * node @nid that @gfp allows (the highest that has one) and free it whole:
 * the step the request path and the reserve worker (reserve.c) share.
 * One caller at a time; it never waits for another: -EBUSY then. Else
 * -ENOENT (no block of those zones holds only free and movable pages),
 * -EAGAIN (none but blocks refused in the last seconds, which are not
 * tried again yet), -ENOMEM (the free-memory guard), the refusal of
 * alloc_contig_range(), or 0. @d counts what happened (not requests).
 * Sleeps.
 */
int bm_evac_empty_block(int nid, gfp_t gfp, unsigned int order,
			struct bm_evac_counts *d);

/*
 * Did a request find the evacuator taken (by the reserve worker) in the
 * last @ms milliseconds? The worker yields to requests with it.
 */
bool bm_evac_request_refused_within(unsigned int ms);

void bm_evac_read(struct bm_evac_counts *c);
void bm_evac_reset(void);
/* Removes the hook and waits for redirected calls; before the probes go. */
void bm_evac_exit(void);

#endif /* _BM_EVACUATE_H */
