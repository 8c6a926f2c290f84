// SPDX-License-Identifier: GPL-2.0
#include "page.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "echarts_js.h"

namespace buddyctl::report {
namespace {

constexpr char kStyle[] = R"css(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f5f7; color: #1d1f23;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header, main { max-width: 1240px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 22px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 34px 0 2px; }
.meta, .summary { color: #555; margin: 2px 0; }
nav { margin: 10px 0 0; display: flex; flex-wrap: wrap; gap: 6px 14px; }
nav a { color: #2f54b3; text-decoration: none; }
nav a:hover { text-decoration: underline; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; }
figure { background: #fff; margin: 14px 0 0; padding: 10px 12px 12px; border-radius: 8px;
  box-shadow: 0 1px 3px rgba(0, 0, 0, 0.12); }
.plot { width: 100%; }
figcaption { color: #444; font-size: 13.5px; margin: 6px 6px 0; }
.notes { background: #fff8e1; border-left: 4px solid #f5b400; padding: 8px 12px 8px 30px;
  border-radius: 4px; margin: 12px 0 0; }
footer { max-width: 1240px; margin: 30px auto 40px; padding: 0 20px; color: #777;
  font-size: 12.5px; }
)css";

// Draws every plot, then checks each (see page.h).
constexpr char kScript[] = R"js(
(function () {
  'use strict';
  var errors = [];
  function note(msg) { errors.push(String(msg)); }
  window.addEventListener('error', function (e) {
    note((e.message || 'error') + (e.lineno ? ' (line ' + e.lineno + ')' : ''));
  });
  window.addEventListener('unhandledrejection', function (e) { note('rejection: ' + e.reason); });

  function num(v) { return typeof v === 'number' && isFinite(v); }
  function sig(v, digits) { return Number(v.toPrecision(digits)).toLocaleString('en-US'); }
  function fmtNs(v) {
    if (!num(v)) return '-';
    var a = Math.abs(v);
    if (a >= 1e9) return sig(v / 1e9, 3) + ' s';
    if (a >= 1e6) return sig(v / 1e6, 3) + ' ms';
    if (a >= 1e3) return sig(v / 1e3, 3) + ' \u00b5s';
    return sig(v, 3) + ' ns';
  }
  function fmtCount(v) {
    if (!num(v)) return '-';
    return Number.isInteger(v) ? v.toLocaleString('en-US') : sig(v, 4);
  }
  function fmtShortCount(v) {
    if (!num(v)) return '';
    var a = Math.abs(v);
    if (a >= 1e9) return sig(v / 1e9, 3) + 'G';
    if (a >= 1e6) return sig(v / 1e6, 3) + 'M';
    if (a >= 1e3) return sig(v / 1e3, 3) + 'k';
    return sig(v, 3);
  }
  var UNITS = {
    count: fmtCount,
    ns: fmtNs,
    ms: function (v) { return fmtNs(v * 1e6); },
    s: function (v) { return num(v) ? sig(v, 4) + ' s' : '-'; },
    percent: function (v) { return num(v) ? v.toFixed(1) + ' %' : '-'; },
    ratio: function (v) { return num(v) ? v.toFixed(3) + '\u00d7' : '-'; },
    index: function (v) { return num(v) ? v.toFixed(3) : '-'; }
  };
  function unitOf(meta, seriesName) {
    var units = meta.units || {};
    for (var prefix in units) {
      if (seriesName.indexOf(prefix) === 0) return UNITS[units[prefix]];
    }
    return UNITS[meta.unit] || fmtCount;
  }
  function yOf(v) { return Array.isArray(v) ? v[v.length - 1] : v; }
  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c];
    });
  }

