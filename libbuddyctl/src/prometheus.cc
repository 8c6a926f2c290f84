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
#include "absl/types/span.h"
#include "buddyctl/version.h"
#include "reply_fields.h"
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
  // The families of a field table's exported rows, in row order, with the
  // samples of every item in turn, each labelled first with labels(item).
  template <typename S>
  void Table(const FieldTable<S>& table, absl::Span<const S> items,
             Labels (*labels)(const S&) = nullptr);
  template <typename S>
  void Table(const FieldTable<S>& table, const S& one) {
    Table(table, absl::MakeConstSpan(&one, 1));
  }
  void Counters(const Stats& stats);
  void Zones(const std::vector<ZoneFrag>& zones, uint64_t page_size);
  void Tuner(const TunerStats& tuner, const Config& config);
  void Latency(const std::vector<LatencyHistogram>& latency);

  std::string* out_;
  ExpositionFormat fmt_;
};

// A sample's value in the unit its metric states.
std::string SampleValue(Unit unit, uint64_t v) {
  switch (unit) {
    case Unit::kNsAsSeconds:
      return Seconds(v);
    case Unit::kMsAsSeconds:
      return Family::Double(static_cast<double>(v) / 1000.0);
    case Unit::kPercentAsRatio:
      return Family::Double(Ratio(v));
    case Unit::kCount:
    case Unit::kOneHot:
      break;
  }
  return Str(v);
}

// The samples of one row for one item.
template <typename S>
void AddRow(Family& f, const FieldRow<S>& row, const S& item, Labels labels) {
  const Metric& m = row.metric;
  if (m.label != nullptr) labels.emplace_back(m.label, m.label_value);
  auto element = [&](size_t i) {
    Labels l = labels;
    l.emplace_back(m.index_label,
                   row.names != nullptr ? absl::StrCat(row.names(static_cast<int>(i))) : Str(i));
    return l;
  };
  if (m.unit == Unit::kOneHot) {
    const uint64_t v = row.value(item, 0);
    for (size_t i = 0; i < row.nr_names; ++i) f.Add(element(i), v == i ? 1 : 0);
  } else if (m.index_label != nullptr) {
    for (size_t i = 0; i < row.size; ++i) {
      f.Add(element(i), SampleValue(m.unit, row.value(item, i)));
    }
  } else {
    f.Add(labels, SampleValue(m.unit, row.value(item, 0)));
  }
}

template <typename S>
void Writer::Table(const FieldTable<S>& table, absl::Span<const S> items,
                   Labels (*labels)(const S&)) {
  const std::vector<FieldRow<S>>& rows = table.rows;
  for (size_t first = 0; first < rows.size();) {
    if (rows[first].metric.name == nullptr) {
      ++first;
      continue;
    }
    // The rows after it without help are more samples of its family.
    size_t end = first + 1;
    while (end < rows.size() && rows[end].metric.name != nullptr &&
           rows[end].metric.help == nullptr) {
      ++end;
    }
    const Metric& m = rows[first].metric;
    Family f = Make(m.name, m.type, m.help);
    for (const S& item : items) {
      for (size_t r = first; r < end; ++r) {
        AddRow(f, rows[r], item, labels != nullptr ? labels(item) : Labels{});
      }
    }
    first = end;
  }
}

template <typename S>
Labels OrderLabel(const S& s) {
  return {{"order", Str(s.order)}};
}

void Writer::Counters(const Stats& stats) {
  Table(OrderStatsFields(), absl::MakeConstSpan(stats.orders), OrderLabel<OrderStats>);
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
  Table(StatsFields(), stats);
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
  Table(TunerOrderStatsFields(), absl::MakeConstSpan(tuner.orders), OrderLabel<TunerOrderStats>);
  Table(BackgroundStatsFields(), tuner.background);
  Table(EvacuatorStatsFields(), tuner.evacuator);
  Table(ReserveStatsFields(), tuner.reserve);
  Table(ConfigFields(), config);
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
  Table(MonitorInfoFields(), s.info);
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
