//! GitHub-flavoured Markdown, readable on a code-hosting site.

use super::markup::{self, Align, Block, Doc, Series};
use super::{Context, Renderer, View, one_line};
use crate::error::Error;
use std::fmt::Write as _;

/// The `markdown` format.
#[derive(Debug)]
pub struct Markdown;

/// Escapes table-breaking characters in a cell.
pub fn cell(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}

impl Renderer for Markdown {
    fn view(&self, v: &dyn View, cx: &Context) -> Result<String, Error> {
        Ok(doc(&v.doc(cx)))
    }
}

/// A GitHub-flavoured Markdown table.
pub fn table(t: &markup::Table) -> String {
    let mut out = String::from("|");
    for (h, _) in &t.headers {
        let _ = write!(out, " {} |", cell(h));
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
                let _ = write!(out, " `{}` |", cell(&c.text));
            } else {
                let _ = write!(out, " {} |", cell(&c.text));
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
            Block::Heading(h) => format!("### {h}\n"),
            Block::List { lead, items } => {
                format!("{lead}\n{}", items.iter().map(|i| format!("- {i}\n")).collect::<String>())
            }
            Block::Outline { lead, entries } => {
                let mut out = format!("{lead}\n\n");
                for (e, lines) in entries {
                    let _ = writeln!(out, "- {e}");
                    for l in lines {
                        let _ = writeln!(out, "  - {l}");
                    }
                }
                out
            }
            Block::Table(t) => match &t.caption {
                Some(c) => format!("{c}\n\n{}", table(t)),
                None => table(t),
            },
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
