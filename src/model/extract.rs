//! From the documents of one file to the facts of the model: clusters and profiles (eksctl,
//! EKS API JSON), workloads and their pods (Kubernetes), kustomizations. Runs per file, in
//! parallel; [`super::assemble`] joins the files afterwards.

use super::text::{self, Reader, is_placeholder};
use super::types::*;
use super::validate::{Invalid, ObjectShape, duplicate_keys, validate_object};
use crate::source::{ClusterId, FileId, Loc, WorkloadId};
use crate::yaml::{Document, NodeRef, ParsedFile, ScalarStyle};

/// A value the model needs that is a placeholder; checks that need it are partial (FL002).
#[derive(Debug, Clone, PartialEq)]
pub struct Unresolved {
    pub loc: Loc,
    /// What the value is, for the message: "the namespace of selector 1 of profile `fp`".
    pub what: String,
    pub value: String,
}

/// What one kustomization.yaml says that matters here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Kustomization {
    pub namespace: Option<String>,
    /// Patch files, relative to the kustomization's folder, as written.
    pub patches: Vec<String>,
}

/// The facts of one file.
#[derive(Debug, Clone, Default)]
pub struct FileFacts {
    pub documents: usize,
    /// Some document of the file is an object fargate-lint reads.
    pub recognized: bool,
    /// One partial cluster per ClusterConfig or EKS API document.
    pub clusters: Vec<Cluster>,
    /// Workloads; `namespace` is empty when the object sets none.
    pub workloads: Vec<Workload>,
    pub kustomization: Option<Kustomization>,
    pub unresolved: Vec<Unresolved>,
    /// Fields Kubernetes or eksctl would refuse (FL005).
    pub invalid: Vec<Invalid>,
    /// Services, Ingresses and PVCs; `namespace` is empty when the object sets none.
    pub services: Vec<Service>,
    pub ingresses: Vec<Ingress>,
    pub claims: Vec<PersistentVolumeClaim>,
    pub storage_classes: Vec<StorageClass>,
    pub ingress_classes: Vec<IngressClass>,
    pub ingress_class_params: Vec<IngressClassParams>,
}

/// A document kubectl refuses because it is not an object: its root is a string (`--- |`
/// followed by the text of a manifest makes one) or a list. Nothing of it reaches the
/// cluster, and fargate-lint cannot read it either.
#[derive(Debug, Clone, PartialEq)]
pub struct NotAnObject {
    /// The document's start (its `---`).
    pub loc: Loc,
    pub message: String,
    pub help: &'static str,
    /// It was meant for the cluster: a string with an `apiVersion:` or `kind:` line, or a
    /// list of objects with `apiVersion` and `kind`. Otherwise only a file with other
    /// Kubernetes objects makes it a problem (a YAML list elsewhere is not ours).
    pub looks_like_manifest: bool,
}

/// The value after the first `key:` in `text` that starts it or follows white space: how a
/// manifest in a string shows, with its lines kept (`|`) or folded into one (`>`).
fn key_value<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    let pattern = format!("{key}:");
    text.match_indices(&pattern).find_map(|(at, _)| {
        let starts = text[..at]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace);
        let rest = &text[at + pattern.len()..];
        let separated = rest.chars().next().is_none_or(char::is_whitespace);
        (starts && separated).then(|| rest.split_whitespace().next().unwrap_or(""))
    })
}

/// Whether `doc` is one kubectl refuses for not being an object, and what to say about it.
/// Empty documents (`---` alone, `~`) are skipped by kubectl and never come here.
pub fn not_an_object(file: FileId, doc: &Document) -> Option<NotAnObject> {
    let root = doc.root()?.resolved();
    let loc = Loc {
        file,
        span: doc.span,
    };
    const HELP: &str = "kubectl reads each document between `---` lines as one object: put `---` on a line of its own and the object's keys below it";
    if let Some((value, style)) = root.scalar() {
        if root.is_null() {
            return None;
        }
        let kind = key_value(value, "kind").filter(|k| !k.is_empty());
        let holds = kind.map_or(String::new(), |k| format!(" (it holds `kind: {k}`)"));
        let looks_like_manifest = kind.is_some() || key_value(value, "apiVersion").is_some();
        let message = match style {
            ScalarStyle::Literal | ScalarStyle::Folded => {
                let indicator = if style == ScalarStyle::Literal {
                    "|"
                } else {
                    ">"
                };
                format!(
                    "this document is one block scalar (`{indicator}`): everything up to the next `---` line is a single string, not an object{holds}; kubectl refuses the document, and nothing in it is read"
                )
            }
            _ => format!(
                "this document is a single string, not an object{holds}; kubectl refuses it"
            ),
        };
        return Some(NotAnObject {
            loc,
            message,
            help: HELP,
            looks_like_manifest,
        });
    }
    if root.is_seq() {
        let looks_like_manifest = root.items().any(|i| {
            let i = i.resolved();
            i.get("apiVersion").is_some() && i.get("kind").is_some()
        });
        return Some(NotAnObject {
            loc,
            message: "this document is a list, not an object; kubectl refuses it".to_string(),
            help: "write each object as a document of its own after a `---` line, or the list as a `kind: List` object with `items:`",
            looks_like_manifest,
        });
    }
    None
}

