//! Finds the inputs (on disk, or the copies built into the binary), reads and checks them.

use crate::diag::Diagnostics;
use crate::model::{Catalogue, Dataset};
use crate::raw::{RawCatalogue, RawFund, RawRubric};
use crate::{validate, yaml};
use std::path::{Path, PathBuf};

/// The repository's own data, embedded at build time.
pub mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// Where to look for the inputs; `None` means the default under `dir`, then the built-in copy.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub dir: PathBuf,
    pub disclosures: Option<PathBuf>,
    pub rubric: Option<PathBuf>,
    pub funds: Option<PathBuf>,
}

/// The inputs read and checked, with every problem found and notes for stderr.
#[derive(Debug)]
pub struct Loaded {
    /// Present when there were no errors.
    pub dataset: Option<Dataset>,
    pub diagnostics: Diagnostics,
    /// What came from the built-in data, for stderr.
    pub notes: Vec<String>,
}

/// One input file's name (as shown to the user) and text.
struct Text {
    name: String,
    text: String,
}

/// A path as the user would write it (without a leading `./`).
pub fn display(p: &Path) -> String {
    let s = p.display().to_string();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn read(path: &Path, d: &mut Diagnostics) -> Option<Text> {
    let name = display(path);
    match std::fs::read_to_string(path) {
        Ok(text) => Some(Text { name, text }),
        Err(e) => {
            d.error(&name, None, format!("cannot read: {e}"));
            None
        }
    }
}

fn builtin_text(name: &str, text: &str) -> Text {
    Text { name: format!("<built-in>/{name}"), text: text.to_string() }
}

/// The names of the rubrics built into the binary (`rubrics/<name>.yaml`).
pub fn builtin_rubrics() -> impl Iterator<Item = (&'static str, &'static str)> {
    builtin::RUBRICS.iter().copied()
}

/// Reads and checks the catalogue, rubric and funds named by `sources`.
pub fn load(sources: &Sources) -> Loaded {
    let mut d = Diagnostics::new();
    let mut builtins: Vec<&str> = Vec::new();
    let dir = &sources.dir;
    if !dir.is_dir() {
        d.error(&display(dir), None, "no such directory").help("pass an existing folder to --dir");
        return Loaded { dataset: None, diagnostics: d, notes: vec![] };
    }

    let disclosures = match &sources.disclosures {
        Some(p) => read(p, &mut d),
        None if dir.join("disclosures.yaml").is_file() => read(&dir.join("disclosures.yaml"), &mut d),
        None => {
            builtins.push("disclosures.yaml");
            Some(builtin_text("disclosures.yaml", builtin::DISCLOSURES))
        }
    };
    let rubric = match &sources.rubric {
        Some(p) if p.is_file() => read(p, &mut d),
        Some(p) => match builtin_rubric(p) {
            Some((name, text)) => {
                builtins.push("a rubric");
                Some(builtin_text(&format!("rubrics/{name}.yaml"), text))
            }
            None => {
                let known: Vec<&str> = builtin::RUBRICS.iter().map(|(n, _)| *n).collect();
                d.error(&display(p), None, "no such rubric file")
                    .help(format!("give a path, or one of the built-in rubrics: {}", known.join(", ")));
                None
            }
        },
        None if dir.join("rubric.yaml").is_file() => read(&dir.join("rubric.yaml"), &mut d),
        None => {
            builtins.push("rubric.yaml");
            Some(builtin_text("rubric.yaml", builtin::RUBRIC))
        }
    };
    let funds: Vec<(String, Text)> = match &sources.funds {
        Some(p) if !p.is_dir() => {
            d.error(&display(p), None, "no such funds directory").help("pass a folder of <id>.yaml files to --funds");
            vec![]
        }
        Some(p) => read_funds(p, &mut d),
        None if dir.join("funds").is_dir() => read_funds(&dir.join("funds"), &mut d),
        None => {
            builtins.push("funds/");
            builtin::FUNDS
                .iter()
                .map(|(stem, text)| (stem.to_string(), builtin_text(&format!("funds/{stem}.yaml"), text)))
                .collect()
        }
    };

    let mut notes = Vec::new();
    if !builtins.is_empty() {
        notes.push(format!(
            "using the built-in copy of {} (none found in {})",
            builtins.join(", "),
            if dir.as_os_str() == "." { "the current directory".to_string() } else { display(dir) }
        ));
    }
    let dataset = check(disclosures, rubric, funds, &mut d);
    Loaded { dataset: if d.has_errors() { None } else { dataset }, diagnostics: d, notes }
}

/// Reads and checks inputs given as text (for tests and embedding); names are for messages.
pub fn from_texts(disclosures: &str, rubric: &str, funds: &[(&str, &str)]) -> Loaded {
    let mut d = Diagnostics::new();
    let t = |name: &str, text: &str| Text { name: name.to_string(), text: text.to_string() };
    let funds = funds.iter().map(|(stem, text)| (stem.to_string(), t(&format!("funds/{stem}.yaml"), text))).collect();
    let dataset = check(Some(t("disclosures.yaml", disclosures)), Some(t("rubric.yaml", rubric)), funds, &mut d);
    Loaded { dataset: if d.has_errors() { None } else { dataset }, diagnostics: d, notes: vec![] }
}

/// A built-in rubric named by `p`: `lmti`, `lmti.yaml` or `rubrics/lmti.yaml`.
fn builtin_rubric(p: &Path) -> Option<(&'static str, &'static str)> {
    let stem = p.file_stem()?.to_str()?;
    let parent_ok = p.parent().is_none_or(|d| d.as_os_str().is_empty() || d.ends_with("rubrics"));
    let ext_ok = p.extension().is_none_or(|e| e == "yaml");
    if !(parent_ok && ext_ok) {
        return None;
    }
    builtin::RUBRICS.iter().find(|(n, _)| *n == stem).copied()
}

fn read_funds(dir: &Path, d: &mut Diagnostics) -> Vec<(String, Text)> {
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .collect(),
        Err(e) => {
            d.error(&display(dir), None, format!("cannot read directory: {e}"));
            return vec![];
        }
    };
    paths.sort();
    let mut out: Vec<(String, Text)> = Vec::new();
    for p in paths {
        let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if let Some((_, first)) = out.iter().find(|(s, _)| *s == stem) {
            d.error(&display(&p), None, format!("duplicate fund id `{stem}`"))
                .help(format!("also defined by {}", first.name));
            continue;
        }
        if let Some(t) = read(&p, d) {
            out.push((stem, t));
        }
    }
    if out.is_empty() && !d.has_errors() {
        d.error(&display(dir), None, "no fund descriptors (*.yaml) found");
    }
    out
}

