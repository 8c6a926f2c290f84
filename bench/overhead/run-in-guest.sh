#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The monitor's overhead on the allocator's fast path: what loading it costs
# every allocation, against no monitor and against the same count taken by
# bpftrace, so the price of observing is a measured figure.
#
#   scripts/vm-run -- bench/overhead/run-in-guest.sh
#
# Runs inside the test bed's guest, as root, in the repository root. It
# times an alloc_pages(GFP_KERNEL, order)/__free_pages pair for order 0 and
# order 3 with bench/overhead/alloc_bench.ko under five variants:
#
#   A  buddy_monitor.ko not loaded (the baseline)
#   B  buddy_monitor.ko loaded, counters only
#   C  buddy_monitor.ko loaded with latency=1 (an ftrace_ops on __alloc_pages,
#      ended in the mm_page_alloc probe)
#   D  no monitor, the per-order count done by a bpftrace one-liner on the
#      same tracepoint instead
#   E  buddy_monitor.ko loaded with latency=1 latency_duty=10: the same
#      hook, registered for 100 ms of every second only
#   F  no monitor, tp_floor.ko instead: a probe on the same tracepoint
#      that increments one per-CPU counter, the floor under any counter
#      built on that tracepoint (B over F is what the monitor's own probe
#      adds)
#   G  no monitor, tp_floor.ko entry=<the allocator's entry>: the same
#      one-increment body as an ftrace callback on the function latency
#      capture hooks, the floor under any capture with that hook
#   H  the same with clock=1: the callback also reads local_clock(), as
#      any hook that times must (H over G is one clock read)
#
# The variants alternate A B C ... H A B C ... H for ROUNDS rounds in this
# one boot, so slow drifts of the (shared, emulated) machine hit all of
# them alike. Only the ratios to A within this run mean anything: under TCG the
# absolute times are inflated several times over. For each variant and
# order it prints the median over the rounds of the per-run figure (below)
# in ns and cycles per pair, what that adds to A's median, the ratio to A's
# median, and the spread of the per-round ratios (variant in round r over A
# in round r), then writes the same, and every run's whole line, as JSON
# to $OUT.
#
# Google Benchmark (the framework of the host-side benches under bench/)
# does not fit: the pair cannot be called from userspace, so the timed loop
# lives in alloc_bench.ko (see the comment there); this script plays the
# part Google Benchmark would, repetitions and side-by-side comparison.
#
# Each variant is checked, not assumed: B, C and E must show the monitor
# loaded with the latency parameters as asked and its ftrace hook on
# __alloc_pages (enabled_functions) in C, never in B, and in E at some
# samples and not at others (polled for up to 3 s: the cycle runs); D must
# show bpftrace's map counting at least the pairs it timed, F, G and H
# their hook called at least once per timed pair.
# A variant whose module or tool is missing is skipped with the reason.
# Exit status: 0 when every variant that ran passed its checks (targets
# missed are reported, not failed: under TCG they are indicative only).
#
# The per-run figure is a statistic over alloc_bench's batches (each about
# 300 us of pairs, sized from a warm-up run), STAT: min (default), p10 or
# median. In a TCG guest on a shared host, the host descheduling the vCPU
# only ever makes batches slower; the fastest batches are the undisturbed
# ones, so min is the stable estimate of the pair's cost, and the median
# mostly measures the host's load. Measured on a loaded host: A against its
# own median spread 0.59..1.23x with the median of 1000-pair batches,
# 0.98..1.04x with the min of short batches.
#
# That does not hold for E: a run (seconds) spans several duty periods,
# and 90% of its batches run with the hook unregistered, so min, p10 and
# the median all measure the off state, i.e. about B. E's cost is a time
# average, which only the mean over all pairs (alloc_bench's ns_mean)
# shows. So every variant also gets mean_ratio, the median over rounds of
# its ns_mean over A's ns_mean in the same round (noisier: it keeps the
# host's interruptions), and E's target is checked on that figure:
# 1.05 with init_on_alloc on, 1.25 with it off.
#
# The pair's cost depends on the kernel's init_on_alloc (Debian: on, every
# page zeroed at allocation; under TCG that is about 86% of an order-0 and
# 98% of an order-3 pair); the run records which it was. bench/overhead/run on the host runs this script
# twice, as booted and with init_on_alloc=0, the allocator's own path.
#
# Environment: ROUNDS (7), ITERS0 (200000), ITERS3 (50000), BATCH0 and
# BATCH3 (pairs per batch, default auto), BENCH_CPU (1), STAT (min),
# OUT (build/bench/overhead.json), MONITOR (modules/buddy_monitor.ko),
# BENCH_KO (bench/overhead/alloc_bench.ko), FLOOR_KO (bench/overhead/tp_floor.ko).
set -euo pipefail

