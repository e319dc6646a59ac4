//! One run of the linter, from settings to findings: analyse the inputs, run every rule,
//! apply the configuration's `[rules]` severities, the suppressions and the rule selection.
//! Every command goes through [`run`]; the command line only parses arguments and prints.
//!
//! The order matters and is the same for every command:
//! 1. every rule runs on the whole analysis;
//! 2. `[rules]` replaces severities or turns rules off;
//! 3. files that `--find-clusters` added only lend their clusters: their findings go;
//! 4. suppressions mark findings (and FL004 reports the unused ones), judged before the
//!    selection so that FL004 says the same whatever `--select` says;
//! 5. `--select`/`--ignore` keep the chosen rules.
//!
//! Input problems (FL001) pass through steps 2, 4 and 5 untouched: a file that could not be
//! read is always reported and always counts (see [`crate::rules::Rule::input_problem`]).

use std::io::Read;

use crate::analysis::{Analysis, Settings, analyze, read_inputs};
use crate::config::{Config, FailOn, Level};
use crate::diagnostic::{Finding, Severity};
use crate::image::DEFAULT_ALLOWED_REGISTRIES;
use crate::rules::{self, RULES, Rule, prelude::Context};
use crate::suppress;

/// Which rules a run reports: `--select` and `--ignore` tokens (codes, names or code
/// prefixes); empty `select` means every rule.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

/// What a run found.
pub struct Report {
    pub analysis: Analysis,
    /// `--baseline REF`: the revision's analysis and what differs.
    pub baseline: Option<Compared>,
    /// In output order, after severities, suppressions and the selection. Suppressed
    /// findings are kept (marked) only when the run asked for them.
    pub findings: Vec<Finding>,
}

/// The baseline of a run (`--baseline REF`) compared with the working tree.
pub struct Compared {
    pub revision: crate::baseline::Revision,
    pub analysis: Analysis,
    pub changes: crate::change::Changes,
}

/// One analysis as a side of a comparison.
pub fn side(a: &Analysis) -> crate::change::Side<'_> {
    crate::change::Side {
        model: &a.model,
        placements: &a.placements,
        sizes: &a.sizes,
        pricing: a.pricing,
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

impl Selection {
    /// The codes of the rules the selection leaves on. A token that names no rule is an
    /// error, with the closest rule suggested as `explain` does.
    pub fn codes(&self) -> Result<Vec<&'static str>, String> {
        let tokens = (self.select.iter().map(|t| ("--select", t)))
            .chain(self.ignore.iter().map(|t| ("--ignore", t)));
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
            .filter(|r| {
                r.input_problem
                    || self.select.is_empty()
                    || self.select.iter().any(|t| selects(t, r))
            })
            .filter(|r| r.input_problem || !self.ignore.iter().any(|t| selects(t, r)))
            .map(|r| r.code)
            .collect())
    }
}

/// Whether the findings make the exit code 1 under `fail_on`; suppressed findings never do.
pub fn fails(findings: &[Finding], fail_on: FailOn) -> bool {
    let threshold = match fail_on {
        FailOn::Never => return false,
        FailOn::Note => Severity::Note,
        FailOn::Warning => Severity::Warning,
        FailOn::Error => Severity::Error,
    };
    findings
        .iter()
        .any(|f| f.counts() && f.severity >= threshold)
}

/// Whether `code` is a rule of input problems (FL001).
fn is_input_problem(code: &str) -> bool {
    rules::by_code(code).is_some_and(|r| r.input_problem)
}

/// Every rule on the analysis, with the configuration's `[rules]` applied and the findings
/// in files that `--find-clusters` added left out.
fn run_rules(analysis: &Analysis, config: &Config, compared: Option<&Compared>) -> Vec<Finding> {
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
        baseline: compared.map(|c| crate::change::Baseline {
            revision: &c.revision.name,
            before: side(&c.analysis),
            changes: &c.changes,
        }),
    };
    let found = rules::run(&cx)
        .into_iter()
        // `[rules]` applies after the rules run: a rule set to "off" loses its findings, any
        // other level replaces the severity. Input problems keep theirs.
        .filter_map(|mut f| match config.rules.get(f.code) {
            Some(level) if !is_input_problem(f.code) => level.severity().map(|s| {
                f.severity = s;
                f
            }),
            _ => Some(f),
        })
        // Files found by `--find-clusters` lend their clusters; the user did not ask about them,
        // but a broken one loses its clusters, which must be said (FL001).
        .filter(|f| {
            is_input_problem(f.code)
                || analysis
                    .found_cluster_files
                    .binary_search(&f.loc.file)
                    .is_err()
        })
        // Files read only because a changed cluster may strand their pods: what decides where
        // their workloads land, nothing else (the user did not ask about their other faults).
        .filter(|f| {
            f.code.starts_with("FL2")
                || analysis
                    .placed_only_files
                    .binary_search(&f.loc.file)
                    .is_err()
        })
        .collect();
    let mut found = merge_variants(analysis, found);
    name_templates(analysis, &mut found);
    found
}

