// SPDX-License-Identifier: GPL-2.0
/*
 * tp_floor: the cheapest probe that counts anything, on the tracepoint the
 * monitor counts requests with (kmem:mm_page_alloc), for bench/overhead/.
 *
 * Its probe increments one per-CPU counter and returns. What it costs an
 * allocation is the tracepoint's own call plus that increment: the floor
 * under any counter built on this tracepoint, whatever its probe does. The
 * overhead bench times it beside the monitor in the same boot, so the
 * monitor's cost splits into that floor and what its own probe adds.
 *
 * Interface: the read-only module parameter `hits`, the calls counted
 * since load, so the bench can check that the probe ran for every pair it
 * timed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include <trace/events/kmem.h>

static DEFINE_PER_CPU(unsigned long, tpf_hits);
static struct tracepoint *tpf_tp;

/* TP_PROTO(struct page *page, unsigned int order, gfp_t gfp_flags, int migratetype) */
static void tpf_probe(void *data, struct page *page, unsigned int order,
		      gfp_t gfp, int migratetype)
{
	this_cpu_inc(tpf_hits);
}

static void __maybe_unused tpf_check_probe_type(void)
{
	check_trace_callback_type_mm_page_alloc(tpf_probe);
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

/* The tracepoint symbols are not exported: find it by name. */
static void tpf_match(struct tracepoint *tp, void *priv)
{
	if (!tpf_tp && !strcmp(tp->name, "mm_page_alloc"))
		tpf_tp = tp;
}

static int __init tpf_init(void)
{
	int ret;

	for_each_kernel_tracepoint(tpf_match, NULL);
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
	tracepoint_probe_unregister(tpf_tp, tpf_probe, NULL);
	tracepoint_synchronize_unregister();
}

module_init(tpf_init);
module_exit(tpf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("The cheapest counting probe on kmem:mm_page_alloc, for bench/overhead");
