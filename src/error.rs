//! Why a command did not succeed, and the exit code that says so.

use crate::diag::Diagnostics;
use std::path::PathBuf;

/// A command's failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The inputs have errors; each is printed with its file and line.
    #[error("{} error(s) in the inputs", .0.errors())]
    Input(Diagnostics),
    /// The command line asks for something that does not exist.
    #[error("{0}")]
    Usage(String),
    /// An output file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    /// The command ran and a check failed (details already printed).
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
