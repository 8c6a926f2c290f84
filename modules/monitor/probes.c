// SPDX-License-Identifier: GPL-2.0
/*
 * Where the monitor attaches to the allocator, and why there.
 *
 * Requests, successes, failures (kmem:mm_page_alloc). The tracepoint fires
 * exactly once per __alloc_pages() call, at its end, with the page or NULL,
 * so counting there classifies every request exactly once, at completion:
 * requests are not counted separately but reported as successes +
 * failures, which makes requests == successes + failures hold by
 * construction. A tracepoint probe costs one static-key branch and an
 * indirect call; an ftrace hook on __alloc_pages() would cost a full
 * register save on every allocation and would not see the result.
 *
 * Slow-path entries. __alloc_pages_slowpath() has no tracepoint and is not
 * ftrace-able: it is declared static inline (so notrace) and GCC emits it
 * as a clone, "__alloc_pages_slowpath.constprop.0" on 6.1.0-56. A kretprobe
 * works on it (int3 or an optimized jump). Disassembly of that kernel
 * shows the clone keeps the normal convention for what is read here:
 * gfp in edi, order in esi, ac in rdx (the caller in __alloc_pages does
 * mov %ebp,%esi; mov %ebx,%edi; mov %rsp,%rdx; call), and the page is
 * returned in rax.
 *
 * To keep slowpath <= requests exact even when read under load, a
 * slow-path entry is counted when its request completes, in the same
 * per-CPU write section as the request (stats.h), not when it starts. The
 * slow path's return probe records (task, context level, returned page,
 * order) in a small table; the mm_page_alloc probe, when the table is
 * non-empty (one atomic read otherwise), consumes the entry of the same
 * task and context level whose page is the request's page. Between the
 * slow path's return and the tracepoint __alloc_pages() only does the memcg
 * charge, which can reclaim and so allocate: those nested allocations
 * complete (and consume their own entries) first, and they cannot return
 * the same page, so matching on the page keeps them apart; interrupts
 * allocating on the same CPU run at another context level. Residual case:
 * the memcg charge fails, __alloc_pages() frees the page and reports NULL;
 * then the entry of the same task, level and order whose page is not NULL
 * is taken. That guess is wrong only if a nested allocation of the same
 * order inside that charge also fails without having entered the slow path
 * (possible only with fault injection); the counts stay per order and the
 * invariant holds either way. Entries that nobody consumes (none are
 * expected) are reclaimed after BM_SLOW_STALE and counted as missed, as
 * are kretprobe misses and table overflows (BUDDY_MON_A_SLOWPATH_MISSED).
 *
 * Latency, while capture is on (latency.c has the whole mechanism and its
 * residual cases): an ftrace_ops on __alloc_pages() stores the start time
 * in a per-CPU, per-level slot; the mm_page_alloc probe above ends the
 * request (bm_lat_complete(), a static branch while capture is off). The
 * slow-path kretprobe carries the current task's slots across the slow
 * path, which sleeps and whose own allocations reuse them: it copies them
 * at entry and writes the one of its level back, marked slow, at return.
 *
 * Direct compaction: attempts per order and priority come from the
 * kernel's own compaction:mm_compaction_try_to_compact_pages tracepoint
 * (so they agree with it by construction), deferrals from
 * compaction:mm_compaction_deferred. Outcomes and the tuner use one
 * kretprobe on __alloc_pages_direct_compact(gfp, order, alloc_flags, ac,
 * prio, compact_result): the function is ftrace-able, so the kretprobe's
 * entry is an ftrace_ops with FTRACE_OPS_FL_SAVE_REGS and without IPMODIFY
 * (kprobes only asks for IPMODIFY when a post_handler exists), which
 * coexists with livepatch and tracers on the same function. Disassembly of
 * 6.1.0-56 confirms prio arrives in r8d (stored right after the fentry
 * call) and compact_result in r9 (the function later stores eax to
 * (%r14) = r9). The entry handler runs the tuner and may rewrite r8; the
 * return handler reads *compact_result (the caller's stack variable, alive
 * until the caller returns) and rax (the page). Decision and outcome in one
 * kretprobe keep them paired deterministically; two separate ftrace ops on
 * one function would run in an unspecified order.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/kprobes.h>
#include <linux/sched.h>
#include <linux/tracepoint.h>

/* Named in compaction tracepoint prototypes; defined in mm/internal.h. */
struct compact_control;
#include <trace/events/compaction.h>
#include <trace/events/kmem.h>

