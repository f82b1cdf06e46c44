//! What each subcommand does: resolve the command line once ([`Config`]), load once,
//! compute one result value, render it through the format's [`Renderer`], write it.

use crate::analysis::explain::{Comparison, Explanation, Ranking};
use crate::analysis::{self, gap::Goal};
use crate::cli::{Age, Basis, Cli, Command, MAX_MODEL_RUNS, SchemaKind, Target as GapTarget};
use crate::config::{Config, Target};
use crate::diag::{Diagnostics, did_you_mean};
use crate::error::{CheckError, Error, UsageError, YearError};
use crate::load::{self, Loaded, Sources};
use crate::locale::Lang;
use crate::model::{Dataset, LevelChange, When};
use crate::output::{emit, shown, write_files, write_stdout};
use crate::raw::{RawCatalogue, RawFund, RawRubric, RawScenario};
use crate::render::{Context, Format, Glossary, View};
use crate::report;
use crate::score::{self, FundResult, Options, Results};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Score { inputs, out, basis: Basis { as_of, at_age }, funds, skip_invalid } => {
            score(&Config::with_out(&inputs, &out)?, as_of, at_age, &funds.all(), skip_invalid)
        }
        Command::Explain { fund, inputs, out, basis: Basis { as_of, at_age } } => {
            explain(&Config::with_out(&inputs, &out)?, &fund.required()?, as_of, at_age)
        }
        Command::Compare { funds, inputs, out, basis: Basis { as_of, at_age } } => {
            let funds = funds.all();
            if funds.len() < 2 {
                return Err(UsageError::CompareNeedsTwo.into());
            }
            compare(&Config::with_out(&inputs, &out)?, &funds, as_of, at_age)
        }
        Command::Validate { inputs, strict, coverage, review, out } => {
            validate(&Config::with_out(&inputs, &out)?, strict, coverage, review, out.lang)
        }
        Command::New { id, name, jurisdiction, established, data, output } => {
            new_fund(&Config::for_data(&data), &id, name, jurisdiction, established, output)
        }
        Command::Schema { kind, output } => {
            let cfg =
                Config { target: output.map_or(Target::Stdout, Target::File), ..Config::for_data(&default_data()) };
            emit(&cfg, &(schema(kind) + "\n"))
        }
        Command::Funds { data, out } => funds(&Config::for_data(&data).output(&out)?),
        Command::Rubrics { data, out } => rubrics(&Config::for_data(&data).output(&out)?),
        Command::History { funds, from, by_age, inputs, out } => {
            history(&Config::with_out(&inputs, &out)?, &funds.all(), from, by_age)
        }
        Command::Gap { fund, target, at_age, inputs, out } => {
            gap(&Config::with_out(&inputs, &out)?, &fund.required()?, &target, at_age.as_ref())
        }
        Command::Whatif { fund, set, scenario, inputs, out } => {
            whatif(&Config::with_out(&inputs, &out)?, fund.get().as_deref(), &set, scenario.as_deref())
        }
        Command::Report { inputs, out, check, lang, samples, backtest_runs } => {
            let langs = lang.map_or(Lang::ALL.to_vec(), |l| vec![l]);
            let settings = report::Settings {
                samples: samples.map(|n| n as usize),
                backtest_runs: backtest_runs.map(|n| n as usize),
            };
            report(&Config::new(&inputs), out, check, &langs, settings)
        }
        Command::Diff { base, inputs, format, output, lang } => {
            // Markdown by default, for a pull request's comment.
            let format = crate::config::resolve_format(format, output.as_deref(), Format::Markdown)?;
            let mut cfg = Config::new(&inputs).with_output(format, output, crate::cli::ColourChoice::Never);
            cfg.lang = lang.unwrap_or_default();
            diff(&cfg, &base)
        }
        Command::Robustness { inputs, out, run } => robustness(&Config::with_out(&inputs, &out)?, run),
        Command::Backtest { inputs, out, runs, share, seed, spread } => {
            let cfg = Config::with_out(&inputs, &out)?;
            let ds = dataset(&cfg)?;
            let b = crate::estimate::backtest(&ds, runs as usize, share, seed, spread);
            emit_view(&cfg, &ds, &b)
        }
        Command::Batch { data, rubrics, profiles, panel, output, format, lang } => {
            let mut cfg = Config::for_data(&data).with_output(
                format.unwrap_or(Format::Table),
                None,
                crate::cli::ColourChoice::Auto,
            );
            cfg.lang = lang.unwrap_or_default();
            batch(&cfg, &rubrics, &profiles, panel.as_deref(), output.as_deref())
        }
        Command::Panel { data, from, to, output } => panel(&Config::for_data(&data), from, to, &output),
        Command::Sql { inputs, dialect, table, output } => sql(&inputs, dialect, &table, output.as_deref()),
        Command::Audit { inputs, out, panel_years, bootstrap, seed, credits } => {
            let cfg = Config::with_out(&inputs, &out)?;
            // The profile is applied once, by `dataset`.
            let ds = dataset(&cfg)?;
            let settings = analysis::audit::Settings { panel_years, bootstrap: bootstrap as usize, seed, credits };
            let a = analysis::audit::audit(&ds, cfg.profile.clone(), &settings);
            emit_view(&cfg, &ds, &a)
        }
        Command::Trend { from, to, funds, inputs, out } => {
            trend(&Config::with_out(&inputs, &out)?, from, to, &funds.all())
        }
        Command::CompareRubrics { data, rubrics, profiles, out } => {
            let cfg = Config::for_data(&data).output(&out)?;
            compare_rubrics(&cfg, &rubrics, &profiles)
        }
    }
}

