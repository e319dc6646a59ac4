//! Throughput benchmark: generates a realistic corpus of Kubernetes manifests and one eksctl
//! ClusterConfig in a temporary folder, runs the release binary's `check --format json` and
//! `predict --format json` over it, and reports wall time, files/s, MB/s and peak memory.
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
//!              FARGATE_LINT_BIN  the binary to time (default: target/release/fargate-lint)
//! ```
//!
//! Exit codes 0 and 1 of fargate-lint are both success here (the corpus has findings on
//! purpose); anything else stops the benchmark with the child's stderr and a non-zero exit.

use std::collections::BTreeMap;
use std::env;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// `writeln!` into a `String`; formatting into a `String` cannot fail, and the templates below
/// read better without a `?` or `expect` on every line.
macro_rules! ln {
    ($out:expr, $($arg:tt)*) => {
        writeln!($out, $($arg)*).expect("formatting into a String cannot fail")
    };
}

const DEFAULT_FILES: usize = 10_000;
const DEFAULT_RUNS: usize = 3;
/// Fixed so that every run, on every machine, reads byte-for-byte the same corpus.
const SEED: u64 = 0x00fa_59a7_e11e_57ed;
/// GNU time: the only portable way to get a child's peak RSS without a `libc` dependency.
const GNU_TIME: &str = "/usr/bin/time";
/// How much of stdout is kept to find `check`'s summary, which comes before the findings.
const OUTPUT_HEAD_BYTES: u64 = 64 * 1024;

const USAGE: &str = "\
usage: cargo bench --bench throughput [-- [--files N] [--threads N] [--runs N] [--keep]]
  --files N    manifest files to generate (env BENCH_FILES, default 10000)
  --threads N  passed to fargate-lint as -j N (env BENCH_THREADS, default: all cores)
  --runs N     runs per command, best wall time counts (env BENCH_RUNS, default 3)
  --keep       keep the generated corpus (env BENCH_KEEP=1)
  env FARGATE_LINT_BIN overrides the binary (default target/release/fargate-lint)";

fn main() -> ExitCode {
    let options = match Options::parse(env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("throughput: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("throughput: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: &Options) -> Result<(), String> {
    let binary = locate_binary()?;
    let peak_memory = gnu_time_works();

    // Not hidden (no leading dot, unlike tempfile's default `.tmpXXXX`): fargate-lint walks
    // like ripgrep, and a hidden root must not be what decides whether files are read.
    let workdir = tempfile::Builder::new()
        .prefix("fargate-lint-bench-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let corpus_dir = workdir.path().join("corpus");

    let started = Instant::now();
    let corpus = write_corpus(&corpus_dir, options.files, SEED)?;
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
        options.runs,
        options
            .threads
            .map_or("all cores".to_string(), |n| n.to_string()),
        if peak_memory {
            "from /usr/bin/time -f %M"
        } else {
            "n/a (no GNU /usr/bin/time)"
        }
    );
    println!();

    let mut rows = Vec::new();
    for subcommand in ["check", "predict"] {
        // The corpus is passed relative to the working folder so that the run starts where
        // no `.fargate-lint.toml` of the developer's checkout can be picked up.
        let mut args = vec![subcommand.to_string(), "--format".into(), "json".into()];
        if let Some(threads) = options.threads {
            args.extend(["-j".to_string(), threads.to_string()]);
        }
        args.push("corpus".into());

        let mut runs = Vec::new();
        for index in 1..=options.runs {
            let m = run_once(&binary, &args, workdir.path(), peak_memory)?;
            println!(
                "{:<8} run {index}/{}: {:>7.3} s  {:>9}  exit {}  output {:.1} MB",
                subcommand,
                options.runs,
                m.wall.as_secs_f64(),
                format_rss(m.max_rss_kib),
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
        rows.push(Row::from_runs(format!("{subcommand} --format json"), &runs));
    }

    println!();
    print_table(&rows, &corpus);

    if options.keep {
        let kept = workdir.keep();
        println!("\ncorpus kept in {}", kept.join("corpus").display());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Options and the binary
// ---------------------------------------------------------------------------------------------

struct Options {
    files: usize,
    threads: Option<usize>,
    runs: usize,
    keep: bool,
}

impl Options {
    /// `Ok(None)` means `--help`.
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
        let mut options = Options {
            files: env_number("BENCH_FILES")?.unwrap_or(DEFAULT_FILES),
            threads: env_number("BENCH_THREADS")?,
            runs: env_number("BENCH_RUNS")?.unwrap_or(DEFAULT_RUNS),
            keep: env::var("BENCH_KEEP").is_ok_and(|v| !v.is_empty() && v != "0"),
        };
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) => (flag.to_string(), Some(value.to_string())),
                None => (arg.clone(), None),
            };
            let mut value = |name: &str| -> Result<usize, String> {
                let text = inline.clone().or_else(|| args.next());
                let text = text.ok_or_else(|| format!("{name} needs a number"))?;
                parse_number(name, &text)
            };
            match flag.as_str() {
                "--files" => options.files = value("--files")?,
                "--threads" | "-j" => options.threads = Some(value("--threads")?),
                "--runs" => options.runs = value("--runs")?,
                "--keep" => options.keep = true,
                "-h" | "--help" => return Ok(None),
                // cargo passes `--bench` to every bench target, and bench-name filters too
                // (`cargo bench foo`); neither means anything to this benchmark.
                "--bench" => {}
                _ if !arg.starts_with('-') => {}
                _ => return Err(format!("unknown option `{arg}`")),
            }
        }
        Ok(Some(options))
    }
}

fn env_number(name: &str) -> Result<Option<usize>, String> {
    match env::var(name) {
        Ok(text) if !text.trim().is_empty() => parse_number(name, &text).map(Some),
        _ => Ok(None),
    }
}

fn parse_number(name: &str, text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!(
            "{name} must be a whole number above 0, not `{text}`"
        )),
    }
}

