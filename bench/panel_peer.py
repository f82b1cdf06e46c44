#!/usr/bin/env python3
"""The DuckDB peer of `swfscore batch --panel`: scores every fund-year of a panel.

    python3 bench/panel_peer.py --panel panel.parquet --rubric rubric.yaml [--profile ID] \\
        [--catalogue disclosures.yaml] [--unknown none|exclude] --out scores.csv

The rubric is read here, in Python, into small tables (categories; items with weight, rule
and credits, already resolved from the rubric's and the item's `levels`, the profile's
weights and `commercial_factor`; and the disclosures each item reads). From them one SQL query
is written out (see it with --print-sql) that reads the panel file directly (read_csv or
read_parquet), scores every fund-year in one pass and writes the result, with the columns of
`swfscore batch`:

    fund, year, score, low, high, rank, <one per category>, assessed, unknown, not_applicable

scores unrounded, rows sorted by year, rank, fund.

Why written out rather than a fixed query joining the rubric tables: swfscore adds its sums
in rubric order, and floating-point addition depends on order; to get the same doubles (so
that the rank, on the score rounded to 0.1, ties and rounds the same way) every sum is spelt
out left to right. The fixed relational query (ordered list aggregates, or nested lambdas)
gave the same bits but took 30-60 s on 6.6 million rows instead of about 3.

Assumes at most one row per (fund, year, disclosure). A level other than full, partial, none
or not_applicable counts as unknown. The wall time goes to stderr.
"""

import argparse
import os
import re
import sys
import time

import duckdb
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# --- the rubric ------------------------------------------------------------------------------

class Yaml12Loader(yaml.SafeLoader):
    """PyYAML with YAML 1.2 booleans (swfscore's parser is YAML 1.2): `no`, `yes`, `on` and
    `off` stay strings, so they can be ids."""


Yaml12Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=Yaml12Loader)


def num(x, what):
    """A number from the YAML (PyYAML reads `1e3`, without a dot, as a string)."""
    try:
        if isinstance(x, bool):
            raise ValueError
        return float(x)
    except (TypeError, ValueError):
        sys.exit(f"panel_peer.py: {what} is not a number: {x!r}")


def credits(base, override, what):
    """`levels: {full, partial, none}` over `base`, as in validate.rs `credits`."""
    c = dict(base)
    for k, v in (override or {}).items():
        if k not in c:
            sys.exit(f"panel_peer.py: {what}: unknown level `{k}` in `levels`")
        c[k] = num(v, f"{what} credit for {k}")
    return c


def item_rule(item):
    """(aggregate, disclosures) of an item, with validate.rs's precedence:
    all_of, any_of, mean_of, disclosure, else the item id."""
    for key, agg in (("all_of", "min"), ("any_of", "max"), ("mean_of", "mean")):
        if item.get(key) is not None:
            return agg, [str(d) for d in item[key]]
    return "min", [str(item.get("disclosure") if item.get("disclosure") is not None else item["id"])]


