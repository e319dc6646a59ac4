//! Values the model needs that are placeholders (`${VAR}`, `{{ }}`, `!Ref`): every format
//! records them where it reads them, so that FL002 reports each once and the checks that
//! need them know they are partial.

use super::text::is_placeholder;
use super::types::Text;
use crate::source::Loc;
use crate::yaml::NodeRef;

/// A value the model needs that is a placeholder; checks that need it are partial (FL002).
#[derive(Debug, Clone, PartialEq)]
pub struct Unresolved {
    pub loc: Loc,
    /// What the value is, for the message: "the namespace of selector 1 of profile `fp`".
    pub what: String,
    pub value: String,
}

pub(super) fn unresolved_text(
    t: &Option<Text>,
    tag: Option<&str>,
    what: &str,
    out: &mut Vec<Unresolved>,
) {
    if let Some(t) = t.as_ref().filter(|t| is_placeholder(&t.value, tag)) {
        out.push(Unresolved {
            loc: t.loc,
            what: what.to_string(),
            value: t.value.clone(),
        });
    }
}

pub(super) fn tag_of(node: Option<NodeRef<'_>>) -> Option<&str> {
    node.and_then(|n| n.tag())
}
