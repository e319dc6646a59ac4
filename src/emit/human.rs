//! `check` for people: each finding rendered by miette with its code, message, the
//! labelled source lines, help, and how to read the rule's document; then a summary line.
//!
//! Linear in the findings: each file's text is prepared once ([`SnippetSource`]: its control
//! characters escaped, its line starts found), and only the lines around a label are read
//! from it, never the whole file. The report is miette's graphical layout, drawn by
//! `emit/graphical.rs` (the same bytes as miette's handler, which the tests here check,
//! for a fraction of its cost per finding).

use super::FastMap;
use std::io::{self, Write};

use miette::{GraphicalTheme, LabeledSpan, MietteError, SourceCode, SourceSpan};
use rayon::prelude::*;

use super::escape::{is_unsafe, push_escaped, terminal, terminal_lines};
use super::graphical::{Cache, Contents, Graphical, Report, Source};
use super::{Counts, PlacementCounts, path_of, plural};
use crate::analysis::Analysis;
use crate::diagnostic::{Finding, Severity};
use crate::source::{FileId, Loc};

fn severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Note => miette::Severity::Advice,
    }
}

/// Lines longer than this are not shown as a snippet: one minified line could be megabytes.
const MAX_SNIPPET_LINE: usize = 400;

/// Two labels of a finding at most this many lines apart share a snippet with the lines
/// between them; farther apart, each has its own.
const MERGE_GAP: usize = 16;

/// A file's text as snippets show it, prepared once per file: control characters and
/// bidirectional overrides are escaped as [`terminal`] does (TAB and line ends stay, a lone
/// CR, which miette counts as a line end but prints, becomes LF), so that file text cannot
/// reach the terminal raw; and the start of every line is known, so that reading the lines
/// around a span costs the size of those lines, not of the file before them.
struct SnippetSource<'a> {
    /// Which file it is (its index in the run's files): snippets drawn once are reused by it.
    id: usize,
    /// The file's path, escaped.
    name: String,
    /// The file's own text, which labels' byte offsets count in.
    file: &'a str,
    /// The text shown: the file's own when nothing needs escaping.
    text: std::borrow::Cow<'a, str>,
    /// For each escaped character, its offset in the file and how much longer `text` is
    /// than the file after it; sorted, empty when nothing was escaped.
    shifts: Vec<(usize, usize)>,
    /// Where each line of `text` starts (the first at 0), counting line ends as miette does.
    line_starts: Vec<usize>,
}

impl<'a> SnippetSource<'a> {
    fn new(id: usize, path: &str, file: &'a str) -> SnippetSource<'a> {
        let mut shifts = Vec::new();
        let text = if file.chars().any(is_unsafe) {
            let mut out = String::with_capacity(file.len() + 64);
            let mut chars = file.char_indices().peekable();
            while let Some((at, c)) = chars.next() {
                match c {
                    '\t' | '\n' => out.push(c),
                    '\r' if chars.peek().is_some_and(|(_, n)| *n == '\n') => out.push(c),
                    // The same length, so nothing shifts.
                    '\r' => out.push('\n'),
                    c if is_unsafe(c) => {
                        push_escaped(&mut out, c);
                        shifts.push((at, out.len() - (at + c.len_utf8())));
                    }
                    c => out.push(c),
                }
            }
            std::borrow::Cow::Owned(out)
        } else {
            std::borrow::Cow::Borrowed(file)
        };
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SnippetSource {
            id,
            name: terminal(path).into_owned(),
            file,
            text,
            shifts,
            line_starts,
        }
    }

    /// Where the file's byte `offset` is in `text`.
    fn offset(&self, offset: usize) -> usize {
        let escaped_before = self.shifts.partition_point(|(at, _)| *at < offset);
        offset
            + escaped_before
                .checked_sub(1)
                .and_then(|i| self.shifts.get(i))
                .map_or(0, |(_, shift)| *shift)
    }

    /// The line (from 0) of `text` that holds byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// The start of line `line` of `text`, or its end past the last line.
    fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// A label over `loc` in `text`, when the file's text is there to show it and the line
    /// is short enough.
    fn label(&self, file: &str, loc: Loc, message: Option<String>) -> Option<LabeledSpan> {
        let (start, end) = (
            loc.span.start_byte as usize,
            loc.span.end_byte.max(loc.span.start_byte) as usize,
        );
        if file.is_empty() || end > file.len() || !file.is_char_boundary(start) {
            return None;
        }
        let (start, end) = (self.offset(start), self.offset(end));
        let line = self.line_of(start);
        // The line without its LF (a CR before it counts, as it always has).
        let line_end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |next| next - 1);
        if line_end - self.line_start(line) > MAX_SNIPPET_LINE {
            return None;
        }
        Some(LabeledSpan::new(
            message.map(|m| terminal(&m).into_owned()),
            start,
            end - start,
        ))
    }
}

