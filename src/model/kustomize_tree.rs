//! The owned tree a kustomize build works on: a copy of parsed documents in which every node
//! keeps the file and span it came from, so that a value a patch or a kustomization sets
//! keeps the patch's or the kustomization's position through the build. Turned back into a
//! [`Document`] whose nodes each name their file, which the format readers read like a parsed
//! one (see [`crate::yaml::NodeRef::file`]).

use crate::source::{FileId, Loc, Span};
use crate::yaml::{Document, NodeId, NodeKind, NodeRef, ScalarStyle};

/// One node of a build: its value, where it was written, and its explicit tag.
#[derive(Debug, Clone)]
pub(super) struct N {
    pub v: V,
    pub loc: Loc,
    pub tag: Option<Box<str>>,
}

#[derive(Debug, Clone)]
pub(super) enum V {
    /// Compact, as the parsed tree's scalars: copied from it and into the built tree without
    /// an allocation for a short one.
    Scalar(compact_str::CompactString, ScalarStyle),
    Seq(Vec<N>),
    /// Keys are scalars.
    Map(Vec<(N, N)>),
}

/// How spans of a parsed text become spans of the file it was written in: as they are, or,
/// for an inline patch (a literal block scalar of kustomization.yaml), moved to the lines of
/// the block.
pub(super) enum SpanMap {
    Same,
    Block(BlockMap),
    /// Every node at one span (a patch written as a quoted or folded string).
    All(Span),
}

pub(super) struct BlockMap {
    /// Line (1-based) of the block's first content line in the file.
    first_line: u32,
    indent: usize,
    /// Per content line: where it starts in the file, and in the block's text.
    file_starts: Vec<usize>,
    text_starts: Vec<usize>,
}

impl SpanMap {
    /// The map for an inline patch: the string `node` of `source` (the kustomization's text).
    pub(super) fn inline(node: NodeRef<'_>, value: &str, source: &str) -> SpanMap {
        let whole = SpanMap::All(node.span());
        if node.scalar().map(|s| s.1) != Some(ScalarStyle::Literal) {
            return whole;
        }
        let span = node.span();
        let (span_start, span_end) = (span.start_byte as usize, span.end_byte as usize);
        // The content starts on the line after the header (`|`, `|-`, `|2`) when the span
        // starts at the header, else at the start of the span's line.
        let at_header = source
            .get(span_start..)
            .is_some_and(|rest| rest.starts_with(['|', '>']));
        let (content, first_line) = if at_header {
            match source.get(span_start..).and_then(|rest| rest.find('\n')) {
                Some(i) => (span_start + i + 1, span.start.line + 1),
                None => return whole,
            }
        } else {
            let line_start = source
                .get(..span_start)
                .and_then(|before| before.rfind('\n'))
                .map_or(0, |i| i + 1);
            (line_start, span.start.line)
        };
        let block = source.get(content..span_end.max(content)).unwrap_or("");
        let indent = block
            .lines()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start_matches(' ').len())
            .unwrap_or(0);
        let mut file_starts = Vec::new();
        let mut text_starts = Vec::new();
        let mut at = content;
        let mut text_at = 0usize;
        for (line, text_line) in block.split('\n').zip(value.split('\n')) {
            // The block's line must be the value's line indented, else positions are not
            // worth guessing.
            let body = line.get(indent.min(line.len())..).unwrap_or("");
            let body = body.strip_suffix('\r').unwrap_or(body);
            if body != text_line && !(line.trim().is_empty() && text_line.is_empty()) {
                return whole;
            }
            file_starts.push(at);
            text_starts.push(text_at);
            at += line.len() + 1;
            text_at += text_line.len() + 1;
        }
        SpanMap::Block(BlockMap {
            first_line,
            indent,
            file_starts,
            text_starts,
        })
    }

    fn map(&self, span: Span, node_span: Span) -> Span {
        match self {
            SpanMap::Same => span,
            SpanMap::All(s) => *s,
            SpanMap::Block(b) => {
                let pos = |line: u32, column: u32, byte: usize| {
                    let i = (line as usize).checked_sub(1)?;
                    let file_start = *b.file_starts.get(i)?;
                    let text_start = *b.text_starts.get(i)?;
                    Some((
                        crate::source::Pos {
                            line: b.first_line + line - 1,
                            column: column + b.indent as u32,
                        },
                        file_start + b.indent + byte.checked_sub(text_start)?,
                    ))
                };
                match (
                    pos(span.start.line, span.start.column, span.start_byte as usize),
                    pos(span.end.line, span.end.column, span.end_byte as usize),
                ) {
                    (Some((start, start_byte)), Some((end, end_byte))) => Span {
                        start,
                        end,
                        start_byte: crate::source::offset(start_byte),
                        end_byte: crate::source::offset(end_byte),
                    },
                    _ => node_span,
                }
            }
        }
    }

    fn fallback(&self) -> Span {
        match self {
            SpanMap::All(s) => *s,
            _ => Span::default(),
        }
    }
}

