//! Panels and long tables on disk, through polars: the edge of the batch path. A panel is a
//! long table of levels (`fund`, `year`, `disclosure`, `level`) in CSV or Parquet; it is read
//! into plain [`Panel`] vectors here, and the scoring never sees polars.

use crate::analysis::batch::{Batch, Panel};
use crate::diag::did_you_mean;
use crate::model::{Catalogue, Level};
use polars::prelude::*;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The years a panel row may hold: a sovereign fund's record starts after 1800, and a year
/// past 2200 is a typo or a different unit (a row outside is refused, with its row named).
pub const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 1800..=2200;

/// Most rows an error lists for one problem; the rest are counted.
const SHOWN_ROWS: usize = 20;

/// The panel's required columns.
pub const COLUMNS: [&str; 4] = ["fund", "year", "disclosure", "level"];

/// A table file's format, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Csv,
    Parquet,
    Json,
}

impl TableFormat {
    /// `.csv`, `.parquet` (or `.pq`) and `.json`, in any case.
    pub fn of(path: &Path) -> Option<TableFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(TableFormat::Csv),
            "parquet" | "pq" => Some(TableFormat::Parquet),
            "json" => Some(TableFormat::Json),
            _ => None,
        }
    }
}

/// Why a panel could not be read or a table written.
#[derive(Debug)]
pub enum PanelError {
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not a table polars can read (or write) in its format.
    Unreadable {
        path: PathBuf,
        message: String,
    },
    /// The extension names no table format.
    Extension {
        path: PathBuf,
        reading: bool,
    },
    /// No data rows.
    Empty {
        path: PathBuf,
    },
    MissingColumns {
        path: PathBuf,
        missing: Vec<String>,
        found: Vec<String>,
    },
    /// A column whose type cannot hold what it should.
    WrongType {
        path: PathBuf,
        column: &'static str,
        found: String,
        expected: &'static str,
    },
    /// A file that is not a CSV table as read (binary, CR-only line endings, a line over the
    /// limit, a stray quote, not UTF-8, a row of the wrong width, a repeated column): where
    /// (the line, when one is to blame), what, and what to do.
    Malformed {
        path: PathBuf,
        line: Option<usize>,
        what: String,
        help: String,
    },
    /// Rows that break the panel's rules, grouped by problem.
    Rows {
        path: PathBuf,
        problems: Vec<Problem>,
        csv: bool,
    },
}

/// One kind of bad row: which column, what is wrong, the first rows affected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub column: &'static str,
    pub what: String,
    /// (0-based data row, value, hint), at most [`SHOWN_ROWS`].
    pub rows: Vec<(usize, String, Option<String>)>,
    /// Affected rows beyond those listed.
    pub more: usize,
}

