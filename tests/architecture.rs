//! The bugs the architecture review found, each seen through the binary.

use crate::util::*;
use std::process::Command;

fn git(dir: &std::path::Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "git {args:?}");
}

/// The fixture as a git repository with one commit, and an extra rubric in rubrics/.
fn repo_with_rubric() -> Test {
    let t = Test::mini();
    let rubric = std::fs::read_to_string(t.path().join("rubric.yaml")).unwrap().replace("id: mini", "id: alt");
    let t = t.write("rubrics/alt.yaml", &rubric.replace("weight: 3", "weight: 5"));
    git(t.path(), &["init", "-q"]);
    git(t.path(), &["add", "."]);
    git(t.path(), &["commit", "-q", "-m", "base"]);
    t
}

#[test]
fn diff_against_a_git_base_uses_the_same_rubric_and_overrides_on_both_sides() {
    let (r, _) = repo_with_rubric().args(&["diff", "--base", "HEAD", "--rubric", "rubrics/alt.yaml"]).status(0).run();
    assert!(r.stdout.contains("No score, rank or level changed."), "{}", r.stdout);
    assert!(!r.stdout.contains("rubric changed"), "{}", r.stdout);
    // A level changed on the working side shows with its cause.
    let t =
        repo_with_rubric().edit("funds/gamma.yaml", "    note: Not confirmed.\n  audited", "    note: x\n  audited");
    let t = t.edit("funds/gamma.yaml", "  holdings_list:\n    level: unknown", "  holdings_list:\n    level: none");
    let (r, _) =
        t.args(&["diff", "--base", "HEAD", "--rubric", "rubrics/alt.yaml", "--format", "json"]).status(0).run();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["rubric_changed"], false);
    assert_eq!(v["funds"][0]["changes"][0]["disclosure"], "holdings_list");
}

#[test]
fn diff_against_a_folder_base_reads_the_rubric_there() {
    let base = repo_with_rubric();
    let t = Test::mini();
    let rubric = std::fs::read_to_string(t.path().join("rubric.yaml")).unwrap().replace("id: mini", "id: alt");
    let t = t.write("rubrics/alt.yaml", &rubric);
    let (r, _) = t
        .args(&["diff", "--base", base.path().to_str().unwrap(), "--rubric", "rubrics/alt.yaml", "--format", "json"])
        .status(0)
        .run();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["rubric_changed"], true, "the base's rubrics/alt.yaml weighs reporting 5, the working one 3");
}

#[test]
fn diff_with_a_profile_the_base_lacks_is_an_error() {
    let t = repo_with_rubric().edit("rubric.yaml", "  - id: reporting_only", "  - id: reporting_first");
    git(t.path(), &["commit", "-qam", "rename profile"]);
    let t = t.edit("rubric.yaml", "  - id: reporting_first", "  - id: reporting_only");
    t.args(&["diff", "--base", "HEAD", "--profile", "reporting_only"])
        .status(2)
        .stderr_has("no profile `reporting_only` in rubric `mini`")
        .run();
}

#[test]
fn a_base_starting_with_a_dash_never_reaches_git() {
    let t = repo_with_rubric();
    let out = t.path().join("pwned");
    let arg = format!("--base=--output={}", out.display());
    let (_, dir) = t.args(&["diff", &arg]).status(2).stderr_has("cannot start with `-`").run();
    assert!(!dir.path().join("pwned").exists() && !out.exists());
}

#[test]
fn colour_never_goes_into_a_file() {
    let (_, dir) = Test::mini().args(&["score", "--color", "always", "--output", "out.txt"]).status(0).run();
    let text = std::fs::read_to_string(dir.path().join("out.txt")).unwrap();
    assert!(!text.contains('\x1b'), "escape codes in the file:\n{text}");
    let (r, _) = Test::mini().arg("score").arg("--color").arg("always").status(0).run();
    assert!(r.stdout.contains('\x1b'), "asked for colour on stdout");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    for cmd in [
        "validate --coverage --review",
        "score --format json",
        "score --format html",
        "history nbim temasek gic adia hkic gpif kic cic apfc nzsf --format json",
    ] {
        let piped = |into: &str| {
            let line = format!("set -o pipefail; {} {cmd} | {into}", env!("CARGO_BIN_EXE_swfscore"));
            Command::new("bash").arg("-c").arg(line).current_dir(repo()).output().unwrap()
        };
        // Far more than a pipe holds (64 KiB), so the reader closes it while the command writes.
        let bytes: usize = String::from_utf8_lossy(&piped("wc -c").stdout).trim().parse().unwrap();
        assert!(bytes > 100_000, "{cmd}: {bytes} bytes is too little to outlast the pipe");
        let out = piped("head -c 1 >/dev/null");
        let code = out.status.code();
        assert!(matches!(code, Some(0) | Some(1)), "{cmd}: exit {code:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"), "{cmd}");
    }
}

