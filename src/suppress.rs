//! Suppressions: the ways to silence a finding, and FL004 for those that silence nothing.
//!
//! Three forms, checked after the rules ran and `[rules]` set the severities:
//! - the annotation `fargate-lint.io/ignore: "FL201,FL211 # reason"` (or `all`) on a
//!   Kubernetes object (its `metadata.annotations` or, for a workload, its pod template's):
//!   findings about that object, in its file;
//! - the comments `# fargate-lint: ignore[FL101] reason` (findings that start on the comment's
//!   line or the line below) and `# fargate-lint: ignore-file[FL201] reason` (the whole file);
//! - `[[ignore]]` tables of the configuration, on paths and `namespace/name` globs, for files
//!   that cannot take a comment (vendored charts, generated output).
//!
//! A suppressed finding stays in the list, marked, so that `--show-suppressed` can print it;
//! it no longer counts. The comments come from the parse (see
//! [`crate::analysis::Analysis::directive_comments`]); nothing is read twice.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::analysis::Analysis;
use crate::config::{Config, Ignore, Level};
use crate::diagnostic::{Finding, ObjectRef, Severity, Suppression, SuppressionKind};
use crate::model::Label;
use crate::rules::{self, RULES};
use crate::source::{FileId, Loc};

/// The annotation that suppresses findings about its object.
pub const ANNOTATION: &str = "fargate-lint.io/ignore";

/// How a suppression comment starts (after `#` and blanks).
use crate::source::DIRECTIVE_PREFIX as PREFIX;
#[cfg(test)]
use crate::source::is_directive;

/// The code of the rule this module reports.
const FL004: &str = "FL004";

/// What a suppression covers besides its rules.
#[derive(Debug, Clone)]
enum Scope {
    /// Findings of `file` that start on one of these lines.
    Lines {
        file: FileId,
        lines: [u32; 2],
    },
    File(FileId),
    Object {
        file: FileId,
        object: ObjectRef,
    },
    /// An `[[ignore]]` table.
    Config {
        paths: Option<GlobSet>,
        objects: Option<GlobSet>,
    },
}

/// One rule a suppression names, as written, and whether it suppressed anything.
#[derive(Debug, Clone)]
struct Named {
    written: String,
    /// `None` when the text names no rule (FL004 says so).
    code: Option<&'static str>,
    used: bool,
}

/// Which rules a suppression covers.
#[derive(Debug, Clone)]
enum Codes {
    All { used: bool },
    Some(Vec<Named>),
}

#[derive(Debug, Clone)]
struct Directive {
    scope: Scope,
    codes: Codes,
    suppression: Suppression,
    /// Where FL004 points when the suppression is unused; `None` for the configuration,
    /// which has no place in a scanned file.
    loc: Option<Loc>,
}

impl Directive {
    /// Whether the directive covers `f`; marks the rule it covers it by as used.
    fn covers(&mut self, f: &Finding, paths: &FilePaths<'_>) -> bool {
        if !self.scope.contains(f, paths) {
            return false;
        }
        match &mut self.codes {
            Codes::All { used } => {
                *used = true;
                true
            }
            Codes::Some(named) => match named.iter_mut().find(|n| n.code == Some(f.code)) {
                Some(n) => {
                    n.used = true;
                    true
                }
                None => false,
            },
        }
    }
}

impl Scope {
    fn contains(&self, f: &Finding, paths: &FilePaths<'_>) -> bool {
        match self {
            Scope::Lines { file, lines } => {
                f.loc.file == *file && lines.contains(&f.loc.span.start.line)
            }
            Scope::File(file) => f.loc.file == *file,
            Scope::Object { file, object } => {
                f.loc.file == *file && f.object.as_ref() == Some(object)
            }
            Scope::Config {
                paths: path_globs,
                objects,
            } => {
                let path_ok = path_globs
                    .as_ref()
                    .is_none_or(|g| paths.candidates(f.loc.file).iter().any(|p| g.is_match(p)));
                let object_ok = objects.as_ref().is_none_or(|g| {
                    f.object
                        .as_ref()
                        .is_some_and(|o| g.is_match(format!("{}/{}", o.namespace, o.name)))
                });
                path_ok && object_ok
            }
        }
    }
}

