//! The format registry, and the walk that reads every document of a file with it.
//!
//! Each input format is one file of `src/model/` with one [`Format`]: whether a document is
//! of its kind, and how it is read into the model's types. [`FORMATS`] lists them, in the
//! order they are asked; [`extract_document`] gives each document to the first that claims
//! it. What a file is before parsing (the text pre-filters of `--find-clusters` and of JSON
//! files) is asked of the registry too, so a new format is its file, its `mod` line in
//! `model/mod.rs` and one line in [`FORMATS`], with fixtures.

use super::kustomize::Kustomization;
use super::text::Reader;
use super::types::*;
use super::unresolved::Unresolved;
use super::validate::{Invalid, duplicate_keys};
use crate::source::FileId;
use crate::yaml::{Document, NodeRef, ParsedFile};

/// One input format.
pub struct Format {
    /// How messages and docs name it.
    pub name: &'static str,
    /// Whether a document (an object of a file, or an item of a `List`) is of this format.
    /// Formats are asked in [`FORMATS`] order; the first that says yes reads it.
    pub is_kind: fn(&Head<'_>) -> bool,
    /// Reads a document [`Format::is_kind`] claimed into `facts`; documents it holds (the
    /// items of a `List`) go to `nested`, in file order, to be read in turn.
    pub extract: for<'a> fn(Reader, &Head<'a>, &mut FileFacts, &mut Vec<NodeRef<'a>>),
    /// Top-level keys that, all present, mark a document its tool reads, so that a key
    /// written twice in it is reported (FL005) whatever their values.
    pub marker_keys: &'static [&'static str],
    /// Text a file that defines clusters in this format holds (empty: it defines none): the
    /// files `--find-clusters` parses.
    pub cluster_needles: &'static [&'static str],
    /// Text a JSON document of this format holds: JSON files with none are not parsed.
    pub json_needles: &'static [&'static str],
}

/// The registry: every format, in the order documents are offered to them. Kubernetes
/// claims every object with an `apiVersion` and a `kind`, so the formats that share those
/// keys (eksctl, Kustomize) come before it.
pub static FORMATS: &[&Format] = &[
    &super::eksctl::FORMAT,
    &super::kustomize::FORMAT,
    &super::kubernetes::FORMAT,
    &super::eks_api::FORMAT,
    &super::cloudformation::FORMAT,
    &super::iam::FORMAT,
];

/// A document as the registry sees it: the node, with its `apiVersion` and `kind` when they
/// are strings (looked up once, for every format).
#[derive(Clone, Copy)]
pub struct Head<'a> {
    pub node: NodeRef<'a>,
    pub api: Option<&'a str>,
    pub kind: Option<&'a str>,
}

impl<'a> Head<'a> {
    pub fn of(node: NodeRef<'a>) -> Head<'a> {
        Head {
            node,
            api: node.get("apiVersion").and_then(|n| n.as_str()),
            kind: node.get("kind").and_then(|n| n.as_str()),
        }
    }
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
    /// IAM roles and trust policies (CloudFormation, Terraform, JSON documents).
    pub roles: Vec<IamRole>,
    pub policy_attachments: Vec<PolicyAttachment>,
    /// The facts are the objects of a kustomize variant built from this folder.
    pub variant: Option<String>,
    /// A kustomize variant reads the file: its objects are placed through the variant, not
    /// on their own.
    pub included: bool,
}

impl FileFacts {
    /// Adds the facts of the documents that follow in the same file (a piece of a large file
    /// read on its own): counts add up, lists continue, a later kustomization wins as it
    /// does within one reading.
    pub fn append(&mut self, other: FileFacts) {
        let FileFacts {
            documents,
            recognized,
            clusters,
            workloads,
            kustomization,
            unresolved,
            invalid,
            services,
            ingresses,
            claims,
            storage_classes,
            ingress_classes,
            ingress_class_params,
            roles,
            policy_attachments,
            variant,
            included,
        } = other;
        self.documents += documents;
        self.recognized |= recognized;
        self.clusters.extend(clusters);
        self.workloads.extend(workloads);
        if kustomization.is_some() {
            self.kustomization = kustomization;
        }
        self.unresolved.extend(unresolved);
        self.invalid.extend(invalid);
        self.services.extend(services);
        self.ingresses.extend(ingresses);
        self.claims.extend(claims);
        self.storage_classes.extend(storage_classes);
        self.ingress_classes.extend(ingress_classes);
        self.ingress_class_params.extend(ingress_class_params);
        self.roles.extend(roles);
        self.policy_attachments.extend(policy_attachments);
        self.variant = self.variant.take().or(variant);
        self.included |= included;
    }

