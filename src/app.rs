//! What each command does, from parsed arguments to output and exit code.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::Path;

use clap::{CommandFactory, Parser, ValueEnum};

use crate::analysis::{Analysis, ClusterScope, Settings};
use crate::cli::{
    CatalogFormat, CheckArgs, CheckFormat, Cli, Color, Command, FailOn, PredictArgs, PredictFormat,
    RuleArgs, RunArgs, mistyped_subcommand, with_default_command,
};
use crate::config::{self, Config};
use crate::diagnostic::Finding;
use crate::discover::{DEFAULT_MAX_FILE_SIZE, DiscoverOptions};
use crate::emit;
use crate::lint;
use crate::output;
use crate::rules::{self, RULES};
use crate::yaml;

/// Nothing at or above `--fail-on`.
pub const EXIT_OK: i32 = 0;
/// Findings at or above `--fail-on` (an input that cannot be parsed is one).
pub const EXIT_FINDINGS: i32 = 1;
/// The run itself failed: usage, a missing PATH, output that cannot be written.
pub const EXIT_FAILURE: i32 = 2;

/// Runs the program with `args` (the first is the program name) and returns the exit code.
pub fn main(args: Vec<std::ffi::OsString>) -> i32 {
    if let Some(meant) = mistyped_subcommand(&args) {
        let typed = args.get(1).map(|a| a.to_string_lossy()).unwrap_or_default();
        eprintln!(
            "fargate-lint: error: `{typed}` is neither a subcommand nor a file or folder; did you mean `{meant}`?"
        );
        return EXIT_FAILURE;
    }
    let cli = match Cli::try_parse_from(with_default_command(args)) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                EXIT_FAILURE
            } else {
                EXIT_OK
            };
        }
    };
    let result = match cli.command {
        Command::Check(args) => in_pool(&args.run, || check(&args)),
        Command::Predict(args) => in_pool(&args.run, || predict(&args)),
        Command::Rules { format } => output::write(None, &catalog(format)).map(|_| EXIT_OK),
        Command::Explain { rule } => explain(&rule),
        Command::Completions { shell } => {
            // clap_complete panics when its writer fails; a buffer cannot, and
            // `output::write` ends quietly on a closed pipe (`| head`).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "fargate-lint", &mut script);
            output::write(None, &String::from_utf8_lossy(&script)).map(|_| EXIT_OK)
        }
        Command::Init { force } => init(force),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("fargate-lint: error: {message}");
            EXIT_FAILURE
        }
    }
}

/// The configuration file, per `--config` and `--no-config`.
fn load_config(run: &RunArgs) -> Result<Config, String> {
    config::load(run.config.as_deref(), run.no_config)
}

/// The settings of a run: the command line wins over the configuration file, which wins
/// over the defaults; `--exclude` adds to the file's `exclude`.
fn settings(run: &RunArgs, config: &Config) -> Settings {
    Settings {
        // Human output and SARIF read the files they quote again (`Analysis::text`).
        keep_texts: false,
        paths: run.paths.clone(),
        // The cluster files `[[clusters]]` names are read like `--cluster` ones.
        cluster_files: run
            .cluster
            .iter()
            .cloned()
            .chain(
                config
                    .clusters
                    .iter()
                    .map(|c| c.config.to_string_lossy().into_owned()),
            )
            .collect(),
        find_clusters: run.find_clusters,
        render: run.render,
        baseline: run.baseline.clone(),
        discover: DiscoverOptions {
            exclude: config.exclude.iter().chain(&run.exclude).cloned().collect(),
            no_ignore: run.no_ignore,
            hidden: run.hidden,
            threads: run.threads,
            max_file_size: run.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
            stdin_name: run.stdin_filename.clone(),
        },
        default_namespace: run
            .namespace
            .clone()
            .or_else(|| config.default_namespace.clone())
            .unwrap_or_else(|| "default".to_string()),
        pricing: config.pricing,
        yaml_limits: yaml::Limits::default(),
        cluster_scopes: config
            .clusters
            .iter()
            .map(|c| ClusterScope {
                file: c.config.clone(),
                base: config
                    .path
                    .as_deref()
                    .and_then(Path::parent)
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."))
                    .to_path_buf(),
                manifests: c.manifests.as_ref().map(|globs| {
                    let mut set = globset::GlobSetBuilder::new();
                    // Checked when the file was read; a glob that fails here is left out.
                    for g in globs.iter().filter_map(|g| config::manifest_glob(g).ok()) {
                        set.add(g);
                    }
                    set.build().unwrap_or_else(|_| globset::GlobSet::empty())
                }),
                ec2_capacity: c.ec2_capacity,
            })
            .collect(),
    }
}