/// Nesting of `kind: List` inside `kind: List` that is followed.
const MAX_LIST_DEPTH: usize = 4;

/// The facts of a parsed file: [`extract_document`] of each of its documents.
pub fn extract(file: FileId, parsed: &ParsedFile) -> FileFacts {
    let mut facts = FileFacts {
        documents: parsed.empty_documents,
        ..FileFacts::default()
    };
    for doc in &parsed.documents {
        extract_document(file, doc, &mut facts);
    }
    facts
}

/// Adds what one document of `file` holds to `facts` (and counts it), so that a file is read
/// one document at a time and no document is kept once read.
pub fn extract_document(file: FileId, doc: &Document, facts: &mut FileFacts) {
    let r = Reader { file };
    facts.documents += 1;
    let Some(root) = doc.root() else { return };
    // A key twice in a document that kubectl, eksctl or the EKS API reads.
    let resolved_root = root.resolved();
    let read_elsewhere = (resolved_root.get("apiVersion").is_some()
        && resolved_root.get("kind").is_some())
        || resolved_root.get("fargateProfileName").is_some();
    if read_elsewhere {
        duplicate_keys(r, doc, &mut facts.invalid);
    }
    let mut stack = vec![(root.resolved(), 0usize)];
    // A List item written as an alias of another item is the same object, not a second
    // one: read each node once.
    let mut seen = std::collections::HashSet::new();
    while let Some((node, depth)) = stack.pop() {
        if !seen.insert(node.id()) {
            continue;
        }
        let api = node.get("apiVersion").and_then(|n| n.as_str());
        let kind = node.get("kind").and_then(|n| n.as_str());
        match (api, kind) {
            (Some(api), Some("ClusterConfig")) if api.starts_with("eksctl.io/") => {
                facts.recognized = true;
                validate_object(r, node, ObjectShape::ClusterConfig, &mut facts.invalid);
                facts
                    .clusters
                    .push(eksctl_cluster(r, node, &mut facts.unresolved));
            }
            (Some(api), Some("Kustomization")) if api.starts_with("kustomize.config.k8s.io/") => {
                facts.recognized = true;
                facts.kustomization = Some(kustomization(node));
            }
            (Some(_), Some(kind)) if kind.ends_with("List") && node.get("items").is_some() => {
                facts.recognized = true;
                if depth < MAX_LIST_DEPTH {
                    // Reversed so that items come out in file order.
                    let items: Vec<_> = node
                        .get("items")
                        .into_iter()
                        .flat_map(|i| i.items())
                        .collect();
                    stack.extend(items.into_iter().rev().map(|i| (i.resolved(), depth + 1)));
                }
            }
            (Some(_), Some("Service")) => {
                facts.recognized = true;
                validate_object(r, node, ObjectShape::Object, &mut facts.invalid);
                facts.services.push(service(r, node));
            }
            (Some(api), Some("Ingress"))
                if api.starts_with("networking.k8s.io/") || api.starts_with("extensions/") =>
            {
                facts.recognized = true;
                validate_object(r, node, ObjectShape::Object, &mut facts.invalid);
                facts.ingresses.push(ingress(r, node));
            }
            (Some(_), Some("PersistentVolumeClaim")) => {
                facts.recognized = true;
                validate_object(r, node, ObjectShape::Object, &mut facts.invalid);
                facts.claims.push(claim(r, node));
            }
            (Some(api), Some("IngressClass")) if api.starts_with("networking.k8s.io/") => {
                facts.recognized = true;
                facts.ingress_classes.extend(ingress_class(r, node));
            }
            (Some(api), Some("IngressClassParams")) if api.starts_with("elbv2.k8s.aws/") => {
                facts.recognized = true;
                facts
                    .ingress_class_params
                    .extend(ingress_class_params(r, node));
            }
            (Some(api), Some("StorageClass")) if api.starts_with("storage.k8s.io/") => {
                facts.recognized = true;
                if let Some(sc) = storage_class(r, node) {
                    facts.storage_classes.push(sc);
                }
            }
            (Some(_), Some(kind)) => {
                facts.recognized = true;
                let w = workload(r, node, kind, &mut facts.unresolved);
                let shape = match (&w, workload_kind(kind)) {
                    (None, _) => ObjectShape::Object,
                    (Some(_), Some(WorkloadKind::Pod)) => ObjectShape::Pod,
                    (Some(_), Some(_)) => ObjectShape::Workload,
                    (Some(_), None) => ObjectShape::TemplateOwner,
                };
                validate_object(r, node, shape, &mut facts.invalid);
                facts.workloads.extend(w);
            }
            _ if node.get("fargateProfileName").is_some() => {
                facts.recognized = true;
                validate_object(r, node, ObjectShape::EksApiProfile, &mut facts.invalid);
                facts
                    .clusters
                    .push(eks_api_profile(r, node, &mut facts.unresolved));
            }
            _ => {}
        }
    }
}

