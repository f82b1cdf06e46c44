//! The disclosure roadmap: what each missing disclosure would add to a fund's score, exactly
//! (every gain is a full re-score), and the shortest set of disclosures that reaches a target.

use crate::model::{Dataset, Fund, Level, Rule};
use crate::model::{Sensitivity, UnknownRule};
use crate::score::{
    self, Bounds, Compiled, FundResult, ItemStatus, Options, RubricInfo, rank_among, round_score, round_to,
};
use serde::Serialize;

/// What the fund aims for.
#[derive(Debug, Clone, PartialEq)]
pub enum Goal {
    Score(f64),
    Rank(u32),
    /// Reach this fund's score, by any route.
    Fund(String),
    /// Adopt this fund's level wherever it is higher (by the rubric's level credits).
    Match(String),
}

/// The roadmap for one fund.
#[derive(Debug, Clone, Serialize)]
pub struct Gap {
    pub rubric: RubricInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    pub fund: String,
    pub label: String,
    /// Every fund as it stood at this age (years since its establishment), where asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_age: Option<i32>,
    pub score: f64,
    /// The score with every unknown at none and at full.
    pub bounds: Option<Bounds>,
    pub rank: u32,
    /// Funds ranked.
    pub of: usize,
    pub target: Option<TargetInfo>,
    /// The fund compared with (`--target-fund` or `--match`), whose level each candidate shows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other: Option<Other>,
    /// Disclosures the rubric reads that are not yet full (with `--match`: those where the
    /// other fund's level earns more credit), by gain (largest first).
    pub candidates: Vec<Candidate>,
    /// The fewest disclosures that reach the target, when there is one.
    pub path: Option<Path>,
    /// Score and rank with every candidate at full.
    pub all_full: Step,
    /// With `--match`: score and rank with the other fund's level on every candidate at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all_matched: Option<Step>,
}

/// The fund a roadmap compares with.
#[derive(Debug, Clone, Serialize)]
pub struct Other {
    pub fund: String,
    pub label: String,
    pub score: f64,
    /// The score with every unknown at none and at full.
    pub bounds: Option<Bounds>,
    pub rank: u32,
    /// True for `--match` (candidates take this fund's levels), false for `--target-fund`.
    pub matching: bool,
}

/// The score a goal needs.
#[derive(Debug, Clone, Serialize)]
pub struct TargetInfo {
    /// `score`, `rank` or `fund`.
    pub kind: String,
    /// The rank asked for (`rank`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    /// The fund whose score is the target (`fund`), and its short name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fund: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The (rounded) score that reaches the goal.
    pub score: f64,
    /// Whether the fund already meets it.
    pub met: bool,
}

/// How the shortest path was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// A branch-and-bound search proved that no smaller set reaches the target.
    Exact,
    /// Greedily: under `unknown: exclude` the weights renormalise, so the bound does not hold.
    GreedyExclude,
    /// Greedily: the exact search ran out of its budget.
    GreedyBudget,
    /// Greedily: the fund has no score to search from.
    Greedy,
}

/// One disclosure the fund could raise to full.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub disclosure: String,
    pub title: String,
    pub level: Level,
    /// The level each gain is computed at: full, or with `--match` the other fund's level.
    pub to: Level,
    /// The other fund's level on this disclosure (with `--target-fund` or `--match`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_level: Option<Level>,
    pub sensitivity: Sensitivity,
    /// Exact points added by this disclosure alone at `to` (4 decimals).
    pub gain: f64,
    pub score: f64,
    pub rank: u32,
}

/// A score and rank after a set of disclosures goes to full.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub score: f64,
    pub rank: u32,
}

/// The shortest set of disclosures that reaches the target.
#[derive(Debug, Clone, Serialize)]
pub struct Path {
    pub disclosures: Vec<String>,
    pub score: f64,
    pub rank: u32,
    /// True when the set is proven shortest; false when found greedily (see `method`).
    pub exact: bool,
    pub method: Method,
}

/// Evaluations the exact search may spend before it settles for the greedy answer.
const SEARCH_BUDGET: usize = 2_000_000;

/// Why a roadmap cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum GapError {
    #[error("unknown fund `{0}`")]
    UnknownFund(String),
    #[error("`{0}` has no score")]
    NotScored(String),
    #[error("target score {target} is outside the scale ({floor} to {scale})")]
    ScoreOutOfScale { target: f64, floor: f64, scale: f64 },
    #[error("target rank {rank} is out of range: ranks run from 1 to {funds}")]
    RankOutOfRange { rank: u32, funds: usize },
    #[error("`{0}` cannot be compared with itself")]
    SameFund(String),
}