#include "compat/kprobes.h"
#include "compat/symbols.h"
#include "compat/mm.h"
#include "compat/tracepoints.h"
#include "monitor/events.h"
#include "monitor/latency.h"
#include "monitor/probes.h"
#include "monitor/stats.h"
#include "monitor/tuner.h"

/* ---- slow-path linkage table ------------------------------------------ */

#define BM_SLOW_BUCKET_BITS	6
#define BM_SLOW_WAYS		4
#define BM_SLOW_STALE		(60 * HZ)
#define BM_SLOT_BUSY		((struct task_struct *)1UL)

struct bm_slow_slot {
	struct task_struct *task;	/* NULL: free; BM_SLOT_BUSY: filling */
	struct page *page;
	unsigned long stamp;
	u8 level;
	u8 order;
	u8 compacted;
};

static struct bm_slow_slot bm_slow_tab[1 << BM_SLOW_BUCKET_BITS][BM_SLOW_WAYS];
static atomic_t bm_slow_pending = ATOMIC_INIT(0);
static atomic64_t bm_slow_lost = ATOMIC64_INIT(0);

static struct bm_slow_slot *bm_slow_bucket(void)
{
	return bm_slow_tab[hash_ptr(current, BM_SLOW_BUCKET_BITS)];
}

static void bm_slow_record(struct page *page, unsigned int order,
			   bool compacted, unsigned int level)
{
	struct bm_slow_slot *b = bm_slow_bucket(), *s;
	struct task_struct *t;
	int w;

	for (w = 0; w < BM_SLOW_WAYS; w++) {
		s = &b[w];
		if (!READ_ONCE(s->task) && !cmpxchg(&s->task, NULL, BM_SLOT_BUSY))
			goto fill;
	}
	/* Bucket full: take over an entry nobody consumed for a long time. */
	for (w = 0; w < BM_SLOW_WAYS; w++) {
		s = &b[w];
		t = READ_ONCE(s->task);
		if (t && t != BM_SLOT_BUSY &&
		    time_after(jiffies, READ_ONCE(s->stamp) + BM_SLOW_STALE) &&
		    cmpxchg(&s->task, t, BM_SLOT_BUSY) == t) {
			atomic_dec(&bm_slow_pending);
			atomic64_inc(&bm_slow_lost);
			goto fill;
		}
	}
	atomic64_inc(&bm_slow_lost);
	return;
fill:
	s->page = page;
	s->order = order;
	s->level = level;
	s->compacted = compacted;
	s->stamp = jiffies;
	atomic_inc(&bm_slow_pending);
	/* Publish: a reader that sees the owner also sees the fields. */
	smp_store_release(&s->task, current);
}

struct bm_slow_hit {
	u8 slow;
	u8 compacted;
};

/*
 * Take the entry of the request completing now, if it went through the
 * slow path. Only the owning task at the owning level can match an entry;
 * the cmpxchg settles a race with a stale-entry takeover.
 */
static void bm_slow_consume(struct page *page, unsigned int order,
			    struct bm_slow_hit *hit)
{
	struct bm_slow_slot *b = bm_slow_bucket(), *s, *best = NULL;
	unsigned int level = bm_level();
	bool exact = false;
	u8 compacted;
	int w;