fn unresolved_text(t: &Option<Text>, tag: Option<&str>, what: &str, out: &mut Vec<Unresolved>) {
    if let Some(t) = t.as_ref().filter(|t| is_placeholder(&t.value, tag)) {
        out.push(Unresolved {
            loc: t.loc,
            what: what.to_string(),
            value: t.value.clone(),
        });
    }
}

fn tag_of(node: Option<NodeRef<'_>>) -> Option<&str> {
    node.and_then(|n| n.tag())
}

fn kustomization(node: NodeRef<'_>) -> Kustomization {
    let mut k = Kustomization {
        namespace: node
            .get("namespace")
            .and_then(|n| n.as_str())
            .map(str::to_string),
        patches: Vec::new(),
    };
    for key in ["patchesStrategicMerge", "patches", "patchesJson6902"] {
        for item in node.get(key).into_iter().flat_map(|n| n.items()) {
            let item = item.resolved();
            let path = item
                .as_str()
                .or_else(|| item.get("path").and_then(|p| p.as_str()));
            // An inline patch (`patch: |`) is not a file.
            if let Some(p) = path.filter(|p| !p.contains('\n')) {
                k.patches.push(p.to_string());
            }
        }
    }
    k
}

fn selectors(
    r: Reader,
    node: Option<NodeRef<'_>>,
    profile: &str,
    unresolved: &mut Vec<Unresolved>,
) -> Vec<Selector> {
    let mut out = Vec::new();
    for (i, sel) in node.into_iter().flat_map(|n| n.items()).enumerate() {
        let sel_r = sel.resolved();
        let ns_node = sel_r.get("namespace");
        let namespace = r.text(ns_node);
        unresolved_text(
            &namespace,
            tag_of(ns_node),
            &format!("the namespace of selector {} of profile `{profile}`", i + 1),
            unresolved,
        );
        let labels = r.labels(sel_r.get("labels"));
        for l in &labels {
            if is_placeholder(&l.value.value, None) || is_placeholder(&l.key.value, None) {
                unresolved.push(Unresolved {
                    loc: l.value.loc,
                    what: format!(
                        "label `{}` of selector {} of profile `{profile}`",
                        l.key.value,
                        i + 1
                    ),
                    value: l.value.value.clone(),
                });
            }
        }
        out.push(Selector {
            namespace,
            labels,
            loc: r.node_loc(sel),
        });
    }
    out
}

/// A pod execution role ARN; a placeholder is recorded, so that FL002 reports it once and
/// FL106 does not check it.
fn role(
    r: Reader,
    node: Option<NodeRef<'_>>,
    what: &str,
    unresolved: &mut Vec<Unresolved>,
) -> Option<Text> {
    let role = r.text(node);
    unresolved_text(&role, tag_of(node), what, unresolved);
    role
}

fn subnets(r: Reader, node: Option<NodeRef<'_>>) -> Vec<Text> {
    node.into_iter()
        .flat_map(|n| n.items())
        .filter_map(|s| r.text(Some(s)))
        .collect()
}

