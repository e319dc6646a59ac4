//! One run of the pipeline up to the findings, in two steps: [`read_inputs`] gathers the
//! inputs from the disk (the only step that touches the file system), and [`analyze`] parses
//! them in parallel, builds the model, and places and sizes every workload in every cluster.

use std::io::Read;

use rayon::prelude::*;

use crate::diagnostic::InputProblem;
use crate::discover::{DiscoverError, DiscoverOptions, Input, NotRead, discover};
use crate::model::{self, FileEntry, FileFacts, Model};
use crate::placement::{Placements, ProfileOrder, place_among, refuse};
pub use crate::sizing::WorkloadSize;
use crate::sizing::{Pricing, pod_need, size_for};
use crate::source::{FileId, Files, Loc, Pos, Reread, SourceFile, Span};
use crate::yaml;

/// What a run reads and how.
#[derive(Debug, Clone)]
pub struct Settings {
    pub paths: Vec<String>,
    /// Cluster definitions to use besides those among the paths (`--cluster`).
    pub cluster_files: Vec<String>,
    /// Also take the cluster definitions of the whole repository (`--find-clusters`), for
    /// when the paths are a few changed files (a pre-commit hook): see [`find_cluster_inputs`].
    pub find_clusters: bool,
    /// `--render`: the kustomize variants no native build can build whole are built with
    /// `kubectl kustomize` or `kustomize build` instead (see [`render_variants`]).
    pub render: bool,
    pub discover: DiscoverOptions,
    pub default_namespace: String,
    pub pricing: Pricing,
    pub yaml_limits: yaml::Limits,
    /// `[[clusters]]` of the configuration: which manifests go to which cluster. Empty: every
    /// workload to every cluster.
    pub cluster_scopes: Vec<ClusterScope>,
    /// `--baseline REF`: also read the PATHs at this git revision and compare
    /// (`crate::baseline`, `crate::change`).
    pub baseline: Option<String>,
    /// Keep every file's text to the end of the run, for the outputs that quote files (human
    /// snippets, SARIF fingerprints). Otherwise a file's text is dropped as soon as it is
    /// read into facts, so that the texts of a large repository are not all held beside its
    /// model; the files a kustomization names and rendered Helm streams keep theirs (the
    /// builds and the templates' names read them later).
    pub keep_texts: bool,
}

/// One `[[clusters]]` table: the clusters its file defines take only the workloads of the
/// files its globs match, and may have their EC2 capacity set from outside.
#[derive(Debug, Clone)]
pub struct ClusterScope {
    /// The cluster file, as the configuration names it joined to the configuration's folder.
    pub file: std::path::PathBuf,
    /// The folder the globs are relative to (the configuration's).
    pub base: std::path::PathBuf,
    /// `None`: every workload.
    pub manifests: Option<globset::GlobSet>,
    /// Overrides what the cluster file says.
    pub ec2_capacity: Option<bool>,
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Files read, or that could not be read (stdin is one). A path the walk could not follow
    /// (a link loop, which is a folder, or a dangling link, which is nothing) is no file: it
    /// is reported as FL001 and not counted here.
    pub files: usize,
    /// Files read that hold nothing for fargate-lint (Helm templates included).
    pub skipped: usize,
    pub helm_templates: usize,
    /// Documents of the files read, broken ones included; a file that could not be read has
    /// none.
    pub documents: usize,
    /// Paths in walked folders not read on purpose ([`Analysis::not_read`]): not files read.
    pub not_read: usize,
    /// Files left out because a kustomization lists them as patches.
    pub patch_files: usize,
}

/// A file that was read but holds nothing for us, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub reason: SkipReason,
}

/// Why a file that was read holds nothing for us: counted by kind in the summary (Helm
/// templates have a hint of their own), worded by [`std::fmt::Display`] for `--verbose`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    Empty,
    HelmTemplate,
    /// JSON without a needle of any format ([`model::json_may_be_read`]).
    ForeignJson,
    /// Parsed, and no document is of a format of the registry.
    NothingRecognized,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SkipReason::Empty => "empty file",
            SkipReason::HelmTemplate => {
                "Helm template: pipe `helm template` output on stdin instead"
            }
            SkipReason::ForeignJson => {
                "JSON that is not a Kubernetes object, an EKS API profile, a CloudFormation template or a trust policy"
            }
            SkipReason::NothingRecognized => {
                "no Kubernetes object, eksctl ClusterConfig, EKS API profile, CloudFormation template or trust policy"
            }
        })
    }
}

pub struct Analysis {
    /// Every input, indexed by [`FileId`], sorted by path.
    pub files: Files,
    pub model: Model,
    /// Workload `w` in each cluster `c` it belongs to (see [`ClusterScope`]).
    pub placements: Placements,
    /// Per workload.
    pub sizes: Vec<WorkloadSize>,
    pub input_problems: Vec<InputProblem>,
    /// Files that `--find-clusters` added, sorted: they give their clusters only; their
    /// workloads are not placed and findings in them are not reported.
    pub found_cluster_files: Vec<FileId>,
    /// Files read only because a cluster definition among the PATHs may strand their pods
    /// (`--find-clusters`), sorted: only findings about where their workloads land count.
    pub placed_only_files: Vec<FileId>,
    pub stats: Stats,
    pub skipped: Vec<Skipped>,
    /// Paths in the folders walked that were not read on purpose (links out of the
    /// repository, FIFOs...), sorted.
    pub not_read: Vec<NotRead>,
    pub pricing: Pricing,
    /// Per file (by [`FileId`]): its `# fargate-lint: ...` comments, for
    /// [`crate::suppress`]; other comments are not kept.
    pub directive_comments: Vec<Vec<yaml::Comment>>,
    /// The kustomize variants built, by folder, each with the files it read.
    pub variants: Vec<VariantInfo>,
    /// The documents of rendered Helm streams headed by `# Source:`, for the template a
    /// finding names.
    pub helm_sources: crate::source::HelmSources,
}

/// A kustomize variant of the run, for `--verbose`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantInfo {
    /// Its folder, as paths are written.
    pub dir: String,
    /// The files its build read, in [`FileId`] order.
    pub read: Vec<FileId>,
}

impl Analysis {
    /// The display path of every input, in [`FileId`] order.
    pub fn paths(&self) -> Vec<&str> {
        self.files.iter().map(|f| f.path.as_str()).collect()
    }

