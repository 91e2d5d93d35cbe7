//! The window's IPC contract, generated: every type a command takes or returns, every event
//! payload and the error are TypeScript files in `ui/src/bindings/`, written from the Rust types
//! by ts-rs, and `commands.ts` maps each registered command to its arguments and result, read
//! from the `#[tauri::command]` signatures themselves. `docs/ipc.md` documents exactly the
//! registered commands.
//!
//! The test fails when anything it would write differs from what is committed; then run
//!
//! ```text
//! UPDATE_BINDINGS=1 cargo test -p certdesk-app bindings
//! ```
//!
//! and commit `ui/src/bindings/`. Nothing here may be edited by hand on the TypeScript side:
//! a type changes in Rust, then the bindings are regenerated.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;
use ts_rs::{Config, TS};

/// The command that rewrites the committed bindings.
const REGENERATE: &str = "UPDATE_BINDINGS=1 cargo test -p certdesk-app bindings";

fn shell_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bindings_dir() -> PathBuf {
    shell_dir().join("../ui/src/bindings")
}

fn config(out: &Path) -> Config {
    // Every integer the desk sends (counts, versions, cursors) fits a JS number.
    Config::new().with_large_int("number").with_out_dir(out)
}

/// One Rust type the IPC carries at its top level: its name in Rust signatures, its name in
/// TypeScript, and how to write it (with everything it refers to).
struct Root {
    rust: &'static str,
    ts: String,
    export: fn(&Config) -> Result<(), ts_rs::ExportError>,
}

macro_rules! roots {
    ($cfg:expr; $($ty:ty),* $(,)?) => {
        vec![$(Root {
            rust: {
                let full = stringify!($ty);
                full.rsplit("::").next().unwrap_or(full).trim()
            },
            ts: <$ty as TS>::name($cfg),
            export: |c| <$ty as TS>::export_all(c),
        }),*]
    };
}

/// Every type that crosses the IPC at the top level: command arguments and results, event
/// payloads, the error. Types they contain come along by themselves.
fn roots(cfg: &Config) -> Vec<Root> {
    use certdesk_domain::training::{ClassInput, SupervisionInput};
    use certdesk_domain::{Eligibility, TrainingSettings, WorkerStatus};
    use certdesk_store::*;
    use certdesk_sync::{Enrolment, JoinReport, SyncProgress, SyncReport};
    roots![cfg;
        crate::AppState, crate::ManagerInput, crate::cards::Target, crate::cards::Progress,
        crate::training::ImportProgress,
        DeskError, Agency, SessionUser, NewUser, UserInfo, IdPreview, PreparedPhoto, WorkerInput, Worker,
        WorkerDetail, SearchResult, WorkerStatus,
        SyncStatus, SyncReport, SyncProgress, Enrolment, JoinReport, ApplyAllReport, SyncRejection, PlatformView,
        TrainingSettings, ClassInput, TrainingClass, ClassDetail, Participant, AttendanceInput, ExamInput,
        ExamResult, SupervisionInput, SupervisionForm, Eligibility, WorkerTraining, ImportOptions,
        ImportReport, HoursImportOptions, HoursImportReport, RosterFormat, RosterFilter, RosterExport,
        DeskStats,
        certdesk_card::Layout, CardState, CancelReason, LossKind, Calibration, ScanReport, FeedbackSummary,
        Feedback, certdesk_print::PrintOutcome, certdesk_print::PrinterInfo,
        certdesk_domain::health::HealthCheckInput, certdesk_domain::health::InsuranceInput, HealthCheck, InsurancePolicy,
        Deadline, WorkerToComplete, CoverKind, CoverImportReport, KeptFiling, certdesk_print::PackFiles,
        certdesk_core::backup::BackupPlan, certdesk_core::backup::BackupWritten, certdesk_idcard::CardText,
        crate::update::UpdateStatus, crate::update::AvailableUpdate, crate::update::UpdateProgress,
        crate::update::InstalledUpdate,
    ]
}

