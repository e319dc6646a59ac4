//! Hostile input on the reading side: documents kubectl refuses are FL001 (never nothing),
//! memory is bounded by one document, input problems cannot be silenced, and no text
//! pre-filter skips a manifest written to slip past it. Big inputs are made in temporary
//! folders; small ones are in `testdata/hostile/`.

mod common;

use common::*;

/// The FL001 findings of a JSON report, as (line, column, message).
fn fl001(report: &serde_json::Value) -> Vec<(u64, u64, String)> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == "FL001")
        .map(|f| {
            (
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
                f["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn a_block_scalar_document_is_fl001_at_its_start_and_the_next_document_is_read() {
    let o = run(&[
        "check",
        "--format",
        "json",
        "testdata/hostile/block-scalar-document.yaml",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report = json(&o);
    let found = fl001(&report);
    assert_eq!(found.len(), 1, "{report:#}");
    let (line, column, message) = &found[0];
    assert_eq!((*line, *column), (3, 1), "{message}");
    assert!(message.contains("single string"), "{message}");
    assert!(message.contains("`kind: ConfigMap`"), "{message}");
    assert!(message.contains("kubectl refuses"), "{message}");
    // The Deployment after the next `---` is read all the same; two documents in all.
    assert_eq!(report["summary"]["workloads"], 1, "{report:#}");
    assert_eq!(report["summary"]["documents"], 2, "{report:#}");
}

/// `--- >` followed by a whole Deployment at column 0: the Deployment is the text of a
/// string. It used to be skipped as "no Kubernetes object" with exit 0.
#[test]
fn a_manifest_hidden_in_a_block_scalar_is_not_skipped() {
    let o = run(&[
        "check",
        "--format",
        "json",
        "--verbose",
        "testdata/hostile/block-scalar-only.yaml",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report = json(&o);
    let found = fl001(&report);
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!((found[0].0, found[0].1), (1, 1));
    assert!(found[0].2.contains("`>`"), "{}", found[0].2);
    assert!(found[0].2.contains("`kind: Deployment`"), "{}", found[0].2);
    assert_eq!(report["summary"]["skipped"], 0, "{report:#}");
    assert!(!stderr(&o).contains("skipped"), "{}", stderr(&o));
}

#[test]
fn a_list_of_objects_without_kind_list_is_fl001() {
    let o = run(&[
        "check",
        "--format",
        "json",
        "testdata/hostile/list-document.yaml",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let found = fl001(&json(&o));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0, found[0].1), (2, 1));
    assert!(
        found[0].2.contains("a list, not an object"),
        "{}",
        found[0].2
    );
}

/// Strings and lists are FL001 only in a file meant for kubectl: a YAML list or a string
/// elsewhere (an Ansible playbook, a text snippet) stays a skipped file.
#[test]
fn strings_and_lists_in_files_that_are_not_manifests_are_skipped() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "playbook.yaml",
        "- hosts: all\n  tasks:\n    - name: ping\n      ping: {}\n",
    );
    write(dir.path(), "note.yaml", "--- |\n  just some text\n");
    write(dir.path(), "nulls.yaml", "---\n~\n---\nnull\n---\n");
    let o = run_in(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let report = json(&o);
    assert!(fl001(&report).is_empty(), "{report:#}");
    assert_eq!(report["summary"]["skipped"], 3, "{report:#}");
}

/// In a file of Kubernetes objects, a document that is a plain string is refused too.
#[test]
fn a_string_document_among_objects_is_fl001() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "app.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\nhello world\n---\n",
    );
    let o = run_in(dir.path(), &["check", "--format", "json", "app.yaml"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let found = fl001(&json(&o));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0, found[0].1), (5, 1));
    assert!(found[0].2.contains("a single string"), "{}", found[0].2);
}

/// Runs `fargate-lint ARGS` in `dir` with at most `kib` KiB of address space (RLIMIT_AS,
/// through the shell's `ulimit -v`) and one worker thread (each thread's malloc arena takes
/// address space of its own).
fn run_limited(dir: &std::path::Path, kib: u64, args: &str) -> std::process::Output {
    common::isolate(&mut std::process::Command::new("sh"))
        .arg("-c")
        .arg(format!("ulimit -v {kib} && exec \"$0\" {args} -j 1"))
        .arg(env!("CARGO_BIN_EXE_fargate-lint"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("sh runs")
}

/// A million empty documents (`---` lines, 4 MB) took 421 MB: each was kept as a document
/// with its own node arena. Now empty documents are counted, and every other document is
/// read and dropped one at a time.
#[test]
fn a_million_empty_documents_fit_in_little_memory() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("empty.yaml"), "---\n".repeat(1_000_000)).expect("write");
    let o = run_limited(dir.path(), 300_000, "check --format json empty.yaml");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json(&o)["summary"]["documents"], 1_000_000);
}

/// 300,000 small objects, the comments of a file, and a broken document repeated: none of it
/// is kept per document beyond what the model needs.
#[test]
fn many_small_documents_and_comments_fit_in_little_memory() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("small.yaml"),
        "---\na: b\n# a comment\n".repeat(300_000),
    )
    .expect("write");
    let o = run_limited(dir.path(), 300_000, "check --format json small.yaml");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json(&o)["summary"]["documents"], 300_000);
}

