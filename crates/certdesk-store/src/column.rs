//! Reading closed sets out of SQL rows: a stored code becomes its domain enum here, at the row
//! boundary, and an unknown code is an error that names the set and the value. It must never
//! guess a value, default one, or accept a label: labels are what clerks type, and they are
//! parsed by the domain before anything is written.

use certdesk_domain::Code;
use rusqlite::types::Type;
use rusqlite::Row;

/// A stored code that names no value of its closed set (a corrupt or newer database).
#[derive(Debug)]
pub(crate) struct UnknownCode {
    what: &'static str,
    value: String,
}

impl std::fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown {} \"{}\" stored in the database", self.what, self.value)
    }
}

impl std::error::Error for UnknownCode {}

/// `code` as a value of `T`, or an [`UnknownCode`] naming the set.
pub(crate) fn parse<T: Code>(code: &str) -> Result<T, UnknownCode> {
    T::from_code(code).ok_or_else(|| UnknownCode { what: T::WHAT, value: code.to_string() })
}

fn failure(idx: usize, e: UnknownCode) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e))
}

/// Column `idx` holds a code of `T`.
pub(crate) fn code<T: Code>(r: &Row<'_>, idx: usize) -> rusqlite::Result<T> {
    let s: String = r.get(idx)?;
    parse(&s).map_err(|e| failure(idx, e))
}

/// Column `idx` holds a code of `T`, or NULL.
pub(crate) fn opt_code<T: Code>(r: &Row<'_>, idx: usize) -> rusqlite::Result<Option<T>> {
    let s: Option<String> = r.get(idx)?;
    s.map(|s| parse(&s).map_err(|e| failure(idx, e))).transpose()
}

/// Column `idx` holds a JSON array of codes of `T` (a worker's service types).
pub(crate) fn code_list<T: Code>(r: &Row<'_>, idx: usize) -> rusqlite::Result<Vec<T>> {
    let s: String = r.get(idx)?;
    let codes: Vec<String> = serde_json::from_str(&s)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e)))?;
    codes.iter().map(|c| parse(c).map_err(|e| failure(idx, e))).collect()
}

/// The JSON array of codes stored for a list of `T`.
pub(crate) fn code_list_json<T: Code>(values: &[T]) -> String {
    serde_json::to_string(&values.iter().map(|v| v.code()).collect::<Vec<_>>()).expect("codes serialise")
}

#[cfg(test)]
mod tests {
    use certdesk_domain::Code;

    fn serde_names_are_codes<T: Code + serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>() {
        for v in T::ALL {
            assert_eq!(serde_json::to_string(v).unwrap(), format!("\"{}\"", v.code()), "{} {v:?}", T::WHAT);
            assert_eq!(serde_json::from_str::<T>(&format!("\"{}\"", v.code())).unwrap(), *v);
        }
    }

    #[test]
    fn the_stores_closed_sets_serialise_as_their_codes() {
        use crate::hours_import::{HoursRowStatus, HoursUnit};
        use crate::import::{FileKind, IssueSeverity, PreviewStatus};
        serde_names_are_codes::<IssueSeverity>();
        serde_names_are_codes::<PreviewStatus>();
        serde_names_are_codes::<FileKind>();
        serde_names_are_codes::<HoursRowStatus>();
        serde_names_are_codes::<HoursUnit>();
        serde_names_are_codes::<crate::CancelReason>();
        serde_names_are_codes::<crate::LossKind>();
        serde_names_are_codes::<crate::FeedbackKind>();
        serde_names_are_codes::<crate::PushOutcome>();
        serde_names_are_codes::<crate::AuditEntity>();
        serde_names_are_codes::<crate::AuditAction>();
    }

    #[test]
    fn an_unknown_stored_code_names_its_set_and_value() {
        let e = super::parse::<certdesk_domain::WorkerStatus>("retired").unwrap_err();
        assert_eq!(e.to_string(), "unknown worker status \"retired\" stored in the database");
    }
}
