// SPDX-License-Identifier: GPL-2.0
#include "buddyctl/monitor.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "attrs.h"
#include "buddyctl/netlink_transport.h"
#include "buddyctl/status_macros.h"
#include "uapi/buddyctl.h"

namespace buddyctl {
namespace {

// ---- reply layouts: what this version of the module sends -------------------
// Every attribute the module always sends is required, so a reply from a
// module built from another tree fails with the attribute's name instead of
// reading as zeros.

const AttrLayout kOrderStatsLayout("stats: order", BUDDY_MON_OA_MAX,
                                   {BUDDYCTL_REQUIRED(BUDDY_MON_OA_ORDER, NLA_U32),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_OA_REQUESTS, NLA_U64),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_OA_SUCCESSES, NLA_U64),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_OA_FAILURES, NLA_U64),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_OA_SLOWPATH, NLA_U64),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_OA_COMPACT_ATTEMPTS, NLA_U64),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_OA_COMPACT_PRIO, NLA_NESTED),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_OA_COMPACT_RESULT, NLA_NESTED),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_OA_COMPACT_DEFERRED, NLA_U64),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_OA_RAISES, NLA_U64),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_OA_MT_REQUESTS, NLA_NESTED),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_OA_MT_FAILURES, NLA_NESTED),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_OA_COMPACT_REQUESTS, NLA_U64),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_OA_COMPACT_PAGES, NLA_U64)});

const AttrLayout kFallbackLayout("stats: fallback", BUDDY_MON_FA_MAX,
                                 {BUDDYCTL_REQUIRED(BUDDY_MON_FA_ALLOC_ORDER, NLA_U32),
                                  BUDDYCTL_REQUIRED(BUDDY_MON_FA_FALLBACK_ORDER, NLA_U32),
                                  BUDDYCTL_REQUIRED(BUDDY_MON_FA_ALLOC_MT, NLA_U32),
                                  BUDDYCTL_REQUIRED(BUDDY_MON_FA_FALLBACK_MT, NLA_U32),
                                  BUDDYCTL_REQUIRED(BUDDY_MON_FA_FRAGMENTING, NLA_U8),
                                  BUDDYCTL_REQUIRED(BUDDY_MON_FA_COUNT, NLA_U64)});

const AttrLayout kStatsLayout("stats", BUDDY_MON_A_MAX,
                              {BUDDYCTL_REQUIRED(BUDDY_MON_A_ORDERS, NLA_NESTED),
                               BUDDYCTL_REQUIRED(BUDDY_MON_A_FALLBACKS, NLA_NESTED),
                               BUDDYCTL_REQUIRED(BUDDY_MON_A_SLOWPATH_MISSED, NLA_U64),
                               BUDDYCTL_REQUIRED(BUDDY_MON_A_EVENTS_DROPPED, NLA_U64),
                               BUDDYCTL_REQUIRED(BUDDY_MON_A_EVENTS_SENT, NLA_U64),
                               BUDDYCTL_REQUIRED(BUDDY_MON_A_RESET_TIME_NS, NLA_U64),
                               BUDDYCTL_REQUIRED(BUDDY_MON_A_NOW_NS, NLA_U64)});

const AttrLayout kLatencyOrderLayout("latency: order", BUDDY_MON_LA_MAX,
                                     {BUDDYCTL_REQUIRED(BUDDY_MON_LA_ORDER, NLA_U32),
                                      BUDDYCTL_REQUIRED(BUDDY_MON_LA_FAST_HIST, NLA_NESTED),
                                      BUDDYCTL_REQUIRED(BUDDY_MON_LA_SLOW_HIST, NLA_NESTED),
                                      BUDDYCTL_REQUIRED(BUDDY_MON_LA_FAST_MAX_NS, NLA_U64),
                                      BUDDYCTL_REQUIRED(BUDDY_MON_LA_SLOW_MAX_NS, NLA_U64),
                                      BUDDYCTL_REQUIRED(BUDDY_MON_LA_FAST_SUM_NS, NLA_U64),
                                      BUDDYCTL_REQUIRED(BUDDY_MON_LA_SLOW_SUM_NS, NLA_U64),
                                      BUDDYCTL_REQUIRED(BUDDY_MON_LA_MISSED, NLA_U64)});

const AttrLayout kLatencyLayout("latency", BUDDY_MON_A_MAX,
                                {BUDDYCTL_REQUIRED(BUDDY_MON_A_ORDERS, NLA_NESTED)});

