//! `.fargate-lint.toml` end to end: discovery, `--config` and `--no-config`, precedence
//! (default < file < command line), `[rules]` overrides, and the errors with their positions.

mod common;

use std::path::Path;

use common::*;

/// A Deployment without a namespace pulling from Docker Hub: FL201 (warning) when it lands
/// on Fargate, that is when the default namespace is `apps`; 1 vCPU and 8 GiB gives an FL213
/// note.
const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.25
          resources:
            requests: {cpu: '1', memory: 8Gi}
            limits: {cpu: '1', memory: 8Gi}
";

/// A repository (a folder with `.git`) holding the cluster, the deployment and `config`.
fn repo(config: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write(dir.path(), ".git/HEAD", "ref: refs/heads/main\n");
    write(dir.path(), "k8s/cluster.yaml", APPS_CLUSTER);
    write(dir.path(), "k8s/deployment.yaml", DEPLOYMENT);
    if let Some(config) = config {
        write(dir.path(), ".fargate-lint.toml", config);
    }
    dir
}

/// The codes `check --format json` reports, in order.
fn codes(dir: &Path, args: &[&str]) -> (Option<i32>, Vec<String>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let o = run_in(dir, &all);
    assert_ne!(o.status.code(), Some(2), "{}", stderr(&o));
    let report = json(&o);
    let codes = report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    (o.status.code(), codes)
}

fn has(codes: &[String], code: &str) -> bool {
    codes.iter().any(|c| c == code)
}

/// Runs `check` expecting exit 2 and returns stderr.
fn error(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let o = run_in(dir, &all);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    stderr(&o)
}

#[test]
fn default_namespace_default_then_file_then_command_line() {
    let dir = repo(None);
    assert!(!has(&codes(dir.path(), &[]).1, "FL201"));
    let dir = repo(Some("default-namespace = \"apps\"\n"));
    assert!(has(&codes(dir.path(), &[]).1, "FL201"));
    assert!(!has(
        &codes(dir.path(), &["--namespace", "other"]).1,
        "FL201"
    ));
}

#[test]
fn fail_on_default_then_file_then_command_line() {
    // Only notes (FL213) in the default namespace `apps`: below the default `warning`.
    let dir = repo(Some(
        "default-namespace = \"apps\"\n[rules]\nFL201 = \"note\"\n",
    ));
    assert_eq!(codes(dir.path(), &[]).0, Some(0));
    let dir = repo(Some(
        "default-namespace = \"apps\"\nfail-on = \"note\"\n[rules]\nFL201 = \"note\"\n",
    ));
    assert_eq!(codes(dir.path(), &[]).0, Some(1));
    assert_eq!(codes(dir.path(), &["--fail-on", "warning"]).0, Some(0));
}

#[test]
fn exclude_of_the_file_and_of_the_command_line_add_up() {
    let dir = repo(Some(
        "default-namespace = \"apps\"\nexclude = [\"other/**\"]\n",
    ));
    write(
        dir.path(),
        "other/deployment.yaml",
        &DEPLOYMENT.replace("web", "other"),
    );
    write(
        dir.path(),
        "more/deployment.yaml",
        &DEPLOYMENT.replace("web", "more"),
    );
    let (_, all) = codes(dir.path(), &["--no-config", "--namespace", "apps"]);
    assert_eq!(all.iter().filter(|c| *c == "FL201").count(), 3);
    let (_, some) = codes(dir.path(), &[]);
    assert_eq!(some.iter().filter(|c| *c == "FL201").count(), 2);
    let (_, one) = codes(dir.path(), &["--exclude", "more/**"]);
    assert_eq!(one.iter().filter(|c| *c == "FL201").count(), 1);
}

#[test]
fn allowed_registries_silence_fl201() {
    let dir = repo(Some(
        "default-namespace = \"apps\"\nallowed-registries = [\"docker.io\"]\n",
    ));
    assert!(!has(&codes(dir.path(), &[]).1, "FL201"));
}

#[test]
fn rule_off_drops_it_and_a_severity_override_changes_the_exit_code() {
    let dir = repo(Some("default-namespace = \"apps\"\n"));
    assert!(has(&codes(dir.path(), &[]).1, "FL213"));
    let dir = repo(Some(
        "default-namespace = \"apps\"\n[rules]\nFL213 = \"off\"\n",
    ));
    assert!(!has(&codes(dir.path(), &[]).1, "FL213"));
    // FL201 is a warning: exit 1 by default, 0 as a note, by name too.
    let dir = repo(Some(
        "default-namespace = \"apps\"\n[rules]\nnon-ecr-image = \"note\"\n",
    ));
    assert_eq!(codes(dir.path(), &[]).0, Some(0));
    let dir = repo(Some("[rules]\nFL213 = \"error\"\n"));
    assert_eq!(codes(dir.path(), &["--namespace", "apps"]).0, Some(1));
}

