# shellcheck shell=bash
# scripts/lib/stack.sh — the dev/test stack: messages, waiting, pid files,
# portal.conf, nginx, portald and the bench's hello program.  Sourced by
# scripts/dev (and bench/run.sh); every function takes the run's var directory
# (VAR) explicitly.  Expects PT_SRCDIR (the repository) to be set.
#
# VAR holds:  portal.conf  stack.env  nginx/nginx.conf
#             run/ (sockets, pid files)  log/  mail/  secrets/  tmp/

# ---- messages -------------------------------------------------------------

pt_dev_say()  { printf '==> %s\n' "$*"; }
pt_dev_warn() { printf 'warning: %s\n' "$*" >&2; }
pt_dev_die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# pt_dev_log_tail FILE [LINES]: the end of a log, to explain a failure.
pt_dev_log_tail() {
    local file=$1 lines=${2:-30}
    [ -s "$file" ] || return 0
    printf -- '--- last %s lines of %s ---\n' "$lines" "$file" >&2
    tail -n "$lines" "$file" >&2
    printf -- '---\n' >&2
}

# ---- waiting and processes ------------------------------------------------

# pt_dev_wait_for SECONDS WHAT COMMAND…: polls COMMAND every 0.1 s until it
# succeeds (0) or SECONDS have passed (1).
pt_dev_wait_for() {
    local seconds=$1 what=$2
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@"; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            pt_dev_warn "gave up after ${seconds}s waiting for $what"
            return 1
        fi
        sleep 0.1
    done
}

# Alive: running and not a zombie (this machine's init may take a second or
# two to reap an orphan, and kill -0 succeeds on a zombie).
pt_dev_pid_alive() {
    local state
    state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    case $state in Z*) return 1 ;; esac
}
pt_dev_pid_gone() { ! pt_dev_pid_alive "$1"; }

# The pid in a pid file, when that process is alive.
pt_dev_pidfile_pid() {
    local file=$1 pid
    [ -s "$file" ] || return 1
    pid=$(head -n1 "$file" | tr -dc '0-9')
    [ -n "$pid" ] && pt_dev_pid_alive "$pid" || return 1
    echo "$pid"
}

# The pids of a process's children, separated by spaces.
pt_dev_children() { { ps -o pid= --ppid "$1" 2>/dev/null || true; } | xargs; }

# pt_dev_stop_pidfile FILE NAME SIGNAL SECONDS: sends SIGNAL (the graceful one)
# to the process of FILE, waits SECONDS for it to exit, then SIGKILLs it and
# its children.  Removes FILE.  Quiet and successful when nothing runs.
pt_dev_stop_pidfile() {
    local file=$1 name=$2 sig=$3 seconds=$4 pid children
    if ! pid=$(pt_dev_pidfile_pid "$file"); then
        rm -f "$file"
        return 0
    fi
    children=$(pt_dev_children "$pid")
    pt_dev_say "stopping $name (pid $pid)"
    kill -"$sig" "$pid" 2>/dev/null || true
    if ! pt_dev_wait_for "$seconds" "$name to exit" pt_dev_pid_gone "$pid"; then
        pt_dev_warn "$name did not stop on SIG$sig: killing it"
        # shellcheck disable=SC2086  # a list of pids
        kill -KILL "$pid" $children 2>/dev/null || true
        pt_dev_wait_for 5 "$name to die" pt_dev_pid_gone "$pid" || true
    fi
    rm -f "$file"
}

# pt_dev_wait_new_children PID OLD_CHILDREN SECONDS: waits until PID has a
# child that was not in OLD_CHILDREN (a reload forked its new generation).
pt_dev_has_new_child() {
    local pid=$1 old=$2 child
    for child in $(pt_dev_children "$pid"); do
        case " $old " in *" $child "*) ;; *) return 0 ;; esac
    done
    return 1
}
pt_dev_wait_new_children() {
    pt_dev_wait_for "$3" "new worker processes of pid $1" pt_dev_has_new_child "$1" "$2"
}

