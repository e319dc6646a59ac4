//! Regressions of false findings and hidden ones: each test here failed before its fix.

mod common;

use common::*;

/// The codes of the findings `check --format json` reports on `path`, sorted.
fn codes(path: &str) -> Vec<String> {
    let o = run(&["check", "--format", "json", "--fail-on", "never", path]);
    assert_eq!(o.status.code(), Some(0), "{path}: {}", stderr(&o));
    let mut codes: Vec<String> = json(&o)["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|f| f["code"].as_str().map(str::to_string))
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn a_pod_fargate_refuses_for_its_size_keeps_its_other_faults() {
    let found = codes("testdata/rules/FL203/fires-refused-pod");
    for code in ["FL203", "FL206", "FL210"] {
        assert!(found.iter().any(|c| c == code), "{code} missing: {found:?}");
    }
}

/// A new temporary folder holding `files` (path, text).
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

fn pod_with_image(image: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: apps\nspec:\n  containers:\n    - name: c\n      image: {image}\n"
    )
}

#[test]
fn allowed_registries_globs_with_a_path_allow_images_below_it() {
    let dir = repo(&[
        (".git/HEAD", ""),
        (
            ".fargate-lint.toml",
            "allowed-registries = [\"ghcr.io/my-org/*\"]\n",
        ),
        ("cluster.yaml", APPS_CLUSTER),
        ("a.yaml", &pod_with_image("ghcr.io/my-org/app:1.0")),
    ]);
    let o = run_in(
        dir.path(),
        &["check", "--format", "json", "--select", "FL201", "."],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // The same glob does not allow another organisation.
    std::fs::write(
        dir.path().join("a.yaml"),
        pod_with_image("ghcr.io/other-org/app:1.0"),
    )
    .expect("write");
    let o = run_in(
        dir.path(),
        &["check", "--format", "json", "--select", "FL201", "."],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["findings"][0]["code"], "FL201", "{}", stdout(&o));
}

#[test]
fn an_allowed_registries_glob_that_can_never_match_is_a_configuration_error() {
    let dir = repo(&[
        (".git/HEAD", ""),
        (
            ".fargate-lint.toml",
            "allowed-registries = [\n  \"ghcr.io\",\n  \"ghcr.io/My-Org/*\",\n]\n",
        ),
        ("a.yaml", &pod_with_image("nginx")),
    ]);
    let o = run_in(dir.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains(".fargate-lint.toml:3:3"), "{err}");
    assert!(err.contains("lower-case"), "{err}");
}

#[test]
fn a_cluster_config_with_a_placeholder_name_is_a_template_not_a_second_cluster() {
    let o = run(&[
        "predict",
        "--format",
        "json",
        "testdata/trust/template-cluster",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = json(&o);
    let placements = report["workloads"][0]["placements"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(placements.len(), 1, "{report:#}");
    assert_eq!(placements[0]["cluster"], "prod");
    let found = codes("testdata/trust/template-cluster");
    assert!(found.iter().any(|c| c == "FL002"), "{found:?}");
}

#[test]
fn a_template_alone_still_places_the_workloads() {
    let o = run(&[
        "predict",
        "--format",
        "json",
        "testdata/trust/template-cluster/cluster-template.yaml",
        "testdata/trust/template-cluster/web.yaml",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = json(&o);
    assert_eq!(
        report["workloads"][0]["placements"][0]["compute"], "fargate",
        "{report:#}"
    );
}

#[test]
fn predict_says_a_template_cluster_stands_in_for_nothing() {
    let o = run(&["predict", "testdata/trust/template-cluster"]);
    assert!(
        stdout(&o).contains("cluster CLUSTER_NAME (REGION): a template"),
        "{}",
        stdout(&o)
    );
}

/// A placeholder request that falls back to a huge limit makes the size a guess: the pod is
/// not refused for it (no FL210 error); FL002 says the prediction is partial.
#[test]
fn a_size_guessed_from_a_placeholder_request_is_not_refused() {
    let dir = repo(&[
        ("cluster.yaml", APPS_CLUSTER),
        (
            "pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: apps\nspec:\n  containers:\n    - name: c\n      image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/x:1\n      resources:\n        requests:\n          cpu: ${CPU}\n        limits:\n          cpu: \"99\"\n",
        ),
    ]);
    let o = run_in(dir.path(), &["predict", "--format", "json", "."]);
    let report = json(&o);
    assert_eq!(
        report["workloads"][0]["placements"][0]["compute"], "fargate",
        "{report:#}"
    );
    let o = run_in(
        dir.path(),
        &["check", "--format", "json", "--fail-on", "never", "."],
    );
    let report = json(&o);
    let codes = finding_fields(&report, "code");
    assert!(!codes.contains(&"FL210"), "{report:#}");
    assert!(codes.contains(&"FL002"), "{report:#}");
}
