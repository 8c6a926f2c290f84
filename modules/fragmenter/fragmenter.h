/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fragmenter: pin unmovable pages in a chosen share of the
 * order-10-aligned blocks an unmovable sweep drew pages from.
 */
#ifndef _FRAGMENTER_H
#define _FRAGMENTER_H

#include <linux/types.h>

struct netlink_ext_ack;

struct frag_params {
	u32 pin_percent;	/* 0..BUDDY_FRAG_MAX_PIN_PERCENT */
	u32 sweep_percent;	/* BUDDY_FRAG_MIN..MAX_SWEEP_PERCENT */
	u32 seed;
	u8 relabel;		/* run the movable sweep of step 5 */
};

struct frag_status {
	struct frag_params params;	/* of the last PIN */
	u64 pinned_pages;
	u64 pinned_blocks;
	u64 touched_blocks;
	u64 sweep_target;
	u64 swept_pages;
	u64 relabel_pages;		/* pages the movable sweep took */
	u32 sweep_stop;			/* enum buddy_frag_sweep_stop */
};

int frag_pin(const struct frag_params *params, struct netlink_ext_ack *extack);
void frag_release(void);
void frag_status(struct frag_status *st);
void frag_exit(void);

#endif /* _FRAGMENTER_H */
