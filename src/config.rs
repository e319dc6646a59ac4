//! The configuration file `.fargate-lint.toml`: where it is found, what it may say, and its
//! errors, which point at the line and column of the file so that a typo is fixed in one go.
//!
//! The file is read with serde and `deny_unknown_fields`; positions come from the TOML
//! parser's spans (`toml::Spanned` for the values checked after parsing). Command-line
//! options win over the file: the file only fills what the command line leaves unset. The
//! file comes with the repository, that is with any pull request: the files it names stay
//! inside that repository, and its numbers stay within sane bounds.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Severity;
use crate::rules::{self, limits::Limits};
use crate::sizing::Pricing;

/// The lowest severity that makes the exit code 1 (`fail-on`, `--fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

/// The file name looked for from the current folder up to the repository root.
pub const FILE_NAME: &str = ".fargate-lint.toml";

/// The highest `[pricing]` value accepted, in dollars per vCPU-hour or GB-hour. Fargate costs
/// cents per vCPU-hour (4 in us-east-1) and less per GB-hour: anything above this is a typo,
/// and `1e308` made every cost infinite (`$inf`, JSON `null`).
pub const MAX_PRICE: f64 = 100.0;

/// The highest `[limits]` value accepted. EKS's quotas are 5 and 10; a raised quota stays far
/// below this, and a rule is switched off in `[rules]`, not with a limit no profile reaches.
pub const MAX_LIMIT: usize = 1000;

/// What a `[rules]` entry sets a rule to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Off,
    Error,
    Warning,
    Note,
}

impl Level {
    /// The severity findings get, or `None` when the rule is off.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Note => Some(Severity::Note),
        }
    }
}

/// The configuration after checking: every value valid, defaults filled in where the file
/// says nothing (except for the options the command line may set, which stay `None`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// The file read, if any.
    pub path: Option<PathBuf>,
    pub fail_on: Option<FailOn>,
    pub default_namespace: Option<String>,
    pub exclude: Vec<String>,
    pub allowed_registries: Vec<String>,
    /// Rule code → what the file sets it to.
    pub rules: BTreeMap<&'static str, Level>,
    pub limits: Limits,
    pub pricing: Pricing,
    /// `[[ignore]]` tables, in file order (see [`crate::suppress`]).
    pub ignore: Vec<Ignore>,
    /// `[[clusters]]`, in file order.
    pub clusters: Vec<ClusterEntry>,
}

/// A `[[clusters]]` table: which manifests go to the clusters of one cluster file.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterEntry {
    /// The cluster file: as written, then (by [`load`]) joined to the configuration's folder.
    pub config: PathBuf,
    /// Globs relative to the configuration's folder; `None`: every manifest.
    pub manifests: Option<Vec<String>>,
    /// Overrides what the cluster file says about EC2 capacity.
    pub ec2_capacity: Option<bool>,
    /// Line and column of the `config` value, for the error when the file is missing.
    pub at: (usize, usize),
}

/// One `[[ignore]]` table: findings of `rules` in the files of `paths` and/or about the
/// objects of `objects` are suppressed. Globs are checked when the file is read and kept as
/// written, so that the configuration stays comparable.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ignore {
    /// Rule codes; empty means every rule.
    pub rules: Vec<&'static str>,
    /// Globs on the file's path: relative to the configuration's folder, or as printed.
    pub paths: Vec<String>,
    /// Globs on `namespace/name` of the object a finding is about.
    pub objects: Vec<String>,
    /// `reason`, the justification shown with `--show-suppressed`.
    pub reason: Option<String>,
    /// 1-based line of the table in the file, to say which table suppressed a finding.
    pub line: usize,
}

