// SPDX-License-Identifier: GPL-2.0
#include "charts.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "plots.h"

namespace buddyctl::report {
namespace {

using nlohmann::json;

// ---- shared pieces -------------------------------------------------------------

// Colours that mean the same thing in every plot.
constexpr const char* kRequests = "#5470c6";
constexpr const char* kSuccesses = "#3ba272";
constexpr const char* kFailures = "#ee6666";
constexpr const char* kSlowpath = "#fac858";
constexpr const char* kCompactions = "#9a60b4";
constexpr const char* kTunerRaise = "#ff7f0e";
constexpr const char* kTunerDefer = "#8c564b";
constexpr const char* kTunerObserve = "#bcbd22";
constexpr const char* kBackground = "#17becf";
constexpr const char* kConfigChange = "#444444";
constexpr const char* kConfigChangeName = "tuner configuration changed";
const std::array<const char*, 3> kFragColors = {"#5470c6", "#ee6666", "#9a60b4"};  // 3, 9, 10
const std::array<const char*, 4> kPercentileColors = {"#91cc75", "#5470c6", "#ee6666", "#333333"};

std::string PolicyColor(const std::string& policy, size_t index) {
  static const std::map<std::string, std::string> kKnown = {
      {"stock", "#7f7f7f"},        {"proactive", "#5470c6"},   {"compact-memory", "#73c0de"},
      {"adaptive-50", "#91cc75"},  {"adaptive-80", "#3ba272"}, {"always-max", "#ee6666"},
      {"evacuate-80", "#9a60b4"},  {"reserve-8", "#fc8452"},   {"reserve-half", "#ea7ccc"},
      {"reserve-alone", "#8c564b"}};
  static const std::array<const char*, 6> kOthers = {"#fac858", "#9a60b4", "#fc8452",
                                                     "#ea7ccc", "#8c564b", "#17becf"};
  auto it = kKnown.find(policy);
  return it != kKnown.end() ? it->second : kOthers[index % kOthers.size()];
}

std::string AllocatorColor(const std::string& alloc, size_t index) {
  static const std::map<std::string, std::string> kKnown = {
      {"SLUB", "#5470c6"}, {"SLAB", "#fac858"}, {"SLOB", "#ee6666"}};
  static const std::array<const char*, 4> kOthers = {"#3ba272", "#9a60b4", "#73c0de", "#fc8452"};
  std::string upper = alloc;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  auto it = kKnown.find(upper);
  return it != kKnown.end() ? it->second : kOthers[index % kOthers.size()];
}

// "results.json" for "build/challenge/2026/results.json", with its directory
// when the name alone says little.
std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return path;
  std::string base = path.substr(slash + 1);
  if (base != "results.json") return base;
  const size_t up = slash == 0 ? std::string::npos : path.rfind('/', slash - 1);
  return path.substr(up == std::string::npos ? 0 : up + 1);
}

// Bars no wider than this (px), so two bars on a wide page stay bars; the
// error bars (page.cc's errorBar) are placed knowing it.
constexpr int kBarMaxWidth = 70;

std::string Fn(const char* name) { return absl::StrCat("@@fn:", name); }

// "4 KiB" .. "4 MiB": the size of one block of `order` with 4 KiB pages.
std::string BlockSize(int order) {
  const uint64_t kib = uint64_t{4} << order;
  return kib >= 1024 ? absl::StrCat(kib / 1024, " MiB") : absl::StrCat(kib, " KiB");
}

std::string OrderLabel(int order) { return absl::StrCat(order, "\n", BlockSize(order)); }

std::string Seconds(double s) {
  return s == std::floor(s) ? absl::StrFormat("%.0f", s) : absl::StrFormat("%.1f", s);
}

json Base(const std::string& id, const std::string& title, const std::string& subtitle) {
  return json{
      {"animation", false},
      {"backgroundColor", "#ffffff"},
      {"textStyle", {{"fontFamily", "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"}}},
      {"title",
       {{"text", title},
        {"subtext", subtitle},
        {"left", "center"},
        {"top", 6},
        {"textStyle", {{"fontSize", 16}, {"fontWeight", "bold"}, {"color", "#222"}}},
        {"subtextStyle", {{"fontSize", 12}, {"color", "#555"}}}}},
      {"toolbox",
       {{"right", 12},
        {"top", 4},
        {"feature",
         {{"dataView",
           {{"readOnly", true},
            {"title", "data"},
            {"lang", {"The numbers behind this plot", "close", "refresh"}}}},
          {"saveAsImage",
           {{"title", "save as PNG"},
            {"name", id},
            {"pixelRatio", 2},
            {"backgroundColor", "#ffffff"}}}}}}},
  };
}

// Legends are plain, never "scroll": a scrolling legend hides the entries
// past its first page, and a printed page cannot turn it. A plain legend
// wraps instead, so the plot leaves room for the rows it will take
// (LegendRows).
constexpr int kLegendItemGap = 16;
constexpr int kLegendRowHeight = 24;
json Legend(int top = 56) {
  return json{{"top", top}, {"type", "plain"}, {"itemGap", kLegendItemGap}};
}

// How many rows a plain legend of these entries takes. The width is that of
// a plot on a narrow window (the page is at most 1240 px wide), and an
// entry is its icon plus its text at the legend's 12 px font (7 px a
// character is a generous average), so the estimate errs towards more rows:
// an empty band rather than a legend over the data.
int LegendRows(const std::vector<std::string>& names, int width = 860) {
  constexpr int kIcon = 25 + 5;
  constexpr int kCharPx = 7;
  int rows = names.empty() ? 0 : 1;
  int x = 0;
  for (const std::string& name : names) {
    // Characters, not bytes: "→" is one glyph and three bytes.
    const auto chars = std::count_if(name.begin(), name.end(), [](char ch) {
      return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
    });
    const int item = kIcon + kCharPx * static_cast<int>(chars);
    if (x > 0 && x + item > width) {
      ++rows;
      x = 0;
    }
    x += item + kLegendItemGap;
  }
  return rows;
}

json AxisName(const std::string& name, int gap) {
  return json{{"name", name},
              {"nameLocation", "middle"},
              {"nameGap", gap},
              {"nameTextStyle", {{"fontSize", 13}, {"color", "#333"}}}};
}

json CategoryAxis(const std::vector<std::string>& labels, const std::string& name, int gap = 44) {
  json a = AxisName(name, gap);
  a["type"] = "category";
  a["data"] = labels;
  a["axisTick"] = {{"alignWithLabel", true}};
  a["axisLabel"] = {{"lineHeight", 15}, {"margin", 10}};
  return a;
}

json ValueAxis(const std::string& name, const char* formatter, int gap = 62) {
  json a = AxisName(name, gap);
  a["type"] = "value";
  a["axisLabel"] = {{"formatter", Fn(formatter)}};
  // ECharts draws a value axis's line where the other value axis is zero;
  // where that axis starts below zero (a time axis padded for its first
  // bar) the line and its ticks would stand inside the plot.
  a["axisLine"] = {{"onZero", false}};
  a["splitLine"] = {{"lineStyle", {{"color", "#e6e6e6"}}}};
  return a;
}

json LogAxis(const std::string& name, const char* formatter, int gap = 62) {
  json a = ValueAxis(name, formatter, gap);
  a["type"] = "log";
  a["logBase"] = 10;
  a["minorSplitLine"] = {{"show", true}, {"lineStyle", {{"color", "#f3f3f3"}}}};
  return a;
}

json Grid(int top = 96, int bottom = 64, int left = 84, int right = 36) {
  return json{{"top", top}, {"bottom", bottom}, {"left", left}, {"right", right}};
}

json AxisTooltip() {
  return json{{"trigger", "axis"},
              {"axisPointer", {{"type", "shadow"}}},
              {"formatter", Fn("axisTip")},
              {"confine", true}};
}

// A value for a log axis: zero (or less) cannot be drawn there.
json LogValue(double v) { return v > 0 ? json(v) : json(nullptr); }

// An error bar series (custom, drawn by the page's errorBar function) over
// bar `index` of `count` grouped bars per category: data [category, lo, hi].
json ErrorBars(const std::string& name, const std::string& color, json data, int index, int count,
               int x_axis = 0, int y_axis = 0) {
  return json{{"type", "custom"},
              {"name", name},
              {"renderItem", Fn("errorBar")},
              {"encode", {{"x", 0}, {"y", json::array({1, 2})}}},
              {"itemStyle", {{"color", color}}},
              {"data", std::move(data)},
              {"z", 10},
              {"xAxisIndex", x_axis},
              {"yAxisIndex", y_axis},
              {"tooltip", {{"show", false}}},
              {"errorBar", {{"index", index}, {"count", count}, {"maxWidth", kBarMaxWidth}}}};
}

// ---- recordings --------------------------------------------------------------------

Plot OrderDistributionPlot(const OrderDistribution& d, const std::string& prefix) {
  Plot p;
  p.id = prefix + "-orders";
  const std::string window =
      d.since_reset
          ? std::string("counts since the monitor's last reset (one sample)")
          : absl::StrCat("calls between the first and last sample (", Seconds(d.window_s), " s)");
  p.option = Base(p.id, "Requested order distribution", window);
  std::vector<std::string> labels;
  labels.reserve(kNrOrders);
  for (int o = 0; o < kNrOrders; ++o) labels.push_back(OrderLabel(o));
  p.option["xAxis"] = CategoryAxis(labels, "order (block size)", 50);
  p.option["yAxis"] = LogAxis("allocation calls (log scale)", "axisCount");
  p.option["grid"] = Grid(100, 70);
  p.option["legend"] = Legend(60);
  p.option["tooltip"] = AxisTooltip();
  struct Column {
    const char* name;
    const char* color;
    const std::array<uint64_t, kNrOrders>* values;
  };
  const std::array<Column, 5> columns = {{{"requests", kRequests, &d.requests},
                                          {"successes", kSuccesses, &d.successes},
                                          {"failures", kFailures, &d.failures},
                                          {"slow path entries", kSlowpath, &d.slowpath},
                                          {"direct compactions", kCompactions, &d.compactions}}};
  json series = json::array();
  for (const Column& c : columns) {
    json data = json::array();
    for (uint64_t v : *c.values) data.push_back(LogValue(static_cast<double>(v)));
    series.push_back({{"type", "bar"},
                      {"name", c.name},
                      {"data", std::move(data)},
                      {"itemStyle", {{"color", c.color}}},
                      {"barGap", "8%"},
                      {"barCategoryGap", "22%"}});
  }
  p.option["series"] = std::move(series);
  p.meta = {{"unit", "count"}, {"nullAs", "0"}};
  p.caption =
      "Calls to __alloc_pages per requested order: how many were made, succeeded and failed, how "
      "many entered the slow path and how many ran direct compaction. Log scale; a missing bar "
      "means zero.";
  return p;
}

std::vector<Plot> BuddyinfoPlots(const Record& r, const std::string& prefix) {
  std::vector<Plot> plots;
  const std::vector<ZoneHeatmap> maps = ComputeBuddyinfo(r);
  // One colour scale for every zone, so the same colour is the same count in
  // each heat map and zones can be compared by eye.
  uint64_t max_blocks = 1;
  for (const ZoneHeatmap& m : maps) {
    for (const auto& sample : m.free_blocks) {
      for (uint64_t n : sample) max_blocks = std::max(max_blocks, n);
    }
  }
  const double vmax = std::max(1.0, std::ceil(std::log10(static_cast<double>(max_blocks))));
  int index = 0;
  for (const ZoneHeatmap& m : maps) {
    Plot p;
    p.id = absl::StrCat(prefix, "-buddyinfo-", index++);
    p.option = Base(p.id, absl::StrCat("Free blocks per order over time: ", m.zone),
                    "the buddyinfo movie: one column per sample, colour = free blocks (log scale, "
                    "the same in every zone), blank = none");
    std::vector<std::string> times;
    times.reserve(m.t.size());
    for (double t : m.t) times.push_back(Seconds(t));
    std::vector<std::string> orders;
    orders.reserve(kNrOrders);
    for (int o = 0; o < kNrOrders; ++o) {
      orders.push_back(absl::StrCat(o, " (", BlockSize(o), ")"));
    }
    json xaxis = CategoryAxis(times, "time since the first sample (s)", 30);
    xaxis["splitArea"] = {{"show", false}};
    json yaxis = CategoryAxis(orders, "order (block size)", 92);
    yaxis["splitArea"] = {{"show", false}};
    p.option["xAxis"] = std::move(xaxis);
    p.option["yAxis"] = std::move(yaxis);
    p.option["grid"] = Grid(70, 110, 118, 36);
    json data = json::array();
    for (size_t t = 0; t < m.free_blocks.size(); ++t) {
      for (int o = 0; o < kNrOrders; ++o) {
        const uint64_t n = m.free_blocks[t][static_cast<size_t>(o)];
        if (n == 0) continue;  // blank: no free block of this order
        data.push_back({t, o, std::log10(static_cast<double>(n)), n});
      }
    }
    p.option["visualMap"] = {{"type", "continuous"},
                             {"min", 0},
                             {"max", vmax},
                             {"dimension", 2},
                             {"calculable", true},
                             {"orient", "horizontal"},
                             {"left", "center"},
                             {"bottom", 8},
                             {"itemWidth", 14},
                             {"itemHeight", 260},
                             {"text", {"many", "1 free block"}},
                             {"formatter", Fn("log10Count")},
                             {"inRange",
                              {{"color",
                                {"#440154", "#482878", "#3e4a89", "#31688e", "#26828e", "#1f9e89",
                                 "#35b779", "#6ece58", "#b5de2b", "#fde725"}}}}};
    p.option["tooltip"] = {{"trigger", "item"}, {"formatter", Fn("heatTip")}};
    p.option["series"] = json::array({{{"type", "heatmap"},
                                       {"name", "free blocks"},
                                       {"data", std::move(data)},
                                       {"progressive", 0},
                                       {"emphasis", {{"itemStyle", {{"borderColor", "#000"}}}}}}});
    p.meta = {{"times", times}, {"orders", orders}};
    p.height = 440;
    p.caption = absl::StrCat(
        "Free blocks of each order in zone ", m.zone,
        " at each sample (nr_free, summed over migratetypes, as /proc/buddyinfo counts them). "
        "High orders going dark or blank while order 0 stays bright is fragmentation.");
    plots.push_back(std::move(p));
  }
  return plots;
}

Plot FragmentationPlot(const Record& r, const std::string& prefix) {
  const FragmentationSeries f = ComputeFragmentation(r);
  Plot p;
  p.id = prefix + "-frag";
  struct Decision {
    const char* name;
    const char* color;
    const std::vector<uint64_t>* values;
  };
  const std::array<Decision, 4> decisions = {
      {{"tuner: priority raised", kTunerRaise, &f.raises},
       {"tuner: raise deferred", kTunerDefer, &f.deferrals},
       {"tuner (observe): would raise", kTunerObserve, &f.would_raise},
       {"tuner: background compaction", kBackground, &f.bg_triggers}}};
  uint64_t total_decisions = 0;
  for (const Decision& d : decisions) {
    for (uint64_t v : *d.values) total_decisions += v;
  }
  p.option = Base(p.id, "Fragmentation over time, with the tuner's decisions",
                  total_decisions > 0
                      ? "top: unusable free space index; bottom: the tuner's decisions between "
                        "two samples"
                      : "unusable free space index; the tuner made no decision during the "
                        "recording");
  // Half a sample interval of room at both ends, for the bars there.
  const double first = f.t.empty() ? 0.0 : f.t.front();
  const double span = f.t.size() < 2 ? 1.0 : f.t.back() - first;
  const double pad = 0.5 * span / static_cast<double>(std::max<size_t>(f.t.size(), 2) - 1);
  const double t0 = first - pad;
  const double t1 = first + span + pad;
  json xaxes = json::array();
  for (int g = 0; g < 2; ++g) {
    json x = ValueAxis(g == 1 ? "time since the first sample (s)" : "", "axisSeconds", 28);
    x["gridIndex"] = g;
    x["min"] = t0;
    x["max"] = t1;
    x["splitLine"] = {{"show", false}};
    x["axisLabel"]["showMinLabel"] = false;
    x["axisLabel"]["showMaxLabel"] = false;
    if (g == 0) x["axisLabel"]["show"] = false;
    xaxes.push_back(std::move(x));
  }
  json top = ValueAxis("unusable free space index (%)", "axisPercent", 50);
  top["min"] = 0;
  top["max"] = 100;
  top["interval"] = 20;
  json bottom = ValueAxis("decisions", "axisCount", 50);
  bottom["gridIndex"] = 1;
  bottom["minInterval"] = 1;
  bottom["splitNumber"] = 2;
  p.option["xAxis"] = std::move(xaxes);
  p.option["yAxis"] = json::array({std::move(top), std::move(bottom)});
  p.option["tooltip"] = {{"trigger", "axis"}, {"formatter", Fn("axisTip")}, {"confine", true}};
  p.option["axisPointer"] = {{"link", json::array({{{"xAxisIndex", "all"}}})}};
  p.option["dataZoom"] = json::array(
      {{{"type", "inside"}, {"xAxisIndex", json::array({0, 1})}},
       {{"type", "slider"}, {"xAxisIndex", json::array({0, 1})}, {"height", 16}, {"bottom", 8}}});
  json series = json::array();
  json selected = json::object();
  for (size_t k = 0; k < kFragOrders.size(); ++k) {
    json data = json::array();
    for (size_t i = 0; i < f.t.size(); ++i) data.push_back({f.t[i], f.all_zones[k][i]});
    series.push_back({{"type", "line"},
                      {"name", absl::StrCat("order ", kFragOrders[k], " (",
                                            BlockSize(kFragOrders[k]), "), all zones")},
                      {"data", std::move(data)},
                      {"showSymbol", f.t.size() <= 60},
                      {"symbolSize", 5},
                      {"lineStyle", {{"width", 2.5}}},
                      {"itemStyle", {{"color", kFragColors[k]}}}});
  }
  for (const FragmentationSeries::ZoneLine& z : f.per_zone) {
    json data = json::array();
    for (size_t i = 0; i < f.t.size(); ++i) {
      data.push_back({f.t[i], std::isnan(z.percent[i]) ? json(nullptr) : json(z.percent[i])});
    }
    const std::string name = absl::StrCat("order ", z.order, ", ", z.zone);
    const auto k = static_cast<size_t>(std::find(kFragOrders.begin(), kFragOrders.end(), z.order) -
                                       kFragOrders.begin());
    series.push_back({{"type", "line"},
                      {"name", name},
                      {"data", std::move(data)},
                      {"showSymbol", false},
                      {"lineStyle", {{"width", 1.2}, {"type", "dashed"}}},
                      {"itemStyle", {{"color", kFragColors[k]}}}});
    selected[name] = false;  // per-zone lines: one click in the legend away
  }
  for (const Decision& d : decisions) {
    // Raises are the tuner's main decision: always in the legend, even at 0.
    const bool any =
        std::any_of(d.values->begin(), d.values->end(), [](uint64_t v) { return v > 0; });
    if (!any && d.values != &f.raises) continue;
    json data = json::array();
    for (size_t i = 0; i < f.t.size(); ++i) {
      data.push_back({f.t[i], (*d.values)[i] > 0 ? json((*d.values)[i]) : json(nullptr)});
    }
    series.push_back({{"type", "bar"},
                      {"name", d.name},
                      {"xAxisIndex", 1},
                      {"yAxisIndex", 1},
                      {"data", std::move(data)},
                      {"barMaxWidth", 14},
                      {"itemStyle", {{"color", d.color}}}});
  }
  if (!f.config_changes.empty()) {
    // A marker at the top of the index panel and a vertical line through it
    // at each change of the tuner's configuration; the change in its label
    // and tooltip.
    json data = json::array();
    json lines = json::array();
    for (const FragmentationSeries::ConfigChange& c : f.config_changes) {
      data.push_back({{"value", json::array({c.t, 100})}, {"name", c.what}, {"tip", c.what}});
      lines.push_back({{"xAxis", c.t}});
    }
    series.push_back({{"type", "scatter"},
                      {"name", kConfigChangeName},
                      {"data", std::move(data)},
                      {"symbol", "pin"},
                      {"symbolSize", 18},
                      {"itemStyle", {{"color", kConfigChange}}},
                      {"label",
                       {{"show", true},
                        {"position", "right"},
                        {"formatter", "{b}"},
                        {"fontSize", 11},
                        {"color", kConfigChange}}},
                      {"markLine",
                       {{"silent", true},
                        {"symbol", "none"},
                        {"label", {{"show", false}}},
                        {"lineStyle", {{"color", kConfigChange}, {"type", "dashed"}}},
                        {"data", std::move(lines)}}}});
  }
  // Two panels over one time axis: the indices (top) and the decisions
  // (bottom), each with its own legend beside it, every entry shown. The
  // plot grows by the legend rows past the first, so the panels keep their
  // height however many zones the recording has.
  std::vector<std::string> index_names;
  std::vector<std::string> decision_names;
  for (const json& sr : series) {
    (sr.value("yAxisIndex", 0) == 1 ? decision_names : index_names).push_back(sr["name"]);
  }
  const int index_rows = LegendRows(index_names);
  const int decision_rows = std::max(1, LegendRows(decision_names));
  constexpr int kIndexLegendTop = 56;
  constexpr int kDecisionsBottom = 72;  // above the time axis name and the slider
  constexpr int kDecisionsHeight = 70;
  constexpr int kDecisionLegendBottom = kDecisionsBottom + kDecisionsHeight + 6;
  json index_legend = Legend(kIndexLegendTop);
  index_legend["data"] = index_names;
  index_legend["selected"] = std::move(selected);
  json decision_legend = Legend();
  decision_legend.erase("top");
  decision_legend["bottom"] = kDecisionLegendBottom;
  decision_legend["data"] = decision_names;
  p.option["legend"] = json::array({std::move(index_legend), std::move(decision_legend)});
  p.option["grid"] = json::array(
      {{{"top", kIndexLegendTop + kLegendRowHeight * index_rows + 20},
        {"bottom", kDecisionLegendBottom + kLegendRowHeight * decision_rows + 14},
        {"left", 76},
        {"right", 30}},
       {{"height", kDecisionsHeight}, {"bottom", kDecisionsBottom}, {"left", 76}, {"right", 30}}});
  p.option["series"] = std::move(series);
  p.meta = {{"unit", "percent"}, {"units", {{"tuner", "count"}}}, {"xUnit", "s"}};
  p.height = 520 + kLegendRowHeight * (std::max(index_rows, 1) - 1 + decision_rows - 1);
  p.caption =
      "Share of free memory that sits in blocks too small for an order-3, order-9 (2 MiB, huge "
      "page) or order-10 (4 MiB) request: the kernel's unusable free space index, over every zone "
      "(solid; each zone's own index, dashed, is one click away in the legend). Below, the "
      "tuner's decisions between two samples, summed over orders.";
  if (!f.initial_config.empty()) {
    absl::StrAppend(&p.caption, " Tuner at the first sample: ", f.initial_config, ".");
    absl::StrAppend(&p.caption, f.config_changes.empty()
                                    ? " Its configuration did not change during the recording."
                                    : " Pins and dashed lines mark where its configuration changed "
                                      "(the first sample showing the new setting).");
  }
  return p;
}

Plot LatencyPlot(const std::vector<LatencyRow>& rows, const std::string& prefix) {
  Plot p;
  p.id = prefix + "-latency";
  p.option = Base(p.id, "Allocation latency per order",
                  "percentiles of the recording's __alloc_pages latency histograms");
  std::vector<std::string> labels;
  json notes = json::object();
  for (const LatencyRow& row : rows) {
    const std::string label = OrderLabel(row.order);
    labels.push_back(label);
    notes[label] =
        absl::StrFormat("%u calls timed, %u in the slow path", row.count, row.slow_count);
  }
  p.option["xAxis"] = CategoryAxis(labels, "order (block size)", 50);
  p.option["yAxis"] = LogAxis("latency (log scale)", "axisNs", 70);
  p.option["grid"] = Grid(100, 70, 96, 30);
  p.option["legend"] = Legend(60);
  p.option["tooltip"] = AxisTooltip();
  json series = json::array();
  const std::array<const char*, 3> names = {"p50", "p90", "p99"};
  for (size_t k = 0; k < names.size(); ++k) {
    json data = json::array();
    for (const LatencyRow& row : rows) {
      const double v = k == 0 ? row.p50_ns : k == 1 ? row.p90_ns : row.p99_ns;
      data.push_back(LogValue(v));
    }
    series.push_back({{"type", "bar"},
                      {"name", names[k]},
                      {"data", std::move(data)},
                      {"itemStyle", {{"color", kPercentileColors[k]}}},
                      {"barGap", "6%"},
                      {"barCategoryGap", "28%"}});
  }
  json max = json::array();
  for (const LatencyRow& row : rows) max.push_back(LogValue(static_cast<double>(row.max_ns)));
  series.push_back({{"type", "bar"},
                    {"name", "max (since reset)"},
                    {"data", std::move(max)},
                    {"itemStyle", {{"color", kPercentileColors[3]}, {"opacity", 0.8}}}});
  p.option["series"] = std::move(series);
  p.meta = {{"unit", "ns"}, {"notes", std::move(notes)}};
  p.caption =
      "How long __alloc_pages took per requested order: median, 90th and 99th percentile over the "
      "recording (log2 histograms, interpolated within a bucket, so within a factor of 2), and "
      "the maximum since the monitor's last reset. Hover for the number of calls.";
  return p;
}

// A time axis for the plots over a recording, and the zoom under it.
json TimeAxis() {
  json x = ValueAxis("time since the first sample (s)", "axisSeconds", 28);
  x["splitLine"] = {{"show", false}};
  x["min"] = "dataMin";
  x["max"] = "dataMax";
  return x;
}
json TimeZoom() {
  return json::array({{{"type", "inside"}}, {{"type", "slider"}, {"height", 16}, {"bottom", 8}}});
}

// Lines over time with their legend above the plot, every entry shown: the
// plot grows by the legend rows past the first.
void LegendAbove(Plot& p, const json& series, json selected, int base_height) {
  std::vector<std::string> names;
  for (const json& sr : series) names.push_back(sr["name"]);
  const int rows = std::max(1, LegendRows(names));
  json legend = Legend(56);
  legend["data"] = names;
  legend["selected"] = std::move(selected);
  p.option["legend"] = std::move(legend);
  p.option["grid"] = Grid(56 + kLegendRowHeight * rows + 24, 84, 84, 30);
  p.height = base_height + kLegendRowHeight * (rows - 1);
}

Plot ExtfragPlot(const ExtfragSeries& e, const std::string& prefix) {
  Plot p;
  p.id = prefix + "-extfrag";
  p.option = Base(p.id, "Fragmentation index over time, per zone",
                  "the kernel's extfrag_index for an order-3, order-9 and order-10 request");
  json y = ValueAxis("fragmentation index", "axisCount", 50);
  y["min"] = -1;
  y["max"] = 1;
  y["interval"] = 0.5;
  p.option["xAxis"] = TimeAxis();
  p.option["yAxis"] = std::move(y);
  p.option["tooltip"] = {{"trigger", "axis"}, {"formatter", Fn("axisTip")}, {"confine", true}};
  p.option["dataZoom"] = TimeZoom();
  json series = json::array();
  json selected = json::object();
  for (const ExtfragSeries::ZoneLine& line : e.lines) {
    json data = json::array();
    for (size_t i = 0; i < e.t.size(); ++i) {
      data.push_back({e.t[i], std::isnan(line.index[i]) ? json(nullptr) : json(line.index[i])});
    }
    const auto k = static_cast<size_t>(
        std::find(kFragOrders.begin(), kFragOrders.end(), line.order) - kFragOrders.begin());
    const std::string name = absl::StrCat("order ", line.order, ", ", line.zone);
    series.push_back({{"type", "line"},
                      {"name", name},
                      {"data", std::move(data)},
                      {"showSymbol", e.t.size() <= 60},
                      {"symbolSize", 4},
                      {"step", "end"},
                      {"lineStyle", {{"width", 1.8}}},
                      {"itemStyle", {{"color", kFragColors[k]}}}});
    // The DMA zone (16 MiB on x86) is rarely the one that matters.
    selected[name] = line.zone.find(" DMA") == std::string::npos ||
                     line.zone.find(" DMA32") != std::string::npos;
  }
  p.option["series"] = std::move(series);
  LegendAbove(p, p.option["series"], std::move(selected), 460);
  p.meta = {{"unit", "index"}, {"xUnit", "s"}};
  p.caption =
      "The kernel's fragmentation index of each zone (what /sys/kernel/debug/extfrag/"
      "extfrag_index prints), as the monitor computed it at each sample. -1 means a free block of "
      "that order exists, so such a request would not fail for want of one; otherwise, should "
      "it fail, a value near 0 says for lack of memory (reclaim helps) and near 1 for "
      "fragmentation (compaction helps). The kernel compacts only above "
      "vm.extfrag_threshold (500 by default, 0.5 here).";
  return p;
}

Plot LatencyOverTimePlot(const LatencyOverTime& l, const std::string& prefix) {
  Plot p;
  p.id = prefix + "-latency-time";
  p.option = Base(p.id, "Allocation latency over time",
                  "p50 and p99 of the calls timed between two samples, per order");
  p.option["xAxis"] = TimeAxis();
  p.option["yAxis"] = LogAxis("latency (log scale)", "axisNs", 70);
  p.option["tooltip"] = {{"trigger", "axis"}, {"formatter", Fn("axisTip")}, {"confine", true}};
  p.option["dataZoom"] = TimeZoom();
  json series = json::array();
  json selected = json::object();
  const std::array<const char*, 11> colors = {"#5470c6", "#91cc75", "#fac858", "#ee6666",
                                              "#73c0de", "#3ba272", "#fc8452", "#9a60b4",
                                              "#ea7ccc", "#8c564b", "#333333"};
  for (const LatencyOverTime::OrderLine& line : l.orders) {
    for (int q = 0; q < 2; ++q) {
      const std::vector<double>& v = q == 0 ? line.p99_ns : line.p50_ns;
      json data = json::array();
      for (size_t i = 0; i < l.t.size(); ++i) {
        data.push_back({l.t[i], std::isnan(v[i]) ? json(nullptr) : LogValue(v[i])});
      }
      const std::string name = absl::StrCat("order ", line.order, " ", q == 0 ? "p99" : "p50");
      series.push_back(
          {{"type", "line"},
           {"name", name},
           {"data", std::move(data)},
           {"showSymbol", l.t.size() <= 60},
           {"symbolSize", 4},
           {"connectNulls", false},
           {"lineStyle", {{"width", q == 0 ? 2.0 : 1.2}, {"type", q == 0 ? "solid" : "dashed"}}},
           {"itemStyle", {{"color", colors[static_cast<size_t>(line.order) % colors.size()]}}}});
      // The orders users feel, shown; the rest one click away.
      selected[name] = line.order == 0 || line.order == 3 || line.order >= 9;
    }
  }
  p.option["series"] = std::move(series);
  LegendAbove(p, p.option["series"], std::move(selected), 460);
  p.meta = {{"unit", "ns"}, {"xUnit", "s"}};
  p.caption =
      "How long __alloc_pages took, interval by interval: the 99th (solid) and 50th (dashed) "
      "percentile of the calls timed between one sample and the next (log2 histograms, so "
      "within a factor of 2). A gap is an interval in which no call of that order was timed. "
      "Orders 0, 3, 9 and 10 are shown; the others are in the legend.";
  return p;
}

// ---- challenge -----------------------------------------------------------------------

// One policy's runs as a share of a physical limit: the box over the runs,
// a dot per run (with its tooltip text), and the note under the legend.
struct LimitShare {
  std::string policy;
  Spread spread;
  std::vector<double> percent;
  std::vector<std::string> run_text;  // one per percent
  std::string note_extra;             // appended to the note
  int failed_runs = 0;
};

// The 4 MiB and the THP plots: each policy's share of the limit as a box
// plot with its runs as dots, and the limit and the 95 % target as lines.
Plot LimitSharePlot(const std::string& id, const std::string& title, const std::string& y_name,
                    const std::vector<LimitShare>& rows) {
  Plot p;
  p.id = id;
  p.option = Base(p.id, title, "box: quartiles and range over the runs; dots: single runs");
  std::vector<std::string> labels;
  json box = json::array();
  json dots = json::array();
  json notes = json::object();
  double top = 100;
  for (size_t i = 0; i < rows.size(); ++i) {
    const LimitShare& s = rows[i];
    labels.push_back(s.policy);
    const std::string color = PolicyColor(s.policy, i);
    if (s.spread.n > 0) {
      box.push_back(
          {{"value", {s.spread.min, s.spread.q1, s.spread.median, s.spread.q3, s.spread.max}},
           {"itemStyle", {{"color", color + "55"}, {"borderColor", color}}}});
    } else {
      // A policy whose runs all failed keeps its place on the axis with an
      // empty box: ECharts' boxplot reads .value of every item and stops
      // drawing the chart at a bare null.
      box.push_back({{"value", json::array({nullptr, nullptr, nullptr, nullptr, nullptr})}});
    }
    for (size_t k = 0; k < s.percent.size(); ++k) {
      dots.push_back({{"value", {static_cast<int>(i), s.percent[k]}},
                      {"runText", s.run_text[k]},
                      {"itemStyle", {{"color", color}}}});
      top = std::max(top, s.percent[k]);
    }
    std::string note =
        absl::StrFormat("%d run(s), mean %.1f %%", static_cast<int>(s.spread.n), s.spread.mean);
    if (s.spread.n > 1) absl::StrAppendFormat(&note, ", sd %.1f", s.spread.sd);
    absl::StrAppend(&note, s.note_extra);
    if (s.failed_runs > 0) absl::StrAppend(&note, "; ", s.failed_runs, " run(s) without a result");
    notes[s.policy] = note;
  }
  p.option["xAxis"] = CategoryAxis(labels, "policy", 34);
  json yaxis = ValueAxis(y_name, "axisPercent", 50);
  yaxis["min"] = 0;
  yaxis["max"] = std::ceil(top / 10 + 0.5) * 10;
  yaxis["interval"] = 10;
  p.option["yAxis"] = std::move(yaxis);
  p.option["grid"] = Grid(90, 60, 76, 30);
  p.option["tooltip"] = {{"trigger", "item"}, {"formatter", Fn("itemTip")}, {"confine", true}};
  p.option["series"] =
      json::array({{{"type", "boxplot"},
                    {"name", "spread over runs"},
                    {"data", std::move(box)},
                    {"boxWidth", json::array({12, 46})},
                    {"markLine",
                     {{"silent", true},
                      {"symbol", "none"},
                      {"label", {{"formatter", "{b}"}}},
                      // The two lines are 5 % apart, less than a label's
                      // height: each label goes on the far side of its line
                      // from the other, so neither overlaps the other label
                      // nor has a line through it.
                      {"data",
                       {{{"name", "physical limit"},
                         {"yAxis", 100},
                         {"label", {{"position", "insideEndTop"}}},
                         {"lineStyle", {{"color", "#222"}, {"type", "solid"}, {"width", 1.5}}}},
                        {{"name", "target 95 %"},
                         {"yAxis", 95},
                         {"label", {{"position", "insideEndBottom"}, {"color", "#555"}}},
                         {"lineStyle", {{"color", "#888"}, {"type", "dashed"}}}}}}}}},
                   {{"type", "scatter"},
                    {"name", "runs"},
                    {"data", std::move(dots)},
                    {"symbolSize", 9},
                    {"itemStyle", {{"borderColor", "#fff"}, {"borderWidth", 1}}}}});
  p.meta = {{"unit", "percent"}, {"notes", std::move(notes)}, {"boxplot", true}};
  return p;
}

Plot ChallengeSuccessPlot(const Challenge& c, const std::string& prefix) {
  std::vector<LimitShare> rows;
  for (const PolicySuccess& s : ComputeSuccess(c)) {
    LimitShare r{s.policy, s.spread, s.percent, {}, "", s.failed_runs};
    for (size_t k = 0; k < s.percent.size(); ++k) {
      const ChallengeRun& run = *s.runs[k];
      r.run_text.push_back(absl::StrFormat("%s, run %d: %u of %u blocks (limit %u), %.1f %%",
                                           s.policy, run.rep, run.successes, run.attempts,
                                           run.limit, s.percent[k]));
    }
    rows.push_back(std::move(r));
  }
  Plot p =
      LimitSharePlot(prefix + "-success", "4 MiB blocks obtained, relative to the physical limit",
                     "blocks obtained / physical limit (%)", rows);
  p.caption =
      "For each policy, the order-10 blocks the run obtained divided by the physical limit the "
      "monitor measured just before the attempts (order-10-aligned blocks holding only free or "
      "movable pages, capped by free memory). 100 % is everything the heap could give.";
  return p;
}

// The two THP scenarios of a challenge: the faults after the fragmented
// heap is prepared, and the same faults while a background load keeps
// fragmenting it.
struct ThpPlotScenario {
  ThpScenario which;
  const char* id;     // after the section's prefix
  const char* title;  // ahead of each plot's own title
  const char* how;    // the scenario, for the caption
};
constexpr std::array<ThpPlotScenario, 2> kThpScenarios = {{
    {&ChallengeRun::thp, "-thp", "",
     "Each THP run prepares the same fragmented heap in a guest of its own."},
    {&ChallengeRun::thp_churn, "-thp-churn", "Under churn: ",
     "Each of these THP runs prepares the same fragmented heap in a guest of its own, then "
     "faults while a background load keeps fragmenting it (files created and deleted in the "
     "page cache, slab growth): the opt-in workload thp-churn."},
}};

// The THP runs: huge faults against the order-9 limit (read like the 4 MiB
// plot above it), and what a fault cost.
Plot ChallengeThpPlot(const std::vector<PolicyThp>& thp, const ThpPlotScenario& sc,
                      const std::string& prefix) {
  std::vector<LimitShare> rows;
  bool lower_bound = false;
  for (const PolicyThp& s : thp) {
    lower_bound = lower_bound || s.lower_bound;
    LimitShare r{s.policy,
                 s.spread,
                 s.percent,
                 {},
                 absl::StrFormat("; %d of them agree with thp_fault_alloc", s.agrees_with_vmstat),
                 s.failed_runs};
    for (size_t k = 0; k < s.percent.size(); ++k) {
      const ChallengeRun& run = *s.runs[k];
      const ChallengeThp& t = *s.thp[k];
      r.run_text.push_back(absl::StrFormat(
          "%s, run %d: %u of %u faults huge (limit %u), %.1f %%; fault p50 %.0f µs, p99 %.0f µs",
          s.policy, run.rep, t.huge, t.regions, t.limit, s.percent[k], t.fault_p50_us,
          t.fault_p99_us));
    }
    rows.push_back(std::move(r));
  }
  Plot p = LimitSharePlot(
      prefix + sc.id,
      absl::StrCat(sc.title,
                   "2 MiB THP faults that got a huge page, relative to the order-9 limit"),
      "huge faults / order-9 physical limit (%)", rows);
  p.caption = absl::StrCat(
      "For each policy, the 2 MiB regions of a MADV_HUGEPAGE mapping whose first-touch fault got "
      "a transparent huge page, divided by the physical limit at order 9 measured just before "
      "the faults (order-9-aligned blocks holding only free or movable pages, capped by "
      "available memory). ",
      sc.how);
  if (lower_bound) {
    absl::StrAppend(&p.caption,
                    " Some runs had no order-9 scan: their limit is twice the order-10 one, a "
                    "lower bound, so they can pass 100 %.");
  }
  return p;
}

Plot ChallengeThpLatencyPlot(const std::vector<PolicyThp>& thp, const ThpPlotScenario& sc,
                             const std::string& prefix) {
  Plot p;
  p.id = absl::StrCat(prefix, sc.id, "-latency");
  p.option = Base(p.id, absl::StrCat(sc.title, "Latency of 2 MiB THP faults"),
                  "first-touch fault, huge or not: bars mean over the runs, whiskers range");
  std::vector<std::string> labels;
  labels.reserve(thp.size());
  for (const PolicyThp& s : thp) labels.push_back(s.policy);
  p.option["xAxis"] = CategoryAxis(labels, "policy", 34);
  p.option["yAxis"] = LogAxis("fault latency (log scale)", "axisNs", 62);
  p.option["grid"] = Grid(100, 60, 84, 30);
  p.option["legend"] = Legend(60);
  p.option["tooltip"] = AxisTooltip();
  json series = json::array();
  const std::array<const char*, 2> names = {"p50", "p99"};
  for (size_t k = 0; k < names.size(); ++k) {
    json bars = json::array();
    json whiskers = json::array();
    for (size_t i = 0; i < thp.size(); ++i) {
      const Spread& s = k == 0 ? thp[i].p50_us : thp[i].p99_us;
      if (s.n == 0) {
        bars.push_back(nullptr);
        continue;
      }
      // In ns, as the recording's latency plot: a bar on a log axis
      // starts at 1, below every fault in ns, above the fastest in ms.
      bars.push_back(LogValue(s.mean * 1000.0));
      if (s.n > 1 && s.min > 0) {
        whiskers.push_back({static_cast<int>(i), s.min * 1000.0, s.max * 1000.0});
      }
    }
    series.push_back({{"type", "bar"},
                      {"name", names[k]},
                      {"data", std::move(bars)},
                      {"itemStyle", {{"color", kPercentileColors[k == 0 ? 0 : 2]}}},
                      {"barGap", "0%"},
                      {"barCategoryGap", "20%"},
                      {"barMaxWidth", kBarMaxWidth}});
    if (!whiskers.empty()) {
      series.push_back(ErrorBars(names[k], "#333", std::move(whiskers), static_cast<int>(k), 2));
    }
  }
  p.option["series"] = std::move(series);
  p.meta = {{"unit", "ns"}};
  p.caption =
      "The time each 2 MiB region's first touch took (the fault, with any compaction or reclaim "
      "it did, and zeroing the page it got), median and 99th percentile per run; the bar is "
      "their mean over the policy's runs.";
  return p;
}

Plot ChallengeWorkPlot(const Challenge& c, const std::string& prefix,
                       std::vector<std::string>& notes) {
  const std::vector<PolicyWork> work = ComputeWork(c);
  Plot p;
  p.id = prefix + "-work";
  p.option = Base(p.id, "Compaction work per successful 4 MiB block",
                  "bars: mean over the runs; whiskers: lowest and highest run");
  struct Panel {
    const char* metric;
    const char* title;
  };
  const std::array<Panel, 4> panels = {{{"pgmigrate_success", "pages migrated"},
                                        {"compact_migrate_scanned", "pages scanned for migration"},
                                        {"compact_free_scanned", "pages scanned for free targets"},
                                        {"compact_isolated", "pages isolated"}}};
  std::vector<std::string> labels;
  labels.reserve(work.size());
  for (const PolicyWork& w : work) labels.push_back(w.policy);
  json grids = json::array();
  json xaxes = json::array();
  json yaxes = json::array();
  json titles = json::array({p.option["title"]});
  json series = json::array();
  std::vector<std::string> without;
  for (const PolicyWork& w : work) {
    if (w.per_block.at(kWorkMetrics[0]).n == 0) without.push_back(w.policy);
  }
  for (size_t k = 0; k < panels.size(); ++k) {
    const bool right = k % 2 == 1;
    const bool lower = k >= 2;
    const std::string left_pct = right ? "56%" : "8%";
    const std::string top_pct = lower ? "60%" : "19%";
    grids.push_back({{"left", left_pct}, {"width", "38%"}, {"top", top_pct}, {"height", "29%"}});
    titles.push_back({{"text", absl::StrCat(panels[k].title, " per block")},
                      {"left", right ? "75%" : "27%"},
                      {"top", lower ? "54%" : "13%"},
                      {"textAlign", "center"},
                      {"textStyle", {{"fontSize", 13}, {"fontWeight", "normal"}}}});
    json x = CategoryAxis(labels, "", 0);
    x["gridIndex"] = k;
    x["axisLabel"] = {{"interval", 0}, {"fontSize", 11}, {"rotate", labels.size() > 4 ? 20 : 0}};
    xaxes.push_back(std::move(x));
    json y = ValueAxis("pages", "axisCount", 46);
    y["gridIndex"] = k;
    yaxes.push_back(std::move(y));
    json bars = json::array();
    json whiskers = json::array();
    for (size_t i = 0; i < work.size(); ++i) {
      const Spread& s = work[i].per_block.at(panels[k].metric);
      const std::string color = PolicyColor(work[i].policy, i);
      if (s.n == 0) {
        bars.push_back(nullptr);
        continue;
      }
      bars.push_back({{"value", s.mean}, {"itemStyle", {{"color", color}}}});
      if (s.n > 1) whiskers.push_back({static_cast<int>(i), s.min, s.max});
    }
    series.push_back({{"type", "bar"},
                      {"name", panels[k].title},
                      {"xAxisIndex", k},
                      {"yAxisIndex", k},
                      {"data", std::move(bars)},
                      {"barCategoryGap", "20%"},
                      {"barMaxWidth", kBarMaxWidth}});
    if (!whiskers.empty()) {
      series.push_back(ErrorBars(panels[k].title, "#333", std::move(whiskers), 0, 1,
                                 static_cast<int>(k), static_cast<int>(k)));
    }
  }
  p.option["title"] = std::move(titles);
  p.option["grid"] = std::move(grids);
  p.option["xAxis"] = std::move(xaxes);
  p.option["yAxis"] = std::move(yaxes);
  p.option["tooltip"] = {{"trigger", "axis"},
                         {"axisPointer", {{"type", "shadow"}}},
                         {"formatter", Fn("axisTip")},
                         {"confine", true}};
  p.option["series"] = std::move(series);
  p.meta = {{"unit", "count"}};
  p.height = 600;
  p.caption =
      "The kernel's compaction counters (/proc/vmstat deltas over the attempts) divided by the "
      "order-10 blocks the run obtained: what each 4 MiB block cost.";
  if (!without.empty()) {
    notes.push_back(absl::StrCat("No compaction work per block for ", absl::StrJoin(without, ", "),
                                 ": no run of it obtained a block."));
  }
  return p;
}

Plot ChallengeCdfPlot(const Challenge& c, const std::string& prefix) {
  Plot p;
  p.id = prefix + "-cdf";
  p.option = Base(p.id, "Latency of order-10 attempts",
                  "cumulative distribution over every attempt of every run, per policy");
  json xaxis = LogAxis("latency of one attempt (log scale)", "axisMs", 30);
  p.option["xAxis"] = std::move(xaxis);
  json yaxis = ValueAxis("attempts that took at most this long", "axisFraction", 54);
  yaxis["min"] = 0;
  yaxis["max"] = 1;
  p.option["yAxis"] = std::move(yaxis);
  p.option["tooltip"] = {{"trigger", "item"}, {"formatter", Fn("cdfTip")}};
  json series = json::array();
  size_t i = 0;
  for (const LatencyCdf& cdf : ComputeCdfs(c)) {
    json data = json::array();
    if (!cdf.points.empty()) data.push_back({cdf.points.front().first, 0.0});
    for (const auto& [ms, frac] : cdf.points) data.push_back({ms, frac});
    series.push_back({{"type", "line"},
                      {"name", absl::StrCat(cdf.policy, " (", cdf.attempts, " attempts)")},
                      {"data", std::move(data)},
                      {"step", "end"},
                      {"showSymbol", false},
                      {"lineStyle", {{"width", 2}}},
                      {"itemStyle", {{"color", PolicyColor(cdf.policy, i++)}}}});
  }
  // One legend entry per policy, on as many rows as they need.
  std::vector<std::string> names;
  for (const json& sr : series) names.push_back(sr["name"]);
  const int rows = std::max(1, LegendRows(names));
  p.option["legend"] = Legend(60);
  p.option["grid"] = Grid(60 + kLegendRowHeight * rows + 16, 60, 80, 36);
  p.height += kLegendRowHeight * (rows - 1);
  p.option["series"] = std::move(series);
  p.meta = {{"unit", "ms"}};
  p.caption =
      "For each policy, the share of order-10 attempts (successful or not) that returned within a "
      "given time, pooled over the policy's runs. Further left is faster; a long flat stretch "
      "before a line reaches 100 % is a tail of slow attempts.";
  return p;
}

// ---- slab study ------------------------------------------------------------------------

// Each figure's paired ratio to SLUB, one bar per allocator (SLUB is the
// line at 1); horizontal when there are many figures.
Plot SlabPlot(const SlabComparison& c, const std::string& id, const std::string& title,
              const std::string& reading, const std::string& caption) {
  Plot p;
  p.id = id;
  p.option = Base(id, title,
                  absl::StrCat("relative to SLUB (SLUB = 1); ", reading,
                               "; bar: median over rounds, whiskers: range"));
  const bool horizontal = c.labels.size() > 8;
  double lo = 1;
  double hi = 1;
  for (const auto& per_alloc : c.ratios) {
    for (const auto& r : per_alloc) {
      if (!r) continue;
      lo = std::min(lo, r->min);
      hi = std::max(hi, r->max);
    }
  }
  // A linear axis from 0: a bar's length is its ratio, and 1 is SLUB.
  const double step = hi <= 1.5 ? 0.25 : hi <= 3 ? 0.5 : hi <= 8 ? 1 : 2;
  json cat = CategoryAxis(c.labels, "", 0);
  cat["axisLabel"] = {{"interval", 0}, {"fontSize", 11.5}};
  if (horizontal) cat["inverse"] = true;
  json val = ValueAxis("ratio to SLUB", "axisRatio", horizontal ? 30 : 50);
  val["min"] = 0;
  val["max"] = (std::floor(hi / step) + 1) * step;
  val["interval"] = step;
  p.option[horizontal ? "yAxis" : "xAxis"] = std::move(cat);
  p.option[horizontal ? "xAxis" : "yAxis"] = std::move(val);
  p.option["grid"] = horizontal ? Grid(96, 56, 150, 40) : Grid(100, 60, 76, 30);
  p.option["legend"] = Legend(58);
  p.option["tooltip"] = AxisTooltip();
  json notes = json::object();
  for (size_t i = 0; i < c.labels.size(); ++i) {
    notes[c.labels[i]] =
        absl::StrFormat("SLUB: %.4g %s (median over rounds)", c.slub_median[i], c.unit);
  }
  json series = json::array();
  const int count = static_cast<int>(c.allocators.size());
  for (size_t a = 0; a < c.allocators.size(); ++a) {
    const std::string color = AllocatorColor(c.allocators[a], a);
    json bars = json::array();
    json whiskers = json::array();
    for (size_t i = 0; i < c.labels.size(); ++i) {
      const auto& r = c.ratios[a][i];
      if (!r) {
        bars.push_back(nullptr);
        continue;
      }
      bars.push_back(r->median);
      if (r->n > 1) whiskers.push_back({static_cast<int>(i), r->min, r->max});
    }
    json bar = {{"type", "bar"},
                {"name", c.allocators[a]},
                {"data", std::move(bars)},
                {"itemStyle", {{"color", color}}},
                {"barGap", "0%"},
                {"barCategoryGap", "20%"},
                {"barMaxWidth", kBarMaxWidth}};
    if (a == 0) {
      json line = {{"name", "SLUB"}, {horizontal ? "xAxis" : "yAxis", 1}};
      bar["markLine"] = {{"silent", true},
                         {"symbol", "none"},
                         {"label", {{"formatter", "SLUB"}, {"position", "insideEndTop"}}},
                         {"lineStyle", {{"color", "#222"}, {"type", "solid"}, {"width", 1.5}}},
                         {"data", json::array({line})}};
    }
    series.push_back(std::move(bar));
    if (!whiskers.empty()) {
      json eb = ErrorBars(c.allocators[a], "#333", std::move(whiskers), static_cast<int>(a), count);
      if (horizontal) {
        eb["encode"] = {{"y", 0}, {"x", json::array({1, 2})}};
        eb["errorBar"]["horizontal"] = true;
      }
      series.push_back(std::move(eb));
    }
  }
  p.option["series"] = std::move(series);
  p.meta = {{"unit", "ratio"}, {"notes", std::move(notes)}};
  p.height = horizontal ? 150 + 26 * static_cast<int>(c.labels.size()) : 440;
  p.caption = caption;
  return p;
}

}  // namespace

