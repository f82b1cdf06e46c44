//! What-if: re-score with some levels changed and show who moved.

use crate::model::{Dataset, Level, LevelChange};
use crate::score::{self, Bounds, FundResult, Options, Results, RubricInfo};
use serde::Serialize;

/// One change, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub fund: String,
    pub disclosure: String,
    pub from: Level,
    pub to: Level,
}

/// Old and new score and rank of one fund, per category.
#[derive(Debug, Clone, Serialize)]
pub struct Moved {
    pub fund: String,
    pub label: String,
    pub changed: bool,
    pub old_score: Option<f64>,
    pub new_score: Option<f64>,
    /// Each score with every unknown at none and at full.
    pub old_bounds: Option<Bounds>,
    pub new_bounds: Option<Bounds>,
    pub old_rank: Option<u32>,
    pub new_rank: Option<u32>,
    /// Category id to score before the changes, in rubric order (a JSON object, as in `score`).
    #[serde(serialize_with = "crate::score::ordered_map")]
    pub old_categories: Vec<(String, Option<f64>)>,
    /// Category id to score after the changes.
    #[serde(serialize_with = "crate::score::ordered_map")]
    pub new_categories: Vec<(String, Option<f64>)>,
}

/// The outcome of a scenario.
#[derive(Debug, Clone, Serialize)]
pub struct WhatIf {
    pub rubric: RubricInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    pub title: Option<String>,
    /// The rubric's category ids, in order.
    pub categories: Vec<String>,
    pub changes: Vec<Change>,
    /// The changed funds first, then every other fund whose rank moved.
    pub funds: Vec<Moved>,
}

/// Why a `--set` argument was refused.
#[derive(Debug, thiserror::Error)]
pub enum SetError {
    #[error("`--set {arg}`: expected DISCLOSURE=LEVEL")]
    Shape { arg: String },
    #[error("`--set {arg}`: unknown disclosure `{disclosure}`{}", .suggestion.as_ref().map(|b| format!(" (did you mean `{b}`?)")).unwrap_or_default())]
    UnknownDisclosure { arg: String, disclosure: String, suggestion: Option<String> },
    #[error("`--set {arg}`: unknown level `{level}` (expected full, partial, none, not_applicable or unknown)")]
    UnknownLevel { arg: String, level: String },
    #[error("`--set` gives `{disclosure}` twice")]
    Twice { disclosure: String },
}

/// Parses `--set DISCLOSURE=LEVEL` arguments for `fund`.
pub fn from_args(ds: &Dataset, fund: &str, sets: &[String]) -> Result<Vec<LevelChange>, SetError> {
    let mut out: Vec<LevelChange> = Vec::new();
    for s in sets {
        let (d, l) = s.split_once('=').ok_or_else(|| SetError::Shape { arg: s.clone() })?;
        if ds.catalogue.get(d).is_none() {
            let suggestion = crate::diag::did_you_mean(d, ds.catalogue.ids()).map(str::to_string);
            return Err(SetError::UnknownDisclosure { arg: s.clone(), disclosure: d.to_string(), suggestion });
        }
        let level = Level::parse(l).ok_or_else(|| SetError::UnknownLevel { arg: s.clone(), level: l.to_string() })?;
        if out.iter().any(|(_, x, _)| x == d) {
            return Err(SetError::Twice { disclosure: d.to_string() });
        }
        out.push((fund.to_string(), d.to_string(), level));
    }
    Ok(out)
}

fn moved(old: &FundResult, new: &FundResult, changed: bool) -> Moved {
    Moved {
        fund: old.fund.clone(),
        label: old.label.clone(),
        changed,
        old_score: old.score,
        new_score: new.score,
        old_bounds: old.bounds,
        new_bounds: new.bounds,
        old_rank: old.rank,
        new_rank: new.rank,
        old_categories: old.categories.clone(),
        new_categories: new.categories.clone(),
    }
}

/// Re-scores `ds` with `changes` applied.
pub fn whatif(ds: &Dataset, title: Option<String>, changes: &[LevelChange], profile: Option<String>) -> WhatIf {
    // What-if shows scores and ranks, never the estimate: no model to fit.
    let before: Results = score::score_with(ds, &Options::default(), None);
    let after: Results = score::score_with(&ds.with_levels(changes), &Options::default(), None);
    let mut list = Vec::new();
    for (f, d, to) in changes {
        let from = ds.fund(f).map_or(Level::Unknown, |x| x.standing(d, None).level);
        list.push(Change { fund: f.clone(), disclosure: d.clone(), from, to: *to });
    }
    let changed: Vec<&str> = changes.iter().map(|(f, _, _)| f.as_str()).collect();
    let mut funds = Vec::new();
    for new in &after.results {
        let Some(old) = before.results.iter().find(|o| o.fund == new.fund) else { continue };
        let is_changed = changed.contains(&new.fund.as_str());
        if is_changed || old.rank != new.rank {
            funds.push(moved(old, new, is_changed));
        }
    }
    funds.sort_by_key(|m| (!m.changed, m.new_rank, m.fund.clone()));
    let categories = ds.rubric.categories.iter().map(|c| c.id.clone()).collect();
    WhatIf { rubric: RubricInfo::of(&ds.rubric), profile, title, categories, changes: list, funds }
}
