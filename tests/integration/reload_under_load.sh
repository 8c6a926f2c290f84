#!/bin/sh
# vm-matrix: yes
# vm-smoke: yes
# Load and unload the monitor RELOAD_CYCLES times while both vCPUs
# allocate; every cycle must leave no hook behind (the kernel log is
# checked by vm-run). The default is 8 on the matrix's first kernel (each
# of the four kinds of cycle below twice) and 4 on the others (each once),
# which patch the same hooks in another build of the same code; CI has an
# hour for all five kernels. tests/testbed/reload-soak runs hundreds of
# cycles under multi-threaded TCG.
. tests/integration/lib.sh
first=$(awk '!/^#/ && NF { print $2; exit }' scripts/kernels)
if [ "$(uname -r)" = "$first" ]; then default_cycles=8; else default_cycles=4; fi
cycles=${RELOAD_CYCLES:-$default_cycles}
case $cycles in '' | *[!0-9]*) fail "RELOAD_CYCLES must be a number, not '$cycles'" ;; esac
# --timeout 0: until killed below, however long the cycles take.
stress-ng --vm 2 --vm-bytes 20% --fork 1 --timeout 0 --quiet &
stress=$!
# The monitor's hooks as the kernel lists them: kprobes (on ftrace at
# function entry, so their ftrace sites show in enabled_functions too).
K=/sys/kernel/debug/kprobes/list
F=/sys/kernel/tracing/enabled_functions
[ -r "$K" ] && [ -r "$F" ] || fail "$K or $F missing: the checks below would prove nothing"
hooks() { grep -E '__alloc_pages_slowpath|__alloc_pages_direct_compact' "$K" "$F" 2>/dev/null; }
# Latency capture's hook: an ftrace_ops on the allocator's entry, only while it is on.
lat_hook() { grep -E "$ALLOC_ENTRY_RE" "$F"; }
# Cycle i % 4: 0 capture off throughout; 1 loaded on, switched off, then
# unloaded; 2 loaded off, switched on, unloaded while on; 3 loaded on and
# unloaded while on.
for i in $(seq 1 "$cycles"); do
	case $((i % 4)) in 1|3) lat=1 ;; *) lat=0 ;; esac
	insmod "$MODDIR/buddy_monitor.ko" latency=$lat || fail "insmod #$i failed"
	bctl stats >/dev/null || fail "stats after insmod #$i failed"
	[ -n "$(hooks)" ] || fail "no hook listed while loaded (#$i): the check below would prove nothing"
	if [ "$lat" = 1 ]; then
		lat_hook >/dev/null || fail "latency=1 but no ftrace hook on __alloc_pages (#$i)"
	else
		lat_hook && fail "latency=0 yet a hook on __alloc_pages (#$i)"
	fi
	case $((i % 4)) in
	1)	bctl latency-mode off || fail "latency-mode off #$i failed"
		lat_hook && fail "the latency hook stayed after latency-mode off (#$i)" ;;
	2)	bctl latency-mode on || fail "latency-mode on #$i failed"
		lat_hook >/dev/null || fail "latency-mode on but no ftrace hook on __alloc_pages (#$i)" ;;
	esac
	rmmod buddy_monitor || fail "rmmod #$i failed"
	hooks && fail "a hook was left behind after rmmod #$i"
	lat_hook && fail "the latency hook on __alloc_pages was left behind after rmmod #$i"
	[ $((i % 5)) -ne 0 ] || note "$i of $cycles cycles"
done
kill "$stress" 2>/dev/null; wait "$stress" 2>/dev/null
grep -q buddy_monitor /proc/modules && fail "module still listed"
note "$cycles load/unload cycles under load, latency capture switched at load, at runtime and unloaded while on"
note ok
