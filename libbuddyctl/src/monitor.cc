// SPDX-License-Identifier: GPL-2.0
#include "buddyctl/monitor.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "attrs.h"
#include "buddyctl/netlink_transport.h"
#include "buddyctl/status_macros.h"
#include "reply_fields.h"
#include "uapi/buddyctl.h"

namespace buddyctl {
namespace {

// ---- reply tables: what this version of the module sends -------------------
// The flat replies' decoders come from their field tables (reply_fields.cc);
// the latency histograms and events, which are not exported field by field,
// keep their tables here. Every attribute the module always sends is
// required, so a reply from a module built from another tree fails with the
// attribute's name instead of reading as zeros.

const Decoder<OrderStats> kOrderStats = OrderStatsFields().MakeDecoder();
const Decoder<Fallback> kFallback = FallbackFields().MakeDecoder();
const Decoder<Stats> kStats = StatsFields().MakeDecoder();

const Decoder<LatencyHistogram> kLatencyOrder(
    "latency: order", BUDDY_MON_LA_MAX,
    {BUDDYCTL_FIELD(BUDDY_MON_LA_ORDER, &LatencyHistogram::order),
     BUDDYCTL_FIELD(BUDDY_MON_LA_FAST_HIST, &LatencyHistogram::fast),
     BUDDYCTL_FIELD(BUDDY_MON_LA_SLOW_HIST, &LatencyHistogram::slow),
     BUDDYCTL_FIELD(BUDDY_MON_LA_FAST_MAX_NS, &LatencyHistogram::fast_max_ns),
     BUDDYCTL_FIELD(BUDDY_MON_LA_SLOW_MAX_NS, &LatencyHistogram::slow_max_ns),
     BUDDYCTL_FIELD(BUDDY_MON_LA_FAST_SUM_NS, &LatencyHistogram::fast_sum_ns),
     BUDDYCTL_FIELD(BUDDY_MON_LA_SLOW_SUM_NS, &LatencyHistogram::slow_sum_ns),
     BUDDYCTL_FIELD(BUDDY_MON_LA_MISSED, &LatencyHistogram::missed)});

// The reply's own level: what holds for all orders together, copied into
// each order's histogram (as the missed count is).
struct LatencyTop {
  uint64_t capture_ns = 0;
};

const Decoder<LatencyTop> kLatency("latency", BUDDY_MON_A_MAX,
                                   {BUDDYCTL_FIELD(BUDDY_MON_A_LAT_CAPTURE_NS,
                                                   &LatencyTop::capture_ns)},
                                   {BUDDYCTL_REQUIRED(BUDDY_MON_A_ORDERS, NLA_NESTED)});

const Decoder<Config> kConfig = ConfigFields().MakeDecoder();

const AttrLayout kConfigReplyLayout("config", BUDDY_MON_A_MAX,
                                    {BUDDYCTL_REQUIRED(BUDDY_MON_A_CONFIG, NLA_NESTED)});

const Decoder<MonitorInfo> kInfo = MonitorInfoFields().MakeDecoder();

const Decoder<ZoneFrag> kZone = ZoneFragFields().MakeDecoder();

// The per-order nests of BUDDY_MON_ZA_FREE_BLOCKS: types order + 1.
const AttrLayout kFreeBlocksLayout("frag: free blocks", kNrOrders, {});

const Decoder<TunerOrderStats> kTunerOrder = TunerOrderStatsFields().MakeDecoder();
const Decoder<BackgroundStats> kBackground = BackgroundStatsFields().MakeDecoder();
const Decoder<EvacuatorStats> kEvacuator = EvacuatorStatsFields().MakeDecoder();
const Decoder<ReserveStats> kReserve = ReserveStatsFields().MakeDecoder();

const AttrLayout kTunerLayout("tuner stats", BUDDY_MON_A_MAX,
                              {BUDDYCTL_REQUIRED(BUDDY_MON_A_ORDERS, NLA_NESTED),
                               BUDDYCTL_REQUIRED(BUDDY_MON_A_BACKGROUND, NLA_NESTED),
                               // Absent from modules older than the evacuate policy.
                               BUDDYCTL_OPTIONAL(BUDDY_MON_A_EVACUATOR, NLA_NESTED),
                               // Absent from modules older than the reserve.
                               BUDDYCTL_OPTIONAL(BUDDY_MON_A_RESERVE, NLA_NESTED)});

// Which fields an event carries depends on its type: those are optional.
const Decoder<Event> kEvent("event", BUDDY_MON_EV_A_MAX,
                            {BUDDYCTL_FIELD(BUDDY_MON_EV_A_TYPE, &Event::type),
                             BUDDYCTL_FIELD(BUDDY_MON_EV_A_TIME_NS, &Event::time_ns),
                             BUDDYCTL_FIELD(BUDDY_MON_EV_A_ORDER, &Event::order),
                             BUDDYCTL_FIELD(BUDDY_MON_EV_A_GFP, &Event::gfp),
                             BUDDYCTL_FIELD(BUDDY_MON_EV_A_MIGRATETYPE, &Event::migratetype),
                             BUDDYCTL_FIELD(BUDDY_MON_EV_A_PRIO, &Event::prio),
                             BUDDYCTL_FIELD(BUDDY_MON_EV_A_ORIG_PRIO, &Event::orig_prio),
                             BUDDYCTL_FIELD(BUDDY_MON_EV_A_RESULT, &Event::result),
                             BUDDYCTL_FIELD(BUDDY_MON_EV_A_UNUSABLE_PCT, &Event::unusable_pct),
                             BUDDYCTL_FIELD(BUDDY_MON_EV_A_CPU, &Event::cpu),
                             BUDDYCTL_FIELD(BUDDY_MON_EV_A_PID, &Event::pid),
                             BUDDYCTL_FIELD(BUDDY_MON_EV_A_COMM, &Event::comm),
                             BUDDYCTL_FIELD(BUDDY_MON_EV_A_DROPPED, &Event::dropped)});

// ---- decoding -----------------------------------------------------------------

// Each nest of `member` in the `list` nest of `top`, decoded with `decoder`.
template <typename T>
absl::StatusOr<std::vector<T>> DecodeList(const Attrs& top, int list, int member,
                                          const Decoder<T>& decoder) {
  BUDDYCTL_ASSIGN_OR_RETURN(std::vector<Attrs> nests, top.List(list, member, decoder.layout()));
  std::vector<T> out;
  out.reserve(nests.size());
  for (const Attrs& n : nests) {
    BUDDYCTL_ASSIGN_OR_RETURN(T v, decoder.Decode(n));
    out.push_back(std::move(v));
  }
  return out;
}

// The BUDDY_MON_A_CONFIG nest of a GET_INFO, GET_CONFIG or SET_CONFIG reply.
absl::StatusOr<Config> DecodeConfig(const Attrs& top) {
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs t, top.Nested(BUDDY_MON_A_CONFIG, kConfig.layout()));
  return kConfig.Decode(t);
}

absl::StatusOr<ZoneFrag> DecodeZone(const Message& m) {
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs t, Attrs::Parse(kZone.layout(), m));
  BUDDYCTL_ASSIGN_OR_RETURN(ZoneFrag z, kZone.Decode(t));
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs blocks, t.Nested(BUDDY_MON_ZA_FREE_BLOCKS, kFreeBlocksLayout));
  for (int o = 0; o < kNrOrders; ++o) {
    BUDDYCTL_ASSIGN_OR_RETURN(z.free_blocks[static_cast<size_t>(o)],
                              blocks.U64Array<kNrMigratetypes>(o + 1));
  }
  return z;
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
  return kEvent.Decode(msg);
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
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs t, Attrs::Parse(kInfo.layout(), m));
  BUDDYCTL_ASSIGN_OR_RETURN(MonitorInfo info, kInfo.Decode(t));
  BUDDYCTL_ASSIGN_OR_RETURN(info.config, DecodeConfig(t));
  return info;
}

