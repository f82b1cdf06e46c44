//! A fund descriptor of arbitrary bytes, checked against the real catalogue and rubric, and
//! scored, explained and compared over time when it is valid.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        swfscore::fuzzing::fund(text);
    }
});
