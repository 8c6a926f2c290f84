// SPDX-License-Identifier: GPL-2.0
#include "buddyctl/prometheus.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "buddyctl/version.h"
#include "uapi/buddyctl.h"

namespace buddyctl {
namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

std::string EscapeLabel(absl::string_view s) {
  std::string r;
  for (char c : s) {
    if (c == '\\' || c == '"') r.push_back('\\');
    if (c == '\n') {
      r += "\\n";
      continue;
    }
    r.push_back(c);
  }
  return r;
}

// Accumulates one metric family: HELP and TYPE once, then samples. In
// OpenMetrics a counter family is named without its "_total" suffix (the
// samples keep it).
class Family {
 public:
  Family(std::string* out, ExpositionFormat fmt, absl::string_view name, absl::string_view type,
         absl::string_view help)
      : out_(out), name_(name) {
    absl::string_view family = name;
    if (fmt == ExpositionFormat::kOpenMetrics && type == "counter") {
      absl::ConsumeSuffix(&family, "_total");
    }
    absl::StrAppend(out_, "# HELP ", family, " ", help, "\n# TYPE ", family, " ", type, "\n");
  }
  void Add(const Labels& labels, absl::string_view value) { AddSuffixed("", labels, value); }
  // A histogram's _bucket, _sum and _count samples.
  void AddSuffixed(absl::string_view suffix, const Labels& labels, absl::string_view value) {
    absl::StrAppend(out_, name_, suffix);
    if (!labels.empty()) {
      absl::StrAppend(out_, "{",
                      absl::StrJoin(labels, ",",
                                    [](std::string* o, const auto& kv) {
                                      absl::StrAppend(o, kv.first, "=\"", EscapeLabel(kv.second),
                                                      "\"");
                                    }),
                      "}");
    }
    absl::StrAppend(out_, " ", value, "\n");
  }
  void Add(const Labels& labels, uint64_t v) { Add(labels, absl::StrCat(v)); }
  void AddDouble(const Labels& labels, double v) { Add(labels, Double(v)); }

  // The shortest decimal that reads back as v, never in exponent form
  // (timestamps stay readable: 1800000000, not 1.8e+09).
  static std::string Double(double v) {
    std::array<char, 400> buf{};
    auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed);
    return r.ec == std::errc() ? std::string(buf.data(), r.ptr) : absl::StrCat(v);
  }

 private:
  std::string* out_;
  std::string name_;
};

std::string Str(uint64_t v) { return absl::StrCat(v); }

// Nanoseconds as seconds, exactly: "0.000000003", "1099.511627775", "2".
std::string Seconds(uint64_t ns) {
  constexpr uint64_t kNsPerSec = 1000000000;
  std::string frac = absl::StrFormat("%09u", ns % kNsPerSec);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return frac.empty() ? absl::StrCat(ns / kNsPerSec) : absl::StrCat(ns / kNsPerSec, ".", frac);
}

double Ratio(uint64_t percent) { return static_cast<double>(percent) / 100.0; }

// Writes the families of one snapshot.
class Writer {
 public:
  Writer(std::string* out, ExpositionFormat fmt) : out_(out), fmt_(fmt) {}

  Family Make(absl::string_view name, absl::string_view type, absl::string_view help) {
    return Family(out_, fmt_, name, type, help);
  }
  void Single(absl::string_view name, absl::string_view type, absl::string_view help, uint64_t v) {
    Make(name, type, help).Add({}, v);
  }
  void SingleDouble(absl::string_view name, absl::string_view type, absl::string_view help,
                    double v) {
    Make(name, type, help).AddDouble({}, v);
  }

  void Monitor(const MonitorSnapshot& s);

 private:
  void Counters(const Stats& stats);
  void Zones(const std::vector<ZoneFrag>& zones, uint64_t page_size);
  void Tuner(const TunerStats& tuner, const Config& config);
  void Latency(const std::vector<LatencyHistogram>& latency);

  std::string* out_;
  ExpositionFormat fmt_;
};

