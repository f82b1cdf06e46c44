//! One document model for the three markup formats: a view builds a [`Doc`] once, and the
//! text, Markdown and HTML renderers each lay it out, so the formats cannot disagree.

use super::html::esc;
use super::text::{self, Align, Tone, paint};
use std::fmt::Write as _;

/// A table cell: its text and how it is emphasised.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub tone: Tone,
}

impl Cell {
    pub fn new(text: impl Into<String>, tone: Tone) -> Self {
        Cell { text: text.into(), tone }
    }

    pub fn plain(text: impl Into<String>) -> Self {
        Cell::new(text, Tone::Plain)
    }
}

/// A table: headers with their alignment, and rows of cells.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub headers: Vec<(String, Align)>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(headers: &[(&str, Align)]) -> Self {
        Table { headers: headers.iter().map(|(h, a)| (h.to_string(), *a)).collect(), rows: vec![] }
    }

    pub fn row(&mut self, cells: Vec<Cell>) {
        debug_assert!(cells.len() <= self.headers.len(), "a row has more cells than the table has columns");
        self.rows.push(cells);
    }

    /// Aligned columns for a terminal.
    pub fn text(&self, colour: bool) -> String {
        let headers: Vec<(&str, Align)> = self.headers.iter().map(|(h, a)| (h.as_str(), *a)).collect();
        let mut t = text::Table::new(&headers);
        for r in &self.rows {
            t.row(r.iter().map(|c| (c.text.clone(), c.tone)).collect());
        }
        t.render(colour)
    }

    /// A GitHub-flavoured Markdown table.
    pub fn markdown(&self) -> String {
        let mut out = String::from("|");
        for (h, _) in &self.headers {
            let _ = write!(out, " {} |", md_cell(h));
        }
        out.push_str("\n|");
        for (_, a) in &self.headers {
            out.push_str(if *a == Align::Right { "---:|" } else { "---|" });
        }
        out.push('\n');
        for r in &self.rows {
            out.push('|');
            for c in r {
                let _ = write!(out, " {} |", md_cell(&c.text));
            }
            out.push('\n');
        }
        out
    }

    /// An HTML table inside a scroll container, with an optional caption.
    pub fn html(&self, caption: Option<&str>) -> String {
        let mut out = String::from("<div class=\"table-wrap\"><table>");
        if let Some(c) = caption {
            let _ = write!(out, "<caption>{}</caption>", esc(c));
        }
        out.push_str("<thead><tr>");
        for (h, a) in &self.headers {
            let _ = write!(out, "<th{}>{}</th>", align_class(*a), esc(h));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for r in &self.rows {
            out.push_str("<tr>");
            for (i, c) in r.iter().enumerate() {
                let a = self.headers.get(i).map_or(Align::Left, |h| h.1);
                let strong = matches!(c.tone, Tone::Bold | Tone::Highlight);
                let text = if strong { format!("<strong>{}</strong>", esc(&c.text)) } else { esc(&c.text) };
                let _ = write!(out, "<td{}>{text}</td>", align_class(a));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody></table></div>\n");
        out
    }
}

fn align_class(a: Align) -> &'static str {
    match a {
        Align::Left => " class=\"text\"",
        Align::Right => "",
    }
}

/// Escapes table-breaking characters in a Markdown cell.
pub fn md_cell(s: &str) -> String {
    super::one_line(s).replace('|', "\\|")
}

/// Scores over time for one fund, with the range per year.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: String,
    pub years: Vec<i32>,
    pub scores: Vec<f64>,
    pub lows: Vec<f64>,
    pub highs: Vec<f64>,
}

/// A part of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph (one or more lines, kept as written in text).
    Para(String),
    /// A bulleted list under a lead-in line.
    List {
        lead: String,
        items: Vec<String>,
    },
    Table(Table),
    /// Lines over time on a scale: sparklines in text, Mermaid charts in Markdown, SVG in HTML.
    Series {
        floor: f64,
        scale: f64,
        series: Vec<Series>,
    },
}

/// A view laid out for reading: a title (Markdown and HTML show it; the terminal does not,
/// where the command is the title) and blocks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Doc {
    pub title: Option<String>,
    pub blocks: Vec<Block>,
}

impl Doc {
    pub fn titled(title: impl Into<String>) -> Self {
        Doc { title: Some(title.into()), blocks: vec![] }
    }

