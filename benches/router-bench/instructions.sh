#!/usr/bin/env bash
# Instructions per lookup, Velocy's PathRouter against matchit, counted by callgrind: deterministic, unlike
# nanosecond timings on a VM (criterion's medians move by ±15% between runs here even for unchanged code).
# Each router runs N and 2N passes over a workload; the difference over N passes is divided by the number of
# lookups in one pass, so building the router and the process start-up cancel out.
#
# Usage (from benches/): router-bench/instructions.sh [N]     (default N=200; needs valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200}
source ./callgrind.sh
cargo build --release -p router-bench --example lookup_loop >&2
binary=target/release/examples/lookup_loop
echo "| workload | lookups per pass | Velocy instructions/lookup | matchit instructions/lookup | matchit / Velocy |"
echo "| --- | --- | --- | --- | --- |"
for workload in hits mixed; do
  lookups=$("$binary" velocy "$workload" 0 | sed -n 's/^\([0-9]*\) lookups per pass$/\1/p')
  declare -A per
  for router in velocy matchit; do
    per[$router]=$(instructions_per_pass "$N" "$binary" "$router" "$workload")
  done
  awk -v w="$workload" -v l="$lookups" -v v="${per[velocy]}" -v m="${per[matchit]}" \
    'BEGIN { printf "| %s | %d | %.1f | %.1f | %.2f |\n", w, l, v / l, m / l, m / v }'
done
