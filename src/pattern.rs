//! Small matching helpers with no dependency on the rest of the crate: EKS-style wildcards
//! (profile selectors, `allowed-registries`) and template expressions.

/// Whether `value` holds a template expression that is filled in before anything is applied:
/// `${VAR}` (envsubst, Terraform), `$(VAR)` (Kubernetes and kustomize variables), `{{ ... }}`
/// (Helm, Go templates). The one test of it in the crate.
pub fn has_template_expression(value: &str) -> bool {
    value.contains("${") || value.contains("$(") || value.contains("{{")
}

/// `*` matches any run of characters (also none), `?` exactly one character (a Unicode
/// scalar value, not a byte); every other character matches itself only.
///
/// Iterative two-pointer matching with a single backtrack point (the last `*`): when a
/// later literal fails, only the text consumed by the last star grows. Earlier stars never
/// need revisiting, because the last star can absorb anything they could. That bounds the
/// work by `pattern × text` with no recursion and no exponential blow-up on `*a*a*a*b`.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    // Selectors, labels and hosts are nearly always ASCII: match their bytes without
    // allocating; anything else by Unicode scalar values, so `?` is one character.
    if pattern.is_ascii() && text.is_ascii() {
        match_units(pattern.as_bytes(), text.as_bytes(), b'*', b'?')
    } else {
        let pattern: Vec<char> = pattern.chars().collect();
        let text: Vec<char> = text.chars().collect();
        match_units(&pattern, &text, '*', '?')
    }
}

/// [`wildcard_match`] over units (bytes of ASCII text, or characters).
fn match_units<T: Copy + PartialEq>(pattern: &[T], text: &[T], star_unit: T, one: T) -> bool {
    let (mut p, mut t) = (0, 0);
    // Position of the last `*` seen, and the text position it is currently matched up to.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(&c) if c == star_unit => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == one || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                // Let the last star swallow one more character and retry after it.
                Some((star_p, star_t)) => {
                    star = Some((star_p, star_t + 1));
                    p = star_p + 1;
                    t = star_t + 1;
                }
                None => return false,
            },
        }
    }
    // Text used up: what is left of the pattern must be stars only.
    pattern[p..].iter().all(|&c| c == star_unit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The byte fast path answers as matching by characters does.
        #[test]
        fn bytes_and_characters_agree(pattern in "[ab*?]{0,8}", text in "[ab]{0,10}") {
            let p: Vec<char> = pattern.chars().collect();
            let t: Vec<char> = text.chars().collect();
            prop_assert_eq!(
                match_units(pattern.as_bytes(), text.as_bytes(), b'*', b'?'),
                match_units(&p, &t, '*', '?')
            );
        }
    }

    #[test]
    fn question_mark_is_one_character_not_one_byte() {
        assert!(wildcard_match("caf?", "café"));
        assert!(!wildcard_match("caf??", "café"));
        assert!(wildcard_match("*é", "café"));
    }
}
