//! The analysis views laid out once: each becomes a [`Doc`] (for text, Markdown and HTML)
//! and a record table (for CSV). Renderers present these; nothing here computes a score.

use super::markup::{Align, Tone};
use super::markup::{Block, Cell, Doc, Series, Table};
use super::{Context, fmt_num, fmt_score};
use crate::analysis::batch::Summary;
use crate::analysis::coverage::Coverage;
use crate::analysis::diff::Diff;
use crate::analysis::gap::{Gap, Method};
use crate::analysis::history::{FundHistory, History, YearScore};
use crate::analysis::rubrics::RubricComparison;
use crate::analysis::trend::{MoveKind, Trend};
use crate::analysis::whatif::WhatIf;
use crate::estimate::Backtest;
use crate::model::Sensitivity;
use crate::model::Start;
use crate::score::RubricInfo;
use crate::validate::{LATE_START_YEARS, LateStart, REVIEW_AFTER_YEARS, ReviewQueue};

/// Records for CSV: a header row, then one row per record.
pub type Records = Vec<Vec<String>>;

fn strings(h: &[&str]) -> Vec<String> {
    h.iter().map(|s| s.to_string()).collect()
}

/// "swfscore transparency rubric (swfscore-2026 2026.1, profile `p`), scale 0-100", and the
/// rubric's caveat on the next line, in the context's language.
pub fn rubric_name(cx: &Context, r: &RubricInfo, profile: &Option<String>) -> String {
    let mut s = rubric_title(cx, r, profile);
    if let Some(n) = rubric_note(cx, r) {
        s.push('\n');
        s.push_str(&n);
    }
    s
}

/// "swfscore transparency rubric (swfscore-2026 2026.1, profile `p`), scale 0-100".
pub fn rubric_title(cx: &Context, r: &RubricInfo, profile: &Option<String>) -> String {
    let loc = cx.loc();
    let version = r.version.as_deref().map(|v| format!(" {v}")).unwrap_or_default();
    let profile = profile.as_deref().map(|p| loc.f("rubric.profile", &[("profile", &p)])).unwrap_or_default();
    loc.f(
        "rubric.name",
        &[
            ("title", &r.title_in(cx.lang)),
            ("id", &r.id),
            ("version", &version),
            ("profile", &profile),
            ("floor", &fmt_num(r.floor)),
            ("scale", &r.scale),
        ],
    )
}

/// "Note: ..." with the rubric's caveat, where it approximates a framework.
pub fn rubric_note(cx: &Context, r: &RubricInfo) -> Option<String> {
    r.caveat_in(cx.lang).map(|c| cx.loc().f("rubric.note", &[("caveat", &c)]))
}

fn opt_rank(r: Option<u32>) -> String {
    r.map_or("-".into(), |r| r.to_string())
}

/// The row of `f` at `k` on the history's axis: a calendar year, or an age with `--by-age`.
fn at(f: &FundHistory, k: i32, by_age: bool) -> Option<&YearScore> {
    f.years.iter().find(|s| axis(s, by_age) == k)
}

/// Where a row lies on the history's axis.
fn axis(s: &YearScore, by_age: bool) -> i32 {
    if by_age { s.age } else { s.year }
}

/// A year's bounds, `(38.2–52.1)`, or `(exact)` when nothing is unknown.
fn band(s: &YearScore, cx: &Context) -> String {
    let loc = cx.loc();
    if s.bounds.is_tight() {
        loc.t("history.exact").to_string()
    } else {
        format!(
            "({:.1}–{:.1}) {} {:.1} [{:.1}–{:.1}]",
            s.bounds.low,
            s.bounds.high,
            loc.t("history.est"),
            s.estimate.score,
            s.estimate.low,
            s.estimate.high
        )
    }
}

/// The report's view of `history --by-age`: each fund's line by years since establishment,
/// and the command that prints the figures age by age.
pub fn by_age_chart(h: &History, cx: &Context) -> Doc {
    let full = history(h, cx);
    let ids: Vec<&str> = h.funds.iter().map(|f| f.fund.as_str()).collect();
    let command = format!("swfscore history {} --by-age", ids.join(" "));
    let mut doc = Doc { title: full.title, ..Doc::default() };
    doc.para(cx.loc().f("history.by_age_note", &[("command", &command)]));
    doc.blocks.extend(full.blocks.into_iter().filter(|b| matches!(b, Block::Series { .. })));
    doc
}

/// `history`: a table of years (or ages) × funds, and each fund's line with its range.
pub fn history(h: &History, cx: &Context) -> Doc {
    let loc = cx.loc();
    let by_age = h.by_age;
    let first = h.funds.iter().filter_map(|f| f.years.first()).map(|y| axis(y, by_age)).min();
    let last = h.funds.iter().filter_map(|f| f.years.last()).map(|y| axis(y, by_age)).max();
    let keys: Vec<i32> = match (first, last) {
        (Some(a), Some(b)) => (a..=b).collect(),
        _ => vec![],
    };
    let (title, lead, column) = if by_age {
        ("history.title_by_age", "history.lead_by_age", "col.age")
    } else {
        ("history.title", "history.lead", "col.year")
    };
    // Where unknowns are left out, the lead says what `~` means instead of `≥`.
    let lead = if super::rests_on_known_part(&h.rubric) { format!("{lead}_known_part") } else { lead.to_string() };
    let mark = super::mostly_unknown_mark(&h.rubric);
    let mut doc = Doc::titled(loc.t(title));
    doc.para(loc.f(&lead, &[("rubric", &rubric_name(cx, &h.rubric, &h.profile))]));
    let labels: Vec<&str> = h.funds.iter().map(|f| cx.label(&f.fund, &f.label)).collect();
    let mut headers: Vec<(&str, Align)> = vec![(loc.t(column), Align::Right)];
    headers.extend(labels.iter().map(|l| (*l, Align::Right)));
    let mut t = Table::new(&headers);
    let scale = h.rubric.scale;
    let est = loc.t("history.est");
    for &k in &keys {
        let mut row = vec![Cell::plain(k.to_string())];
        for f in &h.funds {
            // At an age, the calendar year it fell in.
            let year = |s: &YearScore| if by_age { format!(" · {}", s.year) } else { String::new() };
            row.push(match at(f, k, by_age) {
                // Most of the weight unknown: the estimate leads, the score is marked.
                Some(s) if super::unknown_beyond_a_third(s.bounds, &h.rubric) => Cell::new(
                    format!(
                        "{est} {:.1} [{:.1}–{:.1}] {mark}{:.1} ({:.1}–{:.1}) #{}/{}{}",
                        s.estimate.score,
                        s.estimate.low,
                        s.estimate.high,
                        s.score,
                        s.bounds.low,
                        s.bounds.high,
                        s.rank,
                        s.of,
                        year(s)
                    ),
                    Tone::of_share(s.estimate.score / scale),
                ),
                Some(s) => Cell::new(
                    format!("{:.1} {} #{}/{}{}", s.score, band(s, cx), s.rank, s.of, year(s)),
                    Tone::of_share(s.score / scale),
                ),
                None => Cell::new("-", Tone::Dim),
            });
        }
        t.row(row);
    }
    doc.table(t);
    let series = h
        .funds
        .iter()
        .zip(&labels)
        .map(|(f, label)| Series {
            label: label.to_string(),
            years: f.years.iter().map(|y| axis(y, by_age)).collect(),
            scores: f.years.iter().map(|y| y.score).collect(),
            lows: f.years.iter().map(|y| y.bounds.low).collect(),
            highs: f.years.iter().map(|y| y.bounds.high).collect(),
        })
        .collect();
    let caption = loc.t(if by_age { "history.chart_by_age" } else { "history.chart" }).to_string();
    doc.blocks.push(Block::Series {
        floor: h.rubric.floor,
        scale,
        series,
        caption,
        axis: loc.t("col.score").to_string(),
    });
    doc
}

pub fn history_records(h: &History) -> Records {
    let mut rows = vec![strings(&[
        "fund",
        "year",
        "age",
        "score",
        "low",
        "high",
        "estimate",
        "estimate_low",
        "estimate_high",
        "rank",
        "of",
    ])];
    for f in &h.funds {
        for y in &f.years {
            rows.push(vec![
                f.fund.clone(),
                y.year.to_string(),
                y.age.to_string(),
                format!("{:.1}", y.score),
                format!("{:.1}", y.bounds.low),
                format!("{:.1}", y.bounds.high),
                format!("{:.1}", y.estimate.score),
                format!("{:.1}", y.estimate.low),
                format!("{:.1}", y.estimate.high),
                y.rank.to_string(),
                y.of.to_string(),
            ]);
        }
    }
    rows
}

