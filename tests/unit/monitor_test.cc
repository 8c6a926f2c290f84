// SPDX-License-Identifier: GPL-2.0
// Monitor against kernel-shaped replies built with libnl.
#include "buddyctl/monitor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "fake_transport.h"
#include "replies.h"

namespace buddyctl {
namespace {

using ::buddyctl::testing::kEventsGroup;
using ::buddyctl::testing::kMonId;
using ::buddyctl::testing::MonitorFake;
using ::buddyctl::testing::NlReply;
using ::buddyctl::testing::ParseRequest;

TEST(MonitorTest, GetStatsParsesEveryField) {
  auto fake = MonitorFake();
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok()) << mon.status();
  auto s = mon->GetStats();
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->orders.size(), 11u);
  const OrderStats& o9 = s->orders[9];
  EXPECT_EQ(o9.order, 9u);
  EXPECT_EQ(o9.requests, 9010u);
  EXPECT_EQ(o9.successes, 9007u);
  EXPECT_EQ(o9.failures, 3u);
  EXPECT_EQ(o9.slowpath, 9u);
  EXPECT_EQ(o9.compact_attempts, 18u);
  EXPECT_EQ(o9.compact_by_prio, (std::array<uint64_t, 3>{9, 18, 27}));
  EXPECT_EQ(o9.compact_by_result[0], 1u);
  EXPECT_EQ(o9.compact_by_result[kCompactResultSuccess], 109u);
  EXPECT_EQ(o9.compact_deferred, 49u);
  EXPECT_EQ(o9.raises, 59u);
  EXPECT_EQ(o9.requests_by_mt, (std::array<uint64_t, 6>{10, 20, 30, 40, 0, 0}));
  EXPECT_EQ(o9.failures_by_mt, (std::array<uint64_t, 6>{1, 2, 0, 0, 0, 0}));
  EXPECT_EQ(o9.compact_requests, 9u);
  EXPECT_EQ(o9.compact_pages, 69u);
  ASSERT_EQ(s->fallbacks.size(), 1u);
  EXPECT_EQ(s->fallbacks[0].fallback_order, 3u);
  EXPECT_EQ(s->fallbacks[0].alloc_mt, 0u);
  EXPECT_EQ(s->fallbacks[0].fallback_mt, 1u);
  EXPECT_TRUE(s->fallbacks[0].fragmenting);
  EXPECT_EQ(s->fallbacks[0].count, 77u);
  EXPECT_EQ(s->slowpath_missed, 2u);
  EXPECT_EQ(s->events_dropped, 4u);
  EXPECT_EQ(s->events_sent, 9u);
  EXPECT_EQ(s->reset_time_ns, 1'000'000'000u);
  EXPECT_EQ(s->now_ns, 5'000'000'000u);
}

TEST(MonitorTest, GetStatsForOneOrderSendsTheOrder) {
  auto fake = MonitorFake();
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  ASSERT_TRUE(mon->GetStats(7).ok());
  ASSERT_EQ(fake->sent.size(), 1u);
  EXPECT_EQ(fake->sent[0].cmd(), BUDDY_MON_CMD_GET_STATS);
  EXPECT_EQ(fake->sent[0].type(), kMonId);
  EXPECT_EQ(fake->sent[0].version(), BUDDY_MON_GENL_VERSION);
  auto tb = ParseRequest(fake->sent[0], BUDDY_MON_A_MAX);
  ASSERT_NE(tb[BUDDY_MON_A_ORDER], nullptr);
  EXPECT_EQ(nla_get_u32(tb[BUDDY_MON_A_ORDER]), 7u);
}

TEST(MonitorTest, OutOfRangeOrderIsRefusedBeforeSending) {
  auto fake = MonitorFake();
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  auto s = mon->GetStats(11);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.status().message(), "invalid order 11: must be 0..10");
  EXPECT_TRUE(fake->sent.empty());
}

TEST(MonitorTest, TruncatedAttributeIsAnErrorNotAZero) {
  auto fake = ::buddyctl::testing::MakeFake();
  NlReply r(kMonId, BUDDY_MON_CMD_GET_STATS);
  nlattr* list = nla_nest_start(r.msg(), BUDDY_MON_A_ORDERS);
  nlattr* os = nla_nest_start(r.msg(), BUDDY_MON_A_ORDER_STATS);
  nla_put_u32(r.msg(), BUDDY_MON_OA_REQUESTS, 5);  // u32 where a u64 belongs
  nla_nest_end(r.msg(), os);
  nla_nest_end(r.msg(), list);
  nla_nest_end_keep_empty(r.msg(), nla_nest_start(r.msg(), BUDDY_MON_A_FALLBACKS));
  for (int a : {BUDDY_MON_A_SLOWPATH_MISSED, BUDDY_MON_A_EVENTS_DROPPED, BUDDY_MON_A_EVENTS_SENT,
                BUDDY_MON_A_RESET_TIME_NS, BUDDY_MON_A_NOW_NS}) {
    r.PutU64Padded(a, 0, BUDDY_MON_A_PAD);
  }
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_STATS, {r.Take()});
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  auto s = mon->GetStats();
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()),
              ::testing::HasSubstr("malformed stats: order reply"));
}

