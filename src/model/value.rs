//! Values of infrastructure files once evaluated: what a CloudFormation template or a
//! Terraform module says after its references, parameters and variables are read, with
//! the location of every value. The formats that evaluate (`cloudformation`, `terraform`)
//! produce a [`Val`]; the pieces of the model they share (profiles, selectors, IAM roles and
//! trust policies) are read from it here and in `iam`, once for both.

use super::types::*;
use super::unresolved::{Needed, Unresolved};
use std::collections::HashMap;

use crate::source::{ClusterId, Loc};

/// An evaluated value.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Val {
    /// A string, number or boolean, as text.
    Str(Text),
    List(Vec<Val>, Loc),
    Map(Vec<(Text, Val)>, Loc),
    /// A reference to a resource of the same template or module, and the attribute it
    /// reads (`!GetAtt Role.Arn`, `aws_iam_role.fp.arn`): `resource` is its key.
    Ref {
        resource: String,
        attr: Option<String>,
        shown: String,
        loc: Loc,
    },
    /// Known only at deploy time, or beyond what is evaluated: `shown` is how it is
    /// written.
    Unknown {
        shown: String,
        loc: Loc,
    },
    Null(Loc),
}

impl Val {
    pub(super) fn loc(&self) -> Loc {
        match self {
            Val::Str(t) => t.loc,
            Val::List(_, loc)
            | Val::Map(_, loc)
            | Val::Ref { loc, .. }
            | Val::Unknown { loc, .. }
            | Val::Null(loc) => *loc,
        }
    }

    /// The value of `key` of a map.
    pub(super) fn get(&self, key: &str) -> Option<&Val> {
        match self {
            Val::Map(entries, _) => entries.iter().find(|(k, _)| k.value == key).map(|e| &e.1),
            _ => None,
        }
    }

    /// The entries of a map (none for anything else).
    pub(super) fn entries(&self) -> &[(Text, Val)] {
        match self {
            Val::Map(entries, _) => entries,
            _ => &[],
        }
    }

    /// The items of a list; a single value is one item (IAM takes a string or a list);
    /// null is none.
    pub(super) fn items(&self) -> &[Val] {
        match self {
            Val::List(items, _) => items,
            Val::Null(_) => &[],
            other => std::slice::from_ref(other),
        }
    }

    pub(super) fn as_text(&self) -> Option<&Text> {
        match self {
            Val::Str(t) => Some(t),
            _ => None,
        }
    }

    pub(super) fn is_known(&self) -> bool {
        !matches!(self, Val::Unknown { .. } | Val::Ref { .. })
    }

    /// How the value is written, for a placeholder's message.
    pub(super) fn shown(&self) -> String {
        match self {
            Val::Str(t) => t.value.clone(),
            Val::Ref { shown, .. } | Val::Unknown { shown, .. } => shown.clone(),
            Val::List(..) => "[...]".to_string(),
            Val::Map(..) => "{...}".to_string(),
            Val::Null(_) => "null".to_string(),
        }
    }

