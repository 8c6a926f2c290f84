// SPDX-License-Identifier: GPL-2.0
#include "buddyctl/types.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "uapi/buddyctl.h"

namespace buddyctl {

static_assert(kNrOrders == BUDDY_NR_ORDERS);
static_assert(kLatBuckets == BUDDY_LAT_BUCKETS);
static_assert(kNrPrios == BUDDY_NR_PRIOS);
static_assert(kNrCompactResults == BUDDY_NR_COMPACT_RESULTS);
static_assert(kNrMigratetypes == BUDDY_NR_MIGRATETYPES);
static_assert(kCompactResultSuccess == BUDDY_COMPACT_SUCCESS);
static_assert(static_cast<int>(Policy::kAlwaysMax) == BUDDY_POLICY_ALWAYS_MAX);
static_assert(static_cast<int>(Policy::kEvacuate) == BUDDY_POLICY_EVACUATE);
static_assert(std::size(kAllPolicies) == BUDDY_NR_POLICIES);
static_assert(static_cast<int>(HotGfp::kLight) == BUDDY_HOT_GFP_LIGHT);
static_assert(static_cast<int>(HotState::kDone) == BUDDY_HOT_DONE);
static_assert(static_cast<int>(EventType::kBackground) == BUDDY_EV_BACKGROUND);
static_assert(kHotMaxCount == BUDDY_HOT_MAX_COUNT);
static_assert(static_cast<int>(HotStopReason::kMemFloor) == BUDDY_HOT_STOP_MEM_FLOOR);
static_assert(static_cast<int>(FragSweepStop::kMemFloor) == BUDDY_FRAG_SWEEP_MEM_FLOOR);

absl::string_view PrioName(int prio) {
  static constexpr std::array<absl::string_view, kNrPrios> kNames = {"sync_full", "sync_light",
                                                                     "async"};
  if (prio < 0 || prio >= kNrPrios) return "unknown";
  return kNames[static_cast<size_t>(prio)];
}

absl::string_view CompactResultName(int result) {
  static constexpr std::array<absl::string_view, kNrCompactResults> kNames = {
      "not_suitable_zone", "skipped",         "deferred",  "no_suitable_page", "continue",
      "complete",          "partial_skipped", "contended", "success"};
  if (result < 0 || result >= kNrCompactResults) return "unknown";
  return kNames[static_cast<size_t>(result)];
}

absl::string_view MigratetypeName(int mt) {
  static constexpr std::array<absl::string_view, kNrMigratetypes> kNames = {
      "unmovable", "movable", "reclaimable", "highatomic", "cma", "isolate"};
  if (mt < 0 || mt >= kNrMigratetypes) return "unknown";
  return kNames[static_cast<size_t>(mt)];
}

absl::string_view PolicyName(Policy p) {
  switch (p) {
    case Policy::kOff:
      return "off";
    case Policy::kObserve:
      return "observe";
    case Policy::kAdaptive:
      return "adaptive";
    case Policy::kAlwaysMax:
      return "always-max";
    case Policy::kEvacuate:
      return "evacuate";
  }
  return "unknown";
}

absl::StatusOr<Policy> ParsePolicy(absl::string_view name) {
  for (Policy p : kAllPolicies) {
    if (name == PolicyName(p)) return p;
  }
  if (name == "always_max") return Policy::kAlwaysMax;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown policy '", name, "': expected one of off, observe, adaptive, always-max, evacuate"));
}

absl::Status ValidateOrder(int64_t order, absl::string_view what) {
  if (order < 0 || order > kMaxOrder) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid ", what, " ", order, ": must be 0..", kMaxOrder));
  }
  return absl::OkStatus();
}

// ---- LatencyHistogram -------------------------------------------------------

uint64_t LatencyHistogram::BucketLow(int i) { return i == 0 ? 0 : uint64_t{1} << i; }
uint64_t LatencyHistogram::BucketHigh(int i) { return uint64_t{1} << (i + 1); }