/// The paths a configuration glob is tried on, per file: as printed (without a leading
/// `./`) and relative to the configuration's folder, computed once per file.
struct FilePaths<'a> {
    analysis: &'a Analysis,
    base: Option<PathBuf>,
    cache: std::cell::RefCell<std::collections::HashMap<FileId, Vec<String>>>,
}

impl<'a> FilePaths<'a> {
    fn new(analysis: &'a Analysis, config: &Config) -> Self {
        let base = config
            .path
            .as_deref()
            .and_then(Path::parent)
            .map(|d| {
                if d.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    d
                }
            })
            .and_then(|d| std::fs::canonicalize(d).ok());
        FilePaths {
            analysis,
            base,
            cache: Default::default(),
        }
    }

    fn candidates(&self, file: FileId) -> Vec<String> {
        if let Some(c) = self.cache.borrow().get(&file) {
            return c.clone();
        }
        let printed = self
            .analysis
            .files
            .get(file)
            .map(|f| f.path.as_str())
            .unwrap_or("");
        let mut out = vec![printed.trim_start_matches("./").to_string()];
        if let (Some(base), Ok(full)) = (&self.base, std::fs::canonicalize(printed))
            && let Ok(rel) = full.strip_prefix(base)
        {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
        self.cache.borrow_mut().insert(file, out.clone());
        out
    }
}

/// The rules a list of tokens names: `all`, codes (any case) or names, comma-separated.
fn parse_codes(list: &str) -> Codes {
    let tokens: Vec<&str> = list
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.iter().any(|t| t.eq_ignore_ascii_case("all")) {
        return Codes::All { used: false };
    }
    Codes::Some(
        tokens
            .into_iter()
            .map(|t| Named {
                written: t.to_string(),
                code: rules::find(t).map(|r| r.code),
                used: false,
            })
            .collect(),
    )
}

/// A reason as written after a suppression: leading separators (`:`, `-`, `#`, `—`) and
/// blanks dropped; `None` when nothing is left.
fn reason(text: &str) -> Option<String> {
    let r = text
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '-' | '#' | '—'))
        .trim_end();
    (!r.is_empty()).then(|| r.to_string())
}

/// What a `fargate-lint:` comment says: the directive, or why it is not one.
fn parse_comment(text: &str) -> Result<(bool, Codes, Option<String>), String> {
    let body = text.trim_start();
    let body = body.get(PREFIX.len()..).unwrap_or("").trim_start();
    let (whole_file, rest) = if let Some(rest) = body.strip_prefix("ignore-file[") {
        (true, rest)
    } else if let Some(rest) = body.strip_prefix("ignore[") {
        (false, rest)
    } else {
        return Err(
            "is not a suppression: write `# fargate-lint: ignore[CODE,...]` or `# fargate-lint: ignore-file[CODE,...]`"
                .to_string(),
        );
    };
    let Some(end) = rest.find(']') else {
        return Err("has no closing `]`".to_string());
    };
    Ok((
        whole_file,
        parse_codes(&rest[..end]),
        reason(&rest[end + 1..]),
    ))
}

