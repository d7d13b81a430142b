#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR/..
# bench/audit.sh — issue 6's figures for the activity log, run by hand (not in CI):
#
#   1. load PT_AUDIT_EVENTS events (default 10,000,000) across 1,000
#      organisations: a platform, 10 partners, 99 customers each, 2 users a
#      customer; 1 % of the events have no organisation (failed sign-ins with
#      an unknown e-mail; a tenth of those name a customer user);
#   2. the first page of a partner's whole subtree (about a tenth of all
#      events) with no filter, each single filter and two keywords:
#      p50/p95/p99 one request at a time (target p95 <= 50 ms);
#   3. the CSV export of the partner's whole subtree (about a tenth of all
#      events), of its newest PT_AUDIT_EXPORT events by date (default
#      1,000,000) and of one category: rows/s (target >= 100,000) and the
#      largest RSS of any request worker meanwhile (target < 64 MB);
#   4. what writing an event costs: the INSERT of fcgi/audit.c, on the loaded
#      table with every index, inside an open transaction (as in an action).
#
# Usage: bench/audit.sh            a private stack in a temporary folder
#        PT_BENCH_VAR=… PT_BENCH_BASE_URL=… bench/audit.sh   a running stack
# Environment: PT_BENCH_BUILD (build folder, default build), PT_BENCH_HTTP_PORT and
# PT_BENCH_SMTP_PORT (the private stack's, default 28580 and 23025), PT_AUDIT_EVENTS,
# PT_AUDIT_EXPORT, PT_BENCH_SECONDS (per URL, default 10), PT_DB_BUFFER (InnoDB
# buffer pool, default 8G here: the 10M-event table and its indexes are ~5 GB), PT_KEEP_VAR=1 keeps the folder.  The load
# runs as the database administrator (unix socket), with the activity log's
# secondary indexes dropped and rebuilt afterwards, as an operator would
# import an archive.
set -euo pipefail

PT_SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EVENTS=${PT_AUDIT_EVENTS:-10000000}
EXPORT_ROWS=${PT_AUDIT_EXPORT:-1000000}
SECONDS_PER_URL=${PT_BENCH_SECONDS:-10}
BATCH=500000
export PT_DB_BUFFER=${PT_DB_BUFFER:-8G}

say() { printf '\n== %s\n' "$*" >&2; }

# ---- the stack ----------------------------------------------------------------

if [ -z "${PT_BENCH_VAR:-}" ]; then
    # scripts/dev's functions (all but its last line, the call of main).
    eval "$(sed '$d' "$PT_SRCDIR/scripts/dev")"
    BUILD=${PT_BENCH_BUILD:-build}
    build_tree "$BUILD"
    TEST_VAR=$(mktemp -d /tmp/portal-audit-bench.XXXXXX)
    trap test_teardown EXIT
    trap 'exit 130' INT TERM
    HTTP_PORT=${PT_BENCH_HTTP_PORT:-28580}
    PT_DEV_SKIP_MODULES=bench stack_up "$TEST_VAR" "$PT_SRCDIR/$BUILD" "$HTTP_PORT" \
        "${PT_BENCH_SMTP_PORT:-23025}" 1000000
    VAR=$TEST_VAR
    BASE_URL=http://127.0.0.1:$HTTP_PORT
else
    # shellcheck source=scripts/lib/mariadb.sh
    . "$PT_SRCDIR/scripts/lib/mariadb.sh"
    VAR=$PT_BENCH_VAR
    BASE_URL=${PT_BENCH_BASE_URL:?PT_BENCH_BASE_URL}
fi
DB=$(sed -n 's/^name[[:space:]]*=[[:space:]]*//p' "$VAR/portal.conf" | head -1)
DB=${DB:-portal}
db() { pt_db_client "$VAR" -N -B "$DB" "$@"; }

# ---- 1. the data ----------------------------------------------------------------

