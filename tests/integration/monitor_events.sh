#!/bin/sh
# vm-mem: 768M
# vm-timeout: 600
# The event stream against the kernel's own view, while `buddyctl events
# --json` listens:
#  1. compaction outcomes: order-10 requests on a fragmented heap force
#     direct compaction (policy observe, threshold 0, so the tuner decides
#     and reports every one without changing it). Each direct compaction is
#     one compact event: (order, prio) as the kernel's
#     compaction:mm_compaction_try_to_compact_pages tracepoint counts them,
#     results as the monitor's own counters, stalls as vmstat's compact_stall.
#  2. background triggers: one background event per trigger counted.
#  3. the rate limit: with events_per_sec=5 a burst of order-10 failures is
#     mostly dropped, and every event is either received or counted dropped.
. tests/integration/lib.sh
load_monitor
load_hot
T=/sys/kernel/tracing/events/compaction/mm_compaction_try_to_compact_pages
[ -d "$T" ] || fail "no compaction:mm_compaction_try_to_compact_pages tracepoint"
hist='hist:keys=order,prio:vals=hitcount:sort=order,prio'

mount_fill_tmpfs
python3 scripts/fill.py /mnt/fill 256 2 base- >/dev/null || fail "fill failed"

vmstat() { grep -E '^compact_(stall|fail|success) ' /proc/vmstat; }

# listen: start `buddyctl events --json` in the background into $1. Not
# through bctl: a backgrounded function is a subshell, which would get the
# signal instead of buddyctl.
listen() {
	"$BUDDYCTL" events --json > "$1" 2> "$1.err" &
	ev=$!
	sleep 2 # subscribed: the module sends only while someone listens
}
# stop_listening: let the module's drain work run, then stop the listener.
stop_listening() {
	sleep 2
	kill -TERM "$ev"
	wait "$ev" || fail "buddyctl events failed: $(cat "$1.err")"
	grep -q "overrun" "$1.err" && fail "the listener's socket overran: $(cat "$1.err")"
	note "$(cat "$1.err")"
}

# ---- 1. compaction outcomes --------------------------------------------------
bctl policy observe >/dev/null && bctl set-threshold 0 >/dev/null || fail "cannot set policy observe"
listen /tmp/ev1.jsonl
bctl reset || fail "reset failed"
bctl stats --json > /tmp/s0.json
vmstat > /tmp/vm0
echo "$hist" > "$T/trigger"
round=0
for r in 1 2 3; do
	rm -f /mnt/fill/r$round-*
	round=$((round + 1))
	python3 scripts/fill.py /mnt/fill 256 2 "r$round-" >/dev/null || fail "fill failed"
	free10=$(bctl frag --json | pyjson "print(sum(z['blocks_free'] for z in j['zones']))")
	bctl hot run --order 10 --count $((free10 + 10)) --gfp retry > /tmp/hot.txt || fail "hot run failed"
	note "round $r: $free10 free order-10 blocks; $(head -n1 /tmp/hot.txt)"
	bctl hot release >/dev/null
	grep -q "order: *10, prio: .*hitcount:" "$T/hist" && break
done
echo "$hist:pause" >> "$T/trigger"
cat "$T/hist" > /tmp/hist.txt
echo "!$hist" >> "$T/trigger"
vmstat > /tmp/vm1
bctl stats --json > /tmp/s1.json
bctl tuner-stats --json > /tmp/t1.json
stop_listening /tmp/ev1.jsonl
python3 - <<'PY' || fail "compact events disagree with the kernel"
import collections, json, re
evs = [json.loads(l) for l in open('/tmp/ev1.jsonl')]
s0, s1 = json.load(open('/tmp/s0.json')), json.load(open('/tmp/s1.json'))
t1 = json.load(open('/tmp/t1.json'))
lo, hi = s0['now_ns'], s1['now_ns']
win = [e for e in evs if lo <= e['time_ns'] <= hi]
compact = [e for e in win if e['type'] == 'compact']
tuner = [e for e in win if e['type'] == 'tuner']
vm = [{l.split()[0]: int(l.split()[1]) for l in open(p)} for p in ('/tmp/vm0', '/tmp/vm1')]
stall = vm[1]['compact_stall'] - vm[0]['compact_stall']
tp = collections.Counter()
for m in re.finditer(r'\{ order:\s*(\d+), prio:\s*(\d+) \} hitcount:\s*(\d+)',
                     open('/tmp/hist.txt').read()):
    tp[(int(m.group(1)), int(m.group(2)))] = int(m.group(3))
