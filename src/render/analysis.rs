//! Output of the analysis commands (history, gap, whatif, compare-rubrics) as table,
//! Markdown, CSV or JSON. (They have no HTML page; the commands refuse `--format html`.)

use super::csv::field;
use super::markdown::cell;
use super::text::{Align, Table, Tone, paint};
use super::{Format, fmt_score};
use crate::analysis::gap::Gap;
use crate::analysis::history::History;
use crate::analysis::rubrics::RubricComparison;
use crate::analysis::whatif::WhatIf;
use crate::model::Sensitivity;
use crate::score::RubricInfo;
use serde::Serialize;

fn json<T: Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

fn csv_rows(rows: &[Vec<String>]) -> String {
    rows.iter().map(|r| r.iter().map(|f| field(f)).collect::<Vec<_>>().join(",") + "\n").collect()
}

fn rubric_name(r: &RubricInfo, profile: &Option<String>) -> String {
    let v = r.version.as_deref().map(|v| format!(" {v}")).unwrap_or_default();
    let p = profile.as_deref().map(|p| format!(", profile `{p}`")).unwrap_or_default();
    let mut s = format!("{} ({}{v}{p}), scale {}-{}", r.title, r.id, super::fmt_num(r.floor), r.scale);
    if let Some(c) = super::caveat(r) {
        s.push('\n');
        s.push_str(&c);
    }
    s
}

fn opt_rank(r: Option<u32>) -> String {
    r.map_or("-".into(), |r| r.to_string())
}

/// A one-line chart of values on [0, scale] with eighth-block characters.
pub fn sparkline(values: &[f64], scale: f64) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    values.iter().map(|v| BARS[((v / scale) * 7.0).round().clamp(0.0, 7.0) as usize]).collect()
}

/// A year's bounds, `(38.2–52.1)`, or `(exact)` when nothing is unknown.
fn band(s: &crate::analysis::history::YearScore) -> String {
    if s.bounds.is_tight() { "(exact)".into() } else { format!("({:.1}–{:.1})", s.bounds.low, s.bounds.high) }
}

fn at(f: &crate::analysis::history::FundHistory, y: i32) -> Option<&crate::analysis::history::YearScore> {
    f.years.iter().find(|s| s.year == y)
}

/// `history`: scores by year.
pub fn history(h: &History, format: Format, colour: bool) -> String {
    let first = h.funds.iter().filter_map(|f| f.years.first()).map(|y| y.year).min();
    let last = h.funds.iter().filter_map(|f| f.years.last()).map(|y| y.year).max();
    let years: Vec<i32> = match (first, last) {
        (Some(a), Some(b)) => (a..=b).collect(),
        _ => vec![],
    };
    match format {
        Format::Json => json(h),
        Format::Csv => {
            let mut rows = vec![["fund", "year", "score", "low", "high", "rank", "of"].map(String::from).to_vec()];
            for f in &h.funds {
                for y in &f.years {
                    rows.push(vec![
                        f.fund.clone(),
                        y.year.to_string(),
                        format!("{:.1}", y.score),
                        format!("{:.1}", y.bounds.low),
                        format!("{:.1}", y.bounds.high),
                        y.rank.to_string(),
                        y.of.to_string(),
                    ]);
                }
            }
            csv_rows(&rows)
        }
        Format::Table => {
            let mut headers: Vec<(&str, Align)> = vec![("Year", Align::Right)];
            for f in &h.funds {
                headers.push((f.label.as_str(), Align::Right));
            }
            let mut t = Table::new(&headers);
            for &y in &years {
                let mut row = vec![(y.to_string(), Tone::Plain)];
                for f in &h.funds {
                    row.push(match at(f, y) {
                        Some(s) => (
                            format!("{:.1} {} #{}/{}", s.score, band(s), s.rank, s.of),
                            Tone::of_share(s.score / h.rubric.scale),
                        ),
                        None => ("-".into(), Tone::Dim),
                    });
                }
                t.row(row);
            }
            let mut out = format!(
                "{}, each fund year by year: score (range if every unknown were none or full) #rank/funds scored\n\n",
                rubric_name(&h.rubric, &h.profile)
            );
            out.push_str(&t.render(colour));
            out.push('\n');
            let width = h.funds.iter().map(|f| f.label.chars().count()).max().unwrap_or(0);
            for f in &h.funds {
                let values: Vec<f64> = f.years.iter().map(|y| y.score).collect();
                let (a, b) = (f.years.first().map_or(0, |y| y.year), f.years.last().map_or(0, |y| y.year));
                out.push_str(&format!(
                    "{:width$}  {a} {} {b}\n",
                    f.label,
                    paint(&sparkline(&values, h.rubric.scale), Tone::Good, colour)
                ));
            }
            out
        }
        Format::Markdown | Format::Html => {
            let mut out = format!("## Scores over time\n\n{}\n\n| Year |", rubric_name(&h.rubric, &h.profile));
            for f in &h.funds {
                out.push_str(&format!(" {} |", cell(&f.label)));
            }
            out.push_str("\n|---:|");
            for _ in &h.funds {
                out.push_str("---:|");
            }
            out.push('\n');
            for &y in &years {
                out.push_str(&format!("| {y} |"));
                for f in &h.funds {
                    out.push_str(&match at(f, y) {
                        Some(s) => format!(" {:.1} {} #{} |", s.score, band(s), s.rank),
                        None => " - |".into(),
                    });
                }
                out.push('\n');
            }
            for f in &h.funds {
                if f.years.is_empty() {
                    continue;
                }
                let xs: Vec<String> = f.years.iter().map(|y| y.year.to_string()).collect();
                let ys: Vec<String> = f.years.iter().map(|y| format!("{:.1}", y.score)).collect();
                out.push_str(&format!(
                    "\n```mermaid\nxychart-beta\n    title \"{}: score by year\"\n    x-axis [{}]\n    y-axis \"Score\" 0 --> {}\n    line [{}]\n```\n",
                    f.label.replace('"', "'"),
                    xs.join(", "),
                    h.rubric.scale,
                    ys.join(", ")
                ));
            }
            out
        }
    }
}