    /// Marks the facts of a file that a kustomize variant reads ([`FileFacts::included`]) and
    /// drops the objects that are placed through the variant instead (workloads, Services,
    /// Ingresses, claims and the cluster-scoped classes): `assemble` takes only what the file
    /// says on its own (clusters, roles, FL002 and FL005) from such a file. Done where the
    /// variants are known, side by side, not in the one pass of `assemble`.
    pub fn mark_included(&mut self) {
        self.included = true;
        self.workloads = Vec::new();
        self.services = Vec::new();
        self.ingresses = Vec::new();
        self.claims = Vec::new();
        self.storage_classes = Vec::new();
        self.ingress_classes = Vec::new();
        self.ingress_class_params = Vec::new();
    }

    /// Gives back the lists' spare room: a file's facts live to the end of the run, and a list
    /// grown by pushes holds up to twice its objects (four workloads' room for one).
    pub fn shrink_to_fit(&mut self) {
        let FileFacts {
            documents: _,
            recognized: _,
            clusters,
            workloads,
            kustomization: _,
            unresolved,
            invalid,
            services,
            ingresses,
            claims,
            storage_classes,
            ingress_classes,
            ingress_class_params,
            roles,
            policy_attachments,
            variant: _,
            included: _,
        } = self;
        clusters.shrink_to_fit();
        workloads.shrink_to_fit();
        unresolved.shrink_to_fit();
        invalid.shrink_to_fit();
        services.shrink_to_fit();
        ingresses.shrink_to_fit();
        claims.shrink_to_fit();
        storage_classes.shrink_to_fit();
        ingress_classes.shrink_to_fit();
        ingress_class_params.shrink_to_fit();
        roles.shrink_to_fit();
        policy_attachments.shrink_to_fit();
    }

    /// Adds the facts a module of several files (Terraform) gives this file.
    pub fn absorb(&mut self, other: FileFacts) {
        self.recognized |= other.recognized;
        self.clusters.extend(other.clusters);
        self.unresolved.extend(other.unresolved);
        self.invalid.extend(other.invalid);
        self.roles.extend(other.roles);
        self.policy_attachments.extend(other.policy_attachments);
    }
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
    let read_elsewhere = FORMATS.iter().any(|f| {
        !f.marker_keys.is_empty() && f.marker_keys.iter().all(|k| resolved_root.get(k).is_some())
    });
    // A built document has each key once (the build sets keys, never repeats them).
    if read_elsewhere && !doc.is_built() {
        duplicate_keys(r, doc, &mut facts.invalid);
    }
    let mut stack = vec![(root.resolved(), 0usize)];
    // A List item written as an alias of another item is the same object, not a second
    // one: read each node once.
    let mut seen = std::collections::HashSet::new();
    let mut nested = Vec::new();
    while let Some((node, depth)) = stack.pop() {
        if !seen.insert(node.id()) {
            continue;
        }
        let head = Head::of(node);
        let Some(format) = FORMATS.iter().find(|f| (f.is_kind)(&head)) else {
            continue;
        };
        facts.recognized = true;
        (format.extract)(r, &head, facts, &mut nested);
        if depth < MAX_LIST_DEPTH {
            // Reversed so that items come out in file order.
            stack.extend(nested.drain(..).rev().map(|i| (i.resolved(), depth + 1)));
        } else {
            nested.clear();
        }
    }
}

/// Whether a file's text may hold a cluster definition of some format (an eksctl
/// `ClusterConfig`, an EKS API profile): a cheap test before parsing; the model decides.
pub fn may_define_cluster(text: &str) -> bool {
    mentions(text, &needles(|f| f.cluster_needles)) || super::terraform::may_define_cluster(text)
}

/// Whether a JSON file's text may hold a document of some format. JSON files are many and
/// rarely ours (package.json, tsconfig.json with comments): only those that can hold an
/// object we read are parsed, escaped keys included.
pub fn json_may_be_read(text: &str) -> bool {
    mentions(text, &needles(|f| f.json_needles))
}

/// Whether a parsed file defines (part of) a cluster in some format.
pub fn defines_cluster(parsed: &ParsedFile) -> bool {
    !extract(FileId(0), parsed).clusters.is_empty()
}

/// The needles of every format, each once, in registry order.
fn needles(of: fn(&Format) -> &'static [&'static str]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for n in FORMATS.iter().flat_map(|f| of(f)) {
        if !out.contains(n) {
            out.push(n);
        }
    }
    out
}

/// Whether `text` holds one of `needles` as written or once its escapes are read: a text
/// pre-filter that an escaped key (`"\u0061piVersion"` in JSON, `"Cluster\x43onfig"` in
/// YAML, a double-quoted line broken with `\`) cannot slip past. Only text with a backslash
/// is unescaped (into a copy).
fn mentions(text: &str, needles: &[&str]) -> bool {
    if needles.iter().any(|n| text.contains(n)) {
        return true;
    }
    if !text.contains('\\') {
        return false;
    }
    let plain = unescape(text);
    needles.iter().any(|n| plain.contains(n))
}