fn default_data() -> crate::cli::Data {
    crate::cli::Data { dir: PathBuf::from("."), funds: None, disclosures: None, unknown: None, filter: vec![] }
}

fn score(
    cfg: &Config,
    as_of: Option<i32>,
    at_age: Option<Age>,
    funds: &[String],
    skip_invalid: bool,
) -> Result<(), Error> {
    let (ds, skipped) = dataset_skipping(cfg, skip_invalid)?;
    let funds = resolve_funds(&ds, funds)?;
    check_year(&ds, as_of)?;
    let at_age = age(&ds, at_age.as_ref())?;
    let r = score::score(&ds, &Options { as_of, at_age, funds, profile: cfg.profile.clone(), ..Options::default() });
    // The page's cards and weights are made only for the page.
    let text =
        if cfg.format == Format::Html { render(cfg, &ds, &Ranking::of(&ds, &r))? } else { render(cfg, &ds, &r)? };
    emit(cfg, &text)?;
    if skipped.is_empty() { Ok(()) } else { Err(CheckError::SkippedInvalid { skipped }.into()) }
}

/// `--at-age` in years: a number from 0 to 1000, or a fund's age at its latest assessment.
fn age(ds: &Dataset, at_age: Option<&Age>) -> Result<Option<i32>, Error> {
    match at_age {
        None => Ok(None),
        Some(Age::Years(a)) => Ok(Some(*a)),
        Some(Age::Of(name)) => {
            let id = resolve_fund(ds, name)?;
            Ok(ds.fund(&id).map(|f| (f.assessed.year - f.established).max(0)))
        }
    }
}

fn explain(cfg: &Config, fund: &str, as_of: Option<i32>, at_age: Option<Age>) -> Result<(), Error> {
    let ds = dataset(cfg)?;
    let id = resolve_fund(&ds, fund)?;
    check_year(&ds, as_of)?;
    let at_age = age(&ds, at_age.as_ref())?;
    let opts = Options { as_of, at_age, profile: cfg.profile.clone(), unknown_effects: true, ..Options::default() };
    let r = score::score(&ds, &opts);
    let f = pick(&r, &id)?;
    emit_view(cfg, &ds, &Explanation::of(&ds, &r, f))
}

fn compare(cfg: &Config, funds: &[String], as_of: Option<i32>, at_age: Option<Age>) -> Result<(), Error> {
    let ds = dataset(cfg)?;
    let ids = resolve_funds(&ds, funds)?;
    check_distinct(&ids)?;
    check_year(&ds, as_of)?;
    let at_age = age(&ds, at_age.as_ref())?;
    let r = score::score(&ds, &Options { as_of, at_age, profile: cfg.profile.clone(), ..Options::default() });
    let funds = ids.iter().map(|f| pick(&r, f)).collect::<Result<Vec<&FundResult>, Error>>()?;
    emit_view(cfg, &ds, &Comparison { of: &r, funds })
}

fn history(cfg: &Config, funds: &[String], from: Option<i32>, by_age: bool) -> Result<(), Error> {
    let ds = dataset(cfg)?;
    let ids = resolve_funds(&ds, funds)?;
    check_distinct(&ids)?;
    check_year(&ds, from)?;
    let h = analysis::history::history(&ds, &ids, from, by_age, cfg.profile.clone());
    emit_view(cfg, &ds, &h)
}

fn gap(cfg: &Config, fund: &str, target: &GapTarget, at_age: Option<&Age>) -> Result<(), Error> {
    let all = dataset(cfg)?;
    let id = resolve_fund(&all, fund)?;
    let at_age = age(&all, at_age)?;
    // At an age, every fund as it stood then: the roadmap reads current levels only.
    let ds = all.at(When::of(None, at_age));
    if at_age.is_some() && ds.fund(&id).is_none() {
        let f = all.fund(&id).map_or(0, |f| f.assessed.year - f.established);
        return Err(YearError::NoRecordAtAge { age: at_age.unwrap_or(0), fund: id, last: f }.into());
    }
    let goal = match (target.target_score, target.target_rank, &target.target_fund, &target.match_fund) {
        (Some(s), _, _, _) => Some(Goal::Score(s)),
        (_, Some(r), _, _) => Some(Goal::Rank(r)),
        (_, _, Some(f), _) => Some(Goal::Fund(resolve_fund(&all, f)?)),
        (_, _, _, Some(f)) => Some(Goal::Match(resolve_fund(&all, f)?)),
        _ => None,
    };
    if let (Some(a), Some(Goal::Fund(f) | Goal::Match(f))) = (at_age, &goal)
        && ds.fund(f).is_none()
    {
        return Err(YearError::OtherTooYoung { age: a, fund: f.clone() }.into());
    }
    let mut g = analysis::gap::gap(&ds, &id, goal.as_ref(), target.skip_commercial, cfg.profile.clone())?;
    g.at_age = at_age;
    emit_view(cfg, &ds, &g)
}

