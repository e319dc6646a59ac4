//! FL202 daemonset-on-fargate: a DaemonSet whose pods a Fargate profile matches; Fargate
//! never runs DaemonSets.

use super::prelude::*;
use crate::model::WorkloadKind;

pub(crate) static RULE: Rule = Rule {
    code: "FL202",
    name: "daemonset-on-fargate",
    severity: Severity::Warning,
    summary: "a DaemonSet whose pods a Fargate profile matches; DaemonSets never run on Fargate",
    doc: include_str!("../../rules/FL202-daemonset-on-fargate.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for w in &cx.model.workloads {
        if w.kind != WorkloadKind::DaemonSet {
            continue;
        }
        // The placement never sends a DaemonSet to Fargate; what matters is that a
        // profile's selectors match it, so that the user may expect it there.
        let Some(landing) = cx.profile_match(w.id) else {
            continue;
        };
        out.push(
            cx.landing_finding(
                rule,
                w,
                &landing,
                w.kind_loc.unwrap_or(w.loc),
                format!(
                    "{} {}, but Fargate never runs DaemonSets: its pods run on EC2 nodes only, and none serve the pods on Fargate",
                    workload_label(w),
                    landing.phrase_with("matches")
                ),
            )
            .help("run what the DaemonSet does as a sidecar container of the Fargate pods (logging: Fargate's built-in Fluent Bit log router), or keep the DaemonSet for EC2 nodes and out of the profile's namespace"),
        );
    }
}