	for (w = 0; w < BM_SLOW_WAYS && !exact; w++) {
		struct page *p;

		s = &b[w];
		/* Pairs with the release in bm_slow_record(). */
		if (smp_load_acquire(&s->task) != current ||
		    READ_ONCE(s->level) != level)
			continue;
		p = READ_ONCE(s->page);
		if (p == page) {
			best = s;
			exact = true;
		} else if (!page && p && !best && READ_ONCE(s->order) == order) {
			best = s;	/* memcg charge failed, see top */
		}
	}
	if (!best)
		return;
	compacted = READ_ONCE(best->compacted);
	if (cmpxchg(&best->task, current, NULL) != current)
		return;
	atomic_dec(&bm_slow_pending);
	hit->slow = 1;
	hit->compacted = compacted;
}

/* ---- tracepoint probes -------------------------------------------------- */

/*
 * One completed request in this CPU's block. Inlined into the probe: on
 * the allocator's fast path it is a handful of increments, and nothing
 * that needs a stack frame.
 */
static __always_inline void bm_count_alloc(bool ok, unsigned int order,
					   unsigned int mt, struct bm_slow_hit hit)
{
	struct bm_core *c = bm_core_begin();

	if (ok)
		c->c.success[order]++;
	else
		c->c.failure[order]++;
	if (likely(mt < BM_MTS)) {
		c->c.mt_req[order][mt]++;
		if (!ok)
			c->c.mt_fail[order][mt]++;
	}
	if (hit.slow) {
		c->c.slowpath[order]++;
		c->c.compact_reqs[order] += hit.compacted;
	}
	bm_core_end(c);
}

/* A failure's event: its own frame, off every other path. */
static noinline void bm_alloc_failed_event(unsigned int order, gfp_t gfp,
					   unsigned int mt)
{
	struct bm_event ev = {
		.type = BUDDY_EV_ALLOC_FAIL,
		.fields = BM_EVF_ORDER | BM_EVF_GFP | BM_EVF_MT | BM_EVF_TASK,
		.order = order,
		.gfp = (__force u32)gfp,
		.mt = mt,
	};

	bm_event_emit(&ev);
}

/*
 * Everything but the common case: latency capture on, a slow-path entry
 * waiting to be matched, or a failure. Out of line, so the common case
 * needs neither calls nor saved registers.
 */
static noinline void bm_probe_page_alloc_full(struct page *page,
					      unsigned int order, gfp_t gfp,
					      int migratetype)
{
	unsigned int mt = bm_mt_to_uapi(migratetype);
	struct bm_slow_hit hit = { 0 };

	bm_lat_complete(order);
	if (atomic_read(&bm_slow_pending))
		bm_slow_consume(page, order, &hit);
	bm_count_alloc(!!page, order, mt, hit);
	if (!page && bm_events_wanted())
		bm_alloc_failed_event(order, gfp, mt);
}

/*
 * TP_PROTO(struct page *page, unsigned int order, gfp_t gfp_flags, int migratetype)
 * Runs on every allocation. The common case, a success with no slow-path
 * entry waiting and latency capture off, is a few increments of this
 * CPU's counters: what a probe costs beyond the tracepoint's own call.
 */
static void bm_probe_page_alloc(void *data, struct page *page,
				unsigned int order, gfp_t gfp, int migratetype)
{
	static const struct bm_slow_hit fast = { 0 };

	if (unlikely(order >= BM_ORDERS))
		return;
	if (unlikely(!page || atomic_read(&bm_slow_pending) ||
		     static_branch_unlikely(&bm_lat_key))) {
		bm_probe_page_alloc_full(page, order, gfp, migratetype);
		return;
	}
	bm_count_alloc(true, order, bm_mt_to_uapi(migratetype), fast);
}

/*
 * TP_PROTO(struct page *page, int alloc_order, int fallback_order,
 *	    int alloc_migratetype, int fallback_migratetype)
 * Called under zone->lock with interrupts off.
 */
