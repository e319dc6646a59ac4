//! CloudFormation templates (YAML with the short tags `!Ref`, `!GetAtt`, `!Sub`, ..., and
//! JSON, the CDK's `cdk.out/*.template.json` included): `AWS::EKS::Cluster`,
//! `AWS::EKS::FargateProfile`, `AWS::EKS::Nodegroup` and `AWS::IAM::Role`.
//!
//! Values are evaluated within the template ([`Template::eval`]): `Ref` and `GetAtt` to a
//! resource of the template name it, a parameter with a `Default` is that default, the
//! pseudo parameters of the partition (`AWS::Partition`, `AWS::URLSuffix`) are those of the
//! `aws` partition, and `Sub`, `Join` and `Select` of known values are computed. Anything
//! else (`AWS::Region`, a parameter without a default, `If`, `ImportValue`) is unknown, and
//! where the model needs it, a placeholder (FL002). `Custom::*` resources are not read: a
//! Lambda-backed `Custom::Fargate` may make a profile, but what it makes is its code's
//! business.

use std::collections::HashMap;

use super::formats::{FileFacts, Format, Head};
use super::iam::trust_policy;
use super::text::Reader;
use super::types::*;
use super::unresolved::Unresolved;
use super::value::{self, Clusters, Val};
use crate::source::Loc;
use crate::yaml::{NodeKind, NodeRef};

/// A mapping with `Resources` and no `apiVersion`/`kind`: `AWSTemplateFormatVersion`, or a
/// resource with a `Type` of the `Vendor::Service::Type` shape.
pub(super) static FORMAT: Format = Format {
    name: "CloudFormation template",
    is_kind: is_template,
    extract,
    marker_keys: &["AWSTemplateFormatVersion", "Resources"],
    cluster_needles: &["AWS::EKS::Cluster", "AWS::EKS::FargateProfile"],
    json_needles: &["\"AWS::EKS::", "\"AWS::IAM::Role\""],
};

/// CloudFormation's property names; `PodExecutionRoleArn` and `Selectors` are required.
const DIALECT: Dialect = Dialect {
    tool: "CloudFormation",
    role_key: "PodExecutionRoleArn",
    name_key: "FargateProfileName",
    default_role_key: None,
    created_role: None,
    requires_selectors: true,
};

/// The pseudo parameters known without a deployment: those of the `aws` partition.
const PSEUDO: &[(&str, &str)] = &[
    ("AWS::Partition", "aws"),
    ("AWS::URLSuffix", "amazonaws.com"),
];

fn is_template(h: &Head<'_>) -> bool {
    if h.api.is_some() || h.kind.is_some() {
        return false;
    }
    let Some(resources) = h.node.get("Resources").map(|r| r.resolved()) else {
        return false;
    };
    h.node.get("AWSTemplateFormatVersion").is_some()
        || resources.entries().any(|(_, v)| {
            v.resolved()
                .get("Type")
                .and_then(|t| t.as_str())
                .is_some_and(|t| t.matches("::").count() == 2)
        })
}

/// A template being read: its parameters and resources by name.
struct Template<'a> {
    r: Reader,
    params: HashMap<&'a str, NodeRef<'a>>,
    resources: HashMap<&'a str, &'a str>,
}

/// How deep a value is evaluated.
const MAX_DEPTH: usize = 64;

impl<'a> Template<'a> {
    /// The key of resource `logical` of this template (profiles name roles by it).
    fn key(&self, logical: &str) -> String {
        format!("cfn:{}:{logical}", self.r.file.0)
    }

    fn unknown(&self, shown: String, node: NodeRef<'_>) -> Val {
        Val::Unknown {
            shown,
            loc: self.r.node_loc(node),
        }
    }

    fn str_val(&self, value: String, node: NodeRef<'_>) -> Val {
        Val::Str(Text {
            value,
            loc: self.r.node_loc(node),
            quoted: true,
        })
    }

