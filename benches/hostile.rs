//! Hostile-input benchmark: the worst files of the read limit's size, and what they cost.
//! Writes, each exactly as large as the default read limit (`DEFAULT_MAX_FILE_SIZE`, 8 MiB),
//!
//! - `empty.yaml`: `---` lines only (2 million empty documents);
//! - `tiny.yaml`: `---\na: 1\n` (a million documents of one key: per-document cost);
//! - `pods.yaml`: privileged Pods on Fargate (three findings each: per-finding cost);
//!
//! and times the release binary (or `FARGATE_LINT_BIN`) on each in every output format,
//! printing wall time and peak memory against the bounds of the hostile-input issue (2 s,
//! 512 MB): a row over either is marked `OVER`. Like the other benchmarks, it links nothing
//! from the crate. Options (arguments win over the environment):
//!
//! ```text
//! --runs N  BENCH_RUNS  runs per command; the best wall time counts (default 1)
//! ```

mod common;

use std::fs;
use std::process::ExitCode;
use std::time::Duration;

use common::measure;
use common::options::{self, Kind, Opt, Values};

const OPTIONS: &[Opt] = &[Opt {
    flag: "--runs",
    alias: None,
    env: "BENCH_RUNS",
    kind: Kind::Number(1),
    about: "runs per command, best wall time counts",
}];

/// The default read limit (`src/discover.rs`); the benchmark links nothing from the crate.
const READ_LIMIT: usize = 8 * 1024 * 1024;
const MAX_WALL: Duration = Duration::from_secs(2);
const MAX_RSS_KIB: u64 = 512 * 1000 * 1000 / 1024;

const CLUSTER: &str = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: prod
  region: us-east-1
fargateProfiles:
  - name: all
    selectors:
      - namespace: \"*\"
";

const POD: &str = "---
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    image: nginx
    securityContext:
      privileged: true
";

fn main() -> ExitCode {
    let options = match options::from_command_line("hostile", OPTIONS, &[measure::BINARY_NOTE]) {
        Ok(options) => options,
        Err(code) => return code,
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("hostile: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `unit` repeated as often as it fits in the read limit.
fn fill(unit: &str) -> String {
    unit.repeat(READ_LIMIT / unit.len())
}

fn run(options: &Values) -> Result<(), String> {
    let runs = options.number("--runs");
    let binary = measure::locate_binary()?;
    let dir = tempfile::Builder::new()
        .prefix("fargate-lint-hostile-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let inputs = [
        ("empty.yaml", fill("---\n")),
        ("tiny.yaml", fill("---\na: 1\n")),
        ("pods.yaml", fill(POD)),
    ];
    fs::write(dir.path().join("cluster.yaml"), CLUSTER)
        .map_err(|e| format!("cannot write the cluster: {e}"))?;
    for (name, text) in &inputs {
        fs::write(dir.path().join(name), text).map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    let peak = measure::gnu_time_works();
    println!("binary: {}, best of {runs}\n", binary.display());
    println!(
        "{:<12} {:<38} {:>7} {:>12} {:>11}",
        "input", "command", "wall s", "max RSS", "output MB"
    );
    let formats: [&[&str]; 5] = [
        &["check", "--format", "json"],
        &["check", "--format", "human", "--color", "never"],
        &["check", "--format", "sarif"],
        &["check", "--format", "github"],
        &["predict", "--format", "json"],
    ];
    let mut over = 0;
    for (name, _) in &inputs {
        for format in formats {
            let args: Vec<String> = format
                .iter()
                .copied()
                .chain(["--cluster", "cluster.yaml", name])
                .map(str::to_string)
                .collect();
            let mut measured = Vec::with_capacity(runs);
            for _ in 0..runs {
                measured.push(measure::run_once(&binary, &args, dir.path(), peak)?);
            }
            let row = measure::Row::from_runs(format.join(" "), &measured);
            let bytes = measure::best(&measured).map_or(0, |m| m.output_bytes);
            let too_much = row.best > MAX_WALL || row.max_rss_kib.is_some_and(|k| k > MAX_RSS_KIB);
            over += usize::from(too_much);
            println!(
                "{name:<12} {:<38} {:>7.2} {:>12} {:>11.1}{}",
                row.command,
                row.best.as_secs_f64(),
                measure::format_rss(row.max_rss_kib),
                measure::mb(bytes),
                if too_much { "  OVER" } else { "" }
            );
        }
    }
    println!(
        "\n{over} of {} runs over {} s or 512 MB",
        inputs.len() * formats.len(),
        MAX_WALL.as_secs()
    );
    Ok(())
}
