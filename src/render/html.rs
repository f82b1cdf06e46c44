//! One self-contained HTML page: no network, no external assets. Charts are inline SVG that
//! scale to the screen, each with a title, a description and a table or list beside it, and
//! every level carries a symbol, so colour is never the only signal. A small inline script
//! re-scores the funds under the reader's own weights from the data embedded in the page;
//! without it the page shows the rubric's ranking.

use super::markup::{Align, Block, Doc, Series, Tone};
use super::*;
use crate::analysis::explain::{Comparison, Explanation, Ranking};
use crate::analysis::gap::Gap;
use crate::analysis::robustness::Robustness;
use crate::analysis::rubrics::RubricComparison;
use crate::model::Fact;
use std::fmt::Write as _;

mod weights;

/// The `html` format.
#[derive(Debug)]
pub struct Html;

/// Sections the report adds to the scores page when it has them.
#[derive(Debug, Default)]
pub struct Extras<'a> {
    /// Funds whose comparison gets its own section and which are highlighted (HKIC, Temasek, ADIA).
    pub focus: Vec<&'a str>,
    /// The scores at the youngest focus fund's age.
    pub at_age: Option<&'a Results>,
    /// The focus funds' scores at every age.
    pub by_age: Option<&'a crate::analysis::history::History>,
    /// The first focus fund among its peers (the group, and the ranking among them).
    pub peers: Option<(&'a crate::render::ranking::Peers, &'a Results)>,
    /// A roadmap for the first focus fund.
    pub gap: Option<&'a Gap>,
    /// Ranks under every rubric.
    pub rubrics: Option<&'a RubricComparison>,
    /// The rubric's coherence: alphas, item-rest correlations, importance against weight.
    pub audit: Option<&'a crate::analysis::audit::Audit>,
    /// Rank intervals under other reasonable modelling choices.
    pub robustness: Option<&'a Robustness>,
    /// The same page in other languages: (language, file name beside this one).
    pub editions: Vec<(Lang, String)>,
    /// The estimate's backtest, for the method section.
    pub backtest: Option<&'a crate::estimate::Backtest>,
}

/// Escapes text for HTML content, with each `code span` (between backticks, as the messages
/// write commands) in `<code>`: a command reads as a command in either language.
fn esc_code(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // An odd number of backticks is not code: they stay as they are.
    let paired = s.matches('`').count().is_multiple_of(2);
    for (k, part) in s.split('`').enumerate() {
        if paired && k % 2 == 1 {
            out.push_str("<code>");
            esc_into(&mut out, part);
            out.push_str("</code>");
        } else {
            if k > 0 && !paired {
                out.push('`');
            }
            esc_into(&mut out, part);
        }
    }
    out
}

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    esc_into(&mut out, s);
    out
}