static void bm_probe_extfrag(void *data, struct page *page, int alloc_order,
			     int fallback_order, int alloc_mt, int fallback_mt)
{
	unsigned int amt = bm_mt_to_uapi(alloc_mt);
	unsigned int fmt = bm_mt_to_uapi(fallback_mt);

	if (unlikely((unsigned int)alloc_order >= BM_ORDERS ||
		     (unsigned int)fallback_order >= BM_ORDERS ||
		     fallback_order < alloc_order ||
		     amt >= BM_MTS || fmt >= BM_MTS))
		return;
	this_cpu_inc(bm_fb_pcpu->n[bm_fb_pair(alloc_order, fallback_order)][amt][fmt]);
}

/* TP_PROTO(int order, gfp_t gfp_mask, int prio) */
static void bm_probe_try_compact(void *data, int order, gfp_t gfp, int prio)
{
	unsigned int p = bm_prio_to_uapi(prio);

	if (unlikely((unsigned int)order >= BM_ORDERS))
		return;
	this_cpu_inc(bm_misc_pcpu->compact_attempts[order]);
	if (likely(p < BM_PRIOS))
		this_cpu_inc(bm_misc_pcpu->compact_prio[order][p]);
}

/* TP_PROTO(struct zone *zone, int order) */
static void bm_probe_deferred(void *data, struct zone *zone, int order)
{
	if (unlikely((unsigned int)order >= BM_ORDERS))
		return;
	this_cpu_inc(bm_misc_pcpu->compact_deferred[order]);
}

struct bm_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
};

static struct bm_tp bm_tps[] = {
	{ "mm_page_alloc", bm_probe_page_alloc },
	{ "mm_page_alloc_extfrag", bm_probe_extfrag },
	{ "mm_compaction_try_to_compact_pages", bm_probe_try_compact },
	{ "mm_compaction_deferred", bm_probe_deferred },
};

/* Never called: makes the compiler check each probe against TP_PROTO. */
static void __maybe_unused bm_check_probe_types(void)
{
	BM_CHECK_PROBE(mm_page_alloc, bm_probe_page_alloc);
	BM_CHECK_PROBE(mm_page_alloc_extfrag, bm_probe_extfrag);
	BM_CHECK_PROBE(mm_compaction_try_to_compact_pages, bm_probe_try_compact);
	BM_CHECK_PROBE(mm_compaction_deferred, bm_probe_deferred);
}

static void bm_tps_unregister(int n)
{
	while (n-- > 0)
		tracepoint_probe_unregister(bm_tps[n].tp, bm_tps[n].probe, NULL);
	tracepoint_synchronize_unregister();
}

static int bm_tps_register(void)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(bm_tps); i++) {
		bm_tps[i].tp = bm_tracepoint_find(bm_tps[i].name);
		if (!bm_tps[i].tp) {
			pr_err("cannot hook tracepoint %s on this kernel: not found\n",
			       bm_tps[i].name);
			return -ENOENT;
		}
	}
	for (i = 0; i < ARRAY_SIZE(bm_tps); i++) {
		ret = tracepoint_probe_register(bm_tps[i].tp, bm_tps[i].probe,
						NULL);
		if (ret) {
			pr_err("cannot hook tracepoint %s on this kernel: error %d\n",
			       bm_tps[i].name, ret);
			bm_tps_unregister(i);
			return ret;
		}
	}
	return 0;
}

/* ---- slow path kretprobe ---------------------------------------------- */

struct bm_slow_ri {
	unsigned int order;
	bool compacted;		/* set by the direct compaction hook */
	struct bm_lat_carry lat;
};

static int bm_slow_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bm_slow_ri *d = (struct bm_slow_ri *)ri->data;

	/*
	 * May run in int3 context (in_nmi() is true there): read only the
	 * arguments and the latency slots of all levels here; the context
	 * level is taken at return.
	 */
	d->order = bm_regs_arg(regs, 1);
	d->compacted = false;
	bm_lat_slow_enter(&d->lat);
	return 0;
}

