// SPDX-License-Identifier: GPL-2.0
#include "plots.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace buddyctl::report {
namespace {

// The increase of a counter from sample `a` to sample `b`.
template <typename Get>
uint64_t Step(const RecordSample& a, const RecordSample& b, Get get) {
  const uint64_t before = get(a);
  const uint64_t now = get(b);
  const bool reset = a.stats.reset_time_ns != b.stats.reset_time_ns || now < before;
  return reset ? now : now - before;
}

// A counter's total over the recording (see plots.h): `get` reads it from
// one sample.
template <typename Get>
uint64_t Increase(const Record& r, Get get) {
  const auto& s = r.samples;
  if (s.empty()) return 0;
  if (s.size() == 1) return get(s[0]);
  uint64_t total = 0;
  for (size_t i = 1; i < s.size(); ++i) total += Step(s[i - 1], s[i], get);
  return total;
}

const OrderStats* FindOrder(const RecordSample& s, int order) {
  for (const OrderStats& o : s.stats.orders) {
    if (static_cast<int>(o.order) == order) return &o;
  }
  return nullptr;
}

const LatencyHistogram* FindLatency(const RecordSample& s, int order) {
  for (const LatencyHistogram& h : s.latency) {
    if (static_cast<int>(h.order) == order) return &h;
  }
  return nullptr;
}

std::string ZoneLabel(const ZoneFrag& z) { return absl::StrCat("node ", z.node, " ", z.zone_name); }

// Zones in order of first appearance.
std::vector<std::string> ZoneLabels(const Record& r) {
  std::vector<std::string> labels;
  for (const RecordSample& s : r.samples) {
    for (const ZoneFrag& z : s.zones) {
      std::string l = ZoneLabel(z);
      if (std::find(labels.begin(), labels.end(), l) == labels.end()) labels.push_back(l);
    }
  }
  return labels;
}

const ZoneFrag* FindZone(const RecordSample& s, const std::string& label) {
  for (const ZoneFrag& z : s.zones) {
    if (ZoneLabel(z) == label) return &z;
  }
  return nullptr;
}

// Linear interpolation between order statistics (numpy's default, and
// bench/challenge/collect.py's percentile()).
double Quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double k = static_cast<double>(sorted.size() - 1) * q;
  const auto lo = static_cast<size_t>(k);
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (k - static_cast<double>(lo));
}

}  // namespace

OrderDistribution ComputeOrderDistribution(const Record& r) {
  OrderDistribution d;
  if (r.samples.empty()) return d;
  d.window_s = r.samples.back().elapsed_s - r.samples.front().elapsed_s;
  d.since_reset = r.samples.size() == 1;
  for (int o = 0; o < kNrOrders; ++o) {
    auto field = [o](uint64_t OrderStats::*f) {
      return [o, f](const RecordSample& s) {
        const OrderStats* st = FindOrder(s, o);
        return st == nullptr ? uint64_t{0} : st->*f;
      };
    };
    const auto i = static_cast<size_t>(o);
    d.requests[i] = Increase(r, field(&OrderStats::requests));
    d.successes[i] = Increase(r, field(&OrderStats::successes));
    d.failures[i] = Increase(r, field(&OrderStats::failures));
    d.slowpath[i] = Increase(r, field(&OrderStats::slowpath));
    d.compactions[i] = Increase(r, field(&OrderStats::compact_attempts));
  }
  return d;
}

std::vector<ZoneHeatmap> ComputeBuddyinfo(const Record& r) {
  std::vector<ZoneHeatmap> maps;
  for (const std::string& label : ZoneLabels(r)) {
    ZoneHeatmap m;
    m.zone = label;
    for (const RecordSample& s : r.samples) {
      const ZoneFrag* z = FindZone(s, label);
      if (z == nullptr) continue;
      m.t.push_back(s.elapsed_s);
      m.free_blocks.push_back(z->nr_free);
    }
    maps.push_back(std::move(m));
  }
  return maps;
}

