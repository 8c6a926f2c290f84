// SPDX-License-Identifier: GPL-2.0
#include "buddyctl/json.h"

#include "absl/strings/str_cat.h"

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

void to_json(json& j, const OrderStats& s) {
  j = json{{"order", s.order},
           {"requests", s.requests},
           {"successes", s.successes},
           {"failures", s.failures},
           {"slowpath", s.slowpath},
           {"compact_attempts", s.compact_attempts},
           {"compact_requests", s.compact_requests},
           {"compact_pages", s.compact_pages},
           {"compact_by_prio", Named(s.compact_by_prio, PrioName)},
           {"compact_by_result", Named(s.compact_by_result, CompactResultName)},
           {"compact_deferred", s.compact_deferred},
           {"adaptive", s.raises},
           {"requests_by_mt", Named(s.requests_by_mt, MigratetypeName)},
           {"failures_by_mt", Named(s.failures_by_mt, MigratetypeName)}};
}

void to_json(json& j, const Fallback& f) {
  j = json{{"alloc_order", f.alloc_order},
           {"fallback_order", f.fallback_order},
           {"alloc_mt", MigratetypeName(static_cast<int>(f.alloc_mt))},
           {"fallback_mt", MigratetypeName(static_cast<int>(f.fallback_mt))},
           {"fragmenting", f.fragmenting},
           {"count", f.count}};
}

void to_json(json& j, const Stats& s) {
  j = json{{"orders", s.orders},
           {"fallbacks", s.fallbacks},
           {"slowpath_missed", s.slowpath_missed},
           {"events_dropped", s.events_dropped},
           {"events_sent", s.events_sent},
           {"reset_time_ns", s.reset_time_ns},
           {"now_ns", s.now_ns}};
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
  j = json{{"node", z.node},
           {"zone_idx", z.zone_idx},
           {"zone", z.zone_name},
           {"managed_pages", z.managed_pages},
           {"present_pages", z.present_pages},
           {"free_pages", z.free_pages},
           {"start_pfn", z.start_pfn},
           {"spanned_pages", z.spanned_pages},
           {"free_blocks", std::move(blocks)},
           {"nr_free", z.nr_free},
           {"unusable_index_x1000", z.unusable_index},
           {"extfrag_index_x1000", z.extfrag_index},
           {"proactive_score", z.proactive_score},
           {"node_proactive_score", z.node_proactive_score},
           {"blocks_total", z.blocks_total},
           {"blocks_free", z.blocks_free},
           {"blocks_recoverable", z.blocks_recoverable},
           {"free_blocks_derived", z.free_blocks_derived},
           {"age_ns", z.age_ns},
           {"limit_age_ns", z.limit_age_ns},
           {"limit_scanned_blocks", z.limit_scanned_blocks}};
}

void to_json(json& j, const Config& c) {
  j = json{{"latency", c.latency},
           {"events_per_sec", c.events_per_sec},
           {"policy", PolicyName(c.policy)},
           {"threshold", c.threshold},
           {"min_order", c.min_order},
           {"bg_enabled", c.bg_enabled},
           {"bg_order", c.bg_order},
           {"bg_interval_ms", c.bg_interval_ms},
           {"reserve_order", c.reserve_order},
           {"reserve_blocks", c.reserve_blocks},
           {"reserve_budget_ms", c.reserve_budget_ms},
           {"latency_duty_pct", c.latency_duty_pct}};
}

void to_json(json& j, const MonitorInfo& i) {
  j = json{{"abi_version", i.abi_version},
           {"kernel_release", i.kernel_release},
           {"nr_orders", i.nr_orders},
           {"config", i.config},
           {"max_lock_hold_ns", i.max_lock_hold_ns},
           {"max_scan_ns", i.max_scan_ns}};
}

void to_json(json& j, const TunerOrderStats& s) {
  j = json{{"order", s.order},
           {"decisions", s.decisions},
           {"raises", s.raises},
           {"deferrals", s.deferrals},
           {"would_raise", s.would_raise},
           {"raised_result", Named(s.raised_result, CompactResultName)},
           {"kept_result", Named(s.kept_result, CompactResultName)},
           {"raised_success", s.raised_success},
           {"kept_success", s.kept_success}};
}

void to_json(json& j, const BackgroundStats& b) {
  j = json{{"checks", b.checks},
           {"triggers", b.triggers},
           {"ratelimited", b.ratelimited},
           {"blocks_gained", b.blocks_gained},
           {"last_frag_pct", b.last_unusable_pct}};
}

void to_json(json& j, const EvacuatorStats& e) {
  j = json{{"requests", e.requests},
           {"scans", e.scans},
           {"attempts", e.attempts},
           {"blocks", e.blocks},
           {"failures", e.failures},
           {"pages_moved", e.pages_moved},
           {"no_candidate", e.no_candidate},
           {"low_memory", e.low_memory},
           {"busy", e.busy},
           {"time_ns", e.time_ns}};
}

void to_json(json& j, const ReserveStats& r) {
  j = json{{"order", r.order},
           {"target", r.target},
           {"free_blocks", r.free_blocks},
           {"rounds", r.rounds},
           {"blocks", r.blocks},
           {"pages_moved", r.pages_moved},
           {"attempts", r.attempts},
           {"failures", r.failures},
           {"cpu_ns", r.cpu_ns},
           {"paused", Named(r.paused, ReservePauseName)}};
}

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
  if (e.unusable_pct) j["frag_pct"] = *e.unusable_pct;
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
