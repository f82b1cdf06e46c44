#!/usr/bin/env python3
"""`swfscore sql --dialect spark` on PySpark in local mode, beside `swfscore batch --panel` and
the DuckDB query, on the same panel: wall times and agreement, in one run.

    python3 bench/sql_spark.py [--panel FILE.parquet|FILE.csv] [--repeat N] [--swfscore BIN]

Without --panel, the panel of `bench/panel.sh` is used (5,000 funds × 30 years, about 6.6
million rows, generated with bench/gen_panel.py into /tmp/swfscore-panel-bench if missing).
Each engine scores the whole panel and its result is compared with `batch --panel`'s: the same
rows in the same order, numbers within 1e-9, ranks and counts equal.

Times (best of --repeat, default 3):
- swfscore: the whole `batch --panel FILE -o OUT.csv` process;
- DuckDB: the query on a view of the file, collected into Python (the session already open);
- Spark: the query on a temporary view of the file, collected into Python (the session
  already open; starting the JVM and the session is reported apart).

Needs pyspark (PyPI; Spark 4 needs Java 17 or later: Debian's openjdk-17-jre-headless), duckdb,
pyarrow. Spark runs `local[N]` with N = the machine's cores and its web UI off.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def rows_of(cols, rows):
    return cols, [["" if v is None else repr(v) if isinstance(v, float) else str(v) for v in r] for r in rows]


def read_csv(path):
    with open(path, newline="") as f:
        r = csv.reader(f)
        head = next(r)
        return head, list(r)


def agree(batch, other):
    """'agree (N rows, largest difference D)' or what differs."""
    (bh, brows), (oh, orows) = batch, other
    if bh[: len(oh)] != oh:
        return f"columns differ: {oh}"
    if len(brows) != len(orows):
        return f"{len(orows)} rows, batch has {len(brows)}"
    exact = {"fund", "year", "rank", "assessed", "unknown", "not_applicable"}
    worst, bad = 0.0, 0
    for b, o in zip(brows, orows):
        for c, name in enumerate(oh):
            x, y = b[c], o[c]
            if name in exact or x == "" or y == "":
                bad += x != y
            else:
                d = abs(float(x) - float(y))
                worst = max(worst, d)
                bad += d > 1e-9
    return f"agree ({len(brows):,} rows, largest difference {worst:.1e})" if bad == 0 else f"{bad} values differ"


def best(repeat, run):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - t)
    return min(times), out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--panel", help="Parquet or CSV panel [default: bench/panel.sh's generated one]")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--swfscore", default=os.environ.get("SWFSCORE") or os.path.join(REPO, "target/release/swfscore"))
    args = p.parse_args()

    panel = args.panel
    if panel is None:
        d = "/tmp/swfscore-panel-bench/panel-5000x30-seed-20260101"
        panel = os.path.join(d, "panel.parquet")
        if not os.path.exists(panel):
            subprocess.run([sys.executable, os.path.join(HERE, "gen_panel.py"), "--funds", "5000", "--years", "30",
                            "--seed", "20260101", "--catalogue", os.path.join(REPO, "disclosures.yaml"), "--out", d],
                           check=True)
    parquet = panel.lower().endswith((".parquet", ".pq"))
    tmp = tempfile.mkdtemp(prefix="swfscore-spark-")

    def sql(dialect):
        return subprocess.run([args.swfscore, "sql", "--dir", REPO, "--dialect", dialect, "--table", "panel"],
                              check=True, capture_output=True, text=True).stdout

    # swfscore batch --panel
    out = os.path.join(tmp, "batch.csv")
    t_swf, _ = best(args.repeat, lambda: subprocess.run(
        [args.swfscore, "batch", "--dir", REPO, "--panel", panel, "-o", out], check=True, capture_output=True))
    batch = read_csv(out)

    # DuckDB
    import duckdb
    con = duckdb.connect()
    src = panel.replace("'", "''")
    con.execute("CREATE VIEW panel AS SELECT * FROM " + (f"read_parquet('{src}')" if parquet else
                f"read_csv('{src}', header = true, all_varchar = true)"))
    q = sql("duckdb")
    t_duck, res = best(args.repeat, lambda: (lambda r: (r.columns, r.fetchall()))(con.sql(q)))
    duck = rows_of(*res)
    rows = con.execute("SELECT count(*) FROM panel").fetchall()[0][0]

    # Spark
    from pyspark.sql import SparkSession
    t = time.perf_counter()
    spark = (SparkSession.builder.master(f"local[{os.cpu_count()}]").appName("swfscore-sql")
             .config("spark.ui.enabled", "false").config("spark.driver.memory", "4g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    t_start = time.perf_counter() - t
    reader = spark.read.parquet(panel) if parquet else spark.read.option("header", True).csv(panel)
    reader.createOrReplaceTempView("panel")
    qs = sql("spark")
    t_spark, res = best(args.repeat, lambda: (lambda df: (df.columns, df.collect()))(spark.sql(qs)))
    sparked = rows_of(res[0], [tuple(r) for r in res[1]])
    version = spark.version
    spark.stop()

    print(f"swfscore sql: {rows:,} panel rows ({os.path.basename(panel)}), {os.cpu_count()} cores, best of {args.repeat}, "
          f"{time.strftime('%Y-%m-%d', time.gmtime())}")
    print(f"DuckDB {duckdb.__version__}, Spark {version} (local[{os.cpu_count()}], session start {t_start:.1f} s, not counted)")
    print()
    print("| engine | wall s | / swfscore | agreement with batch --panel |")
    print("|---|---:|---:|---|")
    print(f"| swfscore batch --panel (whole process) | {t_swf:.2f} | 1.0× | – |")
    print(f"| DuckDB, swfscore sql --dialect duckdb | {t_duck:.2f} | {t_duck / t_swf:.1f}× | {agree(batch, duck)} |")
    print(f"| Spark, swfscore sql --dialect spark | {t_spark:.2f} | {t_spark / t_swf:.1f}× | {agree(batch, sparked)} |")


if __name__ == "__main__":
    main()