fn eksctl_cluster(r: Reader, node: NodeRef<'_>, unresolved: &mut Vec<Unresolved>) -> Cluster {
    let meta = node.get("metadata");
    let name_node = meta.and_then(|m| m.get("name"));
    let name = r.text(name_node);
    let region_node = meta.and_then(|m| m.get("region"));
    let region = r.text(region_node);
    // A placeholder name or region makes the file a template (`Cluster::is_template`); a
    // variable-like name (`CLUSTER_NAME`) only beside a placeholder or missing region.
    let region_placeholder = region
        .as_ref()
        .is_none_or(|r| text::is_region_placeholder(&r.value));
    let name_placeholder: fn(&str) -> bool = if region_placeholder {
        text::is_cluster_name_placeholder
    } else {
        |_| false
    };
    for (value, node, what, placeholder) in [
        (&name, name_node, "the cluster name", name_placeholder),
        (
            &region,
            region_node,
            "the cluster region",
            text::is_region_placeholder,
        ),
    ] {
        if let Some(t) = value
            .as_ref()
            .filter(|t| placeholder(&t.value) || is_placeholder(&t.value, tag_of(node)))
        {
            unresolved.push(Unresolved {
                loc: t.loc,
                what: format!("{what} (the file is read as a template: where the scan defines real clusters, workloads are placed on those only)"),
                value: t.value.clone(),
            });
        }
    }

    // Keys a file that only adds Fargate profiles to an existing cluster holds.
    let profiles_only = node.entries().all(|(k, _)| {
        matches!(
            k.as_str(),
            Some("apiVersion" | "kind" | "metadata" | "fargateProfiles" | "iam")
        )
    });
    let non_empty = |key: &str| node.get(key).is_some_and(|n| n.items().next().is_some());
    let ec2_capacity = non_empty("nodeGroups")
        || non_empty("managedNodeGroups")
        || node.get("karpenter").is_some_and(|k| !k.is_null())
        || node
            .path(&["autoModeConfig", "enabled"])
            .and_then(|e| e.as_bool())
            == Some(true);

    let mut public_subnets = Vec::new();
    let mut private_subnets = Vec::new();
    for (key, list) in [
        ("public", &mut public_subnets),
        ("private", &mut private_subnets),
    ] {
        let Some(subnets) = node.path(&["vpc", "subnets", key]) else {
            continue;
        };
        for (k, v) in subnets.resolved().string_entries() {
            // Profiles may name a subnet by its key (an AZ or a name) or by its id.
            list.extend(r.text(Some(k)));
            list.extend(r.text(v.get("id")));
        }
    }

    let mut profiles = Vec::new();
    for p in node
        .get("fargateProfiles")
        .into_iter()
        .flat_map(|n| n.items())
    {
        let p_r = p.resolved();
        let pname = r.text(p_r.get("name")).unwrap_or_else(|| Text {
            value: String::new(),
            loc: r.node_loc(p),
            style: Default::default(),
        });
        let sel_entry = p_r.entry("selectors");
        let role = role(
            r,
            p_r.get("podExecutionRoleARN"),
            &format!("the pod execution role of profile `{}`", pname.value),
            unresolved,
        );
        profiles.push(FargateProfile {
            selectors: selectors(r, sel_entry.map(|e| e.1), &pname.value, unresolved),
            selectors_key: sel_entry.map(|(k, _)| r.node_loc(k)),
            role,
            subnets: subnets(r, p_r.get("subnets")),
            source: ProfileSource::Eksctl,
            loc: r.node_loc(p),
            name: pname,
        });
    }

    Cluster {
        id: ClusterId::default(),
        name: name.as_ref().map(|n| n.value.clone()).unwrap_or_default(),
        region: region.map(|t| t.value),
        files: vec![r.file],
        profiles,
        ec2_capacity,
        profiles_only,
        default_role: role(
            r,
            node.path(&["iam", "fargatePodExecutionRoleARN"]),
            "the cluster's Fargate pod execution role",
            unresolved,
        ),
        public_subnets,
        private_subnets,
        version: r.text(meta.and_then(|m| m.get("version"))),
        loc: name.map(|n| n.loc).unwrap_or_else(|| r.node_loc(node)),
    }
}

