//! The police comparison (公安比对) behind a [`CheckProvider`] trait. Providers answer at once
//! when they can (the watch list); everything else waits in the manual review queue, where an
//! operator records the result by hand or by importing the results file the police return.
//!
//! Nothing here pretends to call the real police system, and a provider must never approve on
//! its own authority what it was not configured to approve.

use std::collections::HashSet;
use std::path::Path;

use certdesk_domain::Bilingual;

use crate::flows::Decision;

/// What a provider says about a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    /// Decided: pass or fail.
    Decided(Decision),
    /// Not decided here: the application waits for an operator.
    Pending,
}

/// A source of police-comparison results.
pub trait CheckProvider: Send + Sync + 'static {
    /// The outcome for the person with this canonical ID number.
    fn check(&self, id_number: &str) -> CheckOutcome;
}

/// Leaves every application to the operators (the default).
#[derive(Debug, Default, Clone, Copy)]
pub struct ManualReview;

impl CheckProvider for ManualReview {
    fn check(&self, _id_number: &str) -> CheckOutcome {
        CheckOutcome::Pending
    }
}

/// Fails everyone on a list of ID numbers (for demos and tests); the others pass at once or
/// wait for an operator, as configured.
#[derive(Debug, Clone)]
pub struct WatchList {
    listed: HashSet<String>,
    pass_unlisted: bool,
}

impl WatchList {
    /// From ID numbers (one per line; blank lines and `#` comments ignored; lower-case x read
    /// as X).
    pub fn parse(text: &str, pass_unlisted: bool) -> Self {
        let listed = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_ascii_uppercase)
            .collect();
        WatchList {
            listed,
            pass_unlisted,
        }
    }

    /// Reads the list from a file.
    pub fn load(path: &Path, pass_unlisted: bool) -> std::io::Result<Self> {
        Ok(Self::parse(&std::fs::read_to_string(path)?, pass_unlisted))
    }
}

impl CheckProvider for WatchList {
    fn check(&self, id_number: &str) -> CheckOutcome {
        if self.listed.contains(id_number) {
            CheckOutcome::Decided(Decision::Fail { reason: crate::messages::checks::watch_listed() })
        } else if self.pass_unlisted {
            CheckOutcome::Decided(Decision::Pass)
        } else {
            CheckOutcome::Pending
        }
    }
}

/// One line of a police results file: `id_number,result,reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultLine {
    /// 1-based line number in the file.
    pub line: usize,
    /// Canonical ID number.
    pub id_number: String,
    /// The result.
    pub decision: Decision,
}

/// Reads a results CSV. A header line is skipped if present. `result` is `pass`/`通过`/`1`
/// or `fail`/`不通过`/`0` (case-insensitive); the reason may contain commas. Returns the
/// readable lines and, separately, the unreadable ones with why.
pub fn parse_results_csv(text: &str) -> (Vec<ResultLine>, Vec<String>) {
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let line_no = i + 1;
        let raw = raw.trim();
        if raw.is_empty() || (line_no == 1 && raw.to_ascii_lowercase().starts_with("id_number")) {
            continue;
        }
        let mut parts = raw.splitn(3, ',');
        let id = parts
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"')
            .to_ascii_uppercase();
        let result = parts
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"')
            .to_lowercase();
        let reason = parts
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"')
            .to_owned();
        let decision = match result.as_str() {
            "pass" | "passed" | "通过" | "1" => Decision::Pass,
            "fail" | "failed" | "不通过" | "0" => {
                let reason =
                    if reason.is_empty() { crate::messages::checks::comparison_failed() } else { Bilingual::new(reason.clone(), reason) };
                Decision::Fail { reason }
            }
            other => {
                errors.push(crate::messages::checks::unknown_result(line_no, other));
                continue;
            }
        };
        if id.len() != 18 {
            errors.push(crate::messages::checks::not_an_id_number(line_no, &id));
            continue;
        }
        lines.push(ResultLine {
            line: line_no,
            id_number: id,
            decision,
        });
    }
    (lines, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_watch_list_fails_listed_people_and_defers_or_passes_the_rest() {
        let list = WatchList::parse("# demo\n11010519491231002x\n\n", false);
        assert!(matches!(
            list.check("11010519491231002X"),
            CheckOutcome::Decided(Decision::Fail { .. })
        ));
        assert_eq!(list.check("310104198001011234"), CheckOutcome::Pending);
        let passing = WatchList::parse("11010519491231002X", true);
        assert_eq!(
            passing.check("310104198001011234"),
            CheckOutcome::Decided(Decision::Pass)
        );
    }

    #[test]
    fn a_results_file_is_read_with_header_bom_and_commas_in_reasons() {
        let csv = "\u{feff}id_number,result,reason\n11010519491231002x,通过,\n310104198001011234,fail,有记录, 待核实\nbad,pass,\n310104198001011234,maybe,\n";
        let (lines, errors) = parse_results_csv(csv);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].id_number, "11010519491231002X");
        assert_eq!(lines[0].decision, Decision::Pass);
        assert_eq!(
            lines[1].decision,
            Decision::Fail {
                reason: Bilingual::new("有记录, 待核实", "有记录, 待核实")
            }
        );
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("line 4"));
    }
}
