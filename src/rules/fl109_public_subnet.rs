//! FL109 public-subnet: a profile subnet that the cluster configuration declares public;
//! Fargate takes private subnets only.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL109",
    name: "public-subnet",
    severity: Severity::Error,
    summary: "a profile subnet that the cluster configuration declares public",
    doc: include_str!("../../rules/FL109-public-subnet.md"),
    check,
    ..Rule::COMMON
};

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for (cluster, profile) in cx.profiles() {
        for subnet in &profile.subnets {
            let Some(public) = cluster
                .public_subnets
                .iter()
                .find(|p| p.value == subnet.value)
            else {
                continue;
            };
            // An AZ name can key a subnet under both `public` and `private`; which one the
            // profile means is then unknown, so say nothing.
            if cluster
                .private_subnets
                .iter()
                .any(|p| p.value == subnet.value)
            {
                continue;
            }
            out.push(
                cx.profile_finding(
                    rule,
                    cluster,
                    profile,
                    subnet.loc,
                    format!(
                        "subnet `{}` of {} is declared public (`vpc.subnets.public`); EKS refuses it: \"Subnet ... provided in Fargate Profile is not a private subnet\"",
                        subnet.value,
                        profile_label(profile)
                    ),
                )
                .link(public.loc, "declared public here", "declared public")
                .help("list private subnets (no route to an internet gateway) under the profile's `subnets`, or leave `subnets` out to use the cluster's private subnets"),
            );
        }
    }
}
