//! The one place that reads input files: from a folder, from a git revision, or from the
//! copies built into the binary. It turns them into a checked [`Dataset`], loading the
//! catalogue and the funds once whatever number of rubrics they are scored under.

use crate::diag::Diagnostics;
use crate::model::{Catalogue, Dataset, Fund, LevelChange, Rubric};
use crate::raw::{RawCatalogue, RawFund, RawRubric, RawScenario};
use crate::{validate, yaml};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    /// Read every file from this git revision of the repository that holds `dir`, at the
    /// same paths (overrides included), instead of from the working tree.
    pub revision: Option<String>,
}

/// The inputs read and checked, with every problem found and notes for stderr.
#[derive(Debug)]
pub struct Loaded {
    /// Present when there were no errors.
    pub dataset: Option<Dataset>,
    pub diagnostics: Diagnostics,
    /// What came from the built-in data, for stderr.
    pub notes: Vec<String>,
    /// The fund descriptors that failed their checks (as the user names the files).
    pub skipped: Vec<String>,
    /// The data without those descriptors, when every error is in one of them (for
    /// `--skip-invalid`).
    pub partial: Option<Dataset>,
}

/// One input file's name (as shown to the user) and text.
#[derive(Debug, Clone)]
pub struct Text {
    pub name: String,
    pub text: String,
}

/// A path as the user would write it (without a leading `./`).
pub fn display(p: &Path) -> String {
    let s = p.display().to_string();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// Where files are read from.
#[derive(Debug)]
enum Store {
    Disk,
    /// `git show REV:PATH` in the repository at `repo`, paths relative to its top level.
    Git {
        repo: PathBuf,
        rev: String,
        prefix: PathBuf,
    },
}

impl Store {
    fn for_sources(s: &Sources, d: &mut Diagnostics) -> Option<Store> {
        let Some(rev) = &s.revision else { return Some(Store::Disk) };
        if rev.starts_with('-') {
            d.error(rev, None, "a git revision cannot start with `-`").help("name a branch, tag or commit");
            return None;
        }
        match git(&s.dir, &["rev-parse", "--show-prefix"]) {
            Ok(prefix) => {
                Some(Store::Git { repo: s.dir.clone(), rev: rev.clone(), prefix: PathBuf::from(prefix.trim()) })
            }
            Err(e) => {
                d.error(&display(&s.dir), None, format!("not a git repository: {e}"));
                None
            }
        }
    }

    /// The path inside the revision's tree for a path given relative to `dir`.
    fn tree_path(prefix: &Path, p: &Path) -> String {
        let joined = prefix.join(p);
        let mut parts: Vec<&str> = Vec::new();
        for c in joined.components() {
            match c {
                std::path::Component::ParentDir => {
                    parts.pop();
                }
                std::path::Component::Normal(x) => parts.push(x.to_str().unwrap_or("")),
                _ => {}
            }
        }
        parts.join("/")
    }

    fn read(&self, p: &Path) -> Result<String, String> {
        match self {
            Store::Disk => {
                let bytes = std::fs::metadata(p).map_err(|e| e.to_string())?.len();
                if bytes > yaml::max_file_bytes() {
                    let d = yaml::too_large(&display(p), bytes);
                    return Err(format!("{} ({})", d.message, d.help.unwrap_or_default()));
                }
                let raw = std::fs::read(p).map_err(|e| e.to_string())?;
                String::from_utf8(raw).map_err(|e| {
                    let before = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
                    let col = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
                    format!("not valid UTF-8 at line {line}, column {col} (save the file as UTF-8)")
                })
            }
            Store::Git { repo, rev, prefix } => {
                let rel = p.strip_prefix(repo).unwrap_or(p);
                git(repo, &["show", &format!("{rev}:{}", Self::tree_path(prefix, rel))])
            }
        }
    }

    fn is_file(&self, p: &Path) -> bool {
        match self {
            Store::Disk => p.is_file(),
            Store::Git { repo, rev, prefix } => {
                let rel = p.strip_prefix(repo).unwrap_or(p);
                git(repo, &["cat-file", "-e", &format!("{rev}:{}", Self::tree_path(prefix, rel))]).is_ok()
            }
        }
    }

    fn is_dir(&self, p: &Path) -> bool {
        match self {
            Store::Disk => p.is_dir(),
            Store::Git { .. } => self.list(p).is_ok_and(|l| !l.is_empty()),
        }
    }

    /// The YAML files in a folder, sorted.
    fn list(&self, dir: &Path) -> Result<Vec<PathBuf>, String> {
        let yaml = |p: &Path| p.extension().is_some_and(|x| x == "yaml" || x == "yml");
        let mut out: Vec<PathBuf> = match self {
            Store::Disk => std::fs::read_dir(dir)
                .map_err(|e| e.to_string())?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file() && yaml(p))
                .collect(),
            Store::Git { repo, rev, prefix } => {
                let rel = dir.strip_prefix(repo).unwrap_or(dir);
                let tree = format!("{}/", Self::tree_path(prefix, rel));
                let listing = git(repo, &["ls-tree", "--name-only", rev, "--", &tree])?;
                listing
                    .lines()
                    .filter_map(|l| l.rsplit('/').next())
                    .map(|name| dir.join(name))
                    .filter(|p| yaml(p))
                    .collect()
            }
        };
        out.sort();
        Ok(out)
    }

    fn name(&self, p: &Path) -> String {
        match self {
            Store::Disk => display(p),
            Store::Git { rev, .. } => format!("{rev}:{}", display(p)),
        }
    }
}