fn whatif(cfg: &Config, fund: Option<&str>, set: &[String], scenario: Option<&Path>) -> Result<(), Error> {
    let ds = dataset(cfg)?;
    let mut changes: Vec<LevelChange> = Vec::new();
    let mut title = None;
    if let Some(f) = fund {
        let id = resolve_fund(&ds, f)?;
        if set.is_empty() && scenario.is_none() {
            return Err(UsageError::NoSet.into());
        }
        changes.extend(analysis::whatif::from_args(&ds, &id, set)?);
    }
    if let Some(path) = scenario {
        let s = load::scenario(path, &ds).map_err(Error::Input)?;
        title = s.title;
        for c in s.changes {
            if changes.iter().any(|(f, d, _)| *f == c.0 && *d == c.1) {
                return Err(UsageError::SetTwice { fund: c.0, disclosure: c.1 }.into());
            }
            changes.push(c);
        }
    }
    if changes.is_empty() {
        return Err(UsageError::NoChange.into());
    }
    let w = analysis::whatif::whatif(&ds, title, &changes, cfg.profile.clone());
    emit_view(cfg, &ds, &w)
}

fn compare_rubrics(cfg: &Config, rubrics: &[PathBuf], profiles: &[String]) -> Result<(), Error> {
    let base = dataset(cfg)?;
    let views = if rubrics.is_empty() && profiles.is_empty() {
        default_views(cfg, &base)?
    } else {
        let mut views: Vec<(String, Dataset)> = Vec::new();
        if !profiles.is_empty() && rubrics.is_empty() {
            views.push((base.rubric.id.clone(), base.clone()));
        }
        for p in profiles {
            views.push((format!("{}:{p}", base.rubric.id), profiled(&base, p)?));
        }
        for r in rubrics {
            let ds = load::with_rubric(&base, &cfg.sources, r).map_err(Error::Input)?;
            views.push((ds.rubric.id.clone(), policy(ds, cfg)));
        }
        views
    };
    // One rubric alone is compared with the default one (e.g. a rubric with its predecessor).
    let views = match views.as_slice() {
        [one] if one.1.rubric.id != base.rubric.id => {
            let mut v = vec![(base.rubric.id.clone(), base.clone())];
            v.extend(views);
            v
        }
        _ => views,
    };
    if views.len() < 2 {
        return Err(UsageError::TooFewRubrics.into());
    }
    let c = analysis::rubrics::compare(&views);
    emit_view(cfg, &base, &c)
}

/// `batch`: the long table of the repository's data, or of a panel.
fn batch(
    cfg: &Config,
    rubrics: &[PathBuf],
    profiles: &[String],
    panel: Option<&Path>,
    output: Option<&Path>,
) -> Result<(), Error> {
    if let Some(o) = output {
        crate::panel::TableFormat::of(o).ok_or_else(|| {
            Error::Panel(crate::panel::PanelError::Extension { path: o.to_path_buf(), reading: false })
        })?;
        // Scoring every fund-year takes a while: a folder that is not there fails first.
        crate::output::check_destination(o)?;
    }
    let base = dataset(cfg)?;
    let table = match panel {
        Some(file) => {
            if rubrics.len() > 1 || profiles.len() > 1 {
                return Err(UsageError::PanelUnderOneRubric.into());
            }
            let ds = under(cfg, &base, rubrics.first().map(PathBuf::as_path), profiles.first().map(String::as_str))?;
            let (mut levels, ignored) = crate::panel::read(file, &ds.catalogue).map_err(Error::Panel)?;
            if !ignored.is_empty() {
                note(&format!("{}: ignored column(s) {}", load::display(file), ignored.join(", ")));
            }
            if !cfg.filter.is_empty() {
                // A panel's fund passes `--where` through its descriptor (ds keeps only those that
                // match); a fund with no descriptor has no metadata to match.
                levels.retain_funds(|id| ds.fund(id).is_some());
                if levels.cells.is_empty() {
                    return Err(UsageError::NoPanelFundMatches { file: load::display(file) }.into());
                }
            }
            analysis::batch::panel(&ds, profiles.first().cloned(), &levels)
        }
        None => {
            let views = batch_views(cfg, &base, rubrics, profiles)?;
            let refs: Vec<analysis::batch::RepoView> = views.iter().map(|(p, ds)| (p.clone(), ds)).collect();
            analysis::batch::repository(&refs, output.is_some())
        }
    };
    match output {
        Some(o) => {
            let bytes = crate::panel::batch_bytes(&table, o).map_err(Error::Panel)?;
            write_files(&[(o.to_path_buf(), &bytes)])?;
            note(&format!("wrote {} rows to {}", table.rows.len(), load::display(o)));
            Ok(())
        }
        None => emit_view(cfg, &base, &analysis::batch::summary(&table)),
    }
}

/// `base` under the rubric and profile given, if any (the scoring `batch --panel` and `sql` use).
fn under(cfg: &Config, base: &Dataset, rubric: Option<&Path>, profile: Option<&str>) -> Result<Dataset, Error> {
    let ds = match rubric {
        Some(r) => policy(load::with_rubric(base, &cfg.sources, r).map_err(Error::Input)?, cfg),
        None => base.clone(),
    };
    match profile {
        Some(p) => profiled(&ds, p),
        None => Ok(ds),
    }
}

