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

fn evidence_lines(out: &mut String, fund: Option<&Fund>, disclosure: &str, year: Option<i32>, colour: bool) {
    let Some(fund) = fund else { return };
    let st = fund.standing(disclosure, year);
    if let Some(n) = st.note {
        out.push_str(&format!("      note: {}\n", one_line(n)));
    }
    for e in st.evidence {
        let date = e.date.map(|d| format!(" ({d})")).unwrap_or_default();
        let url = e.url.as_deref().map(|u| format!(" {}", paint(u, Tone::Dim, colour))).unwrap_or_default();
        out.push_str(&format!("      source: {}{date}{url}\n", one_line(&e.source)));
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
        let fund = fund_of(cx, f);
        let mut out = format!("{} ({})\n{}\n", f.name, f.fund, rubric_line(r, cx));
        match (f.score, f.rank) {
            (Some(_), Some(k)) => {
                // Where most of the weight is unknown the estimate leads; the score is a floor.
                if let Some(e) = f.estimate.filter(|_| mostly_unknown(f, r)) {
                    out.push_str(&format!(
                        "Estimate {:.1} of {} (90% interval {:.1}–{:.1}); most of the weight is unknown, so the score is a floor:\n",
                        e.score, r.rubric.scale, e.low, e.high
                    ));
                }
                out.push_str(&format!(
                    "Score {} of {} (rank {k} of {})\n\n",
                    paint(&fmt_ranked_score(f, r), score_tone(f.score, r.rubric.scale), cx.colour),
                    r.rubric.scale,
                    r.results.iter().filter(|x| x.rank.is_some()).count()
                ))
            }
            _ => {
                out.push_str(&format!("Not scored: {}\n", cx.status(f)));
                return out;
            }
        }
        if let Some(b) = f.bounds.filter(|b| !b.is_tight()) {
            if let Some(e) = f.estimate {
                out.push_str(&format!(
                    "Estimate {:.1} (90% interval {:.1}–{:.1}): each unknown disclosure below estimated from the level confirmed later, the fund's other levels that year and other funds at the same age (swfscore backtest checks it).\n",
                    e.score, e.low, e.high
                ));
            }
            out.push_str(&format!(
                "Range {}: {} unknown disclosure(s), each with the score if it alone were none or full:\n",
                fmt_bounds(Some(b)),
                f.unknowns.len()
            ));
            for u in &f.unknowns {
                out.push_str(&format!(
                    "  {:>5.1} – {:>5.1}  {} ({})\n",
                    u.low,
                    u.high,
                    disclosure_title(cx, &u.disclosure),
                    u.disclosure
                ));
                if u.guess.is_some() {
                    out.push_str(&format!("                 {}\n", guess_text(u)));
                }
            }
            out.push('\n');
        }
        out.push_str("Items sorted by points lost. Max = the points the item is worth for this fund.\n\n");
        let mut grid = Grid::new(&[
            ("Lost", Align::Right),
            ("Points", Align::Right),
            ("Max", Align::Right),
            ("Credit", Align::Right),
            ("Item", Align::Left),
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
                (format!("{} [{}]", item_title(cx, &i.item), i.category), Tone::Bold),
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
                let since = since_text(fund, d, f.year);
                out.push_str(&format!("    {d}: {}{since}\n", paint(l.as_str(), Tone::of_level(*l), cx.colour)));
                evidence_lines(&mut out, fund, d, f.year, cx.colour);
            }
        }
        out
    }

    fn compare(&self, r: &Results, funds: &[&FundResult], cx: &Context) -> String {
        super::text::doc(&super::ranking::comparison(r, funds, cx, cx.loc().t("compare.title")), cx.colour)
    }
}
