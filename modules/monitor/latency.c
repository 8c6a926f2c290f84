// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation latency, per order, split fast path / slow path.
 *
 * A kretprobe on __alloc_pages() (ftrace-based: the function has an fentry
 * site) times every call: the entry stores local_clock() in the instance,
 * the return adds the difference to a per-CPU log2 histogram. It costs an
 * ftrace register save and a return trampoline on every allocation, so it
 * is registered only while capture is on (BUDDY_MON_CA_LATENCY) and
 * unregistered when it is switched off, under bm_lat_mutex.
 *
 * Fast vs slow is exact per call: when __alloc_pages_slowpath() returns,
 * its probe (probes.c) finds the innermost in-flight __alloc_pages()
 * instance of the current task on its shadow stack of return hooks
 * (compat/kprobes.h) and marks it slow, if that instance was entered at
 * the same context level (an interrupt's allocation whose own instance was
 * missed must not mark the interrupted task's).
 *
 * local_clock() is per-CPU; a task that migrates between entry and return
 * can see a slightly smaller value on the new CPU, so negative differences
 * count as 0. Missed calls (no free instance: more calls in flight than
 * maxactive; or recursion inside another kprobe handler) are counted but
 * not timed and cannot be attributed to an order.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/log2.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat/kprobes.h"
#include "compat/symbols.h"
#include "monitor/latency.h"

struct bm_lat_ri {
	u64 t0;
	u8 order;
	u8 level;
	u8 slow;
};

struct bm_lat_max {
	u64 max_ns[BM_ORDERS][2];
};

static struct bm_lat_counts __percpu *bm_lat_pcpu;
static struct bm_lat_max __percpu *bm_lat_max_pcpu;
static DEFINE_MUTEX(bm_lat_base_mutex);	/* the reset baseline */
static struct bm_lat_counts *bm_lat_base;
static u64 bm_lat_missed_base;

static DEFINE_MUTEX(bm_lat_mutex);	/* registration and the fields below */
static bool bm_lat_on;
static u64 bm_lat_missed_carry;		/* misses of earlier registrations */
static struct kretprobe bm_lat_rp;
static bool bm_lat_registered;		/* read locklessly by the slow path */

static int bm_lat_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bm_lat_ri *d = (struct bm_lat_ri *)ri->data;
	unsigned long order = bm_regs_arg(regs, 1);

	if (order >= BM_ORDERS)
		return 1;	/* __alloc_pages() rejects it at once */
	d->order = order;
	d->level = bm_level();
	d->slow = 0;
	d->t0 = local_clock();
	return 0;
}

static unsigned int bm_lat_bucket(u64 ns)
{
	if (ns < 2)
		return 0;
	return min_t(unsigned int, ilog2(ns), BUDDY_LAT_BUCKETS - 1);
}

static int bm_lat_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bm_lat_ri *d = (struct bm_lat_ri *)ri->data;
	s64 delta = (s64)(local_clock() - d->t0);
	u64 ns = delta > 0 ? delta : 0;
	unsigned int s = d->slow ? BM_LAT_SLOW : BM_LAT_FAST;
	unsigned int o = d->order;
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
	return 0;
}

void bm_lat_mark_slow(unsigned int level)
{
	struct kretprobe_instance *ri;
	struct bm_lat_ri *d;

	if (!READ_ONCE(bm_lat_registered))
		return;
	ri = bm_kretprobe_innermost(&bm_lat_rp);
	if (!ri)
		return;
	d = (struct bm_lat_ri *)ri->data;
	if (d->level == level)
		d->slow = 1;
}

static int bm_lat_register(void)
{
	int ret;

	memset(&bm_lat_rp, 0, sizeof(bm_lat_rp));
	bm_lat_rp.kp.symbol_name = BM_SYM_ALLOC_PAGES;
	bm_lat_rp.entry_handler = bm_lat_entry;
	bm_lat_rp.handler = bm_lat_ret;
	bm_lat_rp.data_size = sizeof(struct bm_lat_ri);
	/* Every allocation in flight, sleeping ones included, needs one. */
	bm_lat_rp.maxactive = max_t(int, 1024, 64 * num_possible_cpus());
	ret = register_kretprobe(&bm_lat_rp);
	if (ret) {
		pr_err("cannot hook %s on this kernel: error %d\n",
		       BM_SYM_ALLOC_PAGES, ret);
		return ret;
	}
	if (!bm_kprobe_on_ftrace(&bm_lat_rp.kp)) {
		unregister_kretprobe(&bm_lat_rp);
		pr_err("cannot hook %s on this kernel: not ftrace-able\n",
		       BM_SYM_ALLOC_PAGES);
		return -EOPNOTSUPP;
	}
	WRITE_ONCE(bm_lat_registered, true);
	return 0;
}

static void bm_lat_unregister(void)
{
	WRITE_ONCE(bm_lat_registered, false);
	unregister_kretprobe(&bm_lat_rp);
	bm_lat_missed_carry += bm_kretprobe_missed(&bm_lat_rp);
}

int bm_lat_set(bool on)
{
	int ret = 0;

	mutex_lock(&bm_lat_mutex);
	if (on && !bm_lat_on)
		ret = bm_lat_register();
	else if (!on && bm_lat_on)
		bm_lat_unregister();
	if (!ret)
		bm_lat_on = on;
	mutex_unlock(&bm_lat_mutex);
	return ret;
}

bool bm_lat_enabled(void)
{
	return READ_ONCE(bm_lat_on);
}

static u64 bm_lat_missed_raw(void)
{
	u64 n;

	mutex_lock(&bm_lat_mutex);
	n = bm_lat_missed_carry;
	if (bm_lat_on)
		n += bm_kretprobe_missed(&bm_lat_rp);
	mutex_unlock(&bm_lat_mutex);
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
 * another CPU may survive the reset.
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
}

int bm_lat_init(void)
{
	bm_lat_pcpu = alloc_percpu(struct bm_lat_counts);
	bm_lat_max_pcpu = alloc_percpu(struct bm_lat_max);
	bm_lat_base = kzalloc(sizeof(*bm_lat_base), GFP_KERNEL);
	if (!bm_lat_pcpu || !bm_lat_max_pcpu || !bm_lat_base) {
		bm_lat_exit();
		return -ENOMEM;
	}
	return 0;
}

/* Unregisters the probe if it is still on, then frees. */
void bm_lat_exit(void)
{
	bm_lat_set(false);
	kfree(bm_lat_base);
	free_percpu(bm_lat_max_pcpu);
	free_percpu(bm_lat_pcpu);
	bm_lat_base = NULL;
	bm_lat_max_pcpu = NULL;
	bm_lat_pcpu = NULL;
}
