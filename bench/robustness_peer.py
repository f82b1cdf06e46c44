"""The robustness Monte Carlo of `swfscore robustness`, vectorised with NumPy, and its Sobol
analysis with SALib, on the model `swfscore robustness --export-model FILE` writes.

Usage:
  python3 robustness_peer.py mc MODEL.json SAMPLES [NOISE [FIXED]]   # rank intervals, as swfscore
      FIXED: assumptions held at their nominal values, comma-separated as `--fix` names them
      (e.g. unknown-rule,aggregation,profile,leave-one-out)
  python3 robustness_peer.py sobol MODEL.json N [NOISE]        # SALib sample + analyze

Prints a JSON summary on stdout (rank intervals per fund, or the Sobol indices), so a
benchmark can check that both implementations agree.
"""
import json
import sys

import numpy as np

LEVELS = {"full": 0, "partial": 1, "none": 2, "not_applicable": 3, "unknown": 4}
CHUNK = 1024


class Model:
    def __init__(self, m):
        self.funds = m["funds"]
        self.C = m["categories"]
        items = m["items"]
        self.I = len(items)
        self.cat = np.array([it["category"] for it in items])
        self.rule = np.array([{"min": 0, "max": 1, "mean": 2}[it["rule"]] for it in items])
        self.full = np.array([it["full"] for it in items])
        self.partial = np.array([it["partial"] for it in items])
        self.none = np.array([it["none"] for it in items])
        self.sets = [(np.array(c, float), np.array(i, float)) for c, i in m["weight_sets"]]
        self.nominal_set = m["nominal_set"]
        self.default_partial = m["default_partial"]
        self.unknown = m["unknown"]
        self.floor, self.scale = m["floor"], m["scale"]
        self.eps = m["geometric_floor"]
        K = max(len(d) for f in m["levels"] for d in f)
        F = len(self.funds)
        self.codes = np.full((F, self.I, K), LEVELS["not_applicable"], dtype=np.int8)
        for f, row in enumerate(m["levels"]):
            for i, ds in enumerate(row):
                for k, lv in enumerate(ds):
                    self.codes[f, i, k] = LEVELS[lv]
        # The estimate's guess for each unknown cell: chance disclosed, chance partial (NaN:
        # no guess; a cell guessed not applicable drops out under the estimate).
        self.g_disc = np.full((F, self.I, K), np.nan)
        self.g_part = np.zeros((F, self.I, K))
        self.g_na = np.zeros((F, self.I, K), dtype=bool)
        for f, row in enumerate(m["guesses"]):
            for i, ds in enumerate(row):
                for k, g in enumerate(ds):
                    if g is not None:
                        self.g_disc[f, i, k], self.g_part[f, i, k] = g
                    elif m["levels"][f][i][k] == "unknown":
                        self.g_na[f, i, k] = True
        self.item_index = np.broadcast_to(np.arange(self.I)[None, :, None], self.codes.shape)
        self.onehot = np.zeros((self.I, self.C))
        self.onehot[np.arange(self.I), self.cat] = 1.0
        self.dims = self.C + self.I + 5

    def scores(self, U, noise):
        """Scores (S x F) for uniforms U (S x dims), as `Model::params` maps them."""
        S = U.shape[0]
        nw = self.C + self.I
        cf = 1 - noise + 2 * noise * U[:, : self.C]
        itf = 1 - noise + 2 * noise * U[:, self.C : nw]
        r = U[:, nw:]
        p = 0.25 + 0.5 * r[:, 0]
        u = r[:, 1]
        # none, excluded, the estimate, or a uniform credit (as `Model::params`)
        mode = np.where(u < 0.25, 0, np.where(u < 0.5, 1, np.where(u < 0.75, 3, 2)))
        ucredit = np.clip((u - 0.75) * 4, 0, 1)
        geometric = r[:, 2] >= 0.5
        ws = np.minimum((r[:, 3] * len(self.sets)).astype(int), len(self.sets) - 1)
        leave = np.minimum((r[:, 4] * (self.I + 1)).astype(int), self.I) - 1
        cw = np.stack([s[0] for s in self.sets])[ws] * cf  # S x C
        iw = np.stack([s[1] for s in self.sets])[ws] * itf  # S x I
        iw[np.arange(S)[leave >= 0], leave[leave >= 0]] = 0.0
        if self.default_partial > 0:
            part = self.partial[None, :] * p[:, None] / self.default_partial
        else:
            part = np.repeat(p[:, None], self.I, axis=1)
        lo, hi = np.minimum(self.none, self.full), np.maximum(self.none, self.full)
        part = np.clip(part, lo, hi)
        unk = np.where(mode[:, None] == 0, self.none[None, :], np.where(mode[:, None] == 2, ucredit[:, None], np.nan))
        # credit table per sample and item: S x I x 5
        table = np.empty((S, self.I, 5))
        table[:, :, 0] = self.full
        table[:, :, 1] = part
        table[:, :, 2] = self.none
        table[:, :, 3] = np.nan
        table[:, :, 4] = unk
        # credits of each fund's disclosures: S x F x I x K
        c = table[:, self.item_index, self.codes]  # S x F x I x K
        # Under the estimate, an unknown cell's credit is the expected credit of its guess.
        est = mode == 3
        if est.any():
            full = self.full[None, None, :, None]
            none = self.none[None, None, :, None]
            pe = part[est][:, None, :, None]
            exp = self.g_disc * (self.g_part * pe + (1 - self.g_part) * full) + (1 - self.g_disc) * none
            exp = np.where(self.g_na[None], np.nan, exp)
            unknown = self.codes == LEVELS["unknown"]
            c[est] = np.where(unknown[None], exp, c[est])
        valid = ~np.isnan(c)
        cmin = np.fmin.reduce(c, axis=3)
        cmax = np.fmax.reduce(c, axis=3)
        n = valid.sum(axis=3)
        with np.errstate(invalid="ignore", divide="ignore"):
            cmean = np.nansum(c, axis=3) / n
        credit = np.where(self.rule == 0, cmin, np.where(self.rule == 1, cmax, cmean))  # S x F x I
        counted = n > 0
        w = iw[:, None, :] * counted  # S x F x I
        credit = np.where(counted, credit, 0.0)
        sw = w @ self.onehot  # S x F x C
        swc = (w * credit) @ self.onehot
        with np.errstate(invalid="ignore", divide="ignore"):
            sc = swc / sw
        has = sw > 0
        W = np.where(has, cw[:, None, :], 0.0)
        tot = W.sum(axis=2)
        arith = np.where(has, W * sc, 0.0).sum(axis=2)
        geo = np.where(has, W * np.log(np.maximum(np.where(has, sc, 1.0), self.eps)), 0.0).sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(geometric[:, None], np.exp(geo / tot), arith / tot)
        share = np.where(tot > 0, share, 0.0)
        return self.floor + (self.scale - self.floor) * share

    def ranks(self, scores):
        r = np.round(scores * 10) / 10
        return 1 + (r[:, None, :] > r[:, :, None]).sum(axis=2)

    def nominal_ranks(self):
        return self.ranks(self.nominal_scores())[0]

    def hold(self, U, fixed):
        """Sets the columns of U that belong to the assumptions in `fixed` (as `--fix` names
        them) to the values `Model::params` maps to their nominal values."""
        nw = self.C + self.I
        if "weights" in fixed:
            U[:, :nw] = 0.5
        if "partial-credit" in fixed:
            U[:, nw] = (self.default_partial - 0.25) / 0.5
        if "unknown-rule" in fixed:
            U[:, nw + 1] = 0.1 if self.unknown == "none" else 0.3
        if "aggregation" in fixed:
            U[:, nw + 2] = 0.0
        if "profile" in fixed:
            U[:, nw + 3] = (self.nominal_set + 0.5) / len(self.sets)
        if "leave-one-out" in fixed:
            U[:, nw + 4] = 0.0

    def nominal_scores(self):
        """Factor 1, the default partial credit, the rubric's unknown rule, arithmetic mean,
        the nominal weight set, nothing left out."""
        S = 1
        U = np.empty((S, self.dims))
        U[:, : self.C + self.I] = 0.5
        nw = self.C + self.I
        U[:, nw] = (self.default_partial - 0.25) / 0.5
        U[:, nw + 1] = 0.1 if self.unknown == "none" else 0.3
        U[:, nw + 2] = 0.0
        U[:, nw + 3] = (self.nominal_set + 0.5) / len(self.sets)
        U[:, nw + 4] = 0.0
        return self.scores(U, 0.0)


