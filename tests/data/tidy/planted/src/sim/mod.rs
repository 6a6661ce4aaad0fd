//! The planted module: line 7 asks the disk about a file, which core code must not do.

/// The size of a scenario file; std::fs named in a comment is fine.
pub fn scenario_size(path: &str) -> String {
    // Asking the disk here would tie the simulation to a disk:
    let _ = path;
    std::fs::metadata(path).map(|m| m.len().to_string()).unwrap_or_default()
}
