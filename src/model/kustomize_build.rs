//! Builds a kustomize variant natively, as `kustomize build` (v5) would: resources, bases and
//! components, then the built-in transformers in kustomize's order (strategic merge patches,
//! patches, namespace, name prefix and suffix, labels, annotations, JSON 6902 patches,
//! replicas, images) and the name references a prefix changes. Pure: the files a build may
//! read are handed in (discovery read them, inside the repository); a file not among them is
//! a problem at the line that names it, and the build goes on without it.
//!
//! Every node of a built object keeps the file and span of what set it (see
//! `kustomize_tree.rs`): the base, the patch file, the inline patch's line inside the
//! kustomization, or the kustomization's line for `namespace`, labels, `images`, `replicas`.

use std::collections::{BTreeSet, HashMap};

use super::kustomize::{FILE_NAMES, Kustomization, UNSUPPORTED, is_kustomization_path, is_remote};
use super::kustomize_patch::{json6902, strategic_merge};
use super::kustomize_tree::{N, SpanMap, V, copy};
use crate::source::{FileId, Loc};
use crate::yaml::{self, Document, NodeRef, ScalarStyle};

/// A file a build may read.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    pub id: FileId,
    pub text: &'a str,
    /// Its documents when they were kept from parsing it (else it is parsed here).
    pub documents: Option<&'a [Document]>,
}

/// What builds may read: files by normalized display path, and the paths discovery would
/// not read, with why (outside the repository, a link out of it).
pub struct BuildInput<'a> {
    pub files: HashMap<String, Source<'a>>,
    pub refused: HashMap<String, String>,
    pub limits: yaml::Limits,
}

/// A problem of a build, at the line that causes it.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildProblem {
    pub loc: Loc,
    pub message: String,
}

/// One built variant.
#[derive(Debug)]
pub struct Variant {
    /// The variant's folder, as display paths are written (`.` for the current folder).
    pub dir: String,
    /// Its kustomization file.
    pub file: FileId,
    /// The built objects, in kustomize's output order of resources (as accumulated).
    pub documents: Vec<Document>,
    /// Every file the build read, sorted.
    pub read: Vec<FileId>,
    /// Missing and cyclic references, patches that match nothing.
    pub problems: Vec<BuildProblem>,
    /// Fields that cannot be built natively (`helmCharts`, remote resources...), at their
    /// key, each with its name: the variant is what could be built without them.
    pub unsupported: Vec<(Loc, String)>,
}

/// Kustomizations a build follows inside one another: real trees are a few deep, and the
/// build recurses.
const MAX_NESTING: usize = 64;

/// Kustomizations one variant may build (a base shared by many overlays counts once per
/// overlay): folders that include each other's siblings layer upon layer would otherwise
/// build exponentially many times.
const MAX_BUILDS: usize = 10_000;

/// Nodes one variant may copy: a base of alias bombs stops here, not in memory.
const NODE_BUDGET: usize = 2_000_000;

/// One object of the build, with the (namespace, name) it had before each transformer that
/// renamed or moved it: patches find it by any of them, as kustomize's ids do.
struct Res {
    obj: N,
    ids: Vec<(String, String)>,
}

impl Res {
    fn new(obj: N) -> Res {
        let mut r = Res {
            obj,
            ids: Vec::new(),
        };
        r.ids.push(r.id());
        r
    }
    fn kind(&self) -> &str {
        self.obj.get("kind").and_then(N::str).unwrap_or("")
    }
    fn api(&self) -> &str {
        self.obj.get("apiVersion").and_then(N::str).unwrap_or("")
    }
    fn id(&self) -> (String, String) {
        let meta = |k| {
            self.obj
                .path(&["metadata", k])
                .and_then(N::str)
                .unwrap_or("")
                .to_string()
        };
        (meta("namespace"), meta("name"))
    }
    fn remember(&mut self) {
        let id = self.id();
        if !self.ids.contains(&id) {
            self.ids.push(id);
        }
    }
}

/// `default` for an object without a namespace, as kustomize compares them.
fn effective(ns: &str) -> &str {
    if ns.is_empty() { "default" } else { ns }
}

fn group_of(api: &str) -> &str {
    api.rsplit_once('/').map(|(g, _)| g).unwrap_or("")
}

fn version_of(api: &str) -> &str {
    api.rsplit_once('/').map(|(_, v)| v).unwrap_or(api)
}

/// Kinds that have no namespace: the namespace transformer leaves them alone.
fn cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "CustomResourceDefinition"
            | "PersistentVolume"
            | "StorageClass"
            | "IngressClass"
            | "PriorityClass"
            | "RuntimeClass"
            | "APIService"
            | "MutatingWebhookConfiguration"
            | "ValidatingWebhookConfiguration"
            | "ValidatingAdmissionPolicy"
            | "ValidatingAdmissionPolicyBinding"
            | "CSIDriver"
            | "CSINode"
            | "VolumeAttachment"
            | "Node"
            | "PodSecurityPolicy"
            | "CertificateSigningRequest"
            | "ClusterIssuer"
            | "FlowSchema"
            | "PriorityLevelConfiguration"
    )
}

/// Kinds with a pod template at `spec.template`.
fn has_template(kind: &str) -> bool {
    matches!(
        kind,
        "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet" | "Job" | "ReplicationController"
    )
}

