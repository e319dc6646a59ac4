//! `--baseline REF`: the PATHs as they are at a git revision, read out of the repository's
//! object store into [`Inputs`], which [`crate::analysis::analyze`] turns into a second
//! model that `crate::change` compares with the working tree's.
//!
//! Only the `git` command is asked, and only what reads objects: `rev-parse` (the root and
//! the commit), `ls-tree` (the blobs under the PATHs at the commit, with their sizes) and
//! one `cat-file --batch` for all of them. Nothing is checked out and neither the work tree
//! nor the index is touched: no optional locks (`--no-optional-locks`, `GIT_OPTIONAL_LOCKS=0`),
//! no fsmonitor hook, no textconv or filters (blobs are read as stored). A symbolic link at
//! REF (mode 120000) is not followed, and submodules are not entered.
//!
//! Which files are read is decided as for the disk by [`TreeFilter`] (candidate names,
//! hidden, `--exclude`, the size limit, UTF-8), and each file gets the display path the walk
//! gives the same file in the working tree, so that the two models speak of the same paths.
//! Ignore files are the walk's alone: a file tracked at REF is there on purpose.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::analysis::{Inputs, Settings, inputs_from};
use crate::discover::{Input, InputError, TreeFilter};
use crate::source::normalize;

/// The revision a baseline was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// As the user wrote it (`origin/main`, a sha).
    pub name: String,
    /// The commit it resolves to.
    pub commit: String,
}

/// What the user reads when a baseline cannot be had: the base commit is often missing from
/// a CI checkout, which fetches one commit by default.
const FETCH_HINT: &str = "fetch it first (`git fetch --depth=1 origin <sha>`), or check out the whole history (`fetch-depth: 0` with actions/checkout)";

/// A `git` command that reads the repository at `root` and changes nothing in it.
fn git(root: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("--no-optional-locks")
        .arg("--literal-pathspecs")
        .args(["-c", "core.fsmonitor=false"])
        .arg("-C")
        .arg(root)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_LITERAL_PATHSPECS", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null());
    c
}

/// Runs `c` and returns its stdout, or its first line of stderr.
fn output(mut c: Command) -> Result<Vec<u8>, String> {
    let out = c
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run `git`: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err
            .lines()
            .next()
            .unwrap_or("git failed")
            .trim()
            .to_string())
    }
}

fn trimmed(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).trim().to_string()
}

/// A PATH of the run, where it is in the repository.
struct Root {
    /// As given (what display paths start from).
    given: String,
    /// Relative to the repository root, with `/`; empty for the root itself.
    in_repo: String,
    /// A file named on the command line: read whatever its name.
    file: bool,
}

