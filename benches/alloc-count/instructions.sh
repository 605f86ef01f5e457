#!/usr/bin/env bash
# Instructions per request, in process, counted by callgrind (deterministic: no timer, no noise from the
# machine). For each app and endpoint, runs `alloc-count --loop` with N and 2N requests under callgrind
# and divides the difference by N, so start-up and warm-up cancel out.
#
# Usage (from benches/): alloc-count/instructions.sh [N]     (default N=5000; needs valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5000}
source ./callgrind.sh
cargo build --release -p alloc-count >&2
binary=target/release/alloc-count
echo "| endpoint | Velocy instructions/req | Velocy + defaults | axum | raw hyper | Velocy / hyper | defaults / hyper | axum / hyper |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for endpoint in plaintext json user echo; do
  declare -A per
  for app in velocy defaults axum hyper; do
    per[$app]=$(instructions_per_pass "$N" "$binary" --loop "$app" "$endpoint")
  done
  awk -v e="$endpoint" -v v="${per[velocy]}" -v d="${per[defaults]}" -v a="${per[axum]}" -v h="${per[hyper]}" \
    'BEGIN { printf "| %s | %d | %d | %d | %d | %.2f | %.2f | %.2f |\n", e, v, d, a, h, v / h, d / h, a / h }'
done
