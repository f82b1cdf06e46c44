//! Comma-separated values, for spreadsheets and pipelines. Every CSV the program writes goes
//! through [`records`] (the csv crate's RFC 4180 writer): no hand quoting.

use super::*;

/// The `csv` format.
#[derive(Debug)]
pub struct Csv;

/// Rows as CSV text, one line per row (`\n` endings), quoting only where needed.
pub fn records(rows: &[Vec<String>]) -> String {
    let mut w =
        ::csv::WriterBuilder::new().flexible(true).terminator(::csv::Terminator::Any(b'\n')).from_writer(vec![]);
    for r in rows {
        // Writing to memory cannot fail.
        let _ = w.write_record(r);
    }
    w.into_inner().ok().and_then(|b| String::from_utf8(b).ok()).unwrap_or_default()
}

fn num(x: Option<f64>) -> String {
    x.map_or(String::new(), |x| format!("{x:.1}"))
}

fn row(out: &mut String, fields: &[String]) {
    out.push_str(&records(&[fields.to_vec()]));
}

impl Renderer for Csv {
    fn view(&self, v: &dyn View, _cx: &Context) -> String {
        records(&v.records())
    }

    fn scores(&self, r: &Results, _cx: &Context) -> String {
        let mut out = String::new();
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
        row(&mut out, &h);
        for f in &r.results {
            let status =
                serde_json::to_value(f.status).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            let mut v = vec![
                f.rank.map_or(String::new(), |k| k.to_string()),
                f.fund.clone(),
                f.name.clone(),
                status,
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
            row(&mut out, &v);
        }
        out
    }

    fn explain(&self, _r: &Results, f: &FundResult, _cx: &Context) -> String {
        let mut out = String::new();
        row(
            &mut out,
            &["fund", "item", "category", "levels", "status", "credit", "max_points", "points", "lost"]
                .map(String::from),
        );
        for i in by_points_lost(f) {
            let levels: Vec<String> = i.levels.iter().map(|(d, l)| format!("{d}={l}")).collect();
            let status =
                serde_json::to_value(i.status).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            row(
                &mut out,
                &[
                    f.fund.clone(),
                    i.item.clone(),
                    i.category.clone(),
                    levels.join(" "),
                    status,
                    i.credit.map_or(String::new(), |c| format!("{c:.4}")),
                    format!("{:.4}", i.max_points),
                    format!("{:.4}", i.points),
                    format!("{:.4}", i.lost),
                ],
            );
        }
        out
    }

    fn compare(&self, r: &Results, funds: &[&FundResult], _cx: &Context) -> String {
        let mut out = String::new();
        let mut h = vec!["row".to_string(), "differs".to_string()];
        h.extend(funds.iter().map(|f| f.fund.clone()));
        row(&mut out, &h);
        let mut v = vec!["score".to_string(), String::new()];
        v.extend(funds.iter().map(|f| num(f.score)));
        row(&mut out, &v);
        for (k, c) in r.categories.iter().enumerate() {
            let mut v = vec![format!("category:{}", c.id), String::new()];
            v.extend(funds.iter().map(|f| num(f.categories.get(k).and_then(|(_, s)| *s))));
            row(&mut out, &v);
        }
        for d in rubric_disclosures(r) {
            let mut v = vec![format!("disclosure:{d}"), differs(funds, d).to_string()];
            v.extend(funds.iter().map(|f| level_of(f, d).map_or(String::new(), |l| l.to_string())));
            row(&mut out, &v);
        }
        out
    }
}