/// `FARGATE_LINT_BIN`, else the binary cargo built for this bench (cargo builds a package's
/// binaries before its benches, into the same `target/release`), else `target/release` under
/// `CARGO_TARGET_DIR` or the crate. Absolute, since the child runs in the temporary folder.
fn locate_binary() -> Result<PathBuf, String> {
    if let Some(path) = env::var_os("FARGATE_LINT_BIN") {
        let path = PathBuf::from(path);
        return absolute_file(&path)
            .ok_or_else(|| format!("FARGATE_LINT_BIN={} is not a file", path.display()));
    }
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target_dir = match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => manifest_dir.join(dir),
        None => manifest_dir.join("target"),
    };
    let expected = target_dir
        .join("release")
        .join(format!("fargate-lint{}", env::consts::EXE_SUFFIX));
    let built_by_cargo = option_env!("CARGO_BIN_EXE_fargate-lint").map(PathBuf::from);
    built_by_cargo
        .iter()
        .chain([&expected])
        .find_map(|path| absolute_file(path))
        .ok_or_else(|| {
            format!(
                "no release binary at {}; run `cargo build --release` first \
                 (or set FARGATE_LINT_BIN)",
                expected.display()
            )
        })
}

fn absolute_file(path: &Path) -> Option<PathBuf> {
    path.is_file()
        .then(|| fs::canonicalize(path).ok())
        .flatten()
}

/// Whether `/usr/bin/time -f %M -o FILE` works here (GNU time; BusyBox's lacks `-o`).
fn gnu_time_works() -> bool {
    let Ok(probe) = tempfile::NamedTempFile::new() else {
        return false;
    };
    Command::new(GNU_TIME)
        .args(["-f", "%M", "-o"])
        .arg(probe.path())
        .arg("true")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
        && read_max_rss(probe.path()).is_some()
}

// ---------------------------------------------------------------------------------------------
// Running and measuring
// ---------------------------------------------------------------------------------------------

struct Measurement {
    wall: Duration,
    max_rss_kib: Option<u64>,
    exit_code: i32,
    output_bytes: u64,
    /// The first `OUTPUT_HEAD_BYTES` of stdout.
    output_head: String,
}

fn run_once(
    binary: &Path,
    args: &[String],
    workdir: &Path,
    peak_memory: bool,
) -> Result<Measurement, String> {
    // Separate files: GNU time's report must not mix with the program's own stderr.
    let rss_file = workdir.join("max-rss.txt");
    let stderr_file = workdir.join("stderr.txt");
    let stderr = File::create(&stderr_file)
        .map_err(|e| format!("cannot create {}: {e}", stderr_file.display()))?;

    let mut command = if peak_memory {
        let mut c = Command::new(GNU_TIME);
        c.args(["-f", "%M", "-o"]).arg(&rss_file).arg(binary);
        c
    } else {
        Command::new(binary)
    };
    command
        .args(args)
        .current_dir(workdir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr);

    let started = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    // Drained into a sink rather than /dev/null to count the bytes (a report that is suddenly
    // empty or ten times bigger is worth seeing next to the timings) and to keep its head,
    // where `check` puts its summary.
    let mut output_head = Vec::new();
    let mut output_bytes = 0;
    if let Some(stdout) = child.stdout.take() {
        let read_error =
            |e: io::Error| format!("cannot read the output of {}: {e}", binary.display());
        let mut stdout = io::BufReader::new(stdout);
        output_bytes += (&mut stdout)
            .take(OUTPUT_HEAD_BYTES)
            .read_to_end(&mut output_head)
            .map_err(read_error)? as u64;
        output_bytes += io::copy(&mut stdout, &mut io::sink()).map_err(read_error)?;
    }
    let status = child
        .wait()
        .map_err(|e| format!("cannot wait for {}: {e}", binary.display()))?;
    let wall = started.elapsed();

    // With GNU time in between, its exit status is the child's (or 128+signal).
    let exit_code = status.code().unwrap_or(-1);
    if exit_code != 0 && exit_code != 1 {
        return Err(format!(
            "`fargate-lint {}` failed ({status}); its stderr:\n{}",
            args.join(" "),
            stderr_excerpt(&stderr_file)
        ));
    }
    Ok(Measurement {
        wall,
        max_rss_kib: if peak_memory {
            read_max_rss(&rss_file)
        } else {
            None
        },
        exit_code,
        output_bytes,
        output_head: String::from_utf8_lossy(&output_head).into_owned(),
    })
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

/// GNU time writes `%M` (KiB) as the last line; a `Command exited with non-zero status 1`
/// line comes before it when the program exits 1, which it does here by design.
fn read_max_rss(path: &Path) -> Option<u64> {
    let text = fs::read_to_string(path).ok()?;
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())?
        .trim()
        .parse()
        .ok()
}

fn stderr_excerpt(path: &Path) -> String {
    const MAX_LINES: usize = 30;
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let mut excerpt = lines[..lines.len().min(MAX_LINES)].join("\n");
    if lines.len() > MAX_LINES {
        excerpt.push_str(&format!("\n... ({} more lines)", lines.len() - MAX_LINES));
    }
    if excerpt.is_empty() {
        "(no stderr)".to_string()
    } else {
        excerpt
    }
}

struct Row {
    command: String,
    best: Duration,
    max_rss_kib: Option<u64>,
    exit_code: i32,
}

impl Row {
    /// Best wall time (the least disturbed by the rest of the machine); peak memory is the
    /// highest of all runs, since memory is a limit to stay under, not a speed.
    fn from_runs(command: String, runs: &[Measurement]) -> Row {
        Row {
            command,
            best: runs.iter().map(|m| m.wall).min().unwrap_or_default(),
            max_rss_kib: runs.iter().filter_map(|m| m.max_rss_kib).max(),
            exit_code: runs.last().map_or(0, |m| m.exit_code),
        }
    }
}

