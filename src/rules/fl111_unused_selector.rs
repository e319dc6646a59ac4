//! FL111 unused-selector: a profile selector that matches no scanned workload.

use super::prelude::*;
use crate::placement::{selector_matches, wildcard_match};

pub(crate) static RULE: Rule = Rule {
    code: "FL111",
    name: "unused-selector",
    severity: Severity::Note,
    summary: "a profile selector that matches no scanned workload",
    doc: include_str!("../../rules/FL111-unused-selector.md"),
    check,
    precision: Precision::High,
    ..Rule::COMMON
};

/// Where EKS itself runs CoreDNS and add-ons, whose manifests are not in the repository:
/// a selector for it has pods to take that the scan cannot see.
const SYSTEM_NAMESPACE: &str = "kube-system";

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    // A cluster file scanned alone has no workloads to match: every selector would be
    // "unused", which says nothing.
    if cx.model.workloads.is_empty() {
        return;
    }
    for (cluster, profile) in cx.profiles() {
        for (i, selector) in profile.selectors.iter().enumerate() {
            // No namespace is FL102's; a placeholder is FL002's.
            let Some(namespace) = &selector.namespace else {
                continue;
            };
            if cx.is_placeholder(namespace)
                || selector.labels.iter().any(|l| cx.is_placeholder(&l.value))
                || wildcard_match(&namespace.value, SYSTEM_NAMESPACE)
            {
                continue;
            }
            let used = cx
                .model
                .workloads
                .iter()
                .any(|w| selector_matches(selector, &w.namespace, &w.pod.labels));
            if used {
                continue;
            }
            let mut f = cx.profile_finding(
                    rule,
                    cluster,
                    profile,
                    selector.loc,
                    format!(
                        "selector {} of {} matches no scanned workload ({} scanned)",
                        i + 1,
                        profile_label(profile),
                        crate::diagnostic::plural(cx.model.workloads.len(), "workload")
                    ),
                )
                .help("check the namespace and labels against the workloads meant for it; remove the selector if nothing needs it");
            // A workload of the namespace that lacks the labels: most likely the one meant.
            if let Some(w) = cx
                .model
                .workloads
                .iter()
                .find(|w| wildcard_match(&namespace.value, &w.namespace))
                && let Some(at) = w.pod.metadata_loc.or(w.kind_loc)
            {
                f = f.label(
                    at,
                    format!(
                        "{} is in namespace `{}`, without the selector's labels",
                        workload_label(w),
                        w.namespace
                    ),
                );
            }
            out.push(f);
        }
    }
}
