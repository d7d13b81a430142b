#!/usr/bin/env bash
# bench/hosts.sh — a page on a partner's custom domain against the same page
# on the platform's host (issue 7 target: ratio ≥ 0.95 in the same run).
#
# Against a running stack (scripts/dev bench runs it after bench/run.sh):
# plants a partner with a live brand and a verified custom domain, then
# alternates wrk on GET /login with each Host header, ROUNDS times, and
# prints req/s, p50 and the ratio.  Removes what it planted.
#
# Environment: PT_BENCH_VAR (the stack's folder), PT_BENCH_BASE_URL (its
# nginx), PT_BENCH_SECONDS (default 10), PT_BENCH_ROUNDS (default 2).
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VAR=${PT_BENCH_VAR:?PT_BENCH_VAR: run scripts/dev bench}
BASE_URL=${PT_BENCH_BASE_URL:?PT_BENCH_BASE_URL: run scripts/dev bench}
DURATION=${PT_BENCH_SECONDS:-10}
ROUNDS=${PT_BENCH_ROUNDS:-2}
HOST="portal.bench-$$.test"

DB=$(sed -n 's/^[[:space:]]*name[[:space:]]*=[[:space:]]*//p' "$VAR/portal.conf" | head -1)
sql() { mariadb --no-defaults --protocol=socket --socket="$VAR/run/mysqld.sock" -N -B "${DB:-portal}" -e "$1"; }

ORG=""
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    [ -n "$ORG" ] || return 0
    sql "DELETE FROM hostnames WHERE org_id = $ORG; DELETE FROM brands WHERE org_id = $ORG;
         DELETE FROM whitelabel_subscriptions WHERE org_id = $ORG;
         DELETE FROM org_closure WHERE descendant = $ORG; DELETE FROM orgs WHERE id = $ORG;
         UPDATE cache_versions SET version = version + 1 WHERE name = 'whitelabel'" || true
}
trap cleanup EXIT

ORG=$(sql "INSERT INTO orgs (parent_id, kind, name, slug) SELECT id, 'partner', 'Bench Partner $$',
             'bench-partner-$$' FROM orgs WHERE kind = 'platform' ORDER BY id LIMIT 1;
           SELECT LAST_INSERT_ID()")
sql "INSERT INTO org_closure (ancestor, descendant, depth)
       SELECT ancestor, $ORG, depth + 1 FROM org_closure
        WHERE descendant = (SELECT parent_id FROM orgs WHERE id = $ORG)
       UNION ALL SELECT $ORG, $ORG, 0;
     INSERT INTO whitelabel_subscriptions (org_id, started, first_charge_cents)
       VALUES ($ORG, UTC_TIMESTAMP(), 0);
     INSERT INTO brands (org_id, portal_name, primary_color, footer_text)
       VALUES ($ORG, 'Bench Cloud', '#1d4ed8', 'Bench Cloud Ltd');
     INSERT INTO hostnames (hostname, org_id, kind, verified_at)
       VALUES ('$HOST', $ORG, 'custom', UTC_TIMESTAMP());
     UPDATE cache_versions SET version = version + 1 WHERE name = 'whitelabel'"
sleep 1.5
curl -fsS -H "Host: $HOST" "$BASE_URL/login" | grep -q 'Bench Cloud' ||
    { echo "hosts: the custom domain does not show its brand" >&2; exit 1; }

# rps HOST: wrk's requests per second on /login with that Host header.
rps() {
    wrk -t1 -c16 -d"$DURATION"s -H "Host: $1" "$BASE_URL/login" | awk '/^Requests\/sec/ { print $2 }'
}

platform=0 custom=0
for ((i = 0; i < ROUNDS; i++)); do
    p=$(rps 127.0.0.1) c=$(rps "$HOST")
    platform=$(awk -v a="$platform" -v b="$p" 'BEGIN { print a + b }')
    custom=$(awk -v a="$custom" -v b="$c" 'BEGIN { print a + b }')
done
awk -v p="$platform" -v c="$custom" -v n="$ROUNDS" 'BEGIN {
    r = c / p
    printf "hosts: /login on the platform host %.0f req/s, on a custom domain %.0f req/s: ratio %.2f (target >= 0.95: %s)\n",
        p / n, c / n, r, r >= 0.95 ? "met" : "NOT met" }'
