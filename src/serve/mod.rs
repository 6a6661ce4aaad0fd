//! `socdrill serve`: a live exercise for people in browsers. The HTTP side (axum on
//! tokio) serves the embedded page and one WebSocket per participant; the exercise runs
//! on a thread of its own (`session.rs`) and is the only thing that touches the
//! simulation. The protocol is in docs/serve-protocol.md.

pub(crate) mod protocol;
mod session;

use std::collections::HashMap;
use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use axum::Router;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};

use tokio::sync::{mpsc, oneshot};

use socdrill_core::live::Setup;
use socdrill_core::scenario::Role;
use socdrill_core::scenario::seat_names;
use socdrill_core::soc::ledger::BotWait;
use socdrill_core::{bots, live};

use session::{Cmd, Config, SeatSlot, Session, SharedReport, Who};

/// The page and its assets, embedded.
const INDEX_HTML: &str = include_str!("../../assets/web/index.html");
const APP_JS: &str = include_str!("../../assets/web/app.js");
const APP_CSS: &str = include_str!("../../assets/web/app.css");

/// Largest message a client may send, in bytes.
const MAX_MESSAGE: usize = 8 * 1024;
/// Messages a second a connection may send, and the burst it may save up.
const RATE: f64 = 20.0;
const BURST: f64 = 40.0;

/// `serve`'s arguments.
pub struct ServeArgs<'a> {
    pub scenario: Option<&'a Path>,
    pub seed: u64,
    pub bind: &'a str,
    pub speed: f64,
    pub bots: &'a str,
    pub solo: Option<&'a str>,
    pub journal: Option<&'a Path>,
    pub resume: Option<&'a Path>,
    /// Origins besides the server's own whose pages may open a console's socket.
    pub allow_origin: &'a [String],
    /// Timeouts and caps on connections.
    pub limits: Limits,
    /// Certificate chain and private key (PEM) to serve HTTPS with.
    pub tls: Option<(&'a Path, &'a Path)>,
    /// How long bots leave work to the people of their role (`--bot-wait`).
    pub bot_wait: BotWait,
    /// The team that plays, for the history (kept in `live.json` for a resume).
    pub team: Option<&'a str>,
    /// The history to record the exercise in at its end.
    pub history: Option<PathBuf>,
}

/// Reads a PEM certificate chain and private key into a TLS acceptor, naming the file
/// at fault when one cannot be used.
fn tls_acceptor(cert: &Path, key: &Path) -> Result<tokio_rustls::TlsAcceptor> {
    use rustls_pki_types::pem::PemObject as _;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    use tokio_rustls::rustls;
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(Iterator::collect)
        .map_err(|e| anyhow::anyhow!("{}: not a PEM certificate chain ({e})", cert.display()))?;
    if chain.is_empty() {
        bail!(
            "{}: no certificate in it (give a PEM file with the server's certificate first)",
            cert.display()
        );
    }
    let private = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| anyhow::anyhow!("{}: not a PEM private key ({e})", key.display()))?;
    // The one crypto provider built in (ring: no cmake or C++ toolchain to build it).
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, private)
        .map_err(|e| {
            anyhow::anyhow!(
                "{} and {}: the key does not fit the certificate, or TLS cannot use it ({e})",
                cert.display(),
                key.display()
            )
        })?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Timeouts and caps that keep the server answering under hostile or broken clients.
/// Each is a `serve` flag; the defaults suit a room of up to a hundred browsers.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// A connection must send a whole request head within this time (`--header-timeout`).
    pub header_timeout: Duration,
    /// Connections open at once, in all (`--max-connections`).
    pub max_connections: usize,
    /// Connections open at once from one address (`--max-per-address`).
    pub max_per_address: usize,
    /// A console is pinged this often and dropped after two pings go unanswered, which
    /// frees its seat (`--heartbeat`).
    pub heartbeat: Duration,
    /// Board windows open at once (`--max-boards`).
    pub max_boards: usize,
}

/// The limits `serve` uses unless told otherwise.
pub const DEFAULT_LIMITS: Limits = Limits {
    header_timeout: Duration::from_secs(10),
    max_connections: 512,
    max_per_address: 64,
    heartbeat: Duration::from_secs(15),
    max_boards: 8,
};