const AttrLayout kConfigLayout("config", BUDDY_MON_CA_MAX,
                               {BUDDYCTL_REQUIRED(BUDDY_MON_CA_LATENCY, NLA_U8),
                                BUDDYCTL_REQUIRED(BUDDY_MON_CA_EVENTS_PER_SEC, NLA_U32),
                                BUDDYCTL_REQUIRED(BUDDY_MON_CA_POLICY, NLA_U32),
                                BUDDYCTL_REQUIRED(BUDDY_MON_CA_THRESHOLD, NLA_U32),
                                BUDDYCTL_REQUIRED(BUDDY_MON_CA_MIN_ORDER, NLA_U32),
                                BUDDYCTL_REQUIRED(BUDDY_MON_CA_BG_ENABLED, NLA_U8),
                                BUDDYCTL_REQUIRED(BUDDY_MON_CA_BG_ORDER, NLA_U32),
                                BUDDYCTL_REQUIRED(BUDDY_MON_CA_BG_INTERVAL_MS, NLA_U32)});

const AttrLayout kConfigReplyLayout("config", BUDDY_MON_A_MAX,
                                    {BUDDYCTL_REQUIRED(BUDDY_MON_A_CONFIG, NLA_NESTED)});

const AttrLayout kInfoLayout("info", BUDDY_MON_A_MAX,
                             {BUDDYCTL_REQUIRED(BUDDY_MON_A_ABI_VERSION, NLA_U32),
                              BUDDYCTL_REQUIRED(BUDDY_MON_A_KERNEL_RELEASE, NLA_STRING),
                              BUDDYCTL_REQUIRED(BUDDY_MON_A_NR_ORDERS, NLA_U32),
                              BUDDYCTL_REQUIRED(BUDDY_MON_A_CONFIG, NLA_NESTED),
                              BUDDYCTL_REQUIRED(BUDDY_MON_A_MAX_LOCK_HOLD_NS, NLA_U64),
                              BUDDYCTL_REQUIRED(BUDDY_MON_A_MAX_SCAN_NS, NLA_U64)});

const AttrLayout kZoneLayout("frag", BUDDY_MON_ZA_MAX,
                             {BUDDYCTL_REQUIRED(BUDDY_MON_ZA_NODE, NLA_U32),
                              BUDDYCTL_REQUIRED(BUDDY_MON_ZA_ZONE_IDX, NLA_U32),
                              BUDDYCTL_REQUIRED(BUDDY_MON_ZA_ZONE_NAME, NLA_STRING),
                              BUDDYCTL_REQUIRED(BUDDY_MON_ZA_MANAGED_PAGES, NLA_U64),
                              BUDDYCTL_REQUIRED(BUDDY_MON_ZA_PRESENT_PAGES, NLA_U64),
                              BUDDYCTL_REQUIRED(BUDDY_MON_ZA_FREE_PAGES, NLA_U64),
                              BUDDYCTL_REQUIRED(BUDDY_MON_ZA_START_PFN, NLA_U64),
                              BUDDYCTL_REQUIRED(BUDDY_MON_ZA_SPANNED_PAGES, NLA_U64),
                              BUDDYCTL_REQUIRED(BUDDY_MON_ZA_FREE_BLOCKS, NLA_NESTED),
                              BUDDYCTL_REQUIRED(BUDDY_MON_ZA_NR_FREE, NLA_NESTED),
                              BUDDYCTL_REQUIRED(BUDDY_MON_ZA_UNUSABLE_INDEX, NLA_NESTED),
                              BUDDYCTL_REQUIRED(BUDDY_MON_ZA_EXTFRAG_INDEX, NLA_NESTED),
                              BUDDYCTL_REQUIRED(BUDDY_MON_ZA_PROACTIVE_SCORE, NLA_U32),
                              BUDDYCTL_REQUIRED(BUDDY_MON_ZA_NODE_PROACTIVE_SCORE, NLA_U32),
                              BUDDYCTL_REQUIRED(BUDDY_MON_ZA_BLOCKS_TOTAL, NLA_U64),
                              BUDDYCTL_REQUIRED(BUDDY_MON_ZA_BLOCKS_FREE, NLA_U64),
                              BUDDYCTL_REQUIRED(BUDDY_MON_ZA_BLOCKS_RECOVERABLE, NLA_U64),
                              BUDDYCTL_REQUIRED(BUDDY_MON_ZA_FREE_BLOCKS_DERIVED, NLA_U32),
                              BUDDYCTL_REQUIRED(BUDDY_MON_ZA_AGE_NS, NLA_U64)});

