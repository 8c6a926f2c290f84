#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The challenge's host side on made-up guest captures: collect.py's THP
record and its order-9 limit, and bench/challenge/run's THP summary, table
and reprint (--table), beside the 4 MiB ones, which must not change.

    challenge_test.py THP_FAULT

THP_FAULT is run once on the host for a real thp.json to fold.
"""
import importlib.machinery
import importlib.util
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHALLENGE = os.path.join(ROOT, "bench", "challenge")
THP_FAULT = None


def load_module(name, path):
    loader = importlib.machinery.SourceFileLoader(name, path)
    spec = importlib.util.spec_from_loader(name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


run = load_module("challenge_run", os.path.join(CHALLENGE, "run"))
collect = load_module("challenge_collect", os.path.join(CHALLENGE, "collect.py"))


def thp_run(policy, huge, limit, p50, p99, regions=40, agrees=True, source="kcore_scan_order9"):
    return {"workload": "thp", "policy": policy, "regions": regions, "huge": huge,
            "huge_percent": 100.0 * huge / regions, "limit": limit,
            "physical_limit": {"source": source, "limit": limit},
            "huge_over_limit": huge / limit if limit else None,
            "fault_us": {"p50": p50, "p99": p99, "max": p99 * 2},
            "vmstat_thp_fault_alloc": huge if agrees else huge + 1,
            "vmstat_thp_fault_fallback": regions - huge, "agrees_with_vmstat": agrees,
            "run_s": 1.5}


def four_mib_run(policy, rep, successes, limit, ok_ms=20.0, fail_ms=0.01):
    # Successes take ok_ms each, the last one ten times that; failures fail_ms.
    log = [{"index": i, "ok": i < successes, "pfn": i << 10,
            "latency_ns": int(1e6 * (ok_ms * (10 if i == successes - 1 else 1)
                                     if i < successes else fail_ms))}
           for i in range(limit + 8)]
    return {"policy": policy, "rep": rep, "attempts": limit + 8, "successes": successes,
            "stop_reason": "attempts", "limit": limit,
            "physical_limit": {"recoverable_blocks": limit},
            "success_over_limit": successes / limit,
            "latency_ns": {"first_success": 1e6, "p50": 2e6, "p99": 9e6, "max": 1e7},
            "work_per_block": {"compact_migrate_scanned": 10, "compact_free_scanned": 20,
                               "compact_isolated": 5, "pgmigrate_success": 4},
            "compactions_by_order": [0] * 11, "slowpath_by_order": [0] * 11, "run_s": 10,
            "attempt_log": log}


class ThpLimit(unittest.TestCase):
    def test_scan_capped_by_memory_and_regions(self):
        scan = {"zones": [{"blocks_recoverable": 30}, {"blocks_recoverable": 12}]}
        frag = {"zones": [{"blocks_recoverable": 5}]}
        lim = collect.thp_limit(scan, frag, avail_pages=512 * 40, regions=58)
        self.assertEqual(lim["recoverable_blocks_order9"], 42)
        self.assertEqual(lim["capacity_blocks"], 40)
        self.assertEqual(lim["limit"], 40)
        self.assertEqual(lim["source"], "kcore_scan_order9")
        self.assertEqual(collect.thp_limit(scan, frag, 512 * 100, regions=20)["limit"], 20)

    def test_without_the_scan_twice_order10_is_marked_a_lower_bound(self):
        frag = {"zones": [{"blocks_recoverable": 5}, {"blocks_recoverable": 2}]}
        lim = collect.thp_limit({}, frag, avail_pages=512 * 100, regions=60)
        self.assertEqual(lim["limit"], 14)
        self.assertEqual(lim["source"], "twice_order10_lower_bound")


class CollectThp(unittest.TestCase):
    """collect.py on a THP run's captures, thp.json from the real program."""

    def test_record(self):
        with tempfile.TemporaryDirectory() as d:
            thp = subprocess.run([THP_FAULT, "8"], stdout=subprocess.PIPE, check=True,
                                 text=True).stdout
            files = {
                "thp.json": thp,
                "frag_before.json": json.dumps({"zones": [{"blocks_recoverable": 1,
                                                           "free_pages": 1000}]}),
                "limit_scan9.json": json.dumps({"zones": [{"blocks_recoverable": 3}]}),
                "meminfo_before": "MemTotal: 1000000 kB\nMemAvailable: 409600 kB\n",
                "vmstat_before": "thp_fault_alloc 10\nthp_fault_fallback 1\ncompact_stall 3\n",
                "vmstat_after": "thp_fault_alloc 13\nthp_fault_fallback 2\ncompact_stall 4\n",
                "stats.json": json.dumps({"orders": [{"order": o, "slowpath": o}
                                                     for o in range(11)]}),
                "tuner.json": "{}", "tuner_before.json": '{"reserve": {"cpu_ns": 7}}',
                "config.json": "{}", "fill.json": "{}", "pin.json": "{}",
            }
            for name, text in files.items():
                with open(os.path.join(d, name), "w") as f:
                    f.write(text)
            out = subprocess.run([sys.executable, os.path.join(CHALLENGE, "collect.py"), d,
                                  "stock", "42", "0", "2.5"],
                                 stdout=subprocess.PIPE, check=True, text=True).stdout
        r = json.loads(out)
        t = json.loads(thp)
        self.assertEqual(r["workload"], "thp")
        self.assertEqual(r["regions"], 4)
        self.assertEqual(r["huge"], t["huge"])
        # Order-9 scan 3, MemAvailable 400 MiB = 200 blocks of 2 MiB, 4 regions.
        self.assertEqual(r["physical_limit"]["capacity_blocks"], 200)
        self.assertEqual(r["limit"], 3)
        self.assertAlmostEqual(r["huge_over_limit"], t["huge"] / 3)
        self.assertEqual(r["vmstat_thp_fault_alloc"], 3)
        self.assertEqual(r["vmstat_thp_fault_fallback"], 1)
        self.assertEqual(r["agrees_with_vmstat"], t["huge"] == 3)
        self.assertEqual(r["fault_us"], t["fault_us"])
        self.assertEqual(r["compaction_work"]["compact_stall"], 1)
        self.assertEqual(r["run_s"], 2.5)
        self.assertEqual(r["tuner_before"], {"reserve": {"cpu_ns": 7}})


