//! The one-command benchmark of the performance bounds (`scripts/bench` runs it): generates a
//! small and a large corpus (1,000 and 10,000 files by default: workloads, Services, claims,
//! CronJobs, Kustomize bases and overlays, one cluster with 10 Fargate profiles), and prints
//! in one table, from one run:
//!
//! - the release binary's `check --format json`, `check --format sarif` and
//!   `predict --format json` on each corpus (best wall of `--runs`, files/s, MB/s, peak RSS);
//! - the parser-alone floors on the same files and threads: every file read and given to
//!   granit's event stream alone (no tree: the floor of issue 16's bound), and read and given
//!   to `yaml::parse` (the tree fargate-lint reads), on a rayon pool of `--threads` threads,
//!   in this process;
//! - Checkov (`--framework kubernetes`) and Trivy (`config`) on the small corpus, one run
//!   each, when `BENCH_CHECKOV` / `BENCH_TRIVY` name their programs (`scripts/bench`
//!   installs them; `BENCH_CHECKOV_MISSING` / `BENCH_TRIVY_MISSING` say why one is not);
//!
//! then each bound of issue 16 with the measured number and PASS or OVER, and whether the
//! outputs are byte-identical with `-j 1` and `-j 2` on both corpora. This file owns what is
//! run, the bounds and the table; the corpus, options and timing are in `benches/common/`, the
//! parser call in `benches/common/engine.rs`. Too slow for CI or the test suite: run by hand.

mod common;
#[path = "common/engine.rs"]
mod engine;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use common::generator::{self, SEED};
use common::measure::{self, Row, mb};
use common::options::{self, Kind, Opt, Values};

const OPTIONS: &[Opt] = &[
    Opt {
        flag: "--small",
        alias: None,
        env: "BENCH_SMALL",
        kind: Kind::Number(1_000),
        about: "files of the small corpus (the peers run on it)",
    },
    Opt {
        flag: "--large",
        alias: None,
        env: "BENCH_LARGE",
        kind: Kind::Number(10_000),
        about: "files of the large corpus",
    },
    Opt {
        flag: "--threads",
        alias: Some("-j"),
        env: "BENCH_THREADS",
        kind: Kind::Optional("all cores"),
        about: "fargate-lint's -j N and the floor's threads",
    },
    Opt {
        flag: "--runs",
        alias: None,
        env: "BENCH_RUNS",
        kind: Kind::Number(3),
        about: "runs of each of our commands and of the floor, best wall time counts",
    },
    Opt {
        flag: "--no-peers",
        alias: None,
        env: "BENCH_NO_PEERS",
        kind: Kind::Switch,
        about: "skip Checkov and Trivy (about 50 s and 100 s)",
    },
    Opt {
        flag: "--keep",
        alias: None,
        env: "BENCH_KEEP",
        kind: Kind::Switch,
        about: "keep the generated corpora",
    },
];

const NOTES: &[&str] = &[
    measure::BINARY_NOTE,
    "env BENCH_CHECKOV, BENCH_TRIVY: the peers' programs (scripts/bench installs them)",
    "env BENCH_CHECKOV_MISSING, BENCH_TRIVY_MISSING: why a peer is not installed",
];

/// Our commands, each timed on both corpora and compared at `-j 1` and `-j 2`.
const COMMANDS: &[(&str, &str)] = &[("check", "json"), ("check", "sarif"), ("predict", "json")];

fn main() -> ExitCode {
    let options = match options::from_command_line("suite", OPTIONS, NOTES) {
        Ok(options) => options,
        Err(code) => return code,
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("suite: {message}");
            ExitCode::FAILURE
        }
    }
}

/// One line of the table: a command on a corpus, or why it did not run.
struct Line {
    corpus: usize,
    command: String,
    /// `None`: not run; `note` says why.
    row: Option<Row>,
    note: String,
}

/// What a corpus gave: its size and the rows of the bounds.
struct Measured {
    files: usize,
    bytes: u64,
    check_json: Row,
    check_sarif: Row,
    /// The granit events floor.
    floor: Duration,
    /// Per command of [`COMMANDS`]: whether `-j 1` and `-j 2` wrote the same bytes.
    identical: Vec<(String, bool)>,
}

