//! Issue 22: core/src is in layers (docs/ARCHITECTURE.md, "Layers"), each using only the ones
//! below it, with no import cycle among its modules.
//!
//! Reads the sources, without the compiler. lib.rs declares the layers, lowest first in
//! `LAYERS`; the domain layer holds areas (`domain/users`, `domain/licenses`, ..). A module is a
//! file of a layer (`kernel/org.rs` and `kernel/org/**` are `kernel::org`) or of an area
//! (`domain/licenses/removal.rs` and what is under it are `domain::licenses::removal`). An edge
//! `a -> b` is a path that reaches `b` from `a`: `crate::..` (use trees included), `super::..`
//! resolved from where it is written, or a name lib.rs re-exports (`crate::Org` is
//! `kernel::org`). Comments, strings and test-only code are skipped: items under `#[cfg(test)]`
//! or `#[cfg(all(test, ..))]`, and every module declared that way. Checked: no edge from a layer
//! to one above it, no cycle among the domain's areas, no cycle among modules; each problem is
//! named with the edges (file:line) that make it.

mod source;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use source::*;

/// Lowest first: a module may use its own layer and the ones before it.
const LAYERS: [&str; 5] = ["base", "storage", "kernel", "domain", "lifecycle"];
/// Above every layer: the fuzzing harness may use anything, and nothing may use it.
const ABOVE_LAYERS: [&str; 1] = ["fuzzing"];

#[test]
fn core_is_layered_without_import_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect_rs_files(&src, &src, &mut files);
    let problems = layering_problems(&module_graph(&files));
    assert!(
        problems.is_empty(),
        "core/src breaks its layers:\n{}",
        problems.join("\n")
    );
}

/// The check itself can fail: a path up a layer (through `super::super`), two areas of the
/// domain that use each other through different files, and two modules that use each other,
/// one only through a lib.rs re-export and a `super::` path, are each named; test code and
/// paths in comments and strings are ignored.
#[test]
fn each_kind_of_layering_problem_is_found() {
    let file = |path: &str, text: &str| (path.to_string(), text.to_string());
    let files = vec![
        file(
            "lib.rs",
            "pub mod base;\npub mod kernel;\npub mod domain;\n#[cfg(test)]\nmod t;\n\
             pub use kernel::a::{A as Aa, self};\n",
        ),
        file("base.rs", "pub mod c;\n"),
        file("base/c.rs", "fn f() { super::super::kernel::a::g(); }\n"),
        file("kernel.rs", "pub mod a;\npub mod b;\n"),
        file(
            "kernel/a.rs",
            "// crate::domain\nuse super::b::B;\nconst S: &str = \"crate::domain\";\npub struct A;\n",
        ),
        file(
            "kernel/b.rs",
            "pub struct B(crate::Aa);\n#[cfg(test)]\nmod tests { use crate::domain; }\n",
        ),
        file("domain.rs", "pub mod x;\npub mod y;\n"),
        file("domain/x.rs", "pub mod one;\npub mod four;\n"),
        file("domain/x/one.rs", "use crate::domain::y::{two::T, self};\n"),
        file("domain/x/four.rs", "pub struct F;\n"),
        file("domain/y.rs", "pub mod two;\npub mod three;\n"),
        file("domain/y/two.rs", "pub struct T;\n"),
        file("domain/y/three.rs", "use crate::{domain::x::four::F, kernel};\n"),
        file("t.rs", "use crate::base::c;\n"),
    ];
    let problems = layering_problems(&module_graph(&files));
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert_eq!(
        problems[0],
        "base::c -> kernel::a points up a layer, at base/c.rs:1"
    );
    assert!(
        problems[1].starts_with("areas {domain::x, domain::y}"),
        "{}",
        problems[1]
    );
    assert!(
        problems[1].contains("domain::x -> domain::y at domain/x/one.rs:1"),
        "{}",
        problems[1]
    );
    assert!(
        problems[1].contains("domain::y -> domain::x at domain/y/three.rs:1"),
        "{}",
        problems[1]
    );
    assert!(
        problems[2].starts_with("modules {kernel::a, kernel::b}"),
        "{}",
        problems[2]
    );
    assert!(
        problems[2].contains("kernel::a -> kernel::b at kernel/a.rs:2"),
        "{}",
        problems[2]
    );
    assert!(
        problems[2].contains("kernel::b -> kernel::a at kernel/b.rs:1"),
        "{}",
        problems[2]
    );
}

/// Edges between modules (`kernel::org`), each with the places (file:line) that make it.
type Graph = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// Edges up a layer, then cycles among the domain's areas, then cycles among modules.
fn layering_problems(graph: &Graph) -> Vec<String> {
    let rank = |node: &str| {
        let layer = node.split("::").next().unwrap();
        LAYERS
            .iter()
            .position(|l| *l == layer)
            .unwrap_or(LAYERS.len())
    };
    let mut out = Vec::new();
    for (from, to) in graph {
        for (target, places) in to {
            if rank(target) > rank(from) {
                out.push(format!(
                    "{from} -> {target} points up a layer, at {}",
                    places.join(", ")
                ));
            }
        }
    }
    let mut areas = Graph::new();
    for (from, to) in graph {
        for (target, places) in to {
            let (a, b) = (area(from), area(target));
            if a != b && a.starts_with("domain::") && b.starts_with("domain::") {
                let entry = areas.entry(a).or_default().entry(b).or_default();
                entry.extend(places.iter().cloned());
            }
        }
    }
    out.extend(cycles(&areas).into_iter().map(|c| format!("areas {c}")));
    out.extend(cycles(graph).into_iter().map(|c| format!("modules {c}")));
    out
}

