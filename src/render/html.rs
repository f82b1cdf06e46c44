//! One self-contained HTML page: no scripts, no network, no external assets. Charts are
//! inline SVG with titles and text labels, so colour is never the only signal.

use super::text::Align;
use super::*;
use crate::analysis::gap::Gap;
use crate::analysis::rubrics::RubricComparison;
use crate::model::Date;
use std::fmt::Write as _;

/// The `html` format.
#[derive(Debug)]
pub struct Html;

/// Sections the report adds to the scores page when it has them.
#[derive(Debug, Default)]
pub struct Extras<'a> {
    /// Funds whose comparison gets its own section (e.g. HKIC, Temasek, ADIA).
    pub focus: Vec<&'a str>,
    /// The scores at the youngest focus fund's age.
    pub at_age: Option<&'a Results>,
    /// A roadmap for the first focus fund.
    pub gap: Option<&'a Gap>,
    /// Ranks under every rubric.
    pub rubrics: Option<&'a RubricComparison>,
    /// Rank intervals under other reasonable modelling choices.
    pub robustness: Option<&'a crate::analysis::robustness::Robustness>,
}

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
:root { --full: #1a7f37; --partial: #bf8700; --none: #cf222e; --na: #8c959f; --unknown: #ffffff; --ink: #1f2328; --muted: #59636e; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: var(--ink); margin: 0; line-height: 1.45; }
header, main { max-width: 1180px; margin: 0 auto; padding: 0 1.2rem; }
header { padding-top: 1.5rem; border-bottom: 1px solid #d0d7de; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
h2 { margin-top: 2.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
.muted { color: var(--muted); }
table { border-collapse: collapse; margin: .6rem 0; font-size: .92rem; }
th, td { border: 1px solid #d0d7de; padding: .25rem .5rem; text-align: right; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
caption { text-align: left; color: var(--muted); padding: .2rem 0; }
svg text { font-family: inherit; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 1rem; }
.card { border: 1px solid #d0d7de; border-radius: 8px; padding: .8rem 1rem; }
.card h3 { margin: 0 0 .2rem; }
.card ul { padding-left: 1.1rem; margin: .3rem 0; font-size: .88rem; }
.card details { margin-top: .4rem; }
.lv { font-weight: 600; }
.lv-full { color: var(--full); } .lv-partial { color: var(--partial); } .lv-none { color: var(--none); }
.lv-not_applicable, .lv-unknown { color: var(--na); }
.chart, .table-wrap { overflow-x: auto; }
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

/// A one-character symbol for a level, so the heatmap reads without colour.
pub fn level_symbol(l: Option<Level>) -> &'static str {
    match l {
        Some(Level::Full) => "●",
        Some(Level::Partial) => "◐",
        Some(Level::None) => "○",
        Some(Level::NotApplicable) => "–",
        Some(Level::Unknown) | None => "?",
    }
}

fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(title)
    )
}

/// The newest assessment date among the funds: the date the data describes.
pub fn data_date(cx: &Context) -> Option<Date> {
    cx.dataset.funds.iter().map(|f| f.assessed).max()
}

/// The ranked bar chart: one `g.bar` per scored fund, and with `robust` a panel of rank
/// intervals (5th to 95th percentile, median dot) beside the bars.
pub fn bar_chart(r: &Results, robust: Option<&crate::analysis::robustness::Robustness>) -> String {
    let scored: Vec<&FundResult> = r.results.iter().filter(|f| f.score.is_some()).collect();
    let (label_w, bar_w, row_h) = (190.0, 560.0, 26.0);
    let height = 30.0 + row_h * scored.len() as f64;
    let (panel_x, panel_w) = (label_w + bar_w + 90.0, 200.0);
    let width = if robust.is_some() { panel_x + panel_w + 20.0 } else { label_w + bar_w + 70.0 };
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg id=\"ranking-chart\" class=\"chart\" role=\"img\" aria-labelledby=\"ranking-title ranking-desc\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\">\n<title id=\"ranking-title\">Transparency score by fund, ranked</title>\n<desc id=\"ranking-desc\">One bar per fund; the bar's length is the score on a scale of {} to {}. A thin line across each bar shows the range the score could take if every unknown disclosure were none or full.{}</desc>\n",
        fmt_num(r.rubric.floor),
        r.rubric.scale,
        if robust.is_some() {
            " On the right, a purple line per fund spans the ranks it takes in 90% of the robustness samples, with a dot at the median rank."
        } else {
            ""
        }
    );
    for tick in 0..=4 {
        let x = label_w + bar_w * tick as f64 / 4.0;
        let v = r.rubric.floor + (r.rubric.scale - r.rubric.floor) * tick as f64 / 4.0;
        let _ = writeln!(
            s,
            "<line x1=\"{x:.1}\" y1=\"18\" x2=\"{x:.1}\" y2=\"{height}\" stroke=\"#d0d7de\"/><text x=\"{x:.1}\" y=\"12\" font-size=\"11\" text-anchor=\"middle\" fill=\"#59636e\">{}</text>",
            fmt_num(v)
        );
    }
    for (i, f) in scored.iter().enumerate() {
        let y = 22.0 + row_h * i as f64;
        let score = f.score.unwrap_or(0.0);
        let span = r.rubric.scale - r.rubric.floor;
        let x_of = |v: f64| label_w + bar_w * (v - r.rubric.floor) / span;
        let w = x_of(score) - label_w;
        let b = f.bounds.unwrap_or(crate::score::Bounds { low: score, high: score });
        let (x1, x2, my) = (x_of(b.low), x_of(b.high), y + (row_h - 8.0) / 2.0);
        let whisker = format!(
            "<g class=\"range\" data-low=\"{:.1}\" data-high=\"{:.1}\"><line x1=\"{x1:.1}\" y1=\"{my:.1}\" x2=\"{x2:.1}\" y2=\"{my:.1}\" stroke=\"#1f2328\" stroke-width=\"1.5\"/><line x1=\"{x2:.1}\" y1=\"{:.1}\" x2=\"{x2:.1}\" y2=\"{:.1}\" stroke=\"#1f2328\" stroke-width=\"1.5\"/></g>",
            b.low,
            b.high,
            my - 5.0,
            my + 5.0
        );
        let interval = robust
            .and_then(|rb| rb.funds.iter().find(|x| x.fund == f.fund).map(|x| (x, rb.funds.len().max(2))))
            .map(|(x, n)| {
                let rx = |k: u32| panel_x + panel_w * f64::from(k - 1) / (n - 1) as f64;
                let [lo, hi] = x.rank_interval;
                format!(
                    "<g class=\"rank-interval\" data-low=\"{lo}\" data-high=\"{hi}\" data-median=\"{med}\"><title>90% of samples rank {label} between {lo} and {hi} (median {med})</title><line x1=\"{:.1}\" y1=\"{my:.1}\" x2=\"{:.1}\" y2=\"{my:.1}\" stroke=\"#8250df\" stroke-width=\"3\"/><circle cx=\"{:.1}\" cy=\"{my:.1}\" r=\"4\" fill=\"#8250df\"/></g>",
                    rx(lo),
                    rx(hi),
                    rx(x.median_rank),
                    med = x.median_rank,
                    label = esc(&f.label),
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "<g class=\"bar\" data-fund=\"{id}\" data-score=\"{score:.1}\"><title>{name}: {score:.1}, range {low:.1}–{high:.1} (rank {rank})</title><text x=\"{lx:.1}\" y=\"{ty:.1}\" font-size=\"13\" text-anchor=\"end\">{rank}. {label}</text><rect x=\"{label_w:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{bh:.1}\" fill=\"#0969da\"/>{whisker}<text x=\"{vx:.1}\" y=\"{ty:.1}\" font-size=\"13\">{score:.1}</text>{interval}</g>",
            low = b.low,
            high = b.high,
            id = esc(&f.fund),
            name = esc(&f.name),
            label = esc(&f.label),
            rank = f.rank.unwrap_or(0),
            lx = label_w - 8.0,
            ty = y + 14.0,
            bh = row_h - 8.0,
            vx = (label_w + w).max(x2) + 6.0,
        );
    }
    if let Some(rb) = robust {
        let n = rb.funds.len().max(2);
        for k in 1..=n {
            let x = panel_x + panel_w * (k - 1) as f64 / (n - 1) as f64;
            let _ = writeln!(
                s,
                "<line x1=\"{x:.1}\" y1=\"18\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#eaeef2\"/>",
                height - 14.0
            );
        }
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"12\" font-size=\"11\" fill=\"#59636e\">rank 1</text><text x=\"{:.1}\" y=\"12\" font-size=\"11\" text-anchor=\"end\" fill=\"#59636e\">{n}</text><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#59636e\">90% rank interval, {} samples</text>",
            panel_x,
            panel_x + panel_w,
            panel_x + panel_w / 2.0,
            height - 2.0,
            rb.samples
        );
    }
    s.push_str("</svg>\n");
    s
}

/// The heatmap of funds × disclosures: one `rect.cell` per pair, a symbol in each, a legend.
pub fn heatmap(r: &Results, cx: &Context) -> String {
    let funds: Vec<&FundResult> = r.results.iter().filter(|f| f.score.is_some()).collect();
    let ds = rubric_disclosures(r);
    let (label_w, top, cw, ch) = (250.0, 140.0, 30.0, 20.0);
    let width = label_w + cw * funds.len() as f64 + 10.0;
    let height = top + ch * ds.len() as f64 + 40.0;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg id=\"heatmap\" class=\"chart\" role=\"img\" aria-labelledby=\"heatmap-title heatmap-desc\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\">\n<title id=\"heatmap-title\">What each fund discloses</title>\n<desc id=\"heatmap-desc\">Rows are disclosures, columns are funds in rank order. Each cell shows the level as a colour and a symbol: ● full, ◐ partial, ○ none, – not applicable, ? unknown.</desc>"
    );
    for (j, f) in funds.iter().enumerate() {
        let x = label_w + cw * j as f64 + cw / 2.0;
        let _ = writeln!(
            s,
            "<text class=\"col\" data-fund=\"{}\" x=\"{x:.1}\" y=\"{:.1}\" font-size=\"12\" transform=\"rotate(-55 {x:.1} {:.1})\">{}</text>",
            esc(&f.fund),
            top - 8.0,
            top - 8.0,
            esc(&f.label)
        );
    }
    for (i, d) in ds.iter().enumerate() {
        let y = top + ch * i as f64;
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\">{}</text>",
            label_w - 8.0,
            y + 14.0,
            esc(disclosure_title(cx, d))
        );
        for (j, f) in funds.iter().enumerate() {
            let x = label_w + cw * j as f64;
            let l = level_of(f, d);
            let word = l.map_or("unknown", Level::as_str);
            let _ = writeln!(
                s,
                "<g><title>{}: {} is {word}</title><rect class=\"cell\" data-fund=\"{}\" data-disclosure=\"{d}\" data-level=\"{word}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\" stroke=\"#d0d7de\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\" fill=\"{}\">{}</text></g>",
                esc(&f.label),
                esc(disclosure_title(cx, d)),
                esc(&f.fund),
                cw - 2.0,
                ch - 2.0,
                level_colour(l),
                x + cw / 2.0 - 1.0,
                y + 14.0,
                if matches!(l, Some(Level::Unknown) | None) { "#59636e" } else { "#ffffff" },
                level_symbol(l)
            );
        }
    }
    let ly = top + ch * ds.len() as f64 + 22.0;
    for (k, l) in Level::ALL.iter().enumerate() {
        let x = label_w + 110.0 * k as f64;
        let _ = writeln!(
            s,
            "<g class=\"legend\"><rect x=\"{x:.1}\" y=\"{:.1}\" width=\"16\" height=\"16\" fill=\"{}\" stroke=\"#8c959f\"/><text x=\"{:.1}\" y=\"{ly:.1}\" font-size=\"12\">{} {}</text></g>",
            ly - 12.0,
            level_colour(Some(*l)),
            x + 22.0,
            level_symbol(Some(*l)),
            l.as_str().replace('_', " ")
        );
    }
    s.push_str("</svg>\n");
    s
}

