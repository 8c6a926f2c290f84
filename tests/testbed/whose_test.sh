#!/bin/sh
# scripts/vm-whose on two recorded stall reports: the stock kernel's own
# compaction wedge (no frame of ours) and the same with one of our frames.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
fx=$root/tests/testbed/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL [whose]: $*" >&2; exit 1; }
for case in kernel ours; do
	mkdir -p "$tmp/$case"
	cp "$fx/stall-$case.log" "$tmp/$case/console.log"
	out=$("$root/scripts/vm-whose" "$tmp/$case")
	echo "$out"
	echo "$out" | grep -q 'clear_page_erms, post_alloc_hook, split_map_pages' ||
		fail "$case: the stuck frames are not listed: $out"
	echo "$out" | grep -q 'guest vmstat not written' || fail "$case: missing vmstat note"
done
"$root/scripts/vm-whose" "$tmp/kernel" | grep -q "verdict: kernel's (1 report" ||
	fail "the kernel's own wedge was not judged the kernel's"
"$root/scripts/vm-whose" "$tmp/ours" | grep -q 'verdict: ours (1 report' ||
	fail "a stall through bm_evac_try_to_compact_pages was not judged ours"
"$root/scripts/vm-whose" "$tmp/ours" | grep -q 'OURS (bm_evac_try_to_compact_pages)' ||
	fail "our frame is not named"
echo "whose: 2 passed"
