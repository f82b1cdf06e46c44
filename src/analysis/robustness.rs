//! How much of a ranking survives other reasonable choices: a Monte Carlo over the modelling
//! assumptions (weights, the credit for `partial`, the unknown rule, the aggregation across
//! categories, the weight profile, leaving one item out) with rank intervals, and Sobol
//! sensitivity indices (Saltelli 2010 first order, Jansen total order) of each assumption on
//! the mean absolute rank shift, as the OECD/JRC handbook on composite indicators describes.
//!
//! Determinism: samples are drawn in fixed chunks, each from its own ChaCha8 stream of the
//! seed; chunk results are combined in chunk order, so the bytes do not depend on the number
//! of threads.

use crate::estimate::{CellGuess, Estimator, Model as EstimateModel};
use crate::model::{Dataset, Level, UnknownRule, When};
use crate::score::{Combine, Compiled, Pass, RubricInfo, round_score};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rayon::prelude::*;
use serde::Serialize;

/// Samples per chunk: the unit of work and of random streams.
const CHUNK: usize = 512;

/// One modelling choice the Monte Carlo varies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Assumption {
    /// Every category and item weight times a factor uniform in [1−F, 1+F].
    Weights,
    /// The credit for `partial`, uniform in [0.25, 0.75] (per-item overrides scale with it).
    PartialCredit,
    /// Unknown as none, excluded, at its estimate (the expected credit of each unknown cell),
    /// or credited uniformly in [0, 1] (one draw per sample).
    UnknownRule,
    /// Categories combined by a weighted arithmetic or geometric mean.
    Aggregation,
    /// The rubric's weights, or one of its profiles.
    Profile,
    /// One item left out (or none).
    LeaveOneOut,
}

impl Assumption {
    pub const ALL: [Assumption; 6] = [
        Assumption::Weights,
        Assumption::PartialCredit,
        Assumption::UnknownRule,
        Assumption::Aggregation,
        Assumption::Profile,
        Assumption::LeaveOneOut,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Assumption::Weights => "weights",
            Assumption::PartialCredit => "partial_credit",
            Assumption::UnknownRule => "unknown_rule",
            Assumption::Aggregation => "aggregation",
            Assumption::Profile => "profile",
            Assumption::LeaveOneOut => "leave_one_out",
        }
    }
}

/// The geometric mean's guard: a category score below this share of the scale counts as it.
pub const GEOMETRIC_FLOOR: f64 = 0.01;

/// The default weight noise F: weights vary by up to ±25%.
pub const DEFAULT_WEIGHT_NOISE: f64 = 0.25;
/// The default seed.
pub const DEFAULT_SEED: u64 = 1;

/// What to vary and how much.
#[derive(Debug, Clone)]
pub struct Settings {
    pub samples: usize,
    pub seed: u64,
    /// F: weights are multiplied by a factor uniform in [1−F, 1+F].
    pub weight_noise: f64,
    /// Assumptions held at their nominal value.
    pub fixed: Vec<Assumption>,
    pub sobol: bool,
    /// Funds compared pairwise.
    pub pairs: Vec<String>,
    pub as_of: Option<i32>,
    /// Each fund at this age (years since its establishment) instead of a calendar year.
    pub at_age: Option<i32>,
    /// The profile scored nominally (`None` = the rubric's own weights).
    pub profile: Option<String>,
    /// Told the number of samples done, from any thread.
    pub progress: Option<Progress>,
}

impl Settings {
    /// `samples` samples with the defaults: every assumption varied, no Sobol analysis, the
    /// latest assessments under the rubric's own weights.
    pub fn defaults(samples: usize, pairs: Vec<String>) -> Settings {
        Settings {
            samples,
            seed: DEFAULT_SEED,
            weight_noise: DEFAULT_WEIGHT_NOISE,
            fixed: vec![],
            sobol: false,
            pairs,
            as_of: None,
            at_age: None,
            profile: None,
            progress: None,
        }
    }
}

/// A callback for progress reports.
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<dyn Fn(u64) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

/// One item as the model sees it.
#[derive(Debug, Clone)]
struct ItemModel {
    category: usize,
    rule: Combine,
    full: f64,
    partial: f64,
    none: f64,
}

/// The rubric and every fund's levels, compiled for fast re-scoring.
#[derive(Debug, Clone)]
pub struct Model {
    pub funds: Vec<String>,
    pub labels: Vec<String>,
    categories: usize,
    items: Vec<ItemModel>,
    /// Category and item weights under the rubric (index 0) and each profile.
    weight_sets: Vec<(Vec<f64>, Vec<f64>)>,
    pub weight_set_names: Vec<String>,
    nominal_set: usize,
    /// For fund f and item i, the levels of the item's disclosures: `levels[offsets[f*n+i]..offsets[f*n+i+1]]`.
    levels: Vec<Level>,
    offsets: Vec<usize>,
    /// For item i and fund f (at `i * funds + f`, the order the kernel reads), the credit
    /// slot of its one level (see [`slot`]), or [`MANY`] when the item reads several
    /// disclosures: the common case without the indirection.
    slots: Vec<u8>,
    /// For fund f and item i (at `f * n + i`) reading several disclosures, the pattern of
    /// its levels: an index into `patterns`, the first cell of each distinct pattern (cells
    /// of one item with the same levels have the same credit in every run, unknowns under
    /// the estimate aside).
    pattern: Vec<usize>,
    patterns: Vec<usize>,
    /// The items of each category (contiguous: items are listed category by category).
    category_items: Vec<std::ops::Range<usize>>,
    /// For each entry of `levels` that is unknown, the estimate's guess for it.
    guesses: Vec<Option<CellGuess>>,
    default_partial: f64,
    unknown: UnknownRule,
    floor: f64,
    scale: f64,
}

/// The values of every assumption for one model run.
#[derive(Debug, Clone)]
struct Params {
    cat_factor: Vec<f64>,
    item_factor: Vec<f64>,
    partial: f64,
    unknown: Unknown,
    geometric: bool,
    weight_set: usize,
    leave_out: Option<usize>,
}