fn scores_table(r: &Results) -> String {
    let mut s = String::from(
        "<table id=\"scores\">\n<caption>Scores by category, on the rubric's scale</caption>\n<thead><tr><th>Rank</th><th class=\"text\">Fund</th>",
    );
    if r.at_age.is_some() {
        s.push_str("<th>Year</th>");
    }
    s.push_str("<th>Score</th><th>Range</th>");
    for c in &r.categories {
        let _ = write!(s, "<th>{} <span class=\"muted\">({:.0}%)</span></th>", esc(&c.title), c.weight * 100.0);
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for f in &r.results {
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"text\"><a href=\"#fund-{}\">{}</a></td>",
            f.rank.map_or("-".into(), |k| k.to_string()),
            esc(&f.fund),
            esc(&f.name)
        );
        if r.at_age.is_some() {
            let _ = write!(s, "<td>{}</td>", f.year.map_or("-".into(), |y| y.to_string()));
        }
        match f.score {
            Some(x) => {
                let _ = write!(s, "<td><strong>{x:.1}</strong></td>");
            }
            None => {
                let _ = write!(s, "<td class=\"muted\">{}</td>", status_text(f));
            }
        }
        let _ = write!(s, "<td class=\"muted\">{}</td>", fmt_bounds(f.bounds));
        for (_, c) in &f.categories {
            let _ = write!(s, "<td>{}</td>", fmt_score(*c));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n");
    s
}

/// A fund's card; `open` unfolds its evidence.
fn card(r: &Results, f: &FundResult, cx: &Context, open: bool) -> String {
    let mut s = String::new();
    let fund = fund_of(cx, f);
    let _ = writeln!(s, "<article class=\"card\" id=\"fund-{}\" data-fund=\"{}\">", esc(&f.fund), esc(&f.fund));
    let _ = writeln!(s, "<h3>{}</h3>", esc(&f.name));
    if let Some(fd) = fund {
        let _ = writeln!(
            s,
            "<p class=\"muted\">{} · established {} · assessed {}</p>",
            esc(&fd.jurisdiction),
            fd.established,
            fd.assessed
        );
    }
    match (f.score, f.rank) {
        (Some(x), Some(k)) => {
            let _ = writeln!(s, "<p><strong>{x:.1}</strong> of {} · rank {k}</p>", r.rubric.scale);
        }
        _ => {
            let _ = writeln!(s, "<p class=\"muted\">{}</p>", status_text(f));
        }
    }
    if let Some(fd) = fund
        && !fd.facts.is_empty()
    {
        s.push_str("<ul class=\"facts\">\n");
        for (k, fact) in &fd.facts {
            let when = fact.as_of.map(|d| format!(", {d}")).unwrap_or_default();
            let number =
                if fact.value.abs() >= 1e9 { format!("{:.1} bn", fact.value / 1e9) } else { format!("{}", fact.value) };
            let value = match (fact.currency.as_deref(), fact.unit.as_deref()) {
                (Some(c), _) => format!("{c} {number}"),
                (None, Some("percent" | "%")) => format!("{number}%"),
                (None, Some(u)) => format!("{number} {u}"),
                (None, None) => number,
            };
            let src = match (&fact.source, &fact.url) {
                (Some(t), Some(u)) => format!(" (<a href=\"{}\">{}</a>)", esc(u), esc(t)),
                (Some(t), None) => format!(" ({})", esc(t)),
                _ => String::new(),
            };
            let _ = writeln!(s, "<li>{}: {}{when}{src}</li>", esc(&k.replace('_', " ")), esc(&value));
        }
        s.push_str("</ul>\n");
    }
    s.push_str(if open { "<details open>" } else { "<details>" });
    s.push_str("<summary>Evidence, by points lost</summary>\n<ul>\n");
    let mut seen: Vec<&str> = Vec::new();
    for i in by_points_lost(f) {
        for (d, l) in &i.levels {
            if seen.contains(&d.as_str()) {
                continue;
            }
            seen.push(d);
            let _ = write!(
                s,
                "<li><span class=\"lv lv-{}\">{} {}</span> {}",
                l.as_str(),
                level_symbol(Some(*l)),
                l.as_str().replace('_', " "),
                esc(disclosure_title(cx, d))
            );
            if i.lost > 0.0 {
                let _ = write!(s, " <span class=\"muted\">(−{:.2})</span>", i.lost);
            }
            if let Some(fd) = fund {
                let st = fd.standing(d, f.year);
                for e in st.evidence {
                    let date = e.date.map(|d| format!(", {d}")).unwrap_or_default();
                    match &e.url {
                        Some(u) => {
                            let _ =
                                write!(s, " · <a class=\"evidence\" href=\"{}\">{}</a>{date}", esc(u), esc(&e.source));
                        }
                        None => {
                            let _ = write!(s, " · {}{date}", esc(&e.source));
                        }
                    }
                }
            }
            s.push_str("</li>\n");
        }
    }
    s.push_str("</ul>\n</details>\n</article>\n");
    s
}

fn method(r: &Results, cx: &Context) -> String {
    let rb = &cx.dataset.rubric;
    let mut s = String::from("<section id=\"method\">\n<h2>Method</h2>\n");
    let _ = writeln!(
        s,
        "<p>Each fund descriptor records, for every disclosure in the catalogue, a level (full, partial, none, not applicable or unknown) with public sources. The rubric <strong>{}</strong> turns levels into credits (full {}, partial {}, none {}), averages them within each category by item weight, and averages categories by category weight, on a scale of {} to {}. Not-applicable items drop out and the weights renormalise; unknown disclosures score as {}. Ranks use competition ranking (1, 2, 2, 4) on scores rounded to one decimal.</p>\n<p>Every score comes with a range: the score if every unknown disclosure were none, and if it were full. Over time, a level counts from the year a source documents that it began (<code>since</code>); where sources only confirm it from some year on (<code>known_since</code>, or the earliest dated evidence), it is unknown before that year, not absent: a missing source is not evidence of absence. Old sources stay evidence until a newer one shows a change.</p>",
        esc(&rb.title),
        rb.credits.full,
        rb.credits.partial,
        rb.credits.none,
        fmt_num(r.rubric.floor),
        r.rubric.scale,
        match rb.unknown {
            crate::model::UnknownRule::None => "none",
            crate::model::UnknownRule::Exclude => "not applicable (excluded)",
        }
    );
    s.push_str("<table><caption>Categories and weights</caption><thead><tr><th>Category</th><th>Weight</th><th>Items</th></tr></thead><tbody>\n");
    for (c, info) in rb.categories.iter().zip(&r.categories) {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{:.0}%</td><td>{}</td></tr>",
            esc(&c.title),
            info.weight * 100.0,
            c.items.len()
        );
    }
    s.push_str("</tbody></table>\n");
    if let Some(d) = data_date(cx) {
        let _ = writeln!(
            s,
            "<p class=\"muted\">Data as of {d} (the latest assessment date). Generated by swfscore {}.</p>",
            env!("CARGO_PKG_VERSION")
        );
    }
    s.push_str("</section>\n");
    s
}

fn markdownish_table(headers: &[String], rows: &[Vec<String>], caption: &str) -> String {
    let cols: Vec<(&str, Align)> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), if i == 0 { Align::Left } else { Align::Right }))
        .collect();
    let mut t = markup::Table::new(&cols);
    for r in rows {
        t.row(r.iter().map(markup::Cell::plain).collect());
    }
    t.html(Some(caption))
}

