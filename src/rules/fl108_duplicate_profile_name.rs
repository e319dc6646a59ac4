//! FL108 duplicate-profile-name: two profiles with the same name in one cluster, also when
//! they come from different files that describe the same cluster.

use std::collections::HashMap;

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL108",
    name: "duplicate-profile-name",
    severity: Severity::Error,
    summary: "two profiles with the same name in one cluster",
    doc: include_str!("../../rules/FL108-duplicate-profile-name.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for cluster in &cx.model.clusters {
        let mut first_by_name: HashMap<&str, &FargateProfile> = HashMap::new();
        for profile in &cluster.profiles {
            let name = &profile.name;
            // Nameless profiles are FL107's; placeholders may well differ once rendered.
            if name.value.is_empty() || cx.is_placeholder(name) {
                continue;
            }
            let Some(first) = first_by_name.get(name.value.as_str()) else {
                first_by_name.insert(&name.value, profile);
                continue;
            };
            let in_cluster = if cluster.name.is_empty() {
                "the cluster".to_string()
            } else {
                format!("cluster `{}`", cluster.name)
            };
            out.push(
                cx.profile_finding(
                    rule,
                    cluster,
                    profile,
                    name.loc,
                    format!(
                        "profile name `{}` is already used in {in_cluster}; profile names are unique in a cluster",
                        name.value
                    ),
                )
                .link(first.name.loc, "first defined here", "already used")
                .help("rename one of them, or merge their selectors into one profile (up to 5)"),
            );
        }
    }
}
