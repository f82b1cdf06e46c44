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
    #[error("{0}")]
    Usage(String),
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
    #[error("{0}")]
    CheckFailed(String),
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
