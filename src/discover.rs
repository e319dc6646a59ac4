//! Discover: turns the PATHs of the command line (and stdin) into the sorted, deduplicated list
//! of inputs that the later stages parse.
//!
//! This module owns everything between a PATH and the text of a file: walking folders in
//! parallel with ripgrep's walker (the `ignore` crate), honouring `.gitignore`, `.ignore`, git's
//! exclude file and hidden files the way ripgrep does, `--exclude` globs, the choice of which
//! files in a folder are candidates, and reading each file safely (size limit, binary and UTF-8
//! checks, BOM). What a file *is* (Kubernetes, eksctl, CloudFormation, Terraform...) is decided
//! later, by its content; this module only decides which files are read.
//!
//! Rules, in short:
//! - `-` reads stdin once, named `<stdin>` (or as `--stdin-filename` says, relative to the
//!   current folder like every display path).
//! - A file named on the command line is always read, whatever its extension, even if it is
//!   hidden, ignored or matches `--exclude` (as in ripgrep: what the user names, the user gets).
//! - A folder is walked; only files ending in `.yaml`, `.yml`, `.json`, `.tf`, `.tfvars`,
//!   `.template` (any case) are candidates, and only regular files: a FIFO, a socket or a device in a folder
//!   is never opened, so a walk can never block on one; one with a candidate name is listed as
//!   [`NotRead`] (what `--verbose` prints), so that it is not passed over without a word.
//! - Like ripgrep's defaults: `.gitignore` and git's `info/exclude` count only inside a git
//!   repository (`require_git(true)`); `.ignore` files count everywhere; `.gitignore` files of
//!   parent folders and the global git excludes file count too; hidden files and folders are
//!   skipped. `.git` folders are never walked, even with `--hidden`: they hold no manifests.
//! - Symbolic links in a folder are followed, so that linked folders are linted, but only
//!   where they stay inside the PATHs given and the git repositories those are in (see
//!   [`Bounds`]): fargate-lint runs on pull requests from anyone, and `leak.yaml ->
//!   /etc/passwd` must not print the runner's files into the CI log. A link that leads out is
//!   not followed and is listed as [`NotRead`] (when it would have been read or walked). A PATH
//!   named on the command line is read wherever it leads: the user chose it. A link back to an
//!   ancestor is reported as a [`InputError::WalkError`] input and the rest of the walk goes on.
//! - The result is sorted by display path (then file-system path) and deduplicated by the
//!   file each path opens (a symlink to a file read under another name counts once; two hard
//!   links are two files, as they are two paths in a repository), so that the output is the
//!   same whatever the thread count.

use crate::source::normalize;
use std::collections::HashSet;
use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{DirEntry, WalkBuilder, WalkState};

/// The largest file read by default: 8 MiB (`--max-file-size`). Hand-written manifests are
/// far smaller, and so are the largest bundles projects ship (CRDs and operators, a few MB).
/// The bound is also what keeps a hostile file cheap: a file of this size takes at most
/// about a second and a few hundred MB whatever it holds (3.7 million tiny documents, or
/// privileged Pods with three findings each), where 32 MiB took up to 16 s and 2.3 GB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;

/// `--max-file-size`: bytes, or a number with `K`, `M` or `G` (binary multiples, optionally
/// followed by `iB` or `B`: `512K`, `8M`, `16MiB`).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let shift = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        _ => {
            return Err(format!(
                "`{text}` is not a size: use bytes, or K, M or G (`8M`)"
            ));
        }
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size: use bytes, or K, M or G (`8M`)"))?;
    // Below 4 GiB: a file's byte offsets are 32 bits (`source::Span`).
    n.checked_mul(1 << shift)
        .filter(|&n| n > 0 && n < 1 << 32)
        .ok_or_else(|| format!("`{text}` is not a size of at least 1 byte and under 4G"))
}

/// The display name of standard input.
pub use crate::source::STDIN_NAME;

/// File name endings (compared case-insensitively) that make a file in a folder a candidate.
const CANDIDATE_SUFFIXES: [&str; 6] = [".yaml", ".yml", ".json", ".tf", ".tfvars", ".template"];

/// How to discover inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoverOptions {
    /// Gitignore-style globs (`--exclude` and the configuration's `exclude`). Each file or
    /// folder met in a walk is matched twice: by its path relative to the walk root (the PATH
    /// given) and by its display path (relative to the current folder). It is skipped when
    /// either matches; a skipped folder is not descended. As in `.gitignore`, a glob without a
    /// `/` (`*.bak`, `vendor`) matches a name at any depth, a glob with one (`charts/**/x.yaml`,
    /// `/k8s`) is anchored, a trailing `/` matches only folders, and `!glob` re-includes.
    /// PATHs named on the command line are never excluded.
    pub exclude: Vec<String>,
    /// Do not honour `.gitignore`, `.ignore`, git's exclude files (like `rg --no-ignore`).
    pub no_ignore: bool,
    /// Also walk hidden files and folders (like `rg --hidden`).
    pub hidden: bool,
    /// Worker threads for the walk; 0 means one per core.
    pub threads: usize,
    /// The largest file read, in bytes; a bigger one becomes [`InputError::TooLarge`].
    pub max_file_size: u64,
    /// The file name that stdin's text stands for (`--stdin-filename`): its display path
    /// instead of `<stdin>`. It is not read from the disk.
    pub stdin_name: Option<String>,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        DiscoverOptions {
            exclude: Vec::new(),
            no_ignore: false,
            hidden: false,
            threads: 0,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            stdin_name: None,
        }
    }
}

/// One input: a file (or stdin) and its text, or why its text could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The path shown to users: relative to the current folder when the file is under it (no
    /// leading `./`), otherwise as given (or absolute); always with `/`; `<stdin>` for stdin.
    pub path: String,
    /// Where the file is on disk (as walked: links are not resolved); `None` for stdin.
    pub fs_path: Option<PathBuf>,
    /// The text, without a UTF-8 byte order mark.
    pub content: Result<String, InputError>,
}

/// Why an input has no text. Each becomes a finding on that input, not a failed run.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum InputError {
    /// The file could not be opened or read; the I/O error's text.
    Unreadable(String),
    /// The file is bigger than the limit. `size` is the size the file system reports, or, for
    /// a stream or a file whose size is unknown, the bytes read before giving up (`limit + 1`).
    TooLarge { size: u64, limit: u64 },
    /// A NUL byte: the file is binary. `line` is the line of the first NUL.
    Binary { line: u32 },
    /// Not valid UTF-8: position of the first invalid byte (column counts characters, 1-based).
    NotUtf8 { line: u32, column: u32 },
    /// The walker reported an error for this path, e.g. a symbolic link loop.
    WalkError(String),
}

impl InputError {
    /// Where in the file the problem is (1-based line and column in characters), if anywhere.
    pub fn position(&self) -> Option<(u32, u32)> {
        match *self {
            InputError::Binary { line } => Some((line, 1)),
            InputError::NotUtf8 { line, column } => Some((line, column)),
            InputError::Unreadable(_) | InputError::TooLarge { .. } | InputError::WalkError(_) => {
                None
            }
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Unreadable(err) => write!(f, "cannot read the file: {err}"),
            InputError::TooLarge { size, limit } if *size > limit.saturating_add(1) => write!(
                f,
                "the file is too large: {size} bytes, over the limit of {limit} bytes (--max-file-size)"
            ),
            InputError::TooLarge { limit, .. } => write!(
                f,
                "the file is too large: over the limit of {limit} bytes (--max-file-size)"
            ),
            InputError::Binary { line } => write!(
                f,
                "binary file (a NUL byte on line {line}); only UTF-8 text can be linted"
            ),
            InputError::NotUtf8 { line, column } => write!(
                f,
                "the file is not valid UTF-8: invalid byte at line {line}, column {column}"
            ),
            InputError::WalkError(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for InputError {}

/// What discovery found: the inputs, and the paths met in folders that were deliberately not
/// read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Discovery {
    /// Sorted by display path and deduplicated.
    pub inputs: Vec<Input>,
    /// Sorted by path, each once.
    pub not_read: Vec<NotRead>,
}

/// A path in a walked folder that is not read although its kind or name would have it read or
/// walked: a link out of the scanned folders and their repository, or a FIFO, a socket or a
/// device. Not a finding (nothing is wrong with the manifests); `--verbose` lists it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct NotRead {
    /// The display path, as for [`Input::path`].
    pub path: String,
    /// Why, e.g. "a FIFO (named pipe): never opened, reading one can block forever".
    pub reason: String,
}

/// Why discovery failed as a whole: the run stops with exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiscoverError {
    /// PATHs given that do not exist, as given, joined by `, ` (all of them, not just the
    /// first).
    NotFound(String),
    /// Standard input could not be read; the I/O error's text.
    Stdin(String),
    /// An `exclude` glob that does not parse; the parser's message names the glob.
    InvalidExclude(String),
}

impl fmt::Display for DiscoverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiscoverError::NotFound(paths) => write!(f, "no such file or directory: {paths}"),
            DiscoverError::Stdin(err) => write!(f, "cannot read standard input: {err}"),
            DiscoverError::InvalidExclude(err) => write!(f, "invalid exclude glob: {err}"),
        }
    }
}