/// The funds of the debate side by side: scores, the at-age comparison and the roadmap.
fn focus_section(r: &Results, cx: &Context, extras: &Extras) -> String {
    let focus: Vec<&FundResult> =
        extras.focus.iter().filter_map(|id| r.results.iter().find(|f| f.fund == *id)).collect();
    let mut s = String::new();
    if focus.len() >= 2 {
        s.push_str("<section id=\"focus\">\n<h2>");
        s.push_str(&esc(&focus.iter().map(|f| f.label.as_str()).collect::<Vec<_>>().join(", ")));
        s.push_str(" side by side</h2>\n");
        let mut headers = vec![String::new()];
        headers.extend(focus.iter().map(|f| f.label.clone()));
        let mut rows = vec![];
        let mut score_row = vec!["Score".to_string()];
        score_row.extend(focus.iter().map(|f| fmt_score(f.score)));
        rows.push(score_row);
        let mut rank_row = vec!["Rank".to_string()];
        rank_row.extend(focus.iter().map(|f| f.rank.map_or("-".into(), |k| k.to_string())));
        rows.push(rank_row);
        for (k, c) in r.categories.iter().enumerate() {
            let mut row = vec![c.title.clone()];
            row.extend(focus.iter().map(|f| fmt_score(f.categories.get(k).and_then(|(_, s)| *s))));
            rows.push(row);
        }
        s.push_str(&markdownish_table(&headers, &rows, "Scores today"));
        if let Some(a) = extras.at_age {
            let age = a.at_age.unwrap_or(0);
            let mut rows = vec![];
            for f in a.results.iter().filter(|f| extras.focus.contains(&f.fund.as_str())) {
                rows.push(vec![
                    f.label.clone(),
                    f.year.map_or("-".into(), |y| y.to_string()),
                    f.score.map_or(status_text(f).to_string(), |x| format!("{x:.1}")),
                    fmt_bounds(f.bounds),
                ]);
            }
            s.push_str(&markdownish_table(&["Fund".into(), "Year".into(), "Score".into(), "Range".into()], &rows, &format!("Each fund at age {age}, as its disclosures stood then; before the earliest year a source confirms, a level is unknown, and the range shows the score if every unknown were none or full")));
        }
        if let Some(g) = extras.gap {
            let _ = writeln!(s, "<h3>Roadmap for {}</h3>", esc(&g.label));
            if let (Some(t), Some(p)) = (&g.target, &g.path) {
                let _ = writeln!(
                    s,
                    "<p>To reach {} {} needs {} more disclosure(s) at full: {}. It would then score {:.1} (rank {}).</p>",
                    esc(&t.description),
                    esc(&g.label),
                    p.disclosures.len(),
                    esc(&p.disclosures.iter().map(|d| disclosure_title(cx, d)).collect::<Vec<_>>().join(", ")),
                    p.score,
                    p.rank
                );
            }
            let rows: Vec<Vec<String>> = g
                .candidates
                .iter()
                .take(10)
                .map(|c| {
                    let sens = if c.sensitivity == crate::model::Sensitivity::Commercial {
                        " (commercially sensitive)"
                    } else {
                        ""
                    };
                    vec![
                        format!("{}{sens}", c.title),
                        c.level.to_string(),
                        format!("+{:.2}", c.gain),
                        format!("{:.1}", c.score),
                    ]
                })
                .collect();
            s.push_str(&markdownish_table(
                &["Disclosure".into(), "Now".into(), "Gain".into(), "New score".into()],
                &rows,
                "The ten disclosures that would add the most, each alone at full",
            ));
        }
        s.push_str("</section>\n");
    }
    s
}

