//! The command line: clap definitions only. What each command does is in [`crate::commands`].

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  swfscore score                                  rank every fund under rubric.yaml
  swfscore score --format markdown --output scores.md
  swfscore score hkic temasek adia                ranked among the three (or --fund ID...)
  swfscore score --as-of 2010                     as the funds stood in 2010
  swfscore score --rubric rubrics/lmti.yaml       under the Linaburg-Maduell principles
  swfscore explain hkic                           every point, with its evidence
  swfscore compare hkic temasek adia              side by side, differences marked
  swfscore score --at-age 3                       every fund as it stood 3 years after founding
  swfscore history hkic temasek                   year by year
  swfscore gap hkic --target-fund temasek         what HKIC would need to disclose
  swfscore gap hkic --match temasek               what HKIC would publish to match Temasek
  swfscore whatif hkic --set holdings_list=full   re-score with a change
  swfscore compare-rubrics                        ranks under every rubric and profile
  swfscore batch -o scores.parquet                every fund, year, rubric and profile
  swfscore batch --panel panel.csv -o out.csv     score a panel from a spreadsheet
  swfscore panel -o panel.csv                     the descriptors as a panel of levels
  swfscore trend --from 2015                      who improved most since 2015, and why
  swfscore report                                 write reports/ (md, html, csv, json)
  swfscore report --check                         exit 1 with a diff if reports/ is stale
  swfscore report --lang zh-Hant                  the Traditional Chinese edition only
  swfscore validate --lang zh-Hant                also list data the Chinese edition lacks
  swfscore diff --base main                       what changed since main, and why
  swfscore validate --strict                      check every input; warnings fail too
  swfscore schema fund > fund.schema.json

