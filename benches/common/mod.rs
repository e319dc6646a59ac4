//! What the benchmarks share, one job per file: [`generator`] (the realistic corpus),
//! [`options`] (command line and environment), [`measure`] (timing the release binary and
//! the table). Each benchmark includes this folder with `#[path = ...] mod common;`.

// Each benchmark is its own crate and uses only part of this folder (`outputs` has no
// corpus, `engine` runs no binary), so what one of them leaves unused is not dead.
#![allow(dead_code)]

pub mod generator;
pub mod measure;
pub mod options;
