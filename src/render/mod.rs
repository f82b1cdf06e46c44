//! Output formats. Each format is one file implementing [`Renderer`]; renderers take the
//! computed [`Results`] and never compute scores themselves.

pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod markup;
pub mod table;
pub mod text;
pub mod views;

use crate::model::{Dataset, Fund, Level};
use crate::score::{Bounds, FundResult, ItemResult, Results, RubricInfo};

/// What a renderer may look up besides the results: names, evidence, colour.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub dataset: &'a Dataset,
    /// Terminal colours (table format only).
    pub colour: bool,
}

/// One output format: every view of every command goes through it.
///
/// The ranking views (`scores`, `explain`, `compare`) have a layout of their own in each
/// format. The analysis views are laid out once, in [`views`], as a document (text, Markdown
/// and HTML lay it out), a record table (CSV) and a value (JSON); `view` picks one.
pub trait Renderer {
    /// The ranking, with category scores.
    fn scores(&self, r: &Results, cx: &Context) -> String;
    /// One fund, item by item, sorted by points lost, with evidence.
    fn explain(&self, r: &Results, fund: &FundResult, cx: &Context) -> String;
    /// Funds side by side: scores, then levels per disclosure with differences marked.
    fn compare(&self, r: &Results, funds: &[&FundResult], cx: &Context) -> String;
    /// An analysis view: history, gap, what-if, rubric comparison, diff, coverage, review.
    fn view(&self, v: &dyn View, cx: &Context) -> String;
}

/// An analysis result as the formats see it.
pub trait View {
    /// Laid out for reading.
    fn doc(&self) -> markup::Doc;
    /// One row per record, with a header row.
    fn records(&self) -> views::Records;
    /// The result itself, for JSON.
    fn value(&self) -> serde_json::Value;
}

macro_rules! view {
    ($t:ty, $doc:path, $records:path) => {
        impl View for $t {
            fn doc(&self) -> markup::Doc {
                $doc(self)
            }
            fn records(&self) -> views::Records {
                $records(self)
            }
            fn value(&self) -> serde_json::Value {
                serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
            }
        }
    };
}

view!(crate::analysis::history::History, views::history, views::history_records);
view!(crate::analysis::gap::Gap, views::gap, views::gap_records);
view!(crate::analysis::whatif::WhatIf, views::whatif, views::whatif_records);
view!(crate::analysis::rubrics::RubricComparison, views::rubrics, views::rubrics_records);
view!(crate::analysis::diff::Diff, views::diff, views::diff_records);
view!(crate::analysis::coverage::Coverage, views::coverage, views::coverage_records);
view!(crate::validate::ReviewQueue, views::review, views::review_records);
view!(views::RubricList, views::rubric_list, views::rubric_list_records);
view!(crate::analysis::robustness::Robustness, views::robustness, views::robustness_records);
view!(crate::analysis::trend::Trend, views::trend, views::trend_records);
view!(crate::analysis::batch::Summary, views::batch_summary, views::batch_summary_records);

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns for a terminal (colour only on a terminal, never with NO_COLOR).
    Table,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// Comma-separated values, one row per fund (or item).
    Csv,
    /// JSON with the stable keys documented in FORMATS.md.
    Json,
    /// One self-contained HTML page with inline SVG charts.
    Html,
}

impl Format {
    pub fn renderer(self) -> &'static dyn Renderer {
        match self {
            Format::Table => &table::Table,
            Format::Markdown => &markdown::Markdown,
            Format::Csv => &csv::Csv,
            Format::Json => &json::Json,
            Format::Html => &html::Html,
        }
    }
}

/// A score to one decimal, or `-`.
pub fn fmt_score(s: Option<f64>) -> String {
    s.map_or_else(|| "-".to_string(), |s| format!("{s:.1}"))
}

/// A score's bounds as `38.2–52.1`, or `-`.
pub fn fmt_bounds(b: Option<Bounds>) -> String {
    b.map_or_else(|| "-".to_string(), |b| format!("{:.1}–{:.1}", b.low, b.high))
}

/// The rubric's one-line caveat, where it approximates a framework.
pub fn caveat(r: &RubricInfo) -> Option<String> {
    r.caveat.as_ref().map(|c| format!("Note: {c}"))
}