#[test]
fn a_rubric_name_prefers_the_folder_s_rubrics_over_the_built_in_one() {
    let t = Test::data().edit(
        "rubrics/lmti.yaml",
        "title: Linaburg-Maduell Transparency Index (approximation)",
        "title: Edited LMTI",
    );
    let (r, _) = t.args(&["score", "--rubric", "lmti"]).status(0).stdout_has("Edited LMTI").run();
    assert!(!r.stderr.contains("built-in"), "{}", r.stderr);
}

#[test]
fn years_outside_the_data_are_refused() {
    Test::mini().args(&["score", "--as-of", "2099"]).status(2).stderr_has("2099 is after the latest assessment").run();
    Test::mini().args(&["score", "--as-of", "1500"]).status(2).stderr_has("before any fund was established").run();
    Test::mini().args(&["score", "--at-age", "-1"]).status(2).stderr_has("an age runs from 0").run();
    Test::mini().args(&["history", "alpha", "--from", "2099"]).status(2).run();
}

#[test]
fn funds_are_found_by_id_or_label_in_any_case() {
    Test::data().args(&["explain", "GPFG"]).status(0).stdout_has("(nbim)").run();
    Test::data().args(&["score", "--fund", "HKIC", "--fund", "temasek"]).status(0).stdout_has("HKIC").run();
    Test::data()
        .args(&["explain", "temasec"])
        .status(2)
        .stderr_has("unknown fund `temasec` (did you mean `temasek`?)")
        .run();
}

#[test]
fn json_shapes_agree_between_commands() {
    let (r, _) = Test::mini().args(&["explain", "alpha", "--format", "json"]).status(0).run();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["results"][0]["fund"], "alpha");
    assert!(v["results"][0]["categories"].is_object());
    let (r, _) = Test::mini().args(&["whatif", "alpha", "--set", "fund_size=full", "--format", "json"]).status(0).run();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v["funds"][0]["old_categories"].is_object() && v["funds"][0]["new_categories"].is_object());
}

#[test]
fn report_check_without_reports_says_so() {
    let (r, _) = Test::mini().args(&["report", "--check"]).status(1).stderr_has("does not exist").run();
    assert!(r.stdout.is_empty(), "no diff is printed: {}", r.stdout);
}

#[test]
fn gap_targets_outside_the_scale_are_refused() {
    Test::mini()
        .args(&["gap", "alpha", "--target-score", "150"])
        .status(2)
        .stderr_has("outside the scale (0 to 100)")
        .run();
    Test::mini().args(&["gap", "alpha", "--target-score", "NaN"]).status(2).stderr_has("outside the scale").run();
    Test::mini().args(&["gap", "alpha", "--target-rank", "0"]).status(2).stderr_has("ranks run from 1").run();
}

/// Numbers out of range are refused by the command line's parsers, each naming its flag and
/// what to give.
#[test]
fn numbers_out_of_range_are_refused_with_what_to_give() {
    for (args, want) in [
        (&["backtest", "--share", "0"][..], "'0' for '--share <P>': give a number in (0, 1]"),
        (&["backtest", "--share", "1.5"], "give a number in (0, 1]"),
        (&["backtest", "--spread", "-1"], "'-1' for '--spread <X>': give a number from 0"),
        (&["backtest", "--spread", "NaN"], "give a number from 0"),
        (&["robustness", "--weight-noise", "1"], "'1' for '--weight-noise <F>': give a number in [0, 1)"),
        (&["robustness", "--samples", "0"], "'0' for '--samples <N>': give a whole number from 1 to 10,000,000"),
        (&["robustness", "--samples", "10000001"], "give a whole number from 1 to 10,000,000"),
        (&["score", "--at-age", "1001"], "'1001' for '--at-age <N|FUND>': an age runs from 0 to 1000 years"),
    ] {
        Test::mini().args(args).status(2).stderr_has(want).run();
    }
}

#[test]
fn whatif_refuses_a_disclosure_set_twice() {
    Test::mini()
        .args(&["whatif", "alpha", "--set", "fund_size=full", "--set", "fund_size=none"])
        .status(2)
        .stderr_has("`--set` gives `fund_size` twice")
        .run();
}

