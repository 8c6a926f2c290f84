// SPDX-License-Identifier: GPL-2.0
// policy, set-threshold, set-min-order, background, latency-mode, reserve,
// tuner-stats: the tuner's controls and counters. Arguments are parsed into
// numbers here; libbuddyctl checks them against the uapi limits before
// anything is sent, and the kernel checks what arrives.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "buddyctl/json.h"
#include "buddyctl/status_macros.h"
#include "cli.h"
#include "format.h"
#include "uapi/buddyctl.h"

namespace buddyctl::cli {
namespace {

absl::Status Apply(Context& ctx, const ConfigUpdate& u, bool json) {
  BUDDYCTL_RETURN_IF_ERROR(RefusedValue(u.Validate()));
  BUDDYCTL_ASSIGN_OR_RETURN(Monitor mon, ctx.OpenMonitor());
  BUDDYCTL_ASSIGN_OR_RETURN(Config c, mon.SetConfig(u));
  if (json) {
    *ctx.out << DumpJson(nlohmann::json(c)) << "\n";
  } else {
    PrintConfig(*ctx.out, c);
  }
  return absl::OkStatus();
}

absl::Status PolicyCmd(Context& ctx, const Args& a) {
  if (a.positional().empty()) {
    BUDDYCTL_ASSIGN_OR_RETURN(Monitor mon, ctx.OpenMonitor());
    BUDDYCTL_ASSIGN_OR_RETURN(Config c, mon.GetConfig());
    if (a.Has("--json")) {
      *ctx.out << DumpJson(nlohmann::json(c)) << "\n";
    } else {
      PrintConfig(*ctx.out, c);
    }
    return absl::OkStatus();
  }
  auto p = ParsePolicy(a.positional()[0]);
  if (!p.ok()) return BadValue(p.status().message());
  ConfigUpdate u;
  u.policy = *p;
  return Apply(ctx, u, a.Has("--json"));
}

absl::Status SetThreshold(Context& ctx, const Args& a) {
  BUDDYCTL_ASSIGN_OR_RETURN(uint32_t v, ParseUint(a.positional()[0], "threshold"));
  ConfigUpdate u;
  u.threshold = v;
  return Apply(ctx, u, a.Has("--json"));
}

absl::Status SetMinOrder(Context& ctx, const Args& a) {
  BUDDYCTL_ASSIGN_OR_RETURN(uint32_t v, ParseUint(a.positional()[0], "min order"));
  ConfigUpdate u;
  u.min_order = v;
  return Apply(ctx, u, a.Has("--json"));
}

absl::Status Background(Context& ctx, const Args& a) {
  ConfigUpdate u;
  BUDDYCTL_ASSIGN_OR_RETURN(bool on, ParseOnOff(a.positional()[0], "background switch"));
  u.bg_enabled = on;
  BUDDYCTL_RETURN_IF_ERROR(ParseUintFlag(a, "--order", "order", u.bg_order));
  BUDDYCTL_RETURN_IF_ERROR(ParseUintFlag(a, "--interval-ms", "interval", u.bg_interval_ms));
  return Apply(ctx, u, a.Has("--json"));
}

absl::Status LatencyMode(Context& ctx, const Args& a) {
  ConfigUpdate u;
  BUDDYCTL_ASSIGN_OR_RETURN(bool on, ParseOnOff(a.positional()[0], "latency mode"));
  u.latency = on;
  BUDDYCTL_RETURN_IF_ERROR(ParseUintFlag(a, "--duty", "latency duty", u.latency_duty_pct));
  return Apply(ctx, u, a.Has("--json"));
}

// The reserve's configuration and counters, in text or as
// {"config": {...}, "reserve": {...}}.
absl::Status ShowReserve(Context& ctx, Monitor& mon, const Config& c, bool json) {
  BUDDYCTL_ASSIGN_OR_RETURN(TunerStats t, mon.GetTunerStats());
  if (json) {
    *ctx.out << DumpJson(nlohmann::json{{"config", c}, {"reserve", t.reserve}}) << "\n";
  } else {
    PrintReserve(*ctx.out, c, t.reserve);
  }
  return absl::OkStatus();
}

absl::Status Reserve(Context& ctx, const Args& a) {
  const bool json = a.Has("--json");
  ConfigUpdate u;
  if (a.Has("--off")) {
    if (a.Has("--blocks") || a.Has("--order") || a.Has("--budget-ms")) {
      return UsageError("--off takes no --order, --blocks or --budget-ms");
    }
    u.reserve_blocks = 0;
  }
  BUDDYCTL_RETURN_IF_ERROR(ParseUintFlag(a, "--order", "reserve order", u.reserve_order));
  BUDDYCTL_RETURN_IF_ERROR(ParseUintFlag(a, "--blocks", "reserve block count", u.reserve_blocks));
  BUDDYCTL_RETURN_IF_ERROR(ParseUintFlag(a, "--budget-ms", "reserve budget", u.reserve_budget_ms));
  BUDDYCTL_RETURN_IF_ERROR(RefusedValue(u.Validate()));
  BUDDYCTL_ASSIGN_OR_RETURN(Monitor mon, ctx.OpenMonitor());
  if (u.empty()) {
    BUDDYCTL_ASSIGN_OR_RETURN(Config c, mon.GetConfig());
    return ShowReserve(ctx, mon, c, json);
  }
  // The cheap half of the size check, before sending: the kernel repeats
  // it with its own count of free pages and decides.
  std::optional<uint64_t> free_pages = ctx.free_pages ? ctx.free_pages() : std::nullopt;
  if (u.reserve_blocks.value_or(0) > 0 && free_pages) {
    uint32_t order = 0;
    if (u.reserve_order) {
      order = *u.reserve_order;
    } else {
      BUDDYCTL_ASSIGN_OR_RETURN(Config now, mon.GetConfig());
      order = now.reserve_order;
    }
    BUDDYCTL_RETURN_IF_ERROR(RefusedValue(CheckReserveFits(order, *u.reserve_blocks, *free_pages)));
  }
  BUDDYCTL_ASSIGN_OR_RETURN(Config c, mon.SetConfig(u));
  return ShowReserve(ctx, mon, c, json);
}

absl::Status TunerStatsCmd(Context& ctx, const Args& a) {
  BUDDYCTL_ASSIGN_OR_RETURN(Monitor mon, ctx.OpenMonitor());
  BUDDYCTL_ASSIGN_OR_RETURN(TunerStats t, mon.GetTunerStats());
  if (a.Has("--json")) {
    *ctx.out << DumpJson(nlohmann::json(t)) << "\n";
    return absl::OkStatus();
  }
  PrintTunerStats(*ctx.out, t);
  return absl::OkStatus();
}

// The policy names as the uapi header lists them, so a new policy shows up
// in the usage line without a second list here.
const std::string& PolicyUsage() {
  static const std::string usage = [] {
    constexpr const char* kNames[] = BUDDY_POLICY_NAMES;
    return absl::StrCat("buddyctl policy [", absl::StrJoin(kNames, "|"), "] [--json]");
  }();
  return usage;
}

}  // namespace

void AddTunerCommands(std::vector<Command>& t) {
  t.push_back({"policy",
               PolicyCmd,
               "show the tuner's configuration, or switch its policy (root)",
               PolicyUsage(),
               R"(The tuner decides the priority of every direct compaction of order >=
min_order, from the fragmentation of the requested order:
  off          the kernel's own priority, untouched
  observe      decide as adaptive would and count it, change nothing
  adaptive     fragmentation > threshold: compact at full priority now;
               otherwise keep the kernel's priority (defer)
  always-max   every eligible compaction at full priority (upper bound)
  evacuate     fragmentation > threshold: instead of compacting, empty the
               cheapest block of the requested order that holds only free
               and movable pages (alloc_contig_range moves its pages to any
               free page) and hand it to the request; if that fails, the
               kernel compacts at its own priority. Below the pageblock
               order (9 on x86-64) it leaves requests to the kernel.
Without an argument, prints the whole configuration. Switching needs root.

examples:
  buddyctl policy
  sudo buddyctl policy adaptive
  buddyctl policy --json
)",
               {{"--json", false}},
               0,
               1});
  t.push_back({"set-threshold",
               SetThreshold,
               "fragmentation threshold for the adaptive policy, 0.." BUDDYCTL_STR(
                   BUDDY_THRESHOLD_MAX) " percent (root)",
               "buddyctl set-threshold N [--json]",
               R"(Fragmentation (the unusable free space index of the requested order, in
percent) above which `adaptive` raises compaction to full priority.
0 behaves as always-max, 100 as off. Prints the resulting configuration.

example:
  sudo buddyctl set-threshold 80
)",
               {{"--json", false}},
               1,
               1});
  t.push_back({"set-min-order",
               SetMinOrder,
               "smallest order the tuner acts on, 0.." BUDDYCTL_STR(BUDDY_ORDER_MAX) " (root)",
               "buddyctl set-min-order N [--json]",
               "Direct compactions of smaller orders are left alone. Default 3\n"
               "(PAGE_ALLOC_COSTLY_ORDER).\n\nexample:\n  sudo buddyctl set-min-order 3\n",
               {{"--json", false}},
               1,
               1});
  t.push_back({"background",
               Background,
               "proactive compaction when fragmentation of a target order stays high (root)",
               "buddyctl background on|off [--order N] [--interval-ms N] [--json]",
               R"(When on, the tuner checks the fragmentation of the target order every
interval and, above the threshold, starts compaction (rate-limited), so the
next large request finds a free block instead of compacting itself.

options:
  --order N         target order, 0..)" BUDDYCTL_STR(BUDDY_ORDER_MAX) R"( (default )" BUDDYCTL_STR(BUDDY_ORDER_MAX) R"()
  --interval-ms N   check interval, )" BUDDYCTL_STR(BUDDY_BG_INTERVAL_MIN_MS) ".." BUDDYCTL_STR(
                   BUDDY_BG_INTERVAL_MAX_MS) R"( ms

