//! The stable codes of the platform's HTTP refusals ([`crate::ApiError`]'s `code`): one closed
//! set the platform answers with and the desk's client matches, so neither side types a code by
//! hand. The wire keeps a string (a newer platform may answer a code this build does not know);
//! [`ApiError::is`](crate::ApiError::is) compares it with a code of this set.

/// Declares a closed set of codes that travel as strings (`as_str`, `ALL`, `Display`); the wire
/// keeps the string so that a newer platform may send a code this build does not know.
macro_rules! wire_codes {
    ($(#[doc = $tydoc:literal])* $ty:ident { $( $(#[doc = $doc:literal])* $variant:ident = $code:literal, )* }) => {
        $(#[doc = $tydoc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $ty {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl $ty {
            /// Every code, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),*];

            /// The code as it travels in the JSON.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $code,)*
                }
            }

            /// The code of this set that the string is, if it is one.
            pub fn from_str_opt(s: &str) -> Option<$ty> {
                $ty::ALL.iter().copied().find(|c| c.as_str() == s)
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use wire_codes;

wire_codes! {
    /// A code of the platform's refusals.
    ApiCode {
        /// The body is not valid JSON for the endpoint (400).
        MalformedJson = "malformed_json",
        /// The query parameters are malformed (400).
        MalformedQuery = "malformed_query",
        /// An uploaded CSV cannot be read (400).
        MalformedCsv = "malformed_csv",
        /// A field of the request is invalid (400).
        InvalidField = "invalid_field",
        /// The device name is blank or too long (400).
        DeviceNameInvalid = "device_name_invalid",
        /// A push names another device than the caller (400).
        DeviceMismatch = "device_mismatch",
        /// A push holds more entries than allowed (400).
        BatchTooLarge = "batch_too_large",
        /// A blob's name is not a SHA-256 (400).
        BlobNameInvalid = "blob_name_invalid",
        /// A blob's body cannot be read (400).
        BodyUnreadable = "body_unreadable",
        /// A blob's content does not hash to its name (400).
        BlobHashMismatch = "blob_hash_mismatch",
        /// A chunk's Content-Range is malformed (400).
        ContentRangeInvalid = "content_range_invalid",
        /// A blob larger than allowed (400).
        BlobTooLarge = "blob_too_large",
        /// An agency with this credit code is already registered (409).
        AgencyExists = "agency_exists",
        /// The application is no longer pending (409).
        NotPending = "not_pending",
        /// The worker record changed since the operator looked at it; nothing was decided (409).
        RecordChanged = "record_changed",
        /// Another upload of the same blob is in progress (409).
        UploadBusy = "upload_busy",
        /// A chunk does not start where the upload stands; the answer's `offset` says where (409).
        UploadOffsetMismatch = "upload_offset_mismatch",
        /// The agency's storage or unfinished uploads are at their quota (409).
        QuotaExceeded = "quota_exceeded",
        /// Missing, malformed, unknown or revoked credential (401).
        Unauthorized = "unauthorized",
        /// The operator's key or role does not cover this call (403).
        Forbidden = "forbidden",
        /// A signing key's action waits for a second operator; the caller asked already (409).
        SecondOperatorNeeded = "second_operator_needed",
        /// The named thing does not exist for this caller (404).
        NotFound = "not_found",
        /// The body is over the size limit (413).
        PayloadTooLarge = "payload_too_large",
        /// The platform's store is not reachable (503).
        NotReady = "not_ready",
        /// Anything else (500); the cause is only logged.
        Internal = "internal",
        /// A roster filing's period is reversed or not over yet (400).
        PeriodInvalid = "period_invalid",
        /// A roster filing is empty, too long, or has rows the platform's records do not carry;
        /// the sentence names each row (400).
        RosterInvalid = "roster_invalid",
        /// The same roster was filed for the period already, the filing it corrects was corrected
        /// already, or its id was used for another filing (409).
        FilingExists = "filing_exists",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The strings the codes were before they were an enum, written out by hand: desks in the
    /// field match them (and forward them as `platform_<code>`), so none may change.
    #[test]
    fn every_code_keeps_the_string_it_had_before() {
        let before = [
            "malformed_json", "malformed_query", "malformed_csv", "invalid_field", "device_name_invalid",
            "device_mismatch", "batch_too_large", "blob_name_invalid", "body_unreadable", "blob_hash_mismatch",
            "content_range_invalid", "blob_too_large", "agency_exists", "not_pending", "record_changed", "upload_busy",
            "upload_offset_mismatch", "quota_exceeded", "unauthorized", "forbidden", "second_operator_needed", "not_found",
            "payload_too_large", "not_ready", "internal",
        ];
        // Codes added since, in the order added.
        let before = [&before[..], &["period_invalid", "roster_invalid", "filing_exists"]].concat();
        assert_eq!(ApiCode::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(), before);
    }

    #[test]
    fn an_answer_is_matched_by_its_code() {
        let e = crate::ApiError { code: "upload_busy".into(), message_zh: String::new(), message_en: String::new() };
        assert!(e.is(ApiCode::UploadBusy));
        assert!(!e.is(ApiCode::UploadOffsetMismatch));
    }
}
