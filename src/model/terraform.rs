//! Terraform: the `.tf` files of a folder are one module, parsed with `hcl-edit` (which
//! keeps spans) and evaluated together. Read: `aws_eks_cluster`, `aws_eks_fargate_profile`,
//! `aws_eks_node_group` (EC2 capacity, as are Auto Mode's `compute_config` and the
//! Karpenter submodule), `aws_iam_role` (its `assume_role_policy` as `jsonencode(...)`, a
//! heredoc or `data.aws_iam_policy_document`, and `managed_policy_arns`),
//! `aws_iam_role_policy_attachment`; and the `terraform-aws-modules/eks/aws` module with
//! its `fargate-profile` submodule (`tf_module.rs`).
//!
//! Evaluation is small and honest ([`Module::eval`]): literals, `var.x` (a value of the
//! folder's `terraform.tfvars` or `*.auto.tfvars`, else its default), `local.x`, string
//! interpolation, `merge`, `concat`, `try`, `one`, `jsonencode`, conditionals on known
//! booleans, `for` over known collections, `for_each` over known collections, and
//! references to other resources of the module (`aws_eks_cluster.main.name`,
//! `aws_iam_role.fp.arn`). Anything else is unknown and, where the model needs it, a
//! placeholder (FL002 on its line): never guessed. A resource whose `count` is unknown
//! (`local.enabled ? 1 : 0`) is read once, as the configuration that is deployed when it
//! is enabled; a `count` of 0 is not read.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Block, Body};
use hcl_edit::template::{Element, Template};

use super::formats::FileFacts;
use super::iam::trust_policy;
use super::types::*;
use super::unresolved::{Needed, Unresolved};
use super::value::{self, Clusters, Val};
use crate::source::{FileId, Loc, Pos, Span};

/// Terraform's argument names; the provider requires a role and a selector.
pub(super) const DIALECT: Dialect = Dialect {
    tool: "Terraform",
    role_key: "pod_execution_role_arn",
    name_key: "fargate_profile_name",
    default_role_key: None,
    created_role: None,
    requires_selectors: true,
};

/// A parsed `.tf` (or `.tfvars`) file.
pub struct TfFile {
    pub id: FileId,
    /// The folder of the file: files of one folder are one module.
    pub folder: String,
    /// A `.tfvars` file: values of the module's variables, not blocks.
    pub tfvars: bool,
    /// The file name (`terraform.tfvars`, `prod.auto.tfvars`).
    name: String,
    body: Body,
    lines: Lines,
}

/// Why a `.tf` file could not be parsed: the message and where (1-based line and column).
pub struct TfError {
    pub message: String,
    pub line: u32,
    pub column: u32,
}

/// Text a Terraform file that defines (part of) a cluster holds: the `--find-clusters`
/// pre-filter (Terraform is no format of the registry: its files are read as modules).
const CLUSTER_NEEDLES: &[&str] = &[
    "aws_eks_cluster",
    "aws_eks_fargate_profile",
    "aws_eks_node_group",
    "terraform-aws-modules/eks",
    "terraform-aws-eks",
    "modules/fargate-profile",
];

/// Whether a Terraform file's text may define (part of) a cluster.
pub fn may_define_cluster(text: &str) -> bool {
    CLUSTER_NEEDLES.iter().any(|n| text.contains(n))
}

/// Whether a Terraform file defines (part of) a cluster, read alone.
pub fn defines_cluster(path: &str, text: &str) -> bool {
    parse(FileId(0), path, text).is_ok_and(|f| {
        read_modules(std::slice::from_ref(&f))
            .iter()
            .any(|(_, facts)| !facts.clusters.is_empty())
    })
}

/// Parses one file of a module.
pub fn parse(id: FileId, path: &str, text: &str) -> Result<TfFile, TfError> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| TfError {
        message: e.message().to_string(),
        line: u32::try_from(e.location().line()).unwrap_or(u32::MAX),
        column: u32::try_from(e.location().column()).unwrap_or(u32::MAX),
    })?;
    let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
    Ok(TfFile {
        id,
        folder: folder.to_string(),
        name: name.to_string(),
        tfvars: name.to_ascii_lowercase().ends_with(".tfvars"),
        body,
        lines: Lines::new(text),
    })
}

/// The `# fargate-lint: ...` (or `// fargate-lint: ...`) comments of a Terraform file, for
/// the suppression step: a line scan, since a directive cannot be mistaken for anything
/// else (a `#` in a string is followed by other text).
pub fn directive_comments(text: &str) -> Vec<crate::yaml::Comment> {
    let lines = Lines::new(text);
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let found = body
            .match_indices('#')
            .map(|(i, _)| (i, i + 1))
            .chain(body.match_indices("//").map(|(i, _)| (i, i + 2)))
            .find(|&(_, after)| crate::source::is_directive(&body[after..]));
        if let Some((start, after)) = found {
            out.push(crate::yaml::Comment {
                text: body[after..].to_string(),
                span: lines.span(Some(offset + start..offset + body.len())),
            });
        }
        offset += line.len();
    }
    out
}

/// Byte offsets of line starts, and the text, to turn spans into lines and columns.
struct Lines {
    starts: Vec<usize>,
    text: Box<str>,
    /// (byte, characters before it) about every [`CHECKPOINT`] bytes, at character
    /// boundaries: columns count characters, and a file written on one long line must not
    /// make each position cost the line's length.
    checkpoints: Vec<(usize, usize)>,
}

/// How far apart the character-count checkpoints of [`Lines`] are, in bytes.
const CHECKPOINT: usize = 1024;

impl Lines {
    fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut checkpoints = vec![(0, 0)];
        let mut next = CHECKPOINT;
        for (count, (byte, _)) in text.char_indices().enumerate() {
            if byte >= next {
                checkpoints.push((byte, count));
                next = byte + CHECKPOINT;
            }
        }
        Lines {
            starts,
            text: text.into(),
            checkpoints,
        }
    }

    /// The characters before `byte` (a character boundary), from the nearest checkpoint.
    fn chars_before(&self, byte: usize) -> usize {
        let i = self.checkpoints.partition_point(|&(b, _)| b <= byte).max(1);
        let (from, count) = self.checkpoints.get(i - 1).copied().unwrap_or((0, 0));
        count + self.text.get(from..byte).map_or(0, |s| s.chars().count())
    }

    fn pos(&self, byte: usize) -> Pos {
        let byte = byte.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= byte).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = self
            .chars_before(byte)
            .saturating_sub(self.chars_before(start));
        Pos {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }

    fn span(&self, range: Option<Range<usize>>) -> Span {
        let range = range.unwrap_or(0..0);
        Span {
            start: self.pos(range.start),
            end: self.pos(range.end),
            start_byte: crate::source::offset(range.start),
            end_byte: crate::source::offset(range.end),
        }
    }
}

