//! Embeds the repository's data (catalogue, rubrics, fund descriptors) into the binary, so
//! `swfscore score` works from any folder after `cargo install --path .`.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn yaml_files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            // The loader reads `.yaml` and `.yml`; embed both.
            if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
                out.push((stem, p.canonicalize().unwrap().to_string_lossy().into_owned()));
            }
        }
    }
    out.sort();
    out
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for p in ["disclosures.yaml", "rubric.yaml", "funds", "rubrics"] {
        println!("cargo::rerun-if-changed={p}");
    }
    let abs = |p: &str| root.join(p).canonicalize().unwrap().to_string_lossy().into_owned();
    let mut code = String::new();
    writeln!(code, "pub const DISCLOSURES: &str = include_str!({:?});", abs("disclosures.yaml")).unwrap();
    writeln!(code, "pub const RUBRIC: &str = include_str!({:?});", abs("rubric.yaml")).unwrap();
    for (name, dir) in [("FUNDS", "funds"), ("RUBRICS", "rubrics")] {
        writeln!(code, "pub const {name}: &[(&str, &str)] = &[").unwrap();
        for (stem, path) in yaml_files(&root.join(dir)) {
            writeln!(code, "    ({stem:?}, include_str!({path:?})),").unwrap();
        }
        writeln!(code, "];").unwrap();
    }
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("builtin.rs");
    fs::write(out, code).unwrap();
}
