//! The realistic corpus the benchmarks read: Kubernetes manifests of every common workload
//! kind (1-3 KB, often several documents per file, in namespace/app folders), Services,
//! PersistentVolumeClaims, a share of the apps as Kustomize bases with two overlays each, and
//! one eksctl ClusterConfig with a managed node group and 10 Fargate profiles. Deterministic: the same
//! seed gives byte-for-byte the same files on every machine. This file owns what is
//! generated; where it goes (a folder, memory) is the caller's choice.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// `writeln!` into a `String`; formatting into a `String` cannot fail, and the templates below
/// read better without a `?` or `expect` on every line.
macro_rules! ln {
    ($out:expr, $($arg:tt)*) => {
        writeln!($out, $($arg)*).expect("formatting into a String cannot fail")
    };
}

/// Fixed so that every run, on every machine, reads byte-for-byte the same corpus.
pub const SEED: u64 = 0x00fa_59a7_e11e_57ed;

/// SplitMix64: a few lines, seeded, and the same everywhere, so no `rand` dependency.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// `0..n`; the modulo bias is irrelevant for picking test data.
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index skewed toward the start: real requests are mostly small.
    fn small_index(&mut self, n: usize) -> usize {
        self.below(n).min(self.below(n))
    }
}

/// What was generated, for the benchmarks to report next to their timings.
#[derive(Default)]
pub struct Corpus {
    pub files: usize,
    pub bytes: u64,
    pub documents: usize,
    pub kinds: BTreeMap<&'static str, usize>,
    /// Every file's path relative to the corpus root, in the order generated.
    pub paths: Vec<PathBuf>,
}

/// The files of one app built through Kustomize: its manifest and kustomization in `base/`,
/// and `overlays/prod` (kustomization and a patch) and `overlays/staging` (kustomization).
const KUSTOMIZE_APP_FILES: usize = 5;
/// The share of draws that make a Kustomize app rather than one plain file: about a fifth of
/// the files and a tenth of the workloads (each built twice, once per overlay).
const KUSTOMIZE_APP_PERCENT: usize = 5;

/// The namespaces workloads live in. The ClusterConfig's profiles cover some fully, some only
/// by label, some by wildcard; `legacy` and most of `prod` are left to the node group.
const NAMESPACES: &[&str] = &[
    "default",
    "kube-system",
    "team-payments",
    "team-search",
    "team-checkout",
    "team-identity",
    "web",
    "batch",
    "prod",
    "staging",
    "dev",
    "data-lake",
    "data-stream",
    "monitoring",
    "ml-training",
    "legacy",
];
const APPS: &[&str] = &[
    "cart",
    "checkout",
    "search",
    "auth",
    "billing",
    "catalog",
    "inventory",
    "orders",
    "payments",
    "profile",
    "recommend",
    "shipping",
    "notify",
    "report",
    "ingest",
    "export",
    "ledger",
    "pricing",
    "media",
    "gateway",
];
const MONITORING_APPS: &[&str] = &[
    "prometheus",
    "prom-exporter",
    "grafana",
    "alertmanager",
    "loki",
    "fluent-bit",
];
const ROLES: &[&str] = &[
    "api",
    "worker",
    "web",
    "sync",
    "processor",
    "consumer",
    "scheduler",
    "cache",
    "indexer",
];
const TEAMS: &[&str] = &[
    "payments", "search", "checkout", "identity", "platform", "data",
];
const PROFILES: &[&str] = &[
    "fp-default",
    "fp-teams",
    "fp-web",
    "fp-web-backend",
    "fp-batch",
    "fp-prod",
    "fp-staging",
    "fp-data",
    "fp-monitoring",
    "fp-ml",
];
const CPU: &[&str] = &[
    "50m", "100m", "200m", "250m", "500m", "750m", "1", "1500m", "2", "3", "4", "8", "16", "24",
];
const MEMORY: &[&str] = &[
    "64Mi", "128Mi", "256Mi", "512Mi", "768Mi", "1Gi", "1536Mi", "2Gi", "3Gi", "4Gi", "8Gi",
    "16Gi", "30Gi", "64Gi", "128Gi",
];
const SIDECARS: &[&str] = &["proxy", "log-shipper", "metrics"];
/// Environment variables; `DATABASE_PASSWORD` and `POD_IP` are written as references.
const ENV: &[(&str, &str)] = &[
    ("LOG_LEVEL", "info"),
    ("PORT", "\"8080\""),
    ("DATABASE_PASSWORD", ""),
    ("AWS_REGION", "us-east-1"),
    ("REDIS_HOST", "redis.cache.svc.cluster.local"),
    (
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "http://otel-collector.monitoring:4317",
    ),
    ("POD_IP", ""),
    ("JAVA_OPTS", "\"-XX:MaxRAMPercentage=75 -XX:+UseG1GC\""),
    ("GOMAXPROCS", "\"2\""),
    ("UPSTREAM_URL", "https://api.internal.acme.example/v2"),
    ("ENABLE_TRACING", "\"true\""),
];
const DOCKER_HUB: &[&str] = &[
    "nginx:1.27-alpine",
    "redis:7.2",
    "postgres:16.3",
    "bitnami/kafka:3.7",
    "busybox:1.36",
    "python:3.12-slim",
    "node:20-alpine",
    "grafana/grafana:11.1.0",
    "prom/prometheus:v2.53.0",
    "docker.io/library/golang:1.22",
    "envoyproxy/envoy:v1.30.2",
    "amazon/aws-cli:2.17.0",
];
const ECR_PUBLIC: &[&str] = &[
    "public.ecr.aws/nginx/nginx:1.27",
    "public.ecr.aws/docker/library/redis:7.2",
    "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.2",
    "public.ecr.aws/bitnami/postgresql:16",
];
const OTHER_REGISTRIES: &[&str] = &[
    "ghcr.io/acme/tools:2024.06",
    "quay.io/prometheus/node-exporter:v1.8.1",
    "registry.k8s.io/pause:3.9",
];