impl Limits {
    fn check(&self) -> Result<()> {
        if self.header_timeout.is_zero() || self.heartbeat.is_zero() {
            bail!("--header-timeout and --heartbeat must be at least 1 second");
        }
        if self.max_connections == 0 || self.max_per_address == 0 || self.max_boards == 0 {
            bail!("--max-connections, --max-per-address and --max-boards must be at least 1");
        }
        Ok(())
    }
}

/// What `live.json` keeps: how the exercise was set up and everyone's keys, so a
/// resumed server accepts the same links.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LiveFile {
    schema: String,
    seed: u64,
    bots: String,
    speed: f64,
    solo: Option<String>,
    facilitator_key: String,
    board_key: String,
    seat_keys: Vec<(String, String)>,
    /// Absent in files written before it existed: bots then raced people.
    #[serde(default)]
    bot_wait: BotWait,
    /// Seats per role, when the facilitator changed the staffing in the lobby.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    staffing: Option<Vec<(Role, u32)>>,
    /// The team that plays (`--team`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    team: Option<String>,
}

/// Writes `live.json` again from a configuration the lobby changed (new seats and
/// their keys, the staffing, the bots' wait), owner-only as at the start.
pub fn write_live_file(cfg: &Config) -> Result<()> {
    let live = LiveFile {
        schema: LIVE_SCHEMA.into(),
        seed: cfg.seed,
        bots: cfg.profile.name.clone(),
        speed: cfg.speed,
        solo: cfg
            .solo
            .map(|s| cfg.seats[s as usize].role.slug().to_string()),
        facilitator_key: cfg.facilitator_key.clone(),
        board_key: cfg.board_key.clone(),
        seat_keys: cfg
            .seats
            .iter()
            .map(|s| (s.name.clone(), s.key.clone()))
            .collect(),
        bot_wait: cfg.bot_wait,
        staffing: cfg.staffing.clone(),
        team: cfg.team.clone(),
    };
    let path = cfg.dir.join("live.json");
    write_private(&path, &(serde_json::to_string_pretty(&live)? + "\n"))
        .with_context(|| format!("cannot write {}", path.display()))
}

const LIVE_SCHEMA: &str = "socdrill.serve/1";

/// A key: 128 bits from the operating system's random source, base64url (22 chars).
pub(crate) fn new_key() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("cannot read the operating system's random source: {e}"))?;
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(22);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(ALPHABET[((acc >> bits) & 63) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((acc << (6 - bits)) & 63) as usize] as char);
    }
    Ok(out)
}

