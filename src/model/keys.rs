//! Span-free identities of clusters, profiles and workloads: what they are called, not where
//! they are written or in what order they were read. Two models (a git baseline and the
//! working tree, two renders of one chart) are joined by these keys; within one run,
//! [`crate::source::WorkloadId`] and [`crate::source::ClusterId`] are the identities.

use std::collections::{BTreeMap, VecDeque};

use super::types::{Cluster, FargateProfile, Workload};
use crate::diagnostic::ObjectRef;

/// A cluster by name and region (`None` where the definition gives none, as EKS API JSON).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClusterKey {
    pub name: String,
    pub region: Option<String>,
}

/// A Fargate profile by its cluster and its name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProfileKey {
    pub cluster: ClusterKey,
    pub name: String,
}

/// A workload by its kind as written (`Deployment`, `Rollout`), namespace (resolved) and
/// name. Two workloads of one run may share a key (overlays of one app in two folders):
/// [`join`] pairs them in order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorkloadKey {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl Cluster {
    pub fn key(&self) -> ClusterKey {
        ClusterKey {
            name: self.name.clone(),
            region: self.region.clone(),
        }
    }

    /// The key of `profile`, one of this cluster's.
    pub fn profile_key(&self, profile: &FargateProfile) -> ProfileKey {
        ProfileKey {
            cluster: self.key(),
            name: profile.name.value.clone(),
        }
    }
}

impl Workload {
    pub fn key(&self) -> WorkloadKey {
        WorkloadKey {
            kind: self.kind_name.clone(),
            namespace: self.namespace.clone(),
            name: self.name.clone(),
        }
    }
}

impl From<WorkloadKey> for ObjectRef {
    fn from(k: WorkloadKey) -> ObjectRef {
        ObjectRef {
            kind: k.kind.into(),
            namespace: k.namespace.into(),
            name: k.name.into(),
        }
    }
}

/// One item of [`join`]: in both sides, or in one only.
#[derive(Debug, PartialEq, Eq)]
pub enum Joined<'a, T> {
    Both(&'a T, &'a T),
    Before(&'a T),
    After(&'a T),
}

// By hand: the derives would ask `T: Clone`, and only references are copied.
impl<T> Clone for Joined<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Joined<'_, T> {}

/// Pairs the items of `before` and `after` with the same key: the n-th item of a key in
/// `before` with the n-th of that key in `after`, so that items sharing a key within one
/// side pair in the order they were read. Items of `before` come first, in their order,
/// then those only in `after`, in theirs. O(n log n).
pub fn join<'a, T, K: Ord>(
    before: &'a [T],
    after: &'a [T],
    key: impl Fn(&T) -> K,
) -> Vec<Joined<'a, T>> {
    let mut waiting: BTreeMap<K, VecDeque<usize>> = BTreeMap::new();
    for (i, item) in after.iter().enumerate() {
        waiting.entry(key(item)).or_default().push_back(i);
    }
    let mut taken = vec![false; after.len()];
    let mut out = Vec::with_capacity(before.len().max(after.len()));
    for item in before {
        let pair = waiting.get_mut(&key(item)).and_then(VecDeque::pop_front);
        match pair.and_then(|i| Some((i, after.get(i)?))) {
            Some((i, other)) => {
                if let Some(t) = taken.get_mut(i) {
                    *t = true;
                }
                out.push(Joined::Both(item, other));
            }
            None => out.push(Joined::Before(item)),
        }
    }
    out.extend(
        after
            .iter()
            .zip(&taken)
            .filter(|(_, taken)| !**taken)
            .map(|(item, _)| Joined::After(item)),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FileEntry, Model, assemble, extract};
    use crate::source::FileId;
    use crate::yaml::{Limits, parse};

    fn model(files: &[(&str, &str)]) -> Model {
        let entries = files
            .iter()
            .zip(0u32..)
            .map(|((path, text), i)| FileEntry {
                path: path.to_string(),
                facts: extract(FileId(i), &parse(text, Limits::default())),
            })
            .collect();
        assemble(entries, "default").0
    }

    const CLUSTER: &str = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: prod, region: eu-west-1}
fargateProfiles:
  - name: apps
    selectors: [{namespace: apps}]
  - name: jobs
    selectors: [{namespace: jobs}]
