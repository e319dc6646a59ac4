//! Joins the facts of all files into one [`Model`]: cluster definitions with the same name
//! and region become one cluster; workloads get their namespace (object, else the
//! kustomization of their folder, else the default); kustomize patch files are dropped.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::formats::FileFacts;
use super::types::*;
use crate::source::{ClusterId, WorkloadId};

/// A file's display path and its facts, in input order.
pub struct FileEntry {
    pub path: String,
    pub facts: FileFacts,
}

/// Counts that the summary line reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AssembleStats {
    /// Workloads dropped because their file is a kustomize patch.
    pub patch_files: usize,
}

/// `base/../x/./y.yaml` → `x/y.yaml`, without touching the file system.
fn normalize(path: &str) -> String {
    crate::source::normalize(std::path::Path::new(path))
        .to_string_lossy()
        .into_owned()
}

fn folder(path: &str) -> &str {
    path.rfind('/').map(|i| &path[..i]).unwrap_or("")
}

pub fn assemble(files: Vec<FileEntry>, default_namespace: &str) -> (Model, AssembleStats) {
    let mut stats = AssembleStats::default();
    // Per kustomization folder, its namespace: all that plain files of the folder take.
    let mut namespaces: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut patches: HashSet<String> = HashSet::new();
    for f in &files {
        if let Some(k) = &f.facts.kustomization {
            let dir = folder(&f.path);
            for p in &k.patches {
                let joined = if dir.is_empty() {
                    p.clone()
                } else {
                    format!("{dir}/{p}")
                };
                patches.insert(normalize(&joined));
            }
            namespaces.insert(dir.to_string(), k.namespace.clone());
        }
    }

    let mut model = Model::default();
    let mut by_name = ClustersByName::default();
    for f in files {
        let FileFacts {
            clusters,
            workloads,
            unresolved,
            invalid,
            services,
            ingresses,
            claims,
            storage_classes,
            ingress_classes,
            ingress_class_params,
            roles,
            policy_attachments,
            variant,
            included,
            ..
        } = f.facts;
        model.roles.extend(roles);
        model.policy_attachments.extend(policy_attachments);
        model.unresolved_at.extend(unresolved.iter().map(|u| u.loc));
        model.unresolved.extend(unresolved);
        model.invalid.extend(invalid);
        for c in clusters {
            merge_cluster(&mut model.clusters, &mut by_name, c);
        }
        if !patches.is_empty() && patches.contains(&normalize(&f.path)) {
            stats.patch_files += 1;
            continue;
        }
        // Placed through the variants that read it.
        if included {
            continue;
        }
        // Cluster-scoped: no namespace to resolve.
        model.storage_classes.extend(storage_classes);
        model.ingress_classes.extend(ingress_classes);
        model.ingress_class_params.extend(ingress_class_params);
        let folder_ns = namespaces.get(folder(&f.path)).cloned().flatten();
        // An object without a namespace goes where it is applied: the kustomization's
        // namespace, else the default.
        let resolve = |namespace: &mut String, written: bool| {
            if !written || namespace.is_empty() {
                *namespace = folder_ns
                    .clone()
                    .unwrap_or_else(|| default_namespace.to_string());
            }
        };
        for mut w in workloads {
            resolve(&mut w.namespace, w.namespace_loc.is_some());
            w.variant.clone_from(&variant);
            // A StatefulSet's claims are made in its namespace.
            for t in &mut w.pod.claim_templates {
                t.meta.namespace = w.namespace.clone();
            }
            w.id = WorkloadId(u32::try_from(model.workloads.len()).unwrap_or(u32::MAX));
            model.workloads.push(w);
        }
        for mut s in services {
            resolve(&mut s.meta.namespace, s.meta.namespace_loc.is_some());
            model.services.push(s);
        }
        for mut i in ingresses {
            resolve(&mut i.meta.namespace, i.meta.namespace_loc.is_some());
            model.ingresses.push(i);
        }
        for mut c in claims {
            resolve(&mut c.meta.namespace, c.meta.namespace_loc.is_some());
            model.claims.push(c);
        }
    }
    for (i, c) in model.clusters.iter_mut().enumerate() {
        c.id = ClusterId(u32::try_from(i).unwrap_or(u32::MAX));
        default_roles(c);
    }
    (model, stats)
}

/// Per cluster name, the indexes of the clusters of that name, in order: a file of 40,000
/// EKS API profiles of as many clusters is merged in linear time, not by scanning every
/// cluster for each.
type ClustersByName = HashMap<String, Vec<usize>>;

/// Adds a (partial) cluster definition: same name and region, or same name where one side
/// does not say its region (EKS API JSON), is the same cluster.
fn merge_cluster(clusters: &mut Vec<Cluster>, by_name: &mut ClustersByName, c: Cluster) {
    let same_name = by_name.entry(c.name.clone()).or_default();
    let same = same_name.iter().copied().find(|&i| {
        clusters
            .get(i)
            .is_some_and(|k| k.region == c.region || k.region.is_none() || c.region.is_none())
    });
    match same.and_then(|i| clusters.get_mut(i)) {
        None => {
            same_name.push(clusters.len());
            clusters.push(c);
        }
        Some(k) => {
            for f in c.files {
                if !k.files.contains(&f) {
                    k.files.push(f);
                }
            }
            k.profiles.extend(c.profiles);
            k.ec2_capacity |= c.ec2_capacity;
            k.profiles_only &= c.profiles_only;
            if k.region.is_none() {
                k.region = c.region;
            }
            if k.default_role.is_none() {
                k.default_role = c.default_role;
            }
            if k.version.is_none() {
                k.version = c.version;
            }
            k.public_subnets.extend(c.public_subnets);
            k.private_subnets.extend(c.private_subnets);
        }
    }
}

/// Profiles that would have a role made for them take the cluster's default role instead,
/// when one of the cluster's definitions sets one: decided once the cluster is whole, since
/// a file that only adds profiles leaves the default to the file that defines the cluster.
fn default_roles(c: &mut Cluster) {
    if !has_role(c.default_role.as_ref().map(|d| &d.arn)) {
        return;
    }
    for p in &mut c.profiles {
        if p.role_origin == RoleOrigin::CreatedByTool {
            p.role_origin = RoleOrigin::ClusterDefault;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_dot_segments() {
        assert_eq!(normalize("a/./b/../c.yaml"), "a/c.yaml");
        assert_eq!(normalize("../x.yaml"), "../x.yaml");
        assert_eq!(normalize("a/../../x.yaml"), "../x.yaml");
        assert_eq!(normalize("/r/a/../b"), "/r/b");
    }

    #[test]
    fn folder_of_a_top_level_file_is_empty() {
        assert_eq!(folder("x.yaml"), "");
        assert_eq!(folder("a/b/x.yaml"), "a/b");
    }
}
