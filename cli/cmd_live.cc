// SPDX-License-Identifier: GPL-2.0
// watch, events, record: commands that follow the allocator over time.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "buddyctl/json.h"
#include "buddyctl/status_macros.h"
#include "cli.h"
#include "format.h"

namespace buddyctl::cli {
namespace {

// Sleeps until `deadline` in short steps; false if interrupted.
bool SleepUntil(Context& ctx, absl::Time deadline) {
  for (;;) {
    if (ctx.interrupted()) return false;
    const absl::Duration left = deadline - ctx.now();
    if (left <= absl::ZeroDuration()) return true;
    ctx.sleep(std::min(left, absl::Milliseconds(100)));
  }
}

double Rate(uint64_t now, uint64_t before, double secs) {
  if (secs <= 0 || now < before) return 0;
  return static_cast<double>(now - before) / secs;
}

void RenderWatch(Context& ctx, const Stats& s, const Stats* prev,
                 const std::vector<ZoneFrag>& zones, absl::Duration interval, int frame) {
  std::ostream& out = *ctx.out;
  if (ctx.interactive) out << "\033[H\033[2J";
  const double secs = prev != nullptr && s.now_ns > prev->now_ns
                          ? static_cast<double>(s.now_ns - prev->now_ns) / 1e9
                          : 0.0;
  out << absl::StrFormat("buddyctl watch: every %s, frame %d%s\n", absl::FormatDuration(interval),
                         frame, ctx.interactive ? " (Ctrl-C to quit)" : "");
  std::array<uint64_t, kNrOrders> free_blocks{};
  for (const ZoneFrag& z : zones) {
    for (size_t o = 0; o < kNrOrders; ++o) free_blocks[o] += z.nr_free[o];
  }
  out << absl::StrFormat("%5s %11s %10s %11s %10s %10s %11s %12s\n", "order", "req/s", "fail/s",
                         "slowpath/s", "compact/s", "raises/s", "free_blocks", "unusable_pct");
  for (const OrderStats& o : s.orders) {
    const OrderStats* p = nullptr;
    if (prev != nullptr) {
      for (const OrderStats& q : prev->orders) {
        if (q.order == o.order) p = &q;
      }
    }
    auto rate = [&](uint64_t OrderStats::*f) {
      return p == nullptr ? 0.0 : Rate(o.*f, p->*f, secs);
    };
    const size_t oi = o.order < kNrOrders ? o.order : 0;
    out << absl::StrFormat("%5u %11.1f %10.1f %11.1f %10.1f %10.1f %11u %12.1f\n", o.order,
                           rate(&OrderStats::requests), rate(&OrderStats::failures),
                           rate(&OrderStats::slowpath), rate(&OrderStats::compact_attempts),
                           rate(&OrderStats::raises), free_blocks[oi],
                           UnusablePercent(zones, static_cast<int>(o.order)));
  }
  uint64_t bfree = 0;
  uint64_t brec = 0;
  uint64_t btotal = 0;
  std::map<uint32_t, uint32_t> node_score;
  for (const ZoneFrag& z : zones) {
    bfree += z.blocks_free;
    brec += z.blocks_recoverable;
    btotal += z.blocks_total;
    node_score[z.node] = z.node_proactive_score;
  }
  out << absl::StrFormat("4 MiB blocks: %u free, %u recoverable of %u;", bfree, brec, btotal);
  for (auto [node, score] : node_score) out << absl::StrFormat(" node %u score %u", node, score);
  out << "\n";
  if (prev == nullptr) out << "(rates appear from the second frame)\n";
  out.flush();
}

absl::Status Watch(Context& ctx, const Args& a) {
  absl::Duration interval = absl::Seconds(1);
  if (auto v = a.Get("--interval")) {
    BUDDYCTL_ASSIGN_OR_RETURN(interval, ParseDurationArg(*v, "interval"));
  }
  uint32_t count = 0;  // 0: until interrupted
  if (auto v = a.Get("--count")) {
    BUDDYCTL_ASSIGN_OR_RETURN(count, ParseUint(*v, 1, 1000000, "count"));
  }
  BUDDYCTL_ASSIGN_OR_RETURN(Monitor mon, ctx.OpenMonitor());
  std::optional<Stats> prev;
  absl::Time next = ctx.now();
  for (uint32_t frame = 1; count == 0 || frame <= count; ++frame) {
    BUDDYCTL_ASSIGN_OR_RETURN(Stats s, mon.GetStats());
    BUDDYCTL_ASSIGN_OR_RETURN(std::vector<ZoneFrag> zones, mon.GetFrag());
    RenderWatch(ctx, s, prev ? &*prev : nullptr, zones, interval, static_cast<int>(frame));
    prev = std::move(s);
    if (count != 0 && frame == count) break;
    next += interval;
    if (!SleepUntil(ctx, next)) break;
  }
  return absl::OkStatus();
}

std::string EventLine(const Event& e) {
  std::string line = absl::StrFormat("[%.6f] %s", static_cast<double>(e.time_ns) / 1e9,
                                     EventTypeName(static_cast<EventType>(e.type)));
  if (e.order) absl::StrAppend(&line, " order=", *e.order);
  if (e.gfp) absl::StrAppend(&line, absl::StrFormat(" gfp=%#x", *e.gfp));
  if (e.migratetype) {
    absl::StrAppend(&line, " mt=", MigratetypeName(static_cast<int>(*e.migratetype)));
  }
  if (e.orig_prio) absl::StrAppend(&line, " orig_prio=", PrioName(static_cast<int>(*e.orig_prio)));
  if (e.prio) absl::StrAppend(&line, " prio=", PrioName(static_cast<int>(*e.prio)));
  if (e.result) absl::StrAppend(&line, " result=", CompactResultName(static_cast<int>(*e.result)));
  if (e.unusable_pct) absl::StrAppend(&line, " unusable=", *e.unusable_pct, "%");
  if (e.cpu) absl::StrAppend(&line, " cpu=", *e.cpu);
  if (e.pid) absl::StrAppend(&line, " pid=", *e.pid);
  if (e.comm) absl::StrAppend(&line, " comm=", ValidUtf8(*e.comm));
  if (e.dropped) absl::StrAppend(&line, " dropped=", *e.dropped);
  return line;
}

absl::Status Events(Context& ctx, const Args& a) {
  uint32_t count = 0;
  if (auto v = a.Get("--count")) {
    BUDDYCTL_ASSIGN_OR_RETURN(count, ParseUint(*v, 1, 100000000, "count"));
  }
  std::optional<absl::Time> deadline;
  if (auto v = a.Get("--timeout")) {
    BUDDYCTL_ASSIGN_OR_RETURN(absl::Duration d, ParseDurationArg(*v, "timeout"));
    deadline = ctx.now() + d;
  }
  const bool json = a.Has("--json");
  BUDDYCTL_ASSIGN_OR_RETURN(Monitor mon, ctx.OpenMonitor());
  BUDDYCTL_ASSIGN_OR_RETURN(EventStream stream, mon.Subscribe());
  uint32_t seen = 0;
  while (!ctx.interrupted() && (count == 0 || seen < count)) {
    absl::Duration wait = absl::Milliseconds(200);
    if (deadline) {
      const absl::Duration left = *deadline - ctx.now();
      if (left <= absl::ZeroDuration()) break;
      wait = std::min(wait, left);
    }
    BUDDYCTL_ASSIGN_OR_RETURN(std::optional<Event> e, stream.Next(wait));
    if (!e) continue;
    ++seen;
    if (json) {
      *ctx.out << DumpJson(nlohmann::json(*e)) << "\n";
    } else {
      *ctx.out << EventLine(*e) << "\n";
    }
    ctx.out->flush();
  }
  *ctx.err << "buddyctl events: " << seen << " events";
  if (stream.overruns() > 0) {
    *ctx.err << ", " << stream.overruns() << " socket overruns (events lost)";
  }
  *ctx.err << "\n";
  return absl::OkStatus();
}

absl::StatusOr<nlohmann::json> Sample(Monitor& mon, absl::Time now, absl::Time start, int index) {
  BUDDYCTL_ASSIGN_OR_RETURN(Stats s, mon.GetStats());
  BUDDYCTL_ASSIGN_OR_RETURN(std::vector<ZoneFrag> zones, mon.GetFrag());
  BUDDYCTL_ASSIGN_OR_RETURN(TunerStats tuner, mon.GetTunerStats());
  BUDDYCTL_ASSIGN_OR_RETURN(std::vector<LatencyHistogram> lat, mon.GetLatency());
  BUDDYCTL_ASSIGN_OR_RETURN(Config config, mon.GetConfig());
  return nlohmann::json{{"timestamp", absl::ToDoubleSeconds(now - absl::UnixEpoch())},
                        {"elapsed_s", absl::ToDoubleSeconds(now - start)},
                        {"sample", index},
                        {"stats", s},
                        {"frag", zones},
                        {"tuner", tuner},
                        {"latency", lat},
                        {"config", config}};
}

absl::Status Record(Context& ctx, const Args& a) {
  absl::Duration interval = absl::Seconds(1);
  absl::Duration duration = absl::Seconds(60);
  if (auto v = a.Get("--interval")) {
    BUDDYCTL_ASSIGN_OR_RETURN(interval, ParseDurationArg(*v, "interval"));
  }
  if (auto v = a.Get("--duration")) {
    BUDDYCTL_ASSIGN_OR_RETURN(duration, ParseDurationArg(*v, "duration"));
  }
  auto path = a.Get("--output");
  if (!path || path->empty()) return UsageError("missing -o FILE (use -o - for stdout)");
  absl::Duration rem;
  const int samples = static_cast<int>(absl::IDivDuration(duration, interval, &rem)) + 1;

  BUDDYCTL_ASSIGN_OR_RETURN(Monitor mon, ctx.OpenMonitor());
  std::ofstream file;
  std::ostream* out = ctx.out;
  if (*path != "-") {
    file.open(*path, std::ios::out | std::ios::trunc);
    if (!file) {
      return absl::PermissionDeniedError(
          absl::StrCat("cannot write ", *path, ": ", std::strerror(errno)));  // NOLINT
    }
    out = &file;
  }
  const absl::Time start = ctx.now();
  int written = 0;
  for (int i = 0; i < samples; ++i) {
    if (i > 0 && !SleepUntil(ctx, start + interval * i)) break;
    BUDDYCTL_ASSIGN_OR_RETURN(nlohmann::json j, Sample(mon, ctx.now(), start, i));
    *out << DumpJson(j) << "\n";
    out->flush();
    if (!*out) return absl::DataLossError(absl::StrCat("writing ", *path, " failed"));
    ++written;
    *ctx.err << absl::StrFormat("%srecord: sample %d/%d -> %s%s", ctx.interactive ? "\r" : "",
                                written, samples, *path, ctx.interactive ? "" : "\n");
    ctx.err->flush();
  }
  if (ctx.interactive) *ctx.err << "\n";
  if (written < samples) {
    *ctx.err << "record: interrupted after " << written << " of " << samples << " samples\n";
  }
  return absl::OkStatus();
}

}  // namespace

void AddLiveCommands(std::vector<Command>& t) {
  t.push_back({"watch",
               Watch,
               "live view: per-order rates, free blocks, fragmentation",
               "buddyctl watch [--interval 1s] [--count N]",
               R"(Redraws every interval: per order, requests, failures, slow-path entries,
compactions and tuner raises per second, free blocks (all zones) and
fragmentation (unusable free space index, %); then the 4 MiB blocks free
and recoverable and each node's proactive-compaction score. Ctrl-C quits.
When stdout is not a terminal, frames are printed one after another.

options:
  --interval D   refresh period (1s, 500ms, 2m; bare number = seconds)
  --count N      stop after N frames

examples:
  buddyctl watch
  buddyctl watch --interval 500ms
  buddyctl watch --count 3 > frames.txt
)",
               {{"--interval", true}, {"--count", true}}});
  t.push_back({"events",
               Events,
               "follow the monitor's event stream (failures, compactions, tuner)",
               "buddyctl events [--json] [--count N] [--timeout D]",
               R"(Prints events multicast by buddy_monitor as they happen: allocation
failures (order, GFP flags, migratetype), direct compaction outcomes
(priority, result), tuner decisions and background triggers. The kernel
rate-limits events; `dropped=` counts what it dropped so far.

options:
  --json        one JSON object per line
  --count N     stop after N events
  --timeout D   stop after D (e.g. 30s); default: until Ctrl-C

examples:
  buddyctl events
  buddyctl events --json --count 100 > ev.jsonl
)",
               {{"--json", false}, {"--count", true}, {"--timeout", true}}});
  t.push_back({"record",
               Record,
               "record a time series of stats and fragmentation as JSON lines",
               "buddyctl record [--interval 1s] [--duration 60s] -o FILE",
               R"(Takes a sample at start and then every interval until the duration has
passed (duration/interval + 1 samples) and writes one JSON object per line:
  {"timestamp": <unix seconds>, "elapsed_s": .., "sample": i,
   "stats": {...as stats --json}, "frag": [...zones as frag --json],
   "tuner": {...as tuner-stats --json}, "latency": [...as latency --json],
   "config": {...as policy --json: the tuner's policy, threshold, min_order,
              background and latency settings at this sample}}
`buddyctl report` marks where the policy, threshold or minimum order changed.
Progress goes to stderr. Ctrl-C stops early; the samples so far are kept.

options:
  --interval D       sample period (default 1s)
  --duration D       how long to record (default 60s)
  -o, --output FILE  where to write (- for stdout)

example:
  buddyctl record --interval 1s --duration 60s -o run.jsonl
)",
               {{"--interval", true}, {"--duration", true}, {"--output", true, "-o"}}});
}

}  // namespace buddyctl::cli
