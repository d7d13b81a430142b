#!/usr/bin/env bash
# bench/nginx_gen.sh — the nginx generator at scale (issue 7 target: generation
# + nginx -t + reload for 5,000 host names in under 10 s).
#
# Against a running stack (scripts/dev up, or the bench's / test's stack):
# adds PT_BENCH_NGINX_HOSTS (default 5000) verified host names to its
# database, starts a private nginx in a temporary folder (its own ports; its
# FastCGI upstream is the stack's portald), then times `portalctl nginx
# generate` twice — the first full file, then after one more name — each
# from the command's start until nginx serves the newest name.  Removes its
# names, its nginx and its folder at the end.
#
# Environment: PT_BENCH_VAR (the stack's folder; else PT_TEST_VAR, else var/),
# PT_BENCH_BUILDDIR (default build/), PORTALCTL (default
# <builddir>/fcgi/portalctl), PT_BENCH_NGINX_HOSTS, PT_BENCH_NGINX_TARGET
# (seconds, default 10).  Exit status 1 when a run misses the target.
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VAR=${PT_BENCH_VAR:-${PT_TEST_VAR:-$SRC/var}}
BUILD=${PT_BENCH_BUILDDIR:-$SRC/build}
CTL=${PORTALCTL:-$BUILD/fcgi/portalctl}
N=${PT_BENCH_NGINX_HOSTS:-5000}
TARGET=${PT_BENCH_NGINX_TARGET:-10}
NGINX=/usr/sbin/nginx

say() { echo "nginx_gen: $*"; }
die() { echo "nginx_gen: $*" >&2; exit 2; }

[ -f "$VAR/portal.conf" ] || die "no stack in $VAR (set PT_BENCH_VAR)"
[ -S "$VAR/run/mysqld.sock" ] || die "MariaDB of $VAR is not running"
[ -x "$CTL" ] || die "$CTL is not built"
"$CTL" -h | grep -q 'nginx generate' || die "$CTL has no 'nginx' command yet"

