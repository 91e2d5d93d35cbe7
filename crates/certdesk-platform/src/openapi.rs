//! The platform's contract (OpenAPI 3.1), derived from the code: every path and operation from
//! the `#[utoipa::path]` of the handler that [`crate::api::routes`] registers there, every
//! schema from the protocol's types (their doc comments become the descriptions), and the
//! document-wide parts (title, description, tags, security schemes) from [`ApiDoc`]. It is
//! served at `/api/v1/openapi.yaml` and committed as `docs/openapi.yaml` for other
//! implementers; the tests below fail when the committed file is stale, when a route is served
//! undocumented, or when the document names an operation the router does not serve.
//!
//! The YAML must never be edited by hand: change the Rust and regenerate it with
//! `CERTDESK_BLESS=1 cargo test -p certdesk-platform openapi`.

use std::sync::Arc;

use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::Extension;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{Modify, OpenApi};

use crate::api::AppState;
use crate::operator_pages::auth::SESSION_COOKIE;

/// Where the contract is committed, relative to the workspace root.
pub const COMMITTED_PATH: &str = "docs/openapi.yaml";

/// What the document says before any path: who it is for and the rules every operation keeps.
const DESCRIPTION: &str = "\
The contract between an agency's desk (certdesk) and the central platform of Shanghai's
home-service certificate programme. A real city platform can implement the same contract.

* HTTPS only. Every request body is JSON (except the results import, CSV; blob uploads, bytes;
  and the HTML forms) and at most 1 MiB; a larger body answers 413.
* Every refusal of the JSON API answers `{code, message_zh, message_en}` (schema `ApiError`):
  `code` is stable, the messages are for people. 5xx answers never reveal their cause.
* Desks authenticate with `Authorization: Bearer <device_id>.<device_secret>` (scheme
  `device`), obtained once from `POST /api/v1/devices/enrol`. Operator scripts authenticate
  with `Authorization: Bearer <API key>` (scheme `operator`): each operator's own key, made with
  `certdesk-platform operator key create`, scoped to areas their role may use, expiring and
  revocable; a call outside its scopes answers 403. Rotating or withdrawing a signing key needs
  two administrators (the first call answers 202). Every operator call that changes something
  is audited. Credentials are never accepted in a URL. Missing, wrong, expired and revoked
  credentials all answer 401.
* Operators at a browser use the HTML pages under `/operator` (tag `operator_pages`): they sign
  in with a name and password and hold a session cookie (scheme `operator_session`); every POST
  must come from this origin and carry the session's CSRF token in its `csrf` field, or it is
  refused (403) and changes nothing. Without a live session a page redirects (303) to
  `/operator/sign-in`.
* A device only ever sees and changes its own agency's records.

This document is generated from the platform's code (`crates/certdesk-platform`,
`crates/certdesk-protocol`); do not edit it by hand.
";

/// The document-wide parts of the contract; [`crate::api::routes`] adds every path to it.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "certdesk central platform API (上门服务证平台接口)",
        version = "1.0.0",
        description = DESCRIPTION,
    ),
    servers((
        url = "https://127.0.0.1:8443",
        description = "a local platform started with `certdesk-platform serve --dev-tls`",
    )),
    tags(
        (name = "health", description = "whether the process is up and can reach its store"),
        (name = "public", description = "what anyone may read: the contract, the trust and revocation lists, the card's verification page"),
        (name = "desk", description = "what an enrolled desk device calls: enrolment, sync, photos"),
        (name = "operator", description = "the platform staff's JSON API, for scripts"),
        (name = "operator_pages", description = "the platform staff's HTML pages, for a browser"),
    ),
    modifiers(&SecuritySchemes),
)]
pub struct ApiDoc;

/// The three ways a caller proves who it is, as the extractors check them
/// ([`crate::api::DeviceAuth`], [`crate::api::OperatorAuth`],
/// [`crate::operator_pages::auth::Session`]).
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "device",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "`<device_id>.<device_secret>` from enrolment; revocable per device",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "operator",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("an operator's own API key (`certdesk-platform operator key create`)"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "operator_session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                SESSION_COOKIE,
                "the session cookie set by `POST /operator/sign-in` (30 minutes idle, 12 hours \
                 at most); every POST also carries the session's CSRF token in its `csrf` field",
            ))),
        );
    }
}

/// The platform's contract, from the same routes [`crate::api::app`] serves.
pub fn document(state: AppState) -> Document {
    crate::api::routes(state).into_openapi()
}

/// The contract as the YAML that is served and committed.
pub fn to_yaml(doc: &Document) -> String {
    doc.to_yaml()
        .expect("an OpenAPI document of plain values always serialises")
}

