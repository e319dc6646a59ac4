//! `fargate-lint check` end to end: exit codes, JSON shape, human output, hostile input,
//! `-o`, rule selection, `rules` and `explain`.

mod common;

use std::time::{Duration, Instant};

use common::*;

#[test]
fn clean_example_exits_zero_with_json_summary() {
    let o = run(&["check", "--format", "json", "testdata/example"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!(stdout(&o));
    let report = json(&o);
    assert_eq!(report["summary"]["files"], 3);
    assert_eq!(report["summary"]["clusters"], 1);
    assert_eq!(report["summary"]["workloads"], 3);
}

#[test]
fn default_command_is_check() {
    let a = run(&["--format", "json", "testdata/example"]);
    let b = run(&["check", "--format", "json", "testdata/example"]);
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn missing_path_is_a_failed_run() {
    let o = run(&["check", "testdata/does-not-exist"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does-not-exist"), "{}", stderr(&o));
}

#[test]
fn bad_usage_exits_two() {
    assert_eq!(
        run(&["check", "--format", "yaml", "."]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["check", "--select", "FL999", "testdata/example"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn broken_middle_document_is_reported_and_the_others_still_count() {
    let o = run(&[
        "check",
        "--format",
        "json",
        "--ignore",
        "FL006",
        "testdata/hostile/three-documents-middle-broken.yaml",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let report = json(&o);
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    assert_eq!(findings.len(), 1, "{report:#}");
    assert_eq!(findings[0]["code"], "FL001");
    assert_eq!(findings[0]["line"], 16);
    assert_eq!(findings[0]["column"], 5);
    assert_eq!(
        report["summary"]["workloads"], 2,
        "first and third pods still count"
    );
    assert_eq!(report["summary"]["documents"], 3);
}

#[test]
fn human_output_has_code_position_snippet_and_explain_hint() {
    let o = run(&[
        "check",
        "--ignore",
        "FL006",
        "testdata/hostile/three-documents-middle-broken.yaml",
    ]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn fail_on_never_and_error() {
    let path = "testdata/hostile/three-documents-middle-broken.yaml";
    assert_eq!(
        run(&["check", "--fail-on", "never", path]).status.code(),
        Some(0)
    );
    assert_eq!(
        run(&["check", "--fail-on", "error", path]).status.code(),
        Some(1)
    );
    // An input that was not read counts whatever the selection (like ruff's syntax errors).
    for selection in [
        ["--ignore", "FL001,FL006"],
        ["--select", "FL0"],
        ["--select", "unresolved-value"],
    ] {
        let o = run(&[
            "check",
            "--format",
            "json",
            selection[0],
            selection[1],
            path,
        ]);
        assert_eq!(o.status.code(), Some(1), "{selection:?}");
        let report = json(&o);
        let findings = report["findings"].as_array().cloned().unwrap_or_default();
        assert!(
            findings.iter().any(|f| f["code"] == "FL001"),
            "{selection:?}: {report:#}"
        );
    }
}

#[test]
fn unresolved_values_are_notes() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("aws-containers__eks-app-mesh-polyglot-demo/deployment");
    let o = run_in(&dir, &["check", "--format", "json", "clusterconfig.yaml"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "notes do not fail the run: {}",
        stderr(&o)
    );
    let report = json(&o);
    let f = &report["findings"][0];
    assert_eq!(f["code"], "FL002");
    assert_eq!(f["severity"], "note");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(7), Some(11))
    );
    assert_eq!(
        (f["end_line"].as_u64(), f["end_column"].as_u64()),
        (Some(7), Some(24))
    );
}

#[test]
fn output_file_is_written_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("report.json");
    let out_s = out.to_string_lossy().into_owned();
    let o = run(&[
        "check",
        "--format",
        "json",
        "-o",
        &out_s,
        "testdata/example",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
    let text = std::fs::read_to_string(&out).expect("report written");
    assert!(text.contains("\"findings\""));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");
    let o = run(&["check", "-o", "/nonexistent-dir/x.json", "testdata/example"]);
    assert_eq!(o.status.code(), Some(2));
}

/// Copies the files of `testdata/hostile` (not its folders: `fuzz/` is run file by file by
/// tests/fuzz_regressions.rs) and adds what git cannot hold: a symlink loop, an unreadable
/// file and a dangling symlink.
fn hostile_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = root().join("testdata/hostile");
    for entry in std::fs::read_dir(&src).expect("hostile folder") {
        let entry = entry.expect("entry");
        // Folders (`injection/`, `fuzz/`) hold fixtures of their own tests.
        if !entry.path().is_file() {
            continue;
        }
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    let sub = dir.path().join("loop");
    std::fs::create_dir(&sub).expect("mkdir");
    std::os::unix::fs::symlink("..", sub.join("back")).expect("symlink loop");
    std::os::unix::fs::symlink("missing.yaml", dir.path().join("dangling.yaml")).expect("symlink");
    let unreadable = dir.path().join("unreadable.yaml");
    std::fs::write(&unreadable, "apiVersion: v1\nkind: Pod\n").expect("write");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&unreadable, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    dir
}

#[test]
fn hostile_folder_is_reported_quickly_without_a_crash() {
    let dir = hostile_copy();
    let start = Instant::now();
    let o = run_in(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--verbose",
            "--ignore",
            "FL006",
            ".",
        ],
    );
    // A bound far above the real time (well under a second), only to catch a hang.
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report = json(&o);
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let at = |file: &str| {
        findings
            .iter()
            .find(|f| f["file"].as_str().is_some_and(|p| p.starts_with(file)))
            .unwrap_or_else(|| panic!("nothing reported for {file}: {report:#}"))
            .clone()
    };
    for (file, line) in [
        ("billion-laughs.yaml", 1),
        ("deep-flow.yaml", 5),
        ("deep-block.yaml", 7),
        ("binary.yaml", 3),
        ("not-utf8.yaml", 4),
        ("three-documents-middle-broken.yaml", 16),
        ("dangling.yaml", 1),
    ] {
        let f = at(file);
        assert_eq!(f["code"], "FL001", "{f:#}");
        assert_eq!(f["line"], line, "{f:#}");
    }
    assert!(
        at("billion-laughs.yaml")["message"]
            .as_str()
            .is_some_and(|m| m.contains("aliasing"))
    );
    assert!(
        at("loop")["message"]
            .as_str()
            .is_some_and(|m| m.contains("loop")),
        "{report:#}"
    );
    // Root reads a mode-000 file all the same; anyone else gets an error for it.
    let readable = std::fs::read(dir.path().join("unreadable.yaml")).is_ok();
    if !readable {
        assert!(
            at("unreadable.yaml")["message"]
                .as_str()
                .is_some_and(|m| m.contains("ermission"))
        );
    }
    assert!(
        stderr(&o).contains("skipped empty.yaml: empty file"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("panicked"));
}

/// The summary counts placements (workload × cluster): two clusters, one without EC2
/// capacity; `web` lands on Fargate in both, the DaemonSet on EC2 in one and nowhere in the
/// other.
#[test]
fn summary_counts_placements_on_fargate_ec2_and_pending() {
    let dir = "testdata/rules/FL215/ok";
    let o = run(&["check", "--format", "json", "--fail-on", "never", dir]);
    let report = json(&o);
    let summary = &report["summary"];
    assert_eq!(summary["clusters"], 2);
    assert_eq!(summary["workloads"], 2);
    assert_eq!(
        (&summary["fargate"], &summary["ec2"], &summary["pending"]),
        (&2.into(), &1.into(), &1.into()),
        "{summary:#}"
    );
    let human = stdout(&run(&["check", "--fail-on", "never", dir]));
    assert!(
        human.contains("2 workloads (placements: 2 on Fargate, 1 on EC2, 1 pending): "),
        "{human}"
    );
    // One cluster: each workload is placed once.
    let human = stdout(&run(&["check", "testdata/example"]));
    assert!(
        human.contains("3 workloads (placed: 2 on Fargate, 1 on EC2, 0 pending): "),
        "{human}"
    );
}

/// An input that was not read is never silenced: not by `[rules]`, not by a suppression in
/// the broken file itself (which FL004 then reports as unused).
#[test]
fn input_problems_cannot_be_turned_off_or_suppressed() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write(dir.path(), ".git/HEAD", "");
    write(
        dir.path(),
        ".fargate-lint.toml",
        "[rules]\nFL001 = \"off\"\nFL006 = \"off\"\n",
    );
    write(
        dir.path(),
        "broken.yaml",
        "# fargate-lint: ignore-file[all]\n# fargate-lint: ignore-file[FL001]\napiVersion: v1\nkind: Pod\nmetadata: {name: [\n",
    );
    let o = run_in(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let report = json(&o);
    let codes = finding_fields(&report, "code");
    assert!(codes.contains(&"FL001"), "{report:#}");
    assert_eq!(report["summary"]["error"], 1, "{report:#}");
}
