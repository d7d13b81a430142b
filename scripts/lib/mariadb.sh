# shellcheck shell=bash
# scripts/lib/mariadb.sh — a private MariaDB server for development and tests.
#
# Sourced by scripts/dev; defines functions only (sourcing has no side
# effects).  Every function takes the var directory VAR and keeps everything
# under it:
#   VAR/mysql/            data directory
#   VAR/run/mysqld.sock   socket (the only way in, unless PT_DB_PORT is set)
#   VAR/run/mysqld.pid    pid file
#   VAR/log/mariadb.log   error log
#   VAR/secrets/db_password, VAR/secrets/db_admin_password   (0600)
# Nothing here touches the distribution's mariadb service, /var/lib/mysql or
# /run/mysqld: every program runs with --no-defaults so /etc/mysql is not read.
#
# Environment (all optional):
#   PT_DB_PORT   also listen on 127.0.0.1:PORT (default: socket only)
#   PT_DB_NAME   database name (default portal)
#   PT_DB_BUFFER innodb_buffer_pool_size (default 128M)
#
# The server runs as the current user (root in CI: --user=root).  The
# administrative account is that user's name (root, or a developer's login:
# mariadb-install-db --auth-root-socket-user), reached through unix_socket
# authentication only — no password exists for it.

pt_db__sock() { printf '%s/run/mysqld.sock' "$1"; }
pt_db__pidfile() { printf '%s/run/mysqld.pid' "$1"; }

# The server's pid when its pid file names a live process, else nothing.
pt_db__pid() {
    local pidfile pid
    pidfile=$(pt_db__pidfile "$1")
    [ -s "$pidfile" ] || return 1
    pid=$(cat "$pidfile")
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    printf '%s' "$pid"
}

# pt_db_client VAR [mariadb args...]: the mariadb client as the administrator.
pt_db_client() {
    local var=$1
    shift
    mariadb --no-defaults --protocol=socket --socket="$(pt_db__sock "$var")" -u"$(id -un)" "$@"
}

pt_db__admin() {
    local var=$1
    shift
    mariadb-admin --no-defaults --protocol=socket --socket="$(pt_db__sock "$var")" \
        -u"$(id -un)" --connect-timeout=2 "$@"
}

pt_db__ping() { pt_db__admin "$1" ping >/dev/null 2>&1; }

# pt_db_init VAR: create the data directory once (a second call does nothing).
pt_db_init() {
    local var=${1:?pt_db_init: VAR missing}
    mkdir -p "$var/mysql" "$var/run" "$var/log" "$var/secrets" "$var/tmp" || return 1
    chmod 0700 "$var/secrets"
    [ -d "$var/mysql/mysql" ] && return 0
    echo "mariadb: creating data directory $var/mysql"
    if ! mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$var/mysql" \
            --auth-root-authentication-method=socket --auth-root-socket-user="$(id -un)" \
            --skip-test-db --skip-name-resolve >"$var/log/mariadb-install.log" 2>&1; then
        echo "mariadb: mariadb-install-db failed; see $var/log/mariadb-install.log" >&2
        tail -n 20 "$var/log/mariadb-install.log" >&2
        rm -rf "$var/mysql"
        return 1
    fi
}

# pt_db_start VAR: start the server (if not running) and wait until it answers (≤ 30 s).
pt_db_start() {
    local var=${1:?pt_db_start: VAR missing} net pid i
    if pt_db__pid "$var" >/dev/null && pt_db__ping "$var"; then
        return 0
    fi
    [ -d "$var/mysql/mysql" ] || { echo "mariadb: run pt_db_init first" >&2; return 1; }
    mkdir -p "$var/run" "$var/log" "$var/tmp"
    rm -f "$(pt_db__sock "$var")" "$(pt_db__pidfile "$var")"
    if [ -n "${PT_DB_PORT:-}" ]; then
        net="--port=$PT_DB_PORT --bind-address=127.0.0.1"
    else
        net="--skip-networking"
    fi
    # setsid: the server must not die with the shell that started it, nor
    # receive the terminal's ^C meant for a test run.
    # shellcheck disable=SC2086  # $net is two words on purpose
    setsid mariadbd --no-defaults --user="$(id -un)" \
        --datadir="$var/mysql" --socket="$(pt_db__sock "$var")" \
        --pid-file="$(pt_db__pidfile "$var")" --log-error="$var/log/mariadb.log" \
        --tmpdir="$var/tmp" $net --skip-name-resolve --skip-log-bin \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
        --default-time-zone=+00:00 \
        --innodb-buffer-pool-size="${PT_DB_BUFFER:-128M}" --innodb-log-file-size=64M \
        --innodb-flush-log-at-trx-commit=2 --innodb-lock-wait-timeout=20 \
        --max-connections=300 --max-allowed-packet=64M \
        </dev/null >>"$var/log/mariadb.log" 2>&1 &
    pid=$!
    for i in $(seq 1 300); do
        if pt_db__ping "$var"; then
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    echo "mariadb: server did not come up (try $i); last lines of $var/log/mariadb.log:" >&2
    tail -n 20 "$var/log/mariadb.log" >&2
    return 1
}

