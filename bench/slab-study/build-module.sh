#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# build-module.sh NAME KDIR: build module/ (slab_bench) against the kernel
# tree KDIR (a study kernel's O= dir, build/slab/<alloc>, or a stock
# headers tree) into build/slab-study/mod/NAME/slab_bench.ko, and print
# that path. Each kernel gets its own copy of the sources, so the per-kernel
# objects (and vermagic) never mix and the source directory stays clean.
# Rebuilds only when the sources or the kernel tree changed since the last
# build. Works on the host and inside the guest.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/lib.sh"

[ $# -eq 2 ] || die "usage: build-module.sh NAME KDIR"
name=$1 kdir=$2
src=$here/module
out=$BUDDYCTL_BUILD/slab-study/mod/$name
ko=$out/slab_bench.ko
[ -f "$kdir/Makefile" ] || die "$kdir is not a kernel build tree (make slab-kernels / scripts/fetch-kernel)"
# The kernel tree's own marker of "rebuilt": its Module.symvers.
[ -f "$kdir/Module.symvers" ] || die "$kdir has no Module.symvers: the kernel build is incomplete"

fresh=1
for dep in "$src/slab_bench.c" "$src/Kbuild" "$kdir/Module.symvers"; do
	[ -f "$ko" ] && [ "$ko" -nt "$dep" ] || fresh=0
done
if [ $fresh = 0 ]; then
	mkdir -p "$out"
	cp "$src/slab_bench.c" "$src/Kbuild" "$out/"
	nice -n 19 make -s -C "$kdir" M="$out" modules >&2
fi
echo "$ko"