    /// A node with intrinsic functions evaluated.
    fn eval(&self, node: NodeRef<'a>, depth: usize) -> Val {
        let node = node.resolved();
        if depth > MAX_DEPTH {
            return self.unknown("...".to_string(), node);
        }
        if let Some(tag) = node.tag().map(|t| t.trim_start_matches('!'))
            && !tag.starts_with('!')
            && !tag.contains(':')
        {
            return self.intrinsic(tag, node, node, depth);
        }
        match node.kind() {
            NodeKind::Map(pairs) if pairs.len() == 1 => {
                if let Some((k, v)) = node.entries().next()
                    && let Some(name) = k
                        .as_str()
                        .and_then(|k| k.strip_prefix("Fn::").or((k == "Ref").then_some(k)))
                {
                    return self.intrinsic(name, v.resolved(), node, depth);
                }
                self.plain(node, depth)
            }
            _ => self.plain(node, depth),
        }
    }

    fn plain(&self, node: NodeRef<'a>, depth: usize) -> Val {
        let r = self.r;
        let loc = r.node_loc(node);
        match node.kind() {
            NodeKind::Seq(_) => {
                Val::List(node.items().map(|i| self.eval(i, depth + 1)).collect(), loc)
            }
            NodeKind::Map(_) => Val::Map(
                node.string_entries()
                    .into_iter()
                    .filter_map(|(k, v)| Some((r.text(Some(k))?, self.eval(v, depth + 1))))
                    .collect(),
                loc,
            ),
            _ => match r.text(Some(node)) {
                Some(t) => Val::Str(t),
                None => Val::Null(loc),
            },
        }
    }

    /// `Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`, `Fn::Select` of `arg`, written at `at`;
    /// any other function is unknown.
    fn intrinsic(&self, name: &str, arg: NodeRef<'a>, at: NodeRef<'a>, depth: usize) -> Val {
        let scalar = arg.as_str();
        let shown = format!("!{name} {}", scalar.unwrap_or("..."));
        match name {
            "Ref" => match scalar {
                Some(target) => self.reference(target, at, depth),
                None => self.unknown(shown, at),
            },
            "GetAtt" => {
                let (resource, attr) = match scalar {
                    Some(s) => match s.split_once('.') {
                        Some((r, a)) => (r.to_string(), a.to_string()),
                        None => (s.to_string(), String::new()),
                    },
                    None => {
                        let mut items = arg.items().filter_map(|i| i.as_str());
                        (
                            items.next().unwrap_or_default().to_string(),
                            items.next().unwrap_or_default().to_string(),
                        )
                    }
                };
                // As `!Sub` writes it: a placeholder however it is read.
                let shown = format!("${{{resource}.{attr}}}");
                if self.resources.contains_key(resource.as_str()) {
                    Val::Ref {
                        resource: self.key(&resource),
                        attr: Some(attr),
                        shown,
                        loc: self.r.node_loc(at),
                    }
                } else {
                    self.unknown(shown, at)
                }
            }
            "Sub" => {
                let (template, vars) = match scalar {
                    Some(s) => (Some(s), None),
                    None => {
                        let mut items = arg.items();
                        (items.next().and_then(|t| t.as_str()), items.next())
                    }
                };
                let Some(template) = template else {
                    return self.unknown(shown, at);
                };
                let shown = format!("!Sub {template}");
                match self.substitute(template, vars, at, depth) {
                    Some(value) => self.str_val(value, at),
                    None => self.unknown(shown, at),
                }
            }
            "Join" => {
                let mut items = arg.items();
                let sep = items.next().and_then(|s| s.as_str()).unwrap_or_default();
                let list = items.next().map(|l| self.eval(l, depth + 1));
                let parts: Option<Vec<String>> = list.as_ref().and_then(|l| {
                    l.items()
                        .iter()
                        .map(|p| p.as_text().map(|t| t.value.clone()))
                        .collect()
                });
                match parts {
                    Some(parts) if list.as_ref().is_some_and(|l| matches!(l, Val::List(..))) => {
                        self.str_val(parts.join(sep), at)
                    }
                    _ => self.unknown(format!("!Join [{sep}, ...]"), at),
                }
            }
            "Select" => {
                let mut items = arg.items();
                let index = items.next().and_then(|i| i.as_u64());
                let list = items.next().map(|l| self.eval(l, depth + 1));
                match (index, list) {
                    (Some(i), Some(Val::List(items, _))) => usize::try_from(i)
                        .ok()
                        .and_then(|i| items.into_iter().nth(i))
                        .unwrap_or_else(|| self.unknown("!Select ...".to_string(), at)),
                    _ => self.unknown("!Select ...".to_string(), at),
                }
            }
            _ => self.unknown(format!("!{name} ..."), at),
        }
    }

