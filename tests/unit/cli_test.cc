// SPDX-License-Identifier: GPL-2.0
// The CLI end to end against the fake transport: exit codes, output
// formats, and that invalid arguments never reach the kernel.
#include "cli.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "buddyctl/http_exporter.h"
#include "buddyctl/version.h"
#include "fake_transport.h"
#include "replies.h"
#include "run_cli.h"

namespace buddyctl::cli {
namespace {

using ::buddyctl::testing::ConfigReply;
using ::buddyctl::testing::FakeTransport;
using ::buddyctl::testing::kHotId;
using ::buddyctl::testing::kMonId;
using ::buddyctl::testing::LatencyReply;
using ::buddyctl::testing::MonitorFake;
using ::buddyctl::testing::NlReply;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

int CountLines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

TEST(CliTest, StatsJsonHasTheIssueFieldNames) {
  auto fake = MonitorFake();
  Result r = RunCli({"stats", "--json"}, fake);
  ASSERT_EQ(r.rc, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["orders"].size(), 11u);
  EXPECT_EQ(j["orders"][0]["order"], 0);
  EXPECT_EQ(j["orders"][2]["requests"], 2010);
  EXPECT_EQ(j["orders"][2]["successes"], 2007);
  EXPECT_EQ(j["orders"][2]["failures"], 3);
  EXPECT_EQ(j["orders"][2]["slowpath"], 2);
}

TEST(CliTest, StatsTableHasTheFixedColumnsAndUnusablePct) {
  auto fake = MonitorFake();
  Result r = RunCli({"stats"}, fake);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("order          req      success       fail   slowpath   compact  "
                                "  raises unusable_pct"));
  // Order 3: 3010 requests, 3007 successes, 3 failures, slowpath 3,
  // 6 compactions, 53 raises, unusable_pct 50.0 (8 of 16 free pages below order 3).
  EXPECT_THAT(r.out, HasSubstr("    3         3010         3007          3          3         6"
                               "        53         50.0"));
  EXPECT_THAT(r.out, HasSubstr("since reset: 4.0 s"));
  EXPECT_THAT(r.out, HasSubstr("order  0 unmovable   from order  3 movable     (fragmenting): 77"));
}

TEST(CliTest, StatsOrderFlagIsValidatedAndSent) {
  auto fake = MonitorFake();
  Result bad = RunCli({"stats", "--order", "11"}, fake);
  EXPECT_EQ(bad.rc, 2);
  EXPECT_EQ(bad.err, "buddyctl: invalid order '11': must be an integer in 0..10\n");
  EXPECT_TRUE(fake->sent.empty());
  EXPECT_TRUE(fake->lookups.empty());
  Result ok = RunCli({"stats", "--order", "9", "--json"}, fake);
  ASSERT_EQ(ok.rc, 0) << ok.err;
  ASSERT_EQ(fake->sent.size(), 1u);
  auto tb = ::buddyctl::testing::ParseRequest(fake->sent[0], BUDDY_MON_A_MAX);
  ASSERT_NE(tb[BUDDY_MON_A_ORDER], nullptr);
  EXPECT_EQ(nla_get_u32(tb[BUDDY_MON_A_ORDER]), 9u);
}

TEST(CliTest, ModuleNotLoadedIsOneLineAndExit1) {
  auto fake = std::make_shared<FakeTransport>();
  Result r = RunCli({"stats"}, fake);
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err,
            "buddyctl: buddy_monitor module is not loaded (family 'buddy_monitor' not found); load "
            "it with: sudo modprobe buddy_monitor (from a build tree: sudo insmod "
            "modules/buddy_monitor.ko)\n");
  EXPECT_EQ(r.out, "");
}

// --version names this build's version and, per kernel interface, what the
// loaded module speaks; an unloaded module is said so, not an error.
TEST(CliTest, VersionNamesInterfacesOfLoadedModules) {
  auto fake = std::make_shared<FakeTransport>();
  Result none = RunCli({"--version"}, fake);
  EXPECT_EQ(none.rc, 0);
  EXPECT_EQ(none.err, "");
  EXPECT_EQ(none.out, std::string("buddyctl ") + BUDDYCTL_VERSION_STRING +
                          "\n"
                          "  buddy_monitor (buddy_monitor.ko): built for interface version " +
                          std::to_string(BUDDY_MON_GENL_VERSION) +
                          ", "
                          "module not loaded\n"
                          "  buddy_hot (high_order_test.ko): built for interface version 1, "
                          "module not loaded\n"
                          "  buddy_frag (high_order_test.ko): built for interface version 1, "
                          "module not loaded\n");

  fake->AddFamily("buddy_monitor", 21, BUDDY_MON_GENL_VERSION);
  Result loaded = RunCli({"--version"}, fake);
  EXPECT_EQ(loaded.rc, 0);
  const std::string v = std::to_string(BUDDY_MON_GENL_VERSION);
  EXPECT_THAT(loaded.out, HasSubstr("  buddy_monitor (buddy_monitor.ko): built for interface "
                                    "version " +
                                    v + ", loaded module speaks version " + v + "\n"));
}