  // Functions the options name as "@@fn:<name>": factory(meta, owner) -> function.
  var FNS = {
    axisCount: function () { return fmtShortCount; },
    axisNs: function () { return fmtNs; },
    axisMs: function () { return function (v) { return fmtNs(v * 1e6); }; },
    axisSeconds: function () { return function (v) { return sig(v, 4) + ' s'; }; },
    axisPercent: function () { return function (v) { return v + ' %'; }; },
    axisFraction: function () { return function (v) { return Math.round(v * 100) + ' %'; }; },
    axisRatio: function () { return function (v) { return +v.toFixed(2) + '\u00d7'; }; },
    log10Count: function () {
      return function (v) { return fmtShortCount(Math.round(Math.pow(10, v))); };
    },
    axisTip: function (meta) {
      return function (params) {
        if (!params.length) return '';
        var head = params[0].axisValueLabel !== undefined ? params[0].axisValueLabel
                                                          : params[0].name;
        if (meta.xUnit === 's') head = 't = ' + head + ' s';
        var out = ['<b>' + esc(String(head).replace(/\n/g, ' ')) + '</b>'];
        params.forEach(function (p) {
          var d = p.data;
          var v = d !== null && typeof d === 'object' && !Array.isArray(d) ? d.value : d;
          v = yOf(v);
          var text;
          if (d !== null && typeof d === 'object' && typeof d.tip === 'string') {
            text = d.tip;  // a marker that says what it marks
          } else if (v === null || v === undefined || (typeof v === 'number' && isNaN(v))) {
            if (meta.nullAs === undefined) return;
            text = meta.nullAs;
          } else {
            text = unitOf(meta, p.seriesName)(v);
          }
          out.push(p.marker + esc(p.seriesName) + ': <b>' + esc(text) + '</b>');
        });
        var notes = meta.notes || {};
        var key = params[0].name;
        if (notes[key]) out.push('<span style="color:#666">' + esc(notes[key]) + '</span>');
        return out.join('<br>');
      };
    },
    itemTip: function (meta) {
      return function (p) {
        var d = p.data || {};
        var unit = UNITS[meta.unit] || fmtCount;
        if (p.seriesType === 'boxplot') {
          var b = d.value || d;
          var n = b.length === 6 ? 1 : 0;
          var notes = meta.notes || {};
          return '<b>' + esc(p.name) + '</b><br>median ' + unit(b[n + 2]) + '<br>quartiles ' +
                 unit(b[n + 1]) + ' \u2013 ' + unit(b[n + 3]) + '<br>range ' + unit(b[n]) +
                 ' \u2013 ' + unit(b[n + 4]) +
                 (notes[p.name] ? '<br><span style="color:#666">' + esc(notes[p.name]) +
                                  '</span>' : '');
        }
        return d.runText ? esc(d.runText) : esc(p.seriesName) + ': ' + unit(yOf(d.value || d));
      };
    },
    heatTip: function (meta) {
      return function (p) {
        var v = p.value;
        return 't = ' + esc(meta.times[v[0]]) + ' s<br>order ' + esc(meta.orders[v[1]]) +
               ': <b>' + fmtCount(v[3]) + '</b> free block' + (v[3] === 1 ? '' : 's');
      };
    },
    cdfTip: function () {
      return function (p) {
        var v = p.value;
        return esc(p.seriesName) + '<br>' + (v[1] * 100).toFixed(1) +
               ' % of attempts took at most <b>' + fmtNs(v[0] * 1e6) + '</b>';
      };
    },
    // Whiskers over bar `index` of `count` grouped bars (barGap 0, barCategoryGap
    // 20%, at most maxWidth px each), centred on the category as ECharts lays them out.
    errorBar: function (meta, series) {
      var cfg = series.errorBar || { index: 0, count: 1 };
      var h = !!cfg.horizontal;
      return function (params, api) {
        var cat = api.value(0);
        var lo = api.coord(h ? [api.value(1), cat] : [cat, api.value(1)]);
        var hi = api.coord(h ? [api.value(2), cat] : [cat, api.value(2)]);
        var band = h ? api.size([0, 1])[1] : api.size([1, 0])[0];
        var width = Math.min(band * 0.8 / cfg.count, cfg.maxWidth || Infinity);
        var at = (h ? lo[1] : lo[0]) + (cfg.index + 0.5 - cfg.count / 2) * width;
        var cap = Math.min(8, width * 0.3);
        var style = { stroke: '#333', lineWidth: 1.5 };
        function seg(a0, b0, a1, b1) {  // a: along the category axis, b: along the values
          return { type: 'line', style: style,
                   shape: h ? { x1: b0, y1: a0, x2: b1, y2: a1 }
                            : { x1: a0, y1: b0, x2: a1, y2: b1 } };
        }
        var l = h ? lo[0] : lo[1];
        var u = h ? hi[0] : hi[1];
        return { type: 'group', children: [
          seg(at, l, at, u), seg(at - cap, l, at + cap, l), seg(at - cap, u, at + cap, u)
        ] };
      };
    }
  };

  function materialize(x, meta, owner) {
    if (typeof x === 'string' && x.indexOf('@@fn:') === 0) {
      var f = FNS[x.slice(5)];
      if (!f) throw new Error('unknown function ' + x);
      return f(meta, owner);
    }
    if (Array.isArray(x)) return x.map(function (e) { return materialize(e, meta, x); });
    if (x !== null && typeof x === 'object') {
      var out = {};
      for (var k in x) out[k] = materialize(x[k], meta, x);
      return out;
    }
    return x;
  }

  // Must count as CountPoints() in charts.cc does.
  function countPoints(option) {
    var n = 0;
    (option.series || []).forEach(function (s) {
      (s.data || []).forEach(function (d) {
        var v = d !== null && typeof d === 'object' && !Array.isArray(d) && 'value' in d ? d.value
                                                                                        : d;
        if (v === null || v === undefined) return;
        if (Array.isArray(v) && v.some(function (e) { return e === null; })) return;
        n++;
      });
    });
    return n;
  }

  function ink(el) {
    var canvas = el.querySelector('canvas');
    if (!canvas || !canvas.width || !canvas.height) return 0;
    var px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    var inked = 0;
    for (var i = 0; i < px.length; i += 4) {
      if (px[i + 3] > 0 && (px[i] < 235 || px[i + 1] < 235 || px[i + 2] < 235)) inked++;
    }
    return inked / (px.length / 4);
  }

