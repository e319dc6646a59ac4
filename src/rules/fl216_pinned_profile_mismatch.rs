//! FL216 pinned-profile-mismatch: the `eks.amazonaws.com/fargate-profile` label names a
//! profile that does not exist or does not match the pod, which then does not go to Fargate.

use super::prelude::*;
use crate::placement::{PROFILE_LABEL, PlacementReason};

pub(crate) static RULE: Rule = Rule {
    code: "FL216",
    name: "pinned-profile-mismatch",
    severity: Severity::Error,
    summary: "`eks.amazonaws.com/fargate-profile` names a profile that does not exist or does not match the pod",
    doc: include_str!("../../rules/FL216-pinned-profile-mismatch.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for w in &cx.model.workloads {
        // The label the placement read: the first with the key.
        let Some(label) = w.pod.labels.iter().find(|l| l.key.value == PROFILE_LABEL) else {
            continue;
        };
        if cx.is_placeholder(&label.value) {
            continue;
        }
        for (cluster, placement) in cx.placements_of(w.id) {
            let PlacementReason::PinnedMismatch { pinned, exists } = &placement.reason else {
                continue;
            };
            let problem = if *exists {
                format!(
                    "profile `{pinned}` of {} does not select namespace `{}` with the pod's labels",
                    cluster_label(cluster),
                    w.namespace
                )
            } else {
                format!(
                    "{} has no Fargate profile `{pinned}`",
                    cluster_label(cluster)
                )
            };
            let others = match placement.matching_profiles.as_slice() {
                [] => String::new(),
                names => format!(
                    " (profiles that do select it: {})",
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let message = format!(
                "{} is pinned to Fargate profile `{pinned}`, but {problem}: the pods do not go to Fargate and {}{others}",
                workload_label(w),
                off_fargate_outcome(placement)
            );
            let others_from = message.len() - others.len();
            let named = |name: &str| cluster.profiles.iter().find(|p| p.name.value == name);
            let mut f = cx
                .placement_finding(rule, w, cluster, placement, label.value.loc, message)
                .help(format!("name a profile that selects the pod in `{PROFILE_LABEL}`, or remove the label to let the selectors decide"));
            f = match named(pinned) {
                Some(p) => f.link(
                    p.name.loc,
                    format!("profile `{pinned}` does not select the pods"),
                    &format!("profile `{pinned}`"),
                ),
                None => link_cluster(f, cluster, format!("has no Fargate profile `{pinned}`")),
            };
            out.push(cx.link_profiles(f, cluster, &placement.matching_profiles, w.id, others_from));
        }
    }
}