void Writer::Counters(const Stats& stats) {
  struct Counter {
    const char* name;
    const char* help;
    uint64_t OrderStats::*field;
  };
  static constexpr Counter kCounters[] = {
      {"buddyctl_alloc_requests_total", "__alloc_pages calls by order.", &OrderStats::requests},
      {"buddyctl_alloc_successes_total", "__alloc_pages calls that returned a page, by order.",
       &OrderStats::successes},
      {"buddyctl_alloc_failures_total", "__alloc_pages calls that failed, by order.",
       &OrderStats::failures},
      {"buddyctl_alloc_slowpath_total", "Allocations that entered the slow path, by order.",
       &OrderStats::slowpath},
      {"buddyctl_compact_attempts_total", "Direct compactions, by order (retries count again).",
       &OrderStats::compact_attempts},
      {"buddyctl_compact_requests_total",
       "Allocations that ran at least one direct compaction, by order.",
       &OrderStats::compact_requests},
      {"buddyctl_compact_allocated_total",
       "Direct compactions after which the allocation got its page, by order.",
       &OrderStats::compact_pages},
      {"buddyctl_compact_deferred_total", "Direct compactions deferred, by order.",
       &OrderStats::compact_deferred},
      {"buddyctl_compact_priority_raises_total",
       "Direct compactions whose priority the tuner raised, by order.", &OrderStats::raises},
  };
  for (const Counter& c : kCounters) {
    Family f = Make(c.name, "counter", c.help);
    for (const OrderStats& s : stats.orders) f.Add({{"order", Str(s.order)}}, s.*c.field);
  }
  {
    Family f = Make("buddyctl_compact_priority_total", "counter",
                    "Direct compactions by order and the priority they ran at.");
    for (const OrderStats& s : stats.orders) {
      for (int p = 0; p < kNrPrios; ++p) {
        f.Add({{"order", Str(s.order)}, {"priority", absl::StrCat(PrioName(p))}},
              s.compact_by_prio[static_cast<size_t>(p)]);
      }
    }
  }
  {
    Family f = Make("buddyctl_compact_result_total", "counter",
                    "Direct compaction outcomes (compact_result) by order.");
    for (const OrderStats& s : stats.orders) {
      for (int r = 0; r < kNrCompactResults; ++r) {
        f.Add({{"order", Str(s.order)}, {"result", absl::StrCat(CompactResultName(r))}},
              s.compact_by_result[static_cast<size_t>(r)]);
      }
    }
  }
  for (auto [name, help, field] :
       {std::tuple{"buddyctl_alloc_requests_by_migratetype_total",
                   "__alloc_pages calls by order and requested migratetype.",
                   &OrderStats::requests_by_mt},
        std::tuple{"buddyctl_alloc_failures_by_migratetype_total",
                   "Failed __alloc_pages calls by order and requested migratetype.",
                   &OrderStats::failures_by_mt}}) {
    Family f = Make(name, "counter", help);
    for (const OrderStats& s : stats.orders) {
      for (int m = 0; m < kNrMigratetypes; ++m) {
        f.Add({{"order", Str(s.order)}, {"migratetype", absl::StrCat(MigratetypeName(m))}},
              (s.*field)[static_cast<size_t>(m)]);
      }
    }
  }
  {
    Family f = Make("buddyctl_fallbacks_total", "counter",
                    "Fallbacks to another migratetype's free list (kmem:mm_page_alloc_extfrag).");
    for (const Fallback& fb : stats.fallbacks) {
      f.Add({{"order", Str(fb.alloc_order)},
             {"fallback_order", Str(fb.fallback_order)},
             {"migratetype", absl::StrCat(MigratetypeName(static_cast<int>(fb.alloc_mt)))},
             {"fallback_migratetype",
              absl::StrCat(MigratetypeName(static_cast<int>(fb.fallback_mt)))},
             {"fragmenting", fb.fragmenting ? "1" : "0"}},
            fb.count);
    }
  }
  Single("buddyctl_slowpath_unattributed_total", "counter",
         "Slow-path entries that could not be attributed to an order.", stats.slowpath_missed);
  Single("buddyctl_events_sent_total", "counter", "Events multicast to subscribers.",
         stats.events_sent);
  Single("buddyctl_events_dropped_total", "counter",
         "Events dropped: over the rate limit, a full per-CPU ring or a failed send.",
         stats.events_dropped);
}

