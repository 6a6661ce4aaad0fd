//! The commands: their arguments (clap), one file per command, the scorecard they print,
//! and reading the files users give them. `main.rs` only dispatches.

pub(crate) mod batch;
pub(crate) mod card;
pub(crate) mod check;
pub(crate) mod history;

pub(crate) mod play;
pub(crate) mod replay;
pub(crate) mod report;
pub(crate) mod run;
pub(crate) mod scenarios;
pub(crate) mod sigma;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub(crate) use play::PlayCmd;

use crate::serve;

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
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Where the exercise history is kept (see `socdrill history`).
#[derive(clap::Args, Debug, Clone, Default)]
pub(crate) struct DbArgs {
    /// The history database to record in (default: SOCDRILL_DB, else
    /// socdrill/history.sqlite in the platform's data directory).
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Record nothing in the history.
    #[arg(long, conflicts_with = "db")]
    no_db: bool,
}

impl DbArgs {
    pub(crate) fn location(&self) -> Option<PathBuf> {
        crate::history::location(self.db.as_deref(), self.no_db)
    }
}

/// `socdrill history`'s subcommands.
#[derive(Subcommand)]
pub(crate) enum HistoryAction {
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

/// The commands.
#[derive(Subcommand)]
pub(crate) enum Command {
    /// Run an exercise headless, bots in every seat not scripted; print the scorecard.
    Run(run::RunCmd),
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
        #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = crate::input::parse_bot_wait, conflicts_with = "resume")]
        bot_wait: socdrill_core::soc::ledger::BotWait,
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