/// `aws eks create-fargate-profile --cli-input-json` input: one profile of a cluster whose
/// other facts (region, EC2 capacity) live elsewhere.
fn eks_api_profile(r: Reader, node: NodeRef<'_>, unresolved: &mut Vec<Unresolved>) -> Cluster {
    let name_entry = node.entry("fargateProfileName");
    let pname = r.text(name_entry.map(|e| e.1)).unwrap_or_else(|| Text {
        value: String::new(),
        loc: name_entry
            .map(|e| r.node_loc(e.0))
            .unwrap_or_else(|| r.node_loc(node)),
        style: Default::default(),
    });
    let cluster_node = node.get("clusterName");
    let cluster = r.text(cluster_node);
    unresolved_text(
        &cluster,
        tag_of(cluster_node),
        "the cluster name",
        unresolved,
    );
    let sel_entry = node.entry("selectors");
    let role = role(
        r,
        node.get("podExecutionRoleArn"),
        &format!("the pod execution role of profile `{}`", pname.value),
        unresolved,
    );
    let profile = FargateProfile {
        selectors: selectors(r, sel_entry.map(|e| e.1), &pname.value, unresolved),
        selectors_key: sel_entry.map(|(k, _)| r.node_loc(k)),
        role,
        subnets: subnets(r, node.get("subnets")),
        source: ProfileSource::EksApi,
        loc: r.node_loc(node),
        name: pname,
    };
    Cluster {
        id: ClusterId::default(),
        name: cluster
            .as_ref()
            .map(|c| c.value.clone())
            .unwrap_or_default(),
        region: None,
        files: vec![r.file],
        profiles: vec![profile],
        // The file says nothing of nodes; assume the cluster has some rather than
        // predicting Pending pods from a lack of information.
        ec2_capacity: true,
        profiles_only: false,
        default_role: None,
        public_subnets: Vec::new(),
        private_subnets: Vec::new(),
        version: None,
        loc: cluster.map(|c| c.loc).unwrap_or_else(|| r.node_loc(node)),
    }
}

fn workload_kind(kind: &str) -> Option<WorkloadKind> {
    Some(match kind {
        "Pod" => WorkloadKind::Pod,
        "Deployment" => WorkloadKind::Deployment,
        "StatefulSet" => WorkloadKind::StatefulSet,
        "DaemonSet" => WorkloadKind::DaemonSet,
        "ReplicaSet" => WorkloadKind::ReplicaSet,
        "ReplicationController" => WorkloadKind::ReplicationController,
        "Job" => WorkloadKind::Job,
        "CronJob" => WorkloadKind::CronJob,
        _ => return None,
    })
}