Inputs are read from --dir (default: the current directory): disclosures.yaml, rubric.yaml
and funds/*.yaml. Where none are found, the built-in copies of the project's data are used
and stderr says so. Exit codes: 0 ok, 1 a check failed, 2 usage or input error.";

/// Scores how transparent sovereign wealth funds are, from sourced evidence.
#[derive(Debug, Parser)]
#[command(name = "swfscore", version, about, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Where the evidence is: the catalogue and the fund descriptors.
#[derive(Debug, Args, Clone)]
pub struct Data {
    /// Folder holding disclosures.yaml, rubric.yaml and funds/.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Folder of fund descriptors [default: DIR/funds].
    #[arg(long, value_name = "DIR")]
    pub funds: Option<PathBuf>,
    /// Disclosure catalogue [default: DIR/disclosures.yaml].
    #[arg(long, value_name = "FILE")]
    pub disclosures: Option<PathBuf>,
    /// How an unknown disclosure scores, overriding the rubric's `unknown` rule: as `none`, or
    /// left out with the weights renormalised (`exclude`). Bounds are shown either way.
    #[arg(long, value_enum, value_name = "RULE")]
    pub unknown: Option<crate::model::UnknownRule>,
    /// Only the funds that match, by metadata, founding year or jurisdiction (repeatable; all
    /// must hold; commas give alternatives): `type=strategic`, `region=east_asia,southeast_asia`,
    /// `established>=2000`, `ifswf=yes`. Keys: type, funding, region, size_band, ifswf,
    /// ifswf_member_since, established, jurisdiction, id.
    #[arg(long = "where", value_name = "KEY=VALUE", value_parser = crate::filter::parse)]
    pub filter: Vec<crate::filter::Clause>,
}

/// The evidence and the rubric to score it under.
#[derive(Debug, Args, Clone)]
pub struct Inputs {
    #[command(flatten)]
    pub data: Data,
    /// Rubric file, or a built-in rubric's name (lmti, truman, santiago) [default: DIR/rubric.yaml].
    #[arg(long, value_name = "FILE")]
    pub rubric: Option<PathBuf>,
    /// Apply a weight profile defined in the rubric.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
}

/// Where a command writes and how.
#[derive(Debug, Args, Clone)]
pub struct Output {
    /// Output format [default: from the output file's extension (.md, .csv, .json, .html;
    /// .txt or none: table), else table].
    #[arg(long, short, value_enum)]
    pub format: Option<crate::render::Format>,
    /// Write to this file instead of stdout (`-` = stdout). Nothing is written on error.
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Colour in the table format.
    #[arg(long, value_enum, default_value_t = ColourChoice::Auto)]
    pub color: ColourChoice,
    /// The language of the headings, labels and explanations (fund and rubric names where the
    /// data has them in that language).
    #[arg(long, value_enum, value_name = "LANG")]
    pub lang: Option<crate::locale::Lang>,
}

/// When to use terminal colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColourChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    Always,
    Never,
}

/// `--at-age`: a number of years since establishment, or a fund whose age now is meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Age {
    Years(i32),
    /// A fund by any name (resolved against the data).
    Of(String),
}

impl std::str::FromStr for Age {
    type Err = String;

    /// A number of years from 0 to 1000, or a fund (any text that is not a number).
    fn from_str(s: &str) -> Result<Age, String> {
        match s.trim().parse::<i32>() {
            Ok(a) if (0..=1000).contains(&a) => Ok(Age::Years(a)),
            Ok(_) => Err("an age runs from 0 to 1000 years".into()),
            Err(_) => Ok(Age::Of(s.to_string())),
        }
    }
}

/// A number that `accept` takes, else what to give instead (`want`).
fn number(s: &str, accept: impl Fn(f64) -> bool, want: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && accept(x) => Ok(x),
        _ => Err(format!("give {want}")),
    }
}

/// `--weight-noise`: a share in [0, 1).
fn below_one(s: &str) -> Result<f64, String> {
    number(s, |x| (0.0..1.0).contains(&x), "a number in [0, 1)")
}

/// `--share`: a share in (0, 1].
fn share(s: &str) -> Result<f64, String> {
    number(s, |x| x > 0.0 && x <= 1.0, "a number in (0, 1]")
}

/// The most model runs one `robustness` may take (samples, or with `--sobol` samples × (d + 2)):
/// memory and time grow with them.
pub const MAX_MODEL_RUNS: usize = 10_000_000;

/// `robustness --samples`: 1 to [`MAX_MODEL_RUNS`].
fn model_runs(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_MODEL_RUNS).contains(&n) => Ok(n),
        _ => Err("give a whole number from 1 to 10,000,000".into()),
    }
}

/// `--spread`: a number from 0.
fn non_negative(s: &str) -> Result<f64, String> {
    number(s, |x| x >= 0.0, "a number from 0")
}

/// Funds by id or name, given the same way on every command that takes several: FUND
/// arguments, `--fund`, or both (each command says what the funds are for).
#[derive(Debug, Args, Clone, Default)]
pub struct Funds {
    /// Funds by id or name.
    #[arg(id = "fund_list", value_name = "FUND")]
    pub named: Vec<String>,
    /// A fund by id or name, as a FUND argument (repeatable).
    #[arg(long = "fund", id = "fund", value_name = "FUND")]
    pub fund: Vec<String>,
}

impl Funds {
    /// The FUND arguments, then the `--fund` ones.
    pub fn all(self) -> Vec<String> {
        let mut all = self.named;
        all.extend(self.fund);
        all
    }
}

/// One fund by id or name: a FUND argument or `--fund`, as on the commands that take several.
#[derive(Debug, Args, Clone, Default)]
#[group(id = "one_fund", multiple = false)]
pub struct OneFund {
    /// The fund, by id or name (e.g. hkic).
    #[arg(id = "fund_arg", value_name = "FUND")]
    pub named: Option<String>,
    /// The fund, as the FUND argument.
    #[arg(long = "fund", id = "fund", value_name = "FUND")]
    pub fund: Option<String>,
}

impl OneFund {
    /// The fund given, either way.
    pub fn get(self) -> Option<String> {
        self.named.or(self.fund)
    }

    /// The fund given, either way, on a command that needs one (clap asks for it first).
    pub fn required(self) -> Result<String, crate::error::UsageError> {
        self.get().ok_or(crate::error::UsageError::NoFund)
    }
}

/// When the funds are scored: as they stood in a year, or at an age (the same on every
/// command that takes them).
#[derive(Debug, Args, Clone, Default)]
pub struct Basis {
    /// Each fund as its disclosures stood in this year.
    #[arg(long, value_name = "YEAR", conflicts_with = "at_age", allow_negative_numbers = true)]
    pub as_of: Option<i32>,
    /// Each fund as it stood N years after its establishment, ranked among the funds that
    /// reached that age: "at the same age". A fund instead of N means that fund's age now
    /// (`--at-age hkic`).
    #[arg(long, value_name = "N|FUND", allow_negative_numbers = true)]
    pub at_age: Option<Age>,
}

/// What `robustness` varies and shows: its run, as the command takes it.
#[derive(Debug, Args, Clone)]
pub struct Robust {
    /// Monte Carlo samples (with --sobol: base samples N; the run takes N × (d + 2)).
    #[arg(long, value_name = "N", default_value_t = crate::report::ROBUSTNESS_SAMPLES, value_parser = model_runs)]
    pub samples: usize,
    /// Seed of the random streams; the same seed gives the same bytes on any machine.
    #[arg(long, value_name = "S", default_value_t = crate::analysis::robustness::DEFAULT_SEED)]
    pub seed: u64,
    /// Weights are multiplied by a factor uniform in [1-F, 1+F].
    #[arg(long, value_name = "F", default_value_t = crate::analysis::robustness::DEFAULT_WEIGHT_NOISE, allow_negative_numbers = true, value_parser = below_one)]
    pub weight_noise: f64,
    /// Also compute Sobol first- and total-order indices of each assumption.
    #[arg(long)]
    pub sobol: bool,
    /// Hold an assumption at its nominal value (repeatable).
    #[arg(long, value_enum, value_name = "ASSUMPTION")]
    pub fix: Vec<crate::analysis::robustness::Assumption>,
    /// Only these funds, ranked among every fund and compared pairwise [default: every
    /// fund, with hkic, temasek and adia compared when present].
    #[command(flatten)]
    pub funds: Funds,
    #[command(flatten)]
    pub basis: Basis,
    /// Write the compiled model (rubric, weights, levels) as JSON, for other implementations.
    #[arg(long, value_name = "FILE")]
    pub export_model: Option<PathBuf>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score and rank the funds (only the FUNDs given, ranked among themselves).
    Score {
        #[command(flatten)]
        inputs: Inputs,
        #[command(flatten)]
        out: Output,
        #[command(flatten)]
        basis: Basis,
        #[command(flatten)]
        funds: Funds,
        /// Score the funds whose descriptors pass their checks, print the others' problems and
        /// name them, and exit 1 (for drafting a new fund without blocking the rest).
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Explain one fund's score item by item, with evidence, sorted by points lost.
    #[command(mut_arg("fund_arg", |a| a.required_unless_present("fund")))]
    Explain {
        #[command(flatten)]
        fund: OneFund,
        #[command(flatten)]
        inputs: Inputs,
        #[command(flatten)]
        out: Output,
        #[command(flatten)]
        basis: Basis,
    },
    /// Compare two or more funds side by side: scores, categories and levels, differences marked.
    #[command(mut_arg("fund_list", |a| a.required_unless_present("fund")))]
    Compare {
        /// Two or more funds.
        #[command(flatten)]
        funds: Funds,
        #[command(flatten)]
        inputs: Inputs,
        #[command(flatten)]
        out: Output,
        #[command(flatten)]
        basis: Basis,
    },
    /// Check every input and print every problem; exit 1 if any.
    Validate {
        #[command(flatten)]
        inputs: Inputs,
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
        /// Also print, per fund, how many disclosures are assessed, unknown and not applicable.
        #[arg(long)]
        coverage: bool,
        /// Also list, oldest first, the full and partial levels whose newest evidence is more
        /// than five years older than the assessment: a research queue (the levels stand).
        #[arg(long)]
        review: bool,
        #[command(flatten)]
        out: Output,
    },
    /// Start a fund descriptor: every catalogue disclosure as `unknown`, with the schema line,
    /// each disclosure's definition and a commented example, ready for `validate` and `score`.
    New {
        /// The fund's id (snake_case); the file is `funds/ID.yaml`.
        id: String,
        /// The fund's full name [default: the id].
        #[arg(long)]
        name: Option<String>,
        /// Where it is based [default: "to be filled in"].
        #[arg(long)]
        jurisdiction: Option<String>,
        /// The year it was established [default: this year].
        #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(i32).range(1800..=2200))]
        established: Option<i32>,
        #[command(flatten)]
        data: Data,
        /// Write here instead of DIR/funds/ID.yaml (never over an existing file).
        #[arg(long, short, value_name = "PATH")]
        output: Option<PathBuf>,
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
    /// List the funds: id, names, jurisdiction, founding year, latest assessment, the share of
    /// the catalogue assessed, and the metadata `--where` filters on.
    Funds {
        #[command(flatten)]
        data: Data,
        #[command(flatten)]
        out: Output,
    },
    /// List the rubrics available: the default, rubrics/ and the built-in ones, each checked.
    Rubrics {
        #[command(flatten)]
        data: Data,
        #[command(flatten)]
        out: Output,
    },
    /// Each fund's score year by year, from its establishment to its latest assessment.
    #[command(mut_arg("fund_list", |a| a.required_unless_present("fund")))]
    History {
        #[command(flatten)]
        funds: Funds,
        /// Start in this year instead of at establishment.
        #[arg(long, value_name = "YEAR", allow_negative_numbers = true)]
        from: Option<i32>,
        /// Years since establishment instead of calendar years, so funds of different eras
        /// line up; each age is ranked among every fund at that age.
        #[arg(long, conflicts_with = "from")]
        by_age: bool,
        #[command(flatten)]
        inputs: Inputs,
        #[command(flatten)]
        out: Output,
    },
    /// A disclosure roadmap: what each missing disclosure would add, and the shortest way to a target.
    #[command(mut_arg("fund_arg", |a| a.required_unless_present("fund")))]
    Gap {
        #[command(flatten)]
        fund: OneFund,
        #[command(flatten)]
        target: Target,
        /// Every fund as it stood N years after its establishment (a fund instead of N: its age
        /// now; `gap hkic --match temasek --at-age hkic` matches what Temasek disclosed at
        /// HKIC's age).
        #[arg(long, value_name = "N|FUND", allow_negative_numbers = true)]
        at_age: Option<Age>,
        #[command(flatten)]
        inputs: Inputs,
        #[command(flatten)]
        out: Output,
    },
    /// Re-score with some disclosures changed, and show who moved.
    Whatif {
        /// The fund `--set` applies to.
        #[command(flatten)]
        fund: OneFund,
        /// DISCLOSURE=LEVEL (repeatable), e.g. audited_financial_statements=full.
        #[arg(long = "set", value_name = "DISCLOSURE=LEVEL", requires = "one_fund")]
        set: Vec<String>,
        /// A YAML file of changes for one or more funds.
        #[arg(long, value_name = "FILE")]
        scenario: Option<PathBuf>,
        #[command(flatten)]
        inputs: Inputs,
        #[command(flatten)]
        out: Output,
    },
    /// Write the published reports (Markdown, HTML, CSV, JSON), or check they are up to date.
    Report {
        #[command(flatten)]
        inputs: Inputs,
        /// Folder to write to [default: DIR/reports].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Regenerate in memory and compare with the files on disk; exit 1 with a diff if stale.
        #[arg(long)]
        check: bool,
        /// Only this language's edition (with the data files) [default: every language].
        #[arg(long, value_enum, value_name = "LANG")]
        lang: Option<crate::locale::Lang>,
        /// Samples of the report's robustness run [default: 10,000, fewer above 200 funds].
        /// A report checked with `--check` must be written with the same value.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        samples: Option<u32>,
        /// Runs of the estimate's backtest in the method section (0 leaves it out) [default: 5,
        /// none above 100 funds].
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=50))]
        backtest_runs: Option<u32>,
    },
    /// What changed since another version of the data: scores, ranks, and the disclosures that moved them.
    Diff {
        /// A git revision of the repository (e.g. main, HEAD~1), another data folder, or another
        /// rubric (a file or a name, e.g. swfscore-2026): the same data scored under it, to see
        /// what a revision of the rubric changes for every fund.
        #[arg(long, value_name = "REV|DIR|RUBRIC")]
        base: String,
        #[command(flatten)]
        inputs: Inputs,
        /// Output format [default: from the output file's extension (.md, .csv, .json, .html;
        /// .txt or none: table), else markdown, for a pull request's comment].
        #[arg(long, short, value_enum)]
        format: Option<crate::render::Format>,
        /// Write to this file instead of stdout (`-` = stdout). Nothing is written on error.
        #[arg(long, short, value_name = "PATH")]
        output: Option<PathBuf>,
        /// The language of the headings, labels and explanations.
        #[arg(long, value_enum, value_name = "LANG")]
        lang: Option<crate::locale::Lang>,
    },
    /// How robust the ranking is: rank intervals over other reasonable modelling choices, and
    /// (with --sobol) which choice drives the ranking most.
    Robustness {
        #[command(flatten)]
        inputs: Inputs,
        #[command(flatten)]
        out: Output,
        #[command(flatten)]
        run: Robust,
    },
    /// Check the estimate for unknown disclosures: hide known cells, re-fit, and compare the
    /// estimated fund-year scores with the truth and with unknown as none or excluded.
    Backtest {
        #[command(flatten)]
        inputs: Inputs,
        #[command(flatten)]
        out: Output,
        /// Independent maskings per scheme, each with its own seed.
        #[arg(long, value_name = "N", default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        runs: u32,
        /// Share of the series (late_source) or cells (past_cells) hidden in each run.
        #[arg(long, value_name = "P", default_value_t = 0.2, allow_negative_numbers = true, value_parser = share)]
        share: f64,
        /// Seed of the maskings; the same seed gives the same bytes on any machine.
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
        /// Spread of the shared fund-year shift (log-odds) [default: the model's].
        #[arg(long, value_name = "X", default_value_t = crate::estimate::SPREAD, allow_negative_numbers = true, value_parser = non_negative)]
        spread: f64,
    },
    /// Every fund in every year under every rubric and profile, as one long table; or, with
    /// --panel, the scores of a panel of levels kept outside the descriptors.
    Batch {
        #[command(flatten)]
        data: Data,
        /// A rubric to score under (repeatable): a file or a built-in name [default: the
        /// default rubric and its profiles, and every rubric in DIR/rubrics].
        #[arg(long = "rubric", value_name = "FILE")]
        rubrics: Vec<PathBuf>,
        /// A weight profile (repeatable), applied to each rubric given (or the default one).
        #[arg(long = "profile", value_name = "NAME")]
        profiles: Vec<String>,
        /// Score this panel instead of the descriptors: CSV or Parquet with columns fund, year,
        /// disclosure, level (other columns are ignored; a missing row means unknown).
        #[arg(long, value_name = "FILE")]
        panel: Option<PathBuf>,
        /// Write the table here, in the format of its extension: .csv, .parquet or .json.
        /// Without it, a summary is printed. Nothing is written on error.
        #[arg(long, short, value_name = "PATH")]
        output: Option<PathBuf>,
        /// The format of the summary printed without --output (the table's format is its
        /// file's extension).
        #[arg(long, short, value_enum, conflicts_with = "output")]
        format: Option<crate::render::Format>,
        /// The language of the summary.
        #[arg(long, value_enum, value_name = "LANG")]
        lang: Option<crate::locale::Lang>,
    },
    /// Write the panel the descriptors imply: one row per fund, year and disclosure, with the
    /// level that stood that year (the input of `batch --panel`).
    Panel {
        #[command(flatten)]
        data: Data,
        /// First year [default: each fund's establishment].
        #[arg(long, value_name = "YEAR", allow_negative_numbers = true)]
        from: Option<i32>,
        /// Last year [default: each fund's latest assessment].
        #[arg(long, value_name = "YEAR", allow_negative_numbers = true)]
        to: Option<i32>,
        /// Write here, in the format of its extension: .csv, .parquet or .json.
        #[arg(long, short, value_name = "PATH", required = true)]
        output: PathBuf,
    },
    /// A statistical audit of the rubric's coherence, as the JRC audits composite indices:
    /// per category Cronbach's alpha (KR-20 for binary credits) with a bootstrap interval, each
    /// item's correlation with the rest of its category and loading on the first principal
    /// component, each item's real importance in the score beside its nominal weight, items
    /// that never vary or double-count another, and each fund's coverage against the gate.
    Audit {
        #[command(flatten)]
        inputs: Inputs,
        #[command(flatten)]
        out: Output,
        /// Pool every fund-year in FROM..TO (e.g. 2005..2025) instead of each fund's latest
        /// assessment; the intervals then resample funds with all their years.
        #[arg(long, value_name = "FROM..TO", value_parser = parse_years)]
        panel_years: Option<(i32, i32)>,
        /// Bootstrap resamples for the alphas' 90% intervals (0: none).
        #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(0..=100_000))]
        bootstrap: u32,
        /// Seed of the bootstrap; the same seed gives the same bytes on any machine.
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
        /// Include the credit matrix (observation × item) in the JSON, for a peer to recompute from.
        #[arg(long)]
        credits: bool,
    },
    /// Write one SQL query that scores a panel table in another engine, as `batch --panel` does.
    ///
    /// The query reads a table or view (`--table`, default `panel`) with the columns of a panel
    /// file (fund, year, disclosure, level; other columns are ignored) and returns the columns
    /// of `batch --panel`: fund, year, score, low, high, rank, one per category, assessed,
    /// unknown, not_applicable. It is written out from the compiled rubric the engine scores
    /// with (after --profile and --unknown), so the scores are the same doubles and the ranks
    /// the same: every sum is spelt out in the engine's order, every number is a double
    /// literal, the rank's rounding is half away from zero, written with trunc in every
    /// dialect, and each division by a weight sum that can be zero is guarded. DuckDB and
    /// PostgreSQL are checked against `batch --panel` in the tests, Spark in bench/.
    ///
    /// Unlike `batch`, the query cannot refuse a bad panel: a level that is not one of the five
    /// counts as unknown, rows of disclosures the rubric does not read are ignored, and a
    /// repeated (fund, year, disclosure) keeps one of its levels. Check a panel with `batch`
    /// first. With --where, only the funds whose descriptors match are scored. The statement
    /// ends with `;`; drop it to wrap the query (e.g. `COPY (…) TO STDOUT`).
    Sql {
        #[command(flatten)]
        inputs: Inputs,
        /// The SQL dialect.
        #[arg(long, value_enum, default_value_t = crate::sql::Dialect::Duckdb)]
        dialect: crate::sql::Dialect,
        /// The table or view holding the panel: a name or a dotted path (`schema.table`).
        #[arg(long, value_name = "NAME", default_value = "panel")]
        table: String,
        /// Write the query to this file instead of stdout (`-` = stdout).
        #[arg(long, short, value_name = "PATH")]
        output: Option<PathBuf>,
    },
    /// Which funds changed most between two years, and the disclosures that moved each.
    Trend {
        /// The earlier year.
        #[arg(long, value_name = "YEAR", required = true, allow_negative_numbers = true)]
        from: i32,
        /// The later year [default: the latest assessment].
        #[arg(long, value_name = "YEAR", allow_negative_numbers = true)]
        to: Option<i32>,
        /// Only these funds; ranks are among them.
        #[command(flatten)]
        funds: Funds,
        #[command(flatten)]
        inputs: Inputs,
        #[command(flatten)]
        out: Output,
    },
    /// Each fund's rank under several rubrics or profiles, with rank correlations.
    CompareRubrics {
        #[command(flatten)]
        data: Data,
        /// A rubric to compare (repeatable): a file or a built-in name. One rubric alone is
        /// compared with the default rubric.
        #[arg(long = "rubric", value_name = "FILE")]
        rubrics: Vec<PathBuf>,
        /// A profile of the default rubric to compare (repeatable).
        #[arg(long = "profile", value_name = "NAME")]
        profiles: Vec<String>,
        #[command(flatten)]
        out: Output,
    },
}

/// What `gap` aims for (at most one target).
#[derive(Debug, Args, Clone, Default)]
pub struct Target {
    /// Reach this score.
    #[arg(long, value_name = "S", conflicts_with_all = ["target_rank", "target_fund"], allow_negative_numbers = true)]
    pub target_score: Option<f64>,
    /// Reach this rank (or better) among all funds.
    #[arg(long, value_name = "R", conflicts_with = "target_fund")]
    pub target_rank: Option<u32>,
    /// Reach this fund's score (by any route); each step shows that fund's own level.
    #[arg(long, value_name = "FUND")]
    pub target_fund: Option<String>,
    /// Match this fund: the disclosures where it is above FUND, each with the exact gain of
    /// adopting its level, and the score and rank with its levels on all of them.
    #[arg(long = "match", value_name = "OTHER", conflicts_with_all = ["target_score", "target_rank", "target_fund"])]
    pub match_fund: Option<String>,
    /// Leave commercially sensitive disclosures out of the shortest path.
    #[arg(long)]
    pub skip_commercial: bool,
}

/// The input files that have a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    Fund,
    Rubric,
    Disclosures,
    /// A `whatif --scenario` file.
    Scenario,
    /// A report message file in `locales/`.
    Locale,
}

/// `FROM..TO` (or `FROM..=TO`), two years with FROM ≤ TO.
fn parse_years(s: &str) -> Result<(i32, i32), String> {
    let (a, b) = s.split_once("..").ok_or_else(|| format!("`{s}`: expected FROM..TO, e.g. 2005..2025"))?;
    let b = b.strip_prefix('=').unwrap_or(b);
    let year = |t: &str| {
        t.trim().parse::<i32>().map_err(|_| format!("`{t}` is not a year (expected FROM..TO, e.g. 2005..2025)"))
    };
    let (a, b) = (year(a)?, year(b)?);
    if a > b {
        return Err(format!("{a}..{b}: the first year is after the last"));
    }
    Ok((a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_that_needs_a_fund_and_is_given_none_is_refused() {
        assert!(matches!(OneFund::default().required(), Err(crate::error::UsageError::NoFund)));
        let given = OneFund { fund: Some("hkic".into()), ..OneFund::default() };
        assert_eq!(given.required().unwrap(), "hkic");
    }
}
