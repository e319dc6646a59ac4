//! `--baseline REF`: small git repositories of two commits each, checked and predicted
//! against the first (FL301–FL303, `predict`'s diff), with the work tree and index left as
//! they were; and the errors of a baseline that cannot be had (exit 2).

mod common;

use std::path::Path;

use common::*;

const CLUSTER: &str = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: prod
  region: eu-west-1
fargateProfiles:
  - name: apps
    selectors:
      - namespace: apps
  - name: jobs
    selectors:
      - namespace: jobs
";

/// A Deployment `name` in `namespace` with pod labels `labels` (YAML flow mapping).
fn deployment(name: &str, namespace: &str, labels: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {namespace}
spec:
  replicas: 2
  template:
    metadata:
      labels: {labels}
    spec:
      containers:
        - name: {name}
          image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/{name}:1
          resources:
            requests: {{cpu: 500m, memory: 1Gi}}
            limits: {{cpu: 500m, memory: 1Gi}}
"
    )
}

/// A repository whose first commit holds `before` and second `after` (every file replaced);
/// the work tree is the second commit's.
fn repo(before: &[(&str, &str)], after: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let d = dir.path();
    git(d, &["init", "-q"]);
    for (path, text) in before {
        write(d, path, text);
    }
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "before"]);
    clear_work_tree(d);
    for (path, text) in after {
        write(d, path, text);
    }
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "--allow-empty", "-m", "after"]);
    dir
}

/// `check --baseline HEAD~1` in `dir` on `paths`: the codes found, in output order, and the
/// JSON report. Checks that the work tree and the index are as before.
fn check(dir: &Path, paths: &[&str]) -> (Vec<String>, serde_json::Value) {
    let status = git(dir, &["status", "--porcelain", "--untracked-files=all"]);
    let top = git(dir, &["rev-parse", "--show-toplevel"]);
    let index_path = Path::new(top.trim()).join(".git/index");
    let index = std::fs::read(&index_path).expect("an index");
    let mut args = vec![
        "check",
        "--baseline",
        "HEAD~1",
        "--format",
        "json",
        "--fail-on",
        "never",
    ];
    args.extend_from_slice(paths);
    let o = run_in(dir, &args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        git(dir, &["status", "--porcelain", "--untracked-files=all"]),
        status,
        "the work tree changed"
    );
    assert_eq!(
        std::fs::read(&index_path).expect("an index"),
        index,
        "the index changed"
    );
    let report = json(&o);
    let codes = findings_of(&report)
        .iter()
        .filter_map(|f| f["code"].as_str())
        .map(String::from)
        .collect();
    (codes, report)
}

/// The FL3xx codes among `codes` (and FL215), in order.
fn changes(codes: &[String]) -> Vec<&str> {
    codes
        .iter()
        .map(String::as_str)
        .filter(|c| c.starts_with("FL3") || *c == "FL215")
        .collect()
}

#[test]
fn a_profile_that_gains_a_selector_is_modified_and_moves_the_workloads_it_now_takes() {
    let web = deployment("web", "web", "{app: web}");
    let api = deployment("api", "apps", "{app: api}");
    let after = CLUSTER.replace(
        "      - namespace: apps\n",
        "      - namespace: apps\n      - namespace: web\n",
    );
    let cluster = CLUSTER.replace(
        "fargateProfiles:",
        "managedNodeGroups:\n  - name: ng\nfargateProfiles:",
    );
    let after = after.replace(
        "fargateProfiles:",
        "managedNodeGroups:\n  - name: ng\nfargateProfiles:",
    );
    let dir = repo(
        &[
            ("infra/cluster.yaml", &cluster),
            ("k8s/web.yaml", &web),
            ("k8s/api.yaml", &api),
        ],
        &[
            ("infra/cluster.yaml", &after),
            ("k8s/web.yaml", &web),
            ("k8s/api.yaml", &api),
        ],
    );
    let (codes, report) = check(dir.path(), &["."]);
    assert_eq!(changes(&codes), ["FL301", "FL302"], "{report:#}");
    let f = findings_of(&report);
    let fl301 = f.iter().find(|f| f["code"] == "FL301").expect("FL301");
    assert_eq!(fl301["file"], "infra/cluster.yaml");
    // At the selector the baseline has not (`namespace: web`), not at the first one.
    assert_eq!(
        (fl301["line"].as_u64(), fl301["column"].as_u64()),
        (Some(12), Some(9))
    );
    let message = fl301["message"].as_str().unwrap_or("");
    assert!(message.contains("selectors"), "{message}");
    assert!(
        message.contains("Deployment `apps/api` goes to Fargate profile `apps`"),
        "{message}"
    );
    let fl302 = f.iter().find(|f| f["code"] == "FL302").expect("FL302");
    assert_eq!(fl302["file"], "k8s/web.yaml");
    assert_eq!(fl302["object"]["name"], "web");
    let message = fl302["message"].as_str().unwrap_or("");
    assert!(
        message.contains("from EC2 nodes to Fargate profile `apps`"),
        "{message}"
    );

    // The diff of predict, in each format.
    let human = run_in(dir.path(), &["predict", "--baseline", "HEAD~1", "."]);
    assert_eq!(human.status.code(), Some(0), "{}", stderr(&human));
    insta::assert_snapshot!("selector_added.predict.human", stdout(&human));
    let all = run_in(
        dir.path(),
        &["predict", "--baseline", "HEAD~1", "--all", "."],
    );
    insta::assert_snapshot!("selector_added.predict.all.human", stdout(&all));
    let o = run_in(
        dir.path(),
        &["predict", "--baseline", "HEAD~1", "--format", "json", "."],
    );
    let mut j = json(&o);
    // The commit differs in every run (its time); the ref does not.
    assert_eq!(j["baseline"]["ref"], "HEAD~1");
    j["baseline"]["commit"] = "<commit>".into();
    j["tool"]["version"] = "<version>".into();
    insta::assert_json_snapshot!("selector_added.predict.json", j);
    let md = run_in(
        dir.path(),
        &[
            "predict",
            "--baseline",
            "HEAD~1",
            "--format",
            "markdown",
            ".",
        ],
    );
    insta::assert_snapshot!("selector_added.predict.md", stdout(&md));
}