/// How deep expressions are evaluated, and locals and variables followed.
const MAX_DEPTH: usize = 48;

/// One block of the module, with the file it is in.
#[derive(Clone, Copy)]
pub(super) struct At<'a> {
    pub file: &'a TfFile,
    pub block: &'a Block,
}

impl<'a> At<'a> {
    pub(super) fn loc(&self, range: Option<Range<usize>>) -> Loc {
        Loc {
            file: self.file.id,
            span: self.file.lines.span(range),
        }
    }

    /// The block's first line (its type and labels), for findings about the whole block.
    pub(super) fn head_loc(&self) -> Loc {
        let span = self.block.span();
        let labels_end = self
            .block
            .labels
            .last()
            .and_then(|l| l.span())
            .map(|r| r.end);
        self.loc(match (span, labels_end) {
            (Some(s), Some(end)) => Some(s.start..end),
            (s, _) => s,
        })
    }

    pub(super) fn attr(&self, key: &str) -> Option<&'a Expression> {
        self.block.body.get_attribute(key).map(|a| &a.value)
    }

    pub(super) fn blocks(&self, ident: &'a str) -> impl Iterator<Item = At<'a>> + 'a {
        let file = self.file;
        self.block
            .body
            .get_blocks(ident)
            .map(move |block| At { file, block })
    }
}

/// The variables of a `for` expression or of `for_each` (`each.key`, `each.value`).
pub(super) type Scope = Vec<(String, Val)>;

/// A module: its files' blocks by kind and name, and what has been evaluated.
pub(super) struct Module<'a> {
    pub folder: &'a str,
    variables: HashMap<String, (At<'a>, Option<&'a Expression>)>,
    tfvars: HashMap<String, (At<'a>, &'a Expression)>,
    locals: HashMap<String, (At<'a>, &'a Expression)>,
    /// `TYPE.NAME` of every resource, and `data.TYPE.NAME` of every data source.
    pub blocks: HashMap<String, At<'a>>,
    /// Blocks in file order: (kind, type or module name, name, block).
    pub order: Vec<(&'a str, String, String, At<'a>)>,
    memo: RefCell<HashMap<String, Option<Val>>>,
}

/// The label of a block at `i` as text.
fn label(block: &Block, i: usize) -> String {
    block
        .labels
        .get(i)
        .map(|l| l.as_str().to_string())
        .unwrap_or_default()
}

