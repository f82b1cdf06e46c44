//! Aligned text for a terminal.

use super::text::{Align, Table as Grid, Tone, paint};
use super::*;
use crate::score::ItemStatus;

/// What the Range column means, under every ranking.
pub const RANGE_NOTE: &str = "\nRange: the score if every unknown disclosure were none, and if it were full.\n";

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
        v.doc(cx).text(cx.colour)
    }

    fn scores(&self, r: &Results, cx: &Context) -> String {
        let mut headers: Vec<(&str, Align)> = vec![("Rank", Align::Right), ("Fund", Align::Left)];
        if r.at_age.is_some() {
            headers.push(("Year", Align::Right));
        }
        let (estimate, lead) = estimate_columns(r);
        if lead {
            headers.push(("Estimate (90%)", Align::Right));
        }
        headers.push(("Score", Align::Right));
        headers.push(("Range", Align::Right));
        if estimate && !lead {
            headers.push(("Estimate (90%)", Align::Right));
        }
        for c in &r.categories {
            headers.push((c.id.as_str(), Align::Right));
        }
        let mut t = Grid::new(&headers);
        for f in &r.results {
            let mut row =
                vec![(f.rank.map_or("-".into(), |k| k.to_string()), Tone::Plain), (f.label.clone(), Tone::Bold)];
            if r.at_age.is_some() {
                row.push((f.year.map_or("-".into(), |y| y.to_string()), Tone::Plain));
            }
            if lead {
                row.push((fmt_estimate(f), Tone::Plain));
            }
            match f.score {
                Some(_) => row.push((fmt_ranked_score(f, r), score_tone(f.score, r.rubric.scale))),
                None => row.push((cx.status(f).to_string(), Tone::Dim)),
            }
            row.push((fmt_bounds(f.bounds), Tone::Dim));
            if estimate && !lead {
                row.push((fmt_estimate(f), Tone::Plain));
            }
            for (_, s) in &f.categories {
                row.push((fmt_score(*s), score_tone(*s, r.rubric.scale)));
            }
            t.row(row);
        }
        let mut out = format!("{}\n\n", rubric_line(r, cx));
        out.push_str(&t.render(cx.colour));
        out.push_str(RANGE_NOTE);
        if estimate {
            out.push_str(cx.loc().t("ranking.estimate_note"));
            out.push('\n');
        }
        if lead {
            out.push_str(cx.loc().t("ranking.lower_bound_note"));
            out.push('\n');
        }
        out
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
        let mut out = format!("{}\n\n", rubric_line(r, cx));
        let mut headers: Vec<(&str, Align)> = vec![("", Align::Left)];
        for f in funds {
            headers.push((f.label.as_str(), Align::Right));
        }
        let mut t = Grid::new(&headers);
        let mut score_row = vec![("Score".to_string(), Tone::Bold)];
        let mut rank_row = vec![("Rank".to_string(), Tone::Plain)];
        for f in funds {
            score_row.push((
                f.score.map_or(cx.status(f).to_string(), |s| format!("{s:.1}")),
                score_tone(f.score, r.rubric.scale),
            ));
            rank_row.push((f.rank.map_or("-".into(), |k| k.to_string()), Tone::Plain));
        }
        t.row(score_row);
        t.row(rank_row);
        for (k, c) in r.categories.iter().enumerate() {
            let mut row = vec![(format!("  {}", c.id), Tone::Plain)];
            for f in funds {
                let s = f.categories.get(k).and_then(|(_, s)| *s);
                row.push((fmt_score(s), score_tone(s, r.rubric.scale)));
            }
            t.row(row);
        }
        out.push_str(&t.render(cx.colour));
        out.push('\n');
        let mut headers: Vec<(&str, Align)> = vec![("", Align::Left), ("Disclosure", Align::Left)];
        for f in funds {
            headers.push((f.label.as_str(), Align::Right));
        }
        let mut m = Grid::new(&headers);
        let mut differing = 0;
        for d in rubric_disclosures(r) {
            let diff = differs(funds, d);
            differing += usize::from(diff);
            let mut row = vec![
                (if diff { "*".to_string() } else { String::new() }, Tone::Highlight),
                (d.to_string(), if diff { Tone::Highlight } else { Tone::Plain }),
            ];
            for f in funds {
                let l = level_of(f, d);
                row.push((cx.loc().t(level_short(l)).to_string(), l.map_or(Tone::Dim, Tone::of_level)));
            }
            m.row(row);
        }
        out.push_str(&m.render(cx.colour));
        out.push_str(&format!(
            "\n* = levels differ ({differing} of {} disclosures). ? = unknown, n/a = not applicable.\n",
            rubric_disclosures(r).len()
        ));
        out
    }
}
