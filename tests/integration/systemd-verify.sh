#!/usr/bin/env bash
# systemd-verify.sh — systemd accepts systemd/portald.service and
# systemd/portald.socket without a single complaint (unknown keys and bad
# values are only warnings to systemd-analyze, so any output fails the test).
# ExecStart points at /bin/true in a copy: portald need not be installed.
# Skips (77) where systemd-analyze is missing.
set -euo pipefail

srcdir=${srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
if ! command -v systemd-analyze >/dev/null; then
    echo "skipped: systemd-analyze is not installed"
    exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for unit in portald.service portal-nginx.service; do
    sed 's|^ExecStart=.*|ExecStart=/bin/true|' "$srcdir/systemd/$unit" >"$tmp/$unit"
done
cp "$srcdir/systemd/portald.socket" "$srcdir/systemd/portal-nginx.path" "$tmp/"

rc=0
out=$(systemd-analyze verify "$tmp/portald.socket" "$tmp/portald.service" \
      "$tmp/portal-nginx.path" "$tmp/portal-nginx.service" 2>&1) || rc=$?
if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
    echo "systemd-analyze verify (exit $rc) complains:"
    echo "$out"
    exit 1
fi
echo "ok: systemd-analyze verify accepts portald.service, portald.socket and portal-nginx.{path,service}"