/// `sql`: the query that scores a panel table in another engine as `batch --panel` does.
fn sql(
    inputs: &crate::cli::Inputs,
    dialect: crate::sql::Dialect,
    table: &str,
    output: Option<&Path>,
) -> Result<(), Error> {
    let table = crate::sql::table_name(dialect, table)?;
    let cfg = Config::for_data(&inputs.data);
    let base = dataset(&cfg)?;
    let ds = under(&cfg, &base, inputs.rubric.as_deref(), inputs.profile.as_deref())?;
    let r = &ds.rubric;
    let mut about = vec![format!(
        "rubric `{}` ({}{}), scale {}–{}",
        r.id,
        r.title,
        r.version.as_deref().map(|v| format!(", version {v}")).unwrap_or_default(),
        r.floor,
        r.scale
    )];
    if let Some(p) = &inputs.profile {
        about.push(format!("profile `{p}`"));
    }
    about.push(format!(
        "unknown: {}{}",
        match r.unknown {
            crate::model::UnknownRule::None => "none (counts as none)",
            crate::model::UnknownRule::Exclude => "exclude (left out, weights renormalised)",
        },
        if inputs.data.unknown.is_some() { " (from --unknown)" } else { "" }
    ));
    let funds = (!cfg.filter.is_empty()).then(|| {
        let given: Vec<String> = cfg.filter.iter().map(|c| format!("--where {c}")).collect();
        about.push(format!("only the funds that match {}", given.join(" ")));
        ds.funds.iter().map(|f| f.id.clone()).collect()
    });
    let compiled = crate::score::Compiled::new(&ds.rubric);
    let text = crate::sql::query(&crate::sql::Query { compiled: &compiled, dialect, table, funds, about });
    match output {
        Some(p) if p.as_os_str() != "-" => write_files(&[(p.to_path_buf(), text.as_bytes())]),
        _ => write_stdout(&text),
    }
}

/// The views `batch` scores the repository under: the rubrics given (or the default one, its
/// profiles and every rubric in DIR/rubrics), each under the profiles given.
fn batch_views(
    cfg: &Config,
    base: &Dataset,
    rubrics: &[PathBuf],
    profiles: &[String],
) -> Result<Vec<(Option<String>, Dataset)>, Error> {
    if rubrics.is_empty() && profiles.is_empty() {
        let mut views = vec![(None, base.clone())];
        for p in &base.rubric.profiles {
            views.push((Some(p.id.clone()), profiled(base, &p.id)?));
        }
        for spec in load::rubric_files(&cfg.sources) {
            let ds = policy(load::with_rubric(base, &cfg.sources, &spec).map_err(Error::Input)?, cfg);
            views.push((None, ds));
        }
        return Ok(views);
    }
    let mut chosen = Vec::new();
    if rubrics.is_empty() {
        chosen.push(base.clone());
    }
    for r in rubrics {
        chosen.push(policy(load::with_rubric(base, &cfg.sources, r).map_err(Error::Input)?, cfg));
    }
    let mut views = Vec::new();
    for ds in chosen {
        if profiles.is_empty() {
            views.push((None, ds));
            continue;
        }
        for p in profiles {
            views.push((Some(p.clone()), profiled(&ds, p)?));
        }
    }
    Ok(views)
}

/// `panel`: the levels the descriptors imply, one row per fund, year and disclosure.
fn panel(cfg: &Config, from: Option<i32>, to: Option<i32>, output: &Path) -> Result<(), Error> {
    let ds = dataset(cfg)?;
    check_year(&ds, from)?;
    check_year(&ds, to)?;
    if let (Some(a), Some(b)) = (from, to)
        && a > b
    {
        return Err(YearError::FromAfterTo { from: a, to: b }.into());
    }
    let levels = analysis::batch::Panel::from_descriptors(&ds, from, to);
    let bytes = crate::panel::panel_bytes(&levels, output).map_err(Error::Panel)?;
    write_files(&[(output.to_path_buf(), &bytes)])?;
    note(&format!(
        "wrote {} rows ({} fund-years × {} disclosures) to {}",
        levels.levels.len(),
        levels.cells.len(),
        levels.disclosures.len(),
        load::display(output)
    ));
    Ok(())
}

/// `trend`: funds ranked by their change between two years.
fn trend(cfg: &Config, from: i32, to: Option<i32>, funds: &[String]) -> Result<(), Error> {
    let ds = dataset(cfg)?;
    let funds = resolve_funds(&ds, funds)?;
    check_year(&ds, Some(from))?;
    check_year(&ds, to)?;
    let to = to.unwrap_or_else(|| ds.funds.iter().map(|f| f.assessed.year).max().unwrap_or(from));
    if from >= to {
        return Err(YearError::FromNotBefore { from, to }.into());
    }
    let t = analysis::trend::trend(&ds, from, to, &funds, cfg.profile.clone());
    if t.funds.is_empty() {
        // Nothing to compare: say why instead of printing an empty table.
        let founded: Vec<String> = t
            .not_established
            .iter()
            .filter_map(|id| ds.fund(id))
            .map(|f| format!("`{}` (established {})", f.id, f.established))
            .collect();
        let earliest = t.not_established.iter().filter_map(|id| ds.fund(id)).map(|f| f.established).max();
        return Err(match earliest {
            Some(earliest) if earliest < to => YearError::NotYetEstablished { from, founded, earliest },
            _ => YearError::NothingToCompare { from, to, founded },
        }
        .into());
    }
    emit_view(cfg, &ds, &t)
}

