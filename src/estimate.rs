//! An estimate for what the record leaves unknown.
//!
//! The rubric's rule scores an unknown disclosure as `none` (or leaves it out), so a past
//! score is its own lower bound, and the bounds say only how far the truth could lie. The
//! estimate is the expected score with a 90% interval, from a model of what each unknown cell
//! (fund, disclosure, year) probably held, fitted to the record itself:
//!
//! - **The table.** Every fund's level on every catalogue disclosure in every year from its
//!   establishment to its assessment ([`Grid`]).
//! - **The cell model.** The chance that an unknown cell was disclosed (full or partial) is a
//!   logistic regression on what the record says around it: the level confirmed later and how
//!   many years later, the level known earlier, the fund's own known levels that year (in the
//!   cell's category and overall, documented absences included), how much of what the fund
//!   disclosed in the year the cell is confirmed it already disclosed that year, how often other funds had
//!   the same disclosure at the same age and in the same years, and the fund's age. A disclosed cell takes the level
//!   confirmed later (a `full` one was `partial` first as often as documented series show),
//!   else the level known earlier, else the fund's own mix that year.
//! - **Fitted by masking.** The regression learns from cells the record knows, hidden the way
//!   unknowns really arise ([`Masking`]): the first years of documented series (as if the
//!   earliest source found were later), scattered past cells, and whole disclosures never
//!   confirmed (as today's unknowns are). Nothing is tuned to any published index.
//! - **The interval.** Each of [`DRAWS`] draws takes every unknown cell of the fund-year at
//!   random from its guess and scores the result with the rubric's compiled kernel; the
//!   estimate is the mean, the interval the 10th to 90th percentiles of the draws. Both choices
//!   were made by the backtest on tuning seeds (1000 on), not the reported ones: the 10th to
//!   90th percentiles cover about 90% of hidden truths where unknowns arise (`late_source`;
//!   wider percentiles covered well over 90%), and a shift shared by the cells of one fund-year
//!   ([`SPREAD`], on the log-odds scale; `backtest --spread X` tries one) only widened intervals
//!   that already covered enough, so it is 0. The draws are seeded by fund and year: the same
//!   inputs give the same bytes on any thread count (and on any platform whose `exp` rounds
//!   alike).
//!
//! `swfscore backtest` checks the model as it is used: it hides known cells, re-fits on what
//! is left, and reports the error of the estimated fund scores and the coverage of their
//! intervals beside the two rules (unknown as none; unknown excluded).

use crate::model::{Dataset, Fund, Level, Rubric, UnknownRule};
use crate::score::{Compiled, round_score};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Draws per fund-year behind the estimate and its interval.
pub const DRAWS: usize = 400;

/// The spread (standard deviation, log-odds) of a shift shared by the unknown cells of one
/// fund-year. The backtest (seeds 1000 on) preferred none: 0.5 and 1 widened the intervals and
/// raised the error. `swfscore backtest --spread X` tries another.
pub const SPREAD: f64 = 0.0;

/// The interval's lower and upper quantiles of the draws (chosen by the backtest, see above).
const QUANTILES: (f64, f64) = (0.10, 0.90);

/// The expected score of a fund-year with every unknown cell estimated, and a 90% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub score: f64,
    pub low: f64,
    pub high: f64,
}

impl Estimate {
    /// The estimate of a fund-year with nothing unknown: its score, with no spread.
    pub fn exact(score: f64) -> Estimate {
        Estimate { score, low: score, high: score }
    }
}

/// Every fund's level on every disclosure in every year of its life, as the record stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// The catalogue's disclosure ids: the rows of every fund's table.
    pub disclosures: Vec<String>,
    /// Each disclosure's category in the rubric (the first that reads it), if any.
    category: Vec<Option<usize>>,
    categories: usize,
    /// In the dataset's order (by id).
    pub funds: Vec<FundGrid>,
}

/// One fund's table: a row per disclosure, a column per year from establishment.
#[derive(Debug, Clone, PartialEq)]
pub struct FundGrid {
    pub id: String,
    pub established: i32,
    /// Columns: establishment to the assessment year.
    pub years: usize,
    /// `cells[row * years + column]`.
    pub cells: Vec<Level>,
}

impl FundGrid {
    pub fn at(&self, row: usize, column: usize) -> Level {
        self.cells[row * self.years + column]
    }

    /// The column of `year`: years after the assessment read the assessment's column.
    pub fn column(&self, year: i32) -> Option<usize> {
        let c = year - self.established;
        (c >= 0).then(|| (c as usize).min(self.years - 1))
    }
}

impl Grid {
    /// The same rows and categories with no funds.
    fn clone_empty(&self) -> Grid {
        Grid {
            disclosures: self.disclosures.clone(),
            category: self.category.clone(),
            categories: self.categories,
            funds: Vec::new(),
        }
    }

