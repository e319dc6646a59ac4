//! Output benchmark: every output format must be linear in the findings and the workloads.
//! Generates two inputs in a temporary folder and times the release binary on each format:
//!
//! - one file of N pods (default 20,000), each with a privileged container on Fargate, so one
//!   file holds N findings of FL203 and more: `check` in every format;
//! - M small Deployments (default 90,000) in files of 1,000: `predict` in every format.
//!
//! Like `throughput.rs`, it links nothing from the crate and times the binary that
//! `cargo build --release` left behind (or `FARGATE_LINT_BIN`). Options:
//!
//! ```text
//! --pods N       BENCH_PODS       pods in the one file of findings (default 20000)
//! --workloads N  BENCH_WORKLOADS  Deployments for predict (default 90000)
//! --runs N       BENCH_RUNS       runs per command; the best wall time counts (default 1)
//! ```

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const CLUSTER: &str = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: bench
  region: eu-west-1
iam:
  fargatePodExecutionRoleARN: arn:aws:iam::123456789012:role/fargate
fargateProfiles:
  - name: apps
    selectors:
      - namespace: apps
";

/// Workloads per file of the predict input.
const PER_FILE: usize = 1_000;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("outputs: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let pods = option("--pods", "BENCH_PODS", 20_000)?;
    let workloads = option("--workloads", "BENCH_WORKLOADS", 90_000)?;
    let runs = option("--runs", "BENCH_RUNS", 1)?;
    let binary = binary()?;
    let dir = tempfile::Builder::new()
        .prefix("fargate-lint-outputs-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let write = |path: &Path, text: &str| {
        fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))
            .and_then(|_| fs::write(path, text))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    };

    let findings = dir.path().join("findings");
    write(&findings.join("cluster.yaml"), CLUSTER)?;
    let mut text = String::new();
    for i in 0..pods {
        let _ = write!(
            text,
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\n  namespace: apps\nspec:\n  \
             containers:\n    - name: c\n      image: public.ecr.aws/nginx/nginx:1.27\n      \
             resources: {{requests: {{cpu: 250m, memory: 512Mi}}}}\n      \
             securityContext:\n        privileged: true\n"
        );
    }
    write(&findings.join("pods.yaml"), &text)?;
    println!(
        "findings: {pods} pods in one file of {:.1} MB",
        text.len() as f64 / 1e6
    );

    let placed = dir.path().join("workloads");
    write(&placed.join("cluster.yaml"), CLUSTER)?;
    for file in 0..workloads.div_ceil(PER_FILE) {
        let mut text = String::new();
        for i in file * PER_FILE..((file + 1) * PER_FILE).min(workloads) {
            let _ = write!(
                text,
                "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d{i}\n  \
                 namespace: {}\nspec:\n  template:\n    spec:\n      containers:\n        \
                 - name: c\n          image: public.ecr.aws/nginx/nginx:1.27\n",
                if i % 2 == 0 { "apps" } else { "other" }
            );
        }
        write(&placed.join(format!("w{file:03}.yaml")), &text)?;
    }
    println!("workloads: {workloads} Deployments in files of {PER_FILE}");
    println!("binary: {}, best of {runs}\n", binary.display());

    let cases: [(&str, &[&str]); 7] = [
        (
            "check --format json",
            &["check", "--format", "json", "findings"],
        ),
        ("check (human)", &["check", "--color", "never", "findings"]),
        (
            "check --format sarif",
            &["check", "--format", "sarif", "findings"],
        ),
        (
            "check --format github",
            &["check", "--format", "github", "findings"],
        ),
        (
            "predict --format json",
            &["predict", "--format", "json", "workloads"],
        ),
        ("predict (human)", &["predict", "workloads"]),
        (
            "predict --format markdown",
            &["predict", "--format", "markdown", "workloads"],
        ),
    ];
    println!("{:<28} {:>9} {:>11}", "command", "wall s", "output MB");
    for (name, args) in cases {
        let mut best: Option<(Duration, usize)> = None;
        for _ in 0..runs {
            let started = Instant::now();
            let out = Command::new(&binary)
                .args(args)
                .current_dir(dir.path())
                .stdin(Stdio::null())
                .stderr(Stdio::null())
                .output()
                .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
            let wall = started.elapsed();
            if !matches!(out.status.code(), Some(0 | 1)) {
                return Err(format!("`{name}` failed: {}", out.status));
            }
            if best.is_none_or(|(b, _)| wall < b) {
                best = Some((wall, out.stdout.len()));
            }
        }
        if let Some((wall, bytes)) = best {
            println!(
                "{name:<28} {:>9.2} {:>11.1}",
                wall.as_secs_f64(),
                bytes as f64 / 1e6
            );
        }
    }
    Ok(())
}

/// `--name N` (or `--name=N`), else the environment variable, else `default`.
fn option(name: &str, var: &str, default: usize) -> Result<usize, String> {
    let args: Vec<String> = env::args().collect();
    let from_args = args.iter().enumerate().find_map(|(i, a)| {
        a.strip_prefix(&format!("{name}="))
            .map(String::from)
            .or_else(|| (a == name).then(|| args.get(i + 1).cloned()).flatten())
    });
    match from_args.or_else(|| env::var(var).ok()) {
        None => Ok(default),
        Some(text) => text
            .trim()
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("{name} must be a whole number above 0, not `{text}`")),
    }
}

/// `FARGATE_LINT_BIN`, else `target/release/fargate-lint` of the crate.
fn binary() -> Result<PathBuf, String> {
    let path = env::var_os("FARGATE_LINT_BIN").map_or_else(
        || {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/release")
                .join(format!("fargate-lint{}", env::consts::EXE_SUFFIX))
        },
        PathBuf::from,
    );
    fs::canonicalize(&path)
        .ok()
        .filter(|p| p.is_file())
        .ok_or_else(|| {
            format!(
                "no binary at {}; run `cargo build --release` first (or set FARGATE_LINT_BIN)",
                path.display()
            )
        })
}
