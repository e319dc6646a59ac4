//! The document tree: an arena of nodes per document. Aliases point at the anchored node
//! instead of copying it, so a "billion laughs" file stays as small as its text; the arena
//! also means no recursive `Drop` on deep input.

use super::ScalarStyle;
use crate::source::{FileId, Span};

/// Index of a node in its document's arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeId(pub(crate) u32);

#[derive(Debug, Clone)]
pub enum NodeKind {
    Scalar {
        /// Inline up to 24 bytes (most keys and values of a manifest): no allocation of its own.
        value: compact_str::CompactString,
        style: ScalarStyle,
    },
    Seq(Vec<NodeId>),
    Map(Vec<(NodeId, NodeId)>),
    /// `*name`: refers to the anchored node; never expanded into a copy.
    Alias(NodeId),
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) kind: NodeKind,
    pub(crate) span: Span,
    /// Explicit tag as written after resolution (`!Ref`, `tag:yaml.org,2002:str`).
    pub(crate) tag: Option<Box<str>>,
}

/// One YAML document of a file.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub(crate) nodes: Vec<Node>,
    pub(crate) root: Option<NodeId>,
    /// Where the document starts (its `---` or its first node).
    pub span: Span,
    /// Per node, the file it was written in: only for a document built out of other
    /// documents (a kustomize variant); empty for a parsed one, whose nodes are all of the
    /// file being read.
    pub(crate) files: Vec<FileId>,
}

/// A `#` comment: its text after `#` and the span of the whole comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

/// A document that could not be parsed: what is wrong and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

/// A parsed file: its good documents, the errors of the broken ones, and its comments.
#[derive(Debug, Clone, Default)]
pub struct ParsedFile {
    /// The documents that are not empty, in file order ([`super::parse_each`] hands them
    /// over instead and leaves this empty).
    pub documents: Vec<Document>,
    /// Documents that are nothing or a plain null (`---` alone): counted, not kept.
    pub empty_documents: usize,
    pub errors: Vec<ParseError>,
    /// Errors past [`super::Limits::max_errors`]: counted, not kept.
    pub more_errors: usize,
    pub comments: Vec<Comment>,
}

impl Document {
    /// The root node, or `None` for an empty document.
    pub fn root(&self) -> Option<NodeRef<'_>> {
        self.root.map(|id| NodeRef { doc: self, id })
    }

    pub fn node(&self, id: NodeId) -> NodeRef<'_> {
        NodeRef { doc: self, id }
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// An empty document to build out of nodes of other files (see [`Document::push_built`]).
    pub fn built(span: Span, nodes: usize) -> Document {
        Document {
            span,
            nodes: Vec::with_capacity(nodes),
            files: Vec::with_capacity(nodes),
            ..Document::default()
        }
    }

    /// Adds a node of a built document, written in `file` at `span`; children before their
    /// parents, so that `kind` names nodes already pushed.
    pub fn push_built(
        &mut self,
        kind: NodeKind,
        span: Span,
        tag: Option<Box<str>>,
        file: FileId,
    ) -> NodeId {
        let id = NodeId(u32::try_from(self.nodes.len()).unwrap_or(u32::MAX));
        self.nodes.push(Node { kind, span, tag });
        self.files.push(file);
        id
    }

    /// Whether the document was built out of other documents (its nodes name their files).
    pub fn is_built(&self) -> bool {
        !self.files.is_empty()
    }

    /// Gives back the room a document taken from the parser has past its nodes (its buffers
    /// grow by doubling), for a document that is kept.
    pub fn shrink_to_fit(&mut self) {
        self.nodes.shrink_to_fit();
        self.files.shrink_to_fit();
    }

    /// Makes `id` the root of a built document.
    pub fn set_root(&mut self, id: NodeId) {
        self.root = Some(id);
    }

    /// Every key written twice in one mapping of the document, as (first, repeated) key
    /// nodes in text order. Keys are compared as scalars; `<<` merge keys are not keys.
    /// One pass over the arena with a set per mapping: linear in the document's size. A
    /// small mapping (nearly every one of a manifest) compares its keys with each other
    /// instead: at most [`SMALL_MAP`] squared comparisons, cheaper than hashing each key.
    pub fn duplicate_keys(&self) -> Vec<(NodeRef<'_>, NodeRef<'_>)> {
        const SMALL_MAP: usize = 8;
        let mut out = Vec::new();
        let mut seen: std::collections::HashMap<&str, NodeId> = std::collections::HashMap::new();
        let mut small: Vec<(&str, NodeId)> = Vec::with_capacity(SMALL_MAP);
        for node in &self.nodes {
            let NodeKind::Map(pairs) = &node.kind else {
                continue;
            };
            let keys = pairs.iter().filter_map(|&(k, _)| {
                let key = self.node(k);
                match key.scalar() {
                    Some(("<<", ScalarStyle::Plain)) | None => None,
                    Some((name, _)) => Some((name, key)),
                }
            });
            if pairs.len() <= SMALL_MAP {
                small.clear();
                for (name, key) in keys {
                    match small.iter().find(|(seen, _)| *seen == name) {
                        Some(&(_, first)) => out.push((self.node(first), key)),
                        None => small.push((name, key.id)),
                    }
                }
                continue;
            }
            seen.clear();
            for (name, key) in keys {
                if let Some(&first) = seen.get(name) {
                    out.push((self.node(first), key));
                } else {
                    seen.insert(name, key.id);
                }
            }
        }
        out.sort_by_key(|(_, dup)| dup.span().start_byte);
        out
    }
}