    pub fn para(&mut self, s: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Para(s.into()));
        self
    }

    pub fn table(&mut self, t: Table) -> &mut Self {
        self.blocks.push(Block::Table(t));
        self
    }

    pub fn list(&mut self, lead: impl Into<String>, items: Vec<String>) -> &mut Self {
        self.blocks.push(Block::List { lead: lead.into(), items });
        self
    }

    /// For a terminal: blocks separated by blank lines.
    pub fn text(&self, colour: bool) -> String {
        let parts: Vec<String> = self
            .blocks
            .iter()
            .map(|b| match b {
                Block::Para(p) => format!("{p}\n"),
                Block::List { lead, items } => {
                    format!("{lead}\n{}", items.iter().map(|i| format!("  {i}\n")).collect::<String>())
                }
                Block::Table(t) => t.text(colour),
                Block::Series { floor, scale, series } => sparklines(series, *floor, *scale, colour),
            })
            .collect();
        parts.join("\n")
    }

    /// GitHub-flavoured Markdown, with the title as a level-2 heading.
    pub fn markdown(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(t) = &self.title {
            parts.push(format!("## {t}\n"));
        }
        for b in &self.blocks {
            parts.push(match b {
                // Each line its own paragraph, so GitHub does not run them together.
                Block::Para(p) => p.lines().map(|l| format!("{}\n", l.trim())).collect::<Vec<_>>().join("\n"),
                Block::List { lead, items } => {
                    format!("{lead}\n{}", items.iter().map(|i| format!("- {i}\n")).collect::<String>())
                }
                Block::Table(t) => t.markdown(),
                Block::Series { floor, scale, series } => mermaid(series, *floor, *scale),
            });
        }
        parts.join("\n")
    }

    /// An HTML fragment: a section with the title as a heading.
    pub fn html(&self) -> String {
        let mut out = String::from("<section>\n");
        if let Some(t) = &self.title {
            let _ = writeln!(out, "<h2>{}</h2>", esc(t));
        }
        for b in &self.blocks {
            match b {
                Block::Para(p) => {
                    for l in p.lines() {
                        let _ = writeln!(out, "<p>{}</p>", esc(l));
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
                Block::Table(t) => out.push_str(&t.html(None)),
                Block::Series { floor, scale, series } => out.push_str(&svg_lines(series, *floor, *scale)),
            }
        }
        out.push_str("</section>\n");
        out
    }
}

/// A one-line chart of values on [floor, scale] with eighth-block characters.
pub fn sparkline(values: &[f64], floor: f64, scale: f64) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let span = (scale - floor).max(f64::MIN_POSITIVE);
    values.iter().map(|v| BARS[(((v - floor) / span) * 7.0).round().clamp(0.0, 7.0) as usize]).collect()
}

fn sparklines(series: &[Series], floor: f64, scale: f64, colour: bool) -> String {
    let width = series.iter().map(|s| s.label.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for s in series {
        let (a, b) = (s.years.first().copied().unwrap_or(0), s.years.last().copied().unwrap_or(0));
        let _ = writeln!(
            out,
            "{:width$}  {a} {} {b}",
            s.label,
            paint(&sparkline(&s.scores, floor, scale), Tone::Good, colour)
        );
    }
    out
}

fn mermaid(series: &[Series], floor: f64, scale: f64) -> String {
    let mut parts = Vec::new();
    for s in series.iter().filter(|s| !s.years.is_empty()) {
        let xs: Vec<String> = s.years.iter().map(|y| y.to_string()).collect();
        let line = |v: &[f64]| v.iter().map(|y| format!("{y:.1}")).collect::<Vec<_>>().join(", ");
        parts.push(format!(
            "```mermaid\nxychart-beta\n    title \"{}: score by year (and the range if every unknown were none or full)\"\n    x-axis [{}]\n    y-axis \"Score\" {} --> {}\n    line [{}]\n    line [{}]\n    line [{}]\n```\n",
            s.label.replace('"', "'"),
            xs.join(", "),
            super::fmt_num(floor),
            scale,
            line(&s.scores),
            line(&s.lows),
            line(&s.highs)
        ));
    }
    parts.join("\n")
}

/// Scores over time as an SVG: one line per fund and its range as a shaded band.
fn svg_lines(series: &[Series], floor: f64, scale: f64) -> String {
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
        "<svg class=\"chart history\" role=\"img\" aria-label=\"Score by year for {}, with the range each year if every unknown disclosure were none or full\" viewBox=\"0 0 {w} {h}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">\n",
        esc(&series.iter().map(|s| s.label.as_str()).collect::<Vec<_>>().join(", "))
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
