#!/usr/bin/env bash
# Panel benchmark: `swfscore batch --panel` against a DuckDB peer (bench/panel_peer.py) on
# the same long panel (fund, year, disclosure, level), read from CSV and from Parquet.
# Wall time and peak memory (best of REPEAT runs, /usr/bin/time -v), and whether the two
# outputs agree (same rows in the same order; scores, bounds and category scores within
# 1e-9; ranks and coverage counts equal).
#
#   bash bench/panel.sh                          5,000 funds × 30 years (~6.6 million rows)
#   bash bench/panel.sh --funds 500 --years 10   a quick run
#   RUBRIC=my.yaml PANEL_CSV=p.csv PANEL_PARQUET=p.parquet bash bench/panel.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=${SRC:-$(dirname "$HERE")}
FUNDS=${FUNDS:-5000}
YEARS=${YEARS:-30}
SEED=${SEED:-20260101}
BENCH_DIR=${BENCH_DIR:-/tmp/swfscore-panel-bench}
REPEAT=${REPEAT:-3}
SWFSCORE=${SWFSCORE:-$SRC/target/release/swfscore}
RUBRIC=${RUBRIC:-$SRC/rubric.yaml}
PROFILE=${PROFILE:-}
UNKNOWN=${UNKNOWN:-}
CATALOGUE=${CATALOGUE:-$SRC/disclosures.yaml}
OUT_EXT=${OUT_EXT:-csv}
IDLE_WAIT=${IDLE_WAIT:-60}

die() { echo "panel.sh: error: $*" >&2; exit 2; }
note() { echo "panel.sh: $*" >&2; }