impl fmt::Display for PanelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PanelError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            PanelError::Unreadable { path, message } => {
                write!(f, "{}: cannot read the table: {message}", path.display())
            }
            PanelError::Extension { path, reading: true } => {
                write!(f, "{}: unknown panel format; give a .csv or .parquet file", path.display())
            }
            PanelError::Extension { path, reading: false } => {
                write!(f, "{}: unknown table format; write to a .csv, .parquet or .json file", path.display())
            }
            PanelError::Empty { path } => {
                write!(f, "{}: the panel has no rows (expected columns {})", path.display(), COLUMNS.join(", "))
            }
            PanelError::MissingColumns { path, missing, found } => {
                write!(f, "{}: missing column(s) {}", path.display(), quoted(missing))?;
                let hints: Vec<String> = missing
                    .iter()
                    .filter_map(|m| {
                        did_you_mean(m, found.iter().map(String::as_str)).map(|b| format!("`{b}` for `{m}`"))
                    })
                    .collect();
                if !hints.is_empty() {
                    write!(f, " (did you mean {}?)", hints.join(", "))?;
                }
                write!(f, "; found {}. A panel has columns {}", quoted(found), COLUMNS.join(", "))?;
                if let [one] = found.as_slice()
                    && let Some(sep) = [';', '\t', '|'].into_iter().find(|c| one.contains(*c))
                {
                    write!(f, ", separated by commas (this header looks separated by {sep:?})")?;
                }
                Ok(())
            }
            PanelError::Malformed { path, line, what, help } => {
                match line {
                    Some(l) => write!(f, "{}: line {l}: {what}", path.display())?,
                    None => write!(f, "{}: {what}", path.display())?,
                }
                write!(f, "\n  help: {help}")
            }
            PanelError::WrongType { path, column, found, expected } => {
                write!(f, "{}: column `{column}` has type {found}; expected {expected}", path.display())
            }
            PanelError::Rows { path, problems, csv } => {
                write!(f, "{}: the panel has {} problem(s); nothing was scored", path.display(), problems.len())?;
                for p in problems {
                    let n = p.rows.len() + p.more;
                    write!(f, "\n  column `{}`: {n} row(s) {}:", p.column, p.what)?;
                    for (row, value, hint) in &p.rows {
                        let at = if *csv { format!("line {}", row + 2) } else { format!("row {}", row + 1) };
                        write!(f, "\n    {at}: `{value}`")?;
                        if let Some(h) = hint {
                            write!(f, " ({h})")?;
                        }
                    }
                    if p.more > 0 {
                        write!(f, "\n    … and {} more", p.more)?;
                    }
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for PanelError {}

fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// Problems found while reading, each kept once with its first rows.
#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    /// Records a bad `value` at `row`. Only the first [`SHOWN_ROWS`] of a kind are kept, and
    /// only theirs get a `hint` (a did-you-mean is computed for the rows shown, not for a
    /// million bad ones); a long value is kept cut to [`SHOWN_VALUE_CHARS`].
    fn add(
        &mut self,
        column: &'static str,
        what: &str,
        row: usize,
        value: &str,
        hint: impl FnOnce(&str) -> Option<String>,
    ) {
        let p = match self.0.iter_mut().position(|p| p.column == column && p.what == what) {
            Some(k) => &mut self.0[k],
            None => {
                self.0.push(Problem { column, what: what.to_string(), rows: vec![], more: 0 });
                self.0.last_mut().expect("just pushed")
            }
        };
        if p.rows.len() < SHOWN_ROWS {
            let shown = cut(value);
            let hint = hint(&shown);
            p.rows.push((row, shown, hint));
        } else {
            p.more += 1;
        }
    }
}

/// Characters of a bad value an error quotes.
const SHOWN_VALUE_CHARS: usize = 60;

/// `value` cut to [`SHOWN_VALUE_CHARS`] characters, saying how much was left out.
fn cut(value: &str) -> String {
    match value.char_indices().nth(SHOWN_VALUE_CHARS) {
        None => value.to_string(),
        Some((at, _)) => format!("{}… ({} bytes in all)", &value[..at], value.len()),
    }
}

/// Bytes of CSV parsed at a time: memory stays near this, whatever the panel's size.
const CSV_CHUNK_BYTES: usize = 16 << 20;
/// Rows of Parquet decoded at a time (whole row groups, at least one).
const PARQUET_CHUNK_ROWS: usize = 1 << 20;

/// Longest CSV line (one record) a panel may have: a line with no end within it (a file
/// with no line breaks, a stray quote that never closes) is refused there, instead of being
/// read whole. [`MAX_LINE_BYTES_VAR`] raises it.
pub const MAX_LINE_BYTES: usize = 1 << 20;
pub const MAX_LINE_BYTES_VAR: &str = "SWFSCORE_MAX_LINE_BYTES";
/// Longest value a panel's fund, year, disclosure or level may hold (an id is a few dozen
/// bytes). [`MAX_FIELD_BYTES_VAR`] raises it.
pub const MAX_FIELD_BYTES: usize = 4096;
pub const MAX_FIELD_BYTES_VAR: &str = "SWFSCORE_MAX_FIELD_BYTES";

fn limit(var: &str, default: usize) -> usize {
    std::env::var(var).ok().and_then(|v| v.trim().parse().ok()).filter(|n| *n > 0).unwrap_or(default)
}

/// Reads a panel: every disclosure must be in `catalogue`, every level one of the five, each
/// (fund, year, disclosure) at most once. The file is read in chunks, so memory does not grow
/// with its size. `-`, a pipe or a device is read as a CSV stream. Returns the panel and the
/// columns it ignored.
pub fn read(path: &Path, catalogue: &Catalogue) -> Result<(Panel, Vec<String>), PanelError> {
    read_in_chunks(path, catalogue, CSV_CHUNK_BYTES, PARQUET_CHUNK_ROWS)
}

/// Where a panel's bytes come from.
enum Source {
    /// A regular file, of this many bytes.
    File(u64),
    /// Standard input (`-`), a pipe or a device: read once, front to back.
    Stream,
}

pub(crate) fn read_in_chunks(
    path: &Path,
    catalogue: &Catalogue,
    csv_bytes: usize,
    parquet_rows: usize,
) -> Result<(Panel, Vec<String>), PanelError> {
    let stdin = path.as_os_str() == "-";
    let source = if stdin {
        Source::Stream
    } else {
        let meta = std::fs::metadata(path).map_err(|e| io(path, e))?;
        if meta.is_dir() {
            return Err(io(path, std::io::Error::new(std::io::ErrorKind::IsADirectory, "is a directory")));
        }
        if meta.is_file() { Source::File(meta.len()) } else { Source::Stream }
    };
    // A stream without a table extension (`-`, /dev/stdin, a shell's <(…)) is read as CSV.
    let format = match (TableFormat::of(path).filter(|f| *f != TableFormat::Json), &source) {
        (Some(f), _) => f,
        (None, Source::Stream) => TableFormat::Csv,
        (None, Source::File(_)) => return Err(PanelError::Extension { path: path.to_path_buf(), reading: true }),
    };
    match (&source, format) {
        (Source::File(0), _) => return Err(PanelError::Empty { path: path.to_path_buf() }),
        (Source::Stream, TableFormat::Parquet) => {
            return Err(PanelError::Malformed {
                path: path.to_path_buf(),
                line: None,
                what: "is a pipe or a device, and a Parquet file is read from its end".into(),
                help: "save the Parquet panel to a file and give its path, or stream the panel as CSV".into(),
            });
        }
        _ => {}
    }
    let total = match source {
        Source::File(n) => Some(n),
        Source::Stream => None,
    };
    let mut assembler = Assembler::new(catalogue);
    let mut problems = Problems::default();
    let max_field = limit(MAX_FIELD_BYTES_VAR, MAX_FIELD_BYTES);
    // A reader thread parses the next chunk (polars, on its own pool) while this one files
    // the rows of the last; at most one parsed chunk waits between them.
    let (tx, rx) = std::sync::mpsc::sync_channel::<(DataFrame, usize)>(1);
    let (read, fed) = std::thread::scope(|s| {
        let reader = s.spawn(move || {
            let mut send = |df: DataFrame, first: usize| {
                tx.send((df, first))
                    .map_err(|_| PanelError::Unreadable { path: path.to_path_buf(), message: "stopped".into() })
            };
            let mut progress = Progress::new(path, total, format);
            // polars' Parquet decoder panics on some damaged files: this thread's panic is
            // caught at the join below and reported as a damaged file, without the panic's
            // own message on stderr.
            let _quiet = quiet_panics();
            let read = match format {
                TableFormat::Csv => {
                    let input: std::io::Result<Box<dyn std::io::Read + Send>> = if stdin {
                        Ok(Box::new(std::io::stdin()))
                    } else {
                        std::fs::File::open(path).map(|f| Box::new(f) as Box<dyn std::io::Read + Send>)
                    };
                    input
                        .map_err(|e| io(path, e))
                        .and_then(|input| csv_chunks(path, input, csv_bytes, &mut progress, &mut send))
                }
                _ => parquet_chunks(path, parquet_rows, &mut progress, &mut send),
            };
            progress.finish();
            read
        });
        let mut fed = Ok(());
        for (df, first) in rx.iter() {
            fed = assembler.feed(path, &df, first, max_field, &mut problems);
            if fed.is_err() {
                break;
            }
        }
        drop(rx);
        let read = reader.join().unwrap_or_else(|_| {
            Err(malformed(
                path,
                None,
                "the file could not be decoded: a damaged or truncated file, or an encoding this reader does not know",
                match format {
                    TableFormat::Parquet => "write the panel again (e.g. pandas `df.to_parquet`), or give it as CSV",
                    _ => "write the panel again as UTF-8 CSV",
                },
            ))
        });
        (read, fed)
    });
    // A filing error stops the reader too, so it comes first.
    fed?;
    let found = read?;
    if assembler.rows == 0 && problems.0.is_empty() {
        return Err(PanelError::Empty { path: path.to_path_buf() });
    }
    if !problems.0.is_empty() {
        return Err(PanelError::Rows {
            path: path.to_path_buf(),
            problems: problems.0,
            csv: format == TableFormat::Csv,
        });
    }
    let ignored = found.into_iter().filter(|f| !COLUMNS.contains(&f.as_str())).collect();
    Ok((assembler.finish(), ignored))
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Panel readers running: while one is, a panic on one of polars' own worker threads (which
/// polars hands back to the reader that called it) is not printed either.
static READING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Keeps a panic on this thread, and on polars' workers while it reads, from printing its
/// message (the reader's caller reports the file as damaged); other threads keep the hook
/// they had. Undone when the returned guard drops.
fn quiet_panics() -> impl Drop {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let polars_worker = READING.load(std::sync::atomic::Ordering::SeqCst) > 0
                && std::thread::current().name().is_some_and(|n| n.starts_with("polars"));
            if !QUIET.with(|q| q.get()) && !polars_worker {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    READING.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    struct Reading;
    impl Drop for Reading {
        fn drop(&mut self) {
            READING.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            QUIET.with(|q| q.set(false));
        }
    }
    Reading
}

/// A progress bar on stderr while a long panel is read: only on a terminal, only for a CSV
/// file of 64 MB or more, a stream or Parquet (by row groups), cleared at the end.
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn new(path: &Path, total: Option<u64>, format: TableFormat) -> Progress {
        use std::io::IsTerminal;
        let long = format == TableFormat::Parquet || total.is_none_or(|t| t >= 64 << 20);
        if !std::io::stderr().is_terminal() || !long {
            return Progress(None);
        }
        let name = crate::diag::visible(&crate::load::display(path), false).into_owned();
        let (len, template) = match (format, total) {
            (TableFormat::Parquet, _) => (None, "reading {msg}: {bar:30} {pos}/{len} rows, {eta} left"),
            (_, Some(t)) => (Some(t), "reading {msg}: {bar:30} {bytes}/{total_bytes}, {eta} left"),
            (_, None) => (None, "reading {msg}: {bytes} {spinner}"),
        };
        let bar = indicatif::ProgressBar::with_draw_target(len, indicatif::ProgressDrawTarget::stderr());
        bar.set_style(
            indicatif::ProgressStyle::with_template(template)
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message(name);
        Progress(Some(bar))
    }

    /// `done` bytes (rows for Parquet) read so far; `of` rows in all for Parquet.
    fn update(&mut self, done: u64, of: Option<u64>) {
        if let Some(b) = &self.0 {
            if let Some(n) = of {
                b.set_length(n);
            }
            b.set_position(done);
        }
    }

    fn finish(&mut self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

fn io(path: &Path, e: std::io::Error) -> PanelError {
    PanelError::Io { path: path.to_path_buf(), source: e }
}

fn unreadable(path: &Path) -> impl Fn(PolarsError) -> PanelError + '_ {
    move |e| PanelError::Unreadable { path: path.to_path_buf(), message: e.to_string() }
}

fn malformed(path: &Path, line: Option<usize>, what: impl Into<String>, help: impl Into<String>) -> PanelError {
    PanelError::Malformed { path: path.to_path_buf(), line, what: what.into(), help: help.into() }
}

/// Refuses a table without the panel's columns, or with a column twice (before any row is read).
fn check_columns(path: &Path, found: &[String]) -> Result<(), PanelError> {
    for (k, name) in found.iter().enumerate() {
        if let Some(j) = found[k + 1..].iter().position(|f| f == name) {
            return Err(malformed(
                path,
                None,
                format!(
                    "the header names column `{}` twice (columns {} and {})",
                    crate::diag::visible(name, false),
                    k + 1,
                    k + j + 2
                ),
                "rename or remove one of them",
            ));
        }
    }
    let missing: Vec<String> =
        COLUMNS.iter().filter(|c| !found.iter().any(|f| f == *c)).map(|c| c.to_string()).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(PanelError::MissingColumns { path: path.to_path_buf(), missing, found: found.to_vec() })
    }
}

/// A chunk visitor: the rows of one chunk, and the index of its first row in the file.
type Visit<'a> = dyn FnMut(DataFrame, usize) -> Result<(), PanelError> + 'a;

/// What a scan of CSV bytes (from a record's start) found.
#[derive(Debug, PartialEq, Eq)]
struct Scanned {
    /// Just past the last complete record's line end outside quotes.
    last_end: Option<usize>,
    /// Where the quoted field still open at the end began (a byte offset), if any.
    open_quote: Option<usize>,
    /// A `"` inside an unquoted field: its byte offset.
    stray_quote: Option<usize>,
}

/// Scans CSV bytes that start at a record's start, RFC 4180 style: a `"` opens a quoted field
/// only at a field's start, and `""` inside one is a quote. Stops at a stray quote.
fn scan(buf: &[u8]) -> Scanned {
    if memchr::memchr(b'"', buf).is_none() {
        return Scanned { last_end: memchr::memrchr(b'\n', buf).map(|i| i + 1), open_quote: None, stray_quote: None };
    }
    let (mut last_end, mut quoted, mut field_start, mut opened) = (None, false, true, 0);
    let mut i = 0;
    while i < buf.len() {
        let b = buf[i];
        if quoted {
            if b == b'"' {
                if buf.get(i + 1) == Some(&b'"') {
                    i += 2;
                    continue;
                }
                quoted = false;
            }
        } else {
            match b {
                b'"' if field_start => {
                    quoted = true;
                    opened = i;
                }
                b'"' => return Scanned { last_end, open_quote: None, stray_quote: Some(i) },
                b',' => {
                    field_start = true;
                    i += 1;
                    continue;
                }
                b'\n' => {
                    last_end = Some(i + 1);
                    field_start = true;
                    i += 1;
                    continue;
                }
                _ => {}
            }
        }
        field_start = false;
        i += 1;
    }
    Scanned { last_end, open_quote: quoted.then_some(opened), stray_quote: None }
}

/// The line a byte of a chunk is on, given the line the chunk starts on.
fn line_at(chunk: &[u8], at: usize, first_line: usize) -> usize {
    first_line + memchr::memchr_iter(b'\n', &chunk[..at.min(chunk.len())]).count()
}

/// The column (1-based, in characters) of byte `at` on its line.
fn column_at(chunk: &[u8], at: usize) -> usize {
    let start = memchr::memrchr(b'\n', &chunk[..at]).map_or(0, |i| i + 1);
    String::from_utf8_lossy(&chunk[start..at]).chars().count() + 1
}

/// Refuses CSV bytes that are not UTF-8 text, naming the line.
fn check_text(path: &Path, chunk: &[u8], first_line: usize) -> Result<(), PanelError> {
    if let Some(at) = memchr::memchr(0, chunk) {
        return Err(malformed(
            path,
            Some(line_at(chunk, at, first_line)),
            format!(
                "a NUL byte at column {}: this is not a text CSV file (a sparse, binary or UTF-16 file?)",
                column_at(chunk, at)
            ),
            "export the panel as CSV in UTF-8 (fund,year,disclosure,level)",
        ));
    }
    if let Err(e) = std::str::from_utf8(chunk) {
        let at = e.valid_up_to();
        return Err(malformed(
            path,
            Some(line_at(chunk, at, first_line)),
            format!("not UTF-8: byte 0x{:02X} at column {}", chunk[at], column_at(chunk, at)),
            "save the panel as UTF-8 (Excel: \"CSV UTF-8\"); `iconv -f latin1 -t utf-8` converts a Latin-1 file",
        ));
    }
    Ok(())
}

/// The error for a line with no end within `max_line` bytes.
fn long_line(path: &Path, buf: &[u8], line: usize, max_line: usize, scanned: &Scanned) -> PanelError {
    let at = |n: usize| format!("{n} bytes ({MAX_LINE_BYTES_VAR} raises the limit)");
    if let Some(q) = scanned.open_quote {
        return malformed(
            path,
            Some(line_at(buf, q, line)),
            format!("a quoted field opens at column {} and does not close within {}", column_at(buf, q), at(max_line)),
            "a field that starts with `\"` must end with `\"`; double a quote inside a quoted field (`\"\"`)",
        );
    }
    let head = &buf[..buf.len().min(max_line)];
    if memchr::memchr(b'\r', head).is_some() {
        return malformed(
            path,
            Some(line),
            "the lines end with CR alone (an old Mac or Excel export), so the file reads as one line",
            "save it as CSV with LF or CRLF line endings, e.g. `tr '\\r' '\\n' < in.csv > out.csv`",
        );
    }
    malformed(
        path,
        Some(line),
        format!("no line end within {}: this is not a CSV file of lines", at(max_line)),
        "a panel has one record per line: fund,year,disclosure,level",
    )
}

/// Reads a CSV panel from `input` in chunks of about `chunk_bytes`, cut at record ends outside
/// quotes, each checked (UTF-8, no NUL, no stray quote, lines within the limit) and parsed by
/// polars (years as integers; a chunk polars cannot type is re-read as text, so that its bad
/// rows are named). Work is linear in the input and memory bounded by a chunk and one line.
/// Returns the header.
fn csv_chunks(
    path: &Path,
    mut input: Box<dyn std::io::Read + Send>,
    chunk_bytes: usize,
    progress: &mut Progress,
    visit: &mut Visit,
) -> Result<Vec<String>, PanelError> {
    let max_line = limit(MAX_LINE_BYTES_VAR, MAX_LINE_BYTES);
    let mut buf: Vec<u8> = Vec::with_capacity(chunk_bytes + (1 << 16));
    let mut eof = false;
    let mut consumed: u64 = 0;
    // More bytes: a chunk (and at least enough to hold a line over the limit).
    let mut fill = |buf: &mut Vec<u8>, eof: &mut bool| -> Result<(), PanelError> {
        let want = chunk_bytes;
        let before = buf.len();
        buf.resize(before + want, 0);
        let n = read_full(&mut input, &mut buf[before..]).map_err(|e| io(path, e))?;
        buf.truncate(before + n);
        *eof = n < want;
        Ok(())
    };
    fill(&mut buf, &mut eof)?;
    if buf.is_empty() {
        return Err(PanelError::Empty { path: path.to_path_buf() });
    }
    // The header: the first record.
    let header_end = loop {
        match first_record_end(&buf) {
            Some(end) if end <= max_line + 1 => break end,
            None if eof && buf.len() <= max_line => break buf.len(),
            None if !eof && buf.len() <= max_line => fill(&mut buf, &mut eof)?,
            _ => {
                let head = &buf[..buf.len().min(max_line + 1)];
                check_text(path, head, 1)?;
                return Err(long_line(path, head, 1, max_line, &scan(head)));
            }
        }
    };
    let head = &buf[..header_end];
    check_text(path, head, 1)?;
    if let Some(at) = scan(head).stray_quote {
        return Err(stray(path, head, at, 1));
    }
    let header_line = head.strip_suffix(b"\n").unwrap_or(head);
    let header_line = header_line.strip_suffix(b"\r").unwrap_or(header_line);
    if memchr::memchr(b'\r', header_line).is_some() && !head.is_empty() {
        return Err(long_line(
            path,
            head,
            1,
            max_line,
            &Scanned { last_end: None, open_quote: None, stray_quote: None },
        ));
    }
    let header: Vec<String> = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(head)
        .headers()
        .map_err(|e| {
            malformed(
                path,
                Some(1),
                format!("cannot read the header: {e}"),
                "the first line names the columns: fund,year,disclosure,level",
            )
        })?
        .iter()
        .map(str::to_string)
        .collect();
    check_columns(path, &header)?;
    buf.drain(..header_end);
    consumed += header_end as u64;
    let schema = |typed: bool| -> SchemaRef {
        Arc::new(
            header
                .iter()
                .map(|h| {
                    let dtype = if typed && h == "year" { DataType::Int64 } else { DataType::String };
                    Field::new(h.as_str().into(), dtype)
                })
                .collect(),
        )
    };
    let (typed, text) = (schema(true), schema(false));
    let mut first_row = 0;
    // The file line the buffer starts on (the header is line 1).
    let mut line = 2;
    let mut first_chunk = true;
    loop {
        let scanned = scan(&buf);
        if let Some(at) = scanned.stray_quote {
            // Only a complete line is judged: the quote's line must end in the buffer (or the file).
            if eof || memchr::memchr(b'\n', &buf[at..]).is_some() {
                check_text(path, &buf[..at], line)?;
                return Err(stray(path, &buf, at, line));
            }
        }
        let cut = match (eof, scanned.stray_quote, scanned.last_end) {
            (true, None, _) => buf.len(),
            (_, Some(at), _) => memchr::memrchr(b'\n', &buf[..at]).map_or(0, |i| i + 1),
            (false, None, Some(end)) => end,
            (false, None, None) => 0,
        };
        if cut == 0 && !eof {
            if buf.len() > max_line {
                return Err(long_line(path, &buf, line, max_line, &scanned));
            }
            fill(&mut buf, &mut eof)?;
            continue;
        }
        // A header ended by CRLF leaves its LF here: blank lines before the data are skipped.
        let skip = if first_chunk { buf[..cut].iter().take_while(|b| **b == b'\n' || **b == b'\r').count() } else { 0 };
        first_chunk = false;
        let chunk = &buf[skip..cut];
        let chunk_line = line + memchr::memchr_iter(b'\n', &buf[..skip]).count();
        check_text(path, chunk, chunk_line)?;
        if let Some(at) = longest_line_over(chunk, max_line) {
            return Err(malformed(
                path,
                Some(line_at(chunk, at, chunk_line)),
                format!("the line is longer than {max_line} bytes ({MAX_LINE_BYTES_VAR} raises the limit)"),
                "a panel has one short record per line: fund,year,disclosure,level",
            ));
        }
        if !chunk.iter().all(|b| b.is_ascii_whitespace()) {
            let parse = |schema: &SchemaRef| {
                CsvReadOptions::default()
                    .with_has_header(false)
                    .with_schema(Some(schema.clone()))
                    .into_reader_with_file_handle(std::io::Cursor::new(chunk))
                    .finish()
            };
            let df = match parse(&typed).or_else(|_| parse(&text)) {
                Ok(df) => df,
                Err(e) => return Err(locate(path, chunk, chunk_line, header.len(), e)),
            };
            let rows = df.height();
            visit(df, first_row)?;
            first_row += rows;
        }
        line += memchr::memchr_iter(b'\n', &buf[..cut]).count();
        consumed += cut as u64;
        progress.update(consumed, None);
        buf.drain(..cut);
        if eof && buf.is_empty() {
            break;
        }
        if !eof {
            fill(&mut buf, &mut eof)?;
        }
    }
    Ok(header)
}

/// The end of the first record (just past its line end), quotes respected.
fn first_record_end(buf: &[u8]) -> Option<usize> {
    let mut quoted = false;
    for (i, &b) in buf.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// The start of the first line of `chunk` longer than `max` bytes, if any.
fn longest_line_over(chunk: &[u8], max: usize) -> Option<usize> {
    if chunk.len() <= max {
        return None;
    }
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', chunk).chain(std::iter::once(chunk.len())) {
        if end - start > max {
            return Some(start);
        }
        start = end + 1;
    }
    None
}

fn stray(path: &Path, buf: &[u8], at: usize, line: usize) -> PanelError {
    malformed(
        path,
        Some(line_at(buf, at, line)),
        format!("a `\"` inside an unquoted field, at column {}", column_at(buf, at)),
        "quote the whole field and double the quote inside it (`\"5\"\" floppy\"`), or remove the quote",
    )
}

/// The error for a chunk polars could not parse: the first record of the wrong width, as the
/// csv crate reads it, else polars' words with the lines they concern.
fn locate(path: &Path, chunk: &[u8], first_line: usize, width: usize, e: PolarsError) -> PanelError {
    let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(chunk);
    let mut record = csv::ByteRecord::new();
    loop {
        match r.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) if record.len() != width && !(record.len() == 1 && record[0].is_empty()) => {
                let line = first_line + record.position().map_or(0, |p| p.line() as usize - 1);
                return malformed(
                    path,
                    Some(line),
                    format!("{} field(s), where the header has {width}", record.len()),
                    "every line needs one value per column; quote a value that holds a comma",
                );
            }
            Ok(true) => {}
            Err(_) => break,
        }
    }
    let last = first_line + memchr::memchr_iter(b'\n', chunk).count();
    malformed(
        path,
        None,
        format!("cannot read lines {first_line}–{last}: {e}"),
        "check those lines for a value that breaks the CSV format",
    )
}

/// Fills `buf` from `r` unless the input ends first; the number of bytes read.
fn read_full(r: &mut impl std::io::Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Reads a Parquet panel whole row groups at a time (about [`PARQUET_CHUNK_ROWS`] rows),
/// only the panel's columns. Returns the column names.
fn parquet_chunks(
    path: &Path,
    chunk_rows: usize,
    progress: &mut Progress,
    visit: &mut Visit,
) -> Result<Vec<String>, PanelError> {
    let open = || std::fs::File::open(path).map_err(|e| io(path, e));
    let mut reader = ParquetReader::new(open()?);
    let schema = reader.schema().map_err(unreadable(path))?;
    let found: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
    check_columns(path, &found)?;
    for (name, field) in schema.iter() {
        if let Some(column) = COLUMNS.iter().find(|c| **c == name.as_str()) {
            check_parquet_type(path, column, &field.dtype)?;
        }
    }
    let meta = reader.get_metadata().map_err(unreadable(path))?.clone();
    let total_rows = meta.num_rows as u64;
    let mut first_row = 0;
    let mut groups = meta.row_groups.iter().map(|g| g.num_rows()).peekable();
    while groups.peek().is_some() {
        let mut rows = 0;
        while let Some(&n) = groups.peek() {
            if rows > 0 && rows + n > chunk_rows {
                break;
            }
            rows += n;
            groups.next();
        }
        let mut reader = ParquetReader::new(open()?)
            .with_columns(Some(COLUMNS.iter().map(|c| c.to_string()).collect()))
            .with_slice(Some((first_row, rows)));
        reader.set_metadata(meta.clone());
        let df = reader.finish().map_err(unreadable(path))?;
        visit(df, first_row)?;
        first_row += rows;
        progress.update(first_row as u64, Some(total_rows));
    }
    Ok(found)
}

/// Refuses, before any row is decoded, a Parquet column whose type cannot hold what the panel
/// needs there (a year as whole numbers or text; ids and levels as text or numbers), naming
/// the column and the type found.
fn check_parquet_type(path: &Path, column: &'static str, dtype: &ArrowDataType) -> Result<(), PanelError> {
    use ArrowDataType as A;
    let text = |d: &ArrowDataType| matches!(d, A::Utf8 | A::LargeUtf8 | A::Utf8View);
    let ok = match dtype {
        A::Int32 | A::Int64 | A::UInt32 | A::UInt64 => true,
        A::Float32 | A::Float64 => true,
        A::Dictionary(_, values, _) => text(values),
        d => text(d),
    };
    if ok {
        return Ok(());
    }
    let found = match dtype {
        A::Int8 | A::Int16 | A::UInt8 | A::UInt16 => {
            format!("{dtype:?} (a small integer this reader does not convert)")
        }
        A::Decimal(p, sc) | A::Decimal32(p, sc) | A::Decimal64(p, sc) => format!("decimal({p}, {sc})"),
        A::Date32 | A::Date64 => "date".to_string(),
        A::Timestamp(..) => "timestamp".to_string(),
        A::Boolean => "boolean".to_string(),
        A::Struct(_) => "struct".to_string(),
        A::List(_) | A::LargeList(_) | A::FixedSizeList(..) => "list".to_string(),
        A::Map(..) => "map".to_string(),
        A::Binary | A::LargeBinary | A::BinaryView | A::FixedSizeBinary(_) => "binary".to_string(),
        d => {
            let t = format!("{d:?}");
            t.split(['(', ' ']).next().unwrap_or(&t).to_string()
        }
    };
    let expected = if column == "year" {
        "whole years as 32- or 64-bit integers, or text such as 2024 (in pandas: df['year'] = df['year'].astype('int32'))"
    } else {
        "text (a string column)"
    };
    Err(PanelError::WrongType { path: path.to_path_buf(), column, found, expected })
}

/// Row-level checks and the grouping into cells, chunk by chunk.
struct Assembler {
    /// The catalogue's disclosure ids, by index.
    ids: Vec<String>,
    index: HashMap<String, usize>,
    funds: Vec<String>,
    fund_index: HashMap<String, u32>,
    cell_index: HashMap<(u32, i32), usize>,
    cells: Vec<(u32, i32)>,
    /// One code per cell and disclosure: a level's index in [`Level::ALL`], or [`NO_ROW`].
    codes: Vec<u8>,
    /// Rows read.
    rows: usize,
}

const NO_ROW: u8 = u8::MAX;

impl Assembler {
    fn new(catalogue: &Catalogue) -> Self {
        let ids: Vec<String> = catalogue.ids().map(str::to_string).collect();
        let index = ids.iter().enumerate().map(|(k, d)| (d.clone(), k)).collect();
        Assembler {
            ids,
            index,
            funds: Vec::new(),
            fund_index: HashMap::new(),
            cell_index: HashMap::new(),
            cells: Vec::new(),
            codes: Vec::new(),
            rows: 0,
        }
    }

    /// Checks and files the rows of one chunk (`first` = the index of its first row).
    fn feed(
        &mut self,
        path: &Path,
        df: &DataFrame,
        first: usize,
        max_field: usize,
        problems: &mut Problems,
    ) -> Result<(), PanelError> {
        let text = |name: &str| -> Result<StringChunked, PanelError> {
            let c = df.column(name).map_err(unreadable(path))?;
            Ok(c.cast(&DataType::String).map_err(unreadable(path))?.str().map_err(unreadable(path))?.clone())
        };
        let (fund, disclosure, level) = (text("fund")?, text("disclosure")?, text("level")?);
        let year = df.column("year").map_err(unreadable(path))?;
        // Years as integers (an unsigned 64-bit year past i64 is named, not read as empty), as
        // whole floating-point numbers, or as text.
        let as_ints = match year.dtype() {
            DataType::UInt64 => None,
            d if d.is_integer() => {
                Some(year.cast(&DataType::Int64).map_err(unreadable(path))?.i64().map_err(unreadable(path))?.clone())
            }
            _ => None,
        };
        let as_floats = match year.dtype() {
            DataType::Float64 | DataType::Float32 => {
                Some(year.cast(&DataType::Float64).map_err(unreadable(path))?.f64().map_err(unreadable(path))?.clone())
            }
            _ => None,
        };
        let whole = |v: f64| -> Result<i32, String> {
            if v.fract() == 0.0 && v >= i32::MIN as f64 && v <= i32::MAX as f64 {
                Ok(v as i32)
            } else {
                Err(v.to_string())
            }
        };
        let years: Box<dyn Iterator<Item = Result<i32, String>> + '_> = match (&as_ints, year.dtype()) {
            (Some(y), _) => Box::new(y.iter().map(|v| match v {
                Some(v) => i32::try_from(v).map_err(|_| v.to_string()),
                None => Err(String::new()),
            })),
            (None, DataType::UInt64) => Box::new(year.u64().map_err(unreadable(path))?.iter().map(|v| match v {
                Some(v) => i32::try_from(v).map_err(|_| v.to_string()),
                None => Err(String::new()),
            })),
            (None, DataType::Float64 | DataType::Float32) if as_floats.is_some() => {
                Box::new(as_floats.iter().flat_map(|y| y.iter()).map(move |v| match v {
                    Some(v) => whole(v),
                    None => Err(String::new()),
                }))
            }
            (None, DataType::String) => Box::new(year.str().map_err(unreadable(path))?.iter().map(|v| match v {
                Some(s) => s.trim().parse::<i32>().map_err(|_| s.to_string()),
                None => Err(String::new()),
            })),
            (None, d) => {
                return Err(PanelError::WrongType {
                    path: path.to_path_buf(),
                    column: "year",
                    found: d.to_string(),
                    expected: "whole years (integers, or text such as 2024)",
                });
            }
        };
        let too_long = format!("are longer than {max_field} bytes ({MAX_FIELD_BYTES_VAR} raises the limit)");
        let n = self.ids.len();
        // Panels are usually sorted: the previous row's fund and cell, and the disclosure after
        // the previous one, are tried before any lookup.
        let mut last_fund: Option<(&str, u32)> = None;
        let mut last_cell: Option<((u32, i32), usize)> = None;
        let mut next_d = 0usize;
        let rows = fund.iter().zip(years).zip(disclosure.iter()).zip(level.iter());
        for (i, (((f, y), d), l)) in rows.enumerate() {
            let row = first + i;
            self.rows += 1;
            let f = match f {
                Some(f) if f.len() > max_field => {
                    problems.add("fund", &too_long, row, f, |_| None);
                    continue;
                }
                Some(f) if !f.is_empty() => f,
                _ => {
                    problems.add("fund", "are empty", row, "", |_| None);
                    continue;
                }
            };
            if let Some(d) = d.filter(|d| d.len() > max_field) {
                problems.add("disclosure", &too_long, row, d, |_| None);
                continue;
            }
            if let Some(l) = l.filter(|l| l.len() > max_field) {
                problems.add("level", &too_long, row, l, |_| None);
                continue;
            }
            let y = match y {
                Ok(y) if PLAUSIBLE_YEARS.contains(&y) => y,
                Ok(y) => {
                    problems.add(
                        "year",
                        "are outside the years a panel may hold (1800 to 2200)",
                        row,
                        &y.to_string(),
                        |_| None,
                    );
                    continue;
                }
                Err(v) if v.is_empty() => {
                    problems.add("year", "are empty", row, "", |_| None);
                    continue;
                }
                Err(v) if v.parse::<i128>().is_ok() => {
                    problems.add("year", "are outside the years a panel may hold (1800 to 2200)", row, &v, |_| None);
                    continue;
                }
                Err(v) => {
                    problems.add("year", "are not whole years", row, &v, |_| None);
                    continue;
                }
            };
            let d = d.unwrap_or("");
            let dk = if self.ids.get(next_d).is_some_and(|x| x == d) {
                next_d
            } else if let Some(&k) = self.index.get(d) {
                k
            } else {
                let ids = &self.ids;
                problems.add("disclosure", "name no disclosure in the catalogue", row, d, |v| {
                    did_you_mean(v, ids.iter().map(String::as_str)).map(|b| format!("did you mean `{b}`?"))
                });
                continue;
            };
            next_d = (dk + 1) % n.max(1);
            let code = match l.map(Level::parse) {
                Some(Some(l)) => l as u8,
                _ => {
                    let l = l.unwrap_or("");
                    problems.add("level", "are not a level", row, l, |v| {
                        did_you_mean(v, Level::ALL.iter().map(|l| l.as_str()))
                            .map(|b| format!("did you mean `{b}`?"))
                            .or_else(|| Some("expected full, partial, none, not_applicable or unknown".into()))
                    });
                    continue;
                }
            };
            let fk = match last_fund {
                Some((name, k)) if name == f => k,
                _ => {
                    let k = match self.fund_index.get(f) {
                        Some(&k) => k,
                        None => {
                            self.funds.push(f.to_string());
                            let k = (self.funds.len() - 1) as u32;
                            self.fund_index.insert(f.to_string(), k);
                            k
                        }
                    };
                    last_fund = Some((f, k));
                    k
                }
            };
            let cell = match last_cell {
                Some((key, c)) if key == (fk, y) => c,
                _ => {
                    let (cells, codes) = (&mut self.cells, &mut self.codes);
                    let c = *self.cell_index.entry((fk, y)).or_insert_with(|| {
                        cells.push((fk, y));
                        codes.resize(codes.len() + n, NO_ROW);
                        cells.len() - 1
                    });
                    last_cell = Some(((fk, y), c));
                    c
                }
            };
            let slot = &mut self.codes[cell * n + dk];
            if *slot != NO_ROW {
                let key = format!("{f}, {y}, {d}");
                problems
                    .add("disclosure", "repeat the (fund, year, disclosure) of an earlier row", row, &key, |_| None);
                continue;
            }
            *slot = code;
        }
        Ok(())
    }

    fn finish(self) -> Panel {
        let levels =
            self.codes.into_iter().map(|c| if c == NO_ROW { Level::Unknown } else { Level::ALL[c as usize] }).collect();
        Panel { funds: self.funds, disclosures: self.ids, cells: self.cells, levels }
    }
}

/// The batch table as a polars frame: `rubric` and `profile` columns when it has several
/// views, then fund, year, score, low, high, rank, one column per category, coverage counts,
/// estimate, estimate_low, estimate_high (null for a panel), and the fund's metadata: type,
/// funding, region, size_band, ifswf_member, ifswf_member_since (null where not classified).
fn batch_frame(batch: &Batch) -> PolarsResult<DataFrame> {
    let rows = &batch.rows;
    let mut columns: Vec<Column> = Vec::new();
    if batch.views.len() > 1 {
        let rubric: Vec<&str> = rows.iter().map(|r| batch.views[r.view].rubric.as_str()).collect();
        let profile: Vec<Option<&str>> = rows.iter().map(|r| batch.views[r.view].profile.as_deref()).collect();
        columns.push(Column::new("rubric".into(), rubric));
        columns.push(Column::new("profile".into(), profile));
    }
    columns.push(Column::new("fund".into(), rows.iter().map(|r| r.fund.as_str()).collect::<Vec<_>>()));
    columns.push(Column::new("year".into(), rows.iter().map(|r| r.year).collect::<Vec<_>>()));
    columns.push(Column::new("score".into(), rows.iter().map(|r| r.scores.score).collect::<Vec<_>>()));
    columns.push(Column::new("low".into(), rows.iter().map(|r| r.scores.bounds.low).collect::<Vec<_>>()));
    columns.push(Column::new("high".into(), rows.iter().map(|r| r.scores.bounds.high).collect::<Vec<_>>()));
    columns.push(Column::new("rank".into(), rows.iter().map(|r| r.rank).collect::<Vec<_>>()));
    // Each view's categories, placed in the union of all views' category columns.
    let names = batch.category_columns();
    let at: Vec<Vec<Option<usize>>> =
        batch.views.iter().map(|v| names.iter().map(|n| v.categories.iter().position(|c| c == n)).collect()).collect();
    for (k, name) in names.iter().enumerate() {
        let values: Vec<Option<f64>> =
            rows.iter().map(|r| at[r.view][k].and_then(|i| r.scores.categories[i])).collect();
        columns.push(Column::new((*name).into(), values));
    }
    let count =
        |f: fn(&crate::score::Coverage) -> usize| rows.iter().map(|r| f(&r.scores.coverage) as u32).collect::<Vec<_>>();
    columns.push(Column::new("assessed".into(), count(|c| c.assessed)));
    columns.push(Column::new("unknown".into(), count(|c| c.unknown)));
    columns.push(Column::new("not_applicable".into(), count(|c| c.not_applicable)));
    let estimate =
        |f: fn(&crate::estimate::Estimate) -> f64| rows.iter().map(|r| r.estimate.as_ref().map(f)).collect::<Vec<_>>();
    columns.push(Column::new("estimate".into(), estimate(|e| e.score)));
    columns.push(Column::new("estimate_low".into(), estimate(|e| e.low)));
    columns.push(Column::new("estimate_high".into(), estimate(|e| e.high)));
    let meta = |f: fn(&crate::model::Metadata) -> Option<&'static str>| {
        rows.iter().map(|r| f(&r.metadata)).collect::<Vec<_>>()
    };
    columns.push(Column::new("type".into(), meta(|m| m.kind.map(|x| x.as_str()))));
    columns.push(Column::new("funding".into(), meta(|m| m.funding.map(|x| x.as_str()))));
    columns.push(Column::new("region".into(), meta(|m| m.region.map(|x| x.as_str()))));
    columns.push(Column::new("size_band".into(), meta(|m| m.size_band.map(|x| x.as_str()))));
    columns.push(Column::new("ifswf_member".into(), rows.iter().map(|r| r.metadata.ifswf()).collect::<Vec<_>>()));
    columns.push(Column::new(
        "ifswf_member_since".into(),
        rows.iter().map(|r| r.metadata.ifswf_member_since).collect::<Vec<_>>(),
    ));
    DataFrame::new(rows.len(), columns)
}

