//! FL215 pending-pod: pods that no node will ever take: no profile matches and the cluster
//! has no EC2 capacity, or `schedulerName: fargate-scheduler` without a matching profile.

use super::prelude::*;
use crate::placement::{PlacementReason, selector_matches, wildcard_match};

pub(crate) static RULE: Rule = Rule {
    code: "FL215",
    name: "pending-pod",
    severity: Severity::Error,
    summary: "pods that stay Pending: no profile takes them and the cluster has no EC2 capacity, or `schedulerName: fargate-scheduler` with no matching profile",
    doc: include_str!("../../rules/FL215-pending-pod.md"),
    check,
    ..Rule::COMMON
};

/// The selectors of `cluster` that take the namespace of workload `w` but not its pods'
/// labels, with a label saying so: what the fix most likely changes.
fn near_misses<'a>(
    cluster: &'a Cluster,
    w: &'a Workload,
) -> impl Iterator<Item = (Loc, String)> + 'a {
    cluster.profiles.iter().flat_map(move |p| {
        p.selectors.iter().filter_map(move |s| {
            let namespace = s.namespace.as_ref()?;
            (wildcard_match(&namespace.value, &w.namespace)
                && !selector_matches(s, &w.namespace, &w.pod.labels))
            .then(|| {
                (
                    namespace.loc,
                    format!(
                        "{} selects namespace `{}`, but not the pods' labels",
                        profile_label(p),
                        w.namespace
                    ),
                )
            })
        })
    })
}

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for w in &cx.model.workloads {
        for (cluster, placement) in cx.placements_of(w.id) {
            if placement.compute != Compute::Pending {
                continue;
            }
            let (loc, why, cause) = match &placement.reason {
                // A DaemonSet without nodes makes no pods at all (FL202 covers it on
                // Fargate); a pinned profile that fails is FL216's, which says Pending; a pod
                // too large for Fargate is FL210's, which says it is refused.
                PlacementReason::DaemonSet
                | PlacementReason::PinnedMismatch { .. }
                | PlacementReason::Refused { .. } => continue,
                PlacementReason::FargateSchedulerNoMatch => (
                    w.pod.scheduler_name.as_ref().map_or(match_anchor(w), |s| s.loc),
                    "it asks for `schedulerName: fargate-scheduler`, which only schedules pods a Fargate profile takes, and no profile selects it".to_string(),
                    "no Fargate profile of this cluster selects the pods",
                ),
                PlacementReason::ComputeTypeEc2 => (
                    match_anchor(w),
                    "`eks.amazonaws.com/compute-type: ec2` keeps it off Fargate and the cluster's definition declares no EC2 capacity".to_string(),
                    "this cluster declares no EC2 capacity",
                ),
                PlacementReason::CustomScheduler(name) => (
                    w.pod.scheduler_name.as_ref().map_or(match_anchor(w), |s| s.loc),
                    format!("scheduler `{name}` owns it, and the cluster's definition declares no EC2 nodes for it to use"),
                    "this cluster declares no EC2 nodes",
                ),
                _ if cluster.profiles_only => (
                    match_anchor(w),
                    format!(
                        "no Fargate profile selects namespace `{}` with its labels, and the cluster's definition holds only Fargate profiles: unless the cluster has EC2 nodes made elsewhere, nothing runs them",
                        w.namespace
                    ),
                    "no Fargate profile of this cluster selects the pods",
                ),
                _ => (
                    match_anchor(w),
                    format!(
                        "no Fargate profile selects namespace `{}` with its labels, and the cluster's definition declares no EC2 capacity (node groups, Karpenter, Auto Mode)",
                        w.namespace
                    ),
                    "no Fargate profile of this cluster selects the pods, and it declares no EC2 capacity",
                ),
            };
            // Only a pod the scheduler refuses in any cluster, or a definition that says what
            // compute the cluster has, makes this certain; a file of profiles alone may be
            // adding them to a cluster whose nodes are defined elsewhere.
            let uncertain = cluster.profiles_only
                && matches!(
                    placement.reason,
                    PlacementReason::NoMatch
                        | PlacementReason::ComputeTypeEc2
                        | PlacementReason::CustomScheduler(_)
                );
            let finding = cx.placement_finding(
                    rule,
                    w,
                    cluster,
                    placement,
                    loc,
                    format!(
                        "the pods of {} stay Pending in {}: {why}",
                        workload_label(w),
                        cluster_label(cluster)
                    ),
                )
                .help("add a Fargate profile selector for the namespace (and labels) of these pods, or give the cluster EC2 capacity; if it has nodes made elsewhere (another file, the console), say so with `ec2-capacity = true` in its `[[clusters]]` table");
            // Where no profile matches, the selectors that nearly do.
            let no_match = matches!(
                placement.reason,
                PlacementReason::NoMatch | PlacementReason::FargateSchedulerNoMatch
            );
            let mut finding = near_misses(cluster, w)
                .filter(|_| no_match)
                .fold(link_cluster(finding, cluster, cause), |f, (at, text)| {
                    f.label(at, text)
                });
            if uncertain {
                finding.severity = Severity::Warning;
            }
            out.push(finding);
        }
    }
}
