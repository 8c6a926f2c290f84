#!/bin/sh
# The fragmenter's heaviest request after memory was exhausted: a tmpfs
# filled to PIN_LEAVE_PCT (default 2) percent available with holes punched,
# then per round the hot test holds order-1 pages until its memory floor
# stops it, and `fragment pin --percent 100 --sweep-percent 95` sweeps what
# is left. Later rounds add an anonymous-memory load that drives the OOM
# killer, and a loop writing /proc/sys/vm/compact_memory keeps kcompactd
# busy throughout. Run it with `scripts/vm-run --mem 1G --stop-on-stall 60`:
# a stall then stops the guest and vm-whose says whose frames it holds.
. tests/integration/lib.sh
rounds=${PIN_ROUNDS:-6}
case $rounds in '' | *[!0-9]*) fail "PIN_ROUNDS must be a number, not '$rounds'" ;; esac
load_monitor
load_hot
mount_fill_tmpfs
note "fill: $(python3 scripts/fill.py /mnt/fill 256 "${PIN_LEAVE_PCT:-2}")"
(while :; do echo 1 > /proc/sys/vm/compact_memory; sleep 3; done) &
compactor=$!
for r in $(seq 1 "$rounds"); do
	case $r in 1 | 2) gfp=kernel ;; 3 | 4) gfp=retry ;; *) gfp=light ;; esac
	bctl hot run --order 1 --count 65536 --gfp $gfp >/dev/null || fail "hot run"
	while bctl hot status | grep -q 'state running'; do sleep 1; done
	load=
	if [ "$r" -gt $((rounds / 2)) ]; then
		stress-ng --vm 2 --vm-bytes 40% --vm-keep --timeout 120 --quiet &
		load=$!
		sleep 5
	fi
	start=$(date +%s)
	out=$(timeout 600 "$BUDDYCTL" fragment pin --percent 100 --sweep-percent 95) ||
		fail "round $r: pin failed or timed out: $out"
	note "round $r (gfp $gfp${load:+, stress-ng}): $(($(date +%s) - start)) s: $out"
	bctl fragment release >/dev/null || fail "release"
	bctl hot release >/dev/null || fail "hot release"
	[ -z "$load" ] || { kill "$load"; wait "$load" 2>/dev/null; }
done
kill "$compactor"
note "passed: pin after exhaustion: $rounds rounds"
