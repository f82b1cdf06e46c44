//! The ranking (`score`) and the side-by-side comparison (`compare`) as documents: laid out
//! once here, in the context's language, and drawn by the text and Markdown renderers (and the
//! report), so the formats show the same columns with the same titles.

use super::markup::{Align, Cell, Doc, Table, Tone};
use super::{
    Context, differs, estimate_columns, fmt_bounds, fmt_estimate, fmt_ranked_score, fmt_score, level_of, level_short,
    rubric_disclosures, rubric_line,
};
use crate::score::{FundResult, Results};

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
pub fn comparison(r: &Results, funds: &[&FundResult], cx: &Context, title: &str) -> Doc {
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
    let mut headers = vec![("", Align::Left), (loc.t("col.disclosure"), Align::Left)];
    headers.extend(labels.iter().map(|l| (*l, Align::Right)));
    let mut m = Table::new(&headers);
    let all = rubric_disclosures(r);
    let mut differing = 0;
    for d in &all {
        let diff = differs(funds, d);
        differing += usize::from(diff);
        let mut row = vec![
            Cell::new(if diff { "*" } else { "" }, Tone::Highlight),
            Cell::new(super::disclosure_title(cx, d), if diff { Tone::Highlight } else { Tone::Plain }),
        ];
        for f in funds {
            let l = level_of(f, d);
            row.push(Cell::new(loc.t(level_short(l)), l.map_or(Tone::Dim, Tone::of_level)));
        }
        m.row(row);
    }
    doc.table(m);
    doc.para(loc.f("compare.legend", &[("differing", &differing), ("of", &all.len())]));
    if lead {
        doc.para(loc.t(super::mostly_unknown_note(&r.rubric)));
    }
    doc
}
