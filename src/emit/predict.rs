//! `predict`: where every workload lands in every cluster, its Fargate size and monthly
//! cost, as a table for people, JSON for scripts, or Markdown for a pull request.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use serde::Serialize;
use serde_json::Value;

use super::escape::{cell, code, terminal, terminal_lines};
use super::json::{TOOL, Tool};
use super::{json_number, plural};
use crate::analysis::Analysis;
use crate::change::{Change, Place, PlacementChange};
use crate::diagnostic::{Finding, Subject};
use crate::lint::Compared;
use crate::placement::{Compute, Placement, PlacementReason};
use crate::sizing::monthly_cost;

/// Why a workload lands where it does, in a few words, with the names in it in backticks.
pub fn reason_text(p: &Placement) -> String {
    reason_with(p, |name| format!("`{name}`"))
}

/// [`reason_text`] with each name from input written by `name`: Markdown puts it in a
/// code span of its own.
fn reason_with(p: &Placement, name: impl Fn(&str) -> String) -> String {
    match &p.reason {
        PlacementReason::Matched => "matches profile".into(),
        PlacementReason::NameOrder => format!(
            "{} profiles match; first by name",
            p.matching_profiles.len()
        ),
        PlacementReason::Pinned => "pinned by label".into(),
        PlacementReason::PinnedMismatch {
            pinned,
            exists: true,
        } => {
            format!("pinned profile {} does not match", name(pinned))
        }
        PlacementReason::PinnedMismatch {
            pinned,
            exists: false,
        } => {
            format!("pinned profile {} does not exist", name(pinned))
        }
        PlacementReason::ComputeTypeEc2 => "compute-type: ec2 annotation".into(),
        PlacementReason::FargateSchedulerNoMatch => "fargate-scheduler, no profile matches".into(),
        PlacementReason::CustomScheduler(s) => format!("custom scheduler {}", name(s)),
        PlacementReason::DaemonSet => "DaemonSets never run on Fargate".into(),
        PlacementReason::NoMatch => "no profile matches".into(),
        PlacementReason::Refused { profile } => {
            format!(
                "profile {} takes it; too large for Fargate, refused",
                name(profile)
            )
        }
    }
}

fn compute_text(c: Compute) -> &'static str {
    match c {
        Compute::Fargate => "fargate",
        Compute::Ec2 => "ec2",
        Compute::Pending => "pending",
    }
}

/// One workload in one cluster, ready to print.
struct Row<'a> {
    workload: usize,
    cluster: usize,
    /// The workload's placement in the cluster: a row exists only where it has one.
    placement: &'a Placement,
    compute: Compute,
    profile: Option<String>,
    size: Option<(f64, f64)>,
    cost: Option<f64>,
    /// Findings of `check` about the workload (all rules, all clusters).
    findings: usize,
}

/// How many findings are about each workload: those whose subject it is. A finding may
/// point into another file (a claim, a cluster) and still be about the workload; two
/// workloads with the same kind, namespace and name (overlays of one app) stay apart.
pub fn findings_per_workload(a: &Analysis, findings: &[Finding]) -> Vec<usize> {
    let mut counts = vec![0; a.model.workloads.len()];
    for f in findings {
        if let Some(Subject::Workload(w)) = f.subject
            && let Some(n) = counts.get_mut(w.index())
        {
            *n += 1;
        }
    }
    counts
}

/// The rows of each cluster, in the order of [`rows`] (workloads in model order).
fn by_cluster<'r, 'a>(a: &Analysis, rows: &'r [Row<'a>]) -> Vec<Vec<&'r Row<'a>>> {
    let mut out: Vec<Vec<&Row<'_>>> = vec![Vec::new(); a.model.clusters.len()];
    for r in rows {
        if let Some(c) = out.get_mut(r.cluster) {
            c.push(r);
        }
    }
    out
}

fn rows<'a>(a: &'a Analysis, findings: &[usize]) -> Vec<Row<'a>> {
    let mut out = Vec::new();
    for (c, cluster) in a.model.clusters.iter().enumerate() {
        for (w, workload) in a.model.workloads.iter().enumerate() {
            let Some(p) = a.placements.get(workload.id, cluster.id) else {
                continue;
            };
            let sized = a
                .sizes
                .get(w)
                .and_then(|s| s.size.map(|z| (z, s.need.ephemeral_bytes)));
            let on_fargate = p.compute == Compute::Fargate;
            out.push(Row {
                workload: w,
                cluster: c,
                placement: p,
                compute: p.compute,
                profile: p.profile.clone(),
                size: sized
                    .filter(|_| on_fargate)
                    .map(|(z, _)| (z.vcpu(), z.memory_gb())),
                cost: sized
                    .filter(|_| on_fargate)
                    .map(|(z, eph)| monthly_cost(z, eph, workload.replicas, &a.pricing)),
                findings: findings.get(w).copied().unwrap_or(0),
            });
        }
    }
    out
}

