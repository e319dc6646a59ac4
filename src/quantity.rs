//! Kubernetes resource quantities (`250m`, `0.5`, `2.5G`, `512Mi`, `1e3`, `+1`): parsing
//! them exactly, and turning them into whole millicores or whole bytes, rounded up the way
//! the API server's `MilliValue()` / `Value()` do.
//!
//! The grammar is the one of `k8s.io/apimachinery/pkg/api/resource`:
//!
//! ```text
//! quantity ::= [sign] number suffix
//! number   ::= digits | digits "." digits | digits "." | "." digits
//! suffix   ::= binarySI | decimalSI | ("e" | "E") [sign] digits
//! binarySI ::= Ki | Mi | Gi | Ti | Pi | Ei
//! decimalSI::= n | u | m | "" | k | M | G | T | P | E
//! ```
//!
//! `n` and `u` are not in the documented grammar but the real parser accepts them, so we do
//! too. Nothing is trimmed: the API server refuses `" 1"`, and so do we.
//!
//! Arithmetic is exact: the mantissa is kept as its decimal digits plus a power of ten, so
//! `0.1` is one tenth and not `0.1000000000000000055…`. A value too large for `u64`
//! saturates to `u64::MAX` (it is a real, absurdly large request, not a placeholder).

/// A parsed quantity: `digits × 10^exp10 × 2^exp2`, with its sign and the suffix as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    /// `true` for a `-` sign (a `-0` is not negative: it is zero).
    pub negative: bool,
    /// Decimal digits of the mantissa (values 0..=9), most significant first, without
    /// leading zeros; empty for zero.
    digits: Vec<u8>,
    /// Power of ten applied to `digits` (fraction digits, exponent, decimal suffix).
    exp10: i64,
    /// Power of two applied to `digits` (binary suffix: 10 for `Ki` ... 60 for `Ei`).
    exp2: u32,
    /// The suffix as written (`"m"`, `"Gi"`, `"e3"`, `""`), for rules that want to say
    /// "`512m` of memory is half a byte".
    pub suffix: String,
}

impl Quantity {
    /// Parses a quantity; `None` when `s` is not one (placeholders like `${CPU}` or
    /// `{{ .Values.cpu }}`, empty strings, words, stray spaces).
    pub fn parse(s: &str) -> Option<Quantity> {
        let bytes = s.as_bytes();
        let mut pos = 0;
        let mut negative = false;
        match bytes.first() {
            Some(b'-') => {
                negative = true;
                pos = 1;
            }
            Some(b'+') => pos = 1,
            _ => {}
        }

        let int_start = pos;
        while pos < bytes.len() && bytes[pos].is_ascii_digit() {
            pos += 1;
        }
        let int_digits = &bytes[int_start..pos];
        let mut frac_digits: &[u8] = &[];
        if pos < bytes.len() && bytes[pos] == b'.' {
            pos += 1;
            let frac_start = pos;
            while pos < bytes.len() && bytes[pos].is_ascii_digit() {
                pos += 1;
            }
            frac_digits = &bytes[frac_start..pos];
        }
        // `.` alone, `+`, `-` and `` are not numbers (the grammar needs a digit somewhere).
        if int_digits.is_empty() && frac_digits.is_empty() {
            return None;
        }

        let suffix = &s[pos..];
        let (suffix_exp10, exp2) = parse_suffix(suffix)?;

        let mut digits: Vec<u8> = int_digits
            .iter()
            .chain(frac_digits)
            .map(|b| b - b'0')
            .skip_while(|&d| d == 0)
            .collect();
        // Trailing zeros only inflate the digit string; fold them into the exponent.
        let mut trailing = 0i64;
        while digits.last() == Some(&0) {
            digits.pop();
            trailing += 1;
        }
        let frac_len = i64::try_from(frac_digits.len()).unwrap_or(i64::MAX);
        let exp10 = suffix_exp10
            .saturating_sub(frac_len)
            .saturating_add(trailing);

        Some(Quantity {
            negative: negative && !digits.is_empty(),
            digits,
            exp10,
            exp2,
            suffix: suffix.to_string(),
        })
    }

