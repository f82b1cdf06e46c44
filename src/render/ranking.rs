//! The ranking (`score`), one fund explained (`explain`) and funds side by side (`compare`):
//! laid out once here as documents, in the context's language, and drawn by the text,
//! Markdown and HTML renderers (and the report), so the formats show the same columns with the
//! same titles; and as record tables for CSV.

use super::markup::{Align, Block, Cell, Doc, Table, Tone};
use super::views::Records;
use super::{
    Context, by_points_lost, disclosure_title, estimate_columns, fmt_bounds, fmt_estimate, fmt_ranked_score, fmt_score,
    guess_text, item_title, level_short, rubric_line,
};
use crate::analysis::explain::{Comparison, Explanation, Ranking};
use crate::score::{ItemStatus, Results};

/// A score's tone: its share of the scale; dim without a score.
fn score_tone(s: Option<f64>, scale: f64) -> Tone {
    s.map_or(Tone::Dim, |s| Tone::of_share(s / scale))
}

/// The ranking under `title`: rank, fund, score, range, the estimate where anything is
/// unknown (first where most of a fund's weight is), and each category's score.
pub fn ranking(r: &Results, cx: &Context, title: &str) -> Doc {
    let loc = cx.loc();
    let mut doc = Doc::titled(title);
    doc.para(rubric_line(r, cx));
    doc.table(ranking_table(r, cx));
    let (estimate, lead) = estimate_columns(r);
    let w: Vec<String> =
        r.categories.iter().map(|c| format!("{} {:.0}%", cx.category(&c.id, &c.title), c.weight * 100.0)).collect();
    doc.para(loc.f("scores.weights", &[("weights", &w.join(loc.t("list.separator")))]));
    doc.para(loc.t("ranking.range_note"));
    if estimate {
        doc.para(loc.t("ranking.estimate_note"));
    }
    if lead {
        doc.para(loc.t(super::mostly_unknown_note(&r.rubric)));
    }
    doc
}

/// A fund among its peers: the peer group named (and the command that selects it), then
/// the ranking among the peers alone.
pub fn peers(r: &Results, cx: &Context, peers: &Peers) -> Doc {
    let loc = cx.loc();
    let fund = cx.label(&peers.fund, &peers.fund);
    let mut doc = Doc::titled(loc.f("peers.title", &[("fund", &fund)]));
    let kind = loc.t(&format!("type.{}", peers.kind.as_str())).to_string();
    let command = std::iter::once("swfscore score".to_string())
        .chain(peers.clauses().iter().map(|c| {
            let text = c.to_string();
            // Quoted where a shell would read `<` or `>` as a redirection.
            if text.contains(['<', '>']) { format!("--where '{text}'") } else { format!("--where {text}") }
        }))
        .collect::<Vec<_>>()
        .join(" ");
    doc.para(
        loc.f("peers.lead", &[("kind", &kind), ("year", &peers.since), ("n", &r.results.len()), ("command", &command)]),
    );
    doc.table(ranking_table(r, cx));
    doc
}

/// The peer group of a fund: funds of its type established in `since` or later.
#[derive(Debug, Clone, PartialEq)]
pub struct Peers {
    pub fund: String,
    pub kind: crate::model::FundType,
    pub since: i32,
}

impl Peers {
    /// The `--where` clauses that select the group.
    pub fn clauses(&self) -> Vec<crate::filter::Clause> {
        use crate::filter::{Clause, Op};
        vec![
            Clause { key: "type", op: Op::Eq, values: vec![self.kind.as_str().to_string()] },
            Clause { key: "established", op: Op::Ge, values: vec![self.since.to_string()] },
        ]
    }
}