impl Params {
    /// Back to `m`'s nominal values, keeping the buffers.
    fn reset(&mut self, m: &Model) {
        self.cat_factor.clear();
        self.cat_factor.resize(m.categories, 1.0);
        self.item_factor.clear();
        self.item_factor.resize(m.items.len(), 1.0);
        let nominal = m.nominal_scalars();
        (self.partial, self.unknown, self.geometric, self.weight_set, self.leave_out) = nominal;
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Unknown {
    None,
    Exclude,
    /// Each unknown cell at its expected credit under the estimate.
    Estimate,
    Credit(f64),
}

impl Model {
    /// Compiles the funds with a record at `when` (established by then; at an age, that old)
    /// under `ds.rubric`;
    /// with `estimate`, the estimate's guess of every unknown cell too (needed only when the
    /// unknown rule varies).
    pub fn new(ds: &Dataset, when: When, profile: Option<&str>, estimate: bool) -> Model {
        let rubric = &ds.rubric;
        // The engine's compiled rubric: its items, credits and rules, and each profile's
        // weights.
        let compiled = Compiled::new(rubric);
        let credit = |i: &crate::score::CompiledItem, l: Level| i.credit(Pass::Rule, l).unwrap_or(f64::NAN);
        let items: Vec<ItemModel> = compiled
            .plan()
            .enumerate()
            .flat_map(|(c, plan)| {
                plan.items.iter().map(move |i| ItemModel {
                    category: c,
                    rule: i.combine(),
                    full: credit(i, Level::Full),
                    partial: credit(i, Level::Partial),
                    none: credit(i, Level::None),
                })
            })
            .collect();
        let weights = |c: &Compiled| -> (Vec<f64>, Vec<f64>) {
            (c.plan().map(|p| p.weight).collect(), c.plan().flat_map(|p| p.items.iter().map(|i| i.weight())).collect())
        };
        let mut weight_sets = vec![weights(&compiled)];
        let mut names = vec![rubric.id.clone()];
        for p in &rubric.profiles {
            if let Some(r) = rubric.with_profile(&p.id, &ds.catalogue) {
                weight_sets.push(weights(&Compiled::new(&r)));
                names.push(format!("{}:{}", rubric.id, p.id));
            }
        }
        let nominal_set = profile.and_then(|p| rubric.profiles.iter().position(|x| x.id == p)).map_or(0, |i| i + 1);
        let mut funds = Vec::new();
        let mut labels = Vec::new();
        let mut levels = Vec::new();
        let mut guesses = Vec::new();
        let mut offsets = vec![0];
        // The estimate's guesses are needed only where something is unknown.
        let any_unknown = estimate
            && ds.funds.iter().any(|f| {
                when.covers(f)
                    && rubric.items().any(|(_, i)| {
                        i.rule.disclosures().iter().any(|d| f.standing(d, when.year(f)).level == Level::Unknown)
                    })
            });
        let fitted = any_unknown.then(|| EstimateModel::of(ds));
        let estimator = fitted.as_ref().map(|m| Estimator::new(m, rubric));
        for f in ds.funds.iter() {
            if !when.covers(f) {
                continue;
            }
            let year = when.year(f);
            funds.push(f.id.clone());
            labels.push(f.label().to_string());
            let all = compiled.levels_of(f, year);
            for plan in compiled.plan() {
                for i in plan.items {
                    for &k in compiled.reads(i) {
                        let l = all[k];
                        levels.push(l);
                        let d = &compiled.disclosures[k];
                        guesses
                            .push(estimator.as_ref().filter(|_| l == Level::Unknown).and_then(|e| e.guess(f, year, d)));
                    }
                    offsets.push(levels.len());
                }
            }
        }
        let single = offsets
            .windows(2)
            .map(|w| match &levels[w[0]..w[1]] {
                [l] => slot(*l),
                _ => MANY,
            })
            .collect::<Vec<u8>>();
        let (nf, n) = (funds.len(), items.len());
        let slots = (0..n * nf).map(|k| single[(k % nf) * n + k / nf]).collect();
        let (mut pattern, mut patterns) = (vec![usize::MAX; n * nf], Vec::new());
        let mut seen = std::collections::HashMap::new();
        for k in (0..n * nf).filter(|&k| single[k] == MANY) {
            let key = (k % n, &levels[offsets[k]..offsets[k + 1]]);
            pattern[k] = *seen.entry(key).or_insert_with(|| {
                patterns.push(k);
                patterns.len() - 1
            });
        }
        let category_items = (0..rubric.categories.len())
            .map(|c| {
                let start = items.iter().position(|i| i.category >= c).unwrap_or(n);
                start..start + items[start..].iter().take_while(|i| i.category == c).count()
            })
            .collect();
        Model {
            funds,
            labels,
            categories: rubric.categories.len(),
            items,
            weight_sets,
            weight_set_names: names,
            nominal_set,
            levels,
            offsets,
            slots,
            pattern,
            patterns,
            category_items,
            guesses,
            default_partial: rubric.credits.partial,
            unknown: rubric.unknown,
            floor: rubric.floor,
            scale: rubric.scale,
        }
    }

    fn nominal(&self) -> Params {
        let (partial, unknown, geometric, weight_set, leave_out) = self.nominal_scalars();
        Params {
            cat_factor: vec![1.0; self.categories],
            item_factor: vec![1.0; self.items.len()],
            partial,
            unknown,
            geometric,
            weight_set,
            leave_out,
        }
    }

    /// The nominal values of [`Params`]' scalar fields.
    fn nominal_scalars(&self) -> (f64, Unknown, bool, usize, Option<usize>) {
        let unknown = match self.unknown {
            UnknownRule::None => Unknown::None,
            UnknownRule::Exclude => Unknown::Exclude,
        };
        (self.default_partial, unknown, false, self.nominal_set, None)
    }

    /// Whether varying `a` could change any score.
    fn matters(&self, a: Assumption) -> bool {
        let any_level = |l: Level| self.levels.contains(&l);
        match a {
            Assumption::Weights => self.items.len() > 1,
            Assumption::PartialCredit => any_level(Level::Partial),
            Assumption::UnknownRule => any_level(Level::Unknown),
            Assumption::Aggregation => self.categories > 1,
            Assumption::Profile => self.weight_sets.len() > 1,
            Assumption::LeaveOneOut => self.items.len() > 1,
        }
    }

    /// Every fund's unrounded score under `p`, into `out`.
    fn scores(&self, p: &Params, out: &mut [f64]) {
        let mut scratch = Scratch::new();
        scratch.params.push(p.clone());
        self.scores_block(&mut scratch, out, 1);
    }

    /// Every fund's unrounded score in each run of a block (`scratch.params`, one per run),
    /// into `out`, fund after fund (`out[f * stride + s]`).
    ///
    /// A cell's level is the same in every run, so what it adds to its category's two sums
    /// in each run is a row of a table made once per block: the item's row for that level,
    /// or a row of the cell's own where it reads several disclosures or is estimated. The
    /// kernel then runs category by category and fund by fund over tiles of [`TILE`] runs,
    /// adding the rows of the category's items in item order into sums held in registers:
    /// the same order, hence the same bits, as scoring one fund in one run at a time. A
    /// left-out cell adds zero to both sums, which adds exactly nothing.
    #[inline(always)]
    fn scores_block(&self, scratch: &mut Scratch, out: &mut [f64], stride: usize) {
        let (nf, n, runs) = (self.funds.len(), self.items.len(), scratch.params.len());
        let Some(last) = scratch.params.last().cloned() else { return };
        if nf == 0 {
            return;
        }
        // Whole tiles: the last one padded with copies of the last run, scored and dropped.
        let b = runs.next_multiple_of(TILE);
        scratch.params.resize(b, last);
        let Scratch {
            params: ps,
            credit,
            add_w,
            add_wc,
            weight,
            rows,
            own_cells,
            rows_for,
            cat_w,
            cat_sw,
            cat_swc,
            cat_share,
            counted,
            total_w,
            sum,
            run_partial,
            run_unknown,
            row_credit,
            ..
        } = scratch;
        let ps = &*ps;
        // The row each cell adds (`rows[f * n + i]`): its item's row for its level, or a row
        // of its own after the items' rows.
        let any_estimate = ps.iter().any(|p| p.unknown == Unknown::Estimate);
        let unknown_slot = slot(Level::Unknown);
        let item_rows = n * SLOTS;
        let shared = self.patterns.len();
        // The rows depend only on whether a run of the block is under the estimate: made
        // again only when that changes.
        if *rows_for != Some(any_estimate) {
            *rows_for = Some(any_estimate);
            rows.clear();
            own_cells.clear();
            for f in 0..nf {
                for i in 0..n {
                    let (k, one) = (f * n + i, self.slots[i * nf + f]);
                    let unknown = || self.levels[self.offsets[k]..self.offsets[k + 1]].contains(&Level::Unknown);
                    if any_estimate && (one == unknown_slot || (one == MANY && unknown())) {
                        rows.push(item_rows + shared + own_cells.len());
                        own_cells.push(k);
                    } else if one == MANY {
                        rows.push(item_rows + self.pattern[k]);
                    } else {
                        rows.push(i * SLOTS + usize::from(one));
                    }
                }
            }
        }
        let own = shared + own_cells.len();
        credit.resize(if own > 0 { item_rows * b } else { 0 }, 0.0);
        add_w.resize((item_rows + own) * b, 0.0);
        add_wc.resize((item_rows + own) * b, 0.0);
        weight.resize(n * b, 0.0);
        // Per item and run: its weight, the credit of each level (NaN = left out; kept only
        // where a cell has a row of its own), and what a cell of each level adds to the
        // category's two sums (at `(i * SLOTS + slot) * b + s`). The run's values first, so
        // that each row is made in one pass over plain numbers.
        let (run_partial, run_unknown) = (&mut *run_partial, &mut *run_unknown);
        run_partial.clear();
        run_partial.extend(ps.iter().map(|p| p.partial));
        run_unknown.clear();
        // Unknown as none is the item's own credit for none: marked +∞, set per item below.
        run_unknown.extend(ps.iter().map(|p| match p.unknown {
            Unknown::None => f64::INFINITY,
            Unknown::Exclude | Unknown::Estimate => f64::NAN,
            Unknown::Credit(c) => c,
        }));
        row_credit.resize(b, 0.0);
        for (i, item) in self.items.iter().enumerate() {
            let w = &mut weight[i * b..(i + 1) * b];
            for (w, p) in w.iter_mut().zip(ps) {
                *w = if p.leave_out == Some(i) { 0.0 } else { self.weight_sets[p.weight_set].1[i] * p.item_factor[i] };
            }
            let w = &*w;
            let (lo, hi) = (item.none.min(item.full), item.full.max(item.none));
            for k in 0..SLOTS {
                let c = &mut row_credit[..];
                match k {
                    0 => c.fill(item.full),
                    1 if self.default_partial > 0.0 => {
                        for (c, p) in c.iter_mut().zip(run_partial.iter()) {
                            *c = (item.partial * p / self.default_partial).clamp(lo, hi);
                        }
                    }
                    1 => {
                        for (c, p) in c.iter_mut().zip(run_partial.iter()) {
                            *c = p.clamp(lo, hi);
                        }
                    }
                    2 => c.fill(item.none),
                    3 => c.fill(f64::NAN),
                    _ => {
                        for (c, u) in c.iter_mut().zip(run_unknown.iter()) {
                            *c = if *u == f64::INFINITY { item.none } else { *u };
                        }
                    }
                }
                let r = (i * SLOTS + k) * b..(i * SLOTS + k + 1) * b;
                if own > 0 {
                    credit[r.clone()].copy_from_slice(c);
                }
                fill_row(w, c, &mut add_w[r.clone()], &mut add_wc[r]);
            }
        }
        // The cells' own rows.
        let (credit, weight) = (&*credit, &*weight);
        let (table_w, own_w) = add_w.split_at_mut(item_rows * b);
        let (table_wc, own_wc) = add_wc.split_at_mut(item_rows * b);
        let cells = self.patterns.iter().chain(own_cells.iter());
        for ((&k, own_w), own_wc) in cells.zip(own_w.chunks_exact_mut(b)).zip(own_wc.chunks_exact_mut(b)) {
            let (f, i) = (k / n, k % n);
            let one = self.slots[i * nf + f];
            let w = &weight[i * b..(i + 1) * b];
            if one == MANY {
                // Its levels' credits combined by the item's rule for all runs at once, as
                // `combined` does for one (the estimate's runs are done again below).
                let levels = &self.levels[self.offsets[k]..self.offsets[k + 1]];
                let rows = levels.iter().map(|l| &credit[(i * SLOTS + usize::from(slot(*l))) * b..][..b]);
                let (acc, count) = (&mut own_wc[..], &mut *counted);
                count.clear();
                count.resize(b, 0);
                match self.items[i].rule {
                    Combine::Min => fold_rows(acc, count, rows, f64::INFINITY, f64::min),
                    Combine::Max => fold_rows(acc, count, rows, f64::NEG_INFINITY, f64::max),
                    Combine::Mean => fold_rows(acc, count, rows, 0.0, |a, c| a + c),
                }
                let mean = self.items[i].rule == Combine::Mean;
                for (((own_w, own_wc), count), w) in own_w.iter_mut().zip(own_wc.iter_mut()).zip(&*count).zip(w) {
                    let c = match count {
                        0 => f64::NAN,
                        _ if mean => *own_wc / f64::from(*count),
                        _ => *own_wc,
                    };
                    (*own_w, *own_wc) = if *w > 0.0 && !c.is_nan() { (*w, w * c) } else { (0.0, 0.0) };
                }
            }
            // Without a run under the estimate, every cell here reads several disclosures
            // and is done.
            if !any_estimate {
                continue;
            }
            for (s, p) in ps.iter().enumerate() {
                if p.unknown == Unknown::Estimate {
                    let c = self.combined(f, i, p, |l| credit[(i * SLOTS + usize::from(l)) * b + s]);
                    (own_w[s], own_wc[s]) = if w[s] > 0.0 && !c.is_nan() { (w[s], w[s] * c) } else { (0.0, 0.0) };
                } else if one != MANY {
                    let t = (i * SLOTS + usize::from(one)) * b + s;
                    (own_w[s], own_wc[s]) = (table_w[t], table_wc[t]);
                }
            }
        }
        let (add_w, add_wc) = (&*add_w, &*add_wc);
        total_w.clear();
        total_w.resize(nf * b, 0.0);
        sum.clear();
        sum.resize(nf * b, 0.0);
        // Per category and run: the category's weight.
        let nc = self.category_items.len();
        cat_w.resize(nc * b, 0.0);
        for (c, w) in cat_w.chunks_exact_mut(b).enumerate() {
            for (w, p) in w.iter_mut().zip(ps) {
                *w = self.weight_sets[p.weight_set].0[c] * p.cat_factor[c];
            }
        }
        // Whether a run of the block combines categories by the geometric mean.
        let geometric = ps.iter().any(|p| p.geometric);
        let (total_w, sum) = (&mut total_w[..], &mut sum[..]);
        cat_sw.resize(nf * b, 0.0);
        cat_swc.resize(nf * b, 0.0);
        cat_share.resize(b, 0.0);
        let share = &mut cat_share[..];
        for (c, items) in self.category_items.iter().enumerate() {
            // The category's two sums, fund by fund over tiles of runs held in registers,
            // adding the rows of its items in item order.
            for t in (0..b).step_by(TILE) {
                for f in 0..nf {
                    let (mut sw, mut swc) = ([0.0; TILE], [0.0; TILE]);
                    for &r in &rows[f * n + items.start..f * n + items.end] {
                        let at = r * b + t;
                        let (x, y): (&[f64; TILE], &[f64; TILE]) = (
                            add_w[at..at + TILE].try_into().expect("a whole tile"),
                            add_wc[at..at + TILE].try_into().expect("a whole tile"),
                        );
                        for k in 0..TILE {
                            sw[k] += x[k];
                            swc[k] += y[k];
                        }
                    }
                    cat_sw[f * b + t..f * b + t + TILE].copy_from_slice(&sw);
                    cat_swc[f * b + t..f * b + t + TILE].copy_from_slice(&swc);
                }
            }
            // Then into every fund's totals, run by run.
            let w = &cat_w[c * b..(c + 1) * b];
            let sums = cat_sw.chunks_exact(b).zip(cat_swc.chunks_exact(b));
            let totals = total_w.chunks_exact_mut(b).zip(sum.chunks_exact_mut(b));
            for ((sw, swc), (total_w, sum)) in sums.zip(totals) {
                if geometric {
                    for s in 0..b {
                        if sw[s] <= 0.0 || w[s] <= 0.0 {
                            continue;
                        }
                        let share = swc[s] / sw[s];
                        total_w[s] += w[s];
                        sum[s] += if ps[s].geometric { w[s] * share.max(GEOMETRIC_FLOOR).ln() } else { w[s] * share };
                    }
                } else {
                    // The shares first, in a loop of their own (0 where nothing counts: no
                    // weight, no credit), then each term times 1 or 0, so that both loops are
                    // done several runs at a time. A category that does not count adds +0
                    // or -0 to sums that are never -0, which leaves them as they are.
                    for ((share, sw), swc) in share.iter_mut().zip(sw).zip(swc) {
                        *share = swc / if *sw > 0.0 { *sw } else { 1.0 };
                    }
                    let each = total_w.iter_mut().zip(sum.iter_mut()).zip(sw.iter().zip(&*share).zip(w));
                    for ((total_w, sum), ((sw, share), w)) in each {
                        let counts = f64::from(u8::from((*sw > 0.0) & (*w > 0.0)));
                        *total_w += w * counts;
                        *sum += w * share * counts;
                    }
                }
            }
        }
        let span = self.scale - self.floor;
        for f in 0..nf {
            for s in 0..runs {
                let at = f * b + s;
                let share = if total_w[at] <= 0.0 {
                    0.0
                } else if ps[s].geometric {
                    (sum[at] / total_w[at]).exp()
                } else {
                    sum[at] / total_w[at]
                };
                out[f * stride + s] = self.floor + span * share;
            }
        }
        scratch.params.truncate(runs);
    }

    /// The credit of fund `f`'s cell of item `i` in the run `p`, from the credit each level
    /// gives in that run: its disclosures' credits combined by the item's rule, an unknown
    /// one under the estimate at the expected credit of its guess (one guessed not applicable
    /// drops out); NaN when none counts.
    fn combined(&self, f: usize, i: usize, p: &Params, credit: impl Fn(u8) -> f64) -> f64 {
        let k = f * self.items.len() + i;
        let at = self.offsets[k];
        let item = &self.items[i];
        let mut acc = match item.rule {
            Combine::Min => f64::INFINITY,
            Combine::Max => f64::NEG_INFINITY,
            Combine::Mean => 0.0,
        };
        let mut count = 0u32;
        for (j, l) in self.levels[at..self.offsets[k + 1]].iter().enumerate() {
            let c = match (*l, p.unknown, self.guesses[at + j]) {
                (Level::Unknown, Unknown::Estimate, Some(g)) if !g.not_applicable => {
                    g.expected_credit(credit(0), credit(1), credit(2))
                }
                (l, _, _) => credit(slot(l)),
            };
            if c.is_nan() {
                continue;
            }
            count += 1;
            acc = match item.rule {
                Combine::Min => acc.min(c),
                Combine::Max => acc.max(c),
                Combine::Mean => acc + c,
            };
        }
        match (count, item.rule) {
            (0, _) => f64::NAN,
            (_, Combine::Mean) => acc / f64::from(count),
            _ => acc,
        }
    }

    /// Maps uniforms in [0, 1) to assumption values into `p` (its buffers reused); `u` has
    /// [`Model::dims`] entries.
    #[inline(always)]
    fn params_into(&self, u: &[f64], noise: f64, fixed: &[Assumption], p: &mut Params) {
        p.reset(self);
        let nw = self.categories + self.items.len();
        let on = |a: Assumption| !fixed.contains(&a) && self.matters(a);
        if on(Assumption::Weights) {
            for (k, x) in u[..nw].iter().enumerate() {
                let factor = 1.0 - noise + 2.0 * noise * x;
                if k < self.categories {
                    p.cat_factor[k] = factor;
                } else {
                    p.item_factor[k - self.categories] = factor;
                }
            }
        }
        let rest = &u[nw..];
        if on(Assumption::PartialCredit) {
            p.partial = 0.25 + 0.5 * rest[0];
        }
        if on(Assumption::UnknownRule) {
            p.unknown = if rest[1] < 0.25 {
                Unknown::None
            } else if rest[1] < 0.5 {
                Unknown::Exclude
            } else if rest[1] < 0.75 {
                Unknown::Estimate
            } else {
                Unknown::Credit(((rest[1] - 0.75) * 4.0).clamp(0.0, 1.0))
            };
        }
        if on(Assumption::Aggregation) {
            p.geometric = rest[2] >= 0.5;
        }
        if on(Assumption::Profile) {
            p.weight_set = ((rest[3] * self.weight_sets.len() as f64) as usize).min(self.weight_sets.len() - 1);
        }
        if on(Assumption::LeaveOneOut) {
            let k = ((rest[4] * (self.items.len() + 1) as f64) as usize).min(self.items.len());
            p.leave_out = k.checked_sub(1);
        }
    }

    /// How many uniforms one model run takes.
    fn dims(&self) -> usize {
        self.categories + self.items.len() + 5
    }

    /// The columns of the uniforms that belong to `a`.
    fn columns(&self, a: Assumption) -> std::ops::Range<usize> {
        let nw = self.categories + self.items.len();
        match a {
            Assumption::Weights => 0..nw,
            Assumption::PartialCredit => nw..nw + 1,
            Assumption::UnknownRule => nw + 1..nw + 2,
            Assumption::Aggregation => nw + 2..nw + 3,
            Assumption::Profile => nw + 3..nw + 4,
            Assumption::LeaveOneOut => nw + 4..nw + 5,
        }
    }
}

/// One row of a block's table: what a cell whose credit in run `s` is `c[s]` adds to its
/// category's weight (`tw`) and weighted credit (`twc`), given the item's weight `w` in each
/// run: nothing where the weight is zero or the credit NaN (left out).
#[inline(always)]
fn fill_row(w: &[f64], c: &[f64], tw: &mut [f64], twc: &mut [f64]) {
    for (((w, c), tw), twc) in w.iter().zip(c).zip(tw.iter_mut()).zip(twc.iter_mut()) {
        // Without a branch (`&`, a mask), so that the loop is done several runs at a time.
        let mask = counts_mask((*w > 0.0) & !c.is_nan());
        *tw = f64::from_bits(w.to_bits() & mask);
        *twc = f64::from_bits((w * c).to_bits() & mask);
    }
}

/// Folds rows of credits into `acc` by `op`, run by run, from `init`, skipping NaN (not
/// counted) and counting the rest into `count`: an item's rule over a cell's levels, in level
/// order, for several runs at a time.
#[inline(always)]
fn fold_rows<'a>(
    acc: &mut [f64],
    count: &mut [u32],
    rows: impl Iterator<Item = &'a [f64]>,
    init: f64,
    op: impl Fn(f64, f64) -> f64,
) {
    acc.fill(init);
    for row in rows {
        for ((acc, count), c) in acc.iter_mut().zip(count.iter_mut()).zip(row) {
            let counts = !c.is_nan();
            *acc = if counts { op(*acc, *c) } else { *acc };
            *count += u32::from(counts);
        }
    }
}

/// All ones when `counts`, else zero: ANDed with a number's bits, the number or +0.
fn counts_mask(counts: bool) -> u64 {
    u64::from(counts).wrapping_neg()
}

/// Marks an item that reads several disclosures in [`Model`]'s `single`.
const MANY: u8 = u8::MAX;

/// The number of credit slots of an item (see [`slot`]).
const SLOTS: usize = 5;

/// A level's place in an item's credit table: full, partial, none, not applicable, unknown.
fn slot(l: Level) -> u8 {
    match l {
        Level::Full => 0,
        Level::Partial => 1,
        Level::None => 2,
        Level::NotApplicable => 3,
        Level::Unknown => 4,
    }
}

/// The number of runs scored in one pass of the kernel (see [`Model::scores_block`]).
const BLOCK: usize = 64;

/// The runs whose sums the kernel holds in registers at once: each of the two sums in four
/// AVX2 registers (in eight of the x86-64 baseline's, which then spill some). With AVX2, 16
/// runs took about 6% less time than 8 (single-thread task clock, 11 runs each).
const TILE: usize = 16;

/// Buffers one thread reuses from block to block, so that a Monte Carlo run allocates
/// nothing.
#[derive(Debug, Default)]
struct Scratch {
    /// The runs of the block being scored.
    params: Vec<Params>,
    /// Per item, level slot and run: the credit (NaN = left out), and what a cell adds to its
    /// category's weight and weighted credit.
    credit: Vec<f64>,
    add_w: Vec<f64>,
    add_wc: Vec<f64>,
    /// Per item and run: the item's weight.
    weight: Vec<f64>,
    /// Per run: the credit for partial, and for unknown (+∞ = the item's credit for none).
    run_partial: Vec<f64>,
    run_unknown: Vec<f64>,
    /// One row of credits, run after run.
    row_credit: Vec<f64>,
    /// Per fund and item: the row of `add_w` and `add_wc` its cell adds.
    rows: Vec<usize>,
    /// The cells with a row of their own (unknowns under the estimate), as `f * n + i`.
    own_cells: Vec<usize>,
    /// What `rows` and `own_cells` were made for: whether a run of the block is under the
    /// estimate.
    rows_for: Option<bool>,
    /// Per run: the weight of the category being scored.
    cat_w: Vec<f64>,
    /// Per fund and run: the two sums of the category being scored.
    cat_sw: Vec<f64>,
    cat_swc: Vec<f64>,
    /// Per run: the category's share of its weight credited, for one fund.
    cat_share: Vec<f64>,
    /// Per run: how many of a cell's levels count.
    counted: Vec<u32>,
    /// Per fund and run: the sums over the categories scored so far.
    total_w: Vec<f64>,
    sum: Vec<f64>,
    /// The ranking's buffers.
    ranking: crate::score::RankScratch,
}

impl Scratch {
    fn new() -> Scratch {
        Scratch { params: Vec::with_capacity(BLOCK), ..Scratch::default() }
    }

