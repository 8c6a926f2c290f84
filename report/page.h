// SPDX-License-Identifier: GPL-2.0
// The HTML page: everything inlined (styles, Apache ECharts, the plot data,
// the script that draws them), so it opens offline from a file:// URL.
//
// When the script has drawn every plot it checks each one (the data points
// the chart holds equal the ones the page shipped; the canvas is not blank)
// and writes the outcome on <body>: data-status="done", data-plots-ok,
// data-plots-expected, data-errors (script errors, "" when none); each plot
// element gets data-ok, data-points and data-ink. The browser test reads
// these from Chromium's --dump-dom.
#ifndef BUDDYCTL_REPORT_PAGE_H_
#define BUDDYCTL_REPORT_PAGE_H_

#include <string>
#include <string_view>
#include <vector>

#include "charts.h"

namespace buddyctl::report {

struct PageInfo {
  std::string title;
  std::string generated;  // when, as text
  std::vector<std::string> inputs;
};

std::string RenderPage(const std::vector<Section>& sections, const PageInfo& info);

// `text` with &, <, >, " and ' replaced by entities.
std::string HtmlEscape(std::string_view text);

// JSON that can sit inside <script> in HTML: no "<", ">" or "&" bytes (they
// become \u003c, \u003e, \u0026 inside strings, the only place they occur).
std::string ScriptSafeJson(const nlohmann::json& j);

}  // namespace buddyctl::report

#endif  // BUDDYCTL_REPORT_PAGE_H_
