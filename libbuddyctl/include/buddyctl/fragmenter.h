// SPDX-License-Identifier: GPL-2.0
// Client of the "buddy_frag" family (high_order_test.ko): pins unmovable
// pages so that a chosen share of order-10 blocks becomes unrecoverable.
#ifndef BUDDYCTL_FRAGMENTER_H_
#define BUDDYCTL_FRAGMENTER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "buddyctl/family.h"
#include "buddyctl/types.h"

namespace buddyctl {

class Fragmenter {
 public:
  static absl::StatusOr<Fragmenter> Open();
  static absl::StatusOr<Fragmenter> Open(std::shared_ptr<Transport> transport);

  absl::StatusOr<FragStatus> Pin(const FragPinParams& params);
  absl::StatusOr<FragStatus> Status();
  absl::Status Release();

 private:
  explicit Fragmenter(FamilyClient family) : family_(std::move(family)) {}
  FamilyClient family_;
};

}  // namespace buddyctl

#endif  // BUDDYCTL_FRAGMENTER_H_