ROUNDS=${ROUNDS:-7}
ITERS0=${ITERS0:-200000}
ITERS3=${ITERS3:-50000}
BATCH0=${BATCH0:-auto}
BATCH3=${BATCH3:-auto}
BENCH_CPU=${BENCH_CPU:-1}
STAT=${STAT:-min}
OUT=${OUT:-build/bench/overhead.json}
MONITOR=${MONITOR:-modules/buddy_monitor.ko}
BENCH_KO=${BENCH_KO:-bench/overhead/alloc_bench.ko}
FLOOR_KO=${FLOOR_KO:-bench/overhead/tp_floor.ko}
BENCH=/sys/kernel/debug/alloc_bench
FTRACE_ENABLED=/sys/kernel/tracing/enabled_functions
BPF_PROG='tracepoint:kmem:mm_page_alloc { @[args->order] = count(); }'

die() { echo "run-in-guest: $*" >&2; exit 1; }
note() { echo "run-in-guest: $*" >&2; }
# ALLOC_ENTRY_RE, ALLOC_ENTRY_NAMES: the allocator's entry (see there).
. scripts/guest-lib.sh

[ "${BUDDYCTL_GUEST:-}" = 1 ] || die "run me inside the guest: scripts/vm-run -- $0"
[ "$ROUNDS" -ge 1 ] || die "ROUNDS must be at least 1"
case "$STAT" in min|p10|median) ;; *) die "STAT must be min, p10 or median" ;; esac
[ -f "$BENCH_KO" ] || die "$BENCH_KO not built: make -C <kernel headers> M=\$PWD/bench/overhead KCFLAGS=-I\$PWD/modules"

work=$(mktemp -d)
bt_pid=""
cleanup() {
	[ -z "$bt_pid" ] || kill -INT "$bt_pid" 2>/dev/null || true
	! lsmod | grep -q '^buddy_monitor ' || rmmod buddy_monitor || true
	! lsmod | grep -q '^alloc_bench ' || rmmod alloc_bench || true
	! lsmod | grep -q '^tp_floor ' || rmmod tp_floor || true
	rm -rf "$work"
}
trap cleanup EXIT

monitor_loaded() { lsmod | grep -q '^buddy_monitor '; }
# Ftrace hooks of the monitor on the allocator's entry (its latency capture).
alloc_hooks() {
	[ -r "$FTRACE_ENABLED" ] || die "$FTRACE_ENABLED missing (tracefs, CONFIG_DYNAMIC_FTRACE)"
	grep -E "$ALLOC_ENTRY_RE" "$FTRACE_ENABLED" | grep -c bm_lat_entry || true
}

# measure VARIANT ROUND: one timed run per order, appended to $work/raw.
measure() {
	local v=$1 r=$2 order args line
	for order in 0 3; do
		args="$order $ITERS0 $BATCH0"
		[ "$order" = 0 ] || args="$order $ITERS3 $BATCH3"
		taskset -c "$BENCH_CPU" sh -c "echo $args > $BENCH" ||
			die "variant $v round $r: the order-$order run failed"
		line=$(cat "$BENCH")
		echo "$v $r $order $line" >> "$work/raw"
	done
}

