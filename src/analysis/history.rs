//! Scores year by year, from `since` and `history` in the descriptors.

use crate::estimate::{Estimate, Estimator, Model};
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
    /// Years since establishment on the axis (`--by-age`): each age ranked among every fund
    /// that reached it.
    pub by_age: bool,
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
    /// Years since establishment.
    pub age: i32,
    pub score: f64,
    /// The score with every unknown at none (low) and at full (high).
    pub bounds: Bounds,
    /// The expected score with the unknowns estimated, and its 90% interval.
    pub estimate: Estimate,
    pub rank: u32,
    /// How many funds were scored that year.
    pub of: usize,
}

/// Scores `funds` in every year of their lives (from `from`, if later); `by_age`, at every age
/// instead, each ranked among the funds scored at that age.
pub fn history(ds: &Dataset, funds: &[String], from: Option<i32>, by_age: bool, profile: Option<String>) -> History {
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
    // The other funds are scored for the ranks (scores and bounds, no items); only the funds
    // shown need the estimate.
    let model = Model::of(ds);
    let estimator = Estimator::new(&model, &ds.rubric);
    let estimate = |fr: &score::FundResult| ds.fund(&fr.fund).and_then(|f| estimator.fund(f, fr.year));
    if by_age {
        let oldest = picked.iter().map(|f| f.assessed.year - f.established).max().unwrap_or(0);
        for age in 0..=oldest.max(0) {
            let r =
                score::score_with(ds, &Options { at_age: Some(age), scores_only: true, ..Options::default() }, None);
            let of = r.results.iter().filter(|x| x.status == Status::Scored).count();
            for h in &mut out {
                if let Some(fr) = r.results.iter().find(|x| x.fund == h.fund && x.status == Status::Scored) {
                    h.years.push(year_score(fr, h.established + age, age, of, &estimate));
                }
            }
        }
        return History { rubric: RubricInfo::of(&ds.rubric), profile, from, by_age, funds: out };
    }
    for year in first..=last {
        let r = score::score_with(ds, &Options { as_of: Some(year), scores_only: true, ..Options::default() }, None);
        let of = r.results.iter().filter(|x| x.status == Status::Scored).count();
        for h in &mut out {
            let start = from.map_or(h.established, |y| y.max(h.established));
            if year < start || year > h.latest {
                continue;
            }
            if let Some(fr) = r.results.iter().find(|x| x.fund == h.fund && x.status == Status::Scored) {
                h.years.push(year_score(fr, year, year - h.established, of, &estimate));
            }
        }
    }
    History { rubric: RubricInfo::of(&ds.rubric), profile, from, by_age, funds: out }
}

/// A scored fund's row of the history: `year` of its life, at `age`, ranked among `of`.
fn year_score(
    fr: &score::FundResult,
    year: i32,
    age: i32,
    of: usize,
    estimate: &dyn Fn(&score::FundResult) -> Option<Estimate>,
) -> YearScore {
    YearScore {
        year,
        age,
        score: fr.score.unwrap_or(0.0),
        bounds: fr.bounds.unwrap_or(Bounds { low: 0.0, high: 0.0 }),
        estimate: estimate(fr).unwrap_or(Estimate::exact(fr.score.unwrap_or(0.0))),
        rank: fr.rank.unwrap_or(0),
        of,
    }
}