#[test]
fn a_removed_profile_deletes_its_pods_which_stay_pending_without_other_compute() {
    let report = deployment("report", "jobs", "{app: report}");
    let after = CLUSTER.replace(
        "  - name: jobs\n    selectors:\n      - namespace: jobs\n",
        "",
    );
    let dir = repo(
        &[("cluster.yaml", CLUSTER), ("jobs.yaml", &report)],
        &[("cluster.yaml", &after), ("jobs.yaml", &report)],
    );
    let (codes, report) = check(dir.path(), &["."]);
    assert_eq!(changes(&codes), ["FL303", "FL215"], "{report:#}");
    let fl303 = findings_of(&report)
        .into_iter()
        .find(|f| f["code"] == "FL303")
        .expect("FL303");
    // At the cluster that no longer has it: its name.
    assert_eq!(
        (fl303["line"].as_u64(), fl303["column"].as_u64()),
        (Some(4), Some(9))
    );
    assert_eq!(fl303["profile"], "jobs");
    let message = fl303["message"].as_str().unwrap_or("");
    assert!(
        message.contains("Deployment `jobs/report` goes to Pending"),
        "{message}"
    );
    let o = run_in(
        dir.path(),
        &["predict", "--baseline", "HEAD~1", "--format", "json", "."],
    );
    let j = json(&o);
    assert_eq!(j["monthly_cost_usd_after"], 0, "{j:#}");
    assert!(
        j["monthly_cost_usd_before"]
            .as_f64()
            .is_some_and(|c| c > 0.0),
        "{j:#}"
    );
    let p = &j["workloads"][0]["placements"][0];
    assert_eq!(
        (p["change"].as_str(), p["before"]["profile"].as_str()),
        (Some("moved"), Some("jobs"))
    );
}

#[test]
fn a_workload_whose_labels_take_it_to_another_profile_only_moves() {
    let dir = repo(
        &[
            ("cluster.yaml", TRACKS),
            (
                "web.yaml",
                &deployment("web", "apps", "{app: web, track: stable}"),
            ),
        ],
        &[
            ("cluster.yaml", TRACKS),
            (
                "web.yaml",
                &deployment("web", "apps", "{app: web, track: canary}"),
            ),
        ],
    );
    let (codes, report) = check(dir.path(), &["."]);
    assert_eq!(changes(&codes), ["FL302"], "{report:#}");
    let f = findings_of(&report)
        .into_iter()
        .find(|f| f["code"] == "FL302")
        .expect("FL302");
    let message = f["message"].as_str().unwrap_or("");
    assert!(
        message.contains("from Fargate profile `stable`"),
        "{message}"
    );
    assert!(message.contains("to Fargate profile `canary`"), "{message}");
    assert!(message.contains("its own labels"), "{message}");
    insta::assert_snapshot!("labels_changed.check.human", {
        let o = run_in(
            dir.path(),
            &[
                "check",
                "--baseline",
                "HEAD~1",
                "--select",
                "FL3",
                "--fail-on",
                "never",
                ".",
            ],
        );
        stdout(&o)
    });
}