/// Writes the corpus of [`generate`] under `dir`.
pub fn write_corpus(dir: &Path, files: usize, seed: u64) -> Result<Corpus, String> {
    generate(files, seed, |path, text| {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    })
}

/// The corpus of [`generate`] in memory: each file's relative path and text, in the order
/// they were generated (the ClusterConfig first).
pub fn in_memory(files: usize, seed: u64) -> Result<(Corpus, Vec<(PathBuf, String)>), String> {
    let mut out = Vec::with_capacity(files + 1);
    let corpus = generate(files, seed, |path, text| {
        out.push((path, text));
        Ok(())
    })?;
    Ok((corpus, out))
}

/// Generates `files` manifest and Kustomize files (in namespace/app folders, as a real
/// repository would) plus `clusters/prod.yaml`, hands each to `sink` with its path relative to the corpus root,
/// and counts what was generated. Stops at the first error of `sink`.
pub fn generate(
    files: usize,
    seed: u64,
    mut sink: impl FnMut(PathBuf, String) -> Result<(), String>,
) -> Result<Corpus, String> {
    let mut rng = Rng(seed);
    let mut corpus = Corpus::default();
    let mut emit = |path: PathBuf, file: ManifestFile, corpus: &mut Corpus| {
        corpus.files += 1;
        corpus.bytes += file.text.len() as u64;
        corpus.documents += file.documents;
        for kind in &file.kinds {
            *corpus.kinds.entry(kind).or_default() += 1;
        }
        corpus.paths.push(path.clone());
        sink(path, file.text)
    };

    let cluster = ManifestFile {
        text: cluster_config(),
        documents: 1,
        kinds: vec!["ClusterConfig"],
    };
    emit(
        Path::new("clusters").join("prod.yaml"),
        cluster,
        &mut corpus,
    )?;

    let mut index = 0;
    while index < files {
        if files - index >= KUSTOMIZE_APP_FILES && rng.percent(KUSTOMIZE_APP_PERCENT) {
            for (path, file) in kustomize_app(&mut rng, index) {
                emit(path, file, &mut corpus)?;
            }
            index += KUSTOMIZE_APP_FILES;
            continue;
        }
        let this = index;
        index += 1;
        let namespace = *rng.pick(NAMESPACES);
        let app = if namespace == "monitoring" {
            *rng.pick(MONITORING_APPS)
        } else {
            *rng.pick(APPS)
        };
        let name = format!("{app}-{}-{this:05}", rng.pick(ROLES));
        let mut file = ManifestFile::default();
        if rng.percent(40) {
            file.header(&mut rng);
        }
        let shape = rng.below(100);
        // DaemonSets are mostly node agents in system namespaces, whatever was drawn.
        let namespace = match shape {
            70..=73 => *rng.pick(&["kube-system", "monitoring", namespace]),
            _ => namespace,
        };
        let w = Workload::new(&mut rng, &name, app, namespace);
        match shape {
            0..=41 => {
                // A claim of its own, written next to it: EFS, EBS (which Fargate cannot
                // mount) or the default class.
                let claim = rng.percent(10);
                file.deployment(&mut rng, &w, claim);
                if claim {
                    file.persistent_volume_claim(&mut rng, &w);
                }
                if rng.percent(50) {
                    file.service(&mut rng, &w, false);
                }
                if rng.percent(20) {
                    file.config_map(&mut rng, &w);
                }
            }
            42..=49 => {
                if rng.percent(60) {
                    file.service(&mut rng, &w, true);
                }
                file.stateful_set(&mut rng, &w);
            }
            50..=56 => file.job(&mut rng, &w),
            57..=63 => file.cron_job(&mut rng, &w),
            64..=69 => file.pod(&mut rng, &w),
            70..=73 => file.daemon_set(&mut rng, &w),
            74..=87 => {
                // Service-only files: a few per file, as when a chart's services are split out.
                for n in 0..rng.range(2, 4) {
                    let w = Workload::new(&mut rng, &format!("{name}-{n}"), app, namespace);
                    file.service(&mut rng, &w, false);
                }
            }
            _ => {
                file.config_map(&mut rng, &w);
                if rng.percent(30) {
                    file.config_map(&mut rng, &w);
                }
            }
        }
        let extension = if rng.percent(15) { "yml" } else { "yaml" };
        let path = Path::new(namespace)
            .join(app)
            .join(format!("{name}.{extension}"));
        emit(path, file, &mut corpus)?;
    }
    Ok(corpus)
}

