#!/usr/bin/env bash
# Scale benchmark for swfscore: time and peak memory of the main commands on
# synthetic data sets of 1,500 and 15,000 funds (QUICK=1: 150 and 1,500).
#
#   bash bench/scale.sh [[LABEL=]BINARY ...]
#
# Default binary: target/release/swfscore of this checkout. Give two (e.g.
# before=/tmp/swf-before-target/release/swfscore after=target/release/swfscore)
# to print them side by side with a ratio column. See bench/README.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=${SRC:-$(dirname "$HERE")}
SEED=${SEED:-20260101}
BENCH_DIR=${BENCH_DIR:-/tmp/swfscore-bench}
REPEAT=${REPEAT:-1}
if [[ -n ${SIZES:-} ]]; then
    read -r -a SIZES <<<"$SIZES"
elif [[ ${QUICK:-0} == 1 ]]; then
    SIZES=(150 1500)
else
    SIZES=(1500 15000)
fi
COMMANDS=(validate score history compare-rubrics report)

die() { echo "scale.sh: error: $*" >&2; exit 2; }
note() { echo "scale.sh: $*" >&2; }

usage() {
    sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    cat <<EOF

Environment: QUICK=1 (150 and 1,500 funds), SIZES="N1 N2" (any sizes, the first is
the base of the growth factor), SEED=$SEED, BENCH_DIR=$BENCH_DIR (data sets are
generated there and reused), REPEAT=$REPEAT (runs per measurement; the fastest is kept),
IDLE_WAIT=120 (seconds to wait for an idle CPU before each run; then measure anyway, marked *),
SRC=$SRC (where funds/, disclosures.yaml, rubric.yaml and rubrics/ are copied from).
EOF
}

