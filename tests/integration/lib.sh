# shellcheck shell=sh
# Helpers for the integration tests. They run inside the test bed's guest
# (scripts/vm-run), as root, in the repository root.

BUDDYCTL=${BUDDYCTL:-./build/cli/buddyctl}
TEST=$(basename "$0" .sh)

fail() { echo "FAIL [$TEST]: $*" >&2; exit 1; }
note() { echo "[$TEST] $*"; }

[ "${BUDDYCTL_GUEST:-}" = 1 ] || fail "run me inside the guest: scripts/vm-run -- $0"
[ -x "$BUDDYCTL" ] || fail "$BUDDYCTL not built (make userspace)"

bctl() { "$BUDDYCTL" "$@"; }

. scripts/guest-lib.sh
# The modules built for the running kernel (see module_dir).
MODDIR=$(module_dir)
[ -f "$MODDIR/buddy_monitor.ko" ] ||
	fail "no modules built for $(uname -r) in $MODDIR (make modules, or scripts/build-modules)"

# True on a kernel where the monitor said at load that indirect branch
# tracking seals try_to_compact_pages (the evacuate policy then cannot fall
# back to the real compaction) once the evacuate policy was chosen.
evacuate_sealed() {
	dmesg | grep -q 'evacuate: try_to_compact_pages is sealed by indirect branch tracking'
}

load_monitor() {
	lsmod | grep -q '^buddy_monitor ' || insmod "$MODDIR/buddy_monitor.ko" "$@" ||
		fail "insmod buddy_monitor.ko failed"
}
unload_monitor() {
	! lsmod | grep -q '^buddy_monitor ' || rmmod buddy_monitor || fail "rmmod buddy_monitor failed"
}
load_hot() {
	lsmod | grep -q '^high_order_test ' || insmod "$MODDIR/high_order_test.ko" "$@" ||
		fail "insmod high_order_test.ko failed"
}

# A tmpfs at /mnt/fill for scripts/fill.py: every page it holds is
# movable shmem, which is what the fragmented-heap scenarios fill with.
mount_fill_tmpfs() {
	mkdir -p /mnt/fill
	mountpoint -q /mnt/fill || mount -t tmpfs -o size=100% tmpfs /mnt/fill ||
		fail "cannot mount a tmpfs on /mnt/fill"
}

# py 'expression using j'  <  json: evaluate with the parsed JSON bound to j.
pyjson() {
	python3 -c "import json,sys; j=json.load(sys.stdin); $1"
}
