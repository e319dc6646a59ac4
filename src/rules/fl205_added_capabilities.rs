//! FL205 added-capabilities: `capabilities.add` in a container of a Fargate pod.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL205",
    name: "added-capabilities",
    severity: Severity::Error,
    summary: "a container of a Fargate pod adds Linux capabilities; Fargate refuses the pod",
    doc: include_str!("../../rules/FL205-added-capabilities.md"),
    check,
    // added Linux capabilities
    security_severity: Some("7.0"),
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for (w, landing) in cx.fargate_workloads() {
        for (i, c) in w.pod.containers.iter().enumerate() {
            // One finding per container, at its first added capability: one fix (the
            // whole `add` list goes) serves them all.
            let Some(first) = c.security.capabilities_add.first() else {
                continue;
            };
            let names: Vec<String> = c
                .security
                .capabilities_add
                .iter()
                .map(|t| format!("`{}`", t.value))
                .collect();
            out.push(
                cx.landing_finding(
                    rule,
                    w,
                    &landing,
                    first.loc,
                    format!(
                        "{} of {} adds {} {}; it {}, which refuses added capabilities",
                        container_label(w, i),
                        workload_label(w),
                        if names.len() == 1 { "capability" } else { "capabilities" },
                        names.join(", "),
                        landing.phrase()
                    ),
                )
                .help("remove `capabilities.add` (dropping capabilities is fine); if the container needs them, run the workload on EC2 nodes"),
            );
        }
    }
}
