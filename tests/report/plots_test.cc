// SPDX-License-Identifier: GPL-2.0
// Golden data: the numbers behind every plot, from the fixtures in
// fixtures/ (written by fixtures/make_fixtures.py, whose comments give the
// inputs). Each expected value is worked out by hand below.
#include "plots.h"

#include <cmath>
#include <string>
#include <variant>

#include "charts.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "load.h"

namespace buddyctl::report {
namespace {

using ::testing::ElementsAre;
using ::testing::Pointwise;

std::string Fixture(const std::string& name) {
  return std::string(BUDDYCTL_REPORT_FIXTURES) + "/" + name;
}

template <typename T>
T Load(const std::string& name) {
  auto in = LoadInput(Fixture(name));
  EXPECT_TRUE(in.ok()) << in.status();
  if (!in.ok()) return T{};
  EXPECT_TRUE(std::holds_alternative<T>(*in)) << name << " loaded as another kind";
  return std::holds_alternative<T>(*in) ? std::get<T>(*std::move(in)) : T{};
}

MATCHER_P(Near, tolerance, "") {
  return std::fabs(std::get<0>(arg) - std::get<1>(arg)) <= tolerance;
}

// ---- recording: record.jsonl, 4 samples 1 s apart, reset_time_ns constant -----

class RecordTest : public ::testing::Test {
 protected:
  void SetUp() override { rec_ = Load<Record>("record.jsonl"); }
  Record rec_;
};

TEST_F(RecordTest, Loads) {
  ASSERT_EQ(rec_.samples.size(), 4u);
  EXPECT_EQ(rec_.samples[3].elapsed_s, 3.0);
  EXPECT_EQ(rec_.samples[0].zones.size(), 2u);
}

// Sample 0 holds counts from before the recording (order 0: 5000 requests);
// each of the 3 intervals adds req_inc = [1000, 200, 50, 30, 5, 2, 1, 0, 0,
// 8, 4], so the window holds 3 * req_inc and never the 5000.
TEST_F(RecordTest, OrderDistributionCountsTheWindow) {
  const OrderDistribution d = ComputeOrderDistribution(rec_);
  EXPECT_FALSE(d.since_reset);
  EXPECT_EQ(d.window_s, 3.0);
  EXPECT_THAT(d.requests, ElementsAre(3000, 600, 150, 90, 15, 6, 3, 0, 0, 24, 12));
  // failures: 2 per interval at order 9, 3 at order 10.
  EXPECT_THAT(d.failures, ElementsAre(0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 9));
  EXPECT_THAT(d.successes, ElementsAre(3000, 600, 150, 90, 15, 6, 3, 0, 0, 18, 3));
  EXPECT_THAT(d.slowpath, ElementsAre(0, 0, 0, 3, 0, 0, 0, 0, 0, 12, 12));
  EXPECT_THAT(d.compactions, ElementsAre(0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 12));
}

// record_reset.jsonl: the same, but the counters were reset between samples
// 1 and 2 (reset_time_ns changes) and count from 0 again: one interval's
// worth at sample 2, two at sample 3. Order-0 requests read 5000, 6000, 400,
// 1400: increases 1000, then 400 (all of it since the reset), then 1000.
TEST(RecordResetTest, ACounterResetCountsTheValueSinceTheReset) {
  const Record r = Load<Record>("record_reset.jsonl");
  const OrderDistribution d = ComputeOrderDistribution(r);
  EXPECT_EQ(d.requests[0], 2400u);
  // Elsewhere 3 intervals' worth, as without the reset (inc, inc since the reset, inc).
  EXPECT_THAT(d.requests, ElementsAre(2400, 600, 150, 90, 15, 6, 3, 0, 0, 24, 12));
  EXPECT_THAT(d.failures, ElementsAre(0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 9));
}

TEST(RecordSingleSampleTest, OneSampleGivesTheCountsSinceTheReset) {
  Record r = Load<Record>("record.jsonl");
  r.samples.resize(1);
  const OrderDistribution d = ComputeOrderDistribution(r);
  EXPECT_TRUE(d.since_reset);
  EXPECT_EQ(d.requests[0], 5000u);
  EXPECT_EQ(d.requests[9], 20u);
}

// DMA: one order-10 block throughout. DMA32 at sample i: 1024 order-0 blocks,
// 128 order-3, 2 order-9 and 3-i order-10.
TEST_F(RecordTest, BuddyinfoHeatmapPerZone) {
  const std::vector<ZoneHeatmap> maps = ComputeBuddyinfo(rec_);
  ASSERT_EQ(maps.size(), 2u);
  EXPECT_EQ(maps[0].zone, "node 0 DMA");
  EXPECT_EQ(maps[1].zone, "node 0 DMA32");
  EXPECT_THAT(maps[1].t, ElementsAre(0, 1, 2, 3));
  ASSERT_EQ(maps[1].free_blocks.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_THAT(maps[1].free_blocks[i], ElementsAre(1024, 0, 0, 128, 0, 0, 0, 0, 0, 2, 3 - i));
    EXPECT_THAT(maps[0].free_blocks[i], ElementsAre(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1));
  }
}

// Free pages at sample i: DMA 1024 + DMA32 1024 + 1024 + 1024 + 1024 * (3-i)
// = 1024 * (7-i). Below order 3: the 1024 order-0 pages; below order 9 also
// the 1024 in order-3 blocks; below order 10 also the 1024 in order-9 blocks.
TEST_F(RecordTest, FragmentationOverAllZones) {
  const FragmentationSeries f = ComputeFragmentation(rec_);
  EXPECT_THAT(f.t, ElementsAre(0, 1, 2, 3));
  auto pct = [](double part) {
    std::vector<double> v(4);
    for (int i = 0; i < 4; ++i) v[static_cast<size_t>(i)] = 100.0 * part / (7 - i);
    return v;
  };
  EXPECT_THAT(f.all_zones[0], Pointwise(Near(1e-9), pct(1)));  // order 3
  EXPECT_THAT(f.all_zones[1], Pointwise(Near(1e-9), pct(2)));  // order 9
  EXPECT_THAT(f.all_zones[2], Pointwise(Near(1e-9), pct(3)));  // order 10
}

// The kernel's own per-zone index, as the fixture wrote it (x1000): DMA32
// order 10 = 3/(6-i) truncated: 500, 600, 750, 1000; DMA: 0.
TEST_F(RecordTest, FragmentationPerZoneIsTheKernelsIndex) {
  const FragmentationSeries f = ComputeFragmentation(rec_);
  ASSERT_EQ(f.per_zone.size(), 6u);  // 2 zones x orders 3, 9, 10
  EXPECT_EQ(f.per_zone[5].zone, "node 0 DMA32");
  EXPECT_EQ(f.per_zone[5].order, 10);
  EXPECT_THAT(f.per_zone[5].percent, ElementsAre(50.0, 60.0, 75.0, 100.0));
  EXPECT_THAT(f.per_zone[3].percent, ElementsAre(16.6, 20.0, 25.0, 33.3));  // DMA32 order 3
  EXPECT_THAT(f.per_zone[2].percent, ElementsAre(0, 0, 0, 0));              // DMA order 10
}

// Tuner counters (cumulative): raises order 9 = 0, 2, 2, 5 and order 10 =
// 0, 1, 1, 1; deferrals order 10 = 0, 0, 1, 1; background triggers 0, 0, 0, 1.
TEST_F(RecordTest, TunerDecisionsPerInterval) {
  const FragmentationSeries f = ComputeFragmentation(rec_);
  EXPECT_THAT(f.raises, ElementsAre(0, 3, 0, 3));
  EXPECT_THAT(f.deferrals, ElementsAre(0, 0, 1, 0));
  EXPECT_THAT(f.would_raise, ElementsAre(0, 0, 0, 0));
  EXPECT_THAT(f.bg_triggers, ElementsAre(0, 0, 0, 1));
}

// Config: adaptive at 80 % for samples 0 and 1, always-max from sample 2,
// threshold 80 -> 50 at sample 3; min order 3 throughout.
TEST_F(RecordTest, ConfigChangesAreMarkedWhereTheyFirstShow) {
  const FragmentationSeries f = ComputeFragmentation(rec_);
  EXPECT_EQ(f.initial_config, "adaptive, threshold 80 %, min order 3");
  ASSERT_EQ(f.config_changes.size(), 2u);
  EXPECT_EQ(f.config_changes[0].t, 2.0);
  EXPECT_EQ(f.config_changes[0].what, "adaptive → always-max");
  EXPECT_EQ(f.config_changes[1].t, 3.0);
  EXPECT_EQ(f.config_changes[1].what, "threshold 80 → 50 %");
}

// The same changes in the chart: one pin per change at the top of the index
// panel, each with a dashed line and its text as label and tooltip.
TEST_F(RecordTest, FragmentationPlotMarksConfigChanges) {
  const Section s = RecordSection(rec_, "in1");
  const Plot* frag = nullptr;
  for (const Plot& p : s.plots) {
    if (p.id == "in1-frag") frag = &p;
  }
  ASSERT_NE(frag, nullptr);
  const nlohmann::json* marks = nullptr;
  for (const nlohmann::json& series : frag->option["series"]) {
    if (series["name"] == "tuner configuration changed") marks = &series;
  }
  ASSERT_NE(marks, nullptr);
  EXPECT_EQ((*marks)["type"], "scatter");
  ASSERT_EQ((*marks)["data"].size(), 2u);
  EXPECT_EQ((*marks)["data"][0]["value"], nlohmann::json::array({2.0, 100}));
  EXPECT_EQ((*marks)["data"][0]["tip"], "adaptive → always-max");
  EXPECT_EQ((*marks)["data"][1]["name"], "threshold 80 → 50 %");
  EXPECT_EQ((*marks)["markLine"]["data"],
            nlohmann::json::parse(R"([{"xAxis": 2.0}, {"xAxis": 3.0}])"));
  EXPECT_NE(frag->caption.find("Tuner at the first sample: adaptive, threshold 80 %"),
            std::string::npos);
}

// Order 0, fast path, per interval: +600 in bucket 8 [256, 512), +300 in
// bucket 9 [512, 1024), +100 in bucket 12 [4096, 8192): over 3 intervals
// 1800, 900, 300 = 3000 calls; max 7000 ns.
//   p50: rank 1500 in bucket 8: 256 + 256 * 1500/1800 = 469.33
//   p90: rank 2700 = the end of bucket 9: 512 + 512 * 900/900 = 1024
//   p99: rank 2970 in bucket 12: 4096 + 4096 * 270/300 = 7782.4, clamped to the max 7000
// Order 10, slow path: +4 per interval in bucket 20 [2^20, 2^21): 12 calls, max 2e6.
//   p50: 2^20 * (1 + 6/12); p90: 2^20 * (1 + 10.8/12); p99 clamped to 2e6.
// Orders 1..9 timed nothing: no row.
TEST_F(RecordTest, LatencyPercentilesPerOrder) {
  const std::vector<LatencyRow> rows = ComputeLatency(rec_);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].order, 0);
  EXPECT_EQ(rows[0].count, 3000u);
  EXPECT_EQ(rows[0].slow_count, 0u);
  EXPECT_NEAR(rows[0].p50_ns, 256 + 256.0 * 1500 / 1800, 1e-9);
  EXPECT_NEAR(rows[0].p90_ns, 1024, 1e-9);
  EXPECT_NEAR(rows[0].p99_ns, 7000, 1e-9);
  EXPECT_EQ(rows[0].max_ns, 7000u);
  EXPECT_EQ(rows[1].order, 10);
  EXPECT_EQ(rows[1].count, 12u);
  EXPECT_EQ(rows[1].slow_count, 12u);
  EXPECT_NEAR(rows[1].p50_ns, 1048576 * 1.5, 1e-6);
  EXPECT_NEAR(rows[1].p90_ns, 1048576 * (1 + 10.8 / 12), 1e-6);
  EXPECT_NEAR(rows[1].p99_ns, 2000000, 1e-9);
  EXPECT_EQ(rows[1].max_ns, 2000000u);
}

