#!/usr/bin/env python3
"""Generate a synthetic swfscore data set of N funds from the real descriptors.

Each generated fund is a copy of one real descriptor (round robin over the
real funds/*.yaml), with a new id `<id>_<n>` (the file stem) and every
disclosure's top-level `level:` drawn at random (fixed seed) among
full/partial/none/unknown. Evidence, notes, `since`/`known_since` and history
are kept as they are, so the copy validates like the original:

* a disclosure with no evidence is drawn among none/unknown only (a `full` or
  `partial` level needs evidence);
* a disclosure with `history` is never drawn at its last history entry's level
  (the validator rejects a history entry that already holds the current level);
  otherwise `since`/`known_since`/history stay valid whatever level is drawn.

The copies are written as text: the real file is split once into chunks
around its `id:` line and its disclosures' `level:` lines, and each copy is a
join of those chunks, which is much faster than a YAML dumper (15,000 funds
are about 550 MB). PyYAML is used only to check the 15 real files.

`--legacy` renames `known_since:` to `since:` and drops the rubric keys
`caveat:` and `floor:`, for binaries built before they existed (they were
introduced after commit ba8154d).

The output folder holds disclosures.yaml, rubric.yaml and rubrics/ (copied
from --src), funds/, and STAMP, written last: if STAMP already records the
same size, seed, legacy flag and source digest, nothing is regenerated.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

LEVELS = ("full", "partial", "none", "unknown")
UNDISCLOSED = ("none", "unknown")
ID_RE = re.compile(r"^id:[ \t]*(\S+)[ \t]*$")
KEY_RE = re.compile(r"^  ([a-z0-9_]+):[ \t]*$")
LEVEL_RE = re.compile(r"^(    level:[ \t]*)(\S+)([ \t]*(?:#.*)?)$")
TOP_RE = re.compile(r"^\S")
# Rubric keys added after ba8154d (a one-line note and the score floor); --legacy drops them.
LEGACY_DROP = ("caveat", "floor")


def die(msg: str) -> None:
    print(f"gen_funds: error: {msg}", file=sys.stderr)
    sys.exit(2)


class Template:
    """One real descriptor, split around its id line and its level lines."""

    def __init__(self, path: Path, legacy: bool):
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        if not isinstance(data, dict) or "id" not in data or "disclosures" not in data:
            die(f"{path}: not a fund descriptor (no id or disclosures)")
        self.id = str(data["id"])
        if self.id != path.stem:
            die(f"{path}: id `{self.id}` does not match the file name")
        disclosures = data["disclosures"] or {}
        evidenced = {k: bool((v or {}).get("evidence")) for k, v in disclosures.items()}
        # The level of each disclosure's last history entry: never drawn as its current level.
        last_history = {
            k: str((v or {}).get("history")[-1].get("level")) for k, v in disclosures.items() if (v or {}).get("history")
        }
        if legacy:
            text = re.sub(r"(?m)^(    )known_since:", r"\1since:", text)

        # chunks: str for literal text, None for the id slot, a tuple for a level slot:
        # the levels that may be drawn (full/partial only with evidence).
        self.chunks: list = []
        buf: list[str] = []
        section = None
        key = None
        seen_id = False
        levels_seen: set[str] = set()
        for line in text.splitlines(keepends=True):
            body = line.rstrip("\r\n")
            eol = line[len(body):]
            if TOP_RE.match(body):
                section = body.split(":", 1)[0]
                key = None
            m = ID_RE.match(body)
            if m and section == "id":
                buf.append("id: ")
                self.chunks.append("".join(buf))
                self.chunks.append(None)
                buf = [eol]
                seen_id = True
                continue
            if section == "disclosures":
                km = KEY_RE.match(body)
                if km:
                    key = km.group(1)
                lm = LEVEL_RE.match(body)
                if lm and key is not None:
                    if key in levels_seen:
                        die(f"{path}: two `level:` lines for `{key}`")
                    levels_seen.add(key)
                    buf.append(lm.group(1))
                    self.chunks.append("".join(buf))
                    allowed = LEVELS if evidenced.get(key, False) else UNDISCLOSED
                    self.chunks.append(tuple(x for x in allowed if x != last_history.get(key)))
                    buf = [lm.group(3) + eol]
                    continue
            buf.append(line)
        self.chunks.append("".join(buf))
        if not seen_id:
            die(f"{path}: no top-level `id:` line found")
        if levels_seen != set(evidenced):
            missing = sorted(set(evidenced) - levels_seen)
            die(f"{path}: could not find the `level:` line of {', '.join(missing[:5])}")
        self.slots = sum(1 for c in self.chunks if isinstance(c, tuple))

    def render(self, new_id: str, rng: random.Random) -> str:
        out = []
        for c in self.chunks:
            if c is None:
                out.append(new_id)
            elif isinstance(c, tuple):
                out.append(rng.choice(c))
            else:
                out.append(c)
        return "".join(out)


def copy_rubric(src: Path, dst: Path, legacy: bool) -> None:
    """Copy a rubric; for --legacy, drop the top-level keys older binaries reject."""
    if not legacy:
        shutil.copy2(src, dst)
        return
    out, skip = [], False
    for line in src.read_text(encoding="utf-8").splitlines(keepends=True):
        if TOP_RE.match(line):
            skip = line.split(":", 1)[0] in LEGACY_DROP
        elif line.strip() and not line[0].isspace():
            skip = False
        if not skip:
            out.append(line)
    dst.write_text("".join(out), encoding="utf-8")


def digest(src: Path, files: list[Path]) -> str:
    h = hashlib.sha256()
    for p in [src / "disclosures.yaml", src / "rubric.yaml", *sorted((src / "rubrics").glob("*.yaml")), *files]:
        h.update(str(p.relative_to(src)).encode())
        h.update(p.read_bytes())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()[:16]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", type=Path, default=Path(__file__).resolve().parent.parent,
                    help="project folder with funds/, disclosures.yaml, rubric.yaml, rubrics/ (default: the repo)")
    ap.add_argument("--out", type=Path, required=True, help="data set folder to create (or reuse)")
    ap.add_argument("--funds", type=int, required=True, help="number of funds to generate")
    ap.add_argument("--seed", type=int, default=20260101, help="random seed (default 20260101)")
    ap.add_argument("--legacy", action="store_true", help="write `since:` instead of `known_since:` (pre-known_since binaries)")
    a = ap.parse_args()

    if a.funds < 1:
        die("--funds must be at least 1")
    src = a.src.resolve()
    real = sorted((src / "funds").glob("*.yaml"))
    if not real:
        die(f"no fund descriptors in {src / 'funds'}")
    for need in ("disclosures.yaml", "rubric.yaml"):
        if not (src / need).is_file():
            die(f"{src / need} is missing")

    stamp = f"funds={a.funds} seed={a.seed} legacy={int(a.legacy)} src={digest(src, real)}\n"
    out = a.out
    if (out / "STAMP").is_file() and (out / "STAMP").read_text() == stamp:
        print(f"gen_funds: reusing {out} ({a.funds} funds, seed {a.seed}{', legacy' if a.legacy else ''})", file=sys.stderr)
        return

    templates = [Template(p, a.legacy) for p in real]
    ids = [t.id for t in templates]

    # Build next to the target, then swap it in, so an interrupted run never
    # leaves a half-written set that looks complete.
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=out.name + ".tmp.", dir=out.parent))
    try:
        shutil.copy2(src / "disclosures.yaml", tmp / "disclosures.yaml")
        copy_rubric(src / "rubric.yaml", tmp / "rubric.yaml", a.legacy)
        if (src / "rubrics").is_dir():
            (tmp / "rubrics").mkdir()
            for r in sorted((src / "rubrics").glob("*.yaml")):
                copy_rubric(r, tmp / "rubrics" / r.name, a.legacy)
        fdir = tmp / "funds"
        fdir.mkdir()
        total = 0
        for i in range(a.funds):
            t = templates[i % len(templates)]
            n = i // len(templates) + 1
            new_id = f"{t.id}_{n}"
            rng = random.Random(f"{a.seed}/{new_id}")
            body = t.render(new_id, rng).encode("utf-8")
            with open(fdir / f"{new_id}.yaml", "wb") as f:
                f.write(body)
            total += len(body)
        copies = (a.funds + len(templates) - 1) // len(templates)
        # Three fund ids for `history`: first, middle and last copies of three real funds.
        pick = [(ids[0], 1), (ids[len(ids) // 2], max(1, (copies + 1) // 2)), (ids[-1], max(1, a.funds // len(templates)))]
        hist = [f"{i}_{n}" for i, n in pick if (fdir / f"{i}_{n}.yaml").is_file()]
        (tmp / "HISTORY_IDS").write_text(" ".join(hist) + "\n")
        (tmp / "STAMP").write_text(stamp)
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    print(f"gen_funds: wrote {a.funds} funds to {out} ({total / 1e6:.0f} MB, seed {a.seed}{', legacy' if a.legacy else ''})",
          file=sys.stderr)


if __name__ == "__main__":
    main()
