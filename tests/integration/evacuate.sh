#!/bin/sh
# vm-matrix: yes
# vm-smoke: yes
# vm-mem: 768M
# vm-timeout: 600
# vm-alone: yes
# The evacuate policy against the kernel's own view, on a fragmented heap:
#  - its hook on try_to_compact_pages appears only once the policy is chosen
#    and is gone after rmmod;
#  - at threshold 0 every direct compaction the tuner decides on is handed
#    to the evacuator (requests == decisions), and the kernel's compaction
#    tracepoint fires exactly for the ones it passed back (requests - blocks
#    - not_compacted): it fails a request without compacting where no block
#    could be emptied anywhere (so the requests beyond the limit do, when
#    the run took every recoverable block) and everywhere indirect branch
#    tracking seals try_to_compact_pages;
#  - each emptied block went to a request (order-10 successes >= blocks);
#  - with pinned blocks in the way it gets at least as many blocks as the
#    kernel's own compaction on the same scenario (within 2 where the hot
#    test's memory floor ended both: seen 70 vs 71) and stops only at the
#    physical limit: the hot test's memory floor, or every recoverable
#    block taken;
#  - rmmod while requests are being evacuated is clean (vm-run fails the
#    test on any kernel warning).
. tests/integration/lib.sh
F=/sys/kernel/tracing/enabled_functions
T=/sys/kernel/tracing/events/compaction/mm_compaction_try_to_compact_pages
[ -d "$T" ] || fail "no compaction:mm_compaction_try_to_compact_pages tracepoint"
hist='hist:keys=order:vals=hitcount'
filter='if order >= 3'
hooked() { grep -q '^try_to_compact_pages' "$F"; }

load_monitor
load_hot
hooked && fail "try_to_compact_pages hooked before the evacuate policy was chosen"

mount_fill_tmpfs
# scenario N: fill, punch holes, pin unmovable pages in half the blocks.
scenario() {
	rm -rf /mnt/fill/*
	bctl fragment release >/dev/null 2>&1 || true
	python3 scripts/fill.py /mnt/fill 256 8 >/dev/null || fail "fill failed"
	bctl fragment pin --percent 50 --sweep-percent 90 --seed "$1" >/dev/null ||
		fail "fragment pin failed"
}

# trial NAME: ask for more order-10 blocks than can exist; print successes.
trial() {
	bctl reset
	echo "$hist $filter" > "$T/trigger"
	bctl frag --json > "/tmp/$1.frag.json"
	want=$(pyjson "print(sum(z['blocks_recoverable'] for z in j['zones']) + 8)" < "/tmp/$1.frag.json")
	bctl hot run --order 10 --count "$want" --gfp retry --json > "/tmp/$1.hot.json" ||
		fail "$1: hot run failed"
	# The filter goes last: "...:pause if ..." (6.12 reads a ":pause" after
	# the filter as part of it and refuses the write).
	echo "$hist:pause $filter" >> "$T/trigger" || fail "cannot pause the histogram"
	compactions=$(awk '/hitcount:/ { n += $NF } END { print n + 0 }' "$T/hist")
	echo "!$hist $filter" >> "$T/trigger"
	bctl tuner-stats --json > "/tmp/$1.tuner.json"
	bctl hot release >/dev/null
	echo "$compactions" > "/tmp/$1.compactions"
}

bctl policy off >/dev/null
scenario 7
trial stock

bctl policy evacuate >/dev/null || fail "policy evacuate refused"
bctl set-threshold 0 >/dev/null
hooked || fail "try_to_compact_pages not in enabled_functions with policy evacuate"
scenario 7
trial evacuate

sealed=0
evacuate_sealed && sealed=1
note "try_to_compact_pages sealed by IBT: $sealed"
SEALED=$sealed python3 - <<'PY' || fail "the evacuator disagrees with the kernel"
import json, os
sealed = os.environ["SEALED"] == "1"
def load(n): return json.load(open("/tmp/" + n))
def ok(h): return sum(1 for a in h["attempts"] if a["ok"])
stock, evac = load("stock.hot.json"), load("evacuate.hot.json")
t = load("evacuate.tuner.json")
e = t["evacuator"]
decisions = sum(o["decisions"] for o in t["orders"])
compactions = int(open("/tmp/evacuate.compactions").read())
print("[evacuate] stock %d blocks; evacuate %d blocks; evacuator %s; decisions %d; "
      "kernel compactions %d" % (ok(stock), ok(evac), json.dumps(e), decisions, compactions))
assert e["blocks"] >= 1, "nothing was evacuated"
assert e["requests"] == decisions, "requests %d != tuner decisions %d" % (e["requests"], decisions)
assert e["attempts"] == e["blocks"] + e["failures"], e
assert e["requests"] == e["blocks"] + e["failures"] + e["no_candidate"] + e["low_memory"] + e["busy"], e
# Every request the evacuator did not satisfy went to the real compaction,
# which the kernel's tracepoint reports, unless it failed the request
# without (not_compacted); satisfied ones never compacted. Where the real
# function cannot be called, none compacted.
fallback = e["requests"] - e["blocks"] - e["not_compacted"]
assert compactions == fallback, \
    "kernel compactions %d != %d (requests %d, blocks %d, not compacted %d, sealed %s)" % (
        compactions, fallback, e["requests"], e["blocks"], e["not_compacted"], sealed)
if sealed:
    assert e["not_compacted"] == e["requests"] - e["blocks"], e
else:
    assert e["not_compacted"] <= e["no_candidate"], e
assert ok(evac) >= e["blocks"], "successes %d < blocks emptied %d" % (ok(evac), e["blocks"])
recoverable = sum(z["blocks_recoverable"] for z in load("evacuate.frag.json")["zones"])
stop = evac["status"]["stop_reason"]
# Past the limit nothing is left to empty, and compaction (which moves only
# movable pages) could not free a block either: failed without it. Unless
# a block was refused: for a few seconds it is skipped, not absent, and a
# request then goes to compaction, which may still free it.
assert stop == "mem_floor" or e["failures"] or e["not_compacted"] >= 1, \
    "every recoverable block taken, yet no request past them failed without compacting: %s" % e
print("[evacuate] stock stopped by %s, evacuate by %s; %d recoverable blocks before"
      % (stock["status"]["stop_reason"], stop, recoverable))
# Where the hot test's memory floor ended both runs, each took what the
# floor allowed, which MemAvailable sets to a block or two either way.
both_floor = stop == "mem_floor" and stock["status"]["stop_reason"] == "mem_floor"
assert ok(evac) >= ok(stock) - (2 if both_floor else 0), \
    "evacuate %d blocks, fewer than stock %d" % (ok(evac), ok(stock))
assert stop == "mem_floor" or ok(evac) >= recoverable, \
    "evacuate stopped by %s at %d blocks, below the limit (%d recoverable)" % (stop, ok(evac), recoverable)
PY

# Unload while requests are being evacuated.
scenario 8
bctl hot run --order 10 --count 200 --gfp retry >/dev/null 2>&1 &
pid=$!
sleep 2
rmmod buddy_monitor || fail "rmmod during evacuation failed"
wait "$pid" || true
hooked && fail "try_to_compact_pages still hooked after rmmod"
bctl hot release >/dev/null
note "ok"