// The recorded index, as the fixture computes it the kernel's way: DMA32
// holds 1024 order-0, 128 order-3, 2 order-9 and 3 - i order-10 blocks at
// sample i; DMA one order-10 block. Every request has a block but order
// 10 in DMA32 at sample 3: 1154 blocks, 3072 free pages:
// 1000 - (1000 + 3072000 / 1024) / 1154 = 1000 - 3 = 997.
TEST_F(RecordTest, ExtfragPerZoneAndOrder) {
  const ExtfragSeries e = ComputeExtfrag(rec_);
  EXPECT_THAT(e.t, ElementsAre(0, 1, 2, 3));
  ASSERT_EQ(e.lines.size(), 2 * kFragOrders.size());
  EXPECT_EQ(e.lines[0].zone, "node 0 DMA");
  EXPECT_THAT(e.lines[2].index, ElementsAre(-1, -1, -1, -1));
  EXPECT_EQ(e.lines[3].zone, "node 0 DMA32");
  EXPECT_EQ(e.lines[3].order, 3);
  EXPECT_THAT(e.lines[3].index, ElementsAre(-1, -1, -1, -1));
  EXPECT_THAT(e.lines[4].index, ElementsAre(-1, -1, -1, -1));
  EXPECT_EQ(e.lines[5].order, 10);
  EXPECT_THAT(e.lines[5].index, ElementsAre(-1, -1, -1, 0.997));
}

