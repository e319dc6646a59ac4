//! Engine benchmark: the hot paths of the library, in process, without start-up, folder walk,
//! rules or output. It generates the realistic corpus of `benches/common/generator.rs` in
//! memory (manifests and one eksctl ClusterConfig with 10 Fargate profiles: exact, label and
//! wildcard selectors), builds the model from it the way a run does, and times:
//!
//! - `placement::place_among(order, workload)` for every workload in the one cluster (its
//!   profile order made once, as a run does);
//! - `sizing::pod_need` + `sizing::size_for` for every workload's pod;
//! - `yaml::parse`, `model::extract` on the parsed files, and the two together per file
//!   (what `analysis` does to each YAML input): MB/s and documents/s;
//! - the same for generated Terraform modules (`model::terraform::parse` and
//!   `read_modules`) and CloudFormation templates (YAML with short tags), each a cluster of
//!   10 Fargate profiles and its role, with their MB/s as a share of the manifests'
//!   (the issue asks for at least half).
//!
//! Each measurement runs its pass once to warm up and to learn how many passes make a run of
//! at least [`MIN_RUN`], then times `--runs` runs and reports the best and the median in
//! nanoseconds per call, and the rate of the best. This file owns what is measured and
//! printed; the one place that calls the library is the module [`engine`]
//! (`benches/common/engine.rs`, shared with the `suite` benchmark), so that a change
//! of `src/` (types gaining fields, `extract` renamed or split per format) is adapted there.
//!
//! ```text
//! --files N  BENCH_FILES  manifest files to generate (default 2000)
//! --runs N   BENCH_RUNS   timed runs per measurement (default 10)
//! ```

mod common;

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use common::generator::{self, SEED};
use common::measure::mb;
use common::options::{self, Kind, Opt, Values};

/// The least wall time of one timed run: long enough that the clock's resolution and one
/// interruption do not decide the result, short enough for a shared machine.
const MIN_RUN: Duration = Duration::from_millis(20);

const OPTIONS: &[Opt] = &[
    Opt {
        flag: "--files",
        alias: None,
        env: "BENCH_FILES",
        kind: Kind::Number(2_000),
        about: "manifest files to generate",
    },
    Opt {
        flag: "--runs",
        alias: None,
        env: "BENCH_RUNS",
        kind: Kind::Number(10),
        about: "timed runs per measurement, best and median count",
    },
];

#[path = "common/engine.rs"]
mod engine;

