// SPDX-License-Identifier: GPL-2.0
/*
 * slab_bench: in-kernel microbenchmarks of the slab allocator the running
 * kernel was built with (SLAB, SLUB or SLOB), for the slab study
 * (bench/slab-study/README.md).
 *
 * Interface (debugfs; mount -t debugfs none /sys/kernel/debug if needed):
 *
 *   /sys/kernel/debug/slab_bench/run      (write, root only)
 *	A line of space-separated key=value pairs, all optional:
 *	  tests=LIST  comma list of pair,batch,cache,cbatch,bulk,xcpu or all
 *		      (default all)
 *	  reps=R      repetitions of every measurement, 1..1000 (default 11)
 *	  iters=N     operations timed per repetition, 1..1000000
 *		      (default 10000)
 *	  batch=B     objects held at once by batch, cbatch, bulk and xcpu,
 *		      1..4096 (default 256)
 *	The write runs the benchmark synchronously and returns the number of
 *	bytes written once it has finished, or -EINVAL for a malformed line,
 *	-EBUSY if another run is in progress, -ENOMEM, -ENODEV when xcpu is
 *	asked for explicitly on a single-CPU machine. Module parameters of the
 *	same names set the defaults.
 *
 *   /sys/kernel/debug/slab_bench/results  (read)
 *	The last run's results as JSON lines. The first line describes the
 *	run:
 *	  {"type":"meta","allocator":"SLUB","release":"6.1.0-...",
 *	   "tsc_khz":N,"cpus":N,"reps":R,"iters":N,"batch":B}
 *	then one line per measurement:
 *	  {"type":"result","test":"pair","size":64,"ops":N,"reps":R,
 *	   "ns":{"min":x,"median":x,"mean":x,"stddev":x},
 *	   "cycles":{"min":x,"median":x,"mean":x,"stddev":x}}
 *	"ns" and "cycles" are per operation (per object for batched tests),
 *	spread over the R repetitions; cycles are TSC ticks (rdtsc_ordered),
 *	which under QEMU TCG are virtual ticks, not CPU cycles. Tests:
 *	  pair     kmalloc(size)+kfree() back to back; one op = one pair
 *	  batch_alloc / batch_free
 *		   kmalloc B objects, then kfree them (in allocation order);
 *		   the two phases are timed separately, one op = one object
 *	  cache    kmem_cache_alloc+kmem_cache_free pair on a dedicated
 *		   256-byte cache (the shape of Brouer's time_bench_kmem_cache1)
 *	  cbatch_alloc / cbatch_free  the batch test on that cache
 *	  bulk_alloc / bulk_free
 *		   kmem_cache_alloc_bulk / kmem_cache_free_bulk of B objects
 *	  xcpu_alloc / xcpu_free
 *		   B objects kmalloc'ed on CPU 0, then kfree'd by a kthread
 *		   bound to CPU 1 (remote free); compare xcpu_free with
 *		   batch_free of the same size (local free)
 *	Reading before any run returns an empty file; reading during a run
 *	waits for it to finish.
 *
 * All measurements run in a kthread bound to CPU 0 (xcpu's frees in one
 * bound to CPU 1), with GFP_KERNEL, preemption enabled, interrupts on:
 * interrupts and host preemption of the vCPU show up as mean >> median, so
 * prefer the median. Each measurement runs one unrecorded warm-up
 * repetition first.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>
#include <asm/tsc.h>

#if defined(CONFIG_SLUB)
#define SB_ALLOCATOR "SLUB"
#elif defined(CONFIG_SLAB)
#define SB_ALLOCATOR "SLAB"
#elif defined(CONFIG_SLOB)
#define SB_ALLOCATOR "SLOB"
#else
#define SB_ALLOCATOR "unknown"
#endif

#define SB_MAX_REPS	1000
#define SB_MAX_ITERS	1000000
#define SB_MAX_BATCH	4096
#define SB_CACHE_SIZE	256
#define SB_RESULTS_MAX	(64 * 1024)

static unsigned int reps = 11;
module_param(reps, uint, 0644);
MODULE_PARM_DESC(reps, "default repetitions per measurement (1..1000)");
static unsigned int iters = 10000;
module_param(iters, uint, 0644);
MODULE_PARM_DESC(iters, "default operations per repetition (1..1000000)");
static unsigned int batch = 256;
module_param(batch, uint, 0644);
MODULE_PARM_DESC(batch, "default objects per batch (1..4096)");

enum sb_test {
	SB_PAIR, SB_BATCH, SB_CACHE, SB_CBATCH, SB_BULK, SB_XCPU, SB_NR_TESTS
};

static const char *const sb_test_names[SB_NR_TESTS] = {
	"pair", "batch", "cache", "cbatch", "bulk", "xcpu"
};

static const unsigned int sb_sizes[] = {
	8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192
};

struct sb_params {
	unsigned long tests;	/* bit per enum sb_test */
	unsigned int reps, iters, batch;
	bool xcpu_explicit;
};

