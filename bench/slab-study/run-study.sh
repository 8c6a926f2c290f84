#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# run-study.sh: the slab study's repetitions (make slab-study runs this after
# building the kernels, the modules and the static workloads).
#
# SLAB_STUDY_REPS rounds (default 5); each round boots one fresh guest per
# allocator in the order of SLAB_ALLOCS (default: slab slub slob), so the
# allocators alternate (SLAB, SLUB, SLOB, SLAB, SLUB, ...) and slow drift of
# the host (other jobs, thermal) spreads over all of them instead of
# favouring one. Each guest runs bench/slab-study/guest.py and leaves
# build/slab-study/runs/rREP-ALLOC.json; a failed guest is recorded in
# runs/rREP-ALLOC.status and the study goes on. Then report.py writes
# results.json and report.md. Exit status 1 if any guest failed.
# SLAB_STUDY_QUICK=1 makes every workload smaller (see guest.py QUICK).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/lib.sh"
cd "$BUDDYCTL_ROOT"

reps=${SLAB_STUDY_REPS:-5}
quick=${SLAB_STUDY_QUICK:-}
read -r -a allocs <<<"${SLAB_ALLOCS:-slab slub slob}"
mem=${SLAB_STUDY_MEM:-1G}
dir=$BUDDYCTL_BUILD/slab-study
runs=$dir/runs
# Guest-side paths are relative to the repository root (vm-run's cwd).
rel() { realpath --relative-to="$BUDDYCTL_ROOT" "$1"; }

[[ $reps =~ ^[1-9][0-9]*$ ]] || die "SLAB_STUDY_REPS must be a positive integer"
for a in "${allocs[@]}"; do
	[ -f "$dir/mod/slab-$a/slab_bench.ko" ] ||
		die "slab_bench.ko for slab-$a is missing: run 'make slab-study', not this script"
done

# A new study replaces the previous one's runs (kept once as runs.prev).
rm -rf "$runs.prev"
[ -d "$runs" ] && mv "$runs" "$runs.prev"
mkdir -p "$runs"
{
	echo "started=$(date -u +%FT%TZ)"
	echo "reps=$reps quick=${quick:-0} allocs=${allocs[*]} mem=$mem"
	echo "host_loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$runs/study.info"

failed=0
for rep in $(seq 1 "$reps"); do
	for a in "${allocs[@]}"; do
		out=$runs/r$rep-$a.json
		echo "slab-study: round $rep/$reps, slab-$a"
		set +e
		# no_timer_check: on a loaded host the TCG guest is too slow for the
		# IO-APIC timer probe at boot, which then panics ("IO-APIC + timer
		# doesn't work!"); seen here at load average 10+. Boot-time only.
		nice -n 19 scripts/vm-run --kernel "slab-$a" --mem "$mem" --cpus 2 --timeout 1200 \
			--append no_timer_check -- \
			python3 bench/slab-study/guest.py \
			--module "$(rel "$dir/mod/slab-$a/slab_bench.ko")" \
			--bin "$(rel "$dir/bin")" --out "$(rel "$out")" \
			--tag "rep=$rep alloc=$a" ${quick:+--quick}
		rc=$?
		set -e
		echo "rc=$rc log=$(readlink -f "$BUDDYCTL_BUILD/vm-logs/last")" >"$runs/r$rep-$a.status"
		if [ $rc != 0 ]; then
			echo "slab-study: round $rep slab-$a FAILED (exit $rc), see $runs/r$rep-$a.status" >&2
			failed=1
		fi
	done
done
{
	echo "finished=$(date -u +%FT%TZ)"
	echo "host_loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$runs/study.info"

python3 "$here/report.py" "$dir"
exit $failed
