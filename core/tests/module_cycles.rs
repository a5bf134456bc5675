//! Issue 22: the top-level modules of core/src form layers, with no import cycles among them.
//!
//! Reads the sources, without the compiler. Every file belongs to the top-level module it sits
//! under (`foo.rs` and `foo/**` are `foo`). An edge `foo -> bar` is a path that reaches `bar`
//! from `foo`: `crate::bar`, `crate::{bar, ..}`, `super::bar` where the `super`s climb to the
//! crate root, or a name that lib.rs re-exports from `bar` (`crate::Org` is `org`). Comments and
//! strings are skipped, and so is test-only code: items under `#[cfg(test)]` or
//! `#[cfg(all(test, ..))]`, and every module lib.rs or a parent declares that way. A cycle is a
//! strongly connected component of more than one module; the test names each with the edges
//! (file:line) inside it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[test]
fn core_modules_have_no_import_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect_rs_files(&src, &src, &mut files);
    let graph = module_graph(&files);
    let cycles = cycles(&graph);
    assert!(
        cycles.is_empty(),
        "import cycles in core/src:\n{}",
        cycles.join("\n")
    );
}

/// The check itself can fail: two modules that import each other, one of them only through a
/// lib.rs re-export and a `super::` path, are named with both edges, and test code is ignored.
#[test]
fn a_cycle_through_reexports_and_super_is_found() {
    let files = vec![
        (
            "lib.rs".into(),
            "pub mod a;\npub mod b;\nmod c;\n#[cfg(test)]\nmod t;\npub use a::{A as Aa, self};\n"
                .into(),
        ),
        (
            "a.rs".into(),
            "// crate::c\nuse super::b::B;\nconst S: &str = \"crate::c\";\npub struct A;\n".into(),
        ),
        (
            "b.rs".into(),
            "pub struct B(crate::Aa);\n#[cfg(test)]\nmod tests { use crate::c; }\n".into(),
        ),
        (
            "c.rs".into(),
            "#[cfg(test)]\nmod tests;\nfn f() { crate::t::x(); }\n".into(),
        ),
        ("c/tests.rs".into(), "use crate::a;\n".into()),
        ("t.rs".into(), "use crate::c;\n".into()),
    ];
    let cycles = cycles(&module_graph(&files));
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(cycles[0].starts_with("{a, b}"), "{}", cycles[0]);
    assert!(cycles[0].contains("a -> b at a.rs:2"), "{}", cycles[0]);
    assert!(cycles[0].contains("b -> a at b.rs:1"), "{}", cycles[0]);
}