FragmentationSeries ComputeFragmentation(const Record& r) {
  FragmentationSeries f;
  const std::vector<std::string> zones = ZoneLabels(r);
  for (const std::string& z : zones) {
    for (int o : kFragOrders) f.per_zone.push_back({z, o, {}});
  }
  auto sum_tuner = [](uint64_t TunerOrderStats::*field) {
    return [field](const RecordSample& s) {
      uint64_t n = 0;
      for (const TunerOrderStats& o : s.tuner.orders) n += o.*field;
      return n;
    };
  };
  auto bg = [](const RecordSample& s) { return s.tuner.background.triggers; };
  for (size_t i = 0; i < r.samples.size(); ++i) {
    const RecordSample& s = r.samples[i];
    f.t.push_back(s.elapsed_s);
    for (size_t k = 0; k < kFragOrders.size(); ++k) {
      f.all_zones[k].push_back(UnusablePercent(s.zones, kFragOrders[k]));
    }
    for (FragmentationSeries::ZoneLine& line : f.per_zone) {
      const ZoneFrag* z = FindZone(s, line.zone);
      line.percent.push_back(
          z == nullptr
              ? std::numeric_limits<double>::quiet_NaN()
              : static_cast<double>(z->unusable_index[static_cast<size_t>(line.order)]) / 10.0);
    }
    if (i == 0) {
      f.raises.push_back(0);
      f.deferrals.push_back(0);
      f.would_raise.push_back(0);
      f.bg_triggers.push_back(0);
      continue;
    }
    const RecordSample& prev = r.samples[i - 1];
    f.raises.push_back(Step(prev, s, sum_tuner(&TunerOrderStats::raises)));
    f.deferrals.push_back(Step(prev, s, sum_tuner(&TunerOrderStats::deferrals)));
    f.would_raise.push_back(Step(prev, s, sum_tuner(&TunerOrderStats::would_raise)));
    f.bg_triggers.push_back(Step(prev, s, bg));
  }
  const Config* before = nullptr;
  for (const RecordSample& s : r.samples) {
    if (!s.config) continue;
    const Config& c = *s.config;
    if (before == nullptr) {
      f.initial_config = absl::StrCat(PolicyName(c.policy), ", threshold ", c.threshold,
                                      " %, min order ", c.min_order);
    } else {
      std::vector<std::string> what;
      if (c.policy != before->policy) {
        what.push_back(absl::StrCat(PolicyName(before->policy), " → ", PolicyName(c.policy)));
      }
      if (c.threshold != before->threshold) {
        what.push_back(absl::StrCat("threshold ", before->threshold, " → ", c.threshold, " %"));
      }
      if (c.min_order != before->min_order) {
        what.push_back(absl::StrCat("min order ", before->min_order, " → ", c.min_order));
      }
      if (!what.empty()) f.config_changes.push_back({s.elapsed_s, absl::StrJoin(what, ", ")});
    }
    before = &c;
  }
  return f;
}

ExtfragSeries ComputeExtfrag(const Record& r) {
  ExtfragSeries e;
  for (const std::string& z : ZoneLabels(r)) {
    for (int o : kFragOrders) e.lines.push_back({z, o, {}});
  }
  for (const RecordSample& s : r.samples) {
    e.t.push_back(s.elapsed_s);
    for (ExtfragSeries::ZoneLine& line : e.lines) {
      const ZoneFrag* z = FindZone(s, line.zone);
      line.index.push_back(
          z == nullptr
              ? std::numeric_limits<double>::quiet_NaN()
              : static_cast<double>(z->extfrag_index[static_cast<size_t>(line.order)]) / 1000.0);
    }
  }
  return e;
}

LatencyOverTime ComputeLatencyOverTime(const Record& r) {
  LatencyOverTime l;
  if (r.samples.size() < 2) return l;
  for (size_t i = 1; i < r.samples.size(); ++i) l.t.push_back(r.samples[i].elapsed_s);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (int o = 0; o < kNrOrders; ++o) {
    LatencyOverTime::OrderLine line;
    line.order = o;
    for (size_t i = 1; i < r.samples.size(); ++i) {
      const RecordSample& a = r.samples[i - 1];
      const RecordSample& b = r.samples[i];
      std::array<uint64_t, kLatBuckets> step{};
      for (size_t k = 0; k < kLatBuckets; ++k) {
        auto bucket = [o, k](const RecordSample& s) {
          const LatencyHistogram* h = FindLatency(s, o);
          return h == nullptr ? uint64_t{0} : h->fast[k] + h->slow[k];
        };
        step[k] = Step(a, b, bucket);
      }
      const uint64_t n = std::accumulate(step.begin(), step.end(), uint64_t{0});
      line.count += n;
      // The interval's own maximum is not recorded; the one since the
      // reset bounds it, and the percentiles are clamped to it.
      const LatencyHistogram* h = FindLatency(b, o);
      const uint64_t max_ns = h == nullptr ? 0 : h->MaxNs();
      line.p50_ns.push_back(n == 0 ? nan : LatencyHistogram::PercentileOf(step, max_ns, 50));
      line.p99_ns.push_back(n == 0 ? nan : LatencyHistogram::PercentileOf(step, max_ns, 99));
    }
    if (line.count > 0) l.orders.push_back(std::move(line));
  }
  return l;
}

