// SPDX-License-Identifier: GPL-2.0
// Prometheus text exposition format (version 0.0.4) of the monitor's
// counters, the tuner's counters and the fragmentation state, for
// node_exporter's textfile collector:
//   buddyctl export --prometheus > /var/lib/node_exporter/buddyctl.prom.$$ &&
//   mv /var/lib/node_exporter/buddyctl.prom.$$ /var/lib/node_exporter/buddyctl.prom
// Every metric is prefixed "buddy_"; counters end in "_total". Labels:
// order, node, zone, migratetype, prio, result (names from types.h).
#ifndef BUDDYCTL_PROMETHEUS_H_
#define BUDDYCTL_PROMETHEUS_H_

#include <string>
#include <vector>

#include "buddyctl/types.h"

namespace buddyctl {

std::string FormatPrometheus(const Stats& stats, const std::vector<ZoneFrag>& zones,
                             const TunerStats& tuner, const Config& config);

}  // namespace buddyctl

#endif  // BUDDYCTL_PROMETHEUS_H_
