//! CloudFormation and Terraform: the same cluster written five ways places the same
//! workloads the same way, and the files of `../shared/corpus` read as the issue says.

mod common;

use common::*;

/// `predict --format json` of a cluster definition and `testdata/five-ways/workloads.yaml`.
fn predict(cluster: &str) -> serde_json::Value {
    let o = run(&[
        "predict",
        "--format",
        "json",
        cluster,
        "testdata/five-ways/workloads.yaml",
    ]);
    assert_eq!(o.status.code(), Some(0), "{cluster}: {}", stderr(&o));
    json(&o)
}

#[test]
fn one_cluster_written_five_ways_places_workloads_alike() {
    let ways = [
        "testdata/five-ways/eksctl",
        "testdata/five-ways/eks-api",
        "testdata/five-ways/cloudformation",
        "testdata/five-ways/cdk",
        "testdata/five-ways/terraform",
        "testdata/five-ways/terraform-module",
    ];
    let reference = predict(ways[0]);
    let placements = serde_json::to_string_pretty(&reference["workloads"]).unwrap_or_default();
    // Something to compare: every workload placed, on Fargate and on EC2.
    assert!(placements.contains("\"profile\": \"apps\""), "{placements}");
    assert!(
        placements.contains("\"profile\": \"batch\""),
        "{placements}"
    );
    assert!(
        placements.contains("\"profile\": \"pinned\""),
        "{placements}"
    );
    assert!(placements.contains("\"compute\": \"ec2\""), "{placements}");
    for way in &ways[1..] {
        let report = predict(way);
        assert_eq!(
            serde_json::to_string_pretty(&report["workloads"]).unwrap_or_default(),
            placements,
            "{way} places differently from {}",
            ways[0]
        );
        let cluster = &report["clusters"][0];
        assert_eq!(cluster["name"], "five", "{way}");
        assert_eq!(cluster["ec2_capacity"], true, "{way}");
        assert_eq!(
            cluster["profiles"],
            serde_json::json!(["apps", "batch", "pinned"]),
            "{way}"
        );
    }
}

#[test]
fn the_written_roles_of_the_five_ways_have_no_findings() {
    for way in ["cloudformation", "terraform"] {
        let path = format!("testdata/five-ways/{way}");
        let o = run(&["check", "--format", "json", &path]);
        let report = json(&o);
        assert!(findings_of(&report).is_empty(), "{way}: {report}");
    }
}