    /// Scores and ranks of the runs the rows of `u` (`dims` uniforms each) pick: the scores
    /// into `sc` fund after fund (`sc[f * stride + s]`), the ranks into `rk` fund after fund
    /// (`rk[f * runs + s]`).
    #[inline(always)]
    fn run_block(&mut self, m: &Model, u: &[f64], s: &Settings, sc: &mut [f64], stride: usize, rk: &mut [u32]) {
        let (nf, dims) = (m.funds.len(), m.dims());
        let runs = u.len() / dims;
        while self.params.len() < runs {
            self.params.push(m.nominal());
        }
        self.params.truncate(runs);
        let mut ps = std::mem::take(&mut self.params);
        for (p, u) in ps.iter_mut().zip(u.chunks_exact(dims)) {
            m.params_into(u, s.weight_noise, &s.fixed, p);
        }
        self.params = ps;
        m.scores_block(self, sc, stride);
        crate::score::score_ranks_of_runs(sc, stride, nf, runs, rk, &mut self.ranking);
    }
}

/// The rank at quantile `q` of `n` ranks counted in `counts` (index = rank): the
/// ceil(q·n)-th smallest; 0 when there are none.
fn rank_at_count(counts: &[u64], n: usize, q: f64) -> u32 {
    if n == 0 {
        return 0;
    }
    let k = ((q * n as f64).ceil() as u64).clamp(1, n as u64);
    let mut seen = 0;
    for (r, c) in counts.iter().enumerate() {
        seen += c;
        if seen >= k {
            return r as u32;
        }
    }
    0
}

/// The quantiles `ps` (ascending) of `v`, linearly interpolated between order statistics
/// (as NumPy's default); `v` is reordered. Only the order statistics needed are selected,
/// each in the part of `v` left above the previous one, so this is linear, not a sort.
fn quantiles(v: &mut [f64], ps: &[f64]) -> Vec<f64> {
    if v.is_empty() {
        return vec![0.0; ps.len()];
    }
    let last = (v.len() - 1) as f64;
    let bounds = |p: f64| {
        let x = p * last;
        (x.floor() as usize, x.ceil() as usize, x - x.floor())
    };
    // The order statistics needed, ascending and distinct, each selected in the part of `v`
    // above the previous one (all of which is at least as large).
    let mut needed: Vec<usize> = ps.iter().flat_map(|&p| [bounds(p).0, bounds(p).1]).collect();
    needed.sort_unstable();
    needed.dedup();
    let found = order_statistics(v, &needed);
    let at = |k: usize| found[needed.binary_search(&k).unwrap_or(0)];
    ps.iter()
        .map(|&p| {
            let (lo, hi, frac) = bounds(p);
            at(lo) + (at(hi) - at(lo)) * frac
        })
        .collect()
}

/// The `ks`-th smallest values of `v` (`ks` ascending and distinct; 0 is the smallest), in
/// the order of `total_cmp`; `v` is reordered.
///
/// Each is selected in the part of `v` above the previous one. A long `v` is first binned:
/// one pass finds its range, one counts the values in each of [`BINS`] equal parts of it, and
/// one gathers the values of the parts where the order statistics fall, among which they are
/// selected: three passes rather than one selection (several) per order statistic.
fn order_statistics(v: &mut [f64], ks: &[usize]) -> Vec<f64> {
    // The range and whether a NaN is among the values (which `min` and `max` pass over), in
    // one pass.
    let (lo, hi, nan) = v
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY, false), |(lo, hi, nan), x| (lo.min(*x), hi.max(*x), nan | x.is_nan()));
    let width = hi - lo;
    if v.len() < 4 * BINS || !(width.is_finite() && width > 0.0) || nan {
        return select_ascending(v, ks);
    }
    // The part of each value: `x - lo` and the product are monotone in `x` (so are the parts),
    // and -0 and +0 share one, so the values in a part are a contiguous run of the sorted `v`.
    let scale = BINS as f64 / width;
    let part = |x: f64| (((x - lo) * scale) as usize).min(BINS - 1);
    let mut counts = vec![0usize; BINS];
    for x in v.iter() {
        counts[part(*x)] += 1;
    }
    // The parts where the order statistics fall (ascending), each with the places of its
    // order statistics among its own values.
    let mut wanted: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut first = 0;
    let mut next = ks.iter().peekable();
    for (p, c) in counts.iter().enumerate() {
        while let Some(&k) = next.next_if(|k| **k < first + c) {
            match wanted.last_mut() {
                Some((q, places)) if *q == p => places.push(k - first),
                _ => wanted.push((p, vec![k - first])),
            }
        }
        first += c;
    }
    // Their values, each part's in a buffer of its own, then selected there.
    let mut slot = vec![usize::MAX; BINS];
    let mut parts: Vec<Vec<f64>> = Vec::with_capacity(wanted.len());
    for (s, (p, _)) in wanted.iter().enumerate() {
        slot[*p] = s;
        parts.push(Vec::with_capacity(counts[*p]));
    }
    for x in v.iter() {
        if let Some(part) = parts.get_mut(slot[part(*x)]) {
            part.push(*x);
        }
    }
    parts.iter_mut().zip(&wanted).flat_map(|(part, (_, places))| select_ascending(part, places)).collect()
}

