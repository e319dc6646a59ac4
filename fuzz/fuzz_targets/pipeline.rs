//! The whole pipeline on one input given as stdin (`fargate-lint check -` and `predict -`):
//! discover → parse → model → placement and sizing → rules → suppressions → every emitter
//! (check human, JSON, SARIF, github; predict human, JSON, Markdown), with the pieces
//! `src/app.rs` calls, and the invariants a hostile input must not break:
//!
//! - nothing panics (libFuzzer reports a panic as a crash);
//! - the JSON and SARIF outputs parse as JSON;
//! - every github line is a workflow command of ours (`::error `, `::warning `,
//!   `::notice `): a value from the input cannot start a line of its own;
//! - every finding points at a line and column of its file (1-based, end not before start);
//! - the same input gives byte-identical output on one worker thread and on two.
//!
//! Slow inputs and memory are judged by libFuzzer's `-timeout` and `-rss_limit_mb`
//! (scripts/fuzz.sh sets them).

#![no_main]

use std::sync::OnceLock;

use fargate_lint::analysis::{Analysis, Settings};
use fargate_lint::config::Config;
use fargate_lint::diagnostic::Finding;
use fargate_lint::discover::DiscoverOptions;
use fargate_lint::emit;
use fargate_lint::sizing::Pricing;
use fargate_lint::{lint, yaml};
use libfuzzer_sys::fuzz_target;

/// Every output of one run, in a fixed order, for the comparison between thread counts.
struct Outputs {
    check_human: String,
    check_human_color_suppressed: String,
    check_json: String,
    check_json_suppressed: String,
    check_sarif: String,
    check_github: String,
    predict_human: String,
    predict_json: String,
    predict_markdown: String,
}

impl Outputs {
    fn all(&self) -> [(&'static str, &str); 9] {
        [
            ("check human", &self.check_human),
            (
                "check human --color always --show-suppressed",
                &self.check_human_color_suppressed,
            ),
            ("check json", &self.check_json),
            ("check json --show-suppressed", &self.check_json_suppressed),
            ("check sarif", &self.check_sarif),
            ("check github", &self.check_github),
            ("predict human", &self.predict_human),
            ("predict json", &self.predict_json),
            ("predict markdown", &self.predict_markdown),
        ]
    }
}

/// What `check -` and `predict -` read with no configuration file and no options.
fn settings() -> Settings {
    Settings {
        paths: vec!["-".to_string()],
        cluster_files: Vec::new(),
        find_clusters: false,
        discover: DiscoverOptions {
            threads: 1,
            ..DiscoverOptions::default()
        },
        default_namespace: "default".to_string(),
        pricing: Pricing::default(),
        yaml_limits: yaml::Limits::default(),
        cluster_scopes: Vec::new(),
        // Never a program (`--render`) nor git (`--baseline`): stdin only.
        render: false,
        baseline: None,
        // Every output is rendered from one analysis, the human and SARIF ones too.
        keep_texts: true,
    }
}

fn pool(threads: usize) -> &'static rayon::ThreadPool {
    static ONE: OnceLock<rayon::ThreadPool> = OnceLock::new();
    static TWO: OnceLock<rayon::ThreadPool> = OnceLock::new();
    let cell = if threads == 1 { &ONE } else { &TWO };
    cell.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool (not input)")
    })
}

fn run(data: &[u8], threads: usize) -> Outputs {
    let config = Config::default();
    // Every finding of `check`, suppressed ones included (as `--show-suppressed` lists them),
    // through the same entry the command line uses.
    let lint::Report {
        analysis,
        findings: all,
        baseline: _,
    } = pool(threads)
        .install(|| {
            lint::run(
                &settings(),
                &config,
                &lint::Selection::default(),
                true,
                &mut &data[..],
            )
        })
        .unwrap_or_else(|e| panic!("stdin alone cannot fail the run (exit 2): {e}"));
    check_locations(&analysis, &all);
    let shown: Vec<Finding> = all.iter().filter(|f| f.counts()).cloned().collect();
    let counts = emit::predict::findings_per_workload(&analysis, &shown);
    let sarif = emit::sarif::SarifOptions {
        category: Some("fuzz".to_string()),
    };
    Outputs {
        check_human: emit::human::render(&analysis, &shown, false, false),
        check_human_color_suppressed: emit::human::render(&analysis, &all, true, false),
        check_json: emit::json::render(&analysis, &shown),
        check_json_suppressed: emit::json::render(&analysis, &all),
        check_sarif: emit::sarif::render(&analysis, &all, &sarif),
        check_github: emit::github::render(&analysis, &all),
        predict_human: emit::predict::render_human(&analysis, &counts, false),
        predict_json: emit::predict::render_json(&analysis, &counts),
        predict_markdown: emit::predict::render_markdown(&analysis, &counts),
    }
}

/// The 1-based line and column (in characters) of byte `at` of `text`, with YAML's line
/// breaks (LF, CRLF, a lone CR); `None` when `at` is not a character boundary of `text`.
fn position(text: &str, at: usize) -> Option<(u32, u32)> {
    let before = text.get(..at)?;
    let (mut line, mut column) = (1u32, 1u32);
    let mut chars = before.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => {
                line += 1;
                column = 1;
            }
            _ => column += 1,
        }
    }
    Some((line, column))
}

/// Every finding points into its file: 1-based line and column, the end not before the
/// start, and (when the span has bytes) the start position is the one its byte offset gives.
fn check_locations(analysis: &Analysis, findings: &[Finding]) {
    for f in findings {
        let text = analysis
            .files
            .get(f.loc.file)
            .map(|s| &*s.text)
            .unwrap_or_else(|| panic!("{} points at no file: {:?}", f.code, f.loc));
        let span = f.loc.span;
        let (start, end) = (span.start, span.end);
        assert!(
            start.line >= 1 && start.column >= 1,
            "{} at {start:?}: not 1-based",
            f.code
        );
        assert!(
            (end.line, end.column) >= (start.line, start.column)
                && span.end_byte >= span.start_byte,
            "{} ends at {end:?} before it starts at {start:?}",
            f.code
        );
        // A file that could not be read (not UTF-8, binary) keeps no text; its FL001 is a
        // point without bytes at the bad byte of what was read, as are a few whole-file
        // findings.
        if text.is_empty() || span.end_byte == 0 {
            continue;
        }
        assert_eq!(
            position(text, span.start_byte as usize),
            Some((start.line, start.column)),
            "{} at {start:?}: not where its byte {} is",
            f.code,
            span.start_byte
        );
        assert!(
            span.end_byte as usize <= text.len(),
            "{} ends at byte {}, past the {} bytes of the file",
            f.code,
            span.end_byte,
            text.len()
        );
    }
}

fn check_invariants(out: &Outputs) {
    for (name, text) in [
        ("check json", &out.check_json),
        ("check json --show-suppressed", &out.check_json_suppressed),
        ("check sarif", &out.check_sarif),
        ("predict json", &out.predict_json),
    ] {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
            panic!("{name} is not JSON ({e}):\n{text}");
        }
    }
    for line in out.check_github.lines() {
        assert!(
            ["::error ", "::warning ", "::notice "]
                .iter()
                .any(|p| line.starts_with(p)),
            "a github line that is not one of our annotations: {line:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let one = run(data, 1);
    check_invariants(&one);
    let two = run(data, 2);
    for ((name, a), (_, b)) in one.all().into_iter().zip(two.all()) {
        assert!(
            a == b,
            "{name} differs between 1 and 2 threads:\n{a}\n---\n{b}"
        );
    }
});