/* One run: the parameters, scratch space and the text being produced. */
struct sb_run {
	struct sb_params p;
	struct kmem_cache *cache;
	void **objs;		/* batch pointers */
	u64 *ns, *cyc;		/* per-rep samples, x100 */
	char *buf;
	size_t len;
	int err;
	struct completion done;
	/* cross-CPU helper */
	struct task_struct *helper;
	struct completion go, freed;
	unsigned int nfree;
	u64 free_ns, free_cyc;
	bool stop;
};

static DEFINE_MUTEX(sb_lock);	/* one run at a time; guards sb_results */
static char *sb_results;
static size_t sb_results_len;
static struct dentry *sb_dir;

static inline u64 sb_cycles(void)
{
	return rdtsc_ordered();
}

static __printf(2, 3) void sb_emit(struct sb_run *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->len >= SB_RESULTS_MAX)
		return;
	va_start(ap, fmt);
	n = vscnprintf(r->buf + r->len, SB_RESULTS_MAX - r->len, fmt, ap);
	va_end(ap);
	r->len += n;
}

static int sb_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Summarise n samples (x100) as a JSON object: min/median/mean/stddev. */
static void sb_emit_stats(struct sb_run *r, const char *key, u64 *v,
			  unsigned int n)
{
	u64 sum = 0, var = 0, mean, med, sd;
	unsigned int i;

	sort(v, n, sizeof(*v), sb_cmp_u64, NULL);
	for (i = 0; i < n; i++)
		sum += v[i];
	mean = div_u64(sum, n);
	for (i = 0; i < n; i++) {
		s64 d = (s64)v[i] - (s64)mean;

		var += (u64)(d * d);
	}
	var = n > 1 ? div_u64(var, n - 1) : 0;
	med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	sd = int_sqrt64(var);
	/* The samples are hundredths: print each figure as x.yy. */
	sb_emit(r,
		"\"%s\":{\"min\":%llu.%02llu,\"median\":%llu.%02llu,\"mean\":%llu.%02llu,\"stddev\":%llu.%02llu}",
		key, v[0] / 100, v[0] % 100, med / 100, med % 100,
		mean / 100, mean % 100, sd / 100, sd % 100);
}

static void sb_emit_result(struct sb_run *r, const char *test,
			   unsigned int size, unsigned int ops)
{
	sb_emit(r,
		"{\"type\":\"result\",\"test\":\"%s\",\"size\":%u,\"ops\":%u,\"reps\":%u,",
		test, size, ops, r->p.reps);
	sb_emit_stats(r, "ns", r->ns, r->p.reps);
	sb_emit(r, ",");
	sb_emit_stats(r, "cycles", r->cyc, r->p.reps);
	sb_emit(r, "}\n");
}

