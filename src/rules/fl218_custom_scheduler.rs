//! FL218 custom-scheduler: a pod owned by a scheduler other than the default or Fargate
//! one; the Fargate webhook leaves it alone, so it is predicted off Fargate.

use super::prelude::*;
use crate::placement::PlacementReason;

pub(crate) static RULE: Rule = Rule {
    code: "FL218",
    name: "custom-scheduler",
    severity: Severity::Note,
    summary: "a pod with a custom `schedulerName`, which Fargate leaves to that scheduler",
    doc: include_str!("../../rules/FL218-custom-scheduler.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for w in &cx.model.workloads {
        let Some(scheduler) = &w.pod.scheduler_name else {
            continue;
        };
        for (cluster, placement) in cx.placements_of(w.id) {
            let PlacementReason::CustomScheduler(name) = &placement.reason else {
                continue;
            };
            let profiles = match placement.matching_profiles.as_slice() {
                [] => String::new(),
                names => format!(
                    " although Fargate profile{} {} select{} it",
                    if names.len() == 1 { "" } else { "s" },
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if names.len() == 1 { "s" } else { "" }
                ),
            };
            let before = format!(
                "scheduler `{name}` owns the pods of {}: in {} they do not go to Fargate",
                workload_label(w),
                cluster_label(cluster)
            );
            let from = before.len();
            let f = cx
                .placement_finding(
                    rule,
                    w,
                    cluster,
                    placement,
                    scheduler.loc,
                    format!(
                        "{before}{profiles}; fargate-lint predicts they {}",
                        off_fargate_outcome(placement)
                    ),
                )
                .help("nothing to do if that scheduler is meant to place these pods; for Fargate, remove `schedulerName`");
            out.push(cx.link_profiles(f, cluster, &placement.matching_profiles, w.id, from));
        }
    }
}
