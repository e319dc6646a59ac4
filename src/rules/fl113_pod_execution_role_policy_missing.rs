//! FL113 pod-execution-role-policy-missing: a pod execution role defined in the scan (one a
//! profile uses, or one that trusts the Fargate pods principal) to which no attachment of
//! the managed policy `AmazonEKSFargatePodExecutionRolePolicy` is found: in its own
//! managed policies or in an attachment resource of the scan. An inline policy does not
//! count.

use super::prelude::*;
use crate::model::is_fargate_pod_execution_policy;

pub(crate) static RULE: Rule = Rule {
    code: "FL113",
    name: "pod-execution-role-policy-missing",
    severity: Severity::Error,
    summary: "a pod execution role defined in the scan without `AmazonEKSFargatePodExecutionRolePolicy`",
    doc: include_str!("../../rules/FL113-pod-execution-role-policy-missing.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    use std::collections::HashMap;
    // Attachments by the role they name: one look-up per role.
    let mut by_key: HashMap<&str, Vec<&crate::model::PolicyAttachment>> = HashMap::new();
    let mut by_name: HashMap<&str, Vec<&crate::model::PolicyAttachment>> = HashMap::new();
    // An attachment to a role that cannot be told may be the one.
    let mut to_unknown_role = false;
    for a in &cx.model.policy_attachments {
        match (&a.role_key, &a.role_name) {
            (Some(k), _) => by_key.entry(k).or_default().push(a),
            (None, Some(n)) => by_name.entry(n).or_default().push(a),
            (None, None) => to_unknown_role = true,
        }
    }
    if to_unknown_role {
        return;
    }
    for r in pod_execution_roles(cx) {
        let role = r.role;
        if !role.definition {
            continue;
        }
        let attached = role
            .key
            .as_deref()
            .and_then(|k| by_key.get(k))
            .into_iter()
            .chain(role.role_name.as_deref().and_then(|n| by_name.get(n)))
            .flatten();
        let mut partial = role.policies_partial;
        let mut found = role
            .managed_policies
            .iter()
            .any(|p| is_fargate_pod_execution_policy(&p.value));
        for a in attached {
            found |= is_fargate_pod_execution_policy(&a.policy.value);
            partial |= !a.policy_known;
        }
        if found || partial {
            continue;
        }
        let mut finding = cx
            .finding(
                rule,
                role.loc,
                format!(
                    "{} has no `AmazonEKSFargatePodExecutionRolePolicy` attached in the scan: Fargate cannot pull images from ECR for the pods, nor send their logs",
                    r.phrase()
                ),
            )
            .help("attach the managed policy `arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy` (`ManagedPolicyArns`, `managed_policy_arns` or an `aws_iam_role_policy_attachment`); an inline policy with the same actions works, but is not recognised");
        for (cluster, profile) in &r.used_by {
            finding = finding.label(
                profile.name.loc,
                format!("used by {}", profile_label(profile)),
            );
            if !cluster.name.is_empty() && finding.cluster.is_none() {
                finding = finding.cluster(&cluster.name);
            }
        }
        out.push(finding);
    }
}
