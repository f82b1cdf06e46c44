//! With no inputs on disk, the built-in copy of the repository's data is used.

use crate::util::*;

#[test]
fn empty_folder_uses_the_built_in_data_and_says_so() {
    let empty = tempfile::tempdir().unwrap();
    let builtin = swfscore(empty.path(), &["score", "--format", "json"]);
    assert_eq!(builtin.code, 0, "{}", builtin.stderr);
    assert!(
        builtin.stderr.contains("using the built-in copy of disclosures.yaml, rubric.yaml, funds/"),
        "{}",
        builtin.stderr
    );
    let on_disk = swfscore(&repo(), &["score", "--format", "json"]);
    assert_eq!(builtin.stdout, on_disk.stdout, "the built-in data is the repository's data");
}

#[test]
fn built_in_rubrics_by_name() {
    let empty = tempfile::tempdir().unwrap();
    for name in ["lmti", "truman", "santiago"] {
        let r = swfscore(empty.path(), &["score", "--rubric", name, "--format", "csv"]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let disk = swfscore(&repo(), &["score", "--rubric", &format!("rubrics/{name}.yaml"), "--format", "csv"]);
        assert_eq!(r.stdout, disk.stdout);
    }
}