impl Source for SnippetSource<'_> {
    /// What miette's own `str` source gives for `span`, read from a window of the lines
    /// around it and moved back to where the window is in the text: the window starts at a
    /// line start more than `before` lines above the span and ends more than `after` lines
    /// below it, so miette's scan sees the same lines it would see from the file's start.
    fn read(
        &self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Contents<'_>, MietteError> {
        let start = span.offset();
        let end = start.saturating_add(span.len());
        // One line more than `before`: miette's scan treats an empty span at its very
        // first byte differently from one anywhere else.
        let first = self.line_of(start).saturating_sub(before.saturating_add(1));
        let last = self.line_of(end).saturating_add(after).saturating_add(3);
        let from = self.line_start(first);
        let window = self
            .text
            .as_bytes()
            .get(from..self.line_start(last))
            .ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new((start - from).into(), span.len());
        let inner = window.read_span(&local, before, after)?;
        Ok(Contents {
            data: inner.data(),
            offset: inner.span().offset() + from,
            len: inner.span().len(),
            line: inner.line() + first,
            column: inner.column(),
            // miette merges two labels' snippets into one of all the lines between them when
            // the first's line plus this count reaches the second's line. Its own sources
            // count the lines from the start of the source, so two labels merge whenever the
            // second is above about twice the first's line, however far apart: deep in a long
            // file, each finding would print thousands of lines. Here: the lines of the
            // contents and MERGE_GAP, so near labels still share a snippet and far ones do not.
            line_count: inner
                .line_count()
                .saturating_sub(inner.line())
                .saturating_add(MERGE_GAP),
            name: Some(&self.name),
        })
    }
}

/// The files one finding points into, laid end to end as miette's one source: the
/// finding's own file first, at offset 0, then each other file its labels point into, in
/// label order, each one byte past the end of the one before. miette then draws a snippet
/// of each file under its own path (as rustc does for a note in another file): a span never
/// crosses from one file to the next, so it never merges two files' snippets.
struct FindingSource<'s> {
    /// Each file with the offset it starts at.
    parts: Vec<(usize, &'s SnippetSource<'s>)>,
}

impl<'s> FindingSource<'s> {
    fn new(files: impl IntoIterator<Item = &'s SnippetSource<'s>>) -> FindingSource<'s> {
        let mut next = 0;
        let parts = files
            .into_iter()
            .map(|f| {
                let base = next;
                next += f.text.len() + 1;
                (base, f)
            })
            .collect();
        FindingSource { parts }
    }

    /// A label of `file` (its index in `parts`, `text` its file's text) over `loc`, moved to
    /// where that file starts.
    fn label(
        &self,
        file: usize,
        text: &str,
        loc: Loc,
        message: Option<String>,
    ) -> Option<LabeledSpan> {
        let (base, source) = self.parts.get(file)?;
        let label = source.label(text, loc, message)?;
        Some(LabeledSpan::new(
            label.label().map(str::to_string),
            label.offset() + base,
            label.len(),
        ))
    }
}

impl Source for FindingSource<'_> {
    fn read(
        &self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Contents<'_>, MietteError> {
        let start = span.offset();
        let at = self.parts.partition_point(|(base, _)| *base <= start);
        let (base, source) = at
            .checked_sub(1)
            .and_then(|i| self.parts.get(i))
            .ok_or(MietteError::OutOfBounds)?;
        // Within one file: miette asks for two labels' spans together to merge their
        // snippets, which across files it must not.
        if start.saturating_add(span.len()) > base + source.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let local = SourceSpan::new((start - base).into(), span.len());
        let inner = source.read(&local, before, after)?;
        Ok(Contents {
            offset: inner.offset + base,
            ..inner
        })
    }

    fn file_of(&self, offset: usize) -> Option<(usize, usize, usize)> {
        let at = self.parts.partition_point(|(base, _)| *base <= offset);
        let (base, source) = self.parts.get(at.checked_sub(1)?)?;
        Some((source.id, *base, source.text.len()))
    }
}

