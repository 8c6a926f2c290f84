// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation latency, per order, split fast path / slow path.
 *
 * Entry: an ftrace_ops filtered to __alloc_pages() (its fentry site),
 * without SAVE_REGS, IPMODIFY or RECURSION: the cheapest hook ftrace has,
 * a call from the function's own trampoline that saves only the argument
 * registers. It stores a start time in this CPU's slot for the current
 * context level (task, softirq, hardirq, NMI: bm_level()), together with
 * the task and its context-switch count (nvcsw + nivcsw).
 *
 * Exit: __alloc_pages() ends with trace_mm_page_alloc(page, order, ...),
 * and the monitor's probe on that tracepoint (probes.c) is already there
 * for the counters. While capture is on it takes this CPU's slot at the
 * current level and times the request, by the tracepoint's order, if the
 * slot belongs to the current task and the task has not switched since:
 * a task that slept, was preempted or migrated finds either another
 * CPU's slot or a count that moved on, and a slot left behind by a task
 * that has since left this CPU never matches the next one. Then the slot
 * is cleared. A request whose slot does not match is counted as missed,
 * not timed. So there is no return trampoline and no per-call instance to
 * allocate: the per-allocation cost is one ftrace call and a few loads and
 * stores in a probe that runs anyway.
 *
 * Slow path: __alloc_pages_slowpath() sleeps, and the allocations it
 * makes itself (reclaim) reuse the slot. Its kretprobe (probes.c) copies,
 * at entry, the slots of this CPU that belong to the current task with an
 * unchanged switch count (the entry may run as an int3 handler, where
 * bm_level() says NMI, so all four are copied); at return, in the
 * caller's context, it writes the copy for bm_level() back to the slot of
 * the CPU it returns on, with the switch count of now and the slow flag,
 * or clears that slot when there is no copy. The tracepoint follows, and
 * matches.
 *
 * Residual cases, all counted as missed rather than timed wrongly:
 *  - the task is preempted between the entry and the slow path, or
 *    between the slow path (or the fast path) and the tracepoint;
 *  - the memcg charge between the slow (or fast) path and the tracepoint
 *    sleeps in reclaim, or allocates at the same level: its nested
 *    request takes the slot and clears it, and the outer one is missed;
 *  - requests in flight when capture is switched on.
 * Cases that are not caught:
 *  - a request nested in another at the same level that returns without
 *    reaching the tracepoint (only fault injection or an order >=
 *    MAX_ORDER do that) leaves its own slot, and the outer request is
 *    then timed from the nested one's start, so too short;
 *  - the slow path's kretprobe missed the call (no free instance, counted
 *    in BUDDY_MON_A_SLOWPATH_MISSED): if the slow path then neither slept
 *    nor allocated, the request is timed correctly but as fast path,
 *    otherwise it is missed;
 *  - later kernels fire mm_page_alloc from an entry point that does not
 *    pass __alloc_pages() (try_alloc_pages(), for BPF); such a call
 *    nested in a request at the same level would end that request. On
 *    6.1 every mm_page_alloc comes from __alloc_pages().
 *
 * local_clock() is per-CPU. A matched fast-path request never left its
 * CPU; a slow one may have, and can then see a slightly smaller value on
 * the new CPU, so negative differences count as 0.
 *
 * Duty cycles: even an idle hook costs its trampoline call on every
 * allocation (the measured overhead of capture is mostly that), and only
 * unregistering the ops removes it. So below BUDDY_LAT_DUTY_MAX_PCT a
 * delayed work item registers the ops for duty percent of each
 * BUDDY_LAT_DUTY_PERIOD_MS and unregisters it for the rest; a work item,
 * because register_ftrace_function() and unregister_ftrace_function()
 * sleep. The histograms then sample the distribution in time: its shape
 * is kept, its counts scale with the duty, and bursts shorter than the
 * off part of a period may be missed entirely. Each window starts like a
 * switch-on (slots cleared: requests already in flight are missed, never
 * timed from a stale slot) and ends like a switch-off (requests that end
 * after it are not counted at all). A slow-path request whose kretprobe
 * carried its start across an off window is still timed from its real
 * start. The time between the consumer's enable and disable is summed
 * (bm_lat_time_*) so that counts can be read as rates; at 100 the ops
 * stays registered while capture is on, with no work item.
 *
 * The ftrace_ops is registered only while capture is on, under
 * bm_lat_mutex. Its filter is set once at load, which also proves the
 * function is ftrace-able there: the module refuses to load otherwise.
 * unregister_ftrace_function() waits until no CPU runs the callback (the
 * ops lives in module data, so ftrace treats it as dynamic and
 * synchronizes with synchronize_rcu_tasks_rude() and
 * synchronize_rcu_tasks()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/jiffies.h>
#include <linux/jump_label.h>
#include <linux/ktime.h>
#include <linux/kallsyms.h>
#include <linux/log2.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "compat/symbols.h"
#include "monitor/latency.h"

/*
 * One per CPU and context level. Only that level on that CPU writes it
 * (an interrupt runs at another level), so plain accesses suffice.
 */
struct bm_lat_slot {
	struct task_struct *task;	/* NULL: empty */
	unsigned long switches;
	u64 t0;
	u8 slow;
};

struct bm_lat_slots {
	struct bm_lat_slot lv[BM_NR_LEVELS];
};

struct bm_lat_max {
	u64 max_ns[BM_ORDERS][2];
};

static DEFINE_PER_CPU(struct bm_lat_slots, bm_lat_slots);
static DEFINE_PER_CPU(u64, bm_lat_missed_pcpu);
static struct bm_lat_counts __percpu *bm_lat_pcpu;
static struct bm_lat_max __percpu *bm_lat_max_pcpu;
static DEFINE_MUTEX(bm_lat_base_mutex);	/* the reset baseline */
static struct bm_lat_counts *bm_lat_base;
static u64 bm_lat_missed_base;

static DEFINE_MUTEX(bm_lat_mutex);	/* registration, on, duty, cycle */
static bool bm_lat_on;			/* capture is on (the user's switch) */
static bool bm_lat_hooked;		/* bm_lat_ops is registered now */
static unsigned int bm_lat_duty = BUDDY_LAT_DUTY_MAX_PCT;
static ktime_t bm_lat_window_start;	/* of the current duty window */
static void bm_lat_duty_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(bm_lat_duty_work, bm_lat_duty_fn);

/* Time the consumer was enabled: closed windows, and the open one. */
static DEFINE_SPINLOCK(bm_lat_time_lock);
static u64 bm_lat_time_ns;		/* since the last reset */
static u64 bm_lat_time_since;		/* ktime_get_ns() it was enabled */
static bool bm_lat_timing;
static const char *bm_lat_entry_name;	/* the function hooked */
static bool bm_lat_filtered;		/* bm_lat_ops has its filter */
DEFINE_STATIC_KEY_FALSE(bm_lat_key);	/* the probes consume the slots */

static __always_inline unsigned long bm_switches(struct task_struct *t)
{
	return READ_ONCE(t->nvcsw) + READ_ONCE(t->nivcsw);
}

/*
 * The fentry callback of __alloc_pages(). notrace, and it calls nothing
 * that can be traced or allocate, so it cannot recurse: that is why the
 * ops does without FTRACE_OPS_FL_RECURSION and its trampoline calls it
 * directly. It may run preemptible, hence the preempt_disable_notrace().
 * (With the flag, ftrace_ops_assist_func() wraps it in its recursion lock:
 * in one TCG guest without init_on_alloc, capture then added 540 ns per
 * order-0 or order-3 pair over an unloaded kernel instead of 420..460.)
 */
static void notrace bm_lat_entry(unsigned long ip, unsigned long parent_ip,
				 struct ftrace_ops *op,
				 struct ftrace_regs *fregs)
{
	struct task_struct *t = current;
	struct bm_lat_slot *s;

	preempt_disable_notrace();
	s = this_cpu_ptr(&bm_lat_slots.lv[bm_level()]);
	s->task = t;
	s->switches = bm_switches(t);
	s->slow = 0;
	s->t0 = local_clock();
	preempt_enable_notrace();
}

static struct ftrace_ops bm_lat_ops = {
	.func = bm_lat_entry,
};

static unsigned int bm_lat_bucket(u64 ns)
{
	if (ns < 2)
		return 0;
	return min_t(unsigned int, ilog2(ns), BUDDY_LAT_BUCKETS - 1);
}

static void bm_lat_account(unsigned int o, unsigned int s, u64 ns)
{
	u64 old, prev;

	this_cpu_inc(bm_lat_pcpu->hist[o][s][bm_lat_bucket(ns)]);
	this_cpu_add(bm_lat_pcpu->sum_ns[o][s], ns);
	/* A racing interrupt on this CPU may update the max too: cmpxchg. */
	old = this_cpu_read(bm_lat_max_pcpu->max_ns[o][s]);
	while (ns > old) {
		prev = this_cpu_cmpxchg(bm_lat_max_pcpu->max_ns[o][s], old, ns);
		if (prev == old)
			break;
		old = prev;
	}
}

void __bm_lat_complete(unsigned int order)
{
	struct bm_lat_slot *s = this_cpu_ptr(&bm_lat_slots.lv[bm_level()]);
	struct task_struct *t = current;
	u64 now = local_clock();
	s64 delta;

	if (s->task != t || s->switches != bm_switches(t)) {
		this_cpu_inc(bm_lat_missed_pcpu);
		return;
	}
	s->task = NULL;
	delta = (s64)(now - s->t0);
	bm_lat_account(order, s->slow ? BM_LAT_SLOW : BM_LAT_FAST,
		       delta > 0 ? delta : 0);
}

void bm_lat_slow_enter(struct bm_lat_carry *c)
{
	struct task_struct *t = current;
	struct bm_lat_slots *sl;
	unsigned long sw;
	unsigned int i;

	c->valid = 0;
	if (!static_branch_unlikely(&bm_lat_key))
		return;
	sw = bm_switches(t);
	preempt_disable_notrace();
	sl = this_cpu_ptr(&bm_lat_slots);
	for (i = 0; i < BM_NR_LEVELS; i++) {
		if (sl->lv[i].task == t && sl->lv[i].switches == sw) {
			c->t0[i] = sl->lv[i].t0;
			c->valid |= BIT(i);
		}
	}
	preempt_enable_notrace();
}

void bm_lat_slow_return(const struct bm_lat_carry *c, unsigned int level)
{
	struct task_struct *t = current;
	struct bm_lat_slot *s;

	if (!static_branch_unlikely(&bm_lat_key))
		return;
	preempt_disable_notrace();
	s = this_cpu_ptr(&bm_lat_slots.lv[level]);
	if (c->valid & BIT(level)) {
		s->task = t;
		s->switches = bm_switches(t);
		s->t0 = c->t0[level];
		s->slow = 1;
	} else {
		s->task = NULL;
	}
	preempt_enable_notrace();
}

/*
 * Called with capture off and no callback or consumer running (see
 * bm_lat_unregister()), so nothing writes the slots concurrently.
 */
static void bm_lat_clear_slots(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(&bm_lat_slots, cpu), 0,
		       sizeof(struct bm_lat_slots));
}

