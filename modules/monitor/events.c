// SPDX-License-Identifier: GPL-2.0
/*
 * Events to the "events" multicast group.
 *
 * Producers are probes inside the allocator (an allocation failure can be
 * reported with zone or runqueue locks held, interrupts off, from any
 * context but NMI), so they must not allocate, sleep, take a lock that
 * the allocator or the scheduler may hold, or wake anything directly. A
 * producer:
 *   1. returns at once unless someone listens (genl_has_listeners() is a
 *      lockless bit test) and the module is started;
 *   2. passes a global per-second budget (events_per_sec) or counts a drop;
 *   3. copies the event into this CPU's fixed ring under the ring's raw
 *      spinlock with interrupts off (only the drainer on another CPU
 *      contends), or counts a drop when the ring is full;
 *   4. raises an irq_work (NMI-safe, no locks), whose handler queues the
 *      drain work on a workqueue.
 * The drain work moves events out of the rings in batches and hands each
 * to the sink (the netlink family, which multicasts it with GFP_KERNEL)
 * in process context. A slow or absent
 * reader only fills its socket buffer: the send fails, the event is counted
 * as dropped, and the allocator never waits.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/irq_work.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "monitor/events.h"

#define BM_EV_RING	64	/* events per CPU ring */
#define BM_EV_BATCH	16	/* events moved per lock hold */

struct bm_ev_ring {
	raw_spinlock_t lock;
	unsigned int head;	/* next to read */
	unsigned int count;
	struct bm_event ev[BM_EV_RING];
};

static struct bm_ev_ring __percpu *bm_ev_rings;
static struct irq_work bm_ev_irq_work;
static struct work_struct bm_ev_work;
static bool bm_ev_started;
static const struct bm_event_sink *bm_ev_sink;

static u32 bm_ev_rate = 1000;		/* events per second */
static unsigned long bm_ev_window;	/* jiffies at window start */
static atomic_t bm_ev_window_count = ATOMIC_INIT(0);

static atomic64_t bm_ev_dropped = ATOMIC64_INIT(0);
static atomic64_t bm_ev_sent = ATOMIC64_INIT(0);

void bm_events_set_rate(u32 per_sec)
{
	WRITE_ONCE(bm_ev_rate, per_sec);
}

u64 bm_events_dropped(void)
{
	return atomic64_read(&bm_ev_dropped);
}

u64 bm_events_sent(void)
{
	return atomic64_read(&bm_ev_sent);
}

bool bm_events_wanted(void)
{
	const struct bm_event_sink *sink = READ_ONCE(bm_ev_sink);

	return READ_ONCE(bm_ev_started) && sink && sink->has_listeners();
}

/* A one-second window; approximate at the window edge, never blocking. */
static bool bm_ev_budget(void)
{
	unsigned long now = jiffies, start = READ_ONCE(bm_ev_window);

	if (time_after_eq(now, start + HZ) &&
	    cmpxchg(&bm_ev_window, start, now) == start)
		atomic_set(&bm_ev_window_count, 0);
	return atomic_inc_return(&bm_ev_window_count) <= READ_ONCE(bm_ev_rate);
}

void bm_event_emit(struct bm_event *ev)
{
	struct bm_ev_ring *r;
	unsigned long flags;
	bool queued = false;

	if (!bm_events_wanted())
		return;
	if (!bm_ev_budget()) {
		atomic64_inc(&bm_ev_dropped);
		return;
	}
	ev->time_ns = ktime_get_ns();
	if (ev->fields & BM_EVF_TASK) {
		ev->pid = task_pid_nr(current);
		memcpy(ev->comm, current->comm, sizeof(ev->comm));
		ev->comm[sizeof(ev->comm) - 1] = '\0';
	}

	local_irq_save(flags);
	ev->cpu = smp_processor_id();
	r = this_cpu_ptr(bm_ev_rings);
	raw_spin_lock(&r->lock);
	if (r->count < BM_EV_RING) {
		r->ev[(r->head + r->count) % BM_EV_RING] = *ev;
		r->count++;
		queued = true;
	}
	raw_spin_unlock(&r->lock);
	local_irq_restore(flags);

	if (queued)
		irq_work_queue(&bm_ev_irq_work);
	else
		atomic64_inc(&bm_ev_dropped);
}

static void bm_ev_irq_work_fn(struct irq_work *w)
{
	queue_work(system_unbound_wq, &bm_ev_work);
}

/* Continuation bytes 0x80..0xbf, or the narrower range a lead allows. */
static bool bm_utf8_cont(u8 c, u8 lo, u8 hi)
{
	return c >= lo && c <= hi;
}

