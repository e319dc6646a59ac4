//! `check`'s human output: what each finding's snippet shows stays bounded by the finding,
//! whatever the size of the file around it.

mod common;

use common::*;

#[test]
fn labels_far_apart_get_snippets_of_their_own() {
    // A profile name used twice, far down a long file: FL108 labels both. miette merged the
    // two into one snippet of every line between them (there: 3,000 lines per finding).
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut text = "#\n".repeat(3_000);
    text.push_str(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: c\n  \
         region: eu-west-1\nfargateProfiles:\n  - name: apps\n    selectors:\n      \
         - namespace: apps\n",
    );
    for i in 0..1_000 {
        text.push_str(&format!(
            "  - name: p{i}\n    selectors:\n      - namespace: n{i}\n"
        ));
    }
    text.push_str("  - name: apps\n    selectors:\n      - namespace: more\n");
    write(dir.path(), "cluster.yaml", &text);
    let o = run_in(
        dir.path(),
        &["check", "--color", "never", "--select", "FL108", "."],
    );
    let out = stdout(&o);
    assert!(out.contains("first defined here"), "{out}");
    assert!(
        !out.contains("p500"),
        "the lines between the labels are shown"
    );
    assert!(out.lines().count() < 40, "{out}");
}
