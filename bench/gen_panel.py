#!/usr/bin/env python3
"""Writes a synthetic fund-year panel for `swfscore batch --panel` and its DuckDB peer.

    python3 bench/gen_panel.py --funds 5000 --years 30 --seed 1 --out /tmp/swfscore-panel-bench

The panel is a long table `fund, year, disclosure, level` with one row per fund, year and
catalogue disclosure, written twice: DIR/panel.csv and DIR/panel.parquet (same rows, same
order). Levels are drawn independently per row (numpy's PCG64 with the given seed, so the
same seed gives the same files) with the proportions of --mix, by default

    full 35%, partial 20%, none 25%, not_applicable 5%, explicit unknown 5%, row missing 10%

(a missing row reads as `unknown`). Fund ids are f00001, f00002, …; years run up to
--last-year (default 2025). 5,000 funds × 30 years × 49 disclosures is about 6.6 million
rows: about 240 MB of CSV and 4 MB of Parquet, in about 10 s.

With --from-engine BIN the panel is instead the repository's real funds year by year, as
`BIN score --as-of YEAR --format json` sees them under rubric.yaml and every rubrics/*.yaml
(each item's `levels`); --seed then decides which unknown levels are written as explicit
`unknown` rows and which are left out. Used to check the peer against the engine.
"""

import argparse
import glob
import json
import os
import subprocess
import sys
import time

LEVELS = ["full", "partial", "none", "not_applicable", "unknown"]
DEFAULT_MIX = "0.35,0.20,0.25,0.05,0.05,0.10"  # the five levels above, then "row missing"


def catalogue_ids(path):
    """Disclosure ids of a catalogue, in file order."""
    import yaml

    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    ids = [d["id"] for d in doc.get("disclosures", [])]
    if not ids:
        sys.exit(f"gen_panel.py: {path} lists no disclosures")
    return ids


def synthetic(args):
    """The random panel as a pyarrow Table."""
    import numpy as np
    import pyarrow as pa

    discs = catalogue_ids(args.catalogue)
    mix = [float(x) for x in args.mix.split(",")]
    if len(mix) != 6 or any(p < 0 for p in mix) or abs(sum(mix) - 1) > 1e-9:
        sys.exit("gen_panel.py: --mix needs six non-negative shares summing to 1 "
                 "(full, partial, none, not_applicable, unknown, missing)")
    n_f, n_y, n_d = args.funds, args.years, len(discs)
    first = args.last_year - n_y + 1
    rng = np.random.Generator(np.random.PCG64(args.seed))
    # One draw per (fund, year, disclosure) cell, in that order: 0..4 = a level, 5 = no row.
    draw = rng.choice(6, size=n_f * n_y * n_d, p=mix).astype(np.int8)
    keep = np.flatnonzero(draw != 5)
    f_idx = keep // (n_y * n_d)
    y_idx = (keep // n_d) % n_y
    d_idx = keep % n_d
    fund_ids = pa.array([f"f{i + 1:05d}" for i in range(n_f)])
    # Dictionary arrays keep memory small; they are cast to plain strings on write.
    fund = pa.DictionaryArray.from_arrays(pa.array(f_idx.astype(np.int32)), fund_ids)
    disclosure = pa.DictionaryArray.from_arrays(pa.array(d_idx.astype(np.int32)), pa.array(discs))
    level = pa.DictionaryArray.from_arrays(pa.array(draw[keep].astype(np.int32)), pa.array(LEVELS))
    year = pa.array((first + y_idx).astype(np.int32))
    return pa.table({"fund": fund, "year": year, "disclosure": disclosure, "level": level})


def from_engine(args):
    """The real funds, year by year, as the engine reads them, as a pyarrow Table."""
    import random

    import pyarrow as pa

    src = args.src
    rubrics = [os.path.join(src, "rubric.yaml")] + sorted(glob.glob(os.path.join(src, "rubrics", "*.yaml")))
    levels = {}  # (fund, year, disclosure) -> level
    for year in range(args.last_year - args.years + 1, args.last_year + 1):
        for rubric in rubrics:
            out = subprocess.run(
                [args.from_engine, "score", "--dir", src, "--rubric", rubric, "--as-of", str(year), "--format", "json"],
                check=True, capture_output=True, text=True).stdout
            for r in json.loads(out)["results"]:
                if r["status"] != "scored":
                    continue  # not yet established in this year: no rows, not scored
                for item in r["items"]:
                    for d, lv in item["levels"].items():
                        old = levels.setdefault((r["fund"], year, d), lv)
                        if old != lv:
                            sys.exit(f"gen_panel.py: {r['fund']} {year} {d}: {old} and {lv} under two rubrics")
    rng = random.Random(args.seed)
    rows = sorted(k + (v,) for k, v in levels.items())
    # Half the unknowns become missing rows (which must read as unknown too). Keep at least
    # one row per fund-year so every fund-year the engine scored is in the panel.
    kept, seen = [], set()
    for fund, year, d, lv in rows:
        if lv == "unknown" and (fund, year) in seen and rng.random() < 0.5:
            continue
        seen.add((fund, year))
        kept.append((fund, year, d, lv))
    cols = list(zip(*kept))
    return pa.table({"fund": pa.array(cols[0]), "year": pa.array(cols[1], pa.int32()),
                     "disclosure": pa.array(cols[2]), "level": pa.array(cols[3])})


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    src = os.path.dirname(here)
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--funds", type=int, default=5000)
    p.add_argument("--years", type=int, default=30)
    p.add_argument("--last-year", type=int, default=2025)
    p.add_argument("--seed", type=int, default=20260101)
    p.add_argument("--out", required=True, help="folder for panel.csv and panel.parquet")
    p.add_argument("--catalogue", default=os.path.join(src, "disclosures.yaml"))
    p.add_argument("--mix", default=DEFAULT_MIX, help="shares of full,partial,none,not_applicable,unknown,missing")
    p.add_argument("--from-engine", metavar="BIN", help="panel of the real funds from `BIN score --as-of`")
    p.add_argument("--src", default=src, help="project folder for --from-engine (funds/, rubric.yaml, rubrics/)")
    args = p.parse_args()
    if args.funds < 1 or args.years < 1:
        sys.exit("gen_panel.py: --funds and --years must be at least 1")

    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    t0 = time.time()
    table = from_engine(args) if args.from_engine else synthetic(args)
    # Plain strings on disk: the readers see ordinary string columns.
    table = table.cast(pa.schema([("fund", pa.string()), ("year", pa.int32()),
                                  ("disclosure", pa.string()), ("level", pa.string())]))
    os.makedirs(args.out, exist_ok=True)
    # Write to temporary names and rename, so an interrupted run leaves no half file behind.
    csv_path, pq_path = os.path.join(args.out, "panel.csv"), os.path.join(args.out, "panel.parquet")
    opts = pcsv.WriteOptions(quoting_style="none", quoting_header="none", batch_size=65536)
    pcsv.write_csv(table, csv_path + ".tmp", opts)
    pq.write_table(table, pq_path + ".tmp", compression="zstd", row_group_size=1 << 20)
    os.replace(csv_path + ".tmp", csv_path)
    os.replace(pq_path + ".tmp", pq_path)
    print(f"gen_panel.py: {table.num_rows:,} rows ({args.funds if not args.from_engine else 'real'} funds × "
          f"{args.years} years) → {csv_path} ({os.path.getsize(csv_path) / 1e6:.0f} MB), "
          f"{pq_path} ({os.path.getsize(pq_path) / 1e6:.1f} MB) in {time.time() - t0:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
