//! Every `$ swfscore ...` example in the README is run, and its output must match.

use crate::util::*;

#[test]
fn readme_examples_match_the_program() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let mut examples = 0;
    let mut in_block = false;
    let mut current: Option<(String, String)> = None;
    let mut blocks = Vec::new();
    for line in readme.lines() {
        if line.starts_with("```console") {
            in_block = true;
            continue;
        }
        if in_block && line.starts_with("```") {
            in_block = false;
            blocks.extend(current.take());
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ swfscore ") {
            blocks.extend(current.take());
            current = Some((cmd.to_string(), String::new()));
        } else if let Some((_, out)) = current.as_mut() {
            out.push_str(line);
            out.push('\n');
        }
    }
    for (cmd, expected) in blocks {
        let args: Vec<&str> = cmd.split_whitespace().collect();
        let r = swfscore(&repo(), &args);
        assert_eq!(r.stdout, expected, "README example `swfscore {cmd}` is out of date");
        examples += 1;
    }
    assert!(examples >= 3, "the README shows at least three examples");
}
