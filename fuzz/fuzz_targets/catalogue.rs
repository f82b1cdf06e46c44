//! A disclosure catalogue of arbitrary bytes, with the mini rubric and funds.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        swfscore::fuzzing::catalogue(text);
    }
});
