//! The fuzz targets' inputs replayed on stable: every seed (the real data) and every
//! reproducer a fuzzing run found (`fuzz/regressions/<target>/`) must load without a panic.

use crate::util::repo;

fn replay(target: &str, run: fn(&str)) -> usize {
    replay_bytes(target, |bytes| {
        if let Ok(text) = std::str::from_utf8(bytes) {
            run(text);
        }
    })
}

fn replay_bytes(target: &str, run: impl Fn(&[u8])) -> usize {
    let mut n = 0;
    for dir in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(repo().join("fuzz").join(dir).join(target)) else { continue };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            run(&std::fs::read(&p).unwrap());
            n += 1;
        }
    }
    n
}

#[test]
fn fuzz_seeds_and_reproducers_load_without_panicking() {
    assert!(replay("fund", swfscore::fuzzing::fund) >= 15);
    assert!(replay("rubric", swfscore::fuzzing::rubric) >= 4);
    assert!(replay("catalogue", swfscore::fuzzing::catalogue) >= 1);
    assert!(replay("scenario", swfscore::fuzzing::scenario) >= 1);
    assert!(replay_bytes("panel_csv", swfscore::fuzzing::panel_csv) >= 5);
    assert!(replay_bytes("panel_parquet", swfscore::fuzzing::panel_parquet) >= 8);
}
