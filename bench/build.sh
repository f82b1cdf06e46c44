#!/usr/bin/env bash
# Times the README's two commands cold, as a newcomer runs them: a fresh clone of this
# checkout's HEAD, an empty target folder, then
#   cargo run --release -- score
#   cargo test --release --locked && cargo run --release --locked -q -- report --check
# and prints each step's wall time (crates already downloaded are reused: the registry is
# not part of the build).
#
#   bash bench/build.sh [REV]        (default: HEAD)
set -euo pipefail
REV=${1:-HEAD}
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d /tmp/swfscore-build.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
git clone -q "$SRC" "$WORK/repo"
cd "$WORK/repo"
git checkout -q "$REV"
step() { # label, command...
    local label=$1; shift
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >"$WORK/$label.log" 2>&1 || { echo "build.sh: $label failed (log: $WORK/$label.log)" >&2; tail -20 "$WORK/$label.log" >&2; exit 1; }
    t1=$(date +%s.%N)
    awk -v l="$label" -v a="$t0" -v b="$t1" 'BEGIN { printf "%-28s %8.1f s\n", l, b - a }'
}
echo "swfscore cold loop at $(git rev-parse --short HEAD), $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores"
step "cargo run --release score" cargo run --release --locked -q -- score
step "cargo test --release" cargo test --release --locked
step "report --check" cargo run --release --locked -q -- report --check
