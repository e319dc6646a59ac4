//! Two runs compared (`--baseline REF`): the model of a git revision and the working tree's,
//! joined by identity (`model::join` on the keys of `model/keys.rs`: clusters by name and
//! region, profiles by cluster and name, workloads by variant, kind, namespace and name),
//! never by position or id. A pure function of the two sides: what rules FL301–FL303 report
//! and what `predict --baseline` prints come from here.

use crate::model::{
    ClusterKey, FargateProfile, Joined, Model, ProfileKey, Selector, Workload, WorkloadKey, join,
};
use crate::placement::{Compute, Placements};
use crate::sizing::{FargateSize, Pricing, WorkloadSize, monthly_cost};
use crate::source::{ClusterId, WorkloadId};

/// One side of the comparison: a model with its placements and sizes.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub model: &'a Model,
    pub placements: &'a Placements,
    pub sizes: &'a [WorkloadSize],
    pub pricing: Pricing,
}

/// What the FL3xx rules read: the revision, its side and what differs.
#[derive(Clone, Copy)]
pub struct Baseline<'a> {
    /// The revision as the user named it (`--baseline REF`).
    pub revision: &'a str,
    pub before: Side<'a>,
    pub changes: &'a Changes,
}

/// A field of a profile that differs between the two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    /// The namespaces its selectors take (or how many selectors it has).
    Selectors,
    /// The labels of its selectors (same namespaces).
    Labels,
    Subnets,
    /// Its pod execution role.
    Role,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Selectors => "selectors",
            Field::Labels => "selector labels",
            Field::Subnets => "subnets",
            Field::Role => "pod execution role",
        }
    }
}

/// A profile of the baseline that is gone or differs in the working tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileChange {
    pub key: ProfileKey,
    /// The profile at the baseline: its cluster and index there.
    pub before: (ClusterId, usize),
    /// The same profile in the working tree, `None` when it was removed. Its cluster is
    /// `None` too when the whole cluster is gone.
    pub after: Option<(ClusterId, usize)>,
    /// The cluster of the working tree that no longer has the profile (when the cluster is
    /// still there).
    pub cluster_after: Option<ClusterId>,
    /// What differs (empty for a removed profile).
    pub fields: Vec<Field>,
}

/// Where the pods of one workload run in one cluster, on one side.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub compute: Compute,
    pub profile: Option<String>,
    /// On Fargate, when the pod fits a size.
    pub size: Option<FargateSize>,
    /// Monthly Fargate cost of all replicas, on Fargate.
    pub monthly_cost: Option<f64>,
}

/// What happens to a workload's placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    None,
    /// Another compute or profile.
    Moved,
    /// Same place, another Fargate size or cost (replicas).
    Resized,
    Added,
    Removed,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::None => "none",
            Change::Moved => "moved",
            Change::Resized => "resized",
            Change::Added => "added",
            Change::Removed => "removed",
        }
    }
}

/// One workload in one cluster on both sides (the cluster and workload joined by key).
#[derive(Debug, Clone, PartialEq)]
pub struct PlacementChange {
    pub workload: WorkloadKey,
    pub cluster: ClusterKey,
    /// The workload and cluster at the baseline, when there.
    pub before_ids: Option<(WorkloadId, ClusterId)>,
    /// The workload and cluster in the working tree, when there.
    pub after_ids: Option<(WorkloadId, ClusterId)>,
    pub before: Option<Place>,
    pub after: Option<Place>,
    pub change: Change,
}

/// Everything that differs, and every placement joined (also those that did not change,
/// for `predict --all`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    /// Modified and removed profiles, in baseline order.
    pub profiles: Vec<ProfileChange>,
    /// Per workload and cluster: baseline workloads in order, then those added.
    pub placements: Vec<PlacementChange>,
}

/// A selector reduced to what EKS compares: its namespace and sorted labels.
type SelectorShape = (Option<String>, Vec<(String, String)>);

fn selector_shape(s: &Selector) -> SelectorShape {
    let mut labels: Vec<(String, String)> = s
        .labels
        .iter()
        .map(|l| (l.key.value.clone(), l.value.value.clone()))
        .collect();
    labels.sort();
    (s.namespace.as_ref().map(|n| n.value.clone()), labels)
}

fn selector_shapes(p: &FargateProfile) -> Vec<SelectorShape> {
    let mut out: Vec<SelectorShape> = p.selectors.iter().map(selector_shape).collect();
    // The order of selectors decides nothing: EKS matches any of them.
    out.sort();
    out
}

/// The first selector of `after` that `before` has not (a new or changed one): where a
/// change of selectors shows in the working tree.
pub fn first_new_selector<'p>(
    before: &FargateProfile,
    after: &'p FargateProfile,
) -> Option<&'p Selector> {
    let old = selector_shapes(before);
    after
        .selectors
        .iter()
        .find(|s| old.binary_search(&selector_shape(s)).is_err())
}

