//! The rule registry: every rule, in code order, each in its own file with its metadata
//! and its document from `rules/`. Rules read the model and the placements; they never
//! re-parse.

mod fl001_invalid_yaml;
mod fl002_unresolved_value;
mod fl003_yaml11_ambiguous_value;
mod fl004_unused_suppression;
mod fl005_invalid_field;
mod fl006_no_cluster_definition;
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
mod fl112_pod_execution_role_trust_policy;
mod fl113_pod_execution_role_policy_missing;
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
mod fl301_profile_modified;
mod fl302_placement_changes_on_reschedule;
mod fl303_profile_removed;

pub mod limits;
pub mod prelude;

use crate::diagnostic::{Finding, Severity};
use prelude::Context;

/// A rule: its stable code and name, default severity, document, check, and what the
/// outputs say about it. A rule file names what differs from [`Rule::COMMON`] and takes the
/// rest from it (`..Rule::COMMON`), so adding a rule touches its own file and document only
/// (and the registry below).
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// The whole document (`rules/FLnnn-name.md`).
    pub doc: &'static str,
    pub check: fn(&Context<'_>, &Rule, &mut Vec<Finding>),
    /// How often a finding is right (SARIF `precision`).
    pub precision: Precision,
    /// GitHub's `security-severity` (a CVSS-like score: 9+ critical, 7+ high, 4+ medium) for
    /// the rules about security, which are then tagged `security`; `None` for the others.
    pub security_severity: Option<&'static str>,
    /// An input that was not read (FL001): always reported and always counted, whatever
    /// `--select`, `--ignore`, `[rules]` or a suppression says, as ruff does with syntax
    /// errors; otherwise a broken file would pass as clean.
    pub input_problem: bool,
}

/// How often a rule's findings are right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// Depends only on the files themselves and on EKS's documented behaviour.
    VeryHigh,
    /// Depends on what was scanned (a selector unused by the scanned workloads may be used
    /// by others) or guesses intent.
    High,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::VeryHigh => "very-high",
            Precision::High => "high",
        }
    }
}

fn no_check(_: &Context<'_>, _: &Rule, _: &mut Vec<Finding>) {}

impl Rule {
    /// What most rules share: very high precision, no security severity, an ordinary rule.
    /// Its empty code and name are always replaced (tests/rules.rs checks every rule's).
    pub const COMMON: Rule = Rule {
        code: "",
        name: "",
        severity: Severity::Warning,
        summary: "",
        doc: "",
        check: no_check,
        precision: Precision::VeryHigh,
        security_severity: None,
        input_problem: false,
    };

    /// SARIF tags: the product, the area by code (`FL0` input, `FL1` profiles, `FL2`
    /// workloads, `FL3` changes), and `security` for the rules with a security severity.
    pub fn tags(&self) -> Vec<&'static str> {
        let area = match self.code.get(..3) {
            Some("FL0") => "input",
            Some("FL1") => "fargate-profile",
            Some("FL2") => "workload",
            Some("FL3") => "change",
            _ => "other",
        };
        let mut tags = vec!["fargate", "eks", area];
        if self.security_severity.is_some() {
            tags.push("security");
        }
        tags
    }
}

/// Every rule, in code order.
pub static RULES: &[&Rule] = &[
    &fl001_invalid_yaml::RULE,
    &fl002_unresolved_value::RULE,
    &fl003_yaml11_ambiguous_value::RULE,
    &fl004_unused_suppression::RULE,
    &fl005_invalid_field::RULE,
    &fl006_no_cluster_definition::RULE,
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
    &fl112_pod_execution_role_trust_policy::RULE,
    &fl113_pod_execution_role_policy_missing::RULE,
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
    &fl301_profile_modified::RULE,
    &fl302_placement_changes_on_reschedule::RULE,
    &fl303_profile_removed::RULE,
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

/// Where the rule `code` (exact, as findings carry it) is in [`RULES`]: SARIF points at it by
/// this index. `None` for a code no rule has.
pub fn index(code: &str) -> Option<usize> {
    RULES.binary_search_by(|r| r.code.cmp(code)).ok()
}

/// The rule of a finding's code (`FL101` exactly): a binary search, for per-finding use.
pub fn by_code(code: &str) -> Option<&'static Rule> {
    index(code).and_then(|i| RULES.get(i)).copied()
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
    use rayon::prelude::*;
    // Rules are independent: they run side by side (on the caller's pool), each into its
    // own list, joined in registry order, so the result is the same at any thread count.
    let per_rule: Vec<Vec<Finding>> = RULES
        .par_iter()
        .map(|rule| {
            let mut out = Vec::new();
            (rule.check)(cx, rule, &mut out);
            out
        })
        .collect();
    let mut out = Vec::with_capacity(per_rule.iter().map(Vec::len).sum());
    for findings in per_rule {
        out.extend(findings);
    }
    out.par_sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

/// Edit distance between two short strings, for "did you mean" suggestions.
pub fn distance(a: &str, b: &str) -> usize {
    edit_distance(a, b, false)
}

/// The edit distance from `a` to `b` (Levenshtein), or with `infix` to the closest part of
/// `b`: what is left out of `b` before and after that part costs nothing, so a word of a
/// rule's name is at distance 0 from the name.
fn edit_distance(a: &str, b: &str, infix: bool) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = if infix {
        vec![0; b.len() + 1]
    } else {
        (0..=b.len()).collect()
    };
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
    if infix {
        row.iter().copied().min().unwrap_or(0)
    } else {
        row[b.len()]
    }
}