TEST(MonitorTest, MissingRequiredAttributeIsAnErrorNamingIt) {
  auto fake = ::buddyctl::testing::MakeFake();
  // An info reply from a module that predates BUDDY_MON_A_LOCK_HOLD_TOTAL_NS.
  NlReply r(kMonId, BUDDY_MON_CMD_GET_INFO);
  nla_put_u32(r.msg(), BUDDY_MON_A_ABI_VERSION, BUDDY_MON_GENL_VERSION);
  nla_put_string(r.msg(), BUDDY_MON_A_KERNEL_RELEASE, "6.1.0-56-amd64");
  nla_put_u32(r.msg(), BUDDY_MON_A_NR_ORDERS, BUDDY_NR_ORDERS);
  ::buddyctl::testing::PutConfig(r, BUDDY_POLICY_ADAPTIVE, 80);
  r.PutU64Padded(BUDDY_MON_A_MAX_LOCK_HOLD_NS, 41000, BUDDY_MON_A_PAD);
  r.PutU64Padded(BUDDY_MON_A_MAX_SCAN_NS, 7000000, BUDDY_MON_A_PAD);
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_INFO, {r.Take()});
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  auto info = mon->Info();
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(std::string(info.status().message()),
              ::testing::HasSubstr("info reply: BUDDY_MON_A_LOCK_HOLD_TOTAL_NS is missing"));
}

TEST(MonitorTest, MissingAttributeInANestIsAnErrorNotAZero) {
  auto fake = ::buddyctl::testing::MakeFake();
  NlReply r(kMonId, BUDDY_MON_CMD_GET_CONFIG);
  nlattr* c = nla_nest_start(r.msg(), BUDDY_MON_A_CONFIG);
  nla_put_u8(r.msg(), BUDDY_MON_CA_LATENCY, 1);
  nla_put_u32(r.msg(), BUDDY_MON_CA_POLICY, BUDDY_POLICY_ADAPTIVE);
  nla_nest_end(r.msg(), c);  // no threshold, no rate, ...
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_CONFIG, {r.Take()});
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  auto cfg = mon->GetConfig();
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(cfg.status().message()),
              ::testing::HasSubstr("config reply: BUDDY_MON_CA_EVENTS_PER_SEC is missing"));
}

TEST(MonitorTest, MissingArrayInAListedNestIsAnError) {
  auto fake = ::buddyctl::testing::MakeFake();
  NlReply r(kMonId, BUDDY_MON_CMD_GET_LATENCY);
  nlattr* list = nla_nest_start(r.msg(), BUDDY_MON_A_ORDERS);
  nlattr* l = nla_nest_start(r.msg(), BUDDY_MON_A_ORDER_LATENCY);
  nla_put_u32(r.msg(), BUDDY_MON_LA_ORDER, 9);
  nla_nest_end(r.msg(), l);
  nla_nest_end(r.msg(), list);
  r.PutU64Padded(BUDDY_MON_A_LAT_CAPTURE_NS, 1, BUDDY_MON_A_PAD);
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_LATENCY, {r.Take()});
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  auto lat = mon->GetLatency();
  ASSERT_FALSE(lat.ok());
  EXPECT_THAT(std::string(lat.status().message()),
              ::testing::HasSubstr("latency: order reply: BUDDY_MON_LA_FAST_HIST is missing"));
}

