#!/bin/sh
# Without the module, buddyctl says so in one line and exits non-zero; bad
# usage exits 2 with a usage line.
. tests/integration/lib.sh
lsmod | grep -q '^buddy_monitor ' && fail "buddy_monitor unexpectedly loaded"

out=$(bctl stats 2>&1) && fail "buddyctl stats succeeded without the module"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "expected one line, got: $out"
printf '%s\n' "$out" | grep -qi "not loaded" || fail "the reason does not say 'not loaded': $out"
note "no module: $out"

bctl no-such-subcommand >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] || fail "unknown subcommand exited $rc, want 2"
bctl stats --no-such-flag >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] || fail "unknown flag exited $rc, want 2"
bctl --help | grep -q stats || fail "--help does not list stats"
bctl stats --help | grep -q -- --json || fail "stats --help does not teach --json"
note ok
