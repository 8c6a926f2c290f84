// SPDX-License-Identifier: GPL-2.0
// Typed views of everything the buddyctl families report. Field meanings are
// those of modules/uapi/buddyctl.h; this header adds no semantics of its own
// except LatencyHistogram::Percentile (documented there).
#ifndef BUDDYCTL_TYPES_H_
#define BUDDYCTL_TYPES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace buddyctl {

inline constexpr int kNrOrders = 11;  // BUDDY_NR_ORDERS
inline constexpr int kMaxOrder = kNrOrders - 1;
inline constexpr int kLatBuckets = 40;       // BUDDY_LAT_BUCKETS
inline constexpr int kNrPrios = 3;           // BUDDY_NR_PRIOS
inline constexpr int kNrCompactResults = 9;  // BUDDY_NR_COMPACT_RESULTS
inline constexpr int kNrMigratetypes = 6;    // BUDDY_NR_MIGRATETYPES
inline constexpr int kCompactResultSuccess = 8;
inline constexpr int kNrReservePauses = 5;  // BUDDY_RESERVE_NR_PAUSES

// Stable lower-case names used in text, JSON and Prometheus labels.
absl::string_view PrioName(int prio);             // "sync_full", "sync_light", "async"
absl::string_view CompactResultName(int result);  // "not_suitable_zone", ..., "success"
absl::string_view MigratetypeName(int mt);        // "unmovable", "movable", ...
// Why a round of the reserve worker stopped: "low_memory", "reclaim",
// "budget", "no_candidate", "busy".
absl::string_view ReservePauseName(int reason);

enum class Policy : uint32_t {
  kOff = 0,
  kObserve = 1,
  kAdaptive = 2,
  kAlwaysMax = 3,
  kEvacuate = 4
};
inline constexpr Policy kAllPolicies[] = {Policy::kOff, Policy::kObserve, Policy::kAdaptive,
                                          Policy::kAlwaysMax, Policy::kEvacuate};
// "off", "observe", "adaptive", "always-max", "evacuate"
absl::string_view PolicyName(Policy p);
absl::StatusOr<Policy> ParsePolicy(absl::string_view name);

// Checks an order argument (0..10); `what` names it in the error.
absl::Status ValidateOrder(int64_t order, absl::string_view what = "order");

// ---- buddy_monitor ---------------------------------------------------------

struct OrderStats {
  uint32_t order = 0;
  uint64_t requests = 0;  // == successes + failures
  uint64_t successes = 0;
  uint64_t failures = 0;
  uint64_t slowpath = 0;
  uint64_t compact_attempts = 0;  // compactions; may exceed requests (retries)
  uint64_t compact_requests = 0;  // requests that compacted at least once (<= slowpath)
  uint64_t compact_pages = 0;     // direct compactions that returned a page
  std::array<uint64_t, kNrPrios> compact_by_prio{};             // by buddy_compact_prio
  std::array<uint64_t, kNrCompactResults> compact_by_result{};  // by buddy_compact_result
  uint64_t compact_deferred = 0;
  uint64_t raises = 0;  // tuner priority raises (the same count as TunerOrderStats::raises)
  std::array<uint64_t, kNrMigratetypes> requests_by_mt{};
  std::array<uint64_t, kNrMigratetypes> failures_by_mt{};
};

// One kmem:mm_page_alloc_extfrag key and its count.
struct Fallback {
  uint32_t alloc_order = 0;
  uint32_t fallback_order = 0;
  uint32_t alloc_mt = 0;     // wanted
  uint32_t fallback_mt = 0;  // taken from
  bool fragmenting = false;  // split a pageblock
  uint64_t count = 0;
};

struct Stats {
  std::vector<OrderStats> orders;
  std::vector<Fallback> fallbacks;
  uint64_t slowpath_missed = 0;
  uint64_t events_dropped = 0;
  uint64_t events_sent = 0;
  uint64_t reset_time_ns = 0;  // ktime_get_ns() of the last reset
  uint64_t now_ns = 0;         // ktime_get_ns() when the kernel replied
};

// Per-order latency of __alloc_pages, as log2 histograms of nanoseconds:
// bucket 0 counts [0, 2) ns, bucket i >= 1 counts [2^i, 2^(i+1)) ns.
struct LatencyHistogram {
  enum class Path { kAll, kFast, kSlow };

