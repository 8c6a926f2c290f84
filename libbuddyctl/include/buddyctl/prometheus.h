// SPDX-License-Identifier: GPL-2.0
// The monitor's figures as Prometheus metrics, in the text exposition format
// (version 0.0.4) or OpenMetrics 1.0, for `buddyctl exporter` (HTTP) and
// `buddyctl export --prometheus` (node_exporter's textfile collector). Both
// produce the same families from the same code.
//
// Conventions: every name starts with "buddyctl_"; counters end in
// "_total"; base units (seconds, bytes, ratios 0..1); labels order, node,
// zone, migratetype, priority, result (names from types.h).
// buddyctl_up is 1 when the monitor answered and 0 when it did not (module
// not loaded, or a query failed); then no monitor family is printed, only
// buddyctl_up, buddyctl_build_info and the exporter's own figures.
// buddyctl_monitor_reset_timestamp_seconds is when the counters last
// started from zero (module load or `buddyctl reset`), so a dashboard can
// tell a reset from a quiet period.
//
// With latency histograms (Monitor::GetLatency), it adds
// buddyctl_alloc_latency_seconds, a histogram per order and path ("fast":
// the call never entered the slow path, "slow": it did), with the monitor's
// 40 log2 buckets as cumulative _bucket{le=...} samples (bucket i holds whole
// nanoseconds below 2^(i+1), so its le is 2^(i+1)-1 ns, in seconds), _sum
// and _count; buddyctl_alloc_latency_max_seconds,
// buddyctl_alloc_latency_untimed_total and
// buddyctl_latency_capture_seconds_total (the time the counts were taken
// in: the rate of a count is its increase over this one's, since below a
// 100 % duty, buddyctl_latency_duty_ratio, the hook is registered for part
// of each period only). Without histograms these families are left out.
#ifndef BUDDYCTL_PROMETHEUS_H_
#define BUDDYCTL_PROMETHEUS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "buddyctl/types.h"

namespace buddyctl {

enum class ExpositionFormat { kText, kOpenMetrics };

inline constexpr absl::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";
inline constexpr absl::string_view kOpenMetricsContentType =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

// The format an HTTP Accept header asks for: OpenMetrics when it names
// application/openmetrics-text with a q-value at least that of text/plain
// (and above 0); the text format otherwise, including an empty header.
ExpositionFormat NegotiateFormat(absl::string_view accept);

// One reading of the monitor.
struct MonitorSnapshot {
  MonitorInfo info;  // kernel release and ABI of the loaded module
  Stats stats;
  // Fragmentation per zone; empty when not read (the exporter caches it).
  std::vector<ZoneFrag> zones;
  TunerStats tuner;
  Config config;
  std::vector<LatencyHistogram> latency;  // empty: no latency families
  // Wall-clock time of the last counter reset (see ResetWallTime).
  absl::Time reset_time = absl::UnixEpoch();
  uint64_t page_size = 4096;  // bytes per page, for the _bytes gauges
};

// The wall-clock time of the reset stats.reset_time_ns names, given the wall
// clock when the kernel replied (stats.now_ns is the same instant on the
// kernel's monotonic clock).
absl::Time ResetWallTime(const Stats& stats, absl::Time wall_at_reply);

// The exporter's own figures (buddyctl_exporter_*, process_*).
struct ExporterSelf {
  uint64_t scrapes = 0;                    // /metrics requests answered
  uint64_t collect_errors = 0;             // collections where a query failed
  uint64_t collections = 0;                // readings of the monitor
  double collect_seconds = 0;              // how long the latest reading took
  double frag_interval_seconds = 0;        // at most one fragmentation reading per interval
  std::optional<double> frag_age_seconds;  // age of the cached fragmentation figures
  uint64_t frag_refreshes = 0;
  double frag_refresh_seconds = 0;  // how long the latest fragmentation reading took
  double start_time_seconds = 0;    // process start, Unix time
  double cpu_seconds = 0;
  uint64_t resident_bytes = 0;
  uint64_t max_connections = 0;
  uint64_t threads = 0;
};

// The exposition. `snapshot` null: the monitor did not answer (buddyctl_up
// 0). `self` null: no exporter figures (the one-shot export).
std::string FormatPrometheus(const MonitorSnapshot* snapshot, const ExporterSelf* self,
                             ExpositionFormat format = ExpositionFormat::kText);

}  // namespace buddyctl

#endif  // BUDDYCTL_PROMETHEUS_H_
