//! FL104 too-many-profiles: a cluster with more Fargate profiles than the default EKS quota.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL104",
    name: "too-many-profiles",
    severity: Severity::Warning,
    summary: "more than 10 Fargate profiles in one cluster (a quota that can be raised)",
    doc: include_str!("../../rules/FL104-too-many-profiles.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    let max = cx.limits.profiles_per_cluster;
    for cluster in &cx.model.clusters {
        // The first profile over the quota is the one whose creation would fail.
        let Some(first_over) = cluster.profiles.get(max) else {
            continue;
        };
        let mut f = link_cluster(cx.finding(
            rule,
            first_over.name.loc,
            format!(
                "cluster `{}` has {} Fargate profiles; the EKS quota is {max} per cluster unless raised",
                cluster.name,
                cluster.profiles.len()
            ),
        ), cluster, "the cluster")
        .help("merge profiles (each takes up to 5 selectors, with wildcards), or raise the quota \"Fargate profiles per cluster\" in Service Quotas first");
        if !cluster.name.is_empty() {
            f = f.cluster(&cluster.name);
        }
        out.push(f);
    }
}
