//! The `terraform-aws-modules/eks/aws` module and its `modules/fargate-profile` and
//! `modules/karpenter` submodules, called from a Terraform module: recognised by `source`
//! (the registry address, a git address of `terraform-aws-eks`, or a relative path to a
//! copy of it, by its folder name), and read from their inputs the way the module reads
//! them:
//!
//! - the cluster: `cluster_name` (v17 to v20) or `name` (v21), `cluster_version` or
//!   `kubernetes_version`; EC2 capacity from non-empty `eks_managed_node_groups`,
//!   `self_managed_node_groups`, `node_groups` or `worker_groups` (v17), and Auto Mode's
//!   `cluster_compute_config`/`compute_config` `enabled`;
//! - `fargate_profiles`, a map of profiles each named `try(each.value.name, each.key)`,
//!   its values falling back on `fargate_profile_defaults`: `selectors` (a list of
//!   `namespace` and `labels`), `subnet_ids` (v18+) or `subnets` (v17), and the pod
//!   execution role `iam_role_arn` when `create_iam_role = false` (v18+) or
//!   `pod_execution_role_arn`; else the module creates the role (with the policy and a
//!   trust policy of its own, read where a copy of the module is scanned).

use super::formats::FileFacts;
use super::terraform::{At, Module, labels_of};
use super::types::*;
use super::unresolved::Needed;
use super::value::Clusters;
use super::value::{self, Val};

/// The module's input names, for messages; it creates a role for a profile without one.
const DIALECT: Dialect = Dialect {
    tool: "`terraform-aws-modules/eks/aws`",
    role_key: "iam_role_arn",
    name_key: "name",
    default_role_key: None,
    created_role: None,
    requires_selectors: true,
};

/// Which part of the module a `source` is.
#[derive(PartialEq, Eq)]
enum Part {
    Eks,
    FargateProfile,
    Karpenter,
}

/// The part of terraform-aws-modules/eks a module block calls, if it calls one.
fn part(source: &str, folder: &str) -> Option<Part> {
    let (base, sub) = match source.split_once("//") {
        // `git::https://...`: the scheme's `//` is not a subfolder.
        Some((scheme, rest)) if scheme.ends_with(':') => match rest.split_once("//") {
            Some((b, s)) => (format!("{scheme}//{b}"), Some(s.to_string())),
            None => (source.to_string(), None),
        },
        Some((b, s)) => (b.to_string(), Some(s.to_string())),
        None => (source.to_string(), None),
    };
    let base = base
        .split('?')
        .next()
        .unwrap_or_default()
        .trim_end_matches(".git");
    let sub = sub.map(|s| {
        s.split('?')
            .next()
            .unwrap_or_default()
            .trim_end_matches('/')
            .to_string()
    });
    let is_eks = base == "terraform-aws-modules/eks/aws"
        || base.ends_with("/terraform-aws-modules/eks/aws")
        || base.ends_with("terraform-aws-eks");
    if is_eks {
        return match sub.as_deref() {
            None | Some("") => Some(Part::Eks),
            Some("modules/fargate-profile") => Some(Part::FargateProfile),
            Some("modules/karpenter") => Some(Part::Karpenter),
            Some(_) => None,
        };
    }
    // A relative path into a copy of the module, recognised by its folder names.
    if source.starts_with("./") || source.starts_with("../") {
        let joined = if folder.is_empty() {
            source.to_string()
        } else {
            format!("{folder}/{source}")
        };
        let target = crate::source::normalize(std::path::Path::new(&joined))
            .to_string_lossy()
            .trim_end_matches('/')
            .to_string();
        if target.ends_with("modules/fargate-profile") {
            return Some(Part::FargateProfile);
        }
        if target.ends_with("modules/karpenter") {
            return Some(Part::Karpenter);
        }
        if target.ends_with("terraform-aws-eks")
            || target.ends_with("terraform-aws-modules__terraform-aws-eks")
        {
            return Some(Part::Eks);
        }
    }
    None
}

fn source_part(m: &Module<'_>, at: At<'_>) -> Option<Part> {
    let source = m.eval(at, at.attr("source")?, &Vec::new(), 0);
    part(&source.as_text()?.value, m.folder)
}

/// The first input of `keys` the block sets, evaluated.
fn input(m: &Module<'_>, at: At<'_>, keys: &[&str]) -> Option<Val> {
    keys.iter()
        .find_map(|k| at.attr(k))
        .map(|e| m.eval(at, e, &Vec::new(), 0))
}