// Per interval (see LatencyPercentilesPerOrder for the buckets): order 0
// times 1000 calls, p50 at rank 500 in bucket 8: 256 + 256 * 500/600; p99
// at rank 990 in bucket 12: 4096 + 4096 * 90/100 = 7782.4, clamped to the
// 7000 ns maximum. Order 10 times 4 calls in bucket 20: p50 2^20 * 1.5;
// p99 2^20 * 1.99, clamped to 2e6.
TEST_F(RecordTest, LatencyOverTimePerInterval) {
  const LatencyOverTime l = ComputeLatencyOverTime(rec_);
  EXPECT_THAT(l.t, ElementsAre(1, 2, 3));
  ASSERT_EQ(l.orders.size(), 2u);
  EXPECT_EQ(l.orders[0].order, 0);
  EXPECT_EQ(l.orders[0].count, 3000u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(l.orders[0].p50_ns[i], 256 + 256.0 * 500 / 600, 1e-9);
    EXPECT_NEAR(l.orders[0].p99_ns[i], 7000, 1e-9);
    EXPECT_NEAR(l.orders[1].p50_ns[i], 1048576 * 1.5, 1e-6);
    EXPECT_NEAR(l.orders[1].p99_ns[i], 2000000, 1e-9);
  }
  EXPECT_EQ(l.orders[1].order, 10);
  EXPECT_EQ(l.orders[1].count, 12u);
}