fn sensitivity_mark(s: Sensitivity) -> &'static str {
    match s {
        Sensitivity::Commercial => "commercial",
        Sensitivity::None => "",
    }
}

/// `gap`: the disclosure roadmap.
pub fn gap(g: &Gap, format: Format, colour: bool) -> String {
    match format {
        Format::Json => json(g),
        Format::Csv => {
            let mut rows = vec![
                ["disclosure", "title", "level", "sensitivity", "gain", "score", "rank", "in_path"]
                    .map(String::from)
                    .to_vec(),
            ];
            for c in &g.candidates {
                let in_path = g.path.as_ref().is_some_and(|p| p.disclosures.contains(&c.disclosure));
                rows.push(vec![
                    c.disclosure.clone(),
                    c.title.clone(),
                    c.level.to_string(),
                    sensitivity_mark(c.sensitivity).to_string(),
                    format!("{:.4}", c.gain),
                    format!("{:.1}", c.score),
                    c.rank.to_string(),
                    in_path.to_string(),
                ]);
            }
            csv_rows(&rows)
        }
        Format::Table | Format::Markdown | Format::Html => {
            let md = format == Format::Markdown;
            let mut out = if md { format!("## Disclosure roadmap: {}\n\n", cell(&g.label)) } else { String::new() };
            out.push_str(&format!(
                "{}: {:.1} (rank {} of {}) under {}\n",
                g.label,
                g.score,
                g.rank,
                g.of,
                rubric_name(&g.rubric, &g.profile)
            ));
            if let Some(t) = &g.target {
                out.push_str(&format!(
                    "Target: {} = {:.1}{}\n",
                    t.description,
                    t.score,
                    if t.met { " (already met)" } else { "" }
                ));
            }
            out.push('\n');
            let in_path = |d: &str| g.path.as_ref().is_some_and(|p| p.disclosures.iter().any(|x| x == d));
            if md {
                out.push_str("| Gain | Score | Rank | Now | Disclosure | Sensitive | In path |\n|---:|---:|---:|---|---|---|---|\n");
                for c in &g.candidates {
                    out.push_str(&format!(
                        "| +{:.2} | {:.1} | {} | {} | {} (`{}`) | {} | {} |\n",
                        c.gain,
                        c.score,
                        c.rank,
                        c.level,
                        cell(&c.title),
                        c.disclosure,
                        sensitivity_mark(c.sensitivity),
                        if in_path(&c.disclosure) { "yes" } else { "" }
                    ));
                }
            } else {
                let mut t = Table::new(&[
                    ("Gain", Align::Right),
                    ("Score", Align::Right),
                    ("Rank", Align::Right),
                    ("Now", Align::Left),
                    ("", Align::Left),
                    ("Disclosure", Align::Left),
                ]);
                for c in &g.candidates {
                    let marks = format!(
                        "{}{}",
                        if in_path(&c.disclosure) { "*" } else { "" },
                        if c.sensitivity == Sensitivity::Commercial { "c" } else { "" }
                    );
                    t.row(vec![
                        (format!("+{:.2}", c.gain), if c.gain > 0.0 { Tone::Good } else { Tone::Dim }),
                        (format!("{:.1}", c.score), Tone::Plain),
                        (c.rank.to_string(), Tone::Plain),
                        (c.level.to_string(), Tone::of_level(c.level)),
                        (marks, Tone::Highlight),
                        (format!("{} ({})", c.title, c.disclosure), Tone::Plain),
                    ]);
                }
                out.push_str(&t.render(colour));
                out.push_str("\n* = in the shortest path; c = commercially sensitive. Each gain is an exact re-score with that disclosure alone at full.\n");
            }
            out.push('\n');
            match (&g.target, &g.path) {
                (Some(t), _) if t.met => out.push_str("The target is already met.\n"),
                (Some(_), Some(p)) => {
                    let list = p.disclosures.join(", ");
                    out.push_str(&format!(
                        "Shortest path to the target ({} disclosure(s), {}): {}\n  → score {:.1}, rank {}\n",
                        p.disclosures.len(),
                        p.method,
                        if md { format!("`{}`", list.replace(", ", "`, `")) } else { list },
                        p.score,
                        p.rank
                    ));
                }
                (Some(_), None) => out.push_str("The target cannot be reached with the disclosures allowed.\n"),
                (None, _) => {}
            }
            out.push_str(&format!(
                "With every listed disclosure at full: {:.1}, rank {}.\n",
                g.all_full.score, g.all_full.rank
            ));
            out
        }
    }
}

