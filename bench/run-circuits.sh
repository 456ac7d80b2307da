#!/usr/bin/env bash
# The circuit scale run (issue 18): N signed-in headless circuits on /w/{slug}/projects, 100 per workspace, one
# workspace-scoped event per second per workspace for 60 s after all are up; publish -> render batch latency, circuits
# held/failed, open rate, server and generator CPU, memory per circuit. Steps 1,000 / 5,000 / 10,000 / 20,000, each on a
# fresh app (Release build, its own SQLite database), until a step's p99 passes 200 ms or a circuit fails.
# Never part of the test run. Load generator and server share this machine's cores.
#   ./bench/run-circuits.sh                                  every step, prints a markdown table
#   STEPS="200" SECONDS_PER_STEP=20 ./bench/run-circuits.sh  a quick check
#   APP_ENV="DOTNET_GCConserveMemory=5" ./bench/run-circuits.sh   extra environment for the app (GC settings)
#   OUT=file.md ./bench/run-circuits.sh                      also append the table to a file
#   SKIP_BUILD=1 ./bench/run-circuits.sh                     use the Release build already there
set -uo pipefail
# All in one block, parsed before anything runs: editing this file while it runs cannot change a running step.
{

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STEPS="${STEPS:-1000 5000 10000 20000}"
PER_WORKSPACE="${PER_WORKSPACE:-100}"
SECONDS_PER_STEP="${SECONDS_PER_STEP:-60}"
OPEN_PARALLEL="${OPEN_PARALLEL:-32}"
APP_ENV="${APP_ENV:-}"
P99_LIMIT_MS="${P99_LIMIT_MS:-200}"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/app-circuits.XXXXXX")"
APP_PID=""
log() { printf '[circuits] %s\n' "$*" >&2; }

stop_app() {
    [[ -n "$APP_PID" ]] || return 0
    kill "$APP_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$APP_PID" 2>/dev/null || true
    APP_PID=""
}
cleanup() { stop_app; rm -rf "$TMP"; }
trap cleanup EXIT

# Every circuit is a socket on each side; 20,000 of them need more than the usual 1,024 (root may raise the hard limit).
ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)"
log "open files limit: $(ulimit -n); ephemeral ports: $(tr '\t' ' ' < /proc/sys/net/ipv4/ip_local_port_range)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

if [[ -z "${SKIP_BUILD:-}" ]]; then
    log "building (Release)"
    dotnet build bench/CircuitLoad/CircuitLoad.csproj -c Release -nologo -v q -clp:ErrorsOnly || exit 1 # builds App.Web too
fi
WEB_DLL="$ROOT/src/App.Web/bin/Release/net10.0/App.Web.dll"
LOAD_DLL="$ROOT/bench/CircuitLoad/bin/Release/net10.0/CircuitLoad.dll"

start_app() { # data-dir -> sets APP_PID, APP_URL
    local data=$1 port
    port=$(free_port)
    mkdir -p "$data"
    # One bench user holds 100 circuits and the run signs up one user per workspace from one address: lift those limits.
    # shellcheck disable=SC2086
    (cd "$data" && exec env REALTIME_BENCH_ENDPOINTS=true ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
        RATE_LIMIT_CIRCUITS_PER_USER=100000 RATE_LIMIT_SIGN_UP_PER_IP=100000/1h RATE_LIMIT_SIGN_IN_PER_IP=100000/1m \
        APP_DATA_PATH="$data" $APP_ENV dotnet "$WEB_DLL" --urls "http://127.0.0.1:$port" >"$data/app.log" 2>&1) &
    APP_PID=$!
    APP_URL="http://127.0.0.1:$port"
    for _ in $(seq 1 300); do curl -fsS -o /dev/null --max-time 1 "$APP_URL/healthz/live" 2>/dev/null && return 0; sleep 0.2; done
    log "the app never answered; its log:"; tail -20 "$data/app.log" >&2
    return 1
}

RESULTS="$TMP/results.jsonl"
: > "$RESULTS"
for n in $STEPS; do
    log "step: $n circuits"
    start_app "$TMP/app-$n" || break
    timeout $((1800 + n / 5)) dotnet "$LOAD_DLL" headless --url "$APP_URL" --circuits "$n" --per-workspace "$PER_WORKSPACE" \
        --seconds "$SECONDS_PER_STEP" --open-parallel "$OPEN_PARALLEL" --label "${APP_ENV:-default GC}" --out "$RESULTS" >&2
    code=$?
    stop_app
    # The app's warnings (thread pool starvation, timeouts) say where a step that lost circuits stalled.
    if grep -qiE "exception|fail:|warn:" "$TMP/app-$n/app.log"; then
        log "app log (warnings and errors):"; grep -iE -A2 "exception|fail:|warn:" "$TMP/app-$n/app.log" | grep -v "^--" | head -30 >&2
    fi
    if [[ $code -ne 0 ]]; then log "step $n: a circuit failed (exit $code): stopping"; break; fi
    p99=$(tail -1 "$RESULTS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["P99"])')
    if python3 -c "import sys; sys.exit(0 if float('$p99') > $P99_LIMIT_MS else 1)"; then log "step $n: p99 $p99 ms > $P99_LIMIT_MS ms: stopping"; break; fi
done

python3 - "$RESULTS" "$(nproc)" <<'PY' | tee -a "${OUT:-/dev/null}"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(f"Headless circuits on /w/{{slug}}/projects, 100 per workspace, 1 event/s per workspace; {sys.argv[2]} cores shared by app and generator.")
print()
print("| circuits | workspaces | held | failed | open rate /s | server CPU ms / open | events | sequences rendered / expected | p50 / p99 / max ms | server CPU (events) | generator CPU (events) | managed KB / circuit | working set KB / circuit | working set MB | app env |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print(f'| {r["Requested"]:,} | {r["Workspaces"]} | {r["Held"]:,} | {r["Failed"]:,} | {r["OpenRate"]:.0f} | {r["ServerCpuMsPerOpen"]:.1f} | {r["Events"]:,} | {r["Seen"]:,} / {r["Expected"]:,} | {r["P50"]:.1f} / {r["P99"]:.1f} / {r["Max"]:.1f} | {r["ServerCpuPercent"]:.0f}% | {r["GeneratorCpuPercent"]:.0f}% | {r["ManagedKbPerCircuit"]:.0f} | {r["WorkingSetKbPerCircuit"]:.0f} | {r["WorkingSetMb"]:.0f} | {r["Label"]} |')
    if r["FirstErrors"] != "none": print(f'|  | first errors: {r["FirstErrors"]} | | | | | | | | | | | | | |')
PY

exit
}