/// Every command that shows a result does so in every format, on stdout with `--format` and
/// in a file named with `-o`, whose extension picks the format.
#[test]
fn every_command_works_in_every_format_and_o_picks_it_by_extension() {
    let views: &[&[&str]] = &[
        &["score"],
        &["explain", "alpha"],
        &["compare", "alpha", "beta"],
        &["history", "alpha", "beta"],
        &["gap", "alpha"],
        &["whatif", "alpha", "--set", "fund_size=full"],
        &["compare-rubrics", "--profile", "reporting_only"],
        &["validate"],
        &["funds"],
        &["rubrics"],
        &["diff", "--base", "."],
        &["trend", "--from", "2015"],
        &["audit", "--bootstrap", "20"],
        &["robustness", "--samples", "100"],
        &["backtest", "--runs", "1"],
    ];
    let t = mini();
    for v in views {
        for (f, ext) in [("table", "txt"), ("markdown", "md"), ("csv", "csv"), ("json", "json"), ("html", "html")] {
            let mut args = v.to_vec();
            args.extend(["--format", f]);
            let shown = swfscore(t.path(), &args);
            assert_eq!(shown.code, 0, "{args:?}: {}", shown.stderr);
            check_format(&format!("{args:?}"), f, &shown.stdout);
            let out = t.path().join(format!("out.{ext}"));
            let mut args = v.to_vec();
            args.extend(["-o", out.to_str().unwrap()]);
            let r = swfscore(t.path(), &args);
            assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
            let written = std::fs::read_to_string(&out).unwrap();
            check_format(&format!("{args:?}"), f, &written);
            if f != "table" {
                // The same bytes as --format gives (the table may differ only in colour).
                assert_eq!(written, shown.stdout, "{v:?} -o out.{ext}");
            }
            std::fs::remove_file(&out).unwrap();
        }
    }
}

/// `batch` prints its summary in every format (its table goes to a file whose extension names
/// the format, so `--format` and `--output` together are refused).
#[test]
fn batch_prints_its_summary_in_every_format() {
    let t = mini();
    for f in ["table", "markdown", "csv", "json", "html"] {
        let r = swfscore(t.path(), &["batch", "--format", f]);
        assert_eq!(r.code, 0, "{f}: {}", r.stderr);
        check_format(&format!("batch --format {f}"), f, &r.stdout);
    }
    let out = t.path().join("t.csv");
    let r = swfscore(t.path(), &["batch", "--format", "json", "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!out.exists());
}

/// The published package holds every file `build.rs` embeds: `cargo package --list` (what a
/// crate built from crates.io would have) against the data files in the checkout.
#[test]
fn the_package_includes_what_the_build_reads() {
    let out = Command::new(env!("CARGO"))
        .args(["package", "--list", "--offline", "--allow-dirty"])
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let listed: std::collections::BTreeSet<String> =
        String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect();
    let mut needed = vec!["build.rs".to_string(), "disclosures.yaml".into(), "rubric.yaml".into()];
    for dir in ["funds", "rubrics", "locales"] {
        for e in std::fs::read_dir(repo().join(dir)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".yaml") || name.ends_with(".yml") {
                needed.push(format!("{dir}/{name}"));
            }
        }
    }
    let missing: Vec<&String> = needed.iter().filter(|n| !listed.contains(*n)).collect();
    assert!(missing.is_empty(), "the package lacks what build.rs reads: {missing:?}");
}

/// The tests build with the binary's features: no package has a feature that only a
/// dev-dependency turns on, which would make `cargo test --release` rebuild it and every crate
/// above it (swfscore itself included) after the README's quick start has built them once.
#[test]
fn the_tests_build_with_the_binary_s_features() {
    let features = |edges: &str| -> std::collections::BTreeMap<String, String> {
        let out = Command::new(env!("CARGO"))
            .args(["tree", "--offline", "--locked", "-e", edges, "--prefix", "none", "-f", "{p}|{f}"])
            .current_dir(repo())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.trim_end_matches(" (*)").split_once('|'))
            .map(|(p, f)| (p.to_string(), f.to_string()))
            .collect()
    };
    let (normal, with_dev) = (features("normal"), features("normal,dev"));
    assert!(normal.len() > 50, "the dependency tree is listed: {} packages", normal.len());
    let differ: Vec<String> = normal
        .iter()
        .filter_map(|(p, f)| with_dev.get(p).filter(|g| *g != f).map(|g| format!("{p}: [{f}] vs [{g}] in tests")))
        .collect();
    assert!(differ.is_empty(), "features that only the tests turn on (add them to [dependencies]): {differ:?}");
}
