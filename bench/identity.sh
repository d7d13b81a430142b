# shellcheck shell=bash
# bench/identity.sh — issue 4's figures, sourced by bench/run.sh:
#   sign-ins per second per core against 1 / (one argon2id hash), both
#   measured in this run (target ≥ 80%);
#   an authenticated page's latency against the same page anonymous
#   (target: the session check adds < 10%).

BENCH_EMAIL=bench@example.com
BENCH_PASSWORD='Bench-Passw0rd!'

# A user with a password, through the real set-password flow.
identity_user() {
    local link token
    link=$("$BUILDDIR/fcgi/portalctl" -c "$VAR/portal.conf" create-admin "$BENCH_EMAIL" 2>/dev/null) ||
        { echo "portalctl create-admin failed" >&2; return 1; }
    token=${link##*token=}
    curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
        -d "{\"token\":\"$token\",\"password\":\"$BENCH_PASSWORD\",\"password_confirm\":\"$BENCH_PASSWORD\"}" \
        "$BASE_URL/api/v1/password/set" || { echo "setting the bench password failed" >&2; return 1; }
}

# The session cookie ("name=value") of a fresh sign-in.
identity_cookie() {
    curl -s -D - -o /dev/null -X POST -H 'Content-Type: application/json' \
        -d "{\"email\":\"$BENCH_EMAIL\",\"password\":\"$BENCH_PASSWORD\"}" "$BASE_URL/api/v1/login" |
        sed -n 's/^[Ss]et-[Cc]ookie: \(pt_session=[^;]*\).*/\1/p' | head -1
}

# wrk_line CONNECTIONS SECONDS PATH [wrk args…]: the BENCH line.
wrk_line() {
    local c=$1 s=$2 path=$3
    shift 3
    wrk -t1 -c"$c" -d"$s"s --latency "$@" "$BASE_URL$path" | grep '^BENCH ' ||
        { echo "wrk failed on $path" >&2; return 1; }
}

identity_bench() {
    local ms signin cookie anon auth cores per_core ceiling
    echo
    echo "identity: sign-ins and the session check"
    identity_user || return 0
    ms=$(field "$("$BUILDDIR/bench/argon2_time" 15)" argon2id_ms)
    cores=$(nproc)
    # 2 connections a core: every core verifies a password, none waits in a queue.
    signin=$(PT_BENCH_REPORT_LUA=$REPORT_LUA PT_BENCH_EMAIL=$BENCH_EMAIL \
        PT_BENCH_PASSWORD=$BENCH_PASSWORD \
        wrk_line $((cores * 2)) "$DURATION" /api/v1/login -s "$PT_SRCDIR/bench/signin.lua")
    per_core=$(awk -v r="$(field "$signin" rps)" -v c="$cores" 'BEGIN { printf "%.1f", r / c }')
    ceiling=$(awk -v m="$ms" 'BEGIN { printf "%.1f", 1000 / m }')
    printf 'argon2id hash: %s ms → at most %s sign-ins/s a core\n' "$ms" "$ceiling"
    printf 'sign-ins: %s/s on %s cores = %s/s a core (errors %s): %s of the ceiling (target >= 0.80)\n' \
        "$(field "$signin" rps)" "$cores" "$per_core" "$(field "$signin" non2xx)" \
        "$(awk -v p="$per_core" -v c="$ceiling" 'BEGIN { printf "%.2f", p / c }')"
    cookie=$(identity_cookie)
    [ -n "$cookie" ] || { echo "no session cookie from /api/v1/login" >&2; return 0; }
    # Latency is compared one request at a time (-c1): under full load it
    # measures queueing on two cores, not what the check adds to a request.
    anon=$(wrk_line 1 "$DURATION" /status -s "$REPORT_LUA")
    auth=$(wrk_line 1 "$DURATION" /status -s "$REPORT_LUA" -H "Cookie: $cookie")
    printf 'session check, one request at a time: /status p50 %s ms anonymous, %s ms signed in: +%s%% (target < 10%%)\n' \
        "$(field "$anon" p50_ms)" "$(field "$auth" p50_ms)" \
        "$(awk -v a="$(field "$anon" p50_ms)" -v b="$(field "$auth" p50_ms)" 'BEGIN { printf "%.1f", (b / a - 1) * 100 }')"
    anon=$(wrk_line "$CONNECTIONS" "$DURATION" /status -s "$REPORT_LUA")
    auth=$(wrk_line "$CONNECTIONS" "$DURATION" /status -s "$REPORT_LUA" -H "Cookie: $cookie")
    printf 'session check under load (-c%s): %s req/s anonymous, %s req/s signed in\n' \
        "$CONNECTIONS" "$(field "$anon" rps)" "$(field "$auth" rps)"
}