std::vector<LatencyRow> ComputeLatency(const Record& r) {
  std::vector<LatencyRow> rows;
  if (r.samples.empty()) return rows;
  for (int o = 0; o < kNrOrders; ++o) {
    // The recording's histogram: bucket by bucket increases, as counters.
    std::array<uint64_t, kLatBuckets> all{};
    uint64_t slow_count = 0;
    for (size_t b = 0; b < kLatBuckets; ++b) {
      auto bucket = [o, b](const std::array<uint64_t, kLatBuckets> LatencyHistogram::*path) {
        return [o, b, path](const RecordSample& s) {
          const LatencyHistogram* h = FindLatency(s, o);
          return h == nullptr ? uint64_t{0} : (h->*path)[b];
        };
      };
      const uint64_t fast = Increase(r, bucket(&LatencyHistogram::fast));
      const uint64_t slow = Increase(r, bucket(&LatencyHistogram::slow));
      all[b] = fast + slow;
      slow_count += slow;
    }
    const uint64_t count = std::accumulate(all.begin(), all.end(), uint64_t{0});
    if (count == 0) continue;
    const LatencyHistogram* last = FindLatency(r.samples.back(), o);
    const uint64_t max_ns = last == nullptr ? 0 : last->MaxNs();
    rows.push_back({o, count, slow_count, LatencyHistogram::PercentileOf(all, max_ns, 50),
                    LatencyHistogram::PercentileOf(all, max_ns, 90),
                    LatencyHistogram::PercentileOf(all, max_ns, 99), max_ns});
  }
  return rows;
}

Spread SpreadOf(std::vector<double> values) {
  Spread s;
  s.n = values.size();
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  s.min = values.front();
  s.max = values.back();
  s.q1 = Quantile(values, 0.25);
  s.median = Quantile(values, 0.5);
  s.q3 = Quantile(values, 0.75);
  s.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(s.n);
  if (s.n > 1) {
    double ss = 0;
    for (double v : values) ss += (v - s.mean) * (v - s.mean);
    s.sd = std::sqrt(ss / static_cast<double>(s.n - 1));
  }
  return s;
}

