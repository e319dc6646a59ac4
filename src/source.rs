//! Source files and positions: the byte spans every key and value carries, and the
//! 1-based line and column (in Unicode characters) that every output prints.

use std::sync::Arc;

/// The path stdin is shown as.
pub const STDIN_NAME: &str = "<stdin>";

/// What starts a comment meant for fargate-lint (`# fargate-lint: ignore[FL201]`).
pub const DIRECTIVE_PREFIX: &str = "fargate-lint:";

/// Whether the text of a comment (after `#`) is meant for fargate-lint, well formed or
/// not: those are the only comments kept after parsing (the suppression step reads them).
pub fn is_directive(comment: &str) -> bool {
    comment.trim_start().starts_with(DIRECTIVE_PREFIX)
}

/// Index of an input file in the sorted list of inputs of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// A line and column, both 1-based; the column counts Unicode characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// A range of source text: byte offsets (end exclusive) and the positions of both ends.
/// Offsets are 32 bits, as lines and columns are: every fact of the model has spans, and
/// 24 bytes instead of 32 is a tenth of a large run's memory. No input is larger
/// (`--max-file-size` stops below 4 GiB); a longer text (a `--render` output) has its
/// offsets saturate at its 4 GiB mark rather than wrap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
    pub start_byte: u32,
    pub end_byte: u32,
}

/// A byte offset of a text as a [`Span`] keeps it.
pub fn offset(byte: usize) -> u32 {
    u32::try_from(byte).unwrap_or(u32::MAX)
}

impl Span {
    /// The span's bytes, to slice the text it is in.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start_byte as usize..self.end_byte as usize
    }

    /// A span that covers both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        let (start, start_byte) = if other.start_byte < self.start_byte {
            (other.start, other.start_byte)
        } else {
            (self.start, self.start_byte)
        };
        let (end, end_byte) = if other.end_byte > self.end_byte {
            (other.end, other.end_byte)
        } else {
            (self.end, self.end_byte)
        };
        Span {
            start,
            end,
            start_byte,
            end_byte,
        }
    }
}

/// A span in a given file: where a fact of the model came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Loc {
    pub file: FileId,
    pub span: Span,
}

/// An input file as the rest of the run sees it: its display path and text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as printed: relative to the current folder when under it, `/` separators,
    /// `<stdin>` for standard input.
    pub path: String,
    pub text: Arc<str>,
    /// Set when the run let the text go once it was read into facts
    /// (`analysis::Settings::keep_texts`): where to read it again, and what it was.
    pub reread: Option<Reread>,
}

/// What a file's text was when a run read it, and where it is: reading the file again for a
/// snippet or a fingerprint gives that same text or nothing (`discover::reread`), never
/// what a file changed since (or a link pointed elsewhere) holds.
#[derive(Debug, Clone)]
pub struct Reread {
    pub fs_path: std::path::PathBuf,
    /// The regular file it was (device and inode where the system has them): reading again
    /// opens that file or nothing.
    pub identity: FileIdentity,
    pub len: usize,
    pub digest: u64,
}

/// Which regular file a path led to: its device and inode on Unix (nothing to compare
/// elsewhere, where length and digest decide alone).
pub type FileIdentity = Option<(u64, u64)>;

/// The hash a [`Reread`] compares texts by.
pub fn digest(text: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::with_seed(0x6661_7267_6174_6531).hash_one(text)
}

/// Every input of a run, indexed by [`FileId`] (sorted by path): the one table that turns a
/// file id into its path and text.
#[derive(Debug, Clone, Default)]
pub struct Files(Vec<SourceFile>);

impl Files {
    pub fn new(files: Vec<SourceFile>) -> Files {
        Files(files)
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.0.get(id.0 as usize)
    }

    /// The display path of `id`; empty for an id of another run.
    pub fn path(&self, id: FileId) -> &str {
        self.get(id).map_or("", |f| f.path.as_str())
    }

    /// Every file with its id, in id order.
    pub fn with_ids(&self) -> impl Iterator<Item = (FileId, &SourceFile)> + '_ {
        self.0
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }
}

impl std::ops::Deref for Files {
    type Target = [SourceFile];

    fn deref(&self) -> &[SourceFile] {
        &self.0
    }
}

/// Index of a workload in the model of a run ([`crate::model::Model::workloads`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct WorkloadId(pub u32);

/// Index of a cluster in the model of a run ([`crate::model::Model::clusters`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ClusterId(pub u32);

