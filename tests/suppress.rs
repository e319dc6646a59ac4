//! Suppressions end to end, on the real binary: every form (annotation on the object and on
//! the pod template, comment on the line and the line above, `ignore-file`, `[[ignore]]` on
//! paths and objects) makes the finding go away and stop counting, `--show-suppressed` lists
//! it in every format with its reason, and an unused suppression is an FL004 note.

mod common;

use std::path::Path;

use common::*;

/// A Deployment in `apps` pulling from Docker Hub: FL201 (a warning) on line 13 (`@META@`
/// and `@POD@` stand for metadata annotations and pod-template annotations, `@ABOVE@` for a
/// line above the image, `@SAME@` for a comment after it).
const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps@META@
spec:
  template:
    metadata:
      labels:
        app: web@POD@
    spec:
      containers:
        - name: web@ABOVE@
          image: nginx:1.25@SAME@
          resources:
            requests: {cpu: '1', memory: 8Gi}
            limits: {cpu: '1', memory: 8Gi}
";

/// The deployment with its placeholders filled (`""` for those not given).
fn deployment(fill: &[(&str, &str)]) -> String {
    let mut text = DEPLOYMENT.to_string();
    for (key, value) in fill {
        text = text.replace(key, value);
    }
    for key in ["@META@", "@POD@", "@ABOVE@", "@SAME@"] {
        text = text.replace(key, "");
    }
    text
}

/// A repository (a folder with `.git`) with the cluster, `deployment` in `k8s/web.yaml` and
/// `config` as `.fargate-lint.toml`.
fn repo(deployment: &str, config: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write(dir.path(), ".git/HEAD", "ref: refs/heads/main\n");
    write(dir.path(), "k8s/cluster.yaml", APPS_CLUSTER);
    write(dir.path(), "k8s/web.yaml", deployment);
    if let Some(config) = config {
        write(dir.path(), ".fargate-lint.toml", config);
    }
    dir
}

/// `check --format json` on the FL201 and FL004 findings (the others are beside the point):
/// exit code and report.
fn check(dir: &Path, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut args = vec!["check", "--format", "json", "--select", "FL201,FL004"];
    args.extend_from_slice(extra);
    let o = run_in(dir, &args);
    assert_ne!(o.status.code(), Some(2), "{}", stderr(&o));
    (o.status.code(), json(&o))
}

fn codes(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The first finding of `code`.
fn finding<'a>(report: &'a serde_json::Value, code: &str) -> &'a serde_json::Value {
    report["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["code"] == code))
        .unwrap_or_else(|| panic!("no {code} in {report:#}"))
}

/// The whole story of one suppression: without it FL201 fires and fails the run; with it
/// the run is clean; `--show-suppressed` lists it (not counted) with `kind` and `reason`
/// in JSON, human and SARIF output, and SARIF leaves it out without the option.
fn assert_suppresses(deployment: &str, config: Option<&str>, kind: &str, reason: Option<&str>) {
    let bare = repo(&self::deployment(&[]), None);
    let (code, report) = check(bare.path(), &[]);
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(codes(&report), ["FL201"]);
    assert_eq!(report["summary"]["warning"], 1);

    let dir = repo(deployment, config);
    let (code, report) = check(dir.path(), &[]);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(codes(&report), Vec::<String>::new(), "{report:#}");
    assert_eq!(report["summary"]["warning"], 0);

    let (code, report) = check(dir.path(), &["--show-suppressed"]);
    assert_eq!(code, Some(0), "suppressed findings do not fail: {report:#}");
    assert_eq!(codes(&report), ["FL201"]);
    assert_eq!(
        report["summary"]["warning"], 0,
        "suppressed findings do not count"
    );
    let f = finding(&report, "FL201");
    assert_eq!(f["suppressed"]["kind"], kind, "{f:#}");
    assert_eq!(f["suppressed"]["justification"].as_str(), reason, "{f:#}");

    let human = run_in(
        dir.path(),
        &["check", "--select", "FL201,FL004", "--show-suppressed"],
    );
    // miette wraps long lines: compare with the frame and line breaks taken out.
    let out = stdout(&human)
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(out.contains("(suppressed by "), "{out}");
    if let Some(reason) = reason {
        assert!(out.contains(&format!(": {reason})")), "{out}");
    }
    assert!(out.contains("0 errors, 0 warnings, 0 notes"), "{out}");
    let quiet = stdout(&run_in(dir.path(), &["check", "--select", "FL201,FL004"]));
    assert!(!quiet.contains("FL201"), "{quiet}");

    let sarif = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "sarif", "--select", "FL201,FL004"];
        args.extend_from_slice(extra);
        let log = json(&run_in(dir.path(), &args));
        log["runs"][0]["results"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    assert!(sarif(&[]).is_empty(), "SARIF leaves suppressed results out");
    let shown = sarif(&["--show-suppressed"]);
    assert_eq!(shown.len(), 1, "{shown:#?}");
    assert_eq!(shown[0]["suppressions"][0]["kind"], kind);
    assert_eq!(
        shown[0]["suppressions"][0]["justification"].as_str(),
        reason
    );
}

