//! `fargate-lint predict` end to end: the example shipped in the repository (snapshots of
//! all three formats) and real repositories from the shared corpus.

mod common;

use common::*;
use serde_json::Value;

/// The placement of `name` in `cluster`, from `predict --format json`.
fn placement<'a>(report: &'a Value, name: &str, cluster: &str) -> &'a Value {
    let w = report["workloads"]
        .as_array()
        .and_then(|ws| ws.iter().find(|w| w["name"] == name))
        .unwrap_or_else(|| panic!("no workload {name} in {report:#}"));
    w["placements"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["cluster"] == cluster))
        .unwrap_or_else(|| panic!("no placement of {name} in cluster {cluster}: {w:#}"))
}

#[test]
fn example_human_table() {
    let o = run(&["predict", "testdata/example"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn example_json() {
    let o = run(&["predict", "--format", "json", "testdata/example"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!(stdout(&o));
    let report = json(&o);
    let web = placement(&report, "web", "shop");
    assert_eq!(web["compute"], "fargate");
    assert_eq!(web["profile"], "apps");
    // 500m + 1Gi + 256 MiB → 0.5 vCPU 2 GB, three replicas.
    assert_eq!(web["fargate_size"]["vcpu"], 0.5);
    assert_eq!(web["fargate_size"]["memory_gb"], 2);
    let cache = placement(&report, "cache", "shop");
    assert_eq!(cache["compute"], "ec2");
    assert_eq!(cache["profile"], Value::Null);
    assert_eq!(cache["fargate_size"], Value::Null);
    // 1 vCPU 8 GiB → 2 vCPU 9 GB (the User Guide's worked example).
    let report_job = placement(&report, "nightly-report", "shop");
    assert_eq!(report_job["profile"], "batch");
    assert_eq!(report_job["fargate_size"]["vcpu"], 2);
    assert_eq!(report_job["fargate_size"]["memory_gb"], 9);
}

#[test]
fn example_markdown() {
    let o = run(&["predict", "--format", "markdown", "testdata/example"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn workshop_test_pod_lands_on_profile_test_with_both_cluster_files() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("phillebaba__eks-fargate-workshop");
    let o = run_in(
        &dir,
        &[
            "predict",
            "--format",
            "json",
            "1_new_cluster/cluster.yaml",
            "3_fargate_profile",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = json(&o);
    assert_eq!(
        report["clusters"].as_array().map(Vec::len),
        Some(1),
        "{report:#}"
    );
    assert_eq!(report["clusters"][0]["name"], "workshop");
    assert_eq!(
        report["clusters"][0]["profiles"],
        serde_json::json!(["default", "test"])
    );
    let p = placement(&report, "test", "workshop");
    assert_eq!(p["compute"], "fargate");
    assert_eq!(p["profile"], "test");
    assert_eq!(p["matching_profiles"], serde_json::json!(["test"]));

    // With only the first cluster file, no profile takes the pod: the node group does.
    let o = run_in(
        &dir,
        &[
            "predict",
            "--format",
            "json",
            "1_new_cluster/cluster.yaml",
            "3_fargate_profile/test-pod.yaml",
        ],
    );
    let p = placement(&json(&o), "test", "workshop").clone();
    assert_eq!(p["compute"], "ec2");
}

#[test]
fn app_mesh_demo_only_prodcatalog_lands_on_fargate() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("aws-containers__eks-app-mesh-polyglot-demo/deployment");
    let o = run_in(
        &dir,
        &[
            "predict",
            "--format",
            "json",
            "clusterconfig.yaml",
            "base_app.yaml",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = json(&o);
    let workloads = report["workloads"].as_array().cloned().unwrap_or_default();
    assert!(workloads.len() >= 3, "{report:#}");
    let on_fargate: Vec<&str> = workloads
        .iter()
        .filter(|w| w["placements"][0]["compute"] == "fargate")
        .filter_map(|w| w["name"].as_str())
        .collect();
    assert_eq!(on_fargate, ["prodcatalog"]);
}

#[test]
fn whole_corpus_is_deterministic_and_located() {
    let Some(corpus) = corpus() else { return };
    let path = corpus.to_string_lossy().into_owned();
    let one = run(&["predict", "--format", "json", "-j", "1", &path]);
    let two = run(&["predict", "--format", "json", "-j", "2", &path]);
    assert!(matches!(one.status.code(), Some(0 | 1)), "{}", stderr(&one));
    assert_eq!(
        one.stdout, two.stdout,
        "output differs between -j 1 and -j 2"
    );
    let report = json(&one);
    let workloads = report["workloads"].as_array().cloned().unwrap_or_default();
    assert!(workloads.len() > 50, "only {} workloads", workloads.len());
    for w in &workloads {
        assert!(
            w["file"].as_str().is_some_and(|f| !f.is_empty())
                && w["line"].as_u64().is_some_and(|l| l >= 1),
            "workload without file and line: {w:#}"
        );
    }
    assert!(report["clusters"].as_array().is_some_and(|c| c.len() > 10));
}

#[test]
fn stdin_is_read_as_one_input() {
    let manifest = std::fs::read_to_string(root().join("testdata/example/k8s/web.yaml"))
        .expect("example file");
    let o = common::command()
        .current_dir(root())
        .args([
            "predict",
            "--format",
            "json",
            "--cluster",
            "testdata/example/cluster.yaml",
            "-",
        ])
        .write_stdin(manifest)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = json(&o);
    assert_eq!(report["workloads"][0]["file"], "<stdin>");
    assert_eq!(placement(&report, "web", "shop")["profile"], "apps");
}

#[test]
fn no_cluster_says_how_to_give_one() {
    let o = run(&["predict", "testdata/example/k8s"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("--cluster FILE"), "{}", stdout(&o));
}

/// `predict` counts, per workload, the findings `check` reports about it: the same numbers
/// in JSON, in the FINDINGS column and in Markdown.
#[test]
fn findings_per_workload_match_check() {
    let checked = json(&run(&["check", "--format", "json", "testdata/example"]));
    let about = |name: &str| {
        checked["findings"].as_array().map_or(0, |fs| {
            fs.iter().filter(|f| f["object"]["name"] == name).count()
        })
    };
    let report = json(&run(&["predict", "--format", "json", "testdata/example"]));
    for name in ["nightly-report", "cache", "web"] {
        assert_eq!(
            placement(&report, name, "shop")["findings"],
            about(name),
            "{name}"
        );
    }
    // The CronJob's 1 vCPU and 8 GiB round up to 2 vCPU 9 GB (FL213).
    assert_eq!(placement(&report, "nightly-report", "shop")["findings"], 1);
    let human = stdout(&run(&["predict", "testdata/example"]));
    assert!(human.contains("FINDINGS"), "{human}");
    let markdown = stdout(&run(&[
        "predict",
        "--format",
        "markdown",
        "testdata/example",
    ]));
    assert!(markdown.contains("| Findings |"), "{markdown}");
}

#[test]
fn pods_too_large_for_fargate_are_pending_not_fargate_without_a_size() {
    // interface.md: `fargate_size` and `monthly_cost_usd` are set whenever `compute` is
    // `fargate`; Fargate refuses these pods, so they stay Pending.
    let o = run(&["predict", "--format", "json", "testdata/rules/FL210/fires"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = json(&o);
    for name in ["crunch", "scratch"] {
        let p = placement(&report, name, "prod");
        assert_eq!(p["compute"], "pending", "{p:#}");
        assert_eq!(p["profile"], Value::Null);
        assert_eq!(p["fargate_size"], Value::Null);
        assert_eq!(p["monthly_cost_usd"], Value::Null);
        assert_eq!(p["matching_profiles"], serde_json::json!(["apps"]));
        assert!(
            p["reason"].as_str().is_some_and(|r| r.contains("refused")),
            "{p:#}"
        );
    }
    for w in report["workloads"].as_array().into_iter().flatten() {
        for p in w["placements"].as_array().into_iter().flatten() {
            if p["compute"] == "fargate" {
                assert!(
                    p["fargate_size"].is_object() && p["monthly_cost_usd"].is_number(),
                    "{p:#}"
                );
            }
        }
    }
}

#[test]
fn predict_takes_the_rule_options_of_check() {
    // interface.md lists --select/--ignore, --fail-on and -q for check and predict alike.
    let all = json(&run(&["predict", "--format", "json", "testdata/example"]));
    let none = json(&run(&[
        "predict",
        "--format",
        "json",
        "--ignore",
        "FL2",
        "testdata/example",
    ]));
    let job = |r: &Value| placement(r, "nightly-report", "shop")["findings"].clone();
    assert_eq!(job(&all), 1, "FL213 about the CronJob");
    assert_eq!(job(&none), 0);
    // Findings make predict fail only when asked to.
    assert_eq!(run(&["predict", "testdata/example"]).status.code(), Some(0));
    assert_eq!(
        run(&["predict", "--fail-on", "note", "testdata/example"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run(&["predict", "--fail-on", "warning", "testdata/example"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(&["predict", "--select", "FL999", "testdata/example"])
            .status
            .code(),
        Some(2)
    );
    let quiet = stdout(&run(&["predict", "-q", "testdata/example"]));
    assert!(
        quiet.contains("Deployment/web") && !quiet.contains("/month"),
        "{quiet}"
    );
}
