//! The command line: subcommands and options of `interface.md`, parsed with clap.
//!
//! Options that a CI job or a shell profile sets once can also come from environment
//! variables, `FARGATE_LINT_<OPTION>` ([`ENV_OPTIONS`]); the command line wins over them, and
//! they over the configuration file.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::rules;

#[derive(Debug, Parser)]
#[command(
    name = "fargate-lint",
    version,
    about = "Predicts where every pod lands on Amazon EKS with AWS Fargate, and what breaks when it gets there.",
    // `check` is the default command (see `with_default_command`): say so where clap would
    // only show `<COMMAND>`.
    override_usage = "fargate-lint [check] [OPTIONS] [PATH]...\n       fargate-lint <COMMAND>"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint manifests and cluster definitions (the default command).
    Check(CheckArgs),
    /// Show where every workload lands, per cluster, with its Fargate size and monthly cost.
    Predict(PredictArgs),
    /// List the rule catalogue.
    Rules {
        #[arg(long, value_enum, default_value_t = CatalogFormat::Human)]
        format: CatalogFormat,
    },
    /// Show a rule's document, by code (FL101) or name (too-many-selectors).
    Explain { rule: String },
    /// Print shell completions.
    Completions { shell: clap_complete::Shell },
    /// Write a commented starter `.fargate-lint.toml` (every key with its default) in the
    /// current folder.
    Init {
        /// Overwrite an existing `.fargate-lint.toml`.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the files of a pull request.
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PredictFormat {
    Human,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CatalogFormat {
    Human,
    Json,
}

pub use crate::config::FailOn;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// The environment variables that options are read from (clap's `env`): a test that runs
/// the binary removes them, so that a user's environment does not change what it sees.
pub const ENV_OPTIONS: &[&str] = &[
    "FARGATE_LINT_CONFIG",
    "FARGATE_LINT_NAMESPACE",
    "FARGATE_LINT_FORMAT",
    "FARGATE_LINT_FAIL_ON",
    "FARGATE_LINT_SELECT",
    "FARGATE_LINT_IGNORE",
    "FARGATE_LINT_SARIF_CATEGORY",
    "FARGATE_LINT_MAX_ANNOTATIONS",
    "FARGATE_LINT_MAX_FILE_SIZE",
];

/// Options shared by `check` and `predict`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Files or folders to read; "-" reads YAML/JSON from stdin.
    #[arg(default_value = ".", value_name = "PATH")]
    pub paths: Vec<String>,
    /// Write the report to FILE instead of stdout (a regular file atomically; a device, a FIFO
    /// or a link's target in place).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// A cluster definition to use besides those found among the paths (repeatable).
    #[arg(long, value_name = "FILE")]
    pub cluster: Vec<String>,
    /// Also use the cluster definitions found anywhere in the repository (from its root); only
    /// their clusters count. For hooks that pass only the changed files.
    #[arg(long)]
    pub find_clusters: bool,
    /// Namespace of manifests that set none [default: the configuration's
    /// `default-namespace`, else "default"].
    #[arg(long, value_name = "NS", env = "FARGATE_LINT_NAMESPACE")]
    pub namespace: Option<String>,
    /// Skip matching paths (repeatable; added to the configuration's `exclude`).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Do not honour .gitignore, .ignore and git excludes.
    #[arg(long)]
    pub no_ignore: bool,
    /// Also read hidden files and folders.
    #[arg(long)]
    pub hidden: bool,
    /// The largest file read, in bytes or with K, M or G (`16M`); a larger one is reported
    /// (FL001), not read [default: 8M].
    #[arg(long, value_name = "SIZE", value_parser = crate::discover::parse_size, env = "FARGATE_LINT_MAX_FILE_SIZE")]
    pub max_file_size: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Build the kustomize variants that use what no native build does (helmCharts, remote
    /// resources, replacements, plugins) with `kubectl kustomize` or `kustomize build` from
    /// PATH, which may fetch what they name; their findings point at the kustomization.
    #[arg(long)]
    pub render: bool,
    /// Also read the PATHs as they are at git revision REF (from the repository's objects:
    /// no checkout) and report what the change does: profiles modified or removed, workloads
    /// that land elsewhere (FL301-FL303); `predict` shows the placement and cost diff.
    #[arg(long, value_name = "REF")]
    pub baseline: Option<String>,
    /// Colour.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// List skipped files on stderr.
    #[arg(short, long)]
    pub verbose: bool,
    /// Read the configuration from FILE instead of the `.fargate-lint.toml` found from the
    /// current folder up to the repository root.
    #[arg(long, value_name = "FILE", env = "FARGATE_LINT_CONFIG")]
    pub config: Option<PathBuf>,
    /// Read no configuration file, not even one `--config` or `FARGATE_LINT_CONFIG` names
    /// (so that a script can opt out of a variable set for the whole job).
    #[arg(long)]
    pub no_config: bool,
    /// The file name of what "-" reads (stdin), in every output and for the configuration
    /// (`[[clusters]]` manifests, `[[ignore]]` paths), as if the text were that file: an
    /// editor or `git show REV:k8s/web.yaml | fargate-lint - --stdin-filename k8s/web.yaml`.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Output format (`--output-format` is the same option, ruff's name for it).
    #[arg(long, visible_alias = "output-format", value_enum, default_value_t = CheckFormat::Human, env = "FARGATE_LINT_FORMAT")]
    pub format: CheckFormat,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// The lowest severity that makes the exit code 1 [default: the configuration's
    /// `fail-on`, else warning].
    #[arg(long, value_enum, env = "FARGATE_LINT_FAIL_ON")]
    pub fail_on: Option<FailOn>,
    /// Counts per rule (count, code, name) instead of the findings, in the human or json
    /// format; the exit code is the same.
    #[arg(long)]
    pub statistics: bool,
    /// Also write the SARIF log to FILE (atomically), whatever `--format` prints: one run
    /// for code scanning and the job log.
    #[arg(long, value_name = "FILE")]
    pub sarif_output: Option<PathBuf>,
    /// Also append a Markdown summary of every finding to FILE (a table; for
    /// `$GITHUB_STEP_SUMMARY`, which steps append to).
    #[arg(long, value_name = "FILE")]
    pub summary_output: Option<PathBuf>,
    /// `--format github`: the files a pull request changes, one path per line (or separated
    /// by NUL, as `git diff --name-only -z` prints them), relative to the repository root.
    /// Findings in them, or pointing at them, are annotated first.
    #[arg(long, value_name = "FILE")]
    pub changed_files: Option<PathBuf>,
    /// `--format github`: at most N annotations of each level (GitHub shows the first 10 of
    /// each per step), then one notice that counts the others [default: all].
    #[arg(long, value_name = "N", env = "FARGATE_LINT_MAX_ANNOTATIONS")]
    pub max_annotations: Option<usize>,
    /// Findings only, no summary.
    #[arg(short, long)]
    pub quiet: bool,
    /// Also list suppressed findings, marked as such; they still do not count.
    #[arg(long)]
    pub show_suppressed: bool,
    /// SARIF: the category of the analysis (`automationDetails.id`), to keep apart the alerts
    /// of several analyses of one repository.
    #[arg(long, value_name = "CATEGORY", env = "FARGATE_LINT_SARIF_CATEGORY")]
    pub sarif_category: Option<String>,
}

#[derive(Debug, Args)]
pub struct PredictArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PredictFormat::Human)]
    pub format: PredictFormat,
    /// Which rules the FINDINGS column counts.
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Also exit 1 when a counted finding is at or above this severity (by default only an
    /// input that cannot be read makes `predict` exit 1).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// The tables only, without the totals lines.
    #[arg(short, long)]
    pub quiet: bool,
    /// With `--baseline`: every workload in the table, not only those whose placement
    /// changes.
    #[arg(long)]
    pub all: bool,
}

