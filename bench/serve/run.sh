#!/usr/bin/env bash
# The serve benchmark: signpost serve and nginx (its map doing the same
# lookup) side by side, each holding the same N exact rules, both on
# loopback without access logs, under the same load: C connections for D
# per run, redirect hits and misses (404 with the site's 404.html).
#
#   bench/serve/run.sh              # 100k rules, 64 connections, 3 rounds of 10 s runs
#   RULES=1000000 DURATION=5s bench/serve/run.sh
#   SIGNPOST_BIN=/tmp/signpost bench/serve/run.sh   # a prebuilt binary
#
# Uses wrk when installed (installing it and nginx from Debian's packages
# when missing and running as root), otherwise the Go load generator in
# bench/serve/load. Prints a table of medians; every run is in $WORK/results.
set -euo pipefail
cd "$(dirname "$0")/../.."

RULES=${RULES:-100000}
CONNS=${CONNS:-64}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
SIGNPOST_ADDR=127.0.0.1:${SIGNPOST_PORT:-18480}
NGINX_ADDR=127.0.0.1:${NGINX_PORT:-18481}
BASELINE_ADDR=127.0.0.1:${BASELINE_PORT:-18482}
RAW_ADDR=127.0.0.1:${RAW_PORT:-18483}
SLOW_ADDR=127.0.0.1:${SLOW_PORT:-18484}

need() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }
if ! need nginx || ! need wrk; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "bench: installing nginx-light and wrk"
		apt-get update -qq && apt-get install -y -qq nginx-light wrk >/dev/null || true
	fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "bench: nginx is required (apt-get install nginx-light)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/signpost-bench.XXXXXX)
chmod 755 "$WORK"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap cleanup EXIT

echo "bench: $RULES rules, $CONNS connections, $DURATION a run, in $WORK"
go run ./bench/serve/gen -n "$RULES" -dir "$WORK"
if [ -n "${SIGNPOST_BIN:-}" ]; then
	cp "$SIGNPOST_BIN" "$WORK/signpost" # a binary built elsewhere, e.g. from another branch
else
	go build -o "$WORK/signpost" ./cmd/signpost
fi

cat >"$WORK/nginx.conf" <<NGINX
worker_processes auto;
daemon off;
user root;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	server_tokens off;
	keepalive_requests 1000000;
	map_hash_max_size $((RULES * 4 + 1024));
	map_hash_bucket_size 256;
	map \$uri \$redirect {
		default "";
		include $WORK/map.conf;
	}
	server {
		listen $NGINX_ADDR reuseport;
		root $WORK/site;
		absolute_redirect off;
		add_header Strict-Transport-Security "max-age=63072000" always;
		if (\$redirect) { return 301 \$redirect; }
		error_page 404 /404.html;
		location / { try_files \$uri \$uri/ =404; }
	}
}
NGINX

# serverpid[ADDR] is the process answering on ADDR, for its CPU time.
declare -A serverpid
"$WORK/signpost" serve --rules "$WORK/redirects.json" --addr "$SIGNPOST_ADDR" --access-log=false "$WORK/site" >"$WORK/signpost.log" 2>&1 &
pids+=($!) serverpid[$SIGNPOST_ADDR]=$!
# The same server with every request left to net/http (no fast lane).
"$WORK/signpost" serve --rules "$WORK/redirects.json" --addr "$SLOW_ADDR" --access-log=false --fast-lane=false "$WORK/site" >"$WORK/signpost-slow.log" 2>&1 &
pids+=($!) serverpid[$SLOW_ADDR]=$!
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" &
pids+=($!) serverpid[$NGINX_ADDR]=$! # the master; its workers are counted with it
# The floors for Go: net/http answering a fixed 301 with no lookup, and a
# goroutine per connection writing a canned 301 with no HTTP library.
go build -o "$WORK/baseline" ./bench/serve/baseline
"$WORK/baseline" "$BASELINE_ADDR" &
pids+=($!) serverpid[$BASELINE_ADDR]=$!
"$WORK/baseline" -raw "$RAW_ADDR" &
pids+=($!) serverpid[$RAW_ADDR]=$!

# Wait for signpost, nginx and signpost without the fast lane, then check
# they give the same answers before timing them.
hit=$(head -1 "$WORK/hits.txt")
miss=$(head -1 "$WORK/misses.txt")
for addr in "$SIGNPOST_ADDR" "$NGINX_ADDR" "$SLOW_ADDR"; do
	up=
	for _ in $(seq 1 1200); do
		curl -s -o /dev/null "http://$addr/" && { up=1; break; }
		sleep 0.1
	done
	[ -n "$up" ] || { echo "bench: nothing answers on $addr after 120 s; see $WORK/*.log" >&2; exit 1; }
	got=$(curl -s -o /dev/null -w '%{http_code} %header{location}' "http://$addr$hit" || true)
	want="301 /pages/${hit##*-}"
	[ "$got" = "$want" ] || { echo "bench: $addr answers $hit with '$got', want '$want'" >&2; exit 1; }
	got=$(curl -s -o /dev/null -w '%{http_code}' "http://$addr$miss" || true)
	[ "$got" = 404 ] || { echo "bench: $addr answers $miss with $got, want 404" >&2; exit 1; }
