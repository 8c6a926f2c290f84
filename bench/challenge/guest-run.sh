#!/bin/sh
# One run of the 4 MiB challenge, inside a fresh guest (bench/challenge/run
# boots one per run). Usage: guest-run.sh POLICY OUT.json [SEED]
#
# POLICY is one of
#   stock          tuner off: the kernel's own compaction decisions
#   proactive      tuner off, vm.compaction_proactiveness=100
#   compact-memory tuner off, echo 1 > /proc/sys/vm/compact_memory before the attempts
#   adaptive-50    adaptive policy, threshold 50
#   adaptive-80    adaptive policy, threshold 80
#   always-max     every direct compaction at MIN_COMPACT_PRIORITY
#   evacuate-80    evacuate policy, threshold 80: empty the cheapest
#                  emptiable block for the request instead of compacting
#   reserve-8      evacuate-80 plus the reserve: a background worker keeps
#                  8 free blocks of the workload's order (10, or 9 for
#                  THP) ready, set before the fill as a user would at boot
#                  (the default budget, 100 ms of worker time a second)
#   reserve-half   the same with the largest reserve buddyctl accepts,
#                  half of the free memory at that moment, and the largest
#                  budget, 1000 ms a second: what the reserve does when it
#                  is sized for the whole demand (its CPU time before the
#                  workload is in the record's tuner_before)
#   reserve-alone  reserve-half's reserve with the tuner off: requests
#                  never empty a block themselves, they take what the
#                  worker made or compact as the stock kernel does
#
# The scenario (identical for every policy, same seed):
#   1. fill a tmpfs with 256 KiB files until MemAvailable is LEAVE_PCT% of
#      RAM, then delete every other file: movable pages everywhere, holes
#      between them;
#   2. buddy_frag pins unmovable pages: a sweep takes SWEEP_PCT% of the free
#      memory as unmovable order-0 pages (they land in the holes, all over
#      physical memory), keeps one page in PIN_PCT% of the order-10 blocks it
#      touched and frees the rest. Those blocks can never be compacted free.
#   3. settle (same time for every policy), measure the physical limit with
#      the monitor, then ask for order-10 blocks with the hugetlb-like GFP
#      mode (__GFP_RETRY_MAYFAIL), holding what we get.
#
# WORKLOAD=thp-churn is the THP workload while a background load keeps
# fragmenting, from before the limit scan to the last fault: small files
# created and deleted in a tmpfs of their own (an inode, a dentry and a
# page each: unmovable slab beside movable pages) and lookups of names
# that do not exist (negative dentries), with shell builtins only, so the
# load is the kernel's and not fork's.
#
# WORKLOAD=thp replaces step 3 by the transparent huge page workload: the
# order-9 physical limit measured by limit_scan.py --order 9, then
# thp_fault (bench/challenge/thp_fault.cc) faults in MADV_HUGEPAGE memory,
# 2 MiB at a time, more regions than the limit. It is a run of its own, in
# its own guest, because either workload changes the heap the other would
# find: the THP faults compact it, and the 4 MiB phase takes or empties
# the very blocks a huge page would use.
set -eu
policy=$1 out=$2 seed=${3:-42}
LEAVE_PCT=${LEAVE_PCT:-8} SWEEP_PCT=${SWEEP_PCT:-90} PIN_PCT=${PIN_PCT:-85}
SETTLE_S=${SETTLE_S:-5} GFP=${GFP:-retry} FILE_KIB=${FILE_KIB:-256}
WORKLOAD=${WORKLOAD:-4mib}
b=./build/cli/buddyctl
thp_fault=./build/bench/challenge/thp_fault
case "$WORKLOAD" in
4mib) ;;
thp|thp-churn) [ -x "$thp_fault" ] || { echo "$thp_fault is missing: run 'make userspace'" >&2; exit 2; } ;;
*) echo "unknown WORKLOAD $WORKLOAD (4mib, thp or thp-churn)" >&2; exit 2 ;;
esac
tmp=$(mktemp -d)
log() { echo "[$policy] $*" >&2; }

. scripts/guest-lib.sh
insmod "$(module_dir)/buddy_monitor.ko"
insmod "$(module_dir)/high_order_test.ko"
case "$policy" in
stock|proactive|compact-memory) $b policy off ;;
adaptive-*) $b policy adaptive; $b set-threshold "${policy#adaptive-}" ;;
always-max) $b policy always-max ;;
evacuate-*) $b policy evacuate; $b set-threshold "${policy#evacuate-}" ;;
reserve-*)
	if [ "$policy" = reserve-alone ]; then
		$b policy off
	else
		$b policy evacuate
		$b set-threshold 80
	fi
	reserve_order=10
	[ "$WORKLOAD" = 4mib ] || reserve_order=9
	reserve_blocks=${policy#reserve-} reserve_budget=100
	if [ "$policy" = reserve-half ] || [ "$policy" = reserve-alone ]; then
		# What bm_res_check_size() accepts, blocks << order <= free / 2,
		# less 2 %: free memory moves between this read and that check
		# (113 blocks were refused once for 24 pages).
		free_pages=$(awk '/^MemFree:/ { print int($2 / 4) }' /proc/meminfo)
		reserve_blocks=$((free_pages * 49 / 100 >> reserve_order))
		reserve_budget=1000
	fi
	$b reserve --order "$reserve_order" --blocks "$reserve_blocks" \
		--budget-ms "$reserve_budget" >/dev/null
	log "reserve: $reserve_blocks blocks of order $reserve_order, $reserve_budget ms a second"
	;;
*) echo "unknown policy $policy" >&2; exit 2 ;;
esac
[ "$policy" = proactive ] && sysctl -q vm.compaction_proactiveness=100
$b policy --json > "$tmp/config.json"

