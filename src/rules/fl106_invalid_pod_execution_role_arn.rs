//! FL106 invalid-pod-execution-role-arn: a pod execution role ARN (of a profile, or the
//! eksctl cluster default) that is not `arn:PARTITION:iam::ACCOUNT:role/NAME`, or that has
//! a path other than `/`.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL106",
    name: "invalid-pod-execution-role-arn",
    severity: Severity::Error,
    summary: "a pod execution role ARN that is not `arn:PARTITION:iam::ACCOUNT:role/NAME`, or has a path other than `/`",
    doc: include_str!("../../rules/FL106-invalid-pod-execution-role-arn.md"),
    check,
    ..Rule::COMMON
};

/// The AWS partitions an IAM ARN can name.
const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// IAM's limit on role names.
const MAX_ROLE_NAME: usize = 64;

/// What is wrong with `arn` as a pod execution role ARN, or `None` when it is fine.
fn problem(arn: &str) -> Option<String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, resource] = parts[..] else {
        return Some("it does not have the six `:`-separated parts of an ARN".to_string());
    };
    if prefix != "arn" {
        return Some("it does not start with `arn:`".to_string());
    }
    if !PARTITIONS.contains(&partition) {
        return Some(format!(
            "`{partition}` is not an AWS partition ({})",
            PARTITIONS.join(", ")
        ));
    }
    if service != "iam" {
        return Some(format!("the service is `{service}`, not `iam`"));
    }
    if !region.is_empty() {
        return Some(format!(
            "IAM ARNs have no region, but this one has `{region}`"
        ));
    }
    // Before the account: a managed policy ARN (`iam::aws:policy/...`) in the role's place
    // is a common slip, and "not a role" says more about it than the account does.
    let Some(path_and_name) = resource.strip_prefix("role/") else {
        return Some(format!("`{resource}` is not a role (`role/NAME`)"));
    };
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("the account `{account}` is not 12 digits"));
    }
    if let Some(slash) = path_and_name.rfind('/') {
        return Some(format!(
            "the role has the path `/{}/`; EKS accepts pod execution roles only without a path",
            &path_and_name[..slash]
        ));
    }
    let name_ok = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
    if path_and_name.is_empty() {
        return Some("the role name is missing".to_string());
    }
    if path_and_name.chars().count() > MAX_ROLE_NAME || !path_and_name.chars().all(name_ok) {
        return Some(format!(
            "`{path_and_name}` is not an IAM role name (up to {MAX_ROLE_NAME} letters, digits and `+=,.@_-`)"
        ));
    }
    None
}

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    let help = "use the role's ARN as IAM shows it, e.g. `arn:aws:iam::111122223333:role/AmazonEKSFargatePodExecutionRole`; a role with a path must be created again without one";
    let checked = |role: &Text| !role.value.trim().is_empty() && !cx.is_placeholder(role);
    for (cluster, profile) in cx.profiles() {
        let Some(role) = profile.role.as_ref().filter(|r| checked(r)) else {
            continue;
        };
        if let Some(why) = problem(&role.value) {
            out.push(
                cx.profile_finding(
                    rule,
                    cluster,
                    profile,
                    role.loc,
                    format!(
                        "the pod execution role of {} is not a valid role ARN: {why}",
                        profile_label(profile)
                    ),
                )
                .help(help),
            );
        }
    }
    for cluster in &cx.model.clusters {
        let Some(default) = cluster.default_role.as_ref().filter(|d| checked(&d.arn)) else {
            continue;
        };
        let role = &default.arn;
        if let Some(why) = problem(&role.value) {
            let mut f = cx.finding(
                rule,
                role.loc,
                format!("`{}` is not a valid role ARN: {why}", default.key),
            );
            if !cluster.name.is_empty() {
                f = f.cluster(&cluster.name);
            }
            out.push(f.help(help));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn accepts_role_arns_of_every_partition() {
        for p in super::PARTITIONS {
            let arn = format!("arn:{p}:iam::111122223333:role/AmazonEKSFargatePodExecutionRole");
            assert_eq!(problem(&arn), None, "{arn}");
        }
        assert_eq!(
            problem("arn:aws:iam::111122223333:role/a+b=c,d.e@f_g-h"),
            None
        );
    }

    #[test]
    fn rejects_what_is_not_a_role_arn() {
        for arn in [
            "AmazonEKSFargatePodExecutionRole",
            "arn:aws:iam::111122223333",
            "arm:aws:iam::111122223333:role/r",
            "arn:aws-mars:iam::111122223333:role/r",
            "arn:aws:sts::111122223333:role/r",
            "arn:aws:iam:us-east-1:111122223333:role/r",
            "arn:aws:iam::1111222233:role/r",
            "arn:aws:iam::11112222333a:role/r",
            "arn:aws:iam::111122223333:user/r",
            "arn:aws:iam::111122223333:policy/r",
            "arn:aws:iam::111122223333:role/",
            "arn:aws:iam::111122223333:role/has space",
        ] {
            assert!(problem(arn).is_some(), "{arn}");
        }
    }

    #[test]
    fn names_the_path_of_a_role_with_one() {
        let why = problem("arn:aws:iam::111122223333:role/service-role/eks/fargate");
        assert!(why.is_some_and(|w| w.contains("`/service-role/eks/`")));
    }

    #[test]
    fn role_names_are_at_most_64_characters() {
        let ok = format!("arn:aws:iam::111122223333:role/{}", "r".repeat(64));
        let long = format!("arn:aws:iam::111122223333:role/{}", "r".repeat(65));
        assert_eq!(problem(&ok), None);
        assert!(problem(&long).is_some());
    }
}
