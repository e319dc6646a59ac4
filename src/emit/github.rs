//! `check --format github`: one GitHub Actions workflow command per finding
//! (`::error file=...,line=...::message`), which the runner turns into an annotation on the
//! file and line of the finding in the job and the pull request.
//!
//! Escaping follows the runner (`@actions/core`, `command.ts`): the message (the data after
//! `::`) escapes `%`, `\r` and `\n`; property values escape those and also `:` and `,`, which
//! would otherwise end the value.

use std::fmt::Write;

use crate::analysis::Analysis;
use crate::diagnostic::{Finding, Severity};
use crate::repo::RepoPaths;

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

pub fn render(analysis: &Analysis, findings: &[Finding]) -> String {
    let paths = RepoPaths::new(&analysis.paths());
    let mut out = String::new();
    // An annotation cannot say it is suppressed: a suppressed finding is never one.
    for f in findings.iter().filter(|f| f.counts()) {
        let path = paths.relative(f.loc.file);
        let _ = writeln!(out, "{}", annotation(f, &path));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Loc, Pos, Span};

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
            Some(h) => f.help(h),
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
}