#[test]
fn the_file_is_found_from_a_subfolder_but_not_above_the_repository() {
    let dir = repo(Some("default-namespace = \"apps\"\n"));
    assert!(has(&codes(&dir.path().join("k8s"), &["."]).1, "FL201"));
    // A file above the repository root does not apply to it.
    let outer = tempfile::tempdir().expect("a temporary folder");
    write(outer.path(), ".fargate-lint.toml", "bad-key = 1\n");
    write(outer.path(), "repo/.git/HEAD", "ref: refs/heads/main\n");
    write(outer.path(), "repo/k8s/cluster.yaml", APPS_CLUSTER);
    assert_eq!(codes(&outer.path().join("repo/k8s"), &[]).0, Some(0));
}

#[test]
fn no_config_and_config_file() {
    let dir = repo(Some("bad-key = 1\n"));
    // `codes` fails on exit 2, which the bad key would give.
    assert!(!has(&codes(dir.path(), &["--no-config"]).1, "FL201"));
    write(
        dir.path(),
        "elsewhere.toml",
        "default-namespace = \"apps\"\n",
    );
    assert!(has(
        &codes(dir.path(), &["--config", "elsewhere.toml"]).1,
        "FL201"
    ));
    let e = error(dir.path(), &["--config", "missing.toml"]);
    assert!(e.contains("cannot read missing.toml"), "{e}");
}

#[test]
fn unknown_key_points_at_it_and_suggests_the_closest() {
    let dir = repo(Some(
        "# comment\ndefault-namespace = \"apps\"\nfail-onn = \"error\"\n",
    ));
    let e = error(dir.path(), &[]);
    assert!(
        e.contains(".fargate-lint.toml:3:1: unknown field `fail-onn`"),
        "{e}"
    );
    assert!(e.contains("did you mean `fail-on`?"), "{e}");
    let dir = repo(Some("[limits]\nselector-per-profile = 6\n"));
    let e = error(dir.path(), &[]);
    assert!(
        e.contains(".fargate-lint.toml:2:1: unknown field `selector-per-profile`"),
        "{e}"
    );
    assert!(e.contains("did you mean `selectors-per-profile`?"), "{e}");
}

#[test]
fn wrong_type_points_at_the_value() {
    let dir = repo(Some("[pricing]\nvcpu-hour = \"cheap\"\n"));
    let e = error(dir.path(), &[]);
    assert!(
        e.contains(".fargate-lint.toml:2:13: invalid type: string \"cheap\""),
        "{e}"
    );
    let dir = repo(Some("fail-on = \"sometimes\"\n"));
    let e = error(dir.path(), &[]);
    assert!(
        e.contains(".fargate-lint.toml:1:11: unknown variant `sometimes`"),
        "{e}"
    );
}

#[test]
fn bad_rule_code_points_at_it() {
    let dir = repo(Some("[rules]\nFL213 = \"off\"\nFL2013 = \"off\"\n"));
    let e = error(dir.path(), &[]);
    assert!(
        e.contains(".fargate-lint.toml:3:1: `FL2013` names no rule"),
        "{e}"
    );
    assert!(e.contains("did you mean `FL201`"), "{e}");
}

#[test]
fn bad_globs_point_at_them() {
    let dir = repo(Some("exclude = [\"ok/**\", \"bad{\"]\n"));
    let e = error(dir.path(), &[]);
    assert!(
        e.contains(".fargate-lint.toml:1:21: invalid exclude glob"),
        "{e}"
    );
    let dir = repo(Some("allowed-registries = [\n  \"ghcr.io/{a\",\n]\n"));
    let e = error(dir.path(), &[]);
    assert!(
        e.contains(".fargate-lint.toml:2:3: invalid allowed-registries glob"),
        "{e}"
    );
}

/// A cluster whose one profile `name` takes namespace `apps`, and a Deployment `name` in
/// `apps` (and one in `batch`, which no profile takes).
fn two_clusters(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write(dir.path(), ".git/HEAD", "ref: refs/heads/main\n");
    for env in ["prod", "dev"] {
        write(
            dir.path(),
            &format!("clusters/{env}.yaml"),
            &APPS_CLUSTER
                .replace("name: prod", &format!("name: {env}"))
                .replace("name: apps", &format!("name: {env}-apps")),
        );
        for ns in ["apps", "batch"] {
            write(
                dir.path(),
                &format!("k8s/{env}/{ns}.yaml"),
                &DEPLOYMENT.replace(
                    "  name: web\n",
                    &format!("  name: {env}-{ns}\n  namespace: {ns}\n"),
                ),
            );
        }
    }
    write(dir.path(), ".fargate-lint.toml", config);
    dir
}

