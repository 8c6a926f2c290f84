// SPDX-License-Identifier: GPL-2.0
// Human-readable renderings shared by several commands.
#ifndef BUDDYCTL_CLI_FORMAT_H_
#define BUDDYCTL_CLI_FORMAT_H_

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "buddyctl/types.h"

namespace buddyctl::cli {

// `s` with every byte that is not part of a valid UTF-8 sequence replaced
// by U+FFFD. Strings from the kernel (a task's comm is any 15 bytes, often
// a multi-byte character cut in two) are printed through this.
std::string ValidUtf8(std::string_view s);

// One line of JSON. Invalid UTF-8 in any string becomes U+FFFD instead of
// aborting with nlohmann's type_error 316.
std::string DumpJson(const nlohmann::json& j);

// 850ns, 12.3us, 4.56ms, 1.20s
std::string FormatNs(double ns);

// The per-order table of `buddyctl stats`. `zones` (may be empty) adds the
// unusable_pct column: the system-wide unusable free space index of the order.
void PrintStatsTable(std::ostream& out, const Stats& stats, const std::vector<ZoneFrag>& zones);
void PrintFrag(std::ostream& out, const std::vector<ZoneFrag>& zones);
// Percentiles and an ASCII histogram of one order.
void PrintLatency(std::ostream& out, const LatencyHistogram& h);
void PrintConfig(std::ostream& out, const Config& c);
void PrintTunerStats(std::ostream& out, const TunerStats& t);
// `buddyctl reserve`: its configuration, the free count and the counters.
void PrintReserve(std::ostream& out, const Config& c, const ReserveStats& r);

}  // namespace buddyctl::cli

#endif  // BUDDYCTL_CLI_FORMAT_H_
