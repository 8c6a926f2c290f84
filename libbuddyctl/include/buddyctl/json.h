// SPDX-License-Identifier: GPL-2.0
// JSON (nlohmann) for every libbuddyctl type, in one place. Field names are
// stable: tools read them (`buddyctl stats --json`, `buddyctl record`, the
// report). Add fields freely; never rename or remove one. Each key is the
// name the field has in code and in the uapi header ("raises",
// "unusable_pct"); version 0.2.0 renamed the three that differed
// ("adaptive", "frag_pct", "last_frag_pct"), and the report still reads
// recordings made before it.
//
// Conventions: snake_case names; enum-indexed arrays become objects keyed by
// the names of types.h (e.g. "compact_by_prio": {"sync_full": 0, ...}); the
// unusable index as a single figure is in percent, like the threshold it is
// compared with ("unusable_pct"); the per-zone index arrays are the kernel's
// debugfs extfrag/ figures times 1000 ("..._x1000"), for comparing with
// them; optional event fields are omitted when absent.
#ifndef BUDDYCTL_JSON_H_
#define BUDDYCTL_JSON_H_

#include <nlohmann/json.hpp>

#include "buddyctl/types.h"

namespace buddyctl {

void to_json(nlohmann::json& j, const OrderStats& s);
void to_json(nlohmann::json& j, const Fallback& f);
void to_json(nlohmann::json& j, const Stats& s);  // {"orders": [...], "fallbacks": [...], ...}
// Histogram buckets, sums, maxima and the derived p50/p90/p99/max/mean.
void to_json(nlohmann::json& j, const LatencyHistogram& h);
void to_json(nlohmann::json& j, const ZoneFrag& z);
void to_json(nlohmann::json& j, const Config& c);
void to_json(nlohmann::json& j, const MonitorInfo& i);
void to_json(nlohmann::json& j, const TunerOrderStats& s);
void to_json(nlohmann::json& j, const BackgroundStats& b);
void to_json(nlohmann::json& j, const EvacuatorStats& e);
// "paused" is an object keyed by ReservePauseName.
void to_json(nlohmann::json& j, const ReserveStats& r);
void to_json(nlohmann::json& j, const TunerStats& s);
void to_json(nlohmann::json& j, const Event& e);
void to_json(nlohmann::json& j, const HotRunParams& p);
void to_json(nlohmann::json& j, const HotStatus& s);
void to_json(nlohmann::json& j, const HotAttempt& a);
void to_json(nlohmann::json& j, const HotSummary& s);
void to_json(nlohmann::json& j, const FragPinParams& p);
void to_json(nlohmann::json& j, const FragStatus& s);

}  // namespace buddyctl

#endif  // BUDDYCTL_JSON_H_
