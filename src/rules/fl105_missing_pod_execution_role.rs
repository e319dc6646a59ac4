//! FL105 missing-pod-execution-role: a profile with no pod execution role. An error where
//! the API requires one (EKS API JSON); a note where the tool creates one (eksctl).

use super::prelude::*;
use crate::model::RoleOrigin;

pub(crate) static RULE: Rule = Rule {
    code: "FL105",
    name: "missing-pod-execution-role",
    severity: Severity::Error,
    summary: "a profile without a pod execution role (a note for eksctl, which creates one)",
    doc: include_str!("../../rules/FL105-missing-pod-execution-role.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for (cluster, profile) in cx.profiles() {
        let name = profile_label(profile);
        // The user's own key names and tool.
        let d = profile.dialect;
        let role_key = d.role_key;
        let finding = match profile.role_origin {
            RoleOrigin::Explicit | RoleOrigin::ClusterDefault => continue,
            RoleOrigin::Missing => cx
                .profile_finding(
                    rule,
                    cluster,
                    profile,
                    profile.name.loc,
                    format!("{name} has no `{role_key}`; {} requires one", d.tool),
                )
                .help(format!("add `{role_key}` with the ARN of a role that trusts `eks-fargate-pods.amazonaws.com` and has `AmazonEKSFargatePodExecutionRolePolicy`")),
            RoleOrigin::CreatedByTool => {
                let (no_default, or_default) = d.default_role_key.map_or_else(
                    || (String::new(), String::new()),
                    |k| (format!(" and the cluster no `{k}`"), format!(" or `{k}` on the cluster")),
                );
                let created = d
                    .created_role
                    .map_or_else(|| "a role".to_string(), |r| format!("the role `{r}`"));
                let mut f = cx
                    .profile_finding(
                        rule,
                        cluster,
                        profile,
                        profile.name.loc,
                        format!("{name} has no `{role_key}`{no_default}; {} will create {created} for it", d.tool),
                    )
                    .help(format!("nothing to do if an {}-made role suits you; to use a role managed elsewhere, set `{role_key}` on the profile{or_default}", d.tool));
                // The tool fills the gap, so this is information, not a mistake.
                f.severity = Severity::Note;
                f
            }
        };
        out.push(finding);
    }
}
