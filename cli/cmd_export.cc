// SPDX-License-Identifier: GPL-2.0
// export --prometheus: one exposition, for node_exporter's textfile collector.
#include "buddyctl/exporter.h"
#include "buddyctl/prometheus.h"
#include "cli.h"

namespace buddyctl::cli {
namespace {

absl::StatusOr<MonitorSnapshot> Read(Context& ctx) {
  auto mon = ctx.OpenMonitor();
  if (!mon.ok()) return mon.status();
  return ReadSnapshot(*mon, true, ctx.now);
}

absl::Status Export(Context& ctx, const Args& a) {
  if (!a.Has("--prometheus")) return UsageError("choose a format: --prometheus");
  auto snap = Read(ctx);
  // Without the module the exposition still says so (buddyctl_up 0), so a
  // collector that publishes it whatever the exit status shows the outage.
  *ctx.out << FormatPrometheus(snap.ok() ? &*snap : nullptr, nullptr);
  return snap.status();
}

}  // namespace

void AddExportCommands(std::vector<Command>& t) {
  t.push_back({"export",
               Export,
               "print every figure once in Prometheus text format",
               "buddyctl export --prometheus",
               R"(Prints the families `buddyctl exporter` serves, once, for node_exporter's
textfile collector: buddyctl_up, buddyctl_build_info, the counters per
order (buddyctl_alloc_*_total, buddyctl_compact_*_total with labels order,
priority, result, migratetype), the fragmentation figures per node and
zone (buddyctl_zone_*, including buddyctl_zone_order10_blocks: the physical
limit of 4 MiB blocks), the tuner's, the background trigger's and the
evacuate policy's counters, the configuration (buddyctl_tuner_threshold_ratio
and others) and buddyctl_monitor_reset_timestamp_seconds. While latency
capture is on, or data from an earlier capture remains, the latency
histograms buddyctl_alloc_latency_seconds{order,path="fast"|"slow"}.

When the module is not loaded it prints buddyctl_up 0, says why on stderr
and exits 1.

example (cron or a systemd timer; Debian's node exporter reads *.prom in
/var/lib/prometheus/node-exporter; write a temporary name there, then rename
it, so the collector never reads a half-written file):
  d=/var/lib/prometheus/node-exporter
  buddyctl export --prometheus > $d/buddyctl.prom.tmp; mv $d/buddyctl.prom.tmp $d/buddyctl.prom
)",
               {{"--prometheus", false}}});
}

}  // namespace buddyctl::cli
