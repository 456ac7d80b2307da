#!/usr/bin/env bash
# Runs every test project against throwaway MariaDB and Redis servers on loopback.
#   ./scripts/test.sh                      everything (what CI runs)
#   ./scripts/test.sh --filter "FullyQualifiedName~Realtime"   extra arguments go to `dotnet test`
# Installs mariadb-server, redis-server and chromium with apt when missing and running as root.
# Prints a last line "N passed, N failed[, N skipped]" and exits non-zero on any failure.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CONFIGURATION="${CONFIGURATION:-Release}"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/app-test.XXXXXX")"
RESULTS="$TMP/results"
mkdir -p "$RESULTS"

log() { printf '[test.sh] %s\n' "$*" >&2; }

cleanup() {
    if [[ -n "${MYSQL_SOCKET:-}" && -S "$MYSQL_SOCKET" ]]; then
        mariadb-admin --no-defaults --socket="$MYSQL_SOCKET" -uroot shutdown >/dev/null 2>&1 || true
    fi
    if [[ -n "${REDIS_PORT:-}" ]]; then
        redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    fi
    [[ -n "${MYSQL_PID:-}" ]] && kill "$MYSQL_PID" >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT

fail_early() {
    log "$1"
    echo "0 passed, 1 failed"
    exit 1
}

find_bin() {
    local name
    for name in "$@"; do
        if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
        for dir in /usr/sbin /usr/local/sbin /usr/bin; do
            if [[ -x "$dir/$name" ]]; then echo "$dir/$name"; return 0; fi
        done
    done
    return 1
}

# --- 1. Tools ----------------------------------------------------------------------------------------
command -v dotnet >/dev/null 2>&1 || fail_early "the .NET SDK is missing: install .NET 10 (https://dot.net)."

missing=()
find_bin mariadbd mysqld >/dev/null || missing+=(mariadb-server)
find_bin redis-server >/dev/null || missing+=(redis-server)
find_bin chromium >/dev/null || missing+=(chromium)
if ((${#missing[@]})); then
    if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
        log "installing ${missing[*]} with apt-get (about a minute)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >"$TMP/apt.log" 2>&1 || true
        apt-get install -y -qq "${missing[@]}" >>"$TMP/apt.log" 2>&1 \
            || { tail -20 "$TMP/apt.log" >&2; fail_early "apt-get install ${missing[*]} failed (log above)."; }
    else
        fail_early "missing ${missing[*]}: install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) or run this script as root."
    fi
fi
MARIADBD="$(find_bin mariadbd mysqld)"
INSTALL_DB="$(find_bin mariadb-install-db mysql_install_db)" || fail_early "mariadb-install-db not found (package mariadb-server)."
CHROMIUM="$(find_bin chromium chromium-browser)"

free_port() {
    local port
    for _ in $(seq 1 100); do
        port=$(( (RANDOM % 20000) + 21000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
    done
    return 1
}

# --- 2. Throwaway MariaDB ----------------------------------------------------------------------------
MYSQL_DIR="$TMP/mysql"
MYSQL_SOCKET="$MYSQL_DIR/mysqld.sock"
MYSQL_PORT="$(free_port)"
mkdir -p "$MYSQL_DIR/data"
run_as=()
[[ "$(id -u)" == "0" ]] && run_as=(--user=root)
"$INSTALL_DB" --no-defaults --datadir="$MYSQL_DIR/data" "${run_as[@]}" --auth-root-authentication-method=normal \
    --skip-test-db >"$MYSQL_DIR/install.log" 2>&1 || { tail -20 "$MYSQL_DIR/install.log" >&2; fail_early "mariadb-install-db failed."; }
"$MARIADBD" --no-defaults --datadir="$MYSQL_DIR/data" --socket="$MYSQL_SOCKET" --pid-file="$MYSQL_DIR/mysqld.pid" \
    --port="$MYSQL_PORT" --bind-address=127.0.0.1 "${run_as[@]}" --log-error="$MYSQL_DIR/err.log" --skip-log-bin \
    --innodb-buffer-pool-size=64M --max-connections=500 >/dev/null 2>&1 &
MYSQL_PID=$!
for _ in $(seq 1 300); do
    mariadb-admin --no-defaults --socket="$MYSQL_SOCKET" -uroot ping >/dev/null 2>&1 && break
    sleep 0.1
done
mariadb-admin --no-defaults --socket="$MYSQL_SOCKET" -uroot ping >/dev/null 2>&1 \
    || { tail -20 "$MYSQL_DIR/err.log" >&2; fail_early "MariaDB did not start."; }
MYSQL_PASSWORD="test-$RANDOM$RANDOM"
mariadb --no-defaults --socket="$MYSQL_SOCKET" -uroot <<SQL || fail_early "could not create the MariaDB test user."
CREATE USER 'apptest'@'127.0.0.1' IDENTIFIED BY '$MYSQL_PASSWORD';
CREATE USER 'apptest'@'localhost' IDENTIFIED BY '$MYSQL_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO 'apptest'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'apptest'@'localhost';
FLUSH PRIVILEGES;
SQL
log "MariaDB on 127.0.0.1:$MYSQL_PORT"

# --- 3. Throwaway Redis ------------------------------------------------------------------------------
REDIS_PORT="$(free_port)"
mkdir -p "$TMP/redis"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --dir "$TMP/redis" --daemonize yes \
    --pidfile "$TMP/redis/redis.pid" --logfile "$TMP/redis/redis.log" >/dev/null 2>&1 || fail_early "Redis did not start."
for _ in $(seq 1 100); do
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
done
redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 || fail_early "Redis did not answer."
log "Redis on 127.0.0.1:$REDIS_PORT"

export TEST_MYSQL_HOST=127.0.0.1 TEST_MYSQL_PORT="$MYSQL_PORT" TEST_MYSQL_USER=apptest TEST_MYSQL_PASSWORD="$MYSQL_PASSWORD"
export TEST_REDIS_URL="127.0.0.1:$REDIS_PORT" TEST_REDIS_SERVER="$(find_bin redis-server)" TEST_CHROMIUM="$CHROMIUM"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Apps started by tests keep their databases and keys here, removed with the rest of $TMP when the run ends.
export TEST_WORK_ROOT="$TMP/apps"

# --- 4. Build and test -------------------------------------------------------------------------------
log "building ($CONFIGURATION)"
dotnet build App.sln -c "$CONFIGURATION" -nologo -v q -clp:ErrorsOnly || fail_early "the build failed."

status=0
for project in tests/App.UnitTests tests/App.E2E; do
    name="$(basename "$project")"
    log "running $name"
    dotnet test "$project" -c "$CONFIGURATION" --no-build --nologo \
        --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
        --results-directory "$RESULTS" "$@" || status=1
    [[ -f "$RESULTS/$name.trx" ]] || { log "$name produced no results (crashed?)"; echo "crashed" >"$RESULTS/$name.crashed"; status=1; }
done

# --- 5. One summary line over every project ----------------------------------------------------------
passed=0; failed=0; skipped=0
for trx in "$RESULTS"/*.trx; do
    [[ -f "$trx" ]] || continue
    counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
    get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
    passed=$((passed + $(get passed)))
    failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
    skipped=$((skipped + $(get notExecuted)))
done
for crashed in "$RESULTS"/*.crashed; do [[ -f "$crashed" ]] && failed=$((failed + 1)); done
((failed > 0)) && status=1
((passed == 0 && failed == 0)) && { log "no test ran"; status=1; failed=1; }

summary="$passed passed, $failed failed"
((skipped > 0)) && summary="$summary, $skipped skipped"
echo "$summary"
exit "$status"
