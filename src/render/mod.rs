//! Output formats. Each format is one file implementing [`Renderer`]: it lays out a command's
//! result (a [`View`]) and never computes scores itself.

pub mod csv;
pub mod glossary;
pub mod html;
pub mod json;
pub mod markdown;
pub mod markup;
pub mod ranking;
pub mod table;
pub mod text;
pub mod views;

use crate::locale::{Lang, Locale};
use crate::model::Level;
use crate::score::{Bounds, FundResult, ItemResult, Results};
pub use glossary::Glossary;

/// What a renderer may look up besides the result: the data's words for its ids (names and
/// titles, in the reader's language), colour, language.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub words: &'a Glossary,
    /// Terminal colours (table format only).
    pub colour: bool,
    /// The language of the published report's words and the data's translations.
    pub lang: Lang,
}

impl<'a> Context<'a> {
    /// English, without colour.
    pub fn new(words: &'a Glossary) -> Self {
        Context { words, colour: false, lang: Lang::En }
    }

    /// The messages of the context's language.
    pub fn loc(&self) -> &'static Locale {
        Locale::of(self.lang)
    }

    /// A fund's full name in the context's language (`fallback` for a fund not in the data).
    pub fn name(&self, id: &str, fallback: &'a str) -> &'a str {
        self.words.name(id, self.lang).unwrap_or(fallback)
    }

    /// A fund's short name in the context's language.
    pub fn label(&self, id: &str, fallback: &'a str) -> &'a str {
        self.words.label(id, self.lang).unwrap_or(fallback)
    }

    /// A category's title in the context's language.
    pub fn category(&self, id: &str, fallback: &'a str) -> &'a str {
        self.words.category(id, self.lang).unwrap_or(fallback)
    }

    /// A fund's status in words when it has no score.
    pub fn status(&self, f: &FundResult) -> &'static str {
        self.loc().t(match f.status {
            crate::score::Status::Scored => "status.scored",
            crate::score::Status::NotEstablished => "status.not_established",
            crate::score::Status::TooYoung => "status.too_young",
        })
    }

    /// A level in words: `full`, `not applicable`, `全面披露`.
    pub fn level(&self, l: Option<Level>) -> &'static str {
        self.loc().t(level_key(l))
    }
}

/// The message key of a level's name.
pub fn level_key(l: Option<Level>) -> &'static str {
    match l {
        Some(Level::Full) => "level.full",
        Some(Level::Partial) => "level.partial",
        Some(Level::None) => "level.none",
        Some(Level::NotApplicable) => "level.not_applicable",
        Some(Level::Unknown) | None => "level.unknown",
    }
}

/// One output format: every command's result is a [`View`], and a format lays it out. Only
/// JSON can fail (a value serde cannot write), and then nothing is written.
pub trait Renderer {
    fn view(&self, v: &dyn View, cx: &Context) -> Result<String, crate::error::Error>;
}

/// A command's result as the formats see it: laid out once as a document (text, Markdown and
/// HTML draw it), a record table (CSV) and a value (JSON).
pub trait View {
    /// Laid out for reading, in the context's language.
    fn doc(&self, cx: &Context) -> markup::Doc;
    /// One row per record, with a header row.
    fn records(&self) -> views::Records;
    /// The result itself as pretty JSON, with a final newline.
    fn json(&self) -> serde_json::Result<String>;
    /// A page of its own: the document, unless the view has a richer page (the ranking's, with
    /// charts and the weights to re-rank by; one fund's card).
    fn html(&self, cx: &Context) -> String {
        html::standalone(&self.doc(cx), cx.lang)
    }
}

impl View for Results {
    fn doc(&self, cx: &Context) -> markup::Doc {
        ranking::ranking(self, cx, cx.loc().t("scores.title"))
    }
    fn records(&self) -> views::Records {
        ranking::ranking_records(self)
    }
    fn json(&self) -> serde_json::Result<String> {
        pretty(self)
    }
}

