//! Turns text into [`ParsedFile`]s with the `granit-parser` event stream: the only file that
//! knows the parser crate. The tree is built with an explicit stack (no recursion), nesting
//! is bounded, aliases stay references, and a broken document is recorded and skipped so the
//! documents after it still count.
//!
//! Memory is bounded by one document: [`parse_each`] hands every document to its caller as
//! soon as it ends and keeps nothing of it, empty documents (`---` alone) are only counted,
//! and only the comments the caller asks for are kept. [`parse`] collects the documents, for
//! callers that want the whole file at once.

use std::collections::HashMap;

use granit_parser::{Event, Marker, Parser, ScanError};

use super::ScalarStyle;
use super::tree::{Comment, Document, Node, NodeId, NodeKind, ParseError, ParsedFile};
use crate::source::{Pos, Span};

/// Bounds on what one file may make us do.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Nested collections allowed (flow and block alike).
    pub max_depth: usize,
    /// Nodes allowed in one document.
    pub max_nodes: usize,
    /// Nodes a document may have once its aliases are expanded: what kubectl's YAML reader
    /// would build. Past it the document is refused as a YAML bomb.
    pub max_expanded_nodes: u64,
    /// Errors kept per file; the others are only counted ([`ParsedFile::more_errors`]), so
    /// that a file of a million broken documents does not make a million reports.
    pub max_errors: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 128,
            max_nodes: 2_000_000,
            max_expanded_nodes: 1_000_000,
            max_errors: 100,
        }
    }
}

/// Where the text given to the parser starts in its file: positions of a piece of a file
/// (see [`pieces`]) are the file's, not the piece's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Origin {
    /// The piece's first byte in the file.
    pub byte: usize,
    /// Lines of the file before the piece (it starts at a line's start).
    pub lines_before: u32,
}

impl Origin {
    fn pos(self, m: &Marker) -> Pos {
        let line = u32::try_from(m.line()).unwrap_or(u32::MAX);
        Pos {
            line: line.saturating_add(self.lines_before),
            column: u32::try_from(m.col() + 1).unwrap_or(u32::MAX),
        }
    }

    fn byte(self, m: &Marker) -> usize {
        self.byte + m.byte_offset().unwrap_or(m.index())
    }

    fn span(self, s: &granit_parser::Span) -> Span {
        Span {
            start: self.pos(&s.start),
            end: self.pos(&s.end),
            start_byte: crate::source::offset(self.byte(&s.start)),
            end_byte: crate::source::offset(self.byte(&s.end)),
        }
    }

    fn error(self, e: &ScanError) -> ParseError {
        let m = e.marker();
        let at = Span {
            start: self.pos(m),
            end: self.pos(m),
            start_byte: crate::source::offset(self.byte(m)),
            end_byte: crate::source::offset(self.byte(m)),
        };
        ParseError {
            message: e.info().to_string(),
            span: at,
        }
    }
}

/// Splits `text` into pieces of at least `min_len` bytes that start at a document marker
/// (`---` at the start of a line, then a space, a tab or the line's end), each with where
/// it starts, so that the pieces of one large file can be parsed side by side. A `---` at
/// a line's start always starts a document (YAML forbids it inside block scalars, quoted
/// scalars and flow collections alike), so a file without errors parses into the same
/// documents, comments and empty documents whole or in pieces; a caller re-parses the file
/// whole when a piece has an error, because recovery after one may cross a marker. Text
/// with directives (`%YAML`, `%TAG`: they belong to the document after them) or with
/// line breaks that are a lone carriage return (lines counted here by line feeds) is one
/// piece.
pub fn pieces(text: &str, min_len: usize) -> Vec<(Origin, &str)> {
    let whole = vec![(Origin::default(), text)];
    // Most files are small: whole, before anything scans them.
    if text.len() < min_len.saturating_mul(2) {
        return whole;
    }
    let bytes = text.as_bytes();
    let lone_cr = bytes
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
    if text.starts_with('%') || text.contains("\n%") || lone_cr {
        return whole;
    }
    let mut out = Vec::new();
    let (mut start, mut lines_before) = (0usize, 0u32);
    let mut search = min_len;
    while search < text.len() {
        // The next marker line at or after `search` (bytes: `search` need not be at a
        // character's start; a marker follows a line feed, so `found` always is).
        let mut at = search;
        let found = loop {
            let Some(newline) = bytes
                .get(at..)
                .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
            else {
                break None;
            };
            let marker = at + newline + 1;
            let is_marker = bytes.get(marker..marker + 3) == Some(b"---")
                && matches!(
                    bytes.get(marker + 3),
                    None | Some(b' ' | b'\t' | b'\n' | b'\r')
                );
            if is_marker {
                break Some(marker);
            }
            at = marker;
        };
        let Some(found) = found else {
            break;
        };
        if text.len() - found < min_len {
            break;
        }
        let piece = &text[start..found];
        out.push((
            Origin {
                byte: start,
                lines_before,
            },
            piece,
        ));
        let lines = piece.bytes().filter(|&b| b == b'\n').count();
        lines_before = lines_before.saturating_add(u32::try_from(lines).unwrap_or(u32::MAX));
        start = found;
        search = found + min_len;
    }
    out.push((
        Origin {
            byte: start,
            lines_before,
        },
        &text[start..],
    ));
    out
}