/// 200,000 broken documents made 200,000 findings (260 MB); the first 100 are reported and
/// one more finding says how many others there are.
#[test]
fn problems_per_file_are_capped_and_the_rest_counted() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("broken.yaml"), "---\n]\n".repeat(200_000)).expect("write");
    let o = run_limited(dir.path(), 300_000, "check --format json broken.yaml");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report = json(&o);
    let found = fl001(&report);
    assert_eq!(found.len(), 101);
    let more: Vec<_> = found
        .iter()
        .filter(|f| f.2.contains("more documents"))
        .collect();
    assert_eq!(more.len(), 1, "{found:?}");
    assert!(
        more[0]
            .2
            .starts_with("199900 more documents of this file cannot be read"),
        "{}",
        more[0].2
    );
    assert_eq!(report["summary"]["documents"], 200_000);
}

/// A profile with 50,000 ordinary selector labels and 50,000 placeholder ones: each rule
/// asking whether a label is a placeholder scanned every placeholder of the model
/// (quadratic, about 30 s in a debug build); it is a set lookup now. Speed is measured in
/// benchmarks, not timed here: the test keeps the case working at a scale that was slow.
#[test]
fn placeholder_lookups_are_not_quadratic() {
    let n = 50_000;
    let mut text = String::from(APPS_CLUSTER);
    text.push_str("      - namespace: apps\n        labels:\n");
    for i in 0..n {
        text.push_str(&format!("          k{i}: v\n"));
    }
    text.push_str("      - namespace: other\n        labels:\n");
    for i in 0..n {
        text.push_str(&format!("          p{i}: ${{V{i}}}\n"));
    }
    text.push_str(
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: apps\nspec:\n  containers:\n    - name: a\n      image: nginx\n",
    );
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "cluster.yaml", &text);
    let o = run_in(dir.path(), &["check", "--format", "json", "cluster.yaml"]);
    assert!(json(&o)["findings"].is_array());
}

/// A Pod in JSON: `KEY` is how its `apiVersion` key is written, `LEAD` what comes before the
/// `{`.
fn json_pod(lead: &str, key: &str) -> String {
    format!(
        "{lead}{{\"{key}\": \"v1\", \"kind\": \"Pod\", \"metadata\": {{\"name\": \"web\", \"namespace\": \"apps\"}}, \"spec\": {{\"containers\": [{{\"name\": \"a\", \"image\": \"nginx\"}}]}}}}\n"
    )
}

/// JSON files are parsed only when they may hold an object we read; that text test read
/// `"\u0061piVersion"` as no `"apiVersion"` and skipped the file, exit 0.
#[test]
fn json_with_escaped_keys_or_an_invisible_start_is_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "escaped.json",
        &json_pod("", r"\u0061piVersion"),
    );
    write(
        dir.path(),
        "bom.json",
        &json_pod("\u{feff}", r"api\u0056ersion"),
    );
    let o = run_in(dir.path(), &["check", "--format", "json", "-v", "."]);
    let report = json(&o);
    assert_eq!(report["summary"]["workloads"], 2, "{report:#}");
    assert_eq!(report["summary"]["skipped"], 0, "{}", stderr(&o));

    // A zero-width space before the `{` is not white space to kubectl either: the file is
    // read (and does not parse), not skipped.
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "zwsp.json",
        &json_pod("\u{200b}", r"\u0061piVersion"),
    );
    let o = run_in(dir.path(), &["check", "--format", "json", "."]);
    let report = json(&o);
    assert_eq!(report["summary"]["skipped"], 0, "{report:#}");
    assert_eq!(fl001(&report).len(), 1, "{report:#}");
    assert_eq!(o.status.code(), Some(1));
}