  var plots = JSON.parse(document.getElementById('buddyctl-plots').textContent);
  var drawn = [];
  plots.forEach(function (p) {
    var el = document.getElementById(p.id);
    try {
      var chart = echarts.init(el, null, { renderer: 'canvas' });
      chart.setOption(materialize(p.option, p.meta || {}, null));
      drawn.push({ plot: p, chart: chart, el: el });
    } catch (e) {
      note(p.id + ': ' + e.message);
      if (el) el.setAttribute('data-ok', '0');
    }
  });
  window.addEventListener('resize', function () {
    drawn.forEach(function (d) { d.chart.resize(); });
  });

  function check() {
    var ok = 0;
    drawn.forEach(function (d) {
      var points = countPoints(d.chart.getOption());
      var inked = ink(d.el);
      d.el.setAttribute('data-points', String(points));
      d.el.setAttribute('data-ink', inked.toFixed(4));
      var good = points > 0 && points === d.plot.points && inked > 0.002;
      d.el.setAttribute('data-ok', good ? '1' : '0');
      if (good) {
        ok++;
      } else {
        note(d.plot.id + ': ' + points + ' of ' + d.plot.points + ' data points, ink ' +
             inked.toFixed(4));
      }
    });
    var body = document.body;
    body.setAttribute('data-plots-ok', String(ok));
    body.setAttribute('data-plots-expected', String(plots.length));
    body.setAttribute('data-errors', errors.join(' | '));
    body.setAttribute('data-status', 'done');
  }
  requestAnimationFrame(function () { requestAnimationFrame(check); });
})();
)js";

}  // namespace

std::string HtmlEscape(std::string_view text) {
  return absl::StrReplaceAll(
      absl::string_view(text.data(), text.size()),
      {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}, {"'", "&#39;"}});
}

std::string ScriptSafeJson(const nlohmann::json& j) {
  return absl::StrReplaceAll(j.dump(), {{"<", "\\u003c"}, {">", "\\u003e"}, {"&", "\\u0026"}});
}

std::string RenderPage(const std::vector<Section>& sections, const PageInfo& info) {
  std::string html;
  nlohmann::json plots = nlohmann::json::array();
  absl::StrAppend(&html,
                  "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<meta name=\"generator\" content=\"buddyctl report\">\n<title>",
                  HtmlEscape(info.title), "</title>\n<style>", kStyle, "</style>\n</head>\n",
                  "<body data-status=\"loading\">\n<header>\n<h1>", HtmlEscape(info.title),
                  "</h1>\n<p class=\"meta\">Written by <code>buddyctl report</code> ",
                  HtmlEscape(info.generated), " from ", info.inputs.size(), " input(s). ",
                  "Each plot's toolbox (top right) shows the numbers behind it or saves it as a "
                  "PNG image.</p>\n<nav>");
  for (size_t i = 0; i < sections.size(); ++i) {
    absl::StrAppend(&html, "<a href=\"#s", i + 1, "\">", HtmlEscape(sections[i].heading), "</a>");
  }
  absl::StrAppend(&html, "</nav>\n</header>\n<main>\n");
  for (size_t i = 0; i < sections.size(); ++i) {
    const Section& s = sections[i];
    absl::StrAppend(&html, "<section id=\"s", i + 1, "\">\n<h2>", HtmlEscape(s.heading),
                    "</h2>\n<p class=\"summary\">", HtmlEscape(s.summary), "</p>\n");
    if (!s.notes.empty()) {
      absl::StrAppend(&html, "<ul class=\"notes\">");
      for (const std::string& n : s.notes) absl::StrAppend(&html, "<li>", HtmlEscape(n), "</li>");
      absl::StrAppend(&html, "</ul>\n");
    }
    for (const Plot& p : s.plots) {
      const size_t points = CountPoints(p.option);
      absl::StrAppend(&html, "<figure>\n<div class=\"plot\" id=\"", HtmlEscape(p.id),
                      "\" style=\"height:", p.height, "px\" data-expected-points=\"", points,
                      "\"></div>\n<figcaption>", HtmlEscape(p.caption),
                      "</figcaption>\n</figure>\n");
      plots.push_back({{"id", p.id}, {"option", p.option}, {"meta", p.meta}, {"points", points}});
    }
    absl::StrAppend(&html, "</section>\n");
  }
  absl::StrAppend(&html, "</main>\n<footer>Plots drawn with Apache ECharts ",
                  std::string(EchartsVersion()),
                  " (Apache License 2.0), inlined below: this page needs no network.</footer>\n",
                  "<noscript><p>The plots are drawn by JavaScript; enable it to see them.</p>"
                  "</noscript>\n<!--\n",
                  absl::StrReplaceAll(std::string(EchartsNotice()), {{"--", "- -"}}),
                  "-->\n<script>", std::string(EchartsJs()), "</script>\n",
                  "<script type=\"application/json\" id=\"buddyctl-plots\">", ScriptSafeJson(plots),
                  "</script>\n<script>", kScript, "</script>\n</body>\n</html>\n");
  return html;
}

}  // namespace buddyctl::report
