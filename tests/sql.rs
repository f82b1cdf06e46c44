//! `swfscore sql`: the query, run in real engines (DuckDB from PyPI, PostgreSQL from Debian),
//! gives what `batch --panel` gives: every score, bound and category to 1e-9 (in practice the
//! same doubles), every rank and count exactly, in the same order; on the repository's panel
//! and on a generated one, under every built-in rubric, a profile, `--unknown exclude` and a
//! rubric written to stress the arithmetic. Outside CI an engine that is not installed is
//! skipped with a message; in CI (`CI=true`, where `.ci/run` installs both) it fails.

use crate::util::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A rubric over the repository's catalogue that uses every rule (all_of, any_of, mean_of),
/// item credits of its own, weights with no short binary form, a floor and `unknown: exclude`.
const ODD_RUBRIC: &str = r#"id: odd
title: A rubric to stress the arithmetic
version: "0"
scale: 10
floor: 0.7
unknown: exclude
levels: { full: 1.0, partial: 0.4, none: 0.1 }
categories:
  - id: reporting
    title: Reporting
    weight: 0.3
    items:
      - id: report_and_audit
        title: Report and audit
        weight: 0.7
        all_of: [annual_report, independent_audit, audited_financial_statements]
      - id: size
        title: Size
        weight: 0.11
        disclosure: fund_size
        levels: { partial: 0.3, none: 0.0 }
  - id: portfolio
    title: Portfolio
    weight: 0.1
    items:
      - id: any_breakdown
        title: Any breakdown
        weight: 1.3
        any_of: [asset_allocation, geographic_breakdown, sector_breakdown]
      - id: holdings_mean
        title: Holdings, on average
        weight: 0.9
        mean_of: [holdings_list, major_holdings, currency_composition]
        levels: { full: 0.9, partial: 0.6, none: 0.2 }
  - id: governance
    title: Governance
    weight: 1.7
    items:
      - id: board
        title: Board
        disclosure: board_members
      - id: pay_mean
        title: Pay and ethics
        weight: 0.33
        mean_of: [remuneration, ethical_standards]
profiles:
  - id: tilt
    title: Tilted
    rationale: A test profile.
    categories: { governance: 0.2 }
    items: { board: 2.9 }
"#;

/// One engine the query runs in, through `bench/sql_run.py`.
enum Engine {
    Duckdb,
    Postgres(Server),
}

impl Engine {
    fn dialect(&self) -> &'static str {
        match self {
            Engine::Duckdb => "duckdb",
            Engine::Postgres(_) => "postgres",
        }
    }

    /// Runs each (query, output) job over the panels (table name → file), in one process.
    fn run(&self, panels: &[(&str, &Path)], jobs: &[(PathBuf, PathBuf)]) {
        let mut cmd = Command::new("python3");
        cmd.arg(repo().join("bench/sql_run.py")).arg(self.dialect());
        // One DuckDB thread: these panels fit in one row group, and the other tests hold the cores.
        if let Engine::Duckdb = self {
            cmd.args(["--threads", "1"]);
        }
        if let Engine::Postgres(s) = self {
            cmd.args(["--host", s.socket.to_str().unwrap(), "--port", &s.port.to_string()]);
        }
        for (name, file) in panels {
            cmd.arg("--panel").arg(format!("{name}={}", file.display()));
        }
        for (q, o) in jobs {
            cmd.arg("--job").arg(q).arg(o);
        }
        let out = cmd.output().expect("python3");
        assert!(out.status.success(), "{} failed:\n{}", self.dialect(), String::from_utf8_lossy(&out.stderr));
    }
}

/// Whether an engine that is missing may be skipped: outside CI only.
fn skip(what: &str) -> Option<Engine> {
    assert!(std::env::var("CI").is_err(), "{what} is not available, and CI must run this test (.ci/run installs it)");
    eprintln!("skipping the {what} part of the sql test: {what} is not installed");
    None
}

fn duckdb() -> Option<Engine> {
    let ok = Command::new("python3").args(["-c", "import duckdb"]).output().is_ok_and(|o| o.status.success());
    if ok { Some(Engine::Duckdb) } else { skip("DuckDB (pip install duckdb)") }
}

