//! The layout of one finding in the human report: miette's graphical report (its
//! `GraphicalReportHandler` of miette 7.6, Apache-2.0 / MIT), drawn here for the one set of
//! options `emit/human.rs` uses, so that the same bytes come out without the handler's cost
//! per finding (a boxed highlighter state, a `String` per label part and per gutter piece,
//! a theme lookup per character).
//!
//! What is drawn is what miette draws with `new_themed(theme)`, `with_width(100)`,
//! `with_word_separator(AsciiSpace)` and `with_links(false)`, every other option at its
//! default: the code and URL, the message wrapped under the severity's icon, a snippet of
//! each group of labels (one line of context around them, labels merged as miette merges
//! them, tabs as 4 columns), and the help. Not drawn, because no finding has them: a cause
//! chain, related diagnostics, a footer. `tests` in `emit/human.rs` render varied findings
//! both ways and compare the bytes.
//!
//! The code follows miette's function by function, so that a change of miette's layout can
//! be followed here; line widths are measured as miette measures them (`unicode-width` 0.1),
//! wrapped text as textwrap does (`wrap.rs`).

use std::fmt::{self, Write};

use super::FastMap;

use miette::{GraphicalTheme, LabeledSpan, MietteError, Severity, SourceSpan};
use owo_colors::Style;
use unicode_width_01::UnicodeWidthChar;

use super::wrap::{Wrap, fill};

/// Columns of the report; messages and help wrap two columns short of it.
const WIDTH: usize = 100;
/// Lines of context above and below a label.
const CONTEXT_LINES: usize = 1;
/// Columns of a tab in a snippet.
const TAB_WIDTH: usize = 4;

/// What a snippet is drawn from: the contents miette's `SourceCode::read_span` gives, without
/// its box and its name's copy.
pub(super) trait Source {
    fn read(
        &self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Contents<'_>, MietteError>;

    /// The file that byte `offset` is in, as `(identity, where it starts, its length)`, when
    /// the source is made of files whose snippets may be drawn once and reused.
    fn file_of(&self, _offset: usize) -> Option<(usize, usize, usize)> {
        None
    }
}

/// The lines around a span: what miette's `SpanContents` holds.
#[derive(Clone, Copy)]
pub(super) struct Contents<'a> {
    /// The text of the lines.
    pub(super) data: &'a [u8],
    /// Where they start in the source, and how long they are (which miette's handler
    /// does not look at; miette's `SpanContents` made of them does).
    pub(super) offset: usize,
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) len: usize,
    /// The line (from 0) and column of the first.
    pub(super) line: usize,
    pub(super) column: usize,
    /// What miette's `line_count` says: two labels whose snippets are closer merge.
    pub(super) line_count: usize,
    /// The name shown in the snippet's header.
    pub(super) name: Option<&'a str>,
}

/// One finding as the report shows it.
pub(super) struct Report<'a> {
    pub(super) severity: Severity,
    pub(super) code: Option<&'a str>,
    pub(super) url: Option<&'a str>,
    pub(super) message: &'a str,
    pub(super) help: Option<&'a str>,
    pub(super) labels: Vec<LabeledSpan>,
}

/// What is already drawn: help texts wrapped (findings of one rule repeat theirs), and
/// snippets (every finding about a pod that a profile takes shows the profile's selector).
#[derive(Default)]
pub(super) struct Cache {
    help: FastMap<String, String>,
    snippets: FastMap<SnippetKey, String>,
}

/// What a snippet's drawing depends on, with offsets from the start of its file: the file,
/// the context's span, and each label in the file with its text and its style's place in
/// the theme's cycle (labels of other files never touch the snippet's lines).
#[derive(PartialEq, Eq, Hash)]
struct SnippetKey {
    file: usize,
    offset: usize,
    len: usize,
    labels: Vec<(usize, usize, Option<Vec<String>>, usize)>,
}

/// Draws reports in one theme.
pub(super) struct Graphical {
    theme: GraphicalTheme,
    /// The first and the other lines' indentation of a message, per severity (error,
    /// warning, advice).
    message_indents: [(String, String); 3],
    /// The first line's of the help.
    help_indent: String,
}

