//! The model of clusters and workloads, and how it is built from parsed documents:
//! `extract` reads one file, `assemble` joins all files.

mod assemble;
mod extract;
mod text;
mod types;
mod validate;

pub use assemble::{AssembleStats, FileEntry, assemble};
pub use extract::{
    FileFacts, Kustomization, NotAnObject, Unresolved, extract, extract_document, not_an_object,
};
pub use text::is_placeholder;
pub use types::*;
pub use validate::Invalid;
