#!/bin/sh
# Builds the release binary, then runs the throughput benchmark on it; arguments go to the
# benchmark (--files N, --threads N, --runs N, --keep). See benches/README.md.
set -eu
cd "$(dirname "$0")/.."
cargo build --release
exec cargo bench --bench throughput -- "$@"