def load_model(rubric_path, catalogue_path, profile_id=None, unknown=None):
    """The rubric as small tables: what swfscore's `validate::rubric` and `with_profile` make."""
    r = load_yaml(rubric_path)
    catalogue = load_yaml(catalogue_path).get("disclosures") or []
    sensitivity = {str(d["id"]): d.get("sensitivity", "none") for d in catalogue}
    scale = num(r["scale"], "scale")
    floor = num(r["floor"], "floor") if r.get("floor") is not None else 0.0
    unknown = unknown or r.get("unknown") or "none"
    if unknown not in ("none", "exclude"):
        sys.exit(f"panel_peer.py: unknown rule `{unknown}` (none or exclude)")
    base = credits({"full": 1.0, "partial": 0.5, "none": 0.0}, r.get("levels"), "rubric")

    profile = None
    if profile_id:
        profile = next((p for p in r.get("profiles") or [] if p["id"] == profile_id), None)
        if profile is None:
            known = ", ".join(p["id"] for p in r.get("profiles") or []) or "none"
            sys.exit(f"panel_peer.py: the rubric has no profile `{profile_id}` (it has: {known})")
    p_cats = {str(k): num(v, f"profile weight {k}") for k, v in ((profile or {}).get("categories") or {}).items()}
    p_items = {str(k): num(v, f"profile weight {k}") for k, v in ((profile or {}).get("items") or {}).items()}
    factor = (profile or {}).get("commercial_factor")
    factor = None if factor is None else num(factor, "commercial_factor")

    cats, items, item_discs = [], [], []
    for c in r["categories"]:
        cid = str(c["id"])
        cats.append((len(cats), cid, p_cats.get(cid, num(c["weight"], f"category {cid} weight"))))
        for i in c.get("items") or []:
            iid = str(i["id"])
            agg, discs = item_rule(i)
            for d in discs:
                if d not in sensitivity:
                    print(f"panel_peer.py: warning: item `{iid}` reads `{d}`, not in {catalogue_path}", file=sys.stderr)
            w = num(i["weight"], f"item {iid} weight") if i.get("weight") is not None else 1.0
            if iid in p_items:
                w = p_items[iid]
            elif factor is not None and all(sensitivity.get(d) == "commercial" for d in discs):
                w *= factor
            cr = credits(base, i.get("levels"), f"item {iid}")
            lo = min(cr["none"], cr["partial"], cr["full"])
            hi = max(cr["none"], cr["partial"], cr["full"])
            # c_unknown: an unknown's credit in the scored pass; NULL = it drops out (exclude).
            c_unknown = cr["none"] if unknown == "none" else None
            k = len(items)
            items.append((k, iid, len(cats) - 1, w, agg, cr["full"], cr["partial"], cr["none"], c_unknown, lo, hi))
            item_discs += [(k, pos, d) for pos, d in enumerate(discs)]
    return {"floor": floor, "scale": scale, "cats": cats, "items": items, "item_discs": item_discs}


# --- the query -------------------------------------------------------------------------------

def lit(x):
    """A DOUBLE literal. DuckDB reads a plain `0.4` as a DECIMAL, and DECIMAL arithmetic is exact,
    not f64 as in swfscore; `0.4e0` is a DOUBLE, parsed to the same double as Python's 0.4."""
    r = repr(float(x))
    return r if "e" in r else r + "e0"


def ident(*parts):
    return '"' + ":".join(parts).replace('"', '""') + '"'


def reader(path):
    quoted = "'" + path.replace("'", "''") + "'"
    if path.lower().endswith((".parquet", ".pq")):
        return f"read_parquet({quoted})"
    return f"read_csv({quoted}, header = true, types = {{'fund': 'VARCHAR', 'year': 'INTEGER'}})"


PASSES = ("s", "lo", "hi")  # as scored; every unknown at its item's lowest / highest credit
LEVELS = ("full", "partial", "none", "not_applicable")


def fold(terms, start):
    """Left-to-right sum `((start + t1) + t2) + …`: the order swfscore's loops add in, so the
    doubles come out identical. A term that does not count is coalesced to + 0.0, which leaves
    a double unchanged, as skipping it does."""
    out = start
    for t in terms:
        out = f"({out} + coalesce({t}, 0.0e0))"
    return out


