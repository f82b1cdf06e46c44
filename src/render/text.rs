//! Aligned plain-text tables, with colour only when asked for; the terminal layout of a
//! [`Doc`].

use super::markup::{self, Block, Doc, Series, sparkline};
use std::fmt::Write as _;

pub use super::markup::{Align, Tone};

/// The escape codes of a tone.
fn code(tone: Tone) -> &'static str {
    match tone {
        Tone::Plain | Tone::Code => "",
        Tone::Bold => "\x1b[1m",
        Tone::Good => "\x1b[32m",
        Tone::Middling => "\x1b[33m",
        Tone::Bad => "\x1b[31m",
        Tone::Dim => "\x1b[2m",
        Tone::Highlight => "\x1b[1;33m",
    }
}

/// Wraps `s` in the tone's escape codes when `colour` is on.
/// Control characters in `s` are written out (see [`crate::diag::visible`]), so only the
/// tone's own codes reach the terminal.
pub fn paint(s: &str, tone: Tone, colour: bool) -> String {
    let s = crate::diag::visible(s, false);
    if !colour || matches!(tone, Tone::Plain | Tone::Code) {
        s.into_owned()
    } else {
        format!("{}{s}\x1b[0m", code(tone))
    }
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

    /// Lays out the table; `colour` adds escape codes (never counted in widths). Widths are
    /// display columns (a Chinese character takes two); a header longer than
    /// [`HEADER_WRAP`] columns and than its column's cells is wrapped over several lines.
    pub fn render(&self, colour: bool) -> String {
        let mut widths: Vec<usize> = vec![0; self.headers.len()];
        for r in &self.rows {
            for (i, (c, _)) in r.iter().enumerate() {
                if i < widths.len() {
                    widths[i] = widths[i].max(width(c));
                }
            }
        }
        let header_lines: Vec<Vec<String>> = self
            .headers
            .iter()
            .zip(&mut widths)
            .map(|((h, _), w)| {
                let lines = wrap(h, (*w).max(HEADER_WRAP));
                *w = lines.iter().map(|l| width(l)).fold(*w, usize::max);
                lines
            })
            .collect();
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
        let depth = header_lines.iter().map(Vec::len).max().unwrap_or(0);
        for k in 0..depth {
            line(header_lines.iter().map(|l| (l.get(k).map_or("", String::as_str), Tone::Bold)).collect(), &mut out);
        }
        for r in &self.rows {
            line(r.iter().map(|(c, t)| (c.as_str(), *t)).collect(), &mut out);
        }
        out
    }
}

/// Headers up to this many display columns stay on one line.
pub const HEADER_WRAP: usize = 20;

/// The display width of `s` in a terminal.
fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `s` broken at spaces into lines of at most `max` columns (a longer word keeps its line).
fn wrap(s: &str, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in s.split(' ') {
        match lines.last_mut() {
            Some(l) if width(l) + 1 + width(word) <= max => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
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
    let title = d.title.as_ref().filter(|_| d.subject).map(|t| format!("{}\n", paint(t, Tone::Bold, colour)));
    let parts: Vec<String> = title
        .into_iter()
        .chain(d.blocks.iter().map(|b| match b {
            Block::Para(p) => format!("{p}\n"),
            Block::Heading(h) => format!("{}\n", paint(h, Tone::Bold, colour)),
            Block::List { lead, items } => {
                format!("{lead}\n{}", items.iter().map(|i| format!("  {i}\n")).collect::<String>())
            }
            Block::Outline { lead, entries } => {
                let mut out = format!("{lead}\n");
                for (e, lines) in entries {
                    let _ = writeln!(out, "  {e}");
                    for l in lines {
                        let _ = writeln!(out, "    {l}");
                    }
                }
                out
            }
            Block::Table(t) => match &t.caption {
                Some(c) => format!("{c}\n{}", table(t, colour)),
                None => table(t, colour),
            },
            Block::Series { floor, scale, series, .. } => sparklines(series, *floor, *scale, colour),
        }))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_takes_two_columns_and_long_headers_wrap() {
        let mut t = Table::new(&[("基金", Align::Left), ("Linaburg-Maduell Transparency Index", Align::Right)]);
        t.row(vec![("港投公司".into(), Tone::Plain), ("12".into(), Tone::Plain)]);
        t.row(vec![("GIC".into(), Tone::Plain), ("3".into(), Tone::Plain)]);
        let out = t.render(false);
        let lines: Vec<&str> = out.lines().collect();
        // The header is wrapped within HEADER_WRAP columns, over two lines.
        assert_eq!(lines.len(), 4, "{out}");
        assert!(lines.iter().all(|l| width(l) <= 8 + 2 + HEADER_WRAP), "{out}");
        assert!(lines[0].ends_with("Linaburg-Maduell") && lines[1].ends_with("Transparency Index"), "{out}");
        // The numbers line up: a Chinese name counts as twice its characters.
        assert_eq!(width(lines[2]), width(lines[3]), "{out}");
        assert_eq!(wrap("a b", 20), ["a b"]);
        assert_eq!(wrap("", 20), [""]);
    }
}
