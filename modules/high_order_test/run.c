// SPDX-License-Identifier: GPL-2.0
/*
 * One high-order allocation run at a time, in its own kernel thread.
 *
 * The run makes up to params.count attempts of alloc_pages(gfp, order),
 * timing each with ktime_get_ns() and recording its outcome, and keeps every
 * block it gets until hot_run_release() (BUDDY_HOT_CMD_RELEASE or module
 * unload). With hold_until_fail it stops at the first failure. Before each
 * attempt it checks a safety floor: if MemAvailable minus the block about
 * to be taken would fall below min_free_pages, the run stops with
 * BUDDY_HOT_STOP_MEM_FLOOR instead of starving the rest of the system.
 * Costly orders never invoke the OOM killer, so holding is the only way a
 * run could wedge the guest, and the floor bounds it.
 *
 * GFP modes, and why the hugetlb-like mode is movable:
 *
 *   kernel  GFP_KERNEL | __GFP_NOWARN
 *           What a driver asking for a 4 MiB buffer gets. Unmovable: the
 *           block is taken from MIGRATE_UNMOVABLE free lists first and
 *           otherwise stolen from a movable pageblock pair, which is then
 *           relabelled unmovable. Async direct compaction for an unmovable
 *           request only migrates out of UNMOVABLE pageblocks
 *           (suitable_migration_source()), so this mode mostly relies on
 *           sync-light compaction. No __GFP_RETRY_MAYFAIL: one reclaim and
 *           compaction round, then failure.
 *
 *   retry   GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_RETRY_MAYFAIL |
 *           __GFP_NOWARN
 *           hugetlb's own mask for pool pages (htlb_alloc_mask() is
 *           GFP_HIGHUSER_MOVABLE for migratable huge page sizes, and
 *           alloc_buddy_huge_page() adds __GFP_COMP, __GFP_NOWARN and, when
 *           trying hard, __GFP_RETRY_MAYFAIL). Movable, so the allocator
 *           and async compaction treat it exactly as they treat a huge page
 *           allocation: movable pageblocks are both where it is placed and
 *           where compaction looks for pages to move. An unmovable variant
 *           would measure a different, more pessimistic path and would
 *           relabel pageblocks under the experiment. __GFP_THISNODE, which
 *           nr_hugepages adds when it walks the nodes itself, is left out:
 *           the run has no node of its own. The blocks are never mapped or
 *           touched; compaction skips them as compound pages, and no
 *           ZONE_MOVABLE exists unless movablecore=/kernelcore= is given.
 *
 *   light   GFP_TRANSHUGE_LIGHT | __GFP_NORETRY | __GFP_NOWARN
 *           A THP fault with the default defrag=madvise on an unadvised
 *           area: movable, compound, no direct reclaim and therefore no
 *           direct compaction, not even a kswapd/kcompactd wakeup. Only
 *           blocks already free are found. (__GFP_NORETRY changes nothing
 *           without direct reclaim; it is kept to say "give up at once".)
 *
 * Latency is ktime_get_ns() around alloc_pages() and includes everything
 * the allocator does, zeroing too: Debian's kernels are built with
 * CONFIG_INIT_ON_ALLOC_DEFAULT_ON=y, so every successful order-10 attempt
 * clears 4 MiB (tens of milliseconds under TCG). A failure costs no
 * zeroing, which is why failures can look faster than successes.
 *
 * Locking: hot.lock serialises start, release and exit and guards the
 * lifetime of the attempt records. The thread never takes it: it writes
 * record i, then publishes done = i + 1 with a release store; readers load
 * done with acquire and read records below it. Release stops the thread
 * with kthread_stop() (the thread also polls hot.stop between attempts),
 * then frees the blocks, so a block is never freed while the thread runs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/stringify.h>
#include <linux/wait.h>

#include "high_order_test/run.h"
#include "uapi/buddyctl.h"

static unsigned int min_free_mb;
module_param(min_free_mb, uint, 0644);
MODULE_PARM_DESC(min_free_mb,
		 "Stop a run before MemAvailable drops below this many MiB (0: max(64 MiB, 5% of RAM))");

#define HOT_FLOOR_MIN_MB	64
#define HOT_FLOOR_RAM_DIV	20	/* 5% of RAM */
#define HOT_SLEEP_WAIT_US	20000	/* longer pauses sleep on hot.wait */

