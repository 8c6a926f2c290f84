#!/bin/sh
# Load and unload the monitor 20 times while both vCPUs allocate; every
# cycle must leave no hook behind (the kernel log is checked by vm-run).
. tests/integration/lib.sh
stress-ng --vm 2 --vm-bytes 20% --fork 1 --timeout 120s --quiet &
stress=$!
for i in $(seq 1 20); do
	insmod modules/buddy_monitor.ko latency=$((i % 2)) || fail "insmod #$i failed"
	bctl stats >/dev/null || fail "stats after insmod #$i failed"
	rmmod buddy_monitor || fail "rmmod #$i failed"
done
kill "$stress" 2>/dev/null; wait "$stress" 2>/dev/null
grep -q buddy_monitor /proc/modules && fail "module still listed"
grep -q buddy_monitor /sys/kernel/tracing/enabled_functions 2>/dev/null &&
	fail "an ftrace hook was left behind"
grep -q buddy_monitor /sys/kernel/debug/kprobes/list 2>/dev/null &&
	fail "a kprobe was left behind"
note "20 load/unload cycles under load"
note ok
