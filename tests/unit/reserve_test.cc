// SPDX-License-Identifier: GPL-2.0
// The reserve from the library to the CLI: its attributes decoded, bad
// settings refused before anything is sent, its counters in JSON and
// Prometheus, and `buddyctl reserve` parsing its arguments.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "buddyctl/json.h"
#include "buddyctl/monitor.h"
#include "buddyctl/prometheus.h"
#include "cli.h"
#include "fake_transport.h"
#include "replies.h"

namespace buddyctl {
namespace {

using ::buddyctl::testing::ConfigReply;
using ::buddyctl::testing::FakeTransport;
using ::buddyctl::testing::kMonId;
using ::buddyctl::testing::MonitorFake;
using ::buddyctl::testing::NlReply;
using ::buddyctl::testing::ParseRequest;
using ::buddyctl::testing::TunerReply;
using ::testing::HasSubstr;

// The BUDDY_MON_A_CONFIG nest of a SET_CONFIG request, by attribute.
std::vector<nlattr*> SentConfig(Message& request) {
  auto tb = ParseRequest(request, BUDDY_MON_A_MAX);
  std::vector<nlattr*> cfg(BUDDY_MON_CA_MAX + 1);
  EXPECT_NE(tb[BUDDY_MON_A_CONFIG], nullptr);
  EXPECT_EQ(nla_parse_nested(cfg.data(), BUDDY_MON_CA_MAX, tb[BUDDY_MON_A_CONFIG], nullptr), 0);
  return cfg;
}

TEST(ReserveTest, DecodesTheNestAndTheConfig) {
  auto fake = MonitorFake();
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  auto t = mon->GetTunerStats();
  ASSERT_TRUE(t.ok()) << t.status();
  const ReserveStats& r = t->reserve;
  EXPECT_EQ(r.order, 10u);
  EXPECT_EQ(r.target, 8u);
  EXPECT_EQ(r.free_blocks, 5u);
  EXPECT_EQ(r.rounds, 40u);
  EXPECT_EQ(r.blocks, 12u);
  EXPECT_EQ(r.pages_moved, 3072u);
  EXPECT_EQ(r.attempts, 13u);
  EXPECT_EQ(r.failures, 1u);
  EXPECT_EQ(r.cpu_ns, 250000000u);
  EXPECT_EQ(r.paused, (std::array<uint64_t, kNrReservePauses>{1, 2, 3, 4, 5}));

  auto c = mon->GetConfig();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->reserve_order, 10u);
  EXPECT_EQ(c->reserve_blocks, 8u);
  EXPECT_EQ(c->reserve_budget_ms, 200u);
}

TEST(ReserveTest, AModuleWithoutTheReserveReadsAsOff) {
  auto fake = MonitorFake();
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_TUNER_STATS,
              {TunerReply(/*with_evacuator=*/true, /*with_reserve=*/false)});
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  auto t = mon->GetTunerStats();
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->evacuator.blocks, 58u);
  EXPECT_EQ(t->reserve.target, 0u);
  EXPECT_EQ(t->reserve.blocks, 0u);
}

TEST(ReserveTest, AMissingCounterIsAnErrorNamingIt) {
  NlReply r(kMonId, BUDDY_MON_CMD_GET_TUNER_STATS);
  // libnl drops an empty nest: hold an entry the decoder skips.
  nlattr* orders = nla_nest_start(r.msg(), BUDDY_MON_A_ORDERS);
  nla_put_u32(r.msg(), BUDDY_MON_A_ORDER, 0);
  nla_nest_end(r.msg(), orders);
  nlattr* bg = nla_nest_start(r.msg(), BUDDY_MON_A_BACKGROUND);
  for (int a : {BUDDY_MON_BA_CHECKS, BUDDY_MON_BA_TRIGGERS, BUDDY_MON_BA_RATELIMITED,
                BUDDY_MON_BA_BLOCKS_GAINED}) {
    nla_put_u64(r.msg(), a, 0);
  }
  nla_put_u32(r.msg(), BUDDY_MON_BA_LAST_UNUSABLE_PCT, 0);
  nla_nest_end(r.msg(), bg);
  nlattr* rs = nla_nest_start(r.msg(), BUDDY_MON_A_RESERVE);
  nla_put_u32(r.msg(), BUDDY_MON_RA_ORDER, 10);
  nla_nest_end(r.msg(), rs);
  auto fake = MonitorFake();
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_TUNER_STATS, {r.Take()});
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  auto t = mon->GetTunerStats();
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(std::string(t.status().message()), HasSubstr("BUDDY_MON_RA_TARGET is missing"));
}

