//! Regressions of false findings and hidden ones: each test here failed before its fix.

mod common;

use common::*;

/// The codes of the findings `check --format json` reports on `path`, sorted.
fn codes(path: &str) -> Vec<String> {
    let o = run(&["check", "--format", "json", "--fail-on", "never", path]);
    assert_eq!(o.status.code(), Some(0), "{path}: {}", stderr(&o));
    let mut codes: Vec<String> = json(&o)["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|f| f["code"].as_str().map(str::to_string))
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn a_pod_fargate_refuses_for_its_size_keeps_its_other_faults() {
    let found = codes("testdata/rules/FL203/fires-refused-pod");
    for code in ["FL203", "FL206", "FL210"] {
        assert!(found.iter().any(|c| c == code), "{code} missing: {found:?}");
    }
}
