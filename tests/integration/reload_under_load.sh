#!/bin/sh
# Load and unload the monitor 20 times while both vCPUs allocate; every
# cycle must leave no hook behind (the kernel log is checked by vm-run).
. tests/integration/lib.sh
stress-ng --vm 2 --vm-bytes 20% --fork 1 --timeout 120s --quiet &
stress=$!
# The monitor's hooks as the kernel lists them: kprobes (on ftrace at
# function entry, so their ftrace sites show in enabled_functions too).
K=/sys/kernel/debug/kprobes/list
F=/sys/kernel/tracing/enabled_functions
hooks() { grep -E '__alloc_pages_slowpath|__alloc_pages_direct_compact' "$K" "$F" 2>/dev/null; }
for i in $(seq 1 20); do
	insmod modules/buddy_monitor.ko latency=$((i % 2)) || fail "insmod #$i failed"
	bctl stats >/dev/null || fail "stats after insmod #$i failed"
	[ -n "$(hooks)" ] || fail "no hook listed while loaded (#$i): the check below would prove nothing"
	rmmod buddy_monitor || fail "rmmod #$i failed"
	hooks && fail "a hook was left behind after rmmod #$i"
done
kill "$stress" 2>/dev/null; wait "$stress" 2>/dev/null
grep -q buddy_monitor /proc/modules && fail "module still listed"
note "20 load/unload cycles under load"
note ok
