// SPDX-License-Identifier: GPL-2.0
// Turns the numbers of plots.h into Apache ECharts options, one Section of
// plots per input. An option is plain JSON; where ECharts wants a function
// (an axis label formatter, a tooltip, an error bar's renderItem) the option
// holds the string "@@fn:<name>" and the page script (page.cc) puts its
// function of that name there, with the plot's `meta` at hand.
#ifndef BUDDYCTL_REPORT_CHARTS_H_
#define BUDDYCTL_REPORT_CHARTS_H_

#include <string>
#include <vector>

#include "model.h"
#include "nlohmann/json.hpp"

namespace buddyctl::report {

struct Plot {
  std::string id;       // DOM id, also the saved image's name
  std::string caption;  // under the plot: what it shows and how to read it
  nlohmann::json option;
  nlohmann::json meta = nlohmann::json::object();  // for the page's functions
  int height = 420;                                // px
};

// Data points in an option's series: data items that are not null and,
// for arrays and {"value": ...} objects, hold no null. The page script counts
// the same way in the chart it drew; the two must agree.
size_t CountPoints(const nlohmann::json& option);

struct Section {
  std::string heading;  // "Recording run.jsonl"
  std::string summary;  // one line of what the input holds
  std::vector<Plot> plots;
  std::vector<std::string> notes;  // plots that could not be drawn, and why
};

// `prefix` makes the plot ids unique in the page ("in1" -> "in1-orders").
Section RecordSection(const Record& r, const std::string& prefix);
Section ChallengeSection(const Challenge& c, const std::string& prefix);
Section SlabSection(const SlabStudy& s, const std::string& prefix);

}  // namespace buddyctl::report

#endif  // BUDDYCTL_REPORT_CHARTS_H_