fn print_table(rows: &[Row], corpus: &Corpus) {
    println!(
        "{:<22} {:>7} {:>7} {:>9} {:>9} {:>7} {:>10} {:>5}",
        "command", "files", "MB", "best s", "files/s", "MB/s", "max RSS", "exit"
    );
    for row in rows {
        let seconds = row.best.as_secs_f64().max(f64::EPSILON);
        println!(
            "{:<22} {:>7} {:>7.1} {:>9.3} {:>9.0} {:>7.1} {:>10} {:>5}",
            row.command,
            corpus.files,
            mb(corpus.bytes),
            seconds,
            corpus.files as f64 / seconds,
            mb(corpus.bytes) / seconds,
            format_rss(row.max_rss_kib),
            row.exit_code
        );
    }
}

/// Decimal megabytes, as in MB/s.
fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn format_rss(kib: Option<u64>) -> String {
    kib.map_or("n/a".to_string(), |k| {
        format!("{:.1} MiB", k as f64 / 1024.0)
    })
}

// ---------------------------------------------------------------------------------------------
// The corpus
// ---------------------------------------------------------------------------------------------

/// SplitMix64: a few lines, seeded, and the same everywhere, so no `rand` dependency.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// `0..n`; the modulo bias is irrelevant for picking test data.
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index skewed toward the start: real requests are mostly small.
    fn small_index(&mut self, n: usize) -> usize {
        self.below(n).min(self.below(n))
    }
}

#[derive(Default)]
struct Corpus {
    files: usize,
    bytes: u64,
    documents: usize,
    kinds: BTreeMap<&'static str, usize>,
}

/// The namespaces workloads live in. The ClusterConfig's profiles cover some fully, some only
/// by label, some by wildcard; `legacy` and most of `prod` are left to the node group.
const NAMESPACES: &[&str] = &[
    "default",
    "kube-system",
    "team-payments",
    "team-search",
    "team-checkout",
    "team-identity",
    "web",
    "batch",
    "prod",
    "staging",
    "dev",
    "data-lake",
    "data-stream",
    "monitoring",
    "ml-training",
    "legacy",
];
const APPS: &[&str] = &[
    "cart",
    "checkout",
    "search",
    "auth",
    "billing",
    "catalog",
    "inventory",
    "orders",
    "payments",
    "profile",
    "recommend",
    "shipping",
    "notify",
    "report",
    "ingest",
    "export",
    "ledger",
    "pricing",
    "media",
    "gateway",
];
const MONITORING_APPS: &[&str] = &[
    "prometheus",
    "prom-exporter",
    "grafana",
    "alertmanager",
    "loki",
    "fluent-bit",
];
const ROLES: &[&str] = &[
    "api",
    "worker",
    "web",
    "sync",
    "processor",
    "consumer",
    "scheduler",
    "cache",
    "indexer",
];
const TEAMS: &[&str] = &[
    "payments", "search", "checkout", "identity", "platform", "data",
];
const PROFILES: &[&str] = &[
    "fp-default",
    "fp-teams",
    "fp-web",
    "fp-web-backend",
    "fp-batch",
    "fp-prod",
    "fp-staging",
    "fp-data",
    "fp-monitoring",
    "fp-ml",
];
const CPU: &[&str] = &[
    "50m", "100m", "200m", "250m", "500m", "750m", "1", "1500m", "2", "3", "4", "8", "16", "24",
];
const MEMORY: &[&str] = &[
    "64Mi", "128Mi", "256Mi", "512Mi", "768Mi", "1Gi", "1536Mi", "2Gi", "3Gi", "4Gi", "8Gi",
    "16Gi", "30Gi", "64Gi", "128Gi",
];
const SIDECARS: &[&str] = &["proxy", "log-shipper", "metrics"];
/// Environment variables; `DATABASE_PASSWORD` and `POD_IP` are written as references.
const ENV: &[(&str, &str)] = &[
    ("LOG_LEVEL", "info"),
    ("PORT", "\"8080\""),
    ("DATABASE_PASSWORD", ""),
    ("AWS_REGION", "us-east-1"),
    ("REDIS_HOST", "redis.cache.svc.cluster.local"),
    (
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "http://otel-collector.monitoring:4317",
    ),
    ("POD_IP", ""),
    ("JAVA_OPTS", "\"-XX:MaxRAMPercentage=75 -XX:+UseG1GC\""),
    ("GOMAXPROCS", "\"2\""),
    ("UPSTREAM_URL", "https://api.internal.acme.example/v2"),
    ("ENABLE_TRACING", "\"true\""),
];
const DOCKER_HUB: &[&str] = &[
    "nginx:1.27-alpine",
    "redis:7.2",
    "postgres:16.3",
    "bitnami/kafka:3.7",
    "busybox:1.36",
    "python:3.12-slim",
    "node:20-alpine",
    "grafana/grafana:11.1.0",
    "prom/prometheus:v2.53.0",
    "docker.io/library/golang:1.22",
    "envoyproxy/envoy:v1.30.2",
    "amazon/aws-cli:2.17.0",
];
const ECR_PUBLIC: &[&str] = &[
    "public.ecr.aws/nginx/nginx:1.27",
    "public.ecr.aws/docker/library/redis:7.2",
    "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.2",
    "public.ecr.aws/bitnami/postgresql:16",
];
const OTHER_REGISTRIES: &[&str] = &[
    "ghcr.io/acme/tools:2024.06",
    "quay.io/prometheus/node-exporter:v1.8.1",
    "registry.k8s.io/pause:3.9",
];

