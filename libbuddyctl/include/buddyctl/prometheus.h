// SPDX-License-Identifier: GPL-2.0
// Prometheus text exposition format (version 0.0.4) of the monitor's
// counters, the tuner's counters and the fragmentation state, for
// node_exporter's textfile collector:
//   buddyctl export --prometheus > /var/lib/node_exporter/buddyctl.prom.$$ &&
//   mv /var/lib/node_exporter/buddyctl.prom.$$ /var/lib/node_exporter/buddyctl.prom
// Every metric is prefixed "buddy_"; counters end in "_total". Labels:
// order, node, zone, migratetype, prio, result (names from types.h).
//
// Given latency histograms (Monitor::GetLatency), it adds
// buddy_alloc_latency_seconds, a Prometheus histogram per order and path
// ("fast": the call never entered the slow path, "slow": it did), with the
// monitor's 40 log2 buckets as cumulative _bucket{le=...} samples (bucket i
// holds whole nanoseconds below 2^(i+1), so its le is 2^(i+1)-1 ns, in
// seconds), _sum and _count; buddy_alloc_latency_max_seconds; and
// buddy_alloc_latency_missed_total. With no histograms (capture off and no
// data), these families are left out.
#ifndef BUDDYCTL_PROMETHEUS_H_
#define BUDDYCTL_PROMETHEUS_H_

#include <string>
#include <vector>

#include "buddyctl/types.h"

namespace buddyctl {

std::string FormatPrometheus(const Stats& stats, const std::vector<ZoneFrag>& zones,
                             const TunerStats& tuner, const Config& config,
                             const std::vector<LatencyHistogram>& latency = {});

}  // namespace buddyctl

#endif  // BUDDYCTL_PROMETHEUS_H_