// The per-order nests of BUDDY_MON_ZA_FREE_BLOCKS: types order + 1.
const AttrLayout kFreeBlocksLayout("frag: free blocks", kNrOrders, {});

const AttrLayout kTunerOrderLayout("tuner stats: order", BUDDY_MON_TA_MAX,
                                   {BUDDYCTL_REQUIRED(BUDDY_MON_TA_ORDER, NLA_U32),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_TA_DECISIONS, NLA_U64),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_TA_RAISES, NLA_U64),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_TA_DEFERRALS, NLA_U64),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_TA_WOULD_RAISE, NLA_U64),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_TA_RAISED_RESULT, NLA_NESTED),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_TA_KEPT_RESULT, NLA_NESTED),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_TA_RAISED_SUCCESS, NLA_U64),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_TA_KEPT_SUCCESS, NLA_U64)});

const AttrLayout kBackgroundLayout("tuner stats: background", BUDDY_MON_BA_MAX,
                                   {BUDDYCTL_REQUIRED(BUDDY_MON_BA_CHECKS, NLA_U64),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_BA_TRIGGERS, NLA_U64),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_BA_RATELIMITED, NLA_U64),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_BA_BLOCKS_GAINED, NLA_U64),
                                    BUDDYCTL_REQUIRED(BUDDY_MON_BA_LAST_UNUSABLE_PCT, NLA_U32)});

const AttrLayout kEvacuatorLayout("tuner stats: evacuator", BUDDY_MON_VA_MAX,
                                  {BUDDYCTL_REQUIRED(BUDDY_MON_VA_REQUESTS, NLA_U64),
                                   BUDDYCTL_REQUIRED(BUDDY_MON_VA_SCANS, NLA_U64),
                                   BUDDYCTL_REQUIRED(BUDDY_MON_VA_ATTEMPTS, NLA_U64),
                                   BUDDYCTL_REQUIRED(BUDDY_MON_VA_BLOCKS, NLA_U64),
                                   BUDDYCTL_REQUIRED(BUDDY_MON_VA_FAILURES, NLA_U64),
                                   BUDDYCTL_REQUIRED(BUDDY_MON_VA_PAGES_MOVED, NLA_U64),
                                   BUDDYCTL_REQUIRED(BUDDY_MON_VA_NO_CANDIDATE, NLA_U64),
                                   BUDDYCTL_REQUIRED(BUDDY_MON_VA_LOW_MEMORY, NLA_U64),
                                   BUDDYCTL_REQUIRED(BUDDY_MON_VA_BUSY, NLA_U64),
                                   BUDDYCTL_REQUIRED(BUDDY_MON_VA_TIME_NS, NLA_U64)});

const AttrLayout kTunerLayout("tuner stats", BUDDY_MON_A_MAX,
                              {BUDDYCTL_REQUIRED(BUDDY_MON_A_ORDERS, NLA_NESTED),
                               BUDDYCTL_REQUIRED(BUDDY_MON_A_BACKGROUND, NLA_NESTED),
                               // Absent from modules older than the evacuate policy.
                               BUDDYCTL_OPTIONAL(BUDDY_MON_A_EVACUATOR, NLA_NESTED)});

// Which fields an event carries depends on its type.
const AttrLayout kEventLayout("event", BUDDY_MON_EV_A_MAX,
                              {BUDDYCTL_REQUIRED(BUDDY_MON_EV_A_TYPE, NLA_U32),
                               BUDDYCTL_REQUIRED(BUDDY_MON_EV_A_TIME_NS, NLA_U64),
                               BUDDYCTL_OPTIONAL(BUDDY_MON_EV_A_ORDER, NLA_U32),
                               BUDDYCTL_OPTIONAL(BUDDY_MON_EV_A_GFP, NLA_U32),
                               BUDDYCTL_OPTIONAL(BUDDY_MON_EV_A_MIGRATETYPE, NLA_U32),
                               BUDDYCTL_OPTIONAL(BUDDY_MON_EV_A_PRIO, NLA_U32),
                               BUDDYCTL_OPTIONAL(BUDDY_MON_EV_A_ORIG_PRIO, NLA_U32),
                               BUDDYCTL_OPTIONAL(BUDDY_MON_EV_A_RESULT, NLA_U32),
                               BUDDYCTL_OPTIONAL(BUDDY_MON_EV_A_UNUSABLE_PCT, NLA_U32),
                               BUDDYCTL_OPTIONAL(BUDDY_MON_EV_A_CPU, NLA_U32),
                               BUDDYCTL_OPTIONAL(BUDDY_MON_EV_A_PID, NLA_U32),
                               BUDDYCTL_OPTIONAL(BUDDY_MON_EV_A_COMM, NLA_STRING),
                               BUDDYCTL_OPTIONAL(BUDDY_MON_EV_A_DROPPED, NLA_U64)});

