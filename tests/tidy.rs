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
