// SPDX-License-Identifier: GPL-2.0
// The numbers behind each plot, computed from parsed inputs. Nothing here
// knows about HTML or the charting library: these are what the golden-data
// tests check (tests/report/plots_test.cc).
//
// Counters in a recording are cumulative since the monitor's last reset.
// Over a recording, a counter's figure is the sum of its increases between
// consecutive samples; where it went down, or the sample's reset_time_ns
// changed, the counters were reset in between and the later value counts
// whole. A recording of one sample gives the counts since the last reset.
#ifndef BUDDYCTL_REPORT_PLOTS_H_
#define BUDDYCTL_REPORT_PLOTS_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model.h"

namespace buddyctl::report {

// ---- recordings -------------------------------------------------------------

struct OrderDistribution {
  std::array<uint64_t, kNrOrders> requests{};
  std::array<uint64_t, kNrOrders> successes{};
  std::array<uint64_t, kNrOrders> failures{};
  std::array<uint64_t, kNrOrders> slowpath{};
  std::array<uint64_t, kNrOrders> compactions{};  // direct compaction attempts
  double window_s = 0;                            // last elapsed_s - first elapsed_s
  bool since_reset = false;                       // one sample: counts since the last reset
};
OrderDistribution ComputeOrderDistribution(const Record& r);

// Free blocks per order over time in one zone: the "buddyinfo movie".
struct ZoneHeatmap {
  std::string zone;  // "node 0 DMA32"
  std::vector<double> t;
  std::vector<std::array<uint64_t, kNrOrders>> free_blocks;  // [sample][order]
};
std::vector<ZoneHeatmap> ComputeBuddyinfo(const Record& r);

inline constexpr std::array<int, 3> kFragOrders = {3, 9, 10};

struct FragmentationSeries {
  std::vector<double> t;
  // Unusable free space index over every zone together (UnusablePercent),
  // in percent, for each of kFragOrders.
  std::array<std::vector<double>, kFragOrders.size()> all_zones;
  // The kernel's own per-zone index (unusable_index_x1000 / 10); NaN where
  // a sample lacks the zone.
  struct ZoneLine {
    std::string zone;
    int order = 0;
    std::vector<double> percent;
  };
  std::vector<ZoneLine> per_zone;
  // Tuner activity in the interval that ends at t[i] (0 for the first
  // sample), summed over orders: priority raises, deferrals, raises the
  // observe policy would have made, background compaction triggers.
  std::vector<uint64_t> raises;
  std::vector<uint64_t> deferrals;
  std::vector<uint64_t> would_raise;
  std::vector<uint64_t> bg_triggers;
  // The tuner's configuration (the samples' "config"): where the policy,
  // threshold or minimum order differs from the sample before, the time of
  // the first sample showing the new setting (it changed in the interval
  // before) and what changed, e.g. "adaptive → always-max, threshold 80 →
  // 50 %". Empty for recordings without "config".
  struct ConfigChange {
    double t = 0;
    std::string what;
  };
  std::vector<ConfigChange> config_changes;
  // The first sample's setting, e.g. "adaptive, threshold 80 %, min order
  // 3"; empty without "config".
  std::string initial_config;
};
FragmentationSeries ComputeFragmentation(const Record& r);

// The kernel's fragmentation index of each zone (mm/vmstat.c, what
// /sys/kernel/debug/extfrag/extfrag_index prints) over time, for each of
// kFragOrders, as the monitor computed it for each sample: -1 when a free
// block of that order or larger exists; otherwise near 0 when a request
// would fail for lack of memory and near 1 when for fragmentation.
struct ExtfragSeries {
  std::vector<double> t;
  struct ZoneLine {
    std::string zone;
    int order = 0;
    std::vector<double> index;  // -1..1; NaN where a sample lacks the zone
  };
  std::vector<ZoneLine> lines;  // by zone, then order
};
ExtfragSeries ComputeExtfrag(const Record& r);

// Latency percentiles between consecutive samples: for each interval, the
// increases of the histogram buckets (as counters, see above), so a burst
// of slow requests shows when it happened instead of being averaged into
// the whole recording.
struct LatencyOverTime {
  std::vector<double> t;  // the end of each interval: samples 1..n-1
  struct OrderLine {
    int order = 0;
    uint64_t count = 0;          // calls timed over all intervals
    std::vector<double> p50_ns;  // NaN for an interval with no call timed
    std::vector<double> p99_ns;
  };
  std::vector<OrderLine> orders;  // orders with at least one call timed
};
// Empty for a recording of one sample (there is no interval).
LatencyOverTime ComputeLatencyOverTime(const Record& r);

struct LatencyRow {
  int order = 0;
  uint64_t count = 0;       // timed calls over the recording
  uint64_t slow_count = 0;  // of which took the slow path
  double p50_ns = 0;        // percentiles of the recording's histogram
  double p90_ns = 0;        // (LatencyHistogram::PercentileOf, as `buddyctl latency`)
  double p99_ns = 0;
  uint64_t max_ns = 0;  // since the last reset (a maximum has no difference)
};
// Orders with at least one timed call; empty when latency capture was off.
std::vector<LatencyRow> ComputeLatency(const Record& r);

// ---- challenge results ------------------------------------------------------------

struct Spread {
  size_t n = 0;
  double min = 0;
  double q1 = 0;  // quartiles by linear interpolation between order statistics
  double median = 0;
  double q3 = 0;
  double max = 0;
  double mean = 0;
  double sd = 0;  // sample standard deviation (0 for one value)
};
Spread SpreadOf(std::vector<double> values);

struct PolicySuccess {
  std::string policy;
  std::vector<double> percent;            // successes / physical limit, per run, in percent
  std::vector<const ChallengeRun*> runs;  // the run of each percent (points into the Challenge)
  Spread spread;
  int failed_runs = 0;  // runs that errored or had a limit of 0
};
std::vector<PolicySuccess> ComputeSuccess(const Challenge& c);

// The THP runs of one scenario (`which`: ChallengeRun::thp, or thp_churn)
// by policy: huge faults / the order-9 physical limit, in percent, and the
// fault latency percentiles of each run; policies without that record in
// any run are left out. Empty when no run has that record.
struct PolicyThp {
  std::string policy;
  std::vector<double> percent;            // per THP run with a limit
  std::vector<const ChallengeRun*> runs;  // the run of each percent
  std::vector<const ChallengeThp*> thp;   // and its THP record (both point into the Challenge)
  Spread spread;
  Spread p50_us;  // over the same runs
  Spread p99_us;
  int failed_runs = 0;         // THP runs that errored or had a limit of 0
  int agrees_with_vmstat = 0;  // runs whose huge count is thp_fault_alloc's
  bool lower_bound = false;    // a run's limit was twice the order-10 one
};
std::vector<PolicyThp> ComputeThp(const Challenge& c, ThpScenario which = &ChallengeRun::thp);

// vmstat counters per successful order-10 block, by policy.
inline constexpr std::array<const char*, 4> kWorkMetrics = {
    "pgmigrate_success", "compact_migrate_scanned", "compact_free_scanned", "compact_isolated"};
struct PolicyWork {
  std::string policy;
  std::map<std::string, Spread> per_block;  // metric -> spread over runs with a success
};
std::vector<PolicyWork> ComputeWork(const Challenge& c);

// The empirical CDF of every order-10 attempt's latency, pooled over a
// policy's runs: points (latency in ms, fraction of attempts <= it), at
// most max_points of them (the first and last always kept).
struct LatencyCdf {
  std::string policy;
  size_t attempts = 0;
  std::vector<std::pair<double, double>> points;
};
std::vector<LatencyCdf> ComputeCdfs(const Challenge& c, size_t max_points = 400);

// ---- slab study -------------------------------------------------------------------

enum class SlabGroup { kWorkloads, kMicro, kFootprint };

// One plot's worth of the slab study: each figure's paired ratio to SLUB
// (report.py's "vs_slub") for every allocator but SLUB, which is the 1.0
// line. Figures are in a reading order: workloads as report.py lists them,
// microbenchmarks by test then size, footprint Slab: then MemFree: by step.
struct SlabComparison {
  std::vector<std::string> labels;      // "messaging", "pair 64 B", "Slab after boot"
  std::vector<std::string> allocators;  // compared with SLUB
  std::vector<std::vector<std::optional<SlabRatio>>> ratios;  // [allocator][figure]
  std::vector<double> slub_median;                            // [figure], in the unit
  std::string unit;
};
SlabComparison ComputeSlabComparison(const SlabStudy& s, SlabGroup group);

}  // namespace buddyctl::report

#endif  // BUDDYCTL_REPORT_PLOTS_H_
