// SPDX-License-Identifier: GPL-2.0
// buddyctl-consumer: the smallest tool built on libbuddyctl. It prints the
// library version it was compiled against, then the order-10 counters if the
// monitor module is loaded, or the library's one-line reason if not.
#include <iostream>

#include "buddyctl/buddyctl.h"
#include "buddyctl/version.h"

int main() {
  std::cout << "compiled against libbuddyctl " << BUDDYCTL_VERSION_STRING << "\n";
  absl::StatusOr<buddyctl::Monitor> mon = buddyctl::Monitor::Open();
  if (!mon.ok()) {
    std::cout << "monitor: " << mon.status().message() << "\n";
    return 0;
  }
  absl::StatusOr<buddyctl::Stats> stats = mon->GetStats();
  if (!stats.ok()) {
    std::cerr << stats.status().message() << "\n";
    return 1;
  }
  for (const buddyctl::OrderStats& o : stats->orders) {
    if (o.order == 10) std::cout << "order 10: " << o.requests << " requests\n";
  }
  return 0;
}
