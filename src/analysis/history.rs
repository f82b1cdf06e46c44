//! Scores year by year, from `since` and `history` in the descriptors.

use crate::estimate::{Estimate, Model};
use crate::model::Dataset;
use crate::score::{self, Bounds, Options, RubricInfo, Status};
use serde::Serialize;

/// Each requested fund's score in every year from its establishment (or `from`) to its
/// latest assessment.
#[derive(Debug, Clone, Serialize)]
pub struct History {
    pub rubric: RubricInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    pub from: Option<i32>,
    pub funds: Vec<FundHistory>,
}

/// One fund's scores over time.
#[derive(Debug, Clone, Serialize)]
pub struct FundHistory {
    pub fund: String,
    pub label: String,
    pub established: i32,
    /// The year of the latest assessment.
    pub latest: i32,
    pub years: Vec<YearScore>,
}

/// A fund's score in one year, and its rank among all funds scored that year.
#[derive(Debug, Clone, Serialize)]
pub struct YearScore {
    pub year: i32,
    pub score: f64,
    /// The score with every unknown at none (low) and at full (high).
    pub bounds: Bounds,
    /// The expected score with the unknowns estimated, and its 90% interval.
    pub estimate: Estimate,
    pub rank: u32,
    /// How many funds were scored that year.
    pub of: usize,
}

/// Scores `funds` in every year of their lives (from `from`, if later).
pub fn history(ds: &Dataset, funds: &[String], from: Option<i32>, profile: Option<String>) -> History {
    let picked: Vec<_> = funds.iter().filter_map(|id| ds.fund(id)).collect();
    let first = picked.iter().map(|f| from.map_or(f.established, |y| y.max(f.established))).min().unwrap_or(0);
    let last = picked.iter().map(|f| f.assessed.year).max().unwrap_or(0);
    let mut out: Vec<FundHistory> = picked
        .iter()
        .map(|f| FundHistory {
            fund: f.id.clone(),
            label: f.label().to_string(),
            established: f.established,
            latest: f.assessed.year,
            years: vec![],
        })
        .collect();
    let model = Model::of(ds);
    for year in first..=last {
        let r = score::score_with(ds, &Options { as_of: Some(year), ..Options::default() }, Some(&model));
        let of = r.results.iter().filter(|x| x.status == Status::Scored).count();
        for h in &mut out {
            let start = from.map_or(h.established, |y| y.max(h.established));
            if year < start || year > h.latest {
                continue;
            }
            if let Some(fr) = r.results.iter().find(|x| x.fund == h.fund && x.status == Status::Scored) {
                h.years.push(YearScore {
                    year,
                    score: fr.score.unwrap_or(0.0),
                    bounds: fr.bounds.unwrap_or(Bounds { low: 0.0, high: 0.0 }),
                    estimate: fr.estimate.unwrap_or(Estimate::exact(fr.score.unwrap_or(0.0))),
                    rank: fr.rank.unwrap_or(0),
                    of,
                });
            }
        }
    }
    History { rubric: RubricInfo::of(&ds.rubric), profile, from, funds: out }
}