/// How many `<<` merge levels a lookup follows; merges can form cycles through aliases.
const MAX_MERGE_DEPTH: usize = 16;

/// A node and the document it lives in; the way the rest of the program reads the tree.
/// Every accessor looks through aliases.
#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    doc: &'a Document,
    id: NodeId,
}

impl std::fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeRef")
            .field("kind", &self.raw().kind)
            .field("span", &self.span())
            .finish()
    }
}

impl<'a> NodeRef<'a> {
    fn raw(&self) -> &'a Node {
        // Ids are only ever made by the builder for its own arena.
        &self.doc.nodes[self.id.0 as usize]
    }

    /// The node an alias points at; the node itself otherwise.
    pub fn resolved(self) -> NodeRef<'a> {
        match self.raw().kind {
            NodeKind::Alias(target) => NodeRef {
                doc: self.doc,
                id: target,
            },
            _ => self,
        }
    }

    pub fn id(&self) -> NodeId {
        self.id
    }

    pub fn is_alias(&self) -> bool {
        matches!(self.raw().kind, NodeKind::Alias(_))
    }

    /// Where this node is written (for an alias: the `*name`, not the anchored node).
    pub fn span(&self) -> Span {
        self.raw().span
    }

    /// The file this node is written in, for a node of a built document; `None` for a parsed
    /// one (the file being read).
    pub fn file(&self) -> Option<FileId> {
        self.doc.files.get(self.id.0 as usize).copied()
    }

    /// The explicit tag of the (resolved) node.
    pub fn tag(&self) -> Option<&'a str> {
        self.resolved().raw().tag.as_deref()
    }

    pub fn kind(&self) -> &'a NodeKind {
        &self.resolved().raw().kind
    }

    /// The value and style of a scalar.
    pub fn scalar(&self) -> Option<(&'a str, ScalarStyle)> {
        match self.kind() {
            NodeKind::Scalar { value, style } => Some((value, *style)),
            _ => None,
        }
    }

    /// A scalar's text that is not null (`~`, `null`, or nothing at all when plain).
    pub fn as_str(&self) -> Option<&'a str> {
        match self.scalar() {
            Some((v, ScalarStyle::Plain)) if is_null_text(v) => None,
            Some((v, _)) => Some(v),
            None => None,
        }
    }

    /// A non-negative integer scalar (`3`, `"3"`).
    pub fn as_u64(&self) -> Option<u64> {
        self.as_str().and_then(|s| s.trim().parse().ok())
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.scalar() {
            Some(("true" | "True" | "TRUE", ScalarStyle::Plain)) => Some(true),
            Some(("false" | "False" | "FALSE", ScalarStyle::Plain)) => Some(false),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.scalar(), Some((v, ScalarStyle::Plain)) if is_null_text(v))
    }

    pub fn is_map(&self) -> bool {
        matches!(self.kind(), NodeKind::Map(_))
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.kind(), NodeKind::Seq(_))
    }

    /// Items of a sequence (empty for anything else).
    pub fn items(self) -> impl Iterator<Item = NodeRef<'a>> + 'a {
        let doc = self.doc;
        let ids: &'a [NodeId] = match self.kind() {
            NodeKind::Seq(items) => items,
            _ => &[],
        };
        ids.iter().map(move |&id| NodeRef { doc, id })
    }

    /// Entries of a mapping as written, without following `<<` merge keys.
    pub fn entries(self) -> impl Iterator<Item = (NodeRef<'a>, NodeRef<'a>)> + 'a {
        let doc = self.doc;
        let pairs: &'a [(NodeId, NodeId)] = match self.kind() {
            NodeKind::Map(pairs) => pairs,
            _ => &[],
        };
        pairs
            .iter()
            .map(move |&(k, v)| (NodeRef { doc, id: k }, NodeRef { doc, id: v }))
    }

    /// Entries of a mapping with string keys, merged entries (`<<: *base`) included after
    /// the mapping's own ones, each key once: the first one written wins.
    pub fn string_entries(&self) -> Vec<(NodeRef<'a>, NodeRef<'a>)> {
        let mut out: Vec<(NodeRef<'a>, NodeRef<'a>)> = Vec::new();
        // Keys taken so far: a set, so that a mapping of 40,000 labels is read in linear
        // time, not by rescanning `out` for every key.
        let mut taken = std::collections::HashSet::new();
        self.collect_entries(&mut out, &mut taken, 0);
        out
    }

    fn collect_entries(
        &self,
        out: &mut Vec<(NodeRef<'a>, NodeRef<'a>)>,
        taken: &mut std::collections::HashSet<&'a str>,
        depth: usize,
    ) {
        let mut merges = Vec::new();
        for (k, v) in self.entries() {
            match k.as_str() {
                Some("<<") if k.scalar().is_some_and(|(_, s)| s == ScalarStyle::Plain) => {
                    merges.push(v)
                }
                Some(key) if taken.insert(key) => {
                    out.push((k, v));
                }
                _ => {}
            }
        }
        if depth >= MAX_MERGE_DEPTH {
            return;
        }
        for m in merges {
            if m.is_seq() {
                for item in m.items() {
                    item.resolved().collect_entries(out, taken, depth + 1);
                }
            } else {
                m.resolved().collect_entries(out, taken, depth + 1);
            }
        }
    }

    /// The key and value of `key` in a mapping (merge keys followed).
    pub fn entry(&self, key: &str) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        self.entry_at_depth(key, 0)
    }

    fn entry_at_depth(&self, key: &str, depth: usize) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        let mut merges = Vec::new();
        for (k, v) in self.entries() {
            match k.scalar() {
                Some((name, _)) if name == key => return Some((k, v)),
                Some(("<<", ScalarStyle::Plain)) => merges.push(v),
                _ => {}
            }
        }
        if depth >= MAX_MERGE_DEPTH {
            return None;
        }
        merges.into_iter().find_map(|m| {
            if m.is_seq() {
                m.items()
                    .find_map(|item| item.resolved().entry_at_depth(key, depth + 1))
            } else {
                m.resolved().entry_at_depth(key, depth + 1)
            }
        })
    }

    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<NodeRef<'a>> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The value at a path of mapping keys: `node.path(&["spec", "template"])`.
    pub fn path(&self, keys: &[&str]) -> Option<NodeRef<'a>> {
        let mut node = *self;
        for key in keys {
            node = node.get(key)?;
        }
        Some(node)
    }

    /// The raw source text of this node.
    pub fn raw_text<'s>(&self, source: &'s str) -> &'s str {
        let span = self.span();
        source.get(span.range()).unwrap_or("")
    }
}

pub(super) fn is_null_text(v: &str) -> bool {
    matches!(v, "" | "~" | "null" | "Null" | "NULL")
}