    /// The text of file `id` for the outputs that quote files: the one kept, or the file
    /// read again when the run let it go (`None` when it changed since: no lines of it are
    /// shown then). See [`Settings::keep_texts`].
    pub fn text(&self, id: FileId) -> Option<std::sync::Arc<str>> {
        let f = self.files.get(id)?;
        match &f.reread {
            None => Some(f.text.clone()),
            Some(r) => crate::discover::reread(r).map(Into::into),
        }
    }

    /// [`Analysis::text`] of each of `ids`, read side by side, in their order (empty for a
    /// text that changed).
    pub fn texts(&self, ids: &[FileId]) -> Vec<std::sync::Arc<str>> {
        ids.par_iter()
            .map(|&id| self.text(id).unwrap_or_default())
            .collect()
    }
}

/// How the message of a document that does not parse starts.
const PARSE_PROBLEM_PREFIX: &str = "cannot parse: ";

/// Whether `p` is about a document of a file that was read (it does not parse, or kubectl
/// refuses it), as opposed to a file that could not be read at all (a tool error for SARIF).
pub fn is_parse_problem(p: &InputProblem) -> bool {
    p.file_read
}

/// `--find-clusters`: the files of the repository (from its root, or the current folder
/// outside any) that may define a cluster and are not among `inputs` already, each with
/// whether it only lends its clusters (else it is read for its workloads' placement). The walk honours the same ignore files and excludes as
/// the paths given.
///
/// When a cluster definition is itself among `inputs` (a hook that passes a changed
/// `infra/cluster.yaml` alone), every other file of the repository is read too, and checked:
/// a changed selector may strand pods whose files did not change, and they must be placed
/// and reported, not pass in silence.
fn find_cluster_inputs(
    settings: &Settings,
    inputs: &[Input],
) -> Result<Vec<(Input, Role)>, DiscoverError> {
    // Without a current folder there is nothing to search from (discover names paths
    // without one too).
    let Ok(cwd) = std::env::current_dir() else {
        return Ok(Vec::new());
    };
    let root = crate::repo::repository_root(&cwd).unwrap_or_else(|| cwd.clone());
    // `.` when the root is the current folder, so that paths print as for the paths given.
    let start = if root == cwd {
        ".".to_string()
    } else {
        root.to_string_lossy().into_owned()
    };
    let canonical = |p: &std::path::Path| std::fs::canonicalize(p).ok();
    let known: std::collections::HashSet<_> = inputs
        .iter()
        .filter_map(|i| i.fs_path.as_deref().and_then(canonical))
        .collect();
    // Decided on what the files hold, not on their text alone (a comment naming
    // `ClusterConfig` is no cluster), and on the PATHs only: `--cluster` files are given to
    // be used, not as changed.
    let cluster_files: Vec<String> = settings
        .cluster_files
        .iter()
        .map(|p| {
            crate::source::normalize(std::path::Path::new(p))
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let cluster_changed = inputs.iter().any(|i| {
        !cluster_files.contains(&i.path)
            && i.content.as_deref().is_ok_and(|text| {
                model::may_define_cluster(text)
                    && defines_cluster(&i.path, text, settings.yaml_limits)
            })
    });
    // What this search passes over is not reported: the user asked about the PATHs only.
    let found = discover(&[start], &settings.discover, &mut std::io::empty())?.inputs;
    // A Terraform file is read with the other files of its folder (its variables, locals
    // and roles): the folders of the Terraform files that may define a cluster.
    let terraform_folders: std::collections::HashSet<&str> = found
        .iter()
        .filter(|i| {
            is_terraform(&i.path) && i.content.as_deref().is_ok_and(model::may_define_cluster)
        })
        .map(|i| folder_of(&i.path))
        .collect();
    let with_module: Vec<bool> = found
        .iter()
        .map(|i| is_terraform(&i.path) && terraform_folders.contains(folder_of(&i.path)))
        .collect();
    Ok(found
        .into_iter()
        .zip(with_module)
        .filter(|(i, _)| {
            i.fs_path
                .as_deref()
                .and_then(canonical)
                .is_none_or(|p| !known.contains(&p))
        })
        .filter_map(|(i, with_module)| {
            if with_module || i.content.as_deref().is_ok_and(model::may_define_cluster) {
                Some((i, Role::ClustersOnly))
            } else {
                cluster_changed.then_some((i, Role::PlacedOnly))
            }
        })
        .collect())
}

/// A Terraform file (`.tf`, `.tfvars`).
fn is_terraform(path: &str) -> bool {
    ends_with_ignore_case(path, ".tf") || ends_with_ignore_case(path, ".tfvars")
}

fn folder_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(folder, _)| folder)
}

/// Whether `text` defines (part of) a cluster once parsed, in any format of the registry or
/// in Terraform.
fn defines_cluster(path: &str, text: &str, limits: yaml::Limits) -> bool {
    if is_terraform(path) {
        return model::terraform::defines_cluster(path, text);
    }
    model::defines_cluster(&yaml::parse(text, limits))
}

/// What parsing one input gave.
struct Parsed {
    facts: FileFacts,
    problems: Vec<InputProblem>,
    skipped: Option<SkipReason>,
    /// The comments that may be suppressions (see [`crate::source::is_directive`]).
    directive_comments: Vec<yaml::Comment>,
    /// A Terraform file, read with the other files of its folder once all are parsed
    /// (boxed: few files are, and every file of a run has a `Parsed` at once).
    terraform: Option<Box<model::terraform::TfFile>>,
    /// The documents of a file kustomize builds read, parsed once.
    documents: Vec<yaml::Document>,
    /// Set when the file's text was let go once read (see [`analyze`]).
    reread: Option<Reread>,
}

fn point(file: FileId, line: u32, column: u32) -> Loc {
    let p = Pos { line, column };
    Loc {
        file,
        span: Span {
            start: p,
            end: p,
            start_byte: 0,
            end_byte: 0,
        },
    }
}

fn has_folder(path: &str, name: &str) -> bool {
    path.split('/').rev().skip(1).any(|part| part == name)
}

fn ends_with_ignore_case(path: &str, ext: &str) -> bool {
    path.len() >= ext.len()
        && path
            .get(path.len() - ext.len()..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case(ext))
}

/// Pieces of a large file parsed side by side are at least this long (see [`yaml::pieces`]).
const PIECE_BYTES: usize = 512 * 1024;

/// What reading the documents of a file (or of a piece of it) gathers.
#[derive(Default)]
struct Reading {
    facts: FileFacts,
    /// The documents kept for kustomize builds.
    documents: Vec<yaml::Document>,
    /// Documents kubectl refuses for not being objects; problems only when the file is
    /// Kubernetes input (see `parse_input`), kept up to the error limit and counted past it.
    not_objects: Vec<model::NotAnObject>,
    more_not_objects: usize,
    manifest_like: bool,
}