/// The ranking's table: rank, fund, score, range, the estimate where anything is unknown
/// (first where most of a fund's weight is), and each category's score.
fn ranking_table(r: &Results, cx: &Context) -> Table {
    let loc = cx.loc();
    let age = r.at_age.is_some();
    let (estimate, lead) = estimate_columns(r);
    let mut headers = vec![(loc.t("col.rank"), Align::Right), (loc.t("col.fund"), Align::Left)];
    if age {
        headers.push((loc.t("col.year"), Align::Right));
    }
    if lead {
        headers.push((loc.t("col.estimate"), Align::Right));
    }
    headers.extend([(loc.t("col.score"), Align::Right), (loc.t("col.range"), Align::Right)]);
    if estimate && !lead {
        headers.push((loc.t("col.estimate"), Align::Right));
    }
    for c in &r.categories {
        headers.push((cx.category(&c.id, &c.title), Align::Right));
    }
    let mut t = Table::new(&headers);
    for f in &r.results {
        let mut row = vec![
            Cell::plain(f.rank.map_or("-".into(), |k| k.to_string())),
            Cell::new(cx.label(&f.fund, &f.label), Tone::Bold),
        ];
        if age {
            row.push(Cell::plain(f.year.map_or("-".into(), |y| y.to_string())));
        }
        if lead {
            row.push(Cell::plain(fmt_estimate(f)));
        }
        row.push(match f.score {
            Some(_) => Cell::new(fmt_ranked_score(f, r), score_tone(f.score, r.rubric.scale)),
            None => Cell::new(cx.status(f), Tone::Dim),
        });
        row.push(Cell::new(fmt_bounds(f.bounds), Tone::Dim));
        if estimate && !lead {
            row.push(Cell::plain(fmt_estimate(f)));
        }
        for (_, s) in &f.categories {
            row.push(Cell::new(fmt_score(*s), score_tone(*s, r.rubric.scale)));
        }
        t.row(row);
    }
    t
}

/// `funds` side by side under `title`: scores, ranks and category scores, then the level of
/// every disclosure the rubric reads, the rows where the funds differ marked with `*`.
pub fn comparison(c: &Comparison, cx: &Context, title: &str) -> Doc {
    side_by_side(c, cx, title, true)
}

/// The first part of [`comparison`]: scores, ranks and category scores (the page shows the
/// levels of every fund in its matrix and cards).
pub fn comparison_scores(c: &Comparison, cx: &Context, title: &str) -> Doc {
    side_by_side(c, cx, title, false)
}

fn side_by_side(c: &Comparison, cx: &Context, title: &str, levels: bool) -> Doc {
    let (r, funds) = (c.of, &c.funds);
    let loc = cx.loc();
    let mut doc = Doc::titled(title);
    doc.para(rubric_line(r, cx));
    let labels: Vec<&str> = funds.iter().map(|f| cx.label(&f.fund, &f.label)).collect();
    let mut headers = vec![("", Align::Left)];
    headers.extend(labels.iter().map(|l| (*l, Align::Right)));
    let mut t = Table::new(&headers);
    let mut score_row = vec![Cell::new(loc.t("col.score"), Tone::Bold)];
    let mut rank_row = vec![Cell::plain(loc.t("col.rank"))];
    for f in funds {
        // Where most of a fund's weight is unknown the score is marked (≥ or ~), never a bare 0.0.
        score_row.push(Cell::new(
            f.score.map_or(cx.status(f).to_string(), |_| fmt_ranked_score(f, r)),
            score_tone(f.score, r.rubric.scale),
        ));
        rank_row.push(Cell::plain(f.rank.map_or("-".into(), |k| k.to_string())));
    }
    if r.at_age.is_some() {
        let mut year_row = vec![Cell::plain(loc.t("col.year"))];
        year_row.extend(funds.iter().map(|f| Cell::plain(f.year.map_or("-".into(), |y| y.to_string()))));
        t.row(year_row);
    }
    // The estimate where anything is unknown, first where most of some fund's weight is.
    let (estimate, lead) = estimate_columns(r);
    let estimate_row = || {
        let mut row = vec![Cell::plain(loc.t("col.estimate"))];
        row.extend(funds.iter().map(|f| Cell::plain(fmt_estimate(f))));
        row
    };
    if estimate && lead {
        t.row(estimate_row());
    }
    t.row(score_row);
    if estimate && !lead {
        t.row(estimate_row());
    }
    t.row(rank_row);
    for (k, c) in r.categories.iter().enumerate() {
        let mut row = vec![Cell::plain(cx.category(&c.id, &c.title))];
        for f in funds {
            let s = f.categories.get(k).and_then(|(_, s)| *s);
            row.push(Cell::new(fmt_score(s), score_tone(s, r.rubric.scale)));
        }
        t.row(row);
    }
    doc.table(t);
    if levels {
        comparison_levels(c, cx, &labels, &mut doc);
    }
    if lead {
        doc.para(loc.t(super::mostly_unknown_note(&r.rubric)));
    }
    doc
}