/*
 * Slots are cleared first, so a request that was in flight before the
 * hook existed finds no slot at its tracepoint (missed), never an old one.
 */
static int bm_lat_register(void)
{
	int ret;

	bm_lat_clear_slots();
	ret = register_ftrace_function(&bm_lat_ops);
	if (ret) {
		pr_err("cannot hook %s on this kernel: ftrace error %d\n",
		       bm_lat_entry_name, ret);
		return ret;
	}
	static_branch_enable(&bm_lat_key);
	spin_lock(&bm_lat_time_lock);
	bm_lat_time_since = ktime_get_ns();
	bm_lat_timing = true;
	spin_unlock(&bm_lat_time_lock);
	bm_lat_hooked = true;
	return 0;
}

/*
 * After this returns, no CPU runs the entry callback (see the top) nor a
 * consumer that saw the key enabled: those run with preemption disabled
 * (tracepoint probes, kretprobe handlers), and synchronize_rcu() waits for
 * such sections.
 */
static void bm_lat_unregister(void)
{
	spin_lock(&bm_lat_time_lock);
	bm_lat_time_ns += ktime_get_ns() - bm_lat_time_since;
	bm_lat_timing = false;
	spin_unlock(&bm_lat_time_lock);
	static_branch_disable(&bm_lat_key);
	WARN_ON_ONCE(unregister_ftrace_function(&bm_lat_ops));
	synchronize_rcu();
	bm_lat_hooked = false;
}

