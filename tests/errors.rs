//! Every kind of bad input: exit 2 (1 from `validate`), a message naming the file and line,
//! and no output file.

use crate::snap;
use crate::util::*;

/// One broken input: edit `file` in a copy of the fixture (`from` → `to`); `score` must exit
/// 2 with the message located at `at` and write nothing, `validate` must exit 1 with it, and
/// the message is snapshotted with a description of the edit.
#[track_caller]
fn broken_case(name: &str, file: &str, from: &str, to: &str, at: &str) {
    let t = mini();
    edit(&t.path().join(file), from, to);
    let score = swfscore(t.path(), &["score", "--format", "markdown", "--output", "out.md"]);
    assert_eq!(score.code, 2, "score: {}", score.stderr);
    assert!(score.stderr.contains(at), "score stderr lacks {at:?}:\n{}", score.stderr);
    assert!(!t.path().join("out.md").exists(), "score wrote a file");
    let validate = swfscore(t.path(), &["validate"]);
    assert_eq!(validate.code, 1, "validate: {}", validate.stderr);
    assert!(validate.stderr.contains(at), "validate stderr lacks {at:?}:\n{}", validate.stderr);
    let mut settings = crate::util::settings();
    settings.set_description(format!("`swfscore validate` on the mini fixture with {file} edited: {from:?} -> {to:?}"));
    settings.bind(|| insta::assert_snapshot!(format!("error_{name}"), validate.stderr));
}

macro_rules! broken {
    ($name:ident, $file:expr, $from:expr, $to:expr, $at:expr) => {
        #[test]
        fn $name() {
            broken_case(stringify!($name), $file, $from, $to, $at);
        }
    };
}