TEST(CliTest, BadThresholdsAreRefusedWithoutSendingAnything) {
  // The CLI parses the number; the range is the library's (the uapi limit).
  for (const char* bad : {"101", "-1", "abc", "", "50.5"}) {
    auto fake = MonitorFake();
    Result r = RunCli({"set-threshold", bad}, fake);
    EXPECT_EQ(r.rc, 2) << bad;
    EXPECT_EQ(r.err, std::string(bad) == "101"
                         ? std::string("buddyctl: invalid threshold 101: must be 0..100\n")
                         : std::string("buddyctl: invalid threshold '") + bad +
                               "': not a 32-bit unsigned integer\n");
    EXPECT_EQ(CountLines(r.err), 1);
    EXPECT_TRUE(fake->sent.empty()) << bad;
    EXPECT_TRUE(fake->lookups.empty()) << bad;
  }
}

TEST(CliTest, SetThresholdSendsOnlyTheThreshold) {
  auto fake = MonitorFake();
  fake->Reply(
      kMonId, BUDDY_MON_CMD_SET_CONFIG,
      {::buddyctl::testing::ConfigReply(BUDDY_MON_CMD_SET_CONFIG, BUDDY_POLICY_ADAPTIVE, 80)});
  Result r = RunCli({"set-threshold", "80"}, fake);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("threshold       80%\n"));
  EXPECT_THAT(r.out, HasSubstr("policy          adaptive\n"));
  ASSERT_EQ(fake->sent.size(), 1u);
  EXPECT_EQ(fake->sent[0].cmd(), BUDDY_MON_CMD_SET_CONFIG);
  auto tb = ::buddyctl::testing::ParseRequest(fake->sent[0], BUDDY_MON_A_MAX);
  nlattr* cfg[BUDDY_MON_CA_MAX + 1] = {};
  ASSERT_EQ(nla_parse_nested(cfg, BUDDY_MON_CA_MAX, tb[BUDDY_MON_A_CONFIG], nullptr), 0);
  ASSERT_NE(cfg[BUDDY_MON_CA_THRESHOLD], nullptr);
  EXPECT_EQ(nla_get_u32(cfg[BUDDY_MON_CA_THRESHOLD]), 80u);
  for (int a = 1; a <= BUDDY_MON_CA_MAX; ++a) {
    if (a != BUDDY_MON_CA_THRESHOLD) {
      EXPECT_EQ(cfg[a], nullptr) << a;
    }
  }
}

TEST(CliTest, OtherBadTunerValuesAreRefused) {
  const std::vector<std::vector<std::string>> cases = {
      {"set-min-order", "11"},
      {"set-min-order", "-3"},
      {"policy", "fastest"},
      {"background", "maybe"},
      {"background", "on", "--order", "11"},
      {"background", "on", "--interval-ms", "5"},
      {"latency-mode", "sometimes"},
      {"latency-mode", "on", "--duty", "0"},
      {"latency-mode", "on", "--duty", "101"},
      {"latency-mode", "on", "--duty", "ten"},
      {"latency-mode", "on", "--duty", "-5"},
  };
  for (const auto& c : cases) {
    auto fake = MonitorFake();
    Result r = RunCli(c, fake);
    EXPECT_EQ(r.rc, 2) << c[0] << " " << c[1];
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_THAT(r.err, ::testing::MatchesRegex("buddyctl: (invalid|unknown) .*\n")) << r.err;
    EXPECT_TRUE(fake->sent.empty());
  }
}

TEST(CliTest, PolicyWithoutArgumentPrintsTheConfig) {
  auto fake = MonitorFake();
  Result r = RunCli({"policy", "--json"}, fake);
  ASSERT_EQ(r.rc, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["policy"], "adaptive");
  EXPECT_EQ(j["threshold"], 80);
  EXPECT_EQ(j["min_order"], 3);
  EXPECT_EQ(fake->sent.size(), 1u);
  EXPECT_EQ(fake->sent[0].cmd(), BUDDY_MON_CMD_GET_CONFIG);
}

TEST(CliTest, KernelRefusalIsOneLineExit1) {
  auto fake = MonitorFake();
  fake->Fail(kMonId, BUDDY_MON_CMD_RESET, EPERM);
  Result r = RunCli({"reset"}, fake);
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err, "buddyctl: permission denied: reset needs CAP_SYS_ADMIN (run as root)\n");
}

