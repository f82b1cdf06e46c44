//! The command line resolved once: where the inputs are, the scoring policy, and where and
//! how the output goes. Commands receive a [`Config`] and never look at flags again.

use crate::cli::{ColourChoice, Data, Inputs, Output};
use crate::error::{Error, UsageError};
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
    /// `--where`: the funds a command looks at (all when empty).
    pub filter: Vec<crate::filter::Clause>,
    pub format: Format,
    pub target: Target,
    /// Terminal colours: only in the table format, only to a terminal, never into a file.
    pub colour: bool,
    /// The language of the output's words.
    pub lang: crate::locale::Lang,
}

impl Config {
    /// Resolves the data and policy flags.
    pub fn new(inputs: &Inputs) -> Config {
        let mut c = Config::for_data(&inputs.data);
        c.sources.rubric = inputs.rubric.clone();
        c.profile = inputs.profile.clone();
        c
    }

    /// Resolves the data and policy flags and the output flags.
    pub fn with_out(inputs: &Inputs, out: &Output) -> Result<Config, Error> {
        Config::new(inputs).output(out)
    }

    /// Sets the output from its flags: `--format`, else the output file's extension, else
    /// the table.
    pub fn output(self, out: &Output) -> Result<Config, Error> {
        let format = resolve_format(out.format, out.output.as_deref(), Format::Table)?;
        let mut c = self.with_output(format, out.output.clone(), out.color);
        c.lang = out.lang.unwrap_or_default();
        Ok(c)
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
            unknown: data.unknown,
            filter: data.filter.clone(),
            format: Format::Table,
            target: Target::Stdout,
            colour: false,
            lang: crate::locale::Lang::En,
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

/// The output format: `--format`, else the output file's extension, else `default`.
pub(crate) fn resolve_format(
    format: Option<Format>,
    output: Option<&std::path::Path>,
    default: Format,
) -> Result<Format, Error> {
    match (format, output) {
        (Some(f), _) => Ok(f),
        (None, Some(p)) if p.as_os_str() != "-" => format_of(p),
        _ => Ok(default),
    }
}

/// The format an output file's extension names (`.txt`, or none, the table); an unknown one is
/// an error that lists the known, rather than a table under a misleading name.
fn format_of(p: &std::path::Path) -> Result<Format, Error> {
    let ext = p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        // A name without an extension (a device such as /dev/stdout, a plain file name):
        // the table, as before.
        None => Ok(Format::Table),
        Some("txt" | "text") => Ok(Format::Table),
        Some("md" | "markdown") => Ok(Format::Markdown),
        Some("csv") => Ok(Format::Csv),
        Some("json") => Ok(Format::Json),
        Some("html" | "htm") => Ok(Format::Html),
        Some(e) => Err(UsageError::UnknownExtension { path: p.to_path_buf(), ext: e.to_string() }.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_file_names_its_format() {
        for (name, f) in [
            ("s.csv", Format::Csv),
            ("s.JSON", Format::Json),
            ("s.md", Format::Markdown),
            ("s.htm", Format::Html),
            ("s.txt", Format::Table),
        ] {
            assert_eq!(format_of(std::path::Path::new(name)).unwrap(), f, "{name}");
        }
        assert_eq!(format_of(std::path::Path::new("/dev/null")).unwrap(), Format::Table);
        for name in ["s.parquet", "s.xlsx"] {
            assert!(format_of(std::path::Path::new(name)).is_err(), "{name}");
        }
    }
}
