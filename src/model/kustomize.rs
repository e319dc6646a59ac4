//! Kustomize `kustomization.yaml` files: the format that claims them, what they name (the
//! files and folders a build reads, for discovery), and the names of the files kustomize
//! looks for in a folder. Building a variant is `kustomize_build.rs`.

use super::formats::{FileFacts, Format, Head};
use super::text::Reader;
use crate::yaml::NodeRef;

/// `kustomize.config.k8s.io/v1beta1` `Kustomization` and `v1alpha1` `Component`.
pub(super) static FORMAT: Format = Format {
    name: "Kustomize kustomization",
    is_kind: |h| {
        matches!(h.kind, Some("Kustomization" | "Component"))
            && h.api
                .is_some_and(|a| a.starts_with("kustomize.config.k8s.io/"))
    },
    extract,
    marker_keys: &["apiVersion", "kind"],
    cluster_needles: &[],
    json_needles: &["\"apiVersion\""],
};

/// The names kustomize looks for in a folder, in its order.
pub const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Whether a display path names a kustomization file.
pub fn is_kustomization_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    FILE_NAMES.contains(&name)
}

fn extract(_: Reader, head: &Head<'_>, facts: &mut FileFacts, _: &mut Vec<NodeRef<'_>>) {
    let mut k = kustomization(head.node);
    k.component = head.kind == Some("Component");
    facts.kustomization = Some(k);
}

/// Reads a document of a file kustomize reads by its name (`kustomization.yaml`) that has
/// no `kind`: kustomize takes it as a Kustomization all the same.
pub fn untyped_kustomization(doc: &crate::yaml::Document, facts: &mut FileFacts) {
    let Some(root) = doc.root().map(|r| r.resolved()) else {
        return;
    };
    if facts.kustomization.is_none() && root.is_map() && root.get("kind").is_none() {
        facts.kustomization = Some(kustomization(root));
        facts.recognized = true;
    }
}

/// What the documents of a kustomization file name, as reading the whole file into facts
/// ([`super::extract`], then [`untyped_kustomization`] on each document) would find it, for
/// discovery, which needs nothing else of the file: the last `Kustomization` or `Component`
/// object, or else the first object without a `kind`. A document of another kind is read in
/// full, since a list may hold the kustomization.
pub fn kustomization_of(docs: &[crate::yaml::Document]) -> Option<Kustomization> {
    let mut typed = None;
    for doc in docs {
        let Some(root) = doc.root().map(|r| r.resolved()) else {
            continue;
        };
        let head = Head::of(root);
        if (FORMAT.is_kind)(&head) {
            let mut facts = FileFacts::default();
            extract(
                Reader {
                    file: crate::source::FileId(0),
                },
                &head,
                &mut facts,
                &mut Vec::new(),
            );
            typed = facts.kustomization.or(typed);
        } else if head.kind.is_some() {
            let mut facts = FileFacts::default();
            super::formats::extract_document(crate::source::FileId(0), doc, &mut facts);
            typed = facts.kustomization.or(typed);
        }
    }
    typed.or_else(|| {
        docs.iter().find_map(|doc| {
            let mut facts = FileFacts::default();
            untyped_kustomization(doc, &mut facts);
            facts.kustomization
        })
    })
}

/// What one kustomization.yaml names that a build reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Kustomization {
    pub namespace: Option<String>,
    /// Patch files, relative to the kustomization's folder, as written.
    pub patches: Vec<String>,
    /// `resources`, `bases` and `components`, relative to the kustomization's folder, as
    /// written (files or folders; remote ones included).
    pub resources: Vec<String>,
    /// `kind: Component`: applied by the kustomizations that name it, never built alone.
    pub component: bool,
    /// It uses what no native build does ([`UNSUPPORTED`] fields, remote resources).
    pub unsupported: bool,
}

/// Fields kustomize has that no native build does.
pub const UNSUPPORTED: &[&str] = &[
    "helmCharts",
    "helmChartInflationGenerator",
    "replacements",
    "generators",
    "transformers",
    "validators",
    "vars",
];

/// Whether a reference is remote (a URL or a git repository): never fetched.
pub fn is_remote(reference: &str) -> bool {
    reference.contains("://")
        || reference.starts_with("git@")
        || reference.starts_with("github.com/")
        || reference.starts_with("gitlab.com/")
        || reference.starts_with("bitbucket.org/")
}

/// The kustomization's keys that list resources, in the order kustomize reads them.
pub(super) const RESOURCE_KEYS: [&str; 3] = ["resources", "bases", "components"];

fn kustomization(node: NodeRef<'_>) -> Kustomization {
    let mut k = Kustomization {
        namespace: node
            .get("namespace")
            .and_then(|n| n.as_str())
            .map(str::to_string),
        ..Kustomization::default()
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
    for key in RESOURCE_KEYS {
        for item in node.get(key).into_iter().flat_map(|n| n.items()) {
            if let Some(p) = item.as_str() {
                k.resources.push(p.to_string());
            }
        }
    }
    k.unsupported = k.resources.iter().any(|r| is_remote(r))
        || node
            .entries()
            .any(|(key, _)| key.as_str().is_some_and(|n| UNSUPPORTED.contains(&n)));
    k
}