/*
 * Per-op sample, x100, from a timed span of ops operations. Every loop runs
 * one extra repetition first (rep 0) that is not recorded: it warms the
 * caches, the allocator's per-CPU state and, under QEMU TCG, the translated
 * code, which would otherwise make the first sample an outlier.
 */
static void sb_record(u64 *ns, u64 *cyc, unsigned int rep, u64 dns, u64 dcyc,
		      unsigned int ops)
{
	if (!rep)
		return;
	rep--;
	ns[rep] = div_u64(dns * 100, ops);
	cyc[rep] = div_u64(dcyc * 100, ops);
}

/*
 * The timed loops. Each returns 0 or -ENOMEM; a failed allocation inside a
 * timed span aborts the run rather than producing a flattering number.
 */
static int sb_pair(struct sb_run *r, unsigned int size)
{
	unsigned int rep, i;

	for (rep = 0; rep <= r->p.reps; rep++) {
		u64 t0, c0, c1, t1;

		t0 = ktime_get_ns();
		c0 = sb_cycles();
		for (i = 0; i < r->p.iters; i++) {
			void *p = kmalloc(size, GFP_KERNEL);

			if (unlikely(!p))
				return -ENOMEM;
			OPTIMIZER_HIDE_VAR(p);
			kfree(p);
		}
		c1 = sb_cycles();
		t1 = ktime_get_ns();
		sb_record(r->ns, r->cyc, rep, t1 - t0, c1 - c0, r->p.iters);
		cond_resched();
	}
	sb_emit_result(r, "pair", size, r->p.iters);
	return 0;
}

static int sb_cache_pair(struct sb_run *r)
{
	unsigned int rep, i;

	for (rep = 0; rep <= r->p.reps; rep++) {
		u64 t0, c0, c1, t1;

		t0 = ktime_get_ns();
		c0 = sb_cycles();
		for (i = 0; i < r->p.iters; i++) {
			void *p = kmem_cache_alloc(r->cache, GFP_KERNEL);

			if (unlikely(!p))
				return -ENOMEM;
			OPTIMIZER_HIDE_VAR(p);
			kmem_cache_free(r->cache, p);
		}
		c1 = sb_cycles();
		t1 = ktime_get_ns();
		sb_record(r->ns, r->cyc, rep, t1 - t0, c1 - c0, r->p.iters);
		cond_resched();
	}
	sb_emit_result(r, "cache", SB_CACHE_SIZE, r->p.iters);
	return 0;
}

/*
 * Batch: allocate B, free B, with the alloc and free phases timed apart.
 * The free samples go in the second half of ns/cyc (2 * SB_MAX_REPS).
 * cache == NULL means kmalloc(size).
 */
static int sb_batch(struct sb_run *r, const char *name, struct kmem_cache *cache,
		    unsigned int size)
{
	unsigned int B = r->p.batch, R = r->p.reps, rep, i;
	u64 *fns = r->ns + SB_MAX_REPS, *fcyc = r->cyc + SB_MAX_REPS;
	char test[24];

	for (rep = 0; rep <= R; rep++) {
		u64 t0, c0, c1, t1, t2, c2;

		t0 = ktime_get_ns();
		c0 = sb_cycles();
		for (i = 0; i < B; i++) {
			r->objs[i] = cache ? kmem_cache_alloc(cache, GFP_KERNEL)
					   : kmalloc(size, GFP_KERNEL);
			if (unlikely(!r->objs[i]))
				goto nomem;
		}
		c1 = sb_cycles();
		t1 = ktime_get_ns();
		for (i = 0; i < B; i++) {
			if (cache)
				kmem_cache_free(cache, r->objs[i]);
			else
				kfree(r->objs[i]);
		}
		c2 = sb_cycles();
		t2 = ktime_get_ns();
		sb_record(r->ns, r->cyc, rep, t1 - t0, c1 - c0, B);
		sb_record(fns, fcyc, rep, t2 - t1, c2 - c1, B);
		cond_resched();
	}
	snprintf(test, sizeof(test), "%s_alloc", name);
	sb_emit_result(r, test, size, B);
	memcpy(r->ns, fns, R * sizeof(*fns));
	memcpy(r->cyc, fcyc, R * sizeof(*fcyc));
	snprintf(test, sizeof(test), "%s_free", name);
	sb_emit_result(r, test, size, B);
	return 0;
nomem:
	while (i--)
		cache ? kmem_cache_free(cache, r->objs[i]) : kfree(r->objs[i]);
	return -ENOMEM;
}

