//! `check --format sarif`: a SARIF 2.1.0 log for GitHub code scanning and other SARIF readers,
//! from hand-written serde structs (the `sarif` crate is an empty placeholder and `serde-sarif`
//! is heavy). One run per log; every rule of the catalogue is described, not only those that
//! fired, so that a reader knows what a clean run checked.
//!
//! What GitHub needs and peers get wrong, and how this file does it:
//! - artifact URIs relative to the repository root with `uriBaseId: %SRCROOT%` (see
//!   [`crate::repo`]), whatever folder was scanned and wherever the command ran;
//! - regions on the exact key or value, since GitHub shows an alert in a pull request only
//!   when all its lines are in the diff;
//! - `partialFingerprints.primaryLocationLineHash` from the rule and the text at fault, not the
//!   line number, so that an alert survives unrelated lines moving;
//! - suppressed findings are left out: GitHub ignores `suppressions` and shows them as open;
//!   the caller passes them only for `--show-suppressed`, and they then carry `suppressions`.
//!
//! Tool errors: an input that could not be read at all (permissions, binary, not UTF-8, too
//! large, a link loop) is a `toolExecutionNotification` besides its FL001 result; a document
//! that does not parse is only a result, since the tool read it fine.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::analysis::{Analysis, is_parse_problem};
use crate::diagnostic::{Finding, Severity};
use crate::repo::{RepoPath, RepoPaths, file_uri, uri_encode};
use crate::rules::{RULES, Rule};
use crate::source::{FileId, Loc};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where the tool and its rule documents are published.
const INFORMATION_URI: &str = "https://github.com/fargate-lint/fargate-lint";

/// The base that artifact URIs are relative to: the repository root.
const SRCROOT: &str = "%SRCROOT%";

/// The category of the analysis when `--sarif-category` is not given.
pub const DEFAULT_CATEGORY: &str = "fargate-lint/";

/// How to write the log.
#[derive(Debug, Clone, Default)]
pub struct SarifOptions {
    /// `runs[0].automationDetails.id`: GitHub keeps one set of alerts per category, so two
    /// analyses of one repository (two clusters, say) need two. A trailing `/` is added when
    /// missing: GitHub takes the category as everything up to the last `/`.
    pub category: Option<String>,
}

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    automation_details: AutomationDetails,
    invocations: Vec<Invocation>,
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<RuleDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: &'static str,
    markdown: &'static str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    precision: &'static str,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    working_directory: ArtifactLocation,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    associated_rule: RuleReference,
}

#[derive(Serialize)]
struct RuleReference {
    id: &'static str,
    index: usize,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation>,
    partial_fingerprints: Fingerprints,
    /// Only for findings shown with `--show-suppressed`: GitHub would list a suppressed
    /// result as an open alert, so they are left out otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<Vec<Suppression>>,
}