/// The levels of a panel as a long frame (`fund`, `year`, `disclosure`, `level`).
fn panel_frame(panel: &Panel) -> PolarsResult<DataFrame> {
    let n = panel.disclosures.len();
    let rows = panel.cells.len() * n;
    let mut fund = Vec::with_capacity(rows);
    let mut year = Vec::with_capacity(rows);
    let mut disclosure = Vec::with_capacity(rows);
    for &(f, y) in &panel.cells {
        for d in &panel.disclosures {
            fund.push(panel.funds[f as usize].as_str());
            year.push(y);
            disclosure.push(d.as_str());
        }
    }
    let level: Vec<&str> = panel.levels.iter().map(|l| l.as_str()).collect();
    DataFrame::new(
        rows,
        vec![
            Column::new("fund".into(), fund),
            Column::new("year".into(), year),
            Column::new("disclosure".into(), disclosure),
            Column::new("level".into(), level),
        ],
    )
}

/// The batch table in the format `path`'s extension names, as bytes to write.
pub fn batch_bytes(batch: &Batch, path: &Path) -> Result<Vec<u8>, PanelError> {
    encode(path, batch_frame(batch))
}

/// A panel in the format `path`'s extension names, as bytes to write.
pub fn panel_bytes(panel: &Panel, path: &Path) -> Result<Vec<u8>, PanelError> {
    encode(path, panel_frame(panel))
}

