//! YAML and JSON into a tree whose every key and value keeps its span, raw text and
//! quoting style. The parser crate is used only in `parse.rs`; the rest of the program
//! sees [`Document`] and [`NodeRef`].

mod parse;
mod tree;

pub use parse::{Limits, Origin, parse, parse_each, parse_each_at, pieces};
pub use tree::{Comment, Document, NodeId, NodeKind, NodeRef, ParseError, ParsedFile};

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ScalarStyle {
    #[default]
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}