/// Every suppression of the run, in the order they are tried: comments, annotations, then
/// the configuration's tables. Malformed comments become FL004 findings right away.
fn collect(
    analysis: &Analysis,
    config: &Config,
    malformed: &mut Vec<(Loc, String)>,
) -> Vec<Directive> {
    let mut out = Vec::new();
    for (i, comments) in analysis.directive_comments.iter().enumerate() {
        let file = FileId(u32::try_from(i).unwrap_or(u32::MAX));
        for c in comments {
            let loc = Loc { file, span: c.span };
            let line = c.span.start.line;
            match parse_comment(&c.text) {
                Err(why) => malformed.push((loc, format!("`#{}` {why}", c.text.trim_end()))),
                Ok((whole_file, codes, justification)) => out.push(Directive {
                    scope: if whole_file {
                        Scope::File(file)
                    } else {
                        // This line (a comment after the value) or the next (a comment on
                        // its own line above the value).
                        Scope::Lines {
                            file,
                            lines: [line, line + 1],
                        }
                    },
                    codes,
                    suppression: Suppression {
                        kind: SuppressionKind::InSource,
                        justification,
                        source: format!(
                            "`{}` comment at line {line}",
                            if whole_file { "ignore-file" } else { "ignore" }
                        ),
                    },
                    loc: Some(loc),
                }),
            }
        }
    }
    let model = &analysis.model;
    let mut annotated = |object: ObjectRef, file: FileId, annotations: &[Label]| {
        for a in annotations.iter().filter(|a| a.key.value == ANNOTATION) {
            let (list, why) = a
                .value
                .value
                .split_once('#')
                .unwrap_or((a.value.value.as_str(), ""));
            out.push(Directive {
                scope: Scope::Object {
                    file,
                    object: object.clone(),
                },
                codes: parse_codes(list),
                suppression: Suppression {
                    kind: SuppressionKind::InSource,
                    justification: reason(why),
                    source: format!(
                        "annotation `{ANNOTATION}` at line {}",
                        a.key.loc.span.start.line
                    ),
                },
                loc: Some(a.value.loc),
            });
        }
    };
    for w in &model.workloads {
        let object = rules::prelude::object_of(w);
        annotated(object.clone(), w.loc.file, &w.annotations);
        annotated(object, w.loc.file, &w.pod.annotations);
    }
    let metas = model
        .services
        .iter()
        .map(|s| ("Service", &s.meta))
        .chain(model.ingresses.iter().map(|i| ("Ingress", &i.meta)))
        .chain(
            model
                .claims
                .iter()
                .map(|c| ("PersistentVolumeClaim", &c.meta)),
        );
    for (kind, meta) in metas {
        let object = ObjectRef {
            kind: kind.into(),
            namespace: meta.namespace.as_str().into(),
            name: meta.name.as_str().into(),
        };
        annotated(object, meta.loc.file, &meta.annotations);
    }
    let config_name = config.path.as_deref().map_or_else(
        || crate::config::FILE_NAME.to_string(),
        |p| p.display().to_string(),
    );
    for ignore in &config.ignore {
        out.push(config_directive(ignore, &config_name));
    }
    out
}

/// A glob set of `globs`, `None` when there are none; the configuration checked each glob
/// already, so one that fails here is left out rather than failing the run.
fn glob_set(globs: &[String]) -> Option<GlobSet> {
    if globs.is_empty() {
        return None;
    }
    let mut b = GlobSetBuilder::new();
    for g in globs {
        if let Ok(g) = Glob::new(g) {
            b.add(g);
        }
    }
    b.build().ok()
}

fn config_directive(ignore: &Ignore, config_name: &str) -> Directive {
    Directive {
        scope: Scope::Config {
            paths: glob_set(&ignore.paths),
            objects: glob_set(&ignore.objects),
        },
        codes: if ignore.rules.is_empty() {
            Codes::All { used: false }
        } else {
            Codes::Some(
                ignore
                    .rules
                    .iter()
                    .map(|c| Named {
                        written: c.to_string(),
                        code: Some(c),
                        used: false,
                    })
                    .collect(),
            )
        },
        suppression: Suppression {
            kind: SuppressionKind::External,
            justification: ignore.reason.clone(),
            source: format!("[[ignore]] at {config_name}:{}", ignore.line),
        },
        loc: None,
    }
}

/// Marks the findings some directive covers; the first that covers a finding names it,
/// and every one that does counts as used (two overlapping suppressions are not "unused").
fn mark(findings: &mut [Finding], directives: &mut [Directive], paths: &FilePaths<'_>) {
    // An input that was not read is never silenced (`Rule::input_problem`).
    let silenceable = |f: &Finding| !rules::by_code(f.code).is_some_and(|r| r.input_problem);
    for f in findings.iter_mut().filter(|f| silenceable(f)) {
        for d in directives.iter_mut() {
            if d.covers(f, paths) && f.suppressed.is_none() {
                f.suppressed = Some(d.suppression.clone());
            }
        }
    }
}

