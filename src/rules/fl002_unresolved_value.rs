//! FL002 unresolved-value: a value the placement or sizing needs is a placeholder
//! (`${VAR}`, `{{ }}`, `!Ref`), so the prediction that uses it is partial.

use super::prelude::*;
use crate::model::{Needed, Owner};

pub(crate) static RULE: Rule = Rule {
    code: "FL002",
    name: "unresolved-value",
    severity: Severity::Note,
    summary: "a value we need is a placeholder; the check that needs it is partial",
    doc: include_str!("../../rules/FL002-unresolved-value.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for u in &cx.model.unresolved {
        if let Needed::KustomizeField { variant } = &u.needed {
            out.push(
                cx.finding(rule, u.loc, format!("{} is not built natively; variant `{variant}` is predicted from what can be built without it", u.value))
                    .help("render the variant (`kubectl kustomize DIR | fargate-lint check -`) for a full prediction"),
            );
            continue;
        }
        out.push(
            cx.finding(rule, u.loc, format!("{} is a placeholder (`{}`); predictions that need it are partial", what(&u.needed), u.value))
                .help("render the file first (envsubst, helm template, kustomize build) and pipe it on stdin: `... | fargate-lint check -`"),
        );
    }
}

/// What the placeholder stands for, in words: "the namespace of selector 1 of profile `fp`".
fn what(needed: &Needed) -> String {
    const TEMPLATE: &str = " (the file is read as a template: where the scan defines real clusters, workloads are placed on those only)";
    let of = |o: &Owner| format!("{} `{}`", o.kind, o.name);
    match needed {
        Needed::ClusterName { template } => {
            format!("the cluster name{}", if *template { TEMPLATE } else { "" })
        }
        Needed::ClusterRegion => format!("the cluster region{TEMPLATE}"),
        Needed::ClusterRole => "the cluster's Fargate pod execution role".to_string(),
        Needed::ProfileRole { profile } => format!("the pod execution role of profile `{profile}`"),
        Needed::SelectorNamespace { profile, index } => {
            format!(
                "the namespace of selector {} of profile `{profile}`",
                index + 1
            )
        }
        Needed::SelectorLabel {
            profile,
            index,
            key,
        } => format!(
            "label `{key}` of selector {} of profile `{profile}`",
            index + 1
        ),
        Needed::WorkloadNamespace { of: o } => format!("the namespace of {}", of(o)),
        Needed::Count { key, of: o } => format!("`{key}` of {} (counted as 1)", of(o)),
        Needed::Image { container, of: o } => {
            let container = container
                .as_ref()
                .map_or_else(String::new, |c| format!(" `{c}`"));
            format!("the image of container{container} of {}", of(o))
        }
        Needed::Resource {
            section,
            resource,
            of: o,
        } => format!("{section} `{resource}` of {} (sized as if absent)", of(o)),
        Needed::PodLabel { key, of: o } => format!("pod label `{key}` of {}", of(o)),
        Needed::KustomizeField { variant } => format!("a field of variant `{variant}`"),
    }
}