const TWO_CLUSTERS: &str = r#"
[[clusters]]
config = "clusters/prod.yaml"
manifests = ["k8s/prod/**"]

[[clusters]]
config = "clusters/dev.yaml"
manifests = ["k8s/dev/*.yaml"]
"#;

/// `predict --format json k8s` (the cluster files are not among the PATHs): per workload,
/// its placements as `cluster/compute/profile`.
fn placements(dir: &Path) -> Vec<(String, Vec<String>)> {
    let o = run_in(dir, &["predict", "--format", "json", "k8s"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = json(&o);
    report["workloads"]
        .as_array()
        .map(|ws| {
            ws.iter()
                .map(|w| {
                    let ps = w["placements"]
                        .as_array()
                        .map(|ps| {
                            ps.iter()
                                .map(|p| {
                                    format!(
                                        "{}/{}/{}",
                                        p["cluster"].as_str().unwrap_or(""),
                                        p["compute"].as_str().unwrap_or(""),
                                        p["profile"].as_str().unwrap_or("-")
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    (w["name"].as_str().unwrap_or("").to_string(), ps)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn sorted(mut v: Vec<(String, Vec<String>)>) -> Vec<(String, Vec<String>)> {
    v.sort();
    v
}

fn expected(rows: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    sorted(
        rows.iter()
            .map(|(w, ps)| (w.to_string(), ps.iter().map(|p| p.to_string()).collect()))
            .collect(),
    )
}

#[test]
fn clusters_tables_place_each_workload_only_on_its_own_cluster() {
    let dir = two_clusters(TWO_CLUSTERS);
    assert_eq!(
        sorted(placements(dir.path())),
        expected(&[
            ("dev-apps", &["dev/fargate/dev-apps"]),
            ("dev-batch", &["dev/pending/-"]),
            ("prod-apps", &["prod/fargate/prod-apps"]),
            ("prod-batch", &["prod/pending/-"]),
        ])
    );
    // Without the tables (the cluster files as PATHs), every workload goes to every cluster.
    let o = run_in(
        dir.path(),
        &["predict", "--format", "json", "--no-config", "."],
    );
    let report = json(&o);
    assert_eq!(
        report["workloads"][0]["placements"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    // The summary of `check` counts only the placements that exist.
    let o = run_in(dir.path(), &["check", "--fail-on", "never", "k8s"]);
    assert!(
        stdout(&o).contains("(placements: 2 on Fargate, 0 on EC2, 2 pending)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_clusters_table_without_manifests_takes_every_workload_and_ec2_capacity_overrides() {
    let dir = two_clusters(
        r#"
[[clusters]]
config = "clusters/prod.yaml"
manifests = ["k8s/prod/**"]

[[clusters]]
config = "clusters/dev.yaml"
ec2-capacity = true
"#,
    );
    assert_eq!(
        sorted(placements(dir.path())),
        expected(&[
            ("dev-apps", &["dev/fargate/dev-apps"]),
            ("dev-batch", &["dev/ec2/-"]),
            // Clusters in model order: dev's file sorts first.
            (
                "prod-apps",
                &["dev/fargate/dev-apps", "prod/fargate/prod-apps"]
            ),
            ("prod-batch", &["dev/ec2/-", "prod/pending/-"]),
        ])
    );
}

#[test]
fn clusters_table_errors_point_at_them() {
    let e = error(
        two_clusters("[[clusters]]\nconfig = \"clusters/prod.yaml\"\nmanifest = []\n").path(),
        &[],
    );
    assert!(
        e.contains(".fargate-lint.toml:3:1: unknown field `manifest`"),
        "{e}"
    );
    assert!(e.contains("did you mean `manifests`?"), "{e}");
    let e = error(
        two_clusters("[[clusters]]\nconfig = \"clusters/prod.yaml\"\nmanifests = [\"k8s/{a\"]\n")
            .path(),
        &[],
    );
    assert!(
        e.contains(".fargate-lint.toml:3:14: invalid manifests glob"),
        "{e}"
    );
    let e = error(
        two_clusters("\n[[clusters]]\nconfig = \"clusters/qa.yaml\"\n").path(),
        &[],
    );
    assert!(
        e.contains(".fargate-lint.toml:3:10: cluster file `clusters/qa.yaml` not found"),
        "{e}"
    );
}
