//! Throughput benchmark: generates a realistic corpus of Kubernetes manifests and one eksctl
//! ClusterConfig in a temporary folder, runs the release binary's `check --format json` and
//! `predict --format json` over it, and reports wall time, files/s, MB/s and peak memory.
//! This file owns what is run and printed; the corpus, the options and the measuring are in
//! `benches/common/`.
//!
//! It builds nothing itself and links nothing from the crate: it times the binary that
//! `cargo build --release` left behind, so what is measured is what users run, process
//! start-up, folder walk, parsing, rules and output included.
//!
//! Options (arguments win over the environment):
//!
//! ```text
//! --files N    BENCH_FILES     manifest files to generate (default 10000)
//! --threads N  BENCH_THREADS   passed to fargate-lint as `-j N` (default: its own, all cores)
//! --runs N     BENCH_RUNS      runs per command; the best wall time counts (default 3)
//! --keep       BENCH_KEEP=1    keep the corpus and print where it is
//! --baseline   BENCH_BASELINE=1  also time `--baseline HEAD~1`: the corpus is committed
//!                                twice (the second commit drops a profile of the cluster)
//!              FARGATE_LINT_BIN  the binary to time (default: target/release/fargate-lint)
//! ```
//!
//! Exit codes 0 and 1 of fargate-lint are both success here (the corpus has findings on
//! purpose); anything else stops the benchmark with the child's stderr and a non-zero exit.

#[path = "../common/mod.rs"]
mod common;

use std::process::ExitCode;
use std::time::Instant;

use common::generator::{self, SEED};
use common::measure::{self, Row, mb};
use common::options::{self, Kind, Opt, Values};

const OPTIONS: &[Opt] = &[
    Opt {
        flag: "--files",
        alias: None,
        env: "BENCH_FILES",
        kind: Kind::Number(10_000),
        about: "manifest files to generate",
    },
    Opt {
        flag: "--threads",
        alias: Some("-j"),
        env: "BENCH_THREADS",
        kind: Kind::Optional("all cores"),
        about: "passed to fargate-lint as -j N",
    },
    Opt {
        flag: "--runs",
        alias: None,
        env: "BENCH_RUNS",
        kind: Kind::Number(3),
        about: "runs per command, best wall time counts",
    },
    Opt {
        flag: "--keep",
        alias: None,
        env: "BENCH_KEEP",
        kind: Kind::Switch,
        about: "keep the generated corpus",
    },
    Opt {
        flag: "--baseline",
        alias: None,
        env: "BENCH_BASELINE",
        kind: Kind::Switch,
        about: "also time --baseline HEAD~1 on a git repository of two commits",
    },
];

/// Runs `git ARGS` in `dir` with a fixed author and no user configuration.
fn git(dir: &std::path::Path, args: &[&str]) -> Result<(), String> {
    let o = std::process::Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args([
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@example.invalid",
        ])
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if o.status.success() {
        Ok(())
    } else {
        Err(format!(
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        ))
    }
}

/// Makes the work folder a git repository of two commits: the corpus, then the corpus with
/// the last Fargate profile of its cluster removed (FL303, and its pods move).
fn commit_twice(workdir: &std::path::Path) -> Result<(), String> {
    git(workdir, &["init", "-q"])?;
    git(workdir, &["add", "-A"])?;
    git(workdir, &["commit", "-q", "-m", "corpus"])?;
    let cluster = workdir.join("corpus/clusters/prod.yaml");
    let text =
        std::fs::read_to_string(&cluster).map_err(|e| format!("{}: {e}", cluster.display()))?;
    let cut = text
        .rfind("\n  - name: ")
        .ok_or("the cluster has no profile to remove")?;
    let rest = text[cut + 1..]
        .find("\n  - ")
        .map_or(text.len(), |i| cut + 1 + i);
    let changed = format!("{}{}", &text[..cut + 1], &text[rest..]);
    std::fs::write(&cluster, changed).map_err(|e| format!("{}: {e}", cluster.display()))?;
    git(workdir, &["commit", "-q", "-am", "drop a profile"])
}

