//! FL207 unsupported-volume: a Fargate pod mounts a hostPath, an inline CSI volume, or AWS
//! EBS (an `awsElasticBlockStore` volume, or a PVC whose storage class is EBS), or a PVC
//! without a class on a cluster that has no default class (EKS 1.30 and later).

use super::prelude::*;
use crate::model::{PersistentVolumeClaim, StorageClass, VolumeKind};

pub(crate) static RULE: Rule = Rule {
    code: "FL207",
    name: "unsupported-volume",
    severity: Severity::Error,
    summary: "a Fargate pod mounts a hostPath, an inline CSI volume or AWS EBS, which Fargate cannot attach",
    doc: include_str!("../../rules/FL207-unsupported-volume.md"),
    check,
    precision: Precision::High,
    ..Rule::COMMON
};

/// The provisioners of EBS volumes: the CSI driver and the old in-tree one.
const EBS_PROVISIONERS: [&str; 2] = ["ebs.csi.aws.com", "kubernetes.io/aws-ebs"];

/// The EBS class EKS creates in every cluster; the default class of clusters created
/// before Kubernetes 1.30.
const EKS_GP2: &str = "gp2";

/// The first EKS version whose new clusters have no default StorageClass.
const NO_DEFAULT_CLASS_FROM: u32 = 30;

/// Why a claim cannot serve a Fargate pod.
struct Fault {
    why: String,
    /// The claim binds to nothing at all (not a Fargate limit): the pod waits for it.
    unbound: bool,
    /// What decides it, elsewhere: where, its label, and the words of `why` that name it.
    cause: Option<(Loc, String, String)>,
}

/// A claim whose volume would be EBS.
fn ebs(why: String, cause: Option<(Loc, String, String)>) -> Option<Fault> {
    Some(Fault {
        why,
        unbound: false,
        cause,
    })
}

/// The cluster's `metadata.version` (minor `minor`), which decides its default class, as a
/// cause: the message's "EKS 1.31" links to it.
fn version_cause(cluster: &Cluster, minor: u32, label: String) -> Option<(Loc, String, String)> {
    cluster
        .version
        .as_ref()
        .map(|v| (v.loc, label, format!("EKS 1.{minor}")))
}

