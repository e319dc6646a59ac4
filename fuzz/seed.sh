#!/usr/bin/env bash
# Builds the seed corpus of a fuzz target from testdata/: every YAML and JSON manifest as it
# is, and each again after the example cluster (one stdin stream, so that the fuzzer starts
# from workloads that land on a Fargate profile). Files are named by their hash, so running
# it twice adds nothing. Inputs over MAX_LEN bytes are left out (the run's -max_len).
#
#   fuzz/seed.sh [TARGET]        (default: pipeline) -> fuzz/corpus/TARGET/
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
target=${1:-pipeline}
max_len=${MAX_LEN:-16384}
corpus="$here/corpus/$target"
mkdir -p "$corpus"

add() { # add FILE...: their concatenation, as one input
    local tmp
    tmp=$(mktemp)
    cat "$@" >"$tmp"
    if [ "$(wc -c <"$tmp")" -le "$max_len" ]; then
        mv "$tmp" "$corpus/$(sha1sum "$tmp" | cut -c1-40)"
    else
        rm -f "$tmp"
    fi
}

cluster="$root/testdata/example/cluster.yaml"
separator=$(mktemp)
trap 'rm -f "$separator"' EXIT
printf '\n---\n' >"$separator"

before=$(find "$corpus" -type f | wc -l)
while IFS= read -r -d '' file; do
    add "$file"
    case "$file" in
    *.yaml | *.yml) add "$cluster" "$separator" "$file" ;;
    esac
done < <(find "$root/testdata" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) \
    -not -path '*/schemas/*' -print0 | sort -z)
after=$(find "$corpus" -type f | wc -l)
echo "seed.sh: $((after - before)) new inputs, $after in $corpus"
