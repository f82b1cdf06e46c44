//! `explain` and `compare`: one fund's score item by item with its evidence, and funds side by
//! side. Each is a value that carries everything a format shows (the scores, and for
//! `explain` the standing of every disclosure in the scored year), so no renderer looks into
//! the descriptors.

use crate::model::{Dataset, Evidence, Fund, Level, Profile, Rubric, Start};
use crate::score::{FundResult, Results};
use serde::{Serialize, Serializer};

/// A fund's level on one disclosure in the scored year, and what supports it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Standing<'a> {
    pub disclosure: &'a str,
    pub level: Level,
    /// When the level in force that year began (`null` when unknown).
    pub start: Option<Start>,
    pub note: Option<&'a str>,
    pub evidence: &'a [Evidence],
}

/// One fund's score explained: its result among the others, and the standing of every
/// disclosure the rubric reads, in rubric order.
#[derive(Debug, Clone)]
pub struct Explanation<'a> {
    /// Every fund's result (the rubric, the basis in time and the ranks).
    pub of: &'a Results,
    pub fund: &'a FundResult,
    pub standings: Vec<Standing<'a>>,
    /// The descriptor, for the headline figures and where the fund is (`None` for a result
    /// without one).
    pub descriptor: Option<&'a Fund>,
}

impl<'a> Explanation<'a> {
    /// `fund`'s result in `of`, with its standings read from the dataset.
    pub fn of(ds: &'a Dataset, of: &'a Results, fund: &'a FundResult) -> Self {
        let descriptor = ds.fund(&fund.fund);
        let standings = match descriptor {
            Some(d) => ds
                .rubric
                .disclosures()
                .into_iter()
                .map(|id| {
                    let st = d.standing(id, fund.year);
                    Standing { disclosure: id, level: st.level, start: st.start, note: st.note, evidence: st.evidence }
                })
                .collect(),
            None => Vec::new(),
        };
        Explanation { of, fund, standings, descriptor }
    }

    /// The standing of one disclosure (`None` when the rubric does not read it or the fund
    /// has no descriptor).
    pub fn standing(&self, disclosure: &str) -> Option<&Standing<'a>> {
        self.standings.iter().find(|s| s.disclosure == disclosure)
    }

    /// How many funds were ranked.
    pub fn ranked(&self) -> usize {
        self.of.results.iter().filter(|x| x.rank.is_some()).count()
    }
}

/// The ranking as its page shows it: the results, the rubric (the method, and the weights the
/// page re-ranks by, with its profiles as presets) and every fund's card.
#[derive(Debug, Clone)]
pub struct Ranking<'a> {
    pub results: &'a Results,
    pub rubric: &'a Rubric,
    /// The rubric's profiles with their weights applied, offered as presets; none when the
    /// results already use a profile.
    pub presets: Vec<(&'a Profile, Rubric)>,
    /// One per result, in the results' order.
    pub cards: Vec<Explanation<'a>>,
}

impl<'a> Ranking<'a> {
    /// The page's material for `results`, scored from `ds`.
    pub fn of(ds: &'a Dataset, results: &'a Results) -> Self {
        let presets = if results.profile.is_some() {
            Vec::new()
        } else {
            ds.rubric.profiles.iter().filter_map(|p| Some((p, ds.rubric.with_profile(&p.id, &ds.catalogue)?))).collect()
        };
        let cards = results.results.iter().map(|f| Explanation::of(ds, results, f)).collect();
        Ranking { results, rubric: &ds.rubric, presets, cards }
    }
}

/// `explain`'s JSON: the rubric, the basis, the one fund in the shape of `score`'s results,
/// and the evidence per disclosure.
impl Serialize for Explanation<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shape<'b> {
            rubric: &'b crate::score::RubricInfo,
            #[serde(skip_serializing_if = "Option::is_none")]
            profile: Option<&'b str>,
            as_of: Option<i32>,
            results: [&'b FundResult; 1],
            evidence: &'b [Standing<'b>],
        }
        Shape {
            rubric: &self.of.rubric,
            profile: self.of.profile.as_deref(),
            as_of: self.of.as_of,
            results: [self.fund],
            evidence: &self.standings,
        }
        .serialize(s)
    }
}

/// Funds side by side, in the order asked for.
#[derive(Debug, Clone)]
pub struct Comparison<'a> {
    pub of: &'a Results,
    pub funds: Vec<&'a FundResult>,
}

impl Comparison<'_> {
    /// The disclosures the rubric reads, in rubric order, each with whether the funds' levels
    /// on it differ.
    pub fn disclosures(&self) -> Vec<(&str, bool)> {
        self.of.disclosures().into_iter().map(|d| (d, crate::score::differ(&self.funds, d))).collect()
    }
}

/// `compare`'s JSON: the rubric, the funds, the disclosures where they differ, and their
/// results in the shape of `score`'s.
impl Serialize for Comparison<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shape<'b> {
            rubric: &'b crate::score::RubricInfo,
            as_of: Option<i32>,
            funds: Vec<&'b str>,
            /// Disclosures whose levels differ between the funds.
            differing: Vec<&'b str>,
            results: &'b [&'b FundResult],
        }
        Shape {
            rubric: &self.of.rubric,
            as_of: self.of.as_of,
            funds: self.funds.iter().map(|f| f.fund.as_str()).collect(),
            differing: self.disclosures().into_iter().filter(|(_, d)| *d).map(|(d, _)| d).collect(),
            results: &self.funds,
        }
        .serialize(s)
    }
}
