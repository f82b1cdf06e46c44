//! GitHub-flavoured Markdown, readable on a code-hosting site.

use super::*;
use crate::score::ItemStatus;

/// The `markdown` format.
#[derive(Debug)]
pub struct Markdown;

/// Escapes table-breaking characters in a cell.
pub fn cell(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}

/// A Markdown link, or the text alone when there is no URL.
pub fn link(text: &str, url: Option<&str>) -> String {
    match url {
        Some(u) => format!(
            "[{}]({})",
            cell(text).replace('[', "\\[").replace(']', "\\]"),
            u.replace(' ', "%20").replace(')', "%29")
        ),
        None => cell(text),
    }
}

/// The standing (level, note, evidence) of a disclosure as a Markdown list.
pub fn evidence_list(out: &mut String, fund: Option<&Fund>, disclosure: &str, year: Option<i32>) {
    let Some(fund) = fund else { return };
    let st = fund.standing(disclosure, year);
    if let Some(n) = st.note {
        out.push_str(&format!("  - Note: {}\n", one_line(n)));
    }
    for e in st.evidence {
        let date = e.date.map(|d| format!(", {d}")).unwrap_or_default();
        out.push_str(&format!("  - Source: {}{date}\n", link(&e.source, e.url.as_deref())));
    }
}

impl Renderer for Markdown {
    fn view(&self, v: &dyn View, cx: &Context) -> String {
        v.doc(cx).markdown()
    }

    fn scores(&self, r: &Results, cx: &Context) -> String {
        scores_titled(r, cx, cx.loc().t("scores.title"))
    }

    fn compare(&self, r: &Results, funds: &[&FundResult], cx: &Context) -> String {
        compare_titled(r, funds, cx, cx.loc().t("compare.title"))
    }
    fn explain(&self, r: &Results, f: &FundResult, cx: &Context) -> String {
        let fund = fund_of(cx, f);
        let mut out = format!("## {} (`{}`)\n\n{}\n\n", cell(&f.name), f.fund, rubric_line(r, cx));
        let (Some(_), Some(k)) = (f.score, f.rank) else {
            out.push_str(&format!("Not scored: {}.\n", cx.status(f)));
            return out;
        };
        let n = r.results.iter().filter(|x| x.rank.is_some()).count();
        if let Some(e) = f.estimate.filter(|_| mostly_unknown(f, r)) {
            out.push_str(&format!(
                "**Estimate {:.1}** of {} (90% interval {:.1}–{:.1}); most of the weight is unknown, so the score is a floor.\n\n",
                e.score, r.rubric.scale, e.low, e.high
            ));
        }
        out.push_str(&format!(
            "**Score {}** of {}, rank {k} of {n}. Items sorted by points lost.\n\n",
            fmt_ranked_score(f, r),
            r.rubric.scale
        ));
        if let Some(b) = f.bounds.filter(|b| !b.is_tight()) {
            if let Some(e) = f.estimate {
                out.push_str(&format!(
                    "**Estimate {:.1}** (90% interval {:.1}–{:.1}), with each unknown disclosure below estimated from the level confirmed later, the fund's other levels that year and other funds at the same age.\n\n",
                    e.score, e.low, e.high
                ));
            }
            out.push_str(&format!(
                "Range {}. Unknown disclosures, each with the score if it alone were none or full, and how the estimate reads it:\n\n| If none | If full | Disclosure | Estimate |\n|---:|---:|---|---|\n",
                fmt_bounds(Some(b))
            ));
            for u in &f.unknowns {
                out.push_str(&format!(
                    "| {:.1} | {:.1} | {} (`{}`) | {} |\n",
                    u.low,
                    u.high,
                    cell(disclosure_title(cx, &u.disclosure)),
                    u.disclosure,
                    cell(&guess_text(u))
                ));
            }
            out.push('\n');
        }
        out.push_str(
            "| Lost | Points | Max | Credit | Item | Category | Levels |\n|---:|---:|---:|---:|---|---|---|\n",
        );
        let items = by_points_lost(f);
        for i in &items {
            let credit = i.credit.map_or_else(
                || {
                    if i.status == ItemStatus::NotApplicable { "n/a".into() } else { "?".into() }
                },
                |c| format!("{c:.2}"),
            );
            let levels: Vec<String> = i.levels.iter().map(|(d, l)| format!("{d}: {l}")).collect();
            out.push_str(&format!(
                "| {:.2} | {:.2} | {:.2} | {credit} | {} | {} | {} |\n",
                i.lost,
                i.points,
                i.max_points,
                cell(item_title(cx, &i.item)),
                i.category,
                levels.join(", ")
            ));
        }
        out.push_str("\n### Evidence\n\n");
        for i in &items {
            for (d, l) in &i.levels {
                out.push_str(&format!(
                    "- **{}** (`{d}`): {l}{}\n",
                    cell(disclosure_title(cx, d)),
                    since_text(fund, d, f.year)
                ));
                evidence_list(&mut out, fund, d, f.year);
            }
        }
        out
    }
}