/// Runs `socdrill serve`.
pub fn serve(args: &ServeArgs) -> Result<ExitCode> {
    let bind: SocketAddr = args.bind.parse().with_context(|| {
        format!(
            "--bind {:?} is not an address: give IP:PORT such as 127.0.0.1:8080 (port 0 picks a free one)",
            args.bind
        )
    })?;
    let (cfg, resume) = match args.resume {
        Some(dir) => resume_config(dir, args.history.as_deref())?,
        None => (new_config(args)?, None),
    };
    let limits = args.limits;
    limits.check()?;
    let tls = match args.tls {
        Some((cert, key)) => Some(tls_acceptor(cert, key)?),
        None => None,
    };
    let keys: SharedKeys = Arc::new(std::sync::RwLock::new(key_table(&cfg)));
    let session_keys = keys.clone();
    let dir = cfg.dir.clone();
    let solo = cfg.solo;
    let title = format!(
        "{} (seed {}), bots {}, speed {}×",
        cfg.scenario.title, cfg.seed, cfg.profile.name, cfg.speed
    );
    let links: Vec<(String, Role, String)> = cfg
        .seats
        .iter()
        .map(|s| (s.name.clone(), s.role, s.key.clone()))
        .collect();
    let (fac, board) = (cfg.facilitator_key.clone(), cfg.board_key.clone());
    // The exercise lives on its own thread from the start (a Bevy app stays on the
    // thread that made it); a resume replays there before the links go out.
    let (tx, rx) = std_mpsc::channel::<Cmd>();
    let (ready_tx, ready_rx) = std_mpsc::channel::<Result<Option<(usize, bool)>>>();
    let report = SharedReport::default();
    let session_report = report.clone();
    let session_thread = std::thread::Builder::new()
        .name("exercise".into())
        .spawn(move || {
            let mut session = Session::new(cfg, session_report, limits.max_boards);
            session.share_keys(session_keys);
            let resumed = match resume {
                Some((setup, moves)) => session.resume(&setup, &moves).map(Some),
                None => Ok(None),
            };
            let failed = resumed.is_err();
            let _ = ready_tx.send(resumed);
            if !failed {
                session.run(rx);
            }
        })
        .context("cannot start the exercise thread")?;
    match ready_rx.recv() {
        Ok(Ok(Some((n, torn)))) => eprintln!(
            "resumed from {}: {n} recorded move(s) replayed{}; the exercise waits, paused, for the facilitator",
            dir.display(),
            if torn {
                " (a last move cut short by the crash had not taken effect and was dropped)"
            } else {
                ""
            }
        ),
        Ok(Ok(None)) => {}
        Ok(Err(e)) => {
            let _ = session_thread.join();
            return Err(e);
        }
        Err(_) => bail!("the exercise thread stopped while starting"),
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(bind))
        .with_context(|| format!("cannot listen on {bind}: is another server using it?"))?;
    let addr = listener.local_addr()?;
    let base = format!("{}://{addr}", if tls.is_some() { "https" } else { "http" });

    say!("socdrill serve: {title}");
    say!(
        "journal: {}  (after a crash: socdrill serve --resume {})",
        dir.display(),
        dir.display()
    );
    match solo {
        Some(id) => {
            let (name, role, key) = &links[id as usize];
            say!(
                "solo {} ({name}); bots play every other seat; the exercise starts when the link is opened:",
                role.label()
            );
            say!("  {name}  {}  {base}/s/{key}", role.label());
        }
        None => {
            say!("facilitator: {base}/f/{fac}");
            say!("board (read-only): {base}/b/{board}");
            say!("seats (bots play any seat nobody opens):");
            for (name, role, key) in &links {
                say!("  {name}  {}  {base}/s/{key}", role.label());
            }
        }
    }
    if addr.ip().is_unspecified() {
        say!(
            "listening on every interface: participants replace {} in the links with this machine's address",
            addr.ip()
        );
    }
    if !addr.ip().is_loopback() {
        say!("the links are the only credentials: share each one only with its holder");
    }
    say!("Ctrl-C stops the server; the exercise is saved and can be resumed.");

    let state = AppState {
        tx: tx.clone(),
        keys,
        report,
        allowed_origins: Arc::new(args.allow_origin.iter().map(|o| normal_origin(o)).collect()),
        heartbeat: limits.heartbeat,
    };
    let app = Router::new()
        .route("/", get(page_root))
        .route("/s/{key}", get(page))
        .route("/f/{key}", get(page))
        .route("/b/{key}", get(page))
        .route("/r/{key}", get(report_page))
        .route("/assets/app.js", get(app_js))
        .route("/assets/app.css", get(app_css))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/ws", get(ws_upgrade))
        .with_state(state);
    let served: std::io::Result<()> = runtime.block_on(accept_loop(listener, app, limits, tls));
    let _ = tx.send(Cmd::Shutdown);
    let _ = session_thread.join();
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    served.context("the web server stopped with an error")?;
    eprintln!(
        "stopped; the exercise is saved in {} (resume: socdrill serve --resume {})",
        dir.display(),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn new_config(args: &ServeArgs) -> Result<Config> {
    let (scenario, src, _) = crate::input::load_scenario(args.scenario)?;
    let profile = bots::profile_named(args.bots)
        .with_context(|| format!("unknown bot profile {:?}", args.bots))?
        .clone();
    if !(0.1..=3600.0).contains(&args.speed) {
        bail!(
            "--speed {} is out of range: give simulated seconds per wall second, 0.1 to 3600",
            args.speed
        );
    }
    let names = seat_names(&scenario);
    let solo = match args.solo {
        None => None,
        Some(slug) => {
            let role = Role::from_slug(slug).with_context(|| {
                format!(
                    "--solo {slug:?} is not a role: give {}",
                    socdrill_core::scenario::ALL_ROLES
                        .map(|r| r.slug())
                        .join(", ")
                )
            })?;
            let id = names
                .iter()
                .position(|(_, r)| *r == role)
                .with_context(|| {
                    format!(
                        "this scenario has no {} seat; its seats are {}",
                        role.label(),
                        names
                            .iter()
                            .map(|(n, _)| n.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })?;
            Some(id as u16)
        }
    };
    let dir = match args.journal {
        Some(d) => d.to_path_buf(),
        None => PathBuf::from("live").join(format!(
            "{}-seed{}-{}",
            scenario.id,
            args.seed,
            crate::rundir::utc_now()
                .replace([':', '-'], "")
                .replace('T', "-")
                .trim_end_matches('Z')
        )),
    };
    if dir.join("live.json").exists() {
        bail!(
            "{} already holds a live exercise: resume it with --resume {}, or give another --journal directory",
            dir.display(),
            dir.display()
        );
    }
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let seats: Vec<SeatSlot> = names
        .iter()
        .map(|(name, role)| Ok(SeatSlot::new(name.clone(), *role, new_key()?)))
        .collect::<Result<_>>()?;
    let live = LiveFile {
        schema: LIVE_SCHEMA.into(),
        seed: args.seed,
        bots: profile.name.clone(),
        speed: args.speed,
        solo: args.solo.map(str::to_string),
        facilitator_key: new_key()?,
        board_key: new_key()?,
        seat_keys: seats
            .iter()
            .map(|s| (s.name.clone(), s.key.clone()))
            .collect(),
        // A trainee alone has the whole role: its bots take only what is assigned.
        bot_wait: if solo.is_some() {
            BotWait::Never
        } else {
            args.bot_wait
        },
        staffing: None,
        team: args.team.map(str::to_string),
    };
    fs::write(dir.join("scenario.ron"), &src)
        .with_context(|| format!("cannot write {}", dir.join("scenario.ron").display()))?;
    write_private(
        &dir.join("live.json"),
        &(serde_json::to_string_pretty(&live)? + "\n"),
    )
    .with_context(|| format!("cannot write {}", dir.join("live.json").display()))?;
    Ok(Config {
        scenario,
        scenario_src: src,
        seed: args.seed,
        profile,
        speed: args.speed,
        seats,
        facilitator_key: live.facilitator_key,
        board_key: live.board_key,
        solo,
        dir,
        bot_wait: live.bot_wait,
        staffing: None,
        team: live.team,
        history: args.history.clone(),
    })
}

type Resume = Option<(Setup, String)>;

fn resume_config(dir: &Path, history: Option<&Path>) -> Result<(Config, Resume)> {
    let live_path = dir.join("live.json");
    if !live_path.exists() {
        bail!(
            "{} holds no live exercise (no live.json): give the directory `socdrill serve` printed as its journal",
            dir.display()
        );
    }
    let live: LiveFile =
        serde_json::from_str(&crate::input::read_text(&live_path)?).map_err(|e| {
            anyhow::Error::msg(socdrill_core::scenario::diag::json_problem(
                live_path.display(),
                &e,
            ))
        })?;
    if live.schema != LIVE_SCHEMA {
        bail!(
            "{}: schema {:?} is not {LIVE_SCHEMA:?}; this socdrill cannot resume it",
            live_path.display(),
            live.schema
        );
    }
    let (scenario, src, _) = crate::input::load_scenario(Some(&dir.join("scenario.ron")))?;
    // The staffing the facilitator set in the lobby, if any.
    let scenario = match &live.staffing {
        None => scenario,
        Some(st) => Arc::new(
            scenario
                .restaffed(st)
                .map_err(|e| anyhow::anyhow!("{}: staffing: {e}", live_path.display()))?,
        ),
    };
    let profile = bots::profile_named(&live.bots)
        .with_context(|| {
            format!(
                "{}: unknown bot profile {:?}",
                live_path.display(),
                live.bots
            )
        })?
        .clone();
    // The seats in the order `live.json` keeps them: the staffing's, then any the
    // facilitator added while the exercise ran (the moves add those again on resume, and
    // the session checks the two agree).
    let names = seat_names(&scenario);
    if let Some((name, _)) = names
        .iter()
        .find(|(n, _)| !live.seat_keys.iter().any(|(k, _)| k == n))
    {
        bail!("{}: no key for seat {name}", live_path.display());
    }
    let seats: Vec<SeatSlot> = live
        .seat_keys
        .iter()
        .map(|(name, key)| {
            let role = name
                .rsplit_once('-')
                .and_then(|(slug, _)| Role::from_slug(slug))
                .with_context(|| {
                    format!("{}: no role in seat name {name:?}", live_path.display())
                })?;
            Ok(SeatSlot::new(name.clone(), role, key.clone()))
        })
        .collect::<Result<_>>()?;
    let solo = live
        .solo
        .as_deref()
        .and_then(Role::from_slug)
        .and_then(|r| names.iter().position(|(_, x)| *x == r))
        .map(|i| i as u16);
    let setup_path = dir.join("setup.json");
    let resume = if setup_path.exists() {
        let setup: Setup =
            serde_json::from_str(&crate::input::read_text(&setup_path)?).map_err(|e| {
                anyhow::Error::msg(socdrill_core::scenario::diag::json_problem(
                    setup_path.display(),
                    &e,
                ))
            })?;
        if setup.schema != live::SETUP_SCHEMA {
            bail!(
                "{}: schema {:?} is not {:?}",
                setup_path.display(),
                setup.schema,
                live::SETUP_SCHEMA
            );
        }
        let moves_path = dir.join("moves.jsonl");
        let moves = if moves_path.exists() {
            fs::read_to_string(&moves_path)
                .with_context(|| format!("cannot read {}", moves_path.display()))?
        } else {
            String::new()
        };
        Some((setup, moves))
    } else {
        None
    };
    Ok((
        Config {
            scenario,
            scenario_src: src,
            seed: live.seed,
            profile,
            speed: live.speed,
            seats,
            facilitator_key: live.facilitator_key,
            board_key: live.board_key,
            solo,
            dir: dir.to_path_buf(),
            bot_wait: live.bot_wait,
            team: live.team,
            history: history.map(Path::to_path_buf),
            staffing: live.staffing,
        },
        resume,
    ))
}

#[derive(Clone)]
struct AppState {
    tx: std_mpsc::Sender<Cmd>,
    keys: SharedKeys,
    report: SharedReport,
    /// `--allow-origin`, normalised (lower case, no trailing slash).
    allowed_origins: Arc<Vec<String>>,
    /// How often a console is pinged.
    heartbeat: Duration,
}

/// Every key and whom it admits, shared by the web routes and the exercise thread (which
/// replaces it when the facilitator changes the staffing in the lobby).
pub type SharedKeys = Arc<std::sync::RwLock<HashMap<String, Who>>>;

/// The key table of a configuration: every seat's, the facilitator's and the board's.
pub fn key_table(cfg: &Config) -> HashMap<String, Who> {
    cfg.seats
        .iter()
        .enumerate()
        .map(|(i, s)| (s.key.clone(), Who::Seat(i as u16)))
        .chain([
            (cfg.facilitator_key.clone(), Who::Facilitator),
            (cfg.board_key.clone(), Who::Board),
        ])
        .collect()
}

impl AppState {
    /// Whom a key admits, if anyone.
    fn who(&self, key: &str) -> Option<Who> {
        self.keys
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(key)
            .copied()
    }
}

/// What every page of the server may load: its own script, styles and socket, nothing
/// from elsewhere, and no framing by another site.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The after-action report is one self-contained file: inline styles and drawings only.
const REPORT_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// A keyed page: never cached, never framed, no referrer (the key is in its path).
fn keyed_page(body: impl IntoResponse, policy: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_SECURITY_POLICY, policy),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::X_FRAME_OPTIONS, "DENY"),
        ],
        body,
    )
        .into_response()
}

