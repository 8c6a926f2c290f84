# shellcheck shell=bash
# Shared helpers for the scripts in this directory. Sourced, not run.

BUDDYCTL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUDDYCTL_BUILD=${BUDDYCTL_BUILD:-$BUDDYCTL_ROOT/build}
BUDDYCTL_KCACHE=${BUDDYCTL_KCACHE:-$BUDDYCTL_BUILD/kernels}

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# The kernel matrix (scripts/kernels): "name release suite ci" per line.
kernel_matrix() {
	grep -v '^#' "$BUDDYCTL_ROOT/scripts/kernels" | grep .
}

# The pinned release of the default kernel (the matrix's first line).
pinned_kernel() {
	kernel_matrix | awk 'NR == 1 { print $2 }'
}

# A matrix name (6.12-rt) or a release (6.12.117+deb12-rt-amd64) -> the
# release as pinned; anything else is passed through for resolve_kernel.
matrix_release() {
	kernel_matrix | awk -v k="$1" '$1 == k || $2 == k { print $2; f = 1; exit }
		END { if (!f) print k }'
}

# The release to use for a pinned one: the pin itself when it is unpacked
# here or still in Debian's archive; otherwise the newest ABI of the same
# series and flavour, with a notice on stderr. Dies naming what Debian
# offers when there is nothing of that series and flavour.
resolve_kernel() {
	local want=$1 pat newest
	case "$want" in slab-*) echo "$want"; return 0 ;; esac
	if [ -f "$BUDDYCTL_KCACHE/$want/.unpacked" ]; then
		echo "$want"
		return 0
	fi
	command -v apt-cache >/dev/null ||
		die "apt-cache not found: buddyctl's test bed fetches Debian's kernel packages"
	if ! apt-cache pkgnames linux-image- 2>/dev/null | grep -q . &&
		[ "$(id -u)" = 0 ]; then
		apt-get update -qq >&2 || true
	fi
	if apt-cache show "linux-image-$want" 2>/dev/null | grep -q '^Version:'; then
		echo "$want"
		return 0
	fi
	# 6.1.0-57-rt-amd64 -> 6.1.0-N-rt-amd64; 6.12.117+deb12-amd64 -> 6.12.N+deb12-amd64
	pat=$(printf '%s\n' "$want" | sed -E \
		-e 's/[.+]/\\&/g' \
		-e 's/^([0-9]+\\\.[0-9]+\\\.0-)[0-9]+(-.*)$/\1[0-9]+\2/' \
		-e 's/^([0-9]+\\\.[0-9]+\\\.)[0-9]+(\\\+.*)$/\1[0-9]+\2/')
	newest=$(apt-cache pkgnames linux-image- 2>/dev/null |
		sed -n 's/^linux-image-//p' | grep -Ex "$pat" | sort -V | tail -n1)
	if [ -z "$newest" ]; then
		die "kernel $want: Debian's archive has no such kernel nor another ABI of its series and flavour; it offers: $(offered_kernels)"
	fi
	echo "kernel: $want is no longer in Debian's archive; using $newest, the newest of its series" >&2
	echo "$newest"
}

# One line: the newest release of each series and flavour Debian offers.
offered_kernels() {
	apt-cache pkgnames linux-image- 2>/dev/null | sed -n 's/^linux-image-//p' |
		grep -Ev -- '-(dbg|unsigned)$' |
		grep -E '^[0-9]+\.[0-9]+\.[0-9]+(-[0-9]+|\+deb[0-9]+)-' | sort -V |
		awk '{ k = $0; sub(/^[0-9]+\.[0-9]+\.0-[0-9]+/, "", k);
		       sub(/^[0-9]+\.[0-9]+\.[0-9]+\+/, "+", k);
		       split($0, v, "."); last[v[1] "." v[2] k] = $0 }
		     END { for (s in last) print last[s] }' | sort -V | paste -sd ' '
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