class Tables(unittest.TestCase):
    def runs(self):
        rs = [four_mib_run("stock", 1, 10, 20), four_mib_run("stock", 2, 12, 20),
              four_mib_run("evacuate-80", 1, 20, 20), four_mib_run("evacuate-80", 2, 19, 20)]
        rs[0]["thp"] = thp_run("stock", 10, 40, 100.0, 900.0)
        rs[1]["thp"] = thp_run("stock", 14, 40, 120.0, 1100.0, agrees=False)
        rs[2]["thp"] = thp_run("evacuate-80", 38, 40, 300.0, 5000.0)
        rs[3]["thp"] = {"error": "exit 1"}
        return rs

    def test_summary(self):
        s = run.summarize_thp(self.runs(), ["stock", "evacuate-80"])
        self.assertEqual(s["stock"]["runs"], 2)
        self.assertEqual(s["stock"]["vmstat_agrees"], 1)
        self.assertAlmostEqual(s["stock"]["huge_over_limit"]["mean"], 0.3)
        self.assertAlmostEqual(s["stock"]["fault_p99_us"]["mean"], 1000.0)
        self.assertEqual(s["evacuate-80"]["runs"], 1)
        self.assertEqual(s["evacuate-80"]["failed_runs"], 1)
        self.assertAlmostEqual(s["evacuate-80"]["huge_over_limit"]["mean"], 0.95)

    def test_churn_records_summarized_apart(self):
        rs = self.runs()
        rs[0]["thp_churn"] = thp_run("stock", 6, 40, 150.0, 2000.0)
        s = run.summarize_thp(rs, ["stock", "evacuate-80"], "thp_churn")
        self.assertEqual(list(s), ["stock"])
        self.assertEqual(s["stock"]["runs"], 1)
        self.assertAlmostEqual(s["stock"]["huge_over_limit"]["mean"], 6 / 40)
        # The plain THP summary does not see them.
        self.assertEqual(run.summarize_thp(rs, ["stock"])["stock"]["runs"], 2)

    def test_four_mib_summary_unchanged_by_the_thp_records(self):
        with_thp = run.summarize(self.runs(), ["stock", "evacuate-80"])
        plain = [dict(r) for r in self.runs()]
        for r in plain:
            r.pop("thp")
        self.assertEqual(with_thp, run.summarize(plain, ["stock", "evacuate-80"]))

    def test_four_mib_latency_of_successes_and_failures_apart(self):
        # Stock fails 10 of 18 in 10 us, evacuate 8 of 28 in 5 ms: all
        # requests' p50 favours stock, the successes' p50 is the same.
        rs = [four_mib_run("stock", 1, 10, 10), four_mib_run("evacuate-80", 1, 20, 20,
                                                             fail_ms=5.0)]
        s = run.summarize(rs, ["stock", "evacuate-80"])
        self.assertAlmostEqual(s["stock"]["ok_p50_ms"]["mean"], 20.0)
        self.assertAlmostEqual(s["evacuate-80"]["ok_p50_ms"]["mean"], 20.0)
        # p99 of ten successes, one of them 200 ms: 20 + 0.91 * 180.
        self.assertAlmostEqual(s["stock"]["ok_p99_ms"]["mean"], 20 + 0.91 * 180)
        self.assertAlmostEqual(s["stock"]["fail_p50_ms"]["mean"], 0.01)
        self.assertAlmostEqual(s["evacuate-80"]["fail_p50_ms"]["mean"], 5.0)
        out = io.StringIO()
        run.print_table(s, out)
        head, stock = out.getvalue().splitlines()[:2]
        for col in ("ok p50", "ok p99", "fail p50"):
            self.assertIn(col, head)
        self.assertEqual(stock.split()[-7:-4], ["20.0", "184", "0.01"])
        # Runs recorded before the reserve's preparation was kept show "-".
        self.assertEqual(stock.split()[-1], "-")
        # A policy without failures has no failure latency.
        s = run.summarize([four_mib_run("evacuate-80", 1, 28, 20)], ["evacuate-80"])
        self.assertIsNone(s["evacuate-80"]["fail_p50_ms"]["mean"])

    def test_reserve_preparation_time(self):
        rs = [four_mib_run("reserve-half", 1, 20, 20), four_mib_run("reserve-half", 2, 20, 20)]
        rs[0]["tuner_before"] = {"reserve": {"cpu_ns": 4_000_000_000}}
        rs[1]["tuner_before"] = {"reserve": {"cpu_ns": 6_000_000_000}}
        rs[0]["thp"] = thp_run("reserve-half", 30, 40, 100.0, 900.0)
        rs[0]["thp"]["tuner_before"] = {"reserve": {"cpu_ns": 3_500_000_000}}
        s = run.summarize(rs, ["reserve-half"])
        self.assertAlmostEqual(s["reserve-half"]["reserve_cpu_s"]["mean"], 5.0)
        out = io.StringIO()
        run.print_table(s, out)
        self.assertEqual(out.getvalue().splitlines()[1].split()[-1], "5.0±1.4")
        out = io.StringIO()
        run.print_thp_table(run.summarize_thp(rs, ["reserve-half"]), out)
        self.assertEqual(out.getvalue().splitlines()[1].split()[-1], "3.5")

    def test_table(self):
        out = io.StringIO()
        run.print_thp_table(run.summarize_thp(self.runs(), ["stock", "evacuate-80"]), out)
        lines = out.getvalue().splitlines()
        self.assertEqual(lines[0].split("  ")[0].strip(), "policy")
        for col in ("huge %", "limit o9", "huge/limit %", "p50 us", "p99 us", "vmstat ok"):
            self.assertIn(col, lines[0])
        stock = lines[1].split()
        self.assertEqual(stock[0], "stock")
        self.assertIn("30.0±7.1", stock)  # huge/limit: 25 % and 35 %
        self.assertIn("25-35", stock)
        self.assertIn("110.0±14.1", stock)  # p50 us
        self.assertIn("1/2", stock)
        self.assertEqual(lines[2].split()[:2], ["evacuate-80", "1+1"])
        self.assertIn("95.0", lines[2].split())

    def test_lower_bound_limit_is_starred(self):
        rs = self.runs()
        rs[0]["thp"] = thp_run("stock", 10, 40, 100.0, 900.0,
                               source="twice_order10_lower_bound")
        out = io.StringIO()
        summary = run.summarize_thp(rs, ["stock"])
        run.print_thp_table(summary, out)
        self.assertIn("40.0*", out.getvalue())
        foot = io.StringIO()
        run.print_thp_footer(summary, foot)
        self.assertIn("lower", foot.getvalue())

    def test_reprint_shows_both_tables_and_old_results_only_one(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "results.json")
            results = {"scenario": {"gfp": "retry", "mem": "1G", "pin_percent": 85},
                       "summary": {"stock": {}, "evacuate-80": {}}, "runs": self.runs()}
            with open(path, "w") as f:
                json.dump(results, f)
            out = subprocess.run([sys.executable, os.path.join(CHALLENGE, "run"), "--table", path],
                                 stdout=subprocess.PIPE, check=True, text=True).stdout
            self.assertIn("4 MiB challenge", out)
            self.assertIn("THP faults", out)
            self.assertIn("huge/limit %", out)
            # The report's fixture, which has THP records as the report reads
            # them, and the same without them, as results from before.
            fixture = os.path.join(ROOT, "tests", "report", "fixtures", "challenge.json")
            out = subprocess.run([sys.executable, os.path.join(CHALLENGE, "run"), "--table",
                                  fixture], stdout=subprocess.PIPE, check=True, text=True).stdout
            self.assertIn("THP faults", out)
            self.assertRegex(out, r"(?m)^always-max +2 .* 95\.0±7\.1 +90-100 ")
            self.assertIn("THP faults while a background load keeps fragmenting", out)
            self.assertRegex(out, r"(?m)^always-max +2 .* 97\.5±3\.5 +95-100 ")
            with open(fixture) as f:
                old = json.load(f)
            for r in old["runs"]:
                r.pop("thp", None)
                r.pop("thp_churn", None)
            with open(path, "w") as f:
                json.dump(old, f)
            out = subprocess.run([sys.executable, os.path.join(CHALLENGE, "run"), "--table", path],
                                 stdout=subprocess.PIPE, check=True, text=True).stdout
            self.assertIn("4 MiB challenge", out)
            self.assertNotIn("THP faults", out)

    def test_out_outside_the_repository_is_refused_before_any_guest(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "results")
            r = subprocess.run([sys.executable, os.path.join(CHALLENGE, "run"), "--reps", "1",
                                "--out", out], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
            self.assertEqual(r.returncode, 2)
            self.assertRegex(r.stderr.strip().splitlines()[-1],
                             r"^run: error: --out .* is outside the repository")
            self.assertEqual(r.stdout, "")
            self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    THP_FAULT = sys.argv.pop(1)
    unittest.main()
