//! Kustomize variants built natively (issue 13): the workshop's chapter 2, EKS Workshop v2's
//! Fargate module against `kubectl kustomize`, positions of what patches set, the problems
//! of a build at the line that causes them, and a differential property test of random
//! base/overlay trees against `kubectl kustomize`.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

/// The environment variable that makes the tests needing `kubectl` fail when it is missing
/// instead of skipping: CI sets it (`.ci/run`).
const REQUIRE_KUBECTL: &str = "FARGATE_LINT_REQUIRE_KUBECTL";

/// Whether `kubectl kustomize` can run here: with [`REQUIRE_KUBECTL`]`=1` its absence fails
/// the test; otherwise one line on stderr says the test is skipped.
fn kubectl() -> bool {
    let there = std::process::Command::new("kubectl")
        .args(["kustomize", "--help"])
        .output()
        .is_ok_and(|o| o.status.success());
    if there {
        return true;
    }
    assert!(
        std::env::var_os(REQUIRE_KUBECTL).is_none_or(|v| v != "1"),
        "kubectl is not on PATH, and {REQUIRE_KUBECTL}=1 says it must be"
    );
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr().lock(),
        "skipped: kubectl is not on PATH ({})",
        std::thread::current().name().unwrap_or("")
    );
    false
}

#[test]
fn ci_requires_kubectl() {
    let ci = std::fs::read_to_string(root().join(".ci/run")).expect(".ci/run");
    assert!(
        ci.lines()
            .any(|l| l.trim() == format!("export {REQUIRE_KUBECTL}=1")),
        ".ci/run must export {REQUIRE_KUBECTL}=1"
    );
}

