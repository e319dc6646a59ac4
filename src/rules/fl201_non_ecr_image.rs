//! FL201 non-ecr-image: a Fargate pod's image comes from a registry other than ECR, ECR
//! Public or an allowed one.

use super::prelude::*;
use crate::image::{Registry, matches_allowed, registry};

pub(crate) static RULE: Rule = Rule {
    code: "FL201",
    name: "non-ecr-image",
    severity: Severity::Warning,
    summary: "a Fargate pod pulls an image from a registry other than ECR, ECR Public or `allowed-registries`",
    doc: include_str!("../../rules/FL201-non-ecr-image.md"),
    check,
    precision: Precision::High,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for (w, landing) in cx.fargate_workloads() {
        for (i, c) in w.pod.containers.iter().enumerate() {
            // An empty image names no registry; the API server refuses such a pod anyway.
            let Some(image) = c.image.as_ref().filter(|i| !i.value.trim().is_empty()) else {
                continue;
            };
            let from = match registry(&image.value) {
                Registry::DockerHub => "Docker Hub".to_string(),
                Registry::Other(host) => format!("`{host}`"),
                // ECR, ECR Public and placeholders (FL002) are fine.
                Registry::Ecr | Registry::EcrPublic | Registry::Unknown => continue,
            };
            if matches_allowed(&image.value, cx.allowed_registries) {
                continue;
            }
            out.push(
                cx.landing_finding(
                    rule,
                    w,
                    &landing,
                    image.loc,
                    format!(
                        "image `{}` of {} comes from {from}, not ECR; {} {}, where it is pulled through a NAT gateway, needs `imagePullSecrets` if private, and cannot be pulled at all without internet access",
                        image.value,
                        container_label(w, i),
                        workload_label(w),
                        landing.phrase()
                    ),
                )
                .help("copy the image to ECR (or use ECR Public, or an ECR pull-through cache) so that pods pull it through VPC endpoints; or allow the registry in the configuration"),
            );
        }
    }
}