static int sb_bulk(struct sb_run *r)
{
	unsigned int B = r->p.batch, R = r->p.reps, rep;
	u64 *fns = r->ns + SB_MAX_REPS, *fcyc = r->cyc + SB_MAX_REPS;

	for (rep = 0; rep <= R; rep++) {
		u64 t0, c0, c1, t1, t2, c2;
		int got;

		t0 = ktime_get_ns();
		c0 = sb_cycles();
		got = kmem_cache_alloc_bulk(r->cache, GFP_KERNEL, B, r->objs);
		c1 = sb_cycles();
		t1 = ktime_get_ns();
		if (got != B)	/* the API frees a partial batch itself */
			return -ENOMEM;
		kmem_cache_free_bulk(r->cache, B, r->objs);
		c2 = sb_cycles();
		t2 = ktime_get_ns();
		sb_record(r->ns, r->cyc, rep, t1 - t0, c1 - c0, B);
		sb_record(fns, fcyc, rep, t2 - t1, c2 - c1, B);
		cond_resched();
	}
	sb_emit_result(r, "bulk_alloc", SB_CACHE_SIZE, B);
	memcpy(r->ns, fns, R * sizeof(*fns));
	memcpy(r->cyc, fcyc, R * sizeof(*fcyc));
	sb_emit_result(r, "bulk_free", SB_CACHE_SIZE, B);
	return 0;
}