/// `text` with the escapes of JSON and YAML double-quoted strings read wherever they are (a
/// pre-filter does not know strings from the rest): `\xXX`, `\uXXXX` and `\UXXXXXXXX` as
/// their character, another escaped character as itself, and a `\` that ends a line joined to
/// the next line without its leading blanks.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let mut chars = after.chars();
        let Some(c) = chars.next() else {
            out.push('\\');
            rest = "";
            break;
        };
        let width = match c {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            _ => 0,
        };
        let hex = after
            .get(1..1 + width)
            .filter(|h| width > 0 && h.len() == width && h.bytes().all(|b| b.is_ascii_hexdigit()));
        rest = if let Some(ch) = hex
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32)
        {
            out.push(ch);
            &after[1 + width..]
        } else if c == '\n' || c == '\r' {
            chars.as_str().trim_start_matches(['\n', ' ', '\t'])
        } else {
            out.push(c);
            chars.as_str()
        };
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse};

    /// The name of the format that reads the first document of `text`.
    fn claimed_by(text: &str) -> Option<&'static str> {
        let parsed = parse(text, Limits::default());
        let root = parsed.documents.first()?.root()?.resolved();
        let head = Head::of(root);
        FORMATS.iter().find(|f| (f.is_kind)(&head)).map(|f| f.name)
    }

    #[test]
    fn each_document_goes_to_the_first_format_that_claims_it() {
        let cases = [
            (
                "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\n",
                Some("eksctl ClusterConfig"),
            ),
            // Not eksctl's apiVersion: an object of some other API, for Kubernetes.
            (
                "apiVersion: example.com/v1\nkind: ClusterConfig\n",
                Some("Kubernetes objects"),
            ),
            (
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n",
                Some("Kustomize kustomization"),
            ),
            (
                "apiVersion: v1\nkind: List\nitems: []\n",
                Some("Kubernetes objects"),
            ),
            (
                "apiVersion: apps/v1\nkind: Deployment\n",
                Some("Kubernetes objects"),
            ),
            (
                r#"{"fargateProfileName": "p", "clusterName": "c"}"#,
                Some("EKS API profile JSON"),
            ),
            // Kubernetes claims an object with `apiVersion` and `kind` before the EKS API.
            (
                "apiVersion: v1\nkind: X\nfargateProfileName: p\n",
                Some("Kubernetes objects"),
            ),
            (
                "Resources:\n  C:\n    Type: AWS::EKS::Cluster\n",
                Some("CloudFormation template"),
            ),
            (
                "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n",
                Some("CloudFormation template"),
            ),
            (
                r#"{"Version": "2012-10-17", "Statement": [{"Principal": {"Service": "x"}}]}"#,
                Some("IAM trust policy document"),
            ),
            ("name: not-ours\n", None),
        ];
        for (text, format) in cases {
            assert_eq!(claimed_by(text), format, "{text}");
        }
    }

    #[test]
    fn pre_filters_take_their_needles_from_the_formats() {
        assert!(may_define_cluster("kind: ClusterConfig"));
        assert!(may_define_cluster(r#"{"fargateProfileName": "p"}"#));
        assert!(!may_define_cluster("kind: Deployment"));
        assert!(json_may_be_read(r#"{"apiVersion": "v1"}"#));
        assert!(json_may_be_read(r#"{"fargateProfileName": "p"}"#));
        assert!(!json_may_be_read(r#"{"name": "package"}"#));
        assert_eq!(
            needles(|f| f.json_needles),
            [
                "\"apiVersion\"",
                "\"fargateProfileName\"",
                "\"AWS::EKS::",
                "\"AWS::IAM::Role\"",
                "eks-fargate-pods"
            ]
        );
    }

    #[test]
    fn escapes_are_read_before_the_pre_filter_looks() {
        assert_eq!(unescape(r#""\u0061piVersion""#), "\"apiVersion\"");
        assert_eq!(
            unescape(r#"kind: "Cluster\x43onfig""#),
            "kind: \"ClusterConfig\""
        );
        assert_eq!(unescape(r"\U00000041\\u0041"), "A\\u0041");
        assert_eq!(unescape("\"Cluster\\\n   Config\""), "\"ClusterConfig\"");
        // Not an escape: kept as written, never a panic on a cut-off one.
        assert_eq!(unescape(r"\u00zz \x4"), "u00zz x4");
        assert_eq!(unescape(r"\u+041 \ud800"), "u+041 ud800");
        assert_eq!(unescape("end\\"), "end\\");
        assert_eq!(unescape("é\\é"), "éé");
        assert!(mentions(
            r#"{"\u0066argateProfileName": "p"}"#,
            &["\"fargateProfileName\""]
        ));
        assert!(!mentions(r#"{"name": "a\nb"}"#, &["\"apiVersion\""]));
    }
}