fn encode(path: &Path, frame: PolarsResult<DataFrame>) -> Result<Vec<u8>, PanelError> {
    let failed = |e: PolarsError| PanelError::Unreadable { path: path.to_path_buf(), message: e.to_string() };
    let format =
        TableFormat::of(path).ok_or_else(|| PanelError::Extension { path: path.to_path_buf(), reading: false })?;
    let mut df = frame.map_err(failed)?;
    let mut out = Vec::new();
    match format {
        TableFormat::Csv => CsvWriter::new(&mut out).include_header(true).finish(&mut df).map_err(failed)?,
        TableFormat::Parquet => {
            ParquetWriter::new(&mut out).finish(&mut df).map_err(failed)?;
        }
        TableFormat::Json => out = json_records(&df).into_bytes(),
    }
    Ok(out)
}

/// The frame as a JSON array of records, keys in column order, numbers at full precision.
fn json_records(df: &DataFrame) -> String {
    let columns = df.columns();
    let mut out = String::from("[\n");
    for row in 0..df.height() {
        out.push_str(if row == 0 { "  {" } else { ",\n  {" });
        for (k, c) in columns.iter().enumerate() {
            let value = match c.get(row) {
                Ok(AnyValue::Null) | Err(_) => serde_json::Value::Null,
                Ok(AnyValue::String(s)) => serde_json::Value::from(s),
                Ok(AnyValue::Float64(x)) => serde_json::Value::from(x),
                Ok(AnyValue::Int32(x)) => serde_json::Value::from(x),
                Ok(AnyValue::UInt32(x)) => serde_json::Value::from(x),
                Ok(v) => serde_json::Value::from(v.to_string()),
            };
            let sep = if k == 0 { "" } else { ", " };
            out.push_str(&format!("{sep}{}: {value}", serde_json::Value::from(c.name().as_str())));
        }
        out.push('}');
    }
    out.push_str(if df.height() == 0 { "]\n" } else { "\n]\n" });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{builtin, from_texts};

    fn catalogue() -> Catalogue {
        from_texts(builtin::DISCLOSURES, builtin::RUBRIC, &[]).dataset.expect("built-in data").catalogue
    }

    #[test]
    fn line_ends_inside_quotes_are_not_cut_and_a_stray_quote_is_found() {
        let end = |b: &[u8]| scan(b).last_end;
        assert_eq!(end(b"a,b\nc,d\ne"), Some(8));
        assert_eq!(end(b"a,\"x\ny\""), None);
        assert_eq!(end(b"a,\"x\ny\"\nb"), Some(8));
        assert_eq!(end(b"a,\"x\"\"\ny\"\nb"), Some(10));
        assert_eq!(end(b"no newline"), None);
        assert_eq!(scan(b"a,\"open\nb").open_quote, Some(2));
        assert_eq!(scan(b"a,b\"c\nd").stray_quote, Some(3));
        assert_eq!(scan(b"a,\"b\"\"c\"\n").stray_quote, None);
        assert_eq!(first_record_end(b"x,\"a\nb\"\ny"), Some(8));
        assert_eq!(longest_line_over(b"ab\nabcdef\nx", 4), Some(3));
        assert_eq!(longest_line_over(b"ab\nabcd\nx", 4), None);
    }

    #[test]
    fn any_chunk_size_reads_the_same_panel_and_names_the_same_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.csv");
        let mut text = String::from("fund,year,disclosure,level,comment\n");
        for (k, d) in ["annual_report", "fund_size", "holdings_list"].iter().enumerate() {
            for y in 2018..2022 {
                text.push_str(&format!(
                    "fund {k},{y},{d},{},\"a, \"\"quoted\"\"\nnote\"\n",
                    ["full", "partial", "none"][(y as usize) % 3]
                ));
            }
        }
        std::fs::write(&path, &text).unwrap();
        let whole = read_in_chunks(&path, &catalogue(), 1 << 20, 1 << 20).unwrap().0;
        for chunk in [7, 40, 97, 1000] {
            let part = read_in_chunks(&path, &catalogue(), chunk, 1 << 20).unwrap().0;
            assert_eq!(
                (&part.funds, &part.cells, &part.levels),
                (&whole.funds, &whole.cells, &whole.levels),
                "{chunk}"
            );
        }
        assert_eq!(whole.cells.len(), 12);
        // A bad level on the last row is named by its line, whatever the chunking.
        std::fs::write(&path, format!("{text}x,2020,fund_size,ful,\n")).unwrap();
        for chunk in [7, 1 << 20] {
            let err = read_in_chunks(&path, &catalogue(), chunk, 1 << 20).unwrap_err().to_string();
            // The 13th record: line 14, counting one line per record (as a spreadsheet does).
            assert!(err.contains("line 14: `ful`"), "{chunk}: {err}");
        }
    }

    #[test]
    fn parquet_is_read_whole_row_groups_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.parquet");
        let mut panel = Panel { disclosures: catalogue().ids().map(str::to_string).collect(), ..Panel::default() };
        for f in 0..3u32 {
            panel.funds.push(format!("f{f}"));
            for y in 2000..2010 {
                panel.cells.push((f, y));
                panel
                    .levels
                    .extend(panel.disclosures.iter().enumerate().map(|(k, _)| Level::ALL[(k + y as usize) % 5]));
            }
        }
        let mut df = panel_frame(&panel).unwrap();
        let file = std::fs::File::create(&path).unwrap();
        ParquetWriter::new(file).with_row_group_size(Some(100)).finish(&mut df).unwrap();
        for rows in [1, 250, 1 << 20] {
            let back = read_in_chunks(&path, &catalogue(), 1 << 20, rows).unwrap().0;
            assert_eq!((&back.funds, &back.cells, &back.levels), (&panel.funds, &panel.cells, &panel.levels), "{rows}");
        }
    }
}