/// A `#[tauri::command]` function as the window calls it.
struct Command {
    name: String,
    /// (camelCase name as `invoke` takes it, TypeScript type, may be left out).
    args: Vec<(String, String, bool)>,
    result: String,
}

/// Shell state a command receives from Tauri, never from the window.
fn injected(ty: &syn::Type) -> bool {
    let text = quote_type(ty);
    ["State", "AppHandle", "Window", "Webview", "WebviewWindow"].iter().any(|t| text.contains(t))
}

fn quote_type(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p.path.segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>().join("::"),
        syn::Type::Reference(r) => quote_type(&r.elem),
        syn::Type::Tuple(t) if t.elems.is_empty() => "()".into(),
        _ => "?".into(),
    }
}

fn generic(seg: &syn::PathSegment, n: usize) -> Option<&syn::Type> {
    match &seg.arguments {
        syn::PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .nth(n),
        _ => None,
    }
}

/// The TypeScript for a Rust type in a command signature; `names` maps Rust names of the
/// exported roots to their TypeScript names, `used` collects the ones referred to.
fn ts_type(ty: &syn::Type, names: &BTreeMap<&str, String>, used: &mut BTreeSet<String>) -> Result<String, String> {
    match ty {
        syn::Type::Reference(r) => ts_type(&r.elem, names, used),
        syn::Type::Tuple(t) if t.elems.is_empty() => Ok("null".into()),
        syn::Type::Path(p) => {
            let seg = p.path.segments.last().ok_or("empty path")?;
            let inner = |n| generic(seg, n).ok_or_else(|| format!("{} without its parameter", seg.ident));
            match seg.ident.to_string().as_str() {
                "String" | "str" | "NaiveDate" => Ok("string".into()),
                "bool" => Ok("boolean".into()),
                "u8" | "u16" | "u32" | "u64" | "usize" | "i32" | "i64" | "f32" | "f64" => Ok("number".into()),
                "Value" => Ok("unknown".into()),
                "Response" => Ok("ArrayBuffer".into()),
                "Option" => Ok(format!("{} | null", ts_type(inner(0)?, names, used)?)),
                "Vec" => Ok(format!("Array<{}>", ts_type(inner(0)?, names, used)?)),
                "CmdResult" | "Result" => ts_type(inner(0)?, names, used),
                other => {
                    let ts = names.get(other).ok_or_else(|| {
                        format!("`{other}` crosses the IPC but is not among the exported roots in src-tauri/src/bindings.rs")
                    })?;
                    used.insert(ts.clone());
                    Ok(ts.clone())
                }
            }
        }
        other => Err(format!("unsupported type in a command signature: {}", quote_type(other))),
    }
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_source(file: &str) -> syn::File {
    let path = shell_dir().join("src").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every Rust file of the shell (`src/`, nested folders included), relative to `src/`, sorted.
fn sources() -> Vec<String> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.path().is_dir() {
                walk(&entry.path(), &format!("{prefix}{name}/"), out);
            } else if name.ends_with(".rs") {
                out.push(format!("{prefix}{name}"));
            }
        }
    }
    let mut out = Vec::new();
    walk(&shell_dir().join("src"), "", &mut out);
    out.sort();
    out
}