/// The fewest base samples a Sobol analysis accepts.
const SOBOL_MIN_SAMPLES: usize = 100;

fn robustness(cfg: &Config, o: crate::cli::Robust) -> Result<(), Error> {
    use crate::analysis::robustness::{self as rb, Progress, Settings};
    let (Basis { as_of, at_age }, funds) = (o.basis, o.funds.all());
    if o.sobol {
        // Sobol runs the model N × (d + 2) times (Saltelli's scheme), and its indices mean
        // nothing from a handful of samples.
        let per_sample = crate::analysis::robustness::Assumption::ALL.len() + 2;
        let most = MAX_MODEL_RUNS / per_sample;
        if !(SOBOL_MIN_SAMPLES..=most).contains(&o.samples) {
            return Err(UsageError::SobolSamples {
                samples: o.samples,
                min: SOBOL_MIN_SAMPLES,
                most,
                per_sample,
                runs: MAX_MODEL_RUNS,
            }
            .into());
        }
    }
    // The profile is one of the assumptions: load the rubric's own weights, name the nominal one.
    let base = dataset(&Config { profile: None, ..cfg.clone() })?;
    if let Some(p) = &cfg.profile {
        profiled(&base, p)?;
    }
    check_year(&base, as_of)?;
    let at_age = age(&base, at_age.as_ref())?;
    let pairs = if funds.is_empty() {
        report::FOCUS.iter().filter(|id| base.fund(id).is_some()).map(|s| s.to_string()).collect()
    } else {
        resolve_funds(&base, &funds)?
    };
    // The model is written with the result, after the run: a failed run leaves neither.
    let model = match &o.export_model {
        Some(path) => {
            let m = rb::Model::new(&base, When::of(as_of, at_age), cfg.profile.as_deref(), true);
            let json = serde_json::to_string(&rb::model_json(&m))
                .map_err(|e| Error::Internal(format!("writing the model as JSON: {e}")))?;
            Some((path.clone(), json + "\n"))
        }
        None => None,
    };
    let runs = if o.sobol { o.samples * 2 } else { o.samples };
    let bar = (std::io::stderr().is_terminal() && runs >= 50_000).then(|| {
        let b = indicatif::ProgressBar::with_draw_target(Some(runs as u64), indicatif::ProgressDrawTarget::stderr());
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} samples, {eta} left")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let progress = bar.clone().map(|b| Progress(std::sync::Arc::new(move |n| b.inc(n))));
    let settings = Settings {
        samples: o.samples,
        seed: o.seed,
        weight_noise: o.weight_noise,
        fixed: o.fix,
        sobol: o.sobol,
        pairs,
        as_of,
        at_age,
        profile: cfg.profile.clone(),
        progress,
    };
    let mut r = rb::robustness(&base, &settings);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    // `--fund` names the funds to show (ranks stay among every fund).
    if !funds.is_empty() {
        r.funds.retain(|f| settings.pairs.contains(&f.fund));
    }
    let text = render(cfg, &base, &r)?;
    match (model, &cfg.target) {
        (None, _) => emit(cfg, &text),
        (Some((path, json)), Target::File(p)) => {
            let text = shown(cfg, &text);
            write_files(&[(path, json.as_bytes()), (p.clone(), text.as_bytes())])
        }
        (Some((path, json)), Target::Stdout) => {
            write_files(&[(path, json.as_bytes())])?;
            write_stdout(&text)
        }
    }
}

fn report(
    cfg: &Config,
    out: Option<PathBuf>,
    check: bool,
    langs: &[Lang],
    settings: report::Settings,
) -> Result<(), Error> {
    let dir = out.unwrap_or_else(|| cfg.sources.dir.join("reports"));
    if check && !dir.is_dir() {
        return Err(CheckError::NoReports { dir: load::display(&dir) }.into());
    }
    let ds = dataset(cfg)?;
    let views = default_views(cfg, &ds)?;
    let rep = report::Report::new(&ds, &views, settings);
    drop(views);
    if langs.contains(&Lang::ZhHant) {
        let missing = rep.untranslated();
        if !missing.is_empty() {
            let n = missing.len();
            note(&format!(
                "the zh-Hant edition shows {n} {} in English for want of a translation (`swfscore validate --lang zh-Hant` lists them):",
                if n == 1 { "entry" } else { "entries" }
            ));
            for m in missing {
                note(&format!("  {m}"));
            }
        }
    }
    let names = report::names(langs);
    if check {
        return check_reports(&dir, &rep, &names);
    }
    // Rendered on every core, each file streamed to disk (none is held whole in memory), and
    // the set switched into place at once.
    crate::output::write_set(&dir, &names, |name, out| rep.render_to(name, out))?;
    note(&format!("wrote {} files to {}", names.len(), load::display(&dir)));
    // Like the funds (see `dataset`), the computed report is left for the process's exit to
    // free rather than freed piece by piece on one core.
    std::mem::forget(rep);
    Ok(())
}

/// Compares each report file with its regenerated text; prints the diffs of stale ones.
fn check_reports(dir: &Path, rep: &report::Report, names: &[String]) -> Result<(), Error> {
    let mut stale = Vec::new();
    let mut diffs = String::new();
    for name in names {
        let on_disk = std::fs::read_to_string(dir.join(name)).ok();
        let d = report::diff(&load::display(&dir.join(name)), on_disk.as_deref(), &rep.render(name));
        if !d.is_empty() {
            diffs.push_str(&d);
            stale.push(name.as_str());
        }
    }
    if stale.is_empty() {
        note(&format!("{} is up to date ({} files)", load::display(dir), names.len()));
        return Ok(());
    }
    write_stdout(&diffs)?;
    Err(CheckError::StaleReports { dir: load::display(dir), stale: stale.iter().map(|s| s.to_string()).collect() }
        .into())
}

fn diff(cfg: &Config, base: &str) -> Result<(), Error> {
    let current = dataset(cfg)?;
    let as_dir = Path::new(base);
    if !as_dir.is_dir() && load::names_rubric(&cfg.sources.dir, as_dir) {
        // Another rubric over the same data: what the revision of the rubric changes.
        let old = under_policy(load::with_rubric(&current, &cfg.sources, as_dir).map_err(Error::Input)?, cfg)?;
        let d = analysis::diff::diff(&old.rubric.id, &old, &current);
        return emit_view(cfg, &current, &d);
    }
    let sources = if as_dir.is_dir() {
        // The same overrides on both sides, relative to each side's folder.
        let here = &cfg.sources.dir;
        let mirror = |p: &Option<PathBuf>| {
            p.as_ref().map(|p| {
                if here == Path::new(".") && p.is_relative() {
                    as_dir.join(p)
                } else {
                    p.strip_prefix(here).map_or_else(|_| p.clone(), |rel| as_dir.join(rel))
                }
            })
        };
        Sources {
            dir: as_dir.to_path_buf(),
            disclosures: mirror(&cfg.sources.disclosures),
            rubric: mirror(&cfg.sources.rubric),
            funds: mirror(&cfg.sources.funds),
            revision: None,
        }
    } else {
        Sources { revision: Some(base.to_string()), ..cfg.sources.clone() }
    };
    let loaded = load::load(&sources);
    let old = loaded.dataset.ok_or(Error::Input(loaded.diagnostics))?;
    let old = under_policy(old, cfg)?;
    let d = analysis::diff::diff(base, &old, &current);
    emit_view(cfg, &current, &d)
}

fn validate(cfg: &Config, strict: bool, coverage: bool, review: bool, lang: Option<Lang>) -> Result<(), Error> {
    let Loaded { dataset, mut diagnostics, notes, .. } = load::load(&cfg.sources);
    for n in &notes {
        note(n);
    }
    if let (Some(Lang::ZhHant), Some(ds)) = (lang, &dataset) {
        let mut rubrics = vec![ds.rubric.clone()];
        for spec in load::rubric_files(&cfg.sources) {
            if let Ok(other) = load::with_rubric(ds, &cfg.sources, &spec) {
                rubrics.push(other.rubric);
            }
        }
        let refs: Vec<&crate::model::Rubric> = rubrics.iter().collect();
        for (file, m) in crate::validate::translation_gaps(ds, &refs) {
            diagnostics.warning(&file, None, format!("untranslated for the zh-Hant report: {m}"));
        }
    }
    if strict {
        diagnostics.promote_warnings();
    }
    let (errors, warnings) = (diagnostics.errors(), diagnostics.warnings());
    print_diagnostics(&diagnostics);
    // Every file is checked; `--where` narrows the coverage and review lists to the funds it keeps.
    let listed = dataset.clone().map(|d| policy(d, cfg));
    let failed = || Error::from(CheckError::Invalid { errors, warnings, strict });
    if cfg.format != crate::render::Format::Table {
        if cfg.format == crate::render::Format::Csv && coverage && review {
            return Err(UsageError::CsvHoldsOneTable.into());
        }
        let v = crate::render::views::Validation {
            ok: errors == 0,
            strict,
            errors,
            warnings,
            funds: dataset.as_ref().map(|d| d.funds.len()),
            disclosures: dataset.as_ref().map(|d| d.catalogue.disclosures.len()),
            rubric: dataset.as_ref().map(|d| d.rubric.id.clone()),
            problems: diagnostics.sorted().into_iter().map(Into::into).collect(),
            coverage: listed.as_ref().filter(|_| coverage).map(analysis::coverage::coverage),
            review: listed.as_ref().filter(|_| review).map(crate::validate::review_queue),
        };
        let fallback = Dataset::empty();
        let ds = dataset.as_ref().unwrap_or(&fallback);
        emit_view(cfg, ds, &v)?;
        return if errors == 0 { Ok(()) } else { Err(failed()) };
    }
    let mut text = String::new();
    if let (Some(ds), Some(shown)) = (&dataset, &listed) {
        let words = Glossary::of(ds);
        if coverage {
            text.push_str(&render_in(cfg, &words, &analysis::coverage::coverage(shown))?);
        }
        if review {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&render_in(cfg, &words, &crate::validate::review_queue(shown))?);
        }
        if errors == 0 {
            text.push_str(&crate::locale::Locale::of(cfg.lang).f(
                "validate.ok",
                &[
                    ("funds", &ds.funds.len()),
                    ("disclosures", &ds.catalogue.disclosures.len()),
                    ("rubric", &ds.rubric.id),
                    ("items", &ds.rubric.items().count()),
                    ("warnings", &warnings),
                ],
            ));
            text.push('\n');
            return emit(cfg, &text);
        }
    }
    emit(cfg, &text)?;
    Err(failed())
}

