//! Aligned plain-text tables, with colour only when asked for; the terminal layout of a
//! [`Doc`].

use super::markup::{self, Block, Doc, Series, sparkline};
use std::fmt::Write as _;

pub use super::markup::{Align, Tone};

/// The escape codes of a tone.
fn code(tone: Tone) -> &'static str {
    match tone {
        Tone::Plain => "",
        Tone::Bold => "\x1b[1m",
        Tone::Good => "\x1b[32m",
        Tone::Middling => "\x1b[33m",
        Tone::Bad => "\x1b[31m",
        Tone::Dim => "\x1b[2m",
        Tone::Highlight => "\x1b[1;33m",
    }
}

/// Wraps `s` in the tone's escape codes when `colour` is on.
pub fn paint(s: &str, tone: Tone, colour: bool) -> String {
    if !colour || tone == Tone::Plain { s.to_string() } else { format!("{}{s}\x1b[0m", code(tone)) }
}

/// A table of text cells, laid out with one space-padded column per header.
#[derive(Debug, Default)]
pub struct Table {
    headers: Vec<(String, Align)>,
    rows: Vec<Vec<(String, Tone)>>,
}

impl Table {
    pub fn new(headers: &[(&str, Align)]) -> Self {
        Table { headers: headers.iter().map(|(h, a)| (h.to_string(), *a)).collect(), rows: vec![] }
    }

    pub fn row(&mut self, cells: Vec<(String, Tone)>) {
        self.rows.push(cells);
    }

    /// Lays out the table; `colour` adds escape codes (never counted in widths).
    pub fn render(&self, colour: bool) -> String {
        let width = |s: &str| s.chars().count();
        let mut widths: Vec<usize> = self.headers.iter().map(|(h, _)| width(h)).collect();
        for r in &self.rows {
            for (i, (c, _)) in r.iter().enumerate() {
                if i < widths.len() {
                    widths[i] = widths[i].max(width(c));
                }
            }
        }
        let mut out = String::new();
        let line = |cells: Vec<(&str, Tone)>, out: &mut String| {
            debug_assert!(cells.len() <= widths.len(), "a row has more cells than the table has columns");
            let mut parts = Vec::new();
            for (i, (c, tone)) in cells.iter().enumerate().take(widths.len()) {
                let pad = widths[i].saturating_sub(width(c));
                let last = i + 1 == cells.len().min(widths.len());
                let text = paint(c, *tone, colour);
                let cell = match self.headers[i].1 {
                    Align::Right => format!("{}{text}", " ".repeat(pad)),
                    Align::Left if last => text,
                    Align::Left => format!("{text}{}", " ".repeat(pad)),
                };
                parts.push(cell);
            }
            out.push_str(parts.join("  ").trim_end());
            out.push('\n');
        };
        line(self.headers.iter().map(|(h, _)| (h.as_str(), Tone::Bold)).collect(), &mut out);
        for r in &self.rows {
            line(r.iter().map(|(c, t)| (c.as_str(), *t)).collect(), &mut out);
        }
        out
    }
}

/// A markup table laid out for a terminal.
pub fn table(t: &markup::Table, colour: bool) -> String {
    let headers: Vec<(&str, Align)> = t.headers.iter().map(|(h, a)| (h.as_str(), *a)).collect();
    let mut grid = Table::new(&headers);
    for r in &t.rows {
        grid.row(r.iter().map(|c| (c.text.clone(), c.tone)).collect());
    }
    grid.render(colour)
}

/// For a terminal: blocks separated by blank lines.
pub fn doc(d: &Doc, colour: bool) -> String {
    let parts: Vec<String> = d
        .blocks
        .iter()
        .map(|b| match b {
            Block::Para(p) => format!("{p}\n"),
            Block::List { lead, items } => {
                format!("{lead}\n{}", items.iter().map(|i| format!("  {i}\n")).collect::<String>())
            }
            Block::Table(t) => table(t, colour),
            Block::Series { floor, scale, series } => sparklines(series, *floor, *scale, colour),
        })
        .collect();
    parts.join("\n")
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
