#!/usr/bin/env python3
"""The NumPy peer of `swfscore audit`: recomputes every category's Cronbach's alpha and first
principal component share, every item's item-rest correlation, loading and importance from
the credit matrix the audit itself used (`audit --format json --credits`), and compares them
with the audit's figures.

    python3 bench/audit_peer.py [--swfscore BIN] [-- AUDIT ARGS...]
    python3 bench/audit_peer.py -- --dir some/data --panel-years 2005..2025

Exits 0 when every figure agrees within 1e-9 (loadings up to sign), 1 otherwise. The
bootstrap intervals are not compared (another random stream would draw other resamples).
Needs numpy.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def alpha(x):
    """Cronbach's alpha of the columns of x (rows: observations), sample variances."""
    k = x.shape[1]
    if k < 2 or x.shape[0] < 2:
        return None
    total = x.sum(axis=1).var(ddof=1)
    if total <= 0:
        return None
    return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total)


def corr(a, b):
    if len(a) < 2 or np.std(a) == 0 or np.std(b) == 0:
        return None
    return float(np.corrcoef(a, b)[0, 1])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--swfscore", default=os.environ.get("SWFSCORE") or os.path.join(REPO, "target/release/swfscore"))
    p.add_argument("args", nargs="*", help="arguments for `swfscore audit` (after --)")
    a = p.parse_args()
    out = subprocess.run([a.swfscore, "audit", "--format", "json", "--credits", *a.args],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"audit_peer.py: swfscore audit failed:\n{out.stderr}")
    audit = json.loads(out.stdout)
    items = audit["items"]
    obs = audit["credits"]
    m = np.array([[np.nan if c is None else c for c in o["credits"]] for o in obs], dtype=float)
    score = np.array([o["score"] for o in obs])
    worst, checked, bad = 0.0, 0, []

    def check(what, ours, theirs, sign_free=False):
        nonlocal worst, checked
        checked += 1
        if ours is None or theirs is None:
            if ours is not None or theirs is not None:
                bad.append(f"{what}: swfscore {ours}, numpy {theirs}")
            return
        d = abs(abs(ours) - abs(theirs)) if sign_free else abs(ours - theirs)
        worst = max(worst, d)
        if d > 1e-9:
            bad.append(f"{what}: swfscore {ours!r}, numpy {theirs!r}")

    # Importance: squared correlation with the score over the observations where the item counts.
    r2 = []
    for j in range(len(items)):
        ok = ~np.isnan(m[:, j])
        r = corr(m[ok, j], score[ok])
        r2.append(None if r is None else r * r)
    total = sum(x for x in r2 if x is not None)
    for j, it in enumerate(items):
        check(f"{it['id']} importance", it["importance"], None if r2[j] is None else (r2[j] / total if total > 0 else 0.0))
    first = 0
    for c in audit["categories"]:
        cols = list(range(first, first + c["items"]))
        first += c["items"]
        x = m[:, cols]
        x = x[~np.isnan(x).any(axis=1)]
        check(f"{c['id']} observations", float(c["observations"]), float(x.shape[0]))
        check(f"{c['id']} alpha", c["alpha"], alpha(x))
        for jj, j in enumerate(cols):
            rest = np.delete(x, jj, axis=1).sum(axis=1)
            check(f"{items[j]['id']} item_rest", items[j]["item_rest"], corr(x[:, jj], rest))
        varying = [jj for jj in range(len(cols)) if x.shape[0] > 1 and x[:, jj].var() > 0]
        share, loadings = None, {}
        if len(varying) >= 2:
            values, vectors = np.linalg.eigh(np.corrcoef(x[:, varying], rowvar=False))
            top = int(np.argmax(values))
            share = float(values[top] / len(varying))
            for pos, jj in enumerate(varying):
                loadings[jj] = float(vectors[pos, top] * np.sqrt(max(values[top], 0.0)))
        check(f"{c['id']} first_component_share", c["first_component_share"], share)
        for jj, j in enumerate(cols):
            check(f"{items[j]['id']} loading", items[j]["loading"], loadings.get(jj), sign_free=True)
    basis = "latest assessments" if audit["panel_years"] is None else \
        f"fund-years {audit['panel_years']['from']}..{audit['panel_years']['to']}"
    print(f"audit_peer.py: {checked} figures over {len(obs)} observations ({basis}), numpy {np.__version__}: "
          + ("agree" if not bad else f"{len(bad)} DIFFER") + f", largest difference {worst:.1e}")
    for b in bad[:20]:
        print("  " + b)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
