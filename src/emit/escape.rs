//! Escaping of text from input (names, namespaces, regions, paths, file text) for the two
//! outputs that something other than a program reads: the terminal, which a CI runner turns
//! into its log, and Markdown, which GitHub renders. JSON and SARIF are escaped by serde;
//! `--format github` has the runner's own escaping in [`super::github`].
//!
//! Terminal: a value must not change the terminal (ESC and BEL start control sequences, CR
//! returns over what was printed, bidirectional overrides reorder what is shown) and must not
//! become a GitHub Actions workflow command: the runner runs a line that starts with `::`
//! after leading white space, and a legacy `##[command]` anywhere in a line. So
//! - [`terminal`] writes control characters (C0 with TAB, CR and LF, DEL, C1) and the
//!   bidirectional embeddings, overrides and isolates of every value as visible escapes
//!   (`\u{1b}`), and breaks `##[` (`#\u{23}[`);
//! - [`terminal_lines`] guards a whole report, after layout (miette wraps long text, so a value
//!   can begin a line): a line that would start with `::` gets its second `:` escaped, and any
//!   `##[` left (a snippet shows file text) is broken.
//!
//! Markdown: every value sits in a code span ([`code`], or [`cell`] in a table), where
//! nothing is markup: no link, image, HTML or mention. The span's fence is longer than any
//! run of backticks in the value, so the value cannot close it; control characters and line
//! breaks are escaped as on the terminal, so it cannot end the line, the table row or the
//! paragraph; in a table `|` is `\|`, which GitHub's table parser reads as a `|` of the cell
//! even inside a code span, and never as the end of the cell.

use std::borrow::Cow;
use std::fmt::Write;

/// Characters shown as an escape instead of themselves.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\0'..='\x1f' | '\x7f'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Writes `c` as a visible escape, `\u{1b}` (as Rust writes it).
pub fn push_escaped(out: &mut String, c: char) {
    let _ = write!(out, "\\u{{{:x}}}", c as u32);
}

/// The legacy workflow command prefix, which the runner finds anywhere in a line.
const LEGACY_COMMAND: &str = "##[";
/// What it becomes: the second `#` escaped.
const LEGACY_COMMAND_BROKEN: &str = "#\\u{23}[";

/// A value from input as the terminal shows it: see the module documentation.
pub fn terminal(s: &str) -> Cow<'_, str> {
    // Printable ASCII has nothing unsafe: a byte test, before decoding characters.
    let safe = s.bytes().all(|b| (b' '..=b'~').contains(&b)) || !s.chars().any(is_unsafe);
    if safe && !has_legacy_command(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out.replace(LEGACY_COMMAND, LEGACY_COMMAND_BROKEN))
}

/// A whole report for the terminal, guarded line by line against workflow commands: see the
/// module documentation. Our own text never starts a line with `::` or holds `##[`, so what
/// this changes came from input.
pub fn terminal_lines(report: String) -> String {
    let starts_command = |line: &str| line.trim_start().starts_with("::");
    // Looked for by the rare `::` rather than line by line: a report is megabytes of lines.
    let command_line = || {
        memchr::memmem::find_iter(report.as_bytes(), b"::").any(|at| {
            let line_start = memchr::memrchr(b'\n', &report.as_bytes()[..at]).map_or(0, |i| i + 1);
            starts_command(&report[line_start..])
        })
    };
    if !has_legacy_command(&report) && !command_line() {
        return report;
    }
    let mut out = String::with_capacity(report.len() + 16);
    for line in report.split_inclusive('\n') {
        let line = line.replace(LEGACY_COMMAND, LEGACY_COMMAND_BROKEN);
        if starts_command(&line) {
            // Only the first `::` matters: the runner reads a command from the line's start.
            let at = line.len() - line.trim_start().len();
            out.push_str(&line[..=at]);
            out.push_str("\\u{3a}");
            out.push_str(&line[at + 2..]);
        } else {
            out.push_str(&line);
        }
    }
    out
}

