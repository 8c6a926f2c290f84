// SPDX-License-Identifier: GPL-2.0
// Runs the CLI in-process against a fake transport, with a fake clock.
#ifndef BUDDYCTL_TESTS_UNIT_RUN_CLI_H_
#define BUDDYCTL_TESTS_UNIT_RUN_CLI_H_

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "cli.h"
#include "fake_transport.h"

namespace buddyctl::cli {

struct Result {
  int rc;
  std::string out;
  std::string err;
};

// Runs buddyctl with a fake clock: sleep advances it, nothing waits.
inline Result RunCli(const std::vector<std::string>& args,
                     const std::shared_ptr<buddyctl::testing::FakeTransport>& fake) {
  std::ostringstream out;
  std::ostringstream err;
  auto clock = std::make_shared<absl::Time>(absl::FromUnixSeconds(1'800'000'000));
  Context ctx;
  ctx.out = &out;
  ctx.err = &err;
  ctx.open_transport = [fake]() -> absl::StatusOr<std::shared_ptr<Transport>> { return fake; };
  ctx.now = [clock] { return *clock; };
  ctx.sleep = [clock](absl::Duration d) { *clock += d; };
  // Event waits advance the clock by at least 1 ms, as a real wait would.
  fake->on_event_wait = [clock](absl::Duration d) { *clock += std::max(d, absl::Milliseconds(1)); };
  int rc = Run(args, ctx);
  return {rc, out.str(), err.str()};
}

}  // namespace buddyctl::cli

#endif  // BUDDYCTL_TESTS_UNIT_RUN_CLI_H_