    /// The record of `ds` as a table, categories from its rubric.
    pub fn of(ds: &Dataset) -> Grid {
        let disclosures: Vec<String> = ds.catalogue.ids().map(str::to_string).collect();
        let mut category = vec![None; disclosures.len()];
        let index: HashMap<&str, usize> = disclosures.iter().enumerate().map(|(i, d)| (d.as_str(), i)).collect();
        for (c, cat) in ds.rubric.categories.iter().enumerate() {
            for item in &cat.items {
                for d in item.rule.disclosures() {
                    if let Some(&r) = index.get(d.as_str()) {
                        category[r].get_or_insert(c);
                    }
                }
            }
        }
        let funds = ds
            .record()
            .iter()
            .map(|f| {
                let years = (f.assessed.year - f.established + 1).max(1) as usize;
                let mut cells = Vec::with_capacity(years * disclosures.len());
                for d in &disclosures {
                    match f.disclosures.get(d) {
                        Some(a) => cells.extend((0..years).map(|c| a.at(Some(f.established + c as i32)).level)),
                        None => cells.extend(std::iter::repeat_n(Level::Unknown, years)),
                    }
                }
                FundGrid { id: f.id.clone(), established: f.established, years, cells }
            })
            .collect();
        Grid { disclosures, category, categories: ds.rubric.categories.len(), funds }
    }
}

/// How known cells are hidden, to fit the model and to check it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Masking {
    /// A share of the documented series (every year known, disclosed today) lose their first
    /// years: before a year 0 to 15 years after the current level began, they are unknown, as
    /// if the earliest source found were that much later.
    LateSource,
    /// A share of the known cells before the assessment year are hidden, one by one.
    PastCells,
    /// A share of the fully known rows are hidden in every year: a disclosure the record never
    /// confirms (only for training: the current unknowns are of this kind).
    WholeRows,
}

impl Masking {
    /// The maskings `swfscore backtest` reports.
    pub const ALL: [Masking; 2] = [Masking::LateSource, Masking::PastCells];
    /// The maskings the model learns from.
    const TRAINING: [Masking; 3] = [Masking::LateSource, Masking::PastCells, Masking::WholeRows];

    pub fn as_str(self) -> &'static str {
        match self {
            Masking::LateSource => "late_source",
            Masking::PastCells => "past_cells",
            Masking::WholeRows => "whole_rows",
        }
    }

    /// A copy of `grid` with cells hidden (about `share` of what this masking can hide), and
    /// the hidden cells as (fund, row, column).
    pub fn apply(self, grid: &Grid, share: f64, rng: &mut ChaCha8Rng) -> (Grid, Vec<(usize, usize, usize)>) {
        let mut out = grid.clone();
        let mut hidden = Vec::new();
        for (f, fg) in out.funds.iter_mut().enumerate() {
            let years = fg.years;
            for row in 0..grid.disclosures.len() {
                let cells = &mut fg.cells[row * years..(row + 1) * years];
                match self {
                    Masking::LateSource => {
                        let last = cells[years - 1];
                        if !last.is_disclosed() || cells.contains(&Level::Unknown) || uniform(rng) >= share {
                            continue;
                        }
                        let start = cells.iter().rposition(|l| *l != last).map_or(0, |c| c + 1);
                        let later = (rng.next_u64() % ((years - 1 - start).min(15) as u64 + 1)) as usize;
                        for (c, cell) in cells.iter_mut().enumerate().take(start + later) {
                            *cell = Level::Unknown;
                            hidden.push((f, row, c));
                        }
                    }
                    Masking::WholeRows => {
                        if cells.contains(&Level::Unknown) || uniform(rng) >= share {
                            continue;
                        }
                        for (c, cell) in cells.iter_mut().enumerate() {
                            *cell = Level::Unknown;
                            hidden.push((f, row, c));
                        }
                    }
                    Masking::PastCells => {
                        for (c, cell) in cells.iter_mut().enumerate().take(years - 1) {
                            if *cell != Level::Unknown && uniform(rng) < share {
                                *cell = Level::Unknown;
                                hidden.push((f, row, c));
                            }
                        }
                    }
                }
            }
        }
        (out, hidden)
    }
}

/// Features of one cell, in the order of [`Model`]'s weights.
const FEATURES: usize = 14;

/// Counts of known and disclosed cells.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    known: u32,
    disclosed: u32,
    partial: u32,
}

impl Tally {
    fn add(&mut self, l: Level) {
        if matches!(l, Level::Full | Level::Partial | Level::None) {
            self.known += 1;
            self.disclosed += l.is_disclosed() as u32;
            self.partial += (l == Level::Partial) as u32;
        }
    }

    fn without(mut self, l: Level) -> Tally {
        if matches!(l, Level::Full | Level::Partial | Level::None) {
            self.known -= 1;
            self.disclosed -= l.is_disclosed() as u32;
            self.partial -= (l == Level::Partial) as u32;
        }
        self
    }

    /// The log-odds of the disclosed share, with one disclosed and one not added.
    fn logit(self) -> f64 {
        ((self.disclosed as f64 + 1.0) / ((self.known - self.disclosed) as f64 + 1.0)).ln()
    }
}

/// What the record says around each cell: per fund and year, the known cells overall and per
/// category; per disclosure and age, the known cells at every fund.
#[derive(Debug, Clone)]
struct Neighbours {
    /// `own[f][column * (categories + 1) + c]`, `c == categories` for all categories.
    own: Vec<Vec<Tally>>,
    /// `peers[row][age]`.
    peers: Vec<Vec<Tally>>,
    /// `era[row][year - first]`: every fund's known cells of a disclosure in a calendar year.
    era: Vec<Vec<Tally>>,
    first: i32,
}

