//! FL217 compute-type-ec2-annotation: `eks.amazonaws.com/compute-type: ec2` keeps a pod off
//! Fargate although a profile matches it (the old CoreDNS template carried it).

use super::prelude::*;
use crate::placement::{COMPUTE_TYPE_ANNOTATION, PlacementReason};

pub(crate) static RULE: Rule = Rule {
    code: "FL217",
    name: "compute-type-ec2-annotation",
    severity: Severity::Warning,
    summary: "a matching profile is overridden by `eks.amazonaws.com/compute-type: ec2`",
    doc: include_str!("../../rules/FL217-compute-type-ec2-annotation.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for w in &cx.model.workloads {
        // The annotation the placement read: the first with the key.
        let Some(annotation) = w
            .pod
            .annotations
            .iter()
            .find(|a| a.key.value == COMPUTE_TYPE_ANNOTATION)
        else {
            continue;
        };
        for (cluster, placement) in cx.placements_of(w.id) {
            if placement.reason != PlacementReason::ComputeTypeEc2 {
                continue;
            }
            let profile = placement
                .matching_profiles
                .first()
                .map_or(String::new(), |p| format!(" `{p}`"));
            let before = format!(
                "`{COMPUTE_TYPE_ANNOTATION}: ec2` keeps {} off Fargate profile",
                workload_label(w)
            );
            let from = before.len();
            let f = cx
                .placement_finding(
                    rule,
                    w,
                    cluster,
                    placement,
                    annotation.key.loc,
                    format!(
                        "{before}{profile} of {}, which selects it: the pods {}",
                        cluster_label(cluster),
                        off_fargate_outcome(placement)
                    ),
                )
                .help("remove the annotation to run the pods on Fargate, or narrow the profile's selectors if they are meant for EC2");
            let first = &placement.matching_profiles[..placement.matching_profiles.len().min(1)];
            out.push(cx.link_profiles(f, cluster, first, w.id, from));
        }
    }
}