/// `dir/reference`, normalized, as display paths are: `.` and `..` folded in the text,
/// without touching the file system (`..` above a relative start is kept).
pub fn join(dir: &str, reference: &str) -> String {
    let normal = |path: &str| {
        !path.is_empty() && path.split('/').all(|part| !matches!(part, "" | "." | ".."))
    };
    // A display path normalized already (`join(".", path)` of every file of a run).
    if dir == "." && normal(reference) {
        return reference.to_string();
    }
    // A name in a normalized folder (the file names kustomize looks for in each folder a
    // kustomization names): the two side by side.
    if normal(dir) && normal(reference) && !reference.contains('/') {
        let mut out = String::with_capacity(dir.len() + 1 + reference.len());
        out.push_str(dir);
        out.push('/');
        out.push_str(reference);
        return out;
    }
    let absolute = reference.starts_with('/') || (dir.starts_with('/') && !dir.is_empty());
    let start: &str = if reference.starts_with('/') { "" } else { dir };
    // Built in one buffer (every display path of a run is joined, some more than once): the
    // parts kept so far are `out`, `/`-separated, after the leading `/` of an absolute path.
    let mut out = String::with_capacity(start.len() + reference.len() + 1);
    let root = usize::from(absolute);
    if absolute {
        out.push('/');
    }
    for part in start.split('/').chain(reference.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                let last_at = out.rfind('/').map_or(0, |i| i + 1).max(root);
                let last = &out[last_at..];
                if !last.is_empty() && last != ".." {
                    // The separator before the part goes with it.
                    out.truncate(last_at.saturating_sub(1).max(root));
                } else if !absolute {
                    // `/..` is `/`; above a relative start, `..` is kept.
                    if out.len() > root {
                        out.push('/');
                    }
                    out.push_str("..");
                }
            }
            p => {
                if out.len() > root {
                    out.push('/');
                }
                out.push_str(p);
            }
        }
    }
    if out.is_empty() {
        out.push('.');
    }
    out
}

/// The folder of a display path (`.` for a file of the current folder).
pub fn folder_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) => "/",
        Some(i) => &path[..i],
        None => ".",
    }
}

/// The variants among kustomization files (normalized display paths with what they say):
/// every folder no other kustomization includes (a component never is one), and every one
/// `named` (normalized PATHs of the command line: the folder or its kustomization file).
pub fn variant_paths<'k>(
    kustomizations: &[(&'k str, &Kustomization)],
    named: &std::collections::HashSet<String>,
) -> Vec<&'k str> {
    let dirs: std::collections::HashSet<&str> =
        kustomizations.iter().map(|(p, _)| folder_of(p)).collect();
    let mut included = std::collections::HashSet::new();
    for (path, k) in kustomizations {
        for r in &k.resources {
            let target = join(folder_of(path), r);
            if dirs.contains(target.as_str()) {
                included.insert(target);
            }
        }
    }
    kustomizations
        .iter()
        .filter(|(path, k)| {
            let dir = folder_of(path);
            named.contains(dir)
                || named.contains(*path)
                || (!k.component && !included.contains(dir))
        })
        .map(|(path, _)| *path)
        .collect()
}

/// Whether the variant of `path` uses, itself or through the kustomization folders it
/// includes, what no native build does: `--render` builds such a variant with kustomize.
pub fn needs_render(kustomizations: &[(&str, &Kustomization)], path: &str) -> bool {
    let by_dir: HashMap<&str, &Kustomization> = kustomizations
        .iter()
        .map(|(p, k)| (folder_of(p), *k))
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![folder_of(path).to_string()];
    while let Some(dir) = stack.pop() {
        if !seen.insert(dir.clone()) {
            continue;
        }
        let Some(k) = by_dir.get(dir.as_str()) else {
            continue;
        };
        if k.unsupported {
            return true;
        }
        stack.extend(k.resources.iter().map(|r| join(&dir, r)));
    }
    false
}

/// The objects `kubectl kustomize` (or `kustomize build`) printed for a variant, as
/// documents of its kustomization file whose every node is at `at` (the kustomization's
/// first line): rendered objects have no lines of their own.
pub fn rendered_documents(
    file: FileId,
    at: crate::source::Span,
    text: &str,
    limits: yaml::Limits,
) -> Vec<Document> {
    let parsed = yaml::parse(text, limits);
    let map = SpanMap::All(at);
    let mut budget = NODE_BUDGET;
    parsed
        .documents
        .iter()
        .filter_map(|d| d.root())
        .filter_map(|root| copy(root, file, &map, &mut budget))
        .map(N::into_document)
        .collect()
}

/// Builds the variant whose kustomization file is `path`.
pub fn build_variant(input: &BuildInput<'_>, path: &str) -> Option<Variant> {
    let src = *input.files.get(path)?;
    let dir = folder_of(path).to_string();
    let mut b = Builder {
        input,
        stack: Vec::new(),
        read: BTreeSet::new(),
        problems: Vec::new(),
        unsupported: Vec::new(),
        budget: NODE_BUDGET,
        builds: 0,
    };
    let resources = b.build_file(&dir, src, Vec::new());
    Some(Variant {
        dir,
        file: src.id,
        documents: resources
            .into_iter()
            .map(|r| r.obj.into_document())
            .collect(),
        read: b.read.into_iter().collect(),
        problems: b.problems,
        unsupported: b.unsupported,
    })
}