// The file as read (the `Raw*` types). They also give the JSON schema ([`schema`]): their doc
// comments are its descriptions, and `Spanned` values are plain values there.
/// fargate-lint configuration (`.fargate-lint.toml`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(title = "fargate-lint configuration")]
struct RawConfig {
    /// The lowest severity that makes the exit code 1 (default: warning; `--fail-on` wins).
    fail_on: Option<RawFailOn>,
    /// Namespace of manifests that set none (default: "default"; `--namespace` wins).
    default_namespace: Option<String>,
    /// Paths to skip, gitignore-style globs (added to `--exclude`).
    #[schemars(with = "Option<Vec<String>>")]
    exclude: Option<Vec<Spanned<String>>>,
    /// Registry globs FL201 accepts besides ECR and the built-in list.
    #[schemars(with = "Option<Vec<String>>")]
    allowed_registries: Option<Vec<Spanned<String>>>,
    /// Rule (by code or name) → "off" or the severity its findings get.
    #[schemars(with = "Option<BTreeMap<String, Level>>")]
    rules: Option<BTreeMap<Spanned<String>, Level>>,
    /// EKS service quotas the profile rules check against.
    limits: Option<RawLimits>,
    /// Fargate prices in dollars (default: us-east-1, Linux/x86).
    pricing: Option<RawPricing>,
    /// Suppressions: findings of `rules` in `paths` or about `objects`.
    #[schemars(with = "Option<Vec<RawIgnore>>")]
    ignore: Option<Vec<Spanned<RawIgnore>>>,
    /// Which manifests go to which cluster (default: all to every cluster).
    clusters: Option<Vec<RawCluster>>,
}

/// A cluster file and the manifests that go to its clusters.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawCluster {
    /// The cluster file (eksctl ClusterConfig or EKS API JSON), relative to this file's
    /// folder and inside its repository (or its folder, outside any); read even when not
    /// among the PATHs.
    #[schemars(with = "String")]
    config: Spanned<String>,
    /// Globs of the manifests for this cluster, relative to this file's folder (default:
    /// every manifest).
    #[schemars(with = "Option<Vec<String>>")]
    manifests: Option<Vec<Spanned<String>>>,
    /// Whether the cluster has EC2 nodes, overriding what the cluster file says (for nodes
    /// that come from outside the scanned files).
    ec2_capacity: Option<bool>,
}

/// A `manifests` glob as it is matched: `*` stays within a folder, `**` crosses folders.
pub fn manifest_glob(glob: &str) -> Result<globset::Glob, globset::Error> {
    globset::GlobBuilder::new(glob)
        .literal_separator(true)
        .build()
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawIgnore {
    #[schemars(with = "Option<Vec<String>>")]
    rules: Option<Vec<Spanned<String>>>,
    #[schemars(with = "Option<Vec<String>>")]
    paths: Option<Vec<Spanned<String>>>,
    #[schemars(with = "Option<Vec<String>>")]
    objects: Option<Vec<Spanned<String>>>,
    reason: Option<String>,
}

/// `fail-on`: clap's `FailOn` has no serde derive, and the file should not depend on it.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum RawFailOn {
    Error,
    Warning,
    Note,
    Never,
}

/// EKS service quotas (raise them if your account's are raised).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawLimits {
    /// Selectors per Fargate profile, FL101 (default 5).
    #[schemars(with = "Option<std::num::NonZeroUsize>", range(max = MAX_LIMIT))]
    selectors_per_profile: Option<Spanned<usize>>,
    /// Label pairs per selector, FL103 (default 5).
    #[schemars(with = "Option<std::num::NonZeroUsize>", range(max = MAX_LIMIT))]
    labels_per_selector: Option<Spanned<usize>>,
    /// Fargate profiles per cluster, FL104 (default 10).
    #[schemars(with = "Option<std::num::NonZeroUsize>", range(max = MAX_LIMIT))]
    profiles_per_cluster: Option<Spanned<usize>>,
}

/// Fargate prices, dollars per hour.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPricing {
    /// Per vCPU-hour (default 0.04048).
    #[schemars(with = "Option<f64>", range(min = 0, max = MAX_PRICE))]
    vcpu_hour: Option<Spanned<f64>>,
    /// Per GB-hour of memory (default 0.004445).
    #[schemars(with = "Option<f64>", range(min = 0, max = MAX_PRICE))]
    gb_hour: Option<Spanned<f64>>,
    /// Per GB-hour of ephemeral storage above the included 20 GB (default 0.000111).
    #[schemars(with = "Option<f64>", range(min = 0, max = MAX_PRICE))]
    ephemeral_gb_hour: Option<Spanned<f64>>,
}

/// The JSON schema of the configuration file, as shipped in `fargate-lint.schema.json`.
pub fn schema() -> String {
    let mut schema = schemars::schema_for!(RawConfig).to_value();
    without_null(&mut schema);
    let mut out = serde_json::to_string_pretty(&schema).unwrap_or_default();
    out.push('\n');
    out
}