std::vector<PolicySuccess> ComputeSuccess(const Challenge& c) {
  std::vector<PolicySuccess> out;
  for (const std::string& policy : c.policies) {
    PolicySuccess p;
    p.policy = policy;
    for (const ChallengeRun& run : c.runs) {
      if (run.policy != policy) continue;
      if (run.error || !run.success_over_limit) {
        ++p.failed_runs;
        continue;
      }
      p.percent.push_back(100.0 * *run.success_over_limit);
      p.runs.push_back(&run);
    }
    p.spread = SpreadOf(p.percent);
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<PolicyThp> ComputeThp(const Challenge& c, ThpScenario which) {
  std::vector<PolicyThp> out;
  if (std::none_of(c.runs.begin(), c.runs.end(),
                   [which](const ChallengeRun& run) { return (run.*which).has_value(); })) {
    return out;
  }
  for (const std::string& policy : c.policies) {
    PolicyThp p;
    p.policy = policy;
    std::vector<double> p50;
    std::vector<double> p99;
    for (const ChallengeRun& run : c.runs) {
      if (run.policy != policy || !(run.*which)) continue;
      const ChallengeThp& t = *(run.*which);
      if (t.error || !t.huge_over_limit) {
        ++p.failed_runs;
        continue;
      }
      p.percent.push_back(100.0 * *t.huge_over_limit);
      p.runs.push_back(&run);
      p.thp.push_back(&t);
      p50.push_back(t.fault_p50_us);
      p99.push_back(t.fault_p99_us);
      p.agrees_with_vmstat += t.agrees_with_vmstat ? 1 : 0;
      p.lower_bound = p.lower_bound || t.limit_source == "twice_order10_lower_bound";
    }
    // A policy that did not run this scenario at all has no place in it.
    if (p.percent.empty() && p.failed_runs == 0) continue;
    p.spread = SpreadOf(p.percent);
    p.p50_us = SpreadOf(std::move(p50));
    p.p99_us = SpreadOf(std::move(p99));
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<PolicyWork> ComputeWork(const Challenge& c) {
  std::vector<PolicyWork> out;
  for (const std::string& policy : c.policies) {
    PolicyWork w;
    w.policy = policy;
    for (const char* metric : kWorkMetrics) {
      std::vector<double> values;
      for (const ChallengeRun& run : c.runs) {
        if (run.policy != policy || run.error) continue;
        auto it = run.work_per_block.find(metric);
        if (it != run.work_per_block.end() && it->second) values.push_back(*it->second);
      }
      w.per_block[metric] = SpreadOf(std::move(values));
    }
    out.push_back(std::move(w));
  }
  return out;
}

std::vector<LatencyCdf> ComputeCdfs(const Challenge& c, size_t max_points) {
  std::vector<LatencyCdf> out;
  max_points = std::max<size_t>(max_points, 2);
  for (const std::string& policy : c.policies) {
    std::vector<double> ms;
    for (const ChallengeRun& run : c.runs) {
      if (run.policy != policy || run.error) continue;
      for (const ChallengeAttempt& a : run.attempt_log) {
        ms.push_back(static_cast<double>(a.latency_ns) / 1e6);
      }
    }
    std::sort(ms.begin(), ms.end());
    LatencyCdf cdf;
    cdf.policy = policy;
    cdf.attempts = ms.size();
    const size_t n = ms.size();
    if (n > 0) {
      // Keep sample i (1-based) for evenly spaced ranks; the CDF is i/n at ms[i-1].
      const size_t keep = std::min(n, max_points);
      size_t last = 0;
      for (size_t k = 1; k <= keep; ++k) {
        const size_t i = keep == 1 ? n : 1 + (k - 1) * (n - 1) / (keep - 1);
        if (i == last) continue;
        last = i;
        cdf.points.emplace_back(ms[i - 1], static_cast<double>(i) / static_cast<double>(n));
      }
    }
    out.push_back(std::move(cdf));
  }
  return out;
}

SlabComparison ComputeSlabComparison(const SlabStudy& s, SlabGroup group) {
  // (rank, label) of a figure in its plot; rank < 0 leaves it out.
  struct Placed {
    double rank;
    std::string label;
    const SlabFigure* figure;
  };
  static const std::vector<std::string> kWorkloads = {"messaging", "files", "fork", "tcp_stream",
                                                      "tcp_connect"};
  static const std::vector<std::string> kMicro = {
      "pair",        "batch_alloc", "batch_free", "cache",      "cbatch_alloc",
      "cbatch_free", "bulk_alloc",  "bulk_free",  "xcpu_alloc", "xcpu_free"};
  static const std::vector<std::string> kSteps = {"boot",        "after_micro", "after_messaging",
                                                  "after_files", "after_fork",  "after_tcp"};
  auto index_of = [](const std::vector<std::string>& list, const std::string& v) {
    auto it = std::find(list.begin(), list.end(), v);
    return static_cast<double>(it == list.end() ? list.size() : it - list.begin());
  };
  const std::vector<SlabFigure>& figures = group == SlabGroup::kWorkloads ? s.workloads
                                           : group == SlabGroup::kMicro   ? s.micro
                                                                          : s.footprint;
  std::vector<Placed> placed;
  for (const SlabFigure& f : figures) {
    if (group == SlabGroup::kWorkloads) {
      placed.push_back({index_of(kWorkloads, f.key), f.key, &f});
    } else if (group == SlabGroup::kMicro) {
      // "pair@64": by test, then by size.
      const size_t at = f.key.find('@');
      const std::string test = f.key.substr(0, at);
      const double size =
          at == std::string::npos ? 0 : std::strtod(f.key.c_str() + at + 1, nullptr);
      placed.push_back(
          {index_of(kMicro, test) * 1e9 + size,
           at == std::string::npos ? f.key : absl::StrCat(test, " ", f.key.substr(at + 1), " B"),
           &f});
    } else {
      // "after_tcp/Slab_kB": Slab: and MemFree: only (report.py's discussion
      // names them; SReclaimable/SUnreclaim are in results.json).
      const size_t slash = f.key.find('/');
      if (slash == std::string::npos) continue;
      const std::string step = f.key.substr(0, slash);
      const std::string field = f.key.substr(slash + 1);
      double field_rank = -1;
      if (field == "Slab_kB") field_rank = 0;
      if (field == "MemFree_kB") field_rank = 1;
      if (field_rank < 0) continue;
      const std::string what = field.substr(0, field.size() - 3);
      std::string when = step == "boot" ? "at boot" : step;
      if (when.rfind("after_", 0) == 0) when = "after " + when.substr(6);
      placed.push_back(
          {field_rank * 1e3 + index_of(kSteps, step), absl::StrCat(what, " ", when), &f});
    }
  }
  std::stable_sort(placed.begin(), placed.end(), [](const Placed& a, const Placed& b) {
    return a.rank != b.rank ? a.rank < b.rank : a.label < b.label;
  });
  SlabComparison c;
  c.unit = group == SlabGroup::kWorkloads ? "s" : group == SlabGroup::kMicro ? "ns" : "kB";
  for (const std::string& a : s.allocators) {
    if (a != "SLUB") c.allocators.push_back(a);
  }
  c.ratios.resize(c.allocators.size());
  for (const Placed& p : placed) {
    c.labels.push_back(p.label);
    auto slub = p.figure->median.find("SLUB");
    c.slub_median.push_back(slub == p.figure->median.end() ? 0 : slub->second);
    for (size_t a = 0; a < c.allocators.size(); ++a) {
      auto it = p.figure->vs_slub.find(c.allocators[a]);
      c.ratios[a].push_back(it == p.figure->vs_slub.end() ? std::nullopt
                                                          : std::optional<SlabRatio>(it->second));
    }
  }
  return c;
}

}  // namespace buddyctl::report
