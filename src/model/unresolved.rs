//! Values the model needs that are placeholders (`${VAR}`, `{{ }}`, `!Ref`): every format
//! records them where it reads them, so that FL002 reports each once and the checks that
//! need them know they are partial.

use super::text::is_placeholder;
use super::types::Text;
use crate::source::Loc;
use crate::yaml::NodeRef;

/// A value the model needs that is a placeholder; checks that need it are partial (FL002).
#[derive(Debug, Clone, PartialEq)]
pub struct Unresolved {
    pub loc: Loc,
    /// What the value is (FL002 words it).
    pub needed: Needed,
    pub value: String,
}

/// What a placeholder stands for, as data: the rule that reports it says it in words.
#[derive(Debug, Clone, PartialEq)]
pub enum Needed {
    /// The cluster's name. `template`: the definition is read as a template because of it
    /// (see [`super::Cluster::is_template`]), which the message then says.
    ClusterName { template: bool },
    /// The cluster's region, which makes the definition a template.
    ClusterRegion,
    /// The cluster's default pod execution role ([`super::Cluster::default_role`]).
    ClusterRole,
    /// The pod execution role of a profile.
    ProfileRole { profile: String },
    /// The namespace of selector `index` (from 0) of a profile.
    SelectorNamespace { profile: String, index: usize },
    /// The value (or key) of label `key` of selector `index` (from 0) of a profile.
    SelectorLabel {
        profile: String,
        index: usize,
        key: String,
    },
    /// The namespace of a workload.
    WorkloadNamespace { of: Owner },
    /// The pod count of a workload (`replicas`, `parallelism`), counted as 1.
    Count { key: &'static str, of: Owner },
    /// The image of a container (`None`: one without a name).
    Image {
        container: Option<String>,
        of: Owner,
    },
    /// A resource request or limit (`section` is `requests` or `limits`), sized as if absent.
    Resource {
        section: &'static str,
        resource: String,
        of: Owner,
    },
    /// The value of pod label `key`.
    PodLabel { key: String, of: Owner },
    /// A kustomization field (the value says which) that no native build does: the variant
    /// (its folder) is predicted from what can be built without it.
    KustomizeField { variant: String },
}

/// The workload a placeholder belongs to, by its kind as written and its name: kept as
/// text, since a workload of a patch file is dropped while its placeholders are reported.
#[derive(Debug, Clone, PartialEq)]
pub struct Owner {
    pub kind: String,
    pub name: String,
}

/// Records `t` when it is a placeholder; `needed` is only made then.
pub(super) fn unresolved_text(
    t: &Option<Text>,
    tag: Option<&str>,
    needed: impl FnOnce() -> Needed,
    out: &mut Vec<Unresolved>,
) {
    if let Some(t) = t.as_ref().filter(|t| is_placeholder(&t.value, tag)) {
        out.push(Unresolved {
            loc: t.loc,
            needed: needed(),
            value: t.value.clone(),
        });
    }
}

pub(super) fn tag_of(node: Option<NodeRef<'_>>) -> Option<&str> {
    node.and_then(|n| n.tag())
}
