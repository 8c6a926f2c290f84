// SPDX-License-Identifier: GPL-2.0
// The seam between libbuddyctl and the kernel: generic netlink messages as
// bytes, and a Transport that exchanges them. The real Transport
// (netlink_transport.h) talks to the kernel through libnl-genl-3; tests use
// a fake that answers with messages built by libnl, so every parser runs on
// real netlink encodings without a kernel.
#ifndef BUDDYCTL_TRANSPORT_H_
#define BUDDYCTL_TRANSPORT_H_

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

struct nlattr;
struct nl_msg;

namespace buddyctl {

// One complete netlink message: struct nlmsghdr, struct genlmsghdr, then
// attributes. Value type; copies are cheap enough for replies of a few KiB.
class Message {
 public:
  Message() = default;
  explicit Message(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}

  // Copies the message out of a libnl nl_msg (nlmsg_hdr(msg)->nlmsg_len bytes).
  static Message FromNlMsg(nl_msg* msg);

  const std::vector<uint8_t>& bytes() const { return bytes_; }
  std::vector<uint8_t>& mutable_bytes() { return bytes_; }

  // False if the buffer is too short for the headers it claims.
  bool Valid() const;
  const nlmsghdr* header() const;
  uint16_t type() const;   // nlmsg_type: the family id
  uint16_t flags() const;  // nlmsg_flags
  uint8_t cmd() const;     // genlmsghdr.cmd
  uint8_t version() const;
  // The attribute stream after the genetlink header.
  const nlattr* attrs() const;
  int attrs_len() const;

 private:
  std::vector<uint8_t> bytes_;
};

// Builds a generic netlink request with libnl (owns the nl_msg).
class MessageBuilder {
 public:
  MessageBuilder(uint16_t family_id, uint8_t cmd, uint8_t version, uint16_t flags = 0);
  ~MessageBuilder();
  MessageBuilder(const MessageBuilder&) = delete;
  MessageBuilder& operator=(const MessageBuilder&) = delete;
  MessageBuilder(MessageBuilder&&) = delete;
  MessageBuilder& operator=(MessageBuilder&&) = delete;

  MessageBuilder& PutU8(int type, uint8_t v);
  MessageBuilder& PutU16(int type, uint16_t v);
  MessageBuilder& PutU32(int type, uint32_t v);
  MessageBuilder& PutU64(int type, uint64_t v);
  MessageBuilder& PutString(int type, const std::string& v);
  MessageBuilder& PutFlag(int type);
  MessageBuilder& BeginNest(int type);
  MessageBuilder& EndNest();

  // The finished message, or an error if libnl ran out of room.
  absl::StatusOr<Message> Build() const;

 private:
  nl_msg* msg_;
  std::vector<nlattr*> nests_;
  bool failed_ = false;
};

// A family as the generic netlink controller describes it.
struct FamilyInfo {
  std::string name;
  uint16_t id = 0;
  uint32_t version = 0;
  uint32_t hdrsize = 0;
  std::vector<std::pair<std::string, uint32_t>> mcast_groups;  // name, id
};

// Multicast messages from one group, on their own socket.
class EventSource {
 public:
  virtual ~EventSource() = default;
  // The next message, or std::nullopt if none arrived within `timeout`
  // (or a signal interrupted the wait: callers re-check their stop flag).
  virtual absl::StatusOr<std::optional<Message>> Next(absl::Duration timeout) = 0;
  // Messages the socket lost because its receive buffer overflowed.
  virtual uint64_t overruns() const = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends `request` (the transport fills in nlmsg_seq and nlmsg_pid and
  // asks for an ACK on non-dump requests) and returns every reply message:
  // one for a doit, every part of a dump. A kernel error comes back as a
  // Status made by KernelErrorStatus(), carrying the errno and the extack
  // message for the caller to word (see family.h).
  virtual absl::StatusOr<std::vector<Message>> Transact(const Message& request) = 0;
  // Joins multicast group `group_id` on a new socket.
  virtual absl::StatusOr<std::unique_ptr<EventSource>> Subscribe(uint32_t group_id) = 0;
};

// A kernel NLMSG_ERROR as a Status: code from the errno, message
// "<strerror>[: <extack>]", with the errno and extack as payloads.
absl::Status KernelErrorStatus(int err, absl::string_view extack);
// The errno of a KernelErrorStatus, or 0 if `status` is something else.
int KernelErrno(const absl::Status& status);
// The kernel's extack message of a KernelErrorStatus, or "".
std::string KernelExtack(const absl::Status& status);

// Parses an NLMSG_ERROR or NLMSG_DONE message: the error (negative errno,
// 0 for an ACK) and the extack message (NLMSGERR_ATTR_MSG) when present.
struct ParsedAck {
  int error = 0;
  std::string extack;
};
std::optional<ParsedAck> ParseAck(const uint8_t* data, size_t len);

}  // namespace buddyctl

#endif  // BUDDYCTL_TRANSPORT_H_
