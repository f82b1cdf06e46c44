//! GitHub-flavoured Markdown, readable on a code-hosting site.

use super::markup::{self, Align, Block, Doc, Series};
use super::*;
use crate::score::ItemStatus;
use std::fmt::Write as _;

/// The `markdown` format.
#[derive(Debug)]
pub struct Markdown;

/// Escapes table-breaking characters in a cell.
pub fn cell(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}

/// A Markdown link, or the text alone when there is no URL.
pub fn link(text: &str, url: Option<&str>) -> String {
    match url {
        Some(u) => format!(
            "[{}]({})",
            cell(text).replace('[', "\\[").replace(']', "\\]"),
            u.replace(' ', "%20").replace(')', "%29")
        ),
        None => cell(text),
    }
}

/// The standing (level, note, evidence) of a disclosure as a Markdown list.
pub fn evidence_list(out: &mut String, fund: Option<&Fund>, disclosure: &str, year: Option<i32>, loc: &Locale) {
    let Some(fund) = fund else { return };
    let st = fund.standing(disclosure, year);
    if let Some(n) = st.note {
        out.push_str(&format!("  - {}{}\n", loc.t("md.explain.note"), one_line(n)));
    }
    for e in st.evidence {
        let date = e.date.map(|d| format!(", {d}")).unwrap_or_default();
        out.push_str(&format!("  - {}{}{date}\n", loc.t("md.explain.source"), link(&e.source, e.url.as_deref())));
    }
}

impl Renderer for Markdown {
    fn view(&self, v: &dyn View, cx: &Context) -> String {
        doc(&v.doc(cx))
    }

    fn scores(&self, r: &Results, cx: &Context) -> String {
        scores_titled(r, cx, cx.loc().t("scores.title"))
    }

    fn compare(&self, r: &Results, funds: &[&FundResult], cx: &Context) -> String {
        compare_titled(r, funds, cx, cx.loc().t("compare.title"))
    }
    fn explain(&self, r: &Results, f: &FundResult, cx: &Context) -> String {
        let loc = cx.loc();
        let fund = fund_of(cx, f);
        let mut out = format!("## {} (`{}`)\n\n{}\n\n", cell(cx.name(&f.fund, &f.name)), f.fund, rubric_line(r, cx));
        let (Some(_), Some(k)) = (f.score, f.rank) else {
            out.push_str(&loc.f("md.explain.not_scored", &[("status", &cx.status(f))]));
            out.push('\n');
            return out;
        };
        let n = r.results.iter().filter(|x| x.rank.is_some()).count();
        if let Some(line) = crate::render::estimate_leads(f, r, loc, "md.explain.estimate_leads") {
            out.push_str(&line);
            out.push_str("\n\n");
        }
        out.push_str(&loc.f(
            "md.explain.score",
            &[("score", &fmt_ranked_score(f, r)), ("scale", &r.rubric.scale), ("rank", &k), ("of", &n)],
        ));
        out.push_str("\n\n");
        if let Some(b) = f.bounds.filter(|b| !b.is_tight()) {
            if let Some(e) = f.estimate {
                out.push_str(&loc.f(
                    "md.explain.estimate",
                    &[
                        ("estimate", &format!("{:.1}", e.score)),
                        ("low", &format!("{:.1}", e.low)),
                        ("high", &format!("{:.1}", e.high)),
                    ],
                ));
                out.push_str("\n\n");
            }
            out.push_str(&loc.f("md.explain.range", &[("range", &fmt_bounds(Some(b)))]));
            out.push_str(&format!(
                "\n\n| {} | {} | {} | {} |\n|---:|---:|---|---|\n",
                loc.t("md.explain.col.if_none"),
                loc.t("md.explain.col.if_full"),
                loc.t("col.disclosure"),
                loc.t("md.explain.col.estimate")
            ));
            for u in &f.unknowns {
                out.push_str(&format!(
                    "| {:.1} | {:.1} | {} (`{}`) | {} |\n",
                    u.low,
                    u.high,
                    cell(disclosure_title(cx, &u.disclosure)),
                    u.disclosure,
                    cell(&guess_text(u, loc))
                ));
            }
            out.push('\n');
        }
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n|---:|---:|---:|---:|---|---|---|\n",
            loc.t("explain.col.lost"),
            loc.t("explain.col.points"),
            loc.t("explain.col.max"),
            loc.t("explain.col.credit"),
            loc.t("explain.col.item"),
            loc.t("col.category"),
            loc.t("md.explain.col.levels")
        ));
        let items = by_points_lost(f);
        for i in &items {
            let credit = i.credit.map_or_else(
                || {
                    if i.status == ItemStatus::NotApplicable { "n/a".into() } else { "?".into() }
                },
                |c| format!("{c:.2}"),
            );
            let levels: Vec<String> = i.levels.iter().map(|(d, l)| format!("{d}: {}", cx.level(Some(*l)))).collect();
            out.push_str(&format!(
                "| {:.2} | {:.2} | {:.2} | {credit} | {} | {} | {} |\n",
                i.lost,
                i.points,
                i.max_points,
                cell(item_title(cx, &i.item)),
                cell(cx.category(&i.category, &i.category)),
                levels.join(loc.t("list.separator"))
            ));
        }
        out.push_str(&format!("\n### {}\n\n", loc.t("md.explain.evidence")));
        for i in &items {
            for (d, l) in &i.levels {
                out.push_str(&format!(
                    "- **{}** (`{d}`): {}{}\n",
                    cell(disclosure_title(cx, d)),
                    cx.level(Some(*l)),
                    since_text(fund, d, f.year, loc)
                ));
                evidence_list(&mut out, fund, d, f.year, loc);
            }
        }
        out
    }
}

