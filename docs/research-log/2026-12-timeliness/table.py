#!/usr/bin/env python3
"""Prints the table of README.md from the research files beside it:
fund, financial year-end, lag of the first report listed, and the two levels as researched.

    python3 docs/research-log/2026-12-timeliness/table.py
"""
import glob
import os

import yaml


class Yaml12(yaml.SafeLoader):
    """YAML 1.2 booleans, as swfscore reads them (`no`, `yes` stay strings)."""


Yaml12.yaml_implicit_resolvers = {k: [(t, r) for t, r in v if t != "tag:yaml.org,2002:bool"]
                                  for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def start(e):
    if "since" in e:
        return f"since {e['since']}"
    if "known_since" in e:
        return f"known since {e['known_since']}"
    return ""


here = os.path.dirname(os.path.abspath(__file__))
for path in sorted(glob.glob(os.path.join(here, "*.yaml"))):
    d = yaml.load(open(path, encoding="utf-8"), Loader=Yaml12)
    lag = next((r.get("lag_months") for r in d.get("reports") or [] if r.get("lag_months") is not None), None)
    t, m = d["disclosures"]["report_timeliness"], d["disclosures"]["mandate_outcomes"]
    print(f"| {d['fund']} | {d.get('financial_year_end', '?')} | {'' if lag is None else lag} "
          f"| {t['level']} {start(t)} | {m['level']} {start(m)} |")
