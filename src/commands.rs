//! What each subcommand does: load, score once, render, write.

use crate::cli::{Cli, ColourChoice, Command, Inputs, Output, SchemaKind};
use crate::diag::{Diagnostics, did_you_mean};
use crate::error::Error;
use crate::load::{self, Loaded, Sources};
use crate::model::{Dataset, Level};
use crate::raw::{RawCatalogue, RawFund, RawRubric};
use crate::render::{Context, Format};
use crate::score::{self, FundResult, Options, Results};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<(), Error> {
    let inputs = &cli.inputs;
    match cli.command {
        Command::Score { out, as_of, funds } => {
            let ds = dataset(inputs)?;
            check_funds(&ds, &funds)?;
            let r = score::score(
                &ds,
                &Options {
                    as_of,
                    funds,
                    profile: inputs.profile.clone(),
                    ..Options::default()
                },
            );
            let text = out.format.renderer().scores(&r, &context(&ds, &out));
            emit(out.output.as_deref(), &text)
        }
        Command::Explain { fund, out, as_of } => {
            let ds = dataset(inputs)?;
            check_funds(&ds, std::slice::from_ref(&fund))?;
            let r = score::score(
                &ds,
                &Options {
                    as_of,
                    profile: inputs.profile.clone(),
                    ..Options::default()
                },
            );
            let f = pick(&r, &fund)?;
            let text = out.format.renderer().explain(&r, f, &context(&ds, &out));
            emit(out.output.as_deref(), &text)
        }
        Command::Compare { funds, out, as_of } => {
            let ds = dataset(inputs)?;
            check_funds(&ds, &funds)?;
            let mut seen = Vec::new();
            for f in &funds {
                if seen.contains(&f) {
                    return Err(Error::Usage(format!("fund `{f}` is given twice")));
                }
                seen.push(f);
            }
            let r = score::score(
                &ds,
                &Options {
                    as_of,
                    profile: inputs.profile.clone(),
                    ..Options::default()
                },
            );
            let picked = funds
                .iter()
                .map(|f| pick(&r, f))
                .collect::<Result<Vec<&FundResult>, Error>>()?;
            let text = out
                .format
                .renderer()
                .compare(&r, &picked, &context(&ds, &out));
            emit(out.output.as_deref(), &text)
        }
        Command::Validate { strict, coverage } => validate(inputs, strict, coverage),
        Command::Schema { kind, output } => {
            let schema = match kind {
                SchemaKind::Fund => schemars::schema_for!(RawFund),
                SchemaKind::Rubric => schemars::schema_for!(RawRubric),
                SchemaKind::Disclosures => schemars::schema_for!(RawCatalogue),
            };
            let mut text =
                serde_json::to_string_pretty(&schema).map_err(|e| Error::Usage(e.to_string()))?;
            text.push('\n');
            emit(output.as_deref(), &text)
        }
        Command::Rubrics => rubrics(inputs),
    }
}

fn sources(inputs: &Inputs) -> Sources {
    Sources {
        dir: inputs.dir.clone(),
        disclosures: inputs.disclosures.clone(),
        rubric: inputs.rubric.clone(),
        funds: inputs.funds.clone(),
    }
}

fn note(msg: &str) {
    eprintln!("swfscore: {msg}");
}

fn print_diagnostics(d: &Diagnostics) {
    let mut err = std::io::stderr().lock();
    for p in d.sorted() {
        let _ = writeln!(err, "{p}");
    }
}

/// Loads and checks the inputs, applies `--profile`, and reports problems on stderr.
pub fn dataset(inputs: &Inputs) -> Result<Dataset, Error> {
    let Loaded {
        dataset,
        diagnostics,
        notes,
    } = load::load(&sources(inputs));
    for n in &notes {
        note(n);
    }
    let Some(mut ds) = dataset else {
        print_diagnostics(&diagnostics);
        return Err(Error::Input(diagnostics));
    };
    if diagnostics.warnings() > 0 {
        note(&format!(
            "{} warning(s) in the inputs; `swfscore validate` lists them",
            diagnostics.warnings()
        ));
    }
    if let Some(p) = &inputs.profile {
        match ds.rubric.with_profile(p, &ds.catalogue) {
            Some(r) => ds.rubric = r,
            None => {
                let ids: Vec<&str> = ds.rubric.profiles.iter().map(|p| p.id.as_str()).collect();
                let hint = match did_you_mean(p, ids.iter().copied()) {
                    Some(b) => format!(" (did you mean `{b}`?)"),
                    None if ids.is_empty() => " (this rubric defines no profiles)".to_string(),
                    None => format!(" (available: {})", ids.join(", ")),
                };
                return Err(Error::Usage(format!(
                    "no profile `{p}` in rubric `{}`{hint}",
                    ds.rubric.id
                )));
            }
        }
    }
    Ok(ds)
}