fn funds(cfg: &Config) -> Result<(), Error> {
    let ds = dataset(cfg)?;
    let list = crate::render::views::FundList::of(&ds);
    emit_view(cfg, &ds, &list)
}

fn rubrics(cfg: &Config) -> Result<(), Error> {
    let listed = load::rubrics(&cfg.sources).map_err(Error::Input)?;
    let list = crate::render::views::RubricList::from(listed);
    let ds = dataset(cfg)?;
    emit_view(cfg, &ds, &list)
}

/// `swfscore new`: a descriptor with every catalogue disclosure unknown, written whole, never
/// over an existing file.
fn new_fund(
    cfg: &Config,
    id: &str,
    name: Option<String>,
    jurisdiction: Option<String>,
    established: Option<i32>,
    output: Option<PathBuf>,
) -> Result<(), Error> {
    if !crate::validate::is_snake_case(id) {
        return Err(UsageError::NotSnakeCase(id.to_string()).into());
    }
    let ds = dataset(cfg)?;
    if ds.fund(id).is_some() {
        return Err(UsageError::FundExists(id.to_string()).into());
    }
    let funds_dir = cfg.sources.funds.clone().unwrap_or_else(|| cfg.sources.dir.join("funds"));
    let path = output.unwrap_or_else(|| funds_dir.join(format!("{id}.yaml")));
    if path.exists() {
        return Err(UsageError::FileExists(load::display(&path)).into());
    }
    let today = crate::model::Date::today();
    let text = crate::validate::new_descriptor(
        &ds.catalogue,
        id,
        name.as_deref().unwrap_or(id),
        jurisdiction.as_deref().unwrap_or("to be filled in"),
        established.unwrap_or(today.year),
        today,
    );
    // A first fund in a fresh folder: `funds/` is made for it.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        std::fs::create_dir_all(dir).map_err(|source| Error::Write { path: dir.to_path_buf(), source })?;
    }
    write_files(&[(path.clone(), text.as_bytes())])?;
    note(&format!(
        "wrote {} ({} disclosures, all unknown); next: assess each with a source, then `swfscore validate --strict` and `swfscore explain {id}`",
        load::display(&path),
        ds.catalogue.disclosures.len()
    ));
    Ok(())
}