/// Copies a parsed node (aliases and `<<` merges expanded) into the build's tree; `None` when
/// the copy would pass `budget` nodes (an alias bomb).
pub(super) fn copy(
    node: NodeRef<'_>,
    file: FileId,
    map: &SpanMap,
    budget: &mut usize,
) -> Option<N> {
    *budget = budget.checked_sub(1)?;
    let node = node.resolved();
    let loc = Loc {
        file,
        span: map.map(node.span(), map.fallback()),
    };
    let tag = node.tag().map(Box::from);
    let v = match node.kind() {
        NodeKind::Scalar { value, style } => V::Scalar(value.clone(), *style),
        NodeKind::Seq(ids) => {
            // Sized once (collecting into an `Option` knows no length and grows by doubling).
            let mut out = Vec::with_capacity(ids.len());
            for i in node.items() {
                out.push(copy(i, file, map, budget)?);
            }
            V::Seq(out)
        }
        NodeKind::Map(pairs) => {
            // Without `<<` merge keys a mapping's entries are as written (the parser keeps
            // each key once for the kinds we read); `string_entries` only when merges are
            // there, since it builds a set per mapping.
            let merges = node.entries().any(|(k, _)| {
                k.scalar()
                    .is_some_and(|(v, s)| v == "<<" && s == ScalarStyle::Plain)
            });
            let mut out = Vec::with_capacity(pairs.len());
            let mut add = |(k, v)| -> Option<()> {
                out.push((copy(k, file, map, budget)?, copy(v, file, map, budget)?));
                Some(())
            };
            if merges {
                node.string_entries().into_iter().try_for_each(&mut add)?;
            } else {
                node.entries()
                    .filter(|(k, _)| k.as_str().is_some())
                    .try_for_each(&mut add)?;
            }
            V::Map(out)
        }
        NodeKind::Alias(_) => V::Scalar(compact_str::CompactString::default(), ScalarStyle::Plain),
    };
    Some(N { v, loc, tag })
}

impl N {
    pub(super) fn scalar(value: &str, style: ScalarStyle, loc: Loc) -> N {
        N {
            v: V::Scalar(value.into(), style),
            loc,
            tag: None,
        }
    }

    pub(super) fn map(loc: Loc) -> N {
        N {
            v: V::Map(Vec::new()),
            loc,
            tag: None,
        }
    }

