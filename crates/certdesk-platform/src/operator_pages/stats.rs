//! 统计 (issue 14 item 6): the city's figures for the programme office and the commerce
//! commission, computed from the records by [`crate::flows::stats`]: per district (agencies,
//! certified workers, certificates issued) with bars, per month (applications, approvals,
//! rejections, training classes held and workers trained, exams and their pass rate, ratings
//! and their average, complaints) with two charts, and each
//! table as CSV (UTF-8 with BOM so Excel reads the Chinese; every cell neutralised).

use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::IntoResponse;
use maud::html;

use super::auth::Session;
use super::html::page;
use super::{PageError, PageResult};
use crate::api::{blocking, AppState};
use crate::error::AppError;
use crate::flows::stats::{city_stats, CityStats};

async fn figures(state: &AppState) -> Result<CityStats, PageError> {
    let today = state.today();
    let facts = blocking(state, |s| s.stats_facts()).await?;
    Ok(city_stats(&facts, today))
}

/// A bar `n` of `max` wide, for the tables.
fn bar(n: u64, max: u64) -> maud::Markup {
    let pct = (n * 100).checked_div(max).unwrap_or(0);
    html! { span style={ "display:inline-block;height:.8em;background:#0b4f8a;width:" (pct) "%;max-width:100%" } {} }
}

/// One bar of a months chart: its `data-bar` name, its label (Chinese and English, as the
/// legend and each bar's title say it), its colour, and the month's figure.
struct Bar {
    name: &'static str,
    label: &'static str,
    colour: &'static str,
    figure: fn(&crate::flows::stats::MonthRow) -> u64,
}

/// The months as a chart: two figures side by side per month (an inline SVG, no script), each
/// bar titled with its figure so a pointer or a screen reader can read it.
fn months_chart(months: &[crate::flows::stats::MonthRow], name: &str, aria: &str, bars: [Bar; 2]) -> maud::Markup {
    const W: u64 = 720;
    const H: u64 = 180;
    const TOP: u64 = 16;
    const BASE: u64 = 150;
    let most = months.iter().map(|m| (bars[0].figure)(m).max((bars[1].figure)(m))).max().unwrap_or(0).max(1);
    let slot = W / (months.len().max(1) as u64);
    let height = |n: u64| n * (BASE - TOP) / most;
    html! {
        svg data-chart=(name) viewBox={ "0 0 " (W) " " (H) } width="100%" role="img" aria-label=(aria) {
            line x1="0" y1=(BASE) x2=(W) y2=(BASE) stroke="#c0c6cf" {}
            @for (i, m) in months.iter().enumerate() {
                @let x = i as u64 * slot + slot / 2;
                @for (k, b) in bars.iter().enumerate() {
                    @let n = (b.figure)(m);
                    rect data-bar=(b.name) x=(if k == 0 { x - 14 } else { x + 1 }) y=(BASE - height(n)) width="13" height=(height(n)) fill=(b.colour) {
                        title { (m.month) " " (b.label) " " (n) }
                    }
                }
                text x=(x) y=(BASE + 16) font-size="11" text-anchor="middle" fill="#4b5563" { (m.month.get(2..).unwrap_or(&m.month)) }
            }
            @for (k, b) in bars.iter().enumerate() {
                rect x=(8 + k * 102) y="2" width="10" height="10" fill=(b.colour) {}
                text x=(22 + k * 102) y="11" font-size="11" fill="#4b5563" { (b.label) }
            }
        }
    }
}

fn one_decimal(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_owned(), |v| format!("{v:.1}"))
}

