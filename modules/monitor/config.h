/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's runtime configuration (BUDDY_MON_CA_*).
 */
#ifndef _BM_CONFIG_H
#define _BM_CONFIG_H

#include <linux/types.h>

struct bm_config {
	bool latency;
	u32 events_per_sec;
	u32 policy;
	u32 threshold;
	u32 min_order;
	bool bg_enabled;
	u32 bg_order;
	u32 bg_interval_ms;
	u32 reserve_order;
	u32 reserve_blocks;		/* 0: off */
	u32 reserve_budget_ms;
	u32 latency_duty;	/* percent, BUDDY_LAT_DUTY_MIN_PCT..MAX_PCT */
};

/* Range checks shared by module parameters and netlink (same limits). */
int bm_config_validate(const struct bm_config *cfg, const char **why);

/* Apply the load-time defaults (module parameters). */
int bm_config_init(const struct bm_config *cfg);

void bm_config_get(struct bm_config *cfg);

/*
 * Replace the configuration with @cfg (already validated). What can fail
 * (a feature this kernel lacks, a reserve larger than half of the free
 * memory, registering the latency probe) is checked or applied first, so
 * on error nothing has changed.
 */
int bm_config_set(const struct bm_config *cfg, const char **why);

/* Serialize a read-modify-write of the configuration. */
void bm_config_lock(void);
void bm_config_unlock(void);

#endif /* _BM_CONFIG_H */