/// The `ks`-th smallest values of `v` (`ks` ascending and distinct), each selected in the part
/// of `v` left above the previous one; `v` is reordered.
fn select_ascending(v: &mut [f64], ks: &[usize]) -> Vec<f64> {
    let mut start = 0;
    ks.iter()
        .map(|&k| {
            let (_, x, _) = v[start..].select_nth_unstable_by(k - start, f64::total_cmp);
            start = k + 1;
            *x
        })
        .collect()
}

/// The number of parts [`order_statistics`] bins a long column into.
const BINS: usize = 4096;

/// Fills `u` with uniforms in [0, 1), each from the top 53 bits of the stream's next 64 (the
/// values `next_u64` would give one after another), the bits taken in one piece (`bytes` is
/// scratch space).
fn uniforms(rng: &mut ChaCha8Rng, u: &mut [f64], bytes: &mut Vec<u8>) {
    bytes.resize(u.len() * 8, 0);
    rng.fill_bytes(bytes);
    for (x, b) in u.iter_mut().zip(bytes.chunks_exact(8)) {
        let bits = u64::from_le_bytes(b.try_into().expect("eight bytes"));
        *x = (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
    }
}

/// The generator for chunk `k` of a run seeded with `seed`.
fn stream(seed: u64, k: usize, salt: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    rng.set_stream(k as u64);
    rng
}

/// The outcome of a robustness run.
#[derive(Debug, Clone, Serialize)]
pub struct Robustness {
    pub rubric: RubricInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    pub as_of: Option<i32>,
    /// Each fund at this age (years since its establishment), where asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_age: Option<i32>,
    pub samples: usize,
    pub seed: u64,
    pub weight_noise: f64,
    /// What was varied, held fixed, or could not change any result.
    pub assumptions: Vec<AssumptionInfo>,
    /// Per fund, in nominal rank order.
    pub funds: Vec<FundUncertainty>,
    /// For the funds named, the share of samples in which each ranks above each other.
    pub pairs: Vec<PairOdds>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<Sensitivity>,
}

/// An assumption and what the run did with it.
#[derive(Debug, Clone, Serialize)]
pub struct AssumptionInfo {
    pub assumption: Assumption,
    /// `varied`, `fixed` (switched off) or `inert` (cannot change any result here).
    pub status: &'static str,
    pub description: String,
    /// The values in the description, for the message `robust.describe.<assumption>` of
    /// another language.
    #[serde(skip)]
    pub params: Vec<(&'static str, String)>,
}

/// One fund's rank and score under uncertainty.
#[derive(Debug, Clone, Serialize)]
pub struct FundUncertainty {
    pub fund: String,
    pub label: String,
    pub nominal_score: f64,
    pub nominal_rank: u32,
    pub median_rank: u32,
    /// The 5th and 95th percentile ranks.
    pub rank_interval: [u32; 2],
    /// Share of samples at each rank position, from rank 1.
    /// Share of samples at each rank the fund takes (ranks it never takes are left out), a
    /// JSON object from rank to share.
    #[serde(serialize_with = "rank_map")]
    pub rank_probabilities: Vec<(u32, f64)>,
    /// Score quantiles: 5th, 25th, 50th, 75th and 95th percentiles.
    pub score_quantiles: [f64; 5],
}

fn rank_map<S: serde::Serializer>(v: &[(u32, f64)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(v.iter().map(|(k, p)| (k.to_string(), p)))
}

impl FundUncertainty {
    /// The share of samples in which the fund holds its nominal rank.
    pub fn p_nominal(&self) -> f64 {
        self.rank_probabilities.iter().find(|(r, _)| *r == self.nominal_rank).map_or(0.0, |(_, p)| *p)
    }
}

/// How often one fund ranks above another.
#[derive(Debug, Clone, Serialize)]
pub struct PairOdds {
    pub fund: String,
    pub other: String,
    /// Share of samples in which `fund` ranks strictly above `other`.
    pub above: f64,
    /// Share in which they tie.
    pub tied: f64,
}

/// Sobol indices of each assumption on the mean absolute rank shift.
#[derive(Debug, Clone, Serialize)]
pub struct Sensitivity {
    /// N: base samples; the run took N × (d + 2) model evaluations.
    pub base_samples: usize,
    pub evaluations: usize,
    /// What the indices measure, as an id: `mean_absolute_rank_shift` (from the nominal ranking).
    pub output: &'static str,
    pub indices: Vec<SobolIndex>,
    /// The assumption with the largest total-order index.
    pub most_influential: Option<Assumption>,
}

/// First-order and total-order indices with bootstrap 95% intervals.
#[derive(Debug, Clone, Serialize)]
pub struct SobolIndex {
    pub assumption: Assumption,
    pub first_order: f64,
    pub first_order_interval: [f64; 2],
    pub total_order: f64,
    pub total_order_interval: [f64; 2],
}

/// Runs the Monte Carlo (and the Sobol analysis when asked) over `ds`.
pub fn robustness(ds: &Dataset, s: &Settings) -> Robustness {
    let when = When::of(s.as_of, s.at_age);
    let model = Model::new(ds, when, s.profile.as_deref(), !s.fixed.contains(&Assumption::UnknownRule));
    let nf = model.funds.len();
    let mut nominal_scores = vec![0.0; nf];
    model.scores(&model.nominal(), &mut nominal_scores);
    let nominal_ranks = crate::score::score_ranks(&nominal_scores);

    let assumptions: Vec<AssumptionInfo> = Assumption::ALL
        .iter()
        .map(|&a| {
            let status = if s.fixed.contains(&a) {
                "fixed"
            } else if model.matters(a) {
                "varied"
            } else {
                "inert"
            };
            let params = describe(a, &model, s.weight_noise);
            let description = describe_in(crate::locale::Locale::of(crate::locale::Lang::En), a, &params);
            AssumptionInfo { assumption: a, status, description, params }
        })
        .collect();

    // Monte Carlo: chunked, each chunk with its own stream, writing its own rows of the
    // score table; rank counts are integer sums, so their order of reduction does not matter.
    let names: Vec<usize> = s.pairs.iter().filter_map(|p| model.funds.iter().position(|f| f == p)).collect();
    let np = names.len();
    // Scores of every sample (memory linear in samples × funds), fund after fund, so that each
    // fund's column is summarised in place; each chunk of samples writes its piece of every
    // column. Ranks are only counted (fund f at rank r: `counts[f * (nf + 1) + r]`).
    let mut table = vec![0.0; s.samples * nf];
    let mut pieces: Vec<Vec<&mut [f64]>> = (0..s.samples.div_ceil(CHUNK)).map(|_| Vec::with_capacity(nf)).collect();
    for column in table.chunks_mut(s.samples.max(1)) {
        for (k, piece) in column.chunks_mut(CHUNK).enumerate() {
            pieces[k].push(piece);
        }
    }
    let zero = || no_counts(nf, np);
    let add = |mut a: Counts, b: Counts| {
        a.0.iter_mut().zip(&b.0).for_each(|(x, y)| *x += y);
        a.1.iter_mut().zip(&b.1).for_each(|(x, y)| *x += y);
        a.2.iter_mut().zip(&b.2).for_each(|(x, y)| *x += y);
        a
    };
    let arch = pulp::Arch::new();
    let (above, tied, counts) = pieces
        .into_par_iter()
        .enumerate()
        .map(|(k, columns)| arch.dispatch(Chunk { model: &model, s, names: &names, k, columns }))
        .reduce(zero, add);
    let total = s.samples.max(1) as f64;
    // Each fund's column is summarised on its own, on every core (`collect` keeps the order).
    let mut funds: Vec<FundUncertainty> = table
        .par_chunks_mut(s.samples.max(1))
        .enumerate()
        .map(|(f, v)| {
            let counts = &counts[f * (nf + 1)..(f + 1) * (nf + 1)];
            let probabilities: Vec<(u32, f64)> = (1..=nf)
                .filter(|&r| counts[r] > 0)
                .map(|r| (r as u32, crate::score::round_to(counts[r] as f64 / total, 6)))
                .collect();
            let rank_at = |q: f64| rank_at_count(counts, s.samples, q);
            let qs = quantiles(v, &[0.05, 0.25, 0.5, 0.75, 0.95]);
            let q = |i: usize| crate::score::round_to(qs[i], 4);
            FundUncertainty {
                fund: model.funds[f].clone(),
                label: model.labels[f].clone(),
                nominal_score: round_score(nominal_scores[f]),
                nominal_rank: nominal_ranks[f],
                median_rank: rank_at(0.5),
                rank_interval: [rank_at(0.05), rank_at(0.95)],
                rank_probabilities: probabilities,
                score_quantiles: [q(0), q(1), q(2), q(3), q(4)],
            }
        })
        .collect();
    funds.sort_by(|a, b| (a.nominal_rank, &a.fund).cmp(&(b.nominal_rank, &b.fund)));
    let mut pairs = Vec::new();
    for (ia, &a) in names.iter().enumerate() {
        for (ib, &b) in names.iter().enumerate() {
            if a != b {
                pairs.push(PairOdds {
                    fund: model.funds[a].clone(),
                    other: model.funds[b].clone(),
                    above: crate::score::round_to(above[ia * np + ib] as f64 / total, 6),
                    tied: crate::score::round_to(tied[ia * np + ib] as f64 / total, 6),
                });
            }
        }
    }
    let sensitivity = s.sobol.then(|| sobol(&model, s, &nominal_ranks, &assumptions));
    Robustness {
        rubric: RubricInfo::of(&ds.rubric),
        profile: s.profile.clone(),
        as_of: s.as_of,
        at_age: s.at_age,
        samples: s.samples,
        seed: s.seed,
        weight_noise: s.weight_noise,
        assumptions,
        funds,
        pairs,
        sensitivity,
    }
}

/// One chunk of the Monte Carlo: its runs scored and ranked into its piece of every fund's
/// column, and its counts of ranks and of the named funds' order. Run through
/// [`pulp::Arch::dispatch`], so that the kernel (inlined here) is compiled for the widest
/// vector instructions the processor has (AVX2 where there is), chosen at run time; the
/// arithmetic, lane by lane, is the same on every path, so are the bits.
struct Chunk<'a> {
    model: &'a Model,
    s: &'a Settings,
    names: &'a [usize],
    k: usize,
    columns: Vec<&'a mut [f64]>,
}

/// A chunk's counts: for each ordered pair of named funds, the runs in which the first ranks
/// above the second and in which they tie; for each fund and rank, the runs at that rank
/// (`[f * (nf + 1) + r]`).
type Counts = (Vec<u64>, Vec<u64>, Vec<u64>);

fn no_counts(nf: usize, np: usize) -> Counts {
    (vec![0u64; np * np], vec![0u64; np * np], vec![0u64; nf * (nf + 1)])
}

impl pulp::WithSimd for Chunk<'_> {
    type Output = Counts;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) -> Counts {
        let Chunk { model, s, names, k, mut columns } = self;
        let (nf, dims, np) = (model.funds.len(), model.dims(), names.len());
        let mut rng = stream(s.seed, k, 1);
        let (mut u, mut bytes) = (vec![0.0; BLOCK * dims], Vec::new());
        let mut scratch = Scratch::new();
        let (mut sc, mut rk) = (vec![0.0; BLOCK * nf], vec![0u32; BLOCK * nf]);
        let (mut above, mut tied, mut counts) = no_counts(nf, np);
        let n = columns.first().map_or(0, |c| c.len());
        // Blocks of runs, their uniforms drawn run after run (as one run at a time would).
        for start in (0..n).step_by(BLOCK) {
            let runs = BLOCK.min(n - start);
            uniforms(&mut rng, &mut u[..runs * dims], &mut bytes);
            scratch.run_block(model, &u[..runs * dims], s, &mut sc, runs, &mut rk[..runs * nf]);
            for (column, sc) in columns.iter_mut().zip(sc.chunks_exact(runs)) {
                column[start..start + runs].copy_from_slice(sc);
            }
            let rk = &rk[..runs * nf];
            for (counts, rk) in counts.chunks_exact_mut(nf + 1).zip(rk.chunks_exact(runs)) {
                for r in rk {
                    counts[*r as usize] += 1;
                }
            }
            for (ia, &a) in names.iter().enumerate() {
                for (ib, &b) in names.iter().enumerate() {
                    let (ra, rb) = (&rk[a * runs..(a + 1) * runs], &rk[b * runs..(b + 1) * runs]);
                    for (x, y) in ra.iter().zip(rb) {
                        if x < y {
                            above[ia * np + ib] += 1;
                        } else if a != b && x == y {
                            tied[ia * np + ib] += 1;
                        }
                    }
                }
            }
        }
        if let Some(p) = &s.progress {
            (p.0)(n as u64);
        }
        (above, tied, counts)
    }
}

