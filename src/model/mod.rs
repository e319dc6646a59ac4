//! The model of clusters and workloads, and how it is built from parsed documents.
//!
//! One file per input format (`eksctl`, `eks_api`, `kubernetes`, `kustomize`), each with a
//! [`formats::Format`] that says whether a document is its kind and reads it into the types
//! of `types`; `formats` holds the registry and the walk over a file's documents, and
//! `assemble` joins all files.

mod assemble;
mod eks_api;
mod eksctl;
mod formats;
mod keys;
mod kubernetes;
mod kustomize;
mod profile;
mod text;
mod types;
mod unresolved;
mod validate;

pub use assemble::{AssembleStats, FileEntry, assemble};
pub use formats::{
    FORMATS, FileFacts, Format, Head, defines_cluster, extract, extract_document, json_may_be_read,
    may_define_cluster,
};
pub use keys::{ClusterKey, Joined, ProfileKey, WorkloadKey, join};
pub use kubernetes::{NotAnObject, not_an_object};
pub use kustomize::Kustomization;
pub use text::is_placeholder;
pub use types::*;
pub use unresolved::{Needed, Owner, Unresolved};
pub use validate::Invalid;
