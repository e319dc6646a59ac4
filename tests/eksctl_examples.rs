//! The profile rules against the eksctl project's own examples
//! (`../shared/corpus/eksctl-io__eksctl/examples`): valid configurations that eksctl
//! accepts, so any FL1xx or FL003 warning or error there is a false positive. Notes are
//! allowed where they are true: FL105 (eksctl will create the pod execution role) and FL111
//! (a selector no scanned workload matches; the examples hold no workloads, so none).

mod common;

use common::*;

/// The examples' folder; `None` (the test is skipped) without the shared corpus.
fn examples() -> Option<String> {
    Some(
        corpus()?
            .join("eksctl-io__eksctl/examples")
            .to_string_lossy()
            .into_owned(),
    )
}

/// The findings on the examples; `None` (the test is skipped) without the shared corpus.
fn findings() -> Option<Vec<serde_json::Value>> {
    let examples = examples()?;
    let o = run(&["check", "--format", "json", "--fail-on", "never", &examples]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    Some(json(&o)["findings"].as_array().cloned().unwrap_or_default())
}

fn is_profile_rule(f: &serde_json::Value) -> bool {
    let code = f["code"].as_str().unwrap_or("");
    code.starts_with("FL1") || code == "FL003"
}

#[test]
fn no_profile_rule_warns_or_errs_on_any_eksctl_example() {
    let Some(findings) = findings() else { return };
    let wrong: Vec<_> = findings
        .into_iter()
        .filter(is_profile_rule)
        .filter(|f| {
            let allowed_note =
                f["severity"] == "note" && (f["code"] == "FL105" || f["code"] == "FL111");
            !allowed_note
        })
        .collect();
    assert!(wrong.is_empty(), "false positives: {wrong:#?}");
}

#[test]
fn the_fargate_example_profiles_are_read_and_only_get_the_eksctl_role_note() {
    let Some(findings) = findings() else { return };
    let on_fargate_example: Vec<_> = findings
        .into_iter()
        .filter(is_profile_rule)
        .filter(|f| {
            f["file"]
                .as_str()
                .is_some_and(|p| p.ends_with("16-fargate-profile.yaml"))
        })
        .collect();
    let mut profiles: Vec<&str> = on_fargate_example
        .iter()
        .map(|f| {
            assert_eq!(f["code"], "FL105", "{f:#}");
            assert_eq!(f["severity"], "note", "{f:#}");
            f["profile"].as_str().unwrap_or("")
        })
        .collect();
    profiles.sort_unstable();
    // Neither profile names a role, nor does the cluster: eksctl creates one for both.
    assert_eq!(profiles, ["fp-default", "fp-dev"]);
}
