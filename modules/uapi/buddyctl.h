/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * buddyctl: the contract between the buddyctl kernel modules and userspace.
 *
 * This one header is compiled by the kernel modules (modules/) and by
 * libbuddyctl (libbuddyctl/). Nothing else defines the wire format.
 *
 * Three generic netlink families, one per module:
 *
 *   "buddy_monitor" (buddy_monitor.ko): allocator behaviour and state, and
 *                   the adaptive compaction tuner.
 *   "buddy_hot"     (high_order_test.ko): high-order allocation runs.
 *   "buddy_frag"    (high_order_test.ko): the fragmenter that pins
 *                   unmovable pages to make order-10 blocks unrecoverable.
 *
 * Versioning: each family's genl version (CTRL_ATTR_VERSION) is the ABI
 * version below. A change that alters the meaning of an existing attribute
 * bumps it; adding attributes or commands does not. Userspace refuses to
 * talk to a family whose version differs from the one it was built with.
 *
 * Arrays: an "array of u64 indexed by X" is a nest whose attribute types
 * are X + 1 (type 0 is reserved by netlink), each carrying one u64. Absent
 * entries are zero. The kernel emits every index, zeros included.
 *
 * Fragmentation, wherever it is compared with the threshold or reported
 * as a single figure (BUDDY_MON_BA_LAST_UNUSABLE_PCT,
 * BUDDY_MON_EV_A_UNUSABLE_PCT), is the kernel's unusable free space index
 * of the order (the share of free pages in blocks too small for it), in
 * percent like the threshold. The module decides on the same index in
 * per-mille, so 80.5 % is over a threshold of 80.
 *
 * Errors: requests are validated strictly against per-level nla_policy;
 * a malformed or out-of-range request fails with -EINVAL (or -ERANGE) and
 * an extack message naming the attribute, and changes nothing.
 *
 * Privilege, decided per command the way the kernel decides between
 * /proc/buddyinfo (world-readable, cheap) and /proc/pagetypeinfo (root
 * only, walks free lists). The capability is the one of the process that
 * opened the netlink socket (netlink_capable()):
 *   - Commands marked "admin" change state and need CAP_SYS_ADMIN (and
 *     only that: CAP_NET_ADMIN alone is refused); -EPERM otherwise.
 *   - Cheap reads (GET_INFO, GET_STATS, GET_LATENCY, GET_CONFIG,
 *     GET_TUNER_STATS, the hot and fragmenter STATUS) are open to all: they
 *     sum per-CPU counters and copy a few words.
 *   - GET_FRAG walks free lists under zone->lock and scans the memmap. With
 *     CAP_SYS_ADMIN or CAP_PERFMON it is computed for the caller. Without,
 *     it is served from one shared snapshot recomputed at most once every
 *     BUDDY_FRAG_SNAPSHOT_MS whoever asks, so unprivileged readers in a
 *     loop cost at most one computation per interval;
 *     BUDDY_MON_ZA_AGE_NS says how old the figures are.
 *   - GET_ATTEMPTS is open, but the PFNs in it (physical addresses, hidden
 *     from unprivileged readers of /proc/self/pagemap too) are zero without
 *     CAP_SYS_ADMIN.
 *   - The events multicast group (pid, comm and GFP flags of allocating
 *     tasks) can only be joined with CAP_SYS_ADMIN.
 *
 * Bounded work: the module never walks a list or the memmap with a
 * spinlock held for longer than a constant. Free lists are counted at most
 * BUDDY_FREE_WALK_CAP entries per zone->lock hold (see
 * BUDDY_MON_ZA_FREE_BLOCKS_DERIVED for what happens past it); memmap scans
 * take no lock and reschedule between blocks. GET_INFO reports the longest
 * lock hold and the longest scan the module made.
 *
 * ---------------------------------------------------------------------
 * BUDDY_MON_CMD_GET_INFO (doit)
 *   reply: BUDDY_MON_A_ABI_VERSION, BUDDY_MON_A_KERNEL_RELEASE,
 *          BUDDY_MON_A_NR_ORDERS, BUDDY_MON_A_CONFIG,
 *          BUDDY_MON_A_MAX_LOCK_HOLD_NS, BUDDY_MON_A_MAX_SCAN_NS,
 *          BUDDY_MON_A_LOCK_HOLD_TOTAL_NS
 *
 * BUDDY_MON_CMD_GET_STATS (doit)
 *   request: [BUDDY_MON_A_ORDER]            only this order
 *   reply:   BUDDY_MON_A_ORDERS             nest of BUDDY_MON_A_ORDER_STATS
 *              BUDDY_MON_A_ORDER_STATS      nest, see enum buddy_mon_order_attr
 *            BUDDY_MON_A_FALLBACKS          nest of BUDDY_MON_A_FALLBACK
 *              BUDDY_MON_A_FALLBACK         nest, see enum buddy_mon_fallback_attr
 *                                           (only non-zero keys are sent)
 *            BUDDY_MON_A_SLOWPATH_MISSED    u64 slow-path entries that could
 *                                           not be attributed (probe overflow)
 *            BUDDY_MON_A_EVENTS_DROPPED     u64
 *            BUDDY_MON_A_EVENTS_SENT        u64
 *            BUDDY_MON_A_RESET_TIME_NS      u64 ktime_get_ns() of last reset
 *            BUDDY_MON_A_NOW_NS             u64 ktime_get_ns() at reply
 *
 * BUDDY_MON_CMD_GET_LATENCY (doit)
 *   request: [BUDDY_MON_A_ORDER]
 *   reply:   BUDDY_MON_A_ORDERS nest of BUDDY_MON_A_ORDER_LATENCY nests,
 *            see enum buddy_mon_latency_attr.
 *            BUDDY_MON_A_LAT_CAPTURE_NS     u64 time the timing hook was
 *                                           on since the last reset (see
 *                                           BUDDY_LAT_DUTY_PERIOD_MS): the
 *                                           time the counts were taken in
 *
 * BUDDY_MON_CMD_GET_FRAG (doit; not a dump)
 *   request: [BUDDY_MON_A_FULL_SCAN]        privileged: the whole memmap now
 *   reply:   one message per populated zone (NLM_F_MULTI), then the ACK;
 *            see enum buddy_mon_zone_attr. A doit, so that a request whose
 *            replies are never read holds only queued messages, charged
 *            to the reader's socket, and never a reference on the module.
 *
 * BUDDY_MON_CMD_RESET (doit, admin): zero every counter and histogram.
 *
 * BUDDY_MON_CMD_GET_CONFIG (doit)
 *   reply:   BUDDY_MON_A_CONFIG nest, see enum buddy_mon_config_attr
 * BUDDY_MON_CMD_SET_CONFIG (doit, admin)
 *   request: BUDDY_MON_A_CONFIG nest with the fields to change; absent
 *            fields are left alone. All fields are validated before any is
 *            applied. A reserve (BUDDY_MON_CA_RESERVE_BLOCKS << _ORDER
 *            pages) of more than half of the free memory at that moment
 *            is refused with -ENOMEM.
 *   reply:   the whole resulting configuration, as GET_CONFIG.
 *
 * BUDDY_MON_CMD_GET_TUNER_STATS (doit)
 *   reply:   BUDDY_MON_A_ORDERS nest of BUDDY_MON_A_TUNER_ORDER nests
 *            (enum buddy_mon_tuner_attr), BUDDY_MON_A_BACKGROUND nest
 *            (enum buddy_mon_background_attr), BUDDY_MON_A_EVACUATOR nest
 *            (enum buddy_mon_evacuator_attr), BUDDY_MON_A_RESERVE nest
 *            (enum buddy_mon_reserve_attr)
 *
 * BUDDY_MON_CMD_EVENT: sent to multicast group BUDDY_MON_MCGRP_EVENTS,
 *   attributes enum buddy_mon_event_attr. Rate-limited in the kernel;
 *   BUDDY_MON_EV_A_DROPPED carries the running count of dropped events.
 * ---------------------------------------------------------------------
 */