fn sensitivity_mark(s: Sensitivity) -> &'static str {
    match s {
        Sensitivity::Commercial => "commercial",
        Sensitivity::None => "",
    }
}

/// `gap`: the disclosure roadmap.
pub fn gap(g: &Gap, cx: &Context) -> Doc {
    let loc = cx.loc();
    let me = cx.label(&g.fund, &g.label);
    let other = g.other.as_ref().map(|o| (o, cx.label(&o.fund, &o.label)));
    let mut doc = match other {
        Some((_, them)) if g.all_matched.is_some() => {
            Doc::titled(loc.f("gap.match_title", &[("fund", &me), ("other", &them)]))
        }
        _ => Doc::titled(loc.f("gap.title", &[("fund", &me)])),
    };
    let mut head = loc.f(
        "gap.head",
        &[
            ("fund", &me),
            ("score", &crate::render::fmt_marked_score(g.score, g.bounds, &g.rubric)),
            ("rank", &g.rank),
            ("of", &g.of),
            ("rubric", &rubric_name(cx, &g.rubric, &g.profile)),
        ],
    );
    if let Some(a) = g.at_age {
        head.push('\n');
        head.push_str(&loc.f("gap.at_age", &[("age", &a), ("of", &g.of)]));
    }
    if let Some((o, them)) = other {
        head.push('\n');
        head.push_str(&loc.f(
            "gap.other",
            &[
                ("other", &them),
                ("score", &crate::render::fmt_marked_score(o.score, o.bounds, &g.rubric)),
                ("rank", &o.rank),
            ],
        ));
    }
    if let Some(t) = &g.target {
        head.push('\n');
        let score = format!("{:.1}", t.score);
        let fund = t.fund.as_deref().map_or("", |f| cx.label(f, t.label.as_deref().unwrap_or(f)));
        head.push_str(&loc.f(
            &format!("gap.target.{}", t.kind),
            &[("score", &score), ("rank", &t.rank.unwrap_or(0)), ("fund", &fund)],
        ));
        if t.met {
            head.push_str(loc.t("gap.target.met"));
        }
    }
    doc.para(head);
    doc.table(gap_table(g, cx, other.map(|(_, l)| l)));
    doc.para(match (&g.all_matched, other) {
        (Some(_), Some((_, them))) => loc.f("gap.legend_match", &[("fund", &me), ("other", &them)]),
        _ => loc.t("gap.legend").to_string(),
    });
    doc.para(gap_tail(g, cx, me, other.map(|(_, l)| l)));
    // A score marked as mostly unknown says what its mark means, as the ranking does.
    let bounds = std::iter::once(g.bounds).chain(other.map(|(o, _)| o.bounds)).flatten();
    if let Some(note) = crate::render::marked_note(bounds, &g.rubric) {
        doc.para(loc.t(note));
    }
    doc
}

/// The roadmap's table: each candidate with its gain, and the other fund's level.
fn gap_table(g: &Gap, cx: &Context, other: Option<&str>) -> Table {
    let loc = cx.loc();
    let in_path = |d: &str| g.path.as_ref().is_some_and(|p| p.disclosures.iter().any(|x| x == d));
    let matching = g.all_matched.is_some();
    let me = cx.label(&g.fund, &g.label);
    let mut headers: Vec<(&str, Align)> = vec![
        (loc.t("gap.col.gain"), Align::Right),
        (loc.t("gap.col.score"), Align::Right),
        (loc.t("gap.col.rank"), Align::Right),
        (if matching { me } else { loc.t("gap.col.now") }, Align::Left),
    ];
    if let Some(o) = other {
        headers.push((o, Align::Left));
    }
    headers.extend([("", Align::Left), (loc.t("gap.col.disclosure"), Align::Left)]);
    // The disclosure names each row (a card's title on a phone).
    let mut t = Table::new(&headers).keyed(headers.len() - 1);
    for c in &g.candidates {
        let marks = format!(
            "{}{}",
            if in_path(&c.disclosure) { "*" } else { "" },
            if c.sensitivity == Sensitivity::Commercial { "c" } else { "" }
        );
        let mut row = vec![
            Cell::new(format!("+{:.2}", c.gain), if c.gain > 0.0 { Tone::Good } else { Tone::Dim }),
            Cell::plain(format!("{:.1}", c.score)),
            Cell::plain(c.rank.to_string()),
            Cell::new(cx.level(Some(c.level)), Tone::of_level(c.level)),
        ];
        if let Some(l) = c.other_level.filter(|_| other.is_some()) {
            row.push(Cell::new(cx.level(Some(l)), Tone::of_level(l)));
        }
        row.push(Cell::new(marks, Tone::Highlight));
        let title = super::disclosure_title(cx, &c.disclosure);
        row.push(Cell::plain(loc.f("gap.disclosure", &[("title", &title), ("id", &c.disclosure)])));
        t.row(row);
    }
    t
}

/// The roadmap's conclusion: the shortest path to the target, and everything at once.
fn gap_tail(g: &Gap, cx: &Context, me: &str, other: Option<&str>) -> String {
    let loc = cx.loc();
    let mut tail = Vec::new();
    match (&g.target, &g.path) {
        (Some(t), _) if t.met => tail.push(loc.t("gap.met").to_string()),
        (Some(_), Some(p)) => {
            let method = match p.method {
                Method::Exact => loc.f("gap.method.exact", &[("fewer", &p.disclosures.len().saturating_sub(1))]),
                Method::GreedyExclude => loc.t("gap.method.greedy_exclude").to_string(),
                Method::GreedyBudget => loc.t("gap.method.greedy_budget").to_string(),
                Method::Greedy => loc.t("gap.method.greedy").to_string(),
            };
            tail.push(loc.f(
                "gap.path",
                &[("n", &p.disclosures.len()), ("method", &method), ("disclosures", &p.disclosures.join(", "))],
            ));
            tail.push(loc.f("gap.path_result", &[("score", &format!("{:.1}", p.score)), ("rank", &p.rank)]));
        }
        (Some(_), None) => tail.push(loc.t("gap.unreachable").to_string()),
        (None, _) => {}
    }
    match (&g.all_matched, other) {
        (Some(m), Some(them)) => tail.push(loc.f(
            "gap.all_matched",
            &[
                ("fund", &me),
                ("other", &them),
                ("n", &g.candidates.len()),
                ("score", &format!("{:.1}", m.score)),
                ("rank", &m.rank),
            ],
        )),
        _ => tail
            .push(loc.f("gap.all_full", &[("score", &format!("{:.1}", g.all_full.score)), ("rank", &g.all_full.rank)])),
    }
    tail.join("\n")
}

pub fn gap_records(g: &Gap) -> Records {
    let mut rows = vec![strings(&[
        "disclosure",
        "title",
        "level",
        "to",
        "other_level",
        "sensitivity",
        "gain",
        "score",
        "rank",
        "in_path",
    ])];
    for c in &g.candidates {
        let in_path = g.path.as_ref().is_some_and(|p| p.disclosures.contains(&c.disclosure));
        rows.push(vec![
            c.disclosure.clone(),
            c.title.clone(),
            c.level.to_string(),
            c.to.to_string(),
            c.other_level.map(|l| l.to_string()).unwrap_or_default(),
            sensitivity_mark(c.sensitivity).to_string(),
            format!("{:.4}", c.gain),
            format!("{:.1}", c.score),
            c.rank.to_string(),
            in_path.to_string(),
        ]);
    }
    rows
}

