//! `robustness`: rank intervals, Sobol indices, determinism across thread counts.

use crate::util::*;

fn run_with_threads(dir: &std::path::Path, threads: &str, args: &[&str]) -> String {
    let r = with_threads(dir, threads, args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

#[test]
fn the_same_seed_gives_the_same_bytes_with_one_or_two_threads() {
    let args = ["robustness", "--samples", "3000", "--seed", "42", "--sobol", "--format", "json"];
    let one = run_with_threads(&repo(), "1", &args);
    let two = run_with_threads(&repo(), "2", &args);
    assert_eq!(one, two, "RAYON_NUM_THREADS must not change the result");
    // Another seed, everything else the same, gives other samples.
    let other_seed = run_with_threads(
        &repo(),
        "2",
        &["robustness", "--samples", "3000", "--seed", "43", "--sobol", "--format", "json"],
    );
    assert_ne!(one, other_seed);
}

#[test]
fn every_fund_gets_a_rank_interval_and_sobol_names_the_strongest_assumption() {
    let (r, _) = Test::data().args(&["robustness", "--samples", "2000", "--sobol", "--format", "json"]).status(0).run();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let funds = v["funds"].as_array().unwrap();
    let n = std::fs::read_dir(repo().join("funds")).unwrap().count() as u64;
    assert_eq!(funds.len() as u64, n);
    for f in funds {
        let (lo, hi) = (f["rank_interval"][0].as_u64().unwrap(), f["rank_interval"][1].as_u64().unwrap());
        let (nominal, median) = (f["nominal_rank"].as_u64().unwrap(), f["median_rank"].as_u64().unwrap());
        assert!(1 <= lo && lo <= median && median <= hi && hi <= n, "{f}");
        let p: f64 = f["rank_probabilities"].as_object().unwrap().values().map(|x| x.as_f64().unwrap()).sum();
        assert!((p - 1.0).abs() < 1e-4, "rank probabilities sum to 1: {p}");
        let q: Vec<f64> = f["score_quantiles"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
        assert!(q.windows(2).all(|w| w[0] <= w[1]), "quantiles ascend: {q:?}");
        assert!(nominal >= 1);
    }
    // The default pairs are the three funds of the debate, each against each other.
    assert_eq!(v["pairs"].as_array().unwrap().len(), 6);
    let s = &v["sensitivity"];
    assert_eq!(s["evaluations"].as_u64(), Some(2000 * 8), "N(d + 2) runs with six assumptions");
    let most = s["most_influential"].as_str().unwrap();
    let top = s["indices"]
        .as_array()
        .unwrap()
        .iter()
        .max_by(|a, b| a["total_order"].as_f64().partial_cmp(&b["total_order"].as_f64()).unwrap())
        .unwrap();
    assert_eq!(top["assumption"], most);
    let (text, _) = Test::data().args(&["robustness", "--samples", "500", "--sobol"]).status(0).run();
    assert!(text.stdout.contains("The assumption that drives the ranking most:"), "{}", text.stdout);
}

#[test]
fn fixed_and_inert_assumptions_are_reported_not_sampled() {
    // The mini rubric has one profile, partial levels and unknowns; hold two assumptions fixed.
    let (r, _) = Test::mini()
        .args(&["robustness", "--samples", "300", "--fix", "weights", "--fix", "profile", "--format", "json"])
        .status(0)
        .run();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let status =
        |a: &str| v["assumptions"].as_array().unwrap().iter().find(|x| x["assumption"] == a).unwrap()["status"].clone();
    assert_eq!(status("weights"), "fixed");
    assert_eq!(status("profile"), "fixed");
    assert_eq!(status("aggregation"), "varied");
    // Without unknown levels, the unknown rule cannot change anything.
    let t = Test::mini().edit(
        "funds/gamma.yaml",
        "  annual_report:\n    level: unknown",
        "  annual_report:\n    level: none",
    );
    let t = t.edit("funds/gamma.yaml", "  holdings_list:\n    level: unknown", "  holdings_list:\n    level: none");
    let t = t.edit(
        "funds/gamma.yaml",
        "  audited_financial_statements:\n    level: unknown",
        "  audited_financial_statements:\n    level: none",
    );
    let (r, _) = t.args(&["robustness", "--samples", "300", "--format", "json"]).status(0).run();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let unknown = v["assumptions"].as_array().unwrap().iter().find(|x| x["assumption"] == "unknown_rule").unwrap();
    assert_eq!(unknown["status"], "inert");
}

#[test]
fn holding_every_assumption_fixed_reproduces_the_ranking() {
    let all = ["weights", "partial-credit", "unknown-rule", "aggregation", "profile", "leave-one-out"];
    let mut args = vec!["robustness", "--samples", "50", "--format", "json"];
    for a in all {
        args.extend(["--fix", a]);
    }
    let (r, _) = Test::mini().args(&args).status(0).run();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let (s, _) = Test::mini().args(&["score", "--format", "json"]).status(0).run();
    let s: serde_json::Value = serde_json::from_str(&s.stdout).unwrap();
    for f in v["funds"].as_array().unwrap() {
        let nominal = s["results"].as_array().unwrap().iter().find(|x| x["fund"] == f["fund"]).unwrap();
        assert_eq!(f["nominal_rank"], nominal["rank"]);
        assert_eq!(f["rank_interval"], serde_json::json!([nominal["rank"], nominal["rank"]]));
        assert_eq!(f["score_quantiles"][0].as_f64(), nominal["score"].as_f64());
    }
}

#[test]
fn bad_settings_are_refused() {
    Test::mini().args(&["robustness", "--samples", "0"]).status(2).stderr_has("'0' for '--samples <N>'").run();
    Test::mini().args(&["robustness", "--weight-noise", "1.5"]).status(2).stderr_has("--weight-noise").run();
}

#[test]
fn fund_shows_only_the_funds_named_ranked_among_all() {
    let (all, _) = Test::data().args(&["robustness", "--samples", "500", "--format", "json"]).status(0).run();
    let (two, _) = Test::data()
        .args(&["robustness", "--samples", "500", "--fund", "hkic", "--fund", "temasek", "--format", "json"])
        .status(0)
        .run();
    let all: serde_json::Value = serde_json::from_str(&all.stdout).unwrap();
    let two: serde_json::Value = serde_json::from_str(&two.stdout).unwrap();
    let ids: Vec<&str> = two["funds"].as_array().unwrap().iter().map(|f| f["fund"].as_str().unwrap()).collect();
    assert_eq!(ids, ["temasek", "hkic"], "only the funds named, in rank order");
    let hkic = |v: &serde_json::Value| v["funds"].as_array().unwrap().iter().find(|f| f["fund"] == "hkic").cloned();
    assert_eq!(hkic(&two), hkic(&all), "ranks and intervals stay among every fund");
    assert!(all["funds"].as_array().unwrap().len() > 2);
}