/// Each fund's rank under every rubric and profile.
fn rubrics_section(c: &RubricComparison) -> String {
    let mut s = String::new();
    s.push_str("<section id=\"rubrics\">\n<h2>Ranks under each rubric</h2>\n");
    let mut headers = vec!["Fund".to_string()];
    headers.extend(c.views.iter().map(|v| v.id.clone()));
    let rows: Vec<Vec<String>> = c
        .funds
        .iter()
        .map(|f| {
            let mut row = vec![f.label.clone()];
            row.extend(f.ranks.iter().map(|k| k.map_or("-".into(), |k| k.to_string())));
            row
        })
        .collect();
    s.push_str(&markdownish_table(&headers, &rows, "Rank under each rubric or weight profile"));
    s.push_str("</section>\n");
    s
}

/// The whole page: ranking, heatmap, the focus section, a card per fund, the method.
pub fn page(r: &Results, cx: &Context, extras: &Extras) -> String {
    let mut s = head("Sovereign wealth fund transparency — swfscore");
    // About 50 KB per fund (its card, row and column): reserve it, so a page for thousands of
    // funds is not copied again and again as it grows.
    s.reserve(r.results.len() * 50_000);
    s.push_str("<header>\n<h1>How transparent are sovereign wealth funds?</h1>\n");
    let _ = writeln!(s, "<p class=\"muted\">{}</p>", esc(&rubric_line(r)));
    if let Some(d) = data_date(cx) {
        let _ = writeln!(
            s,
            "<p class=\"muted\">Data as of {d}. Every point is traceable to a public source listed in the fund cards below.</p>"
        );
    }
    s.push_str("</header>\n<main>\n<section id=\"ranking\">\n<h2>Ranking</h2>\n");
    s.push_str(&bar_chart(r, extras.robustness));
    s.push_str(&scores_table(r));
    s.push_str("</section>\n<section id=\"matrix\">\n<h2>What each fund discloses</h2>\n<div class=\"chart\">\n");
    s.push_str(&heatmap(r, cx));
    s.push_str("</div>\n</section>\n");
    s.push_str(&focus_section(r, cx, extras));
    if let Some(c) = extras.rubrics {
        s.push_str(&rubrics_section(c));
    }
    if let Some(rb) = extras.robustness {
        s.push_str("<div id=\"robustness\">\n");
        s.push_str(&crate::render::views::robustness(rb).html());
        s.push_str("</div>\n");
    }
    s.push_str("<section id=\"funds\">\n<h2>Funds</h2>\n<div class=\"cards\">\n");
    for f in &r.results {
        s.push_str(&card(r, f, cx, false));
    }
    s.push_str("</div>\n</section>\n");
    s.push_str(&method(r, cx));
    s.push_str("</main>\n</body>\n</html>\n");
    s
}

