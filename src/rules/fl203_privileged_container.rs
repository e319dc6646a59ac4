//! FL203 privileged-container: `privileged: true` in a container of a Fargate pod.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL203",
    name: "privileged-container",
    severity: Severity::Error,
    summary: "a privileged container in a Fargate pod; Fargate refuses the pod",
    doc: include_str!("../../rules/FL203-privileged-container.md"),
    check,
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for (_, w, landing) in cx.fargate_workloads() {
        for (i, c) in w.pod.containers.iter().enumerate() {
            let Some(setting) = &c.security.privileged else {
                continue;
            };
            out.push(
                cx.landing_finding(
                    rule,
                    w,
                    &landing,
                    setting.key.loc,
                    format!(
                        "{} of {} is privileged; it {}, which refuses privileged containers",
                        container_label(w, i),
                        workload_label(w),
                        landing.phrase()
                    ),
                )
                .help("drop `privileged: true`; if the container needs the host, run the workload on EC2 nodes"),
            );
        }
    }
}