size_t CountPoints(const json& option) {
  auto holds_null = [](const json& v) {
    if (v.is_null()) return true;
    if (v.is_array()) {
      return std::any_of(v.begin(), v.end(), [](const json& e) { return e.is_null(); });
    }
    return false;
  };
  size_t n = 0;
  auto it = option.find("series");
  if (it == option.end()) return 0;
  for (const json& s : *it) {
    auto data = s.find("data");
    if (data == s.end() || !data->is_array()) continue;
    for (const json& d : *data) {
      const json& v = d.is_object() && d.contains("value") ? d["value"] : d;
      if (!holds_null(v)) ++n;
    }
  }
  return n;
}

Section RecordSection(const Record& r, const std::string& prefix) {
  Section s;
  s.heading = absl::StrCat("Recording: ", BaseName(r.path));
  const RecordSample& first = r.samples.front();
  const RecordSample& last = r.samples.back();
  uint64_t blocks_free = 0;
  uint64_t blocks_recoverable = 0;
  for (const ZoneFrag& z : last.zones) {
    blocks_free += z.blocks_free;
    blocks_recoverable += z.blocks_recoverable;
  }
  s.summary = absl::StrFormat(
      "%s: %d samples over %s s%s, %d zone(s); at the last sample %u free 4 MiB blocks, %u "
      "recoverable",
      r.path, static_cast<int>(r.samples.size()), Seconds(last.elapsed_s - first.elapsed_s),
      first.timestamp > 0
          ? absl::FormatTime(" from %Y-%m-%d %H:%M:%S UTC",
                             absl::FromUnixSeconds(static_cast<int64_t>(first.timestamp)),
                             absl::UTCTimeZone())
          : "",
      static_cast<int>(last.zones.size()), blocks_free, blocks_recoverable);
  const OrderDistribution d = ComputeOrderDistribution(r);
  if (std::all_of(d.requests.begin(), d.requests.end(), [](uint64_t n) { return n == 0; })) {
    s.notes.emplace_back(
        "No allocation calls counted between the first and the last sample (the counters did not "
        "move, or were reset to the same values): no requested order distribution.");
  } else {
    s.plots.push_back(OrderDistributionPlot(d, prefix));
  }
  for (Plot& p : BuddyinfoPlots(r, prefix)) s.plots.push_back(std::move(p));
  if (first.zones.empty()) s.notes.emplace_back("No zones in the samples: no buddyinfo heat map.");
  s.plots.push_back(FragmentationPlot(r, prefix));
  if (!first.zones.empty()) s.plots.push_back(ExtfragPlot(ComputeExtfrag(r), prefix));
  const std::vector<LatencyRow> rows = ComputeLatency(r);
  if (rows.empty()) {
    s.notes.emplace_back(
        "No allocation latency in this recording: latency capture was off (turn it on with "
        "`sudo buddyctl latency-mode on` before recording).");
  } else {
    s.plots.push_back(LatencyPlot(rows, prefix));
    const LatencyOverTime over_time = ComputeLatencyOverTime(r);
    if (over_time.orders.empty()) {
      s.notes.emplace_back(
          "One sample, or no call timed between two samples: no latency over time.");
    } else {
      s.plots.push_back(LatencyOverTimePlot(over_time, prefix));
    }
  }
  return s;
}

