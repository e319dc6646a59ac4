//! Where a report goes: stdout, or the FILE of `-o`.
//!
//! What `-o` names decides how it is written:
//! - a regular file, or a path where nothing is yet: atomically, through a temporary file
//!   beside it and a rename, so that a reader never sees half a report; an existing file keeps
//!   its permissions (a `chmod 640` report stays 640).
//! - anything else is written through: opened and written in place, never replaced. `-o
//!   /dev/null` stays a device, `-o /dev/stdout` writes to whatever stdout is, a FIFO's reader
//!   gets the report. Renaming over them would leave a regular file where the device, the pipe
//!   or the link was.
//! - a symbolic link is written through to its target, as the shell's `>` does: the link stays
//!   a link, the target gets the report (in place, so not atomically). A link to nothing is
//!   refused: `-o` never creates a file somewhere else than where it says.
//!
//! The temporary file is created with `create_new`, so a file or a link someone left at its
//! name is never followed or overwritten.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `content` to stdout, or to `path` as the module says. The error is the message for
/// the user (the run then fails with exit code 2).
pub fn write(path: Option<&Path>, content: &str) -> Result<(), String> {
    write_with(path, &mut |w| w.write_all(content.as_bytes()))
}

/// Like [`write`], for a report that `render` streams into a buffered writer as it goes
/// instead of building it whole first: memory stays that of the findings, not of their text.
pub fn write_with(path: Option<&Path>, render: &mut Render<'_>) -> Result<(), String> {
    match path {
        None => write_stdout(render),
        Some(path) => {
            write_file(path, render).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
    }
}

/// What streams a report into a writer (see [`write_with`]).
pub type Render<'a> = dyn FnMut(&mut dyn Write) -> io::Result<()> + 'a;

/// Large enough that writing a report costs few system calls.
const BUFFER: usize = 1 << 16;

/// Runs `render` into `sink` through a buffer, and flushes it.
fn stream(sink: impl Write, render: &mut Render<'_>) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(BUFFER, sink);
    render(&mut out)?;
    out.flush()
}

/// Appends `content` to the file at `path`, creating it: for `--summary-output`, whose usual
/// FILE, `$GITHUB_STEP_SUMMARY`, every writer of a step appends to. A link to nothing is
/// refused, as for [`write`].
pub fn append(path: &Path, content: &str) -> Result<(), String> {
    let appended = || -> io::Result<()> {
        if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
            && fs::metadata(path).is_err()
        {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                "it is a symbolic link to nothing; name the file itself",
            ));
        }
        let mut file = OpenOptions::new().append(true).create(true).open(path)?;
        file.write_all(content.as_bytes())?;
        file.flush()
    };
    appended().map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn write_stdout(render: &mut Render<'_>) -> Result<(), String> {
    // A closed pipe (`| head`) is not a failure of the run.
    match stream(io::stdout().lock(), render) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write the report: {e}"))
        }
        _ => Ok(()),
    }
}

fn write_file(path: &Path, content: &mut Render<'_>) -> io::Result<()> {
    // `symlink_metadata`: what the path itself is, a link not followed.
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => replace(path, content, None),
        Err(e) => Err(e),
        Ok(meta) if meta.file_type().is_file() => replace(path, content, Some(meta.permissions())),
        Ok(meta) if meta.file_type().is_symlink() && fs::metadata(path).is_err() => {
            Err(io::Error::new(
                io::ErrorKind::NotFound,
                "it is a symbolic link to nothing; name the file itself",
            ))
        }
        Ok(_) => write_through(path, content),
    }
}

/// Opens what is there and writes into it. No `create`: the path exists. `truncate` empties a
/// regular file behind a link and means nothing to a device or a FIFO; a folder fails to open.
fn write_through(path: &Path, content: &mut Render<'_>) -> io::Result<()> {
    let file = OpenOptions::new().write(true).truncate(true).open(path)?;
    stream(file, content)
}

/// Writes a temporary file beside `path`, gives it `permissions` (those of the file it
/// replaces), and renames it over `path`.
fn replace(
    path: &Path,
    content: &mut Render<'_>,
    permissions: Option<fs::Permissions>,
) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| OsString::from("report"), OsString::from);
    let (tmp, file) = create_temporary(dir, &name)?;
    let written = stream(&file, content)
        .and_then(|_| match permissions {
            Some(permissions) => file.set_permissions(permissions),
            None => Ok(()),
        })
        .and_then(|_| {
            drop(file);
            fs::rename(&tmp, path)
        });
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// A new file `.NAME.PID.N.tmp` in `dir`: `create_new` fails on anything already there, a
/// link included, so another name is tried.
fn create_temporary(dir: &Path, name: &OsString) -> io::Result<(PathBuf, File)> {
    for attempt in 0..100 {
        let mut tmp_name = OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".{}.{attempt}.tmp", std::process::id()));
        let tmp = dir.join(tmp_name);
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free name for the temporary file",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_written_and_no_temporary_file_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        write(Some(&path), "{}\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "{}\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_left_at_the_temporary_name_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, "keep\n").unwrap();
        let taken = dir
            .path()
            .join(format!(".report.json.{}.0.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &taken).unwrap();
        let path = dir.path().join("report.json");
        write(Some(&path), "new\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep\n");
        assert!(
            fs::symlink_metadata(&taken)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_nothing_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        std::os::unix::fs::symlink(dir.path().join("elsewhere/r.json"), &path).unwrap();
        let err = write(Some(&path), "x\n").unwrap_err();
        assert!(err.contains("a symbolic link to nothing"), "{err}");
        assert!(!dir.path().join("elsewhere").exists());
    }

    #[test]
    fn append_adds_to_what_is_there_and_creates_a_new_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.md");
        append(&path, "a\n").unwrap();
        append(&path, "b\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "a\nb\n");
        assert!(append(dir.path(), "x").is_err());
    }

    #[test]
    fn a_folder_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write(Some(dir.path()), "x\n").is_err());
        assert!(dir.path().is_dir());
    }
}