/* The CPU 1 helper: frees r->nfree objects each time it is kicked. */
static int sb_helper_fn(void *data)
{
	struct sb_run *r = data;

	for (;;) {
		unsigned int i;
		u64 t0, c0;

		wait_for_completion(&r->go);
		if (READ_ONCE(r->stop))
			break;
		t0 = ktime_get_ns();
		c0 = sb_cycles();
		for (i = 0; i < r->nfree; i++)
			kfree(r->objs[i]);
		r->free_cyc = sb_cycles() - c0;
		r->free_ns = ktime_get_ns() - t0;
		complete(&r->freed);
	}
	/* Wait to be reaped by kthread_stop(). */
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static int sb_xcpu(struct sb_run *r, unsigned int size)
{
	unsigned int B = r->p.batch, R = r->p.reps, rep, i;
	u64 *fns = r->ns + SB_MAX_REPS, *fcyc = r->cyc + SB_MAX_REPS;

	for (rep = 0; rep <= R; rep++) {
		u64 t0, c0, c1, t1;

		t0 = ktime_get_ns();
		c0 = sb_cycles();
		for (i = 0; i < B; i++) {
			r->objs[i] = kmalloc(size, GFP_KERNEL);
			if (unlikely(!r->objs[i])) {
				while (i--)
					kfree(r->objs[i]);
				return -ENOMEM;
			}
		}
		c1 = sb_cycles();
		t1 = ktime_get_ns();
		r->nfree = B;
		complete(&r->go);
		wait_for_completion(&r->freed);
		sb_record(r->ns, r->cyc, rep, t1 - t0, c1 - c0, B);
		sb_record(fns, fcyc, rep, r->free_ns, r->free_cyc, B);
		cond_resched();
	}
	sb_emit_result(r, "xcpu_alloc", size, B);
	memcpy(r->ns, fns, R * sizeof(*fns));
	memcpy(r->cyc, fcyc, R * sizeof(*fcyc));
	sb_emit_result(r, "xcpu_free", size, B);
	return 0;
}

static int sb_run_tests(struct sb_run *r)
{
	unsigned int s;
	int err = 0;

	sb_emit(r,
		"{\"type\":\"meta\",\"allocator\":\"%s\",\"release\":\"%s\",\"tsc_khz\":%u,\"cpus\":%u,\"reps\":%u,\"iters\":%u,\"batch\":%u}\n",
		SB_ALLOCATOR, utsname()->release, tsc_khz, num_online_cpus(),
		r->p.reps, r->p.iters, r->p.batch);

	if (r->p.tests & BIT(SB_PAIR))
		for (s = 0; !err && s < ARRAY_SIZE(sb_sizes); s++)
			err = sb_pair(r, sb_sizes[s]);
	if (!err && r->p.tests & BIT(SB_BATCH))
		for (s = 0; !err && s < ARRAY_SIZE(sb_sizes); s++)
			err = sb_batch(r, "batch", NULL, sb_sizes[s]);
	if (!err && r->p.tests & BIT(SB_CACHE))
		err = sb_cache_pair(r);
	if (!err && r->p.tests & BIT(SB_CBATCH))
		err = sb_batch(r, "cbatch", r->cache, SB_CACHE_SIZE);
	if (!err && r->p.tests & BIT(SB_BULK))
		err = sb_bulk(r);
	if (!err && r->p.tests & BIT(SB_XCPU) && !r->helper)
		sb_emit(r,
			"{\"type\":\"skipped\",\"test\":\"xcpu\",\"reason\":\"CPU 1 is not online\"}\n");
	else if (!err && r->p.tests & BIT(SB_XCPU))
		for (s = 0; !err && s < ARRAY_SIZE(sb_sizes); s++)
			err = sb_xcpu(r, sb_sizes[s]);
	return err;
}

static int sb_main_fn(void *data)
{
	struct sb_run *r = data;

	r->err = sb_run_tests(r);
	complete(&r->done);
	return 0;
}

static int sb_parse(char *line, struct sb_params *p)
{
	char *tok, *val;
	unsigned int v;

	p->tests = GENMASK(SB_NR_TESTS - 1, 0);
	p->reps = reps;
	p->iters = iters;
	p->batch = batch;
	p->xcpu_explicit = false;

	while ((tok = strsep(&line, " \t\n")) != NULL) {
		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		if (!strcmp(tok, "tests")) {
			char *t;

			p->tests = 0;
			while ((t = strsep(&val, ",")) != NULL) {
				int i = match_string(sb_test_names, SB_NR_TESTS, t);

				if (!strcmp(t, "all")) {
					p->tests = GENMASK(SB_NR_TESTS - 1, 0);
					continue;
				}
				if (i < 0)
					return -EINVAL;
				p->tests |= BIT(i);
				if (i == SB_XCPU)
					p->xcpu_explicit = true;
			}
		} else if (kstrtouint(val, 0, &v)) {
			return -EINVAL;
		} else if (!strcmp(tok, "reps")) {
			p->reps = v;
		} else if (!strcmp(tok, "iters")) {
			p->iters = v;
		} else if (!strcmp(tok, "batch")) {
			p->batch = v;
		} else {
			return -EINVAL;
		}
	}
	if (!p->tests || !p->reps || p->reps > SB_MAX_REPS || !p->iters ||
	    p->iters > SB_MAX_ITERS || !p->batch || p->batch > SB_MAX_BATCH)
		return -EINVAL;
	return 0;
}

static void sb_free_run(struct sb_run *r)
{
	if (r->helper) {
		WRITE_ONCE(r->stop, true);
		complete(&r->go);
		kthread_stop(r->helper);
		put_task_struct(r->helper);
	}
	kmem_cache_destroy(r->cache);
	kvfree(r->objs);
	kvfree(r->ns);
	kvfree(r->cyc);
	kvfree(r->buf);
	kfree(r);
}

static ssize_t sb_run_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct task_struct *runner;
	struct sb_run *r;
	char line[128];
	int err;

	if (count >= sizeof(line))
		return -EINVAL;
	if (copy_from_user(line, ubuf, count))
		return -EFAULT;
	line[count] = '\0';

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	err = sb_parse(line, &r->p);
	if (err)
		goto out_free;
	if (r->p.tests & BIT(SB_XCPU) && !cpu_online(1) && r->p.xcpu_explicit) {
		err = -ENODEV;
		goto out_free;
	}
	if (!mutex_trylock(&sb_lock)) {
		err = -EBUSY;
		goto out_free;
	}

	err = -ENOMEM;
	r->objs = kvcalloc(SB_MAX_BATCH, sizeof(*r->objs), GFP_KERNEL);
	r->ns = kvcalloc(2 * SB_MAX_REPS, sizeof(*r->ns), GFP_KERNEL);
	r->cyc = kvcalloc(2 * SB_MAX_REPS, sizeof(*r->cyc), GFP_KERNEL);
	r->buf = kvmalloc(SB_RESULTS_MAX, GFP_KERNEL);
	r->cache = kmem_cache_create("slab_bench_256", SB_CACHE_SIZE, 0, 0, NULL);
	if (!r->objs || !r->ns || !r->cyc || !r->buf || !r->cache)
		goto out_unlock;
	init_completion(&r->done);
	init_completion(&r->go);
	init_completion(&r->freed);

	if (r->p.tests & BIT(SB_XCPU) && cpu_online(1)) {
		r->helper = kthread_create(sb_helper_fn, r, "slab_bench/1");
		if (IS_ERR(r->helper)) {
			err = PTR_ERR(r->helper);
			r->helper = NULL;
			goto out_unlock;
		}
		get_task_struct(r->helper);
		kthread_bind(r->helper, 1);
		wake_up_process(r->helper);
	}

	runner = kthread_create(sb_main_fn, r, "slab_bench/0");
	if (IS_ERR(runner)) {
		err = PTR_ERR(runner);
		goto out_unlock;
	}
	kthread_bind(runner, 0);
	wake_up_process(runner);
	/* Sleep in 1 s slices so long TCG runs do not look like hung tasks. */
	while (!wait_for_completion_timeout(&r->done, HZ))
		;
	err = r->err;
	if (!err) {
		kvfree(sb_results);
		sb_results = r->buf;
		sb_results_len = r->len;
		r->buf = NULL;
	}
out_unlock:
	mutex_unlock(&sb_lock);
out_free:
	sb_free_run(r);
	return err ? err : count;
}

static ssize_t sb_results_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&sb_lock);
	ret = simple_read_from_buffer(ubuf, count, ppos, sb_results,
				      sb_results_len);
	mutex_unlock(&sb_lock);
	return ret;
}

static const struct file_operations sb_run_fops = {
	.owner = THIS_MODULE,
	.write = sb_run_write,
	.llseek = noop_llseek,
};

static const struct file_operations sb_results_fops = {
	.owner = THIS_MODULE,
	.read = sb_results_read,
	.llseek = default_llseek,
};

static int __init sb_init(void)
{
	sb_dir = debugfs_create_dir("slab_bench", NULL);
	if (IS_ERR(sb_dir))
		return PTR_ERR(sb_dir);
	debugfs_create_file("run", 0200, sb_dir, NULL, &sb_run_fops);
	debugfs_create_file("results", 0444, sb_dir, NULL, &sb_results_fops);
	pr_info("%s allocator, debugfs slab_bench/{run,results}\n", SB_ALLOCATOR);
	return 0;
}

static void __exit sb_exit(void)
{
	debugfs_remove(sb_dir);
	kvfree(sb_results);
}

module_init(sb_init);
module_exit(sb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Slab allocator microbenchmarks (SLAB/SLUB/SLOB) for the slab study");
