// SPDX-License-Identifier: GPL-2.0
/*
 * tp_floor: the cheapest hooks that count anything, on the two places the
 * monitor hooks every allocation, for bench/overhead/.
 *
 * By default its probe sits on the tracepoint the monitor counts requests
 * with (kmem:mm_page_alloc); with entry=FUNCTION it is instead an ftrace
 * callback on the allocator's entry, the hook latency capture adds (the
 * same kind of ftrace_ops: no saved registers, no recursion guard). Either
 * way it increments one per-CPU counter and returns. What it costs an
 * allocation is the hook's own call plus that increment: the floor under
 * anything built on that hook, whatever it does. The overhead bench times
 * both beside the monitor in the same boot, so the monitor's costs split
 * into those floors and what its own code adds.
 *
 * Interface: the read-only module parameter `hits`, the calls counted
 * since load, so the bench can check that the hook ran for every pair it
 * timed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include <trace/events/kmem.h>

/* The monitor's way to reach a tracepoint that is not exported. */
#include "compat/tracepoints.h"

static DEFINE_PER_CPU(unsigned long, tpf_hits);
static struct tracepoint *tpf_tp;

static char *entry;
module_param(entry, charp, 0444);
MODULE_PARM_DESC(entry, "hook this function's entry with ftrace instead of the tracepoint");

static bool clock;
module_param(clock, bool, 0444);
MODULE_PARM_DESC(clock, "also read local_clock() in the hook");
static DEFINE_PER_CPU(u64, tpf_stamp);

static __always_inline void tpf_hit(void)
{
	this_cpu_inc(tpf_hits);
	if (clock)
		this_cpu_write(tpf_stamp, local_clock());
}

/* notrace and calls nothing traceable, so it needs no recursion guard. */
static void notrace tpf_entry(unsigned long ip, unsigned long parent_ip,
			      struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	tpf_hit();
}

static struct ftrace_ops tpf_ops = {
	.func = tpf_entry,
};

/* TP_PROTO(struct page *page, unsigned int order, gfp_t gfp_flags, int migratetype) */
static void tpf_probe(void *data, struct page *page, unsigned int order,
		      gfp_t gfp, int migratetype)
{
	tpf_hit();
}

static void __maybe_unused tpf_check_probe_type(void)
{
	BM_CHECK_PROBE(mm_page_alloc, tpf_probe);
}

static int tpf_hits_get(char *buf, const struct kernel_param *kp)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*per_cpu_ptr(&tpf_hits, cpu));
	return sysfs_emit(buf, "%lu\n", sum);
}

static const struct kernel_param_ops tpf_hits_ops = {
	.get = tpf_hits_get,
};
module_param_cb(hits, &tpf_hits_ops, NULL, 0444);
MODULE_PARM_DESC(hits, "probe calls since load");

static int tpf_entry_register(void)
{
	int ret;

	ret = ftrace_set_filter(&tpf_ops, entry, strlen(entry), 1);
	if (ret) {
		pr_err("cannot hook %s: error %d\n", entry, ret);
		return ret;
	}
	ret = register_ftrace_function(&tpf_ops);
	if (ret) {
		pr_err("cannot register the hook on %s: error %d\n", entry, ret);
		ftrace_free_filter(&tpf_ops);
	}
	return ret;
}

static int __init tpf_init(void)
{
	int ret;

	if (entry)
		return tpf_entry_register();
	tpf_tp = bm_tracepoint_find("mm_page_alloc");
	if (!tpf_tp) {
		pr_err("tracepoint mm_page_alloc not found\n");
		return -ENOENT;
	}
	ret = tracepoint_probe_register(tpf_tp, tpf_probe, NULL);
	if (ret)
		pr_err("cannot hook mm_page_alloc: error %d\n", ret);
	return ret;
}

static void __exit tpf_exit(void)
{
	if (entry) {
		unregister_ftrace_function(&tpf_ops);
		ftrace_free_filter(&tpf_ops);
		return;
	}
	tracepoint_probe_unregister(tpf_tp, tpf_probe, NULL);
	tracepoint_synchronize_unregister();
}

module_init(tpf_init);
module_exit(tpf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("The cheapest counting hooks on the allocator, for bench/overhead");