/// Whether `theirs` earns more credit than `mine` under the rubric's level credits (an
/// unknown level of one's own counts as none; a disclosure that does not apply is never below).
fn below(rubric: &crate::model::Rubric, mine: Level, theirs: Level) -> bool {
    let c = &rubric.credits;
    match c.of(theirs) {
        Some(t) => mine != Level::NotApplicable && t > c.of(mine).unwrap_or(c.none),
        None => false,
    }
}

/// Builds the roadmap for `fund_id` toward `goal`.
pub fn gap(
    ds: &Dataset,
    fund_id: &str,
    goal: Option<&Goal>,
    skip_commercial: bool,
    profile: Option<String>,
) -> Result<Gap, GapError> {
    let fund = ds.fund(fund_id).ok_or_else(|| GapError::UnknownFund(fund_id.to_string()))?;
    // The roadmap works on scores, items and bounds, never the estimate: no model to fit.
    let now = score::score_with(ds, &Options::default(), None);
    let me = now
        .results
        .iter()
        .find(|r| r.fund == fund_id && r.score.is_some())
        .ok_or_else(|| GapError::NotScored(fund_id.to_string()))?;
    match goal {
        Some(Goal::Score(s)) if !(s.is_finite() && *s >= ds.rubric.floor && *s <= ds.rubric.scale) => {
            return Err(GapError::ScoreOutOfScale { target: *s, floor: ds.rubric.floor, scale: ds.rubric.scale });
        }
        Some(Goal::Rank(r)) if *r == 0 || *r as usize > now.results.len() => {
            return Err(GapError::RankOutOfRange { rank: *r, funds: now.results.len() });
        }
        _ => {}
    }
    let (score_now, rank_now) = (me.score.unwrap_or(0.0), me.rank.unwrap_or(0));
    let others: Vec<f64> = now.results.iter().filter(|r| r.fund != fund_id).filter_map(|r| r.score).collect();
    // Every gain is a full re-score of the fund's levels with some of them changed.
    let compiled = Compiled::new(&ds.rubric);
    let levels_now = compiled.levels_of(fund, None);
    let score_with = |set: &[(&str, Level)]| compiled.score_rule(&compiled.with(&levels_now, set));
    let score_raised = |set: &[&str]| score_with(&set.iter().map(|d| (*d, Level::Full)).collect::<Vec<_>>());
    let base_raw = score_with(&[]);

    let aim = |kind: &str, score: f64| TargetInfo {
        kind: kind.into(),
        rank: None,
        fund: None,
        label: None,
        score,
        met: score_now >= score,
    };
    let target = match goal {
        None | Some(Goal::Match(_)) => None,
        Some(Goal::Score(s)) => Some(aim("score", round_score(*s))),
        Some(Goal::Rank(r)) => {
            let mut sorted = others.clone();
            sorted.sort_by(|a, b| b.total_cmp(a));
            let need = if *r == 0 { f64::INFINITY } else { sorted.get(*r as usize - 1).copied().unwrap_or(0.0) };
            Some(TargetInfo { rank: Some(*r), ..aim("rank", need) })
        }
        Some(Goal::Fund(f)) => {
            let other = now.results.iter().find(|x| &x.fund == f).ok_or_else(|| GapError::UnknownFund(f.clone()))?;
            let s = other.score.ok_or_else(|| GapError::NotScored(f.clone()))?;
            Some(TargetInfo { fund: Some(f.clone()), label: Some(other.label.clone()), ..aim("fund", s) })
        }
    };
    let other = match goal {
        Some(Goal::Fund(f) | Goal::Match(f)) => {
            Some(other_fund(ds, &now, fund_id, f, matches!(goal, Some(Goal::Match(_))))?)
        }
        _ => None,
    };
    let other_descriptor = other.as_ref().and_then(|o| ds.fund(&o.fund));
    let matching = other.as_ref().is_some_and(|o| o.matching);

    // Every disclosure the rubric reads that the fund could still raise: to full, or with
    // `--match` to the other fund's level where that earns more credit.
    let mut candidates = Vec::new();
    for id in ds.rubric.disclosures() {
        let level = fund.standing(id, None).level;
        let other_level = other_descriptor.map(|o| o.standing(id, None).level);
        let to = match other_level {
            Some(theirs) if matching => {
                if !below(&ds.rubric, level, theirs) {
                    continue;
                }
                theirs
            }
            _ if matches!(level, Level::Full | Level::NotApplicable) => continue,
            _ => Level::Full,
        };
        let new_raw = score_with(&[(id, to)]);
        let new_score = round_score(new_raw);
        let d = ds.catalogue.get(id);
        candidates.push(Candidate {
            disclosure: id.to_string(),
            title: d.map_or(id.to_string(), |d| d.title.clone()),
            level,
            to,
            other_level,
            sensitivity: d.map_or(Sensitivity::None, |d| d.sensitivity),
            gain: round_to(new_raw - base_raw, 4),
            score: new_score,
            rank: rank_among(&others, new_score),
        });
    }
    candidates.sort_by(|a, b| b.gain.total_cmp(&a.gain));

    let all: Vec<&str> = candidates.iter().map(|c| c.disclosure.as_str()).collect();
    let all_raw = score_raised(&all);
    let all_full = Step { score: round_score(all_raw), rank: rank_among(&others, round_score(all_raw)) };
    let all_matched = matching.then(|| {
        let set: Vec<(&str, Level)> = candidates.iter().map(|c| (c.disclosure.as_str(), c.to)).collect();
        let s = round_score(score_with(&set));
        Step { score: s, rank: rank_among(&others, s) }
    });

    let path = match &target {
        Some(t) if !t.met => {
            let usable: Vec<&Candidate> =
                candidates.iter().filter(|c| !(skip_commercial && c.sensitivity == Sensitivity::Commercial)).collect();
            shortest(ds, fund, &usable, t.score, &score_raised).map(|(set, exact, method)| {
                let raw = score_raised(&set.iter().map(String::as_str).collect::<Vec<_>>());
                let s = round_score(raw);
                Path { disclosures: set, score: s, rank: rank_among(&others, s), exact, method }
            })
        }
        _ => None,
    };
    Ok(Gap {
        rubric: RubricInfo::of(&ds.rubric),
        profile,
        fund: fund_id.to_string(),
        label: fund.label().to_string(),
        at_age: None,
        score: score_now,
        bounds: me.bounds,
        rank: rank_now,
        of: now.results.iter().filter(|r| r.rank.is_some()).count(),
        target,
        other,
        candidates,
        path,
        all_full,
        all_matched,
    })
}

