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
    /// Disclosures assessed: every level but unknown (not applicable is an assessment).
    pub assessed_disclosures: usize,
    /// `assessed_disclosures` as a share of the catalogue.
    pub assessed_share: f64,
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
            let total = ds.catalogue.ids().count();
            let unknown = count(Level::Unknown);
            FundCoverage {
                fund: f.id.clone(),
                assessed_disclosures: total - unknown,
                assessed_share: crate::score::round_to((total - unknown) as f64 / total.max(1) as f64, 4),
                full: count(Level::Full),
                partial: count(Level::Partial),
                none: count(Level::None),
                unknown,
                not_applicable: count(Level::NotApplicable),
                newest,
                assessed: f.assessed,
            }
        })
        .collect();
    Coverage { disclosures: ds.catalogue.disclosures.len(), funds }
}
