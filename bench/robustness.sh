#!/usr/bin/env bash
# Times `swfscore robustness` against a vectorised NumPy implementation of the same Monte
# Carlo, and `swfscore robustness --sobol` against the SALib pipeline (sample.sobol +
# analyze.sobol) on the same model, in one run; prints wall time, peak memory and ratios, and
# checks that the two implementations agree.
#
#   bash bench/robustness.sh [BINARY]        (default: target/release/swfscore)
#   SIZES="50000 100000 200000" SOBOL_N=4096 bash bench/robustness.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/swfscore}
SIZES=${SIZES:-"50000 100000 200000"}
SOBOL_N=${SOBOL_N:-4096}
[[ -x $BIN ]] || { echo "robustness.sh: no binary at $BIN (cargo build --release)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
python3 -c 'import numpy, SALib' 2>/dev/null || python3 -m pip install -q numpy SALib >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$BIN" robustness --samples 1 --export-model "$work/model.json" >/dev/null

# measure NAME CMD...: appends "NAME seconds peakMB" to $work/times, output to $work/NAME.out
measure() {
    local name=$1
    shift
    /usr/bin/time -f '%e %M' -o "$work/$name.time" "$@" >"$work/$name.out"
    read -r s kb <"$work/$name.time"
    echo "$name $s $((kb / 1024))" >>"$work/times"
}
# NumPy without the OpenBLAS overrides this machine sets for old processors (they slow it).
PEER=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/robustness_peer.py)

for n in $SIZES; do
    measure "swfscore-mc-$n" "$BIN" robustness --samples "$n" --format json
    measure "numpy-mc-$n" "${PEER[@]}" mc "$work/model.json" "$n"
done
# Weights and partial credit varied, the rest held (the comparison issue 19 sets).
HELD=(unknown-rule aggregation profile leave-one-out)
FIX=()
for a in "${HELD[@]}"; do FIX+=(--fix "$a"); done
largest=${SIZES##* }
measure "swfscore-wp-$largest" "$BIN" robustness --samples "$largest" "${FIX[@]}" --format json
measure "numpy-wp-$largest" "${PEER[@]}" mc "$work/model.json" "$largest" 0.25 "$(IFS=,; echo "${HELD[*]}")"
measure "swfscore-sobol-$SOBOL_N" "$BIN" robustness --sobol --samples "$SOBOL_N" --format json
measure "salib-sobol-$SOBOL_N" "${PEER[@]}" sobol "$work/model.json" "$SOBOL_N"

echo "swfscore robustness vs NumPy and SALib, $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, numpy $(python3 -c 'import numpy; print(numpy.__version__)'), SALib $(python3 -m pip show SALib 2>/dev/null | awk '/^Version/{print $2}')"
echo
printf '| %-22s | %9s | %12s | %9s | %12s | %12s | %12s |\n' run "swfscore s" "swfscore MB" "peer s" "peer MB" "peer/swf s" "peer/swf MB"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "------------------------" "----------:" "-------------:" "----------:" "-------------:" "-------------:" "-------------:"
row() { # label swfscore-name peer-name
    read -r _ s1 m1 < <(grep "^$2 " "$work/times")
    read -r _ s2 m2 < <(grep "^$3 " "$work/times")
    printf '| %-22s | %9.2f | %12d | %9.2f | %12d | %11.1f× | %11.1f× |\n' "$1" "$s1" "$m1" "$s2" "$m2" \
        "$(awk -v a="$s2" -v b="$s1" 'BEGIN{print (b > 0 ? a / b : 0)}')" "$(awk -v a="$m2" -v b="$m1" 'BEGIN{print (b > 0 ? a / b : 0)}')"
}
for n in $SIZES; do row "Monte Carlo, $n" "swfscore-mc-$n" "numpy-mc-$n"; done
row "weights + partial, $largest" "swfscore-wp-$largest" "numpy-wp-$largest"
row "Sobol, N = $SOBOL_N" "swfscore-sobol-$SOBOL_N" "salib-sobol-$SOBOL_N"
echo

python3 - "$work" "$largest" "$SOBOL_N" <<'EOF'
import json, sys
work, n, N = sys.argv[1], sys.argv[2], sys.argv[3]
for kind, label in (("mc", "every assumption varied"), ("wp", "weights and partial credit varied")):
    swf = json.load(open(f"{work}/swfscore-{kind}-{n}.out"))
    npy = json.load(open(f"{work}/numpy-{kind}-{n}.out"))
    rank_diff = max(abs(a - b) for f in swf["funds"] for a, b in zip(f["rank_interval"], npy[f["fund"]]["rank_interval"]))
    med_diff = max(abs(f["median_rank"] - npy[f["fund"]]["median_rank"]) for f in swf["funds"])
    q_diff = max(abs(a - b) for f in swf["funds"] for a, b in zip(f["score_quantiles"], npy[f["fund"]]["score_quantiles"]))
    print(f"Agreement at {n} samples, {label} (independent random streams): rank intervals differ by at most "
          f"{rank_diff}, median ranks by {med_diff}, score quantiles by {q_diff:.2f} points.")
s = json.load(open(f"{work}/swfscore-sobol-{N}.out"))["sensitivity"]
p = json.load(open(f"{work}/salib-sobol-{N}.out"))["indices"]
print(f"Sobol total-order indices (swfscore vs SALib), {s['evaluations']} and "
      f"{json.load(open(f'{work}/salib-sobol-{N}.out'))['evaluations']} model runs:")
for i in s["indices"]:
    a = i["assumption"]
    print(f"  {a:15s} {i['total_order']:.3f} vs {p[a]['ST']:.3f}   (first order {i['first_order']:.3f} vs {p[a]['S1']:.3f})")
print(f"Most influential: swfscore {s['most_influential']}, SALib {max(p, key=lambda k: p[k]['ST'])}")
EOF