/// Reads the PATHs (and `--cluster` files) of `settings` at revision `rev`.
pub fn read(settings: &Settings, rev: &str) -> Result<(Revision, Inputs), String> {
    let filter = TreeFilter::new(&settings.discover).map_err(|e| e.to_string())?;
    let cwd = std::env::current_dir().map_err(|e| format!("--baseline: no current folder: {e}"))?;
    let mut paths = settings.paths.clone();
    if paths.is_empty() {
        paths.push(".".to_string());
    }
    paths.extend(settings.cluster_files.iter().cloned());
    // The repository's other cluster files are found on the disk only: compared with a
    // revision that lacks them, every placement in their clusters would look added.
    if settings.find_clusters {
        return Err(
            "--baseline and --find-clusters cannot be used together: name the cluster files among the PATHs or with --cluster"
                .to_string(),
        );
    }
    if paths.iter().any(|p| p == "-") {
        return Err(
            "--baseline: stdin (`-`) has no revision to compare with; name files or folders"
                .to_string(),
        );
    }
    let first = Path::new(&paths[0]);
    let start = if first.is_dir() {
        first.to_path_buf()
    } else {
        first
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let root = output({
        let mut c = git(&start);
        c.args(["rev-parse", "--show-toplevel"]);
        c
    })
    .map(trimmed)
    .map_err(|e| {
        format!(
            "--baseline {rev}: `{}` is not in a git repository ({e})",
            paths[0]
        )
    })?;
    let root = std::fs::canonicalize(&root).map_err(|e| format!("--baseline: {root}: {e}"))?;
    let commit = resolve(&root, rev)?;
    let roots = paths
        .iter()
        .map(|given| {
            let canonical =
                std::fs::canonicalize(given).map_err(|e| format!("--baseline: `{given}`: {e}"))?;
            let in_repo = canonical.strip_prefix(&root).map_err(|_| {
                format!(
                    "--baseline {rev}: `{given}` is outside the repository at `{}`",
                    root.display()
                )
            })?;
            Ok(Root {
                given: given.clone(),
                in_repo: slashed(in_repo),
                file: canonical.is_file(),
            })
        })
        .collect::<Result<Vec<Root>, String>>()?;
    let blobs = list(&root, &commit, &roots, &filter)?;
    let mut files = read_blobs(&root, &blobs, &filter)?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    let cwd_in_repo = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    let mut referenced = |_dir: &str, candidate: &str| {
        read_referenced(&root, &commit, &cwd_in_repo, candidate, &filter)
    };
    let inputs = inputs_from(files, settings, &mut referenced);
    Ok((
        Revision {
            name: rev.to_string(),
            commit,
        },
        inputs,
    ))
}

/// The commit `rev` names, or why there is none, with what to do in a shallow clone.
fn resolve(root: &Path, rev: &str) -> Result<String, String> {
    let resolved = output({
        let mut c = git(root);
        c.args(["rev-parse", "--verify", "--quiet", "--end-of-options"])
            .arg(format!("{rev}^{{commit}}"));
        c
    });
    match resolved.map(trimmed) {
        Ok(commit) if !commit.is_empty() => Ok(commit),
        _ => {
            let shallow = output({
                let mut c = git(root);
                c.args(["rev-parse", "--is-shallow-repository"]);
                c
            })
            .map(trimmed)
            .is_ok_and(|s| s == "true");
            let why = if shallow {
                "; the clone is shallow, so the commit may not have been fetched"
            } else {
                ""
            };
            Err(format!(
                "--baseline: `{rev}` names no commit of the repository at `{}`{why}: {FETCH_HINT}",
                root.display()
            ))
        }
    }
}

/// A blob to read: its object id and size, and the display path it gets.
struct Blob {
    oid: String,
    size: u64,
    display: String,
}

/// The blobs under the PATHs at `commit` that the walk would read, in one `ls-tree`.
fn list(
    root: &Path,
    commit: &str,
    roots: &[Root],
    filter: &TreeFilter,
) -> Result<Vec<Blob>, String> {
    let mut c = git(root);
    c.args(["ls-tree", "-r", "-z", "--long", "--full-tree", commit, "--"]);
    for r in roots {
        c.arg(if r.in_repo.is_empty() {
            "."
        } else {
            r.in_repo.as_str()
        });
    }
    let listing = output(c).map_err(|e| format!("--baseline: cannot list `{commit}`: {e}"))?;
    let files: std::collections::HashMap<&str, &str> = roots
        .iter()
        .filter(|r| r.file)
        .map(|r| (r.in_repo.as_str(), r.given.as_str()))
        .collect();
    let folders: Vec<&Root> = roots.iter().filter(|r| !r.file).collect();
    let mut out = Vec::new();
    for entry in listing.split(|&b| b == 0).filter(|e| !e.is_empty()) {
        // `<mode> SP <type> SP <object> SP+ <size> TAB <path>`
        let entry = String::from_utf8_lossy(entry);
        let Some((head, path)) = entry.split_once('\t') else {
            continue;
        };
        let mut head = head.split_whitespace();
        let (Some(mode), Some(kind), Some(oid), Some(size)) =
            (head.next(), head.next(), head.next(), head.next())
        else {
            continue;
        };
        // Links are not followed; submodules are commits, not blobs.
        if kind != "blob" || mode == "120000" {
            continue;
        }
        let size = size.parse().unwrap_or(u64::MAX);
        let display = if let Some(given) = files.get(path) {
            Some(filter.display(Path::new(given)))
        } else {
            folders.iter().find_map(|r| {
                let rest = if r.in_repo.is_empty() {
                    path
                } else {
                    path.strip_prefix(r.in_repo.as_str())?.strip_prefix('/')?
                };
                let display = filter.display(&Path::new(&r.given).join(rest));
                filter.wants(Path::new(rest), &display).then_some(display)
            })
        };
        if let Some(display) = display {
            out.push(Blob {
                oid: oid.to_string(),
                size,
                display,
            });
        }
    }
    Ok(out)
}

/// The text of every blob, read by one `git cat-file --batch`: the object ids are written
/// from a thread while the answers are read, so that neither pipe fills up.
fn read_blobs(root: &Path, blobs: &[Blob], filter: &TreeFilter) -> Result<Vec<Input>, String> {
    let (small, large): (Vec<&Blob>, Vec<&Blob>) = blobs
        .iter()
        .partition(|b| filter.too_large(b.size).is_none());
    let mut files: Vec<Input> = large
        .iter()
        .filter_map(|b| {
            Some(Input {
                path: b.display.clone(),
                fs_path: None,
                content: Err(filter.too_large(b.size)?),
            })
        })
        .collect();
    if small.is_empty() {
        return Ok(files);
    }
    let failed = |e: std::io::Error| format!("--baseline: cannot read the revision's files: {e}");
    let mut c = git(root);
    c.args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = c.spawn().map_err(|e| format!("cannot run `git`: {e}"))?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err("--baseline: `git cat-file` has no pipes".to_string());
    };
    let request: String = small.iter().map(|b| format!("{}\n", b.oid)).collect();
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let mut reader = BufReader::new(stdout);
    let mut header = String::new();
    for b in &small {
        header.clear();
        reader.read_line(&mut header).map_err(failed)?;
        let size = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse::<u64>().ok());
        let content = match size {
            Some(size) => {
                let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
                (&mut reader)
                    .take(size)
                    .read_to_end(&mut bytes)
                    .map_err(failed)?;
                let mut newline = [0u8; 1];
                reader.read_exact(&mut newline).map_err(failed)?;
                filter.decode(bytes)
            }
            None => Err(InputError::Unreadable(format!(
                "not in the repository at {}",
                b.oid
            ))),
        };
        files.push(Input {
            path: b.display.clone(),
            fs_path: None,
            content,
        });
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(files)
}