/// `kubectl kustomize DIR` run in `cwd`.
fn kustomize_build(cwd: &Path, dir: &str) -> String {
    let out = std::process::Command::new("kubectl")
        .current_dir(cwd)
        .args(["kustomize", dir])
        .output()
        .expect("kubectl runs");
    assert!(
        out.status.success(),
        "kubectl kustomize {dir} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `fargate-lint predict --format json ARGS` in `dir` with `stdin`.
fn predict_json(dir: &Path, args: &[&str], stdin: &str) -> Value {
    let out = command()
        .current_dir(dir)
        .args(["predict", "--format", "json"])
        .args(args)
        .write_stdin(stdin.to_string())
        .output()
        .expect("the binary runs");
    json(&out)
}

/// What decides a workload's placement and price, in a form two runs can compare: kind,
/// namespace, name, replicas and each placement's compute, profile, size and cost; sorted.
fn placements(report: &Value, variant: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = report["workloads"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|w| variant.is_none_or(|v| w["variant"] == v))
        .map(|w| {
            let places: Vec<String> = w["placements"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    format!(
                        "{}:{}:{}:{}:{}",
                        p["cluster"],
                        p["compute"],
                        p["profile"],
                        p["fargate_size"],
                        p["monthly_cost_usd"]
                    )
                })
                .collect();
            format!(
                "{}/{}/{} x{} {}",
                w["kind"],
                w["namespace"],
                w["name"],
                w["replicas"],
                places.join(",")
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn workshop_chapter_two_places_podinfo_per_variant_in_one_predict() {
    let Some(corpus) = corpus() else { return };
    let repo = corpus.join("phillebaba__eks-fargate-workshop");
    let report = predict_json(
        &repo,
        &["1_new_cluster/cluster.yaml", "2_deploy_application"],
        "",
    );
    let podinfo: Vec<(String, String, String)> = report["workloads"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|w| w["name"] == "podinfo")
        .map(|w| {
            let p = &w["placements"][0];
            (
                w["variant"].as_str().unwrap_or("-").to_string(),
                p["compute"].as_str().unwrap_or("-").to_string(),
                p["profile"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    assert_eq!(
        podinfo,
        [
            ("2_deploy_application/ec2".into(), "ec2".into(), "-".into()),
            (
                "2_deploy_application/fargate".into(),
                "fargate".into(),
                "default".into()
            ),
        ],
        "{report:#}"
    );
    // The base is placed only through the variants, and its patch file not at all.
    assert_eq!(report["workloads"].as_array().map(Vec::len), Some(2));

    // Named alone, the overlay is the variant.
    let alone = predict_json(
        &repo,
        &["1_new_cluster/cluster.yaml", "2_deploy_application/fargate"],
        "",
    );
    assert_eq!(
        alone["workloads"][0]["variant"],
        "2_deploy_application/fargate"
    );
    assert_eq!(alone["workloads"][0]["placements"][0]["profile"], "default");
}

#[test]
fn eks_workshop_fargate_module_matches_kubectl_kustomize() {
    let Some(corpus) = corpus() else { return };
    if !kubectl() {
        return;
    }
    let repo = corpus.join("aws-samples__eks-workshop-v2");
    let cluster = root().join("testdata/kustomize/checkout-cluster.yaml");
    let cluster = cluster.to_string_lossy();
    for module in ["enabling", "sizing", "scaling"] {
        let dir = format!("manifests/modules/fundamentals/fargate/{module}");
        let native = predict_json(&repo, &[&cluster, &dir], "");
        let rendered = predict_json(&repo, &[&cluster, "-"], &kustomize_build(&repo, &dir));
        let ours = placements(&native, Some(&dir));
        assert!(!ours.is_empty(), "{module}: no workloads in variant {dir}");
        assert_eq!(ours, placements(&rendered, None), "{module}");
        // The module's point: checkout lands on the profile.
        assert!(
            ours.iter()
                .any(|w| w.contains("checkout\"") && w.contains("checkout-profile")),
            "{module}: {ours:#?}"
        );
    }
}

/// Findings of `check --format json` in `testdata/kustomize/app`.
fn app_findings() -> Value {
    let out = run_in(
        &root().join("testdata/kustomize/app"),
        &["check", "--format", "json", "."],
    );
    json(&out)
}

fn finding<'a>(report: &'a Value, code: &str, file: &str) -> Vec<&'a Value> {
    findings_of(report)
        .into_iter()
        .filter(|f| f["code"] == code && f["file"] == file)
        .collect()
}

#[test]
fn a_finding_caused_by_a_patch_points_at_the_patch() {
    let report = app_findings();
    // A patch file: its `privileged` key.
    let by_file = finding(&report, "FL203", "prod/privileged.yaml");
    assert_eq!(by_file.len(), 1, "{report:#}");
    assert_eq!(
        (by_file[0]["line"].as_u64(), by_file[0]["column"].as_u64()),
        (Some(11), Some(13))
    );
    assert_eq!(by_file[0]["variant"], "prod");
    // An inline JSON 6902 patch: its line inside kustomization.yaml.
    let inline = finding(&report, "FL203", "staging/kustomization.yaml");
    assert_eq!(inline.len(), 1, "{report:#}");
    assert_eq!(
        (inline[0]["line"].as_u64(), inline[0]["column"].as_u64()),
        (Some(15), Some(11))
    );
    assert_eq!(inline[0]["variant"], "staging");
    assert_eq!(inline[0]["object"]["name"], "staging-web");
    // The base alone is not placed: no finding names it without a variant.
    assert!(
        findings_of(&report)
            .iter()
            .all(|f| f["file"] != "base/web.yaml" || !f["variant"].is_null())
    );
}

#[test]
fn missing_cyclic_and_unsupported_references_are_reported_where_written() {
    let report = app_findings();
    let at = |code: &str, file: &str| -> Vec<(u64, String)> {
        finding(&report, code, file)
            .iter()
            .map(|f| {
                (
                    f["line"].as_u64().unwrap_or(0),
                    f["message"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    let broken = at("FL001", "broken/kustomization.yaml");
    assert_eq!(broken.len(), 2, "{broken:?}");
    assert_eq!(broken[0].0, 6);
    assert!(broken[0].1.contains("`missing.yaml` is not found"));
    let cycle = at("FL001", "loop-b/kustomization.yaml");
    assert_eq!(cycle.len(), 1, "{report:#}");
    assert!(
        cycle[0]
            .1
            .contains("cyclic reference: loop-a → loop-b → loop-a")
    );
    let helm = at("FL002", "helm/kustomization.yaml");
    assert_eq!(
        helm.iter().map(|h| h.0).collect::<Vec<_>>(),
        [6, 7],
        "{helm:?}"
    );
    assert!(helm[1].1.starts_with("`helmCharts` is not built natively"));
    // The broken and helm variants are still built from what can be: their web lands.
    let predicted = predict_json(&root().join("testdata/kustomize/app"), &["."], "");
    let variants: Vec<&str> = predicted["workloads"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| w["variant"].as_str())
        .collect();
    assert_eq!(variants, ["broken", "helm", "prod", "staging"]);
}

#[test]
fn a_reference_out_of_the_repository_is_not_read() {
    let outside = tempfile::tempdir().expect("a folder");
    write(
        outside.path(),
        "secret/kustomization.yaml",
        "resources: [web.yaml]\n",
    );
    write(
        outside.path(),
        "secret/web.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: secret\nspec:\n  containers: [{name: c, image: x}]\n",
    );
    let repo = tempfile::tempdir().expect("a folder");
    std::fs::create_dir(repo.path().join(".git")).expect(".git");
    let rel = outside.path().join("secret");
    write(
        repo.path(),
        "app/kustomization.yaml",
        &format!("resources:\n  - {}\n", rel.display()),
    );
    let out = run_in(repo.path(), &["check", "--format", "json", "app"]);
    let report = json(&out);
    let f = finding(&report, "FL001", "app/kustomization.yaml");
    assert_eq!(f.len(), 1, "{report:#}");
    assert!(
        f[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("outside the repository")),
        "{report:#}"
    );
    assert_eq!(report["summary"]["workloads"], 0);
}

#[test]
fn a_finding_several_variants_share_is_reported_once() {
    let dir = tempfile::tempdir().expect("a folder");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    write(dir.path(), "cluster.yaml", APPS_CLUSTER);
    write(
        dir.path(),
        "base/kustomization.yaml",
        "resources: [web.yaml]\n",
    );
    write(
        dir.path(),
        "base/web.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx\n          securityContext:\n            privileged: true\n",
    );
    for v in ["a", "b", "c"] {
        write(
            dir.path(),
            &format!("{v}/kustomization.yaml"),
            "namespace: apps\nresources: [../base]\n",
        );
    }
    let report = json(&run_in(dir.path(), &["check", "--format", "json", "."]));
    let privileged = finding(&report, "FL203", "base/web.yaml");
    assert_eq!(privileged.len(), 1, "{report:#}");
    assert_eq!(privileged[0]["variant"], "a");
    assert!(
        privileged[0]["message"]
            .as_str()
            .is_some_and(|m| m.ends_with("(and in variants b, c)")),
        "{report:#}"
    );
    // Human output: one FL203, naming the other variants.
    let human = run_in(dir.path(), &["check", "--color", "never", "."]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert_eq!(
        text.matches("FL203 privileged-container").count(),
        1,
        "{text}"
    );
    assert!(text.contains("variants b, c"), "{text}");
    // SARIF: one result, the first variant in its properties, the others in its message.
    let sarif = json(&run_in(dir.path(), &["check", "--format", "sarif", "."]));
    let results: Vec<&serde_json::Value> = sarif["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["ruleId"] == "FL203")
        .collect();
    assert_eq!(results.len(), 1, "{sarif:#}");
    assert_eq!(results[0]["properties"]["variant"], "a", "{sarif:#}");
    assert!(
        results[0]["message"]["text"]
            .as_str()
            .is_some_and(|m| m.contains("(and in variants b, c)")),
        "{sarif:#}"
    );
}

#[test]
fn verbose_lists_each_variant_with_the_files_it_read() {
    let out = run_in(
        &root().join("testdata/kustomize/app"),
        &["predict", "--verbose", "cluster.yaml", "prod"],
    );
    assert!(
        stderr(&out).contains(
            "variant prod: read base/kustomization.yaml, base/web.yaml, prod/kustomization.yaml, prod/privileged.yaml"
        ),
        "{}",
        stderr(&out)
    );
    // The table names the variant.
    assert!(stdout(&out).contains("VARIANT"), "{}", stdout(&out));
}

/// A small deterministic generator (xorshift), so that a failing tree can be rebuilt from
/// its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const CPUS: &[&str] = &["100m", "250m", "500m", "1", "2"];
const MEMORY: &[&str] = &["128Mi", "512Mi", "1Gi", "2.5G", "3Gi"];

/// A random base/overlay tree under `dir`: a base of deployments (and a service), overlays
/// with namespaces, prefixes, labels with and without `includeTemplates`, annotations,
/// patches by file and inline (strategic merge and JSON 6902), replicas and images, some
/// stacked on another overlay. Returns the overlays' folders.
fn random_tree(dir: &Path, rng: &mut Rng) -> Vec<String> {
    let apps: Vec<String> = (0..1 + rng.below(3)).map(|i| format!("app{i}")).collect();
    let mut base = String::from("resources:\n");
    for app in &apps {
        base.push_str(&format!("  - {app}.yaml\n"));
        // No namespace of its own: kustomize finds a patch that names none only for an
        // object without one.
        let ns = String::new();
        write(
            dir,
            &format!("base/{app}.yaml"),
            &format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {app}\n{ns}spec:\n  replicas: {}\n  selector:\n    matchLabels:\n      app: {app}\n  template:\n    metadata:\n      labels:\n        app: {app}\n    spec:\n      containers:\n        - name: main\n          image: public.ecr.aws/x/{app}:1\n          resources:\n            requests:\n              cpu: {}\n              memory: {}\n",
                1 + rng.below(3),
                rng.pick(CPUS),
                rng.pick(MEMORY)
            ),
        );
    }
    if rng.chance(50) {
        base.push_str("  - service.yaml\n");
        write(
            dir,
            "base/service.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: front\nspec:\n  selector:\n    app: app0\n  ports:\n    - port: 80\n",
        );
    }
    if rng.chance(30) {
        base.push_str(&format!(
            "namespace: {}\n",
            rng.pick(&["apps", "checkout", "other"])
        ));
    }
    write(dir, "base/kustomization.yaml", &base);

    let mut overlays = Vec::new();
    for o in 0..1 + rng.below(3) {
        let name = format!("overlay{o}");
        // Some overlays stack on the previous one.
        let from = if o > 0 && rng.chance(30) {
            format!("../overlay{}", o - 1)
        } else {
            "../base".to_string()
        };
        let mut k = format!("resources:\n  - {from}\n");
        if rng.chance(60) {
            k.push_str(&format!(
                "namespace: {}\n",
                rng.pick(&["apps", "checkout", "other"])
            ));
        }
        if rng.chance(40) {
            k.push_str(&format!("namePrefix: {}\n", rng.pick(&["p-", "dev-"])));
        }
        if rng.chance(30) {
            k.push_str("nameSuffix: -s\n");
        }
        match rng.below(4) {
            0 => k.push_str("commonLabels:\n  fargate: \"yes\"\n"),
            1 => k.push_str(&format!(
                "labels:\n  - pairs:\n      fargate: \"yes\"\n    includeTemplates: {}\n",
                rng.pick(&["true", "false"])
            )),
            2 => k.push_str("labels:\n  - pairs:\n      tier: web\n    includeSelectors: true\n"),
            _ => {}
        }
        if rng.chance(30) {
            k.push_str("commonAnnotations:\n  team: a\n");
        }
        let app = apps[rng.below(apps.len() as u64) as usize].clone();
        let mut patches = Vec::new();
        if rng.chance(50) {
            write(
                dir,
                &format!("{name}/patch.yaml"),
                &format!(
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {app}\nspec:\n  template:\n    metadata:\n      labels:\n        fargate: \"yes\"\n    spec:\n      containers:\n        - name: main\n          resources:\n            requests:\n              cpu: {}\n              memory: {}\n",
                    rng.pick(CPUS),
                    rng.pick(MEMORY)
                ),
            );
            patches.push("  - path: patch.yaml\n".to_string());
        }
        if rng.chance(40) {
            patches.push(format!(
                "  - patch: |-\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata:\n        name: {app}\n      spec:\n        replicas: {}\n",
                1 + rng.below(4)
            ));
        }
        if rng.chance(40) {
            patches.push(format!(
                "  - target:\n      kind: Deployment\n      name: {app}\n    patch: |-\n      - op: add\n        path: /spec/template/metadata/labels/fargate\n        value: \"yes\"\n      - op: replace\n        path: /spec/template/spec/containers/0/resources/requests/memory\n        value: {}\n",
                rng.pick(MEMORY)
            ));
        }
        if rng.chance(20) {
            patches.push(
                "  - target:\n      kind: Deployment\n      labelSelector: app=app0\n    patch: |-\n      - op: add\n        path: /metadata/labels/picked\n        value: \"y1\"\n"
                    .to_string(),
            );
        }
        if !patches.is_empty() {
            k.push_str("patches:\n");
            for p in patches {
                k.push_str(&p);
            }
        }
        if rng.chance(30) {
            write(
                dir,
                &format!("{name}/smp.yaml"),
                &format!(
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {app}\nspec:\n  template:\n    spec:\n      containers:\n        - name: side\n          image: busybox\n          resources:\n            requests:\n              cpu: {}\n",
                    rng.pick(CPUS)
                ),
            );
            k.push_str("patchesStrategicMerge:\n  - smp.yaml\n");
        }
        if rng.chance(30) {
            k.push_str(&format!(
                "replicas:\n  - name: {app}\n    count: {}\n",
                1 + rng.below(5)
            ));
        }
        if rng.chance(30) {
            k.push_str(&format!(
                "images:\n  - name: public.ecr.aws/x/{app}\n    newTag: \"2\"\n"
            ));
        }
        write(dir, &format!("{name}/kustomization.yaml"), &k);
        overlays.push(name);
    }
    overlays
}

/// The cluster of the differential test: `checkout-profile` (namespace `checkout`, label
/// `fargate: "yes"`) and `apps` (namespace `apps`), with EC2 nodes for the rest.
const DIFF_CLUSTER: &str = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: diff
  region: eu-west-1
iam:
  fargatePodExecutionRoleARN: arn:aws:iam::123456789012:role/fargate
managedNodeGroups:
  - name: ng
fargateProfiles:
  - name: checkout-profile
    selectors:
      - namespace: checkout
        labels:
          fargate: \"yes\"
  - name: apps
    selectors:
      - namespace: apps
";

#[test]
fn random_trees_are_placed_and_sized_as_kubectl_kustomize_builds_them() {
    if !kubectl() {
        return;
    }
    const TREES: u64 = 48;
    let started = std::time::Instant::now();
    let mut variants = 0;
    for seed in 1..=TREES {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let dir = tempfile::tempdir().expect("a folder");
        std::fs::create_dir(dir.path().join(".git")).expect(".git");
        write(dir.path(), "cluster.yaml", DIFF_CLUSTER);
        let overlays = random_tree(dir.path(), &mut rng);
        // One native run over the whole tree: every overlay no other includes is a variant.
        let native = predict_json(dir.path(), &["cluster.yaml", "."], "");
        let stacked: Vec<String> = overlays
            .iter()
            .filter(|o| {
                overlays.iter().any(|other| {
                    std::fs::read_to_string(dir.path().join(other).join("kustomization.yaml"))
                        .is_ok_and(|k| k.contains(&format!("../{o}\n")))
                })
            })
            .cloned()
            .collect();
        for overlay in &overlays {
            let rendered = kustomize_build(dir.path(), overlay);
            let theirs = placements(
                &predict_json(dir.path(), &["cluster.yaml", "-"], &rendered),
                None,
            );
            let ours = if stacked.contains(overlay) {
                // Included by another overlay: a variant only when named.
                placements(
                    &predict_json(dir.path(), &["cluster.yaml", overlay], ""),
                    Some(overlay),
                )
            } else {
                placements(&native, Some(overlay))
            };
            let tree: Vec<String> = walk(dir.path());
            assert_eq!(
                ours,
                theirs,
                "seed {seed}, {overlay}\n{}\n{rendered}",
                tree.join("\n")
            );
            variants += 1;
        }
    }
    let elapsed = started.elapsed();
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr().lock(),
        "kustomize differential: {TREES} trees, {variants} variants, identical to kubectl kustomize in {:.1}s",
        elapsed.as_secs_f64()
    );
}

/// Every file of a tree with its text, for a failure message.
fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p.ends_with(".git") {
                    stack.push(p);
                }
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                out.push(format!(
                    "--- {}\n{text}",
                    p.strip_prefix(dir).unwrap_or(&p).display()
                ));
            }
        }
    }
    out.sort();
    out
}

/// A variant with `replacements` (which no native build does): a pod label copied from the
/// Deployment's name.
fn replacements_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a folder");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    write(dir.path(), "cluster.yaml", APPS_CLUSTER);
    write(
        dir.path(),
        "base/kustomization.yaml",
        "resources: [web.yaml]\n",
    );
    write(
        dir.path(),
        "base/web.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx\n",
    );
    write(
        dir.path(),
        "prod/kustomization.yaml",
        "namespace: apps\nresources: [../base]\nreplacements:\n  - source: {kind: Deployment, name: web, fieldPath: metadata.name}\n    targets:\n      - select: {kind: Deployment}\n        fieldPaths: [spec.template.metadata.labels.copied]\n        options: {create: true}\n",
    );
    dir
}

#[test]
fn render_builds_what_no_native_build_can_with_kubectl() {
    if !kubectl() {
        return;
    }
    let dir = replacements_tree();
    // Without --render: predicted natively, with a note at the field.
    let native = json(&run_in(dir.path(), &["check", "--format", "json", "."]));
    let notes = finding(&native, "FL002", "prod/kustomization.yaml");
    assert_eq!(notes.len(), 1, "{native:#}");
    assert_eq!(notes[0]["line"], 3);
    // With it: kubectl's objects, at the kustomization, and no note.
    let rendered = predict_json(dir.path(), &["--render", "."], "");
    let w = &rendered["workloads"][0];
    assert_eq!(
        (&w["variant"], &w["file"], &w["line"]),
        (
            &Value::from("prod"),
            &Value::from("prod/kustomization.yaml"),
            &Value::from(1)
        ),
        "{rendered:#}"
    );
    assert_eq!(w["placements"][0]["profile"], "apps");
    let checked = json(&run_in(
        dir.path(),
        &["check", "--render", "--format", "json", "."],
    ));
    assert!(
        finding(&checked, "FL002", "prod/kustomization.yaml").is_empty(),
        "{checked:#}"
    );
}

#[test]
fn render_says_so_when_neither_kubectl_nor_kustomize_is_there() {
    let dir = replacements_tree();
    let empty = tempfile::tempdir().expect("a folder");
    let out = command()
        .current_dir(dir.path())
        .env("PATH", empty.path())
        .args(["check", "--render", "--format", "json", "."])
        .output()
        .expect("the binary runs");
    let report = json(&out);
    let problems = finding(&report, "FL001", "prod/kustomization.yaml");
    assert_eq!(problems.len(), 1, "{report:#}");
    assert_eq!(problems[0]["line"], 1);
    assert!(
        problems[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("neither `kubectl` nor `kustomize` is on PATH")),
        "{report:#}"
    );
    // Predicted natively all the same.
    assert_eq!(report["summary"]["workloads"], 1);
}

#[test]
fn hostile_trees_of_kustomizations_end_with_a_finding_not_a_crash_or_a_hang() {
    let dir = tempfile::tempdir().expect("a folder");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    // A chain far deeper than any real tree: the build recurses, so it stops at a depth.
    for i in 0..400 {
        write(
            dir.path(),
            &format!("chain/k{i}/kustomization.yaml"),
            &format!("resources: [../k{}]\nnamePrefix: p-\n", i + 1),
        );
    }
    // Layers that each include both folders of the next: 2^40 builds, if nothing stopped it.
    for i in 0..40 {
        for side in ["a", "b"] {
            write(
                dir.path(),
                &format!("dag/k{i}{side}/kustomization.yaml"),
                &format!("resources: [../k{}a, ../k{}b]\n", i + 1, i + 1),
            );
        }
    }
    let started = std::time::Instant::now();
    let report = json(&run_in(
        dir.path(),
        &["check", "--format", "json", "chain/k0", "dag/k0a"],
    ));
    // A guard against a hang (2^40 builds never end), not a speed measure: generous enough
    // for a loaded CI machine (it takes a few seconds in a debug build).
    assert!(started.elapsed() < std::time::Duration::from_secs(120));
    let messages: Vec<&str> = findings_of(&report)
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("nests kustomizations more than 64 deep")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("builds more than 10000 kustomizations")),
        "{messages:#?}"
    );
}

/// A rendered Helm stream (`helm template shop ./shop | fargate-lint check -`, written by hand
/// as helm writes it): each finding names the chart's template its document came from, and
/// `--stdin-filename` names the stream.
#[test]
fn a_rendered_helm_stream_names_each_findings_template() {
    let stream = std::fs::read_to_string(root().join("testdata/helm/rendered.yaml"))
        .expect("the rendered stream");
    let run = |format: &str| {
        command()
            .current_dir(root())
            .args([
                "check",
                "--cluster",
                "testdata/kustomize/checkout-cluster.yaml",
                "--stdin-filename",
                "rendered/shop.yaml",
                "--color",
                "never",
                "--format",
                format,
                "-",
            ])
            .write_stdin(stream.as_str())
            .output()
            .expect("the binary runs")
    };
    let json_out = run("json");
    let report = json(&json_out);
    let privileged = finding(&report, "FL203", "rendered/shop.yaml");
    assert_eq!(privileged.len(), 1, "{report:#}");
    assert_eq!(
        privileged[0]["source_template"], "shop/templates/agent.yaml",
        "{report:#}"
    );
    assert!(
        privileged[0]["message"]
            .as_str()
            .is_some_and(|m| m.ends_with("(rendered from shop/templates/agent.yaml)")),
        "{report:#}"
    );
    insta::assert_snapshot!("helm_stream_json", stdout(&json_out));
    insta::assert_snapshot!("helm_stream_human", stdout(&run("human")));
    let sarif = json(&run("sarif"));
    let templates: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["ruleId"] == "FL203")
        .filter_map(|r| r["properties"]["sourceTemplate"].as_str())
        .collect();
    assert_eq!(templates, ["shop/templates/agent.yaml"], "{sarif:#}");
    // predict names the template of each workload of the stream.
    let predicted = command()
        .current_dir(root())
        .args([
            "predict",
            "--cluster",
            "testdata/kustomize/checkout-cluster.yaml",
            "--stdin-filename",
            "rendered/shop.yaml",
            "--format",
            "json",
            "-",
        ])
        .write_stdin(stream.as_str())
        .output()
        .expect("the binary runs");
    let predicted = json(&predicted);
    let templates: Vec<(&str, &str)> = predicted["workloads"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|w| {
            (
                w["name"].as_str().unwrap_or(""),
                w["source_template"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        templates,
        [
            ("shop-checkout", "shop/templates/deployment.yaml"),
            ("shop-agent", "shop/templates/agent.yaml"),
            (
                "shop-test-connection",
                "shop/templates/tests/test-connection.yaml"
            ),
        ],
        "{predicted:#}"
    );
}

/// An editor's unsaved buffer of a kustomization (`--stdin-filename k/kustomization.yaml -`)
/// checked with its folder on disk: two inputs of one display path. Each is read from its
/// own text: the buffer's key written twice is FL005 at the buffer, not hidden behind the
/// file on disk, which has it once.
#[test]
fn a_kustomization_on_stdin_and_on_disk_are_each_read_from_their_own_text() {
    let dir = tempfile::tempdir().expect("a folder");
    let k = dir.path().join("k");
    std::fs::create_dir_all(&k).expect("k/");
    std::fs::write(
        k.join("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - app.yaml\n",
    )
    .expect("the file on disk");
    std::fs::write(
        k.join("app.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n",
    )
    .expect("app.yaml");
    let buffer = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - app.yaml\nresources:\n  - app.yaml\n";
    let run = |args: &[&str]| {
        let out = command()
            .current_dir(dir.path())
            .args([
                "check",
                "--format",
                "json",
                "--stdin-filename",
                "k/kustomization.yaml",
            ])
            .args(args)
            .write_stdin(buffer)
            .output()
            .expect("the binary runs");
        let report = json(&out);
        finding(&report, "FL005", "k/kustomization.yaml")
            .iter()
            .map(|f| f["line"].as_u64().unwrap_or(0))
            .collect::<Vec<_>>()
    };
    assert_eq!(run(&["-"]), [5], "the buffer alone");
    assert_eq!(run(&["-", "k"]), [5], "the buffer beside its folder");
}
