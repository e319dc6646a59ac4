//! FL221 capacity-provisioned-annotation: a `CapacityProvisioned` annotation written in a
//! manifest. Fargate sets it on the pods it runs to report their size; setting it asks for
//! nothing.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL221",
    name: "capacity-provisioned-annotation",
    severity: Severity::Note,
    summary: "a `CapacityProvisioned` annotation set in a manifest, which does nothing",
    doc: include_str!("../../rules/FL221-capacity-provisioned-annotation.md"),
    check,
    ..Rule::COMMON
};

/// The annotation Fargate writes on its pods (`0.25vCPU 0.5GB`).
const CAPACITY_PROVISIONED: &str = "CapacityProvisioned";

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    // Needs no Fargate placement: the annotation does nothing anywhere, and copying it from
    // a running pod usually means someone hoped to size the pod with it.
    for w in &cx.model.workloads {
        for annotation in w
            .pod
            .annotations
            .iter()
            .filter(|a| a.key.value == CAPACITY_PROVISIONED)
        {
            let size = cx.size(w.id).and_then(|s| s.size);
            let landing = cx.landing(w.id);
            let actual = match (size, &landing) {
                (Some(size), Some(landing)) => format!(
                    "; {} {}, which gives its pods `{size}` from their requests",
                    workload_label(w),
                    landing.phrase()
                ),
                (Some(size), None) => {
                    format!("; on Fargate its pods would get `{size}` from their requests")
                }
                // Over the largest size: FL210 says so.
                (None, _) => String::new(),
            };
            let message = format!(
                "`{CAPACITY_PROVISIONED}` is set by Fargate to report the size it gave a pod; written here it does nothing{actual}"
            );
            let loc = annotation.key.loc;
            let f = match &landing {
                Some(landing) => cx.landing_finding(rule, w, landing, loc, message),
                None => cx.workload_finding(rule, w, loc, message),
            }
            .help("remove the annotation; to change the size on Fargate, change the containers' CPU and memory requests");
            out.push(f);
        }
    }
}