# Variants: setup, then measure, then check and tear down.
variant_A() {
	! monitor_loaded || die "A: buddy_monitor is loaded"
	measure A "$1"
}

# duty_cycling VARIANT: the hook must come and go. Samples every 50 ms for
# up to 3 s; at 10 % of each second a window is 100 ms long.
duty_cycling() {
	local v=$1 on=0 off=0
	for _ in $(seq 60); do
		if [ "$(alloc_hooks)" -ge 1 ]; then on=$((on + 1)); else off=$((off + 1)); fi
		[ "$on" = 0 ] || [ "$off" = 0 ] || return 0
		sleep 0.05
	done
	die "$v: the hook on __alloc_pages was listed at $on and absent at $off of $((on + off)) samples; a duty cycle shows both"
}

# monitor_variant VARIANT ROUND LATENCY [DUTY]
monitor_variant() {
	local v=$1 r=$2 lat=$3 duty=${4:-} param got hooks
	insmod "$MONITOR" latency="$lat" ${duty:+latency_duty=$duty} ||
		die "$v: insmod $MONITOR latency=$lat ${duty:+latency_duty=$duty} failed"
	param=/sys/module/buddy_monitor/parameters/latency
	got=$(cat "$param" 2>/dev/null) || die "$v: $param missing"
	case "$lat:$got" in 0:0|0:N|1:1|1:Y) ;; *) die "$v: latency=$lat asked, $param says $got" ;; esac
	hooks=$(alloc_hooks)
	if [ -n "$duty" ]; then
		param=/sys/module/buddy_monitor/parameters/latency_duty
		got=$(cat "$param" 2>/dev/null) || die "$v: $param missing"
		[ "$got" = "$duty" ] || die "$v: latency_duty=$duty asked, $param says $got"
		duty_cycling "$v"
	elif [ "$lat" = 1 ]; then
		[ "$hooks" -ge 1 ] || die "$v: latency=1 but no hook of ours on __alloc_pages in $FTRACE_ENABLED"
	else
		[ "$hooks" = 0 ] || die "$v: counters only, yet $hooks hook(s) on __alloc_pages"
	fi
	measure "$v" "$r"
	# The monitor must have counted what was timed (its /proc text view:
	# "order req ..." rows; the counters start at zero on load).
	if [ -r /proc/buddy_monitor ]; then
		awk -v v="$v" -v i0="$ITERS0" -v i3="$ITERS3" '
			$1 == "0" && $2 + 0 < i0 { print v ": monitor counted " $2 " order-0 requests < " i0; bad = 1 }
			$1 == "3" && $2 + 0 < i3 { print v ": monitor counted " $2 " order-3 requests < " i3; bad = 1 }
			END { exit bad }' /proc/buddy_monitor >&2 || die "$v: the monitor did not count the timed pairs"
	elif [ "$r" = 1 ]; then
		note "$v: no /proc/buddy_monitor, cannot check the monitor counted"
	fi
	rmmod buddy_monitor || die "$v: rmmod buddy_monitor failed"
}
variant_B() { monitor_variant B "$1" 0; }
variant_C() { monitor_variant C "$1" 1; }
variant_E() { monitor_variant E "$1" 1 10; }

