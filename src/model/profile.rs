//! The pieces of a Fargate profile that eksctl and the EKS API write alike: selectors
//! (`namespace`, `labels`), the pod execution role, subnets.

use super::text::{Reader, is_placeholder};
use super::types::*;
use super::unresolved::{Needed, Unresolved, tag_of, unresolved_text};
use crate::yaml::NodeRef;

pub(super) fn selectors(
    r: Reader,
    node: Option<NodeRef<'_>>,
    profile: &str,
    unresolved: &mut Vec<Unresolved>,
) -> Vec<Selector> {
    let mut out = Vec::new();
    for (i, sel) in node.into_iter().flat_map(|n| n.items()).enumerate() {
        let sel_r = sel.resolved();
        let ns_node = sel_r.get("namespace");
        let namespace = r.text(ns_node);
        unresolved_text(
            &namespace,
            tag_of(ns_node),
            || Needed::SelectorNamespace {
                profile: profile.to_string(),
                index: i,
            },
            unresolved,
        );
        let labels = r.labels(sel_r.get("labels"));
        for l in &labels {
            if is_placeholder(&l.value.value, None) || is_placeholder(&l.key.value, None) {
                unresolved.push(Unresolved {
                    loc: l.value.loc,
                    needed: Needed::SelectorLabel {
                        profile: profile.to_string(),
                        index: i,
                        key: l.key.value.clone(),
                    },
                    value: l.value.value.clone(),
                });
            }
        }
        out.push(Selector {
            namespace,
            labels,
            loc: r.node_loc(sel),
        });
    }
    out
}

/// A pod execution role ARN; a placeholder is recorded, so that FL002 reports it once and
/// FL106 does not check it.
pub(super) fn role(
    r: Reader,
    node: Option<NodeRef<'_>>,
    needed: impl FnOnce() -> Needed,
    unresolved: &mut Vec<Unresolved>,
) -> Option<Text> {
    let role = r.text(node);
    unresolved_text(&role, tag_of(node), needed, unresolved);
    role
}

pub(super) fn subnets(r: Reader, node: Option<NodeRef<'_>>) -> Vec<Text> {
    node.into_iter()
        .flat_map(|n| n.items())
        .filter_map(|s| r.text(Some(s)))
        .collect()
}
