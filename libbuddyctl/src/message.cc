// SPDX-License-Identifier: GPL-2.0
// Netlink message building (libnl); reply decoding is in attrs.cc.
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "attrs.h"
#include "buddyctl/transport.h"

namespace buddyctl {

// ---- Message ---------------------------------------------------------------

Message Message::FromNlMsg(nl_msg* msg) {
  const nlmsghdr* hdr = nlmsg_hdr(msg);
  const auto* p = reinterpret_cast<const uint8_t*>(hdr);
  return Message(std::vector<uint8_t>(p, p + hdr->nlmsg_len));
}

bool Message::Valid() const {
  if (bytes_.size() < NLMSG_HDRLEN) return false;
  const nlmsghdr* h = header();
  if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > bytes_.size()) return false;
  // Control messages (error/done) carry no genetlink header.
  if (h->nlmsg_type < NLMSG_MIN_TYPE) return true;
  return h->nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN;
}

const nlmsghdr* Message::header() const { return reinterpret_cast<const nlmsghdr*>(bytes_.data()); }
uint16_t Message::type() const { return Valid() ? header()->nlmsg_type : 0; }
uint16_t Message::flags() const { return Valid() ? header()->nlmsg_flags : 0; }

uint8_t Message::cmd() const {
  if (!Valid() || header()->nlmsg_type < NLMSG_MIN_TYPE) return 0;
  return reinterpret_cast<const genlmsghdr*>(bytes_.data() + NLMSG_HDRLEN)->cmd;
}

uint8_t Message::version() const {
  if (!Valid() || header()->nlmsg_type < NLMSG_MIN_TYPE) return 0;
  return reinterpret_cast<const genlmsghdr*>(bytes_.data() + NLMSG_HDRLEN)->version;
}

const nlattr* Message::attrs() const {
  if (!Valid() || header()->nlmsg_type < NLMSG_MIN_TYPE) return nullptr;
  return reinterpret_cast<const nlattr*>(bytes_.data() + NLMSG_HDRLEN + GENL_HDRLEN);
}

int Message::attrs_len() const {
  if (attrs() == nullptr) return 0;
  return static_cast<int>(header()->nlmsg_len) - NLMSG_HDRLEN - GENL_HDRLEN;
}

// ---- MessageBuilder ----------------------------------------------------------

MessageBuilder::MessageBuilder(uint16_t family_id, uint8_t cmd, uint8_t version, uint16_t flags)
    : msg_(nlmsg_alloc()) {
  if (msg_ == nullptr ||
      genlmsg_put(msg_, NL_AUTO_PORT, NL_AUTO_SEQ, family_id, 0, flags, cmd, version) == nullptr) {
    failed_ = true;
  }
}

MessageBuilder::~MessageBuilder() {
  if (msg_ != nullptr) nlmsg_free(msg_);
}

MessageBuilder& MessageBuilder::PutU8(int type, uint8_t v) {
  if (!failed_ && nla_put_u8(msg_, type, v) < 0) failed_ = true;
  return *this;
}
MessageBuilder& MessageBuilder::PutU16(int type, uint16_t v) {
  if (!failed_ && nla_put_u16(msg_, type, v) < 0) failed_ = true;
  return *this;
}
MessageBuilder& MessageBuilder::PutU32(int type, uint32_t v) {
  if (!failed_ && nla_put_u32(msg_, type, v) < 0) failed_ = true;
  return *this;
}
MessageBuilder& MessageBuilder::PutU64(int type, uint64_t v) {
  if (!failed_ && nla_put_u64(msg_, type, v) < 0) failed_ = true;
  return *this;
}
MessageBuilder& MessageBuilder::PutString(int type, const std::string& v) {
  if (!failed_ && nla_put_string(msg_, type, v.c_str()) < 0) failed_ = true;
  return *this;
}
MessageBuilder& MessageBuilder::PutFlag(int type) {
  if (!failed_ && nla_put_flag(msg_, type) < 0) failed_ = true;
  return *this;
}
MessageBuilder& MessageBuilder::BeginNest(int type) {
  if (failed_) return *this;
  nlattr* nest = nla_nest_start(msg_, type);
  if (nest == nullptr) {
    failed_ = true;
  } else {
    nests_.push_back(nest);
  }
  return *this;
}
MessageBuilder& MessageBuilder::EndNest() {
  if (failed_) return *this;
  if (nests_.empty()) {
    failed_ = true;
    return *this;
  }
  nla_nest_end(msg_, nests_.back());
  nests_.pop_back();
  return *this;
}

