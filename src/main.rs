use clap::Parser;
use std::process::ExitCode;
use swfscore::{cli::Cli, commands, error::Error};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match &e {
                // Each input problem was already printed with its location.
                Error::Input(_) => eprintln!("swfscore: {e}; nothing was written"),
                _ => eprintln!("swfscore: {e}"),
            }
            ExitCode::from(e.exit_code())
        }
    }
}