def monte_carlo(model, samples, noise, seed=1, fixed=()):
    rng = np.random.default_rng(seed)
    F = len(model.funds)
    all_scores = np.empty((samples, F))
    all_ranks = np.empty((samples, F), dtype=np.int32)
    for start in range(0, samples, CHUNK):
        n = min(CHUNK, samples - start)
        U = rng.random((n, model.dims))
        model.hold(U, fixed)
        s = model.scores(U, noise)
        all_scores[start : start + n] = s
        all_ranks[start : start + n] = model.ranks(s)
    out = {}
    for f, fund in enumerate(model.funds):
        r = np.sort(all_ranks[:, f])
        out[fund] = {
            "median_rank": int(r[int(np.ceil(0.5 * samples)) - 1]),
            "rank_interval": [int(r[int(np.ceil(0.05 * samples)) - 1]), int(r[int(np.ceil(0.95 * samples)) - 1])],
            "score_quantiles": np.percentile(all_scores[:, f], [5, 25, 50, 75, 95]).round(4).tolist(),
        }
    return out


def sobol(model, N, noise, seed=1):
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    C, I = model.C, model.I
    names = [f"w{k}" for k in range(C + I)] + ["partial", "unknown", "aggregation", "profile", "leave_one_out"]
    groups = ["weights"] * (C + I) + ["partial_credit", "unknown_rule", "aggregation", "profile", "leave_one_out"]
    problem = {"num_vars": len(names), "names": names, "bounds": [[0, 1]] * len(names), "groups": groups}
    X = sample.sample(problem, N, calc_second_order=False, seed=seed)
    nominal = model.nominal_ranks()
    Y = np.empty(X.shape[0])
    for start in range(0, X.shape[0], CHUNK):
        U = X[start : start + CHUNK]
        rk = model.ranks(model.scores(U, noise))
        Y[start : start + CHUNK] = np.abs(rk - nominal[None, :]).mean(axis=1)
    Si = analyze.analyze(problem, Y, calc_second_order=False, seed=seed)
    return {
        "evaluations": int(X.shape[0]),
        "indices": {
            g: {"S1": round(float(a), 4), "ST": round(float(b), 4)}
            for g, a, b in zip(Si.to_df()[0].index, Si["S1"], Si["ST"])
        },
    }


def main():
    what, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    noise = float(sys.argv[4]) if len(sys.argv) > 4 else 0.25
    fixed = sys.argv[5].split(",") if len(sys.argv) > 5 and sys.argv[5] else []
    model = Model(json.load(open(path)))
    out = monte_carlo(model, n, noise, fixed=fixed) if what == "mc" else sobol(model, n, noise)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