void Writer::Zones(const std::vector<ZoneFrag>& zones, uint64_t page_size) {
  auto zl = [](const ZoneFrag& z) { return Labels{{"node", Str(z.node)}, {"zone", z.zone_name}}; };
  for (auto [name, help, field] :
       {std::tuple{"buddyctl_zone_managed_bytes", "Memory the buddy allocator manages in the zone.",
                   &ZoneFrag::managed_pages},
        std::tuple{"buddyctl_zone_present_bytes", "Physical memory present in the zone.",
                   &ZoneFrag::present_pages},
        std::tuple{"buddyctl_zone_free_bytes", "Free memory in the zone.",
                   &ZoneFrag::free_pages}}) {
    Family f = Make(name, "gauge", help);
    for (const ZoneFrag& z : zones) f.Add(zl(z), z.*field * page_size);
  }
  {
    Family f = Make("buddyctl_zone_free_blocks", "gauge",
                    "Free blocks by node, zone, order and migratetype (/proc/pagetypeinfo).");
    for (const ZoneFrag& z : zones) {
      for (int o = 0; o < kNrOrders; ++o) {
        for (int m = 0; m < kNrMigratetypes; ++m) {
          Labels l = zl(z);
          l.emplace_back("order", Str(static_cast<uint64_t>(o)));
          l.emplace_back("migratetype", absl::StrCat(MigratetypeName(m)));
          f.Add(l, z.free_blocks[static_cast<size_t>(o)][static_cast<size_t>(m)]);
        }
      }
    }
  }
  {
    Family f = Make("buddyctl_zone_unusable_index", "gauge",
                    "Unusable free space index by order, 0..1 (debugfs extfrag/unusable_index).");
    for (const ZoneFrag& z : zones) {
      for (int o = 0; o < kNrOrders; ++o) {
        Labels l = zl(z);
        l.emplace_back("order", Str(static_cast<uint64_t>(o)));
        f.AddDouble(l, static_cast<double>(z.unusable_index[static_cast<size_t>(o)]) / 1000.0);
      }
    }
  }
  {
    Family f = Make("buddyctl_zone_extfrag_index", "gauge",
                    "Fragmentation index by order, 0..1 (debugfs extfrag/extfrag_index; -1: an "
                    "allocation of the order would succeed).");
    for (const ZoneFrag& z : zones) {
      for (int o = 0; o < kNrOrders; ++o) {
        Labels l = zl(z);
        l.emplace_back("order", Str(static_cast<uint64_t>(o)));
        f.AddDouble(l, static_cast<double>(z.extfrag_index[static_cast<size_t>(o)]) / 1000.0);
      }
    }
  }
  {
    Family f = Make("buddyctl_zone_proactive_score_ratio", "gauge",
                    "The zone's weighted share of the node's proactive-compaction score, 0..1.");
    for (const ZoneFrag& z : zones) f.AddDouble(zl(z), Ratio(z.proactive_score));
  }
  {
    Family f = Make("buddyctl_node_proactive_score_ratio", "gauge",
                    "The node's proactive-compaction score, 0..1 (kcompactd compacts above "
                    "1 - vm.compaction_proactiveness/100).");
    std::vector<uint32_t> seen;
    for (const ZoneFrag& z : zones) {
      bool dup = false;
      for (uint32_t n : seen) dup = dup || n == z.node;
      if (dup) continue;
      seen.push_back(z.node);
      f.AddDouble({{"node", Str(z.node)}}, Ratio(z.node_proactive_score));
    }
  }
  {
    Family f = Make("buddyctl_zone_order10_blocks", "gauge",
                    "Order-10-aligned (4 MiB) blocks in the zone: all, free now, and recoverable "
                    "(holding only free or movable pages: the physical limit).");
    for (const ZoneFrag& z : zones) {
      for (auto [state, v] : {std::pair<const char*, uint64_t>{"total", z.blocks_total},
                              {"free", z.blocks_free},
                              {"recoverable", z.blocks_recoverable}}) {
        Labels l = zl(z);
        l.emplace_back("state", state);
        f.Add(l, v);
      }
    }
  }
  {
    Family f = Make("buddyctl_zone_limit_age_seconds", "gauge",
                    "Age of the oldest part of the physical limit (recoverable order-10 blocks) "
                    "when the module computed it: reads scan a bounded slice of a large zone "
                    "and keep the rest from earlier reads. 0 when every block was scanned.");
    for (const ZoneFrag& z : zones) f.AddDouble(zl(z), static_cast<double>(z.limit_age_ns) / 1e9);
  }
}

