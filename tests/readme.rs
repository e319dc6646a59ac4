//! The README's rule table is generated from the rule registry: this test fails when the two
//! differ. `UPDATE_README=1 cargo test --test readme` rewrites the table in place.

mod common;

use common::root;
use fargate_lint::rules::markdown_table;

const START: &str = "<!-- rules:start -->\n";
const END: &str = "<!-- rules:end -->";

#[test]
fn readme_rule_table_matches_the_registry() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md is readable");
    let start = readme
        .find(START)
        .map(|i| i + START.len())
        .expect("README.md has a `<!-- rules:start -->` line under `## Rules`");
    let end = readme[start..]
        .find(END)
        .map(|i| start + i)
        .expect("README.md has a `<!-- rules:end -->` line after the start marker");
    let table = markdown_table();
    if readme[start..end] == table {
        return;
    }
    if std::env::var_os("UPDATE_README").is_some_and(|v| v == "1") {
        let updated = format!("{}{table}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).expect("README.md is writable");
        return;
    }
    panic!(
        "the rule table in README.md is out of date; regenerate it with \
         `UPDATE_README=1 cargo test --test readme`.\nexpected:\n{table}\nfound:\n{}",
        &readme[start..end]
    );
}