impl WorkloadId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl ClusterId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Removes `.` and folds `name/..` without touching the file system, for paths that cannot
/// be canonicalized or must be judged before they are looked at: leading `..` of a relative
/// path stay, `/..` is `/`. The one path normaliser of the crate.
pub fn normalize(path: &std::path::Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => match out.components().next_back() {
                Some(std::path::Component::Normal(_)) => {
                    out.pop();
                }
                // `/..` is `/`.
                Some(std::path::Component::RootDir | std::path::Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

/// The documents of a rendered Helm stream (`helm template ...`) headed by the chart's
/// `# Source: CHART/templates/FILE` comment, by file and byte range: a finding in one names
/// its template. Only a comment that directly heads a document counts (the first line of
/// the file or the line after a `---`), as helm writes it; a `# Source:` anywhere else is
/// somebody's comment.
#[derive(Debug, Clone, Default)]
pub struct HelmSources(Vec<(FileId, usize, usize, String)>);

impl HelmSources {
    /// Reads the `# Source:` headings of every file; linear in the size of the files that
    /// hold the needle, nothing for the others.
    pub fn of(files: &Files) -> HelmSources {
        let mut out = Vec::new();
        for (id, f) in files.with_ids() {
            if HelmSources::may_name(&f.text) {
                helm_documents(&f.text, |start, end, template| {
                    out.push((id, start, end, template.to_string()));
                });
            }
        }
        HelmSources(out)
    }

    /// Whether `text` may hold a heading [`HelmSources::of`] reads: a run keeps such a text.
    pub fn may_name(text: &str) -> bool {
        text.contains("# Source: ")
    }

    /// The template of the document that holds `loc`, if helm rendered it.
    pub fn template(&self, loc: Loc) -> Option<&str> {
        let key = (loc.file, loc.span.start_byte as usize);
        let after = self
            .0
            .partition_point(|(file, start, _, _)| (*file, *start) <= key);
        let (file, _, end, template) = self.0.get(after.checked_sub(1)?)?;
        (*file == loc.file && (loc.span.start_byte as usize) < *end).then_some(template.as_str())
    }
}

/// Calls `found(start, end, template)` for each document of `text` headed by `# Source:`.
fn helm_documents(text: &str, mut found: impl FnMut(usize, usize, &str)) {
    let mut open: Option<(usize, &str)> = None;
    let mut heading = true; // the next line may head a document
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if content == "---" || content.starts_with("--- ") {
            if let Some((start, template)) = open.take() {
                found(start, at, template);
            }
            heading = true;
        } else if heading {
            if let Some(template) = content.strip_prefix("# Source: ") {
                let template = template.trim();
                if !template.is_empty() {
                    open = Some((at, template));
                }
            }
            heading = false;
        }
        at += line.len();
    }
    if let Some((start, template)) = open {
        found(start, text.len(), template);
    }
}

#[cfg(test)]
mod helm_tests {
    use super::*;

    fn sources(text: &str) -> Vec<(usize, usize, String)> {
        let mut out = Vec::new();
        helm_documents(text, |s, e, t| out.push((s, e, t.to_string())));
        out
    }

    #[test]
    fn only_a_comment_heading_a_document_names_its_template() {
        let text = "---\n# Source: web/templates/a.yaml\nkind: Pod\n---\nkind: Pod\n# Source: x\n---\n# Source: web/templates/b.yaml\nkind: Pod\n";
        let found = sources(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].2, "web/templates/a.yaml");
        assert_eq!(
            &text[found[0].0..found[0].1],
            "# Source: web/templates/a.yaml\nkind: Pod\n"
        );
        assert_eq!(found[1].2, "web/templates/b.yaml");
        assert_eq!(found[1].1, text.len());
        // The first line of the file heads a document too.
        assert_eq!(
            sources("# Source: c/templates/d.yaml\nkind: Pod\n")[0].2,
            "c/templates/d.yaml"
        );
        assert!(sources("kind: Pod\n# Source: c/templates/d.yaml\n").is_empty());
    }

    #[test]
    fn a_place_finds_the_template_of_its_document() {
        let text = "---\n# Source: web/templates/a.yaml\nkind: Pod\n---\nkind: Pod\n";
        let files = Files::new(vec![SourceFile {
            path: "<stdin>".into(),
            text: text.into(),
            reread: None,
        }]);
        let sources = HelmSources::of(&files);
        let at = |byte| Loc {
            file: FileId(0),
            span: Span {
                start_byte: offset(byte),
                ..Span::default()
            },
        };
        assert_eq!(
            sources.template(at(text.find("kind").unwrap_or(0))),
            Some("web/templates/a.yaml")
        );
        assert_eq!(sources.template(at(text.rfind("kind").unwrap_or(0))), None);
        assert_eq!(sources.template(at(0)), None);
    }
}
