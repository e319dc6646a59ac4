//! FL006 no-cluster-definition: the scan found workloads but no cluster to place them on,
//! so every placement check was skipped. Said once per run, at the first workload.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL006",
    name: "no-cluster-definition",
    severity: Severity::Warning,
    summary: "workloads were found but no cluster definition, so nothing could be placed or checked on Fargate",
    doc: include_str!("../../rules/FL006-no-cluster-definition.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    if !cx.model.clusters.is_empty() {
        return;
    }
    let Some(first) = cx.model.workloads.first() else {
        return;
    };
    let others = cx.model.workloads.len() - 1;
    let and_others = match others {
        0 => String::new(),
        1 => " and 1 other workload".to_string(),
        n => format!(" and {n} other workloads"),
    };
    out.push(
        cx.workload_finding(
            rule,
            first,
            first.kind_loc.unwrap_or(first.loc),
            format!(
                "{}{and_others} {} found, but no cluster definition (eksctl ClusterConfig, EKS API profile JSON, CloudFormation template or Terraform): no placement was predicted and no Fargate check ran",
                workload_label(first),
                if others == 0 { "was" } else { "were" }
            ),
        )
        .help("name the cluster file with `--cluster FILE`, tie it to the manifests with `[[clusters]]` in .fargate-lint.toml, or let `--find-clusters` look for it in the whole repository"),
    );
}