/// `whatif`: the changes, then old and new scores and ranks.
pub fn whatif(w: &WhatIf, cx: &Context) -> Doc {
    let loc = cx.loc();
    let mut doc = Doc::titled(loc.t("whatif.title"));
    let mut head = String::new();
    if let Some(t) = &w.title {
        head.push_str(&format!("{t}\n"));
    }
    head.push_str(&loc.f("whatif.under", &[("rubric", &rubric_name(cx, &w.rubric, &w.profile))]));
    doc.para(head);
    let items = w
        .changes
        .iter()
        .map(|c| format!("{} {}: {} → {}", c.fund, c.disclosure, cx.level(Some(c.from)), cx.level(Some(c.to))))
        .collect();
    doc.list(loc.t("whatif.changes"), items);
    let cats: Vec<&str> = w.categories.iter().map(|c| cx.category(c, c)).collect();
    let mut headers: Vec<(&str, Align)> =
        vec![(loc.t("col.fund"), Align::Left), (loc.t("col.score"), Align::Right), (loc.t("col.rank"), Align::Right)];
    headers.extend(cats.iter().map(|c| (*c, Align::Right)));
    let mut t = Table::new(&headers).keyed(0);
    // A score whose weight is mostly unknown is marked (≥ or ~), never shown bare.
    let marked =
        |s: Option<f64>, b| s.map_or_else(|| fmt_score(None), |s| crate::render::fmt_marked_score(s, b, &w.rubric));
    for m in &w.funds {
        let tone = if m.new_score > m.old_score {
            Tone::Good
        } else if m.new_score < m.old_score {
            Tone::Bad
        } else {
            Tone::Plain
        };
        let mut row = vec![
            Cell::new(cx.label(&m.fund, &m.label), Tone::Bold),
            Cell::new(format!("{} → {}", marked(m.old_score, m.old_bounds), marked(m.new_score, m.new_bounds)), tone),
            Cell::plain(format!("{} → {}", opt_rank(m.old_rank), opt_rank(m.new_rank))),
        ];
        for c in &w.categories {
            let of = |v: &[(String, Option<f64>)]| v.iter().find(|(k, _)| k == c).and_then(|(_, s)| *s);
            let (a, b) = (of(&m.old_categories), of(&m.new_categories));
            row.push(if a == b {
                Cell::new(fmt_score(a), Tone::Dim)
            } else {
                Cell::new(format!("{} → {}", fmt_score(a), fmt_score(b)), Tone::Highlight)
            });
        }
        t.row(row);
    }
    doc.table(t);
    let others = w.funds.iter().filter(|m| !m.changed).count();
    doc.para(if others == 0 {
        loc.t("whatif.none_moved").to_string()
    } else {
        loc.f("whatif.others_moved", &[("n", &others)])
    });
    let bounds = w.funds.iter().flat_map(|m| [m.old_bounds, m.new_bounds]).flatten();
    if let Some(note) = crate::render::marked_note(bounds, &w.rubric) {
        doc.para(loc.t(note));
    }
    doc
}

pub fn whatif_records(w: &WhatIf) -> Records {
    let mut rows = vec![strings(&["fund", "changed", "old_score", "new_score", "old_rank", "new_rank"])];
    for m in &w.funds {
        rows.push(vec![
            m.fund.clone(),
            m.changed.to_string(),
            fmt_score(m.old_score),
            fmt_score(m.new_score),
            opt_rank(m.old_rank),
            opt_rank(m.new_rank),
        ]);
    }
    rows
}

/// `compare-rubrics`: ranks side by side, rank correlations, and the frameworks' caveats.
pub fn rubrics(c: &RubricComparison, cx: &Context) -> Doc {
    let loc = cx.loc();
    let corr = |x: Option<f64>| x.map_or("-".into(), |x| format!("{x:.3}"));
    let mut doc = Doc::titled(loc.t("rubrics.title"));
    doc.para(loc.t("rubrics.lead"));
    let mut headers: Vec<(&str, Align)> = vec![(loc.t("col.fund"), Align::Left)];
    headers.extend(c.views.iter().map(|v| (v.title_in(cx.lang), Align::Right)));
    let mut t = Table::new(&headers);
    for f in &c.funds {
        let mut row = vec![Cell::new(cx.label(&f.fund, &f.label), Tone::Bold)];
        for (i, (s, k)) in f.scores.iter().zip(&f.ranks).enumerate() {
            // Marked in every format (a colour alone shows only on a terminal or a page); a
            // mostly unknown score is marked (≥ or ~), never a bare floor.
            let moved = i > 0 && *k != f.ranks[0];
            let bounds = f.bounds.get(i).copied().flatten();
            let score = s.map_or_else(|| "-".into(), |s| super::fmt_marked_score(s, bounds, &c.views[i].rubric));
            row.push(Cell::new(
                format!("{} ({score}){}", opt_rank(*k), if moved { " *" } else { "" }),
                if moved { Tone::Highlight } else { Tone::Plain },
            ));
        }
        t.row(row);
    }
    doc.table(t);
    // What a mark means, once per kind of mark shown.
    let notes = super::marked_notes(c.views.iter().enumerate().map(|(i, v)| {
        let bounds = c
            .funds
            .iter()
            .filter(move |f| f.scores[i].is_some())
            .filter_map(move |f| f.bounds.get(i).copied().flatten());
        (bounds, &v.rubric)
    }));
    for key in notes {
        doc.para(loc.t(key));
    }
    let scales = c
        .views
        .iter()
        .map(|v| format!("{} {}-{}", v.id, fmt_num(v.floor), v.scale))
        .collect::<Vec<_>>()
        .join(loc.t("list.separator"));
    doc.para(loc.f("rubrics.scales", &[("scales", &scales)]));
    let mut p = Table::new(&[
        ("A", Align::Left),
        ("B", Align::Left),
        (loc.t("rubrics.col.funds"), Align::Right),
        (loc.t("rubrics.col.kendall"), Align::Right),
        (loc.t("rubrics.col.spearman"), Align::Right),
    ]);
    for x in &c.pairs {
        p.row(vec![
            Cell::plain(x.a.clone()),
            Cell::plain(x.b.clone()),
            Cell::plain(x.funds.to_string()),
            Cell::plain(corr(x.kendall_tau_b)),
            Cell::plain(corr(x.spearman_rho)),
        ]);
    }
    doc.table(p);
    let caveats = rubric_caveats(c, cx);
    if !caveats.is_empty() {
        doc.para(caveats.join("\n"));
    }
    doc
}

/// Each framework rubric's caveat once, as `lmti: ...`, in the context's language.
pub fn rubric_caveats(c: &RubricComparison, cx: &Context) -> Vec<String> {
    let mut seen: Vec<&str> = Vec::new();
    let mut lines = Vec::new();
    for v in &c.views {
        let caveat = match cx.lang {
            crate::locale::Lang::ZhHant => v.caveat_zh.as_deref().or(v.caveat.as_deref()),
            crate::locale::Lang::En => v.caveat.as_deref(),
        };
        if let Some(cv) = caveat
            && !seen.contains(&cv)
        {
            seen.push(cv);
            lines.push(format!("{}{}{cv}", v.id.split(':').next().unwrap_or(&v.id), cx.loc().t("list.colon")));
        }
    }
    lines
}

pub fn rubrics_records(c: &RubricComparison) -> Records {
    let mut h = vec!["fund".to_string()];
    for v in &c.views {
        h.push(format!("{}:rank", v.id));
        h.push(format!("{}:score", v.id));
    }
    let mut rows = vec![h];
    for f in &c.funds {
        let mut r = vec![f.fund.clone()];
        for (s, k) in f.scores.iter().zip(&f.ranks) {
            r.push(opt_rank(*k));
            r.push(fmt_score(*s));
        }
        rows.push(r);
    }
    rows
}

/// The causes of one fund's move in a diff, in words.
fn causes(f: &crate::analysis::diff::FundDiff, loc: &crate::locale::Locale) -> Vec<String> {
    let mut causes: Vec<String> =
        f.changes.iter().map(|c| format!("`{}` {} → {} ({:+.2})", c.disclosure, c.old, c.new, c.effect)).collect();
    if f.rubric_effect.abs() >= 0.00005 {
        causes.push(loc.f("diff.rubric_effect", &[("points", &format!("{:+.2}", f.rubric_effect))]));
    }
    if f.interaction.abs() >= 0.00005 {
        causes.push(loc.f("diff.interaction", &[("points", &format!("{:+.2}", f.interaction))]));
    }
    if causes.is_empty() {
        causes.push(loc.t("diff.others").to_string());
    }
    causes
}

