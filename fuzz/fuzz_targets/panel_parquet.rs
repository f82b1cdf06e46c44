//! A Parquet panel of arbitrary bytes (the first byte sets the rows per chunk), read, checked
//! and, when it reads, scored: every refusal an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    swfscore::fuzzing::panel_parquet(data);
});
