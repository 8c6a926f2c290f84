#!/bin/sh
# vm-mem: 1G
# vm-timeout: 400
# Who may do what, across the three families (the rules are in
# modules/uapi/buddyctl.h):
#  1. state changes need CAP_SYS_ADMIN: refused to a process holding only
#     CAP_NET_ADMIN (what GENL_ADMIN_PERM would have let through) and to
#     nobody; allowed to a process holding only CAP_SYS_ADMIN;
#  2. the events multicast group needs CAP_SYS_ADMIN to join;
#  3. GET_ATTEMPTS hides PFNs (zero) from readers without CAP_SYS_ADMIN;
#  4. unprivileged GET_FRAG is served from a shared snapshot (age reported),
#     privileged GET_FRAG is computed for the caller (age 0);
#  5. a GET_FRAG request whose answer is never read does not pin the module.
. tests/integration/lib.sh
load_monitor
load_hot
# Python resolves a script's path from / at start, which an unprivileged
# user cannot do where the repository sits in a directory only root may
# enter (a clone under mktemp -d): run the guest's own copy.
cp tests/integration/genl_raw.py /tmp/genl_raw.py
chmod 644 /tmp/genl_raw.py
GENL_RAW=/tmp/genl_raw.py
raw() { python3 "$GENL_RAW" "$@"; }
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
# uid 0 with one capability: the bounding set is all a root exec keeps.
only() { cap=$1; shift; setpriv --bounding-set=-all,+"$cap" -- "$@"; }
GET_FRAG=4 RESET=5 SET_CONFIG=7 HOT_RUN=1 HOT_RELEASE=4 FRAG_PIN=1 FRAG_RELEASE=3

only net_admin grep -q '^CapEff:.*0000000000001000$' /proc/self/status ||
	fail "setpriv did not leave CAP_NET_ADMIN alone: $(only net_admin grep CapEff /proc/self/status)"

# ---- 1. state changes -------------------------------------------------------
threshold() { bctl policy --json | pyjson "print(j['threshold'])"; }
bctl set-threshold 70 >/dev/null || fail "root set-threshold failed"
for who in "only net_admin" nobody; do
	out=$($who "$BUDDYCTL" set-threshold 40 2>&1) && fail "$who: set-threshold succeeded"
	printf '%s' "$out" | grep -qi "permission" || fail "$who: refusal does not say why: $out"
	[ "$(threshold)" = 70 ] || fail "$who: the threshold changed to $(threshold)"
	for req in "buddy_monitor $RESET" "buddy_monitor $SET_CONFIG 16:nest:" \
		   "buddy_hot $HOT_RUN" "buddy_hot $HOT_RELEASE" \
		   "buddy_frag $FRAG_PIN" "buddy_frag $FRAG_RELEASE"; do
		# shellcheck disable=SC2086
		out=$($who python3 "$GENL_RAW" $req)
		case "$out" in errno=1\ *) ;; *) fail "$who: '$req' not refused with EPERM: $out" ;; esac
	done
	out=$($who "$BUDDYCTL" fragment release 2>&1) && fail "$who: fragment release succeeded"
	out=$($who "$BUDDYCTL" hot release 2>&1) && fail "$who: hot release succeeded"
	note "$who: every state change refused ($out)"
done
only sys_admin "$BUDDYCTL" set-threshold 40 >/dev/null || fail "CAP_SYS_ADMIN alone cannot set the threshold"
[ "$(threshold)" = 40 ] || fail "CAP_SYS_ADMIN's set-threshold did not apply: $(threshold)"
only sys_admin "$BUDDYCTL" hot release >/dev/null || fail "CAP_SYS_ADMIN alone cannot release"
only sys_admin "$BUDDYCTL" fragment release >/dev/null || fail "CAP_SYS_ADMIN alone cannot release pins"
note "CAP_SYS_ADMIN alone: set-threshold, hot release, fragment release accepted"
# Cheap reads stay open.
for cmd in stats info "policy" tuner-stats "hot status" "fragment status" frag; do
	# shellcheck disable=SC2086
	nobody "$BUDDYCTL" $cmd >/dev/null || fail "nobody cannot read '$cmd'"