# ---- HTTP -----------------------------------------------------------------

# The HTTP status of URL ("000" when nothing answers).
pt_dev_http_status() {
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" 2>/dev/null || true
}
pt_dev_http_ok() { [ "$(pt_dev_http_status "$1")" = 200 ]; }

# ---- the run's layout and state -------------------------------------------

# Creates VAR's folders (mode 0700: secrets and sockets live there).
pt_dev_var_create() {
    local var=$1
    mkdir -p "$var"
    chmod 700 "$var"
    mkdir -p "$var/run" "$var/log" "$var/mail" "$var/secrets" "$var/nginx" \
             "$var/tmp/nginx/body" "$var/tmp/nginx/fastcgi" "$var/tmp/nginx/proxy" \
             "$var/tmp/nginx/uwsgi" "$var/tmp/nginx/scgi"
    chmod 700 "$var/secrets"
    # The generated per-hostname server blocks (portalctl nginx generate) and
    # the ACME HTTP-01 webroot; nginx includes the file from the start.
    mkdir -p "$var/nginx/hosts" "$var/acme"
    [ -e "$var/nginx/hosts/portal-hosts.conf" ] || : >"$var/nginx/hosts/portal-hosts.conf"
    local sock="$var/run/portald.sock"
    [ "${#sock}" -lt 100 ] || pt_dev_die "$var is too deep for unix socket paths (${#sock} > 100 characters)"
}

# pt_dev_state_write VAR BUILDDIR HTTP_PORT SMTP_PORT: what the small
# subcommands (db-stop, portald-reload, …) need to know about a running stack.
pt_dev_state_write() {
    {
        echo "# written by scripts/dev: the stack running in this folder"
        printf 'PT_STACK_BUILDDIR=%q\nPT_STACK_HTTP_PORT=%q\nPT_STACK_SMTP_PORT=%q\n' "$2" "$3" "$4"
    } >"$1/stack.env"
}

pt_dev_state_read() {
    [ -f "$1/stack.env" ] || pt_dev_die "no stack in $1 (scripts/dev up, or PT_TEST_VAR unset?)"
    # shellcheck source=/dev/null
    . "$1/stack.env"
}

pt_dev_portald_bin()   { echo "${PORTALD:-$1/fcgi/portald}"; }
pt_dev_portalctl_bin() { echo "${PORTALCTL:-$1/fcgi/portalctl}"; }

# ---- portal.conf ----------------------------------------------------------

