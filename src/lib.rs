//! swfscore: scores how transparent sovereign wealth funds are, from sourced evidence.
//!
//! Data flows one way: YAML files → [`raw`] structs → [`validate`] → [`model`] →
//! [`score`] → [`render`]. [`load`] finds the files; [`commands`] runs the CLI.

pub mod analysis;
pub mod cli;
pub mod commands;
mod config;
pub mod diag;
pub mod error;
pub mod estimate;
pub mod filter;
#[doc(hidden)]
pub mod fuzzing;
pub mod load;
pub mod locale;
pub mod model;
mod output;
pub mod panel;
pub mod raw;
pub mod render;
mod report;
pub mod score;
pub mod sql;
pub mod validate;
pub mod yaml;
