//! Batch scoring: the long table equals `score`/`history` for every rubric, profile, fund and
//! year; `panel` then `batch --panel` round-trips in CSV and Parquet; bad panels are refused
//! with the rows named; `trend` ranks funds by their change.

use crate::snap;
use crate::util::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The funds `score --as-of YEAR` scores, as JSON results.
fn scored(year: i32) -> Vec<Value> {
    let out = run_ok(&repo(), &["score", "--as-of", &year.to_string(), "--format", "json"]).stdout;
    let s: Value = serde_json::from_str(&out).unwrap();
    s["results"].as_array().unwrap().iter().filter(|f| f["status"] == "scored").cloned().collect()
}

fn run_ok(dir: &Path, args: &[&str]) -> Run {
    let r = swfscore(dir, args);
    assert_eq!(r.code, 0, "swfscore {args:?}:\n{}", r.stderr);
    r
}

/// (fund, year) → (score, low, high, rank), rounded as the other commands print them.
type Table = BTreeMap<(String, i64), (f64, f64, f64, i64)>;

fn rounded(x: &Value) -> f64 {
    (x.as_f64().unwrap() * 10.0).round() / 10.0
}

fn batch_table(rows: &[&Value]) -> Table {
    rows.iter()
        .map(|r| {
            let key = (r["fund"].as_str().unwrap().to_string(), r["year"].as_i64().unwrap());
            (key, (rounded(&r["score"]), rounded(&r["low"]), rounded(&r["high"]), r["rank"].as_i64().unwrap()))
        })
        .collect()
}

/// The same table from `history` over every fund.
fn history_table(dir: &Path, extra: &[&str]) -> Table {
    let mut ids: Vec<String> = std::fs::read_dir(dir.join("funds"))
        .unwrap()
        .map(|e| e.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    let mut args = vec!["history"];
    args.extend(ids.iter().map(String::as_str));
    args.extend(["--format", "json"]);
    args.extend(extra);
    let h: Value = serde_json::from_str(&run_ok(dir, &args).stdout).unwrap();
    let mut t = Table::new();
    for f in h["funds"].as_array().unwrap() {
        for y in f["years"].as_array().unwrap() {
            let key = (f["fund"].as_str().unwrap().to_string(), y["year"].as_i64().unwrap());
            let b = &y["bounds"];
            t.insert(
                key,
                (
                    y["score"].as_f64().unwrap(),
                    b["low"].as_f64().unwrap(),
                    b["high"].as_f64().unwrap(),
                    y["rank"].as_i64().unwrap(),
                ),
            );
        }
    }
    t
}

#[test]
fn batch_equals_history_for_every_rubric_profile_fund_and_year() {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("batch.json");
    let r = run_ok(&repo(), &["batch", "--output", file.to_str().unwrap()]);
    assert!(r.stderr.contains("rows to"), "{}", r.stderr);
    let rows = json(&file);
    let rows = rows.as_array().unwrap();
    // Views: the default rubric, each of its profiles, each rubric in rubrics/.
    let mut views: Vec<(String, Option<String>)> = Vec::new();
    for r in rows {
        let v = (r["rubric"].as_str().unwrap().to_string(), r["profile"].as_str().map(str::to_string));
        if !views.contains(&v) {
            views.push(v);
        }
    }
    let rubric_files = std::fs::read_dir(repo().join("rubrics")).unwrap().count();
    assert!(views.len() > 1 + rubric_files, "default, a profile and every rubric file: {views:?}");
    let default_id = views[0].0.clone();
    for (rubric, profile) in &views {
        let mut extra: Vec<String> = Vec::new();
        if *rubric != default_id {
            extra.extend(["--rubric".into(), rubric.clone()]);
        }
        if let Some(p) = profile {
            extra.extend(["--profile".into(), p.clone()]);
        }
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        let mine: Vec<&Value> = rows
            .iter()
            .filter(|r| r["rubric"] == rubric.as_str() && r["profile"].as_str() == profile.as_deref())
            .collect();
        assert_eq!(batch_table(&mine), history_table(&repo(), &extra), "{rubric} {profile:?}");
    }
    // Category scores and coverage equal `score --as-of` in a sample of years.
    for year in [1990, 2008, 2026] {
        for f in scored(year) {
            let row = rows
                .iter()
                .find(|r| {
                    r["rubric"] == default_id.as_str()
                        && r["profile"].is_null()
                        && r["fund"] == f["fund"]
                        && r["year"] == year
                })
                .unwrap_or_else(|| panic!("{} {year} in the batch", f["fund"]));
            for (c, v) in f["categories"].as_object().unwrap() {
                assert_eq!(row[c].as_f64().map(|x| (x * 10.0).round() / 10.0), v.as_f64(), "{} {year} {c}", f["fund"]);
            }
            assert_eq!(row["unknown"], f["coverage"]["unknown"]);
            assert_eq!(row["assessed"], f["coverage"]["assessed"]);
        }
    }
}

#[test]
fn batch_writes_csv_parquet_and_json_with_the_same_rows() {
    let out = tempfile::tempdir().unwrap();
    let p = |n: &str| out.path().join(n).to_str().unwrap().to_string();
    for f in ["b.csv", "b.parquet", "b.json"] {
        run_ok(&repo(), &["batch", "--rubric", "lmti", "--output", &p(f)]);
    }
    let mut csv = csv::Reader::from_path(out.path().join("b.csv")).unwrap();
    let header: Vec<String> = csv.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(&header[..6], ["fund", "year", "score", "low", "high", "rank"]);
    let from_csv: Vec<Vec<String>> = csv.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    let from_json: Vec<Vec<String>> = json(&out.path().join("b.json"))
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            header
                .iter()
                .map(|h| match &r[h] {
                    Value::Null => String::new(),
                    Value::String(s) => s.clone(),
                    v => v.to_string(),
                })
                .collect()
        })
        .collect();
    assert_eq!(from_json.len(), from_csv.len());
    for (a, b) in from_json.iter().zip(&from_csv) {
        for (x, y) in a.iter().zip(b) {
            // Same numbers at full precision (each writer spells floats its own shortest way).
            match (x.parse::<f64>(), y.parse::<f64>()) {
                (Ok(x), Ok(y)) => assert_eq!(x, y),
                _ => assert_eq!(x, y),
            }
        }
    }
    let parquet = std::fs::File::open(out.path().join("b.parquet")).unwrap();
    use polars::prelude::{ParquetReader, SerReader};
    let df = ParquetReader::new(parquet).finish().unwrap();
    assert_eq!(df.height(), from_csv.len());
    let names: Vec<String> = df.get_column_names().iter().map(|c| c.to_string()).collect();
    assert_eq!(names, header);
    let score = df.column("score").unwrap().f64().unwrap();
    for (i, row) in from_csv.iter().enumerate() {
        assert_eq!(score.get(i), Some(row[2].parse::<f64>().unwrap()), "row {i}");
    }
    // Scores are written unrounded.
    assert!(from_csv.iter().any(|r| r[2].len() > 5), "full precision");
}

