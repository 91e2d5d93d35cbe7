//! Writes the seed corpora under `fuzz/corpus/<target>/`, each made by the products' own code:
//! credentials signed by the platform's signing functions, spreadsheets written by the desk's
//! spreadsheet writer (and a GBK csv as Excel on Chinese Windows saves one), ID numbers with
//! the check character the domain computes, push bodies in the shape the desk sends. Run it
//! again (`scripts/fuzz --seeds`) when a format changes; the corpora are committed.

use std::path::{Path, PathBuf};

use certdesk_protocol::credential::{issue_electronic_url, issue_url, sign_payload};
use certdesk_sheet::WriteCell;
use chrono::Duration;
use serde_json::json;

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "corpus".into()));
    id_numbers(&root.join("id_number"));
    credentials(&root.join("credential"));
    spreadsheets(&root.join("import"));
    pushes(&root.join("push"));
    idcard(&root.join("idcard"));
}

/// What a reader sends for a card on it (found, selected, read with its photo), and for no card.
fn idcard(dir: &Path) {
    use certdesk_idcard::{answer, text_block, CardText, SW_FOUND, SW_NO_CARD, SW_OK};
    let card = CardText {
        name: "张三".into(),
        gender: certdesk_domain::Gender::Female,
        ethnicity: "汉".into(),
        birth_date: chrono::NaiveDate::from_ymd_opt(1985, 3, 12).unwrap(),
        address: "上海市徐汇区漕溪北路1号".into(),
        id_number: id("310104", "19850312", "124"),
        authority: "上海市公安局徐汇分局".into(),
        valid_from: chrono::NaiveDate::from_ymd_opt(2020, 5, 1).unwrap(),
        valid_until: None,
    };
    let mut data = vec![0x01, 0x00, 0x04, 0x00];
    data.extend_from_slice(&text_block(&card, "01"));
    data.extend_from_slice(&[0x57; 1024]);
    let whole = [answer(SW_FOUND, &[0; 4]), answer(SW_OK, &[]), answer(SW_OK, &data)].concat();
    put(dir, "card", &whole);
    put(dir, "no-card", answer(SW_NO_CARD, &[]));
}

fn put(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    std::fs::create_dir_all(dir).expect("the corpus folder");
    std::fs::write(dir.join(name), bytes).expect("a seed is written");
}

/// An 18-character number born on `birth` (YYYYMMDD) in `area`, with its right check character.
fn id(area: &str, birth: &str, sequence: &str) -> String {
    let first17 = format!("{area}{birth}{sequence}");
    let check = certdesk_domain::check_char(&first17).expect("17 ASCII digits");
    format!("{first17}{check}")
}

fn id_numbers(dir: &Path) {
    put(dir, "shanghai", id("310104", "19850312", "123"));
    let ending_x = (0..1000)
        .map(|n| id("310101", "19900101", &format!("{n:03}")))
        .find(|id| id.ends_with('X'))
        .expect("one sequence in eleven ends in X");
    put(dir, "check-x", &ending_x);
    // Typed in groups, with a lower-case x, as clerks copy it.
    put(dir, "lower-x-spaced", format!(" {} {} {} ", &ending_x[..6], &ending_x[6..14], &ending_x[14..]).to_lowercase());
    put(dir, "legacy-15", "310104850312123");
    put(dir, "hong-kong-permit", id("810000", "19880808", "002"));
    put(dir, "full-width", id("310115", "19790203", "442").chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)).collect::<String>());
    put(dir, "too-young", id("310104", "20150101", "123"));
    let mut wrong = id("310104", "19850312", "123");
    let last = if wrong.ends_with('0') { '1' } else { '0' };
    wrong.pop();
    wrong.push(last);
    put(dir, "wrong-check", wrong);
}

fn credentials(dir: &Path) {
    let base = "https://platform.example/c/";
    let (ed, sm2) = (certdesk_fuzz::ed25519_key(), certdesk_fuzz::sm2_key());
    let (ed_id, sm2_id) = (certdesk_fuzz::ED25519_KEY_ID, certdesk_fuzz::SM2_KEY_ID);
    let signed_at = certdesk_fuzz::now() - Duration::seconds(60);
    put(dir, "printed-ed25519", issue_url(base, &certdesk_fuzz::claims(ed_id, 1), &ed).expect("signed"));
    put(dir, "printed-sm2", issue_url(base, &certdesk_fuzz::claims(sm2_id, 1), &sm2).expect("signed"));
    put(dir, "revoked", issue_url(base, &certdesk_fuzz::claims(ed_id, 2), &ed).expect("signed"));
    put(dir, "replaced", issue_url(base, &certdesk_fuzz::claims(ed_id, 3), &ed).expect("signed"));
    put(dir, "electronic-ed25519", issue_electronic_url(base, &certdesk_fuzz::claims(ed_id, 1), signed_at, &ed).expect("signed"));
    put(dir, "electronic-sm2", issue_electronic_url(base, &certdesk_fuzz::claims(sm2_id, 1), signed_at, &sm2).expect("signed"));
    put(dir, "payload-only", sign_payload(&certdesk_fuzz::claims(ed_id, 4), &ed).expect("signed"));
    let url = issue_url(base, &certdesk_fuzz::claims(ed_id, 5), &ed).expect("signed");
    put(dir, "with-query", format!("{url}?from=wechat#top"));
}