#[test]
fn a_renamed_profile_is_one_removed_and_one_new() {
    let web = deployment("web", "apps", "{app: web}");
    let after = CLUSTER.replace("name: apps", "name: applications");
    let dir = repo(
        &[("cluster.yaml", CLUSTER), ("web.yaml", &web)],
        &[("cluster.yaml", &after), ("web.yaml", &web)],
    );
    let (codes, report) = check(dir.path(), &["."]);
    assert_eq!(changes(&codes), ["FL303"], "{report:#}");
    let message = findings_of(&report)
        .into_iter()
        .find(|f| f["code"] == "FL303")
        .and_then(|f| f["message"].as_str().map(String::from))
        .unwrap_or_default();
    assert!(
        message.contains("no longer has profile `apps`"),
        "{message}"
    );
    assert!(
        message.contains("goes to Fargate profile `applications`"),
        "{message}"
    );
}

#[test]
fn a_file_moved_unchanged_and_no_change_at_all_give_no_finding() {
    let web = deployment("web", "apps", "{app: web}");
    let moved = repo(
        &[("cluster.yaml", CLUSTER), ("k8s/web.yaml", &web)],
        &[("infra/cluster.yaml", CLUSTER), ("deploy/web.yaml", &web)],
    );
    assert_eq!(changes(&check(moved.path(), &["."]).0), Vec::<&str>::new());
    let same = repo(
        &[("cluster.yaml", CLUSTER), ("web.yaml", &web)],
        &[("cluster.yaml", CLUSTER), ("web.yaml", &web)],
    );
    assert_eq!(changes(&check(same.path(), &["."]).0), Vec::<&str>::new());
    let o = run_in(same.path(), &["predict", "--baseline", "HEAD~1", "."]);
    assert!(
        stdout(&o).starts_with("no placement changes against HEAD~1\n"),
        "{}",
        stdout(&o)
    );
}

/// A cluster whose `apps` namespace has a profile for stable pods and one for canaries.
const TRACKS: &str = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: prod
  region: eu-west-1
fargateProfiles:
  - name: stable
    selectors:
      - namespace: apps
        labels: {track: stable}
  - name: canary
    selectors:
      - namespace: apps
        labels: {track: canary}
";

#[test]
fn a_kustomize_overlay_whose_labels_change_moves_the_variant() {
    let base = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - web.yaml\n";
    let overlay = |track: &str| {
        format!(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: apps\ncommonLabels:\n  track: {track}\nresources:\n  - ../../base\n"
        )
    };
    let web = deployment("web", "default", "{app: web}");
    let files = |track: &str| {
        vec![
            ("infra/cluster.yaml".to_string(), TRACKS.to_string()),
            (
                "deploy/base/kustomization.yaml".to_string(),
                base.to_string(),
            ),
            ("deploy/base/web.yaml".to_string(), web.clone()),
            (
                "deploy/overlays/prod/kustomization.yaml".to_string(),
                overlay(track),
            ),
        ]
    };
    let (b, a) = (files("stable"), files("canary"));
    let dir = repo(&refs(&b), &refs(&a));
    // The base is outside the PATHs: read from the revision through the overlay.
    let (codes, report) = check(dir.path(), &["deploy/overlays/prod", "infra"]);
    assert_eq!(changes(&codes), ["FL302"], "{report:#}");
    let fl302 = findings_of(&report)
        .into_iter()
        .find(|f| f["code"] == "FL302")
        .expect("FL302");
    assert_eq!(fl302["variant"], "deploy/overlays/prod");
    let message = fl302["message"].as_str().unwrap_or("");
    assert!(message.contains("Deployment `apps/web`"), "{message}");
    assert!(
        message.contains("from Fargate profile `stable`"),
        "{message}"
    );
    assert!(message.contains("to Fargate profile `canary`"), "{message}");
}

#[test]
fn a_terraform_profile_whose_selector_changes_is_modified() {
    let tf = |ns: &str| {
        format!(
            r#"resource "aws_eks_cluster" "main" {{
  name     = "prod"
  role_arn = "arn:aws:iam::111122223333:role/cluster"
  vpc_config {{
    subnet_ids = ["subnet-0a1b2c3d"]
  }}
}}

resource "aws_eks_fargate_profile" "apps" {{
  cluster_name           = aws_eks_cluster.main.name
  fargate_profile_name   = "apps"
  pod_execution_role_arn = "arn:aws:iam::111122223333:role/fargate"
  subnet_ids             = ["subnet-0a1b2c3d"]
  selector {{
    namespace = "{ns}"
  }}
}}
"#
        )
    };
    let web = deployment("web", "apps", "{app: web}");
    let dir = repo(
        &[("infra/main.tf", &tf("apps")), ("k8s/web.yaml", &web)],
        &[("infra/main.tf", &tf("web")), ("k8s/web.yaml", &web)],
    );
    let (codes, report) = check(dir.path(), &["."]);
    assert_eq!(changes(&codes), ["FL301", "FL215"], "{report:#}");
    let fl301 = findings_of(&report)
        .into_iter()
        .find(|f| f["code"] == "FL301")
        .expect("FL301");
    assert_eq!(fl301["file"], "infra/main.tf");
    // The `selector` block of the profile.
    assert_eq!(fl301["line"], 14, "{fl301:#}");
}

