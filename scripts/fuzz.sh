#!/usr/bin/env bash
# Fuzzes fargate-lint with libFuzzer (cargo-fuzz): installs cargo-fuzz when it is missing,
# builds the seed corpus from testdata/ (fuzz/seed.sh) and runs TARGET for SECONDS.
#
#   scripts/fuzz.sh [SECONDS] [TARGET]     (defaults: 600, pipeline)
#
# A crash (a panic or a broken invariant), an input taking over 1 s or a run over 512 MB is a
# failure: libFuzzer stops and writes the input to fuzz/artifacts/TARGET/. Minimise it with
#   cargo +nightly fuzz tmin -s none TARGET fuzz/artifacts/TARGET/crash-...
# and keep it under testdata/hostile/fuzz/ (tests/fuzz_regressions.rs runs every file there).
# One job, one worker: the machines are shared. Extra libFuzzer flags go in FUZZ_FLAGS (the
# last of a flag given twice wins), e.g. FUZZ_FLAGS="-len_control=0 -max_len=65536".
set -euo pipefail

seconds=${1:-600}
target=${2:-pipeline}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# libFuzzer needs a nightly compiler (sanitizer flags); without a nightly toolchain the
# stable one is told to allow them.
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    cargo_fuzz=(cargo +nightly fuzz)
else
    export RUSTC_BOOTSTRAP=1
    cargo_fuzz=(cargo fuzz)
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

fuzz/seed.sh "$target"
# From fuzz/, where libFuzzer writes its log (fuzz-0.log, ignored by git) with -jobs.
# No sanitizer (`-s none`): the code is safe Rust, and AddressSanitizer's own memory would
# count against -rss_limit_mb, which is there to judge fargate-lint's; it is also 4 times
# slower. Coverage instrumentation stays.
cd fuzz
# shellcheck disable=SC2086 # FUZZ_FLAGS is a list of flags
"${cargo_fuzz[@]}" run --fuzz-dir . -s none "$target" "corpus/$target" -- \
    -dict=yaml.dict \
    -max_total_time="$seconds" \
    -rss_limit_mb=512 \
    -timeout=1 \
    -max_len=16384 \
    -jobs=1 -workers=1 \
    -print_final_stats=1 \
    ${FUZZ_FLAGS:-} || status=$?
# With -jobs the fuzzer's own output is in the log; its end says what happened.
tail -n 15 fuzz-0.log
exit "${status:-0}"