impl std::error::Error for DiscoverError {}

/// Turns PATHs into inputs, sorted by display path and deduplicated. No PATH means `.`.
///
/// Every PATH is checked before anything is read: if any does not exist, the result is
/// [`DiscoverError::NotFound`] naming all of them and stdin is left unread.
pub fn discover(
    paths: &[String],
    opts: &DiscoverOptions,
    stdin: &mut dyn Read,
) -> Result<Discovery, DiscoverError> {
    let cwd = std::env::current_dir().ok();
    let default_paths = [".".to_string()];
    let paths = if paths.is_empty() {
        &default_paths[..]
    } else {
        paths
    };
    discover_in(paths, opts, stdin, cwd.as_deref())
}

/// [`discover`] with the folder that display paths are relative to given explicitly (tests
/// cannot change the process's current folder safely). File-system paths in `paths` are still
/// resolved by the OS against the real current folder.
fn discover_in(
    paths: &[String],
    opts: &DiscoverOptions,
    stdin: &mut dyn Read,
    cwd: Option<&Path>,
) -> Result<Discovery, DiscoverError> {
    let excludes = Arc::new(build_excludes(&opts.exclude)?);
    let namer = Arc::new(Namer::new(cwd));

    let mut found = Vec::new();
    let mut missing = Vec::new();
    let mut wants_stdin = false;
    let mut roots = Vec::new();
    for path in paths {
        if path == "-" {
            wants_stdin = true;
            continue;
        }
        // `metadata` follows links: a dangling link named on the command line does not exist.
        match fs::metadata(path) {
            Ok(_) => roots.push(PathBuf::from(path)),
            Err(err) if err.kind() == io::ErrorKind::NotFound => missing.push(path.as_str()),
            // Exists, or may, but cannot even be looked at (a folder on the way is not
            // searchable): the input is there, unreadable, and the run goes on.
            Err(err) => {
                let fs_path = PathBuf::from(path);
                let display = namer.display(&fs_path);
                found.push(Found {
                    key: Key::Failure(display.clone(), err.to_string()),
                    input: Input {
                        path: display,
                        fs_path: Some(fs_path),
                        content: Err(InputError::Unreadable(err.to_string())),
                    },
                });
            }
        }
    }
    if !missing.is_empty() {
        return Err(DiscoverError::NotFound(missing.join(", ")));
    }

    if wants_stdin {
        let bytes = read_capped(stdin, opts.max_file_size, 0)
            .map_err(|err| DiscoverError::Stdin(err.to_string()))?;
        found.push(Found {
            key: Key::Stdin,
            input: Input {
                path: opts
                    .stdin_name
                    .as_deref()
                    .filter(|n| !n.is_empty())
                    .map_or_else(|| STDIN_NAME.to_string(), |n| namer.display(Path::new(n))),
                fs_path: None,
                content: decode(bytes, opts.max_file_size),
            },
        });
    }

    let (walked, not_read) = walk(&roots, opts, &excludes, &namer);
    found.extend(walked);
    Ok(Discovery {
        inputs: sort_and_dedup(found),
        not_read: dedup_not_read(not_read),
    })
}

/// Sorts by path and keeps the first of each entry: overlapping PATHs, or a linked folder,
/// reach one link or FIFO under two names, and it is one thing not read.
fn dedup_not_read(mut not_read: Vec<(PathBuf, NotRead)>) -> Vec<NotRead> {
    not_read.sort_by(|a, b| a.1.cmp(&b.1));
    let mut seen = HashSet::new();
    not_read
        .into_iter()
        .filter(|(key, _)| seen.insert(key.clone()))
        .map(|(_, n)| n)
        .collect()
}

/// What identifies the entry at `path` whatever way it was reached: its folder with links
/// resolved, and its own name (the entry itself may be a link, which must not be resolved).
fn entry_key(path: &Path) -> PathBuf {
    match (path.parent().map(fs::canonicalize), path.file_name()) {
        (Some(Ok(parent)), Some(name)) => parent.join(name),
        _ => path.to_path_buf(),
    }
}

/// Where a symbolic link met in a walk may lead: inside one of the PATHs walked or inside the
/// git repository one of them is in (found as [`crate::repo::repository_root`] finds it), all
/// with links resolved. A repository's manifests often link to a shared folder of the same
/// repository (`overlays/prod/base -> ../../base`); nothing outside it is ours to read.
#[derive(Debug, Default)]
struct Bounds {
    folders: Vec<PathBuf>,
}

impl Bounds {
    fn new(roots: &[PathBuf]) -> Bounds {
        let mut folders = Vec::new();
        for root in roots {
            let Ok(canonical) = fs::canonicalize(root) else {
                continue;
            };
            // A file PATH has nothing walked under it, but its repository bounds links met
            // elsewhere just as well.
            let folder = canonical.is_dir().then(|| canonical.clone());
            let start = folder.as_deref().or(canonical.parent());
            folders.extend(start.and_then(crate::repo::repository_root));
            folders.extend(folder);
        }
        folders.sort();
        folders.dedup();
        Bounds { folders }
    }

    /// Whether `canonical` (links resolved) is inside the bounds.
    fn contains(&self, canonical: &Path) -> bool {
        self.folders.iter().any(|dir| canonical.starts_with(dir))
    }
}

/// What a file that is neither a regular file nor a folder is, for the reason it is not read.
fn special_kind(kind: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
    }
    let _ = kind;
    "not a regular file"
}

/// An input with the key that identifies it for deduplication.
struct Found {
    input: Input,
    key: Key,
}

#[derive(PartialEq, Eq, Hash)]
enum Key {
    Stdin,
    /// A file, by what the open file is: the same file reached twice (named twice,
    /// overlapping PATHs, a link to it) is one input.
    File(FileIdentity),
    /// A file that could not be opened, by canonical path.
    Path(PathBuf),
    /// A path that could not be walked or looked at, by display path and message: two
    /// different problems at one path both show.
    Failure(String, String),
}

/// Sorts by display path, then file-system path, then content (so that even two reads of one
/// file that changed in between come out in a fixed order), and keeps the first of each key.
fn sort_and_dedup(mut found: Vec<Found>) -> Vec<Input> {
    found.sort_by(|a, b| {
        a.input
            .path
            .cmp(&b.input.path)
            .then_with(|| a.input.fs_path.cmp(&b.input.fs_path))
            .then_with(|| a.input.content.cmp(&b.input.content))
    });
    let mut seen = HashSet::new();
    let mut inputs = Vec::with_capacity(found.len());
    for f in found {
        if seen.insert(f.key) {
            inputs.push(f.input);
        }
    }
    inputs
}

/// Compiles the exclude globs with gitignore semantics (the `ignore` crate's own gitignore
/// matcher, globset underneath), so that `--exclude` reads like a line of `.gitignore`.
fn build_excludes(globs: &[String]) -> Result<Gitignore, DiscoverError> {
    // Root ".": the matcher then strips no prefix; we hand it relative paths ourselves.
    let mut builder = GitignoreBuilder::new(".");
    for glob in globs {
        builder
            .add_line(None, glob)
            .map_err(|err| DiscoverError::InvalidExclude(err.to_string()))?;
    }
    builder
        .build()
        .map_err(|err| DiscoverError::InvalidExclude(err.to_string()))
}

/// Whether an entry is excluded: by its path relative to the walk root, or by its display path.
fn is_excluded(excludes: &Gitignore, relative: &Path, display: &str, is_dir: bool) -> bool {
    excludes.matched(relative, is_dir).is_ignore()
        || excludes.matched(Path::new(display), is_dir).is_ignore()
}

/// Whether a file met in a folder is a candidate, by the end of its name, in any case.
fn is_candidate(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy().to_lowercase();
    CANDIDATE_SUFFIXES
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

/// The last `depth` components of a walked path: its path relative to its walk root. The
/// walker builds every path as `root/a/b`, so the depth says exactly where the root ends, even
/// when roots overlap (`k8s` and `k8s/prod`).
fn relative_to_root(path: &Path, depth: usize) -> PathBuf {
    let components: Vec<Component<'_>> = path.components().collect();
    let start = components.len().saturating_sub(depth);
    components[start..].iter().collect()
}

/// Whether a relative path goes through a hidden name (one starting with `.`).
fn has_hidden_component(relative: &Path) -> bool {
    relative.components().any(|component| match component {
        Component::Normal(name) => name.to_string_lossy().starts_with('.'),
        _ => false,
    })
}

fn thread_count(threads: usize) -> usize {
    if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    }
}

