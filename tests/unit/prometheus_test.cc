// SPDX-License-Identifier: GPL-2.0
#include "buddyctl/prometheus.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>

namespace buddyctl {
namespace {

using ::testing::HasSubstr;

std::string Sample() {
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
  return FormatPrometheus(s, {z}, t, c);
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
