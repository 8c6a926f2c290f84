// SPDX-License-Identifier: GPL-2.0
#include "buddyctl/hot_test.h"

#include <utility>

#include "attrs.h"
#include "buddyctl/netlink_transport.h"
#include "buddyctl/status_macros.h"
#include "uapi/buddyctl.h"

namespace buddyctl {
namespace {

const AttrLayout kHotStatusLayout("hot status", BUDDY_HOT_A_MAX,
                                  {BUDDYCTL_REQUIRED(BUDDY_HOT_A_STATE, NLA_U32),
                                   BUDDYCTL_REQUIRED(BUDDY_HOT_A_ORDER, NLA_U32),
                                   BUDDYCTL_REQUIRED(BUDDY_HOT_A_COUNT, NLA_U32),
                                   BUDDYCTL_REQUIRED(BUDDY_HOT_A_GFP_MODE, NLA_U32),
                                   BUDDYCTL_REQUIRED(BUDDY_HOT_A_HOLD_UNTIL_FAIL, NLA_U8),
                                   BUDDYCTL_REQUIRED(BUDDY_HOT_A_PAUSE_US, NLA_U32),
                                   BUDDYCTL_REQUIRED(BUDDY_HOT_A_ATTEMPTS_DONE, NLA_U32),
                                   BUDDYCTL_REQUIRED(BUDDY_HOT_A_SUCCESSES, NLA_U32),
                                   BUDDYCTL_REQUIRED(BUDDY_HOT_A_HELD, NLA_U32),
                                   BUDDYCTL_REQUIRED(BUDDY_HOT_A_ELAPSED_NS, NLA_U64),
                                   BUDDYCTL_REQUIRED(BUDDY_HOT_A_STOP_REASON, NLA_U32),
                                   BUDDYCTL_REQUIRED(BUDDY_HOT_A_GFP_FLAGS, NLA_U32),
                                   BUDDYCTL_REQUIRED(BUDDY_HOT_A_MIN_FREE_PAGES, NLA_U64)});

// One part of the GET_ATTEMPTS dump: any number of attempt nests.
const AttrLayout kHotAttemptsLayout("hot attempts", BUDDY_HOT_A_MAX,
                                    {BUDDYCTL_OPTIONAL(BUDDY_HOT_A_ATTEMPT, NLA_NESTED)});

const AttrLayout kHotAttemptLayout("hot attempt", BUDDY_HOT_AA_MAX,
                                   {BUDDYCTL_REQUIRED(BUDDY_HOT_AA_INDEX, NLA_U32),
                                    BUDDYCTL_REQUIRED(BUDDY_HOT_AA_OK, NLA_U8),
                                    BUDDYCTL_REQUIRED(BUDDY_HOT_AA_LATENCY_NS, NLA_U64),
                                    // Only for an attempt that got a block.
                                    BUDDYCTL_OPTIONAL(BUDDY_HOT_AA_PFN, NLA_U64)});

}  // namespace

absl::StatusOr<HotTest> HotTest::Open() {
  BUDDYCTL_ASSIGN_OR_RETURN(std::shared_ptr<Transport> t, OpenNetlinkTransport());
  return Open(std::move(t));
}

absl::StatusOr<HotTest> HotTest::Open(std::shared_ptr<Transport> transport) {
  BUDDYCTL_ASSIGN_OR_RETURN(FamilyClient f, FamilyClient::Open(std::move(transport), kHotFamily));
  return HotTest(std::move(f));
}

absl::Status HotTest::Run(const HotRunParams& p) {
  BUDDYCTL_RETURN_IF_ERROR(p.Validate());
  return family_
      .Call(BUDDY_HOT_CMD_RUN, "hot run",
            [&](MessageBuilder& b) {
              b.PutU32(BUDDY_HOT_A_ORDER, p.order)
                  .PutU32(BUDDY_HOT_A_COUNT, p.count)
                  .PutU32(BUDDY_HOT_A_GFP_MODE, static_cast<uint32_t>(p.gfp))
                  .PutU8(BUDDY_HOT_A_HOLD_UNTIL_FAIL, p.hold_until_fail ? 1 : 0)
                  .PutU32(BUDDY_HOT_A_PAUSE_US, p.pause_us);
            })
      .status();
}

absl::StatusOr<HotStatus> HotTest::Status() {
  BUDDYCTL_ASSIGN_OR_RETURN(auto replies, family_.Call(BUDDY_HOT_CMD_STATUS, "hot status"));
  BUDDYCTL_ASSIGN_OR_RETURN(Message m, SingleReply(std::move(replies), "hot status"));
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs t, Attrs::Parse(kHotStatusLayout, m));
  HotStatus s;
  s.state = static_cast<HotState>(t.U32(BUDDY_HOT_A_STATE));
  s.order = t.U32(BUDDY_HOT_A_ORDER);
  s.count = t.U32(BUDDY_HOT_A_COUNT);
  s.gfp = static_cast<HotGfp>(t.U32(BUDDY_HOT_A_GFP_MODE));
  s.hold_until_fail = t.U8(BUDDY_HOT_A_HOLD_UNTIL_FAIL) != 0;
  s.pause_us = t.U32(BUDDY_HOT_A_PAUSE_US);
  s.attempts_done = t.U32(BUDDY_HOT_A_ATTEMPTS_DONE);
  s.successes = t.U32(BUDDY_HOT_A_SUCCESSES);
  s.held = t.U32(BUDDY_HOT_A_HELD);
  s.elapsed_ns = t.U64(BUDDY_HOT_A_ELAPSED_NS);
  s.stop_reason = static_cast<HotStopReason>(t.U32(BUDDY_HOT_A_STOP_REASON));
  s.gfp_flags = t.U32(BUDDY_HOT_A_GFP_FLAGS);
  s.min_free_pages = t.U64(BUDDY_HOT_A_MIN_FREE_PAGES);
  return s;
}

absl::StatusOr<std::vector<HotAttempt>> HotTest::Attempts() {
  BUDDYCTL_ASSIGN_OR_RETURN(
      auto replies, family_.Call(BUDDY_HOT_CMD_GET_ATTEMPTS, "hot attempts", nullptr, true));
  std::vector<HotAttempt> out;
  for (const Message& m : replies) {
    BUDDYCTL_ASSIGN_OR_RETURN(Attrs t, Attrs::Parse(kHotAttemptsLayout, m));
    BUDDYCTL_ASSIGN_OR_RETURN(std::vector<Attrs> nests,
                              t.All(BUDDY_HOT_A_ATTEMPT, kHotAttemptLayout));
    for (const Attrs& a : nests) {
      HotAttempt at;
      at.index = a.U32(BUDDY_HOT_AA_INDEX);
      at.ok = a.U8(BUDDY_HOT_AA_OK) != 0;
      at.latency_ns = a.U64(BUDDY_HOT_AA_LATENCY_NS);
      if (a.Has(BUDDY_HOT_AA_PFN)) at.pfn = a.U64(BUDDY_HOT_AA_PFN);
      out.push_back(at);
    }
  }
  return out;
}

absl::Status HotTest::Release() {
  return family_.Call(BUDDY_HOT_CMD_RELEASE, "hot release").status();
}

}  // namespace buddyctl