/// A PostgreSQL server of the test's own: a fresh cluster on a Unix socket in a temporary
/// folder (no TCP), stopped when dropped.
struct Server {
    bin: PathBuf,
    dir: tempfile::TempDir,
    socket: PathBuf,
    port: u16,
    /// Run the server's programs as this user (initdb refuses root).
    user: Option<&'static str>,
}

impl Server {
    fn start() -> Option<Server> {
        let bin = std::fs::read_dir("/usr/lib/postgresql").ok().and_then(|d| {
            d.filter_map(|e| e.ok()).map(|e| e.path().join("bin")).filter(|b| b.join("initdb").exists()).max()
        });
        let Some(bin) = bin else {
            return match skip("PostgreSQL (apt-get install postgresql)") {
                Some(_) | None => None,
            };
        };
        let dir = tempfile::tempdir().unwrap();
        let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        let user = root.then_some("postgres");
        if root {
            assert!(Command::new("chown").arg("postgres").arg(dir.path()).status().unwrap().success());
        }
        let port = 50000 + (std::process::id() % 10000) as u16;
        let server = Server { bin, socket: dir.path().to_path_buf(), dir, port, user };
        let data = server.dir.path().join("data");
        // A throwaway cluster: nothing is synced to disk.
        server.pg(&[
            "initdb",
            "-D",
            data.to_str().unwrap(),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        ]);
        let opts = format!("-k {} -c listen_addresses= -p {} -c fsync=off", server.socket.display(), port);
        let log = server.dir.path().join("log");
        server.pg(&["pg_ctl", "-D", data.to_str().unwrap(), "-o", &opts, "-l", log.to_str().unwrap(), "-w", "start"]);
        Some(server)
    }

    fn pg(&self, args: &[&str]) {
        let program = self.bin.join(args[0]);
        let mut cmd = match self.user {
            Some(u) => {
                let mut c = Command::new("runuser");
                c.args(["-u", u, "--"]).arg(&program);
                c
            }
            None => Command::new(&program),
        };
        let out = cmd.args(&args[1..]).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ =
            std::panic::catch_unwind(|| self.pg(&["pg_ctl", "-D", data.to_str().unwrap(), "-m", "immediate", "stop"]));
    }
}

/// A generated panel over the catalogue's disclosures: 240 funds × 12 years, levels drawn so
/// that many scores tie; some rows missing, some `unknown`, rows in no particular order.
fn generated_panel(path: &Path) {
    let catalogue = std::fs::read_to_string(repo().join("disclosures.yaml")).unwrap();
    let ids: Vec<&str> = catalogue.lines().filter_map(|l| l.strip_prefix("  - id: ")).collect();
    assert!(ids.len() > 40, "catalogue ids: {}", ids.len());
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let levels = ["full", "partial", "none", "not_applicable", "unknown"];
    let mut rows = Vec::new();
    for f in 0..240 {
        // A few profiles repeated, so that fund-years tie.
        let kind = f % 7;
        for year in 2000..2012 {
            for (k, d) in ids.iter().enumerate() {
                let r = next();
                if r % 11 == 0 {
                    continue; // no row: unknown
                }
                let l = if kind < 3 {
                    levels[(k + kind as usize + year as usize) % 3]
                } else {
                    levels[(r >> 8) as usize % 5]
                };
                rows.push(format!("fund_{f:03},{year},{d},{l}"));
            }
        }
    }
    // Not sorted: shuffle deterministically.
    for i in (1..rows.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        rows.swap(i, j);
    }
    std::fs::write(path, format!("fund,year,disclosure,level\n{}\n", rows.join("\n"))).unwrap();
}

type Table = (Vec<String>, Vec<Vec<String>>);

fn read_csv(path: &Path) -> Table {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let head = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r.records().map(|x| x.unwrap().iter().map(str::to_string).collect()).collect();
    (head, rows)
}