/// The JSON Schema of an input file.
pub fn schema(kind: SchemaKind) -> String {
    let schema = match kind {
        SchemaKind::Fund => schemars::schema_for!(RawFund),
        SchemaKind::Rubric => schemars::schema_for!(RawRubric),
        SchemaKind::Disclosures => schemars::schema_for!(RawCatalogue),
        SchemaKind::Scenario => schemars::schema_for!(RawScenario),
        SchemaKind::Locale => schemars::schema_for!(crate::raw::RawLocale),
    };
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

/// Loads and checks the inputs once, notes what came from the built-in copy, and applies
/// the scoring policy (`--unknown`, `--profile`).
pub fn dataset(cfg: &Config) -> Result<Dataset, Error> {
    dataset_skipping(cfg, false).map(|(ds, _)| ds)
}

/// [`dataset`]; with `skip_invalid`, the fund descriptors that fail their checks are left out
/// (their problems printed) and named in the second part, instead of stopping the command.
pub fn dataset_skipping(cfg: &Config, skip_invalid: bool) -> Result<(Dataset, Vec<String>), Error> {
    let Loaded { dataset, diagnostics, notes, skipped, partial } = load::load(&cfg.sources);
    for n in &notes {
        note(n);
    }
    let (ds, skipped) = match (dataset, partial) {
        (Some(ds), _) => (ds, vec![]),
        (None, Some(ds)) if skip_invalid => {
            print_diagnostics(&diagnostics);
            note(&format!(
                "--skip-invalid: left out {} fund descriptor(s) with errors: {}",
                skipped.len(),
                skipped.join(", ")
            ));
            (ds, skipped)
        }
        (None, _) => return Err(Error::Input(diagnostics)),
    };
    // The funds live until the process exits: a command loads them once and exits when it is
    // done, and freeing every descriptor's strings one by one on the way out would be serial
    // work on one core after the parallel load.
    std::mem::forget(std::sync::Arc::clone(&ds.funds));
    if diagnostics.warnings() > 0 && skipped.is_empty() {
        note(&format!("{} warning(s) in the inputs; `swfscore validate` lists them", diagnostics.warnings()));
    }
    let ds = policy(ds, cfg);
    if ds.funds.is_empty() && !cfg.filter.is_empty() {
        return Err(UsageError::NoFundMatches { filters: cfg.filter.iter().map(ToString::to_string).collect() }.into());
    }
    match &cfg.profile {
        Some(p) => Ok((profiled(&ds, p)?, skipped)),
        None => Ok((ds, skipped)),
    }
}

/// [`policy`], then the profile: the dataset as the command line asks to score it.
fn under_policy(ds: Dataset, cfg: &Config) -> Result<Dataset, Error> {
    let ds = policy(ds, cfg);
    match &cfg.profile {
        Some(p) => profiled(&ds, p),
        None => Ok(ds),
    }
}

/// The dataset with `--unknown` applied to its rubric and only the funds `--where` keeps.
fn policy(mut ds: Dataset, cfg: &Config) -> Dataset {
    if let Some(u) = cfg.unknown {
        ds.rubric.unknown = u;
    }
    if !cfg.filter.is_empty() {
        ds = ds.keeping(|f| crate::filter::passes(&cfg.filter, f));
    }
    ds
}

/// The default rubric (as in `base`), each of its profiles, and every rubric in
/// DIR/rubrics (or the built-in ones), all over the funds loaded once.
fn default_views(cfg: &Config, base: &Dataset) -> Result<Vec<(String, Dataset)>, Error> {
    let mut views = vec![(base.rubric.id.clone(), base.clone())];
    for p in &base.rubric.profiles {
        views.push((format!("{}:{}", base.rubric.id, p.id), profiled(base, &p.id)?));
    }
    for spec in load::rubric_files(&cfg.sources) {
        let ds = load::with_rubric(base, &cfg.sources, &spec).map_err(Error::Input)?;
        views.push((ds.rubric.id.clone(), policy(ds, cfg)));
    }
    Ok(views)
}

/// `ds` scored under its rubric's profile `p`.
fn profiled(ds: &Dataset, p: &str) -> Result<Dataset, Error> {
    let Some(rubric) = ds.rubric.with_profile(p, &ds.catalogue) else {
        let ids: Vec<&str> = ds.rubric.profiles.iter().map(|p| p.id.as_str()).collect();
        let hint = match did_you_mean(p, ids.iter().copied()) {
            Some(b) => format!(" (did you mean `{b}`?)"),
            None if ids.is_empty() => " (this rubric defines no profiles)".to_string(),
            None => format!(" (available: {})", ids.join(", ")),
        };
        return Err(Error::UnknownProfile { profile: p.to_string(), rubric: ds.rubric.id.clone(), hint });
    };
    Ok(ds.with_rubric(rubric))
}

/// The fund a command-line name means: its id or its short name, in any case.
pub fn resolve_fund(ds: &Dataset, name: &str) -> Result<String, Error> {
    match ds.find_fund(name) {
        Ok(f) => Ok(f.id.clone()),
        Err(crate::model::FundLookup::Unknown(near)) => Err(Error::UnknownFund { id: name.to_string(), near }),
        Err(crate::model::FundLookup::Ambiguous(candidates)) => {
            Err(Error::AmbiguousFund { name: name.to_string(), candidates })
        }
    }
}

fn resolve_funds(ds: &Dataset, names: &[String]) -> Result<Vec<String>, Error> {
    names.iter().map(|n| resolve_fund(ds, n)).collect()
}

fn check_distinct(funds: &[String]) -> Result<(), Error> {
    for (i, f) in funds.iter().enumerate() {
        if funds[..i].contains(f) {
            return Err(UsageError::FundTwice(f.clone()).into());
        }
    }
    Ok(())
}

/// A year the data can speak for: not after the latest assessment (the data says nothing
/// about later years), not before the oldest fund was established.
fn check_year(ds: &Dataset, year: Option<i32>) -> Result<(), Error> {
    let Some(y) = year else { return Ok(()) };
    let latest = ds.funds.iter().map(|f| f.assessed).max();
    let first = ds.funds.iter().map(|f| f.established).min();
    if let Some(l) = latest.filter(|l| y > l.year) {
        return Err(YearError::AfterLatest { year: y, latest: l }.into());
    }
    if let Some(e) = first.filter(|e| y < *e) {
        return Err(YearError::BeforeFirst { year: y, first: e }.into());
    }
    Ok(())
}

/// The result of fund `id`, which was resolved against the same dataset (never another fund
/// in its place).
fn pick<'a>(r: &'a Results, id: &str) -> Result<&'a FundResult, Error> {
    r.results.iter().find(|f| f.fund == id).ok_or_else(|| Error::Internal(format!("fund `{id}` has no result")))
}

/// Renders `v` in the configured format and language, with the words of `ds`.
fn render(cfg: &Config, ds: &Dataset, v: &dyn View) -> Result<String, Error> {
    render_in(cfg, &Glossary::of(ds), v)
}

/// [`render`] with the words already gathered (for a command that renders several views).
fn render_in(cfg: &Config, words: &Glossary, v: &dyn View) -> Result<String, Error> {
    cfg.format.renderer().view(v, &Context { colour: cfg.colour, lang: cfg.lang, ..Context::new(words) })
}

fn emit_view(cfg: &Config, ds: &Dataset, v: &dyn View) -> Result<(), Error> {
    emit(cfg, &render(cfg, ds, v)?)
}

fn note(msg: &str) {
    let _ = writeln!(std::io::stderr(), "swfscore: {}", crate::diag::visible(msg, false));
}

/// Prints diagnostics to stderr, in file and line order.
pub fn print_diagnostics(d: &Diagnostics) {
    let mut err = std::io::stderr().lock();
    for p in d.sorted() {
        let _ = writeln!(err, "{}", crate::diag::visible(&p.to_string(), false));
    }
}
