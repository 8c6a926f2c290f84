// SPDX-License-Identifier: GPL-2.0
// A Transport for tests: answers the generic netlink controller for the
// families it is told about and hands other requests to per-command
// handlers. Replies are real netlink messages built with libnl (NlReply),
// so the library parses exactly the encoding the kernel sends. Every request
// is recorded: tests assert what was sent, and that nothing was.
#ifndef BUDDYCTL_TESTS_UNIT_FAKE_TRANSPORT_H_
#define BUDDYCTL_TESTS_UNIT_FAKE_TRANSPORT_H_

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "buddyctl/transport.h"

namespace buddyctl::testing {

// Builds one reply with raw libnl calls: NlReply r(id, cmd); nla_put_u32(r.msg(), ...).
class NlReply {
 public:
  NlReply(uint16_t family, uint8_t cmd, uint8_t version = 1);
  ~NlReply();
  NlReply(const NlReply&) = delete;
  NlReply& operator=(const NlReply&) = delete;
  NlReply(NlReply&&) = delete;
  NlReply& operator=(NlReply&&) = delete;

  nl_msg* msg() { return msg_; }
  // Like the kernel's nla_put_u64_64bit: a PAD attribute first when the
  // payload would not be 8-byte aligned, so parsers must skip PADs.
  void PutU64Padded(int type, uint64_t v, int pad_type);
  // A uapi "array of u64 indexed by X": nest of (index + 1) -> u64.
  void PutU64Array(int type, const std::vector<uint64_t>& values);
  Message Take() const;

 private:
  nl_msg* msg_;
};

class FakeEventSource : public EventSource {
 public:
  FakeEventSource(std::shared_ptr<std::deque<Message>> queue,
                  std::function<void(absl::Duration)> on_wait)
      : queue_(std::move(queue)), on_wait_(std::move(on_wait)) {}
  absl::StatusOr<std::optional<Message>> Next(absl::Duration timeout) override;
  uint64_t overruns() const override { return 0; }

 private:
  std::shared_ptr<std::deque<Message>> queue_;
  std::function<void(absl::Duration)> on_wait_;
};

class FakeTransport : public Transport {
 public:
  using Handler = std::function<absl::StatusOr<std::vector<Message>>(const Message&)>;

  void AddFamily(const std::string& name, uint16_t id, uint32_t version,
                 std::vector<std::pair<std::string, uint32_t>> groups = {});
  void On(uint16_t family, uint8_t cmd, Handler handler) {
    handlers_[{family, cmd}] = std::move(handler);
  }
  // Answers (family, cmd) with these messages every time.
  void Reply(uint16_t family, uint8_t cmd, std::vector<Message> replies);
  // Answers (family, cmd) with a kernel error.
  void Fail(uint16_t family, uint8_t cmd, int err, const std::string& extack = "");

  absl::StatusOr<std::vector<Message>> Transact(const Message& request) override;
  absl::StatusOr<std::unique_ptr<EventSource>> Subscribe(uint32_t group_id) override;

  // Requests to the families (controller lookups are in lookups).
  std::vector<Message> sent;
  std::vector<std::string> lookups;
  std::vector<uint32_t> joined_groups;
  std::shared_ptr<std::deque<Message>> events = std::make_shared<std::deque<Message>>();
  // Called when an event source finds no event (tests advance a fake clock).
  std::function<void(absl::Duration)> on_event_wait;

 private:
  struct Family {
    uint16_t id;
    uint32_t version;
    std::vector<std::pair<std::string, uint32_t>> groups;
  };
  std::map<std::string, Family> families_;
  std::map<std::pair<uint16_t, uint8_t>, Handler> handlers_;
};

// Family ids the tests register the three families under.
inline constexpr uint16_t kMonId = 0x20;
inline constexpr uint16_t kHotId = 0x21;
inline constexpr uint16_t kFragId = 0x22;
inline constexpr uint32_t kEventsGroup = 7;

// A FakeTransport that knows all three families at their built-in versions.
std::shared_ptr<FakeTransport> MakeFake();

// The request's attributes (after the genetlink header), parsed by libnl.
std::vector<nlattr*> ParseRequest(Message& request, int maxtype);

}  // namespace buddyctl::testing

#endif  // BUDDYCTL_TESTS_UNIT_FAKE_TRANSPORT_H_
