//! The crate's top-level modules point one way: each may use only modules of its own layer
//! or below (docs/architecture.md draws the layers), and no two modules reach each other,
//! directly or around a loop. Read from the `crate::` paths of `src/`, so a new `use` that
//! points up fails here with the edge named.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::root;

/// Layers from the bottom up; a module not listed fails the test, so that a new module is
/// placed on purpose.
const LAYERS: &[&[&str]] = &[
    // Small shared pieces with no dependency on the rest.
    &["pattern", "source", "diagnostic", "quantity"],
    &["image", "repo", "output"],
    // Sources and parsing.
    &["discover", "yaml"],
    &["model"],
    &["placement", "sizing", "change"],
    &["rules"],
    &["config"],
    // One run: inputs to the model and placements, then to findings.
    &["analysis", "baseline"],
    &["suppress"],
    &["lint"],
    &["emit"],
    // The command line.
    &["init", "cli"],
    &["app", "main", "lib"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The top-level module a file of `src/` belongs to: `src/rules/fl101.rs` is `rules`.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    Some(first.trim_end_matches(".rs").to_string())
}

/// Every `crate::NAME` in `text`, outside comments.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let before = rest[..i].chars().last();
            rest = &rest[i + "crate::".len()..];
            // `fargate_lint::` in tests and `$crate::` in macros are not this crate's own.
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
                continue;
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
        // `use crate::{a, b}`
        if let Some(i) = code.find("crate::{") {
            let inner = &code[i + "crate::{".len()..];
            for part in inner.split(['}', ',']) {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        }
    }
    out
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// module → the modules it uses.
fn edges() -> BTreeMap<String, BTreeSet<String>> {
    let src = root().join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in all {
        let Some(from) = module_of(&src, &file) else {
            continue;
        };
        let text = std::fs::read_to_string(&file).expect("a source file");
        let used = edges.entry(from.clone()).or_default();
        for to in crate_paths(&text) {
            if to != from && to != "self" && to != "super" {
                used.insert(to);
            }
        }
    }
    edges
}

#[test]
fn every_module_has_a_layer() {
    for module in edges().keys() {
        assert!(
            layer_of(module).is_some(),
            "src/{module} is in no layer: add it to LAYERS in tests/layers.rs and docs/architecture.md"
        );
    }
}

#[test]
fn modules_use_only_their_own_layer_or_below() {
    let mut wrong = Vec::new();
    for (from, tos) in edges() {
        for to in tos {
            if let (Some(a), Some(b)) = (layer_of(&from), layer_of(&to))
                && b > a
            {
                wrong.push(format!("{from} -> {to}"));
            }
        }
    }
    assert!(wrong.is_empty(), "uses that point up a layer: {wrong:?}");
}

#[test]
fn no_module_reaches_itself_around_a_loop() {
    let edges = edges();
    // Depth-first search with colours: grey on the path, black done.
    fn visit<'a>(
        node: &'a str,
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<&'a str, u8>,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match state.get(node) {
            Some(1) => {
                let start = path.iter().position(|n| *n == node).unwrap_or(0);
                let mut cycle: Vec<String> = path[start..].iter().map(|s| s.to_string()).collect();
                cycle.push(node.to_string());
                return Some(cycle);
            }
            Some(2) => return None,
            _ => {}
        }
        state.insert(node, 1);
        path.push(node);
        for next in edges.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, edges, state, path) {
                return Some(c);
            }
        }
        path.pop();
        state.insert(node, 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in edges.keys() {
        let mut path = Vec::new();
        if let Some(cycle) = visit(node, &edges, &mut state, &mut path) {
            panic!("a cycle among modules: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn the_reader_finds_uses_in_every_form() {
    let text = "use crate::model::Workload;\nuse crate::{rules, yaml::Document};\nlet x = crate::sizing::size(1); // crate::emit\nfargate_lint::app::main();\n";
    let found: Vec<String> = crate_paths(text).into_iter().collect();
    assert_eq!(found, ["model", "rules", "sizing", "yaml"]);
}