// ---- decoding -----------------------------------------------------------------

absl::StatusOr<OrderStats> ParseOrderStats(const Attrs& t) {
  OrderStats s;
  s.order = t.U32(BUDDY_MON_OA_ORDER);
  s.requests = t.U64(BUDDY_MON_OA_REQUESTS);
  s.successes = t.U64(BUDDY_MON_OA_SUCCESSES);
  s.failures = t.U64(BUDDY_MON_OA_FAILURES);
  s.slowpath = t.U64(BUDDY_MON_OA_SLOWPATH);
  s.compact_attempts = t.U64(BUDDY_MON_OA_COMPACT_ATTEMPTS);
  s.compact_requests = t.U64(BUDDY_MON_OA_COMPACT_REQUESTS);
  s.compact_pages = t.U64(BUDDY_MON_OA_COMPACT_PAGES);
  BUDDYCTL_ASSIGN_OR_RETURN(s.compact_by_prio, t.U64Array<kNrPrios>(BUDDY_MON_OA_COMPACT_PRIO));
  BUDDYCTL_ASSIGN_OR_RETURN(s.compact_by_result,
                            t.U64Array<kNrCompactResults>(BUDDY_MON_OA_COMPACT_RESULT));
  s.compact_deferred = t.U64(BUDDY_MON_OA_COMPACT_DEFERRED);
  s.raises = t.U64(BUDDY_MON_OA_RAISES);
  BUDDYCTL_ASSIGN_OR_RETURN(s.requests_by_mt,
                            t.U64Array<kNrMigratetypes>(BUDDY_MON_OA_MT_REQUESTS));
  BUDDYCTL_ASSIGN_OR_RETURN(s.failures_by_mt,
                            t.U64Array<kNrMigratetypes>(BUDDY_MON_OA_MT_FAILURES));
  return s;
}

absl::StatusOr<Fallback> ParseFallback(const Attrs& t) {
  Fallback f;
  f.alloc_order = t.U32(BUDDY_MON_FA_ALLOC_ORDER);
  f.fallback_order = t.U32(BUDDY_MON_FA_FALLBACK_ORDER);
  f.alloc_mt = t.U32(BUDDY_MON_FA_ALLOC_MT);
  f.fallback_mt = t.U32(BUDDY_MON_FA_FALLBACK_MT);
  f.fragmenting = t.U8(BUDDY_MON_FA_FRAGMENTING) != 0;
  f.count = t.U64(BUDDY_MON_FA_COUNT);
  return f;
}

absl::StatusOr<LatencyHistogram> ParseLatency(const Attrs& t) {
  LatencyHistogram h;
  h.order = t.U32(BUDDY_MON_LA_ORDER);
  BUDDYCTL_ASSIGN_OR_RETURN(h.fast, t.U64Array<kLatBuckets>(BUDDY_MON_LA_FAST_HIST));
  BUDDYCTL_ASSIGN_OR_RETURN(h.slow, t.U64Array<kLatBuckets>(BUDDY_MON_LA_SLOW_HIST));
  h.fast_max_ns = t.U64(BUDDY_MON_LA_FAST_MAX_NS);
  h.slow_max_ns = t.U64(BUDDY_MON_LA_SLOW_MAX_NS);
  h.fast_sum_ns = t.U64(BUDDY_MON_LA_FAST_SUM_NS);
  h.slow_sum_ns = t.U64(BUDDY_MON_LA_SLOW_SUM_NS);
  h.missed = t.U64(BUDDY_MON_LA_MISSED);
  return h;
}

// The BUDDY_MON_A_CONFIG nest of a GET_INFO, GET_CONFIG or SET_CONFIG reply.
absl::StatusOr<Config> ParseConfig(const Attrs& top) {
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs t, top.Nested(BUDDY_MON_A_CONFIG, kConfigLayout));
  Config c;
  c.latency = t.U8(BUDDY_MON_CA_LATENCY) != 0;
  c.events_per_sec = t.U32(BUDDY_MON_CA_EVENTS_PER_SEC);
  c.policy = static_cast<Policy>(t.U32(BUDDY_MON_CA_POLICY));
  c.threshold = t.U32(BUDDY_MON_CA_THRESHOLD);
  c.min_order = t.U32(BUDDY_MON_CA_MIN_ORDER);
  c.bg_enabled = t.U8(BUDDY_MON_CA_BG_ENABLED) != 0;
  c.bg_order = t.U32(BUDDY_MON_CA_BG_ORDER);
  c.bg_interval_ms = t.U32(BUDDY_MON_CA_BG_INTERVAL_MS);
  return c;
}

