#!/usr/bin/env bash
# HTTP benchmark of Velocy against raw hyper, axum and actix-web (see ../BENCHMARKS.md).
#
# For each round, each server and each endpoint: start the server alone on one core, warm it up, run wrk on
# the other core, and record requests/s, p99 latency and the server's CPU time per request (utime + stime
# from /proc/PID/stat, before and after the measured run, divided by the requests wrk completed). Servers are
# interleaved and their order rotates every round; the summary is the median over rounds, with each value's
# ratio to raw hyper. Traffic stays on 127.0.0.1.
#
# Usage: benches/run-http.sh            Settings are environment variables:
#   ROUNDS=3        interleaved rounds
#   DURATION=5      seconds per measured wrk run
#   WARMUP=1        seconds of warm-up before each measured run (same load, not recorded)
#   CONNECTIONS=32  wrk connections (one wrk thread)
#   PIPELINE=16     requests per write for the pipelined endpoint
#   WORKERS=1       server worker threads
#   SERVER_CPU=0 CLIENT_CPU=1   cores for taskset
#   NICE=19         niceness of server and wrk (0 on a quiet machine; CPU time per request is the robust metric)
#   SERVERS="hyper velocy axum actix"   (also: velocy-full, Velocy with request id + log + metrics hooks)   ENDPOINTS="plaintext json user echo pipelined"
#   Rate limiting and caching (issue 14): SERVERS="velocy velocy-limited velocy-cached axum axum-governor" ENDPOINTS="plaintext user" BASELINE=velocy
#   Static files (issue 11): SERVERS="velocy-files axum-files" ENDPOINTS="static1k static1m range" BASELINE=axum-files
#     (Velocy's ServeDir against tower-http's ServeDir under axum; the files are created in $STATIC_DIR)
#   BASELINE=hyper   the server the ratios are computed against
#   STATIC_DIR=benches/target/static   where 1k.bin and 1m.bin are created for the static endpoints
#   PORT=18080      first port; every run uses the next one
#   SKIP_BUILD=1    use the binaries already in benches/target/release
#   RESULTS=benches/target/http-results.tsv   raw results, one line per measured run
#   SUMMARIZE_ONLY=1   only print the median tables of an existing RESULTS file (e.g. several runs concatenated)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-1}
CONNECTIONS=${CONNECTIONS:-32}
PIPELINE=${PIPELINE:-16}
WORKERS=${WORKERS:-1}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
NICE=${NICE:-19}
SERVERS=${SERVERS:-"hyper velocy axum actix"}
ENDPOINTS=${ENDPOINTS:-"plaintext json user echo pipelined"}
BASELINE=${BASELINE:-hyper}
export STATIC_DIR=${STATIC_DIR:-$HERE/target/static}
PORT=${PORT:-18080}
RESULTS=${RESULTS:-$HERE/target/http-results.tsv}
BIN="${CARGO_TARGET_DIR:-$HERE/target}/release"
CLK_TCK=$(getconf CLK_TCK)

log() { printf '%s\n' "$*" >&2; }
die() { log "run-http.sh: $*"; exit 1; }

install_wrk() {
    command -v wrk >/dev/null && return
    log "wrk is missing: installing the Debian package"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get install -y wrk >/dev/null 2>&1 || { $sudo apt-get update >/dev/null && $sudo apt-get install -y wrk >/dev/null; }
    command -v wrk >/dev/null || die "could not install wrk"
}

build() {
    [ "${SKIP_BUILD:-0}" = 1 ] && return
    log "building the servers (release profile)"
    nice -n 19 cargo build --release --quiet --manifest-path "$HERE/Cargo.toml" -p bench-servers
}

# The URL path and wrk options of an endpoint.
endpoint_path() {
    case "$1" in
        plaintext | pipelined) echo /plaintext ;;
        json) echo /json ;;
        user) echo /users/12345 ;;
        echo) echo /echo ;;
        static1k) echo /static/1k.bin ;;
        static1m | range) echo /static/1m.bin ;;
        *) die "unknown endpoint $1" ;;
    esac
}
endpoint_script() {
    case "$1" in
        echo) echo "-s $HERE/wrk/echo.lua" ;;
        pipelined) echo "-s $HERE/wrk/pipeline.lua" ;;
        range) echo "-s $HERE/wrk/range.lua" ;;
    esac
}
endpoint_args() {
    case "$1" in
        pipelined) echo "-- $PIPELINE" ;;
    esac
}