impl Reading {
    /// One document: read into the facts and dropped (kept only for kustomize builds), so
    /// that memory is bounded by the largest document, not by the number of documents.
    fn read(
        &mut self,
        id: FileId,
        doc: &mut yaml::Document,
        limits: yaml::Limits,
        kustomization_file: bool,
        keep: bool,
    ) {
        match model::not_an_object(id, doc) {
            Some(n) => {
                self.manifest_like |= n.looks_like_manifest;
                if self.not_objects.len() < limits.max_errors {
                    self.not_objects.push(n);
                } else {
                    self.more_not_objects += 1;
                }
            }
            None => {
                model::extract_document(id, doc, &mut self.facts);
                if kustomization_file {
                    model::untyped_kustomization(doc, &mut self.facts);
                }
                if keep {
                    // Taken from the parser, not copied.
                    let mut doc = std::mem::take(doc);
                    doc.shrink_to_fit();
                    self.documents.push(doc);
                }
            }
        }
    }

    /// Adds what the next piece of the same file gathered, as if read in one go.
    fn append(&mut self, next: Reading, limits: yaml::Limits) {
        self.facts.append(next.facts);
        self.documents.extend(next.documents);
        self.manifest_like |= next.manifest_like;
        self.more_not_objects += next.more_not_objects;
        for n in next.not_objects {
            if self.not_objects.len() < limits.max_errors {
                self.not_objects.push(n);
            } else {
                self.more_not_objects += 1;
            }
        }
    }
}

/// Decides what a file is, and parses and reduces it when it is for us.
/// `keep`: the file is a kustomize resource or patch, whose documents the builds read: they
/// are kept (in [`Parsed::documents`]) instead of dropped once read.
/// `parsed`: a kustomization file as discovery parsed it ([`parse_kustomization`]), read
/// from there instead of parsed again.
fn parse_input(
    id: FileId,
    path: &str,
    text: &str,
    limits: yaml::Limits,
    keep: bool,
    parsed: Option<yaml::ParsedFile>,
) -> Parsed {
    let skip = |reason| Parsed {
        facts: FileFacts::default(),
        problems: Vec::new(),
        skipped: Some(reason),
        directive_comments: Vec::new(),
        terraform: None,
        documents: Vec::new(),
        reread: None,
    };
    if text.trim().is_empty() {
        return skip(SkipReason::Empty);
    }
    if is_terraform(path) {
        return parse_terraform(id, path, text);
    }
    if has_folder(path, "templates") && text.contains("{{") {
        return skip(SkipReason::HelmTemplate);
    }
    // JSON files are many and rarely ours: only those that may hold a document of a format
    // of the registry are parsed.
    if ends_with_ignore_case(path, ".json") && !model::json_may_be_read(text) {
        return skip(SkipReason::ForeignJson);
    }
    let kustomization_file = model::is_kustomization_path(path);
    let read = |origin, piece| {
        let mut reading = Reading::default();
        let parsed = yaml::parse_each_at(piece, origin, limits, directives_of(piece), &mut |doc| {
            reading.read(id, doc, limits, kustomization_file, keep)
        });
        (reading, parsed)
    };
    // A large file is parsed in pieces side by side (one file is otherwise one thread's
    // work); a kustomization is small and read whole, as a file with a parse error is,
    // because the recovery after an error may cross into the next piece.
    let pieces = if kustomization_file {
        Vec::new()
    } else {
        yaml::pieces(text, PIECE_BYTES)
    };
    let (reading, parsed) = match (parsed, pieces.len()) {
        (Some(mut parsed), _) if kustomization_file => {
            let mut reading = Reading::default();
            for doc in &mut parsed.documents {
                reading.read(id, doc, limits, kustomization_file, keep);
            }
            parsed.documents = Vec::new();
            (reading, parsed)
        }
        (_, 0 | 1) => read(yaml::Origin::default(), text),
        _ => {
            let results: Vec<_> = pieces
                .into_par_iter()
                .map(|(origin, piece)| read(origin, piece))
                .collect();
            if results.iter().any(|(_, p)| !p.errors.is_empty()) {
                read(yaml::Origin::default(), text)
            } else {
                let mut whole = (Reading::default(), yaml::ParsedFile::default());
                for (reading, parsed) in results {
                    whole.0.append(reading, limits);
                    whole.1.empty_documents += parsed.empty_documents;
                    whole.1.comments.extend(parsed.comments);
                }
                whole
            }
        }
    };
    let Reading {
        mut facts,
        documents,
        not_objects,
        more_not_objects,
        manifest_like,
    } = reading;
    let mut problems = parsed
        .errors
        .iter()
        .map(|e| InputProblem {
            loc: Loc {
                file: id,
                span: e.span,
            },
            message: format!("{PARSE_PROBLEM_PREFIX}{}", e.message),
            help: "fix the document here; the other documents of the file are still checked",
            file_read: true,
        })
        .collect::<Vec<_>>();
    let mut more = parsed.more_errors;
    let not_object_documents = not_objects.len() + more_not_objects;
    // A string or list document is kubectl's problem only in a file meant for it: one with
    // Kubernetes objects, or whose string or list itself looks like manifests. A YAML list
    // elsewhere (an Ansible playbook) is not ours.
    if facts.recognized || manifest_like {
        problems.extend(not_objects.into_iter().map(|n| InputProblem {
            loc: n.loc,
            message: n.message,
            help: n.help,
            file_read: true,
        }));
        more += more_not_objects;
        problems.sort_by_key(|p| p.loc.span.start_byte);
        if problems.len() > limits.max_errors {
            more += problems.len() - limits.max_errors;
            problems.truncate(limits.max_errors);
        }
    }
    if let Some(last) = problems.last().map(|p| p.loc)
        && more > 0
    {
        problems.push(InputProblem {
            loc: last,
            message: format!(
                "{more} more documents of this file cannot be read; only the first {} are reported",
                limits.max_errors
            ),
            help: "fix the documents reported first; the other documents of the file are still checked",
            file_read: true,
        });
    }
    // Every document read counts once in the summary: `analyze` adds the problems to
    // `facts.documents`, and one problem may stand for many documents.
    let represented = parsed.errors.len() + parsed.more_errors + not_object_documents;
    facts.documents += parsed.empty_documents + represented.saturating_sub(problems.len());
    let skipped =
        (!facts.recognized && problems.is_empty()).then_some(SkipReason::NothingRecognized);
    let directive_comments = parsed.comments;
    facts.shrink_to_fit();
    Parsed {
        facts,
        problems,
        skipped,
        directive_comments,
        documents,
        terraform: None,
        reread: None,
    }
}