TEST(ReserveTest, SetConfigSendsOnlyTheReserveFields) {
  auto fake = MonitorFake();
  fake->Reply(kMonId, BUDDY_MON_CMD_SET_CONFIG, {ConfigReply(BUDDY_MON_CMD_SET_CONFIG)});
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  ConfigUpdate u;
  u.reserve_order = 10;
  u.reserve_blocks = 0;  // off: zero is a value, and it is sent
  u.reserve_budget_ms = 200;
  ASSERT_TRUE(mon->SetConfig(u).ok());
  ASSERT_EQ(fake->sent.size(), 1u);
  auto cfg = SentConfig(fake->sent[0]);
  ASSERT_NE(cfg[BUDDY_MON_CA_RESERVE_ORDER], nullptr);
  EXPECT_EQ(nla_get_u32(cfg[BUDDY_MON_CA_RESERVE_ORDER]), 10u);
  ASSERT_NE(cfg[BUDDY_MON_CA_RESERVE_BLOCKS], nullptr);
  EXPECT_EQ(nla_get_u32(cfg[BUDDY_MON_CA_RESERVE_BLOCKS]), 0u);
  ASSERT_NE(cfg[BUDDY_MON_CA_RESERVE_BUDGET_MS], nullptr);
  EXPECT_EQ(nla_get_u32(cfg[BUDDY_MON_CA_RESERVE_BUDGET_MS]), 200u);
  for (int a = 1; a < BUDDY_MON_CA_RESERVE_ORDER; ++a) EXPECT_EQ(cfg[a], nullptr) << a;
}

TEST(ReserveTest, BadSettingsAreRefusedBeforeSending) {
  auto fake = MonitorFake();
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  ConfigUpdate order;
  order.reserve_order = BUDDY_NR_ORDERS;
  EXPECT_EQ(mon->SetConfig(order).status().message(), "invalid reserve order 11: must be 0..10");
  ConfigUpdate budget;
  budget.reserve_budget_ms = 0;
  EXPECT_EQ(mon->SetConfig(budget).status().message(),
            "invalid reserve budget 0 ms: must be 1..1000");
  budget.reserve_budget_ms = BUDDY_RESERVE_BUDGET_MAX_MS + 1;
  EXPECT_FALSE(mon->SetConfig(budget).ok());
  ConfigUpdate blocks;
  blocks.reserve_blocks = BUDDY_RESERVE_BLOCKS_MAX + 1;
  EXPECT_EQ(mon->SetConfig(blocks).status().message(),
            "invalid reserve block count 65537: must be 0..65536");
  EXPECT_TRUE(fake->sent.empty());
}

TEST(ReserveTest, AtMostHalfOfTheFreeMemory) {
  // 8 order-10 blocks are 8192 pages: they fit in 16384 free pages, not in one less.
  EXPECT_TRUE(CheckReserveFits(10, 8, 16384).ok());
  absl::Status st = CheckReserveFits(10, 8, 16383);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(),
            "a reserve of 8 blocks of order 10 (8192 pages) is more than half of the free memory "
            "(16383 pages free)");
  EXPECT_TRUE(CheckReserveFits(0, 0, 0).ok());
  // The largest count at the largest order does not overflow.
  EXPECT_FALSE(CheckReserveFits(10, BUDDY_RESERVE_BLOCKS_MAX, 1000).ok());
  EXPECT_FALSE(CheckReserveFits(11, 1, 1 << 30).ok());
}

TEST(ReserveTest, JsonNamesThePausesAndConfig) {
  ReserveStats r;
  r.order = 10;
  r.target = 8;
  r.free_blocks = 5;
  r.cpu_ns = 42;
  r.paused = {1, 2, 3, 4, 5};
  nlohmann::json j = r;
  EXPECT_EQ(j["order"], 10);
  EXPECT_EQ(j["target"], 8);
  EXPECT_EQ(j["free_blocks"], 5);
  EXPECT_EQ(j["cpu_ns"], 42);
  EXPECT_EQ(j["paused"]["low_memory"], 1);
  EXPECT_EQ(j["paused"]["reclaim"], 2);
  EXPECT_EQ(j["paused"]["budget"], 3);
  EXPECT_EQ(j["paused"]["no_candidate"], 4);
  EXPECT_EQ(j["paused"]["busy"], 5);
  TunerStats t;
  t.reserve = r;
  EXPECT_EQ(nlohmann::json(t)["reserve"]["target"], 8);
  Config c;
  c.reserve_order = 9;
  c.reserve_blocks = 4;
  c.reserve_budget_ms = 50;
  nlohmann::json jc = c;
  EXPECT_EQ(jc["reserve_order"], 9);
  EXPECT_EQ(jc["reserve_blocks"], 4);
  EXPECT_EQ(jc["reserve_budget_ms"], 50);
}

