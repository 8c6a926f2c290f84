// SPDX-License-Identifier: GPL-2.0
// JSON field names are a contract: the report, `buddyctl record` files and
// users' scripts read them, so a rename breaks them silently.
#include "buddyctl/json.h"

#include <gtest/gtest.h>

namespace buddyctl {
namespace {

using nlohmann::json;

TEST(JsonTest, StatsHasTheFixedFieldNames) {
  Stats s;
  OrderStats o;
  o.order = 3;
  o.requests = 10;
  o.successes = 8;
  o.failures = 2;
  o.slowpath = 1;
  o.compact_attempts = 4;
  o.compact_by_prio = {1, 2, 3};
  o.compact_by_result[kCompactResultSuccess] = 5;
  o.requests_by_mt[1] = 6;
  s.orders.push_back(o);
  s.now_ns = 99;
  json j = s;
  ASSERT_TRUE(j.contains("orders"));
  ASSERT_EQ(j["orders"].size(), 1u);
  const json& jo = j["orders"][0];
  EXPECT_EQ(jo["order"], 3);
  EXPECT_EQ(jo["requests"], 10);
  EXPECT_EQ(jo["successes"], 8);
  EXPECT_EQ(jo["failures"], 2);
  EXPECT_EQ(jo["slowpath"], 1);
  EXPECT_EQ(jo["compact_attempts"], 4);
  EXPECT_EQ(jo["compact_by_prio"]["sync_full"], 1);
  EXPECT_EQ(jo["compact_by_prio"]["sync_light"], 2);
  EXPECT_EQ(jo["compact_by_prio"]["async"], 3);
  EXPECT_EQ(jo["compact_by_result"]["success"], 5);
  EXPECT_EQ(jo["compact_by_result"]["not_suitable_zone"], 0);
  EXPECT_EQ(jo["requests_by_mt"]["movable"], 6);
  EXPECT_TRUE(jo.contains("raises"));
  EXPECT_FALSE(jo.contains("adaptive"));
  EXPECT_TRUE(jo.contains("compact_deferred"));
  EXPECT_TRUE(jo.contains("compact_requests"));
  EXPECT_TRUE(jo.contains("failures_by_mt"));
  EXPECT_EQ(j["now_ns"], 99);
  EXPECT_TRUE(j.contains("fallbacks"));
  EXPECT_TRUE(j.contains("slowpath_missed"));
  EXPECT_TRUE(j.contains("events_dropped"));
}

TEST(JsonTest, LatencyCarriesPercentilesAndBuckets) {
  LatencyHistogram h;
  h.order = 9;
  h.fast[10] = 4;
  h.fast_max_ns = 2000;
  h.capture_ns = 6'000'000'000;
  json j = h;
  EXPECT_EQ(j["order"], 9);
  EXPECT_EQ(j["count"], 4);
  EXPECT_DOUBLE_EQ(j["p50_ns"].get<double>(), 1536.0);
  EXPECT_EQ(j["max_ns"], 2000);
  EXPECT_EQ(j["fast"]["buckets"].size(), static_cast<size_t>(kLatBuckets));
  EXPECT_EQ(j["fast"]["buckets"][10], 4);
  EXPECT_EQ(j["slow"]["count"], 0);
  EXPECT_EQ(j["capture_ns"], 6'000'000'000);
}

TEST(JsonTest, ZoneKeepsSignedIndices) {
  ZoneFrag z;
  z.zone_name = "Normal";
  z.extfrag_index[0] = -1000;
  z.unusable_index[9] = 937;
  z.free_blocks[9][1] = 7;
  z.blocks_recoverable = 150;
  json j = z;
  EXPECT_EQ(j["zone"], "Normal");
  EXPECT_EQ(j["extfrag_index_x1000"][0], -1000);
  EXPECT_EQ(j["unusable_index_x1000"][9], 937);
  EXPECT_EQ(j["free_blocks"][9]["order"], 9);
  EXPECT_EQ(j["free_blocks"][9]["movable"], 7);
  EXPECT_EQ(j["blocks_recoverable"], 150);
}

TEST(JsonTest, ConfigAndEventUseNames) {
  Config c;
  c.policy = Policy::kAlwaysMax;
  c.threshold = 80;
  json jc = c;
  EXPECT_EQ(jc["policy"], "always-max");
  EXPECT_EQ(jc["threshold"], 80);
  EXPECT_TRUE(jc.contains("bg_interval_ms"));
  EXPECT_EQ(jc["latency_duty_pct"], 100);
  c.latency_duty_pct = 10;
  EXPECT_EQ(json(c)["latency_duty_pct"], 10);

  Event e;
  e.type = static_cast<uint32_t>(EventType::kCompact);
  e.order = 9;
  e.prio = 0;
  e.result = kCompactResultSuccess;
  json je = e;
  EXPECT_EQ(je["type"], "compact");
  EXPECT_EQ(je["order"], 9);
  EXPECT_EQ(je["prio"], "sync_full");
  EXPECT_EQ(je["result"], "success");
  EXPECT_FALSE(je.contains("gfp"));  // absent fields are omitted
}

TEST(JsonTest, HotAndFrag) {
  HotStatus s;
  s.state = HotState::kDone;
  s.gfp = HotGfp::kRetry;
  s.stop_reason = HotStopReason::kMemFloor;
  json js = s;
  EXPECT_EQ(js["state"], "done");
  EXPECT_EQ(js["gfp"], "retry");
  EXPECT_EQ(js["stop_reason"], "mem_floor");
  HotSummary sum;
  json jsum = sum;
  EXPECT_TRUE(jsum["first_success_ns"].is_null());
  FragStatus f;
  f.pinned_blocks = 3;
  f.sweep_stop = FragSweepStop::kTarget;
  json jf = f;
  EXPECT_EQ(jf["pinned_blocks"], 3);
  EXPECT_EQ(jf["sweep_stop"], "target");
}

}  // namespace
}  // namespace buddyctl
