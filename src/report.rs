//! The published reports: built in memory from the data, written to `reports/`, and checked
//! against the files on disk so a published ranking never drifts from its data.

use crate::analysis::explain::{Comparison, Ranking};
use crate::analysis::{self, gap::Goal};
use crate::locale::{Lang, Locale};
use crate::model::Dataset;
use crate::render::html::{self, Extras};
use crate::render::ranking::{self, Peers};
use crate::render::{Context, Format, Glossary, View, markdown};
use crate::score::{self, Options, Results};

/// Samples of the report's robustness run (the `robustness` command's default).
pub(crate) const ROBUSTNESS_SAMPLES: usize = 10_000;

/// The report's backtest of the estimate: `swfscore backtest --runs 5` (seed 1), the same
/// figures. Datasets of more funds than [`BACKTEST_MAX_FUNDS`] skip it (its cost grows with
/// fund-years); `swfscore backtest` runs it on any.
const BACKTEST_RUNS: usize = 5;
const BACKTEST_MAX_FUNDS: usize = 100;
/// How much the report's robustness run and backtest compute (`report --samples`,
/// `--backtest-runs`); `None` takes the defaults above.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Settings {
    pub samples: Option<usize>,
    pub backtest_runs: Option<usize>,
}

/// Fund-samples the report's robustness run may take: with many funds it takes fewer samples
/// (at least 1,000), so its cost grows with the number of funds no faster than scoring does.
const ROBUSTNESS_BUDGET: usize = 2_000_000;

/// The funds the December 2025 debate is about, compared side by side when present.
pub(crate) const FOCUS: [&str; 3] = ["hkic", "temasek", "adia"];
/// The first focus fund's peers: funds of its type established in this year or later.
const PEERS_SINCE: i32 = 2000;

/// The language-neutral report files.
const DATA_FILES: [&str; 2] = ["scores.csv", "scores.json"];

/// The report files for `langs`, in the order they are written: each language's Markdown
/// and HTML, then the data.
pub(crate) fn names(langs: &[Lang]) -> Vec<String> {
    let mut out: Vec<String> =
        langs.iter().flat_map(|l| ["md", "html"].map(|ext| format!("transparency{}.{ext}", l.file_suffix()))).collect();
    out.extend(DATA_FILES.iter().map(|s| s.to_string()));
    out
}

/// The language of a report file name (English for the data files).
fn lang_of(name: &str) -> Lang {
    Lang::ALL
        .into_iter()
        .rev()
        .find(|l| !l.file_suffix().is_empty() && name.contains(l.file_suffix()))
        .unwrap_or_default()
}

/// Everything the report files show, computed once; each file is rendered on demand, so a
/// caller can write (or compare) one file at a time and hold only one in memory.
pub(crate) struct Report<'a> {
    ds: &'a Dataset,
    /// The data's words for its ids, for every file.
    words: Glossary,
    r: Results,
    focus: Vec<&'static str>,
    at_age: Option<Results>,
    /// The funds of the debate at every age, so funds of different eras line up.
    by_age: Option<analysis::history::History>,
    /// The first focus fund among the funds of its type founded since [`PEERS_SINCE`].
    peers: Option<(Peers, Results)>,
    gap: Option<analysis::gap::Gap>,
    rubrics: Option<analysis::rubrics::RubricComparison>,
    /// The rubric's coherence (`swfscore audit` with its defaults).
    audit: analysis::audit::Audit,
    robust: analysis::robustness::Robustness,
    /// The estimate's backtest (small datasets only: its cost grows with funds and years).
    backtest: Option<crate::estimate::Backtest>,
    /// What the Chinese edition shows in English for want of a translation.
    untranslated: Vec<String>,
}