# utime + stime of a process, all threads included, in clock ticks.
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }

wait_for_port() {
    local port=$1 pid=$2
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || return 1
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

stop_server() {
    local pid=$1
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 40); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# Checks that a server answers every route exactly as specified (first round only).
check_server() {
    local port=$1 server=$2 base="http://127.0.0.1:$1"
    command -v curl >/dev/null || { log "  (curl missing: response check skipped)"; return 0; }
    local body
    body=$(curl -s "$base/plaintext"); [ "$body" = "Hello, World!" ] || die "$server /plaintext answered: $body"
    body=$(curl -s "$base/json"); [ "$body" = '{"message":"Hello, World!"}' ] || die "$server /json answered: $body"
    body=$(curl -s "$base/users/12345"); [ "$body" = '{"id":"12345"}' ] || die "$server /users/12345 answered: $body"
    body=$(curl -s -H 'Content-Type: application/json' --data '{"a":[1,2,{"b":null}]}' "$base/echo")
    [ "$body" = '{"a":[1,2,{"b":null}]}' ] || die "$server /echo answered: $body"
    local status
    status=$(curl -s -o /dev/null -w '%{http_code}' "$base/nope"); [ "$status" = 404 ] || die "$server /nope answered $status"
}

# Runs wrk; prints its report.
run_wrk() {
    local seconds=$1 port=$2 endpoint=$3
    # shellcheck disable=SC2046 # the script and its arguments are meant to split into words
    taskset -c "$CLIENT_CPU" nice -n "$NICE" wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --latency \
        $(endpoint_script "$endpoint") "http://127.0.0.1:$port$(endpoint_path "$endpoint")" $(endpoint_args "$endpoint")
}

# "requests rps p99_us errors" from a wrk report.
parse_wrk() {
    awk '
        / requests in / { requests = $1 }
        /^Requests\/sec:/ { rps = $2 }
        /^ +99%/ {
            value = $2; unit = value; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", value)
            p99 = value * (unit == "us" ? 1 : unit == "ms" ? 1000 : unit == "s" ? 1000000 : 0)
        }
        /Non-2xx or 3xx responses:/ { errors += $NF }
        /Socket errors:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) errors += $i }
        END { printf "%d %.2f %.1f %d\n", requests, rps, p99, errors }
    '
}

measure() {
    local round=$1 server=$2 endpoint=$3 port=$4
    taskset -c "$SERVER_CPU" nice -n "$NICE" "$BIN/$server-server" "$port" "$WORKERS" &
    local pid=$!
    wait_for_port "$port" "$pid" || die "$server did not start on port $port"
    [ "$round" -eq 1 ] && [ "$endpoint" = plaintext ] && check_server "$port" "$server"
    run_wrk "$WARMUP" "$port" "$endpoint" >/dev/null
    local before after report
    before=$(cpu_ticks "$pid")
    report=$(run_wrk "$DURATION" "$port" "$endpoint")
    after=$(cpu_ticks "$pid")
    local rss
    rss=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
    stop_server "$pid"
    read -r requests rps p99 errors <<<"$(parse_wrk <<<"$report")"
    [ "$requests" -gt 0 ] || die "$server $endpoint: wrk completed no request: $report"
    [ "$errors" -eq 0 ] || log "  WARNING: $server $endpoint: $errors errors or non-2xx responses"
    local cpu_us
    cpu_us=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.3f", t * 1e6 / hz / n }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$server" "$endpoint" "$rps" "$p99" "$cpu_us" "$requests" "$errors" "$rss" >>"$RESULTS"
    log "  round $round  $(printf '%-7s %-10s' "$server" "$endpoint") $(printf '%12s req/s  p99 %9s us  %7s CPU us/req' "$rps" "$p99" "$cpu_us")"
}

