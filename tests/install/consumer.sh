#!/usr/bin/env bash
# Installs this build tree into a scratch prefix the way `make install` does,
# checks what a user gets (CLI, library with its SONAME, headers with the
# version macro, CMake and pkg-config files, man pages, completion, units),
# and builds examples/consumer against the *installed* files, once through
# find_package(buddyctl CONFIG) and once through pkg-config, then runs it.
# Also: `make install` into a prefix the user may not write is one line.
#   consumer.sh SOURCE_DIR BUILD_DIR WORK_DIR
set -euo pipefail
src=$1 build=$2 work=$3
fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
version=$(cat "$src/VERSION")
libdir=$prefix/lib
[ -d "$libdir/pkgconfig" ] || libdir=$(dirname "$(find "$prefix" -name buddyctl.pc | head -1)")/..
libdir=$(realpath "$libdir")

for f in bin/buddyctl include/buddyctl/buddyctl.h include/buddyctl/version.h \
	share/man/man8/buddyctl.8 share/man/man4/buddy_monitor.4 \
	share/bash-completion/completions/buddyctl libexec/buddyctl-textfile \
	lib/systemd/system/buddyctl-textfile.service lib/systemd/system/buddyctl-textfile.timer \
	share/doc/buddyctl/examples/modules-load.d/buddyctl.conf; do
	[ -e "$prefix/$f" ] || fail "not installed: $f"
done
for f in "libbuddyctl.so.$version" libbuddyctl.so libbuddyctl.a cmake/buddyctl/buddyctlConfig.cmake \
	cmake/buddyctl/buddyctlConfigVersion.cmake pkgconfig/buddyctl.pc; do
	[ -e "$libdir/$f" ] || fail "not installed: $libdir/$f"
done
# The SONAME is the one libbuddyctl/CMakeLists.txt declares, and the Debian
# shared library package is named after it (libbuddyctlN, Debian policy 8.1).
sover=$(sed -n 's/^set(BUDDYCTL_SOVERSION \([0-9]*\))$/\1/p' "$src/libbuddyctl/CMakeLists.txt")
[ -n "$sover" ] || fail "no BUDDYCTL_SOVERSION in libbuddyctl/CMakeLists.txt"
soname=$(objdump -p "$libdir/libbuddyctl.so.$version" | awk '$1 == "SONAME" {print $2}')
[ "$soname" = "libbuddyctl.so.$sover" ] || fail "SONAME is '$soname', expected libbuddyctl.so.$sover"
[ "$(readlink "$libdir/libbuddyctl.so.$sover")" = "libbuddyctl.so.$version" ] ||
	fail "libbuddyctl.so.$sover link"
grep -qx "Package: libbuddyctl$sover" "$src/debian/control" ||
	fail "debian/control has no package libbuddyctl$sover for SONAME libbuddyctl.so.$sover"
[ -f "$src/debian/libbuddyctl$sover.install" ] || fail "no debian/libbuddyctl$sover.install"
[ "$(grep -c '^Package: libbuddyctl[0-9]' "$src/debian/control")" = 1 ] ||
	fail "debian/control names more than one shared library package"
grep -q "#define BUDDYCTL_VERSION_STRING \"$version\"" "$prefix/include/buddyctl/version.h" ||
	fail "version.h does not say $version"
# The installed headers must not need the source tree (the uapi header stays private).
! grep -rq '"uapi/' "$prefix/include/buddyctl" || fail "an installed header includes uapi/"
out=$("$prefix/bin/buddyctl" --version) || fail "buddyctl --version failed"
[ "$(head -1 <<<"$out")" = "buddyctl $version" ] || fail "buddyctl --version: $out"
echo "installed: $(cd "$prefix" && find . -type f | wc -l) files; buddyctl --version: $(head -1 <<<"$out")"

