//! FL301 profile-modified: a profile of the baseline whose selectors, labels, subnets or role
//! differ in the working tree. Profiles are immutable: applying deletes and re-creates it,
//! and the pods it placed are deleted with it.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL301",
    name: "profile-modified",
    severity: Severity::Warning,
    summary: "a profile changed against `--baseline`: profiles are immutable, so applying deletes and re-creates it, and deletes the pods it placed",
    doc: include_str!("../../rules/FL301-profile-modified.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    let Some(baseline) = cx.baseline else { return };
    for change in &baseline.changes.profiles {
        let Some((cluster, index)) = change.after else {
            continue;
        };
        let Some(cluster) = cx.model.clusters.get(cluster.index()) else {
            continue;
        };
        let Some(profile) = cluster.profiles.get(index) else {
            continue;
        };
        let before = baseline
            .before
            .model
            .clusters
            .get(change.before.0.index())
            .and_then(|c| c.profiles.get(change.before.1));
        // The first field that changed, where the working tree writes it: for selectors, the
        // first one the baseline has not (else, when selectors were only removed, the first).
        let loc = match change.fields.first() {
            Some(crate::change::Field::Selectors | crate::change::Field::Labels) => before
                .and_then(|b| crate::change::first_new_selector(b, profile))
                .or(profile.selectors.first())
                .map(|s| s.loc)
                .or(profile.selectors_key),
            Some(crate::change::Field::Subnets) => profile.subnets.first().map(|s| s.loc),
            Some(crate::change::Field::Role) => profile.role.as_ref().map(|r| r.loc),
            None => None,
        }
        .unwrap_or(profile.name.loc);
        let fields: Vec<&str> = change.fields.iter().map(|f| f.as_str()).collect();
        let placed = placed_by(&baseline, &change.key.cluster, &change.key.name);
        out.push(
            cx.profile_finding(
                rule,
                cluster,
                profile,
                loc,
                format!(
                    "{} of {} changes its {} against `{}`: a Fargate profile cannot be updated, so applying deletes and re-creates it{}",
                    profile_label(profile),
                    cluster_label(cluster),
                    fields.join(", "),
                    baseline.revision,
                    evicted_text(&placed)
                ),
            )
            .help("eksctl cannot update a profile and Terraform replaces it: create the changed profile under a new name first, let the pods move (`kubectl rollout restart`), then delete the old one"),
        );
    }
}