TEST(CliTest, UnknownCommandAndFlagAreUsageErrors) {
  auto fake = MonitorFake();
  Result a = RunCli({"frobnicate"}, fake);
  EXPECT_EQ(a.rc, 2);
  EXPECT_THAT(a.err, HasSubstr("unknown command 'frobnicate'"));
  EXPECT_THAT(a.err, HasSubstr("usage: buddyctl"));
  Result b = RunCli({"stats", "--bogus"}, fake);
  EXPECT_EQ(b.rc, 2);
  EXPECT_EQ(
      b.err,
      "buddyctl stats: unknown option '--bogus'\nusage: buddyctl stats [--order N] [--json]\n");
  Result c = RunCli({"hot", "explode"}, fake);
  EXPECT_EQ(c.rc, 2);
  Result d = RunCli({}, fake);
  EXPECT_EQ(d.rc, 2);
  Result e = RunCli({"set-threshold"}, fake);
  EXPECT_EQ(e.rc, 2);
  EXPECT_THAT(e.err, HasSubstr("missing argument"));
  EXPECT_TRUE(fake->sent.empty());
}

TEST(CliTest, HelpTeachesWithExamples) {
  auto fake = MonitorFake();
  Result top = RunCli({"--help"}, fake);
  EXPECT_EQ(top.rc, 0);
  for (const Command& c : Commands()) EXPECT_THAT(top.out, HasSubstr(std::string(c.name)));
  EXPECT_THAT(top.out, HasSubstr("examples:"));
  Result stats = RunCli({"stats", "--help"}, fake);
  EXPECT_EQ(stats.rc, 0);
  EXPECT_THAT(stats.out, StartsWith("usage: buddyctl stats [--order N] [--json]\n"));
  EXPECT_THAT(stats.out, HasSubstr("examples:"));
  Result hot = RunCli({"hot", "run", "--help"}, fake);
  EXPECT_EQ(hot.rc, 0);
  EXPECT_THAT(hot.out, HasSubstr("--gfp MODE"));
  Result help = RunCli({"help", "record"}, fake);
  EXPECT_EQ(help.rc, 0);
  EXPECT_THAT(help.out, HasSubstr("-o, --output FILE"));
  EXPECT_TRUE(fake->sent.empty());
}

TEST(CliTest, LatencyShowsPercentilesAndHistogram) {
  auto fake = MonitorFake();
  Result r = RunCli({"latency"}, fake);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("order 9: 5 calls (4 fast path, 1 slow path)"));
  // fast p50: rank 2 of 4 in [1024, 2048) -> 1536 ns
  EXPECT_THAT(r.out, HasSubstr("fast  p50 1.54us"));
  EXPECT_THAT(r.out, HasSubstr("[ 1.02us,  2.05us) |########################################"));
  EXPECT_THAT(r.out,
              HasSubstr("[ 1.05ms,   2.1ms) |**********                               | 1\n"));
}

TEST(CliTest, LatencyModeDutyIsParsedAndSent) {
  auto fake = MonitorFake();
  fake->Reply(kMonId, BUDDY_MON_CMD_SET_CONFIG,
              {ConfigReply(BUDDY_MON_CMD_SET_CONFIG, BUDDY_POLICY_ADAPTIVE, 80, true, 20)});
  Result r = RunCli({"latency-mode", "on", "--duty", "20"}, fake);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_THAT(r.out,
              HasSubstr("latency         on, 20 % duty (hook on 200 ms of every 1000 ms)\n"));
  ASSERT_EQ(fake->sent.size(), 1u);
  auto tb = ::buddyctl::testing::ParseRequest(fake->sent[0], BUDDY_MON_A_MAX);
  ASSERT_NE(tb[BUDDY_MON_A_CONFIG], nullptr);
  nlattr* cfg[BUDDY_MON_CA_MAX + 1] = {};
  ASSERT_EQ(nla_parse_nested(cfg, BUDDY_MON_CA_MAX, tb[BUDDY_MON_A_CONFIG], nullptr), 0);
  ASSERT_NE(cfg[BUDDY_MON_CA_LATENCY], nullptr);
  EXPECT_EQ(nla_get_u8(cfg[BUDDY_MON_CA_LATENCY]), 1);
  ASSERT_NE(cfg[BUDDY_MON_CA_LATENCY_DUTY_PCT], nullptr);
  EXPECT_EQ(nla_get_u32(cfg[BUDDY_MON_CA_LATENCY_DUTY_PCT]), 20u);
  // Without --duty the kernel keeps its duty: nothing is sent for it.
  Result plain = RunCli({"latency-mode", "on", "--json"}, fake);
  ASSERT_EQ(plain.rc, 0) << plain.err;
  EXPECT_EQ(nlohmann::json::parse(plain.out)["latency_duty_pct"], 20);
  ASSERT_EQ(fake->sent.size(), 2u);
  tb = ::buddyctl::testing::ParseRequest(fake->sent[1], BUDDY_MON_A_MAX);
  ASSERT_EQ(nla_parse_nested(cfg, BUDDY_MON_CA_MAX, tb[BUDDY_MON_A_CONFIG], nullptr), 0);
  EXPECT_EQ(cfg[BUDDY_MON_CA_LATENCY_DUTY_PCT], nullptr);
}

