//! FL103 too-many-selector-labels: a profile selector with more label pairs than EKS
//! accepts.

use super::prelude::*;
use crate::model::Label;

pub(crate) static RULE: Rule = Rule {
    code: "FL103",
    name: "too-many-selector-labels",
    severity: Severity::Error,
    summary: "more than 5 label pairs in one profile selector",
    doc: include_str!("../../rules/FL103-too-many-selector-labels.md"),
    check,
    ..Rule::COMMON
};

/// From the first key to the last value of the pairs: the `labels` mapping as written.
/// The model keeps no span of the mapping itself, and all pairs of one selector come from
/// the same file.
fn pairs_loc(first: &Label, labels: &[Label]) -> Loc {
    let span = labels.iter().fold(first.key.loc.span, |span, l| {
        span.to(l.key.loc.span).to(l.value.loc.span)
    });
    Loc {
        file: first.key.loc.file,
        span,
    }
}

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    let max = cx.limits.labels_per_selector;
    for (cluster, profile) in cx.profiles() {
        for (i, selector) in profile.selectors.iter().enumerate() {
            let (Some(first), Some(over)) = (selector.labels.first(), selector.labels.get(max))
            else {
                continue;
            };
            out.push(
                cx.profile_finding(
                    rule,
                    cluster,
                    profile,
                    pairs_loc(first, &selector.labels),
                    format!(
                        "selector {} of {} has {} label pairs; EKS accepts at most {max}",
                        i + 1,
                        profile_label(profile),
                        selector.labels.len()
                    ),
                )
                .label(
                    Loc {
                        file: over.key.loc.file,
                        span: over.key.loc.span.to(over.value.loc.span),
                    },
                    "this one is over the limit",
                )
                .help("drop pairs the pods do not need to be told apart by, or split the selector in two (a pod matching either one is taken)"),
            );
        }
    }
}