/// `diff`: what changed since the base, and why.
pub fn diff(d: &Diff, cx: &Context) -> Doc {
    let loc = cx.loc();
    let mut doc = Doc::titled(loc.f("diff.title", &[("base", &d.base)]));
    if d.funds.is_empty() && d.added.is_empty() && d.removed.is_empty() && !d.rubric_changed {
        doc.para(loc.t("diff.nothing"));
        return doc;
    }
    if d.rubric_changed {
        doc.para(loc.f("diff.rubric_changed", &[("old", &d.old_rubric), ("new", &d.new_rubric)]));
    }
    for (key, list) in [("diff.added", &d.added), ("diff.removed", &d.removed)] {
        if !list.is_empty() {
            let funds = list.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(loc.t("list.separator"));
            doc.para(loc.f(key, &[("funds", &funds)]));
        }
    }
    if !d.funds.is_empty() {
        let mut t = Table::new(&[
            (loc.t("col.fund"), Align::Left),
            (loc.t("col.score"), Align::Right),
            (loc.t("col.rank"), Align::Right),
            (loc.t("diff.col.causes"), Align::Left),
        ])
        .keyed(0);
        // A score whose weight is mostly unknown is marked (≥ or ~), never shown bare.
        let marked = |s: Option<f64>, b, rubric| {
            s.map_or_else(|| fmt_score(None), |s| crate::render::fmt_marked_score(s, b, rubric))
        };
        for f in &d.funds {
            t.row(vec![
                Cell::plain(cx.label(&f.fund, &f.label)),
                Cell::plain(format!(
                    "{} → {}",
                    marked(f.old_score, f.old_bounds, &d.old_info),
                    marked(f.new_score, f.new_bounds, &d.new_info)
                )),
                Cell::plain(format!("{} → {}", opt_rank(f.old_rank), opt_rank(f.new_rank))),
                Cell::plain(causes(f, loc).join(loc.t("diff.cause_separator"))),
            ]);
        }
        doc.table(t);
        doc.para(loc.t("diff.lead"));
        let old: Vec<_> = d.funds.iter().filter_map(|f| f.old_bounds).collect();
        let new: Vec<_> = d.funds.iter().filter_map(|f| f.new_bounds).collect();
        for key in crate::render::marked_notes([(old, &d.old_info), (new, &d.new_info)]) {
            doc.para(loc.t(key));
        }
    }
    doc
}

pub fn diff_records(d: &Diff) -> Records {
    let mut rows = vec![strings(&[
        "fund",
        "old_score",
        "new_score",
        "old_rank",
        "new_rank",
        "rubric_effect",
        "interaction",
        "causes",
    ])];
    for f in &d.funds {
        rows.push(vec![
            f.fund.clone(),
            fmt_score(f.old_score),
            fmt_score(f.new_score),
            opt_rank(f.old_rank),
            opt_rank(f.new_rank),
            format!("{:.4}", f.rubric_effect),
            format!("{:.4}", f.interaction),
            causes(f, crate::locale::Locale::of(crate::locale::Lang::En)).join("; "),
        ]);
    }
    rows
}

/// `validate --coverage`: per fund, what is assessed.
pub fn coverage(c: &Coverage, cx: &Context) -> Doc {
    let loc = cx.loc();
    let mut doc = Doc::titled(loc.t("coverage.title"));
    let mut t = Table::new(&[
        (loc.t("col.fund"), Align::Left),
        (loc.t("coverage.col.assessed"), Align::Right),
        (loc.t("level.full"), Align::Right),
        (loc.t("level.partial"), Align::Right),
        (loc.t("level.none"), Align::Right),
        (loc.t("coverage.col.unknown"), Align::Right),
        (loc.t("coverage.col.not_applicable"), Align::Right),
        (loc.t("coverage.col.newest"), Align::Left),
        (loc.t("coverage.col.reviewed"), Align::Left),
    ])
    .keyed(0);
    for r in &c.funds {
        t.row(vec![
            Cell::plain(r.fund.clone()),
            Cell::plain(format!("{}/{} ({:.0}%)", r.assessed_disclosures, c.disclosures, r.assessed_share * 100.0)),
            Cell::plain(r.full.to_string()),
            Cell::plain(r.partial.to_string()),
            Cell::plain(r.none.to_string()),
            Cell::plain(r.unknown.to_string()),
            Cell::plain(r.not_applicable.to_string()),
            Cell::plain(r.newest.map_or("-".into(), |d| d.to_string())),
            Cell::plain(r.assessed.to_string()),
        ]);
    }
    doc.table(t);
    doc
}

pub fn coverage_records(c: &Coverage) -> Records {
    let mut rows = vec![strings(&[
        "fund",
        "assessed",
        "disclosures",
        "full",
        "partial",
        "none",
        "unknown",
        "not_applicable",
        "newest_evidence",
        "reviewed",
        "assessed_share",
    ])];
    for r in &c.funds {
        rows.push(vec![
            r.fund.clone(),
            r.assessed_disclosures.to_string(),
            c.disclosures.to_string(),
            r.full.to_string(),
            r.partial.to_string(),
            r.none.to_string(),
            r.unknown.to_string(),
            r.not_applicable.to_string(),
            r.newest.map_or(String::new(), |d| d.to_string()),
            r.assessed.to_string(),
            format!("{:.4}", r.assessed_share),
        ]);
    }
    rows
}

/// `validate --review`: the research queue, oldest evidence first.
pub fn review(queue: &ReviewQueue, cx: &Context) -> Doc {
    let loc = cx.loc();
    let late = &queue.late_starts;
    let queue = &queue.levels;
    let mut doc = Doc::titled(loc.t("review.title"));
    doc.para(loc.f("review.lead", &[("n", &queue.len()), ("years", &REVIEW_AFTER_YEARS)]));
    let mut t = Table::new(&[
        (loc.t("coverage.col.newest"), Align::Left),
        (loc.t("review.col.years"), Align::Right),
        (loc.t("col.fund"), Align::Left),
        (loc.t("col.disclosure"), Align::Left),
        (loc.t("trend.col.level"), Align::Left),
    ]);
    for r in queue {
        t.row(vec![
            Cell::plain(r.newest.to_string()),
            Cell::plain(r.years.to_string()),
            Cell::plain(r.fund.clone()),
            Cell::plain(r.disclosure.clone()),
            Cell::plain(cx.level(Some(r.level))),
        ]);
    }
    doc.table(t);
    doc.para(loc.f("review.late_lead", &[("n", &late.len()), ("years", &LATE_START_YEARS)]));
    let mut t = Table::new(&[
        (loc.t("review.col.gap"), Align::Right),
        (loc.t("col.fund"), Align::Left),
        (loc.t("review.col.established"), Align::Right),
        (loc.t("col.disclosure"), Align::Left),
        (loc.t("trend.col.level"), Align::Left),
        (loc.t("review.col.first_recorded"), Align::Left),
        (loc.t("review.col.note"), Align::Left),
    ]);
    for r in late {
        t.row(vec![
            Cell::plain(r.gap.to_string()),
            Cell::plain(r.fund.clone()),
            Cell::plain(r.established.to_string()),
            Cell::plain(r.disclosure.clone()),
            Cell::plain(cx.level(Some(r.level))),
            Cell::plain(first_recorded(r, loc)),
            Cell::plain(r.note.clone().unwrap_or_default()),
        ]);
    }
    doc.table(t);
    doc
}

/// "known since 2016", or "2010 (history); known since 2016" when an earlier disclosed level
/// is on record.
fn first_recorded(r: &LateStart, loc: &crate::locale::Locale) -> String {
    let start = |s: Start| match s {
        Start::Since(y) => loc.f("start.since", &[("year", &y)]),
        Start::KnownSince(y) => loc.f("start.known_since", &[("year", &y)]),
        Start::Establishment => loc.t("start.establishment").to_string(),
    };
    match r.start {
        Start::Since(y) | Start::KnownSince(y) if y != r.first_recorded => {
            loc.f("review.history_then", &[("year", &r.first_recorded), ("start", &start(r.start))])
        }
        _ => start(r.start),
    }
}

