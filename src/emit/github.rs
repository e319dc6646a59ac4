//! `check --format github`: one GitHub Actions workflow command per finding
//! (`::error file=...,line=...::message`), which the runner turns into an annotation on the
//! file and line of the finding in the job and the pull request; and the job summary
//! (`--summary-output`), a Markdown table of every finding.
//!
//! GitHub shows only the first 10 annotations of each level of a step, so which come first
//! matters: with [`AnnotationOptions::changed`] (`--changed-files`) the findings in the files
//! a pull request changes, or pointing at them, come first, the others after, each group in
//! report order. With [`AnnotationOptions::max_per_level`] (`--max-annotations`) at most that
//! many of each level are written, and one closing notice counts the others and says where
//! they are listed. That notice is a notice too, so when findings are left out the notices
//! keep one place for it: it is always among the first N notices.
//!
//! Escaping follows the runner (`@actions/core`, `command.ts`): the message (the data after
//! `::`) escapes `%`, `\r` and `\n`; property values escape those and also `:` and `,`, which
//! would otherwise end the value. The summary's values are Markdown code spans
//! ([`super::escape::cell`]).

use std::collections::BTreeSet;
use std::fmt::Write;

use rayon::prelude::*;

use crate::analysis::Analysis;
use crate::diagnostic::{Finding, Severity};
use crate::repo::RepoPaths;
use crate::source::FileId;

use super::escape::cell;
use super::{Counts, plural};

/// Escapes the data of a workflow command (what follows `::`).
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value of a workflow command (`file=`, `title=`): the data escapes,
/// and `:` and `,`, which end a property. `%` is already escaped by then, so the `%` these
/// add are not escaped twice.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The workflow command for a severity: GitHub has `error`, `warning` and `notice`.
fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

/// One workflow command for `finding`, whose file is `path` (relative to the repository root,
/// which is what the runner resolves annotation paths against).
pub fn annotation(finding: &Finding, path: &str) -> String {
    let start = finding.loc.span.start;
    let end = finding.loc.span.end;
    let mut message = finding.message.clone();
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        command(finding.severity),
        escape_property(path),
        start.line,
        start.column,
        end.line.max(start.line),
        end.column,
        escape_property(&format!("{} {}", finding.code, finding.rule)),
        escape_data(&message)
    )
}

/// Which annotations come first and how many are written.
#[derive(Debug, Clone, Default)]
pub struct AnnotationOptions {
    /// The files a change touches, relative to the repository root (`--changed-files`):
    /// findings in them or pointing at them come first. `None`: report order.
    pub changed: Option<BTreeSet<String>>,
    /// At most this many annotations of each level (`--max-annotations`); `None`: all.
    pub max_per_level: Option<usize>,
}

/// The paths of a `--changed-files` list: one per line or NUL-separated (`git diff
/// --name-only [-z]`), with `\r` line ends, `./` prefixes and blank entries dropped.
pub fn parse_changed_files(text: &str) -> BTreeSet<String> {
    text.split(['\n', '\0'])
        .map(|p| p.trim_end_matches('\r'))
        .map(|p| p.trim_start_matches("./"))
        .filter(|p| !p.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// The findings that count, in the order annotations and the summary list them: those of
/// the change first (when `changed` is given), then the others, each in report order.
/// Each comes with whether it is of the change.
fn ordered<'f>(
    findings: &'f [Finding],
    path: &dyn Fn(FileId) -> String,
    changed: Option<&BTreeSet<String>>,
) -> Vec<(&'f Finding, bool)> {
    // A suppressed finding is never an annotation, nor listed in the summary.
    let counted = findings.iter().filter(|f| f.counts());
    let Some(changed) = changed else {
        return counted.map(|f| (f, false)).collect();
    };
    // A finding is of the change when its file, or a file it points at (a cluster's profile
    // that strands a workload), is changed.
    let of_change = |f: &Finding| {
        std::iter::once(f.loc.file)
            .chain(f.labels.iter().map(|label| label.loc.file))
            .any(|file| changed.contains(&path(file)))
    };
    let (mut first, rest): (Vec<_>, Vec<_>) = counted.map(|f| (f, of_change(f))).partition(|p| p.1);
    first.extend(rest);
    first
}

/// Annotations rendered by one task.
const ANNOTATION_BATCH: usize = 1024;

/// Index of a severity in per-level arrays: error, warning, notice.
fn level(severity: Severity) -> usize {
    match severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Note => 2,
    }
}