/// A finding in a document of a rendered Helm stream names the chart's template that wrote
/// it (its `# Source:` comment): the stream's lines are not the lines anybody edits.
fn name_templates(analysis: &Analysis, findings: &mut [Finding]) {
    for f in findings {
        if let Some(template) = analysis.helm_sources.template(f.loc) {
            f.message.push_str(&format!(" (rendered from {template})"));
        }
    }
}

/// Findings that several kustomize variants make at the same place with the same words (a
/// base that two overlays share) are one finding: the first variant's, which counts the
/// others, as a finding counts the other clusters a workload lands in.
fn merge_variants(analysis: &Analysis, findings: Vec<Finding>) -> Vec<Finding> {
    use std::collections::{BTreeSet, HashMap};
    let variant = |f: &Finding| match f.subject {
        Some(crate::diagnostic::Subject::Workload(w)) => analysis
            .model
            .workloads
            .get(w.0 as usize)
            .and_then(|w| w.variant.clone()),
        _ => None,
    };
    type Key = (
        &'static str,
        crate::source::Loc,
        String,
        Option<compact_str::CompactString>,
    );
    // Most runs place no workload of a variant: nothing to merge.
    if analysis.model.workloads.iter().all(|w| w.variant.is_none()) {
        return findings;
    }
    let mut first: HashMap<Key, (usize, String)> = HashMap::new();
    let mut others: Vec<BTreeSet<String>> = Vec::new();
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings {
        if let Some(v) = variant(&f) {
            let key = (f.code, f.loc, f.message.clone(), f.cluster.clone());
            match first.get(&key) {
                Some((i, kept)) if *kept != v => {
                    if let Some(set) = others.get_mut(*i) {
                        set.insert(v);
                    }
                    continue;
                }
                Some(_) => {}
                None => {
                    first.insert(key, (out.len(), v));
                }
            }
        }
        out.push(f);
        others.push(BTreeSet::new());
    }
    // The others are named, as the "naming the variants" asks; JSON's `variant` and
    // SARIF's `properties.variant` keep the first.
    for (f, more) in out.iter_mut().zip(&others) {
        let word = if more.len() == 1 {
            "variant"
        } else {
            "variants"
        };
        if !more.is_empty() {
            let names: Vec<&str> = more.iter().map(String::as_str).collect();
            f.message
                .push_str(&format!(" (and in {word} {})", names.join(", ")));
        }
    }
    out
}

/// Analyses the inputs of `settings` (reading stdin for `-`) and returns what `check` and
/// `predict` report. `show_suppressed` keeps suppressed findings, marked.
pub fn run(
    settings: &Settings,
    config: &Config,
    selection: &Selection,
    show_suppressed: bool,
    stdin: &mut dyn Read,
) -> Result<Report, String> {
    let on = selection.codes()?;
    let inputs = read_inputs(settings, stdin).map_err(|e| e.to_string())?;
    // The baseline beside the working tree: its files come from `git` processes, whose
    // reading overlaps the working tree's analysis.
    let (analysis, compared) = match &settings.baseline {
        None => (analyze(settings, inputs), None),
        Some(rev) => {
            let (analysis, before) = rayon::join(
                || analyze(settings, inputs),
                || {
                    crate::baseline::read(settings, rev)
                        .map(|(revision, inputs)| (revision, analyze(settings, inputs)))
                },
            );
            let (revision, before) = before?;
            let changes = crate::change::compare(side(&before), side(&analysis));
            let compared = Compared {
                revision,
                analysis: before,
                changes,
            };
            (analysis, Some(compared))
        }
    };
    // Only a rule the configuration sets to "off" cannot make a suppression of it unused.
    let enabled = |code: &str| config.rules.get(code) != Some(&Level::Off);
    let findings = suppress::apply(
        &analysis,
        config,
        run_rules(&analysis, config, compared.as_ref()),
        &enabled,
    )
    .into_iter()
    .filter(|f| on.contains(&f.code))
    .filter(|f| show_suppressed || f.counts())
    .collect();
    Ok(Report {
        analysis,
        baseline: compared,
        findings,
    })
}