/* Queue the next edge of the cycle @ms after the current window began. */
static void bm_lat_duty_arm(unsigned int ms)
{
	s64 left = ms - ktime_ms_delta(ktime_get(), bm_lat_window_start);

	queue_delayed_work(system_long_wq, &bm_lat_duty_work,
			   left > 0 ? msecs_to_jiffies(left) : 0);
}

static unsigned int bm_lat_window_ms(void)
{
	return BUDDY_LAT_DUTY_PERIOD_MS * bm_lat_duty / BUDDY_LAT_DUTY_MAX_PCT;
}

/*
 * One edge of the cycle: at the end of a window, unregister and sleep
 * until the next period; at its start, register and sleep for the window.
 * The edges are timed from the window's start, so the period holds even
 * when unregistering waits long for RCU. A registration that fails is
 * retried the next period (capture stays on, as configured).
 */
static void bm_lat_duty_fn(struct work_struct *work)
{
	mutex_lock(&bm_lat_mutex);
	if (!bm_lat_on || bm_lat_duty >= BUDDY_LAT_DUTY_MAX_PCT)
		goto out;
	if (bm_lat_hooked) {
		bm_lat_unregister();
		bm_lat_duty_arm(BUDDY_LAT_DUTY_PERIOD_MS);
		goto out;
	}
	bm_lat_window_start = ktime_get();
	if (bm_lat_register()) {
		bm_lat_duty_arm(BUDDY_LAT_DUTY_PERIOD_MS);
		goto out;
	}
	bm_lat_duty_arm(bm_lat_window_ms());
out:
	mutex_unlock(&bm_lat_mutex);
}