struct Builder<'i, 'a> {
    input: &'i BuildInput<'a>,
    /// The kustomization folders being built, outermost first: a cycle is one already here.
    stack: Vec<String>,
    read: BTreeSet<FileId>,
    problems: Vec<BuildProblem>,
    unsupported: Vec<(Loc, String)>,
    budget: usize,
    /// Kustomizations built so far (see [`MAX_BUILDS`]).
    builds: usize,
}

fn loc_of(file: FileId, node: NodeRef<'_>) -> Loc {
    Loc {
        file,
        span: node.span(),
    }
}

impl<'i, 'a> Builder<'i, 'a> {
    fn problem(&mut self, loc: Loc, message: String) {
        self.problems.push(BuildProblem { loc, message });
    }

    /// The kustomization file of a folder, if it has one among the files.
    fn kustomization_in(&self, dir: &str) -> Option<(String, Source<'a>)> {
        FILE_NAMES.iter().find_map(|name| {
            let p = join(dir, name);
            self.input.files.get(&p).map(|s| (p, *s))
        })
    }

    /// The documents of a file (or, with `inline`, of an inline patch), as owned trees.
    fn documents(&mut self, src: Source<'a>, inline: Option<&str>, map: &SpanMap) -> Vec<N> {
        self.read.insert(src.id);
        let parsed;
        let docs = match (inline, src.documents) {
            (None, Some(docs)) => docs,
            (text, _) => {
                parsed = yaml::parse(text.unwrap_or(src.text), self.input.limits);
                &parsed.documents[..]
            }
        };
        let mut out = Vec::new();
        for doc in docs {
            let Some(root) = doc.root() else { continue };
            match copy(root, src.id, map, &mut self.budget) {
                Some(n) => out.push(n),
                None => {
                    let loc = loc_of(src.id, root);
                    self.problem(
                        loc,
                        "this object is too large to build once its aliases are expanded; the variant is built without it".to_string(),
                    );
                }
            }
        }
        out
    }

    /// Builds the kustomization folder `dir` (file `path`) onto `resources` (empty for a
    /// kustomization, what has been built so far for a component).
    fn build_file(&mut self, dir: &str, src: Source<'a>, resources: Vec<Res>) -> Vec<Res> {
        self.read.insert(src.id);
        let parsed;
        let docs = match src.documents {
            Some(docs) => docs,
            None => {
                parsed = yaml::parse(src.text, self.input.limits);
                &parsed.documents[..]
            }
        };
        // A kustomization that does not parse is FL001 where it is read.
        let Some(root) = docs.first().and_then(|d| d.root()) else {
            return resources;
        };
        let root = root.resolved();
        self.stack.push(dir.to_string());
        let out = self.apply(root, dir, src, resources);
        self.stack.pop();
        out
    }

    /// The folder a kustomization names: built, unless it is being built already (a cycle).
    fn build_dir(&mut self, dir: &str, at: Loc, written: &str, resources: Vec<Res>) -> Vec<Res> {
        let Some((_, src)) = self.kustomization_in(dir) else {
            return resources;
        };
        if self.builds >= MAX_BUILDS {
            if self.builds == MAX_BUILDS {
                self.builds += 1;
                let message = format!(
                    "`{written}` is not built: the variant builds more than {MAX_BUILDS} kustomizations"
                );
                self.problem(at, message);
            }
            return resources;
        }
        self.builds += 1;
        if self.stack.len() >= MAX_NESTING {
            let message = format!(
                "`{written}` nests kustomizations more than {MAX_NESTING} deep; it is not built"
            );
            self.problem(at, message);
            return resources;
        }
        if let Some(i) = self.stack.iter().position(|d| d == dir) {
            let mut cycle: Vec<&str> = self.stack[i..].iter().map(String::as_str).collect();
            cycle.push(dir);
            let message = format!(
                "`{written}` is a cyclic reference: {}; it is not built again",
                cycle.join(" → ")
            );
            self.problem(at, message);
            return resources;
        }
        self.build_file(dir, src, resources)
    }

