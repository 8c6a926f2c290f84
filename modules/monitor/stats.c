// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU counters, summed on read.
 *
 * Writers are probes inside the allocator: they only touch this CPU's
 * memory, never take a lock and never allocate. Readers sum every
 * possible CPU (a CPU that went offline keeps its counts).
 *
 * Reset does not write into the per-CPU memory: zeroing another CPU's
 * counter races with its this_cpu_inc() (a read-modify-write) and would
 * lose or tear updates, which breaks exact counts and the invariants.
 * Instead a reset records the current sums as a baseline, and readers
 * report sum - baseline. Counters only grow, so the difference never
 * wraps, and because the baseline of the consistent block is itself a sum
 * of consistent per-(CPU, level) states, the invariants hold for the
 * differences too.
 */
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "monitor/events.h"
#include "monitor/latency.h"
#include "monitor/background.h"
#include "monitor/evacuate.h"
#include "monitor/probes.h"
#include "monitor/reserve.h"
#include "monitor/frag.h"
#include "monitor/stats.h"

struct bm_core_cpu __percpu *bm_core_pcpu;
struct bm_misc_counts __percpu *bm_misc_pcpu;
struct bm_fallback_counts __percpu *bm_fb_pcpu;

static DEFINE_MUTEX(bm_stats_mutex);	/* baseline and reset time */
static struct bm_totals *bm_base;
static u64 bm_reset_time_ns;

#define BM_U64S(x) (sizeof(x) / sizeof(u64))

static void bm_add_u64s(u64 *dst, const u64 *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] += src[i];
}

static void bm_sub_u64s(u64 *dst, const u64 *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] -= src[i];
}

static void bm_read_u64s(u64 *dst, const u64 *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] += READ_ONCE(src[i]);
}

/* Sums of everything since load, without the baseline. */
static void bm_stats_sum_raw(struct bm_totals *t)
{
	struct bm_core_counts snap;
	int cpu, lv;

	BUILD_BUG_ON(sizeof(struct bm_core_counts) % sizeof(u64));
	BUILD_BUG_ON(sizeof(struct bm_misc_counts) % sizeof(u64));
	BUILD_BUG_ON(sizeof(struct bm_fallback_counts) % sizeof(u64));
	BUILD_BUG_ON(sizeof(struct bm_global_counts) % sizeof(u64));

	memset(t, 0, sizeof(*t));
	for_each_possible_cpu(cpu) {
		struct bm_core_cpu *cc = per_cpu_ptr(bm_core_pcpu, cpu);

		for (lv = 0; lv < BM_NR_LEVELS; lv++) {
			struct bm_core *c = &cc->lv[lv];
			unsigned int seq;

			do {
				seq = raw_read_seqcount_begin(&c->seq);
				memcpy(&snap, &c->c, sizeof(snap));
			} while (read_seqcount_retry(&c->seq, seq));
			bm_add_u64s((u64 *)&t->core, (u64 *)&snap,
				    BM_U64S(snap));
		}
		bm_read_u64s((u64 *)&t->misc,
			     (u64 *)per_cpu_ptr(bm_misc_pcpu, cpu),
			     BM_U64S(t->misc));
		bm_read_u64s((u64 *)&t->fb,
			     (u64 *)per_cpu_ptr(bm_fb_pcpu, cpu),
			     BM_U64S(t->fb));
		cond_resched();
	}
	t->glob.slowpath_missed = bm_probes_slowpath_missed();
	t->glob.events_dropped = bm_events_dropped();
	t->glob.events_sent = bm_events_sent();
}

struct bm_totals *bm_totals_alloc(void)
{
	return kvmalloc(sizeof(struct bm_totals), GFP_KERNEL);
}

void bm_totals_free(struct bm_totals *t)
{
	kvfree(t);
}

void bm_stats_read(struct bm_totals *t)
{
	mutex_lock(&bm_stats_mutex);
	bm_stats_sum_raw(t);
	bm_sub_u64s((u64 *)t, (u64 *)bm_base, BM_U64S(*t));
	mutex_unlock(&bm_stats_mutex);
}

int bm_stats_reset(void)
{
	mutex_lock(&bm_stats_mutex);
	bm_stats_sum_raw(bm_base);
	bm_lat_reset();
	bm_bg_reset();
	bm_evac_reset();
	bm_res_reset();
	bm_frag_cost_reset();
	bm_reset_time_ns = ktime_get_ns();
	mutex_unlock(&bm_stats_mutex);
	return 0;
}

u64 bm_stats_reset_time_ns(void)
{
	return READ_ONCE(bm_reset_time_ns);
}

int bm_stats_init(void)
{
	int cpu, lv;

	bm_base = kvzalloc(sizeof(*bm_base), GFP_KERNEL);
	bm_core_pcpu = alloc_percpu(struct bm_core_cpu);
	bm_misc_pcpu = alloc_percpu(struct bm_misc_counts);
	bm_fb_pcpu = alloc_percpu(struct bm_fallback_counts);
	if (!bm_base || !bm_core_pcpu || !bm_misc_pcpu || !bm_fb_pcpu) {
		bm_stats_exit();
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu)
		for (lv = 0; lv < BM_NR_LEVELS; lv++)
			seqcount_init(&per_cpu_ptr(bm_core_pcpu, cpu)->lv[lv].seq);
	bm_reset_time_ns = ktime_get_ns();
	return 0;
}

void bm_stats_exit(void)
{
	free_percpu(bm_fb_pcpu);
	free_percpu(bm_misc_pcpu);
	free_percpu(bm_core_pcpu);
	kvfree(bm_base);
	bm_fb_pcpu = NULL;
	bm_misc_pcpu = NULL;
	bm_core_pcpu = NULL;
	bm_base = NULL;
}