broken!(
    evidence_after_assessed,
    "funds/alpha.yaml",
    "date: 2025-06-30 }",
    "date: 2026-02-01 }",
    "funds/alpha.yaml:16:88: evidence `Alpha Annual Report 2025` is dated 2026-02-01, after the assessment (2026-01-15)"
);
broken!(
    known_since_before_established,
    "funds/beta.yaml",
    "since: 2020",
    "known_since: 2012",
    "funds/beta.yaml:18:18: `known_since: 2012` is outside the fund's life (2015 to 2026)"
);
broken!(
    evidence_before_known_since,
    "funds/alpha.yaml",
    "note: Only \"over 100 billion\".",
    "known_since: 2026\n    note: Only \"over 100 billion\".",
    "funds/alpha.yaml:22:76: `fund_size` is `partial` from 2026 (`known_since`), but its own evidence `Alpha Review` is dated 2025-06"
);
broken!(
    history_holds_the_current_level,
    "funds/alpha.yaml",
    "{ from: 2005, level: partial, note: Summaries only. }",
    "{ from: 2005, level: full, note: Summaries only. }",
    "funds/alpha.yaml:14:17: `annual_report` has a history entry from 2005 that already holds `full`, before `since: 2010`"
);
broken!(
    since_and_known_since,
    "funds/beta.yaml",
    "since: 2016",
    "since: 2016\n    known_since: 2017",
    "funds/beta.yaml:24:18: `audited_financial_statements` has both `since` and `known_since`"
);
broken!(
    yaml_syntax,
    "funds/alpha.yaml",
    "name: Alpha Fund",
    "name: \"Alpha Fund",
    "funds/alpha.yaml:16:51: invalid trailing content after double-quoted scalar"
);
broken!(
    unknown_key,
    "rubric.yaml",
    "scale: 100\n",
    "scale: 100\nscael: 10\n",
    "rubric.yaml:6:1: unknown key `scael` (did you mean `scale`?)"
);
broken!(
    wrong_type,
    "funds/alpha.yaml",
    "established: 2000",
    "established: two thousand",
    "funds/alpha.yaml:6:14: wrong type"
);
broken!(
    duplicate_key,
    "funds/beta.yaml",
    "jurisdiction: Betania\n",
    "jurisdiction: Betania\njurisdiction: Elsewhere\n",
    "funds/beta.yaml:6:1: duplicate key `jurisdiction`"
);
broken!(
    duplicate_disclosure_id,
    "disclosures.yaml",
    "  - id: audited_financial_statements",
    "  - id: fund_size\n    title: Again\n    description: d\n    full: f\n    partial: p\n  - id: audited_financial_statements",
    "disclosures.yaml:20:9: duplicate disclosure id `fund_size` (first defined at line 9)"
);
broken!(
    duplicate_category_id,
    "rubric.yaml",
    "  - id: portfolio",
    "  - id: reporting",
    "rubric.yaml:19:9: duplicate category id `reporting` (first defined at line 9)"
);
broken!(
    duplicate_item_id,
    "rubric.yaml",
    "- id: holdings_and_audit",
    "- id: fund_size",
    "rubric.yaml:23:13: duplicate item id `fund_size` (first defined at line 16)"
);
broken!(
    id_not_file_stem,
    "funds/gamma.yaml",
    "id: gamma",
    "id: gama",
    "funds/gamma.yaml:2:5: fund id `gama` does not match the file name `gamma`"
);
broken!(
    unknown_disclosure,
    "funds/alpha.yaml",
    "  fund_size:",
    "  fund_sise:",
    "funds/alpha.yaml:17:3: unknown disclosure `fund_sise` (did you mean `fund_size`?)"
);
broken!(
    bad_level,
    "funds/alpha.yaml",
    "level: partial\n    note",
    "level: partal\n    note",
    "funds/alpha.yaml:18:12: invalid value `partal` (did you mean `partial`?"
);
broken!(
    disclosed_without_evidence,
    "funds/beta.yaml",
    "    level: full\n    evidence:\n      - { source: Beta Accounts, url: \"https://beta.example/a\", date: 2025-12-31 }\n  holdings_list",
    "    level: full\n  holdings_list",
    "funds/beta.yaml:13:12: `fund_size` is `full` without evidence"
);
broken!(
    evidence_without_source,
    "funds/alpha.yaml",
    "source: Alpha Review, ",
    "",
    "funds/alpha.yaml:21:48: missing key `source`"
);
broken!(
    malformed_date,
    "funds/alpha.yaml",
    "date: 2025-06-30",
    "date: 2025-06-31",
    "funds/alpha.yaml:16:88: malformed date `2025-06-31`"
);
broken!(
    malformed_assessed,
    "funds/gamma.yaml",
    "assessed: 2026-01-15",
    "assessed: 15/01/2026",
    "funds/gamma.yaml:7:11: malformed assessment date `15/01/2026`"
);
broken!(
    since_before_established,
    "funds/beta.yaml",
    "since: 2020",
    "since: 2010",
    "funds/beta.yaml:18:12: `since: 2010` is outside the fund's life (2015 to 2026)"
);
broken!(
    history_after_assessed,
    "funds/alpha.yaml",
    "from: 2005",
    "from: 2030",
    "funds/alpha.yaml:14:17: history year 2030 is outside the fund's life"
);
broken!(
    history_out_of_order,
    "funds/alpha.yaml",
    "since: 2010",
    "since: 2004",
    "funds/alpha.yaml:14:17: history out of order at 2005"
);
broken!(
    unknown_rubric_disclosure,
    "rubric.yaml",
    "all_of: [holdings_list,",
    "all_of: [holding_list,",
    "rubric.yaml:26:18: item `holdings_and_audit` refers to unknown disclosure `holding_list` (did you mean `holdings_list`?)"
);
broken!(
    category_without_items,
    "rubric.yaml",
    "profiles:",
    "  - id: empty\n    title: Empty\n    weight: 1\nprofiles:",
    "rubric.yaml:27:5: category `empty` has no items"
);
broken!(
    weight_not_positive,
    "rubric.yaml",
    "weight: 3",
    "weight: -3",
    "rubric.yaml:11:13: category weight -3 must be a finite number greater than 0"
);
broken!(
    weight_not_finite,
    "rubric.yaml",
    "        weight: 2",
    "        weight: .nan",
    "rubric.yaml:15:17: item weight NaN must be a finite number greater than 0"
);
broken!(
    credit_out_of_range,
    "rubric.yaml",
    "partial: 0.5",
    "partial: 1.5",
    "rubric.yaml:7:9: credit for `partial` is 1.5, outside [0, 1]"
);
broken!(
    scale_not_positive,
    "rubric.yaml",
    "scale: 100",
    "scale: 0",
    "rubric.yaml:5:8: scale 0 must be a finite number greater than 0"
);