absl::StatusOr<ZoneFrag> ParseZone(const Attrs& t) {
  ZoneFrag z;
  z.node = t.U32(BUDDY_MON_ZA_NODE);
  z.zone_idx = t.U32(BUDDY_MON_ZA_ZONE_IDX);
  z.zone_name = t.Str(BUDDY_MON_ZA_ZONE_NAME);
  z.managed_pages = t.U64(BUDDY_MON_ZA_MANAGED_PAGES);
  z.present_pages = t.U64(BUDDY_MON_ZA_PRESENT_PAGES);
  z.free_pages = t.U64(BUDDY_MON_ZA_FREE_PAGES);
  z.start_pfn = t.U64(BUDDY_MON_ZA_START_PFN);
  z.spanned_pages = t.U64(BUDDY_MON_ZA_SPANNED_PAGES);
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs blocks, t.Nested(BUDDY_MON_ZA_FREE_BLOCKS, kFreeBlocksLayout));
  for (int o = 0; o < kNrOrders; ++o) {
    BUDDYCTL_ASSIGN_OR_RETURN(z.free_blocks[static_cast<size_t>(o)],
                              blocks.U64Array<kNrMigratetypes>(o + 1));
  }
  BUDDYCTL_ASSIGN_OR_RETURN(z.nr_free, t.U64Array<kNrOrders>(BUDDY_MON_ZA_NR_FREE));
  BUDDYCTL_ASSIGN_OR_RETURN(auto unusable, t.U64Array<kNrOrders>(BUDDY_MON_ZA_UNUSABLE_INDEX));
  BUDDYCTL_ASSIGN_OR_RETURN(auto extfrag, t.U64Array<kNrOrders>(BUDDY_MON_ZA_EXTFRAG_INDEX));
  for (size_t o = 0; o < kNrOrders; ++o) {
    z.unusable_index[o] = static_cast<int64_t>(unusable[o]);
    z.extfrag_index[o] = static_cast<int64_t>(extfrag[o]);  // (u64)(s64) on the wire
  }
  z.proactive_score = t.U32(BUDDY_MON_ZA_PROACTIVE_SCORE);
  z.node_proactive_score = t.U32(BUDDY_MON_ZA_NODE_PROACTIVE_SCORE);
  z.blocks_total = t.U64(BUDDY_MON_ZA_BLOCKS_TOTAL);
  z.blocks_free = t.U64(BUDDY_MON_ZA_BLOCKS_FREE);
  z.blocks_recoverable = t.U64(BUDDY_MON_ZA_BLOCKS_RECOVERABLE);
  z.free_blocks_derived = t.U32(BUDDY_MON_ZA_FREE_BLOCKS_DERIVED);
  z.age_ns = t.U64(BUDDY_MON_ZA_AGE_NS);
  return z;
}

absl::StatusOr<TunerOrderStats> ParseTunerOrder(const Attrs& t) {
  TunerOrderStats s;
  s.order = t.U32(BUDDY_MON_TA_ORDER);
  s.decisions = t.U64(BUDDY_MON_TA_DECISIONS);
  s.raises = t.U64(BUDDY_MON_TA_RAISES);
  s.deferrals = t.U64(BUDDY_MON_TA_DEFERRALS);
  s.would_raise = t.U64(BUDDY_MON_TA_WOULD_RAISE);
  BUDDYCTL_ASSIGN_OR_RETURN(s.raised_result,
                            t.U64Array<kNrCompactResults>(BUDDY_MON_TA_RAISED_RESULT));
  BUDDYCTL_ASSIGN_OR_RETURN(s.kept_result, t.U64Array<kNrCompactResults>(BUDDY_MON_TA_KEPT_RESULT));
  s.raised_success = t.U64(BUDDY_MON_TA_RAISED_SUCCESS);
  s.kept_success = t.U64(BUDDY_MON_TA_KEPT_SUCCESS);
  return s;
}

// Each nest of `member` in the `list` nest of `top`, decoded with `parse`.
template <typename T, typename Parse>
absl::StatusOr<std::vector<T>> ParseList(const Attrs& top, int list, int member,
                                         const AttrLayout& layout, Parse parse) {
  BUDDYCTL_ASSIGN_OR_RETURN(std::vector<Attrs> nests, top.List(list, member, layout));
  std::vector<T> out;
  out.reserve(nests.size());
  for (const Attrs& n : nests) {
    BUDDYCTL_ASSIGN_OR_RETURN(T v, parse(n));
    out.push_back(std::move(v));
  }
  return out;
}

