//! 名册备案 (issue 14 item 2): the agencies' roster filings for the commerce commission and the
//! programme office, newest first, per agency when one is chosen; each filing's rows as CSV and
//! its signed receipt as JSON, and its funding pack (项目资金材料, issue 14 item 3: the roster
//! checked against the synced training records, the same pack the agency's desk makes) as a PDF
//! report, an .xlsx and JSON. Read-only: a filing is never changed.

use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::IntoResponse;
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

use super::auth::Session;
use super::html::page;
use super::stats::csv_file;
use super::PageResult;
use crate::api::{blocking, AppState};
use crate::error::AppError;
use crate::flows::{funding, roster};

/// Which filings the page lists.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct FilingsQuery {
    /// One agency's filings only.
    agency: Option<Uuid>,
    /// Filings whose period reaches this day or later (YYYY-MM-DD).
    from: Option<String>,
    /// Filings whose period starts on this day or earlier (YYYY-MM-DD).
    to: Option<String>,
}

/// A day typed in the filter: none when left empty, refused when it is no date.
fn filter_day(typed: &Option<String>) -> Result<Option<chrono::NaiveDate>, ()> {
    match typed.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map(Some).map_err(|_| ()),
    }
}

/// The filings, newest first.
#[utoipa::path(get, path = "/operator/filings", tag = "operator_pages",
    operation_id = "operator_filings_page", security(("operator_session" = [])), params(FilingsQuery), responses(
    (status = OK, description = "the page", content_type = "text/html", body = String),
    (status = FORBIDDEN, description = "the operator's role does not see filings", content_type = "text/html", body = String),
    (status = SEE_OTHER, description = "no live session: to `/operator/sign-in`"),
))]
pub(super) async fn filings_page(State(state): State<AppState>, session: Session, Query(q): Query<FilingsQuery>) -> PageResult {
    let all = blocking(&state, |s| roster::filings(s, None)).await?;
    let corrected_by = |number: &str| all.iter().find(|r| r.body.replaces.as_deref() == Some(number)).map(|r| r.body.number.clone());
    let mut agencies: Vec<(Uuid, String)> = all.iter().map(|r| (r.body.agency_id, r.body.agency_name.clone())).collect();
    agencies.sort_by(|a, b| a.1.cmp(&b.1));
    agencies.dedup();
    // The period filter: a filing is listed when its period overlaps the days chosen.
    let (from, to) = (filter_day(&q.from), filter_day(&q.to));
    let bad_day = from.is_err() || to.is_err();
    let (from, to) = (from.unwrap_or(None), to.unwrap_or(None));
    let shown: Vec<_> = all
        .iter()
        .rev()
        .filter(|r| q.agency.is_none_or(|a| r.body.agency_id == a))
        .filter(|r| from.is_none_or(|d| r.body.period_to >= d) && to.is_none_or(|d| r.body.period_from <= d))
        .collect();
    let body = html! {
        h1 { "名册备案 " small { "Roster filings" } }
        p {
            "各机构报送的持证人员名册，每份均经平台逐行核对并签发回执；备案不可修改，更正以新备案注明被更正的备案号。"
            br; span class="en" { "Each agency's roster of certified staff as filed, checked row by row and answered with a signed receipt. A filing is never changed: a correction is a new filing naming the one it replaces." }
        }
        form method="get" action="/operator/filings" {
            label style="display:inline-block;margin-right:1em" { "机构 " small { "Agency" } " "
                select name="agency" {
                    option value="" { "全部 All" }
                    @for (id, name) in &agencies {
                        option value=(id) selected[q.agency == Some(*id)] { (name) }
                    }
                }
            }
            " " label style="display:inline-block;margin-right:1em" { "期间自 " small { "Period from" } " " input type="date" name="from" value=[q.from.as_deref()] style="min-width:0;width:11em"; }
            " " label style="display:inline-block;margin-right:1em" { "至 " small { "to" } " " input type="date" name="to" value=[q.to.as_deref()] style="min-width:0;width:11em"; }
            " " button type="submit" { "筛选 Filter" }
        }
        @if bad_day { p class="error" { "日期须为 YYYY-MM-DD，如 2026-11-01；未按该日期筛选。" span class="en" { " A date must read YYYY-MM-DD, as 2026-11-01; it was not used to filter." } } }
        @if shown.is_empty() {
            p { "暂无备案。" span class="en" { " No filings yet." } }
        } @else {
            table data-table="filings" {
                tr {
                    th { "备案号 " small { "Number" } } th { "机构 " small { "Agency" } } th { "期间 " small { "Period" } }
                    th { "人数 " small { "Rows" } } th { "备案时间 " small { "Filed" } } th { "更正 " small { "Correction" } }
                    th { "名册 SHA-256" } th { "下载 " small { "Download" } }
                }
                @for r in &shown {
                    @let b = &r.body;
                    tr {
                        td style="white-space:nowrap" { (b.number) } td { (b.agency_name) }
                        td style="white-space:nowrap" { (b.period_from) " – " (b.period_to) } td { (b.rows) }
                        td style="white-space:nowrap" { (super::local_time(&crate::store::columns::ts(b.filed_at))) }
                        td {
                            @if let Some(old) = &b.replaces { "更正 " (old) br; }
                            @if let Some(by) = corrected_by(&b.number) { span class="error" { "已被 " (by) " 更正" } }
                        }
                        td { code { (&b.roster_sha256[..16]) "…" } }
                        td {
                            a href={ "/operator/filings/" (b.number) ".csv" } { "CSV" } " · " a href={ "/operator/filings/" (b.number) ".receipt.json" } { "回执 Receipt" }
                            br; "项目资金 Funding pack: "
                            a href={ "/operator/filings/" (b.number) ".pack.pdf" } { "PDF" } " · "
                            a href={ "/operator/filings/" (b.number) ".pack.xlsx" } { "xlsx" } " · "
                            a href={ "/operator/filings/" (b.number) ".pack.json" } { "JSON" }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&session, "名册备案 Roster filings", None, body).into_response())
}

/// What of a filing a download asks for.
enum FilingDownload {
    Csv,
    Receipt,
    PackPdf,
    PackXlsx,
    PackJson,
}

/// One filing's rows as CSV (`{number}.csv`), its signed receipt (`{number}.receipt.json`), or
/// its funding pack (`{number}.pack.pdf`, `.pack.xlsx`, `.pack.json`).
#[utoipa::path(get, path = "/operator/filings/{file}", tag = "operator_pages",
    operation_id = "operator_filing_file", security(("operator_session" = [])),
    params(("file" = String, Path, description = "`BA2026-000001.csv`, `BA2026-000001.receipt.json`, or the funding pack: `BA2026-000001.pack.pdf`, `.pack.xlsx`, `.pack.json`")), responses(
    (status = OK, description = "the rows (UTF-8 CSV with a BOM), the receipt (JSON), or the funding pack (PDF report, .xlsx workbook, JSON)", content_type = "text/csv", body = String),
    (status = NOT_FOUND, description = "no such filing", content_type = "text/html", body = String),
    (status = FORBIDDEN, description = "the operator's role does not see filings", content_type = "text/html", body = String),
    (status = SEE_OTHER, description = "no live session: to `/operator/sign-in`"),
))]
pub(super) async fn filing_file(State(state): State<AppState>, _session: Session, Path(file): Path<String>) -> PageResult {
    let suffixes = [
        (".receipt.json", FilingDownload::Receipt),
        (".pack.pdf", FilingDownload::PackPdf),
        (".pack.xlsx", FilingDownload::PackXlsx),
        (".pack.json", FilingDownload::PackJson),
        (".csv", FilingDownload::Csv),
    ];
    let Some((number, wanted)) = suffixes.into_iter().find_map(|(suffix, what)| file.strip_suffix(suffix).map(|n| (n.to_owned(), what))) else {
        return Err(AppError::NotFound("filing").into());
    };
    if matches!(wanted, FilingDownload::PackPdf | FilingDownload::PackXlsx | FilingDownload::PackJson) {
        return pack_file(&state, &number, wanted).await;
    }
    let receipt_wanted = matches!(wanted, FilingDownload::Receipt);
    let lookup = number.clone();
    let Some((receipt, rows)) = blocking(&state, move |s| roster::filing(s, &lookup)).await? else {
        return Err(AppError::NotFound("filing").into());
    };
    if receipt_wanted {
        let json = serde_json::to_string_pretty(&receipt).map_err(AppError::internal)?;
        return Ok((
            [(CONTENT_TYPE, "application/json".to_owned()), (CONTENT_DISPOSITION, format!("attachment; filename=\"{number}.receipt.json\""))],
            json,
        )
            .into_response());
    }
    let header = ["序号", "姓名", "身份证号", "上门服务证编码", "机构名称", "培训开始日期", "培训结束日期", "培训课时", "考试成绩", "考试日期"];
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let lines = rows.iter().enumerate().map(|(i, r)| {
        vec![
            (i + 1).to_string(),
            r.name.clone(),
            r.id_number.clone(),
            r.certificate_code.clone(),
            r.agency_name.clone(),
            day(r.training_from),
            day(r.training_to),
            format!("{}", f64::from(r.half_hours) / 2.0),
            r.exam_score.map(|s| s.to_string()).unwrap_or_default(),
            day(r.exam_date),
        ]
    });
    Ok(csv_file(&format!("{number}.csv"), std::iter::once(header.map(String::from).to_vec()).chain(lines)))
}

/// The funding pack of filing `number`, made now from the synced records, as a file.
async fn pack_file(state: &AppState, number: &str, wanted: FilingDownload) -> PageResult {
    let lookup = number.to_owned();
    let Some(pack) = blocking(state, move |s| funding::funding_pack(s, &lookup)).await? else {
        return Err(AppError::NotFound("filing").into());
    };
    let stem = pack.file_stem();
    let (content_type, name, bytes) = match wanted {
        FilingDownload::PackPdf => {
            let at = super::local_time(&crate::store::columns::ts(state.now()));
            let made = certdesk_card::PackMade { at, source: certdesk_card::PackSource::Platform };
            // Rendering a long roster takes a moment: off the async workers.
            let pdf = tokio::task::spawn_blocking(move || certdesk_card::funding_pack_pdf(&pack, &made))
                .await
                .map_err(AppError::internal)?
                .map_err(|e| AppError::internal(e.message.en))?;
            ("application/pdf", format!("{stem}.pdf"), pdf)
        }
        FilingDownload::PackXlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            format!("{stem}.xlsx"),
            certdesk_card::funding_pack_xlsx(&pack).map_err(AppError::internal)?,
        ),
        _ => ("application/json", format!("{stem}.json"), serde_json::to_vec_pretty(&pack).map_err(AppError::internal)?),
    };
    Ok(([(CONTENT_TYPE, content_type.to_owned()), (CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))], bytes).into_response())
}
