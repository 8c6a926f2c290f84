// SPDX-License-Identifier: GPL-2.0
// libbuddyctl: the buddy allocator's behaviour, observable and tunable on a
// stock kernel, through the buddyctl modules' generic netlink families
// (modules/uapi/buddyctl.h is the wire contract).
//
//   buddyctl::Monitor   "buddy_monitor": per-order counters, latency
//                       histograms, fragmentation, tuner config and counters,
//                       multicast events                        (monitor.h)
//   buddyctl::HotTest   "buddy_hot": high-order allocation runs (hot_test.h)
//   buddyctl::Fragmenter "buddy_frag": pin unmovable pages     (fragmenter.h)
//   types.h             the typed structs; json.h, prometheus.h their encodings
//   transport.h         the seam: a Transport moves netlink messages; the
//                       real one is netlink_transport.h, tests use a fake.
//
// Every call returns absl::Status / absl::StatusOr<T>; an error's message is
// one line that says what went wrong and, where it can, what to do.
//
// Example:
//
//   #include "buddyctl/buddyctl.h"
//
//   absl::StatusOr<buddyctl::Monitor> mon = buddyctl::Monitor::Open();
//   if (!mon.ok()) {
//     // e.g. "buddy_monitor module is not loaded (family 'buddy_monitor'
//     // not found); load it with: sudo modprobe buddy_monitor (from a
//     // build tree: sudo insmod modules/buddy_monitor.ko)"
//     std::cerr << mon.status().message() << "\n";
//     return 1;
//   }
//   absl::StatusOr<buddyctl::Stats> stats = mon->GetStats();
//   if (!stats.ok()) { /* ... */ }
//   for (const buddyctl::OrderStats& o : stats->orders)
//     std::cout << o.order << " " << o.requests << " " << o.failures << "\n";
//
//   buddyctl::ConfigUpdate u;
//   u.policy = buddyctl::Policy::kAdaptive;
//   u.threshold = 80;
//   absl::StatusOr<buddyctl::Config> now = mon->SetConfig(u);  // needs root
//
//   absl::StatusOr<buddyctl::EventStream> events = mon->Subscribe();
//   while (auto e = events->Next(absl::Seconds(1)); e.ok())
//     if (*e) std::cout << nlohmann::json(**e) << "\n";  // json.h
#ifndef BUDDYCTL_BUDDYCTL_H_
#define BUDDYCTL_BUDDYCTL_H_

#include "buddyctl/family.h"
#include "buddyctl/fragmenter.h"
#include "buddyctl/hot_test.h"
#include "buddyctl/json.h"
#include "buddyctl/monitor.h"
#include "buddyctl/netlink_transport.h"
#include "buddyctl/prometheus.h"
#include "buddyctl/transport.h"
#include "buddyctl/types.h"

#endif  // BUDDYCTL_BUDDYCTL_H_
