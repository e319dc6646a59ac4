//! Reading values out of the YAML tree into the model's [`Text`], keeping locations.

use super::types::{Label, Text};
use crate::source::{FileId, Loc, Span};
use crate::yaml::{NodeRef, ScalarStyle};

/// Reads nodes of one file into model values.
#[derive(Clone, Copy)]
pub struct Reader {
    pub file: FileId,
}

impl Reader {
    pub fn loc(&self, span: Span) -> Loc {
        Loc {
            file: self.file,
            span,
        }
    }

    /// Where `node` is written: in the file being read, or, for a node of a built document
    /// (a kustomize variant), in the file the node says.
    pub fn node_loc(&self, node: NodeRef<'_>) -> Loc {
        Loc {
            file: node.file().unwrap_or(self.file),
            span: node.span(),
        }
    }

    /// A scalar as [`Text`]; `None` for null, collections and missing values.
    pub fn text(&self, node: Option<NodeRef<'_>>) -> Option<Text> {
        let node = node?;
        let (_, style) = node.scalar()?;
        let value = node.as_str()?;
        Some(Text {
            value: value.to_string(),
            loc: self.node_loc(node),
            quoted: style != ScalarStyle::Plain,
        })
    }

    /// A string-keyed mapping as label pairs (labels, annotations, node selectors).
    pub fn labels(&self, node: Option<NodeRef<'_>>) -> Vec<Label> {
        let Some(node) = node else {
            return Vec::new();
        };
        let mut labels = node
            .resolved()
            .string_entries()
            .into_iter()
            .filter_map(|(k, v)| {
                let key = self.text(Some(k))?;
                // An empty label value is legal and means "".
                let value = self.text(Some(v)).unwrap_or_else(|| Text {
                    value: String::new(),
                    loc: self.node_loc(v),
                    quoted: v.scalar().is_some_and(|s| s.1 != ScalarStyle::Plain),
                });
                Some(Label { key, value })
            })
            .collect::<Vec<_>>();
        // Collected from a filter, a vector starts at room for four: most label sets of a
        // manifest are one or two, held to the end of the run.
        labels.shrink_to_fit();
        labels
    }
}

/// A value that will only be known when the file is rendered or deployed: `${VAR}`,
/// `$(VAR)`, `{{ ... }}`, or a CloudFormation intrinsic tag.
pub fn is_placeholder(value: &str, tag: Option<&str>) -> bool {
    let intrinsic = tag.is_some_and(|tag| {
        matches!(
            tag.trim_start_matches('!'),
            "Ref" | "Sub" | "GetAtt" | "ImportValue" | "Join" | "Select" | "If" | "FindInMap"
        )
    });
    if intrinsic {
        return true;
    }
    crate::pattern::has_template_expression(value)
}

/// `CLUSTER_NAME`, `AWS_REGION`: a shell-style variable name written where a pipeline puts
/// the real value (`sed`, `envsubst` without `$`).
fn is_variable_name(value: &str) -> bool {
    value.bytes().any(|b| b.is_ascii_uppercase())
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// A cluster name that is a placeholder: a template expression, or a variable name with an
/// underscore (`CLUSTER_NAME`; EKS allows upper case, so `PROD` alone may be a real name).
pub fn is_cluster_name_placeholder(value: &str) -> bool {
    is_placeholder(value, None) || (is_variable_name(value) && value.contains('_'))
}

/// A region that is a placeholder: a template expression, or a variable name (`REGION`);
/// AWS region codes are lower case.
pub fn is_region_placeholder(value: &str) -> bool {
    is_placeholder(value, None) || is_variable_name(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_names_are_placeholders_where_real_values_cannot_look_so() {
        assert!(is_cluster_name_placeholder("CLUSTER_NAME"));
        assert!(is_cluster_name_placeholder("${CLUSTER}"));
        assert!(!is_cluster_name_placeholder("PROD"));
        assert!(!is_cluster_name_placeholder("prod_eu"));
        assert!(is_region_placeholder("REGION"));
        assert!(is_region_placeholder("AWS_REGION"));
        assert!(!is_region_placeholder("eu-west-1"));
    }
}