/// A `.tf` file: parsed alone (FL001 when it does not parse), read with its folder by
/// [`read_terraform_modules`].
fn parse_terraform(id: FileId, path: &str, text: &str) -> Parsed {
    let (terraform, problems) = match model::terraform::parse(id, path, text) {
        Ok(f) => (Some(Box::new(f)), Vec::new()),
        Err(e) => (
            None,
            vec![InputProblem {
                loc: point(id, e.line, e.column),
                message: format!("{PARSE_PROBLEM_PREFIX}{}", e.message),
                help: "fix the Terraform syntax here; the other files of the module are still read",
                file_read: true,
            }],
        ),
    };
    Parsed {
        facts: FileFacts {
            // One document: the file.
            documents: usize::from(terraform.is_some()),
            recognized: true,
            ..FileFacts::default()
        },
        problems,
        skipped: None,
        directive_comments: model::terraform::directive_comments(text),
        terraform,
        documents: Vec::new(),
        reread: None,
    }
}

/// The Terraform files of each folder read as one module, their facts given to the files
/// they are written in.
fn read_terraform_modules(parsed: &mut [Parsed]) {
    let files: Vec<model::terraform::TfFile> = parsed
        .iter_mut()
        .filter_map(|p| p.terraform.take().map(|t| *t))
        .collect();
    if files.is_empty() {
        return;
    }
    for (id, facts) in model::terraform::read_modules(&files) {
        if let Some(p) = parsed.get_mut(id.0 as usize) {
            p.facts.absorb(facts);
        }
    }
}

/// Why an input is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Named on the command line (or under a PATH).
    Asked,
    /// Found by `--find-clusters` for its clusters.
    ClustersOnly,
    /// Found by `--find-clusters` because a cluster among the PATHs may place its pods.
    PlacedOnly,
}

/// What a run reads, in path order: each input with whether it only lends its clusters
/// (`--find-clusters`) and where it is on disk, links resolved (for `[[clusters]]`). Made from
/// the disk by [`read_inputs`]; a run may as well start from files read out of a git
/// revision or an editor buffer, with no canonical paths.
#[derive(Debug, Default)]
pub struct Inputs {
    pub files: Vec<Input>,
    /// Per file: found by `--find-clusters`, so only its clusters count.
    pub clusters_only: Vec<bool>,
    /// Per file: read only because a cluster definition among the PATHs changed, so only
    /// what decides where its workloads land (FL2xx) is reported.
    pub placed_only: Vec<bool>,
    /// Per file: its canonical path, when it has one and `[[clusters]]` needs it.
    pub canonical: Vec<Option<std::path::PathBuf>>,
    /// Per `[[clusters]]` table of the settings: its cluster file and its folder, resolved.
    pub scope_paths: Vec<(Option<std::path::PathBuf>, std::path::PathBuf)>,
    /// What the walk passed over on purpose.
    pub not_read: Vec<NotRead>,
    /// Paths kustomizations name that were not read, with why (outside the repository).
    pub kustomize_refused: Vec<(String, String)>,
    /// The files kustomizations name (normalized display paths): their parsed documents are
    /// kept for the builds instead of parsed again.
    pub kustomize_files: std::collections::HashSet<String>,
    /// `--render`: per variant kustomization file (normalized display path), what
    /// `kubectl kustomize` printed, or why there is nothing.
    pub rendered: std::collections::HashMap<String, Result<String, String>>,
    /// Per kustomization file, its text as parsed to find what it names: read into facts
    /// from there, not parsed a second time.
    pub kustomizations: ParsedKustomizations,
}

/// Kustomization files parsed by discovery, by input: display path and path on disk (stdin
/// named with `--stdin-filename` has the display path of the file it stands for, and both
/// may be read). A key met twice is left out, so that each of the two parses its own text.
pub type ParsedKustomizations =
    std::collections::HashMap<(String, Option<std::path::PathBuf>), yaml::ParsedFile>;

/// Discovery: the PATHs and `--cluster` files from the disk (and stdin), the cluster files
/// of the repository with `--find-clusters`, in path order, with the canonical paths the
/// `[[clusters]]` tables need. The only step of a run that looks at the file system.
pub fn read_inputs(settings: &Settings, stdin: &mut dyn Read) -> Result<Inputs, DiscoverError> {
    let mut paths = settings.paths.clone();
    paths.extend(settings.cluster_files.iter().cloned());
    let discovery = discover(&paths, &settings.discover, stdin)?;
    let (inputs, not_read) = (discovery.inputs, discovery.not_read);
    // Each input with whether it is there for its clusters only, in path order.
    let mut inputs: Vec<(Input, Role)> = if settings.find_clusters {
        let found = find_cluster_inputs(settings, &inputs)?;
        inputs
            .into_iter()
            .map(|i| (i, Role::Asked))
            .chain(found)
            .collect()
    } else {
        inputs.into_iter().map(|i| (i, Role::Asked)).collect()
    };
    // The files kustomizations name outside the PATHs, from the disk: inside the folder a
    // build may read from (`discover::kustomize_root`, once per kustomization folder).
    let mut roots: std::collections::HashMap<String, Option<std::path::PathBuf>> =
        std::collections::HashMap::new();
    let mut from_disk = |dir: &str, candidate: &str| {
        let root = roots
            .entry(dir.to_string())
            .or_insert_with(|| crate::discover::kustomize_root(std::path::Path::new(dir)))
            .clone()?;
        crate::discover::read_referenced(candidate, &root, &settings.discover)
    };
    let kustomize = add_kustomize_inputs(&mut inputs, settings, &mut from_disk);
    let rendered = if settings.render {
        render_variants(&inputs, settings)
    } else {
        std::collections::HashMap::new()
    };
    Ok(finish_inputs(
        inputs, settings, not_read, kustomize, rendered,
    ))
}

/// Reads a file a kustomization names: `(kustomization folder, candidate display path)` to
/// the file, why it is not read, or `None` when there is nothing there.
pub type ReadReferenced<'a> = dyn FnMut(&str, &str) -> Option<Result<Input, String>> + 'a;

/// The files of a git revision (`crate::baseline`), read like the PATHs of [`read_inputs`]:
/// with the files their kustomizations name, which `referenced` reads from the same
/// revision. No `--find-clusters` or `--render` there: those look at the disk.
pub fn inputs_from(
    files: Vec<Input>,
    settings: &Settings,
    referenced: &mut ReadReferenced<'_>,
) -> Inputs {
    let mut inputs: Vec<(Input, Role)> = files.into_iter().map(|i| (i, Role::Asked)).collect();
    let kustomize = add_kustomize_inputs(&mut inputs, settings, referenced);
    finish_inputs(
        inputs,
        settings,
        Vec::new(),
        kustomize,
        std::collections::HashMap::new(),
    )
}