/// Compares the engine's table with `batch`'s on the engine's columns: same rows in the same
/// order, numbers within 1e-9, integers and text exactly. Returns the largest difference.
fn compare(what: &str, batch: &Table, engine: &Table) -> f64 {
    let (bh, brows) = batch;
    let (eh, erows) = engine;
    assert_eq!(eh[..], bh[..eh.len()], "{what}: the engine's columns are batch's first ones");
    assert_eq!(erows.len(), brows.len(), "{what}: row count");
    let exact = ["fund", "year", "rank", "assessed", "unknown", "not_applicable"];
    let mut worst = 0f64;
    for (k, (e, b)) in erows.iter().zip(brows).enumerate() {
        for (c, name) in eh.iter().enumerate() {
            let (x, y) = (&e[c], &b[c]);
            if exact.contains(&name.as_str()) || x.is_empty() || y.is_empty() {
                assert_eq!(x, y, "{what}: row {k} ({} {}), column {name}", b[0], b[1]);
            } else {
                let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
                worst = worst.max((x - y).abs());
                assert!((x - y).abs() <= 1e-9, "{what}: row {k} ({} {}), column {name}: {x} vs {y}", b[0], b[1]);
            }
        }
    }
    worst
}

/// `f` of every job, two at a time (the runs are processes of their own), in the jobs' order.
fn parallel<J: Sync, T: Send>(jobs: &[J], f: impl Fn(&J) -> T + Sync) -> Vec<T> {
    let half = jobs.len().div_ceil(2);
    std::thread::scope(|scope| {
        let f = &f;
        let second = scope.spawn(move || jobs[half..].iter().map(f).collect::<Vec<_>>());
        let mut out: Vec<T> = jobs[..half].iter().map(f).collect();
        out.extend(second.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        out
    })
}

/// The panels, the views and `batch --panel`'s table for each (the reference), made once per
/// test run for both engines' tests, in the build's scratch folder.
struct Fixture {
    dir: PathBuf,
    /// (name, the options of `batch --panel` and `sql` that make the view).
    views: Vec<(&'static str, Vec<String>)>,
    /// (view, panel table) → `batch --panel`'s CSV.
    reference: BTreeMap<(String, String), Table>,
}

/// One panel table: the repository's panel and the generated one (below it), so that each
/// view is one query per engine.
const PANELS: [&str; 1] = ["panel"];

impl Fixture {
    fn panel(&self, table: &str) -> PathBuf {
        self.dir.join(format!("{table}.csv"))
    }

    fn get() -> &'static Fixture {
        static SHARED: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
        SHARED.get_or_init(|| {
            let dir = scratch("sql-panels");
            let odd = dir.join("odd.yaml");
            std::fs::write(&odd, ODD_RUBRIC).unwrap();
            let odd = odd.to_str().unwrap().to_string();
            let r = swfscore(&repo(), &["panel", "-o", dir.join("repo_panel.csv").to_str().unwrap()]);
            assert_eq!(r.code, 0, "{}", r.stderr);
            generated_panel(&dir.join("generated_panel.csv"));
            let repo_rows = std::fs::read_to_string(dir.join("repo_panel.csv")).unwrap();
            let generated = std::fs::read_to_string(dir.join("generated_panel.csv")).unwrap();
            let (_, generated_rows) = generated.split_once('\n').unwrap();
            std::fs::write(dir.join("panel.csv"), format!("{}\n{generated_rows}", repo_rows.trim_end())).unwrap();
            let owned = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
            let views = vec![
                ("default", vec![]),
                ("profile", owned(&["--profile", "confidentiality_aware"])),
                ("exclude", owned(&["--unknown", "exclude"])),
                ("lmti", owned(&["--rubric", "lmti"])),
                ("truman", owned(&["--rubric", "truman", "--unknown", "exclude"])),
                ("santiago", owned(&["--rubric", "santiago"])),
                ("odd", owned(&["--rubric", &odd])),
                ("odd-tilt", owned(&["--rubric", &odd, "--profile", "tilt", "--unknown", "none"])),
            ];
            let mut f = Fixture { dir, views, reference: BTreeMap::new() };
            // `batch --panel` once per view and panel, all at once: the reference.
            let jobs: Vec<(&str, &[String], &str)> =
                f.views.iter().flat_map(|(view, args)| PANELS.map(|table| (*view, args.as_slice(), table))).collect();
            let tables = parallel(&jobs, |&(view, args, table)| {
                let out = f.dir.join(format!("batch-{view}-{table}.csv"));
                let panel = f.panel(table);
                let mut a = vec!["batch", "--panel", panel.to_str().unwrap(), "-o", out.to_str().unwrap()];
                a.extend(args.iter().map(String::as_str));
                let r = swfscore(&repo(), &a);
                assert_eq!(r.code, 0, "batch {a:?}: {}", r.stderr);
                ((view.to_string(), table.to_string()), read_csv(&out))
            });
            f.reference.extend(tables);
            f
        })
    }

    /// Every view's query on every panel in `engine`, each compared with the reference.
    fn check(&self, engine: &Engine) {
        let d = engine.dialect();
        let queries: Vec<(&str, &[String], &str)> =
            self.views.iter().flat_map(|(view, args)| PANELS.map(|table| (*view, args.as_slice(), table))).collect();
        let written = parallel(&queries, |&(view, args, table)| {
            let q = self.dir.join(format!("{d}-{view}-{table}.sql"));
            let mut a = vec!["sql", "--dialect", d, "--table", table, "-o", q.to_str().unwrap()];
            a.extend(args.iter().map(String::as_str));
            let r = swfscore(&repo(), &a);
            assert_eq!(r.code, 0, "sql {a:?}: {}", r.stderr);
            let out = self.dir.join(format!("{d}-{view}-{table}.csv"));
            ((q, out.clone()), (format!("{d}, {view}, {table}"), (view.to_string(), table.to_string()), out))
        });
        let (jobs, expected): (Vec<_>, Vec<_>) = written.into_iter().unzip();
        let panels: Vec<(&str, PathBuf)> = PANELS.iter().map(|t| (*t, self.panel(t))).collect();
        let panels: Vec<(&str, &Path)> = panels.iter().map(|(t, p)| (*t, p.as_path())).collect();
        engine.run(&panels, &jobs);
        let mut worst = 0f64;
        for (what, key, out) in expected {
            worst = worst.max(compare(&what, &self.reference[&key], &read_csv(&out)));
        }
        eprintln!("{d}: {} queries agree with batch --panel, largest difference {worst:e}", jobs.len());
    }
}

#[test]
fn the_query_scores_panels_as_batch_does_in_duckdb() {
    if let Some(duckdb) = duckdb() {
        Fixture::get().check(&duckdb);
    }
}

#[test]
fn the_query_scores_panels_as_batch_does_in_postgres() {
    // The server starts while the reference is scored.
    let server = std::thread::spawn(Server::start);
    let fixture = Fixture::get();
    if let Some(server) = server.join().unwrap_or_else(|e| std::panic::resume_unwind(e)) {
        fixture.check(&Engine::Postgres(server));
    }
}

#[test]
fn bad_sql_options_get_clear_errors() {
    let r = swfscore(&repo(), &["sql", "--dialect", "oracle"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("duckdb") && r.stderr.contains("postgres"), "{}", r.stderr);
    let r = swfscore(&repo(), &["sql", "--profile", "confidentiality_awre"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("did you mean `confidentiality_aware`"), "{}", r.stderr);
    let r = swfscore(&repo(), &["sql", "--table", "read_parquet('x.parquet')"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a table name") && r.stderr.contains("CREATE VIEW"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let r = swfscore(&repo(), &["sql", "--rubric", "nosuch"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // --where keeps the funds whose descriptors match, as `batch --panel --where` does.
    let r = swfscore(&repo(), &["sql", "--where", "region=east_asia"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("'hkic'") && !r.stdout.contains("'nbim'"), "{}", &r.stdout[..2000.min(r.stdout.len())]);
    let r = swfscore(&repo(), &["sql", "--where", "region=antarctica"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}
