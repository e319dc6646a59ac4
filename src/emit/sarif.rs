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
//! - `partialFingerprints` carries our own identity of a result under `fargateLint/v1` (the
//!   rule and the text at fault, not the line number, so it survives unrelated lines
//!   moving), and leaves `primaryLocationLineHash` to the uploader: `upload-sarif` computes
//!   that key itself with its own rolling hash of the file and warns for every result whose
//!   precomputed value differs, so any other value only adds noise;
//! - `automationDetails` only with `--sarif-category`: a fixed default would make two uses of
//!   the Action in one workflow (a matrix) overwrite each other's alerts, while without it
//!   GitHub keeps them apart by workflow and job;
//! - suppressed findings are left out: GitHub ignores `suppressions` and shows them as open;
//!   the caller passes them only for `--show-suppressed`, and they then carry `suppressions`.
//!
//! Tool errors: an input that could not be read at all (permissions, binary, not UTF-8, too
//! large, a link loop) is a `toolExecutionNotification` besides its FL001 result; a document
//! that does not parse is only a result, since the tool read it fine.

use super::FastMap;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::pretty::{PrettyArray, Sink};
use crate::analysis::{Analysis, is_parse_problem};
use crate::diagnostic::{Finding, Severity};
use crate::repo::{RepoPath, RepoPaths, file_uri, uri_encode};
use crate::rules::{self, RULES, Rule};
use crate::source::{FileId, Loc};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where the tool and its rule documents are published.
const INFORMATION_URI: &str = "https://github.com/fargate-lint/fargate-lint";

/// The base that artifact URIs are relative to: the repository root.
const SRCROOT: &str = "%SRCROOT%";

/// How to write the log.
#[derive(Debug, Clone, Default)]
pub struct SarifOptions {
    /// `runs[0].automationDetails.id`: GitHub keeps one set of alerts per category, so two
    /// analyses of one repository (two clusters, say) need two. A trailing `/` is added when
    /// missing: GitHub takes the category as everything up to the last `/`.
    pub category: Option<String>,
}

#[derive(Serialize)]
struct Log<'a, 's> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a, 's>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a, 's> {
    tool: Tool,
    #[serde(skip_serializing_if = "Option::is_none")]
    automation_details: Option<AutomationDetails>,
    invocations: Vec<Invocation>,
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    column_kind: &'static str,
    results: Results<'a, 's>,
}

/// The results, built and serialized a batch at a time as the writer takes them (never all
/// at once), each batch side by side: for the pretty printer of [`write`] only, as the items
/// of `runs[0].results` (depth 4).
struct Results<'a, 's> {
    sink: &'s Sink<'s>,
    analysis: &'a Analysis,
    paths: &'a RepoPaths,
    findings: &'a [Finding],
    fingerprints: Vec<String>,
}

impl Serialize for Results<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (analysis, paths, fingerprints) = (self.analysis, self.paths, &self.fingerprints);
        PrettyArray {
            sink: self.sink,
            items: self.findings,
            depth: 4,
            make: move |i, f| {
                let fingerprint = fingerprints.get(i).cloned().unwrap_or_default();
                result(analysis, paths, f, fingerprint)
            },
        }
        .serialize(s)
    }
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

#[derive(Serialize, Clone)]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    /// None for stdin without `--stdin-filename`: no file of the repository is meant.
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    /// Absent for a code that is not in the registry (none is; SARIF allows leaving it out).
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
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
    /// The kustomize variant and the Helm template of the finding, as the JSON output has
    /// them; only when there is either, so that other results keep their shape.
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties<'a>>,
}

/// A result's property bag (SARIF's `properties`, free-form by the schema).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    variant: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_template: Option<&'a str>,
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
    /// Our stable identity of a result (see [`fingerprints`]); not GitHub's key.
    #[serde(rename = "fargateLint/v1")]
    fargate_lint: String,
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
    let mut out = String::with_capacity(line.len());
    for word in line.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The lines of a finding's location, as indexes into its file's normalized lines.
fn window(lines: usize, loc: Loc) -> Option<(usize, usize)> {
    let first = (loc.span.start.line as usize).saturating_sub(1);
    let last = (loc.span.end.line as usize)
        .saturating_sub(1)
        .max(first)
        .min(lines.saturating_sub(1));
    (first <= last && last < lines).then(|| (first, last + 1 - first))
}