    fn apply(&mut self, k: NodeRef<'_>, dir: &str, src: Source<'a>, mut res: Vec<Res>) -> Vec<Res> {
        let at = |n: NodeRef<'_>| loc_of(src.id, n);
        for (key, _) in k.entries() {
            if let Some(name) = key.as_str().filter(|n| UNSUPPORTED.contains(n)) {
                self.unsupported.push((at(key), format!("`{name}`")));
            }
        }
        for key in ["resources", "bases"] {
            for item in k.get(key).into_iter().flat_map(|n| n.items()) {
                let Some(reference) = item.as_str() else {
                    continue;
                };
                if is_remote(reference) {
                    self.unsupported
                        .push((at(item), format!("the remote resource `{reference}`")));
                    continue;
                }
                self.load(dir, reference, at(item), &mut res);
            }
        }
        for item in k.get("components").into_iter().flat_map(|n| n.items()) {
            let Some(reference) = item.as_str() else {
                continue;
            };
            if is_remote(reference) {
                self.unsupported
                    .push((at(item), format!("the remote component `{reference}`")));
                continue;
            }
            let target = join(dir, reference);
            if self.kustomization_in(&target).is_none() {
                self.missing(reference, &target, at(item));
                continue;
            }
            res = self.build_dir(&target, at(item), reference, res);
        }

        // The transformers, in kustomize's order.
        for item in k
            .get("patchesStrategicMerge")
            .into_iter()
            .flat_map(|n| n.items())
        {
            let patches = self.patch_documents(dir, item, item, src);
            for p in patches {
                self.patch_by_id(&mut res, &p);
            }
        }
        for item in k.get("patches").into_iter().flat_map(|n| n.items()) {
            self.patch_entry(dir, item, src, &mut res, false);
        }
        if let Some(ns) = k.get("namespace").filter(|n| n.as_str().is_some()) {
            let key = k.entry("namespace").map(|e| e.0).unwrap_or(ns);
            self.set_namespace(&mut res, src.id, key, ns);
        }
        self.prefix_suffix(k, src.id, &mut res);
        if let Some(labels) = k.get("commonLabels") {
            self.labels(&mut res, src.id, labels, true, true);
        }
        for entry in k.get("labels").into_iter().flat_map(|n| n.items()) {
            let selectors = entry
                .get("includeSelectors")
                .and_then(|n| n.as_bool())
                .unwrap_or(false);
            let templates = selectors
                || entry
                    .get("includeTemplates")
                    .and_then(|n| n.as_bool())
                    .unwrap_or(false);
            if let Some(pairs) = entry.get("pairs") {
                self.labels(&mut res, src.id, pairs, selectors, templates);
            }
        }
        if let Some(annotations) = k.get("commonAnnotations") {
            self.annotations(&mut res, src.id, annotations);
        }
        for item in k.get("patchesJson6902").into_iter().flat_map(|n| n.items()) {
            self.patch_entry(dir, item, src, &mut res, true);
        }
        for item in k.get("replicas").into_iter().flat_map(|n| n.items()) {
            replicas(&mut res, src.id, item);
        }
        for item in k.get("images").into_iter().flat_map(|n| n.items()) {
            images(&mut res, src.id, item);
        }
        res
    }

    fn missing(&mut self, written: &str, path: &str, at: Loc) {
        let message = match self.input.refused.get(path) {
            Some(why) => format!("`{written}` is not read: {why}"),
            None => format!(
                "`{written}` is not found: no such file, nor a folder with a kustomization.yaml"
            ),
        };
        self.problem(at, message);
    }

    /// A resource: a file of objects, or a folder built as a kustomization.
    fn load(&mut self, dir: &str, reference: &str, at: Loc, res: &mut Vec<Res>) {
        let target = join(dir, reference);
        if let Some(src) = self
            .input
            .files
            .get(&target)
            .copied()
            .filter(|_| !is_kustomization_path(&target))
        {
            for doc in self.documents(src, None, &SpanMap::Same) {
                push_objects(doc, res, 0);
            }
            return;
        }
        if self.kustomization_in(&target).is_some() {
            let built = self.build_dir(&target, at, reference, Vec::new());
            res.extend(built);
            return;
        }
        self.missing(reference, &target, at);
    }

    /// The patches of one entry of `patchesStrategicMerge` (`value` is the entry: a file
    /// name or an inline patch) or of `patches`/`patchesJson6902` (`value` is its `path` or
    /// `patch`).
    fn patch_documents(
        &mut self,
        dir: &str,
        value: NodeRef<'_>,
        entry: NodeRef<'_>,
        src: Source<'a>,
    ) -> Vec<N> {
        let Some(text) = value.as_str() else {
            return Vec::new();
        };
        let inline = text.contains('\n') || entry.get("patch").is_some();
        if inline {
            let map = SpanMap::inline(value, text, src.text);
            return self.documents(src, Some(text), &map);
        }
        let target = join(dir, text);
        match self.input.files.get(&target).copied() {
            Some(file) => self.documents(file, None, &SpanMap::Same),
            None => {
                self.missing(text, &target, loc_of(src.id, value));
                Vec::new()
            }
        }
    }

    /// One entry of `patches` or `patchesJson6902`: its patches, to the resources its target
    /// selects, or for strategic merge patches without one, to the object they name.
    fn patch_entry(
        &mut self,
        dir: &str,
        entry: NodeRef<'_>,
        src: Source<'a>,
        res: &mut [Res],
        json_only: bool,
    ) {
        let entry = entry.resolved();
        let Some(value) = entry.get("patch").or_else(|| entry.get("path")) else {
            return;
        };
        let patches = self.patch_documents(dir, value, entry, src);
        let target = entry.get("target");
        let selector = match target.map(Selector::of) {
            Some(Ok(s)) => Some(s),
            Some(Err(e)) => {
                self.problem(loc_of(src.id, entry), e);
                return;
            }
            None => None,
        };
        for p in patches {
            let json = json_only || matches!(p.v, V::Seq(_));
            match (&selector, json) {
                (Some(s), _) => {
                    let mut any = false;
                    for r in res.iter_mut().filter(|r| s.selects(r)) {
                        any = true;
                        if json {
                            self.apply_json(r, &p);
                        } else {
                            let kind = r.kind().to_string();
                            strategic_merge(&mut r.obj, &p, &kind);
                        }
                    }
                    if !any {
                        self.problem(
                            loc_of(src.id, entry),
                            "the patch's target selects no resource of the build; it is not applied"
                                .to_string(),
                        );
                    }
                }
                (None, true) => self.problem(
                    loc_of(src.id, entry),
                    "a JSON 6902 patch needs a `target`; it is not applied".to_string(),
                ),
                (None, false) => self.patch_by_id(res, &p),
            }
        }
    }

