//! Timing the release binary: where it is (`FARGATE_LINT_BIN` or `target/release`), one run
//! of it with wall time, exit code, output size and peak memory (max RSS from GNU
//! `/usr/bin/time`, when there is one), and the table of results. Exit codes 0 and 1 of
//! fargate-lint are both success here (a corpus has findings on purpose); anything else is
//! an error that carries the child's stderr.

use std::env;
use std::fs::{self, File};
use std::hash::{DefaultHasher, Hasher as _};
use std::io::{self, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// GNU time: the only portable way to get a child's peak RSS without a `libc` dependency.
const GNU_TIME: &str = "/usr/bin/time";
/// How much of stdout is kept to find `check`'s summary, which comes before the findings.
const OUTPUT_HEAD_BYTES: u64 = 64 * 1024;

/// The usage line for [`locate_binary`]'s environment variable.
pub const BINARY_NOTE: &str =
    "env FARGATE_LINT_BIN overrides the binary (default target/release/fargate-lint)";

/// `FARGATE_LINT_BIN`, else the binary cargo built for this bench (cargo builds a package's
/// binaries before its benches, into the same `target/release`), else `target/release` under
/// `CARGO_TARGET_DIR` or the crate. Absolute, since the child runs in the temporary folder.
pub fn locate_binary() -> Result<PathBuf, String> {
    if let Some(path) = env::var_os("FARGATE_LINT_BIN") {
        let path = PathBuf::from(path);
        return absolute_file(&path)
            .ok_or_else(|| format!("FARGATE_LINT_BIN={} is not a file", path.display()));
    }
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target_dir = match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => manifest_dir.join(dir),
        None => manifest_dir.join("target"),
    };
    let expected = target_dir
        .join("release")
        .join(format!("fargate-lint{}", env::consts::EXE_SUFFIX));
    let built_by_cargo = option_env!("CARGO_BIN_EXE_fargate-lint").map(PathBuf::from);
    built_by_cargo
        .iter()
        .chain([&expected])
        .find_map(|path| absolute_file(path))
        .ok_or_else(|| {
            format!(
                "no release binary at {}; run `cargo build --release` first \
                 (or set FARGATE_LINT_BIN)",
                expected.display()
            )
        })
}

fn absolute_file(path: &Path) -> Option<PathBuf> {
    path.is_file()
        .then(|| fs::canonicalize(path).ok())
        .flatten()
}

/// Whether `/usr/bin/time -f %M -o FILE` works here (GNU time; BusyBox's lacks `-o`).
pub fn gnu_time_works() -> bool {
    let Ok(probe) = tempfile::NamedTempFile::new() else {
        return false;
    };
    Command::new(GNU_TIME)
        .args(["-f", "%M", "-o"])
        .arg(probe.path())
        .arg("true")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
        && read_max_rss(probe.path()).is_some()
}

/// One run of the binary.
pub struct Measurement {
    pub wall: Duration,
    pub max_rss_kib: Option<u64>,
    pub exit_code: i32,
    pub output_bytes: u64,
    /// The first `OUTPUT_HEAD_BYTES` of stdout.
    pub output_head: String,
    /// A hash of the whole of stdout, when [`Run::hash`] asked for it.
    pub output_hash: Option<u64>,
}

/// What [`run`] runs and how: [`run_once`] is the common case.
pub struct Run<'a> {
    pub program: &'a Path,
    pub args: &'a [String],
    pub workdir: &'a Path,
    pub peak_memory: bool,
    /// Hash all of stdout: costs the parent a little CPU, so only for the runs compared.
    pub hash: bool,
    /// The exit codes that mean the run worked.
    pub ok_codes: &'a [i32],
    /// Extra environment variables of the child.
    pub env: &'a [(&'a str, &'a str)],
}

/// Runs `binary ARGS` once in `workdir`, under GNU time when `peak_memory`, and measures it;
/// its stdout is counted and its head kept, its stderr (and GNU time's report) go to files
/// in `workdir`, which `ARGS` should therefore not walk as a whole.
pub fn run_once(
    binary: &Path,
    args: &[String],
    workdir: &Path,
    peak_memory: bool,
) -> Result<Measurement, String> {
    run(&Run {
        program: binary,
        args,
        workdir,
        peak_memory,
        hash: false,
        ok_codes: &[0, 1],
        env: &[],
    })
}