    /// `true` for zero, however it was written (`0`, `0.000`, `-0Gi`).
    pub fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// `ceil(value × 10^scale)` as a whole number: scale 3 gives millis, 0 gives units.
    /// `None` for a negative quantity; saturates at `u64::MAX`.
    pub fn ceil_scaled(&self, scale: i64) -> Option<u64> {
        if self.negative {
            return None;
        }
        if self.digits.is_empty() {
            return Some(0);
        }
        // value × 10^scale = (digits × 2^exp2) × 10^(exp10 + scale): multiply the decimal
        // digit string by the power of two, then shift the decimal point.
        let digits = times_power_of_two(&self.digits, self.exp2);
        let shift = self.exp10.saturating_add(scale);
        let len = i64::try_from(digits.len()).unwrap_or(i64::MAX);

        // u64::MAX has 20 digits: anything with more integer digits saturates.
        const MAX_DIGITS: i64 = 20;
        if shift >= 0 {
            if len.saturating_add(shift) > MAX_DIGITS {
                return Some(u64::MAX);
            }
            let mut value = digits_to_u64(&digits);
            for _ in 0..shift {
                value = value.and_then(|v| v.checked_mul(10));
            }
            Some(value.unwrap_or(u64::MAX))
        } else {
            let drop = shift.unsigned_abs();
            let keep = u64::try_from(len).unwrap_or(0).saturating_sub(drop);
            let keep = usize::try_from(keep).unwrap_or(usize::MAX);
            if i64::try_from(keep).unwrap_or(i64::MAX) > MAX_DIGITS {
                return Some(u64::MAX);
            }
            let (whole, fraction) = digits.split_at(keep);
            // `digits` has no leading zero, so a non-empty fraction is only zero when all
            // of its digits are.
            let round_up = u64::from(fraction.iter().any(|&d| d != 0));
            let value = digits_to_u64(whole).and_then(|v| v.checked_add(round_up));
            Some(value.unwrap_or(u64::MAX))
        }
    }
}

/// The power of ten (decimal SI, exponent) and power of two (binary SI) of a suffix.
fn parse_suffix(suffix: &str) -> Option<(i64, u32)> {
    let decimal = |e: i64| Some((e, 0));
    let binary = |e: u32| Some((0, e));
    match suffix {
        "" => decimal(0),
        "n" => decimal(-9),
        "u" => decimal(-6),
        "m" => decimal(-3),
        "k" => decimal(3),
        "M" => decimal(6),
        "G" => decimal(9),
        "T" => decimal(12),
        "P" => decimal(15),
        // A lone `E` is exa; `E` followed by digits is an exponent (below).
        "E" => decimal(18),
        "Ki" => binary(10),
        "Mi" => binary(20),
        "Gi" => binary(30),
        "Ti" => binary(40),
        "Pi" => binary(50),
        "Ei" => binary(60),
        _ => {
            let rest = suffix
                .strip_prefix('e')
                .or_else(|| suffix.strip_prefix('E'))?;
            let (negative, digits) = match rest.as_bytes().first() {
                Some(b'-') => (true, &rest[1..]),
                Some(b'+') => (false, &rest[1..]),
                _ => (false, rest),
            };
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            // Saturate: `1e99999999999999999999` is simply huge, and the caller saturates
            // on size anyway.
            let magnitude = digits.bytes().fold(0i64, |acc, b| {
                acc.saturating_mul(10).saturating_add(i64::from(b - b'0'))
            });
            decimal(if negative { -magnitude } else { magnitude })
        }
    }
}

/// The decimal digits of `digits × 2^exp2` (`exp2` ≤ 60, so one digit times the factor
/// plus the carry fits a `u128` with room to spare).
fn times_power_of_two(digits: &[u8], exp2: u32) -> Vec<u8> {
    if exp2 == 0 {
        return digits.to_vec();
    }
    let factor = 1u128 << exp2.min(64);
    let mut out = Vec::with_capacity(digits.len() + 20);
    let mut carry = 0u128;
    for &d in digits.iter().rev() {
        let cur = u128::from(d) * factor + carry;
        out.push((cur % 10) as u8);
        carry = cur / 10;
    }
    while carry > 0 {
        out.push((carry % 10) as u8);
        carry /= 10;
    }
    out.reverse();
    out
}

/// The value of at most 20 decimal digits, or `None` when it exceeds `u64`.
fn digits_to_u64(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |acc, &d| {
        acc.checked_mul(10)?.checked_add(u64::from(d))
    })
}

/// CPU in millicores, rounded up (`100n` is 1m, like `MilliValue()`); `None` when `s` is not
/// a valid quantity or is negative.
pub fn parse_cpu_millis(s: &str) -> Option<u64> {
    Quantity::parse(s)?.ceil_scaled(3)
}