fn workload(
    r: Reader,
    node: NodeRef<'_>,
    kind_name: &str,
    unresolved: &mut Vec<Unresolved>,
) -> Option<Workload> {
    let known = workload_kind(kind_name);
    // The pod: its metadata and spec.
    let (pod_meta, pod_spec, workload_spec) = match known {
        Some(WorkloadKind::Pod) => (node.get("metadata"), node.get("spec")?, None),
        Some(WorkloadKind::CronJob) => {
            let job_spec = node.path(&["spec", "jobTemplate", "spec"]);
            let template = job_spec?.get("template")?;
            (template.get("metadata"), template.get("spec")?, job_spec)
        }
        _ => {
            let spec = node.get("spec");
            let template = spec?.get("template")?;
            let pod_spec = template.get("spec")?;
            if known.is_none() && pod_spec.get("containers").is_none() {
                return None;
            }
            (template.get("metadata"), pod_spec, spec)
        }
    };
    let kind = known.unwrap_or(WorkloadKind::Other);
    let meta = node.get("metadata");
    let name = meta
        .and_then(|m| m.get("name"))
        .and_then(|n| n.as_str())
        .unwrap_or("")
        .to_string();
    let ns_node = meta.and_then(|m| m.get("namespace"));
    let namespace = r.text(ns_node);
    unresolved_text(
        &namespace,
        tag_of(ns_node),
        &format!("the namespace of {kind_name} `{name}`"),
        unresolved,
    );

    let count_key = if matches!(kind, WorkloadKind::Job | WorkloadKind::CronJob) {
        "parallelism"
    } else {
        "replicas"
    };
    let replicas = match (kind, workload_spec.and_then(|s| s.get(count_key))) {
        (WorkloadKind::Pod, _) | (_, None) => 1,
        (_, Some(n)) if n.is_null() => 1,
        (_, Some(n)) => match n.as_u64() {
            Some(v) => u32::try_from(v).unwrap_or(u32::MAX),
            None => {
                // Anything else that is not a count is FL005's (validate.rs).
                if let Some(t) = r
                    .text(Some(n))
                    .filter(|t| is_placeholder(&t.value, n.tag()))
                {
                    unresolved.push(Unresolved {
                        loc: t.loc,
                        what: format!("`{count_key}` of {kind_name} `{name}` (counted as 1)"),
                        value: t.value,
                    });
                }
                1
            }
        },
    };

    let mut containers = Vec::new();
    let mut env = Vec::new();
    for (key, default_kind) in [
        ("initContainers", ContainerKind::Init),
        ("containers", ContainerKind::Regular),
    ] {
        for c in pod_spec.get(key).into_iter().flat_map(|n| n.items()) {
            let c_r = c.resolved();
            let kind = if default_kind == ContainerKind::Init
                && c_r.get("restartPolicy").and_then(|p| p.as_str()) == Some("Always")
            {
                ContainerKind::Sidecar
            } else {
                default_kind
            };
            env.extend(env_values(r, c_r.get("env")));
            let resources = c_r.get("resources");
            let container_name = r.text(c_r.get("name"));
            let image = r.text(c_r.get("image"));
            if let Some(image) = image
                .as_ref()
                .filter(|i| crate::image::is_placeholder_image(&i.value))
            {
                let container = container_name
                    .as_ref()
                    .map_or_else(String::new, |n| format!(" `{}`", n.value));
                unresolved.push(Unresolved {
                    loc: image.loc,
                    what: format!("the image of container{container} of {kind_name} `{name}`"),
                    value: image.value.clone(),
                });
            }
            containers.push(Container {
                name: container_name,
                kind,
                image,
                requests: resources_of(r, resources, "requests", kind_name, &name, unresolved),
                limits: resources_of(r, resources, "limits", kind_name, &name, unresolved),
                security: container_security(r, c_r.get("securityContext")),
                ports: ports(r, c_r.get("ports")),
                loc: r.node_loc(c),
            });
        }
    }

    let pod = PodFacts {
        labels: r.labels(pod_meta.and_then(|m| m.get("labels"))),
        annotations: r.labels(pod_meta.and_then(|m| m.get("annotations"))),
        containers,
        env,
        scheduler_name: r.text(pod_spec.get("schedulerName")),
        metadata_loc: pod_meta.map(|m| r.node_loc(m)),
        host_namespaces: ["hostNetwork", "hostPID", "hostIPC"]
            .into_iter()
            .filter_map(|key| flag(r, Some(pod_spec), key))
            .collect(),
        node_selector: r.labels(pod_spec.get("nodeSelector")),
        required_node_terms: required_node_terms(r, pod_spec),
        volumes: volumes(r, pod_spec.get("volumes")),
        claim_templates: if kind == WorkloadKind::StatefulSet {
            workload_spec
                .and_then(|s| s.get("volumeClaimTemplates"))
                .into_iter()
                .flat_map(|n| n.items())
                .map(|t| claim(r, t.resolved()))
                .collect()
        } else {
            Vec::new()
        },
        service_account_name: r.text(
            pod_spec
                .get("serviceAccountName")
                .or_else(|| pod_spec.get("serviceAccount")),
        ),
    };
    for l in &pod.labels {
        if is_placeholder(&l.value.value, None) {
            unresolved.push(Unresolved {
                loc: l.value.loc,
                what: format!("pod label `{}` of {kind_name} `{name}`", l.key.value),
                value: l.value.value.clone(),
            });
        }
    }
    Some(Workload {
        id: WorkloadId::default(),
        kind,
        kind_name: kind_name.to_string(),
        kind_loc: r.text(node.get("kind")).map(|k| k.loc),
        name,
        namespace: namespace
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or_default(),
        namespace_loc: namespace.map(|n| n.loc),
        replicas,
        annotations: r.labels(meta.and_then(|m| m.get("annotations"))),
        pod,
        loc: r.node_loc(node),
    })
}

/// `env[]` entries of a container that have a scalar `value` (`valueFrom` ones have none).
fn env_values(r: Reader, env: Option<NodeRef<'_>>) -> Vec<Label> {
    env.into_iter()
        .flat_map(|e| e.items())
        .filter_map(|item| {
            let item = item.resolved();
            Some(Label {
                key: r.text(item.get("name"))?,
                value: r.text(item.get("value"))?,
            })
        })
        .collect()
}

fn resources_of(
    r: Reader,
    resources: Option<NodeRef<'_>>,
    key: &str,
    kind_name: &str,
    name: &str,
    unresolved: &mut Vec<Unresolved>,
) -> Resources {
    let Some((k, v)) = resources.and_then(|res| res.entry(key)) else {
        return Resources::default();
    };
    let mut out = Resources {
        key: Some(r.node_loc(k)),
        ..Resources::default()
    };
    for pair in r.labels(Some(v)) {
        if is_placeholder(&pair.value.value, None) {
            unresolved.push(Unresolved {
                loc: pair.value.loc,
                what: format!(
                    "{key} `{}` of {kind_name} `{name}` (sized as if absent)",
                    pair.key.value
                ),
                value: pair.value.value.clone(),
            });
        }
        match pair.key.value.as_str() {
            "cpu" => out.cpu = Some(pair.value),
            "memory" => out.memory = Some(pair.value),
            "ephemeral-storage" => out.ephemeral_storage = Some(pair.value),
            _ => out.other.push(pair),
        }
    }
    out
}

