//! Fields that parse as YAML but that Kubernetes or eksctl would refuse (FL005): a key
//! written twice in one mapping, a list where a mapping or a string is expected (or the
//! reverse), a resource quantity that does not parse or is negative, a replica count that
//! is not a whole number of zero or more.
//!
//! Only the fields the model reads are checked, against a small schema of their shapes
//! ([`Shape`]); everything else is left to the API server. Extraction still reads what it
//! can of an object with a bad field, so its other findings are reported too.

use std::fmt::Write as _;

use super::text::{Reader, is_placeholder};
use crate::quantity::Quantity;
use crate::source::Loc;
use crate::yaml::{Document, NodeKind, NodeRef};

/// A field that Kubernetes or eksctl would refuse: where, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub loc: Loc,
    pub message: String,
}

/// What a field must look like. A mapping lists only the keys the model reads; other keys
/// are not checked. A null value (`key:` or `key: null`) is the same as an absent one.
pub enum Shape {
    /// A scalar (a string, or a number or boolean the reader turns into one).
    Scalar,
    /// A mapping with these keys checked.
    Map(&'static [(&'static str, Shape)]),
    /// A mapping from strings to strings (labels, annotations, node selectors).
    StringMap,
    /// A list whose items have this shape.
    List(&'static Shape),
    /// A mapping from resource names to quantities (`requests`, `limits`).
    Quantities,
    /// A whole number of zero or more (`replicas`, `parallelism`).
    Count,
}

const METADATA: Shape = Shape::Map(&[
    ("name", Shape::Scalar),
    ("namespace", Shape::Scalar),
    ("labels", Shape::StringMap),
    ("annotations", Shape::StringMap),
]);

const CONTAINER: Shape = Shape::Map(&[
    ("name", Shape::Scalar),
    ("image", Shape::Scalar),
    ("restartPolicy", Shape::Scalar),
    (
        "resources",
        Shape::Map(&[
            ("requests", Shape::Quantities),
            ("limits", Shape::Quantities),
        ]),
    ),
    (
        "env",
        Shape::List(&Shape::Map(&[
            ("name", Shape::Scalar),
            ("value", Shape::Scalar),
        ])),
    ),
    ("ports", Shape::List(&Shape::Map(&[]))),
    (
        "securityContext",
        Shape::Map(&[
            ("privileged", Shape::Scalar),
            ("allowPrivilegeEscalation", Shape::Scalar),
        ]),
    ),
]);

const POD_SPEC: Shape = Shape::Map(&[
    ("containers", Shape::List(&CONTAINER)),
    ("initContainers", Shape::List(&CONTAINER)),
    (
        "volumes",
        Shape::List(&Shape::Map(&[("name", Shape::Scalar)])),
    ),
    ("nodeSelector", Shape::StringMap),
    ("schedulerName", Shape::Scalar),
    ("serviceAccountName", Shape::Scalar),
    ("hostNetwork", Shape::Scalar),
    ("hostPID", Shape::Scalar),
    ("hostIPC", Shape::Scalar),
]);

const POD_TEMPLATE: Shape = Shape::Map(&[("metadata", METADATA), ("spec", POD_SPEC)]);

/// Pods, and every object with a pod template (Deployments, Jobs, CronJobs, Argo
/// Rollouts, ...): the keys that are not there are not checked.
pub(super) const WORKLOAD: Shape = Shape::Map(&[
    ("metadata", METADATA),
    (
        "spec",
        Shape::Map(&[
            ("replicas", Shape::Count),
            ("parallelism", Shape::Count),
            ("template", POD_TEMPLATE),
            (
                "jobTemplate",
                Shape::Map(&[
                    ("metadata", METADATA),
                    (
                        "spec",
                        Shape::Map(&[("parallelism", Shape::Count), ("template", POD_TEMPLATE)]),
                    ),
                ]),
            ),
        ]),
    ),
]);

pub(super) const POD: Shape = Shape::Map(&[("metadata", METADATA), ("spec", POD_SPEC)]);