/// The rule that `text` (a mistyped code or name, or a part of a name) most likely means,
/// when one is close enough to suggest. A rule is close when its code is at most 2 edits
/// away, its name at most a third of its length, or when `text` (3 characters or more) is
/// a part of its name with at most one edit in four characters (`non-ecr`, `privilged`).
/// The nearest wins; among equals the shortest name (the part covers most of it), then the
/// lowest code.
pub fn closest(text: &str) -> Option<&'static Rule> {
    let upper = text.trim().to_ascii_uppercase();
    let lower = text.trim().to_ascii_lowercase();
    let len = lower.chars().count();
    let near = |d: usize, max: usize| (d <= max).then_some(d);
    RULES
        .iter()
        .copied()
        .filter_map(|r| {
            let code = near(distance(&upper, r.code), 2);
            let name = near(distance(&lower, r.name), 2.max(r.name.len() / 3));
            let part = (len >= 3)
                .then(|| near(edit_distance(&lower, r.name, true), len / 4))
                .flatten();
            [code, name, part]
                .into_iter()
                .flatten()
                .min()
                .map(|d| (d, r))
        })
        .min_by_key(|(d, r)| (*d, r.name.len(), r.code))
        .map(|(_, r)| r)
}

/// `; did you mean FL201 (non-ecr-image)?` for the rule [`closest`] to `text`, or nothing:
/// the tail of every "names no rule" message.
pub fn did_you_mean(text: &str) -> String {
    closest(text)
        .map(|r| format!("; did you mean {} ({})?", r.code, r.name))
        .unwrap_or_default()
}

/// The candidate closest to `text`, when one is close enough to suggest (for configuration
/// keys and subcommands; rules have [`closest`], which also matches codes and parts of
/// names).
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

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> Option<&'static str> {
        closest(text).map(|r| r.code)
    }

    #[test]
    fn closest_matches_codes_and_names_by_distance() {
        assert_eq!(code("FL00l"), Some("FL001"));
        assert_eq!(code("fl2013"), Some("FL201"));
        assert_eq!(code("unresolved-valeu"), Some("FL002"));
    }

    #[test]
    fn closest_matches_a_part_of_a_name() {
        // Was FL003: the distance to its code was measured against a third of its name.
        assert_eq!(code("non-ecr"), Some("FL201"));
        assert_eq!(code("ecr"), Some("FL201"));
        assert_eq!(code("privilged"), Some("FL203"));
        assert_eq!(code("kube2iam"), Some("FL214"));
    }

    #[test]
    fn closest_suggests_nothing_for_unrelated_text() {
        assert_eq!(code(""), None);
        assert_eq!(code("xyzzy-plugh"), None);
        assert_eq!(code("zz"), None);
    }

    #[test]
    fn did_you_mean_names_code_and_name() {
        assert_eq!(
            did_you_mean("non-ecr"),
            "; did you mean FL201 (non-ecr-image)?"
        );
        assert_eq!(did_you_mean("xyzzy-plugh"), "");
    }

    #[test]
    fn index_finds_every_rule_and_no_other_code() {
        // `index` searches by halves: the registry must stay in code order.
        assert!(RULES.windows(2).all(|w| w[0].code < w[1].code));
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(index(r.code), Some(i), "{}", r.code);
            assert!(by_code(r.code).is_some_and(|found| std::ptr::eq(found, *r)));
        }
        assert!(by_code("FL999").is_none() && by_code("fl001").is_none());
        assert_eq!(index("FL999"), None);
        assert_eq!(index("fl001"), None);
    }
}
