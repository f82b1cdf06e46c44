//! What each subcommand does: load, score once, render, write.

use crate::analysis::{self, gap::Goal};
use crate::cli::{Cli, ColourChoice, Command, DiffFormat, Inputs, Output, SchemaKind};
use crate::diag::{Diagnostics, did_you_mean};
use crate::error::Error;
use crate::load::{self, Loaded, Sources};
use crate::model::{Dataset, Level};
use crate::raw::{RawCatalogue, RawFund, RawRubric};
use crate::render::{self, Context, Format};
use crate::report;
use crate::score::{self, FundResult, Options, Results};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Score { inputs, out, as_of, at_age, funds } => {
            let ds = dataset(&inputs)?;
            check_funds(&ds, &funds)?;
            let r = score::score(
                &ds,
                &Options { as_of, at_age, funds, profile: inputs.profile.clone(), ..Options::default() },
            );
            let text = out.format.renderer().scores(&r, &context(&ds, &out));
            emit(out.output.as_deref(), &text)
        }
        Command::Explain { fund, inputs, out, as_of } => {
            let ds = dataset(&inputs)?;
            check_funds(&ds, std::slice::from_ref(&fund))?;
            let opts = Options { as_of, profile: inputs.profile.clone(), unknown_effects: true, ..Options::default() };
            let r = score::score(&ds, &opts);
            let f = pick(&r, &fund)?;
            let text = out.format.renderer().explain(&r, f, &context(&ds, &out));
            emit(out.output.as_deref(), &text)
        }
        Command::Compare { funds, inputs, out, as_of } => {
            let ds = dataset(&inputs)?;
            check_funds(&ds, &funds)?;
            check_distinct(&funds)?;
            let r = score::score(&ds, &Options { as_of, profile: inputs.profile.clone(), ..Options::default() });
            let picked = funds.iter().map(|f| pick(&r, f)).collect::<Result<Vec<&FundResult>, Error>>()?;
            let text = out.format.renderer().compare(&r, &picked, &context(&ds, &out));
            emit(out.output.as_deref(), &text)
        }
        Command::Validate { inputs, strict, coverage, review } => validate(&inputs, strict, coverage, review),
        Command::Schema { kind, output } => {
            let mut text = schema(kind);
            text.push('\n');
            emit(output.as_deref(), &text)
        }
        Command::Rubrics { dir } => rubrics(&dir),
        Command::History { funds, from, inputs, out } => {
            no_html(&out, "history")?;
            let ds = dataset(&inputs)?;
            check_funds(&ds, &funds)?;
            check_distinct(&funds)?;
            let h = analysis::history::history(&ds, &funds, from, inputs.profile.clone());
            emit(out.output.as_deref(), &render::analysis::history(&h, out.format, colour(&out)))
        }
        Command::Gap { fund, target, inputs, out } => {
            no_html(&out, "gap")?;
            let ds = dataset(&inputs)?;
            check_funds(&ds, std::slice::from_ref(&fund))?;
            let goal = match (target.target_score, target.target_rank, target.target_fund) {
                (Some(s), _, _) => Some(Goal::Score(s)),
                (_, Some(r), _) => Some(Goal::Rank(r)),
                (_, _, Some(f)) => {
                    check_funds(&ds, std::slice::from_ref(&f))?;
                    Some(Goal::Fund(f))
                }
                _ => None,
            };
            let g = analysis::gap::gap(&ds, &fund, goal.as_ref(), target.skip_commercial, inputs.profile.clone())
                .map_err(Error::Usage)?;
            emit(out.output.as_deref(), &render::analysis::gap(&g, out.format, colour(&out)))
        }
        Command::Whatif { fund, set, scenario, inputs, out } => {
            no_html(&out, "whatif")?;
            let ds = dataset(&inputs)?;
            let mut changes = Vec::new();
            let mut title = None;
            if let Some(f) = &fund {
                check_funds(&ds, std::slice::from_ref(f))?;
                if set.is_empty() && scenario.is_none() {
                    return Err(Error::Usage(
                        "nothing to change: give `--set DISCLOSURE=LEVEL` or `--scenario FILE`".into(),
                    ));
                }
                changes.extend(analysis::whatif::from_args(&ds, f, &set).map_err(Error::Usage)?);
            }
            if let Some(path) = &scenario {
                let mut d = Diagnostics::new();
                let name = path.display().to_string();
                let text =
                    std::fs::read_to_string(path).map_err(|e| Error::Usage(format!("cannot read {name}: {e}")))?;
                match analysis::whatif::from_file(&ds, &text, &name, &mut d) {
                    Some((t, c)) => {
                        title = t;
                        changes.extend(c);
                    }
                    None => {
                        print_diagnostics(&d);
                        return Err(Error::Input(d));
                    }
                }
            }
            if changes.is_empty() {
                return Err(Error::Usage(
                    "nothing to change: give a FUND with `--set DISCLOSURE=LEVEL`, or `--scenario FILE`".into(),
                ));
            }
            let w = analysis::whatif::whatif(&ds, title, &changes, inputs.profile.clone());
            emit(out.output.as_deref(), &render::analysis::whatif(&w, out.format, colour(&out)))
        }
        Command::Report { inputs, out, check } => {
            let ds = dataset(&inputs)?;
            let views = default_views(&inputs.data, &ds)?;
            let files = report::build(&ds, &views);
            let dir = out.unwrap_or_else(|| inputs.data.dir.join("reports"));
            if check {
                let mut stale = Vec::new();
                for f in &files {
                    let on_disk = std::fs::read_to_string(dir.join(f.name)).ok();
                    let d = report::diff(&load::display(&dir.join(f.name)), on_disk.as_deref(), &f.text);
                    if !d.is_empty() {
                        write_stdout(&d)?;
                        stale.push(f.name);
                    }
                }
                if stale.is_empty() {
                    note(&format!("{} is up to date ({} files)", load::display(&dir), files.len()));
                    return Ok(());
                }
                return Err(Error::CheckFailed(format!(
                    "{} is stale: {} differ; run `swfscore report`",
                    load::display(&dir),
                    stale.join(", ")
                )));
            }
            std::fs::create_dir_all(&dir).map_err(|e| Error::Write { path: dir.clone(), source: e })?;
            for f in &files {
                write_file(&dir.join(f.name), f.text.as_bytes())?;
            }
            note(&format!("wrote {} files to {}", files.len(), load::display(&dir)));
            Ok(())
        }
        Command::Diff { base, inputs, format, output } => {
            let current = dataset(&inputs)?;
            let mut old = load_base(&base, &inputs)?;
            if let Some(p) = &inputs.profile {
                old.rubric = old.rubric.with_profile(p, &old.catalogue).unwrap_or(old.rubric.clone());
            }
            let d = analysis::diff::diff(&base, &old, &current);
            let text = match format {
                DiffFormat::Markdown => analysis::diff::markdown(&d),
                DiffFormat::Json => serde_json::to_string_pretty(&d).unwrap_or_default() + "\n",
            };
            emit(output.as_deref(), &text)
        }
        Command::CompareRubrics { data, rubrics, profiles, out } => {
            no_html(&out, "compare-rubrics")?;
            let mut views: Vec<(String, Dataset)> = Vec::new();
            let base_inputs = Inputs { data: data.clone(), rubric: None, profile: None };
            if rubrics.is_empty() && profiles.is_empty() {
                views = default_views(&data, &dataset(&base_inputs)?)?;
            } else {
                if !profiles.is_empty() {
                    let base = dataset(&base_inputs)?;
                    if rubrics.is_empty() {
                        views.push((base.rubric.id.clone(), base.clone()));
                    }
                    for p in &profiles {
                        views.push((format!("{}:{p}", base.rubric.id), profiled(&base, p)?));
                    }
                }
                for r in &rubrics {
                    let ds = dataset(&Inputs { rubric: Some(r.clone()), ..base_inputs.clone() })?;
                    views.push((ds.rubric.id.clone(), ds));
                }
            }
            if views.len() < 2 {
                return Err(Error::Usage("compare-rubrics needs at least two rubrics or profiles".into()));
            }
            let c = analysis::rubrics::compare(&views);
            emit(out.output.as_deref(), &render::analysis::rubric_comparison(&c, out.format, colour(&out)))
        }
    }
}