/// The ranking with its page: the same document, records and value as the results, and in
/// HTML the interactive page (charts, the weights to re-rank by, a card per fund).
impl View for crate::analysis::explain::Ranking<'_> {
    fn doc(&self, cx: &Context) -> markup::Doc {
        self.results.doc(cx)
    }
    fn records(&self) -> views::Records {
        self.results.records()
    }
    fn json(&self) -> serde_json::Result<String> {
        self.results.json()
    }
    fn html(&self, cx: &Context) -> String {
        html::page(self, cx, &html::Extras::default())
    }
}

impl View for crate::analysis::explain::Explanation<'_> {
    fn doc(&self, cx: &Context) -> markup::Doc {
        ranking::explanation(self, cx)
    }
    fn records(&self) -> views::Records {
        ranking::explanation_records(self)
    }
    fn json(&self) -> serde_json::Result<String> {
        pretty(self)
    }
    fn html(&self, cx: &Context) -> String {
        html::explanation_page(self, cx)
    }
}

impl View for crate::analysis::explain::Comparison<'_> {
    fn doc(&self, cx: &Context) -> markup::Doc {
        ranking::comparison(self, cx, cx.loc().t("compare.title"))
    }
    fn records(&self) -> views::Records {
        ranking::comparison_records(self)
    }
    fn json(&self) -> serde_json::Result<String> {
        pretty(self)
    }
}

/// A value as pretty JSON with a final newline.
fn pretty<T: serde::Serialize + ?Sized>(v: &T) -> serde_json::Result<String> {
    let mut s = serde_json::to_string_pretty(v)?;
    s.push('\n');
    Ok(s)
}