/// Runs one program as [`run_once`] runs fargate-lint, with the choices of [`Run`].
pub fn run(spec: &Run<'_>) -> Result<Measurement, String> {
    let Run {
        program: binary,
        args,
        workdir,
        peak_memory,
        ..
    } = *spec;
    // Separate files: GNU time's report must not mix with the program's own stderr.
    let rss_file = workdir.join("max-rss.txt");
    let stderr_file = workdir.join("stderr.txt");
    let stderr = File::create(&stderr_file)
        .map_err(|e| format!("cannot create {}: {e}", stderr_file.display()))?;

    let mut command = if peak_memory {
        let mut c = Command::new(GNU_TIME);
        c.args(["-f", "%M", "-o"]).arg(&rss_file).arg(binary);
        c
    } else {
        Command::new(binary)
    };
    command
        .args(args)
        .envs(spec.env.iter().copied())
        .current_dir(workdir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr);

    let started = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    // Drained into a sink rather than /dev/null to count the bytes (a report that is suddenly
    // empty or ten times bigger is worth seeing next to the timings) and to keep its head,
    // where `check` puts its summary.
    let mut output_head = Vec::new();
    let mut output_bytes = 0;
    let mut output_hash = None;
    if let Some(stdout) = child.stdout.take() {
        let read_error =
            |e: io::Error| format!("cannot read the output of {}: {e}", binary.display());
        let mut stdout = io::BufReader::new(stdout);
        output_bytes += (&mut stdout)
            .take(OUTPUT_HEAD_BYTES)
            .read_to_end(&mut output_head)
            .map_err(read_error)? as u64;
        if spec.hash {
            let mut hasher = DefaultHasher::new();
            hasher.write(&output_head);
            let mut buffer = vec![0; 64 * 1024];
            loop {
                let n = stdout.read(&mut buffer).map_err(read_error)?;
                if n == 0 {
                    break;
                }
                hasher.write(&buffer[..n]);
                output_bytes += n as u64;
            }
            output_hash = Some(hasher.finish());
        } else {
            output_bytes += io::copy(&mut stdout, &mut io::sink()).map_err(read_error)?;
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("cannot wait for {}: {e}", binary.display()))?;
    let wall = started.elapsed();

    // With GNU time in between, its exit status is the child's (or 128+signal).
    let exit_code = status.code().unwrap_or(-1);
    if !spec.ok_codes.contains(&exit_code) {
        return Err(format!(
            "`{} {}` failed ({status}); its stderr:\n{}",
            binary.file_name().unwrap_or_default().to_string_lossy(),
            args.join(" "),
            stderr_excerpt(&stderr_file)
        ));
    }
    Ok(Measurement {
        wall,
        max_rss_kib: if peak_memory {
            read_max_rss(&rss_file)
        } else {
            None
        },
        exit_code,
        output_bytes,
        output_head: String::from_utf8_lossy(&output_head).into_owned(),
        output_hash,
    })
}

/// GNU time writes `%M` (KiB) as the last line; a `Command exited with non-zero status 1`
/// line comes before it when the program exits 1, which it does here by design.
fn read_max_rss(path: &Path) -> Option<u64> {
    let text = fs::read_to_string(path).ok()?;
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())?
        .trim()
        .parse()
        .ok()
}

fn stderr_excerpt(path: &Path) -> String {
    const MAX_LINES: usize = 30;
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let mut excerpt = lines[..lines.len().min(MAX_LINES)].join("\n");
    if lines.len() > MAX_LINES {
        excerpt.push_str(&format!("\n... ({} more lines)", lines.len() - MAX_LINES));
    }
    if excerpt.is_empty() {
        "(no stderr)".to_string()
    } else {
        excerpt
    }
}

/// The fastest of several runs (the least disturbed by the rest of the machine).
pub fn best(runs: &[Measurement]) -> Option<&Measurement> {
    runs.iter().min_by_key(|m| m.wall)
}

/// What the table shows of the runs of one command.
#[derive(Clone)]
pub struct Row {
    pub command: String,
    pub best: Duration,
    pub max_rss_kib: Option<u64>,
    pub exit_code: i32,
}

impl Row {
    /// Best wall time (the least disturbed by the rest of the machine); peak memory is the
    /// highest of all runs, since memory is a limit to stay under, not a speed.
    pub fn from_runs(command: String, runs: &[Measurement]) -> Row {
        Row {
            command,
            best: best(runs).map(|m| m.wall).unwrap_or_default(),
            max_rss_kib: runs.iter().filter_map(|m| m.max_rss_kib).max(),
            exit_code: runs.last().map_or(0, |m| m.exit_code),
        }
    }
}

/// One line per row: files and megabytes read, best wall time, and the rates they give.
pub fn print_table(rows: &[Row], files: usize, bytes: u64) {
    println!(
        "{:<22} {:>7} {:>7} {:>9} {:>9} {:>7} {:>10} {:>5}",
        "command", "files", "MB", "best s", "files/s", "MB/s", "max RSS", "exit"
    );
    for row in rows {
        let seconds = row.best.as_secs_f64().max(f64::EPSILON);
        println!(
            "{:<22} {:>7} {:>7.1} {:>9.3} {:>9.0} {:>7.1} {:>10} {:>5}",
            row.command,
            files,
            mb(bytes),
            seconds,
            files as f64 / seconds,
            mb(bytes) / seconds,
            format_rss(row.max_rss_kib),
            row.exit_code
        );
    }
}

/// Decimal megabytes, as in MB/s.
pub fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

pub fn format_rss(kib: Option<u64>) -> String {
    kib.map_or("n/a".to_string(), |k| {
        format!("{:.1} MiB", k as f64 / 1024.0)
    })
}