fn html(body: &'static str) -> Response {
    keyed_page(body, PAGE_POLICY)
}

async fn page_root() -> Response {
    html(INDEX_HTML)
}

async fn page(State(app): State<AppState>, UrlPath(key): UrlPath<String>) -> Response {
    if app.who(&key).is_none() {
        return (
            StatusCode::FORBIDDEN,
            "This link is not valid for this exercise: ask the facilitator for yours.\n",
        )
            .into_response();
    }
    html(INDEX_HTML)
}

async fn report_page(State(app): State<AppState>, UrlPath(key): UrlPath<String>) -> Response {
    let Some(who) = app.who(&key) else {
        return (StatusCode::FORBIDDEN, "unknown link\n").into_response();
    };
    let refuse = |status: StatusCode, text: &'static str| {
        (
            status,
            [
                (header::CACHE_CONTROL, "no-store"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            text,
        )
            .into_response()
    };
    let (html, revealed) = {
        let gate = app
            .report
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (gate.html.clone(), gate.revealed)
    };
    // The report is ground truth: the facilitator's until the reveal, then everyone's.
    match html {
        None => refuse(
            StatusCode::NOT_FOUND,
            "The after-action report is written when the exercise ends.\n",
        ),
        Some(_) if !revealed && !matches!(who, Who::Facilitator) => refuse(
            StatusCode::FORBIDDEN,
            "The after-action report opens to everyone when the facilitator reveals the debrief.\n",
        ),
        Some(text) => keyed_page(text.to_string(), REPORT_POLICY),
    }
}

async fn app_js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        APP_JS,
    )
        .into_response()
}