/// Why `claim`, mounted by a pod that lands in `cluster`, is EBS or binds to nothing;
/// `None` when it is neither or the scan cannot tell.
fn claim_fault(
    cx: &Context<'_>,
    claim: &PersistentVolumeClaim,
    cluster: &Cluster,
) -> Option<Fault> {
    // The provisioner of an EBS class: where the class says so.
    let ebs_provisioner = |sc: &StorageClass| {
        sc.provisioner
            .as_ref()
            .filter(|p| EBS_PROVISIONERS.contains(&p.value.as_str()))
            .map(|p| p.loc)
    };
    match cx.claim_class(claim) {
        ClaimClass::Named(sc) => ebs_provisioner(sc).map(|at| Fault {
            why: format!("its class `{}` provisions EBS volumes", sc.name.value),
            unbound: false,
            cause: Some((
                at,
                "provisions EBS volumes".to_string(),
                format!("class `{}`", sc.name.value),
            )),
        }),
        ClaimClass::Default(sc) => ebs_provisioner(sc).map(|at| Fault {
            why: format!(
                "it has no `storageClassName`, so it gets the default class `{}`, which is EBS",
                sc.name.value
            ),
            unbound: false,
            cause: Some((
                at,
                "provisions EBS volumes".to_string(),
                format!("default class `{}`", sc.name.value),
            )),
        }),
        // The cluster's own default: EKS's gp2 on clusters created before 1.30, none on
        // newer ones (a cluster upgraded to 1.30 keeps gp2 as its default). A claim that
        // names its volume takes the default class too, and then binds only to a volume of
        // that class; without a default it binds to the volume as it is.
        ClaimClass::ClusterDefault => match cluster.minor_version() {
            Some(minor) if minor >= NO_DEFAULT_CLASS_FROM => {
                claim.volume_name.is_none().then(|| Fault {
                    why: format!(
                        "it has no `storageClassName` on {} (EKS 1.{minor}), and clusters created at 1.{NO_DEFAULT_CLASS_FROM} or later have no default StorageClass: the claim stays Pending, bound to nothing (a cluster upgraded from an older version keeps `{EKS_GP2}`, EBS, as its default, which Fargate cannot mount either)",
                        cluster_label(cluster)
                    ),
                    unbound: true,
                    cause: version_cause(
                        cluster,
                        minor,
                        format!("EKS 1.{minor}: no default StorageClass"),
                    ),
                })
            }
            Some(minor) => ebs(
                format!(
                    "it has no `storageClassName`, so it gets the default class of {} (EKS 1.{minor}), `{EKS_GP2}`, which is EBS",
                    cluster_label(cluster)
                ),
                version_cause(
                    cluster,
                    minor,
                    format!("EKS 1.{minor}: the default StorageClass is `{EKS_GP2}`"),
                ),
            ),
            None => {
                let newer = match &claim.volume_name {
                    Some(v) => format!(
                        "it binds to its volume `{}`, whatever that is (`storageClassName: \"\"` binds it the same on both)",
                        v.value
                    ),
                    None => "it stays Pending, bound to nothing".to_string(),
                };
                ebs(
                    format!(
                        "it has no `storageClassName`, and its class depends on the cluster's version (the ClusterConfig's `metadata.version`, not given): before EKS 1.{NO_DEFAULT_CLASS_FROM} it gets the default class `{EKS_GP2}`, which is EBS; from 1.{NO_DEFAULT_CLASS_FROM} there is no default class and {newer}"
                    ),
                    None,
                )
            }
        },
        // EKS's own class is there even when the scan does not define it.
        ClaimClass::Unknown(name) if name.value == EKS_GP2 => {
            ebs(format!("its class `{EKS_GP2}` is EKS's EBS class"), None)
        }
        ClaimClass::Unknown(_) | ClaimClass::Unset => None,
    }
}

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for (w, landing) in cx.fargate_workloads() {
        let finding = |loc: Loc, what: String, unbound: bool| {
            let outcome = if unbound {
                "and the pod waits for the claim: it never starts"
            } else {
                "which cannot mount it: the pod never starts"
            };
            cx.landing_finding(
                rule,
                w,
                &landing,
                loc,
                format!(
                    "{} mounts {what}; it {}, {outcome}",
                    workload_label(w),
                    landing.phrase()
                ),
            )
            .help("use EFS (`efs.csi.aws.com`, statically provisioned), `emptyDir`, or S3 for files that must outlive the pod; or run the workload on EC2 nodes")
        };
        let mut push = |loc: Loc, what: String, unbound: bool| {
            out.push(finding(loc, what, unbound));
        };
        for v in &w.pod.volumes {
            let name = v
                .name
                .as_ref()
                .map_or(String::new(), |n| format!(" `{}`", n.value));
            match &v.kind {
                VolumeKind::HostPath => push(v.key, format!("the hostPath volume{name}"), false),
                VolumeKind::Csi => push(v.key, format!("the inline CSI volume{name}"), false),
                VolumeKind::AwsElasticBlockStore => push(
                    v.key,
                    format!("the EBS volume{name} (`awsElasticBlockStore`)"),
                    false,
                ),
                _ => {}
            }
        }
        // Only a claim of the scan says what it is bound to.
        for m in cx.mounted_claims(w) {
            if let Some(fault) = claim_fault(cx, m.claim, landing.cluster) {
                let mut f = m.link(finding(
                    m.loc,
                    format!("{}, and {}", m.what, fault.why),
                    fault.unbound,
                ));
                if let Some((at, label, phrase)) = fault.cause {
                    f = f.link(at, label, &phrase);
                }
                out.push(f);
            }
        }
    }
}