#[test]
fn the_eks_modules_wildcard_profile_takes_an_app_namespace() {
    let Some(corpus) = corpus() else { return };
    let tests = corpus.join("terraform-aws-modules__terraform-aws-eks/tests/eks-fargate-profile");
    let tests = tests.to_string_lossy();
    let o = run(&[
        "predict",
        "--format",
        "json",
        &tests,
        "testdata/infrastructure/eks-fargate-profile/app-orders.yaml",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = json(&o);
    let placement = &report["workloads"][0]["placements"][0];
    assert_eq!(placement["compute"], "fargate", "{report}");
    assert_eq!(placement["profile"], "example", "{report}");
}

#[test]
fn the_corpus_infrastructure_files_parse_and_custom_resources_are_no_profiles() {
    let Some(corpus) = corpus() else { return };
    let o = run_in(
        &corpus,
        &["check", "--format", "json", "--fail-on", "never", "."],
    );
    let report = json(&o);
    for f in findings_of(&report) {
        let file = f["file"].as_str().unwrap_or_default();
        assert!(
            !(f["code"] == "FL001" && (file.ends_with(".tf") || file.contains(".template"))),
            "{f}"
        );
    }
    let quickstart = corpus.join("aws-quickstart__quickstart-amazon-eks/templates");
    let o = run(&[
        "predict",
        "--format",
        "json",
        &quickstart
            .join("amazon-eks-fargate-profile.template.yaml")
            .to_string_lossy(),
    ]);
    let report = json(&o);
    assert_eq!(report["clusters"], serde_json::json!([]), "{report}");
}

#[test]
fn the_cloudposse_trust_policy_without_a_source_arn_is_a_warning() {
    let Some(corpus) = corpus() else { return };
    let module = corpus.join("cloudposse__terraform-aws-eks-fargate-profile");
    let o = run(&[
        "check",
        "--format",
        "json",
        "--fail-on",
        "never",
        "--select",
        "FL112,FL113",
        &module.to_string_lossy(),
    ]);
    let report = json(&o);
    let findings = findings_of(&report);
    assert_eq!(findings.len(), 1, "{report}");
    let f = findings[0];
    assert_eq!(f["code"], "FL112");
    assert_eq!(f["severity"], "warning");
    assert!(
        f["file"].as_str().is_some_and(|p| p.ends_with("main.tf")),
        "{f}"
    );
    // At the principal of the policy document.
    assert_eq!(f["line"], 63, "{f}");
}

#[test]
fn a_principal_written_with_sub_is_never_missing() {
    let template = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: sts:AssumeRole\n            Principal:\n              Service: !Sub eks-fargate-pods.${AWS::URLSuffix}\n            Condition:\n              ArnLike:\n                aws:SourceArn: !Sub arn:${AWS::Partition}:eks:${AWS::Region}:${AWS::AccountId}:fargateprofile/c/*\n      ManagedPolicyArns: [!Sub 'arn:${AWS::Partition}:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy']\n  P:\n    Type: AWS::EKS::FargateProfile\n    Properties:\n      ClusterName: c\n      PodExecutionRoleArn: !GetAtt R.Arn\n      Selectors: [{Namespace: x}]\n";
    for suffix in ["${AWS::URLSuffix}", "${Unknown}"] {
        let text = template.replace("${AWS::URLSuffix}", suffix);
        let o = command()
            .args([
                "check",
                "--format",
                "json",
                "--select",
                "FL112,FL113",
                "--stdin-filename",
                "t.template.yaml",
                "-",
            ])
            .write_stdin(text)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let report = json(&o);
        assert!(findings_of(&report).is_empty(), "{suffix}: {report}");
        assert_eq!(report["summary"]["clusters"], 1, "{report}");
    }
}

#[test]
fn find_clusters_reads_a_terraform_module_with_its_variables() {
    let repo = tempfile::tempdir().expect("a temporary folder");
    let infra = repo.path().join("infra");
    let k8s = repo.path().join("k8s");
    std::fs::create_dir_all(&infra).expect("infra");
    std::fs::create_dir_all(&k8s).expect("k8s");
    // A git repository: --find-clusters searches from its root.
    std::fs::create_dir_all(repo.path().join(".git")).expect(".git");
    for name in ["main.tf", "iam.tf", "terraform.tfvars"] {
        std::fs::copy(
            root().join("testdata/five-ways/terraform").join(name),
            infra.join(name),
        )
        .expect("copy");
    }
    std::fs::copy(
        root().join("testdata/five-ways/workloads.yaml"),
        k8s.join("workloads.yaml"),
    )
    .expect("copy");
    let o = run_in(
        repo.path(),
        &[
            "predict",
            "--format",
            "json",
            "--find-clusters",
            "k8s/workloads.yaml",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = json(&o);
    // The name from terraform.tfvars, which holds no cluster needle of its own.
    assert_eq!(report["clusters"][0]["name"], "five", "{report}");
    assert_eq!(
        report["workloads"][0]["placements"][0]["profile"], "apps",
        "{report}"
    );
}

#[test]
fn hostile_terraform_is_read_without_a_crash() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let merge: Vec<String> = (0..20_000).map(|i| format!("{{k{i} = \"v\"}}")).collect();
    let files = [
        (
            "deep.tf",
            format!("locals {{\n  x = {}{}\n}}\n", "[".repeat(5000), "]".repeat(5000)),
        ),
        (
            "cycle.tf",
            "locals {\n  a = local.b\n  b = local.a\n}\nresource \"aws_eks_cluster\" \"c\" { name = local.a }\n"
                .to_string(),
        ),
        ("broken.tf", "resource \"x\" {\n  é = ${\n".to_string()),
        (
            "long.tf",
            format!(
                "locals {{ m = merge({}) }}\nresource \"aws_eks_fargate_profile\" \"p\" {{\n  cluster_name = \"c\"\n  selector {{\n    namespace = \"é\"\n    labels = local.m\n  }}\n}}\n",
                merge.join(",")
            ),
        ),
    ];
    for (name, text) in &files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let o = run(&["check", "--format", "json", &dir.path().to_string_lossy()]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let report = json(&o);
    // The broken file and the one past the parser's nesting limit are FL001 at their line;
    // the others are read.
    let broken: Vec<_> = findings_of(&report)
        .into_iter()
        .filter(|f| f["code"] == "FL001")
        .filter_map(|f| Some((f["file"].as_str()?.rsplit('/').next()?, f["line"].as_u64()?)))
        .collect();
    assert_eq!(broken, [("broken.tf", 2), ("deep.tf", 2)], "{report}");
    assert_eq!(report["summary"]["clusters"], 2, "{report}");
}
