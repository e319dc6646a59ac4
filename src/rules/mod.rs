//! The rule registry: every rule, in code order, each in its own file with its metadata
//! and its document from `rules/`. Rules read the model and the placements; they never
//! re-parse.

mod fl001_invalid_yaml;
mod fl002_unresolved_value;
mod fl003_yaml11_ambiguous_value;
mod fl004_unused_suppression;
mod fl101_too_many_selectors;
mod fl102_selector_without_namespace;
mod fl103_too_many_selector_labels;
mod fl104_too_many_profiles;
mod fl105_missing_pod_execution_role;
mod fl106_invalid_pod_execution_role_arn;
mod fl107_invalid_profile_name;
mod fl108_duplicate_profile_name;
mod fl109_public_subnet;
mod fl110_profile_without_selectors;
mod fl111_unused_selector;
mod fl201_non_ecr_image;
mod fl202_daemonset_on_fargate;
mod fl203_privileged_container;
mod fl204_privilege_escalation;
mod fl205_added_capabilities;
mod fl206_host_network_or_port;
mod fl207_unsupported_volume;
mod fl208_accelerator_request;
mod fl209_unsupported_arch_or_os;
mod fl210_exceeds_fargate_max_size;
mod fl211_missing_resource_requests;
mod fl212_requests_not_equal_limits;
mod fl213_wasted_capacity;
mod fl214_kube2iam_annotation;
mod fl215_pending_pod;
mod fl216_pinned_profile_mismatch;
mod fl217_compute_type_ec2_annotation;
mod fl218_custom_scheduler;
mod fl219_load_balancer_instance_target;
mod fl220_ambiguous_profile_match;
mod fl221_capacity_provisioned_annotation;
mod fl222_efs_dynamic_provisioning;

pub mod limits;
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
pub static RULES: &[&Rule] = &[
    &fl001_invalid_yaml::RULE,
    &fl002_unresolved_value::RULE,
    &fl003_yaml11_ambiguous_value::RULE,
    &fl004_unused_suppression::RULE,
    &fl101_too_many_selectors::RULE,
    &fl102_selector_without_namespace::RULE,
    &fl103_too_many_selector_labels::RULE,
    &fl104_too_many_profiles::RULE,
    &fl105_missing_pod_execution_role::RULE,
    &fl106_invalid_pod_execution_role_arn::RULE,
    &fl107_invalid_profile_name::RULE,
    &fl108_duplicate_profile_name::RULE,
    &fl109_public_subnet::RULE,
    &fl110_profile_without_selectors::RULE,
    &fl111_unused_selector::RULE,
    &fl201_non_ecr_image::RULE,
    &fl202_daemonset_on_fargate::RULE,
    &fl203_privileged_container::RULE,
    &fl204_privilege_escalation::RULE,
    &fl205_added_capabilities::RULE,
    &fl206_host_network_or_port::RULE,
    &fl207_unsupported_volume::RULE,
    &fl208_accelerator_request::RULE,
    &fl209_unsupported_arch_or_os::RULE,
    &fl210_exceeds_fargate_max_size::RULE,
    &fl211_missing_resource_requests::RULE,
    &fl212_requests_not_equal_limits::RULE,
    &fl213_wasted_capacity::RULE,
    &fl214_kube2iam_annotation::RULE,
    &fl215_pending_pod::RULE,
    &fl216_pinned_profile_mismatch::RULE,
    &fl217_compute_type_ec2_annotation::RULE,
    &fl218_custom_scheduler::RULE,
    &fl219_load_balancer_instance_target::RULE,
    &fl220_ambiguous_profile_match::RULE,
    &fl221_capacity_provisioned_annotation::RULE,
    &fl222_efs_dynamic_provisioning::RULE,
];

/// The rule catalogue as a Markdown table (code, name, severity, summary), for the README;
/// `tests/readme.rs` keeps the README's copy equal to it.
pub fn markdown_table() -> String {
    let mut out = String::from("| code | name | severity | summary |\n|---|---|---|---|\n");
    for r in RULES {
        // A `|` in a summary would end its cell.
        let summary = r.summary.replace('|', "\\|");
        out.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            r.code,
            r.name,
            r.severity.as_str(),
            summary
        ));
    }
    out
}

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
pub fn distance(a: &str, b: &str) -> usize {
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

/// The candidate closest to `text`, when one is close enough to suggest (for configuration
/// keys; rules have [`closest`], which also matches codes).
pub fn closest_word<'a>(
    text: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (distance(text, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}