fn run(options: &Values) -> Result<(), String> {
    let binary = measure::locate_binary()?;
    let peak_memory = measure::gnu_time_works();
    let runs = options.number("--runs");
    let threads = options
        .optional("--threads")
        .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
        .unwrap_or(1);
    // Not hidden (see the throughput benchmark): the walk must read it like a repository.
    let workdir = tempfile::Builder::new()
        .prefix("fargate-lint-suite-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    println!("binary:  {}", binary.display());
    println!(
        "threads: {threads} (-j {threads} and the floor's pool); runs: {runs} per command, best \
         wall counts; peak memory: {}",
        if peak_memory {
            "max RSS from /usr/bin/time -f %M"
        } else {
            "n/a (no GNU /usr/bin/time)"
        }
    );

    let mut lines = Vec::new();
    let mut measured = Vec::new();
    let sizes = [options.number("--small"), options.number("--large")];
    for (n, &files) in sizes.iter().enumerate() {
        let name = format!("corpus-{files}");
        let root = workdir.path().join(&name);
        let started = Instant::now();
        let corpus = generator::write_corpus(&root, files, SEED)?;
        let kinds: Vec<String> = corpus
            .kinds
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        println!(
            "{name}: {} files, {:.1} MB, {} documents, generated in {:.1} s: {}",
            corpus.files,
            mb(corpus.bytes),
            corpus.documents,
            started.elapsed().as_secs_f64(),
            kinds.join(", ")
        );

        let mut rows = Vec::new();
        for &(subcommand, format) in COMMANDS {
            let args = our_args(subcommand, format, threads, &name);
            let mut results = Vec::new();
            for _ in 0..runs {
                results.push(measure::run_once(
                    &binary,
                    &args,
                    workdir.path(),
                    peak_memory,
                )?);
            }
            let row = Row::from_runs(format!("{subcommand} --format {format}"), &results);
            rows.push(row);
        }

        let (mut floor, mut tree_floor) = (Duration::MAX, Duration::MAX);
        let (mut documents, mut event_documents) = (0, 0);
        for _ in 0..runs {
            let (wall, parsed) = parser_floor(
                &root,
                &corpus.paths,
                threads,
                engine::count_events_documents,
            )?;
            floor = floor.min(wall);
            event_documents = parsed;
            let (wall, parsed) = parser_floor(&root, &corpus.paths, threads, |text| {
                engine::documents(&engine::parse(text))
            })?;
            tree_floor = tree_floor.min(wall);
            documents = parsed;
        }

        let mut identical = Vec::new();
        for &(subcommand, format) in COMMANDS {
            let hashes = [1, 2].map(|j| {
                measure::run(&measure::Run {
                    program: &binary,
                    args: &our_args(subcommand, format, j, &name),
                    workdir: workdir.path(),
                    peak_memory: false,
                    hash: true,
                    ok_codes: &[0, 1],
                    env: &[],
                })
                .map(|m| m.output_hash)
            });
            let [one, two] = hashes;
            identical.push((format!("{subcommand} --format {format}"), one? == two?));
        }

        let [check_json, check_sarif, predict] = <[Row; 3]>::try_from(rows)
            .map_err(|_| "benchmark bug: one row per command".to_string())?;
        let floor_note = format!(
            "{event_documents} document starts; check is {:.2}x",
            ratio(check_json.best, floor)
        );
        let tree_floor_note = format!(
            "{documents} documents; check is {:.2}x",
            ratio(check_json.best, tree_floor)
        );
        for row in [&check_json, &check_sarif, &predict] {
            lines.push(Line {
                corpus: corpus.files,
                command: row.command.clone(),
                row: Some(row.clone()),
                note: String::new(),
            });
        }
        for (command, best, note) in [
            ("parser floor (granit events)", floor, floor_note),
            ("parser and tree (yaml::parse)", tree_floor, tree_floor_note),
        ] {
            lines.push(Line {
                corpus: corpus.files,
                command: command.to_string(),
                row: Some(Row {
                    command: String::new(),
                    best,
                    max_rss_kib: None,
                    exit_code: 0,
                }),
                note,
            });
        }
        measured.push(Measured {
            files: corpus.files,
            bytes: corpus.bytes,
            check_json,
            check_sarif,
            floor,
            identical,
        });

        // The peers on the small corpus only: minutes, where we take a fraction of a second.
        if n == 0 {
            let check = measured[0].check_json.best;
            for peer in PEERS {
                lines.push(run_peer(
                    peer,
                    options.switch("--no-peers"),
                    &name,
                    corpus.files,
                    workdir.path(),
                    peak_memory,
                    check,
                ));
            }
        }
    }

    println!();
    print_lines(&lines, &measured);
    println!();
    print_bounds(&lines, &measured);

    if options.switch("--keep") {
        let kept = workdir.keep();
        println!("\ncorpora kept in {}", kept.display());
    }
    Ok(())
}

fn our_args(subcommand: &str, format: &str, threads: usize, corpus: &str) -> Vec<String> {
    // The corpus relative to the working folder: no `.fargate-lint.toml` of a checkout applies.
    [
        subcommand,
        "--format",
        format,
        "-j",
        &threads.to_string(),
        corpus,
    ]
    .map(String::from)
    .to_vec()
}

/// Wall time of reading every file of the corpus and giving it to `parse` (which returns its
/// documents) on a pool of `threads`, and the documents: what no run of ours can beat.
fn parser_floor(
    root: &Path,
    paths: &[PathBuf],
    threads: usize,
    parse: fn(&str) -> usize,
) -> Result<(Duration, usize), String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| format!("cannot start {threads} threads: {e}"))?;
    let started = Instant::now();
    let documents: Result<Vec<usize>, String> = pool.install(|| {
        paths
            .par_iter()
            .map(|path| {
                let path = root.join(path);
                let text = fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                Ok(parse(&text))
            })
            .collect()
    });
    let wall = started.elapsed();
    Ok((wall, documents?.iter().sum()))
}

