//! Wrapping of a finding's message and help: what `textwrap::fill` makes of them with the
//! options miette gives it (spaces separate words, a hyphen between two letters or digits may
//! end a line, a word longer than a line is broken, first fit), in one pass over the text
//! instead of textwrap's iterators and vectors of pieces; `tests` compare the two.

use textwrap::core::{Word, display_width};

/// Where lines break and what starts them.
pub(super) struct Wrap<'a> {
    width: usize,
    initial: &'a str,
    subsequent: &'a str,
}

impl<'a> Wrap<'a> {
    pub(super) fn new(width: usize, initial: &'a str, subsequent: &'a str) -> Wrap<'a> {
        Wrap {
            width,
            initial,
            subsequent,
        }
    }
}

/// A piece of a line that may start or end a line of output: where it starts in the line,
/// the length of its text and of the spaces after it, and its columns.
#[derive(Clone, Copy)]
struct Fragment {
    start: usize,
    len: usize,
    spaces: usize,
    width: usize,
}

/// `text` wrapped into `out`, lines joined by LF and none at the end, as `textwrap::fill`.
pub(super) fn fill(out: &mut String, text: &str, wrap: &Wrap<'_>) {
    let initial_width = wrap.width.saturating_sub(display_width(wrap.initial));
    let subsequent_width = wrap.width.saturating_sub(display_width(wrap.subsequent));
    let mut fragments = Vec::new();
    let mut first = true;
    for line in text.split('\n') {
        // A short line without indentation is kept whole, as textwrap keeps it.
        let indent = if first { wrap.initial } else { wrap.subsequent };
        // An empty line has no word to wrap, and textwrap then writes no indentation
        // either, unless its empty first word (an indented first line) is there.
        if indent.is_empty() && line.len() < wrap.width
            || line.is_empty() && wrap.initial.is_empty()
        {
            if !first {
                out.push('\n');
            }
            out.push_str(line.trim_end_matches(' '));
            first = false;
            continue;
        }
        let from = out.len();
        let was_first = first;
        if ascii_line(
            out,
            line,
            wrap,
            (initial_width, subsequent_width),
            &mut first,
        ) {
            continue;
        }
        out.truncate(from);
        first = was_first;
        fragments.clear();
        // textwrap puts an empty word first when the first line is indented: the first
        // word may not fit beside the indentation.
        if !wrap.initial.is_empty() {
            fragments.push(Fragment {
                start: 0,
                len: 0,
                spaces: 0,
                width: 0,
            });
        }
        fragment(line, subsequent_width, &mut fragments);
        // First fit: a fragment that does not fit starts the next line; the first line is
        // as wide as the first one of the text, every other as the subsequent ones.
        let mut lines = 0;
        let mut from = 0;
        let mut width = 0;
        for (idx, f) in fragments.iter().enumerate() {
            let line_width = if lines == 0 {
                initial_width
            } else {
                subsequent_width
            };
            if width + f.width > line_width && idx > from {
                push_line(out, line, &fragments[from..idx], wrap, &mut first);
                lines += 1;
                from = idx;
                width = 0;
            }
            width += f.width + f.spaces;
        }
        push_line(out, line, &fragments[from..], wrap, &mut first);
    }
}

