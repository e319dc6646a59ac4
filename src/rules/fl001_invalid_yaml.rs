//! FL001 invalid-yaml: a file or document that cannot be read or parsed. The other
//! documents of the file are still checked.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL001",
    name: "invalid-yaml",
    severity: Severity::Error,
    summary: "a file or document cannot be read or parsed; the other documents still are",
    doc: include_str!("../../rules/FL001-invalid-yaml.md"),
    check,
    input_problem: true,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for p in cx.input_problems {
        out.push(cx.finding(rule, p.loc, p.message.clone()).help(p.help));
    }
}
