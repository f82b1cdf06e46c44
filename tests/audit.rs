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

/// The figures rubric.yaml's changelog quotes, as (rubric, id, figure, value as written).
fn changelog_figures() -> Vec<(String, String, String, String)> {
    let text = std::fs::read_to_string(repo().join("rubric.yaml")).unwrap();
    let mut rows = Vec::new();
    let mut in_table = false;
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        let words: Vec<&str> = line.trim_start_matches('#').split_whitespace().collect();
        if words == ["rubric", "id", "figure", "value"] {
            in_table = true;
        } else if in_table && words.len() == 4 {
            rows.push((words[0].into(), words[1].into(), words[2].into(), words[3].into()));
        }
    }
    rows
}

/// rubric.yaml's changelog cites audit figures for each change; they are what `swfscore audit`
/// computes under the rubric named, so the reasons given cannot drift from the data.
#[test]
fn the_rubric_changelog_quotes_the_audit() {
    let rows = changelog_figures();
    assert!(rows.len() >= 10, "the changelog's figure table is found: {rows:?}");
    let text = std::fs::read_to_string(repo().join("rubric.yaml")).unwrap();
    let default_id = text.lines().find_map(|l| l.strip_prefix("id: ")).unwrap();
    let mut audits: std::collections::HashMap<String, Value> = Default::default();
    for (rubric, id, figure, shown) in &rows {
        let a = audits.entry(rubric.clone()).or_insert_with(|| {
            // A rubric by id (the default, or one in rubrics/), or a variant file by its path.
            let spec = if rubric == default_id { "rubric.yaml" } else { rubric.as_str() };
            let r = swfscore(&repo(), &["audit", "--rubric", spec, "--format", "json"]);
            assert_eq!(r.code, 0, "{rubric}: {}", r.stderr);
            serde_json::from_str(&r.stdout).unwrap()
        });
        let found = ["categories", "items"]
            .iter()
            .flat_map(|k| a[k].as_array().unwrap().iter())
            .find(|x| x["id"] == id.as_str())
            .unwrap_or_else(|| panic!("{rubric} has no category or item `{id}`"));
        let (key, percent) = match figure.as_str() {
            "weight" => ("weight_share", true),
            "importance" => ("importance", true),
            other => (other, false),
        };
        let v = found[key].as_f64().unwrap_or_else(|| panic!("{rubric} {id}: no {key}"));
        let actual = if percent { format!("{:.1}%", v * 100.0) } else { format!("{v:.2}") };
        assert_eq!(&actual, shown, "{rubric} {id} {figure}: the changelog says {shown}, the audit {actual}");
    }
}

/// The previous rubric stays available, and `diff` and `compare-rubrics` show what the
/// revision does to every fund: the diff's score moves are the two rubrics' scores.
#[test]
fn the_previous_rubric_is_kept_and_the_revision_shown_fund_by_fund() {
    let scores = |rubric: &str| -> std::collections::BTreeMap<String, f64> {
        let r = swfscore(&repo(), &["score", "--rubric", rubric, "--format", "json"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["fund"].as_str().unwrap().to_string(), f["score"].as_f64().unwrap()))
            .collect()
    };
    let (old, new) = (scores("swfscore-2026"), scores("rubric.yaml"));
    let r = swfscore(&repo(), &["diff", "--base", "swfscore-2026", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(d["rubric_changed"], true);
    assert_eq!(d["old_rubric"], "swfscore-2026 2026.1");
    assert!(d["new_rubric"].as_str().unwrap().starts_with("swfscore-2027"), "{}", d["new_rubric"]);
    let funds = d["funds"].as_array().unwrap();
    let moved = old.iter().filter(|(f, s)| new[*f] != **s).count();
    assert!(moved > old.len() / 2, "the revision moves most funds ({moved})");
    assert!(funds.len() >= moved);
    for f in funds {
        let id = f["fund"].as_str().unwrap();
        assert_eq!(f["old_score"].as_f64().unwrap(), old[id], "{id}");
        assert_eq!(f["new_score"].as_f64().unwrap(), new[id], "{id}");
        assert!(f["changes"].as_array().unwrap().is_empty(), "{id}: same data, only the rubric moved");
        let effect = f["rubric_effect"].as_f64().unwrap();
        assert!((effect - (new[id] - old[id])).abs() <= 0.1 + 1e-9, "{id}: {effect} against {} → {}", old[id], new[id]);
    }
    // The same through a file, and in the table.
    let r = swfscore(&repo(), &["diff", "--base", "rubrics/swfscore-2026.yaml", "--format", "table"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("`swfscore-2026 2026.1` → `swfscore-2027"), "{}", r.stdout);
    // One rubric alone is compared with the default.
    let r = swfscore(&repo(), &["compare-rubrics", "--rubric", "swfscore-2026", "--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let header = r.stdout.lines().next().unwrap();
    assert!(header.contains("swfscore-2027") && header.contains("swfscore-2026"), "{header}");
    // And every rubric offered is listed.
    let r = swfscore(&repo(), &["rubrics"]);
    assert!(r.stdout.contains("swfscore-2026"), "{}", r.stdout);
}

/// The report carries the audit, in both languages and both formats.
#[test]
fn the_report_has_the_audit_section() {
    for (file, marker) in [
        ("transparency.md", "## Statistical audit of the rubric"),
        ("transparency.html", "<section id=\"audit\">"),
        ("transparency.zh-Hant.html", "<section id=\"audit\">"),
    ] {
        let text = std::fs::read_to_string(repo().join("reports").join(file)).unwrap();
        assert!(text.contains(marker), "{file}");
        let after = &text[text.find(marker).unwrap()..];
        assert!(after.contains("report_timeliness") && after.contains("santiago_self_assessment"), "{file}");
    }
}

/// A profile is applied once: under `confidentiality_aware` (commercially sensitive items at a
/// quarter of their weight) the complete holdings list weighs a quarter of the asset
/// allocation, which has the same weight in the rubric and is not sensitive.
#[test]
fn the_audit_applies_a_profile_once() {
    let r = swfscore(&repo(), &["audit", "--profile", "confidentiality_aware", "--format", "json", "--bootstrap", "0"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let a: Value = serde_json::from_str(&r.stdout).unwrap();
    let share = |id: &str| {
        a["items"].as_array().unwrap().iter().find(|x| x["id"] == id).unwrap()["weight_share"].as_f64().unwrap()
    };
    assert!((share("holdings_list") / share("asset_allocation") - 0.25).abs() < 1e-12);
}