/// Drops the `null` schemars allows for `Option` fields: TOML has no null, an absent key is
/// how a value is left unset, and an editor should not offer `null`.
fn without_null(schema: &mut serde_json::Value) {
    use serde_json::Value;
    let is_null = |v: &Value| v.get("type").and_then(Value::as_str) == Some("null");
    match schema {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t.as_str() != Some("null"));
                if let [one] = types.as_slice() {
                    let one = one.clone();
                    map.insert("type".into(), one);
                }
            }
            if let Some(Value::Array(any)) = map.get_mut("anyOf") {
                any.retain(|v| !is_null(v));
                if let [one] = any.as_slice() {
                    let one = one.clone();
                    map.remove("anyOf");
                    if let Value::Object(inner) = one {
                        map.extend(inner);
                    }
                }
            }
            map.values_mut().for_each(without_null);
        }
        Value::Array(items) => items.iter_mut().for_each(without_null),
        _ => {}
    }
}

/// Where the configuration comes from, per `--config` and `--no-config`.
pub fn load(explicit: Option<&Path>, no_config: bool) -> Result<Config, String> {
    if no_config {
        return Ok(Config::default());
    }
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => {
            let cwd = std::env::current_dir()
                .map_err(|e| format!("cannot read the current folder: {e}"))?;
            find(&cwd)
        }
    };
    let Some(path) = path else {
        return Ok(Config::default());
    };
    // A `.fargate-lint.toml` found in the repository may be a link its pull request added:
    // one that leads out of the repository is not read (its keys would show in the errors).
    // `--config` is the user's choice, wherever it leads.
    if explicit.is_none()
        && let (Some(dir), Some(file)) = (path.parent(), path.file_name())
        && let Ok(bound) = Bound::of(dir)
        && matches!(bound.locate(Path::new(file)), Located::Outside)
    {
        let (what, folder) = (bound.what(), bound.folder.display());
        return Err(format!(
            "{}: not read: a link to a file outside {what} `{folder}`; give it with --config to use it",
            path.display(),
        ));
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let name = path.display().to_string();
    let mut config = parse(&text, &name)?;
    // `[[clusters]]` paths are relative to the configuration's folder, wherever the run is.
    let base = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !config.clusters.is_empty() {
        let bound = Bound::of(base).map_err(|e| format!("{name}: {e}"))?;
        for c in &mut config.clusters {
            let (line, column) = c.at;
            bound.check(&c.config).map_err(|e| {
                format!(
                    "{name}:{line}:{column}: cluster file `{}` {e}",
                    c.config.display()
                )
            })?;
            c.config = base.join(&c.config);
        }
    }
    config.path = Some(path);
    Ok(config)
}

/// Where the files a configuration names may be: inside the git repository the configuration
/// is in, or inside its own folder when it is in none, links resolved. The repository's
/// configuration comes with the pull request: `config = "../../.ssh/id_rsa"` or a link to
/// `/etc/passwd` must not make fargate-lint read the runner's files (and print their lines in
/// FL001's snippet). The same holds for a file given with `--config`: the user chose that file,
/// not every file it names.
struct Bound {
    /// The configuration's folder, canonical.
    base: PathBuf,
    /// The repository root, or `base`.
    folder: PathBuf,
    in_repository: bool,
}

impl Bound {
    /// The bound of a configuration in `dir`.
    fn of(dir: &Path) -> Result<Bound, String> {
        let base = std::fs::canonicalize(dir)
            .map_err(|e| format!("cannot resolve the folder of the configuration: {e}"))?;
        let root = crate::repo::repository_root(&base);
        Ok(Bound {
            in_repository: root.is_some(),
            folder: root.unwrap_or_else(|| base.clone()),
            base,
        })
    }

    /// Where `written` (as the configuration says it, relative to its folder) is: judged first
    /// as written, so that nothing outside is even looked at, then with links resolved.
    fn locate(&self, written: &Path) -> Located {
        let joined = self.base.join(written);
        if !crate::source::normalize(&joined).starts_with(&self.folder) {
            return Located::Outside;
        }
        match std::fs::canonicalize(&joined) {
            Ok(real) if !real.starts_with(&self.folder) => Located::Outside,
            Ok(real) if real.is_file() => Located::Inside,
            _ => Located::Missing,
        }
    }