/*
 * The work takes bm_lat_mutex, so it is cancelled (and waited for) before
 * the mutex is taken, then rearmed from the resulting state: a new or
 * changed setting starts a period with its window, now. Callers serialize
 * (bm_config_mutex, or load and unload).
 */
int bm_lat_configure(bool on, unsigned int duty)
{
	bool same;
	int ret = 0;

	mutex_lock(&bm_lat_mutex);
	same = on == bm_lat_on && (!on || duty == bm_lat_duty);
	if (same)
		bm_lat_duty = duty;
	mutex_unlock(&bm_lat_mutex);
	if (same)
		return 0;

	cancel_delayed_work_sync(&bm_lat_duty_work);
	mutex_lock(&bm_lat_mutex);
	if (on && !bm_lat_hooked)
		ret = bm_lat_register();
	else if (!on && bm_lat_hooked)
		bm_lat_unregister();
	if (!ret) {
		WRITE_ONCE(bm_lat_on, on);
		bm_lat_duty = duty;
	}
	/* On failure, the previous setting's cycle goes on. */
	if (bm_lat_on && bm_lat_duty < BUDDY_LAT_DUTY_MAX_PCT) {
		bm_lat_window_start = ktime_get();
		bm_lat_duty_arm(bm_lat_hooked ? bm_lat_window_ms() : 0);
	}
	mutex_unlock(&bm_lat_mutex);
	return ret;
}

int bm_lat_set(bool on)
{
	return bm_lat_configure(on, READ_ONCE(bm_lat_duty));
}

bool bm_lat_enabled(void)
{
	return READ_ONCE(bm_lat_on);
}

static u64 bm_lat_missed_raw(void)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(*per_cpu_ptr(&bm_lat_missed_pcpu, cpu));
	return n;
}

static void bm_lat_sum_raw(struct bm_lat_counts *c)
{
	const size_t n = sizeof(*c) / sizeof(u64);
	int cpu;
	size_t i;

	memset(c, 0, sizeof(*c));
	for_each_possible_cpu(cpu) {
		const u64 *src = (const u64 *)per_cpu_ptr(bm_lat_pcpu, cpu);

		for (i = 0; i < n; i++)
			((u64 *)c)[i] += READ_ONCE(src[i]);
	}
}