/// The fields in which `a` and `b` differ, in [`Field`] order.
pub fn profile_fields(a: &FargateProfile, b: &FargateProfile) -> Vec<Field> {
    let mut out = Vec::new();
    let (sa, sb) = (selector_shapes(a), selector_shapes(b));
    if sa != sb {
        let namespaces = |s: &[SelectorShape]| s.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
        out.push(if namespaces(&sa) == namespaces(&sb) {
            Field::Labels
        } else {
            Field::Selectors
        });
    }
    fn subnets(p: &FargateProfile) -> Vec<&str> {
        let mut v: Vec<&str> = p.subnets.iter().map(|s| s.value.as_str()).collect();
        v.sort_unstable();
        v
    }
    if subnets(a) != subnets(b) {
        out.push(Field::Subnets);
    }
    let role = |p: &FargateProfile| {
        (
            p.role.as_ref().map(|r| r.value.clone()),
            p.role_resource.clone(),
            p.role_origin,
        )
    };
    if role(a) != role(b) {
        out.push(Field::Role);
    }
    out
}

/// Where workload `w` runs in cluster `c` on side `s`.
fn place(s: &Side<'_>, w: &Workload, c: ClusterId) -> Option<Place> {
    let p = s.placements.get(w.id, c)?;
    let on_fargate = p.compute == Compute::Fargate;
    let sized = s
        .sizes
        .get(w.id.index())
        .and_then(|z| z.size.map(|size| (size, z.need.ephemeral_bytes)))
        .filter(|_| on_fargate);
    Some(Place {
        compute: p.compute,
        profile: p.profile.clone(),
        size: sized.map(|(z, _)| z),
        monthly_cost: sized.map(|(z, eph)| monthly_cost(z, eph, w.replicas, &s.pricing)),
    })
}

fn change_of(before: Option<&Place>, after: Option<&Place>) -> Change {
    match (before, after) {
        (None, None) => Change::None,
        (None, Some(_)) => Change::Added,
        (Some(_), None) => Change::Removed,
        (Some(b), Some(a)) if b.compute != a.compute || b.profile != a.profile => Change::Moved,
        (Some(b), Some(a)) if b.size != a.size || b.monthly_cost != a.monthly_cost => {
            Change::Resized
        }
        _ => Change::None,
    }
}

/// The workload's identity across runs: its variant and key.
fn workload_key(w: &Workload) -> (Option<String>, WorkloadKey) {
    (w.variant.clone(), w.key())
}

/// Compares the baseline `before` with the working tree `after`.
pub fn compare(before: Side<'_>, after: Side<'_>) -> Changes {
    let clusters = join(&before.model.clusters, &after.model.clusters, |c| c.key());
    let mut profiles = Vec::new();
    for j in &clusters {
        let (cb, ca) = match j {
            Joined::Both(b, a) => (*b, Some(*a)),
            Joined::Before(b) => (*b, None),
            Joined::After(_) => continue,
        };
        let empty = Vec::new();
        let after_profiles = ca.map_or(&empty, |a| &a.profiles);
        let key = |p: &FargateProfile| p.name.value.clone();
        let indexed = |ps: &[FargateProfile], p: &FargateProfile| {
            ps.iter().position(|x| std::ptr::eq(x, p)).unwrap_or(0)
        };
        for pj in join(&cb.profiles, after_profiles, key) {
            match pj {
                Joined::Both(pb, pa) => {
                    let fields = profile_fields(pb, pa);
                    if !fields.is_empty() {
                        profiles.push(ProfileChange {
                            key: cb.profile_key(pb),
                            before: (cb.id, indexed(&cb.profiles, pb)),
                            after: ca.map(|a| (a.id, indexed(&a.profiles, pa))),
                            cluster_after: ca.map(|a| a.id),
                            fields,
                        });
                    }
                }
                Joined::Before(pb) => profiles.push(ProfileChange {
                    key: cb.profile_key(pb),
                    before: (cb.id, indexed(&cb.profiles, pb)),
                    after: None,
                    cluster_after: ca.map(|a| a.id),
                    fields: Vec::new(),
                }),
                Joined::After(_) => {}
            }
        }
    }
    let mut placements = Vec::new();
    for wj in join(
        &before.model.workloads,
        &after.model.workloads,
        workload_key,
    ) {
        let (wb, wa) = match wj {
            Joined::Both(b, a) => (Some(b), Some(a)),
            Joined::Before(b) => (Some(b), None),
            Joined::After(a) => (None, Some(a)),
        };
        let Some(key) = wa.or(wb).map(Workload::key) else {
            continue;
        };
        for cj in &clusters {
            let (cb, ca) = match cj {
                Joined::Both(b, a) => (Some(*b), Some(*a)),
                Joined::Before(b) => (Some(*b), None),
                Joined::After(a) => (None, Some(*a)),
            };
            let pb = wb.zip(cb).and_then(|(w, c)| place(&before, w, c.id));
            let pa = wa.zip(ca).and_then(|(w, c)| place(&after, w, c.id));
            if pb.is_none() && pa.is_none() {
                continue;
            }
            let Some(cluster) = ca.or(cb).map(|c| c.key()) else {
                continue;
            };
            placements.push(PlacementChange {
                workload: key.clone(),
                cluster,
                before_ids: pb.as_ref().and(wb.zip(cb)).map(|(w, c)| (w.id, c.id)),
                after_ids: pa.as_ref().and(wa.zip(ca)).map(|(w, c)| (w.id, c.id)),
                change: change_of(pb.as_ref(), pa.as_ref()),
                before: pb,
                after: pa,
            });
        }
    }
    Changes {
        profiles,
        placements,
    }
}