# The units as systemd reads them, ExecStart pointing into the scratch prefix
# (it names the configured prefix). Unknown keys are only warnings to
# systemd-analyze, so any output fails too.
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$work/units"
	sed "s|^ExecStart=[^ ]*/buddyctl-textfile|ExecStart=$prefix/libexec/buddyctl-textfile|" \
		"$prefix/lib/systemd/system/buddyctl-textfile.service" > "$work/units/buddyctl-textfile.service"
	cp "$prefix/lib/systemd/system/buddyctl-textfile.timer" "$work/units/"
	grep -q "^ExecStart=$prefix/libexec/buddyctl-textfile " "$work/units/buddyctl-textfile.service" ||
		fail "the service's ExecStart does not run buddyctl-textfile"
	msg=$(systemd-analyze verify --man=no "$work"/units/buddyctl-textfile.{timer,service} 2>&1) ||
		fail "systemd-analyze verify: $msg"
	[ -z "$msg" ] || fail "systemd-analyze verify: $msg"
	echo "systemd-analyze verify: units ok"
fi

expect_output() {
	local bin=$1 out
	out=$("$bin") || fail "$bin failed"
	grep -qx "compiled against libbuddyctl $version" <<<"$out" || fail "$bin printed: $out"
	grep -qE "^(monitor: .*not loaded|order 10: [0-9]+ requests)" <<<"$out" || fail "$bin printed: $out"
}

# find_package(buddyctl CONFIG): the shared and the static library.
cmake -S "$src/examples/consumer" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake" >/dev/null
# (ldd's output is read whole: grep -q would close the pipe on ldd.)
deps=$(ldd "$work/cmake/buddyctl-consumer")
grep -q "libbuddyctl.so.$sover => $libdir/" <<<"$deps" ||
	fail "the CMake consumer does not use the installed libbuddyctl.so.$sover: $deps"
deps=$(ldd "$work/cmake/buddyctl-consumer-static")
! grep -q libbuddyctl <<<"$deps" || fail "the static consumer links the .so"
expect_output "$work/cmake/buddyctl-consumer"
expect_output "$work/cmake/buddyctl-consumer-static"
echo "find_package consumer: ok (shared and static)"

# pkg-config, no CMake.
mkdir -p "$work/pc"
flags=$(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --cflags --libs buddyctl)
# shellcheck disable=SC2086
c++ -std=c++20 "$src/examples/consumer/main.cc" $flags -o "$work/pc/buddyctl-consumer"
deps=$(LD_LIBRARY_PATH=$libdir ldd "$work/pc/buddyctl-consumer")
grep -q "libbuddyctl.so.$sover => $libdir/" <<<"$deps" ||
	fail "the pkg-config consumer does not use the installed library: $deps"
LD_LIBRARY_PATH=$libdir expect_output "$work/pc/buddyctl-consumer"
echo "pkg-config consumer: ok ($flags)"

# A prefix the user cannot write: one line from make, nothing built. The
# user is root without the capabilities that override file permissions,
# so the tree (root's own) stays readable wherever it was cloned, while a
# directory of mode 0555 is not writable.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	ro=$work/ro
	mkdir -p "$ro" && chmod 0555 "$ro"
	nodac=-dac_override,-dac_read_search
	set +e
	msg=$(cd "$src" && setpriv --bounding-set="$nodac" --inh-caps="$nodac" \
		make --no-print-directory install PREFIX="$ro/usr" BUILD="$build" 2>&1)
	rc=$?
	set -e
	chmod 0755 "$ro"
	[ $rc -ne 0 ] || fail "make install into an unwritable prefix succeeded"
	[ "$(wc -l <<<"$msg")" -eq 1 ] || fail "make install refusal is not one line: $msg"
	grep -q "no permission to write to $ro" <<<"$msg" || fail "refusal does not say where: $msg"
	[ ! -e "$ro/usr" ] || fail "make install created $ro/usr"
	echo "unwritable prefix: $msg"
fi
