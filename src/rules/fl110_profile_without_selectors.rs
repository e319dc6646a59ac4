//! FL110 profile-without-selectors: a profile with no selectors, which eksctl refuses and
//! which would match no pod anyway.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL110",
    name: "profile-without-selectors",
    severity: Severity::Error,
    summary: "a profile without selectors",
    doc: include_str!("../../rules/FL110-profile-without-selectors.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for (cluster, profile) in cx.profiles() {
        if !profile.selectors.is_empty() {
            continue;
        }
        let consequence = if profile.dialect.requires_selectors {
            format!("{} refuses it", profile.dialect.tool)
        } else {
            "it matches no pod".to_string()
        };
        out.push(
            cx.profile_finding(
                rule,
                cluster,
                profile,
                profile.selectors_key.unwrap_or(profile.name.loc),
                format!("{} has no selectors; {consequence}", profile_label(profile)),
            )
            .help("add `selectors` with at least a `namespace` each, or remove the profile"),
        );
    }
}
