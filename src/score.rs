//! The scoring: pure functions from a [`Dataset`] to one [`Results`] value, which every
//! output format renders and whose fields are the JSON/CSV schema.
//!
//! An item's credit is its level's credit (all_of = minimum, any_of = maximum, mean_of = mean
//! over its disclosures). `not_applicable` disclosures drop out, and so do `unknown` ones when
//! the rubric says `unknown: exclude`; an item left with none is not counted and the
//! category's weights renormalise over the counted items. Category score = Σ wᵢcᵢ / Σ wᵢ;
//! fund score = scale × Σ W_k·S_k / Σ W_k over categories with a counted item.

use crate::estimate::{Estimate, Estimator, Model};
use crate::model::{Dataset, Fund, Level, Rubric, Rule, UnknownRule};
use rayon::prelude::*;
use serde::{Serialize, Serializer};

/// Scores and category scores are printed, ranked and serialised at this many decimals.
pub const DECIMALS: i32 = 1;

/// Rounds a score to the printed precision.
pub fn round_score(x: f64) -> f64 {
    round_to(x, DECIMALS)
}

/// Rounds to `decimals` places (half away from zero), never giving `-0`.
pub fn round_to(x: f64, decimals: i32) -> f64 {
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
    /// Also work out, for each unknown disclosure, the score if it alone were none or full.
    pub unknown_effects: bool,
    /// Scores, bounds, categories and ranks only: no item-by-item results and no estimates
    /// (one sweep per fund, nothing made per item), for callers that compare rankings or
    /// follow scores over time.
    pub scores_only: bool,
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
    /// The distinct disclosures the rubric reads, in rubric order.
    #[serde(skip)]
    pub disclosures: Vec<String>,
}

/// The rubric a result was scored under.
#[derive(Debug, Clone, Serialize)]
pub struct RubricInfo {
    pub id: String,
    pub title: String,
    pub version: Option<String>,
    pub scale: f64,
    /// The score of a fund that discloses nothing.
    pub floor: f64,
    pub unknown: UnknownRule,
    /// What the rubric is, in one line, where it only approximates a framework.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caveat: Option<String>,
    /// The title and caveat in Traditional Chinese, for the Chinese report.
    #[serde(skip)]
    pub title_zh: Option<String>,
    #[serde(skip)]
    pub caveat_zh: Option<String>,
}

impl RubricInfo {
    /// The title in `lang`.
    pub fn title_in(&self, lang: crate::locale::Lang) -> &str {
        match (lang, &self.title_zh) {
            (crate::locale::Lang::ZhHant, Some(t)) => t,
            _ => &self.title,
        }
    }

    /// The caveat in `lang`, where there is one.
    pub fn caveat_in(&self, lang: crate::locale::Lang) -> Option<&str> {
        match lang {
            crate::locale::Lang::ZhHant => self.caveat_zh.as_deref().or(self.caveat.as_deref()),
            crate::locale::Lang::En => self.caveat.as_deref(),
        }
    }

    pub fn of(rubric: &Rubric) -> Self {
        RubricInfo {
            id: rubric.id.clone(),
            title: rubric.title.clone(),
            version: rubric.version.clone(),
            scale: rubric.scale,
            floor: rubric.floor,
            unknown: rubric.unknown,
            caveat: rubric.caveat.clone(),
            title_zh: rubric.title_zh.clone(),
            caveat_zh: rubric.caveat_zh.clone(),
        }
    }
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
    /// The score if every unknown disclosure were `none` (low) and if it were `full` (high);
    /// the score always lies within them. `null` when not scored.
    pub bounds: Option<Bounds>,
    /// The expected score with every unknown disclosure estimated from the record, and its
    /// 90% interval ([`crate::estimate`]); equal to the score when nothing is unknown. `null`
    /// when not scored (or with `scores_only`).
    pub estimate: Option<Estimate>,
    pub coverage: Coverage,
    /// Each unknown disclosure and the score if it alone were none or full, the widest
    /// range first (only when asked for, e.g. by `explain`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknowns: Vec<UnknownEffect>,
    /// Item by item, in rubric order.
    pub items: Vec<ItemResult>,
}

impl FundResult {
    /// The level on a disclosure in the scored year, as the first item that reads it has it.
    pub fn level(&self, disclosure: &str) -> Option<Level> {
        self.items.iter().flat_map(|i| i.levels.iter()).find(|(d, _)| d == disclosure).map(|(_, l)| *l)
    }

    /// Every disclosure's level, as [`FundResult::level`] finds it, for a caller that looks up
    /// many disclosures of one fund.
    pub fn levels(&self) -> std::collections::HashMap<&str, Level> {
        let mut m = std::collections::HashMap::new();
        for (d, l) in self.items.iter().flat_map(|i| i.levels.iter()) {
            m.entry(d.as_str()).or_insert(*l);
        }
        m
    }
}

impl Results {
    /// The distinct disclosures the rubric reads, in rubric order.
    pub fn disclosures(&self) -> Vec<&str> {
        self.disclosures.iter().map(String::as_str).collect()
    }
}

/// Whether the funds' levels differ on a disclosure.
pub fn differ(funds: &[&FundResult], disclosure: &str) -> bool {
    let mut levels = funds.iter().map(|f| f.level(disclosure));
    let first = levels.next().flatten();
    levels.any(|l| l != first)
}

/// The range a score could take if every unknown disclosure were resolved.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bounds {
    /// Every unknown disclosure at its item's lowest credit (`none`).
    pub low: f64,
    /// Every unknown disclosure at its item's highest credit (`full`).
    pub high: f64,
}

impl Bounds {
    /// Rounded to the printed precision.
    pub fn rounded(self) -> Bounds {
        Bounds { low: round_score(self.low), high: round_score(self.high) }
    }

    /// True when no unknown could move the score.
    pub fn is_tight(self) -> bool {
        self.low == self.high
    }
}

/// How far one unknown disclosure could move a fund's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnknownEffect {
    pub disclosure: String,
    /// The score if this disclosure were `none` (the others as they stand).
    pub low: f64,
    /// The score if it were `full`.
    pub high: f64,
    /// What the estimate takes it to have been: the chance it was disclosed (full or
    /// partial), and the level the record confirms next, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guess: Option<crate::estimate::CellGuess>,
}

/// How an unknown disclosure is credited in one pass of the scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnknownAs {
    /// As the rubric (or `--unknown`) says.
    Rule(UnknownRule),
    /// At the item's lowest credit: the low bound.
    Lowest,
    /// At the item's highest credit: the high bound.
    Highest,
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

pub(crate) fn ordered_map<S: Serializer, V: Serialize>(v: &[(String, V)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(v.iter().map(|(k, v)| (k, v)))
}

fn points<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(round_to(*v, 4))
}

/// A fund's raw (unrounded) score, its category scores and its items.
type Scored = (f64, Vec<(String, Option<f64>)>, Vec<ItemResult>);

