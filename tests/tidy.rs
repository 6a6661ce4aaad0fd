//! The core boundary, checked in the style of rust-analyzer's `tidy.rs`: the
//! `socdrill-core` crate (the simulation, the SOC, bots, scoring, journal, views,
//! batches, reports, live moves, scenarios, Sigma) does no file, network, process,
//! terminal or wall-clock work, and depends on no crate that does. That belongs to the
//! `socdrill` binary's edges (`src/main.rs`, the commands, `serve/`, `gui/`, the
//! history). A use in the core fails here, naming the file and line.

use std::path::{Path, PathBuf};

/// What the core must not use, and why, as (needle, what it is).
const FORBIDDEN: &[(&str, &str)] = &[
    ("std::fs", "file I/O"),
    ("fs::read", "file I/O"),
    ("fs::write", "file I/O"),
    ("File::open", "file I/O"),
    ("File::create", "file I/O"),
    ("std::net", "network I/O"),
    ("TcpStream", "network I/O"),
    ("tokio::", "an async runtime"),
    ("axum::", "a web server"),
    ("std::process", "processes"),
    ("Command::new", "processes"),
    ("println!", "terminal output"),
    ("eprintln!", "terminal output"),
    ("print!(", "terminal output"),
    ("eprint!(", "terminal output"),
    ("stdin()", "terminal input"),
    ("stdout()", "terminal output"),
    ("stderr()", "terminal output"),
    ("SystemTime", "the wall clock"),
    ("Instant::now", "the wall clock"),
    ("env::var", "the environment"),
    ("rusqlite", "the history database"),
];

/// Every Rust source file under `dir`, in a stable order.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    if dir.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for e in entries {
            rust_files(&e, out);
        }
    } else if dir.extension().is_some_and(|e| e == "rs") {
        out.push(dir.to_path_buf());
    }
}

/// Every forbidden use in the crate whose sources are under `src`, one message each,
/// naming the file (relative to `root`) and line.
fn scan(root: &Path, src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut found = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (line, needle, what) in violations(&text) {
            found.push(format!(
                "{}:{line}: `{needle}` ({what}) in core code: move it to the binary's edges (src/main.rs, a command in src/cli/, src/serve/, src/gui/)",
                f.strip_prefix(root).unwrap().display()
            ));
        }
    }
    found
}

/// Every forbidden use in `text` (code only: comments and test modules are skipped), as
/// (1-based line, needle, what it is).
fn violations(text: &str) -> Vec<(usize, &'static str, &'static str)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("#[cfg(test)]") {
            break;
        }
        if code.starts_with("//") {
            continue;
        }
        let code = code.split(" //").next().unwrap_or(code);
        for &(needle, what) in FORBIDDEN {
            if code.contains(needle) {
                out.push((i + 1, needle, what));
            }
        }
    }
    out
}

#[test]
fn the_core_does_no_file_network_process_terminal_or_clock_work() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("core/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(
        files.len() > 30 && files.iter().any(|f| f.ends_with("sim/mod.rs")),
        "the core's files are found under {}: {}",
        src.display(),
        files.len()
    );
    let found = scan(root, &src);
    assert!(found.is_empty(), "\n{}", found.join("\n"));
}

#[test]
fn a_planted_file_read_in_core_code_fails_the_scan_naming_its_line() {
    // A fixture crate laid out like the core, with one `std::fs` call planted in it.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tidy");
    let found = scan(&root, &root.join("planted/src"));
    assert_eq!(
        found,
        vec![
            "planted/src/sim/mod.rs:7: `std::fs` (file I/O) in core code: move it to the binary's edges (src/main.rs, a command in src/cli/, src/serve/, src/gui/)"
                .to_string()
        ]
    );
}

/// What the core's dependency tree must not hold, and why.
const FORBIDDEN_CRATES: &[(&str, &str)] = &[
    ("axum", "a web server"),
    ("hyper", "HTTP"),
    ("tokio", "an async runtime"),
    ("clap", "command-line parsing"),
    ("rusqlite", "the history database"),
];

/// The crates `package` builds with (normal dependencies, this machine's target), as
/// `cargo tree` lists them.
fn tree(package: &str) -> std::collections::BTreeSet<String> {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "tree",
            "--offline",
            "--locked",
            "-e",
            "normal",
            "--prefix",
            "none",
            "-p",
        ])
        .arg(package)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo tree -p {package}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split(' ').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_core_crate_depends_on_no_server_runtime_terminal_or_database_crate() {
    let core = tree("socdrill-core");
    assert!(
        core.contains("bevy_ecs") && core.contains("serde"),
        "the core's tree is read: {core:?}"
    );
    let bad: Vec<String> = FORBIDDEN_CRATES
        .iter()
        .filter(|(name, _)| core.contains(*name))
        .map(|(name, what)| {
            format!(
                "socdrill-core depends on {name} ({what}): that belongs to the socdrill binary (`cargo tree -p socdrill-core -i {name}` shows the path)"
            )
        })
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // The check sees them where they are: the binary has each.
    let binary = tree("socdrill");
    for (name, _) in FORBIDDEN_CRATES {
        assert!(binary.contains(*name), "the binary's tree has {name}");
    }
}

/// A file's module path within its crate: `soc/mod.rs` is `soc`, `soc/work.rs` is
/// `soc::work`, the crate root is empty.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The leading `a::b::c` of `s` (lower-case segments only: a type or a group ends it),
/// and what follows.
fn segments(mut s: &str) -> (Vec<String>, &str) {
    let mut out = Vec::new();
    loop {
        let n = s
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        if n == 0 || !s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') {
            break;
        }
        out.push(s[..n].to_string());
        s = &s[n..];
        match s.strip_prefix("::") {
            Some(rest) => s = rest,
            None => break,
        }
    }
    (out, s)
}

