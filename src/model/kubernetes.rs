//! Kubernetes objects: workloads and their pods, Services, Ingresses, claims, storage and
//! ingress classes, and `List`s of them; and the documents kubectl refuses for not being
//! objects at all.

use super::formats::{FileFacts, Format, Head};
use super::text::{Reader, is_placeholder};
use super::types::*;
use super::unresolved::{Needed, Owner, Unresolved, tag_of, unresolved_text};
use super::validate::{OBJECT, POD, TEMPLATE_OWNER, WORKLOAD, validate_object};
use crate::source::{FileId, Loc, WorkloadId};
use crate::yaml::{Document, NodeRef, ScalarStyle};

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

/// Every object with an `apiVersion` and a `kind` that no format before it claims.
pub(super) static FORMAT: Format = Format {
    name: "Kubernetes objects",
    is_kind: |h| h.api.is_some() && h.kind.is_some(),
    extract,
    marker_keys: &["apiVersion", "kind"],
    cluster_needles: &[],
    json_needles: &["\"apiVersion\""],
};

/// Reads one Kubernetes object; a `List`'s items go to `nested`.
fn extract<'a>(r: Reader, head: &Head<'a>, facts: &mut FileFacts, nested: &mut Vec<NodeRef<'a>>) {
    let node = head.node;
    let (Some(api), Some(kind)) = (head.api, head.kind) else {
        return;
    };
    match kind {
        kind if kind.ends_with("List") && node.get("items").is_some() => {
            nested.extend(node.get("items").into_iter().flat_map(|i| i.items()));
        }
        "Service" => {
            validate_object(r, node, &OBJECT, &mut facts.invalid);
            facts.services.push(service(r, node));
        }
        "Ingress" if api.starts_with("networking.k8s.io/") || api.starts_with("extensions/") => {
            validate_object(r, node, &OBJECT, &mut facts.invalid);
            facts.ingresses.push(ingress(r, node));
        }
        "PersistentVolumeClaim" => {
            validate_object(r, node, &OBJECT, &mut facts.invalid);
            facts.claims.push(claim(r, node));
        }
        "IngressClass" if api.starts_with("networking.k8s.io/") => {
            facts.ingress_classes.extend(ingress_class(r, node));
        }
        "IngressClassParams" if api.starts_with("elbv2.k8s.aws/") => {
            facts
                .ingress_class_params
                .extend(ingress_class_params(r, node));
        }
        "StorageClass" if api.starts_with("storage.k8s.io/") => {
            if let Some(sc) = storage_class(r, node) {
                facts.storage_classes.push(sc);
            }
        }
        kind => {
            let w = workload(r, node, kind, &mut facts.unresolved);
            let shape = match (&w, workload_kind(kind)) {
                (None, _) => &OBJECT,
                (Some(_), Some(WorkloadKind::Pod)) => &POD,
                (Some(_), Some(_)) => &WORKLOAD,
                (Some(_), None) => &TEMPLATE_OWNER,
            };
            validate_object(r, node, shape, &mut facts.invalid);
            facts.workloads.extend(w);
        }
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
        || Needed::WorkloadNamespace {
            of: owner(kind_name, &name),
        },
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
                        needed: Needed::Count {
                            key: count_key,
                            of: owner(kind_name, &name),
                        },
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
                unresolved.push(Unresolved {
                    loc: image.loc,
                    needed: Needed::Image {
                        container: container_name.as_ref().map(|n| n.value.clone()),
                        of: owner(kind_name, &name),
                    },
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

    let mut pod = PodFacts {
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
    pod.shrink_to_fit();
    for l in &pod.labels {
        if is_placeholder(&l.value.value, None) {
            unresolved.push(Unresolved {
                loc: l.value.loc,
                needed: Needed::PodLabel {
                    key: l.key.value.clone(),
                    of: owner(kind_name, &name),
                },
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
        variant: None,
    })
}

/// The workload a placeholder belongs to.
fn owner(kind_name: &str, name: &str) -> Owner {
    Owner {
        kind: kind_name.to_string(),
        name: name.to_string(),
    }
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
    key: &'static str,
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
                needed: Needed::Resource {
                    section: key,
                    resource: pair.key.value.clone(),
                    of: owner(kind_name, name),
                },
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
                host_port: pair(p_r, "hostPort").map(Box::new),
                host_ip: pair(p_r, "hostIP").map(Box::new),
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
