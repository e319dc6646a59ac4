//! FL105 missing-pod-execution-role: a profile with no pod execution role. An error where
//! the API requires one (EKS API JSON); a note for eksctl, which creates one.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL105",
    name: "missing-pod-execution-role",
    severity: Severity::Error,
    summary: "a profile without a pod execution role (a note for eksctl, which creates one)",
    doc: include_str!("../../rules/FL105-missing-pod-execution-role.md"),
    check,
    ..Rule::COMMON
};

fn has_role(role: Option<&Text>) -> bool {
    role.is_some_and(|r| !r.value.trim().is_empty())
}

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for (cluster, profile) in cx.profiles() {
        if has_role(profile.role.as_ref()) {
            continue;
        }
        let name = profile_label(profile);
        let finding = match profile.source {
            ProfileSource::EksApi => cx
                .profile_finding(
                    rule,
                    cluster,
                    profile,
                    profile.name.loc,
                    format!("{name} has no `podExecutionRoleArn`; `aws eks create-fargate-profile` requires one"),
                )
                .help("add `podExecutionRoleArn` with the ARN of a role that trusts `eks-fargate-pods.amazonaws.com` and has `AmazonEKSFargatePodExecutionRolePolicy`"),
            ProfileSource::Eksctl => {
                // The cluster-wide role of eksctl is used for every profile without its own.
                if has_role(cluster.default_role.as_ref()) {
                    continue;
                }
                let mut f = cx
                    .profile_finding(
                        rule,
                        cluster,
                        profile,
                        profile.name.loc,
                        format!("{name} has no `podExecutionRoleARN` and the cluster no `iam.fargatePodExecutionRoleARN`; eksctl will create the role `FargatePodExecutionRole` for it"),
                    )
                    .help("nothing to do if an eksctl-made role suits you; to use a role managed elsewhere, set `podExecutionRoleARN` on the profile or `iam.fargatePodExecutionRoleARN` on the cluster");
                // eksctl fills the gap, so this is information, not a mistake.
                f.severity = Severity::Note;
                f
            }
        };
        out.push(finding);
    }
}
