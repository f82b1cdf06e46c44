//! A rubric of arbitrary bytes over the real catalogue, scored when valid.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        swfscore::fuzzing::rubric(text);
    }
});
