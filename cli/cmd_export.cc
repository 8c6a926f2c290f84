// SPDX-License-Identifier: GPL-2.0
// export --prometheus: counters and fragmentation for node_exporter.
#include <algorithm>

#include "buddyctl/prometheus.h"
#include "buddyctl/status_macros.h"
#include "cli.h"

namespace buddyctl::cli {
namespace {

absl::Status Export(Context& ctx, const Args& a) {
  if (!a.Has("--prometheus")) return UsageError("choose a format: --prometheus");
  BUDDYCTL_ASSIGN_OR_RETURN(Monitor mon, ctx.OpenMonitor());
  BUDDYCTL_ASSIGN_OR_RETURN(Stats s, mon.GetStats());
  BUDDYCTL_ASSIGN_OR_RETURN(std::vector<ZoneFrag> zones, mon.GetFrag());
  BUDDYCTL_ASSIGN_OR_RETURN(TunerStats t, mon.GetTunerStats());
  BUDDYCTL_ASSIGN_OR_RETURN(Config c, mon.GetConfig());
  // Latency histograms while capture is on, or while data from an earlier
  // capture remains (until the next reset); otherwise none.
  BUDDYCTL_ASSIGN_OR_RETURN(std::vector<LatencyHistogram> lat, mon.GetLatency());
  const bool have_latency =
      c.latency || std::any_of(lat.begin(), lat.end(), [](const auto& h) { return h.Count() > 0; });
  if (!have_latency) lat.clear();
  *ctx.out << FormatPrometheus(s, zones, t, c, lat);
  return absl::OkStatus();
}

}  // namespace

void AddExportCommands(std::vector<Command>& t) {
  t.push_back({"export",
               Export,
               "print counters and fragmentation in Prometheus text format",
               "buddyctl export --prometheus",
               R"(Prints every counter (buddy_*_total, labels order/prio/result/migratetype),
the fragmentation figures per node and zone (buddy_zone_*), and the tuner's
counters, with # HELP and # TYPE lines, for node_exporter's textfile
collector. While latency capture is on (buddyctl latency-mode on), or data
from an earlier capture remains, it adds the latency histograms:
buddy_alloc_latency_seconds{order,path="fast"|"slow"} (_bucket{le}, _sum,
_count; the monitor's log2 buckets), buddy_alloc_latency_max_seconds and
buddy_alloc_latency_missed_total.

example (cron or a systemd timer):
  buddyctl export --prometheus > /var/lib/node_exporter/buddy.prom.tmp &&
    mv /var/lib/node_exporter/buddy.prom.tmp /var/lib/node_exporter/buddy.prom
)",
               {{"--prometheus", false}}});
}

}  // namespace buddyctl::cli