/// The theme of the report.
fn theme(color: bool) -> GraphicalTheme {
    if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    }
}

/// Renders findings one after the other: one theme, each file prepared once.
struct Renderer<'a> {
    analysis: &'a Analysis,
    graphical: Graphical,
    sources: FastMap<FileId, SnippetSource<'a>>,
}

impl<'a> Renderer<'a> {
    /// The files `findings` point into, each once, in id order.
    fn files_of(findings: &[Finding]) -> Vec<FileId> {
        let mut files: Vec<FileId> = findings
            .iter()
            .flat_map(|f| std::iter::once(f.loc.file).chain(f.labels.iter().map(|l| l.loc.file)))
            .collect();
        files.sort_unstable();
        files.dedup();
        files
    }

    /// A renderer for the findings that point into `files`, whose `texts` these are: the
    /// snippet source of every file is prepared here, once, so that findings can then be
    /// rendered side by side.
    fn new(
        analysis: &'a Analysis,
        color: bool,
        files: &[FileId],
        texts: &'a [std::sync::Arc<str>],
    ) -> Renderer<'a> {
        let sources = files
            .par_iter()
            .zip(texts)
            .map(|(&file, text)| {
                let path = analysis.files.path(file);
                (file, SnippetSource::new(file.0 as usize, path, text))
            })
            .collect();
        Renderer {
            analysis,
            graphical: Graphical::new(theme(color)),
            sources,
        }
    }

    /// The report of `f`, appended to `out`.
    fn finding(&self, f: &Finding, cache: &mut Cache, out: &mut String) {
        let analysis = self.analysis;
        let path = path_of(analysis, f);
        // The finding's own file, then each other file a label points into, once.
        let mut files = vec![f.loc.file];
        for l in &f.labels {
            if !files.contains(&l.loc.file) {
                files.push(l.loc.file);
            }
        }
        let text_of = |file: FileId| -> &str { self.sources.get(&file).map_or("", |s| s.file) };
        let source = FindingSource::new(files.iter().filter_map(|file| self.sources.get(file)));
        let start = f.loc.span.start;
        let suppressed = match &f.suppressed {
            None => String::new(),
            Some(s) => match &s.justification {
                Some(reason) => format!(" (suppressed by {}: {reason})", s.source),
                None => format!(" (suppressed by {})", s.source),
            },
        };
        let message = terminal(&format!(
            "{path}:{}:{}: {}{suppressed}",
            start.line, start.column, f.message
        ))
        .into_owned();
        let code = format!("{} {}", f.code, f.rule);
        let url = format!("fargate-lint explain {}", f.code);
        let help = f.help.as_deref().map(terminal);
        let mut labels: Vec<LabeledSpan> = source
            .label(0, text_of(f.loc.file), f.loc, None)
            .into_iter()
            .collect();
        // A label with no snippet to show it in (its line is too long, its file has no
        // text) still says where it is, on a note line of its own.
        let mut notes = String::new();
        for l in &f.labels {
            let part = files
                .iter()
                .position(|file| *file == l.loc.file)
                .unwrap_or(0);
            match source.label(part, text_of(l.loc.file), l.loc, Some(l.text.clone())) {
                Some(label) => labels.push(label),
                None => {
                    notes.push_str(&terminal(&format!(
                        "  note: {}:{}:{}: {}",
                        analysis
                            .files
                            .get(l.loc.file)
                            .map_or("", |s| s.path.as_str()),
                        l.loc.span.start.line,
                        l.loc.span.start.column,
                        l.text
                    )));
                    notes.push('\n');
                }
            }
        }
        let report = Report {
            severity: severity(f.severity),
            code: Some(&code),
            url: Some(&url),
            message: &message,
            help: help.as_deref(),
            labels,
        };
        let from = out.len();
        if self
            .graphical
            .render(out, &report, Some(&source), cache)
            .is_err()
        {
            out.truncate(from);
            out.push_str(&format!(
                "{}:{}:{}: {} {}\n",
                terminal(path),
                start.line,
                start.column,
                f.code,
                terminal(&f.message)
            ));
        }
        out.push_str(&notes);
    }
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

