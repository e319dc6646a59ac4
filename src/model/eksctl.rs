//! eksctl `ClusterConfig` (`eksctl.io/v1alpha5`): a cluster, its Fargate profiles, its
//! default pod execution role, its subnets and whether it has EC2 capacity.

use super::formats::{FileFacts, Format, Head};
use super::profile::{role, selectors, subnets};
use super::text::{self, Reader, is_placeholder};
use super::types::*;
use super::unresolved::{Needed, Unresolved, tag_of};
use super::validate::{SELECTORS, Shape, validate_object};
use crate::source::ClusterId;
use crate::yaml::NodeRef;

/// `apiVersion: eksctl.io/...`, `kind: ClusterConfig`.
pub(super) static FORMAT: Format = Format {
    name: "eksctl ClusterConfig",
    is_kind: |h| {
        h.kind == Some("ClusterConfig") && h.api.is_some_and(|a| a.starts_with("eksctl.io/"))
    },
    extract,
    marker_keys: &["apiVersion", "kind"],
    cluster_needles: &["ClusterConfig"],
    json_needles: &["\"apiVersion\""],
};

/// eksctl's key names; without a role of its own or the cluster's, eksctl makes one.
const DIALECT: Dialect = Dialect {
    tool: "eksctl",
    role_key: "podExecutionRoleARN",
    name_key: "name",
    default_role_key: Some("iam.fargatePodExecutionRoleARN"),
    created_role: Some("FargatePodExecutionRole"),
    requires_selectors: true,
};

/// The fields of a ClusterConfig the model reads (FL005).
const CLUSTER_CONFIG: Shape = Shape::Map(&[
    (
        "metadata",
        Shape::Map(&[
            ("name", Shape::Scalar),
            ("region", Shape::Scalar),
            ("version", Shape::Scalar),
        ]),
    ),
    (
        "fargateProfiles",
        Shape::List(&Shape::Map(&[
            ("name", Shape::Scalar),
            ("selectors", SELECTORS),
            ("podExecutionRoleARN", Shape::Scalar),
            ("subnets", Shape::List(&Shape::Scalar)),
        ])),
    ),
    (
        "iam",
        Shape::Map(&[("fargatePodExecutionRoleARN", Shape::Scalar)]),
    ),
]);

fn extract(r: Reader, head: &Head<'_>, facts: &mut FileFacts, _: &mut Vec<NodeRef<'_>>) {
    validate_object(r, head.node, &CLUSTER_CONFIG, &mut facts.invalid);
    facts
        .clusters
        .push(eksctl_cluster(r, head.node, &mut facts.unresolved));
}

fn eksctl_cluster(r: Reader, node: NodeRef<'_>, unresolved: &mut Vec<Unresolved>) -> Cluster {
    let meta = node.get("metadata");
    let name_node = meta.and_then(|m| m.get("name"));
    let name = r.text(name_node);
    let region_node = meta.and_then(|m| m.get("region"));
    let region = r.text(region_node);
    // A placeholder name or region makes the file a template (`Cluster::is_template`); a
    // variable-like name (`CLUSTER_NAME`) only beside a placeholder or missing region.
    let region_placeholder = region
        .as_ref()
        .is_none_or(|r| text::is_region_placeholder(&r.value));
    let name_placeholder: fn(&str) -> bool = if region_placeholder {
        text::is_cluster_name_placeholder
    } else {
        |_| false
    };
    for (value, node, needed, placeholder) in [
        (
            &name,
            name_node,
            Needed::ClusterName { template: true },
            name_placeholder,
        ),
        (
            &region,
            region_node,
            Needed::ClusterRegion,
            text::is_region_placeholder,
        ),
    ] {
        if let Some(t) = value
            .as_ref()
            .filter(|t| placeholder(&t.value) || is_placeholder(&t.value, tag_of(node)))
        {
            unresolved.push(Unresolved {
                loc: t.loc,
                needed,
                value: t.value.clone(),
            });
        }
    }

    // Keys a file that only adds Fargate profiles to an existing cluster holds.
    let profiles_only = node.entries().all(|(k, _)| {
        matches!(
            k.as_str(),
            Some("apiVersion" | "kind" | "metadata" | "fargateProfiles" | "iam")
        )
    });
    let non_empty = |key: &str| node.get(key).is_some_and(|n| n.items().next().is_some());
    let ec2_capacity = non_empty("nodeGroups")
        || non_empty("managedNodeGroups")
        || node.get("karpenter").is_some_and(|k| !k.is_null())
        || node
            .path(&["autoModeConfig", "enabled"])
            .and_then(|e| e.as_bool())
            == Some(true);

    let mut public_subnets = Vec::new();
    let mut private_subnets = Vec::new();
    for (key, list) in [
        ("public", &mut public_subnets),
        ("private", &mut private_subnets),
    ] {
        let Some(subnets) = node.path(&["vpc", "subnets", key]) else {
            continue;
        };
        for (k, v) in subnets.resolved().string_entries() {
            // Profiles may name a subnet by its key (an AZ or a name) or by its id.
            list.extend(r.text(Some(k)));
            list.extend(r.text(v.get("id")));
        }
    }

    let mut profiles = Vec::new();
    for p in node
        .get("fargateProfiles")
        .into_iter()
        .flat_map(|n| n.items())
    {
        let p_r = p.resolved();
        let pname = r.text(p_r.get("name")).unwrap_or_else(|| Text {
            value: String::new(),
            loc: r.node_loc(p),
            quoted: false,
        });
        let sel_entry = p_r.entry("selectors");
        let role = role(
            r,
            p_r.get("podExecutionRoleARN"),
            || Needed::ProfileRole {
                profile: pname.value.clone(),
            },
            unresolved,
        );
        profiles.push(FargateProfile {
            selectors: selectors(r, sel_entry.map(|e| e.1), &pname.value, unresolved),
            selectors_key: sel_entry.map(|(k, _)| r.node_loc(k)),
            role_origin: RoleOrigin::of(role.as_ref(), RoleOrigin::CreatedByTool),
            role,
            dialect: DIALECT,
            subnets: subnets(r, p_r.get("subnets")),
            loc: r.node_loc(p),
            name: pname,
            role_resource: None,
        });
    }

    Cluster {
        id: ClusterId::default(),
        name: name.as_ref().map(|n| n.value.clone()).unwrap_or_default(),
        region: region.map(|t| t.value),
        files: vec![r.file],
        profiles,
        ec2_capacity,
        profiles_only,
        default_role: DIALECT.default_role_key.and_then(|key| {
            // The dialect's key is the path, so message and reading cannot drift apart.
            let path: Vec<&str> = key.split('.').collect();
            let arn = role(r, node.path(&path), || Needed::ClusterRole, unresolved)?;
            Some(DefaultRole { arn, key })
        }),
        public_subnets,
        private_subnets,
        version: r.text(meta.and_then(|m| m.get("version"))),
        loc: name.map(|n| n.loc).unwrap_or_else(|| r.node_loc(node)),
    }
}