/// Runs git in `dir`; stdout, or git's message.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn read(store: &Store, path: &Path, d: &mut Diagnostics) -> Option<Text> {
    let name = store.name(path);
    match store.read(path) {
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

/// A rubric named by a bare name (`lmti`, `lmti.yaml`, `rubrics/lmti.yaml`): its stem.
fn rubric_name(p: &Path) -> Option<&str> {
    let stem = p.file_stem()?.to_str()?;
    let parent_ok = p.parent().is_none_or(|d| d.as_os_str().is_empty() || d.ends_with("rubrics"));
    let ext_ok = p.extension().is_none_or(|e| e == "yaml" || e == "yml");
    (parent_ok && ext_ok).then_some(stem)
}

/// Whether `spec` names a rubric rather than a data folder or a git revision: a YAML file,
/// a rubric in `dir/rubrics/`, or a built-in rubric's name (`swfscore-2026`, `lmti`).
pub fn names_rubric(dir: &Path, spec: &Path) -> bool {
    let yaml = spec.extension().is_some_and(|e| e == "yaml" || e == "yml");
    if yaml && (spec.is_file() || dir.join(spec).is_file()) {
        return true;
    }
    rubric_name(spec).is_some_and(|name| named_file(&Store::Disk, dir, name).is_some() || builtin_named(name).is_some())
}

/// `dir/rubrics/NAME.yaml` (or `.yml`), the name as written or in lower case: a rubric's name is
/// case-insensitive (`LMTI` is `lmti`), a file's name is as written.
fn named_file(store: &Store, dir: &Path, name: &str) -> Option<PathBuf> {
    let lower = name.to_lowercase();
    [name, lower.as_str()]
        .into_iter()
        .flat_map(|n| ["yaml", "yml"].map(|ext| dir.join("rubrics").join(format!("{n}.{ext}"))))
        .find(|p| store.is_file(p))
}

/// The built-in rubric of that name, in any case.
fn builtin_named(name: &str) -> Option<(&'static str, &'static str)> {
    let lower = name.to_lowercase();
    builtin::RUBRICS.iter().copied().find(|(n, _)| *n == lower)
}

/// Finds the text of the rubric `spec` names: a file (relative to the current folder or to
/// `dir`), then `dir/rubrics/NAME.yaml`, then the built-in rubric of that name.
fn rubric_text(
    store: &Store,
    dir: &Path,
    spec: &Path,
    d: &mut Diagnostics,
    builtins: &mut Vec<String>,
) -> Option<Text> {
    if matches!(store, Store::Disk) && spec.is_file() {
        return read(store, spec, d);
    }
    if store.is_file(&dir.join(spec)) {
        return read(store, &dir.join(spec), d);
    }
    if let Some(name) = rubric_name(spec) {
        if let Some(p) = named_file(store, dir, name) {
            return read(store, &p, d);
        }
        if let Some((name, text)) = builtin_named(name) {
            builtins.push(format!("rubrics/{name}.yaml"));
            return Some(builtin_text(&format!("rubrics/{name}.yaml"), text));
        }
    }
    let known: Vec<&str> = builtin::RUBRICS.iter().map(|(n, _)| *n).collect();
    d.error(&display(spec), None, "no such rubric file")
        .help(format!("give a path, or one of the rubrics in rubrics/ or built in: {}", known.join(", ")));
    None
}

/// Reads and checks the catalogue, rubric and funds named by `sources`.
pub fn load(sources: &Sources) -> Loaded {
    let mut d = Diagnostics::new();
    let mut builtins: Vec<String> = Vec::new();
    let dir = &sources.dir;
    if !dir.is_dir() {
        d.error(&display(dir), None, "no such directory").help("pass an existing folder to --dir");
        return Loaded { dataset: None, diagnostics: d, notes: vec![], skipped: vec![], partial: None };
    }
    let Some(store) = Store::for_sources(sources, &mut d) else {
        return Loaded { dataset: None, diagnostics: d, notes: vec![], skipped: vec![], partial: None };
    };
    let on_disk = matches!(store, Store::Disk);
    let mut notes = Vec::new();
    let disclosures = match &sources.disclosures {
        Some(p) => read(&store, p, &mut d),
        None if store.is_file(&dir.join("disclosures.yaml")) => read(&store, &dir.join("disclosures.yaml"), &mut d),
        None if on_disk => {
            builtins.push("disclosures.yaml".into());
            Some(builtin_text("disclosures.yaml", builtin::DISCLOSURES))
        }
        None => read(&store, &dir.join("disclosures.yaml"), &mut d),
    };
    let rubric = match &sources.rubric {
        Some(p) => rubric_text(&store, dir, p, &mut d, &mut builtins),
        None if store.is_file(&dir.join("rubric.yaml")) => read(&store, &dir.join("rubric.yaml"), &mut d),
        None if on_disk => {
            builtins.push("rubric.yaml".into());
            Some(builtin_text("rubric.yaml", builtin::RUBRIC))
        }
        None => read(&store, &dir.join("rubric.yaml"), &mut d),
    };
    let funds: Vec<(String, Input)> = match &sources.funds {
        Some(p) if !store.is_dir(p) => {
            d.error(&store.name(p), None, "no such funds directory")
                .help("pass a folder of <id>.yaml files to --funds");
            vec![]
        }
        Some(p) => read_funds(&store, p, &mut d, &mut notes),
        None if store.is_dir(&dir.join("funds")) => read_funds(&store, &dir.join("funds"), &mut d, &mut notes),
        None if on_disk => {
            builtins.push("funds/".into());
            builtin::FUNDS
                .iter()
                .map(|(stem, text)| (stem.to_string(), Input::Text(builtin_text(&format!("funds/{stem}.yaml"), text))))
                .collect()
        }
        None => read_funds(&store, &dir.join("funds"), &mut d, &mut notes),
    };

    if !builtins.is_empty() {
        notes.push(format!(
            "using the built-in copy of {} (none found in {})",
            builtins.join(", "),
            if dir.as_os_str() == "." { "the current directory".to_string() } else { display(dir) }
        ));
    }
    let (dataset, skipped) = check(disclosures, rubric, funds, &mut d);
    let (dataset, partial) = match dataset {
        Some(ds) if !d.has_errors() => (Some(ds), None),
        Some(ds) if !skipped.is_empty() && d.errors_only_in(&skipped) => (None, Some(ds)),
        _ => (None, None),
    };
    Loaded { dataset, diagnostics: d, notes, skipped, partial }
}

/// Reads and checks another rubric against an already loaded dataset's catalogue, and
/// returns the dataset under it (the funds are shared, not copied or re-read).
pub fn with_rubric(ds: &Dataset, sources: &Sources, spec: &Path) -> Result<Dataset, Diagnostics> {
    let mut d = Diagnostics::new();
    let mut builtins = Vec::new();
    let rubric = Store::for_sources(sources, &mut d)
        .and_then(|store| rubric_text(&store, &sources.dir, spec, &mut d, &mut builtins))
        .and_then(|t| parse_rubric(&t, &ds.catalogue, &mut d));
    match rubric {
        Some(rubric) if !d.has_errors() => Ok(ds.with_rubric(rubric)),
        _ => Err(d),
    }
}

/// Reads and checks inputs given as text (for tests and embedding); names are for messages.
pub fn from_texts(disclosures: &str, rubric: &str, funds: &[(&str, &str)]) -> Loaded {
    let mut d = Diagnostics::new();
    let t = |name: &str, text: &str| Text { name: name.to_string(), text: text.to_string() };
    let funds = funds
        .iter()
        .map(|(stem, text)| (stem.to_string(), Input::Text(t(&format!("funds/{stem}.yaml"), text))))
        .collect();
    let (dataset, skipped) =
        check(Some(t("disclosures.yaml", disclosures)), Some(t("rubric.yaml", rubric)), funds, &mut d);
    Loaded {
        dataset: if d.has_errors() { None } else { dataset },
        diagnostics: d,
        notes: vec![],
        skipped,
        partial: None,
    }
}

/// A fund descriptor to parse: its text already in memory, or a file on disk read by the
/// thread that parses it.
#[derive(Debug)]
enum Input {
    Text(Text),
    File(PathBuf),
}

/// The descriptor files in a funds folder on disk. Entries named like a descriptor that
/// cannot be read as one (a folder, a broken or looping symlink, a name that is not UTF-8)
/// are errors; other files are skipped with a note.
fn list_funds(dir: &Path, d: &mut Diagnostics, notes: &mut Vec<String>) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            d.error(&display(&path), None, "the file name is not valid UTF-8").help("rename it to <id>.yaml");
            continue;
        };
        let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
        if !yaml {
            if !name.starts_with('.') {
                skipped.push(name);
            }
            continue;
        }
        match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => out.push(path),
            Ok(_) => {
                d.error(&display(&path), None, "named like a fund descriptor but is not a file")
                    .help("a descriptor is a YAML file; move or rename this entry");
            }
            Err(e) => {
                d.error(&display(&path), None, format!("cannot read: {e}"))
                    .help("a broken or looping symlink? point it at a descriptor or remove it");
            }
        }
    }
    if !skipped.is_empty() {
        skipped.sort();
        notes.push(format!(
            "skipped {} file(s) in {} that are not .yaml or .yml: {}",
            skipped.len(),
            display(dir),
            skipped.join(", ")
        ));
    }
    out.sort();
    Ok(out)
}