load_tree() {
    db <<'SQL'
SET @root = (SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1);
CREATE TABLE IF NOT EXISTS bench_orgs (k INT PRIMARY KEY, org_id BIGINT UNSIGNED NOT NULL,
    partner INT NOT NULL) ENGINE=InnoDB;
CREATE TABLE IF NOT EXISTS bench_users (k INT PRIMARY KEY, user_id BIGINT UNSIGNED NOT NULL)
    ENGINE=InnoDB;
-- 10 partners (k 0..9), then 99 customers of each (k 10..999).
INSERT INTO orgs (parent_id, kind, name, slug)
    SELECT @root, 'partner', CONCAT('Bench partner ', seq), CONCAT('bench-p-', seq)
    FROM seq_0_to_9;
INSERT INTO bench_orgs SELECT seq, o.id, seq FROM seq_0_to_9
    JOIN orgs o ON o.slug = CONCAT('bench-p-', seq);
INSERT INTO orgs (parent_id, kind, name, slug)
    SELECT b.org_id, 'customer', CONCAT('Bench customer ', seq), CONCAT('bench-c-', seq)
    FROM seq_10_to_999 JOIN bench_orgs b ON b.k = (seq - 10) DIV 99;
INSERT INTO bench_orgs SELECT seq, o.id, (seq - 10) DIV 99 FROM seq_10_to_999
    JOIN orgs o ON o.slug = CONCAT('bench-c-', seq);
-- The closure, partners first: a customer's ancestors are its partner's.
INSERT INTO org_closure (ancestor, descendant, depth)
    SELECT c.ancestor, b.org_id, c.depth + 1 FROM bench_orgs b JOIN orgs o ON o.id = b.org_id
    JOIN org_closure c ON c.descendant = o.parent_id WHERE b.k < 10;
INSERT INTO org_closure (ancestor, descendant, depth)
    SELECT org_id, org_id, 0 FROM bench_orgs WHERE k < 10;
INSERT INTO org_closure (ancestor, descendant, depth)
    SELECT c.ancestor, b.org_id, c.depth + 1 FROM bench_orgs b JOIN orgs o ON o.id = b.org_id
    JOIN org_closure c ON c.descendant = o.parent_id WHERE b.k >= 10;
INSERT INTO org_closure (ancestor, descendant, depth)
    SELECT org_id, org_id, 0 FROM bench_orgs WHERE k >= 10;
-- Two users a customer (k 0..1979), members there.
INSERT INTO users (email, full_name) SELECT CONCAT('bench-u', seq, '@example.com'),
    CONCAT('Bench user ', seq) FROM seq_0_to_1979;
INSERT INTO bench_users SELECT seq, u.id FROM seq_0_to_1979
    JOIN users u ON u.email = CONCAT('bench-u', seq, '@example.com');
INSERT INTO memberships (user_id, org_id, role_id)
    SELECT bu.user_id, bo.org_id, (SELECT id FROM roles WHERE system_key = 'customer_user')
    FROM bench_users bu JOIN bench_orgs bo ON bo.k = 10 + bu.k DIV 2;
SQL
}

# The secondary indexes of audit_events as "ADD INDEX name (cols)" clauses.
audit_index_clauses() {
    db -e "SELECT CONCAT('ADD INDEX \`', index_name, '\` (',
        GROUP_CONCAT(CONCAT('\`', column_name, '\`') ORDER BY seq_in_index SEPARATOR ', '), ')')
        FROM information_schema.statistics WHERE table_schema = '$DB'
        AND table_name = 'audit_events' AND index_name <> 'PRIMARY'
        GROUP BY index_name ORDER BY index_name" | paste -sd, -
}