def scoring_query(panel_path, m):
    """The one query, written out from the rubric's tables: one column per rubric disclosure
    (its level), then per item, per category and per fund-year, in each of the three passes."""
    discs = sorted({d for _, _, d in m["item_discs"]})
    bit = {d: (i // 64, i % 64) for i, d in enumerate(discs)}  # (mask word, bit in it)
    words = range((len(discs) + 63) // 64)
    sql = []

    # 1. The rubric's disclosures and where each sits in the level masks.
    values = ", ".join("('" + d.replace("'", "''") + f"', {w}, {b})" for d, (w, b) in bit.items())
    sql.append(f"""-- 1. The rubric's distinct disclosures, each with a bit in the per-level masks.
rubric_disclosures(disclosure, word, bit) AS (VALUES {values})""")

    # 2. One pass over the panel file, grouped by fund-year.
    masks = ",\n           ".join(
        f"bit_or(CAST(1 AS UBIGINT) << bit) FILTER (WHERE level = '{lv}' AND word = {w}) AS {lv}_{w}"
        for lv in LEVELS for w in words)
    sql.append(f"""-- 2. One pass over the panel: every fund-year with at least one row, and per level the
--    set of its rubric disclosures at that level, as bit masks (in no set = unknown).
fund_years AS (
    SELECT CAST(fund AS VARCHAR) AS fund, CAST(year AS INTEGER) AS year,
           {masks}
    FROM {reader(panel_path)} LEFT JOIN rubric_disclosures USING (disclosure)
    GROUP BY ALL
)""")

    # 3. The level of each rubric disclosure, one column each.
    def level_of(d):
        w, b = bit[d]
        whens = " ".join(f"WHEN ({lv}_{w} >> {b}) & 1 = 1 THEN '{lv}'" for lv in LEVELS)
        return f"CASE {whens} ELSE 'unknown' END AS {ident('level', d)}"
    count = lambda lvs: " + ".join(f"coalesce(bit_count({lv}_{w}), 0)" for lv in lvs for w in words)
    cols = ",\n           ".join(level_of(d) for d in discs)
    sql.append(f"""-- 3. Each rubric disclosure's level; coverage counts (assessed = full, partial or none).
levels AS (
    SELECT fund, year,
           {cols},
           CAST({count(LEVELS[:3])} AS INTEGER) AS assessed,
           CAST({count(LEVELS[3:])} AS INTEGER) AS not_applicable
    FROM fund_years
)""")

    # 4. Item credits. A disclosure's credit is NULL (drops out) when not_applicable, and when
    #    unknown under `unknown: exclude` in the scored pass.
    reads = {}
    for k, _, d in m["item_discs"]:
        reads.setdefault(k, []).append(d)
    cols = []
    for (k, iid, _, _, agg, c_full, c_partial, c_none, c_unknown, c_lo, c_hi) in m["items"]:
        for p, unk in zip(PASSES, (c_unknown, c_lo, c_hi)):
            unk = "NULL" if unk is None else lit(unk)
            cs = [f"CASE {ident('level', d)} WHEN 'full' THEN {lit(c_full)} WHEN 'partial' THEN {lit(c_partial)} "
                  f"WHEN 'none' THEN {lit(c_none)} WHEN 'unknown' THEN {unk} END" for d in reads[k]]
            if len(cs) == 1:
                e = cs[0]
            elif agg == "min":  # least/greatest skip NULLs; NULL only when all are
                e = "least(\n               " + ",\n               ".join(cs) + ")"
            elif agg == "max":
                e = "greatest(\n               " + ",\n               ".join(cs) + ")"
            else:  # mean of what is left, added in list order
                e = (fold(cs, "0.0e0") + "\n             / nullif("
                     + " + ".join(f"CAST(({c}) IS NOT NULL AS INTEGER)" for c in cs) + ", 0)")
            cols.append(f"{e} AS {ident(p, iid)}")
    cols = ",\n           ".join(cols)
    sql.append(f"""-- 4. Item credits in the three passes (s = as scored, lo / hi = every unknown at the
--    item's lowest / highest credit): min (one disclosure, all_of), max (any_of) or mean
--    (mean_of) of its disclosures' credits; not_applicable, and unknown under
--    `unknown: exclude`, drop out (NULL); NULL when nothing is left (the item does not count).
items AS (
    SELECT fund, year, assessed, not_applicable,
           {cols}
    FROM levels
)""")

    # 5. Category scores S = Σ w·c / Σ w over counted items, in [0, 1]; NULL when none counts.
    cols = []
    for (ck, cid, _) in m["cats"]:
        its = [(iid, w) for (_, iid, c, w, *_r) in m["items"] if c == ck]
        for p in PASSES:
            num = fold([f"{lit(w)} * {ident(p, iid)}" for iid, w in its], "0.0e0")
            den = fold([f"CASE WHEN {ident(p, iid)} IS NOT NULL THEN {lit(w)} END" for iid, w in its], "0.0e0")
            cols.append(f"{num}\n             / nullif({den}, 0.0e0) AS {ident(p, cid)}")
    cols = ",\n           ".join(cols)
    sql.append(f"""-- 5. Category scores S = Σ w·c / Σ w over the counted items (in [0, 1]; NULL when none counts).
categories AS (
    SELECT fund, year, assessed, not_applicable,
           {cols}
    FROM items
)""")

    # 6. Fund scores.
    floor, span = lit(m["floor"]), lit(m["scale"] - m["floor"])
    totals, scores = [], []
    for p, name in zip(PASSES, ("score", "low", "high")):
        tw = fold([f"CASE WHEN {ident(p, cid)} IS NOT NULL THEN {lit(w)} END" for _, cid, w in m["cats"]], "0.0e0")
        totals.append(f"{tw} AS {ident('total', p)}")
        terms = [f"{span} * ({lit(w)} / {ident('total', p)}) * {ident(p, cid)}" for _, cid, w in m["cats"]]
        scores.append(f"{fold(terms, floor)} AS {name}")
    cat_cols = ",\n           ".join(f"{floor} + {span} * {ident('s', cid)} AS {ident(cid)}" for _, cid, _ in m["cats"])
    totals, scores = ",\n           ".join(totals), ",\n           ".join(scores)
    sql.append(f"""-- 6. ΣW over the categories with a counted item, in each pass.
totals AS (
    SELECT *,
           {totals}
    FROM categories
),
-- 7. Score = floor + Σ span·(W/ΣW)·S over the counted categories (added from the floor up, in
--    rubric order); the bounds likewise; category scores on the scale.
scored AS (
    SELECT fund, year,
           {scores},
           {cat_cols},
           assessed, {len(discs)} - assessed - not_applicable AS unknown, not_applicable
    FROM totals
)""")
    cat_names = ", ".join(ident(cid) for _, cid, _ in m["cats"])
    return "WITH\n" + ",\n".join(sql) + f"""
-- 8. Competition rank within each year on the score rounded to 0.1 (round() on a double is
--    half away from zero, as in swfscore); sorted by year, rank, fund.
SELECT fund, year, score, low, high,
       rank() OVER (PARTITION BY year ORDER BY round(score * 10) / 10 DESC) AS rank,
       {cat_names},
       assessed, unknown, not_applicable
FROM scored
ORDER BY year, rank, fund
"""


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

    t0 = time.perf_counter()
    rubric = args.rubric
    if not os.path.isfile(rubric) and os.path.isfile(os.path.join(REPO, "rubrics", rubric + ".yaml")):
        rubric = os.path.join(REPO, "rubrics", rubric + ".yaml")
    model = load_model(rubric, args.catalogue, args.profile, args.unknown)
    query = scoring_query(args.panel, model)
    if args.print_sql:
        print(query)
        return
    con = duckdb.connect()
    if args.threads:
        con.execute(f"SET threads = {int(args.threads)}")
    fmt = "(FORMAT parquet)" if args.out.lower().endswith(".parquet") else "(FORMAT csv, HEADER)"
    out = "'" + args.out.replace("'", "''") + "'"
    rows = con.execute(f"COPY ({query}) TO {out} {fmt}").fetchone()[0]
    print(f"panel_peer.py: {rows:,} fund-years scored in {time.perf_counter() - t0:.2f} s "
          f"(DuckDB {duckdb.__version__})", file=sys.stderr)


if __name__ == "__main__":
    main()