TEST(LatencyOverTimeTest, OneSampleHasNoInterval) {
  Record r;
  r.samples.resize(1);
  EXPECT_TRUE(ComputeLatencyOverTime(r).orders.empty());
  EXPECT_TRUE(ComputeLatencyOverTime(r).t.empty());
}

// ---- challenge.json: 3 policies; adaptive-80's third run failed --------------------

class ChallengeTest : public ::testing::Test {
 protected:
  void SetUp() override { c_ = Load<Challenge>("challenge.json"); }
  Challenge c_;
};

TEST_F(ChallengeTest, PoliciesInRunOrder) {
  EXPECT_THAT(c_.policies, ElementsAre("stock", "adaptive-80", "always-max"));
  EXPECT_EQ(c_.runs.size(), 8u);
  EXPECT_EQ(c_.scenario.at("gfp"), "retry");
  EXPECT_EQ(c_.scenario.at("pin_percent"), "60");
}

// stock: 2, 1 and 0 of a limit of 4 -> 50, 25, 0 %: quartiles by linear
// interpolation 12.5, 25, 37.5; mean 25; sd 25. adaptive-80: 9/10, 10/10 and
// one failed run. always-max: 10/10, 19/20.
TEST_F(ChallengeTest, SuccessOverLimitWithSpread) {
  const std::vector<PolicySuccess> s = ComputeSuccess(c_);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].policy, "stock");
  EXPECT_THAT(s[0].percent, ElementsAre(50, 25, 0));
  EXPECT_EQ(s[0].spread.n, 3u);
  EXPECT_EQ(s[0].spread.min, 0);
  EXPECT_EQ(s[0].spread.q1, 12.5);
  EXPECT_EQ(s[0].spread.median, 25);
  EXPECT_EQ(s[0].spread.q3, 37.5);
  EXPECT_EQ(s[0].spread.max, 50);
  EXPECT_EQ(s[0].spread.mean, 25);
  EXPECT_NEAR(s[0].spread.sd, 25, 1e-9);
  EXPECT_EQ(s[0].failed_runs, 0);
  EXPECT_EQ(s[1].policy, "adaptive-80");
  EXPECT_THAT(s[1].percent, ElementsAre(90, 100));
  EXPECT_EQ(s[1].failed_runs, 1);
  EXPECT_EQ(s[1].spread.median, 95);
  EXPECT_NEAR(s[1].spread.sd, std::sqrt(50.0), 1e-9);
  EXPECT_THAT(s[2].percent, ElementsAre(100, 95));
  ASSERT_EQ(s[2].runs.size(), 2u);
  EXPECT_EQ(s[2].runs[1]->successes, 19u);
}

