//! FL107 invalid-profile-name: a profile name that eksctl or EKS refuses: empty, with the
//! reserved `eks-` prefix, over 100 characters, or with characters outside `[A-Za-z0-9_-]`.

use super::prelude::*;

pub(crate) static RULE: Rule = Rule {
    code: "FL107",
    name: "invalid-profile-name",
    severity: Severity::Error,
    summary: "a profile name that is empty, starts with `eks-`, is over 100 characters or has characters outside `[A-Za-z0-9_-]`",
    doc: include_str!("../../rules/FL107-invalid-profile-name.md"),
    check,
    ..Rule::COMMON
};

/// EKS refuses longer profile names.
const MAX_NAME: usize = 100;
/// EKS reserves names with this prefix for itself.
const RESERVED_PREFIX: &str = "eks-";

/// Every reason `name` is refused, in the order a reader would fix them.
fn problems(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    if name.starts_with(RESERVED_PREFIX) {
        // EKS's own words, so that the message can be searched for.
        out.push(format!(
            "it starts with the reserved prefix `{RESERVED_PREFIX}` (EKS: \"The fargate profile name starts with the reserved prefix: '{RESERVED_PREFIX}'\")"
        ));
    }
    let length = name.chars().count();
    if length > MAX_NAME {
        out.push(format!(
            "it is {length} characters long; EKS accepts at most {MAX_NAME}"
        ));
    }
    let mut bad: Vec<char> = name
        .chars()
        .filter(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        .collect();
    bad.sort_unstable();
    bad.dedup();
    if !bad.is_empty() {
        let listed: Vec<String> = bad.iter().map(|c| format!("{c:?}")).collect();
        out.push(format!(
            "it contains {} (only letters, digits, `-` and `_` are allowed)",
            listed.join(", ")
        ));
    }
    out
}

/// Characters of a name quoted in a message; a name over the limit is cut, since the
/// snippet under the message shows it whole.
const QUOTED_NAME: usize = 40;

fn shortened(name: &str) -> String {
    if name.chars().count() > MAX_NAME {
        format!("{}…", name.chars().take(QUOTED_NAME).collect::<String>())
    } else {
        name.to_string()
    }
}

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for (cluster, profile) in cx.profiles() {
        let name = &profile.name;
        if name.value.is_empty() {
            out.push(
                cx.profile_finding(
                    rule,
                    cluster,
                    profile,
                    name.loc,
                    "the profile has no name; EKS requires one",
                )
                .help(format!("add `{}` to the profile", profile.dialect.name_key)),
            );
            continue;
        }
        if cx.is_placeholder(name) {
            continue;
        }
        let why = problems(&name.value);
        if why.is_empty() {
            continue;
        }
        out.push(
            cx.profile_finding(
                rule,
                cluster,
                profile,
                name.loc,
                format!(
                    "profile name `{}` is refused: {}",
                    shortened(&name.value),
                    why.join("; ")
                ),
            )
            .help("use up to 100 letters, digits, `-` and `_`, not starting with `eks-`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::problems;

    #[test]
    fn accepts_the_names_eksctl_examples_use() {
        for name in [
            "fp-default",
            "fp_dev",
            "Profile1",
            "e",
            "eks",
            "eksfoo",
            "my-eks-fp",
        ] {
            assert!(problems(name).is_empty(), "{name}");
        }
        assert!(problems(&"a".repeat(100)).is_empty());
    }

    #[test]
    fn names_every_problem_at_once() {
        let why = problems(&format!("eks-{}.x", "a".repeat(100)));
        assert_eq!(why.len(), 3, "{why:?}");
    }

    #[test]
    fn lists_each_bad_character_once() {
        let why = problems("a b c.d");
        assert_eq!(why.len(), 1);
        assert!(why[0].contains("' ', '.'"), "{why:?}");
    }
}