/// Ages pooled on each side when counting other funds at the same age.
const AGE_WINDOW: usize = 2;

impl Neighbours {
    fn of(grid: &Grid) -> Neighbours {
        let width = grid.categories + 1;
        let max_years = grid.funds.iter().map(|f| f.years).max().unwrap_or(0);
        let mut peers = vec![vec![Tally::default(); max_years]; grid.disclosures.len()];
        let first = grid.funds.iter().map(|f| f.established).min().unwrap_or(0);
        let last = grid.funds.iter().map(|f| f.established + f.years as i32).max().unwrap_or(0);
        let mut era = vec![vec![Tally::default(); (last - first).max(0) as usize + 1]; grid.disclosures.len()];
        let own = grid
            .funds
            .iter()
            .map(|fg| {
                let mut t = vec![Tally::default(); fg.years * width];
                for row in 0..grid.disclosures.len() {
                    for c in 0..fg.years {
                        let l = fg.at(row, c);
                        if let Some(cat) = grid.category[row] {
                            t[c * width + cat].add(l);
                        }
                        t[c * width + grid.categories].add(l);
                        peers[row][c].add(l);
                        era[row][(fg.established - first) as usize + c].add(l);
                    }
                }
                t
            })
            .collect();
        Neighbours { own, peers, era, first }
    }

    /// The features of cell (f, row, column) of `grid`, the cell itself left out of every count.
    fn features(&self, grid: &Grid, f: usize, row: usize, column: usize) -> ([f64; FEATURES], Links) {
        let fg = &grid.funds[f];
        let me = fg.at(row, column);
        let links = Links::of(fg, row, column);
        let width = grid.categories + 1;
        let all = self.own[f][column * width + grid.categories].without(me);
        let cat = match grid.category[row] {
            Some(c) => self.own[f][column * width + c].without(me),
            None => all,
        };
        let peers = &self.peers[row];
        let lo = column.saturating_sub(AGE_WINDOW);
        let hi = (column + AGE_WINDOW + 1).min(peers.len());
        let mut peer = Tally::default();
        for t in &peers[lo..hi] {
            peer.known += t.known;
            peer.disclosed += t.disclosed;
        }
        let peer = peer.without(me);
        let era = &self.era[row];
        let at = (fg.established - self.first) as usize + column;
        let mut same_year = Tally::default();
        for t in &era[at.saturating_sub(AGE_WINDOW)..(at + AGE_WINDOW + 1).min(era.len())] {
            same_year.known += t.known;
            same_year.disclosed += t.disclosed;
        }
        let same_year = same_year.without(me);
        let (next_disc, next_none, next_gap) = match links.next {
            Some((l, gap)) => (l.is_disclosed() as u8 as f64, (l == Level::None) as u8 as f64, (gap as f64).ln_1p()),
            None => (0.0, 0.0, 0.0),
        };
        let (prev_disc, prev_none, prev_gap) = match links.prev {
            Some((l, gap)) => (l.is_disclosed() as u8 as f64, (l == Level::None) as u8 as f64, (gap as f64).ln_1p()),
            None => (0.0, 0.0, 0.0),
        };
        // The fund's own growth between this year and the year the cell is confirmed: of its
        // other disclosures on record at that later year, the share already there this year.
        let retained = match links.next {
            Some((l, gap)) if l.is_disclosed() => {
                let mut t = Tally::default();
                for r in (0..grid.disclosures.len()).filter(|r| *r != row) {
                    if fg.at(r, column + gap).is_disclosed() {
                        t.add(fg.at(r, column));
                    }
                }
                t.logit()
            }
            _ => 0.0,
        };
        let x = [
            1.0,
            next_disc,
            next_none,
            next_disc * next_gap,
            prev_disc,
            prev_none,
            prev_disc * prev_gap,
            cat.logit(),
            all.logit(),
            peer.logit(),
            (column as f64).ln_1p(),
            same_year.logit(),
            next_disc * ((column + links.next.map_or(0, |n| n.1)) as f64).ln_1p(),
            retained,
        ];
        (x, links)
    }
}

/// The nearest known levels of a cell's row, later and earlier, with their distance in years.
#[derive(Debug, Clone, Copy)]
struct Links {
    next: Option<(Level, usize)>,
    prev: Option<(Level, usize)>,
}

impl Links {
    fn of(fg: &FundGrid, row: usize, column: usize) -> Links {
        let cells = &fg.cells[row * fg.years..(row + 1) * fg.years];
        let next =
            cells[column + 1..].iter().position(|l| *l != Level::Unknown).map(|k| (cells[column + 1 + k], k + 1));
        let prev = cells[..column].iter().rposition(|l| *l != Level::Unknown).map(|k| (cells[k], column - k));
        Links { next, prev }
    }
}

/// What an unknown cell probably held: the chance it was disclosed, at which level then, and
/// whether it drops out (not applicable).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CellGuess {
    /// Chance of `full` or `partial`.
    pub disclosed: f64,
    /// Given disclosed, the chance of `partial` (else `full`).
    pub partial: f64,
    /// The disclosure is not applicable (confirmed so later): it drops out.
    pub not_applicable: bool,
    /// The level the record confirms next, and the year it does.
    pub later: Option<Later>,
}

