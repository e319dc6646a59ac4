//! Findings: what a rule reports, where, and how severe; the one type every emitter prints.

use serde::Serialize;

use crate::source::Loc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// The Kubernetes object a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ObjectRef {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub code: &'static str,
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    /// The exact key or value at fault.
    pub loc: Loc,
    /// More places worth pointing at, each with a short label.
    pub labels: Vec<(Loc, String)>,
    pub cluster: Option<String>,
    pub profile: Option<String>,
    pub object: Option<ObjectRef>,
}

impl Finding {
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn label(mut self, loc: Loc, text: impl Into<String>) -> Self {
        self.labels.push((loc, text.into()));
        self
    }

    pub fn cluster(mut self, name: impl Into<String>) -> Self {
        self.cluster = Some(name.into());
        self
    }

    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    pub fn object(mut self, object: ObjectRef) -> Self {
        self.object = Some(object);
        self
    }

    /// The order of every output: path (by file id, which follows sorted paths), line,
    /// column, code, then the rest so that equal positions still sort the same way.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            self.loc.file,
            self.loc.span.start,
            self.code,
            self.loc.span.end,
            &self.message,
            &self.cluster,
        )
    }
}