/// A fund's unrounded score in `year` (`None` = latest), for exact differences.
pub fn raw_score(rubric: &Rubric, fund: &Fund, year: Option<i32>) -> f64 {
    let c = Compiled::new(rubric);
    c.score_rule(&c.levels_of(fund, year))
}

/// A fund's unrounded bounds in `year`: every unknown at its lowest and at its highest credit.
pub fn raw_bounds(rubric: &Rubric, fund: &Fund, year: Option<i32>) -> Bounds {
    let c = Compiled::new(rubric);
    c.score(&c.levels_of(fund, year)).bounds
}

/// Each unknown disclosure of `fund` in `year`, with the score if it alone were none or full,
/// widest range first, then by id.
fn unknown_effects(
    c: &Compiled,
    levels: &[Level],
    fund: &Fund,
    year: Option<i32>,
    est: Option<&Estimator>,
) -> Vec<UnknownEffect> {
    let mut out = Vec::new();
    let mut with = levels.to_vec();
    for (k, d) in c.disclosures.iter().enumerate() {
        if levels[k] != Level::Unknown {
            continue;
        }
        let mut at = |l: Level| {
            with[k] = l;
            let s = c.score_rule(&with);
            with[k] = Level::Unknown;
            round_score(s)
        };
        let (low, high) = (at(Level::None), at(Level::Full));
        out.push(UnknownEffect { disclosure: d.clone(), low, high, guess: est.and_then(|e| e.guess(fund, year, d)) });
    }
    out.sort_by(|a, b| (b.high - b.low).total_cmp(&(a.high - a.low)).then_with(|| a.disclosure.cmp(&b.disclosure)));
    out
}

/// A rubric flattened for scoring level vectors: the engine's one arithmetic. Every command
/// that scores a fund-year scores it through this (`score`, `explain`, `history`, `gap`,
/// `whatif`, `diff`, the estimate's draws, the batch path's panels of millions of rows);
/// the robustness Monte Carlo's kernel is checked against it.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The rubric's distinct disclosures, in rubric order; level vectors are indexed by it.
    pub disclosures: Vec<String>,
    /// Each disclosure's place in `disclosures`.
    index: std::collections::HashMap<String, usize>,
    items: Vec<CompiledItem>,
    /// Per category: its weight and the range of its items in `items`.
    categories: Vec<(f64, std::ops::Range<usize>)>,
    /// Per category, its id (for the plan [`Compiled::plan`] gives other engines).
    category_ids: Vec<String>,
    /// Disclosure indices of every item, item after item.
    reads: Vec<usize>,
    floor: f64,
    span: f64,
}

#[derive(Debug, Clone)]
pub struct CompiledItem {
    id: String,
    weight: f64,
    rule: Rule,
    /// The credit of each level (by its index in [`Level::ALL`]) in each of the three passes
    /// ([`PASSES`]); `None` where the level drops out of the item.
    credit: [[Option<f64>; 5]; 3],
    reads: std::ops::Range<usize>,
}

/// The three scoring passes of [`Compiled::score`]: as the rubric says, every unknown at its
/// lowest credit, at its highest.
const PASSES: usize = 3;

/// One pass of the scoring (see [`Compiled::score`]): what an unknown disclosure is taken as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// As the rubric's (or `--unknown`'s) rule says: the score.
    Rule = 0,
    /// At the item's lowest credit: the low bound.
    Lowest = 1,
    /// At the item's highest credit: the high bound.
    Highest = 2,
}

impl Pass {
    pub const ALL: [Pass; PASSES] = [Pass::Rule, Pass::Lowest, Pass::Highest];
}

/// How an item combines the credits of the disclosures it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    /// The lowest (one disclosure, `all_of`).
    Min,
    /// The highest (`any_of`).
    Max,
    /// The mean, added in the item's order (`mean_of`).
    Mean,
}

/// One category of a [`Compiled`] rubric, as [`Compiled::plan`] shows it.
#[derive(Debug, Clone, Copy)]
pub struct PlanCategory<'a> {
    pub id: &'a str,
    pub weight: f64,
    pub items: &'a [CompiledItem],
}

impl CompiledItem {
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The weight, with the profile applied.
    pub fn weight(&self) -> f64 {
        self.weight
    }

    pub fn combine(&self) -> Combine {
        match self.rule {
            Rule::One(_) | Rule::AllOf(_) => Combine::Min,
            Rule::AnyOf(_) => Combine::Max,
            Rule::MeanOf(_) => Combine::Mean,
        }
    }

    /// The credit a disclosure at `level` gives in `pass`; `None` where it drops out of the
    /// item (not applicable; unknown under `unknown: exclude` in the rule's pass).
    pub fn credit(&self, pass: Pass, level: Level) -> Option<f64> {
        self.credit[pass as usize][level as usize]
    }
}

/// A fund-year's unrounded scores from [`Compiled::score`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawScores {
    pub score: f64,
    pub bounds: Bounds,
    /// Per rubric category, in order, on the rubric's scale (`None` when nothing counts).
    pub categories: Vec<Option<f64>>,
    pub coverage: Coverage,
}

impl Compiled {
    pub fn new(rubric: &Rubric) -> Compiled {
        let disclosures: Vec<String> = rubric.disclosures().into_iter().map(str::to_string).collect();
        let index: std::collections::HashMap<String, usize> =
            disclosures.iter().enumerate().map(|(k, d)| (d.clone(), k)).collect();
        let (mut items, mut categories, mut reads) = (Vec::new(), Vec::new(), Vec::new());
        for c in &rubric.categories {
            let first = items.len();
            for i in &c.items {
                let start = reads.len();
                reads.extend(i.rule.disclosures().iter().map(|d| index[d]));
                let c = &i.credits;
                let credit = [UnknownAs::Rule(rubric.unknown), UnknownAs::Lowest, UnknownAs::Highest].map(|unknown| {
                    Level::ALL.map(|l| match (l, unknown) {
                        (Level::Unknown, UnknownAs::Rule(UnknownRule::None)) => Some(c.none),
                        (Level::Unknown, UnknownAs::Lowest) => Some(c.none.min(c.partial).min(c.full)),
                        (Level::Unknown, UnknownAs::Highest) => Some(c.none.max(c.partial).max(c.full)),
                        (l, _) => c.of(l),
                    })
                });
                items.push(CompiledItem {
                    id: i.id.clone(),
                    weight: i.weight,
                    rule: i.rule.clone(),
                    credit,
                    reads: start..reads.len(),
                });
            }
            categories.push((c.weight, first..items.len()));
        }
        let category_ids = rubric.categories.iter().map(|c| c.id.clone()).collect();
        Compiled {
            disclosures,
            index,
            items,
            categories,
            category_ids,
            reads,
            floor: rubric.floor,
            span: rubric.scale - rubric.floor,
        }
    }