/// `line` wrapped as [`fill`] wraps it, for a line of printable ASCII (one column a byte)
/// whose pieces all fit a line, and a first line no wider than the others: the same first
/// fit, without a list of fragments. A fragment's width is its bytes and fragments lie end
/// to end, so a line from byte `start` holds every fragment whose text ends within `width`
/// bytes of it: each line is found by a search back from `start + width` for the last place
/// a fragment's text ends, a few bytes, not a visit of every word. `false` (with `out` and
/// `first` as they were, for the caller to undo) for any other line.
fn ascii_line(
    out: &mut String,
    line: &str,
    wrap: &Wrap<'_>,
    (initial_width, subsequent_width): (usize, usize),
    first: &mut bool,
) -> bool {
    let bytes = line.as_bytes();
    if initial_width > subsequent_width || !bytes.iter().all(|b| (b' '..=b'~').contains(b)) {
        return false;
    }
    let alphanumeric = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_alphanumeric);
    // Whether a fragment's text ends at byte `p` (0 < p <= len): the end of a word (spaces
    // or the line's end follow), or just after a hyphen between two letters or digits.
    let ends_at = |p: usize| {
        let word_end = bytes[p - 1] != b' ' && bytes.get(p).is_none_or(|&b| b == b' ');
        word_end || (bytes[p - 1] == b'-' && p >= 2 && alphanumeric(p - 2) && alphanumeric(p))
    };
    // The fragments' text ends with the line's last word.
    let end = line.trim_end_matches(' ').len();
    // An empty fragment starts the line when it is indented (textwrap's empty first word)
    // or starts with spaces: a first line may then hold no word at all.
    let empty_first = !wrap.initial.is_empty() || bytes.first() == Some(&b' ');
    let mut start = 0;
    let mut lines = 0;
    let mut width = initial_width;
    while end - start > width {
        let last_fit = (start + 1..=start + width).rev().find(|&p| ends_at(p));
        let stop = match last_fit {
            Some(p) => p,
            None if lines == 0 && empty_first => 0,
            // Not even the first fragment fits: it takes the line alone, if it fits one.
            None => match (start + 1..=end).find(|&p| ends_at(p)) {
                Some(p) if p - start <= subsequent_width => p,
                _ => return false,
            },
        };
        push_text(out, wrap, first, &line[start..stop]);
        start = stop + bytes[stop..].iter().take_while(|&&b| b == b' ').count();
        lines += 1;
        width = subsequent_width;
    }
    push_text(out, wrap, first, &line[start..end]);
    true
}

/// One line of output: its indentation and `text`.
fn push_text(out: &mut String, wrap: &Wrap, first: &mut bool, text: &str) {
    if !*first {
        out.push('\n');
    }
    out.push_str(if *first {
        wrap.initial
    } else {
        wrap.subsequent
    });
    *first = false;
    out.push_str(text);
}

/// One line of output: its indentation and its fragments' text without the last's spaces.
fn push_line(out: &mut String, line: &str, fragments: &[Fragment], wrap: &Wrap, first: &mut bool) {
    let text = match (fragments.first(), fragments.last()) {
        (Some(a), Some(b)) => &line[a.start..b.start + b.len],
        _ => "",
    };
    push_text(out, wrap, first, text);
}

/// The fragments of `line`: its words (each with the spaces after it), each split after
/// every hyphen between two alphanumeric characters, and every piece wider than
/// `max_width` broken into pieces that fit.
fn fragment(line: &str, max_width: usize, fragments: &mut Vec<Fragment>) {
    let bytes = line.as_bytes();
    let mut start = 0;
    let mut in_spaces = false;
    for (idx, &b) in bytes.iter().enumerate() {
        if in_spaces && b != b' ' {
            word(line, start, idx, max_width, fragments);
            start = idx;
        }
        in_spaces = b == b' ';
    }
    if start < line.len() {
        word(line, start, line.len(), max_width, fragments);
    }
}

/// The fragments of the word `line[start..end]` (its spaces included).
fn word(line: &str, start: usize, end: usize, max_width: usize, fragments: &mut Vec<Fragment>) {
    let whole = &line[start..end];
    let word = whole.trim_end_matches(' ');
    let spaces = whole.len() - word.len();
    let mut prev = 0;
    // A hyphen is one byte, so its byte index is a character boundary; a plain byte scan,
    // since a searcher's setup costs more than most words are long.
    let hyphens = word.bytes().enumerate().filter(|(_, b)| *b == b'-');
    for (idx, _) in hyphens {
        let before = word[..idx].chars().next_back();
        let after = word[idx + 1..].chars().next();
        if before.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric) {
            piece(line, start + prev, start + idx + 1, 0, max_width, fragments);
            prev = idx + 1;
        }
    }
    if prev < word.len() || prev == 0 {
        piece(
            line,
            start + prev,
            start + word.len(),
            spaces,
            max_width,
            fragments,
        );
    }
}