// Pages migrated per block: stock 1000 and 3000 (its third run got no
// block: null, left out), adaptive-80 500 and 700, always-max 400 and 600.
// Scanned for migration is 10x that, for free pages 20x, isolated 2x.
// THP runs (fixture): stock 25 % and 100 % of the order-9 limit, its third
// failed; adaptive-80 50 %, 105 % (a lower-bound limit) and 95 % beside its
// failed 4 MiB run; always-max 90 % and 100 %.
TEST_F(ChallengeTest, ThpOverOrder9Limit) {
  const std::vector<PolicyThp> t = ComputeThp(c_);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].policy, "stock");
  EXPECT_THAT(t[0].percent, ElementsAre(25.0, 100.0));
  EXPECT_EQ(t[0].failed_runs, 1);
  EXPECT_NEAR(t[0].p99_us.mean, 4000.0, 1e-9);
  EXPECT_FALSE(t[0].lower_bound);
  EXPECT_THAT(t[1].percent, ElementsAre(50.0, 105.0, 95.0));
  EXPECT_EQ(t[1].runs[2]->rep, 3);
  EXPECT_TRUE(t[1].runs[2]->error.has_value());  // the 4 MiB run failed, not the THP one
  EXPECT_TRUE(t[1].lower_bound);
  EXPECT_EQ(t[1].agrees_with_vmstat, 3);
  EXPECT_NEAR(t[2].spread.median, 95.0, 1e-9);
  EXPECT_NEAR(t[2].p50_us.mean, 220.0, 1e-9);
}

// Under churn (fixture): stock 50 % and 75 % (p99 4 and 6 ms), always-max
// 100 % and 95 %; both of adaptive-80's runs failed, so it is there with no
// figure. Each figure is read from its own record.
TEST_F(ChallengeTest, ThpUnderChurnReadsItsOwnRecords) {
  const std::vector<PolicyThp> t = ComputeThp(c_, &ChallengeRun::thp_churn);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].policy, "stock");
  EXPECT_THAT(t[0].percent, ElementsAre(50.0, 75.0));
  EXPECT_NEAR(t[0].p99_us.mean, 5000.0, 1e-9);
  EXPECT_EQ(t[0].failed_runs, 0);
  EXPECT_EQ(t[1].policy, "adaptive-80");
  EXPECT_TRUE(t[1].percent.empty());
  EXPECT_EQ(t[1].failed_runs, 2);
  EXPECT_EQ(t[2].policy, "always-max");
  EXPECT_THAT(t[2].percent, ElementsAre(100.0, 95.0));
  ASSERT_EQ(t[2].thp.size(), 2u);
  EXPECT_EQ(t[2].thp[0], &*t[2].runs[0]->thp_churn);
}

TEST_F(ChallengeTest, NoThpRunsNoThpPlots) {
  for (ChallengeRun& run : c_.runs) {
    run.thp.reset();
    run.thp_churn.reset();
  }
  EXPECT_TRUE(ComputeThp(c_).empty());
  const Section s = ChallengeSection(c_, "c");
  std::vector<std::string> ids;
  for (const Plot& p : s.plots) ids.push_back(p.id);
  EXPECT_THAT(ids, ElementsAre("c-success", "c-work", "c-cdf"));
}

TEST_F(ChallengeTest, ThpPlotsFollowTheSuccessPlot) {
  const Section s = ChallengeSection(c_, "c");
  ASSERT_EQ(s.plots.size(), 7u);
  EXPECT_EQ(s.plots[1].id, "c-thp");
  EXPECT_EQ(s.plots[2].id, "c-thp-latency");
  EXPECT_EQ(s.plots[3].id, "c-thp-churn");
  EXPECT_EQ(s.plots[4].id, "c-thp-churn-latency");
  // Under churn: a box per policy with a result (stock, always-max) and a
  // dot per run, the scenario named in the title and the caption;
  // adaptive-80, whose runs all failed, keeps its place with an empty box
  // that counts as no point.
  EXPECT_EQ(CountPoints(s.plots[3].option), 2u + 4u);
  const auto& churn_boxes = s.plots[3].option["series"][0]["data"];
  ASSERT_EQ(churn_boxes.size(), 3u);
  EXPECT_TRUE(churn_boxes[1].is_object());
  EXPECT_TRUE(churn_boxes[1]["value"][2].is_null());
  EXPECT_NE(s.plots[3].option.dump().find("Under churn"), std::string::npos);
  EXPECT_NE(s.plots[3].caption.find("keeps fragmenting"), std::string::npos);
  EXPECT_EQ(s.plots[1].caption.find("keeps fragmenting"), std::string::npos);
  // A box per policy and a dot per THP run with a result.
  EXPECT_EQ(CountPoints(s.plots[1].option), 3u + 7u);
  EXPECT_NE(s.plots[1].caption.find("lower bound"), std::string::npos);
  // p50 and p99 bars in ns: stock's p99 mean is 4 ms (1 and 7 ms).
  const auto& series = s.plots[2].option["series"];
  EXPECT_EQ(series[2]["name"], "p99");
  EXPECT_NEAR(series[2]["data"][0].get<double>(), 4e6, 1e-3);
}