DB=$(sed -n 's/^[[:space:]]*name[[:space:]]*=[[:space:]]*//p' "$VAR/portal.conf" | head -1)
sql() { mariadb --no-defaults --protocol=socket --socket="$VAR/run/mysqld.sock" -N -B "${DB:-portal}" -e "$1"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

TMP=$(mktemp -d /tmp/ptng-bench.XXXXXX)
TAG="bench-nginx-$$"
ORG=""
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    set +e
    if [ -s "$TMP/nginx.pid" ]; then
        kill -QUIT "$(cat "$TMP/nginx.pid")" 2>/dev/null
        for _ in $(seq 50); do [ -e "$TMP/nginx.pid" ] || break; sleep 0.1; done
    fi
    if [ -n "$ORG" ]; then
        sql "DELETE FROM hostnames WHERE org_id = $ORG; DELETE FROM orgs WHERE id = $ORG"
    fi
    [ -n "${PT_BENCH_KEEP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT

HTTP_PORT=$(free_port)
HTTPS_PORT=$(free_port)
mkdir -p "$TMP/conf" "$TMP/acme/.well-known/acme-challenge" "$TMP/logs" "$TMP/tmp"
: >"$TMP/conf/portal-hosts.conf"
echo ok >"$TMP/acme/.well-known/acme-challenge/probe"
USER_LINE=""
[ "$(id -u)" -ne 0 ] || USER_LINE="user root root;"
cat >"$TMP/nginx.conf" <<EOF
$USER_LINE
worker_processes 1;
daemon on;
pid $TMP/nginx.pid;
error_log $TMP/logs/error.log notice;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path $TMP/tmp/body;
    fastcgi_temp_path $TMP/tmp/fastcgi;
    proxy_temp_path $TMP/tmp/proxy;
    uwsgi_temp_path $TMP/tmp/uwsgi;
    scgi_temp_path $TMP/tmp/scgi;
    map \$request_method \$portal_signin_key { POST \$binary_remote_addr; default ""; }
    limit_req_zone \$portal_signin_key zone=signin:1m rate=5r/s;
    upstream portald { server unix:$VAR/run/portald.sock; }
    server { listen 127.0.0.1:$HTTP_PORT default_server; server_name _; location / { return 418; } }
    include $TMP/conf/portal-hosts.conf;
}
EOF
# The stack's portal.conf without its [nginx] section, then the bench's.
awk '/^\[/ { skip = ($0 ~ /^\[nginx\]/) } !skip' "$VAR/portal.conf" >"$TMP/portal.conf"
cat >>"$TMP/portal.conf" <<EOF

[nginx]
conf_dir = $TMP/conf
main_conf = $TMP/nginx.conf
webroot = $TMP/acme
templates = $SRC/templates/nginx
binary = $NGINX
prefix = $TMP/
error_log = $TMP/logs/error.log
listen_http = 127.0.0.1:$HTTP_PORT
listen_https = 127.0.0.1:$HTTPS_PORT
snippets_dir = $SRC/nginx/snippets
static_dir = $SRC/static
EOF

PLATFORM=$(sql "SELECT id FROM orgs WHERE kind = 'platform' ORDER BY id LIMIT 1")
[ -n "$PLATFORM" ] || die "no platform organisation in the stack's database"
ORG=$(sql "INSERT INTO orgs (parent_id, kind, name, slug) VALUES ($PLATFORM, 'partner', '$TAG', '$TAG'); SELECT LAST_INSERT_ID()")
sql "INSERT INTO hostnames (hostname, org_id, kind, verified_at)
     SELECT CONCAT('b', seq, '-$$.bench.test'), $ORG, 'custom', NOW() FROM seq_1_to_$N"
TOTAL=$(sql "SELECT COUNT(*) FROM hostnames WHERE verified_at IS NOT NULL")

"$NGINX" -p "$TMP/" -e "$TMP/logs/error.log" -c "$TMP/nginx.conf"
for _ in $(seq 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/")" = 418 ] && break
    sleep 0.05
done

# serves HOST: the generated block answers the ACME probe for it.
serves() {
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $1" \
        "http://127.0.0.1:$HTTP_PORT/.well-known/acme-challenge/probe")" = 200 ]
}

missed=0
# alive PID…: does any of them still run?
alive() {
    local p
    for p in "$@"; do kill -0 "$p" 2>/dev/null && return 0; done
    return 1
}

# run LABEL HOST: portalctl nginx generate, then wait until nginx serves HOST
# and every worker of the old configuration has exited (until then an old
# worker may still take a connection with the old blocks).
run() {
    local label=$1 host=$2 t0 t1 t2 out old
    old=$(pgrep -P "$(cat "$TMP/nginx.pid")" | tr '\n' ' ')
    t0=$(now)
    out=$("$CTL" -c "$TMP/portal.conf" nginx generate 2>&1) || { echo "$out" >&2; die "generate failed"; }
    t1=$(now)
    # shellcheck disable=SC2086  # one pid a word
    for _ in $(seq 1500); do ! alive $old && serves "$host" && break; sleep 0.02; done
    # shellcheck disable=SC2086
    if alive $old || ! serves "$host"; then
        tail -5 "$TMP/logs/error.log" >&2
        die "nginx never served $host"
    fi
    t2=$(now)
    say "$label: $(echo "$out" | head -1)"
    say "$label: $(echo "$out" | grep -E '^nginx -t' || true)"
    say "$label: portalctl nginx generate $(elapsed "$t0" "$t1") s; $host served after $(elapsed "$t0" "$t2") s (target < $TARGET s)"
    if awk -v a="$t0" -v b="$t2" -v t="$TARGET" 'BEGIN { exit !(b - a >= t) }'; then
        say "$label: MISSED the target"
        missed=1
    fi
}

say "$TOTAL verified host names ($N of the bench's), nginx $("$NGINX" -v 2>&1 | sed 's/.*\///')"
run "full file" "b$N-$$.bench.test"
sql "INSERT INTO hostnames (hostname, org_id, kind, verified_at) VALUES ('b$((N + 1))-$$.bench.test', $ORG, 'custom', NOW())"
run "one name added" "b$((N + 1))-$$.bench.test"
say "file: $(wc -c <"$TMP/conf/portal-hosts.conf") bytes, $(grep -c '^    server_name ' "$TMP/conf/portal-hosts.conf") server blocks"
exit "$missed"
