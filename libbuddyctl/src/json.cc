// SPDX-License-Identifier: GPL-2.0
#include "buddyctl/json.h"

#include "absl/strings/str_cat.h"
#include "reply_fields.h"

namespace buddyctl {
namespace {

using nlohmann::json;

template <size_t N, typename NameFn>
json Named(const std::array<uint64_t, N>& values, NameFn name) {
  json j = json::object();
  for (size_t i = 0; i < N; ++i) j[absl::StrCat(name(static_cast<int>(i)))] = values[i];
  return j;
}

json PathJson(const LatencyHistogram& h, LatencyHistogram::Path path) {
  return json{{"count", h.Count(path)},           {"p50_ns", h.Percentile(50, path)},
              {"p90_ns", h.Percentile(90, path)}, {"p99_ns", h.Percentile(99, path)},
              {"max_ns", h.MaxNs(path)},          {"mean_ns", h.MeanNs(path)}};
}

}  // namespace

void to_json(json& j, const OrderStats& s) { OrderStatsFields().ToJson(j, s); }

void to_json(json& j, const Fallback& f) { FallbackFields().ToJson(j, f); }

void to_json(json& j, const Stats& s) {
  j = json{{"orders", s.orders}, {"fallbacks", s.fallbacks}};
  StatsFields().ToJson(j, s);
}

void to_json(json& j, const LatencyHistogram& h) {
  using Path = LatencyHistogram::Path;
  j = PathJson(h, Path::kAll);
  j["order"] = h.order;
  j["missed"] = h.missed;
  j["capture_ns"] = h.capture_ns;
  json fast = PathJson(h, Path::kFast);
  fast["sum_ns"] = h.fast_sum_ns;
  fast["buckets"] = h.fast;
  json slow = PathJson(h, Path::kSlow);
  slow["sum_ns"] = h.slow_sum_ns;
  slow["buckets"] = h.slow;
  j["fast"] = std::move(fast);
  j["slow"] = std::move(slow);
}

void to_json(json& j, const ZoneFrag& z) {
  json blocks = json::array();
  for (size_t o = 0; o < kNrOrders; ++o) {
    json b = Named(z.free_blocks[o], MigratetypeName);
    b["order"] = o;
    blocks.push_back(std::move(b));
  }
  j = json{{"free_blocks", std::move(blocks)}};
  ZoneFragFields().ToJson(j, z);
}

void to_json(json& j, const Config& c) { ConfigFields().ToJson(j, c); }

void to_json(json& j, const MonitorInfo& i) {
  j = json{{"config", i.config}};
  MonitorInfoFields().ToJson(j, i);
}

void to_json(json& j, const TunerOrderStats& s) { TunerOrderStatsFields().ToJson(j, s); }

void to_json(json& j, const BackgroundStats& b) { BackgroundStatsFields().ToJson(j, b); }

void to_json(json& j, const EvacuatorStats& e) { EvacuatorStatsFields().ToJson(j, e); }

void to_json(json& j, const ReserveStats& r) { ReserveStatsFields().ToJson(j, r); }

void to_json(json& j, const TunerStats& s) {
  j = json{{"orders", s.orders},
           {"background", s.background},
           {"evacuator", s.evacuator},
           {"reserve", s.reserve}};
}

void to_json(json& j, const Event& e) {
  j = json{{"type", EventTypeName(static_cast<EventType>(e.type))}, {"time_ns", e.time_ns}};
  if (e.order) j["order"] = *e.order;
  if (e.gfp) j["gfp"] = *e.gfp;
  if (e.migratetype) j["migratetype"] = MigratetypeName(static_cast<int>(*e.migratetype));
  if (e.prio) j["prio"] = PrioName(static_cast<int>(*e.prio));
  if (e.orig_prio) j["orig_prio"] = PrioName(static_cast<int>(*e.orig_prio));
  if (e.result) j["result"] = CompactResultName(static_cast<int>(*e.result));
  if (e.unusable_pct) j["unusable_pct"] = *e.unusable_pct;
  if (e.cpu) j["cpu"] = *e.cpu;
  if (e.pid) j["pid"] = *e.pid;
  if (e.comm) j["comm"] = *e.comm;
  if (e.dropped) j["dropped"] = *e.dropped;
}

void to_json(json& j, const HotRunParams& p) {
  j = json{{"order", p.order},
           {"count", p.count},
           {"gfp", HotGfpName(p.gfp)},
           {"hold_until_fail", p.hold_until_fail},
           {"pause_us", p.pause_us}};
}

void to_json(json& j, const HotStatus& s) {
  j = json{{"state", HotStateName(s.state)},
           {"order", s.order},
           {"count", s.count},
           {"gfp", HotGfpName(s.gfp)},
           {"hold_until_fail", s.hold_until_fail},
           {"pause_us", s.pause_us},
           {"attempts_done", s.attempts_done},
           {"successes", s.successes},
           {"held", s.held},
           {"elapsed_ns", s.elapsed_ns},
           {"stop_reason", HotStopReasonName(s.stop_reason)},
           {"gfp_flags", s.gfp_flags},
           {"min_free_pages", s.min_free_pages}};
}

void to_json(json& j, const HotAttempt& a) {
  j = json{{"index", a.index}, {"ok", a.ok}, {"latency_ns", a.latency_ns}};
  if (a.pfn) j["pfn"] = *a.pfn;
}

void to_json(json& j, const HotSummary& s) {
  j = json{{"attempts", s.attempts},
           {"successes", s.successes},
           {"p50_ns", s.p50_ns},
           {"p99_ns", s.p99_ns},
           {"max_ns", s.max_ns},
           {"first_success_ns", s.first_success_ns ? json(*s.first_success_ns) : json(nullptr)},
           {"time_to_first_success_ns",
            s.time_to_first_success_ns ? json(*s.time_to_first_success_ns) : json(nullptr)}};
}

void to_json(json& j, const FragPinParams& p) {
  j = json{{"pin_percent", p.pin_percent}, {"sweep_percent", p.sweep_percent}, {"seed", p.seed}};
}

void to_json(json& j, const FragStatus& s) {
  j = json{{"pinned_pages", s.pinned_pages},     {"pinned_blocks", s.pinned_blocks},
           {"touched_blocks", s.touched_blocks}, {"sweep_target", s.sweep_target},
           {"swept_pages", s.swept_pages},       {"sweep_stop", FragSweepStopName(s.sweep_stop)}};
}

}  // namespace buddyctl
