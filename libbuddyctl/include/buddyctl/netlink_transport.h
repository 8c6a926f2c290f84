// SPDX-License-Identifier: GPL-2.0
// The real Transport: a NETLINK_GENERIC socket through libnl-genl-3.
#ifndef BUDDYCTL_NETLINK_TRANSPORT_H_
#define BUDDYCTL_NETLINK_TRANSPORT_H_

#include <memory>

#include "absl/status/statusor.h"
#include "buddyctl/transport.h"

namespace buddyctl {

// Opens and connects a generic netlink socket with NETLINK_EXT_ACK set, so
// the kernel's validation messages reach the caller.
absl::StatusOr<std::shared_ptr<Transport>> OpenNetlinkTransport();

}  // namespace buddyctl

#endif  // BUDDYCTL_NETLINK_TRANSPORT_H_
