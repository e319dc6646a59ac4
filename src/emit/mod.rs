//! Output: every format prints the same sorted findings (or placements) from the same data,
//! so the same input gives the same bytes.

pub mod escape;
pub mod github;
mod graphical;
pub mod human;
pub mod json;
pub mod predict;
pub mod predict_diff;
mod pretty;
pub mod sarif;
pub mod statistics;
mod wrap;

use crate::analysis::Analysis;
use crate::diagnostic::{Finding, Severity};

/// The emitters' caches and counts, keyed by a finding's texts and by a file's lines: one
/// lookup or more per finding and per line, where SipHash was a twentieth of human output.
/// foldhash is as fast as hashing gets for such keys; its seed is random per run, as the
/// standard one's, so lines written to collide cannot make a lookup slow, and no output
/// depends on the maps' order.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// Counts of findings by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub note: usize,
}

impl Counts {
    /// Counts of the findings that count: suppressed ones (listed by `--show-suppressed`)
    /// do not.
    pub fn of(findings: &[Finding]) -> Counts {
        let mut c = Counts::default();
        for f in findings.iter().filter(|f| f.counts()) {
            match f.severity {
                Severity::Error => c.error += 1,
                Severity::Warning => c.warning += 1,
                Severity::Note => c.note += 1,
            }
        }
        c
    }
}

/// Where the workloads land, counted per placement (workload × cluster): with two
/// clusters a workload counts twice, once where it lands in each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlacementCounts {
    pub fargate: usize,
    pub ec2: usize,
    pub pending: usize,
}

impl PlacementCounts {
    pub fn of(analysis: &Analysis) -> PlacementCounts {
        let mut c = PlacementCounts::default();
        for p in analysis.placements.all() {
            match p.compute {
                crate::placement::Compute::Fargate => c.fargate += 1,
                crate::placement::Compute::Ec2 => c.ec2 += 1,
                crate::placement::Compute::Pending => c.pending += 1,
            }
        }
        c
    }
}

/// The path of a finding's file as every output prints it.
pub fn path_of<'a>(analysis: &'a Analysis, f: &Finding) -> &'a str {
    analysis
        .files
        .get(f.loc.file)
        .map(|s| s.path.as_str())
        .unwrap_or("")
}

pub use crate::diagnostic::plural;

/// A JSON number that prints `4` for whole values and `0.5` otherwise, as the interface
/// examples do.
pub fn json_number(v: f64) -> serde_json::Value {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        serde_json::Value::from(v as i64)
    } else {
        serde_json::Number::from_f64(v)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null)
    }
}
