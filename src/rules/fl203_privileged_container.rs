//! FL203 privileged-container: `privileged: true` in a container of a Fargate pod.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL203",
    name: "privileged-container",
    severity: Severity::Error,
    summary: "a privileged container in a Fargate pod; Fargate refuses the pod",
    doc: include_str!("../../rules/FL203-privileged-container.md"),
    check,
    // privileged container: root on the host's kernel
    security_severity: Some("9.0"),
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    cx.refused_container_setting(
        rule,
        out,
        |s| s.privileged.as_ref(),
        "is privileged",
        "privileged containers",
        "drop `privileged: true`; if the container needs the host, run the workload on EC2 nodes",
    );
}
