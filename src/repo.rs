//! The git repository root and paths relative to it, for the outputs that GitHub reads (SARIF
//! and workflow annotations) and for `--find-clusters`. GitHub resolves paths against the
//! root of the checkout, so a path relative to the folder that was scanned, or to where the
//! command ran, points at the wrong file (Checkov writes `sample/sample/...`, Trivy paths
//! relative to the scan target).
//!
//! The root of each file is found by walking up from its absolute path to a folder holding
//! `.git` (a folder in a clone, a file in a worktree or submodule). The root of the first file
//! that has one is the base (`%SRCROOT%` in SARIF); with no repository at all the base is the
//! current folder, so the paths are the ones the other outputs print.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::source::STDIN_NAME;
use crate::source::{FileId, normalize};

/// Where one input file is, as GitHub should see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepoPath {
    /// Under the base: the path relative to it, with `/`.
    Relative(String),
    /// Outside the base (another repository, or outside any when the base is the current
    /// folder): the absolute path.
    Absolute(PathBuf),
    /// Not a file on disk (`<stdin>`): the display name.
    Display(String),
}

/// The repository-relative path of every input of a run.
pub struct RepoPaths {
    /// The repository root (or the current folder when there is no repository), absolute.
    pub base: PathBuf,
    /// Whether `base` is a repository root.
    pub in_repository: bool,
    files: Vec<RepoPath>,
}

/// The absolute, canonical form of `path` (relative to `cwd`), links resolved when possible.
fn absolute(cwd: &Path, path: &str) -> PathBuf {
    let joined = cwd.join(path);
    std::fs::canonicalize(&joined).unwrap_or_else(|_| normalize(&joined))
}

/// The root of the repository that `dir` is in: the nearest folder at or above it that holds
/// `.git`.
pub fn repository_root(dir: &Path) -> Option<PathBuf> {
    git_root(dir, &mut HashMap::new())
}

/// [`repository_root`], memoized per folder because a repository of thousands of manifests
/// has few folders.
fn git_root(dir: &Path, cache: &mut HashMap<PathBuf, Option<PathBuf>>) -> Option<PathBuf> {
    if let Some(hit) = cache.get(dir) {
        return hit.clone();
    }
    let found = if dir.join(".git").exists() {
        Some(dir.to_path_buf())
    } else {
        dir.parent().and_then(|parent| git_root(parent, cache))
    };
    cache.insert(dir.to_path_buf(), found.clone());
    found
}

/// `path` with `/` separators.
fn slashed(path: &Path) -> String {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

impl RepoPaths {
    /// The repository paths of the inputs, given by their display paths (in [`FileId`]
    /// order).
    pub fn new(paths: &[&str]) -> RepoPaths {
        let cwd = std::env::current_dir()
            .ok()
            .map(|d| std::fs::canonicalize(&d).unwrap_or(d))
            .unwrap_or_default();
        Self::resolve(&cwd, paths)
    }

    /// [`RepoPaths::new`] for display paths relative to `cwd` (for tests).
    pub fn resolve(cwd: &Path, paths: &[&str]) -> RepoPaths {
        let mut cache = HashMap::new();
        let located: Vec<Option<(PathBuf, Option<PathBuf>)>> = paths
            .iter()
            .map(|p| {
                (*p != STDIN_NAME).then(|| {
                    let abs = absolute(cwd, p);
                    let root = abs.parent().and_then(|d| git_root(d, &mut cache));
                    (abs, root)
                })
            })
            .collect();
        let repo = located
            .iter()
            .flatten()
            .find_map(|(_, root)| root.clone())
            .or_else(|| git_root(cwd, &mut cache));
        let in_repository = repo.is_some();
        let base = repo.unwrap_or_else(|| cwd.to_path_buf());
        let files = paths
            .iter()
            .zip(located)
            .map(|(p, loc)| match loc {
                None => RepoPath::Display((*p).to_string()),
                Some((abs, _)) => match abs.strip_prefix(&base) {
                    Ok(rel) => RepoPath::Relative(slashed(rel)),
                    Err(_) => RepoPath::Absolute(abs),
                },
            })
            .collect();
        RepoPaths {
            base,
            in_repository,
            files,
        }
    }

    pub fn get(&self, file: FileId) -> Option<&RepoPath> {
        self.files.get(file.0 as usize)
    }

    /// The path to print for `file`: relative to the base when under it, else absolute.
    pub fn relative(&self, file: FileId) -> String {
        match self.get(file) {
            Some(RepoPath::Relative(p)) | Some(RepoPath::Display(p)) => p.clone(),
            Some(RepoPath::Absolute(p)) => slashed_absolute(p),
            None => String::new(),
        }
    }
}

/// An absolute path with `/` separators and a leading `/`.
pub fn slashed_absolute(path: &Path) -> String {
    format!("/{}", slashed(path))
}

/// Percent-encodes a path for a URI: everything but unreserved characters and `/`, so that
/// spaces, `#`, `?`, `:` and non-ASCII names survive (`:` in a first segment would read as a
/// scheme).
pub fn uri_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A `file://` URI for an absolute path; `folder` adds the trailing `/` that SARIF requires of
/// base URIs.
pub fn file_uri(path: &Path, folder: bool) -> String {
    let mut s = slashed_absolute(path);
    if folder && !s.ends_with('/') {
        s.push('/');
    }
    format!("file://{}", uri_encode(&s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_drops_dot_and_resolves_dotdot() {
        assert_eq!(
            normalize(Path::new("/a/b/./../c/d")),
            PathBuf::from("/a/c/d")
        );
    }

    #[test]
    fn uri_encoding_keeps_slashes_and_encodes_the_rest() {
        assert_eq!(
            uri_encode("k8s/my app/ü#1:x.yaml"),
            "k8s/my%20app/%C3%BC%231%3Ax.yaml"
        );
        assert_eq!(uri_encode("<stdin>"), "%3Cstdin%3E");
    }

    #[test]
    fn folder_uri_ends_with_slash() {
        assert_eq!(file_uri(Path::new("/work/r"), true), "file:///work/r/");
        assert_eq!(
            file_uri(Path::new("/work/r/a b"), false),
            "file:///work/r/a%20b"
        );
    }

    #[test]
    fn paths_are_relative_to_the_repository_root_not_the_current_folder() {
        let tmp = tempfile::tempdir().expect("a temp dir");
        let root = std::fs::canonicalize(tmp.path()).expect("canonical temp dir");
        std::fs::create_dir_all(root.join(".git")).expect("mkdir");
        std::fs::create_dir_all(root.join("k8s/prod")).expect("mkdir");
        std::fs::write(root.join("k8s/prod/web.yaml"), "a: 1\n").expect("write");
        let cwd = root.join("k8s/prod");
        let paths = RepoPaths::resolve(&cwd, &["web.yaml", "../prod/web.yaml", "<stdin>"]);
        assert!(paths.in_repository);
        assert_eq!(paths.base, root);
        assert_eq!(paths.relative(FileId(0)), "k8s/prod/web.yaml");
        assert_eq!(paths.relative(FileId(1)), "k8s/prod/web.yaml");
        assert_eq!(paths.relative(FileId(2)), "<stdin>");
    }
}
