// SPDX-License-Identifier: GPL-2.0
#include "buddyctl/prometheus.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace buddyctl {
namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

// Accumulates one metric family: HELP and TYPE once, then samples.
class Family {
 public:
  Family(std::string* out, absl::string_view name, absl::string_view type, absl::string_view help)
      : out_(out), name_(name) {
    absl::StrAppend(out_, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
  }
  void Add(const Labels& labels, absl::string_view value) { AddSuffixed("", labels, value); }
  // A histogram's _bucket, _sum and _count samples.
  void AddSuffixed(absl::string_view suffix, const Labels& labels, absl::string_view value) {
    absl::StrAppend(out_, name_, suffix);
    if (!labels.empty()) {
      absl::StrAppend(out_, "{",
                      absl::StrJoin(labels, ",",
                                    [](std::string* o, const auto& kv) {
                                      absl::StrAppend(o, kv.first, "=\"", Escape(kv.second), "\"");
                                    }),
                      "}");
    }
    absl::StrAppend(out_, " ", value, "\n");
  }
  void Add(const Labels& labels, uint64_t v) { Add(labels, absl::StrCat(v)); }
  void AddDouble(const Labels& labels, double v) { Add(labels, absl::StrFormat("%.6g", v)); }

 private:
  static std::string Escape(absl::string_view s) {
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

// The latency histograms as Prometheus histograms (see prometheus.h).
void AppendLatency(std::string* out, const std::vector<LatencyHistogram>& latency) {
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
    Family f(out, "buddy_alloc_latency_seconds", "histogram",
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
    Family f(out, "buddy_alloc_latency_max_seconds", "gauge",
             "Slowest timed __alloc_pages call since the last reset, by order and path.");
    for (const LatencyHistogram& h : latency) {
      for (const PathInfo& p : kPaths) {
        f.Add({{"order", Str(h.order)}, {"path", p.name}}, Seconds(h.*p.max_ns));
      }
    }
  }
  Family(out, "buddy_alloc_latency_missed_total", "counter",
         "__alloc_pages calls latency capture could not time (all orders).")
      .Add({}, latency.front().missed);
}

}  // namespace

std::string FormatPrometheus(const Stats& stats, const std::vector<ZoneFrag>& zones,
                             const TunerStats& tuner, const Config& config,
                             const std::vector<LatencyHistogram>& latency) {
  std::string out;
  struct Counter {
    const char* name;
    const char* help;
    uint64_t OrderStats::*field;
  };
  static constexpr Counter kCounters[] = {
      {"buddy_alloc_requests_total", "__alloc_pages calls by order.", &OrderStats::requests},
      {"buddy_alloc_successes_total", "__alloc_pages calls that returned a page, by order.",
       &OrderStats::successes},
      {"buddy_alloc_failures_total", "__alloc_pages calls that failed, by order.",
       &OrderStats::failures},
      {"buddy_alloc_slowpath_total", "Allocations that entered the slow path, by order.",
       &OrderStats::slowpath},
      {"buddy_compact_attempts_total", "Direct compactions, by order.",
       &OrderStats::compact_attempts},
      {"buddy_compact_requests_total", "Allocations that ran at least one direct compaction.",
       &OrderStats::compact_requests},
      {"buddy_compact_pages_total", "Direct compactions that returned a page, by order.",
       &OrderStats::compact_pages},
      {"buddy_compact_deferred_total", "Direct compactions deferred, by order.",
       &OrderStats::compact_deferred},
      {"buddy_adaptive_raises_total",
       "Direct compactions whose priority the tuner raised, by order.", &OrderStats::adaptive},
  };
  for (const Counter& c : kCounters) {
    Family f(&out, c.name, "counter", c.help);
    for (const OrderStats& s : stats.orders) f.Add({{"order", Str(s.order)}}, s.*c.field);
  }
  {
    Family f(&out, "buddy_compact_prio_total", "counter",
             "Direct compactions by order and the priority they ran at.");
    for (const OrderStats& s : stats.orders) {
      for (int p = 0; p < kNrPrios; ++p) {
        f.Add({{"order", Str(s.order)}, {"prio", absl::StrCat(PrioName(p))}},
              s.compact_by_prio[static_cast<size_t>(p)]);
      }
    }
  }
  {
    Family f(&out, "buddy_compact_result_total", "counter",
             "Direct compaction outcomes (compact_result) by order.");
    for (const OrderStats& s : stats.orders) {
      for (int r = 0; r < kNrCompactResults; ++r) {
        f.Add({{"order", Str(s.order)}, {"result", absl::StrCat(CompactResultName(r))}},
              s.compact_by_result[static_cast<size_t>(r)]);
      }
    }
  }
  {
    Family req(&out, "buddy_alloc_requests_by_migratetype_total", "counter",
               "__alloc_pages calls by order and requested migratetype.");
    for (const OrderStats& s : stats.orders) {
      for (int m = 0; m < kNrMigratetypes; ++m) {
        req.Add({{"order", Str(s.order)}, {"migratetype", absl::StrCat(MigratetypeName(m))}},
                s.requests_by_mt[static_cast<size_t>(m)]);
      }
    }
  }
  {
    Family fail(&out, "buddy_alloc_failures_by_migratetype_total", "counter",
                "Failed __alloc_pages calls by order and requested migratetype.");
    for (const OrderStats& s : stats.orders) {
      for (int m = 0; m < kNrMigratetypes; ++m) {
        fail.Add({{"order", Str(s.order)}, {"migratetype", absl::StrCat(MigratetypeName(m))}},
                 s.failures_by_mt[static_cast<size_t>(m)]);
      }
    }
  }
  {
    Family f(&out, "buddy_fallbacks_total", "counter",
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
  Family(&out, "buddy_slowpath_missed_total", "counter",
         "Slow-path entries that could not be attributed to an order.")
      .Add({}, stats.slowpath_missed);
  Family(&out, "buddy_events_sent_total", "counter", "Events multicast to subscribers.")
      .Add({}, stats.events_sent);
  Family(&out, "buddy_events_dropped_total", "counter",
         "Events dropped: over the rate limit, a full per-CPU ring or a failed send.")
      .Add({}, stats.events_dropped);

  auto zl = [](const ZoneFrag& z) { return Labels{{"node", Str(z.node)}, {"zone", z.zone_name}}; };
  {
    Family f(&out, "buddy_zone_free_blocks", "gauge",
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
    Family f(&out, "buddy_zone_unusable_index", "gauge",
             "Unusable free space index by order (0..1, debugfs extfrag/unusable_index).");
    for (const ZoneFrag& z : zones) {
      for (int o = 0; o < kNrOrders; ++o) {
        Labels l = zl(z);
        l.emplace_back("order", Str(static_cast<uint64_t>(o)));
        f.AddDouble(l, static_cast<double>(z.unusable_index[static_cast<size_t>(o)]) / 1000.0);
      }
    }
  }
  {
    Family f(&out, "buddy_zone_extfrag_index", "gauge",
             "Fragmentation index by order (debugfs extfrag/extfrag_index; -1 = would succeed).");
    for (const ZoneFrag& z : zones) {
      for (int o = 0; o < kNrOrders; ++o) {
        Labels l = zl(z);
        l.emplace_back("order", Str(static_cast<uint64_t>(o)));
        f.AddDouble(l, static_cast<double>(z.extfrag_index[static_cast<size_t>(o)]) / 1000.0);
      }
    }
  }
  {
    Family f(&out, "buddy_zone_proactive_score", "gauge",
             "The zone's weighted share of the node's proactive-compaction score.");
    for (const ZoneFrag& z : zones) f.Add(zl(z), z.proactive_score);
  }
  {
    Family f(&out, "buddy_node_proactive_score", "gauge", "The node's proactive-compaction score.");
    std::vector<uint32_t> seen;
    for (const ZoneFrag& z : zones) {
      bool dup = false;
      for (uint32_t n : seen) dup = dup || n == z.node;
      if (dup) continue;
      seen.push_back(z.node);
      f.Add({{"node", Str(z.node)}}, z.node_proactive_score);
    }
  }
  {
    Family f(&out, "buddy_zone_order10_blocks", "gauge",
             "Order-10-aligned blocks in the zone: all, free now, recoverable by compaction.");
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

  struct TunerCounter {
    const char* name;
    const char* help;
    uint64_t TunerOrderStats::*field;
  };
  static constexpr TunerCounter kTuner[] = {
      {"buddy_tuner_decisions_total", "Eligible direct compactions the tuner saw, by order.",
       &TunerOrderStats::decisions},
      {"buddy_tuner_raises_total", "Priorities the tuner raised to sync_full, by order.",
       &TunerOrderStats::raises},
      {"buddy_tuner_deferrals_total", "Compactions left at the kernel's priority, by order.",
       &TunerOrderStats::deferrals},
      {"buddy_tuner_would_raise_total", "Raises the observe policy would have made, by order.",
       &TunerOrderStats::would_raise},
      {"buddy_tuner_raised_success_total", "Raised compactions that returned a page, by order.",
       &TunerOrderStats::raised_success},
      {"buddy_tuner_kept_success_total", "Kept compactions that returned a page, by order.",
       &TunerOrderStats::kept_success},
  };
  for (const TunerCounter& c : kTuner) {
    Family f(&out, c.name, "counter", c.help);
    for (const TunerOrderStats& s : tuner.orders) f.Add({{"order", Str(s.order)}}, s.*c.field);
  }
  Family(&out, "buddy_background_checks_total", "counter", "Background fragmentation checks.")
      .Add({}, tuner.background.checks);
  Family(&out, "buddy_background_triggers_total", "counter", "Background compactions started.")
      .Add({}, tuner.background.triggers);
  Family(&out, "buddy_background_ratelimited_total", "counter",
         "Background triggers suppressed by the rate limit.")
      .Add({}, tuner.background.ratelimited);
  Family(&out, "buddy_background_blocks_gained_total", "counter",
         "Free target-order blocks gained after background triggers.")
      .Add({}, tuner.background.blocks_gained);
  Family(&out, "buddy_tuner_threshold_percent", "gauge", "The tuner's fragmentation threshold.")
      .Add({}, config.threshold);
  {
    Family f(&out, "buddy_tuner_policy", "gauge", "1 for the active tuner policy.");
    for (Policy p : kAllPolicies) {
      f.Add({{"policy", absl::StrCat(PolicyName(p))}}, config.policy == p ? 1 : 0);
    }
  }
  if (!latency.empty()) AppendLatency(&out, latency);
  return out;
}

}  // namespace buddyctl