# The modules to load: PT_MODULES when set, else the sample's list followed
# by every other module the build made, each only if its .so exists, less
# those named in PT_DEV_SKIP_MODULES (up and test skip the bench fixture).
pt_dev_modules_list() {
    local moddir=$1 sample=$PT_SRCDIR/fcgi/portal.conf.sample name seen=" "
    if [ -n "${PT_MODULES:-}" ]; then
        echo "$PT_MODULES"
        return
    fi
    local listed
    listed=$(sed -n 's/^[[:space:]]*modules[[:space:]]*=[[:space:]]*//p' "$sample" | tr ',' ' ')
    local built=() so
    for so in "$moddir"/*.so; do
        [ ! -f "$so" ] || built+=("$(basename "$so" .so)")
    done
    for name in $listed "${built[@]}"; do
        case "$seen" in *" $name "*) continue ;; esac
        case " ${PT_DEV_SKIP_MODULES:-} " in *" $name "*) continue ;; esac
        if [ -f "$moddir/$name.so" ]; then
            seen="$seen$name "
        else
            pt_dev_warn "module $name is not built ($moddir/$name.so): not loaded"
        fi
    done
    echo "$seen" | sed 's/^ //; s/ $//'
}

# pt_dev_conf_write VAR BUILDDIR HTTP_PORT SMTP_PORT [MAX_REQUESTS]: VAR/portal.conf
# from fcgi/portal.conf.sample — every key of the sample, with the run's
# paths and ports; keys the sample lacks are added to their section.
pt_dev_conf_write() {
    local var=$1 builddir=$2 http_port=$3 smtp_port=$4 max_requests=${5:-10000}
    local overrides
    overrides=$(cat <<EOF
server	socket	$var/run/portald.sock
server	socket_mode	0660
server	socket_group	$(id -gn)
server	workers	${PT_WORKERS:-4}
server	max_requests	$max_requests
server	modules_dir	$builddir/modules
server	modules	$(pt_dev_modules_list "$builddir/modules")
server	templates_dir	$PT_SRCDIR/templates
server	base_url	http://127.0.0.1:$http_port
database	socket	$var/run/mysqld.sock
database	name	portal
database	user	portal
database	password_file	$var/secrets/db_password
database	admin_user	portal_admin
database	admin_password_file	$var/secrets/db_admin_password
database	migrations_dir	$PT_SRCDIR/sql
mail	smtp_url	smtp://127.0.0.1:$smtp_port
nginx	main_conf	$var/nginx/nginx.conf
nginx	conf_dir	$var/nginx/hosts
nginx	webroot	$var/acme
nginx	prefix	$var/nginx/
nginx	error_log	$var/log/nginx-error.log
nginx	listen_http	127.0.0.1:$http_port
nginx	listen_https	127.0.0.1:$((http_port + 1))
nginx	templates	$PT_SRCDIR/templates/nginx
nginx	snippets_dir	$PT_SRCDIR/nginx/snippets
nginx	static_dir	$PT_SRCDIR/static
nginx	platform_hosts	127.0.0.1 localhost
nginx	trigger_file	
whitelabel	base_domain	partners.portal.test
whitelabel	cname_target	portal.test
EOF
)
    {
        echo "; written by scripts/dev from fcgi/portal.conf.sample — changes are overwritten"
        awk -v overrides="$overrides" -v var="$var" -v srcdir="$PT_SRCDIR" -v builddir="$builddir" '
            BEGIN {
                n = split(overrides, lines, "\n")
                for (i = 1; i <= n; i++) {
                    split(lines[i], f, "\t")
                    val[f[1] SUBSEP f[2]] = f[3]
                    order[++norder] = f[1] SUBSEP f[2]
                }
            }
            # Keys of SECTION that the sample lacks, before the next section.
            function flush(section,   i, k, p) {
                for (i = 1; i <= norder; i++) {
                    k = order[i]
                    split(k, p, SUBSEP)
                    if (p[1] == section && !(k in used)) {
                        print p[2] " = " val[k]
                        used[k] = 1
                    }
                }
            }
            # A path of the installed layout, moved into the run.
            function relocate(v) {
                sub("^/run/portald/", var "/run/", v)
                sub("^/etc/partner-portal/", var "/secrets/", v)
                sub("^/usr/local/share/partner-portal/", srcdir "/", v)
                sub("^/usr/local/lib/partner-portal", builddir "/modules", v)
                return v
            }
            function print_blanks() { while (blanks > 0) { print ""; blanks-- } }
            # Blank lines wait, so that added keys go before them.
            /^[[:space:]]*$/ { blanks++; next }
            /^[[:space:]]*\[.*\][[:space:]]*$/ {
                flush(section)
                print_blanks()
                section = $0
                gsub(/^[[:space:]]*\[|\][[:space:]]*$/, "", section)
                seen[section] = 1
                print
                next
            }
            { print_blanks() }
            /^[[:space:]]*[A-Za-z0-9_.-]+[[:space:]]*=/ {
                key = $0
                sub(/[[:space:]]*=.*/, "", key)
                gsub(/^[[:space:]]+/, "", key)
                k = section SUBSEP key
                if (k in val) {
                    print key " = " val[k]
                    used[k] = 1
                } else {
                    v = $0
                    sub(/^[^=]*=[[:space:]]*/, "", v)
                    print key " = " relocate(v)
                }
                next
            }
            { print }
            END {
                flush(section)
                for (i = 1; i <= norder; i++) {
                    split(order[i], p, SUBSEP)
                    if (!(p[1] in seen)) {
                        seen[p[1]] = 1
                        print ""
                        print "[" p[1] "]"
                        flush(p[1])
                    }
                }
            }' "$PT_SRCDIR/fcgi/portal.conf.sample"
    } >"$var/portal.conf.new"
    mv "$var/portal.conf.new" "$var/portal.conf"
}

