//! `predict --baseline REF`: the placement diff, one row per workload and cluster whose
//! placement changes (every row with `--all`), with the monthly Fargate cost before, after
//! and the difference, per row and in total; as a table for people or Markdown for the job
//! summary (the JSON is `predict`'s own, with `before` and `change`: `emit/predict.rs`).

use std::fmt::Write;

use super::escape::{cell, code, terminal, terminal_lines};
use crate::analysis::Analysis;
use crate::change::{Change, Place, PlacementChange};
use crate::lint::Compared;
use crate::placement::Compute;

/// `fargate apps 0.5 vCPU 1 GB`, `ec2`, `pending`, `-` (not there), names by `name`.
fn place_text(p: Option<&Place>, name: &dyn Fn(&str) -> String) -> String {
    let Some(p) = p else { return "-".into() };
    match p.compute {
        Compute::Fargate => {
            let mut s = format!("fargate {}", name(p.profile.as_deref().unwrap_or("")));
            if let Some(z) = p.size {
                let _ = write!(s, " {} vCPU {} GB", z.vcpu(), z.memory_gb());
            }
            s
        }
        Compute::Ec2 => "ec2".into(),
        Compute::Pending => "pending".into(),
    }
}

fn money(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("${v:.2}"))
}

/// `+$1.50`, `-$3.00`, `$0.00`.
fn signed(v: f64) -> String {
    let v = (v * 100.0).round() / 100.0;
    if v > 0.0 {
        format!("+${v:.2}")
    } else if v < 0.0 {
        format!("-${:.2}", -v)
    } else {
        "$0.00".into()
    }
}

fn cost(p: Option<&Place>) -> f64 {
    p.and_then(|p| p.monthly_cost).unwrap_or(0.0)
}

/// The rows shown: changes only, or every row with `all`.
fn shown(c: &Compared, all: bool) -> Vec<&PlacementChange> {
    c.changes
        .placements
        .iter()
        .filter(|p| all || p.change != Change::None)
        .collect()
}

/// Cells of one row, each value from input written by `esc`, names by `name`.
fn cells(
    p: &PlacementChange,
    esc: &dyn Fn(&str) -> String,
    name: &dyn Fn(&str) -> String,
) -> Vec<String> {
    vec![
        esc(&format!("{}/{}", p.workload.kind, p.workload.name)),
        esc(&p.workload.namespace),
        esc(&p.cluster.name),
        place_text(p.before.as_ref(), name),
        place_text(p.after.as_ref(), name),
        money(p.before.as_ref().and_then(|b| b.monthly_cost)),
        money(p.after.as_ref().and_then(|a| a.monthly_cost)),
        signed(cost(p.after.as_ref()) - cost(p.before.as_ref())),
        p.change.as_str().to_string(),
    ]
}

const HEADER: [&str; 9] = [
    "WORKLOAD",
    "NAMESPACE",
    "CLUSTER",
    "BEFORE",
    "AFTER",
    "MONTHLY BEFORE",
    "MONTHLY AFTER",
    "DIFF",
    "CHANGE",
];

/// The totals line: the monthly Fargate cost at the revision, now, and the difference.
fn totals(c: &Compared, name: &dyn Fn(&str) -> String) -> String {
    let before: f64 = c
        .changes
        .placements
        .iter()
        .map(|p| cost(p.before.as_ref()))
        .sum();
    let after: f64 = c
        .changes
        .placements
        .iter()
        .map(|p| cost(p.after.as_ref()))
        .sum();
    let moved = c
        .changes
        .placements
        .iter()
        .filter(|p| p.change != Change::None)
        .count();
    format!(
        "{moved} of {} placements change against {}; Fargate ${before:.2}/month before, ${after:.2}/month after ({})",
        c.changes.placements.len(),
        name(&c.revision.name),
        signed(after - before)
    )
}

/// The profiles modified or removed, one line each.
fn profile_lines(c: &Compared, name: &dyn Fn(&str) -> String) -> Vec<String> {
    c.changes
        .profiles
        .iter()
        .map(|p| match p.after {
            Some(_) => format!(
                "profile {} of cluster {} modified ({}): deleted and re-created",
                name(&p.key.name),
                name(&p.key.cluster.name),
                p.fields
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => format!(
                "profile {} of cluster {} removed",
                name(&p.key.name),
                name(&p.key.cluster.name)
            ),
        })
        .collect()
}

/// The human table, columns padded to the widest cell; `quiet` leaves out the totals.
pub fn render_human(_a: &Analysis, c: &Compared, all: bool, quiet: bool) -> String {
    let esc = |s: &str| terminal(s).into_owned();
    let mut out = String::new();
    let rows = shown(c, all);
    if rows.is_empty() {
        let _ = writeln!(
            out,
            "no placement changes against {}",
            esc(&c.revision.name)
        );
    } else {
        let mut table: Vec<Vec<String>> = vec![HEADER.map(String::from).to_vec()];
        table.extend(rows.iter().map(|p| cells(p, &esc, &esc)));
        let widths: Vec<usize> = (0..HEADER.len())
            .map(|i| {
                table
                    .iter()
                    .map(|r| r[i].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for row in &table {
            let mut line = String::new();
            for (cell, width) in row.iter().zip(&widths) {
                let _ = write!(line, "{cell:<width$}  ");
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    if !quiet {
        for line in profile_lines(c, &esc) {
            let _ = writeln!(out, "{line}");
        }
        let _ = writeln!(out, "{}", totals(c, &esc));
    }
    terminal_lines(out)
}

/// Markdown for the job summary: the placement and cost diff, before `predict`'s tables.
pub fn render_markdown(_a: &Analysis, c: &Compared, all: bool) -> String {
    let mut out = format!(
        "## Placement changes against {}\n\n",
        code(&c.revision.name)
    );
    let rows = shown(c, all);
    if rows.is_empty() {
        out.push_str("No placement changes.\n\n");
    } else {
        out.push_str("| Workload | Namespace | Cluster | Before | After | Monthly before | Monthly after | Diff | Change |\n");
        out.push_str("|---|---|---|---|---|---:|---:|---:|---|\n");
        for p in rows {
            let _ = writeln!(out, "| {} |", cells(p, &cell, &cell).join(" | "));
        }
        out.push('\n');
    }
    for line in profile_lines(c, &code) {
        let _ = writeln!(out, "- {line}");
    }
    let _ = writeln!(out, "\n{}\n", totals(c, &code));
    out
}