fn style(s: granit_parser::ScalarStyle) -> ScalarStyle {
    match s {
        granit_parser::ScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        granit_parser::ScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        granit_parser::ScalarStyle::Literal => ScalarStyle::Literal,
        granit_parser::ScalarStyle::Folded => ScalarStyle::Folded,
        _ => ScalarStyle::Plain,
    }
}

/// An open collection while its children are read.
/// An open collection; its children so far are the builder's `items` or `pairs` from
/// `start` on (one stack for all open collections: each collection's vector is allocated once,
/// at its exact size, when it closes).
enum Frame {
    Seq {
        id: NodeId,
        start: usize,
    },
    Map {
        id: NodeId,
        start: usize,
        key: Option<NodeId>,
    },
}

/// Builds one document from events.
#[derive(Default)]
struct Builder {
    doc: Document,
    stack: Vec<Frame>,
    /// The children of the open sequences, innermost last.
    items: Vec<NodeId>,
    /// The entries of the open mappings, innermost last.
    pairs: Vec<(NodeId, NodeId)>,
    /// Anchor ids of this document → anchored node.
    anchors: HashMap<usize, NodeId>,
    /// Per node: how many nodes it would be with every alias expanded (saturating); a
    /// collection still open counts as unbounded, so a self-reference is caught too.
    expanded: Vec<u64>,
}

impl Builder {
    /// Ready for the next document; buffers keep their capacity, so that a file of many
    /// small documents does not allocate per document.
    fn reset(&mut self) {
        self.doc.nodes.clear();
        self.doc.root = None;
        self.doc.span = Span::default();
        self.stack.clear();
        self.items.clear();
        self.pairs.clear();
        self.anchors.clear();
        self.expanded.clear();
    }

    /// Whether the document is empty: nothing, or a plain null (`---` alone, `~`, `null`)
    /// without tag; kubectl skips such documents.
    fn is_empty_document(&self) -> bool {
        match self.doc.root.and_then(|r| self.doc.nodes.get(r.0 as usize)) {
            None => true,
            Some(node) => {
                node.tag.is_none()
                    && matches!(&node.kind, NodeKind::Scalar { value, style: ScalarStyle::Plain }
                        if super::tree::is_null_text(value))
            }
        }
    }

    fn push_node(&mut self, kind: NodeKind, span: Span, tag: Option<Box<str>>) -> NodeId {
        let id = NodeId(u32::try_from(self.doc.nodes.len()).unwrap_or(u32::MAX));
        let count = match &kind {
            NodeKind::Alias(target) => self
                .expanded
                .get(target.0 as usize)
                .copied()
                .unwrap_or(u64::MAX),
            NodeKind::Scalar { .. } => 1,
            // Filled in when the collection closes.
            _ => u64::MAX,
        };
        self.doc.nodes.push(Node { kind, span, tag });
        self.expanded.push(count);
        id
    }

