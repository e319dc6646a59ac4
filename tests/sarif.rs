//! `check --format sarif` end to end: logs from several fixtures are valid against the SARIF
//! 2.1.0 schema, artifact URIs are relative to the repository root wherever the command runs,
//! fingerprints survive unrelated lines moving, every rule is described. And
//! `check --format github` prints one workflow command per finding.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

/// `testdata/schemas/sarif-schema-2.1.0.json`, the OASIS schema (draft 04), kept with the
/// tests (its source is in `testdata/schemas/PROVENANCE.tsv`) so that they always run.
fn sarif_validator() -> jsonschema::Validator {
    let path = root().join("testdata/schemas/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the SARIF schema is missing at {}: {e}", path.display()));
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

/// Runs `check --format sarif ARGS` in `dir` and returns the log, checking that stdout is
/// nothing but JSON.
fn sarif_in(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["check", "--format", "sarif"];
    all.extend_from_slice(args);
    let o = run_in(dir, &all);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "exit {:?}: {}",
        o.status.code(),
        stderr(&o)
    );
    json(&o)
}

fn sarif(args: &[&str]) -> Value {
    sarif_in(&root(), args)
}

fn assert_valid(log: &Value, what: &str) {
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: invalid SARIF:\n{}",
        errors.join("\n")
    );
}