TEST(CliTest, LatencyModeBadDutyIsOneLineAndSendsNothing) {
  auto fake = MonitorFake();
  Result r = RunCli({"latency-mode", "on", "--duty", "0"}, fake);
  EXPECT_EQ(r.rc, 2);
  EXPECT_EQ(r.err, "buddyctl: invalid latency duty 0 %: must be 1..100\n");
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(fake->sent.empty());
}

TEST(CliTest, LatencyTextSaysTheDutyAndTheCaptureTime) {
  auto fake = MonitorFake();
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_CONFIG,
              {ConfigReply(BUDDY_MON_CMD_GET_CONFIG, BUDDY_POLICY_ADAPTIVE, 80, true, 10)});
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_LATENCY, {LatencyReply(9, false, 6'000'000'000)});
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_STATS,
              {::buddyctl::testing::StatsReply({0}, 61'000'000'000)});
  Result r = RunCli({"latency"}, fake);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("sampled: 10 % duty, hook on 6.0 s of 60.0 s since reset\n"));
  EXPECT_THAT(r.out, HasSubstr("order 9: 5 calls (4 fast path, 1 slow path)"));
  Result j = RunCli({"latency", "--json"}, fake);
  ASSERT_EQ(j.rc, 0) << j.err;
  auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["capture_ns"], 6'000'000'000);
  EXPECT_EQ(doc["latency_duty_pct"], 10);
  EXPECT_EQ(doc["orders"][0]["capture_ns"], 6'000'000'000);
  // At a full duty the text is as it always was.
  auto full = MonitorFake();
  Result f = RunCli({"latency"}, full);
  ASSERT_EQ(f.rc, 0) << f.err;
  EXPECT_THAT(f.out, Not(HasSubstr("sampled")));
  EXPECT_THAT(f.out, StartsWith("order 9: "));
}

TEST(CliTest, PolicyShowsTheLatencyDutyOnlyBelowFull) {
  auto fake = MonitorFake();
  Result full = RunCli({"policy"}, fake);
  ASSERT_EQ(full.rc, 0) << full.err;
  EXPECT_THAT(full.out, HasSubstr("latency         on\n"));
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_CONFIG,
              {ConfigReply(BUDDY_MON_CMD_GET_CONFIG, BUDDY_POLICY_ADAPTIVE, 80, false, 5)});
  Result part = RunCli({"policy"}, fake);
  ASSERT_EQ(part.rc, 0) << part.err;
  EXPECT_THAT(part.out,
              HasSubstr("latency         off, 5 % duty (hook on 50 ms of every 1000 ms)\n"));
}

TEST(CliTest, ExportPrometheusHasTheLatencyDutyAndCaptureTime) {
  auto fake = MonitorFake();
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_CONFIG,
              {ConfigReply(BUDDY_MON_CMD_GET_CONFIG, BUDDY_POLICY_ADAPTIVE, 80, true, 25)});
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_LATENCY, {LatencyReply(9, false, 1'500'000'000)});
  Result r = RunCli({"export", "--prometheus"}, fake);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\nbuddyctl_latency_duty_ratio 0.25\n"));
  EXPECT_THAT(r.out, HasSubstr("\nbuddyctl_latency_capture_seconds_total 1.5\n"));
}

TEST(CliTest, FragTextAndJson) {
  auto fake = MonitorFake();
  Result r = RunCli({"frag"}, fake);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("node 0 zone Normal: managed 500000 pages"));
  EXPECT_THAT(r.out, HasSubstr("4 MiB blocks: 200 aligned, 12 free now, 150 recoverable"));
  EXPECT_THAT(r.out, HasSubstr("-1.000"));
  Result j = RunCli({"frag", "--json"}, fake);
  auto parsed = nlohmann::json::parse(j.out);
  EXPECT_EQ(parsed["zones"][0]["blocks_recoverable"], 150);
}

TEST(CliTest, HotRunPollsThenSummarizes) {
  auto fake = ::buddyctl::testing::MakeFake();
  fake->Reply(kHotId, BUDDY_HOT_CMD_RUN, {});
  int polls = 0;
  fake->On(kHotId, BUDDY_HOT_CMD_STATUS, [&polls](const Message&) {
    ++polls;
    return absl::StatusOr<std::vector<Message>>(
        std::vector<Message>{::buddyctl::testing::HotStatusReply(
            polls < 3 ? BUDDY_HOT_RUNNING : BUDDY_HOT_DONE, polls < 3 ? 1 : 4, polls < 3 ? 1 : 3, 3,
            polls < 3 ? BUDDY_HOT_STOP_NONE : BUDDY_HOT_STOP_COUNT)});
  });
  NlReply at(kHotId, BUDDY_HOT_CMD_GET_ATTEMPTS);
  const uint64_t lat[] = {2'000'000, 1'000'000, 3'000'000, 50'000'000};
  for (uint32_t i = 0; i < 4; ++i) {
    nlattr* a = nla_nest_start(at.msg(), BUDDY_HOT_A_ATTEMPT);
    nla_put_u32(at.msg(), BUDDY_HOT_AA_INDEX, i);
    nla_put_u8(at.msg(), BUDDY_HOT_AA_OK, i == 0 ? 0 : 1);
    nla_put_u64(at.msg(), BUDDY_HOT_AA_LATENCY_NS, lat[i]);
    nla_nest_end(at.msg(), a);
  }
  fake->Reply(kHotId, BUDDY_HOT_CMD_GET_ATTEMPTS, {at.Take()});
  Result r = RunCli({"hot", "run", "--order", "10", "--count", "4", "--gfp", "retry"}, fake);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(polls, 3);
  EXPECT_THAT(r.err, HasSubstr("hot: 1/4 attempts, 1 ok"));
  EXPECT_THAT(r.out,
              HasSubstr("order 10, gfp retry: 3/4 attempts succeeded (75.0%), 3 blocks held"));
  // sorted 1,2,3,50 ms: p50 rank 2 = 2 ms, p99 rank 4 = 50 ms
  EXPECT_THAT(r.out, HasSubstr("latency: p50 2ms  p99 50ms  max 50ms"));
  EXPECT_THAT(r.out, HasSubstr("first success: attempt latency 1ms, 3ms into the run"));
  EXPECT_THAT(r.out, HasSubstr("stopped because: count"));
}

TEST(CliTest, HotRunBadArgumentsSendNothing) {
  const std::vector<std::vector<std::string>> cases = {
      {"hot", "run", "--order", "11"},
      {"hot", "run", "--count", "0"},
      {"hot", "run", "--count", "1000000"},
      {"hot", "run", "--gfp", "atomic"},
      {"hot", "run", "--pause-us", "abc"},
      {"fragment", "pin", "--percent", "101"},
      {"fragment", "pin", "--percent", "10", "--sweep-percent", "0"},
  };
  for (const auto& c : cases) {
    auto fake = ::buddyctl::testing::MakeFake();
    Result r = RunCli(c, fake);
    EXPECT_EQ(r.rc, 2) << c[2] << " " << c[3];
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_TRUE(fake->sent.empty());
    EXPECT_TRUE(fake->lookups.empty());
  }
  auto fake = ::buddyctl::testing::MakeFake();
  Result missing = RunCli({"fragment", "pin"}, fake);
  EXPECT_EQ(missing.rc, 2);
  EXPECT_THAT(missing.err, HasSubstr("missing --percent P"));
}

TEST(CliTest, EventsFollowsTheStream) {
  auto fake = MonitorFake();
  fake->events->push_back(::buddyctl::testing::EventMsg(BUDDY_EV_ALLOC_FAIL, 10, 1'500'000'000));
  fake->events->push_back(::buddyctl::testing::EventMsg(BUDDY_EV_ALLOC_FAIL, 9, 1'600'000'000));
  fake->events->push_back(::buddyctl::testing::EventMsg(BUDDY_EV_ALLOC_FAIL, 8, 1'700'000'000));
  Result r = RunCli({"events", "--count", "2"}, fake);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out,
            "[1.500000] alloc_fail order=10 gfp=0x140cca mt=movable cpu=1 pid=42 comm=stress "
            "dropped=0\n"
            "[1.600000] alloc_fail order=9 gfp=0x140cca mt=movable cpu=1 pid=42 comm=stress "
            "dropped=0\n");
  Result j = RunCli({"events", "--json", "--timeout", "1s"}, fake);
  ASSERT_EQ(j.rc, 0) << j.err;
  auto e = nlohmann::json::parse(j.out);
  EXPECT_EQ(e["type"], "alloc_fail");
  EXPECT_EQ(e["order"], 8);
}

// A background event carries the unusable index it fired on: "unusable=" in
// the text and "unusable_pct" in JSON, the name it has everywhere else.
TEST(CliTest, EventsNameTheUnusableIndexAsEverywhereElse) {
  using ::buddyctl::testing::NlReply;
  auto background = [] {
    NlReply r(::buddyctl::testing::kMonId, BUDDY_MON_CMD_EVENT);
    nla_put_u32(r.msg(), BUDDY_MON_EV_A_TYPE, BUDDY_EV_BACKGROUND);
    r.PutU64Padded(BUDDY_MON_EV_A_TIME_NS, 2'000'000'000, BUDDY_MON_EV_A_PAD);
    nla_put_u32(r.msg(), BUDDY_MON_EV_A_ORDER, 10);
    nla_put_u32(r.msg(), BUDDY_MON_EV_A_UNUSABLE_PCT, 87);
    return r.Take();
  };
  auto fake = MonitorFake();
  fake->events->push_back(background());
  Result r = RunCli({"events", "--count", "1"}, fake);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out, "[2.000000] background order=10 unusable=87%\n");
  fake->events->push_back(background());
  Result j = RunCli({"events", "--json", "--count", "1"}, fake);
  ASSERT_EQ(j.rc, 0) << j.err;
  auto e = nlohmann::json::parse(j.out);
  EXPECT_EQ(e["unusable_pct"], 87);
  EXPECT_FALSE(e.contains("frag_pct"));
}

// True when `s` is well-formed UTF-8, checked independently of the CLI's
// own ValidUtf8: nlohmann's strict serializer throws on anything else.
bool IsValidUtf8(const std::string& s) {
  try {
    return !nlohmann::json(s).dump().empty();
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

TEST(CliTest, EventsSurviveACommCutMidCharacter) {
  // 15 bytes as the kernel keeps them: "buddy-пиш" cut inside its last
  // character (0xd1 0x88 loses the 0x88), then a stray continuation byte
  // and an overlong '/' in a second event.
  const char kCut[] = "buddy-\xd0\xbf\xd0\xb8\xd1";
  const char kJunk[] = "x\x88y\xc0\xafz";
  ASSERT_FALSE(IsValidUtf8(kCut));
  for (const bool json : {false, true}) {
    auto fake = MonitorFake();
    fake->events->push_back(
        ::buddyctl::testing::EventMsg(BUDDY_EV_ALLOC_FAIL, 10, 1'500'000'000, kCut));
    fake->events->push_back(
        ::buddyctl::testing::EventMsg(BUDDY_EV_ALLOC_FAIL, 9, 1'600'000'000, kJunk));
    std::vector<std::string> args = {"events", "--count", "2"};
    if (json) args.emplace_back("--json");
    Result r = RunCli(args, fake);
    ASSERT_EQ(r.rc, 0) << r.err;
    EXPECT_TRUE(IsValidUtf8(r.out)) << r.out;
    if (json) {
      std::istringstream in(r.out);
      std::string line;
      std::getline(in, line);
      EXPECT_EQ(nlohmann::json::parse(line)["comm"], "buddy-\u043f\u0438\ufffd");
      std::getline(in, line);
      EXPECT_EQ(nlohmann::json::parse(line)["comm"], "x\ufffdy\ufffd\ufffdz");
    } else {
      EXPECT_THAT(r.out, HasSubstr("comm=buddy-\xd0\xbf\xd0\xb8\xef\xbf\xbd dropped"));
      EXPECT_THAT(r.out, HasSubstr("comm=x\xef\xbf\xbdy\xef\xbf\xbd\xef\xbf\xbdz dropped"));
    }
  }
}

TEST(CliTest, InfoShowsTheCostOfObserving) {
  auto fake = MonitorFake();
  NlReply r(kMonId, BUDDY_MON_CMD_GET_INFO);
  nla_put_u32(r.msg(), BUDDY_MON_A_ABI_VERSION, BUDDY_MON_GENL_VERSION);
  nla_put_string(r.msg(), BUDDY_MON_A_KERNEL_RELEASE, "6.1.0-56-amd64");
  nla_put_u32(r.msg(), BUDDY_MON_A_NR_ORDERS, 11);
  ::buddyctl::testing::PutConfig(r, BUDDY_POLICY_ADAPTIVE, 80);
  r.PutU64Padded(BUDDY_MON_A_MAX_LOCK_HOLD_NS, 41000, BUDDY_MON_A_PAD);
  r.PutU64Padded(BUDDY_MON_A_LOCK_HOLD_TOTAL_NS, 905000, BUDDY_MON_A_PAD);
  r.PutU64Padded(BUDDY_MON_A_MAX_SCAN_NS, 7000000, BUDDY_MON_A_PAD);
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_INFO, {r.Take()});
  Result t = RunCli({"info"}, fake);
  ASSERT_EQ(t.rc, 0) << t.err;
  EXPECT_THAT(t.out, HasSubstr("longest zone lock hold 41000 ns (interrupts off), 905000 ns in "
                               "all; longest memmap scan 7000000 ns"));
  Result j = RunCli({"info", "--json"}, fake);
  ASSERT_EQ(j.rc, 0) << j.err;
  auto e = nlohmann::json::parse(j.out);
  EXPECT_EQ(e["max_lock_hold_ns"], 41000);
  EXPECT_EQ(e["lock_hold_total_ns"], 905000);
  EXPECT_EQ(e["max_scan_ns"], 7000000);
}

TEST(CliTest, RecordWritesOneJsonObjectPerSample) {
  auto fake = MonitorFake();
  Result r = RunCli({"record", "--interval", "1s", "--duration", "3s", "-o", "-"}, fake);
  ASSERT_EQ(r.rc, 0) << r.err;
  std::istringstream in(r.out);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["sample"], n);
    EXPECT_DOUBLE_EQ(j["elapsed_s"].get<double>(), n);
    EXPECT_DOUBLE_EQ(j["timestamp"].get<double>(), 1'800'000'000.0 + n);
    EXPECT_EQ(j["stats"]["orders"][1]["requests"], 1010);
    EXPECT_EQ(j["frag"][0]["zone"], "Normal");
    EXPECT_EQ(j["tuner"]["background"]["triggers"], 7);
    EXPECT_EQ(j["latency"][0]["order"], 9);
    ++n;
  }
  EXPECT_EQ(n, 4);  // at 0, 1, 2, 3 s
  EXPECT_THAT(r.err, HasSubstr("record: sample 4/4 -> -"));
  Result missing = RunCli({"record", "--duration", "3s"}, fake);
  EXPECT_EQ(missing.rc, 2);
  EXPECT_THAT(missing.err, HasSubstr("missing -o FILE"));
}

TEST(CliTest, WatchComputesRatesBetweenFrames) {
  auto fake = MonitorFake();
  int calls = 0;
  fake->On(kMonId, BUDDY_MON_CMD_GET_STATS, [&calls](const Message&) {
    // Counters double between frames 2 s apart (kernel clock).
    ++calls;
    return absl::StatusOr<std::vector<Message>>(
        std::vector<Message>{::buddyctl::testing::StatsReply(::buddyctl::testing::AllOrders(),
                                                             calls * 2'000'000'000ULL, calls)});
  });
  Result r = RunCli({"watch", "--count", "2"}, fake);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(calls, 2);
  EXPECT_THAT(r.out, HasSubstr("frame 1"));
  EXPECT_THAT(r.out, HasSubstr("frame 2"));
  EXPECT_THAT(r.out, HasSubstr("(rates appear from the second frame)"));
  // Order 5 requests 5010 -> 10020 over 2 s: 2505.0/s; failures 3 -> 6: 1.5/s.
  EXPECT_THAT(r.out, HasSubstr("    5      2505.0        1.5"));
  EXPECT_THAT(r.out, HasSubstr("4 MiB blocks: 12 free, 150 recoverable of 200; node 0 score 30"));
  EXPECT_EQ(r.out.find("\033["), std::string::npos);  // not a terminal: no ANSI
}

TEST(CliTest, ExportPrometheus) {
  auto fake = MonitorFake();
  Result r = RunCli({"export", "--prometheus"}, fake);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("# HELP buddyctl_up "));
  EXPECT_THAT(r.out, HasSubstr("\nbuddyctl_up 1\n"));
  EXPECT_THAT(r.out, HasSubstr("buddyctl_alloc_requests_total{order=\"10\"} 10010\n"));
  EXPECT_THAT(r.out, HasSubstr("buddyctl_tuner_threshold_ratio 0.8\n"));
  EXPECT_THAT(r.out, HasSubstr("buddyctl_monitor_info{kernel_release=\"6.1.0-56-amd64\","));
  // The reply's kernel clock says 5 s since boot and the reset was at 1 s:
  // 4 s before the fake wall clock.
  EXPECT_THAT(r.out, HasSubstr("buddyctl_monitor_reset_timestamp_seconds 1799999996\n"));
  // The evacuate policy's counters (TunerReply).
  EXPECT_THAT(r.out, HasSubstr("buddyctl_evacuate_blocks_total 58\n"));
  EXPECT_THAT(r.out, HasSubstr("buddyctl_evacuate_pages_moved_total 52288\n"));
  EXPECT_THAT(r.out, HasSubstr("buddyctl_evacuate_declined_total{reason=\"low_memory\"} 1\n"));
  EXPECT_THAT(r.out, HasSubstr("buddyctl_evacuate_seconds_total 4.00564837\n"));
  EXPECT_THAT(r.out, HasSubstr("buddyctl_background_last_unusable_ratio 0.88\n"));
  // The one-shot has no exporter process to describe.
  EXPECT_THAT(r.out, Not(HasSubstr("buddyctl_exporter_")));
  // Latency capture is on in the fake: order 9's histogram, 4 fast calls in
  // [1024, 2048) ns and one slow in [2^20, 2^21) ns.
  EXPECT_THAT(r.out, HasSubstr("# TYPE buddyctl_alloc_latency_seconds histogram\n"));
  EXPECT_THAT(r.out, HasSubstr("buddyctl_alloc_latency_seconds_bucket{order=\"9\",path=\"fast\","
                               "le=\"0.000002047\"} 4\n"));
  EXPECT_THAT(r.out,
              HasSubstr("buddyctl_alloc_latency_seconds_count{order=\"9\",path=\"slow\"} 1\n"));
  EXPECT_THAT(r.out,
              HasSubstr("buddyctl_alloc_latency_seconds_sum{order=\"9\",path=\"slow\"} 0.0015\n"));
  EXPECT_THAT(r.out, HasSubstr("buddyctl_alloc_latency_untimed_total 5\n"));
  Result bare = RunCli({"export"}, fake);
  EXPECT_EQ(bare.rc, 2);
}

// The one-shot and the exporter print the same families; the exporter adds
// only its own (buddyctl_exporter_*, process_*).
TEST(CliTest, ExportAndExporterServeTheSameFamilies) {
  auto fake = MonitorFake();
  Result r = RunCli({"export", "--prometheus"}, fake);
  ASSERT_EQ(r.rc, 0) << r.err;
  Collector collector([fake]() -> absl::StatusOr<std::shared_ptr<Transport>> { return fake; },
                      CollectorOptions{});
  const std::string scrape = collector.Scrape(ExpositionFormat::kText);
  auto families = [](const std::string& text, bool monitor_only) {
    std::set<std::string> names;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("# TYPE ", 0) != 0) continue;
      const std::string name = line.substr(7, line.find(' ', 7) - 7);
      if (monitor_only &&
          (name.rfind("buddyctl_exporter_", 0) == 0 || name.rfind("process_", 0) == 0)) {
        continue;
      }
      names.insert(name);
    }
    return names;
  };
  const std::set<std::string> exported = families(r.out, false);
  EXPECT_GT(exported.size(), 60u);
  EXPECT_EQ(exported, families(scrape, true));
  EXPECT_GT(families(scrape, false).size(), exported.size());
}

TEST(CliTest, ExportPrometheusWithoutTheModuleSaysDown) {
  auto fake = std::make_shared<FakeTransport>();  // no family registered
  Result r = RunCli({"export", "--prometheus"}, fake);
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("not loaded"));
  EXPECT_THAT(r.out, HasSubstr("\nbuddyctl_up 0\n"));
  EXPECT_THAT(r.out, HasSubstr("buddyctl_build_info{version=\""));
  EXPECT_THAT(r.out, Not(HasSubstr("buddyctl_alloc_")));
}

TEST(CliTest, ExportPrometheusLatencyOnlyWhenThereIsSome) {
  // Capture off, nothing timed since the reset: no latency families.
  auto fake = MonitorFake();
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_CONFIG,
              {ConfigReply(BUDDY_MON_CMD_GET_CONFIG, BUDDY_POLICY_ADAPTIVE, 80, false)});
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_LATENCY, {LatencyReply(9, true)});
  Result off = RunCli({"export", "--prometheus"}, fake);
  ASSERT_EQ(off.rc, 0) << off.err;
  EXPECT_THAT(off.out, HasSubstr("buddyctl_alloc_requests_total{order=\"10\"} 10010\n"));
  EXPECT_THAT(off.out, Not(HasSubstr("buddyctl_alloc_latency")));
  // Capture off, but an earlier capture's data remains: exported.
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_LATENCY, {LatencyReply(9)});
  Result left = RunCli({"export", "--prometheus"}, fake);
  ASSERT_EQ(left.rc, 0) << left.err;
  EXPECT_THAT(left.out,
              HasSubstr("buddyctl_alloc_latency_seconds_count{order=\"9\",path=\"fast\"} 4\n"));
}

TEST(CliTest, ExporterBadListenAddressIsOneLineExit1) {
  auto fake = MonitorFake();
  for (const char* bad :
       {"nonsense", "127.0.0.1", "127.0.0.1:99999", "300.1.2.3:9435", "[::1:9435", "localhost:x"}) {
    Result r = RunCli({"exporter", "--listen", bad}, fake);
    EXPECT_EQ(r.rc, 1) << bad;
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_THAT(r.err, StartsWith("buddyctl: bad listen address")) << r.err;
  }
  EXPECT_TRUE(fake->sent.empty());
}

TEST(CliTest, ExporterPortInUseIsOneLineExit1) {
  auto fake = MonitorFake();
  // Hold a port with the exporter's own server, then ask for it again.
  Collector collector([fake]() -> absl::StatusOr<std::shared_ptr<Transport>> { return fake; },
                      CollectorOptions{});
  auto first = HttpExporter::Start("127.0.0.1:0", &collector, HttpOptions{});
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string addr = absl::StrCat("127.0.0.1:", (*first)->port());
  Result r = RunCli({"exporter", "--listen", addr}, fake);
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  EXPECT_THAT(r.err, StartsWith(absl::StrCat("buddyctl: cannot listen on ", addr, ": ")));
  EXPECT_THAT(r.err, HasSubstr("in use"));
}

TEST(CliTest, ExporterBadOptionValues) {
  auto fake = MonitorFake();
  EXPECT_EQ(RunCli({"exporter", "--frag-interval", "0s"}, fake).rc, 2);
  EXPECT_EQ(RunCli({"exporter", "--max-connections", "0"}, fake).rc, 2);
  EXPECT_EQ(RunCli({"exporter", "extra"}, fake).rc, 2);
  EXPECT_TRUE(fake->sent.empty());
}

}  // namespace
}  // namespace buddyctl::cli