/// Writes `files` manifest files under `dir` (in namespace/app folders, as a real repository
/// would) plus `clusters/prod.yaml`, and counts what was written.
fn write_corpus(dir: &Path, files: usize, seed: u64) -> Result<Corpus, String> {
    let mut rng = Rng(seed);
    let mut corpus = Corpus::default();

    let cluster = cluster_config();
    corpus.documents += 1;
    *corpus.kinds.entry("ClusterConfig").or_default() += 1;
    write_file(
        &dir.join("clusters").join("prod.yaml"),
        &cluster,
        &mut corpus,
    )?;

    for index in 0..files {
        let namespace = *rng.pick(NAMESPACES);
        let app = if namespace == "monitoring" {
            *rng.pick(MONITORING_APPS)
        } else {
            *rng.pick(APPS)
        };
        let name = format!("{app}-{}-{index:05}", rng.pick(ROLES));
        let mut file = ManifestFile::default();
        if rng.percent(40) {
            file.header(&mut rng);
        }
        let shape = rng.below(100);
        // DaemonSets are mostly node agents in system namespaces, whatever was drawn.
        let namespace = match shape {
            70..=73 => *rng.pick(&["kube-system", "monitoring", namespace]),
            _ => namespace,
        };
        let w = Workload::new(&mut rng, &name, app, namespace);
        match shape {
            0..=41 => {
                file.deployment(&mut rng, &w);
                if rng.percent(50) {
                    file.service(&mut rng, &w, false);
                }
                if rng.percent(20) {
                    file.config_map(&mut rng, &w);
                }
            }
            42..=49 => {
                if rng.percent(60) {
                    file.service(&mut rng, &w, true);
                }
                file.stateful_set(&mut rng, &w);
            }
            50..=56 => file.job(&mut rng, &w),
            57..=63 => file.cron_job(&mut rng, &w),
            64..=69 => file.pod(&mut rng, &w),
            70..=73 => file.daemon_set(&mut rng, &w),
            74..=87 => {
                // Service-only files: a few per file, as when a chart's services are split out.
                for n in 0..rng.range(2, 4) {
                    let w = Workload::new(&mut rng, &format!("{name}-{n}"), app, namespace);
                    file.service(&mut rng, &w, false);
                }
            }
            _ => {
                file.config_map(&mut rng, &w);
                if rng.percent(30) {
                    file.config_map(&mut rng, &w);
                }
            }
        }
        corpus.documents += file.documents;
        for kind in &file.kinds {
            *corpus.kinds.entry(kind).or_default() += 1;
        }
        let extension = if rng.percent(15) { "yml" } else { "yaml" };
        let path = dir
            .join(namespace)
            .join(app)
            .join(format!("{name}.{extension}"));
        write_file(&path, &file.text, &mut corpus)?;
    }
    Ok(corpus)
}

fn write_file(path: &Path, text: &str, corpus: &mut Corpus) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    corpus.files += 1;
    corpus.bytes += text.len() as u64;
    Ok(())
}

/// One eksctl ClusterConfig: a managed node group (so unmatched pods land on EC2, not
/// Pending) and 10 Fargate profiles, the default quota, with exact, label and wildcard
/// selectors that overlap in places (`team-*` with `workload: batch`).
fn cluster_config() -> String {
    "\
# Production cluster. Fargate for the stateless teams, a managed node group for the rest.
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig

metadata:
  name: prod
  region: us-east-1
  version: \"1.30\"
  tags:
    owner: platform

vpc:
  subnets:
    private:
      us-east-1a: { id: subnet-0a1b2c3d4e5f60001 }
      us-east-1b: { id: subnet-0a1b2c3d4e5f60002 }
      us-east-1c: { id: subnet-0a1b2c3d4e5f60003 }

iam:
  withOIDC: true

managedNodeGroups:
  - name: mng-general
    instanceType: m6i.xlarge
    minSize: 2
    maxSize: 10
    desiredCapacity: 3
    privateNetworking: true
    labels:
      role: general
    iam:
      withAddonPolicies:
        cloudWatch: true

fargateProfiles:
  - name: fp-default
    selectors:
      - namespace: default
      - namespace: kube-system
        labels:
          k8s-app: kube-dns
  - name: fp-teams
    podExecutionRoleARN: arn:aws:iam::123456789012:role/eks-fargate-teams
    selectors:
      - namespace: team-*
  - name: fp-web
    selectors:
      - namespace: web
        labels:
          tier: frontend
  - name: fp-web-backend
    selectors:
      - namespace: web
        labels:
          tier: backend
  - name: fp-batch
    selectors:
      - namespace: batch
      - namespace: team-*
        labels:
          workload: batch
  - name: fp-prod
    podExecutionRoleARN: arn:aws:iam::123456789012:role/eks-fargate-prod
    selectors:
      - namespace: prod
        labels:
          compute: fargate
  - name: fp-staging
    selectors:
      - namespace: staging
      - namespace: dev
        labels:
          env: dev
  - name: fp-data
    selectors:
      - namespace: data-*
        labels:
          team: data
  - name: fp-monitoring
    selectors:
      - namespace: monitoring
        labels:
          app: prom*
  - name: fp-ml
    subnets:
      - subnet-0a1b2c3d4e5f60001
      - subnet-0a1b2c3d4e5f60002
    selectors:
      - namespace: ml-*
        labels:
          compute: fargate
          size: large
    tags:
      cost-center: ml
"
    .to_string()
}

