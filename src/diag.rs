//! Problems found in the inputs: located, collected, and rendered one per line.
//!
//! Loading and validation never stop at the first problem; they push every error and warning
//! into [`Diagnostics`], and the caller decides (with `--strict`) what fails the run.

use std::fmt;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The input cannot be used as it is.
    Error,
    /// The input can be used, but something is missing or doubtful.
    Warning,
}

/// A place in an input file (1-based line and column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: u64,
    pub column: u64,
}

impl Pos {
    pub const fn new(line: u64, column: u64) -> Self {
        Pos { line, column }
    }
}

/// One problem, with where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file as the user would name it (relative to `--dir` where possible).
    pub file: String,
    /// Where in the file, when the YAML gives a position.
    pub pos: Option<Pos>,
    pub message: String,
    /// A suggestion, e.g. "did you mean `annual_report`?".
    pub help: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: {}", self.file)?;
        if let Some(pos) = self.pos {
            write!(f, ":{}:{}", pos.line, pos.column)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

/// Every problem found in a set of inputs.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Records an error in `file` at `pos`.
    pub fn error(&mut self, file: &str, pos: Option<Pos>, message: impl Into<String>) -> &mut Diagnostic {
        self.add(Severity::Error, file, pos, message)
    }

    /// Records a warning in `file` at `pos`.
    pub fn warning(&mut self, file: &str, pos: Option<Pos>, message: impl Into<String>) -> &mut Diagnostic {
        self.add(Severity::Warning, file, pos, message)
    }

    fn add(&mut self, severity: Severity, file: &str, pos: Option<Pos>, message: impl Into<String>) -> &mut Diagnostic {
        self.items.push(Diagnostic { severity, file: file.to_string(), pos, message: message.into(), help: None });
        let last = self.items.len() - 1;
        &mut self.items[last]
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Whether every error is in one of `files`.
    pub fn errors_only_in(&self, files: &[String]) -> bool {
        self.items.iter().filter(|d| d.severity == Severity::Error).all(|d| files.contains(&d.file))
    }

    pub fn errors(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Error).count()
    }

    pub fn warnings(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Warning).count()
    }

    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The problems in a stable order: by file, then position, errors before warnings.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by(|a, b| (&a.file, a.pos, a.severity, &a.message).cmp(&(&b.file, b.pos, b.severity, &b.message)));
        v
    }

    /// Turns every warning into an error (`validate --strict`).
    pub fn promote_warnings(&mut self) {
        for d in &mut self.items {
            d.severity = Severity::Error;
        }
    }
}

impl Diagnostic {
    /// Adds a suggestion to the message.
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    /// Adds "did you mean `x`?" when one of `candidates` is close to `got`.
    pub fn suggest<'a>(&mut self, got: &str, candidates: impl IntoIterator<Item = &'a str>) -> &mut Self {
        if let Some(best) = did_you_mean(got, candidates) {
            self.help = Some(format!("did you mean `{best}`?"));
        }
        self
    }
}

/// The candidate closest to `got`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(got: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(got, c);
        let limit = (got.chars().count().max(c.chars().count()) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, bc)| (d, c) < (bd, bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Edit distance counting a swap of two neighbouring letters as one edit (optimal string
/// alignment), so `yaer` is one step from `year`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_ids_only() {
        let ids = ["annual_report", "audited_financial_statements", "fund_size"];
        assert_eq!(did_you_mean("anual_report", ids), Some("annual_report"));
        assert_eq!(did_you_mean("fund_sise", ids), Some("fund_size"));
        assert_eq!(did_you_mean("governance", ids), None);
    }

    #[test]
    fn renders_file_line_column_and_help() {
        let mut d = Diagnostics::new();
        d.error("funds/hkic.yaml", Some(Pos::new(14, 5)), "unknown disclosure `anual_report`")
            .suggest("anual_report", ["annual_report"]);
        assert_eq!(
            d.sorted()[0].to_string(),
            "error: funds/hkic.yaml:14:5: unknown disclosure `anual_report` (did you mean `annual_report`?)"
        );
    }
}

/// `s` with every control character but line feed and tab written out (`\e` for escape,
/// `\u{7}` for the others), so a value from the data cannot move the cursor, clear the
/// screen or retitle the window when printed to a terminal. With `keep_colour`, the colour
/// codes (`ESC [ … m`) stay: those the text renderer adds around values it has escaped.
pub fn visible(s: &str, keep_colour: bool) -> std::borrow::Cow<'_, str> {
    let control = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !s.chars().any(control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}' && keep_colour {
            let sgr = rest[1..].strip_prefix('[').and_then(|r| {
                let end = r.find(|x: char| !(x.is_ascii_digit() || x == ';'))?;
                (r[end..].starts_with('m')).then_some(end + 3)
            });
            if let Some(n) = sgr {
                out.push_str(&rest[..n]);
                rest = &rest[n..];
                continue;
            }
        }
        match c {
            '\u{1b}' => out.push_str("\\e"),
            c if control(c) => {
                use std::fmt::Write as _;
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod visible_tests {
    use super::visible;

    #[test]
    fn control_characters_are_written_out_and_colour_kept_only_when_asked() {
        assert_eq!(visible("plain\ttext\n", false), "plain\ttext\n");
        assert_eq!(visible("\u{1b}]0;PWNED\u{7}\u{1b}[2J", false), "\\e]0;PWNED\\u{7}\\e[2J");
        assert_eq!(visible("\u{1b}[1;33mok\u{1b}[0m", true), "\u{1b}[1;33mok\u{1b}[0m");
        assert_eq!(visible("\u{1b}[2J\u{9b}", true), "\\e[2J\\u{9b}");
        assert_eq!(visible("港投\u{7f}", false), "港投\\u{7f}");
    }
}