/// The next level the record confirms after an unknown year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Later {
    pub level: Level,
    pub year: i32,
}

impl CellGuess {
    /// The expected credit under `full`/`partial`/`none` credits.
    pub fn expected_credit(&self, full: f64, partial: f64, none: f64) -> f64 {
        self.disclosed * (self.partial * partial + (1.0 - self.partial) * full) + (1.0 - self.disclosed) * none
    }
}

/// The fitted cell model over one record.
#[derive(Debug, Clone)]
pub struct Model {
    grid: Grid,
    neighbours: Neighbours,
    /// One regression for cells before a row's first known year (`[0]`: how unknowns mostly
    /// arise, before a `known_since`), one for cells with a known level earlier (`[1]`).
    weights: [[f64; FEATURES]; 2],
    /// Of disclosed cells whose later confirmed level is `full`, the share that were `partial`.
    partial_before_full: f64,
    /// Of all known disclosed cells, the share `partial`.
    partial_share: f64,
}

/// Rounds of each masking behind the model's training cells.
const TRAINING_ROUNDS: u64 = 4;
/// The share of cells each training round hides.
const TRAINING_SHARE: f64 = 0.2;
/// At most this many training cells per round and masking (taken evenly).
const TRAINING_CAP: usize = 10_000;
/// At most this many funds (taken evenly) are masked for training; the estimates use all.
const TRAINING_FUNDS: usize = 200;

/// The last few models fitted, newest last: [`Model::of`]'s memory (a test keeps its own).
struct Fits {
    kept: Mutex<Vec<Arc<Model>>>,
}

impl Fits {
    /// How many fits are kept.
    const KEPT: usize = 8;

    const fn new() -> Fits {
        Fits { kept: Mutex::new(Vec::new()) }
    }

    /// The kept fit of `ds`'s record, or a new one (kept in place of the oldest).
    fn of(&self, ds: &Dataset) -> Arc<Model> {
        let cached = |fitted: &[Arc<Model>], grid: &Grid| fitted.iter().find(|m| m.grid == *grid).cloned();
        let grid = Grid::of(ds);
        if let Some(m) = cached(&self.kept.lock().unwrap_or_else(|e| e.into_inner()), &grid) {
            return m;
        }
        let m = Arc::new(Model::fit(grid, 0x5EED));
        let mut fitted = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        // Another thread may have fitted the same record meanwhile.
        if cached(&fitted, &m.grid).is_none() {
            if fitted.len() == Self::KEPT {
                fitted.remove(0);
            }
            fitted.push(m.clone());
        }
        m
    }
}

impl Model {
    /// The model fitted to the record of `ds`. A process fits each distinct record once: the
    /// views a command scores (a rubric's profiles, the years of a history, the report's
    /// sections) share one grid, and the fit is a pure function of it.
    pub fn of(ds: &Dataset) -> Arc<Model> {
        static FITTED: Fits = Fits::new();
        FITTED.of(ds)
    }

    /// Fits the model to `grid`, hiding known cells with seeds drawn from `seed`.
    pub fn fit(grid: Grid, seed: u64) -> Model {
        let (mut x, mut y) = ([Vec::new(), Vec::new()], [Vec::new(), Vec::new()]);
        let step = grid.funds.len().div_ceil(TRAINING_FUNDS).max(1);
        let sample;
        let train = if step == 1 {
            &grid
        } else {
            sample = Grid { funds: grid.funds.iter().step_by(step).cloned().collect(), ..grid.clone_empty() };
            &sample
        };
        let (mut pf_num, mut pf_den) = (0.0, 0.0);
        for round in 0..TRAINING_ROUNDS {
            for masking in Masking::TRAINING {
                let mut rng = ChaCha8Rng::seed_from_u64(seed ^ (round * 3 + masking as u64 + 1).wrapping_mul(GOLDEN));
                let (masked, hidden) = masking.apply(train, TRAINING_SHARE, &mut rng);
                let neighbours = Neighbours::of(&masked);
                let step = hidden.len().div_ceil(TRAINING_CAP).max(1);
                for &(f, row, c) in hidden.iter().step_by(step) {
                    let truth = train.funds[f].at(row, c);
                    if !matches!(truth, Level::Full | Level::Partial | Level::None) {
                        continue;
                    }
                    let (features, links) = neighbours.features(&masked, f, row, c);
                    if let Some((Level::Full, _)) = links.next
                        && truth.is_disclosed()
                    {
                        pf_den += 1.0;
                        pf_num += (truth == Level::Partial) as u8 as f64;
                    }
                    let k = links.prev.is_some() as usize;
                    x[k].push(features);
                    y[k].push(truth.is_disclosed() as u8 as f64);
                }
            }
        }
        let mut known = Tally::default();
        for fg in &grid.funds {
            for l in &fg.cells {
                known.add(*l);
            }
        }
        let weights = [logistic(&x[0], &y[0]), logistic(&x[1], &y[1])];
        let neighbours = Neighbours::of(&grid);
        Model {
            grid,
            neighbours,
            weights,
            partial_before_full: (pf_num + 1.0) / (pf_den + 2.0),
            partial_share: (known.partial as f64 + 1.0) / (known.disclosed as f64 + 2.0),
        }
    }