usage() {
    sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    cat <<EOF

Options (or the environment variables in brackets):
  --funds N [FUNDS=$FUNDS]  --years Y [YEARS=$YEARS]  --seed S [SEED=$SEED]
      size of the generated panel, written once to BENCH_DIR=$BENCH_DIR and reused
  --rubric FILE [RUBRIC=$RUBRIC]   --profile ID [PROFILE]   --unknown none|exclude [UNKNOWN]
  --catalogue FILE [CATALOGUE=$CATALOGUE] (the peer reads sensitivity from it)
  --panel-csv FILE [PANEL_CSV], --panel-parquet FILE [PANEL_PARQUET]: your own panel(s);
      give one or both (only the formats given are run); nothing is generated then
  --repeat N [REPEAT=$REPEAT] (the fastest run is kept)
  --swfscore BIN [SWFSCORE=$SWFSCORE]
  OUT_EXT=csv|parquet: the format both tools write (default csv)
  PEER_THREADS=N: DuckDB threads (default: all cores)
  IDLE_WAIT=$IDLE_WAIT: seconds to wait for an idle CPU before each run (then measure anyway, marked *)
A binary without a \`batch\` command is skipped: only the DuckDB peer is timed.
Needs bash, python3 with duckdb, pyarrow, numpy and PyYAML (installed with pip if missing)
and GNU time (installed with apt-get if missing).
EOF
}

while [[ $# -gt 0 ]]; do
    case $1 in
        -h | --help) usage; exit 0 ;;
        --funds) FUNDS=$2; shift 2 ;;
        --years) YEARS=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --rubric) RUBRIC=$2; shift 2 ;;
        --profile) PROFILE=$2; shift 2 ;;
        --unknown) UNKNOWN=$2; shift 2 ;;
        --catalogue) CATALOGUE=$2; shift 2 ;;
        --panel-csv) PANEL_CSV=$2; shift 2 ;;
        --panel-parquet) PANEL_PARQUET=$2; shift 2 ;;
        --repeat) REPEAT=$2; shift 2 ;;
        --swfscore) SWFSCORE=$2; shift 2 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done
for v in FUNDS YEARS REPEAT; do [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v='${!v}' is not a positive integer"; done
[[ $SEED =~ ^[0-9]+$ ]] || die "SEED='$SEED' is not a non-negative integer"
[[ $OUT_EXT == csv || $OUT_EXT == parquet ]] || die "OUT_EXT must be csv or parquet"
[[ -z $UNKNOWN || $UNKNOWN == none || $UNKNOWN == exclude ]] || die "UNKNOWN must be none or exclude"
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
[[ -f $RUBRIC ]] || die "rubric '$RUBRIC' not found"
[[ -f $CATALOGUE ]] || die "catalogue '$CATALOGUE' not found"
RUBRIC=$(abs "$RUBRIC") CATALOGUE=$(abs "$CATALOGUE")

# --- tools --------------------------------------------------------------------
if [[ ! -x /usr/bin/time ]]; then
    note "/usr/bin/time is missing; installing the 'time' package with apt-get"
    sudo=""
    [[ $(id -u) -eq 0 ]] || sudo=sudo
    { $sudo apt-get install -y -q time || { $sudo apt-get update -q && $sudo apt-get install -y -q time; }; } >&2 ||
        die "could not install 'time' (apt-get install time)"
fi
/usr/bin/time -v true 2>/dev/null || die "/usr/bin/time does not accept -v (GNU time is needed)"
if ! python3 -c 'import duckdb, pyarrow, numpy, yaml' 2>/dev/null; then
    note "installing duckdb, pyarrow, numpy and pyyaml with pip"
    python3 -m pip install -q duckdb pyarrow numpy pyyaml >&2 || die "pip install duckdb pyarrow numpy pyyaml failed"
fi

HAVE_BATCH=1
if [[ ! -x $SWFSCORE && $SWFSCORE == "$SRC/target/release/swfscore" ]]; then
    note "building $SWFSCORE (cargo build --release --locked; about 10 minutes from cold)"
    (cd "$SRC" && cargo build --release --locked >&2) || die "cargo build --release failed"
fi
[[ -x $SWFSCORE ]] || die "no swfscore binary at '$SWFSCORE' (cargo build --release, or set SWFSCORE)"
if ! "$SWFSCORE" batch --help >/dev/null 2>&1; then
    HAVE_BATCH=0
    note "warning: $SWFSCORE has no \`batch\` command: timing the DuckDB peer only"
fi

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
if awk -v l="${LOAD0%% *}" 'BEGIN{exit !(l > 0.5)}'; then
    note "warning: load average is $LOAD0 before starting: other processes (a cargo build?) will slow the timings"
fi

mkdir -p "$BENCH_DIR"
RUN=$(mktemp -d "$BENCH_DIR/run.XXXXXX")
cleanup() { rm -f "$RUN"/bin-swfscore "$RUN"/*.best 2>/dev/null || true; }
trap cleanup EXIT
# Time a private copy of the binary, so a rebuild during the run cannot change it.
BIN=$RUN/bin-swfscore
cp "$SWFSCORE" "$BIN"
SHA=$(sha256sum "$SWFSCORE" | cut -c1-12)

# --- panels -------------------------------------------------------------------
FORMATS=() PANELS=()
if [[ -n ${PANEL_CSV:-} || -n ${PANEL_PARQUET:-} ]]; then
    if [[ -n ${PANEL_CSV:-} ]]; then
        [[ -f $PANEL_CSV ]] || die "PANEL_CSV '$PANEL_CSV' not found"
        FORMATS+=(csv) PANELS+=("$(abs "$PANEL_CSV")")
    fi
    if [[ -n ${PANEL_PARQUET:-} ]]; then
        [[ -f $PANEL_PARQUET ]] || die "PANEL_PARQUET '$PANEL_PARQUET' not found"
        FORMATS+=(parquet) PANELS+=("$(abs "$PANEL_PARQUET")")
    fi
    PANEL_DESC="given panels"
else
    dir=$BENCH_DIR/panel-${FUNDS}x${YEARS}-seed-$SEED
    # A set is reused while its stamp (size, seed, digests of the generator and catalogue) matches.
    stamp="$FUNDS $YEARS $SEED $(cat "$HERE/gen_panel.py" "$CATALOGUE" | sha256sum | cut -c1-16)"
    if [[ ! -f $dir/STAMP || $(cat "$dir/STAMP") != "$stamp" || ! -f $dir/panel.csv || ! -f $dir/panel.parquet ]]; then
        note "generating $FUNDS funds × $YEARS years into $dir"
        rm -f "$dir/STAMP"
        python3 "$HERE/gen_panel.py" --funds "$FUNDS" --years "$YEARS" --seed "$SEED" \
            --catalogue "$CATALOGUE" --out "$dir" || die "generating the panel failed"
        echo "$stamp" >"$dir/STAMP"
    fi
    FORMATS=(csv parquet) PANELS=("$dir/panel.csv" "$dir/panel.parquet")
    PANEL_DESC="$FUNDS funds × $YEARS years, seed $SEED"
fi

# --- measurements -------------------------------------------------------------
cpu_busy() { # % of all CPUs used by other processes over 0.5 s
    local a b
    a=$(awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat); sleep 0.5
    b=$(awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN{split(a,x," "); split(b,y," "); t=y[1]-x[1]; printf "%d", (t>0 ? 100*(t-(y[2]-x[2]))/t : 0)}'
}
wait_idle() { # wait up to IDLE_WAIT s for a quiet machine; returns 1 if it never was
    local start=$SECONDS busy
    while busy=$(cpu_busy); ((busy > 25)); do
        if ((SECONDS - start >= IDLE_WAIT)); then
            note "warning: CPU still ${busy}% busy after ${IDLE_WAIT} s; measuring anyway (marked *)"
            return 1
        fi
    done
    return 0
}
# measure NAME OUT CMD...: runs CMD REPEAT times under /usr/bin/time -v; keeps the fastest run's
# "seconds peak-kB busy-mark" in $RUN/NAME.best and its output in OUT. Returns 1 if CMD failed.
measure() {
    local name=$1 out=$2 best="" busy="" r t kb
    shift 2
    for ((r = 0; r < REPEAT; r++)); do
        wait_idle || busy="*"
        rm -f "$out"
        if ! /usr/bin/time -v -o "$RUN/$name.time" "$@" >"$RUN/$name.log" 2>&1; then
            note "$name failed; last lines of its output:"
            tail -n 5 "$RUN/$name.log" | sed 's/^/    /' >&2
            return 1
        fi
        # "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:07.56" -> seconds
        t=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$RUN/$name.time")
        kb=$(awk -F': ' '/Maximum resident set size/{print $2}' "$RUN/$name.time")
        if [[ -z $best ]] || awk -v a="$t" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then
            best="$t $kb"
            cp "$out" "$out.best"
            cp "$RUN/$name.time" "$RUN/$name.time.best"
            cp "$RUN/$name.log" "$RUN/$name.log.best"
        fi
    done
    mv "$out.best" "$out"
    mv "$RUN/$name.time.best" "$RUN/$name.time"  # keep the report of the run that counted
    mv "$RUN/$name.log.best" "$RUN/$name.log"
    echo "$best ${busy:--}" >"$RUN/$name.best"
    note "$name: ${best% *} s, $((${best#* } / 1024)) MB (best of $REPEAT)"
}

# The batch command, with --profile and --disclosures only where given and supported.
BATCH_HELP=$([[ $HAVE_BATCH == 1 ]] && "$BIN" batch --help 2>&1 || true)
batch_args() { # panel out
    local a=(batch --panel "$1" --rubric "$RUBRIC" --output "$2")
    [[ -n $PROFILE ]] && a+=(--profile "$PROFILE")
    [[ -n $UNKNOWN ]] && a+=(--unknown "$UNKNOWN")
    [[ $BATCH_HELP == *--disclosures* ]] && a+=(--disclosures "$CATALOGUE")
    printf '%s\n' "${a[@]}"
}
PEER=(env SWFSCORE="$SWFSCORE" python3 "$HERE/panel_peer.py" --rubric "$RUBRIC" --catalogue "$CATALOGUE")
[[ -n $PROFILE ]] && PEER+=(--profile "$PROFILE")
[[ -n $UNKNOWN ]] && PEER+=(--unknown "$UNKNOWN")
[[ -n ${PEER_THREADS:-} ]] && PEER+=(--threads "$PEER_THREADS")

for i in "${!FORMATS[@]}"; do
    fmt=${FORMATS[$i]} panel=${PANELS[$i]}
    # Count the rows once (this also brings the file into the page cache before timing).
    python3 -c "import duckdb, sys; print(duckdb.sql(\"SELECT count(*) FROM '\" + sys.argv[1] + \"'\").fetchall()[0][0])" \
        "$panel" >"$RUN/rows-$fmt" || die "cannot read $panel"
    swf_ok=0 peer_ok=0
    if [[ $HAVE_BATCH == 1 ]]; then
        mapfile -t args < <(batch_args "$panel" "$RUN/out-swfscore-$fmt.$OUT_EXT")
        (cd "$SRC" && measure "swfscore-$fmt" "$RUN/out-swfscore-$fmt.$OUT_EXT" "$BIN" "${args[@]}") && swf_ok=1
    fi
    measure "duckdb-$fmt" "$RUN/out-duckdb-$fmt.$OUT_EXT" \
        "${PEER[@]}" --panel "$panel" --out "$RUN/out-duckdb-$fmt.$OUT_EXT" && peer_ok=1
    # Agreement of the two outputs.
    if [[ $swf_ok == 1 && $peer_ok == 1 ]]; then
        python3 - "$RUN/out-swfscore-$fmt.$OUT_EXT" "$RUN/out-duckdb-$fmt.$OUT_EXT" >"$RUN/agree-$fmt" <<'PY'
import math, sys
import duckdb

def load(path):
    rel = duckdb.sql(f"SELECT * FROM read_csv('{path}', all_varchar = true)" if path.endswith(".csv")
                     else f"SELECT * FROM read_parquet('{path}')")
    return rel.columns, rel.fetchall()

(ca, a), (cb, b) = load(sys.argv[1]), load(sys.argv[2])
# batch writes more columns after these (estimate, metadata; empty for a panel): compare the peer's.
if ca[:len(cb)] != cb:
    print(f"columns differ: swfscore {ca} vs duckdb {cb}")
    sys.exit()
ca, a = cb, [r[:len(cb)] for r in a]
ints = {"year", "rank", "assessed", "unknown", "not_applicable"}
def val(c, x):
    if x is None or x == "":
        return None
    return int(x) if c in ints else float(x) if c != "fund" else str(x)
ka, kb = [(r[0], str(r[1])) for r in a], [(r[0], str(r[1])) for r in b]
if set(ka) != set(kb):
    only_a, only_b = len(set(ka) - set(kb)), len(set(kb) - set(ka))
    print(f"rows differ: {len(a)} vs {len(b)} ({only_a} only in swfscore, {only_b} only in duckdb)")
    sys.exit()
order = "same order" if ka == kb else "DIFFERENT ORDER"
pb = {k: r for k, r in zip(kb, b)}
bad, worst, shown = 0, 0.0, 0
for k, ra in zip(ka, a):
    rb = pb[k]
    diffs = []
    for c, x, y in zip(ca, ra, rb):
        x, y = val(c, x), val(c, y)
        if c in ints or c == "fund" or x is None or y is None:
            ok = x == y
        else:
            worst = max(worst, abs(x - y))
            ok = abs(x - y) <= 1e-9
        if not ok:
            diffs.append(f"{c}: {x} vs {y}")
    if diffs:
        bad += 1
        if shown < 5:
            print(f"  {k}: " + "; ".join(diffs), file=sys.stderr)
            shown += 1
if bad == 0 and ka == kb:
    print(f"agree ({len(a):,} rows, largest difference {worst:.1e})")
else:
    print(f"{bad:,} of {len(a):,} rows differ ({order}; largest difference {worst:.1e})")
PY
    elif [[ $HAVE_BATCH == 0 ]]; then
        echo "– (no batch)" >"$RUN/agree-$fmt"
    else
        echo "– (a run failed)" >"$RUN/agree-$fmt"
    fi
done

# --- table --------------------------------------------------------------------
echo
echo "swfscore batch --panel vs DuckDB, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GB RAM, best of $REPEAT"
echo "panel: $PANEL_DESC; rubric: $RUBRIC${PROFILE:+, profile $PROFILE}${UNKNOWN:+, unknown: $UNKNOWN}; output: $OUT_EXT"
echo "swfscore: $SWFSCORE (sha256 $SHA…)$([[ $HAVE_BATCH == 0 ]] && echo ", no batch command")"
echo "DuckDB $(python3 -c 'import duckdb; print(duckdb.__version__)') via bench/panel_peer.py, ${PEER_THREADS:-$(nproc)} thread(s); \"DuckDB s\" includes starting Python, \"query s\" is the peer's own timing of its query"
echo "load average at start: $LOAD0; at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
python3 - "$RUN" "${FORMATS[@]}" <<'PY'
import os, sys
run, formats = sys.argv[1], sys.argv[2:]
def best(name):
    p = os.path.join(run, name + ".best")
    if not os.path.exists(p):
        return None
    t, kb, busy = open(p).read().split()
    return float(t), int(kb) / 1024, busy == "*"
def query(name):
    import re
    p = os.path.join(run, name + ".log")
    m = re.search(r"scored in ([0-9.]+) s", open(p).read()) if os.path.exists(p) else None
    return float(m.group(1)) if m else None
def ratio(a, b):
    return "–" if a is None or b is None or b == 0 else f"{a / b:.2f}×"
head = ["format", "panel rows", "swfscore s", "swfscore peak MB", "DuckDB s", "query s", "DuckDB peak MB",
        "DuckDB/swfscore s", "query/swfscore s", "DuckDB/swfscore MB", "agreement"]
rows, contended = [], False
for f in formats:
    s, d, q = best("swfscore-" + f), best("duckdb-" + f), query("duckdb-" + f)
    contended |= bool((s and s[2]) or (d and d[2]))
    cell = lambda v, i, fmt: "–" if v is None else format(v[i], fmt) + ("*" if i == 0 and v[2] else "")
    rows.append([f, f"{int(open(os.path.join(run, 'rows-' + f)).read()):,}",
                 cell(s, 0, ".2f"), cell(s, 1, ".0f"), cell(d, 0, ".2f"),
                 "–" if q is None else f"{q:.2f}", cell(d, 1, ".0f"),
                 ratio(d and d[0], s and s[0]), ratio(q, s and s[0]), ratio(d and d[1], s and s[1]),
                 open(os.path.join(run, "agree-" + f)).read().strip()])
w = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
last = len(head) - 1
line = lambda r: "| " + " | ".join(c.ljust(w[i]) if i in (0, last) else c.rjust(w[i]) for i, c in enumerate(r)) + " |"
print(line(head))
print("|" + "|".join("-" * (w[i] + 2) if i in (0, last) else "-" * (w[i] + 1) + ":" for i in range(len(head))) + "|")
for r in rows:
    print(line(r))
if contended:
    print("\n* measured while other processes kept the CPU busy: the time is inflated")
PY
echo
echo "outputs and /usr/bin/time -v reports: $RUN"
