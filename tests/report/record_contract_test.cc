// SPDX-License-Identifier: GPL-2.0
// The report reads what `buddyctl record` writes: the CLI's own record
// command (cli/cmd_live.cc) runs against the unit tests' fake kernel
// (tests/unit: real netlink replies built with libnl), and its output goes
// straight into the report's loader. A field renamed on either side fails
// here rather than in front of a reader.
#include <memory>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "charts.h"
#include "cli.h"
#include "fake_transport.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "load.h"
#include "plots.h"
#include "replies.h"

namespace buddyctl::report {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// `buddyctl record ...` on a fake clock; returns what it wrote to stdout.
std::string Record(const std::vector<std::string>& args,
                   const std::shared_ptr<buddyctl::testing::FakeTransport>& fake =
                       buddyctl::testing::MonitorFake()) {
  std::ostringstream out;
  std::ostringstream err;
  auto clock = std::make_shared<absl::Time>(absl::FromUnixSeconds(1'800'000'000));
  cli::Context ctx;
  ctx.out = &out;
  ctx.err = &err;
  ctx.open_transport = [fake]() -> absl::StatusOr<std::shared_ptr<Transport>> { return fake; };
  ctx.now = [clock] { return *clock; };
  ctx.sleep = [clock](absl::Duration d) { *clock += d; };
  EXPECT_EQ(cli::Run(args, ctx), 0) << err.str();
  return out.str();
}

std::vector<std::string> Ids(const Section& s) {
  std::vector<std::string> ids;
  for (const Plot& p : s.plots) ids.push_back(p.id);
  return ids;
}

// One sample: everything since the (fake) reset.
TEST(RecordContractTest, OneSampleRecordingGivesEveryPlot) {
  auto in = ParseInput("run.jsonl",
                       Record({"record", "--interval", "2s", "--duration", "1s", "-o", "-"}));
  ASSERT_TRUE(in.ok()) << in.status();
  ASSERT_TRUE(std::holds_alternative<report::Record>(*in));
  const report::Record& r = std::get<report::Record>(*in);
  ASSERT_EQ(r.samples.size(), 1u);
  // The fake's zone: 4 order-0, 1 order-2, 1 order-3 block; tuner: 6 * order raises.
  ASSERT_EQ(r.samples[0].zones.size(), 1u);
  EXPECT_EQ(r.samples[0].zones[0].zone_name, "Normal");
  EXPECT_THAT(r.samples[0].zones[0].nr_free, ElementsAre(4, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0));
  EXPECT_EQ(r.samples[0].tuner.orders.at(9).raises, 54u);
  EXPECT_EQ(r.samples[0].tuner.background.triggers, 7u);
  const OrderDistribution d = ComputeOrderDistribution(r);
  EXPECT_EQ(d.requests[1], 1010u);
  // Latency: order 9, fast bucket 10 x4 and slow bucket 20 x1.
  const std::vector<LatencyRow> lat = ComputeLatency(r);
  ASSERT_EQ(lat.size(), 1u);
  EXPECT_EQ(lat[0].order, 9);
  EXPECT_EQ(lat[0].count, 5u);
  EXPECT_EQ(lat[0].slow_count, 1u);
  EXPECT_EQ(lat[0].max_ns, 1500000u);
  // The fake's configuration: adaptive, threshold 80, min order 3.
  ASSERT_TRUE(r.samples[0].config.has_value());
  EXPECT_EQ(r.samples[0].config->policy, Policy::kAdaptive);
  EXPECT_EQ(r.samples[0].config->threshold, 80u);
  EXPECT_EQ(r.samples[0].config->min_order, 3u);
  EXPECT_EQ(ComputeFragmentation(r).initial_config, "adaptive, threshold 80 %, min order 3");
  const Section s = RecordSection(r, "r");
  EXPECT_THAT(Ids(s), ElementsAre("r-orders", "r-buddyinfo-0", "r-frag", "r-extfrag", "r-latency"));
  // One sample has no interval to draw latency over time from.
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_THAT(s.notes[0], HasSubstr("no latency over time"));
}

// The policy switched between the second and third sample: the recording
// carries each sample's configuration and the report marks the switch.
TEST(RecordContractTest, PolicySwitchIsMarked) {
  auto fake = buddyctl::testing::MonitorFake();
  int calls = 0;
  fake->On(buddyctl::testing::kMonId, BUDDY_MON_CMD_GET_CONFIG,
           [&calls](const Message&) -> absl::StatusOr<std::vector<Message>> {
             ++calls;
             std::vector<Message> reply;
             reply.push_back(buddyctl::testing::ConfigReply(
                 BUDDY_MON_CMD_GET_CONFIG,
                 calls <= 2 ? BUDDY_POLICY_ADAPTIVE : BUDDY_POLICY_ALWAYS_MAX, 80));
             return reply;
           });
  auto in = ParseInput("run.jsonl",
                       Record({"record", "--interval", "1s", "--duration", "3s", "-o", "-"}, fake));
  ASSERT_TRUE(in.ok()) << in.status();
  const report::Record& r = std::get<report::Record>(*in);
  ASSERT_EQ(r.samples.size(), 4u);
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(r.samples[1].config->policy, Policy::kAdaptive);
  EXPECT_EQ(r.samples[2].config->policy, Policy::kAlwaysMax);
  const FragmentationSeries f = ComputeFragmentation(r);
  ASSERT_EQ(f.config_changes.size(), 1u);
  EXPECT_EQ(f.config_changes[0].t, 2.0);
  EXPECT_EQ(f.config_changes[0].what, "adaptive → always-max");
}

// Four samples of a kernel whose counters do not move: the window holds
// nothing, and the report says so instead of drawing empty plots.
TEST(RecordContractTest, StillCountersGiveNotesNotEmptyPlots) {
  auto in = ParseInput("run.jsonl",
                       Record({"record", "--interval", "1s", "--duration", "3s", "-o", "-"}));
  ASSERT_TRUE(in.ok()) << in.status();
  const report::Record& r = std::get<report::Record>(*in);
  ASSERT_EQ(r.samples.size(), 4u);
  EXPECT_EQ(r.samples[3].elapsed_s, 3.0);
  const Section s = RecordSection(r, "r");
  EXPECT_THAT(Ids(s), ElementsAre("r-buddyinfo-0", "r-frag", "r-extfrag"));
  ASSERT_EQ(s.notes.size(), 2u);
  EXPECT_THAT(s.notes[0], HasSubstr("No allocation calls counted"));
  EXPECT_THAT(s.notes[1], HasSubstr("No allocation latency"));
}

}  // namespace
}  // namespace buddyctl::report
