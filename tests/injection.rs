//! Output injection: values from a hostile manifest (names, namespaces, regions, profile and
//! scheduler names, images, kinds, file names and the file text a snippet shows) must not
//! change the terminal, become a GitHub Actions workflow command in the log, or become
//! Markdown links, images or HTML. Fixtures: `testdata/hostile/injection/`.

mod common;

use common::*;

const FIXTURES: &str = "testdata/hostile/injection";

/// Characters that must never reach a terminal raw from input: ESC, BEL, CR, C1 CSI, the
/// right-to-left override, and any other control character but LF.
fn raw_controls(text: &str) -> Vec<(usize, char)> {
    text.lines()
        .enumerate()
        .flat_map(|(n, line)| {
            line.chars()
                .filter(|&c| {
                    (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c)
                })
                .map(move |c| (n + 1, c))
        })
        .collect()
}

/// Lines the Actions runner would run as workflow commands: `::` at the start after white
/// space, or a legacy `##[` anywhere.
fn workflow_commands(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.trim_start().starts_with("::") || l.contains("##["))
        .collect()
}

/// Asserts that `text` (an output for people) carries nothing raw from the fixtures.
fn assert_inert(what: &str, text: &str) {
    assert_eq!(
        raw_controls(text),
        vec![],
        "{what}: raw control characters:\n{text}"
    );
    assert_eq!(
        workflow_commands(text),
        Vec::<&str>::new(),
        "{what}: workflow commands:\n{text}"
    );
}

#[test]
fn check_human_output_is_inert() {
    let o = run(&["check", "--color", "never", FIXTURES]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert_inert("check", &out);
    // Not vacuous: the hostile values are there, escaped, and so is the file text.
    for shown in [
        "`web\\u{1b}[2J\\u{9b}\\u{d}\\u{a}::error::deployment name`",
        "\\u{202e}",
        "#\\u{23}[error]legacy command",
        "evil.example",
    ] {
        assert!(out.contains(shown), "{shown} not in:\n{out}");
    }
}

#[test]
fn check_human_output_is_inert_with_colour() {
    // Colour codes are ours; what comes from input is still escaped.
    let o = run(&["check", "--color", "always", FIXTURES]);
    let out = stdout(&o);
    assert!(out.contains('\x1b'), "colour was asked for:\n{out}");
    assert!(!out.contains("\x1b]0;pwned"), "{out}");
    assert!(!out.contains("\x1b[2J"), "{out}");
    assert!(!out.contains('\x07'), "{out}");
    assert_eq!(workflow_commands(&out), Vec::<&str>::new(), "{out}");
}

#[test]
fn predict_human_output_is_inert() {
    let o = run(&["predict", FIXTURES]);
    let out = stdout(&o);
    assert_inert("predict", &out);
    assert_inert("predict stderr", &stderr(&o));
    // A kind from input starts a row of the table.
    assert!(out.contains("  :\\u{3a}error::Kind/"), "{out}");
    assert!(
        out.contains("custom scheduler `[x](https://evil.example)"),
        "{out}"
    );
}

#[test]
fn hostile_file_names_are_escaped_in_human_output_and_on_stderr() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let name = "x\x1b]0;pwned\x07\n::error::file.yaml";
    write(dir.path(), "cluster.yaml", APPS_CLUSTER);
    // A privileged pod on Fargate (a finding) and a broken document (an input problem).
    write(
        dir.path(),
        name,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: apps\nspec:\n  \
         containers:\n    - name: c\n      image: public.ecr.aws/nginx/nginx:1.27\n      \
         securityContext:\n        privileged: true\n---\nkind: [\n",
    );
    let o = run_in(dir.path(), &["check", "--color", "never", "."]);
    let out = stdout(&o);
    assert_inert("check", &out);
    assert!(
        out.contains("x\\u{1b}]0;pwned\\u{7}\\u{a}::error::file.yaml"),
        "{out}"
    );
    let o = run_in(dir.path(), &["predict", "."]);
    assert_inert("predict", &stdout(&o));
    let err = stderr(&o);
    assert_inert("predict stderr", &err);
    assert!(err.contains("could not be read or parsed"), "{err}");
}

#[test]
fn json_keeps_values_exact() {
    // Escaping is for people: JSON carries the values as they are (serde escapes them).
    let o = run(&["predict", "--format", "json", FIXTURES]);
    let report = json(&o);
    assert_eq!(
        report["clusters"][0]["name"],
        "prod\x1b]0;pwned\x07\n::error title=cluster::cluster name"
    );
}

/// `line` with every code span replaced by `C`, by CommonMark's rule: a run of n backticks
/// opens a span that the next run of exactly n backticks closes; without one it is text.
fn without_code_spans(line: &str) -> String {
    let b = line.as_bytes();
    let run_at = |i: usize| b[i..].iter().take_while(|&&c| c == b'`').count();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'`' {
            let next = line[i..].find('`').map_or(line.len(), |n| i + n);
            out.push_str(&line[i..next]);
            i = next;
            continue;
        }
        let n = run_at(i);
        let mut j = i + n;
        let mut close = None;
        while j < b.len() {
            if b[j] == b'`' {
                let m = run_at(j);
                if m == n {
                    close = Some(j + m);
                    break;
                }
                j += m;
            } else {
                j += 1;
            }
        }
        match close {
            Some(end) => {
                out.push('C');
                i = end;
            }
            None => {
                out.push_str(&line[i..i + n]);
                i += n;
            }
        }
    }
    out
}

