# shellcheck shell=bash
# Shared helpers for the scripts in this directory. Sourced, not run.

BUDDYCTL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUDDYCTL_BUILD=${BUDDYCTL_BUILD:-$BUDDYCTL_ROOT/build}
BUDDYCTL_KCACHE=${BUDDYCTL_KCACHE:-$BUDDYCTL_BUILD/kernels}

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# The pinned default kernel release (first non-comment line of kernel-pin).
pinned_kernel() {
	grep -v '^#' "$BUDDYCTL_ROOT/scripts/kernel-pin" | grep -m1 .
}

# Where a kernel release is unpacked, and its parts.
kernel_root() { echo "$BUDDYCTL_KCACHE/$1/root"; }
kernel_image() {
	local root; root=$(kernel_root "$1")
	if [ -f "$root/boot/vmlinuz-$1" ]; then echo "$root/boot/vmlinuz-$1"
	else echo "$root/bzImage"; fi   # self-built kernels (slab study)
}
kernel_headers() { echo "$(kernel_root "$1")/usr/src/linux-headers-$1"; }
kernel_modules() { echo "$(kernel_root "$1")/lib/modules/$1"; }