    /// The plan this rubric is scored by, for another engine to follow operation for
    /// operation (`swfscore sql`): the categories in order, each with its weight and items.
    pub fn plan(&self) -> impl Iterator<Item = PlanCategory<'_>> {
        self.categories.iter().zip(&self.category_ids).map(|((w, range), id)| PlanCategory {
            id,
            weight: *w,
            items: &self.items[range.clone()],
        })
    }

    /// The disclosures `item` reads, as indices into [`Compiled::disclosures`], in its order.
    pub fn reads(&self, item: &CompiledItem) -> &[usize] {
        &self.reads[item.reads.clone()]
    }

    /// The score of a fund-year whose categories all drop out; the bottom of the scale.
    pub fn floor(&self) -> f64 {
        self.floor
    }

    /// The scale above the floor: a category's points are `span × W/ΣW × S`.
    pub fn span(&self) -> f64 {
        self.span
    }

    /// Scores one level per disclosure (indexed as [`Compiled::disclosures`]): the score, its
    /// bounds, the category scores and the coverage, all unrounded. The three passes run in
    /// one sweep, each adding in [`score_levels`]'s order.
    pub fn score(&self, levels: &[Level]) -> RawScores {
        // Per category and pass: the category's score (`None` when nothing in it counts).
        let n = self.categories.len();
        let mut on_stack = [[None; PASSES]; 32];
        let mut on_heap;
        let per_cat: &mut [[Option<f64>; PASSES]] = if n <= 32 {
            &mut on_stack[..n]
        } else {
            on_heap = vec![[None; PASSES]; n];
            &mut on_heap
        };
        for ((_, range), slot) in self.categories.iter().zip(per_cat.iter_mut()) {
            let (mut sw, mut swc) = ([0.0; PASSES], [0.0; PASSES]);
            for i in &self.items[range.clone()] {
                let credits = self.item_credits(i, levels);
                for p in 0..PASSES {
                    if let Some(cr) = credits[p] {
                        sw[p] += i.weight;
                        swc[p] += i.weight * cr;
                    }
                }
            }
            for p in 0..PASSES {
                slot[p] = (sw[p] > 0.0).then(|| swc[p] / sw[p]);
            }
        }
        let [score, low, high] = std::array::from_fn(|p| {
            let total_w: f64 =
                self.categories.iter().zip(per_cat.iter()).filter(|(_, s)| s[p].is_some()).map(|((w, _), _)| w).sum();
            let mut score = self.floor;
            for ((w, _), s) in self.categories.iter().zip(per_cat.iter()) {
                if let Some(s) = s[p] {
                    score += self.span * (w / total_w) * s;
                }
            }
            score
        });
        let categories = per_cat.iter().map(|s| s[0].map(|s| self.floor + self.span * s)).collect();
        RawScores { score, bounds: Bounds { low, high }, categories, coverage: Self::coverage(levels) }
    }

    /// How many of the disclosures are assessed, not applicable and unknown.
    pub fn coverage(levels: &[Level]) -> Coverage {
        let mut coverage = Coverage::default();
        for l in levels {
            match l {
                Level::Unknown => coverage.unknown += 1,
                Level::NotApplicable => coverage.not_applicable += 1,
                _ => coverage.assessed += 1,
            }
        }
        coverage
    }

    /// `fund`'s level of each disclosure in `year` (`None` = latest), indexed as
    /// [`Compiled::disclosures`].
    pub fn levels_of(&self, fund: &Fund, year: Option<i32>) -> Vec<Level> {
        self.disclosures.iter().map(|d| fund.standing(d, year).level).collect()
    }

    /// `levels` with some disclosures (by id) at other levels; ids the rubric does not read
    /// change nothing.
    pub fn with(&self, levels: &[Level], set: &[(&str, Level)]) -> Vec<Level> {
        let mut out = levels.to_vec();
        for (d, l) in set {
            if let Some(&k) = self.index.get(*d) {
                out[k] = *l;
            }
        }
        out
    }

    /// One fund-year scored item by item as the rubric's rule says: the score (the bits of
    /// [`Compiled::score_rule`]), each category's score rounded to the printed precision, and
    /// every item's credit and points.
    pub fn explain(&self, levels: &[Level]) -> Scored {
        let mut items = Vec::with_capacity(self.items.len());
        let mut per_cat = Vec::with_capacity(self.categories.len()); // (W, S, Σw counted)
        for ((w, range), id) in self.categories.iter().zip(&self.category_ids) {
            let (mut sw, mut swc) = (0.0, 0.0);
            for i in &self.items[range.clone()] {
                let credit = self.item_credit(i, levels, Pass::Rule);
                if let Some(cr) = credit {
                    sw += i.weight;
                    swc += i.weight * cr;
                }
                let levels: Vec<(String, Level)> =
                    self.reads(i).iter().map(|&k| (self.disclosures[k].clone(), levels[k])).collect();
                let status = if credit.is_some() {
                    ItemStatus::Counted
                } else if levels.iter().all(|(_, l)| *l == Level::NotApplicable) {
                    ItemStatus::NotApplicable
                } else {
                    ItemStatus::Unknown
                };
                items.push(ItemResult {
                    item: i.id.clone(),
                    category: id.clone(),
                    levels,
                    status,
                    credit,
                    max_points: 0.0,
                    points: 0.0,
                    lost: 0.0,
                });
            }
            per_cat.push((*w, (sw > 0.0).then(|| swc / sw), sw));
        }
        let total_w: f64 = per_cat.iter().filter(|(_, s, _)| s.is_some()).map(|(w, _, _)| w).sum();
        // Points run over the span above the floor; the score is the floor plus the points.
        let mut score = self.floor;
        let mut cats = Vec::with_capacity(per_cat.len());
        let mut k = 0;
        for (((w, s, sw), id), (_, range)) in per_cat.iter().zip(&self.category_ids).zip(&self.categories) {
            cats.push((id.clone(), s.map(|s| round_score(self.floor + self.span * s))));
            for i in &self.items[range.clone()] {
                let r = &mut items[k];
                k += 1;
                if let (Some(_), Some(cr)) = (s, r.credit) {
                    r.max_points = self.span * (w / total_w) * (i.weight / sw);
                    r.points = r.max_points * cr;
                    r.lost = r.max_points - r.points;
                }
            }
            if let Some(s) = s {
                score += self.span * (w / total_w) * s;
            }
        }
        (score, cats, items)
    }

    /// The score of one level per disclosure as the rubric's rule says: the first pass of
    /// [`Compiled::score`] alone, the same bits (for callers that score many draws).
    pub fn score_rule(&self, levels: &[Level]) -> f64 {
        self.rule_score(|_, range| self.category_sums(range, |k| self.item_credit(&self.items[k], levels, Pass::Rule)))
    }

    /// A fund-year whose disclosures `varying` (indices into [`Compiled::disclosures`]) will
    /// take other levels, many times over: the items and categories that read none of them are
    /// worked out once, from `levels`. [`Varying::score_rule`] then gives
    /// [`Compiled::score_rule`]'s bits for any levels that agree with `levels` elsewhere.
    pub fn varying(&self, levels: &[Level], varying: &[usize]) -> Varying<'_> {
        let mut reads_varying = vec![false; self.disclosures.len()];
        for &k in varying {
            reads_varying[k] = true;
        }
        let mut terms = Vec::new();
        let categories = self
            .categories
            .iter()
            .map(|(_, range)| {
                let items = &self.items[range.clone()];
                let varies = |i: &CompiledItem| self.reads(i).iter().any(|&k| reads_varying[k]);
                if !items.iter().any(varies) {
                    let fixed =
                        self.category_sums(range.clone(), |k| self.item_credit(&self.items[k], levels, Pass::Rule));
                    return Ok(fixed);
                }
                let start = terms.len();
                for (k, i) in range.clone().zip(items) {
                    let term = match self.reads(i) {
                        _ if !varies(i) => match self.item_credit(i, levels, Pass::Rule) {
                            Some(credit) => Term::Fixed(credit),
                            None => continue, // adds nothing, in any draw
                        },
                        &[read] if matches!(i.rule, Rule::One(_) | Rule::AllOf(_) | Rule::AnyOf(_)) => {
                            Term::One { read, credit: i.credit[Pass::Rule as usize] }
                        }
                        _ => Term::Item(k),
                    };
                    terms.push((i.weight, term));
                }
                Err(start..terms.len())
            })
            .collect();
        Varying { compiled: self, terms, categories }
    }

    /// A category's Σw and Σw·credit over its items (`range`, in `self.items`) in order, with
    /// the credit of item `k` from `credit(k)` (`None`: the item does not count).
    fn category_sums(&self, range: std::ops::Range<usize>, credit: impl Fn(usize) -> Option<f64>) -> (f64, f64) {
        let (mut sw, mut swc) = (0.0, 0.0);
        for k in range {
            if let Some(cr) = credit(k) {
                let w = self.items[k].weight;
                sw += w;
                swc += w * cr;
            }
        }
        (sw, swc)
    }

    /// The score from each category's (Σw, Σw·credit), as the rule's pass combines them.
    fn rule_score(&self, sums: impl Fn(usize, std::ops::Range<usize>) -> (f64, f64)) -> f64 {
        let mut total_w = 0.0;
        let mut per_cat = [None; 32];
        let mut on_heap;
        let slots: &mut [Option<f64>] = if self.categories.len() <= 32 {
            &mut per_cat[..self.categories.len()]
        } else {
            on_heap = vec![None; self.categories.len()];
            &mut on_heap
        };
        for (c, ((w, range), slot)) in self.categories.iter().zip(slots.iter_mut()).enumerate() {
            let (sw, swc) = sums(c, range.clone());
            *slot = (sw > 0.0).then(|| swc / sw);
            if slot.is_some() {
                total_w += w;
            }
        }
        let mut score = self.floor;
        for ((w, _), s) in self.categories.iter().zip(slots.iter()) {
            if let Some(s) = s {
                score += self.span * (w / total_w) * s;
            }
        }
        score
    }

    /// Every item's credit as the rubric's rule scores it, in rubric order (`None` where the
    /// item does not count): the first pass of [`Compiled::score`], item by item.
    pub fn rule_credits(&self, levels: &[Level]) -> Vec<Option<f64>> {
        self.items.iter().map(|i| self.item_credit(i, levels, Pass::Rule)).collect()
    }

    /// An item's credit in one pass: that pass of [`Compiled::item_credits`], the same bits.
    fn item_credit(&self, item: &CompiledItem, levels: &[Level], pass: Pass) -> Option<f64> {
        let credit = &item.credit[pass as usize];
        let credits = self.reads(item).iter().filter_map(|&k| credit[levels[k] as usize]);
        match item.rule {
            Rule::One(_) | Rule::AllOf(_) => credits.fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.min(x)))),
            Rule::AnyOf(_) => credits.fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x)))),
            Rule::MeanOf(_) => {
                let (n, sum) = credits.fold((0usize, 0.0), |(n, s), x| (n + 1, s + x));
                (n > 0).then(|| sum / n as f64)
            }
        }
    }

    /// An item's credit in each pass: [`item_credit_as`] without its allocation.
    fn item_credits(&self, item: &CompiledItem, levels: &[Level]) -> [Option<f64>; PASSES] {
        let (mut n, mut min, mut max, mut sum) =
            ([0usize; PASSES], [f64::INFINITY; PASSES], [f64::NEG_INFINITY; PASSES], [0.0; PASSES]);
        for &k in &self.reads[item.reads.clone()] {
            let l = levels[k] as usize;
            for p in 0..PASSES {
                if let Some(x) = item.credit[p][l] {
                    n[p] += 1;
                    min[p] = min[p].min(x);
                    max[p] = max[p].max(x);
                    sum[p] += x;
                }
            }
        }
        std::array::from_fn(|p| {
            (n[p] > 0).then(|| match item.rule {
                Rule::One(_) | Rule::AllOf(_) => min[p],
                Rule::AnyOf(_) => max[p],
                Rule::MeanOf(_) => sum[p] / n[p] as f64,
            })
        })
    }
}

