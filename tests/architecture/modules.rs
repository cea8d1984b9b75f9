//! Reads the crate's sources into a module graph: which module each file
//! is, which other modules it names (`use crate::…`, `super::…`, inline
//! `crate::a::b` paths), how long each file and function is. Good enough
//! for the layering rules, not a Rust parser: comments are dropped and
//! `#[cfg(test)] mod … { … }` blocks are skipped, as test code may reach
//! anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path inside the crate: `["mail", "imap", "sync"]`.
pub type ModPath = Vec<String>;

pub struct SourceFile {
    pub path: PathBuf,
    pub module: ModPath,
    /// The folder the file sits in, as a module path (`src/mail/imap/x.rs`
    /// and `src/mail/imap/mod.rs` are both in `["mail", "imap"]`).
    pub folder: ModPath,
    pub text: String,
}

impl SourceFile {
    /// Unit tests and their helpers, which the layering rules leave alone.
    pub fn is_test(&self) -> bool {
        self.module
            .iter()
            .any(|m| m == "tests" || m.ends_with("_tests"))
    }
}

pub struct Crate {
    pub files: Vec<SourceFile>,
}

impl Crate {
    pub fn read(src: &Path) -> Crate {
        let mut files = Vec::new();
        collect(src, src, &mut files);
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Crate { files }
    }

    fn modules(&self) -> BTreeSet<&ModPath> {
        self.files.iter().map(|f| &f.module).collect()
    }

    /// The modules each non-test file names, resolved to the longest
    /// module path that is a file.
    pub fn imports(&self) -> BTreeMap<ModPath, BTreeSet<ModPath>> {
        let modules = self.modules();
        let mut edges = BTreeMap::new();
        for file in self.files.iter().filter(|f| !f.is_test()) {
            let targets: BTreeSet<ModPath> = referenced_paths(&code_of(&file.text))
                .into_iter()
                .filter_map(|path| absolute(&file.module, &path))
                .filter_map(|path| resolve(&modules, &path))
                .filter(|target| *target != file.module)
                .collect();
            edges.insert(file.module.clone(), targets);
        }
        edges
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<SourceFile>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root).unwrap().with_extension("");
            let mut parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let file_name = parts.pop().unwrap();
            let folder = parts.clone();
            // `main.rs` is the binary, a crate of its own over the library
            // (it says `wirepost::`, never `crate::`): a module of its own.
            if !matches!(file_name.as_str(), "mod" | "lib") {
                parts.push(file_name);
            }
            let text = std::fs::read_to_string(&path).unwrap();
            out.push(SourceFile {
                path,
                module: parts,
                folder,
                text,
            });
        }
    }
}

/// The text without comments and without `#[cfg(test)]` module blocks.
pub fn code_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]"
            && let Some(next) = lines.clone().next()
            && next.trim_start().starts_with("mod ")
            && next.trim_end().ends_with('{')
        {
            lines.next();
            skip_block(&mut lines);
            continue;
        }
        out.push_str(strip_line_comment(line));
        out.push('\n');
    }
    out
}

fn skip_block<'a>(lines: &mut impl Iterator<Item = &'a str>) {
    let mut depth = 1i32;
    for line in lines {
        let code = strip_line_comment(line);
        depth += code.matches('{').count() as i32 - code.matches('}').count() as i32;
        if depth <= 0 {
            return;
        }
    }
}

/// Cuts a `//` comment, leaving `//` inside string literals alone.
fn strip_line_comment(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    let bytes = line.as_bytes();
    for i in 0..bytes.len() {
        let b = bytes[i];
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            return &line[..i];
        }
    }
    line
}

/// Every `crate::…`, `super::…` or `self::…` path in `code`, with brace
/// groups expanded: `crate::a::{b, c::d}` gives `crate::a::b` and
/// `crate::a::c::d`.
fn referenced_paths(code: &str) -> Vec<Vec<String>> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !is_ident(bytes[i - 1]) && bytes[i - 1] != b':';
        let keyword = ["crate::", "super::", "self::"]
            .iter()
            .any(|p| bytes[i..].starts_with(p.as_bytes()));
        if starts_word && keyword {
            let (paths, used) = parse_path(&code[i..]);
            out.extend(paths);
            i += used.max(1);
        } else {
            i += 1;
        }
    }
    out
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Parses `seg::seg::{…}` at the start of `text`; returns the expanded
/// paths and the bytes consumed.
fn parse_path(text: &str) -> (Vec<Vec<String>>, usize) {
    let bytes = text.as_bytes();
    let mut segments = Vec::new();
    let mut i = 0;
    loop {
        let start = i;
        while i < bytes.len() && is_ident(bytes[i]) {
            i += 1;
        }
        if i > start {
            segments.push(text[start..i].to_string());
        }
        if text[i..].starts_with("::") {
            i += 2;
            if text[i..].starts_with('{') {
                let (groups, used) = parse_group(&text[i + 1..]);
                let paths = groups
                    .into_iter()
                    .map(|tail| segments.iter().cloned().chain(tail).collect())
                    .collect();
                return (paths, i + 1 + used);
            }
            if text[i..].starts_with('*') {
                return (vec![segments], i + 1);
            }
            continue;
        }
        return (vec![segments], i);
    }
}

