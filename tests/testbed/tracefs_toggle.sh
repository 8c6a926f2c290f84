#!/bin/sh
# The control for the reload soak, with no module of ours: under the same
# load as tests/integration/reload_under_load.sh, switch on and off through
# tracefs the hooks the monitor registers on insmod and removes on rmmod
# (the same four tracepoints, return probes on the slow path and on direct
# compaction, a function hook on the allocator's entry), RELOAD_CYCLES
# times. Each switch patches the same call sites the module's load and
# unload patch; a wedge here is the kernel's (or the emulator's), not ours.
. tests/integration/lib.sh
cycles=${RELOAD_CYCLES:-20}
case $cycles in '' | *[!0-9]*) fail "RELOAD_CYCLES must be a number, not '$cycles'" ;; esac
T=/sys/kernel/tracing
[ -w "$T/kprobe_events" ] || fail "$T/kprobe_events is not writable"
# The slow path is not ftrace-able (a static function emitted as a clone):
# its kretprobe takes the name kallsyms gives it, as the module's does.
slow=$(awk '$3 ~ /^__alloc_pages_slowpath/ { print $3; exit }' /proc/kallsyms)
entry=$(grep -xE '__alloc_pages|__alloc_pages_noprof' "$T/available_filter_functions" | head -n1)
[ -n "$slow" ] && [ -n "$entry" ] || fail "no slow path or allocator entry in available_filter_functions"
events="kmem/mm_page_alloc kmem/mm_page_alloc_extfrag compaction/mm_compaction_try_to_compact_pages compaction/mm_compaction_deferred"
for e in $events; do [ -e "$T/events/$e/enable" ] || fail "no tracepoint $e"; done

stress-ng --vm 2 --vm-bytes 20% --fork 1 --timeout 0 --quiet &
stress=$!
echo 0 > "$T/tracing_on"  # hooks patched in, nothing written to the buffer
for i in $(seq 1 "$cycles"); do
	# The kretprobes are what tracefs allows: where it refuses one (6.1
	# refuses the slow path's clone name) the cycle goes on without it.
	echo "r:soak_slow $slow" >> "$T/kprobe_events" 2>/dev/null || [ "$i" -gt 1 ] ||
		note "tracefs refuses a kretprobe on $slow: cycles without it"
	echo "r:soak_dc __alloc_pages_direct_compact" >> "$T/kprobe_events" ||
		fail "kretprobe on direct compaction #$i"
	echo 1 > "$T/events/kprobes/enable"
	for e in $events; do echo 1 > "$T/events/$e/enable"; done
	echo "$entry" > "$T/set_ftrace_filter"
	echo function > "$T/current_tracer"
	echo nop > "$T/current_tracer"
	echo > "$T/set_ftrace_filter"
	for e in $events; do echo 0 > "$T/events/$e/enable"; done
	echo 0 > "$T/events/kprobes/enable"
	echo > "$T/kprobe_events" || fail "removing the kretprobes #$i"
	[ $((i % 5)) -ne 0 ] || note "$i of $cycles cycles"
done
kill "$stress" 2>/dev/null; wait "$stress" 2>/dev/null
note "$cycles switch cycles of the same hooks through tracefs, under load"
note ok