absl::Status CheckOrderArg(std::optional<uint32_t> order) {
  if (order) return ValidateOrder(*order);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Event> ParseEvent(const Message& msg) {
  if (!msg.Valid() || msg.cmd() != BUDDY_MON_CMD_EVENT) {
    return absl::InternalError("not a buddy_monitor event message");
  }
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs t, Attrs::Parse(kEventLayout, msg));
  Event e;
  e.type = t.U32(BUDDY_MON_EV_A_TYPE);
  e.time_ns = t.U64(BUDDY_MON_EV_A_TIME_NS);
  auto opt32 = [&t](int type) -> std::optional<uint32_t> {
    if (!t.Has(type)) return std::nullopt;
    return t.U32(type);
  };
  e.order = opt32(BUDDY_MON_EV_A_ORDER);
  e.gfp = opt32(BUDDY_MON_EV_A_GFP);
  e.migratetype = opt32(BUDDY_MON_EV_A_MIGRATETYPE);
  e.prio = opt32(BUDDY_MON_EV_A_PRIO);
  e.orig_prio = opt32(BUDDY_MON_EV_A_ORIG_PRIO);
  e.result = opt32(BUDDY_MON_EV_A_RESULT);
  e.unusable_pct = opt32(BUDDY_MON_EV_A_UNUSABLE_PCT);
  e.cpu = opt32(BUDDY_MON_EV_A_CPU);
  e.pid = opt32(BUDDY_MON_EV_A_PID);
  if (t.Has(BUDDY_MON_EV_A_COMM)) e.comm = t.Str(BUDDY_MON_EV_A_COMM);
  if (t.Has(BUDDY_MON_EV_A_DROPPED)) e.dropped = t.U64(BUDDY_MON_EV_A_DROPPED);
  return e;
}

absl::StatusOr<std::optional<Event>> EventStream::Next(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    BUDDYCTL_ASSIGN_OR_RETURN(
        std::optional<Message> msg,
        source_->Next(std::max(deadline - absl::Now(), absl::ZeroDuration())));
    if (!msg) return std::nullopt;
    // Other families' or commands' messages are not ours: skip them.
    if (msg->Valid() && msg->type() == family_id_ && msg->cmd() == BUDDY_MON_CMD_EVENT) {
      BUDDYCTL_ASSIGN_OR_RETURN(Event e, ParseEvent(*msg));
      return e;
    }
    if (absl::Now() >= deadline) return std::nullopt;
  }
}

absl::StatusOr<Monitor> Monitor::Open() {
  BUDDYCTL_ASSIGN_OR_RETURN(std::shared_ptr<Transport> t, OpenNetlinkTransport());
  return Open(std::move(t));
}

absl::StatusOr<Monitor> Monitor::Open(std::shared_ptr<Transport> transport) {
  BUDDYCTL_ASSIGN_OR_RETURN(FamilyClient f,
                            FamilyClient::Open(std::move(transport), kMonitorFamily));
  return Monitor(std::move(f));
}

absl::StatusOr<MonitorInfo> Monitor::Info() {
  BUDDYCTL_ASSIGN_OR_RETURN(auto replies, family_.Call(BUDDY_MON_CMD_GET_INFO, "info"));
  BUDDYCTL_ASSIGN_OR_RETURN(Message m, SingleReply(std::move(replies), "info"));
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs t, Attrs::Parse(kInfoLayout, m));
  MonitorInfo info;
  info.abi_version = t.U32(BUDDY_MON_A_ABI_VERSION);
  info.kernel_release = t.Str(BUDDY_MON_A_KERNEL_RELEASE);
  info.nr_orders = t.U32(BUDDY_MON_A_NR_ORDERS);
  BUDDYCTL_ASSIGN_OR_RETURN(info.config, ParseConfig(t));
  info.max_lock_hold_ns = t.U64(BUDDY_MON_A_MAX_LOCK_HOLD_NS);
  info.max_scan_ns = t.U64(BUDDY_MON_A_MAX_SCAN_NS);
  return info;
}

