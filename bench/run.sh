#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR/..
# bench/run.sh — wrk against the running dev stack, side by side:
#
#   static   nginx's own static file            /static/css/portal.css
#   hello    bench/fcgi_hello, a bare libfcgi   /bench/hello
#   healthz  portald, no database               /healthz
#   table    portald, a 50-row templated page   /bench/table (the bench module)
#   …        every "name path" of bench/routes.txt
#
# then a worker's memory over RSS_REQUESTS more requests to /healthz.
# `scripts/dev bench` starts the stack and runs this with:
#   PT_BENCH_VAR       the stack's var folder (portal.conf, run/portald.pid)
#   PT_BENCH_BUILDDIR  the build (bench/fcgi_hello)
#   PT_BENCH_BASE_URL  nginx, e.g. http://127.0.0.1:28080
#
# wrk: one thread and 16 connections for DURATION seconds.  The machine has two
# cores shared by wrk, nginx (one worker) and portald's four workers; one wrk
# thread leaves the other core's worth to the server side, and 16 connections
# keep each of the four FastCGI workers busy (4 queued per worker in the
# socket's backlog) without measuring only queueing.  The same settings hold for
# every route, so the ratios compare the server side alone.
set -euo pipefail

PT_SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/stack.sh
. "$PT_SRCDIR/scripts/lib/stack.sh"
# shellcheck source=bench/identity.sh
. "$PT_SRCDIR/bench/identity.sh"

VAR=${PT_BENCH_VAR:?PT_BENCH_VAR: run scripts/dev bench}
BUILDDIR=${PT_BENCH_BUILDDIR:?PT_BENCH_BUILDDIR: run scripts/dev bench}
BASE_URL=${PT_BENCH_BASE_URL:?PT_BENCH_BASE_URL: run scripts/dev bench}
DURATION=${PT_BENCH_SECONDS:-10}
WARMUP=${PT_BENCH_WARMUP:-2}
THREADS=${PT_BENCH_THREADS:-1}
CONNECTIONS=${PT_BENCH_CONNECTIONS:-16}
ROUNDS=${PT_BENCH_ROUNDS:-2}            # hello and healthz alternate, averaged
RSS_REQUESTS=${PT_BENCH_RSS_REQUESTS:-100000}
RSS_MAX_SECONDS=${PT_BENCH_RSS_MAX_SECONDS:-240}
REPORT_LUA="$PT_SRCDIR/bench/report.lua"
RESULTS="$VAR/log/bench-results.txt"    # name path rps p50 p99 errors | name - note

WORKERS=$(sed -n 's/^workers[[:space:]]*=[[:space:]]*//p' "$VAR/portal.conf")
WORKERS=${WORKERS:-4}

# ---- wrk ------------------------------------------------------------------

# wrk_run SECONDS PATH: prints wrk's BENCH line.
wrk_run() {
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1"s --latency -s "$REPORT_LUA" "$BASE_URL$2" |
        grep '^BENCH ' || { echo "wrk failed on $2" >&2; return 1; }
}

# field LINE NAME: one key=value of a BENCH line.
field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }

# route_check NAME PATH: 0 when PATH answers 200; else records why not.
route_check() {
    local status
    status=$(pt_dev_http_status "$BASE_URL$2")
    case $status in
        200) return 0 ;;
        404) echo "$1 $2 - skipped: 404 (route not served)" >>"$RESULTS" ;;
        *)   echo "$1 $2 - skipped: answers $status" >>"$RESULTS" ;;
    esac
    return 1
}

# measure NAME PATH: a warm-up run, then the measured one, recorded in RESULTS.
measure() {
    local name=$1 path=$2 line
    route_check "$name" "$path" || return 0
    echo "  $name ($path)" >&2
    wrk_run "$WARMUP" "$path" >/dev/null
    line=$(wrk_run "$DURATION" "$path")
    echo "$name $path $(field "$line" rps) $(field "$line" p50_ms) $(field "$line" p99_ms)" \
         "$(( $(field "$line" non2xx) + $(field "$line" socket_errors) ))" >>"$RESULTS"
}

# The extra routes of bench/routes.txt: "name path" lines.
extra_routes() {
    [ -f "$PT_SRCDIR/bench/routes.txt" ] || return 0
    sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$PT_SRCDIR/bench/routes.txt"
}

# ---- the table ------------------------------------------------------------

rps_of() { awk -v n="$1" '$1 == n && $3 != "-" { print $3 }' "$RESULTS"; }

# ratio A B: A / B with two decimals, or "-".
ratio() {
    if [ -z "$1" ] || [ -z "$2" ]; then
        echo "-"
        return
    fi
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
}

# verdict VALUE TARGET: "ok" or "BELOW TARGET".
verdict() {
    [ "$1" != "-" ] || { echo "not measured"; return; }
    awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t) ? "ok" : "BELOW TARGET" }'
}

