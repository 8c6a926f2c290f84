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

So that this test can fail, the same checks run on three broken copies of the
page (a script error, a plot whose data went missing, the charting library
left out) and must reject each.
"""
import argparse
import html.parser
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

# The plots the fixtures must give, in page order.
EXPECTED = ["in1-orders", "in1-buddyinfo-0", "in1-buddyinfo-1", "in1-frag", "in1-latency",
            "in2-success", "in2-work", "in2-cdf",
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

    shot = os.path.join(a.out, "report.png")
    if os.path.exists(shot):
        os.remove(shot)
    run_chromium(chromium, ["--window-size=1280,7400", "--screenshot=" + shot], "file://" + page)
    if not os.path.exists(shot):
        fail("chromium wrote no screenshot")
    found, size = png_problems(shot)
    if found:
        fail("; ".join(found))

    for name, path in broken_copies(page, a.out):
        if not problems_of(chromium, path):
            fail("the checks passed a broken page (%s): %s" % (name, path))

    print("report_browser: %d/%d plots drawn with all their data, no script errors; "
          "screenshot %s (%dx%d); 3 broken pages rejected"
          % (len(EXPECTED), len(EXPECTED), shot, size[0], size[1]))


if __name__ == "__main__":
    main()
