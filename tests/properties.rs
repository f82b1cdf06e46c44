//! Properties that must hold on any data, checked with proptest on generated funds over the
//! mini fixture's catalogue and rubric.

use proptest::prelude::*;
use swfscore::load::from_texts;
use swfscore::model::{Dataset, Level, UnknownRule};
use swfscore::score::{Options, raw_bounds, raw_score, score};

const CATALOGUE: &str = include_str!("fixtures/mini/disclosures.yaml");
const RUBRIC: &str = include_str!("fixtures/mini/rubric.yaml");
const DISCLOSURES: [&str; 4] = ["annual_report", "fund_size", "holdings_list", "audited_financial_statements"];
const LEVELS: [&str; 5] = ["full", "partial", "none", "not_applicable", "unknown"];

/// One disclosure: level index, start kind (0 none, 1 since, 2 known_since), start year.
type Gen = (usize, usize, i32);

fn fund_text(id: &str, established: i32, ds: &[Gen]) -> String {
    let mut s = format!(
        "id: {id}\nname: {id}\njurisdiction: X\nestablished: {established}\nassessed: 2026-01-01\ndisclosures:\n"
    );
    for (d, (l, start, year)) in DISCLOSURES.iter().zip(ds) {
        let level = LEVELS[*l];
        s.push_str(&format!("  {d}:\n    level: {level}\n    note: generated\n"));
        if level == "full" || level == "partial" {
            let y = (*year).clamp(established, 2026);
            // Evidence dated no earlier than a `known_since` year (`validate` rejects older).
            let dated = if *start == 2 { y.max(2025) } else { 2025 };
            s.push_str(&format!("    evidence: [{{ source: S, url: \"https://s.example\", date: {dated} }}]\n"));
            match start {
                1 => s.push_str(&format!("    since: {y}\n")),
                2 => s.push_str(&format!("    known_since: {y}\n")),
                _ => {}
            }
        }
    }
    s
}

fn dataset(rubric: &str, funds: &[(String, String)]) -> Dataset {
    let pairs: Vec<(&str, &str)> = funds.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let loaded = from_texts(CATALOGUE, rubric, &pairs);
    let errors: Vec<String> = loaded.diagnostics.sorted().iter().map(|d| d.to_string()).collect();
    loaded.dataset.unwrap_or_else(|| panic!("generated data invalid: {errors:?}"))
}

fn funds_strategy() -> impl Strategy<Value = Vec<(i32, Vec<Gen>)>> {
    prop::collection::vec((1990..2020i32, prop::collection::vec((0..5usize, 0..3usize, 1990..2027i32), 4)), 1..6)
}

fn texts(funds: &[(i32, Vec<Gen>)]) -> Vec<(String, String)> {
    funds.iter().enumerate().map(|(i, (e, ds))| (format!("f{i}"), fund_text(&format!("f{i}"), *e, ds))).collect()
}

fn scores(ds: &Dataset, year: Option<i32>) -> Vec<(String, Option<f64>, Option<u32>)> {
    let r = score(ds, &Options { as_of: year, ..Options::default() });
    let mut v: Vec<_> = r.results.iter().map(|f| (f.fund.clone(), f.score, f.rank)).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn scores_lie_within_the_scale_and_their_bounds(funds in funds_strategy(), year in prop::option::of(1990..2027i32)) {
        let mut ds = dataset(RUBRIC, &texts(&funds));
        for rule in [UnknownRule::None, UnknownRule::Exclude] {
            ds.rubric.unknown = rule;
            for f in ds.funds.iter() {
                if year.is_some_and(|y| y < f.established) { continue; }
                let s = raw_score(&ds.rubric, f, year);
                let b = raw_bounds(&ds.rubric, f, year);
                prop_assert!((0.0..=100.0).contains(&s));
                prop_assert!(b.low - 1e-9 <= s && s <= b.high + 1e-9, "{rule:?}: {s} not in {b:?}");
            }
        }
    }

    #[test]
    fn raising_a_level_never_lowers_the_score(funds in funds_strategy(), which in 0..4usize) {
        let t = texts(&funds);
        let ds = dataset(RUBRIC, &t);
        let f = &ds.funds[0];
        let before = raw_score(&ds.rubric, f, None);
        let now = f.standing(DISCLOSURES[which], None).level;
        for up in [Level::Partial, Level::Full] {
            let higher = matches!((now, up), (Level::None | Level::Unknown, _) | (Level::Partial, Level::Full));
            if !higher { continue; }
            let raised = ds.with_levels(&[(f.id.clone(), DISCLOSURES[which].to_string(), up)]);
            let after = raw_score(&raised.rubric, raised.fund(&f.id).unwrap(), None);
            prop_assert!(after >= before - 1e-9, "{now} -> {up}: {before} -> {after}");
        }
    }

    #[test]
    fn renaming_and_reordering_funds_changes_only_names(funds in funds_strategy()) {
        let t = texts(&funds);
        let base = scores(&dataset(RUBRIC, &t), None);
        let mut renamed: Vec<(String, String)> = t.iter().map(|(id, text)| {
            let new = format!("z{id}");
            (new.clone(), text.replacen(&format!("id: {id}\n"), &format!("id: {new}\n"), 1))
        }).collect();
        renamed.reverse();
        let other = scores(&dataset(RUBRIC, &renamed), None);
        let strip: Vec<_> = other.into_iter().map(|(id, s, r)| (id.trim_start_matches('z').to_string(), s, r)).collect();
        prop_assert_eq!(base, strip);
    }

    #[test]
    fn scaling_every_weight_changes_nothing(funds in funds_strategy(), k in 1..20u32) {
        let t = texts(&funds);
        // Every weight line times k (one pass over the lines, so no replacement is replaced again).
        let scaled: String = RUBRIC
            .lines()
            .map(|l| match l.split_once("weight: ") {
                Some((head, w)) => format!("{head}weight: {}\n", w.trim().parse::<u32>().unwrap() * k),
                None => format!("{l}\n"),
            })
            .collect();
        prop_assert_eq!(scores(&dataset(RUBRIC, &t), None), scores(&dataset(&scaled, &t), None));
    }

    #[test]
    fn as_of_the_assessment_year_is_the_plain_score(funds in funds_strategy()) {
        let ds = dataset(RUBRIC, &texts(&funds));
        prop_assert_eq!(scores(&ds, None), scores(&ds, Some(2026)));
    }

    #[test]
    fn whatif_equals_a_rescore_of_edited_files(funds in funds_strategy(), which in 0..4usize, to in 0..3usize) {
        let t = texts(&funds);
        let ds = dataset(RUBRIC, &t);
        let level = [Level::Full, Level::Partial, Level::None][to];
        let changed = ds.with_levels(&[("f0".to_string(), DISCLOSURES[which].to_string(), level)]);
        // The same change written into the file: that disclosure at `level`, dated 2026.
        let mut gens = funds.clone();
        gens[0].1[which] = (to, 1, 2026);
        let edited = dataset(RUBRIC, &texts(&gens));
        prop_assert_eq!(scores(&changed, None), scores(&edited, None));
    }
}