/// The default rubric (as loaded in `base`), each of its profiles, and every rubric in
/// DIR/rubrics (or the built-in ones).
fn default_views(data: &crate::cli::Data, base: &Dataset) -> Result<Vec<(String, Dataset)>, Error> {
    let mut views = vec![(base.rubric.id.clone(), base.clone())];
    for p in &base.rubric.profiles {
        views.push((format!("{}:{}", base.rubric.id, p.id), profiled(base, &p.id)?));
    }
    for name in available_rubrics(&data.dir) {
        let ds = quiet_dataset(&Inputs { data: data.clone(), rubric: Some(name), profile: None })?;
        views.push((ds.rubric.id.clone(), ds));
    }
    Ok(views)
}

/// Like [`dataset`], without repeating notes and warning counts already printed.
fn quiet_dataset(inputs: &Inputs) -> Result<Dataset, Error> {
    let Loaded { dataset, diagnostics, .. } = load::load(&sources(inputs));
    dataset.map(|ds| with_policy(ds, &inputs.data)).ok_or_else(|| {
        print_diagnostics(&diagnostics);
        Error::Input(diagnostics)
    })
}

/// The data at `base`: another folder, or a git revision of the repository in `--dir`.
fn load_base(base: &str, inputs: &Inputs) -> Result<Dataset, Error> {
    let as_dir = Path::new(base);
    if as_dir.is_dir() {
        return quiet_dataset(&Inputs {
            data: crate::cli::Data { dir: as_dir.to_path_buf(), funds: None, disclosures: None, ..inputs.data.clone() },
            ..inputs.clone()
        });
    }
    let dir = &inputs.data.dir;
    let git = |args: &[&str]| -> Result<String, Error> {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .map_err(|e| Error::Usage(format!("cannot run git: {e}")))?;
        if !out.status.success() {
            return Err(Error::Usage(format!(
                "`{base}` is neither a folder nor a git revision of {}: {}",
                dir.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let prefix = git(&["rev-parse", "--show-prefix"])?.trim().to_string();
    let show = |path: &str| git(&["show", &format!("{base}:{prefix}{path}")]);
    let disclosures = show("disclosures.yaml")?;
    let rubric = show("rubric.yaml")?;
    let listing = git(&["ls-tree", "--name-only", base, &format!("{prefix}funds/")])?;
    let mut funds = Vec::new();
    for path in listing.lines().filter(|p| p.ends_with(".yaml")) {
        let name = path.rsplit('/').next().unwrap_or(path);
        let stem = name.trim_end_matches(".yaml").to_string();
        funds.push((stem, show(&format!("funds/{name}"))?));
    }
    let pairs: Vec<(&str, &str)> = funds.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let loaded = load::from_texts(&disclosures, &rubric, &pairs);
    loaded.dataset.map(|ds| with_policy(ds, &inputs.data)).ok_or_else(|| {
        print_diagnostics(&loaded.diagnostics);
        Error::Input(loaded.diagnostics)
    })
}

/// The analysis commands write table, Markdown, CSV or JSON.
fn no_html(out: &Output, command: &str) -> Result<(), Error> {
    if out.format == Format::Html {
        return Err(Error::Usage(format!("`{command}` has no HTML format; use table, markdown, csv or json")));
    }
    Ok(())
}

/// The JSON Schema of an input file.
pub fn schema(kind: SchemaKind) -> String {
    let schema = match kind {
        SchemaKind::Fund => schemars::schema_for!(RawFund),
        SchemaKind::Rubric => schemars::schema_for!(RawRubric),
        SchemaKind::Disclosures => schemars::schema_for!(RawCatalogue),
        SchemaKind::Scenario => schemars::schema_for!(analysis::whatif::RawScenario),
    };
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

fn check_distinct(funds: &[String]) -> Result<(), Error> {
    for (i, f) in funds.iter().enumerate() {
        if funds[..i].contains(f) {
            return Err(Error::Usage(format!("fund `{f}` is given twice")));
        }
    }
    Ok(())
}

/// The rubrics in DIR/rubrics, else the built-in ones, as `--rubric` values.
fn available_rubrics(dir: &Path) -> Vec<PathBuf> {
    let mut on_disk: Vec<PathBuf> = std::fs::read_dir(dir.join("rubrics"))
        .map(|e| e.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "yaml")).collect())
        .unwrap_or_default();
    on_disk.sort();
    if on_disk.is_empty() { load::builtin_rubrics().map(|(n, _)| PathBuf::from(n)).collect() } else { on_disk }
}

fn sources(inputs: &Inputs) -> Sources {
    Sources {
        dir: inputs.data.dir.clone(),
        disclosures: inputs.data.disclosures.clone(),
        rubric: inputs.rubric.clone(),
        funds: inputs.data.funds.clone(),
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
    let Loaded { dataset, diagnostics, notes } = load::load(&sources(inputs));
    for n in &notes {
        note(n);
    }
    let Some(ds) = dataset else {
        print_diagnostics(&diagnostics);
        return Err(Error::Input(diagnostics));
    };
    if diagnostics.warnings() > 0 {
        note(&format!("{} warning(s) in the inputs; `swfscore validate` lists them", diagnostics.warnings()));
    }
    let ds = with_policy(ds, &inputs.data);
    match &inputs.profile {
        Some(p) => profiled(&ds, p),
        None => Ok(ds),
    }
}

/// The dataset with `--unknown` applied to its rubric.
fn with_policy(mut ds: Dataset, data: &crate::cli::Data) -> Dataset {
    if let Some(u) = data.unknown {
        ds.rubric.unknown = u.into();
    }
    ds
}

/// `ds` scored under its rubric's profile `p`, or a usage error naming the profiles there are.
fn profiled(ds: &Dataset, p: &str) -> Result<Dataset, Error> {
    let Some(rubric) = ds.rubric.with_profile(p, &ds.catalogue) else {
        let ids: Vec<&str> = ds.rubric.profiles.iter().map(|p| p.id.as_str()).collect();
        let hint = match did_you_mean(p, ids.iter().copied()) {
            Some(b) => format!(" (did you mean `{b}`?)"),
            None if ids.is_empty() => " (this rubric defines no profiles)".to_string(),
            None => format!(" (available: {})", ids.join(", ")),
        };
        return Err(Error::Usage(format!("no profile `{p}` in rubric `{}`{hint}", ds.rubric.id)));
    };
    Ok(Dataset { rubric, ..ds.clone() })
}

/// Fails with a suggestion when a fund id is not in the dataset.
pub fn check_funds(ds: &Dataset, ids: &[String]) -> Result<(), Error> {
    for id in ids {
        if ds.fund(id).is_none() {
            let hint = did_you_mean(id, ds.funds.iter().map(|f| f.id.as_str()))
                .map(|b| format!(" (did you mean `{b}`?)"))
                .unwrap_or_else(|| {
                    format!(" (known funds: {})", ds.funds.iter().map(|f| f.id.as_str()).collect::<Vec<_>>().join(", "))
                });
            return Err(Error::Usage(format!("unknown fund `{id}`{hint}")));
        }
    }
    Ok(())
}

fn pick<'a>(r: &'a Results, id: &str) -> Result<&'a FundResult, Error> {
    r.results.iter().find(|f| f.fund == id).ok_or_else(|| Error::Usage(format!("unknown fund `{id}`")))
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
    Context { dataset: ds, colour: colour(out) }
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
        Err(e) => Err(Error::Write { path: PathBuf::from("<stdout>"), source: e }),
    }
}

/// Writes a file atomically: to a sibling temporary file, then renamed over the target.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let fail = |source| Error::Write { path: path.to_path_buf(), source };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.swfscore-tmp"));
    std::fs::write(&tmp, bytes).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })
}