TEST(MonitorTest, GetLatencyParsesHistograms) {
  auto fake = MonitorFake();
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  auto l = mon->GetLatency();
  ASSERT_TRUE(l.ok()) << l.status();
  ASSERT_EQ(l->size(), 1u);
  const LatencyHistogram& h = (*l)[0];
  EXPECT_EQ(h.order, 9u);
  EXPECT_EQ(h.fast[10], 4u);
  EXPECT_EQ(h.slow[20], 1u);
  EXPECT_EQ(h.Count(), 5u);
  EXPECT_EQ(h.fast_max_ns, 2000u);
  EXPECT_EQ(h.slow_max_ns, 1500000u);
  EXPECT_EQ(h.fast_sum_ns, 6000u);
  EXPECT_EQ(h.missed, 5u);
  EXPECT_EQ(h.capture_ns, 4'000'000'000u);
}

// The capture time is one figure of the reply's own level, carried in
// every order's histogram as the missed count is.
TEST(MonitorTest, GetLatencyCarriesTheCaptureTimeIntoEveryOrder) {
  auto fake = MonitorFake();
  NlReply r(kMonId, BUDDY_MON_CMD_GET_LATENCY);
  nlattr* list = nla_nest_start(r.msg(), BUDDY_MON_A_ORDERS);
  for (uint32_t o : {2u, 7u}) {
    nlattr* l = nla_nest_start(r.msg(), BUDDY_MON_A_ORDER_LATENCY);
    nla_put_u32(r.msg(), BUDDY_MON_LA_ORDER, o);
    r.PutU64Array(BUDDY_MON_LA_FAST_HIST, std::vector<uint64_t>(BUDDY_LAT_BUCKETS, 1));
    r.PutU64Array(BUDDY_MON_LA_SLOW_HIST, std::vector<uint64_t>(BUDDY_LAT_BUCKETS, 0));
    for (int a : {BUDDY_MON_LA_FAST_MAX_NS, BUDDY_MON_LA_SLOW_MAX_NS, BUDDY_MON_LA_FAST_SUM_NS,
                  BUDDY_MON_LA_SLOW_SUM_NS, BUDDY_MON_LA_MISSED}) {
      r.PutU64Padded(a, 0, BUDDY_MON_LA_PAD);
    }
    nla_nest_end(r.msg(), l);
  }
  nla_nest_end(r.msg(), list);
  r.PutU64Padded(BUDDY_MON_A_LAT_CAPTURE_NS, 6'000'000'123, BUDDY_MON_A_PAD);
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_LATENCY, {r.Take()});
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  auto l = mon->GetLatency();
  ASSERT_TRUE(l.ok()) << l.status();
  ASSERT_EQ(l->size(), 2u);
  EXPECT_EQ((*l)[0].capture_ns, 6'000'000'123u);
  EXPECT_EQ((*l)[1].capture_ns, 6'000'000'123u);
}

TEST(MonitorTest, LatencyReplyWithoutCaptureTimeIsAnErrorNamingIt) {
  auto fake = MonitorFake();
  NlReply r(kMonId, BUDDY_MON_CMD_GET_LATENCY);
  nlattr* list = nla_nest_start(r.msg(), BUDDY_MON_A_ORDERS);
  nlattr* order = nla_nest_start(r.msg(), BUDDY_MON_A_ORDER_LATENCY);
  nla_put_u32(r.msg(), BUDDY_MON_LA_ORDER, 0);
  nla_nest_end(r.msg(), order);
  nla_nest_end(r.msg(), list);
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_LATENCY, {r.Take()});
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  auto l = mon->GetLatency();
  ASSERT_FALSE(l.ok());
  EXPECT_THAT(std::string(l.status().message()),
              ::testing::HasSubstr("latency reply: BUDDY_MON_A_LAT_CAPTURE_NS is missing"));
}

TEST(MonitorTest, GetFragParsesEveryZoneOfTheReply) {
  auto fake = ::buddyctl::testing::MakeFake();
  fake->Reply(
      kMonId, BUDDY_MON_CMD_GET_FRAG,
      {::buddyctl::testing::SimpleZone(),
       ::buddyctl::testing::ZoneReply(1, "DMA32", std::vector<uint64_t>(11, 1),
                                      std::vector<uint64_t>(11, 0), std::vector<uint64_t>(11, 0))});
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  auto z = mon->GetFrag();
  ASSERT_TRUE(z.ok()) << z.status();
  ASSERT_EQ(z->size(), 2u);
  const ZoneFrag& a = (*z)[0];
  EXPECT_EQ(a.node, 0u);
  EXPECT_EQ(a.zone_idx, 2u);
  EXPECT_EQ(a.zone_name, "Normal");
  EXPECT_EQ(a.managed_pages, 500000u);
  EXPECT_EQ(a.free_pages, 123456u);
  EXPECT_EQ(a.start_pfn, 1048576u);
  EXPECT_EQ(a.nr_free[0], 4u);
  EXPECT_EQ(a.nr_free[3], 1u);
  EXPECT_EQ(a.free_blocks[0][BUDDY_MT_MOVABLE], 4u);
  EXPECT_EQ(a.free_blocks[0][BUDDY_MT_UNMOVABLE], 0u);
  EXPECT_EQ(a.unusable_index[3], 500);
  EXPECT_EQ(a.extfrag_index[0], -1000);  // signed on the wire
  EXPECT_EQ(a.extfrag_index[10], 937);
  EXPECT_EQ(a.proactive_score, 12u);
  EXPECT_EQ(a.node_proactive_score, 30u);
  EXPECT_EQ(a.blocks_total, 200u);
  EXPECT_EQ(a.blocks_free, 12u);
  EXPECT_EQ(a.blocks_recoverable, 150u);
  EXPECT_EQ(a.limit_age_ns, 3000000000u);
  EXPECT_EQ(a.limit_scanned_blocks, 64u);
  EXPECT_EQ((*z)[1].node, 1u);
  EXPECT_EQ((*z)[1].zone_name, "DMA32");
  // A doit, not a dump: a dump left unread would pin the module.
  ASSERT_EQ(fake->sent.size(), 1u);
  EXPECT_EQ(fake->sent[0].flags() & NLM_F_DUMP, 0);
  // A plain read leaves the slice to the module: no full-scan flag.
  EXPECT_EQ(ParseRequest(fake->sent[0], BUDDY_MON_A_MAX)[BUDDY_MON_A_FULL_SCAN], nullptr);
}

TEST(MonitorTest, GetFragFullScanSendsTheFlag) {
  auto fake = ::buddyctl::testing::MakeFake();
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_FRAG, {::buddyctl::testing::SimpleZone()});
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  ASSERT_TRUE(mon->GetFrag(/*full_scan=*/true).ok());
  ASSERT_EQ(fake->sent.size(), 1u);
  EXPECT_NE(ParseRequest(fake->sent[0], BUDDY_MON_A_MAX)[BUDDY_MON_A_FULL_SCAN], nullptr);
}

TEST(MonitorTest, GetTunerStatsAndConfig) {
  auto fake = MonitorFake();
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  auto t = mon->GetTunerStats();
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->orders.size(), 11u);
  EXPECT_EQ(t->orders[10].decisions, 100u);
  EXPECT_EQ(t->orders[10].raises, 60u);
  EXPECT_EQ(t->orders[10].deferrals, 40u);
  EXPECT_EQ(t->orders[10].raised_result[kCompactResultSuccess], 50u);
  EXPECT_EQ(t->orders[10].kept_success, 20u);
  EXPECT_EQ(t->background.checks, 100u);
  EXPECT_EQ(t->background.triggers, 7u);
  EXPECT_EQ(t->background.blocks_gained, 21u);
  EXPECT_EQ(t->background.last_unusable_pct, 88u);
  EXPECT_EQ(t->evacuator.requests, 61u);
  EXPECT_EQ(t->evacuator.scans, 9u);
  EXPECT_EQ(t->evacuator.attempts, 60u);
  EXPECT_EQ(t->evacuator.blocks, 58u);
  EXPECT_EQ(t->evacuator.failures, 2u);
  EXPECT_EQ(t->evacuator.pages_moved, 52288u);
  EXPECT_EQ(t->evacuator.low_memory, 1u);
  EXPECT_EQ(t->evacuator.time_ns, 4005648370u);

  auto c = mon->GetConfig();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->latency);
  EXPECT_EQ(c->events_per_sec, 100u);
  EXPECT_EQ(c->policy, Policy::kAdaptive);
  EXPECT_EQ(c->threshold, 80u);
  EXPECT_EQ(c->min_order, 3u);
  EXPECT_FALSE(c->bg_enabled);
  EXPECT_EQ(c->bg_order, 10u);
  EXPECT_EQ(c->bg_interval_ms, 500u);
  EXPECT_EQ(c->latency_duty_pct, 100u);
}