impl<'a> Module<'a> {
    fn new(folder: &'a str, files: &[&'a TfFile]) -> Module<'a> {
        let mut m = Module {
            folder,
            variables: HashMap::new(),
            tfvars: HashMap::new(),
            locals: HashMap::new(),
            blocks: HashMap::new(),
            order: Vec::new(),
            memo: RefCell::new(HashMap::new()),
        };
        // Terraform loads `terraform.tfvars`, then every `*.auto.tfvars` in name order, a
        // later value winning; other `.tfvars` files only with `-var-file`, which is not
        // known here.
        let mut tfvars: Vec<&&TfFile> = files
            .iter()
            .filter(|f| {
                f.tfvars && (f.name == "terraform.tfvars" || f.name.ends_with(".auto.tfvars"))
            })
            .collect();
        tfvars.sort_by_key(|f| (f.name != "terraform.tfvars", f.name.as_str()));
        for file in tfvars {
            for attr in file.body.attributes() {
                // A tfvars file has no blocks; its attributes are its values.
                let at = At {
                    file,
                    block: &EMPTY_BLOCK,
                };
                m.tfvars
                    .insert(attr.key.as_str().to_string(), (at, &attr.value));
            }
        }
        for file in files {
            if file.tfvars {
                continue;
            }
            for block in file.body.blocks() {
                let at = At { file, block };
                match block.ident.as_str() {
                    "variable" => {
                        m.variables
                            .insert(label(block, 0), (at, at.attr("default")));
                    }
                    "locals" => {
                        for attr in block.body.attributes() {
                            m.locals
                                .insert(attr.key.as_str().to_string(), (at, &attr.value));
                        }
                    }
                    "resource" => {
                        let (ty, name) = (label(block, 0), label(block, 1));
                        m.blocks.insert(format!("{ty}.{name}"), at);
                        m.order.push(("resource", ty, name, at));
                    }
                    "data" => {
                        let (ty, name) = (label(block, 0), label(block, 1));
                        m.blocks.insert(format!("data.{ty}.{name}"), at);
                        m.order.push(("data", ty, name, at));
                    }
                    "module" => {
                        let name = label(block, 0);
                        m.blocks.insert(format!("module.{name}"), at);
                        m.order.push(("module", name.clone(), name, at));
                    }
                    _ => {}
                }
            }
        }
        m
    }

    /// The key of resource `TYPE.NAME` (roles and clusters are named by it).
    pub(super) fn key(&self, address: &str) -> String {
        format!("tf:{}:{address}", self.folder)
    }

    fn unknown(shown: impl Into<String>, loc: Loc) -> Val {
        Val::Unknown {
            shown: shown.into(),
            loc,
        }
    }

    /// An expression of the block at `at`, evaluated. What is unknown is shown as written,
    /// as an interpolation (`${var.name}`), so that it reads as the placeholder it is.
    pub(super) fn eval(
        &self,
        at: At<'a>,
        expr: &'a Expression,
        scope: &Scope,
        depth: usize,
    ) -> Val {
        let loc = at.loc(expr.span());
        match self.eval_inner(at, expr, loc, scope, depth) {
            Val::Unknown { loc: here, .. } if here == loc => Val::Unknown {
                shown: written(at, expr),
                loc,
            },
            v => v,
        }
    }

    fn eval_inner(
        &self,
        at: At<'a>,
        expr: &'a Expression,
        loc: Loc,
        scope: &Scope,
        depth: usize,
    ) -> Val {
        if depth > MAX_DEPTH {
            return Self::unknown("...", loc);
        }
        let text = |value: String, quoted: bool| Val::Str(Text { value, loc, quoted });
        match expr {
            Expression::Null(_) => Val::Null(loc),
            Expression::Bool(b) => text(b.value().to_string(), false),
            Expression::Number(n) => text(n.value().to_string(), false),
            Expression::String(s) => text(s.value().clone(), true),
            Expression::Array(items) => Val::List(
                items
                    .iter()
                    .map(|e| self.eval(at, e, scope, depth + 1))
                    .collect(),
                loc,
            ),
            Expression::Object(object) => {
                let mut entries = Vec::new();
                for (k, v) in object.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => Some(Text {
                            value: i.as_str().to_string(),
                            loc: at.loc(i.span()),
                            quoted: false,
                        }),
                        ObjectKey::Expression(e) => match self.eval(at, e, scope, depth + 1) {
                            Val::Str(t) => Some(t),
                            _ => None,
                        },
                    };
                    let value = self.eval(at, v.expr(), scope, depth + 1);
                    match key {
                        Some(key) => entries.push((key, value)),
                        // A key known only at apply time: the object is unknown.
                        None => return Self::unknown("{...}", loc),
                    }
                }
                Val::Map(entries, loc)
            }
            Expression::StringTemplate(t) => self.template(at, t, loc, scope, depth),
            Expression::HeredocTemplate(h) => self.template(at, &h.template, loc, scope, depth),
            Expression::Parenthesis(p) => self.eval(at, p.inner(), scope, depth + 1),
            Expression::Variable(v) => scope
                .iter()
                .rev()
                .find(|(n, _)| n == v.as_str())
                .map(|(_, val)| val.clone())
                .unwrap_or_else(|| Self::unknown(v.as_str(), loc)),
            Expression::Conditional(c) => {
                match self.eval(at, &c.cond_expr, scope, depth + 1).as_bool() {
                    Some(true) => self.eval(at, &c.true_expr, scope, depth + 1),
                    Some(false) => self.eval(at, &c.false_expr, scope, depth + 1),
                    None => Self::unknown("(a condition)", loc),
                }
            }
            Expression::FuncCall(call) => self.call(at, call, loc, scope, depth),
            Expression::Traversal(t) => self.traversal(at, t, loc, scope, depth),
            Expression::ForExpr(f) => self.for_expr(at, f, loc, scope, depth),
            Expression::UnaryOp(_) | Expression::BinaryOp(_) => {
                Self::unknown("(an operation)", loc)
            }
        }
    }

    fn template(&self, at: At<'a>, t: &'a Template, loc: Loc, scope: &Scope, depth: usize) -> Val {
        let mut out = String::new();
        // How it is written, with `${...}` for what is unknown, for messages and for the
        // checks that look at a literal part only (a policy ARN's name).
        let mut shown = String::new();
        let mut known = true;
        for e in t.iter() {
            match e {
                Element::Literal(l) => {
                    out.push_str(l.value());
                    shown.push_str(l.value());
                }
                Element::Interpolation(i) => match self.eval(at, &i.expr, scope, depth + 1) {
                    Val::Str(s) => {
                        out.push_str(&s.value);
                        shown.push_str(&s.value);
                    }
                    other => {
                        known = false;
                        shown.push_str("${");
                        shown.push_str(&other.shown());
                        shown.push('}');
                    }
                },
                Element::Directive(_) => {
                    known = false;
                    shown.push_str("%{...}");
                }
            }
        }
        if known {
            Val::Str(Text {
                value: out,
                loc,
                quoted: true,
            })
        } else {
            Self::unknown(shown, loc)
        }
    }

    fn call(
        &self,
        at: At<'a>,
        call: &'a hcl_edit::expr::FuncCall,
        loc: Loc,
        scope: &Scope,
        depth: usize,
    ) -> Val {
        let name = call.name.name.as_str();
        let args = || call.args.iter().map(|a| self.eval(at, a, scope, depth + 1));
        let shown = format!("{name}(...)");
        match name {
            // A value is already JSON-like; a string of JSON is read when it is a policy.
            "jsonencode" | "tolist" | "toset" | "tomap" | "sensitive" | "nonsensitive" => {
                args().next().unwrap_or(Val::Null(loc))
            }
            "merge" => {
                // A later key wins, in the place of its first: an index of the keys
                // keeps a merge of large maps linear.
                let mut entries: Vec<(Text, Val)> = Vec::new();
                let mut at: HashMap<String, usize> = HashMap::new();
                for a in args() {
                    match a {
                        Val::Map(e, _) => {
                            for (k, v) in e {
                                match at.get(&k.value) {
                                    Some(&i) => entries[i] = (k, v),
                                    None => {
                                        at.insert(k.value.clone(), entries.len());
                                        entries.push((k, v));
                                    }
                                }
                            }
                        }
                        Val::Null(_) => {}
                        _ => return Self::unknown(shown, loc),
                    }
                }
                Val::Map(entries, loc)
            }
            "concat" => {
                let mut items = Vec::new();
                for a in args() {
                    match a {
                        Val::List(i, _) => items.extend(i),
                        _ => return Self::unknown(shown, loc),
                    }
                }
                Val::List(items, loc)
            }
            // The first argument that is known: `try(each.value.name, each.key)`.
            "try" | "coalesce" => args()
                .find(|a| a.is_known() && !matches!(a, Val::Null(_)))
                .unwrap_or_else(|| Self::unknown(shown, loc)),
            "one" => match args().next() {
                Some(Val::List(mut items, _)) if items.len() <= 1 => {
                    items.pop().unwrap_or(Val::Null(loc))
                }
                // `one(x[*].attr)`: a splat of a counted resource is read as its one
                // instance already.
                Some(v @ (Val::Ref { .. } | Val::Map(..) | Val::Str(_))) => v,
                _ => Self::unknown(shown, loc),
            },
            "lookup" => {
                let a: Vec<Val> = args().collect();
                match (a.first(), a.get(1).and_then(Val::as_text)) {
                    (Some(map @ Val::Map(..)), Some(key)) => map
                        .get(&key.value)
                        .cloned()
                        .or_else(|| a.get(2).cloned())
                        .unwrap_or_else(|| Self::unknown(shown, loc)),
                    _ => Self::unknown(shown, loc),
                }
            }
            _ => Self::unknown(shown, loc),
        }
    }

    fn for_expr(
        &self,
        at: At<'a>,
        f: &'a hcl_edit::expr::ForExpr,
        loc: Loc,
        scope: &Scope,
        depth: usize,
    ) -> Val {
        let collection = self.eval(at, &f.intro.collection_expr, scope, depth + 1);
        let pairs: Vec<(Val, Val)> = match collection {
            Val::List(items, l) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| {
                    (
                        Val::Str(Text {
                            value: i.to_string(),
                            loc: l,
                            quoted: false,
                        }),
                        v,
                    )
                })
                .collect(),
            Val::Map(entries, _) => entries.into_iter().map(|(k, v)| (Val::Str(k), v)).collect(),
            _ => return Self::unknown("[for ...]", loc),
        };
        let mut items = Vec::new();
        let mut entries = Vec::new();
        for (k, v) in pairs {
            let mut inner = scope.clone();
            if let Some(key_var) = &f.intro.key_var {
                inner.push((key_var.as_str().to_string(), k));
            }
            inner.push((f.intro.value_var.as_str().to_string(), v));
            if let Some(cond) = &f.cond {
                // An unknown condition (`if local.create`) keeps the element: the
                // configuration as deployed when enabled, as with an unknown `count`.
                if self.eval(at, &cond.expr, &inner, depth + 1).as_bool() == Some(false) {
                    continue;
                }
            }
            let value = self.eval(at, &f.value_expr, &inner, depth + 1);
            match &f.key_expr {
                Some(key_expr) => match self.eval(at, key_expr, &inner, depth + 1) {
                    Val::Str(key) => entries.push((key, value)),
                    _ => return Self::unknown("{for ...}", loc),
                },
                None => items.push(value),
            }
        }
        if f.key_expr.is_some() {
            Val::Map(entries, loc)
        } else {
            Val::List(items, loc)
        }
    }

    fn traversal(
        &self,
        at: At<'a>,
        t: &'a hcl_edit::expr::Traversal,
        loc: Loc,
        scope: &Scope,
        depth: usize,
    ) -> Val {
        let ops = &t.operators;
        let attr = |i: usize| match ops.get(i).map(|o| o.value()) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        let shown = shown_traversal(t);
        let Expression::Variable(root) = &t.expr else {
            let base = self.eval(at, &t.expr, scope, depth + 1);
            return self.apply(at, base, ops, loc, scope, depth, &shown);
        };
        let root = root.as_str();
        if let Some((_, v)) = scope.iter().rev().find(|(n, _)| n == root) {
            return self.apply(at, v.clone(), ops, loc, scope, depth, &shown);
        }
        match root {
            "var" | "local" => {
                let Some(name) = attr(0) else {
                    return Self::unknown(shown, loc);
                };
                let base = self.named(root, name, loc, depth);
                self.apply(at, base, &ops[1..], loc, scope, depth, &shown)
            }
            "data" => {
                let (Some(ty), Some(name)) = (attr(0), attr(1)) else {
                    return Self::unknown(shown, loc);
                };
                let rest = skip_instance(&ops[2..]);
                let wanted = rest.first().and_then(|o| match o.value() {
                    TraversalOperator::GetAttr(a) => Some(a.as_str()),
                    _ => None,
                });
                match (ty, wanted, self.blocks.get(&format!("data.{ty}.{name}"))) {
                    ("aws_iam_policy_document", Some("json"), Some(doc)) => {
                        self.policy_document(*doc, depth)
                    }
                    _ => Self::unknown(shown, loc),
                }
            }
            _ => {
                // `TYPE.NAME[...].attr`: another resource of the module.
                let Some(name) = attr(0) else {
                    return Self::unknown(shown, loc);
                };
                let address = format!("{root}.{name}");
                if !self.blocks.contains_key(&address) {
                    return Self::unknown(shown, loc);
                }
                let rest = skip_instance(&ops[1..]);
                let attr = rest.first().and_then(|o| match o.value() {
                    TraversalOperator::GetAttr(a) => Some(a.as_str().to_string()),
                    _ => None,
                });
                Val::Ref {
                    resource: self.key(&address),
                    attr,
                    shown,
                    loc,
                }
            }
        }
    }

    /// The value of `var.NAME` or `local.NAME`, evaluated once.
    fn named(&self, kind: &str, name: &str, loc: Loc, depth: usize) -> Val {
        let key = format!("{kind}.{name}");
        if let Some(done) = self.memo.borrow().get(&key) {
            // `None`: being evaluated, a cycle. What is unknown is so where it is used.
            return match done {
                Some(v) if !matches!(v, Val::Unknown { .. }) => v.clone(),
                _ => Self::unknown(key.clone(), loc),
            };
        }
        self.memo.borrow_mut().insert(key.clone(), None);
        let value = if kind == "var" {
            match (self.tfvars.get(name), self.variables.get(name)) {
                (Some((at, e)), _) => self.eval(*at, e, &Vec::new(), depth + 1),
                (None, Some((at, Some(e)))) => self.eval(*at, e, &Vec::new(), depth + 1),
                _ => Self::unknown(key.clone(), loc),
            }
        } else {
            match self.locals.get(name) {
                Some((at, e)) => self.eval(*at, e, &Vec::new(), depth + 1),
                None => Self::unknown(key.clone(), loc),
            }
        };
        // Known values keep where they are written; unknown ones are shown by their name,
        // where they are used.
        let value = match value {
            Val::Unknown { .. } => Self::unknown(key.clone(), loc),
            v => v,
        };
        self.memo.borrow_mut().insert(key, Some(value.clone()));
        value
    }

    /// `base` followed by attribute and index operators.
    #[allow(clippy::too_many_arguments)]
    fn apply(
        &self,
        at: At<'a>,
        base: Val,
        ops: &'a [hcl_edit::Decorated<TraversalOperator>],
        loc: Loc,
        scope: &Scope,
        depth: usize,
        shown: &str,
    ) -> Val {
        let mut v = base;
        for op in ops {
            if !v.is_known() {
                return match v {
                    r @ Val::Ref { .. } => r,
                    _ => Self::unknown(shown, loc),
                };
            }
            let next = match op.value() {
                TraversalOperator::GetAttr(a) => v.get(a.as_str()).cloned(),
                TraversalOperator::Index(e) => match self.eval(at, e, scope, depth + 1) {
                    Val::Str(k) => match &v {
                        Val::List(items, _) => k
                            .value
                            .parse::<usize>()
                            .ok()
                            .and_then(|i| items.get(i).cloned()),
                        _ => v.get(&k.value).cloned(),
                    },
                    _ => None,
                },
                TraversalOperator::LegacyIndex(i) => match &v {
                    Val::List(items, _) => usize::try_from(*i.value())
                        .ok()
                        .and_then(|i| items.get(i).cloned()),
                    _ => None,
                },
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => None,
            };
            match next {
                Some(n) => v = n,
                None => return Self::unknown(shown, loc),
            }
        }
        v
    }

    /// A `data "aws_iam_policy_document"` as the JSON policy it renders.
    fn policy_document(&self, doc: At<'a>, depth: usize) -> Val {
        let loc = doc.head_loc();
        let text = |value: &str, loc: Loc| Text {
            value: value.to_string(),
            loc,
            quoted: true,
        };
        let scope = Vec::new();
        let mut statements = Vec::new();
        for st in doc.blocks("statement") {
            let st_loc = st.head_loc();
            let mut entries: Vec<(Text, Val)> = Vec::new();
            let get = |key: &str| st.attr(key).map(|e| self.eval(st, e, &scope, depth + 1));
            entries.push((
                text("Effect", st_loc),
                get("effect").unwrap_or_else(|| Val::Str(text("Allow", st_loc))),
            ));
            if let Some(actions) = get("actions") {
                entries.push((text("Action", st_loc), actions));
            }
            let mut principal: Vec<(Text, Val)> = Vec::new();
            let mut partial = false;
            for p in st.blocks("principals") {
                let ty = p.attr("type").map(|e| self.eval(p, e, &scope, depth + 1));
                let ids = p
                    .attr("identifiers")
                    .map(|e| self.eval(p, e, &scope, depth + 1));
                match (ty.as_ref().and_then(Val::as_text), ids) {
                    (Some(ty), Some(ids)) => principal.push((ty.clone(), ids)),
                    _ => partial = true,
                }
            }
            if partial {
                entries.push((
                    text("Principal", st_loc),
                    Self::unknown("principals", st_loc),
                ));
            } else if !principal.is_empty() {
                entries.push((text("Principal", st_loc), Val::Map(principal, st_loc)));
            }
            let mut condition: Vec<(Text, Val)> = Vec::new();
            for c in st.blocks("condition") {
                let test = c.attr("test").map(|e| self.eval(c, e, &scope, depth + 1));
                let variable = c
                    .attr("variable")
                    .map(|e| self.eval(c, e, &scope, depth + 1));
                let values = c.attr("values").map(|e| self.eval(c, e, &scope, depth + 1));
                match (
                    test.as_ref().and_then(Val::as_text),
                    variable.as_ref().and_then(Val::as_text),
                    values,
                ) {
                    (Some(t), Some(v), Some(values)) => condition
                        .push((t.clone(), Val::Map(vec![(v.clone(), values)], c.head_loc()))),
                    _ => condition.push((
                        text("?", c.head_loc()),
                        Self::unknown("condition", c.head_loc()),
                    )),
                }
            }
            if !condition.is_empty() {
                entries.push((text("Condition", st_loc), Val::Map(condition, st_loc)));
            }
            statements.push(Val::Map(entries, st_loc));
        }
        Val::Map(
            vec![(text("Statement", loc), Val::List(statements, loc))],
            loc,
        )
    }
}

