/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU behaviour counters of the buddy allocator, summed on read.
 */
#ifndef _BM_STATS_H
#define _BM_STATS_H

#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/seqlock.h>
#include <linux/types.h>

#include "uapi/buddyctl.h"

#define BM_ORDERS	BUDDY_NR_ORDERS
#define BM_MTS		BUDDY_NR_MIGRATETYPES
#define BM_PRIOS	BUDDY_NR_PRIOS
#define BM_RESULTS	BUDDY_NR_COMPACT_RESULTS

/*
 * Context levels (interrupt_context_level()): task, softirq, hardirq, NMI.
 * The consistent counters below keep one block per CPU and level, so each
 * block has at most one writer at any time without disabling interrupts:
 * a probe runs with preemption disabled, and only a higher level can
 * interrupt it on its CPU.
 */
#define BM_NR_LEVELS	4

/*
 * Add one counter struct to another member by member. For structs made of
 * u64 counters only (the callers check it at build time): a counter added
 * to such a struct is summed without a line here.
 */
static inline void bm_u64s_add(void *dst, const void *src, size_t bytes)
{
	const u64 *s = src;
	u64 *d = dst;
	size_t i;

	for (i = 0; i < bytes / sizeof(u64); i++)
		d[i] += s[i];
}

/*
 * Counters whose relations are invariants: requests = successes +
 * failures; compact_reqs <= slowpath <= requests. Every request is
 * counted once, at completion, in one seqcount write section that adds all
 * of its counts together; readers copy each block inside a read section,
 * so every block they see is a state between two requests.
 */
struct bm_core_counts {
	u64 success[BM_ORDERS];
	u64 failure[BM_ORDERS];
	u64 slowpath[BM_ORDERS];
	u64 compact_reqs[BM_ORDERS];
	u64 mt_req[BM_ORDERS][BM_MTS];
	u64 mt_fail[BM_ORDERS][BM_MTS];
};

struct bm_core {
	seqcount_t seq;
	struct bm_core_counts c;
};

struct bm_core_cpu {
	struct bm_core lv[BM_NR_LEVELS];
};

/*
 * Independent counters, one this_cpu_inc() each (a single instruction on
 * x86-64, so safe against interrupts on the same CPU).
 */
struct bm_misc_counts {
	/* compaction:mm_compaction_try_to_compact_pages */
	u64 compact_attempts[BM_ORDERS];
	u64 compact_prio[BM_ORDERS][BM_PRIOS];
	/* compaction:mm_compaction_deferred */
	u64 compact_deferred[BM_ORDERS];
	/* __alloc_pages_direct_compact() returns */
	u64 compact_result[BM_ORDERS][BM_RESULTS];
	u64 compact_page[BM_ORDERS];
	/* tuner */
	u64 decisions[BM_ORDERS];
	u64 raises[BM_ORDERS];
	u64 deferrals[BM_ORDERS];
	u64 would_raise[BM_ORDERS];
	u64 raised_result[BM_ORDERS][BM_RESULTS];
	u64 kept_result[BM_ORDERS][BM_RESULTS];
	u64 raised_success[BM_ORDERS];
	u64 kept_success[BM_ORDERS];
};

/*
 * kmem:mm_page_alloc_extfrag keys. A fallback always takes a block at
 * least as large as the request (__rmqueue_fallback), so only pairs
 * alloc_order <= fallback_order exist: 66 of them, indexed by
 * bm_fb_pair(). That keeps the per-CPU array under the percpu allocator's
 * 32 KiB unit limit. "Fragmenting" is fallback_order < pageblock_order, a
 * function of the key, not a key of its own.
 */
#define BM_NR_FB_PAIRS	(BM_ORDERS * (BM_ORDERS + 1) / 2)

struct bm_fallback_counts {
	u64 n[BM_NR_FB_PAIRS][BM_MTS][BM_MTS];
};

static inline unsigned int bm_fb_pair(unsigned int ao, unsigned int fo)
{
	/* row ao starts after rows 0..ao-1 of lengths BM_ORDERS - r */
	return ao * BM_ORDERS - ao * (ao - 1) / 2 + (fo - ao);
}

/* Counters that live elsewhere but reset with the rest. */
struct bm_global_counts {
	u64 slowpath_missed;
	u64 events_dropped;
	u64 events_sent;
};

/* A reader's view: everything summed over CPUs, minus the last reset. */
struct bm_totals {
	struct bm_core_counts core;
	struct bm_misc_counts misc;
	struct bm_fallback_counts fb;
	struct bm_global_counts glob;
};

extern struct bm_core_cpu __percpu *bm_core_pcpu;
extern struct bm_misc_counts __percpu *bm_misc_pcpu;
extern struct bm_fallback_counts __percpu *bm_fb_pcpu;

int bm_stats_init(void);
void bm_stats_exit(void);

/* Fill @t (kvmalloc'ed by the caller: it is large). Sleeps. */
void bm_stats_read(struct bm_totals *t);
struct bm_totals *bm_totals_alloc(void);
void bm_totals_free(struct bm_totals *t);

/* Zero every counter and histogram as readers see them. Sleeps. */
int bm_stats_reset(void);
u64 bm_stats_reset_time_ns(void);

static inline unsigned int bm_level(void)
{
	return interrupt_context_level();
}

/* The write section of this CPU's block for the current context. */
static inline struct bm_core *bm_core_begin(void)
{
	struct bm_core *c = &this_cpu_ptr(bm_core_pcpu)->lv[bm_level()];

	raw_write_seqcount_begin(&c->seq);
	return c;
}

static inline void bm_core_end(struct bm_core *c)
{
	raw_write_seqcount_end(&c->seq);
}

#endif /* _BM_STATS_H */