/// Whether `s` holds the legacy workflow command prefix.
fn has_legacy_command(s: &str) -> bool {
    memchr::memmem::find(s.as_bytes(), LEGACY_COMMAND.as_bytes()).is_some()
}

/// A value from input as a Markdown code span, outside a table.
pub fn code(s: &str) -> String {
    span(&terminal(s))
}

/// A value from input as a Markdown code span in a table cell: [`code`], with `|` as `\|`.
pub fn cell(s: &str) -> String {
    span(&terminal(s).replace('|', "\\|"))
}

/// `s` (with no line break) in a code span that shows it as it is.
fn span(s: &str) -> String {
    if s.is_empty() {
        // Two backticks would open a span that never closes; a space shows as nothing.
        return "` `".to_string();
    }
    let longest_run = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    // A space is stripped from each end of the content when both ends have one, and one
    // is needed to keep a backtick at an end from joining the fence.
    let pad = s.starts_with('`')
        || s.ends_with('`')
        || (s.starts_with(' ') && s.ends_with(' ') && s.trim() != "");
    if pad {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_values_are_borrowed_unchanged() {
        assert!(matches!(
            terminal("web-1.prod"),
            Cow::Borrowed("web-1.prod")
        ));
        assert_eq!(terminal("café: ü/x:1 ::"), "café: ü/x:1 ::");
    }

    #[test]
    fn control_characters_become_visible_escapes() {
        assert_eq!(
            terminal("a\x1b]0;title\x07b\r\n\tc\x7f\u{9b}d"),
            "a\\u{1b}]0;title\\u{7}b\\u{d}\\u{a}\\u{9}c\\u{7f}\\u{9b}d"
        );
        assert_eq!(terminal("\0"), "\\u{0}");
    }

    #[test]
    fn bidirectional_overrides_and_isolates_are_escaped() {
        assert_eq!(
            terminal("a\u{202e}b\u{2066}c\u{2069}"),
            "a\\u{202e}b\\u{2066}c\\u{2069}"
        );
        // Neighbours that do not reorder text stay.
        assert_eq!(terminal("\u{2029}\u{206a}"), "\u{2029}\u{206a}");
    }

    #[test]
    fn legacy_workflow_commands_are_broken() {
        assert_eq!(terminal("x ##[error]boom"), "x #\\u{23}[error]boom");
        assert_eq!(terminal("###[a"), "##\\u{23}[a");
    }

    #[test]
    fn lines_starting_with_a_command_are_broken_others_kept() {
        let report = "ok line :: here\n  ::error::x\n::add-mask::y\n\t ::warning::z".to_string();
        assert_eq!(
            terminal_lines(report),
            "ok line :: here\n  :\\u{3a}error::x\n:\\u{3a}add-mask::y\n\t :\\u{3a}warning::z"
        );
        let clean = "a\n b :: c\n".to_string();
        assert_eq!(terminal_lines(clean.clone()), clean);
        assert_eq!(
            terminal_lines("a ##[group]b\n".into()),
            "a #\\u{23}[group]b\n"
        );
    }

    #[test]
    fn code_spans_outlast_backticks_in_the_value() {
        assert_eq!(code("web"), "`web`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("``x"), "``` ``x ```");
        assert_eq!(code("x`"), "`` x` ``");
        assert_eq!(code(" a "), "`  a  `");
        assert_eq!(code("  "), "`  `");
        assert_eq!(code(""), "` `");
    }

    #[test]
    fn code_spans_hold_markup_and_line_breaks_as_text() {
        assert_eq!(
            code("[x](https://e.example)\n<img src=x>"),
            "`[x](https://e.example)\\u{a}<img src=x>`"
        );
    }

    #[test]
    fn cells_escape_pipes_headings_do_not() {
        assert_eq!(cell("a|b"), "`a\\|b`");
        assert_eq!(code("a|b"), "`a|b`");
        // A backslash before a pipe stays: the table parser takes `\\|` as `\` and `\|`.
        assert_eq!(cell("a\\|b"), "`a\\\\|b`");
    }
}