absl::StatusOr<Stats> Monitor::GetStats(std::optional<uint32_t> order) {
  BUDDYCTL_RETURN_IF_ERROR(CheckOrderArg(order));
  BUDDYCTL_ASSIGN_OR_RETURN(auto replies,
                            family_.Call(BUDDY_MON_CMD_GET_STATS, "stats", [&](MessageBuilder& b) {
                              if (order) b.PutU32(BUDDY_MON_A_ORDER, *order);
                            }));
  BUDDYCTL_ASSIGN_OR_RETURN(Message m, SingleReply(std::move(replies), "stats"));
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs t, Attrs::Parse(kStatsLayout, m));
  Stats s;
  BUDDYCTL_ASSIGN_OR_RETURN(s.orders,
                            ParseList<OrderStats>(t, BUDDY_MON_A_ORDERS, BUDDY_MON_A_ORDER_STATS,
                                                  kOrderStatsLayout, ParseOrderStats));
  BUDDYCTL_ASSIGN_OR_RETURN(s.fallbacks,
                            ParseList<Fallback>(t, BUDDY_MON_A_FALLBACKS, BUDDY_MON_A_FALLBACK,
                                                kFallbackLayout, ParseFallback));
  s.slowpath_missed = t.U64(BUDDY_MON_A_SLOWPATH_MISSED);
  s.events_dropped = t.U64(BUDDY_MON_A_EVENTS_DROPPED);
  s.events_sent = t.U64(BUDDY_MON_A_EVENTS_SENT);
  s.reset_time_ns = t.U64(BUDDY_MON_A_RESET_TIME_NS);
  s.now_ns = t.U64(BUDDY_MON_A_NOW_NS);
  return s;
}

absl::StatusOr<std::vector<LatencyHistogram>> Monitor::GetLatency(std::optional<uint32_t> order) {
  BUDDYCTL_RETURN_IF_ERROR(CheckOrderArg(order));
  BUDDYCTL_ASSIGN_OR_RETURN(
      auto replies, family_.Call(BUDDY_MON_CMD_GET_LATENCY, "latency", [&](MessageBuilder& b) {
        if (order) b.PutU32(BUDDY_MON_A_ORDER, *order);
      }));
  BUDDYCTL_ASSIGN_OR_RETURN(Message m, SingleReply(std::move(replies), "latency"));
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs t, Attrs::Parse(kLatencyLayout, m));
  return ParseList<LatencyHistogram>(t, BUDDY_MON_A_ORDERS, BUDDY_MON_A_ORDER_LATENCY,
                                     kLatencyOrderLayout, ParseLatency);
}

absl::StatusOr<std::vector<ZoneFrag>> Monitor::GetFrag() {
  // A doit answered with one message per zone (not a dump: a dump in
  // progress holds a reference on the module until it is read to the end).
  BUDDYCTL_ASSIGN_OR_RETURN(auto replies, family_.Call(BUDDY_MON_CMD_GET_FRAG, "frag"));
  std::vector<ZoneFrag> zones;
  for (const Message& m : replies) {
    BUDDYCTL_ASSIGN_OR_RETURN(Attrs t, Attrs::Parse(kZoneLayout, m));
    BUDDYCTL_ASSIGN_OR_RETURN(ZoneFrag z, ParseZone(t));
    zones.push_back(std::move(z));
  }
  return zones;
}

absl::Status Monitor::Reset() { return family_.Call(BUDDY_MON_CMD_RESET, "reset").status(); }

absl::StatusOr<Config> Monitor::GetConfig() {
  BUDDYCTL_ASSIGN_OR_RETURN(auto replies, family_.Call(BUDDY_MON_CMD_GET_CONFIG, "get config"));
  BUDDYCTL_ASSIGN_OR_RETURN(Message m, SingleReply(std::move(replies), "get config"));
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs t, Attrs::Parse(kConfigReplyLayout, m));
  return ParseConfig(t);
}