impl Graphical {
    pub(super) fn new(theme: GraphicalTheme) -> Graphical {
        let indents = |style: Style, icon: &str| {
            (
                format!("  {} ", style.style(icon)),
                format!("  {} ", style.style(theme.characters.vbar)),
            )
        };
        Graphical {
            message_indents: [
                indents(theme.styles.error, &theme.characters.error),
                indents(theme.styles.warning, &theme.characters.warning),
                indents(theme.styles.advice, &theme.characters.advice),
            ],
            help_indent: theme.styles.help.style("  help: ").to_string(),
            theme,
        }
    }

    /// The report of `report` into `f`, as miette's `render_report` writes it.
    pub(super) fn render(
        &self,
        f: &mut String,
        report: &Report<'_>,
        source: Option<&dyn Source>,
        cache: &mut Cache,
    ) -> fmt::Result {
        self.render_header(f, report)?;
        self.render_message(f, report);
        self.render_snippets(f, report, source, cache)?;
        self.render_footer(f, report, cache);
        Ok(())
    }

    fn severity_style(&self, report: &Report<'_>) -> Style {
        match report.severity {
            Severity::Error => self.theme.styles.error,
            Severity::Warning => self.theme.styles.warning,
            Severity::Advice => self.theme.styles.advice,
        }
    }

    /// The code and, in parentheses, the URL as text (`with_links(false)`).
    fn render_header(&self, f: &mut String, report: &Report<'_>) -> fmt::Result {
        if let Some(code) = report.code {
            write!(f, "{}", self.severity_style(report).style(code))?;
            if let Some(url) = report.url {
                write!(f, " ({})", self.theme.styles.link.style(url))?;
            }
            f.push_str("\n\n");
        }
        Ok(())
    }