done

if command -v wrk >/dev/null; then
	CLIENT="wrk (2 threads)"
	load() { wrk -t2 -c"$CONNS" -d"$DURATION" -s bench/serve/paths.lua "http://$1" -- "$2" | grep '^{'; }
else
	CLIENT="bench/serve/load (Go)"
	go build -o "$WORK/load" ./bench/serve/load
	load() { "$WORK/load" -c "$CONNS" -d "$DURATION" -paths "$2" "http://$1"; }
fi

: >"$WORK/results"
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p"; }
# CPU time, in clock ticks, of a server (a process, its threads and its
# children: nginx's workers) and of this shell's finished children (the
# client), from /proc and the times builtin.
TICK=$(getconf CLK_TCK)
server_ticks() {
	local t=0 p
	for p in "$1" $(pgrep -P "$1" || true); do
		t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo "$t"
}
# client_ticks sets CLIENT_TICKS; it runs in this shell, not in $(...),
# whose times would be its own.
client_ticks() {
	times >"$WORK/times"
	CLIENT_TICKS=$(tail -1 "$WORK/times" | awk -v hz="$TICK" '{
		t = 0
		for (i = 1; i <= 2; i++) { split($i, ms, /[ms]/); t += (ms[1] * 60 + ms[2]) * hz }
		printf "%d\n", t + 0.5 }')
}
# measure runs the load on one row and prints its JSON line with the CPU
# microseconds a request took in the server and in the client added: on
# cores both share, their sum is what bounds requests/s.
measure() {
	local s0 c0 s1 c1 out n
	client_ticks
	s0=$(server_ticks "${serverpid[$1]}") c0=$CLIENT_TICKS
	out=$(load "$1" "$2")
	client_ticks
	s1=$(server_ticks "${serverpid[$1]}") c1=$CLIENT_TICKS
	n=$(field requests <<<"$out")
	awk -v out="$out" -v s=$((s1 - s0)) -v c=$((c1 - c0)) -v n="${n:-0}" -v hz="$TICK" 'BEGIN {
		if (n == 0) n = 1
		sub(/}$/, "", out)
		printf "%s,\"server_us\":%.2f,\"client_us\":%.2f}\n", out, s / hz / n * 1e6, c / hz / n * 1e6 }'
}
# median prints the middle value of the numbers on standard input.
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

rows=(
	"signpost|hits|$SIGNPOST_ADDR|$WORK/hits.txt"
	"nginx|hits|$NGINX_ADDR|$WORK/hits.txt"
	"signpost|misses|$SIGNPOST_ADDR|$WORK/misses.txt"
	"nginx|misses|$NGINX_ADDR|$WORK/misses.txt"
	"signpost, net/http only|hits|$SLOW_ADDR|$WORK/hits.txt"
	"net/http|fixed 301|$BASELINE_ADDR|$WORK/hits.txt"
	"raw Go|fixed 301|$RAW_ADDR|$WORK/hits.txt"
)
# Warm every server up, then run the rows in turn ROUNDS times, so that a
# burst of load from elsewhere on the machine hits every row alike.
for row in "${rows[@]}"; do
	IFS='|' read -r _ _ addr paths <<<"$row"
	load "$addr" "$paths" >/dev/null
done
for round in $(seq 1 "$ROUNDS"); do
	for row in "${rows[@]}"; do
		IFS='|' read -r server kind addr paths <<<"$row"
		echo "$server|$kind|$(measure "$addr" "$paths")" >>"$WORK/results"
	done
	echo "bench: round $round of $ROUNDS done" >&2
done

echo
echo "client: $CLIENT; $(nproc) cores shared by client and servers; median of $ROUNDS rounds"
echo
echo "| server   | kind      | requests/s | p50 (ms) | p99 (ms) | server CPU (µs/req) | client CPU (µs/req) |"
echo "|----------|-----------|-----------:|---------:|---------:|----:|----:|"
for row in "${rows[@]}"; do
	IFS='|' read -r server kind _ _ <<<"$row"
	runs=$(grep -F "$server|$kind|" "$WORK/results")
	printf '| %-8s | %-9s | %10s | %8s | %8s | %s | %s |\n' "$server" "$kind" \
		"$(field rps <<<"$runs" | median)" "$(field p50_ms <<<"$runs" | median)" "$(field p99_ms <<<"$runs" | median)" \
		"$(field server_us <<<"$runs" | median)" "$(field client_us <<<"$runs" | median)"
done
echo
echo "bench: every run in $WORK/results"