TEST_F(ChallengeTest, CompactionWorkPerBlock) {
  const std::vector<PolicyWork> w = ComputeWork(c_);
  ASSERT_EQ(w.size(), 3u);
  const Spread& stock = w[0].per_block.at("pgmigrate_success");
  EXPECT_EQ(stock.n, 2u);
  EXPECT_EQ(stock.mean, 2000);
  EXPECT_EQ(stock.min, 1000);
  EXPECT_EQ(stock.max, 3000);
  EXPECT_EQ(w[0].per_block.at("compact_migrate_scanned").mean, 20000);
  EXPECT_EQ(w[0].per_block.at("compact_free_scanned").mean, 40000);
  EXPECT_EQ(w[0].per_block.at("compact_isolated").mean, 4000);
  EXPECT_EQ(w[1].per_block.at("pgmigrate_success").mean, 600);
  EXPECT_EQ(w[2].per_block.at("pgmigrate_success").mean, 500);
  EXPECT_EQ(w[1].per_block.at("pgmigrate_success").n, 2u);  // not the failed run
}

// stock's attempts, pooled: 1, 2, 4 ms; 3, 5 ms; 10 ms -> sorted 1, 2, 3, 4, 5,
// 10; the CDF is i/6 at the i-th.
TEST_F(ChallengeTest, LatencyCdfPerPolicy) {
  const std::vector<LatencyCdf> cdfs = ComputeCdfs(c_);
  ASSERT_EQ(cdfs.size(), 3u);
  EXPECT_EQ(cdfs[0].policy, "stock");
  EXPECT_EQ(cdfs[0].attempts, 6u);
  std::vector<std::pair<double, double>> want = {{1, 1 / 6.0}, {2, 2 / 6.0}, {3, 3 / 6.0},
                                                 {4, 4 / 6.0}, {5, 5 / 6.0}, {10, 1.0}};
  ASSERT_EQ(cdfs[0].points.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_NEAR(cdfs[0].points[i].first, want[i].first, 1e-9) << i;
    EXPECT_NEAR(cdfs[0].points[i].second, want[i].second, 1e-12) << i;
  }
  // adaptive-80: 19 attempts of 0.5 ms and one of 8 ms.
  EXPECT_EQ(cdfs[1].attempts, 20u);
  EXPECT_EQ(cdfs[1].points.back(), std::make_pair(8.0, 1.0));
  EXPECT_EQ(cdfs[1].points[18], std::make_pair(0.5, 19 / 20.0));
}

TEST_F(ChallengeTest, CdfIsThinnedToMaxPointsKeepingBothEnds) {
  const std::vector<LatencyCdf> cdfs = ComputeCdfs(c_, 5);
  // always-max: 30 attempts (29 of 0.25 ms, one of 16 ms), 5 points kept.
  const LatencyCdf& a = cdfs[2];
  EXPECT_EQ(a.attempts, 30u);
  ASSERT_EQ(a.points.size(), 5u);
  EXPECT_EQ(a.points.front(), std::make_pair(0.25, 1 / 30.0));
  EXPECT_EQ(a.points.back(), std::make_pair(16.0, 1.0));
}

// ---- slab-results.json: made by bench/slab-study/report.py from 2 rounds -----------

