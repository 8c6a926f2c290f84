#!/bin/sh
# vm-mem: 768M
# vm-timeout: 300
# vm-alone: yes
# Latency capture in duty cycles (latency-mode on --duty PCT): the hook on
# the allocator's entry is registered for PCT % of every second and
# unregistered for the rest, by the module's own work item.
#  1. latency_duty=0 or 101 at load is refused with one kernel-log line;
#  2. the default duty is 100 and is reported by the configuration;
#  3. at 20 % under an allocation load of ~5 s: the histograms fill, the
#     capture time the kernel reports is 10..35 % of the time since the
#     reset, and the hook is listed in enabled_functions at some samples
#     and absent at others;
#  4. a bad duty is refused by the CLI in one line and the configuration
#     is unchanged;
#  5. latency-mode off leaves no hook, and none comes back (the cycle is
#     stopped, not just between windows); the duty is kept while off;
#  6. rmmod while a cycle runs leaves no hook.
. tests/integration/lib.sh
F=/sys/kernel/tracing/enabled_functions
[ -r "$F" ] || fail "$F missing: the hook checks below would prove nothing"
lat_hook() { grep -E "$ALLOC_ENTRY_RE" "$F" | grep bm_lat_entry; }
config() { bctl policy --json; }
duty() { config | pyjson "print(j['latency_duty_pct'])"; }
now_ns() { date +%s%N; }

# 1. Out of range at load: refused, one line saying the range.
for bad in 0 101; do
	if insmod "$MODDIR/buddy_monitor.ko" latency=1 latency_duty=$bad 2>/dev/null; then
		rmmod buddy_monitor
		fail "latency_duty=$bad was accepted at load"
	fi
	dmesg | grep -q 'invalid module parameters: latency_duty must be 1\.\.100' ||
		fail "no kernel-log line for latency_duty=$bad"
done
lsmod | grep -q '^buddy_monitor ' && fail "the monitor stayed loaded after a refused load"
lat_hook && fail "a refused load left the latency hook behind"
note "1. latency_duty=0 and 101 refused at load: $(dmesg | grep 'latency_duty must be' | tail -n1 | sed 's/^\[[^]]*\] //')"

# 2. The default: capture off, duty 100.
load_monitor
[ "$(duty)" = 100 ] || fail "default latency duty is $(duty), not 100"
lat_hook && fail "a latency hook while capture is off"

# 3. 20 % under load.
bctl latency-mode on --duty 20 > /tmp/duty-on.txt || fail "latency-mode on --duty 20 failed"
grep -q '20 % duty' /tmp/duty-on.txt || fail "latency-mode on --duty 20 did not say the duty: $(cat /tmp/duty-on.txt)"
config | pyjson "assert j['latency'] is True and j['latency_duty_pct'] == 20, j" ||
	fail "the configuration does not read back capture on at 20 %"
t0=$(now_ns)
bctl reset || fail "reset failed"
stress-ng --vm 2 --vm-bytes 10% --fork 1 --timeout 5s --quiet &
stress=$!
# Sample the hook every ~100 ms while the load runs: at 20 % of each
# second it must be seen on and off.
on=0
off=0
i=0
while [ $i -lt 45 ]; do
	if lat_hook >/dev/null; then on=$((on + 1)); else off=$((off + 1)); fi
	sleep 0.1
	i=$((i + 1))
done
wait "$stress" || fail "stress-ng failed"
bctl latency --json > /tmp/duty-lat.json || fail "latency --json failed"
t1=$(now_ns)
bctl latency > /tmp/duty-lat.txt || fail "latency failed"
note "3. hook seen at $on of $((on + off)) samples; $(head -n1 /tmp/duty-lat.txt)"
[ "$on" -ge 1 ] || fail "the hook never showed in $F at 20 % duty ($off samples)"
[ "$off" -ge 1 ] || fail "the hook was always in $F at 20 % duty ($on samples)"
grep -q '^sampled: 20 % duty, hook on ' /tmp/duty-lat.txt ||
	fail "buddyctl latency does not say the duty: $(head -n1 /tmp/duty-lat.txt)"
python3 - "$((t1 - t0))" <<'PY' || fail "duty-cycled capture is off its duty or timed nothing"
import json, sys
elapsed = int(sys.argv[1])
j = json.load(open('/tmp/duty-lat.json'))
assert j['latency_duty_pct'] == 20, j['latency_duty_pct']
timed = sum(o['fast']['count'] + o['slow']['count'] for o in j['orders'])
o0 = [o for o in j['orders'] if o['order'] == 0][0]
share = j['capture_ns'] / elapsed
print('timed %d calls (order 0: %d), %d not timed; hook on %.2f s of %.2f s (%.0f %%)'
      % (timed, o0['count'], o0['missed'], j['capture_ns'] / 1e9, elapsed / 1e9, 100 * share))
assert o0['count'] > 0 and timed > 0, 'histograms empty'
assert all(o['capture_ns'] == j['capture_ns'] for o in j['orders']), 'capture_ns differs per order'
assert 0.10 <= share <= 0.35, 'capture time %.0f %% of the elapsed time, not 10..35 %%' % (100 * share)
PY

# 4. Bad duty: one line, nothing changed.
ref=$(config) || fail "policy --json failed"
for bad in 0 101 abc -5; do
	out=$(bctl latency-mode on --duty "$bad" 2>&1) && fail "'latency-mode on --duty $bad' succeeded"
	[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "'--duty $bad': not one line: $out"
	note "4. buddyctl latency-mode on --duty $bad -> $out"
	[ "$(config)" = "$ref" ] || fail "'latency-mode on --duty $bad' changed the configuration"
done

# A change while on starts a new cycle at the new duty.
bctl latency-mode on --duty 50 > /dev/null || fail "latency-mode on --duty 50 failed"
[ "$(duty)" = 50 ] || fail "duty reads $(duty) after --duty 50"

# 5. Off: no hook now, nor a second later (no window comes back).
bctl latency-mode off > /dev/null || fail "latency-mode off failed"
i=0
while [ $i -lt 15 ]; do
	lat_hook && fail "the latency hook is listed after latency-mode off (sample $i)"
	sleep 0.1
	i=$((i + 1))
done
config | pyjson "assert j['latency'] is False and j['latency_duty_pct'] == 50, j" ||
	fail "capture off should keep the duty (50)"
note "5. latency-mode off: no hook over 1.5 s, duty kept at 50"

# 6. Unload in the middle of a cycle.
bctl latency-mode on --duty 10 > /dev/null || fail "latency-mode on --duty 10 failed"
sleep 1.3
unload_monitor
lat_hook && fail "the latency hook was left behind by rmmod during a duty cycle"
sleep 1.2
lat_hook && fail "a latency hook came back after rmmod"
lsmod | grep -q '^buddy_monitor ' && fail "module still listed"
note "6. rmmod during a 10 % cycle: no hook left"
note ok
