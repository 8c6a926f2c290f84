// SPDX-License-Identifier: GPL-2.0
// Percentiles from log2 histograms, against values worked out by hand with
// the method documented in types.h.
#include <gtest/gtest.h>

#include "buddyctl/types.h"

namespace buddyctl {
namespace {

using Path = LatencyHistogram::Path;

TEST(PercentileTest, BucketBounds) {
  EXPECT_EQ(LatencyHistogram::BucketLow(0), 0u);
  EXPECT_EQ(LatencyHistogram::BucketHigh(0), 2u);
  EXPECT_EQ(LatencyHistogram::BucketLow(1), 2u);
  EXPECT_EQ(LatencyHistogram::BucketLow(10), 1024u);
  EXPECT_EQ(LatencyHistogram::BucketHigh(10), 2048u);
}

TEST(PercentileTest, InterpolatesInsideOneBucket) {
  // 4 samples in [1024, 2048), max 2000.
  LatencyHistogram h;
  h.fast[10] = 4;
  h.fast_max_ns = 2000;
  // p25: rank 1 -> 1024 + 1024 * 1/4 = 1280
  EXPECT_DOUBLE_EQ(h.Percentile(25), 1280.0);
  // p50: rank 2 -> 1024 + 1024 * 2/4 = 1536
  EXPECT_DOUBLE_EQ(h.Percentile(50), 1536.0);
  // p90: rank 3.6 -> 1024 + 1024 * 0.9 = 1945.6
  EXPECT_DOUBLE_EQ(h.Percentile(90), 1945.6);
  // p99: rank 3.96 -> 2037.76, clamped to the max 2000
  EXPECT_DOUBLE_EQ(h.Percentile(99), 2000.0);
  EXPECT_DOUBLE_EQ(h.Percentile(100), 2000.0);
  // p0: the bottom of the first populated bucket
  EXPECT_DOUBLE_EQ(h.Percentile(0), 1024.0);
}

TEST(PercentileTest, WalksAcrossBuckets) {
  // 2 samples in [0, 2), 2 samples in [8, 16), max 15.
  std::array<uint64_t, kLatBuckets> b{};
  b[0] = 2;
  b[3] = 2;
  // p50: rank 2 reached in bucket 0: 0 + 2 * 2/2 = 2
  EXPECT_DOUBLE_EQ(LatencyHistogram::PercentileOf(b, 15, 50), 2.0);
  // p75: rank 3, 1 into bucket 3: 8 + 8 * 1/2 = 12
  EXPECT_DOUBLE_EQ(LatencyHistogram::PercentileOf(b, 15, 75), 12.0);
  // p90: rank 3.6: 8 + 8 * 1.6/2 = 14.4
  EXPECT_DOUBLE_EQ(LatencyHistogram::PercentileOf(b, 15, 90), 14.4);
  // p99: rank 3.96: 15.84 -> clamped to 15
  EXPECT_DOUBLE_EQ(LatencyHistogram::PercentileOf(b, 15, 99), 15.0);
}

TEST(PercentileTest, EmptyIsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.Count(), 0u);
  EXPECT_DOUBLE_EQ(h.Percentile(50), 0.0);
  EXPECT_DOUBLE_EQ(h.MeanNs(), 0.0);
}

TEST(PercentileTest, FastSlowAndCombined) {
  // fast: 3 samples in [16, 32), max 30; slow: 1 sample in [2^20, 2^21), max 1500000.
  LatencyHistogram h;
  h.fast[4] = 3;
  h.fast_max_ns = 30;
  h.fast_sum_ns = 60;
  h.slow[20] = 1;
  h.slow_max_ns = 1500000;
  h.slow_sum_ns = 1500000;
  EXPECT_EQ(h.Count(), 4u);
  EXPECT_EQ(h.Count(Path::kFast), 3u);
  EXPECT_EQ(h.Count(Path::kSlow), 1u);
  EXPECT_EQ(h.MaxNs(), 1500000u);
  // fast p50: rank 1.5 -> 16 + 16 * 0.5 = 24
  EXPECT_DOUBLE_EQ(h.Percentile(50, Path::kFast), 24.0);
  // all p50: rank 2 -> 16 + 16 * 2/3
  EXPECT_DOUBLE_EQ(h.Percentile(50), 16.0 + 16.0 * 2.0 / 3.0);
  // all p90: rank 3.6 -> slow bucket: 2^20 + 2^20 * 0.6 = 1677721.6 -> max 1500000
  EXPECT_DOUBLE_EQ(h.Percentile(90), 1500000.0);
  // all p80: rank 3.2 -> 2^20 + 2^20 * 0.2 = 1258291.2
  EXPECT_DOUBLE_EQ(h.Percentile(80), 1048576.0 * 1.2);
  // slow p50: rank 0.5 -> 2^20 * 1.5 = 1572864 -> max 1500000
  EXPECT_DOUBLE_EQ(h.Percentile(50, Path::kSlow), 1500000.0);
  EXPECT_DOUBLE_EQ(h.MeanNs(Path::kFast), 20.0);
  EXPECT_DOUBLE_EQ(h.MeanNs(), (60.0 + 1500000.0) / 4.0);
}

TEST(PercentileTest, OutOfRangePIsClamped) {
  LatencyHistogram h;
  h.fast[10] = 4;
  h.fast_max_ns = 2000;
  EXPECT_DOUBLE_EQ(h.Percentile(-5), 1024.0);
  EXPECT_DOUBLE_EQ(h.Percentile(250), 2000.0);
}

TEST(HotSummaryTest, NearestRankAndFirstSuccess) {
  // latencies 5,1,3,2,4; attempts 3 and 4 succeed.
  std::vector<HotAttempt> a = {
      {0, false, 5, std::nullopt}, {1, false, 1, std::nullopt}, {2, true, 3, 100},
      {3, true, 2, 1124},          {4, false, 4, std::nullopt},
  };
  HotSummary s = Summarize(a);
  EXPECT_EQ(s.attempts, 5u);
  EXPECT_EQ(s.successes, 2u);
  EXPECT_EQ(s.p50_ns, 3u);  // sorted 1 2 3 4 5, rank ceil(2.5) = 3
  EXPECT_EQ(s.p99_ns, 5u);  // rank ceil(4.95) = 5
  EXPECT_EQ(s.max_ns, 5u);
  EXPECT_EQ(s.first_success_ns, 3u);
  EXPECT_EQ(s.time_to_first_success_ns, 9u);  // 5 + 1 + 3
  EXPECT_FALSE(Summarize({}).first_success_ns.has_value());
}

TEST(UnusablePercentTest, MatchesTheKernelDefinition) {
  // 4 order-0 blocks (4 pages), 1 order-2 (4 pages), 1 order-3 (8 pages): 16 pages.
  ZoneFrag z;
  z.nr_free[0] = 4;
  z.nr_free[2] = 1;
  z.nr_free[3] = 1;
  std::vector<ZoneFrag> zones = {z};
  EXPECT_DOUBLE_EQ(UnusablePercent(zones, 0), 0.0);
  EXPECT_DOUBLE_EQ(UnusablePercent(zones, 1), 25.0);   // 4 of 16 in blocks < 2 pages
  EXPECT_DOUBLE_EQ(UnusablePercent(zones, 3), 50.0);   // 8 of 16 in blocks < 8 pages
  EXPECT_DOUBLE_EQ(UnusablePercent(zones, 4), 100.0);  // nothing of 16+ pages
  // A second zone with one order-10 block dilutes it: (1024+16) pages.
  ZoneFrag big;
  big.nr_free[10] = 1;
  zones.push_back(big);
  EXPECT_DOUBLE_EQ(UnusablePercent(zones, 4), 100.0 * 16.0 / 1040.0);
}

}  // namespace
}  // namespace buddyctl