// messaging: SLUB 2.0, 2.2 s; SLAB 2.2, 2.2 (paired ratios 1.1, 1.0: median
// 1.05); SLOB 8, 11 (4, 5: median 4.5). files: SLAB 0.9, 1.1 vs 1.0 -> 1.0;
// SLOB 1.5.
TEST(SlabTest, WorkloadsRelativeToSlub) {
  const SlabStudy s = Load<SlabStudy>("slab-results.json");
  EXPECT_THAT(s.allocators, ElementsAre("SLAB", "SLUB", "SLOB"));
  EXPECT_EQ(s.rounds, 2);
  const SlabComparison c = ComputeSlabComparison(s, SlabGroup::kWorkloads);
  EXPECT_THAT(c.labels, ElementsAre("messaging", "files"));
  EXPECT_THAT(c.allocators, ElementsAre("SLAB", "SLOB"));
  ASSERT_EQ(c.ratios.size(), 2u);
  ASSERT_TRUE(c.ratios[0][0] && c.ratios[1][0] && c.ratios[0][1] && c.ratios[1][1]);
  EXPECT_NEAR(c.ratios[0][0]->median, 1.05, 1e-9);
  EXPECT_NEAR(c.ratios[0][0]->min, 1.0, 1e-9);
  EXPECT_NEAR(c.ratios[0][0]->max, 1.1, 1e-9);
  EXPECT_EQ(c.ratios[0][0]->n, 2);
  EXPECT_NEAR(c.ratios[1][0]->median, 4.5, 1e-9);
  EXPECT_NEAR(c.ratios[0][1]->median, 1.0, 1e-9);
  EXPECT_NEAR(c.ratios[1][1]->median, 1.5, 1e-9);
  EXPECT_THAT(c.slub_median, Pointwise(Near(1e-9), std::vector<double>{2.1, 1.0}));
}

// Microbenchmarks in test order, then by size: pair 64, pair 1024, cache 256.
// pair@64: SLAB 60, 70 vs 50 -> 1.2, 1.4 (median 1.3); SLOB 200, 250 -> 4, 5.
TEST(SlabTest, MicroRelativeToSlubInTestThenSizeOrder) {
  const SlabStudy s = Load<SlabStudy>("slab-results.json");
  const SlabComparison c = ComputeSlabComparison(s, SlabGroup::kMicro);
  EXPECT_THAT(c.labels, ElementsAre("pair 64 B", "pair 1024 B", "cache 256 B"));
  EXPECT_NEAR(c.ratios[0][0]->median, 1.3, 1e-9);
  EXPECT_NEAR(c.ratios[0][0]->min, 1.2, 1e-9);
  EXPECT_NEAR(c.ratios[1][0]->max, 5.0, 1e-9);
  EXPECT_NEAR(c.ratios[0][2]->median, 2.25, 1e-9);  // cache: 90 / 40
  EXPECT_EQ(c.unit, "ns");
}

// Footprint: Slab: then MemFree:, by step; SReclaimable/SUnreclaim left out.
// Slab at boot: SLAB 24000 / 20000 = 1.2; after messaging 25000 / 21000.
TEST(SlabTest, FootprintSlabThenMemFree) {
  const SlabStudy s = Load<SlabStudy>("slab-results.json");
  const SlabComparison c = ComputeSlabComparison(s, SlabGroup::kFootprint);
  EXPECT_THAT(c.labels, ElementsAre("Slab at boot", "Slab after messaging", "MemFree at boot",
                                    "MemFree after messaging"));
  EXPECT_NEAR(c.ratios[0][0]->median, 1.2, 1e-9);
  EXPECT_NEAR(c.ratios[0][1]->median, 25000.0 / 21000, 1e-9);
  EXPECT_NEAR(c.ratios[1][2]->median, 905000.0 / 900000, 1e-9);  // SLOB MemFree at boot
}

// ---- the options carry those numbers ------------------------------------------------

TEST_F(RecordTest, OrderDistributionOptionHoldsTheCountsWithZeroAsNull) {
  const Section s = RecordSection(rec_, "t");
  ASSERT_FALSE(s.plots.empty());
  const Plot& p = s.plots[0];
  EXPECT_EQ(p.id, "t-orders");
  const auto& series = p.option["series"];
  ASSERT_EQ(series.size(), 5u);
  EXPECT_EQ(series[0]["name"], "requests");
  EXPECT_EQ(series[0]["data"], nlohmann::json::parse("[3000,600,150,90,15,6,3,null,null,24,12]"));
  EXPECT_EQ(p.option["yAxis"]["type"], "log");
  // Non-zero bars: requests 9, successes 9, failures 2, slow path 3, compactions 2.
  EXPECT_EQ(CountPoints(p.option), 25u);
}