dropped = s1['events_dropped'] - s0['events_dropped']
prios = {'sync_full': 0, 'sync_light': 1, 'async': 2}
results = {'not_suitable_zone', 'skipped', 'deferred', 'no_suitable_page', 'continue',
           'complete', 'partial_skipped', 'contended', 'success'}
print('kernel: %s; vmstat compact_stall +%d; events: %d compact, %d tuner, %d dropped' % (
    dict(tp), stall, len(compact), len(tuner), dropped))

# Every compact event is complete and names a known priority and result.
for e in compact:
    for k in ('order', 'gfp', 'prio', 'orig_prio', 'result', 'cpu', 'pid', 'comm', 'dropped'):
        assert k in e, ('compact event without %s' % k, e)
    assert e['prio'] in prios and e['orig_prio'] in prios and e['result'] in results, e
    # observe never changes the priority: what ran is the kernel's own.
    assert e['prio'] == e['orig_prio'], ('observe changed a priority', e)
o10 = [e for e in compact if e['order'] == 10]
assert o10, 'no order-10 compact event'
assert sum(n for (o, _), n in tp.items() if o == 10) >= 1, 'the kernel saw no order-10 direct compaction'

# The dropped field: the running count, so never decreasing, never above
# the module's final count.
d = [e.get('dropped', 0) for e in evs]
assert d == sorted(d), ('dropped went down', d)
assert not d or d[-1] <= s1['events_dropped'], (d[-1], s1['events_dropped'])

# A compact event per direct compaction that can do I/O (the kernel's
# tracepoint fires only after the __GFP_IO check).
ev_tp = collections.Counter((e['order'], prios[e['prio']]) for e in compact if e['gfp'] & 0x40)
not_skipped = sum(1 for e in compact if e['result'] != 'skipped')
by_result = collections.Counter((e['order'], e['result']) for e in compact)
mon = collections.Counter()
for o0, o1 in zip(s0['orders'], s1['orders']):
    for r in results:
        n = o1['compact_by_result'][r] - o0['compact_by_result'][r]
        if n:
            mon[(o1['order'], r)] = n
tuner_decisions = {o['order']: o['decisions'] for o in t1['orders'] if o['decisions']}
tuner_events = collections.Counter(e['order'] for e in tuner)
if dropped == 0:
    assert ev_tp == tp, ('events (order, prio) %s, tracepoint %s' % (dict(ev_tp), dict(tp)))
    assert not_skipped == stall, ('%d compact events not skipped, vmstat compact_stall +%d'
                                  % (not_skipped, stall))
    assert by_result == mon, ('events by result %s, monitor counters %s' % (dict(by_result), dict(mon)))
    assert dict(tuner_events) == tuner_decisions, (dict(tuner_events), tuner_decisions)
else:
    assert sum(ev_tp.values()) <= sum(tp.values()) <= sum(ev_tp.values()) + dropped, (ev_tp, tp, dropped)
    assert not_skipped <= stall <= not_skipped + dropped, (not_skipped, stall, dropped)
# Each tuner decision is followed by its compaction's outcome, same task.
for t in tuner:
    assert t['prio'] == t['orig_prio'] and 'result' not in t, t
    assert any(c['pid'] == t['pid'] and c['order'] == t['order'] and c['time_ns'] >= t['time_ns']
               for c in compact), ('a tuner event without its compact event', t)
print('compact events match: %d order-10 of %d; results %s' % (
    len(o10), len(compact), dict(collections.Counter(e['result'] for e in compact))))