#[test]
fn annotation_on_the_object() {
    let d = deployment(&[(
        "@META@",
        "\n  annotations:\n    fargate-lint.io/ignore: \"FL201 # mirrored by the proxy\"",
    )]);
    assert_suppresses(&d, None, "inSource", Some("mirrored by the proxy"));
}

#[test]
fn annotation_on_the_pod_template_by_name_or_all() {
    for (value, reason) in [
        ("non-ecr-image", None),
        ("all", None),
        ("FL201 # one reason", Some("one reason")),
    ] {
        let d = deployment(&[(
            "@POD@",
            &format!("\n      annotations:\n        fargate-lint.io/ignore: \"{value}\"") as &str,
        )]);
        assert_suppresses(&d, None, "inSource", reason);
    }
}

#[test]
fn comment_on_the_line_above() {
    let d = deployment(&[(
        "@ABOVE@",
        "\n          # fargate-lint: ignore[FL201] vendored, pulled through a cache",
    )]);
    assert_suppresses(
        &d,
        None,
        "inSource",
        Some("vendored, pulled through a cache"),
    );
}

#[test]
fn comment_on_the_same_line() {
    let d = deployment(&[("@SAME@", " # fargate-lint: ignore[non-ecr-image]")]);
    assert_suppresses(&d, None, "inSource", None);
}

