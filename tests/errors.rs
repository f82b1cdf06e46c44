//! Every kind of bad input: exit 2 (1 from `validate`), a message naming the file and line,
//! and no output file.

use crate::snap;
use crate::util::*;

struct Case {
    name: &'static str,
    file: &'static str,
    from: &'static str,
    to: &'static str,
    /// The text the message must contain, e.g. `funds/alpha.yaml:7:`.
    at: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "evidence_after_assessed",
        file: "funds/alpha.yaml",
        from: "date: 2025-06-30 }",
        to: "date: 2026-02-01 }",
        at: "funds/alpha.yaml:16:88: evidence `Alpha Annual Report 2025` is dated 2026-02-01, after the assessment (2026-01-15)",
    },
    Case {
        name: "known_since_before_established",
        file: "funds/beta.yaml",
        from: "since: 2020",
        to: "known_since: 2012",
        at: "funds/beta.yaml:18:18: `known_since: 2012` is outside the fund's life (2015 to 2026)",
    },
    Case {
        name: "since_and_known_since",
        file: "funds/beta.yaml",
        from: "since: 2016",
        to: "since: 2016\n    known_since: 2017",
        at: "funds/beta.yaml:24:18: `audited_financial_statements` has both `since` and `known_since`",
    },
    Case {
        name: "yaml_syntax",
        file: "funds/alpha.yaml",
        from: "name: Alpha Fund",
        to: "name: \"Alpha Fund",
        at: "funds/alpha.yaml:16:51: invalid trailing content after double-quoted scalar",
    },
    Case {
        name: "unknown_key",
        file: "rubric.yaml",
        from: "scale: 100\n",
        to: "scale: 100\nscael: 10\n",
        at: "rubric.yaml:6:1: unknown key `scael` (did you mean `scale`?)",
    },
    Case {
        name: "wrong_type",
        file: "funds/alpha.yaml",
        from: "established: 2000",
        to: "established: two thousand",
        at: "funds/alpha.yaml:6:14: wrong type",
    },
    Case {
        name: "duplicate_key",
        file: "funds/beta.yaml",
        from: "jurisdiction: Betania\n",
        to: "jurisdiction: Betania\njurisdiction: Elsewhere\n",
        at: "funds/beta.yaml:6:1: duplicate key `jurisdiction`",
    },
    Case {
        name: "duplicate_disclosure_id",
        file: "disclosures.yaml",
        from: "  - id: audited_financial_statements",
        to: "  - id: fund_size\n    title: Again\n    description: d\n    full: f\n    partial: p\n  - id: audited_financial_statements",
        at: "disclosures.yaml:20:9: duplicate disclosure id `fund_size` (first defined at line 9)",
    },
    Case {
        name: "duplicate_category_id",
        file: "rubric.yaml",
        from: "  - id: portfolio",
        to: "  - id: reporting",
        at: "rubric.yaml:19:9: duplicate category id `reporting` (first defined at line 9)",
    },
    Case {
        name: "duplicate_item_id",
        file: "rubric.yaml",
        from: "- id: holdings_and_audit",
        to: "- id: fund_size",
        at: "rubric.yaml:23:13: duplicate item id `fund_size` (first defined at line 16)",
    },
    Case {
        name: "id_not_file_stem",
        file: "funds/gamma.yaml",
        from: "id: gamma",
        to: "id: gama",
        at: "funds/gamma.yaml:2:5: fund id `gama` does not match the file name `gamma`",
    },
    Case {
        name: "unknown_disclosure",
        file: "funds/alpha.yaml",
        from: "  fund_size:",
        to: "  fund_sise:",
        at: "funds/alpha.yaml:17:3: unknown disclosure `fund_sise` (did you mean `fund_size`?)",
    },
    Case {
        name: "bad_level",
        file: "funds/alpha.yaml",
        from: "level: partial\n    note",
        to: "level: partal\n    note",
        at: "funds/alpha.yaml:18:12: invalid value `partal` (did you mean `partial`?",
    },
    Case {
        name: "disclosed_without_evidence",
        file: "funds/beta.yaml",
        from: "    level: full\n    evidence:\n      - { source: Beta Accounts, url: \"https://beta.example/a\", date: 2025-12-31 }\n  holdings_list",
        to: "    level: full\n  holdings_list",
        at: "funds/beta.yaml:13:12: `fund_size` is `full` without evidence",
    },
    Case {
        name: "evidence_without_source",
        file: "funds/alpha.yaml",
        from: "source: Alpha Review, ",
        to: "",
        at: "funds/alpha.yaml:21:48: missing key `source`",
    },
    Case {
        name: "malformed_date",
        file: "funds/alpha.yaml",
        from: "date: 2025-06-30",
        to: "date: 2025-06-31",
        at: "funds/alpha.yaml:16:88: malformed date `2025-06-31`",
    },
    Case {
        name: "malformed_assessed",
        file: "funds/gamma.yaml",
        from: "assessed: 2026-01-15",
        to: "assessed: 15/01/2026",
        at: "funds/gamma.yaml:7:11: malformed assessment date `15/01/2026`",
    },
    Case {
        name: "since_before_established",
        file: "funds/beta.yaml",
        from: "since: 2020",
        to: "since: 2010",
        at: "funds/beta.yaml:18:12: `since: 2010` is outside the fund's life (2015 to 2026)",
    },
    Case {
        name: "history_after_assessed",
        file: "funds/alpha.yaml",
        from: "from: 2005",
        to: "from: 2030",
        at: "funds/alpha.yaml:14:17: history year 2030 is outside the fund's life",
    },
    Case {
        name: "history_out_of_order",
        file: "funds/alpha.yaml",
        from: "since: 2010",
        to: "since: 2004",
        at: "funds/alpha.yaml:14:17: history out of order at 2005",
    },
    Case {
        name: "unknown_rubric_disclosure",
        file: "rubric.yaml",
        from: "all_of: [holdings_list,",
        to: "all_of: [holding_list,",
        at: "rubric.yaml:26:18: item `holdings_and_audit` refers to unknown disclosure `holding_list` (did you mean `holdings_list`?)",
    },
    Case {
        name: "category_without_items",
        file: "rubric.yaml",
        from: "profiles:",
        to: "  - id: empty\n    title: Empty\n    weight: 1\nprofiles:",
        at: "rubric.yaml:27:5: category `empty` has no items",
    },
    Case {
        name: "weight_not_positive",
        file: "rubric.yaml",
        from: "weight: 3",
        to: "weight: -3",
        at: "rubric.yaml:11:13: category weight -3 must be a finite number greater than 0",
    },
    Case {
        name: "weight_not_finite",
        file: "rubric.yaml",
        from: "        weight: 2",
        to: "        weight: .nan",
        at: "rubric.yaml:15:17: item weight NaN must be a finite number greater than 0",
    },
    Case {
        name: "credit_out_of_range",
        file: "rubric.yaml",
        from: "partial: 0.5",
        to: "partial: 1.5",
        at: "rubric.yaml:7:9: credit for `partial` is 1.5, outside [0, 1]",
    },
    Case {
        name: "scale_not_positive",
        file: "rubric.yaml",
        from: "scale: 100",
        to: "scale: 0",
        at: "rubric.yaml:5:8: scale 0 must be a finite number greater than 0",
    },
];

#[test]
fn every_broken_input_fails_with_its_location_and_writes_nothing() {
    let mut failures = Vec::new();
    for case in CASES {
        let t = mini();
        edit(&t.path().join(case.file), case.from, case.to);
        let score = swfscore(t.path(), &["score", "--format", "markdown", "--output", "out.md"]);
        if score.code != 2 || !score.stderr.contains(case.at) || t.path().join("out.md").exists() {
            failures.push(format!("{}: score exit {} stderr:\n{}", case.name, score.code, score.stderr));
        }
        let validate = swfscore(t.path(), &["validate"]);
        if validate.code != 1 || !validate.stderr.contains(case.at) {
            failures.push(format!("{}: validate exit {} stderr:\n{}", case.name, validate.code, validate.stderr));
        }
        snap!(format!("error_{}", case.name), validate.stderr);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

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
    assert_eq!((r.code, r.stderr.as_str()), (2, "swfscore: unknown fund `alpah` (did you mean `alpha`?)\n"));
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