/// Every disclosure the rubric reads, a column per fund, the rows where they differ marked.
fn comparison_levels(c: &Comparison, cx: &Context, labels: &[&str], doc: &mut Doc) {
    let loc = cx.loc();
    let mut headers = vec![("", Align::Left), (loc.t("col.disclosure"), Align::Left)];
    headers.extend(labels.iter().map(|l| (*l, Align::Right)));
    // The disclosure names each row (a card's title on a phone), not the difference mark.
    let mut m = Table::new(&headers).keyed(1);
    let all = c.disclosures();
    let mut differing = 0;
    for &(d, diff) in &all {
        differing += usize::from(diff);
        let mut row = vec![
            Cell::new(if diff { "*" } else { "" }, Tone::Highlight),
            Cell::new(disclosure_title(cx, d), if diff { Tone::Highlight } else { Tone::Plain }),
        ];
        for f in &c.funds {
            let l = f.level(d);
            row.push(Cell::new(loc.t(level_short(l)), l.map_or(Tone::Dim, Tone::of_level)));
        }
        m.row(row);
    }
    doc.table(m);
    doc.para(loc.f("compare.legend", &[("differing", &differing), ("of", &all.len())]));
}

/// One fund item by item: its score and rank (the estimate first where most of its weight is
/// unknown), the unknown disclosures with what each could change, the items sorted by points
/// lost, and the standing of each disclosure with its note and sources.
pub fn explanation(e: &Explanation, cx: &Context) -> Doc {
    let (r, f) = (e.of, e.fund);
    let loc = cx.loc();
    let mut doc = Doc::about(format!("{} ({})", cx.name(&f.fund, &f.name), f.fund));
    doc.para(rubric_line(r, cx));
    let (Some(_), Some(k)) = (f.score, f.rank) else {
        doc.para(loc.f("explain.not_scored", &[("status", &cx.status(f))]));
        return doc;
    };
    let score = loc.f(
        "explain.score",
        &[("score", &fmt_ranked_score(f, r)), ("scale", &r.rubric.scale), ("rank", &k), ("of", &e.ranked())],
    );
    // Where most of the weight is unknown the estimate leads.
    doc.para(match super::estimate_leads(f, r, loc, "explain.estimate_leads") {
        Some(lead) => format!("{lead}\n{score}"),
        None => score,
    });
    if let Some(b) = f.bounds.filter(|b| !b.is_tight()) {
        let mut lines = Vec::new();
        if let Some(est) = f.estimate {
            lines.push(loc.f(
                "explain.estimate",
                &[
                    ("estimate", &format!("{:.1}", est.score)),
                    ("low", &format!("{:.1}", est.low)),
                    ("high", &format!("{:.1}", est.high)),
                ],
            ));
        }
        lines.push(loc.f("explain.range", &[("range", &fmt_bounds(Some(b))), ("n", &f.unknowns.len())]));
        doc.para(lines.join("\n"));
        let mut t = Table::new(&[
            (loc.t("explain.col.if_none"), Align::Right),
            (loc.t("explain.col.if_full"), Align::Right),
            (loc.t("col.disclosure"), Align::Left),
            (loc.t("explain.col.estimate"), Align::Left),
        ]);
        for u in &f.unknowns {
            t.row(vec![
                Cell::plain(format!("{:.1}", u.low)),
                Cell::plain(format!("{:.1}", u.high)),
                Cell::plain(format!("{} ({})", disclosure_title(cx, &u.disclosure), u.disclosure)),
                Cell::new(guess_text(u, loc), Tone::Dim),
            ]);
        }
        doc.table(t);
    }
    doc.para(loc.t("explain.sorted"));
    let mut t = Table::new(&[
        (loc.t("explain.col.lost"), Align::Right),
        (loc.t("explain.col.points"), Align::Right),
        (loc.t("explain.col.max"), Align::Right),
        (loc.t("explain.col.credit"), Align::Right),
        (loc.t("explain.col.item"), Align::Left),
        (loc.t("col.category"), Align::Left),
    ]);
    let items = by_points_lost(f);
    for i in &items {
        t.row(vec![
            Cell::new(format!("{:.2}", i.lost), if i.lost > 0.0 { Tone::Bad } else { Tone::Plain }),
            Cell::plain(format!("{:.2}", i.points)),
            Cell::new(format!("{:.2}", i.max_points), Tone::Dim),
            Cell::plain(credit_text(i)),
            Cell::new(item_title(cx, &i.item), Tone::Bold),
            Cell::plain(cx.category(&i.category, &i.category)),
        ]);
    }
    doc.table(t);
    // Each disclosure once, in the order of the items that read it.
    let mut seen = std::collections::HashSet::new();
    let mut entries = Vec::new();
    for (d, l) in items.iter().flat_map(|i| &i.levels) {
        if !seen.insert(d.as_str()) {
            continue;
        }
        let st = e.standing(d);
        let since = super::since_text(st.and_then(|s| s.start), loc);
        let mut lines = Vec::new();
        if let Some(n) = st.and_then(|s| s.note) {
            lines.push(format!("{}{}", loc.t("explain.note"), super::one_line(n)));
        }
        for ev in st.map_or(&[][..], |s| s.evidence) {
            let date = ev.date.map(|d| format!(" ({d})")).unwrap_or_default();
            let url = ev.url.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
            lines.push(format!("{}{}{date}{url}", loc.t("explain.source"), super::one_line(&ev.source)));
        }
        let colon = loc.t("list.colon");
        entries.push((format!("{} ({d}){colon}{}{since}", disclosure_title(cx, d), cx.level(Some(*l))), lines));
    }
    doc.outline(loc.t("explain.evidence"), entries);
    doc
}