Section ChallengeSection(const Challenge& c, const std::string& prefix) {
  Section s;
  s.heading = absl::StrCat("4 MiB challenge: ", BaseName(c.path));
  std::vector<std::string> scenario;
  for (const char* key : {"mem", "cpus", "gfp", "pin_percent", "sweep_percent", "seed"}) {
    auto it = c.scenario.find(key);
    if (it != c.scenario.end()) scenario.push_back(absl::StrCat(key, "=", it->second));
  }
  const auto failed = static_cast<int>(std::count_if(
      c.runs.begin(), c.runs.end(), [](const ChallengeRun& run) { return run.error.has_value(); }));
  s.summary =
      absl::StrFormat("%s: %d run(s) of %d policies%s%s%s", c.path, static_cast<int>(c.runs.size()),
                      static_cast<int>(c.policies.size()),
                      c.created.empty() ? "" : absl::StrCat(", created ", c.created),
                      scenario.empty() ? "" : absl::StrCat("; ", absl::StrJoin(scenario, " ")),
                      failed > 0 ? absl::StrCat("; ", failed, " run(s) failed") : "");
  s.plots.push_back(ChallengeSuccessPlot(c, prefix));
  for (const ThpPlotScenario& sc : kThpScenarios) {
    const std::vector<PolicyThp> thp = ComputeThp(c, sc.which);
    if (thp.empty()) continue;
    s.plots.push_back(ChallengeThpPlot(thp, sc, prefix));
    s.plots.push_back(ChallengeThpLatencyPlot(thp, sc, prefix));
  }
  s.plots.push_back(ChallengeWorkPlot(c, prefix, s.notes));
  s.plots.push_back(ChallengeCdfPlot(c, prefix));
  return s;
}