log "filling memory with movable pages and punching holes"
mkdir -p /mnt/fill
mount -t tmpfs -o size=100% tmpfs /mnt/fill
python3 scripts/fill.py /mnt/fill "$FILE_KIB" "$LEAVE_PCT" > "$tmp/fill.json"
log "pinning unmovable pages in $PIN_PCT% of the touched order-10 blocks"
$b fragment pin --percent "$PIN_PCT" --sweep-percent "$SWEEP_PCT" --seed "$seed" --json > "$tmp/pin.json"
sleep "$SETTLE_S"

compact_s=0
if [ "$policy" = compact-memory ]; then
	t0=$(date +%s.%N)
	echo 1 > /proc/sys/vm/compact_memory
	compact_s=$(echo "$(date +%s.%N) $t0" | awk '{printf "%.3f", $1 - $2}')
	log "compact_memory took ${compact_s}s"
fi

churn=
if [ "$WORKLOAD" = thp-churn ]; then
	mkdir -p /mnt/churn
	mount -t tmpfs -o size=64M tmpfs /mnt/churn
	(
		round=0
		while :; do
			i=0
			while [ $i -lt 2000 ]; do
				echo "$round $i" > /mnt/churn/f$i
				[ -e /mnt/churn/missing$round.$i ] || :
				i=$((i + 1))
			done
			rm -f /mnt/churn/f*
			round=$((round + 1))
		done
	) &
	churn=$!
	log "background churn started (pid $churn)"
fi

if [ "$WORKLOAD" != 4mib ]; then
	# The monitor scans order-10 blocks only; the order-9 limit comes from
	# the independent scan, which takes any order (collect.py falls back to
	# twice the monitor's order-10 figure, a lower bound, without it).
	python3 scripts/limit_scan.py --order 9 > "$tmp/limit_scan9.json" 2>/dev/null ||
		echo '{}' > "$tmp/limit_scan9.json"
	$b frag --json > "$tmp/frag_before.json"
	cat /proc/meminfo > "$tmp/meminfo_before"
	regions=$(python3 - "$tmp/limit_scan9.json" "$tmp/frag_before.json" <<'PY'
import json, sys
scan, frag = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
# More 2 MiB regions than can possibly get a huge page, so the run
# measures the limit itself (as the 4 MiB phase asks for more blocks than
# are recoverable). A fallback fault maps 4 KiB, so the extra regions
# cost little memory. Without the scan: both halves of every order-10
# block, more than any heap can give.
if "zones" in scan:
    regions = sum(z["blocks_recoverable"] for z in scan["zones"]) + 16
else:
    regions = 2 * sum(z["blocks_total"] for z in frag["zones"]) + 16
# thp_fault refuses a mapping larger than the machine's memory.
mem_mib = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal:")) // 1024
print(min(regions, mem_mib // 2))
PY
)
	$b tuner-stats --json > "$tmp/tuner_before.json"
	$b reset
	log "faulting $regions 2 MiB regions with MADV_HUGEPAGE"
	cat /proc/vmstat > "$tmp/vmstat_before"
	t0=$(date +%s.%N)
	"$thp_fault" $((regions * 2)) > "$tmp/thp.json"
	run_s=$(echo "$(date +%s.%N) $t0" | awk '{printf "%.3f", $1 - $2}')
	if [ -n "$churn" ]; then
		kill "$churn"
		wait "$churn" 2>/dev/null || :
	fi
	cat /proc/vmstat > "$tmp/vmstat_after"
	$b stats --json > "$tmp/stats.json"
	$b tuner-stats --json > "$tmp/tuner.json"
	python3 bench/challenge/collect.py "$tmp" "$policy" "$seed" "$compact_s" "$run_s" > "$out"
	log "$(python3 -c "import json; r=json.load(open('$out')); print('%d/%d huge faults, order-9 limit %d' % (r['huge'], r['regions'], r['limit']))")"
	rmmod high_order_test
	rmmod buddy_monitor
	exit 0
fi

# The independent cross-check of the limit first (it runs a process), then
# the monitor's figure, the one the table divides by.
python3 scripts/limit_scan.py > "$tmp/limit_scan.json" 2>/dev/null || echo '{}' > "$tmp/limit_scan.json"
$b frag --json > "$tmp/frag_before.json"
cat /proc/vmstat > "$tmp/vmstat_before"
cat /proc/meminfo > "$tmp/meminfo_before"
$b tuner-stats --json > "$tmp/tuner_before.json"
$b reset
attempts=$(python3 - "$tmp/frag_before.json" <<'PY'
import json, sys
z = json.load(open(sys.argv[1]))['zones']
# Ask for more than can possibly succeed: every order-10 block that is
# free or recoverable, plus a few, so the run measures the limit itself.
print(sum(x['blocks_recoverable'] for x in z) + 8)
PY
)
log "requesting $attempts order-10 blocks (gfp=$GFP)"
t0=$(date +%s.%N)
$b hot run --order 10 --count "$attempts" --gfp "$GFP" --json > "$tmp/hot.json"
run_s=$(echo "$(date +%s.%N) $t0" | awk '{printf "%.3f", $1 - $2}')
cat /proc/vmstat > "$tmp/vmstat_after"
$b stats --json > "$tmp/stats.json"
$b tuner-stats --json > "$tmp/tuner.json"
$b frag --json > "$tmp/frag_after.json"
$b hot release > /dev/null

python3 bench/challenge/collect.py "$tmp" "$policy" "$seed" "$compact_s" "$run_s" > "$out"
log "$(python3 -c "import json,sys; r=json.load(open('$out')); print('%d/%d blocks, limit %d' % (r['successes'], r['attempts'], r['limit']))")"
rmmod high_order_test
rmmod buddy_monitor