impl<'a> Report<'a> {
    /// Scores `ds`; `views` are extra rubrics for the rank comparison (may be empty).
    pub(crate) fn new(ds: &'a Dataset, views: &[(String, Dataset)], settings: Settings) -> Self {
        let model = crate::estimate::Model::of(ds);
        let r = score::score_with(ds, &Options::default(), Some(&model));
        let focus: Vec<&'static str> = FOCUS.iter().copied().filter(|id| ds.fund(id).is_some()).collect();
        // "At HKIC's age": the age of the youngest focus fund at its latest assessment.
        let age = focus.iter().filter_map(|id| ds.fund(id)).map(|f| f.assessed.year - f.established).min();
        let at_age =
            age.map(|a| score::score_with(ds, &Options { at_age: Some(a), ..Options::default() }, Some(&model)));
        let ids: Vec<String> = focus.iter().map(|s| s.to_string()).collect();
        let by_age = (!ids.is_empty()).then(|| analysis::history::history(ds, &ids, None, true, None));
        // "How does HKIC compare with funds of its kind?": its type, founded since PEERS_SINCE.
        let peers = focus.first().and_then(|id| ds.fund(id)).and_then(|f| {
            let kind = f.metadata.kind?;
            let group = Peers { fund: f.id.clone(), kind, since: PEERS_SINCE };
            // The funds `--where` selects for the command the section names.
            let clauses = group.clauses();
            let peer_ds = ds.keeping(|g| crate::filter::passes(&clauses, g));
            (peer_ds.funds.len() >= 2).then(|| (group, score::score_with(&peer_ds, &Options::default(), Some(&model))))
        });
        // "What would HKIC have to publish to match Temasek?"
        let gap = match (focus.first(), focus.get(1)) {
            (Some(a), Some(b)) => analysis::gap::gap(ds, a, Some(&Goal::Match(b.to_string())), false, None).ok(),
            _ => None,
        };
        let rubrics = (views.len() >= 2).then(|| analysis::rubrics::compare(views));
        // The same run as `swfscore audit`: coherence comes before uncertainty.
        let audit = analysis::audit::audit(ds, None, &analysis::audit::Settings::default());
        let mut all: Vec<&crate::model::Rubric> = vec![&ds.rubric];
        all.extend(views.iter().map(|(_, v)| &v.rubric));
        let untranslated = crate::validate::translation_gaps(ds, &all)
            .into_iter()
            .map(|(file, what)| format!("{file}: {what}"))
            .collect();
        // The same run as `swfscore robustness` with its defaults, so the README can quote it.
        let samples = settings
            .samples
            .unwrap_or_else(|| (ROBUSTNESS_BUDGET / ds.funds.len().max(1)).clamp(1_000, ROBUSTNESS_SAMPLES));
        let pairs = focus.iter().map(|s| s.to_string()).collect();
        let robust = analysis::robustness::robustness(ds, &analysis::robustness::Settings::defaults(samples, pairs));
        let runs =
            settings.backtest_runs.unwrap_or(if ds.funds.len() <= BACKTEST_MAX_FUNDS { BACKTEST_RUNS } else { 0 });
        let backtest = (runs > 0).then(|| crate::estimate::backtest(ds, runs, 0.2, 1, crate::estimate::SPREAD));
        Report {
            ds,
            words: Glossary::of(ds),
            r,
            focus,
            at_age,
            by_age,
            peers,
            gap,
            rubrics,
            audit,
            robust,
            backtest,
            untranslated,
        }
    }

    /// The text of one of [`names`].
    pub(crate) fn render(&self, name: &str) -> String {
        let html = name.ends_with(".html");
        let mut s = String::with_capacity(if html { self.r.results.len() * html::PAGE_BYTES_PER_FUND } else { 0 });
        let _ = self.render_to(name, &mut s);
        s
    }

    /// Writes one of [`names`] to `out`: the HTML piece by piece, so a file can be written
    /// without holding the page (tens of megabytes for thousands of funds) in memory.
    pub(crate) fn render_to(&self, name: &str, out: &mut dyn std::fmt::Write) -> std::fmt::Result {
        let lang = lang_of(name);
        let cx = Context { lang, ..Context::new(&self.words) };
        match name {
            // A result that cannot be written as JSON fails the file (and so the run).
            "scores.csv" => out.write_str(&Format::Csv.renderer().view(&self.r, &cx).map_err(|_| std::fmt::Error)?),
            "scores.json" => out.write_str(&Format::Json.renderer().view(&self.r, &cx).map_err(|_| std::fmt::Error)?),
            n if n.ends_with(".md") => out.write_str(&self.markdown(&Ranking::of(self.ds, &self.r), &cx)),
            _ => {
                let editions = Lang::ALL
                    .into_iter()
                    .filter(|l| *l != lang)
                    .map(|l| (l, format!("transparency{}.html", l.file_suffix())))
                    .collect();
                let extras = Extras {
                    focus: self.focus.clone(),
                    at_age: self.at_age.as_ref(),
                    by_age: self.by_age.as_ref(),
                    peers: self.peers.as_ref().map(|(g, r)| (g, r)),
                    gap: self.gap.as_ref(),
                    rubrics: self.rubrics.as_ref(),
                    audit: Some(&self.audit),
                    robustness: Some(&self.robust),
                    editions,
                    backtest: self.backtest.as_ref(),
                };
                html::write_page(out, &Ranking::of(self.ds, &self.r), &cx, &extras)
            }
        }
    }

    /// Data entries the Chinese edition shows in English for want of a translation.
    pub(crate) fn untranslated(&self) -> &[String] {
        &self.untranslated
    }