    pub(super) fn is_null(&self) -> bool {
        matches!(&self.v, V::Scalar(s, ScalarStyle::Plain) if matches!(s.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// A scalar's text, not null.
    pub(super) fn str(&self) -> Option<&str> {
        match &self.v {
            V::Scalar(s, _) if !self.is_null() => Some(s),
            _ => None,
        }
    }

    pub(super) fn get(&self, key: &str) -> Option<&N> {
        match &self.v {
            V::Map(pairs) => pairs
                .iter()
                .find(|(k, _)| k.str() == Some(key))
                .map(|e| &e.1),
            _ => None,
        }
    }

    pub(super) fn get_mut(&mut self, key: &str) -> Option<&mut N> {
        match &mut self.v {
            V::Map(pairs) => pairs
                .iter_mut()
                .find(|(k, _)| k.str() == Some(key))
                .map(|e| &mut e.1),
            _ => None,
        }
    }

    pub(super) fn path(&self, keys: &[&str]) -> Option<&N> {
        keys.iter().try_fold(self, |n, k| n.get(k))
    }

    pub(super) fn path_mut(&mut self, keys: &[&str]) -> Option<&mut N> {
        keys.iter().try_fold(self, |n, k| n.get_mut(k))
    }

    pub(super) fn remove(&mut self, key: &str) -> Option<N> {
        match &mut self.v {
            V::Map(pairs) => {
                let i = pairs.iter().position(|(k, _)| k.str() == Some(key))?;
                Some(pairs.remove(i).1)
            }
            _ => None,
        }
    }

    /// Sets `key` (its node given) to `value`: the pair is replaced where the key is, added
    /// at the end otherwise. Nothing on a node that is not a mapping.
    pub(super) fn set(&mut self, key: N, value: N) {
        let Some(name) = key.str().map(str::to_string) else {
            return;
        };
        if let V::Map(pairs) = &mut self.v {
            match pairs
                .iter_mut()
                .find(|(k, _)| k.str() == Some(name.as_str()))
            {
                Some(pair) => *pair = (key, value),
                None => pairs.push((key, value)),
            }
        }
    }

    /// The mapping at `key`, made (at `loc`) when it is missing or null and `create`.
    pub(super) fn child_map(&mut self, key: &str, loc: Loc, create: bool) -> Option<&mut N> {
        let present = self.get(key).is_some_and(|n| !n.is_null());
        if !present {
            if !create || !matches!(self.v, V::Map(_)) {
                return None;
            }
            self.set(N::scalar(key, ScalarStyle::Plain, loc), N::map(loc));
        }
        self.get_mut(key).filter(|n| matches!(n.v, V::Map(_)))
    }

    /// The mapping at a path of keys, each made when `create`.
    pub(super) fn map_at(&mut self, keys: &[&str], loc: Loc, create: bool) -> Option<&mut N> {
        keys.iter()
            .try_fold(self, |n, k| n.child_map(k, loc, create))
    }

    /// The nodes of the tree, itself included.
    fn count(&self) -> usize {
        1 + match &self.v {
            V::Scalar(..) => 0,
            V::Seq(items) => items.iter().map(N::count).sum(),
            V::Map(pairs) => pairs.iter().map(|(k, v)| k.count() + v.count()).sum(),
        }
    }

    pub(super) fn items_mut(&mut self) -> &mut [N] {
        match &mut self.v {
            V::Seq(items) => items,
            _ => &mut [],
        }
    }

    /// Into a document whose every node names its file; the tree's strings are moved into
    /// it, not copied (a variant's objects are read once, then dropped).
    pub(super) fn into_document(self) -> Document {
        // Sized once: pushed one by one, its vectors grew by doubling, copying the nodes
        // each time.
        let mut doc = Document::built(self.loc.span, self.count());
        let root = push(&mut doc, self);
        doc.set_root(root);
        doc
    }
}

fn push(doc: &mut Document, n: N) -> NodeId {
    let kind = match n.v {
        V::Scalar(s, style) => NodeKind::Scalar { value: s, style },
        V::Seq(items) => NodeKind::Seq(items.into_iter().map(|i| push(doc, i)).collect()),
        V::Map(pairs) => NodeKind::Map(
            pairs
                .into_iter()
                .map(|(k, v)| (push(doc, k), push(doc, v)))
                .collect(),
        ),
    };
    doc.push_built(kind, n.loc.span, n.tag, n.loc.file)
}