/// Every `#[tauri::command]` in the shell's sources.
fn commands(names: &BTreeMap<&str, String>, used: &mut BTreeSet<String>) -> Vec<Command> {
    let mut out = Vec::new();
    for file in sources() {
        for item in parse_source(&file).items {
            let syn::Item::Fn(f) = item else { continue };
            let is_command = f.attrs.iter().any(|a| a.path().segments.last().is_some_and(|s| s.ident == "command"));
            if !is_command {
                continue;
            }
            let name = f.sig.ident.to_string();
            let fail = |e: String| panic!("command `{name}` ({file}): {e}");
            let mut args = Vec::new();
            for input in &f.sig.inputs {
                let syn::FnArg::Typed(arg) = input else { continue };
                if injected(&arg.ty) {
                    continue;
                }
                let syn::Pat::Ident(id) = &*arg.pat else { fail("an argument that is not a plain name".into()) };
                let optional = quote_type(&arg.ty) == "Option";
                let ty = ts_type(&arg.ty, names, used).unwrap_or_else(|e| fail(e));
                args.push((camel(&id.ident.to_string()), ty, optional));
            }
            let result = match &f.sig.output {
                syn::ReturnType::Default => "null".to_string(),
                syn::ReturnType::Type(_, ty) => ts_type(ty, names, used).unwrap_or_else(|e| fail(e)),
            };
            out.push(Command { name, args, result });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The commands registered in `tauri::generate_handler![..]` (lib.rs), by their function name.
fn registered() -> Vec<String> {
    struct Find(Vec<String>);
    impl<'ast> Visit<'ast> for Find {
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            if m.path.segments.last().is_some_and(|s| s.ident == "generate_handler") {
                let paths = m
                    .parse_body_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
                    .expect("generate_handler! lists paths");
                self.0.extend(paths.iter().map(|p| p.segments.last().expect("a name").ident.to_string()));
            }
        }
    }
    let mut find = Find(Vec::new());
    find.visit_file(&parse_source("lib.rs"));
    find.0.sort();
    find.0
}

/// Every event the shell emits: `.emit("name", Payload { .. })` or `.emit("name", ())`.
fn events(names: &BTreeMap<&str, String>, used: &mut BTreeSet<String>) -> BTreeMap<String, String> {
    struct Find(Vec<(String, syn::Expr)>);
    impl<'ast> Visit<'ast> for Find {
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            if call.method == "emit" && call.args.len() == 2 {
                if let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(name), .. }) = &call.args[0] {
                    self.0.push((name.value(), call.args[1].clone()));
                }
            }
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    let mut find = Find(Vec::new());
    for file in sources() {
        find.visit_file(&parse_source(&file));
    }
    let mut out = BTreeMap::new();
    for (name, payload) in find.0 {
        let ty = match &payload {
            syn::Expr::Tuple(t) if t.elems.is_empty() => "null".to_string(),
            syn::Expr::Struct(s) => {
                let ty = syn::Type::Path(syn::TypePath { qself: None, path: s.path.clone() });
                ts_type(&ty, names, used).unwrap_or_else(|e| panic!("event `{name}`: {e}"))
            }
            _ => panic!("event `{name}`: write its payload as a struct literal or () so its type can be read"),
        };
        if let Some(before) = out.insert(name.clone(), ty.clone()) {
            assert_eq!(before, ty, "event `{name}` is emitted with two payload types");
        }
    }
    out
}

fn commands_ts(commands: &[Command], events: &BTreeMap<String, String>, used: &BTreeSet<String>) -> String {
    let mut s = String::from(
        "// Generated from the #[tauri::command] signatures of src-tauri by the `bindings` test; do not edit.\n\
         // Rewrite with: UPDATE_BINDINGS=1 cargo test -p certdesk-app bindings\n\n",
    );
    for t in used {
        s.push_str(&format!("import type {{ {t} }} from './{t}';\n"));
    }
    s.push_str("\n/** Every command the window may invoke: its arguments (as `invoke` takes them) and its result. */\nexport type Commands = {\n");
    for c in commands {
        let args = if c.args.is_empty() {
            "Record<string, never>".to_string()
        } else {
            let fields: Vec<String> =
                c.args.iter().map(|(n, t, opt)| format!("{n}{}: {t}", if *opt { "?" } else { "" })).collect();
            format!("{{ {} }}", fields.join("; "))
        };
        s.push_str(&format!("  {}: {{ args: {args}; result: {} }};\n", c.name, c.result));
    }
    s.push_str("};\n\n/** Every event the shell emits, with its payload. */\nexport type Events = {\n");
    for (name, ty) in events {
        s.push_str(&format!("  {name}: {ty};\n"));
    }
    s.push_str("};\n\n/** The registered command names. */\nexport const COMMANDS = [\n");
    for c in commands {
        s.push_str(&format!("  '{}',\n", c.name));
    }
    s.push_str("] as const;\n");
    s
}

/// Writes every binding into `out` (which must be empty); returns the registered commands.
fn generate(out: &Path) -> Vec<String> {
    let cfg = config(out);
    let roots = roots(&cfg);
    for r in &roots {
        (r.export)(&cfg).unwrap_or_else(|e| panic!("exporting {}: {e}", r.rust));
    }
    let names: BTreeMap<&str, String> = roots.iter().map(|r| (r.rust, r.ts.clone())).collect();
    let mut used = BTreeSet::new();
    let commands = commands(&names, &mut used);
    let events = events(&names, &mut used);
    let registered = registered();
    let defined: Vec<String> = commands.iter().map(|c| c.name.clone()).collect();
    assert_eq!(defined, registered, "every #[tauri::command] is registered in generate_handler! and nothing else is");
    std::fs::write(out.join("commands.ts"), commands_ts(&commands, &events, &used)).unwrap();
    let mut index = String::from("// Generated by the `bindings` test of certdesk-app; do not edit.\n");
    for file in files(out) {
        let stem = file.trim_end_matches(".ts");
        if stem != "index" && stem != "commands" {
            index.push_str(&format!("export type {{ {stem} }} from './{stem}';\n"));
        }
    }
    index.push_str("export type { Commands, Events } from './commands';\nexport { COMMANDS } from './commands';\n");
    std::fs::write(out.join("index.ts"), index).unwrap();
    defined
}

/// The `.ts` file names in a folder, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".ts")).collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

/// The command names `docs/ipc.md` documents: the first cell of each row of its command tables.
fn documented_commands() -> Vec<String> {
    let path = shell_dir().join("../docs/ipc.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut in_table = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with("| command |") {
            in_table = true;
            continue;
        }
        if !line.starts_with('|') {
            in_table = false;
            continue;
        }
        if in_table && !line.starts_with("|---") {
            let first = line.split('|').nth(1).unwrap_or("").trim();
            let name = first.trim_matches('`');
            assert!(
                !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "docs/ipc.md: a command row names one command as `name`, found {first:?}"
            );
            out.push(name.to_string());
        }
    }
    out.sort();
    out
}

