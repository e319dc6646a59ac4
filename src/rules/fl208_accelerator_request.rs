//! FL208 accelerator-request: a Fargate pod asks for GPUs or other accelerators.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL208",
    name: "accelerator-request",
    severity: Severity::Error,
    summary: "a Fargate pod requests GPUs or Neuron devices, which Fargate does not have",
    doc: include_str!("../../rules/FL208-accelerator-request.md"),
    check,
    ..Rule::COMMON
};

/// Whether a resource name is an accelerator: NVIDIA and AMD GPUs, AWS Inferentia and
/// Trainium (`aws.amazon.com/neuron`, `neuroncore`, `neurondevice`), Intel GPUs.
fn is_accelerator(resource: &str) -> bool {
    resource.starts_with("nvidia.com/")
        || resource == "amd.com/gpu"
        || resource.starts_with("aws.amazon.com/neuron")
        || resource.starts_with("gpu.intel.com/")
}

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for (w, landing) in cx.fargate_workloads() {
        for (i, c) in w.pod.containers.iter().enumerate() {
            // A resource in both requests and limits is one fault: report it once, where
            // it is first written.
            let mut seen: Vec<&str> = Vec::new();
            for pair in c.requests.other.iter().chain(&c.limits.other) {
                let name = pair.key.value.as_str();
                if !is_accelerator(name) || seen.contains(&name) {
                    continue;
                }
                seen.push(name);
                out.push(
                    cx.landing_finding(
                        rule,
                        w,
                        &landing,
                        pair.key.loc,
                        format!(
                            "{} of {} asks for `{name}`; it {}, which has no accelerators: the pod never starts",
                            container_label(w, i),
                            workload_label(w),
                            landing.phrase()
                        ),
                    )
                    .help("run the workload on EC2 nodes with GPUs or Neuron devices (a node group or Karpenter), and keep it out of the Fargate profile"),
                );
            }
        }
    }
}