# Median tables (markdown) from the results file.
summarize() {
    awk -F'\t' -v servers="$SERVERS" -v endpoints="$ENDPOINTS" -v pipeline="$PIPELINE" -v baseline="$BASELINE" '
        function median(key,    n, i, j, v, tmp) {
            n = count[key]
            for (i = 1; i <= n; i++) v[i] = values[key, i]
            for (i = 2; i <= n; i++) { tmp = v[i]; for (j = i - 1; j >= 1 && v[j] > tmp; j--) v[j + 1] = v[j]; v[j + 1] = tmp }
            return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
        }
        function add(metric, value,    key) { key = metric SUBSEP $2 SUBSEP $3; values[key, ++count[key]] = value }
        NR > 1 { add("rps", $4); add("p99", $5); add("cpu", $6) }
        function table(metric, title, format, scale,    s, e, key, base, m, line, label) {
            print "\n" title "\n"
            line = "| endpoint |"; sep = "| --- |"
            for (s = 1; s <= ns; s++) { line = line " " name[server[s]] " |"; sep = sep " --- |" }
            print line; print sep
            for (e = 1; e <= ne; e++) {
                line = "| " label_of[endpoint[e]] " |"
                base = (metric SUBSEP baseline SUBSEP endpoint[e]) in count ? median(metric SUBSEP baseline SUBSEP endpoint[e]) : 0
                for (s = 1; s <= ns; s++) {
                    key = metric SUBSEP server[s] SUBSEP endpoint[e]
                    if (!(key in count)) { line = line " – |"; continue }
                    m = median(key)
                    line = line " " sprintf(format, m / scale) (base > 0 ? sprintf(" (%.2f)", m / base) : "") " |"
                }
                print line
            }
        }
        BEGIN {
            ns = split(servers, server, " "); ne = split(endpoints, endpoint, " ")
            name["hyper"] = "raw hyper 1"; name["velocy"] = "Velocy"; name["velocy-full"] = "Velocy + default middleware"; name["axum"] = "axum 0.8"; name["actix"] = "actix-web 4"
            name["velocy-limited"] = "Velocy + RateLimit"; name["velocy-limited-quiet"] = "Velocy + RateLimit (headers on 429 only)"; name["velocy-cached"] = "Velocy + Cache (hits)"; name["axum-governor"] = "axum 0.8 + tower_governor"
            name["velocy-files"] = "Velocy ServeDir"; name["axum-files"] = "axum 0.8 + tower-http ServeDir"
            label_of["plaintext"] = "plaintext"; label_of["json"] = "json"; label_of["user"] = "`/users/:id`"
            label_of["echo"] = "POST echo JSON"; label_of["static1k"] = "static 1 KiB"; label_of["static1m"] = "static 1 MiB"; label_of["range"] = "Range 1000 bytes of 1 MiB"; label_of["pipelined"] = "plaintext pipelined ×" pipeline
        }
        END {
            table("cpu", "Server CPU µs per request (median; ratio to " name[baseline] ", lower is better)", "%.2f", 1)
            table("rps", "Requests per second (median; ratio to " name[baseline] ", higher is better)", "%.0f", 1)
            table("p99", "p99 latency in µs (median; ratio to " name[baseline] ", lower is better)", "%.0f", 1)
        }
    ' "$RESULTS"
}

main() {
    if [ "${SUMMARIZE_ONLY:-0}" = 1 ]; then
        summarize
        return
    fi
    [ "$(uname -s)" = Linux ] || die "needs Linux (/proc, taskset)"
    command -v taskset >/dev/null || die "taskset (util-linux) is missing"
    install_wrk
    build
    for server in $SERVERS; do [ -x "$BIN/$server-server" ] || die "missing $BIN/$server-server"; done
    mkdir -p "$(dirname "$RESULTS")" "$STATIC_DIR"
    [ -f "$STATIC_DIR/1k.bin" ] || head -c 1024 /dev/urandom >"$STATIC_DIR/1k.bin"
    [ -f "$STATIC_DIR/1m.bin" ] || head -c 1048576 /dev/urandom >"$STATIC_DIR/1m.bin"
    printf 'round\tserver\tendpoint\trps\tp99_us\tcpu_us_per_req\trequests\terrors\tpeak_rss_kib\n' >"$RESULTS"
    log "$(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo); server on core $SERVER_CPU" \
        "($WORKERS worker(s)), wrk on core $CLIENT_CPU: -t1 -c$CONNECTIONS, ${WARMUP}s warm-up + ${DURATION}s per run, $ROUNDS round(s)"
    local -a order
    read -r -a order <<<"$SERVERS"
    local port=$PORT
    for round in $(seq "$ROUNDS"); do
        # Rotate the server order every round so no server always runs first or last.
        local shift=$(((round - 1) % ${#order[@]}))
        local -a this_round=("${order[@]:shift}" "${order[@]:0:shift}")
        for server in "${this_round[@]}"; do
            for endpoint in $ENDPOINTS; do
                measure "$round" "$server" "$endpoint" "$port"
                port=$((port + 1))
            done
        done
    done
    log "raw results: $RESULTS"
    summarize
}

main "$@"