# ---- nginx ----------------------------------------------------------------

pt_dev_nginx() {
    local var=$1
    shift
    nginx -p "$var/nginx/" -c "$var/nginx/nginx.conf" -e "$var/log/nginx-error.log" "$@"
}

# pt_dev_nginx_render VAR PORT: VAR/nginx/nginx.conf from nginx/portal.conf.in.
pt_dev_nginx_render() {
    local var=$1 port=$2 user="# user: nginx runs as the invoking user"
    # As root, workers run as root too, to reach the sockets and files of VAR
    # (mode 0700) and of the work tree; without it they would be nobody's.
    [ "$(id -u)" -ne 0 ] || user="user root root;"
    sed -e "s|@VAR@|$var|g" -e "s|@PORT@|$port|g" -e "s|@SRCDIR@|$PT_SRCDIR|g" \
        -e "s|@SOCKET@|$var/run/portald.sock|g" -e "s|@USER@|$user|g" \
        -e "s|@SIGNIN_LIMIT_KEY@|${PT_NGINX_SIGNIN_LIMIT_KEY:-\$binary_remote_addr}|g" \
        "$PT_SRCDIR/nginx/portal.conf.in" >"$var/nginx/nginx.conf"
    if ! pt_dev_nginx "$var" -t -q 2>"$var/log/nginx-test.log"; then
        cat "$var/log/nginx-test.log" >&2
        pt_dev_die "nginx refuses $var/nginx/nginx.conf"
    fi
}

# pt_dev_nginx_start VAR PORT: renders the config; starts nginx, or reloads it
# when it already runs; waits until it answers on PORT.
pt_dev_nginx_start() {
    local var=$1 port=$2 pid
    pt_dev_nginx_render "$var" "$port"
    if pid=$(pt_dev_pidfile_pid "$var/run/nginx.pid"); then
        pt_dev_nginx_reload "$var"
        return
    fi
    pt_dev_say "starting nginx on 127.0.0.1:$port"
    if ! pt_dev_nginx "$var"; then
        pt_dev_log_tail "$var/log/nginx-error.log"
        pt_dev_die "nginx did not start (is 127.0.0.1:$port taken?)"
    fi
    if ! pt_dev_wait_for 10 "nginx on 127.0.0.1:$port" pt_dev_nginx_answers "$port"; then
        pt_dev_log_tail "$var/log/nginx-error.log"
        pt_dev_die "nginx does not answer on 127.0.0.1:$port"
    fi
}
# Any answer will do (a HEAD of a file nginx serves itself, logging no error).
pt_dev_nginx_answers() {
    local status
    status=$(curl -s -I -o /dev/null -w '%{http_code}' --max-time 2 \
        "http://127.0.0.1:$1/static/vendor/bootstrap/css/bootstrap.min.css" 2>/dev/null || true)
    [ -n "$status" ] && [ "$status" != 000 ]
}

# Graceful reload (SIGHUP); returns once the new worker processes exist.
pt_dev_nginx_reload() {
    local var=$1 pid old
    pid=$(pt_dev_pidfile_pid "$var/run/nginx.pid") || pt_dev_die "nginx is not running in $var"
    pt_dev_say "reloading nginx (pid $pid)"
    old=$(pt_dev_children "$pid")
    kill -HUP "$pid"
    pt_dev_wait_new_children "$pid" "$old" 10 || pt_dev_log_tail "$var/log/nginx-error.log"
}