TEST(MonitorTest, ConfigDecodesTheLatencyDuty) {
  auto fake = MonitorFake();
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_CONFIG,
              {::buddyctl::testing::ConfigReply(BUDDY_MON_CMD_GET_CONFIG, BUDDY_POLICY_ADAPTIVE, 80,
                                                true, 10)});
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  auto c = mon->GetConfig();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->latency);
  EXPECT_EQ(c->latency_duty_pct, 10u);
}

TEST(MonitorTest, SetConfigSendsTheLatencyDuty) {
  auto fake = MonitorFake();
  fake->Reply(kMonId, BUDDY_MON_CMD_SET_CONFIG,
              {::buddyctl::testing::ConfigReply(BUDDY_MON_CMD_SET_CONFIG, BUDDY_POLICY_ADAPTIVE, 80,
                                                true, 20)});
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  ConfigUpdate u;
  u.latency = true;
  u.latency_duty_pct = 20;
  auto c = mon->SetConfig(u);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->latency_duty_pct, 20u);
  ASSERT_EQ(fake->sent.size(), 1u);
  auto tb = ParseRequest(fake->sent[0], BUDDY_MON_A_MAX);
  ASSERT_NE(tb[BUDDY_MON_A_CONFIG], nullptr);
  nlattr* cfg[BUDDY_MON_CA_MAX + 1] = {};
  ASSERT_EQ(nla_parse_nested(cfg, BUDDY_MON_CA_MAX, tb[BUDDY_MON_A_CONFIG], nullptr), 0);
  ASSERT_NE(cfg[BUDDY_MON_CA_LATENCY_DUTY_PCT], nullptr);
  EXPECT_EQ(nla_get_u32(cfg[BUDDY_MON_CA_LATENCY_DUTY_PCT]), 20u);
  ASSERT_NE(cfg[BUDDY_MON_CA_LATENCY], nullptr);
  EXPECT_EQ(cfg[BUDDY_MON_CA_THRESHOLD], nullptr);
}