/// Polynomial hashes of runs of lines, two at once (each modulo the prime 2^61 - 1), from
/// prefix hashes: the hash of any run in constant time.
struct RunHashes {
    /// The hash of the first `i` lines, for each `i`.
    prefix: Vec<(u64, u64)>,
    /// The bases to the power `i`, for each `i`.
    power: Vec<(u64, u64)>,
}

const MOD: u64 = (1 << 61) - 1;
const BASES: (u64, u64) = (0x1f_3a5b_9c2d, 0x2b_7e15_1628);

fn mul(a: u64, b: u64) -> u64 {
    ((u128::from(a) * u128::from(b)) % u128::from(MOD)) as u64
}

impl RunHashes {
    /// `ids`: each line as the number of its text (equal lines, equal numbers).
    fn new(ids: &[u64]) -> RunHashes {
        let mut prefix = Vec::with_capacity(ids.len() + 1);
        let mut power = Vec::with_capacity(ids.len() + 1);
        let (mut h, mut p) = ((0, 0), (1, 1));
        prefix.push(h);
        power.push(p);
        for &id in ids {
            h = (
                (mul(h.0, BASES.0) + id + 1) % MOD,
                (mul(h.1, BASES.1) + id + 1) % MOD,
            );
            p = (mul(p.0, BASES.0), mul(p.1, BASES.1));
            prefix.push(h);
            power.push(p);
        }
        RunHashes { prefix, power }
    }

    /// The hash of the `k` lines from line `i`.
    fn run(&self, i: usize, k: usize) -> (u64, u64) {
        let (a, b, p) = (self.prefix[i], self.prefix[i + k], self.power[k]);
        (
            (b.0 + MOD - mul(a.0, p.0)) % MOD,
            (b.1 + MOD - mul(a.1, p.1)) % MOD,
        )
    }
}

/// The `fargateLint/v1` fingerprint of each finding: a hash of the rule and the normalized text of
/// the lines at fault, then `:n` for the n-th place in the file with that same text (so
/// identical lines still differ). The line number is not in it: inserting lines above
/// leaves it be.
///
/// Linear in the files' lines and the findings: each file with findings is normalized once,
/// and the places with the same text are counted in one pass over the file per number of
/// lines that its findings span, by hashes of runs of lines, not by comparing each finding's
/// lines with every earlier place. (Two different runs of one length with equal hashes,
/// which no real file has, would only change the `n` of a fingerprint.)
///
/// `texts` gives the texts of some files (`Analysis::texts`): they are asked for a batch of
/// files at a time, so that a run that let its texts go holds only a batch's again.
fn fingerprints(texts: &dyn Fn(&[FileId]) -> Vec<Arc<str>>, findings: &[Finding]) -> Vec<String> {
    let mut out = vec![String::new(); findings.len()];
    let mut by_file: BTreeMap<FileId, Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        by_file.entry(f.loc.file).or_default().push(i);
    }
    let by_file: Vec<(FileId, Vec<usize>)> = by_file.into_iter().collect();
    for batch in by_file.chunks(TEXT_BATCH) {
        let ids: Vec<FileId> = batch.iter().map(|(file, _)| *file).collect();
        for ((_, indexes), text) in batch.iter().zip(texts(&ids)) {
            fingerprint_file(&text, indexes, findings, &mut out);
        }
    }
    out
}

/// Files whose texts [`fingerprints`] asks for at once: enough to read them side by side.
const TEXT_BATCH: usize = 256;