    /// The record the model was fitted to.
    pub fn grid(&self) -> &Grid {
        &self.grid
    }

    /// The guess for cell (f, row, column), which should be unknown in the record.
    pub fn guess(&self, f: usize, row: usize, column: usize) -> CellGuess {
        let (x, links) = self.neighbours.features(&self.grid, f, row, column);
        let z: f64 = x.iter().zip(&self.weights[links.prev.is_some() as usize]).map(|(a, b)| a * b).sum();
        let disclosed = sigmoid(z);
        let not_applicable = matches!(links.next, Some((Level::NotApplicable, _)));
        let partial = match (links.next, links.prev) {
            (Some((Level::Full, _)), _) => self.partial_before_full,
            (Some((Level::Partial, _)), _) => 1.0,
            (_, Some((l, _))) if l.is_disclosed() => (l == Level::Partial) as u8 as f64,
            _ => {
                let width = self.grid.categories + 1;
                let c = self.grid.category[row].unwrap_or(self.grid.categories);
                let t = self.neighbours.own[f][column * width + c];
                (t.partial as f64 + 2.0 * self.partial_share) / (t.disclosed as f64 + 2.0)
            }
        };
        let fg = &self.grid.funds[f];
        let later = links.next.map(|(level, gap)| Later { level, year: fg.established + (column + gap) as i32 });
        CellGuess { disclosed, partial, not_applicable, later }
    }
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A standard normal draw (Box-Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u = uniform(rng).max(f64::MIN_POSITIVE);
    let v = uniform(rng);
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// Ridge penalty on the non-constant weights of the logistic regression.
const RIDGE: f64 = 1.0;

/// Logistic regression by Newton's method with a small ridge penalty (all zeros without data).
fn logistic(x: &[[f64; FEATURES]], y: &[f64]) -> [f64; FEATURES] {
    let mut w = [0.0; FEATURES];
    if x.is_empty() {
        return w;
    }
    for _ in 0..50 {
        let mut grad = [0.0; FEATURES];
        let mut hess = [[0.0; FEATURES]; FEATURES];
        for (xi, yi) in x.iter().zip(y) {
            let p = sigmoid(xi.iter().zip(&w).map(|(a, b)| a * b).sum());
            let s = p * (1.0 - p);
            for a in 0..FEATURES {
                grad[a] += (yi - p) * xi[a];
            }
            // The lower half, row by row (the upper is copied from it below): each entry is
            // `s·x_a·x_b`, added in the samples' order.
            for (a, (row, sa)) in hess.iter_mut().zip(xi.map(|x| s * x)).enumerate() {
                for (h, xb) in row[..=a].iter_mut().zip(&xi[..=a]) {
                    *h += sa * xb;
                }
            }
        }
        for a in 0..FEATURES {
            let row = hess[a];
            for (b, h) in row.iter().enumerate().take(a) {
                hess[b][a] = *h;
            }
            if a > 0 {
                grad[a] -= RIDGE * w[a];
                hess[a][a] += RIDGE;
            }
            hess[a][a] += 1e-9;
        }
        let Some(step) = solve(hess, grad) else { break };
        for a in 0..FEATURES {
            w[a] += step[a];
        }
        if step.iter().all(|s| s.abs() < 1e-9) {
            break;
        }
    }
    w
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: [[f64; FEATURES]; FEATURES], mut b: [f64; FEATURES]) -> Option<[f64; FEATURES]> {
    for col in 0..FEATURES {
        let pivot = (col..FEATURES).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let pivot_row = a[col];
        for r in col + 1..FEATURES {
            let k = a[r][col] / pivot_row[col];
            for (x, p) in a[r].iter_mut().zip(pivot_row.iter()).skip(col) {
                *x -= k * p;
            }
            b[r] -= k * b[col];
        }
    }
    let mut x = [0.0; FEATURES];
    for r in (0..FEATURES).rev() {
        let s: f64 = (r + 1..FEATURES).map(|c| a[r][c] * x[c]).sum();
        x[r] = (b[r] - s) / a[r][r];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// The model under one rubric: estimates fund-years' scores.
#[derive(Debug, Clone)]
pub struct Estimator<'m> {
    model: &'m Model,
    compiled: Compiled,
    /// The spread of the shared fund-year shift ([`SPREAD`] unless a backtest tries another).
    pub spread: f64,
    /// The grid row of each of the compiled rubric's disclosures.
    rows: Vec<usize>,
}

impl<'m> Estimator<'m> {
    pub fn new(model: &'m Model, rubric: &Rubric) -> Estimator<'m> {
        let compiled = Compiled::new(rubric);
        let index: HashMap<&str, usize> =
            model.grid.disclosures.iter().enumerate().map(|(i, d)| (d.as_str(), i)).collect();
        let rows = compiled.disclosures.iter().map(|d| index.get(d.as_str()).copied().unwrap_or(usize::MAX)).collect();
        Estimator { model, compiled, rows, spread: SPREAD }
    }

    /// The estimate for `fund` in `year` (`None` = its assessment), rounded to the printed
    /// precision; `None` when the fund is not in the model or not yet established.
    pub fn fund(&self, fund: &Fund, year: Option<i32>) -> Option<Estimate> {
        let f = self.model.grid.funds.binary_search_by(|g| g.id.as_str().cmp(&fund.id)).ok()?;
        let column = self.model.grid.funds[f].column(year.unwrap_or(fund.assessed.year))?;
        let e = self.raw(f, column, &self.levels(f, column), &|_| true, 0);
        Some(Estimate { score: round_score(e.score), low: round_score(e.low), high: round_score(e.high) })
    }

    /// The guess for `fund`'s level on `disclosure` in `year` (`None` = its assessment), where
    /// the record leaves it unknown.
    pub fn guess(&self, fund: &Fund, year: Option<i32>, disclosure: &str) -> Option<CellGuess> {
        let f = self.model.grid.funds.binary_search_by(|g| g.id.as_str().cmp(&fund.id)).ok()?;
        let fg = &self.model.grid.funds[f];
        let column = fg.column(year.unwrap_or(fund.assessed.year))?;
        let row = self.model.grid.disclosures.iter().position(|d| d == disclosure)?;
        (fg.at(row, column) == Level::Unknown).then(|| self.model.guess(f, row, column))
    }

    /// The levels of fund `f` in `column`, in the compiled rubric's order.
    pub fn levels(&self, f: usize, column: usize) -> Vec<Level> {
        let fg = &self.model.grid.funds[f];
        self.rows.iter().map(|&r| if r == usize::MAX { Level::Unknown } else { fg.at(r, column) }).collect()
    }

    /// The unrounded estimate of fund `f` in `column` from `levels` (in the compiled order):
    /// the unknown cells that `estimate` picks are drawn, the rest scored as they stand.
    pub fn raw(
        &self,
        f: usize,
        column: usize,
        levels: &[Level],
        estimate: &dyn Fn(usize) -> bool,
        salt: u64,
    ) -> Estimate {
        let unknown: Vec<(usize, CellGuess)> = levels
            .iter()
            .enumerate()
            .filter(|(k, l)| **l == Level::Unknown && self.rows[*k] != usize::MAX && estimate(*k))
            .map(|(k, _)| (k, self.model.guess(f, self.rows[k], column)))
            .collect();
        if unknown.is_empty() {
            return Estimate::exact(self.compiled.score(levels).score);
        }
        let fg = &self.model.grid.funds[f];
        let seed = fg.id.bytes().fold(0xCBF2_9CE4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01B3))
            ^ (column as u64 + fg.established as u64 * 1000).wrapping_mul(GOLDEN)
            ^ salt;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut draw = levels.to_vec();
        let varying = self.compiled.varying(levels, &unknown.iter().map(|(k, _)| *k).collect::<Vec<_>>());
        let mut scores = Vec::with_capacity(DRAWS);
        let logits: Vec<f64> =
            unknown.iter().map(|(_, g)| g.disclosed.clamp(1e-6, 1.0 - 1e-6)).map(|p| (p / (1.0 - p)).ln()).collect();
        for _ in 0..DRAWS {
            let shift = self.spread * normal(&mut rng);
            for ((k, g), z) in unknown.iter().zip(&logits) {
                let u = uniform(&mut rng);
                let v = uniform(&mut rng);
                draw[*k] = if g.not_applicable {
                    Level::NotApplicable
                } else if u < sigmoid(z + shift) {
                    if v < g.partial { Level::Partial } else { Level::Full }
                } else {
                    Level::None
                };
            }
            scores.push(varying.score_rule(&draw));
        }
        let mean = scores.iter().sum::<f64>() / scores.len() as f64;
        scores.sort_by(f64::total_cmp);
        let q = |p: f64| scores[((p * scores.len() as f64).ceil() as usize).clamp(1, scores.len()) - 1];
        Estimate { score: mean, low: q(QUANTILES.0).min(mean), high: q(QUANTILES.1).max(mean) }
    }

    /// The compiled rubric the estimates score with.
    pub fn compiled(&self) -> &Compiled {
        &self.compiled
    }
}

/// A rubric identical to `rubric` but for its unknown rule.
pub fn with_rule(rubric: &Rubric, unknown: UnknownRule) -> Rubric {
    Rubric { unknown, ..rubric.clone() }
}

/// One masking's figures in a [`Backtest`].
#[derive(Debug, Clone, Serialize)]
pub struct MaskingResult {
    pub masking: Masking,
    /// Fund-years with at least one hidden cell, over all runs.
    pub fund_years: usize,
    /// Hidden cells, over all runs.
    pub cells: usize,
    /// Mean absolute error of the fund-year scores: the estimate, unknown as none, unknown
    /// excluded.
    pub mae_estimate: f64,
    pub mae_none: f64,
    pub mae_exclude: f64,
    /// Share of fund-years whose true score lies in the 90% interval (rounded as printed).
    pub coverage: f64,
    /// Mean width of the 90% interval.
    pub mean_width: f64,
}

/// `swfscore backtest`: known cells hidden, the model re-fitted on what is left, and the
/// estimated fund-year scores compared with the truth and with the two rules.
#[derive(Debug, Clone, Serialize)]
pub struct Backtest {
    pub rubric: String,
    pub runs: usize,
    pub share: f64,
    pub seed: u64,
    pub spread: f64,
    pub draws: usize,
    pub maskings: Vec<MaskingResult>,
}

/// Runs the masked validation on `ds` under its rubric.
///
/// Each run hides cells with its own seed, fits the model to the rest (its training masks
/// drawn from another seed), and scores every fund-year with a hidden cell three ways. Cells
/// the record itself leaves unknown are left out of every score, the truth's included, so
/// only hidden truths are judged. Runs are independent and seeded, so the figures do not
/// depend on the thread count.
pub fn backtest(ds: &Dataset, runs: usize, share: f64, seed: u64, spread: f64) -> Backtest {
    use rayon::prelude::*;
    let grid = Grid::of(ds);
    let rubric = with_rule(&ds.rubric, UnknownRule::Exclude);
    let maskings = Masking::ALL
        .iter()
        .map(|&masking| {
            let per_run: Vec<[f64; 7]> = (0..runs)
                .into_par_iter()
                .map(|run| {
                    let mix = seed.wrapping_mul(GOLDEN)
                        ^ (run as u64 * 2 + masking as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03);
                    let mut rng = ChaCha8Rng::seed_from_u64(mix);
                    let (masked, hidden) = masking.apply(&grid, share, &mut rng);
                    let model = Model::fit(masked, mix.rotate_left(17));
                    let mut est = Estimator::new(&model, &rubric);
                    est.spread = spread;
                    let mut by_year: std::collections::BTreeMap<(usize, usize), Vec<usize>> = Default::default();
                    for &(f, row, c) in &hidden {
                        by_year.entry((f, c)).or_default().push(row);
                    }
                    let mut sums = [0.0; 7];
                    for ((f, c), rows) in by_year {
                        let hidden_at: Vec<bool> = est.rows.iter().map(|r| rows.contains(r)).collect();
                        let truth_levels: Vec<Level> = est
                            .rows
                            .iter()
                            .map(|&r| if r == usize::MAX { Level::Unknown } else { grid.funds[f].at(r, c) })
                            .collect();
                        let masked_levels = est.levels(f, c);
                        let truth = est.compiled.score(&truth_levels).score;
                        let e = est.raw(f, c, &masked_levels, &|k| hidden_at[k], run as u64);
                        let as_none: Vec<Level> = masked_levels
                            .iter()
                            .zip(&hidden_at)
                            .map(|(l, h)| if *h { Level::None } else { *l })
                            .collect();
                        let none = est.compiled.score(&as_none).score;
                        let exclude = est.compiled.score(&masked_levels).score;
                        let t = round_score(truth);
                        let covered = round_score(e.low) <= t && t <= round_score(e.high);
                        sums[0] += 1.0;
                        sums[1] += rows.len() as f64;
                        sums[2] += (e.score - truth).abs();
                        sums[3] += (none - truth).abs();
                        sums[4] += (exclude - truth).abs();
                        sums[5] += covered as u8 as f64;
                        sums[6] += e.high - e.low;
                    }
                    sums
                })
                .collect();
            let mut t = [0.0; 7];
            for s in &per_run {
                for k in 0..7 {
                    t[k] += s[k];
                }
            }
            let n = t[0].max(1.0);
            MaskingResult {
                masking,
                fund_years: t[0] as usize,
                cells: t[1] as usize,
                mae_estimate: t[2] / n,
                mae_none: t[3] / n,
                mae_exclude: t[4] / n,
                coverage: t[5] / n,
                mean_width: t[6] / n,
            }
        })
        .collect();
    Backtest { rubric: ds.rubric.id.clone(), runs, share, seed, spread, draws: DRAWS, maskings }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{builtin, from_texts};
    use crate::score::{Options, score_with};

    /// The repository's own data, as built into the binary.
    fn repository() -> Dataset {
        let loaded = from_texts(builtin::DISCLOSURES, builtin::RUBRIC, builtin::FUNDS);
        loaded.dataset.expect("the built-in data loads")
    }

    /// A rubric's profiles see the record as the rubric does: one fit serves them all, and it is
    /// the fit a fresh process makes. A rubric with other categories gets a model of its own.
    #[test]
    fn one_record_is_fitted_once() {
        let ds = repository();
        let profile = ds.rubric.profiles[0].id.clone();
        let weighted = ds.with_rubric(ds.rubric.with_profile(&profile, &ds.catalogue).unwrap());
        // A memory of its own: the process's is shared with the tests running alongside.
        let fits = Fits::new();
        let (a, b) = (fits.of(&ds), fits.of(&weighted));
        assert!(Arc::ptr_eq(&a, &b), "the profile {profile} reuses the rubric's fit");
        let fresh = Model::fit(Grid::of(&ds), 0x5EED);
        assert_eq!(fresh.weights.map(|w| w.map(f64::to_bits)), a.weights.map(|w| w.map(f64::to_bits)));
        let mut merged = ds.rubric.clone();
        let moved = merged.categories[1].items.remove(0);
        merged.categories[0].items.push(moved);
        assert!(!Arc::ptr_eq(&a, &fits.of(&ds.with_rubric(merged))), "other categories, another fit");
    }

    #[test]
    fn the_estimate_lies_within_its_interval_and_the_bounds_in_every_year() {
        let ds = repository();
        let model = Model::of(&ds);
        let est = Estimator::new(&model, &ds.rubric);
        let (mut estimated, mut above) = (0, 0);
        for f in ds.funds.iter() {
            for year in f.established..=f.assessed.year {
                let opts = Options { as_of: Some(year), funds: vec![f.id.clone()], ..Options::default() };
                let r = score_with(&ds, &opts, Some(&model));
                let fr = &r.results[0];
                let (b, e) = (fr.bounds.unwrap(), est.fund(f, Some(year)).unwrap());
                assert_eq!(fr.estimate, Some(e), "{} {year}: the results carry the estimator's value", f.id);
                assert!(e.low <= e.score && e.score <= e.high, "{} {year}: {e:?}", f.id);
                assert!(b.low <= e.low && e.high <= b.high, "{} {year}: {e:?} outside {b:?}", f.id);
                // Under the rule `none` an unknown scores its lowest: the estimate is never below.
                assert!(e.score >= fr.score.unwrap() - 0.05, "{} {year}: {e:?} below the score", f.id);
                if b.is_tight() {
                    assert_eq!(e, Estimate::exact(fr.score.unwrap()), "{} {year}: nothing unknown", f.id);
                } else {
                    estimated += 1;
                    above += usize::from(e.score > fr.score.unwrap() + 0.05);
                }
            }
        }
        assert!(estimated > 100, "only {estimated} fund-years had an unknown");
        assert!(above * 2 > estimated, "the estimate rose above the floor in only {above} of {estimated} fund-years");
    }

    #[test]
    fn a_fund_year_with_nothing_unknown_is_estimated_at_its_score() {
        let ds = repository();
        let model = Model::of(&ds);
        let est = Estimator::new(&model, &ds.rubric);
        let (f, row, column) = (0, 0, 0);
        let mut levels = est.levels(f, column);
        for l in levels.iter_mut().filter(|l| **l == Level::Unknown) {
            *l = Level::Partial;
        }
        let exact = est.compiled().score(&levels).score;
        assert_eq!(est.raw(f, column, &levels, &|_| true, 0), Estimate::exact(exact));
        // One cell made unknown again is estimated, within [none, full] of that cell.
        let k = est.rows.iter().position(|r| *r == row).unwrap_or(0);
        levels[k] = Level::Unknown;
        let e = est.raw(f, column, &levels, &|_| true, 0);
        let at = |l: Level| {
            let mut v = levels.clone();
            v[k] = l;
            est.compiled().score(&v).score
        };
        assert!(at(Level::None) <= e.low && e.high <= at(Level::Full), "{e:?}");
    }

    #[test]
    fn a_cell_confirmed_disclosed_the_next_year_is_probably_disclosed() {
        let ds = repository();
        let model = Model::of(&ds);
        let grid = model.grid();
        // Every unknown cell just before a confirmed full or partial level, and just before a
        // confirmed none: the first kind should be judged far likelier disclosed.
        let (mut before_disclosed, mut before_none) = (Vec::new(), Vec::new());
        for (f, fg) in grid.funds.iter().enumerate() {
            for row in 0..grid.disclosures.len() {
                for c in 0..fg.years - 1 {
                    if fg.at(row, c) != Level::Unknown {
                        continue;
                    }
                    match fg.at(row, c + 1) {
                        l if l.is_disclosed() => before_disclosed.push(model.guess(f, row, c).disclosed),
                        Level::None => before_none.push(model.guess(f, row, c).disclosed),
                        _ => {}
                    }
                }
            }
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
        assert!(!before_disclosed.is_empty());
        assert!(mean(&before_disclosed) > 0.6, "{}", mean(&before_disclosed));
        assert!(before_none.is_empty() || mean(&before_none) < mean(&before_disclosed));
    }

    #[test]
    fn the_backtest_beats_both_rules_and_is_the_same_on_one_thread_or_many() {
        let ds = repository();
        let b = backtest(&ds, 10, 0.2, 7, SPREAD);
        for m in &b.maskings {
            assert!(m.fund_years > 0 && m.cells >= m.fund_years, "{m:?}");
            assert!(m.mae_estimate < m.mae_none && m.mae_estimate < m.mae_exclude, "{m:?}");
            assert!((0.0..=1.0).contains(&m.coverage), "{m:?}");
        }
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let b = backtest(&ds, 2, 0.2, 7, SPREAD);
        let single = one.install(|| backtest(&ds, 2, 0.2, 7, SPREAD));
        assert_eq!(serde_json::to_string(&b).unwrap(), serde_json::to_string(&single).unwrap());
    }

    #[test]
    fn masking_hides_only_known_cells_and_reports_each() {
        let ds = repository();
        let grid = Grid::of(&ds);
        for m in Masking::ALL {
            let mut rng = ChaCha8Rng::seed_from_u64(3);
            let (masked, hidden) = m.apply(&grid, 0.2, &mut rng);
            assert!(!hidden.is_empty(), "{m:?}");
            for &(f, row, c) in &hidden {
                assert_ne!(grid.funds[f].at(row, c), Level::Unknown, "{m:?} hid an unknown cell");
                assert_eq!(masked.funds[f].at(row, c), Level::Unknown);
            }
            let changed: usize = grid
                .funds
                .iter()
                .zip(&masked.funds)
                .map(|(a, b)| a.cells.iter().zip(&b.cells).filter(|(x, y)| x != y).count())
                .sum();
            assert_eq!(changed, hidden.len(), "{m:?}");
        }
    }
}
