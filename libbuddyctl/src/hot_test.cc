// SPDX-License-Identifier: GPL-2.0
#include "buddyctl/hot_test.h"

#include <utility>

#include "attrs.h"
#include "buddyctl/netlink_transport.h"
#include "buddyctl/status_macros.h"
#include "uapi/buddyctl.h"

namespace buddyctl {
namespace {

const Decoder<HotStatus> kHotStatus(
    "hot status", BUDDY_HOT_A_MAX,
    {BUDDYCTL_FIELD(BUDDY_HOT_A_STATE, &HotStatus::state),
     BUDDYCTL_FIELD(BUDDY_HOT_A_ORDER, &HotStatus::order),
     BUDDYCTL_FIELD(BUDDY_HOT_A_COUNT, &HotStatus::count),
     BUDDYCTL_FIELD(BUDDY_HOT_A_GFP_MODE, &HotStatus::gfp),
     BUDDYCTL_FIELD(BUDDY_HOT_A_HOLD_UNTIL_FAIL, &HotStatus::hold_until_fail),
     BUDDYCTL_FIELD(BUDDY_HOT_A_PAUSE_US, &HotStatus::pause_us),
     BUDDYCTL_FIELD(BUDDY_HOT_A_ATTEMPTS_DONE, &HotStatus::attempts_done),
     BUDDYCTL_FIELD(BUDDY_HOT_A_SUCCESSES, &HotStatus::successes),
     BUDDYCTL_FIELD(BUDDY_HOT_A_HELD, &HotStatus::held),
     BUDDYCTL_FIELD(BUDDY_HOT_A_ELAPSED_NS, &HotStatus::elapsed_ns),
     BUDDYCTL_FIELD(BUDDY_HOT_A_STOP_REASON, &HotStatus::stop_reason),
     BUDDYCTL_FIELD(BUDDY_HOT_A_GFP_FLAGS, &HotStatus::gfp_flags),
     BUDDYCTL_FIELD(BUDDY_HOT_A_MIN_FREE_PAGES, &HotStatus::min_free_pages)});

// One part of the GET_ATTEMPTS dump: any number of attempt nests.
const AttrLayout kHotAttemptsLayout("hot attempts", BUDDY_HOT_A_MAX,
                                    {BUDDYCTL_OPTIONAL(BUDDY_HOT_A_ATTEMPT, NLA_NESTED)});

// The PFN is optional: only an attempt that got a block has one.
const Decoder<HotAttempt> kHotAttempt("hot attempt", BUDDY_HOT_AA_MAX,
                                      {BUDDYCTL_FIELD(BUDDY_HOT_AA_INDEX, &HotAttempt::index),
                                       BUDDYCTL_FIELD(BUDDY_HOT_AA_OK, &HotAttempt::ok),
                                       BUDDYCTL_FIELD(BUDDY_HOT_AA_LATENCY_NS,
                                                      &HotAttempt::latency_ns),
                                       BUDDYCTL_FIELD(BUDDY_HOT_AA_PFN, &HotAttempt::pfn)});

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
  return kHotStatus.Decode(m);
}

absl::StatusOr<std::vector<HotAttempt>> HotTest::Attempts() {
  BUDDYCTL_ASSIGN_OR_RETURN(
      auto replies, family_.Call(BUDDY_HOT_CMD_GET_ATTEMPTS, "hot attempts", nullptr, true));
  std::vector<HotAttempt> out;
  for (const Message& m : replies) {
    BUDDYCTL_ASSIGN_OR_RETURN(Attrs t, Attrs::Parse(kHotAttemptsLayout, m));
    BUDDYCTL_ASSIGN_OR_RETURN(std::vector<Attrs> nests,
                              t.All(BUDDY_HOT_A_ATTEMPT, kHotAttempt.layout()));
    for (const Attrs& a : nests) {
      BUDDYCTL_ASSIGN_OR_RETURN(HotAttempt at, kHotAttempt.Decode(a));
      out.push_back(at);
    }
  }
  return out;
}

absl::Status HotTest::Release() {
  return family_.Call(BUDDY_HOT_CMD_RELEASE, "hot release").status();
}

}  // namespace buddyctl
