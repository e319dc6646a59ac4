//! Output benchmark: every output format must be linear in the findings and the workloads.
//! Generates two inputs in a temporary folder and times the release binary on each format:
//!
//! - one file of N pods (default 20,000), each with a privileged container on Fargate, so one
//!   file holds N findings of FL203 and more: `check` in every format;
//! - M small Deployments (default 90,000) in files of 1,000: `predict` in every format.
//!
//! Like the throughput benchmark, it links nothing from the crate and times the binary that
//! `cargo build --release` left behind (or `FARGATE_LINT_BIN`), with the options and the
//! measuring of `benches/common/`. This file owns the two inputs and the table of formats.
//! Options (arguments win over the environment):
//!
//! ```text
//! --pods N       BENCH_PODS       pods in the one file of findings (default 20000)
//! --workloads N  BENCH_WORKLOADS  Deployments for predict (default 90000)
//! --runs N       BENCH_RUNS       runs per command; the best wall time counts (default 1)
//! ```

mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::ExitCode;

use common::measure;
use common::options::{self, Kind, Opt, Values};

const OPTIONS: &[Opt] = &[
    Opt {
        flag: "--pods",
        alias: None,
        env: "BENCH_PODS",
        kind: Kind::Number(20_000),
        about: "pods in the one file of findings",
    },
    Opt {
        flag: "--workloads",
        alias: None,
        env: "BENCH_WORKLOADS",
        kind: Kind::Number(90_000),
        about: "Deployments for predict",
    },
    Opt {
        flag: "--runs",
        alias: None,
        env: "BENCH_RUNS",
        kind: Kind::Number(1),
        about: "runs per command, best wall time counts",
    },
];

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
    let options = match options::from_command_line("outputs", OPTIONS, &[measure::BINARY_NOTE]) {
        Ok(options) => options,
        Err(code) => return code,
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("outputs: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: &Values) -> Result<(), String> {
    let pods = options.number("--pods");
    let workloads = options.number("--workloads");
    let runs = options.number("--runs");
    let binary = measure::locate_binary()?;
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
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let mut measured = Vec::with_capacity(runs);
        for _ in 0..runs {
            measured.push(measure::run_once(&binary, &args, dir.path(), false)?);
        }
        if let Some(best) = measure::best(&measured) {
            println!(
                "{name:<28} {:>9.2} {:>11.1}",
                best.wall.as_secs_f64(),
                measure::mb(best.output_bytes)
            );
        }
    }
    Ok(())
}
