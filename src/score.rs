//! The scoring: pure functions from a [`Dataset`] to one [`Results`] value, which every
//! output format renders and whose fields are the JSON/CSV schema.
//!
//! An item's credit is its level's credit (all_of = minimum, any_of = maximum, mean_of = mean
//! over its disclosures). `not_applicable` disclosures drop out, and so do `unknown` ones when
//! the rubric says `unknown: exclude`; an item left with none is not counted and the
//! category's weights renormalise over the counted items. Category score = Σ wᵢcᵢ / Σ wᵢ;
//! fund score = scale × Σ W_k·S_k / Σ W_k over categories with a counted item.

use crate::model::{Dataset, Fund, Item, Level, Rubric, Rule};
use crate::raw::UnknownRule;
use serde::{Serialize, Serializer};

/// Scores and category scores are printed, ranked and serialised at this many decimals.
pub const DECIMALS: i32 = 1;

/// Rounds a score to the printed precision.
pub fn round_score(x: f64) -> f64 {
    round_to(x, DECIMALS)
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    let r = (x * f).round() / f;
    if r == 0.0 { 0.0 } else { r }
}

/// Which funds to score, and as of when.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Score each fund as its disclosures stood in this year.
    pub as_of: Option<i32>,
    /// Score each fund as it stood this many years after its establishment.
    pub at_age: Option<i32>,
    /// Only these funds (all when empty); ranks are among them.
    pub funds: Vec<String>,
    /// The weight profile applied, for the record.
    pub profile: Option<String>,
}

/// Everything a report shows: the rubric, and each fund's scores, ranked.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub rubric: RubricInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The year scored (`null` = each fund's latest assessment).
    pub as_of: Option<i32>,
    /// The fund age scored (`score --at-age`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_age: Option<i32>,
    pub categories: Vec<CategoryInfo>,
    /// Sorted by rank, then fund id; funds not yet established last.
    pub results: Vec<FundResult>,
}

/// The rubric a result was scored under.
#[derive(Debug, Clone, Serialize)]
pub struct RubricInfo {
    pub id: String,
    pub title: String,
    pub version: Option<String>,
    pub scale: f64,
    pub unknown: UnknownRule,
}

/// A rubric category, in rubric order.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryInfo {
    pub id: String,
    pub title: String,
    /// Share of the total weight, in [0, 1].
    pub weight: f64,
}

/// Whether a fund could be scored for the requested year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Scored,
    NotEstablished,
    /// Younger than the age asked for (`--at-age`).
    TooYoung,
}

/// Counts of the rubric's disclosures by what is known of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Full, partial or none.
    pub assessed: usize,
    pub unknown: usize,
    pub not_applicable: usize,
}

/// One fund's result.
#[derive(Debug, Clone, Serialize)]
pub struct FundResult {
    pub fund: String,
    pub name: String,
    /// Short name for tables.
    pub label: String,
    pub status: Status,
    /// The year the fund was scored in (`null` = latest assessment).
    pub year: Option<i32>,
    /// On the rubric's scale, rounded to [`DECIMALS`].
    pub score: Option<f64>,
    /// Competition rank (1, 2, 2, 4) on the rounded score.
    pub rank: Option<u32>,
    /// Category id to score on the rubric's scale (`null` when nothing in it counts).
    #[serde(serialize_with = "ordered_map")]
    pub categories: Vec<(String, Option<f64>)>,
    pub coverage: Coverage,
    /// Disclosures whose level in `year` is assumed to have held since establishment.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub undated: Vec<String>,
    /// Item by item, in rubric order.
    pub items: Vec<ItemResult>,
}

/// Whether an item counted toward the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Counted,
    /// Every disclosure it reads is not applicable.
    NotApplicable,
    /// Left out under `unknown: exclude`.
    Unknown,
}

/// One item's contribution to a fund's score.
#[derive(Debug, Clone, Serialize)]
pub struct ItemResult {
    pub item: String,
    pub category: String,
    /// Disclosure id to the fund's level in the scored year.
    #[serde(serialize_with = "ordered_map")]
    pub levels: Vec<(String, Level)>,
    pub status: ItemStatus,
    /// In [0, 1]; `null` when not counted.
    pub credit: Option<f64>,
    /// The points this item is worth for this fund (after renormalisation), on the scale.
    #[serde(serialize_with = "points")]
    pub max_points: f64,
    #[serde(serialize_with = "points")]
    pub points: f64,
    #[serde(serialize_with = "points")]
    pub lost: f64,
}

fn ordered_map<S: Serializer, V: Serialize>(v: &[(String, V)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(v.iter().map(|(k, v)| (k, v)))
}

fn points<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(round_to(*v, 4))
}

/// An item's credit and status from the levels of its disclosures.
pub fn item_credit(
    item: &Item,
    levels: &[Level],
    unknown: UnknownRule,
) -> (ItemStatus, Option<f64>) {
    let credits: Vec<f64> = levels
        .iter()
        .filter_map(|&l| match l {
            Level::Unknown if unknown == UnknownRule::None => Some(item.credits.none),
            l => item.credits.of(l),
        })
        .collect();
    if credits.is_empty() {
        let status = if levels.iter().all(|l| *l == Level::NotApplicable) {
            ItemStatus::NotApplicable
        } else {
            ItemStatus::Unknown
        };
        return (status, None);
    }
    let c = match item.rule {
        Rule::One(_) | Rule::AllOf(_) => credits.iter().copied().fold(f64::INFINITY, f64::min),
        Rule::AnyOf(_) => credits.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        Rule::MeanOf(_) => credits.iter().sum::<f64>() / credits.len() as f64,
    };
    (ItemStatus::Counted, Some(c))
}

