use std::path::{Path, PathBuf};
use std::process::Command;

/// What a run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The repository root (where the real data lives).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `swfscore ARGS` in `dir`, without colour.
pub fn swfscore(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_swfscore"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Copies a folder tree.
pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap().flatten() {
        let to = dst.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), to).unwrap();
        }
    }
}

/// A temporary copy of the hand-computable fixture in `tests/fixtures/mini`.
pub fn mini() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/mini"), t.path());
    t
}

/// A temporary copy of the repository's data.
pub fn data_copy() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    for f in ["disclosures.yaml", "rubric.yaml"] {
        std::fs::copy(repo().join(f), t.path().join(f)).unwrap();
    }
    copy_dir(&repo().join("funds"), &t.path().join("funds"));
    copy_dir(&repo().join("rubrics"), &t.path().join("rubrics"));
    t
}

/// Replaces the one occurrence of `from` in `file` (panics if it is not there exactly once).
pub fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once in {}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

/// insta settings: snapshots in the top-level `snapshots/`, no module prefix.
pub fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(repo().join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

/// Asserts a snapshot stored under `snapshots/NAME.snap`.
#[macro_export]
macro_rules! snap {
    ($name:expr, $value:expr) => {
        $crate::util::settings().bind(|| insta::assert_snapshot!($name, $value))
    };
}

/// Replaces the body of disclosure `id` in a fund descriptor (the lines indented under
/// `  id:`) with `body`.
pub fn replace_block(file: &Path, id: &str, body: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    let head = format!("\n  {id}:\n");
    let start = text.find(&head).unwrap_or_else(|| panic!("{id} not in {}", file.display())) + head.len();
    let rest = &text[start..];
    let mut end = 0;
    for line in rest.split_inclusive('\n') {
        if !line.starts_with("    ") && !line.trim().is_empty() {
            break;
        }
        end += line.len();
    }
    std::fs::write(file, format!("{}{body}{}", &text[..start], &rest[end..])).unwrap();
}
