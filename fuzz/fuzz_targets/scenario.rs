//! A what-if scenario of arbitrary bytes against the real data.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        swfscore::fuzzing::scenario(text);
    }
});