const HEADERS: [&str; 9] = ["姓名", "身份证号", "手机号", "住址", "服务类型", "紧急联系人", "紧急联系人电话", "征信授权日期", "企业核实"];

fn rows() -> Vec<Vec<WriteCell>> {
    let t = |s: &str| WriteCell::Text(s.into());
    vec![
        vec![t("张三"), t(&id("310104", "19850312", "123")), t("13812345678"), t("上海市徐汇区漕溪北路2号"), t("保洁、育婴"), t("李四"), t("13900000000"), t("2026-01-05"), t("是")],
        vec![t("王芳"), t(&id("310115", "19790203", "442")), t("13987654321"), WriteCell::Empty, t("养老护理"), WriteCell::Empty, WriteCell::Empty, WriteCell::Date(chrono::NaiveDate::from_ymd_opt(2026, 2, 1).expect("a day")), t("否")],
        vec![t("李"), WriteCell::Number(3.10104198503121e17), t("1381234"), t("某路1号"), t("cleaning"), t("赵六"), t("13900000001"), t("昨天"), t("?")],
    ]
}

fn spreadsheets(dir: &Path) {
    std::fs::create_dir_all(dir).expect("the corpus folder");
    certdesk_sheet::write_table(&dir.join("workers.xlsx"), "人员", &HEADERS, rows().into_iter(), &[]).expect("an .xlsx is written");
    certdesk_sheet::write_table(&dir.join("workers.csv"), "人员", &HEADERS, rows().into_iter(), &[]).expect("a .csv is written");
    // What Excel on Chinese Windows saves as csv: GBK, no BOM.
    let utf8 = std::fs::read_to_string(dir.join("workers.csv")).expect("the csv just written");
    let titled = utf8.trim_start_matches('\u{feff}').to_string();
    let (gbk, _, _) = encoding_rs::GBK.encode(&titled);
    put(dir, "workers-gbk.csv", gbk);
}

fn pushes(dir: &Path) {
    let device = certdesk_fuzz::DEVICE_ID;
    let worker = json!({
        "name": "张三", "id_number": id("310104", "19850312", "123"), "phone": "13812345678",
        "address": "上海市徐汇区漕溪北路2号", "service_types": ["cleaning"], "emergency_contact_name": "王五",
        "emergency_contact_phone": "13912345678", "consent_date": "2026-01-01",
        "agency_check_done": true, "status": "eligible"
    });
    let w = "01920000-0000-7000-8000-00000000a001";
    let entry = |seq: i64, id: &str, entity: &str, op: &str, payload: serde_json::Value| {
        json!({"seq": seq, "id": id, "entity": entity, "entity_id": w, "op": op, "payload": payload})
    };
    let body = |entries: Vec<serde_json::Value>| serde_json::to_vec_pretty(&json!({"device_id": device, "entries": entries})).expect("JSON");
    put(dir, "upsert", body(vec![entry(1, "01920000-0000-7000-8000-00000000e001", "worker", "upsert", worker.clone())]));
    put(
        dir,
        "upsert-apply-cancel",
        body(vec![
            entry(1, "01920000-0000-7000-8000-00000000e001", "worker", "upsert", worker.clone()),
            entry(2, "01920000-0000-7000-8000-00000000e002", "worker", "apply", worker.clone()),
            entry(3, "01920000-0000-7000-8000-00000000e003", "worker", "cancel", json!({})),
        ]),
    );
    put(dir, "reissue-unknown", body(vec![entry(1, "01920000-0000-7000-8000-00000000e004", "worker", "reissue", json!({}))]));
    put(
        dir,
        "training-class",
        body(vec![entry(
            1,
            "01920000-0000-7000-8000-00000000e005",
            "training_class",
            "upsert",
            json!({"name": "育婴师培训", "start_date": "2026-11-01", "end_date": "2026-11-20", "hours": 40}),
        )]),
    );
    put(dir, "newer-desk", body(vec![entry(1, "01920000-0000-7000-8000-00000000e006", "pet", "adopt", json!({"x": 1}))]));
    put(dir, "empty", body(vec![]));
}