print_table() {
    local healthz hello table r_health r_table
    healthz=$(rps_of healthz)
    hello=$(rps_of hello)
    table=$(rps_of table)
    echo
    printf '%-10s %-28s %10s %9s %9s %7s %9s\n' route path "req/s" "p50 ms" "p99 ms" errors "÷healthz"
    while read -r name path rps p50 p99 errors; do
        if [ "$rps" = "-" ]; then
            printf '%-10s %-28s %s %s\n' "$name" "$path" "$p50" "$p99 $errors"
        else
            printf '%-10s %-28s %10s %9s %9s %7s %9s\n' "$name" "$path" "$rps" "$p50" "$p99" "$errors" \
                "$(ratio "$rps" "$healthz")"
        fi
    done <"$RESULTS"
    r_health=$(ratio "$healthz" "$hello")
    r_table=$(ratio "$table" "$healthz")
    echo
    printf '/healthz ÷ bare libfcgi hello: %s (target >= 0.90): %s\n' "$r_health" "$(verdict "$r_health" 0.90)"
    printf '/bench/table ÷ /healthz:       %s (target >= 0.60): %s\n' "$r_table" "$(verdict "$r_table" 0.60)"
}

# ---- memory of a worker ---------------------------------------------------

vm_rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
write_calls() { awk '/^syscw:/ { print $2 }' "/proc/$1/io" 2>/dev/null || echo 0; }

# Sends at least RSS_REQUESTS requests per worker to /healthz (in 10 s wrk
# runs, at most RSS_MAX_SECONDS) and prints each child's VmRSS before and
# after.  A worker's own count is not visible from outside: write(2) calls
# (≈ one a response) stand in for it, next to the total ÷ workers.
measure_worker_memory() {
    local master children pid total=0 want elapsed=0 line growth writes max_growth=0
    declare -A rss_before writes_before
    master=$(pt_dev_pidfile_pid "$VAR/run/portald.pid") || { echo "portald is not running" >&2; return 1; }
    children=$(pt_dev_children "$master")
    for pid in $children; do
        rss_before[$pid]=$(vm_rss_kb "$pid")
        writes_before[$pid]=$(write_calls "$pid")
    done
    want=$((RSS_REQUESTS * WORKERS * 11 / 10))
    echo
    echo "worker memory: $want requests to /healthz over $WORKERS workers (about $((want / WORKERS)) each)…"
    while [ "$total" -lt "$want" ] && [ "$elapsed" -lt "$RSS_MAX_SECONDS" ]; do
        line=$(wrk_run 10 /healthz)
        total=$((total + $(field "$line" requests)))
        elapsed=$((elapsed + 10))
    done
    printf '%-8s %12s %12s %10s %14s\n' pid "VmRSS before" "VmRSS after" growth "write calls"
    for pid in $children; do
        if pt_dev_pid_gone "$pid"; then
            printf '%-8s %12s   (exited: recycled or died)\n' "$pid" "${rss_before[$pid]} kB"
            continue
        fi
        growth=$(( $(vm_rss_kb "$pid") - rss_before[$pid] ))
        writes=$(( $(write_calls "$pid") - writes_before[$pid] ))
        printf '%-8s %9s kB %9s kB %7s kB %14s%s\n' "$pid" "${rss_before[$pid]}" "$(vm_rss_kb "$pid")" \
            "$growth" "$writes" "$( [ "$writes" -gt 0 ] || echo '  (served nothing: the job worker)')"
        # The target is about request workers: the ones that wrote responses.
        [ "$writes" -eq 0 ] || [ "$growth" -le "$max_growth" ] || max_growth=$growth
    done
    echo "$total requests in ${elapsed}s, about $((total / WORKERS)) a worker"
    if [ $((total / WORKERS)) -lt "$RSS_REQUESTS" ]; then
        echo "worker RSS growth: ${max_growth} kB at most, over fewer than $RSS_REQUESTS requests a worker (time cap): not conclusive"
    else
        printf 'worker RSS growth: %s kB at most over >= %s requests a worker (target < 1024 kB): %s\n' \
            "$max_growth" "$RSS_REQUESTS" "$( [ "$max_growth" -lt 1024 ] && echo ok || echo 'ABOVE TARGET')"
    fi
}

# ---- main -----------------------------------------------------------------

main() {
    command -v wrk >/dev/null || pt_dev_die "wrk is missing (apt-get install wrk)"
    : >"$RESULTS"
    trap 'pt_dev_hello_stop "$VAR" >/dev/null' EXIT
    pt_dev_hello_start "$VAR" "$BUILDDIR" "$WORKERS"
    echo "bench: wrk -t$THREADS -c$CONNECTIONS, ${WARMUP}s warm-up + ${DURATION}s a run, $WORKERS FastCGI workers each side"
    measure static /static/css/portal.css
    local i
    for ((i = 0; i < ROUNDS; i++)); do
        # Alternated, so that both see the same machine; averaged below.
        measure "hello#$i" /bench/hello
        measure "healthz#$i" /healthz
    done
    merge_rounds hello
    merge_rounds healthz
    measure table /bench/table
    local name path
    while read -r name path; do
        measure "$name" "$path"
    done < <(extra_routes)
    pt_dev_hello_stop "$VAR" >/dev/null
    print_table
    identity_bench
    measure_worker_memory
}

# merge_rounds NAME: the "NAME#i" lines of RESULTS become one averaged "NAME" line.
merge_rounds() {
    awk -v n="$1" '
        index($1, n "#") == 1 && $3 != "-" { path = $2; k++; r += $3; a += $4; b += $5; e += $6; next }
        index($1, n "#") == 1 { skipped = $0; next }
        { print }
        END {
            if (k) printf "%s %s %.1f %.3f %.3f %d\n", n, path, r / k, a / k, b / k, e
            else if (skipped != "") { sub(/#[0-9]+/, "", skipped); print skipped }
        }' "$RESULTS" >"$RESULTS.new"
    mv "$RESULTS.new" "$RESULTS"
}

main "$@"