async fn app_css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], APP_CSS).into_response()
}

/// Writes a file only its owner can read: `live.json` holds every link's key.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        options.mode(0o600);
        // An existing file keeps its mode through `open`: narrow it first.
        if path.exists() {
            fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
        }
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// Connections open now, in all and per address.
#[derive(Default)]
struct Open {
    total: usize,
    by_address: HashMap<std::net::IpAddr, usize>,
}

/// One connection's place in the count, given back when the connection (or the
/// WebSocket it became) is dropped.
struct Slot {
    open: Arc<std::sync::Mutex<Open>>,
    address: std::net::IpAddr,
}

impl Slot {
    fn take(
        open: &Arc<std::sync::Mutex<Open>>,
        address: std::net::IpAddr,
        limits: &Limits,
    ) -> Option<Slot> {
        let mut o = open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let here = o.by_address.get(&address).copied().unwrap_or(0);
        if o.total >= limits.max_connections || here >= limits.max_per_address {
            return None;
        }
        o.total += 1;
        *o.by_address.entry(address).or_insert(0) += 1;
        Some(Slot {
            open: open.clone(),
            address,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut o = self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        o.total -= 1;
        if let Some(n) = o.by_address.get_mut(&self.address) {
            *n -= 1;
            if *n == 0 {
                o.by_address.remove(&self.address);
            }
        }
    }
}

/// A TCP stream that holds its slot for as long as it lives (an upgraded WebSocket
/// keeps the stream, so it keeps the slot).
struct Counted {
    stream: tokio::net::TcpStream,
    _slot: Slot,
}

impl tokio::io::AsyncRead for Counted {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for Counted {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Accepts connections until Ctrl-C: over the caps a connection is closed at once; a
/// TLS handshake or a request head not complete within the header timeout closes its
/// connection.
async fn accept_loop(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: Limits,
    tls: Option<tokio_rustls::TlsAcceptor>,
) -> std::io::Result<()> {
    let open = Arc::new(std::sync::Mutex::new(Open::default()));
    let (closing, closed) = tokio::sync::watch::channel(false);
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut ctrl_c => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of file descriptors, say: wait a moment rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Some(slot) = Slot::take(&open, peer.ip(), &limits) else {
            continue; // dropped: closed at once
        };
        // Updates are small and must go out at once: no Nagle delay.
        let _ = stream.set_nodelay(true);
        let io = Counted {
            stream,
            _slot: slot,
        };
        let (app, closed, tls) = (app.clone(), closed.clone(), tls.clone());
        tokio::spawn(async move {
            match tls {
                None => serve_connection(io, app, limits, closed).await,
                Some(acceptor) => {
                    if let Ok(Ok(io)) =
                        tokio::time::timeout(limits.header_timeout, acceptor.accept(io)).await
                    {
                        serve_connection(io, app, limits, closed).await;
                    }
                }
            }
        });
    }
    let _ = closing.send(true);
    Ok(())
}

/// Serves HTTP/1 (and its WebSocket upgrades) on one connection until it closes or the
/// server stops.
async fn serve_connection<I>(
    io: I,
    app: Router,
    limits: Limits,
    mut closed: tokio::sync::watch::Receiver<bool>,
) where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .serve_connection(TokioIo::new(io), TowerToHyperService::new(app))
        .with_upgrades();
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = closed.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(Duration::from_secs(1), conn).await;
        }
    }
}