# Events n = from..to: organisation, actor, category, action, status, text
# and time all derived from n, times spread over the last 365 days in id order.
load_batch() {
    local from=$1 to=$2
    db -e "SET SESSION unique_checks = 0, foreign_key_checks = 0;
INSERT INTO audit_events (org_id, actor_user_id, subject_user_id, category, action, status,
    resource_type, resource_id, resource_name, description, ip, user_agent, metadata, created)
SELECT IF(seq % 100 = 7, NULL, o.org_id),
    IF(seq % 100 = 7, NULL, IF(o.k >= 10, u.user_id, NULL)),
    IF(seq % 100 = 7 AND seq % 1000 = 207, u.user_id, NULL),
    ELT(1 + seq % 12, 'Authentication', 'Users', 'Roles', 'Organisations', 'Billing',
        'Virtual Machines', 'Networks', 'Backups', 'Support', 'White Label', 'Settings',
        'Security'),
    ELT(1 + (seq DIV 12) % 20, 'Invite User', 'Update User Profile', 'Update User Groups',
        'Update User Permissions', 'Update Organization', 'Update Tickets', 'Update License',
        'Update Server', 'Server Action', 'Update Configuration', 'Backup Machine Data',
        'Update Trusted Connection', 'Sign In', 'Sign Out', 'Sign In Failed',
        'Two-Factor Enabled', 'Impersonation Start', 'Impersonation Stop', 'Export Logs',
        'Access Denied'),
    IF(seq % 50 = 3, 'Pending', IF(seq % 12 = 5, 'Failed', 'Success')),
    'Server', seq, CONCAT('vm-', seq % 5000),
    CONCAT(ELT(1 + seq % 8, 'Changed', 'Created', 'Removed', 'Restarted', 'Resized',
        'Renamed', 'Moved', 'Checked'), ' ', ELT(1 + (seq DIV 8) % 6, 'server', 'network',
        'licence', 'backup plan', 'user', 'ticket'), ' ',
        IF(seq % 1000 = 1, 'quarantine', ''), ' #', seq),
    CONCAT('198.51.100.', seq % 250), 'Mozilla/5.0 (bench)',
    JSON_OBJECT('before', JSON_OBJECT('size', seq % 7), 'after', JSON_OBJECT('size', seq % 9)),
    NOW(3) - INTERVAL FLOOR(($EVENTS - seq) * 31536000 / $EVENTS) SECOND
FROM seq_${from}_to_${to} s
JOIN bench_orgs o ON o.k = (s.seq * 7919) % 1000
LEFT JOIN bench_users u ON u.k = IF(o.k >= 10, (o.k - 10) * 2 + s.seq % 2, s.seq % 1980)
ORDER BY s.seq"
}

load_events() {
    local have indexes from t0
    have=$(db -e "SELECT COUNT(*) FROM audit_events WHERE user_agent = 'Mozilla/5.0 (bench)'")
    if [ "$have" -ge "$EVENTS" ]; then
        echo "already loaded: $have events" >&2
        return
    fi
    [ "$(db -e 'SELECT COUNT(*) FROM bench_orgs' 2>/dev/null || echo 0)" -gt 0 ] || load_tree
    db -e "SET GLOBAL innodb_log_file_size = 1073741824" 2>/dev/null || true
    indexes=$(audit_index_clauses)
    t0=$(date +%s)
    # Without secondary indexes the rows go in at disk speed; the indexes are
    # then built once, sorted, instead of row by row.
    # shellcheck disable=SC2001,SC2016  # a sed expression with backquotes in it
    db -e "ALTER TABLE audit_events $(sed 's/ADD INDEX \(`[^`]*`\) ([^)]*)/DROP INDEX \1/g' <<<"$indexes")"
    for ((from = 1; from <= EVENTS; from += BATCH)); do
        local to=$((from + BATCH - 1))
        ((to <= EVENTS)) || to=$EVENTS
        load_batch "$from" "$to"
        printf '  %d events (%ds)\r' "$to" $(($(date +%s) - t0)) >&2
    done
    echo >&2
    local t1
    t1=$(date +%s)
    db -e "ALTER TABLE audit_events $indexes"
    db -e "ANALYZE TABLE audit_events, org_closure, memberships, users" >/dev/null
    printf 'loaded %d events in %ds, indexes built in %ds\n' "$EVENTS" $((t1 - t0)) \
        $(($(date +%s) - t1))
}

