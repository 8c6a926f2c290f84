// SPDX-License-Identifier: GPL-2.0
// Prints what `buddyctl exporter` serves for one scrape, from the fake
// transport's kernel-shaped replies (every order, a zone, the tuner and
// evacuator counters, latency histograms): the input of the tests that run
// promtool on the exposition and check the rules and dashboard against the
// metric names. `--openmetrics` for the OpenMetrics form.
#include <cstring>
#include <iostream>

#include "buddyctl/exporter.h"
#include "replies.h"

int main(int argc, char** argv) {
  const bool om = argc > 1 && std::strcmp(argv[1], "--openmetrics") == 0;
  auto fake = buddyctl::testing::MonitorFake();
  buddyctl::Collector collector(
      [fake]() -> absl::StatusOr<std::shared_ptr<buddyctl::Transport>> { return fake; },
      buddyctl::CollectorOptions{});
  std::cout << collector.Scrape(om ? buddyctl::ExpositionFormat::kOpenMetrics
                                   : buddyctl::ExpositionFormat::kText);
  return 0;
}