/// [`esc`] appending to `out`.
fn esc_into(out: &mut String, s: &str) {
    // The escaped characters are ASCII, so the text between them is copied a run at a time,
    // found with a table lookup per byte (most text has none of them).
    const SPECIAL: [bool; 256] = {
        let mut t = [false; 256];
        t[b'&' as usize] = true;
        t[b'<' as usize] = true;
        t[b'>' as usize] = true;
        t[b'"' as usize] = true;
        t[b'\'' as usize] = true;
        t
    };
    let bytes = s.as_bytes();
    let mut plain = 0;
    while let Some(k) = bytes[plain..].iter().position(|b| SPECIAL[usize::from(*b)]) {
        let i = plain + k;
        out.push_str(&s[plain..i]);
        out.push_str(match bytes[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
}

/// English text from the data (a source title, a quote), marked as English for readers and
/// screen readers of the other editions.
fn en(s: &str) -> String {
    format!("<span lang=\"en\">{}</span>", esc(s))
}

const STYLE: &str = "
:root { --full: #1a7f37; --partial: #9a6700; --none: #cf222e; --na: #8c959f; --unknown: #ffffff; --ink: #1f2328; --muted: #59636e; --bar: #0969da; --focus: #bc4c00; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans CJK TC', 'PingFang TC', 'Microsoft JhengHei', sans-serif; color: var(--ink); margin: 0; line-height: 1.5; }
p, li, h1, h2, h3, summary { overflow-wrap: anywhere; }
header, main { max-width: 1180px; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.2rem; border-bottom: 1px solid #d0d7de; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { margin-top: 2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; font-size: 1.35rem; }
.muted { color: var(--muted); }
.editions { float: right; margin: 0 0 .5rem 1rem; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .92rem; }
th, td { border: 1px solid #d0d7de; padding: .25rem .5rem; text-align: right; white-space: nowrap; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
thead th { white-space: normal; min-width: 4.5em; vertical-align: bottom; }
caption { text-align: left; color: var(--muted); padding: .2rem 0; caption-side: top; }
.table-wrap, .scroll { overflow-x: auto; max-width: 100%; }
.table-wrap table, .scroll table { min-width: 100%; }
td.text { white-space: normal; min-width: 7em; }
/* A table wider than its space becomes a card per row (FIT_SCRIPT decides; without scripts
   the table scrolls in its box): the key cell is the card's title, every other
   cell shows its column's name above its value. */
.table-wrap.stacked table, .stacked caption, .stacked tbody, .stacked tr, .stacked td { display: block; }
.table-wrap.stacked table { min-width: 0; width: 100%; }
.stacked thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.stacked tr { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(7.5em, 100%), 1fr)); gap: 0 .6rem; border: 1px solid #d0d7de; border-radius: 6px; padding: .3rem .6rem; margin: .4rem 0; }
.stacked td { border: 0; padding: .1rem 0; text-align: left; white-space: normal; min-width: 0; overflow-wrap: anywhere; }
.stacked td.key { grid-column: 1 / -1; order: -1; font-weight: 600; font-size: 1rem; }
.stacked td:empty { display: none; }
.stacked td[data-label]:not(.key)::before { content: attr(data-label); display: block; font-size: .75rem; color: var(--muted); font-weight: 400; }
tr.focus td { background: #fff1e5; }
tr.focus td.text { font-weight: 600; }
svg { display: block; }
svg text { font-family: inherit; }
svg.chart { width: 100%; height: auto; }
#ranking-chart, #robustness-chart { max-width: 640px; }
.heatmap-wrap svg { width: auto; max-width: none; }
.heatmap-wrap.scaled svg { width: 100%; height: auto; }
.heatmap-wrap.omitted { display: none; }
.matrix-list details { border-bottom: 1px solid #eaeef2; padding: .25rem 0; }
.matrix-list summary { cursor: pointer; }
.matrix-list p { margin: .2rem 0 .2rem 1rem; font-size: .9rem; }
@media (max-width: 700px) { .heatmap-wrap { display: none; } }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(340px, 100%), 1fr)); gap: 1rem; }
.card { border: 1px solid #d0d7de; border-radius: 8px; padding: .8rem 1rem; min-width: 0; }
.card.focus { border: 2px solid var(--focus); }
.card h3 { margin: 0 0 .2rem; }
.card ul { padding-left: 1.1rem; margin: .3rem 0; font-size: .88rem; }
.card details { margin-top: .4rem; }
.card .note { color: var(--muted); font-style: italic; }
.lv { font-weight: 600; }
.lv-full { color: var(--full); } .lv-partial { color: var(--partial); } .lv-none { color: var(--none); }
.lv-not_applicable, .lv-unknown { color: var(--muted); }
.secondary { font-size: .78rem; border: 1px solid var(--muted); border-radius: 3px; padding: 0 .25rem; color: var(--muted); white-space: nowrap; }
#weights form { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(260px, 100%), 1fr)); gap: .4rem 1.2rem; align-items: center; }
#weights label.slider { display: grid; grid-template-columns: 1fr auto; gap: 0 .5rem; }
#weights label.slider input { grid-column: 1 / span 2; width: 100%; }
#weights output { font-variant-numeric: tabular-nums; }
#weights-status { font-weight: 600; }
#weights-moved { margin: .2rem 0; }
@media (max-width: 700px) {
  #weights form { grid-template-columns: 1fr 1fr; gap: .2rem .8rem; }
  #weights.active { position: sticky; bottom: 0; z-index: 2; background: #fff; max-height: 55vh; overflow-y: auto; padding: .2rem .5rem; margin: 0 -.5rem; border-top: 2px solid var(--bar); box-shadow: 0 -2px 8px rgba(0,0,0,.15); }
  #weights.active > h3, #weights.active > p.muted { display: none; }
}
";

fn level_colour(l: Option<Level>) -> &'static str {
    match l {
        Some(Level::Full) => "var(--full)",
        Some(Level::Partial) => "var(--partial)",
        Some(Level::None) => "var(--none)",
        Some(Level::NotApplicable) => "var(--na)",
        Some(Level::Unknown) | None => "var(--unknown)",
    }
}

fn head(lang: Lang, title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n{FIT_SCRIPT}</head>\n<body>\n",
        lang.code(),
        esc(title)
    )
}

/// About how wide `s` is at font size `size` (CJK characters a full em, others 0.6 em).
fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(|c| if (c as u32) >= 0x2E80 { 1.0 } else { 0.6 }).sum::<f64>() * size
}

/// A fund's name in charts and tables, with a star for the funds of the debate.
fn marked_label(cx: &Context, f: &FundResult, focus: &[&str]) -> String {
    let label = cx.label(&f.fund, &f.label);
    if focus.contains(&f.fund.as_str()) { format!("★ {label}") } else { label.to_string() }
}

/// The ranked bar chart: one `g.bar` per scored fund (moved by the weights script), each
/// with its score's range as a whisker. It scales to the screen (viewBox, width 100%).
pub fn bar_chart(r: &Results, cx: &Context, focus: &[&str]) -> String {
    let loc = cx.loc();
    let scored: Vec<&FundResult> = r.results.iter().filter(|f| f.score.is_some()).collect();
    let labels: Vec<String> =
        scored.iter().map(|f| format!("{}. {}", f.rank.unwrap_or(0), marked_label(cx, f, focus))).collect();
    let label_w = labels.iter().map(|l| text_width(l, 12.0)).fold(60.0, f64::max).ceil() + 10.0;
    // Room after a bar for its score and, under the reader's weights, how far it moved (`▲12`).
    let (bar_w, row_h, top, value_w) = (240.0, 24.0, 22.0, 80.0);
    let width = label_w + bar_w + value_w;
    let height = top + row_h * scored.len() as f64 + 4.0;
    let span = r.rubric.scale - r.rubric.floor;
    let axis = Axis { left: label_w, width: bar_w, floor: r.rubric.floor, span };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg id=\"ranking-chart\" class=\"chart\" role=\"img\" aria-labelledby=\"ranking-title ranking-desc\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\" preserveAspectRatio=\"xMinYMin meet\" data-label-w=\"{label_w}\" data-bar-w=\"{bar_w}\" data-row-h=\"{row_h}\" data-top=\"{top}\">\n<title id=\"ranking-title\">{}</title>\n<desc id=\"ranking-desc\">{}</desc>",
        esc(loc.t("chart.ranking.title")),
        esc(&loc.f("chart.ranking.desc", &[("floor", &fmt_num(r.rubric.floor)), ("scale", &r.rubric.scale)]))
    );
    for tick in 0..=4 {
        let v = r.rubric.floor + span * f64::from(tick) / 4.0;
        let x = axis.x(v);
        let anchor = if tick == 4 { "end" } else { "middle" };
        let _ = writeln!(
            s,
            "<line x1=\"{x:.1}\" y1=\"16\" x2=\"{x:.1}\" y2=\"{height:.0}\" stroke=\"#d0d7de\"/><text x=\"{x:.1}\" y=\"11\" font-size=\"10\" text-anchor=\"{anchor}\" fill=\"#59636e\">{}</text>",
            fmt_num(v)
        );
    }
    for (i, (f, label)) in scored.iter().zip(&labels).enumerate() {
        s.push_str(&bar(f, label, top + row_h * i as f64, &axis, cx, focus));
    }
    s.push_str("</svg>\n");
    s
}

/// Where scores lie on the ranking chart.
struct Axis {
    /// The x of the floor, and the width of the scale.
    left: f64,
    width: f64,
    floor: f64,
    span: f64,
}

impl Axis {
    fn x(&self, v: f64) -> f64 {
        self.left + self.width * (v - self.floor) / self.span
    }
}

/// One fund's row of the ranking chart at height `y`: label, bar, range whisker and value.
fn bar(f: &FundResult, label: &str, y: f64, axis: &Axis, cx: &Context, focus: &[&str]) -> String {
    let score = f.score.unwrap_or(0.0);
    let b = f.bounds.unwrap_or(crate::score::Bounds { low: score, high: score });
    let (x1, x2) = (axis.x(b.low), axis.x(b.high));
    let is_focus = focus.contains(&f.fund.as_str());
    format!(
        "<g class=\"bar\" data-fund=\"{id}\" data-score=\"{score:.1}\" data-rank=\"{rank}\" data-label=\"{mark}\"{focus_attr} transform=\"translate(0,{y:.1})\"><title>{title}</title><text class=\"label\" x=\"{lx:.1}\" y=\"15\" font-size=\"12\" text-anchor=\"end\"{weight}>{label}</text><rect x=\"{left:.1}\" y=\"4\" width=\"{w:.1}\" height=\"15\" fill=\"{fill}\"/><g class=\"range\" data-low=\"{low:.1}\" data-high=\"{high:.1}\"><line x1=\"{x1:.1}\" y1=\"11.5\" x2=\"{x2:.1}\" y2=\"11.5\" stroke=\"#1f2328\" stroke-width=\"1.5\"/><line x1=\"{x2:.1}\" y1=\"6.5\" x2=\"{x2:.1}\" y2=\"16.5\" stroke=\"#1f2328\" stroke-width=\"1.5\"/></g><text class=\"value\" x=\"{vx:.1}\" y=\"15\" font-size=\"12\">{score:.1}</text></g>\n",
        id = esc(&f.fund),
        rank = f.rank.unwrap_or(0),
        mark = esc(&marked_label(cx, f, focus)),
        focus_attr = if is_focus { " data-focus=\"true\"" } else { "" },
        title = esc(&cx.loc().f(
            "chart.ranking.bar",
            &[
                ("fund", &cx.name(&f.fund, &f.name)),
                ("score", &format!("{score:.1}")),
                ("low", &format!("{:.1}", b.low)),
                ("high", &format!("{:.1}", b.high)),
                ("rank", &f.rank.unwrap_or(0)),
            ]
        )),
        lx = axis.left - 6.0,
        weight = if is_focus { " font-weight=\"700\"" } else { "" },
        label = esc(label),
        left = axis.left,
        w = axis.x(score) - axis.left,
        fill = if is_focus { "var(--focus)" } else { "var(--bar)" },
        low = b.low,
        high = b.high,
        vx = axis.x(score).max(x2) + 4.0,
    )
}

/// Each fund's 90% rank interval under the robustness run, with the median rank.
fn interval_chart(rb: &Robustness, cx: &Context, focus: &[&str]) -> String {
    let loc = cx.loc();
    let n = rb.funds.len().max(2);
    let labels: Vec<String> = rb
        .funds
        .iter()
        .map(|f| {
            let l = cx.label(&f.fund, &f.label);
            if focus.contains(&f.fund.as_str()) { format!("★ {l}") } else { l.to_string() }
        })
        .collect();
    let label_w = labels.iter().map(|l| text_width(l, 12.0)).fold(60.0, f64::max).ceil() + 10.0;
    let (panel_w, row_h, top) = (240.0, 22.0, 22.0);
    // Room on the right for each interval written out (`12–13`).
    let width = label_w + panel_w + 52.0;
    let height = top + row_h * rb.funds.len() as f64 + 22.0;
    let rx = |k: u32| label_w + panel_w * f64::from(k.max(1) - 1) / (n - 1) as f64;
    let mut s = format!(
        "<svg id=\"robustness-chart\" class=\"chart\" role=\"img\" aria-labelledby=\"robustness-title robustness-desc\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\" preserveAspectRatio=\"xMinYMin meet\">\n<title id=\"robustness-title\">{}</title>\n<desc id=\"robustness-desc\">{}</desc>\n",
        esc(loc.t("chart.robustness.title")),
        esc(&loc.f("chart.robustness.desc", &[("samples", &rb.samples)]))
    );
    for k in 1..=n as u32 {
        let x = rx(k);
        let _ =
            writeln!(s, "<line x1=\"{x:.1}\" y1=\"16\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#eaeef2\"/>", height - 20.0);
    }
    // The axis: "rank 1" at the left, then every fifth rank and the last, centred on its line.
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"11\" font-size=\"10\" fill=\"#59636e\">{}</text>",
        label_w,
        esc(&loc.f("chart.robustness.rank", &[("rank", &1)]))
    );
    let last = n as u32;
    for k in (5..=last).step_by(5).chain(std::iter::once(last)).filter(|k| *k == last || last - k >= 2) {
        let anchor = if k == last { "end" } else { "middle" };
        let _ = write!(
            s,
            "<text class=\"tick\" x=\"{:.1}\" y=\"11\" font-size=\"10\" text-anchor=\"{anchor}\" fill=\"#59636e\">{k}</text>",
            rx(k) + if k == last { 3.0 } else { 0.0 }
        );
    }
    let _ = writeln!(
        s,
        "<text class=\"legend\" x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#59636e\">{}</text>",
        label_w + panel_w / 2.0,
        height - 6.0,
        esc(&loc.f("chart.robustness.legend", &[("samples", &rb.samples)]))
    );
    for (i, (f, label)) in rb.funds.iter().zip(&labels).enumerate() {
        let y = top + row_h * i as f64 + 11.0;
        let [lo, hi] = f.rank_interval;
        let _ = writeln!(
            s,
            "<g class=\"rank-interval\" data-fund=\"{id}\" data-low=\"{lo}\" data-high=\"{hi}\" data-median=\"{med}\"><title>{title}</title><text x=\"{lx:.1}\" y=\"{ty:.1}\" font-size=\"12\" text-anchor=\"end\">{label}</text><line x1=\"{x1:.1}\" y1=\"{y:.1}\" x2=\"{x2:.1}\" y2=\"{y:.1}\" stroke=\"#8250df\" stroke-width=\"3\"/><circle cx=\"{mx:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"#8250df\"/><text class=\"interval\" x=\"{ix:.1}\" y=\"{ty:.1}\" font-size=\"11\" fill=\"#1f2328\">{interval}</text></g>",
            id = esc(&f.fund),
            ix = rx(hi) + 8.0,
            interval = if lo == hi { lo.to_string() } else { format!("{lo}–{hi}") },
            med = f.median_rank,
            title = esc(&loc.f(
                "chart.robustness.interval",
                &[("fund", &cx.label(&f.fund, &f.label)), ("low", &lo), ("high", &hi), ("median", &f.median_rank)]
            )),
            lx = label_w - 6.0,
            ty = y + 4.0,
            label = esc(label),
            x1 = rx(lo),
            x2 = rx(hi),
            mx = rx(f.median_rank),
        );
    }
    s.push_str("</svg>\n");
    s
}