/// Bytes, rounded up (`1m`, a thousandth of a byte, is 1); `None` when `s` is not a valid
/// quantity or is negative.
pub fn parse_bytes(s: &str) -> Option<u64> {
    Quantity::parse(s)?.ceil_scaled(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cpu_plain_and_milli() {
        assert_eq!(parse_cpu_millis("250m"), Some(250));
        assert_eq!(parse_cpu_millis("1"), Some(1000));
        assert_eq!(parse_cpu_millis("0.5"), Some(500));
        assert_eq!(parse_cpu_millis("2"), Some(2000));
        assert_eq!(parse_cpu_millis("0"), Some(0));
        assert_eq!(parse_cpu_millis("+1"), Some(1000));
        assert_eq!(parse_cpu_millis("1."), Some(1000));
        assert_eq!(parse_cpu_millis(".25"), Some(250));
        assert_eq!(parse_cpu_millis("007"), Some(7000));
    }

    #[test]
    fn cpu_decimal_fractions_are_exact() {
        // 0.1 as f64 × 1000 is 100.00000000000001: a naive ceil would give 101.
        assert_eq!(parse_cpu_millis("0.1"), Some(100));
        assert_eq!(parse_cpu_millis("0.3"), Some(300));
        assert_eq!(parse_cpu_millis("1.001"), Some(1001));
        assert_eq!(parse_cpu_millis("100.000"), Some(100_000));
    }

    #[test]
    fn cpu_rounds_up_to_whole_millicores() {
        assert_eq!(parse_cpu_millis("0.0001"), Some(1));
        assert_eq!(parse_cpu_millis("1.0001"), Some(1001));
        assert_eq!(parse_cpu_millis("100n"), Some(1));
        assert_eq!(parse_cpu_millis("1500u"), Some(2));
        assert_eq!(parse_cpu_millis("0.5m"), Some(1));
    }

    #[test]
    fn cpu_exponents_and_suffixes() {
        assert_eq!(parse_cpu_millis("1e3"), Some(1_000_000));
        assert_eq!(parse_cpu_millis("1E3"), Some(1_000_000));
        assert_eq!(parse_cpu_millis("1e-3"), Some(1));
        assert_eq!(parse_cpu_millis("25e-2"), Some(250));
        assert_eq!(parse_cpu_millis("1e+2"), Some(100_000));
        assert_eq!(parse_cpu_millis("1k"), Some(1_000_000));
        assert_eq!(parse_cpu_millis("1Ki"), Some(1_024_000));
    }

    #[test]
    fn bytes_decimal_suffixes() {
        assert_eq!(parse_bytes("1k"), Some(1_000));
        assert_eq!(parse_bytes("1M"), Some(1_000_000));
        assert_eq!(parse_bytes("2.5G"), Some(2_500_000_000));
        assert_eq!(parse_bytes("3G"), Some(3_000_000_000));
        assert_eq!(parse_bytes("1T"), Some(1_000_000_000_000));
        assert_eq!(parse_bytes("1P"), Some(10u64.pow(15)));
        assert_eq!(parse_bytes("1E"), Some(10u64.pow(18)));
        assert_eq!(parse_bytes("128974848"), Some(128_974_848));
        assert_eq!(parse_bytes("129e6"), Some(129_000_000));
    }

    #[test]
    fn bytes_binary_suffixes() {
        assert_eq!(parse_bytes("1Ki"), Some(1024));
        assert_eq!(parse_bytes("512Mi"), Some(512 << 20));
        assert_eq!(parse_bytes("8Gi"), Some(8 << 30));
        assert_eq!(parse_bytes("1Ti"), Some(1 << 40));
        assert_eq!(parse_bytes("1Pi"), Some(1 << 50));
        assert_eq!(parse_bytes("1Ei"), Some(1 << 60));
        assert_eq!(parse_bytes("1.5Ki"), Some(1536));
        assert_eq!(parse_bytes("0.5Gi"), Some(512 << 20));
        assert_eq!(parse_bytes("123Mi"), Some(128_974_848));
    }

    #[test]
    fn bytes_round_up() {
        // Lowercase m is milli, not mega: 512m of memory is 0.512 bytes, rounded up to 1.
        assert_eq!(parse_bytes("512m"), Some(1));
        assert_eq!(parse_bytes("1500m"), Some(2));
        assert_eq!(parse_bytes("0.1Ki"), Some(103)); // 102.4
        assert_eq!(parse_bytes("1e-30"), Some(1));
        assert_eq!(parse_bytes("0.001Ki"), Some(2)); // 1.024
    }

    #[test]
    fn zero_in_any_form() {
        for zero in ["0", "0.0", "-0", "+0", "0Gi", "0e5", "0m", "-0.000Mi", ".0"] {
            assert_eq!(parse_bytes(zero), Some(0), "{zero}");
            assert_eq!(parse_cpu_millis(zero), Some(0), "{zero}");
        }
    }

    #[test]
    fn invalid_quantities() {
        for bad in [
            "",
            "${CPU}",
            "{{ .Values.cpu }}",
            "abc",
            "-1",
            "-250m",
            "-0.5Gi",
            ".",
            "+",
            "-",
            "1 ",
            " 1",
            "1K",
            "1KB",
            "1kb",
            "1Gb",
            "1g",
            "1mi",
            "1e",
            "1e+",
            "1e3.5",
            "1.5.5",
            "1..5",
            "e3",
            "Gi",
            "1 Gi",
            "1_000",
            "0x10",
            "１",
            "1Gi ",
            "1e3Gi",
        ] {
            assert_eq!(parse_bytes(bad), None, "{bad:?}");
            assert_eq!(parse_cpu_millis(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn overflow_saturates_instead_of_panicking() {
        assert_eq!(parse_bytes("1e30"), Some(u64::MAX));
        assert_eq!(parse_bytes("1e99999999999999999999999"), Some(u64::MAX));
        assert_eq!(parse_bytes("16Ei"), Some(u64::MAX));
        assert_eq!(parse_bytes("99999999999999999999999"), Some(u64::MAX));
        assert_eq!(parse_cpu_millis("18446744073709551615"), Some(u64::MAX));
        // Exactly u64::MAX still fits.
        assert_eq!(parse_bytes("18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_bytes("18446744073709551614"), Some(u64::MAX - 1));
        assert_eq!(parse_bytes("1e-99999999999999999999999"), Some(1));
        assert_eq!(parse_bytes("0e99999999999999999999999"), Some(0));
    }

    #[test]
    fn long_digit_strings_are_exact() {
        let tiny = format!("0.{}1", "0".repeat(100));
        assert_eq!(parse_bytes(&tiny), Some(1));
        let round = format!("1.{}", "0".repeat(100));
        assert_eq!(parse_bytes(&round), Some(1));
        let many = format!("{}e-99", "1".repeat(101));
        assert_eq!(parse_bytes(&many), Some(12)); // 11.1…1 → 12
    }

    #[test]
    fn suffix_is_kept() {
        let q = Quantity::parse("512m").map(|q| q.suffix);
        assert_eq!(q.as_deref(), Some("m"));
        assert_eq!(Quantity::parse("-0").map(|q| q.negative), Some(false));
        assert_eq!(Quantity::parse("-0").map(|q| q.is_zero()), Some(true));
    }

    proptest! {
        #[test]
        fn integers_round_trip(n in any::<u64>()) {
            prop_assert_eq!(parse_bytes(&n.to_string()), Some(n));
        }

        #[test]
        fn millis_round_trip(n in 0u64..1_000_000_000_000) {
            prop_assert_eq!(parse_cpu_millis(&format!("{n}m")), Some(n));
            prop_assert_eq!(parse_cpu_millis(&n.to_string()), Some(n * 1000));
        }

        #[test]
        fn binary_suffixes_multiply(n in 0u64..1_000_000, i in 0usize..4) {
            let (suffix, shift) = [("Ki", 10), ("Mi", 20), ("Gi", 30), ("Ti", 40)][i];
            prop_assert_eq!(parse_bytes(&format!("{n}{suffix}")), Some(n << shift));
        }

        #[test]
        fn decimal_fraction_matches_integer_math(whole in 0u64..10_000, frac in 0u64..1000) {
            // whole.frac with three fraction digits, in bytes with suffix k: exact.
            let s = format!("{whole}.{frac:03}k");
            prop_assert_eq!(parse_bytes(&s), Some(whole * 1000 + frac));
        }

        #[test]
        fn never_panics(s in "[-+0-9.eEkKMGTPimnu ]{0,24}") {
            let _ = parse_bytes(&s);
            let _ = parse_cpu_millis(&s);
        }
    }
}