void Writer::Tuner(const TunerStats& tuner, const Config& config) {
  struct TunerCounter {
    const char* name;
    const char* help;
    uint64_t TunerOrderStats::*field;
  };
  static constexpr TunerCounter kTuner[] = {
      {"buddyctl_tuner_decisions_total", "Eligible direct compactions the tuner saw, by order.",
       &TunerOrderStats::decisions},
      {"buddyctl_tuner_raises_total", "Priorities the tuner raised to sync_full, by order.",
       &TunerOrderStats::raises},
      {"buddyctl_tuner_deferrals_total", "Compactions left at the kernel's priority, by order.",
       &TunerOrderStats::deferrals},
      {"buddyctl_tuner_would_raise_total", "Raises the observe policy would have made, by order.",
       &TunerOrderStats::would_raise},
      {"buddyctl_tuner_raised_success_total", "Raised compactions that returned a page, by order.",
       &TunerOrderStats::raised_success},
      {"buddyctl_tuner_kept_success_total", "Kept compactions that returned a page, by order.",
       &TunerOrderStats::kept_success},
  };
  for (const TunerCounter& c : kTuner) {
    Family f = Make(c.name, "counter", c.help);
    for (const TunerOrderStats& s : tuner.orders) f.Add({{"order", Str(s.order)}}, s.*c.field);
  }
  {
    Family f = Make("buddyctl_tuner_compact_result_total", "counter",
                    "Outcomes of the compactions the tuner decided, by order, decision "
                    "(raised or kept) and compact_result.");
    for (const TunerOrderStats& s : tuner.orders) {
      for (auto [decision, results] :
           {std::pair<const char*, const std::array<uint64_t, kNrCompactResults>*>{
                "raised", &s.raised_result},
            {"kept", &s.kept_result}}) {
        for (int r = 0; r < kNrCompactResults; ++r) {
          f.Add({{"order", Str(s.order)},
                 {"decision", decision},
                 {"result", absl::StrCat(CompactResultName(r))}},
                (*results)[static_cast<size_t>(r)]);
        }
      }
    }
  }
  const BackgroundStats& b = tuner.background;
  Single("buddyctl_background_checks_total", "counter", "Background fragmentation checks.",
         b.checks);
  Single("buddyctl_background_triggers_total", "counter", "Background compactions started.",
         b.triggers);
  Single("buddyctl_background_ratelimited_total", "counter",
         "Background triggers suppressed by the rate limit.", b.ratelimited);
  Single("buddyctl_background_blocks_gained_total", "counter",
         "Free target-order blocks gained after background triggers.", b.blocks_gained);
  SingleDouble("buddyctl_background_last_fragmentation_ratio", "gauge",
               "Fragmentation of the target order at the last background check, 0..1.",
               Ratio(b.last_unusable_pct));

  const EvacuatorStats& e = tuner.evacuator;
  Single("buddyctl_evacuate_requests_total", "counter",
         "Direct compactions the evacuate policy handled instead of compaction.", e.requests);
  Single("buddyctl_evacuate_scans_total", "counter", "Memory-map scans for candidate blocks.",
         e.scans);
  Single("buddyctl_evacuate_attempts_total", "counter", "Blocks the evacuator tried to empty.",
         e.attempts);
  Single("buddyctl_evacuate_blocks_total", "counter", "Blocks emptied and handed out whole.",
         e.blocks);
  Single("buddyctl_evacuate_failures_total", "counter", "Attempts alloc_contig_range refused.",
         e.failures);
  Single("buddyctl_evacuate_pages_moved_total", "counter",
         "In-use pages migrated out of the emptied blocks.", e.pages_moved);
  {
    Family f = Make("buddyctl_evacuate_declined_total", "counter",
                    "Requests left to compaction, by reason: no emptiable block, the free-memory "
                    "guard, or the evacuator busy.");
    f.Add({{"reason", "no_candidate"}}, e.no_candidate);
    f.Add({{"reason", "low_memory"}}, e.low_memory);
    f.Add({{"reason", "busy"}}, e.busy);
  }
  Make("buddyctl_evacuate_seconds_total", "counter",
       "Time the evacuator spent scanning and emptying blocks.")
      .Add({}, Seconds(e.time_ns));

  const ReserveStats& r = tuner.reserve;
  Single("buddyctl_reserve_rounds_total", "counter",
         "Periods in which the reserve worker found fewer free blocks than its target.", r.rounds);
  Single("buddyctl_reserve_blocks_total", "counter",
         "Blocks the reserve worker emptied and freed whole.", r.blocks);
  Single("buddyctl_reserve_pages_moved_total", "counter",
         "In-use pages the reserve worker migrated out of the blocks it emptied.", r.pages_moved);
  Single("buddyctl_reserve_attempts_total", "counter", "Blocks the reserve worker tried to empty.",
         r.attempts);
  Single("buddyctl_reserve_failures_total", "counter",
         "Reserve attempts alloc_contig_range refused.", r.failures);
  Make("buddyctl_reserve_cpu_seconds_total", "counter",
       "Time the reserve worker spent in its rounds (wall time, an upper bound of its CPU time).")
      .Add({}, Seconds(r.cpu_ns));
  {
    Family f = Make("buddyctl_reserve_paused_total", "counter",
                    "Rounds of the reserve worker that stopped short of the target, by reason.");
    for (int i = 0; i < kNrReservePauses; ++i) {
      f.Add({{"reason", absl::StrCat(ReservePauseName(i))}}, r.paused[static_cast<size_t>(i)]);
    }
  }
  Single("buddyctl_reserve_target_blocks", "gauge",
         "Free blocks of the reserve order the worker keeps ready; 0 when off.", r.target);
  Single("buddyctl_reserve_free_blocks", "gauge",
         "Free blocks of the reserve order now, a larger free block counting for the blocks it "
         "holds.",
         r.free_blocks);
  Single("buddyctl_reserve_order", "gauge", "The order the reserve keeps free blocks of.", r.order);
  SingleDouble("buddyctl_reserve_budget_ratio", "gauge",
               "Share of one CPU the reserve worker may use, 0..1.",
               static_cast<double>(config.reserve_budget_ms) / 1000.0);

  SingleDouble("buddyctl_tuner_threshold_ratio", "gauge",
               "Fragmentation above which the adaptive and evacuate policies act, 0..1.",
               Ratio(config.threshold));
  Single("buddyctl_tuner_min_order", "gauge", "Smallest order the tuner acts on.",
         config.min_order);
  {
    Family f = Make("buddyctl_tuner_policy", "gauge", "1 for the active tuner policy.");
    for (Policy p : kAllPolicies) {
      f.Add({{"policy", absl::StrCat(PolicyName(p))}}, config.policy == p ? 1 : 0);
    }
  }
  Single("buddyctl_background_enabled", "gauge", "1 when background compaction is on.",
         config.bg_enabled ? 1 : 0);
  Single("buddyctl_background_target_order", "gauge", "The order background compaction watches.",
         config.bg_order);
  SingleDouble("buddyctl_background_interval_seconds", "gauge",
               "How often background compaction checks.",
               static_cast<double>(config.bg_interval_ms) / 1000.0);
  Single("buddyctl_latency_capture_enabled", "gauge", "1 when latency capture is on.",
         config.latency ? 1 : 0);
  SingleDouble("buddyctl_latency_duty_ratio", "gauge",
               "Share of each period the latency hook is registered while capture is on, 0..1.",
               Ratio(config.latency_duty_pct));
  Single("buddyctl_events_rate_limit_per_second", "gauge",
         "Events the monitor multicasts per second at most.", config.events_per_sec);
}