/// An empty block, standing for the file of a tfvars value.
static EMPTY_BLOCK: std::sync::LazyLock<Block> =
    std::sync::LazyLock::new(|| Block::new(hcl_edit::Ident::new("tfvars")));

/// The operators after an instance key (`[0]`, `[each.key]`, `[*]`): a reference to one
/// instance of a counted resource is a reference to the resource.
fn skip_instance(
    ops: &[hcl_edit::Decorated<TraversalOperator>],
) -> &[hcl_edit::Decorated<TraversalOperator>] {
    match ops.first().map(|o| o.value()) {
        Some(
            TraversalOperator::Index(_)
            | TraversalOperator::LegacyIndex(_)
            | TraversalOperator::AttrSplat(_)
            | TraversalOperator::FullSplat(_),
        ) => &ops[1..],
        _ => ops,
    }
}

/// How long a value shown in a message may be.
const MAX_SHOWN: usize = 200;

/// An expression as written, as an interpolation: `${var.name}`; a string template as it
/// is (`"ex-${local.name}"` without its quotes).
fn written(at: At<'_>, expr: &Expression) -> String {
    let text = expr
        .span()
        .and_then(|r| at.file.lines.text.get(r))
        .unwrap_or("...");
    let shown = match expr {
        Expression::StringTemplate(_) => text
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .unwrap_or(text)
            .to_string(),
        _ => format!("${{{}}}", text.trim()),
    };
    if shown.chars().count() > MAX_SHOWN {
        let mut cut: String = shown.chars().take(MAX_SHOWN - 3).collect();
        cut.push_str("...");
        cut
    } else {
        shown
    }
}