/// The [`KUSTOMIZE_APP_FILES`] files of one app built through Kustomize, as most repositories
/// lay them out: a base of a Deployment (and often its Service) or a CronJob without a
/// namespace, and two overlays that set the namespace and labels; `prod` also patches the
/// main container's resources and, for a Deployment, the replicas.
fn kustomize_app(rng: &mut Rng, index: usize) -> Vec<(PathBuf, ManifestFile)> {
    let namespace = *rng.pick(NAMESPACES);
    let app = *rng.pick(APPS);
    let name = format!("{app}-{}-{index:05}", rng.pick(ROLES));
    let mut w = Workload::new(rng, &name, app, namespace);
    w.namespace = None;
    let cron = rng.percent(25);
    let mut manifest = ManifestFile::default();
    if cron {
        manifest.cron_job(rng, &w);
    } else {
        manifest.deployment(rng, &w, false);
        if rng.percent(60) {
            manifest.service(rng, &w, false);
        }
    }
    let kustomization = |text: String| ManifestFile {
        text: format!("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n{text}"),
        documents: 1,
        kinds: vec!["Kustomization"],
    };
    let base = kustomization(format!(
        "resources:\n  - {name}.yaml\nlabels:\n  - pairs:\n      app.kubernetes.io/managed-by: kustomize\n"
    ));
    let fargate = if rng.percent(30) {
        "\n  compute: fargate"
    } else {
        ""
    };
    let replicas = if cron {
        String::new()
    } else {
        format!(
            "replicas:\n  - name: {name}\n    count: {}\n",
            rng.pick(&[2, 3, 6])
        )
    };
    let prod = kustomization(format!(
        "namespace: {namespace}\nresources:\n  - ../../base\ncommonLabels:\n  env: prod{fargate}\n\
         {replicas}patches:\n  - path: resources.yaml\n"
    ));
    let (kind, api_version, pad) = if cron {
        ("CronJob", "batch/v1", "        ")
    } else {
        ("Deployment", "apps/v1", "    ")
    };
    let mut patch =
        format!("apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: {name}\nspec:\n");
    if cron {
        patch.push_str("  jobTemplate:\n    spec:\n      template:\n        spec:\n");
    } else {
        patch.push_str("  template:\n    spec:\n");
    }
    let cpu = CPU[rng.small_index(CPU.len())];
    let memory = MEMORY[rng.small_index(MEMORY.len())];
    ln!(patch, "{pad}  containers:");
    ln!(patch, "{pad}    - name: {app}");
    ln!(patch, "{pad}      resources:");
    ln!(patch, "{pad}        requests:");
    ln!(patch, "{pad}          cpu: {cpu}");
    ln!(patch, "{pad}          memory: {memory}");
    let patch = ManifestFile {
        text: patch,
        documents: 1,
        kinds: vec!["Kustomize patch"],
    };
    let staging = kustomization(
        "namespace: staging\nresources:\n  - ../../base\ncommonLabels:\n  env: staging\n"
            .to_string(),
    );
    let root = Path::new(namespace).join(app).join(&name);
    vec![
        (root.join("base").join(format!("{name}.yaml")), manifest),
        (root.join("base").join("kustomization.yaml"), base),
        (root.join("overlays/prod/kustomization.yaml"), prod),
        (root.join("overlays/prod/resources.yaml"), patch),
        (root.join("overlays/staging/kustomization.yaml"), staging),
    ]
}

/// One eksctl ClusterConfig: a managed node group (so unmatched pods land on EC2, not
/// Pending) and 10 Fargate profiles, the default quota, with exact, label and wildcard
/// selectors that overlap in places (`team-*` with `workload: batch`).
fn cluster_config() -> String {
    "\
# Production cluster. Fargate for the stateless teams, a managed node group for the rest.
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig

metadata:
  name: prod
  region: us-east-1
  version: \"1.30\"
  tags:
    owner: platform

vpc:
  subnets:
    private:
      us-east-1a: { id: subnet-0a1b2c3d4e5f60001 }
      us-east-1b: { id: subnet-0a1b2c3d4e5f60002 }
      us-east-1c: { id: subnet-0a1b2c3d4e5f60003 }

iam:
  withOIDC: true

managedNodeGroups:
  - name: mng-general
    instanceType: m6i.xlarge
    minSize: 2
    maxSize: 10
    desiredCapacity: 3
    privateNetworking: true
    labels:
      role: general
    iam:
      withAddonPolicies:
        cloudWatch: true

fargateProfiles:
  - name: fp-default
    selectors:
      - namespace: default
      - namespace: kube-system
        labels:
          k8s-app: kube-dns
  - name: fp-teams
    podExecutionRoleARN: arn:aws:iam::123456789012:role/eks-fargate-teams
    selectors:
      - namespace: team-*
  - name: fp-web
    selectors:
      - namespace: web
        labels:
          tier: frontend
  - name: fp-web-backend
    selectors:
      - namespace: web
        labels:
          tier: backend
  - name: fp-batch
    selectors:
      - namespace: batch
      - namespace: team-*
        labels:
          workload: batch
  - name: fp-prod
    podExecutionRoleARN: arn:aws:iam::123456789012:role/eks-fargate-prod
    selectors:
      - namespace: prod
        labels:
          compute: fargate
  - name: fp-staging
    selectors:
      - namespace: staging
      - namespace: dev
        labels:
          env: dev
  - name: fp-data
    selectors:
      - namespace: data-*
        labels:
          team: data
  - name: fp-monitoring
    selectors:
      - namespace: monitoring
        labels:
          app: prom*
  - name: fp-ml
    subnets:
      - subnet-0a1b2c3d4e5f60001
      - subnet-0a1b2c3d4e5f60002
    selectors:
      - namespace: ml-*
        labels:
          compute: fargate
          size: large
    tags:
      cost-center: ml
"
    .to_string()
}

