//! The tests that read `../shared` on a fresh clone: `common::shared` skips them (one line
//! on stderr) when it is not there, fails them when `FARGATE_LINT_REQUIRE_SHARED=1` says it
//! must be, and CI says so.

mod common;

use common::*;

#[test]
fn a_missing_shared_folder_skips_the_test() {
    let missing = root().join("testdata/no-such-folder");
    assert_eq!(
        shared(&missing, "testdata/no-such-folder (on purpose)", false),
        None
    );
}

#[test]
#[should_panic(expected = "FARGATE_LINT_REQUIRE_SHARED=1 says it must be")]
fn a_missing_shared_folder_fails_the_test_when_required() {
    let missing = root().join("testdata/no-such-folder");
    shared(&missing, "testdata/no-such-folder", true);
}

#[test]
fn a_present_shared_folder_is_used_required_or_not() {
    let dir = root().join("testdata");
    assert_eq!(shared(&dir, "testdata", true), Some(dir.clone()));
    assert_eq!(shared(&dir, "testdata", false), Some(dir));
}

#[test]
fn ci_requires_the_shared_folder() {
    let ci = std::fs::read_to_string(root().join(".ci/run")).expect(".ci/run");
    assert!(
        ci.lines()
            .any(|l| l.trim() == format!("{REQUIRE_SHARED}=1 cargo test --locked")),
        ".ci/run must run the tests with {REQUIRE_SHARED}=1"
    );
}