/// Rule selection, shared by `check` and `predict`.
#[derive(Debug, Args)]
pub struct RuleArgs {
    /// Only these rules: comma list of codes, names or prefixes (FL2).
    #[arg(
        long,
        value_name = "RULES",
        value_delimiter = ',',
        env = "FARGATE_LINT_SELECT"
    )]
    pub select: Vec<String>,
    /// Not these rules: comma list of codes, names or prefixes.
    #[arg(
        long,
        value_name = "RULES",
        value_delimiter = ',',
        env = "FARGATE_LINT_IGNORE"
    )]
    pub ignore: Vec<String>,
}

const SUBCOMMANDS: &[&str] = &[
    "check",
    "predict",
    "rules",
    "explain",
    "completions",
    "init",
    "help",
    "-h",
    "--help",
    "-V",
    "--version",
];

/// `fargate-lint ./manifests` means `fargate-lint check ./manifests`.
pub fn with_default_command(mut args: Vec<OsString>) -> Vec<OsString> {
    let first = args.get(1).and_then(|a| a.to_str());
    if !first.is_some_and(|a| SUBCOMMANDS.contains(&a)) {
        args.insert(1.min(args.len()), "check".into());
    }
    args
}

/// The subcommand that a first argument like `predcit` was meant to be: it is no subcommand,
/// no option and no file or folder (one named so is checked, as the default command
/// does), and a subcommand is close to it.
pub fn mistyped_subcommand(args: &[OsString]) -> Option<&'static str> {
    let first = args.get(1)?.to_str()?;
    if first.starts_with('-')
        || SUBCOMMANDS.contains(&first)
        || std::fs::symlink_metadata(first).is_ok()
    {
        return None;
    }
    rules::closest_word(
        first,
        SUBCOMMANDS.iter().copied().filter(|s| !s.starts_with('-')),
    )
}