    fn apply_json(&mut self, r: &mut Res, ops: &N) {
        let V::Seq(items) = &ops.v else { return };
        for op in items {
            if let Err(e) = json6902(&mut r.obj, op) {
                self.problem(
                    op.loc,
                    format!("this JSON 6902 operation is not applied: {e}"),
                );
            }
        }
    }

    /// A strategic merge patch to the object with its kind, name and namespace (any they
    /// had during the build).
    fn patch_by_id(&mut self, res: &mut [Res], patch: &N) {
        if matches!(patch.v, V::Seq(_)) {
            self.problem(
                patch.loc,
                "a JSON 6902 patch needs a `target`; it is not applied".to_string(),
            );
            return;
        }
        let kind = patch.get("kind").and_then(N::str).unwrap_or("");
        let group = group_of(patch.get("apiVersion").and_then(N::str).unwrap_or(""));
        let name = patch
            .path(&["metadata", "name"])
            .and_then(N::str)
            .unwrap_or("");
        let ns = patch.path(&["metadata", "namespace"]).and_then(N::str);
        let same = |r: &Res, strict: bool| {
            r.kind() == kind
                && group_of(r.api()) == group
                && r.ids.iter().any(|(n, m)| {
                    m == name && (!strict || effective(n) == effective(ns.unwrap_or("")))
                })
        };
        let mut hits: Vec<usize> = (0..res.len()).filter(|&i| same(&res[i], true)).collect();
        if hits.is_empty() && ns.is_none() {
            // A patch that names no namespace, for an object written with one.
            hits = (0..res.len()).filter(|&i| same(&res[i], false)).collect();
        }
        if hits.is_empty() {
            self.problem(
                patch.loc,
                format!("this patch matches no resource of the build ({kind} `{name}`); it is not applied"),
            );
        }
        for i in hits {
            strategic_merge(&mut res[i].obj, patch, kind);
        }
    }

    fn set_namespace(&mut self, res: &mut [Res], file: FileId, key: NodeRef<'_>, ns: NodeRef<'_>) {
        let (Some(value), Some(key_node)) = (
            copy(ns, file, &SpanMap::Same, &mut self.budget),
            copy(key, file, &SpanMap::Same, &mut self.budget),
        ) else {
            return;
        };
        for r in res.iter_mut().filter(|r| !cluster_scoped(r.kind())) {
            if let Some(meta) = r.obj.child_map("metadata", key_node.loc, true) {
                meta.set(key_node.clone(), value.clone());
            }
            r.remember();
        }
    }

    fn prefix_suffix(&mut self, k: NodeRef<'_>, file: FileId, res: &mut [Res]) {
        let prefix = k.get("namePrefix").filter(|n| n.as_str().is_some());
        let suffix = k.get("nameSuffix").filter(|n| n.as_str().is_some());
        let Some(by) = prefix.or(suffix) else { return };
        let (p, s) = (
            prefix.and_then(|n| n.as_str()).unwrap_or(""),
            suffix.and_then(|n| n.as_str()).unwrap_or(""),
        );
        let loc = loc_of(file, by);
        let mut renamed: HashMap<(String, String), String> = HashMap::new();
        for r in res.iter_mut() {
            if r.kind() == "CustomResourceDefinition" || r.kind() == "Namespace" {
                continue;
            }
            let kind = r.kind().to_string();
            let Some(name_node) = r.obj.path_mut(&["metadata", "name"]) else {
                continue;
            };
            let Some(old) = name_node.str().map(str::to_string) else {
                continue;
            };
            let new = format!("{p}{old}{s}");
            let style = match &name_node.v {
                V::Scalar(_, style) => *style,
                _ => ScalarStyle::Plain,
            };
            *name_node = N::scalar(&new, style, loc);
            renamed.insert((kind, old), new);
            r.remember();
        }
        for r in res.iter_mut() {
            rename_references(&mut r.obj, &renamed);
        }
    }