/// An item's credit: `0.50`, `n/a` where the item does not apply, `?` where it is unknown.
fn credit_text(i: &crate::score::ItemResult) -> String {
    match (i.credit, i.status) {
        (Some(c), _) => format!("{c:.2}"),
        (None, ItemStatus::NotApplicable) => "n/a".into(),
        (None, _) => "?".into(),
    }
}

fn num(x: Option<f64>) -> String {
    x.map_or(String::new(), |x| format!("{x:.1}"))
}

/// A value's name as its JSON spells it (`not_established`, `scored`).
fn snake<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// The ranking as records: one row per fund, with each category's score, coverage, the rubric
/// and the estimate.
pub fn ranking_records(r: &Results) -> Records {
    let mut h: Vec<String> =
        ["rank", "fund", "name", "status", "year", "score", "low", "high"].iter().map(|s| s.to_string()).collect();
    h.extend(r.categories.iter().map(|c| c.id.clone()));
    h.extend(
        [
            "assessed",
            "unknown",
            "not_applicable",
            "rubric",
            "rubric_version",
            "estimate",
            "estimate_low",
            "estimate_high",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    let mut rows = vec![h];
    for f in &r.results {
        let mut v = vec![
            f.rank.map_or(String::new(), |k| k.to_string()),
            f.fund.clone(),
            f.name.clone(),
            snake(f.status),
            f.year.map_or(String::new(), |y| y.to_string()),
            num(f.score),
            num(f.bounds.map(|b| b.low)),
            num(f.bounds.map(|b| b.high)),
        ];
        v.extend(f.categories.iter().map(|(_, s)| num(*s)));
        v.extend([
            f.coverage.assessed.to_string(),
            f.coverage.unknown.to_string(),
            f.coverage.not_applicable.to_string(),
            r.rubric.id.clone(),
            r.rubric.version.clone().unwrap_or_default(),
            num(f.estimate.map(|e| e.score)),
            num(f.estimate.map(|e| e.low)),
            num(f.estimate.map(|e| e.high)),
        ]);
        rows.push(v);
    }
    rows
}

/// One fund as records: one row per item, sorted by points lost.
pub fn explanation_records(e: &Explanation) -> Records {
    let f = e.fund;
    let mut rows = vec![
        ["fund", "item", "category", "levels", "status", "credit", "max_points", "points", "lost"]
            .map(String::from)
            .to_vec(),
    ];
    for i in by_points_lost(f) {
        let levels: Vec<String> = i.levels.iter().map(|(d, l)| format!("{d}={l}")).collect();
        rows.push(vec![
            f.fund.clone(),
            i.item.clone(),
            i.category.clone(),
            levels.join(" "),
            snake(i.status),
            i.credit.map_or(String::new(), |c| format!("{c:.4}")),
            format!("{:.4}", i.max_points),
            format!("{:.4}", i.points),
            format!("{:.4}", i.lost),
        ]);
    }
    rows
}

/// Funds side by side as records: the score, each category, then each disclosure's level
/// with whether the funds differ on it.
pub fn comparison_records(c: &Comparison) -> Records {
    let (r, funds) = (c.of, &c.funds);
    let mut h = vec!["row".to_string(), "differs".to_string()];
    h.extend(funds.iter().map(|f| f.fund.clone()));
    let mut rows = vec![h];
    let mut v = vec!["score".to_string(), String::new()];
    v.extend(funds.iter().map(|f| num(f.score)));
    rows.push(v);
    for (k, cat) in r.categories.iter().enumerate() {
        let mut v = vec![format!("category:{}", cat.id), String::new()];
        v.extend(funds.iter().map(|f| num(f.categories.get(k).and_then(|(_, s)| *s))));
        rows.push(v);
    }
    for (d, differs) in c.disclosures() {
        let mut v = vec![format!("disclosure:{d}"), differs.to_string()];
        v.extend(funds.iter().map(|f| f.level(d).map_or(String::new(), |l| l.to_string())));
        rows.push(v);
    }
    rows
}

/// Every fund as it stood at the same age, ranked among the funds that reached it. Most of an
/// old fund's early record is unknown: the estimate leads, and the rule's score is marked as
/// the floor it is (never a bare 0.0).
pub fn at_age(a: &Results, cx: &Context) -> Doc {
    let loc = cx.loc();
    let age = a.at_age.unwrap_or(0);
    let mut d = Doc::titled(loc.f("at_age.title", &[("age", &age)]));
    d.para(loc.f("at_age.lead", &[("age", &age)]));
    let mut t = Table::new(&[
        (loc.t("col.rank"), Align::Right),
        (loc.t("col.fund"), Align::Left),
        (loc.t("col.year"), Align::Right),
        (loc.t("col.estimate"), Align::Right),
        (loc.t("col.score"), Align::Right),
        (loc.t("col.range"), Align::Right),
    ]);
    for f in &a.results {
        t.row(vec![
            Cell::plain(f.rank.map_or("-".into(), |k| k.to_string())),
            Cell::plain(cx.name(&f.fund, &f.name)),
            Cell::plain(f.year.map_or("-".into(), |y| y.to_string())),
            Cell::plain(super::fmt_estimate(f)),
            match f.score {
                Some(_) => Cell::plain(fmt_ranked_score(f, a)),
                None => Cell::new(cx.status(f), Tone::Dim),
            },
            Cell::plain(fmt_bounds(f.bounds)),
        ]);
    }
    d.table(t);
    let (estimate, lead) = super::estimate_columns(a);
    if estimate {
        d.para(loc.t("ranking.estimate_note"));
    }
    if lead {
        d.para(loc.t(super::mostly_unknown_note(&a.rubric)));
    }
    d
}

/// Funds × disclosures, a symbol per level (the scored funds, in rank order); a disclosure a
/// fund may withhold for commercial reasons is marked (c).
pub fn matrix(r: &Results, cx: &Context) -> Doc {
    let loc = cx.loc();
    let funds: Vec<_> = r.results.iter().filter(|f| f.score.is_some()).collect();
    let legend: Vec<String> = crate::model::Level::ALL
        .iter()
        .map(|l| format!("{} {}", super::level_symbol(Some(*l)), cx.level(Some(*l))))
        .collect();
    let mut d = Doc::titled(loc.t("matrix.title"));
    d.para(loc.f("matrix.legend", &[("legend", &legend.join(" · "))]));
    let mut headers = vec![(loc.t("col.disclosure"), Align::Left)];
    headers.extend(funds.iter().map(|f| (cx.label(&f.fund, &f.label), Align::Right)));
    let mut t = Table::new(&headers);
    for id in r.disclosures() {
        let title = super::disclosure_title(cx, id);
        let mut row =
            vec![Cell::plain(if cx.words.commercial(id) { format!("{title} (c)") } else { title.to_string() })];
        row.extend(funds.iter().map(|f| Cell::plain(super::level_symbol(f.level(id)))));
        t.row(row);
    }
    d.table(t);
    d.para(loc.t("matrix.commercial"));
    d
}

/// How the ranking was made and what it cannot say: the scoring, the bounds, time, the
/// estimate (and its backtest), the categories' weights, the profiles, then the limits. The
/// report prints it in Markdown and on its page.
pub fn method(k: &Ranking, cx: &Context, backtest: Option<&crate::estimate::Backtest>) -> Doc {
    let (r, rb, loc) = (k.results, k.rubric, cx.loc());
    let (method, limits) = method_paragraphs(k, cx, backtest);
    let mut d = Doc::titled(loc.t("method.title"));
    d.anchor = Some("method".into());
    for p in method {
        d.para(p);
    }
    let mut categories = Table::new(&[
        (loc.t("col.category"), Align::Left),
        (loc.t("col.weight"), Align::Right),
        (loc.t("col.items"), Align::Right),
    ])
    .captioned(loc.t("method.categories"));
    for (c, info) in rb.categories.iter().zip(&r.categories) {
        categories.row(vec![
            Cell::plain(c.title_in(cx.lang)),
            Cell::plain(format!("{:.0}%", info.weight * 100.0)),
            Cell::plain(c.items.len().to_string()),
        ]);
    }
    d.table(categories);
    if !rb.profiles.is_empty() {
        let mut profiles = Table::new(&[
            (loc.t("col.profile"), Align::Left),
            (loc.t("col.id"), Align::Left),
            (loc.t("col.rationale"), Align::Left),
        ])
        .captioned(loc.t("method.profiles"));
        for p in &rb.profiles {
            profiles.row(vec![
                Cell::plain(p.title_in(cx.lang)),
                Cell::new(p.id.clone(), Tone::Code),
                Cell::plain(p.rationale_in(cx.lang)),
            ]);
        }
        d.table(profiles);
    }
    d.blocks.push(Block::Heading(loc.t("limits.title").to_string()));
    for p in limits {
        d.para(p);
    }
    d
}

/// The method and its limits, as paragraphs of the context's language.
fn method_paragraphs(
    k: &Ranking,
    cx: &Context,
    backtest: Option<&crate::estimate::Backtest>,
) -> (Vec<String>, Vec<String>) {
    let (r, rb, loc) = (k.results, k.rubric, cx.loc());
    let unknown = match rb.unknown {
        crate::model::UnknownRule::None => loc.t("method.unknown_none"),
        crate::model::UnknownRule::Exclude => loc.t("method.unknown_exclude"),
    };
    let mut method = vec![
        loc.f(
            "method.scoring",
            &[
                ("rubric", &rb.title_in(cx.lang)),
                ("full", &rb.credits.full),
                ("partial", &rb.credits.partial),
                ("none", &rb.credits.none),
                ("floor", &super::fmt_num(r.rubric.floor)),
                ("scale", &r.rubric.scale),
                ("unknown", &unknown),
            ],
        ),
        loc.t("method.bounds").to_string(),
        loc.t("method.time").to_string(),
        loc.f("method.estimate", &[("draws", &crate::estimate::DRAWS)]),
    ];
    if let Some(b) = backtest {
        let figures: Vec<String> = b
            .maskings
            .iter()
            .map(|m| {
                loc.f(
                    &format!("method.backtest.{}", m.masking.as_str()),
                    &[
                        ("estimate", &format!("{:.2}", m.mae_estimate)),
                        ("none", &format!("{:.2}", m.mae_none)),
                        ("exclude", &format!("{:.2}", m.mae_exclude)),
                        ("coverage", &format!("{:.0}", m.coverage * 100.0)),
                        ("fund_years", &m.fund_years),
                    ],
                )
            })
            .collect();
        method.push(loc.f(
            "method.backtest",
            &[
                ("runs", &b.runs),
                ("share", &format!("{:.0}", b.share * 100.0)),
                ("seed", &b.seed),
                ("figures", &figures.join(loc.t("list.separator"))),
            ],
        ));
    }
    method.push(loc.t("method.weights").to_string());
    let limits = ["limits.record", "limits.years", "limits.frameworks", "limits.secondary", "limits.judgement"]
        .iter()
        .map(|k| loc.t(k).to_string())
        .collect();
    (method, limits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Format, View, markup::Block};
    use crate::score::{Options, score};

    const FORMATS: [Format; 5] = [Format::Table, Format::Markdown, Format::Csv, Format::Json, Format::Html];

    /// Every format of a view: CSV rows as wide as the header, JSON that parses, and the
    /// document's table cells in the text and Markdown layouts alike.
    fn check(v: &dyn View, cx: &Context, what: &str) -> Vec<String> {
        let out: Vec<String> = FORMATS.iter().map(|f| f.renderer().view(v, cx).unwrap()).collect();
        let mut csv = ::csv::ReaderBuilder::new().has_headers(true).from_reader(out[2].as_bytes());
        let width = csv.headers().map(|h| h.len()).unwrap_or_else(|e| panic!("{what}: {e}"));
        for row in csv.records() {
            assert_eq!(row.unwrap_or_else(|e| panic!("{what}: {e}")).len(), width, "{what}: {}", out[2]);
        }
        serde_json::from_str::<serde_json::Value>(&out[3]).unwrap_or_else(|e| panic!("{what}: {e}\n{}", out[3]));
        for b in &v.doc(cx).blocks {
            if let Block::Table(t) = b {
                for c in t.rows.iter().flatten().filter(|c| !c.text.is_empty()) {
                    assert!(out[0].contains(&c.text) && out[1].contains(&c.text), "{what}: {:?} missing", c.text);
                }
            }
        }
        out
    }

    #[test]
    fn the_ranking_views_render_from_their_values_alone_in_every_format() {
        let ds = crate::load::mini::dataset();
        let words = crate::render::Glossary::of(&ds);
        let cx = Context::new(&words);
        let r = score(&ds, &Options { unknown_effects: true, ..Options::default() });
        check(&r, &cx, "score");
        // The page: the same document, records and value, and in HTML every fund's card.
        let page = check(&crate::analysis::explain::Ranking::of(&ds, &r), &cx, "page");
        for f in &r.results {
            assert!(page[4].contains(&format!("id=\"fund-{}\"", f.fund)), "the page has no card for {}", f.fund);
        }
        check(&Comparison { of: &r, funds: r.results.iter().collect() }, &cx, "compare");
        for f in &r.results {
            let e = Explanation::of(&ds, &r, f);
            let out = check(&e, &cx, &f.fund);
            // Every note and source the descriptor gives for a disclosure the rubric reads
            // reaches the reading formats and JSON through the value.
            let fund = ds.fund(&f.fund).unwrap();
            let mut shown = 0;
            for d in ds.rubric.disclosures() {
                let st = fund.standing(d, f.year);
                let texts = st.note.into_iter().chain(st.evidence.iter().filter_map(|e| e.url.as_deref()));
                for t in texts {
                    shown += 1;
                    for (k, format) in FORMATS.iter().enumerate().filter(|(_, f)| **f != Format::Csv) {
                        let text = if *format == Format::Json { t.replace('"', "\\\"") } else { t.to_string() };
                        let text = if *format == Format::Html { crate::render::html::esc(&text) } else { text };
                        assert!(out[k].contains(&text), "{} {format:?} lacks {t:?}", f.fund);
                    }
                }
            }
            assert!(f.fund != "alpha" || shown >= 5, "alpha's notes and sources were checked: {shown}");
        }
    }
}