/// `domain::licenses::removal` -> `domain::licenses`; a layer's module is its own area.
fn area(node: &str) -> String {
    node.split("::").take(2).collect::<Vec<_>>().join("::")
}

/// The module a file's module path belongs to: two levels deep (`kernel::org`), three in the
/// domain (`domain::licenses::removal`).
fn node(module: &[String]) -> String {
    let depth = if module[0] == "domain" { 3 } else { 2 };
    module[..module.len().min(depth)].join("::")
}

fn module_graph(files: &[(String, String)]) -> Graph {
    let lib = &files.iter().find(|(p, _)| p == "lib.rs").expect("lib.rs").1;
    let reexports = reexports(&lex(lib));
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
    for module in &top_level {
        assert!(
            LAYERS.contains(&module.as_str()) || ABOVE_LAYERS.contains(&module.as_str()),
            "lib.rs: module {module} is in no layer ({LAYERS:?})"
        );
    }
    let test_only = &scans["lib.rs"].test_only;
    let mut graph = Graph::new();
    for (path, scan) in &scans {
        let module = module_path(path);
        if module.is_empty() || !(1..=module.len()).all(|k| declared.contains(&module[..k])) {
            continue;
        }
        let from = node(&module);
        for UsePath { segments, line, .. } in &scan.refs {
            let full: Vec<String> = match reexports.get(&segments[0]) {
                Some(target) if !top_level.contains(&target[0]) => continue, // another crate's
                Some(target) => target.iter().chain(&segments[1..]).cloned().collect(),
                None => segments.clone(),
            };
            let Some(k) = (1..=full.len())
                .rev()
                .find(|&k| declared.contains(&full[..k]))
            else {
                // Production code cannot name a test-only module; any other name this reader
                // cannot place stops the test rather than hide an edge.
                assert!(
                    test_only.contains(&full[0]),
                    "{path}:{line}: cannot place crate::{}",
                    full.join("::")
                );
                continue;
            };
            let target = node(&full[..k]);
            if target != from {
                graph
                    .entry(from.clone())
                    .or_default()
                    .entry(target)
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

#[derive(Default)]
struct Scan {
    /// Paths from the crate root (segments after `crate::`).
    refs: Vec<UsePath>,
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
                use_paths(tokens, i + 2, &[], &mut out.refs);
            }
            Tok::Ident(w) if w == "super" && path_sep(tokens, i + 1) => {
                let mut j = i;
                let mut ups = 0;
                while ident(tokens, j) == Some("super") && path_sep(tokens, j + 1) {
                    ups += 1;
                    j += 2;
                }
                let here = here(&braces);
                if ups <= here.len() {
                    use_paths(tokens, j, &here[..here.len() - ups], &mut out.refs);
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

/// A path as written: its segments, the name it brings in (`as` renames it) and its line.
struct UsePath {
    segments: Vec<String>,
    name: String,
    line: usize,
}

/// The paths a path or use tree starting at `i` names, each after `prefix`: `a::b::C` is one,
/// `a::{b, c::D as E, self}` three (`self` names `a`); returns where it ends. Reading stops
/// at the first token that continues no path (`(`, `<`, `;`), which is enough to place it.
fn use_paths(
    tokens: &[(Tok, usize)],
    i: usize,
    prefix: &[String],
    out: &mut Vec<UsePath>,
) -> usize {
    let line = tokens.get(i).map_or(0, |t| t.1);
    if punct(tokens, i, '{') {
        let mut j = i + 1;
        while j < tokens.len() && !punct(tokens, j, '}') {
            let end = use_paths(tokens, j, prefix, out);
            j = if punct(tokens, end, ',') {
                end + 1
            } else {
                end.max(j + 1)
            };
        }
        return j + 1;
    }
    let (path, end) = match ident(tokens, i) {
        Some("self") => (prefix.to_vec(), i + 1),
        Some(name) => {
            let mut path = prefix.to_vec();
            path.push(name.to_string());
            if path_sep(tokens, i + 1) {
                return use_paths(tokens, i + 2, &path, out);
            }
            (path, i + 1)
        }
        None => (prefix.to_vec(), i), // a glob, or a path cut by `<`
    };
    let (name, end) = match ident(tokens, end) {
        Some("as") => (
            ident(tokens, end + 1).unwrap_or_default().to_string(),
            end + 2,
        ),
        _ => (path.last().cloned().unwrap_or_default(), end),
    };
    if !path.is_empty() {
        out.push(UsePath {
            segments: path,
            name,
            line,
        });
    }
    end
}

/// Names lib.rs re-exports (`pub use a::b::{C, D as E}`), each with the path it names
/// (`E` -> [a, b, D]). A glob would hide names from this reader, so it stops the test.
fn reexports(tokens: &[(Tok, usize)]) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let mut depth = 0;
    for i in 0..tokens.len() {
        match tokens[i].0 {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => depth -= 1,
            _ => {}
        }
        if depth == 0 && ident(tokens, i) == Some("use") {
            let mut paths = Vec::new();
            let end = use_paths(tokens, i + 1, &[], &mut paths);
            assert!(
                !tokens[i + 1..end].iter().any(|t| t.0 == Tok::Punct('*')),
                "lib.rs:{}: a glob re-export cannot be placed by this check",
                tokens[i].1
            );
            for path in paths {
                out.insert(path.name, path.segments);
            }
        }
    }
    out
}
