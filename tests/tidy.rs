//! The core boundary, checked in the style of rust-analyzer's `tidy.rs`: the library's
//! modules (the simulation, the SOC, bots, scoring, journal, views, batches, reports,
//! live moves, scenarios, Sigma) do no file, network, process, terminal or wall-clock
//! work. That belongs to the binary's edges (`main.rs`, the commands, `serve/`, `gui/`,
//! the history). A use in the core fails here, naming the file and line.

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

/// The library's top-level modules, as `src/lib.rs` declares them.
fn core_modules(root: &Path) -> Vec<String> {
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).unwrap();
    lib.lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l
                .strip_prefix("pub mod ")
                .or_else(|| l.strip_prefix("mod "))?;
            Some(rest.trim_end_matches(';').trim().to_string())
        })
        .collect()
}

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for e in entries {
            rust_files(&e, out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
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
    let modules = core_modules(root);
    assert!(
        modules.iter().any(|m| m == "sim") && modules.iter().any(|m| m == "soc"),
        "src/lib.rs declares the core modules: {modules:?}"
    );
    let mut files = vec![root.join("src/lib.rs")];
    for m in &modules {
        let dir = root.join("src").join(m);
        if dir.is_dir() {
            rust_files(&dir, &mut files);
        }
        let file = root.join("src").join(format!("{m}.rs"));
        if file.exists() {
            files.push(file);
        }
    }
    assert!(
        files.len() > 30,
        "the core's files are found: {}",
        files.len()
    );
    let mut found = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (line, needle, what) in violations(&text) {
            found.push(format!(
                "{}:{line}: `{needle}` ({what}) in core code: move it to the binary's edges (main.rs, a command, serve/, gui/)",
                f.strip_prefix(root).unwrap().display()
            ));
        }
    }
    assert!(found.is_empty(), "\n{}", found.join("\n"));
}

#[test]
fn the_check_finds_what_it_is_meant_to() {
    let text = "fn f() {\n    // println!(\"in a comment is fine\")\n    let t = std::time::Instant::now();\n    println!(\"x\"); // and a trailing comment\n}\n#[cfg(test)]\nmod tests { fn g() { std::fs::read(\"x\"); } }\n";
    let v = violations(text);
    assert_eq!(
        v,
        vec![
            (3, "Instant::now", "the wall clock"),
            (4, "println!", "terminal output")
        ]
    );
}
