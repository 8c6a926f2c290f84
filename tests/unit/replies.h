// SPDX-License-Identifier: GPL-2.0
// Kernel-shaped replies for the tests, built attribute by attribute with
// libnl exactly as modules/uapi/buddyctl.h lays them out. Values follow
// simple formulas of the order so tests can assert them.
#ifndef BUDDYCTL_TESTS_UNIT_REPLIES_H_
#define BUDDYCTL_TESTS_UNIT_REPLIES_H_

#include <vector>

#include "fake_transport.h"
#include "uapi/buddyctl.h"

namespace buddyctl::testing {

// Order o: requests 1000*o+10, successes 1000*o+7, failures 3, slowpath o,
// compact_attempts 2*o, prio {o, 2*o, 3*o}... (see the body).
inline Message StatsReply(const std::vector<uint32_t>& orders, uint64_t now_ns = 5'000'000'000,
                          uint64_t scale = 1) {
  NlReply r(kMonId, BUDDY_MON_CMD_GET_STATS);
  nlattr* list = nla_nest_start(r.msg(), BUDDY_MON_A_ORDERS);
  for (uint32_t o : orders) {
    nlattr* os = nla_nest_start(r.msg(), BUDDY_MON_A_ORDER_STATS);
    nla_put_u32(r.msg(), BUDDY_MON_OA_ORDER, o);
    r.PutU64Padded(BUDDY_MON_OA_REQUESTS, scale * (1000 * o + 10), BUDDY_MON_OA_PAD);
    r.PutU64Padded(BUDDY_MON_OA_SUCCESSES, scale * (1000 * o + 7), BUDDY_MON_OA_PAD);
    r.PutU64Padded(BUDDY_MON_OA_FAILURES, scale * 3, BUDDY_MON_OA_PAD);
    r.PutU64Padded(BUDDY_MON_OA_SLOWPATH, scale * o, BUDDY_MON_OA_PAD);
    r.PutU64Padded(BUDDY_MON_OA_COMPACT_ATTEMPTS, scale * 2 * o, BUDDY_MON_OA_PAD);
    r.PutU64Array(BUDDY_MON_OA_COMPACT_PRIO, {o, 2ULL * o, 3ULL * o});
    r.PutU64Array(BUDDY_MON_OA_COMPACT_RESULT, {1, 2, 3, 4, 5, 6, 7, 8, 100ULL + o});
    r.PutU64Padded(BUDDY_MON_OA_COMPACT_DEFERRED, 40 + o, BUDDY_MON_OA_PAD);
    r.PutU64Padded(BUDDY_MON_OA_RAISES, 50 + o, BUDDY_MON_OA_PAD);
    r.PutU64Array(BUDDY_MON_OA_MT_REQUESTS, {10, 20, 30, 40, 0, 0});
    r.PutU64Array(BUDDY_MON_OA_MT_FAILURES, {1, 2, 0, 0, 0, 0});
    r.PutU64Padded(BUDDY_MON_OA_COMPACT_REQUESTS, o, BUDDY_MON_OA_PAD);
    r.PutU64Padded(BUDDY_MON_OA_COMPACT_PAGES, 60 + o, BUDDY_MON_OA_PAD);
    nla_nest_end(r.msg(), os);
  }
  nla_nest_end(r.msg(), list);
  nlattr* fbs = nla_nest_start(r.msg(), BUDDY_MON_A_FALLBACKS);
  nlattr* fb = nla_nest_start(r.msg(), BUDDY_MON_A_FALLBACK);
  nla_put_u32(r.msg(), BUDDY_MON_FA_ALLOC_ORDER, 0);
  nla_put_u32(r.msg(), BUDDY_MON_FA_FALLBACK_ORDER, 3);
  nla_put_u32(r.msg(), BUDDY_MON_FA_ALLOC_MT, BUDDY_MT_UNMOVABLE);
  nla_put_u32(r.msg(), BUDDY_MON_FA_FALLBACK_MT, BUDDY_MT_MOVABLE);
  nla_put_u8(r.msg(), BUDDY_MON_FA_FRAGMENTING, 1);
  r.PutU64Padded(BUDDY_MON_FA_COUNT, 77, BUDDY_MON_FA_PAD);
  nla_nest_end(r.msg(), fb);
  nla_nest_end(r.msg(), fbs);
  r.PutU64Padded(BUDDY_MON_A_SLOWPATH_MISSED, 2, BUDDY_MON_A_PAD);
  r.PutU64Padded(BUDDY_MON_A_EVENTS_DROPPED, 4, BUDDY_MON_A_PAD);
  r.PutU64Padded(BUDDY_MON_A_EVENTS_SENT, 9, BUDDY_MON_A_PAD);
  r.PutU64Padded(BUDDY_MON_A_RESET_TIME_NS, 1'000'000'000, BUDDY_MON_A_PAD);
  r.PutU64Padded(BUDDY_MON_A_NOW_NS, now_ns, BUDDY_MON_A_PAD);
  return r.Take();
}

inline std::vector<uint32_t> AllOrders() {
  std::vector<uint32_t> v;
  for (uint32_t o = 0; o < BUDDY_NR_ORDERS; ++o) v.push_back(o);
  return v;
}

inline void PutConfig(NlReply& r, uint32_t policy, uint32_t threshold, bool latency = true,
                      uint32_t latency_duty_pct = BUDDY_LAT_DUTY_MAX_PCT) {
  nlattr* c = nla_nest_start(r.msg(), BUDDY_MON_A_CONFIG);
  nla_put_u8(r.msg(), BUDDY_MON_CA_LATENCY, latency ? 1 : 0);
  nla_put_u32(r.msg(), BUDDY_MON_CA_EVENTS_PER_SEC, 100);
  nla_put_u32(r.msg(), BUDDY_MON_CA_POLICY, policy);
  nla_put_u32(r.msg(), BUDDY_MON_CA_THRESHOLD, threshold);
  nla_put_u32(r.msg(), BUDDY_MON_CA_MIN_ORDER, 3);
  nla_put_u8(r.msg(), BUDDY_MON_CA_BG_ENABLED, 0);
  nla_put_u32(r.msg(), BUDDY_MON_CA_BG_ORDER, 10);
  nla_put_u32(r.msg(), BUDDY_MON_CA_BG_INTERVAL_MS, 500);
  nla_put_u32(r.msg(), BUDDY_MON_CA_RESERVE_ORDER, 10);
  nla_put_u32(r.msg(), BUDDY_MON_CA_RESERVE_BLOCKS, 8);
  nla_put_u32(r.msg(), BUDDY_MON_CA_RESERVE_BUDGET_MS, 200);
  nla_put_u32(r.msg(), BUDDY_MON_CA_LATENCY_DUTY_PCT, latency_duty_pct);
  nla_nest_end(r.msg(), c);
}

inline Message ConfigReply(uint8_t cmd, uint32_t policy = BUDDY_POLICY_ADAPTIVE,
                           uint32_t threshold = 80, bool latency = true,
                           uint32_t latency_duty_pct = BUDDY_LAT_DUTY_MAX_PCT) {
  NlReply r(kMonId, cmd);
  PutConfig(r, policy, threshold, latency, latency_duty_pct);
  return r.Take();
}

// One zone: node 0, "Normal", nr_free[o] = 10 - o (order 10: 0 blocks),
// free_blocks[o][movable] = nr_free[o]; unusable/extfrag from arguments.
inline Message ZoneReply(uint32_t node, const char* name, std::vector<uint64_t> nr_free,
                         const std::vector<uint64_t>& unusable,
                         const std::vector<uint64_t>& extfrag) {
  NlReply r(kMonId, BUDDY_MON_CMD_GET_FRAG);
  nla_put_u32(r.msg(), BUDDY_MON_ZA_NODE, node);
  nla_put_u32(r.msg(), BUDDY_MON_ZA_ZONE_IDX, 2);
  nla_put_string(r.msg(), BUDDY_MON_ZA_ZONE_NAME, name);
  r.PutU64Padded(BUDDY_MON_ZA_MANAGED_PAGES, 500000, BUDDY_MON_ZA_PAD);
  r.PutU64Padded(BUDDY_MON_ZA_PRESENT_PAGES, 524288, BUDDY_MON_ZA_PAD);
  r.PutU64Padded(BUDDY_MON_ZA_FREE_PAGES, 123456, BUDDY_MON_ZA_PAD);
  r.PutU64Padded(BUDDY_MON_ZA_START_PFN, 1048576, BUDDY_MON_ZA_PAD);
  r.PutU64Padded(BUDDY_MON_ZA_SPANNED_PAGES, 524288, BUDDY_MON_ZA_PAD);
  nlattr* blocks = nla_nest_start(r.msg(), BUDDY_MON_ZA_FREE_BLOCKS);
  for (size_t o = 0; o < nr_free.size(); ++o) {
    r.PutU64Array(static_cast<int>(o + 1), {0, nr_free[o], 0, 0, 0, 0});
  }
  nla_nest_end(r.msg(), blocks);
  r.PutU64Array(BUDDY_MON_ZA_NR_FREE, nr_free);
  r.PutU64Array(BUDDY_MON_ZA_UNUSABLE_INDEX, unusable);
  r.PutU64Array(BUDDY_MON_ZA_EXTFRAG_INDEX, extfrag);
  nla_put_u32(r.msg(), BUDDY_MON_ZA_PROACTIVE_SCORE, 12);
  nla_put_u32(r.msg(), BUDDY_MON_ZA_NODE_PROACTIVE_SCORE, 30);
  r.PutU64Padded(BUDDY_MON_ZA_BLOCKS_TOTAL, 200, BUDDY_MON_ZA_PAD);
  r.PutU64Padded(BUDDY_MON_ZA_BLOCKS_FREE, 12, BUDDY_MON_ZA_PAD);
  r.PutU64Padded(BUDDY_MON_ZA_BLOCKS_RECOVERABLE, 150, BUDDY_MON_ZA_PAD);
  nla_put_u32(r.msg(), BUDDY_MON_ZA_FREE_BLOCKS_DERIVED, 0);
  r.PutU64Padded(BUDDY_MON_ZA_AGE_NS, 0, BUDDY_MON_ZA_PAD);
  r.PutU64Padded(BUDDY_MON_ZA_LIMIT_AGE_NS, 3000000000, BUDDY_MON_ZA_PAD);
  r.PutU64Padded(BUDDY_MON_ZA_LIMIT_SCANNED_BLOCKS, 64, BUDDY_MON_ZA_PAD);
  return r.Take();
}

inline Message SimpleZone() {
  // 4 order-0 + 1 order-2 + 1 order-3 block = 16 free pages.
  return ZoneReply(0, "Normal", {4, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0},
                   {0, 250, 250, 500, 1000, 1000, 1000, 1000, 1000, 1000, 1000},
                   {static_cast<uint64_t>(-1000LL), static_cast<uint64_t>(-1000LL), 0, 0, 0, 0, 0,
                    0, 0, 0, 937});
}

// with_evacuator = false: a module from before the evacuate policy (and
// the reserve); with_reserve = false: one from before the reserve.
// Reserve: 8 blocks of order 10 wanted, 5 free; pauses {1, 2, 3, 4, 5}.
inline Message TunerReply(bool with_evacuator = true, bool with_reserve = true) {
  NlReply r(kMonId, BUDDY_MON_CMD_GET_TUNER_STATS);
  nlattr* list = nla_nest_start(r.msg(), BUDDY_MON_A_ORDERS);
  for (uint32_t o = 0; o < BUDDY_NR_ORDERS; ++o) {
    nlattr* t = nla_nest_start(r.msg(), BUDDY_MON_A_TUNER_ORDER);
    nla_put_u32(r.msg(), BUDDY_MON_TA_ORDER, o);
    nla_put_u64(r.msg(), BUDDY_MON_TA_DECISIONS, 10ULL * o);
    nla_put_u64(r.msg(), BUDDY_MON_TA_RAISES, 6ULL * o);
    nla_put_u64(r.msg(), BUDDY_MON_TA_DEFERRALS, 4ULL * o);
    nla_put_u64(r.msg(), BUDDY_MON_TA_WOULD_RAISE, 0);
    r.PutU64Array(BUDDY_MON_TA_RAISED_RESULT, {0, 0, 0, 0, 0, 1, 0, 0, 5ULL * o});
    r.PutU64Array(BUDDY_MON_TA_KEPT_RESULT, {0, 0, 0, 0, 0, 2, 0, 0, 2ULL * o});
    nla_put_u64(r.msg(), BUDDY_MON_TA_RAISED_SUCCESS, 5ULL * o);
    nla_put_u64(r.msg(), BUDDY_MON_TA_KEPT_SUCCESS, 2ULL * o);
    nla_nest_end(r.msg(), t);
  }
  nla_nest_end(r.msg(), list);
  nlattr* bg = nla_nest_start(r.msg(), BUDDY_MON_A_BACKGROUND);
  nla_put_u64(r.msg(), BUDDY_MON_BA_CHECKS, 100);
  nla_put_u64(r.msg(), BUDDY_MON_BA_TRIGGERS, 7);
  nla_put_u64(r.msg(), BUDDY_MON_BA_RATELIMITED, 3);
  nla_put_u64(r.msg(), BUDDY_MON_BA_BLOCKS_GAINED, 21);
  nla_put_u32(r.msg(), BUDDY_MON_BA_LAST_UNUSABLE_PCT, 88);
  nla_nest_end(r.msg(), bg);
  if (with_evacuator) {
    nlattr* ev = nla_nest_start(r.msg(), BUDDY_MON_A_EVACUATOR);
    nla_put_u64(r.msg(), BUDDY_MON_VA_REQUESTS, 61);
    nla_put_u64(r.msg(), BUDDY_MON_VA_SCANS, 9);
    nla_put_u64(r.msg(), BUDDY_MON_VA_ATTEMPTS, 60);
    nla_put_u64(r.msg(), BUDDY_MON_VA_BLOCKS, 58);
    nla_put_u64(r.msg(), BUDDY_MON_VA_FAILURES, 2);
    nla_put_u64(r.msg(), BUDDY_MON_VA_PAGES_MOVED, 52288);
    nla_put_u64(r.msg(), BUDDY_MON_VA_NO_CANDIDATE, 0);
    nla_put_u64(r.msg(), BUDDY_MON_VA_LOW_MEMORY, 1);
    nla_put_u64(r.msg(), BUDDY_MON_VA_BUSY, 0);
    nla_put_u64(r.msg(), BUDDY_MON_VA_NOT_COMPACTED, 0);
    nla_put_u64(r.msg(), BUDDY_MON_VA_TIME_NS, 4005648370ULL);
    nla_nest_end(r.msg(), ev);
  }
  if (with_evacuator && with_reserve) {
    nlattr* rs = nla_nest_start(r.msg(), BUDDY_MON_A_RESERVE);
    nla_put_u32(r.msg(), BUDDY_MON_RA_ORDER, 10);
    r.PutU64Padded(BUDDY_MON_RA_TARGET, 8, BUDDY_MON_RA_PAD);
    r.PutU64Padded(BUDDY_MON_RA_FREE, 5, BUDDY_MON_RA_PAD);
    r.PutU64Padded(BUDDY_MON_RA_ROUNDS, 40, BUDDY_MON_RA_PAD);
    r.PutU64Padded(BUDDY_MON_RA_BLOCKS, 12, BUDDY_MON_RA_PAD);
    r.PutU64Padded(BUDDY_MON_RA_PAGES_MOVED, 3072, BUDDY_MON_RA_PAD);
    r.PutU64Padded(BUDDY_MON_RA_ATTEMPTS, 13, BUDDY_MON_RA_PAD);
    r.PutU64Padded(BUDDY_MON_RA_FAILURES, 1, BUDDY_MON_RA_PAD);
    r.PutU64Padded(BUDDY_MON_RA_CPU_NS, 250000000, BUDDY_MON_RA_PAD);
    r.PutU64Array(BUDDY_MON_RA_PAUSED, {1, 2, 3, 4, 5});
    nla_nest_end(r.msg(), rs);
  }
  return r.Take();
}

// Order 9: fast bucket 10 x4, slow bucket 20 x1 (with empty: nothing timed);
// the hook on for capture_ns since the reset.
inline Message LatencyReply(uint32_t order = 9, bool empty = false,
                            uint64_t capture_ns = 4'000'000'000) {
  NlReply r(kMonId, BUDDY_MON_CMD_GET_LATENCY);
  nlattr* list = nla_nest_start(r.msg(), BUDDY_MON_A_ORDERS);
  nlattr* l = nla_nest_start(r.msg(), BUDDY_MON_A_ORDER_LATENCY);
  nla_put_u32(r.msg(), BUDDY_MON_LA_ORDER, order);
  std::vector<uint64_t> fast(BUDDY_LAT_BUCKETS, 0);
  std::vector<uint64_t> slow(BUDDY_LAT_BUCKETS, 0);
  if (!empty) {
    fast[10] = 4;
    slow[20] = 1;
  }
  r.PutU64Array(BUDDY_MON_LA_FAST_HIST, fast);
  r.PutU64Array(BUDDY_MON_LA_SLOW_HIST, slow);
  r.PutU64Padded(BUDDY_MON_LA_FAST_MAX_NS, empty ? 0 : 2000, BUDDY_MON_LA_PAD);
  r.PutU64Padded(BUDDY_MON_LA_SLOW_MAX_NS, empty ? 0 : 1500000, BUDDY_MON_LA_PAD);
  r.PutU64Padded(BUDDY_MON_LA_FAST_SUM_NS, empty ? 0 : 6000, BUDDY_MON_LA_PAD);
  r.PutU64Padded(BUDDY_MON_LA_SLOW_SUM_NS, empty ? 0 : 1500000, BUDDY_MON_LA_PAD);
  r.PutU64Padded(BUDDY_MON_LA_MISSED, 5, BUDDY_MON_LA_PAD);
  nla_nest_end(r.msg(), l);
  nla_nest_end(r.msg(), list);
  r.PutU64Padded(BUDDY_MON_A_LAT_CAPTURE_NS, capture_ns, BUDDY_MON_A_PAD);
  return r.Take();
}

inline Message EventMsg(uint32_t type, uint32_t order, uint64_t time_ns,
                        const char* comm = "stress") {
  NlReply r(kMonId, BUDDY_MON_CMD_EVENT);
  nla_put_u32(r.msg(), BUDDY_MON_EV_A_TYPE, type);
  r.PutU64Padded(BUDDY_MON_EV_A_TIME_NS, time_ns, BUDDY_MON_EV_A_PAD);
  nla_put_u32(r.msg(), BUDDY_MON_EV_A_ORDER, order);
  nla_put_u32(r.msg(), BUDDY_MON_EV_A_GFP, 0x140cca);
  nla_put_u32(r.msg(), BUDDY_MON_EV_A_MIGRATETYPE, BUDDY_MT_MOVABLE);
  nla_put_u32(r.msg(), BUDDY_MON_EV_A_CPU, 1);
  nla_put_u32(r.msg(), BUDDY_MON_EV_A_PID, 42);
  nla_put_string(r.msg(), BUDDY_MON_EV_A_COMM, comm);
  r.PutU64Padded(BUDDY_MON_EV_A_DROPPED, 0, BUDDY_MON_EV_A_PAD);
  return r.Take();
}

// A monitor fake that answers every read command.
inline Message InfoReply(const char* release = "6.1.0-56-amd64") {
  NlReply r(kMonId, BUDDY_MON_CMD_GET_INFO);
  nla_put_u32(r.msg(), BUDDY_MON_A_ABI_VERSION, BUDDY_MON_GENL_VERSION);
  nla_put_string(r.msg(), BUDDY_MON_A_KERNEL_RELEASE, release);
  nla_put_u32(r.msg(), BUDDY_MON_A_NR_ORDERS, BUDDY_NR_ORDERS);
  PutConfig(r, BUDDY_POLICY_ADAPTIVE, 80);
  r.PutU64Padded(BUDDY_MON_A_MAX_LOCK_HOLD_NS, 41000, BUDDY_MON_A_PAD);
  r.PutU64Padded(BUDDY_MON_A_LOCK_HOLD_TOTAL_NS, 905000, BUDDY_MON_A_PAD);
  r.PutU64Padded(BUDDY_MON_A_MAX_SCAN_NS, 7000000, BUDDY_MON_A_PAD);
  return r.Take();
}

// A hot STATUS reply with every attribute the module sends.
inline Message HotStatusReply(uint32_t state, uint32_t done, uint32_t successes, uint32_t held,
                              uint32_t stop) {
  NlReply st(kHotId, BUDDY_HOT_CMD_STATUS);
  nla_put_u32(st.msg(), BUDDY_HOT_A_STATE, state);
  nla_put_u32(st.msg(), BUDDY_HOT_A_ORDER, 10);
  nla_put_u32(st.msg(), BUDDY_HOT_A_COUNT, 3);
  nla_put_u32(st.msg(), BUDDY_HOT_A_GFP_MODE, BUDDY_HOT_GFP_RETRY);
  nla_put_u8(st.msg(), BUDDY_HOT_A_HOLD_UNTIL_FAIL, 0);
  nla_put_u32(st.msg(), BUDDY_HOT_A_PAUSE_US, 0);
  nla_put_u32(st.msg(), BUDDY_HOT_A_ATTEMPTS_DONE, done);
  nla_put_u32(st.msg(), BUDDY_HOT_A_SUCCESSES, successes);
  nla_put_u32(st.msg(), BUDDY_HOT_A_HELD, held);
  st.PutU64Padded(BUDDY_HOT_A_ELAPSED_NS, 7000000, BUDDY_HOT_A_PAD);
  nla_put_u32(st.msg(), BUDDY_HOT_A_STOP_REASON, stop);
  nla_put_u32(st.msg(), BUDDY_HOT_A_GFP_FLAGS, 0x4cc0);
  st.PutU64Padded(BUDDY_HOT_A_MIN_FREE_PAGES, 8192, BUDDY_HOT_A_PAD);
  return st.Take();
}

inline std::shared_ptr<FakeTransport> MonitorFake() {
  auto f = MakeFake();
  f->Reply(kMonId, BUDDY_MON_CMD_GET_INFO, {InfoReply()});
  f->Reply(kMonId, BUDDY_MON_CMD_GET_STATS, {StatsReply(AllOrders())});
  f->Reply(kMonId, BUDDY_MON_CMD_GET_FRAG, {SimpleZone()});
  f->Reply(kMonId, BUDDY_MON_CMD_GET_TUNER_STATS, {TunerReply()});
  f->Reply(kMonId, BUDDY_MON_CMD_GET_LATENCY, {LatencyReply()});
  f->Reply(kMonId, BUDDY_MON_CMD_GET_CONFIG, {ConfigReply(BUDDY_MON_CMD_GET_CONFIG)});
  return f;
}

}  // namespace buddyctl::testing

#endif  // BUDDYCTL_TESTS_UNIT_REPLIES_H_
