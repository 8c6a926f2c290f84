#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""One repetition of the slab study, run inside a fresh guest (scripts/vm-run).

    guest.py --module KO --bin DIR --out FILE [--quick] [--tag TEXT]

In order: the memory footprint right after boot; slab_bench.ko's
microbenchmarks (through its debugfs files); then the system workloads,
each followed by the footprint again:
  messaging  perf bench sched messaging (hackbench): groups of 20 sender
             and 20 receiver processes over AF_UNIX socket pairs
  files      DIR/file_churn on a tmpfs: create/stat/unlink
  fork       DIR/fork_churn: fork/exit/wait
  tcp        DIR/tcp_loop: loopback TCP stream and connect/close churn
The footprint is Slab, SReclaimable, SUnreclaim, MemFree from /proc/meminfo
plus, where the allocator provides /proc/slabinfo (SLAB, SLUB with
SLUB_DEBUG; not SLOB), per-cache totals. Everything goes to FILE as one
JSON document; a workload that fails is recorded with its error and makes
the exit status 1 (the others still run).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

DEBUGFS = "/sys/kernel/debug"
BENCH = DEBUGFS + "/slab_bench"

FULL = {
    "micro": "reps=11 iters=10000 batch=256",
    "messaging": ["-g", "4", "-l", "20"],
    "files": ["-n", "1000", "-r", "5", "-p", "2"],
    "fork": ["-n", "1000", "-p", "2"],
    "tcp": ["-m", "128", "-c", "500"],
}
QUICK = {
    "micro": "reps=5 iters=2000 batch=128",
    "messaging": ["-g", "2", "-l", "5"],
    "files": ["-n", "300", "-r", "2", "-p", "2"],
    "fork": ["-n", "200", "-p", "2"],
    "tcp": ["-m", "16", "-c", "100"],
}
MEMINFO_KEYS = ("MemTotal", "MemFree", "Slab", "SReclaimable", "SUnreclaim")


def meminfo():
    out = {}
    with open("/proc/meminfo") as f:
        for line in f:
            key, rest = line.split(":", 1)
            if key in MEMINFO_KEYS:
                out[key + "_kB"] = int(rest.split()[0])
    return out


def slabinfo():
    """Per-cache active/total objects and bytes, or None without slabinfo."""
    try:
        with open("/proc/slabinfo") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    caches = {}
    for line in lines[2:]:
        # name active_objs num_objs objsize objperslab pagesperslab : ...
        # : slabdata active_slabs num_slabs sharedavail
        f = line.split()
        name, active, num, size, perslab, pages = f[0], *map(int, f[1:6])
        num_slabs = int(line.split("slabdata")[1].split()[1])
        caches[name] = {"active_objs": active, "num_objs": num, "objsize": size,
                        "bytes": num_slabs * pages * 4096}
    return caches


def footprint(label, store, with_slabinfo):
    """Append a footprint; the per-cache table only when with_slabinfo."""
    # Let deferred frees (RCU-freed files, dentries, sockets) land first.
    subprocess.run(["sync"], check=False)
    time.sleep(1)
    entry = {"label": label, "meminfo": meminfo()}
    si = slabinfo()
    if si is not None:
        entry["slabinfo_total_bytes"] = sum(c["bytes"] for c in si.values())
        if with_slabinfo:
            entry["slabinfo"] = si
    store.append(entry)


def run_micro(module, params):
    if not os.path.isdir(BENCH):
        if not os.path.ismount(DEBUGFS):
            subprocess.run(["mount", "-t", "debugfs", "none", DEBUGFS], check=True)
        subprocess.run(["insmod", module], check=True)
    try:
        with open(BENCH + "/run", "w") as f:
            f.write(params + "\n")
        with open(BENCH + "/results") as f:
            lines = [json.loads(x) for x in f.read().splitlines() if x.strip()]
    finally:
        subprocess.run(["rmmod", "slab_bench"], check=False)
    meta = next(x for x in lines if x["type"] == "meta")
    return {"meta": meta, "results": [x for x in lines if x["type"] == "result"],
            "skipped": [x for x in lines if x["type"] == "skipped"]}


def run_cmd(argv, timeout=900):
    t0 = time.monotonic()
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    wall = time.monotonic() - t0
    if p.returncode != 0:
        raise RuntimeError("%s exited %d: %s" % (argv[0], p.returncode,
                                                 (p.stderr or p.stdout).strip()[-500:]))
    return p.stdout, wall


def workload_messaging(args, prm):
    out, wall = run_cmd(["perf", "bench", "sched", "messaging"] + prm)
    m = re.search(r"Total time:\s*([0-9.]+)", out)
    if not m:
        raise RuntimeError("no 'Total time' in perf output: " + out[-300:])
    return [{"workload": "messaging", "seconds": float(m.group(1)),
             "args": " ".join(prm), "tool": "perf bench sched messaging"}]


def workload_static(name, args, prm):
    argv = [os.path.join(args.bin, name)] + prm
    out, _ = run_cmd(argv)
    recs = [json.loads(x) for x in out.splitlines() if x.startswith("{")]
    for r in recs:
        r["args"] = " ".join(prm)
    return recs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--module", required=True)
    ap.add_argument("--bin", required=True, help="directory of the static workloads")
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--tag", default="")
    args = ap.parse_args()
    cfg = QUICK if args.quick else FULL

    doc = {"tag": args.tag, "release": os.uname().release, "cpus": os.cpu_count(),
           "quick": args.quick, "footprint": [], "workloads": [], "errors": []}
    footprint("boot", doc["footprint"], True)

    print("slab-study: micro (%s)" % cfg["micro"], file=sys.stderr, flush=True)
    try:
        doc["micro"] = run_micro(args.module, cfg["micro"])
        doc["allocator"] = doc["micro"]["meta"]["allocator"]
    except Exception as e:  # recorded, not fatal: the workloads still run
        doc["errors"].append({"step": "micro", "error": str(e)})
    footprint("after_micro", doc["footprint"], False)

    tmp = "/tmp/slab-study-files"
    os.makedirs(tmp, exist_ok=True)
    steps = [
        ("messaging", lambda: workload_messaging(args, cfg["messaging"])),
        ("files", lambda: workload_static("file_churn", args, ["-d", tmp] + cfg["files"])),
        ("fork", lambda: workload_static("fork_churn", args, cfg["fork"])),
        ("tcp", lambda: workload_static("tcp_loop", args, cfg["tcp"])),
    ]
    for name, fn in steps:
        print("slab-study: %s" % name, file=sys.stderr, flush=True)
        try:
            doc["workloads"].extend(fn())
        except Exception as e:
            doc["errors"].append({"step": name, "error": str(e)})
        footprint("after_" + name, doc["footprint"], name == steps[-1][0])

    with open(args.out + ".tmp", "w") as f:
        json.dump(doc, f, indent=1)
    os.replace(args.out + ".tmp", args.out)
    for w in doc["workloads"]:
        print("%-12s %10.3f s" % (w["workload"], w["seconds"]))
    for e in doc["errors"]:
        print("ERROR %s: %s" % (e["step"], e["error"]), file=sys.stderr)
    return 1 if doc["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
