//! Wrapping of a finding's message and help, as miette has textwrap wrap them.

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

/// `text` wrapped into `out`, as `textwrap::fill` wraps it with the options miette gives it.
pub(super) fn fill(out: &mut String, text: &str, wrap: &Wrap<'_>) {
    out.push_str(&textwrap_fill(text, wrap));
}

/// What textwrap makes of `text` with miette's options.
fn textwrap_fill(text: &str, wrap: &Wrap<'_>) -> String {
    let options = textwrap::Options::new(wrap.width)
        .initial_indent(wrap.initial)
        .subsequent_indent(wrap.subsequent)
        .break_words(true)
        .word_separator(textwrap::WordSeparator::AsciiSpace);
    textwrap::fill(text, options)
}