macro_rules! view {
    ($t:ty, $doc:path, $records:path) => {
        impl View for $t {
            fn doc(&self, cx: &Context) -> markup::Doc {
                $doc(self, cx)
            }
            fn records(&self) -> views::Records {
                $records(self)
            }
            fn json(&self) -> serde_json::Result<String> {
                // Through a `Value`, whose maps keep their keys sorted.
                pretty(&serde_json::to_value(self)?)
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
view!(crate::estimate::Backtest, views::backtest, views::backtest_records);
view!(views::Validation, views::validation, views::validation_records);
view!(views::FundList, views::fund_list, views::fund_list_records);
view!(crate::analysis::audit::Audit, views::audit, views::audit_records);

/// The output formats (also `--format`'s values); every command writes every one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for a terminal (colour only on a terminal, never with NO_COLOR).
    Table,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// Comma-separated values, one row per record.
    Csv,
    /// JSON with the stable keys documented in the README.
    Json,
    /// One self-contained HTML page.
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

/// An estimate as `43.1 (41.0–45.9)`, or empty when nothing is unknown (the estimate is then
/// the score itself) or the fund is not scored.
pub fn fmt_estimate(f: &FundResult) -> String {
    match (f.estimate, f.bounds) {
        (Some(e), Some(b)) if !b.is_tight() => format!("{:.1} ({:.1}–{:.1})", e.score, e.low, e.high),
        _ => String::new(),
    }
}

/// How the estimate reads one unknown disclosure: "est. 62% disclosed (full confirmed 2010)".
pub fn guess_text(u: &crate::score::UnknownEffect, loc: &Locale) -> String {
    let Some(g) = u.guess else { return String::new() };
    if g.not_applicable {
        return loc.t("guess.not_applicable").into();
    }
    let basis = match g.later {
        Some(l) => loc.f("guess.later", &[("level", &loc.t(level_key(Some(l.level)))), ("year", &l.year)]),
        None => loc.t("guess.no_later").into(),
    };
    loc.f("guess.text", &[("share", &format!("{:.0}", g.disclosed * 100.0)), ("basis", &basis)])
}

/// True when more than a third of the weight is unknown: the score then counts most of what
/// it cannot see as none, so the estimate leads.
pub fn mostly_unknown(f: &FundResult, r: &Results) -> bool {
    f.bounds.is_some_and(|b| unknown_beyond_a_third(b, &r.rubric))
}

/// True when bounds this far apart mean more than a third of the weight is unknown.
pub fn unknown_beyond_a_third(b: Bounds, rubric: &crate::score::RubricInfo) -> bool {
    b.high - b.low > (rubric.scale - rubric.floor) / 3.0
}

/// Whether a ranking shows the estimate column (some fund has an unknown disclosure), and
/// whether it leads with it (some fund is mostly unknown).
pub fn estimate_columns(r: &Results) -> (bool, bool) {
    let shown = r.results.iter().any(|f| f.bounds.is_some_and(|b| !b.is_tight()));
    (shown, r.results.iter().any(|f| mostly_unknown(f, r)))
}

/// A score cell: where most of the weight is unknown, `≥0.0` (unknowns count as none: a lower
/// bound, never a bare figure) or `~0.0` (unknowns are left out: the score rests on the known
/// part and could lie anywhere in its range); else the score.
pub fn fmt_ranked_score(f: &FundResult, r: &Results) -> String {
    match f.score {
        Some(s) => fmt_marked_score(s, f.bounds, &r.rubric),
        None => fmt_score(None),
    }
}

/// A score to one decimal, marked (`≥` or `~`, as [`fmt_ranked_score`]) where its bounds say
/// most of the weight is unknown.
pub fn fmt_marked_score(s: f64, bounds: Option<Bounds>, rubric: &crate::score::RubricInfo) -> String {
    if bounds.is_some_and(|b| unknown_beyond_a_third(b, rubric)) {
        format!("{}{s:.1}", mostly_unknown_mark(rubric))
    } else {
        format!("{s:.1}")
    }
}

/// Whether unknowns are left out (`unknown: exclude`), so that a mostly unknown score rests on
/// the known part instead of being a floor.
pub fn rests_on_known_part(rubric: &crate::score::RubricInfo) -> bool {
    rubric.unknown == crate::model::UnknownRule::Exclude
}

/// The mark before a mostly unknown score: `≥` (a floor) or `~` (the known part).
pub fn mostly_unknown_mark(rubric: &crate::score::RubricInfo) -> &'static str {
    if rests_on_known_part(rubric) { "~" } else { "≥" }
}

/// The note under a ranking with mostly unknown scores, by what their mark means.
pub fn mostly_unknown_note(rubric: &crate::score::RubricInfo) -> &'static str {
    if rests_on_known_part(rubric) { "ranking.known_part_note" } else { "ranking.lower_bound_note" }
}

/// The note under a view that marks scores but shows no estimate (gap, trend, whatif): the
/// message key saying what the mark means (it points to `explain` for the estimate), where some
/// of the shown scores' `bounds` are marked; `None` where none is.
pub fn marked_note(
    bounds: impl IntoIterator<Item = Bounds>,
    rubric: &crate::score::RubricInfo,
) -> Option<&'static str> {
    let known_part = rests_on_known_part(rubric);
    bounds.into_iter().any(|b| unknown_beyond_a_third(b, rubric)).then_some(if known_part {
        "marked.known_part_note"
    } else {
        "marked.lower_bound_note"
    })
}

/// [`marked_note`] for views whose scores come from several rubrics (each with its own unknown
/// rule): each note once, in the order first met.
pub fn marked_notes<'a, B: IntoIterator<Item = Bounds>>(
    views: impl IntoIterator<Item = (B, &'a crate::score::RubricInfo)>,
) -> Vec<&'static str> {
    let mut notes = Vec::new();
    for (bounds, rubric) in views {
        if let Some(key) = marked_note(bounds, rubric).filter(|k| !notes.contains(k)) {
            notes.push(key);
        }
    }
    notes
}

