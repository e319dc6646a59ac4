//! The rule registry: every rule, in code order, each in its own file with its metadata
//! and its document from `rules/`. Rules read the model and the placements; they never
//! re-parse.

mod fl001_invalid_yaml;
mod fl002_unresolved_value;

pub mod prelude;

use crate::diagnostic::{Finding, Severity};
use prelude::Context;

/// A rule: its stable code and name, default severity, document, and check.
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// The whole document (`rules/FLnnn-name.md`).
    pub doc: &'static str,
    pub check: fn(&Context<'_>, &Rule, &mut Vec<Finding>),
}

/// Every rule, in code order.
pub static RULES: &[&Rule] = &[&fl001_invalid_yaml::RULE, &fl002_unresolved_value::RULE];

/// Finds a rule by code (`FL101`, any case) or name (`too-many-selectors`).
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// Runs every rule and returns the findings in output order.
pub fn run(cx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in RULES {
        (rule.check)(cx, rule, &mut out);
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

/// Edit distance between two short strings, for "did you mean" suggestions.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// The rule whose code or name is closest to `text`, when one is close enough to suggest.
pub fn closest(text: &str) -> Option<&'static Rule> {
    let upper = text.to_ascii_uppercase();
    RULES
        .iter()
        .copied()
        .map(|r| (distance(&upper, r.code).min(distance(text, r.name)), r))
        .filter(|(d, r)| *d <= 2.max(r.name.len() / 3))
        .min_by_key(|(d, r)| (*d, r.code))
        .map(|(_, r)| r)
}
