//! `swfscore audit`: on a generated universe with coherent, noisy and constant items, the
//! alphas equal a direct computation from the credits the audit reports, a category whose
//! items always move together has alpha 1, an item that never varies is flagged; every
//! format and both languages run on the repository's data.

use crate::util::*;
use serde_json::Value;
use std::path::Path;

const RUBRIC: &str = "id: gen
title: Generated
scale: 100
unknown: none
categories:
  - id: coherent
    title: Coherent
    weight: 2
    items:
      - { id: annual_report, title: A }
      - { id: independent_audit, title: B }
      - { id: audited_financial_statements, title: C }
  - id: mixed
    title: Mixed
    weight: 1
    items:
      - { id: fund_size, title: D }
      - { id: annual_returns, title: E }
      - { id: borrowing, title: F }
";

/// 24 funds: three coherent items at one level per fund, two noisy ones, one always full.
fn universe(dir: &Path) {
    std::fs::create_dir_all(dir.join("funds")).unwrap();
    std::fs::write(dir.join("rubric.yaml"), RUBRIC).unwrap();
    let levels = ["none", "partial", "full"];
    let mut state = 7u64;
    let mut draw = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) as usize % 3
    };
    for i in 0..24 {
        let a = levels[i % 3];
        let entries = [
            ("annual_report", a),
            ("independent_audit", a),
            ("audited_financial_statements", a),
            ("fund_size", levels[draw()]),
            ("annual_returns", levels[draw()]),
            ("borrowing", "full"),
        ];
        let mut text = format!(
            "id: f{i:02}\nname: Fund {i}\njurisdiction: J{i}\nestablished: 2000\nassessed: 2026-01-01\ndisclosures:\n"
        );
        for (d, l) in entries {
            if l == "none" {
                text.push_str(&format!("  {d}: none\n"));
            } else {
                text.push_str(&format!(
                    "  {d}:\n    level: {l}\n    evidence:\n      - {{source: Report, url: 'https://www.gov.example/r{i}', date: 2020-01-01, quote: x}}\n"
                ));
            }
        }
        std::fs::write(dir.join(format!("funds/f{i:02}.yaml")), text).unwrap();
    }
}

fn alpha(rows: &[Vec<f64>]) -> f64 {
    let k = rows[0].len() as f64;
    let var = |x: &[f64]| {
        let m = x.iter().sum::<f64>() / x.len() as f64;
        x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - 1) as f64
    };
    let items: f64 = (0..rows[0].len()).map(|j| var(&rows.iter().map(|r| r[j]).collect::<Vec<_>>())).sum();
    let total = var(&rows.iter().map(|r| r.iter().sum()).collect::<Vec<f64>>());
    k / (k - 1.0) * (1.0 - items / total)
}

#[test]
fn alphas_equal_a_direct_computation_and_flags_name_what_they_find() {
    let t = tempfile::tempdir().unwrap();
    universe(t.path());
    let r = swfscore(t.path(), &["audit", "--format", "json", "--credits"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let a: Value = serde_json::from_str(&r.stdout).unwrap();
    let credits: Vec<Vec<f64>> = a["credits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["credits"].as_array().unwrap().iter().map(|c| c.as_f64().unwrap()).collect())
        .collect();
    assert_eq!(credits.len(), 24);
    let cats = a["categories"].as_array().unwrap();
    for (k, c) in cats.iter().enumerate() {
        let rows: Vec<Vec<f64>> = credits.iter().map(|r| r[k * 3..k * 3 + 3].to_vec()).collect();
        let direct = alpha(&rows);
        let ours = c["alpha"].as_f64().unwrap();
        assert!((ours - direct).abs() < 1e-12, "{}: {ours} vs {direct}", c["id"]);
        assert!(c["alpha_low"].as_f64().unwrap() <= ours + 1e-12 && ours <= c["alpha_high"].as_f64().unwrap() + 1e-12);
    }
    assert_eq!(cats[0]["id"], "coherent");
    assert!((cats[0]["alpha"].as_f64().unwrap() - 1.0).abs() < 1e-12, "{}", cats[0]);
    assert!((cats[0]["first_component_share"].as_f64().unwrap() - 1.0).abs() < 1e-9);
    assert_eq!(cats[0]["kr20"], false, "partial credits are 0.5");
    let item = |id: &str| a["items"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap().clone();
    let constant = item("borrowing");
    assert_eq!(constant["flags"], serde_json::json!(["no_variation"]));
    assert!(constant["item_rest"].is_null() && constant["loading"].is_null() && constant["importance"].is_null());
    assert!(item("annual_report")["flags"].as_array().unwrap().iter().any(|f| f == "redundant_with:independent_audit"));
    assert!(cats[1]["flags"].as_array().unwrap().iter().any(|f| f == "alpha_low"));
    // Importance shares add up to one; weight shares too.
    let sum = |key: &str| a["items"].as_array().unwrap().iter().filter_map(|i| i[key].as_f64()).sum::<f64>();
    assert!((sum("importance") - 1.0).abs() < 1e-12 && (sum("weight_share") - 1.0).abs() < 1e-12);
    // The same seed gives the same bytes; another seed other intervals.
    assert_eq!(swfscore(t.path(), &["audit", "--format", "json", "--credits"]).stdout, r.stdout);
    let other = swfscore(t.path(), &["audit", "--format", "json", "--seed", "2"]).stdout;
    let other: Value = serde_json::from_str(&other).unwrap();
    assert_ne!(other["categories"][1]["alpha_low"], a["categories"][1]["alpha_low"]);
}

#[test]
fn audit_runs_in_every_format_and_language_and_pools_fund_years() {
    for format in ["table", "markdown", "csv", "json", "html"] {
        for lang in ["en", "zh-Hant"] {
            let r = swfscore(&repo(), &["audit", "--format", format, "--lang", lang, "--bootstrap", "50"]);
            assert_eq!(r.code, 0, "{format} {lang}: {}", r.stderr);
            if format == "csv" {
                let mut rd = csv::Reader::from_reader(r.stdout.as_bytes());
                let width = rd.headers().unwrap().len();
                assert!(rd.records().all(|x| x.unwrap().len() == width), "{lang}");
            }
        }
    }
    let r = swfscore(&repo(), &["audit", "--lang", "zh-Hant", "--bootstrap", "50"]);
    assert!(
        r.stdout.contains("自助法區間") && r.stdout.contains("第一主成分") && !r.stdout.contains("Item-rest"),
        "{}",
        r.stdout
    );
    let r = swfscore(&repo(), &["audit", "--format", "json", "--panel-years", "2005..2025", "--bootstrap", "50"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let a: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(a["panel_years"], serde_json::json!({"from": 2005, "to": 2025}));
    assert!(a["observations"].as_u64().unwrap() > 3 * a["funds"].as_u64().unwrap(), "fund-years pooled");
    for bad in ["2025..2005", "2005", "x..2020"] {
        let r = swfscore(&repo(), &["audit", "--panel-years", bad]);
        assert_eq!(r.code, 2, "{bad}");
        assert!(r.stderr.contains("FROM..TO") || r.stderr.contains("after the last"), "{bad}: {}", r.stderr);
    }
}
