#!/bin/bash
# The Debian packages, installed as a user installs them: dpkg -i of the
# built .debs (the guest's root is a tmpfs overlay, so the host is left
# alone), buddyctl-dkms first on a machine without kernel headers (it
# installs and says in one line what to add), then the running kernel's
# headers packages, whose DKMS hook builds the modules. Then: modprobe,
# buddyctl from PATH, the man pages, the completion, the Prometheus textfile
# service's command run once and checked by promtool, removal of the DKMS
# package while the module is loaded with a policy active, and purge, which
# must leave no module loaded and no file of ours behind.
# The .debs come from tests/integration/host/packages (a CTest fixture).
# vm-timeout: 2400
# vm-mem: 2G
# vm-mttcg: yes
# host-setup: tests/integration/host/packages
set -euo pipefail
. tests/integration/lib.sh

kver=$(uname -r)
debs=build/deb
kdebs=build/pkg-test/$kver
ls $debs/buddyctl_*.deb $debs/buddyctl-dkms_*.deb $debs/libbuddyctl1_*.deb \
	$debs/libbuddyctl-dev_*.deb >/dev/null || fail "no .debs in $debs: run scripts/build-deb"
ls "$kdebs"/linux-headers-"$kver"_*.deb >/dev/null || fail "no headers .debs in $kdebs"

# The test bed bind-mounts the kernel's module tree from the host's build
# directory read-write; DKMS and depmod must write to a guest-only copy.
mkdir -p /tmp/kmods/upper /tmp/kmods/work
mount -t overlay overlay -o "lowerdir=/lib/modules/$kver,upperdir=/tmp/kmods/upper,workdir=/tmp/kmods/work" \
	"/lib/modules/$kver" || fail "cannot overlay /lib/modules/$kver"
# A real machine's udev links /dev/fd (bash's <(...), which dkms uses); the
# test bed's devtmpfs alone does not.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
export DEBIAN_FRONTEND=noninteractive
# man-db's trigger would rebuild its whole index under TCG; man -w needs none.
rm -f /var/lib/man-db/auto-update
loaded() { [ -d /sys/module/buddy_monitor ] || [ -d /sys/module/high_order_test ]; }
! loaded || fail "a buddyctl module is loaded before the test"
[ ! -e /usr/bin/buddyctl ] || fail "/usr/bin/buddyctl exists before the test"

# 1. The DKMS package on a machine without headers for the running kernel.
out=$(dpkg -i $debs/buddyctl-dkms_*.deb 2>&1) || fail "dpkg -i buddyctl-dkms without headers failed: $out"
note "dpkg -i buddyctl-dkms (no headers):"
printf '%s\n' "$out" | sed 's/^/    /'
hint="buddyctl-dkms: no kernel headers, modules not built yet: install linux-headers-$kver and DKMS builds them"
printf '%s\n' "$out" | grep -qxF "$hint" || fail "no one-line hint naming linux-headers-$kver"
# That line is all the package says after dpkg's own progress lines.
said=$(printf '%s\n' "$out" | grep -v -e '^Selecting ' -e '^(Reading database' -e '^Preparing to unpack' \
	-e '^Unpacking ' -e '^Setting up ')
[ "$said" = "$hint" ] || fail "more than the one line: $said"
[ "$(dpkg-query -W -f='${db:Status-Status}' buddyctl-dkms)" = installed ] ||
	fail "buddyctl-dkms is not installed after the headerless install"
registered=$(dkms status buddyctl)
case "$registered" in buddyctl/*": added") ;; *) fail "the sources are not registered with DKMS: $registered" ;; esac

# 2. The CLI and the library packages.
dpkg -i $debs/libbuddyctl1_*.deb $debs/libbuddyctl-dev_*.deb $debs/buddyctl_*.deb >/dev/null ||
	fail "dpkg -i of the CLI and library packages failed"

# 3. The headers packages; their DKMS hook builds the modules (AUTOINSTALL).
start=$(date +%s)
out=$(dpkg -i "$kdebs"/*.deb 2>&1) || fail "dpkg -i of the headers failed: $out"
note "headers installed, DKMS built in $(($(date +%s) - start)) s"
status=$(dkms status buddyctl)
note "dkms status: $status"
case "$status" in
*"$kver"*installed*) ;;
*)
	tail -30 /var/lib/dkms/buddyctl/*/build/make.log 2>/dev/null | sed 's/^/    make.log: /'
	fail "DKMS did not install buddyctl for $kver: $out" ;;