#ifndef _UAPI_BUDDYCTL_H
#define _UAPI_BUDDYCTL_H

#define BUDDY_MON_GENL_NAME "buddy_monitor"
/* 2: GET_FRAG is a doit answered with one message per zone, no dump. */
#define BUDDY_MON_GENL_VERSION 2
#define BUDDY_MON_MCGRP_EVENTS "events"
#define BUDDY_MON_PROC_NAME "buddy_monitor"

/*
 * Orders 0..BUDDY_ORDER_MAX are tracked (MAX_ORDER is 11 on x86-64).
 * BUDDY_ORDER_MAX is a plain number so that messages can spell it.
 */
#define BUDDY_ORDER_MAX 10
#define BUDDY_NR_ORDERS (BUDDY_ORDER_MAX + 1)
/* Log2 latency buckets: bucket i counts [2^i, 2^(i+1)) ns; bucket 0 is [0, 2). */
#define BUDDY_LAT_BUCKETS 40
/*
 * Free-list entries counted per zone->lock hold, at most: the bound on the
 * module's interrupts-off time (a list walk touches one struct page per
 * entry; /proc/pagetypeinfo caps its walk at 100000).
 */
#define BUDDY_FREE_WALK_CAP 1024
/* Unprivileged GET_FRAG readers share one snapshot at most this old. */
#define BUDDY_FRAG_SNAPSHOT_MS 1000
/*
 * The physical limit (BUDDY_MON_ZA_BLOCKS_RECOVERABLE) reads every struct
 * page of a block that is in use, so its cost grows with memory. A
 * GET_FRAG scans at most this many 4 MiB blocks per zone (32 GiB; the
 * module parameter limit_slice_blocks changes it) and keeps the verdict
 * of each block between reads: a larger zone is covered over several
 * reads, slice after slice, and BUDDY_MON_ZA_LIMIT_AGE_NS says how old
 * the oldest slice is. A zone's first read and a request with
 * BUDDY_MON_A_FULL_SCAN scan every block.
 */
#define BUDDY_LIMIT_SLICE_BLOCKS 8192

/*
 * Limits of the configuration (enum buddy_mon_config_attr). The module's
 * request policy and its module-parameter check use these, and libbuddyctl
 * checks an update against them before sending it.
 */
#define BUDDY_THRESHOLD_MAX		100	/* percent; the minimum is 0 */
#define BUDDY_EVENTS_PER_SEC_MIN	1
#define BUDDY_EVENTS_PER_SEC_MAX	100000
#define BUDDY_BG_INTERVAL_MIN_MS	100
#define BUDDY_BG_INTERVAL_MAX_MS	60000
/*
 * The reserve (BUDDY_MON_CA_RESERVE_*): blocks of the order to keep free,
 * 0 (off) up to this; and the worker's time budget in ms per second. A
 * count is also refused when it is more than half of the free memory at
 * the time it is set (-ENOMEM).
 */
#define BUDDY_RESERVE_BLOCKS_MAX	65536
#define BUDDY_RESERVE_BUDGET_MIN_MS	1
#define BUDDY_RESERVE_BUDGET_MAX_MS	1000
/* What the module starts with, and how often its worker looks. */
#define BUDDY_RESERVE_DEFAULT_BUDGET_MS	100
#define BUDDY_RESERVE_PERIOD_MS		100

/*
 * Latency capture in duty cycles (BUDDY_MON_CA_LATENCY_DUTY_PCT). While
 * capture is on, the timing hook on the allocator's entry costs a call on
 * every allocation, and only unregistering it removes that cost. Below
 * BUDDY_LAT_DUTY_MAX_PCT the hook is registered for duty percent of each
 * period and unregistered for the rest, so the histograms sample the
 * distribution in time and their counts scale with the duty (divide by
 * BUDDY_MON_A_LAT_CAPTURE_NS, not by the time since the reset, for a
 * rate). Bursts shorter than the off part of a period may be missed
 * entirely. Requests in flight when the hook is registered are counted as
 * missed; those ending after it is unregistered are not counted at all.
 * BUDDY_LAT_DUTY_MAX_PCT (the default) keeps the hook registered for as
 * long as capture is on.
 */