/// Inputs in path order, with what `[[clusters]]` needs.
fn finish_inputs(
    mut inputs: Vec<(Input, Role)>,
    settings: &Settings,
    not_read: Vec<NotRead>,
    kustomize: Kustomize,
    rendered: std::collections::HashMap<String, Result<String, String>>,
) -> Inputs {
    inputs.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    let (files, roles): (Vec<Input>, Vec<Role>) = inputs.into_iter().unzip();
    let clusters_only = roles.iter().map(|r| *r == Role::ClustersOnly).collect();
    let placed_only = roles.iter().map(|r| *r == Role::PlacedOnly).collect();
    // Canonical paths, to recognise the files `[[clusters]]` names whatever way they were
    // reached; only needed (and only computed) when there are scopes.
    let canonical = if settings.cluster_scopes.is_empty() {
        Vec::new()
    } else {
        files
            .iter()
            .map(|i| match i.fs_path.as_deref() {
                Some(p) => std::fs::canonicalize(p).ok(),
                // Stdin named with `--stdin-filename`: where that file would be.
                None if i.path != crate::source::STDIN_NAME => stand_in_path(&i.path),
                None => None,
            })
            .collect()
    };
    let scope_paths = settings
        .cluster_scopes
        .iter()
        .map(|s| {
            (
                std::fs::canonicalize(&s.file).ok(),
                std::fs::canonicalize(&s.base).unwrap_or_else(|_| s.base.clone()),
            )
        })
        .collect();
    Inputs {
        files,
        clusters_only,
        placed_only,
        canonical,
        scope_paths,
        not_read,
        kustomize_refused: kustomize.refused,
        kustomize_files: kustomize.named,
        rendered,
        kustomizations: kustomize.parsed,
    }
}

/// `--render`: the variants among `inputs` that use what no native build does, each built by
/// `kubectl kustomize DIR` (or `kustomize build DIR`) from PATH. The user asked for it: the
/// only place a run starts a program.
fn render_variants(
    inputs: &[(Input, Role)],
    settings: &Settings,
) -> std::collections::HashMap<String, Result<String, String>> {
    let read: Vec<(String, model::Kustomization)> = inputs
        .iter()
        .filter(|(i, _)| model::is_kustomization_path(&i.path))
        .filter_map(|(i, _)| {
            let parsed = yaml::parse(i.content.as_deref().ok()?, settings.yaml_limits);
            let mut facts = model::extract(FileId(0), &parsed);
            for doc in &parsed.documents {
                model::untyped_kustomization(doc, &mut facts);
            }
            Some((model::join_path(".", &i.path), facts.kustomization?))
        })
        .collect();
    let with: Vec<(&str, &model::Kustomization)> =
        read.iter().map(|(p, k)| (p.as_str(), k)).collect();
    let named = settings
        .paths
        .iter()
        .map(|p| model::join_path(".", p))
        .collect();
    model::variant_paths(&with, &named)
        .into_iter()
        .filter(|path| model::needs_render(&with, path))
        .map(|path| (path.to_string(), render(model::folder_of(path))))
        .collect()
}

/// `kubectl kustomize DIR`, else `kustomize build DIR`: what it printed, or why not.
fn render(dir: &str) -> Result<String, String> {
    let tools: [(&str, &str); 2] = [("kubectl", "kustomize"), ("kustomize", "build")];
    for (tool, command) in tools {
        match std::process::Command::new(tool)
            .args([command, dir])
            .stdin(std::process::Stdio::null())
            .output()
        {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("--render: `{tool} {command}` cannot run: {e}")),
            Ok(out) if out.status.success() => {
                return String::from_utf8(out.stdout)
                    .map_err(|_| format!("--render: `{tool} {command} {dir}` printed no UTF-8"));
            }
            Ok(out) => {
                let err = String::from_utf8_lossy(&out.stderr);
                let first = err.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
                return Err(format!(
                    "--render: `{tool} {command} {dir}` failed: {}",
                    first.chars().take(300).collect::<String>()
                ));
            }
        }
    }
    Err("--render: neither `kubectl` nor `kustomize` is on PATH; the variant is predicted from what can be built natively".to_string())
}

/// Adds the files the kustomizations among `inputs` name (resources, bases, components,
/// patches; the kustomizations of named folders, in turn), read by `read` (from the disk or a
/// git revision) inside each kustomization's repository as kustomize's load restrictions say.
/// Returns the paths named but not read, with why, for the build to report at the line that
/// names them, and the files named.
fn add_kustomize_inputs(
    inputs: &mut Vec<(Input, Role)>,
    settings: &Settings,
    read: &mut ReadReferenced<'_>,
) -> Kustomize {
    let mut named = std::collections::HashSet::new();
    let mut known: std::collections::HashSet<String> = inputs
        .iter()
        .map(|(i, _)| model::join_path(".", &i.path))
        .collect();
    // (the path its references are relative to, its input's key, its text)
    type Key = (String, Option<std::path::PathBuf>);
    let key_of = |i: &Input| (i.path.clone(), i.fs_path.clone());
    let mut queue: Vec<(String, Key, String)> = inputs
        .iter()
        .filter(|(i, _)| model::is_kustomization_path(&i.path))
        .filter_map(|(i, _)| {
            let text = i.content.as_ref().ok()?.clone();
            Some((i.path.clone(), key_of(i), text))
        })
        .collect();
    let mut refused = Vec::new();
    let mut parsed_files = ParsedKustomizations::new();
    let mut twice = std::collections::HashSet::new();
    // In waves: the kustomizations found so far parsed side by side (a run of a thousand
    // apps has two thousand), then what they name looked up in turn, in the order they were
    // found: the files read do not depend on the thread count (a file is read once, under
    // its first name found).
    while !queue.is_empty() {
        // Each kustomization of the wave parsed, and the paths each of its references may
        // name, side by side; what is read already or from the disk is then looked up in turn.
        type Found = Option<Vec<Vec<String>>>;
        let wave: Vec<(String, (Key, yaml::ParsedFile), Found)> = std::mem::take(&mut queue)
            .into_par_iter()
            .map(|(path, key, text)| {
                let parsed = (key, parse_kustomization(&text, settings.yaml_limits));
                let dir = model::folder_of(&path);
                let references = model::kustomization_of(&parsed.1.documents).map(|k| {
                    k.resources
                        .iter()
                        .chain(&k.patches)
                        .filter(|r| !model::is_remote(r))
                        .map(|reference| {
                            let target = model::join_path(dir, reference);
                            let names = crate::model::KUSTOMIZATION_FILE_NAMES
                                .iter()
                                .map(|n| model::join_path(&target, n));
                            std::iter::once(target.clone()).chain(names).collect()
                        })
                        .collect()
                });
                (path, parsed, references)
            })
            .collect();
        for (path, (key, parsed), references) in wave {
            if parsed_files.insert(key.clone(), parsed).is_some() {
                twice.insert(key);
            }
            let Some(references) = references else {
                continue;
            };
            let dir = model::folder_of(&path);
            named.insert(model::join_path(".", &path));
            for candidates in references {
                // Read already (under the PATHs): nothing to ask the disk.
                if let Some(hit) = candidates.iter().find(|c| known.contains(*c)) {
                    named.insert(hit.clone());
                    continue;
                }
                for candidate in candidates {
                    match read(dir, &candidate) {
                        None => continue,
                        Some(Err(why)) => refused.push((candidate, why)),
                        Some(Ok(input)) => {
                            known.insert(candidate.clone());
                            named.insert(candidate.clone());
                            if model::is_kustomization_path(&candidate)
                                && let Ok(text) = &input.content
                            {
                                queue.push((candidate.clone(), key_of(&input), text.clone()));
                            }
                            inputs.push((input, Role::Asked));
                        }
                    }
                    break;
                }
            }
        }
    }
    refused.sort();
    refused.dedup();
    for key in &twice {
        parsed_files.remove(key);
    }
    Kustomize {
        refused,
        named,
        parsed: parsed_files,
    }
}