";

    const APP: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: apps}
spec:
  replicas: 2
  template:
    spec:
      containers: [{name: web, image: nginx}]
";

    /// The baseline and the working tree: a workload added before `web`, `web` changed and
    /// moved down, a profile added first to the cluster and `jobs` gone.
    fn two_models() -> (Model, Model) {
        let before = model(&[("cluster.yaml", CLUSTER), ("app.yaml", APP)]);
        let cluster = CLUSTER
            .replace(
                "fargateProfiles:\n",
                "fargateProfiles:\n  - name: batch\n    selectors: [{namespace: batch}]\n",
            )
            .replace("  - name: jobs\n    selectors: [{namespace: jobs}]\n", "");
        let app = format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: debug, namespace: apps}}\nspec:\n  containers: [{{name: d, image: busybox}}]\n---\n{}",
            APP.replace("replicas: 2", "replicas: 5")
        );
        let after = model(&[("cluster.yaml", &cluster), ("app.yaml", &app)]);
        (before, after)
    }

    #[test]
    fn the_same_workload_is_found_in_a_changed_file_by_its_key() {
        let (before, after) = two_models();
        let joined = join(&before.workloads, &after.workloads, Workload::key);
        type Side<'w> = Option<(&'w str, u32)>;
        let pairs: Vec<(Side<'_>, Side<'_>)> = joined
            .iter()
            .map(|j| {
                fn side(w: &Workload) -> (&str, u32) {
                    (w.name.as_str(), w.replicas)
                }
                match j {
                    Joined::Both(a, b) => (Some(side(a)), Some(side(b))),
                    Joined::Before(a) => (Some(side(a)), None),
                    Joined::After(b) => (None, Some(side(b))),
                }
            })
            .collect();
        assert_eq!(
            pairs,
            [
                (Some(("web", 2)), Some(("web", 5))),
                (None, Some(("debug", 1))),
            ]
        );
        // The positions and ids differ; the keys do not.
        let Some(Joined::Both(a, b)) = joined.first().copied() else {
            panic!("web not joined: {joined:?}");
        };
        assert_ne!(a.loc.span.start.line, b.loc.span.start.line);
        assert_ne!(a.id, b.id);
        assert_eq!(a.key(), b.key());
    }

    #[test]
    fn profiles_join_by_cluster_and_name() {
        let (before, after) = two_models();
        let profiles = |m: &Model| -> Vec<(ProfileKey, usize)> {
            m.clusters
                .iter()
                .flat_map(|c| {
                    c.profiles
                        .iter()
                        .map(|p| (c.profile_key(p), p.loc.span.start.line as usize))
                })
                .collect()
        };
        let (b, a) = (profiles(&before), profiles(&after));
        let joined = join(&b, &a, |(k, _)| k.clone());
        let names: Vec<(&str, bool, bool)> = joined
            .iter()
            .map(|j| match j {
                Joined::Both(x, _) => (x.0.name.as_str(), true, true),
                Joined::Before(x) => (x.0.name.as_str(), true, false),
                Joined::After(x) => (x.0.name.as_str(), false, true),
            })
            .collect();
        assert_eq!(
            names,
            [
                ("apps", true, true),
                ("jobs", true, false),
                ("batch", false, true)
            ]
        );
        assert_eq!(
            b[0].0.cluster,
            ClusterKey {
                name: "prod".into(),
                region: Some("eu-west-1".into())
            }
        );
    }

    #[test]
    fn workloads_sharing_a_key_pair_in_order() {
        let overlay =
            |ns_replicas: u32| APP.replace("replicas: 2", &format!("replicas: {ns_replicas}"));
        let before = model(&[("a/app.yaml", &overlay(1)), ("b/app.yaml", &overlay(2))]);
        let after = model(&[("a/app.yaml", &overlay(1)), ("b/app.yaml", &overlay(3))]);
        let joined = join(&before.workloads, &after.workloads, Workload::key);
        let replicas: Vec<(u32, u32)> = joined
            .iter()
            .filter_map(|j| match j {
                Joined::Both(a, b) => Some((a.replicas, b.replicas)),
                _ => None,
            })
            .collect();
        assert_eq!(replicas, [(1, 1), (2, 3)]);
        assert_eq!(joined.len(), 2);
    }
}