/// Makes display paths: relative to the current folder when under it, with `/`.
struct Namer {
    cwd: Option<PathBuf>,
    /// The current folder with links resolved, for absolute PATHs that reach it through a link.
    canonical_cwd: Option<PathBuf>,
}

impl Namer {
    fn new(cwd: Option<&Path>) -> Namer {
        Namer {
            cwd: cwd.map(normalize),
            canonical_cwd: cwd.and_then(|cwd| fs::canonicalize(cwd).ok()),
        }
    }

    fn display(&self, path: &Path) -> String {
        let normal = normalize(path);
        if let Some(cwd) = &self.cwd {
            let absolute = if normal.is_absolute() {
                normal.clone()
            } else {
                normalize(&cwd.join(&normal))
            };
            if let Ok(relative) = absolute.strip_prefix(cwd) {
                return slashed(relative);
            }
            // `/home/me/link/repo/x.yaml` given while the current folder is the physical
            // `/data/repo`: resolve the folder (not the file: a linked file keeps its own name).
            if path.is_absolute()
                && let (Some(canonical_cwd), Some(parent), Some(name)) =
                    (&self.canonical_cwd, path.parent(), path.file_name())
                && let Ok(parent) = fs::canonicalize(parent)
                && let Ok(relative) = parent.join(name).strip_prefix(canonical_cwd)
            {
                return slashed(relative);
            }
        }
        slashed(&normal)
    }
}

/// A path as text with `/` separators; the empty path is `.`.
fn slashed(path: &Path) -> String {
    let text = path.to_string_lossy();
    if text.is_empty() {
        ".".to_string()
    } else if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// Walks all roots in one parallel walk and reads the files it yields; also gives the paths
/// the walk passed over on purpose.
fn walk(
    roots: &[PathBuf],
    opts: &DiscoverOptions,
    excludes: &Arc<Gitignore>,
    namer: &Arc<Namer>,
) -> (Vec<Found>, Vec<(PathBuf, NotRead)>) {
    let Some((first, rest)) = roots.split_first() else {
        return (Vec::new(), Vec::new());
    };
    let mut builder = WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    let honour_ignores = !opts.no_ignore;
    builder
        .threads(thread_count(opts.threads))
        // Followed so that linked folders are linted; the walker then detects loops, and
        // `EntryFilter` keeps links inside the bounds.
        .follow_links(true)
        .hidden(!opts.hidden)
        .ignore(honour_ignores)
        .git_ignore(honour_ignores)
        .git_global(honour_ignores)
        .git_exclude(honour_ignores)
        .parents(honour_ignores)
        // ripgrep's default: `.gitignore` only counts inside a git repository.
        .require_git(true);
    let filter = Arc::new(EntryFilter {
        excludes: Arc::clone(excludes),
        namer: Arc::clone(namer),
        bounds: Bounds::new(roots),
        not_read: Mutex::new(Vec::new()),
    });
    let filter_in_walker = Arc::clone(&filter);
    builder.filter_entry(move |entry| filter_in_walker.keep(entry));

    let visitor = Visitor {
        opts,
        excludes,
        namer,
        fallback_path: first,
    };
    let found = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        let (visitor, found) = (&visitor, &found);
        Box::new(move |result| {
            let items = match result {
                Ok(entry) => visitor.entry(&entry).into_iter().collect(),
                Err(err) => visitor.error(&err),
            };
            if !items.is_empty() {
                // A poisoned lock only means another worker panicked; its panic propagates.
                found
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .extend(items);
            }
            WalkState::Continue
        })
    });
    let not_read = std::mem::take(
        &mut *filter
            .not_read
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    let found = found
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    (found, not_read)
}

/// The walker's filter: whether to yield (and, for a folder, descend into) an entry. It runs
/// after the walker's own hidden and ignore-file checks and before a folder is opened, so a
/// link out of the bounds is never listed, and a FIFO never opened.
struct EntryFilter {
    excludes: Arc<Gitignore>,
    namer: Arc<Namer>,
    bounds: Bounds,
    /// What was passed over on purpose, in the order the walker threads met it, with its
    /// [`entry_key`].
    not_read: Mutex<Vec<(PathBuf, NotRead)>>,
}

impl EntryFilter {
    fn keep(&self, entry: &DirEntry) -> bool {
        let depth = entry.depth();
        if depth == 0 {
            // A PATH given on the command line is always walked or read.
            return true;
        }
        // Only stdin has no file type, and stdin never goes to the walker. For a followed
        // link this is the type of what it leads to.
        let Some(kind) = entry.file_type() else {
            return true;
        };
        let is_dir = kind.is_dir();
        if is_dir && entry.file_name() == ".git" {
            return false;
        }
        if !self.excludes.is_empty() {
            let relative = relative_to_root(entry.path(), depth);
            if is_excluded(
                &self.excludes,
                &relative,
                &self.namer.display(entry.path()),
                is_dir,
            ) {
                return false;
            }
        }
        // What would be read or walked: a folder, or a file with a candidate name. The rest
        // is passed over quietly, as a README is.
        let wanted = is_dir || is_candidate(entry.file_name());
        if entry.path_is_symlink() {
            let reason = match fs::canonicalize(entry.path()) {
                Ok(target) if self.bounds.contains(&target) => None,
                Ok(target) => Some(format!(
                    "a symbolic link to `{}`, outside the scanned folders and their repository: not followed",
                    self.namer.display(&target)
                )),
                Err(err) => Some(format!(
                    "a symbolic link that cannot be resolved ({err}): not followed"
                )),
            };
            if let Some(reason) = reason {
                if wanted {
                    self.skip(entry.path(), reason);
                }
                return false;
            }
        }
        if !is_dir && !kind.is_file() {
            if wanted {
                self.skip(
                    entry.path(),
                    format!(
                        "{}: never opened, reading one can block forever",
                        special_kind(kind)
                    ),
                );
            }
            return false;
        }
        true
    }

    fn skip(&self, path: &Path, reason: String) {
        let item = NotRead {
            path: self.namer.display(path),
            reason,
        };
        self.not_read
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((entry_key(path), item));
    }
}

/// What each walker thread does with what the walker yields.
struct Visitor<'a> {
    opts: &'a DiscoverOptions,
    excludes: &'a Gitignore,
    namer: &'a Namer,
    /// Where to pin a walker error that names no path: the first root.
    fallback_path: &'a Path,
}

/// One problem the walker reported, taken apart.
struct WalkFailure {
    path: Option<PathBuf>,
    depth: Option<usize>,
    kind: FailureKind,
    message: String,
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum FailureKind {
    /// A link back to an ancestor folder.
    Loop,
    /// A link whose target does not exist.
    Dangling,
    Other,
}

impl Visitor<'_> {
    fn entry(&self, entry: &DirEntry) -> Option<Found> {
        // Only stdin has no file type, and stdin never goes to the walker.
        let kind = entry.file_type()?;
        if kind.is_dir() {
            return None;
        }
        // A file named on the command line is read whatever it is (a FIFO such as `<(cmd)`
        // included: the user asked for it). In a folder, only regular candidate files: opening
        // a FIFO would block the walk (`EntryFilter` has already passed over the others; this
        // holds even if it did not).
        if entry.depth() > 0 && !(kind.is_file() && is_candidate(entry.file_name())) {
            return None;
        }
        Some(self.read(entry.path()))
    }