TEST(ReserveTest, PrometheusInBaseUnits) {
  MonitorSnapshot snap;
  snap.info.kernel_release = "6.1.0-57-amd64";
  snap.tuner.reserve.order = 10;
  snap.tuner.reserve.target = 8;
  snap.tuner.reserve.free_blocks = 5;
  snap.tuner.reserve.blocks = 12;
  snap.tuner.reserve.pages_moved = 3072;
  snap.tuner.reserve.failures = 1;
  snap.tuner.reserve.rounds = 40;
  snap.tuner.reserve.cpu_ns = 250'000'000;
  snap.tuner.reserve.paused = {1, 2, 3, 4, 5};
  snap.config.reserve_budget_ms = 200;
  const std::string out = FormatPrometheus(&snap, nullptr, ExpositionFormat::kText);
  EXPECT_THAT(out, HasSubstr("# TYPE buddyctl_reserve_cpu_seconds_total counter\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_reserve_cpu_seconds_total 0.25\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_reserve_blocks_total 12\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_reserve_pages_moved_total 3072\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_reserve_failures_total 1\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_reserve_rounds_total 40\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_reserve_paused_total{reason=\"low_memory\"} 1\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_reserve_paused_total{reason=\"busy\"} 5\n"));
  EXPECT_THAT(out, HasSubstr("# TYPE buddyctl_reserve_target_blocks gauge\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_reserve_target_blocks 8\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_reserve_free_blocks 5\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_reserve_order 10\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_reserve_budget_ratio 0.2\n"));
}

}  // namespace

namespace cli {
namespace {

struct Result {
  int rc;
  std::string out;
  std::string err;
};

Result RunCli(const std::vector<std::string>& args, const std::shared_ptr<FakeTransport>& fake,
              std::optional<uint64_t> free_pages = uint64_t{1} << 20) {
  std::ostringstream out;
  std::ostringstream err;
  Context ctx;
  ctx.out = &out;
  ctx.err = &err;
  ctx.open_transport = [fake]() -> absl::StatusOr<std::shared_ptr<Transport>> { return fake; };
  ctx.free_pages = [free_pages] { return free_pages; };
  const int rc = Run(args, ctx);
  return {rc, out.str(), err.str()};
}

TEST(ReserveCliTest, WithoutOptionsShowsSettingsAndCounters) {
  auto fake = MonitorFake();
  Result r = RunCli({"reserve"}, fake);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("reserve         on: 8 blocks of order 10, budget 200 ms/s\n"));
  EXPECT_THAT(r.out, HasSubstr("free blocks     5 of order 10 (target 8)\n"));
  EXPECT_THAT(r.out, HasSubstr("12 blocks emptied of 13 tried (3072 pages moved, 1 refused) in "
                               "40 rounds, 250.0 ms\n"));
  EXPECT_THAT(r.out, HasSubstr("paused          low_memory 1, reclaim 2, budget 3, no_candidate "
                               "4, busy 5\n"));
  for (const Message& m : fake->sent) EXPECT_NE(m.cmd(), BUDDY_MON_CMD_SET_CONFIG);
}

TEST(ReserveCliTest, JsonHasConfigAndCounters) {
  auto fake = MonitorFake();
  Result r = RunCli({"reserve", "--json"}, fake);
  ASSERT_EQ(r.rc, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["config"]["reserve_blocks"], 8);
  EXPECT_EQ(j["reserve"]["free_blocks"], 5);
  EXPECT_EQ(j["reserve"]["paused"]["no_candidate"], 4);
}

TEST(ReserveCliTest, SetSendsTheThreeFields) {
  auto fake = MonitorFake();
  fake->Reply(kMonId, BUDDY_MON_CMD_SET_CONFIG, {ConfigReply(BUDDY_MON_CMD_SET_CONFIG)});
  Result r = RunCli({"reserve", "--order", "10", "--blocks", "8", "--budget-ms", "200"}, fake);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("reserve         on: 8 blocks of order 10"));
  ASSERT_GE(fake->sent.size(), 1u);
  EXPECT_EQ(fake->sent[0].cmd(), BUDDY_MON_CMD_SET_CONFIG);
  auto cfg = SentConfig(fake->sent[0]);
  ASSERT_NE(cfg[BUDDY_MON_CA_RESERVE_ORDER], nullptr);
  EXPECT_EQ(nla_get_u32(cfg[BUDDY_MON_CA_RESERVE_ORDER]), 10u);
  ASSERT_NE(cfg[BUDDY_MON_CA_RESERVE_BLOCKS], nullptr);
  EXPECT_EQ(nla_get_u32(cfg[BUDDY_MON_CA_RESERVE_BLOCKS]), 8u);
  ASSERT_NE(cfg[BUDDY_MON_CA_RESERVE_BUDGET_MS], nullptr);
  EXPECT_EQ(nla_get_u32(cfg[BUDDY_MON_CA_RESERVE_BUDGET_MS]), 200u);
}