fn main() -> ExitCode {
    let options = match options::from_command_line("throughput", OPTIONS, &[measure::BINARY_NOTE]) {
        Ok(options) => options,
        Err(code) => return code,
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("throughput: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: &Values) -> Result<(), String> {
    let (files, threads) = (options.number("--files"), options.optional("--threads"));
    let runs_per_command = options.number("--runs");
    let binary = measure::locate_binary()?;
    let peak_memory = measure::gnu_time_works();

    // Not hidden (no leading dot, unlike tempfile's default `.tmpXXXX`): fargate-lint walks
    // like ripgrep, and a hidden root must not be what decides whether files are read.
    let workdir = tempfile::Builder::new()
        .prefix("fargate-lint-bench-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let corpus_dir = workdir.path().join("corpus");

    let started = Instant::now();
    let corpus = generator::write_corpus(&corpus_dir, files, SEED)?;
    println!(
        "corpus: {} files ({} manifests + 1 ClusterConfig with 10 Fargate profiles), {:.1} MB, \
         {} documents, generated in {:.1} s",
        corpus.files,
        corpus.files - 1,
        mb(corpus.bytes),
        corpus.documents,
        started.elapsed().as_secs_f64()
    );
    let kinds: Vec<String> = corpus
        .kinds
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    println!("        {}", kinds.join(", "));
    println!("binary: {}", binary.display());
    println!(
        "runs:   {} per command, threads: {}, peak memory: {}",
        runs_per_command,
        threads.map_or("all cores".to_string(), |n| n.to_string()),
        if peak_memory {
            "from /usr/bin/time -f %M"
        } else {
            "n/a (no GNU /usr/bin/time)"
        }
    );
    println!();

    let baseline = options.switch("--baseline");
    if baseline {
        commit_twice(workdir.path())?;
    }
    let mut rows = Vec::new();
    let commands: &[(&str, bool)] = if baseline {
        &[
            ("check", false),
            ("check", true),
            ("predict", false),
            ("predict", true),
        ]
    } else {
        &[("check", false), ("predict", false)]
    };
    for &(subcommand, with_baseline) in commands {
        // The corpus is passed relative to the working folder so that the run starts where
        // no `.fargate-lint.toml` of the developer's checkout can be picked up.
        let mut args = vec![subcommand.to_string(), "--format".into(), "json".into()];
        if with_baseline {
            args.extend(["--baseline".to_string(), "HEAD~1".to_string()]);
        }
        if let Some(threads) = threads {
            args.extend(["-j".to_string(), threads.to_string()]);
        }
        args.push("corpus".into());

        let mut runs = Vec::new();
        for index in 1..=runs_per_command {
            let m = measure::run_once(&binary, &args, workdir.path(), peak_memory)?;
            println!(
                "{:<8} run {index}/{}: {:>7.3} s  {:>9}  exit {}  output {:.1} MB",
                subcommand,
                runs_per_command,
                m.wall.as_secs_f64(),
                measure::format_rss(m.max_rss_kib),
                m.exit_code,
                mb(m.output_bytes)
            );
            runs.push(m);
        }
        // The whole process is timed, so a walk that silently skipped files would look fast:
        // show what fargate-lint itself says it read.
        if let Some(summary) = runs.first().and_then(|m| json_summary(&m.output_head)) {
            println!("{subcommand:<8} summary: {summary}");
        }
        let label = if with_baseline {
            format!("{subcommand} --format json --baseline HEAD~1")
        } else {
            format!("{subcommand} --format json")
        };
        rows.push(Row::from_runs(label, &runs));
    }

    println!();
    measure::print_table(&rows, corpus.files, corpus.bytes);

    if options.switch("--keep") {
        let kept = workdir.keep();
        println!("\ncorpus kept in {}", kept.join("corpus").display());
    }
    Ok(())
}

/// The `"summary"` object of `check --format json`, as written, on one line. A flat object,
/// so its first `}` ends it; no JSON parser needed for a line of output.
fn json_summary(output: &str) -> Option<String> {
    let key = output.find("\"summary\"")?;
    let start = key + output[key..].find('{')?;
    let end = start + output[start..].find('}')?;
    Some(
        output[start..=end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    )
}