done

# ---- 2. the events group ------------------------------------------------------
for who in "only net_admin" nobody; do
	out=$($who "$BUDDYCTL" events --timeout 1s 2>&1) && fail "$who joined the events group"
	printf '%s' "$out" | grep -qi "multicast group" || fail "$who: unexpected refusal: $out"
	note "$who: events refused: $out"
done
only sys_admin "$BUDDYCTL" events --timeout 1s >/dev/null 2>&1 ||
	fail "CAP_SYS_ADMIN alone cannot join the events group"

# ---- 3. PFNs in GET_ATTEMPTS --------------------------------------------------
bctl hot run --order 3 --count 16 >/dev/null || fail "hot run failed"
root=$(raw --attempts)
anon=$(nobody python3 "$GENL_RAW" --attempts)
net=$(only net_admin python3 "$GENL_RAW" --attempts)
note "attempts: root $root; nobody $anon; CAP_NET_ADMIN $net"
case "$root" in attempts=16\ ok=1[0-9]\ nonzero_pfns=1[0-9]) ;; *) fail "root sees no PFNs: $root" ;; esac
ok=${root#*ok=}; ok=${ok%% *}
[ "$anon" = "attempts=16 ok=$ok nonzero_pfns=0" ] || fail "nobody sees PFNs: $anon"
[ "$net" = "attempts=16 ok=$ok nonzero_pfns=0" ] || fail "CAP_NET_ADMIN sees PFNs: $net"
bctl hot release >/dev/null || fail "hot release failed"

# ---- 4. GET_FRAG: snapshot for the unprivileged, fresh for the privileged ------
ages() { for _ in 1 2 3; do "$@" frag --json | pyjson "print(max(z['age_ns'] for z in j['zones']))"; done; }
a_root=$(ages "$BUDDYCTL" | sort -u | tr '\n' ' ')
note "GET_FRAG age_ns, root: $a_root"
[ "$a_root" = "0 " ] || fail "a privileged GET_FRAG was not computed for it: ages $a_root"
sleep 1.2 # the snapshot, if any, has expired: the first request recomputes it
nobody python3 "$GENL_RAW" --frag-ages 4 > /tmp/ages.txt || fail "GET_FRAG failed: $(cat /tmp/ages.txt)"
python3 - <<'PY' || fail "unprivileged GET_FRAG is not one shared snapshot"
rows = [tuple(map(int, l.split())) for l in open("/tmp/ages.txt")]
print("nobody, back to back: sent at +%s ms, age %s us" % (
    [round((t - rows[0][0]) / 1e6, 1) for t, _ in rows], [a // 1000 for _, a in rows]))
t0, a0 = rows[0]
assert a0 < 500_000_000, "the first request after expiry was not recomputed: age %d" % a0
for t, a in rows[1:]:
    # Served from the first request's snapshot: the age grows with the wall
    # clock. A recomputation would restart it near zero.
    assert a - a0 >= (t - t0) // 2, rows
    assert a < 1_500_000_000, rows
PY
perfmon=$(only perfmon "$BUDDYCTL" frag --json | pyjson "print(max(z['age_ns'] for z in j['zones']))")
[ "$perfmon" = 0 ] || fail "CAP_PERFMON's GET_FRAG was served a snapshot (age $perfmon)"

# ---- 5. an unread GET_FRAG does not pin the module ----------------------------
for who in nobody ""; do
	$who python3 "$GENL_RAW" --no-read buddy_monitor $GET_FRAG > /tmp/noread.out &
	reader=$!
	i=0
	until grep -q sent /tmp/noread.out; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "the silent reader never sent"; sleep 0.1
	done
	sleep 1
	rmmod buddy_monitor || fail "rmmod failed while a GET_FRAG answer sat unread (${who:-root})"
	kill "$reader"; wait "$reader" 2>/dev/null
	note "${who:-root}: rmmod with an unread GET_FRAG answer queued: ok"
	load_monitor
done
unload_monitor
rmmod high_order_test || fail "rmmod high_order_test failed"
note ok