PY

# ---- 2. background triggers --------------------------------------------------
listen /tmp/ev2.jsonl
bctl tuner-stats --json > /tmp/t0.json
bctl background on --order 10 --interval-ms 100 >/dev/null || fail "background on failed"
sleep 5
bctl background off >/dev/null || fail "background off failed"
bctl tuner-stats --json > /tmp/t1.json
stop_listening /tmp/ev2.jsonl
python3 - <<'PY' || fail "background events disagree with the trigger count"
import json
evs = [json.loads(l) for l in open('/tmp/ev2.jsonl')]
t0, t1 = json.load(open('/tmp/t0.json')), json.load(open('/tmp/t1.json'))
triggers = t1['background']['triggers'] - t0['background']['triggers']
bg = [e for e in evs if e['type'] == 'background']
print('background: %d triggers, %d events' % (triggers, len(bg)))
assert triggers >= 1, 'no background trigger at threshold 0 on a fragmented heap'
assert len(bg) == triggers, (len(bg), triggers)
assert all(e['order'] == 10 and 'unusable_pct' in e for e in bg), bg
PY

# ---- 3. the rate limit ---------------------------------------------------------
unload_monitor
load_monitor events_per_sec=5
listen /tmp/ev3.jsonl
bctl stats --json > /tmp/s0.json
bctl tuner-stats --json > /tmp/t0.json
# light: no direct compaction, so the attempts beyond the free blocks fail
# fast (150 blocks of 4 MiB: as many as the module allows in this guest).
bctl hot run --order 10 --count 150 --gfp light > /tmp/hot.txt || fail "hot run failed"
note "$(head -n1 /tmp/hot.txt)"
bctl hot release >/dev/null
sleep 2
bctl stats --json > /tmp/s1.json
bctl tuner-stats --json > /tmp/t1.json
stop_listening /tmp/ev3.jsonl
python3 - <<'PY' || fail "the rate limit's accounting does not add up"
import json
evs = [json.loads(l) for l in open('/tmp/ev3.jsonl')]
s0, s1 = json.load(open('/tmp/s0.json')), json.load(open('/tmp/s1.json'))
t0, t1 = json.load(open('/tmp/t0.json')), json.load(open('/tmp/t1.json'))
lo, hi = s0['now_ns'], s1['now_ns']
win = [e for e in evs if lo <= e['time_ns'] <= hi]
def delta(key):
    return sum(b[key] - a[key] for a, b in zip(s0['orders'], s1['orders']))
failures = delta('failures')
compactions = sum(sum(b['compact_by_result'].values()) - sum(a['compact_by_result'].values())
                  for a, b in zip(s0['orders'], s1['orders']))
decisions = sum(b['decisions'] - a['decisions'] for a, b in zip(t0['orders'], t1['orders']))
triggers = t1['background']['triggers'] - t0['background']['triggers']
emitted = failures + compactions + decisions + triggers
dropped = s1['events_dropped'] - s0['events_dropped']
sent = s1['events_sent'] - s0['events_sent']
secs = (hi - lo) / 1e9
print('rate limit 5/s over %.1f s: %d emitted (%d failures), %d received, %d sent, %d dropped'
      % (secs, emitted, failures, len(win), sent, dropped))
assert failures >= 50, ('expected >= 50 order-10 failures', failures)
# Every event is either sent or dropped, and the listener got every one sent.
assert len(win) == sent, (len(win), sent)
assert sent + dropped == emitted, (sent, dropped, emitted)
# A one-second window of 5 events, approximate at the window's edge.
assert sent <= 5 * (int(secs) + 2), ('more than the rate allows', sent, secs)
assert dropped > 0, 'nothing dropped: the test proves nothing'
# Each event carries the running dropped count as the module kept it.
d = [e['dropped'] for e in win]
assert d == sorted(d) and d[-1] <= s1['events_dropped'], d
assert all(e['type'] == 'alloc_fail' for e in win if e.get('order') == 10), win
PY
unload_monitor
note ok