# Graceful stop (SIGQUIT: open requests finish).
pt_dev_nginx_stop() { pt_dev_stop_pidfile "$1/run/nginx.pid" nginx QUIT 15; }

# ---- portald --------------------------------------------------------------

# pt_dev_portald_start VAR BUILDDIR: starts portald in the background (logs in
# VAR/log/portald.log), restarting it when it runs; waits for its socket.
pt_dev_portald_start() {
    local var=$1 builddir=$2 bin sock pid
    bin=$(pt_dev_portald_bin "$builddir")
    sock="$var/run/portald.sock"
    [ -x "$bin" ] || pt_dev_die "$bin is missing: the build did not make portald"
    pt_dev_portald_stop "$var"
    rm -f "$sock"
    pt_dev_say "starting portald ($bin)"
    # Its own session: a terminal's hang-up (SIGHUP = reload) never reaches it.
    # shellcheck disable=SC2086  # PORTALD_WRAPPER: e.g. "valgrind --leak-check=full"
    # A request builds and frees ~1,000 small JSON values: a deeper per-thread
    # malloc cache keeps them off glibc's slow path (as portald.service does).
    GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.tcache_count=4096} \
        setsid ${PORTALD_WRAPPER:-} "$bin" -c "$var/portal.conf" </dev/null >>"$var/log/portald.log" 2>&1 &
    pid=$!
    echo "$pid" >"$var/run/portald.pid"
    if ! pt_dev_wait_for "${PT_START_TIMEOUT:-30}" "portald's socket $sock" pt_dev_portald_listening "$pid" "$sock"; then
        pt_dev_log_tail "$var/log/portald.log"
        pt_dev_die "portald did not start"
    fi
    if pt_dev_pid_gone "$pid"; then
        pt_dev_log_tail "$var/log/portald.log"
        pt_dev_die "portald exited at start-up"
    fi
}
# Listening, or dead (then waiting is over).
pt_dev_portald_listening() { [ -S "$2" ] || pt_dev_pid_gone "$1"; }

# Graceful stop: SIGTERM lets in-flight requests finish; portald's master
# escalates after grace_seconds itself, so wait a little longer than that.
pt_dev_portald_stop() { pt_dev_stop_pidfile "$1/run/portald.pid" portald TERM 20; }

# Graceful reload (SIGHUP); returns once the new workers exist.
pt_dev_portald_reload() {
    local var=$1 pid old
    pid=$(pt_dev_pidfile_pid "$var/run/portald.pid") || pt_dev_die "portald is not running in $var"
    old=$(pt_dev_children "$pid")
    kill -HUP "$pid"
    pt_dev_wait_new_children "$pid" "$old" 15 || pt_dev_log_tail "$var/log/portald.log"
}

# ---- bench/fcgi_hello -----------------------------------------------------

# pt_dev_hello_start VAR BUILDDIR WORKERS: the bare libfcgi program on
# VAR/run/hello.sock (nginx's /bench/hello).
pt_dev_hello_start() {
    local var=$1 bin=$2/bench/fcgi_hello workers=$3 pid sock=$1/run/hello.sock
    [ -x "$bin" ] || pt_dev_die "$bin is missing (make -C $2 bench/fcgi_hello)"
    pt_dev_hello_stop "$var"
    setsid "$bin" "$sock" "$workers" </dev/null >>"$var/log/hello.log" 2>&1 &
    pid=$!
    echo "$pid" >"$var/run/hello.pid"
    if ! pt_dev_wait_for 10 "fcgi_hello's socket" pt_dev_portald_listening "$pid" "$sock" ||
       pt_dev_pid_gone "$pid"; then
        pt_dev_log_tail "$var/log/hello.log"
        pt_dev_die "fcgi_hello did not start"
    fi
}
pt_dev_hello_stop() { pt_dev_stop_pidfile "$1/run/hello.pid" fcgi_hello TERM 10; }