/// What the documents of one workload share: its name, namespace and labels.
struct Workload {
    name: String,
    /// `None` in some files: the namespace then comes from `--namespace` (default `default`).
    namespace: Option<&'static str>,
    labels: Vec<(&'static str, String)>,
}

impl Workload {
    fn new(rng: &mut Rng, name: &str, app: &str, namespace: &'static str) -> Workload {
        let mut labels = vec![("app", app.to_string())];
        let tier = match namespace {
            "web" => *rng.pick(&["frontend", "frontend", "backend"]),
            _ => *rng.pick(&["frontend", "backend", "backend", "worker"]),
        };
        labels.push(("tier", tier.to_string()));
        let env = match namespace {
            "dev" if rng.percent(80) => "dev",
            "staging" => "staging",
            _ => *rng.pick(&["prod", "prod", "staging", "dev"]),
        };
        labels.push(("env", env.to_string()));
        let team = if namespace.starts_with("data-") && rng.percent(75) {
            "data"
        } else {
            *rng.pick(TEAMS)
        };
        labels.push(("team", team.to_string()));
        let fargate_share = match namespace {
            "prod" | "ml-training" => 45,
            _ => 5,
        };
        if rng.percent(fargate_share) {
            labels.push(("compute", "fargate".to_string()));
        }
        if namespace == "ml-training" && rng.percent(50) {
            labels.push(("size", "large".to_string()));
        }
        if namespace.starts_with("team-") && rng.percent(20) {
            labels.push(("workload", "batch".to_string()));
        }
        if rng.percent(30) {
            labels.push(("app.kubernetes.io/part-of", "shop".to_string()));
        }
        if rng.percent(25) {
            labels.push((
                "version",
                format!("\"v{}.{}\"", rng.below(4), rng.below(20)),
            ));
        }
        if rng.percent(1) {
            // An unquoted YAML 1.1 boolean, as real repositories have now and then (FL003).
            labels.push(("canary", "yes".to_string()));
        }
        let namespace = (!rng.percent(12)).then_some(namespace);
        Workload {
            name: name.to_string(),
            namespace,
            labels,
        }
    }
}

/// One file being written: its text, how many documents it has, and their kinds.
#[derive(Default)]
struct ManifestFile {
    text: String,
    documents: usize,
    kinds: Vec<&'static str>,
}

impl ManifestFile {
    fn header(&mut self, rng: &mut Rng) {
        let header = *rng.pick(&[
            "# Managed by the platform team. Changes go through review in #platform.\n",
            "# Copyright 2024 Acme Corp.\n#\n# Licensed under the Apache License, Version 2.0 \
             (the \"License\");\n# you may not use this file except in compliance with the \
             License.\n\n",
            "# Generated by kustomize; edit the base, not this file.\n",
        ]);
        self.text.push_str(header);
    }

    /// Starts a document: `---` between documents, sometimes before the first one too.
    fn begin(&mut self, rng: &mut Rng, kind: &'static str, api_version: &str) {
        if self.documents > 0 || rng.percent(20) {
            self.text.push_str("---\n");
        }
        self.documents += 1;
        self.kinds.push(kind);
        ln!(self.text, "apiVersion: {api_version}");
        ln!(self.text, "kind: {kind}");
    }

    /// `metadata` with the workload's labels, `annotations` and, now and then, an owner.
    fn metadata(&mut self, rng: &mut Rng, w: &Workload, name: &str, annotations: &[String]) {
        let out = &mut self.text;
        ln!(out, "metadata:");
        ln!(out, "  name: {name}");
        if let Some(ns) = w.namespace {
            ln!(out, "  namespace: {ns}");
        }
        ln!(out, "  labels:");
        for (key, value) in &w.labels {
            ln!(out, "    {key}: {value}");
        }
        let mut annotations = annotations.to_vec();
        if rng.percent(20) {
            annotations.push(format!("owner: {}@acme.example", rng.pick(TEAMS)));
        }
        if !annotations.is_empty() {
            ln!(out, "  annotations:");
            for annotation in annotations {
                ln!(out, "    {annotation}");
            }
        }
    }

    fn deployment(&mut self, rng: &mut Rng, w: &Workload) {
        self.begin(rng, "Deployment", "apps/v1");
        self.metadata(rng, w, &w.name, &[]);
        let out = &mut self.text;
        ln!(out, "spec:");
        ln!(out, "  replicas: {}", rng.pick(&[1, 2, 2, 3, 3, 4, 6, 10]));
        if rng.percent(30) {
            ln!(out, "  revisionHistoryLimit: 5");
        }
        selector(out, w, "  ");
        if rng.percent(35) {
            ln!(out, "  strategy:");
            ln!(out, "    type: RollingUpdate");
            ln!(out, "    rollingUpdate:");
            ln!(out, "      maxSurge: 25%");
            ln!(out, "      maxUnavailable: 0");
        }
        ln!(out, "  template:");
        pod_template(out, rng, w, "    ", PodOptions::default());
    }

    fn stateful_set(&mut self, rng: &mut Rng, w: &Workload) {
        self.begin(rng, "StatefulSet", "apps/v1");
        self.metadata(rng, w, &w.name, &[]);
        let out = &mut self.text;
        ln!(out, "spec:");
        ln!(out, "  serviceName: {}-headless", w.name);
        ln!(out, "  replicas: {}", rng.pick(&[1, 3, 3, 5]));
        selector(out, w, "  ");
        ln!(out, "  template:");
        pod_template(
            out,
            rng,
            w,
            "    ",
            PodOptions {
                data_mount: true,
                ..PodOptions::default()
            },
        );
        ln!(out, "  volumeClaimTemplates:");
        ln!(out, "    - metadata:");
        ln!(out, "        name: data");
        ln!(out, "      spec:");
        ln!(out, "        accessModes: [\"ReadWriteOnce\"]");
        // No class means EBS gp2 on EKS, which Fargate cannot mount: a realistic finding.
        match rng.below(3) {
            0 => ln!(out, "        storageClassName: gp3"),
            1 => ln!(out, "        storageClassName: efs-sc"),
            _ => {}
        }
        ln!(out, "        resources:");
        ln!(out, "          requests:");
        ln!(
            out,
            "            storage: {}Gi",
            rng.pick(&[1, 5, 10, 20, 50, 100])
        );
    }