/// `key: true` in `node`: the key and value; `None` when absent, false or not a boolean.
fn flag(r: Reader, node: Option<NodeRef<'_>>, key: &str) -> Option<Label> {
    let (k, v) = node?.entry(key)?;
    if v.as_bool() != Some(true) {
        return None;
    }
    Some(Label {
        key: r.text(Some(k))?,
        value: r.text(Some(v))?,
    })
}

fn container_security(r: Reader, node: Option<NodeRef<'_>>) -> ContainerSecurity {
    let node = node.map(|n| n.resolved());
    ContainerSecurity {
        privileged: flag(r, node, "privileged"),
        allow_privilege_escalation: flag(r, node, "allowPrivilegeEscalation"),
        capabilities_add: node
            .and_then(|n| n.path(&["capabilities", "add"]))
            .into_iter()
            .flat_map(|a| a.items())
            .filter_map(|c| r.text(Some(c)))
            .collect(),
    }
}

fn ports(r: Reader, node: Option<NodeRef<'_>>) -> Vec<Port> {
    let pair = |p: NodeRef<'_>, key: &str| {
        let (k, v) = p.entry(key)?;
        Some(Label {
            key: r.text(Some(k))?,
            value: r.text(Some(v))?,
        })
    };
    node.into_iter()
        .flat_map(|n| n.items())
        .map(|p| {
            let p_r = p.resolved();
            Port {
                container_port: r.text(p_r.get("containerPort")),
                host_port: pair(p_r, "hostPort"),
                host_ip: pair(p_r, "hostIP"),
                loc: r.node_loc(p),
            }
        })
        .collect()
}

/// The node labels whose required values decide whether Fargate can run a pod.
const FARGATE_NODE_KEYS: [&str; 4] = [
    "kubernetes.io/arch",
    "kubernetes.io/os",
    "beta.kubernetes.io/arch",
    "beta.kubernetes.io/os",
];

fn required_node_terms(r: Reader, pod_spec: NodeRef<'_>) -> Vec<NodeSelectorTerm> {
    let terms = pod_spec.path(&[
        "affinity",
        "nodeAffinity",
        "requiredDuringSchedulingIgnoredDuringExecution",
        "nodeSelectorTerms",
    ]);
    terms
        .into_iter()
        .flat_map(|t| t.items())
        .map(|term| {
            term.resolved()
                .get("matchExpressions")
                .into_iter()
                .flat_map(|m| m.items())
                .filter_map(|e| {
                    let e = e.resolved();
                    let key = r.text(e.get("key"))?;
                    if !FARGATE_NODE_KEYS.contains(&key.value.as_str()) {
                        return None;
                    }
                    Some(NodeRequirement {
                        key,
                        operator: r.text(e.get("operator")),
                        values: e
                            .get("values")
                            .into_iter()
                            .flat_map(|v| v.items())
                            .filter_map(|v| r.text(Some(v)))
                            .collect(),
                    })
                })
                .collect()
        })
        .collect()
}

fn volumes(r: Reader, node: Option<NodeRef<'_>>) -> Vec<Volume> {
    let mut out = Vec::new();
    for v in node.into_iter().flat_map(|n| n.items()) {
        let v_r = v.resolved();
        // The source of a volume is its one key other than `name`.
        let source = v_r
            .entries()
            .find(|(k, _)| k.as_str().is_some_and(|k| k != "name"));
        let (kind, key) = match source {
            Some((k, val)) => {
                let kind = match k.as_str().unwrap_or("") {
                    "hostPath" => VolumeKind::HostPath,
                    "csi" => VolumeKind::Csi,
                    "awsElasticBlockStore" => VolumeKind::AwsElasticBlockStore,
                    "persistentVolumeClaim" => VolumeKind::PersistentVolumeClaim {
                        claim_name: r.text(val.resolved().get("claimName")),
                    },
                    other => VolumeKind::Other(other.to_string()),
                };
                (kind, r.node_loc(k))
            }
            None => (VolumeKind::Other(String::new()), r.node_loc(v)),
        };
        out.push(Volume {
            name: r.text(v_r.get("name")),
            kind,
            key,
            loc: r.node_loc(v),
        });
    }
    out
}

fn object_meta(r: Reader, node: NodeRef<'_>) -> ObjectMeta {
    let meta = node.get("metadata");
    let name = r.text(meta.and_then(|m| m.get("name")));
    let namespace = r.text(meta.and_then(|m| m.get("namespace")));
    ObjectMeta {
        name: name.as_ref().map(|n| n.value.clone()).unwrap_or_default(),
        name_loc: name.map(|n| n.loc).unwrap_or_else(|| r.node_loc(node)),
        namespace: namespace
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or_default(),
        namespace_loc: namespace.map(|n| n.loc),
        annotations: r.labels(meta.and_then(|m| m.get("annotations"))),
        loc: r.node_loc(node),
    }
}

