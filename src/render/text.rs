//! Aligned plain-text tables, with colour only when asked for.

/// Column alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A colour for a cell; ignored when colour is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Bold,
    Good,
    Middling,
    Bad,
    Dim,
    Highlight,
}

impl Tone {
    fn code(self) -> &'static str {
        match self {
            Tone::Plain => "",
            Tone::Bold => "\x1b[1m",
            Tone::Good => "\x1b[32m",
            Tone::Middling => "\x1b[33m",
            Tone::Bad => "\x1b[31m",
            Tone::Dim => "\x1b[2m",
            Tone::Highlight => "\x1b[1;33m",
        }
    }

    /// The tone for a level.
    pub fn of_level(level: crate::model::Level) -> Tone {
        use crate::model::Level;
        match level {
            Level::Full => Tone::Good,
            Level::Partial => Tone::Middling,
            Level::None => Tone::Bad,
            Level::NotApplicable | Level::Unknown => Tone::Dim,
        }
    }

    /// The tone for a score as a share of the scale.
    /// Green for a rise, red for a fall, dim for no change.
    pub fn of_sign(x: f64) -> Tone {
        if x > 0.0 {
            Tone::Good
        } else if x < 0.0 {
            Tone::Bad
        } else {
            Tone::Dim
        }
    }

    pub fn of_share(share: f64) -> Tone {
        if share >= 0.7 {
            Tone::Good
        } else if share >= 0.4 {
            Tone::Middling
        } else {
            Tone::Bad
        }
    }
}

/// Wraps `s` in the tone's escape codes when `colour` is on.
pub fn paint(s: &str, tone: Tone, colour: bool) -> String {
    if !colour || tone == Tone::Plain { s.to_string() } else { format!("{}{s}\x1b[0m", tone.code()) }
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