#define BUDDY_LAT_DUTY_PERIOD_MS	1000
#define BUDDY_LAT_DUTY_MIN_PCT		1
#define BUDDY_LAT_DUTY_MAX_PCT		100

/* Stable userspace mirrors of kernel enums; the module maps to these. */
enum buddy_compact_prio {
	BUDDY_PRIO_SYNC_FULL = 0,	/* MIN_COMPACT_PRIORITY */
	BUDDY_PRIO_SYNC_LIGHT = 1,
	BUDDY_PRIO_ASYNC = 2,
	BUDDY_NR_PRIOS
};

enum buddy_compact_result {
	BUDDY_COMPACT_NOT_SUITABLE_ZONE,
	BUDDY_COMPACT_SKIPPED,
	BUDDY_COMPACT_DEFERRED,
	BUDDY_COMPACT_NO_SUITABLE_PAGE,
	BUDDY_COMPACT_CONTINUE,
	BUDDY_COMPACT_COMPLETE,
	BUDDY_COMPACT_PARTIAL_SKIPPED,
	BUDDY_COMPACT_CONTENDED,
	BUDDY_COMPACT_SUCCESS,
	BUDDY_NR_COMPACT_RESULTS
};

enum buddy_migratetype {
	BUDDY_MT_UNMOVABLE,
	BUDDY_MT_MOVABLE,
	BUDDY_MT_RECLAIMABLE,
	BUDDY_MT_HIGHATOMIC,
	BUDDY_MT_CMA,
	BUDDY_MT_ISOLATE,
	BUDDY_NR_MIGRATETYPES
};

enum buddy_tuner_policy {
	BUDDY_POLICY_OFF,
	BUDDY_POLICY_OBSERVE,
	BUDDY_POLICY_ADAPTIVE,
	BUDDY_POLICY_ALWAYS_MAX,
	BUDDY_POLICY_EVACUATE,		/* kernel priority + targeted evacuation */
	BUDDY_NR_POLICIES
};

/*
 * Names, in enum order, of the values above: what the module parameters
 * accept and what userspace prints in text, JSON and Prometheus labels.
 * Each is an initializer for an array of strings, usable from C and C++.
 */
#define BUDDY_PRIO_NAMES { "sync_full", "sync_light", "async" }
#define BUDDY_COMPACT_RESULT_NAMES { "not_suitable_zone", "skipped", \
	"deferred", "no_suitable_page", "continue", "complete", \
	"partial_skipped", "contended", "success" }
#define BUDDY_MT_NAMES { "unmovable", "movable", "reclaimable", \
	"highatomic", "cma", "isolate" }
#define BUDDY_POLICY_NAMES { "off", "observe", "adaptive", "always-max", \
	"evacuate" }

/* Why a round of the reserve worker stopped short of the target. */
enum buddy_reserve_pause {
	BUDDY_RESERVE_PAUSE_LOW_MEMORY,	/* a block would take free memory too low */
	BUDDY_RESERVE_PAUSE_RECLAIM,	/* the system is reclaiming */
	BUDDY_RESERVE_PAUSE_BUDGET,	/* the time budget of this second is spent */
	BUDDY_RESERVE_PAUSE_NO_CANDIDATE,	/* no block holds only free and movable pages */
	BUDDY_RESERVE_PAUSE_BUSY,	/* a request had the evacuator, lately */
	BUDDY_RESERVE_NR_PAUSES
};

#define BUDDY_RESERVE_PAUSE_NAMES { "low_memory", "reclaim", "budget", \
	"no_candidate", "busy" }

enum buddy_mon_cmd {
	BUDDY_MON_CMD_UNSPEC,
	BUDDY_MON_CMD_GET_INFO,
	BUDDY_MON_CMD_GET_STATS,
	BUDDY_MON_CMD_GET_LATENCY,
	BUDDY_MON_CMD_GET_FRAG,
	BUDDY_MON_CMD_RESET,
	BUDDY_MON_CMD_GET_CONFIG,
	BUDDY_MON_CMD_SET_CONFIG,
	BUDDY_MON_CMD_GET_TUNER_STATS,
	BUDDY_MON_CMD_EVENT,
	__BUDDY_MON_CMD_LAST
};

#define BUDDY_MON_CMD_MAX (__BUDDY_MON_CMD_LAST - 1)

enum buddy_mon_attr {
	BUDDY_MON_A_UNSPEC,
	BUDDY_MON_A_ABI_VERSION,	/* u32 */
	BUDDY_MON_A_KERNEL_RELEASE,	/* string, utsname()->release */
	BUDDY_MON_A_NR_ORDERS,		/* u32 */
	BUDDY_MON_A_ORDER,		/* u32, 0..BUDDY_NR_ORDERS-1 */
	BUDDY_MON_A_ORDERS,		/* nest */
	BUDDY_MON_A_ORDER_STATS,	/* nest, enum buddy_mon_order_attr */
	BUDDY_MON_A_ORDER_LATENCY,	/* nest, enum buddy_mon_latency_attr */
	BUDDY_MON_A_TUNER_ORDER,	/* nest, enum buddy_mon_tuner_attr */
	BUDDY_MON_A_FALLBACKS,		/* nest */
	BUDDY_MON_A_FALLBACK,		/* nest, enum buddy_mon_fallback_attr */
	BUDDY_MON_A_SLOWPATH_MISSED,	/* u64 */
	BUDDY_MON_A_EVENTS_DROPPED,	/* u64 */
	BUDDY_MON_A_EVENTS_SENT,	/* u64 */
	BUDDY_MON_A_RESET_TIME_NS,	/* u64 */
	BUDDY_MON_A_NOW_NS,		/* u64 */
	BUDDY_MON_A_CONFIG,		/* nest, enum buddy_mon_config_attr */
	BUDDY_MON_A_BACKGROUND,		/* nest, enum buddy_mon_background_attr */
	BUDDY_MON_A_PAD,
	BUDDY_MON_A_EVACUATOR,		/* nest, enum buddy_mon_evacuator_attr */
	/* u64 longest zone->lock hold (interrupts off) by the module, ns */
	BUDDY_MON_A_MAX_LOCK_HOLD_NS,
	/* u64 longest memmap scan by the module (wall time), ns */
	BUDDY_MON_A_MAX_SCAN_NS,
	/*
	 * flag, GET_FRAG request: scan every block for the physical limit
	 * now instead of the next slice (CAP_SYS_ADMIN or CAP_PERFMON).
	 */
	BUDDY_MON_A_FULL_SCAN,
	BUDDY_MON_A_RESERVE,		/* nest, enum buddy_mon_reserve_attr */
	/*
	 * u64 GET_LATENCY reply: ns the latency hook was registered since the
	 * last reset (the time the counts were taken in; all orders).
	 */
	BUDDY_MON_A_LAT_CAPTURE_NS,
	/*
	 * u64 GET_INFO reply: ns the module held a zone->lock (interrupts
	 * off) in all, since load or reset; its rate is what observing costs.
	 */
	BUDDY_MON_A_LOCK_HOLD_TOTAL_NS,
	__BUDDY_MON_A_LAST
};