/// Findings rendered by one task: enough to share the work, few enough to stay small.
const RENDER_CHUNK: usize = 256;

/// The report as a string (tests); [`write`] streams it.
pub fn render(analysis: &Analysis, findings: &[Finding], color: bool, quiet: bool) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail, and every piece is a String.
    let _ = write(&mut out, analysis, findings, color, quiet);
    String::from_utf8(out).unwrap_or_default()
}

/// Streams the report into `w`, a finding at a time. Each piece is whole lines, so guarding
/// the lines against workflow commands piece by piece ([`terminal_lines`]) guards the report.
pub fn write(
    w: &mut dyn Write,
    analysis: &Analysis,
    findings: &[Finding],
    color: bool,
    quiet: bool,
) -> io::Result<()> {
    // The texts of the files the findings point into, kept or read again, live as long as
    // the renderer that borrows them.
    let files = Renderer::files_of(findings);
    let texts = analysis.texts(&files);
    let renderer = Renderer::new(analysis, color, &files, &texts);
    // Findings are rendered side by side, a batch at a time, and written in their order:
    // the same bytes at any thread count, and memory for one batch of text, not the report.
    let threads = rayon::current_num_threads().max(1);
    for batch in findings.chunks(RENDER_CHUNK * threads) {
        let pieces: Vec<String> = batch
            .par_chunks(RENDER_CHUNK)
            .map(|chunk| {
                // About what a finding takes, so that the piece seldom grows.
                let mut piece = String::with_capacity(chunk.len() * 1024);
                let mut cache = Cache::default();
                for f in chunk {
                    renderer.finding(f, &mut cache, &mut piece);
                    piece.push('\n');
                }
                terminal_lines(piece)
            })
            .collect();
        for piece in pieces {
            w.write_all(piece.as_bytes())?;
        }
    }
    if !quiet {
        w.write_all(terminal_lines(summary(analysis, findings)).as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use miette::{
        Diagnostic, GraphicalReportHandler, MietteDiagnostic, MietteSpanContents, SpanContents,
    };
    use std::fmt;

    /// Contents as miette's sources give them.
    fn boxed<'a>(
        c: Result<Contents<'a>, MietteError>,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let c = c?;
        let span = SourceSpan::new(c.offset.into(), c.len);
        Ok(Box::new(match c.name {
            Some(name) => MietteSpanContents::new_named(
                name.to_string(),
                c.data,
                span,
                c.line,
                c.column,
                c.line_count,
            ),
            None => MietteSpanContents::new(c.data, span, c.line, c.column, c.line_count),
        }))
    }

    impl SourceCode for SnippetSource<'_> {
        fn read_span<'a>(
            &'a self,
            span: &SourceSpan,
            before: usize,
            after: usize,
        ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
            boxed(self.read(span, before, after))
        }
    }

    impl SourceCode for FindingSource<'_> {
        fn read_span<'a>(
            &'a self,
            span: &SourceSpan,
            before: usize,
            after: usize,
        ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
            boxed(self.read(span, before, after))
        }
    }

    /// A plain text as ours to draw: what miette's `str` source reads.
    struct Plain<'a>(&'a str);

    impl Source for Plain<'_> {
        fn read(
            &self,
            span: &SourceSpan,
            before: usize,
            after: usize,
        ) -> Result<Contents<'_>, MietteError> {
            let c = self.0.read_span(span, before, after)?;
            Ok(Contents {
                data: c.data(),
                offset: c.span().offset(),
                len: c.span().len(),
                line: c.line(),
                column: c.column(),
                line_count: c.line_count(),
                name: None,
            })
        }
    }

    /// A finding as miette renders it: the diagnostic with the files it points into.
    struct Snippet<'s> {
        diagnostic: MietteDiagnostic,
        source: &'s (dyn SourceCode + 's),
    }

    impl fmt::Debug for Snippet<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt::Debug::fmt(&self.diagnostic, f)
        }
    }

    impl fmt::Display for Snippet<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt::Display::fmt(&self.diagnostic, f)
        }
    }

    impl std::error::Error for Snippet<'_> {}

    impl Diagnostic for Snippet<'_> {
        fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
            self.diagnostic.code()
        }
        fn severity(&self) -> Option<miette::Severity> {
            self.diagnostic.severity()
        }
        fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
            self.diagnostic.help()
        }
        fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
            self.diagnostic.url()
        }
        fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
            self.diagnostic.labels()
        }
        fn source_code(&self) -> Option<&dyn SourceCode> {
            Some(self.source)
        }
    }

    /// The handler the report was rendered with before `emit/graphical.rs` drew it, and
    /// which it must match byte for byte.
    fn miette_handler(color: bool) -> GraphicalReportHandler {
        GraphicalReportHandler::new_themed(theme(color))
            .with_width(100)
            // Messages are wrapped at spaces only, so an ARN, a path or a URL stays whole and
            // can be copied; the default, ICU's Unicode line breaking, also broke after `/`
            // and `-`.
            .with_word_separator(textwrap::WordSeparator::AsciiSpace)
            .with_links(false)
    }

    /// A small deterministic generator (xorshift), so that every run tests the same cases.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
        fn pick<'x, T>(&mut self, items: &'x [T]) -> &'x T {
            &items[self.below(items.len())]
        }
    }

    /// Files of every shape a snippet meets.
    const TEXTS: &[&str] = &[
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n    securityContext:\n      privileged: true\n",
        "a: 1\r\nb:\t2\r\n\tc: [x, y]\r\nd: \"\u{e9}t\u{e9}\"\r\n",
        "k: \u{6f22}\u{5b57}\u{3067}\u{3059}\nemoji: \u{1f680} go\nz: \u{301}x\n",
        "x: 1\n\n\n\ny: 2",
        "",
        "one line no end",
        "a: \x1b[2J\x07x\rb: y\n\u{202e}c: d\n",
        "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nl9\nl10\nl11\nl12\nl13\nl14\nl15\nl16\nl17\nl18\nl19\nl20\nl21\nl22\nl23\nl24\nl25\nl26\nl27\nl28\nl29\nl30\nl31\nl32\nl33\nl34\nl35\nl36\nl37\nl38\nl39\nl40\nl41\nl42\nl43\nl44\nl45\nl46\nl47\nl48\nl49\nl50\nl51\nl52\nl53\nl54\nl55\nl56\nl57\nl58\nl59\nl60\nl61\nl62\nl63\nl64\nl65\nl66\nl67\nl68\nl69\nl70\nl71\nl72\nl73\nl74\nl75\nl76\nl77\nl78\nl79\nl80\nl81\nl82\nl83\nl84\nl85\nl86\nl87\nl88\nl89\nl90\nl91\nl92\nl93\nl94\nl95\nl96\nl97\nl98\nl99\nl100\nl101\nl102\n",
        "short\na much longer line with many words in it, more than fits anywhere at all, and then some more text to be sure it is long\n\tindented: tab\n  - item\n",
        "key: |\n  block\n  text\n\nlast: x\n",
        "trailing: spaces   \nend\n\n",
    ];

    const MESSAGES: &[&str] = &[
        "short",
        "pods.yaml:8:11: container `c` of Pod `p` has no CPU or memory request (nor limit); it lands on Fargate profile `all` of cluster `prod`, which sizes the pod from its containers' requests alone (0.25 vCPU and 0.5 GB for none at all): this one gets `0.25vCPU 0.5GB`",
        "image `nginx` comes from Docker Hub, not ECR; it is pulled through a NAT gateway and non-ECR images need `imagePullSecrets` if private, see-also-the-well-known-hyphenated-words and --flags-like-this or a--b",
        "arn:aws:iam::123456789012:role/an-extremely-long-role-name-that-cannot-fit-on-one-line-of-the-report-at-all-whatever-happens-to-it-here ok",
        "\u{6f22}\u{5b57}\u{6f22}\u{5b57}\u{6f22}\u{5b57} \u{6f22}\u{5b57}\u{6f22}\u{5b57}\u{6f22}\u{5b57}\u{6f22}\u{5b57}\u{6f22}\u{5b57}\u{6f22}\u{5b57}\u{6f22}\u{5b57}\u{6f22}\u{5b57}\u{6f22}\u{5b57} wide words wrap by columns \u{6f22}\u{5b57}\u{6f22}\u{5b57}\u{6f22}\u{5b57}\u{6f22}\u{5b57} \u{1f680}\u{1f680}\u{1f680} \u{e9}\u{301} end",
        "two lines\nof message, the second one long enough to wrap around the end of the report width for sure yes",
        "  leading spaces and  double  spaces   and trailing   ",
        "\ttab in message with words that go on and on until they reach the end of the line and beyond it",
        "",
        "x-y z-",
    ];

    const LABELS: &[Option<&str>] = &[
        None,
        Some("here"),
        Some("Fargate profile `all` selects the pods"),
        Some("first line\nsecond line"),
        Some(""),
        Some("\u{6f22}\u{5b57} label"),
    ];

    const HELPS: &[Option<&str>] = &[
        None,
        Some("drop it"),
        Some(
            "copy the image to ECR (or use ECR Public, or an ECR pull-through cache) so that pods pull it through VPC endpoints; or allow the registry in the configuration",
        ),
        Some(
            "a\nb that is long enough to wrap over the line end of the help text when it is rendered by both of the renderers",
        ),
    ];

    /// A random span of `text`: on character boundaries, empty or not, sometimes over
    /// several lines or at the very end.
    fn span_of(rng: &mut Rng, text: &str) -> (usize, usize) {
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|i| text.is_char_boundary(*i))
            .collect();
        let start = *rng.pick(&bounds);
        let end = match rng.below(4) {
            0 => start,
            1 => text.len(),
            _ => {
                let ahead: Vec<usize> = bounds.iter().copied().filter(|b| *b >= start).collect();
                ahead[rng.below(ahead.len().min(12))]
            }
        };
        (start, end - start)
    }

    /// Ours, per theme (without and with colour), each with its cache of what it drew.
    fn ours() -> [(Graphical, Cache); 2] {
        [false, true].map(|color| (Graphical::new(theme(color)), Cache::default()))
    }

    /// Renders `snippet` with miette's handler and with ours (from `source`, the same text
    /// as the snippet's); both must give the same bytes.
    fn assert_same(
        snippet: &Snippet<'_>,
        source: &dyn Source,
        color: bool,
        ours: &mut [(Graphical, Cache); 2],
        case: &str,
    ) {
        let mut theirs = String::new();
        let theirs_ok = miette_handler(color)
            .render_report(&mut theirs, snippet)
            .is_ok();
        let d: &dyn Diagnostic = snippet;
        let (code, url, help) = (
            d.code().map(|c| c.to_string()),
            d.url().map(|u| u.to_string()),
            d.help().map(|h| h.to_string()),
        );
        let message = d.to_string();
        let report = Report {
            severity: d.severity().unwrap_or(miette::Severity::Error),
            code: code.as_deref(),
            url: url.as_deref(),
            message: &message,
            help: help.as_deref(),
            labels: d.labels().map(Iterator::collect).unwrap_or_default(),
        };
        let (graphical, cache) = &mut ours[usize::from(color)];
        let mut mine = String::new();
        let ours_ok = graphical
            .render(&mut mine, &report, Some(source), cache)
            .is_ok();
        assert_eq!(ours_ok, theirs_ok, "{case}");
        if theirs_ok {
            assert_eq!(
                mine, theirs,
                "{case}\n--- ours:\n{mine}\n--- miette:\n{theirs}"
            );
        }
    }

    fn diagnostic(rng: &mut Rng, labels: Vec<LabeledSpan>) -> MietteDiagnostic {
        let severity = *rng.pick(&[
            miette::Severity::Error,
            miette::Severity::Warning,
            miette::Severity::Advice,
        ]);
        let mut message = rng.pick(MESSAGES).to_string();
        if rng.below(3) == 0 {
            message = terminal(&message).into_owned();
        }
        let mut d = MietteDiagnostic::new(message)
            .with_severity(severity)
            .with_labels(labels);
        if rng.below(8) != 0 {
            d = d
                .with_code("FL211 missing-resource-requests")
                .with_url("fargate-lint explain FL211");
        }
        if let Some(help) = rng.pick(HELPS) {
            d = d.with_help(*help);
        }
        d
    }

    #[test]
    fn draws_what_miette_draws_for_findings_in_our_sources() {
        let prepared: Vec<SnippetSource<'_>> = TEXTS
            .iter()
            .enumerate()
            .map(|(i, t)| SnippetSource::new(i, &format!("dir/f{i}.yaml"), t))
            .collect();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut ours = ours();
        for case in 0..6000 {
            // One to three files, the finding's own first.
            let files: Vec<usize> = (0..1 + rng.below(3))
                .map(|_| rng.below(prepared.len()))
                .collect();
            let source = FindingSource::new(files.iter().map(|f| &prepared[*f]));
            let mut labels = Vec::new();
            for _ in 0..1 + rng.below(4) {
                let part = rng.below(source.parts.len());
                let (base, file) = source.parts[part];
                let (start, len) = span_of(&mut rng, &file.text);
                let label = rng.pick(LABELS).map(str::to_string);
                labels.push(LabeledSpan::new(label, base + start, len));
            }
            let color = rng.below(2) == 0;
            let snippet = Snippet {
                diagnostic: diagnostic(&mut rng, labels),
                source: &source,
            };
            assert_same(
                &snippet,
                &source,
                color,
                &mut ours,
                &format!("case {case}: {files:?} {snippet:?}"),
            );
        }
    }

    #[test]
    fn draws_what_miette_draws_for_findings_in_plain_text() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let mut ours = ours();
        for case in 0..4000 {
            let text = *rng.pick::<&str>(TEXTS);
            let mut labels = Vec::new();
            for _ in 0..rng.below(5) {
                let (start, len) = span_of(&mut rng, text);
                labels.push(LabeledSpan::new(
                    rng.pick(LABELS).map(str::to_string),
                    start,
                    len,
                ));
            }
            let color = rng.below(2) == 0;
            let snippet = Snippet {
                diagnostic: diagnostic(&mut rng, labels),
                source: &text,
            };
            assert_same(
                &snippet,
                &Plain(text),
                color,
                &mut ours,
                &format!("case {case}: {snippet:?}"),
            );
        }
    }

    /// What miette reads from `source` for a span at `offset`, `len` long.
    fn read(
        source: &dyn SourceCode,
        offset: usize,
        len: usize,
        context: usize,
    ) -> (Vec<u8>, usize, usize, usize, usize) {
        let c = source
            .read_span(&SourceSpan::new(offset.into(), len), context, context)
            .expect("in bounds");
        (
            c.data().to_vec(),
            c.span().offset(),
            c.span().len(),
            c.line(),
            c.column(),
        )
    }

    #[test]
    fn reads_what_miette_reads_from_the_whole_text() {
        let text = "a: 1\nbb: 2\r\n\nccc: 3\n  d: [4, 5]\r\ne: 6\nlast";
        let source = SnippetSource::new(0, "f.yaml", text);
        for offset in 0..text.len() {
            for len in [0, 1, 3, 9, 20] {
                for context in [0, 1, 2] {
                    if offset + len > text.len() {
                        continue;
                    }
                    assert_eq!(
                        read(&source, offset, len, context),
                        read(&text, offset, len, context),
                        "offset {offset}, len {len}, context {context}"
                    );
                }
            }
        }
    }

    #[test]
    fn reads_only_the_lines_around_a_span_of_a_long_file() {
        let text = "key: value\n".repeat(200_000);
        let source = SnippetSource::new(0, "big.yaml", &text);
        let offset = text.len() / 2 + 5;
        let (data, start, _, line, _) = read(&source, offset, 5, 1);
        // The line of the span and one on each side, from where miette would say.
        assert_eq!(data, b"key: value\nkey: value\nkey: value\n");
        assert_eq!(line, 100_000 - 1);
        assert_eq!(start, (100_000 - 1) * 11);
    }

    #[test]
    fn control_characters_of_the_file_are_escaped_and_spans_follow() {
        let text = "a: \x1b[2J\x07x\rb: y\n";
        let source = SnippetSource::new(0, "f\x1b.yaml", text);
        assert_eq!(source.name, "f\\u{1b}.yaml");
        assert_eq!(source.text, "a: \\u{1b}[2J\\u{7}x\nb: y\n");
        // `x` and `y` of the file, where they are in the text shown.
        let x = text.find('x').expect("x");
        let y = text.find('y').expect("y");
        assert_eq!(&source.text[source.offset(x)..=source.offset(x)], "x");
        assert_eq!(&source.text[source.offset(y)..=source.offset(y)], "y");
        assert_eq!(source.offset(0), 0);
    }
}