Section SlabSection(const SlabStudy& study, const std::string& prefix) {
  Section s;
  s.heading = absl::StrCat("Slab allocator study: ", BaseName(study.path));
  s.summary =
      absl::StrCat(study.path, ": ", absl::StrJoin(study.allocators, ", "), "; ", study.rounds,
                   " round(s)", study.quick ? " of quick workloads" : "",
                   study.failures > 0 ? absl::StrCat("; ", study.failures, " failure(s)") : "");
  const std::string method =
      "Each bar is report.py's median over the rounds of the paired ratio allocator / SLUB "
      "(the guests of one round ran back to back); the whiskers are the lowest and highest of "
      "those ratios. A difference inside the whiskers is not a finding.";
  struct Part {
    SlabGroup group;
    const char* id;
    const char* title;
    const char* reading;
  };
  const std::array<Part, 3> parts = {
      {{SlabGroup::kWorkloads, "-slab-workloads", "System workloads under each slab allocator",
        "time, below 1 = faster than SLUB"},
       {SlabGroup::kMicro, "-slab-micro", "slab_bench microbenchmarks under each slab allocator",
        "ns per operation, below 1 = faster than SLUB"},
       {SlabGroup::kFootprint, "-slab-footprint", "Memory footprint under each slab allocator",
        "Slab: below 1 = smaller; MemFree: above 1 = more memory free"}}};
  for (const Part& part : parts) {
    const SlabComparison c = ComputeSlabComparison(study, part.group);
    if (c.labels.empty()) {
      s.notes.push_back(absl::StrCat("No figures for \"", part.title, "\" in ", study.path, "."));
      continue;
    }
    s.plots.push_back(SlabPlot(c, prefix + part.id, part.title, part.reading, method));
  }
  return s;
}

}  // namespace buddyctl::report