variant_D() {
	local r=$1
	! monitor_loaded || die "D: buddy_monitor is loaded"
	bpftrace -e "$BPF_PROG" > "$work/bt.out" 2>&1 &
	bt_pid=$!
	# bpftrace prints "Attaching" just before it attaches; give it time to
	# finish, then prove afterwards from its map that it counted the pairs.
	for _ in $(seq 120); do
		grep -q '^Attaching' "$work/bt.out" && break
		kill -0 "$bt_pid" 2>/dev/null || break
		sleep 1
	done
	if ! grep -q '^Attaching' "$work/bt.out"; then
		cat "$work/bt.out" >&2
		kill "$bt_pid" 2>/dev/null || true
		wait "$bt_pid" || true
		bt_pid=""
		# Not runnable here: say why and go on without D. Once it has
		# run, a later failure is a failure.
		[ "$r" = 1 ] || die "D: bpftrace did not start in round $r"
		note "D: bpftrace cannot run in this guest (output above); skipping D"
		variants=${variants/ D/}
		echo "D bpftrace failed to start" >> "$work/skipped"
		return 0
	fi
	sleep 2
	measure D "$r"
	kill -INT "$bt_pid"
	wait "$bt_pid" || true
	bt_pid=""
	awk -v i0="$ITERS0" -v i3="$ITERS3" '
		/^@\[0\]:/ { c0 = $2 } /^@\[3\]:/ { c3 = $2 }
		END { if (c0 + 0 < i0 || c3 + 0 < i3) { print "D: bpftrace counted order 0: " c0 + 0 ", order 3: " c3 + 0; exit 1 } }' \
		"$work/bt.out" >&2 || die "D: bpftrace did not count the timed pairs"
}

# floor_variant VARIANT ROUND [INSMOD ARGS]: tp_floor.ko loaded, timed, its
# hook's calls checked against the pairs, unloaded.
floor_variant() {
	local v=$1 r=$2 hits
	shift 2
	! monitor_loaded || die "$v: buddy_monitor is loaded"
	insmod "$FLOOR_KO" "$@" || die "$v: insmod $FLOOR_KO $* failed"
	measure "$v" "$r"
	hits=$(cat /sys/module/tp_floor/parameters/hits) || die "$v: tp_floor's hits missing"
	[ "$hits" -ge $((ITERS0 + ITERS3)) ] ||
		die "$v: the hook ran $hits times for $((ITERS0 + ITERS3)) timed pairs"
	rmmod tp_floor || die "$v: rmmod tp_floor failed"
}
variant_F() { floor_variant F "$1"; }
# The allocator's entry as this kernel names it, as the monitor picks it.
alloc_entry() {
	local f
	for f in $ALLOC_ENTRY_NAMES; do
		if grep -qx "$f" /sys/kernel/tracing/available_filter_functions; then
			echo "$f"
			return
		fi
	done
	die "G: no allocator entry in available_filter_functions"
}
variant_G() { floor_variant G "$1" entry="$(alloc_entry)"; }
variant_H() { floor_variant H "$1" entry="$(alloc_entry)" clock=1; }

main() {
# Which variants can run here, and why not otherwise.
variants="A"
: > "$work/skipped"
if [ -f "$MONITOR" ]; then
	variants="$variants B C"
else
	printf '%s %s not built\n' B "$MONITOR" C "$MONITOR" E "$MONITOR" >> "$work/skipped"
fi
if ! command -v bpftrace >/dev/null; then
	echo "D bpftrace not installed" >> "$work/skipped"
elif [ ! -r /sys/kernel/btf/vmlinux ]; then
	echo "D the kernel has no BTF (/sys/kernel/btf/vmlinux)" >> "$work/skipped"
else
	variants="$variants D"
fi
[ ! -f "$MONITOR" ] || variants="$variants E"
if [ -f "$FLOOR_KO" ]; then
	variants="$variants F G H"
else
	printf '%s %s not built\n' F "$FLOOR_KO" G "$FLOOR_KO" H "$FLOOR_KO" >> "$work/skipped"
fi
monitor_loaded && die "buddy_monitor is already loaded; the baseline needs it unloaded"

insmod "$BENCH_KO" || die "insmod $BENCH_KO failed"
[ -w "$BENCH" ] || die "$BENCH missing (is debugfs mounted?)"
note "variants: $variants; $ROUNDS rounds on CPU $BENCH_CPU"
# auto_batch ORDER ITERS: warm up (page lists, caches, TCG's translated
# code), and print a batch size of about 300 us from the fastest batch.
auto_batch() {
	taskset -c "$BENCH_CPU" sh -c "echo $1 $2 16 > $BENCH" || die "warm-up of order $1 failed"
	sed -n 's/.* ns_min=\([0-9]*\).*/\1/p' "$BENCH" |
		awk '{ b = int(300000 / ($1 + 1)); print (b < 16 ? 16 : (b > 1000 ? 1000 : b)) }'
}
b=$(auto_batch 0 "$ITERS0"); [ "$BATCH0" != auto ] || BATCH0=$b
b=$(auto_batch 3 "$ITERS3"); [ "$BATCH3" != auto ] || BATCH3=$b
for b in "$BATCH0" "$BATCH3"; do
	case "$b" in ''|0|*[!0-9]*) die "bad batch size '$b' (BATCH0, BATCH3)" ;; esac