/// One table for both lists (`kind` = `stale` or `late_start`), each row filling the columns
/// of its kind.
pub fn review_records(queue: &ReviewQueue) -> Records {
    let mut rows = vec![strings(&[
        "kind",
        "fund",
        "disclosure",
        "level",
        "newest_evidence",
        "years",
        "established",
        "first_recorded",
        "start_kind",
        "gap",
        "note",
    ])];
    for r in &queue.levels {
        rows.push(vec![
            "stale".into(),
            r.fund.clone(),
            r.disclosure.clone(),
            r.level.to_string(),
            r.newest.to_string(),
            r.years.to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    for r in &queue.late_starts {
        let kind = match r.start {
            Start::Since(_) => "since",
            _ => "known_since",
        };
        rows.push(vec![
            "late_start".into(),
            r.fund.clone(),
            r.disclosure.clone(),
            r.level.to_string(),
            String::new(),
            String::new(),
            r.established.to_string(),
            r.first_recorded.to_string(),
            kind.into(),
            r.gap.to_string(),
            r.note.clone().unwrap_or_default(),
        ]);
    }
    rows
}

/// `swfscore rubrics`: every rubric on offer, each checked against the catalogue.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RubricList {
    pub rubrics: Vec<ListedRubric>,
}

/// One rubric on offer.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ListedRubric {
    /// How to ask for it, as written in English (`(default)`, `--rubric rubrics/lmti.yaml`).
    pub usage: String,
    #[serde(skip)]
    pub how: crate::load::Usage,
    pub id: Option<String>,
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_zh: Option<String>,
    pub items: usize,
    pub scale: Option<f64>,
    pub profiles: Vec<String>,
    /// The problems that make it unusable, if any.
    pub errors: Vec<String>,
}

impl From<Vec<crate::load::Listed>> for RubricList {
    fn from(listed: Vec<crate::load::Listed>) -> Self {
        let rubrics = listed
            .into_iter()
            .map(|l| match l.rubric {
                Ok(r) => ListedRubric {
                    usage: l.usage.to_string(),
                    how: l.usage.clone(),
                    id: Some(r.id.clone()),
                    title: Some(r.title.clone()),
                    title_zh: r.title_zh.clone(),
                    items: r.items().count(),
                    scale: Some(r.scale),
                    profiles: r.profiles.iter().map(|p| p.id.clone()).collect(),
                    errors: vec![],
                },
                Err(d) => ListedRubric {
                    usage: l.usage.to_string(),
                    how: l.usage.clone(),
                    id: None,
                    title: None,
                    title_zh: None,
                    items: 0,
                    scale: None,
                    profiles: vec![],
                    errors: d.sorted().iter().map(|x| x.to_string()).collect(),
                },
            })
            .collect();
        RubricList { rubrics }
    }
}

/// `swfscore funds`: every fund with its names, dates, coverage and metadata.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FundList {
    pub funds: Vec<ListedFund>,
}

/// One fund as `funds` lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ListedFund {
    pub id: String,
    pub name: String,
    pub short_name: Option<String>,
    pub name_zh: Option<String>,
    pub short_name_zh: Option<String>,
    pub jurisdiction: String,
    pub established: i32,
    pub assessed: String,
    /// Catalogue disclosures assessed (full, partial, none or not applicable), of `catalogue`.
    pub assessed_disclosures: usize,
    pub catalogue: usize,
    #[serde(flatten)]
    pub metadata: crate::model::Metadata,
}

impl FundList {
    pub fn of(ds: &crate::model::Dataset) -> FundList {
        let catalogue = ds.catalogue.ids().count();
        let funds = ds
            .funds
            .iter()
            .map(|f| ListedFund {
                id: f.id.clone(),
                name: f.name.clone(),
                short_name: f.short_name.clone(),
                name_zh: f.name_zh.clone(),
                short_name_zh: f.short_name_zh.clone(),
                jurisdiction: f.jurisdiction.clone(),
                established: f.established,
                assessed: f.assessed.to_string(),
                assessed_disclosures: ds
                    .catalogue
                    .ids()
                    .filter(|d| f.standing(d, None).level != crate::model::Level::Unknown)
                    .count(),
                catalogue,
                metadata: f.metadata,
            })
            .collect();
        FundList { funds }
    }
}

/// `funds`: one row per fund, in the context's language.
pub fn fund_list(l: &FundList, cx: &Context) -> Doc {
    let loc = cx.loc();
    let mut doc = Doc::titled(loc.t("fundlist.title"));
    let col = |k: &str| loc.t(&format!("fundlist.col.{k}")).to_string();
    let headers: Vec<(String, Align)> = [
        ("id", Align::Left),
        ("name", Align::Left),
        ("jurisdiction", Align::Left),
        ("established", Align::Right),
        ("assessed", Align::Left),
        ("coverage", Align::Right),
        ("type", Align::Left),
        ("funding", Align::Left),
        ("region", Align::Left),
        ("size", Align::Left),
        ("ifswf", Align::Right),
    ]
    .iter()
    .map(|(k, a)| (col(k), *a))
    .collect();
    let mut t = Table { headers, ..Table::default() };
    let or_dash = |s: Option<&str>| s.unwrap_or("-").to_string();
    for f in &l.funds {
        let m = &f.metadata;
        t.row(vec![
            Cell::plain(f.id.clone()),
            Cell::new(cx.name(&f.id, &f.name), Tone::Bold),
            Cell::plain(cx.words.jurisdiction(&f.id, cx.lang).unwrap_or(&f.jurisdiction)),
            Cell::plain(f.established.to_string()),
            Cell::plain(f.assessed.clone()),
            Cell::plain(format!("{}/{}", f.assessed_disclosures, f.catalogue)),
            Cell::plain(or_dash(m.kind.map(|x| x.as_str()))),
            Cell::plain(or_dash(m.funding.map(|x| x.as_str()))),
            Cell::plain(or_dash(m.region.map(|x| x.as_str()))),
            Cell::plain(or_dash(m.size_band.map(|x| x.as_str()))),
            Cell::plain(match (m.ifswf(), m.ifswf_member_since) {
                (_, Some(y)) => y.to_string(),
                (Some(true), None) => loc.t("fundlist.member").to_string(),
                (Some(false), None) => loc.t("fundlist.not_member").to_string(),
                (None, None) => "-".into(),
            }),
        ]);
    }
    doc.table(t);
    doc
}

pub fn fund_list_records(l: &FundList) -> Records {
    let mut rows = vec![strings(&[
        "id",
        "name",
        "short_name",
        "name_zh",
        "short_name_zh",
        "jurisdiction",
        "established",
        "assessed",
        "assessed_disclosures",
        "catalogue",
        "type",
        "funding",
        "region",
        "size_band",
        "ifswf_member",
        "ifswf_member_since",
    ])];
    for f in &l.funds {
        let m = &f.metadata;
        let s = |x: Option<&str>| x.unwrap_or_default().to_string();
        rows.push(vec![
            f.id.clone(),
            f.name.clone(),
            s(f.short_name.as_deref()),
            s(f.name_zh.as_deref()),
            s(f.short_name_zh.as_deref()),
            f.jurisdiction.clone(),
            f.established.to_string(),
            f.assessed.clone(),
            f.assessed_disclosures.to_string(),
            f.catalogue.to_string(),
            s(m.kind.map(|x| x.as_str())),
            s(m.funding.map(|x| x.as_str())),
            s(m.region.map(|x| x.as_str())),
            s(m.size_band.map(|x| x.as_str())),
            m.ifswf().map(|b| b.to_string()).unwrap_or_default(),
            m.ifswf_member_since.map(|y| y.to_string()).unwrap_or_default(),
        ]);
    }
    rows
}

/// `rubrics`: one row per rubric.
pub fn rubric_list(l: &RubricList, cx: &Context) -> Doc {
    let loc = cx.loc();
    let mut doc = Doc::titled(loc.t("rubriclist.title"));
    let mut t = Table::new(&[
        (loc.t("rubriclist.col.rubric"), Align::Left),
        (loc.t("rubriclist.col.title"), Align::Left),
        (loc.t("col.items"), Align::Right),
        (loc.t("rubriclist.col.scale"), Align::Right),
        (loc.t("rubriclist.col.profiles"), Align::Left),
        (loc.t("rubriclist.col.use"), Align::Left),
    ])
    .keyed(0);
    for r in &l.rubrics {
        let title = match cx.lang {
            crate::locale::Lang::ZhHant => r.title_zh.clone().or_else(|| r.title.clone()),
            crate::locale::Lang::En => r.title.clone(),
        };
        t.row(vec![
            Cell::plain(r.id.clone().unwrap_or_else(|| loc.t("rubriclist.invalid").to_string())),
            Cell::plain(title.unwrap_or_else(|| r.errors.first().cloned().unwrap_or_default())),
            Cell::plain(if r.errors.is_empty() { r.items.to_string() } else { String::new() }),
            Cell::plain(r.scale.map(fmt_num).unwrap_or_default()),
            Cell::plain(if r.profiles.is_empty() { "-".into() } else { r.profiles.join(", ") }),
            Cell::plain(match &r.how {
                crate::load::Usage::Default { builtin: false } => loc.t("rubriclist.default").to_string(),
                crate::load::Usage::Default { builtin: true } => loc.t("rubriclist.default_builtin").to_string(),
                crate::load::Usage::File(p) => format!("--rubric {p}"),
                crate::load::Usage::Builtin(n) => format!("--rubric {n}  {}", loc.t("rubriclist.builtin")),
            }),
        ]);
    }
    doc.table(t);
    doc
}