#[test]
fn duplicate_fund_files_are_an_error() {
    let t = mini();
    std::fs::copy(t.path().join("funds/alpha.yaml"), t.path().join("funds/alpha.yml")).unwrap();
    let r = swfscore(t.path(), &["validate"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("error: funds/alpha.yml: duplicate fund id `alpha` (also defined by funds/alpha.yaml)"),
        "{}",
        r.stderr
    );
}

#[test]
fn every_problem_in_every_file_is_reported() {
    let t = mini();
    edit(&t.path().join("funds/alpha.yaml"), "  fund_size:", "  fund_sise:");
    edit(&t.path().join("funds/beta.yaml"), "since: 2020", "since: 2010");
    edit(&t.path().join("rubric.yaml"), "weight: 3", "weight: 0");
    let r = swfscore(t.path(), &["validate"]);
    assert_eq!(r.code, 1);
    for needle in ["funds/alpha.yaml:17:3", "funds/beta.yaml:18:12", "rubric.yaml:11:13"] {
        assert!(r.stderr.contains(needle), "{needle} missing from:\n{}", r.stderr);
    }
}

#[test]
fn warnings_pass_validate_and_fail_strict() {
    let t = mini();
    edit(&t.path().join("funds/alpha.yaml"), "url: \"https://alpha.example/review\", ", "");
    let r = swfscore(t.path(), &["validate"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("warning: funds/alpha.yaml:21:9: evidence `Alpha Review` has no URL"), "{}", r.stderr);
    let strict = swfscore(t.path(), &["validate", "--strict"]);
    assert_eq!(strict.code, 1);
    assert!(
        strict.stderr.contains("error: funds/alpha.yaml:21:9: evidence `Alpha Review` has no URL"),
        "{}",
        strict.stderr
    );
    // Scoring still runs, and says there are warnings.
    let s = swfscore(t.path(), &["score"]);
    assert_eq!(s.code, 0);
    assert!(s.stderr.contains("1 warning(s) in the inputs"), "{}", s.stderr);
}

#[test]
fn early_evidence_unknown_without_note_and_unassessed_are_warnings() {
    let t = mini();
    edit(&t.path().join("funds/alpha.yaml"), "date: 2025-06 }", "date: 1999-06 }");
    edit(&t.path().join("funds/gamma.yaml"), "    note: Not confirmed.\n  audited", "  audited");
    std::fs::write(
        t.path().join("funds/delta.yaml"),
        "id: delta\nname: Delta\njurisdiction: D\nestablished: 2001\nassessed: 2026-01-01\n",
    )
    .unwrap();
    let r = swfscore(t.path(), &["validate"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    snap!("warnings_early_unknown_unassessed", r.stderr);
}

#[test]
fn usage_errors_exit_2_with_a_suggestion() {
    let t = mini();
    let r = swfscore(t.path(), &["explain", "alpah"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (2, "swfscore: unknown fund `alpah` (did you mean `alpha`?); `swfscore funds` lists every fund\n")
    );
    let r = swfscore(t.path(), &["score", "--profile", "reporting_onyl"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("did you mean `reporting_only`?"), "{}", r.stderr);
    let r = swfscore(t.path(), &["score", "--format", "xml"]);
    assert_eq!(r.code, 2);
    let r = swfscore(t.path(), &["score", "--rubric", "nope.yaml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("nope.yaml: no such rubric file"), "{}", r.stderr);
    let r = swfscore(t.path(), &["--dir", "missing", "score"]);
    assert_eq!(r.code, 2);
}