    /// The message under the severity's icon (miette's `render_causes` without a cause).
    fn render_message(&self, f: &mut String, report: &Report<'_>) {
        let (initial, rest) = &self.message_indents[match report.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Advice => 2,
        }];
        fill(f, report.message, &Wrap::new(WIDTH - 2, initial, rest));
        f.push('\n');
    }

    fn render_footer(&self, f: &mut String, report: &Report<'_>, cache: &mut Cache) {
        if let Some(help) = report.help {
            if let Some(wrapped) = cache.help.get(help) {
                f.push_str(wrapped);
            } else {
                let mut wrapped = String::new();
                fill(
                    &mut wrapped,
                    help,
                    &Wrap::new(WIDTH - 2, &self.help_indent, "        "),
                );
                f.push_str(&wrapped);
                cache.help.insert(help.to_string(), wrapped);
            }
            f.push('\n');
        }
    }

    fn render_snippets(
        &self,
        f: &mut String,
        report: &Report<'_>,
        source: Option<&dyn Source>,
        cache: &mut Cache,
    ) -> fmt::Result {
        let Some(source) = source else {
            return Ok(());
        };
        let mut labels = report.labels.clone();
        labels.sort_unstable_by_key(|l| l.inner().offset());

        // Each context: the span it covers and the lines read for it (miette reads them once
        // more to draw them, the same).
        let mut contexts: Vec<(SourceSpan, Contents<'_>)> = Vec::with_capacity(labels.len());
        for right in &labels {
            let right_conts = match source.read(right.inner(), CONTEXT_LINES, CONTEXT_LINES) {
                Ok(conts) => conts,
                Err(err) => {
                    let styles = &self.theme.styles;
                    writeln!(
                        f,
                        "  [{} `{}` (offset: {}, length: {}): {:?}]",
                        styles.error.style("Failed to read contents for label"),
                        styles.link.style(right.label().unwrap_or("<none>")),
                        styles.link.style(right.offset()),
                        styles.link.style(right.len()),
                        styles.warning.style(err)
                    )?;
                    return Ok(());
                }
            };
            if let Some((left, left_conts)) = contexts.last().copied() {
                // The snippets overlap: one of both.
                if left_conts.line + left_conts.line_count >= right_conts.line {
                    let left_end = left.offset() + left.len();
                    let right_end = right.offset() + right.len();
                    let new_span = SourceSpan::new(
                        left.offset().into(),
                        left_end.max(right_end) - left.offset(),
                    );
                    if let Ok(new_conts) = source.read(&new_span, CONTEXT_LINES, CONTEXT_LINES) {
                        contexts.pop();
                        contexts.push((new_span, new_conts));
                        continue;
                    }
                }
            }
            contexts.push((*right.inner(), right_conts));
        }
        if contexts.is_empty() {
            return Ok(());
        }
        // Styles cycle over the labels in offset order.
        let spans = labels
            .iter()
            .zip(self.theme.styles.highlights.iter().copied().cycle())
            .map(|(label, style)| FancySpan::new(label.label(), *label.inner(), style))
            .collect::<Vec<_>>();
        let styles = self.theme.styles.highlights.len().max(1);
        for (context, contents) in contexts {
            let key = source
                .file_of(context.offset())
                .map(|(file, base, len)| SnippetKey {
                    file,
                    offset: context.offset() - base,
                    len: context.len(),
                    labels: spans
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| base <= s.offset() && s.offset() + s.len() <= base + len)
                        .map(|(i, s)| (s.offset() - base, s.len(), s.label.clone(), i % styles))
                        .collect(),
                });
            if let Some(drawn) = key.as_ref().and_then(|k| cache.snippets.get(k)) {
                f.push_str(drawn);
                continue;
            }
            let from = f.len();
            self.render_context(f, source, &context, contents, &labels, &spans)?;
            if let Some(key) = key {
                cache.snippets.insert(key, f[from..].to_string());
            }
        }
        Ok(())
    }

    fn render_context(
        &self,
        f: &mut String,
        source: &dyn Source,
        context: &SourceSpan,
        contents: Contents<'_>,
        labels: &[LabeledSpan],
        spans: &[FancySpan],
    ) -> fmt::Result {
        let lines = get_lines(&contents);
        let chars = &self.theme.characters;

        // The first label within the context is the reference for line and column (miette
        // prefers a primary one; labels here are never primary, as miette's own default).
        let in_context = |l: &&LabeledSpan| {
            context.offset() <= l.inner().offset()
                && l.inner().offset() + l.inner().len() <= context.offset() + context.len()
        };
        let primary_label = labels
            .iter()
            .filter(in_context)
            .find(|l| l.primary())
            .or_else(|| labels.iter().find(in_context));

        // How many gutter lines are active at most, for the indentation.
        let mut max_gutter = 0usize;
        for line in &lines {
            let n = spans
                .iter()
                .filter(|hl| !line.span_line_only(hl) && line.span_applies_gutter(hl))
                .count();
            max_gutter = max_gutter.max(n);
        }
        let linum_width = decimal_width(lines.last().map_or(0, |line| line.line_number));

        // Header.
        push_spaces(f, linum_width + 2);
        f.push(chars.ltop);
        f.push(chars.hbar);
        let primary_contents = match primary_label {
            Some(label) => source.read(label.inner(), 0, 0).map_err(|_| fmt::Error)?,
            None => contents,
        };
        if let Some(name) = primary_contents.name {
            writeln!(
                f,
                "[{}]",
                self.theme.styles.link.style(format_args!(
                    "{}:{}:{}",
                    name,
                    primary_contents.line + 1,
                    primary_contents.column + 1
                ))
            )?;
        } else if lines.len() > 1 {
            writeln!(
                f,
                "[{}:{}]",
                primary_contents.line + 1,
                primary_contents.column + 1
            )?;
        } else {
            for _ in 0..3 {
                f.push(chars.hbar);
            }
            f.push('\n');
        }

        let mut single_line = Vec::new();
        let mut multi_line = Vec::new();
        for line in &lines {
            self.write_linum(f, linum_width, line.line_number)?;
            self.render_line_gutter(f, max_gutter, line, spans);
            render_line_text(f, &line.text);

            single_line.clear();
            multi_line.clear();
            for hl in spans.iter().filter(|hl| line.span_applies(hl)) {
                if line.span_line_only(hl) {
                    single_line.push(hl);
                } else {
                    multi_line.push(hl);
                }
            }
            if !single_line.is_empty() {
                self.write_no_linum(f, linum_width);
                self.render_highlight_gutter(f, max_gutter, line, spans, Mode::SingleLine);
                self.render_single_line_highlights(
                    f,
                    line,
                    linum_width,
                    max_gutter,
                    &single_line,
                    spans,
                )?;
            }
            for hl in &multi_line {
                if hl.label.is_some() && line.span_ends(hl) && !line.span_starts(hl) {
                    self.render_multi_line_end(f, spans, max_gutter, linum_width, line, hl)?;
                }
            }
        }
        push_spaces(f, linum_width + 2);
        f.push(chars.lbot);
        for _ in 0..4 {
            f.push(chars.hbar);
        }
        f.push('\n');
        Ok(())
    }

    fn render_multi_line_end(
        &self,
        f: &mut String,
        spans: &[FancySpan],
        max_gutter: usize,
        linum_width: usize,
        line: &Line,
        label: &FancySpan,
    ) -> fmt::Result {
        self.write_no_linum(f, linum_width);
        match label.label.as_deref() {
            Some([first]) => {
                self.render_highlight_gutter(f, max_gutter, line, spans, Mode::SingleLine);
                self.render_multi_line_end_single(f, first, label.style, Mode::SingleLine)?;
            }
            Some([first, rest @ ..]) => {
                self.render_highlight_gutter(f, max_gutter, line, spans, Mode::MultiLineFirst);
                self.render_multi_line_end_single(f, first, label.style, Mode::MultiLineFirst)?;
                for part in rest {
                    self.write_no_linum(f, linum_width);
                    self.render_highlight_gutter(f, max_gutter, line, spans, Mode::MultiLineRest);
                    self.render_multi_line_end_single(f, part, label.style, Mode::MultiLineRest)?;
                }
            }
            // A label's parts are never empty (split gives at least one).
            Some([]) | None => {
                self.render_highlight_gutter(f, max_gutter, line, spans, Mode::SingleLine);
                writeln!(f, "{}", label.style.style(self.theme.characters.hbar))?;
            }
        }
        Ok(())
    }

    fn render_line_gutter(
        &self,
        f: &mut String,
        max_gutter: usize,
        line: &Line,
        spans: &[FancySpan],
    ) {
        if max_gutter == 0 {
            return;
        }
        let chars = &self.theme.characters;
        let start = f.len();
        let mut arrow = false;
        let applicable = spans.iter().filter(|hl| line.span_applies_gutter(hl));
        for (i, hl) in applicable.enumerate() {
            if line.span_starts(hl) || line.span_ends(hl) {
                let corner = if line.span_starts(hl) {
                    chars.ltop
                } else if hl.label.is_some() {
                    chars.lcross
                } else {
                    chars.lbot
                };
                push_styled_char(f, hl.style, corner);
                push_styled_repeat(f, hl.style, chars.hbar, max_gutter.saturating_sub(i));
                push_styled_char(f, hl.style, chars.rarrow);
                arrow = true;
                break;
            } else if line.span_flyby(hl) {
                push_styled_char(f, hl.style, chars.vbar);
            } else {
                f.push(' ');
            }
        }
        // miette counts the characters of the gutter, escape sequences and all.
        let drawn = f[start..].chars().count();
        push_spaces(
            f,
            usize::from(!arrow) * 2 + 1 + max_gutter.saturating_sub(drawn),
        );
    }

    fn render_highlight_gutter(
        &self,
        f: &mut String,
        max_gutter: usize,
        line: &Line,
        spans: &[FancySpan],
        mode: Mode,
    ) {
        if max_gutter == 0 {
            return;
        }
        let chars = &self.theme.characters;
        let mut gutter_cols = 0;
        let applicable = spans.iter().filter(|hl| line.span_applies_gutter(hl));
        for (i, hl) in applicable.enumerate() {
            if !line.span_line_only(hl) && line.span_ends(hl) {
                if mode == Mode::MultiLineRest {
                    let space = max_gutter.saturating_sub(i) + 2;
                    push_spaces(f, space);
                    gutter_cols += space + 1;
                } else {
                    let repeat = max_gutter.saturating_sub(i) + 2;
                    push_styled_char(f, hl.style, chars.lbot);
                    let bar = repeat - usize::from(mode == Mode::MultiLineFirst);
                    push_styled_repeat(f, hl.style, chars.hbar, bar);
                    gutter_cols += repeat + 1;
                }
                break;
            } else {
                push_styled_char(f, hl.style, chars.vbar);
                gutter_cols += 1;
            }
        }
        push_spaces(f, (max_gutter + 3).saturating_sub(gutter_cols));
    }

    fn write_linum(&self, f: &mut String, width: usize, linum: usize) -> fmt::Result {
        let style = self.theme.styles.linum;
        if style.is_plain() {
            // The same as below, without the formatter's padding machinery: right-aligned.
            f.push(' ');
            push_spaces(f, width.saturating_sub(decimal_width(linum)));
            write!(f, "{linum}")?;
            f.push(' ');
            f.push(self.theme.characters.vbar);
            f.push(' ');
            return Ok(());
        }
        write!(
            f,
            " {:width$} {} ",
            style.style(linum),
            self.theme.characters.vbar,
        )
    }

    fn write_no_linum(&self, f: &mut String, width: usize) {
        f.push(' ');
        push_spaces(f, width);
        f.push(' ');
        f.push(self.theme.characters.vbar_break);
        f.push(' ');
    }

    fn render_single_line_highlights(
        &self,
        f: &mut String,
        line: &Line,
        linum_width: usize,
        max_gutter: usize,
        single_liners: &[&FancySpan],
        spans: &[FancySpan],
    ) -> fmt::Result {
        let chars = &self.theme.characters;
        let mut highest = 0;
        let mut vbar_offsets = Vec::with_capacity(single_liners.len());
        for hl in single_liners {
            let start = visual_offset(line, hl.offset(), true).max(highest);
            let end = if hl.len() == 0 {
                start + 1
            } else {
                visual_offset(line, hl.offset() + hl.len(), false).max(start + 1)
            };
            let vbar_offset = (start + end) / 2;
            let num_left = vbar_offset - start;
            let num_right = end - vbar_offset - 1;
            let middle = if hl.len() == 0 {
                chars.uarrow
            } else if hl.label.is_some() {
                chars.underbar
            } else {
                chars.underline
            };
            let styled = StyleWriter::start(f, hl.style)?;
            push_spaces(f, start.saturating_sub(highest));
            push_repeat(f, chars.underline, num_left);
            f.push(middle);
            push_repeat(f, chars.underline, num_right);
            styled.end(f)?;
            highest = highest.max(end);
            vbar_offsets.push((*hl, vbar_offset));
        }
        f.push('\n');

        for hl in single_liners.iter().rev() {
            let Some(parts) = hl.label.as_deref() else {
                continue;
            };
            for (i, part) in parts.iter().enumerate() {
                let mode = match (parts.len(), i) {
                    (1, _) => Mode::SingleLine,
                    (_, 0) => Mode::MultiLineFirst,
                    _ => Mode::MultiLineRest,
                };
                self.write_label_text(
                    f,
                    line,
                    linum_width,
                    max_gutter,
                    spans,
                    &vbar_offsets,
                    hl,
                    part,
                    mode,
                )?;
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn write_label_text(
        &self,
        f: &mut String,
        line: &Line,
        linum_width: usize,
        max_gutter: usize,
        spans: &[FancySpan],
        vbar_offsets: &[(&FancySpan, usize)],
        hl: &FancySpan,
        label: &str,
        mode: Mode,
    ) -> fmt::Result {
        let chars = &self.theme.characters;
        self.write_no_linum(f, linum_width);
        self.render_highlight_gutter(f, max_gutter, line, spans, Mode::SingleLine);
        let mut curr_offset = 1usize;
        for (offset_hl, vbar_offset) in vbar_offsets {
            while curr_offset < *vbar_offset + 1 {
                f.push(' ');
                curr_offset += 1;
            }
            if *offset_hl != hl {
                push_styled_char(f, offset_hl.style, chars.vbar);
                curr_offset += 1;
            } else {
                // The label is styled inside the style of the whole line, as miette does.
                let outer = StyleWriter::start(f, hl.style)?;
                match mode {
                    Mode::SingleLine => {
                        f.push(chars.lbot);
                        push_repeat(f, chars.hbar, 2);
                    }
                    Mode::MultiLineFirst => {
                        f.push(chars.lbot);
                        f.push(chars.hbar);
                        f.push(chars.rcross);
                    }
                    Mode::MultiLineRest => {
                        f.push_str("  ");
                        f.push(chars.vbar);
                    }
                }
                f.push(' ');
                write!(f, "{}", hl.style.style(label))?;
                outer.end(f)?;
                f.push('\n');
                break;
            }
        }
        Ok(())
    }

    fn render_multi_line_end_single(
        &self,
        f: &mut String,
        label: &str,
        style: Style,
        mode: Mode,
    ) -> fmt::Result {
        let c = match mode {
            Mode::SingleLine => self.theme.characters.hbar,
            Mode::MultiLineFirst => self.theme.characters.rcross,
            Mode::MultiLineRest => self.theme.characters.vbar,
        };
        writeln!(f, "{} {}", style.style(c), style.style(label))
    }
}

/// How a label's line is drawn.
#[derive(PartialEq, Clone, Copy)]
enum Mode {
    /// A label of one line (or nothing special).
    SingleLine,
    /// The first line of a label of several.
    MultiLineFirst,
    /// The other lines of a label of several.
    MultiLineRest,
}

/// Writes a style's prefix, then (at `end`) its suffix, around what is pushed between.
struct StyleWriter(Style);

impl StyleWriter {
    fn start(f: &mut String, style: Style) -> Result<StyleWriter, fmt::Error> {
        write!(f, "{}", style.prefix_formatter())?;
        Ok(StyleWriter(style))
    }

    fn end(self, f: &mut String) -> fmt::Result {
        write!(f, "{}", self.0.suffix_formatter())
    }
}

fn push_spaces(f: &mut String, n: usize) {
    push_repeat(f, ' ', n);
}

fn push_repeat(f: &mut String, c: char, n: usize) {
    f.extend(std::iter::repeat_n(c, n));
}

fn push_styled_char(f: &mut String, style: Style, c: char) {
    push_styled_repeat(f, style, c, 1);
}

/// `c` `n` times in `style`: miette styles the repeated string as one (empty when `n` is 0,
/// the escape sequences still written).
fn push_styled_repeat(f: &mut String, style: Style, c: char, n: usize) {
    if style.is_plain() {
        push_repeat(f, c, n);
    } else {
        let _ = write!(f, "{}", style.prefix_formatter());
        push_repeat(f, c, n);
        let _ = write!(f, "{}", style.suffix_formatter());
    }
}

/// The digits of `n`.
fn decimal_width(n: usize) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// A label with its style, its text split into lines.
struct FancySpan {
    label: Option<Vec<String>>,
    span: SourceSpan,
    style: Style,
}

impl PartialEq for FancySpan {
    fn eq(&self, other: &Self) -> bool {
        self.label == other.label && self.span == other.span
    }
}

impl FancySpan {
    fn new(label: Option<&str>, span: SourceSpan, style: Style) -> FancySpan {
        FancySpan {
            label: label.map(|l| l.split('\n').map(str::to_string).collect()),
            span,
            style,
        }
    }

    fn offset(&self) -> usize {
        self.span.offset()
    }

    fn len(&self) -> usize {
        self.span.len()
    }
}

/// A line of a snippet: its number (from 1), where it starts in the source, its length
/// with its line end, and its text without it.
struct Line<'a> {
    line_number: usize,
    offset: usize,
    length: usize,
    text: std::borrow::Cow<'a, str>,
}

impl Line<'_> {
    fn span_line_only(&self, span: &FancySpan) -> bool {
        span.offset() >= self.offset && span.offset() + span.len() <= self.offset + self.length
    }

    /// Whether `span` shows on this line, in the gutter or under the text.
    fn span_applies(&self, span: &FancySpan) -> bool {
        let spanlen = span.len().max(1);
        (span.offset() >= self.offset && span.offset() < self.offset + self.length)
            || (span.offset() < self.offset && span.offset() + spanlen > self.offset + self.length)
            || (span.offset() + spanlen > self.offset
                && span.offset() + spanlen <= self.offset + self.length)
    }

    /// Whether `span` shows in this line's gutter: it applies and does not both start and
    /// end on it.
    fn span_applies_gutter(&self, span: &FancySpan) -> bool {
        let spanlen = span.len().max(1);
        self.span_applies(span)
            && !((span.offset() >= self.offset && span.offset() < self.offset + self.length)
                && (span.offset() + spanlen > self.offset
                    && span.offset() + spanlen <= self.offset + self.length))
    }

    /// A span over this line that neither starts nor ends on it.
    fn span_flyby(&self, span: &FancySpan) -> bool {
        span.offset() < self.offset && span.offset() + span.len() > self.offset + self.length
    }

    fn span_starts(&self, span: &FancySpan) -> bool {
        span.offset() >= self.offset
    }

    fn span_ends(&self, span: &FancySpan) -> bool {
        span.offset() + span.len() >= self.offset
            && span.offset() + span.len() <= self.offset + self.length
    }
}

