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
