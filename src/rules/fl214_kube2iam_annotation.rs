//! FL214 kube2iam-annotation: an `iam.amazonaws.com/role` annotation (kube2iam, kiam) on a
//! pod template that lands on Fargate, where no such agent can serve it.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL214",
    name: "kube2iam-annotation",
    severity: Severity::Warning,
    summary: "`iam.amazonaws.com/role` (kube2iam, kiam) on a pod that lands on Fargate; use IRSA",
    doc: include_str!("../../rules/FL214-kube2iam-annotation.md"),
    check,
    // kube2iam role annotation instead of IRSA
    security_severity: Some("5.0"),
    ..Rule::COMMON
};

/// The pod annotation kube2iam and kiam read.
const KUBE2IAM_ANNOTATION: &str = "iam.amazonaws.com/role";

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for (w, landing) in cx.fargate_workloads() {
        for annotation in w
            .pod
            .annotations
            .iter()
            .filter(|a| a.key.value == KUBE2IAM_ANNOTATION)
        {
            out.push(
                cx.landing_finding(
                    rule,
                    w,
                    &landing,
                    annotation.key.loc,
                    format!(
                        "{} {}, where no kube2iam or kiam agent runs (they are host-network DaemonSets) and the instance metadata service is out of reach: the pods get no credentials from `{KUBE2IAM_ANNOTATION}`",
                        workload_label(w),
                        landing.phrase()
                    ),
                )
                .help("use IAM roles for service accounts: annotate the pod's service account with `eks.amazonaws.com/role-arn` and drop this annotation"),
            );
        }
    }
}