/// What the documents of one workload share: its name, namespace and labels.
struct Workload {
    name: String,
    /// `None` in some files: the namespace then comes from `--namespace` (default `default`).
    namespace: Option<&'static str>,
    labels: Vec<(&'static str, String)>,
}

impl Workload {
    fn new(rng: &mut Rng, name: &str, app: &str, namespace: &'static str) -> Workload {
        let mut labels = vec![("app", app.to_string())];
        let tier = match namespace {
            "web" => *rng.pick(&["frontend", "frontend", "backend"]),
            _ => *rng.pick(&["frontend", "backend", "backend", "worker"]),
        };
        labels.push(("tier", tier.to_string()));
        let env = match namespace {
            "dev" if rng.percent(80) => "dev",
            "staging" => "staging",
            _ => *rng.pick(&["prod", "prod", "staging", "dev"]),
        };
        labels.push(("env", env.to_string()));
        let team = if namespace.starts_with("data-") && rng.percent(75) {
            "data"
        } else {
            *rng.pick(TEAMS)
        };
        labels.push(("team", team.to_string()));
        let fargate_share = match namespace {
            "prod" | "ml-training" => 45,
            _ => 5,
        };
        if rng.percent(fargate_share) {
            labels.push(("compute", "fargate".to_string()));
        }
        if namespace == "ml-training" && rng.percent(50) {
            labels.push(("size", "large".to_string()));
        }
        if namespace.starts_with("team-") && rng.percent(20) {
            labels.push(("workload", "batch".to_string()));
        }
        if rng.percent(30) {
            labels.push(("app.kubernetes.io/part-of", "shop".to_string()));
        }
        if rng.percent(25) {
            labels.push((
                "version",
                format!("\"v{}.{}\"", rng.below(4), rng.below(20)),
            ));
        }
        if rng.percent(1) {
            // An unquoted YAML 1.1 boolean, as real repositories have now and then (FL003).
            labels.push(("canary", "yes".to_string()));
        }
        let namespace = (!rng.percent(12)).then_some(namespace);
        Workload {
            name: name.to_string(),
            namespace,
            labels,
        }
    }
}

/// One file being written: its text, how many documents it has, and their kinds.
#[derive(Default)]
struct ManifestFile {
    text: String,
    documents: usize,
    kinds: Vec<&'static str>,
}

impl ManifestFile {
    fn header(&mut self, rng: &mut Rng) {
        let header = *rng.pick(&[
            "# Managed by the platform team. Changes go through review in #platform.\n",
            "# Copyright 2024 Acme Corp.\n#\n# Licensed under the Apache License, Version 2.0 \
             (the \"License\");\n# you may not use this file except in compliance with the \
             License.\n\n",
            "# Generated by kustomize; edit the base, not this file.\n",
        ]);
        self.text.push_str(header);
    }

    /// Starts a document: `---` between documents, sometimes before the first one too.
    fn begin(&mut self, rng: &mut Rng, kind: &'static str, api_version: &str) {
        if self.documents > 0 || rng.percent(20) {
            self.text.push_str("---\n");
        }
        self.documents += 1;
        self.kinds.push(kind);
        ln!(self.text, "apiVersion: {api_version}");
        ln!(self.text, "kind: {kind}");
    }

    /// `metadata` with the workload's labels, `annotations` and, now and then, an owner.
    fn metadata(&mut self, rng: &mut Rng, w: &Workload, name: &str, annotations: &[String]) {
        let out = &mut self.text;
        ln!(out, "metadata:");
        ln!(out, "  name: {name}");
        if let Some(ns) = w.namespace {
            ln!(out, "  namespace: {ns}");
        }
        ln!(out, "  labels:");
        for (key, value) in &w.labels {
            ln!(out, "    {key}: {value}");
        }
        let mut annotations = annotations.to_vec();
        if rng.percent(20) {
            annotations.push(format!("owner: {}@acme.example", rng.pick(TEAMS)));
        }
        if !annotations.is_empty() {
            ln!(out, "  annotations:");
            for annotation in annotations {
                ln!(out, "    {annotation}");
            }
        }
    }

    /// `claim`: mounts the claim `NAME-data` of [`Self::persistent_volume_claim`].
    fn deployment(&mut self, rng: &mut Rng, w: &Workload, claim: bool) {
        self.begin(rng, "Deployment", "apps/v1");
        self.metadata(rng, w, &w.name, &[]);
        let out = &mut self.text;
        ln!(out, "spec:");
        ln!(out, "  replicas: {}", rng.pick(&[1, 2, 2, 3, 3, 4, 6, 10]));
        if rng.percent(30) {
            ln!(out, "  revisionHistoryLimit: 5");
        }
        selector(out, w, "  ");
        if rng.percent(35) {
            ln!(out, "  strategy:");
            ln!(out, "    type: RollingUpdate");
            ln!(out, "    rollingUpdate:");
            ln!(out, "      maxSurge: 25%");
            ln!(out, "      maxUnavailable: 0");
        }
        ln!(out, "  template:");
        let options = PodOptions {
            claim,
            ..PodOptions::default()
        };
        pod_template(out, rng, w, "    ", options);
    }

    /// The claim `NAME-data` of a workload.
    fn persistent_volume_claim(&mut self, rng: &mut Rng, w: &Workload) {
        self.begin(rng, "PersistentVolumeClaim", "v1");
        self.metadata(rng, w, &format!("{}-data", w.name), &[]);
        let out = &mut self.text;
        ln!(out, "spec:");
        // No class means EBS gp2 on EKS, which Fargate cannot mount, as gp3 is.
        match rng.below(3) {
            0 => {
                ln!(out, "  accessModes: [\"ReadWriteMany\"]");
                ln!(out, "  storageClassName: efs-sc");
            }
            1 => {
                ln!(out, "  accessModes: [\"ReadWriteOnce\"]");
                ln!(out, "  storageClassName: gp3");
            }
            _ => ln!(out, "  accessModes: [\"ReadWriteOnce\"]"),
        }
        ln!(out, "  resources:");
        ln!(out, "    requests:");
        ln!(out, "      storage: {}Gi", rng.pick(&[1, 5, 20, 100]));
    }

    fn stateful_set(&mut self, rng: &mut Rng, w: &Workload) {
        self.begin(rng, "StatefulSet", "apps/v1");
        self.metadata(rng, w, &w.name, &[]);
        let out = &mut self.text;
        ln!(out, "spec:");
        ln!(out, "  serviceName: {}-headless", w.name);
        ln!(out, "  replicas: {}", rng.pick(&[1, 3, 3, 5]));
        selector(out, w, "  ");
        ln!(out, "  template:");
        pod_template(
            out,
            rng,
            w,
            "    ",
            PodOptions {
                data_mount: true,
                ..PodOptions::default()
            },
        );
        ln!(out, "  volumeClaimTemplates:");
        ln!(out, "    - metadata:");
        ln!(out, "        name: data");
        ln!(out, "      spec:");
        ln!(out, "        accessModes: [\"ReadWriteOnce\"]");
        // No class means EBS gp2 on EKS, which Fargate cannot mount: a realistic finding.
        match rng.below(3) {
            0 => ln!(out, "        storageClassName: gp3"),
            1 => ln!(out, "        storageClassName: efs-sc"),
            _ => {}
        }
        ln!(out, "        resources:");
        ln!(out, "          requests:");
        ln!(
            out,
            "            storage: {}Gi",
            rng.pick(&[1, 5, 10, 20, 50, 100])
        );
    }