/*
 * Length of the valid UTF-8 sequence at @s (NUL-terminated), or 0 when the
 * bytes there are not one: a stray continuation byte, an overlong or
 * surrogate form, a code point above U+10FFFF, or a sequence cut short
 * (the NUL fails every continuation test).
 */
static unsigned int bm_utf8_len(const u8 *s)
{
	u8 c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return bm_utf8_cont(s[1], 0x80, 0xbf) ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		u8 lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;

		return bm_utf8_cont(s[1], lo, hi) &&
		       bm_utf8_cont(s[2], 0x80, 0xbf) ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		u8 lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;

		return bm_utf8_cont(s[1], lo, hi) &&
		       bm_utf8_cont(s[2], 0x80, 0xbf) &&
		       bm_utf8_cont(s[3], 0x80, 0xbf) ? 4 : 0;
	}
	return 0;
}

/*
 * A task's comm is whatever bytes it set, cut at 15: often a multi-byte
 * character split in two, sometimes not text at all. Events are read as
 * JSON and text, so replace every byte that is not part of a valid UTF-8
 * sequence with '?' (one byte for one: the name keeps its length).
 */
static void bm_comm_sanitize(char *comm)
{
	u8 *s = (u8 *)comm;
	unsigned int n;

	while (*s) {
		n = bm_utf8_len(s);
		if (n) {
			s += n;
		} else {
			*s = '?';
			s++;
		}
	}
}

static void bm_ev_work_fn(struct work_struct *w)
{
	struct bm_event *batch;
	unsigned int n, i;
	unsigned long flags;
	int cpu;

	batch = kmalloc_array(BM_EV_BATCH, sizeof(*batch), GFP_KERNEL);
	for_each_possible_cpu(cpu) {
		struct bm_ev_ring *r = per_cpu_ptr(bm_ev_rings, cpu);

		do {
			raw_spin_lock_irqsave(&r->lock, flags);
			n = 0;
			while (r->count && n < BM_EV_BATCH) {
				if (batch)
					batch[n] = r->ev[r->head];
				n++;
				r->head = (r->head + 1) % BM_EV_RING;
				r->count--;
			}
			raw_spin_unlock_irqrestore(&r->lock, flags);

			for (i = 0; i < n; i++) {
				const struct bm_event_sink *sink = READ_ONCE(bm_ev_sink);

				if (batch && (batch[i].fields & BM_EVF_TASK))
					bm_comm_sanitize(batch[i].comm);
				if (batch && READ_ONCE(bm_ev_started) && sink &&
				    !sink->send(&batch[i],
						atomic64_read(&bm_ev_dropped)))
					atomic64_inc(&bm_ev_sent);
				else
					atomic64_inc(&bm_ev_dropped);
			}
			cond_resched();
		} while (n);
	}
	kfree(batch);
}

int bm_events_init(void)
{
	int cpu;

	bm_ev_rings = alloc_percpu(struct bm_ev_ring);
	if (!bm_ev_rings)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		raw_spin_lock_init(&per_cpu_ptr(bm_ev_rings, cpu)->lock);
	init_irq_work(&bm_ev_irq_work, bm_ev_irq_work_fn);
	INIT_WORK(&bm_ev_work, bm_ev_work_fn);
	bm_ev_window = jiffies;
	return 0;
}

void bm_events_set_sink(const struct bm_event_sink *sink)
{
	WRITE_ONCE(bm_ev_sink, sink);
	if (sink)
		return;
	/*
	 * A drain that read the old sink finishes before cancel_work_sync()
	 * returns; one that runs later (queued by a late producer) reads NULL.
	 */
	irq_work_sync(&bm_ev_irq_work);
	cancel_work_sync(&bm_ev_work);
}

void bm_events_start(void)
{
	WRITE_ONCE(bm_ev_started, true);
}

/*
 * After this returns nothing is sent any more. Producers that passed the
 * started check just before may still queue and raise the irq_work; call
 * bm_events_exit() once the probes are gone to flush those.
 */
void bm_events_stop(void)
{
	WRITE_ONCE(bm_ev_started, false);
	irq_work_sync(&bm_ev_irq_work);
	cancel_work_sync(&bm_ev_work);
}

void bm_events_exit(void)
{
	WRITE_ONCE(bm_ev_started, false);
	irq_work_sync(&bm_ev_irq_work);
	cancel_work_sync(&bm_ev_work);
	free_percpu(bm_ev_rings);
	bm_ev_rings = NULL;
}
