//! The inputs people really send: odd folder entries, exported files, hostile files. Each
//! case exits 2 from `score` (1 from `validate`), names the path, writes nothing, and its
//! message is snapshotted.

use crate::util::*;
use std::path::Path;

/// Sets up a copy of the fixture with `setup`, then checks `score --output` and `validate`.
#[track_caller]
fn refused(name: &str, what: &str, setup: impl Fn(&Path), at: &str) {
    let t = mini();
    setup(t.path());
    let score = swfscore(t.path(), &["score", "--format", "markdown", "--output", "out.md"]);
    assert_eq!(score.code, 2, "{name}: score exit code; stderr:\n{}", score.stderr);
    assert!(score.stderr.contains(at), "{name}: score stderr lacks {at:?}:\n{}", score.stderr);
    assert!(!t.path().join("out.md").exists(), "{name}: score wrote a file");
    assert!(!score.stderr.contains("panicked"), "{name}");
    let validate = swfscore(t.path(), &["validate"]);
    assert_eq!(validate.code, 1, "{name}: validate exit code; stderr:\n{}", validate.stderr);
    let mut settings = settings();
    settings.set_description(format!("`swfscore validate` on the mini fixture with {what}"));
    settings.bind(|| insta::assert_snapshot!(format!("hard_{name}"), validate.stderr));
}

fn write(dir: &Path, rel: &str, text: &str) {
    std::fs::write(dir.join(rel), text).unwrap();
}

#[test]
fn a_folder_named_like_a_descriptor() {
    refused(
        "folder_named_yaml",
        "a folder funds/x.yaml/",
        |d| std::fs::create_dir(d.join("funds/x.yaml")).unwrap(),
        "funds/x.yaml: named like a fund descriptor but is not a file",
    );
}

#[test]
fn a_symlink_loop() {
    refused(
        "symlink_loop",
        "funds/loop.yaml a symlink to itself",
        |d| std::os::unix::fs::symlink("loop.yaml", d.join("funds/loop.yaml")).unwrap(),
        "funds/loop.yaml: cannot read:",
    );
}

#[test]
fn a_dangling_symlink() {
    refused(
        "dangling_symlink",
        "funds/gone.yaml a symlink to a missing file",
        |d| std::os::unix::fs::symlink("nowhere.yaml", d.join("funds/gone.yaml")).unwrap(),
        "funds/gone.yaml: cannot read:",
    );
}

#[test]
fn a_file_name_that_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    refused(
        "name_not_utf8",
        "a descriptor whose name is not UTF-8",
        |d| {
            let name = std::ffi::OsStr::from_bytes(b"\xff\xfe.yaml");
            std::fs::write(d.join("funds").join(name), "id: x\n").unwrap();
        },
        "the file name is not valid UTF-8",
    );
}

#[test]
fn an_empty_descriptor() {
    refused(
        "empty_file",
        "funds/alpha.yaml emptied",
        |d| write(d, "funds/alpha.yaml", ""),
        "funds/alpha.yaml:1:1: the file ends before any content",
    );
}

#[test]
fn a_descriptor_of_only_comments() {
    refused(
        "only_comments",
        "funds/alpha.yaml only comments",
        |d| write(d, "funds/alpha.yaml", "# nothing\n# here\n"),
        "funds/alpha.yaml:3:1: the file ends before any content",
    );
}

#[test]
fn a_descriptor_over_the_size_limit() {
    refused(
        "too_large",
        "a 100 MB funds/big.yaml",
        |d| {
            let f = std::fs::File::create(d.join("funds/big.yaml")).unwrap();
            f.set_len(100 * 1024 * 1024).unwrap();
        },
        "funds/big.yaml: cannot read: the file is 104857600 bytes, over the input size limit of 8388608 bytes",
    );
}

#[test]
fn the_size_limit_names_how_to_raise_it() {
    let t = mini();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_swfscore"))
        .args(["validate"])
        .current_dir(t.path())
        .env("SWFSCORE_MAX_FILE_BYTES", "100")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("over the input size limit of 100 bytes"), "{err}");
}

#[test]
fn nesting_a_hundred_thousand_deep() {
    refused(
        "deep_nesting",
        "100,000 nested brackets in funds/alpha.yaml",
        |d| write(d, "funds/alpha.yaml", &"[".repeat(100_000)),
        "funds/alpha.yaml:1:",
    );
}

