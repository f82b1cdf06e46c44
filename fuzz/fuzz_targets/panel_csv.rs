//! A CSV panel of arbitrary bytes (the first byte sets the chunk size), read, checked and,
//! when it reads, scored: every refusal an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    swfscore::fuzzing::panel_csv(data);
});