/// The raw (unrounded) score of one fund in `year`, with category scores and items.
fn score_fund(
    rubric: &Rubric,
    fund: &Fund,
    year: Option<i32>,
) -> (f64, Vec<(String, Option<f64>)>, Vec<ItemResult>) {
    let mut cats = Vec::new();
    let mut items = Vec::new();
    let mut per_cat: Vec<(f64, Option<f64>, f64)> = Vec::new(); // (W, S, Σw counted)
    for c in &rubric.categories {
        let (mut sw, mut swc) = (0.0, 0.0);
        for i in &c.items {
            let levels: Vec<(String, Level)> = i
                .rule
                .disclosures()
                .iter()
                .map(|d| (d.clone(), fund.standing(d, year).level))
                .collect();
            let lv: Vec<Level> = levels.iter().map(|(_, l)| *l).collect();
            let (status, credit) = item_credit(i, &lv, rubric.unknown);
            if let Some(cr) = credit {
                sw += i.weight;
                swc += i.weight * cr;
            }
            items.push(ItemResult {
                item: i.id.clone(),
                category: c.id.clone(),
                levels,
                status,
                credit,
                max_points: 0.0,
                points: 0.0,
                lost: 0.0,
            });
        }
        let s = (sw > 0.0).then(|| swc / sw);
        per_cat.push((c.weight, s, sw));
    }
    let total_w: f64 = per_cat
        .iter()
        .filter(|(_, s, _)| s.is_some())
        .map(|(w, _, _)| w)
        .sum();
    let mut score = 0.0;
    let mut k = 0;
    for (c, (w, s, sw)) in rubric.categories.iter().zip(&per_cat) {
        cats.push((c.id.clone(), s.map(|s| round_score(rubric.scale * s))));
        for i in &c.items {
            let r = &mut items[k];
            k += 1;
            if let (Some(_), Some(cr)) = (s, r.credit) {
                r.max_points = rubric.scale * (w / total_w) * (i.weight / sw);
                r.points = r.max_points * cr;
                r.lost = r.max_points - r.points;
            }
        }
        if let Some(s) = s {
            score += rubric.scale * (w / total_w) * s;
        }
    }
    (score, cats, items)
}

/// Scores every fund in `ds` (or those in `opts.funds`) and ranks them.
pub fn score(ds: &Dataset, opts: &Options) -> Results {
    let rubric = &ds.rubric;
    let total_w: f64 = rubric.categories.iter().map(|c| c.weight).sum();
    let mut results: Vec<FundResult> = Vec::new();
    for fund in &ds.funds {
        if !opts.funds.is_empty() && !opts.funds.contains(&fund.id) {
            continue;
        }
        let year = opts.at_age.map(|a| fund.established + a).or(opts.as_of);
        let label = fund.label().to_string();
        let unscored = if year.is_some_and(|y| y < fund.established) {
            Some(Status::NotEstablished)
        } else if opts.at_age.is_some() && year.is_some_and(|y| y > fund.assessed.year) {
            Some(Status::TooYoung)
        } else {
            None
        };
        if let Some(status) = unscored {
            results.push(FundResult {
                fund: fund.id.clone(),
                name: fund.name.clone(),
                label,
                status,
                year,
                score: None,
                rank: None,
                categories: rubric
                    .categories
                    .iter()
                    .map(|c| (c.id.clone(), None))
                    .collect(),
                coverage: Coverage::default(),
                undated: vec![],
                items: vec![],
            });
            continue;
        }
        let (raw, categories, items) = score_fund(rubric, fund, year);
        let mut coverage = Coverage::default();
        let mut undated = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (_, i) in rubric.items() {
            for d in i.rule.disclosures() {
                if !seen.insert(d.as_str()) {
                    continue;
                }
                let st = fund.standing(d, year);
                match st.level {
                    Level::Unknown => coverage.unknown += 1,
                    Level::NotApplicable => coverage.not_applicable += 1,
                    _ => coverage.assessed += 1,
                }
                if year.is_some() && st.undated {
                    undated.push(d.clone());
                }
            }
        }
        undated.sort();
        results.push(FundResult {
            fund: fund.id.clone(),
            name: fund.name.clone(),
            label,
            status: Status::Scored,
            year,
            score: Some(round_score(raw)),
            rank: None,
            categories,
            coverage,
            undated,
            items,
        });
    }
    rank(&mut results);
    Results {
        rubric: RubricInfo {
            id: rubric.id.clone(),
            title: rubric.title.clone(),
            version: rubric.version.clone(),
            scale: rubric.scale,
            unknown: rubric.unknown,
        },
        profile: opts.profile.clone(),
        as_of: opts.as_of,
        at_age: opts.at_age,
        categories: rubric
            .categories
            .iter()
            .map(|c| CategoryInfo {
                id: c.id.clone(),
                title: c.title.clone(),
                weight: round_to(c.weight / total_w, 4),
            })
            .collect(),
        results,
    }
}

/// Competition ranking on the rounded score; sorts by rank then fund id, unscored last.
pub fn rank(results: &mut [FundResult]) {
    let scores: Vec<f64> = results.iter().filter_map(|r| r.score).collect();
    for r in results.iter_mut() {
        r.rank = r
            .score
            .map(|s| 1 + scores.iter().filter(|o| **o > s).count() as u32);
    }
    results.sort_by(|a, b| {
        (a.rank.is_none(), a.rank, &a.fund).cmp(&(b.rank.is_none(), b.rank, &b.fund))
    });
}