/// Parses the inside of a `{…}` group up to its closing brace.
fn parse_group(text: &str) -> (Vec<Vec<String>>, usize) {
    let mut out = Vec::new();
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        match bytes[i] {
            b'}' => return (out, i + 1),
            b',' | b' ' | b'\n' | b'\t' | b'\r' => i += 1,
            _ => {
                let (paths, used) = parse_path(&text[i..]);
                out.extend(paths);
                i += used.max(1);
                // Skip `as alias` and anything else up to the next item.
                while i < bytes.len() && !matches!(bytes[i], b',' | b'}') {
                    i += 1;
                }
            }
        }
    }
    (out, i)
}

/// `path` as a path from the crate root, seen from `module`.
fn absolute(module: &ModPath, path: &[String]) -> Option<ModPath> {
    let mut segments = path.iter().peekable();
    let mut base: ModPath = match segments.peek()?.as_str() {
        "crate" => {
            segments.next();
            Vec::new()
        }
        _ => module.clone(),
    };
    for segment in segments {
        match segment.as_str() {
            "super" => {
                base.pop()?;
            }
            "self" => {}
            name => base.push(name.to_string()),
        }
    }
    Some(base)
}

/// The longest prefix of `path` that is a module of the crate.
fn resolve(modules: &BTreeSet<&ModPath>, path: &ModPath) -> Option<ModPath> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|prefix| modules.contains(prefix))
}

/// Strongly connected components with more than one member (Tarjan).
pub fn circles(edges: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Vec<Vec<ModPath>> {
    struct Walk<'a> {
        edges: &'a BTreeMap<ModPath, BTreeSet<ModPath>>,
        index: BTreeMap<&'a ModPath, usize>,
        low: BTreeMap<&'a ModPath, usize>,
        stack: Vec<&'a ModPath>,
        out: Vec<Vec<ModPath>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, v: &'a ModPath) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            for w in self.edges.get(v).into_iter().flatten() {
                let Some((w, _)) = self.edges.get_key_value(w) else {
                    continue;
                };
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.stack.contains(&w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    component.push(w.clone());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.out.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !walk.index.contains_key(v) {
            walk.visit(v);
        }
    }
    walk.out
}

/// Functions longer than `limit` lines: (first line, name, length).
pub fn long_functions(text: &str, limit: usize) -> Vec<(usize, String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(name) = fn_name(line) else { continue };
        if let Some(length) = body_length(&lines[i..])
            && length > limit
        {
            out.push((i + 1, name, length));
        }
    }
    out
}

/// The name of a function whose signature starts on this line.
fn fn_name(line: &str) -> Option<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "fn")?;
    let qualifiers = ["pub", "async", "const", "unsafe", "extern", "\"C\""];
    let before_ok = words[..at]
        .iter()
        .all(|w| qualifiers.contains(w) || w.starts_with("pub("));
    let name: String = words
        .get(at + 1)?
        .chars()
        .take_while(|c| is_ident(*c as u8))
        .collect();
    (before_ok && !name.is_empty()).then_some(name)
}

/// Lines from the signature to the closing brace; `None` for a
/// declaration without a body.
fn body_length(lines: &[&str]) -> Option<usize> {
    let mut depth = 0i32;
    let mut opened = false;
    for (i, line) in lines.iter().enumerate() {
        let code = without_literals(strip_line_comment(line));
        if !opened && code.contains(';') && !code.contains('{') {
            return None;
        }
        depth += code.matches('{').count() as i32 - code.matches('}').count() as i32;
        opened |= code.contains('{');
        if opened && depth <= 0 {
            return Some(i + 1);
        }
    }
    None
}

/// The line with string and char literals emptied, so braces inside them
/// do not count.
fn without_literals(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut escaped = false;
                for d in chars.by_ref() {
                    match (escaped, d) {
                        (true, _) => escaped = false,
                        (false, '\\') => escaped = true,
                        (false, '"') => break,
                        _ => {}
                    }
                }
                out.push_str("\"\"");
            }
            '\'' => {
                // A char literal ('{', '\n') or a lifetime ('a).
                let rest: String = chars.clone().take(3).collect();
                let is_char = rest.starts_with('\\') || rest.chars().nth(1) == Some('\'');
                if is_char {
                    let mut escaped = false;
                    for d in chars.by_ref() {
                        match (escaped, d) {
                            (true, _) => escaped = false,
                            (false, '\\') => escaped = true,
                            (false, '\'') => break,
                            _ => {}
                        }
                    }
                    out.push_str("' '");
                } else {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
    }
    out
}