/// A page holding one view's document.
fn standalone(doc: &markup::Doc) -> String {
    let title = doc.title.as_deref().unwrap_or("swfscore");
    let mut s = head(&format!("{title} — swfscore"));
    s.push_str("<main>\n");
    s.push_str(&doc.html());
    s.push_str("</main>\n</body>\n</html>\n");
    s
}

impl Renderer for Html {
    fn scores(&self, r: &Results, cx: &Context) -> String {
        page(r, cx, &Extras::default())
    }

    fn view(&self, v: &dyn View, _cx: &Context) -> String {
        standalone(&v.doc())
    }

    fn explain(&self, r: &Results, f: &FundResult, cx: &Context) -> String {
        let mut s = head(&format!("{} — swfscore", f.name));
        let _ = writeln!(s, "<main>\n<p class=\"muted\">{}</p>", esc(&rubric_line(r)));
        s.push_str(&card(r, f, cx, true));
        s.push_str("</main>\n</body>\n</html>\n");
        s
    }

    fn compare(&self, r: &Results, funds: &[&FundResult], cx: &Context) -> String {
        let mut s = head("Comparison — swfscore");
        let _ = writeln!(s, "<main>\n<h1>Comparison</h1>\n<p class=\"muted\">{}</p>", esc(&rubric_line(r)));
        let mut headers = vec!["Disclosure".to_string()];
        headers.extend(funds.iter().map(|f| f.label.clone()));
        let rows: Vec<Vec<String>> = rubric_disclosures(r)
            .into_iter()
            .map(|d| {
                let mark = if differs(funds, d) { " *" } else { "" };
                let mut row = vec![format!("{}{mark}", disclosure_title(cx, d))];
                row.extend(
                    funds.iter().map(|f| format!("{} {}", level_symbol(level_of(f, d)), level_short(level_of(f, d)))),
                );
                row
            })
            .collect();
        s.push_str(&markdownish_table(&headers, &rows, "Levels; * = the funds differ"));
        s.push_str("</main>\n</body>\n</html>\n");
        s
    }
}
