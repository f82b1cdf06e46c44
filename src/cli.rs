//! The command line: clap definitions only. What each command does is in [`crate::commands`].

use crate::render::Format;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  swfscore score                                  rank every fund under rubric.yaml
  swfscore score --format markdown --output scores.md
  swfscore score --fund hkic --fund temasek --fund adia
  swfscore score --as-of 2010                     as the funds stood in 2010
  swfscore score --rubric rubrics/lmti.yaml       under the Linaburg-Maduell principles
  swfscore explain hkic                           every point, with its evidence
  swfscore compare hkic temasek adia              side by side, differences marked
  swfscore validate --strict                      check every input; warnings fail too
  swfscore schema fund > fund.schema.json

Inputs are read from --dir (default: the current directory): disclosures.yaml, rubric.yaml
and funds/*.yaml. Where none are found, the built-in copies of the project's data are used
and stderr says so. Exit codes: 0 ok, 1 a check failed, 2 usage or input error.";

/// Scores how transparent sovereign wealth funds are, from sourced evidence.
#[derive(Debug, Parser)]
#[command(name = "swfscore", version, about, after_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(subcommand)]
    pub command: Command,
}

/// Where the inputs are.
#[derive(Debug, Args, Clone)]
pub struct Inputs {
    /// Folder holding disclosures.yaml, rubric.yaml and funds/.
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Rubric file, or the name of a built-in rubric (lmti, truman, santiago).
    #[arg(long, global = true, value_name = "FILE")]
    pub rubric: Option<PathBuf>,
    /// Folder of fund descriptors.
    #[arg(long, global = true, value_name = "DIR")]
    pub funds: Option<PathBuf>,
    /// Disclosure catalogue.
    #[arg(long, global = true, value_name = "FILE")]
    pub disclosures: Option<PathBuf>,
    /// Apply a weight profile defined in the rubric.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
}

/// Where a command writes and how.
#[derive(Debug, Args, Clone)]
pub struct Output {
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write to this file instead of stdout (`-` = stdout). Nothing is written on error.
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Colour in the table format.
    #[arg(long, value_enum, default_value_t = ColourChoice::Auto)]
    pub color: ColourChoice,
}

/// When to use terminal colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColourChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    Always,
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score and rank the funds.
    Score {
        #[command(flatten)]
        out: Output,
        /// Score each fund as its disclosures stood in this year.
        #[arg(long, value_name = "YEAR")]
        as_of: Option<i32>,
        /// Only these funds (repeatable); ranks are among them.
        #[arg(long = "fund", id = "fund_ids", value_name = "ID")]
        funds: Vec<String>,
    },
    /// Explain one fund's score item by item, with evidence, sorted by points lost.
    Explain {
        /// Fund id, e.g. hkic.
        fund: String,
        #[command(flatten)]
        out: Output,
        #[arg(long, value_name = "YEAR")]
        as_of: Option<i32>,
    },
    /// Compare funds side by side: scores, categories and levels, differences marked.
    Compare {
        /// Two or more fund ids.
        #[arg(id = "compare_funds", num_args = 2.., required = true)]
        funds: Vec<String>,
        #[command(flatten)]
        out: Output,
        #[arg(long, value_name = "YEAR")]
        as_of: Option<i32>,
    },
    /// Check every input and print every problem; exit 1 if any.
    Validate {
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
        /// Also print, per fund, how many disclosures are assessed, unknown and not applicable.
        #[arg(long)]
        coverage: bool,
    },
    /// Print the JSON Schema of an input file, for editors.
    Schema {
        /// Which file.
        #[arg(value_enum)]
        kind: SchemaKind,
        /// Write to this file instead of stdout.
        #[arg(long, short, value_name = "PATH")]
        output: Option<PathBuf>,
    },
    /// List the rubrics available: the default, rubrics/ and the built-in ones.
    Rubrics,
}

/// The input files that have a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    Fund,
    Rubric,
    Disclosures,
}