fn validate(inputs: &Inputs, strict: bool, coverage: bool, review: bool) -> Result<(), Error> {
    let Loaded { dataset, mut diagnostics, notes } = load::load(&sources(inputs));
    for n in &notes {
        note(n);
    }
    if strict {
        diagnostics.promote_warnings();
    }
    print_diagnostics(&diagnostics);
    let (errors, warnings) = (diagnostics.errors(), diagnostics.warnings());
    if let Some(ds) = &dataset {
        let mut text = String::new();
        if coverage {
            text.push_str(&coverage_table(ds));
        }
        if review {
            text.push_str(&review_table(ds));
        }
        if errors == 0 {
            text.push_str(&format!(
                "ok: {} funds, {} disclosures, rubric `{}` ({} items); {warnings} warning(s)\n",
                ds.funds.len(),
                ds.catalogue.disclosures.len(),
                ds.rubric.id,
                ds.rubric.items().count()
            ));
            return write_stdout(&text);
        }
        write_stdout(&text)?;
    }
    let what = if strict { "error(s) (warnings count as errors with --strict)" } else { "error(s)" };
    Err(Error::CheckFailed(format!("{errors} {what}, {warnings} warning(s)")))
}

/// `validate --review`: the research queue, oldest evidence first.
pub fn review_table(ds: &Dataset) -> String {
    use crate::render::text::{Align, Table, Tone};
    let queue = crate::validate::review_queue(ds);
    let mut out = format!(
        "\nResearch queue: {} full or partial level(s) whose newest evidence is more than {} years older than the assessment.\nEach level stands until a source shows a change; a newer source would confirm it.\n\n",
        queue.len(),
        crate::validate::REVIEW_AFTER_YEARS
    );
    let mut t = Table::new(&[
        ("Newest evidence", Align::Left),
        ("Years", Align::Right),
        ("Fund", Align::Left),
        ("Disclosure", Align::Left),
        ("Level", Align::Left),
    ]);
    for r in &queue {
        t.row(vec![
            (r.newest.to_string(), Tone::Plain),
            (r.years.to_string(), Tone::Plain),
            (r.fund.clone(), Tone::Plain),
            (r.disclosure.clone(), Tone::Plain),
            (r.level.to_string(), Tone::Plain),
        ]);
    }
    out.push_str(&t.render(false));
    out
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
        let count = |l: Level| ds.catalogue.ids().filter(|d| f.standing(d, None).level == l).count();
        let newest = f
            .disclosures
            .values()
            .flat_map(|a| a.evidence.iter().chain(a.history.iter().flat_map(|p| p.evidence.iter())))
            .filter_map(|e| e.date)
            .max();
        let (full, partial, none) = (count(Level::Full), count(Level::Partial), count(Level::None));
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

fn rubrics(dir: &Path) -> Result<(), Error> {
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
    let default = dir.join("rubric.yaml");
    if default.is_file() {
        rows.push(("(default)".into(), std::fs::read_to_string(&default).unwrap_or_default()));
    } else {
        rows.push(("(default, built-in)".into(), load::builtin::RUBRIC.to_string()));
    }
    let mut on_disk = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir.join("rubrics")) {
        let mut paths: Vec<PathBuf> =
            entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "yaml")).collect();
        paths.sort();
        for p in paths {
            on_disk.push(p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
            let shown = p.strip_prefix(".").unwrap_or(&p).display().to_string();
            rows.push((format!("--rubric {shown}"), std::fs::read_to_string(&p).unwrap_or_default()));
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
                let profiles: Vec<String> = r.profiles.iter().map(|p| p.value.id.value.clone()).collect();
                t.row(vec![
                    (r.id.value.clone(), Tone::Plain),
                    (r.title.clone(), Tone::Plain),
                    (items.to_string(), Tone::Plain),
                    (r.scale.value.to_string(), Tone::Plain),
                    (if profiles.is_empty() { "-".into() } else { profiles.join(", ") }, Tone::Plain),
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
