#![allow(dead_code)] // Each check compiles this reader into its own binary and uses part of it.

//! A reader of core's Rust sources for the checks that need no compiler (module_cycles,
//! sql_in_storage): tokens with their lines, and where test-only items end.

use std::path::Path;

/// (path relative to core/src with `/` separators, source text), in a stable order.
pub fn collect_rs_files(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
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

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Ident(String),
    PathSep,
    Punct(char),
    /// A string literal's text as written (escapes not decoded).
    Str(String),
}

/// Identifiers, `::`, punctuation and string literals with their line; comments, chars and
/// numbers dropped.
pub fn lex(text: &str) -> Vec<(Tok, usize)> {
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
            let (start, first_line) = (i + 1, line);
            i = skip_string(&c, start, false, 0, &mut line);
            out.push((string(&c, start, i, 0), first_line));
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
                let (start, first_line) = (i + 1, line);
                i = skip_string(&c, start, raw, 0, &mut line);
                out.push((string(&c, start, i, 0), first_line));
            } else if raw && at(i) == '#' && (at(i + 1) == '#' || at(i + 1) == '"') {
                let mut hashes = 0;
                while at(i) == '#' {
                    hashes += 1;
                    i += 1;
                }
                let (start, first_line) = (i + 1, line);
                i = skip_string(&c, start, true, hashes, &mut line);
                out.push((string(&c, start, i, hashes), first_line));
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

/// The text of a string literal from just inside its opening quote to just past its end.
fn string(c: &[char], start: usize, end: usize, hashes: usize) -> Tok {
    let close = end.saturating_sub(1 + hashes).max(start);
    Tok::Str(c[start..close].iter().collect())
}

/// From just inside the opening quote to just past the closing one and its `hashes`.
pub fn skip_string(c: &[char], mut i: usize, raw: bool, hashes: usize, line: &mut usize) -> usize {
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

pub fn ident(tokens: &[(Tok, usize)], i: usize) -> Option<&str> {
    match tokens.get(i) {
        Some((Tok::Ident(s), _)) => Some(s),
        _ => None,
    }
}

pub fn punct(tokens: &[(Tok, usize)], i: usize, p: char) -> bool {
    matches!(tokens.get(i), Some((Tok::Punct(q), _)) if *q == p)
}

pub fn path_sep(tokens: &[(Tok, usize)], i: usize) -> bool {
    matches!(tokens.get(i), Some((Tok::PathSep, _)))
}

/// Past `#[cfg(test)]` or `#[cfg(all(.., test, ..))]` starting at `i`.
pub fn test_only_attribute(tokens: &[(Tok, usize)], i: usize) -> Option<usize> {
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
pub fn attribute_end(tokens: &[(Tok, usize)], i: usize) -> Option<usize> {
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
pub fn after_visibility(tokens: &[(Tok, usize)], mut i: usize) -> usize {
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
pub fn declared_module(tokens: &[(Tok, usize)], i: usize) -> Option<&str> {
    let i = after_visibility(tokens, i);
    (ident(tokens, i) == Some("mod") && punct(tokens, i + 2, ';')).then(|| ident(tokens, i + 1))?
}

/// Past the item or statement starting at `i`: its `;`, or the block its first top-level
/// brace opens (a `use` item's braces are its tree), or just before the brace that closes
/// the enclosing block.
pub fn item_end(tokens: &[(Tok, usize)], i: usize) -> usize {
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