/// The ranking under a level-2 heading `title`, in the context's language.
pub fn scores_titled(r: &Results, cx: &Context, title: &str) -> String {
    doc(&super::ranking::ranking(r, cx, title))
}

/// Funds side by side under a level-2 heading `title`, in the context's language.
pub fn compare_titled(r: &Results, funds: &[&FundResult], cx: &Context, title: &str) -> String {
    doc(&super::ranking::comparison(r, funds, cx, title))
}

/// Escapes table-breaking characters in a Markdown cell.
pub fn md_cell(s: &str) -> String {
    super::one_line(s).replace('|', "\\|")
}

/// A GitHub-flavoured Markdown table.
pub fn table(t: &markup::Table) -> String {
    let mut out = String::from("|");
    for (h, _) in &t.headers {
        let _ = write!(out, " {} |", md_cell(h));
    }
    out.push_str("\n|");
    for (_, a) in &t.headers {
        out.push_str(if *a == Align::Right { "---:|" } else { "---|" });
    }
    out.push('\n');
    for r in &t.rows {
        out.push('|');
        for c in r {
            if c.tone == markup::Tone::Code {
                let _ = write!(out, " `{}` |", md_cell(&c.text));
            } else {
                let _ = write!(out, " {} |", md_cell(&c.text));
            }
        }
        out.push('\n');
    }
    out
}

/// GitHub-flavoured Markdown, with the title as a level-2 heading.
pub fn doc(d: &Doc) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(t) = &d.title {
        parts.push(format!("## {t}\n"));
    }
    for b in &d.blocks {
        parts.push(match b {
            // Each line its own paragraph, so GitHub does not run them together.
            Block::Para(p) => p.lines().map(|l| format!("{}\n", l.trim())).collect::<Vec<_>>().join("\n"),
            Block::List { lead, items } => {
                format!("{lead}\n{}", items.iter().map(|i| format!("- {i}\n")).collect::<String>())
            }
            Block::Table(t) => table(t),
            Block::Series { floor, scale, series, caption, axis } => mermaid(series, *floor, *scale, caption, axis),
        });
    }
    parts.join("\n")
}

fn mermaid(series: &[Series], floor: f64, scale: f64, caption: &str, axis: &str) -> String {
    let mut parts = Vec::new();
    for s in series.iter().filter(|s| !s.years.is_empty()) {
        let xs: Vec<String> = s.years.iter().map(|y| y.to_string()).collect();
        let line = |v: &[f64]| v.iter().map(|y| format!("{y:.1}")).collect::<Vec<_>>().join(", ");
        parts.push(format!(
            "```mermaid\nxychart-beta\n    title \"{}\"\n    x-axis [{}]\n    y-axis \"{}\" {} --> {}\n    line [{}]\n    line [{}]\n    line [{}]\n```\n",
            caption.replace("{label}", &s.label).replace('"', "'"),
            xs.join(", "),
            axis.replace('"', "'"),
            super::fmt_num(floor),
            scale,
            line(&s.scores),
            line(&s.lows),
            line(&s.highs)
        ));
    }
    parts.join("\n")
}
