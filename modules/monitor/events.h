/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rate-limited events to the "events" multicast group.
 */
#ifndef _BM_EVENTS_H
#define _BM_EVENTS_H

#include <linux/sched.h>
#include <linux/types.h>

/* Which optional fields an event carries. */
#define BM_EVF_ORDER	BIT(0)
#define BM_EVF_GFP	BIT(1)
#define BM_EVF_MT	BIT(2)
#define BM_EVF_PRIO	BIT(3)
#define BM_EVF_RESULT	BIT(4)
#define BM_EVF_FRAG	BIT(5)
#define BM_EVF_TASK	BIT(6)

struct bm_event {
	u64 time_ns;
	u32 type;		/* enum buddy_mon_event_type */
	u32 fields;		/* BM_EVF_* */
	u32 order;
	u32 gfp;
	u32 mt;			/* enum buddy_migratetype */
	u32 prio;		/* enum buddy_compact_prio, effective */
	u32 orig_prio;		/* enum buddy_compact_prio, the kernel's */
	u32 result;		/* enum buddy_compact_result */
	u32 unusable_pct;
	u32 cpu;
	u32 pid;
	char comm[TASK_COMM_LEN];
};

/*
 * Where drained events go. The netlink family sets itself as the sink once
 * it is registered and clears it before unregistering; this file calls
 * nothing above it except through these two pointers.
 */
struct bm_event_sink {
	/* Lockless, any context: does anyone listen? */
	bool (*has_listeners)(void);
	/* Process context: 0 if sent to at least one listener, else -errno. */
	int (*send)(const struct bm_event *ev, u64 dropped);
};

int bm_events_init(void);
/*
 * Set the sink (static data of the caller), or clear it with NULL. Once a
 * clear returns, no event is being sent to the old sink and none will be.
 * Between bm_events_init() and bm_events_exit() only.
 */
void bm_events_set_sink(const struct bm_event_sink *sink);
/* Start/stop handing events to the sink. */
void bm_events_start(void);
void bm_events_stop(void);
void bm_events_exit(void);

void bm_events_set_rate(u32 per_sec);

/*
 * Queue an event; fills time, cpu and (with BM_EVF_TASK) pid/comm. Any
 * context, never sleeps, never allocates: drops and counts instead.
 */
void bm_event_emit(struct bm_event *ev);
/* Cheap check so producers can skip building events nobody reads. */
bool bm_events_wanted(void);

u64 bm_events_dropped(void);
u64 bm_events_sent(void);

#endif /* _BM_EVENTS_H */