/// One chunk of the Sobol analysis: per base sample, f(A), f(B) and f(A_B^g) for each varied
/// group g, the base samples scored [`SOBOL_GROUP`] at a time in one block of runs and through
/// the same dispatch as [`Chunk`].
struct SobolChunk<'a> {
    model: &'a Model,
    s: &'a Settings,
    varied: &'a [Assumption],
    nominal: &'a [u32],
    k: usize,
}

/// Base samples scored together in one block of the Sobol analysis.
const SOBOL_GROUP: usize = 8;

impl pulp::WithSimd for SobolChunk<'_> {
    type Output = Vec<(f64, f64, Vec<f64>)>;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) -> Self::Output {
        let SobolChunk { model, s, varied, nominal, k } = self;
        let (nf, dims) = (model.funds.len(), model.dims());
        let m = CHUNK.min(s.samples - k * CHUNK);
        let mut rng = stream(s.seed, k, 2);
        // Per base sample, its runs: A, B, then A with each varied group from B.
        let per = 2 + varied.len();
        let (mut u, mut bytes) = (vec![0.0; SOBOL_GROUP * per * dims], Vec::new());
        let (mut sc, mut rk) = (vec![0.0; SOBOL_GROUP * per * nf], vec![0u32; SOBOL_GROUP * per * nf]);
        let mut scratch = Scratch::new();
        let mut out = Vec::with_capacity(m);
        for start in (0..m).step_by(SOBOL_GROUP) {
            let group = SOBOL_GROUP.min(m - start);
            // Each base sample's uniforms drawn in turn, as one at a time would.
            for rows in u.chunks_exact_mut(per * dims).take(group) {
                uniforms(&mut rng, &mut rows[..2 * dims], &mut bytes);
                let (ab, rest) = rows.split_at_mut(2 * dims);
                let (a, b) = ab.split_at(dims);
                for (g, row) in varied.iter().zip(rest.chunks_exact_mut(dims)) {
                    row.copy_from_slice(a);
                    let cols = model.columns(*g);
                    row[cols.clone()].copy_from_slice(&b[cols]);
                }
            }
            let runs = group * per;
            scratch.run_block(model, &u[..runs * dims], s, &mut sc, runs, &mut rk[..runs * nf]);
            let y = |r: usize| rank_shift(rk[..runs * nf].iter().skip(r).step_by(runs), nominal);
            for g in 0..group {
                let first = g * per;
                out.push((y(first), y(first + 1), (first + 2..first + per).map(y).collect()));
            }
        }
        if let Some(p) = &s.progress {
            (p.0)(m as u64);
        }
        out
    }
}

