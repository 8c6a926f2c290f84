#!/bin/sh
# vm-alone: yes
# slab_bench.ko on the stock (SLUB) kernel, a few iterations: the debugfs
# interface answers, rejects bad input, and every microbenchmark reports
# sane numbers (positive, ordered min <= median <= mean-ish, TSC ticks and
# nanoseconds consistent with the guest's tsc_khz). The full study is
# `make slab-study`, not part of CI.
#
# Not using tests/integration/lib.sh: it requires the buddyctl binary,
# which this test does not need.
TEST=slab_bench_smoke
fail() { echo "FAIL [$TEST]: $*" >&2; rmmod slab_bench 2>/dev/null; exit 1; }
note() { echo "[$TEST] $*"; }
[ "${BUDDYCTL_GUEST:-}" = 1 ] || fail "run me inside the guest: scripts/vm-run -- $0"

kver=$(uname -r)
ko=build/slab-study/mod/$kver/slab_bench.ko
if [ ! -f "$ko" ]; then
	# `make check` builds it on the host (make slab-bench-stock); a bare
	# ctest run builds it here, against the unpacked stock headers.
	note "building $ko in the guest"
	bench/slab-study/build-module.sh "$kver" \
		"build/kernels/$kver/root/usr/src/linux-headers-$kver" >/dev/null ||
		fail "cannot build slab_bench.ko for $kver"
fi
d=/sys/kernel/debug/slab_bench
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
lsmod | grep -q '^slab_bench ' && fail "slab_bench unexpectedly loaded"
insmod "$ko" || fail "insmod $ko failed"
[ -w "$d/run" ] && [ -r "$d/results" ] || fail "$d/run or $d/results missing"
[ -n "$(cat "$d/results")" ] && fail "results not empty before the first run"

echo "bogus=1" > "$d/run" 2>/dev/null && fail "an unknown key was accepted"
echo "reps=0" > "$d/run" 2>/dev/null && fail "reps=0 was accepted"
echo "tests=nosuch" > "$d/run" 2>/dev/null && fail "an unknown test was accepted"

echo "reps=3 iters=500 batch=32" > "$d/run" || fail "the run failed"
cat "$d/results" > /tmp/slab_bench.jsonl
rmmod slab_bench || fail "rmmod slab_bench failed"

python3 - /tmp/slab_bench.jsonl <<'PY' || fail "the results are not sane (see above)"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
meta = lines[0]
assert meta["type"] == "meta", meta
assert meta["allocator"] == "SLUB", "the stock kernel is SLUB, module says %s" % meta["allocator"]
assert meta["reps"] == 3 and meta["iters"] == 500 and meta["batch"] == 32, meta
res = [l for l in lines if l["type"] == "result"]
want = {"pair": 11, "batch_alloc": 11, "batch_free": 11, "cache": 1,
        "cbatch_alloc": 1, "cbatch_free": 1, "bulk_alloc": 1, "bulk_free": 1}
if meta["cpus"] >= 2:
    want.update({"xcpu_alloc": 11, "xcpu_free": 11})
got = {}
for r in res:
    got[r["test"]] = got.get(r["test"], 0) + 1
assert got == want, "tests reported %s, want %s" % (got, want)
ticks_per_ns = meta["tsc_khz"] / 1e6
for r in res:
    for unit in ("ns", "cycles"):
        s = r[unit]
        assert 0 < s["min"] <= s["median"] <= s["mean"] * 3, (r["test"], r["size"], s)
        assert s["stddev"] >= 0, r
    # Nobody's kmalloc takes 1 ms, not even under TCG; nor 0.5 ns.
    assert 0.5 < r["ns"]["median"] < 1e6, (r["test"], r["size"], r["ns"])
    # Ticks and nanoseconds come from different clocks; they must agree.
    ratio = r["cycles"]["median"] / r["ns"]["median"]
    assert 0.5 * ticks_per_ns < ratio < 2 * ticks_per_ns, \
        ("ticks/ns %.2f vs tsc_khz %d" % (ratio, meta["tsc_khz"]), r["test"], r["size"])
pair64 = next(r for r in res if r["test"] == "pair" and r["size"] == 64)
print("[slab_bench_smoke] %d results; kmalloc-64 pair median %.1f ns, %.0f ticks"
      % (len(res), pair64["ns"]["median"], pair64["cycles"]["median"]))
PY
note ok
