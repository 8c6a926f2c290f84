// SPDX-License-Identifier: GPL-2.0
// Client of the "buddy_hot" family (high_order_test.ko): runs of high-order
// allocations that hold what they get until released.
#ifndef BUDDYCTL_HOT_TEST_H_
#define BUDDYCTL_HOT_TEST_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "buddyctl/family.h"
#include "buddyctl/types.h"

namespace buddyctl {

class HotTest {
 public:
  static absl::StatusOr<HotTest> Open();
  static absl::StatusOr<HotTest> Open(std::shared_ptr<Transport> transport);

  // Starts a run in a kernel thread; returns at once (poll Status()).
  // Arguments are validated before anything is sent.
  absl::Status Run(const HotRunParams& params);
  absl::StatusOr<HotStatus> Status();
  // Every attempt of the last run, in order.
  absl::StatusOr<std::vector<HotAttempt>> Attempts();
  // Stops a run and frees every held block.
  absl::Status Release();

 private:
  explicit HotTest(FamilyClient family) : family_(std::move(family)) {}
  FamilyClient family_;
};

}  // namespace buddyctl

#endif  // BUDDYCTL_HOT_TEST_H_
