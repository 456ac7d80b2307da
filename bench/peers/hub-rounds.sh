#!/usr/bin/env bash
# Alternated rounds of one over-the-wire row (our hub with the node client against the socket.io peer), medians at the
# end: single runs on the shared 2-core box swing by 2x, so one run decides nothing.
#
#   bench/peers/hub-rounds.sh CLIENTS EVENTS RATE [ROUNDS]          e.g. 200 2000 100 3 (paced), 200 2000 0 4 (flood)
#
# OURS="label=path/App.Web.dll[,VAR=value...] ..." compares several builds (or runtime settings) of the app in the
# same rounds (default: this tree's Release build, `dotnet build App.sln -c Release` first). PEER=0 leaves socket.io out. One instance, no Redis; every
# run warms its server up as bench/run.sh does. Per-run JSON lines go to stderr, the summary table to stdout.
set -euo pipefail
[[ $# -ge 3 ]] || { echo "usage: $0 CLIENTS EVENTS RATE [ROUNDS]" >&2; exit 64; }
CLIENTS=$1 EVENTS=$2 RATE=$3 ROUNDS=${4:-3}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OURS=${OURS:-"ours=$ROOT/src/App.Web/bin/Release/net10.0/App.Web.dll"}
WARMUP=$(( 200000 / CLIENTS > 200 ? 200000 / CLIENTS : 200 ))
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hub-rounds.XXXXXX")
RESULTS="$TMP/results.tsv"
APP_PID=""
cleanup() { [[ -n "$APP_PID" ]] && kill "$APP_PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

ours() { # label dll[,VAR=value...]
    local port data="$TMP/data-$RANDOM" line dll=${2%%,*} env=()
    [[ "$2" == *,* ]] && IFS=, read -r -a env <<<"${2#*,}"
    port=$(free_port); mkdir -p "$data"
    (cd "$data" && REALTIME_BENCH_ENDPOINTS=true ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
        RATE_LIMIT_CONNECTIONS_PER_USER=100000 RATE_LIMIT_CIRCUITS_PER_USER=100000 APP_DATA_PATH="$data" \
        exec env "${env[@]}" dotnet "$dll" --urls "http://127.0.0.1:$port" >"$data/app.log" 2>&1) &
    APP_PID=$!
    for _ in $(seq 1 300); do curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz/live" 2>/dev/null && break; sleep 0.1; done
    line=$(node "$ROOT/bench/peers/signalr-node/client.js" --urls "http://127.0.0.1:$port" --clients "$CLIENTS" --events "$EVENTS" \
        --rate "$RATE" --payload 256 --warmup "$WARMUP" 2>>"$TMP/client.log" | tail -1) || true
    kill "$APP_PID" 2>/dev/null; wait "$APP_PID" 2>/dev/null || true; APP_PID=""
    record "$1" "$line"
}

peer() {
    local line
    line=$(cd "$ROOT/bench/peers/socketio" && WARMUP=$WARMUP ./run.sh "$CLIENTS" "$EVENTS" "$RATE" 2>>"$TMP/client.log" | tail -1) || true
    record socketio "$line"
}

record() { # label json
    echo "$1 $2" >&2
    python3 - "$1" "$2" "$(cut -d' ' -f1 /proc/loadavg)" >>"$RESULTS" <<'EOF'
import json, sys
label, line, load = sys.argv[1], sys.argv[2], sys.argv[3]
try: r = json.loads(line)
except ValueError: r = {}
print("\t".join(str(x) for x in (label, r.get("deliveriesPerSec"), r.get("p50Ms"), r.get("p99Ms"), r.get("lost"), r.get("serverCpuUsPerDelivery"), load)))
EOF
}

for round in $(seq 1 "$ROUNDS"); do
    for pair in $OURS; do ours "${pair%%=*}" "${pair#*=}"; done
    [[ "${PEER:-1}" == 0 ]] || peer
done

python3 - "$RESULTS" "$CLIENTS" "$EVENTS" "$RATE" <<'EOF'
import statistics, sys
path, n, m, rate = sys.argv[1:5]
rows = [l.rstrip("\n").split("\t") for l in open(path)]
labels = list(dict.fromkeys(r[0] for r in rows))
num = lambda v: float(v) if v not in ("None", "") else float("nan")
print(f"N={n} M={m} rate={'flood' if rate == '0' else rate + '/s'}, {len(rows)} runs")
print("| run | deliveries/s | p50 / p99 ms | lost | server CPU us/delivery | load avg (1 min) |")
print("|---|---|---|---|---|---|")
for r in rows: print(f"| {r[0]} | {num(r[1]):,.0f} | {r[2]} / {r[3]} | {r[4]} | {r[5]} | {r[6]} |")
print()
print("| side | median deliveries/s | median p99 ms | median server CPU us/delivery |")
print("|---|---|---|---|")
for label in labels:
    mine = [r for r in rows if r[0] == label]
    med = lambda i: statistics.median(num(r[i]) for r in mine)
    print(f"| {label} | {med(1):,.0f} | {med(3):.2f} | {med(5):.2f} |")
EOF