/// A call of the eks module itself: its cluster, node groups and `fargate_profiles`.
pub(super) fn cluster(
    m: &Module<'_>,
    at: At<'_>,
    name: &str,
    clusters: &mut Clusters,
    facts: &mut FileFacts,
) {
    if source_part(m, at) != Some(Part::Eks) {
        return;
    }
    let loc = at.head_loc();
    let cname_val = input(m, at, &["cluster_name", "name"]);
    let cname = value::text_of(
        cname_val.as_ref(),
        || Needed::ClusterName { template: false },
        &mut facts.unresolved,
    );
    let version = input(m, at, &["cluster_version", "kubernetes_version"]);
    let ec2 = [
        "eks_managed_node_groups",
        "self_managed_node_groups",
        "node_groups",
        "worker_groups",
        "worker_groups_launch_template",
    ]
    .iter()
    .filter_map(|k| input(m, at, &[k]))
    .any(|v| match &v {
        Val::Map(e, _) => !e.is_empty(),
        Val::List(i, _) => !i.is_empty(),
        Val::Null(_) => false,
        // Written but unknown: node groups of some kind.
        _ => true,
    });
    let auto_mode = input(m, at, &["cluster_compute_config", "compute_config"])
        .is_some_and(|c| c.get("enabled").and_then(Val::as_bool) == Some(true));
    let key = m.key(&format!("module.{name}"));
    let mut shown = cname.as_ref().map(|n| n.value.clone()).unwrap_or_default();
    if !cname_val.as_ref().is_some_and(Val::is_known) {
        shown = clusters.placeholder_name(shown);
    }
    let c = clusters.get(&key, shown, cname.map_or(loc, |n| n.loc), false);
    c.version = version.and_then(|v| v.as_text().cloned());
    c.ec2_capacity |= ec2 || auto_mode;
    let defaults = input(m, at, &["fargate_profile_defaults"]);
    let Some(profiles) = input(m, at, &["fargate_profiles"]) else {
        return;
    };
    // Profiles known only at apply time: none are read.
    if let Val::Map(entries, _) = &profiles {
        for (key, p) in entries {
            let get = |k: &str| {
                p.get(k)
                    .or_else(|| defaults.as_ref().and_then(|d| d.get(k)))
            };
            let pname = get("name")
                .and_then(Val::as_text)
                .cloned()
                .unwrap_or_else(|| key.clone());
            let role = get("iam_role_arn").or_else(|| get("pod_execution_role_arn"));
            let create = get("create_iam_role").and_then(Val::as_bool) != Some(false);
            let role = if create && get("pod_execution_role_arn").is_none() {
                None
            } else {
                role
            };
            let profile = module_profile(
                pname,
                get("selectors"),
                get("subnet_ids").or_else(|| get("subnets")),
                role,
                key.loc,
                &mut facts.unresolved,
            );
            c.profiles.push(profile);
        }
    }
}

/// A call of the `fargate-profile` or `karpenter` submodule: a profile, or EC2 capacity, of
/// the cluster its `cluster_name` names.
pub(super) fn profiles(
    m: &Module<'_>,
    at: At<'_>,
    name: &str,
    clusters: &mut Clusters,
    facts: &mut FileFacts,
) {
    let Some(part) = source_part(m, at) else {
        return;
    };
    if part == Part::Eks {
        return;
    }
    // `create = false`: the submodule makes nothing.
    if input(m, at, &["create"]).and_then(|c| c.as_bool()) == Some(false) {
        return;
    }
    let cluster_name = input(m, at, &["cluster_name"]);
    let loc = at.head_loc();
    let c = clusters.of(cluster_name.as_ref(), loc, &mut facts.unresolved);
    if part == Part::Karpenter {
        c.ec2_capacity = true;
        return;
    }
    let pname = match input(m, at, &["name"]) {
        Some(Val::Str(t)) => t,
        _ => Text {
            value: name.to_string(),
            loc,
            quoted: false,
        },
    };
    let create = input(m, at, &["create_iam_role"]).and_then(|c| c.as_bool()) != Some(false);
    let role = (!create).then(|| input(m, at, &["iam_role_arn"])).flatten();
    let selectors = input(m, at, &["selectors"]);
    let subnets = input(m, at, &["subnet_ids"]);
    let profile = module_profile(
        pname,
        selectors.as_ref(),
        subnets.as_ref(),
        role.as_ref(),
        loc,
        &mut facts.unresolved,
    );
    c.profiles.push(profile);
}

/// A profile from the module's inputs; no role: the module creates one.
fn module_profile(
    name: Text,
    selectors: Option<&Val>,
    subnets: Option<&Val>,
    role: Option<&Val>,
    loc: crate::source::Loc,
    unresolved: &mut Vec<super::unresolved::Unresolved>,
) -> FargateProfile {
    let mut out = Vec::new();
    for (i, s) in selectors
        .map(Val::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let labels = s
            .get("labels")
            .map(|l| labels_of(l, &name.value, i, unresolved))
            .unwrap_or_default();
        out.push(value::selector(
            s.get("namespace"),
            &labels,
            s.loc(),
            &name.value,
            i,
            unresolved,
        ));
    }
    let role = value::profile_role(role, &name.value, unresolved);
    let role_origin = if role.resource.is_some() {
        RoleOrigin::Explicit
    } else {
        RoleOrigin::of(role.text.as_ref(), RoleOrigin::CreatedByTool)
    };
    FargateProfile {
        selectors: out,
        selectors_key: selectors.map(Val::loc),
        role_origin,
        role: role.text,
        role_resource: role.resource,
        dialect: DIALECT,
        subnets: value::subnets(subnets),
        loc,
        name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_of_the_module_and_its_submodules() {
        let cases = [
            ("terraform-aws-modules/eks/aws", "", Some(Part::Eks)),
            (
                "terraform-aws-modules/eks/aws//modules/fargate-profile",
                "",
                Some(Part::FargateProfile),
            ),
            (
                "git::https://github.com/terraform-aws-modules/terraform-aws-eks.git//modules/karpenter?ref=v20.0.0",
                "",
                Some(Part::Karpenter),
            ),
            (
                "git::https://github.com/terraform-aws-modules/terraform-aws-eks.git?ref=v20.0.0",
                "",
                Some(Part::Eks),
            ),
            (
                "../../modules/fargate-profile",
                "x/tests/t",
                Some(Part::FargateProfile),
            ),
            ("../..", "terraform-aws-eks/tests/t", Some(Part::Eks)),
            ("../..", "other/tests/t", None),
            ("terraform-aws-modules/vpc/aws", "", None),
            (
                "terraform-aws-modules/eks/aws//modules/self-managed-node-group",
                "",
                None,
            ),
        ];
        for (source, folder, want) in cases {
            assert!(part(source, folder) == want, "{source} in {folder}");
        }
    }
}