/// The heatmap of funds × disclosures: one `rect.cell` per pair, a symbol in each, and a
/// legend inside the drawing.
pub fn heatmap(r: &Results, cx: &Context) -> String {
    let loc = cx.loc();
    let funds: Vec<&FundResult> = r.results.iter().filter(|f| f.score.is_some()).collect();
    let ds = r.disclosures();
    let label_w = ds.iter().map(|d| text_width(disclosure_title(cx, d), 12.0)).fold(80.0, f64::max).ceil() + 12.0;
    // Column labels are turned 55° and reach up (sin 55°) and right (cos 55°) of their column.
    let longest = funds.iter().map(|f| text_width(cx.label(&f.fund, &f.label), 12.0)).fold(40.0, f64::max);
    let top = longest * 0.82 + 14.0;
    let (cw, ch, entry_w) = (30.0, 20.0, 130.0);
    let width = (label_w + cw * funds.len() as f64 + longest * 0.58 + 4.0).max(entry_w * 2.0 + 20.0);
    let per_row = (((width - 20.0) / entry_w).floor() as usize).max(1);
    let legend_rows = Level::ALL.len().div_ceil(per_row);
    let height = top + ch * ds.len() as f64 + 14.0 + 22.0 * legend_rows as f64;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg id=\"heatmap\" class=\"chart\" role=\"img\" aria-labelledby=\"heatmap-title heatmap-desc\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\">\n<title id=\"heatmap-title\">{}</title>\n<desc id=\"heatmap-desc\">{}</desc>",
        esc(loc.t("chart.heatmap.title")),
        esc(loc.t("chart.heatmap.desc"))
    );
    for (j, f) in funds.iter().enumerate() {
        let x = label_w + cw * j as f64 + cw / 2.0;
        let _ = writeln!(
            s,
            "<text class=\"col\" data-fund=\"{}\" x=\"{x:.1}\" y=\"{:.1}\" font-size=\"12\" transform=\"rotate(-55 {x:.1} {:.1})\">{}</text>",
            esc(&f.fund),
            top - 8.0,
            top - 8.0,
            esc(cx.label(&f.fund, &f.label))
        );
    }
    // Names, titles and levels looked up once, not once per cell.
    let labels: Vec<&str> = funds.iter().map(|f| cx.label(&f.fund, &f.label)).collect();
    let grid: Vec<_> = funds.iter().map(|f| f.levels()).collect();
    // Coordinates formatted once per column and row, not once per cell.
    let cols: Vec<(String, String, String)> = funds
        .iter()
        .enumerate()
        .map(|(j, f)| {
            let x = label_w + cw * j as f64;
            (format!("{x:.1}"), format!("{:.1}", x + cw / 2.0 - 1.0), esc(&f.fund))
        })
        .collect();
    let (w, h) = (format!("{:.1}", cw - 2.0), format!("{:.1}", ch - 2.0));
    for (i, d) in ds.iter().enumerate() {
        let y = top + ch * i as f64;
        let title = disclosure_title(cx, d);
        let (ys, ys14) = (format!("{y:.1}"), format!("{:.1}", y + 14.0));
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{ys14}\" font-size=\"12\" text-anchor=\"end\">{}</text>",
            label_w - 8.0,
            esc(title)
        );
        for (j, (x, xm, id)) in cols.iter().enumerate() {
            let l = grid[j].get(d).copied();
            let word = l.map_or("unknown", Level::as_str);
            let tip =
                loc.f("chart.heatmap.cell", &[("fund", &labels[j]), ("disclosure", &title), ("level", &cx.level(l))]);
            let _ = writeln!(
                s,
                "<g><title>{}</title><rect class=\"cell\" data-fund=\"{id}\" data-disclosure=\"{d}\" data-level=\"{word}\" x=\"{x}\" y=\"{ys}\" width=\"{w}\" height=\"{h}\" fill=\"{}\" stroke=\"#d0d7de\"/><text x=\"{xm}\" y=\"{ys14}\" font-size=\"12\" text-anchor=\"middle\" fill=\"{}\">{}</text></g>",
                esc(&tip),
                level_colour(l),
                if matches!(l, Some(Level::Unknown) | None) { "#59636e" } else { "#ffffff" },
                level_symbol(l)
            );
        }
    }
    let legend_top = top + ch * ds.len() as f64 + 14.0;
    for (k, l) in Level::ALL.iter().enumerate() {
        let x = 10.0 + entry_w * (k % per_row) as f64;
        let y = legend_top + 22.0 * (k / per_row) as f64;
        let _ = writeln!(
            s,
            "<g class=\"legend\"><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"16\" height=\"16\" fill=\"{}\" stroke=\"#8c959f\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\">{} {}</text></g>",
            level_colour(Some(*l)),
            x + 22.0,
            y + 13.0,
            level_symbol(Some(*l)),
            esc(cx.level(Some(*l)))
        );
    }
    s.push_str("</svg>\n");
    s
}