static int bm_slow_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bm_slow_ri *d = (struct bm_slow_ri *)ri->data;
	struct page *page = (struct page *)regs_return_value(regs);
	unsigned int level = bm_level();

	if (d->order < BM_ORDERS)
		bm_slow_record(page, d->order, d->compacted, level);
	bm_lat_slow_return(&d->lat, level);
	return 0;
}

static struct kretprobe bm_slow_rp = {
	.entry_handler = bm_slow_entry,
	.handler = bm_slow_ret,
	.data_size = sizeof(struct bm_slow_ri),
};

static int bm_slow_register(void)
{
	static const char * const names[] = BM_SYM_SLOWPATH_CANDIDATES;
	int i, ret = -ENOENT;

	/* Slow paths sleep in reclaim and compaction: many can be in flight. */
	bm_slow_rp.maxactive = max_t(int, 256, 16 * num_possible_cpus());
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		bm_slow_rp.kp.addr = NULL;
		bm_slow_rp.kp.flags = 0;
		bm_slow_rp.kp.symbol_name = names[i];
		ret = register_kretprobe(&bm_slow_rp);
		if (!ret)
			return 0;
		if (ret != -ENOENT && ret != -EINVAL)
			break;
	}
	pr_err("cannot hook __alloc_pages_slowpath on this kernel: error %d (tried %s and other clone names)\n",
	       ret, names[0]);
	return ret;
}

/* ---- direct compaction kretprobe (outcomes + tuner) ---------------------- */

struct bm_dc_ri {
	enum compact_result *result;
	gfp_t gfp;
	u8 order;
	u8 orig_prio;
	u8 eff_prio;
	u8 raised;
	u16 unusable_permille;
	u8 decided;
	u8 evacuate;		/* read by evacuate.c's try_to_compact_pages hook */
};

static void bm_dc_event(const struct bm_dc_ri *d, u32 type, u32 result)
{
	struct bm_event ev = {
		.type = type,
		.fields = BM_EVF_ORDER | BM_EVF_GFP | BM_EVF_PRIO | BM_EVF_TASK,
		.order = d->order,
		.gfp = (__force u32)d->gfp,
		.prio = bm_prio_to_uapi(d->eff_prio),
		.orig_prio = bm_prio_to_uapi(d->orig_prio),
		.result = result,
		.unusable_pct = d->unusable_permille / 10,
	};

	if (type == BUDDY_EV_COMPACT)
		ev.fields |= BM_EVF_RESULT;
	if (d->decided)
		ev.fields |= BM_EVF_FRAG;
	bm_event_emit(&ev);
}

static int bm_dc_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bm_dc_ri *d = (struct bm_dc_ri *)ri->data;
	unsigned int order = bm_regs_arg(regs, 1);
	int prio = (int)bm_regs_arg(regs, 4);
	struct bm_tuner_decision dec;
	struct kretprobe_instance *slow;

	/* Order 0 returns at once without compacting: nothing to see. */
	if (!order || order >= BM_ORDERS)
		return 1;

	d->gfp = (__force gfp_t)bm_regs_arg(regs, 0);
	d->order = order;
	d->orig_prio = prio;
	d->result = (enum compact_result *)bm_regs_arg(regs, 5);

	bm_tuner_decide(d->gfp, order, prio, &dec);
	if (dec.rewrite)
		bm_regs_set_arg4(regs, MIN_COMPACT_PRIORITY);
	d->eff_prio = dec.rewrite ? MIN_COMPACT_PRIORITY : prio;
	d->raised = dec.rewrite;
	d->decided = dec.decided;
	d->unusable_permille = dec.unusable_permille;
	d->evacuate = dec.evacuate;
	bm_tuner_account_decision(order, &dec);

	/*
	 * Tell the enclosing slow path that its request compacted. Direct
	 * compaction needs direct reclaim, so this is task context, and any
	 * interrupt's slow-path instances have been popped by now: the
	 * innermost slow-path instance of this task is the caller.
	 */
	if (in_task()) {
		slow = bm_kretprobe_innermost(&bm_slow_rp);
		if (slow)
			((struct bm_slow_ri *)slow->data)->compacted = true;
	}

	if (dec.decided && bm_events_wanted())
		bm_dc_event(d, BUDDY_EV_TUNER, 0);
	return 0;
}