pub fn rubric_list_records(l: &RubricList) -> Records {
    let mut rows = vec![strings(&["id", "title", "items", "scale", "profiles", "use", "errors"])];
    for r in &l.rubrics {
        rows.push(vec![
            r.id.clone().unwrap_or_default(),
            r.title.clone().unwrap_or_default(),
            r.items.to_string(),
            r.scale.map(fmt_num).unwrap_or_default(),
            r.profiles.join(" "),
            r.usage.clone(),
            r.errors.join("; "),
        ]);
    }
    rows
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// `robustness`: rank intervals under other reasonable choices, and what drives them.
pub fn robustness(r: &crate::analysis::robustness::Robustness, cx: &Context) -> Doc {
    let loc = cx.loc();
    let mut doc = Doc::titled(loc.t("robust.title"));
    let when = match (r.at_age, r.as_of) {
        (Some(a), _) => loc.f("basis.at_age", &[("age", &a)]),
        (None, Some(y)) => loc.f("basis.as_of", &[("year", &y)]),
        (None, None) => loc.t("basis.latest").to_string(),
    };
    let mut head = loc.f("rubric.line", &[("rubric", &rubric_title(cx, &r.rubric, &r.profile)), ("basis", &when)]);
    if let Some(n) = rubric_note(cx, &r.rubric) {
        head = format!("{head}\n{n}");
    }
    doc.para(format!("{head}\n{}", loc.f("robust.lead", &[("samples", &r.samples), ("seed", &r.seed)])));
    let mut a = Table::new(&[
        (loc.t("robust.col.assumption"), Align::Left),
        (loc.t("robust.col.status"), Align::Left),
        (loc.t("robust.col.varies"), Align::Left),
    ]);
    for x in &r.assumptions {
        a.row(vec![
            Cell::plain(loc.t(&format!("robust.assumption.{}", x.assumption.as_str())).to_string()),
            Cell::plain(loc.t(&format!("robust.status.{}", x.status)).to_string()),
            Cell::plain(crate::analysis::robustness::describe_in(loc, x.assumption, &x.params)),
        ]);
    }
    doc.table(a);
    doc.table(rank_intervals(r, cx));
    if !r.pairs.is_empty() {
        let label = |id: &str| {
            r.funds.iter().find(|f| f.fund == id).map_or(id.to_string(), |f| cx.label(&f.fund, &f.label).to_string())
        };
        let lines: Vec<String> = r
            .pairs
            .iter()
            .map(|p| {
                let tied = if p.tied > 0.0 { loc.f("robust.tied", &[("share", &pct(p.tied))]) } else { String::new() };
                loc.f(
                    "robust.above",
                    &[
                        ("fund", &label(&p.fund)),
                        ("other", &label(&p.other)),
                        ("share", &pct(p.above)),
                        ("tied", &tied),
                    ],
                )
            })
            .collect();
        doc.para(lines.join("\n"));
    }
    if let Some(s) = &r.sensitivity {
        sobol(&mut doc, s, cx);
    }
    doc
}

/// Each fund's rank interval and score quantiles.
fn rank_intervals(r: &crate::analysis::robustness::Robustness, cx: &Context) -> Table {
    let loc = cx.loc();
    let mut t = Table::new(&[
        (loc.t("col.rank"), Align::Right),
        (loc.t("col.fund"), Align::Left),
        (loc.t("col.score"), Align::Right),
        (loc.t("robust.col.median"), Align::Right),
        (loc.t("robust.col.interval"), Align::Right),
        (loc.t("robust.col.p_nominal"), Align::Right),
        (loc.t("robust.col.quantiles"), Align::Right),
    ]);
    for f in &r.funds {
        let [lo, hi] = f.rank_interval;
        t.row(vec![
            Cell::plain(f.nominal_rank.to_string()),
            Cell::new(cx.label(&f.fund, &f.label), Tone::Bold),
            Cell::plain(format!("{:.1}", f.nominal_score)),
            Cell::plain(f.median_rank.to_string()),
            Cell::new(
                if lo == hi { lo.to_string() } else { format!("{lo}–{hi}") },
                if hi - lo >= 3 { Tone::Highlight } else { Tone::Plain },
            ),
            Cell::plain(pct(f.p_nominal())),
            Cell::plain(format!("{:.1}–{:.1}", f.score_quantiles[0], f.score_quantiles[4])),
        ]);
    }
    t
}

/// The Sobol indices, when the run computed them.
fn sobol(doc: &mut Doc, s: &crate::analysis::robustness::Sensitivity, cx: &Context) {
    let loc = cx.loc();
    let mut t = Table::new(&[
        (loc.t("robust.col.assumption"), Align::Left),
        (loc.t("robust.col.first_order"), Align::Right),
        (loc.t("robust.col.ci"), Align::Right),
        (loc.t("robust.col.total_order"), Align::Right),
        (loc.t("robust.col.ci"), Align::Right),
    ]);
    for i in &s.indices {
        t.row(vec![
            Cell::plain(loc.t(&format!("robust.assumption.{}", i.assumption.as_str())).to_string()),
            Cell::plain(format!("{:.3}", i.first_order)),
            Cell::plain(format!("{:.3}–{:.3}", i.first_order_interval[0], i.first_order_interval[1])),
            Cell::plain(format!("{:.3}", i.total_order)),
            Cell::plain(format!("{:.3}–{:.3}", i.total_order_interval[0], i.total_order_interval[1])),
        ]);
    }
    let output = loc.t(&format!("robust.output.{}", s.output)).to_string();
    doc.para(loc.f("robust.sobol", &[("output", &output), ("base", &s.base_samples), ("runs", &s.evaluations)]));
    doc.table(t);
    if let Some(m) = s.most_influential {
        let name = loc.t(&format!("robust.assumption.{}", m.as_str())).to_string();
        doc.para(loc.f("robust.most_influential", &[("assumption", &name)]));
    }
}

pub fn robustness_records(r: &crate::analysis::robustness::Robustness) -> Records {
    let mut rows = vec![strings(&[
        "fund",
        "nominal_score",
        "nominal_rank",
        "median_rank",
        "rank_p5",
        "rank_p95",
        "p_nominal_rank",
        "score_p5",
        "score_p25",
        "score_p50",
        "score_p75",
        "score_p95",
    ])];
    for f in &r.funds {
        let q = f.score_quantiles;
        rows.push(vec![
            f.fund.clone(),
            format!("{:.1}", f.nominal_score),
            f.nominal_rank.to_string(),
            f.median_rank.to_string(),
            f.rank_interval[0].to_string(),
            f.rank_interval[1].to_string(),
            format!("{:.6}", f.p_nominal()),
            format!("{:.4}", q[0]),
            format!("{:.4}", q[1]),
            format!("{:.4}", q[2]),
            format!("{:.4}", q[3]),
            format!("{:.4}", q[4]),
        ]);
    }
    rows
}

/// `trend`: funds ranked by their change between two years, then what moved each.
pub fn trend(t: &Trend, cx: &Context) -> Doc {
    let loc = cx.loc();
    let mut doc = Doc::titled(loc.f("trend.title", &[("from", &t.from), ("to", &t.to)]));
    doc.para(rubric_name(cx, &t.rubric, &t.profile));
    doc.para(loc.t("trend.lead"));
    let (from, to) = (t.from.to_string(), t.to.to_string());
    let mut table = Table::new(&[
        (loc.t("col.rank"), Align::Right),
        (loc.t("col.fund"), Align::Left),
        (from.as_str(), Align::Right),
        (loc.t("col.range"), Align::Right),
        (to.as_str(), Align::Right),
        (loc.t("trend.col.change"), Align::Right),
        (loc.t("trend.col.moved"), Align::Left),
    ])
    .keyed(1);
    for f in &t.funds {
        let confirmed = f.moved.iter().filter(|m| m.kind == MoveKind::Confirmed).count();
        table.row(vec![
            Cell::plain(f.rank.to_string()),
            Cell::plain(cx.label(&f.fund, &f.label)),
            // A year whose weight is mostly unknown shows a marked score (≥ or ~), never a bare one.
            Cell::plain(crate::render::fmt_marked_score(f.before, Some(f.before_bounds), &t.rubric)),
            Cell::new(format!("{:.1}–{:.1}", f.before_bounds.low, f.before_bounds.high), Tone::Dim),
            Cell::plain(crate::render::fmt_marked_score(f.after, Some(f.after_bounds), &t.rubric)),
            Cell::new(format!("{:+.1}", f.change), Tone::of_sign(f.change)),
            Cell::plain(loc.f("trend.moved", &[("changed", &(f.moved.len() - confirmed)), ("confirmed", &confirmed)])),
        ]);
    }
    doc.table(table);
    let mut moves = Table::new(&[
        (loc.t("col.fund"), Align::Left),
        (loc.t("col.disclosure"), Align::Left),
        (loc.t("trend.col.level"), Align::Left),
        (loc.t("trend.col.kind"), Align::Left),
        (loc.t("trend.col.effect"), Align::Right),
    ])
    .keyed(0);
    for f in &t.funds {
        for m in &f.moved {
            moves.row(vec![
                Cell::plain(cx.label(&f.fund, &f.label)),
                Cell::plain(m.disclosure.clone()),
                Cell::plain(format!("{} → {}", cx.level(Some(m.from)), cx.level(Some(m.to)))),
                Cell::plain(match m.kind {
                    MoveKind::Changed => loc.t("trend.kind.changed"),
                    MoveKind::Confirmed => loc.t("trend.kind.confirmed"),
                }),
                Cell::new(format!("{:+.2}", m.effect), Tone::of_sign(m.effect)),
            ]);
        }
    }
    let bounds = t.funds.iter().flat_map(|f| [f.before_bounds, f.after_bounds]);
    if let Some(note) = crate::render::marked_note(bounds, &t.rubric) {
        doc.para(loc.t(note));
    }
    if !moves.rows.is_empty() {
        doc.para(loc.t("trend.moves"));
        doc.table(moves);
    }
    if !t.not_established.is_empty() {
        let funds = t.not_established.join(loc.t("list.separator"));
        doc.para(loc.f("trend.not_established", &[("year", &t.from), ("funds", &funds)]));
    }
    doc
}

pub fn trend_records(t: &Trend) -> Records {
    let mut rows = vec![strings(&[
        "fund",
        "rank",
        "before",
        "after",
        "change",
        "disclosure",
        "from_level",
        "to_level",
        "kind",
        "effect",
    ])];
    for f in &t.funds {
        let head = vec![
            f.fund.clone(),
            f.rank.to_string(),
            format!("{:.1}", f.before),
            format!("{:.1}", f.after),
            format!("{:.1}", f.change),
        ];
        if f.moved.is_empty() {
            rows.push([head.clone(), vec![String::new(); 5]].concat());
        }
        for m in &f.moved {
            let kind = match m.kind {
                MoveKind::Changed => "changed",
                MoveKind::Confirmed => "confirmed",
            };
            let tail = vec![
                m.disclosure.clone(),
                m.from.to_string(),
                m.to.to_string(),
                kind.to_string(),
                format!("{:.4}", m.effect),
            ];
            rows.push([head.clone(), tail].concat());
        }
    }
    rows
}

/// `batch` without `--output`: what the table holds, per rubric and profile.
pub fn batch_summary(s: &Summary, cx: &Context) -> Doc {
    let loc = cx.loc();
    let mut doc = Doc::titled(loc.f("batch.title", &[("rows", &s.rows)]));
    let mut t = Table::new(&[
        (loc.t("rubriclist.col.rubric"), Align::Left),
        (loc.t("col.profile"), Align::Left),
        (loc.t("batch.col.funds"), Align::Right),
        (loc.t("batch.col.years"), Align::Left),
        (loc.t("batch.col.rows"), Align::Right),
        (loc.t("batch.col.top"), Align::Left),
        (loc.t("col.score"), Align::Right),
    ])
    .keyed(0);
    for v in &s.views {
        t.row(vec![
            Cell::plain(v.rubric.clone()),
            Cell::plain(v.profile.clone().unwrap_or_else(|| "-".into())),
            Cell::plain(v.funds.to_string()),
            Cell::plain(format!("{}–{}", v.first_year, v.last_year)),
            Cell::plain(v.rows.to_string()),
            Cell::plain(v.leaders.iter().map(|f| cx.label(f, f)).collect::<Vec<_>>().join(loc.t("list.separator"))),
            Cell::plain(fmt_score(v.top_score)),
        ]);
    }
    doc.table(t);
    doc.para(loc.t("batch.lead"));
    doc
}

pub fn batch_summary_records(s: &Summary) -> Records {
    let mut rows =
        vec![strings(&["rubric", "profile", "funds", "first_year", "last_year", "rows", "leaders", "top_score"])];
    for v in &s.views {
        rows.push(vec![
            v.rubric.clone(),
            v.profile.clone().unwrap_or_default(),
            v.funds.to_string(),
            v.first_year.to_string(),
            v.last_year.to_string(),
            v.rows.to_string(),
            v.leaders.join(" "),
            fmt_score(v.top_score),
        ]);
    }
    rows
}

/// `swfscore backtest`: the estimate against the two rules on hidden known cells.
pub fn backtest(b: &Backtest, cx: &Context) -> Doc {
    let loc = cx.loc();
    let mut doc = Doc::titled(loc.t("backtest.title"));
    doc.para(format!(
        "{}\n{}",
        loc.f(
            "backtest.settings",
            &[
                ("rubric", &b.rubric),
                ("runs", &b.runs),
                ("share", &format!("{:.0}", b.share * 100.0)),
                ("seed", &b.seed),
                ("spread", &fmt_num(b.spread)),
                ("draws", &b.draws),
            ],
        ),
        loc.t("backtest.lead")
    ));
    let mut t = Table::new(&[
        (loc.t("backtest.col.masking"), Align::Left),
        (loc.t("backtest.col.fund_years"), Align::Right),
        (loc.t("backtest.col.cells"), Align::Right),
        (loc.t("backtest.col.mae_estimate"), Align::Right),
        (loc.t("backtest.col.mae_none"), Align::Right),
        (loc.t("backtest.col.mae_exclude"), Align::Right),
        (loc.t("backtest.col.coverage"), Align::Right),
        (loc.t("backtest.col.width"), Align::Right),
    ])
    .keyed(0);
    for m in &b.maskings {
        t.row(vec![
            Cell::plain(m.masking.as_str()),
            Cell::plain(m.fund_years.to_string()),
            Cell::plain(m.cells.to_string()),
            Cell::plain(format!("{:.2}", m.mae_estimate)),
            Cell::plain(format!("{:.2}", m.mae_none)),
            Cell::plain(format!("{:.2}", m.mae_exclude)),
            Cell::plain(format!("{:.1}%", m.coverage * 100.0)),
            Cell::plain(format!("{:.1}", m.mean_width)),
        ]);
    }
    doc.table(t);
    doc.para(loc.t("backtest.legend"));
    doc
}

pub fn backtest_records(b: &Backtest) -> Records {
    let mut rows = vec![strings(&[
        "masking",
        "runs",
        "share",
        "seed",
        "spread",
        "fund_years",
        "cells",
        "mae_estimate",
        "mae_none",
        "mae_exclude",
        "coverage",
        "mean_width",
    ])];
    for m in &b.maskings {
        rows.push(vec![
            m.masking.as_str().into(),
            b.runs.to_string(),
            b.share.to_string(),
            b.seed.to_string(),
            b.spread.to_string(),
            m.fund_years.to_string(),
            m.cells.to_string(),
            format!("{:.4}", m.mae_estimate),
            format!("{:.4}", m.mae_none),
            format!("{:.4}", m.mae_exclude),
            format!("{:.4}", m.coverage),
            format!("{:.4}", m.mean_width),
        ]);
    }
    rows
}

/// `validate` in a machine or document format: every problem, and the coverage and research
/// queue when asked for.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Validation {
    /// No errors (warnings count as errors with `strict`).
    pub ok: bool,
    pub strict: bool,
    pub errors: usize,
    pub warnings: usize,
    /// What was loaded, when the inputs could be loaded.
    pub funds: Option<usize>,
    pub disclosures: Option<usize>,
    pub rubric: Option<String>,
    pub problems: Vec<Problem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewQueue>,
}