    /// Labels to every object, and to selectors (`selectors`) and pod templates
    /// (`templates`), as kustomize's label field specs say.
    fn labels(
        &mut self,
        res: &mut [Res],
        file: FileId,
        pairs: NodeRef<'_>,
        selectors: bool,
        templates: bool,
    ) {
        let Some(pairs) = self.pairs(file, pairs) else {
            return;
        };
        for r in res.iter_mut() {
            let kind = r.kind().to_string();
            let mut spots: Vec<(&[&str], bool)> = vec![(&["metadata", "labels"][..], true)];
            if selectors {
                match kind.as_str() {
                    "Service" | "ReplicationController" => {
                        spots.push((&["spec", "selector"][..], true))
                    }
                    "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet" => {
                        spots.push((&["spec", "selector", "matchLabels"][..], true))
                    }
                    "Job" => spots.push((&["spec", "selector", "matchLabels"][..], false)),
                    "CronJob" => spots.push((
                        &["spec", "jobTemplate", "spec", "selector", "matchLabels"][..],
                        false,
                    )),
                    _ => {}
                }
            }
            if templates {
                if has_template(&kind) {
                    spots.push((&["spec", "template", "metadata", "labels"][..], true));
                }
                if kind == "CronJob" {
                    spots.push((&["spec", "jobTemplate", "metadata", "labels"][..], true));
                    spots.push((
                        &[
                            "spec",
                            "jobTemplate",
                            "spec",
                            "template",
                            "metadata",
                            "labels",
                        ][..],
                        true,
                    ));
                }
            }
            for (path, create) in spots {
                set_pairs(&mut r.obj, path, create, &pairs);
            }
            if selectors && kind == "StatefulSet" {
                for t in r
                    .obj
                    .path_mut(&["spec", "volumeClaimTemplates"])
                    .map(N::items_mut)
                    .unwrap_or_default()
                {
                    set_pairs(t, &["metadata", "labels"], true, &pairs);
                }
            }
        }
    }

    fn annotations(&mut self, res: &mut [Res], file: FileId, pairs: NodeRef<'_>) {
        let Some(pairs) = self.pairs(file, pairs) else {
            return;
        };
        for r in res.iter_mut() {
            let kind = r.kind().to_string();
            set_pairs(&mut r.obj, &["metadata", "annotations"], true, &pairs);
            if has_template(&kind) {
                set_pairs(
                    &mut r.obj,
                    &["spec", "template", "metadata", "annotations"],
                    true,
                    &pairs,
                );
            }
            if kind == "CronJob" {
                set_pairs(
                    &mut r.obj,
                    &["spec", "jobTemplate", "metadata", "annotations"],
                    true,
                    &pairs,
                );
                set_pairs(
                    &mut r.obj,
                    &[
                        "spec",
                        "jobTemplate",
                        "spec",
                        "template",
                        "metadata",
                        "annotations",
                    ],
                    true,
                    &pairs,
                );
            }
        }
    }

    fn pairs(&mut self, file: FileId, node: NodeRef<'_>) -> Option<Vec<(N, N)>> {
        match copy(node, file, &SpanMap::Same, &mut self.budget)?.v {
            V::Map(pairs) => Some(pairs),
            _ => None,
        }
    }
}

fn set_pairs(obj: &mut N, path: &[&str], create: bool, pairs: &[(N, N)]) {
    let Some(first) = pairs.first() else { return };
    if let Some(map) = obj.map_at(path, first.0.loc, create) {
        for (k, v) in pairs {
            map.set(k.clone(), v.clone());
        }
    }
}

/// An object, or the items of a `List`, into the build.
fn push_objects(doc: N, res: &mut Vec<Res>, depth: usize) {
    let kind = doc.get("kind").and_then(N::str).unwrap_or("");
    if kind.ends_with("List")
        && depth < 4
        && let Some(V::Seq(items)) = doc.get("items").map(|n| n.v.clone())
    {
        for i in items {
            push_objects(i, res, depth + 1);
        }
        return;
    }
    if matches!(doc.v, V::Map(_)) && doc.get("kind").is_some() {
        res.push(Res::new(doc));
    }
}