/// What [`add_kustomize_inputs`] found.
struct Kustomize {
    /// Paths named but not read, with why.
    refused: Vec<(String, String)>,
    /// The files named (normalized display paths).
    named: std::collections::HashSet<String>,
    /// Each kustomization file parsed.
    parsed: ParsedKustomizations,
}

/// The comments of `text` a run keeps: kept while the parser's comments are at hand, so
/// that suppressions need no second parse; a text without the directives' prefix has none.
/// The one choice of [`parse_input`] and [`parse_kustomization`], whose parses must agree.
fn directives_of(text: &str) -> Option<&'static dyn Fn(&str) -> bool> {
    text.contains(crate::source::DIRECTIVE_PREFIX)
        .then_some(&crate::source::is_directive)
}

/// A kustomization file parsed as [`parse_input`] parses one (whole, with the suppression
/// comments), its documents kept.
fn parse_kustomization(text: &str, limits: yaml::Limits) -> yaml::ParsedFile {
    let mut documents = Vec::new();
    let mut parsed = yaml::parse_each(text, limits, directives_of(text), &mut |doc| {
        let mut doc = std::mem::take(doc);
        doc.shrink_to_fit();
        documents.push(doc);
    });
    parsed.documents = documents;
    parsed
}

/// The canonical path of a file that stdin stands for (`--stdin-filename`): the file need
/// not exist, nor its folders; the nearest folder that does is resolved and the rest joined.
fn stand_in_path(name: &str) -> Option<std::path::PathBuf> {
    let absolute = crate::source::normalize(&std::env::current_dir().ok()?.join(name));
    let mut existing = absolute.as_path();
    loop {
        if let Ok(canonical) = std::fs::canonicalize(existing) {
            let rest = absolute.strip_prefix(existing).ok()?;
            return Some(canonical.join(rest));
        }
        existing = existing.parent()?;
    }
}