case ${1:-} in -h | --help) usage; exit 0 ;; esac
[[ ${#SIZES[@]} -ge 1 ]] || die "SIZES is empty"
for n in "${SIZES[@]}"; do [[ $n =~ ^[1-9][0-9]*$ ]] || die "size '$n' is not a positive integer"; done
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || die "REPEAT='$REPEAT' is not a positive integer"
[[ $SEED =~ ^[0-9]+$ ]] || die "SEED='$SEED' is not a non-negative integer"

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
if awk -v l="${LOAD0%% *}" 'BEGIN{exit !(l > 0.5)}'; then
    note "warning: load average is $LOAD0 before starting: other processes (a cargo build?) will slow the timings"
fi

# --- binaries -----------------------------------------------------------------
[[ $# -gt 0 ]] || set -- "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/target/release/swfscore"
LABELS=() BINS=() ORIG_BINS=() LEGACY=()
i=0
for arg in "$@"; do
    i=$((i + 1))
    if [[ $arg == *=* && ${arg%%=*} != */* ]]; then
        label=${arg%%=*} bin=${arg#*=}
    else
        label=$([[ $# -eq 1 ]] && echo swfscore || echo "bin$i") bin=$arg
    fi
    [[ -n $label && $label != *[[:space:]\|]* ]] || die "bad label '$label' (no spaces or |)"
    [[ -f $bin && -x $bin ]] || die "binary '$bin' not found or not executable (build it first: cargo build --release)"
    bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
    # Binaries from before `known_since:` existed reject the key (unknown field):
    # give them a copy of the data with `known_since:` written as `since:`.
    if "$bin" schema fund 2>/dev/null | grep -q known_since; then legacy=0; else legacy=1; fi
    for l in "${LABELS[@]}"; do [[ $l != "$label" ]] || die "label '$label' is given twice"; done
    LABELS+=("$label") BINS+=("$bin") ORIG_BINS+=("$bin") LEGACY+=("$legacy")
done

# --- tools --------------------------------------------------------------------
if [[ ! -x /usr/bin/time ]]; then
    note "/usr/bin/time is missing; installing the 'time' package with apt-get"
    sudo=""
    [[ $(id -u) -eq 0 ]] || sudo=sudo
    $sudo apt-get install -y -q time >&2 || die "could not install 'time' (apt-get install time); install it and re-run"
fi
/usr/bin/time -f '%e %M' true 2>/dev/null || die "/usr/bin/time does not accept -f (GNU time is needed)"
python3 -c 'import yaml' 2>/dev/null || die "python3 with PyYAML is needed for the generator (pip install pyyaml)"
[[ -d $SRC/funds && -f $SRC/disclosures.yaml && -f $SRC/rubric.yaml ]] ||
    die "SRC=$SRC does not hold funds/, disclosures.yaml and rubric.yaml"

mkdir -p "$BENCH_DIR"
RUN=$(mktemp -d "$BENCH_DIR/run.XXXXXX")
# Time a private copy of each binary, so a rebuild during the run (cargo in the
# source tree) cannot mix two versions into one table.
SHAS=()
for b in "${!BINS[@]}"; do
    cp "${BINS[$b]}" "$RUN/bin-${LABELS[$b]}"
    SHAS+=("$(sha256sum "${BINS[$b]}" | cut -c1-12)")
    BINS[b]=$RUN/bin-${LABELS[$b]}
done
RESULTS=$RUN/results.tsv
: >"$RESULTS"
cleanup() { rm -rf "$RUN"/report.* "$RUN"/bin-* 2>/dev/null || true; }
trap cleanup EXIT

dataset() { # size legacy -> path
    local dir="$BENCH_DIR/funds-$1-seed-$SEED"
    [[ $2 == 1 ]] && dir+="-legacy"
    echo "$dir"
}

# --- data sets ----------------------------------------------------------------
declare -A CHECKED=()
for n in "${SIZES[@]}"; do
    for b in "${!BINS[@]}"; do
        dir=$(dataset "$n" "${LEGACY[$b]}")
        if [[ -z ${CHECKED[$dir]:-} ]]; then
            gen=(python3 "$HERE/gen_funds.py" --src "$SRC" --out "$dir" --funds "$n" --seed "$SEED")
            [[ ${LEGACY[$b]} == 1 ]] && gen+=(--legacy)
            "${gen[@]}" || die "generating $n funds into $dir failed"
            CHECKED[$dir]=1
        fi
        # Check the set validates for this binary (this also warms the page cache,
        # so no timed command pays for reading the files from disk).
        log=$RUN/validate-check-${LABELS[$b]}-$n.log
        if ! "${BINS[$b]}" validate --dir "$dir" >"$log" 2>&1; then
            tail -n 20 "$log" >&2
            die "${LABELS[$b]}: 'validate --dir $dir' failed on the generated data (full output: $log)"
        fi
        warns=$(grep -oE '[0-9]+ warning\(s\)' "$log" | tail -n 1 || true)
        note "${LABELS[$b]}: $n funds validate (${warns:-no warnings reported}): $dir"
    done
done

# --- measurements -------------------------------------------------------------
FAILED=0 CONTENDED=0
IDLE_WAIT=${IDLE_WAIT:-120}
cpu_busy() { # % of all CPUs used by other processes over 0.5 s
    local a b
    a=$(awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat); sleep 0.5
    b=$(awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN{split(a,x," "); split(b,y," "); t=y[1]-x[1]; printf "%d", (t>0 ? 100*(t-(y[2]-x[2]))/t : 0)}'
}
wait_idle() { # wait up to IDLE_WAIT s for the machine to be quiet; returns 1 if it never was
    local start=$SECONDS busy
    while busy=$(cpu_busy); ((busy > 25)); do
        if ((SECONDS - start >= IDLE_WAIT)); then
            note "warning: CPU still ${busy}% busy after ${IDLE_WAIT} s of waiting; measuring anyway (marked *)"
            return 1
        fi
        ((SECONDS - start > 0 && (SECONDS - start) % 30 == 0)) && note "waiting for the CPU to be idle (${busy}% busy)…"
    done
    return 0
}
measure() { # label bin dir size command -> appends a row to RESULTS
    local label=$1 bin=$2 dir=$3 n=$4 cmd=$5 best="" busy="" r t m rc out err tf args
    tf=$RUN/time.out err=$RUN/stderr.log
    for ((r = 0; r < REPEAT; r++)); do
        out=""
        case $cmd in
            history) read -r -a ids <"$dir/HISTORY_IDS"; args=(history "${ids[@]}" --dir "$dir") ;;
            report) out=$(mktemp -d "$RUN/report.XXXXXX"); args=(report --dir "$dir" --out "$out") ;;
            *) args=("$cmd" --dir "$dir") ;;
        esac
        wait_idle || busy="*"
        rc=0
        /usr/bin/time -f '%e %M' -o "$tf" "$bin" "${args[@]}" >/dev/null 2>"$err" || rc=$?
        [[ -n $out ]] && rm -rf "$out"
        if [[ $rc -ne 0 ]]; then
            note "$label: '$cmd' on $n funds exited with status $rc; last lines of stderr:"
            tail -n 5 "$err" | sed 's/^/    /' >&2
            printf '%s\t%s\t%s\tFAIL\t%s\t\n' "$label" "$n" "$cmd" "$rc" >>"$RESULTS"
            FAILED=1
            return 0
        fi
        read -r t m < <(tail -n 1 "$tf")
        if [[ -z $best ]] || awk -v a="$t" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then best="$t $m"; fi
    done
    note "$label: $cmd, $n funds: ${best% *} s, $(awk -v k="${best#* }" 'BEGIN{printf "%.0f", k/1024}') MB"
    [[ -n $busy ]] && CONTENDED=1
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$n" "$cmd" "${best% *}" "${best#* }" "$busy" >>"$RESULTS"
}

for n in "${SIZES[@]}"; do
    for cmd in "${COMMANDS[@]}"; do
        for b in "${!BINS[@]}"; do
            measure "${LABELS[$b]}" "${BINS[$b]}" "$(dataset "$n" "${LEGACY[$b]}")" "$n" "$cmd"
        done
    done
done

# --- table --------------------------------------------------------------------
echo
echo "swfscore scale benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GB RAM, seed $SEED, best of $REPEAT"
echo "load average at start: $LOAD0; at end: $(cut -d' ' -f1-3 /proc/loadavg)"
for b in "${!BINS[@]}"; do
    echo "  ${LABELS[$b]} = ${ORIG_BINS[$b]} (sha256 ${SHAS[$b]}…)$([[ ${LEGACY[$b]} == 1 ]] && echo ", data with known_since: written as since:")"
done
echo
python3 - "$RESULTS" "${SIZES[*]}" "${COMMANDS[*]}" "${LABELS[@]}" <<'PY'
import sys
path, sizes, commands, labels = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4:]
res, contended = {}, set()
for line in open(path):
    label, n, cmd, t, m, busy = line.rstrip("\n").split("\t")
    res[label, n, cmd] = None if t == "FAIL" else (float(t), float(m) / 1024)
    if busy:
        contended.add((label, n, cmd))

def ratio(a, b):
    return "–" if a is None or b is None or b <= 0 else f"{a / b:.2f}×"

def num(x, fmt):
    return "FAIL" if x is None else format(x, fmt)

head = ["command", "funds"]
for l in labels:
    p = f"{l} " if len(labels) > 1 else ""
    head += [f"{p}s", f"{p}peak MB", f"{p}s/score", f"{p}MB/score"]
for l in labels[1:]:
    head += [f"{l}/{labels[0]} s", f"{l}/{labels[0]} MB"]
rows = []
for cmd in commands:
    for n in sizes:
        row = [cmd, f"{int(n):,}"]
        for l in labels:
            v, s = res.get((l, n, cmd)), res.get((l, n, "score"))
            row += [num(v and v[0], ".2f") + ("*" if (l, n, cmd) in contended else ""), num(v and v[1], ".1f"),
                    ratio(v and v[0], s and s[0]), ratio(v and v[1], s and s[1])]
        base = res.get((labels[0], n, cmd))
        for l in labels[1:]:
            v = res.get((l, n, cmd))
            row += [ratio(v and v[0], base and base[0]), ratio(v and v[1], base and base[1])]
        rows.append(row)
    if len(sizes) > 1:
        a, z = sizes[0], sizes[-1]
        row = [cmd, f"growth {int(a):,}→{int(z):,}"]
        for l in labels:
            va, vz = res.get((l, a, cmd)), res.get((l, z, cmd))
            row += [ratio(vz and vz[0], va and va[0]), ratio(vz and vz[1], va and va[1]), "", ""]
        row += [""] * (2 * (len(labels) - 1))
        rows.append(row)
w = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
def line(r):
    return "| " + " | ".join(c.ljust(w[i]) if i < 2 else c.rjust(w[i]) for i, c in enumerate(r)) + " |"
if contended:
    print("* measured while other processes kept the CPU busy (after waiting IDLE_WAIT s): the time is inflated\n")
print(line(head))
print("|" + "|".join(("-" * (w[i] + 2)) if i < 2 else ("-" * (w[i] + 1) + ":") for i in range(len(head))) + "|")
for r in rows:
    print(line(r))
if len(sizes) > 1:
    f = int(sizes[-1]) / int(sizes[0])
    print(f"\ngrowth = value at {int(sizes[-1]):,} funds / value at {int(sizes[0]):,} funds ({f:g}× input: linear is about {f:g}×); "
          "s/score, MB/score = this command / `score` on the same data; times below ~0.05 s are at /usr/bin/time's 0.01 s resolution.")
PY
echo
echo "raw results: $RESULTS"
if [[ $FAILED == 1 ]]; then
    note "some commands failed (FAIL in the table); see the messages above"
    exit 1
fi
