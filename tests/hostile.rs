//! Hostile file systems and configurations, end to end with the real binary: fargate-lint runs
//! in CI on pull requests from anyone, so what a pull request can put in the checkout (links,
//! FIFOs, a `.fargate-lint.toml`) must not make it read outside the repository, hang, write
//! anywhere but `-o`, or print nonsense. Each test names the case it covers (issue 10).
//!
//! Everything is built in temporary folders: git cannot keep FIFOs, and links to
//! `/etc/passwd` do not belong in the repository.

#![cfg(unix)]

mod common;

use std::os::unix::fs::{FileTypeExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::mpsc;
use std::time::Duration;

use common::*;

/// A line that FL001's snippet would print if the file holding it were read: broken YAML.
const SECRET: &str = "token: [SECRET-7f3a9c\n";

/// A Pod that lands nowhere in particular and is fine: one workload, one document.
const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  containers:
    - name: web
      image: public.ecr.aws/nginx/nginx:1.25
";

/// `top/repo` (a git repository holding `k8s/pod.yaml`) beside `top/outside` (holding
/// `secret.yaml` and `cluster.yaml`), all with links resolved so that paths compare.
struct Layout {
    _dir: tempfile::TempDir,
    top: PathBuf,
}

impl Layout {
    fn new() -> Layout {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let top = std::fs::canonicalize(dir.path()).expect("a canonical temporary folder");
        write(&top, "repo/.git/HEAD", "ref: refs/heads/main\n");
        write(&top, "repo/k8s/pod.yaml", POD);
        // The pod has no cluster on purpose: these tests are about reading, not placing.
        write(
            &top,
            "repo/.fargate-lint.toml",
            "[rules]\nFL006 = \"off\"\n",
        );
        write(&top, "outside/secret.yaml", SECRET);
        write(&top, "outside/cluster.yaml", APPS_CLUSTER);
        Layout { _dir: dir, top }
    }

    fn repo(&self) -> PathBuf {
        self.top.join("repo")
    }

    fn outside(&self) -> PathBuf {
        self.top.join("outside")
    }
}

/// `mkfifo PATH`; false when this system has no `mkfifo` (then the test has nothing to test).
fn mkfifo(path: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs the binary in `dir` on another thread and fails the test if it takes more than 20
/// seconds (a hang on a FIFO), instead of hanging the test suite.
fn run_bounded(dir: &Path, args: &[&str]) -> Output {
    let (dir, args): (PathBuf, Vec<String>) = (
        dir.to_path_buf(),
        args.iter().map(|a| a.to_string()).collect(),
    );
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let _ = tx.send(run_in(&dir, &args));
    });
    rx.recv_timeout(Duration::from_secs(20))
        .expect("fargate-lint hung (on a FIFO?)")
}

fn all_output(o: &Output) -> String {
    format!("{}{}", stdout(o), stderr(o))
}

// ---- 1. Links out of the scanned folders and the repository --------------------------------

#[test]
fn links_in_a_folder_that_lead_out_of_the_repository_are_not_read_and_said_so() {
    let l = Layout::new();
    let k8s = l.repo().join("k8s");
    symlink("../../outside/secret.yaml", k8s.join("leak.yaml")).expect("a link");
    symlink(l.outside().join("secret.yaml"), k8s.join("absolute.yaml")).expect("a link");
    symlink("../../outside", k8s.join("secrets")).expect("a link");
    if Path::new("/etc/passwd").is_file() {
        symlink("/etc/passwd", k8s.join("passwd.yaml")).expect("a link");
    }
    for format in ["human", "json", "sarif", "github"] {
        let o = run_in(
            &l.repo(),
            &["check", "--verbose", "--format", format, "k8s"],
        );
        let out = all_output(&o);
        assert_eq!(o.status.code(), Some(0), "{format}: {out}");
        assert!(!out.contains("SECRET"), "{format}: {out}");
        assert!(!out.contains("root:"), "{format}: {out}");
        for link in ["k8s/leak.yaml", "k8s/absolute.yaml", "k8s/secrets"] {
            assert!(
                stderr(&o).contains(&format!(
                    "not read {link}: a symbolic link to `{}",
                    l.outside().display()
                )),
                "{format}: {out}"
            );
        }
    }
    let o = run_in(&l.repo(), &["check", "--format", "json", "k8s"]);
    assert_eq!(json(&o)["summary"]["files"], 1, "{}", stdout(&o));
}