/// `0.5 vCPU 4 GB`.
fn size_text(size: Option<(f64, f64)>, compute: Compute) -> String {
    match (size, compute) {
        (Some((cpu, mem)), _) => format!("{cpu} vCPU {mem} GB"),
        (None, Compute::Fargate) => "over max".into(),
        _ => "-".into(),
    }
}

fn money(v: f64) -> String {
    format!("${v:.2}")
}

/// Totals of one cluster.
#[derive(Default)]
struct Totals {
    per_profile: BTreeMap<String, usize>,
    ec2: usize,
    pending: usize,
    cost: f64,
}

fn totals<'r, 'a: 'r>(rows: impl Iterator<Item = &'r Row<'a>>) -> Totals {
    let mut t = Totals::default();
    for r in rows {
        match r.compute {
            Compute::Fargate => {
                *t.per_profile
                    .entry(r.profile.clone().unwrap_or_default())
                    .or_default() += 1;
                t.cost += r.cost.unwrap_or(0.0);
            }
            Compute::Ec2 => t.ec2 += 1,
            Compute::Pending => t.pending += 1,
        }
    }
    t
}

/// The totals line, each profile's name written by `name`.
fn totals_text(t: &Totals, name: impl Fn(&str) -> String) -> String {
    let fargate: usize = t.per_profile.values().sum();
    let profiles = t
        .per_profile
        .iter()
        .map(|(p, n)| format!("{}: {n}", name(p)))
        .collect::<Vec<_>>()
        .join(", ");
    let profiles = if profiles.is_empty() {
        String::new()
    } else {
        format!(" ({profiles})")
    };
    format!(
        "{fargate} on Fargate{profiles}, {} on EC2, {} pending; Fargate {}/month",
        t.ec2,
        t.pending,
        money(t.cost)
    )
}

const NO_CLUSTER: &str = "no cluster definition found (eksctl ClusterConfig or EKS API profile JSON): add one to the paths or pass --cluster FILE\n";

/// What the tables say of a template cluster (a placeholder name or region) in a scan that
/// also defines real clusters: its workloads are placed on those instead.
const TEMPLATE: &str = "a template (its name or region is a placeholder); the workloads are placed on the real clusters";

/// A template cluster that takes no workload because real clusters exist.
fn stands_in_for_nothing(a: &Analysis, cluster: &crate::model::Cluster) -> bool {
    cluster.is_template() && a.model.clusters.iter().any(|c| !c.is_template())
}

