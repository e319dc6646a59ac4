//! What every rule file needs: the context a rule reads and a way to start a finding.

pub use super::Rule;
pub use crate::diagnostic::{Finding, ObjectRef, Severity};
pub use crate::model::{Cluster, FargateProfile, Model, Workload};
pub use crate::placement::{Compute, Placement};
pub use crate::source::Loc;

use crate::source::SourceFile;

/// A problem with an input file itself: unreadable, binary, not UTF-8, or a document that
/// does not parse.
#[derive(Debug, Clone, PartialEq)]
pub struct InputProblem {
    pub loc: Loc,
    pub message: String,
    pub help: &'static str,
}

/// Everything a rule may read.
pub struct Context<'a> {
    pub files: &'a [SourceFile],
    pub model: &'a Model,
    /// `placements[w][c]`: workload `w` of the model in cluster `c`.
    pub placements: &'a [Vec<Placement>],
    pub input_problems: &'a [InputProblem],
}

impl Context<'_> {
    /// A finding of `rule` at `loc`, with the rule's default severity.
    pub fn finding(&self, rule: &Rule, loc: Loc, message: impl Into<String>) -> Finding {
        Finding {
            code: rule.code,
            rule: rule.name,
            severity: rule.severity,
            message: message.into(),
            help: None,
            loc,
            labels: Vec::new(),
            cluster: None,
            profile: None,
            object: None,
        }
    }
}

/// The object reference of a workload, for findings about it.
pub fn object_of(w: &Workload) -> ObjectRef {
    ObjectRef {
        kind: w.kind_name.clone(),
        namespace: w.namespace.clone(),
        name: w.name.clone(),
    }
}
