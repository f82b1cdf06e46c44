//! The command line resolved once: where the inputs are, the scoring policy, and where and
//! how the output goes. Commands receive a [`Config`] and never look at flags again.

use crate::cli::{ColourChoice, Data, Inputs, Output};
use crate::load::Sources;
use crate::model::UnknownRule;
use crate::render::Format;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Where a command's output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Stdout,
    /// Written whole (or not at all) to this path.
    File(PathBuf),
}

/// Everything a command needs to know from the command line besides its own arguments.
#[derive(Debug, Clone)]
pub struct Config {
    pub sources: Sources,
    /// The rubric's weight profile to apply.
    pub profile: Option<String>,
    /// Overrides the rubric's `unknown` rule.
    pub unknown: Option<UnknownRule>,
    pub format: Format,
    pub target: Target,
    /// Terminal colours: only in the table format, only to a terminal, never into a file.
    pub colour: bool,
}

impl Config {
    /// Resolves the data and policy flags, and the output flags when the command has them.
    pub fn new(inputs: &Inputs, out: Option<&Output>) -> Config {
        let mut c = Config::for_data(&inputs.data);
        c.sources.rubric = inputs.rubric.clone();
        c.profile = inputs.profile.clone();
        if let Some(o) = out {
            c = c.with_output(o.format.into(), o.output.clone(), o.color);
        }
        c
    }

    /// The data flags alone (the default rubric, no profile, table to stdout).
    pub fn for_data(data: &Data) -> Config {
        Config {
            sources: Sources {
                dir: data.dir.clone(),
                disclosures: data.disclosures.clone(),
                funds: data.funds.clone(),
                rubric: None,
                revision: None,
            },
            profile: None,
            unknown: data.unknown.map(Into::into),
            format: Format::Table,
            target: Target::Stdout,
            colour: false,
        }
    }

    /// Sets the output: `-` or nothing is stdout; colour follows `choice` and the target.
    pub fn with_output(mut self, format: Format, output: Option<PathBuf>, choice: ColourChoice) -> Config {
        self.format = format;
        self.target = match output {
            Some(p) if p.as_os_str() != "-" => Target::File(p),
            _ => Target::Stdout,
        };
        let terminal = self.target == Target::Stdout && std::io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        self.colour = format == Format::Table
            && self.target == Target::Stdout
            && match choice {
                ColourChoice::Always => true,
                ColourChoice::Never => false,
                ColourChoice::Auto => terminal && !no_color,
            };
        self
    }
}
