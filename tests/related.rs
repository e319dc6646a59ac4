//! Related locations end to end: a finding caused by a profile, a cluster or another object
//! points at it, as `related` in JSON and `relatedLocations` in SARIF, with the words of the
//! SARIF message that name it linked (`[Fargate profile `apps`](1)`), which is how GitHub
//! shows them; the human output draws a label in another file as a snippet of that file.
//! Brackets from input are escaped in SARIF messages, so input cannot make a link.

mod common;

use common::*;
use serde_json::Value;

/// One related location a rule's fixture must give: the rule, the fixture, where (the
/// file's name, line, column) and the words of the message that link to it.
struct Expected {
    code: &'static str,
    fixture: &'static str,
    file: &'static str,
    line: u64,
    column: u64,
    phrase: &'static str,
}

const fn at(
    code: &'static str,
    fixture: &'static str,
    file: &'static str,
    line: u64,
    column: u64,
    phrase: &'static str,
) -> Expected {
    Expected {
        code,
        fixture,
        file,
        line,
        column,
        phrase,
    }
}

/// Every rule whose findings point elsewhere, with one related location each must give.
const EXPECTED: &[Expected] = &[
    at(
        "FL104",
        "FL104/fires-across-files",
        "cluster.yaml",
        5,
        9,
        "cluster `shop`",
    ),
    at(
        "FL108",
        "FL108/fires-across-files",
        "cluster.yaml",
        7,
        11,
        "already used",
    ),
    at(
        "FL109",
        "FL109/fires.yaml",
        "fires.yaml",
        9,
        24,
        "declared public",
    ),
    at(
        "FL201",
        "FL201/fires",
        "cluster.yaml",
        11,
        20,
        "Fargate profile `apps`",
    ),
    at(
        "FL202",
        "FL202/fires",
        "cluster.yaml",
        11,
        20,
        "Fargate profile `apps`",
    ),
    at(
        "FL203",
        "FL203/fires",
        "cluster.yaml",
        11,
        20,
        "Fargate profile `apps`",
    ),
    at(
        "FL204",
        "FL204/fires",
        "cluster.yaml",
        11,
        20,
        "Fargate profile `apps`",
    ),
    at(
        "FL205",
        "FL205/fires",
        "cluster.yaml",
        11,
        20,
        "Fargate profile `apps`",
    ),
    at(
        "FL206",
        "FL206/fires",
        "cluster.yaml",
        11,
        20,
        "Fargate profile `apps`",
    ),
    at(
        "FL207",
        "FL207/fires-eks-1-31",
        "manifests.yaml",
        6,
        9,
        "the claim `data`",
    ),
    at(
        "FL207",
        "FL207/fires-eks-1-31",
        "cluster.yaml",
        6,
        12,
        "EKS 1.31",
    ),
    at(
        "FL208",
        "FL208/fires",
        "cluster.yaml",
        11,
        20,
        "Fargate profile `apps`",
    ),
    at(
        "FL209",
        "FL209/fires",
        "cluster.yaml",
        11,
        20,
        "Fargate profile `apps`",
    ),
    at(
        "FL210",
        "FL210/fires",
        "cluster.yaml",
        11,
        20,
        "Fargate profile `apps`",
    ),
    at(
        "FL211",
        "FL211/fires",
        "cluster.yaml",
        9,
        20,
        "Fargate profile `apps`",
    ),
    at(
        "FL212",
        "FL212/fires",
        "cluster.yaml",
        9,
        20,
        "Fargate profile `apps`",
    ),
    at(
        "FL213",
        "FL213/fires",
        "cluster.yaml",
        9,
        20,
        "Fargate profile `apps`",
    ),
    at(
        "FL214",
        "FL214/fires",
        "cluster.yaml",
        9,
        20,
        "Fargate profile `apps`",
    ),
    at(
        "FL215",
        "FL215/fires",
        "cluster.yaml",
        5,
        9,
        "cluster `prod`",
    ),
    at(
        "FL216",
        "FL216/fires",
        "cluster.yaml",
        4,
        9,
        "cluster `prod`",
    ),
    at(
        "FL216",
        "FL216/fires",
        "cluster.yaml",
        13,
        11,
        "profile `batch`",
    ),
    at("FL217", "FL217/fires", "cluster.yaml", 12, 20, "`apps`"),
    at("FL218", "FL218/fires", "cluster.yaml", 12, 20, "`apps`"),
    at(
        "FL219",
        "FL219/fires",
        "manifests.yaml",
        10,
        7,
        "Deployment `web`",
    ),
    at(
        "FL219",
        "FL219/fires",
        "cluster.yaml",
        11,
        20,
        "Fargate profile `apps`",
    ),
    at("FL220", "FL220/fires", "cluster.yaml", 14, 20, "`apps`"),
    at("FL220", "FL220/fires", "cluster.yaml", 9, 20, "`web`"),
    at(
        "FL221",
        "FL221/fires",
        "cluster.yaml",
        9,
        20,
        "Fargate profile `apps`",
    ),
    at(
        "FL222",
        "FL222/fires",
        "manifests.yaml",
        7,
        21,
        "`provisioningMode: efs-ap`",
    ),
    at(
        "FL222",
        "FL222/fires",
        "cluster.yaml",
        11,
        20,
        "Fargate profile `apps`",
    ),
];

