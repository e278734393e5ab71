#!/usr/bin/env bash
# The serve benchmark: signpost serve and nginx (its map doing the same
# lookup) side by side, each holding the same N exact rules, both on
# loopback without access logs, under the same load: C connections for D
# per run, redirect hits and misses (404 with the site's 404.html).
#
#   bench/serve/run.sh              # 100k rules, 64 connections, 10 s a run
#   RULES=1000000 DURATION=5s bench/serve/run.sh
#   SIGNPOST_BIN=/tmp/signpost bench/serve/run.sh   # a prebuilt binary
#
# Uses wrk when installed (installing it and nginx from Debian's packages
# when missing and running as root), otherwise the Go load generator in
# bench/serve/load. Prints a table; the raw JSON lines are in $WORK/results.
set -euo pipefail
cd "$(dirname "$0")/../.."

RULES=${RULES:-100000}
CONNS=${CONNS:-64}
DURATION=${DURATION:-10s}
SIGNPOST_ADDR=127.0.0.1:${SIGNPOST_PORT:-18480}
NGINX_ADDR=127.0.0.1:${NGINX_PORT:-18481}
BASELINE_ADDR=127.0.0.1:${BASELINE_PORT:-18482}

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

"$WORK/signpost" serve --rules "$WORK/redirects.json" --addr "$SIGNPOST_ADDR" --access-log=false "$WORK/site" >"$WORK/signpost.log" 2>&1 &
pids+=($!)
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" &
pids+=($!)
# The floor for any Go server: net/http answering a fixed 301, no lookup.
go build -o "$WORK/baseline" ./bench/serve/baseline
"$WORK/baseline" "$BASELINE_ADDR" &
pids+=($!)

# Wait for both, then check they give the same answers before timing them.
hit=$(head -1 "$WORK/hits.txt")
miss=$(head -1 "$WORK/misses.txt")
for addr in "$SIGNPOST_ADDR" "$NGINX_ADDR"; do
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
row() { # server kind addr paths
	load "$3" "$4" >/dev/null # warm-up run, discarded
	local r
	r=$(load "$3" "$4")
	echo "$1 $2 $r" >>"$WORK/results"
	printf '| %-8s | %-9s | %10s | %8s | %8s |\n' "$1" "$2" \
		"$(sed -n 's/.*"rps":\([0-9.]*\).*/\1/p' <<<"$r")" \
		"$(sed -n 's/.*"p50_ms":\([0-9.]*\).*/\1/p' <<<"$r")" \
		"$(sed -n 's/.*"p99_ms":\([0-9.]*\).*/\1/p' <<<"$r")"
}

echo
echo "client: $CLIENT; $(nproc) cores shared by client and servers"
echo
echo "| server   | kind      | requests/s | p50 (ms) | p99 (ms) |"
echo "|----------|-----------|-----------:|---------:|---------:|"
row signpost hits "$SIGNPOST_ADDR" "$WORK/hits.txt"
row nginx hits "$NGINX_ADDR" "$WORK/hits.txt"
row signpost misses "$SIGNPOST_ADDR" "$WORK/misses.txt"
row nginx misses "$NGINX_ADDR" "$WORK/misses.txt"
row net/http "fixed 301" "$BASELINE_ADDR" "$WORK/hits.txt"
echo
echo "bench: raw results in $WORK/results"