TEST(ReserveCliTest, OffSendsZeroBlocksOnly) {
  auto fake = MonitorFake();
  fake->Reply(kMonId, BUDDY_MON_CMD_SET_CONFIG, {ConfigReply(BUDDY_MON_CMD_SET_CONFIG)});
  Result r = RunCli({"reserve", "--off"}, fake);
  ASSERT_EQ(r.rc, 0) << r.err;
  ASSERT_GE(fake->sent.size(), 1u);
  auto cfg = SentConfig(fake->sent[0]);
  ASSERT_NE(cfg[BUDDY_MON_CA_RESERVE_BLOCKS], nullptr);
  EXPECT_EQ(nla_get_u32(cfg[BUDDY_MON_CA_RESERVE_BLOCKS]), 0u);
  EXPECT_EQ(cfg[BUDDY_MON_CA_RESERVE_ORDER], nullptr);
  EXPECT_EQ(cfg[BUDDY_MON_CA_RESERVE_BUDGET_MS], nullptr);
}

TEST(ReserveCliTest, BadValuesAreOneLineAndSendNothing) {
  const std::vector<std::vector<std::string>> cases = {
      {"reserve", "--order", "11", "--blocks", "4"},
      {"reserve", "--blocks", "4", "--budget-ms", "0"},
      {"reserve", "--blocks", "4", "--budget-ms", "1001"},
      {"reserve", "--blocks", "65537"},
      {"reserve", "--blocks", "-1"},
      {"reserve", "--order", "ten"},
      // 1 << 20 free pages: 1024 order-10 blocks are all of it.
      {"reserve", "--order", "10", "--blocks", "1024"},
  };
  for (const auto& c : cases) {
    auto fake = MonitorFake();
    Result r = RunCli(c, fake);
    EXPECT_EQ(r.rc, 2) << c[1] << " " << c[2];
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_THAT(r.err, ::testing::MatchesRegex("buddyctl: (invalid|a reserve of) .*\n")) << r.err;
    EXPECT_TRUE(fake->sent.empty()) << r.err;
  }
}

TEST(ReserveCliTest, SizeCheckUsesTheKernelsOrderWhenNoneIsGiven) {
  // The configured order is 10 (ConfigReply): 600 blocks are 614400 pages.
  auto fake = MonitorFake();
  Result r = RunCli({"reserve", "--blocks", "600"}, fake, uint64_t{1} << 20);
  EXPECT_EQ(r.rc, 2);
  EXPECT_THAT(r.err, HasSubstr("more than half of the free memory"));
  for (const Message& m : fake->sent) EXPECT_NE(m.cmd(), BUDDY_MON_CMD_SET_CONFIG);
}

TEST(ReserveCliTest, OffWithACountIsAUsageError) {
  auto fake = MonitorFake();
  Result r = RunCli({"reserve", "--off", "--blocks", "4"}, fake);
  EXPECT_EQ(r.rc, 2);
  EXPECT_THAT(r.err, HasSubstr("usage: buddyctl reserve"));
  EXPECT_TRUE(fake->sent.empty());
}

TEST(ReserveCliTest, KernelRefusalIsOneLineExit1) {
  // Free memory unknown here: the kernel's check is the one that says no.
  auto fake = MonitorFake();
  fake->Fail(kMonId, BUDDY_MON_CMD_SET_CONFIG, ENOMEM,
             "reserve: blocks << order is more than half of the free memory");
  Result r = RunCli({"reserve", "--order", "10", "--blocks", "64"}, fake, std::nullopt);
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err,
            "buddyctl: set config failed: reserve: blocks << order is more than half of the free "
            "memory (Cannot allocate memory)\n");
}

TEST(ReserveCliTest, TunerStatsAndPolicyShowTheReserve) {
  auto fake = MonitorFake();
  Result t = RunCli({"tuner-stats"}, fake);
  ASSERT_EQ(t.rc, 0) << t.err;
  EXPECT_THAT(t.out, HasSubstr("reserve: 5 of 8 free blocks of order 10, 12 blocks emptied"));
  Result p = RunCli({"policy"}, fake);
  ASSERT_EQ(p.rc, 0) << p.err;
  EXPECT_THAT(p.out, HasSubstr("reserve         on (8 blocks of order 10, budget 200 ms/s)\n"));
}

}  // namespace
}  // namespace cli
}  // namespace buddyctl
