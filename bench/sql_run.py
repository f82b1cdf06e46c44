#!/usr/bin/env python3
"""Runs `swfscore sql` queries on panel files in DuckDB or PostgreSQL and writes each result as
CSV with every double in its shortest round-trip form, for comparison with `batch --panel`.

    python3 bench/sql_run.py duckdb   --panel NAME=FILE [--panel ...] --job QUERY.sql OUT.csv [--job ...]
    python3 bench/sql_run.py postgres --host SOCKET_DIR --port P --panel NAME=FILE.csv ... --job ...

Each panel file (CSV with a header, or Parquet for DuckDB) is loaded into a table NAME, which
the queries name with `swfscore sql --table NAME`. DuckDB comes from PyPI (`pip install
duckdb`); PostgreSQL is reached with `psql` (the server must be running: the tests start one
on a socket of their own). Each query's own time (without starting Python or loading the
panels) goes to stderr as "QUERY: scored N rows in S s".
"""
import argparse
import csv
import subprocess
import sys
import time


def write_rows(path, cols, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow(["" if v is None else repr(v) if isinstance(v, float) else v for v in r])


def duckdb_run(args, panels):
    import duckdb

    con = duckdb.connect()
    if args.threads:
        con.execute(f"SET threads = {int(args.threads)}")
    for name, path in panels:
        src = path.replace("'", "''")
        reader = (f"read_parquet('{src}')" if path.lower().endswith((".parquet", ".pq"))
                  else f"read_csv('{src}', header = true, all_varchar = true)")
        # A table, as PostgreSQL's: the file is read once, not by every query.
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM {reader}')
    for query, out in args.job:
        t = time.perf_counter()
        rel = con.sql(open(query, encoding="utf-8").read())
        cols, rows = rel.columns, rel.fetchall()
        print(f"{query}: scored {len(rows)} rows in {time.perf_counter() - t:.3f} s", file=sys.stderr)
        write_rows(out, cols, rows)


def postgres_run(args, panels):
    base = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", args.host, "-p", str(args.port), "-U", "postgres"]
    setup = "".join(
        f'DROP TABLE IF EXISTS "{name}";\n'
        f'CREATE TABLE "{name}" (fund text, year text, disclosure text, level text);\n'
        f"\\copy \"{name}\" FROM '{path}' WITH (FORMAT csv, HEADER true)\n"
        for name, path in panels)
    if subprocess.run(base, input=setup, text=True).returncode != 0:
        sys.exit("sql_run.py: loading the panels into PostgreSQL failed (its message is above)")
    # Every query in one session, each result into its own file (`\o`); extra_float_digits = 1
    # (the default since PostgreSQL 12): doubles in shortest round-trip form.
    quoted = lambda path: "'" + path.replace("'", "''") + "'"
    script = "SET extra_float_digits = 1;\n" + "".join(
        f"\\o {quoted(out)}\n"
        f"COPY ({open(query, encoding='utf-8').read().rstrip().rstrip(';')}) TO STDOUT WITH (FORMAT csv, HEADER true);\n"
        for query, out in args.job) + "\\o\n"
    t = time.perf_counter()
    if subprocess.run(base, input=script, text=True).returncode != 0:
        sys.exit("sql_run.py: a query failed in PostgreSQL (its message is above)")
    print(f"{len(args.job)} queries: scored in {time.perf_counter() - t:.3f} s", file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("engine", choices=["duckdb", "postgres"])
    p.add_argument("--panel", action="append", default=[], metavar="NAME=FILE", required=True)
    p.add_argument("--job", action="append", nargs=2, default=[], metavar=("QUERY", "OUT"), required=True)
    p.add_argument("--threads", type=int, help="DuckDB threads (default: all cores)")
    p.add_argument("--host", help="PostgreSQL socket folder or host")
    p.add_argument("--port", type=int, default=5432)
    args = p.parse_args()
    panels = []
    for spec in args.panel:
        name, sep, path = spec.partition("=")
        if not sep or not name:
            p.error(f"--panel {spec}: expected NAME=FILE")
        panels.append((name, path))
    if args.engine == "duckdb":
        duckdb_run(args, panels)
    else:
        postgres_run(args, panels)


if __name__ == "__main__":
    main()