/// The cells of a table row, split as GitHub's table parser splits them: at every `|` that
/// no backslash escapes; `\|` becomes `|` in the cell.
fn cells(row: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut chars = row.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                cells.last_mut().expect("one").push('|');
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().expect("one").push(c),
        }
    }
    // The leading and trailing pipes leave empty cells at the ends.
    cells.remove(0);
    cells.pop();
    cells
}

/// Markup that would render from text: HTML, a link, an image, an autolink.
fn markup(text: &str) -> bool {
    text.contains('<') || text.contains("](") || text.contains("![") || text.contains("://")
}

#[test]
fn markdown_keeps_values_in_code_spans() {
    let o = run(&["predict", "--format", "markdown", FIXTURES]);
    let out = stdout(&o);
    assert_inert("markdown", &out);
    let mut in_mermaid = false;
    let mut columns = None;
    for line in out.lines() {
        if line.starts_with("```") {
            in_mermaid = line == "```mermaid";
            continue;
        }
        if in_mermaid {
            // A quoted label holds no quote and no tag but the line break.
            for label in line.split("[\"").skip(1) {
                let label = label.rsplit_once("\"]").map_or(label, |(l, _)| l);
                assert!(!label.contains('"'), "{line}");
                assert!(!label.replace("<br/>", "").contains('<'), "{line}");
            }
            continue;
        }
        if line.starts_with('|') {
            let row = cells(line);
            if line.starts_with("| Workload") || line.starts_with("| Profile") {
                columns = Some(row.len());
            }
            assert_eq!(Some(row.len()), columns, "a value split a row: {line}");
            for cell in &row {
                let text = without_code_spans(cell);
                assert!(
                    !markup(&text),
                    "markup outside code spans: {cell:?} in {line}"
                );
            }
        } else {
            let text = without_code_spans(line);
            assert!(!markup(&text), "markup outside code spans: {line}");
        }
    }
    // Not vacuous: the values are there, in spans.
    for shown in [
        "(`[click](https://evil.example) ![img](https://evil.example/x.png) <img src=x onerror=alert(1)>`)",
        "custom scheduler ``[x](https://evil.example)<script>alert(1)</script>`\\|\\u{a}::error::scheduler``",
        "``apps\\|`x`<b>bold</b>\\u{202e}\\u{a}::add-mask::profile``",
    ] {
        assert!(out.contains(shown), "{shown} not in:\n{out}");
    }
}

#[test]
fn code_span_stripping_follows_commonmark() {
    assert_eq!(without_code_spans("a `b` c"), "a C c");
    assert_eq!(without_code_spans("``a`b`` <x>"), "C <x>");
    assert_eq!(without_code_spans("`a <x>"), "`a <x>");
    assert_eq!(without_code_spans("``a` <x>"), "``a` <x>");
    assert_eq!(cells("| `a\\|b` | c |"), vec![" `a|b` ", " c "]);
}
