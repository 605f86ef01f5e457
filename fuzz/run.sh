#!/usr/bin/env bash
# Smoke run of every fuzz target: each for SECONDS (default 30) with libFuzzer on the nightly toolchain.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# Installs cargo-fuzz when it is missing. New inputs libFuzzer finds go to fuzz/scratch/<target>/ (ignored by
# git), never into the hand-written seed corpora in fuzz/corpus/<target>/; a crash is saved under
# fuzz/artifacts/<target>/ — copy it into the target's corpus folder so velocy/tests/fuzz_corpora.rs replays
# it on stable from then on. Exits non-zero when any target failed.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${1:-30}"
shift || true

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz…"
    cargo install cargo-fuzz --locked
fi

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

failed=()
for target in "${targets[@]}"; do
    mkdir -p "scratch/$target"
    echo "== $target: ${seconds}s"
    if ! nice -n 10 cargo +nightly fuzz run "$target" "scratch/$target" "corpus/$target" -- \
        -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1; then
        failed+=("$target")
        echo "!! $target failed: the input is in fuzz/artifacts/$target/"
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "failed targets: ${failed[*]}"
    exit 1
fi
echo "all ${#targets[@]} targets ran ${seconds}s without a failure"
