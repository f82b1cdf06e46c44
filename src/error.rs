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
    #[error("{0}")]
    Year(String),
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