#[test]
fn an_alias_bomb() {
    refused(
        "alias_bomb",
        "an alias bomb in funds/alpha.yaml",
        |d| {
            let mut bomb = String::from("id: alpha\nname: &a [x, x, x, x, x, x, x, x, x, x]\n");
            for (i, prev) in ["a", "b", "c", "d", "e", "f"].iter().enumerate() {
                let next = ["b", "c", "d", "e", "f", "g"][i];
                bomb.push_str(&format!(
                    "x{next}: &{next} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
                ));
            }
            write(d, "funds/alpha.yaml", &bomb);
        },
        "funds/alpha.yaml:",
    );
}

#[test]
fn invalid_utf8_content_names_the_line() {
    refused(
        "invalid_utf8",
        "a byte that is not UTF-8 on line 3 of funds/alpha.yaml",
        |d| {
            let mut bytes = std::fs::read(d.join("funds/alpha.yaml")).unwrap();
            let third = bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(1).unwrap().0 + 1;
            bytes.insert(third + 2, 0xff);
            std::fs::write(d.join("funds/alpha.yaml"), bytes).unwrap();
        },
        "not valid UTF-8 at line 3, column 3",
    );
}

#[test]
fn established_after_assessed() {
    refused(
        "established_after_assessed",
        "`established: 2030` in funds/beta.yaml",
        |d| {
            let p = d.join("funds/beta.yaml");
            let text = std::fs::read_to_string(&p).unwrap().replace("established: 2015", "established: 2030");
            std::fs::write(p, text).unwrap();
        },
        "funds/beta.yaml:6:14: established year 2030 is out of range",
    );
}

#[test]
fn a_rubric_whose_every_weight_is_zero() {
    refused(
        "all_weights_zero",
        "every weight in rubric.yaml set to 0",
        |d| {
            let p = d.join("rubric.yaml");
            let text = std::fs::read_to_string(&p).unwrap();
            let text = text
                .replace("weight: 3", "weight: 0")
                .replace("weight: 2", "weight: 0")
                .replace("weight: 1", "weight: 0");
            std::fs::write(p, text).unwrap();
        },
        "rubric.yaml:",
    );
}

#[test]
fn a_profile_naming_an_unknown_category() {
    refused(
        "profile_unknown_category",
        "a profile weighting category `reportng`",
        |d| {
            let p = d.join("rubric.yaml");
            let text = std::fs::read_to_string(&p)
                .unwrap()
                .replace("categories: { reporting: 9 }", "categories: { reportng: 9 }");
            std::fs::write(p, text).unwrap();
        },
        "reportng",
    );
}