/// The paths a file names with `crate::` or `super::` (in `use` lists too), code only.
fn references(text: &str) -> Vec<(bool, Vec<String>)> {
    let code: String = text
        .split("#[cfg(test)]")
        .next()
        .unwrap_or("")
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    for (keyword, is_super) in [("crate::", false), ("super::", true)] {
        let mut at = 0;
        while let Some(i) = code[at..].find(keyword) {
            let start = at + i;
            at = start + keyword.len();
            if code[..start]
                .chars()
                .last()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
            {
                continue;
            }
            let (path, rest) = segments(&code[at..]);
            match rest.strip_prefix('{') {
                Some(group) => {
                    let group = &group[..group.find('}').unwrap_or(group.len())];
                    for item in group.split(',') {
                        let (more, _) = segments(item.trim());
                        out.push((is_super, [path.clone(), more].concat()));
                    }
                }
                None => out.push((is_super, path)),
            }
        }
    }
    out
}

/// Which files each file of the crate under `src` refers to: each path is resolved to
/// the longest module prefix that is a file (the crate root's declarations are not
/// references).
fn import_graph(src: &Path) -> Vec<(PathBuf, Vec<PathBuf>)> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: std::collections::BTreeMap<Vec<String>, PathBuf> = files
        .iter()
        .map(|f| (module_path(src, f), f.clone()))
        .collect();
    files
        .iter()
        .map(|f| {
            let me = module_path(src, f);
            let is_mod = f
                .file_stem()
                .is_some_and(|s| s == "mod" || s == "lib" || s == "main");
            let mut to = std::collections::BTreeSet::new();
            for (is_super, path) in references(&std::fs::read_to_string(f).unwrap()) {
                let mut parts = if is_super {
                    let mut base = me.clone();
                    if !is_mod || !base.is_empty() {
                        base.pop();
                    }
                    base
                } else {
                    Vec::new()
                };
                parts.extend(path);
                let target = (0..=parts.len())
                    .rev()
                    .find_map(|k| modules.get(&parts[..k]))
                    .unwrap();
                if target != f && !module_path(src, target).is_empty() {
                    to.insert(target.clone());
                }
            }
            (f.clone(), to.into_iter().collect())
        })
        .collect()
}

/// The import circles among the files: groups of more than one file that reach each
/// other (Tarjan's strongly connected components).
fn circles(graph: &[(PathBuf, Vec<PathBuf>)]) -> Vec<Vec<PathBuf>> {
    struct Walk<'a> {
        graph: &'a [(PathBuf, Vec<PathBuf>)],
        index: std::collections::HashMap<&'a Path, usize>,
        low: std::collections::HashMap<&'a Path, usize>,
        stack: Vec<&'a Path>,
        out: Vec<Vec<PathBuf>>,
    }
    fn visit<'a>(w: &mut Walk<'a>, v: &'a Path) {
        let n = w.index.len();
        w.index.insert(v, n);
        w.low.insert(v, n);
        w.stack.push(v);
        let edges = &w.graph.iter().find(|(f, _)| f == v).unwrap().1;
        for t in edges {
            let t = t.as_path();
            if !w.index.contains_key(t) {
                visit(w, t);
                let l = w.low[t].min(w.low[v]);
                w.low.insert(v, l);
            } else if w.stack.contains(&t) {
                let l = w.index[t].min(w.low[v]);
                w.low.insert(v, l);
            }
        }
        if w.low[v] == w.index[v] {
            let mut group = Vec::new();
            while let Some(x) = w.stack.pop() {
                group.push(x.to_path_buf());
                if x == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                w.out.push(group);
            }
        }
    }
    let mut w = Walk {
        graph,
        index: Default::default(),
        low: Default::default(),
        stack: Vec::new(),
        out: Vec::new(),
    };
    for (f, _) in graph {
        if !w.index.contains_key(f.as_path()) {
            visit(&mut w, f);
        }
    }
    w.out
}

#[test]
fn no_import_circle_outside_the_engine() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The engine's files (the event loop and the SOC it drives) call each other by
    // design; every other file sits in a layer.
    let engine = |f: &PathBuf| {
        let rel = f.strip_prefix(root).unwrap();
        rel.starts_with("core/src/sim") || rel.starts_with("core/src/soc")
    };
    let mut bad = Vec::new();
    for src in ["core/src", "src"] {
        let graph = import_graph(&root.join(src));
        assert!(
            graph.iter().any(|(_, to)| !to.is_empty()),
            "the import graph of {src} is read"
        );
        for group in circles(&graph) {
            if !group.iter().all(engine) {
                let names: Vec<String> = group
                    .iter()
                    .map(|f| f.strip_prefix(root).unwrap().display().to_string())
                    .collect();
                bad.push(names.join(" ⇄ "));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "files that import each other (move what they share into a file both can import):\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_circle_check_sees_a_circle() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tidy/circle/src");
    let graph = import_graph(&dir);
    let found = circles(&graph);
    let names: Vec<Vec<String>> = found
        .iter()
        .map(|g| {
            g.iter()
                .map(|f| f.strip_prefix(&dir).unwrap().display().to_string())
                .collect()
        })
        .collect();
    assert_eq!(
        names,
        vec![vec!["a.rs".to_string(), "b/mod.rs".to_string()]]
    );
}
