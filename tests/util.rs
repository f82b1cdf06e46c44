use std::path::{Path, PathBuf};
use std::process::Command;

/// What a run of the binary did.
#[derive(Debug, PartialEq, Eq)]
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
    run(Command::new(env!("CARGO_BIN_EXE_swfscore")).args(args).current_dir(dir))
}

/// [`swfscore`] with `RAYON_NUM_THREADS=threads`.
pub fn with_threads(dir: &Path, threads: &str, args: &[&str]) -> Run {
    run(Command::new(env!("CARGO_BIN_EXE_swfscore")).args(args).current_dir(dir).env("RAYON_NUM_THREADS", threads))
}

fn run(c: &mut Command) -> Run {
    let out = c.env("NO_COLOR", "1").output().expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// A fresh folder `name` in the build's scratch folder, for a fixture made once per test run and
/// shared by the tests that read it (kept after the run, so that a failure can be looked at).
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
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
    copy_data(t.path());
    t
}

/// Copies the repository's data (catalogue, rubrics, funds) into `dir`.
pub fn copy_data(dir: &Path) {
    for f in ["disclosures.yaml", "rubric.yaml"] {
        std::fs::copy(repo().join(f), dir.join(f)).unwrap();
    }
    copy_dir(&repo().join("funds"), &dir.join("funds"));
    copy_dir(&repo().join("rubrics"), &dir.join("rubrics"));
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

/// One run of the binary, set up and checked step by step:
/// `Test::mini().arg("score").stdout_has("Alpha").status(0).run()`.
#[derive(Debug)]
#[must_use = "a Test runs nothing until `.run()`"]
pub struct Test {
    dir: tempfile::TempDir,
    args: Vec<String>,
    status: Option<i32>,
    stdout: Vec<String>,
    stderr: Vec<String>,
}

impl Test {
    /// In a copy of the hand-computable fixture.
    pub fn mini() -> Self {
        Test::in_dir(mini())
    }

    /// In a copy of the repository's data.
    pub fn data() -> Self {
        Test::in_dir(data_copy())
    }

    fn in_dir(dir: tempfile::TempDir) -> Self {
        Test { dir, args: vec![], status: None, stdout: vec![], stderr: vec![] }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn arg(mut self, a: &str) -> Self {
        self.args.push(a.to_string());
        self
    }

    pub fn args(mut self, a: &[&str]) -> Self {
        self.args.extend(a.iter().map(|s| s.to_string()));
        self
    }

    /// Writes a file under the test folder (creating folders).
    pub fn write(self, path: &str, contents: &str) -> Self {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
        self
    }

    /// Replaces the one occurrence of `from` in a file under the test folder.
    pub fn edit(self, path: &str, from: &str, to: &str) -> Self {
        edit(&self.dir.path().join(path), from, to);
        self
    }

    pub fn status(mut self, code: i32) -> Self {
        self.status = Some(code);
        self
    }

    /// stdout must contain this.
    pub fn stdout_has(mut self, s: &str) -> Self {
        self.stdout.push(s.to_string());
        self
    }

    /// stderr must contain this.
    pub fn stderr_has(mut self, s: &str) -> Self {
        self.stderr.push(s.to_string());
        self
    }

    /// Runs the binary in the folder and checks every expectation.
    #[track_caller]
    pub fn run(self) -> (Run, tempfile::TempDir) {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let r = swfscore(self.dir.path(), &args);
        if let Some(code) = self.status {
            assert_eq!(r.code, code, "swfscore {args:?}: exit code\nstdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
        }
        for s in &self.stdout {
            assert!(r.stdout.contains(s.as_str()), "swfscore {args:?}: stdout lacks {s:?}:\n{}", r.stdout);
        }
        for s in &self.stderr {
            assert!(r.stderr.contains(s.as_str()), "swfscore {args:?}: stderr lacks {s:?}:\n{}", r.stderr);
        }
        (r, self.dir)
    }
}

/// Chromium for a browser test: `None` (the test is skipped, with a message) only outside CI,
/// where `.ci/run` installs it.
pub fn chromium_for_test() -> Option<&'static str> {
    let browser = chromium();
    if browser.is_none() {
        assert!(std::env::var("CI").is_err(), "CI must install chromium (see .ci/run)");
        eprintln!("skipped: no chromium on this machine (.ci/run installs it)");
    }
    browser
}

/// Debian's Chromium (or another Chrome) if installed.
pub fn chromium() -> Option<&'static str> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .into_iter()
        .find(|p| Path::new(p).is_file())
}

/// Runs headless Chromium with a fresh profile on `url`, with `extra` flags; returns stdout.
pub fn headless(browser: &str, url: &str, extra: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Whether a file name is one of swfscore's temporary files (`.swfscore-PID-XXXXXX.tmp`, or
/// the earlier `.NAME.PID.swfscore-tmp`).
pub fn staging_name(name: &str) -> bool {
    (name.starts_with(".swfscore-") && name.ends_with(".tmp")) || name.ends_with(".swfscore-tmp")
}

/// What a file in `format` must look like: CSV one header and rows of its width, JSON that
/// parses, a whole HTML page, and text that is not empty.
pub fn check_format(what: &str, format: &str, text: &str) {
    assert!(!text.trim().is_empty(), "{what}: empty");
    match format {
        "csv" => {
            let mut rd = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
            let header = rd.headers().unwrap_or_else(|e| panic!("{what}: {e}")).clone();
            for (k, row) in rd.records().enumerate() {
                let row = row.unwrap_or_else(|e| panic!("{what}: row {k}: {e}"));
                assert_eq!(
                    row.len(),
                    header.len(),
                    "{what}: row {k} has {} fields, the header {}",
                    row.len(),
                    header.len()
                );
                assert_ne!(row, header, "{what}: the header again at row {k}: one table per CSV");
            }
        }
        "json" => {
            serde_json::from_str::<serde_json::Value>(text).unwrap_or_else(|e| panic!("{what}: JSON: {e}"));
        }
        "html" => assert!(text.starts_with("<!DOCTYPE html>") && text.ends_with("</html>\n"), "{what}"),
        _ => {}
    }
}
