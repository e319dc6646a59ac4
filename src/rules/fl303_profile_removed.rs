//! FL303 profile-removed: a profile of the baseline that the working tree no longer has.
//! Deleting a profile deletes the pods it placed; they go to another profile, to EC2 or stay
//! Pending (FL215 says so where nothing takes them).
//!
//! The removed profile has no line in the working tree: the finding points at the cluster
//! that no longer has it (where the working tree first names the cluster), and the message
//! says so. A cluster gone altogether has no place left to point at: no finding (its
//! workloads show as moved or removed in `predict --baseline`).

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL303",
    name: "profile-removed",
    severity: Severity::Warning,
    summary: "a profile of `--baseline` is gone: deleting it deletes the pods it placed, which go to another profile, to EC2 or stay Pending",
    doc: include_str!("../../rules/FL303-profile-removed.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    let Some(baseline) = cx.baseline else { return };
    for change in &baseline.changes.profiles {
        if change.after.is_some() {
            continue;
        }
        let Some(cluster) = change
            .cluster_after
            .and_then(|c| cx.model.clusters.get(c.index()))
        else {
            continue;
        };
        let placed = placed_by(&baseline, &change.key.cluster, &change.key.name);
        let name = if change.key.name.is_empty() {
            "a profile without a name".to_string()
        } else {
            format!("profile `{}`", change.key.name)
        };
        let mut finding = cx
            .finding(
                rule,
                cluster.loc,
                format!(
                    "the definition of {} no longer has {name}, which it has at `{}`: applying deletes it{}",
                    cluster_label(cluster),
                    baseline.revision,
                    evicted_text(&placed)
                ),
            )
            .help("create the profile that takes its pods before deleting it, or keep it; pods left Pending are FL215");
        if !cluster.name.is_empty() {
            finding = finding.cluster(&cluster.name);
        }
        if !change.key.name.is_empty() {
            finding = finding.profile(&change.key.name);
        }
        out.push(finding);
    }
}
