//! FL212 requests-not-equal-limits: a CPU or memory limit that differs from the request, in a
//! pod on Fargate, which is sized from the requests: room above the request may not be there.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL212",
    name: "requests-not-equal-limits",
    severity: Severity::Note,
    summary: "a CPU or memory request that differs from its limit, in a pod on Fargate",
    doc: include_str!("../../rules/FL212-requests-not-equal-limits.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for (w, landing) in cx.fargate_workloads() {
        for (index, container) in w.pod.containers.iter().enumerate() {
            for resource in PodResource::BOTH {
                let (Some(request), Some(limit)) = (
                    resource.of(&container.requests),
                    resource.of(&container.limits),
                ) else {
                    continue;
                };
                // Compared by amount (`1` = `1000m`); a placeholder is FL002's.
                let (Some(asked), Some(capped)) = (
                    resource.amount(&request.value),
                    resource.amount(&limit.value),
                ) else {
                    continue;
                };
                if asked == capped {
                    continue;
                }
                out.push(
                    cx.landing_finding(
                        rule,
                        w,
                        &landing,
                        limit.loc,
                        format!(
                            "{} of {} has a {} limit `{}` that differs from its request `{}`; it {}, which sizes the pod from requests: above the request, the container gets only what rounding up to a Fargate size leaves over",
                            container_label(w, index),
                            workload_label(w),
                            resource.name(),
                            limit.value,
                            request.value,
                            landing.phrase()
                        ),
                    )
                    .label(request.loc, "the request Fargate sizes the pod by")
                    .help(format!("set the {} request and limit to the same value, what the container needs", resource.name())),
                );
            }
        }
    }
}