/// The piece `line[start..end]`, followed by `spaces` spaces, broken as textwrap breaks it
/// when it is wider than `max_width`.
fn piece(
    line: &str,
    start: usize,
    end: usize,
    spaces: usize,
    max_width: usize,
    fragments: &mut Vec<Fragment>,
) {
    let text = &line[start..end];
    let width = columns(text);
    if width <= max_width {
        fragments.push(Fragment {
            start,
            len: text.len(),
            spaces,
            width,
        });
        return;
    }
    let word = Word {
        word: text,
        whitespace: &line[end..end + spaces],
        penalty: "",
        width,
    };
    let mut at = start;
    for part in word.break_apart(max_width) {
        fragments.push(Fragment {
            start: at,
            len: part.word.len(),
            spaces: part.whitespace.len(),
            width: part.width,
        });
        at += part.word.len();
    }
}

/// The columns of `text` as textwrap counts them: printable ASCII one each, anything else
/// by textwrap itself.
fn columns(text: &str) -> usize {
    if text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        text.len()
    } else {
        display_width(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What textwrap makes of `text` with miette's options.
    fn textwrap_fill(text: &str, wrap: &Wrap<'_>) -> String {
        let options = textwrap::Options::new(wrap.width)
            .initial_indent(wrap.initial)
            .subsequent_indent(wrap.subsequent)
            .break_words(true)
            .word_separator(textwrap::WordSeparator::AsciiSpace);
        textwrap::fill(text, options)
    }

    #[test]
    fn wraps_as_textwrap_wraps() {
        compare_with_textwrap(&PIECES);
    }

    /// Lines of printable ASCII only, which take [`ascii_line`].
    #[test]
    fn wraps_ascii_as_textwrap_wraps() {
        let ascii: Vec<&str> = PIECES
            .iter()
            .copied()
            .filter(|p| p.bytes().all(|b| (b' '..=b'~').contains(&b) || b == b'\n'))
            .collect();
        compare_with_textwrap(&ascii);
    }

    const PIECES: [&str; 25] = [
        "a",
        "word",
        "x-y",
        "non-ECR",
        "--flag",
        "a--b",
        "z-",
        "-q",
        "1-2",
        "\u{e9}-\u{e9}",
        "\u{6f22}\u{5b57}",
        "\u{1f680}",
        "e\u{301}",
        " ",
        "  ",
        "\n",
        "\t",
        "\x1b[31m",
        "\x1b[0m",
        "\x1b]8;;u\x1b\\",
        "verylongwordwithoutanyspaceatallthatgoesonandon",
        "arn:aws:iam::123456789012:role/name",
        "`code`",
        "(0.25 vCPU)",
        "\u{301}",
    ];

    fn compare_with_textwrap(pieces: &[&str]) {
        let indents = [
            ("", ""),
            ("  \u{d7} ", "  \u{2502} "),
            ("  \x1b[31m\u{26a0}\x1b[0m ", "  \x1b[31m\u{2502}\x1b[0m "),
            ("\x1b[36m  help: \x1b[0m", "        "),
            ("    ", ""),
            ("", "    "),
        ];
        let mut state: u64 = 0x853c_49e6_748f_ea9b;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for case in 0..20_000 {
            let mut text = String::new();
            for _ in 0..next(40) {
                text.push_str(pieces[next(pieces.len())]);
                if next(3) > 0 {
                    text.push(' ');
                }
            }
            let width = match next(3) {
                0 => next(24),
                _ => 98,
            };
            let (initial, subsequent) = indents[next(indents.len())];
            let wrap = Wrap::new(width, initial, subsequent);
            let mut ours = String::new();
            fill(&mut ours, &text, &wrap);
            assert_eq!(
                ours,
                textwrap_fill(&text, &wrap),
                "case {case}: {text:?} at {width}, {initial:?} {subsequent:?}"
            );
        }
    }
}
