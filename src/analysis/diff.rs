//! What changed between two versions of the data or rubric, and which disclosures moved
//! each fund's score.

use crate::model::{Dataset, Level};
use crate::score::{self, Compiled, Options, round_to};
use serde::Serialize;

/// Every fund whose score, rank or levels changed.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub base: String,
    /// Whether the rubric itself changed (weights, items, credits).
    pub rubric_changed: bool,
    /// The rubric of each side (`id version`).
    pub old_rubric: String,
    pub new_rubric: String,
    /// Each side's rubric as scored (its unknown rule says how a mostly unknown score is marked).
    #[serde(skip)]
    pub old_info: score::RubricInfo,
    #[serde(skip)]
    pub new_info: score::RubricInfo,
    pub funds: Vec<FundDiff>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// One fund's move.
#[derive(Debug, Clone, Serialize)]
pub struct FundDiff {
    pub fund: String,
    pub label: String,
    pub old_score: Option<f64>,
    pub new_score: Option<f64>,
    pub old_rank: Option<u32>,
    pub new_rank: Option<u32>,
    /// The range each score could take if every unknown were resolved.
    pub old_bounds: Option<score::Bounds>,
    pub new_bounds: Option<score::Bounds>,
    pub changes: Vec<LevelDiff>,
    /// Points from the rubric change alone (old data, new rubric minus old rubric).
    pub rubric_effect: f64,
    /// What the individual effects do not explain (changes that interact).
    pub interaction: f64,
}

/// One disclosure whose level changed, and what that change alone is worth.
#[derive(Debug, Clone, Serialize)]
pub struct LevelDiff {
    pub disclosure: String,
    pub old: Level,
    pub new: Level,
    /// Points this change alone adds under the new rubric (4 decimals).
    pub effect: f64,
}

/// Compares `base` (the older version) with `current`.
pub fn diff(base_name: &str, base: &Dataset, current: &Dataset) -> Diff {
    // A diff explains scores and ranks, never the estimate: no model to fit.
    let old = score::score_with(base, &Options::default(), None);
    let new = score::score_with(current, &Options::default(), None);
    let rubric_changed = base.rubric.categories != current.rubric.categories
        || base.rubric.scale != current.rubric.scale
        || base.rubric.unknown != current.rubric.unknown;
    let mut funds = Vec::new();
    // Each rubric compiled once; every effect is a re-score of a level vector.
    let (now, then) = (Compiled::new(&current.rubric), Compiled::new(&base.rubric));
    for nf in current.funds.iter() {
        let Some(of) = base.fund(&nf.id) else { continue };
        let o = old.results.iter().find(|r| r.fund == nf.id);
        let n = new.results.iter().find(|r| r.fund == nf.id);
        let mut ids: Vec<&str> = current.catalogue.ids().collect();
        for id in base.catalogue.ids() {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        let of_levels = now.levels_of(of, None);
        let base_new_rubric = now.score_rule(&of_levels);
        let mut changes = Vec::new();
        for d in ids {
            let (lo, ln) = (of.standing(d, None).level, nf.standing(d, None).level);
            if lo != ln {
                let effect = now.score_rule(&now.with(&of_levels, &[(d, ln)])) - base_new_rubric;
                changes.push(LevelDiff { disclosure: d.to_string(), old: lo, new: ln, effect: round_to(effect, 4) });
            }
        }
        changes.sort_by(|a, b| b.effect.abs().total_cmp(&a.effect.abs()).then(a.disclosure.cmp(&b.disclosure)));
        let base_old_rubric = then.score_rule(&then.levels_of(of, None));
        let rubric_effect = base_new_rubric - base_old_rubric;
        let total = now.score_rule(&now.levels_of(nf, None)) - base_old_rubric;
        let explained: f64 = rubric_effect + changes.iter().map(|c| c.effect).sum::<f64>();
        let fd = FundDiff {
            fund: nf.id.clone(),
            label: nf.label().to_string(),
            old_score: o.and_then(|r| r.score),
            new_score: n.and_then(|r| r.score),
            old_rank: o.and_then(|r| r.rank),
            new_rank: n.and_then(|r| r.rank),
            old_bounds: o.and_then(|r| r.bounds),
            new_bounds: n.and_then(|r| r.bounds),
            rubric_effect: round_to(rubric_effect, 4),
            interaction: round_to(total - explained, 4),
            changes,
        };
        if fd.old_score != fd.new_score || fd.old_rank != fd.new_rank || !fd.changes.is_empty() {
            funds.push(fd);
        }
    }
    funds.sort_by(|a, b| {
        let d = |f: &FundDiff| (f.new_score.unwrap_or(0.0) - f.old_score.unwrap_or(0.0)).abs();
        d(b).total_cmp(&d(a)).then(a.fund.cmp(&b.fund))
    });
    let added = current.funds.iter().filter(|f| base.fund(&f.id).is_none()).map(|f| f.id.clone()).collect();
    let removed = base.funds.iter().filter(|f| current.fund(&f.id).is_none()).map(|f| f.id.clone()).collect();
    let named = |ds: &Dataset| match &ds.rubric.version {
        Some(v) => format!("{} {v}", ds.rubric.id),
        None => ds.rubric.id.clone(),
    };
    Diff {
        base: base_name.to_string(),
        rubric_changed,
        old_rubric: named(base),
        new_rubric: named(current),
        old_info: old.rubric.clone(),
        new_info: new.rubric.clone(),
        funds,
        added,
        removed,
    }
}