/// (path relative to core/src with `/` separators, source text), in a stable order.
fn collect_rs_files(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_rs_files(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

/// Edges between top-level modules, each with the places (file:line) that make it.
type Graph = BTreeMap<String, BTreeMap<String, Vec<String>>>;

fn module_graph(files: &[(String, String)]) -> Graph {
    let lib = &files.iter().find(|(p, _)| p == "lib.rs").expect("lib.rs").1;
    let lib_tokens = lex(lib);
    let reexports = reexports(&lib_tokens);
    let mut scans = BTreeMap::new();
    for (path, text) in files {
        let module = module_path(path);
        scans.insert(path.clone(), scan(&lex(text), &module));
    }
    // A file counts only when every module on its path is declared, and not as test-only.
    let mut declared = BTreeSet::new();
    for scan in scans.values() {
        declared.extend(scan.declared.iter().cloned());
    }
    let top_level: BTreeSet<String> = scans["lib.rs"]
        .declared
        .iter()
        .map(|m| m[0].clone())
        .collect();
    let mut graph = Graph::new();
    for (path, scan) in &scans {
        let module = module_path(path);
        if module.is_empty() || !(1..=module.len()).all(|k| declared.contains(&module[..k])) {
            continue;
        }
        for (name, line) in &scan.root_refs {
            let target = if top_level.contains(name) {
                name
            } else if let Some(m) = reexports.get(name) {
                if !top_level.contains(m) {
                    continue; // lib.rs's own import from another crate
                }
                m
            } else {
                // Production code cannot name a test-only module; any other name this reader
                // cannot place stops the test rather than hide an edge.
                let test_only = &scans["lib.rs"].test_only;
                assert!(
                    test_only.contains(name),
                    "{path}:{line}: cannot place crate::{name}"
                );
                continue;
            };
            if *target != module[0] {
                graph
                    .entry(module[0].clone())
                    .or_default()
                    .entry(target.clone())
                    .or_default()
                    .push(format!("{path}:{line}"));
            }
        }
    }
    graph
}

/// `foo.rs` -> [foo], `foo/bar.rs` -> [foo, bar], `foo/mod.rs` -> [foo], `lib.rs` -> [].
fn module_path(path: &str) -> Vec<String> {
    let stem = path.strip_suffix(".rs").unwrap();
    let mut parts: Vec<String> = stem.split('/').map(String::from).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// Every strongly connected component of more than one module, members sorted, with its
/// inner edges.
fn cycles(graph: &Graph) -> Vec<String> {
    let nodes: BTreeSet<&String> = graph
        .iter()
        .flat_map(|(a, to)| std::iter::once(a).chain(to.keys()))
        .collect();
    let mut tarjan = Tarjan {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        components: Vec::new(),
    };
    for node in nodes {
        if !tarjan.index.contains_key(node.as_str()) {
            tarjan.visit(node);
        }
    }
    let mut out = Vec::new();
    for mut component in tarjan.components.into_iter().filter(|c| c.len() > 1) {
        component.sort();
        let mut text = format!("{{{}}}:", component.join(", "));
        for from in &component {
            for (to, places) in &graph[from] {
                if component.contains(to) {
                    text += &format!("\n    {from} -> {to} at {}", places.join(", "));
                }
            }
        }
        out.push(text);
    }
    out.sort();
    out
}

struct Tarjan<'g> {
    graph: &'g Graph,
    index: BTreeMap<&'g str, usize>,
    low: BTreeMap<&'g str, usize>,
    stack: Vec<&'g str>,
    on_stack: BTreeSet<&'g str>,
    next: usize,
    components: Vec<Vec<String>>,
}

impl<'g> Tarjan<'g> {
    fn visit(&mut self, node: &'g str) {
        self.index.insert(node, self.next);
        self.low.insert(node, self.next);
        self.next += 1;
        self.stack.push(node);
        self.on_stack.insert(node);
        for to in self.graph.get(node).into_iter().flat_map(|t| t.keys()) {
            if !self.index.contains_key(to.as_str()) {
                self.visit(to);
                let low = self.low[node].min(self.low[to.as_str()]);
                self.low.insert(node, low);
            } else if self.on_stack.contains(to.as_str()) {
                let low = self.low[node].min(self.index[to.as_str()]);
                self.low.insert(node, low);
            }
        }
        if self.low[node] == self.index[node] {
            let mut component = Vec::new();
            loop {
                let top = self.stack.pop().unwrap();
                self.on_stack.remove(top);
                component.push(top.to_string());
                if top == node {
                    break;
                }
            }
            self.components.push(component);
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    PathSep,
    Punct(char),
}

/// Identifiers, `::` and punctuation with their line; comments, strings, chars and numbers
/// dropped.
fn lex(text: &str) -> Vec<(Tok, usize)> {
    let c: Vec<char> = text.chars().collect();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let (mut i, mut line, mut out) = (0, 1, Vec::new());
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if at(i) == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if at(i) == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(at(i) == '\n');
                    i += 1;
                }
            }
        } else if ch == '"' {
            i = skip_string(&c, i + 1, false, 0, &mut line);
        } else if ch == '\'' {
            if at(i + 1) == '\\' {
                i += 2;
                while i < c.len() && at(i) != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1; // a lifetime: its name lexes as an identifier, which is harmless
            }
        } else if ch.is_ascii_digit() {
            while at(i).is_alphanumeric() || at(i) == '_' {
                i += 1;
            }
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while at(i).is_alphanumeric() || at(i) == '_' {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            let raw = matches!(word.as_str(), "r" | "br" | "cr");
            if matches!(word.as_str(), "b" | "c" | "r" | "br" | "cr") && at(i) == '"' {
                i = skip_string(&c, i + 1, raw, 0, &mut line);
            } else if raw && at(i) == '#' && (at(i + 1) == '#' || at(i + 1) == '"') {
                let mut hashes = 0;
                while at(i) == '#' {
                    hashes += 1;
                    i += 1;
                }
                i = skip_string(&c, i + 1, true, hashes, &mut line);
            } else if word == "b" && at(i) == '\'' {
                i += 1;
                while i < c.len() && at(i) != '\'' {
                    i += if at(i) == '\\' { 2 } else { 1 };
                }
                i += 1;
            } else if word == "r" && at(i) == '#' {
                i += 1; // a raw identifier: the name follows
            } else {
                out.push((Tok::Ident(word), line));
            }
        } else if ch == ':' && at(i + 1) == ':' {
            out.push((Tok::PathSep, line));
            i += 2;
        } else {
            out.push((Tok::Punct(ch), line));
            i += 1;
        }
    }
    out
}

/// From just inside the opening quote to just past the closing one and its `hashes`.
fn skip_string(c: &[char], mut i: usize, raw: bool, hashes: usize, line: &mut usize) -> usize {
    while i < c.len() {
        match c[i] {
            '\\' if !raw => i += 2,
            '"' if c[i + 1..]
                .iter()
                .take(hashes)
                .filter(|&&h| h == '#')
                .count()
                == hashes =>
            {
                return i + 1 + hashes;
            }
            ch => {
                *line += usize::from(ch == '\n');
                i += 1;
            }
        }
    }
    i
}

fn ident(tokens: &[(Tok, usize)], i: usize) -> Option<&str> {
    match tokens.get(i) {
        Some((Tok::Ident(s), _)) => Some(s),
        _ => None,
    }
}

fn punct(tokens: &[(Tok, usize)], i: usize, p: char) -> bool {
    matches!(tokens.get(i), Some((Tok::Punct(q), _)) if *q == p)
}

fn path_sep(tokens: &[(Tok, usize)], i: usize) -> bool {
    matches!(tokens.get(i), Some((Tok::PathSep, _)))
}

#[derive(Default)]
struct Scan {
    /// Names reached at the crate root, with the line of each.
    root_refs: Vec<(String, usize)>,
    /// Full paths of the modules this file declares (not test-only).
    declared: BTreeSet<Vec<String>>,
    /// Names of test-only modules this file declares.
    test_only: BTreeSet<String>,
}

/// One file's references to the crate root and its module declarations, test-only code left out.
fn scan(tokens: &[(Tok, usize)], file_module: &[String]) -> Scan {
    let mut out = Scan::default();
    // One entry per open brace: the inline module it opens, if any.
    let mut braces: Vec<Option<String>> = Vec::new();
    let here = |braces: &[Option<String>]| -> Vec<String> {
        file_module
            .iter()
            .cloned()
            .chain(braces.iter().flatten().cloned())
            .collect()
    };
    let mut i = 0;
    while i < tokens.len() {
        if let Some(end) = test_only_attribute(tokens, i) {
            let mut j = end;
            while let Some(next) = attribute_end(tokens, j) {
                j = next;
            }
            if let Some(name) = declared_module(tokens, j) {
                out.test_only.insert(name.to_string());
            }
            i = item_end(tokens, j);
            continue;
        }
        if punct(tokens, i, '#')
            && punct(tokens, i + 1, '!')
            && test_only_attribute(tokens, i + 1).is_some()
        {
            return Scan::default(); // `#![cfg(test)]`: the whole file
        }
        match &tokens[i].0 {
            Tok::Ident(w) if w == "mod" => {
                if let Some(name) = ident(tokens, i + 1) {
                    let mut path = here(&braces);
                    path.push(name.to_string());
                    if punct(tokens, i + 2, '{') {
                        braces.push(Some(name.to_string()));
                        i += 3;
                        continue;
                    }
                    out.declared.insert(path);
                }
            }
            Tok::Ident(w) if w == "crate" && path_sep(tokens, i + 1) => {
                root_names(tokens, i + 2, &mut out.root_refs);
            }
            Tok::Ident(w) if w == "super" && path_sep(tokens, i + 1) => {
                let mut j = i;
                let mut ups = 0;
                while ident(tokens, j) == Some("super") && path_sep(tokens, j + 1) {
                    ups += 1;
                    j += 2;
                }
                if ups == here(&braces).len() {
                    root_names(tokens, j, &mut out.root_refs);
                }
                i = j;
                continue;
            }
            Tok::Punct('{') => braces.push(None),
            Tok::Punct('}') => {
                braces.pop();
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The first segment after `crate::`: one name, or each name that opens an element of a
/// `{..}` group.
fn root_names(tokens: &[(Tok, usize)], i: usize, out: &mut Vec<(String, usize)>) {
    if let Some(name) = ident(tokens, i) {
        out.push((name.to_string(), tokens[i].1));
    } else if punct(tokens, i, '{') {
        let (mut depth, mut j, mut element_start) = (1, i + 1, true);
        while depth > 0 && j < tokens.len() {
            match &tokens[j].0 {
                Tok::Punct('{') => depth += 1,
                Tok::Punct('}') => depth -= 1,
                Tok::Punct(',') if depth == 1 => {
                    element_start = true;
                    j += 1;
                    continue;
                }
                Tok::Ident(name) if depth == 1 && element_start && name != "self" => {
                    out.push((name.clone(), tokens[j].1));
                }
                _ => {}
            }
            element_start = false;
            j += 1;
        }
    }
}

/// Past `#[cfg(test)]` or `#[cfg(all(.., test, ..))]` starting at `i`.
fn test_only_attribute(tokens: &[(Tok, usize)], i: usize) -> Option<usize> {
    if !(punct(tokens, i, '#') && punct(tokens, i + 1, '[') && ident(tokens, i + 2) == Some("cfg"))
    {
        return None;
    }
    let end = attribute_end(tokens, i)?;
    let inner = &tokens[i + 4..end - 2];
    let is_test = |t: &(Tok, usize)| matches!(&t.0, Tok::Ident(w) if w == "test");
    let test_only = match inner {
        [only] => is_test(only),
        [(Tok::Ident(all), _), rest @ ..] if all == "all" => {
            let mut depth = 0;
            rest.iter().any(|t| {
                match t.0 {
                    Tok::Punct('(') => depth += 1,
                    Tok::Punct(')') => depth -= 1,
                    _ => {}
                }
                depth == 1 && is_test(t)
            })
        }
        _ => false,
    };
    test_only.then_some(end)
}

/// Past the attribute `#[..]` starting at `i`.
fn attribute_end(tokens: &[(Tok, usize)], i: usize) -> Option<usize> {
    if !(punct(tokens, i, '#') && punct(tokens, i + 1, '[')) {
        return None;
    }
    let mut depth = 0;
    for (j, (t, _)) in tokens.iter().enumerate().skip(i + 1) {
        match t {
            Tok::Punct('[') => depth += 1,
            Tok::Punct(']') => {
                depth -= 1;
                if depth == 0 {
                    return Some(j + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Past `pub` or `pub(..)` at `i`, if there.
fn after_visibility(tokens: &[(Tok, usize)], mut i: usize) -> usize {
    if ident(tokens, i) == Some("pub") {
        i += 1;
        if punct(tokens, i, '(') {
            while i < tokens.len() && !punct(tokens, i, ')') {
                i += 1;
            }
            i += 1;
        }
    }
    i
}

/// `mod name;` (after any visibility) at `i`.
fn declared_module(tokens: &[(Tok, usize)], i: usize) -> Option<&str> {
    let i = after_visibility(tokens, i);
    (ident(tokens, i) == Some("mod") && punct(tokens, i + 2, ';')).then(|| ident(tokens, i + 1))?
}

/// Past the item or statement starting at `i`: its `;`, or the block its first top-level
/// brace opens (a `use` item's braces are its tree), or just before the brace that closes
/// the enclosing block.
fn item_end(tokens: &[(Tok, usize)], i: usize) -> usize {
    let is_use = ident(tokens, after_visibility(tokens, i)) == Some("use");
    let mut depth = 0;
    let mut j = i;
    while j < tokens.len() {
        match tokens[j].0 {
            Tok::Punct('(') | Tok::Punct('[') => depth += 1,
            Tok::Punct(')') | Tok::Punct(']') => depth -= 1,
            Tok::Punct('{') if depth == 0 && !is_use => {
                let mut braces = 0;
                for (k, (t, _)) in tokens.iter().enumerate().skip(j) {
                    match t {
                        Tok::Punct('{') => braces += 1,
                        Tok::Punct('}') => {
                            braces -= 1;
                            if braces == 0 {
                                return k + 1;
                            }
                        }
                        _ => {}
                    }
                }
                return tokens.len();
            }
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') if depth == 0 => return j,
            Tok::Punct('}') => depth -= 1,
            Tok::Punct(';') if depth == 0 => return j + 1,
            _ => {}
        }
        j += 1;
    }
    j
}

/// Names lib.rs re-exports (`pub use foo::{A, B as C}`), each with its top-level module.
fn reexports(tokens: &[(Tok, usize)]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut depth = 0;
    for i in 0..tokens.len() {
        match tokens[i].0 {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => depth -= 1,
            _ => {}
        }
        if depth == 0 && ident(tokens, i) == Some("use") {
            let Some(module) = ident(tokens, i + 1) else {
                continue;
            };
            assert!(
                path_sep(tokens, i + 2),
                "lib.rs: `use {module}` without a path"
            );
            let mut leaves = Vec::new();
            use_leaves(tokens, i + 3, module, &mut leaves);
            for leaf in leaves {
                out.insert(leaf, module.to_string());
            }
        }
    }
    out
}

/// The names a use tree starting at `i` brings in (`parent` names `self`); returns where it
/// ends. A glob would hide names from this reader, so it stops the test.
fn use_leaves(tokens: &[(Tok, usize)], i: usize, parent: &str, out: &mut Vec<String>) -> usize {
    if punct(tokens, i, '*') {
        panic!("lib.rs: a glob re-export from {parent} cannot be placed by this check");
    }
    if punct(tokens, i, '{') {
        let mut j = i + 1;
        while !punct(tokens, j, '}') {
            j = use_leaves(tokens, j, parent, out);
            if punct(tokens, j, ',') {
                j += 1;
            }
        }
        return j + 1;
    }
    let name = ident(tokens, i).expect("lib.rs: a use tree this check cannot read");
    if path_sep(tokens, i + 1) {
        return use_leaves(tokens, i + 2, name, out);
    }
    let (leaf, end) = if ident(tokens, i + 1) == Some("as") {
        (ident(tokens, i + 2).unwrap(), i + 3)
    } else {
        (if name == "self" { parent } else { name }, i + 1)
    };
    out.push(leaf.to_string());
    end
}