#[test]
fn bindings_are_generated_from_the_rust_types_and_committed() {
    let tmp = tempfile::tempdir().unwrap();
    generate(tmp.path());
    let committed = bindings_dir();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        if committed.exists() {
            std::fs::remove_dir_all(&committed).unwrap();
        }
        std::fs::create_dir_all(&committed).unwrap();
        for f in files(tmp.path()) {
            std::fs::copy(tmp.path().join(&f), committed.join(&f)).unwrap();
        }
    }
    let (new, old) = (files(tmp.path()), files(&committed));
    assert_eq!(new, old, "the files in ui/src/bindings/ are not the ones the Rust types give: run `{REGENERATE}`");
    for f in &new {
        let want = std::fs::read_to_string(tmp.path().join(f)).unwrap();
        let have = std::fs::read_to_string(committed.join(f)).unwrap();
        assert!(want == have, "ui/src/bindings/{f} is stale (a Rust type changed): run `{REGENERATE}` and commit it");
    }
}

#[test]
fn docs_ipc_md_documents_exactly_the_registered_commands() {
    let registered = registered();
    let documented = documented_commands();
    let missing: Vec<&String> = registered.iter().filter(|c| !documented.contains(c)).collect();
    let unknown: Vec<&String> = documented.iter().filter(|c| !registered.contains(c)).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "docs/ipc.md must list exactly the commands in generate_handler!: undocumented {missing:?}, documented but not registered {unknown:?}"
    );
    let mut seen = BTreeSet::new();
    for c in &documented {
        assert!(seen.insert(c), "docs/ipc.md documents `{c}` twice");
    }
}
