//! Everything the in-process benchmarks (`engine`, `suite`) use of the library, in one place.
//! The model is built by parsing generated YAML, never by hand, so new fields of the model
//! types change nothing here; a renamed or moved function changes one line. Not part of
//! `common/mod.rs`: the benchmarks that time the binary link nothing from the crate. Each
//! user includes it with `#[path = "common/engine.rs"] mod engine;`.

// `suite` uses only the parsers of it.
#![allow(dead_code)]

use fargate_lint::model::{self, FileEntry};
use fargate_lint::placement::{self, Compute};
use fargate_lint::sizing::{self, FargateSize};
use fargate_lint::source::FileId;
use fargate_lint::yaml;

pub use fargate_lint::model::{Cluster, FileFacts, Model, Workload};
pub use fargate_lint::placement::Placement;
pub use fargate_lint::yaml::ParsedFile;

/// One file's text into documents, with the limits a run uses by default.
pub fn parse(text: &str) -> ParsedFile {
    yaml::parse(text, yaml::Limits::default())
}

pub fn documents(parsed: &ParsedFile) -> usize {
    parsed.documents.len()
}

/// The documents of `text` as granit's event stream alone counts them: no tree, no comment
/// events, nothing kept (the parser without anything fargate-lint builds on it). Stops at
/// the first error, as a reader without recovery does.
pub fn count_events_documents(text: &str) -> usize {
    let options = granit_parser::options! { emit_comments: false };
    let mut parser = granit_parser::Parser::new_from_str_with_options(text, options);
    let mut documents = 0;
    while let Some(Ok((event, _))) = parser.next_event() {
        documents += usize::from(matches!(event, granit_parser::Event::DocumentStart(..)));
    }
    documents
}

/// The facts of the file with index `index`.
pub fn extract(index: usize, parsed: &ParsedFile) -> FileFacts {
    model::extract(FileId(u32::try_from(index).unwrap_or(u32::MAX)), parsed)
}

/// All files into one model; a workload without a namespace gets `default`, as in a run
/// without configuration.
pub fn assemble(files: Vec<(String, FileFacts)>) -> Model {
    let entries = files
        .into_iter()
        .map(|(path, facts)| FileEntry { path, facts })
        .collect();
    model::assemble(entries, "default").0
}

pub fn clusters(model: &Model) -> &[Cluster] {
    &model.clusters
}

pub fn workloads(model: &Model) -> &[Workload] {
    &model.workloads
}

pub fn profiles(cluster: &Cluster) -> usize {
    cluster.profiles.len()
}

/// A cluster's profile order, made once per cluster as a run does.
pub fn order(cluster: &Cluster) -> placement::ProfileOrder<'_> {
    placement::ProfileOrder::of(cluster)
}

pub fn place(order: &placement::ProfileOrder<'_>, workload: &Workload) -> Placement {
    placement::place_among(order, workload)
}

/// Fargate, EC2 and Pending placements among `placements`: shows that the workloads
/// exercise every outcome, not only the cheapest.
pub fn tally(placements: &[Placement]) -> [usize; 3] {
    let mut counts = [0; 3];
    for p in placements {
        counts[match p.compute {
            Compute::Fargate => 0,
            Compute::Ec2 => 1,
            Compute::Pending => 2,
        }] += 1;
    }
    counts
}

/// The Fargate size of the workload's pods; `None` when none is large enough.
pub fn size(workload: &Workload) -> Option<FargateSize> {
    sizing::size_for(&sizing::pod_need(&workload.pod))
}

/// A Terraform module of one file, parsed and read as a run reads it; its clusters.
pub fn terraform(index: usize, text: &str) -> usize {
    let id = FileId(u32::try_from(index).unwrap_or(u32::MAX));
    let Ok(file) = model::terraform::parse(id, &format!("m{index}/main.tf"), text) else {
        return 0;
    };
    model::terraform::read_modules(std::slice::from_ref(&file))
        .iter()
        .map(|(_, facts)| facts.clusters.len())
        .sum()
}
