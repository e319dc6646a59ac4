//! FL220 ambiguous-profile-match: several profiles select a pod, and which one takes it
//! hangs on the order of their names.

use super::prelude::*;
use crate::placement::{PROFILE_LABEL, PlacementReason};

pub(crate) static RULE: Rule = Rule {
    code: "FL220",
    name: "ambiguous-profile-match",
    severity: Severity::Warning,
    summary: "several profiles match a pod and the placement hangs on name order; pin with `eks.amazonaws.com/fargate-profile`",
    doc: include_str!("../../rules/FL220-ambiguous-profile-match.md"),
    check,
    precision: Precision::High,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for w in &cx.model.workloads {
        for (cluster, placement) in cx.placements_of(w.id) {
            if placement.reason != PlacementReason::NameOrder {
                continue;
            }
            let Some(taken) = &placement.profile else {
                continue;
            };
            let names = placement
                .matching_profiles
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let loc = match_anchor(w);
            let mut finding = cx
                .placement_finding(
                    rule,
                    w,
                    cluster,
                    placement,
                    loc,
                    format!(
                        "Fargate profiles {names} of {} all select {}: it lands on `{taken}` only because that name sorts first",
                        cluster_label(cluster),
                        workload_label(w)
                    ),
                )
                .help(format!("pin the pods with the label `{PROFILE_LABEL}: NAME` on the pod template, or narrow the selectors so that one profile matches"));
            // Every profile named links to where it selects the pod, in the order of the
            // names, the one that takes it first.
            for name in &placement.matching_profiles {
                let index = (name == taken).then_some(placement.profile_index).flatten();
                let Some(at) = cx.profile_anchor(cluster, name, index, w.id) else {
                    continue;
                };
                let text = if name == taken {
                    format!("`{name}` selects it, and takes it: its name sorts first")
                } else {
                    format!("`{name}` selects it too")
                };
                finding = finding.link(at, text, &format!("`{name}`"));
            }
            out.push(finding);
        }
    }
}