/// Splits `findings` (rules run, `[rules]` applied) into counted and suppressed ones,
/// and adds FL004 for each in-source suppression that suppressed nothing. `enabled` says
/// whether a rule's findings are there to be suppressed (not `off` in `[rules]`): a
/// suppression of a rule switched off is not "unused". `--select` and `--ignore` apply
/// after, so that FL004 does not depend on them. The result is sorted; suppressed
/// findings carry [`Finding::suppressed`].
pub fn apply(
    analysis: &Analysis,
    config: &Config,
    mut findings: Vec<Finding>,
    enabled: &dyn Fn(&str) -> bool,
) -> Vec<Finding> {
    let paths = FilePaths::new(analysis, config);
    let mut malformed = Vec::new();
    let mut directives = collect(analysis, config, &mut malformed);
    mark(&mut findings, &mut directives, &paths);

    // FL004 is reported here, not by its rule: it needs the outcome of the suppressions.
    let fl004_severity = match config.rules.get(FL004) {
        Some(Level::Off) => None,
        Some(level) => level.severity(),
        None => rules::find(FL004).map(|r| r.severity),
    };
    let Some(severity) = fl004_severity.filter(|_| enabled(FL004)) else {
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        return findings;
    };
    // `all` can only be unused when every rule ran.
    let every_rule_ran = RULES.iter().all(|r| r.code == FL004 || enabled(r.code));
    let mut unused = Vec::new();
    for (loc, message) in malformed {
        unused.push(fl004(loc, message, severity));
    }
    for d in &directives {
        let Some(loc) = d.loc else { continue };
        match &d.codes {
            Codes::All { used } => {
                if !used && every_rule_ran {
                    unused.push(fl004(
                        loc,
                        format!(
                            "this suppression of every rule ({}) suppressed nothing",
                            d.suppression.source
                        ),
                        severity,
                    ));
                }
            }
            Codes::Some(named) if named.is_empty() => unused.push(fl004(
                loc,
                format!("this suppression ({}) names no rule", d.suppression.source),
                severity,
            )),
            Codes::Some(named) => {
                for n in named {
                    match n.code {
                        None => unused.push(fl004(
                            loc,
                            format!(
                                "`{}` in this suppression names no rule{}",
                                n.written,
                                rules::did_you_mean(&n.written)
                            ),
                            severity,
                        )),
                        // A suppression of FL004 itself is never reported: it would have to
                        // be judged after its own findings.
                        Some(code) if !n.used && code != FL004 && enabled(code) => {
                            unused.push(fl004(
                                loc,
                                format!(
                                    "the suppression of {code} ({}) suppressed nothing",
                                    d.suppression.source
                                ),
                                severity,
                            ))
                        }
                        Some(_) => {}
                    }
                }
            }
        }
    }
    // FL004 findings may be suppressed too (`ignore-file[FL004]`, `[[ignore]]`).
    mark(&mut unused, &mut directives, &paths);
    // Only in the files the user asked about: not in those `--find-clusters` added.
    findings.extend(unused.into_iter().filter(|f| {
        [&analysis.found_cluster_files, &analysis.placed_only_files]
            .iter()
            .all(|files| files.binary_search(&f.loc.file).is_err())
    }));
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
}

fn fl004(loc: Loc, message: String, severity: Severity) -> Finding {
    let (name, help) = match rules::find(FL004) {
        Some(r) => (
            r.name,
            "remove the suppression, or the codes it no longer needs",
        ),
        None => ("unused-suppression", ""),
    };
    let finding = Finding::new(FL004, name, severity, loc, message);
    if help.is_empty() {
        finding
    } else {
        finding.help(help)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_parse_with_codes_names_and_reasons() {
        let Ok((file, Codes::Some(named), why)) =
            parse_comment(" fargate-lint: ignore[FL101, non-ecr-image] -- vendored")
        else {
            panic!("not parsed");
        };
        assert!(!file);
        let codes: Vec<_> = named.iter().map(|n| n.code).collect();
        assert_eq!(codes, [Some("FL101"), Some("FL201")]);
        assert_eq!(why.as_deref(), Some("vendored"));
        assert!(matches!(
            parse_comment("fargate-lint: ignore-file[all]"),
            Ok((true, Codes::All { .. }, None))
        ));
        assert!(parse_comment("fargate-lint: disable FL101").is_err());
        assert!(parse_comment("fargate-lint: ignore[FL101").is_err());
    }

    #[test]
    fn only_comments_for_us_are_directives() {
        assert!(is_directive(" fargate-lint: ignore[FL101]"));
        assert!(!is_directive(" see fargate-lint: docs"));
    }
}
