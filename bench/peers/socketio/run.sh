#!/usr/bin/env bash
# One-command run of the socket.io peer alone.
#
#   ./run.sh N M R [redis]
#
#   N clients, M events, R events/s (0 = flood). With "redis" as 4th argument: a private redis-server
#   plus two socket.io servers joined by @socket.io/redis-adapter; clients are spread over both and
#   the publish goes to the first one. Prints the client's JSON line on stdout; exit code is the client's.
#
# Optional env: PAYLOAD (default 256), WARMUP (events flooded and discarded before the measured run, default 0), TIMEOUT_SECONDS (default 120), KEEP_LOGS=1 (keep the temp log dir).
set -euo pipefail

usage() { echo "usage: $0 CLIENTS EVENTS RATE [redis]" >&2; exit 64; }
[[ $# -ge 3 && $# -le 4 ]] || usage
CLIENTS=$1 EVENTS=$2 RATE=$3 MODE=${4:-}
[[ -z "$MODE" || "$MODE" == "redis" ]] || usage
PAYLOAD=${PAYLOAD:-256}
WARMUP=${WARMUP:-0}
TIMEOUT_SECONDS=${TIMEOUT_SECONDS:-120}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE"

if [[ ! -d node_modules ]]; then
  echo "run.sh: installing node_modules (npm ci)" >&2
  npm ci --silent --no-audit --no-fund >&2
fi

LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/socketio-peer.XXXXXX")
PIDS=()

cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [[ $rc -ne 0 && $rc -ne 2 ]]; then
    for f in "$LOGDIR"/*.log; do
      [[ -f "$f" ]] || continue
      echo "---- $(basename "$f") ----" >&2
      tail -n 30 "$f" >&2
    done
  fi
  if [[ "${KEEP_LOGS:-}" == "1" ]]; then echo "run.sh: logs kept in $LOGDIR" >&2; else rm -rf "$LOGDIR"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A free loopback TCP port (never 6379 / 36379, which belong to others).
free_port() {
  local p
  while :; do
    p=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
    [[ "$p" != 6379 && "$p" != 36379 ]] && { echo "$p"; return; }
  done
}

wait_http() { # url seconds
  local url=$1 secs=$2 i
  for ((i = 0; i < secs * 10; i++)); do
    curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "run.sh: $url did not become healthy within ${secs}s" >&2
  return 1
}

REDIS_URL=""
if [[ "$MODE" == "redis" ]]; then
  RPORT=$(free_port)
  redis-server --port "$RPORT" --bind 127.0.0.1 --save "" --appendonly no --protected-mode yes \
    >"$LOGDIR/redis.log" 2>&1 &
  PIDS+=($!)
  for ((i = 0; i < 50; i++)); do
    redis-cli -h 127.0.0.1 -p "$RPORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -h 127.0.0.1 -p "$RPORT" ping >/dev/null 2>&1 || { echo "run.sh: redis-server did not start" >&2; exit 1; }
  REDIS_URL="redis://127.0.0.1:$RPORT"
  NSERVERS=2
else
  NSERVERS=1
fi

URLS=()
for ((k = 1; k <= NSERVERS; k++)); do
  PORT=$(free_port)
  PORT=$PORT REDIS_URL=$REDIS_URL node server.js >"$LOGDIR/server$k.log" 2>&1 &
  PIDS+=($!)
  URLS+=("http://127.0.0.1:$PORT")
done
for u in "${URLS[@]}"; do wait_http "$u/healthz" 20; done
for f in "$LOGDIR"/server*.log; do head -n 1 "$f" >&2; done

URL_LIST=$(IFS=,; echo "${URLS[*]}")
# Client runs in the background + wait, so a TERM/INT to this script is handled at once (and the
# trap kills the client too) instead of being deferred until a foreground child finishes.
node client.js --urls "$URL_LIST" --clients "$CLIENTS" --events "$EVENTS" --rate "$RATE" \
  --payload "$PAYLOAD" --warmup "$WARMUP" --publish-url "${URLS[0]}/publish" --timeout-seconds "$TIMEOUT_SECONDS" &
CLIENT_PID=$!
PIDS=("$CLIENT_PID" "${PIDS[@]}")
set +e
wait "$CLIENT_PID"
RC=$?
set -e
exit $RC
