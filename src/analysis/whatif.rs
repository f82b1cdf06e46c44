//! What-if: re-score with some levels changed and show who moved.

use crate::diag::Diagnostics;
use crate::model::{Dataset, Level, LevelChange};
use crate::raw::RawLevel;
use crate::score::{self, FundResult, Options, Results, RubricInfo};
use crate::yaml::{self, Spanned, pos};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A scenario file: changes to one or more funds.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub title: Option<String>,
    pub description: Option<String>,
    #[schemars(with = "Vec<RawChange>")]
    pub changes: Vec<Spanned<RawChange>>,
}

/// The levels to set for one fund.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawChange {
    #[schemars(with = "String")]
    pub fund: Spanned<String>,
    /// Disclosure id to level.
    #[schemars(with = "std::collections::BTreeMap<String, RawLevel>")]
    pub set: HashMap<Spanned<String>, Spanned<RawLevel>>,
}

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
    pub old_rank: Option<u32>,
    pub new_rank: Option<u32>,
    /// Category id, old score, new score.
    pub categories: Vec<(String, Option<f64>, Option<f64>)>,
}

/// The outcome of a scenario.
#[derive(Debug, Clone, Serialize)]
pub struct WhatIf {
    pub rubric: RubricInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    pub title: Option<String>,
    pub changes: Vec<Change>,
    /// The changed funds first, then every other fund whose rank moved.
    pub funds: Vec<Moved>,
}

/// Parses `--set DISCLOSURE=LEVEL` arguments for `fund`.
pub fn from_args(ds: &Dataset, fund: &str, sets: &[String]) -> Result<Vec<LevelChange>, String> {
    let mut out = Vec::new();
    for s in sets {
        let (d, l) = s.split_once('=').ok_or_else(|| format!("`--set {s}`: expected DISCLOSURE=LEVEL"))?;
        if ds.catalogue.get(d).is_none() {
            let hint = crate::diag::did_you_mean(d, ds.catalogue.ids())
                .map(|b| format!(" (did you mean `{b}`?)"))
                .unwrap_or_default();
            return Err(format!("`--set {s}`: unknown disclosure `{d}`{hint}"));
        }
        let level = Level::parse(l).ok_or_else(|| {
            format!("`--set {s}`: unknown level `{l}` (expected full, partial, none, not_applicable or unknown)")
        })?;
        out.push((fund.to_string(), d.to_string(), level));
    }
    Ok(out)
}

/// Reads a scenario file; problems are reported with file, line and column.
pub fn from_file(
    ds: &Dataset,
    text: &str,
    file: &str,
    d: &mut Diagnostics,
) -> Option<(Option<String>, Vec<LevelChange>)> {
    let raw: RawScenario = match yaml::parse(text, file) {
        Ok(r) => r,
        Err(e) => {
            d.push(e);
            return None;
        }
    };
    let mut out = Vec::new();
    for c in &raw.changes {
        let fund = &c.value.fund;
        if ds.fund(&fund.value).is_none() {
            d.error(file, Some(pos(fund)), format!("unknown fund `{}`", fund.value))
                .suggest(&fund.value, ds.funds.iter().map(|f| f.id.as_str()));
            continue;
        }
        let mut sets: Vec<(&Spanned<String>, &Spanned<RawLevel>)> = c.value.set.iter().collect();
        sets.sort_by_key(|(k, _)| pos(k));
        for (k, v) in sets {
            if ds.catalogue.get(&k.value).is_none() {
                d.error(file, Some(pos(k)), format!("unknown disclosure `{}`", k.value))
                    .suggest(&k.value, ds.catalogue.ids());
                continue;
            }
            let level = crate::validate::level(v.value);
            out.push((fund.value.clone(), k.value.clone(), level));
        }
    }
    if raw.changes.is_empty() {
        d.error(file, None, "the scenario has no changes");
    }
    (!d.has_errors()).then_some((raw.title, out))
}

fn moved(old: &FundResult, new: &FundResult, changed: bool) -> Moved {
    Moved {
        fund: old.fund.clone(),
        label: old.label.clone(),
        changed,
        old_score: old.score,
        new_score: new.score,
        old_rank: old.rank,
        new_rank: new.rank,
        categories: old.categories.iter().zip(&new.categories).map(|((id, a), (_, b))| (id.clone(), *a, *b)).collect(),
    }
}

/// Re-scores `ds` with `changes` applied.
pub fn whatif(ds: &Dataset, title: Option<String>, changes: &[LevelChange], profile: Option<String>) -> WhatIf {
    let before: Results = score::score(ds, &Options::default());
    let after: Results = score::score(&ds.with_levels(changes), &Options::default());
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
    WhatIf { rubric: RubricInfo::of(&ds.rubric), profile, title, changes: list, funds }
}