/// Fails with a suggestion when a fund id is not in the dataset.
pub fn check_funds(ds: &Dataset, ids: &[String]) -> Result<(), Error> {
    for id in ids {
        if ds.fund(id).is_none() {
            let hint = did_you_mean(id, ds.funds.iter().map(|f| f.id.as_str()))
                .map(|b| format!(" (did you mean `{b}`?)"))
                .unwrap_or_else(|| {
                    format!(
                        " (known funds: {})",
                        ds.funds
                            .iter()
                            .map(|f| f.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
            return Err(Error::Usage(format!("unknown fund `{id}`{hint}")));
        }
    }
    Ok(())
}

fn pick<'a>(r: &'a Results, id: &str) -> Result<&'a FundResult, Error> {
    r.results
        .iter()
        .find(|f| f.fund == id)
        .ok_or_else(|| Error::Usage(format!("unknown fund `{id}`")))
}

/// Whether to colour: only the table format, only on a terminal, never with NO_COLOR.
fn colour(out: &Output) -> bool {
    let to_stdout = out.output.as_deref().is_none_or(|p| p == Path::new("-"));
    match out.color {
        ColourChoice::Always => out.format == Format::Table,
        ColourChoice::Never => false,
        ColourChoice::Auto => {
            out.format == Format::Table
                && to_stdout
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

fn context<'a>(ds: &'a Dataset, out: &Output) -> Context<'a> {
    Context {
        dataset: ds,
        colour: colour(out),
    }
}

/// Writes `text` to stdout, or to `path` all at once (a temporary file renamed into place),
/// so a failed command never leaves a partial file.
pub fn emit(path: Option<&Path>, text: &str) -> Result<(), Error> {
    match path {
        None => write_stdout(text),
        Some(p) if p == Path::new("-") => write_stdout(text),
        Some(p) => write_file(p, text.as_bytes()),
    }
}

fn write_stdout(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Write {
            path: PathBuf::from("<stdout>"),
            source: e,
        }),
    }
}

/// Writes a file atomically: to a sibling temporary file, then renamed over the target.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let fail = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.swfscore-tmp"));
    std::fs::write(&tmp, bytes).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })
}

fn validate(inputs: &Inputs, strict: bool, coverage: bool) -> Result<(), Error> {
    let Loaded {
        dataset,
        mut diagnostics,
        notes,
    } = load::load(&sources(inputs));
    for n in &notes {
        note(n);
    }
    if strict {
        diagnostics.promote_warnings();
    }
    print_diagnostics(&diagnostics);
    let (errors, warnings) = (diagnostics.errors(), diagnostics.warnings());
    if let Some(ds) = &dataset {
        if coverage {
            print!("{}", coverage_table(ds));
        }
        if errors == 0 {
            println!(
                "ok: {} funds, {} disclosures, rubric `{}` ({} items); {warnings} warning(s)",
                ds.funds.len(),
                ds.catalogue.disclosures.len(),
                ds.rubric.id,
                ds.rubric.items().count()
            );
            return Ok(());
        }
    }
    let what = if strict {
        "error(s) (warnings count as errors with --strict)"
    } else {
        "error(s)"
    };
    Err(Error::CheckFailed(format!(
        "{errors} {what}, {warnings} warning(s)"
    )))
}