    /// `Ref target`: a pseudo parameter, a parameter's default, or a resource.
    fn reference(&self, target: &str, at: NodeRef<'a>, depth: usize) -> Val {
        // As `!Sub` writes it: a placeholder however it is read.
        let shown = format!("${{{target}}}");
        if let Some((_, v)) = PSEUDO.iter().find(|(p, _)| *p == target) {
            return self.str_val((*v).to_string(), at);
        }
        if target == "AWS::NoValue" {
            return Val::Null(self.r.node_loc(at));
        }
        if let Some(param) = self.params.get(target) {
            let Some(default) = param.get("Default").filter(|d| !d.is_null()) else {
                return self.unknown(shown, at);
            };
            let ty = param
                .get("Type")
                .and_then(|t| t.as_str())
                .unwrap_or_default();
            let list = ty.starts_with("List<") || ty == "CommaDelimitedList";
            // The value is the default, found where it is used.
            return match self.eval(default, depth + 1) {
                Val::Str(t) if list => Val::List(
                    t.value
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(|s| self.str_val(s.trim().to_string(), at))
                        .collect(),
                    self.r.node_loc(at),
                ),
                Val::Str(t) => Val::Str(Text {
                    loc: self.r.node_loc(at),
                    ..t
                }),
                other => other,
            };
        }
        if self.resources.contains_key(target) {
            return Val::Ref {
                resource: self.key(target),
                attr: None,
                shown,
                loc: self.r.node_loc(at),
            };
        }
        self.unknown(shown, at)
    }

    /// The text of `!Sub template` with every `${NAME}` known, or `None`.
    fn substitute(
        &self,
        template: &str,
        vars: Option<NodeRef<'a>>,
        at: NodeRef<'a>,
        depth: usize,
    ) -> Option<String> {
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after.find('}')?;
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else {
                let value = match vars.and_then(|v| v.resolved().get(name)) {
                    Some(v) => self.eval(v, depth + 1),
                    None => self.reference(name, at, depth + 1),
                };
                out.push_str(&value.as_text()?.value);
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Some(out)
    }
}

fn extract(r: Reader, head: &Head<'_>, facts: &mut FileFacts, _: &mut Vec<NodeRef<'_>>) {
    let root = head.node;
    let params = root
        .get("Parameters")
        .map(|p| p.resolved().string_entries())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| Some((k.as_str()?, v.resolved())))
        .collect();
    let entries: Vec<(NodeRef<'_>, NodeRef<'_>)> = root
        .get("Resources")
        .map(|r| r.resolved().string_entries())
        .unwrap_or_default();
    let resources = entries
        .iter()
        .filter_map(|(k, v)| {
            Some((
                k.as_str()?,
                v.resolved()
                    .get("Type")
                    .and_then(|t| t.as_str())
                    .unwrap_or(""),
            ))
        })
        .collect();
    let t = Template {
        r,
        params,
        resources,
    };
    let mut clusters = Clusters::default();
    // Clusters first, so that profiles and node groups written before their cluster find it.
    for (k, v) in &entries {
        let (Some(logical), v) = (k.as_str(), v.resolved()) else {
            continue;
        };
        let props = v.get("Properties").map(|p| t.eval(p, 0));
        let props = props.unwrap_or(Val::Null(r.node_loc(v)));
        if v.get("Type").and_then(|t| t.as_str()) == Some("AWS::EKS::Cluster") {
            let name = props
                .get("Name")
                .and_then(Val::as_text)
                .map(|n| n.value.clone())
                // CloudFormation names a cluster without `Name` itself; within the
                // template it is its logical id.
                .unwrap_or_else(|| logical.to_string());
            let auto_mode = props
                .get("ComputeConfig")
                .and_then(|c| c.get("Enabled"))
                .and_then(Val::as_bool)
                == Some(true);
            let c = clusters.get(&t.key(logical), name, r.node_loc(*k), false);
            c.version = props.get("Version").and_then(Val::as_text).cloned();
            c.ec2_capacity |= auto_mode;
        }
    }
    for (k, v) in &entries {
        let (Some(logical), v) = (k.as_str(), v.resolved()) else {
            continue;
        };
        let ty = v.get("Type").and_then(|t| t.as_str()).unwrap_or_default();
        if !matches!(
            ty,
            "AWS::EKS::FargateProfile" | "AWS::EKS::Nodegroup" | "AWS::IAM::Role"
        ) {
            continue;
        }
        let loc = r.node_loc(*k);
        let props = v
            .get("Properties")
            .map(|p| t.eval(p, 0))
            .unwrap_or(Val::Null(r.node_loc(v)));
        match ty {
            "AWS::EKS::FargateProfile" => {
                let profile = profile(&props, logical, loc, &mut facts.unresolved);
                let c = clusters.of(props.get("ClusterName"), loc, &mut facts.unresolved);
                c.profiles.push(profile);
            }
            "AWS::EKS::Nodegroup" => {
                clusters
                    .of(props.get("ClusterName"), loc, &mut facts.unresolved)
                    .ec2_capacity = true;
            }
            _ => facts.roles.push(role(&t, &props, logical, loc)),
        }
    }
    facts.clusters.extend(clusters.list);
}