#define BUDDY_MON_A_MAX (__BUDDY_MON_A_LAST - 1)

/* Per-order behaviour counters. All u64 unless noted. */
enum buddy_mon_order_attr {
	BUDDY_MON_OA_UNSPEC,
	BUDDY_MON_OA_ORDER,		/* u32 */
	BUDDY_MON_OA_REQUESTS,		/* == SUCCESSES + FAILURES, always */
	BUDDY_MON_OA_SUCCESSES,
	BUDDY_MON_OA_FAILURES,
	BUDDY_MON_OA_SLOWPATH,		/* requests that entered the slow path */
	BUDDY_MON_OA_COMPACT_ATTEMPTS,	/* direct compactions (try_to_compact_pages) */
	BUDDY_MON_OA_COMPACT_PRIO,	/* array of u64 indexed by enum buddy_compact_prio */
	BUDDY_MON_OA_COMPACT_RESULT,	/* array of u64 indexed by enum buddy_compact_result */
	BUDDY_MON_OA_COMPACT_DEFERRED,	/* compaction_deferred() said skip, per zone */
	/* u64 tuner priority raises: BUDDY_MON_TA_RAISES, repeated here */
	BUDDY_MON_OA_RAISES,
	BUDDY_MON_OA_MT_REQUESTS,	/* array of u64 indexed by enum buddy_migratetype */
	BUDDY_MON_OA_MT_FAILURES,	/* array of u64 indexed by enum buddy_migratetype */
	BUDDY_MON_OA_PAD,
	/*
	 * u64 requests that ran at least one direct compaction, counted at
	 * completion like SLOWPATH: COMPACT_REQUESTS <= SLOWPATH <= REQUESTS
	 * always. COMPACT_ATTEMPTS counts compactions (the kernel's
	 * try_to_compact_pages events) and can exceed requests, because one
	 * request may compact several times (__GFP_RETRY_MAYFAIL retries).
	 */
	BUDDY_MON_OA_COMPACT_REQUESTS,
	BUDDY_MON_OA_COMPACT_PAGES,	/* u64 direct compactions that returned a page */
	__BUDDY_MON_OA_LAST
};

#define BUDDY_MON_OA_MAX (__BUDDY_MON_OA_LAST - 1)

/* One kmem:mm_page_alloc_extfrag key and its count. */
enum buddy_mon_fallback_attr {
	BUDDY_MON_FA_UNSPEC,
	BUDDY_MON_FA_ALLOC_ORDER,	/* u32 */
	BUDDY_MON_FA_FALLBACK_ORDER,	/* u32 */
	BUDDY_MON_FA_ALLOC_MT,		/* u32 enum buddy_migratetype (wanted) */
	BUDDY_MON_FA_FALLBACK_MT,	/* u32 enum buddy_migratetype (taken from) */
	BUDDY_MON_FA_FRAGMENTING,	/* u8: fallback split a pageblock */
	BUDDY_MON_FA_COUNT,		/* u64 */
	BUDDY_MON_FA_PAD,
	__BUDDY_MON_FA_LAST
};

#define BUDDY_MON_FA_MAX (__BUDDY_MON_FA_LAST - 1)

enum buddy_mon_latency_attr {
	BUDDY_MON_LA_UNSPEC,
	BUDDY_MON_LA_ORDER,		/* u32 */
	BUDDY_MON_LA_FAST_HIST,		/* array of u64 indexed by bucket */
	BUDDY_MON_LA_SLOW_HIST,		/* array of u64 indexed by bucket */
	BUDDY_MON_LA_FAST_MAX_NS,	/* u64 */
	BUDDY_MON_LA_SLOW_MAX_NS,	/* u64 */
	BUDDY_MON_LA_FAST_SUM_NS,	/* u64 */
	BUDDY_MON_LA_SLOW_SUM_NS,	/* u64 */
	/*
	 * u64 calls not timed while capture was on: the call's start could
	 * not be paired with its end (the task was preempted or slept outside
	 * the slow path, a nested allocation reused its slot, or it was in
	 * flight when capture was switched on or a duty window began;
	 * monitor/latency.c). This is one
	 * global count, repeated in every order's nest; do not sum it over
	 * orders.
	 */
	BUDDY_MON_LA_MISSED,
	BUDDY_MON_LA_PAD,
	__BUDDY_MON_LA_LAST
};

#define BUDDY_MON_LA_MAX (__BUDDY_MON_LA_LAST - 1)

