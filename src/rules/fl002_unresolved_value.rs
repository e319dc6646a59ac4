//! FL002 unresolved-value: a value the placement or sizing needs is a placeholder
//! (`${VAR}`, `{{ }}`, `!Ref`), so the prediction that uses it is partial.

use super::prelude::*;

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
        out.push(
            cx.finding(rule, u.loc, format!("{} is a placeholder (`{}`); predictions that need it are partial", u.what, u.value))
                .help("render the file first (envsubst, helm template, kustomize build) and pipe it on stdin: `... | fargate-lint check -`"),
        );
    }
}