fn read_funds(store: &Store, dir: &Path, d: &mut Diagnostics, notes: &mut Vec<String>) -> Vec<(String, Input)> {
    let listed = match store {
        Store::Disk => list_funds(dir, d, notes),
        Store::Git { .. } => store.list(dir),
    };
    let paths = match listed {
        Ok(p) => p,
        Err(e) => {
            d.error(&store.name(dir), None, format!("cannot read directory: {e}"));
            return vec![];
        }
    };
    let mut out: Vec<(String, Input)> = Vec::new();
    let mut seen: std::collections::HashMap<String, PathBuf> = std::collections::HashMap::new();
    for p in paths {
        let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if let Some(first) = seen.get(&stem) {
            d.error(&store.name(&p), None, format!("duplicate fund id `{stem}`"))
                .help(format!("also defined by {}", store.name(first)));
            continue;
        }
        seen.insert(stem.clone(), p.clone());
        match store {
            Store::Disk => out.push((stem, Input::File(p))),
            Store::Git { .. } => {
                if let Some(t) = read(store, &p, d) {
                    out.push((stem, Input::Text(t)));
                }
            }
        }
    }
    if out.is_empty() && !d.has_errors() {
        d.error(&store.name(dir), None, "no fund descriptors (*.yaml) found");
    }
    out
}