/// Runs `lint::run` on a thread pool of the requested size, and lists with `--verbose`
/// what was skipped or not read.
fn run_lint(
    run: &RunArgs,
    config: &Config,
    rules: &RuleArgs,
    show_suppressed: bool,
) -> Result<lint::Report, String> {
    let settings = settings(run, config);
    let selection = lint::Selection {
        select: rules.select.clone(),
        ignore: rules.ignore.clone(),
    };
    let report = lint::run(
        &settings,
        config,
        &selection,
        show_suppressed,
        &mut std::io::stdin().lock(),
    )?;
    if run.verbose {
        for s in &report.analysis.skipped {
            eprintln!("skipped {}: {}", emit::escape::terminal(&s.path), s.reason);
        }
        for n in &report.analysis.not_read {
            eprintln!(
                "not read {}: {}",
                emit::escape::terminal(&n.path),
                emit::escape::terminal(&n.reason)
            );
        }
        for v in &report.analysis.variants {
            let read: Vec<String> = v
                .read
                .iter()
                .map(|f| emit::escape::terminal(report.analysis.files.path(*f)).into_owned())
                .collect();
            eprintln!(
                "variant {}: read {}",
                emit::escape::terminal(&v.dir),
                read.join(", ")
            );
        }
    }
    Ok(report)
}

/// Runs a command on `-j` worker threads: reading, rules and rendering alike.
fn in_pool(
    run: &RunArgs,
    command: impl FnOnce() -> Result<i32, String> + Send,
) -> Result<i32, String> {
    // Before any worker thread exists: a thread takes its arena at its first allocation.
    limit_malloc_arenas(match run.threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    });
    rayon::ThreadPoolBuilder::new()
        .num_threads(run.threads)
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?
        .install(command)
}

/// glibc's malloc gives each new thread an arena of its own, up to eight per core, and memory
/// freed into one arena is not reused by the others: the walk's threads, the pool's and the
/// main thread's each kept part of the run's heap. As many arenas as workers keeps threads
/// from waiting on each other's locks and lets the heap be reused (check -j 2 of the
/// 10,000-file suite corpus: peak RSS 149 -> 136 MiB, the same wall time).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas(threads: usize) {
    let arenas = libc::c_int::try_from(threads.max(1)).unwrap_or(libc::c_int::MAX);
    // SAFETY: mallopt only sets a malloc parameter, under glibc's own lock; it takes no
    // pointer, and a refusal (return 0) leaves the default.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas(_threads: usize) {}