/// `a.b[0].c` as written (names only), as an interpolation, for messages.
fn shown_traversal(t: &hcl_edit::expr::Traversal) -> String {
    format!("${{{}}}", traversal_path(t))
}

fn traversal_path(t: &hcl_edit::expr::Traversal) -> String {
    let mut out = match &t.expr {
        Expression::Variable(v) => v.as_str().to_string(),
        _ => "(...)".to_string(),
    };
    for op in &t.operators {
        match op.value() {
            TraversalOperator::GetAttr(a) => {
                out.push('.');
                out.push_str(a.as_str());
            }
            TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                out.push_str("[*]")
            }
            TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_) => {
                out.push_str("[...]")
            }
        }
    }
    out
}

/// The facts of every module: the `.tf` files grouped by folder, each module evaluated
/// once; facts go to the file where each is written (a cluster to the file of its
/// definition, or of its first profile).
pub fn read_modules(files: &[TfFile]) -> Vec<(FileId, FileFacts)> {
    let mut by_folder: std::collections::BTreeMap<&str, Vec<&TfFile>> = Default::default();
    for f in files {
        by_folder.entry(f.folder.as_str()).or_default().push(f);
    }
    let mut out = Vec::new();
    for (folder, files) in by_folder {
        let module = Module::new(folder, &files);
        let mut facts = FileFacts::default();
        read_module(&module, &mut facts);
        let first = files.iter().find(|f| !f.tfvars).unwrap_or(&files[0]).id;
        let owner = facts.clusters.first().map_or(first, |c| c.loc.file);
        out.push((owner, facts));
    }
    out
}