/// The heatmap as text: per fund, its disclosures grouped by level (what a phone shows).
fn matrix_list(r: &Results, cx: &Context, focus: &[&str]) -> String {
    let ds = r.disclosures();
    let mut s = String::from("<div class=\"matrix-list\">\n");
    for f in r.results.iter().filter(|f| f.score.is_some()) {
        let of = f.levels();
        let levels: Vec<(&str, Level)> =
            ds.iter().map(|d| (*d, of.get(d).copied().unwrap_or(Level::Unknown))).collect();
        let groups: Vec<(Level, Vec<&str>)> =
            Level::ALL.iter().map(|l| (*l, levels.iter().filter(|(_, x)| x == l).map(|(d, _)| *d).collect())).collect();
        let counts: Vec<String> = groups
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(l, v)| format!("{} {}", level_symbol(Some(*l)), v.len()))
            .collect();
        let _ = write!(
            s,
            "<details data-fund=\"{}\"><summary><strong>{}</strong> <span class=\"muted\">{}</span></summary>",
            esc(&f.fund),
            esc(&marked_label(cx, f, focus)),
            esc(&counts.join(" · "))
        );
        for (l, list) in groups.iter().filter(|(_, v)| !v.is_empty()) {
            let titles: Vec<&str> = list.iter().map(|d| disclosure_title(cx, d)).collect();
            let _ = write!(
                s,
                "<p><span class=\"lv lv-{}\">{} {}</span>{}{}</p>",
                l.as_str(),
                level_symbol(Some(*l)),
                esc(cx.level(Some(*l))),
                esc(cx.loc().t("list.colon")),
                esc(&titles.join(cx.loc().t("list.separator")))
            );
        }
        s.push_str("</details>\n");
    }
    s.push_str("</div>\n");
    s
}