fn profile(
    props: &Val,
    logical: &str,
    loc: Loc,
    unresolved: &mut Vec<Unresolved>,
) -> FargateProfile {
    // CloudFormation names a profile without `FargateProfileName` itself; within the
    // template it is its logical id.
    let name = props
        .get("FargateProfileName")
        .and_then(Val::as_text)
        .cloned()
        .unwrap_or_else(|| Text {
            value: logical.to_string(),
            loc,
            quoted: false,
        });
    let selectors_val = props.get("Selectors");
    let mut selectors = Vec::new();
    for (i, s) in selectors_val
        .map(Val::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let labels: Vec<(Text, Val)> = s
            .get("Labels")
            .map(Val::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|l| {
                let key = l.get("Key")?.as_text()?.clone();
                Some((key, l.get("Value")?.clone()))
            })
            .collect();
        selectors.push(value::selector(
            s.get("Namespace"),
            &labels,
            s.loc(),
            &name.value,
            i,
            unresolved,
        ));
    }
    let role = value::profile_role(props.get("PodExecutionRoleArn"), &name.value, unresolved);
    let role_origin = if role.resource.is_some() {
        RoleOrigin::Explicit
    } else {
        RoleOrigin::of(role.text.as_ref(), RoleOrigin::Missing)
    };
    FargateProfile {
        selectors,
        selectors_key: selectors_val.map(Val::loc),
        role_origin,
        role: role.text,
        role_resource: role.resource,
        dialect: DIALECT,
        subnets: value::subnets(props.get("Subnets")),
        loc,
        name,
    }
}