    /// Starts a collection; its children follow until its end event.
    fn open(&mut self, is_map: bool, anchor: usize, tag: Option<Box<str>>, span: Span) {
        let id = self.push_node(NodeKind::Seq(Vec::new()), span, tag);
        if anchor != 0 {
            self.anchors.insert(anchor, id);
        }
        self.stack.push(if is_map {
            Frame::Map {
                id,
                start: self.pairs.len(),
                key: None,
            }
        } else {
            Frame::Seq {
                id,
                start: self.items.len(),
            }
        });
    }

    /// Puts a finished node into its parent, or makes it the root.
    fn attach(&mut self, id: NodeId) {
        match self.stack.last_mut() {
            Some(Frame::Seq { .. }) => self.items.push(id),
            Some(Frame::Map { key, .. }) => match key.take() {
                Some(k) => self.pairs.push((k, id)),
                None => *key = Some(id),
            },
            None => self.doc.root = Some(id),
        }
    }

    /// Closes the innermost collection; `end` is the end of its closing event.
    fn close(&mut self, end: Span, flow: bool) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let (id, kind) = match frame {
            Frame::Seq { id, start } => {
                let items = self.items.get(start..).unwrap_or_default().to_vec();
                self.items.truncate(start);
                (id, NodeKind::Seq(items))
            }
            Frame::Map { id, start, .. } => {
                let pairs = self.pairs.get(start..).unwrap_or_default().to_vec();
                self.pairs.truncate(start);
                (id, NodeKind::Map(pairs))
            }
        };
        let last_end = match &kind {
            NodeKind::Seq(items) => items.last().copied(),
            NodeKind::Map(pairs) => pairs.last().map(|p| p.1),
            _ => None,
        }
        .map(|last| self.doc.nodes[last.0 as usize].span);
        let node = &mut self.doc.nodes[id.0 as usize];
        if flow {
            node.span = node.span.to(end);
        } else if let Some(last) = last_end {
            node.span.end = last.end;
            node.span.end_byte = last.end_byte;
        }
        let children: u64 = match &kind {
            NodeKind::Seq(items) => items
                .iter()
                .fold(0u64, |a, c| a.saturating_add(self.expanded[c.0 as usize])),
            NodeKind::Map(pairs) => pairs.iter().fold(0u64, |a, (k, v)| {
                a.saturating_add(self.expanded[k.0 as usize])
                    .saturating_add(self.expanded[v.0 as usize])
            }),
            _ => 0,
        };
        node.kind = kind;
        self.expanded[id.0 as usize] = children.saturating_add(1);
        self.attach(id);
    }
}

fn tag_text(tag: Option<&granit_parser::Tag>) -> Option<Box<str>> {
    tag.map(|t| t.to_string().into_boxed_str())
}

/// Records `e`, or only counts it past [`Limits::max_errors`].
fn push_error(out: &mut ParsedFile, limits: Limits, e: ParseError) {
    if out.errors.len() < limits.max_errors {
        out.errors.push(e);
    } else {
        out.more_errors += 1;
    }
}

/// Parses every document of `text` into [`ParsedFile::documents`], with every comment.
/// Never panics on any input.
pub fn parse(text: &str, limits: Limits) -> ParsedFile {
    let mut documents = Vec::new();
    let mut out = parse_each(text, limits, Some(&|_| true), &mut |doc| {
        let mut doc = std::mem::take(doc);
        doc.shrink_to_fit();
        documents.push(doc)
    });
    out.documents = documents;
    out
}

/// Parses every document of `text`, giving each non-empty one to `on_document` as soon as it
/// ends (in file order) instead of keeping it (it may take the document it is lent); the
/// result has the errors, the number of empty documents, and the comments whose text
/// (after `#`) `keep_comment` accepts; with `None`, no comment is wanted and the parser is
/// asked for none (comments are still skipped and checked: the same documents and errors, in
/// about 3% less time). Never panics on any input.
pub fn parse_each(
    text: &str,
    limits: Limits,
    keep_comment: Option<&dyn Fn(&str) -> bool>,
    on_document: &mut dyn FnMut(&mut Document),
) -> ParsedFile {
    parse_each_at(text, Origin::default(), limits, keep_comment, on_document)
}

