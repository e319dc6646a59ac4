//! The command-line habits of ruff and kube-linter users, and the reports a CI job wants
//! from one run: `--output-format`, options from `FARGATE_LINT_*` variables, `--statistics`,
//! `--sarif-output` and `--summary-output` beside the main format, `--changed-files` and
//! `--max-annotations` for `--format github`, `--stdin-filename`.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use common::*;
use serde_json::Value;

/// `fargate-lint ARGS` in `dir` with `vars` set (after the isolation of [`command`]).
fn run_env(dir: &Path, vars: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = command();
    cmd.current_dir(dir).args(args);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

/// `fargate-lint ARGS` in `dir` with `input` on stdin.
fn run_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
    command()
        .current_dir(dir)
        .args(args)
        .write_stdin(input)
        .output()
        .expect("the binary runs")
}

/// A pod in namespace `apps` with a Docker Hub image and no requests: FL201 and FL211 when it
/// lands on Fargate.
const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  containers:
    - name: web
      image: nginx:1.25
";

/// A git repository with the apps cluster and a pod in each of `k8s/a.yaml` and
/// `k8s/b.yaml`.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::create_dir(dir.path().join(".git")).expect("a .git folder");
    write(dir.path(), "infra/cluster.yaml", APPS_CLUSTER);
    write(dir.path(), "k8s/a.yaml", POD);
    write(
        dir.path(),
        "k8s/b.yaml",
        &POD.replace("name: web\n  ", "name: other\n  "),
    );
    dir
}

#[test]
fn output_format_is_the_same_option_as_format() {
    let a = run(&["check", "--output-format", "json", "testdata/example"]);
    let b = run(&["check", "--format", "json", "testdata/example"]);
    assert_eq!(a.status.code(), b.status.code());
    assert_eq!(stdout(&a), stdout(&b));
    assert!(json(&a)["summary"].is_object());
}

