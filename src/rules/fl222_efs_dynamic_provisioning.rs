//! FL222 efs-dynamic-provisioning: a Fargate pod mounts a claim whose StorageClass makes EFS
//! access points on demand (`efs.csi.aws.com` with `provisioningMode: efs-ap`); Fargate
//! mounts only statically provisioned EFS volumes.

use super::prelude::*;
use crate::model::StorageClass;

pub(crate) static RULE: Rule = Rule {
    code: "FL222",
    name: "efs-dynamic-provisioning",
    severity: Severity::Error,
    summary: "a Fargate pod mounts a PVC whose StorageClass provisions EFS dynamically (`efs.csi.aws.com` with `provisioningMode: efs-ap`); Fargate supports only statically provisioned EFS volumes",
    doc: include_str!("../../rules/FL222-efs-dynamic-provisioning.md"),
    check,
    precision: Precision::High,
    ..Rule::COMMON
};

const EFS_PROVISIONER: &str = "efs.csi.aws.com";
/// The EFS CSI driver's one dynamic mode: an access point per volume.
const DYNAMIC_MODE: &str = "efs-ap";

/// The `provisioningMode: efs-ap` of `sc` when it provisions EFS dynamically.
fn dynamic_mode(sc: &StorageClass) -> Option<&Text> {
    if sc.provisioner.as_ref()?.value != EFS_PROVISIONER {
        return None;
    }
    sc.parameter("provisioningMode")
        .filter(|m| m.value == DYNAMIC_MODE)
}

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for (w, landing) in cx.fargate_workloads() {
        for m in cx.mounted_claims(w) {
            // A claim that names its volume binds to that one: nothing is provisioned.
            if m.claim.volume_name.is_some() {
                continue;
            }
            let (sc, how) = match cx.claim_class(m.claim) {
                ClaimClass::Named(sc) => (sc, "its class"),
                ClaimClass::Default(sc) => {
                    (sc, "it has no `storageClassName`, and the default class")
                }
                _ => continue,
            };
            let Some(mode) = dynamic_mode(sc) else {
                continue;
            };
            let finding = cx.landing_finding(
                rule,
                w,
                &landing,
                m.loc,
                format!(
                    "{} mounts {}, and {how} `{}` provisions EFS dynamically (`provisioningMode: {DYNAMIC_MODE}`); it {}, where pods can use only statically provisioned EFS volumes",
                    workload_label(w),
                    m.what,
                    sc.name.value,
                    landing.phrase()
                ),
            );
            out.push(
                m.link(finding)
                .link(mode.loc, "dynamic EFS provisioning", &format!("`provisioningMode: {DYNAMIC_MODE}`"))
                .help("make the PersistentVolume yourself (`csi.driver: efs.csi.aws.com`, `volumeHandle` the file system or access point) and bind the claim to it with `storageClassName: \"\"` and `volumeName`; or run the workload on EC2 nodes"),
            );
        }
    }
}