/* One populated zone's state, computed on demand (or a shared snapshot). */
enum buddy_mon_zone_attr {
	BUDDY_MON_ZA_UNSPEC,
	BUDDY_MON_ZA_NODE,		/* u32 */
	BUDDY_MON_ZA_ZONE_IDX,		/* u32 */
	BUDDY_MON_ZA_ZONE_NAME,		/* string: "DMA", "DMA32", "Normal", ... */
	BUDDY_MON_ZA_MANAGED_PAGES,	/* u64 */
	BUDDY_MON_ZA_PRESENT_PAGES,	/* u64 */
	BUDDY_MON_ZA_FREE_PAGES,	/* u64 NR_FREE_PAGES */
	BUDDY_MON_ZA_START_PFN,		/* u64 */
	BUDDY_MON_ZA_SPANNED_PAGES,	/* u64 */
	/*
	 * Nest of per-order nests (type order + 1), each an array of u64
	 * (free blocks) indexed by enum buddy_migratetype.
	 */
	BUDDY_MON_ZA_FREE_BLOCKS,
	/* array of u64 indexed by order: free_area[order].nr_free */
	BUDDY_MON_ZA_NR_FREE,
	/*
	 * array indexed by order of u64 holding the kernel's index times
	 * 1000, exactly as debugfs extfrag/ prints it (%d.%03d). The
	 * fragmentation index is signed: stored as (u64)(s64)value, -1000
	 * meaning "an allocation of this order would succeed".
	 */
	BUDDY_MON_ZA_UNUSABLE_INDEX,
	BUDDY_MON_ZA_EXTFRAG_INDEX,
	/*
	 * u32: this zone's weighted share of the node's proactive-compaction
	 * score (fragmentation_score_zone_weighted)
	 */
	BUDDY_MON_ZA_PROACTIVE_SCORE,
	/* u32: the node's proactive-compaction score (sum over its zones) */
	BUDDY_MON_ZA_NODE_PROACTIVE_SCORE,
	/* 4 MiB feasibility, over order-10-aligned blocks fully inside the zone */
	BUDDY_MON_ZA_BLOCKS_TOTAL,	/* u64 aligned blocks */
	BUDDY_MON_ZA_BLOCKS_FREE,	/* u64 free order-10 blocks now */
	BUDDY_MON_ZA_BLOCKS_RECOVERABLE,/* u64 blocks holding only free or movable pages */
	BUDDY_MON_ZA_PAD,
	/*
	 * u32 bit per order whose FREE_BLOCKS split is derived, not counted:
	 * a free list of that order held more than BUDDY_FREE_WALK_CAP
	 * entries, so it got what NR_FREE leaves after the lists counted
	 * whole (at least the cap); exact up to races when one list of the
	 * order is past the cap, split evenly between lists when several
	 * are. The per-order totals (NR_FREE) are always exact.
	 */
	BUDDY_MON_ZA_FREE_BLOCKS_DERIVED,
	/* u64 age of these figures in ns: 0 when computed for this request */
	BUDDY_MON_ZA_AGE_NS,
	/*
	 * u64 age in ns of the oldest part of BLOCKS_RECOVERABLE (see
	 * BUDDY_LIMIT_SLICE_BLOCKS), counted from when the figures were
	 * computed (add AGE_NS for their age now); 0 when every block was
	 * scanned for them.
	 */
	BUDDY_MON_ZA_LIMIT_AGE_NS,
	/* u64 blocks the memmap scan read for these figures */
	BUDDY_MON_ZA_LIMIT_SCANNED_BLOCKS,
	__BUDDY_MON_ZA_LAST
};

#define BUDDY_MON_ZA_MAX (__BUDDY_MON_ZA_LAST - 1)

enum buddy_mon_config_attr {
	BUDDY_MON_CA_UNSPEC,
	BUDDY_MON_CA_LATENCY,		/* u8 0/1: latency capture */
	BUDDY_MON_CA_EVENTS_PER_SEC,	/* u32 BUDDY_EVENTS_PER_SEC_MIN..MAX */
	BUDDY_MON_CA_POLICY,		/* u32 enum buddy_tuner_policy */
	BUDDY_MON_CA_THRESHOLD,		/* u32 0..BUDDY_THRESHOLD_MAX percent */
	BUDDY_MON_CA_MIN_ORDER,		/* u32 0..BUDDY_NR_ORDERS-1 */
	BUDDY_MON_CA_BG_ENABLED,	/* u8 0/1 */
	BUDDY_MON_CA_BG_ORDER,		/* u32 0..BUDDY_NR_ORDERS-1 */
	BUDDY_MON_CA_BG_INTERVAL_MS,	/* u32 BUDDY_BG_INTERVAL_MIN_MS..MAX_MS */
	BUDDY_MON_CA_RESERVE_ORDER,	/* u32 0..BUDDY_NR_ORDERS-1 */
	BUDDY_MON_CA_RESERVE_BLOCKS,	/* u32 0 (off)..BUDDY_RESERVE_BLOCKS_MAX */
	/* u32 BUDDY_RESERVE_BUDGET_MIN_MS..MAX_MS of worker time per second */
	BUDDY_MON_CA_RESERVE_BUDGET_MS,
	/*
	 * u32 BUDDY_LAT_DUTY_MIN_PCT..MAX_PCT: percent of each
	 * BUDDY_LAT_DUTY_PERIOD_MS the latency hook is registered while
	 * capture is on (default 100: always). Kept while capture is off;
	 * a change while it is on starts a new period.
	 */
	BUDDY_MON_CA_LATENCY_DUTY_PCT,
	__BUDDY_MON_CA_LAST
};

#define BUDDY_MON_CA_MAX (__BUDDY_MON_CA_LAST - 1)