fn service(r: Reader, node: NodeRef<'_>) -> Service {
    let spec = node.get("spec");
    Service {
        meta: object_meta(r, node),
        service_type: r.text(spec.and_then(|s| s.get("type"))),
        selector: r.labels(spec.and_then(|s| s.get("selector"))),
        load_balancer_class: r.text(spec.and_then(|s| s.get("loadBalancerClass"))),
    }
}

fn ingress(r: Reader, node: NodeRef<'_>) -> Ingress {
    let spec = node.get("spec").map(|s| s.resolved());
    // `networking.k8s.io/v1` names a backend Service as `service.name`; the older
    // `extensions/v1beta1` and `networking.k8s.io/v1beta1` as `serviceName`.
    let backend = |b: NodeRef<'_>| {
        let b = b.resolved();
        r.text(b.path(&["service", "name"]))
            .or_else(|| r.text(b.get("serviceName")))
    };
    let mut backends = Vec::new();
    for key in ["defaultBackend", "backend"] {
        backends.extend(spec.and_then(|s| s.get(key)).and_then(backend));
    }
    for rule in spec
        .and_then(|s| s.get("rules"))
        .into_iter()
        .flat_map(|n| n.items())
    {
        for path in rule
            .resolved()
            .path(&["http", "paths"])
            .into_iter()
            .flat_map(|n| n.items())
        {
            backends.extend(path.resolved().get("backend").and_then(backend));
        }
    }
    Ingress {
        meta: object_meta(r, node),
        class_name: r.text(spec.and_then(|s| s.get("ingressClassName"))),
        backends,
    }
}

fn claim(r: Reader, node: NodeRef<'_>) -> PersistentVolumeClaim {
    let meta = object_meta(r, node);
    // Before `storageClassName` existed, the class was this annotation; Kubernetes still
    // honours it when the field is absent.
    let beta = meta
        .annotations
        .iter()
        .find(|a| a.key.value == "volume.beta.kubernetes.io/storage-class")
        .map(|a| a.value.clone());
    PersistentVolumeClaim {
        storage_class: r.text(node.path(&["spec", "storageClassName"])).or(beta),
        volume_name: r.text(node.path(&["spec", "volumeName"])),
        meta,
    }
}

/// Whether `annotations` mark their class the default (`"true"` under one of `keys`).
fn marked_default(annotations: &[Label], keys: &[&str]) -> bool {
    annotations
        .iter()
        .any(|a| keys.contains(&a.key.value.as_str()) && a.value.value == "true")
}

fn storage_class(r: Reader, node: NodeRef<'_>) -> Option<StorageClass> {
    let meta = node.get("metadata");
    let name = r.text(meta.and_then(|m| m.get("name")))?;
    let annotations = r.labels(meta.and_then(|m| m.get("annotations")));
    Some(StorageClass {
        name,
        provisioner: r.text(node.get("provisioner")),
        parameters: r.labels(node.get("parameters")),
        is_default: marked_default(
            &annotations,
            &[
                "storageclass.kubernetes.io/is-default-class",
                "storageclass.beta.kubernetes.io/is-default-class",
            ],
        ),
        loc: r.node_loc(node),
    })
}

fn ingress_class(r: Reader, node: NodeRef<'_>) -> Option<IngressClass> {
    let meta = node.get("metadata");
    let name = r.text(meta.and_then(|m| m.get("name")))?;
    let annotations = r.labels(meta.and_then(|m| m.get("annotations")));
    let spec = node.get("spec").map(|s| s.resolved());
    Some(IngressClass {
        name,
        controller: r.text(spec.and_then(|s| s.get("controller"))),
        parameters: spec.and_then(|s| s.get("parameters")).map(|p| {
            let p = p.resolved();
            ObjectReference {
                api_group: r.text(p.get("apiGroup")),
                kind: r.text(p.get("kind")),
                name: r.text(p.get("name")),
            }
        }),
        is_default: marked_default(
            &annotations,
            &["ingressclass.kubernetes.io/is-default-class"],
        ),
        loc: r.node_loc(node),
    })
}

fn ingress_class_params(r: Reader, node: NodeRef<'_>) -> Option<IngressClassParams> {
    Some(IngressClassParams {
        name: r.text(node.path(&["metadata", "name"]))?,
        target_type: r.text(node.path(&["spec", "targetType"])),
        loc: r.node_loc(node),
    })
}