/// The contract as served, rendered once when the router is built.
#[derive(Clone)]
pub struct Contract(Arc<str>);

impl Contract {
    /// Renders `doc` for serving.
    pub fn of(doc: &Document) -> Contract {
        Contract(to_yaml(doc).into())
    }
}

/// This document.
#[utoipa::path(get, path = "/openapi.yaml", tag = "public", responses(
    (status = OK, description = "the contract", content_type = "application/yaml", body = String),
))]
pub(crate) async fn contract(Extension(Contract(yaml)): Extension<Contract>) -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/yaml; charset=utf-8")], yaml.to_string())
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::PathBuf;

    use axum::body::Body;
    use axum::extract::Request;
    use axum::http::{Method, StatusCode};
    use tower::ServiceExt;
    use uuid::Uuid;

    use super::*;
    use crate::api::tests::state;

    fn workspace_root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    /// Each HTTP method of a path item with the operation documented for it, if any.
    fn operations(item: &utoipa::openapi::PathItem) -> [(Method, &Option<utoipa::openapi::path::Operation>); 8] {
        [
            (Method::GET, &item.get),
            (Method::HEAD, &item.head),
            (Method::POST, &item.post),
            (Method::PUT, &item.put),
            (Method::PATCH, &item.patch),
            (Method::DELETE, &item.delete),
            (Method::OPTIONS, &item.options),
            (Method::TRACE, &item.trace),
        ]
    }

    /// `(method, path template)` of every operation in the generated document.
    fn documented_operations(doc: &Document) -> BTreeSet<(Method, String)> {
        let mut ops = BTreeSet::new();
        for (path, item) in &doc.paths.paths {
            for (method, op) in operations(item) {
                if op.is_some() {
                    ops.insert((method, path.clone()));
                }
            }
        }
        ops
    }

    /// A request path for a template: each parameter gets a value of the right shape.
    fn concrete(path: &str) -> String {
        path.replace("{agency_id}", &Uuid::nil().to_string())
            .replace("{device_id}", &Uuid::nil().to_string())
            .replace("{application_id}", &Uuid::nil().to_string())
            .replace("{rating_id}", &Uuid::nil().to_string())
            .replace("{payload}", "x")
            .replace("{sha256}", &"0".repeat(64))
            .replace("{key_id}", "1")
            .replace("{class_id}", &Uuid::nil().to_string())
            .replace("{complaint_id}", &Uuid::nil().to_string())
            .replace("{file}", "months.csv")
            .replace("{target}", "linux")
            .replace("{arch}", "x86_64")
            .replace("{bundle}", "deb")
            .replace("{current_version}", "0.1.0")
            .replace("{version}", "0.1.1")
            .replace("{secret}", &"A".repeat(43))
    }

    /// Whether the router serves `method` at `path`: neither 405 nor the fallback's 404.
    async fn served(method: &Method, path: &str) -> (StatusCode, bool) {
        let uri = concrete(path);
        assert!(!uri.contains('{'), "a parameter of {path} has no sample value");
        let req = Request::builder()
            .method(method)
            .uri(&uri)
            .body(Body::empty())
            .unwrap();
        let res = crate::api::app(state()).oneshot(req).await.unwrap();
        let status = res.status();
        let body = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        let fallback = String::from_utf8_lossy(&body).contains("Not found: route");
        (status, status != StatusCode::METHOD_NOT_ALLOWED && !fallback)
    }

    #[test]
    fn openapi_the_committed_document_is_the_generated_one() {
        let generated = to_yaml(&document(state()));
        let path = workspace_root().join(COMMITTED_PATH);
        if std::env::var_os("CERTDESK_BLESS").is_some_and(|v| v == "1") {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{COMMITTED_PATH} is not what the code generates (first difference at line {}); \
             regenerate it with `CERTDESK_BLESS=1 cargo test -p certdesk-platform openapi` and \
             commit it",
            committed
                .lines()
                .zip(generated.lines())
                .position(|(a, b)| a != b)
                .map_or(committed.lines().count().min(generated.lines().count()), |i| i)
                + 1
        );
    }

    #[tokio::test]
    async fn openapi_every_documented_operation_is_served() {
        let ops = documented_operations(&document(state()));
        assert!(ops.len() >= 16, "the contract was read: {ops:?}");
        for (method, path) in ops {
            let (status, served) = served(&method, &path).await;
            assert!(
                served,
                "{method} {path} is in the contract but not routed ({status})"
            );
        }
    }

    #[tokio::test]
    async fn openapi_no_method_is_served_on_a_documented_path_that_is_not_documented() {
        let ops = documented_operations(&document(state()));
        let mut by_path: BTreeMap<&str, BTreeSet<&Method>> = BTreeMap::new();
        for (method, path) in &ops {
            by_path.entry(path).or_default().insert(method);
        }
        for (path, methods) in by_path {
            for method in [
                Method::GET,
                Method::HEAD,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
                Method::OPTIONS,
                Method::TRACE,
            ] {
                // HTTP serves HEAD wherever it serves GET (axum does so by itself).
                let documented = methods.contains(&method)
                    || (method == Method::HEAD && methods.contains(&Method::GET));
                if documented {
                    continue;
                }
                let (status, served) = served(&method, path).await;
                assert!(
                    !served,
                    "{method} {path} is served ({status}) but not in the contract: give its \
                     handler a #[utoipa::path] and register it with routes!"
                );
            }
        }
    }

    /// The router has no list of its routes to compare with, so the guarantee is structural:
    /// every route is registered through `utoipa_axum::routes!`, which takes the path and the
    /// methods from the handler's `#[utoipa::path]` and adds the operation to the document in
    /// the same call. This test fails when any source file registers a route another way.
    #[test]
    fn openapi_routes_are_registered_only_together_with_their_documentation() {
        fn rust_files(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    rust_files(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        rust_files(
            &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        assert!(files.len() > 10, "the sources were found: {files:?}");
        // Spelled in pieces so this file does not match itself.
        let forbidden = [
            [".rou", "te("].concat(),
            [".route_", "service("].concat(),
            [".nest_", "service("].concat(),
            ["axum::", "routing"].concat(),
        ];
        let mut found = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                if let Some(f) = forbidden.iter().find(|f| code.contains(f.as_str())) {
                    found.push(format!("{}:{}: {f}", file.display(), n + 1));
                }
            }
        }
        assert!(
            found.is_empty(),
            "routes registered without their documentation (use #[utoipa::path] and \
             routes!): {found:#?}"
        );
    }

    /// Attribute values must be literals, so the limits the code enforces are written twice:
    /// this keeps the documented ones equal to the constants.
    #[test]
    fn openapi_documented_limits_are_the_ones_the_code_enforces() {
        let doc = serde_json::to_value(document(state())).unwrap();
        let param = |path: &str, method: &str, name: &str| {
            doc["paths"][path][method]["parameters"]
                .as_array()
                .and_then(|ps| ps.iter().find(|p| p["name"] == name))
                .map(|p| p["schema"].clone())
                .unwrap_or_else(|| panic!("{method} {path} documents no parameter {name}"))
        };
        let payload = param("/c/{payload}", "get", "payload");
        let chars = certdesk_protocol::credential::PAYLOAD_CHARS;
        assert_eq!(payload["minLength"], chars, "a card's payload length");
        let electronic = certdesk_protocol::credential::ELECTRONIC_PAYLOAD_CHARS;
        assert_eq!(payload["maxLength"], electronic, "an electronic card's payload length");
        let limit = param("/api/v1/sync/pull", "get", "limit");
        assert_eq!(limit["maximum"], crate::api::MAX_PULL, "the pull's cap");
        assert_eq!(limit["default"], crate::api::MAX_PULL, "the pull's default");
        let push = &doc["paths"]["/api/v1/sync/push"]["post"]["description"];
        assert!(
            push.as_str()
                .unwrap_or_default()
                .contains(&format!("At most {} entries per batch", crate::api::MAX_BATCH)),
            "the push's batch limit: {push}"
        );
    }

    #[test]
    fn openapi_every_operation_has_its_own_id_a_summary_and_an_answer() {
        let doc = document(state());
        let mut ids = BTreeMap::new();
        for (path, item) in &doc.paths.paths {
            for (method, op) in operations(item) {
                let Some(op) = op else { continue };
                let id = op.operation_id.clone().unwrap_or_default();
                let previous = ids.insert(id.clone(), format!("{method} {path}"));
                assert!(
                    previous.is_none(),
                    "operation id {id} is used by {previous:?} and {method} {path}: give one \
                     handler an operation_id"
                );
                assert!(
                    op.summary.as_deref().is_some_and(|s| !s.trim().is_empty()),
                    "{method} {path} has no summary: give its handler a doc comment"
                );
                assert!(
                    !op.responses.responses.is_empty(),
                    "{method} {path} documents no answer"
                );
                assert!(
                    op.tags.as_ref().is_some_and(|t| !t.is_empty()),
                    "{method} {path} has no tag"
                );
            }
        }
    }
}
