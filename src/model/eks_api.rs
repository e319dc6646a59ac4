//! EKS API JSON: the input of `aws eks create-fargate-profile --cli-input-json` (the
//! `CreateFargateProfile` request), one profile of a cluster defined elsewhere.

use super::formats::{FileFacts, Format, Head};
use super::profile::{role, selectors, subnets};
use super::text::Reader;
use super::types::*;
use super::unresolved::{Needed, Unresolved, tag_of, unresolved_text};
use super::validate::{SELECTORS, Shape, validate_object};
use crate::source::ClusterId;
use crate::yaml::NodeRef;

/// An object with `fargateProfileName` (and no `apiVersion` and `kind` that Kubernetes
/// claims first).
pub(super) static FORMAT: Format = Format {
    name: "EKS API profile JSON",
    is_kind: |h| h.node.get("fargateProfileName").is_some(),
    extract,
    marker_keys: &["fargateProfileName"],
    cluster_needles: &["fargateProfileName"],
    json_needles: &["\"fargateProfileName\""],
};

/// The API's key names; it requires a role and takes a profile without selectors.
const DIALECT: Dialect = Dialect {
    tool: "`aws eks create-fargate-profile`",
    role_key: "podExecutionRoleArn",
    name_key: "fargateProfileName",
    default_role_key: None,
    created_role: None,
    requires_selectors: false,
};

/// The fields of a `CreateFargateProfile` request the model reads (FL005).
const EKS_API_PROFILE: Shape = Shape::Map(&[
    ("fargateProfileName", Shape::Scalar),
    ("clusterName", Shape::Scalar),
    ("podExecutionRoleArn", Shape::Scalar),
    ("selectors", SELECTORS),
    ("subnets", Shape::List(&Shape::Scalar)),
]);

fn extract(r: Reader, head: &Head<'_>, facts: &mut FileFacts, _: &mut Vec<NodeRef<'_>>) {
    validate_object(r, head.node, &EKS_API_PROFILE, &mut facts.invalid);
    facts
        .clusters
        .push(eks_api_profile(r, head.node, &mut facts.unresolved));
}

/// `aws eks create-fargate-profile --cli-input-json` input: one profile of a cluster whose
/// other facts (region, EC2 capacity) live elsewhere.
fn eks_api_profile(r: Reader, node: NodeRef<'_>, unresolved: &mut Vec<Unresolved>) -> Cluster {
    let name_entry = node.entry("fargateProfileName");
    let pname = r.text(name_entry.map(|e| e.1)).unwrap_or_else(|| Text {
        value: String::new(),
        loc: name_entry
            .map(|e| r.node_loc(e.0))
            .unwrap_or_else(|| r.node_loc(node)),
        quoted: false,
    });
    let cluster_node = node.get("clusterName");
    let cluster = r.text(cluster_node);
    unresolved_text(
        &cluster,
        tag_of(cluster_node),
        || Needed::ClusterName { template: false },
        unresolved,
    );
    let sel_entry = node.entry("selectors");
    let role = role(
        r,
        node.get("podExecutionRoleArn"),
        || Needed::ProfileRole {
            profile: pname.value.clone(),
        },
        unresolved,
    );
    let profile = FargateProfile {
        selectors: selectors(r, sel_entry.map(|e| e.1), &pname.value, unresolved),
        selectors_key: sel_entry.map(|(k, _)| r.node_loc(k)),
        role_origin: RoleOrigin::of(role.as_ref(), RoleOrigin::Missing),
        role,
        dialect: DIALECT,
        subnets: subnets(r, node.get("subnets")),
        loc: r.node_loc(node),
        name: pname,
        role_resource: None,
    };
    Cluster {
        id: ClusterId::default(),
        name: cluster
            .as_ref()
            .map(|c| c.value.clone())
            .unwrap_or_default(),
        region: None,
        files: vec![r.file],
        profiles: vec![profile],
        // The file says nothing of nodes; assume the cluster has some rather than
        // predicting Pending pods from a lack of information.
        ec2_capacity: true,
        profiles_only: false,
        default_role: None,
        public_subnets: Vec::new(),
        private_subnets: Vec::new(),
        version: None,
        loc: cluster.map(|c| c.loc).unwrap_or_else(|| r.node_loc(node)),
    }
}
