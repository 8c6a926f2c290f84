// SPDX-License-Identifier: GPL-2.0
#include "buddyctl/prometheus.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace buddyctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Order 3: fast calls of 1 ns (bucket 0), 9 and 15 ns (bucket 3) and
// 5000 ns (bucket 12); one slow call of 1.5 ms (bucket 20).
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
  return h;
}

std::string Sample(const std::vector<LatencyHistogram>& latency = {}) {
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
  Config c;
  c.policy = Policy::kAdaptive;
  c.threshold = 80;
  return FormatPrometheus(s, {z}, t, c, latency);
}

TEST(PrometheusTest, CountersWithHelpTypeAndLabels) {
  const std::string out = Sample();
  EXPECT_THAT(out, HasSubstr("# HELP buddy_alloc_requests_total "));
  EXPECT_THAT(out, HasSubstr("# TYPE buddy_alloc_requests_total counter\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddy_alloc_requests_total{order=\"3\"} 42\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddy_compact_prio_total{order=\"3\",prio=\"async\"} 2\n"));
  EXPECT_THAT(out, HasSubstr("buddy_fallbacks_total{order=\"0\",fallback_order=\"3\","
                             "migratetype=\"unmovable\",fallback_migratetype=\"movable\","
                             "fragmenting=\"0\"} 5\n"));
  EXPECT_THAT(out, HasSubstr("# TYPE buddy_zone_free_blocks gauge\n"));
  EXPECT_THAT(out, HasSubstr("buddy_zone_free_blocks{node=\"0\",zone=\"Normal\",order=\"9\","
                             "migratetype=\"movable\"} 7\n"));
  EXPECT_THAT(out,
              HasSubstr("buddy_zone_unusable_index{node=\"0\",zone=\"Normal\",order=\"9\"} 0.5\n"));
  EXPECT_THAT(out,
              HasSubstr("buddy_zone_extfrag_index{node=\"0\",zone=\"Normal\",order=\"0\"} -1\n"));
  EXPECT_THAT(out, HasSubstr("buddy_zone_order10_blocks{node=\"0\",zone=\"Normal\","
                             "state=\"recoverable\"} 150\n"));
  EXPECT_THAT(out, HasSubstr("buddy_tuner_raises_total{order=\"10\"} 6\n"));
  EXPECT_THAT(out, HasSubstr("buddy_tuner_policy{policy=\"adaptive\"} 1\n"));
  EXPECT_THAT(out, HasSubstr("buddy_tuner_policy{policy=\"off\"} 0\n"));
}

TEST(PrometheusTest, NoLatencyFamiliesWithoutHistograms) {
  EXPECT_THAT(Sample(), Not(HasSubstr("buddy_alloc_latency")));
}

// The latency section for one order, against a golden file. To regenerate
// after an intended change: BUDDYCTL_UPDATE_GOLDEN=1 build/tests/unit/buddyctl_unit_tests
// --gtest_filter='PrometheusTest.LatencyHistogramGolden', then read the diff.
TEST(PrometheusTest, LatencyHistogramGolden) {
  const std::string out = Sample({Order3Latency()});
  const size_t at = out.find("# HELP buddy_alloc_latency_seconds ");
  ASSERT_NE(at, std::string::npos);
  const std::string section = out.substr(at);
  const std::string path = std::string(BUDDYCTL_UNIT_GOLDEN) + "/prometheus_latency.txt";
  if (std::getenv("BUDDYCTL_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path) << section;
  }
  std::ifstream in(path);
  ASSERT_TRUE(in) << "missing golden file " << path;
  std::stringstream golden;
  golden << in.rdbuf();
  EXPECT_EQ(section, golden.str());
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
  EXPECT_EQ(histo.at("buddy_alloc_latency_seconds,order=\"3\",path=\"fast\"").count, 4 + 3);
  EXPECT_DOUBLE_EQ(*histo.at("buddy_alloc_latency_seconds,order=\"3\",path=\"slow\"").sum, 0.0015);
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
