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
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
cargo build --release -p router-bench --example lookup_loop >&2
binary=target/release/examples/lookup_loop
total() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$binary" "$1" "$2" "$3" 2>&1 \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
echo "| workload | lookups per pass | Velocy instructions/lookup | matchit instructions/lookup | matchit / Velocy |"
echo "| --- | --- | --- | --- | --- |"
for workload in hits mixed; do
  lookups=$("$binary" velocy "$workload" 0 | sed -n 's/^\([0-9]*\) lookups per pass$/\1/p')
  declare -A per
  for router in velocy matchit; do
    one=$(total "$router" "$workload" "$N")
    two=$(total "$router" "$workload" $((2 * N)))
    per[$router]=$(( (two - one) / N ))
  done
  awk -v w="$workload" -v l="$lookups" -v v="${per[velocy]}" -v m="${per[matchit]}" \
    'BEGIN { printf "| %s | %d | %.1f | %.1f | %.2f |\n", w, l, v / l, m / l, m / v }'
done
