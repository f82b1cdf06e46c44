//! Aligned text for a terminal.

use super::text::{Align, Table as Grid, Tone, paint};
use super::*;
use crate::score::ItemStatus;

/// The `table` format.
#[derive(Debug)]
pub struct Table;

fn score_tone(s: Option<f64>, scale: f64) -> Tone {
    s.map_or(Tone::Dim, |s| Tone::of_share(s / scale))
}

fn evidence_lines(out: &mut String, fund: Option<&Fund>, disclosure: &str, year: Option<i32>, cx: &Context) {
    let colour = cx.colour;
    let Some(fund) = fund else { return };
    let st = fund.standing(disclosure, year);
    if let Some(n) = st.note {
        out.push_str(&format!("      {}{}\n", cx.loc().t("explain.note"), one_line(n)));
    }
    for e in st.evidence {
        let date = e.date.map(|d| format!(" ({d})")).unwrap_or_default();
        let url = e.url.as_deref().map(|u| format!(" {}", paint(u, Tone::Dim, colour))).unwrap_or_default();
        out.push_str(&format!("      {}{}{date}{url}\n", cx.loc().t("explain.source"), one_line(&e.source)));
    }
}

impl Renderer for Table {
    fn view(&self, v: &dyn View, cx: &Context) -> String {
        super::text::doc(&v.doc(cx), cx.colour)
    }

    fn scores(&self, r: &Results, cx: &Context) -> String {
        super::text::doc(&super::ranking::ranking(r, cx, cx.loc().t("scores.title")), cx.colour)
    }

    fn explain(&self, r: &Results, f: &FundResult, cx: &Context) -> String {
        let loc = cx.loc();
        let fund = fund_of(cx, f);
        let mut out = format!("{} ({})\n{}\n", cx.name(&f.fund, &f.name), f.fund, rubric_line(r, cx));
        match (f.score, f.rank) {
            (Some(_), Some(k)) => {
                // Where most of the weight is unknown the estimate leads.
                if let Some(line) = crate::render::estimate_leads(f, r, loc, "explain.estimate_leads") {
                    out.push_str(&line);
                    out.push('\n');
                }
                out.push_str(&loc.f(
                    "explain.score",
                    &[
                        ("score", &paint(&fmt_ranked_score(f, r), score_tone(f.score, r.rubric.scale), cx.colour)),
                        ("scale", &r.rubric.scale),
                        ("rank", &k),
                        ("of", &r.results.iter().filter(|x| x.rank.is_some()).count()),
                    ],
                ));
                out.push_str("\n\n");
            }
            _ => {
                out.push_str(&loc.f("explain.not_scored", &[("status", &cx.status(f))]));
                out.push('\n');
                return out;
            }
        }
        if let Some(b) = f.bounds.filter(|b| !b.is_tight()) {
            if let Some(e) = f.estimate {
                out.push_str(&loc.f(
                    "explain.estimate",
                    &[
                        ("estimate", &format!("{:.1}", e.score)),
                        ("low", &format!("{:.1}", e.low)),
                        ("high", &format!("{:.1}", e.high)),
                    ],
                ));
                out.push('\n');
            }
            out.push_str(&loc.f("explain.range", &[("range", &fmt_bounds(Some(b))), ("n", &f.unknowns.len())]));
            out.push('\n');
            for u in &f.unknowns {
                out.push_str(&format!(
                    "  {:>5.1} – {:>5.1}  {} ({})\n",
                    u.low,
                    u.high,
                    disclosure_title(cx, &u.disclosure),
                    u.disclosure
                ));
                if u.guess.is_some() {
                    out.push_str(&format!("                 {}\n", guess_text(u, loc)));
                }
            }
            out.push('\n');
        }
        out.push_str(loc.t("explain.sorted"));
        out.push_str("\n\n");
        let mut grid = Grid::new(&[
            (loc.t("explain.col.lost"), Align::Right),
            (loc.t("explain.col.points"), Align::Right),
            (loc.t("explain.col.max"), Align::Right),
            (loc.t("explain.col.credit"), Align::Right),
            (loc.t("explain.col.item"), Align::Left),
        ]);
        for i in by_points_lost(f) {
            let credit = i.credit.map_or_else(
                || match i.status {
                    ItemStatus::NotApplicable => "n/a".to_string(),
                    _ => "?".to_string(),
                },
                |c| format!("{c:.2}"),
            );
            grid.row(vec![
                (format!("{:.2}", i.lost), if i.lost > 0.0 { Tone::Bad } else { Tone::Plain }),
                (format!("{:.2}", i.points), Tone::Plain),
                (format!("{:.2}", i.max_points), Tone::Dim),
                (credit, Tone::Plain),
                (format!("{} [{}]", item_title(cx, &i.item), cx.category(&i.category, &i.category)), Tone::Bold),
            ]);
        }
        // Interleave each item's evidence under its row.
        let rendered = grid.render(cx.colour);
        let mut lines = rendered.lines();
        if let Some(h) = lines.next() {
            out.push_str(h);
            out.push('\n');
        }
        for (line, i) in lines.zip(by_points_lost(f)) {
            out.push_str(line);
            out.push('\n');
            for (d, l) in &i.levels {
                let since = since_text(fund, d, f.year, loc);
                out.push_str(&format!(
                    "    {d}: {}{since}\n",
                    paint(cx.level(Some(*l)), Tone::of_level(*l), cx.colour)
                ));
                evidence_lines(&mut out, fund, d, f.year, cx);
            }
        }
        out
    }

    fn compare(&self, r: &Results, funds: &[&FundResult], cx: &Context) -> String {
        super::text::doc(&super::ranking::comparison(r, funds, cx, cx.loc().t("compare.title")), cx.colour)
    }
}
