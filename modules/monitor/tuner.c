// SPDX-License-Identifier: GPL-2.0
/*
 * The adaptive compaction tuner, on a stock kernel: raise the priority of
 * a direct compaction to MIN_COMPACT_PRIORITY (COMPACT_PRIO_SYNC_FULL)
 * when fragmentation is high, otherwise leave the kernel's priority (defer
 * the extra effort): full-priority compaction is worth its cost only when
 * free memory is too scattered for the request to succeed otherwise.
 *
 * Where: the entry of __alloc_pages_direct_compact(), whose fifth argument
 * is the priority (probes.c rewrites it). That is the one place every
 * direct compaction passes with its priority still an argument; the
 * kernel's own retry logic (should_compact_retry) keeps working on its own
 * copy, so the kernel's escalation is unchanged and a raise applies to one
 * compaction only.
 *
 * Which requests: direct compactions of order >= min_order (order 0 never
 * compacts). The policy decides:
 *   off         nothing is decided or counted; the kernel's priority runs
 *   observe     decide as adaptive would, count it, change nothing
 *   adaptive    raise iff the fragmentation rule below says so
 *   always-max  raise every eligible compaction
 *   evacuate    keep the kernel's priority; when the rule below says so,
 *               have evacuate.c empty the cheapest emptiable block (from
 *               the pageblock order up; below it, the kernel's priority)
 *
 * The rule: raise iff threshold == 0 or unusable_permille > threshold * 10.
 * unusable_permille is the unusable free space index of the request's order (the share
 * of free memory in blocks too small for it, mm/vmstat.c), over the zones
 * the request may use (its zonelist up to gfp_zone(gfp) on this CPU's
 * node), read locklessly from free_area[].nr_free. Consequences, by design:
 * threshold 100 never raises (the index cannot exceed 1000 permille), so
 * adaptive/100 behaves as off; threshold 0 always raises, including at an
 * index of exactly 0 (a compaction can be needed for watermark reasons
 * with every free page in large blocks), so adaptive/0 behaves as
 * always-max. For 1..99 the comparison is strict ("fragmentation above
 * the threshold": at exactly the threshold the kernel's priority stands,
 * which is what makes threshold 100 mean "never"), with permille
 * resolution.
 *
 * Configuration is one packed word, written with WRITE_ONCE() by the
 * netlink handler and read once per decision with READ_ONCE(): a decision
 * sees either the old or the new configuration, never a mix.
 */
#include <linux/compiler.h>
#include <linux/mmzone.h>
#include <linux/percpu.h>

#include "compat/mm.h"
#include "monitor/frag.h"
#include "monitor/stats.h"
#include "monitor/tuner.h"

static u32 bm_tuner_word;

static u32 bm_tuner_pack(struct bm_tuner_cfg cfg)
{
	return cfg.policy | (u32)cfg.threshold << 8 | (u32)cfg.min_order << 16;
}

void bm_tuner_set(struct bm_tuner_cfg cfg)
{
	WRITE_ONCE(bm_tuner_word, bm_tuner_pack(cfg));
}

struct bm_tuner_cfg bm_tuner_get(void)
{
	u32 w = READ_ONCE(bm_tuner_word);
	struct bm_tuner_cfg cfg = {
		.policy = w & 0xff,
		.threshold = (w >> 8) & 0xff,
		.min_order = (w >> 16) & 0xff,
	};

	return cfg;
}

void bm_tuner_decide(gfp_t gfp, unsigned int order, int prio,
		     struct bm_tuner_decision *dec)
{
	struct bm_tuner_cfg cfg = bm_tuner_get();
	unsigned int frag;

	dec->decided = false;
	dec->raise = false;
	dec->rewrite = false;
	dec->evacuate = false;
	dec->unusable_permille = 0;
	if (cfg.policy == BUDDY_POLICY_OFF || order < cfg.min_order)
		return;

	/* Measured for every policy: events and counters report it. */
	frag = bm_unusable_permille_gfp(gfp, order);
	dec->decided = true;
	dec->unusable_permille = frag;
	switch (cfg.policy) {
	case BUDDY_POLICY_ALWAYS_MAX:
		dec->raise = true;
		dec->rewrite = true;
		break;
	case BUDDY_POLICY_ADAPTIVE:
		dec->raise = bm_tuner_over(frag, cfg.threshold);
		dec->rewrite = dec->raise;
		break;
	case BUDDY_POLICY_OBSERVE:
		dec->raise = bm_tuner_over(frag, cfg.threshold);
		break;
	case BUDDY_POLICY_EVACUATE:
		/*
		 * The kernel's priority runs; a block is emptied beside it.
		 * Below the pageblock order the block would be a whole
		 * pageblock (alloc_contig_range() isolates whole ones): for
		 * an order-3 request 64 times the pages it needs, moved while
		 * it waits. Compaction stops as soon as a free page of the
		 * order appears, so those requests are left to it at the
		 * kernel's own priority. Measured on a heap fragmented at
		 * order 2, 16384 order-3 requests: the kernel alone 42 s;
		 * emptying a pageblock each, or raising each compaction to
		 * full priority, still running after 4.5 minutes.
		 */
		if (order >= pageblock_order)
			dec->evacuate = bm_tuner_over(frag, cfg.threshold);
		break;
	default:
		dec->decided = false;
		break;
	}
}

void bm_tuner_account_decision(unsigned int order,
			       const struct bm_tuner_decision *dec)
{
	if (!dec->decided)
		return;
	this_cpu_inc(bm_misc_pcpu->decisions[order]);
	if (dec->evacuate)
		return;		/* counted by the worker as a kick */
	if (dec->rewrite)
		this_cpu_inc(bm_misc_pcpu->raises[order]);
	else if (dec->raise)
		this_cpu_inc(bm_misc_pcpu->would_raise[order]);
	else
		this_cpu_inc(bm_misc_pcpu->deferrals[order]);
}

void bm_tuner_account_outcome(unsigned int order, bool raised,
			      unsigned int uapi_result, bool got_page)
{
	if (raised) {
		if (uapi_result < BM_RESULTS)
			this_cpu_inc(bm_misc_pcpu->raised_result[order][uapi_result]);
		if (got_page)
			this_cpu_inc(bm_misc_pcpu->raised_success[order]);
	} else {
		if (uapi_result < BM_RESULTS)
			this_cpu_inc(bm_misc_pcpu->kept_result[order][uapi_result]);
		if (got_page)
			this_cpu_inc(bm_misc_pcpu->kept_success[order]);
	}
}