/// A fund-year with some disclosures left to vary ([`Compiled::varying`]).
#[derive(Debug)]
pub struct Varying<'c> {
    compiled: &'c Compiled,
    /// The weight and credit of each item that counts in a category some draw changes, in
    /// the category's order.
    terms: Vec<(f64, Term)>,
    /// Per category: its (Σw, Σw·credit) when no draw changes it (`Ok`), else its terms.
    categories: Vec<Result<(f64, f64), std::ops::Range<usize>>>,
}

/// An item's credit in [`Varying`]: fixed, the credit of its one varying disclosure's level,
/// or worked out from the levels.
#[derive(Debug, Clone, Copy)]
enum Term {
    Fixed(f64),
    One { read: usize, credit: [Option<f64>; 5] },
    Item(usize),
}

impl Varying<'_> {
    /// [`Compiled::score_rule`] of `levels`, which agree with the fund-year's levels on every
    /// disclosure that is not varying: the same bits, working out only what they change.
    pub fn score_rule(&self, levels: &[Level]) -> f64 {
        let c = self.compiled;
        c.rule_score(|category, _| match &self.categories[category] {
            Ok(sums) => *sums,
            Err(terms) => {
                let (mut sw, mut swc) = (0.0, 0.0);
                for &(w, term) in &self.terms[terms.clone()] {
                    let credit = match term {
                        Term::Fixed(credit) => Some(credit),
                        Term::One { read, credit } => credit[levels[read] as usize],
                        Term::Item(k) => c.item_credit(&c.items[k], levels, Pass::Rule),
                    };
                    if let Some(cr) = credit {
                        sw += w;
                        swc += w * cr;
                    }
                }
                (sw, swc)
            }
        })
    }
}

/// Scores every fund in `ds` (or those in `opts.funds`) and ranks them; the estimates come
/// from a model fitted to `ds` (not with `scores_only`).
pub fn score(ds: &Dataset, opts: &Options) -> Results {
    let model = (!opts.scores_only).then(|| Model::of(ds));
    score_with(ds, opts, model.as_deref())
}

