//! FL210 exceeds-fargate-max-size: a Fargate pod needs more than 16 vCPU or 120 GB, or more
//! than 175 GiB of ephemeral storage.

use super::prelude::*;
use crate::model::{Container, Resources};
use crate::sizing::{
    FARGATE_OVERHEAD_MIB, LARGEST, MAX_EPHEMERAL_GIB, effective_request, ephemeral_exceeds_max,
};

pub(crate) static RULE: Rule = Rule {
    code: "FL210",
    name: "exceeds-fargate-max-size",
    severity: Severity::Error,
    summary: "a Fargate pod needs more than 16 vCPU or 120 GB, or more than 175 GiB of ephemeral storage",
    doc: include_str!("../../rules/FL210-exceeds-fargate-max-size.md"),
    check,
    ..Rule::COMMON
};

/// Where to point for a resource: the request that sizing counted
/// ([`crate::sizing::effective_request`]) of the container that asks for the most of it, in
/// text order among equals.
fn largest(
    containers: &[Container],
    field: fn(&Resources) -> Option<&Text>,
    parse: fn(&str) -> Option<u64>,
) -> Option<&Text> {
    containers
        .iter()
        .filter_map(|c| effective_request(field(&c.requests), field(&c.limits), parse))
        .fold(None, |best: Option<(u64, &Text)>, (t, v)| match best {
            Some((b, _)) if b >= v => best,
            _ => Some((v, t)),
        })
        .map(|(_, t)| t)
}

fn gib(bytes: u64) -> String {
    let g = bytes as f64 / (1u64 << 30) as f64;
    format!("{g:.1} GiB")
}

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    // Such pods are placed Pending (reason `Refused`): the profile takes them, and the
    // Fargate scheduler refuses them.
    let refused = cx
        .model
        .workloads
        .iter()
        .filter_map(|w| cx.refused_landing(w.id).map(|l| (w, l)));
    for (w, landing) in refused {
        let Some(size) = cx.size(w.id) else {
            continue;
        };
        let need = &size.need;
        let containers = &w.pod.containers;
        let fallback = w.pod.metadata_loc.unwrap_or(w.loc);
        if size.size.is_none() {
            let cpu = largest(
                containers,
                |r| r.cpu.as_ref(),
                crate::quantity::parse_cpu_millis,
            );
            let mem = largest(
                containers,
                |r| r.memory.as_ref(),
                crate::quantity::parse_bytes,
            );
            // Point at the resource that is over the top: CPU when it alone is too much.
            let at = if need.millicpu > u64::from(LARGEST.millicpu) {
                cpu.or(mem)
            } else {
                mem.or(cpu)
            };
            out.push(
                cx.landing_finding(
                    rule,
                    w,
                    &landing,
                    at.map_or(fallback, |t| t.loc),
                    format!(
                        "the pods of {} need {} vCPU and {} of memory ({FARGATE_OVERHEAD_MIB} MiB added by Fargate), more than the largest Fargate size, {} vCPU and {} GB; {} selects them, and Fargate refuses the pods (`POD_CPU_MEM_EXCEEDS_MAX_FARGATE_SIZE`): they stay Pending",
                        workload_label(w),
                        need.millicpu as f64 / 1000.0,
                        gib(need.memory_bytes.saturating_add(FARGATE_OVERHEAD_MIB << 20)),
                        LARGEST.vcpu(),
                        LARGEST.memory_gb(),
                        landing.phrase_with("")
                    ),
                )
                .help(format!("lower the requests (and limits) to fit {} vCPU and {} GB, split the workload, or run it on EC2 nodes", LARGEST.vcpu(), LARGEST.memory_gb())),
            );
        }
        if ephemeral_exceeds_max(need.ephemeral_bytes) {
            let at = largest(
                containers,
                |r| r.ephemeral_storage.as_ref(),
                crate::quantity::parse_bytes,
            );
            out.push(
                cx.landing_finding(
                    rule,
                    w,
                    &landing,
                    at.map_or(fallback, |t| t.loc),
                    format!(
                        "the pods of {} ask for {} of ephemeral storage, more than the {MAX_EPHEMERAL_GIB} GiB Fargate gives a pod; {} selects them, and Fargate refuses the pods: they stay Pending",
                        workload_label(w),
                        gib(need.ephemeral_bytes),
                        landing.phrase_with("")
                    ),
                )
                .help(format!("ask for {MAX_EPHEMERAL_GIB} GiB or less, and keep large data on EFS or S3")),
            );
        }
    }
}