/// What the scores refer to in time: "latest assessments", "as of 2010", "at age 3".
pub fn basis(r: &Results) -> String {
    match (r.at_age, r.as_of) {
        (Some(a), _) => format!("each fund at age {a} (year of establishment + {a})"),
        (None, Some(y)) => format!("as of {y}"),
        (None, None) => "latest assessments".to_string(),
    }
}

/// The rubric line under a heading.
pub fn rubric_line(r: &Results) -> String {
    let v = r.rubric.version.as_deref().map(|v| format!(" {v}")).unwrap_or_default();
    let p = r.profile.as_deref().map(|p| format!(", profile `{p}`")).unwrap_or_default();
    let floor = fmt_num(r.rubric.floor);
    let mut line =
        format!("{} ({}{v}{p}), scale {floor}-{}, {}", r.rubric.title, r.rubric.id, r.rubric.scale, basis(r));
    if r.rubric.unknown == crate::model::UnknownRule::Exclude {
        line.push_str(", unknowns excluded");
    }
    if let Some(c) = caveat(&r.rubric) {
        line.push('\n');
        line.push_str(&c);
    }
    line
}

/// A number without a needless `.0`.
pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") }
}

/// A fund's status in words when it has no score.
pub fn status_text(f: &FundResult) -> &'static str {
    match f.status {
        crate::score::Status::Scored => "scored",
        crate::score::Status::NotEstablished => "not yet established",
        crate::score::Status::TooYoung => "not yet that age",
    }
}

/// Items sorted by points lost (most first), then rubric order.
pub fn by_points_lost(f: &FundResult) -> Vec<&ItemResult> {
    let mut v: Vec<(usize, &ItemResult)> = f.items.iter().enumerate().collect();
    v.sort_by(|(ia, a), (ib, b)| b.lost.total_cmp(&a.lost).then(ia.cmp(ib)));
    v.into_iter().map(|(_, i)| i).collect()
}

/// The distinct disclosures the rubric reads, in rubric order.
pub fn rubric_disclosures(r: &Results) -> Vec<&str> {
    let mut seen = Vec::new();
    if let Some(f) = r.results.iter().find(|f| !f.items.is_empty()) {
        for i in &f.items {
            for (d, _) in &i.levels {
                if !seen.contains(&d.as_str()) {
                    seen.push(d.as_str());
                }
            }
        }
    }
    seen
}

/// A fund's level on a disclosure in the scored year.
pub fn level_of(f: &FundResult, disclosure: &str) -> Option<Level> {
    f.items.iter().flat_map(|i| i.levels.iter()).find(|(d, _)| d == disclosure).map(|(_, l)| *l)
}

/// A short form of a level for matrices.
pub fn level_short(l: Option<Level>) -> &'static str {
    match l {
        Some(Level::Full) => "full",
        Some(Level::Partial) => "partial",
        Some(Level::None) => "none",
        Some(Level::NotApplicable) => "n/a",
        Some(Level::Unknown) => "?",
        None => "-",
    }
}

/// The descriptor behind a result.
pub fn fund_of<'a>(cx: &Context<'a>, f: &FundResult) -> Option<&'a Fund> {
    cx.dataset.fund(&f.fund)
}

/// The title of a disclosure, or its id.
pub fn disclosure_title<'a>(cx: &Context<'a>, id: &'a str) -> &'a str {
    cx.dataset.catalogue.get(id).map_or(id, |d| d.title.as_str())
}

/// The title of an item.
pub fn item_title<'a>(cx: &Context<'a>, id: &str) -> &'a str {
    cx.dataset.rubric.items().find(|(_, i)| i.id == id).map_or("", |(_, i)| i.title.as_str())
}

/// Whether the funds' levels differ on a disclosure.
pub fn differs(funds: &[&FundResult], disclosure: &str) -> bool {
    let mut levels = funds.iter().map(|f| level_of(f, disclosure));
    let first = levels.next().flatten();
    levels.any(|l| l != first)
}

/// CSV/Markdown-safe one-line text.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// " since 2010" or " known since 2010": when the level in force in `year` began.
pub fn since_text(fund: Option<&Fund>, disclosure: &str, year: Option<i32>) -> String {
    match fund.and_then(|f| f.standing(disclosure, year).start) {
        Some(s @ (crate::model::Start::Since(_) | crate::model::Start::KnownSince(_))) => format!(" {s}"),
        _ => String::new(),
    }
}