// The latency histograms as Prometheus histograms (see prometheus.h).
void Writer::Latency(const std::vector<LatencyHistogram>& latency) {
  using Path = LatencyHistogram::Path;
  struct PathInfo {
    const char* name;
    Path path;
    uint64_t LatencyHistogram::*sum_ns;
    uint64_t LatencyHistogram::*max_ns;
  };
  static constexpr PathInfo kPaths[] = {
      {"fast", Path::kFast, &LatencyHistogram::fast_sum_ns, &LatencyHistogram::fast_max_ns},
      {"slow", Path::kSlow, &LatencyHistogram::slow_sum_ns, &LatencyHistogram::slow_max_ns},
  };
  {
    Family f = Make("buddyctl_alloc_latency_seconds", "histogram",
                    "__alloc_pages latency by order and path (fast: no slow path), while latency "
                    "capture is on.");
    for (const LatencyHistogram& h : latency) {
      for (const PathInfo& p : kPaths) {
        const std::array<uint64_t, kLatBuckets> buckets = h.Buckets(p.path);
        uint64_t cumulative = 0;
        for (int i = 0; i < kLatBuckets; ++i) {
          cumulative += buckets[static_cast<size_t>(i)];
          // Bucket i holds integer nanoseconds below BucketHigh(i).
          f.AddSuffixed("_bucket",
                        {{"order", Str(h.order)},
                         {"path", p.name},
                         {"le", Seconds(LatencyHistogram::BucketHigh(i) - 1)}},
                        Str(cumulative));
        }
        f.AddSuffixed("_bucket", {{"order", Str(h.order)}, {"path", p.name}, {"le", "+Inf"}},
                      Str(cumulative));
        f.AddSuffixed("_sum", {{"order", Str(h.order)}, {"path", p.name}}, Seconds(h.*p.sum_ns));
        f.AddSuffixed("_count", {{"order", Str(h.order)}, {"path", p.name}}, Str(cumulative));
      }
    }
  }
  {
    Family f = Make("buddyctl_alloc_latency_max_seconds", "gauge",
                    "Slowest timed __alloc_pages call since the last reset, by order and path.");
    for (const LatencyHistogram& h : latency) {
      for (const PathInfo& p : kPaths) {
        f.Add({{"order", Str(h.order)}, {"path", p.name}}, Seconds(h.*p.max_ns));
      }
    }
  }
  Single("buddyctl_alloc_latency_untimed_total", "counter",
         "__alloc_pages calls latency capture could not time (all orders).",
         latency.front().missed);
  // The histograms' counts over this, not over the time since the reset,
  // are rates: below a 100 % duty they were taken in part of the time.
  Make("buddyctl_latency_capture_seconds_total", "counter",
       "Time the latency hook was registered since the last reset.")
      .Add({}, Seconds(latency.front().capture_ns));
}

