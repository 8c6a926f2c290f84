// SPDX-License-Identifier: GPL-2.0
#include "buddyctl/prometheus.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "golden.h"

namespace buddyctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Order 3: fast calls of 1 ns (bucket 0), 9 and 15 ns (bucket 3) and
// 5000 ns (bucket 12); one slow call of 1.5 ms (bucket 20); the hook on 2.5 s.
LatencyHistogram Order3Latency() {
  LatencyHistogram h;
  h.order = 3;
  h.fast[0] = 1;
  h.fast[3] = 2;
  h.fast[12] = 1;
  h.slow[20] = 1;
  h.fast_sum_ns = 1 + 9 + 15 + 5000;
  h.fast_max_ns = 5000;
  h.slow_sum_ns = 1500000;
  h.slow_max_ns = 1500000;
  h.missed = 2;
  h.capture_ns = 2'500'000'000;
  return h;
}

MonitorSnapshot SampleSnapshot(const std::vector<LatencyHistogram>& latency = {}) {
  Stats s;
  OrderStats o;
  o.order = 3;
  o.requests = 42;
  o.compact_by_prio = {0, 1, 2};
  s.orders.push_back(o);
  Fallback fb;
  fb.fallback_order = 3;
  fb.fallback_mt = 1;
  fb.count = 5;
  s.fallbacks.push_back(fb);
  ZoneFrag z;
  z.zone_name = "Normal";
  z.free_blocks[9][1] = 7;
  z.unusable_index[9] = 500;
  z.extfrag_index[0] = -1000;
  z.blocks_recoverable = 150;
  TunerStats t;
  TunerOrderStats to;
  to.order = 10;
  to.raises = 6;
  t.orders.push_back(to);
  t.evacuator.blocks = 58;
  t.evacuator.busy = 2;
  t.evacuator.time_ns = 1'500'000'000;
  Config c;
  c.policy = Policy::kAdaptive;
  c.threshold = 80;
  MonitorSnapshot snap;
  snap.info.kernel_release = "6.1.0-56-amd64";
  snap.info.abi_version = 1;
  snap.stats = s;
  snap.zones = {z};
  snap.tuner = t;
  snap.config = c;
  snap.latency = latency;
  snap.reset_time = absl::FromUnixSeconds(1'800'000'000);
  return snap;
}

std::string Sample(const std::vector<LatencyHistogram>& latency = {},
                   ExpositionFormat format = ExpositionFormat::kText) {
  const MonitorSnapshot snap = SampleSnapshot(latency);
  return FormatPrometheus(&snap, nullptr, format);
}

TEST(PrometheusTest, CountersWithHelpTypeAndLabels) {
  const std::string out = Sample();
  EXPECT_THAT(out, HasSubstr("# HELP buddyctl_alloc_requests_total "));
  EXPECT_THAT(out, HasSubstr("# TYPE buddyctl_alloc_requests_total counter\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_alloc_requests_total{order=\"3\"} 42\n"));
  EXPECT_THAT(out,
              HasSubstr("\nbuddyctl_compact_priority_total{order=\"3\",priority=\"async\"} 2\n"));
  EXPECT_THAT(out, HasSubstr("buddyctl_fallbacks_total{order=\"0\",fallback_order=\"3\","
                             "migratetype=\"unmovable\",fallback_migratetype=\"movable\","
                             "fragmenting=\"0\"} 5\n"));
  EXPECT_THAT(out, HasSubstr("# TYPE buddyctl_zone_free_blocks gauge\n"));
  EXPECT_THAT(out, HasSubstr("buddyctl_zone_free_blocks{node=\"0\",zone=\"Normal\",order=\"9\","
                             "migratetype=\"movable\"} 7\n"));
  EXPECT_THAT(
      out, HasSubstr("buddyctl_zone_unusable_index{node=\"0\",zone=\"Normal\",order=\"9\"} 0.5\n"));
  EXPECT_THAT(
      out, HasSubstr("buddyctl_zone_extfrag_index{node=\"0\",zone=\"Normal\",order=\"0\"} -1\n"));
  EXPECT_THAT(out, HasSubstr("buddyctl_zone_order10_blocks{node=\"0\",zone=\"Normal\","
                             "state=\"recoverable\"} 150\n"));
  EXPECT_THAT(out, HasSubstr("buddyctl_tuner_raises_total{order=\"10\"} 6\n"));
  EXPECT_THAT(out, HasSubstr("buddyctl_tuner_policy{policy=\"adaptive\"} 1\n"));
  EXPECT_THAT(out, HasSubstr("buddyctl_tuner_policy{policy=\"off\"} 0\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_up 1\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_tuner_threshold_ratio 0.8\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_monitor_reset_timestamp_seconds 1800000000\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_evacuate_blocks_total 58\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_evacuate_declined_total{reason=\"busy\"} 2\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_evacuate_seconds_total 1.5\n"));
  EXPECT_THAT(out, HasSubstr("buddyctl_monitor_info{kernel_release=\"6.1.0-56-amd64\","
                             "abi_version=\"1\"} 1\n"));
  // Pages as bytes: nothing is free in the sample zone, 0 bytes.
  EXPECT_THAT(out, HasSubstr("buddyctl_zone_free_bytes{node=\"0\",zone=\"Normal\"} 0\n"));
  EXPECT_THAT(out, Not(HasSubstr("_percent")));
  EXPECT_THAT(out, Not(HasSubstr("# EOF")));
}

TEST(PrometheusTest, DownShowsOnlyUpAndBuildInfo) {
  const std::string out = FormatPrometheus(nullptr, nullptr);
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_up 0\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_build_info{version=\""));
  EXPECT_THAT(out, Not(HasSubstr("buddyctl_alloc")));
  EXPECT_THAT(out, Not(HasSubstr("buddyctl_zone")));
  EXPECT_THAT(out, Not(HasSubstr("buddyctl_exporter")));
}