struct hot_run {
	struct mutex lock;		/* see the comment at the top */
	wait_queue_head_t wait;		/* long pauses; woken by release */
	struct task_struct *task;	/* referenced until reaped */
	struct hot_attempt *attempts;	/* params.count records */
	struct hot_params params;
	gfp_t gfp;
	unsigned long min_free_pages;
	long avail_at_stop;		/* MemAvailable when the floor stopped us */
	u64 start_ns;
	u64 end_ns;
	u32 gen;			/* bumped when a run replaces the records */
	u32 blocks_freed;		/* the records' blocks were given back */
	/* Written by the thread while it runs, read locklessly. */
	u32 state;
	u32 stop_reason;
	u32 done;
	u32 successes;
	u32 held;
	u32 stop;			/* set by release */
};

static struct hot_run hot = {
	.lock = __MUTEX_INITIALIZER(hot.lock),
	.wait = __WAIT_QUEUE_HEAD_INITIALIZER(hot.wait),
	.blocks_freed = 1,
};

static const gfp_t hot_gfp_masks[BUDDY_HOT_NR_GFP_MODES] = {
	[BUDDY_HOT_GFP_KERNEL] = GFP_KERNEL | __GFP_NOWARN,
	[BUDDY_HOT_GFP_RETRY] = GFP_HIGHUSER_MOVABLE | __GFP_COMP |
				__GFP_RETRY_MAYFAIL | __GFP_NOWARN,
	[BUDDY_HOT_GFP_LIGHT] = GFP_TRANSHUGE_LIGHT | __GFP_NORETRY | __GFP_NOWARN,
};

static const char * const hot_gfp_names[] = BUDDY_HOT_GFP_NAMES;
static_assert(ARRAY_SIZE(hot_gfp_names) == BUDDY_HOT_NR_GFP_MODES);

static const char * const hot_stop_names[] = BUDDY_HOT_STOP_NAMES;
static_assert(ARRAY_SIZE(hot_stop_names) == BUDDY_HOT_NR_STOP_REASONS);

const char *hot_gfp_mode_name(u32 mode)
{
	return mode < BUDDY_HOT_NR_GFP_MODES ? hot_gfp_names[mode] : "?";
}

int hot_gfp_mode_parse(const char *name, u32 *mode)
{
	u32 i;

	for (i = 0; i < BUDDY_HOT_NR_GFP_MODES; i++) {
		if (sysfs_streq(name, hot_gfp_names[i])) {
			*mode = i;
			return 0;
		}
	}
	return -EINVAL;
}

static unsigned long hot_min_free_pages(void)
{
	unsigned long mb = READ_ONCE(min_free_mb);
	unsigned long floor;

	if (mb)
		return mb << (20 - PAGE_SHIFT);
	floor = totalram_pages() / HOT_FLOOR_RAM_DIV;
	return max_t(unsigned long, floor, HOT_FLOOR_MIN_MB << (20 - PAGE_SHIFT));
}

static bool hot_mem_low(struct hot_run *r)
{
	long avail = si_mem_available();

	if (avail >= 0 &&
	    (unsigned long)avail >= r->min_free_pages + (1UL << r->params.order))
		return false;
	r->avail_at_stop = avail;
	return true;
}

static bool hot_should_stop(struct hot_run *r)
{
	return READ_ONCE(r->stop) || kthread_should_stop();
}

static void hot_pause(struct hot_run *r)
{
	u32 us = r->params.pause_us;

	if (!us)
		return;
	if (us < HOT_SLEEP_WAIT_US)
		usleep_range(us, us + us / 8 + 1);
	else
		wait_event_interruptible_timeout(r->wait, hot_should_stop(r),
						 usecs_to_jiffies(us));
}

static int hot_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* One line per run in the kernel log; netlink is the real interface. */
static void hot_log_summary(struct hot_run *r)
{
	u64 p50 = 0, p99 = 0, max = 0;
	u32 n = r->done, i;
	u64 *lat;

	lat = n ? kvmalloc_array(n, sizeof(*lat), GFP_KERNEL | __GFP_NOWARN) : NULL;
	if (lat) {
		for (i = 0; i < n; i++)
			lat[i] = r->attempts[i].latency_ns;
		sort(lat, n, sizeof(*lat), hot_cmp_u64, NULL);
		p50 = lat[(n - 1) / 2];
		p99 = lat[(u32)div_u64((u64)(n - 1) * 99, 100)];
		max = lat[n - 1];
		kvfree(lat);
	}
	pr_info("run %u: order=%u gfp=%s count=%u hold_until_fail=%u pause_us=%u: %u/%u ok, %u held, stop=%s, %llu ms, latency ns p50=%llu p99=%llu max=%llu\n",
		r->gen, r->params.order, hot_gfp_mode_name(r->params.gfp_mode),
		r->params.count, r->params.hold_until_fail, r->params.pause_us,
		r->successes, n, r->held, hot_stop_names[r->stop_reason],
		div_u64(r->end_ns - r->start_ns, NSEC_PER_MSEC), p50, p99, max);
	if (r->stop_reason == BUDDY_HOT_STOP_MEM_FLOOR)
		pr_info("run %u: stopped early: MemAvailable %ld KiB, floor %lu KiB + one block of %lu KiB\n",
			r->gen, r->avail_at_stop << (PAGE_SHIFT - 10),
			r->min_free_pages << (PAGE_SHIFT - 10),
			1UL << (r->params.order + PAGE_SHIFT - 10));
}