void Writer::Monitor(const MonitorSnapshot& s) {
  Make("buddyctl_monitor_info", "gauge", "The loaded buddy_monitor module: kernel and ABI.")
      .Add({{"kernel_release", s.info.kernel_release}, {"abi_version", Str(s.info.abi_version)}},
           1);
  Make("buddyctl_monitor_reset_timestamp_seconds", "gauge",
       "When the counters last started from zero (module load or buddyctl reset), Unix time.")
      .AddDouble({}, absl::ToDoubleSeconds(s.reset_time - absl::UnixEpoch()));
  Counters(s.stats);
  if (!s.zones.empty()) Zones(s.zones, s.page_size);
  Tuner(s.tuner, s.config);
  if (!s.latency.empty()) Latency(s.latency);
}

double ParseQ(absl::string_view params) {
  for (absl::string_view p : absl::StrSplit(params, ';')) {
    p = absl::StripAsciiWhitespace(p);
    if (absl::ConsumePrefix(&p, "q=")) {
      double q = 0;
      return absl::SimpleAtod(p, &q) ? q : 0;
    }
  }
  return 1;
}

}  // namespace

ExpositionFormat NegotiateFormat(absl::string_view accept) {
  double om = -1;
  double text = -1;
  for (absl::string_view range : absl::StrSplit(accept, ',')) {
    range = absl::StripAsciiWhitespace(range);
    const size_t semi = range.find(';');
    const absl::string_view type = absl::StripAsciiWhitespace(range.substr(0, semi));
    const double q = semi == absl::string_view::npos ? 1 : ParseQ(range.substr(semi + 1));
    if (absl::EqualsIgnoreCase(type, "application/openmetrics-text")) {
      om = std::max(om, q);
    } else if (absl::EqualsIgnoreCase(type, "text/plain")) {
      text = std::max(text, q);
    }
  }
  return om > 0 && om >= text ? ExpositionFormat::kOpenMetrics : ExpositionFormat::kText;
}

