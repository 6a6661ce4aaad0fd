//! Standard output for the commands: a closed pipe (`socdrill scenarios | head`) ends
//! the program quietly instead of panicking. `say!` and `say_raw!` are `println!` and
//! `print!` through it.

use std::io::Write as _;

/// Writes to standard output; a closed pipe (`socdrill scenarios | head`) ends the
/// program quietly instead of panicking.
pub(crate) fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(2);
    }
}

/// `println!` through [`emit`].
macro_rules! say {
    ($($arg:tt)*) => { $crate::output::emit(&(format!($($arg)*) + "\n")) };
}

/// `print!` through [`emit`].
macro_rules! say_raw {
    ($($arg:tt)*) => { $crate::output::emit(&format!($($arg)*)) };
}
