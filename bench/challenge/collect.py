#!/usr/bin/env python3
"""Fold one challenge run's raw captures (guest-run.sh) into one JSON record:
the 4 MiB record, or the THP record when DIR holds thp.json (WORKLOAD=thp).

usage: collect.py DIR POLICY SEED COMPACT_MEMORY_S RUN_S
"""
import json
import os
import sys

VMSTAT_WORK = ("compact_migrate_scanned", "compact_free_scanned", "compact_isolated",
               "pgmigrate_success", "pgmigrate_fail", "compact_stall", "compact_fail",
               "compact_success", "compact_daemon_wake", "compact_daemon_migrate_scanned",
               "compact_daemon_free_scanned")


def load(d, name):
    with open(os.path.join(d, name)) as f:
        return json.load(f)


def vmstat(d, name):
    out = {}
    with open(os.path.join(d, name)) as f:
        for line in f:
            k, v = line.split()
            out[k] = int(v)
    return out


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = (len(sorted_values) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def meminfo(d, name):
    """/proc/meminfo as {field: KiB}; empty if the run did not save it."""
    out = {}
    path = os.path.join(d, name)
    if os.path.exists(path):
        for line in open(path):
            key, _, rest = line.partition(":")
            out[key] = int(rest.split()[0])
    return out


def thp_limit(scan9, frag10, avail_pages, regions):
    """The physical limit of the THP run: 2 MiB regions that could get a huge page.

    The order-9 blocks holding only free or movable pages, from
    limit_scan.py --order 9, capped by MemAvailable in 2 MiB units (a THP
    fault cannot take the kernel's reserves) and by the regions thp_fault
    faulted. Without the scan, twice the monitor's order-10 figure: both
    halves of a recoverable order-10 block are recoverable order-9 blocks,
    but so is the free half of an order-10 block pinned in its other half,
    so twice the order-10 figure is a lower bound, not the limit (the share
    of it can pass 100 %); the record says which it is.
    """
    if "zones" in scan9:
        recoverable = sum(z["blocks_recoverable"] for z in scan9["zones"])
        source = "kcore_scan_order9"
    else:
        recoverable = 2 * sum(z["blocks_recoverable"] for z in frag10["zones"])
        source = "twice_order10_lower_bound"
    capacity = avail_pages // 512
    return {"recoverable_blocks_order9": recoverable, "source": source,
            "mem_available_pages": avail_pages, "capacity_blocks": capacity,
            "regions": regions, "limit": min(recoverable, capacity, regions)}


def collect_thp(d, policy, seed, compact_s, run_s):
    thp = load(d, "thp.json")
    frag = load(d, "frag_before.json")
    before, after = vmstat(d, "vmstat_before"), vmstat(d, "vmstat_after")
    avail_pages = meminfo(d, "meminfo_before").get(
        "MemAvailable", sum(z["free_pages"] for z in frag["zones"]) * 4) // 4
    limit = thp_limit(load(d, "limit_scan9.json"), frag, avail_pages, thp["regions"])
    work = {k: after.get(k, 0) - before.get(k, 0)
            for k in VMSTAT_WORK + ("thp_fault_alloc", "thp_fault_fallback")}
    stats = load(d, "stats.json")
    per_order = {o["order"]: o for o in stats["orders"]}
    huge = thp["huge"]
    return {
        "policy": policy,
        "workload": "thp",
        "kernel": os.uname().release,
        "seed": int(seed),
        "config": load(d, "config.json"),
        "fill": load(d, "fill.json"),
        "pin": load(d, "pin.json"),
        "regions": thp["regions"],
        "huge": huge,
        "huge_percent": thp["huge_percent"],
        "physical_limit": limit,
        "limit": limit["limit"],
        "huge_over_limit": huge / limit["limit"] if limit["limit"] else None,
        "fault_us": thp["fault_us"],
        "fault_us_huge": thp["fault_us_huge"],
        "fault_us_fallback": thp["fault_us_fallback"],
        # The kernel's count, over the run as guest-run.sh saw it, beside
        # the program's own: they differ only if something else faulted
        # huge pages meanwhile, or a region's huge page was counted wrong.
        "vmstat_thp_fault_alloc": work["thp_fault_alloc"],
        "vmstat_thp_fault_fallback": work["thp_fault_fallback"],
        "agrees_with_vmstat": work["thp_fault_alloc"] == huge,
        "thp_fault": thp,
        "compaction_work": work,
        "slowpath_by_order": [per_order[o].get("slowpath", 0) for o in range(11)],
        "compactions_by_order": [per_order[o].get("compact_attempts", 0) for o in range(11)],
        "tuner": load(d, "tuner.json"),
        # What the tuner and the reserve did from the module's load to the
        # workload (the counters are reset before it): the reserve's
        # preparation, and its CPU time, are here.
        "tuner_before": load(d, "tuner_before.json"),
        "compact_memory_s": float(compact_s),
        "run_s": float(run_s),
    }


def main():
    d, policy, seed, compact_s, run_s = sys.argv[1:6]
    if os.path.exists(os.path.join(d, "thp.json")):
        json.dump(collect_thp(d, policy, seed, compact_s, run_s), sys.stdout, indent=1)
        print()
        return
    frag = load(d, "frag_before.json")
    hot = load(d, "hot.json")
    before, after = vmstat(d, "vmstat_before"), vmstat(d, "vmstat_after")
    work = {k: after.get(k, 0) - before.get(k, 0) for k in VMSTAT_WORK}

    zones = frag["zones"]
    recoverable = sum(z["blocks_recoverable"] for z in zones)
    free_blocks = sum(z["blocks_free"] for z in zones)
    free_pages = sum(z["free_pages"] for z in zones)
    floor_pages = hot["status"]["min_free_pages"]
    # The hot test stops when MemAvailable minus one block would fall below
    # its floor, so the blocks it may take are counted from MemAvailable
    # (free pages less the kernel's reserves, plus reclaimable cache), the
    # quantity it checks. Free pages alone overstate it by the reserves
    # (about 8 blocks on a 1 GiB guest); that figure is kept for reference.
    avail_pages = meminfo(d, "meminfo_before").get("MemAvailable", free_pages * 4) // 4
    capacity = max(0, (avail_pages - floor_pages) // 1024)
    capacity_free = max(0, (free_pages - floor_pages) // 1024)
    limit = min(recoverable, capacity)
    scan = load(d, "limit_scan.json")
    recoverable_kcore = (sum(z["blocks_recoverable"] for z in scan["zones"])
                         if "zones" in scan else None)

    attempts = hot["attempts"]
    lat = sorted(a["latency_ns"] for a in attempts)
    ok_lat = [a["latency_ns"] for a in attempts if a["ok"]]
    successes = sum(1 for a in attempts if a["ok"])

    stats = load(d, "stats.json")
    per_order = {o["order"]: o for o in stats["orders"]}
    record = {
        "policy": policy,
        "kernel": os.uname().release,
        "seed": int(seed),
        "config": load(d, "config.json"),
        "fill": load(d, "fill.json"),
        "pin": load(d, "pin.json"),
        "attempts": len(attempts),
        "successes": successes,
        "stop_reason": hot["status"]["stop_reason"],
        "hot_summary": hot["summary"],
        "physical_limit": {
            "recoverable_blocks": recoverable,
            "recoverable_blocks_kcore_scan": recoverable_kcore,
            "free_order10_blocks": free_blocks,
            "free_pages": free_pages,
            "mem_available_pages": avail_pages,
            "floor_pages": floor_pages,
            "capacity_blocks": capacity,
            "capacity_blocks_from_free_pages": capacity_free,
            "limit": limit,
        },
        "limit": limit,
        "success_over_limit": successes / limit if limit else None,
        "latency_ns": {
            "first_success": ok_lat[0] if ok_lat else None,
            "p50": percentile(lat, 50),
            "p99": percentile(lat, 99),
            "max": lat[-1] if lat else None,
        },
        "compaction_work": work,
        "work_per_block": {k: (v / successes if successes else None) for k, v in work.items()},
        "slowpath_by_order": [per_order[o].get("slowpath", 0) for o in range(11)],
        "compactions_by_order": [per_order[o].get("compact_attempts", 0) for o in range(11)],
        "compactions_by_prio_order10": per_order[10].get("compact_by_prio"),
        "tuner": load(d, "tuner.json"),
        # What the tuner and the reserve did from the module's load to the
        # workload (the counters are reset before it): the reserve's
        # preparation, and its CPU time, are here.
        "tuner_before": load(d, "tuner_before.json"),
        "compact_memory_s": float(compact_s),
        "run_s": float(run_s),
        "attempt_log": attempts,
    }
    json.dump(record, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