/// An origin as browsers send it: scheme, host and port, lower case, no trailing slash.
fn normal_origin(origin: &str) -> String {
    origin.trim().trim_end_matches('/').to_ascii_lowercase()
}

/// Whether a browser's `Origin` may open a socket: absent (not a browser page, so no
/// cross-site request), the server's own address as the request's `Host` names it, or
/// one the facilitator allowed. This stops another site's page from driving a console
/// with a leaked link (cross-site WebSocket hijacking).
fn origin_allowed(headers: &HeaderMap, allowed: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let origin = normal_origin(origin);
    if allowed.contains(&origin) {
        return true;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase);
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    matches!((authority, host), (Some(a), Some(h)) if a == h)
}

async fn ws_upgrade(
    State(app): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !origin_allowed(&headers, &app.allowed_origins) {
        return (
            StatusCode::FORBIDDEN,
            "this page's origin may not open an exercise console; a reverse proxy's address needs `socdrill serve --allow-origin ORIGIN`\n",
        )
            .into_response();
    }
    // The page sends its key in its first message; a key in the URL (the older way,
    // still taken from scripts) is checked before the upgrade.
    let key = match q.get("key") {
        Some(k) if app.who(k).is_some() => Some(k.clone()),
        Some(_) => return (StatusCode::FORBIDDEN, "unknown key\n").into_response(),
        None => None,
    };
    // Frames past the hard limit close the connection; up to it, an oversized message
    // gets a clear refusal and the connection stays.
    ws.max_message_size(64 * 1024)
        .on_upgrade(move |mut socket| async move {
            let key = match key {
                Some(k) => k,
                None => match join(&app, &mut socket).await {
                    Some(k) => k,
                    None => return,
                },
            };
            connection(app, key, socket).await;
        })
}