enum buddy_mon_tuner_attr {
	BUDDY_MON_TA_UNSPEC,
	BUDDY_MON_TA_ORDER,		/* u32 */
	BUDDY_MON_TA_DECISIONS,		/* u64 eligible direct compactions seen */
	BUDDY_MON_TA_RAISES,		/* u64 priority raised to SYNC_FULL */
	BUDDY_MON_TA_DEFERRALS,		/* u64 kernel priority kept (below threshold) */
	BUDDY_MON_TA_WOULD_RAISE,	/* u64 observe mode: would have raised */
	BUDDY_MON_TA_RAISED_RESULT,	/* array of u64 by enum buddy_compact_result */
	BUDDY_MON_TA_KEPT_RESULT,	/* array of u64 by enum buddy_compact_result */
	BUDDY_MON_TA_RAISED_SUCCESS,	/* u64 raised compactions that returned a page */
	BUDDY_MON_TA_KEPT_SUCCESS,	/* u64 kept compactions that returned a page */
	BUDDY_MON_TA_PAD,
	__BUDDY_MON_TA_LAST
};

#define BUDDY_MON_TA_MAX (__BUDDY_MON_TA_LAST - 1)

enum buddy_mon_background_attr {
	BUDDY_MON_BA_UNSPEC,
	BUDDY_MON_BA_CHECKS,		/* u64 periodic fragmentation checks */
	BUDDY_MON_BA_TRIGGERS,		/* u64 compactions started */
	BUDDY_MON_BA_RATELIMITED,	/* u64 triggers suppressed by the rate limit */
	BUDDY_MON_BA_BLOCKS_GAINED,	/* u64 free target-order blocks gained after triggers */
	BUDDY_MON_BA_LAST_UNUSABLE_PCT,	/* u32 last measured fragmentation, percent */
	BUDDY_MON_BA_PAD,
	__BUDDY_MON_BA_LAST
};

#define BUDDY_MON_BA_MAX (__BUDDY_MON_BA_LAST - 1)

/* The evacuate policy (see modules/monitor/evacuate.c). */
enum buddy_mon_evacuator_attr {
	BUDDY_MON_VA_UNSPEC,
	BUDDY_MON_VA_REQUESTS,		/* u64 direct compactions handed to the evacuator */
	BUDDY_MON_VA_SCANS,		/* u64 memmap scans for candidate blocks */
	BUDDY_MON_VA_ATTEMPTS,		/* u64 blocks it tried to empty */
	BUDDY_MON_VA_BLOCKS,		/* u64 blocks emptied and freed whole */
	BUDDY_MON_VA_FAILURES,		/* u64 attempts alloc_contig_range refused */
	BUDDY_MON_VA_PAGES_MOVED,	/* u64 in-use pages in the emptied blocks */
	BUDDY_MON_VA_NO_CANDIDATE,	/* u64 requests that found no emptiable block */
	BUDDY_MON_VA_LOW_MEMORY,	/* u64 requests refused by the free-memory guard */
	BUDDY_MON_VA_BUSY,		/* u64 requests left to compaction: evacuator busy */
	BUDDY_MON_VA_TIME_NS,		/* u64 time spent scanning and emptying blocks */
	BUDDY_MON_VA_PAD,
	BUDDY_MON_VA_NOT_COMPACTED,	/* u64 requests it failed without compacting */
	__BUDDY_MON_VA_LAST
};

#define BUDDY_MON_VA_MAX (__BUDDY_MON_VA_LAST - 1)

/*
 * The reserve (see modules/monitor/reserve.c): a worker keeps TARGET free
 * blocks of ORDER by emptying the cheapest emptiable blocks, as the
 * evacuate policy does. Orders below the pageblock order are served by
 * emptying whole pageblocks, so BLOCKS and PAGES_MOVED count pageblocks
 * there.
 */
enum buddy_mon_reserve_attr {
	BUDDY_MON_RA_UNSPEC,
	BUDDY_MON_RA_ORDER,		/* u32 the order kept free */
	BUDDY_MON_RA_TARGET,		/* u64 blocks of ORDER to keep free; 0: off */
	/*
	 * u64 free blocks of ORDER now, summed over zones; a free block of
	 * ORDER + j counts 2^j
	 */
	BUDDY_MON_RA_FREE,
	BUDDY_MON_RA_ROUNDS,		/* u64 periods that found the count below target */
	BUDDY_MON_RA_BLOCKS,		/* u64 blocks emptied and freed whole */
	BUDDY_MON_RA_PAGES_MOVED,	/* u64 in-use pages migrated out of them */
	BUDDY_MON_RA_ATTEMPTS,		/* u64 blocks the worker tried to empty */
	BUDDY_MON_RA_FAILURES,		/* u64 attempts alloc_contig_range refused */
	/*
	 * u64 time the worker spent in rounds, ns: wall time, so an upper
	 * bound of its CPU time (it includes waits inside migration)
	 */
	BUDDY_MON_RA_CPU_NS,
	BUDDY_MON_RA_PAUSED,		/* array of u64 indexed by enum buddy_reserve_pause */
	BUDDY_MON_RA_PAD,
	__BUDDY_MON_RA_LAST
};

#define BUDDY_MON_RA_MAX (__BUDDY_MON_RA_LAST - 1)

enum buddy_mon_event_type {
	BUDDY_EV_ALLOC_FAIL,		/* an allocation failed */
	BUDDY_EV_COMPACT,		/* a direct compaction returned */
	BUDDY_EV_TUNER,			/* the tuner decided a priority */
	BUDDY_EV_BACKGROUND,		/* the background trigger fired */
	BUDDY_NR_EVENT_TYPES
};

#define BUDDY_EV_NAMES { "alloc_fail", "compact", "tuner", "background" }

enum buddy_mon_event_attr {
	BUDDY_MON_EV_A_UNSPEC,
	BUDDY_MON_EV_A_TYPE,		/* u32 enum buddy_mon_event_type */
	BUDDY_MON_EV_A_TIME_NS,		/* u64 ktime_get_ns() */
	BUDDY_MON_EV_A_ORDER,		/* u32 */
	BUDDY_MON_EV_A_GFP,		/* u32 gfp_t bits */
	BUDDY_MON_EV_A_MIGRATETYPE,	/* u32 enum buddy_migratetype */
	BUDDY_MON_EV_A_PRIO,		/* u32 enum buddy_compact_prio (effective) */
	BUDDY_MON_EV_A_ORIG_PRIO,	/* u32 the kernel's own priority */
	BUDDY_MON_EV_A_RESULT,		/* u32 enum buddy_compact_result */
	BUDDY_MON_EV_A_UNUSABLE_PCT,	/* u32 fragmentation of ORDER, percent */
	BUDDY_MON_EV_A_CPU,		/* u32 */
	BUDDY_MON_EV_A_PID,		/* u32 */
	BUDDY_MON_EV_A_COMM,		/* string */
	BUDDY_MON_EV_A_DROPPED,		/* u64 events dropped so far */
	BUDDY_MON_EV_A_PAD,
	__BUDDY_MON_EV_A_LAST
};