#[test]
fn options_come_from_the_environment_and_the_command_line_wins() {
    let root = root();
    let o = run_env(
        &root,
        &[("FARGATE_LINT_FORMAT", "json")],
        &["check", "testdata/example"],
    );
    assert!(json(&o)["findings"].is_array(), "{}", stderr(&o));
    let o = run_env(
        &root,
        &[("FARGATE_LINT_FORMAT", "json")],
        &["check", "--format", "github", "testdata/example"],
    );
    assert!(stdout(&o).starts_with("::"), "{}", stdout(&o));

    // testdata/rules fails at the default `warning`; `never` from the environment passes.
    let failing = run(&["check", "--format", "json", "testdata/rules"]);
    assert_eq!(failing.status.code(), Some(1));
    let o = run_env(
        &root,
        &[("FARGATE_LINT_FAIL_ON", "never")],
        &["check", "--format", "json", "testdata/rules"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let o = run_env(
        &root,
        &[("FARGATE_LINT_SELECT", "FL105,FL213")],
        &["check", "--format", "json", "testdata/example"],
    );
    let report = json(&o);
    let codes: BTreeSet<&str> = finding_fields(&report, "code").into_iter().collect();
    assert_eq!(codes, BTreeSet::from(["FL105", "FL213"]));
}

#[test]
fn the_configuration_file_comes_from_the_environment_and_no_config_overrides_it() {
    let dir = repository();
    write(dir.path(), "strict.toml", "fail-on = \"never\"\n");
    let vars = [("FARGATE_LINT_CONFIG", "strict.toml")];
    let o = run_env(dir.path(), &vars, &["check", "-q", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run_env(dir.path(), &vars, &["check", "-q", "--no-config", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // A variable naming a file that is not there is an error, as `--config` would be.
    let o = run_env(
        dir.path(),
        &[("FARGATE_LINT_CONFIG", "nowhere.toml")],
        &["check", "."],
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn help_names_exactly_the_variables_tests_isolate() {
    // Every `[env: ...]` of `check --help` and `predict --help` is in ENV_OPTIONS (which
    // `common::command` removes), and every name there is read by some option.
    let mut seen = BTreeSet::new();
    for sub in ["check", "predict"] {
        let help = stdout(&run(&[sub, "--help"]));
        for part in help.split("[env: ").skip(1) {
            let name = part.split(['=', ']']).next().unwrap_or("");
            seen.insert(name.to_string());
        }
    }
    let listed: BTreeSet<String> = fargate_lint::cli::ENV_OPTIONS
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(seen, listed);
}

#[test]
fn statistics_count_per_rule_in_human_and_json_with_the_same_exit_code() {
    let human = run(&["check", "--statistics", "testdata/rules"]);
    let plain = run(&["check", "-q", "testdata/rules"]);
    assert_eq!(human.status.code(), plain.status.code());
    let json_out = run(&[
        "check",
        "--statistics",
        "--format",
        "json",
        "testdata/rules",
    ]);
    let stats: Value = json(&json_out);
    let full = json(&run(&["check", "--format", "json", "testdata/rules"]));
    // The counts add up to the findings of the full report, rule by rule.
    let total: u64 = stats
        .as_array()
        .expect("an array")
        .iter()
        .map(|s| s["count"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(total as usize, findings_of(&full).len());
    let fl201 = findings_of(&full)
        .iter()
        .filter(|f| f["code"] == "FL201")
        .count();
    let line = stdout(&human)
        .lines()
        .find(|l| l.contains("\tFL201\t"))
        .map(str::to_string)
        .expect("an FL201 line");
    assert_eq!(line.trim_start(), format!("{fl201}\tFL201\tnon-ecr-image"));
    insta::assert_snapshot!(stdout(&run(&["check", "--statistics", "testdata/example"])));
}

#[test]
fn statistics_refuse_sarif_and_github() {
    for format in ["sarif", "github"] {
        let o = run(&[
            "check",
            "--statistics",
            "--format",
            format,
            "testdata/example",
        ]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("--statistics"), "{}", stderr(&o));
        assert!(stdout(&o).is_empty());
    }
}

#[test]
fn one_run_writes_sarif_annotations_and_the_summary() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let sarif = dir.path().join("out.sarif");
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "## Before\n").expect("a summary");
    let args = [
        "check",
        "--format",
        "github",
        "--sarif-output",
        sarif.to_str().unwrap(),
        "--summary-output",
        summary.to_str().unwrap(),
        "testdata/rules",
    ];
    let o = run(&args);
    assert_eq!(o.status.code(), Some(1));
    let alone = run(&["check", "--format", "github", "testdata/rules"]);
    assert_eq!(stdout(&o), stdout(&alone));
    let sarif_alone = run(&["check", "--format", "sarif", "testdata/rules"]);
    let written = std::fs::read_to_string(&sarif).expect("the SARIF log");
    assert_eq!(written, stdout(&sarif_alone));

    // The summary is appended, and lists every finding (one table row each).
    let text = std::fs::read_to_string(&summary).expect("the summary");
    assert!(text.starts_with("## Before\n## fargate-lint\n"), "{text}");
    let findings = findings_of(&json(&run(&[
        "check",
        "--format",
        "json",
        "testdata/rules",
    ])))
    .len();
    let rows = text
        .lines()
        .filter(|l| {
            l.starts_with("| error |") || l.starts_with("| warning |") || l.starts_with("| note |")
        })
        .count();
    assert_eq!(rows, findings);
}

#[test]
fn a_changed_file_is_annotated_first_and_annotations_are_capped_with_a_closing_notice() {
    let dir = repository();
    let list = dir.path().join("changed.txt");
    // As `git diff --name-only -z` writes it.
    std::fs::write(&list, "k8s/b.yaml\0").expect("the list");
    let list = list.to_str().unwrap();
    let all = run_in(dir.path(), &["check", "--format", "github", "."]);
    let lines: Vec<String> = stdout(&all).lines().map(str::to_string).collect();
    // Report order: a.yaml before b.yaml.
    assert!(lines[0].contains("file=k8s/a.yaml"), "{lines:?}");

    let o = run_in(
        dir.path(),
        &["check", "--format", "github", "--changed-files", list, "."],
    );
    let first: Vec<String> = stdout(&o).lines().map(str::to_string).collect();
    assert_eq!(first.len(), lines.len());
    assert!(first[0].contains("file=k8s/b.yaml"), "{first:?}");
    assert_eq!(
        first.iter().collect::<BTreeSet<_>>(),
        lines.iter().collect::<BTreeSet<_>>()
    );

    // Two warnings per pod; one annotation of each level: b's first warning, then a notice
    // that counts the three others.
    let o = run_in(
        dir.path(),
        &[
            "check",
            "--format",
            "github",
            "--changed-files",
            list,
            "--max-annotations",
            "1",
            ".",
        ],
    );
    let capped: Vec<String> = stdout(&o).lines().map(str::to_string).collect();
    let warnings = lines.iter().filter(|l| l.starts_with("::warning ")).count();
    assert!(warnings >= 2, "{lines:?}");
    assert!(
        capped[0].starts_with("::warning file=k8s/b.yaml"),
        "{capped:?}"
    );
    assert_eq!(
        capped
            .iter()
            .filter(|l| l.starts_with("::warning "))
            .count(),
        1
    );
    let notice = capped.last().expect("a closing notice");
    let more = lines.len() - (capped.len() - 1);
    assert!(
        notice.starts_with(&format!(
            "::notice title=fargate-lint::{more} more findings: see the job summary / code scanning"
        )),
        "{notice}"
    );
    assert_eq!(o.status.code(), all.status.code());

    // The summary lists the change's findings in a table of their own, first.
    let summary = dir.path().join("summary.md");
    run_in(
        dir.path(),
        &[
            "check",
            "--changed-files",
            list,
            "--summary-output",
            summary.to_str().unwrap(),
            ".",
        ],
    );
    let text = std::fs::read_to_string(&summary).expect("the summary");
    let changed_at = text
        .find("### In the changed files")
        .expect("the change's table");
    let elsewhere_at = text.find("### Elsewhere").expect("the other table");
    let b_at = text.find("`k8s/b.yaml`").expect("b's rows");
    let a_at = text.find("`k8s/a.yaml`").expect("a's rows");
    assert!(
        changed_at < b_at && b_at < elsewhere_at && elsewhere_at < a_at,
        "{text}"
    );
}

#[test]
fn an_unreadable_changed_files_list_fails_the_run() {
    let o = run(&[
        "check",
        "--format",
        "github",
        "--changed-files",
        "nowhere.txt",
        "testdata/example",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--changed-files"), "{}", stderr(&o));
}

#[test]
fn stdin_filename_names_stdin_in_every_output() {
    let dir = repository();
    let name = "k8s/new.yaml";
    let base = [
        "check",
        "--cluster",
        "infra/cluster.yaml",
        "--stdin-filename",
        name,
    ];
    let with = |format: &str| {
        let mut args = base.to_vec();
        args.extend(["--format", format, "-"]);
        stdout(&run_stdin(dir.path(), &args, POD))
    };
    let report: Value = serde_json::from_str(&with("json")).expect("JSON");
    let files: BTreeSet<&str> = finding_fields(&report, "file").into_iter().collect();
    assert!(files.contains(name), "{files:?}");
    assert!(!files.contains("<stdin>"));
    assert!(with("human").contains("k8s/new.yaml:9:14"));
    assert!(with("github").contains("file=k8s/new.yaml,"));
    let sarif: Value = serde_json::from_str(&with("sarif")).expect("SARIF");
    let uris: BTreeSet<&str> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(uris.contains(name), "{uris:?}");
}

#[test]
fn sarif_of_unnamed_stdin_has_no_stdin_uri() {
    let dir = repository();
    let o = run_stdin(
        dir.path(),
        &[
            "check",
            "--format",
            "sarif",
            "--cluster",
            "infra/cluster.yaml",
            "-",
        ],
        POD,
    );
    let text = stdout(&o);
    assert!(
        !text.contains("%3Cstdin%3E") && !text.contains("<stdin>"),
        "{text}"
    );
    let sarif: Value = serde_json::from_str(&text).expect("SARIF");
    let stdin_results: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].is_null())
        .collect();
    assert!(!stdin_results.is_empty());
    for r in stdin_results {
        let location = &r["locations"][0]["physicalLocation"];
        assert!(
            location["artifactLocation"]["description"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("--stdin-filename"))
        );
        assert!(location["region"]["startLine"].as_u64().is_some());
    }
}

#[test]
fn stdin_filename_is_the_path_the_configuration_scopes_and_ignores() {
    let dir = repository();
    write(
        dir.path(),
        ".fargate-lint.toml",
        "[[clusters]]\nconfig = \"infra/cluster.yaml\"\nmanifests = [\"k8s/**\"]\n\n\
         [[ignore]]\nrules = [\"FL211\"]\npaths = [\"k8s/quiet/**\"]\n",
    );
    let codes = |name: &str| -> BTreeSet<String> {
        let o = run_stdin(
            dir.path(),
            &[
                "check",
                "--format",
                "json",
                "--select",
                "FL2",
                "--stdin-filename",
                name,
                "-",
            ],
            POD,
        );
        finding_fields(&json(&o), "code")
            .into_iter()
            .map(str::to_string)
            .collect()
    };
    // Under `k8s/`: the cluster takes it, it lands on Fargate, FL201 and FL211.
    assert_eq!(
        codes("k8s/web.yaml"),
        BTreeSet::from(["FL201".into(), "FL211".into()])
    );
    // Elsewhere the cluster does not take it: nothing lands on Fargate.
    assert_eq!(codes("other/web.yaml"), BTreeSet::new());
    // `[[ignore]]` paths match the name.
    assert_eq!(
        codes("k8s/quiet/web.yaml"),
        BTreeSet::from(["FL201".into()])
    );
}
