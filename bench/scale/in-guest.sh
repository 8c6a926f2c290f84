#!/bin/sh
# One memory size of the scale bench, inside a fresh guest (bench/scale/run
# boots one per size). Usage: in-guest.sh OUT.json
#
# The heap is the challenge's standard scenario (bench/challenge/guest-run.sh:
# 256 KiB tmpfs files down to 8 % available, every other one deleted, then
# unmovable pins in 85 % of the touched 4 MiB blocks), so every 4 MiB block
# is in use and the memmap scans walk every struct page they can. Then, each
# REPS times (default 5), the wall time of:
#   frag     buddyctl frag --json as root: free lists + the physical-limit
#            scan, computed for the caller
#   export   buddyctl export --prometheus: every figure once, the scan included
#   stats    buddyctl stats --json: per-CPU counters only, the reference
# and from the module's own cost counters (buddyctl info, after a reset):
#   scan     the longest memmap scan of one frag read
#   hold     the longest zone->lock hold (interrupts off) of one frag read
#   cand     the longest candidate scan of the evacuate policy, over 8
#            order-10 requests past the free blocks
# Last, cyclictest (one thread, SCHED_FIFO 80, 1 ms interval, CT_S seconds,
# default 20) without and then beside an unprivileged `buddyctl watch`
# (nobody, one frame a second): the maximum and mean wake-up latency.
set -eu
out=$1
REPS=${REPS:-5} CT_S=${CT_S:-20}
b=./build/cli/buddyctl
tmp=$(mktemp -d)
log() { echo "[scale] $*" >&2; }
now() { date +%s%N; }
# ms START_NS: milliseconds since START_NS
ms() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f\n", (b - a) / 1e6 }'; }
info() { $b info --json | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

. scripts/guest-lib.sh
insmod "$(module_dir)/buddy_monitor.ko"
insmod "$(module_dir)/high_order_test.ko"
$b policy off
mem_kib=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
log "$((mem_kib / 1024)) MiB: filling memory with movable pages and punching holes"
mkdir -p /mnt/fill
mount -t tmpfs -o size=100% tmpfs /mnt/fill
python3 scripts/fill.py /mnt/fill 256 8 > "$tmp/fill.json"
log "pinning unmovable pages"
$b fragment pin --percent 85 --sweep-percent 90 --seed 42 --json > "$tmp/pin.json"

timed() {  # NAME COMMAND...: REPS wall times in ms, one per line, to $tmp/NAME
	name=$1; shift
	: > "$tmp/$name"
	for _ in $(seq "$REPS"); do
		t0=$(now)
		"$@" > /dev/null
		ms "$t0" >> "$tmp/$name"
	done
}
log "timing reads"
timed frag $b frag --json
timed export $b export --prometheus
timed stats $b stats --json
$b reset
$b frag --json > "$tmp/frag.json"
scan_ns=$(info max_scan_ns)
hold_ns=$(info max_lock_hold_ns)

# The free 4 MiB blocks go first (fast path); the 8 after them each enter
# direct compaction, where the policy scans for candidates.
free_blocks=$(python3 -c "import json,sys; print(sum(z['blocks_free'] for z in json.load(open(sys.argv[1]))['zones']))" "$tmp/frag.json")
log "evacuate: $free_blocks free 4 MiB blocks, then 8 order-10 requests that need evacuation"
$b policy evacuate
$b set-threshold 0
$b reset
$b hot run --order 10 --count $((free_blocks + 8)) --gfp retry --json > "$tmp/hot.json"
cand_ns=$(info max_scan_ns)
$b tuner-stats --json > "$tmp/tuner.json"
$b hot release > /dev/null
$b policy off

cyclic() {  # NAME: cyclictest for CT_S seconds, its summary to $tmp/NAME.ct
	cyclictest -q -m -t 1 -p 80 -i 1000 -D "$CT_S" > "$tmp/$1.ct" 2>&1
}
log "cyclictest ${CT_S}s alone, then beside an unprivileged watch"
cyclic alone
setpriv --reuid=nobody --regid=nogroup --clear-groups $b watch --interval 1s > "$tmp/watch.txt" 2>&1 &
watch=$!
cyclic watch
kill "$watch" 2>/dev/null || true
wait "$watch" 2>/dev/null || true
frames=$(grep -c 'recoverable' "$tmp/watch.txt" || true)

python3 - "$tmp" "$out" "$mem_kib" "$scan_ns" "$hold_ns" "$cand_ns" "$frames" <<'PY'
import json, re, statistics, sys
tmp, out, mem_kib, scan_ns, hold_ns, cand_ns, frames = sys.argv[1:]
def times(name):
    v = [float(x) for x in open(f'{tmp}/{name}').read().split()]
    return {'min': min(v), 'median': statistics.median(v), 'max': max(v), 'n': len(v)}
def cyclic(name):
    text = open(f'{tmp}/{name}.ct').read()
    m = re.search(r'Min:\s*(\d+)\s+Act:\s*\d+\s+Avg:\s*(\d+)\s+Max:\s*(\d+)', text)
    if not m:
        raise SystemExit(f'no cyclictest summary in {name}: {text[-300:]!r}')
    return {'min_us': int(m[1]), 'avg_us': int(m[2]), 'max_us': int(m[3])}
frag = json.load(open(f'{tmp}/frag.json'))
tuner = json.load(open(f'{tmp}/tuner.json'))
hot = json.load(open(f'{tmp}/hot.json'))
res = {
    'mem_gib': int(mem_kib) / 1024 / 1024,
    'blocks_total': sum(z['blocks_total'] for z in frag['zones']),
    'blocks_recoverable': sum(z['blocks_recoverable'] for z in frag['zones']),
    'frag_ms': times('frag'), 'export_ms': times('export'), 'stats_ms': times('stats'),
    'scan_ms': int(scan_ns) / 1e6, 'hold_us': int(hold_ns) / 1e3,
    'candidate_scan_ms': int(cand_ns) / 1e6,
    'evacuate': tuner.get('evacuator', {}),
    'evacuate_successes': hot['summary']['successes'] if 'summary' in hot else None,
    'cyclictest': {'alone': cyclic('alone'), 'watch': cyclic('watch')},
    'watch_frames': int(frames),
}
json.dump(res, open(out, 'w'), indent=1)
PY
log "done: $out"
