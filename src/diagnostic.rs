//! Findings: what a rule reports, where, and how severe; the one type every emitter prints.

use compact_str::CompactString;
use serde::Serialize;
use std::borrow::Cow;

use crate::source::{ClusterId, Loc, WorkloadId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// The Kubernetes object a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ObjectRef {
    // Compact: a finding copies its object's names, which are short enough to live inline
    // (no allocation per finding).
    pub kind: CompactString,
    pub namespace: CompactString,
    pub name: CompactString,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub code: &'static str,
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Most rules' help is fixed text: borrowed, not copied into every finding.
    pub help: Option<Cow<'static, str>>,
    /// The exact key or value at fault.
    pub loc: Loc,
    /// More places worth pointing at, in this file or another (the profile that takes a
    /// pod, the first of two duplicates): labels in human output, `related` in JSON,
    /// `relatedLocations` in SARIF. Messages name these places; they never spell out a
    /// position themselves.
    pub labels: Vec<Label>,
    pub cluster: Option<CompactString>,
    pub profile: Option<CompactString>,
    pub object: Option<ObjectRef>,
    /// What the finding is about, by identity within the run: outputs join findings to
    /// workloads by it (never by names, which two objects may share).
    pub subject: Option<Subject>,
    /// Set when a suppression covers the finding: it is then not counted, and shown only
    /// with `--show-suppressed`.
    pub suppressed: Option<Suppression>,
}

/// Another place a finding points at, with a short label; built by [`Finding::label`] or
/// [`Finding::link`].
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub loc: Loc,
    pub text: String,
    /// The bytes of the finding's message that name this place ("profile `apps`"), which
    /// SARIF turns into a link to it; `None` when the message does not name it.
    pub link: Option<std::ops::Range<usize>>,
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    Workload(WorkloadId),
    /// Profile `index` (in definition order) of cluster `cluster`.
    Profile {
        cluster: ClusterId,
        index: usize,
    },
    Cluster(ClusterId),
}

/// Where a suppression was written, in SARIF's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SuppressionKind {
    /// A comment or an annotation in the file of the finding.
    InSource,
    /// An `[[ignore]]` table of the configuration file.
    External,
}

impl SuppressionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::InSource => "inSource",
            SuppressionKind::External => "external",
        }
    }
}

/// What suppressed a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    pub kind: SuppressionKind,
    /// The reason written with the suppression, if any.
    pub justification: Option<String>,
    /// Where the suppression is, for people ("comment at line 4"); not in JSON or SARIF.
    #[serde(skip)]
    pub source: String,
}

impl Finding {
    pub fn help(mut self, help: impl Into<Cow<'static, str>>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Points at another place `loc` too, labelled `text`. A place the finding already
    /// points at is not added twice.
    pub fn label(self, loc: Loc, text: impl Into<String>) -> Self {
        self.push_label(loc, text.into(), None)
    }

    /// Like [`Finding::label`], and the words `phrase` of the message name that place: SARIF
    /// links them to it, which is how GitHub shows a related location. The phrase is looked
    /// for after the previous link first, so links added in message order may repeat a
    /// phrase; one the message does not hold links nothing.
    pub fn link(self, loc: Loc, text: impl Into<String>, phrase: &str) -> Self {
        let after = self.links().map(|r| r.end).max().unwrap_or(0);
        let link = self
            .find_phrase(phrase, after)
            .or_else(|| self.find_phrase(phrase, 0));
        self.push_label(loc, text.into(), link)
    }

    /// Like [`Finding::link`], with the phrase looked for from byte `from` of the message
    /// only: for a phrase that the message also has earlier (a profile's name in a list
    /// after the same name as a namespace).
    pub fn link_from(self, loc: Loc, text: impl Into<String>, phrase: &str, from: usize) -> Self {
        let link = self.find_phrase(phrase, from);
        self.push_label(loc, text.into(), link)
    }

    fn links(&self) -> impl Iterator<Item = &std::ops::Range<usize>> {
        self.labels.iter().filter_map(|l| l.link.as_ref())
    }

    /// The first place of `phrase` in the message from byte `from`, clear of the links so
    /// far.
    fn find_phrase(&self, phrase: &str, from: usize) -> Option<std::ops::Range<usize>> {
        let rest = self.message.get(from..).filter(|_| !phrase.is_empty())?;
        matches(rest, phrase)
            .map(|i| from + i..from + i + phrase.len())
            .find(|r| self.links().all(|l| r.end <= l.start || l.end <= r.start))
    }

    fn push_label(mut self, loc: Loc, text: String, link: Option<std::ops::Range<usize>>) -> Self {
        if loc == self.loc {
            return self;
        }
        match self.labels.iter_mut().find(|l| l.loc == loc) {
            Some(same) => {
                if same.link.is_none() {
                    same.link = link;
                }
            }
            None => {
                // Most findings have one label: room for one, not the four a first push
                // makes (a third of a finding's memory).
                self.labels.reserve_exact(1);
                self.labels.push(Label { loc, text, link });
            }
        }
        self
    }

    pub fn cluster(mut self, name: &str) -> Self {
        self.cluster = Some(name.into());
        self
    }

    pub fn profile(mut self, name: &str) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Whether the finding counts: shown by default, in the summary and the exit code.
    pub fn counts(&self) -> bool {
        self.suppressed.is_none()
    }

    pub fn object(mut self, object: ObjectRef) -> Self {
        self.object = Some(object);
        self
    }

    /// A finding of rule `code` (`rule` its name) at `loc`, with nothing else filled in: the
    /// one way to start a finding; the builder methods add the rest.
    pub fn new(
        code: &'static str,
        rule: &'static str,
        severity: Severity,
        loc: Loc,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            code,
            rule,
            severity,
            message: message.into(),
            help: None,
            loc,
            labels: Vec::new(),
            cluster: None,
            profile: None,
            object: None,
            subject: None,
            suppressed: None,
        }
    }