examples:
  sudo buddyctl background on --order 10 --interval-ms 500
  sudo buddyctl background off
)",
               {{"--order", true}, {"--interval-ms", true}, {"--json", false}},
               1,
               1});
  t.push_back({"latency-mode",
               LatencyMode,
               "turn per-order latency capture on or off (root)",
               "buddyctl latency-mode on|off [--duty PCT] [--json]",
               R"(Latency capture times every __alloc_pages call; it costs more than counting,
so it is off by default. Read the histograms with `buddyctl latency`.

Most of that cost is the hook on the allocator's entry, paid by every
allocation while it is registered. With --duty below 100 the hook is
registered for PCT % of every )" BUDDYCTL_STR(BUDDY_LAT_DUTY_PERIOD_MS) R"( ms and removed for the rest: the
histograms sample the distribution in time, their counts scale with the
duty (`buddyctl latency` says how long the hook was on), and bursts
shorter than the off part of a period may be missed.

options:
  --duty PCT   )" BUDDYCTL_STR(BUDDY_LAT_DUTY_MIN_PCT) ".." BUDDYCTL_STR(
                   BUDDY_LAT_DUTY_MAX_PCT) R"( (default 100: always on); kept while capture
               is off, and a change starts a new period

examples:
  sudo buddyctl latency-mode on
  sudo buddyctl latency-mode on --duty 10
)",
               {{"--duty", true}, {"--json", false}},
               1,
               1});
  t.push_back(
      {"reserve",
       Reserve,
       "keep free blocks of an order ready, prepared in the background (root to change)",
       "buddyctl reserve [--order N --blocks N [--budget-ms N] | --off] [--json]",
       R"(A kernel worker keeps N free blocks of order K (a free block of order
K + j counting 2^j) by emptying the cheapest blocks that hold only free
and movable pages, as the evacuate policy does for one request, every
)" BUDDYCTL_STR(BUDDY_RESERVE_PERIOD_MS) R"( ms while the count is below the target. The blocks stay free
for anyone: an order-0 request that needs the memory still gets it. The
worker pauses while the system reclaims, while free memory is low, when
no block can be emptied, and when its time budget for the second is
spent. Below the pageblock order (9 on x86-64) it empties whole
pageblocks.
Without options, prints the reserve's settings and counters.

options:
  --order K       the order to keep free, 0..)" BUDDYCTL_STR(BUDDY_ORDER_MAX) R"(
  --blocks N      free blocks of order K to keep, 0 (off)..)" BUDDYCTL_STR(BUDDY_RESERVE_BLOCKS_MAX) R"(; refused
                  when N << K pages is more than half of the free memory
  --budget-ms N   worker time per second, )" BUDDYCTL_STR(
           BUDDY_RESERVE_BUDGET_MIN_MS) ".." BUDDYCTL_STR(BUDDY_RESERVE_BUDGET_MAX_MS) R"( ms
  --off           stop the worker (the same as --blocks 0)

examples:
  sudo buddyctl reserve --order 10 --blocks 8 --budget-ms 200
  buddyctl reserve --json
  sudo buddyctl reserve --off
)",
       {{"--order", true},
        {"--blocks", true},
        {"--budget-ms", true},
        {"--off", false},
        {"--json", false}}});
  t.push_back({"tuner-stats",
               TunerStatsCmd,
               "the tuner's decisions and their outcomes per order",
               "buddyctl tuner-stats [--json]",
               R"(Per order: eligible compactions seen (decisions), priorities raised,
kept (deferrals), what observe would have raised, and how raised and kept
compactions ended; then the background trigger's counters.

example:
  buddyctl tuner-stats --json | jq '.orders[10]'
)",
               {{"--json", false}}});
}

}  // namespace buddyctl::cli