/// [`score`] with the estimates from `model`, fitted once by a caller that scores many years or
/// views; `None` leaves `estimate` empty, for callers that never show it.
pub fn score_with(ds: &Dataset, opts: &Options, model: Option<&Model>) -> Results {
    let rubric = &ds.rubric;
    let estimator = model.filter(|_| !opts.scores_only).map(|m| Estimator::new(m, rubric));
    let total_w: f64 = rubric.categories.iter().map(|c| c.weight).sum();
    let compiled = Compiled::new(rubric);
    // Each fund is scored on its own, on every core; `collect` keeps the funds' order.
    let when = crate::model::When::of(opts.as_of, opts.at_age);
    let one = |fund: &Fund| -> FundResult {
        let year = when.year(fund);
        let label = fund.label().to_string();
        // No record then: not yet founded, or (at an age) not yet that old when last assessed.
        let unscored = (!when.covers(fund)).then(|| {
            if year.is_some_and(|y| y < fund.established) { Status::NotEstablished } else { Status::TooYoung }
        });
        if let Some(status) = unscored {
            return FundResult {
                fund: fund.id.clone(),
                name: fund.name.clone(),
                label,
                status,
                year,
                score: None,
                rank: None,
                categories: rubric.categories.iter().map(|c| (c.id.clone(), None)).collect(),
                bounds: None,
                estimate: None,
                coverage: Coverage::default(),
                unknowns: vec![],
                items: vec![],
            };
        }
        let levels = compiled.levels_of(fund, year);
        // The three passes in one sweep; `explain` repeats the rule's pass, item by item, where
        // the items are shown (the same bits).
        let swept = compiled.score(&levels);
        let (raw, categories, items) = if opts.scores_only {
            let ids = rubric.categories.iter().map(|c| c.id.clone());
            (swept.score, ids.zip(swept.categories.iter().map(|s| s.map(round_score))).collect(), vec![])
        } else {
            compiled.explain(&levels)
        };
        let bounds = Some(swept.bounds.rounded());
        let coverage = swept.coverage;
        FundResult {
            fund: fund.id.clone(),
            name: fund.name.clone(),
            label,
            status: Status::Scored,
            year,
            score: Some(round_score(raw)),
            rank: None,
            categories,
            bounds,
            estimate: estimator.as_ref().and_then(|e| e.fund(fund, year)),
            coverage,
            unknowns: if opts.unknown_effects {
                unknown_effects(&compiled, &levels, fund, year, estimator.as_ref())
            } else {
                vec![]
            },
            items,
        }
    };
    let mut results: Vec<FundResult> =
        ds.funds.par_iter().filter(|f| opts.funds.is_empty() || opts.funds.contains(&f.id)).map(one).collect();
    rank(&mut results);
    Results {
        rubric: RubricInfo::of(rubric),
        profile: opts.profile.clone(),
        as_of: opts.as_of,
        at_age: opts.at_age,
        categories: rubric
            .categories
            .iter()
            .map(|c| CategoryInfo { id: c.id.clone(), title: c.title.clone(), weight: round_to(c.weight / total_w, 4) })
            .collect(),
        results,
        disclosures: compiled.disclosures.clone(),
    }
}

/// Competition ranks (1, 2, 2, 4) of `values`, highest first: one more than the number of
/// higher values.
pub fn competition_ranks(values: &[f64]) -> Vec<u32> {
    let mut out = vec![0; values.len()];
    competition_ranks_into(values, &mut out, &mut Vec::new());
    out
}

/// [`competition_ranks`] into `out`. `order` is scratch space: a permutation of the indices
/// of `values`, highest first, that a caller ranking many similar vectors (the Monte Carlo)
/// keeps from call to call, so that each sort starts almost sorted. The one ranking of the
/// project: every command ranks through it, the Monte Carlo through [`score_ranks_of_runs`],
/// which gives the same ranks.
pub fn competition_ranks_into(values: &[f64], out: &mut [u32], order: &mut Vec<usize>) {
    let higher = |a: usize, b: usize| values[b].total_cmp(&values[a]);
    if order.len() == values.len() {
        // Insertion sort: linear on the order of the last call when little has moved.
        for j in 1..order.len() {
            let mut k = j;
            while k > 0 && higher(order[k - 1], order[k]).is_gt() {
                order.swap(k - 1, k);
                k -= 1;
            }
        }
    } else {
        order.clear();
        order.extend(0..values.len());
        order.sort_unstable_by(|&a, &b| higher(a, b));
    }
    // One more than the number strictly above: the position of the first of equal values.
    for j in 0..order.len() {
        let i = order[j];
        out[i] = if j > 0 && values[order[j - 1]] == values[i] { out[order[j - 1]] } else { j as u32 + 1 };
    }
}

/// Competition ranks of unrounded scores, compared at the printed precision (as every
/// ranking the project prints).
pub fn score_ranks(scores: &[f64]) -> Vec<u32> {
    competition_ranks(&scores.iter().map(|&s| round_score(s)).collect::<Vec<_>>())
}

/// Buffers [`score_ranks_of_runs`] reuses from call to call.
#[derive(Debug, Default)]
pub struct RankScratch {
    /// Per fund and run: the score at the printed precision, as an integer.
    keys: Vec<i32>,
    /// One run's rounded scores, its ranks, and its funds highest first.
    row: Vec<f64>,
    one: Vec<u32>,
    order: Vec<usize>,
}

/// [`score_ranks`] of many runs at once (the Monte Carlo's): `nf` funds' unrounded scores in
/// each of `runs` runs, `scores[f * stride + r]`; the ranks into `out[f * runs + r]`.
///
/// Among few funds, on scores of a sensible size, each fund's rank is one more than the
/// number of funds whose score, at the printed precision, is higher: counted for all the
/// runs at once on the rounded scores as integers (tenths), with neither sort nor branch,
/// several runs at a time. Otherwise run by run through [`competition_ranks_into`].
#[inline(always)]
pub fn score_ranks_of_runs(
    scores: &[f64],
    stride: usize,
    nf: usize,
    runs: usize,
    out: &mut [u32],
    buf: &mut RankScratch,
) {
    if runs == 0 {
        return;
    }
    let scale = 10f64.powi(DECIMALS);
    if nf <= PAIRWISE_FUNDS {
        let keys = &mut buf.keys;
        keys.clear();
        let mut fits = true;
        for f in 0..nf {
            for &x in &scores[f * stride..f * stride + runs] {
                let y = x * scale;
                fits &= y.abs() < KEY_LIMIT;
                keys.push(round_key(y));
            }
        }
        if fits {
            for (f, out) in out.chunks_exact_mut(runs).take(nf).enumerate() {
                let mine = &keys[f * runs..(f + 1) * runs];
                out.fill(1);
                for theirs in keys.chunks_exact(runs) {
                    for ((o, a), b) in out.iter_mut().zip(mine).zip(theirs) {
                        *o += u32::from(b > a);
                    }
                }
            }
            return;
        }
    }
    let RankScratch { row, one, order, .. } = buf;
    one.resize(nf, 0);
    for r in 0..runs {
        row.clear();
        row.extend((0..nf).map(|f| round_score(scores[f * stride + r])));
        competition_ranks_into(row, one, order);
        for (f, k) in one.iter().enumerate() {
            out[f * runs + r] = *k;
        }
    }
}