#[test]
fn links_out_of_a_folder_outside_any_repository_are_not_read() {
    let l = Layout::new();
    std::fs::remove_dir_all(l.repo().join(".git")).expect("no repository");
    symlink("../../outside/secret.yaml", l.repo().join("k8s/leak.yaml")).expect("a link");
    let o = run_in(&l.repo(), &["check", "--verbose", "k8s"]);
    assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
    assert!(!all_output(&o).contains("SECRET"), "{}", all_output(&o));
    assert!(
        stderr(&o).contains("not read k8s/leak.yaml: "),
        "{}",
        stderr(&o)
    );
}

#[test]
fn links_inside_the_repository_are_followed_and_read_once() {
    let l = Layout::new();
    write(&l.repo(), "shared/base.yaml", &POD.replace("web", "base"));
    // Out of the folder scanned, but inside its repository.
    symlink("../shared", l.repo().join("k8s/shared")).expect("a link");
    // Inside the folder scanned: the same file twice is one input.
    symlink("pod.yaml", l.repo().join("k8s/again.yaml")).expect("a link");
    let o = run_in(
        &l.repo(),
        &["check", "--format", "json", "--verbose", "k8s"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
    let summary = &json(&o)["summary"];
    assert_eq!(summary["files"], 2, "{summary:#}");
    assert_eq!(summary["workloads"], 2, "{summary:#}");
    assert!(!stderr(&o).contains("not read"), "{}", stderr(&o));
}

#[test]
fn a_link_named_on_the_command_line_is_read_wherever_it_leads() {
    let l = Layout::new();
    symlink("../../outside/secret.yaml", l.repo().join("k8s/leak.yaml")).expect("a link");
    let o = run_in(&l.repo(), &["check", "k8s/leak.yaml"]);
    assert_eq!(o.status.code(), Some(1), "{}", all_output(&o));
    assert!(
        stdout(&o).contains("SECRET"),
        "the user asked: {}",
        stdout(&o)
    );
}

// ---- 5. FIFOs, sockets and devices in a scanned folder --------------------------------------

#[test]
fn a_fifo_in_a_scanned_folder_does_not_hang_and_is_listed_with_verbose() {
    let l = Layout::new();
    if !mkfifo(&l.repo().join("k8s/pipe.yaml")) {
        return;
    }
    // Reached through a link inside the repository too: still a FIFO, still not opened.
    symlink("pipe.yaml", l.repo().join("k8s/pipe-link.yaml")).expect("a link");
    let o = run_bounded(
        &l.repo(),
        &["check", "--verbose", "--format", "json", "k8s"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
    for name in ["pipe.yaml", "pipe-link.yaml"] {
        assert!(
            stderr(&o).contains(&format!(
                "not read k8s/{name}: a FIFO (named pipe): never opened"
            )),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(json(&o)["summary"]["files"], 1, "{}", stdout(&o));
}

/// A FIFO named on the command line is read (its writer's text), and its text is kept: it
/// cannot be read again for the snippet, and reading it again must not wait for a writer.
#[test]
fn a_fifo_named_on_the_command_line_keeps_its_text_for_the_snippet() {
    let l = Layout::new();
    let fifo = l.repo().join("piped.yaml");
    if !mkfifo(&fifo) {
        return;
    }
    let writer_path = fifo.clone();
    std::thread::spawn(move || {
        let _ = std::fs::write(
            writer_path,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: true\n  containers:\n  - name: c\n    image: nginx\n",
        );
    });
    let o = run_bounded(
        &l.repo(),
        &["check", "--no-config", "--color", "never", "piped.yaml"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", all_output(&o));
    assert!(
        stdout(&o).contains("\u{256d}\u{2500}[piped.yaml:"),
        "no snippet of the piped file: {}",
        stdout(&o)
    );
}

#[test]
fn a_socket_in_a_scanned_folder_is_listed_with_verbose() {
    let l = Layout::new();
    let path = l.repo().join("k8s/control.yaml");
    let Ok(_socket) = std::os::unix::net::UnixListener::bind(&path) else {
        return; // the temporary folder is too deep for a socket path
    };
    let o = run_bounded(&l.repo(), &["check", "--verbose", "k8s"]);
    assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
    assert!(
        stderr(&o).contains("not read k8s/control.yaml: a socket: never opened"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_device_linked_into_a_scanned_folder_is_not_read() {
    let l = Layout::new();
    if !Path::new("/dev/zero").exists() {
        return;
    }
    symlink("/dev/zero", l.repo().join("k8s/zero.yaml")).expect("a link");
    let o = run_bounded(&l.repo(), &["check", "--verbose", "k8s"]);
    assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
    assert!(
        stderr(&o).contains("not read k8s/zero.yaml: a symbolic link to `/dev/zero`"),
        "{}",
        stderr(&o)
    );
}

// ---- 2. A configuration naming files outside its repository ---------------------------------

/// Runs `check` in the repository with `config` as its `.fargate-lint.toml`.
fn with_config(l: &Layout, config: &str) -> Output {
    write(&l.repo(), ".fargate-lint.toml", config);
    run_in(&l.repo(), &["check", "--format", "json", "k8s"])
}

#[test]
fn a_configuration_cannot_name_a_cluster_file_outside_its_repository() {
    let l = Layout::new();
    let absolute = l.outside().join("cluster.yaml");
    symlink(
        "../../outside/cluster.yaml",
        l.repo().join("k8s/linked.yaml"),
    )
    .expect("a link");
    for (config, column) in [
        ("\n[[clusters]]\nconfig = \"../outside/cluster.yaml\"\n", 10),
        (
            "\n[[clusters]]\nconfig = \"k8s/../../outside/secret.yaml\"\n",
            10,
        ),
        (
            &format!("\n[[clusters]]\nconfig  =  \"{}\"\n", absolute.display()),
            12,
        ),
        // Inside as written, outside once the link is resolved.
        ("\n[[clusters]]\nconfig = \"k8s/linked.yaml\"\n", 10),
    ] {
        let o = with_config(&l, config);
        assert_eq!(o.status.code(), Some(2), "{config}: {}", all_output(&o));
        let e = stderr(&o);
        assert!(
            e.contains(&format!(".fargate-lint.toml:3:{column}: cluster file `")),
            "{config}: {e}"
        );
        assert!(
            e.contains(&format!(
                "is outside its repository `{}`: a configuration names only files inside its repository",
                l.repo().display()
            )),
            "{config}: {e}"
        );
        assert!(!all_output(&o).contains("SECRET"), "{e}");
        assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    }
}

#[test]
fn a_configuration_may_name_any_file_inside_its_repository() {
    let l = Layout::new();
    write(&l.repo(), "clusters/prod.yaml", APPS_CLUSTER);
    // From a configuration in a subfolder, `..` that stays inside the repository is fine.
    write(
        &l.repo(),
        "k8s/.fargate-lint.toml",
        "[[clusters]]\nconfig = \"../clusters/prod.yaml\"\n",
    );
    let o = run_in(
        &l.repo().join("k8s"),
        &["check", "--format", "json", "--fail-on", "never", "."],
    );
    assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
    assert_eq!(json(&o)["summary"]["clusters"], 1, "{}", stdout(&o));
}

#[test]
fn a_configuration_given_with_config_names_files_beside_it() {
    let l = Layout::new();
    write(
        &l.outside(),
        "fargate-lint.toml",
        "[[clusters]]\nconfig = \"cluster.yaml\"\n",
    );
    let config = l.outside().join("fargate-lint.toml");
    let config = config.to_string_lossy();
    let o = run_in(
        &l.repo(),
        &[
            "check",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--config",
            &config,
            "k8s",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
    assert_eq!(json(&o)["summary"]["clusters"], 1, "{}", stdout(&o));
    // But not files outside its own folder, when it is in no repository.
    write(
        &l.outside(),
        "fargate-lint.toml",
        "[[clusters]]\nconfig = \"../repo/k8s/pod.yaml\"\n",
    );
    let o = run_in(&l.repo(), &["check", "--config", &config, "k8s"]);
    assert_eq!(o.status.code(), Some(2), "{}", all_output(&o));
    assert!(
        stderr(&o).contains(&format!("fargate-lint.toml:2:10: cluster file `../repo/k8s/pod.yaml` is outside its folder `{}`: a configuration in no git repository names only files inside its folder", l.outside().display())),
        "{}",
        stderr(&o)
    );
}

// ---- 3. `-o` replaces only regular files ---------------------------------------------------
// Careful when checking that these fail on an older binary: run as root, the one that renamed
// over `-o` replaced the machine's /dev/null and /dev/stdout. The FIFO, link and mode tests
// are the safe ones to try there.

/// `check --format json -o OUT k8s` in the repository.
fn check_to(l: &Layout, out: &str) -> Output {
    run_bounded(
        &l.repo(),
        &[
            "check",
            "--format",
            "json",
            "--fail-on",
            "never",
            "-o",
            out,
            "k8s",
        ],
    )
}

#[test]
fn output_to_dev_null_leaves_it_a_device() {
    let null = Path::new("/dev/null");
    let is_char_device =
        || std::fs::symlink_metadata(null).is_ok_and(|m| m.file_type().is_char_device());
    if !is_char_device() {
        return;
    }
    let l = Layout::new();
    let o = check_to(&l, "/dev/null");
    assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
    assert!(is_char_device(), "/dev/null is no longer a device");
    assert!(stdout(&o).is_empty());
}

#[test]
fn output_to_dev_stdout_goes_to_stdout() {
    // A link to /proc/self/fd/1, here a pipe: replacing it would make a file of /dev/stdout.
    let stdout_link = Path::new("/dev/stdout");
    let is_link =
        || std::fs::symlink_metadata(stdout_link).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link() {
        return;
    }
    let l = Layout::new();
    let o = check_to(&l, "/dev/stdout");
    assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
    assert_eq!(json(&o)["summary"]["files"], 1);
    assert!(is_link(), "/dev/stdout is no longer a link");
}

#[test]
fn output_to_a_fifo_is_written_into_it_for_its_reader() {
    let l = Layout::new();
    let fifo = l.top.join("report.fifo");
    if !mkfifo(&fifo) {
        return;
    }
    let (tx, rx) = mpsc::channel();
    let reader_path = fifo.clone();
    std::thread::spawn(move || {
        let _ = tx.send(std::fs::read_to_string(reader_path));
    });
    let o = check_to(&l, &fifo.to_string_lossy());
    assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
    let read = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the reader got nothing")
        .expect("the FIFO is read");
    assert!(read.contains("\"summary\""), "{read}");
    assert!(
        std::fs::symlink_metadata(&fifo).is_ok_and(|m| m.file_type().is_fifo()),
        "the FIFO was replaced"
    );
}

#[test]
fn output_through_a_link_writes_its_target_and_keeps_the_link() {
    let l = Layout::new();
    let target = l.outside().join("report.json");
    std::fs::write(&target, "old\n").expect("a file");
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let link = l.repo().join("report.json");
    symlink(&target, &link).expect("a link");
    let o = check_to(&l, "report.json");
    assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
    assert!(
        std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()),
        "the link was replaced by a file"
    );
    let written = std::fs::read_to_string(&target).expect("the target");
    assert!(written.contains("\"summary\""), "{written}");
    let mode = std::fs::metadata(&target)
        .expect("the target")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);
    // A link to nothing is refused, and nothing is created where it points.
    symlink(
        l.outside().join("none/r.json"),
        l.repo().join("dangling.json"),
    )
    .expect("a link");
    let o = check_to(&l, "dangling.json");
    assert_eq!(o.status.code(), Some(2), "{}", all_output(&o));
    assert!(
        stderr(&o).contains("cannot write dangling.json: "),
        "{}",
        stderr(&o)
    );
    assert!(!l.outside().join("none").exists());
}

#[test]
fn output_over_a_regular_file_is_atomic_and_keeps_its_mode() {
    let l = Layout::new();
    let report = l.repo().join("report.json");
    std::fs::write(&report, "old\n").expect("a file");
    std::fs::set_permissions(&report, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let o = check_to(&l, "report.json");
    assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
    let meta = std::fs::symlink_metadata(&report).expect("the report");
    assert!(meta.file_type().is_file());
    assert_eq!(meta.permissions().mode() & 0o777, 0o640);
    let written = std::fs::read_to_string(&report).expect("the report");
    assert!(written.contains("\"summary\""), "{written}");
    // Nothing else was left behind.
    let names: Vec<String> = std::fs::read_dir(l.repo())
        .expect("the folder")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    // A new path is still created.
    let o = check_to(&l, "new.json");
    assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
    assert!(l.repo().join("new.json").is_file());
}

// ---- 4. Absurd numbers in the configuration ------------------------------------------------

#[test]
fn prices_out_of_range_are_errors_at_the_value() {
    let l = Layout::new();
    for (line, column) in [
        ("vcpu-hour = 1e308", 13),
        ("gb-hour   =  inf", 14),
        ("ephemeral-gb-hour = nan", 21),
        ("vcpu-hour = -0.01", 13),
        ("gb-hour = 100.5", 11),
    ] {
        let o = with_config(&l, &format!("# prices\n[pricing]\n{line}\n"));
        assert_eq!(o.status.code(), Some(2), "{line}: {}", all_output(&o));
        assert!(
            stderr(&o).contains(&format!(
                ".fargate-lint.toml:3:{column}: a price must be a number of dollars per hour from 0 to 100"
            )),
            "{line}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn prices_at_the_bounds_are_accepted_and_costs_stay_numbers() {
    let l = Layout::new();
    write(&l.repo(), "k8s/cluster.yaml", APPS_CLUSTER);
    for (pricing, cost) in [
        (
            "vcpu-hour = 100\ngb-hour = 100\nephemeral-gb-hour = 100",
            "$54750.00",
        ),
        (
            "vcpu-hour = -0.0\ngb-hour = -0.0\nephemeral-gb-hour = -0.0",
            "$0.00",
        ),
    ] {
        write(
            &l.repo(),
            ".fargate-lint.toml",
            &format!("[pricing]\n{pricing}\n"),
        );
        let o = run_in(&l.repo(), &["predict", "k8s"]);
        assert_eq!(o.status.code(), Some(0), "{pricing}: {}", all_output(&o));
        assert!(stdout(&o).contains(cost), "{pricing}: {}", stdout(&o));
        assert!(!stdout(&o).contains("$-"), "{pricing}: {}", stdout(&o));
        let o = run_in(&l.repo(), &["predict", "--format", "json", "k8s"]);
        let placement = &json(&o)["workloads"][0]["placements"][0];
        assert!(placement["monthly_cost_usd"].is_number(), "{placement:#}");
    }
}

#[test]
fn limits_out_of_range_are_errors_at_the_value() {
    let l = Layout::new();
    for (line, column, message) in [
        (
            "selectors-per-profile = 0",
            25,
            "a limit must be from 1 to 1000",
        ),
        (
            "labels-per-selector = 1001",
            23,
            "a limit must be from 1 to 1000",
        ),
        (
            "profiles-per-cluster = 18446744073709551615",
            24,
            "a limit must be from 1 to 1000",
        ),
        (
            "profiles-per-cluster = -1",
            24,
            "invalid value: integer `-1`",
        ),
    ] {
        let o = with_config(&l, &format!("\n[limits]\n{line}\n"));
        assert_eq!(o.status.code(), Some(2), "{line}: {}", all_output(&o));
        assert!(
            stderr(&o).contains(&format!(".fargate-lint.toml:3:{column}: {message}")),
            "{line}: {}",
            stderr(&o)
        );
    }
    let o = with_config(&l, "[limits]\nprofiles-per-cluster = 1000\n");
    assert_ne!(o.status.code(), Some(2), "{}", all_output(&o));
}

// ---- 6. The summary counts what things are -------------------------------------------------

#[test]
fn the_summary_counts_files_documents_skipped_and_not_read_as_what_they_are() {
    let l = Layout::new();
    let k8s = l.repo().join("k8s");
    // Three documents, the second broken: three documents of one file.
    write(
        &l.repo(),
        "k8s/three.yaml",
        &format!("{POD}---\nkind: [\n---\n{}", POD.replace("web", "api")),
    );
    // A file that cannot be read is a file, with no document.
    std::fs::write(k8s.join("binary.yaml"), b"a: \x00\n").expect("a file");
    // A file read that holds nothing for us: a file, skipped.
    write(&l.repo(), "k8s/empty.yaml", "");
    // A link back to an ancestor folder and a dangling link: FL001, but no files.
    symlink(".", k8s.join("up")).expect("a link");
    symlink("nowhere.yaml", k8s.join("gone.yaml")).expect("a link");
    // Not read on purpose: no files either.
    symlink("../../outside", k8s.join("outside")).expect("a link");
    let fifo = mkfifo(&k8s.join("pipe.yaml"));

    let o = run_bounded(&l.repo(), &["check", "--format", "json", "k8s"]);
    assert_eq!(o.status.code(), Some(1), "{}", all_output(&o));
    let report = json(&o);
    let summary = &report["summary"];
    let not_read = if fifo { 2 } else { 1 };
    assert_eq!(summary["files"], 4, "{summary:#}");
    assert_eq!(summary["skipped"], 1, "{summary:#}");
    assert_eq!(summary["not_read"], not_read, "{summary:#}");
    assert_eq!(summary["documents"], 4, "{summary:#}");
    assert_eq!(summary["workloads"], 3, "{summary:#}");
    let files: Vec<&str> = report["findings"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["file"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        files,
        [
            "k8s/binary.yaml",
            "k8s/gone.yaml",
            "k8s/three.yaml",
            "k8s/up"
        ],
        "{report:#}"
    );

    let o = run_bounded(&l.repo(), &["check", "k8s"]);
    assert!(
        stdout(&o).contains(&format!(
            "4 files (1 skipped), {not_read} paths not read, 4 documents, 0 clusters, 3 workloads: "
        )),
        "{}",
        stdout(&o)
    );
    // Nothing not read: the summary keeps its usual shape.
    std::fs::remove_file(k8s.join("outside")).expect("no link");
    let _ = std::fs::remove_file(k8s.join("pipe.yaml"));
    let o = run_bounded(&l.repo(), &["check", "--format", "json", "k8s"]);
    assert!(
        json(&o)["summary"].get("not_read").is_none(),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&run_in(&l.repo(), &["check", "k8s"])).contains("not read"));
}

#[test]
fn a_found_configuration_that_links_out_of_the_repository_is_not_read() {
    let l = Layout::new();
    write(
        &l.outside(),
        "other.toml",
        "[outside-key]\nsecret-name = 1\n",
    );
    let config = l.repo().join(".fargate-lint.toml");
    std::fs::remove_file(&config).expect("no configuration yet");
    symlink("../outside/other.toml", config).expect("a link");
    let o = run_in(&l.repo(), &["check", "k8s"]);
    assert_eq!(o.status.code(), Some(2), "{}", all_output(&o));
    assert!(
        stderr(&o).contains(&format!(
            ".fargate-lint.toml: not read: a link to a file outside the repository `{}`",
            l.repo().display()
        )),
        "{}",
        stderr(&o)
    );
    assert!(
        !all_output(&o).contains("outside-key"),
        "{}",
        all_output(&o)
    );
    // Named with --config, it is the user's choice (and here an unknown key).
    let o = run_in(
        &l.repo(),
        &["check", "--config", ".fargate-lint.toml", "k8s"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", all_output(&o));
    assert!(
        stderr(&o).contains("unknown field `outside-key`"),
        "{}",
        stderr(&o)
    );
    // A link inside the repository is fine.
    write(&l.repo(), "config/lint.toml", "fail-on = \"never\"\n");
    std::fs::remove_file(l.repo().join(".fargate-lint.toml")).expect("no link");
    symlink("config/lint.toml", l.repo().join(".fargate-lint.toml")).expect("a link");
    let o = run_in(&l.repo(), &["check", "k8s"]);
    assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
}