    pub fn subject(mut self, subject: Subject) -> Self {
        self.subject = Some(subject);
        self
    }

    /// The order of every output: path (by file id, which follows sorted paths), line,
    /// column, code, then the rest so that equal positions still sort the same way.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            self.loc.file,
            self.loc.span.start,
            self.code,
            self.loc.span.end,
            &self.message,
            &self.cluster,
        )
    }
}

/// Where `needle` (not empty) is in `haystack`, each match after the end of the one before,
/// as `str::match_indices` finds them: by its first byte, then a comparison. A message is
/// short, and a searcher's setup for every link cost more than the search. (Both are UTF-8:
/// a match starts at a character boundary.)
fn matches<'a>(haystack: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let (bytes, needle) = (haystack.as_bytes(), needle.as_bytes());
    let mut at = 0;
    std::iter::from_fn(move || {
        let first = *needle.first()?;
        while at + needle.len() <= bytes.len() {
            let start = at + bytes.get(at..)?.iter().position(|&b| b == first)?;
            if bytes.get(start..)?.starts_with(needle) {
                at = start + needle.len();
                return Some(start);
            }
            at = start + 1;
        }
        None
    })
}

/// `1 error`, `2 warnings`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A problem with an input file itself: unreadable, binary, not UTF-8, or a document that
/// does not parse or that kubectl refuses (a string or a list, not an object).
#[derive(Debug, Clone, PartialEq)]
pub struct InputProblem {
    pub loc: Loc,
    pub message: String,
    pub help: &'static str,
    /// The file was read and the problem is in one of its documents; `false` when the file
    /// could not be read at all.
    pub file_read: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_are_found_where_match_indices_finds_them() {
        for (haystack, needle) in [
            ("aaaa", "aa"),
            ("profile `a` and profile `a`", "profile `a`"),
            ("é profile `é`", "`é`"),
            ("abc", "abcd"),
            ("", "a"),
            ("xxabxab", "ab"),
        ] {
            let ours: Vec<usize> = matches(haystack, needle).collect();
            let std: Vec<usize> = haystack.match_indices(needle).map(|(i, _)| i).collect();
            assert_eq!(ours, std, "{needle:?} in {haystack:?}");
        }
    }
    use crate::source::{FileId, Pos, Span};

    fn at(line: u32) -> Loc {
        let pos = Pos { line, column: 1 };
        Loc {
            file: FileId(0),
            span: Span {
                start: pos,
                end: pos,
                start_byte: 0,
                end_byte: 0,
            },
        }
    }

    fn finding(message: &str) -> Finding {
        Finding::new(
            "FL220",
            "ambiguous-profile-match",
            Severity::Warning,
            at(1),
            message,
        )
    }

    fn linked(f: &Finding) -> Vec<&str> {
        f.labels
            .iter()
            .map(|l| l.link.clone().map_or("", |r| &f.message[r]))
            .collect()
    }

    #[test]
    fn links_follow_the_message_order_and_never_overlap() {
        let f = finding("profiles `a`, `b` select namespace `a`")
            .link(at(2), "one", "`a`")
            .link(at(3), "two", "`b`")
            .link(at(4), "three", "`a`");
        assert_eq!(linked(&f), ["`a`", "`b`", "`a`"]);
        let ranges: Vec<_> = f.labels.iter().filter_map(|l| l.link.clone()).collect();
        assert_eq!(ranges, [9..12, 14..17, 35..38]);
    }

    #[test]
    fn a_phrase_before_the_last_link_is_found_too() {
        let f = finding("class `x`, on profile `p`")
            .link(at(2), "profile", "profile `p`")
            .link(at(3), "class", "class `x`");
        assert_eq!(linked(&f), ["profile `p`", "class `x`"]);
    }

    #[test]
    fn link_from_skips_earlier_places() {
        let f = finding("namespace `apps`; profiles that select it: `apps`").link_from(
            at(2),
            "selects",
            "`apps`",
            17,
        );
        assert_eq!(f.labels[0].link, Some(43..49));
    }

    #[test]
    fn a_missing_phrase_or_a_place_already_pointed_at_adds_no_link() {
        let f = finding("no such words")
            .link(at(2), "there", "profile")
            .label(at(1), "the finding itself")
            .label(at(2), "again");
        assert_eq!(f.labels.len(), 1);
        assert_eq!(f.labels[0].text, "there");
        assert_eq!(f.labels[0].link, None);
    }
}
