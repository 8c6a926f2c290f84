/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The evacuate policy: empties the cheapest emptiable block for a large
 * request, in the requesting task (see evacuate.c).
 */
#ifndef _BM_EVACUATE_H
#define _BM_EVACUATE_H

#include <linux/types.h>

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
	u64 time_ns;
};

/*
 * Place the hook on try_to_compact_pages() if it is not there yet (it then
 * stays until unload; it acts only when the tuner asks). Sleeps.
 */
int bm_evac_enable(const char **why);

void bm_evac_read(struct bm_evac_counts *c);
void bm_evac_reset(void);
/* Removes the hook and waits for redirected calls; before the probes go. */
void bm_evac_exit(void);

#endif /* _BM_EVACUATE_H */
