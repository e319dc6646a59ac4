//! `rules`, `explain` and `completions`; the command line itself: mistyped subcommands, help,
//! output to a closed pipe.

mod common;

use common::*;

#[test]
fn explain_by_code_and_name() {
    let a = run(&["explain", "FL001"]);
    assert_eq!(a.status.code(), Some(0));
    assert!(stdout(&a).starts_with("# FL001 invalid-yaml"));
    let b = run(&["explain", "invalid-yaml"]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn explain_unknown_suggests_the_closest() {
    let o = run(&["explain", "FL00l"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean FL001"), "{}", stderr(&o));
    let o = run(&["explain", "unresolved-valeu"]);
    assert!(stderr(&o).contains("FL002"), "{}", stderr(&o));
}

#[test]
fn explain_suggests_the_rule_a_part_of_its_name_names() {
    let o = run(&["explain", "non-ecr"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean FL201 (non-ecr-image)?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unknown_select_and_ignore_suggest_the_closest_rule() {
    for (command, option, token, expected) in [
        ("check", "--select", "FL2013", "FL201 (non-ecr-image)"),
        ("check", "--ignore", "non-ecr", "FL201 (non-ecr-image)"),
        (
            "predict",
            "--select",
            "privilged",
            "FL203 (privileged-container)",
        ),
        ("predict", "--ignore", "FL00l", "FL001 (invalid-yaml)"),
    ] {
        let o = run(&[command, option, token, "testdata/example"]);
        assert_eq!(o.status.code(), Some(2), "{command} {option} {token}");
        let e = stderr(&o);
        assert!(
            e.contains(&format!(
                "{option}: `{token}` names no rule; did you mean {expected}?"
            )),
            "{command} {option} {token}: {e}"
        );
        assert!(o.stdout.is_empty(), "{}", stdout(&o));
    }
}

#[test]
fn rules_lists_every_rule_in_both_formats() {
    let o = run(&["rules", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let list = json(&o);
    let codes: Vec<&str> = list
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["code"].as_str())
        .collect();
    assert!(codes.starts_with(&["FL001", "FL002"]), "{codes:?}");
    let human = stdout(&run(&["rules"]));
    for code in codes {
        assert!(human.contains(code));
    }
}

#[test]
fn completions_for_bash() {
    let o = run(&["completions", "bash"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("fargate-lint"));
}

#[test]
fn a_mistyped_subcommand_suggests_the_closest() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let o = run_in(dir.path(), &["predcit", "."]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("did you mean `predict`?"), "{e}");
    assert!(!e.contains("no such file"), "{e}");
    // Far from every subcommand: a missing path, as before.
    let o = run_in(dir.path(), &["manifests"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no such file or directory: manifests"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_folder_named_like_a_mistyped_subcommand_is_checked() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write(
        dir.path(),
        "predcit/pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n",
    );
    let o = run_in(
        dir.path(),
        &["predcit", "--format", "json", "--ignore", "FL006"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json(&o)["summary"]["files"], 1, "{}", stdout(&o));
}

#[test]
fn help_shows_that_check_is_the_default_command() {
    let o = run(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains("Usage: fargate-lint [check] [OPTIONS] [PATH]...\n"),
        "{}",
        stdout(&o)
    );
    let o = run(&["check", "--help"]);
    assert!(
        stdout(&o).contains("Usage: fargate-lint check [OPTIONS] [PATH]...\n"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn output_to_a_closed_pipe_ends_quietly() {
    let example = "testdata/example";
    let commands: &[&[&str]] = &[
        &["check", example],
        &["check", "--format", "json", example],
        &["check", "--format", "sarif", example],
        &["check", "--format", "github", example],
        &[example],
        &["predict", example],
        &["predict", "--format", "json", example],
        &["predict", "--format", "markdown", example],
        &["rules"],
        &["rules", "--format", "json"],
        &["explain", "FL201"],
        &["completions", "bash"],
        &["completions", "zsh"],
        &["completions", "fish"],
        &["completions", "powershell"],
        &["completions", "elvish"],
        &["--help"],
        &["check", "--help"],
        &["--version"],
    ];
    for args in commands {
        let o = run_into_closed_pipe(args);
        let e = stderr(&o);
        assert!(!e.contains("panicked"), "{args:?}: {e}");
        assert!(e.is_empty(), "{args:?} wrote to stderr: {e}");
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{args:?}: exit {:?}",
            o.status
        );
    }
}