  uint32_t order = 0;
  std::array<uint64_t, kLatBuckets> fast{};
  std::array<uint64_t, kLatBuckets> slow{};
  uint64_t fast_max_ns = 0;
  uint64_t slow_max_ns = 0;
  uint64_t fast_sum_ns = 0;
  uint64_t slow_sum_ns = 0;
  uint64_t missed = 0;  // calls not timed, all orders together (repeated per order)
  // Time the timing hook was registered since the last reset, all orders
  // together (repeated per order): below a 100 % duty the counts were taken
  // in this time only, so a rate is a count over it.
  uint64_t capture_ns = 0;

  uint64_t Count(Path path = Path::kAll) const;
  uint64_t MaxNs(Path path = Path::kAll) const;
  double MeanNs(Path path = Path::kAll) const;  // 0 when empty
  std::array<uint64_t, kLatBuckets> Buckets(Path path = Path::kAll) const;

  // The p-th percentile (0 <= p <= 100) in nanoseconds, 0 when empty.
  //
  // Method: the rank is r = p/100 * N over the N samples. Walking the
  // buckets in order, the value falls in the first bucket i whose
  // cumulative count reaches r. Inside that bucket, [lo, hi) with lo = 2^i
  // (0 for bucket 0) and hi = 2^(i+1), the samples are assumed uniformly
  // spread, so the result is lo + (hi - lo) * (r - below) / count_i, where
  // `below` counts the samples of the earlier buckets. The result is then
  // clamped to the recorded maximum, so p100 is the exact maximum and no
  // percentile exceeds it. Error bound: within one bucket, i.e. a factor 2.
  double Percentile(double p, Path path = Path::kAll) const;

  static double PercentileOf(const std::array<uint64_t, kLatBuckets>& buckets, uint64_t max_ns,
                             double p);
  static uint64_t BucketLow(int i);   // inclusive
  static uint64_t BucketHigh(int i);  // exclusive
};

struct ZoneFrag {
  uint32_t node = 0;
  uint32_t zone_idx = 0;
  std::string zone_name;
  uint64_t managed_pages = 0;
  uint64_t present_pages = 0;
  uint64_t free_pages = 0;
  uint64_t start_pfn = 0;
  uint64_t spanned_pages = 0;
  std::array<std::array<uint64_t, kNrMigratetypes>, kNrOrders> free_blocks{};  // [order][mt]
  std::array<uint64_t, kNrOrders> nr_free{};
  // The kernel's indices times 1000 (debugfs extfrag/ prints %d.%03d). The
  // fragmentation index is -1000 when an allocation of that order would
  // succeed.
  std::array<int64_t, kNrOrders> unusable_index{};
  std::array<int64_t, kNrOrders> extfrag_index{};
  uint32_t proactive_score = 0;
  uint32_t node_proactive_score = 0;
  // 4 MiB feasibility over order-10-aligned blocks inside the zone.
  uint64_t blocks_total = 0;
  uint64_t blocks_free = 0;
  uint64_t blocks_recoverable = 0;  // only free or movable pages: the physical limit
  // Bit per order whose free_blocks split by migratetype is derived from
  // nr_free rather than counted: a free list of that order was longer than
  // the module counts per lock hold (BUDDY_FREE_WALK_CAP).
  uint32_t free_blocks_derived = 0;
  // How old these figures are: 0 when computed for the request, up to
  // BUDDY_FRAG_SNAPSHOT_MS for readers served the shared snapshot.
  uint64_t age_ns = 0;
  // The physical limit is kept per block between reads and each read scans
  // at most BUDDY_LIMIT_SLICE_BLOCKS of them: how old the oldest verdict in
  // blocks_recoverable was when the figures were computed (0: every block
  // scanned for them), and how many blocks this read scanned.
  uint64_t limit_age_ns = 0;
  uint64_t limit_scanned_blocks = 0;
};

// System-wide unusable free space index of `order` in percent over every
// zone: the share of free pages that sit in blocks smaller than 2^order
// pages. Computed from nr_free (the kernel's own definition, summed).
double UnusablePercent(const std::vector<ZoneFrag>& zones, int order);

struct Config {
  bool latency = false;
  uint32_t events_per_sec = 0;
  Policy policy = Policy::kOff;
  uint32_t threshold = 0;  // percent
  uint32_t min_order = 0;
  bool bg_enabled = false;
  uint32_t bg_order = 0;
  uint32_t bg_interval_ms = 0;
  uint32_t reserve_order = 0;
  uint32_t reserve_blocks = 0;     // free blocks of reserve_order to keep; 0: off
  uint32_t reserve_budget_ms = 0;  // worker time per second
  // Percent of each BUDDY_LAT_DUTY_PERIOD_MS the latency hook is
  // registered while capture is on (100: always).
  uint32_t latency_duty_pct = 100;
};

