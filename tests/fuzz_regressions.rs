//! The inputs of `testdata/hostile/fuzz/` (what the fuzzer found, minimised, and hand-made
//! nasty inputs) through the real binary in every output format, as a path and on stdin
//! (as the fuzz target reads them): exit 0 or 1, no panic, valid JSON where JSON, github
//! lines that are only annotations, and no hang.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use common::*;

/// Every format of `check` and `predict`.
const RUNS: [(&str, &str); 7] = [
    ("check", "human"),
    ("check", "json"),
    ("check", "sarif"),
    ("check", "github"),
    ("predict", "human"),
    ("predict", "json"),
    ("predict", "markdown"),
];

fn inputs() -> Vec<PathBuf> {
    let dir = root().join("testdata/hostile/fuzz");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("testdata/hostile/fuzz")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    files
}

/// `fargate-lint COMMAND --no-config --format FORMAT` on `input`, given as a path or on stdin.
fn run_on(command: &str, format: &str, input: &Path, stdin: bool) -> Output {
    let mut cmd = common::command();
    cmd.current_dir(root())
        .args([command, "--no-config", "--format", format]);
    if stdin {
        cmd.arg("-")
            .write_stdin(std::fs::read(input).expect("the input"));
    } else {
        cmd.arg(input);
    }
    cmd.output().expect("the binary runs")
}

fn check_output(o: &Output, command: &str, format: &str, what: &str) {
    let err = stderr(o);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{what}: {command} --format {format} exited {:?}:\n{err}",
        o.status.code()
    );
    assert!(
        !err.contains("panicked"),
        "{what}: {command} --format {format} panicked:\n{err}"
    );
    let out = stdout(o);
    match format {
        "json" | "sarif" => {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(&out) {
                panic!("{what}: {command} --format {format} is not JSON ({e}):\n{out}");
            }
        }
        "github" => {
            for line in out.lines() {
                assert!(
                    ["::error ", "::warning ", "::notice "]
                        .iter()
                        .any(|p| line.starts_with(p)),
                    "{what}: a github line that is not an annotation: {line:?}"
                );
            }
        }
        _ => {}
    }
}

#[test]
fn every_regression_input_in_every_format_exits_0_or_1_without_a_panic() {
    for input in inputs() {
        for stdin in [false, true] {
            for (command, format) in RUNS {
                let what = format!(
                    "{}{}",
                    input.display(),
                    if stdin { " on stdin" } else { "" }
                );
                let start = Instant::now();
                let o = run_on(command, format, &input, stdin);
                // Far above the real time (a debug build, a shared machine): only a hang fails.
                assert!(
                    start.elapsed() < Duration::from_secs(20),
                    "{what}: {command} --format {format} took {:?}",
                    start.elapsed()
                );
                check_output(&o, command, format, &what);
            }
        }
    }
}

/// The hand-made inputs keep reaching the stages they are for: a parser limit, the model
/// and the rules, not a file skipped before it is read.
#[test]
fn hand_made_inputs_reach_the_model_or_a_parser_limit() {
    let json = |name: &str| {
        let o = run_on(
            "check",
            "json",
            &root().join("testdata/hostile/fuzz").join(name),
            false,
        );
        common::json(&o)
    };
    let codes = |report: &serde_json::Value| -> Vec<String> {
        report["findings"]
            .as_array()
            .map(|f| {
                f.iter()
                    .filter_map(|f| f["code"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    // Too deep for the parser: FL001, with the cluster before it still read.
    let deep = json("deep-nesting-in-pod.yaml");
    assert!(codes(&deep).iter().all(|c| c == "FL001"), "{deep:#}");
    assert_eq!(deep["summary"]["clusters"], 1, "{deep:#}");
    // 2,000 aliases of one privileged container: one finding per alias.
    let aliases = json("alias-bomb-in-pod.yaml");
    assert!(
        codes(&aliases).iter().filter(|c| *c == "FL203").count() > 2000,
        "{aliases:#}"
    );
    // CRLF, lone CR and LF documents: both pods read, both privileged.
    let lines = json("mixed-line-endings.yaml");
    assert_eq!(lines["summary"]["workloads"], 2, "{lines:#}");
    assert_eq!(
        codes(&lines).iter().filter(|c| *c == "FL203").count(),
        2,
        "{lines:#}"
    );
    for (name, workloads) in [
        ("huge-quantities.yaml", 23),
        ("nul-in-quoted-strings.yaml", 2),
        ("unicode-names.yaml", 8),
    ] {
        let report = json(name);
        assert_eq!(
            report["summary"]["workloads"], workloads,
            "{name}: {report:#}"
        );
    }
}