absl::StatusOr<Config> Monitor::SetConfig(const ConfigUpdate& u) {
  if (u.empty()) return absl::InvalidArgumentError("set config: nothing to change");
  BUDDYCTL_RETURN_IF_ERROR(u.Validate());
  BUDDYCTL_ASSIGN_OR_RETURN(
      auto replies, family_.Call(BUDDY_MON_CMD_SET_CONFIG, "set config", [&](MessageBuilder& b) {
        b.BeginNest(BUDDY_MON_A_CONFIG);
        if (u.latency) b.PutU8(BUDDY_MON_CA_LATENCY, *u.latency ? 1 : 0);
        if (u.events_per_sec) b.PutU32(BUDDY_MON_CA_EVENTS_PER_SEC, *u.events_per_sec);
        if (u.policy) b.PutU32(BUDDY_MON_CA_POLICY, static_cast<uint32_t>(*u.policy));
        if (u.threshold) b.PutU32(BUDDY_MON_CA_THRESHOLD, *u.threshold);
        if (u.min_order) b.PutU32(BUDDY_MON_CA_MIN_ORDER, *u.min_order);
        if (u.bg_enabled) b.PutU8(BUDDY_MON_CA_BG_ENABLED, *u.bg_enabled ? 1 : 0);
        if (u.bg_order) b.PutU32(BUDDY_MON_CA_BG_ORDER, *u.bg_order);
        if (u.bg_interval_ms) b.PutU32(BUDDY_MON_CA_BG_INTERVAL_MS, *u.bg_interval_ms);
        b.EndNest();
      }));
  BUDDYCTL_ASSIGN_OR_RETURN(Message m, SingleReply(std::move(replies), "set config"));
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs t, Attrs::Parse(kConfigReplyLayout, m));
  return ParseConfig(t);
}

absl::StatusOr<TunerStats> Monitor::GetTunerStats() {
  BUDDYCTL_ASSIGN_OR_RETURN(auto replies,
                            family_.Call(BUDDY_MON_CMD_GET_TUNER_STATS, "tuner stats"));
  BUDDYCTL_ASSIGN_OR_RETURN(Message m, SingleReply(std::move(replies), "tuner stats"));
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs t, Attrs::Parse(kTunerLayout, m));
  TunerStats s;
  BUDDYCTL_ASSIGN_OR_RETURN(
      s.orders, ParseList<TunerOrderStats>(t, BUDDY_MON_A_ORDERS, BUDDY_MON_A_TUNER_ORDER,
                                           kTunerOrderLayout, ParseTunerOrder));
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs bg, t.Nested(BUDDY_MON_A_BACKGROUND, kBackgroundLayout));
  s.background.checks = bg.U64(BUDDY_MON_BA_CHECKS);
  s.background.triggers = bg.U64(BUDDY_MON_BA_TRIGGERS);
  s.background.ratelimited = bg.U64(BUDDY_MON_BA_RATELIMITED);
  s.background.blocks_gained = bg.U64(BUDDY_MON_BA_BLOCKS_GAINED);
  s.background.last_unusable_pct = bg.U32(BUDDY_MON_BA_LAST_UNUSABLE_PCT);
  // Absent from modules older than the evacuate policy: all zero then.
  if (t.Has(BUDDY_MON_A_EVACUATOR)) {
    BUDDYCTL_ASSIGN_OR_RETURN(Attrs ev, t.Nested(BUDDY_MON_A_EVACUATOR, kEvacuatorLayout));
    s.evacuator.requests = ev.U64(BUDDY_MON_VA_REQUESTS);
    s.evacuator.scans = ev.U64(BUDDY_MON_VA_SCANS);
    s.evacuator.attempts = ev.U64(BUDDY_MON_VA_ATTEMPTS);
    s.evacuator.blocks = ev.U64(BUDDY_MON_VA_BLOCKS);
    s.evacuator.failures = ev.U64(BUDDY_MON_VA_FAILURES);
    s.evacuator.pages_moved = ev.U64(BUDDY_MON_VA_PAGES_MOVED);
    s.evacuator.no_candidate = ev.U64(BUDDY_MON_VA_NO_CANDIDATE);
    s.evacuator.low_memory = ev.U64(BUDDY_MON_VA_LOW_MEMORY);
    s.evacuator.busy = ev.U64(BUDDY_MON_VA_BUSY);
    s.evacuator.time_ns = ev.U64(BUDDY_MON_VA_TIME_NS);
  }
  return s;
}

absl::StatusOr<EventStream> Monitor::Subscribe() {
  BUDDYCTL_ASSIGN_OR_RETURN(uint32_t group, family_.GroupId(BUDDY_MON_MCGRP_EVENTS));
  BUDDYCTL_ASSIGN_OR_RETURN(std::unique_ptr<EventSource> src, family_.transport().Subscribe(group));
  return EventStream(std::move(src), family_.info().id);
}

absl::Status Monitor::Subscribe(const std::function<bool(const Event&)>& on_event,
                                const std::function<bool()>& stop, absl::Duration poll) {
  BUDDYCTL_ASSIGN_OR_RETURN(EventStream stream, Subscribe());
  while (!stop || !stop()) {
    BUDDYCTL_ASSIGN_OR_RETURN(std::optional<Event> e, stream.Next(poll));
    if (e && !on_event(*e)) break;
  }
  return absl::OkStatus();
}

}  // namespace buddyctl
