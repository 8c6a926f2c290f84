// SPDX-License-Identifier: GPL-2.0
/*
 * alloc_bench: the cost of one alloc_pages(GFP_KERNEL, order) +
 * __free_pages() pair, measured in the kernel, for bench/overhead/.
 *
 * Interface: the debugfs file /sys/kernel/debug/alloc_bench (root only).
 *
 *   write "ORDER ITERATIONS [BATCH]"
 *	Runs ITERATIONS back-to-back pairs of ORDER (0..MAX_ORDER-1,
 *	1..10000000 pairs) synchronously in the writer's context, timed in
 *	batches of BATCH pairs (default: the module parameter `batch`, 100;
 *	at most 100000 batches), and returns when done. Fails with -EINVAL
 *	for a malformed line or a value out of range, -ENOMEM when an
 *	allocation fails (the run stops: a failed allocation is cheaper than
 *	a real one and would flatter the number), -EINTR on a fatal signal,
 *	and leaves the previous result in place.
 *
 *   read
 *	The last run's result, one line of per-pair costs:
 *	  order=O iters=N batch=P batches=B
 *	  ns_min=X ns_p10=X ns_median=X ns_max=X ns_mean=X
 *	  cycles_min=X cycles_p10=X cycles_median=X cycles_max=X
 *	min/p10/median/max are over the batches (each batch timed alone);
 *	ns_mean is the total time over all pairs. Values have two decimals.
 *	ns is ktime_get_ns(); cycles are get_cycles() (rdtsc) ticks, which
 *	under QEMU TCG are host TSC ticks, not guest CPU cycles. "none"
 *	before the first run.
 *
 * What is measured is what a GFP_KERNEL caller pays on the running
 * kernel, including its policies: Debian's kernel zeroes every page on
 * allocation (init_on_alloc=1), which is most of an order-3 pair.
 *
 * Preemption and noise: GFP_KERNEL may sleep, so the loop runs preemptible
 * with interrupts on, as real callers do. Each batch is timed on its own
 * and followed by cond_resched(), so a pending reschedule is taken between
 * batches rather than inside a timed one. Batches hit by an interrupt, a
 * preemption, or (in a guest) the host descheduling the vCPU only get
 * slower, never faster: on a busy machine the low end of the distribution
 * (min, p10) is the stable estimate of the pair's cost, and short batches
 * make undisturbed ones likely. The caller should pin itself to one CPU
 * (taskset) so the per-CPU page lists that serve orders 0..3 stay the same.
 *
 * Why the loop is here and not in Google Benchmark (the project's
 * framework for host-side benches): userspace cannot call alloc_pages(),
 * and any userspace proxy (a syscall or a page fault per pair) adds entry,
 * exit, VMA and page-table work larger than the pair itself, which would
 * dilute a 3% overhead below the noise. So the timed loop must run in the
 * kernel; what Google Benchmark would add on top (repetitions, aggregates,
 * side-by-side comparison) is done by run-in-guest.sh, which alternates
 * the variants in one boot.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include <asm/timex.h>

/* 6.1 counts orders in MAX_ORDER; 6.8+ names the count NR_PAGE_ORDERS. */
#ifdef NR_PAGE_ORDERS
#define AB_NR_ORDERS NR_PAGE_ORDERS
#else
#define AB_NR_ORDERS MAX_ORDER
#endif

#define AB_MAX_ITERS	10000000U
#define AB_MAX_BATCHES	100000U

static unsigned int batch = 100;
module_param(batch, uint, 0644);
MODULE_PARM_DESC(batch, "pairs timed together (default 100)");

static DEFINE_MUTEX(ab_lock);		/* one run at a time; guards ab_result */
static char ab_result[384] = "none\n";
static struct dentry *ab_file;

static int ab_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Per-pair cost x100 (two decimals) of one timed span of n pairs. */
static u64 ab_per_pair(u64 span, unsigned int n)
{
	return div_u64(span * 100, n);
}

/* Append " key=X.XX" for a value x100 to ab_result at offset len. */
static size_t ab_put(size_t len, const char *key, const char *stat, u64 x100)
{
	u32 rem;
	u64 whole = div_u64_rem(x100, 100, &rem);

	return len + scnprintf(ab_result + len, sizeof(ab_result) - len,
			       " %s_%s=%llu.%02u", key, stat, whole, rem);
}