/// `panel`, then `batch --panel` on it, equals `score --as-of` for every fund and year.
fn round_trip(ext: &str) {
    let out = tempfile::tempdir().unwrap();
    let panel = out.path().join(format!("panel.{ext}"));
    let scores = out.path().join("scores.json");
    let r = run_ok(&repo(), &["panel", "--from", "2000", "--output", panel.to_str().unwrap()]);
    let catalogue = std::fs::read_to_string(repo().join("disclosures.yaml")).unwrap();
    let n = catalogue.lines().filter(|l| l.starts_with("  - id: ")).count();
    assert!(r.stderr.contains(&format!("{n} disclosures) to")), "{}", r.stderr);
    run_ok(&repo(), &["batch", "--panel", panel.to_str().unwrap(), "--output", scores.to_str().unwrap()]);
    let rows = json(&scores);
    let rows = rows.as_array().unwrap();
    // Every fund-year equals `history` (the engine's `score --as-of` of each year): score,
    // bounds and rank, and nothing more or less.
    let history: Table = history_table(&repo(), &[]).into_iter().filter(|((_, year), _)| *year >= 2000).collect();
    assert_eq!(batch_table(&rows.iter().collect::<Vec<_>>()), history, "the panel's scores");
    // Rows sorted by year, rank, fund.
    let keys: Vec<(i64, i64, String)> = rows
        .iter()
        .map(|r| (r["year"].as_i64().unwrap(), r["rank"].as_i64().unwrap(), r["fund"].as_str().unwrap().to_string()))
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "sorted by year, rank, fund");
}

#[test]
fn panel_round_trips_through_csv() {
    round_trip("csv");
}

#[test]
fn panel_round_trips_through_parquet() {
    round_trip("parquet");
}

