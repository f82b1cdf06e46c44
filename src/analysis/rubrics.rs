//! How much the choice of checklist decides the ranking: ranks under several rubrics or
//! profiles side by side, with rank correlations between every pair.

use super::correlation::{kendall_tau_b, spearman_rho};
use crate::model::Dataset;
use crate::score::{self, Options, round_to};
use serde::Serialize;

/// Ranks under each view, and the correlations between views.
#[derive(Debug, Clone, Serialize)]
pub struct RubricComparison {
    /// One per rubric or profile, in the order given.
    pub views: Vec<View>,
    /// Fund id, label, then per view the score and rank.
    pub funds: Vec<FundRanks>,
    /// Every pair of views.
    pub pairs: Vec<Pair>,
}

/// A rubric, or a rubric under a profile.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    pub id: String,
    /// The rubric's title, or the profile's for a rubric under a profile.
    pub title: String,
    /// The title in Traditional Chinese, where the rubric or profile has one.
    #[serde(skip)]
    pub title_zh: Option<String>,
    pub scale: f64,
    pub floor: f64,
    /// What the rubric is, where it only approximates a framework.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caveat: Option<String>,
    /// The caveat in Traditional Chinese, for the Chinese report.
    #[serde(skip)]
    pub caveat_zh: Option<String>,
    /// The rubric the view's results were scored under (its unknown rule says how a mostly
    /// unknown score is marked).
    #[serde(skip)]
    pub rubric: score::RubricInfo,
}

impl View {
    /// The title in `lang`.
    pub fn title_in(&self, lang: crate::locale::Lang) -> &str {
        match (lang, &self.title_zh) {
            (crate::locale::Lang::ZhHant, Some(t)) => t,
            _ => &self.title,
        }
    }
}

/// One fund's place under every view.
#[derive(Debug, Clone, Serialize)]
pub struct FundRanks {
    pub fund: String,
    pub label: String,
    pub scores: Vec<Option<f64>>,
    pub ranks: Vec<Option<u32>>,
    /// Per view, the range the score could take if every unknown were resolved.
    pub bounds: Vec<Option<score::Bounds>>,
}

/// The agreement between two views over the funds scored under both.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    pub a: String,
    pub b: String,
    pub funds: usize,
    pub kendall_tau_b: Option<f64>,
    pub spearman_rho: Option<f64>,
}

/// Scores the same funds under each `(id, dataset)` view.
pub fn compare(views: &[(String, Dataset)]) -> RubricComparison {
    let opts = Options { scores_only: true, ..Options::default() };
    let results: Vec<_> = views.iter().map(|(_, ds)| score::score(ds, &opts)).collect();
    // Every fund of any view, first seen first, and each view's results by fund id.
    let mut ids: Vec<(String, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let index: Vec<std::collections::HashMap<&str, &score::FundResult>> =
        results.iter().map(|r| r.results.iter().map(|f| (f.fund.as_str(), f)).collect()).collect();
    for r in &results {
        for f in &r.results {
            if seen.insert(f.fund.as_str()) {
                ids.push((f.fund.clone(), f.label.clone()));
            }
        }
    }
    let mut funds: Vec<FundRanks> = ids
        .iter()
        .map(|(id, label)| {
            let found: Vec<_> = index.iter().map(|m| m.get(id.as_str()).copied()).collect();
            FundRanks {
                fund: id.clone(),
                label: label.clone(),
                scores: found.iter().map(|f| f.and_then(|f| f.score)).collect(),
                ranks: found.iter().map(|f| f.and_then(|f| f.rank)).collect(),
                bounds: found.iter().map(|f| f.and_then(|f| f.bounds)).collect(),
            }
        })
        .collect();
    funds.sort_by_key(|f| (f.ranks.first().copied().flatten().unwrap_or(u32::MAX), f.fund.clone()));
    let mut pairs = Vec::new();
    for i in 0..views.len() {
        for j in i + 1..views.len() {
            let (x, y): (Vec<f64>, Vec<f64>) = funds.iter().filter_map(|f| Some((f.scores[i]?, f.scores[j]?))).unzip();
            pairs.push(Pair {
                a: views[i].0.clone(),
                b: views[j].0.clone(),
                funds: x.len(),
                kendall_tau_b: kendall_tau_b(&x, &y).map(|x| round_to(x, 4)),
                spearman_rho: spearman_rho(&x, &y).map(|x| round_to(x, 4)),
            });
        }
    }
    RubricComparison {
        views: views
            .iter()
            .zip(&results)
            .map(|((id, ds), r)| {
                // `RUBRIC:PROFILE` names a rubric under one of its profiles.
                let profile = id.split_once(':').and_then(|(_, p)| ds.rubric.profiles.iter().find(|x| x.id == p));
                let (title, title_zh) = match profile {
                    Some(p) => (p.title.clone(), p.title_zh.clone()),
                    None => (ds.rubric.title.clone(), ds.rubric.title_zh.clone()),
                };
                View {
                    id: id.clone(),
                    title,
                    title_zh,
                    scale: ds.rubric.scale,
                    floor: ds.rubric.floor,
                    caveat: ds.rubric.caveat.clone(),
                    caveat_zh: ds.rubric.caveat_zh.clone(),
                    rubric: r.rubric.clone(),
                }
            })
            .collect(),
        funds,
        pairs,
    }
}