#[test]
fn crlf_line_endings_and_a_byte_order_mark_are_accepted() {
    let t = mini();
    for f in ["funds/alpha.yaml", "rubric.yaml", "disclosures.yaml"] {
        let p = t.path().join(f);
        let text = std::fs::read_to_string(&p).unwrap().replace('\n', "\r\n");
        std::fs::write(&p, format!("\u{feff}{text}")).unwrap();
    }
    let plain = swfscore(mini().path(), &["score", "--format", "json"]);
    let r = swfscore(t.path(), &["score", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, plain.stdout, "the same scores from CRLF files with a BOM");
}

#[test]
fn files_that_are_not_yaml_are_skipped_with_a_note() {
    let t = mini();
    write(t.path(), "funds/README.md", "notes");
    write(t.path(), "funds/alpha.yaml.bak", "old");
    let r = swfscore(t.path(), &["validate"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("skipped 2 file(s) in funds that are not .yaml or .yml: README.md, alpha.yaml.bak"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_unreadable_file_names_its_path() {
    use std::os::unix::fs::PermissionsExt;
    let t = mini();
    let p = t.path().join("funds/alpha.yaml");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    let r = swfscore(t.path(), &["validate"]);
    if std::fs::read(&p).is_ok() {
        // Running as root: permissions do not stop reading, so the file is simply read.
        assert_eq!(r.code, 0, "{}", r.stderr);
    } else {
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stderr.contains("funds/alpha.yaml: cannot read: Permission denied"), "{}", r.stderr);
    }
}

/// A scenario file, written beside the fixture, refused with its location.
#[track_caller]
fn scenario_refused(name: &str, text: &str, at: &str) {
    let t = mini();
    write(t.path(), "scenario.yaml", text);
    let r = swfscore(t.path(), &["whatif", "--scenario", "scenario.yaml", "--output", "out.txt"]);
    assert_eq!(r.code, 2, "{name}: {}", r.stderr);
    assert!(r.stderr.contains(at), "{name}: stderr lacks {at:?}:\n{}", r.stderr);
    assert!(!t.path().join("out.txt").exists());
    let mut settings = settings();
    settings.set_description(format!("`swfscore whatif --scenario` with a scenario: {text:?}"));
    settings.bind(|| insta::assert_snapshot!(format!("hard_scenario_{name}"), r.stderr));
}

#[test]
fn scenario_unknown_fund() {
    scenario_refused(
        "unknown_fund",
        "changes:\n  - fund: alpah\n    set: { fund_size: full }\n",
        "scenario.yaml:2:11: unknown fund `alpah` (did you mean `alpha`?)",
    );
}

#[test]
fn scenario_unknown_disclosure() {
    scenario_refused(
        "unknown_disclosure",
        "changes:\n  - fund: alpha\n    set: { fund_sise: full }\n",
        "scenario.yaml:3:12: unknown disclosure `fund_sise` (did you mean `fund_size`?)",
    );
}

#[test]
fn scenario_bad_level() {
    scenario_refused("bad_level", "changes:\n  - fund: alpha\n    set: { fund_size: ful }\n", "scenario.yaml:3:");
}

#[test]
fn scenario_no_changes() {
    scenario_refused("no_changes", "title: nothing\nchanges: []\n", "the scenario has no changes");
}

#[test]
fn scenario_set_twice() {
    scenario_refused(
        "set_twice",
        "changes:\n  - fund: alpha\n    set: { fund_size: full }\n  - fund: alpha\n    set: { fund_size: none }\n",
        "`fund_size` is set twice for `alpha`",
    );
}

#[test]
fn scenario_syntax() {
    scenario_refused("syntax", "changes:\n  - fund: [alpha\n", "scenario.yaml:");
}

#[test]
fn scenario_empty_file() {
    scenario_refused("empty_file", "", "scenario.yaml:1:1: the file ends before any content");
}

#[test]
fn hostile_arguments_are_refused_cleanly() {
    for args in [
        &["score", "--at-age", "2147483647"][..],
        &["score", "--as-of", "-5"],
        &["gap", "alpha", "--target-rank", "0"],
        &["gap", "alpha", "--target-score", "inf"],
        &["history", "alpha", "--from", "99999"],
        &["explain", "nobody-like-this-at-all"],
    ] {
        let r = swfscore(mini().path(), args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked") && !r.stderr.is_empty(), "{args:?}");
    }
}

/// A data folder with `n` funds: copies of the real descriptors under new ids.
fn many_funds(n: usize) -> tempfile::TempDir {
    let t = data_copy();
    let real: Vec<(String, String)> = std::fs::read_dir(repo().join("funds"))
        .unwrap()
        .flatten()
        .map(|e| {
            (e.path().file_stem().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    for i in 0..n {
        let (id, text) = &real[i % real.len()];
        let new = format!("{id}_{i}");
        std::fs::write(
            t.path().join(format!("funds/{new}.yaml")),
            text.replacen(&format!("\nid: {id}\n"), &format!("\nid: {new}\n"), 1),
        )
        .unwrap();
    }
    t
}

#[test]
fn two_reports_at_once_into_one_folder_leave_it_whole() {
    let t = many_funds(60);
    let dir = t.path();
    // A light report (the run's size is not what is tested): fewer samples, one backtest run.
    let spawn = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_swfscore"))
            .args(["report", "--samples", "2000", "--backtest-runs", "1"])
            .current_dir(dir)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let (mut a, mut b) = (spawn(), spawn());
    assert!(a.wait().unwrap().success() && b.wait().unwrap().success(), "both runs succeed");
    assert_eq!(
        swfscore(dir, &["report", "--check", "--samples", "2000", "--backtest-runs", "1"]).code,
        0,
        "the folder holds one consistent report"
    );
    let left = std::fs::read_dir(dir.join("reports"))
        .unwrap()
        .flatten()
        .filter(|e| staging_name(&e.file_name().to_string_lossy()))
        .count();
    assert_eq!(left, 0);
}

#[test]
fn output_writes_through_devices_and_follows_symlinks() {
    let t = mini();
    // A symlink to a file: the target is replaced, the link stays a link.
    std::fs::write(t.path().join("real.md"), "old").unwrap();
    std::os::unix::fs::symlink("real.md", t.path().join("link.md")).unwrap();
    assert_eq!(swfscore(t.path(), &["score", "--format", "markdown", "-o", "link.md"]).code, 0);
    assert!(std::fs::symlink_metadata(t.path().join("link.md")).unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(t.path().join("real.md")).unwrap().contains("Alpha"));
    // A character device is written through, not replaced.
    assert_eq!(swfscore(t.path(), &["score", "-o", "/dev/null"]).code, 0);
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device_like());
}

trait CharDevice {
    fn is_char_device_like(&self) -> bool;
}

impl CharDevice for std::fs::FileType {
    fn is_char_device_like(&self) -> bool {
        use std::os::unix::fs::FileTypeExt;
        self.is_char_device()
    }
}

#[test]
fn a_full_disk_on_stdout_or_stderr_is_not_a_panic() {
    for (args, redirect) in [
        ("validate --coverage --review", ">/dev/full"),
        ("score --format json", ">/dev/full"),
        ("explain nobody", "2>/dev/full"),
        ("validate --strict", "2>/dev/full"),
        ("report --check", "2>/dev/full >/dev/full"),
    ] {
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!("{} {args} {redirect}", env!("CARGO_BIN_EXE_swfscore")))
            .current_dir(repo())
            .output()
            .unwrap();
        let code = out.status.code();
        assert!(matches!(code, Some(0..=2)), "{args} {redirect}: exit {code:?}");
    }
}

#[test]
fn a_killed_robustness_run_leaves_the_previous_output_whole() {
    let t = mini();
    let dir = t.path();
    let args = ["robustness", "--samples", "200", "--format", "json", "-o", "out.json"];
    assert_eq!(swfscore(dir, &args).code, 0);
    let old = std::fs::read(dir.join("out.json")).unwrap();
    for delay_ms in [20u64, 100, 400] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_swfscore"))
            .args([
                "robustness",
                "--samples",
                "3000000",
                "--sobol",
                "--seed",
                "9",
                "--format",
                "json",
                "-o",
                "out.json",
            ])
            .current_dir(dir)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(
            std::fs::read(dir.join("out.json")).unwrap(),
            old,
            "the old output is untouched after a kill at {delay_ms} ms"
        );
        let temps = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .filter(|e| staging_name(&e.file_name().to_string_lossy()))
            .count();
        assert_eq!(temps, 0, "nothing staged before the run finished computing");
    }
}

#[test]
fn a_report_that_cannot_write_one_file_writes_none() {
    let t = data_copy();
    let out = t.path().join("out");
    // A folder where the Chinese Markdown report should go: that one file cannot be written.
    std::fs::create_dir_all(out.join("transparency.zh-Hant.md")).unwrap();
    // A light run: what is tested is the writing.
    let r = swfscore(t.path(), &["report", "--out", "out", "--samples", "1000", "--backtest-runs", "0"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("cannot write out/transparency.zh-Hant.md"), "{}", r.stderr);
    let left: Vec<String> =
        std::fs::read_dir(&out).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(left, ["transparency.zh-Hant.md"], "the other files, written in parallel, were removed");
}

#[test]
fn loading_scoring_and_reports_give_the_same_bytes_on_one_thread_or_eight() {
    let t = many_funds(60);
    let dir = t.path();
    let mut stems: Vec<String> = std::fs::read_dir(dir.join("funds"))
        .unwrap()
        .flatten()
        .map(|e| e.path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    stems.sort();
    for args in [&["score", "--format", "json"][..], &["history", &stems[3], &stems[40], "--format", "csv"]] {
        let one = with_threads(dir, "1", args);
        assert_eq!(one.code, 0, "{}", one.stderr);
        assert_eq!(one, with_threads(dir, "8", args), "{args:?}");
    }
    assert_eq!(
        with_threads(dir, "1", &["report", "--out", "one", "--samples", "2000", "--backtest-runs", "1"]).code,
        0
    );
    assert_eq!(
        with_threads(dir, "8", &["report", "--out", "eight", "--samples", "2000", "--backtest-runs", "1"]).code,
        0
    );
    for f in ["transparency.md", "transparency.html", "transparency.zh-Hant.md", "transparency.zh-Hant.html"] {
        let one = std::fs::read(dir.join("one").join(f)).unwrap();
        assert!(one == std::fs::read(dir.join("eight").join(f)).unwrap(), "{f} differs between 1 and 8 threads");
    }
    // Problems in many files are listed in file order whatever the number of threads.
    let broken: Vec<&str> = [5, 17, 33, 48, 70].iter().map(|&i| stems[i].as_str()).collect();
    for b in &broken {
        replace_block(&dir.join(format!("funds/{b}.yaml")), "holdings_list", "    level: fully\n");
    }
    let one = with_threads(dir, "1", &["validate"]);
    assert_eq!(one.code, 1, "validate fails its check:\n{}", one.stderr);
    assert_eq!(one, with_threads(dir, "8", &["validate"]));
    let at: Vec<usize> = broken
        .iter()
        .map(|b| one.stderr.find(&format!("funds/{b}.yaml")).unwrap_or_else(|| panic!("{b}:\n{}", one.stderr)))
        .collect();
    assert!(at.is_sorted(), "diagnostics in file order:\n{}", one.stderr);
}

/// Replacing an output keeps what the user set on it: its mode, its other hard-linked names,
/// a symlink that does not point anywhere yet; a read-only file is refused, untouched; a
/// name as long as the file system allows is written; a killed run's leftovers are cleared
/// by the next write, whatever the command.
#[test]
fn writes_keep_the_target_s_mode_links_and_protection() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let t = mini();
    let dir = t.path();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;

    // A private file stays private.
    let private = dir.join("private.csv");
    std::fs::write(&private, "old").unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(swfscore(dir, &["score", "-o", "private.csv"]).code, 0);
    assert_eq!(mode(&private), 0o600, "the mode is kept");
    assert!(std::fs::read_to_string(&private).unwrap().starts_with("rank,"), "and the file replaced");

    // A read-only file is refused and left as it was.
    let locked = dir.join("locked.csv");
    std::fs::write(&locked, "keep me").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).unwrap();
    let r = swfscore(dir, &["score", "-o", "locked.csv"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("read-only"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&locked).unwrap(), "keep me");

    // Every name of a hard-linked file sees the new content.
    std::fs::write(dir.join("a.csv"), "old").unwrap();
    std::fs::hard_link(dir.join("a.csv"), dir.join("b.csv")).unwrap();
    assert_eq!(swfscore(dir, &["score", "-o", "a.csv"]).code, 0);
    assert_eq!(std::fs::metadata(dir.join("a.csv")).unwrap().nlink(), 2, "the link is kept");
    assert_eq!(std::fs::read(dir.join("a.csv")).unwrap(), std::fs::read(dir.join("b.csv")).unwrap());

    // A dangling symlink: the file it names is created, the link kept.
    std::os::unix::fs::symlink("made.csv", dir.join("pending.csv")).unwrap();
    assert_eq!(swfscore(dir, &["score", "-o", "pending.csv"]).code, 0);
    assert!(std::fs::symlink_metadata(dir.join("pending.csv")).unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(dir.join("made.csv")).unwrap().starts_with("rank,"));

    // The longest name the file system accepts (255 bytes) is written.
    let long = format!("{}.csv", "x".repeat(251));
    let r = swfscore(dir, &["score", "-o", &long]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(dir.join(&long).is_file());

    // A killed run's temporary file (its process gone) is removed by the next write; a file
    // of a running process, and anything that is not a plain file, is left alone.
    let gone = dir.join(".swfscore-999999999-AbCdEf.tmp");
    std::fs::write(&gone, "partial").unwrap();
    let mine = dir.join(format!(".swfscore-{}-AbCdEf.tmp", std::process::id()));
    std::fs::write(&mine, "running").unwrap();
    let old_form = dir.join(".x.csv.999999999.swfscore-tmp");
    std::fs::write(&old_form, "partial").unwrap();
    assert_eq!(swfscore(dir, &["score", "--format", "json", "-o", "new.json"]).code, 0);
    assert!(!gone.exists() && !old_form.exists(), "a dead run's leftovers are cleared");
    assert!(mine.exists(), "a live process's file is not touched");
    let left: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| staging_name(n) && n != mine.file_name().unwrap().to_str().unwrap())
        .collect();
    assert!(left.is_empty(), "nothing staged is left: {left:?}");
}

/// A control character in the data or on the command line reaches the terminal written out
/// (`\e`), never raw: in tables, Markdown, error messages and diagnostics; colour stays the
/// renderer's own.
#[test]
fn control_characters_from_the_data_are_written_out() {
    let t = mini();
    let dir = t.path();
    edit(&dir.join("funds/alpha.yaml"), "short_name: Alpha\n", "short_name: \"\\e[31mEVIL\\e]0;PWNED\\a\"\n");
    for format in ["table", "markdown"] {
        let r = swfscore(dir, &["score", "--format", format]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(!r.stdout.contains('\u{1b}') && !r.stdout.contains('\u{7}'), "{format}: raw control characters");
        assert!(r.stdout.contains("\\e[31mEVIL\\e]0;PWNED\\u{7}"), "{format}: written out:\n{}", r.stdout);
    }
    // Colour on: the renderer's codes stay, the data's are written out.
    let r = swfscore(dir, &["score", "--color", "always"]);
    assert!(r.stdout.contains("\u{1b}[1m") && r.stdout.contains("\\e]0;PWNED"), "{}", r.stdout);
    assert!(!r.stdout.contains("\u{1b}]"), "no escape sequence but colour: {}", r.stdout);
    // JSON keeps the value exactly (escaped as JSON does).
    let j = swfscore(dir, &["score", "--format", "json"]);
    assert!(j.stdout.contains("\\u001b[31mEVIL"), "{}", j.stdout);
    // An error quoting a name given on the command line.
    let e = swfscore(dir, &["explain", "\u{1b}]0;PWNED\u{7}"]);
    assert_eq!(e.code, 2);
    assert!(!e.stderr.contains('\u{1b}') && e.stderr.contains("\\e]0;PWNED\\u{7}"), "{}", e.stderr);
    // A diagnostic quoting a bad value from a file.
    edit(&dir.join("funds/alpha.yaml"), "id: alpha", "id: \"alpha\\e[2J\"");
    let v = swfscore(dir, &["validate"]);
    assert_eq!(v.code, 1);
    assert!(!v.stderr.contains('\u{1b}') && v.stderr.contains("\\e[2J"), "{}", v.stderr);
}

/// `robustness` refuses what it cannot do sensibly, each with its own message: a Sobol run too
/// small to give an index, or so large that its model runs (N × (d + 2)) pass the cap, and a
/// negative weight noise (said in swfscore's words, not taken for an option).
#[test]
fn robustness_refuses_sobol_runs_too_small_or_too_large_and_negative_noise() {
    let t = mini();
    for (args, want) in [
        (&["robustness", "--sobol", "--samples", "1"][..], "with --sobol: give 100 to 1250000"),
        (&["robustness", "--sobol", "--samples", "10000000"][..], "at most 10000000 runs"),
        (&["robustness", "--weight-noise", "-1"][..], "'-1' for '--weight-noise <F>': give a number in [0, 1)"),
    ] {
        let r = swfscore(t.path(), args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(want), "{args:?}: {}", r.stderr);
    }
    assert_eq!(swfscore(t.path(), &["robustness", "--sobol", "--samples", "100"]).code, 0);
}

/// `swfscore batch --panel FILE -o out.csv` in `dir` under a 1 GB address-space limit: a
/// reader that took the file whole (a 20 MB sparse file once took 1.9 GB) fails here.
fn bounded_batch(dir: &Path, panel: &str, env: &[(&str, &str)]) -> Run {
    let bin = env!("CARGO_BIN_EXE_swfscore");
    let mut c = std::process::Command::new("sh");
    c.arg("-c")
        .arg(format!("ulimit -v 1000000; exec '{bin}' batch --dir '{}' --panel \"$1\" -o out.csv", repo().display()))
        .arg("sh")
        .arg(panel)
        .current_dir(dir)
        .env("NO_COLOR", "1");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn hostile_panels_are_refused_at_their_line_in_bounded_memory() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let head = "fund,year,disclosure,level\n";
    let rows = |n: usize, sep: &str| -> String {
        (0..n).map(|i| format!("f{},{},annual_report,full", i % 50, 2000 + i % 20)).collect::<Vec<_>>().join(sep)
    };
    // A sparse file: NUL bytes, no lines.
    std::fs::File::create(d.join("sparse.csv")).unwrap().set_len(20 << 20).unwrap();
    // 2 MB with no newline, and 2 MB with CR-only line endings (old Excel).
    std::fs::write(d.join("no_newline.csv"), "a".repeat(2 << 20)).unwrap();
    std::fs::write(d.join("cr_only.csv"), format!("fund,year,disclosure,level\r{}", rows(60_000, "\r"))).unwrap();
    // A stray quote in an ignored column, deep in the file.
    let mut stray: Vec<String> =
        (0..100_000).map(|i| format!("f{},{},annual_report,full,x", i % 50, 1900 + i % 300)).collect();
    stray[70_000] = "f1,2001,annual_report,full,5\" floppy".into();
    std::fs::write(d.join("stray.csv"), format!("fund,year,disclosure,level,note\n{}\n", stray.join("\n"))).unwrap();
    std::fs::write(
        d.join("latin1.csv"),
        [head.as_bytes(), b"f1,2020,annual_report,full\nf\xe9,2020,annual_report,full\n"].concat(),
    )
    .unwrap();
    std::fs::write(d.join("ragged.csv"), format!("{head}f1,2020,annual_report,full\nf2,2020,annual_report,full,x,y\n"))
        .unwrap();
    std::fs::write(d.join("twice.csv"), "fund,year,disclosure,level,year\nf1,2020,annual_report,full,2021\n").unwrap();
    std::fs::write(d.join("long_value.csv"), format!("{head}{},2020,annual_report,full\n", "x".repeat(10_000)))
        .unwrap();
    std::fs::write(d.join("long_line.csv"), format!("{head}f1,2020,annual_report,full,{}\n", "y".repeat(2 << 20)))
        .unwrap();
    std::fs::write(d.join("ok.csv"), format!("{head}{}\n", rows(10, "\n"))).unwrap();
    type Env<'a> = &'a [(&'a str, &'a str)];
    let cases: &[(&str, &str, Env)] = &[
        ("sparse.csv", "line 1: a NUL byte at column 1: this is not a text CSV file", &[]),
        ("no_newline.csv", "line 1: no line end within 1048576 bytes (SWFSCORE_MAX_LINE_BYTES raises the limit)", &[]),
        ("cr_only.csv", "line 1: the lines end with CR alone", &[]),
        ("stray.csv", "line 70002: a `\"` inside an unquoted field, at column 29", &[]),
        ("latin1.csv", "line 3: not UTF-8: byte 0xE9 at column 2", &[]),
        ("ragged.csv", "line 3: 6 field(s), where the header has 4", &[]),
        ("twice.csv", "the header names column `year` twice (columns 2 and 5)", &[]),
        (
            "long_value.csv",
            "1 row(s) are longer than 4096 bytes (SWFSCORE_MAX_FIELD_BYTES raises the limit):\n    line 2: `xxxx",
            &[],
        ),
        ("long_line.csv", "line 2: the line is longer than 1048576 bytes", &[]),
        // Limits are raisable: a smaller one refuses a line the default accepts.
        ("ragged.csv", "line 3: the line is longer than 28 bytes", &[("SWFSCORE_MAX_LINE_BYTES", "28")]),
        ("ok.csv", "are longer than 2 bytes", &[("SWFSCORE_MAX_FIELD_BYTES", "2")]),
    ];
    for (file, expected, env) in cases {
        let r = bounded_batch(d, file, env);
        assert_eq!(r.code, 2, "{file}: {}", r.stderr);
        assert!(r.stderr.contains(expected), "{file}: expected {expected:?} in:\n{}", r.stderr);
        assert!(r.stderr.contains("help:") || r.stderr.contains("row(s)"), "{file}: {}", r.stderr);
        assert!(r.stderr.len() < 2000, "{file}: the message quotes the input whole: {} bytes", r.stderr.len());
        assert!(!d.join("out.csv").exists(), "{file}: an output was written");
    }
    // The same panel with CRLF endings and a byte order mark is read.
    std::fs::write(d.join("crlf.csv"), format!("\u{feff}fund,year,disclosure,level\r\n{}\r\n", rows(100, "\r\n")))
        .unwrap();
    let r = bounded_batch(d, "crlf.csv", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::remove_file(d.join("out.csv")).unwrap();
}

#[test]
fn parquet_columns_of_the_wrong_type_are_named_with_their_type() {
    let fixtures = repo().join("tests/fixtures/panels");
    let t = tempfile::tempdir().unwrap();
    for (file, expected) in [
        ("year_int16.parquet", "column `year` has type Int16"),
        ("year_decimal.parquet", "column `year` has type decimal(10, 0)"),
        ("year_date.parquet", "column `year` has type date"),
        ("fund_struct.parquet", "column `fund` has type struct; expected text"),
        ("level_list.parquet", "column `level` has type list; expected text"),
        (
            "year_uint64_overflow.parquet",
            "are outside the years a panel may hold (1800 to 2200):\n    row 3: `18446744073709551615`",
        ),
    ] {
        let r = bounded_batch(t.path(), fixtures.join(file).to_str().unwrap(), &[]);
        assert_eq!(r.code, 2, "{file}: {}", r.stderr);
        assert!(r.stderr.contains(expected), "{file}: expected {expected:?} in:\n{}", r.stderr);
        assert!(!r.stderr.contains("polars") && !r.stderr.contains("panicked"), "{file}: {}", r.stderr);
    }
    // A damaged file that panics polars' decoder (found by the panel_parquet fuzz target).
    let damaged = t.path().join("damaged.parquet");
    std::fs::copy(repo().join("fuzz/regressions/panel_parquet/thrift_metadata_panic.bin"), &damaged).unwrap();
    let r = bounded_batch(t.path(), damaged.to_str().unwrap(), &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("the file could not be decoded"), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "the decoder's panic is not shown: {}", r.stderr);
    // Whole years as floating-point numbers are read.
    let r = bounded_batch(t.path(), fixtures.join("year_float.parquet").to_str().unwrap(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_panel_is_read_from_a_pipe_or_standard_input() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let r = swfscore(&repo(), &["panel", "-o", d.join("p.csv").to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = swfscore(d, &["batch", "--dir", repo().to_str().unwrap(), "--panel", "p.csv", "-o", "file.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let expected = std::fs::read(d.join("file.csv")).unwrap();
    let bin = env!("CARGO_BIN_EXE_swfscore");
    let repo = repo();
    let repo = repo.to_str().unwrap();
    // Standard input as `-` and as /dev/stdin; a FIFO; a shell's <(…).
    let runs = [
        format!("'{bin}' batch --dir '{repo}' --panel - -o out.csv < p.csv"),
        format!("cat p.csv | '{bin}' batch --dir '{repo}' --panel /dev/stdin -o out.csv"),
        format!(
            "rm -f fifo.csv && mkfifo fifo.csv && (cat p.csv > fifo.csv &) && '{bin}' batch --dir '{repo}' --panel fifo.csv -o out.csv"
        ),
    ];
    for script in &runs {
        let out = std::process::Command::new("sh").arg("-c").arg(script).current_dir(d).output().unwrap();
        assert!(out.status.success(), "{script}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(std::fs::read(d.join("out.csv")).unwrap(), expected, "{script}");
        std::fs::remove_file(d.join("out.csv")).unwrap();
    }
    // An empty stream is an empty panel; a Parquet file in a pipe is refused as such.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("'{bin}' batch --dir '{repo}' --panel - -o out.csv < /dev/null; echo \"exit $?\" >&2; rm -f f.parquet; mkfifo f.parquet; '{bin}' batch --dir '{repo}' --panel f.parquet -o out.csv"))
        .current_dir(d)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("-: the panel has no rows") && err.contains("exit 2"), "{err}");
    assert!(err.contains("f.parquet: is a pipe or a device, and a Parquet file is read from its end"), "{err}");
    assert_eq!(out.status.code(), Some(2));
    assert!(!d.join("out.csv").exists());
}
