//! Helpers shared by the integration tests: run the real binary, find the shared corpus.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The environment variable that makes the tests needing `../shared` fail when it is not
/// there instead of skipping: CI has it (`.ci/run` sets it), so there they must run.
pub const REQUIRE_SHARED: &str = "FARGATE_LINT_REQUIRE_SHARED";

/// `../shared/corpus`: real files from public repositories, beside the repository in CI and
/// in the development setup, but not in a fresh clone. `None` when it is not there: the
/// calling test returns early (`let Some(corpus) = corpus() else { return };`), skipped.
pub fn corpus() -> Option<PathBuf> {
    let require = std::env::var_os(REQUIRE_SHARED).is_some_and(|v| v == "1");
    shared(
        &root().join("../shared/corpus"),
        "../shared/corpus",
        require,
    )
}

/// `dir` (shown as `shown`) when it is a folder. When it is not: with `require`, the test
/// fails; without, one line on stderr says the test is skipped and why, and `None`.
pub fn shared(dir: &Path, shown: &str, require: bool) -> Option<PathBuf> {
    if dir.is_dir() {
        return Some(dir.to_path_buf());
    }
    assert!(
        !require,
        "{shown} is not beside the repository at {}, and {REQUIRE_SHARED}=1 says it must be",
        dir.display()
    );
    // libtest names each test's thread after the test.
    let test = std::thread::current()
        .name()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    // Written to the process's stderr, not with `eprintln!`, which the test harness captures
    // and shows only for failing tests: a skipped test must be seen.
    let _ = writeln!(
        std::io::stderr().lock(),
        "skipped: {shown} is not beside the repository{test}"
    );
    None
}

/// The binary with colours off and none of the environment variables that set options
/// (`FARGATE_LINT_FORMAT`, ...): a user's environment must not change what a test sees.
pub fn command() -> Command {
    let mut cmd = Command::cargo_bin("fargate-lint").expect("the binary is built by cargo test");
    cmd.env("NO_COLOR", "1");
    for var in fargate_lint::cli::ENV_OPTIONS {
        cmd.env_remove(var);
    }
    cmd
}

/// [`command`] for `std::process::Command` users.
pub fn isolate(cmd: &mut std::process::Command) -> &mut std::process::Command {
    cmd.env("NO_COLOR", "1");
    for var in fargate_lint::cli::ENV_OPTIONS {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs `fargate-lint ARGS` in `dir` with colours off.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    command()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Runs `fargate-lint ARGS` in the repository root.
pub fn run(args: &[&str]) -> Output {
    run_in(&root(), args)
}

/// Runs `fargate-lint ARGS` in the repository root with stdout a pipe whose reading end is
/// already closed, as under `| head -c 10` once `head` has exited: every write to stdout
/// fails (the test process ignores SIGPIPE, as Rust programs do, so the child does too).
pub fn run_into_closed_pipe(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    isolate(&mut std::process::Command::new(env!(
        "CARGO_BIN_EXE_fargate-lint"
    )))
    .current_dir(root())
    .args(args)
    .stdout(writer)
    .output()
    .expect("the binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            stdout(o),
            stderr(o)
        )
    })
}

/// A cluster with one Fargate profile for namespace `apps` and a pod execution role, so that
/// only the workload rules speak about what lands there.
pub const APPS_CLUSTER: &str = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: prod
  region: eu-west-1
iam:
  fargatePodExecutionRoleARN: arn:aws:iam::123456789012:role/fargate
fargateProfiles:
  - name: apps
    selectors:
      - namespace: apps
";

/// Writes `content` to `dir/path`, making the folders on the way.
pub fn write(dir: &Path, path: &str, content: &str) {
    let path = dir.join(path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("a folder");
    }
    std::fs::write(path, content).expect("a file");
}

/// The findings of a JSON report.
pub fn findings_of(report: &serde_json::Value) -> Vec<&serde_json::Value> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .collect()
}

/// One string field (`code`, `file`, ...) of every finding of a JSON report.
pub fn finding_fields<'a>(report: &'a serde_json::Value, key: &str) -> Vec<&'a str> {
    findings_of(report)
        .into_iter()
        .filter_map(|f| f[key].as_str())
        .collect()
}

/// Runs `git ARGS` in `dir` (no user configuration, a fixed author), and fails the test if
/// git does.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let o = std::process::Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Copies the files of folder `from` into `to`, folders included.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("a folder") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a type").is_dir() {
            std::fs::create_dir_all(&target).expect("a folder");
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("a copy");
        }
    }
}

/// Removes everything in `dir` but `.git`.
pub fn clear_work_tree(dir: &Path) {
    for entry in std::fs::read_dir(dir).expect("a folder") {
        let entry = entry.expect("an entry");
        if entry.file_name() == ".git" {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            std::fs::remove_dir_all(path).expect("removed");
        } else {
            std::fs::remove_file(path).expect("removed");
        }
    }
}

/// A git repository of two commits: the files of `before`, then those of `after` (which
/// replace them all); the work tree holds `after`. For `--baseline HEAD~1`.
pub fn two_commits(before: &Path, after: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    git(dir.path(), &["init", "-q"]);
    copy_tree(before, dir.path());
    git(dir.path(), &["add", "-A"]);
    git(
        dir.path(),
        &["commit", "-q", "--allow-empty", "-m", "before"],
    );
    clear_work_tree(dir.path());
    copy_tree(after, dir.path());
    git(dir.path(), &["add", "-A"]);
    git(
        dir.path(),
        &["commit", "-q", "--allow-empty", "-m", "after"],
    );
    dir
}