# ---- 2. the first page ----------------------------------------------------------

# A session of a partner administrator (as pt_session_start makes one).
bench_cookie() {
    local token csrf partner user
    token=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 43)
    csrf=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 43)
    partner=$(db -e "SELECT org_id FROM bench_orgs WHERE k = 0")
    db -e "INSERT IGNORE INTO users (email, full_name) VALUES ('bench-admin@example.com', 'Bench admin')"
    user=$(db -e "SELECT id FROM users WHERE email = 'bench-admin@example.com'")
    db -e "INSERT IGNORE INTO memberships (user_id, org_id, role_id) VALUES ($user, $partner,
        (SELECT id FROM roles WHERE system_key = 'msp_admin'));
        INSERT INTO sessions (token_hash, user_id, csrf_token, expires) VALUES
        (SHA2('$token', 256), $user, '$csrf', UTC_TIMESTAMP() + INTERVAL 12 HOUR)"
    echo "pt_session=$token"
}

P95_LUA=$(mktemp /tmp/audit-bench-lua.XXXXXX)
cat >"$P95_LUA" <<'LUA'
done = function(summary, latency, requests)
   local e = summary.errors
   io.write(string.format("BENCH requests=%d p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f errors=%d\n",
      summary.requests, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
      latency:percentile(99) / 1000, e.status + e.connect + e.read + e.write + e.timeout))
end
LUA

page_latency() {
    local cookie=$1 partner user day_from day_to name query line
    partner=$(db -e "SELECT org_id FROM bench_orgs WHERE k = 0")
    user=bench-u$((2 * 17))@example.com              # a customer user of partner 0
    day_from=$(date -u -d '30 days ago' +%F)
    day_to=$(date -u -d '300 days ago' +%F)
    printf '%-26s %8s %8s %8s %8s  %s\n' filter requests p50_ms p95_ms p99_ms errors
    while read -r name query; do
        [ -n "$name" ] || continue
        line=$(wrk -t1 -c1 -d"${SECONDS_PER_URL}s" --latency -s "$P95_LUA" -H "Cookie: $cookie" \
            "$BASE_URL/api/v1/orgs/$partner/activity?subtree=1$query" | grep '^BENCH ') ||
            { echo "wrk failed on $name" >&2; continue; }
        # shellcheck disable=SC2046,SC2183  # the five numbers, one word each
        printf '%-26s %8s %8s %8s %8s  %s\n' "$name" $(tr ' ' '\n' <<<"$line" |
            sed -n 's/^\(requests\|p50_ms\|p95_ms\|p99_ms\|errors\)=//p')
    done <<EOF
none
category                   &category=Billing
status=Failed              &status=Failed
status=Pending             &status=Pending
action                     &action=Update%20License
user                       &user=$user
from(30d)                  &from=$day_from
to(300d-ago)               &to=$day_to
from+to(one-week)          &from=$(date -u -d '100 days ago' +%F)&to=$(date -u -d '94 days ago' +%F)
q=restarted(common)        &q=restarted
q=quarantine(rare)         &q=quarantine
q=vm-4242(resource)        &q=vm-4242
EOF
}

# ---- 3. the export ---------------------------------------------------------------

worker_pids() { pgrep -P "$(cat "$VAR/run/portald.pid")" | tr '\n' ' '; }

