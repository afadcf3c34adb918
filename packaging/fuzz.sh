#!/usr/bin/env bash
# Builds the libFuzzer targets (preset "fuzz": clang, ASan + UBSan) and runs each on its
# committed seed corpus for a bounded time. Fails on the first crash, leak, sanitizer
# report or timeout; the input that did it is left in build/fuzz/artifacts/.
#
#   packaging/fuzz.sh [TARGET...]      default: every target
#   TRAILMARK_FUZZ_SECONDS=30          time per target
#   TRAILMARK_FUZZ_SEED=1              libFuzzer's -seed; 0 picks a new one each run
#   TRAILMARK_FUZZ_FRESH=1             start from the committed seeds only (as CI does)
#
# CI runs a fixed seed, so a run is the same walk through the inputs on every machine and
# a red CI is reproducible. Exploring is done with TRAILMARK_FUZZ_SEED=0 and long times.
#
# New inputs that the fuzzer finds go to build/fuzz/corpus/<target> (not committed);
# a crash becomes a regression test: fix it, add the input to tests/fuzz/corpus/<target>
# and a case to the unit test of the parser.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
seconds=${TRAILMARK_FUZZ_SECONDS:-30}
seed=${TRAILMARK_FUZZ_SEED:-1}
build_dir="$here/build/fuzz"
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
# Paths relative to the checkout, so a fresh clone (CI) reuses the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$here}
# ...and do not hash the working directory, which -g would otherwise put in every key
# (debug info then names the directory the object was first built in).
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}

if [ ! -f "$build_dir/CMakeCache.txt" ]; then
    cmake --preset fuzz >&2
fi
cmake --build --preset fuzz >&2

# target name -> corpus folder
declare -A corpus=(
    [fuzz_spool_record]=spool_record
    [fuzz_spool_reader]=spool_reader
    [fuzz_event_payload]=event_payload
    [fuzz_history_parsers]=history_parsers
    [fuzz_terminal_stream]=terminal_stream
)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_spool_record fuzz_spool_reader fuzz_event_payload fuzz_history_parsers fuzz_terminal_stream)

mkdir -p "$build_dir/artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for target in "${targets[@]}"; do
    seeds="$here/tests/fuzz/corpus/${corpus[$target]}"
    work="$build_dir/corpus/${corpus[$target]}"
    [ "${TRAILMARK_FUZZ_FRESH:-0}" = 1 ] && rm -rf "$work"
    mkdir -p "$work"
    log="$build_dir/$target.log"
    # The work folder first: new inputs land there, the committed seeds stay as they are.
    if "$build_dir/tests/fuzz/$target" -max_total_time="$seconds" -seed="$seed" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -artifact_prefix="$build_dir/artifacts/$target-" -print_final_stats=1 \
        "$work" "$seeds" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        echo "fuzz.sh: $target: ${runs:-?} executions in ${seconds}s (seed $seed), no crash"
    else
        echo "fuzz.sh: $target FAILED (log: $log)" >&2
        tail -40 "$log" >&2
        status=1
    fi
done
exit $status