    fn job(&mut self, rng: &mut Rng, w: &Workload) {
        self.begin(rng, "Job", "batch/v1");
        self.metadata(rng, w, &w.name, &[]);
        let out = &mut self.text;
        ln!(out, "spec:");
        ln!(out, "  backoffLimit: {}", rng.range(0, 6));
        if rng.percent(50) {
            ln!(out, "  ttlSecondsAfterFinished: 3600");
        }
        ln!(out, "  template:");
        let options = PodOptions {
            restart_policy: Some("Never"),
            ..PodOptions::default()
        };
        pod_template(out, rng, w, "    ", options);
    }

    fn cron_job(&mut self, rng: &mut Rng, w: &Workload) {
        self.begin(rng, "CronJob", "batch/v1");
        self.metadata(rng, w, &w.name, &[]);
        let out = &mut self.text;
        ln!(out, "spec:");
        ln!(
            out,
            "  schedule: \"{}\"",
            rng.pick(&["*/5 * * * *", "0 * * * *", "30 2 * * *", "0 6 * * 1"])
        );
        ln!(out, "  concurrencyPolicy: Forbid");
        ln!(out, "  successfulJobsHistoryLimit: 3");
        ln!(out, "  jobTemplate:");
        ln!(out, "    spec:");
        ln!(out, "      template:");
        let options = PodOptions {
            restart_policy: Some("OnFailure"),
            ..PodOptions::default()
        };
        pod_template(out, rng, w, "        ", options);
    }

    fn pod(&mut self, rng: &mut Rng, w: &Workload) {
        self.begin(rng, "Pod", "v1");
        // A bare Pod carries the annotations of a pod template on its own metadata.
        let annotations = pod_annotations(rng, w);
        self.metadata(rng, w, &w.name, &annotations);
        let out = &mut self.text;
        ln!(out, "spec:");
        let options = PodOptions {
            restart_policy: Some("Always"),
            ..PodOptions::default()
        };
        pod_spec(out, rng, w, "  ", options);
    }

    fn daemon_set(&mut self, rng: &mut Rng, w: &Workload) {
        self.begin(rng, "DaemonSet", "apps/v1");
        self.metadata(rng, w, &w.name, &[]);
        let out = &mut self.text;
        ln!(out, "spec:");
        selector(out, w, "  ");
        ln!(out, "  updateStrategy:");
        ln!(out, "    type: RollingUpdate");
        ln!(out, "  template:");
        pod_template(
            out,
            rng,
            w,
            "    ",
            PodOptions {
                agent: true,
                ..PodOptions::default()
            },
        );
    }

    fn service(&mut self, rng: &mut Rng, w: &Workload, headless: bool) {
        self.begin(rng, "Service", "v1");
        let name = if headless {
            format!("{}-headless", w.name)
        } else {
            w.name.clone()
        };
        let load_balancer = !headless && rng.percent(20);
        let mut annotations = Vec::new();
        if load_balancer {
            // Instance targets (the default) cannot reach Fargate pods: half get `ip`.
            let targets = if rng.percent(50) { "ip" } else { "instance" };
            annotations.extend([
                "service.beta.kubernetes.io/aws-load-balancer-type: external".to_string(),
                format!("service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: {targets}"),
                "service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing".to_string(),
            ]);
        }
        self.metadata(rng, w, &name, &annotations);
        let out = &mut self.text;
        ln!(out, "spec:");
        if headless {
            ln!(out, "  clusterIP: None");
        } else {
            ln!(
                out,
                "  type: {}",
                if load_balancer {
                    "LoadBalancer"
                } else {
                    "ClusterIP"
                }
            );
        }
        ln!(out, "  selector:");
        ln!(out, "    app: {}", w.labels[0].1);
        ln!(out, "  ports:");
        let port = *rng.pick(&[80, 443, 8080, 9090, 5432, 6379]);
        ln!(
            out,
            "    - name: {}",
            if port == 443 { "https" } else { "http" }
        );
        ln!(out, "      port: {port}");
        ln!(
            out,
            "      targetPort: {}",
            rng.pick(&[8080, 8443, 3000, 9090])
        );
        ln!(out, "      protocol: TCP");
        if rng.percent(30) {
            ln!(out, "    - name: metrics");
            ln!(out, "      port: 9100");
            ln!(out, "      targetPort: metrics");
        }
    }

