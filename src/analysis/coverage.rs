//! How much of the catalogue each fund's descriptor settles (`validate --coverage`).

use crate::model::{Dataset, Date, Level};
use serde::Serialize;

/// Per fund, the levels of its catalogue disclosures today.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// How many disclosures the catalogue has.
    pub disclosures: usize,
    pub funds: Vec<FundCoverage>,
}

/// One fund's counts, its newest evidence and when it was reviewed.
#[derive(Debug, Clone, Serialize)]
pub struct FundCoverage {
    pub fund: String,
    pub full: usize,
    pub partial: usize,
    pub none: usize,
    pub unknown: usize,
    pub not_applicable: usize,
    pub newest: Option<Date>,
    pub assessed: Date,
}

/// Counts every fund's current levels over the catalogue.
pub fn coverage(ds: &Dataset) -> Coverage {
    let funds = ds
        .funds
        .iter()
        .map(|f| {
            let count = |l: Level| ds.catalogue.ids().filter(|d| f.standing(d, None).level == l).count();
            let newest = f
                .disclosures
                .values()
                .flat_map(|a| a.evidence.iter().chain(a.history.iter().flat_map(|p| p.evidence.iter())))
                .filter_map(|e| e.date)
                .max();
            FundCoverage {
                fund: f.id.clone(),
                full: count(Level::Full),
                partial: count(Level::Partial),
                none: count(Level::None),
                unknown: count(Level::Unknown),
                not_applicable: count(Level::NotApplicable),
                newest,
                assessed: f.assessed,
            }
        })
        .collect();
    Coverage { disclosures: ds.catalogue.disclosures.len(), funds }
}
