//! Why a command did not succeed, and the exit code that says so. Messages are produced here
//! and printed in one place, `main`.

use crate::analysis::gap::GapError;
use crate::analysis::whatif::SetError;
use crate::diag::Diagnostics;
use std::path::PathBuf;

/// A command's failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The inputs have errors; `main` prints each with its file and line.
    #[error("{} error(s) in the inputs", .0.errors())]
    Input(Diagnostics),
    /// The command line asks for something that is not there or not allowed.
    #[error(transparent)]
    Usage(#[from] UsageError),
    /// A fund named on the command line is not in the data.
    #[error("unknown fund `{id}`{}; `swfscore funds` lists every fund", if .near.is_empty() { String::new() } else { format!(" (did you mean {}?)", .near.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(" or ")) })]
    UnknownFund { id: String, near: Vec<String> },
    /// A name that fits several funds.
    #[error("`{name}` fits several funds: {}; give one of these ids", .candidates.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "))]
    AmbiguousFund { name: String, candidates: Vec<String> },
    /// A weight profile named on the command line is not in the rubric.
    #[error("no profile `{profile}` in rubric `{rubric}`{hint}")]
    UnknownProfile { profile: String, rubric: String, hint: String },
    /// A year outside what the data can speak for.
    #[error(transparent)]
    Year(#[from] YearError),
    #[error(transparent)]
    Gap(#[from] GapError),
    #[error(transparent)]
    Set(#[from] SetError),
    /// A panel could not be read, or a table written.
    #[error("{0}")]
    Panel(crate::panel::PanelError),
    /// An output file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    /// Something the program should have ruled out; a bug to report, not a usage error.
    #[error("internal error: {0} (please report this)")]
    Internal(String),
    /// The command ran and a check failed.
    #[error(transparent)]
    CheckFailed(#[from] CheckError),
}

impl Error {
    /// 1 for a failed check, 2 for anything that stopped the command from running.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::CheckFailed(_) => 1,
            _ => 2,
        }
    }
}

/// A year or an age the data cannot speak for.
#[derive(Debug, thiserror::Error)]
pub enum YearError {
    #[error("{year} is after the latest assessment ({latest}): the data says nothing about later years; use {} or earlier", .latest.year)]
    AfterLatest { year: i32, latest: crate::model::Date },
    #[error("{year} is before any fund was established (the first in {first})")]
    BeforeFirst { year: i32, first: i32 },
    /// `panel --from A --to B` with A after B.
    #[error("--from {from} is after --to {to}")]
    FromAfterTo { from: i32, to: i32 },
    /// `trend`: the two years must differ, the first earlier.
    #[error("--from {from} must be before the later year {to}")]
    FromNotBefore { from: i32, to: i32 },
    /// The fund asked about had not reached the age when it was last assessed.
    #[error("--at-age {age}: `{fund}` was last assessed at age {last}, so it has no record at that age")]
    NoRecordAtAge { age: i32, fund: String, last: i32 },
    /// The fund to compare with is younger than the age asked for.
    #[error("--at-age {age}: `{fund}` has no record at that age (it is younger)")]
    OtherTooYoung { age: i32, fund: String },
    /// `trend`: none of the funds asked for existed in the first year.
    #[error("no fund to compare: not yet established in {from}: {}; give --from {earliest} or later", .founded.join(", "))]
    NotYetEstablished { from: i32, founded: Vec<String>, earliest: i32 },
    #[error("no fund to compare between {from} and {to}: {}", .founded.join(", "))]
    NothingToCompare { from: i32, to: i32, founded: Vec<String> },
}

/// A command line that asks for something that is not there or not allowed (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    /// `explain` or `gap` with no fund (clap asks for one first; a command built otherwise).
    #[error("name a fund: a FUND argument or --fund FUND")]
    NoFund,
    #[error("compare needs two or more funds (FUND arguments or --fund)")]
    CompareNeedsTwo,
    /// `whatif FUND` without a change.
    #[error("nothing to change: give `--set DISCLOSURE=LEVEL` or `--scenario FILE`")]
    NoSet,
    /// `whatif` with neither a fund nor a scenario.
    #[error("nothing to change: give a FUND with `--set DISCLOSURE=LEVEL`, or `--scenario FILE`")]
    NoChange,
    #[error("`{disclosure}` of `{fund}` is changed both by `--set` and by the scenario")]
    SetTwice { fund: String, disclosure: String },
    #[error("compare-rubrics needs at least two rubrics or profiles")]
    TooFewRubrics,
    #[error("a panel is scored under one rubric and at most one profile")]
    PanelUnderOneRubric,
    #[error(
        "no fund of {file} matches the --where filter (a panel's fund is matched through the descriptor with its id)"
    )]
    NoPanelFundMatches { file: String },
    /// `--where` left no fund.
    #[error("no fund matches {}; `swfscore funds --format csv` lists each fund's metadata", .filters.iter().map(|c| format!("--where {c}")).collect::<Vec<_>>().join(" "))]
    NoFundMatches { filters: Vec<String> },
    #[error(
        "--samples {samples} with --sobol: give {min} to {most} (each sample runs the model {per_sample} times, at most {runs} runs in all; fewer than {min} give no usable index)"
    )]
    SobolSamples { samples: usize, min: usize, most: usize, per_sample: usize, runs: usize },
    #[error("CSV holds one table: give --coverage or --review with --format csv, not both")]
    CsvHoldsOneTable,
    #[error("fund id `{0}` is not snake_case: use lowercase letters, digits and underscores, starting with a letter")]
    NotSnakeCase(String),
    #[error("a fund `{0}` exists already")]
    FundExists(String),
    #[error("{0} exists already: nothing was written")]
    FileExists(String),
    #[error("fund `{0}` is given twice")]
    FundTwice(String),
    /// `sql --table` given something other than a (dotted) name.
    #[error(
        "`{0}` is not a table name: expected a name such as `panel` or `research.panel` (letters, digits and underscores); to score a file, make a view of it first, e.g. in DuckDB `CREATE VIEW panel AS SELECT * FROM 'panel.parquet'`"
    )]
    TableName(String),
    /// `-o FILE` whose extension names no format.
    #[error("cannot tell the format of `{}` from its extension `.{ext}`: name it .txt, .md, .csv, .json or .html, or give --format{}", .path.display(), if ext == "parquet" { " (Parquet tables come from `batch -o FILE.parquet`)" } else { "" })]
    UnknownExtension { path: PathBuf, ext: String },
}

/// The command ran and what it checks failed (exit 1).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// `score --skip-invalid` left funds out.
    #[error("scored without {} invalid fund descriptor(s): {} (`swfscore validate` lists every problem)", .skipped.len(), .skipped.join(", "))]
    SkippedInvalid { skipped: Vec<String> },
    /// `validate` found errors (or warnings, with `--strict`).
    #[error("{errors} error(s){}, {warnings} warning(s)", if *.strict { " (warnings count as errors with --strict)" } else { "" })]
    Invalid { errors: usize, warnings: usize, strict: bool },
    /// `report --check` with no reports folder.
    #[error("{dir} does not exist: there are no published reports to check; run `swfscore report` to write them")]
    NoReports { dir: String },
    /// `report --check` found files that differ from their regeneration.
    #[error("{dir} is stale: {} differ; run `swfscore report`", .stale.join(", "))]
    StaleReports { dir: String, stale: Vec<String> },
}
