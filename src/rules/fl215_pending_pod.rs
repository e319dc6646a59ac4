//! FL215 pending-pod: pods that no node will ever take: no profile matches and the cluster
//! has no EC2 capacity, or `schedulerName: fargate-scheduler` without a matching profile.

use super::prelude::*;
use crate::placement::PlacementReason;

pub(crate) static RULE: Rule = Rule {
    code: "FL215",
    name: "pending-pod",
    severity: Severity::Error,
    summary: "pods that stay Pending: no profile takes them and the cluster has no EC2 capacity, or `schedulerName: fargate-scheduler` with no matching profile",
    doc: include_str!("../../rules/FL215-pending-pod.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for w in &cx.model.workloads {
        for (cluster, placement) in cx.placements_of(w.id) {
            if placement.compute != Compute::Pending {
                continue;
            }
            let (loc, why) = match &placement.reason {
                // A DaemonSet without nodes makes no pods at all (FL202 covers it on
                // Fargate); a pinned profile that fails is FL216's, which says Pending; a pod
                // too large for Fargate is FL210's, which says it is refused.
                PlacementReason::DaemonSet
                | PlacementReason::PinnedMismatch { .. }
                | PlacementReason::Refused { .. } => continue,
                PlacementReason::FargateSchedulerNoMatch => (
                    w.pod.scheduler_name.as_ref().map_or(match_anchor(w), |s| s.loc),
                    "it asks for `schedulerName: fargate-scheduler`, which only schedules pods a Fargate profile takes, and no profile selects it".to_string(),
                ),
                PlacementReason::ComputeTypeEc2 => (
                    match_anchor(w),
                    "`eks.amazonaws.com/compute-type: ec2` keeps it off Fargate and the cluster's definition declares no EC2 capacity".to_string(),
                ),
                PlacementReason::CustomScheduler(name) => (
                    w.pod.scheduler_name.as_ref().map_or(match_anchor(w), |s| s.loc),
                    format!("scheduler `{name}` owns it, and the cluster's definition declares no EC2 nodes for it to use"),
                ),
                _ if cluster.profiles_only => (
                    match_anchor(w),
                    format!(
                        "no Fargate profile selects namespace `{}` with its labels, and the cluster's definition holds only Fargate profiles: unless the cluster has EC2 nodes made elsewhere, nothing runs them",
                        w.namespace
                    ),
                ),
                _ => (
                    match_anchor(w),
                    format!(
                        "no Fargate profile selects namespace `{}` with its labels, and the cluster's definition declares no EC2 capacity (node groups, Karpenter, Auto Mode)",
                        w.namespace
                    ),
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
            let mut finding = cx.placement_finding(
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
            if uncertain {
                finding.severity = Severity::Warning;
            }
            out.push(finding);
        }
    }
}
