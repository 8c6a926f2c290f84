#!/bin/sh
# vm-matrix: yes
# Bad input gets a clear error and changes nothing: out-of-range and unknown
# netlink attributes are refused by the family's policy with an extack
# message; state-changing commands need CAP_SYS_ADMIN; the CLI rejects bad
# values in one line with a non-zero exit and the configuration reads back
# unchanged.
. tests/integration/lib.sh
load_monitor
raw() { python3 tests/integration/genl_raw.py "$@"; }
GET_STATS=2 RESET=5 A_ORDER=4

out=$(raw buddy_monitor $GET_STATS $A_ORDER:u32:11)
note "GET_STATS order=11: $out"
case "$out" in errno=22\ extack=?*|errno=34\ extack=?*) ;; *) fail "order 11 not refused with EINVAL/ERANGE+extack: $out" ;; esac
out=$(raw buddy_monitor $GET_STATS 200:u32:1)
note "GET_STATS unknown attribute: $out"
case "$out" in errno=0*) fail "an unknown attribute was accepted: $out" ;; esac
out=$(raw buddy_monitor $GET_STATS $A_ORDER:u32:3)
case "$out" in errno=0*) ;; *) fail "a valid request failed: $out" ;; esac

# Unprivileged callers may read but not reset or reconfigure.
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
nobody "$BUDDYCTL" stats >/dev/null || fail "an unprivileged user cannot read stats"
before=$(bctl stats --json | pyjson "print(sum(o['requests'] for o in j['orders']))")
out=$(nobody "$BUDDYCTL" reset 2>&1) && fail "an unprivileged reset succeeded"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "reset refusal is not one line: $out"
printf '%s' "$out" | grep -qi "permission" || fail "reset refusal does not say why: $out"
note "unprivileged reset: $out"
after=$(bctl stats --json | pyjson "print(sum(o['requests'] for o in j['orders']))")
[ "$after" -ge "$before" ] || fail "counters went down after a refused reset ($before -> $after)"
out=$(nobody "$BUDDYCTL" set-threshold 50 2>&1) && fail "an unprivileged set-threshold succeeded"
note "unprivileged set-threshold: $out"

# The CLI refuses bad values and the configuration is unchanged.
config() { bctl policy --json; }
ref=$(config) || fail "policy --json failed"
for args in "set-threshold 101" "set-threshold -1" "set-threshold abc" \
	    "set-threshold" "set-min-order 11" "set-min-order -3" \
	    "policy sometimes" "background maybe" "stats --order 11"; do
	out=$(bctl $args 2>&1) && fail "'buddyctl $args' succeeded"
	[ "$(printf '%s\n' "$out" | wc -l)" -le 2 ] || fail "'buddyctl $args': long error: $out"
	note "buddyctl $args -> $(printf '%s' "$out" | head -n1)"
	[ "$(config)" = "$ref" ] || fail "'buddyctl $args' changed the configuration"
done

# A reset by root does reset.
bctl reset || fail "root reset failed"
after=$(bctl stats --json | pyjson "print(sum(o['requests'] for o in j['orders']))")
[ "$after" -lt "$before" ] || fail "reset did not reset ($before -> $after)"
unload_monitor
note ok