#define BUDDY_MON_EV_A_MAX (__BUDDY_MON_EV_A_LAST - 1)

/*
 * ---------------------------------------------------------------------
 * "buddy_hot": high_order_test.ko
 *
 * BUDDY_HOT_CMD_RUN (admin): start a run in a kernel thread and return at
 *   once. Attributes: BUDDY_HOT_A_ORDER (0..BUDDY_NR_ORDERS-1, default
 *   BUDDY_HOT_DEFAULT_ORDER), _COUNT (1..BUDDY_HOT_MAX_COUNT, default
 *   BUDDY_HOT_DEFAULT_COUNT), _GFP_MODE (enum buddy_hot_gfp_mode),
 *   _HOLD_UNTIL_FAIL (u8), _PAUSE_US (u32 0..BUDDY_HOT_MAX_PAUSE_US).
 *   -EBUSY while a run is active or blocks from an earlier run are still
 *   held.
 * BUDDY_HOT_CMD_STATUS: progress and totals (enum buddy_hot_attr).
 * BUDDY_HOT_CMD_GET_ATTEMPTS (dump): one BUDDY_HOT_A_ATTEMPT nest per
 *   attempt of the last run, enum buddy_hot_attempt_attr. BUDDY_HOT_AA_PFN
 *   is 0 unless the reader has CAP_SYS_ADMIN.
 * BUDDY_HOT_CMD_RELEASE (admin): stop a run and free every held block.
 * ---------------------------------------------------------------------
 */
#define BUDDY_HOT_GENL_NAME "buddy_hot"
#define BUDDY_HOT_GENL_VERSION 1
/* RUN limits, and the defaults of what a request leaves out */
#define BUDDY_HOT_MAX_COUNT 65536
#define BUDDY_HOT_MAX_PAUSE_US 10000000
#define BUDDY_HOT_DEFAULT_ORDER 10
#define BUDDY_HOT_DEFAULT_COUNT 64

enum buddy_hot_gfp_mode {
	/* GFP_KERNEL | __GFP_NOWARN: unmovable, the driver case */
	BUDDY_HOT_GFP_KERNEL,
	/*
	 * hugetlb-like, hugetlb's own mask: GFP_HIGHUSER_MOVABLE | __GFP_COMP |
	 * __GFP_RETRY_MAYFAIL | __GFP_NOWARN (movable, like a huge page; see
	 * modules/high_order_test/run.c for why not GFP_KERNEL)
	 */
	BUDDY_HOT_GFP_RETRY,
	/*
	 * THP-like: GFP_TRANSHUGE_LIGHT | __GFP_NORETRY | __GFP_NOWARN, movable,
	 * no direct reclaim and so no direct compaction
	 */
	BUDDY_HOT_GFP_LIGHT,
	BUDDY_HOT_NR_GFP_MODES
};

#define BUDDY_HOT_GFP_NAMES { "kernel", "retry", "light" }

enum buddy_hot_state {
	BUDDY_HOT_IDLE,
	BUDDY_HOT_RUNNING,
	BUDDY_HOT_DONE,		/* finished, blocks held until RELEASE */
	BUDDY_HOT_NR_STATES
};

#define BUDDY_HOT_STATE_NAMES { "idle", "running", "done" }

/* Why the last run stopped making attempts (BUDDY_HOT_A_STOP_REASON). */
enum buddy_hot_stop_reason {
	BUDDY_HOT_STOP_NONE,		/* no run yet, or still running */
	BUDDY_HOT_STOP_COUNT,		/* made all COUNT attempts */
	BUDDY_HOT_STOP_FAILED,		/* HOLD_UNTIL_FAIL and an attempt failed */
	BUDDY_HOT_STOP_RELEASED,	/* RELEASE (or module unload) during the run */
	BUDDY_HOT_STOP_MEM_FLOOR,	/* MemAvailable would drop below MIN_FREE_PAGES */
	BUDDY_HOT_NR_STOP_REASONS
};

#define BUDDY_HOT_STOP_NAMES { "none", "count", "failed", "released", \
	"mem_floor" }

enum buddy_hot_cmd {
	BUDDY_HOT_CMD_UNSPEC,
	BUDDY_HOT_CMD_RUN,
	BUDDY_HOT_CMD_STATUS,
	BUDDY_HOT_CMD_GET_ATTEMPTS,
	BUDDY_HOT_CMD_RELEASE,
	__BUDDY_HOT_CMD_LAST
};

#define BUDDY_HOT_CMD_MAX (__BUDDY_HOT_CMD_LAST - 1)

enum buddy_hot_attr {
	BUDDY_HOT_A_UNSPEC,
	BUDDY_HOT_A_ORDER,		/* u32 */
	BUDDY_HOT_A_COUNT,		/* u32 */
	BUDDY_HOT_A_GFP_MODE,		/* u32 */
	BUDDY_HOT_A_HOLD_UNTIL_FAIL,	/* u8 */
	BUDDY_HOT_A_PAUSE_US,		/* u32 */
	BUDDY_HOT_A_STATE,		/* u32 enum buddy_hot_state */
	BUDDY_HOT_A_ATTEMPTS_DONE,	/* u32 */
	BUDDY_HOT_A_SUCCESSES,		/* u32 */
	BUDDY_HOT_A_HELD,		/* u32 blocks currently held */
	BUDDY_HOT_A_ELAPSED_NS,		/* u64 */
	BUDDY_HOT_A_ATTEMPT,		/* nest, enum buddy_hot_attempt_attr */
	BUDDY_HOT_A_PAD,
	BUDDY_HOT_A_STOP_REASON,	/* u32 enum buddy_hot_stop_reason */
	BUDDY_HOT_A_GFP_FLAGS,		/* u32 the gfp_t bits the run used */
	BUDDY_HOT_A_MIN_FREE_PAGES,	/* u64 safety floor (MemAvailable) of the run */
	__BUDDY_HOT_A_LAST
};

