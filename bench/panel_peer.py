#!/usr/bin/env python3
"""The DuckDB peer of `swfscore batch --panel`: scores every fund-year of a panel with the query
`swfscore sql --dialect duckdb` writes.

    python3 bench/panel_peer.py --panel panel.parquet --rubric rubric.yaml [--profile ID] \\
        [--catalogue disclosures.yaml] [--unknown none|exclude] --out scores.csv

The query is not written here: `swfscore sql` compiles it from the same rubric the engine
scores with (see `swfscore sql --help` for how it keeps the doubles equal). This script makes
the panel file a view named `panel` (read_csv or read_parquet), runs the query and writes the
result with the columns of `swfscore batch`:

    fund, year, score, low, high, rank, <one per category>, assessed, unknown, not_applicable

scores unrounded, rows sorted by year, rank, fund. The binary is $SWFSCORE, else
target/release/swfscore of this checkout. The wall time (after the query was written) goes to
stderr as "scored in S s".
"""

import argparse
import os
import subprocess
import sys
import time

import duckdb

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sql_query(args):
    """The query, from `swfscore sql`."""
    swfscore = os.environ.get("SWFSCORE") or os.path.join(REPO, "target", "release", "swfscore")
    cmd = [swfscore, "sql", "--dialect", "duckdb", "--table", "panel", "--dir", REPO,
           "--rubric", args.rubric, "--disclosures", args.catalogue]
    if args.profile:
        cmd += ["--profile", args.profile]
    if args.unknown:
        cmd += ["--unknown", args.unknown]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"panel_peer.py: {' '.join(cmd)} failed:\n{r.stderr}")
    return r.stdout


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--panel", required=True, help="CSV (with a header) or Parquet: fund, year, disclosure, level")
    p.add_argument("--rubric", default=os.path.join(REPO, "rubric.yaml"),
                   help="rubric file, or a built-in name (lmti, truman, santiago)")
    p.add_argument("--profile", help="a weight profile of the rubric")
    p.add_argument("--catalogue", default=os.path.join(REPO, "disclosures.yaml"),
                   help="disclosure catalogue (for commercial_factor)")
    p.add_argument("--unknown", choices=["none", "exclude"], help="override the rubric's unknown rule")
    p.add_argument("--out", help="output .csv or .parquet")
    p.add_argument("--threads", type=int, help="DuckDB threads (default: all cores)")
    p.add_argument("--print-sql", action="store_true", help="print the query and exit")
    args = p.parse_args()
    if not args.out and not args.print_sql:
        p.error("--out is required")

    query = sql_query(args).rstrip().rstrip(";")
    if args.print_sql:
        print(query)
        return
    t0 = time.perf_counter()
    con = duckdb.connect()
    if args.threads:
        con.execute(f"SET threads = {int(args.threads)}")
    src = "'" + args.panel.replace("'", "''") + "'"
    reader = (f"read_parquet({src})" if args.panel.lower().endswith((".parquet", ".pq"))
              else f"read_csv({src}, header = true, types = {{'fund': 'VARCHAR', 'year': 'INTEGER'}})")
    con.execute(f"CREATE VIEW panel AS SELECT * FROM {reader}")
    fmt = "(FORMAT parquet)" if args.out.lower().endswith(".parquet") else "(FORMAT csv, HEADER)"
    out = "'" + args.out.replace("'", "''") + "'"
    rows = con.execute(f"COPY ({query}) TO {out} {fmt}").fetchone()[0]
    print(f"panel_peer.py: {rows:,} fund-years scored in {time.perf_counter() - t0:.2f} s "
          f"(DuckDB {duckdb.__version__})", file=sys.stderr)


if __name__ == "__main__":
    main()
