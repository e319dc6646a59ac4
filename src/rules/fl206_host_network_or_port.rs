//! FL206 host-network-or-port: `hostNetwork`, `hostPID`, `hostIPC`, a `hostPort` or a
//! `hostIP` in a Fargate pod.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL206",
    name: "host-network-or-port",
    severity: Severity::Error,
    summary: "`hostNetwork`, `hostPID`, `hostIPC`, `hostPort` or `hostIP` in a Fargate pod; Fargate refuses the pod",
    doc: include_str!("../../rules/FL206-host-network-or-port.md"),
    check,
    // host network, ports, PID or IPC namespaces
    security_severity: Some("7.0"),
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for (w, landing) in cx.fargate_workloads() {
        let mut push = |loc: Loc, what: String| {
            out.push(
                cx.landing_finding(
                    rule,
                    w,
                    &landing,
                    loc,
                    format!(
                        "{what} in {}; it {}, which has no host to share: Fargate refuses the pod",
                        workload_label(w),
                        landing.phrase()
                    ),
                )
                .help("remove it; reach the pod through a Service instead of a host port, or run the workload on EC2 nodes"),
            );
        };
        for setting in &w.pod.host_namespaces {
            push(setting.key.loc, format!("`{}: true`", setting.key.value));
        }
        for (i, c) in w.pod.containers.iter().enumerate() {
            for port in &c.ports {
                for pair in [&port.host_port, &port.host_ip].into_iter().flatten() {
                    push(
                        pair.key.loc,
                        format!(
                            "`{}: {}` on {}",
                            pair.key.value,
                            pair.value.value,
                            container_label(w, i)
                        ),
                    );
                }
            }
        }
    }
}