fn report(format: &str, code: &str, path: &str) -> Value {
    let o = run(&[
        "check",
        "--format",
        format,
        "--fail-on",
        "never",
        "--select",
        code,
        path,
    ]);
    assert_eq!(o.status.code(), Some(0), "{path}: {}", stderr(&o));
    json(&o)
}

fn name_of(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[test]
fn each_rule_gives_its_related_locations_in_json_and_links_them_in_sarif() {
    for e in EXPECTED {
        let path = format!("testdata/rules/{}", e.fixture);
        let what = format!("{} on {path}: {}:{}:{}", e.code, e.file, e.line, e.column);

        let json = report("json", e.code, &path);
        let found = findings_of(&json).into_iter().any(|f| {
            f["related"].as_array().into_iter().flatten().any(|r| {
                r["file"].as_str().is_some_and(|p| name_of(p) == e.file)
                    && r["line"] == e.line
                    && r["column"] == e.column
                    && r["message"].as_str().is_some_and(|m| !m.is_empty())
            })
        });
        assert!(found, "{what}: not in JSON `related`:\n{json:#}");

        let log = report("sarif", e.code, &path);
        let results = log["runs"][0]["results"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let linked = results.iter().any(|r| {
            let text = r["message"]["text"].as_str().unwrap_or("");
            r["relatedLocations"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|l| {
                    let p = &l["physicalLocation"];
                    p["artifactLocation"]["uri"]
                        .as_str()
                        .is_some_and(|u| name_of(u) == e.file)
                        && p["region"]["startLine"] == e.line
                        && p["region"]["startColumn"] == e.column
                        && l["id"]
                            .as_u64()
                            .is_some_and(|id| text.contains(&format!("[{}]({id})", e.phrase)))
                })
        });
        assert!(
            linked,
            "{what}: not a linked SARIF related location:\n{log:#}"
        );
    }
}

#[test]
fn a_label_in_another_file_is_a_snippet_of_that_file() {
    let o = run(&[
        "check",
        "--fail-on",
        "never",
        "--select",
        "FL108",
        "testdata/rules/FL108/fires-across-files",
    ]);
    let out = stdout(&o);
    // The finding's own snippet, then the other file's, with the label under the name.
    let own = out
        .find("╭─[testdata/rules/FL108/fires-across-files/profile.json:2:25]")
        .expect("the finding's own snippet");
    let other = out
        .find("╭─[testdata/rules/FL108/fires-across-files/cluster.yaml:7:11]")
        .expect("a snippet of the other file");
    assert!(own < other, "{out}");
    assert!(out.contains(" 7 │   - name: apps\n"), "{out}");
    assert!(out.contains("╰── first defined here"), "{out}");
    // The message no longer spells the position out.
    assert!(!out.contains("(at testdata"), "{out}");
}

#[test]
fn a_label_with_no_snippet_is_a_note_line() {
    // A minified cluster file: its one line is too long for a snippet.
    let dir = tempfile::tempdir().expect("a folder");
    let profiles: Vec<String> = (0..8)
        .map(|i| format!(r#"{{"name":"p{i}","selectors":[{{"namespace":"ns-{i}-padding-padding-padding"}}]}}"#))
        .collect();
    write(
        dir.path(),
        "cluster.json",
        &format!(
            r#"{{"apiVersion":"eksctl.io/v1alpha5","kind":"ClusterConfig","metadata":{{"name":"shop","region":"eu-west-1"}},"fargateProfiles":[{},{{"name":"apps","selectors":[{{"namespace":"apps"}}]}}]}}"#,
            profiles.join(",")
        ),
    );
    write(
        dir.path(),
        "profile.yaml",
        "fargateProfileName: apps\nclusterName: shop\npodExecutionRoleArn: arn:aws:iam::111122223333:role/r\nselectors:\n  - namespace: api\n",
    );
    let o = run_in(
        dir.path(),
        &["check", "--fail-on", "never", "--select", "FL108", "."],
    );
    let out = stdout(&o);
    let note = out
        .lines()
        .find(|l| l.starts_with("  note: cluster.json:1:"))
        .unwrap_or_else(|| panic!("no note line for the label:\n{out}"));
    assert!(note.ends_with(": first defined here"), "{out}");
}

#[test]
fn brackets_from_input_cannot_make_a_sarif_link() {
    let dir = tempfile::tempdir().expect("a folder");
    write(dir.path(), "cluster.yaml", APPS_CLUSTER);
    // A pod no profile takes, in a namespace that looks like a link to related location 1.
    write(
        dir.path(),
        "deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: \"x](1) [y\"\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1\n",
    );
    let o = run_in(
        dir.path(),
        &[
            "check",
            "--format",
            "sarif",
            "--fail-on",
            "never",
            "--select",
            "FL215",
            ".",
        ],
    );
    let log = json(&o);
    let text = log["runs"][0]["results"][0]["message"]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("a result:\n{log:#}"))
        .to_string();
    assert!(text.contains("`x\\](1) \\[y`"), "{text}");
    // Our own link is still there, and it is the only one.
    assert!(text.contains("[cluster `prod`](1)"), "{text}");
    let unescaped_opens = text
        .char_indices()
        .filter(|&(i, c)| c == '[' && !text[..i].ends_with('\\'))
        .count();
    // `[cluster `prod`](1)`, and the help's `[[clusters]]` escaped.
    assert_eq!(unescaped_opens, 1, "{text}");
}