// A change to Config: absent fields stay as they are in the kernel.
struct ConfigUpdate {
  std::optional<bool> latency;
  std::optional<uint32_t> events_per_sec;
  std::optional<Policy> policy;
  std::optional<uint32_t> threshold;
  std::optional<uint32_t> min_order;
  std::optional<bool> bg_enabled;
  std::optional<uint32_t> bg_order;
  std::optional<uint32_t> bg_interval_ms;
  std::optional<uint32_t> reserve_order;
  std::optional<uint32_t> reserve_blocks;
  std::optional<uint32_t> reserve_budget_ms;
  std::optional<uint32_t> latency_duty_pct;

  bool empty() const;
  // The ranges of the uapi header (modules/uapi/buddyctl.h); Monitor::SetConfig
  // calls it before sending, the kernel's policy checks them on its side.
  absl::Status Validate() const;
};

struct MonitorInfo {
  uint32_t abi_version = 0;
  std::string kernel_release;
  uint32_t nr_orders = 0;
  Config config;
  // What observing costs, since load or reset: the module's longest
  // zone->lock hold (interrupts off), all its holds together, and its
  // longest memmap scan.
  uint64_t max_lock_hold_ns = 0;
  uint64_t lock_hold_total_ns = 0;
  uint64_t max_scan_ns = 0;
};

struct TunerOrderStats {
  uint32_t order = 0;
  uint64_t decisions = 0;
  uint64_t raises = 0;
  uint64_t deferrals = 0;
  uint64_t would_raise = 0;  // observe mode
  std::array<uint64_t, kNrCompactResults> raised_result{};
  std::array<uint64_t, kNrCompactResults> kept_result{};
  uint64_t raised_success = 0;
  uint64_t kept_success = 0;
};

struct BackgroundStats {
  uint64_t checks = 0;
  uint64_t triggers = 0;
  uint64_t ratelimited = 0;
  uint64_t blocks_gained = 0;
  uint32_t last_unusable_pct = 0;
};

// The evacuate policy (modules/monitor/evacuate.c).
struct EvacuatorStats {
  uint64_t requests = 0;       // direct compactions handed to the evacuator
  uint64_t scans = 0;          // memmap scans for candidate blocks
  uint64_t attempts = 0;       // blocks it tried to empty
  uint64_t blocks = 0;         // blocks emptied and freed whole
  uint64_t failures = 0;       // attempts alloc_contig_range refused
  uint64_t pages_moved = 0;    // in-use pages in the emptied blocks
  uint64_t no_candidate = 0;   // requests that found no emptiable block
  uint64_t low_memory = 0;     // requests refused by the free-memory guard
  uint64_t busy = 0;           // requests left to compaction: evacuator busy
  uint64_t not_compacted = 0;  // requests it failed without the kernel's compaction
  uint64_t time_ns = 0;        // time spent scanning and emptying blocks
};

// Whether a reserve of `blocks` blocks of `order` fits in half of
// `free_pages` (the kernel's rule when the reserve is set, with its own
// count of free pages; this is the cheap check before sending).
absl::Status CheckReserveFits(uint32_t order, uint32_t blocks, uint64_t free_pages);

// The reserve worker (modules/monitor/reserve.c).
struct ReserveStats {
  uint32_t order = 0;        // the order kept free
  uint64_t target = 0;       // blocks of it to keep free; 0: off
  uint64_t free_blocks = 0;  // free now, a block of order + j counting 2^j
  uint64_t rounds = 0;       // periods that found the count below target
  uint64_t blocks = 0;       // blocks emptied and freed whole
  uint64_t pages_moved = 0;  // in-use pages migrated out of them
  uint64_t attempts = 0;     // blocks it tried to empty
  uint64_t failures = 0;     // attempts alloc_contig_range refused
  uint64_t cpu_ns = 0;       // time in rounds (wall time: an upper bound of CPU time)
  std::array<uint64_t, kNrReservePauses> paused{};  // by ReservePauseName
};

struct TunerStats {
  std::vector<TunerOrderStats> orders;
  BackgroundStats background;
  EvacuatorStats evacuator;
  ReserveStats reserve;
};

enum class EventType : uint32_t { kAllocFail = 0, kCompact = 1, kTuner = 2, kBackground = 3 };
absl::string_view EventTypeName(EventType t);  // "alloc_fail", "compact", "tuner", "background"

