# shellcheck shell=bash
# scripts/lib/smtp.sh — the SMTP sink (scripts/smtp-sink.py) for development
# and tests.  Sourced; defines functions only.
#   VAR/mail/*.eml       received messages (complete files only)
#   VAR/run/smtp.pid     pid, present while the sink listens
#   VAR/log/smtp.log     its log
# Needs Debian's python3-aiosmtpd, run with /usr/bin/python3 on purpose: a
# pyenv or venv python3 earlier on PATH does not see Debian's packages.

pt_smtp__pid() {
    local pidfile="$1/run/smtp.pid" pid
    [ -s "$pidfile" ] || return 1
    pid=$(cat "$pidfile")
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    printf '%s' "$pid"
}

# pt_smtp_start VAR PORT: start the sink on 127.0.0.1:PORT unless it runs; waits ≤ 10 s.
pt_smtp_start() {
    local var=${1:?pt_smtp_start: VAR missing} port=${2:?pt_smtp_start: PORT missing}
    local sink pid i
    pt_smtp__pid "$var" >/dev/null && return 0
    sink="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/smtp-sink.py"
    mkdir -p "$var/mail" "$var/run" "$var/log" || return 1
    rm -f "$var/run/smtp.pid"
    setsid /usr/bin/python3 "$sink" --port "$port" --maildir "$var/mail" \
        --pidfile "$var/run/smtp.pid" </dev/null >>"$var/log/smtp.log" 2>&1 &
    pid=$!
    for i in $(seq 1 100); do
        [ -s "$var/run/smtp.pid" ] && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "smtp-sink did not start on port $port (after $i checks); see $var/log/smtp.log:" >&2
    tail -n 10 "$var/log/smtp.log" >&2
    return 1
}

# pt_smtp_stop VAR: stop the sink if it runs (TERM, then wait ≤ 10 s).
pt_smtp_stop() {
    local var=${1:?pt_smtp_stop: VAR missing} pid i
    pid=$(pt_smtp__pid "$var") || { rm -f "$var/run/smtp.pid"; return 0; }
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || { rm -f "$var/run/smtp.pid"; return 0; }
        sleep 0.1
    done
    echo "smtp-sink $pid still running after 10 s ($i checks)" >&2
    return 1
}
