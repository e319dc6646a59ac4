//! The workload rules on real manifests: kubernetes/examples with a cluster that sends every
//! namespace to Fargate reports its DaemonSets, host networking, privileged containers, host
//! ports, EBS volumes and GPUs at the right lines; with a cluster that sends nothing to
//! Fargate it reports none of the Fargate workload rules. And the App Mesh demo's ECR images
//! with placeholders are ECR.

mod common;

use common::*;
use serde_json::Value;

/// The FL2xx findings of `check` on `paths` with `cluster`: (code, path inside the corpus
/// repository, line).
fn findings(cluster: &str, paths: &[&str], select: &str) -> Vec<(String, String, u64)> {
    let mut args = vec![
        "check",
        "--format",
        "json",
        "--fail-on",
        "never",
        "--select",
        select,
        "--cluster",
        cluster,
    ];
    args.extend_from_slice(paths);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: Value = json(&o);
    report["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap_or("");
            // Paths print as given; keep what follows the corpus repository's folder.
            let rel = file
                .split_once("kubernetes__examples/")
                .map_or(file, |(_, r)| r);
            (
                f["code"].as_str().unwrap_or("").to_string(),
                rel.to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// The examples' folder; `None` (the test is skipped) without the shared corpus.
fn examples() -> Option<String> {
    Some(
        corpus()?
            .join("kubernetes__examples")
            .to_string_lossy()
            .into_owned(),
    )
}

#[test]
fn all_fargate_reports_what_breaks_at_the_right_lines() {
    let Some(examples) = examples() else { return };
    let found = findings(
        "testdata/cases/all-fargate/cluster.yaml",
        &[&examples],
        "FL2",
    );
    let expected = [
        // DaemonSets: at their `kind`.
        ("FL202", "_archived/newrelic/newrelic-daemonset.yaml", 2),
        ("FL202", "_archived/sysdig-cloud/sysdig-daemonset.yaml", 4),
        ("FL202", "_archived/volumes/flexvolume/deploy/ds.yaml", 2),
        // hostNetwork and hostPort.
        ("FL206", "_archived/sysdig-cloud/sysdig-rc.yaml", 33),
        ("FL206", "_archived/sysdig-cloud/sysdig-rc.yaml", 40),
        ("FL206", "_archived/javaweb-tomcat-sidecar/javaweb.yaml", 22),
        (
            "FL206",
            "_archived/nodesjs-mongodb/mongo-controller.yaml",
            20,
        ),
        ("FL206", "_archived/storm/storm-worker-controller.yaml", 30),
        // Privileged containers.
        ("FL203", "_archived/sysdig-cloud/sysdig-rc.yaml", 42),
        (
            "FL203",
            "_archived/volumes/nfs/nfs-server-deployment.yaml",
            26,
        ),
        // EBS: an `awsElasticBlockStore` volume, PVCs and a claim template without a class.
        ("FL207", "_archived/volumes/aws_ebs/aws-ebs-web.yaml", 18),
        ("FL207", "AI/model-serving-tensorflow/deployment.yaml", 34),
        (
            "FL207",
            "_archived/cockroachdb/cockroachdb-statefulset.yaml",
            170,
        ),
        ("FL207", "_archived/sysdig-cloud/sysdig-rc.yaml", 15),
        // GPUs.
        ("FL208", "AI/vllm-deployment/vllm-deployment.yaml", 27),
    ];
    for (code, file, line) in expected {
        assert!(
            found
                .iter()
                .any(|(c, f, l)| c == code && f == file && *l == line),
            "no {code} at {file}:{line}; found:\n{found:#?}"
        );
    }
    // A DaemonSet is never placed on Fargate, so its hostNetwork and privileged
    // containers are not reported as Fargate faults (FL202 says it all).
    assert!(
        !found
            .iter()
            .any(|(c, f, _)| c == "FL206" && f == "_archived/newrelic/newrelic-daemonset.yaml"),
        "{found:#?}"
    );
    // The claims of the Azure examples name Azure classes of the scan (old beta
    // annotation): not EBS.
    assert!(
        !found
            .iter()
            .any(|(c, f, _)| c == "FL207" && f.contains("azure_disk")),
        "{found:#?}"
    );
}

#[test]
fn no_fargate_reports_none_of_the_fargate_workload_rules() {
    let Some(examples) = examples() else { return };
    let found = findings(
        "testdata/cases/no-fargate/cluster.yaml",
        &[&examples],
        "FL201,FL202,FL203,FL204,FL205,FL206,FL207,FL208,FL209,FL210,FL219",
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn app_mesh_ecr_images_with_placeholders_are_ecr() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("aws-containers__eks-app-mesh-polyglot-demo/deployment");
    let app = dir.join("base_app.yaml").to_string_lossy().into_owned();
    // Its own cluster sends one of the three Deployments to Fargate; the all-Fargate
    // cluster sends them all, so that every image is checked.
    let own = dir
        .join("clusterconfig.yaml")
        .to_string_lossy()
        .into_owned();
    for cluster in [own.as_str(), "testdata/cases/all-fargate/cluster.yaml"] {
        let o = run(&[
            "check",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--select",
            "FL201",
            "--cluster",
            cluster,
            &app,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let report = json(&o);
        assert_eq!(
            report["findings"],
            serde_json::json!([]),
            "{cluster}: {report:#}"
        );
    }
    // The rule had something to check: the workloads land on Fargate.
    let o = run(&[
        "predict",
        "--format",
        "json",
        "--cluster",
        "testdata/cases/all-fargate/cluster.yaml",
        &app,
    ]);
    let text = stdout(&o);
    assert!(text.matches("\"fargate\"").count() >= 3, "{text}");
}

/// `upload-sarif` recomputes GitHub's `primaryLocationLineHash` and warns for every result
/// whose precomputed value differs; on the examples with an all-Fargate cluster the log
/// carries none of GitHub's keys, only its own, so the uploader's values stand unopposed.
#[test]
fn sarif_on_the_examples_leaves_github_fingerprints_to_the_uploader() {
    let Some(examples) = examples() else { return };
    let o = run(&[
        "check",
        "--format",
        "sarif",
        "--fail-on",
        "never",
        "--cluster",
        "testdata/cases/all-fargate/cluster.yaml",
        &examples,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let log: Value = json(&o);
    let results = log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(results.len() > 100, "{} results", results.len());
    for r in &results {
        let keys: Vec<&String> = r["partialFingerprints"]
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["fargateLint/v1"], "{r:#}");
        assert!(r.get("fingerprints").is_none(), "{r:#}");
    }
}