/// Per fund: how many catalogue disclosures are assessed, unknown, not applicable, and the
/// date of the newest evidence.
pub fn coverage_table(ds: &Dataset) -> String {
    use crate::render::text::{Align, Table, Tone};
    let mut t = Table::new(&[
        ("Fund", Align::Left),
        ("Assessed", Align::Right),
        ("full", Align::Right),
        ("partial", Align::Right),
        ("none", Align::Right),
        ("Unknown", Align::Right),
        ("N/A", Align::Right),
        ("Newest evidence", Align::Left),
        ("Reviewed", Align::Left),
    ]);
    let total = ds.catalogue.disclosures.len();
    for f in &ds.funds {
        let count = |l: Level| {
            ds.catalogue
                .ids()
                .filter(|d| f.standing(d, None).level == l)
                .count()
        };
        let newest = f
            .disclosures
            .values()
            .flat_map(|a| {
                a.evidence
                    .iter()
                    .chain(a.history.iter().flat_map(|p| p.evidence.iter()))
            })
            .filter_map(|e| e.date)
            .max();
        let (full, partial, none) = (
            count(Level::Full),
            count(Level::Partial),
            count(Level::None),
        );
        t.row(vec![
            (f.id.clone(), Tone::Plain),
            (format!("{}/{total}", full + partial + none), Tone::Plain),
            (full.to_string(), Tone::Plain),
            (partial.to_string(), Tone::Plain),
            (none.to_string(), Tone::Plain),
            (count(Level::Unknown).to_string(), Tone::Plain),
            (count(Level::NotApplicable).to_string(), Tone::Plain),
            (newest.map_or("-".into(), |d| d.to_string()), Tone::Plain),
            (f.assessed.to_string(), Tone::Plain),
        ]);
    }
    t.render(false)
}

fn rubrics(inputs: &Inputs) -> Result<(), Error> {
    use crate::render::text::{Align, Table, Tone};
    let mut t = Table::new(&[
        ("Rubric", Align::Left),
        ("Title", Align::Left),
        ("Items", Align::Right),
        ("Scale", Align::Right),
        ("Profiles", Align::Left),
        ("Use", Align::Left),
    ]);
    let mut rows: Vec<(String, String)> = Vec::new(); // (use, text)
    let dir = &inputs.dir;
    let default = dir.join("rubric.yaml");
    if default.is_file() {
        rows.push((
            "(default)".into(),
            std::fs::read_to_string(&default).unwrap_or_default(),
        ));
    } else {
        rows.push((
            "(default, built-in)".into(),
            load::builtin::RUBRIC.to_string(),
        ));
    }
    let mut on_disk = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir.join("rubrics")) {
        let mut paths: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        paths.sort();
        for p in paths {
            on_disk.push(
                p.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
            let shown = p.strip_prefix(".").unwrap_or(&p).display().to_string();
            rows.push((
                format!("--rubric {shown}"),
                std::fs::read_to_string(&p).unwrap_or_default(),
            ));
        }
    }
    for (name, text) in load::builtin_rubrics() {
        if !on_disk.iter().any(|n| n == name) {
            rows.push((format!("--rubric {name}  (built-in)"), text.to_string()));
        }
    }
    for (usage, text) in rows {
        match crate::yaml::parse::<RawRubric>(&text, &usage) {
            Ok(r) => {
                let items: usize = r.categories.iter().map(|c| c.value.items.len()).sum();
                let profiles: Vec<String> = r
                    .profiles
                    .iter()
                    .map(|p| p.value.id.value.clone())
                    .collect();
                t.row(vec![
                    (r.id.value.clone(), Tone::Plain),
                    (r.title.clone(), Tone::Plain),
                    (items.to_string(), Tone::Plain),
                    (r.scale.value.to_string(), Tone::Plain),
                    (
                        if profiles.is_empty() {
                            "-".into()
                        } else {
                            profiles.join(", ")
                        },
                        Tone::Plain,
                    ),
                    (usage, Tone::Plain),
                ]);
            }
            Err(e) => t.row(vec![
                ("(invalid)".into(), Tone::Plain),
                (e.message, Tone::Plain),
                (String::new(), Tone::Plain),
                (String::new(), Tone::Plain),
                (String::new(), Tone::Plain),
                (usage, Tone::Plain),
            ]),
        }
    }
    emit(None, &t.render(false))
}
