#!/bin/sh
# The guest half of integration.prometheus_scrape (the host half,
# scrape.sh, starts it with scripts/vm-run --forward): serve the monitor
# with `buddyctl exporter` on the forwarded port and run the phases the host
# asks for, one file each in the shared directory WORK (repository-relative):
#   ready            the exporter is up; then wait for go-workload
#   s0.json s1.json  `buddyctl stats --json` with the guest's wall clock,
#                    around a 30 s allocation workload (stress-ng)
#   fail-done        after pinning every 4 MiB block and 200 order-10
#                    attempts that must fail
#   reload-done      after rmmod and insmod of buddy_monitor
#   exporter.txt     the exporter's peak RSS and threads, after the host's
#                    load test (go-finish)
# Each wait gives up after 10 minutes so a lost host never hangs the guest.
. tests/integration/lib.sh
work=$1
[ -d "$work" ] || fail "no work directory $work"

wait_for() {
	i=0
	while [ ! -e "$work/$1" ]; do
		i=$((i + 1))
		[ $i -lt 3000 ] || fail "the host never wrote $1"
		sleep 0.2
	done
}
snapshot() {
	printf '{"t": %s, "stats": %s}\n' "$(date +%s.%N)" "$(bctl stats --json)" > "$work/$1.tmp"
	mv "$work/$1.tmp" "$work/$1"
}

# QEMU's user-mode network: the guest is 10.0.2.15 on it (the address the
# host forward goes to), with no route anywhere else.
modprobe virtio_net || fail "modprobe virtio_net failed"
ip link set lo up
ip link set eth0 up || fail "no eth0"
ip addr add 10.0.2.15/24 dev eth0 || fail "cannot configure eth0"

load_monitor
load_hot
# Not through bctl (a shell function): $! must be buddyctl itself.
"$BUDDYCTL" exporter --listen :9435 --frag-interval 5s 2> "$work/exporter.log" &
exporter=$!
sleep 2
kill -0 $exporter || fail "the exporter did not start: $(cat "$work/exporter.log")"
note "exporter pid $exporter serving :9435"
touch "$work/ready"

wait_for go-workload
snapshot s0.json
stress-ng --vm 1 --vm-bytes 64M --fork 1 --timeout 30s --quiet || fail "stress-ng failed"
snapshot s1.json
note "workload done"

wait_for go-fail
# One unmovable page in every 4 MiB block the sweep touches: no order-10
# block can be made free any more, so light (no reclaim, no retry) order-10
# attempts fail.
bctl fragment pin --percent 100 --sweep-percent 90 > "$work/pin.txt" || fail "fragment pin failed"
bctl hot run --order 10 --count 200 --gfp light > "$work/hot.txt" 2>/dev/null || fail "hot run failed"
bctl hot release > /dev/null
bctl fragment release > /dev/null
bctl stats --order 10 --json > "$work/stats10.json"
touch "$work/fail-done"

wait_for go-reload
rmmod high_order_test || fail "rmmod high_order_test failed"
rmmod buddy_monitor || fail "rmmod buddy_monitor failed"
sleep 8
kill -0 $exporter || fail "the exporter exited when the module went away"
t0=$(date +%s.%N)
load_monitor
note "insmod buddy_monitor took $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
sleep 8
touch "$work/reload-done"

wait_for go-finish
kill -0 $exporter || fail "the exporter died during the load test"
grep -E '^(VmHWM|VmRSS|Threads):' /proc/$exporter/status > "$work/exporter.txt"
kill $exporter
wait $exporter
note "exporter stopped: $(tail -1 "$work/exporter.log")"
touch "$work/guest-done"