/// The fingerprints of the findings `indexes` (all in the file whose text `text` is), into
/// their places of `out`.
fn fingerprint_file(text: &str, indexes: &[usize], findings: &[Finding], out: &mut [String]) {
    {
        // Normalized side by side: a file of findings can be megabytes of lines.
        let raw: Vec<&str> = text.lines().collect();
        let lines: Vec<String> = raw.par_iter().map(|l| normalize_line(l)).collect();
        let mut numbers: FastMap<&str, u64> = FastMap::default();
        let ids: Vec<u64> = lines
            .iter()
            .map(|l| {
                let next = numbers.len() as u64;
                *numbers.entry(l.as_str()).or_insert(next)
            })
            .collect();
        let hashes = RunHashes::new(&ids);
        // The findings of each run length, by first line.
        let mut by_length: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
        for &i in indexes {
            match window(lines.len(), findings[i].loc) {
                Some((first, k)) => by_length.entry(k).or_default().push((first, i)),
                None => out[i] = fingerprint(findings[i].code, &[], 1),
            }
        }
        // Each finding's window and occurrence, found in order; their hashes are then
        // computed side by side.
        let mut found: Vec<(usize, usize, usize, usize)> = Vec::with_capacity(indexes.len());
        for (k, mut queries) in by_length {
            queries.sort_unstable();
            // How often each run looked for was seen so far, in one pass over the file.
            let mut seen: FastMap<(u64, u64), usize> = queries
                .iter()
                .map(|&(first, _)| (hashes.run(first, k), 0))
                .collect();
            let mut next = queries.iter().peekable();
            for start in 0..=lines.len() - k {
                let h = hashes.run(start, k);
                while let Some(&&(first, i)) = next.peek().filter(|(first, _)| *first == start) {
                    let before = seen.get(&h).copied().unwrap_or(0);
                    found.push((i, first, k, before + 1));
                    next.next();
                }
                if let Some(n) = seen.get_mut(&h) {
                    *n += 1;
                }
            }
        }
        let printed: Vec<(usize, String)> = found
            .par_iter()
            .map(|&(i, first, k, n)| {
                (
                    i,
                    fingerprint(findings[i].code, &lines[first..first + k], n),
                )
            })
            .collect();
        for (i, fingerprint) in printed {
            out[i] = fingerprint;
        }
    }
}

/// The fingerprint of rule `code` on `window`, the `occurrence`-th place with its text.
fn fingerprint(code: &str, window: &[String], occurrence: usize) -> String {
    let mut key = String::from(code);
    for l in window {
        key.push('\0');
        key.push_str(l);
    }
    format!("{:016x}:{occurrence}", fnv1a(key.as_bytes()))
}

/// `automationDetails.id` for `--sarif-category`: none without one (or with a blank one).
fn category_id(category: Option<&str>) -> Option<String> {
    match category.map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(c) if c.ends_with('/') => Some(c.to_string()),
        Some(c) => Some(format!("{c}/")),
    }
}

