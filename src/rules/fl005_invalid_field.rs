//! FL005 invalid-field: a field that parses as YAML but that Kubernetes or eksctl would
//! refuse. The checks themselves live with the model (`model/validate.rs`), which reads the
//! fields; this rule reports what they found.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL005",
    name: "invalid-field",
    severity: Severity::Error,
    summary: "a field that Kubernetes or eksctl would refuse: a duplicate key, a list or mapping where a string is expected (or the reverse), a bad or negative quantity, a bad replica count",
    doc: include_str!("../../rules/FL005-invalid-field.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for invalid in &cx.model.invalid {
        out.push(
            cx.finding(rule, invalid.loc, invalid.message.clone())
                .help("write the field the way the Kubernetes API (or eksctl) defines it; `kubectl apply --dry-run=server -f FILE` shows the API server's own error"),
        );
    }
}
