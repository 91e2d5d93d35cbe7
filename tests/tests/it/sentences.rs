//! Every sentence a clerk or a citizen reads lives in its crate's `messages` module (or a page's
//! template), so a translator reviews one file per crate and a newcomer finds any sentence in
//! one place. This test reads every non-test source file of the workspace and fails when a
//! string literal outside those places holds a Chinese sentence. A page's template is a maud
//! `html! { ... }` block: its fixed text stays beside its markup.
//!
//! A sentence, here: a literal with Chinese in it and Chinese punctuation (，。：；！？“”、（）),
//! a `{}` placeholder beside two or more Chinese characters, or more Chinese characters than the
//! vocabulary's longest word. Single words (a status's label,
//! a column header a spreadsheet may use, a district) are vocabulary and stay beside their
//! closed set or rule; they carry no punctuation.

use std::path::{Path, PathBuf};

/// Files whose Chinese text stays where it is, and why.
const EXEMPT: &[(&str, &str)] = &[
    ("crates/certdesk-card/src/card.rs", "the card face: fixed printed text placed and sized by the layout, its template"),
    ("crates/certdesk-card/src/sheet.rs", "the calibration page: fixed printed text placed by the layout, its template"),
    ("crates/certdesk-card/src/slip.rs", "the hand-over slip: fixed printed text placed by the layout, its template"),
    ("crates/certdesk-card/src/funding.rs", "the funding pack's pages: fixed printed headings placed by the layout, its template"),
    ("crates/certdesk-card/src/receipt.rs", "the roster filing's receipt: fixed printed headings placed by the layout, its template"),
    ("crates/certdesk-testkit/", "test data (agency names, addresses), never shown to a clerk"),
    ("crates/certdesk-cli/src/bench", "benchmark data"),
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace holds tests/").to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source files a clerk's sentence must not hide in: every crate's `src/` and the shell's,
/// less the messages modules, templates and test-only files.
fn checked_files(root: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for dir in std::fs::read_dir(root.join("crates")).expect("crates/").flatten() {
        rust_files(&dir.path().join("src"), &mut files);
    }
    rust_files(&root.join("src-tauri/src"), &mut files);
    let mut out = Vec::new();
    for path in files {
        let rel = path.strip_prefix(root).expect("under the workspace").to_string_lossy().replace('\\', "/");
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let is_messages = name == "messages.rs" || rel.contains("/messages/");
        let is_template = rel.contains("/templates/");
        let is_test = name == "tests.rs" || rel.contains("/tests/");
        if is_messages || is_template || is_test || EXEMPT.iter().any(|(p, _)| rel.starts_with(p)) {
            continue;
        }
        out.push((rel, std::fs::read_to_string(&path).expect("readable source")));
    }
    out.sort();
    out
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// The longest word of the vocabulary that stays beside its rule, in Chinese characters (a
/// spreadsheet's column header: 所在家政服务机构名称). A longer literal is a sentence even
/// without punctuation (比对发现不符合持证条件的记录).
const LONGEST_WORD: usize = 10;

/// Whether a literal's text reads as a sentence rather than a word (see the module docs).
fn is_sentence(text: &str) -> bool {
    let cjk = text.chars().filter(|&c| is_cjk(c)).count();
    cjk > 0 && (text.chars().any(|c| "，。：；！？“”、（）".contains(c)) || (text.contains('{') && cjk >= 2) || cjk > LONGEST_WORD)
}

/// The string literals of one line (escaped quotes kept inside).
fn literals(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match (start, c) {
            (Some(_), _) if escaped => escaped = false,
            (Some(_), '\\') => escaped = true,
            (Some(s), '"') => {
                out.push(&line[s..i]);
                start = None;
            }
            (None, '"') => start = Some(i + 1),
            _ => {}
        }
    }
    out
}

/// Which lines are inside a maud `html! { ... }` template (braces inside string literals do
/// not count).
fn template_lines(lines: &[&str]) -> Vec<bool> {
    let mut inside = vec![false; lines.len()];
    let mut depth = 0usize;
    let mut active = false;
    for (i, line) in lines.iter().enumerate() {
        let mut rest = *line;
        if !active {
            let Some(at) = line.find("html!") else { continue };
            rest = &line[at..];
            active = true;
            depth = 0;
        }
        inside[i] = true;
        let (mut in_str, mut escaped) = (false, false);
        for c in rest.chars() {
            match c {
                _ if in_str && escaped => escaped = false,
                '\\' if in_str => escaped = true,
                '"' => in_str = !in_str,
                '{' if !in_str => depth += 1,
                '}' if !in_str => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        active = false;
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    inside
}

/// `(line number, literal)` of every sentence in a file's non-test code outside templates.
fn sentences(source: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = source.lines().collect();
    let template = template_lines(&lines);
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("#[cfg(test)]") && lines.get(i + 1).is_some_and(|next| next.starts_with("mod ")) {
            break;
        }
        if line.trim_start().starts_with("//") || template[i] {
            continue;
        }
        found.extend(literals(line).into_iter().filter(|l| is_sentence(l)).map(|l| (i + 1, l.to_string())));
    }
    found
}

#[test]
fn every_sentence_lives_in_a_messages_module() {
    let root = workspace();
    let files = checked_files(&root);
    assert!(files.len() > 50, "the test reads the workspace's sources ({} files found)", files.len());
    let stray: Vec<String> = files
        .iter()
        .flat_map(|(rel, source)| sentences(source).into_iter().map(move |(line, text)| format!("{rel}:{line}: \"{text}\"")))
        .collect();
    assert!(
        stray.is_empty(),
        "sentences outside a messages module: move each to its crate's messages.rs as a named function\n{}",
        stray.join("\n")
    );
}

#[test]
fn the_sentence_test_sees_a_sentence_and_passes_a_word() {
    assert!(is_sentence("请先登录，再导入"), "Chinese punctuation makes a sentence");
    assert!(is_sentence("共 {total} 人"), "a placeholder beside Chinese words makes a sentence");
    assert!(!is_sentence("已登记"), "a status's label is a word of the vocabulary");
    assert!(!is_sentence("{stem}区"), "a district's suffix is a rule's word");
    assert!(!is_sentence("plain English, with commas"));
    assert!(is_sentence("比对发现不符合持证条件的记录"), "a long literal is a sentence without punctuation too");
    assert!(!is_sentence("所在家政服务机构名称"), "a column header is a word of the vocabulary");
    let src = "fn f() {\n    let a = \"已登记\";\n    // \"注释里的句子，不算\"\n    let b = format!(\"找不到该{}\", x);\n}\n#[cfg(test)]\nmod tests {\n    const T: &str = \"测试里的句子，不算\";\n}\n";
    assert_eq!(sentences(src), vec![(4, "找不到该{}".to_string())], "code only: comments and the test module are not read");
    assert_eq!(literals(r#"f("a \"b\" c", "d")"#), vec![r#"a \"b\" c"#, "d"]);
    let page = "fn p() -> Markup {\n    html! {\n        p { \"页面上的说明，留在模板里。{\" }\n    }\n}\nfn q() { e(\"模板外的句子，要移走。\"); }\n";
    assert_eq!(sentences(page), vec![(6, "模板外的句子，要移走。".to_string())], "a template's text stays; the code after it is read");
}
