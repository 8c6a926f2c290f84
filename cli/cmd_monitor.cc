// SPDX-License-Identifier: GPL-2.0
// stats, latency, frag, reset, info: one-shot reads of buddy_monitor.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "buddyctl/json.h"
#include "buddyctl/status_macros.h"
#include "cli.h"
#include "format.h"
#include "uapi/buddyctl.h"

namespace buddyctl::cli {
namespace {

absl::StatusOr<std::optional<uint32_t>> OrderFlag(const Args& a) {
  auto v = a.Get("--order");
  if (!v) return std::optional<uint32_t>();
  BUDDYCTL_ASSIGN_OR_RETURN(uint32_t o, ParseUint(*v, 0, kMaxOrder, "order"));
  return std::optional<uint32_t>(o);
}

absl::Status Stats(Context& ctx, const Args& a) {
  BUDDYCTL_ASSIGN_OR_RETURN(std::optional<uint32_t> order, OrderFlag(a));
  BUDDYCTL_ASSIGN_OR_RETURN(Monitor mon, ctx.OpenMonitor());
  BUDDYCTL_ASSIGN_OR_RETURN(buddyctl::Stats s, mon.GetStats(order));
  if (a.Has("--json")) {
    *ctx.out << DumpJson(nlohmann::json(s)) << "\n";
    return absl::OkStatus();
  }
  BUDDYCTL_ASSIGN_OR_RETURN(std::vector<ZoneFrag> zones, mon.GetFrag());
  PrintStatsTable(*ctx.out, s, zones);
  return absl::OkStatus();
}

absl::Status Frag(Context& ctx, const Args& a) {
  BUDDYCTL_ASSIGN_OR_RETURN(Monitor mon, ctx.OpenMonitor());
  BUDDYCTL_ASSIGN_OR_RETURN(std::vector<ZoneFrag> zones, mon.GetFrag(a.Has("--full")));
  if (a.Has("--json")) {
    *ctx.out << DumpJson(nlohmann::json{{"zones", zones}}) << "\n";
    return absl::OkStatus();
  }
  PrintFrag(*ctx.out, zones);
  return absl::OkStatus();
}

absl::Status Latency(Context& ctx, const Args& a) {
  BUDDYCTL_ASSIGN_OR_RETURN(std::optional<uint32_t> order, OrderFlag(a));
  BUDDYCTL_ASSIGN_OR_RETURN(Monitor mon, ctx.OpenMonitor());
  BUDDYCTL_ASSIGN_OR_RETURN(std::vector<LatencyHistogram> hist, mon.GetLatency(order));
  BUDDYCTL_ASSIGN_OR_RETURN(Config c, mon.GetConfig());
  const uint64_t capture_ns = hist.empty() ? 0 : hist.front().capture_ns;
  if (a.Has("--json")) {
    *ctx.out << DumpJson(nlohmann::json{{"orders", hist},
                                        {"capture_ns", capture_ns},
                                        {"latency_duty_pct", c.latency_duty_pct}})
             << "\n";
    return absl::OkStatus();
  }
  // Below a full duty the counts cover part of the time only: say which.
  if (c.latency_duty_pct < BUDDY_LAT_DUTY_MAX_PCT) {
    BUDDYCTL_ASSIGN_OR_RETURN(buddyctl::Stats s, mon.GetStats(0));
    const uint64_t since_reset_ns = s.now_ns > s.reset_time_ns ? s.now_ns - s.reset_time_ns : 0;
    *ctx.out << absl::StrFormat("sampled: %u %% duty, hook on %.1f s of %.1f s since reset\n",
                                c.latency_duty_pct, static_cast<double>(capture_ns) / 1e9,
                                static_cast<double>(since_reset_ns) / 1e9);
  }
  bool any = false;
  for (const LatencyHistogram& h : hist) {
    if (h.Count() == 0 && !order) continue;
    PrintLatency(*ctx.out, h);
    any = any || h.Count() > 0;
  }
  if (!any) {
    *ctx.out << (c.latency ? "no allocations timed yet\n"
                           : "no latency samples: latency capture is off (turn it on with: "
                             "buddyctl latency-mode on)\n");
  }
  return absl::OkStatus();
}

absl::Status Reset(Context& ctx, const Args& /*a*/) {
  BUDDYCTL_ASSIGN_OR_RETURN(Monitor mon, ctx.OpenMonitor());
  BUDDYCTL_RETURN_IF_ERROR(mon.Reset());
  *ctx.out << "counters and histograms reset\n";
  return absl::OkStatus();
}

absl::Status Info(Context& ctx, const Args& a) {
  BUDDYCTL_ASSIGN_OR_RETURN(Monitor mon, ctx.OpenMonitor());
  BUDDYCTL_ASSIGN_OR_RETURN(MonitorInfo info, mon.Info());
  if (a.Has("--json")) {
    *ctx.out << DumpJson(nlohmann::json(info)) << "\n";
    return absl::OkStatus();
  }
  *ctx.out << "buddy_monitor ABI version " << info.abi_version << ", kernel " << info.kernel_release
           << ", " << info.nr_orders << " orders\n";
  *ctx.out << "cost of observing: longest zone lock hold " << info.max_lock_hold_ns
           << " ns (interrupts off), " << info.lock_hold_total_ns
           << " ns in all; longest memmap scan " << info.max_scan_ns << " ns\n";
  PrintConfig(*ctx.out, info.config);
  return absl::OkStatus();
}

}  // namespace

void AddMonitorCommands(std::vector<Command>& t) {
  t.push_back({"stats",
               Stats,
               "per-order allocation counters (requests, slow path, compaction)",
               "buddyctl stats [--order N] [--json]",
               R"(Counts every __alloc_pages call by order since the last reset (per-CPU
counters in buddy_monitor.ko, summed on read). Columns:
  req/success/fail   calls, and how they ended (req == success + fail)
  slowpath           calls that entered __alloc_pages_slowpath
  compact            direct compactions, split by priority (sync_full,
                     sync_light, async), deferrals and successes
  raises             compactions whose priority the tuner raised
  unusable_pct       unusable free space index of the order, all zones (%)

options:
  --order N   only order N (0..)" BUDDYCTL_STR(BUDDY_ORDER_MAX) R"()
  --json      {"orders": [{"order": 0, "requests": N, "successes": N,
              "failures": N, "slowpath": N, ...}], "fallbacks": [...], ...}

examples:
  buddyctl stats
  buddyctl stats --order 9
  buddyctl stats --json | jq '.orders[] | select(.order >= 9)'
)",
               {{"--order", true}, {"--json", false}}});
  t.push_back({"latency",
               Latency,
               "allocation latency per order: percentiles and a histogram",
               "buddyctl latency [--order N] [--json]",
               R"(Time spent in each __alloc_pages call, as log2 histograms of nanoseconds per
order, split fast path / slow path. Percentiles are interpolated inside a
histogram bucket (accurate to a factor of 2, clamped to the exact maximum).
A call during which the task was preempted, or slept outside the slow path,
is counted as not timed (the "not timed" count) instead of timed.
Capture is off by default (it costs more than counting):
  buddyctl latency-mode on
With a duty below 100 % (latency-mode on --duty PCT) the histograms are
sampled in time: a first line says the duty and how long the hook was on
since the reset, the time the counts were taken in.

options:
  --order N   only order N (0..)" BUDDYCTL_STR(BUDDY_ORDER_MAX) R"()
  --json      every histogram with p50_ns/p90_ns/p99_ns/max_ns/mean_ns;
              "capture_ns" (hook on since the reset), "latency_duty_pct"

examples:
  sudo buddyctl latency-mode on && sleep 10 && buddyctl latency --order 9
)",
               {{"--order", true}, {"--json", false}}});
  t.push_back({"frag",
               Frag,
               "fragmentation per zone: free blocks, indices, 4 MiB feasibility",
               "buddyctl frag [--full] [--json]",
               R"(For every populated zone: free blocks per order and migratetype, the
unusable free space index and the fragmentation index per order (exactly as
debugfs extfrag/ prints them), the proactive-compaction score, and the 4 MiB
feasibility: order-10 blocks free now, and order-10-aligned blocks that hold
only free or movable pages (the most any compaction could produce).

That last figure reads every struct page in use. A read scans at most 8192
blocks (32 GiB) per zone and keeps each block's verdict, so on a larger
zone the figure is assembled over several reads and is printed with the
age of its oldest part.

options:
  --full   scan every block now (CAP_SYS_ADMIN or CAP_PERFMON)
  --json   {"zones": [{"node": 0, "zone": "Normal", "free_blocks": [...],
           "unusable_index_x1000": [...], "blocks_recoverable": N,
           "limit_age_ns": N, "limit_scanned_blocks": N, ...}]}

examples:
  buddyctl frag
  sudo buddyctl frag --full --json | jq '[.zones[].blocks_recoverable] | add'
)",
               {{"--full", false}, {"--json", false}}});
  t.push_back({"reset",
               Reset,
               "zero every counter and histogram (root)",
               "buddyctl reset",
               "Zeroes buddy_monitor's counters and latency histograms. Needs CAP_SYS_ADMIN.\n\n"
               "example:\n  sudo buddyctl reset && run-workload && buddyctl stats\n",
               {}});
  t.push_back({"info",
               Info,
               "module version, kernel release, configuration and the cost of observing",
               "buddyctl info [--json]",
               "",
               {{"--json", false}}});
}

}  // namespace buddyctl::cli
