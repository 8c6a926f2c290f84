// SPDX-License-Identifier: GPL-2.0
// One generic netlink family, resolved by name through the controller
// (CTRL_CMD_GETFAMILY), version-checked, with kernel errors worded for
// people. Monitor, HotTest and Fragmenter each hold one.
#ifndef BUDDYCTL_FAMILY_H_
#define BUDDYCTL_FAMILY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "buddyctl/transport.h"

namespace buddyctl {

// What libbuddyctl expects of a family.
struct FamilySpec {
  absl::string_view family;  // genl family name, e.g. "buddy_monitor"
  uint32_t version;          // the ABI version this library was built with
  absl::string_view module;  // the .ko that registers it, e.g. "buddy_monitor"
};

extern const FamilySpec kMonitorFamily;
extern const FamilySpec kHotFamily;
extern const FamilySpec kFragFamily;

// Asks the controller about `name`. NotFound if no such family is registered.
absl::StatusOr<FamilyInfo> ResolveFamily(Transport& transport, absl::string_view name);

class FamilyClient {
 public:
  // Resolves spec.family and checks its version. Errors, one line each:
  //  - "<module> module is not loaded (family '<family>' not found); load it
  //     with: sudo modprobe <module> (from a build tree: sudo insmod
  //     modules/<module>.ko)"                        (NotFound)
  //  - "<family> interface version mismatch: the loaded module speaks
  //     version K, this buddyctl was built for version U; ..." (FailedPrecondition)
  static absl::StatusOr<FamilyClient> Open(std::shared_ptr<Transport> transport,
                                           const FamilySpec& spec);

  using Filler = std::function<void(MessageBuilder&)>;
  // Sends `cmd` with attributes from `fill` and returns the replies. `op`
  // names the operation in errors: "permission denied: <op> needs
  // CAP_SYS_ADMIN (run as root)" for EPERM, "<op> failed: <extack or
  // strerror>" otherwise.
  absl::StatusOr<std::vector<Message>> Call(uint8_t cmd, absl::string_view op,
                                            const Filler& fill = nullptr, bool dump = false);

  // The multicast group `name` of this family (NotFound if absent).
  absl::StatusOr<uint32_t> GroupId(absl::string_view name) const;

  const FamilyInfo& info() const { return info_; }
  Transport& transport() { return *transport_; }

 private:
  FamilyClient(std::shared_ptr<Transport> transport, const FamilySpec& spec, FamilyInfo info)
      : transport_(std::move(transport)), spec_(spec), info_(std::move(info)) {}
  std::shared_ptr<Transport> transport_;
  FamilySpec spec_;
  FamilyInfo info_;
};

// Words a Transport error for `op` (see FamilyClient::Call).
absl::Status DescribeKernelError(const absl::Status& status, absl::string_view op);

// The first reply of a doit, or an error naming `op` if there is none.
absl::StatusOr<Message> SingleReply(std::vector<Message> replies, absl::string_view op);

}  // namespace buddyctl

#endif  // BUDDYCTL_FAMILY_H_
