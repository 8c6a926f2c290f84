#!/bin/sh
# vm-matrix: yes
# vm-smoke: yes
# Drive a known number of allocations of given orders from inside the kernel
# (high_order_test.ko) and check the monitor's counters moved by exactly that.
# Orders 5, 7 and 9 are quiet in an idle guest (SLUB's slabs stop at order 3,
# THP is order 9 but needs anonymous faults we do not make), so any
# difference is the monitor's error.
. tests/integration/lib.sh
load_monitor
load_hot

for spec in "5 37" "7 23" "9 11"; do
	set -- $spec
	order=$1 count=$2
	before=$(bctl stats --order "$order" --json) || fail "stats failed"
	bctl hot run --order "$order" --count "$count" --gfp kernel >/dev/null ||
		fail "hot run order $order failed"
	after=$(bctl stats --order "$order" --json) || fail "stats failed"
	bctl hot release >/dev/null || fail "hot release failed"
	printf '%s\n%s\n' "$before" "$after" | python3 -c "
import json, sys
b, a = (json.loads(l) for l in sys.stdin)
ob = [o for o in b['orders'] if o['order'] == $order][0]
oa = [o for o in a['orders'] if o['order'] == $order][0]
d = {k: oa[k] - ob[k] for k in ('requests', 'successes', 'failures')}
print('order $order: +%(requests)d requests, +%(successes)d successes, +%(failures)d failures' % d)
assert d['requests'] == $count, ('requests moved by', d['requests'], 'want', $count)
assert d['successes'] + d['failures'] == $count, d
" || fail "order $order counters did not move by exactly $count"
done
unload_monitor
note ok
