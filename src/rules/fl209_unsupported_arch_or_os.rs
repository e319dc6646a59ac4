//! FL209 unsupported-arch-or-os: a Fargate pod requires arm64 or Windows nodes (node
//! selector or required node affinity); Fargate runs Linux on x86-64 only.

use super::prelude::*;
use crate::model::NodeRequirement;

pub(crate) static RULE: Rule = Rule {
    code: "FL209",
    name: "unsupported-arch-or-os",
    severity: Severity::Error,
    summary: "a Fargate pod requires arm64 or Windows nodes through a node selector or required affinity",
    doc: include_str!("../../rules/FL209-unsupported-arch-or-os.md"),
    check,
    ..Rule::COMMON
};

/// The value a Fargate node has for a node label the model keeps (`kubernetes.io/arch`,
/// `kubernetes.io/os` and their `beta.` forms).
fn fargate_value(key: &str) -> &'static str {
    if key.ends_with("/arch") {
        "amd64"
    } else {
        "linux"
    }
}

/// The value of `req` that a Fargate node cannot meet, if any: for `In`, the first value
/// when none is Fargate's; for `NotIn`, Fargate's value; for `DoesNotExist`, the key.
fn unmet(req: &NodeRequirement) -> Option<&Text> {
    let want = fargate_value(&req.key.value);
    let op = req.operator.as_ref().map_or("", |o| o.value.as_str());
    match op {
        "In" if !req.values.iter().any(|v| v.value == want) => req.values.first(),
        "NotIn" => req.values.iter().find(|v| v.value == want),
        "DoesNotExist" => Some(&req.key),
        _ => None,
    }
}

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for (w, landing) in cx.fargate_workloads() {
        let mut push = |at: &Text, what: String| {
            out.push(
                cx.landing_finding(
                    rule,
                    w,
                    &landing,
                    at.loc,
                    format!(
                        "{} {what}; it {}, whose nodes are Linux on x86-64 (`amd64`) only: the pod never starts",
                        workload_label(w),
                        landing.phrase()
                    ),
                )
                .help("build the image for linux/amd64 (or multi-arch) and drop the requirement; or run the workload on EC2 nodes of that architecture or OS"),
            );
        };
        for pair in &w.pod.node_selector {
            let key = pair.key.value.as_str();
            if !matches!(
                key,
                "kubernetes.io/arch"
                    | "kubernetes.io/os"
                    | "beta.kubernetes.io/arch"
                    | "beta.kubernetes.io/os"
            ) || cx.is_placeholder(&pair.value)
                || pair.value.value == fargate_value(key)
            {
                continue;
            }
            push(
                &pair.value,
                format!("selects nodes with `{key}: {}`", pair.value.value),
            );
        }
        // Terms are alternatives: only when every term asks for something Fargate lacks
        // can the pod not run there. Report the first unmet requirement of the first term.
        let terms = &w.pod.required_node_terms;
        let unmet_per_term: Vec<Option<&Text>> =
            terms.iter().map(|t| t.iter().find_map(unmet)).collect();
        if !terms.is_empty()
            && unmet_per_term.iter().all(Option::is_some)
            && let Some(Some(at)) = unmet_per_term.first()
        {
            let req = terms
                .first()
                .and_then(|t| t.iter().find(|r| unmet(r).is_some()));
            let key = req.map_or("", |r| r.key.value.as_str());
            push(
                at,
                format!(
                    "requires nodes with `{key}` other than `{}` (required node affinity)",
                    fargate_value(key)
                ),
            );
        }
    }
}
