//! 名册备案 (issue 14 item 2): the agencies' roster filings for the commerce commission and the
//! programme office, newest first, per agency when one is chosen; each filing's rows as CSV and
//! its signed receipt as JSON. Read-only: a filing is never changed.

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
use crate::flows::roster;

/// Which filings the page lists.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct FilingsQuery {
    /// One agency's filings only.
    agency: Option<Uuid>,
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
    let shown: Vec<_> = all.iter().rev().filter(|r| q.agency.is_none_or(|a| r.body.agency_id == a)).collect();
    let body = html! {
        h1 { "名册备案 " small { "Roster filings" } }
        p {
            "各机构报送的持证人员名册，每份均经平台逐行核对并签发回执；备案不可修改，更正以新备案注明被更正的备案号。"
            br; span class="en" { "Each agency's roster of certified staff as filed, checked row by row and answered with a signed receipt. A filing is never changed: a correction is a new filing naming the one it replaces." }
        }
        form method="get" action="/operator/filings" {
            label { "机构 " small { "Agency" } " "
                select name="agency" {
                    option value="" { "全部 All" }
                    @for (id, name) in &agencies {
                        option value=(id) selected[q.agency == Some(*id)] { (name) }
                    }
                }
            }
            " " button type="submit" { "筛选 Filter" }
        }
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
                        td { a href={ "/operator/filings/" (b.number) ".csv" } { "CSV" } " · " a href={ "/operator/filings/" (b.number) ".receipt.json" } { "回执 Receipt" } }
                    }
                }
            }
        }
    };
    Ok(page(&session, "名册备案 Roster filings", None, body).into_response())
}

/// One filing's rows as CSV (`{number}.csv`) or its signed receipt (`{number}.receipt.json`).
#[utoipa::path(get, path = "/operator/filings/{file}", tag = "operator_pages",
    operation_id = "operator_filing_file", security(("operator_session" = [])),
    params(("file" = String, Path, description = "`BA2026-000001.csv` or `BA2026-000001.receipt.json`")), responses(
    (status = OK, description = "the rows (UTF-8 CSV with a BOM) or the receipt (JSON)", content_type = "text/csv", body = String),
    (status = NOT_FOUND, description = "no such filing", content_type = "text/html", body = String),
    (status = FORBIDDEN, description = "the operator's role does not see filings", content_type = "text/html", body = String),
    (status = SEE_OTHER, description = "no live session: to `/operator/sign-in`"),
))]
pub(super) async fn filing_file(State(state): State<AppState>, _session: Session, Path(file): Path<String>) -> PageResult {
    let (number, receipt_wanted) = match (file.strip_suffix(".receipt.json"), file.strip_suffix(".csv")) {
        (Some(n), _) => (n.to_owned(), true),
        (None, Some(n)) => (n.to_owned(), false),
        _ => return Err(AppError::NotFound("filing").into()),
    };
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
