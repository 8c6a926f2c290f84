#!/usr/bin/env python3
"""Fold one challenge run's raw captures (guest-run.sh) into one JSON record.

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


def main():
    d, policy, seed, compact_s, run_s = sys.argv[1:6]
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
        "compact_memory_s": float(compact_s),
        "run_s": float(run_s),
        "attempt_log": attempts,
    }
    json.dump(record, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