fn parse_rubric(t: &Text, catalogue: &Catalogue, d: &mut Diagnostics) -> Option<Rubric> {
    match yaml::parse::<RawRubric>(&t.text, &t.name) {
        Ok(raw) => validate::rubric(raw, &t.name, catalogue, d),
        Err(e) => {
            d.push(e);
            None
        }
    }
}

/// Broken entries a descriptor is read past before `validate` gives up on the file.
const MAX_RECOVERIES: usize = 100;

/// Parses a fund descriptor, reporting every broken entry rather than only the first: when a
/// value inside one entry of `disclosures:` or `facts:` is wrong (a misspelt level, a year that
/// is not a number, an unknown key), the error is kept, that entry is read as `unknown` (a fact is
/// left out), and the file is parsed again, its lines unmoved so every position still holds.
/// Stops at an error outside such an entry. The descriptor comes back when the file could be
/// read to its end, with the errors met on the way.
fn parse_fund(text: &str, file: &str) -> (Option<RawFund>, Vec<crate::diag::Diagnostic>) {
    let mut errors = Vec::new();
    let mut text = std::borrow::Cow::Borrowed(text);
    let mut skipped: Vec<usize> = Vec::new();
    loop {
        match yaml::parse_classified::<RawFund>(&text, file) {
            Ok(raw) => return (Some(raw), errors),
            Err(yaml::ParseError { diagnostic: e, value }) => {
                // Broken YAML is reported once: what follows it cannot be trusted.
                let entry =
                    e.pos.filter(|_| value).and_then(|p| usize::try_from(p.line).ok()).and_then(|l| entry_at(&text, l));
                errors.push(e);
                match entry {
                    Some(entry) if errors.len() < MAX_RECOVERIES && !skipped.contains(&entry.start) => {
                        skipped.push(entry.start);
                        text = std::borrow::Cow::Owned(entry.skip(&text));
                    }
                    _ => return (None, errors),
                }
            }
        }
    }
}