    fn read(&self, path: &Path) -> Found {
        let (content, identity) = read_file_with_identity(path, self.opts.max_file_size);
        // The identity of the opened file, not its canonical path: resolving every file's
        // path costs a `readlink` per path component, the largest share of a big scan's
        // system calls.
        let key = identity.map_or_else(
            || Key::Path(fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())),
            Key::File,
        );
        Found {
            key,
            input: Input {
                path: self.namer.display(path),
                fs_path: Some(path.to_path_buf()),
                content,
            },
        }
    }

    fn error(&self, err: &ignore::Error) -> Vec<Found> {
        let mut failures = Vec::new();
        self.flatten(err, None, None, &mut failures);
        failures
            .into_iter()
            .filter_map(|failure| self.failure_input(failure))
            .collect()
    }

    /// Takes the walker's nested error apart: which path, how deep, what went wrong.
    fn flatten(
        &self,
        err: &ignore::Error,
        path: Option<&Path>,
        depth: Option<usize>,
        out: &mut Vec<WalkFailure>,
    ) {
        match err {
            ignore::Error::Partial(errs) => {
                for err in errs {
                    self.flatten(err, path, depth, out);
                }
            }
            ignore::Error::WithPath { path, err } => self.flatten(err, Some(path), depth, out),
            ignore::Error::WithDepth { depth, err } => self.flatten(err, path, Some(*depth), out),
            ignore::Error::Loop { ancestor, child } => out.push(WalkFailure {
                path: Some(child.clone()),
                depth,
                kind: FailureKind::Loop,
                message: format!(
                    "file system loop: `{}` links back to its ancestor folder `{}`; not followed",
                    self.namer.display(child),
                    self.namer.display(ancestor)
                ),
            }),
            ignore::Error::Io(io_err) => out.push(WalkFailure {
                path: path.map(Path::to_path_buf),
                depth,
                kind: if io_err.kind() == io::ErrorKind::NotFound {
                    FailureKind::Dangling
                } else {
                    FailureKind::Other
                },
                message: format!("cannot walk this path: {io_err}"),
            }),
            other => out.push(WalkFailure {
                path: path.map(Path::to_path_buf),
                depth,
                kind: FailureKind::Other,
                message: other.to_string(),
            }),
        }
    }

    fn failure_input(&self, failure: WalkFailure) -> Option<Found> {
        let path = failure
            .path
            .unwrap_or_else(|| self.fallback_path.to_path_buf());
        let display = self.namer.display(&path);
        // The walker checks a link for loops and dangling targets before its own hidden and
        // ignore filters, so such a problem can surface for a path the walk would have skipped:
        // apply our hidden, exclude and candidate filters to it at least (gitignore rules
        // cannot be asked from outside the walker).
        if let Some(depth) = failure.depth
            && depth > 0
        {
            let relative = relative_to_root(&path, depth);
            if !self.opts.hidden && has_hidden_component(&relative) {
                return None;
            }
            let is_dir = failure.kind == FailureKind::Loop;
            if is_excluded(self.excludes, &relative, &display, is_dir) {
                return None;
            }
            // A dangling link that is no candidate would have been passed over quietly had it
            // pointed somewhere.
            if failure.kind == FailureKind::Dangling && !path.file_name().is_some_and(is_candidate)
            {
                return None;
            }
        }
        Some(Found {
            key: Key::Failure(display.clone(), failure.message.clone()),
            input: Input {
                path: display,
                fs_path: Some(path),
                content: Err(InputError::WalkError(failure.message)),
            },
        })
    }
}

/// The folder a kustomization at `dir` may read from, as kustomize's default load
/// restrictions say: its repository (links resolved), else the current folder when it is
/// under it, else its own folder.
pub fn kustomize_root(dir: &Path) -> Option<PathBuf> {
    let dir = fs::canonicalize(dir).ok()?;
    if let Some(root) = crate::repo::repository_root(&dir) {
        return Some(root);
    }
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|d| fs::canonicalize(d).ok());
    Some(match cwd {
        Some(cwd) if dir.starts_with(&cwd) => cwd,
        _ => dir,
    })
}

/// Reads the file a kustomization names (`display`, a display path), when it is a regular
/// file inside `root` once links are resolved; otherwise why not, or `None` when there is
/// nothing there. Never a FIFO or a device, never outside the repository.
pub fn read_referenced(
    display: &str,
    root: &Path,
    opts: &DiscoverOptions,
) -> Option<Result<Input, String>> {
    let path = PathBuf::from(display);
    let canonical = fs::canonicalize(&path).ok()?;
    if !canonical.starts_with(root) {
        return Some(Err(format!(
            "it is outside the repository (`{}`): kustomize's load restrictions keep a build inside it",
            root.display()
        )));
    }
    let metadata = fs::metadata(&canonical).ok()?;
    if !metadata.is_file() {
        return if metadata.is_dir() {
            None
        } else {
            Some(Err(format!(
                "{}: never opened",
                special_kind(metadata.file_type())
            )))
        };
    }
    Some(Ok(Input {
        path: display.to_string(),
        content: read_file(&path, opts.max_file_size),
        fs_path: Some(path),
    }))
}

/// Reads a file: size checked before reading, the read capped anyway.
fn read_file(path: &Path, limit: u64) -> Result<String, InputError> {
    read_file_with_identity(path, limit).0
}

/// What a file is, whatever symlinks reached it: its device and inode where the platform has
/// them and the file has one name (no `readlink` per path component), else its canonical
/// path, so that hard links, two names of one repository, stay two files.
#[derive(PartialEq, Eq, Hash)]
enum FileIdentity {
    #[cfg(unix)]
    DeviceInode(u64, u64),
    Canonical(PathBuf),
}

impl FileIdentity {
    #[cfg(unix)]
    fn of(path: &Path, metadata: &fs::Metadata) -> Option<FileIdentity> {
        use std::os::unix::fs::MetadataExt;
        if metadata.nlink() == 1 {
            return Some(FileIdentity::DeviceInode(metadata.dev(), metadata.ino()));
        }
        FileIdentity::canonical(path)
    }

    #[cfg(not(unix))]
    fn of(path: &Path, _metadata: &fs::Metadata) -> Option<FileIdentity> {
        FileIdentity::canonical(path)
    }

    fn canonical(path: &Path) -> Option<FileIdentity> {
        fs::canonicalize(path).ok().map(FileIdentity::Canonical)
    }
}

/// [`read_file`], with the identity of the file it opened (`None` when it could not).
fn read_file_with_identity(
    path: &Path,
    limit: u64,
) -> (Result<String, InputError>, Option<FileIdentity>) {
    let unreadable = |err: io::Error| InputError::Unreadable(err.to_string());
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) => return (Err(unreadable(err)), None),
    };
    let metadata = match file.metadata() {
        Ok(metadata) => metadata,
        Err(err) => return (Err(unreadable(err)), None),
    };
    let identity = FileIdentity::of(path, &metadata);
    if metadata.is_file() && metadata.len() > limit {
        let error = InputError::TooLarge {
            size: metadata.len(),
            limit,
        };
        return (Err(error), identity);
    }
    let size_hint = if metadata.is_file() {
        metadata.len()
    } else {
        0
    };
    let content = read_capped(file, limit, size_hint)
        .map_err(unreadable)
        .and_then(|bytes| decode(bytes, limit));
    (content, identity)
}