    fn config_map(&mut self, rng: &mut Rng, w: &Workload) {
        self.begin(rng, "ConfigMap", "v1");
        let name = format!("{}-config-{}", w.name, self.documents);
        self.metadata(rng, w, &name, &[]);
        let out = &mut self.text;
        ln!(out, "data:");
        ln!(out, "  LOG_LEVEL: {}", rng.pick(&["info", "debug", "warn"]));
        ln!(out, "  FEATURE_FLAGS: \"checkout-v2,fast-search\"");
        ln!(
            out,
            "  CACHE_TTL_SECONDS: \"{}\"",
            rng.pick(&[30, 60, 300, 3600])
        );
        // A literal block, as configuration files are embedded in real ConfigMaps.
        ln!(out, "  application.properties: |");
        for n in 0..rng.range(5, 25) {
            ln!(
                out,
                "    {}.{}.setting{n}={}",
                w.labels[0].1,
                rng.pick(&["http", "db", "cache", "queue", "auth"]),
                rng.range(1, 100_000)
            );
        }
    }
}

fn selector(out: &mut String, w: &Workload, pad: &str) {
    ln!(out, "{pad}selector:");
    ln!(out, "{pad}  matchLabels:");
    ln!(out, "{pad}    app: {}", w.labels[0].1);
    ln!(out, "{pad}    tier: {}", w.labels[1].1);
}

#[derive(Default, Clone, Copy)]
struct PodOptions {
    restart_policy: Option<&'static str>,
    /// Mount the StatefulSet's `data` claim.
    data_mount: bool,
    /// A node agent: host paths and host network are usual.
    agent: bool,
}

/// A pod template (`metadata` + `spec`) whose keys start at `pad`.
fn pod_template(out: &mut String, rng: &mut Rng, w: &Workload, pad: &str, options: PodOptions) {
    ln!(out, "{pad}metadata:");
    ln!(out, "{pad}  labels:");
    for (key, value) in &w.labels {
        ln!(out, "{pad}    {key}: {value}");
    }
    let annotations = pod_annotations(rng, w);
    if !annotations.is_empty() {
        ln!(out, "{pad}  annotations:");
        for annotation in annotations {
            ln!(out, "{pad}    {annotation}");
        }
    }
    ln!(out, "{pad}spec:");
    pod_spec(out, rng, w, &format!("{pad}  "), options);
}

/// Pod annotations that decide or question a placement, and a common unrelated one.
fn pod_annotations(rng: &mut Rng, w: &Workload) -> Vec<String> {
    let mut annotations = Vec::new();
    if rng.percent(5) {
        annotations.push(format!(
            "eks.amazonaws.com/fargate-profile: {}",
            rng.pick(PROFILES)
        ));
    }
    if rng.percent(3) {
        annotations.push("eks.amazonaws.com/compute-type: ec2".to_string());
    }
    if rng.percent(2) {
        annotations.push(format!(
            "iam.amazonaws.com/role: arn:aws:iam::123456789012:role/{}",
            w.labels[0].1
        ));
    }
    if rng.percent(20) {
        annotations.push("prometheus.io/scrape: \"true\"".to_string());
    }
    if rng.percent(2) {
        annotations.push("fargate-lint.io/ignore: \"FL201 # vendor image, reviewed\"".to_string());
    }
    annotations
}

/// A pod spec whose keys start at `pad`.
fn pod_spec(out: &mut String, rng: &mut Rng, w: &Workload, pad: &str, options: PodOptions) {
    let app = w.labels[0].1.as_str();
    if rng.percent(50) {
        ln!(out, "{pad}serviceAccountName: {app}");
    }
    if let Some(policy) = options.restart_policy {
        ln!(out, "{pad}restartPolicy: {policy}");
    }
    if rng.percent(1) {
        ln!(out, "{pad}schedulerName: fargate-scheduler");
    }
    if (options.agent && rng.percent(50)) || rng.percent(1) {
        ln!(out, "{pad}hostNetwork: true");
    }
    if rng.percent(10) {
        ln!(out, "{pad}nodeSelector:");
        let arch = if rng.percent(20) { "arm64" } else { "amd64" };
        ln!(out, "{pad}  kubernetes.io/arch: {arch}");
        ln!(out, "{pad}  kubernetes.io/os: linux");
    }
    if rng.percent(10) {
        ln!(out, "{pad}affinity:");
        ln!(out, "{pad}  podAntiAffinity:");
        ln!(
            out,
            "{pad}    preferredDuringSchedulingIgnoredDuringExecution:"
        );
        ln!(out, "{pad}      - weight: 100");
        ln!(out, "{pad}        podAffinityTerm:");
        ln!(
            out,
            "{pad}          topologyKey: topology.kubernetes.io/zone"
        );
        ln!(out, "{pad}          labelSelector:");
        ln!(out, "{pad}            matchLabels:");
        ln!(out, "{pad}              app: {app}");
    }
    if rng.percent(8) {
        ln!(out, "{pad}tolerations:");
        ln!(out, "{pad}  - key: dedicated");
        ln!(out, "{pad}    operator: Equal");
        ln!(out, "{pad}    value: batch");
        ln!(out, "{pad}    effect: NoSchedule");
    }
    if rng.percent(40) {
        ln!(out, "{pad}securityContext:");
        ln!(out, "{pad}  runAsNonRoot: true");
        ln!(out, "{pad}  runAsUser: {}", rng.pick(&[1000, 10001, 65532]));
        ln!(out, "{pad}  fsGroup: 2000");
    }

    // Volumes first, so that containers know what they may mount.
    let mut volumes: Vec<(&str, String)> = Vec::new();
    if rng.percent(30) {
        volumes.push((
            "config",
            format!("configMap:\n{pad}      name: {}-config", w.name),
        ));
    }
    if rng.percent(20) {
        volumes.push(("tmp", "emptyDir: {}".to_string()));
    }
    if rng.percent(15) {
        volumes.push(("tls", format!("secret:\n{pad}      secretName: {app}-tls")));
    }
    if (options.agent && rng.percent(70)) || rng.percent(2) {
        volumes.push(("varlog", format!("hostPath:\n{pad}      path: /var/log")));
    }
    if !options.data_mount && rng.percent(4) {
        volumes.push((
            "data",
            format!("persistentVolumeClaim:\n{pad}      claimName: {app}-data"),
        ));
    }

    ln!(out, "{pad}containers:");
    let containers = match rng.below(100) {
        0..=74 => 1,
        75..=95 => 2,
        _ => 3,
    };
    let first_sidecar = rng.below(SIDECARS.len());
    for n in 0..containers {
        let name = if n == 0 {
            app.to_string()
        } else {
            SIDECARS[(first_sidecar + n - 1) % SIDECARS.len()].to_string()
        };
        container(
            out,
            rng,
            &name,
            app,
            pad,
            &volumes,
            options.data_mount && n == 0,
        );
    }

    if !volumes.is_empty() {
        ln!(out, "{pad}volumes:");
        for (name, source) in &volumes {
            ln!(out, "{pad}  - name: {name}");
            ln!(out, "{pad}    {source}");
        }
    }
}

fn container(
    out: &mut String,
    rng: &mut Rng,
    name: &str,
    app: &str,
    pad: &str,
    volumes: &[(&str, String)],
    data_mount: bool,
) {
    ln!(out, "{pad}  - name: {name}");
    ln!(out, "{pad}    image: {}", image(rng, app));
    if rng.percent(30) {
        ln!(out, "{pad}    imagePullPolicy: IfNotPresent");
    }
    if rng.percent(25) {
        ln!(
            out,
            "{pad}    args: [\"--port=8080\", \"--log-format=json\"]"
        );
    }
    ln!(out, "{pad}    ports:");
    ln!(
        out,
        "{pad}      - containerPort: {}",
        rng.pick(&[8080, 8443, 3000, 9090])
    );
    ln!(out, "{pad}        name: http");
    if rng.percent(1) {
        ln!(out, "{pad}        hostPort: 8080");
    }

    ln!(out, "{pad}    env:");
    // A run of distinct variables from a random start: names never repeat in a container.
    let start = rng.below(ENV.len());
    for i in 0..rng.range(1, 5) {
        let (key, value) = ENV[(start + i) % ENV.len()];
        ln!(out, "{pad}      - name: {key}");
        match key {
            "DATABASE_PASSWORD" => {
                ln!(out, "{pad}        valueFrom:");
                ln!(out, "{pad}          secretKeyRef:");
                ln!(out, "{pad}            name: {app}-db");
                ln!(out, "{pad}            key: password");
            }
            "POD_IP" => {
                ln!(out, "{pad}        valueFrom:");
                ln!(out, "{pad}          fieldRef:");
                ln!(out, "{pad}            fieldPath: status.podIP");
            }
            _ => ln!(out, "{pad}        value: {value}"),
        }
    }

    resources(out, rng, pad);

    if rng.percent(50) {
        for probe in ["readinessProbe", "livenessProbe"] {
            ln!(out, "{pad}    {probe}:");
            ln!(out, "{pad}      httpGet:");
            ln!(out, "{pad}        path: /healthz");
            ln!(out, "{pad}        port: http");
            ln!(
                out,
                "{pad}      initialDelaySeconds: {}",
                rng.pick(&[5, 10, 30])
            );
            ln!(out, "{pad}      periodSeconds: 10");
        }
    }

    ln!(out, "{pad}    securityContext:");
    match rng.below(100) {
        0..=1 => ln!(out, "{pad}      privileged: true"),
        2..=3 => ln!(out, "{pad}      allowPrivilegeEscalation: true"),
        4..=5 => {
            ln!(out, "{pad}      capabilities:");
            ln!(out, "{pad}        add: [\"NET_ADMIN\"]");
        }
        _ => {
            ln!(out, "{pad}      allowPrivilegeEscalation: false");
            ln!(out, "{pad}      readOnlyRootFilesystem: true");
            ln!(out, "{pad}      capabilities:");
            ln!(out, "{pad}        drop: [\"ALL\"]");
        }
    }

    let mounts: Vec<&str> = volumes
        .iter()
        .map(|(name, _)| *name)
        .filter(|_| rng.percent(80))
        .collect();
    if !mounts.is_empty() || data_mount {
        ln!(out, "{pad}    volumeMounts:");
        for name in mounts {
            ln!(out, "{pad}      - name: {name}");
            ln!(out, "{pad}        mountPath: /mnt/{name}");
        }
        if data_mount {
            ln!(out, "{pad}      - name: data");
            ln!(out, "{pad}        mountPath: /var/lib/data");
        }
    }
}

/// Requests and limits in the shapes seen in practice: none, requests only, equal, and
/// limits above requests; sizes skewed small with a tail past Fargate's 16 vCPU / 120 GB.
fn resources(out: &mut String, rng: &mut Rng, pad: &str) {
    let shape = rng.below(100);
    if shape < 12 {
        return;
    }
    let cpu = rng.small_index(CPU.len());
    let memory = rng.small_index(MEMORY.len());
    ln!(out, "{pad}    resources:");
    ln!(out, "{pad}      requests:");
    ln!(out, "{pad}        cpu: {}", CPU[cpu]);
    ln!(out, "{pad}        memory: {}", MEMORY[memory]);
    if rng.percent(5) {
        ln!(
            out,
            "{pad}        ephemeral-storage: {}Gi",
            rng.pick(&[1, 10, 30, 200])
        );
    }
    if shape < 37 {
        return;
    }
    let (cpu_limit, memory_limit) = if shape < 72 {
        (cpu, memory)
    } else {
        (
            rng.range(cpu, CPU.len() - 1),
            rng.range(memory, MEMORY.len() - 1),
        )
    };
    ln!(out, "{pad}      limits:");
    ln!(out, "{pad}        cpu: {}", CPU[cpu_limit]);
    ln!(out, "{pad}        memory: {}", MEMORY[memory_limit]);
    if rng.percent(1) {
        ln!(out, "{pad}        nvidia.com/gpu: 1");
    }
}

fn image(rng: &mut Rng, app: &str) -> String {
    let tag = format!("{}.{}.{}", rng.below(4), rng.below(30), rng.below(10));
    match rng.below(100) {
        0..=44 => {
            let region = rng.pick(&["us-east-1", "us-east-1", "eu-west-1"]);
            format!("123456789012.dkr.ecr.{region}.amazonaws.com/{app}:{tag}")
        }
        45..=54 => (*rng.pick(ECR_PUBLIC)).to_string(),
        55..=89 => (*rng.pick(DOCKER_HUB)).to_string(),
        90..=97 => (*rng.pick(OTHER_REGISTRIES)).to_string(),
        // An envsubst placeholder, as in repositories deployed by a pipeline (FL002).
        _ => format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/{app}:${{IMAGE_TAG}}"),
    }
}