/// How long a new socket has to say whose it is.
const JOIN_WAIT: Duration = Duration::from_secs(10);

/// Reads a socket's first message, `{"op": "join", "key": KEY}`, and returns the key
/// if it is one of this exercise's; otherwise refuses and closes the socket.
async fn join(app: &AppState, socket: &mut WebSocket) -> Option<String> {
    let first = tokio::time::timeout(JOIN_WAIT, async {
        loop {
            match socket.recv().await {
                Some(Ok(Message::Text(t))) => return Some(t.to_string()),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                _ => return None,
            }
        }
    })
    .await;
    let refusal = match first {
        Err(_) => "no join message within 10 s: send {\"op\": \"join\", \"key\": KEY} first",
        Ok(None) => return None,
        Ok(Some(text)) => match protocol::parse_request(&text).map(|r| r.op) {
            Ok(protocol::Op::Join { key }) if app.who(&key).is_some() => return Some(key),
            Ok(protocol::Op::Join { .. }) => "unknown key: ask the facilitator for your link",
            _ => "the first message must be {\"op\": \"join\", \"key\": KEY}",
        },
    };
    let msg = protocol::ServerMessage::Refused {
        error: refusal.to_string(),
    }
    .to_text();
    let _ = socket.send(Message::Text(msg.into())).await;
    let _ = socket.send(Message::Close(None)).await;
    None
}