/// The fund a roadmap compares with, scored.
fn other_fund(ds: &Dataset, now: &score::Results, me: &str, id: &str, matching: bool) -> Result<Other, GapError> {
    if id == me {
        return Err(GapError::SameFund(id.to_string()));
    }
    let f = now.results.iter().find(|x| x.fund == id).ok_or_else(|| GapError::UnknownFund(id.to_string()))?;
    let (Some(score), Some(rank)) = (f.score, f.rank) else {
        return Err(GapError::NotScored(id.to_string()));
    };
    ds.fund(id).ok_or_else(|| GapError::UnknownFund(id.to_string()))?;
    Ok(Other { fund: id.to_string(), label: f.label.clone(), score, bounds: f.bounds, rank, matching })
}

/// An upper bound on what raising `d` to full can add, whatever else is raised with it
/// (valid when weights cannot renormalise, i.e. under `unknown: none`).
fn optimistic_gain(ds: &Dataset, fund: &Fund, now: &FundResult, d: &str) -> f64 {
    let mut total = 0.0;
    for ((_, item), res) in ds.rubric.items().zip(&now.items) {
        if res.status != ItemStatus::Counted || !item.rule.disclosures().iter().any(|x| x == d) {
            continue;
        }
        let current = res.credit.unwrap_or(0.0);
        let full = item.credits.full;
        let own = |l: Level| if l == Level::Unknown { Some(item.credits.none) } else { item.credits.of(l) };
        let delta = match &item.rule {
            Rule::One(_) | Rule::AllOf(_) | Rule::AnyOf(_) => (full - current).max(0.0),
            Rule::MeanOf(list) => {
                let counted = list.iter().filter(|x| own(fund.standing(x, None).level).is_some()).count().max(1);
                let mine = own(fund.standing(d, None).level).unwrap_or(0.0);
                (full - mine).max(0.0) / counted as f64
            }
        };
        total += res.max_points * delta;
    }
    total
}

