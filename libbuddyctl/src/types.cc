// SPDX-License-Identifier: GPL-2.0
#include "buddyctl/types.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "buddyctl/status_macros.h"
#include "uapi/buddyctl.h"

namespace buddyctl {

static_assert(kNrOrders == BUDDY_NR_ORDERS);
static_assert(kLatBuckets == BUDDY_LAT_BUCKETS);
static_assert(kNrPrios == BUDDY_NR_PRIOS);
static_assert(kNrCompactResults == BUDDY_NR_COMPACT_RESULTS);
static_assert(kNrMigratetypes == BUDDY_NR_MIGRATETYPES);
static_assert(kCompactResultSuccess == BUDDY_COMPACT_SUCCESS);
static_assert(kNrReservePauses == BUDDY_RESERVE_NR_PAUSES);
static_assert(static_cast<int>(Policy::kAlwaysMax) == BUDDY_POLICY_ALWAYS_MAX);
static_assert(static_cast<int>(Policy::kEvacuate) == BUDDY_POLICY_EVACUATE);
static_assert(std::size(kAllPolicies) == BUDDY_NR_POLICIES);
static_assert(static_cast<int>(HotGfp::kLight) == BUDDY_HOT_GFP_LIGHT);
static_assert(static_cast<int>(HotState::kDone) == BUDDY_HOT_DONE);
static_assert(static_cast<int>(EventType::kBackground) == BUDDY_EV_BACKGROUND);
static_assert(HotRunParams{}.order == BUDDY_HOT_DEFAULT_ORDER);
static_assert(HotRunParams{}.count == BUDDY_HOT_DEFAULT_COUNT);
static_assert(static_cast<int>(HotStopReason::kMemFloor) == BUDDY_HOT_STOP_MEM_FLOOR);
static_assert(static_cast<int>(FragSweepStop::kMemFloor) == BUDDY_FRAG_SWEEP_MEM_FLOOR);

namespace {

// The uapi header's name tables, in enum order.
constexpr const char* kPrioNames[] = BUDDY_PRIO_NAMES;
constexpr const char* kCompactResultNames[] = BUDDY_COMPACT_RESULT_NAMES;
constexpr const char* kMigratetypeNames[] = BUDDY_MT_NAMES;
constexpr const char* kPolicyNames[] = BUDDY_POLICY_NAMES;
constexpr const char* kReservePauseNames[] = BUDDY_RESERVE_PAUSE_NAMES;
constexpr const char* kEventNames[] = BUDDY_EV_NAMES;
constexpr const char* kHotGfpNames[] = BUDDY_HOT_GFP_NAMES;
constexpr const char* kHotStateNames[] = BUDDY_HOT_STATE_NAMES;
constexpr const char* kHotStopNames[] = BUDDY_HOT_STOP_NAMES;
constexpr const char* kFragSweepStopNames[] = BUDDY_FRAG_SWEEP_STOP_NAMES;
static_assert(std::size(kPrioNames) == BUDDY_NR_PRIOS);
static_assert(std::size(kCompactResultNames) == BUDDY_NR_COMPACT_RESULTS);
static_assert(std::size(kMigratetypeNames) == BUDDY_NR_MIGRATETYPES);
static_assert(std::size(kPolicyNames) == BUDDY_NR_POLICIES);
static_assert(std::size(kReservePauseNames) == BUDDY_RESERVE_NR_PAUSES);
static_assert(std::size(kEventNames) == BUDDY_NR_EVENT_TYPES);
static_assert(std::size(kHotGfpNames) == BUDDY_HOT_NR_GFP_MODES);
static_assert(std::size(kHotStateNames) == BUDDY_HOT_NR_STATES);
static_assert(std::size(kHotStopNames) == BUDDY_HOT_NR_STOP_REASONS);
static_assert(std::size(kFragSweepStopNames) == BUDDY_FRAG_NR_SWEEP_STOPS);

// names[i], or "unknown" for a value this version does not know.
template <size_t N>
absl::string_view NameAt(const char* const (&names)[N], int64_t i) {
  if (i < 0 || static_cast<uint64_t>(i) >= N) return "unknown";
  return names[i];
}

// The index of `name` in names[], if it is one of them.
template <size_t N>
std::optional<uint32_t> IndexOf(const char* const (&names)[N], absl::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (name == names[i]) return static_cast<uint32_t>(i);
  }
  return std::nullopt;
}

// "a, b or c"
template <size_t N>
std::string Alternatives(const char* const (&names)[N]) {
  std::string s;
  for (size_t i = 0; i < N; ++i) {
    absl::StrAppend(&s, i == 0 ? "" : i + 1 == N ? " or " : ", ", names[i]);
  }
  return s;
}

// "invalid <what> <v>[ <unit>]: must be <lo>..<hi>"
absl::Status CheckRange(uint64_t v, uint64_t lo, uint64_t hi, absl::string_view what,
                        absl::string_view unit = "") {
  if (v >= lo && v <= hi) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("invalid ", what, " ", v, unit.empty() ? "" : " ",
                                                 unit, ": must be ", lo, "..", hi));
}

}  // namespace

absl::string_view PrioName(int prio) { return NameAt(kPrioNames, prio); }
absl::string_view CompactResultName(int result) { return NameAt(kCompactResultNames, result); }
absl::string_view MigratetypeName(int mt) { return NameAt(kMigratetypeNames, mt); }
absl::string_view ReservePauseName(int reason) { return NameAt(kReservePauseNames, reason); }
absl::string_view PolicyName(Policy p) { return NameAt(kPolicyNames, static_cast<int64_t>(p)); }

