#!/bin/sh
# vm-matrix: yes
# vm-mem: 768M
# vm-timeout: 600
# The tuner's decisions, checked against the kernel's own view: every direct
# compaction the kernel starts is reported by the compaction:
# mm_compaction_try_to_compact_pages tracepoint with the priority it runs
# at. With always-max (and adaptive at threshold 0) every one of order >=
# min_order must carry priority 0 and match the tuner's raises one for one;
# with off (and adaptive at 100) the priorities are the kernel's own (1 or 2,
# never 0) and the tuner raises nothing.
. tests/integration/lib.sh
load_monitor
load_hot
T=/sys/kernel/tracing/events/compaction/mm_compaction_try_to_compact_pages
[ -d "$T" ] || fail "no compaction:mm_compaction_try_to_compact_pages tracepoint"
hist='hist:keys=order,prio:vals=hitcount:sort=order,prio'

# Fragment before each trial: a tmpfs filled with 256 KiB files, every other
# one deleted, so order-10 requests beyond the few free blocks must compact.
# A base fill stays; each round removes the previous round's top-up and tops
# up afresh (a full-priority compaction leaves memory tidy), which keeps the
# free memory steady and is faster than a fresh fill.
mount_fill_tmpfs
python3 scripts/fill.py /mnt/fill 256 2 base- >/dev/null || fail "fill failed"
round=0
fragment() {
	rm -f /mnt/fill/r$round-*
	round=$((round + 1))
	python3 scripts/fill.py /mnt/fill 256 2 "r$round-" >/dev/null || fail "fill failed"
}

# trial NAME: run order-10 requests under the current policy and compare
# the tracepoint's (order, prio) counts with the tuner's counters.
trial() {
	bctl reset
	echo "$hist" > "$T/trigger"
	# kcompactd, woken by kswapd, often makes the blocks before the
	# requester compacts itself: fragment and ask again, for more blocks
	# each round (at most 6), until the kernel has reported at least one
	# direct compaction. Three rounds of 10 once all went to kcompactd on
	# 6.1-rt.
	for r in 1 2 3 4 5 6; do
		fragment
		# More order-10 blocks than are free, so some must come from compaction.
		free10=$(bctl frag --json | pyjson "print(sum(z['blocks_free'] for z in j['zones']))")
		bctl hot run --order 10 --count $((free10 + 10 * r)) --gfp retry > /tmp/hot.txt ||
			fail "$1: hot run failed"
		note "$1 round $r: $free10 free order-10 blocks; $(head -n1 /tmp/hot.txt)"
		bctl hot release >/dev/null
		bctl hot run --order 4 --count 200 --gfp retry >/dev/null || fail "$1: hot run failed"
		bctl hot release >/dev/null
		grep -q "} hitcount:" "$T/hist" && break
	done
	echo "$hist:pause" >> "$T/trigger"
	cat "$T/hist" > /tmp/hist.txt
	echo "!$hist" >> "$T/trigger"
	bctl tuner-stats --json > /tmp/tuner.json
	bctl stats --json > /tmp/stats.json
	python3 - "$1" "$2" <<'PY' || fail "$1: the tuner disagrees with the kernel"
import json, re, sys
name, expect = sys.argv[1], sys.argv[2]
seen = {}
for m in re.finditer(r'\{ order:\s*(\d+), prio:\s*(\d+) \} hitcount:\s*(\d+)',
                     open('/tmp/hist.txt').read()):
    seen[(int(m.group(1)), int(m.group(2)))] = int(m.group(3))
tuner = {t['order']: t for t in json.load(open('/tmp/tuner.json'))['orders']}
stats = {o['order']: o for o in json.load(open('/tmp/stats.json'))['orders']}
total = sum(seen.values())
print('%s: kernel saw %s' % (name, ', '.join('order %d prio %d: %d' % (o, p, n)
                                            for (o, p), n in sorted(seen.items()))))
assert total > 0, 'no direct compaction happened: the test proves nothing'
for order in range(3, 11):
    at = {p: seen.get((order, p), 0) for p in range(3)}
    n = sum(at.values())
    t = tuner[order]
    # The monitor's own per-priority counts come from the same tracepoint.
    by_prio = stats[order]['compact_by_prio']
    assert [by_prio['sync_full'], by_prio['sync_light'], by_prio['async']] == [at[0], at[1], at[2]], \
        (order, by_prio, at)
    if expect == 'max':
        assert at[1] == at[2] == 0, ('order %d ran below full priority' % order, at)
        assert t['raises'] == at[0], ('order %d: %d raises, kernel saw %d at prio 0' % (order, t['raises'], at[0]))
        assert stats[order]['raises'] == t['raises'], (stats[order]['raises'], t['raises'])
    else:
        assert at[0] == 0, ('order %d: the kernel ran at prio 0 with the tuner off' % order, at)
        assert t['raises'] == 0, ('order %d raised %d' % (order, t['raises']))
print('%s: %d direct compactions, all as expected (%s)' % (name, total, expect))
PY
}

bctl policy off;        trial off kernel
# always-max runs with the function tracer on the very function the tuner
# hooks: another ftrace user must not break either side.
TR=/sys/kernel/tracing
echo __alloc_pages_direct_compact > $TR/set_ftrace_filter || fail "cannot filter the function tracer"
echo function > $TR/current_tracer
bctl policy always-max; trial always-max max
grep -q __alloc_pages_direct_compact $TR/trace ||
	fail "the function tracer saw no __alloc_pages_direct_compact beside the tuner"
echo nop > $TR/current_tracer
echo > $TR/set_ftrace_filter
note "the function tracer and the tuner shared __alloc_pages_direct_compact"
bctl policy adaptive; bctl set-threshold 0;   trial adaptive-0 max
bctl policy adaptive; bctl set-threshold 100; trial adaptive-100 kernel

# Policy switches and unload while direct compaction is under way.
fragment
( bctl hot run --order 10 --count 40 --gfp retry >/dev/null 2>&1 ) &
hot=$!
for p in observe adaptive always-max off observe adaptive always-max off; do
	bctl policy "$p" || fail "switching to $p under load failed"
	sleep 1
done
bctl policy always-max
rmmod buddy_monitor || fail "rmmod under load failed"
wait "$hot"
bctl hot release >/dev/null 2>&1 || true
note ok