/// The instances of a resource: one scope per `for_each` element (`each.key`,
/// `each.value`), none for `count = 0`, one otherwise.
pub(super) fn instances<'a>(
    m: &Module<'a>,
    at: At<'a>,
    unresolved: &mut Vec<Unresolved>,
) -> Vec<Scope> {
    let _ = unresolved;
    if let Some(e) = at.attr("count")
        && m.eval(at, e, &Vec::new(), 0)
            .as_text()
            .is_some_and(|t| t.value == "0")
    {
        return Vec::new();
    }
    let Some(e) = at.attr("for_each") else {
        return vec![Vec::new()];
    };
    let each = |k: Val, v: Val| {
        vec![(
            "each".to_string(),
            Val::Map(
                vec![
                    (
                        Text {
                            value: "key".to_string(),
                            loc: k.loc(),
                            quoted: false,
                        },
                        k,
                    ),
                    (
                        Text {
                            value: "value".to_string(),
                            loc: v.loc(),
                            quoted: false,
                        },
                        v,
                    ),
                ],
                at.head_loc(),
            ),
        )]
    };
    match m.eval(at, e, &Vec::new(), 0) {
        Val::Map(entries, _) => entries
            .into_iter()
            .map(|(k, v)| each(Val::Str(k), v))
            .collect(),
        Val::List(items, _) => items.into_iter().map(|v| each(v.clone(), v)).collect(),
        // Unknown elements: read once, with `each` unknown.
        _ => vec![Vec::new()],
    }
}

fn read_module(m: &Module<'_>, facts: &mut FileFacts) {
    let mut clusters = Clusters::default();
    clusters.folder = Some(m.folder.to_string());
    let scope0: Scope = Vec::new();
    // Clusters first, so that profiles and node groups in any file find them.
    for (kind, ty, name, at) in &m.order {
        if *kind != "resource" || ty != "aws_eks_cluster" {
            continue;
        }
        let loc = at.head_loc();
        let name_val = at.attr("name").map(|e| m.eval(*at, e, &scope0, 0));
        let cname = value::text_of(
            name_val.as_ref(),
            || Needed::ClusterName { template: false },
            &mut facts.unresolved,
        );
        let auto_mode = at.blocks("compute_config").any(|c| {
            c.attr("enabled")
                .is_some_and(|e| m.eval(c, e, &scope0, 0).as_bool() == Some(true))
        });
        let key = m.key(&format!("{ty}.{name}"));
        let mut shown = cname.as_ref().map(|n| n.value.clone()).unwrap_or_default();
        if !name_val.as_ref().is_some_and(Val::is_known) {
            shown = clusters.placeholder_name(shown);
        }
        let c = clusters.get(&key, shown, cname.map_or(loc, |n| n.loc), false);
        c.version = at
            .attr("version")
            .and_then(|e| m.eval(*at, e, &scope0, 0).as_text().cloned());
        c.ec2_capacity |= auto_mode;
    }
    for (kind, _, name, at) in &m.order {
        if *kind == "module" {
            super::tf_module::cluster(m, *at, name, &mut clusters, facts);
        }
    }
    for (kind, ty, name, at) in &m.order {
        match (*kind, ty.as_str()) {
            ("resource", "aws_eks_fargate_profile") => {
                for scope in instances(m, *at, &mut facts.unresolved) {
                    let cluster = at.attr("cluster_name").map(|e| m.eval(*at, e, &scope, 0));
                    let p = profile(m, *at, name, &scope, &mut facts.unresolved);
                    clusters
                        .of(cluster.as_ref(), at.head_loc(), &mut facts.unresolved)
                        .profiles
                        .push(p);
                }
            }
            ("resource", "aws_eks_node_group") => {
                for scope in instances(m, *at, &mut facts.unresolved) {
                    let cluster = at.attr("cluster_name").map(|e| m.eval(*at, e, &scope, 0));
                    clusters
                        .of(cluster.as_ref(), at.head_loc(), &mut facts.unresolved)
                        .ec2_capacity = true;
                }
            }
            ("resource", "aws_iam_role") => {
                facts.roles.push(role(m, *at, &format!("{ty}.{name}")));
            }
            ("resource", "aws_iam_role_policy_attachment") => {
                for scope in instances(m, *at, &mut facts.unresolved) {
                    let role = at.attr("role").map(|e| m.eval(*at, e, &scope, 0));
                    let policy = at.attr("policy_arn").map(|e| m.eval(*at, e, &scope, 0));
                    let Some(policy_val) = policy else {
                        continue;
                    };
                    let Some(policy) = policy_text(&policy_val) else {
                        continue;
                    };
                    let (role_key, role_name) = match role {
                        Some(Val::Ref { resource, .. }) => (Some(resource), None),
                        Some(Val::Str(t)) => (None, Some(t.value)),
                        _ => (None, None),
                    };
                    facts.policy_attachments.push(PolicyAttachment {
                        role_key,
                        role_name,
                        policy,
                        policy_known: policy_val.is_known(),
                    });
                }
            }
            ("data", "aws_iam_policy_document") => {
                let trust = trust_policy(&m.policy_document(*at, 0));
                if super::iam::trusts_fargate(&trust) {
                    facts.roles.push(IamRole {
                        key: None,
                        role_name: None,
                        label: format!("data.{ty}.{name}"),
                        definition: false,
                        loc: at.head_loc(),
                        trust: Some(trust),
                        managed_policies: Vec::new(),
                        policies_partial: false,
                    });
                }
            }
            ("module", _) => super::tf_module::profiles(m, *at, name, &mut clusters, facts),
            _ => {}
        }
    }
    facts.recognized = true;
    facts.clusters.extend(clusters.list);
}

/// A policy ARN as text: known, or as written with its unknown parts (`arn:${...}:iam::aws:
/// policy/NAME` still names its policy).
pub(super) fn policy_text(v: &Val) -> Option<Text> {
    match v {
        Val::Str(t) => Some(t.clone()),
        Val::Unknown { shown, loc } => Some(Text {
            value: shown.clone(),
            loc: *loc,
            quoted: true,
        }),
        _ => None,
    }
}

