//! `--find-clusters`, for the pre-commit hook: a pod file changed alone is still placed with
//! the cluster definitions found elsewhere in the repository, and only the files given are
//! linted.

mod common;

use common::*;
use serde_json::Value;

const CLUSTER: &str = "\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: prod
  region: eu-west-1
fargateProfiles:
  - name: apps
    selectors:
      - namespace: shop
---
# A workload beside the cluster: it must not be placed when this file is only found.
apiVersion: v1
kind: Pod
metadata:
  name: beside-the-cluster
  namespace: shop
spec:
  containers:
    - name: c
      image: nginx
";

const POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
    - name: web
      image: nginx
";

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    for (path, text) in [
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("infra/clusters/prod.yaml", CLUSTER),
        ("k8s/web.yaml", POD),
        // Ignored files are not searched, as in any walk.
        (".gitignore", "ignored/\n"),
        (
            "ignored/other.yaml",
            "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: other}\n",
        ),
    ] {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    dir
}

fn names(report: &Value, key: &str) -> Vec<String> {
    report[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["name"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_pod_file_alone_is_placed_with_the_clusters_of_the_repository() {
    let repo = repo();
    let without = json(&run_in(
        repo.path(),
        &["predict", "--format", "json", "k8s/web.yaml"],
    ));
    assert!(names(&without, "clusters").is_empty());

    let o = run_in(
        repo.path(),
        &[
            "predict",
            "--format",
            "json",
            "--find-clusters",
            "k8s/web.yaml",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = json(&o);
    assert_eq!(names(&report, "clusters"), ["prod"]);
    assert_eq!(
        names(&report, "workloads"),
        ["web"],
        "workloads of found files are not placed"
    );
    assert_eq!(report["workloads"][0]["placements"][0]["profile"], "apps");
    assert_eq!(
        report["clusters"][0]["files"],
        serde_json::json!(["infra/clusters/prod.yaml"])
    );
}

#[test]
fn the_search_starts_at_the_repository_root_from_a_subfolder() {
    let repo = repo();
    let o = run_in(
        &repo.path().join("k8s"),
        &["predict", "--format", "json", "--find-clusters", "web.yaml"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(names(&json(&o), "clusters"), ["prod"]);
}

#[test]
fn findings_in_found_files_are_not_reported() {
    let repo = repo();
    std::fs::write(
        repo.path().join("infra/clusters/broken.yaml"),
        "kind: ClusterConfig\nmetadata: {name: x\n",
    )
    .expect("write");
    let o = run_in(
        repo.path(),
        &[
            "check",
            "--format",
            "json",
            "--find-clusters",
            "k8s/web.yaml",
        ],
    );
    let report = json(&o);
    let files: Vec<&str> = report["findings"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["file"].as_str()).collect())
        .unwrap_or_default();
    // The cluster's own findings stay out; the pod's (the workload rules) are in, which also
    // shows that it was placed. A found file that cannot be read is said (FL001): it lost
    // whatever clusters it defines.
    assert!(
        files
            .iter()
            .all(|f| *f == "k8s/web.yaml" || *f == "infra/clusters/broken.yaml"),
        "{report:#}"
    );
    assert!(
        report["findings"].as_array().is_some_and(|a| a
            .iter()
            .filter(|f| f["file"] == "infra/clusters/broken.yaml")
            .all(|f| f["code"] == "FL001")),
        "{report:#}"
    );
}

/// A hook that passes a changed cluster file alone: every workload of the repository it
/// places is checked, and what the change strands is reported in the workload's file.
#[test]
fn a_cluster_file_changed_alone_checks_every_workload_it_places() {
    let dir = repo();
    // The profile no longer selects `shop`: the pod of k8s/web.yaml has nowhere to go.
    let changed = CLUSTER.replace("namespace: shop", "namespace: store");
    write(dir.path(), "infra/clusters/prod.yaml", &changed);
    let o = run_in(
        dir.path(),
        &[
            "check",
            "--find-clusters",
            "--format",
            "json",
            "infra/clusters/prod.yaml",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let report = json(&o);
    let pending: Vec<&Value> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == "FL215")
        .collect();
    assert!(
        pending.iter().any(|f| f["file"] == "k8s/web.yaml"),
        "{report:#}"
    );
    // Only the clusters of other cluster files count; their findings stay unreported.
    assert!(
        report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|f| f["file"] != "ignored/other.yaml"),
        "{report:#}"
    );
}

/// A cluster file found by `--find-clusters` that does not parse loses its clusters: that is
/// said (FL001 is always reported), not left to a misleading "no cluster definition".
#[test]
fn a_broken_cluster_file_found_elsewhere_is_reported() {
    let dir = repo();
    write(
        dir.path(),
        "infra/clusters/prod.yaml",
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: [prod\n",
    );
    let o = run_in(
        dir.path(),
        &[
            "check",
            "--find-clusters",
            "--format",
            "json",
            "k8s/web.yaml",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let report = json(&o);
    assert!(
        report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|f| f["code"] == "FL001" && f["file"] == "infra/clusters/prod.yaml"),
        "{report:#}"
    );
}

/// Files read only because a changed cluster may strand their pods report where their pods
/// land (FL2xx), not their other faults; and a comment naming `ClusterConfig` is no cluster.
#[test]
fn files_read_for_a_changed_cluster_report_only_placement() {
    let dir = repo();
    let changed = CLUSTER.replace("namespace: shop", "namespace: store");
    write(dir.path(), "infra/clusters/prod.yaml", &changed);
    // A fault of another kind in a file nobody changed.
    write(
        dir.path(),
        "vendor/dup.yaml",
        "# The cluster is defined by the eksctl ClusterConfig in infra/.\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n",
    );
    let o = run_in(
        dir.path(),
        &[
            "check",
            "--find-clusters",
            "--format",
            "json",
            "infra/clusters/prod.yaml",
        ],
    );
    let report = json(&o);
    let all = findings_of(&report);
    assert!(
        all.iter().all(|f| f["file"] != "vendor/dup.yaml"),
        "{report:#}"
    );
    assert!(
        all.iter().any(|f| f["file"] == "k8s/web.yaml"),
        "{report:#}"
    );
    // A manifest whose comment names ClusterConfig does not make the whole repository read.
    let o = run_in(
        dir.path(),
        &[
            "check",
            "--find-clusters",
            "--format",
            "json",
            "vendor/dup.yaml",
        ],
    );
    let report = json(&o);
    let files = finding_fields(&report, "file");
    assert!(files.iter().all(|f| *f == "vendor/dup.yaml"), "{report:#}");
}
