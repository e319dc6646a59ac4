//! FL204 privilege-escalation: `allowPrivilegeEscalation: true` in a container of a
//! Fargate pod.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL204",
    name: "privilege-escalation",
    severity: Severity::Error,
    summary: "`allowPrivilegeEscalation: true` in a Fargate pod; Fargate refuses the pod",
    doc: include_str!("../../rules/FL204-privilege-escalation.md"),
    check,
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for (_, w, landing) in cx.fargate_workloads() {
        for (i, c) in w.pod.containers.iter().enumerate() {
            let Some(setting) = &c.security.allow_privilege_escalation else {
                continue;
            };
            out.push(
                cx.landing_finding(
                    rule,
                    w,
                    &landing,
                    setting.key.loc,
                    format!(
                        "{} of {} allows privilege escalation; it {}, which refuses `allowPrivilegeEscalation: true`",
                        container_label(w, i),
                        workload_label(w),
                        landing.phrase()
                    ),
                )
                .help("set `allowPrivilegeEscalation: false` or remove it"),
            );
        }
    }
}
