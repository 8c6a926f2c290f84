#!/bin/sh
# requests == successes + failures, and slow-path entries and compaction
# attempts never exceed requests, for every order, in every sample taken
# while both vCPUs allocate concurrently.
. tests/integration/lib.sh
load_monitor
load_hot

stress-ng --vm 2 --vm-bytes 25% --fork 2 --timeout 25s --quiet &
stress=$!
( for i in 1 2 3 4 5 6; do
	bctl hot run --order 4 --count 200 --gfp light >/dev/null 2>&1
	bctl hot release >/dev/null 2>&1
  done ) &
hot=$!

# Sample as fast as buddyctl can (python would slow the sampling under
# TCG); check every sample afterwards.
mkdir -p /tmp/samples
samples=0
while kill -0 "$stress" 2>/dev/null; do
	bctl stats --json > /tmp/samples/$samples.json || fail "stats failed under load"
	samples=$((samples + 1))
done
python3 - /tmp/samples/*.json <<'PY' || fail "an invariant broke under load"
import json, sys
for path in sys.argv[1:]:
    for o in json.load(open(path))['orders']:
        assert o['requests'] == o['successes'] + o['failures'], (path, o)
        assert o['slowpath'] <= o['requests'], (path, o)
        assert o['compact_attempts'] <= o['requests'], (path, o)
PY
wait "$hot" || true
total=$(bctl stats --json | pyjson "print(sum(o['requests'] for o in j['orders']))")
note "$samples samples under load, $total requests counted, invariants held"
[ "$samples" -ge 5 ] || fail "only $samples samples taken"
[ "$total" -gt 10000 ] || fail "the load made only $total requests"
unload_monitor
note ok