/// The fewest candidates that bring the fund's rounded score to `target`: an exact
/// branch-and-bound when the rubric scores unknowns as none, greedy otherwise or when the
/// search exceeds its budget. `None` when even all candidates together fall short.
fn shortest(
    ds: &Dataset,
    fund: &Fund,
    cands: &[&Candidate],
    target: f64,
    score_raised: &dyn Fn(&[&str]) -> f64,
) -> Option<(Vec<String>, bool, Method)> {
    let reaches = |set: &[&str]| -> (bool, f64) {
        let raw = score_raised(set);
        (round_score(raw) >= target, raw)
    };
    let all: Vec<&str> = cands.iter().map(|c| c.disclosure.as_str()).collect();
    if !reaches(&all).0 {
        return None;
    }
    let greedy = {
        let mut chosen: Vec<&str> = Vec::new();
        while !reaches(&chosen).0 {
            let next = all
                .iter()
                .filter(|d| !chosen.contains(d))
                .map(|d| {
                    let mut s = chosen.clone();
                    s.push(d);
                    (*d, reaches(&s).1)
                })
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(a.0)))?;
            chosen.push(next.0);
        }
        chosen
    };
    if ds.rubric.unknown != UnknownRule::None {
        return Some((greedy.iter().map(|s| s.to_string()).collect(), false, Method::GreedyExclude));
    }
    let base = score_raised(&[]);
    let scored = score::score_with(ds, &Options { funds: vec![fund.id.clone()], ..Options::default() }, None);
    let Some(now) = scored.results.first() else {
        return Some((greedy.iter().map(|s| s.to_string()).collect(), false, Method::Greedy));
    };
    let mut opt: Vec<(&str, f64)> = all.iter().map(|d| (*d, optimistic_gain(ds, fund, now, d))).collect();
    opt.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    let mut search =
        Search { opt: &opt, target, budget: SEARCH_BUDGET, chosen: Vec::new(), best: None, reaches: &reaches };
    for k in 1..greedy.len() {
        search.best = None;
        search.chosen.clear();
        if !search.run(0, k, base) {
            return Some((greedy.iter().map(|s| s.to_string()).collect(), false, Method::GreedyBudget));
        }
        if let Some((set, _)) = search.best.take() {
            return Some((set.iter().map(|s| s.to_string()).collect(), true, Method::Exact));
        }
    }
    // No smaller set reaches the target: the greedy one is shortest.
    Some((greedy.iter().map(|s| s.to_string()).collect(), true, Method::Exact))
}

/// A depth-first search for the best set of disclosures reaching `target`, pruning on
/// optimistic gains, within an evaluation budget.
struct Search<'a, 'r> {
    /// Disclosures with their optimistic gains, best first.
    opt: &'r [(&'a str, f64)],
    target: f64,
    /// Evaluations left.
    budget: usize,
    chosen: Vec<&'a str>,
    /// The best set found that reaches the target, with its raw score.
    best: Option<(Vec<&'a str>, f64)>,
    /// Whether a set reaches the target, and its raw score (one full re-score).
    reaches: &'r dyn Fn(&[&str]) -> (bool, f64),
}

impl<'a> Search<'a, '_> {
    /// Extends `chosen` to `k` disclosures from `opt[start..]`; false when the budget runs out.
    fn run(&mut self, start: usize, k: usize, bound_so_far: f64) -> bool {
        if self.chosen.len() == k {
            if self.budget == 0 {
                return false;
            }
            self.budget -= 1;
            let (ok, raw) = (self.reaches)(&self.chosen);
            if ok && self.best.as_ref().is_none_or(|(_, b)| raw > *b) {
                self.best = Some((self.chosen.clone(), raw));
            }
            return true;
        }
        let need = k - self.chosen.len();
        for i in start..self.opt.len() {
            if self.opt.len() - i < need {
                break;
            }
            // Optimistic: this one plus the next best `need - 1` (opt is sorted descending).
            let bound: f64 = bound_so_far + self.opt[i..i + need].iter().map(|(_, g)| g).sum::<f64>();
            if round_score(bound + 1e-9) < self.target {
                break;
            }
            self.chosen.push(self.opt[i].0);
            let ok = self.run(i + 1, k, bound_so_far + self.opt[i].1);
            self.chosen.pop();
            if !ok {
                return false;
            }
        }
        true
    }
}