/// The lines of `data`, the contents read for a context, as miette's `get_lines` splits them.
fn get_lines<'a>(data: &Contents<'a>) -> Vec<Line<'a>> {
    let context = String::from_utf8_lossy(data.data);
    // Text without a CR (and valid UTF-8, so nothing replaced): lines end at LF only, and
    // each line is a slice of it; the same lines as the scan below.
    if let std::borrow::Cow::Borrowed(text) = context
        && !text.contains('\r')
    {
        let mut lines = Vec::with_capacity(3);
        let (mut line, mut offset, mut rest) = (data.line, data.offset, text);
        while !rest.is_empty() {
            let end = rest.find('\n').map_or(rest.len(), |i| i + 1);
            let (this, after) = rest.split_at(end);
            line += 1;
            lines.push(Line {
                line_number: line,
                offset,
                length: end,
                text: std::borrow::Cow::Borrowed(this.strip_suffix('\n').unwrap_or(this)),
            });
            offset += end;
            rest = after;
        }
        return lines;
    }
    let mut line = data.line;
    let mut column = data.column;
    let mut offset = data.offset;
    let mut line_offset = offset;
    let mut line_str = String::new();
    let mut lines = Vec::with_capacity(3);
    let mut iter = context.chars().peekable();
    while let Some(c) = iter.next() {
        offset += c.len_utf8();
        let mut at_end_of_file = false;
        match c {
            '\r' => {
                if iter.next_if_eq(&'\n').is_some() {
                    offset += 1;
                    line += 1;
                    column = 0;
                } else {
                    line_str.push(c);
                    column += 1;
                }
                at_end_of_file = iter.peek().is_none();
            }
            '\n' => {
                at_end_of_file = iter.peek().is_none();
                line += 1;
                column = 0;
            }
            _ => {
                line_str.push(c);
                column += 1;
            }
        }
        if iter.peek().is_none() && !at_end_of_file {
            line += 1;
        }
        if column == 0 || iter.peek().is_none() {
            lines.push(Line {
                line_number: line,
                offset: line_offset,
                length: offset - line_offset,
                text: std::borrow::Cow::Owned(std::mem::take(&mut line_str)),
            });
            line_offset = offset;
        }
    }
    lines
}