/// A peer: its name, the variable naming its program, the one saying why it is missing, and
/// its arguments before the corpus folder.
struct Peer {
    name: &'static str,
    program_var: &'static str,
    missing_var: &'static str,
    args: &'static [&'static str],
    ok_codes: &'static [i32],
    /// Environment variables of an offline run.
    env: &'static [(&'static str, &'static str)],
}

const PEERS: &[Peer] = &[
    Peer {
        name: "checkov --framework kubernetes",
        program_var: "BENCH_CHECKOV",
        missing_var: "BENCH_CHECKOV_MISSING",
        // `--skip-download`: no Prisma Cloud guidelines; checkov exits 1 on failed checks.
        args: &[
            "--framework",
            "kubernetes",
            "--quiet",
            "--compact",
            "-o",
            "json",
            "--skip-download",
            "-d",
        ],
        ok_codes: &[0, 1],
        env: &[
            ("BC_SKIP_MAPPING", "TRUE"),
            ("CHECKOV_RUN_SCA_PACKAGE_SCAN", "false"),
            ("PYTHONWARNINGS", "ignore"),
        ],
    },
    Peer {
        name: "trivy config",
        program_var: "BENCH_TRIVY",
        missing_var: "BENCH_TRIVY_MISSING",
        // The checks bundled in the binary; its cache in the temporary folder, not ~/.cache.
        args: &[
            "config",
            "--skip-check-update",
            "--skip-version-check",
            "--disable-telemetry",
            "--cache-dir",
            "trivy-cache",
            "--quiet",
            "-f",
            "json",
        ],
        ok_codes: &[0],
        env: &[],
    },
];

fn run_peer(
    peer: &Peer,
    skipped: bool,
    corpus: &str,
    files: usize,
    workdir: &Path,
    peak_memory: bool,
    check: Duration,
) -> Line {
    let line = |row: Option<Row>, note: String| Line {
        corpus: files,
        command: peer.name.to_string(),
        row,
        note,
    };
    if skipped {
        return line(None, "skipped (--no-peers)".to_string());
    }
    let Some(program) = std::env::var_os(peer.program_var) else {
        let why = std::env::var(peer.missing_var)
            .unwrap_or_else(|_| format!("{} is not set (scripts/bench sets it)", peer.program_var));
        return line(None, format!("not installed: {why}"));
    };
    let mut args: Vec<String> = peer.args.iter().map(|a| a.to_string()).collect();
    args.push(corpus.to_string());
    let result = measure::run(&measure::Run {
        program: Path::new(&program),
        args: &args,
        workdir,
        peak_memory,
        hash: false,
        ok_codes: peer.ok_codes,
        env: peer.env,
    });
    match result {
        Ok(m) => {
            let note = format!("{:.0}x check's wall", ratio(m.wall, check));
            line(Some(Row::from_runs(peer.name.to_string(), &[m])), note)
        }
        // The command and its status, then the last line of its stderr (where Python's and
        // Go's errors end), on one line of the table.
        Err(e) => {
            let last = e
                .lines()
                .skip(1)
                .filter(|l| !l.trim().is_empty() && !l.starts_with("... ("))
                .last();
            let first = e.lines().next().unwrap_or_default();
            line(
                None,
                format!("failed: {first} {}", last.unwrap_or_default()),
            )
        }
    }
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(f64::EPSILON)
}

fn mib(kib: Option<u64>) -> Option<f64> {
    kib.map(|k| k as f64 / 1024.0)
}