/* Sort the n per-batch samples v and append their min, p10, median, max. */
static size_t ab_put_dist(size_t len, const char *key, u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), ab_cmp_u64, NULL);
	len = ab_put(len, key, "min", v[0]);
	len = ab_put(len, key, "p10", v[n / 10]);
	len = ab_put(len, key, "median",
		     n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
	return ab_put(len, key, "max", v[n - 1]);
}

static int ab_run(unsigned int order, unsigned int iters, unsigned int bsz)
{
	unsigned int nb = DIV_ROUND_UP(iters, bsz), b, i, left = iters;
	u64 *ns, *cyc, total = 0;
	size_t len;
	int err = 0;

	ns = kvmalloc_array(2 * nb, sizeof(*ns), GFP_KERNEL);
	if (!ns)
		return -ENOMEM;
	cyc = ns + nb;

	for (b = 0; b < nb; b++) {
		unsigned int n = min(left, bsz);
		cycles_t c0, c1;
		u64 t0, t1;

		t0 = ktime_get_ns();
		c0 = get_cycles();
		for (i = 0; i < n; i++) {
			struct page *page = alloc_pages(GFP_KERNEL, order);

			if (unlikely(!page)) {
				err = -ENOMEM;
				goto out;
			}
			OPTIMIZER_HIDE_VAR(page);
			__free_pages(page, order);
		}
		c1 = get_cycles();
		t1 = ktime_get_ns();

		total += t1 - t0;
		ns[b] = ab_per_pair(t1 - t0, n);
		cyc[b] = ab_per_pair(c1 - c0, n);
		left -= n;
		cond_resched();
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			goto out;
		}
	}

	len = scnprintf(ab_result, sizeof(ab_result),
			"order=%u iters=%u batch=%u batches=%u", order, iters,
			bsz, nb);
	len = ab_put_dist(len, "ns", ns, nb);
	len = ab_put(len, "ns", "mean", ab_per_pair(total, iters));
	len = ab_put_dist(len, "cycles", cyc, nb);
	scnprintf(ab_result + len, sizeof(ab_result) - len, "\n");
out:
	kvfree(ns);
	return err;
}

static ssize_t ab_write(struct file *file, const char __user *ubuf,
			size_t count, loff_t *ppos)
{
	unsigned int v[3], n = 0, order, iters, bsz;
	char buf[48], *p = buf, *tok;
	int err;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	/* Two or three decimal fields, nothing else. */
	while ((tok = strsep(&p, " \t\n"))) {
		if (!*tok)
			continue;
		if (n == ARRAY_SIZE(v) || kstrtouint(tok, 10, &v[n++]))
			return -EINVAL;
	}
	if (n < 2)
		return -EINVAL;
	order = v[0];
	iters = v[1];
	bsz = n == 3 ? v[2] : READ_ONCE(batch);
	if (order >= AB_NR_ORDERS || iters < 1 || iters > AB_MAX_ITERS || bsz < 1)
		return -EINVAL;
	bsz = min(bsz, iters);	/* also keeps DIV_ROUND_UP from wrapping */
	if (DIV_ROUND_UP(iters, bsz) > AB_MAX_BATCHES)
		return -EINVAL;

	err = mutex_lock_interruptible(&ab_lock);
	if (err)
		return err;
	err = ab_run(order, iters, bsz);
	mutex_unlock(&ab_lock);
	return err ? err : count;
}

static ssize_t ab_read(struct file *file, char __user *ubuf, size_t count,
		       loff_t *ppos)
{
	char line[sizeof(ab_result)];
	int err;

	err = mutex_lock_interruptible(&ab_lock);
	if (err)
		return err;
	strscpy(line, ab_result, sizeof(line));
	mutex_unlock(&ab_lock);
	return simple_read_from_buffer(ubuf, count, ppos, line, strlen(line));
}

static const struct file_operations ab_fops = {
	.owner = THIS_MODULE,
	.read = ab_read,
	.write = ab_write,
	.llseek = default_llseek,
};

static int __init ab_init(void)
{
	ab_file = debugfs_create_file("alloc_bench", 0600, NULL, NULL, &ab_fops);
	if (IS_ERR(ab_file))
		return PTR_ERR(ab_file);
	return 0;
}

static void __exit ab_exit(void)
{
	debugfs_remove(ab_file);
}

module_init(ab_init);
module_exit(ab_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Cost of an alloc_pages/__free_pages pair, for bench/overhead");
