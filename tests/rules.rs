//! Every rule against its fixtures, one test per rule: `testdata/rules/FLnnn/fires*` must
//! make it fire (snapshots of the human and JSON output pin the message, line and column)
//! and `testdata/rules/FLnnn/ok*` must not. A fixture is a file or a folder (a small repository
//! with a cluster and manifests). The rules of changes (FL3xx) compare two revisions: their
//! fixture folders hold `before/` and `after/`, committed in that order into a temporary git
//! repository, which is checked with `--baseline HEAD~1`. Also: every rule has a document and fixtures, and every
//! document and fixture folder has its rule.

mod common;

use std::path::Path;

use common::*;
use fargate_lint::rules::RULES;

/// The fixtures of `code` whose name starts with `prefix` (`fires` or `ok`), sorted.
fn fixtures(code: &str, prefix: &str) -> Vec<String> {
    let dir = root().join("testdata/rules").join(code);
    let mut out: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{code} has no fixture folder {}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .map(|n| format!("testdata/rules/{code}/{n}"))
        .collect();
    out.sort();
    out
}

/// Runs `check ARGS` on fixture `path`: in the repository root, or for a fixture of two
/// revisions (`before/`, `after/`) in a temporary repository of them, with `--baseline`.
fn check_fixture(path: &str, args: &[&str]) -> std::process::Output {
    let fixture = root().join(path);
    if fixture.join("before").is_dir() {
        let repo = two_commits(&fixture.join("before"), &fixture.join("after"));
        let mut all = vec!["check", "--baseline", "HEAD~1"];
        all.extend_from_slice(args);
        all.push(".");
        run_in(repo.path(), &all)
    } else {
        let mut all = vec!["check"];
        all.extend_from_slice(args);
        all.push(path);
        run(&all)
    }
}

fn codes_found(path: &str, code: &str) -> (Vec<serde_json::Value>, String) {
    let o = check_fixture(
        path,
        &["--format", "json", "--fail-on", "never", "--select", code],
    );
    assert_eq!(o.status.code(), Some(0), "{path}: {}", stderr(&o));
    let report = json(&o);
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    (findings, stdout(&o))
}

/// `code` fires on each of its `fires*` fixtures, at a line and column, with the output of
/// the snapshots, and not on its `ok*` fixtures.
fn fires_on_its_fixtures_and_not_on_the_ok_ones(code: &str) {
    let rule = RULES
        .iter()
        .find(|r| r.code == code)
        .unwrap_or_else(|| panic!("{code} is not in the registry"));
    let fires = fixtures(rule.code, "fires");
    let oks = fixtures(rule.code, "ok");
    assert!(!fires.is_empty(), "{} has no fires fixture", rule.code);
    assert!(!oks.is_empty(), "{} has no ok fixture", rule.code);
    for path in &fires {
        let (findings, json_out) = codes_found(path, rule.code);
        assert!(
            findings.iter().any(|f| f["code"] == rule.code),
            "{} does not fire on {path}:\n{json_out}",
            rule.code
        );
        for f in &findings {
            assert!(f["line"].as_u64().is_some_and(|l| l >= 1), "{f:#}");
            assert!(f["column"].as_u64().is_some_and(|c| c >= 1), "{f:#}");
        }
        let name = path.replace('/', "__");
        insta::assert_snapshot!(format!("{name}.json"), json_out);
        let human = check_fixture(path, &["--fail-on", "never", "--select", rule.code]);
        insta::assert_snapshot!(format!("{name}.human"), stdout(&human));
    }
    for path in &oks {
        let (findings, json_out) = codes_found(path, rule.code);
        assert!(
            findings.is_empty(),
            "{} fires on {path}:\n{json_out}",
            rule.code
        );
    }
}

/// One test per rule, named by its code in lower case (`fl201`), so that one rule's failure
/// does not hide another's; `TESTED` lists them for the test that keeps them equal to the
/// registry.
macro_rules! rule_tests {
    ($($test:ident),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                fires_on_its_fixtures_and_not_on_the_ok_ones(
                    &stringify!($test).to_ascii_uppercase(),
                );
            }
        )*
        const TESTED: &[&str] = &[$(stringify!($test)),*];
    };
}

rule_tests!(
    fl001, fl002, fl003, fl004, fl005, fl006, fl101, fl102, fl103, fl104, fl105, fl106, fl107,
    fl108, fl109, fl110, fl111, fl112, fl113, fl201, fl202, fl203, fl204, fl205, fl206, fl207,
    fl208, fl209, fl210, fl211, fl212, fl213, fl214, fl215, fl216, fl217, fl218, fl219, fl220,
    fl221, fl222, fl301, fl302, fl303,
);

#[test]
fn every_rule_in_the_registry_has_its_test_and_no_other() {
    let tested: Vec<String> = TESTED.iter().map(|t| t.to_ascii_uppercase()).collect();
    let registered: Vec<&str> = RULES.iter().map(|r| r.code).collect();
    assert_eq!(
        tested, registered,
        "rule_tests! in tests/rules.rs must list every rule of src/rules/mod.rs, in code order"
    );
}

#[test]
fn every_rule_has_a_document_and_every_document_a_rule() {
    let docs: Vec<String> = std::fs::read_dir(root().join("rules"))
        .expect("rules/ folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    for rule in RULES {
        let file = format!("{}-{}.md", rule.code, rule.name);
        assert!(docs.contains(&file), "{} has no rules/{file}", rule.code);
        assert!(
            rule.doc
                .starts_with(&format!("# {} {}\n", rule.code, rule.name)),
            "rules/{file} must start with its code and name"
        );
        for heading in [
            "## What it finds",
            "## Why it matters on Fargate",
            "## Example",
            "## Fix",
            "## Sources",
        ] {
            assert!(rule.doc.contains(heading), "rules/{file} lacks `{heading}`");
        }
    }
    for doc in &docs {
        assert!(
            RULES
                .iter()
                .any(|r| *doc == format!("{}-{}.md", r.code, r.name)),
            "rules/{doc} documents no rule"
        );
    }
    for entry in std::fs::read_dir(root().join("testdata/rules")).expect("fixtures") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        assert!(
            RULES.iter().any(|r| r.code == name) || !Path::new(&name).is_dir(),
            "testdata/rules/{name} belongs to no rule"
        );
    }
}

#[test]
fn rules_are_in_code_order_with_unique_codes_and_names() {
    for pair in RULES.windows(2) {
        assert!(
            pair[0].code < pair[1].code,
            "{} before {}",
            pair[0].code,
            pair[1].code
        );
    }
    let mut names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), RULES.len());
}