void bm_lat_read(struct bm_lat_totals *t)
{
	const size_t n = sizeof(t->c) / sizeof(u64);
	unsigned int o, s;
	int cpu;
	size_t i;

	mutex_lock(&bm_lat_base_mutex);
	bm_lat_sum_raw(&t->c);
	for (i = 0; i < n; i++)
		((u64 *)&t->c)[i] -= ((u64 *)bm_lat_base)[i];
	t->missed = bm_lat_missed_raw() - bm_lat_missed_base;
	mutex_unlock(&bm_lat_base_mutex);
	spin_lock(&bm_lat_time_lock);
	t->capture_ns = bm_lat_time_ns;
	if (bm_lat_timing)
		t->capture_ns += ktime_get_ns() - bm_lat_time_since;
	spin_unlock(&bm_lat_time_lock);
	memset(t->max_ns, 0, sizeof(t->max_ns));
	for_each_possible_cpu(cpu) {
		struct bm_lat_max *m = per_cpu_ptr(bm_lat_max_pcpu, cpu);

		for (o = 0; o < BM_ORDERS; o++)
			for (s = 0; s < 2; s++)
				t->max_ns[o][s] = max(t->max_ns[o][s],
						      READ_ONCE(m->max_ns[o][s]));
	}
}

/*
 * Histograms and sums reset through a baseline (see stats.c). The maxima
 * cannot: they are zeroed in place, and a maximum recorded concurrently on
 * another CPU may survive the reset. The capture time restarts from 0, an
 * open window from now.
 */
void bm_lat_reset(void)
{
	int cpu;

	mutex_lock(&bm_lat_base_mutex);
	bm_lat_sum_raw(bm_lat_base);
	bm_lat_missed_base = bm_lat_missed_raw();
	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(bm_lat_max_pcpu, cpu), 0,
		       sizeof(struct bm_lat_max));
	mutex_unlock(&bm_lat_base_mutex);
	spin_lock(&bm_lat_time_lock);
	bm_lat_time_ns = 0;
	bm_lat_time_since = ktime_get_ns();
	spin_unlock(&bm_lat_time_lock);
}

/*
 * The filter is set here, once, even while capture is off: ftrace accepts
 * it only for a function it can hook, so a kernel where the allocator's
 * entry has no fentry site refuses the module at load, not at the first
 * latency-mode on. (An ops with an empty filter would hook every function:
 * it is never registered without this one.) The entry is the first of
 * BM_SYM_ALLOC_ENTRY_CANDIDATES that this kernel has: from 6.14 on, slab
 * pages enter the allocator below __alloc_pages_noprof(), in
 * __alloc_frozen_pages_noprof(), which every request then passes and
 * which fires mm_page_alloc; that name is declared in mm/internal.h only,
 * so the running kernel is asked rather than the headers.
 */
static int bm_lat_set_filter(void)
{
	static const char * const names[] = BM_SYM_ALLOC_ENTRY_CANDIDATES;
	char name[KSYM_NAME_LEN];	/* ftrace_set_filter() may write */
	unsigned int i;
	int ret = -ENOENT;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		strscpy(name, names[i], sizeof(name));
		ret = ftrace_set_filter(&bm_lat_ops, name, strlen(name), 1);
		if (!ret) {
			bm_lat_entry_name = names[i];
			bm_lat_filtered = true;
			return 0;
		}
	}
	pr_err("cannot hook %s on this kernel: not ftrace-able (error %d)\n",
	       BM_SYM_ALLOC_PAGES, ret);
	return ret;
}

int bm_lat_init(void)
{
	int ret;

	bm_lat_pcpu = alloc_percpu(struct bm_lat_counts);
	bm_lat_max_pcpu = alloc_percpu(struct bm_lat_max);
	bm_lat_base = kzalloc(sizeof(*bm_lat_base), GFP_KERNEL);
	if (!bm_lat_pcpu || !bm_lat_max_pcpu || !bm_lat_base) {
		ret = -ENOMEM;
		goto err;
	}
	ret = bm_lat_set_filter();
	if (ret)
		goto err;
	return 0;
err:
	bm_lat_exit();
	return ret;
}

/* Stops the cycle, unregisters the hook if it is still on, then frees. */
void bm_lat_exit(void)
{
	bm_lat_set(false);
	if (bm_lat_filtered)
		ftrace_free_filter(&bm_lat_ops);
	bm_lat_filtered = false;
	kfree(bm_lat_base);
	free_percpu(bm_lat_max_pcpu);
	free_percpu(bm_lat_pcpu);
	bm_lat_base = NULL;
	bm_lat_max_pcpu = NULL;
	bm_lat_pcpu = NULL;
}