/// The values that describe what an assumption varies (words in `locales/`).
fn describe(a: Assumption, m: &Model, noise: f64) -> Vec<(&'static str, String)> {
    match a {
        Assumption::Weights => vec![
            ("categories", m.categories.to_string()),
            ("items", m.items.len().to_string()),
            ("low", format!("{:.2}", 1.0 - noise)),
            ("high", format!("{:.2}", 1.0 + noise)),
        ],
        Assumption::PartialCredit | Assumption::UnknownRule => vec![],
        Assumption::Aggregation => vec![("floor", format!("{:.0}", GEOMETRIC_FLOOR * 100.0))],
        Assumption::Profile => vec![("profiles", m.weight_set_names.join(", "))],
        Assumption::LeaveOneOut => vec![("items", m.items.len().to_string())],
    }
}

/// What an assumption varies, in `loc`'s language.
pub fn describe_in(loc: &crate::locale::Locale, a: Assumption, params: &[(&'static str, String)]) -> String {
    let args: Vec<(&str, &dyn std::fmt::Display)> =
        params.iter().map(|(k, v)| (*k, v as &dyn std::fmt::Display)).collect();
    loc.f(&format!("robust.describe.{}", a.as_str()), &args)
}

/// Mean absolute rank shift from the nominal ranks of a run's ranks `rk`.
fn rank_shift<'a>(rk: impl Iterator<Item = &'a u32>, nominal: &[u32]) -> f64 {
    let n = nominal.len().max(1) as f64;
    rk.zip(nominal).map(|(a, b)| (f64::from(*a) - f64::from(*b)).abs()).sum::<f64>() / n
}

fn sobol(model: &Model, s: &Settings, nominal: &[u32], assumptions: &[AssumptionInfo]) -> Sensitivity {
    let varied: Vec<Assumption> = assumptions.iter().filter(|a| a.status == "varied").map(|a| a.assumption).collect();
    let n = s.samples;
    // Rows of A and B, then f(A), f(B) and f(A_B^g) for each varied group g.
    let arch = pulp::Arch::new();
    let rows: Vec<(f64, f64, Vec<f64>)> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .flat_map_iter(|k| arch.dispatch(SobolChunk { model, s, varied: &varied, nominal, k }))
        .collect();
    let ya: Vec<f64> = rows.iter().map(|r| r.0).collect();
    let yb: Vec<f64> = rows.iter().map(|r| r.1).collect();
    let yab: Vec<Vec<f64>> = (0..varied.len()).map(|g| rows.iter().map(|r| r.2[g]).collect()).collect();
    let est = sobol_indices(&ya, &yb, &yab, 200, s.seed);
    let indices: Vec<SobolIndex> = varied
        .iter()
        .zip(est)
        .map(|(a, e)| SobolIndex {
            assumption: *a,
            first_order: e.first_order,
            first_order_interval: e.first_order_interval,
            total_order: e.total_order,
            total_order_interval: e.total_order_interval,
        })
        .collect();
    let most = indices.iter().max_by(|a, b| a.total_order.total_cmp(&b.total_order)).map(|i| i.assumption);
    Sensitivity {
        base_samples: n,
        evaluations: n * (varied.len() + 2),
        output: "mean_absolute_rank_shift",
        indices,
        most_influential: most,
    }
}

/// Sobol indices of one input group, with bootstrap 95% intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub first_order: f64,
    pub first_order_interval: [f64; 2],
    pub total_order: f64,
    pub total_order_interval: [f64; 2],
}