pub fn render(analysis: &Analysis, findings: &[Finding]) -> String {
    render_with(analysis, findings, &AnnotationOptions::default())
}

/// The annotations of `findings`, ordered and capped as `options` say (see the module
/// documentation).
pub fn render_with(
    analysis: &Analysis,
    findings: &[Finding],
    options: &AnnotationOptions,
) -> String {
    let paths = RepoPaths::new(&analysis.paths());
    annotations(findings, &|file| paths.relative(file), options)
}

/// [`render_with`] with `path` giving each file's repository-relative path.
fn annotations(
    findings: &[Finding],
    path: &dyn Fn(FileId) -> String,
    options: &AnnotationOptions,
) -> String {
    let ordered = ordered(findings, path, options.changed.as_ref());
    let mut caps = [usize::MAX; 3];
    if let Some(max) = options.max_per_level {
        let mut totals = [0usize; 3];
        for (f, _) in &ordered {
            totals[level(f.severity)] += 1;
        }
        caps = [max; 3];
        // The closing notice takes one of the notices' places when anything is left out.
        if totals.iter().any(|&t| t > max) {
            caps[2] = max.saturating_sub(1);
        }
    }
    let mut written = [0usize; 3];
    let mut left_out = Counts::default();
    let mut chosen = Vec::with_capacity(ordered.len());
    for (f, _) in ordered {
        let l = level(f.severity);
        if written[l] < caps[l] {
            written[l] += 1;
            chosen.push(f);
        } else {
            match f.severity {
                Severity::Error => left_out.error += 1,
                Severity::Warning => left_out.warning += 1,
                Severity::Note => left_out.note += 1,
            }
        }
    }
    // Each file's path once, then the annotations side by side, a batch at a time, joined in
    // their order (the same bytes at any thread count).
    let mut files: Vec<FileId> = chosen.iter().map(|f| f.loc.file).collect();
    files.sort_unstable();
    files.dedup();
    let relative: std::collections::HashMap<FileId, String> =
        files.into_iter().map(|file| (file, path(file))).collect();
    let pieces: Vec<String> = chosen
        .par_chunks(ANNOTATION_BATCH)
        .map(|batch| {
            let mut piece = String::with_capacity(batch.len() * 512);
            for f in batch {
                let path = relative.get(&f.loc.file).map_or("", String::as_str);
                let _ = writeln!(piece, "{}", annotation(f, path));
            }
            piece
        })
        .collect();
    let mut out = String::with_capacity(pieces.iter().map(String::len).sum::<usize>() + 256);
    for piece in pieces {
        out.push_str(&piece);
    }
    let more = left_out.error + left_out.warning + left_out.note;
    if more > 0 {
        let _ = writeln!(
            out,
            "::notice title={}::{}",
            escape_property("fargate-lint"),
            escape_data(&format!(
                "{}: see the job summary / code scanning (not annotated: {})",
                plural(more, "more finding"),
                counts_text(left_out),
            ))
        );
    }
    out
}

/// `2 errors, 1 warning` (levels with none left out).
fn counts_text(c: Counts) -> String {
    let parts: Vec<String> = [(c.error, "error"), (c.warning, "warning"), (c.note, "note")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| plural(n, what))
        .collect();
    if parts.is_empty() {
        "none".to_string()
    } else {
        parts.join(", ")
    }
}

/// The most a job summary holds: GitHub refuses a step's summary over 1 MiB. The table stops
/// short of it and says how many rows it left out.
pub const SUMMARY_BUDGET: usize = 1_000_000;

/// The job summary (`--summary-output`): the counts, and every finding that counts in a
/// table (those of the change first, in a table of their own, when `changed` is given),
/// within [`SUMMARY_BUDGET`] bytes.
pub fn render_summary(
    analysis: &Analysis,
    findings: &[Finding],
    changed: Option<&BTreeSet<String>>,
) -> String {
    let paths = RepoPaths::new(&analysis.paths());
    summary(
        findings,
        analysis.stats.files,
        &|file| paths.relative(file),
        changed,
        SUMMARY_BUDGET,
    )
}

