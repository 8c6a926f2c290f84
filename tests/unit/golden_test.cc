// SPDX-License-Identifier: GPL-2.0
// Every field of every buddy_monitor reply, decoded and rendered in each of
// its forms (JSON, the Prometheus exposition, the CLI's text), against
// golden files. The replies set every attribute, each to a value of its
// own, so a field read from the wrong attribute, written under the wrong
// name, or dropped from one form shows in the diff. Regenerate as golden.h
// says.
#include "golden.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "buddyctl/exporter.h"
#include "buddyctl/json.h"
#include "buddyctl/monitor.h"
#include "buddyctl/prometheus.h"
#include "fake_transport.h"
#include "run_cli.h"
#include "uapi/buddyctl.h"

namespace buddyctl {
namespace {

using testing::kMonId;
using testing::NlReply;

// The values the replies carry: each call the next number, so no two
// counters agree.
class Values {
 public:
  uint64_t Next() { return next_++; }
  std::vector<uint64_t> Array(size_t n) {
    std::vector<uint64_t> v;
    for (size_t i = 0; i < n; ++i) v.push_back(Next());
    return v;
  }

 private:
  uint64_t next_ = 101;
};

void PutOrderStats(NlReply& r, Values& v, uint32_t order) {
  nlattr* os = nla_nest_start(r.msg(), BUDDY_MON_A_ORDER_STATS);
  nla_put_u32(r.msg(), BUDDY_MON_OA_ORDER, order);
  for (int type :
       {BUDDY_MON_OA_REQUESTS, BUDDY_MON_OA_SUCCESSES, BUDDY_MON_OA_FAILURES, BUDDY_MON_OA_SLOWPATH,
        BUDDY_MON_OA_COMPACT_ATTEMPTS, BUDDY_MON_OA_COMPACT_REQUESTS, BUDDY_MON_OA_COMPACT_PAGES,
        BUDDY_MON_OA_COMPACT_DEFERRED, BUDDY_MON_OA_RAISES}) {
    r.PutU64Padded(type, v.Next(), BUDDY_MON_OA_PAD);
  }
  r.PutU64Array(BUDDY_MON_OA_COMPACT_PRIO, v.Array(BUDDY_NR_PRIOS));
  r.PutU64Array(BUDDY_MON_OA_COMPACT_RESULT, v.Array(BUDDY_NR_COMPACT_RESULTS));
  r.PutU64Array(BUDDY_MON_OA_MT_REQUESTS, v.Array(BUDDY_NR_MIGRATETYPES));
  r.PutU64Array(BUDDY_MON_OA_MT_FAILURES, v.Array(BUDDY_NR_MIGRATETYPES));
  nla_nest_end(r.msg(), os);
}

void PutFallback(NlReply& r, Values& v, uint32_t alloc_order, uint32_t fallback_order,
                 uint32_t alloc_mt, uint32_t fallback_mt, bool fragmenting) {
  nlattr* fb = nla_nest_start(r.msg(), BUDDY_MON_A_FALLBACK);
  nla_put_u32(r.msg(), BUDDY_MON_FA_ALLOC_ORDER, alloc_order);
  nla_put_u32(r.msg(), BUDDY_MON_FA_FALLBACK_ORDER, fallback_order);
  nla_put_u32(r.msg(), BUDDY_MON_FA_ALLOC_MT, alloc_mt);
  nla_put_u32(r.msg(), BUDDY_MON_FA_FALLBACK_MT, fallback_mt);
  nla_put_u8(r.msg(), BUDDY_MON_FA_FRAGMENTING, fragmenting ? 1 : 0);
  r.PutU64Padded(BUDDY_MON_FA_COUNT, v.Next(), BUDDY_MON_FA_PAD);
  nla_nest_end(r.msg(), fb);
}

Message FullStats(Values& v) {
  NlReply r(kMonId, BUDDY_MON_CMD_GET_STATS);
  nlattr* list = nla_nest_start(r.msg(), BUDDY_MON_A_ORDERS);
  PutOrderStats(r, v, 3);
  PutOrderStats(r, v, 9);
  nla_nest_end(r.msg(), list);
  nlattr* fbs = nla_nest_start(r.msg(), BUDDY_MON_A_FALLBACKS);
  PutFallback(r, v, 2, 5, BUDDY_MT_RECLAIMABLE, BUDDY_MT_MOVABLE, true);
  PutFallback(r, v, 9, 10, BUDDY_MT_MOVABLE, BUDDY_MT_UNMOVABLE, false);
  nla_nest_end(r.msg(), fbs);
  r.PutU64Padded(BUDDY_MON_A_SLOWPATH_MISSED, v.Next(), BUDDY_MON_A_PAD);
  r.PutU64Padded(BUDDY_MON_A_EVENTS_DROPPED, v.Next(), BUDDY_MON_A_PAD);
  r.PutU64Padded(BUDDY_MON_A_EVENTS_SENT, v.Next(), BUDDY_MON_A_PAD);
  r.PutU64Padded(BUDDY_MON_A_RESET_TIME_NS, 1'000'000'007, BUDDY_MON_A_PAD);
  r.PutU64Padded(BUDDY_MON_A_NOW_NS, 9'876'543'210, BUDDY_MON_A_PAD);
  return r.Take();
}

Message FullZone(Values& v, uint32_t node, uint32_t zone_idx, const char* name) {
  NlReply r(kMonId, BUDDY_MON_CMD_GET_FRAG);
  nla_put_u32(r.msg(), BUDDY_MON_ZA_NODE, node);
  nla_put_u32(r.msg(), BUDDY_MON_ZA_ZONE_IDX, zone_idx);
  nla_put_string(r.msg(), BUDDY_MON_ZA_ZONE_NAME, name);
  for (int type : {BUDDY_MON_ZA_MANAGED_PAGES, BUDDY_MON_ZA_PRESENT_PAGES, BUDDY_MON_ZA_FREE_PAGES,
                   BUDDY_MON_ZA_START_PFN, BUDDY_MON_ZA_SPANNED_PAGES}) {
    r.PutU64Padded(type, v.Next(), BUDDY_MON_ZA_PAD);
  }
  nlattr* blocks = nla_nest_start(r.msg(), BUDDY_MON_ZA_FREE_BLOCKS);
  for (int o = 0; o < BUDDY_NR_ORDERS; ++o) r.PutU64Array(o + 1, v.Array(BUDDY_NR_MIGRATETYPES));
  nla_nest_end(r.msg(), blocks);
  r.PutU64Array(BUDDY_MON_ZA_NR_FREE, v.Array(BUDDY_NR_ORDERS));
  std::vector<uint64_t> unusable;
  std::vector<uint64_t> extfrag;
  for (uint64_t o = 0; o < BUDDY_NR_ORDERS; ++o) {
    unusable.push_back(37 * o + node + 11);
    // -1000: an allocation of that order would succeed.
    extfrag.push_back(o < 2 ? static_cast<uint64_t>(-1000LL) : 45 * o + node + 3);
  }
  r.PutU64Array(BUDDY_MON_ZA_UNUSABLE_INDEX, unusable);
  r.PutU64Array(BUDDY_MON_ZA_EXTFRAG_INDEX, extfrag);
  nla_put_u32(r.msg(), BUDDY_MON_ZA_PROACTIVE_SCORE, 17 + node);
  nla_put_u32(r.msg(), BUDDY_MON_ZA_NODE_PROACTIVE_SCORE, 29 + node);
  for (int type :
       {BUDDY_MON_ZA_BLOCKS_TOTAL, BUDDY_MON_ZA_BLOCKS_FREE, BUDDY_MON_ZA_BLOCKS_RECOVERABLE}) {
    r.PutU64Padded(type, v.Next(), BUDDY_MON_ZA_PAD);
  }
  nla_put_u32(r.msg(), BUDDY_MON_ZA_FREE_BLOCKS_DERIVED, 0x405);
  r.PutU64Padded(BUDDY_MON_ZA_AGE_NS, v.Next() * 1'000'003, BUDDY_MON_ZA_PAD);
  r.PutU64Padded(BUDDY_MON_ZA_LIMIT_AGE_NS, v.Next() * 10'000'019, BUDDY_MON_ZA_PAD);
  r.PutU64Padded(BUDDY_MON_ZA_LIMIT_SCANNED_BLOCKS, v.Next(), BUDDY_MON_ZA_PAD);
  return r.Take();
}

void PutOrderLatency(NlReply& r, Values& v, uint32_t order) {
  nlattr* l = nla_nest_start(r.msg(), BUDDY_MON_A_ORDER_LATENCY);
  nla_put_u32(r.msg(), BUDDY_MON_LA_ORDER, order);
  std::vector<uint64_t> fast(BUDDY_LAT_BUCKETS, 0);
  std::vector<uint64_t> slow(BUDDY_LAT_BUCKETS, 0);
  for (size_t i = 6; i < 14; ++i) fast[i] = v.Next();
  for (size_t i = 12; i < 22; ++i) slow[i] = v.Next();
  r.PutU64Array(BUDDY_MON_LA_FAST_HIST, fast);
  r.PutU64Array(BUDDY_MON_LA_SLOW_HIST, slow);
  r.PutU64Padded(BUDDY_MON_LA_FAST_MAX_NS, 16000 + order, BUDDY_MON_LA_PAD);
  r.PutU64Padded(BUDDY_MON_LA_SLOW_MAX_NS, 4'000'000 + order, BUDDY_MON_LA_PAD);
  r.PutU64Padded(BUDDY_MON_LA_FAST_SUM_NS, v.Next() * 1001, BUDDY_MON_LA_PAD);
  r.PutU64Padded(BUDDY_MON_LA_SLOW_SUM_NS, v.Next() * 1'000'003, BUDDY_MON_LA_PAD);
  r.PutU64Padded(BUDDY_MON_LA_MISSED, 71, BUDDY_MON_LA_PAD);
  nla_nest_end(r.msg(), l);
}

Message FullLatency(Values& v) {
  NlReply r(kMonId, BUDDY_MON_CMD_GET_LATENCY);
  nlattr* list = nla_nest_start(r.msg(), BUDDY_MON_A_ORDERS);
  PutOrderLatency(r, v, 3);
  PutOrderLatency(r, v, 9);
  nla_nest_end(r.msg(), list);
  r.PutU64Padded(BUDDY_MON_A_LAT_CAPTURE_NS, 3'250'000'011, BUDDY_MON_A_PAD);
  return r.Take();
}

// Every setting away from its default, and the duty below 100 % so the
// text shows its part.
void PutFullConfig(NlReply& r) {
  nlattr* c = nla_nest_start(r.msg(), BUDDY_MON_A_CONFIG);
  nla_put_u8(r.msg(), BUDDY_MON_CA_LATENCY, 1);
  nla_put_u32(r.msg(), BUDDY_MON_CA_EVENTS_PER_SEC, 250);
  nla_put_u32(r.msg(), BUDDY_MON_CA_POLICY, BUDDY_POLICY_EVACUATE);
  nla_put_u32(r.msg(), BUDDY_MON_CA_THRESHOLD, 71);
  nla_put_u32(r.msg(), BUDDY_MON_CA_MIN_ORDER, 4);
  nla_put_u8(r.msg(), BUDDY_MON_CA_BG_ENABLED, 1);
  nla_put_u32(r.msg(), BUDDY_MON_CA_BG_ORDER, 9);
  nla_put_u32(r.msg(), BUDDY_MON_CA_BG_INTERVAL_MS, 750);
  nla_put_u32(r.msg(), BUDDY_MON_CA_RESERVE_ORDER, 8);
  nla_put_u32(r.msg(), BUDDY_MON_CA_RESERVE_BLOCKS, 6);
  nla_put_u32(r.msg(), BUDDY_MON_CA_RESERVE_BUDGET_MS, 150);
  nla_put_u32(r.msg(), BUDDY_MON_CA_LATENCY_DUTY_PCT, 37);
  nla_nest_end(r.msg(), c);
}

Message FullConfig() {
  NlReply r(kMonId, BUDDY_MON_CMD_GET_CONFIG);
  PutFullConfig(r);
  return r.Take();
}

Message FullInfo() {
  NlReply r(kMonId, BUDDY_MON_CMD_GET_INFO);
  nla_put_u32(r.msg(), BUDDY_MON_A_ABI_VERSION, BUDDY_MON_GENL_VERSION);
  nla_put_string(r.msg(), BUDDY_MON_A_KERNEL_RELEASE, "6.12.9-golden");
  nla_put_u32(r.msg(), BUDDY_MON_A_NR_ORDERS, BUDDY_NR_ORDERS);
  PutFullConfig(r);
  r.PutU64Padded(BUDDY_MON_A_MAX_LOCK_HOLD_NS, 41'003, BUDDY_MON_A_PAD);
  r.PutU64Padded(BUDDY_MON_A_LOCK_HOLD_TOTAL_NS, 905'017, BUDDY_MON_A_PAD);
  r.PutU64Padded(BUDDY_MON_A_MAX_SCAN_NS, 7'000'011, BUDDY_MON_A_PAD);
  return r.Take();
}

Message FullTuner(Values& v) {
  NlReply r(kMonId, BUDDY_MON_CMD_GET_TUNER_STATS);
  nlattr* list = nla_nest_start(r.msg(), BUDDY_MON_A_ORDERS);
  for (uint32_t o : {4u, 10u}) {
    nlattr* t = nla_nest_start(r.msg(), BUDDY_MON_A_TUNER_ORDER);
    nla_put_u32(r.msg(), BUDDY_MON_TA_ORDER, o);
    for (int type :
         {BUDDY_MON_TA_DECISIONS, BUDDY_MON_TA_RAISES, BUDDY_MON_TA_DEFERRALS,
          BUDDY_MON_TA_WOULD_RAISE, BUDDY_MON_TA_RAISED_SUCCESS, BUDDY_MON_TA_KEPT_SUCCESS}) {
      nla_put_u64(r.msg(), type, v.Next());
    }
    r.PutU64Array(BUDDY_MON_TA_RAISED_RESULT, v.Array(BUDDY_NR_COMPACT_RESULTS));
    r.PutU64Array(BUDDY_MON_TA_KEPT_RESULT, v.Array(BUDDY_NR_COMPACT_RESULTS));
    nla_nest_end(r.msg(), t);
  }
  nla_nest_end(r.msg(), list);
  nlattr* bg = nla_nest_start(r.msg(), BUDDY_MON_A_BACKGROUND);
  for (int type : {BUDDY_MON_BA_CHECKS, BUDDY_MON_BA_TRIGGERS, BUDDY_MON_BA_RATELIMITED,
                   BUDDY_MON_BA_BLOCKS_GAINED}) {
    nla_put_u64(r.msg(), type, v.Next());
  }
  nla_put_u32(r.msg(), BUDDY_MON_BA_LAST_UNUSABLE_PCT, 63);
  nla_nest_end(r.msg(), bg);
  nlattr* ev = nla_nest_start(r.msg(), BUDDY_MON_A_EVACUATOR);
  for (int type : {BUDDY_MON_VA_REQUESTS, BUDDY_MON_VA_SCANS, BUDDY_MON_VA_ATTEMPTS,
                   BUDDY_MON_VA_BLOCKS, BUDDY_MON_VA_FAILURES, BUDDY_MON_VA_PAGES_MOVED,
                   BUDDY_MON_VA_NO_CANDIDATE, BUDDY_MON_VA_LOW_MEMORY, BUDDY_MON_VA_BUSY}) {
    nla_put_u64(r.msg(), type, v.Next());
  }
  nla_put_u64(r.msg(), BUDDY_MON_VA_NOT_COMPACTED, 509);
  nla_put_u64(r.msg(), BUDDY_MON_VA_TIME_NS, 4'005'648'371);
  nla_nest_end(r.msg(), ev);
  nlattr* rs = nla_nest_start(r.msg(), BUDDY_MON_A_RESERVE);
  nla_put_u32(r.msg(), BUDDY_MON_RA_ORDER, 8);
  for (int type : {BUDDY_MON_RA_TARGET, BUDDY_MON_RA_FREE, BUDDY_MON_RA_ROUNDS, BUDDY_MON_RA_BLOCKS,
                   BUDDY_MON_RA_PAGES_MOVED, BUDDY_MON_RA_ATTEMPTS, BUDDY_MON_RA_FAILURES}) {
    r.PutU64Padded(type, v.Next(), BUDDY_MON_RA_PAD);
  }
  r.PutU64Padded(BUDDY_MON_RA_CPU_NS, 250'000'017, BUDDY_MON_RA_PAD);
  r.PutU64Array(BUDDY_MON_RA_PAUSED, v.Array(BUDDY_RESERVE_NR_PAUSES));
  nla_nest_end(r.msg(), rs);
  return r.Take();
}

Message FullEvent() {
  NlReply r(kMonId, BUDDY_MON_CMD_EVENT);
  nla_put_u32(r.msg(), BUDDY_MON_EV_A_TYPE, BUDDY_EV_COMPACT);
  r.PutU64Padded(BUDDY_MON_EV_A_TIME_NS, 123'456'789'012, BUDDY_MON_EV_A_PAD);
  nla_put_u32(r.msg(), BUDDY_MON_EV_A_ORDER, 9);
  nla_put_u32(r.msg(), BUDDY_MON_EV_A_GFP, 0x140cca);
  nla_put_u32(r.msg(), BUDDY_MON_EV_A_MIGRATETYPE, BUDDY_MT_MOVABLE);
  nla_put_u32(r.msg(), BUDDY_MON_EV_A_PRIO, BUDDY_PRIO_ASYNC);
  nla_put_u32(r.msg(), BUDDY_MON_EV_A_ORIG_PRIO, BUDDY_PRIO_SYNC_LIGHT);
  nla_put_u32(r.msg(), BUDDY_MON_EV_A_RESULT, 5);
  nla_put_u32(r.msg(), BUDDY_MON_EV_A_UNUSABLE_PCT, 55);
  nla_put_u32(r.msg(), BUDDY_MON_EV_A_CPU, 3);
  nla_put_u32(r.msg(), BUDDY_MON_EV_A_PID, 4242);
  nla_put_string(r.msg(), BUDDY_MON_EV_A_COMM, "stress-ng");
  r.PutU64Padded(BUDDY_MON_EV_A_DROPPED, 12, BUDDY_MON_EV_A_PAD);
  return r.Take();
}

std::shared_ptr<testing::FakeTransport> FullFake() {
  Values v;
  auto f = testing::MakeFake();
  f->Reply(kMonId, BUDDY_MON_CMD_GET_INFO, {FullInfo()});
  f->Reply(kMonId, BUDDY_MON_CMD_GET_STATS, {FullStats(v)});
  f->Reply(kMonId, BUDDY_MON_CMD_GET_FRAG,
           {FullZone(v, 0, 1, "DMA32"), FullZone(v, 0, 2, "Normal"), FullZone(v, 1, 2, "Normal")});
  f->Reply(kMonId, BUDDY_MON_CMD_GET_TUNER_STATS, {FullTuner(v)});
  f->Reply(kMonId, BUDDY_MON_CMD_GET_LATENCY, {FullLatency(v)});
  f->Reply(kMonId, BUDDY_MON_CMD_GET_CONFIG, {FullConfig()});
  return f;
}

TEST(GoldenTest, JsonOfEveryReply) {
  auto fake = FullFake();
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok()) << mon.status();
  auto info = mon->Info();
  auto stats = mon->GetStats();
  auto zones = mon->GetFrag();
  auto latency = mon->GetLatency();
  auto config = mon->GetConfig();
  auto tuner = mon->GetTunerStats();
  auto event = ParseEvent(FullEvent());
  ASSERT_TRUE(info.ok()) << info.status();
  ASSERT_TRUE(stats.ok()) << stats.status();
  ASSERT_TRUE(zones.ok()) << zones.status();
  ASSERT_TRUE(latency.ok()) << latency.status();
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_TRUE(tuner.ok()) << tuner.status();
  ASSERT_TRUE(event.ok()) << event.status();
  const nlohmann::json j{{"info", *info},       {"stats", *stats},   {"frag", *zones},
                         {"latency", *latency}, {"config", *config}, {"tuner", *tuner},
                         {"event", *event}};
  testing::ExpectGolden("json_replies.json", j.dump(2) + "\n");
}

TEST(GoldenTest, PrometheusExposition) {
  auto fake = FullFake();
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok()) << mon.status();
  auto snap = ReadSnapshot(*mon, true, [] { return absl::FromUnixSeconds(1'800'000'000); });
  ASSERT_TRUE(snap.ok()) << snap.status();
  snap->page_size = 4096;
  ExporterSelf self;
  self.scrapes = 12;
  self.collect_errors = 3;
  self.collections = 9;
  self.collect_seconds = 0.0025;
  self.frag_interval_seconds = 30;
  self.frag_age_seconds = 7.5;
  self.frag_refreshes = 4;
  self.frag_refresh_seconds = 0.125;
  self.start_time_seconds = 1'799'999'000.5;
  self.cpu_seconds = 1.75;
  self.resident_bytes = 409600;
  self.max_connections = 64;
  self.threads = 2;
  testing::ExpectGolden("prometheus_full.txt",
                        FormatPrometheus(&*snap, &self, ExpositionFormat::kText));
  testing::ExpectGolden("prometheus_full_openmetrics.txt",
                        FormatPrometheus(&*snap, &self, ExpositionFormat::kOpenMetrics));
}

// The commands that print the replies, in text and JSON.
TEST(GoldenTest, CliOutputs) {
  std::string all;
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"info"},
           {"info", "--json"},
           {"stats"},
           {"stats", "--json"},
           {"frag"},
           {"frag", "--json"},
           {"latency"},
           {"latency", "--json"},
           {"policy"},
           {"policy", "--json"},
           {"tuner-stats"},
           {"tuner-stats", "--json"},
           {"reserve"},
           {"reserve", "--json"},
       }) {
    const cli::Result r = cli::RunCli(args, FullFake());
    ASSERT_EQ(r.rc, 0) << args[0] << ": " << r.err;
    all += "$ buddyctl";
    for (const std::string& a : args) all += " " + a;
    all += "\n" + r.out + r.err;
  }
  testing::ExpectGolden("cli_outputs.txt", all);
}

}  // namespace
}  // namespace buddyctl