/// The pod specs of an object: its own (`Pod`), its template's, a CronJob's job's.
fn pod_specs(obj: &mut N) -> Vec<&mut N> {
    let kind = obj.get("kind").and_then(N::str).unwrap_or("").to_string();
    let path: &[&str] = match kind.as_str() {
        "Pod" => &["spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        k if has_template(k) => &["spec", "template", "spec"],
        _ => return Vec::new(),
    };
    obj.path_mut(path).into_iter().collect()
}

/// Names an object gives other objects that a prefix or suffix renamed: its service
/// account, claims, config maps and secrets, an Ingress's services.
fn rename_references(obj: &mut N, renamed: &HashMap<(String, String), String>) {
    if renamed.is_empty() {
        return;
    }
    let fix = |n: Option<&mut N>, kind: &str| {
        if let Some(n) = n
            && let Some(new) = n
                .str()
                .and_then(|old| renamed.get(&(kind.to_string(), old.to_string())))
        {
            let new = new.clone();
            if let V::Scalar(s, _) = &mut n.v {
                *s = new.into();
            }
        }
    };
    let is_ingress = obj.get("kind").and_then(N::str) == Some("Ingress");
    for spec in pod_specs(obj) {
        fix(spec.get_mut("serviceAccountName"), "ServiceAccount");
        for v in spec
            .get_mut("volumes")
            .map(N::items_mut)
            .unwrap_or_default()
        {
            fix(
                v.path_mut(&["persistentVolumeClaim", "claimName"]),
                "PersistentVolumeClaim",
            );
            fix(v.path_mut(&["configMap", "name"]), "ConfigMap");
            fix(v.path_mut(&["secret", "secretName"]), "Secret");
        }
    }
    if is_ingress {
        fix(
            obj.path_mut(&["spec", "defaultBackend", "service", "name"]),
            "Service",
        );
        for rule in obj
            .path_mut(&["spec", "rules"])
            .map(N::items_mut)
            .unwrap_or_default()
        {
            for p in rule
                .path_mut(&["http", "paths"])
                .map(N::items_mut)
                .unwrap_or_default()
            {
                fix(p.path_mut(&["backend", "service", "name"]), "Service");
            }
        }
    }
}

/// `replicas: [{name, count}]`: the count of the workloads of that name.
fn replicas(res: &mut [Res], file: FileId, item: NodeRef<'_>) {
    let (Some(name), Some(count)) = (
        item.get("name").and_then(|n| n.as_str()),
        item.get("count").filter(|n| n.as_u64().is_some()),
    ) else {
        return;
    };
    let value = count.as_str().unwrap_or("").trim().to_string();
    let loc = loc_of(file, count);
    let key_loc = item
        .entry("count")
        .map(|e| loc_of(file, e.0))
        .unwrap_or(loc);
    for r in res.iter_mut().filter(|r| {
        matches!(
            r.kind(),
            "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController"
        ) && r.ids.iter().any(|(_, n)| n == name)
    }) {
        if let Some(spec) = r.obj.child_map("spec", key_loc, true) {
            spec.set(
                N::scalar("replicas", ScalarStyle::Plain, key_loc),
                N::scalar(&value, ScalarStyle::Plain, loc),
            );
        }
    }
}

/// An image reference's name, without its tag or digest.
fn image_name(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    let slash = no_digest.rfind('/').map(|i| i + 1).unwrap_or(0);
    match no_digest[slash..].find(':') {
        Some(i) => &no_digest[..slash + i],
        None => no_digest,
    }
}

/// `images: [{name, newName, newTag, digest}]` on every container and init container.
fn images(res: &mut [Res], file: FileId, item: NodeRef<'_>) {
    let Some(name) = item.get("name").and_then(|n| n.as_str()) else {
        return;
    };
    let field = |k: &str| item.get(k).filter(|n| n.as_str().is_some());
    let (new_name, new_tag, digest) = (field("newName"), field("newTag"), field("digest"));
    let Some(by) = new_tag.or(digest).or(new_name) else {
        return;
    };
    let loc = loc_of(file, by);
    let rewrite = |image: &str| -> Option<String> {
        if image_name(image) != name {
            return None;
        }
        let base = new_name.and_then(|n| n.as_str()).unwrap_or(name);
        let rest = &image[name.len()..];
        Some(
            match (
                digest.and_then(|d| d.as_str()),
                new_tag.and_then(|t| t.as_str()),
            ) {
                (Some(d), _) => format!("{base}@{d}"),
                (None, Some(t)) => format!("{base}:{t}"),
                (None, None) => format!("{base}{rest}"),
            },
        )
    };
    for r in res.iter_mut() {
        walk_images(&mut r.obj, &rewrite, loc);
    }
}

fn walk_images(n: &mut N, rewrite: &dyn Fn(&str) -> Option<String>, loc: Loc) {
    match &mut n.v {
        V::Map(pairs) => {
            for (k, v) in pairs.iter_mut() {
                if matches!(k.str(), Some("containers" | "initContainers")) {
                    for c in v.items_mut() {
                        if let Some(img) = c.get_mut("image")
                            && let Some(new) = img.str().and_then(rewrite)
                        {
                            let style = match &img.v {
                                V::Scalar(_, s) => *s,
                                _ => ScalarStyle::Plain,
                            };
                            *img = N::scalar(&new, style, loc);
                        }
                    }
                }
                walk_images(v, rewrite, loc);
            }
        }
        V::Seq(items) => {
            for i in items {
                walk_images(i, rewrite, loc);
            }
        }
        V::Scalar(..) => {}
    }
}

/// A patch's `target`: kustomize's selector.
struct Selector {
    group: Option<String>,
    version: Option<String>,
    kind: Option<String>,
    name: Option<regex::Regex>,
    namespace: Option<regex::Regex>,
    labels: Vec<Requirement>,
    annotations: Vec<Requirement>,
}

/// One term of a label selector.
enum Requirement {
    Exists(String, bool),
    Equals(String, String, bool),
    In(String, Vec<String>, bool),
}

impl Requirement {
    fn holds(&self, map: Option<&N>) -> bool {
        let get = |k: &str| map.and_then(|m| m.get(k)).map(|v| v.str().unwrap_or(""));
        match self {
            Requirement::Exists(k, want) => get(k).is_some() == *want,
            Requirement::Equals(k, v, want) => (get(k) == Some(v.as_str())) == *want,
            Requirement::In(k, vs, want) => {
                get(k).is_some_and(|x| vs.iter().any(|v| v == x)) == *want
            }
        }
    }
}

fn parse_requirements(text: &str) -> Result<Vec<Requirement>, String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    let mut terms = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                terms.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    terms.push(&text[start..]);
    for term in terms.into_iter().map(str::trim).filter(|t| !t.is_empty()) {
        let r = if let Some(k) = term.strip_prefix('!') {
            Requirement::Exists(k.trim().to_string(), false)
        } else if let Some((k, v)) = term.split_once("!=") {
            Requirement::Equals(k.trim().to_string(), v.trim().to_string(), false)
        } else if let Some((k, v)) = term.split_once("==").or_else(|| term.split_once('=')) {
            Requirement::Equals(k.trim().to_string(), v.trim().to_string(), true)
        } else if let Some((k, rest)) = term
            .split_once(" notin ")
            .or_else(|| term.split_once(" in "))
        {
            let want = !term.contains(" notin ");
            let values = rest
                .trim()
                .trim_start_matches('(')
                .trim_end_matches(')')
                .split(',')
                .map(|v| v.trim().to_string())
                .collect();
            Requirement::In(k.trim().to_string(), values, want)
        } else if term
            .chars()
            .all(|c| c.is_alphanumeric() || "-_./".contains(c))
        {
            Requirement::Exists(term.to_string(), true)
        } else {
            return Err(format!("the selector `{text}` cannot be read"));
        };
        out.push(r);
    }
    Ok(out)
}

