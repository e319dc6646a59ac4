//! FL004 unused-suppression: a suppression comment or annotation that suppressed nothing.
//!
//! Its findings depend on what the other rules found and what the suppressions covered, so
//! they are made after the rules run, in [`crate::suppress::apply`]; the rule is registered
//! here so that `rules`, `explain`, SARIF, `--select`/`--ignore` and `[rules]` know it.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL004",
    name: "unused-suppression",
    severity: Severity::Note,
    summary: "a suppression comment or annotation that suppressed nothing",
    doc: include_str!("../../rules/FL004-unused-suppression.md"),
    check,
    ..Rule::COMMON
};

/// Nothing to do over the model: see [`crate::suppress::apply`].
fn check(_cx: &Context<'_>, _rule: &Rule, _out: &mut Vec<Finding>) {}