std::array<uint64_t, kLatBuckets> LatencyHistogram::Buckets(Path path) const {
  if (path == Path::kFast) return fast;
  if (path == Path::kSlow) return slow;
  std::array<uint64_t, kLatBuckets> all{};
  for (size_t i = 0; i < all.size(); ++i) all[i] = fast[i] + slow[i];
  return all;
}

uint64_t LatencyHistogram::Count(Path path) const {
  uint64_t n = 0;
  for (uint64_t c : Buckets(path)) n += c;
  return n;
}

uint64_t LatencyHistogram::MaxNs(Path path) const {
  if (path == Path::kFast) return fast_max_ns;
  if (path == Path::kSlow) return slow_max_ns;
  return std::max(fast_max_ns, slow_max_ns);
}

double LatencyHistogram::MeanNs(Path path) const {
  uint64_t n = Count(path);
  if (n == 0) return 0;
  uint64_t sum = path == Path::kFast   ? fast_sum_ns
                 : path == Path::kSlow ? slow_sum_ns
                                       : fast_sum_ns + slow_sum_ns;
  return static_cast<double>(sum) / static_cast<double>(n);
}

double LatencyHistogram::PercentileOf(const std::array<uint64_t, kLatBuckets>& buckets,
                                      uint64_t max_ns, double p) {
  uint64_t n = 0;
  for (uint64_t c : buckets) n += c;
  if (n == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  const double rank = p / 100.0 * static_cast<double>(n);
  double below = 0;
  for (int i = 0; i < kLatBuckets; ++i) {
    const auto c = static_cast<double>(buckets[static_cast<size_t>(i)]);
    if (c == 0) continue;
    if (below + c >= rank) {
      const auto lo = static_cast<double>(BucketLow(i));
      const auto hi = static_cast<double>(BucketHigh(i));
      double v = lo + (hi - lo) * ((rank - below) / c);
      if (max_ns > 0) v = std::min(v, static_cast<double>(max_ns));
      return v;
    }
    below += c;
  }
  return static_cast<double>(max_ns);
}

double LatencyHistogram::Percentile(double p, Path path) const {
  return PercentileOf(Buckets(path), MaxNs(path), p);
}

double UnusablePercent(const std::vector<ZoneFrag>& zones, int order) {
  if (order < 0 || order > kMaxOrder) return 0;
  double free_pages = 0;
  double suitable = 0;
  for (const ZoneFrag& z : zones) {
    for (int k = 0; k < kNrOrders; ++k) {
      const double pages = static_cast<double>(z.nr_free[static_cast<size_t>(k)]) *
                           static_cast<double>(uint64_t{1} << k);
      free_pages += pages;
      if (k >= order) suitable += pages;
    }
  }
  if (free_pages == 0) return 0;
  return 100.0 * (free_pages - suitable) / free_pages;
}

// ---- Config -------------------------------------------------------------------

bool ConfigUpdate::empty() const {
  return !latency && !events_per_sec && !policy && !threshold && !min_order && !bg_enabled &&
         !bg_order && !bg_interval_ms;
}

absl::Status ConfigUpdate::Validate() const {
  if (events_per_sec && (*events_per_sec < 1 || *events_per_sec > 100000)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid events_per_sec ", *events_per_sec, ": must be 1..100000"));
  }
  if (threshold && *threshold > 100) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid threshold ", *threshold, ": must be 0..100 (percent)"));
  }
  if (min_order) {
    if (auto st = ValidateOrder(*min_order, "min_order"); !st.ok()) return st;
  }
  if (bg_order) {
    if (auto st = ValidateOrder(*bg_order, "background order"); !st.ok()) return st;
  }
  if (bg_interval_ms && (*bg_interval_ms < 100 || *bg_interval_ms > 60000)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid background interval ", *bg_interval_ms, " ms: must be 100..60000"));
  }
  if (policy && static_cast<uint32_t>(*policy) >= std::size(kAllPolicies)) {
    return absl::InvalidArgumentError("invalid policy");
  }
  return absl::OkStatus();
}

