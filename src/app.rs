//! What each command does, from parsed arguments to output and exit code.

use std::io::{IsTerminal, Write};
use std::path::Path;

use clap::{CommandFactory, Parser};

use crate::analysis::{Analysis, ClusterScope, Settings, analyze};
use crate::cli::{
    CatalogFormat, CheckArgs, CheckFormat, Cli, Color, Command, FailOn, PredictArgs, PredictFormat,
    RuleArgs, RunArgs, mistyped_subcommand, with_default_command,
};
use crate::config::{self, Config};
use crate::diagnostic::{Finding, Severity};
use crate::discover::{DEFAULT_MAX_FILE_SIZE, DiscoverOptions};
use crate::emit;
use crate::image::DEFAULT_ALLOWED_REGISTRIES;
use crate::rules::{self, RULES, Rule, prelude::Context};
use crate::suppress;
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
        Command::Check(args) => check(&args),
        Command::Predict(args) => predict(&args),
        Command::Rules { format } => write_output(None, &catalog(format)).map(|_| EXIT_OK),
        Command::Explain { rule } => explain(&rule),
        Command::Completions { shell } => {
            // clap_complete panics when its writer fails; a buffer cannot, and
            // `write_output` ends quietly on a closed pipe (`| head`).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "fargate-lint", &mut script);
            write_output(None, &String::from_utf8_lossy(&script)).map(|_| EXIT_OK)
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
        discover: DiscoverOptions {
            exclude: config.exclude.iter().chain(&run.exclude).cloned().collect(),
            no_ignore: run.no_ignore,
            hidden: run.hidden,
            threads: run.threads,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
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

/// Runs the analysis on a thread pool of the requested size.
fn run_analysis(run: &RunArgs, config: &Config) -> Result<Analysis, String> {
    let settings = settings(run, config);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(run.threads)
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    let analysis = pool
        .install(|| analyze(&settings, &mut std::io::stdin().lock()))
        .map_err(|e| e.to_string())?;
    if run.verbose {
        for s in &analysis.skipped {
            eprintln!("skipped {}: {}", s.path, s.reason);
        }
    }
    Ok(analysis)
}

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

/// Does `token` (a code, a name or a code prefix) name `rule`?
fn selects(token: &str, rule: &Rule) -> bool {
    let token = token.trim();
    rule.name == token
        || rule
            .code
            .to_ascii_uppercase()
            .starts_with(&token.to_ascii_uppercase())
}

/// The rules that `--select` and `--ignore` leave on. A token that names no rule is an
/// error (exit 2), with the closest rule suggested as `explain` does.
fn selected_rules(args: &RuleArgs) -> Result<Vec<&'static str>, String> {
    let tokens = (args.select.iter().map(|t| ("--select", t)))
        .chain(args.ignore.iter().map(|t| ("--ignore", t)));
    for (option, token) in tokens {
        if !token.trim().is_empty() && !RULES.iter().any(|r| selects(token, r)) {
            return Err(format!(
                "{option}: `{token}` names no rule{}; see `fargate-lint rules`",
                rules::did_you_mean(token)
            ));
        }
    }
    Ok(RULES
        .iter()
        .filter(|r| args.select.is_empty() || args.select.iter().any(|t| selects(t, r)))
        .filter(|r| !args.ignore.iter().any(|t| selects(t, r)))
        .map(|r| r.code)
        .collect())
}

fn fails(findings: &[Finding], fail_on: FailOn) -> bool {
    let threshold = match fail_on {
        FailOn::Never => return false,
        FailOn::Note => Severity::Note,
        FailOn::Warning => Severity::Warning,
        FailOn::Error => Severity::Error,
    };
    // Suppressed findings never fail a run, shown or not.
    findings
        .iter()
        .any(|f| f.counts() && f.severity >= threshold)
}

/// Every rule on the analysis: the findings `check` reports before `--select`/`--ignore`
/// (and `predict` counts per workload), with the configuration's `[rules]` applied. Public
/// for the fuzz target (`fuzz/`), which runs the pipeline without the command line.
pub fn run_rules(analysis: &Analysis, config: &Config) -> Vec<Finding> {
    // The configuration extends the built-in list; it does not replace it.
    let allowed: Vec<&str> = DEFAULT_ALLOWED_REGISTRIES
        .iter()
        .copied()
        .chain(config.allowed_registries.iter().map(String::as_str))
        .collect();
    let cx = Context {
        files: &analysis.files,
        model: &analysis.model,
        placements: &analysis.placements,
        input_problems: &analysis.input_problems,
        limits: config.limits,
        sizes: &analysis.sizes,
        pricing: analysis.pricing,
        allowed_registries: &allowed,
    };
    rules::run(&cx)
        .into_iter()
        // `[rules]` applies after the rules run: a rule set to "off" loses its findings, any
        // other level replaces the severity.
        .filter_map(|mut f| match config.rules.get(f.code) {
            None => Some(f),
            Some(level) => level.severity().map(|s| {
                f.severity = s;
                f
            }),
        })
        // Files found by `--find-clusters` lend their clusters; the user did not ask about them.
        .filter(|f| {
            analysis
                .found_cluster_files
                .binary_search(&f.loc.file)
                .is_err()
        })
        .collect()
}

fn check(args: &CheckArgs) -> Result<i32, String> {
    let on = selected_rules(&args.rules)?;
    let config = load_config(&args.run)?;
    let fail_on = args.fail_on.or(config.fail_on).unwrap_or(FailOn::Warning);
    let analysis = run_analysis(&args.run, &config)?;
    // Suppressions are judged on the findings of every rule, before `--select` and
    // `--ignore`, so that FL004 says the same whatever the selection; only a rule the
    // configuration sets to "off" cannot make a suppression of it unused.
    let enabled = |code: &str| config.rules.get(code) != Some(&config::Level::Off);
    let findings: Vec<Finding> =
        suppress::apply(&analysis, &config, run_rules(&analysis, &config), &enabled)
            .into_iter()
            .filter(|f| on.contains(&f.code))
            .filter(|f| args.show_suppressed || f.counts())
            .collect();
    let out = match args.format {
        CheckFormat::Human => {
            emit::human::render(&analysis, &findings, use_color(&args.run), args.quiet)
        }
        CheckFormat::Json => emit::json::render(&analysis, &findings),
        CheckFormat::Sarif => emit::sarif::render(
            &analysis,
            &findings,
            &emit::sarif::SarifOptions {
                category: args.sarif_category.clone(),
            },
        ),
        CheckFormat::Github => emit::github::render(&analysis, &findings),
    };
    write_output(args.run.output.as_deref(), &out)?;
    Ok(if fails(&findings, fail_on) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn predict(args: &PredictArgs) -> Result<i32, String> {
    let on = selected_rules(&args.rules)?;
    let config = load_config(&args.run)?;
    let analysis = run_analysis(&args.run, &config)?;
    // What `check` would report about each workload, for the FINDINGS column.
    // Suppressed findings are not counted; FL004 is about comments, not workloads.
    let enabled = |code: &str| config.rules.get(code) != Some(&config::Level::Off);
    let findings: Vec<Finding> =
        suppress::apply(&analysis, &config, run_rules(&analysis, &config), &enabled)
            .into_iter()
            .filter(|f| f.counts() && on.contains(&f.code))
            .collect();
    let counts = emit::predict::findings_per_workload(&analysis, &findings);
    let out = match args.format {
        PredictFormat::Human => emit::predict::render_human(&analysis, &counts, args.quiet),
        PredictFormat::Json => emit::predict::render_json(&analysis, &counts),
        PredictFormat::Markdown => emit::predict::render_markdown(&analysis, &counts),
    };
    write_output(args.run.output.as_deref(), &out)?;
    // A file that could not be read or parsed leaves the prediction incomplete.
    if let Some(p) = analysis.input_problems.first() {
        eprintln!(
            "fargate-lint: {} could not be read or parsed (first: {}:{}: {}); run `fargate-lint check` for all",
            emit::plural(analysis.input_problems.len(), "input"),
            analysis
                .files
                .get(p.loc.file.0 as usize)
                .map(|f| f.path.as_str())
                .unwrap_or(""),
            p.loc.span.start.line,
            p.message
        );
        return Ok(EXIT_FINDINGS);
    }
    // Only an explicit `--fail-on` makes findings matter here: `predict` is a report.
    if args.fail_on.is_some_and(|level| fails(&findings, level)) {
        return Ok(EXIT_FINDINGS);
    }
    Ok(EXIT_OK)
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
        Some(r) => write_output(None, r.doc).map(|_| EXIT_OK),
        None => Err(format!("no rule `{rule}`{}", rules::did_you_mean(rule))),
    }
}

/// Writes to stdout, or to `path` through a temporary file and a rename, so a reader never
/// sees half a report.
fn write_output(path: Option<&Path>, content: &str) -> Result<(), String> {
    match path {
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not a failure of the run.
            match stdout
                .write_all(content.as_bytes())
                .and_then(|_| stdout.flush())
            {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(format!("cannot write the report: {e}"))
                }
                _ => Ok(()),
            }
        }
        Some(path) => {
            let dir = path
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("report");
            let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
            std::fs::write(&tmp, content)
                .and_then(|_| std::fs::rename(&tmp, path))
                .map_err(|e| {
                    let _ = std::fs::remove_file(&tmp);
                    format!("cannot write {}: {e}", path.display())
                })
        }
    }
}