impl Selector {
    fn of(node: NodeRef<'_>) -> Result<Selector, String> {
        let s = |k: &str| node.get(k).and_then(|n| n.as_str()).map(str::to_string);
        let re = |k: &str| -> Result<Option<regex::Regex>, String> {
            s(k).map(|p| {
                regex::Regex::new(&format!("^(?:{p})$"))
                    .map_err(|_| format!("the target's `{k}` `{p}` is not a regular expression"))
            })
            .transpose()
        };
        Ok(Selector {
            group: s("group"),
            version: s("version"),
            kind: s("kind"),
            name: re("name")?,
            namespace: re("namespace")?,
            labels: s("labelSelector")
                .map(|t| parse_requirements(&t))
                .transpose()?
                .unwrap_or_default(),
            annotations: s("annotationSelector")
                .map(|t| parse_requirements(&t))
                .transpose()?
                .unwrap_or_default(),
        })
    }

    fn selects(&self, r: &Res) -> bool {
        let api = r.api();
        self.group.as_deref().is_none_or(|g| g == group_of(api))
            && self.version.as_deref().is_none_or(|v| v == version_of(api))
            && self.kind.as_deref().is_none_or(|k| k == r.kind())
            && self
                .name
                .as_ref()
                .is_none_or(|re| r.ids.iter().any(|(_, n)| re.is_match(n)))
            && self
                .namespace
                .as_ref()
                .is_none_or(|re| r.ids.iter().any(|(ns, _)| re.is_match(effective(ns))))
            && {
                let labels = r.obj.path(&["metadata", "labels"]);
                self.labels.iter().all(|q| q.holds(labels))
            }
            && {
                let annotations = r.obj.path(&["metadata", "annotations"]);
                self.annotations.iter().all(|q| q.holds(annotations))
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names_lose_tag_and_digest_but_keep_registry_ports() {
        assert_eq!(image_name("nginx:1.0"), "nginx");
        assert_eq!(image_name("localhost:5000/app:2"), "localhost:5000/app");
        assert_eq!(image_name("app@sha256:abc"), "app");
        assert_eq!(image_name("app"), "app");
    }

    #[test]
    fn paths_join_like_display_paths() {
        assert_eq!(join("a/b", "../c"), "a/c");
        assert_eq!(join(".", "x.yaml"), "x.yaml");
        assert_eq!(join("a", ".."), ".");
        assert_eq!(join("a", "/abs/b"), "/abs/b");
        assert_eq!(join("../x", "../y/./z"), "../y/z");
        assert_eq!(join("/r/a", "../../.."), "/");
        assert_eq!(join(".", "a/b/../../.."), "..");
        assert_eq!(folder_of("k.yaml"), ".");
        assert_eq!(folder_of("a/k.yaml"), "a");
    }

    /// The one-buffer `join` against the parts-list definition of a display path's folding,
    /// over every short path of the parts that matter.
    #[test]
    fn join_folds_like_a_list_of_parts() {
        fn reference(dir: &str, reference: &str) -> String {
            let absolute = reference.starts_with('/') || dir.starts_with('/');
            let start = if reference.starts_with('/') { "" } else { dir };
            let mut parts: Vec<&str> = Vec::new();
            for part in start.split('/').chain(reference.split('/')) {
                match part {
                    "" | "." => {}
                    ".." => match parts.last() {
                        Some(&last) if last != ".." => {
                            parts.pop();
                        }
                        _ if absolute => {}
                        _ => parts.push(".."),
                    },
                    p => parts.push(p),
                }
            }
            let joined = parts.join("/");
            match (absolute, joined.is_empty()) {
                (true, _) => format!("/{joined}"),
                (false, true) => ".".to_string(),
                (false, false) => joined,
            }
        }
        let atoms = ["", ".", "..", "a", "bc", "/"];
        let mut paths = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = paths
                .iter()
                .flat_map(|p| {
                    atoms
                        .iter()
                        .map(move |a| format!("{p}{}{a}", if p.is_empty() { "" } else { "/" }))
                })
                .collect();
            paths.extend(longer);
        }
        paths.sort();
        paths.dedup();
        for dir in &paths {
            for r in paths.iter().step_by(7) {
                assert_eq!(join(dir, r), reference(dir, r), "join({dir:?}, {r:?})");
            }
        }
    }

    #[test]
    fn label_selectors_read_equality_and_set_terms() {
        let rs = parse_requirements("a=b, c!=d, e in (x, y), !f, g").unwrap_or_default();
        assert_eq!(rs.len(), 5);
    }
}
