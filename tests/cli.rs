//! The commands on the hand-computable fixture and on the repository's data.

use crate::snap;
use crate::util::*;

#[test]
fn score_every_format_on_the_fixture() {
    let t = mini();
    for format in ["table", "markdown", "csv", "json"] {
        let r = swfscore(t.path(), &["score", "--format", format]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(r.stderr, "");
        snap!(format!("mini_score_{format}"), r.stdout);
    }
}

#[test]
fn json_has_the_documented_keys() {
    let t = mini();
    let r = swfscore(t.path(), &["score", "--format", "json", "--as-of", "2010"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["rubric"]["id"], "mini");
    assert_eq!(v["rubric"]["version"], "1");
    assert_eq!(v["rubric"]["scale"], 100.0);
    assert_eq!(v["as_of"], 2010);
    let first = &v["results"][0];
    for key in ["fund", "name", "score", "rank", "categories", "bounds", "coverage", "status"] {
        assert!(first.get(key).is_some(), "missing {key}");
    }
    assert_eq!(first["status"], "scored");
    // alpha in 2010: fund_size is confirmed only from its 2025 evidence, so unknown then.
    assert_eq!((first["fund"].as_str(), first["coverage"]["assessed"].as_u64()), (Some("alpha"), Some(3)));
    assert_eq!(first["coverage"]["unknown"], 1);
    assert!(first["bounds"]["low"].as_f64() <= first["score"].as_f64());
    assert!(first["score"].as_f64() <= first["bounds"]["high"].as_f64());
    let last = v["results"].as_array().unwrap().last().unwrap();
    assert_eq!(
        (last["fund"].as_str(), last["score"].is_null(), last["rank"].is_null(), last["status"].as_str()),
        (Some("beta"), true, true, Some("not_established"))
    );
}

#[test]
fn output_file_and_fund_filter() {
    let t = mini();
    let r =
        swfscore(t.path(), &["score", "--fund", "alpha", "--fund", "gamma", "--format", "csv", "--output", "out.csv"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    let csv = std::fs::read_to_string(t.path().join("out.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[1].starts_with("1,alpha,Alpha Fund,scored,,62.5,"), "{csv}");
    assert!(lines[2].starts_with("2,gamma,"), "{csv}");
}

#[test]
fn explain_and_compare_on_the_fixture() {
    let t = mini();
    for format in ["table", "markdown", "json"] {
        let r = swfscore(t.path(), &["explain", "alpha", "--format", format]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        snap!(format!("mini_explain_alpha_{format}"), r.stdout);
        let r = swfscore(t.path(), &["compare", "alpha", "beta", "gamma", "--format", format]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        snap!(format!("mini_compare_{format}"), r.stdout);
    }
}

#[test]
fn colour_only_when_asked_and_never_in_files() {
    let t = mini();
    let plain = swfscore(t.path(), &["score"]);
    assert!(!plain.stdout.contains('\x1b'));
    let forced = swfscore(t.path(), &["score", "--color", "always"]);
    assert!(forced.stdout.contains("\x1b["));
    let md = swfscore(t.path(), &["score", "--color", "always", "--format", "markdown"]);
    assert!(!md.stdout.contains('\x1b'));
}

#[test]
fn profile_reweights() {
    let t = mini();
    let r = swfscore(t.path(), &["score", "--profile", "reporting_only", "--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // alpha: 100·(9·0.8333 + 0)/10 = 75
    assert!(r.stdout.contains("alpha,Alpha Fund,scored,,75.0,"), "{}", r.stdout);
}

#[test]
fn help_and_version() {
    let t = mini();
    let r = swfscore(t.path(), &["--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("Examples:"));
    let r = swfscore(t.path(), &["--version"]);
    assert_eq!(r.stdout, format!("swfscore {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn repository_data_validates() {
    let r = swfscore(&repo(), &["validate"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("ok: "), "{}", r.stdout);
}

#[test]
fn repository_data_in_every_format() {
    // reports/ is the golden copy of the ranking in CSV and JSON (CI checks it is current).
    for (format, file) in [("csv", "reports/scores.csv"), ("json", "reports/scores.json")] {
        let r = swfscore(&repo(), &["score", "--format", format]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(r.stdout, std::fs::read_to_string(repo().join(file)).unwrap(), "score --format {format} = {file}");
    }
    // One golden copy each: the README pins the table (its first example, whole), and the
    // report the Markdown ranking, under its own title.
    let r = swfscore(&repo(), &["score", "--format", "markdown"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (title, body) = r.stdout.split_once('\n').unwrap();
    assert_eq!(title, "## Transparency scores");
    let report = std::fs::read_to_string(repo().join("reports/transparency.md")).unwrap();
    assert!(report.contains(body.trim()), "score --format markdown is the report's ranking:\n{}", r.stdout);
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let table = swfscore(&repo(), &["score"]);
    assert!(readme.contains(&format!("$ swfscore score\n{}```", table.stdout)), "the README's first example is whole");
    let r = swfscore(&repo(), &["explain", "hkic"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    snap!("explain_hkic", r.stdout);
    for rubric in ["lmti", "truman", "santiago"] {
        let r = swfscore(&repo(), &["score", "--rubric", &format!("rubrics/{rubric}.yaml")]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(
            r.stdout.lines().filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit())).count(),
            std::fs::read_dir(repo().join("funds")).unwrap().count(),
            "every fund ranked under {rubric}"
        );
        snap!(format!("score_rubric_{rubric}"), r.stdout);
    }
    let r = swfscore(&repo(), &["rubrics"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    snap!("rubrics", r.stdout);
    // The report compares the same three funds (its golden copy), under its own title.
    let r = swfscore(&repo(), &["compare", "hkic", "temasek", "adia", "--format", "markdown"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (_, body) = r.stdout.split_once('\n').unwrap();
    assert!(report.contains(body.trim()), "compare is the report's comparison:\n{}", r.stdout);
}

#[test]
fn same_inputs_same_bytes() {
    let a = swfscore(&repo(), &["score", "--format", "json"]);
    let b = swfscore(&repo(), &["score", "--format", "json"]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn one_level_changed_in_the_data_moves_that_fund_only() {
    let t = data_copy();
    let before = swfscore(t.path(), &["score", "--format", "json"]);
    let hkic = t.path().join("funds/hkic.yaml");
    replace_block(
        &hkic,
        "holdings_list",
        "    level: full\n    evidence: [{ source: Test, url: \"https://t.example\", date: 2026 }]\n",
    );
    let after = swfscore(t.path(), &["score", "--format", "json"]);
    assert_eq!(after.code, 0, "{}", after.stderr);
    let score = |out: &str, id: &str| -> f64 {
        let v: serde_json::Value = serde_json::from_str(out).unwrap();
        v["results"].as_array().unwrap().iter().find(|r| r["fund"] == id).unwrap()["score"].as_f64().unwrap()
    };
    assert!(score(&after.stdout, "hkic") > score(&before.stdout, "hkic"));
    assert_eq!(score(&after.stdout, "temasek"), score(&before.stdout, "temasek"));
}

/// Every command's CSV is one table (one header, every row as wide), its JSON parses, and
/// `-o FILE` picks the format from the extension unless `--format` is given.
#[test]
fn every_command_writes_well_formed_csv_and_json() {
    let commands: &[&[&str]] = &[
        &["score"],
        &["score", "--at-age", "4"],
        &["explain", "hkic"],
        &["compare", "hkic", "temasek", "adia"],
        &["history", "hkic", "temasek"],
        &["history", "hkic", "temasek", "--by-age"],
        &["gap", "hkic", "--match", "temasek"],
        &["gap", "hkic", "--match", "temasek", "--at-age", "hkic"],
        &["robustness", "--samples", "200", "--at-age", "4"],
        &["whatif", "hkic", "--set", "annual_report=full"],
        &["compare-rubrics"],
        &["robustness", "--samples", "200"],
        &["trend", "--from", "2015"],
        &["validate"],
        &["validate", "--coverage"],
        &["validate", "--review"],
        &["rubrics"],
        &["funds"],
        &["backtest", "--runs", "1"],
    ];
    for args in commands {
        let csv = swfscore(&repo(), &[args, &["--format", "csv"][..]].concat());
        assert_eq!(csv.code, 0, "{args:?} csv: {}", csv.stderr);
        check_format(&format!("{args:?} csv"), "csv", &csv.stdout);
        let json = swfscore(&repo(), &[args, &["--format", "json"][..]].concat());
        assert_eq!(json.code, 0, "{args:?} json: {}", json.stderr);
        check_format(&format!("{args:?} json"), "json", &json.stdout);
    }
}

#[test]
fn output_file_extension_picks_the_format() {
    let t = tempfile::tempdir().unwrap();
    let data = repo();
    for (name, check) in [
        ("s.csv", "rank,fund,name,status"),
        ("s.json", "\"rubric\": {"),
        ("s.md", "| Rank |"),
        ("s.html", "<!DOCTYPE html>"),
        ("s.txt", "Rank  Fund"),
    ] {
        let out = t.path().join(name);
        let r = swfscore(&data, &["score", "-o", out.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains(check), "{name} lacks {check:?}:\n{}", &text[..text.len().min(400)]);
    }
    // --format wins over the extension.
    let out = t.path().join("forced.csv");
    let r = swfscore(&data, &["score", "--format", "json", "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(std::fs::read_to_string(&out).unwrap().starts_with('{'));
    // An extension that names no format is refused, and nothing is written.
    let out = t.path().join("s.parquet");
    let r = swfscore(&data, &["score", "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot tell the format") && r.stderr.contains("batch -o"), "{}", r.stderr);
    assert!(!out.exists());
}

#[test]
fn a_failed_robustness_run_leaves_no_exported_model() {
    let t = tempfile::tempdir().unwrap();
    let model = t.path().join("model.json");
    let bad_output = t.path().join("no-such-folder/out.txt");
    let r = swfscore(
        &repo(),
        &[
            "robustness",
            "--samples",
            "100",
            "--export-model",
            model.to_str().unwrap(),
            "-o",
            bad_output.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!model.exists(), "the model was written though the run failed");
    let ok = t.path().join("out.txt");
    let r = swfscore(
        &repo(),
        &["robustness", "--samples", "100", "--export-model", model.to_str().unwrap(), "-o", ok.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    assert!(m["guesses"].is_array() && m["levels"].is_array());
}

#[test]
fn where_keeps_the_funds_that_match_on_every_command() {
    let dir = mini();
    let funds = |args: &[&str]| -> Vec<String> {
        let r = swfscore(dir.path(), &[&["score", "--format", "json"], args].concat());
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        v["results"].as_array().unwrap().iter().map(|f| f["fund"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(funds(&[]).len(), 3, "the fixture has three funds (else the filters below prove nothing)");
    assert_eq!(funds(&["--where", "type=strategic"]), ["alpha"]);
    assert_eq!(funds(&["--where", "type=strategic,savings"]).len(), 2);
    assert_eq!(funds(&["--where", "type!=strategic"]).len(), 2, "a fund without metadata passes !=");
    assert_eq!(funds(&["--where", "ifswf=yes"]), ["alpha"]);
    assert_eq!(funds(&["--where", "ifswf_member_since<2013"]), ["alpha"]);
    assert_eq!(funds(&["--where", "region=EUROPE"]), ["beta"], "values are case-insensitive");
    assert_eq!(funds(&["--where", "ifswf=no", "--where", "size_band=very_large"]), ["beta"], "clauses all hold");
    let established: Vec<i64> = {
        let r = swfscore(dir.path(), &["funds", "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        v["funds"].as_array().unwrap().iter().map(|f| f["established"].as_i64().unwrap()).collect()
    };
    let cut = established.iter().max().unwrap();
    assert_eq!(
        funds(&["--where", &format!("established>={cut}")]).len(),
        established.iter().filter(|y| *y >= cut).count()
    );
    // Every command that reads the funds takes the filter; the ranking commands show only
    // the funds kept.
    for args in [
        &["score", "--format", "csv"][..],
        &["history", "alpha", "--format", "csv"],
        &["compare", "alpha", "beta", "--format", "csv"],
        &["explain", "alpha", "--format", "csv"],
        &["gap", "alpha", "--target-score", "99", "--format", "csv"],
        &["whatif", "alpha", "--set", "annual_report=full", "--format", "csv"],
        &["compare-rubrics", "--format", "csv"],
        &["robustness", "--samples", "50", "--format", "csv"],
        &["trend", "--from", "2015", "--format", "csv"],
        &["batch"],
        &["funds", "--format", "csv"],
        &["backtest", "--runs", "1", "--format", "csv"],
        &["validate", "--coverage", "--format", "csv"],
        &["validate", "--review", "--format", "csv"],
        &["report", "--out", "filtered"],
    ] {
        let r = swfscore(dir.path(), &[args, &["--where", "type=strategic,savings"][..]].concat());
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(!r.stdout.contains("gamma"), "{args:?} kept gamma:\n{}", r.stdout);
    }
    let report = std::fs::read_to_string(dir.path().join("filtered/scores.csv")).unwrap();
    assert!(report.contains("alpha") && !report.contains("gamma"), "{report}");
    // A panel's funds are matched through their descriptors.
    let panel = dir.path().join("p.csv");
    assert_eq!(swfscore(dir.path(), &["panel", "-o", panel.to_str().unwrap()]).code, 0);
    let scored = dir.path().join("ps.csv");
    let r = swfscore(
        dir.path(),
        &["batch", "--panel", panel.to_str().unwrap(), "-o", scored.to_str().unwrap(), "--where", "region=europe"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let table = std::fs::read_to_string(&scored).unwrap();
    let rows: Vec<&str> = table.lines().skip(1).collect();
    assert!(!rows.is_empty() && rows.iter().all(|l| l.starts_with("beta,")), "{table}");
    // The metadata reaches the batch table and the list of funds.
    let out = dir.path().join("b.csv");
    let r = swfscore(dir.path(), &["batch", "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let table = std::fs::read_to_string(&out).unwrap();
    let header = table.lines().next().unwrap_or_default().to_string();
    assert!(header.ends_with("type,funding,region,size_band,ifswf_member,ifswf_member_since"), "{header}");
    let alpha = ",strategic,non_commodity,east_asia,medium,true,2012";
    assert!(table.lines().any(|l| l.contains(",alpha,") && l.ends_with(alpha)), "{table}");
    let r = swfscore(dir.path(), &["funds", "--format", "csv"]);
    assert!(r.stdout.contains("alpha,Alpha Fund"), "{}", r.stdout);
    // Bad clauses and empty selections are usage errors that say what would work.
    let r = swfscore(dir.path(), &["score", "--where", "tpye=strategic"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("did you mean `type`"), "{}", r.stderr);
    let r = swfscore(dir.path(), &["score", "--where", "region=asia"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("east_asia"), "{}", r.stderr);
    let r = swfscore(dir.path(), &["score", "--where", "type=pension_reserve"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no fund matches --where type=pension_reserve"), "{}", r.stderr);
}

#[test]
fn funds_are_found_by_any_name_and_an_unclear_name_lists_the_candidates() {
    let explained = |name: &str| -> String {
        let r = swfscore(&repo(), &["explain", name, "--format", "json"]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        v["results"][0]["fund"].as_str().unwrap().to_string()
    };
    for (name, id) in [
        ("temasek", "temasek"),
        ("淡馬錫", "temasek"),
        ("港投公司", "hkic"),
        ("HKIC", "hkic"),
        ("Abu Dhabi Investment Authority", "adia"),
        ("abu dhabi investment authority", "adia"),
        ("Norway", "nbim"),
        ("紐西蘭", "nzsf"),
    ] {
        assert_eq!(explained(name), id, "{name}");
    }
    let r = swfscore(&repo(), &["explain", "Singapore"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("`gic`") && r.stderr.contains("`temasek`"), "both Singapore funds: {}", r.stderr);
    let r = swfscore(&repo(), &["compare", "temasik", "hkic"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("did you mean `temasek`"), "{}", r.stderr);
    // A scenario names funds the same way.
    let t = data_copy();
    std::fs::write(t.path().join("s.yaml"), "changes:\n  - fund: HKIC\n    set: { holdings_list: full }\n").unwrap();
    let r = swfscore(t.path(), &["whatif", "--scenario", "s.yaml", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\"hkic\""), "{}", r.stdout);
    std::fs::write(t.path().join("s.yaml"), "changes:\n  - fund: Abu Dhabi\n    set: { holdings_list: full }\n")
        .unwrap();
    let r = swfscore(t.path(), &["whatif", "--scenario", "s.yaml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("s.yaml:2:11: `Abu Dhabi` fits several funds: adia, adq, mubadala"), "{}", r.stderr);
    // Rubric names are case-insensitive.
    let upper = swfscore(&repo(), &["score", "--rubric", "LMTI", "--format", "csv"]);
    assert_eq!(upper.code, 0, "{}", upper.stderr);
    assert_eq!(upper.stdout, swfscore(&repo(), &["score", "--rubric", "lmti", "--format", "csv"]).stdout);
}

#[test]
fn a_new_fund_validates_and_scores_at_once() {
    let t = data_copy();
    let dir = t.path();
    let r = swfscore(dir, &["new", "macao_fund", "--name", "Macao Investment Fund", "--established", "2024"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(dir.join("funds/macao_fund.yaml")).unwrap();
    assert!(text.starts_with("# yaml-language-server: $schema=../schemas/fund.schema.json\n"), "{text}");
    let catalogue = std::fs::read_to_string(dir.join("disclosures.yaml")).unwrap();
    let ids = catalogue.lines().filter(|l| l.trim_start().starts_with("- id: ")).count();
    assert_eq!(text.matches("    level: unknown\n").count(), ids, "every catalogue disclosure, unknown");
    let v = swfscore(dir, &["validate", "--strict"]);
    assert_eq!(v.code, 0, "a new descriptor is valid as written: {}", v.stderr);
    let s = swfscore(dir, &["explain", "Macao Investment Fund", "--format", "json"]);
    assert_eq!(s.code, 0, "{}", s.stderr);
    assert!(s.stdout.contains("\"macao_fund\""), "{}", s.stdout);
    // Never over a file, never a second fund of the same id, never a bad id.
    let again = swfscore(dir, &["new", "macao_fund"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("exists already"), "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(dir.join("funds/macao_fund.yaml")).unwrap(), text, "the file is untouched");
    let bad = swfscore(dir, &["new", "Macao Fund"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("not snake_case"), "{}", bad.stderr);
}

#[test]
fn compare_and_explain_at_the_same_age() {
    let r = swfscore(&repo(), &["compare", "hkic", "temasek", "adia", "--at-age", "4"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("each fund at age 4"), "{}", r.stdout);
    let year = r.stdout.lines().find(|l| l.starts_with("Year")).unwrap_or_default();
    let cols: Vec<&str> = year.split_whitespace().collect();
    let established: Vec<i64> = ["hkic", "temasek", "adia"]
        .iter()
        .map(|id| {
            let f = swfscore(&repo(), &["funds", "--where", &format!("id={id}"), "--format", "json"]);
            let v: serde_json::Value = serde_json::from_str(&f.stdout).unwrap();
            v["funds"][0]["established"].as_i64().unwrap()
        })
        .collect();
    let want: Vec<String> = established.iter().map(|y| (y + 4).min(2026).to_string()).collect();
    assert_eq!(cols[1..], want, "each fund's own year: {year}");
    let score = r.stdout.lines().find(|l| l.starts_with("Score")).unwrap_or_default();
    assert!(score.contains("≥0.0") && !score.contains(" 0.0"), "a mostly unknown score is a floor: {score}");
    assert!(r.stdout.lines().any(|l| l.starts_with("Estimate (90%)")), "{}", r.stdout);
    // explain at an age is explain in that fund's year, ranked among every fund at that age.
    let at_age = swfscore(&repo(), &["explain", "temasek", "--at-age", "4", "--format", "json"]);
    assert_eq!(at_age.code, 0, "{}", at_age.stderr);
    let v: serde_json::Value = serde_json::from_str(&at_age.stdout).unwrap();
    let f = &v["results"][0];
    assert_eq!(f["year"].as_i64(), Some(established[1] + 4));
    let as_of =
        swfscore(&repo(), &["explain", "temasek", "--as-of", &(established[1] + 4).to_string(), "--format", "json"]);
    let w: serde_json::Value = serde_json::from_str(&as_of.stdout).unwrap();
    assert_eq!(f["score"], w["results"][0]["score"]);
    assert_eq!(f["categories"], w["results"][0]["categories"]);
    assert_eq!(swfscore(&repo(), &["compare", "hkic", "temasek", "--at-age", "-1"]).code, 2);
    assert_eq!(swfscore(&repo(), &["explain", "hkic", "--at-age", "4", "--as-of", "2020"]).code, 2);
}

/// Fund id to (score, rank) from a `score`-shaped JSON.
fn ranking(json: &str) -> std::collections::BTreeMap<String, (f64, u64)> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["score"].is_number())
        .map(|f| (f["fund"].as_str().unwrap().to_string(), (f["score"].as_f64().unwrap(), f["rank"].as_u64().unwrap())))
        .collect()
}

/// `gap`, `robustness` and `history --by-age` read each fund at the same age, as `score
/// --at-age` does; a fund instead of a number means that fund's age now.
#[test]
fn gap_robustness_and_history_at_the_same_age() {
    let json = |args: &[&str]| -> serde_json::Value {
        let r = swfscore(&repo(), &[args, &["--format", "json"][..]].concat());
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        serde_json::from_str(&r.stdout).unwrap()
    };
    let funds = json(&["funds", "--where", "id=hkic"]);
    let hkic = &funds["funds"][0];
    let age = hkic["assessed"].as_str().unwrap()[..4].parse::<i64>().unwrap() - hkic["established"].as_i64().unwrap();
    let age_s = age.to_string();
    let scored = swfscore(&repo(), &["score", "--at-age", &age_s, "--format", "json"]);
    let at_age = ranking(&scored.stdout);
    // A fund's name stands for its age now.
    assert_eq!(swfscore(&repo(), &["score", "--at-age", "HKIC", "--format", "json"]).stdout, scored.stdout);
    assert_ne!(at_age, ranking(&swfscore(&repo(), &["score", "--format", "json"]).stdout), "the age matters");

    // gap: HKIC's score and rank among every fund at its age, Temasek's levels at that age.
    let g = json(&["gap", "hkic", "--match", "temasek", "--at-age", "hkic"]);
    assert_eq!(g["at_age"].as_i64(), Some(age));
    assert_eq!((g["score"].as_f64().unwrap(), g["rank"].as_u64().unwrap()), at_age["hkic"]);
    assert_eq!(g["of"].as_u64(), Some(at_age.len() as u64), "ranked among the funds of that age");
    assert_eq!((g["other"]["score"].as_f64().unwrap(), g["other"]["rank"].as_u64().unwrap()), at_age["temasek"]);
    let now = json(&["gap", "hkic", "--match", "temasek"]);
    assert_ne!(g["candidates"], now["candidates"], "Temasek at HKIC's age is not Temasek now");
    let young = swfscore(&repo(), &["gap", "hkic", "--at-age", "40"]);
    assert_eq!(young.code, 2);
    assert!(young.stderr.contains("no record at that age"), "{}", young.stderr);
    // At HKIC's early age most of Temasek's record is unknown: its score is a floor, never a
    // bare 0.0, and the roadmap says what the mark means.
    let early = swfscore(&repo(), &["gap", "hkic", "--match", "temasek", "--at-age", "3"]);
    assert_eq!(early.code, 0, "{}", early.stderr);
    assert!(
        early.stdout.contains("Temasek: ≥0.0 (rank") && early.stdout.contains("so it is a lower bound"),
        "{}",
        early.stdout
    );
    // A fund to compare with that is younger than the age is named as such, not as unknown.
    for goal in ["--target-fund", "--match"] {
        let r = swfscore(&repo(), &["gap", "temasek", "--at-age", "20", goal, "hkic"]);
        assert_eq!(r.code, 2, "{goal}: {}", r.stderr);
        assert!(r.stderr.contains("--at-age 20: `hkic` has no record at that age (it is younger)"), "{}", r.stderr);
    }

    // robustness: the nominal scores are the at-age scores, and only funds of that age run.
    let rb = json(&["robustness", "--samples", "200", "--at-age", &age_s]);
    assert_eq!(rb["at_age"].as_i64(), Some(age));
    let nominal: std::collections::BTreeMap<String, f64> = rb["funds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["fund"].as_str().unwrap().to_string(), f["nominal_score"].as_f64().unwrap()))
        .collect();
    assert_eq!(nominal, at_age.iter().map(|(k, v)| (k.clone(), v.0)).collect(), "the nominal run is `score --at-age`");

    // history --by-age: one row per age, each ranked among the funds scored at that age.
    let h = json(&["history", "hkic", "temasek", "--by-age"]);
    assert_eq!(h["by_age"], true);
    for f in h["funds"].as_array().unwrap() {
        let established = f["established"].as_i64().unwrap();
        for (i, y) in f["years"].as_array().unwrap().iter().enumerate() {
            assert_eq!(y["age"].as_i64(), Some(i as i64), "ages from 0, one per row");
            assert_eq!(y["year"].as_i64(), Some(established + i as i64));
        }
    }
    let hk = h["funds"].as_array().unwrap().iter().find(|f| f["fund"] == "hkic").unwrap();
    let last = hk["years"].as_array().unwrap().last().unwrap();
    assert_eq!(last["age"].as_i64(), Some(age));
    assert_eq!((last["score"].as_f64().unwrap(), last["rank"].as_u64().unwrap()), at_age["hkic"]);
    assert_eq!(last["of"].as_u64(), Some(at_age.len() as u64));
    let text = swfscore(&repo(), &["history", "hkic", "temasek", "--by-age"]);
    assert!(text.stdout.lines().any(|l| l.trim_start().starts_with("Age")), "{}", text.stdout);
    assert_eq!(swfscore(&repo(), &["history", "hkic", "--by-age", "--from", "2020"]).code, 2);
}

/// One pass of `validate` reports every broken entry of a descriptor (a misspelt level, an
/// unknown disclosure, a level without its source) and still checks the other files; the
/// shorthand `disclosure: level` reads as a level.
#[test]
fn validate_reports_every_problem_of_every_file_and_score_can_skip_invalid_funds() {
    let t = data_copy();
    let dir = t.path();
    assert_eq!(swfscore(dir, &["new", "zz_draft", "--established", "2001"]).code, 0);
    let draft = dir.join("funds/zz_draft.yaml");
    let text = std::fs::read_to_string(&draft).unwrap();
    let entry = |id: &str| format!("  {id}:\n    level: unknown\n    note: Not yet researched.\n");
    let text = text
        .replacen(&entry("annual_report"), "  annual_report: full\n", 1)
        .replacen(&entry("benchmarks"), "  benchmarks:\n    level: partiall\n    note: typo\n", 1)
        .replacen(&entry("board_members"), "  board_members: none\n", 1)
        .replacen("  audited_financial_statements:\n", "  audited_financial_statement:\n", 1);
    std::fs::write(&draft, &text).unwrap();
    let v = swfscore(dir, &["validate"]);
    assert_eq!(v.code, 1, "{}", v.stderr);
    for want in [
        "`annual_report` is `full` without evidence",
        "invalid value `partiall` (did you mean `partial`?",
        "unknown disclosure `audited_financial_statement` (did you mean `audited_financial_statements`?)",
    ] {
        assert!(v.stderr.contains(want), "missing {want:?} in:\n{}", v.stderr);
    }
    assert!(!v.stderr.contains("board_members"), "the shorthand `board_members: none` is valid:\n{}", v.stderr);
    // A file that does not parse at all does not stop the others being checked.
    std::fs::write(dir.join("funds/zz_broken.yaml"), "id: zz_broken\nname: [unclosed\n").unwrap();
    let both = swfscore(dir, &["validate"]);
    assert!(both.stderr.contains("funds/zz_broken.yaml") && both.stderr.contains("partiall"), "{}", both.stderr);

    // score --skip-invalid: every valid fund scored, the invalid ones named, exit 1.
    let all = swfscore(&repo(), &["score", "--format", "csv"]);
    let skip = swfscore(dir, &["score", "--skip-invalid", "--format", "csv"]);
    assert_eq!(skip.code, 1, "{}", skip.stderr);
    assert_eq!(skip.stdout, all.stdout, "the valid funds scored as without the drafts");
    assert!(
        skip.stderr.contains("funds/zz_draft.yaml") && skip.stderr.contains("funds/zz_broken.yaml"),
        "{}",
        skip.stderr
    );
    assert_eq!(swfscore(dir, &["score"]).code, 2, "without --skip-invalid an invalid fund stops the run");

    // Fixed, the shorthand scores as the long form.
    std::fs::remove_file(dir.join("funds/zz_broken.yaml")).unwrap();
    let fixed = text
        .replacen("  annual_report: full\n", "  annual_report: none\n", 1)
        .replacen("    level: partiall\n", "    level: partial\n    known_since: 2020\n    evidence:\n      - source: Test report\n        url: https://example.org/r\n        date: 2020-01-01\n", 1)
        .replacen("  audited_financial_statement:\n", "  audited_financial_statements:\n", 1);
    std::fs::write(&draft, fixed).unwrap();
    let e = swfscore(dir, &["explain", "zz_draft", "--format", "json"]);
    assert_eq!(e.code, 0, "{}", e.stderr);
    assert!(e.stdout.contains("\"board_members\""), "{}", &e.stdout[..e.stdout.len().min(2000)]);
}

/// `new` in an empty folder makes `funds/` for the first descriptor; `trend` with nothing to
/// compare says why and exits 2 instead of printing an empty table.
#[test]
fn new_in_an_empty_folder_and_trend_with_nothing_to_compare() {
    let t = tempfile::tempdir().unwrap();
    let r = swfscore(t.path(), &["new", "first_fund", "--established", "2010"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(t.path().join("funds/first_fund.yaml").is_file());
    let trend = swfscore(&repo(), &["trend", "--from", "2010", "--fund", "hkic"]);
    assert_eq!(trend.code, 2, "{}", trend.stdout);
    assert!(trend.stdout.is_empty(), "no empty table: {}", trend.stdout);
    assert!(trend.stderr.contains("give --from 2022 or later"), "{}", trend.stderr);
}

/// Funds are given the same way on every command: FUND arguments, `--fund`, or both, whether
/// the command takes one fund or several.
#[test]
fn every_command_takes_funds_the_same_way() {
    let t = mini();
    for (positional, flagged) in [
        (&["score", "alpha", "beta"][..], &["score", "--fund", "alpha", "--fund", "beta"][..]),
        (
            &["trend", "--from", "2020", "alpha", "beta"][..],
            &["trend", "--from", "2020", "--fund", "alpha", "--fund", "beta"][..],
        ),
        (
            &["robustness", "--samples", "50", "alpha", "beta"][..],
            &["robustness", "--samples", "50", "--fund", "alpha", "--fund", "beta"][..],
        ),
        (&["history", "alpha", "beta"][..], &["history", "--fund", "alpha", "--fund", "beta"][..]),
        (&["compare", "alpha", "beta"][..], &["compare", "--fund", "alpha", "--fund", "beta"][..]),
        (&["compare", "alpha", "beta"][..], &["compare", "alpha", "--fund", "beta"][..]),
        (&["explain", "beta"][..], &["explain", "--fund", "beta"][..]),
        (&["gap", "beta"][..], &["gap", "--fund", "beta"][..]),
        (
            &["whatif", "beta", "--set", "annual_report=full"][..],
            &["whatif", "--fund", "beta", "--set", "annual_report=full"][..],
        ),
    ] {
        let (a, b) = (swfscore(t.path(), positional), swfscore(t.path(), flagged));
        assert_eq!(a.code, 0, "{positional:?}: {}", a.stderr);
        assert_eq!(a.stdout, b.stdout, "{flagged:?} shows what {positional:?} does");
    }
    let r = swfscore(t.path(), &["compare", "alpha"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("two or more funds"), "{}", r.stderr);
    // One fund is one: given twice, or not at all, is refused before anything is loaded.
    for args in
        [&["explain", "alpha", "--fund", "beta"][..], &["gap"][..], &["whatif", "--set", "annual_report=full"][..]]
    {
        let r = swfscore(t.path(), args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stdout);
        assert!(r.stderr.contains("FUND"), "{args:?}: {}", r.stderr);
    }
}

/// A fund with most of its weight unknown: under `none` its score is a floor (`≥`); under
/// `exclude` the unknowns are left out, so the score is no bound (Gamma's is 100.0 with a
/// range of 25.0–100.0) and is marked as resting on the known part (`~`), in every view that
/// marks it and in both languages.
#[test]
fn a_mostly_unknown_score_is_a_floor_only_when_unknowns_count_as_none() {
    let t = mini();
    let run = |args: &[&str]| {
        let r = swfscore(t.path(), args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        r.stdout
    };
    let floor = run(&["score"]);
    assert!(floor.contains("≥25.0") && floor.contains("so it is a lower bound"), "{floor}");
    // Views that show no estimate mark the score too, and point to explain for it.
    for args in [
        &["trend", "--from", "2015"][..],
        &["gap", "gamma", "--match", "alpha"],
        &["whatif", "gamma", "--set", "fund_size=full"],
        &["compare-rubrics", "--profile", "reporting_only"],
    ] {
        let out = run(args);
        assert!(out.contains("≥25.0") && out.contains("lower bound (`swfscore explain FUND`"), "{args:?}:\n{out}");
    }
    for (args, shown) in [
        (&["score"][..], "~100.0"),
        (&["score", "--format", "markdown"], "~100.0"),
        (&["explain", "gamma"], "Score ~100.0"),
        (&["explain", "gamma", "--format", "markdown"], "so the score rests on the known part:"),
        (&["history", "gamma"], "~0.0 (0.0–75.0)"),
        (&["trend", "--from", "2015"], "Gamma  ~100.0"),
        (&["gap", "gamma", "--match", "alpha"], "Gamma: ~100.0"),
        (&["whatif", "gamma", "--set", "fund_size=full"], "Gamma  ~100.0 → ~100.0"),
        (&["audit"], "resting on the known part, ~): Gamma"),
        (&["compare-rubrics", "--profile", "reporting_only"], "1 (~100.0)"),
    ] {
        let out = run(&[args, &["--unknown", "exclude"][..]].concat());
        assert!(out.contains(shown), "{args:?} --unknown exclude shows {shown:?}:\n{out}");
        assert!(!out.contains('≥') && !out.contains("lower bound") && !out.contains("floor"), "{args:?}:\n{out}");
    }
    let zh = run(&["score", "--unknown", "exclude", "--lang", "zh-Hant"]);
    assert!(zh.contains("~100.0") && zh.contains("只反映已知部分") && !zh.contains("只是下限"), "{zh}");
    // `diff` marks the scores on both sides: against the fixture, Gamma's holdings list is now
    // known (partial) and most of its weight is still unknown.
    replace_block(
        &t.path().join("funds/gamma.yaml"),
        "holdings_list",
        "    level: partial\n    since: 2020\n    evidence:\n      - { source: Gamma, url: \"https://gamma.example/h\", date: 2025 }\n",
    );
    let base = repo().join("tests/fixtures/mini");
    let base = base.to_str().unwrap();
    let out = run(&["diff", "--base", base]);
    assert!(out.contains("≥25.0 → ≥25.0") && out.contains("so it is a lower bound"), "{out}");
    let out = run(&["diff", "--base", base, "--unknown", "exclude"]);
    assert!(out.contains("~100.0 → ~87.5") && out.contains("rests on the known part") && !out.contains('≥'), "{out}");
}