    /// Whether `written` is a file inside; the error completes "cluster file `X` ".
    fn check(&self, written: &Path) -> Result<(), String> {
        let folder = self.folder.display();
        match self.locate(written) {
            Located::Inside => Ok(()),
            Located::Missing => Err("not found".to_string()),
            Located::Outside if self.in_repository => Err(format!(
                "is outside its repository `{folder}`: a configuration names only files inside its repository"
            )),
            Located::Outside => Err(format!(
                "is outside its folder `{folder}`: a configuration in no git repository names only files inside its folder"
            )),
        }
    }

    /// What the bound is, for messages.
    fn what(&self) -> &'static str {
        if self.in_repository {
            "the repository"
        } else {
            "its folder"
        }
    }
}

enum Located {
    Inside,
    Outside,
    Missing,
}

/// The configuration file of `start` or its nearest parent, stopping at the repository root
/// (a folder with `.git`) so that a file outside the repository never applies to it.
pub fn find(start: &Path) -> Option<PathBuf> {
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// The rule a `[rules]` key or an `[[ignore]]` entry names, or the message saying it names
/// none, with the closest rule suggested.
fn named_rule(key: &Spanned<String>) -> Result<&'static rules::Rule, String> {
    rules::find(key.get_ref()).ok_or_else(|| {
        let suggestion = rules::closest(key.get_ref())
            .map(|r| format!("; did you mean `{}` ({})?", r.code, r.name))
            .unwrap_or_default();
        format!(
            "`{}` names no rule (see `fargate-lint rules`){suggestion}",
            key.get_ref()
        )
    })
}

/// Parses and checks the text of a configuration file; `name` is how errors name the file.
pub fn parse(text: &str, name: &str) -> Result<Config, String> {
    let at = |span: Range<usize>, message: &str| {
        let (line, column) = line_column(text, span.start);
        format!("{name}:{line}:{column}: {message}")
    };
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let message = with_suggestion(e.message());
        match e.span() {
            Some(span) => at(span, &message),
            None => format!("{name}: {message}"),
        }
    })?;

    let mut config = Config {
        fail_on: raw.fail_on.map(|f| match f {
            RawFailOn::Error => FailOn::Error,
            RawFailOn::Warning => FailOn::Warning,
            RawFailOn::Note => FailOn::Note,
            RawFailOn::Never => FailOn::Never,
        }),
        default_namespace: raw.default_namespace,
        ..Config::default()
    };

    for glob in raw.exclude.unwrap_or_default() {
        // The same gitignore-style matcher discovery uses, so what passes here compiles there.
        let mut builder = ignore::gitignore::GitignoreBuilder::new("");
        let built = builder
            .add_line(None, glob.get_ref())
            .map(|_| ())
            .and_then(|_| builder.build().map(|_| ()));
        if let Err(e) = built {
            return Err(at(glob.span(), &format!("invalid exclude glob: {e}")));
        }
        config.exclude.push(glob.into_inner());
    }
    for glob in raw.allowed_registries.unwrap_or_default() {
        if let Some(problem) = crate::image::registry_glob_problem(glob.get_ref()) {
            return Err(at(
                glob.span(),
                &format!("invalid allowed-registries glob: {problem}"),
            ));
        }
        config.allowed_registries.push(glob.into_inner());
    }
    for (key, level) in raw.rules.unwrap_or_default() {
        let rule = named_rule(&key).map_err(|m| at(key.span(), &m))?;
        config.rules.insert(rule.code, level);
    }
    for table in raw.ignore.unwrap_or_default() {
        let (line, _) = line_column(text, table.span().start);
        let span = table.span();
        let raw = table.into_inner();
        let mut ignore = Ignore {
            reason: raw.reason,
            line,
            ..Ignore::default()
        };
        for key in raw.rules.unwrap_or_default() {
            let rule = named_rule(&key).map_err(|m| at(key.span(), &m))?;
            ignore.rules.push(rule.code);
        }
        for (globs, slot, what) in [
            (raw.paths, &mut ignore.paths, "paths"),
            (raw.objects, &mut ignore.objects, "objects"),
        ] {
            for glob in globs.unwrap_or_default() {
                if let Err(e) = globset::Glob::new(glob.get_ref()) {
                    return Err(at(glob.span(), &format!("invalid {what} glob: {e}")));
                }
                slot.push(glob.into_inner());
            }
        }
        // Without either, the table would switch rules off everywhere: `[rules]` says that.
        if ignore.paths.is_empty() && ignore.objects.is_empty() {
            return Err(at(
                span,
                "an [[ignore]] table needs `paths` or `objects` (to switch a rule off everywhere, set it to \"off\" in [rules])",
            ));
        }
        config.ignore.push(ignore);
    }
    if let Some(l) = raw.limits {
        let limits = &mut config.limits;
        for (value, slot) in [
            (l.selectors_per_profile, &mut limits.selectors_per_profile),
            (l.labels_per_selector, &mut limits.labels_per_selector),
            (l.profiles_per_cluster, &mut limits.profiles_per_cluster),
        ] {
            let Some(value) = value else { continue };
            // A quota of 0 would report every profile; EKS never sets one.
            if !(1..=MAX_LIMIT).contains(value.get_ref()) {
                return Err(at(
                    value.span(),
                    &format!(
                        "a limit must be from 1 to {MAX_LIMIT} (to switch its rule off, set the rule to \"off\" in [rules])"
                    ),
                ));
            }
            *slot = value.into_inner();
        }
    }
    if let Some(p) = raw.pricing {
        let pricing = &mut config.pricing;
        for (value, slot) in [
            (p.vcpu_hour, &mut pricing.vcpu_hour),
            (p.gb_hour, &mut pricing.gb_hour),
            (p.ephemeral_gb_hour, &mut pricing.ephemeral_gb_hour),
        ] {
            let Some(value) = value else { continue };
            let price = *value.get_ref();
            // `contains` is false for NaN; infinities are out of range.
            if !(0.0..=MAX_PRICE).contains(&price) {
                return Err(at(
                    value.span(),
                    &format!("a price must be a number of dollars per hour from 0 to {MAX_PRICE}"),
                ));
            }
            // `-0.0` is in range but would print costs as `$-0.00`.
            *slot = price.abs();
        }
    }
    for c in raw.clusters.unwrap_or_default() {
        let manifests = match c.manifests {
            None => None,
            Some(globs) => {
                let mut out = Vec::with_capacity(globs.len());
                for glob in globs {
                    if let Err(e) = manifest_glob(glob.get_ref()) {
                        return Err(at(glob.span(), &format!("invalid manifests glob: {e}")));
                    }
                    out.push(glob.into_inner());
                }
                Some(out)
            }
        };
        config.clusters.push(ClusterEntry {
            at: line_column(text, c.config.span().start),
            config: PathBuf::from(c.config.into_inner()),
            manifests,
            ec2_capacity: c.ec2_capacity,
        });
    }
    Ok(config)
}

