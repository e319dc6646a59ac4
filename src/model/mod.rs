//! The model of clusters and workloads, and how it is built from parsed documents.
//!
//! One file per input format (`eksctl`, `eks_api`, `kubernetes`, `kustomize`), each with a
//! [`formats::Format`] that says whether a document is its kind and reads it into the types
//! of `types`; `formats` holds the registry and the walk over a file's documents, and
//! `assemble` joins all files.

mod assemble;
mod cloudformation;
mod eks_api;
mod eksctl;
mod formats;
mod iam;
mod keys;
mod kubernetes;
mod kustomize;
mod kustomize_build;
mod kustomize_patch;
mod kustomize_tree;
mod profile;
pub mod terraform;
mod text;
mod tf_module;
mod types;
mod unresolved;
mod validate;
mod value;

pub use assemble::{AssembleStats, FileEntry, assemble};
pub use formats::{
    FORMATS, FileFacts, Format, Head, defines_cluster, extract, extract_document, json_may_be_read,
    may_define_cluster,
};
pub use iam::{
    is_fargate_pod_execution_policy, is_fargate_principal, role_name_of_arn, trusts_fargate,
};
pub use keys::{ClusterKey, Joined, ProfileKey, WorkloadKey, join};
pub use kubernetes::{NotAnObject, not_an_object};
pub use kustomize::{
    FILE_NAMES as KUSTOMIZATION_FILE_NAMES, Kustomization, is_kustomization_path, is_remote,
    kustomization_of, untyped_kustomization,
};
pub use kustomize_build::join as join_path;
pub use kustomize_build::{
    BuildInput, BuildProblem, Source, Variant, build_variant, folder_of, needs_render,
    rendered_documents, variant_paths,
};
pub use text::is_placeholder;
pub use types::*;
pub use unresolved::{Needed, Owner, Unresolved};
pub use validate::Invalid;