/// `whatif`: old and new scores and ranks.
pub fn whatif(w: &WhatIf, format: Format, colour: bool) -> String {
    match format {
        Format::Json => json(w),
        Format::Csv => {
            let mut rows =
                vec![["fund", "changed", "old_score", "new_score", "old_rank", "new_rank"].map(String::from).to_vec()];
            for m in &w.funds {
                rows.push(vec![
                    m.fund.clone(),
                    m.changed.to_string(),
                    fmt_score(m.old_score),
                    fmt_score(m.new_score),
                    opt_rank(m.old_rank),
                    opt_rank(m.new_rank),
                ]);
            }
            csv_rows(&rows)
        }
        Format::Table | Format::Markdown | Format::Html => {
            let md = format == Format::Markdown;
            let mut out = if md { "## What if\n\n".to_string() } else { String::new() };
            if let Some(t) = &w.title {
                out.push_str(&format!("{t}\n"));
            }
            out.push_str(&format!("Under {}\n\nChanges:\n", rubric_name(&w.rubric, &w.profile)));
            for c in &w.changes {
                out.push_str(&format!(
                    "{} {} {}: {} → {}\n",
                    if md { "-" } else { " " },
                    c.fund,
                    c.disclosure,
                    c.from,
                    c.to
                ));
            }
            out.push('\n');
            let cats: Vec<&str> =
                w.funds.first().map(|m| m.categories.iter().map(|(c, _, _)| c.as_str()).collect()).unwrap_or_default();
            if md {
                out.push_str("| Fund | Score | Rank |");
                for c in &cats {
                    out.push_str(&format!(" {c} |"));
                }
                out.push_str("\n|---|---:|---:|");
                for _ in &cats {
                    out.push_str("---:|");
                }
                out.push('\n');
                for m in &w.funds {
                    out.push_str(&format!(
                        "| {} | {} → {} | {} → {} |",
                        cell(&m.label),
                        fmt_score(m.old_score),
                        fmt_score(m.new_score),
                        opt_rank(m.old_rank),
                        opt_rank(m.new_rank)
                    ));
                    for (_, a, b) in &m.categories {
                        out.push_str(&if a == b {
                            format!(" {} |", fmt_score(*a))
                        } else {
                            format!(" {} → {} |", fmt_score(*a), fmt_score(*b))
                        });
                    }
                    out.push('\n');
                }
            } else {
                let mut headers: Vec<(&str, Align)> =
                    vec![("Fund", Align::Left), ("Score", Align::Right), ("Rank", Align::Right)];
                for c in &cats {
                    headers.push((c, Align::Right));
                }
                let mut t = Table::new(&headers);
                for m in &w.funds {
                    let up = m.new_score > m.old_score;
                    let mut row = vec![
                        (m.label.clone(), Tone::Bold),
                        (
                            format!("{} → {}", fmt_score(m.old_score), fmt_score(m.new_score)),
                            if up {
                                Tone::Good
                            } else if m.new_score < m.old_score {
                                Tone::Bad
                            } else {
                                Tone::Plain
                            },
                        ),
                        (format!("{} → {}", opt_rank(m.old_rank), opt_rank(m.new_rank)), Tone::Plain),
                    ];
                    for (_, a, b) in &m.categories {
                        row.push(if a == b {
                            (fmt_score(*a), Tone::Dim)
                        } else {
                            (format!("{} → {}", fmt_score(*a), fmt_score(*b)), Tone::Highlight)
                        });
                    }
                    t.row(row);
                }
                out.push_str(&t.render(colour));
            }
            let others = w.funds.iter().filter(|m| !m.changed).count();
            out.push_str(&if others == 0 {
                "\nNo other fund's rank moved.\n".to_string()
            } else {
                format!("\n{others} other fund(s) changed rank.\n")
            });
            out
        }
    }
}