fn artifact(paths: &RepoPaths, file: FileId) -> ArtifactLocation {
    match paths.get(file) {
        Some(RepoPath::Relative(p)) => ArtifactLocation {
            uri: Some(uri_encode(p)),
            uri_base_id: Some(SRCROOT),
            description: None,
        },
        Some(RepoPath::Absolute(p)) => ArtifactLocation {
            uri: Some(file_uri(p, false)),
            uri_base_id: None,
            description: None,
        },
        // Stdin without `--stdin-filename`: `<stdin>` as a URI (`%3Cstdin%3E`) would name a
        // file of the repository that is not there; the location says what it is instead.
        Some(RepoPath::Display(_)) => ArtifactLocation {
            uri: None,
            uri_base_id: None,
            description: Some(Text {
                text: "standard input (name it with --stdin-filename)".to_string(),
            }),
        },
        None => ArtifactLocation {
            uri: Some(String::new()),
            uri_base_id: None,
            description: None,
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

/// Pushes `text` onto `out` as literal SARIF message text (§3.11.6): `[` and `]` escaped
/// with a backslash, so that no value from input can make a link, and a backslash before
/// either or another escaped too, also at the end of `text` when markup follows
/// (`bracket_next`).
fn push_literal(out: &mut String, text: &str, bracket_next: bool) {
    // By runs between the three characters that may need a backslash: a message is mostly
    // plain words.
    let mut rest = text;
    while let Some(at) = rest.find(['[', ']', '\\']) {
        out.push_str(&rest[..at]);
        let c = rest.as_bytes()[at];
        let escaped = c != b'\\'
            || rest
                .as_bytes()
                .get(at + 1)
                .map_or(bracket_next, |n| matches!(n, b'[' | b']' | b'\\'));
        if escaped {
            out.push('\\');
        }
        out.push(char::from(c));
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// The message of a result: the finding's message with the words that name a related
/// location linked to it (`[profile `apps`](1)`, which GitHub shows as a link to that
/// place), every label the message does not name added as a link after it, then the help.
fn message(f: &Finding) -> String {
    let mut links: Vec<(std::ops::Range<usize>, usize)> = f
        .labels
        .iter()
        .enumerate()
        .filter_map(|(i, l)| l.link.clone().map(|r| (r, i + 1)))
        .filter(|(r, _)| f.message.get(r.clone()).is_some())
        .collect();
    links.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(f.message.len() + 16);
    let mut at = 0;
    for (range, id) in links {
        if range.start < at {
            continue;
        }
        push_literal(&mut out, &f.message[at..range.start], true);
        out.push('[');
        push_literal(&mut out, &f.message[range.clone()], true);
        out.push_str(&format!("]({id})"));
        at = range.end;
    }
    let unnamed: Vec<(usize, &str)> = f
        .labels
        .iter()
        .enumerate()
        .filter(|(_, l)| l.link.is_none())
        .map(|(i, l)| (i + 1, l.text.as_str()))
        .collect();
    push_literal(&mut out, &f.message[at..], !unnamed.is_empty());
    for (n, (id, text)) in unnamed.iter().enumerate() {
        out.push_str(if n == 0 { " (" } else { "; " });
        out.push('[');
        push_literal(&mut out, text, true);
        out.push_str(&format!("]({id})"));
    }
    if !unnamed.is_empty() {
        out.push(')');
    }
    if let Some(help) = &f.help {
        out.push_str("\nhelp: ");
        push_literal(&mut out, help, false);
    }
    out
}

fn result<'a>(
    analysis: &'a Analysis,
    paths: &RepoPaths,
    f: &Finding,
    fingerprint: String,
) -> SarifResult<'a> {
    let variant = super::json::variant_of(analysis, f);
    let source_template = analysis.helm_sources.template(f.loc);
    SarifResult {
        rule_id: f.code,
        rule_index: rules::index(f.code),
        level: level(f.severity),
        message: Text { text: message(f) },
        locations: vec![Location {
            physical_location: physical(paths, f.loc),
        }],
        related_locations: f
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| RelatedLocation {
                id: i + 1,
                physical_location: physical(paths, l.loc),
                message: Text {
                    text: {
                        let mut text = String::with_capacity(l.text.len());
                        push_literal(&mut text, &l.text, false);
                        text
                    },
                },
            })
            .collect(),
        partial_fingerprints: Fingerprints {
            fargate_lint: fingerprint,
        },
        suppressions: f.suppressed.as_ref().map(|s| {
            vec![Suppression {
                kind: s.kind.as_str(),
                justification: s.justification.clone(),
            }]
        }),
        properties: (variant.is_some() || source_template.is_some()).then_some(ResultProperties {
            variant,
            source_template,
        }),
    }
}

/// The log as a string (tests, benchmarks); [`write`] streams it.
pub fn render(analysis: &Analysis, findings: &[Finding], options: &SarifOptions) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail, and serde_json writes UTF-8.
    let _ = write(&mut out, analysis, findings, options);
    String::from_utf8(out).unwrap_or_default()
}

/// Streams the log into `w`, pretty-printed, with a final newline.
pub fn write(
    w: &mut dyn Write,
    analysis: &Analysis,
    findings: &[Finding],
    options: &SarifOptions,
) -> io::Result<()> {
    let paths = RepoPaths::new(&analysis.paths());
    let fingerprints = fingerprints(&|ids| analysis.texts(ids), findings);
    let sink = Sink::new(w);
    let cwd = std::env::current_dir().unwrap_or_default();
    let fl001 = rules::index("FL001");
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
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "fargate-lint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: RULES.iter().map(|r| descriptor(r)).collect(),
                },
            },
            automation_details: category_id(options.category.as_deref())
                .map(|id| AutomationDetails { id }),
            // A log is written only when the run completed; a run that fails (exit 2)
            // writes none. Unreadable inputs are reported, not a failure.
            invocations: vec![Invocation {
                execution_successful: true,
                working_directory: ArtifactLocation {
                    uri: Some(file_uri(&cwd, true)),
                    uri_base_id: None,
                    description: None,
                },
                tool_execution_notifications: notifications,
            }],
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                ArtifactLocation {
                    uri: Some(file_uri(&paths.base, true)),
                    uri_base_id: None,
                    description: None,
                },
            )]),
            column_kind: "unicodeCodePoints",
            results: Results {
                sink: &sink,
                analysis,
                paths: &paths,
                findings,
                fingerprints,
            },
        }],
    };
    sink.write_pretty(&log)?;
    (&sink).write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_gets_a_trailing_slash() {
        assert_eq!(category_id(None), None);
        assert_eq!(category_id(Some("prod")).as_deref(), Some("prod/"));
        assert_eq!(category_id(Some("prod/eu/")).as_deref(), Some("prod/eu/"));
        assert_eq!(category_id(Some("  ")), None);
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

    /// The fingerprints as first written: each finding's lines compared with every earlier
    /// place of the file.
    fn fingerprints_by_scanning(text: &str, locs: &[Loc]) -> Vec<String> {
        let lines: Vec<String> = text.lines().map(normalize_line).collect();
        locs.iter()
            .map(|loc| {
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
                fingerprint("FL203", window, occurrence)
            })
            .collect()
    }

    #[test]
    fn fingerprints_count_earlier_places_as_scanning_does() {
        use crate::source::{Files, Pos, SourceFile, Span};
        let text = "a: 1\n  b:   2\na: 1\nb: 2\na: 1\nb: 2\nc\n\na: 1\n";
        let files = Files::new(vec![SourceFile {
            path: "f.yaml".into(),
            text: text.into(),
            reread: None,
        }]);
        let mut locs = Vec::new();
        for start in 0..12 {
            for height in 0..4 {
                let pos = |line| Pos { line, column: 1 };
                locs.push(Loc {
                    file: FileId(0),
                    span: Span {
                        start: pos(start),
                        end: pos(start + height),
                        start_byte: 0,
                        end_byte: 0,
                    },
                });
            }
        }
        let findings: Vec<Finding> = locs
            .iter()
            .map(|&loc| Finding::new("FL203", "privileged", Severity::Error, loc, ""))
            .collect();
        assert_eq!(
            fingerprints(
                &|ids| ids.iter().map(|_| files[0].text.clone()).collect(),
                &findings
            ),
            fingerprints_by_scanning(text, &locs)
        );
    }

    /// [`push_literal`] as first written, a character at a time.
    fn push_literal_by_chars(out: &mut String, text: &str, bracket_next: bool) {
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let escaped = match c {
                '[' | ']' => true,
                '\\' => chars
                    .peek()
                    .map_or(bracket_next, |n| matches!(n, '[' | ']' | '\\')),
                _ => false,
            };
            if escaped {
                out.push('\\');
            }
            out.push(c);
        }
    }

    #[test]
    fn literal_text_is_escaped_as_a_character_at_a_time_would() {
        let pieces = ["[", "]", "\\", "a", "é", "\u{1F600}", " ", "`"];
        // Every string of up to four pieces, at both ends of a message.
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| pieces.iter().map(move |p| format!("{t}{p}")))
                .collect();
            texts.extend(longer);
        }
        texts.sort();
        texts.dedup();
        for text in &texts {
            for bracket_next in [false, true] {
                let (mut ours, mut theirs) = (String::new(), String::new());
                push_literal(&mut ours, text, bracket_next);
                push_literal_by_chars(&mut theirs, text, bracket_next);
                assert_eq!(ours, theirs, "{text:?} {bracket_next}");
            }
        }
    }

    #[test]
    fn message_links_its_phrases_and_escapes_brackets() {
        use crate::source::{FileId, Pos, Span};
        let at = |line| Loc {
            file: FileId(0),
            span: Span {
                start: Pos { line, column: 1 },
                end: Pos { line, column: 1 },
                start_byte: 0,
                end_byte: 0,
            },
        };
        let f = Finding::new(
            "FL216",
            "pinned-profile-mismatch",
            Severity::Error,
            at(1),
            "pinned to profile `a[1](2)\\`, in [ns]",
        )
        .link(at(2), "the profile", "profile `a[1](2)\\`")
        .label(at(3), "see [here]")
        .help("in its `[[clusters]]` table");
        assert_eq!(
            message(&f),
            "pinned to [profile `a\\[1\\](2)\\`](1), in \\[ns\\] ([see \\[here\\]](2))\nhelp: in its `\\[\\[clusters\\]\\]` table"
        );
    }

    #[test]
    fn fnv_is_the_reference_function() {
        // Test vectors of FNV-1a 64.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