/// Runs parse → model → placement and sizing on `inputs`, without touching the file system.
pub fn analyze(settings: &Settings, inputs: Inputs) -> Analysis {
    let Inputs {
        files: inputs,
        clusters_only,
        placed_only,
        canonical,
        scope_paths,
        not_read,
        kustomize_refused,
        kustomize_files,
        rendered,
        mut kustomizations,
    } = inputs;
    let found_cluster_files: Vec<FileId> = clusters_only
        .iter()
        .enumerate()
        .filter(|(_, only)| **only)
        .map(|(i, _)| FileId(u32::try_from(i).unwrap_or(u32::MAX)))
        .collect();
    let placed_only_files: Vec<FileId> = placed_only
        .iter()
        .enumerate()
        .filter(|(_, only)| **only)
        .map(|(i, _)| FileId(u32::try_from(i).unwrap_or(u32::MAX)))
        .collect();

    let mut files = Vec::with_capacity(inputs.len());
    let mut problems = Vec::new();
    let mut skipped = Vec::new();
    let mut stats = Stats {
        files: inputs
            .iter()
            .filter(|i| !matches!(i.content, Err(crate::discover::InputError::WalkError(_))))
            .count(),
        not_read: not_read.len(),
        ..Stats::default()
    };

    let mut inputs = inputs;
    let parsed_kustomizations: Vec<Option<yaml::ParsedFile>> = inputs
        .iter()
        .map(|i| kustomizations.remove(&(i.path.clone(), i.fs_path.clone())))
        .collect();
    let mut parsed: Vec<Parsed> = inputs
        .par_iter_mut()
        .zip(parsed_kustomizations)
        .enumerate()
        .map(|(i, (input, parsed_kustomization))| {
            let id = FileId(u32::try_from(i).unwrap_or(u32::MAX));
            match &mut input.content {
                Ok(text) => {
                    let keep = kustomize_files.contains(&model::join_path(".", &input.path));
                    let parsed = parse_input(
                        id,
                        &input.path,
                        text,
                        settings.yaml_limits,
                        keep,
                        parsed_kustomization,
                    );
                    // Let go once read into facts, unless an output quotes files, a build
                    // reads it, or it names Helm templates; only a file on disk (not stdin,
                    // not a git revision's) can be read again.
                    // A pipe, a FIFO or a device (`<(cmd)`, `/dev/stdin`) gives its text
                    // once: only a regular file is let go.
                    let reread = input
                        .fs_path
                        .as_ref()
                        .filter(|_| !(settings.keep_texts || keep))
                        .filter(|_| !crate::source::HelmSources::may_name(text))
                        .and_then(|fs_path| {
                            Some(Reread {
                                fs_path: fs_path.clone(),
                                identity: crate::discover::regular_file(fs_path)?,
                                len: text.len(),
                                digest: crate::source::digest(text),
                            })
                        });
                    if reread.is_some() {
                        *text = String::new();
                    }
                    Parsed { reread, ..parsed }
                }
                Err(e) => {
                    let (line, column) = e.position().unwrap_or((1, 1));
                    Parsed {
                        facts: FileFacts::default(),
                        problems: vec![InputProblem {
                            loc: point(id, line, column),
                            message: e.to_string(),
                            help: "fargate-lint reads UTF-8 text files; exclude this one with --exclude or an .ignore entry if it is not a manifest",
                            file_read: false,
                        }],
                        skipped: None,
                        directive_comments: Vec::new(),
                        terraform: None,
                        documents: Vec::new(),
                        reread: None,
                    }
                }
            }
        })
        .collect();

    read_terraform_modules(&mut parsed);

    let mut entries = Vec::with_capacity(inputs.len());
    let mut directive_comments = Vec::with_capacity(inputs.len());
    let mut kept_documents = Vec::with_capacity(inputs.len());
    for (i, (input, mut p)) in inputs.into_iter().zip(parsed).enumerate() {
        let id = FileId(u32::try_from(i).unwrap_or(u32::MAX));
        if found_cluster_files.binary_search(&id).is_ok() {
            // Only the clusters of a file found by `--find-clusters` count.
            p.facts.workloads.clear();
        }
        // Broken documents count too: they were read. A file that could not be read has one
        // problem and no document.
        if input.content.is_ok() {
            stats.documents += p.facts.documents + p.problems.len();
        }
        if let Some(reason) = p.skipped {
            stats.skipped += 1;
            if reason == SkipReason::HelmTemplate {
                stats.helm_templates += 1;
            }
            skipped.push(Skipped {
                path: input.path.clone(),
                reason,
            });
        }
        problems.extend(p.problems);
        directive_comments.push(p.directive_comments);
        kept_documents.push(p.documents);
        entries.push(FileEntry {
            path: input.path.clone(),
            facts: p.facts,
        });
        files.push(SourceFile {
            path: input.path,
            text: input.content.unwrap_or_default().into(),
            reread: p.reread,
        });
    }

    let built = build_variants(
        settings,
        &files,
        &kept_documents,
        &mut entries,
        kustomize_refused,
        &rendered,
        &kustomize_files,
    );
    // Thousands of trees: dropped side by side.
    kept_documents.into_par_iter().for_each(drop);
    problems.extend(built.problems);
    let variants = built.variants;
    let (model, assembled) = model::assemble(entries, &settings.default_namespace);

    let mut model = model;
    stats.patch_files = assembled.patch_files;
    let scopes = scopes_of_clusters(&settings.cluster_scopes, &scope_paths, &model, &canonical);
    for (cluster, scopes) in model.clusters.iter_mut().zip(&scopes) {
        if let Some(ec2) = scopes.iter().rev().find_map(|s| s.scope.ec2_capacity) {
            cluster.ec2_capacity = ec2;
            // The configuration says so in words.
            cluster.profiles_only = false;
        }
    }
    let sizes: Vec<WorkloadSize> = model
        .workloads
        .par_iter()
        .map(|w| {
            let need = pod_need(&w.pod);
            WorkloadSize {
                size: size_for(&need),
                need,
            }
        })
        .collect();
    // Templates (a placeholder name or region) stand in for clusters only where there are
    // no real ones.
    let templates: Vec<bool> = model
        .clusters
        .iter()
        .map(model::Cluster::is_template)
        .collect();
    let has_real_clusters = templates.contains(&false);
    let orders: Vec<ProfileOrder> = model.clusters.iter().map(ProfileOrder::of).collect();
    let placements = Placements::new(
        model
            .workloads
            .par_iter()
            .enumerate()
            .map(|(i, w)| {
                let path = canonical
                    .get(w.loc.file.0 as usize)
                    .and_then(Option::as_deref);
                // A pod Fargate cannot size is refused there: Pending, not Fargate.
                let fits = sizes
                    .get(i)
                    .is_some_and(|s| s.fits_fargate() || s.is_guess());
                orders
                    .iter()
                    .zip(&templates)
                    .zip(&scopes)
                    .map(|((order, &template), scopes)| {
                        let placed = belongs(scopes, path) && !(has_real_clusters && template);
                        placed.then(|| refuse(place_among(order, w), fits))
                    })
                    .collect()
            })
            .collect(),
    );

    let files = Files::new(files);
    let helm_sources = crate::source::HelmSources::of(&files);
    Analysis {
        files,
        model,
        placements,
        sizes,
        input_problems: problems,
        found_cluster_files,
        placed_only_files,
        stats,
        skipped,
        not_read,
        pricing: settings.pricing,
        directive_comments,
        variants,
        helm_sources,
    }
}

/// What building the kustomize variants of a run gave: their objects are added to the
/// entries (one entry per variant, the files they read marked `included`).
struct Built {
    variants: Vec<VariantInfo>,
    problems: Vec<InputProblem>,
}