/// One entry of a descriptor's `disclosures:` or `facts:` block: its lines (0-based, end
/// exclusive).
#[derive(Debug, PartialEq)]
struct Entry {
    start: usize,
    end: usize,
    /// An entry of `disclosures:` (read as `unknown` when skipped), else of `facts:` (dropped).
    disclosure: bool,
}

/// Whether a line holds YAML content (not blank, not a comment).
fn content(l: &str) -> bool {
    let t = l.trim_start();
    !t.is_empty() && !t.starts_with('#')
}

fn indent(l: &str) -> usize {
    l.len() - l.trim_start_matches(' ').len()
}

/// The entry of `disclosures:` or `facts:` that holds 1-based `line`, if any.
fn entry_at(text: &str, line: usize) -> Option<Entry> {
    let lines: Vec<&str> = text.lines().collect();
    let at = line.checked_sub(1)?.min(lines.len().checked_sub(1)?);
    // The top-level key above the line names the block.
    let header = (0..=at).rev().find(|&i| content(lines[i]) && indent(lines[i]) == 0)?;
    let key = lines[header].split(':').next()?.trim();
    let disclosure = match key {
        "disclosures" => true,
        "facts" => false,
        _ => return None,
    };
    let first = (header + 1..lines.len()).find(|&i| content(lines[i]))?;
    let width = indent(lines[first]);
    if width == 0 || at <= header {
        return None;
    }
    let is_entry = |i: usize| content(lines[i]) && indent(lines[i]) == width;
    let start = (header + 1..=at).rev().find(|&i| is_entry(i))?;
    let end = (start + 1..lines.len()).find(|&i| content(lines[i]) && indent(lines[i]) <= width).unwrap_or(lines.len());
    Some(Entry { start, end, disclosure })
}

impl Entry {
    /// `text` with this entry read as `unknown` (or, for a fact, left out), every other line
    /// where it was.
    fn skip(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for (i, l) in text.lines().enumerate() {
            if i == self.start && self.disclosure {
                let key = l.split(':').next().unwrap_or_default();
                out.push_str(key);
                out.push_str(": { level: unknown, note: \"not read: see the error above\" }");
            } else if !(self.start..self.end).contains(&i) {
                out.push_str(l);
            }
            out.push('\n');
        }
        out
    }
}