#define BUDDY_HOT_A_MAX (__BUDDY_HOT_A_LAST - 1)

enum buddy_hot_attempt_attr {
	BUDDY_HOT_AA_UNSPEC,
	BUDDY_HOT_AA_INDEX,		/* u32 */
	BUDDY_HOT_AA_OK,		/* u8 */
	BUDDY_HOT_AA_LATENCY_NS,	/* u64 */
	BUDDY_HOT_AA_PFN,		/* u64 (only when OK; 0 unprivileged) */
	BUDDY_HOT_AA_PAD,
	__BUDDY_HOT_AA_LAST
};

#define BUDDY_HOT_AA_MAX (__BUDDY_HOT_AA_LAST - 1)

/*
 * ---------------------------------------------------------------------
 * "buddy_frag": the fragmenter in high_order_test.ko
 *
 * BUDDY_FRAG_CMD_PIN (admin): allocate unmovable order-0 pages until
 *   BUDDY_FRAG_A_SWEEP_PERCENT of free memory is taken, keep one page in
 *   BUDDY_FRAG_A_PIN_PERCENT percent of the order-10-aligned blocks those
 *   pages came from (chosen with BUDDY_FRAG_A_SEED), free the rest. Reply
 *   as STATUS. -EBUSY if pages are already pinned.
 *   Any pending signal stops it (-ECANCELED, and every page it took is
 *   freed), so ^C in the requesting process ends it.
 * BUDDY_FRAG_CMD_STATUS: BUDDY_FRAG_A_PINNED_PAGES, _PINNED_BLOCKS,
 *   _TOUCHED_BLOCKS. Never waits for a PIN in progress.
 * BUDDY_FRAG_CMD_RELEASE (admin): free every pinned page.
 * ---------------------------------------------------------------------
 */
#define BUDDY_FRAG_GENL_NAME "buddy_frag"
#define BUDDY_FRAG_GENL_VERSION 1
/* PIN limits, and the defaults of what a request leaves out */
#define BUDDY_FRAG_MAX_PIN_PERCENT 100		/* the minimum is 0 */
#define BUDDY_FRAG_MIN_SWEEP_PERCENT 1
#define BUDDY_FRAG_MAX_SWEEP_PERCENT 95
#define BUDDY_FRAG_DEFAULT_PIN_PERCENT 50
#define BUDDY_FRAG_DEFAULT_SWEEP_PERCENT 90

/* Why the last PIN sweep stopped (BUDDY_FRAG_A_SWEEP_STOP). */
enum buddy_frag_sweep_stop {
	BUDDY_FRAG_SWEEP_NONE,		/* no sweep yet */
	BUDDY_FRAG_SWEEP_TARGET,	/* took SWEEP_PERCENT of free memory */
	BUDDY_FRAG_SWEEP_ALLOC_FAILED,	/* an order-0 allocation failed first */
	BUDDY_FRAG_SWEEP_MEM_FLOOR,	/* free memory reached the sweep's safety floor */
	BUDDY_FRAG_NR_SWEEP_STOPS
};

#define BUDDY_FRAG_SWEEP_STOP_NAMES { "none", "target", "alloc_failed", \
	"mem_floor" }

enum buddy_frag_cmd {
	BUDDY_FRAG_CMD_UNSPEC,
	BUDDY_FRAG_CMD_PIN,
	BUDDY_FRAG_CMD_STATUS,
	BUDDY_FRAG_CMD_RELEASE,
	__BUDDY_FRAG_CMD_LAST
};

#define BUDDY_FRAG_CMD_MAX (__BUDDY_FRAG_CMD_LAST - 1)

enum buddy_frag_attr {
	BUDDY_FRAG_A_UNSPEC,
	BUDDY_FRAG_A_PIN_PERCENT,	/* u32 0..BUDDY_FRAG_MAX_PIN_PERCENT */
	BUDDY_FRAG_A_SWEEP_PERCENT,	/* u32 BUDDY_FRAG_MIN..MAX_SWEEP_PERCENT */
	BUDDY_FRAG_A_SEED,		/* u32 */
	BUDDY_FRAG_A_PINNED_PAGES,	/* u64 */
	BUDDY_FRAG_A_PINNED_BLOCKS,	/* u64 order-10 blocks holding a pinned page */
	BUDDY_FRAG_A_TOUCHED_BLOCKS,	/* u64 order-10 blocks the sweep drew pages from */
	BUDDY_FRAG_A_PAD,
	BUDDY_FRAG_A_SWEEP_TARGET,	/* u64 pages the sweep aimed for */
	BUDDY_FRAG_A_SWEPT_PAGES,	/* u64 pages the sweep got */
	BUDDY_FRAG_A_SWEEP_STOP,	/* u32 enum buddy_frag_sweep_stop */
	/*
	 * u8 0/1, default 1: after pinning, a movable sweep claims back the
	 * pageblocks the unmovable sweep relabelled, so pinned pages end up
	 * in movable pageblocks (mixed blocks) as on long-running machines.
	 * See modules/fragmenter/fragmenter.c.
	 */
	BUDDY_FRAG_A_RELABEL,
	BUDDY_FRAG_A_RELABEL_PAGES,	/* u64 pages the movable sweep took */
	__BUDDY_FRAG_A_LAST
};

#define BUDDY_FRAG_A_MAX (__BUDDY_FRAG_A_LAST - 1)

#endif /* _UAPI_BUDDYCTL_H */
