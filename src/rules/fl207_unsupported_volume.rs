//! FL207 unsupported-volume: a Fargate pod mounts a hostPath, an inline CSI volume, or AWS
//! EBS (an `awsElasticBlockStore` volume, or a PVC whose storage class is EBS).

use super::prelude::*;
use crate::model::{PersistentVolumeClaim, StorageClass, VolumeKind};

pub(crate) static RULE: Rule = Rule {
    code: "FL207",
    name: "unsupported-volume",
    severity: Severity::Error,
    summary: "a Fargate pod mounts a hostPath, an inline CSI volume or AWS EBS, which Fargate cannot attach",
    doc: include_str!("../../rules/FL207-unsupported-volume.md"),
    check,
};

/// The provisioners of EBS volumes: the CSI driver and the old in-tree one.
const EBS_PROVISIONERS: [&str; 2] = ["ebs.csi.aws.com", "kubernetes.io/aws-ebs"];

/// The class EKS creates in every cluster and makes the default: EBS (`kubernetes.io/aws-ebs`).
const EKS_DEFAULT_CLASS: &str = "gp2";

/// Why the storage class of `claim` is EBS, or `None` when it is not or cannot be told.
fn ebs_class(cx: &Context<'_>, claim: &PersistentVolumeClaim) -> Option<String> {
    let by_name = |name: &str| -> Option<&StorageClass> {
        cx.model
            .storage_classes
            .iter()
            .find(|sc| sc.name.value == name)
    };
    let is_ebs = |sc: &StorageClass| {
        sc.provisioner
            .as_ref()
            .is_some_and(|p| EBS_PROVISIONERS.contains(&p.value.as_str()))
    };
    match &claim.storage_class {
        // No class: the cluster's default one. A default class in the scan replaces EKS's.
        None => match cx.model.storage_classes.iter().find(|sc| sc.is_default) {
            Some(sc) if is_ebs(sc) => Some(format!(
                "it has no `storageClassName`, so it gets the default class `{}` ({}), which is EBS",
                sc.name.value,
                cx.position_from(sc.loc, claim.meta.loc)
            )),
            Some(_) => None,
            None => Some(format!(
                "it has no `storageClassName`, so it gets EKS's default class `{EKS_DEFAULT_CLASS}`, which is EBS"
            )),
        },
        // An empty class binds to a pre-made volume of no class: what it is is not known.
        Some(name) if name.value.is_empty() || cx.is_placeholder(name) => None,
        Some(name) => match by_name(&name.value) {
            Some(sc) if is_ebs(sc) => Some(format!(
                "its class `{}` ({}) provisions EBS volumes",
                sc.name.value,
                cx.position_from(sc.loc, claim.meta.loc)
            )),
            Some(_) => None,
            // EKS's own class is there even when the scan does not define it.
            None if name.value == EKS_DEFAULT_CLASS => Some(format!(
                "its class `{EKS_DEFAULT_CLASS}` is EKS's EBS class"
            )),
            None => None,
        },
    }
}

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for (_, w, landing) in cx.fargate_workloads() {
        let mut push = |loc: Loc, what: String| {
            out.push(
                cx.landing_finding(
                    rule,
                    w,
                    &landing,
                    loc,
                    format!(
                        "{} mounts {what}; it {}, which cannot mount it: the pod never starts",
                        workload_label(w),
                        landing.phrase()
                    ),
                )
                .help("use EFS (`efs.csi.aws.com`, statically provisioned), `emptyDir`, or S3 for files that must outlive the pod; or run the workload on EC2 nodes"),
            );
        };
        for v in &w.pod.volumes {
            let name = v
                .name
                .as_ref()
                .map_or(String::new(), |n| format!(" `{}`", n.value));
            match &v.kind {
                VolumeKind::HostPath => push(v.key, format!("the hostPath volume{name}")),
                VolumeKind::Csi => push(v.key, format!("the inline CSI volume{name}")),
                VolumeKind::AwsElasticBlockStore => push(
                    v.key,
                    format!("the EBS volume{name} (`awsElasticBlockStore`)"),
                ),
                VolumeKind::PersistentVolumeClaim {
                    claim_name: Some(claim_name),
                } => {
                    // Only a claim of the scan says what it is bound to. Examples in
                    // several folders may reuse a name: prefer the claim in the same file,
                    // then in the same folder.
                    let folder = |loc: Loc| {
                        cx.files
                            .get(loc.file.0 as usize)
                            .and_then(|f| f.path.rsplit_once('/'))
                            .map_or("", |(dir, _)| dir)
                    };
                    let claim = cx
                        .model
                        .claims
                        .iter()
                        .filter(|c| {
                            c.meta.namespace == w.namespace && c.meta.name == claim_name.value
                        })
                        .min_by_key(|c| {
                            (
                                c.meta.loc.file != claim_name.loc.file,
                                folder(c.meta.loc) != folder(claim_name.loc),
                            )
                        });
                    if let Some(why) = claim.and_then(|c| ebs_class(cx, c).map(|why| (c, why))) {
                        let (c, why) = why;
                        push(
                            claim_name.loc,
                            format!(
                                "the claim `{}` ({}), and {why}",
                                claim_name.value,
                                cx.position_from(c.meta.loc, claim_name.loc)
                            ),
                        );
                    }
                }
                _ => {}
            }
        }
        for t in &w.pod.claim_templates {
            if let Some(why) = ebs_class(cx, t) {
                let loc = t.storage_class.as_ref().map_or(t.meta.name_loc, |s| s.loc);
                push(
                    loc,
                    format!("the volume claim template `{}`, and {why}", t.meta.name),
                );
            }
        }
    }
}