TEST(MonitorTest, SetConfigRefusesALatencyDutyOutOfRange) {
  auto fake = MonitorFake();
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  for (uint32_t bad : {0u, 101u}) {
    ConfigUpdate u;
    u.latency_duty_pct = bad;
    EXPECT_FALSE(u.empty());
    auto c = mon->SetConfig(u);
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(c.status().message(),
              absl::StrCat("invalid latency duty ", bad, " %: must be ", BUDDY_LAT_DUTY_MIN_PCT,
                           "..", BUDDY_LAT_DUTY_MAX_PCT));
  }
  for (uint32_t ok : {1u, 100u}) {
    ConfigUpdate u;
    u.latency_duty_pct = ok;
    EXPECT_TRUE(u.Validate().ok()) << ok;
  }
  EXPECT_TRUE(fake->sent.empty());
}

TEST(MonitorTest, TunerStatsFromAModuleWithoutTheEvacuatorAreZero) {
  auto fake = MonitorFake();
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_TUNER_STATS,
              {::buddyctl::testing::TunerReply(/*with_evacuator=*/false)});
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  auto t = mon->GetTunerStats();
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->background.checks, 100u);
  EXPECT_EQ(t->evacuator.requests, 0u);
  EXPECT_EQ(t->evacuator.blocks, 0u);
}

TEST(MonitorTest, EveryPolicyNameRoundTrips) {
  for (Policy p : kAllPolicies) {
    auto parsed = ParsePolicy(PolicyName(p));
    ASSERT_TRUE(parsed.ok()) << PolicyName(p);
    EXPECT_EQ(*parsed, p);
  }
  EXPECT_EQ(*ParsePolicy("evacuate"), Policy::kEvacuate);
  EXPECT_EQ(static_cast<uint32_t>(Policy::kEvacuate), static_cast<uint32_t>(BUDDY_POLICY_EVACUATE));
  EXPECT_THAT(ParsePolicy("evacuat").status().message(), ::testing::HasSubstr("evacuate"));
}