fn main() -> ExitCode {
    let options = match options::from_command_line("engine", OPTIONS, &[]) {
        Ok(options) => options,
        Err(code) => return code,
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("engine: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: &Values) -> Result<(), String> {
    let runs = options.number("--runs");
    let (corpus, files) = generator::in_memory(options.number("--files"), SEED)?;
    let parsed: Vec<engine::ParsedFile> = files.iter().map(|(_, t)| engine::parse(t)).collect();
    let documents: usize = parsed.iter().map(engine::documents).sum();
    let facts = files
        .iter()
        .zip(&parsed)
        .enumerate()
        .map(|(i, ((path, _), parsed))| {
            let path = path.to_string_lossy().into_owned();
            (path, engine::extract(i, parsed))
        })
        .collect();
    let model = engine::assemble(facts);
    let workloads = engine::workloads(&model);
    let [cluster] = engine::clusters(&model) else {
        return Err(format!(
            "the generated corpus should define one cluster, not {}",
            engine::clusters(&model).len()
        ));
    };
    let order = engine::order(cluster);
    let placed: Vec<engine::Placement> =
        workloads.iter().map(|w| engine::place(&order, w)).collect();
    let [fargate, ec2, pending] = engine::tally(&placed);
    let sized = workloads
        .iter()
        .filter(|w| engine::size(w).is_some())
        .count();

    println!(
        "corpus: {} files ({} manifests + 1 ClusterConfig), {:.1} MB, {documents} documents, \
         in memory",
        corpus.files,
        corpus.files - 1,
        mb(corpus.bytes)
    );
    println!(
        "model:  {} workloads, 1 cluster with {} Fargate profiles; placed: Fargate {fargate}, \
         EC2 {ec2}, Pending {pending}; {sized} fit a Fargate size",
        workloads.len(),
        engine::profiles(cluster)
    );
    println!(
        "runs:   {runs} per measurement, each of at least {} ms; ns per call, rate of the best",
        MIN_RUN.as_millis()
    );
    println!();
    println!(
        "{:<22} {:>8} {:>6} {:>11} {:>11}  rate",
        "measure", "calls", "per", "best ns", "median ns"
    );

    let per_second = |ns: f64| 1e9 / ns.max(f64::EPSILON);
    let files_rate = |ns: f64| {
        let seconds = ns.max(f64::EPSILON) * files.len() as f64 / 1e9;
        format!(
            "{:.1} MB/s, {:.0} documents/s",
            mb(corpus.bytes) / seconds,
            documents as f64 / seconds
        )
    };

    let t = time(workloads.len(), runs, || {
        for w in workloads {
            black_box(engine::place(black_box(&order), black_box(w)));
        }
    });
    t.print("place", "pod", |ns| {
        format!("{:.0} placements/s", per_second(ns))
    });

    let t = time(workloads.len(), runs, || {
        for w in workloads {
            black_box(engine::size(black_box(w)));
        }
    });
    t.print("pod_need + size_for", "pod", |ns| {
        format!("{:.0} pods/s", per_second(ns))
    });

    let t = time(files.len(), runs, || {
        for (_, text) in &files {
            black_box(engine::parse(black_box(text)));
        }
    });
    t.print("yaml::parse", "file", files_rate);

    let t = time(files.len(), runs, || {
        for (i, p) in parsed.iter().enumerate() {
            black_box(engine::extract(i, black_box(p)));
        }
    });
    t.print("model::extract", "file", files_rate);

    let t = time(files.len(), runs, || {
        for (i, (_, text)) in files.iter().enumerate() {
            let p = engine::parse(black_box(text));
            black_box(engine::extract(i, &p));
        }
    });
    let yaml_best = t.best();
    t.print("parse + extract", "file", files_rate);

    // Infrastructure files: as many bytes as a tenth of the manifests, at least 20 files.
    let infra_files = (files.len() / 10).max(20);
    let (terraform, templates) = generator::infrastructure(infra_files, 10, SEED);
    let yaml_rate = mb(corpus.bytes) / (yaml_best.max(f64::EPSILON) * files.len() as f64 / 1e9);
    let share = |texts: &[String], ns: f64| {
        let bytes: usize = texts.iter().map(String::len).sum();
        let rate = mb(bytes as u64) / (ns.max(f64::EPSILON) * texts.len() as f64 / 1e9);
        format!(
            "{rate:.1} MB/s, {:.2} of the manifests' {yaml_rate:.1} MB/s",
            rate / yaml_rate.max(f64::EPSILON)
        )
    };
    if terraform
        .iter()
        .enumerate()
        .any(|(i, t)| engine::terraform(i, t) != 1)
    {
        return Err("a generated Terraform module should define one cluster".to_string());
    }
    let t = time(terraform.len(), runs, || {
        for (i, text) in terraform.iter().enumerate() {
            black_box(engine::terraform(i, black_box(text)));
        }
    });
    t.print("terraform module", "file", |ns| share(&terraform, ns));
    let t = time(templates.len(), runs, || {
        for (i, text) in templates.iter().enumerate() {
            let p = engine::parse(black_box(text));
            black_box(engine::extract(i, &p));
        }
    });
    t.print("cloudformation", "file", |ns| share(&templates, ns));
    Ok(())
}

/// Nanoseconds per call of the timed runs, sorted.
struct Timing {
    calls: usize,
    per_call: Vec<f64>,
}

/// Times `pass`, which makes `calls` calls: once to warm up and calibrate, then `runs` runs
/// of as many passes as make [`MIN_RUN`].
fn time(calls: usize, runs: usize, mut pass: impl FnMut()) -> Timing {
    let started = Instant::now();
    pass();
    let once = started.elapsed().max(Duration::from_nanos(1));
    let passes = MIN_RUN.as_nanos().div_ceil(once.as_nanos()).max(1);
    let passes = u32::try_from(passes).unwrap_or(u32::MAX);
    let mut per_call: Vec<f64> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..passes {
                pass();
            }
            let ns = started.elapsed().as_nanos() as f64;
            ns / (f64::from(passes) * calls.max(1) as f64)
        })
        .collect();
    per_call.sort_by(f64::total_cmp);
    Timing { calls, per_call }
}

impl Timing {
    fn best(&self) -> f64 {
        self.per_call.first().copied().unwrap_or_default()
    }

    /// The middle run (the upper of the two middle ones for an even count).
    fn median(&self) -> f64 {
        self.per_call
            .get(self.per_call.len() / 2)
            .copied()
            .unwrap_or_default()
    }

    fn print(&self, name: &str, per: &str, rate: impl Fn(f64) -> String) {
        println!(
            "{name:<22} {:>8} {per:>6} {:>11.0} {:>11.0}  {}",
            self.calls,
            self.best(),
            self.median(),
            rate(self.best())
        );
    }
}