absl::StatusOr<Stats> Monitor::GetStats(std::optional<uint32_t> order) {
  BUDDYCTL_RETURN_IF_ERROR(CheckOrderArg(order));
  BUDDYCTL_ASSIGN_OR_RETURN(auto replies,
                            family_.Call(BUDDY_MON_CMD_GET_STATS, "stats", [&](MessageBuilder& b) {
                              if (order) b.PutU32(BUDDY_MON_A_ORDER, *order);
                            }));
  BUDDYCTL_ASSIGN_OR_RETURN(Message m, SingleReply(std::move(replies), "stats"));
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs t, Attrs::Parse(kStats.layout(), m));
  BUDDYCTL_ASSIGN_OR_RETURN(Stats s, kStats.Decode(t));
  BUDDYCTL_ASSIGN_OR_RETURN(
      s.orders, DecodeList(t, BUDDY_MON_A_ORDERS, BUDDY_MON_A_ORDER_STATS, kOrderStats));
  BUDDYCTL_ASSIGN_OR_RETURN(s.fallbacks,
                            DecodeList(t, BUDDY_MON_A_FALLBACKS, BUDDY_MON_A_FALLBACK, kFallback));
  return s;
}

absl::StatusOr<std::vector<LatencyHistogram>> Monitor::GetLatency(std::optional<uint32_t> order) {
  BUDDYCTL_RETURN_IF_ERROR(CheckOrderArg(order));
  BUDDYCTL_ASSIGN_OR_RETURN(
      auto replies, family_.Call(BUDDY_MON_CMD_GET_LATENCY, "latency", [&](MessageBuilder& b) {
        if (order) b.PutU32(BUDDY_MON_A_ORDER, *order);
      }));
  BUDDYCTL_ASSIGN_OR_RETURN(Message m, SingleReply(std::move(replies), "latency"));
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs t, Attrs::Parse(kLatency.layout(), m));
  BUDDYCTL_ASSIGN_OR_RETURN(LatencyTop top, kLatency.Decode(t));
  BUDDYCTL_ASSIGN_OR_RETURN(
      std::vector<LatencyHistogram> hist,
      DecodeList(t, BUDDY_MON_A_ORDERS, BUDDY_MON_A_ORDER_LATENCY, kLatencyOrder));
  for (LatencyHistogram& h : hist) h.capture_ns = top.capture_ns;
  return hist;
}

