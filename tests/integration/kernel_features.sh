#!/bin/sh
# vm-matrix: yes
# vm-smoke: yes
# What this kernel gives the monitor, against what its config says:
#  - latency capture hooks the allocator's entry under this kernel's name
#    (__alloc_pages before 6.10, __alloc_pages_noprof from 6.10);
#  - with indirect branch tracking (CONFIG_X86_KERNEL_IBT=y) nothing is
#    called through a pointer to a sealed function: the background trigger
#    (wakeup_kcompactd) is refused with one CLI line and one kernel-log
#    line and the configuration is unchanged; the evacuate policy is
#    accepted, says at its first use that it cannot fall back to compaction, and its
#    hook is in place; the module stays loaded and keeps counting;
#  - without IBT both features work, and the kernel log says nothing about
#    sealing.
. tests/integration/lib.sh
config="build/kernels/$(uname -r)/root/boot/config-$(uname -r)"
[ -f "$config" ] || fail "no config for $(uname -r) at $config"
ibt=0
grep -q '^CONFIG_X86_KERNEL_IBT=y' "$config" && ibt=1
F=/sys/kernel/tracing/enabled_functions

load_monitor
bctl latency-mode on >/dev/null || fail "latency-mode on failed"
hook=$(grep -E "$ALLOC_ENTRY_RE" "$F" | grep bm_lat_entry | cut -d' ' -f1)
[ -n "$hook" ] || fail "latency capture hooked no allocator entry: $(grep bm_lat "$F")"
if grep -q ' __alloc_pages_noprof$' /proc/kallsyms; then want=__alloc_pages_noprof
else want=__alloc_pages; fi
grep -q ' __alloc_frozen_pages_noprof$' /proc/kallsyms && want=__alloc_frozen_pages_noprof
[ "$hook" = "$want" ] || fail "latency capture hooks $hook, this kernel's entry is $want"
bctl latency-mode off >/dev/null || fail "latency-mode off failed"
note "latency capture hooks $hook"

before=$(bctl policy --json)
if [ "$ibt" = 1 ]; then
	out=$(bctl background on 2>&1) && fail "background on accepted on an IBT kernel: $out"
	[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "background refusal is not one line: $out"
	printf '%s' "$out" | grep -q 'indirect branch tracking' ||
		fail "background refusal does not name its cause: $out"
	[ "$(bctl policy --json)" = "$before" ] || fail "a refused background on changed the configuration"
	[ "$(dmesg | grep -c 'wakeup_kcompactd is sealed')" -ge 1 ] ||
		fail "no kernel-log line for the refused background trigger"
	note "background trigger refused: $out"
else
	bctl background on >/dev/null || fail "background on refused without IBT"
	bctl background off >/dev/null || fail "background off failed"
fi

bctl policy evacuate >/dev/null || fail "policy evacuate refused"
grep -q '^try_to_compact_pages' "$F" || fail "evacuate policy chosen but try_to_compact_pages not hooked"
if [ "$ibt" = 1 ]; then
	evacuate_sealed || fail "IBT kernel, yet no log line about the evacuate fallback"
else
	evacuate_sealed && fail "no IBT, yet the log says try_to_compact_pages is sealed"
fi
bctl policy off >/dev/null
# Still counting after the refusals.
r0=$(bctl stats --json | pyjson "print(sum(o['requests'] for o in j['orders']))")
sleep 1
r1=$(bctl stats --json | pyjson "print(sum(o['requests'] for o in j['orders']))")
[ "$r1" -gt "$r0" ] || fail "the monitor stopped counting ($r0 -> $r1)"
unload_monitor
grep -q '^try_to_compact_pages' "$F" && fail "try_to_compact_pages still hooked after rmmod"
note "ok (ibt=$ibt)"
