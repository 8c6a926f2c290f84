// SPDX-License-Identifier: GPL-2.0
// Apache ECharts' browser bundle, embedded at build time: tools/fetch-echarts
// gets it with `npm pack` into the build tree, report/embed_js.cmake turns it
// into echarts_js.cc. Nothing of it is committed.
#ifndef BUDDYCTL_REPORT_ECHARTS_JS_H_
#define BUDDYCTL_REPORT_ECHARTS_JS_H_

#include <string_view>

namespace buddyctl::report {

std::string_view EchartsJs();       // dist/echarts.min.js
std::string_view EchartsNotice();   // the package's NOTICE file
std::string_view EchartsVersion();  // "5.6.0"

}  // namespace buddyctl::report

#endif  // BUDDYCTL_REPORT_ECHARTS_JS_H_
