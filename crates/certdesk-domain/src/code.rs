//! Closed sets (statuses, genders, class modes, ...) and their stable codes.
//!
//! Every closed set of the programme is a Rust enum whose serde name is its stable code: the
//! code is what the database column, the outbox payload and the window's JSON hold. [`Code`]
//! lets the layers that read those columns turn a stored code back into the enum with one
//! function, so that an unknown value is reported (never guessed) at the boundary where it
//! was read. This module must never accept labels or typing variants: that is each enum's own
//! `parse`, for what a clerk types.

/// A closed set with a stable code per value.
pub trait Code: Sized + Copy + 'static {
    /// Every value, in the order forms list them.
    const ALL: &'static [Self];
    /// What the set is called in an error message (`worker status`, `class mode`...).
    const WHAT: &'static str;

    /// The stable code: equal to the serde name.
    fn code(&self) -> &'static str;

    /// The value whose code is exactly `code`; `None` for anything else.
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }
}

/// Implements [`Code`], `PartialEq<&str>` (a value equals its stored code) and `Display` (the
/// code) for a closed set: the one definition every crate's closed sets use.
///
/// - `closed_set!(Type, "what")` for an enum that already has `ALL` (an array) and `code(&self)`.
/// - `closed_set!(Type, "what", { Variant => "code", ... })` also writes `ALL` and `code` from
///   the list (the serde names must be the same codes; each crate's tests check).
#[macro_export]
macro_rules! closed_set {
    ($ty:ident, $what:literal, { $($variant:ident => $code:literal),* $(,)? }) => {
        impl $ty {
            /// Every value.
            pub const ALL: [$ty; [$(stringify!($variant)),*].len()] = [$($ty::$variant),*];

            /// The stable code (same as the serde name).
            pub fn code(&self) -> &'static str {
                match self {
                    $($ty::$variant => $code),*
                }
            }
        }
        $crate::closed_set!($ty, $what);
    };
    ($ty:ty, $what:literal) => {
        impl $crate::Code for $ty {
            const ALL: &'static [Self] = &<$ty>::ALL;
            const WHAT: &'static str = $what;
            fn code(&self) -> &'static str {
                <$ty>::code(self)
            }
        }

        /// A value equals its stored code (`status == "approved"`), so that checks against a
        /// row, a payload or a test's expectation read the word as it is stored.
        impl PartialEq<&str> for $ty {
            fn eq(&self, other: &&str) -> bool {
                <$ty>::code(self) == *other
            }
        }

        /// Shows the stable code, as stored (the CLI's plain output, logs).
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(<$ty>::code(self))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::Code;
    use crate::{Attendance, CardLayout, ClassMode, Gender, IdKind, ServiceType, WorkerStatus};
    use crate::training::SupervisionMethod;

    /// The code of every value is its serde name, so the column, the outbox payload and the
    /// window's JSON all carry the same word, and reading back gives the same value.
    fn codes_are_serde_names<T: Code + serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>() {
        for v in T::ALL {
            let json = serde_json::to_string(v).unwrap();
            assert_eq!(json, format!("\"{}\"", v.code()), "{} {:?}: serde name and code must agree", T::WHAT, v);
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), *v);
            assert_eq!(T::from_code(v.code()), Some(*v));
        }
        assert_eq!(T::from_code("no_such_code"), None, "an unknown code is never guessed");
    }

    #[test]
    fn every_closed_set_reads_back_its_own_codes() {
        codes_are_serde_names::<WorkerStatus>();
        codes_are_serde_names::<ServiceType>();
        codes_are_serde_names::<Gender>();
        codes_are_serde_names::<IdKind>();
        codes_are_serde_names::<ClassMode>();
        codes_are_serde_names::<Attendance>();
        codes_are_serde_names::<SupervisionMethod>();
        codes_are_serde_names::<CardLayout>();
        codes_are_serde_names::<crate::health::HealthCategory>();
        codes_are_serde_names::<crate::health::HealthResult>();
        codes_are_serde_names::<crate::health::InsuranceKind>();
        codes_are_serde_names::<crate::standing::Colour>();
        codes_are_serde_names::<crate::deadlines::DeadlineKind>();
        codes_are_serde_names::<crate::deadlines::Urgency>();
    }

    #[test]
    fn codes_are_the_words_stored_today() {
        assert_eq!(WorkerStatus::ALL.map(|s| s.code()).join(","), "enrolled,in_training,eligible,applied,approved,printed,issued,cancelled,rejected");
        assert_eq!(Gender::ALL.map(|g| g.code()).join(","), "male,female");
        assert_eq!(IdKind::ALL.map(|k| k.code()).join(","), "resident,hong_kong_macau_permit,taiwan_permit");
        assert_eq!(CardLayout::ALL.map(|l| l.code()).join(","), "cr80,a4");
        assert_eq!(Attendance::ALL.map(|a| a.code()).join(","), "present,late,left_early,absent");
        assert_eq!(ClassMode::ALL.map(|m| m.code()).join(","), "offline,online");
        assert_eq!(SupervisionMethod::ALL.map(|m| m.code()).join(","), "on_site,video");
    }
}