# export_one COOKIE NAME QUERY: one export, its rows/s and the largest worker RSS meanwhile.
export_one() {
    local cookie=$1 name=$2 query=$3 org t0 t1 rows max=0 rss pids curl_pid
    org=$(db -e "SELECT org_id FROM bench_orgs WHERE k = 0")
    pids=$(worker_pids)
    t0=$(date +%s.%N)
    curl -s -H "Cookie: $cookie" -o "$VAR/tmp/export.csv" \
        "$BASE_URL/orgs/$org/activity/export?subtree=1$query" &
    curl_pid=$!
    while kill -0 "$curl_pid" 2>/dev/null; do
        for p in $pids; do
            rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)
            ((rss > max)) && max=$rss
        done
        sleep 0.2
    done
    wait "$curl_pid"
    t1=$(date +%s.%N)
    rows=$(($(wc -l <"$VAR/tmp/export.csv") - 1))
    awk -v n="$name" -v r="$rows" -v a="$t0" -v b="$t1" -v m="$max" 'BEGIN {
        printf "export %-28s %8d rows in %5.1f s = %6.0f rows/s (target >= 100000); largest worker RSS %.1f MB (target < 64)\n",
            n, r, b - a, r / (b - a), m / 1024 }'
}

export_bench() {
    local cookie=$1 org from
    # The partner's whole subtree, then its newest ~EXPORT_ROWS events by date.
    org=$(db -e "SELECT org_id FROM bench_orgs WHERE k = 0")
    from=$(db -e "SELECT DATE(MIN(created)) FROM (SELECT e.created FROM audit_events e
        JOIN org_closure c ON c.descendant = e.org_id AND c.ancestor = $org
        ORDER BY e.id DESC LIMIT $EXPORT_ROWS) x")
    # Each twice: the first reads from disk what the page bench did not touch.
    export_one "$cookie" "whole-subtree (cold)" ""
    export_one "$cookie" "whole-subtree" ""
    export_one "$cookie" "from=$from" "&from=$from"
    export_one "$cookie" "category=Billing (cold)" "&category=Billing"
    export_one "$cookie" "category=Billing" "&category=Billing"
}

# ---- 4. writing an event -----------------------------------------------------------

write_cost() {
    local n=5000 org t0 t1 sqlfile
    org=$(db -e "SELECT org_id FROM bench_orgs WHERE k = 500")
    sqlfile=$(mktemp /tmp/audit-bench-sql.XXXXXX)
    {
        echo "START TRANSACTION;"
        for ((i = 0; i < n; i++)); do
            echo "INSERT INTO audit_events (org_id, actor_user_id, impersonator_id, subject_user_id, category, action, status, resource_type, resource_id, resource_name, description, ip, user_agent, request_id, metadata) VALUES ($org, NULL, NULL, NULL, 'Users', 'Update User Profile', 'Success', 'user', '$i', 'someone', 'Changed a name', '203.0.113.9', 'Mozilla/5.0 (bench write)', 'a8f5f167f44f4964e6c998dee827110c', '{\"before\":{\"name\":\"a\"},\"after\":{\"name\":\"b\"}}');"
        done
        echo "COMMIT;"
    } >"$sqlfile"
    t0=$(date +%s.%N)
    db <"$sqlfile"
    t1=$(date +%s.%N)
    rm -f "$sqlfile"
    awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN {
        printf "writing an event: %.3f ms each (%d inserts in one transaction, text protocol, all indexes; target <= 1 ms)\n",
            (b - a) * 1000 / n, n }'
}

# ---- main ----------------------------------------------------------------------------

say "loading $EVENTS events"
load_events
say "size"
db -e "SELECT table_rows, ROUND(data_length / 1048576), ROUND(index_length / 1048576)
    FROM information_schema.tables WHERE table_schema = '$DB' AND table_name = 'audit_events'" |
    awk '{ printf "audit_events: ~%s rows, %s MB data, %s MB indexes\n", $1, $2, $3 }'
COOKIE=$(bench_cookie)
say "first page of a partner subtree (~$((EVENTS / 10)) events), one request at a time, ${SECONDS_PER_URL}s each"
page_latency "$COOKIE"
say "CSV export"
export_bench "$COOKIE"
say "event write cost"
write_cost
rm -f "$P95_LUA"
