#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Open a rendered report in headless Chromium and check it as a reader would.

    browser_test.py --tool REPORT_TOOL --fixtures DIR --out DIR [--chromium PATH]

Renders a report from the fixtures, loads it from a file:// URL (no network),
and reads the page's own verdict from Chromium's --dump-dom: when its script
has drawn every plot it checks each one (the chart holds every data point the
page shipped; its canvas is not blank) and writes the outcome on <body>
(data-status, data-plots-ok, data-plots-expected, data-errors) and on each
plot (data-ok, data-points, data-ink). Console errors are read from
Chromium's log too. Then a screenshot is taken and checked to be a PNG with
content (not one flat colour); it stays in --out for people to look at.

Then it reads back, from a copy of the page with a probe script appended,
what each chart drew: every legend entry whole, inside the chart, over no
plotting area or other entry (and no legend that scrolls); each reference
line's label clear of the other labels and of every line; the y axes at the
plot's edge; one colour scale across the zones' heat maps.

So that this test can fail, the same checks run on three broken copies of the
page (a script error, a plot whose data went missing, the charting library
left out) and must reject each.
"""
import argparse
import html.parser
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

# The plots the fixtures must give, in page order.
EXPECTED = ["in1-orders", "in1-buddyinfo-0", "in1-buddyinfo-1", "in1-frag", "in1-extfrag",
            "in1-latency", "in1-latency-time",
            "in2-success", "in2-thp", "in2-thp-latency", "in2-thp-churn",
            "in2-thp-churn-latency", "in2-work", "in2-cdf",
            "in3-slab-workloads", "in3-slab-micro", "in3-slab-footprint"]
FIXTURES = ["record.jsonl", "challenge.json", "slab-results.json"]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=20000"]


def fail(msg):
    print("report_browser: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def find_chromium(given):
    for c in [given, os.environ.get("BUDDYCTL_CHROMIUM"), "chromium", "chromium-browser",
              "/usr/bin/chromium"]:
        if c and shutil.which(c):
            return shutil.which(c)
    fail("chromium not found: install it (Debian: apt-get install chromium) "
         "or set BUDDYCTL_CHROMIUM")


def run_chromium(chromium, args, url):
    """Chromium with a fresh profile; returns (stdout, stderr)."""
    profile = tempfile.mkdtemp(prefix="report-chromium-")
    try:
        p = subprocess.run([chromium] + FLAGS + ["--user-data-dir=" + profile] + args + [url],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=180)
    except subprocess.TimeoutExpired:
        fail("chromium did not finish within 180 s on " + url)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if p.returncode != 0:
        fail("chromium exited %d on %s: %s" % (p.returncode, url, p.stderr.strip()[-500:]))
    return p.stdout, p.stderr


class Dom(html.parser.HTMLParser):
    """The first <body>'s attributes and every div.plot's."""

    def __init__(self):
        super().__init__()
        self.body = None
        self.plots = {}
        self.canvases = {}
        self._in_plot = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body" and self.body is None:
            self.body = a
        if tag == "div" and "plot" in (a.get("class") or "").split():
            self.plots[a.get("id")] = a
            self._in_plot, self._depth = a.get("id"), 0
        elif self._in_plot is not None:
            if tag == "canvas":
                self.canvases[self._in_plot] = self.canvases.get(self._in_plot, 0) + 1
            if tag == "div":
                self._depth += 1

    def handle_endtag(self, tag):
        if self._in_plot is not None and tag == "div":
            if self._depth == 0:
                self._in_plot = None
            else:
                self._depth -= 1


def problems_of(chromium, page):
    """Everything wrong with the page as Chromium sees it (empty: all good)."""
    dom_text, log = run_chromium(chromium, ["--dump-dom"], "file://" + page)
    dom = Dom()
    dom.feed(dom_text)
    found = []
    body = dom.body or {}
    if body.get("data-status") != "done":
        found.append("the page's script did not finish (data-status=%r)" % body.get("data-status"))
    if body.get("data-errors"):
        found.append("script errors: " + body["data-errors"])
    for line in log.splitlines():
        if "CONSOLE" in line and ("Uncaught" in line or "Error" in line):
            found.append("console: " + line.strip()[:300])
    want = str(len(EXPECTED))
    if body.get("data-plots-ok") != want or body.get("data-plots-expected") != want:
        found.append("plots ok %s of %s, expected %s of %s" % (
            body.get("data-plots-ok"), body.get("data-plots-expected"), want, want))
    for pid in EXPECTED:
        p = dom.plots.get(pid)
        if p is None:
            found.append("%s: missing" % pid)
            continue
        expected_points = int(p.get("data-expected-points") or 0)
        points = int(p.get("data-points") or -1)
        if p.get("data-ok") != "1":
            found.append("%s: the page marked it bad (points %s, ink %s)" % (
                pid, p.get("data-points"), p.get("data-ink")))
        elif points != expected_points or points <= 0:
            found.append("%s: %d data points drawn, %d shipped" % (pid, points, expected_points))
        if not dom.canvases.get(pid):
            found.append("%s: no canvas" % pid)
    extra = sorted(set(dom.plots) - set(EXPECTED))
    if extra:
        found.append("plots nobody expected: " + ", ".join(extra))
    return found


# Appended to a copy of the page: once the page's own script has checked
# every plot, reads back from each chart what a reader would see and writes it
# as JSON on <body data-probe>. The option is what ECharts holds after
# setOption; the text boxes are where its renderer put each piece of text
# (pixels in the chart's canvas); grids are the plotting areas.
PROBE = r"""
<script>
(function () {
  function rectOf(el) {
    var r = el.getBoundingRect().clone();
    if (el.transform) r.applyTransform(el.transform);
    return { x: r.x, y: r.y, w: r.width, h: r.height };
  }
  function probe() {
    var out = {};
    document.querySelectorAll('div.plot').forEach(function (el) {
      var chart = echarts.getInstanceByDom(el);
      if (!chart) return;
      var opt = chart.getOption();
      var texts = [];
      chart.getZr().storage.getDisplayList(true).forEach(function (d) {
        if (d.style && typeof d.style.text === 'string' && d.style.text && !d.invisible) {
          texts.push({ text: d.style.text, box: rectOf(d) });
        }
      });
      var grids = [];
      chart.getModel().eachComponent('grid', function (g) {
        var r = g.coordinateSystem.getRect();
        grids.push({ x: r.x, y: r.y, w: r.width, h: r.height });
      });
      var marks = [];
      (opt.series || []).forEach(function (s, i) {
        ((s.markLine || {}).data || []).forEach(function (m) {
          if (typeof m.yAxis === 'number') {
            marks.push({ name: m.name, y: chart.convertToPixel({ seriesIndex: i }, [0, m.yAxis])[1] });
          }
        });
      });
      out[el.id] = {
        legend: (opt.legend || []).map(function (l) { return { type: l.type, data: l.data }; }),
        series: (opt.series || []).map(function (s) { return s.name; }),
        yAxis: (opt.yAxis || []).map(function (a) { return { type: a.type, onZero: (a.axisLine || {}).onZero }; }),
        visualMap: (opt.visualMap || []).map(function (v) { return { min: v.min, max: v.max }; }),
        width: chart.getWidth(), height: chart.getHeight(),
        texts: texts, grids: grids, marks: marks
      };
    });
    document.body.setAttribute('data-probe', JSON.stringify(out));
  }
  function wait() {
    if (document.body.getAttribute('data-status') === 'done') probe();
    else requestAnimationFrame(wait);
  }
  requestAnimationFrame(wait);
})();
</script>
"""


def overlap(a, b, slack=0.5):
    """Do two boxes ({x, y, w, h}) share more than a sliver?"""
    return (a["x"] + slack < b["x"] + b["w"] and b["x"] + slack < a["x"] + a["w"]
            and a["y"] + slack < b["y"] + b["h"] and b["y"] + slack < a["y"] + a["h"])


def legibility_problems(chromium, page, out):
    """What the reader of the page cannot see: legend entries, labels, scales."""
    with open(page) as f:
        text = f.read()
    head, _, tail = text.rpartition("</body>")
    probed = os.path.join(out, "probed.html")
    with open(probed, "w") as f:
        f.write(head + PROBE + "</body>" + tail)
    dom = Dom()
    dom.feed(run_chromium(chromium, ["--dump-dom"], "file://" + probed)[0])
    raw = (dom.body or {}).get("data-probe")
    if not raw:
        return ["the probe wrote nothing (did the page finish?)"]
    charts = json.loads(raw)
    found = []
    for pid, c in sorted(charts.items()):
        # Every legend wraps: a scrolling one hides its later pages, on
        # screen until the reader pages through and in print for good.
        for lg in c["legend"]:
            if lg["type"] == "scroll":
                found.append("%s: a scrolling legend" % pid)
        # Each legend entry is drawn whole inside the chart, over no
        # plotting area and no other entry.
        names = set()
        for lg in c["legend"]:
            # Without its own data a legend lists every named series.
            data = lg.get("data") or [n for n in c["series"] if n]
            names.update(n if isinstance(n, str) else n.get("name") for n in data)
        boxes = []
        for name in sorted(names):
            hits = [t["box"] for t in c["texts"] if t["text"] == name]
            if not hits:
                found.append("%s: legend entry %r not drawn" % (pid, name))
                continue
            box = hits[0]
            if box["x"] < 0 or box["y"] < 0 or box["x"] + box["w"] > c["width"] + 0.5 \
                    or box["y"] + box["h"] > c["height"] + 0.5:
                found.append("%s: legend entry %r outside the chart" % (pid, name))
            for g in c["grids"]:
                if overlap(box, g):
                    found.append("%s: legend entry %r over a plotting area" % (pid, name))
            boxes.append((name, box))
        for i, (n1, b1) in enumerate(boxes):
            for n2, b2 in boxes[i + 1:]:
                if overlap(b1, b2):
                    found.append("%s: legend entries %r and %r overlap" % (pid, n1, n2))
        # A value axis's line drawn at the other axis's zero stands inside
        # the plot when that axis starts below zero.
        for k, ax in enumerate(c["yAxis"]):
            if ax["type"] in ("value", "log") and ax["onZero"] is not False:
                found.append("%s: y axis %d is drawn at x = 0, not at the plot's edge" % (pid, k))
        # Reference lines: each label clear of the other labels and of every line.
        labels = []
        for m in c["marks"]:
            hits = [t["box"] for t in c["texts"] if t["text"] == m["name"]]
            if not hits:
                found.append("%s: the %r line has no label" % (pid, m["name"]))
                continue
            labels.append((m["name"], hits[0]))
            for other in c["marks"]:
                if hits[0]["y"] + 0.5 < other["y"] < hits[0]["y"] + hits[0]["h"] - 0.5:
                    found.append("%s: the %r line runs through the %r label"
                                 % (pid, other["name"], m["name"]))
        for i, (n1, b1) in enumerate(labels):
            for n2, b2 in labels[i + 1:]:
                if overlap(b1, b2):
                    found.append("%s: the %r and %r labels overlap" % (pid, n1, n2))
    # The frag plot names every series in one of its legends.
    for pid, c in charts.items():
        if pid.endswith("-frag"):
            listed = set()
            for lg in c["legend"]:
                listed.update(lg.get("data") or [])
            missing = sorted(set(c["series"]) - listed)
            if missing:
                found.append("%s: series missing from the legends: %s" % (pid, ", ".join(missing)))
    # One colour scale for every zone's heat map.
    scales = {(v["min"], v["max"]) for pid, c in charts.items() if "-buddyinfo-" in pid
              for v in c["visualMap"]}
    if len(scales) != 1:
        found.append("the zones' heat maps have different colour scales: %s" % sorted(scales))
    must = {"in1-frag": "legend", "in2-success": "marks", "in2-thp": "marks"}
    for pid, what in must.items():
        if pid not in charts or not charts[pid][what]:
            found.append("%s: no %s to check" % (pid, what))
    return found


def png_problems(path):
    """A PNG with real content: its size, and more than a few distinct rows."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return ["%s is not a PNG" % path], None
    width, height = struct.unpack(">II", data[16:24])
    idat, pos = b"", 8
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = len(raw) // height
    rows = {raw[i * stride:(i + 1) * stride] for i in range(height)}
    found = []
    if len(rows) < 200:  # a blank page has a handful of distinct (filtered) rows
        found.append("%s looks blank: %d distinct rows of %d" % (path, len(rows), height))
    return found, (width, height)


