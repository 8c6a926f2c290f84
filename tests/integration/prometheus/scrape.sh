#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# integration.prometheus_scrape: a real Prometheus server scrapes
# `buddyctl exporter` in a guest. Runs on the host (ctest), in the
# repository root:
#   tests/integration/prometheus/scrape.sh [vm-run options, e.g. --kernel V]
#
# The guest (guest.sh) runs the exporter on port 9435, forwarded to a free
# port on the host's 127.0.0.1 (scripts/vm-run --forward). Debian's
# prometheus binary runs here on 127.0.0.1 with a temporary config and
# storage, scraping every 2 s and evaluating a test copy of
# packaging/prometheus/buddyctl.rules.yml whose for: durations are cut to
# 5 s (the expressions and thresholds are the shipped ones). Then, through
# Prometheus' HTTP API:
#   1. per-order request rates over a 30 s stress-ng workload agree with
#      `buddyctl stats` taken in the guest at its start and end, within 10 %
#      for every order with at least 600 requests in the window;
#   2. the rules loaded and evaluate without error (/api/v1/rules);
#   3. BuddyctlHighOrderAllocationFailures fires for order 10 after the guest
#      pins every 4 MiB block and makes 200 order-10 attempts;
#   4. across rmmod/insmod of buddy_monitor the exporter never refuses a
#      scrape (timeouts while the guest is stopped are allowed), buddyctl_up
#      drops to 0 and comes back to 1;
#   5. a load test (8 clients x 25 scrapes, then 100 idle connections and
#      a 1 MiB header) leaves the exporter serving, with its peak RSS and
#      thread count reported; the real scrape passes promtool check metrics.
# Traffic stays on 127.0.0.1 (and inside QEMU's user-mode network).
set -uo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
promtool=$(command -v promtool) || { echo "FAIL: promtool not found (apt-get install prometheus)"; exit 1; }
prometheus=$(command -v prometheus) || { echo "FAIL: prometheus not found (apt-get install prometheus)"; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
hport=$(free_port)
pport=$(free_port)
work=build/prometheus-scrape/$$
rm -rf "$work"; mkdir -p "$work/data"
guest_pid="" prom_pid=""
cleanup() {
	[ -n "$prom_pid" ] && kill "$prom_pid" 2>/dev/null && wait "$prom_pid" 2>/dev/null
	touch "$work/go-workload" "$work/go-fail" "$work/go-reload" "$work/go-finish"
	if [ -n "$guest_pid" ]; then
		for _ in $(seq 60); do kill -0 "$guest_pid" 2>/dev/null || break; sleep 1; done
		kill "$guest_pid" 2>/dev/null
	fi
}
trap cleanup EXIT
fail() { echo "FAIL [prometheus_scrape]: $*" >&2; echo "work directory: $work" >&2; exit 1; }
note() { echo "[prometheus_scrape] $*"; }
wait_file() {  # NAME SECONDS
	for _ in $(seq $(($2 * 5))); do
		[ -e "$work/$1" ] && return 0
		kill -0 "$guest_pid" 2>/dev/null || fail "the guest exited before $1 (see $work/guest.log)"
		sleep 0.2
	done
	fail "no $1 from the guest within $2 s"
}
api() {  # PATH [curl args]: GET Prometheus' API, print the JSON
	local p=$1; shift
	curl -sf --max-time 10 "$@" "http://127.0.0.1:$pport$p"
}
query() {  # EXPR [TIME]: the instant query's result as JSON
	if [ -n "${2:-}" ]; then
		api /api/v1/query --data-urlencode "query=$1" --data-urlencode "time=$2" -G
	else
		api /api/v1/query --data-urlencode "query=$1" -G
	fi
}

# The shipped rules with for: cut to 5 s, everything else as shipped.
sed -E 's/^( *for: )[0-9]+m$/\15s/' packaging/prometheus/buddyctl.rules.yml > "$work/rules.yml"
grep -q 'for: 5s' "$work/rules.yml" || fail "could not shorten for: in the rules copy"
cat > "$work/prometheus.yml" <<YML
global:
  scrape_interval: 2s
  scrape_timeout: 2s
  evaluation_interval: 1s
rule_files: [rules.yml]
scrape_configs:
  - job_name: buddyctl
    static_configs:
      - targets: ['127.0.0.1:$hport']
YML
"$promtool" check config "$work/prometheus.yml" > /dev/null || fail "bad prometheus config"

note "guest exporter on 127.0.0.1:$hport, prometheus on 127.0.0.1:$pport, work $work"
scripts/vm-run --mem 1G --timeout 900 --forward "$hport:9435" "$@" -- \
	tests/integration/prometheus/guest.sh "$work" > "$work/guest.log" 2>&1 &
guest_pid=$!
"$prometheus" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
	--web.listen-address="127.0.0.1:$pport" --log.level=warn > "$work/prometheus.log" 2>&1 &
prom_pid=$!

wait_file ready 300
for _ in $(seq 60); do
	api /api/v1/targets | jq -e '.data.activeTargets[0].health == "up"' > /dev/null && break
	sleep 1
done
api /api/v1/targets | jq -e '.data.activeTargets[0].health == "up"' > /dev/null ||
	fail "prometheus cannot scrape the guest: $(api /api/v1/targets | jq -c '.data.activeTargets[0].lastError')"
note "target up; the scrape Prometheus asked for: $(curl -s -o /dev/null -w '%{content_type}' \
	-H 'Accept: application/openmetrics-text;version=1.0.0' "http://127.0.0.1:$hport/metrics")"

# The real exposition, text format, through promtool's lint.
curl -sf --max-time 10 "http://127.0.0.1:$hport/metrics" > "$work/scrape.txt" || fail "curl /metrics failed"
"$promtool" check metrics < "$work/scrape.txt" || fail "promtool check metrics complains about the guest's exposition"
grep -q '^buddyctl_up 1$' "$work/scrape.txt" || fail "buddyctl_up is not 1 in the guest"

# 1. Rates over the workload window against buddyctl stats.
touch "$work/go-workload"
wait_file s1.json 240
sleep 5  # let a scrape after the window land
python3 - "$work" "$pport" <<'PY' || fail "request rates disagree (table above)"
import json, sys, urllib.parse, urllib.request
work, port = sys.argv[1], sys.argv[2]
s0 = json.load(open(f'{work}/s0.json'))
s1 = json.load(open(f'{work}/s1.json'))
t0, t1 = s0['t'], s1['t']
def q(expr, t):
    u = f'http://127.0.0.1:{port}/api/v1/query?' + urllib.parse.urlencode({'query': expr, 'time': t})
    return json.load(urllib.request.urlopen(u, timeout=10))['data']['result']
# Every sample Prometheus stored within the window, per order.
window = int(t1 - t0)
res = q(f'buddyctl_alloc_requests_total[{window}s]', t1)
by_order = {int(r['metric']['order']): [(float(t), float(v)) for t, v in r['values']] for r in res}
o0 = {o['order']: o['requests'] for o in s0['stats']['orders']}
o1 = {o['order']: o['requests'] for o in s1['stats']['orders']}
print(f'window {t1 - t0:.1f} s (guest clock); Prometheus samples per order: '
      f'{min(len(v) for v in by_order.values())}..{max(len(v) for v in by_order.values())}')
print(f'{"order":>5} {"stats/s":>10} {"prom/s":>10} {"diff %":>7} {"requests":>10}')
bad = compared = 0
for order in sorted(o1):
    n = o1[order] - o0[order]
    s_rate = n / (t1 - t0)
    v = by_order.get(order, [])
    if len(v) < 2:
        print(f'{order:>5} {s_rate:>10.1f} {"-":>10}')
        continue
    p_rate = (v[-1][1] - v[0][1]) / (v[-1][0] - v[0][0])
    diff = 100 * (p_rate - s_rate) / s_rate if s_rate else 0.0
    checked = n >= 600
    compared += checked
    ok = not checked or abs(diff) <= 10
    bad += not ok
    print(f'{order:>5} {s_rate:>10.1f} {p_rate:>10.1f} {diff:>+7.1f} {n:>10}'
          f'{"" if checked else "  (too few to compare)"}{"" if ok else "  <- over 10 %"}')
assert compared >= 1, 'no order had 600 requests in the window'
sys.exit(1 if bad else 0)
PY
note "request rates agree"

# 2. The rules loaded and evaluate.
api /api/v1/rules > "$work/rules.json" || fail "/api/v1/rules failed"
jq -e '[.data.groups[].name] | sort == ["buddyctl.alerts", "buddyctl.recording"]' "$work/rules.json" > /dev/null ||
	fail "rule groups not loaded: $(jq -c '[.data.groups[].name]' "$work/rules.json")"
jq -e '[.data.groups[].rules[]] | length == 13 and all(.health == "ok")' "$work/rules.json" > /dev/null ||
	fail "rules unhealthy: $(jq -c '[.data.groups[].rules[] | select(.health != "ok") | {name, health, lastError}]' "$work/rules.json")"
note "13 rules loaded, all healthy"

# 3. Order-10 failures fire the alert.
touch "$work/go-fail"
wait_file fail-done 300
note "guest: $(head -1 "$work/hot.txt")"
fired=""
for _ in $(seq 60); do
	fired=$(api /api/v1/alerts | jq -r '.data.alerts[] | select(.labels.alertname == "BuddyctlHighOrderAllocationFailures" and .labels.order == "10" and .state == "firing") | .annotations.description')
	[ -n "$fired" ] && break
	sleep 1
done
[ -n "$fired" ] || fail "BuddyctlHighOrderAllocationFailures did not fire: $(api /api/v1/alerts | jq -c '.data.alerts')"
note "alert firing: BuddyctlHighOrderAllocationFailures{order=\"10\"}: $fired"

# 4. Module unloaded and loaded again while Prometheus scrapes.
reload_start=$(date +%s)
touch "$work/go-reload"
wait_file reload-done 120
sleep 4
span=$(($(date +%s) - reload_start + 2))
r=$(query "min_over_time(buddyctl_up[${span}s])" | jq -r '.data.result[0].value[1]')
[ "$r" = 0 ] || fail "buddyctl_up never went to 0 while the module was out (min $r)"
r=$(query 'buddyctl_up' | jq -r '.data.result[0].value[1]')
[ "$r" = 1 ] || fail "buddyctl_up did not come back to 1 (now $r)"
# The guest checked that the exporter process lived through the reload.
# Here every scrape in the window must have been answered, or have timed
# out: under TCG, insmod patches the allocator's call sites with the whole
# guest stopped, which can outlast the 2 s scrape timeout. A refused or
# dropped connection (an exporter that closed its socket or restarted)
# fails fast, so a failed scrape shorter than the timeout fails the test.
query "up{job=\"buddyctl\"}[${span}s]" > "$work/reload-up.json" || fail "query up failed"
query "scrape_duration_seconds{job=\"buddyctl\"}[${span}s]" > "$work/reload-duration.json" ||
	fail "query scrape_duration_seconds failed"
python3 - "$work" <<'PY' || fail "the exporter stopped answering during the reload (above)"
import json, sys
work = sys.argv[1]
def series(name):
    return {float(t): float(v) for t, v in json.load(open(f'{work}/{name}.json'))['data']['result'][0]['values']}
up, duration = series('reload-up'), series('reload-duration')
failed = sorted(t for t, v in up.items() if v == 0)
fast = [t for t in failed if duration.get(t, 0.0) < 1.5]
print(f'reload window: {len(up)} scrapes, {len(failed)} failed '
      f'(durations {", ".join(f"{duration.get(t, 0.0):.2f} s" for t in failed) or "-"})')
if fast:
    print(f'{len(fast)} failed scrape(s) ended before the 2 s timeout: the exporter refused or dropped them')
sys.exit(1 if fast or len(up) < 5 else 0)
PY
note "reload: exporter answered (or the stopped guest timed out), buddyctl_up 1 -> 0 -> 1"

# 5. Load and abuse.
python3 - "$hport" <<'PY' || fail "load test failed"
import socket, sys, threading, time, urllib.request
port = int(sys.argv[1])
url = f'http://127.0.0.1:{port}/metrics'
lat, errors = [], []
def client():
    for _ in range(25):
        t = time.monotonic()
        try:
            body = urllib.request.urlopen(url, timeout=30).read()
            assert b'\nbuddyctl_up ' in body
            lat.append(time.monotonic() - t)
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))
threads = [threading.Thread(target=client) for _ in range(8)]
t0 = time.monotonic()
for t in threads: t.start()
for t in threads: t.join()
wall = time.monotonic() - t0
lat.sort()
print(f'load: {len(lat)} scrapes by 8 clients in {wall:.1f} s ({len(lat)/wall:.1f}/s), '
      f'latency p50 {1000*lat[len(lat)//2]:.0f} ms p99 {1000*lat[int(len(lat)*0.99)-1]:.0f} ms '
      f'max {1000*lat[-1]:.0f} ms; errors {len(errors)}')