pub(super) fn profile(
    m: &Module<'_>,
    at: At<'_>,
    resource_name: &str,
    scope: &Scope,
    unresolved: &mut Vec<Unresolved>,
) -> FargateProfile {
    let loc = at.head_loc();
    // A name known only at apply time is shown as written.
    let name = match at
        .attr("fargate_profile_name")
        .map(|e| m.eval(at, e, scope, 0))
    {
        Some(Val::Str(t)) => t,
        Some(other @ (Val::Unknown { .. } | Val::Ref { .. })) => Text {
            value: other.shown(),
            loc: other.loc(),
            quoted: true,
        },
        _ => Text {
            value: resource_name.to_string(),
            loc,
            quoted: false,
        },
    };
    let mut selectors = Vec::new();
    let mut selectors_key = None;
    for (i, (s, scope)) in nested_blocks(m, at, "selector", scope)
        .into_iter()
        .enumerate()
    {
        selectors_key.get_or_insert(s.head_loc());
        let Some(scope) = scope else {
            // `dynamic "selector"` over what is unknown: selectors known only at apply
            // time, one placeholder.
            selectors.push(value::selector(
                Some(&Val::Unknown {
                    shown: "${dynamic \"selector\"}".to_string(),
                    loc: s.head_loc(),
                }),
                &[],
                s.head_loc(),
                &name.value,
                i,
                unresolved,
            ));
            continue;
        };
        let scope = &scope;
        let ns = s.attr("namespace").map(|e| m.eval(s, e, scope, 0));
        let labels = s
            .attr("labels")
            .map(|e| m.eval(s, e, scope, 0))
            .map(|l| labels_of(&l, &name.value, i, unresolved))
            .unwrap_or_default();
        selectors.push(value::selector(
            ns.as_ref(),
            &labels,
            s.loc(s.block.span()),
            &name.value,
            i,
            unresolved,
        ));
    }
    let role_val = at
        .attr("pod_execution_role_arn")
        .map(|e| m.eval(at, e, scope, 0));
    let role = value::profile_role(role_val.as_ref(), &name.value, unresolved);
    let role_origin = if role.resource.is_some() {
        RoleOrigin::Explicit
    } else {
        RoleOrigin::of(role.text.as_ref(), RoleOrigin::Missing)
    };
    FargateProfile {
        selectors,
        selectors_key,
        role_origin,
        role: role.text,
        role_resource: role.resource,
        dialect: DIALECT,
        subnets: value::subnets(
            at.attr("subnet_ids")
                .map(|e| m.eval(at, e, scope, 0))
                .as_ref(),
        ),
        loc,
        name,
    }
}

/// The nested blocks `ident` of a block, each with its scope: written ones, and those of
/// `dynamic "ident"` (its `content`, once per element of a known `for_each`, with
/// `ident.key` and `ident.value`; `None` for an unknown `for_each`).
fn nested_blocks<'a>(
    m: &Module<'a>,
    at: At<'a>,
    ident: &'a str,
    scope: &Scope,
) -> Vec<(At<'a>, Option<Scope>)> {
    let mut out: Vec<(At<'a>, Option<Scope>)> =
        at.blocks(ident).map(|b| (b, Some(scope.clone()))).collect();
    for d in at.blocks("dynamic") {
        if label(d.block, 0) != ident {
            continue;
        }
        let Some(content) = d.blocks("content").next() else {
            continue;
        };
        let pairs: Option<Vec<(Val, Val)>> =
            d.attr("for_each")
                .and_then(|e| match m.eval(d, e, scope, 0) {
                    Val::List(items, _) => {
                        Some(items.into_iter().map(|v| (v.clone(), v)).collect())
                    }
                    Val::Map(entries, _) => {
                        Some(entries.into_iter().map(|(k, v)| (Val::Str(k), v)).collect())
                    }
                    Val::Null(_) => Some(Vec::new()),
                    _ => None,
                });
        let var = d
            .attr("iterator")
            .and_then(|e| match e {
                Expression::Variable(v) => Some(v.as_str().to_string()),
                _ => None,
            })
            .unwrap_or_else(|| ident.to_string());
        match pairs {
            None => out.push((content, None)),
            Some(pairs) => {
                for (k, v) in pairs {
                    let mut inner = scope.clone();
                    let kv = |key: &str, val: Val| {
                        (
                            Text {
                                value: key.to_string(),
                                loc: val.loc(),
                                quoted: false,
                            },
                            val,
                        )
                    };
                    inner.push((
                        var.clone(),
                        Val::Map(vec![kv("key", k), kv("value", v)], content.head_loc()),
                    ));
                    out.push((content, Some(inner)));
                }
            }
        }
    }
    out
}

/// Selector labels from a map value; an unknown map is one placeholder.
pub(super) fn labels_of(
    labels: &Val,
    profile: &str,
    index: usize,
    unresolved: &mut Vec<Unresolved>,
) -> Vec<(Text, Val)> {
    match labels {
        Val::Map(entries, _) => entries.clone(),
        Val::Null(_) => Vec::new(),
        other => {
            unresolved.push(Unresolved {
                loc: other.loc(),
                needed: Needed::SelectorLabel {
                    profile: profile.to_string(),
                    index,
                    key: "*".to_string(),
                },
                value: other.shown(),
            });
            Vec::new()
        }
    }
}

/// An `aws_iam_role`: its trust policy and managed policies.
fn role(m: &Module<'_>, at: At<'_>, address: &str) -> IamRole {
    let scope = Vec::new();
    let trust = at.attr("assume_role_policy").map(|e| {
        let v = m.eval(at, e, &scope, 0);
        trust_policy(&json_policy(v))
    });
    let policies = at
        .attr("managed_policy_arns")
        .map(|e| m.eval(at, e, &scope, 0));
    let managed_policies: Vec<Text> = policies
        .as_ref()
        .map(Val::items)
        .unwrap_or_default()
        .iter()
        .filter_map(policy_text)
        .collect();
    IamRole {
        key: Some(m.key(address)),
        role_name: at
            .attr("name")
            .and_then(|e| m.eval(at, e, &scope, 0).as_text().map(|t| t.value.clone())),
        label: address.to_string(),
        definition: true,
        trust,
        policies_partial: policies.as_ref().is_some_and(|p| {
            matches!(p, Val::Unknown { .. } | Val::Ref { .. })
                || p.items().iter().any(|i| i.as_text().is_none())
        }),
        managed_policies,
        loc: at.head_loc(),
    }
}

/// A policy value: a string of JSON (a heredoc) is read as JSON.
pub(super) fn json_policy(v: Val) -> Val {
    match v {
        Val::Str(s) => match serde_json::from_str::<serde_json::Value>(&s.value) {
            Ok(json) => value::from_json(&json, s.loc),
            Err(_) => Val::Unknown {
                shown: s.value,
                loc: s.loc,
            },
        },
        v => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The facts of a module of `files` (path, text), all in one folder.
    fn module(files: &[(&str, &str)]) -> FileFacts {
        let parsed: Vec<TfFile> = files
            .iter()
            .enumerate()
            .map(|(i, (path, text))| {
                parse(FileId(i as u32), path, text).unwrap_or_else(|e| panic!("{}", e.message))
            })
            .collect();
        let mut all = FileFacts::default();
        for (_, f) in read_modules(&parsed) {
            all.absorb(f);
        }
        all
    }

    #[test]
    fn literals_variables_locals_and_functions_are_evaluated() {
        let f = module(&[
            (
                "m/vars.tf",
                r#"
variable "env" { default = "prod" }
locals {
  base   = { team = "data" }
  labels = merge(local.base, { tier = "batch" })
  names  = concat(["a"], [for n in ["b", "c"] : upper(n)])
  spaces = { for n in ["x", "y"] : n => "${var.env}-${n}" }
}
"#,
            ),
            (
                "m/main.tf",
                r#"
resource "aws_eks_cluster" "c" { name = "eks-${var.env}" }
resource "aws_eks_fargate_profile" "p" {
  for_each               = local.spaces
  cluster_name           = aws_eks_cluster.c.name
  fargate_profile_name   = each.key
  pod_execution_role_arn = "arn:aws:iam::111122223333:role/fp"
  selector {
    namespace = each.value
    labels    = local.labels
  }
}
resource "aws_eks_fargate_profile" "off" {
  count        = 0
  cluster_name = aws_eks_cluster.c.name
}
"#,
            ),
        ]);
        assert_eq!(f.clusters.len(), 1);
        let c = &f.clusters[0];
        assert_eq!(c.name, "eks-prod");
        let names: Vec<_> = c.profiles.iter().map(|p| p.name.value.as_str()).collect();
        assert_eq!(names, ["x", "y"]);
        let sel = &c.profiles[1].selectors[0];
        assert_eq!(
            sel.namespace.as_ref().map(|n| n.value.as_str()),
            Some("prod-y")
        );
        let labels: Vec<_> = sel
            .labels
            .iter()
            .map(|l| (l.key.value.as_str(), l.value.value.as_str()))
            .collect();
        assert_eq!(labels, [("team", "data"), ("tier", "batch")]);
        // The namespace is where it is written (line 7 of vars.tf), in that file.
        let ns = sel.namespace.as_ref().map(|n| n.loc);
        assert_eq!(
            ns.map(|l| (l.file, l.span.start.line)),
            Some((FileId(0), 7))
        );
        assert!(f.unresolved.is_empty(), "{:?}", f.unresolved);
    }

    #[test]
    fn what_is_not_evaluated_is_a_placeholder_written_as_it_is() {
        let f = module(&[(
            "m/main.tf",
            r#"
resource "aws_eks_fargate_profile" "p" {
  cluster_name           = var.cluster
  fargate_profile_name   = "p"
  pod_execution_role_arn = data.aws_iam_role.x.arn
  selector {
    namespace = lower(var.ns)
  }
}
"#,
        )]);
        let values: Vec<_> = f.unresolved.iter().map(|u| u.value.as_str()).collect();
        assert_eq!(
            values,
            [
                "${lower(var.ns)}",
                "${data.aws_iam_role.x.arn}",
                "${var.cluster}"
            ]
        );
        // Told apart from other modules' `${var.cluster}`; a placeholder still.
        assert_eq!(f.clusters[0].name, "${var.cluster} (in m)");
        assert!(f.clusters[0].profiles_only);
    }

    #[test]
    fn trust_policies_from_jsonencode_a_heredoc_and_a_policy_document() {
        let f = module(&[(
            "m/iam.tf",
            r#"
resource "aws_iam_role" "a" {
  name               = "a"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "eks-fargate-pods.amazonaws.com" } }] })
  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy"]
}
resource "aws_iam_role" "b" {
  assume_role_policy = <<EOF
{"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": ["eks-fargate-pods.amazonaws.com"]},
  "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:eks:eu-west-1:111122223333:fargateprofile/c/*"}}}]}