/// The kustomize variants of a run: every kustomization folder that no other kustomization
/// of the run includes (a component never is one), and every one named on the command line.
/// Each is built natively ([`model::build_variant`]); its objects are read as documents of
/// its kustomization file whose nodes keep the files they came from. The files any variant
/// read are placed only through it.
fn build_variants(
    settings: &Settings,
    files: &[SourceFile],
    documents: &[Vec<yaml::Document>],
    entries: &mut Vec<FileEntry>,
    refused: Vec<(String, String)>,
    rendered: &std::collections::HashMap<String, Result<String, String>>,
    named_files: &std::collections::HashSet<String>,
) -> Built {
    let normal = |p: &str| model::join_path(".", p);
    let kustomizations: Vec<(usize, String, bool)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| model::is_kustomization_path(&e.path))
        .filter_map(|(i, e)| {
            let k = e.facts.kustomization.as_ref()?;
            Some((i, normal(&e.path), k.component))
        })
        .collect();
    if kustomizations.is_empty() {
        return Built {
            variants: Vec::new(),
            problems: Vec::new(),
        };
    }
    let named: std::collections::HashSet<String> =
        settings.paths.iter().map(|p| normal(p)).collect();
    let with_facts: Vec<(&str, &model::Kustomization)> = kustomizations
        .iter()
        .filter_map(|(i, path, _)| Some((path.as_str(), entries[*i].facts.kustomization.as_ref()?)))
        .collect();
    let chosen: Vec<String> = model::variant_paths(&with_facts, &named)
        .into_iter()
        .map(str::to_string)
        .collect();
    let input = model::BuildInput {
        files: files
            .iter()
            .enumerate()
            .filter(|(_, f)| f.path != crate::source::STDIN_NAME)
            .map(|(i, f)| (i, f, normal(&f.path)))
            // What no kustomization names, a build never reads (kustomizations are named).
            .filter(|(_, _, path)| named_files.contains(path))
            .map(|(i, f, path)| {
                (
                    path,
                    model::Source {
                        id: FileId(u32::try_from(i).unwrap_or(u32::MAX)),
                        text: &f.text,
                        documents: documents
                            .get(i)
                            .map(Vec::as_slice)
                            .filter(|d| !d.is_empty()),
                    },
                )
            })
            .collect(),
        refused: refused.into_iter().collect(),
        limits: settings.yaml_limits,
    };
    let kustomization_files: std::collections::HashSet<FileId> = kustomizations
        .iter()
        .map(|(i, _, _)| FileId(u32::try_from(*i).unwrap_or(u32::MAX)))
        .collect();
    // Each variant read into facts as soon as it is built, its documents dropped then: only
    // the facts of all variants are held at once.
    let read_variant = |mut v: model::Variant| {
        let mut facts = FileFacts::default();
        for doc in &v.documents {
            model::extract_document(v.file, doc, &mut facts);
        }
        v.documents = Vec::new();
        // What the files say on their own is reported where they are read (FL005 and
        // FL002 of a base, once however many variants share it).
        facts
            .unresolved
            .retain(|u| kustomization_files.contains(&u.loc.file));
        facts.invalid.clear();
        facts.clusters.clear();
        facts.documents = 0;
        facts.variant = Some(v.dir.clone());
        facts.shrink_to_fit();
        (v, facts)
    };
    // `--render`: a variant kustomize built replaces the native build's objects (the native
    // build still says which files it reads); one it could not build says why, at the
    // kustomization, and keeps the native objects.
    let render = |path: &str, mut v: model::Variant| {
        let Some(result) = rendered.get(path) else {
            return v;
        };
        let text = files.get(v.file.0 as usize).map(|f| &*f.text).unwrap_or("");
        let first = text.lines().next().unwrap_or("");
        let end = crate::source::Pos {
            line: 1,
            column: u32::try_from(first.chars().count() + 1).unwrap_or(u32::MAX),
        };
        let at = Span {
            start: crate::source::Pos { line: 1, column: 1 },
            end,
            start_byte: 0,
            end_byte: crate::source::offset(first.len()),
        };
        match result {
            Ok(out) => {
                v.documents = model::rendered_documents(v.file, at, out, settings.yaml_limits);
                v.unsupported.clear();
            }
            Err(why) => v.problems.push(model::BuildProblem {
                loc: Loc {
                    file: v.file,
                    span: at,
                },
                message: why.clone(),
            }),
        }
        v
    };
    let mut built: Vec<(model::Variant, FileFacts)> = chosen
        .par_iter()
        .filter_map(|path| model::build_variant(&input, path).map(|v| render(path, v)))
        .map(read_variant)
        .collect();
    // A kustomization no variant reached is included only by a cycle: built on its own, so
    // that the cycle is reported where it is written.
    let mut reached: std::collections::HashSet<FileId> = built
        .iter()
        .flat_map(|(v, _)| v.read.iter().copied())
        .collect();
    for (i, path, component) in &kustomizations {
        let id = FileId(u32::try_from(*i).unwrap_or(u32::MAX));
        if *component || reached.contains(&id) {
            continue;
        }
        if let Some(v) = model::build_variant(&input, path) {
            reached.extend(v.read.iter().copied());
            built.push(read_variant(v));
        }
    }
    let mut problems = Vec::new();
    let mut variants = Vec::new();
    let mut read = std::collections::HashSet::new();
    // One entry per variant: the vector grown once to its size, not doubled past it (8.6 MB
    // of the 10,000-file corpus's peak in massif).
    entries.reserve_exact(built.len());
    for (v, mut facts) in built {
        read.extend(v.read.iter().copied());
        problems.extend(v.problems.into_iter().map(|p| InputProblem {
            loc: p.loc,
            message: p.message,
            help: "fix the reference or the patch; the rest of the variant is still built and checked",
            file_read: true,
        }));
        facts.unresolved.extend(
            v.unsupported
                .into_iter()
                .map(|(loc, field)| model::Unresolved {
                    loc,
                    needed: model::Needed::KustomizeField {
                        variant: v.dir.clone(),
                    },
                    value: field,
                }),
        );
        variants.push(VariantInfo {
            dir: v.dir.clone(),
            read: v.read,
        });
        entries.push(FileEntry {
            path: files
                .get(v.file.0 as usize)
                .map(|f| f.path.clone())
                .unwrap_or_default(),
            facts,
        });
    }
    entries.par_iter_mut().enumerate().for_each(|(i, e)| {
        if e.facts.variant.is_none() && read.contains(&FileId(u32::try_from(i).unwrap_or(u32::MAX)))
        {
            e.facts.mark_included();
        }
    });
    problems.sort_by(|a, b| (a.loc, &a.message).cmp(&(b.loc, &b.message)));
    problems.dedup();
    Built { variants, problems }
}

/// A `[[clusters]]` table with its folder resolved once (not per workload).
struct Scope<'s> {
    scope: &'s ClusterScope,
    base: std::path::PathBuf,
}

/// Per cluster of the model, the `[[clusters]]` tables whose file defines (part of) it.
fn scopes_of_clusters<'s>(
    scopes: &'s [ClusterScope],
    scope_paths: &[(Option<std::path::PathBuf>, std::path::PathBuf)],
    model: &Model,
    canonical: &[Option<std::path::PathBuf>],
) -> Vec<Vec<Scope<'s>>> {
    model
        .clusters
        .iter()
        .map(|c| {
            scopes
                .iter()
                .zip(scope_paths)
                .filter(|(_, (file, _))| {
                    file.is_some()
                        && c.files.iter().any(|f| {
                            canonical.get(f.0 as usize).and_then(Option::as_ref) == file.as_ref()
                        })
                })
                .map(|(scope, (_, base))| Scope {
                    scope,
                    base: base.clone(),
                })
                .collect()
        })
        .collect()
}

/// Whether the workload of the file at `path` (canonical; `None` for stdin) goes to a
/// cluster with `scopes`: a cluster no table names takes every workload, as does a table
/// without `manifests`; otherwise one of the globs must match the path relative to the
/// table's folder.
fn belongs(scopes: &[Scope<'_>], path: Option<&std::path::Path>) -> bool {
    scopes.is_empty()
        || scopes.iter().any(|s| match &s.scope.manifests {
            None => true,
            Some(globs) => path.is_some_and(|path| {
                path.strip_prefix(&s.base)
                    .is_ok_and(|rel| globs.is_match(rel))
            }),
        })
}
