//! FL211 missing-resource-requests: a container of a pod on Fargate with no CPU or no memory
//! request (nor a limit, which stands in for it). Fargate sizes the pod from requests only.

use super::prelude::*;
use crate::model::ContainerKind;

pub(crate) static RULE: Rule = Rule {
    code: "FL211",
    name: "missing-resource-requests",
    severity: Severity::Warning,
    summary: "a container on Fargate without a CPU or memory request; a pod with none gets 0.25 vCPU and 0.5 GB",
    doc: include_str!("../../rules/FL211-missing-resource-requests.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for (w, landing) in cx.fargate_workloads() {
        let size = cx
            .size(w.id)
            .and_then(|s| s.size)
            .map(|s| format!(": this one gets `{s}`"))
            .unwrap_or_default();
        for (index, container) in w.pod.containers.iter().enumerate() {
            // Plain init containers run one at a time before the others and only raise the
            // size when they ask for more: one without requests costs nothing.
            if container.kind == ContainerKind::Init {
                continue;
            }
            let missing: Vec<&str> = PodResource::BOTH
                .into_iter()
                .filter(|r| !r.is_written(container))
                .map(PodResource::name)
                .collect();
            if missing.is_empty() {
                continue;
            }
            out.push(
                cx.landing_finding(
                    rule,
                    w,
                    &landing,
                    container_anchor(container),
                    format!(
                        "{} of {} has no {} request (nor limit); it {}, which sizes the pod from its containers' requests alone (0.25 vCPU and 0.5 GB for none at all){size}",
                        container_label(w, index),
                        workload_label(w),
                        missing.join(" or "),
                        landing.phrase()
                    ),
                )
                .help("set `resources.requests` for CPU and memory to what the container needs (and the same `limits`)"),
            );
        }
    }
}