/// Adds "did you mean" to serde's "unknown field `x`, expected one of `a`, `b`": the first
/// backquoted word is the unknown key, the others are the valid ones.
fn with_suggestion(message: &str) -> String {
    let message = message.trim_end();
    if !message.starts_with("unknown field") {
        return message.to_string();
    }
    let words: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    let Some((unknown, expected)) = words.split_first() else {
        return message.to_string();
    };
    match rules::closest_word(unknown, expected.iter().copied()) {
        Some(best) => format!("{message}; did you mean `{best}`?"),
        None => message.to_string(),
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_from_one() {
        assert_eq!(line_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("é\nx", 3), (2, 1));
    }

    #[test]
    fn every_key_parses() {
        let c = parse(
            r#"
fail-on = "error"
default-namespace = "apps"
exclude = ["charts/**"]
allowed-registries = ["ghcr.io"]
[rules]
FL213 = "off"
too-many-selectors = "error"
[limits]
selectors-per-profile = 6
labels-per-selector = 7
profiles-per-cluster = 20
[pricing]
vcpu-hour = 0.05
gb-hour = 0.005
ephemeral-gb-hour = 0.0002
"#,
            "f",
        )
        .map_err(|e| e.to_string());
        let Ok(c) = c else { panic!("{c:?}") };
        assert_eq!(c.fail_on, Some(FailOn::Error));
        assert_eq!(c.default_namespace.as_deref(), Some("apps"));
        assert_eq!(c.rules.get("FL213"), Some(&Level::Off));
        assert_eq!(c.rules.get("FL101"), Some(&Level::Error));
        assert_eq!(c.limits.profiles_per_cluster, 20);
        assert_eq!(c.pricing.ephemeral_gb_hour, 0.0002);
    }

    #[test]
    fn unknown_key_suggests_the_closest() {
        let e = parse("fail-onn = \"error\"\n", "f")
            .err()
            .unwrap_or_default();
        assert!(e.starts_with("f:1:1: unknown field `fail-onn`"), "{e}");
        assert!(e.ends_with("did you mean `fail-on`?"), "{e}");
    }
}