/// Runs `check --baseline REF` in `dir` and returns stderr, checking the exit code is 2.
fn fails(dir: &Path, rev: &str, paths: &[&str]) -> String {
    let baseline = format!("--baseline={rev}");
    let mut args = vec!["check", &baseline];
    args.extend_from_slice(paths);
    let o = run_in(dir, &args);
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    stderr(&o)
}

#[test]
fn a_baseline_that_cannot_be_had_fails_the_run_with_a_hint() {
    let web = deployment("web", "apps", "{app: web}");
    let dir = repo(&[("web.yaml", &web)], &[("web.yaml", &web)]);
    let err = fails(dir.path(), "no-such-branch", &["."]);
    assert!(err.contains("`no-such-branch` names no commit"), "{err}");
    assert!(err.contains("git fetch --depth=1 origin"), "{err}");
    // Not an option, whatever it looks like.
    let err = fails(dir.path(), "--output=x", &["."]);
    assert!(err.contains("names no commit"), "{err}");
    assert!(!dir.path().join("x").exists());

    let err = fails(dir.path(), "HEAD", &["--find-clusters", "."]);
    assert!(err.contains("--find-clusters cannot be used"), "{err}");
    let err = fails(dir.path(), "HEAD", &["-"]);
    assert!(err.contains("stdin"), "{err}");

    let outside = tempfile::tempdir().expect("a temporary folder");
    write(outside.path(), "web.yaml", &web);
    let err = fails(outside.path(), "HEAD", &["."]);
    assert!(err.contains("is not in a git repository"), "{err}");

    // A shallow clone of the second commit: the first is not there.
    let shallow = tempfile::tempdir().expect("a temporary folder");
    let source = format!("file://{}", dir.path().display());
    git(
        shallow.path(),
        &["clone", "-q", "--depth=1", &source, "clone"],
    );
    let clone = shallow.path().join("clone");
    let first = git(dir.path(), &["rev-parse", "HEAD~1"]);
    let err = fails(&clone, first.trim(), &["."]);
    assert!(err.contains("the clone is shallow"), "{err}");
    assert!(err.contains("fetch-depth: 0"), "{err}");
}

#[test]
fn paths_and_display_paths_are_those_of_the_working_tree_from_a_subfolder() {
    let web = deployment("web", "apps", "{app: web}");
    let dir = repo(
        &[
            ("ops/cluster.yaml", CLUSTER),
            ("ops/k8s/web.yaml", &web),
            ("ops/k8s/.hidden.yaml", &web),
            ("ops/k8s/notes.txt", "x"),
        ],
        &[
            ("ops/cluster.yaml", CLUSTER),
            ("ops/k8s/web.yaml", &deployment("web", "jobs", "{app: web}")),
            ("ops/k8s/.hidden.yaml", &web),
            ("ops/k8s/notes.txt", "x"),
        ],
    );
    let (codes, report) = check(&dir.path().join("ops"), &["k8s", "cluster.yaml"]);
    // The workload changed its namespace: removed from `apps`, added in `jobs`; nothing is
    // reported as moved (another key), and the hidden file is not read on either side.
    assert_eq!(changes(&codes), Vec::<&str>::new(), "{report:#}");
    let o = run_in(
        &dir.path().join("ops"),
        &[
            "predict",
            "--baseline",
            "HEAD~1",
            "--format",
            "json",
            "k8s",
            "cluster.yaml",
        ],
    );
    let j = json(&o);
    let workloads = j["workloads"].as_array().cloned().unwrap_or_default();
    let seen: Vec<(String, String, String)> = workloads
        .iter()
        .map(|w| {
            (
                w["namespace"].as_str().unwrap_or("").to_string(),
                w["file"].as_str().unwrap_or("").to_string(),
                w["placements"][0]["change"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("jobs".into(), "k8s/web.yaml".into(), "added".into()),
            ("apps".into(), "k8s/web.yaml".into(), "removed".into()),
        ]
    );
}

fn refs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect()
}