absl::StatusOr<Policy> ParsePolicy(absl::string_view name) {
  if (auto i = IndexOf(kPolicyNames, name)) return static_cast<Policy>(*i);
  // Accepted for the spelling of the C enum (BUDDY_POLICY_ALWAYS_MAX).
  if (name == "always_max") return Policy::kAlwaysMax;
  return absl::InvalidArgumentError(absl::StrCat("unknown policy '", name, "': expected one of ",
                                                 absl::StrJoin(kPolicyNames, ", ")));
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
         !bg_order && !bg_interval_ms && !reserve_order && !reserve_blocks && !reserve_budget_ms &&
         !latency_duty_pct;
}

absl::Status ConfigUpdate::Validate() const {
  if (events_per_sec) {
    BUDDYCTL_RETURN_IF_ERROR(CheckRange(*events_per_sec, BUDDY_EVENTS_PER_SEC_MIN,
                                        BUDDY_EVENTS_PER_SEC_MAX, "events_per_sec"));
  }
  if (threshold) {
    BUDDYCTL_RETURN_IF_ERROR(CheckRange(*threshold, 0, BUDDY_THRESHOLD_MAX, "threshold"));
  }
  if (min_order) BUDDYCTL_RETURN_IF_ERROR(ValidateOrder(*min_order, "min_order"));
  if (bg_order) BUDDYCTL_RETURN_IF_ERROR(ValidateOrder(*bg_order, "background order"));
  if (bg_interval_ms) {
    BUDDYCTL_RETURN_IF_ERROR(CheckRange(*bg_interval_ms, BUDDY_BG_INTERVAL_MIN_MS,
                                        BUDDY_BG_INTERVAL_MAX_MS, "background interval", "ms"));
  }
  if (reserve_order) BUDDYCTL_RETURN_IF_ERROR(ValidateOrder(*reserve_order, "reserve order"));
  if (reserve_blocks) {
    BUDDYCTL_RETURN_IF_ERROR(
        CheckRange(*reserve_blocks, 0, BUDDY_RESERVE_BLOCKS_MAX, "reserve block count"));
  }
  if (reserve_budget_ms) {
    BUDDYCTL_RETURN_IF_ERROR(CheckRange(*reserve_budget_ms, BUDDY_RESERVE_BUDGET_MIN_MS,
                                        BUDDY_RESERVE_BUDGET_MAX_MS, "reserve budget", "ms"));
  }
  if (latency_duty_pct) {
    BUDDYCTL_RETURN_IF_ERROR(CheckRange(*latency_duty_pct, BUDDY_LAT_DUTY_MIN_PCT,
                                        BUDDY_LAT_DUTY_MAX_PCT, "latency duty", "%"));
  }
  if (policy && static_cast<uint32_t>(*policy) >= BUDDY_NR_POLICIES) {
    return absl::InvalidArgumentError("invalid policy");
  }
  return absl::OkStatus();
}

absl::Status CheckReserveFits(uint32_t order, uint32_t blocks, uint64_t free_pages) {
  BUDDYCTL_RETURN_IF_ERROR(ValidateOrder(order, "reserve order"));
  const uint64_t pages = uint64_t{blocks} << order;
  if (pages <= free_pages / 2) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("a reserve of ", blocks, " blocks of order ", order, " (", pages,
                   " pages) is more than half of the free memory (", free_pages, " pages free)"));
}

absl::string_view EventTypeName(EventType t) {
  return NameAt(kEventNames, static_cast<int64_t>(t));
}

// ---- buddy_hot ----------------------------------------------------------------

absl::string_view HotGfpName(HotGfp g) { return NameAt(kHotGfpNames, static_cast<int64_t>(g)); }

absl::StatusOr<HotGfp> ParseHotGfp(absl::string_view name) {
  if (auto i = IndexOf(kHotGfpNames, name)) return static_cast<HotGfp>(*i);
  return absl::InvalidArgumentError(
      absl::StrCat("unknown GFP mode '", name, "': expected ", Alternatives(kHotGfpNames)));
}

absl::string_view HotStateName(HotState s) {
  return NameAt(kHotStateNames, static_cast<int64_t>(s));
}

absl::string_view HotStopReasonName(HotStopReason r) {
  return NameAt(kHotStopNames, static_cast<int64_t>(r));
}

absl::string_view FragSweepStopName(FragSweepStop s) {
  return NameAt(kFragSweepStopNames, static_cast<int64_t>(s));
}

absl::Status HotRunParams::Validate() const {
  BUDDYCTL_RETURN_IF_ERROR(ValidateOrder(order));
  BUDDYCTL_RETURN_IF_ERROR(CheckRange(count, 1, BUDDY_HOT_MAX_COUNT, "count"));
  if (static_cast<uint32_t>(gfp) >= BUDDY_HOT_NR_GFP_MODES) {
    return absl::InvalidArgumentError("invalid GFP mode");
  }
  return CheckRange(pause_us, 0, BUDDY_HOT_MAX_PAUSE_US, "pause", "us");
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
  BUDDYCTL_RETURN_IF_ERROR(CheckRange(pin_percent, 0, BUDDY_FRAG_MAX_PIN_PERCENT, "pin percent"));
  return CheckRange(sweep_percent, BUDDY_FRAG_MIN_SWEEP_PERCENT, BUDDY_FRAG_MAX_SWEEP_PERCENT,
                    "sweep percent");
}

}  // namespace buddyctl
