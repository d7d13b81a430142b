# shellcheck shell=bash
# scripts/lib/build.sh — Debian packages and the out-of-tree build, for scripts/dev.
# Sourced, not run.  Expects PT_SRCDIR (the repository) to be set.

# The package names of scripts/packages.txt, comments and blank lines dropped.
pt_packages_wanted() {
    sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$PT_SRCDIR/scripts/packages.txt"
}

# The wanted packages that dpkg does not list as installed.
pt_packages_missing() {
    local pkg status
    for pkg in $(pt_packages_wanted); do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        [ "$status" = "install ok installed" ] || echo "$pkg"
    done
}

# Installs the missing packages (as root) without starting any system service:
# a policy-rc.d that answers 101 ("action forbidden") guards the install when
# the machine has none, and is removed afterwards.
pt_packages_install() {
    local missing
    missing=$(pt_packages_missing | tr '\n' ' ')
    [ -n "${missing// /}" ] || return 0
    if [ "$(id -u)" -ne 0 ]; then
        pt_dev_die "missing Debian packages: $missing
run scripts/dev as root, or: sudo apt-get install $missing"
    fi
    pt_dev_say "installing: $missing"
    local guard=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        guard=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\n# written by scripts/dev for one apt-get install\nexit 101\n' >"$guard"
        chmod 755 "$guard"
    fi
    local rc=0
    DEBIAN_FRONTEND=noninteractive apt-get update -q || rc=$?
    if [ "$rc" -eq 0 ]; then
        # shellcheck disable=SC2086  # one word per package
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing || rc=$?
    fi
    [ -z "$guard" ] || rm -f "$guard"
    [ "$rc" -eq 0 ] || pt_dev_die "apt-get failed (exit $rc)"
}

# Warns (as a non-root user) about packages that are missing; installs them as root.
pt_packages_ensure() {
    if [ "$(id -u)" -eq 0 ]; then
        pt_packages_install
        return
    fi
    local missing
    missing=$(pt_packages_missing | tr '\n' ' ')
    [ -z "${missing// /}" ] || pt_dev_warn "missing Debian packages (run as root to install): $missing"
}

# configure is made by ./autogen.sh when it is missing or older than configure.ac.
pt_build_autogen() {
    local src=$PT_SRCDIR
    if [ ! -x "$src/configure" ] || [ "$src/configure.ac" -nt "$src/configure" ]; then
        pt_dev_say "autogen.sh"
        (cd "$src" && ./autogen.sh) || pt_dev_die "autogen.sh failed"
    fi
}

# pt_build DIR [configure options…]: configures DIR (under the repository) once,
# then makes it.  The Makefile re-runs automake/configure itself when their
# inputs change.
pt_build() {
    local dir=$1
    shift
    local builddir="$PT_SRCDIR/$dir"
    pt_build_autogen
    if [ -f "$PT_SRCDIR/config.status" ]; then
        pt_dev_die "the source tree was configured in place: run 'make distclean' in $PT_SRCDIR first (scripts/dev builds in $dir/)"
    fi
    mkdir -p "$builddir"
    if [ ! -f "$builddir/Makefile" ]; then
        pt_dev_say "configure${*:+ $*} (in $dir/)"
        (cd "$builddir" && ../configure "$@") || pt_dev_die "configure failed: see $builddir/config.log"
    fi
    pt_dev_say "make (in $dir/)"
    make -C "$builddir" -j"${PT_MAKE_JOBS:-2}" || pt_dev_die "the build failed (in $dir/)"
}