/// The columns of each character of `text`: a tab to the next multiple of [`TAB_WIDTH`], an
/// ANSI escape sequence none.
fn char_widths(text: &str) -> impl Iterator<Item = usize> + '_ {
    let mut column = 0;
    let mut escaped = false;
    text.chars().map(move |c| {
        let width = match (escaped, c) {
            (false, '\t') => TAB_WIDTH - column % TAB_WIDTH,
            (false, '\x1b') => {
                escaped = true;
                0
            }
            (false, c) => c.width().unwrap_or(0),
            (true, 'm') => {
                escaped = false;
                0
            }
            (true, _) => 0,
        };
        column += width;
        width
    })
}

/// The column of byte `offset` of `line`: of its character's first column when `start`,
/// else of its last; one past the text's end for an offset past it.
fn visual_offset(line: &Line, offset: usize, start: bool) -> usize {
    let mut index = offset.saturating_sub(line.offset);
    while index <= line.text.len() && !line.text.is_char_boundary(index) {
        if start {
            index -= 1;
        } else {
            index += 1;
        }
    }
    let before = &line.text[..index.min(line.text.len())];
    // Printable ASCII is a column a character (no tab, no escape sequence).
    let width: usize = if before.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        before.len()
    } else {
        char_widths(before).sum()
    };
    if index > line.text.len() {
        width + 1
    } else {
        width
    }
}

/// A line of text, tabs as spaces.
fn render_line_text(f: &mut String, text: &str) {
    if !text.contains('\t') {
        f.push_str(text);
        f.push('\n');
        return;
    }
    for (c, width) in text.chars().zip(char_widths(text)) {
        if c == '\t' {
            push_spaces(f, width);
        } else {
            f.push(c);
        }
    }
    f.push('\n');
}