esac
ko=$(modinfo -n buddy_monitor) || fail "modprobe cannot find buddy_monitor"
case "$ko" in /lib/modules/"$kver"/updates/dkms/*) ;; *) fail "buddy_monitor resolves to $ko, not DKMS's" ;; esac
[ "$(modinfo -F vermagic buddy_monitor | cut -d' ' -f1)" = "$kver" ] || fail "vermagic is not $kver"

# The build above ran on both vCPUs, each its own emulator thread (see
# "# vm-mttcg" above). Every module load and unload below patches kernel
# text, which that emulator can miss on a vCPU running the patched code:
# one vCPU from here on, as the single-threaded emulator has.
echo 0 > /sys/devices/system/cpu/cpu1/online || fail "cannot take cpu1 offline"
# 4. The module and the CLI from PATH.
modprobe buddy_monitor || fail "modprobe buddy_monitor failed"
[ "$(command -v buddyctl)" = /usr/bin/buddyctl ] || fail "buddyctl on PATH is $(command -v buddyctl)"
stats=$(buddyctl stats) || fail "buddyctl stats failed"
printf '%s\n' "$stats" | head -3 | sed 's/^/    /'
buddyctl stats --json | pyjson "assert len(j['orders']) == 11 and j['orders'][0]['requests'] > 0" ||
	fail "buddyctl stats --json has no order-0 requests"
version=$(buddyctl --version)
note "buddyctl --version: $(printf '%s' "$version" | tr '\n' ';')"
printf '%s\n' "$version" | grep -q "^buddyctl $(cat VERSION)$" || fail "--version: $version"
genl=$(sed -n 's/^#define BUDDY_MON_GENL_VERSION \([0-9]*\)$/\1/p' modules/uapi/buddyctl.h)
printf '%s\n' "$version" | grep -q "buddy_monitor.*loaded module speaks version $genl$" ||
	fail "--version does not show the loaded module's interface"

# 5. Man pages and completion.
[ "$(man -w buddyctl)" = /usr/share/man/man8/buddyctl.8.gz ] || fail "man -w buddyctl: $(man -w buddyctl 2>&1)"
man -w 4 buddy_monitor >/dev/null || fail "man -w 4 buddy_monitor failed"
[ -s /usr/share/bash-completion/completions/buddyctl ] || fail "no bash completion file"
bash -n /usr/share/bash-completion/completions/buddyctl || fail "the completion file is not valid bash"

# 6. The timer's service, its ExecStart run by hand (no systemd in the guest).
unit=/lib/systemd/system/buddyctl-textfile.service
[ -f /lib/systemd/system/buddyctl-textfile.timer ] || fail "no timer unit"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
prom=/var/lib/prometheus/node-exporter/buddyctl.prom
$exec_start || fail "ExecStart failed: $exec_start"
[ -s "$prom" ] || fail "$prom not written"
promtool check metrics < "$prom" || fail "promtool rejects $prom"
note "textfile: $(grep -vc '^#' "$prom") samples, promtool check metrics: ok"
leftover=$(find "$(dirname "$prom")" -name '.buddyctl.prom.*')
[ -z "$leftover" ] || fail "temporary files left: $leftover"

# 7. Removing the DKMS package while the module is loaded and steering:
# the policy goes back to off and the modules are unloaded, or dpkg stops.
buddyctl set-threshold 50 >/dev/null || fail "cannot set the threshold"
buddyctl policy adaptive >/dev/null || fail "cannot switch the policy to adaptive"
modprobe high_order_test || fail "modprobe high_order_test failed"
# First a module that will not unload (a modprobe that says it is in use):
# dpkg must stop with one line that says why, and keep the package.
mkdir -p /tmp/busy-bin
printf '#!/bin/sh\necho "modprobe: FATAL: Module $2 is in use." >&2\nexit 1\n' > /tmp/busy-bin/modprobe
chmod +x /tmp/busy-bin/modprobe
out=$(PATH=/tmp/busy-bin:$PATH dpkg -r buddyctl-dkms 2>&1) &&
	fail "removal went on although the modules could not be unloaded: $out"
note "dpkg -r buddyctl-dkms with a module in use:"
printf '%s\n' "$out" | sed 's/^/    /'
printf '%s\n' "$out" | grep -q "^buddyctl-dkms: cannot unload high_order_test (modprobe: FATAL: Module high_order_test is in use.; use count [0-9]*); stop what uses it" ||
	fail "the refusal does not say why"
[ "$(dpkg-query -W -f='${db:Status-Status}' buddyctl-dkms)" = installed ] ||
	fail "buddyctl-dkms is not installed after a refused removal"
[ -e "$(modinfo -n buddy_monitor)" ] || fail "a refused removal deleted the module files"
[ -d /sys/module/buddy_monitor ] || fail "buddy_monitor was unloaded by a refused removal"
buddyctl policy adaptive >/dev/null || fail "cannot switch the policy back to adaptive"
out=$(dpkg -r buddyctl-dkms 2>&1) || fail "dpkg -r buddyctl-dkms failed: $out"
note "dpkg -r buddyctl-dkms with the adaptive policy on: ok"
! loaded || fail "a module is still loaded after removal"
dmesg | tail -20 | grep -i buddy_monitor | sed 's/^/    /' || true

# 8. Purge everything: nothing of ours stays.
files=$(dpkg -L buddyctl libbuddyctl1 libbuddyctl-dev 2>/dev/null | sort -u)
# (buddyctl-dkms has no conffiles: its removal above left nothing to purge.)
dpkg --purge buddyctl libbuddyctl-dev libbuddyctl1 >/dev/null || fail "dpkg --purge failed"
[ -z "$(dpkg-query -W -f='${db:Status-Status}' buddyctl-dkms 2>/dev/null | grep -v not-installed)" ] ||
	fail "buddyctl-dkms is still known to dpkg after removal"
for f in $files; do
	[ -d "$f" ] && continue
	[ ! -e "$f" ] || fail "$f is still there after purge"
done
left=$(find /usr /lib/modules/"$kver" /var/lib/dkms \( -name 'buddyctl*' -o -name 'libbuddyctl*' \
	-o -name 'buddy_monitor*' -o -name 'high_order_test*' \) 2>/dev/null)
[ -z "$left" ] || fail "files left after purge: $left"
! loaded || fail "a module is loaded after purge"
[ ! -e "$prom" ] || fail "purge left $prom"
note "purge: no module loaded, nothing of ours under /usr, /lib/modules/$kver, /var/lib/dkms"
note "PASS"