    /// A boolean, as `true`/`false` text.
    pub(super) fn as_bool(&self) -> Option<bool> {
        match self.as_text()?.value.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
}

/// A value the model needs as text: a string as it is, anything unknown as its written
/// form, recorded as a placeholder (FL002); `None` for null and collections.
pub(super) fn text_of(
    val: Option<&Val>,
    needed: impl FnOnce() -> Needed,
    unresolved: &mut Vec<Unresolved>,
) -> Option<Text> {
    match val? {
        Val::Str(t) => Some(t.clone()),
        v @ (Val::Unknown { .. } | Val::Ref { .. }) => {
            let t = Text {
                value: v.shown(),
                loc: v.loc(),
                quoted: true,
            };
            unresolved.push(Unresolved {
                loc: t.loc,
                needed: needed(),
                value: t.value.clone(),
            });
            Some(t)
        }
        Val::List(..) | Val::Map(..) | Val::Null(_) => None,
    }
}

/// The pod execution role of a profile: a role of the same template or module it refers to,
/// or an ARN (a placeholder recorded).
pub(super) struct ProfileRole {
    pub text: Option<Text>,
    pub resource: Option<String>,
}

pub(super) fn profile_role(
    val: Option<&Val>,
    profile: &str,
    unresolved: &mut Vec<Unresolved>,
) -> ProfileRole {
    match val {
        Some(Val::Ref { resource, .. }) => ProfileRole {
            text: None,
            resource: Some(resource.clone()),
        },
        other => ProfileRole {
            text: text_of(
                other,
                || Needed::ProfileRole {
                    profile: profile.to_string(),
                },
                unresolved,
            ),
            resource: None,
        },
    }
}

/// One selector: its namespace and its labels (key, value), evaluated.
pub(super) fn selector(
    namespace: Option<&Val>,
    labels: &[(Text, Val)],
    loc: Loc,
    profile: &str,
    index: usize,
    unresolved: &mut Vec<Unresolved>,
) -> Selector {
    let namespace = text_of(
        namespace,
        || Needed::SelectorNamespace {
            profile: profile.to_string(),
            index,
        },
        unresolved,
    );
    let labels = labels
        .iter()
        .filter_map(|(key, value)| {
            let value = text_of(
                Some(value),
                || Needed::SelectorLabel {
                    profile: profile.to_string(),
                    index,
                    key: key.value.clone(),
                },
                unresolved,
            )?;
            Some(Label {
                key: key.clone(),
                value,
            })
        })
        .collect();
    Selector {
        namespace,
        labels,
        loc,
    }
}

/// Subnet ids of a profile; unknown ones are left out (they decide nothing we check).
pub(super) fn subnets(val: Option<&Val>) -> Vec<Text> {
    val.map(|v| {
        v.items()
            .iter()
            .filter_map(|s| s.as_text().cloned())
            .collect()
    })
    .unwrap_or_default()
}

/// A Val from serde JSON (a trust policy written as a JSON string: a heredoc, a
/// `jsonencode` result is evaluated directly), every part at the string's location.
pub(super) fn from_json(value: &serde_json::Value, loc: Loc) -> Val {
    let text = |value: String| {
        Val::Str(Text {
            value,
            loc,
            quoted: true,
        })
    };
    match value {
        serde_json::Value::Null => Val::Null(loc),
        serde_json::Value::Bool(b) => text(b.to_string()),
        serde_json::Value::Number(n) => text(n.to_string()),
        serde_json::Value::String(s) => text(s.clone()),
        serde_json::Value::Array(items) => {
            Val::List(items.iter().map(|i| from_json(i, loc)).collect(), loc)
        }
        serde_json::Value::Object(map) => Val::Map(
            map.iter()
                .map(|(k, v)| {
                    (
                        Text {
                            value: k.clone(),
                            loc,
                            quoted: true,
                        },
                        from_json(v, loc),
                    )
                })
                .collect(),
            loc,
        ),
    }
}

/// The clusters of a template or module, by the key of their resource or, for clusters
/// defined elsewhere, by name.
#[derive(Default)]
pub(super) struct Clusters {
    pub list: Vec<Cluster>,
    by_key: HashMap<String, usize>,
    /// The Terraform module's folder (unknown names are told apart by it).
    pub folder: Option<String>,
}

impl Clusters {
    pub(super) fn get(
        &mut self,
        key: &str,
        name: String,
        loc: Loc,
        elsewhere: bool,
    ) -> &mut Cluster {
        let at = *self.by_key.entry(key.to_string()).or_insert_with(|| {
            self.list.push(Cluster {
                id: ClusterId::default(),
                name,
                region: None,
                files: vec![loc.file],
                profiles: Vec::new(),
                ec2_capacity: false,
                // A template or module that only adds profiles to a cluster made elsewhere says
                // nothing of its nodes.
                profiles_only: elsewhere,
                default_role: None,
                public_subnets: Vec::new(),
                private_subnets: Vec::new(),
                version: None,
                loc,
            });
            self.list.len() - 1
        });
        let c = &mut self.list[at];
        if !c.files.contains(&loc.file) {
            c.files.push(loc.file);
        }
        c
    }

    /// The cluster a `cluster_name` value names: a cluster of the template or module it refers to, or
    /// one defined elsewhere by its name.
    pub(super) fn of(
        &mut self,
        name: Option<&Val>,
        loc: Loc,
        unresolved: &mut Vec<Unresolved>,
    ) -> &mut Cluster {
        match name {
            Some(Val::Ref { resource, .. }) if self.by_key.contains_key(resource) => {
                let key = resource.clone();
                self.get(&key, String::new(), loc, false)
            }
            other => {
                let known = other.is_some_and(Val::is_known);
                let name = text_of(
                    other,
                    || Needed::ClusterName { template: false },
                    unresolved,
                );
                let (name, loc) = name.map_or((String::new(), loc), |n| (n.value, n.loc));
                let name = if known {
                    name
                } else {
                    self.placeholder_name(name)
                };
                self.get(&format!("name:{name}"), name, loc, true)
            }
        }
    }
}

impl Clusters {
    /// A cluster name known only at apply time, told apart from those of other modules
    /// (`${local.name}` is another cluster in each module that writes it).
    pub(super) fn placeholder_name(&self, name: String) -> String {
        if name.is_empty() {
            return name;
        }
        match &self.folder {
            Some(folder) if !folder.is_empty() => format!("{name} (in {folder})"),
            _ => name,
        }
    }
}