fn print_lines(lines: &[Line], measured: &[Measured]) {
    println!(
        "{:>6} {:<31} {:>9} {:>8} {:>7} {:>10}  note",
        "files", "command", "wall s", "files/s", "MB/s", "peak RSS"
    );
    for line in lines {
        let bytes = measured
            .iter()
            .find(|m| m.files == line.corpus)
            .map_or(0, |m| m.bytes);
        match &line.row {
            Some(row) => {
                let seconds = row.best.as_secs_f64().max(f64::EPSILON);
                println!(
                    "{:>6} {:<31} {:>9.3} {:>8.0} {:>7.1} {:>10}  {}",
                    line.corpus,
                    line.command,
                    seconds,
                    line.corpus as f64 / seconds,
                    mb(bytes) / seconds,
                    measure::format_rss(row.max_rss_kib),
                    line.note
                );
            }
            None => println!(
                "{:>6} {:<31} {:>9} {:>8} {:>7} {:>10}  {}",
                line.corpus, line.command, "-", "-", "-", "-", line.note
            ),
        }
    }
}

/// One bound: what, the measured number as text, the limit as text, and whether it holds
/// (`None`: could not be measured).
fn bound(what: String, measured: String, limit: &str, holds: Option<bool>) {
    let verdict = match holds {
        Some(true) => "PASS",
        Some(false) => "OVER",
        None => "n/a",
    };
    println!("{what:<46} {measured:>16} {limit:>10}  {verdict}");
}

fn print_bounds(lines: &[Line], measured: &[Measured]) {
    let [small, large] = measured else {
        return;
    };
    println!(
        "{:<46} {:>16} {:>10}  result",
        "bound (issue 16)", "measured", "limit"
    );
    let l = large.files;
    let wall = large.check_json.best.as_secs_f64();
    bound(
        format!("{l} files: check wall"),
        format!("{wall:.3} s"),
        "< 1 s",
        Some(wall < 1.0),
    );
    let rss = mib(large.check_json.max_rss_kib);
    bound(
        format!("{l} files: check peak RSS"),
        rss.map_or("n/a".into(), |r| format!("{r:.1} MiB")),
        "< 150 MiB",
        rss.map(|r| r < 150.0),
    );
    let floor = ratio(large.check_json.best, large.floor);
    bound(
        format!("{l} files: check / parser floor (granit events)"),
        format!("{floor:.2}x"),
        "<= 1.5x",
        Some(floor <= 1.5),
    );
    let sarif = rss
        .zip(mib(large.check_sarif.max_rss_kib))
        .map(|(j, s)| s / j);
    bound(
        format!("{l} files: SARIF RSS / JSON RSS"),
        sarif.map_or("n/a".into(), |r| format!("{r:.2}x")),
        "<= 1.10x",
        sarif.map(|r| r <= 1.10),
    );
    let s = small.files;
    for (peer, limit, at_least) in [(&PEERS[0], ">= 300x", 300.0), (&PEERS[1], ">= 600x", 600.0)] {
        let line = lines.iter().find(|line| line.command == peer.name);
        let times = line
            .and_then(|line| line.row.as_ref())
            .map(|row| ratio(row.best, small.check_json.best));
        let shown = match (times, line) {
            (Some(t), _) => format!("{t:.0}x"),
            (None, Some(line)) if line.note.starts_with("skipped") => "skipped".into(),
            _ => "not run".into(),
        };
        let short = peer.name.split(' ').next().unwrap_or(peer.name);
        bound(
            format!("{s} files: check faster than {short}"),
            shown,
            limit,
            times.map(|t| t >= at_least),
        );
    }
    let small_rss = mib(small.check_json.max_rss_kib);
    bound(
        format!("{s} files: check peak RSS"),
        small_rss.map_or("n/a".into(), |r| format!("{r:.1} MiB")),
        "< 50 MiB",
        small_rss.map(|r| r < 50.0),
    );
    let growth = rss.zip(small_rss).map(|(large, small)| large / small);
    bound(
        format!("{l} / {s} files: check peak RSS"),
        growth.map_or("n/a".into(), |g| format!("{g:.2}x")),
        "< 3x",
        growth.map(|g| g < 3.0),
    );
    for m in measured {
        for (command, same) in &m.identical {
            let shown = if *same { "identical" } else { "DIFFERENT" };
            let what = format!("{} files: {command} -j 1 = -j 2", m.files);
            println!(
                "{what:<46} {shown:>16} {:>10}  {}",
                "same bytes",
                if *same { "PASS" } else { "FAIL" }
            );
        }
    }
}