#[test]
fn a_panel_scores_under_another_rubric_and_profile_and_missing_rows_are_unknown() {
    let t = tempfile::tempdir().unwrap();
    let text = "fund,year,disclosure,level,source\n\
                a,2020,annual_report,full,x\n\
                a,2020,fund_size,partial,x\n\
                b,2020,annual_report,none,y\n\
                a,2021,annual_report,full,x\n";
    std::fs::write(t.path().join("p.csv"), text).unwrap();
    let r = run_ok(&repo(), &["batch", "--panel", t.path().join("p.csv").to_str().unwrap(), "--rubric", "lmti"]);
    assert!(r.stderr.contains("ignored column(s) source"), "{}", r.stderr);
    assert!(r.stdout.contains("lmti") && r.stdout.contains("2020–2021"), "{}", r.stdout);
    let out = t.path().join("o.json");
    run_ok(&repo(), &["batch", "--panel", t.path().join("p.csv").to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let v = json(&out);
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let a2020 = rows.iter().find(|r| r["fund"] == "a" && r["year"] == 2020).unwrap();
    assert_eq!(a2020["assessed"], 2);
    assert!(a2020["unknown"].as_u64().unwrap() > 40, "missing rows are unknown");
    assert!(a2020["low"].as_f64().unwrap() < a2020["high"].as_f64().unwrap());
    // The same panel with Windows line ends (and a byte-order mark) scores the same.
    let crlf = format!("\u{feff}{}", text.replace('\n', "\r\n"));
    std::fs::write(t.path().join("crlf.csv"), crlf).unwrap();
    let out2 = t.path().join("o2.json");
    run_ok(&repo(), &["batch", "--panel", t.path().join("crlf.csv").to_str().unwrap(), "-o", out2.to_str().unwrap()]);
    assert_eq!(json(&out2), v);
}

#[test]
fn bad_panels_are_refused_with_the_rows_named_and_nothing_written() {
    let mut bad_rows = String::from("fund,year,disclosure,level\n");
    for i in 0..25 {
        bad_rows.push_str(&format!("f{i},2020,annual_report,ful\n"));
    }
    let cases: &[(&str, &str)] = &[
        ("unknown_disclosure.csv", "fund,year,disclosure,level\na,2020,anual_report,full\na,2020,fund_size,full\n"),
        ("unknown_level.csv", bad_rows.as_str()),
        ("missing_column.csv", "fund,yr,disclosure,lvl\na,2020,annual_report,full\n"),
        (
            "bad_year.csv",
            "fund,year,disclosure,level\na,2020,annual_report,full\na,twenty,fund_size,full\na,2020.5,holdings_list,none\na,,fund_size,none\n",
        ),
        (
            "implausible_year.csv",
            "fund,year,disclosure,level\na,2020,annual_report,full\na,99999,fund_size,full\na,-5,fund_size,none\na,2147483647,holdings_list,none\n",
        ),
        (
            "duplicate.csv",
            "fund,year,disclosure,level\na,2020,annual_report,full\na,2020,fund_size,full\na,2020,annual_report,none\n",
        ),
        ("semicolons.csv", "fund;year;disclosure;level\na;2020;annual_report;full\n"),
        ("empty.csv", ""),
        ("header_only.csv", "fund,year,disclosure,level\n"),
        ("wrong_extension.xlsx", "fund,year,disclosure,level\n"),
    ];
    let t = tempfile::tempdir().unwrap();
    let mut all = String::new();
    for (name, text) in cases {
        std::fs::write(t.path().join(name), text).unwrap();
        let r = swfscore(t.path(), &["batch", "--panel", name, "--output", "out.csv"]);
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        assert!(!t.path().join("out.csv").exists(), "{name}: no output file");
        all.push_str(&format!("$ swfscore batch --panel {name} --output out.csv\n{}\n", r.stderr));
    }
    // A Parquet panel whose years are not whole numbers.
    use polars::prelude::*;
    let mut df = df!(
        "fund" => ["a", "a"],
        "year" => [2020.0, 2020.5],
        "disclosure" => ["annual_report", "fund_size"],
        "level" => ["full", "none"],
    )
    .unwrap();
    let file = std::fs::File::create(t.path().join("float_year.parquet")).unwrap();
    ParquetWriter::new(file).finish(&mut df).unwrap();
    let r = swfscore(t.path(), &["batch", "--panel", "float_year.parquet", "--output", "out.csv"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    all.push_str(&format!("$ swfscore batch --panel float_year.parquet --output out.csv\n{}\n", r.stderr));
    assert!(!t.path().join("out.csv").exists());
    snap!("batch_bad_panels", all);
}

#[test]
fn trend_ranks_funds_by_change_with_the_disclosures_that_moved() {
    let r = run_ok(&repo(), &["trend", "--from", "2015", "--format", "json"]);
    let t: Value = serde_json::from_str(&r.stdout).unwrap();
    let at = |y: &str| -> Value {
        serde_json::from_str(&run_ok(&repo(), &["score", "--as-of", y, "--format", "json"]).stdout).unwrap()
    };
    let (before, after) = (at("2015"), at("2026"));
    let find = |s: &Value, id: &str| s["results"].as_array().unwrap().iter().find(|f| f["fund"] == id).unwrap().clone();
    let funds = t["funds"].as_array().unwrap();
    assert!(funds.windows(2).all(|w| w[0]["change"].as_f64() >= w[1]["change"].as_f64()), "largest rise first");
    assert!(t["not_established"].as_array().unwrap().iter().any(|f| f == "hkic"));
    for f in funds {
        let id = f["fund"].as_str().unwrap();
        let (b, a) = (find(&before, id), find(&after, id));
        assert_eq!(f["before"], b["score"], "{id}");
        assert_eq!(f["after"], a["score"], "{id}");
        // The disclosures listed are exactly those whose level differs.
        let levels = |s: &Value| -> BTreeMap<String, Value> {
            s["items"].as_array().unwrap().iter().flat_map(|i| i["levels"].as_object().unwrap().clone()).collect()
        };
        let (lb, la) = (levels(&b), levels(&a));
        let mut changed: Vec<&String> = la.keys().filter(|d| lb[*d] != la[*d]).collect();
        changed.sort();
        let mut listed: Vec<&str> =
            f["moved"].as_array().unwrap().iter().map(|m| m["disclosure"].as_str().unwrap()).collect();
        listed.sort();
        assert_eq!(listed, changed.iter().map(|s| s.as_str()).collect::<Vec<_>>(), "{id}");
        for m in f["moved"].as_array().unwrap() {
            let confirmed = m["from"] == "unknown";
            assert_eq!(m["kind"], if confirmed { "confirmed" } else { "changed" }, "{id}: {m}");
            assert_eq!(m["from"], lb[m["disclosure"].as_str().unwrap()]);
        }
    }
    let text = run_ok(&repo(), &["trend", "--from", "2015"]).stdout;
    assert!(text.contains("Rank  Fund") && text.contains("Range  2026") && text.contains("first confirmed"), "{text}");
    let bad = swfscore(&repo(), &["trend", "--from", "2026"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

#[test]
fn a_failed_batch_loses_nothing() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("out.csv"), "old").unwrap();
    std::fs::write(t.path().join("bad.csv"), "fund,year,disclosure,level\na,2020,annual_report,ful\n").unwrap();
    // A full disk: a link to /dev/full, written through as devices are.
    std::os::unix::fs::symlink("/dev/full", t.path().join("full.csv")).unwrap();
    let dir = t.path().to_str().unwrap();
    let data = repo();
    let data = data.to_str().unwrap();
    let cases: [(&[&str], &str); 4] = [
        (&["batch", "--dir", data, "--panel", "bad.csv", "-o", "out.csv"], "are not a level"),
        (&["batch", "--dir", data, "-o", "out.xlsx"], "unknown table format"),
        (&["batch", "--dir", data, "-o", "no/such/folder/out.csv"], "nothing was computed or written"),
        (&["panel", "--dir", data, "-o", "full.csv"], "cannot write"),
    ];
    for (args, message) in cases {
        let r = swfscore(Path::new(dir), args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(message), "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    }
    assert_eq!(std::fs::read_to_string(t.path().join("out.csv")).unwrap(), "old", "the old output stands");
    let left: Vec<_> = std::fs::read_dir(t.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(left.len(), 3, "no temporary or partial file: {left:?}");
}

/// A bad value is quoted cut to a readable length, and a did-you-mean is worked out only for
/// the rows an error shows (a panel of many bad rows is refused at once, not after a hint
/// per row).
#[test]
fn bad_panel_values_are_quoted_short_and_hinted_only_where_shown() {
    let t = tempfile::tempdir().unwrap();
    let mut text = format!("fund,year,disclosure,level\nf,2020,{},full\n", "y".repeat(100_000));
    for i in 0..50_000 {
        text.push_str(&format!("f{i},2020,anual_report,full\n"));
    }
    std::fs::write(t.path().join("bad.csv"), text).unwrap();
    let r = swfscore(t.path(), &["batch", "--panel", "bad.csv"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.len() < 8_000, "the error stays short: {} bytes", r.stderr.len());
    assert!(r.stderr.contains("… (100000 bytes in all)"), "{}", r.stderr);
    assert_eq!(
        r.stderr.matches("did you mean `annual_report`?").count(),
        20,
        "hints for the rows shown:\n{}",
        r.stderr
    );
    assert!(r.stderr.contains("… and 49980 more"), "{}", r.stderr);
    // The long value is over the field limit: refused as such, quoted cut.
    assert!(r.stderr.contains("1 row(s) are longer than 4096 bytes"), "{}", r.stderr);
}