def broken_copies(page, out):
    """(name, path) of pages the checks must reject."""
    with open(page) as f:
        text = f.read()
    copies = []

    def write(name, content):
        path = os.path.join(out, "broken-%s.html" % name)
        with open(path, "w") as f:
            f.write(content)
        copies.append((name, path))

    head, _, tail = text.rpartition("</body>")  # the library has a "</body>" string too
    write("script-error", head + "<script>null.draw();</script>\n</body>" + tail)
    # One plot loses a series' data on the way to the chart.
    m = re.search(r'("id":"in2-cdf".*?"data":)\[\[.*?\]\]', text)
    if not m:
        fail("cannot find in2-cdf's data to break")
    write("lost-data", text[:m.start()] + m.group(1) + "[]" + text[m.end():])
    start = text.index("<script>", text.index("-->\n"))
    end = text.index("</script>", start)
    write("no-library", text[:start] + "<script>" + text[end:])
    return copies


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tool", required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--chromium")
    a = ap.parse_args()
    chromium = find_chromium(a.chromium)
    os.makedirs(a.out, exist_ok=True)
    page = os.path.abspath(os.path.join(a.out, "report.html"))

    p = subprocess.run([a.tool] + [os.path.join(a.fixtures, f) for f in FIXTURES] + ["-o", page],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        fail("rendering failed (exit %d): %s" % (p.returncode, p.stderr.strip()))

    found = problems_of(chromium, page)
    if found:
        fail("%s:\n  %s" % (page, "\n  ".join(found)))

    found = legibility_problems(chromium, page, a.out)
    if found:
        fail("%s:\n  %s" % (page, "\n  ".join(found)))

    shot = os.path.join(a.out, "report.png")
    if os.path.exists(shot):
        os.remove(shot)
    run_chromium(chromium, ["--window-size=1280,8400", "--screenshot=" + shot], "file://" + page)
    if not os.path.exists(shot):
        fail("chromium wrote no screenshot")
    found, size = png_problems(shot)
    if found:
        fail("; ".join(found))

    for name, path in broken_copies(page, a.out):
        if not problems_of(chromium, path):
            fail("the checks passed a broken page (%s): %s" % (name, path))

    print("report_browser: %d/%d plots drawn with all their data, no script errors; "
          "every legend entry and reference label legible, one heat map scale; "
          "screenshot %s (%dx%d); 3 broken pages rejected"
          % (len(EXPECTED), len(EXPECTED), shot, size[0], size[1]))


if __name__ == "__main__":
    main()
