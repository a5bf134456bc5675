//! Issue 22: all SQL lives in the storage layer (core/src/storage), so a second storage engine
//! could be added behind it without touching the rules (docs/ARCHITECTURE.md, "Layers").
//!
//! Reads the sources, without the compiler. Outside core/src/storage, production code holds no
//! SQL text (a string with `SELECT .. FROM`, `INSERT INTO`, `UPDATE .. SET`, `DELETE FROM`,
//! `CREATE`, `PRAGMA`) and calls no statement method of a connection (`prepare`, `execute`,
//! `query_row`, ..). Test-only code may: tests craft rows on purpose.

mod source;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use source::*;

const STATEMENT_METHODS: [&str; 10] = [
    "prepare",
    "prepare_cached",
    "execute",
    "execute_batch",
    "query_row",
    "query_map",
    "query_and_then",
    "pragma_update",
    "pragma_query_value",
    "pragma_update_and_check",
];

#[test]
fn sql_lives_only_in_the_storage_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect_rs_files(&src, &src, &mut files);
    let problems: Vec<String> = sql_outside_storage(&files)
        .into_iter()
        .map(|(path, lines)| format!("{path}: SQL outside storage at lines {lines:?}"))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The check itself can fail: SQL text and a statement call outside storage are found, with
/// their lines; storage, test-only items, test-only module files and prose are not.
#[test]
fn sql_outside_storage_is_found() {
    let file = |path: &str, text: &str| (path.to_string(), text.to_string());
    let files = vec![
        file("lib.rs", "pub mod storage;\npub mod domain;\n#[cfg(test)]\nmod tests;\n"),
        file("storage/t.rs", "fn f(c: &C) { c.execute(\"DELETE FROM seats\", []); }\n"),
        file(
            "domain/a.rs",
            "/// Select the user from the list.\nconst Q: &str = \"Select a user.\";\n\
             fn f(c: &C) {\n    c.prepare_cached(q)?;\n    let s = r#\"UPDATE users\n SET x = 1\"#;\n}\n\
             #[cfg(test)]\nmod tests { fn g(c: &C) { c.execute(\"DELETE FROM seats\", []); } }\n\
             #[cfg(test)]\nmod more;\n",
        ),
        file("domain/a/more.rs", "fn g(c: &C) { c.query_row(\"SELECT 1 FROM t\"); }\n"),
        file("domain/b.rs", "fn f() -> String { format!(\"SELECT {} FROM users\", 1) }\n"),
        file("tests/x.rs", "fn g(c: &C) { c.execute(\"DELETE FROM seats\", []); }\n"),
    ];
    let found = sql_outside_storage(&files);
    assert_eq!(
        found,
        BTreeMap::from([
            ("domain/a.rs".to_string(), vec![4, 5]),
            ("domain/b.rs".to_string(), vec![1]),
        ])
    );
}

/// Each production file outside storage that holds SQL, with the lines where it does.
fn sql_outside_storage(files: &[(String, String)]) -> BTreeMap<String, Vec<usize>> {
    let lexed: Vec<(&String, Vec<(Tok, usize)>)> = files.iter().map(|(p, t)| (p, lex(t))).collect();
    // Modules declared test-only (`#[cfg(test)] mod tests;`), as file path stems.
    let mut test_only = BTreeSet::new();
    for (path, tokens) in &lexed {
        let stem = path.trim_end_matches(".rs").trim_end_matches("lib");
        for i in 0..tokens.len() {
            if let Some(mut j) = test_only_attribute(tokens, i) {
                while let Some(next) = attribute_end(tokens, j) {
                    j = next;
                }
                if let Some(name) = declared_module(tokens, j) {
                    test_only.insert(format!("{}{name}", dir_of(stem)));
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    for (path, tokens) in &lexed {
        let in_test_module = test_only
            .iter()
            .any(|m| path.starts_with(&format!("{m}/")) || **path == format!("{m}.rs"));
        if path.starts_with("storage/") || in_test_module {
            continue;
        }
        let lines = sql_lines(tokens);
        if !lines.is_empty() {
            out.insert(path.to_string(), lines);
        }
    }
    out
}

/// `domain/a` -> `domain/a/` (the folder its children live in); `` (lib.rs) -> ``.
fn dir_of(stem: &str) -> String {
    if stem.is_empty() {
        String::new()
    } else {
        format!("{stem}/")
    }
}

/// Lines of SQL text or statement calls, test-only items skipped.
fn sql_lines(tokens: &[(Tok, usize)]) -> Vec<usize> {
    let mut lines = BTreeSet::new();
    let mut i = 0;
    while i < tokens.len() {
        if let Some(end) = test_only_attribute(tokens, i) {
            let mut j = end;
            while let Some(next) = attribute_end(tokens, j) {
                j = next;
            }
            i = item_end(tokens, j);
            continue;
        }
        match &tokens[i].0 {
            Tok::Str(text) if is_sql(text) => {
                lines.insert(tokens[i].1);
            }
            Tok::Punct('.')
                if ident(tokens, i + 1).is_some_and(|m| STATEMENT_METHODS.contains(&m))
                    && (punct(tokens, i + 2, '(') || path_sep(tokens, i + 2)) =>
            {
                lines.insert(tokens[i + 1].1);
            }
            _ => {}
        }
        i += 1;
    }
    lines.into_iter().collect()
}

/// SQL is written in capitals here; prose that happens to say "select" is not SQL.
fn is_sql(text: &str) -> bool {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    let follows = |a: &str, b: &str| words.windows(2).any(|p| p[0] == a && p[1] == b);
    (has("SELECT") && has("FROM"))
        || follows("INSERT", "INTO")
        || follows("INSERT", "OR")
        || (has("UPDATE") && has("SET"))
        || follows("DELETE", "FROM")
        || follows("CREATE", "TABLE")
        || follows("CREATE", "INDEX")
        || follows("CREATE", "TRIGGER")
        || has("PRAGMA")
}