static int hot_run_thread(void *data)
{
	struct hot_run *r = data;
	u32 reason = BUDDY_HOT_STOP_COUNT;
	struct page *page;
	u32 i;
	u64 t0;

	for (i = 0; i < r->params.count; i++) {
		struct hot_attempt *a = &r->attempts[i];

		if (hot_should_stop(r)) {
			reason = BUDDY_HOT_STOP_RELEASED;
			break;
		}
		if (hot_mem_low(r)) {
			reason = BUDDY_HOT_STOP_MEM_FLOOR;
			break;
		}

		t0 = ktime_get_ns();
		page = alloc_pages(r->gfp, r->params.order);
		a->latency_ns = ktime_get_ns() - t0;
		a->pfn = page ? page_to_pfn(page) : HOT_NO_PFN;
		if (page) {
			WRITE_ONCE(r->successes, r->successes + 1);
			WRITE_ONCE(r->held, r->held + 1);
		}
		/* Publish record i before the count that covers it. */
		smp_store_release(&r->done, i + 1);

		if (!page && r->params.hold_until_fail) {
			reason = BUDDY_HOT_STOP_FAILED;
			break;
		}
		if (i + 1 < r->params.count)
			hot_pause(r);
		cond_resched();
	}

	WRITE_ONCE(r->end_ns, ktime_get_ns());
	WRITE_ONCE(r->stop_reason, reason);
	/* DONE is seen only with end_ns and stop_reason set. */
	smp_store_release(&r->state, BUDDY_HOT_DONE);
	hot_log_summary(r);
	return 0;
}

/* Wait for the run's thread to finish and drop it. Caller holds hot.lock. */
static void hot_reap(void)
{
	if (!hot.task)
		return;
	kthread_stop(hot.task);
	put_task_struct(hot.task);
	hot.task = NULL;
	/* Stopped before the thread function ever ran. */
	if (hot.state == BUDDY_HOT_RUNNING) {
		hot.end_ns = ktime_get_ns();
		hot.stop_reason = BUDDY_HOT_STOP_RELEASED;
		/* As at the end of hot_run_thread(). */
		smp_store_release(&hot.state, BUDDY_HOT_DONE);
	}
}

/* Give every held block back. Caller holds hot.lock, the thread is gone. */
static void hot_free_blocks(void)
{
	u32 i, n = hot.done;

	if (hot.blocks_freed)
		return;
	for (i = 0; i < n; i++) {
		if (hot.attempts[i].pfn == HOT_NO_PFN)
			continue;
		__free_pages(pfn_to_page(hot.attempts[i].pfn), hot.params.order);
		WRITE_ONCE(hot.held, hot.held - 1);
		cond_resched();
	}
	hot.blocks_freed = 1;
}