/// A file a kustomization at the revision names (`candidate`, a display path), read from
/// the revision: `None` when there is no file there (a folder, nothing), an error when it
/// is outside the repository or a link (kustomize's load restrictions, and links are not
/// followed at a revision).
fn read_referenced(
    root: &Path,
    commit: &str,
    cwd: &Path,
    candidate: &str,
    filter: &TreeFilter,
) -> Option<Result<Input, String>> {
    let absolute = normalize(&cwd.join(candidate));
    let Ok(in_repo) = absolute.strip_prefix(root) else {
        return Some(Err(format!(
            "it is outside the repository (`{}`): kustomize's load restrictions keep a build inside it",
            root.display()
        )));
    };
    let mut c = git(root);
    c.args(["ls-tree", "-z", "--long", "--full-tree", commit, "--"])
        .arg(slashed(in_repo));
    let listing = output(c).ok()?;
    let entry = String::from_utf8_lossy(listing.split(|&b| b == 0).next()?).into_owned();
    let (head, _) = entry.split_once('\t')?;
    let head: Vec<&str> = head.split_whitespace().collect();
    let [mode, kind, oid, size] = head.as_slice() else {
        return None;
    };
    if *kind != "blob" {
        return None;
    }
    if *mode == "120000" {
        return Some(Err(
            "a symbolic link at the revision: not followed".to_string()
        ));
    }
    let content = match filter.too_large(size.parse().unwrap_or(u64::MAX)) {
        Some(e) => Err(e),
        None => {
            let mut c = git(root);
            c.args(["cat-file", "blob", oid]);
            match output(c) {
                Ok(bytes) => filter.decode(bytes),
                Err(e) => Err(InputError::Unreadable(e)),
            }
        }
    };
    Some(Ok(Input {
        path: candidate.to_string(),
        fs_path: None,
        content,
    }))
}

/// A relative path with `/` separators.
fn slashed(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::DiscoverOptions;

    fn run_git(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .args(["-c", "user.name=t", "-c", "user.email=t@t"])
            .args(args)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn links_hidden_files_and_other_names_at_the_revision_are_not_listed() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let d = dir.path();
        std::fs::create_dir_all(d.join("k8s")).expect("a folder");
        std::fs::write(d.join("k8s/web.yaml"), "kind: Pod\n").expect("a file");
        std::fs::write(d.join("k8s/.hidden.yaml"), "kind: Pod\n").expect("a file");
        std::fs::write(d.join("k8s/notes.txt"), "x\n").expect("a file");
        std::os::unix::fs::symlink("/etc/hostname", d.join("k8s/leak.yaml")).expect("a link");
        run_git(d, &["init", "-q"]);
        run_git(d, &["add", "-A"]);
        run_git(d, &["commit", "-q", "-m", "one"]);
        let root = std::fs::canonicalize(d).expect("a root");
        let filter = TreeFilter::new(&DiscoverOptions::default()).expect("a filter");
        let roots = [Root {
            given: root.join("k8s").to_string_lossy().into_owned(),
            in_repo: "k8s".to_string(),
            file: false,
        }];
        let listed: Vec<String> = list(&root, "HEAD", &roots, &filter)
            .expect("a listing")
            .into_iter()
            .map(|b| b.display)
            .collect();
        assert_eq!(listed.len(), 1, "{listed:?}");
        assert!(listed[0].ends_with("/k8s/web.yaml"), "{listed:?}");
    }
}