assert not errors, errors[:3]
# Abuse: 100 idle connections (more than the 32 the exporter serves) and
# one request with a 1 MiB header.
idle = []
for _ in range(100):
    s = socket.create_connection(('127.0.0.1', port), timeout=5)
    idle.append(s)
s = socket.create_connection(('127.0.0.1', port), timeout=30)
try:
    s.sendall(b'GET /metrics HTTP/1.1\r\nHost: x\r\nX-Junk: ' + b'a' * (1 << 20) + b'\r\n\r\n')
except OSError as e:
    print(f'huge header: the exporter closed the connection while we sent ({e.__class__.__name__})')
try:
    reply = s.recv(200)
    status = reply.split(b'\r\n')[0].decode() if reply else 'closed without reply'
    print(f'huge header: {status}')
except OSError as e:
    print(f'huge header: {e.__class__.__name__}')
s.close()
for c in idle: c.close()
# Served again once the idle connections are gone.
t = time.monotonic()
body = urllib.request.urlopen(url, timeout=30).read()
print(f'after the abuse: scrape served in {1000*(time.monotonic()-t):.0f} ms')
for line in body.decode().splitlines():
    if line.startswith(('process_resident_memory_bytes', 'buddyctl_exporter_scrapes_total',
                        'buddyctl_exporter_collections_total', 'buddyctl_exporter_collect_duration_seconds',
                        'process_cpu_seconds_total')):
        print('  ' + line)
PY
touch "$work/go-finish"
wait_file guest-done 60
note "exporter in the guest at the end: $(tr -s ' \t\n' ' ' < "$work/exporter.txt")"
wait "$guest_pid"
rc=$?
guest_pid=""
[ $rc -eq 0 ] || fail "the guest run failed (exit $rc, see $work/guest.log and build/vm-logs/last/console.log)"
kill "$prom_pid" 2>/dev/null; wait "$prom_pid" 2>/dev/null; prom_pid=""
rm -rf "$work/data"  # the TSDB; the logs and the guest's files stay for reading
note "PASS"