TEST(PrometheusTest, ExporterFiguresWhenGiven) {
  ExporterSelf self;
  self.scrapes = 12;
  self.collect_errors = 3;
  self.collect_seconds = 0.002;
  self.frag_interval_seconds = 30;
  self.frag_age_seconds = 7.5;
  self.resident_bytes = 409600;
  const std::string out = FormatPrometheus(nullptr, &self);
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_exporter_scrapes_total 12\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_exporter_collect_errors_total 3\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_exporter_collect_duration_seconds 0.002\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_exporter_frag_age_seconds 7.5\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_exporter_frag_interval_seconds 30\n"));
  EXPECT_THAT(out, HasSubstr("\nprocess_resident_memory_bytes 409600\n"));
  self.frag_age_seconds.reset();
  EXPECT_THAT(FormatPrometheus(nullptr, &self), Not(HasSubstr("frag_age")));
}

// OpenMetrics: counter families are named without _total in HELP and TYPE
// (samples keep it), and the exposition ends with # EOF.
TEST(PrometheusTest, OpenMetricsNamesCounterFamiliesAndEnds) {
  const std::string out = Sample({}, ExpositionFormat::kOpenMetrics);
  EXPECT_THAT(out, HasSubstr("# TYPE buddyctl_alloc_requests counter\n"));
  EXPECT_THAT(out, HasSubstr("# HELP buddyctl_alloc_requests __alloc_pages"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_alloc_requests_total{order=\"3\"} 42\n"));
  EXPECT_THAT(out, Not(HasSubstr("# TYPE buddyctl_alloc_requests_total")));
  EXPECT_THAT(out, HasSubstr("# TYPE buddyctl_zone_free_blocks gauge\n"));
  ASSERT_GE(out.size(), 6u);
  EXPECT_EQ(out.substr(out.size() - 6), "# EOF\n");
  EXPECT_EQ(out.find("# EOF"), out.size() - 6);
}

TEST(PrometheusTest, NegotiatesTheFormatFromAccept) {
  using F = ExpositionFormat;
  EXPECT_EQ(NegotiateFormat(""), F::kText);
  EXPECT_EQ(NegotiateFormat("*/*"), F::kText);
  EXPECT_EQ(NegotiateFormat("text/plain"), F::kText);
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text"), F::kOpenMetrics);
  // What Prometheus 2.42 sends.
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text;version=1.0.0,application/"
                            "openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;"
                            "q=0.5,*/*;q=0.1"),
            F::kOpenMetrics);
  EXPECT_EQ(NegotiateFormat("text/plain;version=0.0.4;q=1, application/openmetrics-text;q=0.5"),
            F::kText);
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text;q=0"), F::kText);
  EXPECT_EQ(NegotiateFormat("Application/OpenMetrics-Text; q=0.9"), F::kOpenMetrics);
}

