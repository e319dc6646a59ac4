//! FL112 pod-execution-role-trust-policy: the trust policy of a pod execution role (one a
//! profile uses, or one that trusts the Fargate pods principal) that does not name
//! `eks-fargate-pods.amazonaws.com` (an error: no pod can start), or that has no
//! `aws:SourceArn` condition on the cluster's Fargate profiles (a warning: any profile of
//! any cluster of the account may use the role).

use super::prelude::*;
use crate::model::{is_fargate_principal, trusts_fargate};

pub(crate) static RULE: Rule = Rule {
    code: "FL112",
    name: "pod-execution-role-trust-policy",
    severity: Severity::Error,
    summary: "a pod execution role whose trust policy does not name `eks-fargate-pods.amazonaws.com` (a warning without an `aws:SourceArn` condition on a `fargateprofile` ARN)",
    doc: include_str!("../../rules/FL112-pod-execution-role-trust-policy.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    // A trust policy several roles share (a policy document) is reported once.
    // Roles first, so that a policy document is reported as the trust policy of the role
    // that has it.
    let mut seen = std::collections::HashSet::new();
    let mut roles = pod_execution_roles(cx);
    roles.sort_by_key(|r| !r.role.definition);
    for r in roles {
        let Some(trust) = r.role.trust.as_ref() else {
            continue;
        };
        if !seen.insert(trust.loc) {
            continue;
        }
        let what = r.trust_phrase();
        let mut finding = if !trusts_fargate(trust) {
            // A principal known only at deploy time may be it.
            if trust.partial {
                continue;
            }
            let mut f = cx
                .finding(
                    rule,
                    trust.loc,
                    format!(
                        "{what} does not name the service principal `eks-fargate-pods.amazonaws.com`; Fargate cannot assume it and no pod of the profile starts"
                    ),
                )
                .help("add a statement that allows `sts:AssumeRole` to the service principal `eks-fargate-pods.amazonaws.com`, with an `aws:SourceArn` condition `ArnLike` on `arn:aws:eks:REGION:ACCOUNT:fargateprofile/CLUSTER/*`");
            for s in &trust.services {
                f = f.label(s.loc, format!("the principal `{}`", s.value));
            }
            f
        } else {
            if trust
                .source_arns
                .iter()
                .any(|a| a.value.contains(":fargateprofile/"))
                || trust.conditions_partial
            {
                continue;
            }
            let principal = trust
                .services
                .iter()
                .find(|s| is_fargate_principal(&s.value))
                .map_or(trust.loc, |s| s.loc);
            let cluster_only = trust
                .source_arns
                .iter()
                .find(|a| a.value.contains(":cluster/"));
            let why = if cluster_only.is_some() {
                "its `aws:SourceArn` condition names a cluster, but Fargate gives the ARN of a Fargate profile"
            } else {
                "it has no `aws:SourceArn` condition"
            };
            let mut f = cx
                .finding(
                    rule,
                    principal,
                    format!(
                        "{what} lets the Fargate profiles of any cluster of the account assume it: {why}"
                    ),
                )
                .help("add a condition `ArnLike` on `aws:SourceArn` with `arn:aws:eks:REGION:ACCOUNT:fargateprofile/CLUSTER/*`, as the EKS User Guide's pod execution role does");
            if let Some(arn) = cluster_only {
                f = f.label(arn.loc, "a cluster ARN");
            }
            f.severity = Severity::Warning;
            f
        };
        for (cluster, profile) in &r.used_by {
            finding = finding.label(
                profile.name.loc,
                format!("used by {}", profile_label(profile)),
            );
            if !cluster.name.is_empty() && finding.cluster.is_none() {
                finding = finding.cluster(&cluster.name);
            }
        }
        if r.role.definition {
            finding = finding.label(r.role.loc, format!("the role `{}`", r.role.label));
        }
        out.push(finding);
    }
}
