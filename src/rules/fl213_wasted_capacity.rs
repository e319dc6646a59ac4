//! FL213 wasted-capacity: a pod on Fargate whose requests are rounded up to a size with more
//! than half a vCPU or 1 GB left unused; says which request would fit a smaller size and
//! what that would cost.

use super::prelude::*;
use crate::sizing::{
    FARGATE_OVERHEAD_MIB, FargateSize, PodNeed, monthly_cost, next_smaller, size_for,
};

pub(crate) static RULE: Rule = Rule {
    code: "FL213",
    name: "wasted-capacity",
    severity: Severity::Note,
    summary: "rounding up to a Fargate size wastes more than half a vCPU or 1 GB per pod; says what request would fit the next smaller size",
    doc: include_str!("../../rules/FL213-wasted-capacity.md"),
    check,
    precision: Precision::High,
    ..Rule::COMMON
};

const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;
/// Unused capacity per pod above which the rule speaks (`fargate.md` §6; interface).
const WASTED_MILLICPU: u64 = 500;
const WASTED_BYTES: u64 = GIB;

/// A decimal with at most three places and no trailing zeros: `1.2`, `0.25`, `2.625`.
fn decimal(value: f64) -> String {
    let s = format!("{value:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A CPU quantity as Kubernetes writes it: `1`, `1200m`.
fn cpu_quantity(millicpu: u64) -> String {
    if millicpu.is_multiple_of(1000) {
        (millicpu / 1000).to_string()
    } else {
        format!("{millicpu}m")
    }
}

/// A memory quantity as Kubernetes writes it, rounded down to whole MiB (an upper bound must
/// not be overstated): `8Gi`, `7936Mi`.
fn memory_quantity(bytes: u64) -> String {
    if bytes.is_multiple_of(GIB) {
        format!("{}Gi", bytes / GIB)
    } else {
        format!("{}Mi", bytes / MIB)
    }
}

/// The size to suggest: the next smaller one, and below it until the vCPU drops when it is
/// the vCPU that goes unused (a smaller size of the same vCPU only trims memory).
fn target_size(size: FargateSize, cpu_wasted: bool) -> Option<FargateSize> {
    let mut target = next_smaller(size)?;
    while cpu_wasted && target.millicpu == size.millicpu {
        target = next_smaller(target)?;
    }
    Some(target)
}

/// Where to point for `resource`: the largest request among the containers (what sizing
/// counts: the request, else the limit).
fn largest_request(w: &Workload, resource: PodResource) -> Option<Loc> {
    w.pod
        .containers
        .iter()
        .filter_map(|c| resource.request_of(c))
        .map(|(t, a)| (a, t.loc))
        .max_by_key(|&(a, _)| a)
        .map(|(_, loc)| loc)
}

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    let overhead = FARGATE_OVERHEAD_MIB * MIB;
    for (w, landing) in cx.fargate_workloads() {
        let Some(sized) = cx.size(w.id) else {
            continue;
        };
        // A placeholder request makes the size a guess; over the largest size is FL210's.
        let (true, Some(size)) = (sized.need.unresolved.is_empty(), sized.size) else {
            continue;
        };
        let need = &sized.need;
        let memory = need.memory_bytes.saturating_add(overhead);
        let spare_cpu = u64::from(size.millicpu).saturating_sub(need.millicpu);
        let spare_memory = size.memory_bytes().saturating_sub(memory);
        let cpu_wasted = spare_cpu > WASTED_MILLICPU;
        if !cpu_wasted && spare_memory <= WASTED_BYTES {
            continue;
        }
        let Some(target) = target_size(size, cpu_wasted) else {
            continue;
        };
        // What has to shrink to fit `target`, and the size the pod then gets.
        let max_memory = target.memory_bytes().saturating_sub(overhead);
        let shrink_cpu = need.millicpu > u64::from(target.millicpu);
        let shrink_memory = need.memory_bytes > max_memory;
        let fitted = PodNeed {
            millicpu: need.millicpu.min(u64::from(target.millicpu)),
            memory_bytes: need.memory_bytes.min(max_memory),
            ephemeral_bytes: need.ephemeral_bytes,
            unresolved: Vec::new(),
        };
        let Some(fitted_size) = size_for(&fitted) else {
            continue;
        };
        let mut changes = Vec::new();
        if shrink_cpu {
            changes.push(format!(
                "CPU requests adding up to at most `{}` (now `{}`)",
                cpu_quantity(u64::from(target.millicpu)),
                cpu_quantity(need.millicpu)
            ));
        }
        if shrink_memory {
            changes.push(format!(
                "memory requests adding up to at most `{}` (now `{}`; Fargate adds {FARGATE_OVERHEAD_MIB} MiB)",
                memory_quantity(max_memory),
                memory_quantity(need.memory_bytes.div_ceil(MIB) * MIB)
            ));
        }
        // Cannot happen (the need would then fit `target` already); no advice, no finding.
        if changes.is_empty() {
            continue;
        }
        let pods = crate::diagnostic::plural(w.replicas as usize, "pod");
        let now = monthly_cost(size, need.ephemeral_bytes, w.replicas, &cx.pricing);
        let then = monthly_cost(fitted_size, need.ephemeral_bytes, w.replicas, &cx.pricing);
        let resource = if shrink_cpu {
            PodResource::Cpu
        } else {
            PodResource::Memory
        };
        let loc = largest_request(w, resource)
            .or_else(|| w.pod.containers.first().map(container_anchor))
            .unwrap_or_else(|| match_anchor(w));
        out.push(
            cx.landing_finding(
                rule,
                w,
                &landing,
                loc,
                format!(
                    "{} {} as `{size}` for a need of {} vCPU and {} GB (Fargate's {FARGATE_OVERHEAD_MIB} MiB included): {} vCPU and {} GB per pod go unused; {} would fit `{fitted_size}`, ${then:.2} a month instead of ${now:.2} for {pods}",
                    workload_label(w),
                    landing.phrase(),
                    decimal(need.millicpu as f64 / 1000.0),
                    decimal(memory as f64 / GIB as f64),
                    decimal(spare_cpu as f64 / 1000.0),
                    decimal(spare_memory as f64 / GIB as f64),
                    changes.join(" and "),
                ),
            )
            .help("lower the requests if the pods do not need them, or raise them to use what is paid for anyway"),
        );
    }
}