/// `explain`'s opening line where most of `f`'s weight is unknown and the estimate leads (its
/// message `key`, or `key` + `_known_part` where unknowns are left out); `None` otherwise.
pub fn estimate_leads(f: &FundResult, r: &Results, loc: &Locale, key: &str) -> Option<String> {
    let e = f.estimate.filter(|_| mostly_unknown(f, r))?;
    let key = if rests_on_known_part(&r.rubric) { format!("{key}_known_part") } else { key.to_string() };
    Some(loc.f(
        &key,
        &[
            ("estimate", &format!("{:.1}", e.score)),
            ("scale", &r.rubric.scale),
            ("low", &format!("{:.1}", e.low)),
            ("high", &format!("{:.1}", e.high)),
        ],
    ))
}

/// The rubric line under a heading, in the context's language: title, id, version,
/// profile, scale, what the scores refer to in time, and the caveat on the next line.
pub fn rubric_line(r: &Results, cx: &Context) -> String {
    let loc = cx.loc();
    let basis = match (r.at_age, r.as_of) {
        (Some(a), _) => loc.f("basis.at_age", &[("age", &a)]),
        (None, Some(y)) => loc.f("basis.as_of", &[("year", &y)]),
        (None, None) => loc.t("basis.latest").to_string(),
    };
    let mut line =
        loc.f("rubric.line", &[("rubric", &views::rubric_title(cx, &r.rubric, &r.profile)), ("basis", &basis)]);
    if r.rubric.unknown == crate::model::UnknownRule::Exclude {
        line.push_str(loc.t("basis.unknown_excluded"));
    }
    if let Some(n) = views::rubric_note(cx, &r.rubric) {
        line.push('\n');
        line.push_str(&n);
    }
    line
}

/// A number without a needless `.0`.
pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") }
}

/// Items sorted by points lost (most first), then rubric order.
pub fn by_points_lost(f: &FundResult) -> Vec<&ItemResult> {
    let mut v: Vec<(usize, &ItemResult)> = f.items.iter().enumerate().collect();
    v.sort_by(|(ia, a), (ib, b)| b.lost.total_cmp(&a.lost).then(ia.cmp(ib)));
    v.into_iter().map(|(_, i)| i).collect()
}

/// A one-character symbol for a level, so a matrix reads without colour.
pub fn level_symbol(l: Option<Level>) -> &'static str {
    match l {
        Some(Level::Full) => "●",
        Some(Level::Partial) => "◐",
        Some(Level::None) => "○",
        Some(Level::NotApplicable) => "–",
        Some(Level::Unknown) | None => "?",
    }
}

/// The message key of a short form of a level for matrices (`full`, `n/a`, `?`).
pub fn level_short(l: Option<Level>) -> &'static str {
    match l {
        Some(Level::Full) => "short.full",
        Some(Level::Partial) => "short.partial",
        Some(Level::None) => "short.none",
        Some(Level::NotApplicable) => "short.not_applicable",
        Some(Level::Unknown) => "short.unknown",
        None => "short.missing",
    }
}

/// The title of a disclosure in the context's language, or its id.
pub fn disclosure_title<'a>(cx: &Context<'a>, id: &'a str) -> &'a str {
    cx.words.disclosure(id, cx.lang).unwrap_or(id)
}

/// The title of an item in the context's language.
pub fn item_title<'a>(cx: &Context<'a>, id: &str) -> &'a str {
    cx.words.item(id, cx.lang).unwrap_or("")
}

/// CSV/Markdown-safe one-line text.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// " since 2010" or " known since 2010": when the level in force began.
pub fn since_text(start: Option<crate::model::Start>, loc: &Locale) -> String {
    match start {
        Some(crate::model::Start::Since(y)) => format!(" {}", loc.f("start.since", &[("year", &y)])),
        Some(crate::model::Start::KnownSince(y)) => format!(" {}", loc.f("start.known_since", &[("year", &y)])),
        _ => String::new(),
    }
}