absl::StatusOr<std::vector<ZoneFrag>> Monitor::GetFrag(bool full_scan) {
  // A doit answered with one message per zone (not a dump: a dump in
  // progress holds a reference on the module until it is read to the end).
  BUDDYCTL_ASSIGN_OR_RETURN(auto replies,
                            family_.Call(BUDDY_MON_CMD_GET_FRAG, "frag", [&](MessageBuilder& b) {
                              if (full_scan) b.PutFlag(BUDDY_MON_A_FULL_SCAN);
                            }));
  std::vector<ZoneFrag> zones;
  for (const Message& m : replies) {
    BUDDYCTL_ASSIGN_OR_RETURN(ZoneFrag z, DecodeZone(m));
    zones.push_back(std::move(z));
  }
  return zones;
}

absl::Status Monitor::Reset() { return family_.Call(BUDDY_MON_CMD_RESET, "reset").status(); }

absl::StatusOr<Config> Monitor::GetConfig() {
  BUDDYCTL_ASSIGN_OR_RETURN(auto replies, family_.Call(BUDDY_MON_CMD_GET_CONFIG, "get config"));
  BUDDYCTL_ASSIGN_OR_RETURN(Message m, SingleReply(std::move(replies), "get config"));
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs t, Attrs::Parse(kConfigReplyLayout, m));
  return DecodeConfig(t);
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
        if (u.reserve_order) b.PutU32(BUDDY_MON_CA_RESERVE_ORDER, *u.reserve_order);
        if (u.reserve_blocks) b.PutU32(BUDDY_MON_CA_RESERVE_BLOCKS, *u.reserve_blocks);
        if (u.reserve_budget_ms) b.PutU32(BUDDY_MON_CA_RESERVE_BUDGET_MS, *u.reserve_budget_ms);
        if (u.latency_duty_pct) b.PutU32(BUDDY_MON_CA_LATENCY_DUTY_PCT, *u.latency_duty_pct);
        b.EndNest();
      }));
  BUDDYCTL_ASSIGN_OR_RETURN(Message m, SingleReply(std::move(replies), "set config"));
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs t, Attrs::Parse(kConfigReplyLayout, m));
  return DecodeConfig(t);
}

absl::StatusOr<TunerStats> Monitor::GetTunerStats() {
  BUDDYCTL_ASSIGN_OR_RETURN(auto replies,
                            family_.Call(BUDDY_MON_CMD_GET_TUNER_STATS, "tuner stats"));
  BUDDYCTL_ASSIGN_OR_RETURN(Message m, SingleReply(std::move(replies), "tuner stats"));
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs t, Attrs::Parse(kTunerLayout, m));
  TunerStats s;
  BUDDYCTL_ASSIGN_OR_RETURN(
      s.orders, DecodeList(t, BUDDY_MON_A_ORDERS, BUDDY_MON_A_TUNER_ORDER, kTunerOrder));
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs bg, t.Nested(BUDDY_MON_A_BACKGROUND, kBackground.layout()));
  BUDDYCTL_ASSIGN_OR_RETURN(s.background, kBackground.Decode(bg));
  // Absent from modules older than the evacuate policy: all zero then.
  if (t.Has(BUDDY_MON_A_EVACUATOR)) {
    BUDDYCTL_ASSIGN_OR_RETURN(Attrs ev, t.Nested(BUDDY_MON_A_EVACUATOR, kEvacuator.layout()));
    BUDDYCTL_ASSIGN_OR_RETURN(s.evacuator, kEvacuator.Decode(ev));
  }
  // Absent from modules older than the reserve: off and all zero then.
  if (t.Has(BUDDY_MON_A_RESERVE)) {
    BUDDYCTL_ASSIGN_OR_RETURN(Attrs rs, t.Nested(BUDDY_MON_A_RESERVE, kReserve.layout()));
    BUDDYCTL_ASSIGN_OR_RETURN(s.reserve, kReserve.Decode(rs));
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