/// One diagnostic, located.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Problem {
    pub severity: &'static str,
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub message: String,
    pub help: Option<String>,
}

impl From<&crate::diag::Diagnostic> for Problem {
    fn from(d: &crate::diag::Diagnostic) -> Problem {
        Problem {
            severity: match d.severity {
                crate::diag::Severity::Error => "error",
                crate::diag::Severity::Warning => "warning",
            },
            file: d.file.clone(),
            line: d.pos.map(|p| p.line),
            column: d.pos.map(|p| p.column),
            message: d.message.clone(),
            help: d.help.clone(),
        }
    }
}

pub fn validation(v: &Validation, cx: &Context) -> Doc {
    let loc = cx.loc();
    let mut doc = Doc::titled(loc.t("validate.title"));
    doc.para(format!(
        "{}{}{}{}",
        loc.f(
            if v.ok { "validate.summary_ok" } else { "validate.summary_failed" },
            &[("errors", &v.errors), ("warnings", &v.warnings)]
        ),
        if v.strict { loc.t("validate.strict") } else { "" },
        match (&v.funds, &v.disclosures, &v.rubric) {
            (Some(f), Some(d), Some(r)) => loc.f("validate.inputs", &[("funds", f), ("disclosures", d), ("rubric", r)]),
            _ => String::new(),
        },
        loc.t("validate.end")
    ));
    if !v.problems.is_empty() {
        let mut t = Table::new(&[
            ("Severity", Align::Left),
            ("File", Align::Left),
            ("Line", Align::Right),
            ("Column", Align::Right),
            ("Problem", Align::Left),
            ("Help", Align::Left),
        ]);
        for p in &v.problems {
            t.row(vec![
                Cell::plain(p.severity),
                Cell::plain(p.file.clone()),
                Cell::plain(p.line.map_or(String::new(), |l| l.to_string())),
                Cell::plain(p.column.map_or(String::new(), |c| c.to_string())),
                Cell::plain(p.message.clone()),
                Cell::plain(p.help.clone().unwrap_or_default()),
            ]);
        }
        doc.table(t);
    }
    if let Some(c) = &v.coverage {
        doc.blocks.extend(coverage(c, cx).blocks);
    }
    if let Some(r) = &v.review {
        doc.blocks.extend(review(r, cx).blocks);
    }
    doc
}