/// Reads, parses and checks fund descriptors on every core; the result and the diagnostics
/// are in file order whatever the number of threads.
/// The third part names the descriptors that failed.
fn parse_funds(funds: Vec<(String, Input)>, catalogue: Option<&Catalogue>) -> (Vec<Fund>, Diagnostics, Vec<String>) {
    let one = |(stem, input): &(String, Input)| {
        let mut d = Diagnostics::new();
        let owned;
        let t = match input {
            Input::Text(t) => t,
            Input::File(p) => match read(&Store::Disk, p, &mut d) {
                Some(t) => {
                    owned = t;
                    &owned
                }
                None => return (None, d, display(p)),
            },
        };
        let (raw, errors) = parse_fund(&t.text, &t.name);
        let recovered = !errors.is_empty();
        for e in errors {
            d.push(e);
        }
        // A file read past its broken entries is still checked (every problem in one pass),
        // but not scored.
        let fund = raw.and_then(|raw| catalogue.and_then(|cat| validate::fund(raw, &t.name, stem, cat, &mut d)));
        (fund.filter(|_| !recovered), d, t.name.clone())
    };
    // Work stealing rather than fixed halves: a core that is slowed (by another process, or
    // by larger files) hands its share to the other. `collect` keeps file order.
    let parts: Vec<(Option<Fund>, Diagnostics, String)> = funds.par_iter().map(one).collect();
    let mut out = Vec::with_capacity(funds.len());
    let mut d = Diagnostics::new();
    let mut skipped = Vec::new();
    for (fund, diags, name) in parts {
        if fund.is_none() && diags.has_errors() {
            skipped.push(name);
        }
        d.extend(diags);
        out.extend(fund);
    }
    (out, d, skipped)
}

fn check(
    disclosures: Option<Text>,
    rubric: Option<Text>,
    funds: Vec<(String, Input)>,
    d: &mut Diagnostics,
) -> (Option<Dataset>, Vec<String>) {
    let catalogue: Option<Catalogue> = disclosures.and_then(|t| match yaml::parse::<RawCatalogue>(&t.text, &t.name) {
        Ok(raw) => Some(validate::catalogue(raw, &t.name, d)),
        Err(e) => {
            d.push(e);
            None
        }
    });
    // Without a catalogue, ids cannot be checked; still report the other files' syntax errors.
    let rubric = rubric.and_then(|t| match &catalogue {
        Some(cat) => parse_rubric(&t, cat, d),
        None => yaml::parse::<RawRubric>(&t.text, &t.name).map_err(|e| d.push(e)).ok().and(None),
    });
    let (mut out, fd, skipped) = parse_funds(funds, catalogue.as_ref());
    d.extend(fd);
    out.sort_by(|a, b| a.id.cmp(&b.id));
    let ds = catalogue.zip(rubric).map(|(catalogue, rubric)| Dataset {
        catalogue,
        rubric,
        funds: Arc::new(out),
        record: None,
    });
    (ds, skipped)
}

/// A what-if scenario, checked against the dataset.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub title: Option<String>,
    pub changes: Vec<LevelChange>,
}

/// Reads and checks a `whatif --scenario` file.
pub fn scenario(path: &Path, ds: &Dataset) -> Result<Scenario, Diagnostics> {
    let mut d = Diagnostics::new();
    let Some(t) = read(&Store::Disk, path, &mut d) else { return Err(d) };
    scenario_text(&t.text, &t.name, ds)
}

/// Checks a scenario given as text (`name` is for messages).
pub fn scenario_text(text: &str, name: &str, ds: &Dataset) -> Result<Scenario, Diagnostics> {
    let mut d = Diagnostics::new();
    let t = Text { name: name.to_string(), text: text.to_string() };
    let raw: RawScenario = match yaml::parse(&t.text, &t.name) {
        Ok(r) => r,
        Err(e) => {
            d.push(e);
            return Err(d);
        }
    };
    let changes = validate::scenario(&raw, &t.name, ds, &mut d);
    if d.has_errors() { Err(d) } else { Ok(Scenario { title: raw.title, changes }) }
}

/// One rubric `swfscore rubrics` can offer, checked.
#[derive(Debug)]
pub struct Listed {
    pub usage: Usage,
    pub rubric: Result<Rubric, Diagnostics>,
}

