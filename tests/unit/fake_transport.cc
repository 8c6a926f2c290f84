// SPDX-License-Identifier: GPL-2.0
#include "fake_transport.h"

#include <linux/genetlink.h>

#include <cerrno>

#include "uapi/buddyctl.h"

namespace buddyctl::testing {

NlReply::NlReply(uint16_t family, uint8_t cmd, uint8_t version)
    : msg_(nlmsg_alloc_size(64 * 1024)) {
  genlmsg_put(msg_, 1, 1, family, 0, 0, cmd, version);
}

NlReply::~NlReply() { nlmsg_free(msg_); }

void NlReply::PutU64Padded(int type, uint64_t v, int pad_type) {
  // The attribute payload starts 4 bytes after the attribute header; pad
  // when that address is not 8-byte aligned, as the kernel does.
  const nlmsghdr* h = nlmsg_hdr(msg_);
  if ((h->nlmsg_len + NLA_HDRLEN) % 8 != 0) nla_put(msg_, pad_type, 0, nullptr);
  nla_put_u64(msg_, type, v);
}

void NlReply::PutU64Array(int type, const std::vector<uint64_t>& values) {
  nlattr* nest = nla_nest_start(msg_, type);
  for (size_t i = 0; i < values.size(); ++i) nla_put_u64(msg_, static_cast<int>(i + 1), values[i]);
  nla_nest_end(msg_, nest);
}

Message NlReply::Take() const { return Message::FromNlMsg(msg_); }

absl::StatusOr<std::optional<Message>> FakeEventSource::Next(absl::Duration timeout) {
  if (queue_->empty()) {
    if (on_wait_) on_wait_(timeout);
    return std::nullopt;
  }
  Message m = std::move(queue_->front());
  queue_->pop_front();
  return m;
}

void FakeTransport::AddFamily(const std::string& name, uint16_t id, uint32_t version,
                              std::vector<std::pair<std::string, uint32_t>> groups) {
  families_[name] = Family{id, version, std::move(groups)};
}

void FakeTransport::Reply(uint16_t family, uint8_t cmd, std::vector<Message> replies) {
  On(family, cmd,
     [replies](const Message&) -> absl::StatusOr<std::vector<Message>> { return replies; });
}

void FakeTransport::Fail(uint16_t family, uint8_t cmd, int err, const std::string& extack) {
  On(family, cmd, [err, extack](const Message&) -> absl::StatusOr<std::vector<Message>> {
    return KernelErrorStatus(err, extack);
  });
}

absl::StatusOr<std::vector<Message>> FakeTransport::Transact(const Message& request) {
  if (request.type() == GENL_ID_CTRL) {
    // Find CTRL_ATTR_FAMILY_NAME with libnl, as the kernel's controller would.
    nlattr* tb[CTRL_ATTR_MAX + 1] = {};
    nla_parse(tb, CTRL_ATTR_MAX, const_cast<nlattr*>(request.attrs()), request.attrs_len(),
              nullptr);
    if (tb[CTRL_ATTR_FAMILY_NAME] == nullptr) return KernelErrorStatus(EINVAL, "no family name");
    std::string name = nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]);
    lookups.push_back(name);
    auto it = families_.find(name);
    if (it == families_.end()) return KernelErrorStatus(ENOENT, "");
    NlReply r(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 2);
    nla_put_string(r.msg(), CTRL_ATTR_FAMILY_NAME, name.c_str());
    nla_put_u16(r.msg(), CTRL_ATTR_FAMILY_ID, it->second.id);
    nla_put_u32(r.msg(), CTRL_ATTR_VERSION, it->second.version);
    nla_put_u32(r.msg(), CTRL_ATTR_HDRSIZE, 0);
    if (!it->second.groups.empty()) {
      nlattr* groups = nla_nest_start(r.msg(), CTRL_ATTR_MCAST_GROUPS);
      int i = 1;
      for (const auto& [gname, gid] : it->second.groups) {
        nlattr* g = nla_nest_start(r.msg(), i++);
        nla_put_string(r.msg(), CTRL_ATTR_MCAST_GRP_NAME, gname.c_str());
        nla_put_u32(r.msg(), CTRL_ATTR_MCAST_GRP_ID, gid);
        nla_nest_end(r.msg(), g);
      }
      nla_nest_end(r.msg(), groups);
    }
    return std::vector<Message>{r.Take()};
  }
  sent.push_back(request);
  auto h = handlers_.find({request.type(), request.cmd()});
  if (h == handlers_.end()) return KernelErrorStatus(EOPNOTSUPP, "no handler in the fake");
  return h->second(request);
}

absl::StatusOr<std::unique_ptr<EventSource>> FakeTransport::Subscribe(uint32_t group_id) {
  joined_groups.push_back(group_id);
  return std::make_unique<FakeEventSource>(events, on_event_wait);
}

std::shared_ptr<FakeTransport> MakeFake() {
  auto f = std::make_shared<FakeTransport>();
  f->AddFamily(BUDDY_MON_GENL_NAME, kMonId, BUDDY_MON_GENL_VERSION,
               {{BUDDY_MON_MCGRP_EVENTS, kEventsGroup}});
  f->AddFamily(BUDDY_HOT_GENL_NAME, kHotId, BUDDY_HOT_GENL_VERSION);
  f->AddFamily(BUDDY_FRAG_GENL_NAME, kFragId, BUDDY_FRAG_GENL_VERSION);
  return f;
}

std::vector<nlattr*> ParseRequest(Message& request, int maxtype) {
  std::vector<nlattr*> tb(static_cast<size_t>(maxtype) + 1, nullptr);
  nla_parse(tb.data(), maxtype, const_cast<nlattr*>(request.attrs()), request.attrs_len(), nullptr);
  return tb;
}

}  // namespace buddyctl::testing
