// SPDX-License-Identifier: GPL-2.0
// The field tables of buddy_monitor's flat replies (fields.h): one per
// struct of buddyctl/types.h, shared by the decoder (monitor.cc), to_json
// (json.cc) and the Prometheus writer (prometheus.cc).
#ifndef BUDDYCTL_SRC_REPLY_FIELDS_H_
#define BUDDYCTL_SRC_REPLY_FIELDS_H_

#include "buddyctl/types.h"
#include "fields.h"

namespace buddyctl {

// Row order is the order of the Prometheus families; decoding and JSON do
// not depend on it.
const FieldTable<OrderStats>& OrderStatsFields();
const FieldTable<Fallback>& FallbackFields();
const FieldTable<Stats>& StatsFields();        // without orders and fallbacks
const FieldTable<ZoneFrag>& ZoneFragFields();  // without free_blocks
const FieldTable<Config>& ConfigFields();
const FieldTable<MonitorInfo>& MonitorInfoFields();  // without config
const FieldTable<TunerOrderStats>& TunerOrderStatsFields();
const FieldTable<BackgroundStats>& BackgroundStatsFields();
const FieldTable<EvacuatorStats>& EvacuatorStatsFields();
const FieldTable<ReserveStats>& ReserveStatsFields();

}  // namespace buddyctl

#endif  // BUDDYCTL_SRC_REPLY_FIELDS_H_