/// CSV holds one table: the coverage or the research queue when asked for (the command
/// refuses both at once), else the problems.
pub fn validation_records(v: &Validation) -> Records {
    if let Some(c) = &v.coverage {
        return coverage_records(c);
    }
    if let Some(r) = &v.review {
        return review_records(r);
    }
    let mut rows = vec![strings(&["severity", "file", "line", "column", "message", "help"])];
    for p in &v.problems {
        rows.push(vec![
            p.severity.to_string(),
            p.file.clone(),
            p.line.map_or(String::new(), |l| l.to_string()),
            p.column.map_or(String::new(), |c| c.to_string()),
            p.message.clone(),
            p.help.clone().unwrap_or_default(),
        ]);
    }
    rows
}

/// A number to three decimals, or "–" where it is undefined.
fn opt3(x: Option<f64>) -> String {
    x.map_or("–".into(), |x| format!("{x:.3}"))
}

fn opt_csv(x: Option<f64>) -> String {
    x.map_or(String::new(), |x| format!("{x}"))
}

pub fn audit(a: &crate::analysis::audit::Audit, cx: &Context) -> Doc {
    let loc = cx.loc();
    let mut doc = Doc::titled(loc.t("audit.title"));
    doc.para(rubric_name(cx, &a.rubric, &a.profile));
    let basis = match a.panel_years {
        None => loc.f("audit.basis.latest", &[("funds", &a.funds)]),
        Some(y) => loc.f(
            "audit.basis.pooled",
            &[("observations", &a.observations), ("funds", &a.funds), ("from", &y.from), ("to", &y.to)],
        ),
    };
    doc.para(format!(
        "{basis}{}{}",
        loc.t("md.sentence_separator"),
        loc.f("audit.lead", &[("bootstrap", &a.bootstrap), ("seed", &a.seed)])
    ));
    let mut t = Table::new(&[
        (loc.t("col.category"), Align::Left),
        (loc.t("col.items"), Align::Right),
        (loc.t("audit.col.observations"), Align::Right),
        (loc.t("audit.col.alpha"), Align::Right),
        (loc.t("audit.col.first_component"), Align::Right),
        (loc.t("audit.col.importance"), Align::Right),
        (loc.t("col.weight"), Align::Right),
        (loc.t("audit.col.flags"), Align::Left),
    ])
    .keyed(0);
    for c in &a.categories {
        let alpha = match (c.alpha, c.alpha_low, c.alpha_high) {
            (Some(x), Some(l), Some(h)) => format!("{x:.2} ({l:.2}–{h:.2})"),
            (x, _, _) => opt3(x),
        };
        t.row(vec![
            Cell::new(c.id.clone(), Tone::Code),
            Cell::plain(c.items.to_string()),
            Cell::plain(c.observations.to_string()),
            Cell::plain(alpha),
            Cell::plain(c.first_component_share.map_or("–".into(), |s| format!("{:.0}%", s * 100.0))),
            Cell::plain(c.importance.map_or("–".into(), |s| format!("{:.1}%", s * 100.0))),
            Cell::plain(format!("{:.1}%", c.weight_share * 100.0)),
            Cell::new(c.flags.join(" "), Tone::Code),
        ]);
    }
    doc.para(loc.t("audit.categories"));
    doc.table(t);
    let mut t = Table::new(&[
        (loc.t("audit.col.item"), Align::Left),
        (loc.t("col.category"), Align::Left),
        (loc.t("audit.col.item_rest"), Align::Right),
        (loc.t("audit.col.loading"), Align::Right),
        (loc.t("audit.col.importance"), Align::Right),
        (loc.t("col.weight"), Align::Right),
        (loc.t("audit.col.flags"), Align::Left),
    ])
    .keyed(0);
    for i in &a.items {
        t.row(vec![
            Cell::new(i.id.clone(), Tone::Code),
            Cell::new(i.category.clone(), Tone::Code),
            Cell::plain(i.item_rest.map_or("–".into(), |x| format!("{x:.2}"))),
            Cell::plain(i.loading.map_or("–".into(), |x| format!("{x:.2}"))),
            Cell::plain(i.importance.map_or("–".into(), |s| format!("{:.1}%", s * 100.0))),
            Cell::plain(format!("{:.1}%", i.weight_share * 100.0)),
            Cell::new(i.flags.join(" "), Tone::Code),
        ]);
    }
    doc.para(loc.t("audit.items"));
    doc.table(t);
    let th = &a.thresholds;
    doc.para(loc.f(
        "audit.flags",
        &[
            ("alpha", &th.alpha_low),
            ("component", &format!("{:.0}%", th.first_component_low * 100.0)),
            ("low", &th.importance_ratio_low),
            ("high", &th.importance_ratio_high),
            ("r", &th.redundant_r),
        ],
    ));
    let below: Vec<String> = a
        .coverage
        .iter()
        .filter(|f| f.below_gate)
        .map(|f| format!("{} ({:.0}%)", cx.label(&f.fund, &f.fund), f.known_weight_share * 100.0))
        .collect();
    let gate = format!("{:.0}%", th.coverage_gate * 100.0);
    doc.para(if below.is_empty() {
        loc.f("audit.coverage.none", &[("gate", &gate)])
    } else {
        let key = if super::rests_on_known_part(&a.rubric) { "audit.coverage_known_part" } else { "audit.coverage" };
        loc.f(key, &[("gate", &gate), ("funds", &below.join(loc.t("list.separator")))])
    });
    doc
}

pub fn audit_records(a: &crate::analysis::audit::Audit) -> Records {
    let mut rows = vec![strings(&[
        "kind",
        "id",
        "category",
        "observations",
        "alpha",
        "alpha_low",
        "alpha_high",
        "kr20",
        "first_component_share",
        "item_rest",
        "loading",
        "importance",
        "weight_share",
        "known_share",
        "known_weight_share",
        "below_gate",
        "flags",
    ])];
    for c in &a.categories {
        rows.push(vec![
            "category".into(),
            c.id.clone(),
            String::new(),
            c.observations.to_string(),
            opt_csv(c.alpha),
            opt_csv(c.alpha_low),
            opt_csv(c.alpha_high),
            c.kr20.to_string(),
            opt_csv(c.first_component_share),
            String::new(),
            String::new(),
            opt_csv(c.importance),
            format!("{}", c.weight_share),
            String::new(),
            String::new(),
            String::new(),
            c.flags.join(" "),
        ]);
    }
    for i in &a.items {
        rows.push(vec![
            "item".into(),
            i.id.clone(),
            i.category.clone(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            opt_csv(i.item_rest),
            opt_csv(i.loading),
            opt_csv(i.importance),
            format!("{}", i.weight_share),
            format!("{}", i.counted_share),
            String::new(),
            String::new(),
            i.flags.join(" "),
        ]);
    }
    for f in &a.coverage {
        let mut row = vec![String::new(); 17];
        row[0] = "fund".into();
        row[1] = f.fund.clone();
        row[13] = format!("{}", f.known_share);
        row[14] = format!("{}", f.known_weight_share);
        row[15] = f.below_gate.to_string();
        rows.push(row);
    }
    rows
}