EOF
}
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["eks-fargate-pods.amazonaws.com"]
    }
  }
}
resource "aws_iam_role" "c" {
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
resource "aws_iam_role_policy_attachment" "c" {
  role       = aws_iam_role.c.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy"
}
"#,
        )]);
        let roles: Vec<_> = f
            .roles
            .iter()
            .map(|r| {
                let t = r.trust.as_ref();
                (
                    r.label.as_str(),
                    r.definition,
                    t.map(|t| t.services.len()),
                    t.map(|t| t.source_arns.len()),
                    t.is_some_and(|t| t.partial),
                )
            })
            .collect();
        assert_eq!(
            roles,
            [
                ("aws_iam_role.a", true, Some(1), Some(0), false),
                ("aws_iam_role.b", true, Some(1), Some(1), false),
                (
                    "data.aws_iam_policy_document.trust",
                    false,
                    Some(1),
                    Some(0),
                    false
                ),
                ("aws_iam_role.c", true, Some(1), Some(0), false),
            ]
        );
        assert_eq!(f.roles[0].role_name.as_deref(), Some("a"));
        let a = &f.policy_attachments[0];
        assert_eq!(a.role_key.as_deref(), Some("tf:m:aws_iam_role.c"));
        assert!(!a.policy_known);
        assert!(
            a.policy
                .value
                .ends_with(":policy/AmazonEKSFargatePodExecutionRolePolicy"),
            "{}",
            a.policy.value
        );
    }

    #[test]
    fn auto_loaded_tfvars_set_variables_and_later_files_win() {
        let f = module(&[
            ("m/a.auto.tfvars", "name = \"from-auto\"\n"),
            (
                "m/main.tf",
                "variable \"name\" { default = \"d\" }\nresource \"aws_eks_cluster\" \"c\" { name = var.name }\n",
            ),
            ("m/other.tfvars", "name = \"only-with-var-file\"\n"),
            ("m/terraform.tfvars", "name = \"from-terraform-tfvars\"\n"),
        ]);
        assert_eq!(f.clusters[0].name, "from-auto");
    }

    #[test]
    fn directive_comments_of_either_style_are_kept() {
        let text = "# fargate-lint: ignore[FL113]\nx = \"#not\" // fargate-lint: ignore-file\ny = \"# fargate\"\n";
        let comments = directive_comments(text);
        let got: Vec<_> = comments
            .iter()
            .map(|c| (c.span.start.line, c.span.start.column, c.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (1, 1, " fargate-lint: ignore[FL113]"),
                (2, 12, " fargate-lint: ignore-file")
            ]
        );
    }

    #[test]
    fn columns_count_characters_on_long_lines_too() {
        let text = format!("a\n{}x", "é".repeat(3000));
        let lines = Lines::new(&text);
        let x = text.len() - 1;
        assert_eq!(
            lines.pos(x),
            Pos {
                line: 2,
                column: 3001
            }
        );
        assert_eq!(lines.pos(2), Pos { line: 2, column: 1 });
        assert_eq!(lines.pos(1), Pos { line: 1, column: 2 });
    }

    #[test]
    fn broken_syntax_is_an_error_with_a_position() {
        let e = parse(FileId(0), "x.tf", "resource \"a\" {\n  x = \n}\n").err();
        assert!(e.is_some_and(|e| e.line >= 2));
    }
}