/// What the pre-filter is for still holds: JSON with comments and escapes that is not a
/// manifest (a tsconfig.json) is skipped, not FL001.
#[test]
fn json_that_is_no_manifest_stays_skipped_with_escapes() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "tsconfig.json",
        "{\n  // comments are not JSON\n  \"compilerOptions\": {\"newLine\": \"\\n\", \"x\": \"\\u00e9\"}\n}\n",
    );
    let o = run_in(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let report = json(&o);
    assert!(fl001(&report).is_empty(), "{report:#}");
    assert_eq!(report["summary"]["skipped"], 1, "{report:#}");
}

/// `--find-clusters` looks for cluster definitions with a text test too; an escaped
/// `ClusterConfig` (JSON `\u0043`, YAML `\x43`) was not found.
#[test]
fn find_clusters_finds_escaped_cluster_definitions() {
    for (path, cluster) in [
        (
            "infra/prod.json",
            r#"{"apiVersion": "eksctl.io/v1alpha5", "kind": "\u0043lusterConfig", "metadata": {"name": "prod", "region": "eu-west-1"}, "fargateProfiles": [{"name": "apps", "selectors": [{"namespace": "apps"}]}]}"#,
        ),
        (
            "infra/prod.yaml",
            "apiVersion: eksctl.io/v1alpha5\nkind: \"Cluster\\x43onfig\"\nmetadata:\n  name: prod\n  region: eu-west-1\nfargateProfiles:\n  - name: apps\n    selectors:\n      - namespace: apps\n",
        ),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        write(dir.path(), ".git/HEAD", "ref: refs/heads/main\n");
        write(dir.path(), path, cluster);
        write(
            dir.path(),
            "k8s/web.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: apps\nspec:\n  containers:\n    - name: a\n      image: nginx\n",
        );
        let o = run_in(
            dir.path(),
            &["check", "--format", "json", "--find-clusters", "k8s"],
        );
        let report = json(&o);
        assert_eq!(report["summary"]["clusters"], 1, "{path}: {report:#}");
        assert_eq!(report["summary"]["fargate"], 1, "{path}: {report:#}");
    }
}

/// 60,000 EKS API profiles, each of a cluster of its own (a 4 MB file): each was merged by
/// scanning every cluster so far (quadratic, about a minute in a debug build); clusters are
/// indexed by name now (not timed here: the case is kept working at that scale).
#[test]
fn many_clusters_are_merged_in_linear_time() {
    let n = 60_000;
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!(
            "---\nfargateProfileName: p\nclusterName: c{i}\nselectors:\n  - namespace: apps\n"
        ));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "profiles.yaml", &text);
    let o = run_in(dir.path(), &["check", "--format", "json", "profiles.yaml"]);
    assert_eq!(json(&o)["summary"]["clusters"], n);
}

/// A Pod with one top-level key written 100,000 times: each repeat was looked up among all
/// top-level keys (quadratic); a set now (not timed here).
#[test]
fn duplicate_top_level_keys_are_found_in_linear_time() {
    let n = 100_000;
    let mut text = String::from("apiVersion: v1\nkind: Pod\n");
    for i in 0..n {
        text.push_str(&format!("x: {i}\n"));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "pod.yaml", &text);
    let o = run_in(dir.path(), &["check", "--format", "json", "pod.yaml"]);
    let report = json(&o);
    let fl005 = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == "FL005")
        .count();
    assert_eq!(fl005, n - 1);
}

/// The read limit is 8 MiB by default (a file just under 32 MiB, the old limit, took up to
/// 16 s and 2.3 GB); past it a file is FL001 naming the option, which raises or lowers it,
/// from the command line or the environment.
#[test]
fn the_read_limit_is_eight_mib_and_max_file_size_sets_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let limit = 8 * 1024 * 1024;
    let fits = "#".repeat(limit - 1) + "\n";
    std::fs::write(dir.path().join("fits.yaml"), &fits).expect("write");
    std::fs::write(dir.path().join("over.yaml"), fits + "\n").expect("write");
    let run = |args: &[&str], env: Option<&str>| {
        let mut c = command();
        c.current_dir(dir.path()).args(args);
        if let Some(size) = env {
            c.env("FARGATE_LINT_MAX_FILE_SIZE", size);
        }
        c.output().expect("runs")
    };
    let o = run(&["check", "--format", "json", "."], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let found = fl001(&json(&o));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].2,
        "the file is too large: over the limit of 8388608 bytes (--max-file-size)"
    );
    let o = run(
        &["check", "--format", "json", "--max-file-size", "9M", "."],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["check", "--format", "json", "fits.yaml"], Some("1K"));
    assert_eq!(fl001(&json(&o)).len(), 1, "{}", stderr(&o));
    let o = run(&["check", "--max-file-size", "0", "fits.yaml"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a size"), "{}", stderr(&o));
}
