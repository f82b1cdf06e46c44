//! One document model for the three markup formats: a view builds a [`Doc`] once, and the
//! text, Markdown and HTML renderers each lay it out (`text::doc`, `markdown::doc`,
//! `html::doc`), so the formats cannot disagree. This module is data only: it depends on no
//! format.

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
    /// An identifier to type (a profile id, a command): code in Markdown and HTML.
    Code,
}

impl Tone {
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
    /// The column that names a row (a fund, a disclosure), when not the first left-aligned one.
    pub key: Option<usize>,
    /// What the table shows, in one line (HTML's caption; a line above it elsewhere).
    pub caption: Option<String>,
}

impl Table {
    pub fn new(headers: &[(&str, Align)]) -> Self {
        Table {
            headers: headers.iter().map(|(h, a)| (h.to_string(), *a)).collect(),
            rows: vec![],
            key: None,
            caption: None,
        }
    }

    pub fn captioned(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }

    /// Names `column` as the one that names each row.
    pub fn keyed(mut self, column: usize) -> Self {
        self.key = Some(column);
        self
    }

    /// The column that names each row: the one set with [`Table::keyed`], else the first
    /// left-aligned column, else the first.
    pub fn key_column(&self) -> usize {
        self.key.or_else(|| self.headers.iter().position(|(_, a)| *a == Align::Left)).unwrap_or(0)
    }

    pub fn row(&mut self, cells: Vec<Cell>) {
        debug_assert!(cells.len() <= self.headers.len(), "a row has more cells than the table has columns");
        self.rows.push(cells);
    }
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
    /// A subsection's heading.
    Heading(String),
    /// A bulleted list under a lead-in line.
    List {
        lead: String,
        items: Vec<String>,
    },
    Table(Table),
    /// A two-level list under a lead-in line: each entry with lines under it (a disclosure,
    /// then its note and sources).
    Outline {
        lead: String,
        entries: Vec<(String, Vec<String>)>,
    },
    /// Lines over time on a scale: sparklines in text, Mermaid charts in Markdown, SVG in HTML.
    Series {
        floor: f64,
        scale: f64,
        series: Vec<Series>,
        /// A chart's title in the reader's language, `{label}` standing for the series' label
        /// (`{label}: score by year…`).
        caption: String,
        /// The score axis's name.
        axis: String,
    },
}

/// A view laid out for reading: a title (Markdown and HTML show it; the terminal does not,
/// where the command is the title, unless the title names the view's subject) and blocks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Doc {
    pub title: Option<String>,
    /// Where a page links to it (HTML's section id).
    pub anchor: Option<String>,
    /// The title names what the view is about (a fund), so the terminal shows it too.
    pub subject: bool,
    pub blocks: Vec<Block>,
}

impl Doc {
    pub fn titled(title: impl Into<String>) -> Self {
        Doc { title: Some(title.into()), ..Doc::default() }
    }

    /// A document about one subject, named in its title on every format.
    pub fn about(subject: impl Into<String>) -> Self {
        Doc { subject: true, ..Doc::titled(subject) }
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

    pub fn outline(&mut self, lead: impl Into<String>, entries: Vec<(String, Vec<String>)>) -> &mut Self {
        self.blocks.push(Block::Outline { lead: lead.into(), entries });
        self
    }
}

/// A one-line chart of values on [floor, scale] with eighth-block characters.
pub fn sparkline(values: &[f64], floor: f64, scale: f64) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let span = (scale - floor).max(f64::MIN_POSITIVE);
    values.iter().map(|v| BARS[(((v - floor) / span) * 7.0).round().clamp(0.0, 7.0) as usize]).collect()
}