/// [`render_summary`] of `files` files, with `path` giving each file's repository-relative
/// path, within `budget` bytes.
fn summary(
    findings: &[Finding],
    files: usize,
    path: &dyn Fn(FileId) -> String,
    changed: Option<&BTreeSet<String>>,
    budget: usize,
) -> String {
    let ordered = ordered(findings, path, changed);
    let counts = Counts::of(findings);
    let mut out = String::from("## fargate-lint\n\n");
    if ordered.is_empty() {
        out.push_str("No findings.\n\n");
        return out;
    }
    let _ = writeln!(
        out,
        "{} in {}: {}.\n",
        plural(ordered.len(), "finding"),
        plural(files, "file"),
        counts_text(counts)
    );
    const HEADER: &str = "| Severity | Rule | File | Line | Message |\n|---|---|---|---:|---|\n";
    // What closes a cut table; counted in before each row so that it always fits.
    const CUT_NOTE_ROOM: usize = 200;
    let (of_change, elsewhere): (Vec<_>, Vec<_>) = ordered.iter().partition(|(_, c)| *c);
    let groups = match changed {
        Some(_) => vec![
            (Some("In the changed files"), of_change),
            (Some("Elsewhere"), elsewhere),
        ],
        None => vec![(None, elsewhere)],
    };
    let mut listed = 0;
    'groups: for (title, group) in groups {
        if let Some(title) = title {
            let _ = writeln!(out, "### {title} ({})\n", group.len());
        }
        if group.is_empty() {
            out.push_str("None.\n\n");
            continue;
        }
        out.push_str(HEADER);
        for (f, _) in group {
            let mut message = f.message.clone();
            if let Some(help) = &f.help {
                message.push_str(" (help: ");
                message.push_str(help);
                message.push(')');
            }
            let row = format!(
                "| {} | {} | {} | {} | {} |\n",
                f.severity.as_str(),
                cell(&format!("{} {}", f.code, f.rule)),
                cell(&path(f.loc.file)),
                f.loc.span.start.line,
                cell(&message),
            );
            if out.len() + row.len() + CUT_NOTE_ROOM > budget {
                break 'groups;
            }
            out.push_str(&row);
            listed += 1;
        }
        out.push('\n');
    }
    if listed < ordered.len() {
        let _ = writeln!(
            out,
            "\n{} more not listed: a job summary has room for {listed} (see the SARIF log or code scanning).\n",
            plural(ordered.len() - listed, "finding"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Loc, Pos, Span};

    #[test]
    fn data_escapes_percent_and_line_breaks_only() {
        assert_eq!(
            escape_data("100% sure\r\nnext: a, b"),
            "100%25 sure%0D%0Anext: a, b"
        );
    }

    #[test]
    fn property_also_escapes_colon_and_comma() {
        assert_eq!(
            escape_property("dir,x/a:b%c\nd\re"),
            "dir%2Cx/a%3Ab%25c%0Ad%0De"
        );
    }

    #[test]
    fn percent_is_escaped_first_so_escapes_are_not_doubled() {
        // `%3A` in the input is text, not an escape: its `%` must become `%25`.
        assert_eq!(escape_property("%3A:"), "%253A%3A");
        assert_eq!(escape_data("%0A\n"), "%250A%0A");
    }

    #[test]
    fn non_ascii_passes_through() {
        assert_eq!(escape_property("café/ü.yaml"), "café/ü.yaml");
    }

    fn finding(severity: Severity, message: &str, help: Option<&str>) -> Finding {
        let loc = Loc {
            file: FileId(0),
            span: Span {
                start: Pos {
                    line: 12,
                    column: 7,
                },
                end: Pos {
                    line: 30,
                    column: 22,
                },
                start_byte: 0,
                end_byte: 0,
            },
        };
        let f = Finding::new("FL101", "too-many-selectors", severity, loc, message);
        match help {
            Some(h) => f.help(h.to_string()),
            None => f,
        }
    }

    #[test]
    fn annotation_has_every_property_and_escapes_each_part() {
        let f = finding(
            Severity::Error,
            "profile `fp-default` has 6 selectors; EKS allows at most 5",
            Some("split the selectors: 100%"),
        );
        assert_eq!(
            annotation(&f, "clusters/prod,eu:1.yaml"),
            "::error file=clusters/prod%2Ceu%3A1.yaml,line=12,col=7,endLine=30,endColumn=22,\
             title=FL101 too-many-selectors::profile `fp-default` has 6 selectors; EKS allows \
             at most 5%0Ahelp: split the selectors: 100%25"
        );
    }

    #[test]
    fn levels_map_to_error_warning_notice() {
        for (severity, cmd) in [
            (Severity::Error, "::error "),
            (Severity::Warning, "::warning "),
            (Severity::Note, "::notice "),
        ] {
            assert!(annotation(&finding(severity, "m", None), "a.yaml").starts_with(cmd));
        }
    }
    /// A finding of `code` at `severity` in file `file` (a.yaml, b.yaml, c.yaml), line `line`.
    fn at(file: u32, line: u32, severity: Severity, code: &'static str) -> Finding {
        let mut f = finding(severity, &format!("{code} at {line}"), None);
        f.code = code;
        f.loc.file = FileId(file);
        f.loc.span.start.line = line;
        f.loc.span.end.line = line;
        f
    }

    fn name(file: FileId) -> String {
        ["a.yaml", "b.yaml", "c.yaml"][file.0 as usize].to_string()
    }

    fn changed(paths: &[&str]) -> Option<BTreeSet<String>> {
        Some(paths.iter().map(|p| p.to_string()).collect())
    }

    /// `(file, line, level)` of each annotation line; the closing notice has no file.
    fn shown(out: &str) -> Vec<(String, u32, String)> {
        out.lines()
            .map(|l| {
                let level = l[2..].split([' ', ':']).next().unwrap_or("").to_string();
                let file = l
                    .split("file=")
                    .nth(1)
                    .and_then(|r| r.split(',').next())
                    .unwrap_or("")
                    .to_string();
                let line = l
                    .split(",line=")
                    .nth(1)
                    .and_then(|r| r.split(',').next())
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                (file, line, level)
            })
            .collect()
    }

    #[test]
    fn changed_files_parse_lines_and_nul_separated_lists() {
        assert_eq!(
            parse_changed_files("k8s/a.yaml\r\n./b.yaml\n\n  \0c d.yaml\0"),
            BTreeSet::from(["k8s/a.yaml".into(), "b.yaml".into(), "c d.yaml".into()])
        );
        assert!(parse_changed_files("").is_empty());
    }

    #[test]
    fn without_options_every_finding_in_report_order() {
        let findings = vec![
            at(0, 1, Severity::Error, "FL101"),
            at(1, 2, Severity::Warning, "FL201"),
        ];
        let out = annotations(&findings, &name, &AnnotationOptions::default());
        assert_eq!(
            shown(&out),
            [
                ("a.yaml".into(), 1, "error".into()),
                ("b.yaml".into(), 2, "warning".into())
            ]
        );
    }

    #[test]
    fn findings_of_changed_files_come_first_in_report_order() {
        let findings = vec![
            at(0, 1, Severity::Error, "FL101"),
            at(1, 2, Severity::Error, "FL101"),
            at(2, 3, Severity::Note, "FL213"),
            at(1, 4, Severity::Warning, "FL201"),
        ];
        let options = AnnotationOptions {
            changed: changed(&["b.yaml", "c.yaml"]),
            max_per_level: None,
        };
        let files: Vec<(String, u32)> = shown(&annotations(&findings, &name, &options))
            .into_iter()
            .map(|(f, l, _)| (f, l))
            .collect();
        assert_eq!(
            files,
            [
                ("b.yaml".into(), 2),
                ("c.yaml".into(), 3),
                ("b.yaml".into(), 4),
                ("a.yaml".into(), 1)
            ]
        );
    }

    #[test]
    fn a_finding_pointing_at_a_changed_file_is_of_the_change() {
        // A workload's finding caused by a profile of the changed cluster file.
        let stranded = at(0, 5, Severity::Error, "FL215").label(
            Loc {
                file: FileId(2),
                span: Span::default(),
            },
            "profile",
        );
        let findings = vec![at(0, 1, Severity::Error, "FL201"), stranded];
        let options = AnnotationOptions {
            changed: changed(&["c.yaml"]),
            max_per_level: None,
        };
        assert_eq!(shown(&annotations(&findings, &name, &options))[0].1, 5);
    }

    #[test]
    fn each_level_is_capped_and_one_notice_counts_what_is_left_out() {
        let mut findings = Vec::new();
        for line in 1..=4 {
            findings.push(at(0, line, Severity::Error, "FL101"));
            findings.push(at(0, 10 + line, Severity::Note, "FL213"));
        }
        findings.push(at(0, 20, Severity::Warning, "FL201"));
        let options = AnnotationOptions {
            changed: None,
            max_per_level: Some(2),
        };
        let out = annotations(&findings, &name, &options);
        let lines = shown(&out);
        let count = |level: &str| lines.iter().filter(|l| l.2 == level).count();
        // Two errors, the warning, one note and the closing notice: it keeps a place among
        // the notices so that GitHub shows it.
        assert_eq!(
            (count("error"), count("warning"), count("notice")),
            (2, 1, 2)
        );
        assert_eq!(
            out.lines().last().unwrap(),
            "::notice title=fargate-lint::5 more findings: see the job summary / code scanning \
             (not annotated: 2 errors, 3 notes)"
        );
    }

    #[test]
    fn nothing_left_out_means_no_closing_notice_and_the_full_notice_cap() {
        let findings: Vec<Finding> = (1..=2).map(|l| at(0, l, Severity::Note, "FL213")).collect();
        let options = AnnotationOptions {
            changed: None,
            max_per_level: Some(2),
        };
        let out = annotations(&findings, &name, &options);
        assert_eq!(out.lines().count(), 2);
        assert!(!out.contains("more finding"));
    }

    #[test]
    fn a_cap_of_zero_writes_only_the_notice() {
        let findings = vec![at(0, 1, Severity::Error, "FL101")];
        let options = AnnotationOptions {
            changed: None,
            max_per_level: Some(0),
        };
        assert_eq!(
            annotations(&findings, &name, &options),
            "::notice title=fargate-lint::1 more finding: see the job summary / code scanning \
             (not annotated: 1 error)\n"
        );
    }

    #[test]
    fn suppressed_findings_are_neither_annotated_nor_listed() {
        let mut quiet = at(0, 1, Severity::Error, "FL101");
        quiet.suppressed = Some(crate::diagnostic::Suppression {
            kind: crate::diagnostic::SuppressionKind::InSource,
            justification: None,
            source: String::new(),
        });
        let options = AnnotationOptions {
            changed: None,
            max_per_level: Some(0),
        };
        assert_eq!(annotations(&[quiet.clone()], &name, &options), "");
        assert_eq!(
            summary(&[quiet], 1, &name, None, SUMMARY_BUDGET),
            "## fargate-lint\n\nNo findings.\n\n"
        );
    }

    #[test]
    fn the_summary_escapes_values_and_lists_the_change_first() {
        let mut odd = at(1, 2, Severity::Warning, "FL201");
        odd.message = "image `a|b` <img src=x> [x](https://e.example)\n| x |".into();
        let findings = vec![at(0, 1, Severity::Error, "FL101"), odd];
        let text = summary(
            &findings,
            2,
            &name,
            changed(&["b.yaml"]).as_ref(),
            SUMMARY_BUDGET,
        );
        assert_eq!(
            text,
            "## fargate-lint\n\n2 findings in 2 files: 1 error, 1 warning.\n\n\
             ### In the changed files (1)\n\n\
             | Severity | Rule | File | Line | Message |\n|---|---|---|---:|---|\n\
             | warning | `FL201 too-many-selectors` | `b.yaml` | 2 | \
             ``image `a\\|b` <img src=x> [x](https://e.example)\\u{a}\\| x \\|`` |\n\n\
             ### Elsewhere (1)\n\n\
             | Severity | Rule | File | Line | Message |\n|---|---|---|---:|---|\n\
             | error | `FL101 too-many-selectors` | `a.yaml` | 1 | `FL101 at 1` |\n\n"
        );
    }

    #[test]
    fn the_summary_stops_within_its_budget_and_counts_the_rest() {
        let findings: Vec<Finding> = (1..=50)
            .map(|l| at(0, l, Severity::Error, "FL101"))
            .collect();
        let full = summary(&findings, 1, &name, None, SUMMARY_BUDGET);
        assert_eq!(
            full.lines().filter(|l| l.starts_with("| error |")).count(),
            50
        );
        let budget = 1_000;
        let cut = summary(&findings, 1, &name, None, budget);
        assert!(cut.len() <= budget, "{} bytes", cut.len());
        let rows = cut.lines().filter(|l| l.starts_with("| error |")).count();
        assert!(rows > 0 && rows < 50, "{rows}");
        assert!(
            cut.contains(&format!(
                "{} more not listed: a job summary has room for {rows}",
                plural(50 - rows, "finding")
            )),
            "{cut}"
        );
    }
}
