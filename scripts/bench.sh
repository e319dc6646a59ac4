#!/bin/sh
# Builds the release binary, then runs a benchmark: `throughput` unless the first argument
# names another (`outputs`, `engine`); the other arguments go to the benchmark (throughput:
# --files N, --threads N, --runs N, --keep, --baseline: also time `--baseline HEAD~1`). See
# benches/README.md.
set -eu
cd "$(dirname "$0")/.."
bench=throughput
case "${1-}" in
throughput | outputs | engine | hostile)
    bench=$1
    shift
    ;;
esac
cargo build --release
exec cargo bench --bench "$bench" -- "$@"