int hot_run_start(const struct hot_params *p, struct netlink_ext_ack *extack)
{
	struct hot_attempt *attempts;
	struct task_struct *task;
	int ret = 0;

	if (p->order > BUDDY_ORDER_MAX) {
		NL_SET_ERR_MSG(extack, "order must be 0.." __stringify(BUDDY_ORDER_MAX));
		return -EINVAL;
	}
	if (!p->count || p->count > BUDDY_HOT_MAX_COUNT) {
		NL_SET_ERR_MSG(extack, "count must be 1.." __stringify(BUDDY_HOT_MAX_COUNT));
		return -EINVAL;
	}
	if (p->gfp_mode >= BUDDY_HOT_NR_GFP_MODES) {
		NL_SET_ERR_MSG(extack, "unknown GFP mode (kernel, retry, light)");
		return -EINVAL;
	}
	if (p->pause_us > BUDDY_HOT_MAX_PAUSE_US) {
		NL_SET_ERR_MSG(extack,
			       "pause_us must be at most " __stringify(BUDDY_HOT_MAX_PAUSE_US));
		return -EINVAL;
	}
	if (((u64)p->count << p->order) > totalram_pages()) {
		NL_SET_ERR_MSG(extack, "count blocks of this order add up to more than all RAM");
		return -EINVAL;
	}

	mutex_lock(&hot.lock);
	/* Pairs with the thread's release of DONE. */
	if (smp_load_acquire(&hot.state) == BUDDY_HOT_RUNNING) {
		NL_SET_ERR_MSG(extack, "a run is in progress; RELEASE it first");
		ret = -EBUSY;
		goto out;
	}
	if (!hot.blocks_freed && READ_ONCE(hot.held)) {
		NL_SET_ERR_MSG(extack,
			       "blocks from the last run are still held; RELEASE them first");
		ret = -EBUSY;
		goto out;
	}
	hot_reap();

	attempts = kvcalloc(p->count, sizeof(*attempts), GFP_KERNEL);
	if (!attempts) {
		NL_SET_ERR_MSG(extack, "no memory for the attempt records");
		ret = -ENOMEM;
		goto out;
	}
	kvfree(hot.attempts);
	hot.attempts = attempts;
	hot.params = *p;
	hot.gfp = hot_gfp_masks[p->gfp_mode];
	hot.min_free_pages = hot_min_free_pages();
	hot.avail_at_stop = 0;
	hot.gen++;
	hot.blocks_freed = 0;
	WRITE_ONCE(hot.stop, 0);
	WRITE_ONCE(hot.done, 0);
	WRITE_ONCE(hot.successes, 0);
	WRITE_ONCE(hot.held, 0);
	WRITE_ONCE(hot.stop_reason, BUDDY_HOT_STOP_NONE);
	WRITE_ONCE(hot.end_ns, 0);
	WRITE_ONCE(hot.start_ns, ktime_get_ns());

	task = kthread_create(hot_run_thread, &hot, "high_order_test");
	if (IS_ERR(task)) {
		NL_SET_ERR_MSG(extack, "could not create the run thread");
		ret = PTR_ERR(task);
		hot.blocks_freed = 1;
		WRITE_ONCE(hot.state, BUDDY_HOT_IDLE);
		goto out;
	}
	get_task_struct(task);
	hot.task = task;
	/* The run's settings are visible before its state says RUNNING. */
	smp_store_release(&hot.state, BUDDY_HOT_RUNNING);
	wake_up_process(task);
out:
	mutex_unlock(&hot.lock);
	return ret;
}

void hot_run_release(void)
{
	mutex_lock(&hot.lock);
	WRITE_ONCE(hot.stop, 1);
	wake_up_all(&hot.wait);
	hot_reap();
	hot_free_blocks();
	if (hot.state == BUDDY_HOT_DONE)
		WRITE_ONCE(hot.state, BUDDY_HOT_IDLE);
	mutex_unlock(&hot.lock);
}

void hot_run_status(struct hot_status *st)
{
	u64 start, end;

	mutex_lock(&hot.lock);
	/* Pairs with the thread's release stores of state and done. */
	st->state = smp_load_acquire(&hot.state);
	st->params = hot.params;
	st->stop_reason = READ_ONCE(hot.stop_reason);
	st->attempts_done = smp_load_acquire(&hot.done);	/* as above */
	st->successes = READ_ONCE(hot.successes);
	st->held = READ_ONCE(hot.held);
	st->gfp_flags = (__force u32)hot.gfp;
	st->min_free_pages = hot.min_free_pages;
	start = READ_ONCE(hot.start_ns);
	end = READ_ONCE(hot.end_ns);
	if (!start)
		st->elapsed_ns = 0;
	else if (st->state == BUDDY_HOT_RUNNING || !end)
		st->elapsed_ns = ktime_get_ns() - start;
	else
		st->elapsed_ns = end - start;
	mutex_unlock(&hot.lock);
}

u32 hot_run_copy_attempts(u32 pos, struct hot_attempt *buf, u32 n, u32 *gen)
{
	u32 done, i;

	mutex_lock(&hot.lock);
	*gen = hot.gen;
	/* Pairs with the thread's release store: records below done are set. */
	done = smp_load_acquire(&hot.done);
	for (i = 0; i < n && pos + i < done; i++)
		buf[i] = hot.attempts[pos + i];
	mutex_unlock(&hot.lock);
	return i;
}

void hot_run_exit(void)
{
	hot_run_release();
	mutex_lock(&hot.lock);
	kvfree(hot.attempts);
	hot.attempts = NULL;
	mutex_unlock(&hot.lock);
}
