#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""thp_fault on the host: its JSON, its cross-check with /proc/vmstat, and
its refusals of bad input.

    thp_fault_test.py THP_FAULT

What the host allows decides how much is checked: with transparent huge
pages off ("never") or absent every fault falls back and only the shape of
the output is checked; with them on ("always" or "madvise") the huge count
must be that of /proc/vmstat's thp_fault_alloc (a busy host can fault huge
pages of its own meanwhile, so a disagreement is retried before it fails).
"""
import json
import subprocess
import sys


def fail(msg):
    print("thp_fault_test: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def run(tool, *args):
    return subprocess.run([tool] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=120)


def main():
    tool = sys.argv[1]
    for bad in ["3", "0", "-2", "abc", "", "2x", "1" + "0" * 30]:
        p = run(tool, bad)
        lines = p.stderr.strip().splitlines()
        if p.returncode != 1 or len(lines) != 1 or not lines[0].startswith("thp_fault: ") \
                or p.stdout:
            fail("MIB %r: exit %d, stderr %r, stdout %r" % (bad, p.returncode, p.stderr, p.stdout))
    p = run(tool)
    if p.returncode != 1 or "usage" not in p.stderr:
        fail("no argument: exit %d, stderr %r" % (p.returncode, p.stderr))

    for attempt in range(3):
        p = run(tool, "16")
        if p.returncode != 0:
            fail("thp_fault 16: exit %d: %s" % (p.returncode, p.stderr.strip()))
        r = json.loads(p.stdout)
        for key in ("mib", "regions", "huge", "huge_percent", "method", "fault_us",
                    "fault_us_huge", "fault_us_fallback", "vmstat", "smaps_anon_huge_kib",
                    "agrees_with_vmstat", "thp_enabled", "thp_defrag"):
            if key not in r:
                fail("no %r in %s" % (key, p.stdout))
        if r["mib"] != 16 or r["regions"] != 8 or not 0 <= r["huge"] <= 8:
            fail("16 MiB is 8 regions, 0-8 huge: %s" % p.stdout)
        if abs(r["huge_percent"] - 100.0 * r["huge"] / 8) > 0.05:
            fail("huge_percent is not huge / regions: %s" % p.stdout)
        lat = r["fault_us"]
        if not 0 <= lat["p50"] <= lat["p99"] <= lat["max"]:
            fail("fault latency percentiles out of order: %s" % lat)
        if r["method"] == "kpageflags":
            huge, fallback = r["fault_us_huge"], r["fault_us_fallback"]
            if (huge is None) != (r["huge"] == 0) or (fallback is None) != (r["huge"] == 8):
                fail("per-outcome latencies do not match the huge count: %s" % p.stdout)
        if r["thp_enabled"] in ("never", "absent"):
            if r["huge"] != 0:
                fail("huge pages with THP %s: %s" % (r["thp_enabled"], p.stdout))
            break
        if r["agrees_with_vmstat"] and r["vmstat"]["thp_fault_alloc"] == r["huge"]:
            break
    else:
        fail("the huge count never agreed with thp_fault_alloc: %s" % p.stdout)
    print("thp_fault_test: bad input refused in one line; 8 regions, %d huge (%s, THP %s), "
          "thp_fault_alloc +%d, fallback +%d, p50 %.1f us"
          % (r["huge"], r["method"], r["thp_enabled"], r["vmstat"]["thp_fault_alloc"],
             r["vmstat"]["thp_fault_fallback"], r["fault_us"]["p50"]))


if __name__ == "__main__":
    main()
