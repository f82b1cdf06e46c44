use clap::Parser;
use std::io::Write;
use std::process::ExitCode;
use swfscore::{cli::Cli, commands, error::Error};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and errors; a closed stream is ignored.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let mut err = std::io::stderr().lock();
            // Diagnostics go to stderr in one place; a closed stderr is not a reason to panic.
            let _ = match &e {
                Error::Input(d) => {
                    commands::print_diagnostics(d);
                    writeln!(err, "swfscore: {e}; nothing was written")
                }
                // A message may quote a value from the data or the command line: control
                // characters in it are written out, never sent to the terminal.
                _ => writeln!(err, "swfscore: {}", swfscore::diag::visible(&e.to_string(), false)),
            };
            ExitCode::from(e.exit_code())
        }
    }
}