/// How to ask for a listed rubric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Usage {
    /// The default rubric, from `rubric.yaml` or built in.
    Default { builtin: bool },
    /// `--rubric PATH`, a file in `rubrics/`.
    File(String),
    /// `--rubric NAME`, a built-in rubric.
    Builtin(String),
}

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Usage::Default { builtin: false } => f.write_str("(default)"),
            Usage::Default { builtin: true } => f.write_str("(default, built-in)"),
            Usage::File(p) => write!(f, "--rubric {p}"),
            Usage::Builtin(n) => write!(f, "--rubric {n}  (built-in)"),
        }
    }
}

/// Every rubric available from `sources`: the default, `dir/rubrics/`, then the built-in
/// ones not shadowed by a file, each read and checked against the catalogue.
pub fn rubrics(sources: &Sources) -> Result<Vec<Listed>, Diagnostics> {
    let base = load(&Sources { rubric: None, ..sources.clone() });
    let ds = base.dataset.ok_or(base.diagnostics)?;
    let mut out = Vec::new();
    let default_file = sources.dir.join("rubric.yaml");
    let usage = Usage::Default { builtin: !default_file.is_file() };
    out.push(Listed { usage, rubric: Ok(ds.rubric.clone()) });
    let mut on_disk = Vec::new();
    let rubrics_dir = sources.dir.join("rubrics");
    if rubrics_dir.is_dir() {
        let listing = Store::Disk.list(&rubrics_dir).map_err(|e| {
            let mut d = Diagnostics::new();
            d.error(&display(&rubrics_dir), None, format!("cannot read directory: {e}"));
            d
        })?;
        for p in listing {
            on_disk.push(p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
            let shown = p.strip_prefix(".").unwrap_or(&p).display().to_string();
            let rubric = with_rubric(&ds, sources, &p).map(|x| x.rubric);
            out.push(Listed { usage: Usage::File(shown), rubric });
        }
    }
    for (name, text) in builtin_rubrics() {
        if !on_disk.iter().any(|n| n == name) {
            let mut d = Diagnostics::new();
            let rubric = parse_rubric(&builtin_text(&format!("rubrics/{name}.yaml"), text), &ds.catalogue, &mut d);
            let rubric = rubric.filter(|_| !d.has_errors()).ok_or(d);
            out.push(Listed { usage: Usage::Builtin(name.to_string()), rubric });
        }
    }
    Ok(out)
}

/// The other rubrics to compare with, as `--rubric` values: those in `dir/rubrics`, else the
/// built-in ones when the catalogue is the built-in one too (they are written over it).
pub fn rubric_files(sources: &Sources) -> Vec<PathBuf> {
    let on_disk = Store::Disk.list(&sources.dir.join("rubrics")).unwrap_or_default();
    let builtin_catalogue = sources.disclosures.is_none() && !sources.dir.join("disclosures.yaml").is_file();
    if !on_disk.is_empty() {
        on_disk
    } else if builtin_catalogue {
        builtin_rubrics().map(|(n, _)| PathBuf::from(n)).collect()
    } else {
        vec![]
    }
}

/// The three-fund test fixture (`tests/fixtures/mini`), built in, for unit tests.
#[cfg(test)]
pub mod mini {
    use crate::model::Dataset;

    pub const CATALOGUE: &str = include_str!("../tests/fixtures/mini/disclosures.yaml");
    pub const RUBRIC: &str = include_str!("../tests/fixtures/mini/rubric.yaml");
    pub const FUNDS: [(&str, &str); 3] = [
        ("alpha", include_str!("../tests/fixtures/mini/funds/alpha.yaml")),
        ("beta", include_str!("../tests/fixtures/mini/funds/beta.yaml")),
        ("gamma", include_str!("../tests/fixtures/mini/funds/gamma.yaml")),
    ];

    /// The fixture's catalogue with `rubric` and `funds`; panics when they are invalid.
    pub fn with(rubric: &str, funds: &[(&str, &str)]) -> Dataset {
        let loaded = super::from_texts(CATALOGUE, rubric, funds);
        let errors: Vec<String> = loaded.diagnostics.sorted().iter().map(|d| d.to_string()).collect();
        loaded.dataset.unwrap_or_else(|| panic!("fixture invalid: {errors:?}"))
    }

    /// The fixture as it is.
    pub fn dataset() -> Dataset {
        with(RUBRIC, &FUNDS)
    }
}
