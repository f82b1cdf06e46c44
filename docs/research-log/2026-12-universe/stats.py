"""Per-fund coverage, start kinds and sources by kind, as docs/research-log/2026-12-universe/README.md
prints them. Run from the repository root: python3 docs/research-log/2026-12-universe/stats.py ID...
"""
import yaml, sys, re, glob, os
from urllib.parse import urlparse
ids = sys.argv[1:]
print("| fund | established | assessed | unknown | documented starts (`since`) | first confirmations (`known_since`) | own site | government/statute | IFSWF | news (secondary) | mirror/copy |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for i in ids:
    d = yaml.safe_load(open(f'funds/{i}.yaml'))
    dis = d['disclosures']
    unk = sum(1 for v in dis.values() if v.get('level') == 'unknown')
    since = sum(1 for v in dis.values() if 'since' in v)
    ks = sum(1 for v in dis.values() if 'known_since' in v)
    kinds = dict(own=0, gov=0, ifswf=0, news=0, mirror=0)
    seen = set()
    def ev(e):
        key = (e.get('url'), e.get('source'))
        if key in seen: return
        seen.add(key)
        s = (e.get('source') or '').lower(); u = (e.get('url') or '').lower(); host = urlparse(u).netloc
        if re.search(r'copy|mirror|archive|scribd|docslib|yumpu|cupdf|123dok|dokumen', s + ' ' + host): kinds['mirror'] += 1
        elif 'ifswf.org' in host or 'iwg-swf' in host: kinds['ifswf'] += 1
        elif 'secondary' in s: kinds['news'] += 1
        elif re.search(r'\.gov|gov\.|legislation|parliament|oireachtas|statutes|law|legal|gazette|minfin|finance\.|ministry|senate|congress|pasal|adilet|government|\.go\.|irishstatutebook|bcn\.cl|leychile|bankofghana|nbk\.kz|cbr\.ru', host + ' ' + s): kinds['gov'] += 1
        else: kinds['own'] += 1
    for v in dis.values():
        for e in v.get('evidence') or []: ev(e)
        for h in v.get('history') or []:
            for e in h.get('evidence') or []: ev(e)
    n = len(dis)
    print(f"| {i} | {d['established']} | {n-unk}/{n} ({100*(n-unk)/n:.0f}%) | {unk} | {since} | {ks} | {kinds['own']} | {kinds['gov']} | {kinds['ifswf']} | {kinds['news']} | {kinds['mirror']} |")
