#!/bin/sh
# run.sh BUILD_DIR — run every libFuzzer harness that `make fuzz` built in
# BUILD_DIR/tests/fuzz for a bounded time.  Builds nothing and never writes
# into the source tree: each corpus is copied to a temporary directory first.
#
#   FUZZ_SECONDS   time per harness (default 20)
#
# Prints one line per harness; exits 1 if any harness crashed (its log and
# reproducer are kept and named), 2 if none was built.
set -u

build=${1:?usage: run.sh BUILD_DIR}
seconds=${FUZZ_SECONDS:-20}
here=$(cd "$(dirname "$0")" && pwd)
harnesses="query form multipart cookie json totp_code"

work=$(mktemp -d "${TMPDIR:-/tmp}/pt-fuzz.XXXXXX") || exit 1
keep=0
failed=0
ran=0

for name in $harnesses; do
    bin=$build/tests/fuzz/fuzz_$name
    if [ ! -x "$bin" ]; then
        echo "fuzz_$name: not built (make fuzz)"
        continue
    fi
    ran=$((ran + 1))
    corpus=$work/$name/corpus
    mkdir -p "$corpus"
    if [ -d "$here/corpus/$name" ]; then
        cp "$here/corpus/$name"/* "$corpus"/ 2>/dev/null
    fi
    log=$work/$name/log
    if "$bin" -max_total_time="$seconds" -rss_limit_mb=512 -timeout=10 \
            -artifact_prefix="$work/$name/" -print_final_stats=1 \
            "$corpus" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        echo "fuzz_$name: ok (${runs:-?} runs in ${seconds}s)"
    else
        failed=$((failed + 1))
        keep=1
        crash=$(ls "$work/$name"/crash-* "$work/$name"/leak-* "$work/$name"/timeout-* \
                "$work/$name"/oom-* 2>/dev/null | head -n 1)
        echo "fuzz_$name: FAILED, log $log, input ${crash:-none}"
    fi
done

if [ "$keep" -eq 0 ]; then
    rm -rf "$work"
fi
if [ "$ran" -eq 0 ]; then
    echo "no harness found under $build/tests/fuzz"
    exit 2
fi
[ "$failed" -eq 0 ]