fn results(log: &Value) -> Vec<Value> {
    log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Every `testdata/rules/*/fires*` file.
fn firing_fixtures() -> Vec<String> {
    let mut out = Vec::new();
    let Ok(dirs) = std::fs::read_dir(root().join("testdata/rules")) else {
        return out;
    };
    for dir in dirs.flatten() {
        let Ok(files) = std::fs::read_dir(dir.path()) else {
            continue;
        };
        for f in files.flatten() {
            let name = f.file_name().to_string_lossy().into_owned();
            if name.starts_with("fires") {
                out.push(format!(
                    "testdata/rules/{}/{name}",
                    dir.file_name().to_string_lossy()
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn logs_from_fixtures_are_valid_sarif_2_1_0() {
    let mut inputs = vec![
        "testdata/example".to_string(),
        "testdata/hostile/three-documents-middle-broken.yaml".to_string(),
        // Unreadable inputs: binary, not UTF-8 (tool execution notifications).
        "testdata/hostile".to_string(),
    ];
    let fires = firing_fixtures();
    assert!(!fires.is_empty(), "no testdata/rules/*/fires* fixtures");
    inputs.extend(fires);
    for input in &inputs {
        let log = sarif(&[input]);
        assert_valid(&log, input);
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(log["runs"].as_array().map(Vec::len), Some(1), "{input}");
        if input.contains("/fires") {
            assert!(!results(&log).is_empty(), "{input} fires no result");
        }
    }
}

#[test]
fn clean_run_has_empty_results_and_one_successful_invocation() {
    // Nothing that any rule reads, so that new rules do not make it unclean.
    let repo = scratch_repo(&[("app/config.yaml", CONFIG_MAP)]);
    let log = sarif_in(repo.path(), &["app"]);
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    let inv = &log["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], true);
    assert!(
        inv["workingDirectory"]["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("file:///") && u.ends_with('/')),
        "{inv:#}"
    );
    assert_eq!(log["runs"][0]["columnKind"], "unicodeCodePoints");
    // Without --sarif-category there is none: GitHub keeps analyses apart by workflow and job.
    assert!(log["runs"][0].get("automationDetails").is_none(), "{log:#}");
}

#[test]
fn broken_document_snapshot() {
    let mut log = sarif(&[
        "--ignore",
        "FL006",
        "testdata/hostile/three-documents-middle-broken.yaml",
    ]);
    // The rule catalogue grows with every rule and has its own test; the folders are
    // machine-specific.
    let run = &mut log["runs"][0];
    run["tool"]["driver"]["rules"] = Value::from("[every rule]");
    run["invocations"][0]["workingDirectory"]["uri"] = Value::from("[cwd]");
    run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = Value::from("[repository root]");
    insta::assert_json_snapshot!(log);
}

#[test]
fn rules_lists_every_rule_with_its_metadata() {
    let catalogue = json(&run(&["rules", "--format", "json"]));
    let codes: Vec<&str> = catalogue
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["code"].as_str()).collect())
        .unwrap_or_default();
    let log = sarif(&["testdata/example"]);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, codes);
    for r in &rules {
        for key in [
            "name",
            "shortDescription",
            "fullDescription",
            "help",
            "helpUri",
        ] {
            assert!(!r[key].is_null(), "{} has no {key}", r["id"]);
        }
        assert!(
            r["help"]["markdown"]
                .as_str()
                .is_some_and(|m| m.starts_with("# FL"))
        );
        assert!(matches!(
            r["defaultConfiguration"]["level"].as_str(),
            Some("error" | "warning" | "note")
        ));
        let tags = r["properties"]["tags"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(tags.contains(&Value::from("fargate")), "{r:#}");
        let security = tags.contains(&Value::from("security"));
        assert_eq!(
            security,
            r["properties"]["security-severity"].is_string(),
            "{}",
            r["id"]
        );
    }
}

#[test]
fn result_points_at_the_rule_by_index() {
    let log = sarif(&[
        "--ignore",
        "FL006",
        "testdata/hostile/three-documents-middle-broken.yaml",
    ]);
    let rules = &log["runs"][0]["tool"]["driver"]["rules"];
    for r in results(&log) {
        let i = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
    }
}

#[test]
fn unreadable_inputs_are_tool_execution_notifications() {
    let log = sarif(&["testdata/hostile"]);
    let notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let uris: Vec<&str> = notes
        .iter()
        .filter_map(|n| n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    // Binary and not UTF-8 are tool errors; a document that does not parse is a result only.
    assert_eq!(
        uris,
        [
            "testdata/hostile/binary.yaml",
            "testdata/hostile/not-utf8.yaml"
        ]
    );
}

fn uris(log: &Value) -> Vec<String> {
    results(log)
        .iter()
        .map(|r| {
            let a = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            assert_eq!(a["uriBaseId"], "%SRCROOT%", "{a}");
            a["uri"].as_str().unwrap_or("").to_string()
        })
        .collect()
}

#[test]
fn uris_are_relative_to_the_repository_root_from_a_subfolder() {
    let from_root = sarif(&[
        "--ignore",
        "FL006",
        "testdata/hostile/three-documents-middle-broken.yaml",
    ]);
    let from_sub = sarif_in(
        &root().join("testdata/rules"),
        &[
            "--ignore",
            "FL006",
            "../hostile/three-documents-middle-broken.yaml",
        ],
    );
    let expected = vec!["testdata/hostile/three-documents-middle-broken.yaml".to_string()];
    assert_eq!(uris(&from_root), expected);
    assert_eq!(uris(&from_sub), expected);
}

/// A throw-away repository: a `.git` folder is all the root search looks for.
fn scratch_repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::create_dir_all(dir.path().join(".git")).expect("mkdir .git");
    for (path, text) in files {
        let p = dir.path().join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, text).expect("write");
    }
    dir
}

const CONFIG_MAP: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n";

const BROKEN_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {app: web\nspec:\n  containers: []\n";

#[test]
fn uris_are_relative_to_the_repository_root_wherever_the_scan_starts() {
    let repo = scratch_repo(&[("deploy/k8s/prod/web.yaml", BROKEN_POD)]);
    let expected = vec!["deploy/k8s/prod/web.yaml".to_string()];
    // From the folder scanned, from its parent, and from the root with a folder.
    let a = sarif_in(&repo.path().join("deploy/k8s/prod"), &["."]);
    let b = sarif_in(&repo.path().join("deploy"), &["k8s"]);
    let c = sarif_in(repo.path(), &["deploy/k8s/prod/web.yaml"]);
    let d = sarif_in(&repo.path().join("deploy/k8s/prod"), &["../prod/web.yaml"]);
    for log in [&a, &b, &c, &d] {
        assert_eq!(uris(log), expected);
        assert_valid(log, "scratch repository");
    }
    let root_uri = log_root_uri(&a);
    assert!(root_uri.starts_with("file:///") && root_uri.ends_with('/'));
    assert_eq!(root_uri, log_root_uri(&b));
}

fn log_root_uri(log: &Value) -> String {
    log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

fn fingerprints(log: &Value) -> Vec<(String, u64)> {
    results(log)
        .iter()
        .map(|r| {
            (
                r["partialFingerprints"]["fargateLint/v1"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn fingerprint_survives_an_unrelated_line_inserted_above() {
    let repo = scratch_repo(&[("web.yaml", BROKEN_POD)]);
    let before = fingerprints(&sarif_in(repo.path(), &["web.yaml"]));
    std::fs::write(
        repo.path().join("web.yaml"),
        format!("# owned by the web team\n{BROKEN_POD}"),
    )
    .expect("write");
    let after = fingerprints(&sarif_in(repo.path(), &["web.yaml"]));
    assert_eq!(before.len(), 1);
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].1, before[0].1 + 1, "the finding moved down a line");
    assert_eq!(after[0].0, before[0].0, "but kept its fingerprint");
    let (hash, n) = before[0].0.split_once(':').expect("hash:n");
    assert_eq!(hash.len(), 16);
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(n, "1");
}

#[test]
fn category_is_settable() {
    let log = sarif(&["--sarif-category", "prod", "testdata/example"]);
    assert_eq!(log["runs"][0]["automationDetails"]["id"], "prod/");
}

#[test]
fn github_format_prints_one_command_per_finding() {
    let o = run(&[
        "check",
        "--format",
        "github",
        "--ignore",
        "FL006",
        "testdata/hostile/three-documents-middle-broken.yaml",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "::error file=testdata/hostile/three-documents-middle-broken.yaml,line=16,col=5,\
         endLine=16,endColumn=5,title=FL001 invalid-yaml::cannot parse: while parsing a flow \
         mapping, did not find expected ',' or '}'%0Ahelp: fix the document here; the other \
         documents of the file are still checked\n"
    );
    let repo = scratch_repo(&[("config.yaml", CONFIG_MAP)]);
    let clean = run_in(repo.path(), &["check", "--format", "github", "."]);
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(stdout(&clean), "");
}

/// GitHub code scanning refuses a rule whose `fullDescription` is over 1,024 characters.
#[test]
fn every_rule_full_description_fits_github_limit() {
    let log = sarif(&["testdata/example"]);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!rules.is_empty());
    for rule in &rules {
        let text = rule["fullDescription"]["text"].as_str().unwrap_or("");
        let chars = text.chars().count();
        assert!(chars <= 1024, "{}: {chars} characters", rule["id"]);
    }
}

/// `upload-sarif` computes `primaryLocationLineHash` itself and warns for every result whose
/// precomputed value differs: the log leaves that key to it.
#[test]
fn the_log_leaves_github_fingerprint_to_the_uploader() {
    let log = sarif(&["testdata/example"]);
    for r in results(&log) {
        let keys: Vec<&String> = r["partialFingerprints"]
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["fargateLint/v1"], "{r:#}");
    }
}