/// Reads at most `limit + 1` bytes: the size the file system reports can lie (`/dev/zero`, a
/// FIFO, a file growing while read, a stale size on a network or FUSE mount), and one byte
/// past the limit is enough to know. The reported size (`size_hint`) only sizes the buffer:
/// the read goes to the end, so that a file is never cut at a size it no longer has.
fn read_capped(reader: impl Read, limit: u64, size_hint: u64) -> io::Result<Vec<u8>> {
    let capacity = usize::try_from(size_hint.min(limit)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The text of a file a run let go ([`crate::source::Reread`]), read again for a snippet
/// or a fingerprint: the path the walk read, never more than the text's length (and a BOM),
/// and only when it is exactly the text read then (length and digest). `None` when the file
/// is gone, cannot be read or changed: a file edited since, or a link pointed elsewhere,
/// shows no lines rather than lines the run did not check.
pub fn reread(r: &crate::source::Reread) -> Option<String> {
    // Without blocking: a FIFO put in the file's place since must not stall the run. What
    // was opened must be the regular file that was read.
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(&r.fs_path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || identity_of(&meta) != r.identity {
        return None;
    }
    let most = u64::try_from(r.len).ok()?.saturating_add(4);
    let mut bytes = Vec::with_capacity(r.len.saturating_add(3));
    file.take(most).read_to_end(&mut bytes).ok()?;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    let text = String::from_utf8(bytes).ok()?;
    (text.len() == r.len && crate::source::digest(&text) == r.digest).then_some(text)
}

/// The identity of `path` when it leads to a regular file (`Some(None)` where the system
/// gives no device and inode), `None` for anything else or nothing.
pub fn regular_file(path: &Path) -> Option<crate::source::FileIdentity> {
    let meta = fs::metadata(path).ok()?;
    meta.is_file().then(|| identity_of(&meta))
}

fn identity_of(meta: &fs::Metadata) -> crate::source::FileIdentity {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// Bytes to text: too large, BOM, NUL, UTF-8, in that order. Positions count from after the
/// BOM, which no editor shows.
fn decode(mut bytes: Vec<u8>, limit: u64) -> Result<String, InputError> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > limit {
        return Err(InputError::TooLarge { size, limit });
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    // NUL first: a binary file is very likely invalid UTF-8 too, and "binary" says more.
    // `contains` of a byte is memchr; most files have no NUL to find the place of.
    if let Some(nul) = bytes
        .contains(&0)
        .then(|| bytes.iter().position(|&byte| byte == 0))
        .flatten()
    {
        return Err(InputError::Binary {
            line: line_number(&bytes[..nul]),
        });
    }
    String::from_utf8(bytes).map_err(|err| {
        let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
        let line_start = valid
            .iter()
            .rposition(|&byte| byte == b'\n')
            .map_or(0, |newline| newline + 1);
        // The prefix is valid UTF-8: its characters are its bytes that are not continuation
        // bytes (0b10xxxxxx).
        let chars = valid[line_start..]
            .iter()
            .filter(|&&byte| byte & 0xC0 != 0x80)
            .count();
        InputError::NotUtf8 {
            line: line_number(valid),
            column: to_u32(chars.saturating_add(1)),
        }
    })
}

/// The walk's choice of files, for files that are not on the disk (a git revision's tree,
/// which `crate::baseline` reads): the same candidate names, hidden rule and `--exclude`
/// globs, and the same size limit and decoding, so that both sides of a comparison read the
/// same files. Ignore files are the walk's alone (a revision's tracked files are meant to be
/// there).
pub struct TreeFilter {
    excludes: Gitignore,
    hidden: bool,
    limit: u64,
    namer: Namer,
}

impl TreeFilter {
    pub fn new(opts: &DiscoverOptions) -> Result<TreeFilter, DiscoverError> {
        let cwd = std::env::current_dir().ok();
        Ok(TreeFilter {
            excludes: build_excludes(&opts.exclude)?,
            hidden: opts.hidden,
            limit: opts.max_file_size,
            namer: Namer::new(cwd.as_deref()),
        })
    }

    /// The display path of `path` (a PATH as given, joined with a path under it), as the
    /// walk names the same file.
    pub fn display(&self, path: &Path) -> String {
        self.namer.display(path)
    }

    /// Whether the walk of a folder PATH would read the file at `relative` under it (shown
    /// as `display`): a candidate name, not hidden (unless `--hidden`), not excluded, nor in
    /// an excluded or `.git` folder.
    pub fn wants(&self, relative: &Path, display: &str) -> bool {
        if !relative.file_name().is_some_and(is_candidate) {
            return false;
        }
        if relative
            .components()
            .any(|c| matches!(c, Component::Normal(n) if n == ".git"))
        {
            return false;
        }
        if !self.hidden && has_hidden_component(relative) {
            return false;
        }
        // The file and every folder above it, as the walk meets them (a folder's display
        // path is the file's without its last parts).
        let (mut at, mut shown, mut is_dir) = (relative, display, false);
        while !at.as_os_str().is_empty() {
            if is_excluded(&self.excludes, at, shown, is_dir) {
                return false;
            }
            let Some(parent) = at.parent() else { break };
            at = parent;
            shown = shown.rsplit_once('/').map_or("", |(folder, _)| folder);
            is_dir = true;
        }
        true
    }

    /// A file of `size` bytes is too large to read: known before reading it.
    pub fn too_large(&self, size: u64) -> Option<InputError> {
        (size > self.limit).then_some(InputError::TooLarge {
            size,
            limit: self.limit,
        })
    }

    /// Bytes to text as for a file read from the disk (BOM, NUL, UTF-8, size).
    pub fn decode(&self, bytes: Vec<u8>) -> Result<String, InputError> {
        decode(bytes, self.limit)
    }
}

/// The 1-based line on which the byte after `before` stands.
fn line_number(before: &[u8]) -> u32 {
    let newlines = before.iter().filter(|&&byte| byte == b'\n').count();
    to_u32(newlines.saturating_add(1))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;
    use tempfile::TempDir;

    /// Writes `rel` under `root`, creating folders on the way.
    fn write(root: &Path, rel: &str, content: &[u8]) -> PathBuf {
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, content).unwrap();
        path
    }

    /// A text let go is read again only while the file holds exactly that text.
    #[test]
    fn a_file_is_read_again_only_as_it_was() {
        let dir = TempDir::new().unwrap();
        let text = "kind: Pod\nmetadata:\n  name: p\n";
        let path = write(dir.path(), "p.yaml", format!("\u{feff}{text}").as_bytes());
        let was = crate::source::Reread {
            fs_path: path.clone(),
            identity: regular_file(&path).expect("a regular file"),
            len: text.len(),
            digest: crate::source::digest(text),
        };
        // The BOM is dropped as the first reading dropped it.
        assert_eq!(reread(&was).as_deref(), Some(text));
        // Edited since: the same length, other bytes.
        fs::write(&path, text.replace('p', "q")).unwrap();
        assert_eq!(reread(&was), None);
        // Grown, then gone.
        fs::write(&path, format!("{text}more: 1\n")).unwrap();
        assert_eq!(reread(&was), None);
        fs::remove_file(&path).unwrap();
        assert_eq!(reread(&was), None);
        // A FIFO in its place (no writer): neither let go nor waited for.
        #[cfg(unix)]
        {
            let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
            // SAFETY: mkfifo reads the NUL-terminated path and nothing else.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            assert_eq!(regular_file(&path), None);
            assert_eq!(reread(&was), None);
        }
    }

    fn path_arg(path: &Path) -> String {
        path.to_str().unwrap().to_string()
    }

    /// Discovers `paths` (absolute) with display paths relative to `cwd` and an empty stdin.
    fn run_in(cwd: &Path, paths: &[PathBuf], opts: &DiscoverOptions) -> Vec<Input> {
        discovery_in(cwd, paths, opts).inputs
    }

    /// [`run_in`] with what was not read.
    fn discovery_in(cwd: &Path, paths: &[PathBuf], opts: &DiscoverOptions) -> Discovery {
        let paths: Vec<String> = paths.iter().map(|p| path_arg(p)).collect();
        discover_in(&paths, opts, &mut io::empty(), Some(cwd)).unwrap()
    }

    /// Discovers the temporary folder itself, named relative to it.
    fn run(dir: &TempDir, opts: &DiscoverOptions) -> Vec<Input> {
        run_in(dir.path(), &[dir.path().to_path_buf()], opts)
    }

    fn names(inputs: &[Input]) -> Vec<&str> {
        inputs.iter().map(|input| input.path.as_str()).collect()
    }

    fn find<'a>(inputs: &'a [Input], name: &str) -> &'a Input {
        inputs
            .iter()
            .find(|input| input.path == name)
            .unwrap_or_else(|| panic!("no input {name} in {:?}", names(inputs)))
    }

    fn opts() -> DiscoverOptions {
        DiscoverOptions::default()
    }

    /// A git repository as far as the walker cares: a `.git` folder.
    fn git_repo() -> TempDir {
        let dir = TempDir::new().unwrap();
        fs::create_dir_all(dir.path().join(".git/info")).unwrap();
        dir
    }

    #[test]
    fn folders_yield_only_candidate_extensions_in_any_case() {
        let dir = TempDir::new().unwrap();
        for name in [
            "a.yaml",
            "b.YML",
            "c.json",
            "d.tf",
            "e.template",
            "f.txt",
            "g.yaml.bak",
            "README.md",
            "Makefile",
            "sub/h.Yaml",
            "sub/deeper/i.Template",
        ] {
            write(dir.path(), name, b"a: 1\n");
        }
        let inputs = run(&dir, &opts());
        assert_eq!(
            names(&inputs),
            [
                "a.yaml",
                "b.YML",
                "c.json",
                "d.tf",
                "e.template",
                "sub/deeper/i.Template",
                "sub/h.Yaml"
            ]
        );
        let a = find(&inputs, "a.yaml");
        assert_eq!(a.content.as_deref(), Ok("a: 1\n"));
        assert_eq!(
            a.fs_path.as_deref(),
            Some(dir.path().join("a.yaml").as_path())
        );
    }

    #[test]
    fn explicit_files_are_read_whatever_their_extension_hidden_ignored_or_excluded() {
        let dir = git_repo();
        write(dir.path(), ".gitignore", b"ignored.yaml\n");
        let txt = write(dir.path(), "notes.txt", b"kind: Pod\n");
        let hidden = write(dir.path(), ".hidden.yml", b"kind: Pod\n");
        let ignored = write(dir.path(), "ignored.yaml", b"kind: Pod\n");
        let options = DiscoverOptions {
            exclude: vec!["*".to_string()],
            ..opts()
        };
        let inputs = run_in(dir.path(), &[txt, hidden, ignored], &options);
        assert_eq!(names(&inputs), [".hidden.yml", "ignored.yaml", "notes.txt"]);
        assert!(inputs.iter().all(|input| input.content.is_ok()));
    }

    #[test]
    fn gitignore_and_git_exclude_are_honoured_in_a_git_repo_unless_no_ignore() {
        let dir = git_repo();
        write(dir.path(), ".gitignore", b"ignored.yaml\nbuild/\n");
        write(dir.path(), ".git/info/exclude", b"local.yaml\n");
        write(dir.path(), "sub/.gitignore", b"*.json\n");
        for name in [
            "kept.yaml",
            "ignored.yaml",
            "local.yaml",
            "build/out.yaml",
            "sub/a.json",
            "sub/b.yaml",
            "a.json",
        ] {
            write(dir.path(), name, b"a: 1\n");
        }
        assert_eq!(
            names(&run(&dir, &opts())),
            ["a.json", "kept.yaml", "sub/b.yaml"]
        );
        let no_ignore = DiscoverOptions {
            no_ignore: true,
            ..opts()
        };
        assert_eq!(
            names(&run(&dir, &no_ignore)),
            [
                "a.json",
                "build/out.yaml",
                "ignored.yaml",
                "kept.yaml",
                "local.yaml",
                "sub/a.json",
                "sub/b.yaml"
            ]
        );
    }

    #[test]
    fn outside_git_gitignore_does_not_count_but_dot_ignore_does_like_ripgrep() {
        let dir = TempDir::new().unwrap();
        write(dir.path(), ".gitignore", b"a.yaml\n");
        write(dir.path(), ".ignore", b"b.yaml\n");
        for name in ["a.yaml", "b.yaml", "c.yaml"] {
            write(dir.path(), name, b"a: 1\n");
        }
        assert_eq!(names(&run(&dir, &opts())), ["a.yaml", "c.yaml"]);
        let no_ignore = DiscoverOptions {
            no_ignore: true,
            ..opts()
        };
        assert_eq!(
            names(&run(&dir, &no_ignore)),
            ["a.yaml", "b.yaml", "c.yaml"]
        );
    }

    #[test]
    fn hidden_files_and_folders_are_skipped_unless_hidden_but_git_never_walked() {
        let dir = TempDir::new().unwrap();
        for name in [
            "visible.yaml",
            ".hidden.yaml",
            ".config/x.yaml",
            "sub/.y.yaml",
            ".git/config.yaml",
        ] {
            write(dir.path(), name, b"a: 1\n");
        }
        assert_eq!(names(&run(&dir, &opts())), ["visible.yaml"]);
        let hidden = DiscoverOptions {
            hidden: true,
            ..opts()
        };
        assert_eq!(
            names(&run(&dir, &hidden)),
            [
                ".config/x.yaml",
                ".hidden.yaml",
                "sub/.y.yaml",
                "visible.yaml"
            ]
        );
        // A hidden folder named as a PATH is walked: only what is below it is filtered.
        let inputs = run_in(dir.path(), &[dir.path().join(".config")], &opts());
        assert_eq!(names(&inputs), [".config/x.yaml"]);
    }

    #[test]
    fn exclude_globs_skip_files_and_folders_by_root_relative_or_display_path() {
        let dir = TempDir::new().unwrap();
        for name in [
            "k8s/a.yaml",
            "k8s/a.json",
            "k8s/vendor/w.yaml",
            "k8s/prod/p.yaml",
            "vendor/v.yaml",
            "charts/c/templates/t.yaml",
            "charts/c/values.yaml",
        ] {
            write(dir.path(), name, b"a: 1\n");
        }
        // An excluded folder is not descended: the loop inside it is never met.
        #[cfg(unix)]
        std::os::unix::fs::symlink("..", dir.path().join("vendor/loop")).unwrap();
        let with = |globs: &[&str], root: &str| {
            let options = DiscoverOptions {
                exclude: globs.iter().map(|g| g.to_string()).collect(),
                ..opts()
            };
            let inputs = run_in(dir.path(), &[dir.path().join(root)], &options);
            names(&inputs)
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            with(&["*.json", "vendor/"], "."),
            [
                "charts/c/templates/t.yaml",
                "charts/c/values.yaml",
                "k8s/a.yaml",
                "k8s/prod/p.yaml"
            ]
        );
        assert_eq!(
            with(&["charts/**/templates/**", "vendor", "k8s"], "."),
            ["charts/c/values.yaml"]
        );
        // Walking `k8s`: `k8s/prod/**` matches the display path, `/vendor` the path relative to
        // the walk root (anchored, so the top-level `vendor` stays out of it).
        assert_eq!(
            with(&["k8s/prod/**", "/vendor"], "k8s"),
            ["k8s/a.json", "k8s/a.yaml"]
        );
        // `!` re-includes, as in `.gitignore`.
        assert_eq!(
            with(&["*.yaml", "!a.yaml"], "k8s"),
            ["k8s/a.json", "k8s/a.yaml"]
        );
    }

    #[test]
    fn an_invalid_exclude_glob_fails_the_run() {
        let options = DiscoverOptions {
            exclude: vec!["{a,b".to_string()],
            ..opts()
        };
        let err = discover_in(&[], &options, &mut io::empty(), None).unwrap_err();
        assert!(matches!(&err, DiscoverError::InvalidExclude(msg) if msg.contains("{a,b")));
        assert!(err.to_string().starts_with("invalid exclude glob: "));
    }

    #[test]
    fn output_is_sorted_and_the_same_whatever_the_thread_count() {
        let dir = TempDir::new().unwrap();
        for i in 0..40 {
            write(
                dir.path(),
                &format!("d{}/s{}/f{i}.yaml", i % 5, i % 3),
                format!("n: {i}\n").as_bytes(),
            );
        }
        let with_threads = |threads| run(&dir, &DiscoverOptions { threads, ..opts() });
        let one = with_threads(1);
        assert_eq!(one.len(), 40);
        let mut sorted = names(&one);
        sorted.sort();
        assert_eq!(names(&one), sorted);
        for threads in [2, 0, 8] {
            for _ in 0..3 {
                assert_eq!(with_threads(threads), one);
            }
        }
    }

    #[test]
    fn the_same_file_reached_twice_counts_once() {
        let dir = TempDir::new().unwrap();
        let a = write(dir.path(), "k8s/a.yaml", b"a: 1\n");
        write(dir.path(), "k8s/prod/b.yaml", b"b: 1\n");
        let paths = [
            a.clone(),
            a.clone(),
            dir.path().join("k8s/./a.yaml"),
            dir.path().join("k8s"),
            dir.path().join("k8s/prod"),
            dir.path().to_path_buf(),
        ];
        let inputs = run_in(dir.path(), &paths, &opts());
        assert_eq!(names(&inputs), ["k8s/a.yaml", "k8s/prod/b.yaml"]);
    }

    #[cfg(unix)]
    #[test]
    fn hard_links_are_two_files_and_a_symlink_to_one_of_them_is_not_a_third() {
        let dir = TempDir::new().unwrap();
        let a = write(dir.path(), "a/pod.yaml", b"kind: Pod\n");
        fs::create_dir_all(dir.path().join("b")).unwrap();
        fs::hard_link(&a, dir.path().join("b/pod.yaml")).unwrap();
        std::os::unix::fs::symlink("../a/pod.yaml", dir.path().join("b/link.yaml")).unwrap();
        let inputs = run(&dir, &opts());
        assert_eq!(names(&inputs), ["a/pod.yaml", "b/pod.yaml"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_reached_through_a_linked_folder_counts_once_under_the_first_name() {
        let dir = TempDir::new().unwrap();
        write(dir.path(), "real/x.yaml", b"x: 1\n");
        std::os::unix::fs::symlink("real", dir.path().join("alias")).unwrap();
        let inputs = run(&dir, &opts());
        assert_eq!(names(&inputs), ["alias/x.yaml"]);
        assert_eq!(inputs[0].content.as_deref(), Ok("x: 1\n"));
    }

    #[test]
    fn a_read_goes_to_the_end_whatever_size_was_reported() {
        let text = b"kind: Pod\n".repeat(10);
        // A size smaller than the file (it grew, or the mount's size is stale): read whole.
        assert_eq!(read_capped(&text[..], 1000, 30).unwrap(), text);
        // No size (a `/proc` file, a pipe): to the end, one byte past the limit at most.
        assert_eq!(read_capped(&text[..], 1000, 0).unwrap(), text);
        assert_eq!(read_capped(&text[..], 50, 0).unwrap().len(), 51);
        // A size past the limit: capped all the same.
        assert_eq!(read_capped(&text[..], 50, 80).unwrap().len(), 51);
    }

    #[test]
    fn a_nul_byte_makes_a_binary_input_with_its_line() {
        let dir = TempDir::new().unwrap();
        write(dir.path(), "bin.yaml", b"a: 1\nb: \x00\xff\n");
        let inputs = run(&dir, &opts());
        let err = find(&inputs, "bin.yaml").content.clone().unwrap_err();
        assert_eq!(err, InputError::Binary { line: 2 });
        assert_eq!(err.position(), Some((2, 1)));
        assert!(err.to_string().contains("binary file"));
    }

    #[test]
    fn invalid_utf8_gives_the_line_and_character_column_of_the_first_bad_byte() {
        let dir = TempDir::new().unwrap();
        // Line 2 holds `bé: ` (4 characters, 5 bytes) before the bad byte.
        write(dir.path(), "latin1.yaml", "a: 1\nbé: ".as_bytes());
        let mut bytes = fs::read(dir.path().join("latin1.yaml")).unwrap();
        bytes.extend_from_slice(b"\xe9t\xe9\n");
        fs::write(dir.path().join("latin1.yaml"), bytes).unwrap();
        let inputs = run(&dir, &opts());
        let err = find(&inputs, "latin1.yaml").content.clone().unwrap_err();
        assert_eq!(err, InputError::NotUtf8 { line: 2, column: 5 });
        assert_eq!(err.position(), Some((2, 5)));
        assert_eq!(
            err.to_string(),
            "the file is not valid UTF-8: invalid byte at line 2, column 5"
        );
    }

    #[test]
    fn a_utf8_bom_is_stripped_and_positions_count_after_it() {
        let dir = TempDir::new().unwrap();
        write(dir.path(), "bom.yaml", b"\xEF\xBB\xBFkind: Pod\n");
        write(dir.path(), "bom-bad.yaml", b"\xEF\xBB\xBF\xff");
        let inputs = run(&dir, &opts());
        assert_eq!(
            find(&inputs, "bom.yaml").content.as_deref(),
            Ok("kind: Pod\n")
        );
        assert_eq!(
            find(&inputs, "bom-bad.yaml").content,
            Err(InputError::NotUtf8 { line: 1, column: 1 })
        );
        // Only the leading BOM: one further on is text.
        assert_eq!(
            decode(b"a\xEF\xBB\xBF".to_vec(), 100).as_deref(),
            Ok("a\u{feff}")
        );
    }

    #[test]
    fn files_and_stdin_over_the_size_limit_are_too_large() {
        let dir = TempDir::new().unwrap();
        write(dir.path(), "big.yaml", &[b'a'; 11]);
        write(dir.path(), "fits.yaml", &[b'a'; 10]);
        let options = DiscoverOptions {
            max_file_size: 10,
            ..opts()
        };
        let paths = ["-".to_string(), path_arg(dir.path())];
        let mut stdin = Cursor::new(vec![b'b'; 100]);
        let inputs = discover_in(&paths, &options, &mut stdin, Some(dir.path()))
            .unwrap()
            .inputs;
        let big = find(&inputs, "big.yaml").content.clone().unwrap_err();
        assert_eq!(
            big,
            InputError::TooLarge {
                size: 11,
                limit: 10
            }
        );
        assert_eq!(big.position(), None);
        assert_eq!(
            find(&inputs, "fits.yaml").content.as_deref(),
            Ok("aaaaaaaaaa")
        );
        // Stdin's size is unknown: reading stops one byte past the limit.
        let piped = find(&inputs, STDIN_NAME).content.clone().unwrap_err();
        assert_eq!(
            piped,
            InputError::TooLarge {
                size: 11,
                limit: 10
            }
        );
        assert_eq!(
            piped.to_string(),
            "the file is too large: over the limit of 10 bytes (--max-file-size)"
        );
        assert_eq!(
            InputError::TooLarge {
                size: 5000,
                limit: 10
            }
            .to_string(),
            "the file is too large: 5000 bytes, over the limit of 10 bytes (--max-file-size)"
        );
        assert_eq!(stdin.position(), 11, "stdin is read no further than needed");
    }

    #[cfg(unix)]
    #[test]
    fn an_endless_device_named_explicitly_is_cut_at_the_limit() {
        let zero = Path::new("/dev/zero");
        if !zero.exists() {
            return;
        }
        let options = DiscoverOptions {
            max_file_size: 1000,
            ..opts()
        };
        let inputs = run_in(Path::new("/"), &[zero.to_path_buf()], &options);
        assert_eq!(names(&inputs), ["dev/zero"]);
        assert_eq!(
            inputs[0].content,
            Err(InputError::TooLarge {
                size: 1001,
                limit: 1000
            })
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_in_a_folder_is_not_read_without_blocking_and_said_so() {
        let dir = TempDir::new().unwrap();
        write(dir.path(), "a.yaml", b"a: 1\n");
        let made = ["pipe.yaml", "pipe"].iter().all(|name| {
            std::process::Command::new("mkfifo")
                .arg(dir.path().join(name))
                .status()
                .is_ok_and(|status| status.success())
        });
        if !made {
            return; // no mkfifo here: nothing to test
        }
        let root = dir.path().to_path_buf();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(discovery_in(&root, std::slice::from_ref(&root), &opts()));
        });
        let got = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("the walk blocked on a FIFO");
        assert_eq!(names(&got.inputs), ["a.yaml"]);
        // Only the one with a candidate name is worth a word: `pipe` would not be read anyway.
        assert_eq!(
            got.not_read,
            [NotRead {
                path: "pipe.yaml".into(),
                reason: "a FIFO (named pipe): never opened, reading one can block forever".into()
            }]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_reached_under_two_names_is_one_thing_not_read() {
        let dir = TempDir::new().unwrap();
        fs::create_dir(dir.path().join("real")).unwrap();
        if !std::process::Command::new("mkfifo")
            .arg(dir.path().join("real/pipe.yaml"))
            .status()
            .is_ok_and(|status| status.success())
        {
            return;
        }
        std::os::unix::fs::symlink("real", dir.path().join("alias")).unwrap();
        let paths = [dir.path().to_path_buf(), dir.path().join("real")];
        let got = discovery_in(dir.path(), &paths, &opts());
        let names: Vec<&str> = got.not_read.iter().map(|n| n.path.as_str()).collect();
        assert_eq!(names, ["alias/pipe.yaml"]);
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_paths_and_their_repository_are_not_followed() {
        use std::os::unix::fs::symlink;
        let dir = TempDir::new().unwrap();
        let top = fs::canonicalize(dir.path()).unwrap();
        write(&top, "repo/.git/HEAD", b"ref: refs/heads/main\n");
        write(&top, "repo/k8s/a.yaml", b"a: 1\n");
        write(&top, "repo/shared/s.yaml", b"s: 1\n");
        write(&top, "outside/secret.yaml", b"secret: 1\n");
        write(&top, "outside/notes.txt", b"n\n");
        let k8s = top.join("repo/k8s");
        symlink("../../outside/secret.yaml", k8s.join("leak.yaml")).unwrap();
        symlink(top.join("outside"), k8s.join("secrets")).unwrap();
        // Not a candidate and not a folder: it would not be read anyway, so no word on it.
        symlink("../../outside/notes.txt", k8s.join("notes.txt")).unwrap();
        // Out of the PATH but inside its repository: followed.
        symlink("../shared", k8s.join("shared")).unwrap();
        let got = discovery_in(&top, std::slice::from_ref(&k8s), &opts());
        assert_eq!(
            names(&got.inputs),
            ["repo/k8s/a.yaml", "repo/k8s/shared/s.yaml"]
        );
        let not_read: Vec<(&str, &str)> = got
            .not_read
            .iter()
            .map(|n| (n.path.as_str(), n.reason.as_str()))
            .collect();
        assert_eq!(
            not_read,
            [
                (
                    "repo/k8s/leak.yaml",
                    "a symbolic link to `outside/secret.yaml`, outside the scanned folders and their repository: not followed"
                ),
                (
                    "repo/k8s/secrets",
                    "a symbolic link to `outside`, outside the scanned folders and their repository: not followed"
                ),
            ]
        );
        // Without a repository, only the PATHs bound the links.
        fs::remove_dir_all(top.join("repo/.git")).unwrap();
        let got = discovery_in(&top, std::slice::from_ref(&k8s), &opts());
        assert_eq!(names(&got.inputs), ["repo/k8s/a.yaml"]);
        assert_eq!(got.not_read.len(), 3, "{:?}", got.not_read);
        // A link named on the command line is the user's choice.
        let named = run_in(&top, &[k8s.join("leak.yaml")], &opts());
        assert_eq!(named[0].content.as_deref(), Ok("secret: 1\n"));
    }

    #[cfg(unix)]
    #[test]
    fn an_unreadable_file_is_an_unreadable_input_unless_we_run_as_root() {
        use std::os::unix::fs::PermissionsExt;
        let dir = TempDir::new().unwrap();
        let locked = write(dir.path(), "locked.yaml", b"a: 1\n");
        write(dir.path(), "open.yaml", b"b: 1\n");
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        // Root (or CAP_DAC_OVERRIDE) reads it anyway: then so do we.
        let readable_anyway = File::open(&locked).is_ok();
        let inputs = run(&dir, &opts());
        assert_eq!(names(&inputs), ["locked.yaml", "open.yaml"]);
        let content = &find(&inputs, "locked.yaml").content;
        if readable_anyway {
            assert_eq!(content.as_deref(), Ok("a: 1\n"));
        } else {
            let err = content.clone().unwrap_err();
            assert!(matches!(&err, InputError::Unreadable(msg) if msg.contains("ermission")));
            assert!(err.to_string().starts_with("cannot read the file: "));
        }
        assert_eq!(find(&inputs, "open.yaml").content.as_deref(), Ok("b: 1\n"));
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o644)).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_is_a_walk_error_and_the_walk_goes_on() {
        let dir = TempDir::new().unwrap();
        write(dir.path(), "a.yaml", b"a: 1\n");
        write(dir.path(), "sub/b.yaml", b"b: 1\n");
        std::os::unix::fs::symlink("..", dir.path().join("sub/up")).unwrap();
        for threads in [1, 2] {
            let options = DiscoverOptions { threads, ..opts() };
            let inputs = run(&dir, &options);
            assert_eq!(names(&inputs), ["a.yaml", "sub/b.yaml", "sub/up"]);
            let err = find(&inputs, "sub/up").content.clone().unwrap_err();
            let InputError::WalkError(message) = &err else {
                panic!("expected a walk error, got {err:?}");
            };
            assert!(message.contains("loop"), "{message}");
            assert!(message.contains("`sub/up`"), "{message}");
            assert_eq!(err.position(), None);
            assert_eq!(
                find(&inputs, "sub/up").fs_path.as_deref(),
                Some(dir.path().join("sub/up").as_path())
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn dangling_and_hidden_links_are_reported_only_where_a_file_would_be_read() {
        let dir = TempDir::new().unwrap();
        write(dir.path(), "a.yaml", b"a: 1\n");
        fs::create_dir(dir.path().join("sub")).unwrap();
        std::os::unix::fs::symlink("nowhere.yaml", dir.path().join("gone.yaml")).unwrap();
        std::os::unix::fs::symlink("nowhere", dir.path().join("gone-tool")).unwrap();
        // A hidden link back to the root: a loop, but one that is not walked without `--hidden`.
        std::os::unix::fs::symlink("..", dir.path().join("sub/.loop")).unwrap();
        let inputs = run(&dir, &opts());
        assert_eq!(names(&inputs), ["a.yaml", "gone.yaml"]);
        assert!(matches!(
            &find(&inputs, "gone.yaml").content,
            Err(InputError::WalkError(msg)) if msg.starts_with("cannot walk this path: ")
        ));
        let hidden = DiscoverOptions {
            hidden: true,
            ..opts()
        };
        assert_eq!(
            names(&run(&dir, &hidden)),
            ["a.yaml", "gone.yaml", "sub/.loop"]
        );
    }

    #[test]
    fn stdin_is_read_once_as_stdin_beside_files() {
        let dir = TempDir::new().unwrap();
        write(dir.path(), "a.yaml", b"a: 1\n");
        let paths = ["-".to_string(), path_arg(dir.path()), "-".to_string()];
        let mut stdin = Cursor::new(b"\xEF\xBB\xBFkind: Pod\n".to_vec());
        let inputs = discover_in(&paths, &opts(), &mut stdin, Some(dir.path()))
            .unwrap()
            .inputs;
        assert_eq!(names(&inputs), [STDIN_NAME, "a.yaml"]);
        let piped = find(&inputs, STDIN_NAME);
        assert_eq!(piped.fs_path, None);
        assert_eq!(piped.content.as_deref(), Ok("kind: Pod\n"));
    }

    #[test]
    fn a_stdin_that_fails_fails_the_run() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("pipe broke"))
            }
        }
        let err = discover_in(&["-".to_string()], &opts(), &mut Broken, None).unwrap_err();
        assert_eq!(err, DiscoverError::Stdin("pipe broke".to_string()));
        assert_eq!(err.to_string(), "cannot read standard input: pipe broke");
    }

    #[test]
    fn missing_paths_are_all_named_and_nothing_is_read() {
        struct Untouchable;
        impl Read for Untouchable {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                panic!("stdin read although the run fails");
            }
        }
        let dir = TempDir::new().unwrap();
        write(dir.path(), "a.yaml", b"a: 1\n");
        let missing1 = path_arg(&dir.path().join("nope.yaml"));
        let missing2 = path_arg(&dir.path().join("nope/dir"));
        let paths = [
            missing1.clone(),
            "-".to_string(),
            path_arg(dir.path()),
            missing2.clone(),
        ];
        let err = discover_in(&paths, &opts(), &mut Untouchable, None).unwrap_err();
        assert_eq!(
            err,
            DiscoverError::NotFound(format!("{missing1}, {missing2}"))
        );
        assert_eq!(
            err.to_string(),
            format!("no such file or directory: {missing1}, {missing2}")
        );
    }

    #[test]
    fn display_paths_are_relative_to_the_current_folder_when_under_it() {
        let namer = Namer::new(Some(Path::new("/work/repo")));
        assert_eq!(
            namer.display(Path::new("/work/repo/k8s/a.yaml")),
            "k8s/a.yaml"
        );
        assert_eq!(
            namer.display(Path::new("./k8s/../k8s/./a.yaml")),
            "k8s/a.yaml"
        );
        assert_eq!(namer.display(Path::new("../repo/a.yaml")), "a.yaml");
        assert_eq!(
            namer.display(Path::new("../other/a.yaml")),
            "../other/a.yaml"
        );
        assert_eq!(
            namer.display(Path::new("/else/where.yaml")),
            "/else/where.yaml"
        );
        assert_eq!(namer.display(Path::new("/work/repo")), ".");
        assert_eq!(namer.display(Path::new(".")), ".");
        let no_cwd = Namer::new(None);
        assert_eq!(no_cwd.display(Path::new("./a/b.yaml")), "a/b.yaml");
        assert_eq!(no_cwd.display(Path::new("/a/../b.yaml")), "/b.yaml");
        assert_eq!(no_cwd.display(Path::new("/../b.yaml")), "/b.yaml");
    }

    #[cfg(unix)]
    #[test]
    fn an_absolute_path_through_a_link_to_the_current_folder_is_still_relative() {
        let dir = TempDir::new().unwrap();
        let real = dir.path().join("real");
        write(&real, "k8s/a.yaml", b"a: 1\n");
        std::os::unix::fs::symlink(&real, dir.path().join("link")).unwrap();
        let cwd = fs::canonicalize(&real).unwrap();
        let inputs = run_in(&cwd, &[dir.path().join("link/k8s/a.yaml")], &opts());
        assert_eq!(names(&inputs), ["k8s/a.yaml"]);
    }

    #[test]
    fn input_error_positions_exist_only_where_there_is_one() {
        assert_eq!(InputError::Unreadable("x".into()).position(), None);
        assert_eq!(InputError::WalkError("x".into()).position(), None);
        assert_eq!(InputError::Binary { line: 7 }.position(), Some((7, 1)));
        assert_eq!(
            InputError::Binary { line: 7 }.to_string(),
            "binary file (a NUL byte on line 7); only UTF-8 text can be linted"
        );
    }

    #[test]
    fn defaults_are_all_cores_and_32_mib() {
        let defaults = DiscoverOptions::default();
        assert_eq!(defaults.threads, 0);
        assert_eq!(defaults.max_file_size, 8 * 1024 * 1024);
        assert!(thread_count(0) >= 1);
        assert_eq!(thread_count(3), 3);
    }

    #[test]
    fn sizes_take_bytes_and_binary_multiples() {
        assert_eq!(parse_size("100"), Ok(100));
        assert_eq!(parse_size("512K"), Ok(512 << 10));
        assert_eq!(parse_size("8M"), Ok(8 << 20));
        assert_eq!(parse_size("8mib"), Ok(8 << 20));
        assert_eq!(parse_size(" 2 GB "), Ok(2 << 30));
        assert_eq!(parse_size("1B"), Ok(1));
        // Byte offsets are 32 bits: the largest size is one byte under 4 GiB.
        assert_eq!(parse_size("4095M"), Ok(4095 << 20));
        assert_eq!(parse_size("4294967295"), Ok(u64::from(u32::MAX)));
        for bad in [
            "4G",
            "4294967296",
            "",
            "M",
            "0",
            "-1",
            "1.5M",
            "8X",
            "99999999999999999999",
            "20000000000G",
        ] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
        assert_eq!(DEFAULT_MAX_FILE_SIZE, parse_size("8M").unwrap());
    }
}