impl Changes {
    /// The joined placements of workload `w` of the working tree.
    pub fn of_after(&self, w: WorkloadId) -> impl Iterator<Item = &PlacementChange> + '_ {
        self.placements
            .iter()
            .filter(move |p| p.after_ids.is_some_and(|(id, _)| id == w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FileEntry, assemble, extract};
    use crate::placement::place;
    use crate::source::FileId;
    use crate::yaml::{Limits, parse};

    /// A model of one file and its placements (every workload in every cluster), sizes left
    /// out: what `compare` needs of a run, without the rest of one.
    fn run(text: &str) -> (Model, Placements) {
        let entries = vec![FileEntry {
            path: "all.yaml".to_string(),
            facts: extract(FileId(0), &parse(text, Limits::default())),
        }];
        let model = assemble(entries, "default").0;
        let rows = model
            .workloads
            .iter()
            .map(|w| model.clusters.iter().map(|c| Some(place(c, w))).collect())
            .collect();
        (model, Placements::new(rows))
    }

    fn side<'a>(run: &'a (Model, Placements)) -> Side<'a> {
        Side {
            model: &run.0,
            placements: &run.1,
            sizes: &[],
            pricing: Pricing::default(),
        }
    }

    const CLUSTER: &str = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: prod, region: eu-west-1}
managedNodeGroups: [{name: ng}]
fargateProfiles:
  - name: apps
    selectors: [{namespace: apps}, {namespace: web, labels: {a: b}}]
    subnets: [subnet-1, subnet-2]
  - name: jobs
    selectors: [{namespace: jobs}]
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: jobs}
spec: {containers: [{name: c, image: x}]}
";

    #[test]
    fn reordered_selectors_and_subnets_are_no_change_and_each_field_is_named() {
        let before = run(CLUSTER);
        let reordered = run(&CLUSTER
            .replace(
                "[{namespace: apps}, {namespace: web, labels: {a: b}}]",
                "[{namespace: web, labels: {a: b}}, {namespace: apps}]",
            )
            .replace("[subnet-1, subnet-2]", "[subnet-2, subnet-1]"));
        let same = compare(side(&before), side(&reordered));
        assert!(same.profiles.is_empty(), "{:?}", same.profiles);
        assert!(same.placements.iter().all(|p| p.change == Change::None));
        let labels = run(&CLUSTER.replace("labels: {a: b}", "labels: {a: c}"));
        let subnets = run(&CLUSTER.replace("[subnet-1, subnet-2]", "[subnet-1]"));
        let fields = |after: &(Model, Placements)| -> Vec<Vec<Field>> {
            compare(side(&before), side(after))
                .profiles
                .into_iter()
                .map(|p| p.fields)
                .collect()
        };
        assert_eq!(fields(&labels), [vec![Field::Labels]]);
        assert_eq!(fields(&subnets), [vec![Field::Subnets]]);
    }

    #[test]
    fn a_removed_profile_moves_its_pods_and_is_listed_without_an_after() {
        let before = run(CLUSTER);
        let after =
            run(&CLUSTER.replace("  - name: jobs\n    selectors: [{namespace: jobs}]\n", ""));
        let changes = compare(side(&before), side(&after));
        assert_eq!(changes.profiles.len(), 1);
        let removed = &changes.profiles[0];
        assert_eq!(removed.key.name, "jobs");
        assert_eq!(removed.after, None);
        assert!(removed.cluster_after.is_some());
        let [p] = changes.placements.as_slice() else {
            panic!("{:?}", changes.placements);
        };
        assert_eq!(p.change, Change::Moved);
        assert_eq!(p.before.as_ref().map(|b| b.compute), Some(Compute::Fargate));
        assert_eq!(p.after.as_ref().map(|a| a.compute), Some(Compute::Ec2));
    }
}