static int bm_dc_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bm_dc_ri *d = (struct bm_dc_ri *)ri->data;
	bool got_page = regs_return_value(regs) != 0;
	unsigned int r = bm_result_to_uapi(READ_ONCE(*d->result));

	if (likely(r < BM_RESULTS))
		this_cpu_inc(bm_misc_pcpu->compact_result[d->order][r]);
	if (got_page)
		this_cpu_inc(bm_misc_pcpu->compact_page[d->order]);
	bm_tuner_account_outcome(d->order, d->raised, r, got_page);
	if (bm_events_wanted())
		bm_dc_event(d, BUDDY_EV_COMPACT, r);
	return 0;
}

static struct kretprobe bm_dc_rp = {
	.kp.symbol_name = BM_SYM_DIRECT_COMPACT,
	.entry_handler = bm_dc_entry,
	.handler = bm_dc_ret,
	.data_size = sizeof(struct bm_dc_ri),
};

static int bm_dc_register(void)
{
	int ret;

	/* Direct compactions sleep (migration, reclaim of the target). */
	bm_dc_rp.maxactive = max_t(int, 256, 16 * num_possible_cpus());
	ret = register_kretprobe(&bm_dc_rp);
	if (ret) {
		pr_err("cannot hook %s on this kernel: error %d\n",
		       BM_SYM_DIRECT_COMPACT, ret);
		return ret;
	}
	if (!bm_kprobe_on_ftrace(&bm_dc_rp.kp)) {
		unregister_kretprobe(&bm_dc_rp);
		pr_err("cannot hook %s on this kernel: not ftrace-able (no fentry site)\n",
		       BM_SYM_DIRECT_COMPACT);
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * Called from evacuate.c's ftrace hook at the entry of try_to_compact_pages(),
 * which __alloc_pages_direct_compact() calls once per direct compaction:
 * the innermost direct-compaction instance of this task is the caller's,
 * and its decision is taken once, so a second call does not evacuate.
 */
bool bm_probes_take_evacuation(void)
{
	struct kretprobe_instance *ri = bm_kretprobe_innermost(&bm_dc_rp);
	struct bm_dc_ri *d;

	if (!ri)
		return false;
	d = (struct bm_dc_ri *)ri->data;
	if (!d->evacuate)
		return false;
	d->evacuate = 0;
	return true;
}

u64 bm_probes_slowpath_missed(void)
{
	return bm_kretprobe_missed(&bm_slow_rp) + atomic64_read(&bm_slow_lost);
}

int bm_probes_init(void)
{
	int ret;

	ret = bm_tps_register();
	if (ret)
		return ret;
	ret = bm_slow_register();
	if (ret)
		goto err_tps;
	ret = bm_dc_register();
	if (ret)
		goto err_slow;
	return 0;

err_slow:
	unregister_kretprobe(&bm_slow_rp);
err_tps:
	bm_tps_unregister(ARRAY_SIZE(bm_tps));
	return ret;
}

/*
 * unregister_kretprobe() returns after an RCU grace period: no handler of
 * ours runs any more, and instances still on some task's shadow stack
 * return through the rethook trampoline without calling us. The tracepoint
 * probes are gone for good after tracepoint_synchronize_unregister().
 */
void bm_probes_exit(void)
{
	unregister_kretprobe(&bm_dc_rp);
	unregister_kretprobe(&bm_slow_rp);
	bm_tps_unregister(ARRAY_SIZE(bm_tps));
}
