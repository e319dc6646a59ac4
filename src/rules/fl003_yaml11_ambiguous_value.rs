//! FL003 yaml11-ambiguous-value: an unquoted value that YAML 1.1 (what kubectl and eksctl
//! read with) takes for a boolean or a number where a string is required: selector label
//! values, pod label and annotation values, env values.

use super::prelude::*;
use crate::model::Label;

pub(crate) static RULE: Rule = Rule {
    code: "FL003",
    name: "yaml11-ambiguous-value",
    severity: Severity::Warning,
    summary: "an unquoted `yes`/`no`/`on`/`off`/`y`/`n`/`true`/`false` or a number with a leading zero where a string is expected",
    doc: include_str!("../../rules/FL003-yaml11-ambiguous-value.md"),
    check,
    precision: Precision::High,
    ..Rule::COMMON
};

/// What YAML 1.1 (go-yaml v2 under `sigs.k8s.io/yaml`, which kubectl and eksctl use)
/// reads a plain scalar as, when that is not a string and a YAML 1.2 reader would see a
/// string or a different number. Only the spellings YAML 1.1 lists: `yEs` stays a string.
fn yaml11_reading(plain: &str) -> Option<String> {
    match plain {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Some("the boolean true".to_string());
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Some("the boolean false".to_string());
        }
        _ => {}
    }
    let (sign, digits) = match plain.strip_prefix(['-', '+']) {
        Some(rest) => (&plain[..1], rest),
        None => ("", plain),
    };
    let sign = if sign == "-" { "-" } else { "" };
    let all = |s: &str, f: fn(&u8) -> bool| !s.is_empty() && s.as_bytes().iter().all(f);
    if let Some(hex) = digits.strip_prefix("0x") {
        return all(hex, u8::is_ascii_hexdigit).then(|| {
            let value =
                u64::from_str_radix(hex, 16).map_or(String::new(), |v| format!(" ({sign}{v})"));
            format!("the hexadecimal number {plain}{value}")
        });
    }
    if let Some(bin) = digits.strip_prefix("0b") {
        return all(bin, |b| matches!(b, b'0' | b'1')).then(|| {
            let value =
                u64::from_str_radix(bin, 2).map_or(String::new(), |v| format!(" ({sign}{v})"));
            format!("the binary number {plain}{value}")
        });
    }
    // `0` alone is a plain zero in every YAML; `0.5` a plain decimal.
    let rest = digits.strip_prefix('0')?;
    if !all(rest, u8::is_ascii_digit) {
        return None;
    }
    Some(if rest.bytes().all(|b| b < b'8') {
        let value = u64::from_str_radix(rest, 8).map_or(String::new(), |v| format!(" ({sign}{v})"));
        format!("the octal number {plain}{value}")
    } else {
        // Not octal: go-yaml falls back to a decimal (float) number without the zeros.
        format!("the number {sign}{}", rest.trim_start_matches('0'))
    })
}

/// The finding for `value` when it is ambiguous; `what` names it ("pod label `app`"), made
/// only then (nearly every value is not: no name formatted per label of the repository).
fn ambiguous(
    cx: &Context<'_>,
    rule: &Rule,
    what: impl FnOnce() -> String,
    value: &Text,
) -> Option<Finding> {
    if value.quoted {
        return None;
    }
    let reading = yaml11_reading(&value.value)?;
    let what = what();
    Some(
        cx.finding(
            rule,
            value.loc,
            format!(
                "{what} is `{}` unquoted: kubectl and eksctl (YAML 1.1) read it as {reading}, not a string, and refuse it where a string is required",
                value.value
            ),
        )
        .help(format!("quote it: `\"{}\"`", value.value)),
    )
}

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for (cluster, profile) in cx.profiles() {
        for (i, selector) in profile.selectors.iter().enumerate() {
            for l in &selector.labels {
                let what = || {
                    format!(
                        "label `{}` of selector {} of {}",
                        l.key.value,
                        i + 1,
                        profile_label(profile)
                    )
                };
                if let Some(f) = ambiguous(cx, rule, what, &l.value) {
                    out.push(in_profile(f, cluster, profile));
                }
            }
        }
    }
    for w in &cx.model.workloads {
        let groups: [(&str, &[Label]); 3] = [
            ("pod label", &w.pod.labels),
            ("pod annotation", &w.pod.annotations),
            ("env variable", &w.pod.env),
        ];
        for (kind, pairs) in groups {
            for l in pairs {
                let what = || format!("{kind} `{}` of {} `{}`", l.key.value, w.kind_name, w.name);
                if let Some(f) = ambiguous(cx, rule, what, &l.value) {
                    out.push(f.object(object_of(w)).subject(Subject::Workload(w.id)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::yaml11_reading;

    #[test]
    fn yaml11_booleans_in_their_three_spellings() {
        for v in [
            "yes", "Yes", "YES", "y", "Y", "on", "On", "ON", "true", "True",
        ] {
            assert_eq!(
                yaml11_reading(v).as_deref(),
                Some("the boolean true"),
                "{v}"
            );
        }
        for v in [
            "no", "No", "NO", "n", "N", "off", "Off", "OFF", "false", "FALSE",
        ] {
            assert_eq!(
                yaml11_reading(v).as_deref(),
                Some("the boolean false"),
                "{v}"
            );
        }
        for v in ["yEs", "oN", "nO", "yes!", "maybe", "enabled", ""] {
            assert_eq!(yaml11_reading(v), None, "{v}");
        }
    }

    #[test]
    fn numbers_with_a_leading_zero() {
        assert_eq!(
            yaml11_reading("0755").as_deref(),
            Some("the octal number 0755 (493)")
        );
        assert_eq!(
            yaml11_reading("007").as_deref(),
            Some("the octal number 007 (7)")
        );
        assert_eq!(
            yaml11_reading("-010").as_deref(),
            Some("the octal number -010 (-8)")
        );
        assert_eq!(yaml11_reading("089").as_deref(), Some("the number 89"));
        assert_eq!(
            yaml11_reading("0x1F").as_deref(),
            Some("the hexadecimal number 0x1F (31)")
        );
        assert_eq!(
            yaml11_reading("0b101").as_deref(),
            Some("the binary number 0b101 (5)")
        );
    }

    #[test]
    fn plain_numbers_and_strings_are_left_alone() {
        for v in [
            "0", "0.5", "10", "1.10", "0x", "0b2", "0755a", "v0755", "0-1", "-", "+",
        ] {
            assert_eq!(yaml11_reading(v), None, "{v}");
        }
    }
}
