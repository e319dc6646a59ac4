//! Findings: what a rule reports, where, and how severe; the one type every emitter prints.

use serde::Serialize;

use crate::source::{ClusterId, Loc, WorkloadId};

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
    /// What the finding is about, by identity within the run: outputs join findings to
    /// workloads by it (never by names, which two objects may share).
    pub subject: Option<Subject>,
    /// Set when a suppression covers the finding: it is then not counted, and shown only
    /// with `--show-suppressed`.
    pub suppressed: Option<Suppression>,
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    Workload(WorkloadId),
    /// Profile `index` (in definition order) of cluster `cluster`.
    Profile {
        cluster: ClusterId,
        index: usize,
    },
    Cluster(ClusterId),
}

/// Where a suppression was written, in SARIF's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SuppressionKind {
    /// A comment or an annotation in the file of the finding.
    InSource,
    /// An `[[ignore]]` table of the configuration file.
    External,
}

impl SuppressionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::InSource => "inSource",
            SuppressionKind::External => "external",
        }
    }
}

/// What suppressed a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    pub kind: SuppressionKind,
    /// The reason written with the suppression, if any.
    pub justification: Option<String>,
    /// Where the suppression is, for people ("comment at line 4"); not in JSON or SARIF.
    #[serde(skip)]
    pub source: String,
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

    /// Whether the finding counts: shown by default, in the summary and the exit code.
    pub fn counts(&self) -> bool {
        self.suppressed.is_none()
    }

    pub fn object(mut self, object: ObjectRef) -> Self {
        self.object = Some(object);
        self
    }

    /// A finding of rule `code` (`rule` its name) at `loc`, with nothing else filled in: the
    /// one way to start a finding; the builder methods add the rest.
    pub fn new(
        code: &'static str,
        rule: &'static str,
        severity: Severity,
        loc: Loc,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            code,
            rule,
            severity,
            message: message.into(),
            help: None,
            loc,
            labels: Vec::new(),
            cluster: None,
            profile: None,
            object: None,
            subject: None,
            suppressed: None,
        }
    }

    pub fn subject(mut self, subject: Subject) -> Self {
        self.subject = Some(subject);
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

/// `1 error`, `2 warnings`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A problem with an input file itself: unreadable, binary, not UTF-8, or a document that
/// does not parse or that kubectl refuses (a string or a list, not an object).
#[derive(Debug, Clone, PartialEq)]
pub struct InputProblem {
    pub loc: Loc,
    pub message: String,
    pub help: &'static str,
    /// The file was read and the problem is in one of its documents; `false` when the file
    /// could not be read at all.
    pub file_read: bool,
}
