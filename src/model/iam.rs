//! IAM roles and trust policies, read from evaluated values ([`Val`]) of any format, and
//! the format of a trust policy written alone (a JSON or YAML file with `Version` and
//! `Statement` that trusts a service): FL112 checks the trust policy, FL113 the policies.

use super::formats::{FileFacts, Format, Head};
use super::text::Reader;
use super::types::*;
use super::value::Val;
use crate::yaml::{NodeKind, NodeRef};

/// The Fargate pods service principal, without its DNS suffix.
pub const FARGATE_PRINCIPAL: &str = "eks-fargate-pods";

/// Whether a service principal is the Fargate pods one, in any partition
/// (`eks-fargate-pods.amazonaws.com`, `....amazonaws.com.cn`).
pub fn is_fargate_principal(service: &str) -> bool {
    let service = service.strip_prefix("!Sub ").unwrap_or(service);
    service
        .strip_prefix(FARGATE_PRINCIPAL)
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|suffix| {
            suffix.starts_with("amazonaws.com")
                || suffix.starts_with("c2s.ic.gov")
                || suffix.starts_with("sc2s.sgov.gov")
                // A suffix known at deploy time (`${AWS::URLSuffix}`).
                || suffix.starts_with("${")
        })
}

/// Whether a policy ARN is `AmazonEKSFargatePodExecutionRolePolicy` in any partition.
pub fn is_fargate_pod_execution_policy(arn: &str) -> bool {
    arn.ends_with(":policy/AmazonEKSFargatePodExecutionRolePolicy")
}

/// The role name an ARN names (`arn:aws:iam::111122223333:role/NAME` → `NAME`).
pub fn role_name_of_arn(arn: &str) -> Option<&str> {
    let (_, resource) = arn.rsplit_once(":role/")?;
    let name = resource.rsplit('/').next()?;
    (!name.is_empty()).then_some(name)
}

/// The trust policy statements of `doc` that allow `sts:AssumeRole`.
pub(super) fn trust_policy(doc: &Val) -> TrustPolicy {
    let mut trust = TrustPolicy {
        services: Vec::new(),
        source_arns: Vec::new(),
        partial: !doc.is_known(),
        conditions_partial: !doc.is_known(),
        loc: doc.loc(),
    };
    let Some(statements) = doc.get("Statement") else {
        return trust;
    };
    trust.partial |= !statements.is_known();
    trust.conditions_partial |= !statements.is_known();
    for st in statements.items() {
        if !st.is_known() {
            trust.partial = true;
            trust.conditions_partial = true;
            continue;
        }
        let effect = st
            .get("Effect")
            .and_then(Val::as_text)
            .map(|t| t.value.as_str());
        if effect.is_some_and(|e| e != "Allow") {
            continue;
        }
        let assumes = st.get("Action").is_none_or(|a| {
            a.items().iter().any(|a| match a.as_text() {
                Some(t) => matches!(t.value.as_str(), "sts:AssumeRole" | "sts:*" | "*"),
                None => true,
            })
        });
        if !assumes {
            continue;
        }
        match st.get("Principal") {
            Some(p) if p.is_known() => {
                for s in p.get("Service").map(Val::items).unwrap_or_default() {
                    match s {
                        Val::Str(t) => trust.services.push(t.clone()),
                        // As written (`!Sub eks-fargate-pods.${Suffix}`): it may well be
                        // the principal, which is then never reported missing.
                        other => {
                            trust.partial = true;
                            trust.services.push(Text {
                                value: other.shown(),
                                loc: other.loc(),
                                quoted: true,
                            });
                        }
                    }
                }
                if p.get("Service").is_some_and(|s| !s.is_known()) {
                    trust.partial = true;
                }
            }
            Some(_) => trust.partial = true,
            None => {}
        }
        let Some(condition) = st.get("Condition") else {
            continue;
        };
        trust.conditions_partial |= !condition.is_known();
        for (operator, tests) in condition.entries() {
            let op = operator.value.trim_start_matches("ForAnyValue:");
            if !tests.is_known() {
                trust.conditions_partial = true;
            }
            // A wildcard ARN (`fargateprofile/CLUSTER/*`) is matched by these only.
            if !matches!(op, "ArnLike" | "StringLike") {
                continue;
            }
            for (key, values) in tests.entries() {
                if !key.value.eq_ignore_ascii_case("aws:SourceArn") {
                    continue;
                }
                for v in values.items() {
                    match v {
                        Val::Str(t) => trust.source_arns.push(t.clone()),
                        // As written: its literal parts still say what it is.
                        other => {
                            trust.conditions_partial = true;
                            trust.source_arns.push(Text {
                                value: other.shown(),
                                loc: other.loc(),
                                quoted: true,
                            });
                        }
                    }
                }
            }
        }
    }
    trust
}

/// Whether a trust policy names the Fargate pods principal.
pub fn trusts_fargate(trust: &TrustPolicy) -> bool {
    trust
        .services
        .iter()
        .any(|s| is_fargate_principal(&s.value))
}

/// A trust policy document alone: a mapping with `Statement` (and `Version`) whose
/// statements name a service principal, in a file of its own (`trust-policy.json` for
/// `aws iam create-role --assume-role-policy-document file://...`).
pub(super) static FORMAT: Format = Format {
    name: "IAM trust policy document",
    is_kind: |h| {
        h.api.is_none()
            && h.node.get("Version").is_some()
            && h.node.get("Statement").is_some_and(|s| {
                s.resolved()
                    .items()
                    .chain(Some(s.resolved()))
                    .any(|st| st.path(&["Principal", "Service"]).is_some())
            })
    },
    extract,
    marker_keys: &[],
    cluster_needles: &[],
    json_needles: &["eks-fargate-pods"],
};

fn extract(r: Reader, head: &Head<'_>, facts: &mut FileFacts, _: &mut Vec<NodeRef<'_>>) {
    let doc = plain(r, head.node, 0);
    let trust = trust_policy(&doc);
    // Only a trust policy of Fargate pods is ours.
    if !trusts_fargate(&trust) {
        return;
    }
    facts.roles.push(IamRole {
        key: None,
        role_name: None,
        // The file is the policy: no name of its own.
        label: String::new(),
        definition: false,
        loc: trust.loc,
        trust: Some(trust),
        managed_policies: Vec::new(),
        policies_partial: false,
    });
}

/// How deep a document is read into a [`Val`].
pub(super) const MAX_DEPTH: usize = 64;

/// A YAML or JSON node as a [`Val`], as written (no intrinsic functions).
pub(super) fn plain(r: Reader, node: NodeRef<'_>, depth: usize) -> Val {
    let loc = r.node_loc(node);
    if depth > MAX_DEPTH {
        return Val::Unknown {
            shown: "...".to_string(),
            loc,
        };
    }
    match node.kind() {
        NodeKind::Scalar { .. } => match r.text(Some(node)) {
            Some(t) => Val::Str(t),
            None => Val::Null(loc),
        },
        NodeKind::Seq(_) => Val::List(node.items().map(|i| plain(r, i, depth + 1)).collect(), loc),
        NodeKind::Map(_) => Val::Map(
            node.string_entries()
                .into_iter()
                .filter_map(|(k, v)| Some((r.text(Some(k))?, plain(r, v, depth + 1))))
                .collect(),
            loc,
        ),
        NodeKind::Alias(_) => Val::Null(loc),
    }
}
