//! The configuration's JSON schema (`fargate-lint.schema.json` at the top level) is current,
//! accepts the starter file of `init` and the README's example, and `init` writes a file
//! that parses to the defaults. `UPDATE_SCHEMA=1 cargo test --test config_schema` rewrites
//! the schema after a change to the configuration's keys.

mod common;

use common::*;
use fargate_lint::cli::FailOn;
use fargate_lint::config::{self, Config};

const SCHEMA_FILE: &str = "fargate-lint.schema.json";

#[test]
fn the_shipped_schema_is_current() {
    let path = root().join(SCHEMA_FILE);
    let current = config::schema();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &current).expect("the schema is written");
        return;
    }
    let shipped = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        shipped == current,
        "{SCHEMA_FILE} is not current: run `UPDATE_SCHEMA=1 cargo test --test config_schema`"
    );
}

/// The TOML text as JSON, for the schema validator.
fn as_json(text: &str) -> serde_json::Value {
    let value: toml::Value = toml::from_str(text).expect("valid TOML");
    serde_json::to_value(value).expect("TOML values are JSON values")
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&config::schema()).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("a valid JSON schema")
}

/// The starter with its commented-out examples (`#key`, `#[[table]]`) switched on.
fn starter_with_examples() -> String {
    fargate_lint::init::starter()
        .lines()
        .map(|l| match l.strip_prefix('#') {
            Some(rest) if !rest.starts_with(' ') && !rest.is_empty() => rest,
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_schema_accepts_the_starter_and_rejects_unknown_keys() {
    let v = validator();
    assert!(v.is_valid(&as_json(&fargate_lint::init::starter())));
    assert!(v.is_valid(&as_json(&starter_with_examples())));
    assert!(!v.is_valid(&as_json("fail-onn = \"error\"\n")));
    assert!(!v.is_valid(&as_json("[[clusters]]\nmanifests = []\n")));
    assert!(!v.is_valid(&as_json("[pricing]\nvcpu-hour = -1.0\n")));
}

#[test]
fn the_starter_parses_to_the_defaults() {
    let parsed = config::parse(&fargate_lint::init::starter(), "starter");
    let Ok(parsed) = parsed else {
        panic!("{parsed:?}")
    };
    // The file writes the defaults the command line would otherwise fill in.
    assert_eq!(
        parsed,
        Config {
            fail_on: Some(FailOn::Warning),
            default_namespace: Some("default".into()),
            ..Config::default()
        }
    );
    let examples = config::parse(&starter_with_examples(), "starter");
    assert!(examples.is_ok(), "{examples:?}");
}

#[test]
fn init_writes_the_starter_and_keeps_an_existing_file() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let o = run_in(dir.path(), &["init"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let path = dir.path().join(".fargate-lint.toml");
    let written = std::fs::read_to_string(&path).expect("the file is written");
    assert_eq!(written, fargate_lint::init::starter());
    // `check` reads it without complaint.
    let o = run_in(dir.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    std::fs::write(&path, "fail-on = \"never\"\n").expect("a file");
    let o = run_in(dir.path(), &["init"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&path).expect("the file"),
        "fail-on = \"never\"\n"
    );
    let o = run_in(dir.path(), &["init", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&path).expect("the file"),
        fargate_lint::init::starter()
    );
}
