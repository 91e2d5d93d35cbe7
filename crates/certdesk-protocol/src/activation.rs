//! The activation code of a worker's electronic card (电子上门服务证激活码): made by the desk
//! at hand-over, printed on the hand-over slip, typed by the worker on a phone. The desk sends
//! only its SHA-256; the platform compares what is typed the same way. Both sides read a typed
//! code with [`normalise`], so spaces, a dash and lower case are accepted.

use sha2::{Digest, Sha256};

/// The characters of a code: digits and capitals without 0, O, 1, I and L, which are misread.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Characters in a code (31^8, about 2^39.6 codes; wrong attempts are limited per code and
/// per network).
pub const CODE_LEN: usize = 8;

/// A code from 16 random bytes (the caller's secure random source).
pub fn code_from_random(random: [u8; 16]) -> String {
    let mut n = u128::from_be_bytes(random);
    let base = ALPHABET.len() as u128;
    (0..CODE_LEN)
        .map(|_| {
            let c = ALPHABET[(n % base) as usize] as char;
            n /= base;
            c
        })
        .collect()
}

/// The code as printed and shown: two groups of four (`ABCD-EFGH`).
pub fn display(code: &str) -> String {
    let (a, b) = code.split_at(code.len().min(4));
    format!("{a}-{b}")
}

/// A typed code in its one form: spaces and dashes dropped, upper case. `None` when it cannot
/// be a code (wrong length or a character not in [`ALPHABET`]).
pub fn normalise(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// SHA-256 (hex) of a normalised code: what the desk sends and the platform keeps.
pub fn code_sha256(code: &str) -> String {
    Sha256::digest(code.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The page the slip's QR code opens: the platform's activation form with the code filled in.
/// `platform` is the platform's address (`https://host:port`, with or without a final `/`).
pub fn activation_url(platform: &str, code: &str) -> String {
    format!("{}/e?code={code}", platform.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_only_unambiguous_characters_and_differ_with_the_random_bytes() {
        let a = code_from_random([7; 16]);
        let b = code_from_random([8; 16]);
        assert_eq!(a.len(), CODE_LEN);
        assert_ne!(a, b);
        for c in [&a, &b] {
            assert!(c.bytes().all(|x| ALPHABET.contains(&x)), "{c}");
            assert!(!c.contains(['0', 'O', '1', 'I', 'L']));
        }
        assert_eq!(code_from_random([0; 16]), "22222222");
    }

    #[test]
    fn a_code_typed_with_spaces_a_dash_or_lower_case_is_the_same_code() {
        let code = code_from_random([42; 16]);
        let shown = display(&code);
        assert_eq!(shown.len(), CODE_LEN + 1);
        for typed in [shown.clone(), shown.to_lowercase(), format!(" {} ", shown.replace('-', "  ")), code.clone()] {
            assert_eq!(normalise(&typed).as_deref(), Some(code.as_str()), "{typed:?}");
        }
        for bad in ["", "ABCD-EFG", "ABCD-EFGHJ", "ABCD-EFG0", "ABCD-EFGI", "ＡＢＣＤ-ＥＦＧＨ"] {
            assert_eq!(normalise(bad), None, "{bad:?}");
        }
        assert_eq!(code_sha256("ABCDEFGH").len(), 64);
        assert_eq!(activation_url("https://p.example:8443/", "ABCDEFGH"), "https://p.example:8443/e?code=ABCDEFGH");
    }
}