TEST(MonitorTest, SetConfigSendsOnlyTheChangedFields) {
  auto fake = MonitorFake();
  fake->Reply(
      kMonId, BUDDY_MON_CMD_SET_CONFIG,
      {::buddyctl::testing::ConfigReply(BUDDY_MON_CMD_SET_CONFIG, BUDDY_POLICY_ALWAYS_MAX, 55)});
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  ConfigUpdate u;
  u.policy = Policy::kAlwaysMax;
  u.threshold = 55;
  auto c = mon->SetConfig(u);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->policy, Policy::kAlwaysMax);
  EXPECT_EQ(c->threshold, 55u);
  ASSERT_EQ(fake->sent.size(), 1u);
  auto tb = ParseRequest(fake->sent[0], BUDDY_MON_A_MAX);
  ASSERT_NE(tb[BUDDY_MON_A_CONFIG], nullptr);
  nlattr* cfg[BUDDY_MON_CA_MAX + 1] = {};
  ASSERT_EQ(nla_parse_nested(cfg, BUDDY_MON_CA_MAX, tb[BUDDY_MON_A_CONFIG], nullptr), 0);
  ASSERT_NE(cfg[BUDDY_MON_CA_POLICY], nullptr);
  EXPECT_EQ(nla_get_u32(cfg[BUDDY_MON_CA_POLICY]), static_cast<uint32_t>(BUDDY_POLICY_ALWAYS_MAX));
  ASSERT_NE(cfg[BUDDY_MON_CA_THRESHOLD], nullptr);
  EXPECT_EQ(nla_get_u32(cfg[BUDDY_MON_CA_THRESHOLD]), 55u);
  EXPECT_EQ(cfg[BUDDY_MON_CA_LATENCY], nullptr);
  EXPECT_EQ(cfg[BUDDY_MON_CA_MIN_ORDER], nullptr);
  EXPECT_EQ(cfg[BUDDY_MON_CA_BG_ENABLED], nullptr);
}

TEST(MonitorTest, SetConfigValidatesBeforeSending) {
  auto fake = MonitorFake();
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  ConfigUpdate u;
  u.threshold = 101;
  EXPECT_EQ(mon->SetConfig(u).status().message(), "invalid threshold 101: must be 0..100");
  ConfigUpdate m;
  m.min_order = 11;
  EXPECT_EQ(mon->SetConfig(m).status().message(), "invalid min_order 11: must be 0..10");
  ConfigUpdate i;
  i.bg_interval_ms = 50;
  EXPECT_FALSE(mon->SetConfig(i).ok());
  EXPECT_FALSE(mon->SetConfig(ConfigUpdate{}).ok());
  EXPECT_TRUE(fake->sent.empty());
}

TEST(MonitorTest, InfoParses) {
  auto fake = MonitorFake();
  NlReply r(kMonId, BUDDY_MON_CMD_GET_INFO);
  nla_put_u32(r.msg(), BUDDY_MON_A_ABI_VERSION, 1);
  nla_put_string(r.msg(), BUDDY_MON_A_KERNEL_RELEASE, "6.1.0-56-amd64");
  nla_put_u32(r.msg(), BUDDY_MON_A_NR_ORDERS, 11);
  ::buddyctl::testing::PutConfig(r, BUDDY_POLICY_OBSERVE, 20);
  r.PutU64Padded(BUDDY_MON_A_MAX_LOCK_HOLD_NS, 41000, BUDDY_MON_A_PAD);
  r.PutU64Padded(BUDDY_MON_A_LOCK_HOLD_TOTAL_NS, 905000, BUDDY_MON_A_PAD);
  r.PutU64Padded(BUDDY_MON_A_MAX_SCAN_NS, 7000000, BUDDY_MON_A_PAD);
  fake->Reply(kMonId, BUDDY_MON_CMD_GET_INFO, {r.Take()});
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  auto info = mon->Info();
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->abi_version, 1u);
  EXPECT_EQ(info->kernel_release, "6.1.0-56-amd64");
  EXPECT_EQ(info->nr_orders, 11u);
  EXPECT_EQ(info->config.policy, Policy::kObserve);
  EXPECT_EQ(info->config.threshold, 20u);
  EXPECT_EQ(info->max_lock_hold_ns, 41000u);
  EXPECT_EQ(info->lock_hold_total_ns, 905000u);
  EXPECT_EQ(info->max_scan_ns, 7000000u);
}