fn scores_table(r: &Results, cx: &Context, focus: &[&str]) -> String {
    let loc = cx.loc();
    let mut s = format!(
        "<div class=\"table-wrap\"><table id=\"scores\">\n<caption>{}</caption>\n<thead><tr><th>{}</th><th class=\"text\">{}</th>",
        esc(loc.t("scores.caption")),
        esc(loc.t("col.rank")),
        esc(loc.t("col.fund"))
    );
    if r.at_age.is_some() {
        let _ = write!(s, "<th>{}</th>", esc(loc.t("col.year")));
    }
    let (estimate, lead) = estimate_columns(r);
    if lead {
        let _ = write!(s, "<th>{}</th>", esc(loc.t("col.estimate")));
    }
    let _ = write!(s, "<th>{}</th><th>{}</th>", esc(loc.t("col.score")), esc(loc.t("col.range")));
    if estimate && !lead {
        let _ = write!(s, "<th>{}</th>", esc(loc.t("col.estimate")));
    }
    for c in &r.categories {
        let _ = write!(
            s,
            "<th data-category=\"{}\">{} <span class=\"muted\">({:.0}%)</span></th>",
            esc(&c.id),
            esc(cx.category(&c.id, &c.title)),
            c.weight * 100.0
        );
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    // Each cell names its column (`data-label`) for the card layout of a narrow screen.
    let label = |k: &str| data_label(loc.t(k));
    let (rank_l, year_l, estimate_l, score_l, range_l) =
        (label("col.rank"), label("col.year"), label("col.estimate"), label("col.score"), label("col.range"));
    let category_l: Vec<String> = r.categories.iter().map(|c| data_label(cx.category(&c.id, &c.title))).collect();
    for f in &r.results {
        let cls = if focus.contains(&f.fund.as_str()) { " class=\"focus\"" } else { "" };
        // The short name keeps the table narrow; the full name is its tooltip and on the card.
        let _ = write!(
            s,
            "<tr data-fund=\"{id}\"{cls}><td class=\"rank\"{rank_l}>{}</td><td class=\"text key\"><a href=\"#fund-{id}\" title=\"{}\">{}</a></td>",
            f.rank.map_or("-".into(), |k| k.to_string()),
            esc(cx.name(&f.fund, &f.name)),
            esc(&marked_label(cx, f, focus)),
            id = esc(&f.fund),
        );
        if r.at_age.is_some() {
            let _ = write!(s, "<td{year_l}>{}</td>", f.year.map_or("-".into(), |y| y.to_string()));
        }
        if lead {
            let _ = write!(s, "<td class=\"estimate\"{estimate_l}>{}</td>", fmt_estimate(f));
        }
        match f.score {
            Some(_) => {
                let _ =
                    write!(s, "<td class=\"score\"{score_l}><strong>{}</strong></td>", esc(&fmt_ranked_score(f, r)));
            }
            None => {
                let _ = write!(s, "<td class=\"muted\"{score_l}>{}</td>", esc(cx.status(f)));
            }
        }
        let _ = write!(s, "<td class=\"range muted\"{range_l}>{}</td>", fmt_bounds(f.bounds));
        if estimate && !lead {
            let _ = write!(s, "<td class=\"estimate\"{estimate_l}>{}</td>", fmt_estimate(f));
        }
        for ((id, c), l) in f.categories.iter().zip(&category_l) {
            let _ = write!(s, "<td data-category=\"{}\"{l}>{}</td>", esc(id), fmt_score(*c));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table></div>\n");
    s
}

/// A headline figure with its unit: `NOK 19.7 trn`, `5.7% (in USD)`, `11.8%`.
pub fn fact_value(fact: &Fact, cx: &Context) -> String {
    let loc = cx.loc();
    let percent = matches!(fact.unit.as_deref(), Some("percent" | "%"));
    // The currency as the reader's language names it (港元 for HKD), else its ISO code.
    let currency = fact.currency.as_deref().map(|c| {
        let key = format!("currency.{c}");
        if loc.has(&key) { loc.t(&key).to_string() } else { c.to_string() }
    });
    match (percent, currency, fact.unit.as_deref()) {
        (true, Some(c), _) => loc.f("fact.percent_in", &[("n", &fact.value), ("currency", &c)]),
        (true, None, _) => loc.f("fact.percent", &[("n", &fact.value)]),
        (false, Some(c), _) => loc.f("fact.amount", &[("currency", &c), ("amount", &loc.amount(fact.value))]),
        (false, None, Some(u)) => format!("{} {u}", loc.amount(fact.value)),
        (false, None, None) => loc.amount(fact.value),
    }
}

/// The name of a headline figure (`aum`), in words.
pub fn fact_name(key: &str, cx: &Context) -> String {
    let k = format!("fact.name.{key}");
    if cx.loc().has(&k) { cx.loc().t(&k).to_string() } else { key.replace('_', " ") }
}

fn facts(fund: &crate::model::Fund, cx: &Context) -> String {
    let mut s = String::from("<ul class=\"facts\">\n");
    for (k, fact) in &fund.facts {
        let when = fact.as_of.map(|d| format!("{}{d}", cx.loc().t("list.separator"))).unwrap_or_default();
        let src = match (&fact.source, &fact.url) {
            (Some(t), Some(u)) => format!(" (<a href=\"{}\">{}</a>)", esc(u), en(t)),
            (Some(t), None) => format!(" ({})", en(t)),
            _ => String::new(),
        };
        let _ = writeln!(
            s,
            "<li>{}{}{}{when}{src}</li>",
            esc(&fact_name(k, cx)),
            esc(cx.loc().t("list.colon")),
            esc(&fact_value(fact, cx))
        );
    }
    s.push_str("</ul>\n");
    s
}

/// The evidence for one disclosure: each source linked, secondary ones marked.
fn evidence_links(s: &mut String, evidence: &[crate::model::Evidence], cx: &Context) {
    // Written straight into the card: a page for thousands of funds has hundreds of thousands
    // of these, and building each piece as a string of its own was most of the page's cost.
    for e in evidence {
        s.push_str(" · ");
        if let Some(u) = &e.url {
            s.push_str("<a class=\"evidence\" href=\"");
            esc_into(s, u);
            s.push_str("\">");
        }
        s.push_str("<span lang=\"en\">");
        esc_into(s, &e.source);
        s.push_str("</span>");
        if e.url.is_some() {
            s.push_str("</a>");
        }
        if let Some(date) = e.date {
            let _ = write!(s, ", {date}");
        }
        if e.is_secondary() {
            s.push_str(" <span class=\"secondary\">");
            esc_into(s, cx.loc().t("evidence.secondary"));
            s.push_str("</span>");
        }
    }
}

/// A fund's card; `open` unfolds its evidence.
fn card(e: &Explanation, cx: &Context, open: bool, focus: &[&str]) -> String {
    let (r, f) = (e.of, e.fund);
    let loc = cx.loc();
    let mut s = String::new();
    let fund = e.descriptor;
    let cls = if focus.contains(&f.fund.as_str()) { "card focus" } else { "card" };
    let _ = writeln!(s, "<article class=\"{cls}\" id=\"fund-{id}\" data-fund=\"{id}\">", id = esc(&f.fund));
    let name = cx.name(&f.fund, &f.name);
    let english =
        if name != f.name { format!(" <small class=\"muted\">{}</small>", en(&f.name)) } else { String::new() };
    let _ = writeln!(s, "<h3>{}{english}</h3>", esc(name));
    if let Some(fd) = fund {
        let _ = writeln!(
            s,
            "<p class=\"muted\">{}</p>",
            esc(&loc.f(
                "card.meta",
                &[
                    ("jurisdiction", &fd.jurisdiction_in(cx.lang)),
                    ("established", &fd.established),
                    ("assessed", &fd.assessed)
                ]
            ))
        );
    }
    match (f.score, f.rank) {
        (Some(_), Some(k)) => {
            let _ = writeln!(
                s,
                "<p>{}</p>",
                loc.f(
                    "card.score",
                    &[
                        ("score", &format!("<strong>{}</strong>", esc(&fmt_ranked_score(f, r)))),
                        ("scale", &r.rubric.scale),
                        ("rank", &k)
                    ]
                )
            );
            if let (Some(e), Some(b)) = (f.estimate, f.bounds.filter(|b| !b.is_tight())) {
                let _ = writeln!(
                    s,
                    "<p class=\"estimate\">{}</p>",
                    esc(&loc.f(
                        "card.estimate",
                        &[
                            ("estimate", &format!("{:.1}", e.score)),
                            ("low", &format!("{:.1}", e.low)),
                            ("high", &format!("{:.1}", e.high)),
                            ("range", &fmt_bounds(Some(b))),
                        ]
                    ))
                );
            }
        }
        _ => {
            let _ = writeln!(s, "<p class=\"muted\">{}</p>", esc(cx.status(f)));
        }
    }
    if let Some(fd) = fund
        && !fd.facts.is_empty()
    {
        s.push_str(&facts(fd, cx));
    }
    s.push_str(if open { "<details open>" } else { "<details>" });
    let _ = writeln!(s, "<summary>{}</summary>\n<ul>", esc(loc.t("card.evidence")));
    let mut seen = std::collections::HashSet::new();
    for i in by_points_lost(f) {
        for (d, l) in &i.levels {
            if !seen.insert(d.as_str()) {
                continue;
            }
            let _ = write!(s, "<li><span class=\"lv lv-{}\">{} ", l.as_str(), level_symbol(Some(*l)));
            esc_into(&mut s, cx.level(Some(*l)));
            s.push_str("</span> ");
            esc_into(&mut s, disclosure_title(cx, d));
            if i.lost > 0.0 {
                let _ = write!(s, " <span class=\"muted\">(−{:.2})</span>", i.lost);
            }
            if let Some(st) = e.standing(d) {
                evidence_links(&mut s, st.evidence, cx);
                // The assessors' note, as `explain` shows it (notes are written in English).
                if let Some(n) = st.note {
                    s.push_str("<br><span class=\"note\" lang=\"en\">");
                    esc_into(&mut s, n);
                    s.push_str("</span>");
                }
            }
            s.push_str("</li>\n");
        }
    }
    s.push_str("</ul>\n</details>\n</article>\n");
    s
}

/// The method and its limits (laid out once, as the Markdown report prints them), then when
/// the page was made.
fn method(k: &Ranking, cx: &Context, backtest: Option<&crate::estimate::Backtest>) -> String {
    let mut s = doc(&ranking::method(k, cx, backtest));
    if let Some(d) = cx.words.assessed() {
        let _ = writeln!(
            s,
            "<p class=\"muted\">{}</p>",
            esc(&cx.loc().f("method.generated", &[("date", &d), ("version", &env!("CARGO_PKG_VERSION"))]))
        );
    }
    s
}

/// The funds of the debate side by side (their scores, as `compare` lays them out), every fund at the
/// youngest one's age, their scores by age, the first one among its peers and its roadmap:
/// the views the Markdown report shows, each in a subsection.
fn focus_section(r: &Results, cx: &Context, extras: &Extras) -> String {
    let loc = cx.loc();
    let focus: Vec<&FundResult> =
        extras.focus.iter().filter_map(|id| r.results.iter().find(|f| f.fund == *id)).collect();
    if focus.len() < 2 {
        return String::new();
    }
    let names: Vec<&str> = focus.iter().map(|f| cx.label(&f.fund, &f.label)).collect();
    let mut s = format!(
        "<section id=\"focus\">\n<h2>{}</h2>\n",
        esc(&loc.f("focus.title", &[("funds", &names.join(loc.t("list.separator")))]))
    );
    let today = Comparison { of: r, funds: focus };
    s.push_str(&subsection("today", crate::render::ranking::comparison_scores(&today, cx, loc.t("focus.today"))));
    if let Some(a) = extras.at_age {
        s.push_str(&subsection("at-age", crate::render::ranking::at_age(a, cx)));
    }
    if let Some(h) = extras.by_age {
        s.push_str(&subsection("by-age", crate::render::views::by_age_chart(h, cx)));
    }
    if let Some((group, peers)) = extras.peers {
        s.push_str(&subsection("peers", crate::render::ranking::peers(peers, cx, group)));
    }
    if let Some(g) = extras.gap {
        s.push_str(&roadmap(g, cx));
    }
    s.push_str("</section>\n");
    s
}

/// The roadmap for the first focus fund, laid out as the `gap` view.
fn roadmap(g: &Gap, cx: &Context) -> String {
    subsection("roadmap", crate::render::views::gap(g, cx))
}

/// A view inside a section of the page: a `div` with `id`, the view's title as a level-3
/// heading, then its blocks.
fn subsection(id: &str, doc: markup::Doc) -> String {
    let mut s = format!("<div id=\"{id}\">\n");
    if let Some(t) = &doc.title {
        let _ = writeln!(s, "<h3>{}</h3>", esc(t));
    }
    s.push_str(&self::doc(&markup::Doc { title: None, blocks: doc.blocks, ..Default::default() }));
    s.push_str("</div>\n");
    s
}

/// Each fund's rank and score under every rubric and profile, the rank correlations and the
/// frameworks' caveats: the `compare-rubrics` view, as the Markdown report shows it.
fn rubrics_section(c: &RubricComparison, cx: &Context) -> String {
    let mut d = crate::render::views::rubrics(c, cx);
    d.anchor = Some("rubrics".into());
    doc(&d)
}

/// Links to the page in the other languages.
fn editions(extras: &Extras) -> String {
    if extras.editions.is_empty() {
        return String::new();
    }
    let links: Vec<String> = extras
        .editions
        .iter()
        .map(|(l, file)| {
            format!(
                "<a href=\"{}\" hreflang=\"{}\" lang=\"{}\">{}</a>",
                esc(file),
                l.code(),
                l.code(),
                esc(Locale::of(*l).t("lang.name"))
            )
        })
        .collect();
    format!("<p class=\"editions\">{}</p>\n", links.join(" · "))
}

fn header(r: &Results, cx: &Context, extras: &Extras) -> String {
    let loc = cx.loc();
    let mut s = String::from("<header>\n");
    s.push_str(&editions(extras));
    let _ = writeln!(s, "<h1>{}</h1>", esc(loc.t("page.heading")));
    let _ = writeln!(s, "<p class=\"muted\">{}</p>", esc(&rubric_line(r, cx)));
    if let Some(d) = cx.words.assessed() {
        let _ = writeln!(s, "<p class=\"muted\">{}</p>", esc(&loc.f("page.data_as_of", &[("date", &d)])));
    }
    s.push_str("</header>\n");
    s
}

/// About how many bytes the page takes per fund (its card, row and column): reserved when the
/// page is built in memory, so a page for thousands of funds is not copied again and again
/// as it grows.
pub(crate) const PAGE_BYTES_PER_FUND: usize = 50_000;

/// The whole page: ranking (with the weights panel), heatmap, the focus section, a card per
/// fund, the method and its limits.
pub fn page(k: &Ranking, cx: &Context, extras: &Extras) -> String {
    let mut s = String::with_capacity(k.results.results.len() * PAGE_BYTES_PER_FUND);
    let _ = write_page(&mut s, k, cx, extras);
    s
}

/// Writes the whole report page to `s` piece by piece, so a caller can stream it to a file
/// (a page for thousands of funds runs to tens of megabytes) instead of holding it whole.
pub fn write_page(s: &mut dyn std::fmt::Write, k: &Ranking, cx: &Context, extras: &Extras) -> std::fmt::Result {
    let (r, loc) = (k.results, cx.loc());
    let focus = &extras.focus;
    s.write_str(&head(cx.lang, loc.t("page.title")))?;
    s.write_str(&header(r, cx, extras))?;
    writeln!(s, "<main>\n<section id=\"ranking\">\n<h2>{}</h2>", esc(loc.t("ranking.title")))?;
    s.write_str(&bar_chart(r, cx, focus))?;
    if !focus.is_empty() {
        writeln!(s, "<p class=\"muted\">{}</p>", esc(loc.t("ranking.focus_note")))?;
    }
    s.write_str(&weights::panel(k, cx))?;
    s.write_str(&scores_table(r, cx, focus))?;
    writeln!(s, "<p class=\"muted\">{}</p>", esc(loc.t("ranking.range_note")))?;
    writeln!(
        s,
        "</section>\n<section id=\"matrix\">\n<h2>{}</h2>\n<p class=\"muted\">{}</p>\n<div class=\"heatmap-wrap scroll\">",
        esc(loc.t("matrix.title")),
        esc(loc.t("matrix.lead"))
    )?;
    s.write_str(&heatmap(r, cx))?;
    s.write_str("</div>\n")?;
    s.write_str(&matrix_list(r, cx, focus))?;
    s.write_str("</section>\n")?;
    s.write_str(&focus_section(r, cx, extras))?;
    if let Some(c) = extras.rubrics {
        s.write_str(&rubrics_section(c, cx))?;
    }
    if let Some(a) = extras.audit {
        let doc = crate::render::views::audit(a, cx);
        writeln!(s, "<section id=\"audit\">\n<h2>{}</h2>", esc(doc.title.as_deref().unwrap_or_default()))?;
        s.write_str(&self::doc(&markup::Doc { title: None, blocks: doc.blocks, ..Default::default() }))?;
        s.write_str("</section>\n")?;
    }
    if let Some(rb) = extras.robustness {
        s.write_str("<div id=\"robustness\">\n")?;
        let doc = crate::render::views::robustness(rb, cx);
        writeln!(s, "<section>\n<h2>{}</h2>", esc(doc.title.as_deref().unwrap_or_default()))?;
        s.write_str(&interval_chart(rb, cx, focus))?;
        s.write_str(&self::doc(&markup::Doc { title: None, blocks: doc.blocks, ..Default::default() }))?;
        s.write_str("</section>\n</div>\n")?;
    }
    writeln!(s, "<section id=\"funds\">\n<h2>{}</h2>\n<div class=\"cards\">", esc(loc.t("funds.title")))?;
    for e in &k.cards {
        s.write_str(&card(e, cx, false, focus))?;
    }
    s.write_str("</div>\n</section>\n")?;
    s.write_str(&method(k, cx, extras.backtest))?;
    s.write_str("</main>\n")?;
    s.write_str(&weights::script(k, cx))?;
    s.write_str("</body>\n</html>\n")
}

/// A page holding one view's document.
pub fn standalone(doc: &markup::Doc, lang: Lang) -> String {
    let title = doc.title.as_deref().unwrap_or("swfscore");
    let mut s = head(lang, &format!("{title} — swfscore"));
    s.push_str("<main>\n");
    s.push_str(&self::doc(doc));
    s.push_str("</main>\n</body>\n</html>\n");
    s
}

impl Renderer for Html {
    fn view(&self, v: &dyn View, cx: &Context) -> Result<String, crate::error::Error> {
        Ok(v.html(cx))
    }
}

/// One fund explained, as its card with the evidence unfolded.
pub fn explanation_page(e: &Explanation, cx: &Context) -> String {
    let mut s = head(cx.lang, &format!("{} — swfscore", cx.name(&e.fund.fund, &e.fund.name)));
    let _ = writeln!(s, "<main>\n<p class=\"muted\">{}</p>", esc(&rubric_line(e.of, cx)));
    s.push_str(&card(e, cx, true, &[]));
    s.push_str("</main>\n</body>\n</html>\n");
    s
}

/// A markup table as HTML, inside a scroll container, with an optional caption. Each cell
/// carries its column's name (`data-label`) and the table's key cell is marked, so that
/// [`FIT_SCRIPT`] can show a table too wide for its space as a card per row.
pub fn table(t: &markup::Table, caption: Option<&str>) -> String {
    let caption = caption.or(t.caption.as_deref());
    let mut out = String::from("<div class=\"table-wrap\"><table>");
    if let Some(c) = caption {
        let _ = write!(out, "<caption>{}</caption>", esc(c));
    }
    out.push_str("<thead><tr>");
    for (h, a) in &t.headers {
        let _ = write!(out, "<th{}>{}</th>", cell_class(*a, false), esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let key = t.key_column();
    for r in &t.rows {
        out.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let (header, a) = t.headers.get(i).map_or(("", Align::Left), |(h, a)| (h.as_str(), *a));
            let text = match c.tone {
                Tone::Bold | Tone::Highlight => format!("<strong>{}</strong>", esc(&c.text)),
                Tone::Code => format!("<code>{}</code>", esc(&c.text)),
                _ => esc(&c.text),
            };
            let _ = write!(out, "<td{}{}>{text}</td>", cell_class(a, i == key), data_label(header));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    out
}

/// A cell's classes: `text` for a left-aligned column, `key` for the cell that titles its row
/// when the table is shown as cards.
fn cell_class(a: Align, key: bool) -> &'static str {
    match (a, key) {
        (Align::Left, false) => " class=\"text\"",
        (Align::Left, true) => " class=\"text key\"",
        (Align::Right, false) => "",
        (Align::Right, true) => " class=\"key\"",
    }
}

/// The `data-label` attribute naming a cell's column (none for a column without a name).
fn data_label(header: &str) -> String {
    if header.is_empty() { String::new() } else { format!(" data-label=\"{}\"", esc(header)) }
}

/// Shows each table that is wider than its box as a card per row (`.stacked`) and fits the
/// heatmap to its box, measured when the page is laid out and whenever the window changes
/// size, so nothing scrolls sideways on any screen.
const FIT_SCRIPT: &str = "<script>(function () {
  function fit() {
    document.querySelectorAll('.table-wrap').forEach(function (w) {
      w.classList.remove('stacked');
      if (w.scrollWidth > w.clientWidth + 1) w.classList.add('stacked');
    });
    // The heatmap is drawn to scale down a little (to three quarters) and is left out below
    // that: the list under it holds the same levels.
    document.querySelectorAll('.heatmap-wrap').forEach(function (w) {
      var svg = w.querySelector('svg');
      w.classList.remove('scaled', 'omitted');
      var natural = svg ? +svg.getAttribute('width') : 0, box = w.clientWidth;
      if (box && natural > box) w.classList.add(box / natural >= 0.75 ? 'scaled' : 'omitted');
    });
  }
  document.addEventListener('DOMContentLoaded', fit);
  window.addEventListener('load', fit);
  window.addEventListener('resize', fit);
})();</script>
";

/// An HTML fragment: a section with the title as a heading.
pub fn doc(d: &Doc) -> String {
    let mut out = match &d.anchor {
        Some(id) => format!("<section id=\"{}\">\n", esc(id)),
        None => String::from("<section>\n"),
    };
    if let Some(t) = &d.title {
        let _ = writeln!(out, "<h2>{}</h2>", esc(t));
    }
    for b in &d.blocks {
        match b {
            Block::Para(p) => {
                for l in p.lines() {
                    let _ = writeln!(out, "<p>{}</p>", esc_code(l));
                }
            }
            Block::List { lead, items } => {
                let _ = writeln!(out, "<p>{}</p>", esc(lead));
                out.push_str("<ul>\n");
                for i in items {
                    let _ = writeln!(out, "<li>{}</li>", esc(i));
                }
                out.push_str("</ul>\n");
            }
            Block::Outline { lead, entries } => {
                let _ = writeln!(out, "<p>{}</p>", esc(lead));
                out.push_str("<ul>\n");
                for (e, lines) in entries {
                    let _ = write!(out, "<li>{}", esc(e));
                    if !lines.is_empty() {
                        out.push_str("<ul>");
                        for l in lines {
                            let _ = write!(out, "<li>{}</li>", esc(l));
                        }
                        out.push_str("</ul>");
                    }
                    out.push_str("</li>\n");
                }
                out.push_str("</ul>\n");
            }
            Block::Heading(h) => {
                let _ = writeln!(out, "<h3>{}</h3>", esc(h));
            }
            Block::Table(t) => out.push_str(&table(t, None)),
            Block::Series { floor, scale, series, caption, .. } => {
                out.push_str(&svg_lines(series, *floor, *scale, caption))
            }
        }
    }
    out.push_str("</section>\n");
    out
}

/// Scores over time as an SVG: one line per fund and its range as a shaded band.
fn svg_lines(series: &[Series], floor: f64, scale: f64, caption: &str) -> String {
    let (w, h, left, top) = (720.0, 260.0, 40.0, 10.0);
    let (pw, ph) = (w - left - 10.0, h - top - 30.0);
    let years: Vec<i32> = series.iter().flat_map(|s| s.years.iter().copied()).collect();
    let (Some(&y0), Some(&y1)) = (years.iter().min(), years.iter().max()) else {
        return String::new();
    };
    let span_y = f64::from((y1 - y0).max(1));
    let span = (scale - floor).max(f64::MIN_POSITIVE);
    let x = |y: i32| left + pw * f64::from(y - y0) / span_y;
    let yv = |v: f64| top + ph * (1.0 - (v - floor) / span);
    let mut out = format!(
        "<svg class=\"chart history\" role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {w} {h}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">\n",
        esc(&caption.replace("{label}", &series.iter().map(|s| s.label.as_str()).collect::<Vec<_>>().join(", ")))
    );
    for tick in 0..=4 {
        let v = floor + span * f64::from(tick) / 4.0;
        let _ = writeln!(
            out,
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#d0d7de\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#59636e\">{}</text>",
            left + pw,
            yv(v),
            yv(v),
            left - 4.0,
            yv(v) + 4.0,
            super::fmt_num(v)
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"{left}\" y=\"{:.1}\" font-size=\"11\" fill=\"#59636e\">{y0}</text><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#59636e\">{y1}</text>",
        h - 8.0,
        left + pw,
        h - 8.0
    );
    const COLOURS: [&str; 6] = ["#0969da", "#cf222e", "#1a7f37", "#8250df", "#9a6700", "#57606a"];
    for (i, s) in series.iter().enumerate() {
        let c = COLOURS[i % COLOURS.len()];
        let upper: Vec<String> =
            s.years.iter().zip(&s.highs).map(|(y, v)| format!("{:.1},{:.1}", x(*y), yv(*v))).collect();
        let lower: Vec<String> =
            s.years.iter().zip(&s.lows).rev().map(|(y, v)| format!("{:.1},{:.1}", x(*y), yv(*v))).collect();
        let line: Vec<String> =
            s.years.iter().zip(&s.scores).map(|(y, v)| format!("{:.1},{:.1}", x(*y), yv(*v))).collect();
        let _ = writeln!(
            out,
            "<g class=\"series\" data-label=\"{}\"><title>{}</title><polygon class=\"band\" points=\"{} {}\" fill=\"{c}\" fill-opacity=\"0.15\"/><polyline points=\"{}\" fill=\"none\" stroke=\"{c}\" stroke-width=\"2\"/></g>",
            esc(&s.label),
            esc(&s.label),
            upper.join(" "),
            lower.join(" "),
            line.join(" ")
        );
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Fact;

    fn fact(value: f64, currency: Option<&str>, unit: Option<&str>) -> Fact {
        Fact {
            value,
            currency: currency.map(Into::into),
            unit: unit.map(Into::into),
            as_of: None,
            source: None,
            url: None,
        }
    }

    #[test]
    fn code_spans_become_code_elements() {
        assert_eq!(esc_code("run `a <b>` now"), "run <code>a &lt;b&gt;</code> now");
        assert_eq!(esc_code("no code"), "no code");
        assert_eq!(esc_code("odd ` tick"), "odd ` tick");
    }

    #[test]
    fn escaping_replaces_the_five_characters_and_keeps_the_rest() {
        assert_eq!(esc(""), "");
        assert_eq!(esc("plain 港投公司 text"), "plain 港投公司 text");
        assert_eq!(
            esc("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
        assert_eq!(esc("&&"), "&amp;&amp;");
        assert_eq!(esc("淡馬錫<'"), "淡馬錫&lt;&#39;");
    }

    #[test]
    fn facts_print_with_their_units_and_magnitudes() {
        let ds = crate::load::from_texts(
            include_str!("../../tests/fixtures/mini/disclosures.yaml"),
            include_str!("../../tests/fixtures/mini/rubric.yaml"),
            &[],
        )
        .dataset
        .expect("the fixture loads");
        let words = Glossary::of(&ds);
        let cx = Context::new(&words);
        assert_eq!(fact_value(&fact(19_742e9, Some("NOK"), None), &cx), "NOK 19.7 trn");
        assert_eq!(fact_value(&fact(64.007e9, Some("HKD"), None), &cx), "HKD 64.0 bn");
        assert_eq!(fact_value(&fact(5.7, Some("USD"), Some("percent")), &cx), "5.7% (in USD)");
        assert_eq!(fact_value(&fact(11.84, None, Some("percent")), &cx), "11.84%");
        let zh = Context { lang: Lang::ZhHant, ..cx };
        // Hong Kong writes the amount, then the currency's name: 640億港元, 以美元計.
        assert_eq!(fact_value(&fact(19_742e9, Some("NOK"), None), &zh), "19.7萬億挪威克朗");
        assert_eq!(fact_value(&fact(64.007e9, Some("HKD"), None), &zh), "640億港元");
        assert_eq!(fact_value(&fact(5.7, Some("USD"), Some("percent")), &zh), "5.7%（以美元計）");
        // A currency without a name in the language keeps its code.
        assert_eq!(fact_value(&fact(1e9, Some("XAU"), None), &zh), "10.0億XAU");
    }

    #[test]
    fn text_width_counts_chinese_characters_as_full_width() {
        assert_eq!(text_width("ab", 10.0), 12.0);
        assert_eq!(text_width("港投", 10.0), 20.0);
    }
}
