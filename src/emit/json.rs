//! `check --format json`: the shape of `interface.md`, field order fixed by the structs.

use std::io::{self, Write};

use serde::Serialize;

use super::pretty::{PrettyArray, Sink};
use super::{Counts, PlacementCounts, path_of};
use crate::analysis::Analysis;
use crate::diagnostic::{Finding, ObjectRef, Suppression};

#[derive(Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

pub const TOOL: Tool = Tool {
    name: "fargate-lint",
    version: env!("CARGO_PKG_VERSION"),
};

#[derive(Serialize)]
struct Summary {
    files: usize,
    skipped: usize,
    /// Paths in walked folders not read on purpose (links out of the repository, FIFOs...);
    /// only when there are any, so that the usual summary keeps its shape.
    #[serde(skip_serializing_if = "is_zero")]
    not_read: usize,
    documents: usize,
    clusters: usize,
    workloads: usize,
    error: usize,
    warning: usize,
    note: usize,
    /// Placements (workload × cluster) on Fargate, on EC2, and pending.
    fargate: usize,
    ec2: usize,
    pending: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    cluster: Option<&'a str>,
    profile: Option<&'a str>,
    object: Option<&'a ObjectRef>,
    /// The kustomize variant (its folder) of the workload the finding is about; `None` for
    /// plain files and findings about no workload.
    variant: Option<&'a str>,
    /// The chart template (`# Source:` of a rendered Helm stream) of the document the
    /// finding is in; `None` elsewhere.
    source_template: Option<&'a str>,
    /// Other places the finding points at (the profile that takes a pod, the first of two
    /// duplicates), in this file or another; only when there are any, so that other
    /// findings keep their shape.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated<'a>>,
    /// Only on suppressed findings (listed with `--show-suppressed`); absent otherwise, so
    /// that the output of a run without suppressions keeps its shape.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<&'a Suppression>,
}

/// A related location: where, in the same fields as a finding's own, and its label.
#[derive(Serialize)]
struct JsonRelated<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    message: &'a str,
}

fn related<'a>(analysis: &'a Analysis, f: &'a Finding) -> Vec<JsonRelated<'a>> {
    f.labels
        .iter()
        .map(|l| JsonRelated {
            file: analysis
                .files
                .get(l.loc.file)
                .map_or("", |s| s.path.as_str()),
            line: l.loc.span.start.line,
            column: l.loc.span.start.column,
            end_line: l.loc.span.end.line,
            end_column: l.loc.span.end.column,
            message: &l.text,
        })
        .collect()
}

/// The variant of the workload a finding is about.
pub fn variant_of<'a>(analysis: &'a Analysis, f: &Finding) -> Option<&'a str> {
    match f.subject {
        Some(crate::diagnostic::Subject::Workload(w)) => analysis
            .model
            .workloads
            .get(w.0 as usize)
            .and_then(|w| w.variant.as_deref()),
        _ => None,
    }
}

#[derive(Serialize)]
struct Report<'a, 's> {
    tool: Tool,
    summary: Summary,
    findings: JsonFindings<'a, 's>,
}

/// The findings, serialized a batch at a time as the writer takes them (never a second copy
/// of every finding), each batch side by side: for the pretty printer of [`write`] only, as
/// the members of the root's `findings` (depth 2).
struct JsonFindings<'a, 's> {
    sink: &'s Sink<'s>,
    analysis: &'a Analysis,
    findings: &'a [Finding],
}

impl Serialize for JsonFindings<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let analysis = self.analysis;
        PrettyArray {
            sink: self.sink,
            items: self.findings,
            depth: 2,
            make: move |_, f| finding(analysis, f),
        }
        .serialize(s)
    }
}

fn finding<'a>(analysis: &'a Analysis, f: &'a Finding) -> JsonFinding<'a> {
    JsonFinding {
        code: f.code,
        rule: f.rule,
        severity: f.severity.as_str(),
        message: &f.message,
        help: f.help.as_deref(),
        file: path_of(analysis, f),
        line: f.loc.span.start.line,
        column: f.loc.span.start.column,
        end_line: f.loc.span.end.line,
        end_column: f.loc.span.end.column,
        cluster: f.cluster.as_deref(),
        profile: f.profile.as_deref(),
        object: f.object.as_ref(),
        variant: variant_of(analysis, f),
        source_template: analysis.helm_sources.template(f.loc),
        related: related(analysis, f),
        suppressed: f.suppressed.as_ref(),
    }
}

/// The report as a string (tests, benchmarks); [`write`] streams it.
pub fn render(analysis: &Analysis, findings: &[Finding]) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail, and serde_json writes UTF-8.
    let _ = write(&mut out, analysis, findings);
    String::from_utf8(out).unwrap_or_default()
}

/// Streams the report into `w`, pretty-printed, with a final newline.
pub fn write(w: &mut dyn Write, analysis: &Analysis, findings: &[Finding]) -> io::Result<()> {
    let counts = Counts::of(findings);
    let placed = PlacementCounts::of(analysis);
    let sink = Sink::new(w);
    let report = Report {
        tool: TOOL,
        summary: Summary {
            files: analysis.stats.files,
            skipped: analysis.stats.skipped,
            not_read: analysis.stats.not_read,
            documents: analysis.stats.documents,
            clusters: analysis.model.clusters.len(),
            workloads: analysis.model.workloads.len(),
            error: counts.error,
            warning: counts.warning,
            note: counts.note,
            fargate: placed.fargate,
            ec2: placed.ec2,
            pending: placed.pending,
        },
        findings: JsonFindings {
            sink: &sink,
            analysis,
            findings,
        },
    };
    sink.write_pretty(&report)?;
    (&sink).write_all(b"\n")
}
