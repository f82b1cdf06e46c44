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
                write!(f, "; found {}. A panel has columns {}", quoted(found), COLUMNS.join(", "))
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
    fn add(&mut self, column: &'static str, what: &str, row: usize, value: &str, hint: Option<String>) {
        let p = match self.0.iter_mut().position(|p| p.column == column && p.what == what) {
            Some(k) => &mut self.0[k],
            None => {
                self.0.push(Problem { column, what: what.to_string(), rows: vec![], more: 0 });
                self.0.last_mut().expect("just pushed")
            }
        };
        if p.rows.len() < SHOWN_ROWS {
            p.rows.push((row, value.to_string(), hint));
        } else {
            p.more += 1;
        }
    }
}

/// Reads a panel: every disclosure must be in `catalogue`, every level one of the five, each
/// (fund, year, disclosure) at most once. Returns the panel and the columns it ignored.
pub fn read(path: &Path, catalogue: &Catalogue) -> Result<(Panel, Vec<String>), PanelError> {
    let df = read_frame(path)?;
    let found: Vec<String> = df.get_column_names().iter().map(|c| c.to_string()).collect();
    let missing: Vec<String> =
        COLUMNS.iter().filter(|c| !found.iter().any(|f| f == *c)).map(|c| c.to_string()).collect();
    if !missing.is_empty() {
        return Err(PanelError::MissingColumns { path: path.to_path_buf(), missing, found });
    }
    if df.height() == 0 {
        return Err(PanelError::Empty { path: path.to_path_buf() });
    }
    let ignored = found.iter().filter(|f| !COLUMNS.contains(&f.as_str())).cloned().collect();
    let unreadable = |e: PolarsError| PanelError::Unreadable { path: path.to_path_buf(), message: e.to_string() };
    let text = |name: &str| -> Result<StringChunked, PanelError> {
        let c = df.column(name).map_err(unreadable)?;
        Ok(c.cast(&DataType::String).map_err(unreadable)?.str().map_err(unreadable)?.clone())
    };
    let (fund, disclosure, level) = (text("fund")?, text("disclosure")?, text("level")?);
    let year = df.column("year").map_err(unreadable)?;
    let mut problems = Problems::default();
    let as_ints = match year.dtype() {
        d if d.is_integer() => {
            Some(year.cast(&DataType::Int64).map_err(unreadable)?.i64().map_err(unreadable)?.clone())
        }
        _ => None,
    };
    let years: Box<dyn Iterator<Item = Result<i32, String>> + '_> = match (&as_ints, year.dtype()) {
        (Some(y), _) => Box::new(y.iter().map(|v| match v {
            Some(v) => i32::try_from(v).map_err(|_| v.to_string()),
            None => Err(String::new()),
        })),
        (None, DataType::String) => Box::new(year.str().map_err(unreadable)?.iter().map(|v| match v {
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
    let panel = assemble(catalogue, &fund, years, &disclosure, &level, &mut problems);
    if !problems.0.is_empty() {
        return Err(PanelError::Rows { path: path.to_path_buf(), problems: problems.0, csv: is_csv(path) });
    }
    Ok((panel, ignored))
}

fn is_csv(path: &Path) -> bool {
    TableFormat::of(path) == Some(TableFormat::Csv)
}

fn read_frame(path: &Path) -> Result<DataFrame, PanelError> {
    let format = TableFormat::of(path).filter(|f| *f != TableFormat::Json);
    let Some(format) = format else { return Err(PanelError::Extension { path: path.to_path_buf(), reading: true }) };
    let meta = std::fs::metadata(path).map_err(|e| PanelError::Io { path: path.to_path_buf(), source: e })?;
    if meta.len() == 0 {
        return Err(PanelError::Empty { path: path.to_path_buf() });
    }
    let unreadable = |e: PolarsError| PanelError::Unreadable { path: path.to_path_buf(), message: e.to_string() };
    match format {
        TableFormat::Csv => CsvReadOptions::default()
            .with_has_header(true)
            // Every column as text: years and levels are checked here, row by row.
            .with_infer_schema_length(Some(0))
            .try_into_reader_with_file_path(Some(path.to_path_buf()))
            .and_then(|r| r.finish())
            .map_err(unreadable),
        _ => {
            let file = std::fs::File::open(path).map_err(|e| PanelError::Io { path: path.to_path_buf(), source: e })?;
            ParquetReader::new(file).finish().map_err(unreadable)
        }
    }
}

/// Row-level checks and the grouping into cells, in one pass over the columns.
fn assemble(
    catalogue: &Catalogue,
    fund: &StringChunked,
    years: Box<dyn Iterator<Item = Result<i32, String>> + '_>,
    disclosure: &StringChunked,
    level: &StringChunked,
    problems: &mut Problems,
) -> Panel {
    const NO_ROW: u8 = u8::MAX;
    let ids: Vec<&str> = catalogue.ids().collect();
    let n = ids.len();
    let index: HashMap<&str, usize> = ids.iter().enumerate().map(|(k, d)| (*d, k)).collect();
    let mut funds: Vec<String> = Vec::new();
    let mut fund_index: HashMap<&str, u32> = HashMap::new();
    let mut cell_index: HashMap<(u32, i32), usize> = HashMap::new();
    let mut cells: Vec<(u32, i32)> = Vec::new();
    let mut codes: Vec<u8> = Vec::new();
    // Panels are usually sorted: the previous row's fund and cell, and the disclosure after
    // the previous one, are tried before any lookup.
    let mut last_fund: Option<(&str, u32)> = None;
    let mut last_cell: Option<((u32, i32), usize)> = None;
    let mut next_d = 0usize;
    let rows = fund.iter().zip(years).zip(disclosure.iter()).zip(level.iter());
    for (row, (((f, y), d), l)) in rows.enumerate() {
        let f = match f {
            Some(f) if !f.is_empty() => f,
            _ => {
                problems.add("fund", "are empty", row, "", None);
                continue;
            }
        };
        let y = match y {
            Ok(y) => y,
            Err(v) if v.is_empty() => {
                problems.add("year", "are empty", row, "", None);
                continue;
            }
            Err(v) => {
                problems.add("year", "are not whole years", row, &v, None);
                continue;
            }
        };
        let d = d.unwrap_or("");
        let dk = if ids.get(next_d) == Some(&d) {
            next_d
        } else if let Some(&k) = index.get(d) {
            k
        } else {
            let hint = did_you_mean(d, ids.iter().copied()).map(|b| format!("did you mean `{b}`?"));
            problems.add("disclosure", "name no disclosure in the catalogue", row, d, hint);
            continue;
        };
        next_d = (dk + 1) % n.max(1);
        let code = match l.map(Level::parse) {
            Some(Some(l)) => l as u8,
            _ => {
                let l = l.unwrap_or("");
                let hint = did_you_mean(l, Level::ALL.iter().map(|l| l.as_str()))
                    .map(|b| format!("did you mean `{b}`?"))
                    .or_else(|| Some("expected full, partial, none, not_applicable or unknown".into()));
                problems.add("level", "are not a level", row, l, hint);
                continue;
            }
        };
        let fk = match last_fund {
            Some((name, k)) if name == f => k,
            _ => {
                let k = *fund_index.entry(f).or_insert_with(|| {
                    funds.push(f.to_string());
                    (funds.len() - 1) as u32
                });
                last_fund = Some((f, k));
                k
            }
        };
        let cell = match last_cell {
            Some((key, c)) if key == (fk, y) => c,
            _ => {
                let c = *cell_index.entry((fk, y)).or_insert_with(|| {
                    cells.push((fk, y));
                    codes.resize(codes.len() + n, NO_ROW);
                    cells.len() - 1
                });
                last_cell = Some(((fk, y), c));
                c
            }
        };
        let slot = &mut codes[cell * n + dk];
        if *slot != NO_ROW {
            problems.add(
                "disclosure",
                "repeat the (fund, year, disclosure) of an earlier row",
                row,
                &format!("{f}, {y}, {d}"),
                None,
            );
            continue;
        }
        *slot = code;
    }
    let levels = codes.into_iter().map(|c| if c == NO_ROW { Level::Unknown } else { Level::ALL[c as usize] }).collect();
    Panel { funds, disclosures: ids.iter().map(|d| d.to_string()).collect(), cells, levels }
}

/// The batch table as a polars frame: `rubric` and `profile` columns when it has several
/// views, then fund, year, score, low, high, rank, one column per category, coverage counts.
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
