// SPDX-License-Identifier: GPL-2.0
// Every attribute the module always sends is required, so a reply from a
// module built from another tree fails with the attribute's name instead of
// reading as zeros. Each table is built on first use, so decoders defined
// at namespace scope in other files may use it.
#include "reply_fields.h"

#include <iterator>

#include "uapi/buddyctl.h"

namespace buddyctl {
namespace {

absl::string_view PolicyNameAt(int p) { return PolicyName(static_cast<Policy>(p)); }

}  // namespace

const FieldTable<OrderStats>& OrderStatsFields() {
  static const FieldTable<OrderStats> t{
      "stats: order",
      BUDDY_MON_OA_MAX,
      {BUDDYCTL_ROW(BUDDY_MON_OA_ORDER, &OrderStats::order, "order"),
       BUDDYCTL_ROW(BUDDY_MON_OA_REQUESTS, &OrderStats::requests, "requests", nullptr,
                    Counter("buddyctl_alloc_requests_total", "__alloc_pages calls by order.")),
       BUDDYCTL_ROW(BUDDY_MON_OA_SUCCESSES, &OrderStats::successes, "successes", nullptr,
                    Counter("buddyctl_alloc_successes_total",
                            "__alloc_pages calls that returned a page, by order.")),
       BUDDYCTL_ROW(
           BUDDY_MON_OA_FAILURES, &OrderStats::failures, "failures", nullptr,
           Counter("buddyctl_alloc_failures_total", "__alloc_pages calls that failed, by order.")),
       BUDDYCTL_ROW(BUDDY_MON_OA_SLOWPATH, &OrderStats::slowpath, "slowpath", nullptr,
                    Counter("buddyctl_alloc_slowpath_total",
                            "Allocations that entered the slow path, by order.")),
       BUDDYCTL_ROW(BUDDY_MON_OA_COMPACT_ATTEMPTS, &OrderStats::compact_attempts,
                    "compact_attempts", nullptr,
                    Counter("buddyctl_compact_attempts_total",
                            "Direct compactions, by order (retries count again).")),
       BUDDYCTL_ROW(BUDDY_MON_OA_COMPACT_REQUESTS, &OrderStats::compact_requests,
                    "compact_requests", nullptr,
                    Counter("buddyctl_compact_requests_total",
                            "Allocations that ran at least one direct compaction, by order.")),
       BUDDYCTL_ROW(BUDDY_MON_OA_COMPACT_PAGES, &OrderStats::compact_pages, "compact_pages",
                    nullptr,
                    Counter("buddyctl_compact_allocated_total",
                            "Direct compactions after which the allocation got its page, by "
                            "order.")),
       BUDDYCTL_ROW(
           BUDDY_MON_OA_COMPACT_DEFERRED, &OrderStats::compact_deferred, "compact_deferred",
           nullptr,
           Counter("buddyctl_compact_deferred_total", "Direct compactions deferred, by order.")),
       // The same counter as the tuner's raises: exported once, as
       // buddyctl_tuner_raises_total.
       BUDDYCTL_ROW(BUDDY_MON_OA_RAISES, &OrderStats::raises, "raises"),
       BUDDYCTL_ROW(BUDDY_MON_OA_COMPACT_PRIO, &OrderStats::compact_by_prio, "compact_by_prio",
                    PrioName,
                    Indexed(Counter("buddyctl_compact_priority_total",
                                    "Direct compactions by order and the priority they ran at."),
                            "priority")),
       BUDDYCTL_ROW(BUDDY_MON_OA_COMPACT_RESULT, &OrderStats::compact_by_result,
                    "compact_by_result", CompactResultName,
                    Indexed(Counter("buddyctl_compact_result_total",
                                    "Direct compaction outcomes (compact_result) by order."),
                            "result")),
       BUDDYCTL_ROW(BUDDY_MON_OA_MT_REQUESTS, &OrderStats::requests_by_mt, "requests_by_mt",
                    MigratetypeName,
                    Indexed(Counter("buddyctl_alloc_requests_by_migratetype_total",
                                    "__alloc_pages calls by order and requested migratetype."),
                            "migratetype")),
       BUDDYCTL_ROW(BUDDY_MON_OA_MT_FAILURES, &OrderStats::failures_by_mt, "failures_by_mt",
                    MigratetypeName,
                    Indexed(Counter("buddyctl_alloc_failures_by_migratetype_total",
                                    "Failed __alloc_pages calls by order and requested "
                                    "migratetype."),
                            "migratetype"))}};
  return t;
}

// Exported by hand: its fields are the labels of buddyctl_fallbacks_total.
const FieldTable<Fallback>& FallbackFields() {
  static const FieldTable<Fallback> t{
      "stats: fallback",
      BUDDY_MON_FA_MAX,
      {BUDDYCTL_ROW(BUDDY_MON_FA_ALLOC_ORDER, &Fallback::alloc_order, "alloc_order"),
       BUDDYCTL_ROW(BUDDY_MON_FA_FALLBACK_ORDER, &Fallback::fallback_order, "fallback_order"),
       BUDDYCTL_ROW(BUDDY_MON_FA_ALLOC_MT, &Fallback::alloc_mt, "alloc_mt", MigratetypeName),
       BUDDYCTL_ROW(BUDDY_MON_FA_FALLBACK_MT, &Fallback::fallback_mt, "fallback_mt",
                    MigratetypeName),
       BUDDYCTL_ROW(BUDDY_MON_FA_FRAGMENTING, &Fallback::fragmenting, "fragmenting"),
       BUDDYCTL_ROW(BUDDY_MON_FA_COUNT, &Fallback::count, "count")}};
  return t;
}

const FieldTable<Stats>& StatsFields() {
  static const FieldTable<Stats> t{
      "stats",
      BUDDY_MON_A_MAX,
      {BUDDYCTL_ROW(BUDDY_MON_A_SLOWPATH_MISSED, &Stats::slowpath_missed, "slowpath_missed",
                    nullptr,
                    Counter("buddyctl_slowpath_unattributed_total",
                            "Slow-path entries that could not be attributed to an order.")),
       BUDDYCTL_ROW(BUDDY_MON_A_EVENTS_SENT, &Stats::events_sent, "events_sent", nullptr,
                    Counter("buddyctl_events_sent_total", "Events multicast to subscribers.")),
       BUDDYCTL_ROW(BUDDY_MON_A_EVENTS_DROPPED, &Stats::events_dropped, "events_dropped", nullptr,
                    Counter("buddyctl_events_dropped_total",
                            "Events dropped: over the rate limit, a full per-CPU ring or a "
                            "failed send.")),
       BUDDYCTL_ROW(BUDDY_MON_A_RESET_TIME_NS, &Stats::reset_time_ns, "reset_time_ns"),
       BUDDYCTL_ROW(BUDDY_MON_A_NOW_NS, &Stats::now_ns, "now_ns")},
      {BUDDYCTL_REQUIRED(BUDDY_MON_A_ORDERS, NLA_NESTED),
       BUDDYCTL_REQUIRED(BUDDY_MON_A_FALLBACKS, NLA_NESTED)}};
  return t;
}

// Exported by hand: the zone's labels, pages as bytes at the runtime page
// size, and the node score once per node do not fit a row.
const FieldTable<ZoneFrag>& ZoneFragFields() {
  static const FieldTable<ZoneFrag> t{
      "frag",
      BUDDY_MON_ZA_MAX,
      {BUDDYCTL_ROW(BUDDY_MON_ZA_NODE, &ZoneFrag::node, "node"),
       BUDDYCTL_ROW(BUDDY_MON_ZA_ZONE_IDX, &ZoneFrag::zone_idx, "zone_idx"),
       BUDDYCTL_ROW(BUDDY_MON_ZA_ZONE_NAME, &ZoneFrag::zone_name, "zone"),
       BUDDYCTL_ROW(BUDDY_MON_ZA_MANAGED_PAGES, &ZoneFrag::managed_pages, "managed_pages"),
       BUDDYCTL_ROW(BUDDY_MON_ZA_PRESENT_PAGES, &ZoneFrag::present_pages, "present_pages"),
       BUDDYCTL_ROW(BUDDY_MON_ZA_FREE_PAGES, &ZoneFrag::free_pages, "free_pages"),
       BUDDYCTL_ROW(BUDDY_MON_ZA_START_PFN, &ZoneFrag::start_pfn, "start_pfn"),
       BUDDYCTL_ROW(BUDDY_MON_ZA_SPANNED_PAGES, &ZoneFrag::spanned_pages, "spanned_pages"),
       BUDDYCTL_ROW(BUDDY_MON_ZA_NR_FREE, &ZoneFrag::nr_free, "nr_free"),
       BUDDYCTL_ROW(BUDDY_MON_ZA_UNUSABLE_INDEX, &ZoneFrag::unusable_index, "unusable_index_x1000"),
       BUDDYCTL_ROW(BUDDY_MON_ZA_EXTFRAG_INDEX, &ZoneFrag::extfrag_index, "extfrag_index_x1000"),
       BUDDYCTL_ROW(BUDDY_MON_ZA_PROACTIVE_SCORE, &ZoneFrag::proactive_score, "proactive_score"),
       BUDDYCTL_ROW(BUDDY_MON_ZA_NODE_PROACTIVE_SCORE, &ZoneFrag::node_proactive_score,
                    "node_proactive_score"),
       BUDDYCTL_ROW(BUDDY_MON_ZA_BLOCKS_TOTAL, &ZoneFrag::blocks_total, "blocks_total"),
       BUDDYCTL_ROW(BUDDY_MON_ZA_BLOCKS_FREE, &ZoneFrag::blocks_free, "blocks_free"),
       BUDDYCTL_ROW(BUDDY_MON_ZA_BLOCKS_RECOVERABLE, &ZoneFrag::blocks_recoverable,
                    "blocks_recoverable"),
       BUDDYCTL_ROW(BUDDY_MON_ZA_FREE_BLOCKS_DERIVED, &ZoneFrag::free_blocks_derived,
                    "free_blocks_derived"),
       BUDDYCTL_ROW(BUDDY_MON_ZA_AGE_NS, &ZoneFrag::age_ns, "age_ns"),
       BUDDYCTL_ROW(BUDDY_MON_ZA_LIMIT_AGE_NS, &ZoneFrag::limit_age_ns, "limit_age_ns"),
       BUDDYCTL_ROW(BUDDY_MON_ZA_LIMIT_SCANNED_BLOCKS, &ZoneFrag::limit_scanned_blocks,
                    "limit_scanned_blocks")},
      {BUDDYCTL_REQUIRED(BUDDY_MON_ZA_FREE_BLOCKS, NLA_NESTED)}};
  return t;
}

const FieldTable<Config>& ConfigFields() {
  static const FieldTable<Config> t{
      "config",
      BUDDY_MON_CA_MAX,
      {BUDDYCTL_ROW(
           BUDDY_MON_CA_RESERVE_BUDGET_MS, &Config::reserve_budget_ms, "reserve_budget_ms", nullptr,
           Gauge("buddyctl_reserve_budget_ratio",
                 "Share of one CPU the reserve worker may use, 0..1.", Unit::kMsAsSeconds)),
       BUDDYCTL_ROW(BUDDY_MON_CA_THRESHOLD, &Config::threshold, "threshold", nullptr,
                    Gauge("buddyctl_tuner_threshold_ratio",
                          "Fragmentation above which the adaptive and evacuate policies act, "
                          "0..1.",
                          Unit::kPercentAsRatio)),
       BUDDYCTL_ROW(BUDDY_MON_CA_MIN_ORDER, &Config::min_order, "min_order", nullptr,
                    Gauge("buddyctl_tuner_min_order", "Smallest order the tuner acts on.")),
       BUDDYCTL_ROW(
           BUDDY_MON_CA_POLICY, &Config::policy, "policy", PolicyNameAt,
           Indexed(Gauge("buddyctl_tuner_policy", "1 for the active tuner policy.", Unit::kOneHot),
                   "policy"),
           std::size(kAllPolicies)),
       BUDDYCTL_ROW(BUDDY_MON_CA_BG_ENABLED, &Config::bg_enabled, "bg_enabled", nullptr,
                    Gauge("buddyctl_background_enabled", "1 when background compaction is on.")),
       BUDDYCTL_ROW(
           BUDDY_MON_CA_BG_ORDER, &Config::bg_order, "bg_order", nullptr,
           Gauge("buddyctl_background_target_order", "The order background compaction watches.")),
       BUDDYCTL_ROW(BUDDY_MON_CA_BG_INTERVAL_MS, &Config::bg_interval_ms, "bg_interval_ms", nullptr,
                    Gauge("buddyctl_background_interval_seconds",
                          "How often background compaction checks.", Unit::kMsAsSeconds)),
       BUDDYCTL_ROW(BUDDY_MON_CA_LATENCY, &Config::latency, "latency", nullptr,
                    Gauge("buddyctl_latency_capture_enabled", "1 when latency capture is on.")),
       BUDDYCTL_ROW(BUDDY_MON_CA_LATENCY_DUTY_PCT, &Config::latency_duty_pct, "latency_duty_pct",
                    nullptr,
                    Gauge("buddyctl_latency_duty_ratio",
                          "Share of each period the latency hook is registered while capture is "
                          "on, 0..1.",
                          Unit::kPercentAsRatio)),
       BUDDYCTL_ROW(BUDDY_MON_CA_EVENTS_PER_SEC, &Config::events_per_sec, "events_per_sec", nullptr,
                    Gauge("buddyctl_events_rate_limit_per_second",
                          "Events the monitor multicasts per second at most.")),
       BUDDYCTL_ROW(BUDDY_MON_CA_RESERVE_ORDER, &Config::reserve_order, "reserve_order"),
       BUDDYCTL_ROW(BUDDY_MON_CA_RESERVE_BLOCKS, &Config::reserve_blocks, "reserve_blocks")}};
  return t;
}

// The release and ABI are exported by hand, as labels of
// buddyctl_monitor_info.
const FieldTable<MonitorInfo>& MonitorInfoFields() {
  static const FieldTable<MonitorInfo> t{
      "info",
      BUDDY_MON_A_MAX,
      {BUDDYCTL_ROW(BUDDY_MON_A_ABI_VERSION, &MonitorInfo::abi_version, "abi_version"),
       BUDDYCTL_ROW(BUDDY_MON_A_KERNEL_RELEASE, &MonitorInfo::kernel_release, "kernel_release"),
       BUDDYCTL_ROW(BUDDY_MON_A_NR_ORDERS, &MonitorInfo::nr_orders, "nr_orders"),
       BUDDYCTL_ROW(BUDDY_MON_A_MAX_LOCK_HOLD_NS, &MonitorInfo::max_lock_hold_ns,
                    "max_lock_hold_ns", nullptr,
                    Gauge("buddyctl_monitor_lock_hold_max_seconds",
                          "The module's longest zone->lock hold (interrupts off) since load "
                          "or reset.",
                          Unit::kNsAsSeconds)),
       BUDDYCTL_ROW(BUDDY_MON_A_LOCK_HOLD_TOTAL_NS, &MonitorInfo::lock_hold_total_ns,
                    "lock_hold_total_ns", nullptr,
                    Counter("buddyctl_monitor_lock_hold_seconds_total",
                            "Time the module held a zone->lock (interrupts off), all holds.",
                            Unit::kNsAsSeconds)),
       BUDDYCTL_ROW(BUDDY_MON_A_MAX_SCAN_NS, &MonitorInfo::max_scan_ns, "max_scan_ns", nullptr,
                    Gauge("buddyctl_monitor_scan_max_seconds",
                          "The module's longest memmap scan (wall time) since load or reset.",
                          Unit::kNsAsSeconds))},
      {BUDDYCTL_REQUIRED(BUDDY_MON_A_CONFIG, NLA_NESTED)}};
  return t;
}

const FieldTable<TunerOrderStats>& TunerOrderStatsFields() {
  static const FieldTable<TunerOrderStats> t{
      "tuner stats: order",
      BUDDY_MON_TA_MAX,
      {BUDDYCTL_ROW(BUDDY_MON_TA_ORDER, &TunerOrderStats::order, "order"),
       BUDDYCTL_ROW(BUDDY_MON_TA_DECISIONS, &TunerOrderStats::decisions, "decisions", nullptr,
                    Counter("buddyctl_tuner_decisions_total",
                            "Eligible direct compactions the tuner saw, by order.")),
       BUDDYCTL_ROW(BUDDY_MON_TA_RAISES, &TunerOrderStats::raises, "raises", nullptr,
                    Counter("buddyctl_tuner_raises_total",
                            "Priorities the tuner raised to sync_full, by order.")),
       BUDDYCTL_ROW(BUDDY_MON_TA_DEFERRALS, &TunerOrderStats::deferrals, "deferrals", nullptr,
                    Counter("buddyctl_tuner_deferrals_total",
                            "Compactions left at the kernel's priority, by order.")),
       BUDDYCTL_ROW(BUDDY_MON_TA_WOULD_RAISE, &TunerOrderStats::would_raise, "would_raise", nullptr,
                    Counter("buddyctl_tuner_would_raise_total",
                            "Raises the observe policy would have made, by order.")),
       BUDDYCTL_ROW(BUDDY_MON_TA_RAISED_SUCCESS, &TunerOrderStats::raised_success, "raised_success",
                    nullptr,
                    Counter("buddyctl_tuner_raised_success_total",
                            "Raised compactions that returned a page, by order.")),
       BUDDYCTL_ROW(BUDDY_MON_TA_KEPT_SUCCESS, &TunerOrderStats::kept_success, "kept_success",
                    nullptr,
                    Counter("buddyctl_tuner_kept_success_total",
                            "Kept compactions that returned a page, by order.")),
       BUDDYCTL_ROW(BUDDY_MON_TA_RAISED_RESULT, &TunerOrderStats::raised_result, "raised_result",
                    CompactResultName,
                    Indexed(CounterBy("buddyctl_tuner_compact_result_total",
                                      "Outcomes of the compactions the tuner decided, by order, "
                                      "decision (raised or kept) and compact_result.",
                                      "decision", "raised"),
                            "result")),
       BUDDYCTL_ROW(
           BUDDY_MON_TA_KEPT_RESULT, &TunerOrderStats::kept_result, "kept_result",
           CompactResultName,
           Indexed(CounterBy("buddyctl_tuner_compact_result_total", nullptr, "decision", "kept"),
                   "result"))}};
  return t;
}

const FieldTable<BackgroundStats>& BackgroundStatsFields() {
  static const FieldTable<BackgroundStats> t{
      "tuner stats: background",
      BUDDY_MON_BA_MAX,
      {BUDDYCTL_ROW(
           BUDDY_MON_BA_CHECKS, &BackgroundStats::checks, "checks", nullptr,
           Counter("buddyctl_background_checks_total", "Background fragmentation checks.")),
       BUDDYCTL_ROW(
           BUDDY_MON_BA_TRIGGERS, &BackgroundStats::triggers, "triggers", nullptr,
           Counter("buddyctl_background_triggers_total", "Background compactions started.")),
       BUDDYCTL_ROW(BUDDY_MON_BA_RATELIMITED, &BackgroundStats::ratelimited, "ratelimited", nullptr,
                    Counter("buddyctl_background_ratelimited_total",
                            "Background triggers suppressed by the rate limit.")),
       BUDDYCTL_ROW(BUDDY_MON_BA_BLOCKS_GAINED, &BackgroundStats::blocks_gained, "blocks_gained",
                    nullptr,
                    Counter("buddyctl_background_blocks_gained_total",
                            "Free target-order blocks gained after background triggers.")),
       BUDDYCTL_ROW(BUDDY_MON_BA_LAST_UNUSABLE_PCT, &BackgroundStats::last_unusable_pct,
                    "last_unusable_pct", nullptr,
                    Gauge("buddyctl_background_last_unusable_ratio",
                          "Unusable free space index of the target order at the last "
                          "background check, 0..1.",
                          Unit::kPercentAsRatio))}};
  return t;
}

const FieldTable<EvacuatorStats>& EvacuatorStatsFields() {
  static const FieldTable<EvacuatorStats> t{
      "tuner stats: evacuator",
      BUDDY_MON_VA_MAX,
      {BUDDYCTL_ROW(BUDDY_MON_VA_REQUESTS, &EvacuatorStats::requests, "requests", nullptr,
                    Counter("buddyctl_evacuate_requests_total",
                            "Direct compactions the evacuate policy handled instead of "
                            "compaction.")),
       BUDDYCTL_ROW(
           BUDDY_MON_VA_SCANS, &EvacuatorStats::scans, "scans", nullptr,
           Counter("buddyctl_evacuate_scans_total", "Memory-map scans for candidate blocks.")),
       BUDDYCTL_ROW(
           BUDDY_MON_VA_ATTEMPTS, &EvacuatorStats::attempts, "attempts", nullptr,
           Counter("buddyctl_evacuate_attempts_total", "Blocks the evacuator tried to empty.")),
       BUDDYCTL_ROW(
           BUDDY_MON_VA_BLOCKS, &EvacuatorStats::blocks, "blocks", nullptr,
           Counter("buddyctl_evacuate_blocks_total", "Blocks emptied and handed out whole.")),
       BUDDYCTL_ROW(
           BUDDY_MON_VA_FAILURES, &EvacuatorStats::failures, "failures", nullptr,
           Counter("buddyctl_evacuate_failures_total", "Attempts alloc_contig_range refused.")),
       BUDDYCTL_ROW(BUDDY_MON_VA_PAGES_MOVED, &EvacuatorStats::pages_moved, "pages_moved", nullptr,
                    Counter("buddyctl_evacuate_pages_moved_total",
                            "In-use pages migrated out of the emptied blocks.")),
       BUDDYCTL_ROW(BUDDY_MON_VA_NO_CANDIDATE, &EvacuatorStats::no_candidate, "no_candidate",
                    nullptr,
                    CounterBy("buddyctl_evacuate_declined_total",
                              "Requests left to compaction, by reason: no emptiable block, the "
                              "free-memory guard, or the evacuator busy.",
                              "reason", "no_candidate")),
       BUDDYCTL_ROW(BUDDY_MON_VA_LOW_MEMORY, &EvacuatorStats::low_memory, "low_memory", nullptr,
                    CounterBy("buddyctl_evacuate_declined_total", nullptr, "reason", "low_memory")),
       BUDDYCTL_ROW(BUDDY_MON_VA_BUSY, &EvacuatorStats::busy, "busy", nullptr,
                    CounterBy("buddyctl_evacuate_declined_total", nullptr, "reason", "busy")),
       BUDDYCTL_ROW(BUDDY_MON_VA_NOT_COMPACTED, &EvacuatorStats::not_compacted, "not_compacted",
                    nullptr,
                    Counter("buddyctl_evacuate_not_compacted_total",
                            "Requests the evacuator failed without calling the kernel's "
                            "compaction: no block could be emptied anywhere, or the kernel "
                            "seals the function.")),
       BUDDYCTL_ROW(
           BUDDY_MON_VA_TIME_NS, &EvacuatorStats::time_ns, "time_ns", nullptr,
           Counter("buddyctl_evacuate_seconds_total",
                   "Time the evacuator spent scanning and emptying blocks.", Unit::kNsAsSeconds))}};
  return t;
}

const FieldTable<ReserveStats>& ReserveStatsFields() {
  static const FieldTable<ReserveStats> t{
      "tuner stats: reserve",
      BUDDY_MON_RA_MAX,
      {BUDDYCTL_ROW(BUDDY_MON_RA_ROUNDS, &ReserveStats::rounds, "rounds", nullptr,
                    Counter("buddyctl_reserve_rounds_total",
                            "Periods in which the reserve worker found fewer free blocks than its "
                            "target.")),
       BUDDYCTL_ROW(BUDDY_MON_RA_BLOCKS, &ReserveStats::blocks, "blocks", nullptr,
                    Counter("buddyctl_reserve_blocks_total",
                            "Blocks the reserve worker emptied and freed whole.")),
       BUDDYCTL_ROW(BUDDY_MON_RA_PAGES_MOVED, &ReserveStats::pages_moved, "pages_moved", nullptr,
                    Counter("buddyctl_reserve_pages_moved_total",
                            "In-use pages the reserve worker migrated out of the blocks it "
                            "emptied.")),
       BUDDYCTL_ROW(
           BUDDY_MON_RA_ATTEMPTS, &ReserveStats::attempts, "attempts", nullptr,
           Counter("buddyctl_reserve_attempts_total", "Blocks the reserve worker tried to empty.")),
       BUDDYCTL_ROW(BUDDY_MON_RA_FAILURES, &ReserveStats::failures, "failures", nullptr,
                    Counter("buddyctl_reserve_failures_total",
                            "Reserve attempts alloc_contig_range refused.")),
       BUDDYCTL_ROW(BUDDY_MON_RA_CPU_NS, &ReserveStats::cpu_ns, "cpu_ns", nullptr,
                    Counter("buddyctl_reserve_cpu_seconds_total",
                            "Time the reserve worker spent in its rounds (wall time, an upper "
                            "bound of its CPU time).",
                            Unit::kNsAsSeconds)),
       BUDDYCTL_ROW(BUDDY_MON_RA_PAUSED, &ReserveStats::paused, "paused", ReservePauseName,
                    Indexed(Counter("buddyctl_reserve_paused_total",
                                    "Rounds of the reserve worker that stopped short of the "
                                    "target, by reason."),
                            "reason")),
       BUDDYCTL_ROW(BUDDY_MON_RA_TARGET, &ReserveStats::target, "target", nullptr,
                    Gauge("buddyctl_reserve_target_blocks",
                          "Free blocks of the reserve order the worker keeps ready; 0 when off.")),
       BUDDYCTL_ROW(BUDDY_MON_RA_FREE, &ReserveStats::free_blocks, "free_blocks", nullptr,
                    Gauge("buddyctl_reserve_free_blocks",
                          "Free blocks of the reserve order now, a larger free block counting for "
                          "the blocks it holds.")),
       BUDDYCTL_ROW(
           BUDDY_MON_RA_ORDER, &ReserveStats::order, "order", nullptr,
           Gauge("buddyctl_reserve_order", "The order the reserve keeps free blocks of."))}};
  return t;
}

}  // namespace buddyctl