    fn job(&mut self, rng: &mut Rng, w: &Workload) {
        self.begin(rng, "Job", "batch/v1");
        self.metadata(rng, w, &w.name, &[]);
        let out = &mut self.text;
        ln!(out, "spec:");
        ln!(out, "  backoffLimit: {}", rng.range(0, 6));
        if rng.percent(50) {
            ln!(out, "  ttlSecondsAfterFinished: 3600");
        }
        ln!(out, "  template:");
        let options = PodOptions {
            restart_policy: Some("Never"),
            ..PodOptions::default()
        };
        pod_template(out, rng, w, "    ", options);
    }

    fn cron_job(&mut self, rng: &mut Rng, w: &Workload) {
        self.begin(rng, "CronJob", "batch/v1");
        self.metadata(rng, w, &w.name, &[]);
        let out = &mut self.text;
        ln!(out, "spec:");
        ln!(
            out,
            "  schedule: \"{}\"",
            rng.pick(&["*/5 * * * *", "0 * * * *", "30 2 * * *", "0 6 * * 1"])
        );
        ln!(out, "  concurrencyPolicy: Forbid");
        ln!(out, "  successfulJobsHistoryLimit: 3");
        ln!(out, "  jobTemplate:");
        ln!(out, "    spec:");
        ln!(out, "      template:");
        let options = PodOptions {
            restart_policy: Some("OnFailure"),
            ..PodOptions::default()
        };
        pod_template(out, rng, w, "        ", options);
    }

    fn pod(&mut self, rng: &mut Rng, w: &Workload) {
        self.begin(rng, "Pod", "v1");
        // A bare Pod carries the annotations of a pod template on its own metadata.
        let annotations = pod_annotations(rng, w);
        self.metadata(rng, w, &w.name, &annotations);
        let out = &mut self.text;
        ln!(out, "spec:");
        let options = PodOptions {
            restart_policy: Some("Always"),
            ..PodOptions::default()
        };
        pod_spec(out, rng, w, "  ", options);
    }

    fn daemon_set(&mut self, rng: &mut Rng, w: &Workload) {
        self.begin(rng, "DaemonSet", "apps/v1");
        self.metadata(rng, w, &w.name, &[]);
        let out = &mut self.text;
        ln!(out, "spec:");
        selector(out, w, "  ");
        ln!(out, "  updateStrategy:");
        ln!(out, "    type: RollingUpdate");
        ln!(out, "  template:");
        pod_template(
            out,
            rng,
            w,
            "    ",
            PodOptions {
                agent: true,
                ..PodOptions::default()
            },
        );
    }

    fn service(&mut self, rng: &mut Rng, w: &Workload, headless: bool) {
        self.begin(rng, "Service", "v1");
        let name = if headless {
            format!("{}-headless", w.name)
        } else {
            w.name.clone()
        };
        let load_balancer = !headless && rng.percent(20);
        let mut annotations = Vec::new();
        if load_balancer {
            // Instance targets (the default) cannot reach Fargate pods: half get `ip`.
            let targets = if rng.percent(50) { "ip" } else { "instance" };
            annotations.extend([
                "service.beta.kubernetes.io/aws-load-balancer-type: external".to_string(),
                format!("service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: {targets}"),
                "service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing".to_string(),
            ]);
        }
        self.metadata(rng, w, &name, &annotations);
        let out = &mut self.text;
        ln!(out, "spec:");
        if headless {
            ln!(out, "  clusterIP: None");
        } else {
            ln!(
                out,
                "  type: {}",
                if load_balancer {
                    "LoadBalancer"
                } else {
                    "ClusterIP"
                }
            );
        }
        ln!(out, "  selector:");
        ln!(out, "    app: {}", w.labels[0].1);
        ln!(out, "  ports:");
        let port = *rng.pick(&[80, 443, 8080, 9090, 5432, 6379]);
        ln!(
            out,
            "    - name: {}",
            if port == 443 { "https" } else { "http" }
        );
        ln!(out, "      port: {port}");
        ln!(
            out,
            "      targetPort: {}",
            rng.pick(&[8080, 8443, 3000, 9090])
        );
        ln!(out, "      protocol: TCP");
        if rng.percent(30) {
            ln!(out, "    - name: metrics");
            ln!(out, "      port: 9100");
            ln!(out, "      targetPort: metrics");
        }
    }