fn check(
    disclosures: Option<Text>,
    rubric: Option<Text>,
    funds: Vec<(String, Text)>,
    d: &mut Diagnostics,
) -> Option<Dataset> {
    let catalogue: Option<Catalogue> = disclosures.and_then(|t| match yaml::parse::<RawCatalogue>(&t.text, &t.name) {
        Ok(raw) => Some(validate::catalogue(raw, &t.name, d)),
        Err(e) => {
            d.push(e);
            None
        }
    });
    // Without a catalogue, ids cannot be checked; still report the other files' syntax errors.
    let empty = Catalogue::default();
    let cat = catalogue.as_ref().unwrap_or(&empty);
    let rubric = rubric.and_then(|t| match yaml::parse::<RawRubric>(&t.text, &t.name) {
        Ok(raw) if catalogue.is_some() => validate::rubric(raw, &t.name, cat, d),
        Ok(_) => None,
        Err(e) => {
            d.push(e);
            None
        }
    });
    let mut out = Vec::new();
    for (stem, t) in funds {
        match yaml::parse::<RawFund>(&t.text, &t.name) {
            Ok(raw) if catalogue.is_some() => out.extend(validate::fund(raw, &t.name, &stem, cat, d)),
            Ok(_) => {}
            Err(e) => d.push(e),
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Some(Dataset { catalogue: catalogue?, rubric: rubric?, funds: out })
}