fn point(ya: &[f64], yb: &[f64], yab: &[f64], idx: &[usize]) -> (f64, f64) {
    let n = idx.len() as f64;
    let mean = idx.iter().map(|&i| ya[i] + yb[i]).sum::<f64>() / (2.0 * n);
    let var = idx.iter().map(|&i| (ya[i] - mean).powi(2) + (yb[i] - mean).powi(2)).sum::<f64>() / (2.0 * n - 1.0);
    if var <= 0.0 {
        return (0.0, 0.0);
    }
    let s1 = idx.iter().map(|&i| yb[i] * (yab[i] - ya[i])).sum::<f64>() / n / var;
    let st = idx.iter().map(|&i| (ya[i] - yab[i]).powi(2)).sum::<f64>() / (2.0 * n) / var;
    (s1, st)
}

/// First-order (Saltelli 2010) and total-order (Jansen) indices from f(A), f(B) and f(A_B^i)
/// for each input i, with percentile bootstrap 95% intervals over `resamples` resamples.
pub fn sobol_indices(ya: &[f64], yb: &[f64], yab: &[Vec<f64>], resamples: usize, seed: u64) -> Vec<Estimate> {
    let n = ya.len();
    let all: Vec<usize> = (0..n).collect();
    let mut rng = stream(seed, 0, 3);
    let boots: Vec<Vec<usize>> =
        (0..resamples).map(|_| (0..n).map(|_| (rng.next_u64() % n.max(1) as u64) as usize).collect()).collect();
    yab.iter()
        .map(|y| {
            let (s1, st) = point(ya, yb, y, &all);
            let (mut b1, mut bt): (Vec<f64>, Vec<f64>) = boots.iter().map(|b| point(ya, yb, y, b)).unzip();
            b1.sort_by(f64::total_cmp);
            bt.sort_by(f64::total_cmp);
            let pct = |v: &[f64], p: f64| v.get(((v.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(0.0);
            let r = |x: f64| crate::score::round_to(x, 4);
            Estimate {
                first_order: r(s1),
                first_order_interval: [r(pct(&b1, 0.025)), r(pct(&b1, 0.975))],
                total_order: r(st),
                total_order_interval: [r(pct(&bt, 0.025)), r(pct(&bt, 0.975))],
            }
        })
        .collect()
}

/// The compiled model as JSON, so another implementation (the benchmark's NumPy and SALib
/// peers) can run the same Monte Carlo.
pub fn model_json(m: &Model) -> serde_json::Value {
    let items: Vec<serde_json::Value> = m
        .items
        .iter()
        .map(|i| {
            serde_json::json!({
                "category": i.category,
                "rule": match i.rule { Combine::Min => "min", Combine::Max => "max", Combine::Mean => "mean" },
                "full": i.full, "partial": i.partial, "none": i.none,
            })
        })
        .collect();
    let n = m.items.len();
    let levels: Vec<Vec<Vec<&str>>> = (0..m.funds.len())
        .map(|f| {
            (0..n)
                .map(|i| m.levels[m.offsets[f * n + i]..m.offsets[f * n + i + 1]].iter().map(|l| l.as_str()).collect())
                .collect()
        })
        .collect();
    // Per fund, item and disclosure: the estimate's [chance disclosed, chance partial] for an
    // unknown cell (`null` otherwise; [0, 0] for one guessed not applicable is not exported:
    // it drops out, as `not_applicable`).
    let guesses: Vec<Vec<Vec<Option<[f64; 2]>>>> = (0..m.funds.len())
        .map(|f| {
            (0..n)
                .map(|i| {
                    m.guesses[m.offsets[f * n + i]..m.offsets[f * n + i + 1]]
                        .iter()
                        .map(|g| g.filter(|g| !g.not_applicable).map(|g| [g.disclosed, g.partial]))
                        .collect()
                })
                .collect()
        })
        .collect();
    serde_json::json!({
        "funds": m.funds,
        "categories": m.categories,
        "items": items,
        "weight_sets": m.weight_sets,
        "nominal_set": m.nominal_set,
        "default_partial": m.default_partial,
        "unknown": m.unknown,
        "floor": m.floor,
        "scale": m.scale,
        "geometric_floor": GEOMETRIC_FLOOR,
        "levels": levels,
        "guesses": guesses,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::from_texts;

    #[test]
    fn the_nominal_model_run_is_the_engine_s_score() {
        let funds = [
            ("alpha", include_str!("../../tests/fixtures/mini/funds/alpha.yaml")),
            ("beta", include_str!("../../tests/fixtures/mini/funds/beta.yaml")),
            ("gamma", include_str!("../../tests/fixtures/mini/funds/gamma.yaml")),
        ];
        let ds = from_texts(
            include_str!("../../tests/fixtures/mini/disclosures.yaml"),
            include_str!("../../tests/fixtures/mini/rubric.yaml"),
            &funds,
        )
        .dataset
        .unwrap();
        for year in [None, Some(2007), Some(2020)] {
            for profile in [None, Some("reporting_only")] {
                let m = Model::new(&ds, When::of(year, None), profile, true);
                let mut out = vec![0.0; m.funds.len()];
                m.scores(&m.nominal(), &mut out);
                let rubric = profile.map_or(ds.rubric.clone(), |p| ds.rubric.with_profile(p, &ds.catalogue).unwrap());
                for (id, s) in m.funds.iter().zip(&out) {
                    let f = ds.fund(id).unwrap();
                    let engine = crate::score::raw_score(&rubric, f, year);
                    assert!((engine - s).abs() < 1e-9, "{id} {year:?} {profile:?}: {engine} vs {s}");
                }
            }
        }
    }

    #[test]
    fn the_estimate_rule_scores_each_unknown_at_its_expected_credit() {
        // Scores are linear in credits (no combinators with unknowns in the real rubric's past
        // years aside), so the run with every unknown at its expected credit lands on the
        // estimate's mean, up to the estimate's sampling error.
        let ds =
            from_texts(crate::load::builtin::DISCLOSURES, crate::load::builtin::RUBRIC, crate::load::builtin::FUNDS)
                .dataset
                .unwrap();
        let fitted = EstimateModel::of(&ds);
        let est = Estimator::new(&fitted, &ds.rubric);
        for year in [Some(1990), Some(2005), None] {
            let m = Model::new(&ds, When::of(year, None), None, true);
            let mut out = vec![0.0; m.funds.len()];
            m.scores(&Params { unknown: Unknown::Estimate, ..m.nominal() }, &mut out);
            let mut moved = 0;
            for (id, s) in m.funds.iter().zip(&out) {
                let f = ds.fund(id).unwrap();
                let e = est.fund(f, year).unwrap();
                assert!((e.score - s).abs() < 1.5, "{id} {year:?}: estimate {} vs expected credits {s}", e.score);
                moved += usize::from(*s > crate::score::raw_score(&ds.rubric, f, year) + 0.05);
            }
            assert!(moved > 0, "{year:?}: no fund's unknowns moved its score");
        }
    }

    #[test]
    fn order_statistics_are_those_of_the_sorted_values() {
        let mut rng = stream(11, 0, 4);
        let (mut u, mut bytes) = (vec![0.0; 50_000], Vec::new());
        uniforms(&mut rng, &mut u, &mut bytes);
        type Shape = fn(f64, usize) -> f64;
        let shapes: [(&str, Shape); 5] = [
            ("smooth", |x, _| 40.0 + 20.0 * x),
            ("few values", |x, _| (x * 6.0).floor()),
            ("one value mostly", |x, k| if k % 100 == 0 { x } else { 0.5 }),
            ("signed zeros and a spike", |x, k| {
                if k % 3 == 0 {
                    -0.0
                } else if k % 3 == 1 {
                    0.0
                } else {
                    1e9 * x
                }
            }),
            ("all equal", |_, _| 7.25),
        ];
        for (name, shape) in shapes {
            for n in [1, 7, 1000, 50_000] {
                let v: Vec<f64> = u[..n].iter().enumerate().map(|(k, x)| shape(*x, k)).collect();
                let mut sorted = v.clone();
                sorted.sort_by(f64::total_cmp);
                let ks: Vec<usize> = [0, n / 20, n / 20 + 1, n / 2, n - n / 20, n - 1]
                    .into_iter()
                    .filter(|k| *k < n)
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let got = order_statistics(&mut v.clone(), &ks);
                let want: Vec<f64> = ks.iter().map(|k| sorted[*k]).collect();
                assert_eq!(
                    got.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                    want.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                    "{name}, {n} values"
                );
            }
        }
    }

    fn ishigami(x: &[f64]) -> f64 {
        let (a, b) = (7.0, 0.1);
        x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
    }

    #[test]
    fn sobol_estimators_recover_the_ishigami_indices() {
        let n = 1 << 14;
        let mut rng = stream(7, 0, 9);
        let pi = std::f64::consts::PI;
        let mut bytes = Vec::new();
        let mut draw = || {
            let mut x = [0.0; 3];
            uniforms(&mut rng, &mut x, &mut bytes);
            x.map(|u| -pi + 2.0 * pi * u).to_vec()
        };
        let (mut ya, mut yb) = (Vec::new(), Vec::new());
        let mut yab = vec![Vec::new(); 3];
        for _ in 0..n {
            let (a, b) = (draw(), draw());
            ya.push(ishigami(&a));
            yb.push(ishigami(&b));
            for (i, y) in yab.iter_mut().enumerate() {
                let mut ab = a.clone();
                ab[i] = b[i];
                y.push(ishigami(&ab));
            }
        }
        let est = sobol_indices(&ya, &yb, &yab, 200, 1);
        let s1 = [0.3139, 0.4424, 0.0];
        let st = [0.5576, 0.4424, 0.2437];
        for i in 0..3 {
            let e = est[i];
            let within = |x: f64, iv: [f64; 2]| iv[0] - 1e-3 <= x && x <= iv[1] + 1e-3;
            assert!(within(s1[i], e.first_order_interval), "S1[{i}] = {s1:?} vs {e:?}", s1 = s1[i]);
            assert!(within(st[i], e.total_order_interval), "ST[{i}] = {st:?} vs {e:?}", st = st[i]);
            assert!(e.first_order_interval[1] - e.first_order_interval[0] < 0.1, "intervals are informative: {e:?}");
        }
    }
}