/// `compare-rubrics`: ranks side by side, and rank correlations.
pub fn rubric_comparison(c: &RubricComparison, format: Format, colour: bool) -> String {
    let corr = |x: Option<f64>| x.map_or("-".into(), |x| format!("{x:.3}"));
    match format {
        Format::Json => json(c),
        Format::Csv => {
            let mut h = vec!["fund".to_string()];
            for v in &c.views {
                h.push(format!("{}:rank", v.id));
                h.push(format!("{}:score", v.id));
            }
            let mut rows = vec![h];
            for f in &c.funds {
                let mut r = vec![f.fund.clone()];
                for (s, k) in f.scores.iter().zip(&f.ranks) {
                    r.push(opt_rank(*k));
                    r.push(fmt_score(*s));
                }
                rows.push(r);
            }
            csv_rows(&rows)
        }
        Format::Table => {
            let mut headers: Vec<(&str, Align)> = vec![("Fund", Align::Left)];
            for v in &c.views {
                headers.push((v.id.as_str(), Align::Right));
            }
            let mut t = Table::new(&headers);
            for f in &c.funds {
                let mut row = vec![(f.label.clone(), Tone::Bold)];
                for (i, (s, k)) in f.scores.iter().zip(&f.ranks).enumerate() {
                    let moved = i > 0 && *k != f.ranks[0];
                    row.push((
                        format!("{} ({})", opt_rank(*k), fmt_score(*s)),
                        if moved { Tone::Highlight } else { Tone::Plain },
                    ));
                }
                t.row(row);
            }
            let mut out =
                "Rank (score) under each rubric or profile; highlighted where the rank differs from the first.\n\n"
                    .to_string();
            out.push_str(&t.render(colour));
            let mut p = Table::new(&[
                ("A", Align::Left),
                ("B", Align::Left),
                ("Funds", Align::Right),
                ("Kendall tau-b", Align::Right),
                ("Spearman rho", Align::Right),
            ]);
            for x in &c.pairs {
                p.row(vec![
                    (x.a.clone(), Tone::Plain),
                    (x.b.clone(), Tone::Plain),
                    (x.funds.to_string(), Tone::Plain),
                    (corr(x.kendall_tau_b), Tone::Plain),
                    (corr(x.spearman_rho), Tone::Plain),
                ]);
            }
            out.push('\n');
            out.push_str(&p.render(colour));
            out.push_str(&caveats(c));
            out
        }
        Format::Markdown | Format::Html => {
            let mut out = "## Ranks under each rubric\n\n| Fund |".to_string();
            for v in &c.views {
                out.push_str(&format!(" {} |", cell(&v.id)));
            }
            out.push_str("\n|---|");
            for _ in &c.views {
                out.push_str("---:|");
            }
            out.push('\n');
            for f in &c.funds {
                out.push_str(&format!("| {} |", cell(&f.label)));
                for (s, k) in f.scores.iter().zip(&f.ranks) {
                    out.push_str(&format!(" {} ({}) |", opt_rank(*k), fmt_score(*s)));
                }
                out.push('\n');
            }
            out.push_str("\nRank (score). Scales: ");
            out.push_str(&c.views.iter().map(|v| format!("{} 0-{}", v.id, v.scale)).collect::<Vec<_>>().join(", "));
            out.push_str(".\n\n| A | B | Funds | Kendall tau-b | Spearman rho |\n|---|---|---:|---:|---:|\n");
            for x in &c.pairs {
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {} |\n",
                    x.a,
                    x.b,
                    x.funds,
                    corr(x.kendall_tau_b),
                    corr(x.spearman_rho)
                ));
            }
            out.push_str(&caveats(c));
            out
        }
    }
}

/// One line per view that only approximates a framework, each view once.
fn caveats(c: &RubricComparison) -> String {
    let mut out = String::new();
    let mut seen: Vec<&str> = Vec::new();
    for v in &c.views {
        if let Some(cv) = &v.caveat
            && !seen.contains(&cv.as_str())
        {
            seen.push(cv);
            let id = v.id.split(':').next().unwrap_or(&v.id);
            out.push_str(&format!("\n{id}: {cv}\n"));
        }
    }
    out
}
