//! `check --statistics`: how many findings each rule has, instead of the findings, as ruff's
//! `--statistics` prints them (count, code, name), in the human or the JSON format. Suppressed
//! findings do not count; rules without findings are not listed.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::diagnostic::Finding;

/// One line of the statistics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    pub code: &'static str,
    pub name: &'static str,
    pub count: usize,
}

/// The counts per rule of the findings that count, most first, then by code.
pub fn per_rule(findings: &[Finding]) -> Vec<RuleCount> {
    let mut by_code: BTreeMap<&'static str, RuleCount> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.counts()) {
        by_code
            .entry(f.code)
            .or_insert(RuleCount {
                code: f.code,
                name: f.rule,
                count: 0,
            })
            .count += 1;
    }
    let mut counts: Vec<RuleCount> = by_code.into_values().collect();
    // Stable: equal counts keep the code order of the map.
    counts.sort_by_key(|c| std::cmp::Reverse(c.count));
    counts
}

/// `COUNT\tCODE\tNAME` per rule, counts right-aligned (ruff's layout); nothing without
/// findings.
pub fn render_human(findings: &[Finding]) -> String {
    let counts = per_rule(findings);
    let width = counts
        .iter()
        .map(|c| c.count.to_string().len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for c in &counts {
        // Codes and names are the registry's, never input.
        let _ = writeln!(out, "{:>width$}\t{}\t{}", c.count, c.code, c.name);
    }
    out
}

/// A JSON array of `{"code", "name", "count"}` objects (ruff's keys), `[]` without findings.
pub fn render_json(findings: &[Finding]) -> String {
    let mut s = serde_json::to_string_pretty(&per_rule(findings)).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Severity, Suppression, SuppressionKind};
    use crate::source::{FileId, Loc};

    fn finding(code: &'static str, rule: &'static str) -> Finding {
        let loc = Loc {
            file: FileId(0),
            span: Default::default(),
        };
        Finding::new(code, rule, Severity::Warning, loc, "m")
    }

    fn sample() -> Vec<Finding> {
        let mut suppressed = finding("FL213", "wasted-capacity");
        suppressed.suppressed = Some(Suppression {
            kind: SuppressionKind::InSource,
            justification: None,
            source: String::new(),
        });
        let mut v = vec![suppressed];
        v.extend((0..12).map(|_| finding("FL211", "missing-resource-requests")));
        v.push(finding("FL202", "daemonset-on-fargate"));
        v.push(finding("FL201", "non-ecr-image"));
        v.push(finding("FL201", "non-ecr-image"));
        v.push(finding("FL101", "too-many-selectors"));
        v
    }

    #[test]
    fn most_first_then_by_code_and_suppressed_do_not_count() {
        let counts = per_rule(&sample());
        let got: Vec<(&str, usize)> = counts.iter().map(|c| (c.code, c.count)).collect();
        assert_eq!(
            got,
            [("FL211", 12), ("FL201", 2), ("FL101", 1), ("FL202", 1)]
        );
    }

    #[test]
    fn human_aligns_counts_like_ruff() {
        assert_eq!(
            render_human(&sample()),
            "12\tFL211\tmissing-resource-requests\n 2\tFL201\tnon-ecr-image\n 1\tFL101\ttoo-many-selectors\n 1\tFL202\tdaemonset-on-fargate\n"
        );
        assert_eq!(render_human(&[]), "");
    }

    #[test]
    fn json_has_ruffs_keys() {
        let v: serde_json::Value = serde_json::from_str(&render_json(&sample())).unwrap();
        assert_eq!(
            v[0],
            serde_json::json!({"code": "FL211", "name": "missing-resource-requests", "count": 12})
        );
        assert_eq!(render_json(&[]), "[]\n");
    }
}