done
auto_init=$(dmesg | sed -n 's/.*mem auto-init: .*heap alloc:\([a-z]*\).*/\1/p' | tail -n 1)
note "batches of $BATCH0 order-0 / $BATCH3 order-3 pairs; init_on_alloc: ${auto_init:-unknown}"

: > "$work/raw"
for r in $(seq "$ROUNDS"); do
	for v in $variants; do
		"variant_$v" "$r"
	done
	# The JSON after every round: a run cut short still leaves its data.
	summarize "$r" > /dev/null
	note "round $r/$ROUNDS done"
done
summarize "$ROUNDS"
}

# summarize ROUNDS_DONE: the table on stdout, the JSON to $OUT.
summarize() {
mkdir -p "$(dirname "$OUT")"
python3 - "$work/raw" "$OUT" "$1" "$ITERS0" "$ITERS3" "$BENCH_CPU" "$work/skipped" "$STAT" \
	"$BATCH0" "$BATCH3" "${auto_init:-unknown}" <<'PY'
import json, os, re, statistics as st, sys

raw, out, rounds, it0, it3, cpu, skipped, stat, b0, b3, init = sys.argv[1:]
names = {'A': 'unloaded', 'B': 'counters', 'C': 'latency', 'D': 'bpftrace',
         'E': 'latency-duty10', 'F': 'probe-floor', 'G': 'entry-floor',
         'H': 'entry-clock'}
# The targets, by whether the boot zeroes pages (init_on_alloc): counters
# within 2 % of a Debian boot's pair and 5 % of the allocator's own path,
# latency capture within 5 % and 25 %. E's cost is a time average: checked
# on mean_ratio (see the top).
target = {'on': {'B': 1.02, 'C': 1.05}, 'off': {'B': 1.05, 'C': 1.25}}.get(init, {})
mean_target = {'on': {'E': 1.05}, 'off': {'E': 1.25}}.get(init, {})
runs = {}  # (variant, order) -> {round: (ns, cycles, ns_mean)}
every = []  # every run's whole line, for a closer look later
for line in open(raw):
    v, r, order, rest = line.split(None, 3)
    kv = {k: float(x) for k, x in re.findall(r'(\w+)=([\d.]+)', rest)}
    runs.setdefault((v, int(order)), {})[int(r)] = (kv['ns_' + stat], kv['cycles_' + stat],
                                                    kv['ns_mean'])
    every.append({'variant': v, 'round': int(r), **kv})
variants = [v for v in 'ABCDEFGH' if (v, 0) in runs]
res = {'kernel': os.uname().release, 'rounds': int(rounds), 'stat': stat,
       'iterations': {'0': int(it0), '3': int(it3)}, 'cpu': int(cpu),
       'batch': {'0': int(b0), '3': int(b3)}, 'init_on_alloc': init,
       'variants': {v: names[v] for v in variants},
       'skipped': dict(l.rstrip('\n').split(' ', 1) for l in open(skipped)),
       'results': []}
rows = []
for order in (0, 3):
    base = runs[('A', order)]
    base_med = st.median(x[0] for x in base.values())
    base_mean_med = st.median(x[2] for x in base.values())
    for v in variants:
        rr = runs[(v, order)]
        ns = [rr[r][0] for r in sorted(rr)]
        cyc = [rr[r][1] for r in sorted(rr)]
        # A's own spread (each round over A's median) is the noise floor.
        ratios = [rr[r][0] / (base_med if v == 'A' else base[r][0]) for r in sorted(rr)]
        mean_ratios = [rr[r][2] / (base_mean_med if v == 'A' else base[r][2]) for r in sorted(rr)]
        med = st.median(ns)
        e = {'variant': v, 'name': names[v], 'order': order,
             'median_ns': round(med, 2), 'median_cycles': round(st.median(cyc), 2),
             'ratio': round(med / base_med, 4), 'added_ns': round(med - base_med, 2),
             'ratio_min': round(min(ratios), 4), 'ratio_max': round(max(ratios), 4),
             'mean_ratio': round(st.median(mean_ratios), 4), 'ns_per_round': ns}
        if v in target:
            e['target'] = target[v]
            e['meets_target'] = e['ratio'] <= target[v]
        elif v in mean_target:
            e['target'] = mean_target[v]
            e['target_on'] = 'mean_ratio'
            e['meets_target'] = e['mean_ratio'] <= mean_target[v]
        res['results'].append(e)
for e in res['results']:
    d = [x for x in res['results'] if x['variant'] == 'D' and x['order'] == e['order']]
    if 'target' in e and d:
        key = e.get('target_on', 'ratio')
        e['under_bpftrace'] = e[key] < d[0][key]
res['runs'] = every
with open(out, 'w') as f:
    json.dump(res, f, indent=1)
    f.write('\n')

print(f"alloc_pages/__free_pages pair, kernel {res['kernel']} (init_on_alloc {init}), "
      f"{rounds} rounds of {' '.join(variants)}, order 0 x{it0} (batches of {b0}), "
      f"order 3 x{it3} (batches of {b3}) per run, CPU {cpu}")
print(f"per run: the {stat} over batches of the per-pair cost; across rounds: the median; "
      "added ns: median over A's median; min/max: the spread of the per-round ratios "
      "(A: each round over A's median); mean: the same ratio of the mean over all pairs")
print(f"{'variant':<18}{'order':>5}{'ns/pair':>11}{'cyc/pair':>11}{'added ns':>10}"
      f"{'ratio':>8}{'min':>8}{'max':>8}{'mean':>8}  target")
for e in res['results']:
    t = ''
    if 'target' in e:
        t = f"{e.get('target_on', 'ratio')} <= {e['target']:.2f} {'ok' if e['meets_target'] else 'MISSED'}"
        if 'under_bpftrace' in e:
            t += ', under bpftrace' if e['under_bpftrace'] else ', NOT under bpftrace'
    print(f"{e['variant'] + ' ' + e['name']:<18}{e['order']:>5}{e['median_ns']:>11.1f}"
          f"{e['median_cycles']:>11.1f}{e['added_ns']:>10.1f}{e['ratio']:>8.3f}{e['ratio_min']:>8.3f}"
          f"{e['ratio_max']:>8.3f}{e['mean_ratio']:>8.3f}  {t}")
def added(v, order):
    x = [e for e in res['results'] if e['variant'] == v and e['order'] == order]
    return x[0]['added_ns'] if x else None
for order in (0, 3):
    b, c, f, g, h = (added(v, order) for v in 'BCFGH')
    if None not in (b, f):
        print(f"order {order}: the tracepoint's floor (F) adds {f:.1f} ns, "
              f"the monitor's counters (B) {b - f:.1f} ns more")
    if None not in (b, c, g):
        print(f"order {order}: the entry hook's floor (G) adds {g:.1f} ns, "
              f"latency capture (C) {c - b - g:.1f} ns more than counters and that floor")
    if None not in (g, h):
        print(f"order {order}: one local_clock() read in that hook (H - G) costs {h - g:.1f} ns")
for v, why in res['skipped'].items():
    print(f"{v} {names[v]}: skipped ({why})")
print(f"JSON: {out}")
PY
}

main
