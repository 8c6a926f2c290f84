// SPDX-License-Identifier: GPL-2.0
#include "buddyctl/fragmenter.h"

#include <utility>

#include "attrs.h"
#include "buddyctl/netlink_transport.h"
#include "buddyctl/status_macros.h"
#include "uapi/buddyctl.h"

namespace buddyctl {
namespace {

const Decoder<FragStatus> kFragStatus(
    "fragment status", BUDDY_FRAG_A_MAX,
    {BUDDYCTL_FIELD(BUDDY_FRAG_A_PINNED_PAGES, &FragStatus::pinned_pages),
     BUDDYCTL_FIELD(BUDDY_FRAG_A_PINNED_BLOCKS, &FragStatus::pinned_blocks),
     BUDDYCTL_FIELD(BUDDY_FRAG_A_TOUCHED_BLOCKS, &FragStatus::touched_blocks),
     BUDDYCTL_FIELD(BUDDY_FRAG_A_SWEEP_TARGET, &FragStatus::sweep_target),
     BUDDYCTL_FIELD(BUDDY_FRAG_A_SWEPT_PAGES, &FragStatus::swept_pages),
     BUDDYCTL_FIELD(BUDDY_FRAG_A_SWEEP_STOP, &FragStatus::sweep_stop)});

absl::StatusOr<FragStatus> ParseStatus(std::vector<Message> replies, absl::string_view op) {
  BUDDYCTL_ASSIGN_OR_RETURN(Message m, SingleReply(std::move(replies), op));
  return kFragStatus.Decode(m);
}

}  // namespace

absl::StatusOr<Fragmenter> Fragmenter::Open() {
  BUDDYCTL_ASSIGN_OR_RETURN(std::shared_ptr<Transport> t, OpenNetlinkTransport());
  return Open(std::move(t));
}

absl::StatusOr<Fragmenter> Fragmenter::Open(std::shared_ptr<Transport> transport) {
  BUDDYCTL_ASSIGN_OR_RETURN(FamilyClient f, FamilyClient::Open(std::move(transport), kFragFamily));
  return Fragmenter(std::move(f));
}

absl::StatusOr<FragStatus> Fragmenter::Pin(const FragPinParams& p) {
  BUDDYCTL_RETURN_IF_ERROR(p.Validate());
  BUDDYCTL_ASSIGN_OR_RETURN(
      auto replies, family_.Call(BUDDY_FRAG_CMD_PIN, "fragment pin", [&](MessageBuilder& b) {
        b.PutU32(BUDDY_FRAG_A_PIN_PERCENT, p.pin_percent)
            .PutU32(BUDDY_FRAG_A_SWEEP_PERCENT, p.sweep_percent)
            .PutU32(BUDDY_FRAG_A_SEED, p.seed);
      }));
  return ParseStatus(std::move(replies), "fragment pin");
}

absl::StatusOr<FragStatus> Fragmenter::Status() {
  BUDDYCTL_ASSIGN_OR_RETURN(auto replies, family_.Call(BUDDY_FRAG_CMD_STATUS, "fragment status"));
  return ParseStatus(std::move(replies), "fragment status");
}

absl::Status Fragmenter::Release() {
  return family_.Call(BUDDY_FRAG_CMD_RELEASE, "fragment release").status();
}

}  // namespace buddyctl
