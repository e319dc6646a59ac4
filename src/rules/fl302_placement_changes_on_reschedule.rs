//! FL302 placement-changes-on-reschedule: a workload whose placement differs from the
//! baseline's (another profile, EC2 or Pending; another size or cost), because a profile
//! changed or the workload did. Running pods are not moved: they stay where they are until
//! rescheduled. Not reported where the baseline's profile is modified or removed: deleting
//! that profile deletes the pods at once, and FL301/FL303 say where they go.

use super::prelude::*;
use crate::change::Change;

pub(crate) static RULE: Rule = Rule {
    code: "FL302",
    name: "placement-changes-on-reschedule",
    severity: Severity::Note,
    summary: "a workload lands elsewhere (or at another size) than at `--baseline`; running pods stay where they are until rescheduled",
    doc: include_str!("../../rules/FL302-placement-changes-on-reschedule.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    let Some(baseline) = cx.baseline else { return };
    let changed = |cluster: &crate::model::ClusterKey, profile: Option<&str>| {
        baseline
            .changes
            .profiles
            .iter()
            .any(|c| &c.key.cluster == cluster && Some(c.key.name.as_str()) == profile)
    };
    for p in &baseline.changes.placements {
        if !matches!(p.change, Change::Moved | Change::Resized) {
            continue;
        }
        let (Some(before), Some(after), Some((w, c))) = (&p.before, &p.after, p.after_ids) else {
            continue;
        };
        // Deleted with its profile: FL301 and FL303 name where the pods go.
        if before.compute == Compute::Fargate && changed(&p.cluster, before.profile.as_deref()) {
            continue;
        }
        let (Some(workload), Some(cluster)) = (
            cx.model.workloads.get(w.index()),
            cx.model.clusters.get(c.index()),
        ) else {
            continue;
        };
        let profile_new = after.compute == Compute::Fargate
            && !before_has_profile(&baseline, &p.cluster, after.profile.as_deref());
        // The baseline's profile is unchanged (else the pods go with it, above): a new or
        // changed profile takes the pods, or the workload itself changed.
        let cause = if profile_new
            || (after.compute == Compute::Fargate && changed(&p.cluster, after.profile.as_deref()))
        {
            match after.profile.as_deref() {
                Some(name) => format!("the new or changed profile `{name}` takes its pods"),
                None => "a new or changed profile takes its pods".to_string(),
            }
        } else if p.change == Change::Resized {
            "its resources or replicas changed".to_string()
        } else {
            "its own labels or annotations changed".to_string()
        };
        let restart = format!(
            "after applying, `kubectl rollout restart {}/{} -n {}` moves the running pods; until then they stay where they are",
            workload.kind_name.to_ascii_lowercase(),
            workload.name,
            workload.namespace
        );
        out.push(
            cx.workload_finding(
                rule,
                workload,
                match_anchor(workload),
                format!(
                    "{} in {} goes from {} to {} when its pods are rescheduled, since {cause} against `{}`; running pods stay where they are until then",
                    workload_phrase(&p.workload),
                    cluster_label(cluster),
                    place_phrase(before),
                    place_phrase(after),
                    baseline.revision
                ),
            )
            .cluster(&cluster.name)
            .help(restart),
        );
    }
}

/// Whether the baseline's cluster `cluster` has profile `name`.
fn before_has_profile(
    baseline: &crate::change::Baseline<'_>,
    cluster: &crate::model::ClusterKey,
    name: Option<&str>,
) -> bool {
    baseline
        .before
        .model
        .clusters
        .iter()
        .filter(|c| &c.key() == cluster)
        .any(|c| {
            c.profiles
                .iter()
                .any(|p| Some(p.name.value.as_str()) == name)
        })
}
