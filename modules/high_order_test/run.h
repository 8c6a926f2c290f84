/* SPDX-License-Identifier: GPL-2.0 */
/*
 * High-order allocation runs: allocate blocks of one order in a kernel
 * thread, record every attempt, hold what was obtained until released.
 */
#ifndef _HIGH_ORDER_TEST_RUN_H
#define _HIGH_ORDER_TEST_RUN_H

#include <linux/types.h>

struct netlink_ext_ack;

/* What a run is asked to do. Validated by hot_run_start(). */
struct hot_params {
	u32 order;
	u32 count;
	u32 gfp_mode;		/* enum buddy_hot_gfp_mode */
	u32 pause_us;
	u8 hold_until_fail;
};

/* One allocation attempt. */
struct hot_attempt {
	u64 latency_ns;
	unsigned long pfn;	/* HOT_NO_PFN when the attempt failed */
};

#define HOT_NO_PFN (~0UL)

/* A consistent-enough snapshot of the current or last run. */
struct hot_status {
	struct hot_params params;
	u32 state;		/* enum buddy_hot_state */
	u32 stop_reason;	/* enum buddy_hot_stop_reason */
	u32 attempts_done;
	u32 successes;
	u32 held;
	u32 gfp_flags;
	u64 elapsed_ns;
	u64 min_free_pages;
};

const char *hot_gfp_mode_name(u32 mode);
int hot_gfp_mode_parse(const char *name, u32 *mode);

int hot_run_start(const struct hot_params *params, struct netlink_ext_ack *extack);
void hot_run_release(void);
void hot_run_status(struct hot_status *st);

/*
 * Copy up to n attempt records of the last run, starting at index pos, into
 * buf; returns how many were copied (0 past the last one made so far).
 * *gen gets the run's generation, which changes whenever a new run replaces
 * the records, so a dump spanning two calls can tell.
 */
u32 hot_run_copy_attempts(u32 pos, struct hot_attempt *buf, u32 n, u32 *gen);

void hot_run_exit(void);

#endif /* _HIGH_ORDER_TEST_RUN_H */