/// The figures of the city.
#[utoipa::path(get, path = "/operator/stats", tag = "operator_pages",
    operation_id = "operator_stats_page", security(("operator_session" = [])), responses(
    (status = OK, description = "the page", content_type = "text/html", body = String),
    (status = FORBIDDEN, description = "the operator's role does not see statistics", content_type = "text/html", body = String),
    (status = SEE_OTHER, description = "no live session: to `/operator/sign-in`"),
))]
pub(super) async fn stats_page(State(state): State<AppState>, session: Session) -> PageResult {
    let s = figures(&state).await?;
    let (agencies, certified, certificates) = s.totals();
    let most = s.districts.iter().map(|d| d.certified).max().unwrap_or(0);
    let body = html! {
        h1 { "统计 " small { "Statistics" } }
        p {
            "全市 " b { (agencies) } " 家机构，" b { (certified) } " 人持有有效上门服务证，累计发证 " b { (certificates) } " 张（按记录实时计算）。"
            br; span class="en" { (agencies) " agencies, " (certified) " workers holding a certificate in force, " (certificates) " certificates issued (computed from the records)." }
        }
        h2 { "各区 " small { "By district" } " " a href="/operator/stats/districts.csv" { small { "CSV" } } }
        table data-table="districts" {
            tr { th { "区 " small { "District" } } th { "机构 " small { "Agencies" } } th { "持证人员 " small { "Certified" } } th { "累计发证 " small { "Certificates" } } th style="width:30%" { "覆盖 " small { "Coverage" } } }
            @for d in &s.districts {
                tr { td { (d.district) } td { (d.agencies) } td { (d.certified) } td { (d.certificates) } td { (bar(d.certified, most)) } }
            }
        }
        h2 { "近 12 个月 " small { "The last 12 months" } " " a href="/operator/stats/months.csv" { small { "CSV" } } }
        (months_chart(&s.months, "months", "近 12 个月申领与核准 Applications and approvals, the last 12 months", [
            Bar { name: "applications", label: "申领 Applied", colour: "#0b4f8a", figure: |m| m.applications },
            Bar { name: "approved", label: "核准 Approved", colour: "#1e8e3e", figure: |m| m.approved },
        ]))
        (months_chart(&s.months, "trainings", "近 12 个月参训人数与考试通过 Workers trained and exams passed, the last 12 months", [
            Bar { name: "trained", label: "参训 Trained", colour: "#7a4fb5", figure: |m| m.trained },
            Bar { name: "passed", label: "考试通过 Passed", colour: "#d97706", figure: |m| m.passed },
        ]))
        table data-table="months" {
            tr {
                th { "月份 " small { "Month" } } th { "申领 " small { "Applied" } } th { "核准 " small { "Approved" } } th { "未通过 " small { "Rejected" } }
                th { "线下班 " small { "Offline classes" } } th { "线上班 " small { "Online classes" } } th { "参训人数 " small { "Trained" } }
                th { "考试 " small { "Exams" } } th { "通过率 " small { "Pass rate %" } } th { "评价 " small { "Ratings" } } th { "平均星级 " small { "Average" } } th { "投诉 " small { "Complaints" } }
                th { "办结 " small { "Closed" } } th { "办结天数中位数 " small { "Median days to close" } }
            }
            @for m in &s.months {
                tr {
                    td { (m.month) } td { (m.applications) } td { (m.approved) } td { (m.rejected) }
                    td { (m.offline_classes) } td { (m.online_classes) } td { (m.trained) }
                    td { (m.exams) } td { (one_decimal(m.pass_rate())) } td { (m.ratings) } td { (one_decimal(m.average_stars)) } td { (m.complaints) }
                    td { (m.closed) } td { (one_decimal(m.median_days_to_close)) }
                }
            }
        }
    };
    Ok(page(&session, "统计 Statistics", None, body).into_response())
}

/// One table of the statistics as CSV: `districts.csv` or `months.csv`.
#[utoipa::path(get, path = "/operator/stats/{file}", tag = "operator_pages",
    operation_id = "operator_stats_csv", security(("operator_session" = [])),
    params(("file" = String, Path, description = "`districts.csv` or `months.csv`")), responses(
    (status = OK, description = "the table, UTF-8 CSV with a BOM", content_type = "text/csv", body = String),
    (status = NOT_FOUND, description = "no such table", content_type = "text/html", body = String),
    (status = FORBIDDEN, description = "the operator's role does not see statistics", content_type = "text/html", body = String),
    (status = SEE_OTHER, description = "no live session: to `/operator/sign-in`"),
))]
pub(super) async fn stats_csv(State(state): State<AppState>, _session: Session, Path(file): Path<String>) -> PageResult {
    let rows: Vec<Vec<String>> = match file.as_str() {
        "districts.csv" => {
            let s = figures(&state).await?;
            std::iter::once(vec!["区 district".into(), "机构 agencies".into(), "持证人员 certified".into(), "累计发证 certificates".into()])
                .chain(s.districts.iter().map(|d| vec![d.district.into(), d.agencies.to_string(), d.certified.to_string(), d.certificates.to_string()]))
                .collect()
        }
        "months.csv" => {
            let s = figures(&state).await?;
            std::iter::once(
                ["月份 month", "申领 applied", "核准 approved", "未通过 rejected", "线下班 offline classes", "线上班 online classes", "参训人数 trained", "考试 exams", "通过 passed", "通过率 pass rate %", "评价 ratings", "平均星级 average stars", "投诉 complaints", "办结 closed", "办结天数中位数 median days to close"]
                    .map(String::from)
                    .to_vec(),
            )
            .chain(s.months.iter().map(|m| {
                vec![
                    m.month.clone(),
                    m.applications.to_string(),
                    m.approved.to_string(),
                    m.rejected.to_string(),
                    m.offline_classes.to_string(),
                    m.online_classes.to_string(),
                    m.trained.to_string(),
                    m.exams.to_string(),
                    m.passed.to_string(),
                    m.pass_rate().map(|r| format!("{r:.1}")).unwrap_or_default(),
                    m.ratings.to_string(),
                    m.average_stars.map(|a| format!("{a:.2}")).unwrap_or_default(),
                    m.complaints.to_string(),
                    m.closed.to_string(),
                    m.median_days_to_close.map(|d| format!("{d:.1}")).unwrap_or_default(),
                ]
            }))
            .collect()
        }
        _ => return Err(AppError::NotFound("statistics table").into()),
    };
    Ok(csv_file(&format!("certdesk-{file}"), rows))
}

/// A table as a CSV download named `name`: UTF-8 with a BOM (Excel reads the Chinese), CRLF.
pub(super) fn csv_file(name: &str, rows: impl IntoIterator<Item = Vec<String>>) -> axum::response::Response {
    let mut text = String::from("\u{feff}");
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
        text.push_str(&cells.join(","));
        text.push_str("\r\n");
    }
    ([(CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))], text)
        .into_response()
}

/// A CSV cell: neutralised like every spreadsheet the project writes, quoted when needed.
fn csv_cell(text: &str) -> String {
    let safe = certdesk_sheet::neutralise(text);
    if safe.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}