# pt_db_stop VAR: stop the server if it runs (shutdown, then TERM its pid; ≤ 30 s).
pt_db_stop() {
    local var=${1:?pt_db_stop: VAR missing} pid i
    pid=$(pt_db__pid "$var") || return 0
    pt_db__admin "$var" shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null
    for i in $(seq 1 300); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    echo "mariadb: server $pid still running after 30 s ($i checks)" >&2
    return 1
}

# A password file's content, created (random, 0600) when missing.
pt_db__secret() {
    local file=$1
    if [ ! -s "$file" ]; then
        (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$file") || return 1
    fi
    chmod 0600 "$file"
    cat "$file"
}

# pt_db_setup VAR: the database, the application user and the migrator user.
# Idempotent: a second call re-applies the same grants and passwords.
pt_db_setup() {
    local var=${1:?pt_db_setup: VAR missing} db=${PT_DB_NAME:-portal} app admin host hosts
    [[ $db =~ ^[a-z][a-z0-9_]*$ ]] || { echo "mariadb: bad PT_DB_NAME '$db'" >&2; return 1; }
    mkdir -p "$var/secrets" && chmod 0700 "$var/secrets"
    app=$(pt_db__secret "$var/secrets/db_password") || return 1
    admin=$(pt_db__secret "$var/secrets/db_admin_password") || return 1
    hosts="localhost"
    # Over TCP (with --skip-name-resolve) a client is 127.0.0.1, not localhost.
    [ -n "${PT_DB_PORT:-}" ] && hosts="localhost 127.0.0.1"
    {
        printf "CREATE DATABASE IF NOT EXISTS \`%s\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n" "$db"
        for host in $hosts; do
            # The passwords are hex: nothing in them needs quoting.
            printf "CREATE USER IF NOT EXISTS 'portal'@'%s' IDENTIFIED BY '%s';\n" "$host" "$app"
            printf "ALTER USER 'portal'@'%s' IDENTIFIED BY '%s';\n" "$host" "$app"
            printf "GRANT SELECT, INSERT, UPDATE, DELETE, EXECUTE, CREATE TEMPORARY TABLES ON \`%s\`.* TO 'portal'@'%s';\n" "$db" "$host"
            printf "CREATE USER IF NOT EXISTS 'portal_admin'@'%s' IDENTIFIED BY '%s';\n" "$host" "$admin"
            printf "ALTER USER 'portal_admin'@'%s' IDENTIFIED BY '%s';\n" "$host" "$admin"
            printf "GRANT ALL PRIVILEGES ON \`%s\`.* TO 'portal_admin'@'%s';\n" "$db" "$host"
        done
        printf "FLUSH PRIVILEGES;\n"
    } | pt_db_client "$var" || { echo "mariadb: setting up '$db' failed" >&2; return 1; }
}

# pt_db_grant_app VAR: the application user's table grants, after every
# `portalctl migrate` (new tables need theirs).  The activity log is
# append-only for the application (issue 6): SELECT and INSERT on
# audit_events, nothing more; every other table gets SELECT, INSERT, UPDATE
# and DELETE by name.  MariaDB cannot take one table out of a database-wide
# grant, so the database-wide UPDATE and DELETE that pt_db_setup gives (the
# tables do not exist yet when it runs) are revoked here.  Deleting expired
# events is the job worker's, on the administrative account
# (pt_db_admin_exec).  Idempotent.
pt_db_grant_app() {
    local var=${1:?pt_db_grant_app: VAR missing} db=${PT_DB_NAME:-portal} hosts host tables t
    [[ $db =~ ^[a-z][a-z0-9_]*$ ]] || { echo "mariadb: bad PT_DB_NAME '$db'" >&2; return 1; }
    hosts="localhost"
    [ -n "${PT_DB_PORT:-}" ] && hosts="localhost 127.0.0.1"
    tables=$(pt_db_client "$var" -N -B -e "SELECT table_name FROM information_schema.tables
        WHERE table_schema = '$db' AND table_type = 'BASE TABLE' ORDER BY table_name") ||
        { echo "mariadb: listing the tables of '$db' failed" >&2; return 1; }
    {
        for host in $hosts; do
            for t in $tables; do
                [[ $t =~ ^[A-Za-z0-9_]+$ ]] || continue
                if [ "$t" = audit_events ]; then
                    printf "GRANT SELECT, INSERT ON \`%s\`.\`%s\` TO 'portal'@'%s';\n" "$db" "$t" "$host"
                else
                    printf "GRANT SELECT, INSERT, UPDATE, DELETE ON \`%s\`.\`%s\` TO 'portal'@'%s';\n" "$db" "$t" "$host"
                fi
            done
            printf "REVOKE UPDATE, DELETE ON \`%s\`.* FROM 'portal'@'%s';\n" "$db" "$host"
        done
    } | pt_db_client "$var" || { echo "mariadb: granting the application user failed" >&2; return 1; }
}