TEST_F(RecordTest, SectionHasEveryRecordingPlot) {
  const Section s = RecordSection(rec_, "t");
  std::vector<std::string> ids;
  for (const Plot& p : s.plots) ids.push_back(p.id);
  EXPECT_THAT(ids, ElementsAre("t-orders", "t-buddyinfo-0", "t-buddyinfo-1", "t-frag", "t-extfrag",
                               "t-latency", "t-latency-time"));
  EXPECT_TRUE(s.notes.empty());
}

TEST_F(RecordTest, HeatmapCellsAreTimeOrderLogCount) {
  const Section s = RecordSection(rec_, "t");
  const auto& data = s.plots[2].option["series"][0]["data"];  // DMA32
  // Sample 0: orders 0, 3, 9, 10 hold 1024, 128, 2, 3 blocks; empty orders are no cell.
  ASSERT_GE(data.size(), 4u);
  EXPECT_EQ(data[0][0], 0);
  EXPECT_EQ(data[0][1], 0);
  EXPECT_NEAR(data[0][2].get<double>(), std::log10(1024.0), 1e-12);
  EXPECT_EQ(data[0][3], 1024);
  EXPECT_EQ(data[3][1], 10);
  EXPECT_EQ(data[3][3], 3);
  EXPECT_EQ(data.size(), 4u + 4 + 4 + 3);  // order 10 is empty at the last sample
}

// One colour scale for every zone: DMA holds at most a few blocks, DMA32
// 1024, and both scales end at 10^4 (log10 of the largest count, rounded up).
TEST_F(RecordTest, HeatmapsShareOneColourScale) {
  const Section s = RecordSection(rec_, "t");
  const auto& dma = s.plots[1].option["visualMap"];
  const auto& dma32 = s.plots[2].option["visualMap"];
  EXPECT_EQ(dma["min"], dma32["min"]);
  EXPECT_EQ(dma["max"], dma32["max"]);
  EXPECT_EQ(dma32["max"], 4.0);
}

// Every series of the fragmentation plot is in one of its two legends (the
// indices' above the top panel, the decisions' above the bottom one), and
// neither legend scrolls.
TEST_F(RecordTest, FragmentationLegendsListEverySeries) {
  const Section s = RecordSection(rec_, "t");
  const Plot& p = s.plots[3];
  ASSERT_EQ(p.id, "t-frag");
  const auto& legends = p.option["legend"];
  ASSERT_EQ(legends.size(), 2u);
  std::vector<std::string> listed;
  for (const auto& legend : legends) {
    EXPECT_EQ(legend["type"], "plain");
    for (const auto& name : legend["data"]) listed.push_back(name);
  }
  std::vector<std::string> names;
  for (const auto& series : p.option["series"]) names.push_back(series["name"]);
  EXPECT_THAT(listed, ::testing::UnorderedElementsAreArray(names));
  EXPECT_THAT(legends[1]["data"], ::testing::Contains("tuner: priority raised"));
  for (const auto& axis : p.option["yAxis"]) EXPECT_EQ(axis["axisLine"]["onZero"], false);
}

TEST(RecordNoLatencyTest, LatencyPlotIsLeftOutWithANote) {
  Record r = Load<Record>("record.jsonl");
  for (RecordSample& s : r.samples) s.latency.clear();
  const Section s = RecordSection(r, "t");
  for (const Plot& p : s.plots) EXPECT_NE(p.id, "t-latency");
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_THAT(s.notes[0], ::testing::HasSubstr("latency capture was off"));
}

TEST_F(ChallengeTest, SuccessOptionIsABoxPerPolicyAndADotPerRun) {
  const Section s = ChallengeSection(c_, "c");
  ASSERT_EQ(s.plots.size(), 7u);
  const auto& series = s.plots[0].option["series"];
  EXPECT_EQ(series[0]["type"], "boxplot");
  EXPECT_EQ(series[0]["data"][0]["value"], nlohmann::json::parse("[0, 12.5, 25, 37.5, 50]"));
  EXPECT_EQ(series[1]["type"], "scatter");
  EXPECT_EQ(series[1]["data"].size(), 7u);  // 3 + 2 + 2 runs with a result
  EXPECT_EQ(CountPoints(s.plots[0].option), 3u + 7u);
  // The limit's label above its line, the target's below its own: apart.
  const auto& marks = series[0]["markLine"]["data"];
  EXPECT_EQ(marks[0]["label"]["position"], "insideEndTop");
  EXPECT_EQ(marks[1]["label"]["position"], "insideEndBottom");
}

}  // namespace
}  // namespace buddyctl::report
