//! Kustomize `kustomization.yaml` files: the namespace they give the objects of their
//! folder, and the patch files that are not objects of their own.

use super::formats::{FileFacts, Format, Head};
use super::text::Reader;
use crate::yaml::NodeRef;

/// `kustomize.config.k8s.io/v1beta1` `Kustomization`.
pub(super) static FORMAT: Format = Format {
    name: "Kustomize kustomization",
    is_kind: |h| {
        h.kind == Some("Kustomization")
            && h.api
                .is_some_and(|a| a.starts_with("kustomize.config.k8s.io/"))
    },
    extract,
    marker_keys: &["apiVersion", "kind"],
    cluster_needles: &[],
    json_needles: &["\"apiVersion\""],
};

fn extract(_: Reader, head: &Head<'_>, facts: &mut FileFacts, _: &mut Vec<NodeRef<'_>>) {
    facts.kustomization = Some(kustomization(head.node));
}

/// What one kustomization.yaml says that matters here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Kustomization {
    pub namespace: Option<String>,
    /// Patch files, relative to the kustomization's folder, as written.
    pub patches: Vec<String>,
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
