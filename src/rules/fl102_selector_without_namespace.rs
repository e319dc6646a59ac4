//! FL102 selector-without-namespace: a profile selector with no namespace, or an empty one,
//! which eksctl and EKS refuse.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL102",
    name: "selector-without-namespace",
    severity: Severity::Error,
    summary: "a profile selector without a namespace; eksctl and EKS require one",
    doc: include_str!("../../rules/FL102-selector-without-namespace.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for (cluster, profile) in cx.profiles() {
        for (i, selector) in profile.selectors.iter().enumerate() {
            let (at, what) = match &selector.namespace {
                None => (selector.loc, "no namespace"),
                Some(ns) if ns.value.is_empty() => (ns.loc, "an empty namespace"),
                Some(_) => continue,
            };
            out.push(
                cx.profile_finding(
                    rule,
                    cluster,
                    profile,
                    at,
                    format!(
                        "selector {} of {} has {what}; eksctl and EKS require one",
                        i + 1,
                        profile_label(profile)
                    ),
                )
                .help("add `namespace: NAME`; `*` and `?` wildcards are allowed (`team-*`)"),
            );
        }
    }
}