/// Up to this many funds, [`score_ranks_of_runs`] counts the funds above each (n² integer
/// comparisons, done several runs at a time) rather than sorting each run.
const PAIRWISE_FUNDS: usize = 64;

/// Scores times 10^[`DECIMALS`] below this in size are ranked as integers: exactly, with room
/// to spare in an `i32`.
const KEY_LIMIT: f64 = (1u32 << 30) as f64;

/// `y` rounded half away from zero (as [`f64::round`] and [`round_to`]), as an integer; exact
/// for `|y| <` [`KEY_LIMIT`], where the truncation and the fraction left are exact.
fn round_key(y: f64) -> i32 {
    let t = y as i32;
    let frac = y - f64::from(t);
    t + i32::from(frac >= 0.5) - i32::from(frac <= -0.5)
}

/// The rank `value` takes among `others` (itself not among them): one more than the number
/// strictly above it.
pub fn rank_among(others: &[f64], value: f64) -> u32 {
    1 + others.iter().filter(|o| **o > value).count() as u32
}

/// Competition ranking on the rounded score; sorts by rank then fund id, unscored last.
pub fn rank(results: &mut [FundResult]) {
    let scored: Vec<f64> = results.iter().filter_map(|r| r.score).collect();
    let mut ranks = competition_ranks(&scored).into_iter();
    for r in results.iter_mut() {
        r.rank = r.score.and_then(|_| ranks.next());
    }
    results.sort_by(|a, b| (a.rank.is_none(), a.rank, &a.fund).cmp(&(b.rank.is_none(), b.rank, &b.fund)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_runs_are_ranked_as_each_run_alone() {
        // Scores on a coarse grid, nudged across the rounding boundaries (x.x5), so that
        // ties and near-ties at the printed precision are common; negative and huge ones too.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for nf in [1, 2, 5, 31, PAIRWISE_FUNDS, PAIRWISE_FUNDS + 1, 90] {
            let (runs, stride) = (37, 40);
            let scores: Vec<f64> = (0..nf * stride)
                .map(|k| {
                    let v = next();
                    let grid = (v * 20.0).floor() * 0.05;
                    match k % 7 {
                        0 => grid,
                        1 => grid + 1e-12,
                        2 => grid - 1e-12,
                        3 => -grid,
                        4 => v * 100.0,
                        5 if nf == 5 => 1e12 * v,
                        _ => (v * 1000.0).round() / 10.0 + 0.05,
                    }
                })
                .collect();
            let mut out = vec![0; nf * runs];
            score_ranks_of_runs(&scores, stride, nf, runs, &mut out, &mut RankScratch::default());
            for r in 0..runs {
                let row: Vec<f64> = (0..nf).map(|f| scores[f * stride + r]).collect();
                let got: Vec<u32> = (0..nf).map(|f| out[f * runs + r]).collect();
                assert_eq!(got, score_ranks(&row), "{nf} funds, run {r}: {row:?}");
            }
        }
    }
    use crate::load::from_texts;
    use crate::load::mini::{FUNDS, RUBRIC, with as dataset_with};

    fn mini() -> Dataset {
        crate::load::mini::dataset()
    }

    #[test]
    fn competition_ranks_count_the_values_above_from_any_starting_order() {
        // Values with many ties (a few distinct scores), ranked cold and from the order of
        // the vector before; each rank one more than the number of values strictly above.
        let mut x = 7u64;
        let mut order = Vec::new();
        for n in [0, 1, 2, 5, 31, 31, 31, 200, 200] {
            let values: Vec<f64> = (0..n)
                .map(|_| {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    round_score(((x >> 33) % 40) as f64 / 4.0 - 2.0)
                })
                .collect();
            let expected: Vec<u32> =
                values.iter().map(|v| 1 + values.iter().filter(|x| *x > v).count() as u32).collect();
            let mut warm = vec![0; n];
            competition_ranks_into(&values, &mut warm, &mut order);
            assert_eq!(warm, expected, "{values:?}");
            assert_eq!(competition_ranks(&values), expected);
            assert!(n < 31 || expected.iter().collect::<std::collections::BTreeSet<_>>().len() < n, "ties drawn");
        }
    }

    fn scores(r: &Results) -> Vec<(&str, Option<f64>, Option<u32>)> {
        r.results.iter().map(|f| (f.fund.as_str(), f.score, f.rank)).collect()
    }

    #[test]
    fn hand_computed_scores() {
        // alpha: reporting (2·1 + 1·0.5)/3 = 0.8333, portfolio all_of(full, none) = 0
        //        → 100·(3·0.8333 + 1·0)/4 = 62.5
        // beta:  annual_report n/a → reporting = fund_size = 1; portfolio min(0.5, 1) = 0.5
        //        → 100·(3·1 + 0.5)/4 = 87.5
        // gamma: unknown scores as none → reporting 1/3, portfolio 0 → 25
        let r = score(&mini(), &Options::default());
        assert_eq!(
            scores(&r),
            vec![("beta", Some(87.5), Some(1)), ("alpha", Some(62.5), Some(2)), ("gamma", Some(25.0), Some(3))]
        );
        let alpha = &r.results[1];
        assert_eq!(alpha.categories, vec![("reporting".to_string(), Some(83.3)), ("portfolio".to_string(), Some(0.0))]);
        let points: f64 = alpha.items.iter().map(|i| i.points).sum();
        assert!((points - 62.5).abs() < 1e-9, "item points add up to the score");
        let lost: f64 = alpha.items.iter().map(|i| i.lost).sum();
        assert!((lost - 37.5).abs() < 1e-9);
        assert_eq!(r.results[0].coverage, Coverage { assessed: 3, unknown: 0, not_applicable: 1 });
        assert_eq!(r.results[2].coverage, Coverage { assessed: 1, unknown: 3, not_applicable: 0 });
    }

    #[test]
    fn unknown_exclude_renormalises_like_not_applicable() {
        let ds = dataset_with(&RUBRIC.replace("unknown: none", "unknown: exclude"), &FUNDS);
        let r = score(&ds, &Options::default());
        // gamma: only fund_size counts (reporting = 1), portfolio has nothing counted → 100.
        let gamma = r.results.iter().find(|f| f.fund == "gamma").unwrap();
        assert_eq!(gamma.score, Some(100.0));
        assert_eq!(gamma.categories[1], ("portfolio".to_string(), None));
        assert_eq!(gamma.items[0].status, ItemStatus::Unknown);
    }

    #[test]
    fn per_item_credit_override_and_combinators() {
        let partial = RUBRIC.replace(
            "title: Discloses its size\n        weight: 1\n",
            "title: Discloses its size\n        weight: 1\n        levels: { partial: 0.25 }\n",
        );
        let r = score(&dataset_with(&partial, &FUNDS), &Options::default());
        // alpha: reporting (2 + 0.25)/3 = 0.75 → 100·(3·0.75)/4 = 56.25 → 56.3
        assert_eq!(r.results.iter().find(|f| f.fund == "alpha").unwrap().score, Some(56.3));
        let mean = RUBRIC.replace("all_of:", "mean_of:");
        let r = score(&dataset_with(&mean, &FUNDS), &Options::default());
        // alpha: portfolio mean(1, 0) = 0.5 → 100·(2.5 + 0.5)/4 = 75
        assert_eq!(r.results.iter().find(|f| f.fund == "alpha").unwrap().score, Some(75.0));
        let any = RUBRIC.replace("all_of:", "any_of:");
        let r = score(&dataset_with(&any, &FUNDS), &Options::default());
        // alpha: portfolio max(1, 0) = 1 → 100·(2.5 + 1)/4 = 87.5; beta: max(0.5, 1) = 1 → 100.
        assert_eq!(scores(&r)[..2], [("beta", Some(100.0), Some(1)), ("alpha", Some(87.5), Some(2))]);
    }

    #[test]
    fn ties_share_a_rank_and_the_next_rank_is_skipped() {
        let twin = FUNDS[0].1.replace("id: alpha", "id: alpha2");
        let mut funds = FUNDS.to_vec();
        funds.push(("alpha2", &twin));
        let r = score(&dataset_with(RUBRIC, &funds), &Options::default());
        assert_eq!(
            scores(&r),
            vec![
                ("beta", Some(87.5), Some(1)),
                ("alpha", Some(62.5), Some(2)),
                ("alpha2", Some(62.5), Some(2)),
                ("gamma", Some(25.0), Some(4))
            ]
        );
    }

    #[test]
    fn as_of_follows_since_and_history_and_skips_unborn_funds() {
        let ds = mini();
        let at = |y| score(&ds, &Options { as_of: Some(y), ..Options::default() });
        // 2007: alpha annual_report partial (history from 2005), holdings none (since 2012),
        // fund_size unknown (no start year: known from its evidence, dated 2025)
        // reporting (2·0.5 + 0)/3 = 1/3 → 100·(3·1/3)/4 = 25; with fund_size full, 2/3 → 50
        let r = at(2007);
        let alpha = r.results.iter().find(|f| f.fund == "alpha").unwrap();
        assert_eq!(alpha.score, Some(25.0));
        assert_eq!(alpha.bounds, Some(Bounds { low: 25.0, high: 50.0 }));
        assert_eq!(alpha.coverage.unknown, 1);
        // 2003: annual report none (before its documented history) → reporting 0 → 0, up to 25
        let alpha = at(2003).results.into_iter().find(|f| f.fund == "alpha").unwrap();
        assert_eq!((alpha.score, alpha.bounds), (Some(0.0), Some(Bounds { low: 0.0, high: 25.0 })));
        // 2025: the evidence year, fund_size partial → reporting (2 + 0.5)/3 → 62.5, exact
        let alpha = at(2025).results.into_iter().find(|f| f.fund == "alpha").unwrap();
        assert_eq!((alpha.score, alpha.bounds), (Some(62.5), Some(Bounds { low: 62.5, high: 62.5 })));
        // beta (2015) does not exist in 2010: listed last, unscored.
        let r = at(2010);
        let last = r.results.last().unwrap();
        assert_eq!(
            (last.fund.as_str(), last.status, last.score, last.rank),
            ("beta", Status::NotEstablished, None, None)
        );
    }

    #[test]
    fn at_age_scores_each_fund_at_its_own_year() {
        let r = score(&mini(), &Options { at_age: Some(7), ..Options::default() });
        // alpha at 7 = 2007 → 25 (as above); gamma at 7 = 1997: fund_size full since 1995,
        // the rest unknown → 25; beta at 7 = 2022: fund_size is confirmed only from 2025, so
        // unknown → reporting 0, portfolio min(0.5, 1) → 100·0.5/4 = 12.5.
        assert_eq!(
            scores(&r),
            vec![("alpha", Some(25.0), Some(1)), ("gamma", Some(25.0), Some(1)), ("beta", Some(12.5), Some(3))]
        );
        let r = score(&mini(), &Options { at_age: Some(20), ..Options::default() });
        let beta = r.results.iter().find(|f| f.fund == "beta").unwrap();
        assert_eq!(beta.status, Status::TooYoung);
    }

    #[test]
    fn profile_changes_only_the_declared_weights() {
        let ds = mini();
        let p = ds.rubric.with_profile("reporting_only", &ds.catalogue).unwrap();
        assert_eq!(p.categories[0].weight, 9.0);
        assert_eq!(p.categories[1].weight, ds.rubric.categories[1].weight);
        for ((_, a), (_, b)) in p.items().zip(ds.rubric.items()) {
            assert_eq!(a.weight, b.weight);
        }
    }

    /// The batch path's compiled rubric gives the engine's numbers bit for bit.
    fn assert_compiled_agrees(rubric: &Rubric, f: &Fund, year: Option<i32>) {
        let c = Compiled::new(rubric);
        let levels: Vec<Level> = c.disclosures.iter().map(|d| f.standing(d, year).level).collect();
        let got = c.score(&levels);
        let (raw, cats, _) = c.explain(&levels);
        assert_eq!(got.score.to_bits(), raw.to_bits(), "{} {year:?}: {} vs {raw}", f.id, got.score);
        assert_eq!(c.score_rule(&levels).to_bits(), raw.to_bits(), "{} {year:?}: the rule's pass alone", f.id);
        // Draws over some disclosures (the unknown ones, and every third) score as a whole rescore.
        let varying: Vec<usize> = (0..levels.len()).filter(|&k| levels[k] == Level::Unknown || k % 3 == 0).collect();
        let v = c.varying(&levels, &varying);
        for shift in 0..Level::ALL.len() {
            let mut draw = levels.clone();
            for (n, &k) in varying.iter().enumerate() {
                draw[k] = Level::ALL[(n + shift) % Level::ALL.len()];
            }
            assert_eq!(v.score_rule(&draw).to_bits(), c.score_rule(&draw).to_bits(), "{} {year:?}: a draw", f.id);
        }
        assert_eq!(got.bounds, raw_bounds(rubric, f, year), "{} {year:?}", f.id);
        let rounded: Vec<Option<f64>> = got.categories.iter().map(|c| c.map(round_score)).collect();
        assert_eq!(rounded, cats.into_iter().map(|(_, v)| v).collect::<Vec<_>>(), "{} {year:?}", f.id);
    }

    /// `scores_only` (history's and compare-rubrics' mode) gives the full run's scores, bounds,
    /// categories, coverage and ranks, without the items.
    #[test]
    fn scores_only_agrees_with_the_full_run() {
        let ds = builtin_data();
        for when in [(None, None), (Some(1995), None), (Some(2012), None), (None, Some(5))] {
            let opts = Options { as_of: when.0, at_age: when.1, ..Options::default() };
            let full = score_with(&ds, &opts, None);
            let only = score_with(&ds, &Options { scores_only: true, ..opts }, None);
            assert_eq!(full.results.len(), only.results.len());
            for (a, b) in full.results.iter().zip(&only.results) {
                let key = |f: &FundResult| (f.fund.clone(), f.score, f.bounds, f.categories.clone(), f.rank);
                assert_eq!(key(a), key(b), "{when:?}");
                assert_eq!((a.coverage.assessed, a.coverage.unknown), (b.coverage.assessed, b.coverage.unknown));
                assert!(b.items.is_empty() && (a.items.is_empty() || a.score.is_some()));
            }
        }
    }

    #[test]
    fn levels_index_their_own_place_in_all() {
        for (k, l) in Level::ALL.iter().enumerate() {
            assert_eq!(*l as usize, k, "{l}");
        }
    }

    /// The project's data as built into the binary.
    fn builtin_data() -> Dataset {
        use crate::load::builtin;
        from_texts(builtin::DISCLOSURES, builtin::RUBRIC, builtin::FUNDS).dataset.expect("built-in data is valid")
    }

    #[test]
    fn compiled_rubrics_agree_with_the_engine_on_the_builtin_data() {
        use crate::load::builtin;
        let funds: Vec<(&str, &str)> = builtin::FUNDS.to_vec();
        let base = builtin_data();
        let mut rubrics = vec![base.rubric.clone()];
        rubrics.extend(base.rubric.profiles.iter().filter_map(|p| base.rubric.with_profile(&p.id, &base.catalogue)));
        for (_, text) in builtin::RUBRICS {
            rubrics
                .push(from_texts(builtin::DISCLOSURES, text, &funds).dataset.expect("built-in rubric is valid").rubric);
        }
        assert!(rubrics.len() >= 5);
        for mut r in rubrics {
            for rule in [UnknownRule::None, UnknownRule::Exclude] {
                r.unknown = rule;
                for f in base.funds.iter() {
                    for year in (f.established..=f.assessed.year).step_by(3).map(Some).chain([None]) {
                        assert_compiled_agrees(&r, f, year);
                    }
                }
            }
        }
    }

    /// A small deterministic generator for property tests (xorshift64*).
    struct Gen(u64);
    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn level(&mut self) -> &'static str {
            ["full", "partial", "none", "not_applicable", "unknown"][(self.next() % 5) as usize]
        }
    }

    fn random_fund(g: &mut Gen, id: &str) -> String {
        let mut s =
            format!("id: {id}\nname: {id}\njurisdiction: X\nestablished: 2000\nassessed: 2026-01-01\ndisclosures:\n");
        for d in ["annual_report", "fund_size", "holdings_list", "audited_financial_statements"] {
            let l = g.level();
            s.push_str(&format!("  {d}:\n    level: {l}\n    note: generated\n"));
            if l == "full" || l == "partial" {
                s.push_str("    evidence: [{ source: S, url: \"https://s.example\", date: 2025 }]\n");
                let year = 2001 + (g.next() % 25);
                match g.next() % 4 {
                    0 => s.push_str(&format!("    since: {year}\n")),
                    1 => s.push_str(&format!("    known_since: {year}\n")),
                    // An earlier level below the current one (`validate` rejects a history
                    // entry that already holds it).
                    2 if year > 2002 => s.push_str(&format!(
                        "    known_since: {year}\n    history:\n      - {{ from: 2002, level: {} }}\n",
                        if l == "full" { ["partial", "none"][(g.next() % 2) as usize] } else { "none" }
                    )),
                    _ => {}
                }
            }
        }
        s
    }

    #[test]
    fn properties_hold_on_random_funds() {
        let mut g = Gen(0x9E37_79B9_7F4A_7C15);
        let order = ["full", "partial", "none"];
        for _ in 0..200 {
            let texts: Vec<(String, String)> =
                (0..4).map(|i| (format!("f{i}"), random_fund(&mut g, &format!("f{i}")))).collect();
            let funds: Vec<(&str, &str)> = texts.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            let ds = dataset_with(RUBRIC, &funds);
            let r = score(&ds, &Options::default());
            for f in &r.results {
                let s = f.score.unwrap();
                assert!((0.0..=100.0).contains(&s), "score in [0, scale]: {s}");
            }
            // Under either unknown rule and in any year, the score lies within its bounds.
            for rule in [UnknownRule::None, UnknownRule::Exclude] {
                let mut ds = ds.clone();
                ds.rubric.unknown = rule;
                for year in [None, Some(2001), Some(2010), Some(2024)] {
                    for f in ds.funds.iter() {
                        let (raw, b) = (raw_score(&ds.rubric, f, year), raw_bounds(&ds.rubric, f, year));
                        assert!(
                            b.low - 1e-9 <= raw && raw <= b.high + 1e-9,
                            "{rule:?} {year:?} {}: {} not in [{}, {}]",
                            f.id,
                            raw,
                            b.low,
                            b.high
                        );
                        assert!((0.0..=100.0).contains(&b.low) && (0.0..=100.0).contains(&b.high));
                        assert_compiled_agrees(&ds.rubric, f, year);
                    }
                }
            }
            // Scaling every weight by the same factor changes nothing.
            let scaled = RUBRIC
                .replace("weight: 3", "weight: 30")
                .replace("weight: 2", "weight: 20")
                .replace("weight: 1", "weight: 10");
            assert_eq!(scores(&score(&dataset_with(&scaled, &funds), &Options::default())), scores(&r));
            // Reordering the funds changes nothing.
            let mut rev = funds.clone();
            rev.reverse();
            assert_eq!(scores(&score(&dataset_with(RUBRIC, &rev), &Options::default())), scores(&r));
            // Disclosing more (none → partial → full) never lowers a score.
            let (stem, text) = &texts[0];
            for from in 1..3 {
                let (lo, hi) = (order[from], order[from - 1]);
                let needle = format!("level: {lo}\n    note: generated\n");
                if let Some(at) = text.find(&needle) {
                    let mut better = text.clone();
                    let evidence = if lo == "none" {
                        "    evidence: [{ source: S, url: \"https://s.example\", date: 2025 }]\n"
                    } else {
                        ""
                    };
                    better
                        .replace_range(at..at + needle.len(), &format!("level: {hi}\n    note: generated\n{evidence}"));
                    let mut f2 = funds.clone();
                    f2[0] = (stem.as_str(), better.as_str());
                    let before = r.results.iter().find(|f| f.fund == *stem).unwrap().score.unwrap();
                    let after = score(&dataset_with(RUBRIC, &f2), &Options::default());
                    let after = after.results.iter().find(|f| f.fund == *stem).unwrap().score.unwrap();
                    assert!(after >= before, "{lo} → {hi} lowered {stem}: {before} → {after}");
                }
            }
        }
    }
}
