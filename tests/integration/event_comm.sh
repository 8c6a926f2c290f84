#!/bin/sh
# vm-mem: 768M
# vm-timeout: 400
# Events from a process whose name is cut in the middle of a character.
# The kernel keeps 15 bytes of a task's name: "xyééééééé" (2 + 7 * 2 bytes)
# becomes "xy", six "é" and the first byte of the seventh, which is not
# UTF-8. That process makes order-9 allocations that fail (transparent huge
# page faults with defrag off, after every free order-9 block is held), so
# the monitor reports alloc_fail events carrying its name. `buddyctl events`
# in text and in --json mode must both run to the end and print valid UTF-8,
# and the name must arrive with the cut byte replaced.
. tests/integration/lib.sh
load_monitor
load_hot
THP=/sys/kernel/mm/transparent_hugepage
[ -w "$THP/enabled" ] || fail "no transparent huge pages to fault"
old_enabled=$(sed 's/.*\[\(.*\)\].*/\1/' "$THP/enabled")
old_defrag=$(sed 's/.*\[\(.*\)\].*/\1/' "$THP/defrag")
old_extfrag=$(cat /proc/sys/vm/extfrag_threshold)
old_proactive=$(cat /proc/sys/vm/compaction_proactiveness)
restore() {
	echo "$old_enabled" > "$THP/enabled"
	echo "$old_defrag" > "$THP/defrag"
	echo "$old_extfrag" > /proc/sys/vm/extfrag_threshold
	echo "$old_proactive" > /proc/sys/vm/compaction_proactiveness
}

# Few free order-9 blocks: movable fill with holes of 256 KiB; kswapd and
# kcompactd must not rebuild order-9 blocks behind our back (an extfrag
# threshold of 1000 makes compaction unsuitable for every costly order).
mount_fill_tmpfs
python3 scripts/fill.py /mnt/fill 256 3 >/dev/null || fail "fill failed"
echo 1000 > /proc/sys/vm/extfrag_threshold
echo 0 > /proc/sys/vm/compaction_proactiveness
echo madvise > "$THP/enabled"
echo never > "$THP/defrag"

"$BUDDYCTL" events --timeout 40s > /tmp/ev.txt 2> /tmp/ev.txt.err &
text=$!
"$BUDDYCTL" events --json --timeout 40s > /tmp/ev.json 2> /tmp/ev.json.err &
json=$!
sleep 3 # subscribed: the module sends only while someone listens

# Hold whatever order-9 blocks are left (the light GFP mode neither
# reclaims nor compacts: it fails at once when none is free).
blocks=$(awk '/^MemTotal:/ { print int($2 / 2048) - 1 }' /proc/meminfo)
bctl hot run --order 9 --count "$blocks" --gfp light --hold-until-fail >/tmp/hot.txt ||
	{ restore; fail "hot run failed: $(cat /tmp/hot.txt)"; }
note "held: $(head -n1 /tmp/hot.txt)"

python3 - > /tmp/faulter.txt <<'PY' || { restore; fail "the faulting process failed"; }
import ctypes, mmap, os
libc = ctypes.CDLL(None, use_errno=True)
name = ("xy" + "é" * 7).encode()
assert len(name) == 16 and libc.prctl(15, name, 0, 0, 0) == 0  # PR_SET_NAME
comm = open("/proc/self/comm", "rb").read().rstrip(b"\n")
assert comm == name[:15], comm
size = 128 << 20
# Private: a shared anonymous mapping is shmem, whose huge pages are off.
m = mmap.mmap(-1, size + (2 << 20), flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
m.madvise(mmap.MADV_HUGEPAGE)
for off in range(0, size, 2 << 20):  # one huge page fault per 2 MiB
    m[off] = 1
print(os.getpid())
PY
pid=$(cat /tmp/faulter.txt)
note "faulting process $pid done; $(grep -E '^thp_fault_(alloc|fallback) ' /proc/vmstat | tr '\n' ' ')"
# The faulter's events are sent by now; --timeout is the bound if it hung.
sleep 2
kill -INT "$text" "$json" 2>/dev/null
wait "$text" || { restore; fail "buddyctl events (text) failed: $(cat /tmp/ev.txt.err)"; }
wait "$json" || { restore; fail "buddyctl events --json failed: $(cat /tmp/ev.json.err)"; }
restore
bctl hot release >/dev/null
note "text: $(cat /tmp/ev.txt.err); json: $(cat /tmp/ev.json.err)"

python3 - "$pid" <<'PY' || fail "events from a cut name are wrong"
import json, sys
pid = int(sys.argv[1])
want = "xy" + "é" * 6 + "?"  # the module replaces the cut byte with '?'
text = open("/tmp/ev.txt", "rb").read().decode("utf-8")  # strict: raises on invalid UTF-8
raw = open("/tmp/ev.json", "rb").read().decode("utf-8")
events = [json.loads(line) for line in raw.splitlines()]
ours = [e for e in events if e.get("pid") == pid]
assert ours, "no event from pid %d among %d events" % (pid, len(events))
assert all(e["comm"] == want for e in ours), [e["comm"] for e in ours]
assert any(e["type"] == "alloc_fail" and e["order"] == 9 for e in ours), ours[:3]
lines = [l for l in text.splitlines() if " pid=%d " % pid in l]
assert lines, "no text event from pid %d" % pid
assert all(" comm=%s " % want in l for l in lines), lines[:3]
print("%d json and %d text events from pid %d, comm %r" % (len(ours), len(lines), pid, want))
PY
unload_monitor
note ok