absl::string_view EventTypeName(EventType t) {
  switch (t) {
    case EventType::kAllocFail:
      return "alloc_fail";
    case EventType::kCompact:
      return "compact";
    case EventType::kTuner:
      return "tuner";
    case EventType::kBackground:
      return "background";
  }
  return "unknown";
}

// ---- buddy_hot ----------------------------------------------------------------

absl::string_view HotGfpName(HotGfp g) {
  switch (g) {
    case HotGfp::kKernel:
      return "kernel";
    case HotGfp::kRetry:
      return "retry";
    case HotGfp::kLight:
      return "light";
  }
  return "unknown";
}

absl::StatusOr<HotGfp> ParseHotGfp(absl::string_view name) {
  for (HotGfp g : {HotGfp::kKernel, HotGfp::kRetry, HotGfp::kLight}) {
    if (name == HotGfpName(g)) return g;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown GFP mode '", name, "': expected kernel, retry or light"));
}

absl::string_view HotStateName(HotState s) {
  switch (s) {
    case HotState::kIdle:
      return "idle";
    case HotState::kRunning:
      return "running";
    case HotState::kDone:
      return "done";
  }
  return "unknown";
}

absl::string_view HotStopReasonName(HotStopReason r) {
  switch (r) {
    case HotStopReason::kNone:
      return "none";
    case HotStopReason::kCount:
      return "count";
    case HotStopReason::kFailed:
      return "failed";
    case HotStopReason::kReleased:
      return "released";
    case HotStopReason::kMemFloor:
      return "mem_floor";
  }
  return "unknown";
}

absl::string_view FragSweepStopName(FragSweepStop s) {
  switch (s) {
    case FragSweepStop::kNone:
      return "none";
    case FragSweepStop::kTarget:
      return "target";
    case FragSweepStop::kAllocFailed:
      return "alloc_failed";
    case FragSweepStop::kMemFloor:
      return "mem_floor";
  }
  return "unknown";
}

absl::Status HotRunParams::Validate() const {
  if (auto st = ValidateOrder(order); !st.ok()) return st;
  if (count < 1 || count > kHotMaxCount) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid count ", count, ": must be 1..", kHotMaxCount));
  }
  if (static_cast<uint32_t>(gfp) > static_cast<uint32_t>(HotGfp::kLight)) {
    return absl::InvalidArgumentError("invalid GFP mode");
  }
  if (pause_us > kHotMaxPauseUs) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid pause ", pause_us, " us: must be 0..", kHotMaxPauseUs));
  }
  return absl::OkStatus();
}

HotSummary Summarize(const std::vector<HotAttempt>& attempts) {
  HotSummary s;
  std::vector<uint64_t> lat;
  lat.reserve(attempts.size());
  uint64_t elapsed = 0;
  for (const HotAttempt& a : attempts) {
    ++s.attempts;
    elapsed += a.latency_ns;
    lat.push_back(a.latency_ns);
    if (a.ok) {
      ++s.successes;
      if (!s.first_success_ns) {
        s.first_success_ns = a.latency_ns;
        s.time_to_first_success_ns = elapsed;
      }
    }
  }
  if (lat.empty()) return s;
  std::sort(lat.begin(), lat.end());
  auto nearest_rank = [&lat](double p) {
    auto r = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(lat.size())));
    return lat[std::clamp<size_t>(r, 1, lat.size()) - 1];
  };
  s.p50_ns = nearest_rank(50);
  s.p99_ns = nearest_rank(99);
  s.max_ns = lat.back();
  return s;
}

// ---- buddy_frag ----------------------------------------------------------------

absl::Status FragPinParams::Validate() const {
  if (pin_percent > 100) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid pin percent ", pin_percent, ": must be 0..100"));
  }
  if (sweep_percent < 1 || sweep_percent > 95) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid sweep percent ", sweep_percent, ": must be 1..95"));
  }
  return absl::OkStatus();
}

}  // namespace buddyctl