absl::Time ResetWallTime(const Stats& stats, absl::Time wall_at_reply) {
  const uint64_t since =
      stats.now_ns >= stats.reset_time_ns ? stats.now_ns - stats.reset_time_ns : 0;
  return wall_at_reply - absl::Nanoseconds(static_cast<int64_t>(since));
}

std::string FormatPrometheus(const MonitorSnapshot* snapshot, const ExporterSelf* self,
                             ExpositionFormat format) {
  std::string out;
  Writer w(&out, format);
  w.Single("buddyctl_up", "gauge",
           "1 when the buddy_monitor module answered every query of this reading, 0 otherwise.",
           snapshot != nullptr ? 1 : 0);
  w.Make("buddyctl_build_info", "gauge", "buddyctl's version and the monitor ABI it speaks.")
      .Add({{"version", BUDDYCTL_VERSION_STRING}, {"abi_version", Str(BUDDY_MON_GENL_VERSION)}}, 1);
  if (snapshot != nullptr) w.Monitor(*snapshot);
  if (self != nullptr) {
    w.Single("buddyctl_exporter_scrapes_total", "counter", "Metrics requests answered.",
             self->scrapes);
    w.Single("buddyctl_exporter_collections_total", "counter",
             "Readings of the monitor (scrapes within a second share one).", self->collections);
    w.Single("buddyctl_exporter_collect_errors_total", "counter",
             "Readings in which a query to the monitor failed (module missing or reloaded).",
             self->collect_errors);
    w.SingleDouble("buddyctl_exporter_collect_duration_seconds", "gauge",
                   "How long the latest reading of the monitor took.", self->collect_seconds);
    w.SingleDouble("buddyctl_exporter_frag_interval_seconds", "gauge",
                   "The fragmentation figures are read at most once per this interval.",
                   self->frag_interval_seconds);
    if (self->frag_age_seconds) {
      w.SingleDouble("buddyctl_exporter_frag_age_seconds", "gauge",
                     "Age of the cached fragmentation figures (buddyctl_zone_*).",
                     *self->frag_age_seconds);
    }
    w.Single("buddyctl_exporter_frag_refreshes_total", "counter",
             "Readings of the fragmentation figures.", self->frag_refreshes);
    w.SingleDouble("buddyctl_exporter_frag_refresh_duration_seconds", "gauge",
                   "How long the latest fragmentation reading took.", self->frag_refresh_seconds);
    w.Single("buddyctl_exporter_max_connections", "gauge",
             "Connections the exporter serves at once; more wait to be accepted.",
             self->max_connections);
    w.Single("buddyctl_exporter_threads", "gauge", "HTTP worker threads.", self->threads);
    w.SingleDouble("process_start_time_seconds", "gauge",
                   "Start time of the process since the Unix epoch, in seconds.",
                   self->start_time_seconds);
    w.SingleDouble("process_cpu_seconds_total", "counter",
                   "Total user and system CPU time spent, in seconds.", self->cpu_seconds);
    w.Single("process_resident_memory_bytes", "gauge", "Resident memory size, in bytes.",
             self->resident_bytes);
  }
  if (format == ExpositionFormat::kOpenMetrics) out += "# EOF\n";
  return out;
}

}  // namespace buddyctl