absl::StatusOr<Message> MessageBuilder::Build() const {
  if (failed_ || !nests_.empty()) {
    return absl::InternalError(
        "could not build the netlink request (out of memory or bad nesting)");
  }
  return Message::FromNlMsg(msg_);
}

// ---- Kernel errors ---------------------------------------------------------------

namespace {
constexpr char kErrnoPayload[] = "buddyctl/errno";
constexpr char kExtackPayload[] = "buddyctl/extack";
}  // namespace

absl::Status KernelErrorStatus(int err, absl::string_view extack) {
  std::string msg = extack.empty() ? std::string(strerror(err))  // NOLINT(concurrency-mt-unsafe)
                                   : absl::StrCat(extack, " (", strerror(err), ")");  // NOLINT
  absl::Status st(absl::ErrnoToStatusCode(err), msg);
  st.SetPayload(kErrnoPayload, absl::Cord(absl::StrCat(err)));
  if (!extack.empty()) st.SetPayload(kExtackPayload, absl::Cord(extack));
  return st;
}

int KernelErrno(const absl::Status& status) {
  auto p = status.GetPayload(kErrnoPayload);
  int err = 0;
  if (!p.has_value() || !absl::SimpleAtoi(p->Flatten(), &err)) return 0;
  return err;
}

std::string KernelExtack(const absl::Status& status) {
  auto p = status.GetPayload(kExtackPayload);
  return p.has_value() ? absl::StrCat(p->Flatten()) : std::string();
}

std::optional<ParsedAck> ParseAck(const uint8_t* data, size_t len) {
  if (len < NLMSG_HDRLEN + sizeof(int)) return std::nullopt;
  const auto* nlh = reinterpret_cast<const nlmsghdr*>(data);
  if (nlh->nlmsg_len > len || nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int)) return std::nullopt;
  ParsedAck ack;
  int err = 0;
  std::memcpy(&err, data + NLMSG_HDRLEN, sizeof(int));
  ack.error = err;
  if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) == 0) return ack;
  // Where the TLVs start: after the errno for NLMSG_DONE; for NLMSG_ERROR,
  // after struct nlmsgerr plus the echoed request payload unless capped.
  size_t off = NLMSG_HDRLEN + sizeof(int);
  if (nlh->nlmsg_type == NLMSG_ERROR) {
    if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(nlmsgerr)) return ack;
    const auto* e = reinterpret_cast<const nlmsgerr*>(data + NLMSG_HDRLEN);
    off = NLMSG_HDRLEN + sizeof(nlmsgerr);
    if ((nlh->nlmsg_flags & NLM_F_CAPPED) == 0 && e->msg.nlmsg_len >= NLMSG_HDRLEN) {
      off += e->msg.nlmsg_len - NLMSG_HDRLEN;
    }
  }
  off = NLMSG_ALIGN(off);
  if (off >= nlh->nlmsg_len) return ack;
  static const AttrLayout kAckLayout("ack", NLMSGERR_ATTR_MAX,
                                     {BUDDYCTL_OPTIONAL(NLMSGERR_ATTR_MSG, NLA_STRING)});
  // Malformed TLVs only lose the message: the error itself is in hand.
  auto tlvs = Attrs::Parse(kAckLayout, reinterpret_cast<const nlattr*>(data + off),
                           static_cast<int>(nlh->nlmsg_len - off));
  if (tlvs.ok()) ack.extack = tlvs->Str(NLMSGERR_ATTR_MSG);
  return ack;
}

}  // namespace buddyctl
