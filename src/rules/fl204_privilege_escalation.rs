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
    // allowPrivilegeEscalation
    security_severity: Some("7.5"),
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    cx.refused_container_setting(
        rule,
        out,
        |s| s.allow_privilege_escalation.as_ref(),
        "allows privilege escalation",
        "`allowPrivilegeEscalation: true`",
        "set `allowPrivilegeEscalation: false` or remove it",
    );
}