/// A token bucket: `RATE` messages a second, bursts of `BURST`.
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn take(&mut self) -> bool {
        let now = Instant::now();
        self.tokens = (self.tokens + now.duration_since(self.at).as_secs_f64() * RATE).min(BURST);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Sends a message unless the client has stopped taking them for `limit`.
async fn send_within(socket: &mut WebSocket, msg: Message, limit: Duration) -> bool {
    matches!(
        tokio::time::timeout(limit, socket.send(msg)).await,
        Ok(Ok(()))
    )
}

fn error_msg(text: &str) -> Message {
    Message::Text(
        protocol::ServerMessage::Error {
            error: text.to_string(),
        }
        .to_text()
        .into(),
    )
}

async fn connection(app: AppState, key: String, mut socket: WebSocket) {
    let (reply, answer) = oneshot::channel();
    if app
        .tx
        .send(Cmd::Connect {
            key: key.clone(),
            reply,
        })
        .is_err()
    {
        return;
    }
    let mut attach = match answer.await {
        Ok(Ok(a)) => a,
        Ok(Err(reason)) => {
            let msg = protocol::ServerMessage::Refused { error: reason }.to_text();
            let _ = socket.send(Message::Text(msg.into())).await;
            let _ = socket.send(Message::Close(None)).await;
            return;
        }
        Err(_) => return,
    };
    let (reply_tx, mut replies) = mpsc::unbounded_channel::<String>();
    let mut bucket = Bucket {
        tokens: BURST,
        at: Instant::now(),
    };
    let first = attach.state.borrow_and_update().clone();
    let mut ok = socket
        .send(Message::Text(attach.hello.into()))
        .await
        .is_ok();
    if ok && !first.is_empty() {
        ok = socket.send(Message::Text((*first).into())).await.is_ok();
    }
    // A console that stops answering pings, or stops taking what is sent to it, is
    // dropped: its seat is free for its holder to open again.
    let mut beat = tokio::time::interval(app.heartbeat);
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    beat.tick().await;
    let silence = app.heartbeat * 2;
    let mut heard = Instant::now();
    while ok {
        tokio::select! {
            _ = beat.tick() => {
                if heard.elapsed() >= silence {
                    break;
                }
                ok = send_within(&mut socket, Message::Ping(Vec::new().into()), silence).await;
            }
            incoming = socket.recv() => {
                let Some(Ok(msg)) = incoming else { break };
                heard = Instant::now();
                match msg {
                    Message::Text(text) => {
                        if let Some(refusal) = inbound(&app, &key, text.as_str(), &mut bucket, &reply_tx) {
                            ok = send_within(&mut socket, error_msg(&refusal), silence).await;
                        }
                    }
                    Message::Binary(_) => {
                        ok = send_within(&mut socket, error_msg("binary frames are not accepted: send JSON text"), silence).await;
                    }
                    Message::Close(_) => break,
                    Message::Ping(_) | Message::Pong(_) => {}
                }
            }
            changed = attach.state.changed() => {
                if changed.is_err() { break }
                let state = attach.state.borrow_and_update().clone();
                ok = send_within(&mut socket, Message::Text((*state).into()), silence).await;
            }
            Some(text) = replies.recv() => {
                ok = send_within(&mut socket, Message::Text(text.into()), silence).await;
            }
        }
    }
    let _ = app.tx.send(Cmd::Disconnect { key });
}

/// Checks one inbound message and hands it to the exercise. Returns the refusal for
/// this client alone when it cannot be taken.
fn inbound(
    app: &AppState,
    key: &str,
    text: &str,
    bucket: &mut Bucket,
    reply: &mpsc::UnboundedSender<String>,
) -> Option<String> {
    if text.len() > MAX_MESSAGE {
        return Some(format!(
            "message too large: {} bytes, at most {MAX_MESSAGE}",
            text.len()
        ));
    }
    if !bucket.take() {
        return Some(format!(
            "too many messages: at most {RATE} a second; this one was dropped"
        ));
    }
    let request = match protocol::parse_request(text) {
        Ok(r) => r,
        Err(protocol::Unreadable::Message(e)) => return Some(e),
        Err(protocol::Unreadable::Request { id, error }) => {
            let _ = reply.send(protocol::ServerMessage::refused_request(id, &error).to_text());
            return None;
        }
    };
    let cmd = Cmd::Request {
        key: key.to_string(),
        id: request.id,
        op: request.op,
        reply: reply.clone(),
    };
    if app.tx.send(cmd).is_err() {
        return Some("the exercise has stopped".into());
    }
    None
}
