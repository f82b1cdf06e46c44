//! The README's examples are real: every `$ swfscore ...` line in a ```console block, and
//! every `<!-- swfscore ... -->` region, is run and must match the program's output.
//! `UPDATE_README=1 cargo test readme` rewrites them from the program.

use crate::util::*;

/// One example: the command and the text the README shows for it.
struct Example {
    args: String,
    /// Byte range of the shown output in the README.
    range: std::ops::Range<usize>,
    /// The README shows only the beginning (it ends with a `...` line).
    prefix: bool,
}

fn examples(readme: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut pos = 0;
    let lines: Vec<&str> = readme.split_inclusive('\n').collect();
    let mut i = 0;
    let mut offsets = Vec::new();
    for l in &lines {
        offsets.push(pos);
        pos += l.len();
    }
    offsets.push(pos);
    while i < lines.len() {
        let line = lines[i].trim_end();
        if let Some(args) = line.strip_prefix("<!-- swfscore ").and_then(|r| r.strip_suffix(" -->")) {
            let start = i + 1;
            let mut end = start;
            while end < lines.len() && lines[end].trim_end() != "<!-- /swfscore -->" {
                end += 1;
            }
            out.push(Example { args: args.to_string(), range: offsets[start]..offsets[end], prefix: false });
            i = end + 1;
            continue;
        }
        if line.starts_with("```console") {
            let mut j = i + 1;
            while j < lines.len() && !lines[j].starts_with("```") {
                if let Some(args) = lines[j].trim_end().strip_prefix("$ swfscore ") {
                    let start = j + 1;
                    let mut end = start;
                    while end < lines.len() && !lines[end].starts_with("$ ") && !lines[end].starts_with("```") {
                        end += 1;
                    }
                    let prefix = end > start && lines[end - 1].trim_end() == "...";
                    out.push(Example {
                        args: args.to_string(),
                        range: offsets[start]..offsets[if prefix { end - 1 } else { end }],
                        prefix,
                    });
                    j = end;
                } else {
                    j += 1;
                }
            }
            i = j + 1;
            continue;
        }
        i += 1;
    }
    out
}

#[test]
fn readme_examples_match_the_program() {
    let path = repo().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let found = examples(&readme);
    assert!(found.len() >= 5, "the README shows at least five examples");
    let update = std::env::var_os("UPDATE_README").is_some();
    let mut rewritten = readme.clone();
    let mut failures = Vec::new();
    for ex in found.iter().rev() {
        // Words as a shell splits them here: on spaces, with '…' quoting one word.
        let args: Vec<&str> = ex.args.split_whitespace().map(|a| a.trim_matches('\'')).collect();
        let r = swfscore(&repo(), &args);
        assert_eq!(r.code, 0, "`swfscore {}` failed: {}", ex.args, r.stderr);
        let shown = &readme[ex.range.clone()];
        let actual =
            if ex.prefix { r.stdout.get(..shown.len()).unwrap_or(&r.stdout).to_string() } else { r.stdout.clone() };
        if shown != actual {
            if update {
                let replacement = if ex.prefix {
                    let n = shown.lines().count();
                    r.stdout.split_inclusive('\n').take(n).collect::<String>()
                } else {
                    r.stdout.clone()
                };
                rewritten.replace_range(ex.range.clone(), &replacement);
            } else {
                failures.push(format!("`swfscore {}`", ex.args));
            }
        }
    }
    if update && rewritten != readme {
        std::fs::write(&path, rewritten).unwrap();
    }
    assert!(
        failures.is_empty(),
        "README examples out of date (run UPDATE_README=1 cargo test readme): {}",
        failures.join(", ")
    );
}
