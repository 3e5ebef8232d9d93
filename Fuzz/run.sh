#!/usr/bin/env bash
# Builds the fuzz targets (once; Fuzz/build.sh skips what is up to date), runs each for FUZZ_SECONDS and prints
# exactly one line per target on stdout: `fuzz <target>: <execs> execs, <crashes> crashes`. Exits 1 when any
# target crashed, timed out or ran out of memory (the input is kept under .build-fuzz/artifacts/<target>/ and named
# on stderr). Targets run FUZZ_JOBS at a time; each works on a copy of its seed corpus so new inputs stay out of git.
# Usage: Fuzz/run.sh [target...]    Environment: FUZZ_SECONDS (default 20), FUZZ_JOBS (default: CPU count),
#        FUZZ_TIMEOUT (seconds one input may take before it counts as a crash, default 10).
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH=${FUZZ_SECONDS:-20}
JOBS=${FUZZ_JOBS:-$(nproc)}
TIMEOUT=${FUZZ_TIMEOUT:-10}
OUT=${FUZZ_BUILD_DIR:-.build-fuzz}

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    for file in Fuzz/Targets/*.swift; do targets+=("$(basename "$file" .swift)"); done
fi

mkdir -p "$OUT/logs"
if ! Fuzz/build.sh "${targets[@]}" >"$OUT/logs/build.log" 2>&1; then
    grep -v "warning: Cannot export local symbol" "$OUT/logs/build.log" >&2 || true
    echo "fuzz: build failed (log: $OUT/logs/build.log)" >&2
    exit 2
fi

run_target() { # target
    local target=$1
    local corpus="$OUT/corpus/$target" artifacts="$OUT/artifacts/$target" log="$OUT/logs/$target.log"
    mkdir -p "$corpus" "$artifacts"
    cp -n "Fuzz/corpus/$target"/* "$corpus"/ 2>/dev/null || true
    # Findings of earlier runs stay for inspection; only this run's count.
    rm -f "$artifacts"/.new && touch "$artifacts"/.new
    # -timeout: parsers must be linear, so one input taking seconds is a finding, not noise.
    "$OUT/bin/fuzz-$target" "$corpus" -max_total_time="$SECONDS_EACH" -timeout="$TIMEOUT" -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1 || true
}

running=0
for target in "${targets[@]}"; do
    run_target "$target" &
    running=$((running + 1))
    if ((running >= JOBS)); then
        wait -n || true
        running=$((running - 1))
    fi
done
wait

status=0 clean=0 failed=0
for target in "${targets[@]}"; do
    log="$OUT/logs/$target.log" artifacts="$OUT/artifacts/$target"
    target_ok=1
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    if [[ -z $execs ]]; then
        # libFuzzer prints no final stats when it dies on a finding; its last status line has the count.
        execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
    fi
    mapfile -t found < <(find "$artifacts" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \
        -o -name 'leak-*' \) -newer "$artifacts/.new" | sort)
    echo "fuzz $target: ${execs:-0} execs, ${#found[@]} crashes"
    if ((${#found[@]} > 0)); then
        status=1 target_ok=0
        for input in "${found[@]}"; do echo "fuzz $target: finding $input (log: $log)" >&2; done
    elif ! grep -q '^Done [0-9]* runs' "$log"; then
        status=1 target_ok=0
        echo "fuzz $target: stopped without finishing its run (log: $log)" >&2
    fi
    if ((target_ok)); then clean=$((clean + 1)); else failed=$((failed + 1)); fi
done
# A closing line in the usual runner shape, so CI logs end with a count of targets.
echo "fuzz: $clean passed, $failed failed"
exit $status