/// An object of another kind with a pod template (an Argo Rollout, say): its own `spec`
/// keys beside the template are its business.
pub(super) const TEMPLATE_OWNER: Shape = Shape::Map(&[
    ("metadata", METADATA),
    ("spec", Shape::Map(&[("template", POD_TEMPLATE)])),
]);

pub(super) const SELECTORS: Shape = Shape::List(&Shape::Map(&[
    ("namespace", Shape::Scalar),
    ("labels", Shape::StringMap),
]));

pub(super) const OBJECT: Shape = Shape::Map(&[("metadata", METADATA)]);

/// Checks `node`, an object, against `schema` (its format's, or one of the Kubernetes
/// shapes above).
pub fn validate_object(r: Reader, node: NodeRef<'_>, schema: &Shape, out: &mut Vec<Invalid>) {
    // An object of a kustomize build is checked where its files are read, each once (the
    // build's own keys are kustomize's, and several variants share a base).
    if node.file().is_some() {
        return;
    }
    let mut path = String::new();
    check(r, node, schema, &mut path, out);
}

/// Every key written twice in one mapping of `doc` (a document fargate-lint reads). A
/// second `apiVersion` or `kind` at the top is one finding, not one per key: a `---` line
/// is missing, and two objects run together.
pub fn duplicate_keys(r: Reader, doc: &Document, out: &mut Vec<Invalid>) {
    // A set: a document of 40,000 top-level keys written twice asks for each of them.
    let top: std::collections::HashSet<_> = doc
        .root()
        .map(|root| root.resolved().entries().map(|(k, _)| k.id()).collect())
        .unwrap_or_default();
    let dups = doc.duplicate_keys();
    let run_together = dups
        .iter()
        .find(|(_, dup)| {
            top.contains(&dup.id()) && matches!(dup.as_str(), Some("apiVersion" | "kind"))
        })
        .copied();
    if let Some((first, dup)) = run_together {
        out.push(Invalid {
            loc: r.node_loc(dup),
            message: format!(
                "a second `{}` in one document (first on line {}): a `---` line is missing before this object, so two objects run together; kubectl refuses the document or keeps only one of them, depending on its version",
                dup.as_str().unwrap_or_default(),
                first.span().start.line
            ),
        });
    }
    for (first, dup) in dups {
        if run_together.is_some() && top.contains(&dup.id()) {
            continue;
        }
        out.push(Invalid {
            loc: r.node_loc(dup),
            message: format!(
                "key `{}` is written twice in one mapping (first on line {}); kubectl refuses such a document or silently keeps one value, depending on its version",
                dup.as_str().unwrap_or_default(),
                first.span().start.line
            ),
        });
    }
}