fn use_color(run: &RunArgs) -> bool {
    match run.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            run.output.is_none()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// The paths of `--changed-files FILE`; an unreadable list fails the run (exit 2), as a
/// list that silently matched nothing would hide the change's findings among the others.
fn changed_files(path: Option<&Path>) -> Result<Option<BTreeSet<String>>, String> {
    let Some(path) = path else { return Ok(None) };
    let bytes = std::fs::read(path)
        .map_err(|e| format!("--changed-files: cannot read {}: {e}", path.display()))?;
    Ok(Some(emit::github::parse_changed_files(
        &String::from_utf8_lossy(&bytes),
    )))
}

fn check(args: &CheckArgs) -> Result<i32, String> {
    if args.statistics && matches!(args.format, CheckFormat::Sarif | CheckFormat::Github) {
        return Err(format!(
            "--statistics prints counts in the human or json format, not {}; --sarif-output writes SARIF beside them",
            args.format
                .to_possible_value()
                .map(|v| v.get_name().to_string())
                .unwrap_or_default()
        ));
    }
    let changed = changed_files(args.changed_files.as_deref())?;
    let config = load_config(&args.run)?;
    let fail_on = args.fail_on.or(config.fail_on).unwrap_or(FailOn::Warning);
    let lint::Report {
        analysis,
        baseline,
        findings,
    } = run_lint(&args.run, &config, &args.rules, args.show_suppressed)?;
    let sarif_options = emit::sarif::SarifOptions {
        category: args.sarif_category.clone(),
    };
    // The reports beside the main one first: written even when stdout is closed.
    if let Some(path) = &args.sarif_output {
        output::write_with(Some(path), &mut |w| {
            emit::sarif::write(w, &analysis, &findings, &sarif_options)
        })?;
    }
    if let Some(path) = &args.summary_output {
        output::append(
            path,
            &emit::github::render_summary(&analysis, &findings, changed.as_ref()),
        )?;
    }
    let text = |w: &mut dyn std::io::Write, s: String| w.write_all(s.as_bytes());
    output::write_with(args.run.output.as_deref(), &mut |w| match args.format {
        CheckFormat::Human if args.statistics => text(w, emit::statistics::render_human(&findings)),
        CheckFormat::Json if args.statistics => text(w, emit::statistics::render_json(&findings)),
        CheckFormat::Human => {
            emit::human::write(w, &analysis, &findings, use_color(&args.run), args.quiet)
        }
        CheckFormat::Json => emit::json::write(w, &analysis, &findings),
        CheckFormat::Sarif => emit::sarif::write(w, &analysis, &findings, &sarif_options),
        CheckFormat::Github => text(
            w,
            emit::github::render_with(
                &analysis,
                &findings,
                &emit::github::AnnotationOptions {
                    changed: changed.clone(),
                    max_per_level: args.max_annotations,
                },
            ),
        ),
    })?;
    let code = if lint::fails(&findings, fail_on) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    exit_soon(lint::Report {
        analysis,
        baseline,
        findings,
    });
    Ok(code)
}

/// Leaves the report to the end of the process instead of freeing it: the process exits
/// next, and freeing every node, workload and finding one by one took a tenth of a run with
/// many findings.
fn exit_soon(report: lint::Report) {
    std::mem::forget(report);
}

fn predict(args: &PredictArgs) -> Result<i32, String> {
    let config = load_config(&args.run)?;
    // What `check` would report about each workload, for the FINDINGS column; suppressed
    // findings are not counted.
    let lint::Report {
        analysis,
        baseline,
        findings,
    } = run_lint(&args.run, &config, &args.rules, false)?;
    let counts = emit::predict::findings_per_workload(&analysis, &findings);
    let out = match (args.format, &baseline) {
        (PredictFormat::Human, None) => emit::predict::render_human(&analysis, &counts, args.quiet),
        (PredictFormat::Json, None) => emit::predict::render_json(&analysis, &counts),
        (PredictFormat::Markdown, None) => emit::predict::render_markdown(&analysis, &counts),
        (PredictFormat::Human, Some(b)) => {
            emit::predict_diff::render_human(&analysis, b, args.all, args.quiet)
        }
        (PredictFormat::Json, Some(b)) => {
            emit::predict::render_json_with(&analysis, &counts, Some(b))
        }
        (PredictFormat::Markdown, Some(b)) => format!(
            "{}{}",
            emit::predict_diff::render_markdown(&analysis, b, args.all),
            emit::predict::render_markdown(&analysis, &counts)
        ),
    };
    output::write(args.run.output.as_deref(), &out)?;
    let code = predict_exit_code(args, &analysis, &findings);
    exit_soon(lint::Report {
        analysis,
        baseline,
        findings,
    });
    Ok(code)
}

fn predict_exit_code(args: &PredictArgs, analysis: &Analysis, findings: &[Finding]) -> i32 {
    // A file that could not be read or parsed leaves the prediction incomplete.
    if let Some(p) = analysis.input_problems.first() {
        eprintln!(
            "fargate-lint: {} could not be read or parsed (first: {}:{}: {}); run `fargate-lint check` for all",
            emit::plural(analysis.input_problems.len(), "input"),
            emit::escape::terminal(
                analysis
                    .files
                    .get(p.loc.file)
                    .map(|f| f.path.as_str())
                    .unwrap_or("")
            ),
            p.loc.span.start.line,
            emit::escape::terminal(&p.message)
        );
        return EXIT_FINDINGS;
    }
    // Only an explicit `--fail-on` makes findings matter here: `predict` is a report.
    if args
        .fail_on
        .is_some_and(|level| lint::fails(findings, level))
    {
        return EXIT_FINDINGS;
    }
    EXIT_OK
}

fn catalog(format: CatalogFormat) -> String {
    match format {
        CatalogFormat::Human => {
            let mut out = String::new();
            let width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
            for r in RULES {
                out.push_str(&format!(
                    "{}  {:width$}  {:7}  {}\n",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    r.summary
                ));
            }
            out
        }
        CatalogFormat::Json => {
            let list: Vec<_> = RULES
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code, "name": r.name,
                        "severity": r.severity.as_str(), "summary": r.summary,
                    })
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
            s.push('\n');
            s
        }
    }
}

/// `init`: the starter configuration in the current folder; an existing one is an error
/// (exit 2) unless `--force`, so that a configuration is never lost by accident.
fn init(force: bool) -> Result<i32, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    let path = crate::init::write(&cwd, force)?;
    eprintln!("wrote {}", path.display());
    Ok(EXIT_OK)
}

fn explain(rule: &str) -> Result<i32, String> {
    match rules::find(rule) {
        Some(r) => output::write(None, r.doc).map(|_| EXIT_OK),
        None => Err(format!("no rule `{rule}`{}", rules::did_you_mean(rule))),
    }
}