    fn config_map(&mut self, rng: &mut Rng, w: &Workload) {
        self.begin(rng, "ConfigMap", "v1");
        let name = format!("{}-config-{}", w.name, self.documents);
        self.metadata(rng, w, &name, &[]);
        let out = &mut self.text;
        ln!(out, "data:");
        ln!(out, "  LOG_LEVEL: {}", rng.pick(&["info", "debug", "warn"]));
        ln!(out, "  FEATURE_FLAGS: \"checkout-v2,fast-search\"");
        ln!(
            out,
            "  CACHE_TTL_SECONDS: \"{}\"",
            rng.pick(&[30, 60, 300, 3600])
        );
        // A literal block, as configuration files are embedded in real ConfigMaps.
        ln!(out, "  application.properties: |");
        for n in 0..rng.range(5, 25) {
            ln!(
                out,
                "    {}.{}.setting{n}={}",
                w.labels[0].1,
                rng.pick(&["http", "db", "cache", "queue", "auth"]),
                rng.range(1, 100_000)
            );
        }
    }
}

fn selector(out: &mut String, w: &Workload, pad: &str) {
    ln!(out, "{pad}selector:");
    ln!(out, "{pad}  matchLabels:");
    ln!(out, "{pad}    app: {}", w.labels[0].1);
    ln!(out, "{pad}    tier: {}", w.labels[1].1);
}

#[derive(Default, Clone, Copy)]
struct PodOptions {
    restart_policy: Option<&'static str>,
    /// Mount the StatefulSet's `data` claim.
    data_mount: bool,
    /// A volume `data` of the claim `NAME-data`, mounted like the other volumes.
    claim: bool,
    /// A node agent: host paths and host network are usual.
    agent: bool,
}

/// A pod template (`metadata` + `spec`) whose keys start at `pad`.
fn pod_template(out: &mut String, rng: &mut Rng, w: &Workload, pad: &str, options: PodOptions) {
    ln!(out, "{pad}metadata:");
    ln!(out, "{pad}  labels:");
    for (key, value) in &w.labels {
        ln!(out, "{pad}    {key}: {value}");
    }
    let annotations = pod_annotations(rng, w);
    if !annotations.is_empty() {
        ln!(out, "{pad}  annotations:");
        for annotation in annotations {
            ln!(out, "{pad}    {annotation}");
        }
    }
    ln!(out, "{pad}spec:");
    pod_spec(out, rng, w, &format!("{pad}  "), options);
}

/// Pod annotations that decide or question a placement, and a common unrelated one.
fn pod_annotations(rng: &mut Rng, w: &Workload) -> Vec<String> {
    let mut annotations = Vec::new();
    if rng.percent(5) {
        annotations.push(format!(
            "eks.amazonaws.com/fargate-profile: {}",
            rng.pick(PROFILES)
        ));
    }
    if rng.percent(3) {
        annotations.push("eks.amazonaws.com/compute-type: ec2".to_string());
    }
    if rng.percent(2) {
        annotations.push(format!(
            "iam.amazonaws.com/role: arn:aws:iam::123456789012:role/{}",
            w.labels[0].1
        ));
    }
    if rng.percent(20) {
        annotations.push("prometheus.io/scrape: \"true\"".to_string());
    }
    if rng.percent(2) {
        annotations.push("fargate-lint.io/ignore: \"FL201 # vendor image, reviewed\"".to_string());
    }
    annotations
}

/// A pod spec whose keys start at `pad`.
fn pod_spec(out: &mut String, rng: &mut Rng, w: &Workload, pad: &str, options: PodOptions) {
    let app = w.labels[0].1.as_str();
    if rng.percent(50) {
        ln!(out, "{pad}serviceAccountName: {app}");
    }
    if let Some(policy) = options.restart_policy {
        ln!(out, "{pad}restartPolicy: {policy}");
    }
    if rng.percent(1) {
        ln!(out, "{pad}schedulerName: fargate-scheduler");
    }
    if (options.agent && rng.percent(50)) || rng.percent(1) {
        ln!(out, "{pad}hostNetwork: true");
    }
    if rng.percent(10) {
        ln!(out, "{pad}nodeSelector:");
        let arch = if rng.percent(20) { "arm64" } else { "amd64" };
        ln!(out, "{pad}  kubernetes.io/arch: {arch}");
        ln!(out, "{pad}  kubernetes.io/os: linux");
    }
    if rng.percent(10) {
        ln!(out, "{pad}affinity:");
        ln!(out, "{pad}  podAntiAffinity:");
        ln!(
            out,
            "{pad}    preferredDuringSchedulingIgnoredDuringExecution:"
        );
        ln!(out, "{pad}      - weight: 100");
        ln!(out, "{pad}        podAffinityTerm:");
        ln!(
            out,
            "{pad}          topologyKey: topology.kubernetes.io/zone"
        );
        ln!(out, "{pad}          labelSelector:");
        ln!(out, "{pad}            matchLabels:");
        ln!(out, "{pad}              app: {app}");
    }
    if rng.percent(8) {
        ln!(out, "{pad}tolerations:");
        ln!(out, "{pad}  - key: dedicated");
        ln!(out, "{pad}    operator: Equal");
        ln!(out, "{pad}    value: batch");
        ln!(out, "{pad}    effect: NoSchedule");
    }
    if rng.percent(40) {
        ln!(out, "{pad}securityContext:");
        ln!(out, "{pad}  runAsNonRoot: true");
        ln!(out, "{pad}  runAsUser: {}", rng.pick(&[1000, 10001, 65532]));
        ln!(out, "{pad}  fsGroup: 2000");
    }

    // Volumes first, so that containers know what they may mount.
    let mut volumes: Vec<(&str, String)> = Vec::new();
    if rng.percent(30) {
        volumes.push((
            "config",
            format!("configMap:\n{pad}      name: {}-config", w.name),
        ));
    }
    if rng.percent(20) {
        volumes.push(("tmp", "emptyDir: {}".to_string()));
    }
    if rng.percent(15) {
        volumes.push(("tls", format!("secret:\n{pad}      secretName: {app}-tls")));
    }
    if (options.agent && rng.percent(70)) || rng.percent(2) {
        volumes.push(("varlog", format!("hostPath:\n{pad}      path: /var/log")));
    }
    if options.claim {
        volumes.push((
            "data",
            format!(
                "persistentVolumeClaim:\n{pad}      claimName: {}-data",
                w.name
            ),
        ));
    } else if !options.data_mount && rng.percent(4) {
        volumes.push((
            "data",
            format!("persistentVolumeClaim:\n{pad}      claimName: {app}-data"),
        ));
    }

    ln!(out, "{pad}containers:");
    let containers = match rng.below(100) {
        0..=74 => 1,
        75..=95 => 2,
        _ => 3,
    };
    let first_sidecar = rng.below(SIDECARS.len());
    for n in 0..containers {
        let name = if n == 0 {
            app.to_string()
        } else {
            SIDECARS[(first_sidecar + n - 1) % SIDECARS.len()].to_string()
        };
        container(
            out,
            rng,
            &name,
            app,
            pad,
            &volumes,
            options.data_mount && n == 0,
        );
    }

    if !volumes.is_empty() {
        ln!(out, "{pad}volumes:");
        for (name, source) in &volumes {
            ln!(out, "{pad}  - name: {name}");
            ln!(out, "{pad}    {source}");
        }
    }
}

fn container(
    out: &mut String,
    rng: &mut Rng,
    name: &str,
    app: &str,
    pad: &str,
    volumes: &[(&str, String)],
    data_mount: bool,
) {
    ln!(out, "{pad}  - name: {name}");
    ln!(out, "{pad}    image: {}", image(rng, app));
    if rng.percent(30) {
        ln!(out, "{pad}    imagePullPolicy: IfNotPresent");
    }
    if rng.percent(25) {
        ln!(
            out,
            "{pad}    args: [\"--port=8080\", \"--log-format=json\"]"
        );
    }
    ln!(out, "{pad}    ports:");
    ln!(
        out,
        "{pad}      - containerPort: {}",
        rng.pick(&[8080, 8443, 3000, 9090])
    );
    ln!(out, "{pad}        name: http");
    if rng.percent(1) {
        ln!(out, "{pad}        hostPort: 8080");
    }

    ln!(out, "{pad}    env:");
    // A run of distinct variables from a random start: names never repeat in a container.
    let start = rng.below(ENV.len());
    for i in 0..rng.range(1, 5) {
        let (key, value) = ENV[(start + i) % ENV.len()];
        ln!(out, "{pad}      - name: {key}");
        match key {
            "DATABASE_PASSWORD" => {
                ln!(out, "{pad}        valueFrom:");
                ln!(out, "{pad}          secretKeyRef:");
                ln!(out, "{pad}            name: {app}-db");
                ln!(out, "{pad}            key: password");
            }
            "POD_IP" => {
                ln!(out, "{pad}        valueFrom:");
                ln!(out, "{pad}          fieldRef:");
                ln!(out, "{pad}            fieldPath: status.podIP");
            }
            _ => ln!(out, "{pad}        value: {value}"),
        }
    }

    resources(out, rng, pad);

    if rng.percent(50) {
        for probe in ["readinessProbe", "livenessProbe"] {
            ln!(out, "{pad}    {probe}:");
            ln!(out, "{pad}      httpGet:");
            ln!(out, "{pad}        path: /healthz");
            ln!(out, "{pad}        port: http");
            ln!(
                out,
                "{pad}      initialDelaySeconds: {}",
                rng.pick(&[5, 10, 30])
            );
            ln!(out, "{pad}      periodSeconds: 10");
        }
    }

    ln!(out, "{pad}    securityContext:");
    match rng.below(100) {
        0..=1 => ln!(out, "{pad}      privileged: true"),
        2..=3 => ln!(out, "{pad}      allowPrivilegeEscalation: true"),
        4..=5 => {
            ln!(out, "{pad}      capabilities:");
            ln!(out, "{pad}        add: [\"NET_ADMIN\"]");
        }
        _ => {
            ln!(out, "{pad}      allowPrivilegeEscalation: false");
            ln!(out, "{pad}      readOnlyRootFilesystem: true");
            ln!(out, "{pad}      capabilities:");
            ln!(out, "{pad}        drop: [\"ALL\"]");
        }
    }

    let mounts: Vec<&str> = volumes
        .iter()
        .map(|(name, _)| *name)
        .filter(|_| rng.percent(80))
        .collect();
    if !mounts.is_empty() || data_mount {
        ln!(out, "{pad}    volumeMounts:");
        for name in mounts {
            ln!(out, "{pad}      - name: {name}");
            ln!(out, "{pad}        mountPath: /mnt/{name}");
        }
        if data_mount {
            ln!(out, "{pad}      - name: data");
            ln!(out, "{pad}        mountPath: /var/lib/data");
        }
    }
}

/// Requests and limits in the shapes seen in practice: none, requests only, equal, and
/// limits above requests; sizes skewed small with a tail past Fargate's 16 vCPU / 120 GB.
fn resources(out: &mut String, rng: &mut Rng, pad: &str) {
    let shape = rng.below(100);
    if shape < 12 {
        return;
    }
    let cpu = rng.small_index(CPU.len());
    let memory = rng.small_index(MEMORY.len());
    ln!(out, "{pad}    resources:");
    ln!(out, "{pad}      requests:");
    ln!(out, "{pad}        cpu: {}", CPU[cpu]);
    ln!(out, "{pad}        memory: {}", MEMORY[memory]);
    if rng.percent(5) {
        ln!(
            out,
            "{pad}        ephemeral-storage: {}Gi",
            rng.pick(&[1, 10, 30, 200])
        );
    }
    if shape < 37 {
        return;
    }
    let (cpu_limit, memory_limit) = if shape < 72 {
        (cpu, memory)
    } else {
        (
            rng.range(cpu, CPU.len() - 1),
            rng.range(memory, MEMORY.len() - 1),
        )
    };
    ln!(out, "{pad}      limits:");
    ln!(out, "{pad}        cpu: {}", CPU[cpu_limit]);
    ln!(out, "{pad}        memory: {}", MEMORY[memory_limit]);
    if rng.percent(1) {
        ln!(out, "{pad}        nvidia.com/gpu: 1");
    }
}

fn image(rng: &mut Rng, app: &str) -> String {
    let tag = format!("{}.{}.{}", rng.below(4), rng.below(30), rng.below(10));
    match rng.below(100) {
        0..=44 => {
            let region = rng.pick(&["us-east-1", "us-east-1", "eu-west-1"]);
            format!("123456789012.dkr.ecr.{region}.amazonaws.com/{app}:{tag}")
        }
        45..=54 => (*rng.pick(ECR_PUBLIC)).to_string(),
        55..=89 => (*rng.pick(DOCKER_HUB)).to_string(),
        90..=97 => (*rng.pick(OTHER_REGISTRIES)).to_string(),
        // An envsubst placeholder, as in repositories deployed by a pipeline (FL002).
        _ => format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/{app}:${{IMAGE_TAG}}"),
    }
}

/// Infrastructure files of the same cluster shape as [`cluster_config`], one module or
/// template each: a cluster, a node group, `profiles` Fargate profiles (exact, label and
/// wildcard selectors) and their pod execution role, as Terraform (a `.tf` file) and as a
/// CloudFormation template (YAML with short tags). For the parse throughput of those
/// formats, against the manifests' (`benches/engine.rs`). Deterministic.
pub fn infrastructure(files: usize, profiles: usize, seed: u64) -> (Vec<String>, Vec<String>) {
    let mut rng = Rng(seed);
    let mut terraform = Vec::with_capacity(files);
    let mut templates = Vec::with_capacity(files);
    for i in 0..files {
        let cluster = format!("{}-{i}", rng.pick(&["shop", "payments", "search", "data"]));
        let mut tf = String::new();
        ln!(
            tf,
            "variable \"cluster_name\" {{\n  default = \"{cluster}\"\n}}\n"
        );
        ln!(tf, "locals {{\n  labels = {{ team = \"t{i}\" }}\n}}\n");
        ln!(
            tf,
            "resource \"aws_eks_cluster\" \"main\" {{\n  name    = var.cluster_name\n  version = \"1.31\"\n  role_arn = \"arn:aws:iam::111122223333:role/{cluster}-cluster\"\n  vpc_config {{\n    subnet_ids = [\"subnet-0a1b2c3d\", \"subnet-4e5f6a7b\"]\n  }}\n}}\n"
        );
        ln!(
            tf,
            "resource \"aws_eks_node_group\" \"system\" {{\n  cluster_name    = aws_eks_cluster.main.name\n  node_group_name = \"system\"\n  node_role_arn   = \"arn:aws:iam::111122223333:role/{cluster}-nodes\"\n  subnet_ids      = [\"subnet-0a1b2c3d\"]\n}}\n"
        );
        ln!(
            tf,
            "resource \"aws_iam_role\" \"fargate\" {{\n  name = \"${{var.cluster_name}}-fargate\"\n  assume_role_policy = jsonencode({{\n    Statement = [{{\n      Effect    = \"Allow\"\n      Action    = \"sts:AssumeRole\"\n      Principal = {{ Service = \"eks-fargate-pods.amazonaws.com\" }}\n      Condition = {{ ArnLike = {{ \"aws:SourceArn\" = \"arn:aws:eks:eu-west-1:111122223333:fargateprofile/${{var.cluster_name}}/*\" }} }}\n    }}]\n  }})\n}}\n"
        );
        ln!(
            tf,
            "resource \"aws_iam_role_policy_attachment\" \"fargate\" {{\n  role       = aws_iam_role.fargate.name\n  policy_arn = \"arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy\"\n}}\n"
        );
        let mut cfn = String::new();
        ln!(
            cfn,
            "AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  ClusterName:\n    Type: String\n    Default: {cluster}\nResources:"
        );
        ln!(
            cfn,
            "  Cluster:\n    Type: AWS::EKS::Cluster\n    Properties:\n      Name: !Ref ClusterName\n      Version: \"1.31\"\n      RoleArn: arn:aws:iam::111122223333:role/{cluster}-cluster\n      ResourcesVpcConfig:\n        SubnetIds: [subnet-0a1b2c3d, subnet-4e5f6a7b]"
        );
        ln!(
            cfn,
            "  System:\n    Type: AWS::EKS::Nodegroup\n    Properties:\n      ClusterName: !Ref Cluster\n      NodeRole: arn:aws:iam::111122223333:role/{cluster}-nodes\n      Subnets: [subnet-0a1b2c3d]"
        );
        ln!(
            cfn,
            "  FargateRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal:\n              Service: !Sub eks-fargate-pods.${{AWS::URLSuffix}}\n            Action: sts:AssumeRole\n            Condition:\n              ArnLike:\n                aws:SourceArn: !Sub arn:${{AWS::Partition}}:eks:${{AWS::Region}}:${{AWS::AccountId}}:fargateprofile/${{ClusterName}}/*\n      ManagedPolicyArns:\n        - !Sub arn:${{AWS::Partition}}:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy"
        );
        for p in 0..profiles {
            let (namespace, label) = match rng.below(3) {
                0 => (format!("ns-{p}"), None),
                1 => (format!("jobs-{p}"), Some(("tier", "batch"))),
                _ => (format!("app-{p}-*"), Some(("team", "web"))),
            };
            ln!(
                tf,
                "resource \"aws_eks_fargate_profile\" \"p{p}\" {{\n  cluster_name           = aws_eks_cluster.main.name\n  fargate_profile_name   = \"fp-{p}\"\n  pod_execution_role_arn = aws_iam_role.fargate.arn\n  subnet_ids             = [\"subnet-0a1b2c3d\"]\n  selector {{\n    namespace = \"{namespace}\""
            );
            ln!(
                cfn,
                "  Profile{p}:\n    Type: AWS::EKS::FargateProfile\n    Properties:\n      ClusterName: !Ref Cluster\n      FargateProfileName: fp-{p}\n      PodExecutionRoleArn: !GetAtt FargateRole.Arn\n      Subnets: [subnet-0a1b2c3d]\n      Selectors:\n        - Namespace: \"{namespace}\""
            );
            if let Some((k, v)) = label {
                ln!(
                    tf,
                    "    labels    = merge(local.labels, {{ {k} = \"{v}\" }})"
                );
                ln!(
                    cfn,
                    "          Labels:\n            - Key: {k}\n              Value: {v}"
                );
            }
            ln!(tf, "  }}\n}}\n");
        }
        terraform.push(tf);
        templates.push(cfn);
    }
    (terraform, templates)
}