    fn markdown(&self, k: &Ranking, cx: &Context) -> String {
        let loc = cx.loc();
        let r = &self.r;
        let mut md = format!("# {}\n\n", loc.t("page.heading"));
        let html_file = format!("transparency{}.html", cx.lang.file_suffix());
        let others: Vec<String> = Lang::ALL
            .into_iter()
            .filter(|l| *l != cx.lang)
            .map(|l| format!("[{}](transparency{}.md)", Locale::of(l).t("lang.name"), l.file_suffix()))
            .collect();
        let date = cx.words.assessed().map(|d| d.to_string()).unwrap_or_default();
        md.push_str(&loc.f("md.generated", &[("date", &date), ("html", &html_file)]));
        md.push_str("\n\n");
        if !others.is_empty() {
            md.push_str(&format!("{}\n\n", others.join(" · ")));
        }
        md.push_str(&markdown::doc(&ranking::ranking(r, cx, loc.t("ranking.title"))));
        md.push('\n');
        md.push_str(&markdown::doc(&ranking::matrix(r, cx)));
        if self.focus.len() >= 2 {
            let picked: Vec<_> = self.focus.iter().filter_map(|id| r.results.iter().find(|f| f.fund == *id)).collect();
            let labels: Vec<&str> = picked.iter().map(|f| cx.label(&f.fund, &f.label)).collect();
            let title = loc.f("focus.title", &[("funds", &labels.join(loc.t("list.separator")))]);
            md.push('\n');
            md.push_str(&markdown::doc(&ranking::comparison(&Comparison { of: r, funds: picked }, cx, &title)));
        }
        if let Some(a) = &self.at_age {
            md.push('\n');
            md.push_str(&markdown::doc(&ranking::at_age(a, cx)));
        }
        if let Some(h) = &self.by_age {
            md.push('\n');
            md.push_str(&markdown::doc(&crate::render::views::by_age_chart(h, cx)));
        }
        if let Some((group, peers)) = &self.peers {
            md.push('\n');
            md.push_str(&markdown::doc(&ranking::peers(peers, cx, group)));
        }
        if let Some(g) = &self.gap {
            md.push('\n');
            md.push_str(&markdown::doc(&g.doc(cx)));
        }
        if let Some(c) = &self.rubrics {
            md.push('\n');
            md.push_str(&markdown::doc(&c.doc(cx)));
        }
        md.push('\n');
        md.push_str(&markdown::doc(&self.audit.doc(cx)));
        md.push('\n');
        md.push_str(&markdown::doc(&self.robust.doc(cx)));
        md.push('\n');
        md.push_str(&funds_section(k, cx));
        md.push('\n');
        md.push_str(&markdown::doc(&ranking::method(k, cx, self.backtest.as_ref())));
        md
    }
}

/// One paragraph per fund: name, jurisdiction, score, headline figures with their units, and
/// how many of its sources are secondary.
fn funds_section(k: &Ranking, cx: &Context) -> String {
    let (r, loc) = (k.results, cx.loc());
    let mut s = format!("## {}\n\n", loc.t("funds.title"));
    for e in &k.cards {
        let (f, Some(fund)) = (e.fund, e.descriptor) else { continue };
        let score = match (f.score, f.rank) {
            (Some(x), Some(k)) => {
                loc.f("card.score", &[("score", &format!("{x:.1}")), ("scale", &r.rubric.scale), ("rank", &k)])
            }
            _ => String::new(),
        };
        let meta = loc.f(
            "card.meta",
            &[
                ("jurisdiction", &fund.jurisdiction_in(cx.lang)),
                ("established", &fund.established),
                ("assessed", &fund.assessed),
            ],
        );
        let mut line = loc.f(
            "md.fund",
            &[("name", &markdown::cell(fund.name_in(cx.lang))), ("meta", &markdown::cell(&meta)), ("score", &score)],
        );
        let facts: Vec<String> = fund
            .facts
            .iter()
            .map(|(k, fact)| {
                let when = fact.as_of.map(|d| d.to_string()).unwrap_or_default();
                loc.f(
                    "md.fact",
                    &[("name", &html::fact_name(k, cx)), ("value", &html::fact_value(fact, cx)), ("date", &when)],
                )
            })
            .collect();
        if !facts.is_empty() {
            line.push_str(loc.t("md.sentence_separator"));
            line.push_str(&loc.f("md.facts", &[("facts", &facts.join(loc.t("md.fact_separator")))]));
        }
        let evidence: Vec<&crate::model::Evidence> =
            fund.disclosures.values().flat_map(|a| a.evidence.iter()).collect();
        let secondary = evidence.iter().filter(|e| e.is_secondary()).count();
        line.push_str(loc.t("md.sentence_separator"));
        line.push_str(&loc.f("md.sources", &[("n", &evidence.len()), ("secondary", &secondary)]));
        s.push_str(&format!("{line}\n\n"));
    }
    s
}

/// Unified diffs between the files on disk (`old`) and the regenerated ones; empty if equal.
pub(crate) fn diff(name: &str, on_disk: Option<&str>, fresh: &str) -> String {
    if on_disk == Some(fresh) {
        return String::new();
    }
    let old = on_disk.unwrap_or("");
    let label_old = if on_disk.is_some() { format!("{name} (on disk)") } else { format!("{name} (missing)") };
    similar::TextDiff::from_lines(old, fresh)
        .unified_diff()
        .context_radius(2)
        .header(&label_old, &format!("{name} (regenerated)"))
        .to_string()
}
