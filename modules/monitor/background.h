/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Background trigger: wake kcompactd when fragmentation of a target order
 * stays above the tuner's threshold.
 */
#ifndef _BM_BACKGROUND_H
#define _BM_BACKGROUND_H

#include <linux/types.h>

struct bm_bg_counts {
	u64 checks;
	u64 triggers;
	u64 ratelimited;
	u64 blocks_gained;
	u32 last_unusable_pct;
};

int bm_bg_init(void);
/* 0 when the trigger can run on this kernel; else why not, in @why. */
int bm_bg_available(const char **why);
void bm_bg_exit(void);

/* Apply a configuration; sleeps (cancels the work when disabling). */
void bm_bg_configure(bool enabled, unsigned int order,
		     unsigned int interval_ms);
void bm_bg_read(struct bm_bg_counts *c);
void bm_bg_reset(void);

#endif /* _BM_BACKGROUND_H */