/// An `AWS::IAM::Role`: its trust policy (a mapping, or a JSON string) and managed policies.
fn role(t: &Template<'_>, props: &Val, logical: &str, loc: Loc) -> IamRole {
    let trust = props.get("AssumeRolePolicyDocument").map(|doc| match doc {
        Val::Str(s) => match serde_json::from_str::<serde_json::Value>(&s.value) {
            Ok(json) => trust_policy(&value::from_json(&json, s.loc)),
            Err(_) => trust_policy(&Val::Unknown {
                shown: s.value.clone(),
                loc: s.loc,
            }),
        },
        doc => trust_policy(doc),
    });
    let policies = props.get("ManagedPolicyArns");
    IamRole {
        key: Some(t.key(logical)),
        role_name: props
            .get("RoleName")
            .and_then(Val::as_text)
            .map(|n| n.value.clone()),
        label: logical.to_string(),
        definition: true,
        trust,
        managed_policies: policies
            .map(Val::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|p| p.as_text().cloned())
            .collect(),
        policies_partial: policies
            .is_some_and(|p| !p.is_known() || p.items().iter().any(|i| i.as_text().is_none())),
        loc,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;
    use crate::yaml::{Limits, parse};

    fn facts(text: &str) -> FileFacts {
        super::super::formats::extract(FileId(0), &parse(text, Limits::default()))
    }

    #[test]
    fn short_tags_and_json_functions_resolve_within_the_template() {
        let yaml = "Parameters:\n  Name: {Type: String, Default: five}\nResources:\n  C:\n    Type: AWS::EKS::Cluster\n    Properties: {Name: !Ref Name}\n  P:\n    Type: AWS::EKS::FargateProfile\n    Properties:\n      ClusterName: !Ref C\n      PodExecutionRoleArn: !GetAtt R.Arn\n      Selectors: [{Namespace: !Sub 'app-${Name}'}]\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement: [{Effect: Allow, Action: sts:AssumeRole, Principal: {Service: !Sub 'eks-fargate-pods.${AWS::URLSuffix}'}}]\n";
        let json = r#"{"Parameters": {"Name": {"Type": "String", "Default": "five"}}, "Resources": {
            "C": {"Type": "AWS::EKS::Cluster", "Properties": {"Name": {"Ref": "Name"}}},
            "P": {"Type": "AWS::EKS::FargateProfile", "Properties": {"ClusterName": {"Ref": "C"},
              "PodExecutionRoleArn": {"Fn::GetAtt": ["R", "Arn"]},
              "Selectors": [{"Namespace": {"Fn::Join": ["-", ["app", {"Ref": "Name"}]]}}]}},
            "R": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": [
              {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service":
                {"Fn::Join": ["", ["eks-fargate-pods.", {"Ref": "AWS::URLSuffix"}]]}}}]}}}}}"#;
        for text in [yaml, json] {
            let f = facts(text);
            assert_eq!(f.clusters.len(), 1, "{text}");
            let c = &f.clusters[0];
            assert_eq!(c.name, "five");
            assert!(!c.profiles_only);
            let p = &c.profiles[0];
            assert_eq!(p.name.value, "P");
            assert_eq!(p.role_resource.as_deref(), Some("cfn:0:R"));
            assert_eq!(p.role_origin, RoleOrigin::Explicit);
            assert_eq!(
                p.selectors[0].namespace.as_ref().map(|n| n.value.as_str()),
                Some("app-five")
            );
            assert!(f.unresolved.is_empty(), "{:?}", f.unresolved);
            let trust = f.roles[0]
                .trust
                .as_ref()
                .map(|t| t.services[0].value.clone());
            assert_eq!(trust.as_deref(), Some("eks-fargate-pods.amazonaws.com"));
        }
    }

    #[test]
    fn what_only_a_deployment_knows_is_a_placeholder_and_custom_resources_are_not_read() {
        let f = facts(
            "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Cluster: {Type: String}\nResources:\n  P:\n    Type: AWS::EKS::FargateProfile\n    Properties:\n      ClusterName: !Ref Cluster\n      PodExecutionRoleArn: !Sub 'arn:aws:iam::${AWS::AccountId}:role/x'\n      Selectors: [{Namespace: !ImportValue ns}]\n  Q:\n    Type: Custom::Fargate\n    Properties: {ClusterName: x, Namespaces: [a]}\n",
        );
        assert!(f.recognized);
        assert_eq!(f.clusters.len(), 1);
        assert!(f.clusters[0].profiles_only);
        assert_eq!(f.clusters[0].profiles.len(), 1);
        let needed: Vec<_> = f.unresolved.iter().map(|u| u.value.as_str()).collect();
        assert_eq!(
            needed,
            [
                "!ImportValue ...",
                "!Sub arn:aws:iam::${AWS::AccountId}:role/x",
                "${Cluster}"
            ]
        );
    }
}