/// The ranking under a level-2 heading `title`, in the context's language.
pub fn scores_titled(r: &Results, cx: &Context, title: &str) -> String {
    let loc = cx.loc();
    let mut out = format!("## {title}\n\n{}\n\n", rubric_line(r, cx));
    let age = r.at_age.is_some();
    let mut heads = vec![loc.t("col.rank"), loc.t("col.fund")];
    if age {
        heads.push(loc.t("col.year"));
    }
    let (estimate, lead) = estimate_columns(r);
    if lead {
        heads.push(loc.t("col.estimate"));
    }
    heads.extend([loc.t("col.score"), loc.t("col.range")]);
    if estimate && !lead {
        heads.push(loc.t("col.estimate"));
    }
    out.push('|');
    for h in &heads {
        out.push_str(&format!(" {} |", cell(h)));
    }
    for c in &r.categories {
        out.push_str(&format!(" {} |", cell(cx.category(&c.id, &c.title))));
    }
    out.push_str(if age { "\n|---:|---|---:|---:|---:|" } else { "\n|---:|---|---:|---:|" });
    if estimate {
        out.push_str("---:|");
    }
    for _ in &r.categories {
        out.push_str("---:|");
    }
    out.push('\n');
    for f in &r.results {
        let score = match f.score {
            Some(_) => format!("**{}**", fmt_ranked_score(f, r)),
            None => format!("*{}*", cx.status(f)),
        };
        let mut year = if age { format!(" {} |", f.year.map_or("-".into(), |y| y.to_string())) } else { String::new() };
        if lead {
            year.push_str(&format!(" {} |", fmt_estimate(f)));
        }
        out.push_str(&format!(
            "| {} | {} |{year} {score} | {} |",
            f.rank.map_or("-".into(), |k| k.to_string()),
            cell(cx.name(&f.fund, &f.name)),
            fmt_bounds(f.bounds)
        ));
        if estimate && !lead {
            out.push_str(&format!(" {} |", fmt_estimate(f)));
        }
        for (_, s) in &f.categories {
            out.push_str(&format!(" {} |", fmt_score(*s)));
        }
        out.push('\n');
    }
    let w: Vec<String> =
        r.categories.iter().map(|c| format!("{} {:.0}%", cx.category(&c.id, &c.title), c.weight * 100.0)).collect();
    out.push_str(&format!(
        "\n{}\n\n{}\n",
        loc.f("scores.weights", &[("weights", &w.join(loc.t("list.separator")))]),
        loc.t("ranking.range_note")
    ));
    if estimate {
        out.push_str(&format!("\n{}\n", loc.t("ranking.estimate_note")));
    }
    if lead {
        out.push_str(&format!("\n{}\n", loc.t("ranking.lower_bound_note")));
    }
    out
}

/// Funds side by side under a level-2 heading `title`, in the context's language.
pub fn compare_titled(r: &Results, funds: &[&FundResult], cx: &Context, title: &str) -> String {
    let loc = cx.loc();
    let mut out = format!("## {title}\n\n{}\n\n| |", rubric_line(r, cx));
    for f in funds {
        out.push_str(&format!(" {} |", cell(cx.label(&f.fund, &f.label))));
    }
    out.push_str("\n|---|");
    for _ in funds {
        out.push_str("---:|");
    }
    out.push('\n');
    out.push_str(&format!("| **{}** |", loc.t("col.score")));
    for f in funds {
        out.push_str(&format!(" **{}** |", f.score.map_or(cx.status(f).to_string(), |s| format!("{s:.1}"))));
    }
    out.push_str(&format!("\n| {} |", loc.t("col.rank")));
    for f in funds {
        out.push_str(&format!(" {} |", f.rank.map_or("-".into(), |k| k.to_string())));
    }
    out.push('\n');
    for (k, c) in r.categories.iter().enumerate() {
        out.push_str(&format!("| {} |", cell(cx.category(&c.id, &c.title))));
        for f in funds {
            out.push_str(&format!(" {} |", fmt_score(f.categories.get(k).and_then(|(_, s)| *s))));
        }
        out.push('\n');
    }
    out.push_str(&format!("\n| {} |", loc.t("col.disclosure")));
    for f in funds {
        out.push_str(&format!(" {} |", cell(cx.label(&f.fund, &f.label))));
    }
    out.push_str("\n|---|");
    for _ in funds {
        out.push_str("---|");
    }
    out.push('\n');
    let all = rubric_disclosures(r);
    let mut differing = 0;
    for d in &all {
        let diff = differs(funds, d);
        differing += usize::from(diff);
        let name = cell(disclosure_title(cx, d));
        out.push_str(&if diff { format!("| **{name}** |") } else { format!("| {name} |") });
        for f in funds {
            let l = loc.t(level_short(level_of(f, d)));
            out.push_str(&if diff { format!(" **{l}** |") } else { format!(" {l} |") });
        }
        out.push('\n');
    }
    out.push_str(&format!("\n{}\n", loc.f("compare.legend", &[("differing", &differing), ("of", &all.len())])));
    out
}
