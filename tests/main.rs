//! Integration tests: run the built binary on real and broken inputs and check stdout,
//! stderr, exit code and files written. Snapshots live in the top-level `snapshots/`.

#![allow(unreachable_pub)] // test helpers are shared between the test modules

mod util;

mod analysis;
mod architecture;
mod audit;
mod batch;

mod builtin;
mod cli;
mod edition;
mod errors;
mod fuzz_regressions;
mod hardening;
mod properties;
mod readme;
mod reports;
mod robustness;
mod sql;