// One multicast event. Which optional fields are set depends on the type.
struct Event {
  uint32_t type = 0;  // EventType; kept raw so unknown types survive
  uint64_t time_ns = 0;
  std::optional<uint32_t> order;
  std::optional<uint32_t> gfp;
  std::optional<uint32_t> migratetype;
  std::optional<uint32_t> prio;
  std::optional<uint32_t> orig_prio;
  std::optional<uint32_t> result;
  std::optional<uint32_t> unusable_pct;
  std::optional<uint32_t> cpu;
  std::optional<uint32_t> pid;
  std::optional<std::string> comm;
  std::optional<uint64_t> dropped;
};

// ---- buddy_hot ---------------------------------------------------------------

enum class HotGfp : uint32_t { kKernel = 0, kRetry = 1, kLight = 2 };
absl::string_view HotGfpName(HotGfp g);  // "kernel", "retry", "light"
absl::StatusOr<HotGfp> ParseHotGfp(absl::string_view name);

enum class HotState : uint32_t { kIdle = 0, kRunning = 1, kDone = 2 };
absl::string_view HotStateName(HotState s);  // "idle", "running", "done"

// Why a run stopped making attempts.
enum class HotStopReason : uint32_t {
  kNone = 0,      // no run yet, or still running
  kCount = 1,     // made all attempts
  kFailed = 2,    // hold-until-fail and an attempt failed
  kReleased = 3,  // released (or module unloaded) during the run
  kMemFloor = 4,  // MemAvailable would have dropped below the safety floor
};
absl::string_view HotStopReasonName(HotStopReason r);  // "none", "count", "failed", ...

struct HotRunParams {
  uint32_t order = 10;
  uint32_t count = 64;
  HotGfp gfp = HotGfp::kRetry;
  bool hold_until_fail = false;
  uint32_t pause_us = 0;
  absl::Status Validate() const;
};

struct HotStatus {
  HotState state = HotState::kIdle;
  uint32_t order = 0;
  uint32_t count = 0;
  HotGfp gfp = HotGfp::kKernel;
  bool hold_until_fail = false;
  uint32_t pause_us = 0;
  uint32_t attempts_done = 0;
  uint32_t successes = 0;
  uint32_t held = 0;
  uint64_t elapsed_ns = 0;
  HotStopReason stop_reason = HotStopReason::kNone;
  uint32_t gfp_flags = 0;       // the gfp_t bits the run used
  uint64_t min_free_pages = 0;  // the run's safety floor (MemAvailable, pages)
};

struct HotAttempt {
  uint32_t index = 0;
  bool ok = false;
  uint64_t latency_ns = 0;
  std::optional<uint64_t> pfn;
};

// Exact figures from a run's attempts (no histogram involved).
struct HotSummary {
  uint32_t attempts = 0;
  uint32_t successes = 0;
  uint64_t p50_ns = 0;  // nearest-rank percentiles over every attempt
  uint64_t p99_ns = 0;
  uint64_t max_ns = 0;
  // Latency of the first attempt that succeeded, and how long the run took
  // until then (sum of the latencies of the attempts up to and including it).
  std::optional<uint64_t> first_success_ns;
  std::optional<uint64_t> time_to_first_success_ns;
};
HotSummary Summarize(const std::vector<HotAttempt>& attempts);

// ---- buddy_frag ----------------------------------------------------------------

struct FragPinParams {
  uint32_t pin_percent = 0;     // 0..100
  uint32_t sweep_percent = 80;  // 1..95
  uint32_t seed = 1;
  absl::Status Validate() const;
};

// Why the last pin sweep stopped.
enum class FragSweepStop : uint32_t { kNone = 0, kTarget = 1, kAllocFailed = 2, kMemFloor = 3 };
absl::string_view FragSweepStopName(FragSweepStop s);  // "none", "target", "alloc_failed", ...

struct FragStatus {
  uint64_t pinned_pages = 0;
  uint64_t pinned_blocks = 0;   // order-10 blocks holding a pinned page
  uint64_t touched_blocks = 0;  // order-10 blocks the sweep drew pages from
  uint64_t sweep_target = 0;    // pages the sweep aimed for
  uint64_t swept_pages = 0;     // pages it got
  FragSweepStop sweep_stop = FragSweepStop::kNone;
};

}  // namespace buddyctl

#endif  // BUDDYCTL_TYPES_H_