/// [`parse_each`] of a piece of a file that starts at `origin` (see [`pieces`]): every
/// position is the file's.
pub fn parse_each_at(
    text: &str,
    origin: Origin,
    limits: Limits,
    keep_comment: Option<&dyn Fn(&str) -> bool>,
    on_document: &mut dyn FnMut(&mut Document),
) -> ParsedFile {
    let options = granit_parser::options! {
        flow_nesting_limit: limits.max_depth,
        block_nesting_limit: limits.max_depth,
        emit_comments: keep_comment.is_some(),
        // Comments are kept for suppressions; a long comment block must not be an error.
        max_buffered_comment_events: usize::MAX,
    };
    let keep_comment = keep_comment.unwrap_or(&|_| false);
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut out = ParsedFile::default();
    let mut b = Builder::default();
    loop {
        let (event, sp) = match parser.next_event() {
            None => break,
            Some(Ok(pair)) => pair,
            Some(Err(e)) => {
                push_error(&mut out, limits, origin.error(&e));
                b.reset();
                match parser.proceed_next_document() {
                    Ok(true) => continue,
                    Ok(false) => break,
                    Err(e) => {
                        push_error(&mut out, limits, origin.error(&e));
                        break;
                    }
                }
            }
        };
        let sp_ours = origin.span(&sp);
        match event {
            Event::DocumentStart(..) => {
                b.reset();
                b.doc.span = sp_ours;
            }
            Event::DocumentEnd => {
                let expanded = b.doc.root.map_or(0, |r| b.expanded[r.0 as usize]);
                if expanded > limits.max_expanded_nodes {
                    push_error(
                        &mut out,
                        limits,
                        ParseError {
                            message: format!(
                                "excessive aliasing: with its aliases expanded this document has more than {} nodes (a YAML bomb?); kubectl refuses such documents",
                                limits.max_expanded_nodes
                            ),
                            span: b.doc.span,
                        },
                    );
                } else if b.is_empty_document() {
                    out.empty_documents += 1;
                } else {
                    // Lent: the builder keeps the buffers for the next document, unless
                    // `on_document` takes the document (`std::mem::take`) to keep it.
                    on_document(&mut b.doc);
                }
                b.reset();
            }
            Event::Comment(text, _) if keep_comment(&text) => out.comments.push(Comment {
                text: text.into_owned(),
                span: sp_ours,
            }),
            Event::Scalar(value, st, anchor, tag) => {
                let id = b.push_node(
                    NodeKind::Scalar {
                        value: value.into(),
                        style: style(st),
                    },
                    sp_ours,
                    tag_text(tag.as_deref()),
                );
                if anchor != 0 {
                    b.anchors.insert(anchor, id);
                }
                b.attach(id);
            }
            Event::Alias(anchor) => {
                let kind = match b.anchors.get(&anchor) {
                    Some(&target) => NodeKind::Alias(target),
                    // Anchors never cross documents; treat a dangling one as null.
                    None => NodeKind::Scalar {
                        value: "".into(),
                        style: ScalarStyle::Plain,
                    },
                };
                let id = b.push_node(kind, sp_ours, None);
                b.attach(id);
            }
            Event::UnresolvedAlias(_) => {
                let id = b.push_node(
                    NodeKind::Scalar {
                        value: "".into(),
                        style: ScalarStyle::Plain,
                    },
                    sp_ours,
                    None,
                );
                b.attach(id);
            }
            Event::SequenceStart(_, anchor, tag) => {
                b.open(false, anchor, tag_text(tag.as_deref()), sp_ours);
            }
            Event::MappingStart(_, anchor, tag) => {
                b.open(true, anchor, tag_text(tag.as_deref()), sp_ours);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                // A flow collection ends at its bracket; a block one at its last child.
                let flow = sp_ours.end_byte > sp_ours.start_byte;
                b.close(sp_ours, flow);
            }
            // Stream start and end, anchor metadata (not requested), and later additions.
            _ => {}
        }
        if b.doc.nodes.len() > limits.max_nodes {
            push_error(
                &mut out,
                limits,
                ParseError {
                    message: format!(
                        "document has more than {} nodes; the rest of it is not read",
                        limits.max_nodes
                    ),
                    span: sp_ours,
                },
            );
            b.reset();
            match parser.proceed_next_document() {
                Ok(true) => continue,
                _ => break,
            }
        }
    }
    out
}
