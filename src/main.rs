//! The `socdrill` command line: parses arguments, reads files, prints. All simulation
//! lives in the library.

#![warn(clippy::allow_attributes_without_reason)]

mod card;

use std::io::Write as _;

/// Writes to standard output; a closed pipe (`socdrill scenarios | head`) ends the
/// program quietly instead of panicking.
fn emit(text: &str) {
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
    ($($arg:tt)*) => { emit(&(format!($($arg)*) + "\n")) };
}

/// `print!` through [`emit`].
macro_rules! say_raw {
    ($($arg:tt)*) => { emit(&format!($($arg)*)) };
}

mod batch_cmd;
#[cfg(feature = "gui")]
mod gui;
mod history;
mod rundir;
mod serve;

/// mimalloc: the simulation allocates many small, short-lived values; glibc's allocator
/// spent about a quarter of a batch's time in malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
mod sigma_cmd;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

use socdrill::scenario::{self, Diagnostics, Scenario};
use socdrill::script::{self, Script};
use socdrill::{Exercise, bots, journal};

/// Tabletop and purple-team exercise simulator for security operations centers.
#[derive(Parser)]
#[command(
    name = "socdrill",
    version,
    about,
    long_about = None,
    after_help = "Examples:
  socdrill run                                   the built-in scenario, competent bots
  socdrill run scenarios/mssp-night-shift.ron --seed 7 --bots expert
  socdrill run --seed 5 --out runs/a             keep results.json and journal.jsonl
  socdrill replay runs/a                         re-simulate and compare event by event
  socdrill run FILE.ron --actions moves.ron      script some seats (see ACTIONS.md)
  socdrill check scenarios/*.ron                 validate, listing every problem
  socdrill batch --seeds 1..1000 --out runs/b    many seeds on every core, ATT&CK coverage
  socdrill batch FILE.ron --variant v.ron        what-if: a variant against the baseline
  socdrill par scenarios/ransomware-rdp.ron      measure and store the scenario's par
  socdrill run --out runs/c --team blue          ... and record it in the exercise history
  socdrill history --team blue                   the team's exercises; compare --team draws the trend
  socdrill batch --seeds 1..1000000 --shard 0/8 --out s/0   one shard; batch-merge s/* joins them

Writing scenarios: scenarios/README.md · scoring: SCORING.md"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the exercise history is kept (see `socdrill history`).
#[derive(clap::Args, Debug, Clone, Default)]
struct DbArgs {
    /// The history database to record in (default: SOCDRILL_DB, else
    /// socdrill/history.sqlite in the platform's data directory).
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Record nothing in the history.
    #[arg(long, conflicts_with = "db")]
    no_db: bool,
}

impl DbArgs {
    fn location(&self) -> Option<PathBuf> {
        history::location(self.db.as_deref(), self.no_db)
    }
}

#[derive(Subcommand)]
enum HistoryAction {
    /// Index existing run directories (`run --out`, `serve`'s journal directories,
    /// `batch --out`) into the history; those already there are skipped. A deleted
    /// history is rebuilt this way with the same rows.
    Import {
        /// Run directories.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Run an exercise headless, bots in every seat not scripted; print the scorecard.
    Run {
        /// Scenario file (.ron). Without it, the built-in default scenario runs.
        scenario: Option<PathBuf>,
        /// Master seed: the same seed, scenario and actions give the same exercise.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Bot skill profile for every unscripted seat.
        #[arg(long, default_value = "competent", value_parser = ["novice", "competent", "expert"])]
        bots: String,
        /// Timed actions for some seats (see ACTIONS.md); those seats are not played by bots.
        #[arg(long)]
        actions: Option<PathBuf>,
        /// Write results.json, journal.jsonl and the inputs needed to replay into DIR.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Print the results as JSON instead of the scorecard.
        #[arg(long)]
        json: bool,
        /// End the exercise at this simulated time (e.g. `6m`, `1h30m`), as a facilitator
        /// pressing End would: the defenders stand down there and the attack runs on to
        /// the time limit without them; the exercise is scored on that.
        #[arg(long, value_name = "DURATION", value_parser = parse_end_at)]
        end_at: Option<u64>,
        /// The most simulated events the exercise may fire before it is stopped as
        /// runaway (a scenario asking for more work than it can mean).
        #[arg(long, value_name = "N", default_value_t = socdrill::sim::DEFAULT_EVENT_BUDGET)]
        max_events: u64,
        /// The team that played, for the history (`socdrill history --team`).
        #[arg(long, value_name = "NAME")]
        team: Option<String>,
        /// With --out, the exercise is recorded in the history.
        #[command(flatten)]
        db: DbArgs,
    },
    /// Validate scenario files and list every problem as FILE:LINE:COL: message.
    Check {
        /// Scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Re-simulate a run directory and compare it with its journal, event by event.
    Replay {
        /// A directory written by `run --out`.
        dir: PathBuf,
    },
    /// Write the after-action report of a run directory (HTML by default).
    Report {
        /// A directory written by `run --out`.
        run: PathBuf,
        /// Output format.
        #[arg(long, default_value = "html", value_parser = ["html", "md", "json", "csv", "navigator"])]
        format: String,
        /// Where to write it (`-` for standard output). Default: RUN/report.<format>.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Compare runs side by side and over time; `--out` writes .html or .csv.
    Compare {
        /// Run directories written by `run --out` (or pick them from the history with
        /// --team, --scenario, --trainee).
        #[arg(required_unless_present_any = ["team", "scenario", "trainee"])]
        runs: Vec<PathBuf>,
        /// Write the comparison to FILE (.html with trend charts, or .csv).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// From the history: this team's exercises, oldest first.
        #[arg(long, value_name = "NAME", conflicts_with = "runs")]
        team: Option<String>,
        /// From the history: exercises of this scenario id.
        #[arg(long, value_name = "ID", conflicts_with = "runs")]
        scenario: Option<String>,
        /// From the history: the exercises a participant played in (a trainee's way up
        /// the Tier 1 ladder).
        #[arg(long, value_name = "NAME", conflicts_with = "runs")]
        trainee: Option<String>,
        /// The history to read (default as for recording).
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
    /// List the exercises in the history: those `run --out`, `serve` and `batch`
    /// recorded, or `history import` indexed (`play --out` directories too). Filters
    /// combine.
    History {
        #[command(subcommand)]
        action: Option<HistoryAction>,
        /// This team only.
        #[arg(long, value_name = "NAME")]
        team: Option<String>,
        /// This scenario id only.
        #[arg(long, value_name = "ID")]
        scenario: Option<String>,
        /// Recorded on or after this date (YYYY-MM-DD, UTC).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// run, serve, play or batch only.
        #[arg(long, value_parser = ["run", "serve", "play", "batch"])]
        source: Option<String>,
        /// Exercises this participant played in.
        #[arg(long, value_name = "NAME")]
        trainee: Option<String>,
        /// Print every field as JSON.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print one CSV row per exercise.
        #[arg(long)]
        csv: bool,
        /// The history to read (default as for recording).
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
    /// Run many seeds on every core: distributions, detection per stage, ATT&CK
    /// coverage, and what-if variants paired with the baseline.
    #[command(
        after_help = "A variant is a RON overlay on the scenario (see scenarios/README.md, \"What-if variants\"):
  Variant(name: \"second-hunter\", changes: [Staffing(role: Hunter, seats: 2)])
Changes: EnableRule(\"id\"), DisableRule(\"id\"), TuneRule(rule: \"id\", fidelity: 0.9, benign_per_hour: 2.0),
  AddRule((id: …, name: …, source: …, techniques: […], fidelity: …, severity: …)),
  Staffing(role: Tier1, seats: 3), Bots(role: Tier1, profile: \"novice\"), Noise(source: \"edr\", scale: 2.0).

Output: a summary on standard output (--json: one JSON document that is byte-identical
for the same inputs, whatever --jobs); timings and progress on standard error.
--out DIR writes runs.jsonl (one line per exercise, streamed), summary.json and
report.html (tables and an ATT&CK coverage heatmap). Ctrl-C stops cleanly and keeps
what finished (exit code 130)."
    )]
    Batch {
        /// Scenario file (.ron). Without it, the built-in default scenario.
        scenario: Option<PathBuf>,
        /// Seeds to run: `A..B` (both ends included) or one seed.
        #[arg(long, default_value = "1..100")]
        seeds: String,
        /// Bot skill profile for every seat (variants may change it).
        #[arg(long, default_value = "competent", value_parser = ["novice", "competent", "expert"])]
        bots: String,
        /// A what-if variant file; repeat for several. Each runs on the same seeds.
        #[arg(long = "variant", value_name = "FILE")]
        variants: Vec<PathBuf>,
        /// Worker threads (default: every core). Results do not depend on it.
        #[arg(long)]
        jobs: Option<usize>,
        /// Write runs.jsonl, summary.json and report.html into DIR.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
        /// Write the baseline's ATT&CK coverage as an ATT&CK Navigator layer (format
        /// 4.5) to FILE, and each variant's beside it (FILE's name with the variant's).
        #[arg(long, value_name = "FILE")]
        navigator: Option<PathBuf>,
        /// Run only the K-th (from 0) of N contiguous blocks of the seeds and write an
        /// exact partial summary into --out DIR for `batch-merge`. `--shard N` takes K
        /// from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX (Slurm job arrays,
        /// Kubernetes Indexed Jobs).
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
        /// Timed actions for some seats on every seed (see ACTIONS.md): scripted or
        /// idle defenders over many seeds; the other seats are bots.
        #[arg(long, value_name = "FILE")]
        actions: Option<PathBuf>,
        /// The team whose what-if this is, for the history.
        #[arg(long, value_name = "NAME")]
        team: Option<String>,
        /// Every exercise is recorded in the history.
        #[command(flatten)]
        db: DbArgs,
        /// Replace the scenario's rules with the Sigma rules (.yml) under DIR.
        #[arg(long, value_name = "DIR")]
        detections_from: Option<PathBuf>,
        /// Fidelity and noise per Sigma level (RON; default assets/sigma-levels.ron).
        #[arg(long, value_name = "FILE", requires = "detections_from")]
        sigma_levels: Option<PathBuf>,
    },
    /// Merge the partial summaries of a sharded batch (`batch --shard K/N --out DIR`,
    /// one DIR per shard, in any order) into the summary, JSON, HTML report and
    /// Navigator layers one machine running every seed would have written. Checks
    /// that the shards come from one batch and cover its seeds once.
    BatchMerge {
        /// The shards' --out directories (or their partial.json files).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
        /// Write summary.json and report.html into DIR.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Write each arm's ATT&CK Navigator layer (as `batch --navigator`).
        #[arg(long, value_name = "FILE")]
        navigator: Option<PathBuf>,
    },
    /// Measure a scenario's par (median team score of expert bots over seeds 200..219)
    /// and store it in the file; scorecards and reports show score against it.
    Par {
        /// Scenario file (.ron). Without it, the built-in scenario's par is printed only.
        scenario: Option<PathBuf>,
        /// Worker threads (default: every core).
        #[arg(long)]
        jobs: Option<usize>,
        /// Print the par without storing it.
        #[arg(long)]
        dry_run: bool,
    },
    /// Turn a directory of Sigma rules into scenario detection rules (RON to paste
    /// into a scenario's `rules: [...]`), mapped to the scenario's data sources.
    ImportSigma {
        /// Directory of Sigma rules (.yml, searched recursively).
        dir: PathBuf,
        /// Scenario whose data sources the rules read (default: the built-in one).
        scenario: Option<PathBuf>,
        /// Fidelity and noise per Sigma level (RON; default assets/sigma-levels.ron).
        #[arg(long, value_name = "FILE")]
        sigma_levels: Option<PathBuf>,
        /// Write the rules to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Run a live exercise for people: a browser console per seat, a facilitator
    /// console, a board; bots play every seat nobody opens.
    #[command(
        after_help = "Prints a facilitator link, a read-only board link and one join link per seat;
participants need only a browser. Every move is written to the journal directory
before it takes effect: after a crash, `socdrill serve --resume DIR` continues the
same exercise, and `socdrill replay DIR` re-simulates it.

Examples:
  socdrill serve                                  the built-in scenario on 127.0.0.1:8080
  socdrill serve scenarios/ransomware-rdp.ron --speed 20 --bind 0.0.0.0:8080
  socdrill serve --solo tier1 --seed 3            a trainee alone on Tier 1, bots elsewhere
  socdrill serve --resume live/phish-to-exfil-seed1-20261122-101500"
    )]
    Serve {
        /// Scenario file (.ron). Without it, the built-in default scenario.
        #[arg(conflicts_with = "resume")]
        scenario: Option<PathBuf>,
        /// Master seed.
        #[arg(long, default_value_t = 1, conflicts_with = "resume")]
        seed: u64,
        /// Address to listen on (loopback by default; port 0 picks a free port).
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
        /// Simulated seconds per wall second (the facilitator can change it live).
        #[arg(long, default_value_t = 10.0)]
        speed: f64,
        /// Bot skill profile for seats nobody opens.
        #[arg(long, default_value = "competent", value_parser = ["novice", "competent", "expert"], conflicts_with = "resume")]
        bots: String,
        /// Trainer's mode: one seat of ROLE for a person, bots everywhere else; the
        /// clock starts when the trainee opens the link.
        #[arg(long, value_name = "ROLE", conflicts_with = "resume")]
        solo: Option<String>,
        /// Directory for the journal, moves and results (default: live/<scenario>-seed<N>-<time>).
        #[arg(long, value_name = "DIR", conflicts_with = "resume")]
        journal: Option<PathBuf>,
        /// Continue the live exercise saved in DIR (after a crash or Ctrl-C).
        #[arg(long, value_name = "DIR")]
        resume: Option<PathBuf>,
        /// Also accept consoles served from ORIGIN (e.g. https://soc.example.org when a
        /// reverse proxy answers there); repeatable. Without it, a console's socket is
        /// accepted only from a page of this server's own address.
        #[arg(long, value_name = "ORIGIN")]
        allow_origin: Vec<String>,
        /// Seconds a connection has to send a whole request head before it is closed.
        #[arg(long, value_name = "SECONDS", default_value_t = serve::DEFAULT_LIMITS.header_timeout.as_secs())]
        header_timeout: u64,
        /// Connections open at once, in all; more are closed on arrival.
        #[arg(long, value_name = "N", default_value_t = serve::DEFAULT_LIMITS.max_connections)]
        max_connections: usize,
        /// Connections open at once from one address; more are closed on arrival.
        #[arg(long, value_name = "N", default_value_t = serve::DEFAULT_LIMITS.max_per_address)]
        max_per_address: usize,
        /// Seconds between pings to each console; one silent for two of them is dropped
        /// and its seat freed for its holder to open again.
        #[arg(long, value_name = "SECONDS", default_value_t = serve::DEFAULT_LIMITS.heartbeat.as_secs())]
        heartbeat: u64,
        /// Serve HTTPS (and WSS) with this certificate chain (PEM); needs --tls-key. For
        /// use beyond one trusted network when no reverse proxy terminates TLS.
        #[arg(long, value_name = "FILE", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The private key (PEM) of --tls-cert.
        #[arg(long, value_name = "FILE", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Board windows open at once.
        #[arg(long, value_name = "N", default_value_t = serve::DEFAULT_LIMITS.max_boards)]
        max_boards: usize,
        /// How long (simulated) an alert, handoff or decision waits for the people of
        /// its role before a bot of the role may take it: a duration such as 10m, `0`
        /// for bots racing people, or `never` (bots take only what the manager assigns
        /// them). Only roles a person holds are waited for; the facilitator can change
        /// it live. A solo trainee has the whole role (never).
        #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_bot_wait, conflicts_with = "resume")]
        bot_wait: socdrill::soc::ledger::BotWait,
        /// The team that plays, for the history (`socdrill history --team`).
        #[arg(long, value_name = "NAME", conflicts_with = "resume")]
        team: Option<String>,
        /// At the end, the exercise (with the participants' names) is recorded in the
        /// history.
        #[command(flatten)]
        db: DbArgs,
    },
    /// The game window: play a seat against bots, or watch a recorded exercise
    /// (needs a build with `--features gui`).
    #[command(
        after_help = "Keys: j/k select · t take · m malicious · b benign · c close · e escalate
(in the form: arrows, space ticks evidence, 1-4 severity, type the summary, enter sends)
· p pause · +/- speed; when watching, [ and ] seek 10 minutes.

Examples:
  cargo run --release --features gui -- play
  cargo run --release --features gui -- play scenarios/tier1-ladder-2.ron --seed 4
  cargo run --release --features gui -- play --watch runs/a"
    )]
    Play(PlayCmd),
    /// List the scenarios in a directory (default: ./scenarios).
    Scenarios {
        /// Directory to list.
        dir: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run {
            scenario,
            seed,
            bots,
            actions,
            out,
            json,
            end_at,
            max_events,
            team,
            db,
        } => run(&RunArgs {
            path: scenario.as_deref(),
            seed,
            profile: &bots,
            actions: actions.as_deref(),
            out: out.as_deref(),
            json,
            end_at,
            max_events,
            team: team.as_deref(),
            db: db.location(),
        }),
        Command::Check { files } => check(&files),
        Command::Replay { dir } => replay(&dir),
        Command::Report { run, format, out } => report(&run, &format, out.as_deref()),
        Command::Compare {
            runs,
            out,
            team,
            scenario,
            trainee,
            db,
        } => {
            if runs.is_empty() {
                compare_from_history(
                    &history::Filter {
                        team,
                        scenario,
                        participant: trainee,
                        ..history::Filter::default()
                    },
                    db.as_deref(),
                    out.as_deref(),
                )
            } else {
                compare(&runs, out.as_deref())
            }
        }
        Command::History {
            action,
            team,
            scenario,
            since,
            source,
            trainee,
            json,
            csv,
            db,
        } => match action {
            Some(HistoryAction::Import { dirs, db }) => history_import(&dirs, &db),
            None => history_list(
                &history::Filter {
                    team,
                    scenario,
                    since,
                    source,
                    participant: trainee,
                },
                db.as_deref(),
                json,
                csv,
            ),
        },
        Command::Batch {
            scenario,
            seeds,
            bots,
            variants,
            jobs,
            out,
            json,
            navigator,
            shard,
            actions,
            team,
            db,
            detections_from,
            sigma_levels,
        } => batch_cmd::batch(&batch_cmd::BatchArgs {
            scenario: scenario.as_deref(),
            seeds: &seeds,
            bots: &bots,
            variants: &variants,
            jobs,
            out: out.as_deref(),
            json,
            navigator: navigator.as_deref(),
            shard: shard.as_deref(),
            actions: actions.as_deref(),
            team: team.as_deref(),
            db: db.location(),
            detections_from: detections_from.as_deref(),
            sigma_levels: sigma_levels.as_deref(),
        }),
        Command::BatchMerge {
            dirs,
            json,
            out,
            navigator,
        } => batch_cmd::merge_cmd(&dirs, out.as_deref(), navigator.as_deref(), json),
        Command::Par {
            scenario,
            jobs,
            dry_run,
        } => batch_cmd::par_cmd(scenario.as_deref(), jobs, dry_run),
        Command::ImportSigma {
            dir,
            scenario,
            sigma_levels,
            out,
        } => sigma_cmd::import_cmd(
            &dir,
            scenario.as_deref(),
            sigma_levels.as_deref(),
            out.as_deref(),
        ),
        Command::Serve {
            scenario,
            seed,
            bind,
            speed,
            bots,
            solo,
            journal,
            resume,
            allow_origin,
            header_timeout,
            max_connections,
            max_per_address,
            heartbeat,
            max_boards,
            tls_cert,
            tls_key,
            bot_wait,
            team,
            db,
        } => serve::serve(&serve::ServeArgs {
            scenario: scenario.as_deref(),
            seed,
            bind: &bind,
            speed,
            bots: &bots,
            solo: solo.as_deref(),
            journal: journal.as_deref(),
            resume: resume.as_deref(),
            allow_origin: &allow_origin,
            limits: serve::Limits {
                header_timeout: std::time::Duration::from_secs(header_timeout),
                max_connections,
                max_per_address,
                heartbeat: std::time::Duration::from_secs(heartbeat),
                max_boards,
            },
            tls: tls_cert.as_deref().zip(tls_key.as_deref()),
            bot_wait,
            team: team.as_deref(),
            history: db.location(),
        }),
        Command::Play(c) => play(c),
        Command::Scenarios { dir } => list(dir.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// A problem in an input file, already rendered as `FILE:LINE:COL: message` lines.
#[derive(Debug)]
struct InputError(String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.trim_end())
    }
}

impl std::error::Error for InputError {}

fn diagnostics(file: &str, d: &Diagnostics) -> anyhow::Error {
    InputError(format!(
        "{} problem(s) in {file}:\n{}fix them and run again.",
        d.0.len(),
        d.render(file)
    ))
    .into()
}

/// Reads a file as text, turning a missing file or binary content into a clear error.
fn read_text(path: &Path) -> Result<String> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = scenario::text_from_bytes(&bytes)
        .map_err(|d| diagnostics(&path.display().to_string(), &d))?;
    Ok(text.to_string())
}

/// Loads a scenario file, or the built-in default; returns it with its source text.
fn load_scenario(path: Option<&Path>) -> Result<(Arc<Scenario>, String, String)> {
    let (name, src) = match path {
        Some(p) => (p.display().to_string(), read_text(p)?),
        None => (
            scenario::DEFAULT_SCENARIO_NAME.to_string(),
            scenario::DEFAULT_SCENARIO.to_string(),
        ),
    };
    let s = scenario::load(&src).map_err(|d| diagnostics(&name, &d))?;
    Ok((Arc::new(s), src, name))
}

fn load_script(path: Option<&Path>, scenario: &Scenario) -> Result<(Script, Option<String>)> {
    let Some(p) = path else {
        return Ok((Script::default(), None));
    };
    let src = read_text(p)?;
    let s = script::load(&src, scenario).map_err(|d| diagnostics(&p.display().to_string(), &d))?;
    Ok((s, Some(src)))
}

/// `--end-at`'s value: a duration such as `6m` or `1h30m`, in seconds.
fn parse_end_at(text: &str) -> Result<u64, String> {
    scenario::format::parse_duration(text)
        .map_err(|e| format!("{e} (write a duration such as 6m, 90s or 1h30m)"))
}

/// `--bot-wait`'s value: `never`, `0`, or a duration such as `10m`.
fn parse_bot_wait(text: &str) -> Result<socdrill::soc::ledger::BotWait, String> {
    use socdrill::soc::ledger::BotWait;
    match text.trim() {
        "never" => Ok(BotWait::Never),
        "0" => Ok(BotWait::Immediately),
        t => match parse_end_at(t)? {
            0 => Ok(BotWait::Immediately),
            s => Ok(BotWait::After(s)),
        },
    }
    .map_err(|e: String| format!("{e}, or `never`"))
}

/// `run`'s arguments.
struct RunArgs<'a> {
    path: Option<&'a Path>,
    seed: u64,
    profile: &'a str,
    actions: Option<&'a Path>,
    out: Option<&'a Path>,
    json: bool,
    end_at: Option<u64>,
    max_events: u64,
    team: Option<&'a str>,
    db: Option<PathBuf>,
}

/// Runs an exercise to its end, or ends it at `end_at` the way a facilitator would.
fn simulate(ex: &mut Exercise, end_at: Option<u64>) {
    match end_at {
        Some(t) if t < ex.scenario().time_limit => {
            ex.advance_to(t);
            // Ending early is refused only when the exercise is already over (every
            // intrusion resolved before `t`): then there is nothing left to stop.
            if ex.end_now().is_err() {
                ex.run_to_end();
            }
        }
        _ => ex.run_to_end(),
    }
}

fn run(a: &RunArgs) -> Result<ExitCode> {
    let RunArgs {
        path,
        seed,
        profile,
        actions,
        out,
        json,
        end_at,
        max_events,
        team,
        ref db,
    } = *a;
    let (scenario, src, _) = load_scenario(path)?;
    let (script, script_src) = load_script(actions, &scenario)?;
    let profile =
        bots::profile_named(profile).with_context(|| format!("unknown bot profile {profile:?}"))?;
    if let Some(t) = end_at
        && t >= scenario.time_limit
    {
        bail!(
            "--end-at {} is not before the scenario's time limit ({}): leave it out to run to the limit",
            socdrill::report::span(t),
            socdrill::report::span(scenario.time_limit)
        );
    }
    let mut ex = Exercise::new(scenario.clone(), seed, profile, &script);
    ex.set_event_budget(max_events);
    simulate(&mut ex, end_at);
    if let Some(why) = ex.over_budget() {
        bail!(
            "{}: {why} (or, if it is meant, raise the budget with --max-events)",
            path.map_or_else(
                || "the built-in scenario".to_string(),
                |p| p.display().to_string()
            )
        );
    }
    let results = ex.results();
    let results_json = serde_json::to_string_pretty(&results)?;
    if let Some(dir) = out {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let write = |name: &str, text: &str| {
            let p = dir.join(name);
            fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))
        };
        write("journal.jsonl", &ex.journal().to_jsonl())?;
        write("scenario.ron", &src)?;
        if let Some(s) = &script_src {
            write("actions.ron", s)?;
        }
        write("results.json", &(results_json.clone() + "\n"))?;
        // When it ran lives beside the results, not in them: results stay reproducible.
        rundir::write_info(
            dir,
            &rundir::Info {
                team: team.map(str::to_string),
                max_events: Some(max_events),
                ..rundir::Info::now()
            },
        )?;
        record_in_history(db.as_deref(), dir);
    }
    if json {
        say!("{results_json}");
    } else {
        say_raw!("{}", card::scorecard(&results));
        if let Some(dir) = out {
            say!("results and journal written to {}", dir.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn check(files: &[PathBuf]) -> Result<ExitCode> {
    let mut bad = 0;
    for f in files {
        let name = f.display().to_string();
        let loaded = fs::read(f)
            .map_err(|e| format!("{name}: cannot read: {e}\n"))
            .and_then(|bytes| {
                let text = scenario::text_from_bytes(&bytes).map_err(|d| d.render(&name))?;
                scenario::load(text).map_err(|d| d.render(&name))
            });
        match loaded {
            Ok(s) => {
                let stages: usize = s.intrusions.iter().map(|i| i.stages.len()).sum();
                say!(
                    "{name}: ok — {} ({:?}; {} intrusion(s), {stages} stages, {} rules, {} injects, {} objectives)",
                    s.title,
                    s.difficulty,
                    s.intrusions.len(),
                    s.rules.len(),
                    s.injects.len(),
                    s.objectives.len()
                );
            }
            Err(text) => {
                bad += 1;
                eprint!("{text}");
            }
        }
    }
    if bad > 0 {
        eprintln!("{bad} of {} file(s) have problems", files.len());
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn replay(dir: &Path) -> Result<ExitCode> {
    if !dir.is_dir() {
        bail!(
            "{} is not a directory: give a directory written by `socdrill run --out DIR`",
            dir.display()
        );
    }
    if dir.join("setup.json").exists() {
        return replay_live(dir);
    }
    let results = rundir::results(dir)?;
    let (seed, bots_name) = (results.seed, results.bots.as_str());
    let (scenario, _, _) = load_scenario(Some(&dir.join("scenario.ron")))?;
    let actions = dir.join("actions.ron");
    let (script, _) = load_script(actions.exists().then_some(actions.as_path()), &scenario)?;
    let profile = bots::profile_named(bots_name)
        .with_context(|| format!("unknown bot profile {bots_name:?} in results.json"))?;
    let recorded = read_text(&dir.join("journal.jsonl"))?;
    let mut ex = Exercise::new(scenario, seed, profile, &script);
    // A run given a larger event budget (`run --max-events`) is replayed with it.
    if let Some(n) = rundir::info(dir).and_then(|i| i.max_events) {
        ex.set_event_budget(n);
    }
    // A run ended early (`run --end-at`) is ended at the same time again.
    let end_at =
        (results.ended_by == socdrill::score::EndedBy::Defenders).then_some(results.ended_at);
    simulate(&mut ex, end_at);
    if let Some(d) = journal::first_divergence(&recorded, ex.journal()) {
        report_divergence(dir, &d);
        return Ok(ExitCode::from(1));
    }
    let digest = ex.journal().digest();
    if !journal::is_digest_of(&results.digest, ex.journal(), &recorded) {
        eprintln!(
            "the journal replays, but results.json carries a different digest than the journal's {digest}"
        );
        return Ok(ExitCode::from(1));
    }
    say!(
        "replay ok: {} journal lines match; digest {digest}",
        ex.journal().lines.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// `play`'s arguments.
#[derive(clap::Args)]
struct PlayCmd {
    /// Scenario file (.ron). Without it, the built-in default scenario.
    scenario: Option<PathBuf>,
    /// The role you play: tier1 (the default), tier2, hunter, responder, manager, engineer or intel.
    #[arg(long = "as", value_name = "ROLE", default_value = "tier1")]
    role: String,
    /// Master seed: the same seed and keys give the same exercise.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Bot profile for every other seat.
    #[arg(long, default_value = "competent", value_parser = ["novice", "competent", "expert"])]
    bots: String,
    /// Simulated seconds per wall second.
    #[arg(long, default_value_t = 30.0)]
    speed: f64,
    /// Watch a recorded run (`run --out`, `serve` or `play` directory), re-simulated.
    #[arg(long, value_name = "RUN", conflicts_with = "scenario")]
    watch: Option<PathBuf>,
    /// Save the exercise (replayable, watchable) in DIR when it ends or the window closes.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Scripted input: a JSON list of steps (tests and demonstrations).
    #[arg(long, value_name = "FILE", hide = true)]
    script: Option<PathBuf>,
    /// Where scripted screenshots go.
    #[arg(long, value_name = "DIR", hide = true)]
    screenshots: Option<PathBuf>,
    /// Print frame-time figures after N frames and close.
    #[arg(long, value_name = "N", hide = true)]
    bench_frames: Option<u32>,
}

#[cfg(feature = "gui")]
fn play(c: PlayCmd) -> Result<ExitCode> {
    gui::play(&gui::PlayArgs {
        scenario: c.scenario.as_deref(),
        role: &c.role,
        seed: c.seed,
        bots: &c.bots,
        speed: c.speed,
        watch: c.watch.as_deref(),
        script: c.script.as_deref(),
        shots: c.screenshots.as_deref(),
        out: c.out.as_deref(),
        bench_frames: c.bench_frames,
    })
}

#[cfg(not(feature = "gui"))]
fn play(_: PlayCmd) -> Result<ExitCode> {
    bail!(
        "this socdrill was built without the game window: run `cargo run --release --features gui -- play` (it needs a display), or play in a browser with `socdrill serve --solo tier1`"
    )
}

/// Prints where a replay first differs from the recorded journal.
fn report_divergence(dir: &Path, d: &journal::Divergence) {
    eprintln!("replay diverges at journal line {}:", d.line);
    eprintln!(
        "  recorded: {}",
        d.recorded.as_deref().unwrap_or("(journal ends here)")
    );
    eprintln!(
        "  replayed: {}",
        d.replayed.as_deref().unwrap_or("(simulation ends here)")
    );
    // A run from another version of the simulation is not expected to replay here.
    let recorded_by = rundir::info(dir).and_then(|i| i.socdrill);
    let this = env!("CARGO_PKG_VERSION");
    if let Some(v) = recorded_by.filter(|v| v != this) {
        eprintln!(
            "  the run was recorded by socdrill {v} and this is {this}: the simulation changed between them, so replay it with socdrill {v} (its report and results still read here)"
        );
    }
}

/// Replays a live exercise's directory (written by `serve`): its recorded moves, played
/// again at their times, must give the journal it wrote.
fn replay_live(dir: &Path) -> Result<ExitCode> {
    let setup_path = dir.join("setup.json");
    let setup: socdrill::live::Setup =
        serde_json::from_str(&read_text(&setup_path)?).map_err(|e| {
            anyhow::Error::msg(socdrill::scenario::diag::json_problem(
                setup_path.display(),
                &e,
            ))
        })?;
    let (scenario, _, _) = load_scenario(Some(&dir.join("scenario.ron")))?;
    let profile = bots::profile_named(&setup.bots).with_context(|| {
        format!(
            "{}: unknown bot profile {:?}",
            setup_path.display(),
            setup.bots
        )
    })?;
    let moves_path = dir.join("moves.jsonl");
    let text = if moves_path.exists() {
        read_text(&moves_path)?
    } else {
        String::new()
    };
    let at = |line: usize, msg: &str| anyhow::anyhow!("{}:{line}:1: {msg}", moves_path.display());
    let (moves, torn) = socdrill::live::parse_moves(&text).map_err(|e| at(e.line, &e.message))?;
    let scenario = setup
        .scenario(&scenario)
        .map_err(|e| anyhow::anyhow!("{}: staffing: {e}", setup_path.display()))?;
    let mut ex = Exercise::new(scenario, setup.seed, profile, &setup.script());
    socdrill::live::replay(&mut ex, &moves).map_err(|e| at(e.line, &e.message))?;
    let recorded = read_text(&dir.join("journal.jsonl"))?;
    let results_path = dir.join("results.json");
    let finished = results_path.exists();
    let checked = if finished {
        ex.run_to_end();
        ex.journal().clone()
    } else {
        // Still running when it stopped: check the lines it wrote.
        let n = recorded.lines().count();
        let last_t = recorded
            .lines()
            .last()
            .and_then(|l| serde_json::from_str::<journal::Line>(l).ok())
            .map_or(0, |l| l.t);
        ex.advance_to(last_t.max(ex.horizon()));
        let mut j = ex.journal().clone();
        j.lines.truncate(n);
        j
    };
    if let Some(d) = journal::first_divergence(&recorded, &checked) {
        report_divergence(dir, &d);
        return Ok(ExitCode::from(1));
    }
    let digest = checked.digest();
    if finished {
        let results = rundir::results(dir)?;
        if !journal::is_digest_of(&results.digest, &checked, &recorded) {
            eprintln!(
                "the journal replays, but results.json carries a different digest than the journal's {digest}"
            );
            return Ok(ExitCode::from(1));
        }
        say!(
            "replay ok (live exercise, {} recorded moves): {} journal lines match; digest {digest}",
            moves.len(),
            checked.lines.len()
        );
    } else {
        say!(
            "replay ok so far (live exercise not finished{}): {} journal lines match; continue it with socdrill serve --resume {}",
            if torn {
                "; a torn last move was dropped"
            } else {
                ""
            },
            checked.lines.len(),
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn list(dir: Option<&Path>) -> Result<ExitCode> {
    let dir = dir.unwrap_or(Path::new("scenarios"));
    let mut files: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "ron"))
            .collect(),
        Err(_) => {
            say!(
                "no {} directory here; the built-in default scenario:",
                dir.display()
            );
            let s = scenario::load(scenario::DEFAULT_SCENARIO)
                .map_err(|d| diagnostics(scenario::DEFAULT_SCENARIO_NAME, &d))?;
            say_raw!(
                "{}",
                card::scenario_line(Path::new(scenario::DEFAULT_SCENARIO_NAME), &s)
            );
            return Ok(ExitCode::SUCCESS);
        }
    };
    files.sort();
    let mut bad = 0;
    for f in &files {
        match read_text(f).and_then(|src| {
            scenario::load(&src).map_err(|d| diagnostics(&f.display().to_string(), &d))
        }) {
            Ok(s) => say_raw!("{}", card::scenario_line(f, &s)),
            Err(e) => {
                bad += 1;
                eprintln!(
                    "{}: invalid ({})",
                    f.display(),
                    e.to_string().lines().nth(1).unwrap_or("see socdrill check")
                );
            }
        }
    }
    if files.is_empty() {
        say!("no .ron scenarios in {}", dir.display());
    }
    Ok(if bad > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Records a run directory in the history, if there is one. The exercise is already
/// safe in its directory, so a history that cannot take it is a warning, with how to
/// add it later.
pub(crate) fn record_in_history(db: Option<&Path>, dir: &Path) {
    let Some(path) = db else { return };
    let done =
        history::History::open(path).and_then(|mut h| h.record_dir(&rundir::for_history(dir)?));
    match done {
        Ok(_) => eprintln!(
            "recorded in the history {} (`socdrill history` lists it; --no-db records nothing)",
            path.display()
        ),
        Err(e) => eprintln!(
            "warning: the exercise was not recorded in the history: {e:#}; once that is fixed, `socdrill history import {}` adds it",
            dir.display()
        ),
    }
}

/// `socdrill history`: the recorded exercises, as a table, JSON or CSV.
fn history_list(
    filter: &history::Filter,
    db: Option<&Path>,
    json: bool,
    csv: bool,
) -> Result<ExitCode> {
    if let Some(d) = &filter.since {
        let b = d.as_bytes();
        let digits =
            |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
        if !(b.len() >= 10
            && digits(0..4)
            && b[4] == b'-'
            && digits(5..7)
            && b[7] == b'-'
            && digits(8..10))
        {
            bail!("--since {d:?} is not a date: give it as YYYY-MM-DD (UTC), such as 2026-11-01");
        }
    }
    let path = history::location(db, false).context(
        "no history: give --db PATH or set SOCDRILL_DB (no data directory is known here)",
    )?;
    if !path.exists() {
        bail!(
            "{}: no history there yet: `run --out`, `serve` and `batch` record exercises, and `socdrill history import DIR...` indexes run directories",
            path.display()
        );
    }
    let h = history::History::open(&path)?;
    let rows = h.list(filter)?;
    if json {
        say!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(ExitCode::SUCCESS);
    }
    let num = |v: &serde_json::Value| v.as_f64().map_or(String::new(), |x| format!("{x:.1}"));
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
    let dwell = |r: &serde_json::Value| {
        r["intrusions"]
            .as_array()
            .map(|i| {
                i.iter()
                    .map(|x| {
                        x["dwell_seconds"]
                            .as_u64()
                            .map_or("–".into(), socdrill::report::span)
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    };
    let players = |r: &serde_json::Value| {
        r["participants"]
            .as_array()
            .map(|p| {
                p.iter()
                    .map(|x| format!("{} ({})", text(&x["name"]), text(&x["seat"])))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default()
    };
    if csv {
        let mut o = String::from(
            "recorded_at,source,team,scenario,seed,arm,bots,team_score,dwell,participants,digest,run_dir\n",
        );
        for r in &rows {
            let fields = [
                text(&r["recorded_at"]),
                text(&r["source"]),
                text(&r["team"]),
                text(&r["scenario"]),
                r["seed"].to_string(),
                text(&r["arm"]),
                text(&r["bots"]),
                num(&r["team_score"]),
                dwell(r),
                players(r),
                text(&r["digest"]),
                text(&r["run_dir"]),
            ];
            let quoted: Vec<String> = fields
                .iter()
                .map(|f| {
                    if f.contains([',', '"', '\n']) {
                        format!("\"{}\"", f.replace('"', "\"\""))
                    } else {
                        f.clone()
                    }
                })
                .collect();
            o.push_str(&quoted.join(","));
            o.push('\n');
        }
        say_raw!("{o}");
        return Ok(ExitCode::SUCCESS);
    }
    say!("{} exercise(s) in {}", rows.len(), h.path().display());
    if !rows.is_empty() {
        say!(
            "{:<20} {:<6} {:<14} {:<22} {:>6} {:<10} {:>6}  {:<14} {}",
            "recorded (UTC)",
            "source",
            "team",
            "scenario",
            "seed",
            "bots",
            "score",
            "dwell",
            "participants"
        );
    }
    for r in &rows {
        let arm = text(&r["arm"]);
        say!(
            "{:<20} {:<6} {:<14} {:<22} {:>6} {:<10} {:>6}  {:<14} {}",
            text(&r["recorded_at"]),
            text(&r["source"]),
            text(&r["team"]),
            if arm.is_empty() || arm == "baseline" {
                text(&r["scenario"])
            } else {
                format!("{} [{arm}]", text(&r["scenario"]))
            },
            r["seed"],
            text(&r["bots"]),
            num(&r["team_score"]),
            dwell(r),
            players(r)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `socdrill history import DIR...`.
fn history_import(dirs: &[PathBuf], db: &DbArgs) -> Result<ExitCode> {
    let path = db.location().context("--no-db: nothing to import into")?;
    let mut h = history::History::open(&path)?;
    let (added, known) = history::import(&mut h, dirs, rundir::for_history)?;
    say!(
        "{added} exercise(s) added to {}{}",
        h.path().display(),
        if known > 0 {
            format!(" ({known} already there)")
        } else {
            String::new()
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// `socdrill compare --team/--scenario/--trainee`: the matching run directories in the
/// history, oldest first, compared as `compare DIR...` would.
fn compare_from_history(
    filter: &history::Filter,
    db: Option<&Path>,
    out: Option<&Path>,
) -> Result<ExitCode> {
    let path =
        history::location(db, false).context("no history: give --db PATH or set SOCDRILL_DB")?;
    if !path.exists() {
        bail!("{}: no history there yet", path.display());
    }
    let rows = history::History::open(&path)?.list(filter)?;
    let dirs: Vec<PathBuf> = rows
        .iter()
        .filter(|r| r["source"] != "batch")
        .filter_map(|r| r["run_dir"].as_str().map(PathBuf::from))
        .filter(|d| d.join("results.json").exists())
        .collect();
    if dirs.is_empty() {
        bail!(
            "the history {} has no run directory matching that (batch runs are not compared; moved or deleted directories are skipped): see `socdrill history`",
            path.display()
        );
    }
    compare(&dirs, out)
}

fn report(dir: &Path, format: &str, out: Option<&Path>) -> Result<ExitCode> {
    use socdrill::report::{Format, Report};
    let format = match format {
        "md" => Format::Markdown,
        "json" => Format::Json,
        "csv" => Format::Csv,
        "navigator" => Format::Navigator,
        _ => Format::Html,
    };
    let run = rundir::load(dir)?;
    let report = Report::build(&run.scenario, &run.journal, &run.results, run.date);
    let text = report.render(format);
    match out {
        Some(p) if p == Path::new("-") => say_raw!("{text}"),
        _ => {
            let path = out.map_or_else(
                || dir.join(format!("report.{}", format.extension())),
                Path::to_path_buf,
            );
            fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
            let what = if format == Format::Navigator {
                "ATT&CK Navigator layer"
            } else {
                "after-action report"
            };
            say!("{what} written to {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn compare(dirs: &[PathBuf], out: Option<&Path>) -> Result<ExitCode> {
    use socdrill::report::compare;
    let mut entries = Vec::new();
    for d in dirs {
        let results = rundir::results(d)?;
        entries.push(compare::Entry {
            label: d.file_name().map_or_else(
                || d.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            date: rundir::info(d).and_then(|i| i.date),
            results,
        });
    }
    let rows = compare::rows(&entries);
    say_raw!("{}", compare::text(&rows));
    if let Some(path) = out {
        let text = match path.extension().and_then(|e| e.to_str()) {
            Some("csv") => compare::csv(&rows),
            Some("html" | "htm") => compare::html(&rows),
            _ => bail!("{}: give a .html or .csv file to write", path.display()),
        };
        fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
        say!("comparison written to {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
