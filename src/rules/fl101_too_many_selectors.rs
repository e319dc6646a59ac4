//! FL101 too-many-selectors: a Fargate profile with more selectors than EKS accepts.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL101",
    name: "too-many-selectors",
    severity: Severity::Error,
    summary: "more than 5 selectors in a Fargate profile",
    doc: include_str!("../../rules/FL101-too-many-selectors.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    let max = cx.limits.selectors_per_profile;
    for (cluster, profile) in cx.profiles() {
        let Some(first_over) = profile.selectors.get(max) else {
            continue;
        };
        // Without a `selectors` key there are no selectors; the name is a safe fallback.
        let at = profile.selectors_key.unwrap_or(profile.name.loc);
        out.push(
            cx.profile_finding(
                rule,
                cluster,
                profile,
                at,
                format!(
                    "{} has {} selectors; EKS accepts at most {max}",
                    profile_label(profile),
                    profile.selectors.len()
                ),
            )
            .label(first_over.loc, "this one is over the limit")
            .help("split the selectors over two profiles, or cover several namespaces with one wildcard selector (`team-*`)"),
        );
    }
}