#[test]
fn comment_two_lines_above_does_not_suppress() {
    let d = deployment(&[("@POD@", "\n    # fargate-lint: ignore[FL201]")]);
    let dir = repo(&d, None);
    let (code, report) = check(dir.path(), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(codes(&report), ["FL004", "FL201"], "{report:#}");
}

#[test]
fn ignore_file_comment() {
    let d = format!(
        "# fargate-lint: ignore-file[FL201]: all images are mirrored\n{}",
        deployment(&[])
    );
    assert_suppresses(&d, None, "inSource", Some("all images are mirrored"));
}

#[test]
fn config_ignore_on_paths_and_on_objects() {
    let d = deployment(&[]);
    assert_suppresses(
        &d,
        Some(
            "[[ignore]]\nrules = [\"FL201\"]\npaths = [\"k8s/web.yaml\"]\nreason = \"vendored\"\n",
        ),
        "external",
        Some("vendored"),
    );
    assert_suppresses(
        &d,
        Some("[[ignore]]\nrules = [\"non-ecr-image\"]\nobjects = [\"apps/w*\"]\n"),
        "external",
        None,
    );
    // Paths and objects must both match.
    let dir = repo(
        &d,
        Some(
            "[[ignore]]\nrules = [\"FL201\"]\npaths = [\"k8s/**\"]\nobjects = [\"kube-system/*\"]\n",
        ),
    );
    assert_eq!(codes(&check(dir.path(), &[]).1), ["FL201"]);
}

#[test]
fn config_ignore_errors_point_at_the_value() {
    for (config, expected) in [
        (
            "[[ignore]]\nrules = [\"FL2001\"]\npaths = [\"x\"]\n",
            ".fargate-lint.toml:2:10: `FL2001` names no rule",
        ),
        (
            "[[ignore]]\nrules = [\"FL201\"]\npaths = [\"a/[\"]\n",
            ".fargate-lint.toml:3:10: invalid paths glob",
        ),
        (
            "[[ignore]]\nrules = [\"FL201\"]\n",
            ".fargate-lint.toml:1:1: an [[ignore]] table needs `paths` or `objects`",
        ),
        (
            "[[ignore]]\nrule = [\"FL201\"]\n",
            ".fargate-lint.toml:2:1: unknown field `rule`",
        ),
    ] {
        let dir = repo(&deployment(&[]), Some(config));
        let o = run_in(dir.path(), &["check"]);
        assert_eq!(o.status.code(), Some(2), "{config}");
        assert!(stderr(&o).contains(expected), "{config}: {}", stderr(&o));
    }
}

#[test]
fn unused_suppressions_are_fl004_notes() {
    // A comment that suppresses nothing, an annotation that does neither, a code that names
    // no rule, and a comment that is not a suppression.
    let d = deployment(&[
        (
            "@META@",
            "\n  annotations:\n    fargate-lint.io/ignore: \"FL201,FL203\"",
        ),
        ("@ABOVE@", "\n          # fargate-lint: ignore[FL201]"),
        ("@SAME@", " # fargate-lint: ignore[FL999]"),
        ("@POD@", "\n    # fargate-lint: disable FL201"),
    ]);
    let dir = repo(&d, None);
    let (code, report) = check(dir.path(), &["--select", "FL201,FL203,FL004"]);
    // Notes do not fail the run at the default `--fail-on warning`.
    assert_eq!(code, Some(0), "{report:#}");
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == "FL004")
        .filter_map(|f| f["message"].as_str())
        .collect();
    // The comment above the image and the annotation both cover FL201, so both are used
    // (overlapping suppressions are not "unused"); the annotation's FL203 is not.
    assert_eq!(messages.len(), 3, "{messages:#?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("suppression of FL203 (annotation"))
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`FL999` in this suppression names no rule"))
    );
    assert!(messages.iter().any(|m| m.contains("is not a suppression")));
    assert_eq!(report["summary"]["note"], 3);
    assert_eq!(
        check(
            dir.path(),
            &["--select", "FL201,FL203,FL004", "--fail-on", "note"]
        )
        .0,
        Some(1)
    );
}

#[test]
fn unused_is_judged_on_every_rule_whatever_the_selection() {
    let d = deployment(&[("@ABOVE@", "\n          # fargate-lint: ignore[FL201,FL203]")]);
    let dir = repo(&d, None);
    // FL201 was used; FL203 ran (not selected for output) and found nothing on the line.
    let (_, report) = check(dir.path(), &[]);
    assert_eq!(codes(&report), ["FL004"], "{report:#}");
    assert!(
        finding(&report, "FL004")["message"]
            .as_str()
            .is_some_and(|m| m.contains("suppression of FL203")),
        "{report:#}"
    );
    // A rule switched off has no findings to suppress: its part of the list says nothing.
    let dir = repo(&d, Some("[rules]\nFL203 = \"off\"\n"));
    assert_eq!(codes(&check(dir.path(), &[]).1), Vec::<String>::new());
}

#[test]
fn fl004_can_be_suppressed_and_switched_off() {
    let d = format!(
        "# fargate-lint: ignore-file[FL004]\n{}",
        deployment(&[("@ABOVE@", "\n          # fargate-lint: ignore[FL203]")])
    );
    let dir = repo(&d, None);
    assert_eq!(
        codes(&check(dir.path(), &["--select", "FL201,FL203,FL004"]).1),
        ["FL201"]
    );

    let d = deployment(&[("@ABOVE@", "\n          # fargate-lint: ignore[FL203]")]);
    let dir = repo(&d, Some("[rules]\nFL004 = \"off\"\n"));
    assert_eq!(
        codes(&check(dir.path(), &["--select", "FL201,FL203,FL004"]).1),
        ["FL201"]
    );
    let dir = repo(&d, Some("[rules]\nunused-suppression = \"error\"\n"));
    let (code, report) = check(dir.path(), &["--select", "FL201,FL203,FL004"]);
    assert_eq!(code, Some(1));
    assert_eq!(finding(&report, "FL004")["severity"], "error");
}

/// A file of more than a megabyte is parsed in pieces, and a piece without the directives'
/// prefix is parsed without comments: a directive in a later piece still suppresses its
/// finding, and the same Deployment in the first piece, without one, still fires.
#[test]
fn a_directive_in_a_later_piece_of_a_large_file_suppresses() {
    let filler = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: filler\ndata:\n  a: b\n";
    let plain = deployment(&[]);
    let suppressed = deployment(&[("@SAME@", " # fargate-lint: ignore[FL201]")]);
    let mut text = plain;
    while text.len() < 1_500_000 {
        text.push_str("---\n");
        text.push_str(filler);
    }
    text.push_str("---\n");
    text.push_str(&suppressed.replace("name: web", "name: web2"));
    let dir = repo(&text, None);
    let (code, report) = check(dir.path(), &["--show-suppressed"]);
    assert_eq!(code, Some(1), "{report:#}");
    let fl201: Vec<_> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == "FL201")
        .collect();
    assert_eq!(fl201.len(), 2, "{report:#}");
    assert!(fl201[0]["suppressed"].is_null(), "{:#}", fl201[0]);
    assert_eq!(fl201[1]["suppressed"]["kind"], "inSource", "{:#}", fl201[1]);
    assert!(fl201[1]["line"].as_u64() > Some(30_000), "{:#}", fl201[1]);
}