TEST(PrometheusTest, ResetWallTimeSubtractsTheKernelsElapsedTime) {
  Stats s;
  s.reset_time_ns = 2'000'000'000;
  s.now_ns = 7'500'000'000;
  EXPECT_EQ(ResetWallTime(s, absl::FromUnixSeconds(1000)), absl::FromUnixMillis(994'500));
  s.now_ns = 1;  // a clock that went backwards is "just now", not the future
  EXPECT_EQ(ResetWallTime(s, absl::FromUnixSeconds(1000)), absl::FromUnixSeconds(1000));
}

TEST(PrometheusTest, NoLatencyFamiliesWithoutHistograms) {
  EXPECT_THAT(Sample(), Not(HasSubstr("buddyctl_alloc_latency")));
  EXPECT_THAT(Sample(), Not(HasSubstr("buddyctl_latency_capture_seconds")));
}

// The duty is a ratio like the threshold; the capture time a counter of
// seconds, the time the histograms' counts were taken in.
TEST(PrometheusTest, LatencyDutyAndCaptureTime) {
  EXPECT_THAT(Sample(), HasSubstr("# TYPE buddyctl_latency_duty_ratio gauge\n"
                                  "buddyctl_latency_duty_ratio 1\n"));
  MonitorSnapshot snap = SampleSnapshot({Order3Latency()});
  snap.config.latency_duty_pct = 10;
  snap.latency[0].capture_ns = 6'000'000'001;
  const std::string out = FormatPrometheus(&snap, nullptr);
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_latency_duty_ratio 0.1\n"));
  EXPECT_THAT(out, HasSubstr("# TYPE buddyctl_latency_capture_seconds_total counter\n"
                             "buddyctl_latency_capture_seconds_total 6.000000001\n"));
  const std::string om = FormatPrometheus(&snap, nullptr, ExpositionFormat::kOpenMetrics);
  EXPECT_THAT(om, HasSubstr("# TYPE buddyctl_latency_capture_seconds counter\n"));
}

// The latency section for one order, against a golden file (golden.h).
TEST(PrometheusTest, LatencyHistogramGolden) {
  const std::string out = Sample({Order3Latency()});
  const size_t at = out.find("# HELP buddyctl_alloc_latency_seconds ");
  ASSERT_NE(at, std::string::npos);
  testing::ExpectGolden("prometheus_latency.txt", out.substr(at));
}

// What a scraper checks, over a whole export with histograms for every
// order: each line is a comment or a sample of the text format; a family's
// HELP and TYPE come once, before its samples, and its samples are not
// interleaved with another family's; counters end in _total; each histogram
// series has buckets with increasing le, non-decreasing cumulative counts,
// a last le="+Inf" equal to its _count, and a _sum.
TEST(PrometheusTest, ExpositionFormatIsValid) {
  std::vector<LatencyHistogram> latency;
  for (uint32_t o = 0; o < kNrOrders; ++o) {
    LatencyHistogram h = Order3Latency();
    h.order = o;
    h.fast[static_cast<size_t>(o) + 5] += o;
    latency.push_back(h);
  }
  const std::string out = Sample(latency);
  const std::regex sample_re(
      R"re(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? (\S+))re");
  const std::regex label_re(R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)")re");
  const std::regex meta_re(R"re(# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*))re");
  std::map<std::string, std::string> type;  // family -> type
  std::set<std::string> helped;
  std::set<std::string> finished;  // families whose samples are over
  std::string current;
  struct Series {
    std::vector<std::pair<double, double>> buckets;  // (le, cumulative)
    std::optional<double> sum;
    std::optional<double> count;
  };
  std::map<std::string, Series> histo;  // family + labels without le
  std::istringstream in(out);
  std::string line;
  int samples = 0;
  while (std::getline(in, line)) {
    std::smatch m;
    if (line.rfind('#', 0) == 0) {
      ASSERT_TRUE(std::regex_match(line, m, meta_re)) << line;
      const std::string name = m[2];
      if (m[1] == "HELP") {
        EXPECT_TRUE(helped.insert(name).second) << "second HELP: " << line;
      } else {
        EXPECT_TRUE(type.emplace(name, m[3]).second) << "second TYPE: " << line;
        EXPECT_TRUE(m[3] == "counter" || m[3] == "gauge" || m[3] == "histogram") << line;
        // Base units: no percentages or milliseconds in names.
        EXPECT_EQ(name.find("percent"), std::string::npos) << line;
        EXPECT_EQ(name.find("_ms"), std::string::npos) << line;
      }
      continue;
    }
    ASSERT_TRUE(std::regex_match(line, m, sample_re)) << "not a sample: " << line;
    ++samples;
    std::string name = m[1];
    const std::string value = m[5];
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    EXPECT_TRUE(!value.empty() && *end == '\0' && std::isfinite(v)) << line;
    std::string family = name;
    std::string suffix;
    for (const char* s : {"_bucket", "_sum", "_count"}) {
      const std::string sfx = s;
      if (name.size() > sfx.size() &&
          name.compare(name.size() - sfx.size(), sfx.size(), sfx) == 0 &&
          type.count(name.substr(0, name.size() - sfx.size())) != 0 &&
          type[name.substr(0, name.size() - sfx.size())] == "histogram") {
        family = name.substr(0, name.size() - sfx.size());
        suffix = sfx;
      }
    }
    ASSERT_TRUE(type.count(family)) << "sample before its TYPE line: " << line;
    EXPECT_TRUE(helped.count(family)) << "sample without HELP: " << line;
    if (family != current) {
      EXPECT_FALSE(finished.count(family)) << "family interleaved: " << line;
      if (!current.empty()) finished.insert(current);
      current = family;
    }
    if (type[family] == "counter") {
      EXPECT_EQ(family.substr(family.size() - 6), "_total") << line;
    }
    if (type[family] != "histogram") continue;
    ASSERT_FALSE(suffix.empty()) << "histogram sample without _bucket/_sum/_count: " << line;
    std::string key = family;
    std::optional<std::string> le;
    const std::string labels = m[2];
    for (auto it = std::sregex_iterator(labels.begin(), labels.end(), label_re);
         it != std::sregex_iterator(); ++it) {
      if ((*it)[1] == "le") {
        le = (*it)[2];
      } else {
        key += "," + (*it)[0].str();
      }
    }
    Series& s = histo[key];
    if (suffix == "_bucket") {
      ASSERT_TRUE(le.has_value()) << line;
      const double bound = *le == "+Inf" ? HUGE_VAL : std::strtod(le->c_str(), nullptr);
      if (!s.buckets.empty()) {
        EXPECT_GT(bound, s.buckets.back().first) << line;
        EXPECT_GE(v, s.buckets.back().second) << line;
      }
      s.buckets.emplace_back(bound, v);
    } else {
      EXPECT_FALSE(le.has_value()) << line;
      (suffix == "_sum" ? s.sum : s.count) = v;
    }
  }
  EXPECT_GT(samples, 1000);
  ASSERT_EQ(histo.size(), 2 * kNrOrders);  // every order, fast and slow
  for (const auto& [key, s] : histo) {
    ASSERT_EQ(s.buckets.size(), kLatBuckets + 1) << key;
    EXPECT_EQ(s.buckets.back().first, HUGE_VAL) << key;
    ASSERT_TRUE(s.count.has_value() && s.sum.has_value()) << key;
    EXPECT_EQ(s.buckets.back().second, *s.count) << key;
    // le of bucket i is 2^(i+1)-1 ns: whole nanoseconds below 2^(i+1).
    for (size_t i = 0; i < kLatBuckets; ++i) {
      EXPECT_EQ(std::llround(s.buckets[i].first * 1e9), (int64_t{1} << (i + 1)) - 1) << key;
    }
  }
  EXPECT_EQ(histo.at("buddyctl_alloc_latency_seconds,order=\"3\",path=\"fast\"").count, 4 + 3);
  EXPECT_DOUBLE_EQ(*histo.at("buddyctl_alloc_latency_seconds,order=\"3\",path=\"slow\"").sum,
                   0.0015);
}

TEST(PrometheusTest, EveryFamilyHasOneTypeLineAndEverySampleAFamily) {
  std::istringstream in(Sample());
  std::set<std::string> typed;
  std::string line;
  while (std::getline(in, line)) {
    ASSERT_FALSE(line.empty());
    if (line.rfind("# TYPE ", 0) == 0) {
      std::string name = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_TRUE(typed.insert(name).second) << "duplicate TYPE for " << name;
      continue;
    }
    if (line[0] == '#') continue;
    std::string name = line.substr(0, line.find_first_of("{ "));
    EXPECT_TRUE(typed.count(name)) << "sample before its TYPE line: " << line;
  }
  EXPECT_GT(typed.size(), 20u);
}

}  // namespace
}  // namespace buddyctl
