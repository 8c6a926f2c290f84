#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench/slab-study/kernels/build.sh ALLOC...: build the slab study's guest
# kernels.
#
# ALLOC is slab, slub or slob (default: all three). For each one:
#   1. Debian's linux-source-6.1 is downloaded (apt-get download) and
#      unpacked once into build/slab/src.
#   2. build/slab/ALLOC/seed.config = guest.config + ALLOC.config is fed to
#      `make allnoconfig` (KCONFIG_ALLCONFIG); every line of the seed must
#      survive into .config, or the build stops (no silently dropped option).
#   3. The kernel is built out of tree (O=build/slab/ALLOC) with ccache, at
#      nice 19 and -j${SLAB_JOBS:-2}. `make` with no target builds bzImage,
#      modules and Module.symvers, so build/slab/ALLOC is then a complete
#      tree for external modules: make -C build/slab/ALLOC M=...
#   4. bzImage is installed as build/kernels/slab-ALLOC/root/bzImage, where
#      scripts/vm-run --kernel slab-ALLOC finds it.
# A kernel is rebuilt only when the hash of its seed config, the source
# version or the compiler changes (build/slab/ALLOC/.stamp). The wall time
# of the last real build is kept in build/slab/ALLOC/build-seconds.
# Missing build tools are installed with apt-get when run as root (the
# project's `make deps` convention), otherwise named with the command.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../scripts/lib.sh"

slab_build=$BUDDYCTL_BUILD/slab
src=$slab_build/src
jobs=${SLAB_JOBS:-2}

fetch_source() {
	[ -f "$src/.unpacked" ] && return 0
	local dl=$slab_build/debs
	mkdir -p "$dl"
	chmod 0777 "$dl"   # apt-get download drops privileges to _apt
	if ! ls "$dl"/linux-source-6.1_*.deb >/dev/null 2>&1; then
		echo "slab-kernels: downloading linux-source-6.1"
		(cd "$dl" && apt-get download -q linux-source-6.1) ||
			die "apt-get download linux-source-6.1 failed (run apt-get update?)"
	fi
	local deb; deb=$(ls "$dl"/linux-source-6.1_*.deb | tail -n1)
	rm -rf "$src" "$slab_build/deb"
	mkdir -p "$src" "$slab_build/deb"
	dpkg-deb -x "$deb" "$slab_build/deb"
	echo "slab-kernels: unpacking $(basename "$deb")"
	nice -n 19 tar -xJf "$slab_build"/deb/usr/src/linux-source-6.1.tar.xz \
		-C "$src" --strip-components=1
	rm -rf "$slab_build/deb"
	touch "$src/.unpacked"
}

# Every CONFIG_X=v line of the seed must be in .config as written; =n lines
# must be absent or "is not set".
verify_config() {
	local seed=$1 cfg=$2 bad=0 line sym val
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		sym=${line%%=*} val=${line#*=}
		if [ "$val" = n ]; then
			if grep -q "^$sym=" "$cfg"; then
				echo "  $sym: wanted n, got $(grep "^$sym=" "$cfg")" >&2; bad=1
			fi
		elif ! grep -qxF "$line" "$cfg"; then
			echo "  $sym: wanted $val, got $(grep "^$sym=" "$cfg" || echo 'not set')" >&2
			bad=1
		fi
	done <"$seed"
	return $bad
}

build_one() {
	local alloc=$1
	local out=$slab_build/$alloc
	local dest=$BUDDYCTL_KCACHE/slab-$alloc/root
	[ -f "$here/$alloc.config" ] || die "unknown allocator '$alloc' (slab, slub, slob)"
	mkdir -p "$out"
	cat "$here/guest.config" "$here/$alloc.config" >"$out/seed.config.new"
	local hash
	hash=$( { cat "$out/seed.config.new"
		  head -n5 "$src/Makefile"; gcc --version | head -n1; } | sha256sum | cut -c1-16)
	if [ "$(cat "$out/.stamp" 2>/dev/null)" = "$hash" ] &&
	   [ -f "$dest/bzImage" ] && [ -f "$out/Module.symvers" ]; then
		echo "slab-kernels: slab-$alloc is up to date ($hash)"
		rm -f "$out/seed.config.new"
		return 0
	fi
	mv "$out/seed.config.new" "$out/seed.config"
	rm -f "$out/.stamp"
	echo "slab-kernels: configuring slab-$alloc"
	make -s -C "$src" O="$out" KCONFIG_ALLCONFIG="$out/seed.config" allnoconfig >/dev/null
	make -s -C "$src" O="$out" olddefconfig >/dev/null
	verify_config "$out/seed.config" "$out/.config" ||
		die "slab-$alloc: the options above did not survive olddefconfig (missing dependency?)"

	echo "slab-kernels: building slab-$alloc in $out (-j$jobs, ccache)"
	local t0 t1
	t0=$(date +%s)
	nice -n 19 make -s -C "$src" O="$out" -j"$jobs" CC="ccache gcc" \
		KBUILD_BUILD_USER=buddyctl KBUILD_BUILD_HOST=slab-study
	t1=$(date +%s)
	echo $((t1 - t0)) >"$out/build-seconds"
	echo "slab-kernels: slab-$alloc built in $((t1 - t0)) s"

	mkdir -p "$dest"
	cp "$out/arch/x86/boot/bzImage" "$dest/bzImage"
	cp "$out/.config" "$dest/config"
	make -s -C "$src" O="$out" kernelrelease >"$dest/release"
	echo "$hash" >"$out/.stamp"
}

# What a 6.1 x86-64 build needs beyond gcc and make (objtool wants libelf).
need_tools() {
	local missing=() p
	for p in build-essential flex bison bc ccache libelf-dev xz-utils; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] ||
		die "missing packages: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}"
	echo "slab-kernels: installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
		die "apt-get install ${missing[*]} failed (apt-get update first?)"
}

need_tools
fetch_source
allocs=("$@")
[ ${#allocs[@]} -gt 0 ] || allocs=(slab slub slob)
for a in "${allocs[@]}"; do build_one "$a"; done