/// Plain-text table, one per cluster, columns padded to the widest cell.
/// `quiet` leaves out the totals line of each cluster.
/// Every value from input goes through [`terminal`], the whole table through
/// [`terminal_lines`] (a kind from input starts each row).
pub fn render_human(a: &Analysis, findings: &[usize], quiet: bool) -> String {
    let rows = rows(a, findings);
    let variants = has_variants(a);
    let per_cluster = by_cluster(a, &rows);
    let mut out = String::new();
    if a.model.clusters.is_empty() {
        out.push_str(NO_CLUSTER);
    }
    for (cluster, cluster_rows) in a.model.clusters.iter().zip(&per_cluster) {
        if stands_in_for_nothing(a, cluster) {
            let _ = writeln!(
                out,
                "cluster {} ({}): {TEMPLATE}\n",
                terminal(&cluster.name),
                terminal(cluster.region.as_deref().unwrap_or("region unknown")),
            );
            continue;
        }
        let _ = writeln!(
            out,
            "cluster {} ({}): {}, EC2 capacity: {}",
            terminal(&cluster.name),
            terminal(cluster.region.as_deref().unwrap_or("region unknown")),
            plural(cluster.profiles.len(), "Fargate profile"),
            if cluster.ec2_capacity { "yes" } else { "no" }
        );
        let mut table: Vec<Vec<String>> = vec![
            [
                "WORKLOAD",
                "NAMESPACE",
                "COMPUTE",
                "PROFILE",
                "SIZE",
                "MONTHLY",
                "FINDINGS",
                "WHY",
            ]
            .map(String::from)
            .to_vec(),
        ];
        if variants {
            table[0].insert(2, "VARIANT".to_string());
        }
        for r in cluster_rows {
            let w = &a.model.workloads[r.workload];
            let p = r.placement;
            let mut row = vec![
                terminal(&format!("{}/{}", w.kind_name, w.name)).into_owned(),
                terminal(&w.namespace).into_owned(),
                compute_text(r.compute).to_string(),
                r.profile
                    .as_deref()
                    .map_or_else(|| "-".into(), |p| terminal(p).into_owned()),
                size_text(r.size, r.compute),
                r.cost.map(money).unwrap_or_else(|| "-".into()),
                r.findings.to_string(),
                terminal(&reason_text(p)).into_owned(),
            ];
            if variants {
                row.insert(
                    2,
                    w.variant
                        .as_deref()
                        .map_or_else(|| "-".into(), |v| terminal(v).into_owned()),
                );
            }
            table.push(row);
        }
        let widths: Vec<usize> = (0..table[0].len())
            .map(|i| {
                table
                    .iter()
                    .map(|row| row[i].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for row in &table {
            let mut line = String::from("  ");
            for (i, cell) in row.iter().enumerate() {
                if i + 1 == row.len() {
                    line.push_str(cell);
                } else {
                    let pad = widths[i] - cell.chars().count();
                    line.push_str(cell);
                    line.push_str(&" ".repeat(pad + 2));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        if quiet {
            out.push('\n');
        } else {
            let _ = writeln!(
                out,
                "  {}\n",
                totals_text(&totals(cluster_rows.iter().copied()), |p| {
                    terminal(p).into_owned()
                })
            );
        }
    }
    if a.model.workloads.is_empty() {
        out.push_str("no workloads found\n");
    }
    terminal_lines(out)
}

/// Whether some workload was built in a kustomize variant: the tables then have a column
/// for it (and keep their shape otherwise).
fn has_variants(a: &Analysis) -> bool {
    a.model.workloads.iter().any(|w| w.variant.is_some())
}

/// Markdown for a pull-request comment or a job summary. Every value from input is in a
/// code span of its own ([`code`], [`cell`] in tables), or a quoted Mermaid label.
pub fn render_markdown(a: &Analysis, findings: &[usize]) -> String {
    let rows = rows(a, findings);
    let variants = has_variants(a);
    let per_cluster = by_cluster(a, &rows);
    let mut out = String::from("## Fargate placement\n\n");
    if a.model.clusters.is_empty() {
        out.push_str(NO_CLUSTER);
    }
    for ((cluster, cluster_rows), c) in a.model.clusters.iter().zip(&per_cluster).zip(0..) {
        let _ = writeln!(
            out,
            "### Cluster {} ({})\n",
            code(&cluster.name),
            cluster
                .region
                .as_deref()
                .map_or_else(|| "region unknown".to_string(), code)
        );
        if stands_in_for_nothing(a, cluster) {
            let _ = writeln!(out, "{TEMPLATE}\n");
            continue;
        }
        if variants {
            out.push_str(
                "| Workload | Namespace | Variant | Compute | Profile | Size | Monthly | Findings | Why |\n",
            );
            out.push_str("|---|---|---|---|---|---|---:|---:|---|\n");
        } else {
            out.push_str(
                "| Workload | Namespace | Compute | Profile | Size | Monthly | Findings | Why |\n",
            );
            out.push_str("|---|---|---|---|---|---:|---:|---|\n");
        }
        for r in cluster_rows {
            let w = &a.model.workloads[r.workload];
            let variant = if variants {
                format!(
                    " {} |",
                    w.variant.as_deref().map_or_else(|| "-".into(), cell)
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "| {} | {} |{variant} {} | {} | {} | {} | {} | {} |",
                cell(&format!("{}/{}", w.kind_name, w.name)),
                cell(&w.namespace),
                compute_text(r.compute),
                r.profile.as_deref().map_or_else(|| "-".into(), cell),
                size_text(r.size, r.compute),
                r.cost.map(money).unwrap_or_else(|| "-".into()),
                r.findings,
                reason_with(r.placement, cell),
            );
        }
        let _ = writeln!(
            out,
            "\n{}\n",
            totals_text(&totals(cluster_rows.iter().copied()), code)
        );
        markdown_profile_totals(&mut out, a, c, cluster_rows);
        markdown_diagram(&mut out, a, c, cluster_rows);
    }
    out
}

/// Where a row's pods run, as a group of the totals and a node of the diagram.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Target<'a> {
    Profile(&'a str),
    Ec2,
    Pending,
}

fn target<'r>(r: &'r Row<'_>) -> Target<'r> {
    match r.compute {
        Compute::Fargate => Target::Profile(r.profile.as_deref().unwrap_or("")),
        Compute::Ec2 => Target::Ec2,
        Compute::Pending => Target::Pending,
    }
}

/// Per profile of cluster `c` (and EC2, pending): workloads, pods and monthly Fargate cost.
fn markdown_profile_totals(out: &mut String, a: &Analysis, c: usize, rows: &[&Row<'_>]) {
    let mut groups: BTreeMap<Target<'_>, (usize, u64, f64)> = BTreeMap::new();
    // Profiles that take nothing are listed too: an idle profile is worth seeing.
    for p in a
        .model
        .clusters
        .get(c)
        .map(|c| &c.profiles[..])
        .unwrap_or(&[])
    {
        groups.entry(Target::Profile(&p.name.value)).or_default();
    }
    for r in rows {
        let g = groups.entry(target(r)).or_default();
        g.0 += 1;
        g.1 += u64::from(a.model.workloads[r.workload].replicas);
        g.2 += r.cost.unwrap_or(0.0);
    }
    if groups.is_empty() {
        return;
    }
    out.push_str("| Profile | Workloads | Pods | Monthly |\n|---|---:|---:|---:|\n");
    for (t, (workloads, pods, cost)) in &groups {
        let (name, cost) = match t {
            Target::Profile(p) => (cell(p), money(*cost)),
            Target::Ec2 => ("EC2 nodes".to_string(), "-".to_string()),
            Target::Pending => ("pending".to_string(), "-".to_string()),
        };
        let _ = writeln!(out, "| {name} | {workloads} | {pods} | {cost} |");
    }
    out.push('\n');
}

/// A Mermaid flowchart from the profiles of cluster `c` (and EC2, pending) to the workloads
/// they take, which GitHub renders in comments and job summaries. Node ids are made from
/// indexes, since names may hold anything; labels are quoted with `"` as `#quot;`.
fn markdown_diagram(out: &mut String, a: &Analysis, c: usize, rows: &[&Row<'_>]) {
    if rows.is_empty() {
        return;
    }
    let profiles: Vec<&str> = a
        .model
        .clusters
        .get(c)
        .map(|cl| cl.profiles.iter().map(|p| p.name.value.as_str()).collect())
        .unwrap_or_default();
    // The first profile of each name, found by a map: a cluster may list many.
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, p) in profiles.iter().enumerate() {
        index.entry(p).or_insert(i);
    }
    let node = |t: Target<'_>| match t {
        Target::Profile(p) => index
            .get(p)
            .map(|i| format!("c{c}p{i}"))
            .unwrap_or_else(|| format!("c{c}p_unknown")),
        Target::Ec2 => format!("c{c}ec2"),
        Target::Pending => format!("c{c}pending"),
    };
    out.push_str("```mermaid\nflowchart LR\n");
    let mut declared = std::collections::BTreeSet::new();
    for (i, p) in profiles.iter().enumerate() {
        if declared.insert(format!("c{c}p{i}")) {
            let _ = writeln!(out, "  c{c}p{i}[\"profile {}\"]", mermaid_label(p));
        }
    }
    for r in rows {
        let t = target(r);
        let from = node(t);
        if declared.insert(from.clone()) {
            let label = match t {
                Target::Profile(p) => format!("profile {}", mermaid_label(p)),
                Target::Ec2 => "EC2 nodes".to_string(),
                Target::Pending => "pending".to_string(),
            };
            let _ = writeln!(out, "  {from}[\"{label}\"]");
        }
        let w = &a.model.workloads[r.workload];
        let _ = writeln!(
            out,
            "  {from} --> c{c}w{}[\"{}/{}<br/>{}\"]",
            r.workload,
            mermaid_label(&w.kind_name),
            mermaid_label(&w.name),
            mermaid_label(&w.namespace)
        );
    }
    out.push_str("```\n\n");
}

/// Text safe inside a quoted Mermaid label: control characters escaped as on the
/// terminal (so no line break), quotes, angle brackets and backticks (which would start a
/// Markdown label) as entities, and no `#` that would start an entity.
fn mermaid_label(s: &str) -> String {
    terminal(s)
        .replace('#', "#35;")
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace('`', "#96;")
}

#[derive(Serialize)]
struct JsonCluster<'a> {
    name: &'a str,
    region: Option<&'a str>,
    files: Vec<&'a str>,
    profiles: Vec<&'a str>,
    ec2_capacity: bool,
}

#[derive(Serialize)]
struct JsonSize {
    vcpu: Value,
    memory_gb: Value,
}

/// A placement at the baseline (`--baseline`).
#[derive(Serialize)]
struct JsonBefore<'a> {
    compute: Compute,
    profile: Option<&'a str>,
    fargate_size: Option<JsonSize>,
    monthly_cost_usd: Option<Value>,
}

impl<'a> JsonBefore<'a> {
    fn of(p: &'a Place) -> JsonBefore<'a> {
        JsonBefore {
            compute: p.compute,
            profile: p.profile.as_deref(),
            fargate_size: p.size.map(|z| JsonSize {
                vcpu: json_number(z.vcpu()),
                memory_gb: json_number(z.memory_gb()),
            }),
            monthly_cost_usd: p.monthly_cost.map(json_number),
        }
    }
}

#[derive(Serialize)]
struct JsonPlacement<'a> {
    cluster: &'a str,
    /// `None` only for a placement of the baseline that is gone (`change: removed`).
    compute: Option<Compute>,
    profile: Option<&'a str>,
    matching_profiles: &'a [String],
    fargate_size: Option<JsonSize>,
    monthly_cost_usd: Option<Value>,
    reason: String,
    /// Findings of `check` about the workload (all rules, all clusters).
    findings: usize,
    /// `--baseline`: the placement at the revision (`Some(None)`: none there, `null`).
    #[serde(skip_serializing_if = "Option::is_none")]
    before: Option<Option<JsonBefore<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    change: Option<Change>,
}

#[derive(Serialize)]
struct JsonWorkload<'a> {
    kind: &'a str,
    namespace: &'a str,
    name: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    replicas: u32,
    /// The kustomize variant (its folder) the workload was built in; `None` for plain files.
    variant: Option<&'a str>,
    /// The chart template that wrote the workload, for a document of a rendered Helm stream
    /// (its `# Source:` comment), as `check` names it on findings.
    source_template: Option<&'a str>,
    placements: Vec<JsonPlacement<'a>>,
}

/// The revision of `--baseline`.
#[derive(Serialize)]
struct JsonRevision<'a> {
    #[serde(rename = "ref")]
    name: &'a str,
    commit: &'a str,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    tool: Tool,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<JsonRevision<'a>>,
    clusters: Vec<JsonCluster<'a>>,
    workloads: Vec<JsonWorkload<'a>>,
    /// `--baseline`: the monthly Fargate cost of every placement at the revision and now.
    #[serde(skip_serializing_if = "Option::is_none")]
    monthly_cost_usd_before: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    monthly_cost_usd_after: Option<Value>,
}

pub fn render_json(a: &Analysis, findings: &[usize]) -> String {
    render_json_with(a, findings, None)
}

/// [`render_json`], with `--baseline`'s `before` and `change` on each placement, the
/// workloads that are gone (placements with `compute: null`, `change: removed`, at their
/// place in the revision) and the cost totals.
pub fn render_json_with(a: &Analysis, findings: &[usize], compared: Option<&Compared>) -> String {
    let rows = rows(a, findings);
    // The rows of each workload, in cluster order, found in one pass.
    let mut per_workload: Vec<Vec<&Row<'_>>> = vec![Vec::new(); a.model.workloads.len()];
    for r in &rows {
        if let Some(w) = per_workload.get_mut(r.workload) {
            w.push(r);
        }
    }
    let file = |id: crate::source::FileId| a.files.get(id).map(|f| f.path.as_str()).unwrap_or("");
    let clusters = a
        .model
        .clusters
        .iter()
        .map(|c| JsonCluster {
            name: &c.name,
            region: c.region.as_deref(),
            files: c.files.iter().map(|f| file(*f)).collect(),
            profiles: c.profiles.iter().map(|p| p.name.value.as_str()).collect(),
            ec2_capacity: c.ec2_capacity,
        })
        .collect();
    let workloads = a
        .model
        .workloads
        .iter()
        .enumerate()
        .map(|(w, wl)| JsonWorkload {
            kind: &wl.kind_name,
            namespace: &wl.namespace,
            name: &wl.name,
            file: file(wl.loc.file),
            line: wl.loc.span.start.line,
            column: wl.loc.span.start.column,
            replicas: wl.replicas,
            variant: wl.variant.as_deref(),
            source_template: a.helm_sources.template(wl.loc),
            placements: per_workload
                .get(w)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|r| {
                    let p = r.placement;
                    let joined = compared.and_then(|c| {
                        let w = a.model.workloads.get(r.workload)?.id;
                        let cl = a.model.clusters.get(r.cluster)?.id;
                        c.changes
                            .placements
                            .iter()
                            .find(|pc| pc.after_ids == Some((w, cl)))
                    });
                    JsonPlacement {
                        cluster: &a.model.clusters[r.cluster].name,
                        compute: Some(r.compute),
                        profile: p.profile.as_deref(),
                        matching_profiles: &p.matching_profiles,
                        fargate_size: r.size.map(|(cpu, mem)| JsonSize {
                            vcpu: json_number(cpu),
                            memory_gb: json_number(mem),
                        }),
                        monthly_cost_usd: r.cost.map(json_number),
                        reason: reason_text(p),
                        findings: r.findings,
                        before: compared
                            .map(|_| joined.and_then(|j| j.before.as_ref()).map(JsonBefore::of)),
                        change: compared.map(|_| joined.map_or(Change::Added, |j| j.change)),
                    }
                })
                .collect(),
        })
        .collect::<Vec<_>>();
    let mut workloads = workloads;
    if let Some(c) = compared {
        workloads.extend(removed_workloads(c));
    }
    let total = |side: fn(&PlacementChange) -> Option<&Place>| {
        compared.map(|c| {
            let sum: f64 = c
                .changes
                .placements
                .iter()
                .filter_map(|p| side(p)?.monthly_cost)
                .sum();
            // In cents, as each placement's cost is.
            json_number((sum * 100.0).round() / 100.0)
        })
    };
    let report = JsonReport {
        tool: TOOL,
        baseline: compared.map(|c| JsonRevision {
            name: &c.revision.name,
            commit: &c.revision.commit,
        }),
        clusters,
        workloads,
        monthly_cost_usd_before: total(|p| p.before.as_ref()),
        monthly_cost_usd_after: total(|p| p.after.as_ref()),
    };
    let mut out = serde_json::to_string_pretty(&report).unwrap_or_default();
    out.push('\n');
    out
}

/// The workloads of the baseline with placements that are gone, each at its place in the
/// revision, in the baseline's order.
fn removed_workloads(c: &Compared) -> Vec<JsonWorkload<'_>> {
    let b = &c.analysis;
    let mut out: Vec<JsonWorkload<'_>> = Vec::new();
    let mut last: Option<crate::source::WorkloadId> = None;
    for p in c
        .changes
        .placements
        .iter()
        .filter(|p| p.after_ids.is_none())
    {
        let (Some((w, cl)), Some(before)) = (p.before_ids, p.before.as_ref()) else {
            continue;
        };
        let (Some(wl), Some(cluster)) = (
            b.model.workloads.get(w.index()),
            b.model.clusters.get(cl.index()),
        ) else {
            continue;
        };
        let placement = JsonPlacement {
            cluster: &cluster.name,
            compute: None,
            profile: None,
            matching_profiles: &[],
            fargate_size: None,
            monthly_cost_usd: None,
            reason: "not in the working tree".to_string(),
            findings: 0,
            before: Some(Some(JsonBefore::of(before))),
            change: Some(Change::Removed),
        };
        if last == Some(w)
            && let Some(prev) = out.last_mut()
        {
            prev.placements.push(placement);
            continue;
        }
        last = Some(w);
        out.push(JsonWorkload {
            kind: &wl.kind_name,
            namespace: &wl.namespace,
            name: &wl.name,
            file: b
                .files
                .get(wl.loc.file)
                .map(|f| f.path.as_str())
                .unwrap_or(""),
            line: wl.loc.span.start.line,
            column: wl.loc.span.start.column,
            replicas: wl.replicas,
            variant: wl.variant.as_deref(),
            source_template: b.helm_sources.template(wl.loc),
            placements: vec![placement],
        });
    }
    out
}
