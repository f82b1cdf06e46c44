//! History, at-age, gap, what-if, profiles and rubric comparison, checked against hand-built
//! histories and against full re-scores of edited files.

use crate::snap;
use crate::util::*;
use serde_json::Value;

fn json(dir: &std::path::Path, args: &[&str]) -> Value {
    let r = swfscore(dir, args);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

fn score_of(v: &Value, fund: &str) -> (f64, u64) {
    let r = v["results"].as_array().unwrap().iter().find(|r| r["fund"] == fund).unwrap();
    (r["score"].as_f64().unwrap(), r["rank"].as_u64().unwrap())
}

/// A fund with one disclosure of each kind of start: documented (`since` with `history`),
/// confirmed (`known_since`), dated only by its evidence, and confirmed after a documented
/// `none`.
const DELTA: &str = r#"id: delta
name: Delta Fund
jurisdiction: Deltaland
established: 2000
assessed: 2026-01-15
disclosures:
  annual_report:
    level: full
    since: 2010
    history:
      - { from: 2005, level: partial }
    evidence: [{ source: Delta Annual Report 2010, url: "https://delta.example/ar", date: 2010 }]
  fund_size:
    level: partial
    known_since: 2008
    evidence: [{ source: Delta Review, url: "https://delta.example/r", date: 2024 }]
  holdings_list:
    level: full
    evidence: [{ source: Delta Holdings, url: "https://delta.example/h", date: 2015-03 }]
  audited_financial_statements:
    level: partial
    known_since: 2012
    history:
      - { from: 2006, level: none, note: The 2006 law required no accounts. }
    evidence: [{ source: Delta Accounts, url: "https://delta.example/a", date: 2012 }]
"#;

#[test]
fn since_known_since_evidence_and_history_drive_every_year_with_bounds() {
    // Score = 100·(3·R + P)/4 with R = (2·annual_report + fund_size)/3 and
    // P = min(holdings_list, audited_financial_statements); unknown counts as none (low) and
    // the range takes it at full (high).
    //   annual_report: none → partial 2005 → full 2010 (documented)
    //   fund_size: unknown before 2008, partial from 2008 (confirmed)
    //   holdings_list: unknown before 2015, full from 2015 (its earliest evidence)
    //   audited: unknown before 2006, none 2006-2011 (history), partial from 2012 (confirmed)
    let expected = [
        (2000, 0.0, 0.0, 50.0),
        (2004, 0.0, 0.0, 50.0),
        (2005, 25.0, 25.0, 75.0),
        (2006, 25.0, 25.0, 50.0),
        (2008, 37.5, 37.5, 37.5),
        (2010, 62.5, 62.5, 62.5),
        (2012, 62.5, 62.5, 75.0),
        (2015, 75.0, 75.0, 75.0),
        (2026, 75.0, 75.0, 75.0),
    ];
    let t = mini();
    std::fs::write(t.path().join("funds/delta.yaml"), DELTA).unwrap();
    let h = json(t.path(), &["history", "delta", "--format", "json"]);
    let years = h["funds"][0]["years"].as_array().unwrap();
    assert_eq!((years.first().unwrap()["year"].as_i64(), years.len()), (Some(2000), 27));
    let point = |v: &Value| {
        (v["score"].as_f64().unwrap(), v["bounds"]["low"].as_f64().unwrap(), v["bounds"]["high"].as_f64().unwrap())
    };
    for (year, score, low, high) in expected {
        let in_history = years.iter().find(|y| y["year"] == year).unwrap();
        assert_eq!((year, point(in_history)), (year, (score, low, high)), "history");
        let as_of = json(t.path(), &["score", "--format", "json", "--as-of", &year.to_string()]);
        let r = as_of["results"].as_array().unwrap().iter().find(|r| r["fund"] == "delta").unwrap().clone();
        assert_eq!((year, point(&r)), (year, (score, low, high)), "--as-of");
        let at_age = json(t.path(), &["score", "--format", "json", "--at-age", &(year - 2000).to_string()]);
        let r = at_age["results"].as_array().unwrap().iter().find(|r| r["fund"] == "delta").unwrap().clone();
        assert_eq!((year, point(&r)), (year, (score, low, high)), "--at-age");
    }
    // explain says which start each level has, in the year asked for.
    let e = json(t.path(), &["explain", "delta", "--format", "json", "--as-of", "2009"]);
    let start =
        |d: &str| e["evidence"].as_array().unwrap().iter().find(|x| x["disclosure"] == d).unwrap()["start"].clone();
    assert_eq!(start("annual_report"), serde_json::json!({"kind": "since", "year": 2005}));
    assert_eq!(start("fund_size"), serde_json::json!({"kind": "known_since", "year": 2008}));
    assert_eq!(start("holdings_list"), Value::Null);
    let unknowns: Vec<&str> =
        e["results"][0]["unknowns"].as_array().unwrap().iter().map(|u| u["disclosure"].as_str().unwrap()).collect();
    assert_eq!(unknowns, ["holdings_list"]);
}

#[test]
fn unknown_flag_overrides_the_rubric_rule_and_bounds_still_hold() {
    let t = mini();
    std::fs::write(t.path().join("funds/delta.yaml"), DELTA).unwrap();
    for rule in ["none", "exclude"] {
        let v = json(t.path(), &["score", "--format", "json", "--as-of", "2004", "--unknown", rule]);
        for r in v["results"].as_array().unwrap().iter().filter(|r| r["status"] == "scored") {
            let (s, lo, hi) = (
                r["score"].as_f64().unwrap(),
                r["bounds"]["low"].as_f64().unwrap(),
                r["bounds"]["high"].as_f64().unwrap(),
            );
            assert!(lo <= s && s <= hi, "{rule} {}: {s} not in [{lo}, {hi}]", r["fund"]);
        }
        let delta = v["results"].as_array().unwrap().iter().find(|r| r["fund"] == "delta").unwrap();
        // 2004: only annual_report (none) counts under exclude → reporting 0, portfolio excluded → 0.
        assert_eq!(delta["score"].as_f64(), Some(0.0), "{rule}");
        assert_eq!(v["rubric"]["unknown"], rule);
    }
    let v = json(t.path(), &["score", "--format", "json", "--unknown", "exclude"]);
    let gamma = v["results"].as_array().unwrap().iter().find(|r| r["fund"] == "gamma").unwrap();
    assert_eq!(gamma["score"].as_f64(), Some(100.0), "gamma's only known item is full");
}

#[test]
fn at_age_lists_funds_too_young() {
    let t = mini();
    let v = json(t.path(), &["score", "--format", "json", "--at-age", "20"]);
    let beta = v["results"].as_array().unwrap().iter().find(|r| r["fund"] == "beta").unwrap();
    assert_eq!((beta["status"].as_str(), beta["score"].is_null()), (Some("too_young"), true));
    assert_eq!(v["at_age"], 20);
}

/// Sets `disclosure` to full in a copy of the data and scores it from the files.
fn rescored(dir: &std::path::Path, fund: &str, disclosures: &[&str]) -> (f64, u64) {
    // Edited in place (`dir` is a copy) and put back after.
    let file = dir.join(format!("funds/{fund}.yaml"));
    let original = std::fs::read_to_string(&file).unwrap();
    for d in disclosures {
        let text = std::fs::read_to_string(&file).unwrap();
        let body = "    level: full\n    evidence: [{ source: Test, url: \"https://t.example\", date: 2026 }]\n";
        if text.contains(&format!("\n  {d}:\n")) {
            replace_block(&file, d, body);
        } else {
            let sep = if text.contains("\ndisclosures:\n") { "" } else { "disclosures:\n" };
            let at = text.find("\nfacts:").map_or(text.len(), |i| i + 1);
            std::fs::write(&file, format!("{}{sep}  {d}:\n{body}{}", &text[..at], &text[at..])).unwrap();
        }
    }
    // Loaded and scored in this process, as `score` does (the ranks need no estimate).
    let ds = swfscore::load::load(&swfscore::load::Sources { dir: dir.to_path_buf(), ..Default::default() })
        .dataset
        .expect("the edited files load");
    let opts = swfscore::score::Options { scores_only: true, ..Default::default() };
    let r = swfscore::score::score(&ds, &opts).results.into_iter().find(|r| r.fund == fund).unwrap();
    std::fs::write(&file, original).unwrap();
    (r.score.unwrap(), u64::from(r.rank.unwrap()))
}

#[test]
fn every_roadmap_gain_equals_a_full_rescore_of_the_files() {
    let repo_data = data_copy();
    let g = json(repo_data.path(), &["gap", "hkic", "--target-fund", "temasek", "--format", "json"]);
    let (base, _) = score_of(&json(repo_data.path(), &["score", "--format", "json"]), "hkic");
    let candidates = g["candidates"].as_array().unwrap();
    assert!(candidates.len() >= 10);
    for c in candidates {
        let d = c["disclosure"].as_str().unwrap();
        let (score, rank) = rescored(repo_data.path(), "hkic", &[d]);
        assert_eq!((d, c["score"].as_f64().unwrap(), c["rank"].as_u64().unwrap()), (d, score, rank));
        let gain = c["gain"].as_f64().unwrap();
        // Both scores are rounded to one decimal, so they may differ by up to 0.1 from the exact gain.
        assert!((base + gain - score).abs() <= 0.1 + 1e-9, "{d}: {base} + {gain} vs {score}");
    }
    let path: Vec<&str> = g["path"]["disclosures"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
    let (score, rank) = rescored(repo_data.path(), "hkic", &path);
    assert_eq!((score, rank), (g["path"]["score"].as_f64().unwrap(), g["path"]["rank"].as_u64().unwrap()));
    assert!(score >= g["target"]["score"].as_f64().unwrap());
}

#[test]
fn the_shortest_path_is_shortest() {
    // gamma (25.0): candidates annual_report, holdings_list, audited_financial_statements.
    // Brute force over every subset, scored from the files.
    let t = mini();
    let all = ["annual_report", "holdings_list", "audited_financial_statements"];
    for target in [50.0, 62.5, 75.0, 100.0] {
        let g = json(t.path(), &["gap", "gamma", "--target-score", &target.to_string(), "--format", "json"]);
        let path = g["path"]["disclosures"].as_array().map_or(0, |p| p.len());
        let mut fewest = usize::MAX;
        for mask in 0u32..8 {
            let set: Vec<&str> = (0..3).filter(|i| mask & (1 << i) != 0).map(|i| all[i]).collect();
            if rescored(t.path(), "gamma", &set).0 >= target {
                fewest = fewest.min(set.len());
            }
        }
        assert_eq!(path, fewest, "target {target}: {g}");
        assert_eq!(g["path"]["exact"], true);
    }
    let unreachable = swfscore(t.path(), &["gap", "gamma", "--target-score", "100", "--skip-commercial"]);
    assert!(unreachable.stdout.contains("cannot be reached"), "{}", unreachable.stdout);
}

#[test]
fn whatif_by_flag_and_by_scenario_file() {
    let t = mini();
    let flag = json(t.path(), &["whatif", "alpha", "--set", "audited_financial_statements=full", "--format", "json"]);
    // alpha: portfolio min(full, full) = 1 → 100·(2.5 + 1)/4 = 87.5, tying beta for rank 1.
    let moved = &flag["funds"][0];
    assert_eq!(
        (moved["fund"].as_str(), moved["old_score"].as_f64(), moved["new_score"].as_f64()),
        (Some("alpha"), Some(62.5), Some(87.5))
    );
    assert_eq!((moved["old_rank"].as_u64(), moved["new_rank"].as_u64()), (Some(2), Some(1)));
    std::fs::write(
        t.path().join("s.yaml"),
        "title: Alpha audits, Gamma reports\nchanges:\n  - fund: alpha\n    set: { audited_financial_statements: full }\n  - fund: gamma\n    set: { annual_report: full }\n",
    )
    .unwrap();
    let file = swfscore(t.path(), &["whatif", "--scenario", "s.yaml"]);
    assert_eq!(file.code, 0, "{}", file.stderr);
    snap!("mini_whatif_scenario", file.stdout);
    std::fs::write(t.path().join("bad.yaml"), "changes:\n  - fund: alpha\n    set: { audited_statements: full }\n")
        .unwrap();
    let bad = swfscore(t.path(), &["whatif", "--scenario", "bad.yaml"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("bad.yaml:3:12: unknown disclosure `audited_statements`"), "{}", bad.stderr);
    let bad_level = swfscore(t.path(), &["whatif", "alpha", "--set", "fund_size=ful"]);
    assert_eq!(bad_level.code, 2);
}

#[test]
fn profiles_on_the_default_rubric_change_only_declared_weights() {
    let ds = swfscore::load::load(&swfscore::load::Sources { dir: repo(), ..Default::default() }).dataset.unwrap();
    let names: Vec<&str> = ds.rubric.profiles.iter().map(|p| p.id.as_str()).collect();
    assert!(names.contains(&"accountability") && names.contains(&"confidentiality_aware"), "{names:?}");
    for p in &ds.rubric.profiles {
        assert!(!p.rationale.trim().is_empty());
        let r = ds.rubric.with_profile(&p.id, &ds.catalogue).unwrap();
        for (a, b) in r.categories.iter().zip(&ds.rubric.categories) {
            let expected = p.categories.get(&a.id).copied().unwrap_or(b.weight);
            assert_eq!((a.id.as_str(), a.weight), (a.id.as_str(), expected));
            for (x, y) in a.items.iter().zip(&b.items) {
                let commercial = x.rule.disclosures().iter().all(|d| {
                    ds.catalogue.get(d).is_some_and(|d| d.sensitivity == swfscore::raw::Sensitivity::Commercial)
                });
                let expected = match (p.items.get(&x.id), p.commercial_factor) {
                    (Some(w), _) => *w,
                    (None, Some(f)) if commercial => y.weight * f,
                    _ => y.weight,
                };
                assert_eq!((x.id.as_str(), x.weight), (x.id.as_str(), expected), "profile {}", p.id);
            }
        }
    }
}

#[test]
fn compare_rubrics_gives_every_pair() {
    let v = json(&repo(), &["compare-rubrics", "--format", "json"]);
    let views = v["views"].as_array().unwrap().len();
    assert!(views >= 6, "default, two profiles and three framework rubrics");
    assert_eq!(v["pairs"].as_array().unwrap().len(), views * (views - 1) / 2);
    for p in v["pairs"].as_array().unwrap() {
        let tau = p["kendall_tau_b"].as_f64().unwrap();
        assert!((-1.0..=1.0).contains(&tau));
    }
    let t = mini();
    let two = json(t.path(), &["compare-rubrics", "--profile", "reporting_only", "--format", "json"]);
    // Same funds, reporting weighted 9:1 instead of 3:1: beta 87.5 → 95, alpha 62.5 → 75, gamma 25 → 30.
    assert_eq!(two["pairs"][0]["kendall_tau_b"], 1.0);
}