/// A suppression of a result shown anyway (`--show-suppressed`).
#[derive(Serialize)]
pub struct Suppression {
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation {
    id: usize,
    physical_location: PhysicalLocation,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fingerprints {
    primary_location_line_hash: String,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// The "What it finds" section of a rule document as one paragraph, or the summary.
fn full_description(rule: &Rule) -> String {
    let mut lines = rule
        .doc
        .lines()
        .skip_while(|l| l.trim() != "## What it finds")
        .skip(1);
    let text: Vec<&str> = lines
        .by_ref()
        .take_while(|l| !l.starts_with("## "))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if text.is_empty() {
        rule.summary.to_string()
    } else {
        text.join(" ")
    }
}

fn descriptor(rule: &Rule) -> RuleDescriptor {
    RuleDescriptor {
        id: rule.code,
        name: rule.name,
        short_description: Text {
            text: rule.summary.to_string(),
        },
        full_description: Text {
            text: full_description(rule),
        },
        // The document is Markdown written to read well as plain text too.
        help: Help {
            text: rule.doc,
            markdown: rule.doc,
        },
        help_uri: format!(
            "{INFORMATION_URI}/blob/main/rules/{}-{}.md",
            rule.code, rule.name
        ),
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        properties: RuleProperties {
            tags: rule.tags(),
            precision: rule.precision.as_str(),
            security_severity: rule.security_severity,
        },
    }
}

/// FNV-1a, 64 bits: stable across Rust versions and platforms, unlike `DefaultHasher`.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A line with its indentation and runs of blanks collapsed, so that re-indenting or
/// reformatting spaces does not change a fingerprint.
fn normalize_line(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Normalized lines of each file, computed once per file that has findings.
struct FileLines<'a> {
    analysis: &'a Analysis,
    cache: HashMap<FileId, Vec<String>>,
}

impl FileLines<'_> {
    fn lines(&mut self, file: FileId) -> &[String] {
        let analysis = self.analysis;
        self.cache.entry(file).or_insert_with(|| {
            analysis
                .files
                .get(file.0 as usize)
                .map(|f| f.text.lines().map(normalize_line).collect())
                .unwrap_or_default()
        })
    }

    /// `primaryLocationLineHash`: a hash of the rule and the normalized text of the lines at
    /// fault, then `:n` for the n-th place in the file with that same text (so identical
    /// lines still differ). The line number is not in it: inserting lines above leaves it be.
    fn fingerprint(&mut self, code: &str, loc: Loc) -> String {
        let lines = self.lines(loc.file);
        let first = (loc.span.start.line as usize).saturating_sub(1);
        let last = (loc.span.end.line as usize)
            .saturating_sub(1)
            .max(first)
            .min(lines.len().saturating_sub(1));
        let window = lines.get(first..=last).unwrap_or(&[]);
        let occurrence = if window.is_empty() {
            1
        } else {
            let k = window.len();
            1 + (0..first)
                .filter(|&i| lines.get(i..i + k) == Some(window))
                .count()
        };
        let mut key = String::from(code);
        for l in window {
            key.push('\0');
            key.push_str(l);
        }
        format!("{:016x}:{occurrence}", fnv1a(key.as_bytes()))
    }
}

fn category_id(category: Option<&str>) -> String {
    match category.map(str::trim).filter(|c| !c.is_empty()) {
        None => DEFAULT_CATEGORY.to_string(),
        Some(c) if c.ends_with('/') => c.to_string(),
        Some(c) => format!("{c}/"),
    }
}

fn artifact(paths: &RepoPaths, file: FileId) -> ArtifactLocation {
    match paths.get(file) {
        Some(RepoPath::Relative(p)) => ArtifactLocation {
            uri: uri_encode(p),
            uri_base_id: Some(SRCROOT),
        },
        Some(RepoPath::Absolute(p)) => ArtifactLocation {
            uri: file_uri(p, false),
            uri_base_id: None,
        },
        Some(RepoPath::Display(p)) => ArtifactLocation {
            uri: uri_encode(p),
            uri_base_id: None,
        },
        None => ArtifactLocation {
            uri: String::new(),
            uri_base_id: None,
        },
    }
}

fn physical(paths: &RepoPaths, loc: Loc) -> PhysicalLocation {
    let start = loc.span.start;
    let end = loc.span.end;
    // SARIF wants the end at or after the start; a point (an unreadable file) is empty.
    let (end_line, end_column) = if (end.line, end.column) < (start.line, start.column) {
        (start.line, start.column)
    } else {
        (end.line, end.column)
    };
    PhysicalLocation {
        artifact_location: artifact(paths, loc.file),
        region: Region {
            start_line: start.line.max(1),
            start_column: start.column.max(1),
            end_line: end_line.max(1),
            end_column: end_column.max(1),
        },
    }
}

fn rule_index(code: &str) -> usize {
    RULES.iter().position(|r| r.code == code).unwrap_or(0)
}

fn result(paths: &RepoPaths, lines: &mut FileLines<'_>, f: &Finding) -> SarifResult {
    let mut text = f.message.clone();
    if let Some(help) = &f.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    SarifResult {
        rule_id: f.code,
        rule_index: rule_index(f.code),
        level: level(f.severity),
        message: Text { text },
        locations: vec![Location {
            physical_location: physical(paths, f.loc),
        }],
        related_locations: f
            .labels
            .iter()
            .enumerate()
            .map(|(i, (loc, label))| RelatedLocation {
                id: i + 1,
                physical_location: physical(paths, *loc),
                message: Text {
                    text: label.clone(),
                },
            })
            .collect(),
        partial_fingerprints: Fingerprints {
            primary_location_line_hash: lines.fingerprint(f.code, f.loc),
        },
        suppressions: f.suppressed.as_ref().map(|s| {
            vec![Suppression {
                kind: s.kind.as_str(),
                justification: s.justification.clone(),
            }]
        }),
    }
}

pub fn render(analysis: &Analysis, findings: &[Finding], options: &SarifOptions) -> String {
    let paths = RepoPaths::new(&analysis.paths());
    let mut lines = FileLines {
        analysis,
        cache: HashMap::new(),
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let fl001 = rule_index("FL001");
    let notifications = analysis
        .input_problems
        .iter()
        .filter(|p| !is_parse_problem(p))
        .map(|p| Notification {
            level: "error",
            message: Text {
                text: format!("{}: {}", paths.relative(p.loc.file), p.message),
            },
            locations: vec![Location {
                physical_location: physical(&paths, p.loc),
            }],
            associated_rule: RuleReference {
                id: "FL001",
                index: fl001,
            },
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "fargate-lint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: RULES.iter().map(|r| descriptor(r)).collect(),
                },
            },
            automation_details: AutomationDetails {
                id: category_id(options.category.as_deref()),
            },
            // A log is written only when the run completed; a run that fails (exit 2)
            // writes none. Unreadable inputs are reported, not a failure.
            invocations: vec![Invocation {
                execution_successful: true,
                working_directory: ArtifactLocation {
                    uri: file_uri(&cwd, true),
                    uri_base_id: None,
                },
                tool_execution_notifications: notifications,
            }],
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                ArtifactLocation {
                    uri: file_uri(&paths.base, true),
                    uri_base_id: None,
                },
            )]),
            column_kind: "unicodeCodePoints",
            results: findings
                .iter()
                .map(|f| result(&paths, &mut lines, f))
                .collect(),
        }],
    };
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_gets_a_trailing_slash() {
        assert_eq!(category_id(None), "fargate-lint/");
        assert_eq!(category_id(Some("prod")), "prod/");
        assert_eq!(category_id(Some("prod/eu/")), "prod/eu/");
        assert_eq!(category_id(Some("  ")), "fargate-lint/");
    }

    #[test]
    fn every_rule_has_a_full_description() {
        for r in RULES {
            let d = full_description(r);
            assert!(!d.is_empty() && !d.contains('\n'), "{}: {d:?}", r.code);
        }
    }

    #[test]
    fn security_rules_are_tagged_security() {
        for r in RULES {
            assert_eq!(
                r.tags().contains(&"security"),
                r.security_severity.is_some(),
                "{}",
                r.code
            );
        }
    }

    #[test]
    fn fnv_is_the_reference_function() {
        // Test vectors of FNV-1a 64.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
