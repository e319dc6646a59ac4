//! `check` for people: each finding rendered by miette with its code, message, the
//! labelled source lines, help, and how to read the rule's document; then a summary line.

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};

use super::{Counts, PlacementCounts, path_of, plural};
use crate::analysis::Analysis;
use crate::diagnostic::{Finding, Severity};
use crate::source::Loc;

fn severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Note => miette::Severity::Advice,
    }
}

/// Lines longer than this are not shown as a snippet: one minified line could be megabytes.
const MAX_SNIPPET_LINE: usize = 400;

/// A label over `loc`, when the file's text is there to show it.
fn label(text: &str, loc: Loc, message: Option<String>) -> Option<LabeledSpan> {
    let (start, end) = (
        loc.span.start_byte,
        loc.span.end_byte.max(loc.span.start_byte),
    );
    if text.is_empty() || end > text.len() || !text.is_char_boundary(start) {
        return None;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    if line_end - line_start > MAX_SNIPPET_LINE {
        return None;
    }
    Some(LabeledSpan::new(message, start, end - start))
}

pub fn render_finding(analysis: &Analysis, f: &Finding, color: bool) -> String {
    let path = path_of(analysis, f);
    let text = analysis
        .files
        .get(f.loc.file.0 as usize)
        .map(|s| s.text.clone())
        .unwrap_or_else(|| "".into());
    let start = f.loc.span.start;
    let suppressed = match &f.suppressed {
        None => String::new(),
        Some(s) => match &s.justification {
            Some(reason) => format!(" (suppressed by {}: {reason})", s.source),
            None => format!(" (suppressed by {})", s.source),
        },
    };
    let mut diag = MietteDiagnostic::new(format!(
        "{path}:{}:{}: {}{suppressed}",
        start.line, start.column, f.message
    ))
    .with_code(format!("{} {}", f.code, f.rule))
    .with_severity(severity(f.severity))
    .with_url(format!("fargate-lint explain {}", f.code));
    if let Some(help) = &f.help {
        diag = diag.with_help(help.clone());
    }
    let mut labels: Vec<LabeledSpan> = label(&text, f.loc, None).into_iter().collect();
    labels.extend(
        f.labels
            .iter()
            .filter(|(l, _)| l.file == f.loc.file)
            .filter_map(|(l, m)| label(&text, *l, Some(m.clone()))),
    );
    let diag = diag.with_labels(labels);
    let report = Report::new(diag).with_source_code(NamedSource::new(path, text.to_string()));
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        out = format!(
            "{path}:{}:{}: {} {}\n",
            start.line, start.column, f.code, f.message
        );
    }
    out
}

/// The closing line: what was read and what was found.
pub fn summary(analysis: &Analysis, findings: &[Finding]) -> String {
    let s = analysis.stats;
    let c = Counts::of(findings);
    // Where the workloads land, per placement (workload × cluster); nothing to say when no
    // cluster was found.
    let placed = if analysis.model.clusters.is_empty() {
        String::new()
    } else {
        let p = PlacementCounts::of(analysis);
        format!(
            " ({}: {} on Fargate, {} on EC2, {} pending)",
            if analysis.model.clusters.len() == 1 {
                "placed"
            } else {
                "placements"
            },
            p.fargate,
            p.ec2,
            p.pending
        )
    };
    // Said only when there is something to say, so that the usual line stays as it was.
    let not_read = if s.not_read == 0 {
        String::new()
    } else {
        format!(", {} not read", plural(s.not_read, "path"))
    };
    let mut line = format!(
        "{} ({} skipped){not_read}, {}, {}, {}{placed}: {}, {}, {}\n",
        plural(s.files, "file"),
        s.skipped,
        plural(s.documents, "document"),
        plural(analysis.model.clusters.len(), "cluster"),
        plural(analysis.model.workloads.len(), "workload"),
        plural(c.error, "error"),
        plural(c.warning, "warning"),
        plural(c.note, "note"),
    );
    if s.helm_templates > 0 {
        line.push_str(&format!(
            "{} skipped: render them and pipe them in, e.g. `helm template CHART | fargate-lint check -`\n",
            plural(s.helm_templates, "Helm template")
        ));
    }
    line
}

pub fn render(analysis: &Analysis, findings: &[Finding], color: bool, quiet: bool) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&render_finding(analysis, f, color));
        out.push('\n');
    }
    if !quiet {
        out.push_str(&summary(analysis, findings));
    }
    out
}
