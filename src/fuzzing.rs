//! Entry points for the fuzz targets in `fuzz/` and their regression tests: each loads one
//! input given as text beside the built-in data and, when it is valid, runs the scoring
//! paths over it. None may panic, whatever the input.

use crate::load::{builtin, from_texts};
use crate::score::{self, Options};

const MINI_FUND: &str = "id: f\nname: F\njurisdiction: X\nestablished: 2000\nassessed: 2026-01-01\ndisclosures: {}\n";

fn exercise(ds: &crate::model::Dataset) {
    for year in [None, Some(1990), Some(2010)] {
        let r = score::score(ds, &Options { as_of: year, unknown_effects: true, ..Options::default() });
        for f in ds.funds.iter() {
            let _ = score::raw_bounds(&ds.rubric, f, year);
        }
        let _ = r.results.len();
    }
}

/// A fund descriptor (`funds/f.yaml`) with the built-in catalogue and rubric.
pub fn fund(text: &str) {
    let loaded = from_texts(builtin::DISCLOSURES, builtin::RUBRIC, &[("f", text)]);
    if let Some(ds) = loaded.dataset {
        exercise(&ds);
    }
}

/// A rubric over the built-in catalogue, with one small fund.
pub fn rubric(text: &str) {
    let loaded = from_texts(builtin::DISCLOSURES, text, &[("f", MINI_FUND)]);
    if let Some(ds) = loaded.dataset {
        exercise(&ds);
        for p in &ds.rubric.profiles {
            let _ = ds.rubric.with_profile(&p.id, &ds.catalogue);
        }
    }
}

/// A catalogue, with a rubric and fund that use one disclosure of it.
pub fn catalogue(text: &str) {
    let rubric = "id: r\ntitle: R\nscale: 100\ncategories:\n  - id: c\n    title: C\n    weight: 1\n    items:\n      - id: annual_report\n        title: A\n";
    let loaded = from_texts(text, rubric, &[("f", MINI_FUND)]);
    if let Some(ds) = loaded.dataset {
        exercise(&ds);
    }
}

/// A what-if scenario against three of the built-in funds (loaded once).
pub fn scenario(text: &str) {
    static DATA: std::sync::OnceLock<Option<crate::model::Dataset>> = std::sync::OnceLock::new();
    let ds = DATA.get_or_init(|| {
        let funds: Vec<(&str, &str)> = builtin::FUNDS.iter().take(3).copied().collect();
        from_texts(builtin::DISCLOSURES, builtin::RUBRIC, &funds).dataset
    });
    if let Some(ds) = ds
        && let Ok(s) = crate::load::scenario_text(text, "scenario.yaml", ds)
    {
        let _ = crate::analysis::whatif::whatif(ds, s.title, &s.changes, None);
    }
}

/// A CSV panel of arbitrary bytes (after the first, which sets the chunk size, so that chunk
/// boundaries fall everywhere), read beside the built-in catalogue and, when it reads, scored
/// and written out. A refusal must be an error, never a panic.
pub fn panel_csv(data: &[u8]) {
    let Some((&size, body)) = data.split_first() else { return };
    panel_file(body, "csv", 1 + size as usize * 8, 1 << 20);
}

/// A Parquet panel of arbitrary bytes (after the first, which sets the rows per chunk).
pub fn panel_parquet(data: &[u8]) {
    let Some((&rows, body)) = data.split_first() else { return };
    panel_file(body, "parquet", 16 << 20, 1 + rows as usize);
}

fn panel_file(body: &[u8], ext: &str, csv_bytes: usize, parquet_rows: usize) {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    static DATA: std::sync::OnceLock<crate::model::Dataset> = std::sync::OnceLock::new();
    let dir = DIR.get_or_init(|| tempfile::tempdir().expect("a temporary folder"));
    let ds = DATA.get_or_init(|| {
        from_texts(builtin::DISCLOSURES, builtin::RUBRIC, &[]).dataset.expect("the built-in data loads")
    });
    let path = dir.path().join(format!("panel-{:?}.{ext}", std::thread::current().id()));
    if std::fs::write(&path, body).is_err() {
        return;
    }
    match crate::panel::read_in_chunks(&path, &ds.catalogue, csv_bytes, parquet_rows) {
        Ok((panel, _)) => {
            let batch = crate::analysis::batch::panel(ds, None, &panel);
            let _ = crate::panel::batch_bytes(&batch, std::path::Path::new("scores.csv"));
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}