TEST(MonitorTest, SubscribeJoinsTheEventsGroupAndParsesEvents) {
  auto fake = MonitorFake();
  fake->events->push_back(::buddyctl::testing::EventMsg(BUDDY_EV_ALLOC_FAIL, 10, 123456789));
  {
    NlReply r(kMonId, BUDDY_MON_CMD_EVENT);
    nla_put_u32(r.msg(), BUDDY_MON_EV_A_TYPE, BUDDY_EV_COMPACT);
    nla_put_u64(r.msg(), BUDDY_MON_EV_A_TIME_NS, 5);
    nla_put_u32(r.msg(), BUDDY_MON_EV_A_ORDER, 9);
    nla_put_u32(r.msg(), BUDDY_MON_EV_A_PRIO, BUDDY_PRIO_SYNC_FULL);
    nla_put_u32(r.msg(), BUDDY_MON_EV_A_ORIG_PRIO, BUDDY_PRIO_ASYNC);
    nla_put_u32(r.msg(), BUDDY_MON_EV_A_RESULT, BUDDY_COMPACT_SUCCESS);
    fake->events->push_back(r.Take());
  }
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  auto stream = mon->Subscribe();
  ASSERT_TRUE(stream.ok()) << stream.status();
  EXPECT_EQ(fake->joined_groups, std::vector<uint32_t>{kEventsGroup});
  auto e1 = stream->Next(absl::Milliseconds(1));
  ASSERT_TRUE(e1.ok() && e1->has_value());
  EXPECT_EQ((*e1)->type, static_cast<uint32_t>(EventType::kAllocFail));
  EXPECT_EQ((*e1)->time_ns, 123456789u);
  EXPECT_EQ((*e1)->order, 10u);
  EXPECT_EQ((*e1)->gfp, 0x140ccau);
  EXPECT_EQ((*e1)->comm, "stress");
  EXPECT_EQ((*e1)->dropped, 0u);
  EXPECT_FALSE((*e1)->prio.has_value());
  auto e2 = stream->Next(absl::Milliseconds(1));
  ASSERT_TRUE(e2.ok() && e2->has_value());
  EXPECT_EQ((*e2)->type, static_cast<uint32_t>(EventType::kCompact));
  EXPECT_EQ((*e2)->prio, 0u);
  EXPECT_EQ((*e2)->orig_prio, 2u);
  EXPECT_EQ((*e2)->result, static_cast<uint32_t>(BUDDY_COMPACT_SUCCESS));
  auto e3 = stream->Next(absl::Milliseconds(1));
  ASSERT_TRUE(e3.ok());
  EXPECT_FALSE(e3->has_value());
}

TEST(MonitorTest, PushSubscribeStopsWhenTheCallbackSaysSo) {
  auto fake = MonitorFake();
  for (int i = 0; i < 5; ++i) {
    fake->events->push_back(::buddyctl::testing::EventMsg(BUDDY_EV_ALLOC_FAIL, i, i));
  }
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  std::vector<uint32_t> orders;
  auto st = mon->Subscribe([&](const Event& e) {
    orders.push_back(*e.order);
    return orders.size() < 3;
  });
  ASSERT_TRUE(st.ok()) << st;
  EXPECT_EQ(orders, (std::vector<uint32_t>{0, 1, 2}));
}

TEST(MonitorTest, MissingEventsGroupIsAClearError) {
  auto fake = std::make_shared<::buddyctl::testing::FakeTransport>();
  fake->AddFamily(BUDDY_MON_GENL_NAME, kMonId, BUDDY_MON_GENL_VERSION);  // no groups
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  auto s = mon->Subscribe();
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.status().message(),
            "family 'buddy_monitor' has no multicast group 'events' (module too old?)");
}

}  // namespace
}  // namespace buddyctl