/// What a node is, for messages: "a list", "a mapping", "a string".
fn what_it_is(node: NodeRef<'_>) -> &'static str {
    match node.kind() {
        NodeKind::Seq(_) => "a list",
        NodeKind::Map(_) => "a mapping",
        _ => "a scalar",
    }
}

fn push_path(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

fn wrong_shape(r: Reader, node: NodeRef<'_>, path: &str, expected: &str, out: &mut Vec<Invalid>) {
    out.push(Invalid {
        loc: r.node_loc(node),
        message: format!(
            "`{path}` is {}, where Kubernetes expects {expected}; the object is refused when it is applied",
            what_it_is(node)
        ),
    });
}

/// `{{cell}}` written unquoted: YAML reads a flow mapping whose one key is a mapping, but it
/// is a template placeholder (mustache, Jinja), filled in before anything is applied.
fn is_template_placeholder(node: NodeRef<'_>) -> bool {
    let mut entries = node.entries();
    matches!(
        (entries.next(), entries.next()),
        (Some((k, v)), None) if k.resolved().is_map() && v.is_null()
    )
}

fn check(r: Reader, node: NodeRef<'_>, shape: &Shape, path: &mut String, out: &mut Vec<Invalid>) {
    let node = node.resolved();
    if node.is_null() || is_template_placeholder(node) {
        return;
    }
    match shape {
        Shape::Scalar => {
            if node.scalar().is_none() {
                wrong_shape(r, node, path, "a string", out);
            }
        }
        Shape::Map(fields) => {
            if !node.is_map() {
                wrong_shape(r, node, path, "a mapping", out);
                return;
            }
            for (key, field) in *fields {
                if let Some(value) = node.get(key) {
                    let len = path.len();
                    push_path(path, key);
                    check(r, value, field, path, out);
                    path.truncate(len);
                }
            }
        }
        Shape::StringMap => {
            if !node.is_map() {
                wrong_shape(r, node, path, "a mapping of strings", out);
                return;
            }
            for (k, v) in node.string_entries() {
                let v = v.resolved();
                if !v.is_null() && v.scalar().is_none() && !is_template_placeholder(v) {
                    let len = path.len();
                    push_path(path, k.as_str().unwrap_or_default());
                    wrong_shape(r, v, path, "a string", out);
                    path.truncate(len);
                }
            }
        }
        Shape::List(item) => {
            if !node.is_seq() {
                wrong_shape(r, node, path, "a list", out);
                return;
            }
            for (i, n) in node.items().enumerate() {
                let len = path.len();
                // Written into the path, not formatted into a string of its own per item.
                let _ = write!(path, "[{i}]");
                check(r, n, item, path, out);
                path.truncate(len);
            }
        }
        Shape::Quantities => {
            if !node.is_map() {
                wrong_shape(r, node, path, "a mapping of resource quantities", out);
                return;
            }
            for (k, v) in node.string_entries() {
                let len = path.len();
                push_path(path, k.as_str().unwrap_or_default());
                quantity(r, v.resolved(), path, out);
                path.truncate(len);
            }
        }
        Shape::Count => count(r, node, path, out),
    }
}

fn quantity(r: Reader, node: NodeRef<'_>, path: &str, out: &mut Vec<Invalid>) {
    if node.is_null() {
        return;
    }
    let Some(text) = node.as_str() else {
        wrong_shape(r, node, path, "a quantity such as `500m` or `1Gi`", out);
        return;
    };
    if is_placeholder(text, node.tag()) {
        return; // FL002's
    }
    let message = match Quantity::parse(text) {
        None => format!(
            "`{path}` is `{text}`, which is not a quantity (like `250m`, `2`, `512Mi` or `1Gi`); the API server refuses the object"
        ),
        Some(q) if q.negative => format!(
            "`{path}` is `{text}`: a resource quantity cannot be negative; the API server refuses the object"
        ),
        Some(_) => return,
    };
    out.push(Invalid {
        loc: r.node_loc(node),
        message,
    });
}

fn count(r: Reader, node: NodeRef<'_>, path: &str, out: &mut Vec<Invalid>) {
    let Some((text, style)) = node.scalar() else {
        wrong_shape(r, node, path, "a whole number", out);
        return;
    };
    if is_placeholder(text, node.tag()) {
        return; // FL002's
    }
    // The API's counts are 32-bit signed integers.
    let digits = text.strip_prefix('+').unwrap_or(text);
    // `3.0` and `1e2` are whole numbers once YAML is turned into JSON, which is what the API
    // server reads.
    let whole = style == crate::yaml::ScalarStyle::Plain
        && !digits.is_empty()
        && (digits.parse::<i32>().is_ok_and(|v| v >= 0)
            || digits.parse::<f64>().is_ok_and(|v| {
                v.is_finite() && v.fract() == 0.0 && (0.0..=f64::from(i32::MAX)).contains(&v)
            }));
    if !whole {
        let written = if style == crate::yaml::ScalarStyle::Plain {
            format!("`{text}`")
        } else {
            format!("the quoted string `{text}`")
        };
        out.push(Invalid {
            loc: r.node_loc(node),
            message: format!(
                "`{path}` is {written}, but it must be a whole number from 0 to 2147483647, unquoted; the API server refuses the object"
            ),
        });
    }
}
