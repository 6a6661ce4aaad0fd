//! The live exercise itself: one thread owns the [`Exercise`], paces its clock by wall
//! time, takes requests from the connections, records every move on disk before it
//! takes effect, and publishes each participant's view.

use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot, watch};

use socdrill_core::bots::Profile;
use socdrill_core::live::{self, Move, Setup, Timed};
use socdrill_core::report::{self, Format, Report};
use socdrill_core::scenario::attack::Catalogue;
use socdrill_core::scenario::{ALL_ACTIONS, ALL_ROLES, Role, Scenario, Trigger};
use socdrill_core::soc::ledger::BotWait;
use socdrill_core::soc::{Action, SeatId};
use socdrill_core::{Exercise, SimTime};

use super::protocol::{ClockState, HelloSeat, Mode, Op, ServerMessage};

/// Who a key belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Seat(SeatId),
    Facilitator,
    /// The board (any number of screens).
    Board,
}

/// A connection's handle on the session.
pub struct Attach {
    /// The `hello` message.
    pub hello: String,
    /// The latest `state` message, updated as it changes.
    pub state: watch::Receiver<Arc<str>>,
}

/// What the connections ask of the session thread.
pub enum Cmd {
    /// A connection opens with a key.
    Connect {
        key: String,
        reply: oneshot::Sender<Result<Attach, String>>,
    },
    /// A connection closed.
    Disconnect { key: String },
    /// A request; the reply goes to `reply` only.
    Request {
        key: String,
        id: Option<u64>,
        op: Op,
        reply: mpsc::UnboundedSender<String>,
    },
    /// Stop: save and leave.
    Shutdown,
}

/// A seat as the session keeps it.
pub struct SeatSlot {
    /// Name such as `tier1-1`.
    pub name: String,
    pub role: Role,
    /// Join key.
    pub key: String,
    /// A window is open on it now.
    pub connected: bool,
    /// Held by a person (from the start, or taken over).
    pub person: bool,
    /// The participant's name, once they gave it.
    pub player: Option<String>,
    /// The facilitator removed the seat while the exercise ran: its link admits nobody.
    pub gone: bool,
}

impl SeatSlot {
    /// A seat nobody has opened yet, played by a bot until someone does.
    pub fn new(name: String, role: Role, key: String) -> SeatSlot {
        SeatSlot {
            name,
            role,
            key,
            connected: false,
            person: false,
            player: None,
            gone: false,
        }
    }
}

/// The exercise's phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Lobby,
    Running,
    Paused,
    Ended,
}

impl Phase {
    fn name(self) -> &'static str {
        match self {
            Phase::Lobby => "lobby",
            Phase::Running => "running",
            Phase::Paused => "paused",
            Phase::Ended => "ended",
        }
    }
}

/// Everything the session starts from.
pub struct Config {
    pub scenario: Arc<Scenario>,
    pub scenario_src: String,
    pub seed: u64,
    pub profile: Profile,
    pub speed: f64,
    pub seats: Vec<SeatSlot>,
    pub facilitator_key: String,
    pub board_key: String,
    pub solo: Option<SeatId>,
    pub dir: PathBuf,
    /// How long bots leave work to the people of their role, from the start.
    pub bot_wait: BotWait,
    /// Seats per role, once the facilitator changed the scenario's staffing.
    pub staffing: Option<Vec<(Role, u32)>>,
    /// The team that plays (`--team`), for the history.
    pub team: Option<String>,
    /// The history the exercise is recorded in at the end, if any.
    pub history: Option<PathBuf>,
}

/// The after-action report of the exercise this server runs, as the web routes may
/// serve it: written in memory when the exercise ends (never read back from a file, so
/// a report left in a reused directory is never served), and open to seats and the
/// board only once the facilitator reveals it.
#[derive(Debug, Default)]
pub struct ReportGate {
    /// The report's HTML, once the exercise has ended.
    pub html: Option<Arc<str>>,
    /// Whether the facilitator has revealed the debrief to everyone.
    pub revealed: bool,
}

/// The gate, shared between the exercise thread and the web routes.
pub type SharedReport = Arc<std::sync::Mutex<ReportGate>>;

/// How often the live clock writes where it is, so a resumed exercise picks up close
/// to where it stopped.
const CLOCK_MARK_EVERY: Duration = Duration::from_secs(5);

pub struct Session {
    cfg: Config,
    ex: Option<Exercise>,
    phase: Phase,
    speed: f64,
    /// Wall instant and simulated time the running clock counts from.
    anchor: (Instant, SimTime),
    revealed: bool,
    moves: Option<File>,
    journal: Option<BufWriter<File>>,
    journal_written: usize,
    last_mark: Instant,
    /// Debrief JSON once revealed.
    debrief: Option<Value>,
    board_viewers: usize,
    /// Most board windows open at once (`--max-boards`).
    max_boards: usize,
    facilitator_connected: bool,
    out_seats: Vec<watch::Sender<Arc<str>>>,
    out_facilitator: watch::Sender<Arc<str>>,
    out_board: watch::Sender<Arc<str>>,
    /// The facilitator's live scores and when they were computed: scoring reads the
    /// whole journal, so it runs at most once a second while the clock runs.
    scores: Option<(Instant, Value)>,
    /// Journal length and phase at the last publish, to skip unchanged rounds.
    published: Option<(usize, Phase, bool, SimTime)>,
    /// The facilitator's feed: what jumps passed over, and other notes, newest last.
    feed: Vec<(SimTime, String)>,
    /// The report as the web routes see it.
    report: SharedReport,
    /// Whether the ended exercise's results, journal and report are on disk.
    saved: bool,
    /// Length of the moves file up to its last whole line.
    recorded: u64,
    /// Why moves cannot be recorded, while they cannot; and whether the clock was
    /// running when that began, so it runs again once they can.
    stalled: Option<Stall>,
    /// The key table the web routes read, replaced when the staffing changes.
    keys: Option<super::SharedKeys>,
}

/// The moves file cannot be written (a full disk, say): the clock is paused and no move
/// is made until a retry succeeds.
struct Stall {
    reason: String,
    was_running: bool,
    last_try: Instant,
}

/// How often a stalled server tries the disk again.
const STALL_RETRY: Duration = Duration::from_secs(1);

/// How many lines the facilitator's feed keeps.
const FEED_LINES: usize = 60;

fn empty() -> watch::Sender<Arc<str>> {
    watch::Sender::new(Arc::from(""))
}

fn reply_ok(id: Option<u64>, message: &str, until: Option<SimTime>) -> String {
    ServerMessage::ok(id, message, until).to_text()
}

fn reply_err(id: Option<u64>, error: &str) -> String {
    ServerMessage::refused_request(id, error).to_text()
}

impl Session {
    pub fn new(cfg: Config, report: SharedReport, max_boards: usize) -> Session {
        let n = cfg.seats.len();
        Session {
            speed: cfg.speed,
            cfg,
            ex: None,
            phase: Phase::Lobby,
            anchor: (Instant::now(), SimTime::ZERO),
            revealed: false,
            moves: None,
            journal: None,
            journal_written: 0,
            last_mark: Instant::now(),
            debrief: None,
            board_viewers: 0,
            facilitator_connected: false,
            out_seats: (0..n).map(|_| empty()).collect(),
            out_facilitator: empty(),
            out_board: empty(),
            scores: None,
            published: None,
            feed: Vec::new(),
            report,
            max_boards,
            saved: false,
            recorded: 0,
            stalled: None,
            keys: None,
        }
    }

    /// Shares the web routes' key table, for the lobby's staffing changes.
    pub fn share_keys(&mut self, keys: super::SharedKeys) {
        self.keys = Some(keys);
    }

    /// Sets the seats of one role in the lobby: new seats get keys of their own, seats
    /// that stay keep theirs, a seat open in a browser cannot be removed. Connections
    /// whose seat moved to another number are closed, and their pages reconnect.
    fn restaff(&mut self, role: Role, seats: u32) -> Result<String, String> {
        if self.phase != Phase::Lobby {
            return Err(
                "seats are set like this before the start: once it runs, add a seat (addseat) or remove one (removeseat)".into(),
            );
        }
        if self.cfg.solo.is_some() {
            return Err("a solo drill has one seat".into());
        }
        let mut staffing: Vec<(Role, u32)> = self.cfg.scenario.staffing.clone();
        staffing.retain(|(r, _)| *r != role);
        staffing.push((role, seats));
        let scenario = self.cfg.scenario.restaffed(&staffing)?;
        let names = socdrill_core::scenario::seat_names(&scenario);
        if let Some(open) = self
            .cfg
            .seats
            .iter()
            .find(|s| s.connected && !names.iter().any(|(n, _)| n == &s.name))
        {
            return Err(format!(
                "{} is open in a browser: ask its holder to close it before removing the seat",
                open.name
            ));
        }
        let mut old: Vec<Option<(SeatSlot, watch::Sender<Arc<str>>)>> =
            std::mem::take(&mut self.cfg.seats)
                .into_iter()
                .zip(std::mem::take(&mut self.out_seats))
                .map(Some)
                .collect();
        let mut slots = Vec::with_capacity(names.len());
        let mut outs = Vec::with_capacity(names.len());
        for (i, (name, r)) in names.iter().enumerate() {
            let kept = old
                .iter()
                .position(|o| o.as_ref().is_some_and(|(s, _)| &s.name == name))
                .and_then(|j| old[j].take().map(|x| (j, x)));
            match kept {
                Some((j, (slot, out))) if j == i => {
                    slots.push(slot);
                    outs.push(out);
                }
                Some((_, (mut slot, _moved))) => {
                    // Its page knows the old number: dropping the channel closes the
                    // connection, and the page joins again under the new one.
                    slot.connected = false;
                    slots.push(slot);
                    outs.push(empty());
                }
                None => {
                    slots.push(SeatSlot::new(
                        name.clone(),
                        *r,
                        super::new_key().map_err(|e| format!("{e:#}"))?,
                    ));
                    outs.push(empty());
                }
            }
        }
        self.cfg.seats = slots;
        self.out_seats = outs;
        self.cfg.scenario = Arc::new(scenario);
        self.cfg.staffing = Some(self.cfg.scenario.staffing.clone());
        self.seats_changed()?;
        Ok(format!(
            "{} now has {seats} seat(s); the seats table has their links",
            role.label()
        ))
    }

    /// After the seats changed: the web routes' key table and `live.json` follow, and
    /// every page is told.
    fn seats_changed(&mut self) -> Result<(), String> {
        if let Some(keys) = &self.keys {
            *keys
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = super::key_table(&self.cfg);
        }
        super::write_live_file(&self.cfg).map_err(|e| format!("{e:#}"))?;
        self.published = None;
        Ok(())
    }

    /// Brings the seat slots in line with the exercise's seats after a replay: seats a
    /// move added get their slot (a key from `live.json` if it has one, else a new one),
    /// and seats a move removed are marked gone.
    fn match_seats(&mut self, ex: &Exercise) -> Result<()> {
        let seats = ex.seats();
        let mut changed = false;
        for st in &seats {
            match self.cfg.seats.get_mut(st.id as usize) {
                Some(slot) if slot.name == st.name => slot.gone = st.gone,
                Some(slot) => anyhow::bail!(
                    "{}: seat {} is {} in live.json but {} in the moves: the files do not belong together",
                    self.cfg.dir.display(),
                    st.id,
                    slot.name,
                    st.name
                ),
                None => {
                    self.cfg.seats.push(SeatSlot {
                        gone: st.gone,
                        ..SeatSlot::new(st.name.clone(), st.role, super::new_key()?)
                    });
                    self.out_seats.push(empty());
                    changed = true;
                }
            }
        }
        // Keys live.json kept for seats no recorded move added (not made) go.
        if self.cfg.seats.len() > seats.len() {
            self.cfg.seats.truncate(seats.len());
            self.out_seats.truncate(seats.len());
            changed = true;
        }
        if changed {
            self.seats_changed().map_err(anyhow::Error::msg)?;
        }
        Ok(())
    }

    /// The facilitator adds a seat of `role`. In the lobby this is the staffing; once the
    /// exercise runs it is a move, and the added seat is a bot's until a person opens its
    /// link.
    fn add_seat(&mut self, role: Role) -> Result<(String, Option<SimTime>), String> {
        if self.phase == Phase::Lobby {
            let n = self.cfg.scenario.seats_for(role) + 1;
            return self.restaff(role, n).map(|m| (m, None));
        }
        self.move_now(|_| Move::AddSeat { role })?;
        let ex = self.ex.as_ref().ok_or("the exercise has not started")?;
        let st = ex.seats().pop().ok_or("the exercise has no seats")?;
        self.cfg.seats.push(SeatSlot::new(
            st.name.clone(),
            role,
            super::new_key().map_err(|e| format!("{e:#}"))?,
        ));
        self.out_seats.push(empty());
        self.seats_changed()?;
        Ok((
            format!(
                "added {}: a bot plays it until someone opens its link in the seats table",
                st.name
            ),
            None,
        ))
    }

    /// The facilitator removes a seat once the exercise runs (in the lobby the staffing
    /// says how many seats a role has): it takes no more work, and its open alerts go back
    /// to the queue.
    fn remove_seat(
        &mut self,
        seat: SeatId,
        confirm: bool,
    ) -> Result<(String, Option<SimTime>), String> {
        let slot = self
            .cfg
            .seats
            .get(seat as usize)
            .ok_or_else(|| format!("there is no seat {seat}"))?;
        if slot.connected {
            return Err(format!(
                "{} is open in a browser: ask its holder to close it before removing the seat",
                slot.name
            ));
        }
        if self.phase == Phase::Lobby {
            return Err(
                "before the start, set the number of seats of the role instead (staff)".into(),
            );
        }
        if !confirm {
            return Err(format!(
                "confirm: Remove takes {} out of the exercise: it takes no more work, an action under way is abandoned, the alerts it holds go back to the queue, and its link admits nobody. It cannot be undone. Send removeseat again with confirm: true.",
                slot.name
            ));
        }
        self.move_now(|_| Move::RemoveSeat { seat })?;
        self.cfg.seats[seat as usize].gone = true;
        self.seats_changed()?;
        Ok((
            format!(
                "removed {}: it takes no more work, and the alerts it held went back to the queue",
                self.cfg.seats[seat as usize].name
            ),
            None,
        ))
    }

    /// Opens the debrief, and the report, to everyone.
    fn reveal(&mut self) {
        self.revealed = true;
        self.report
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .revealed = true;
    }

    /// Adds a line to the facilitator's feed.
    fn note(&mut self, text: String) {
        let t = self.ex.as_ref().map_or(SimTime::ZERO, Exercise::horizon);
        self.feed.push((t, text));
        if self.feed.len() > FEED_LINES {
            self.feed.remove(0);
        }
        self.published = None;
    }

    /// Picks up a saved exercise: replays its moves and waits, paused, where it stopped.
    /// Returns the number of moves replayed and whether a torn last line was dropped.
    pub fn resume(&mut self, setup: &Setup, moves_text: &str) -> Result<(usize, bool)> {
        let dir = self.cfg.dir.clone();
        let (moves, torn) = live::parse_moves(moves_text).map_err(|e| {
            anyhow::anyhow!(
                "{}:{}:1: {}; the moves file is damaged, so the exercise cannot be resumed exactly",
                dir.join("moves.jsonl").display(),
                e.line,
                e.message
            )
        })?;
        let mut ex = Exercise::new(
            self.cfg.scenario.clone(),
            setup.seed,
            &self.cfg.profile,
            &setup.script(),
        );
        live::replay(&mut ex, &moves).map_err(|e| {
            anyhow::anyhow!(
                "{}:{}:1: {}",
                dir.join("moves.jsonl").display(),
                e.line,
                e.message
            )
        })?;
        self.match_seats(&ex)?;
        for name in &setup.people {
            if let Some(s) = self.cfg.seats.iter_mut().find(|s| &s.name == name) {
                s.person = true;
                s.player = setup.names.get(name).cloned();
            }
        }
        self.cfg.bot_wait = setup.bot_wait;
        for m in &moves {
            match &m.mv {
                Move::TakeSeat { seat, name } => {
                    if let Some(s) = self.cfg.seats.get_mut(*seat as usize) {
                        s.person = true;
                        if name.is_some() {
                            s.player.clone_from(name);
                        }
                    }
                }
                Move::Name { seat, name } => {
                    if let Some(s) = self.cfg.seats.get_mut(*seat as usize) {
                        s.player = Some(name.clone());
                    }
                }
                Move::ReleaseSeat { seat } => {
                    if let Some(s) = self.cfg.seats.get_mut(*seat as usize) {
                        s.person = false;
                    }
                }
                Move::BotWait { wait } => self.cfg.bot_wait = *wait,
                _ => {}
            }
        }
        // Keep only whole lines, so later appends stay readable.
        let whole: String = moves
            .iter()
            .map(|m| serde_json::to_string(m).expect("moves serialise") + "\n")
            .collect();
        fs::write(dir.join("moves.jsonl"), &whole)
            .with_context(|| format!("cannot rewrite {}", dir.join("moves.jsonl").display()))?;
        self.moves = Some(open_append(&dir.join("moves.jsonl"))?);
        self.recorded = whole.len() as u64;
        let journal = File::create(dir.join("journal.jsonl"))
            .with_context(|| format!("cannot write {}", dir.join("journal.jsonl").display()))?;
        self.journal = Some(BufWriter::new(journal));
        self.journal_written = 0;
        self.phase = if ex.ended() {
            Phase::Ended
        } else {
            Phase::Paused
        };
        let t = ex.horizon();
        self.ex = Some(ex);
        self.anchor = (Instant::now(), t);
        self.write_journal();
        if self.phase == Phase::Ended {
            self.finish()?;
        }
        Ok((moves.len(), torn))
    }

    /// Runs until shut down: requests as they come, the clock every 50 ms.
    pub fn run(mut self, rx: Receiver<Cmd>) {
        self.publish();
        loop {
            let wait = if self.phase == Phase::Running {
                Duration::from_millis(50)
            } else {
                Duration::from_millis(500)
            };
            match rx.recv_timeout(wait) {
                Ok(Cmd::Shutdown) | Err(RecvTimeoutError::Disconnected) => break,
                Ok(cmd) => {
                    self.handle(cmd);
                    // Answer what is waiting before moving the clock.
                    while let Ok(cmd) = rx.try_recv() {
                        if matches!(cmd, Cmd::Shutdown) {
                            self.save();
                            return;
                        }
                        self.handle(cmd);
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
            self.retry_stalled();
            self.tick();
            self.publish();
        }
        self.save();
    }

    /// Records the clock and flushes the journal (on shutdown).
    fn save(&mut self) {
        self.tick();
        if let Some(ex) = &self.ex
            && !ex.ended()
        {
            let t = ex.horizon();
            let _ = self.record(&Timed { t, mv: Move::Clock });
        }
        self.write_journal();
    }

    fn who(&self, key: &str) -> Option<Who> {
        if key == self.cfg.facilitator_key {
            return Some(Who::Facilitator);
        }
        if key == self.cfg.board_key {
            return Some(Who::Board);
        }
        self.cfg
            .seats
            .iter()
            .position(|s| s.key == key)
            .map(|i| Who::Seat(i as SeatId))
    }

    fn handle(&mut self, cmd: Cmd) {
        match cmd {
            Cmd::Connect { key, reply } => {
                let r = self.connect(&key);
                let _ = reply.send(r);
            }
            Cmd::Disconnect { key } => {
                match self.who(&key) {
                    Some(Who::Seat(s)) => self.cfg.seats[s as usize].connected = false,
                    Some(Who::Facilitator) => self.facilitator_connected = false,
                    Some(Who::Board) => {
                        self.board_viewers = self.board_viewers.saturating_sub(1);
                    }
                    None => {}
                }
                // The facilitator's seat table shows who is online.
                self.published = None;
            }
            Cmd::Request { key, id, op, reply } => {
                let text = match self.who(&key) {
                    Some(who) => self.request(who, id, &op),
                    None => reply_err(id, "unknown key"),
                };
                let _ = reply.send(text);
            }
            Cmd::Shutdown => {}
        }
        // A request may have changed what people see: publish before anything else.
        self.publish();
    }

    fn connect(&mut self, key: &str) -> Result<Attach, String> {
        let who = self
            .who(key)
            .ok_or("unknown key: ask the facilitator for your link")?;
        let state = match who {
            Who::Seat(s) => {
                let seat = &self.cfg.seats[s as usize];
                if seat.gone {
                    return Err(format!(
                        "seat {} has left the exercise: the facilitator removed it; ask them for another link",
                        seat.name
                    ));
                }
                if seat.connected {
                    return Err(format!(
                        "seat {} is already open in another window: close that window first",
                        seat.name
                    ));
                }
                if !seat.person && self.ex.is_some() && self.phase != Phase::Ended {
                    // A late arrival takes the seat over from its bot.
                    let t = self.ex.as_ref().expect("checked").horizon();
                    let name = seat.player.clone();
                    self.apply(Timed {
                        t,
                        mv: Move::TakeSeat { seat: s, name },
                    })?;
                    self.cfg.seats[s as usize].person = true;
                }
                self.cfg.seats[s as usize].connected = true;
                if self.cfg.solo == Some(s) && self.phase == Phase::Lobby {
                    // The trainer's mode starts as soon as the trainee arrives.
                    self.start()?;
                }
                self.out_seats[s as usize].subscribe()
            }
            Who::Facilitator => {
                if self.facilitator_connected {
                    return Err(
                        "the facilitator console is already open in another window: close that window first"
                            .into(),
                    );
                }
                self.facilitator_connected = true;
                self.out_facilitator.subscribe()
            }
            Who::Board => {
                if self.board_viewers >= self.max_boards {
                    return Err(format!(
                        "the board is already open in {} windows, the most this server allows (`socdrill serve --max-boards N` sets it)",
                        self.max_boards
                    ));
                }
                self.board_viewers += 1;
                self.out_board.subscribe()
            }
        };
        self.published = None;
        self.publish();
        Ok(Attach {
            hello: self.hello(who),
            state,
        })
    }

    /// Records a move on disk (flushed to the device) before it takes effect, then
    /// makes it. A move that cannot be recorded is not made.
    fn apply(&mut self, m: Timed) -> Result<SimTime, String> {
        let before = self.recorded;
        self.record(&m)
            .map_err(|e| format!("cannot record the move, so it was not made: {e}"))?;
        let ex = self.ex.as_mut().ok_or("the exercise has not started")?;
        live::make_move(ex, &m).inspect_err(|_| self.unrecord(before))
    }

    /// Takes back the last recorded move, refused when it was made: the moves file
    /// holds only moves that took effect, so it replays. A file that cannot be cut back
    /// stalls the exercise, as a failed write does.
    fn unrecord(&mut self, len: u64) {
        let Some(file) = self.moves.as_mut() else {
            return;
        };
        match file.set_len(len).and_then(|()| file.sync_data()) {
            Ok(()) => self.recorded = len,
            Err(e) => self.stall(format!(
                "the exercise cannot be recorded: a refused move could not be taken back out of the moves file ({}) — paused until it can",
                io_reason(&e)
            )),
        }
    }

    /// Appends a move to the moves file and waits until it is on the device. A write
    /// that fails is rolled back to the last whole line, and the exercise stalls: the
    /// clock pauses and every move is refused until the disk takes writes again.
    fn record(&mut self, m: &Timed) -> Result<(), String> {
        if let Some(stall) = &self.stalled {
            return Err(stall.reason.clone());
        }
        self.append(m)
            .inspect_err(|reason| self.stall(reason.clone()))
    }

    /// Writes one move line and syncs it; on failure cuts the file back to its last
    /// whole line (a torn line in the middle would make the whole file unreadable once
    /// later lines follow it) and says why, as participants read it.
    fn append(&mut self, m: &Timed) -> Result<(), String> {
        let Some(file) = self.moves.as_mut() else {
            return Err("no moves file is open".into());
        };
        let line = serde_json::to_string(m).expect("moves serialise") + "\n";
        let Err(e) = file
            .write_all(line.as_bytes())
            .and_then(|()| file.sync_data())
        else {
            self.recorded += line.len() as u64;
            return Ok(());
        };
        let mut reason = format!(
            "the exercise cannot be recorded: {} — paused until it can",
            io_reason(&e)
        );
        if let Err(r) = file.set_len(self.recorded).and_then(|()| file.sync_data()) {
            reason.push_str(&format!(
                " (and the moves file could not be cut back to its last whole line: {r})"
            ));
        }
        Err(reason)
    }

    /// Stops the clock because moves cannot be recorded, and tells everyone.
    fn stall(&mut self, reason: String) {
        let was_running = self.phase == Phase::Running;
        if was_running {
            // Up to the live clock, then stop it there (nothing is recorded meanwhile).
            let t = self.now();
            if let Some(ex) = self.ex.as_mut()
                && t > ex.horizon()
            {
                ex.advance_to(t);
            }
            self.phase = Phase::Paused;
        }
        eprintln!("warning: {reason}");
        self.note(reason.clone());
        self.stalled = Some(Stall {
            reason,
            was_running,
            last_try: Instant::now(),
        });
        self.published = None;
    }

    /// Tries the disk again while stalled: a clock mark that lands ends the stall, and
    /// a clock that was running runs on.
    fn retry_stalled(&mut self) {
        let Some(stall) = &self.stalled else { return };
        if stall.last_try.elapsed() < STALL_RETRY {
            return;
        }
        let Some(t) = self.ex.as_ref().map(Exercise::horizon) else {
            return;
        };
        let attempt = self.append(&Timed { t, mv: Move::Clock });
        let stall = self.stalled.as_mut().expect("checked");
        stall.last_try = Instant::now();
        if let Err(reason) = attempt {
            stall.reason = reason;
            return;
        }
        let was_running = stall.was_running;
        self.stalled = None;
        eprintln!("the exercise is recorded again");
        self.note("the moves file takes writes again: the exercise goes on".into());
        if was_running && self.phase == Phase::Paused {
            self.phase = Phase::Running;
            self.reanchor();
        }
        self.published = None;
    }

    fn start(&mut self) -> Result<(), String> {
        if self.phase != Phase::Lobby {
            return Err("the exercise has already started".into());
        }
        let people: Vec<String> = self
            .cfg
            .seats
            .iter()
            .filter(|s| s.connected)
            .map(|s| s.name.clone())
            .collect();
        let names = self
            .cfg
            .seats
            .iter()
            .filter(|s| s.connected)
            .filter_map(|s| Some((s.name.clone(), s.player.clone()?)))
            .collect();
        let setup = Setup {
            schema: live::SETUP_SCHEMA.into(),
            scenario: self.cfg.scenario.id.clone(),
            seed: self.cfg.seed,
            bots: self.cfg.profile.name.clone(),
            people: people.clone(),
            names,
            bot_wait: self.cfg.bot_wait,
            staffing: self.cfg.staffing.clone(),
        };
        let dir = &self.cfg.dir;
        let write = || -> std::io::Result<(File, File)> {
            let text = serde_json::to_string_pretty(&setup).expect("setup serialises") + "\n";
            let mut f = File::create(dir.join("setup.json"))?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
            let moves = open_append(&dir.join("moves.jsonl")).map_err(std::io::Error::other)?;
            let journal = File::create(dir.join("journal.jsonl"))?;
            Ok((moves, journal))
        };
        let (moves, journal) =
            write().map_err(|e| format!("cannot write the exercise to {}: {e}", dir.display()))?;
        // A fresh exercise starts a fresh log, whatever a reused directory held.
        moves
            .set_len(0)
            .map_err(|e| format!("cannot write the exercise to {}: {e}", dir.display()))?;
        self.moves = Some(moves);
        self.recorded = 0;
        self.journal = Some(BufWriter::new(journal));
        for s in &mut self.cfg.seats {
            s.person = people.contains(&s.name);
        }
        let mut ex = Exercise::new(
            self.cfg.scenario.clone(),
            self.cfg.seed,
            &self.cfg.profile,
            &setup.script(),
        );
        ex.advance_to(SimTime::ZERO);
        self.ex = Some(ex);
        self.phase = Phase::Running;
        self.anchor = (Instant::now(), SimTime::ZERO);
        self.last_mark = Instant::now();
        Ok(())
    }

    fn request(&mut self, who: Who, id: Option<u64>, request: &Op) -> String {
        let solo_seat = matches!(who, Who::Seat(s) if self.cfg.solo == Some(s));
        let pacing = who == Who::Facilitator || solo_seat;
        let op = request.name();
        let result: Result<(String, Option<SimTime>), String> = match request {
            Op::Ping {} => Ok(("pong".into(), None)),
            Op::Join { .. } => Err("this connection has joined already".into()),
            Op::Act { action } => match who {
                Who::Seat(s) => self.act(s, action.clone()),
                Who::Facilitator => Err(
                    "the facilitator does not act in a seat; open a seat's link to play it".into(),
                ),
                Who::Board => Err("the board is read-only".into()),
            },
            // What cannot be undone is asked first: the client shows what it will do and
            // sends it again with `confirm: true`.
            Op::End { .. } | Op::Reveal { .. } | Op::Jump { .. }
                if pacing && !request.confirmed() =>
            {
                Err(format!("confirm: {}", self.consequence(op)))
            }
            Op::Start {} if pacing => self.start().map(|()| ("started".into(), None)),
            Op::Pause {} if pacing => self.pause(),
            Op::Resume {} if pacing => self.unpause(),
            &Op::Speed { x } if pacing => self.set_speed(x),
            Op::Jump { .. } if pacing => self.jump(),
            &Op::Fire { inject } if who == Who::Facilitator => self.fire(inject),
            Op::Name { name } => match who {
                Who::Seat(s) => self.name_seat(s, name),
                _ => Err(format!("{op} is for a seat")),
            },
            &Op::Reply { inject, ref text } => match who {
                Who::Seat(s) => self.reply(s, inject, text),
                _ => Err(format!("{op} is for a seat")),
            },
            Op::Take {} => match who {
                Who::Seat(s) => self.take_seat(s),
                _ => Err(format!("{op} is for a seat")),
            },
            Op::AddSeat { .. } | Op::RemoveSeat { .. }
                if who == Who::Facilitator && self.cfg.solo.is_some() =>
            {
                Err("a solo drill has one seat".into())
            }
            &Op::AddSeat { role } if who == Who::Facilitator => self.add_seat(role),
            &Op::RemoveSeat { seat, confirm } if who == Who::Facilitator => {
                self.remove_seat(seat, confirm)
            }
            &Op::Staff { role, seats } => match who {
                Who::Facilitator => self.restaff(role, seats).map(|m| (m, None)),
                _ => Err("only the facilitator may staff the exercise".into()),
            },
            Op::Note {
                text,
                role,
                objective,
            } if who == Who::Facilitator => {
                self.note_observation(text, *role, objective.as_deref())
            }
            &Op::Message { ref text, to } if who == Who::Facilitator => self.message(text, to),
            Op::Inject {
                title,
                body,
                to,
                questions,
            } if who == Who::Facilitator => self.write_inject(title, body, to, questions),
            &Op::Release { seat } if who == Who::Facilitator => self.release(seat),
            &Op::BotWait { seconds } if who == Who::Facilitator => self.set_bot_wait(seconds),
            Op::AddSeat { .. }
            | Op::RemoveSeat { .. }
            | Op::Note { .. }
            | Op::Message { .. }
            | Op::Inject { .. }
            | Op::Release { .. }
            | Op::BotWait { .. } => Err(match who {
                Who::Board => "the board is read-only".into(),
                _ => format!("only the facilitator may {op}"),
            }),
            // A trainee alone may end their drill and see the debrief.
            Op::End { .. } if pacing => self.end(false),
            Op::Reveal { .. } if pacing => self.end(true),
            Op::Start {}
            | Op::Pause {}
            | Op::Resume {}
            | Op::Speed { .. }
            | Op::Jump { .. }
            | Op::Fire { .. }
            | Op::End { .. }
            | Op::Reveal { .. } => Err(match who {
                Who::Board => "the board is read-only".into(),
                _ => format!("only the facilitator may {op} the exercise"),
            }),
        };
        match result {
            Ok((message, until)) => reply_ok(id, &message, until),
            Err(e) => reply_err(id, &e),
        }
    }

    /// What an irreversible op will do, for its confirmation.
    fn consequence(&self, op: &str) -> String {
        let end = self.cfg.scenario.time_limit_at().hms();
        match op {
            "end" => format!(
                "End stops the SOC now: nobody acts from here on, the attack runs on without defenders to the time limit ({end}), and the exercise is scored on that. It cannot be undone. Send end again with confirm: true."
            ),
            "reveal" => format!(
                "Reveal {}shows every participant the debrief with the attacker's ground truth. It cannot be undone. Send reveal again with confirm: true.",
                if self.phase == Phase::Ended {
                    String::new()
                } else {
                    format!(
                        "ends the exercise first (the attack runs on without defenders to the time limit, {end}) and "
                    )
                }
            ),
            _ => match self.jump_target() {
                Some((t, before_stage)) => format!(
                    "Jump moves the clock to {}{}; every alert and attacker stage on the way is listed in the facilitator's feed. It cannot be undone. Send jump again with confirm: true.",
                    t.hms(),
                    if before_stage {
                        ", stopping just before the attacker's next stage"
                    } else {
                        ", the next timed inject"
                    }
                ),
                None => "there is no timed inject still to come to jump to".into(),
            },
        }
    }

    /// Where a jump goes: the next timed inject, or just before the attacker's next
    /// stage when one is due sooner (and more than a second away). The flag says which.
    fn jump_target(&self) -> Option<(SimTime, bool)> {
        let inject = self.next_inject_at()?;
        let ex = self.ex.as_ref()?;
        let now = ex.horizon();
        match ex.next_stage_at() {
            Some(stage) if stage <= inject && stage > now + 1 => {
                Some((stage.saturating_sub(1), true))
            }
            _ => Some((inject, false)),
        }
    }

    fn act(&mut self, seat: SeatId, action: Action) -> Result<(String, Option<SimTime>), String> {
        if let Some(stall) = &self.stalled {
            return Err(stall.reason.clone());
        }
        match self.phase {
            Phase::Lobby => return Err("the exercise has not started yet".into()),
            Phase::Paused => return Err("the exercise is paused".into()),
            Phase::Ended => return Err("the exercise has ended".into()),
            Phase::Running => {}
        }
        // Bring the clock up to now first, so the action lands at the present.
        self.tick();
        let ex = self.ex.as_mut().ok_or("the exercise has not started yet")?;
        ex.would_accept(seat, &action)?;
        let t = ex.horizon();
        let name = format!("{:?}", action.name());
        let until = self.apply(Timed {
            t,
            mv: Move::Act { seat, action },
        })?;
        Ok((format!("{name} started"), Some(until)))
    }

    /// Makes a move at the present: brings the clock up first when it runs. Moves of
    /// discussion are taken while the clock is paused too (a tabletop pauses to talk).
    fn move_now(&mut self, mv: impl FnOnce(SimTime) -> Move) -> Result<SimTime, String> {
        if let Some(stall) = &self.stalled {
            return Err(stall.reason.clone());
        }
        match self.phase {
            Phase::Lobby => return Err("the exercise has not started yet".into()),
            Phase::Ended => return Err("the exercise has ended".into()),
            Phase::Running => self.tick(),
            Phase::Paused => {}
        }
        let t = self
            .ex
            .as_ref()
            .ok_or("the exercise has not started yet")?
            .horizon();
        self.apply(Timed { t, mv: mv(t) })
    }

    /// The participant at a seat gives their name (in the lobby it waits for the start).
    fn name_seat(&mut self, seat: SeatId, name: &str) -> Result<(String, Option<SimTime>), String> {
        let name = socdrill_core::soc::participant_name(name)?;
        if self.ex.is_none() || self.phase == Phase::Ended {
            // In the lobby the name waits for the start, which records it.
            self.cfg.seats[seat as usize].player = Some(name.clone());
            self.published = None;
            return Ok((format!("welcome, {name}"), None));
        }
        self.move_now(|_| Move::Name {
            seat,
            name: name.clone(),
        })?;
        self.cfg.seats[seat as usize].player = Some(name.clone());
        Ok((format!("welcome, {name}"), None))
    }

    /// A seat's answer to an inject's questions.
    fn reply(
        &mut self,
        seat: SeatId,
        inject: usize,
        text: &str,
    ) -> Result<(String, Option<SimTime>), String> {
        let answer = text.to_string();
        self.move_now(|_| Move::Reply {
            seat,
            inject,
            text: answer,
        })?;
        Ok(("answer recorded".into(), None))
    }

    /// A person takes their seat back from the bot the facilitator handed it to.
    fn take_seat(&mut self, seat: SeatId) -> Result<(String, Option<SimTime>), String> {
        if self.cfg.seats[seat as usize].person {
            return Err("the seat is already yours".into());
        }
        let name = self.cfg.seats[seat as usize].player.clone();
        self.move_now(|_| Move::TakeSeat { seat, name })?;
        self.cfg.seats[seat as usize].person = true;
        Ok(("the seat is yours again".into(), None))
    }

    /// The facilitator notes an observation, about one role or the whole team.
    fn note_observation(
        &mut self,
        text: &str,
        role: Option<Role>,
        objective: Option<&str>,
    ) -> Result<(String, Option<SimTime>), String> {
        self.move_now(|_| Move::Note {
            role,
            objective: objective.map(str::to_string),
            text: text.to_string(),
        })?;
        Ok(("noted".into(), None))
    }

    /// The facilitator's message to one seat, or to everyone.
    fn message(
        &mut self,
        text: &str,
        to: Option<SeatId>,
    ) -> Result<(String, Option<SimTime>), String> {
        if let Some(s) = to
            && s as usize >= self.cfg.seats.len()
        {
            return Err(format!("{s} is not a seat number"));
        }
        let message = text.to_string();
        self.move_now(|_| Move::Message { to, text: message })?;
        Ok((
            match to {
                Some(s) => format!("sent to {}", self.cfg.seats[s as usize].name),
                None => "sent to everyone".into(),
            },
            None,
        ))
    }

    /// An inject the facilitator writes and fires live.
    fn write_inject(
        &mut self,
        title: &str,
        body: &str,
        to: &[Role],
        questions: &[String],
    ) -> Result<(String, Option<SimTime>), String> {
        let inject = socdrill_core::soc::ledger::LiveInject {
            title: title.to_string(),
            body: body.to_string(),
            to: to.to_vec(),
            questions: questions.to_vec(),
            at: SimTime::ZERO,
        };
        let title = inject.title.trim().to_string();
        self.move_now(|_| Move::WriteInject { inject })?;
        Ok((format!("fired {title:?}"), None))
    }

    /// The facilitator hands a person's seat to a bot.
    fn release(&mut self, seat: SeatId) -> Result<(String, Option<SimTime>), String> {
        if seat as usize >= self.cfg.seats.len() {
            return Err(format!("there is no seat {seat}"));
        }
        if !self.cfg.seats[seat as usize].person {
            return Err(format!(
                "{} is already played by a bot",
                self.cfg.seats[seat as usize].name
            ));
        }
        self.move_now(|_| Move::ReleaseSeat { seat })?;
        self.cfg.seats[seat as usize].person = false;
        Ok((
            format!(
                "{} is played by a bot now",
                self.cfg.seats[seat as usize].name
            ),
            None,
        ))
    }

    /// How long bots leave their role's work to the people of the role.
    fn set_bot_wait(
        &mut self,
        seconds: Option<Option<u64>>,
    ) -> Result<(String, Option<SimTime>), String> {
        let wait = match seconds {
            Some(None) => BotWait::Never,
            Some(Some(0)) => BotWait::Immediately,
            Some(Some(n)) => BotWait::After(n),
            None => {
                return Err("botwait needs \"seconds\": a number, or null for never".into());
            }
        };
        if self.phase == Phase::Lobby {
            self.cfg.bot_wait = wait;
            self.published = None;
            super::write_live_file(&self.cfg).map_err(|e| format!("{e:#}"))?;
        } else {
            self.move_now(|_| Move::BotWait { wait })?;
            self.cfg.bot_wait = wait;
        }
        Ok((
            format!("bots now take their role's work {}", bot_wait_words(wait)),
            None,
        ))
    }

    fn now(&self) -> SimTime {
        let Some(ex) = &self.ex else {
            return SimTime::ZERO;
        };
        let end = self.cfg.scenario.time_limit_at();
        match self.phase {
            Phase::Running => {
                let elapsed = self.anchor.0.elapsed().as_secs_f64() * self.speed;
                (self.anchor.1 + elapsed as u64).min(end)
            }
            _ => ex.horizon(),
        }
    }

    fn reanchor(&mut self) {
        let t = self.ex.as_ref().map_or(SimTime::ZERO, Exercise::horizon);
        self.anchor = (Instant::now(), t);
    }

    /// Stops the clock.
    fn pause(&mut self) -> Result<(String, Option<SimTime>), String> {
        if self.phase != Phase::Running {
            return Err(format!(
                "the exercise is {}, not running",
                self.phase.name()
            ));
        }
        self.tick();
        self.phase = Phase::Paused;
        self.mark();
        Ok(("paused".into(), None))
    }

    /// Starts the clock again (not while the moves file refuses writes).
    fn unpause(&mut self) -> Result<(String, Option<SimTime>), String> {
        if self.phase != Phase::Paused {
            return Err(format!("the exercise is {}, not paused", self.phase.name()));
        }
        if let Some(stall) = &self.stalled {
            return Err(format!(
                "{}; it resumes by itself once the moves file takes writes again",
                stall.reason
            ));
        }
        self.phase = Phase::Running;
        self.reanchor();
        Ok(("resumed".into(), None))
    }

    /// Simulated seconds per real second.
    fn set_speed(&mut self, x: f64) -> Result<(String, Option<SimTime>), String> {
        if !(0.1..=3600.0).contains(&x) {
            return Err(format!("speed {x} is out of range: 0.1 to 3600"));
        }
        self.tick();
        self.speed = x;
        self.reanchor();
        Ok((format!("speed {x}×"), None))
    }

    /// Jumps the clock to the next timed inject (or to just before the attacker's next
    /// stage, if that comes first).
    fn jump(&mut self) -> Result<(String, Option<SimTime>), String> {
        if !matches!(self.phase, Phase::Running | Phase::Paused) {
            return Err(format!("the exercise is {}", self.phase.name()));
        }
        self.tick();
        let (t, before_stage) = self
            .jump_target()
            .ok_or("no timed inject is still to come")?;
        let ex = self.ex.as_mut().expect("running or paused");
        let from = ex.horizon();
        let lines = ex.journal().lines.len();
        ex.advance_to(t);
        let passed = passed_over(&self.cfg.scenario, &ex.journal().lines[lines..]);
        self.reanchor();
        self.mark();
        let message = format!(
            "jumped from {} to {}{}: {}",
            from.hms(),
            t.hms(),
            if before_stage {
                ", stopped before the attacker's next stage"
            } else {
                ""
            },
            if passed.is_empty() {
                "nothing happened on the way".to_string()
            } else {
                format!("on the way {}", passed.join("; "))
            }
        );
        self.note(message.clone());
        Ok((message, None))
    }

    /// The facilitator fires a scripted inject now.
    fn fire(&mut self, i: usize) -> Result<(String, Option<SimTime>), String> {
        if !matches!(self.phase, Phase::Running | Phase::Paused) {
            return Err(format!("the exercise is {}", self.phase.name()));
        }
        let title = self
            .cfg
            .scenario
            .injects
            .get(i)
            .map(|x| x.title.clone())
            .ok_or_else(|| format!("there is no inject {i}"))?;
        self.tick();
        let ex = self.ex.as_mut().expect("running or paused");
        if ex.injects_fired().get(i).is_some_and(|&(fired, _)| fired) {
            return Err(format!("{title:?} has already fired"));
        }
        let t = ex.horizon();
        self.apply(Timed {
            t,
            mv: Move::FireInject { inject: i },
        })?;
        Ok((format!("fired {title:?}"), None))
    }

    /// Ends the exercise (and saves it); with `reveal`, shows every seat the debrief.
    fn end(&mut self, reveal: bool) -> Result<(String, Option<SimTime>), String> {
        if self.phase == Phase::Lobby {
            return Err("the exercise has not started".into());
        }
        if self.phase != Phase::Ended {
            self.tick();
            let t = self.ex.as_ref().expect("started").horizon();
            self.apply(Timed { t, mv: Move::End })?;
            self.phase = Phase::Ended;
        }
        // Saving the results may have failed (a full disk): ending again retries.
        if !self.saved {
            self.finish().map_err(|e| {
                format!("{e:#}; the exercise has ended and its debrief is kept: free space and press End again to save it")
            })?;
        }
        // Nobody facilitates a solo drill: the trainee who ends it sees the debrief.
        if reveal || self.cfg.solo.is_some() {
            self.reveal();
            Ok(("revealed to everyone".into(), None))
        } else {
            Ok(("ended".into(), None))
        }
    }

    /// The next timed inject still to fire after the clock.
    fn next_inject_at(&self) -> Option<SimTime> {
        let ex = self.ex.as_ref()?;
        let fired: Vec<bool> = ex.injects_fired().iter().map(|&(f, _)| f).collect();
        let now = ex.horizon();
        self.cfg
            .scenario
            .injects
            .iter()
            .enumerate()
            .filter(|(i, _)| !fired[*i])
            .filter_map(|(_, x)| match x.when {
                Trigger::At(t) | Trigger::NotContainedBy(_, t) => Some(t),
                _ => None,
            })
            .filter(|&t| t > now)
            .min()
    }

    /// Notes where the clock is, for a resume.
    fn mark(&mut self) {
        if let Some(ex) = &self.ex
            && !ex.ended()
        {
            let t = ex.horizon();
            // A failure stalls the exercise and says so; nothing more to do here.
            let _ = self.record(&Timed { t, mv: Move::Clock });
        }
        self.last_mark = Instant::now();
    }

    /// Moves the simulation up to the live clock.
    fn tick(&mut self) {
        if self.phase != Phase::Running {
            return;
        }
        let t = self.now();
        let ex = self.ex.as_mut().expect("running");
        if t > ex.horizon() {
            ex.advance_to(t);
        }
        if self.last_mark.elapsed() >= CLOCK_MARK_EVERY {
            self.mark();
        }
        if self.ex.as_ref().is_some_and(Exercise::ended) {
            self.phase = Phase::Ended;
            // A scenario that asked for more work than an exercise may take: say so
            // rather than let the end pass for the time limit.
            if let Some(why) = self.ex.as_ref().and_then(Exercise::over_budget) {
                eprintln!("error: {why}");
                self.note(why);
            }
            // Nobody facilitates a solo drill: its debrief opens at the end.
            if self.cfg.solo.is_some() {
                self.reveal();
            }
            if let Err(e) = self.finish() {
                eprintln!("error: {e:#}");
            }
        }
        self.write_journal();
    }

    /// Appends the journal lines not yet on disk.
    fn write_journal(&mut self) {
        let (Some(ex), Some(out)) = (&self.ex, self.journal.as_mut()) else {
            return;
        };
        let lines = &ex.journal().lines;
        for line in &lines[self.journal_written..] {
            let _ = writeln!(out, "{}", socdrill_core::journal::to_json(line));
        }
        let _ = out.flush();
        self.journal_written = lines.len();
    }

    /// Writes the results, journal and after-action report of an ended exercise.
    fn finish(&mut self) -> Result<()> {
        self.write_journal();
        let ex = self.ex.as_ref().expect("finish after start");
        let results = ex.results();
        let rep = Report::build(
            &self.cfg.scenario,
            ex.journal(),
            &results,
            Some(crate::rundir::utc_now()),
        );
        let html: Arc<str> = Arc::from(rep.render(Format::Html));
        // The sentences every debrief must carry, worded once (the scorecard and the
        // report say the same): an early end, why there is no team score, the ladder.
        let notes: Vec<String> = report::ending_note(&results)
            .into_iter()
            .chain(results.team_score_note.clone())
            .chain(report::standing(&results))
            .chain(report::ladder_note(&results))
            .collect();
        // The debrief and the report exist before anything is written: a disk that
        // cannot take them loses neither.
        self.debrief = Some(json!({
            "results": results,
            "notes": notes,
            "timeline": rep.timeline_svg(),
            "report": "report",
            "discussion": rep.discussion,
        }));
        self.report
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .html = Some(html.clone());
        self.published = None;
        let dir = &self.cfg.dir;
        // The journal was streamed to the directory as the exercise ran.
        crate::rundir::write(
            dir,
            &crate::rundir::Files {
                journal: None,
                scenario_src: &self.cfg.scenario_src,
                actions_src: None,
                results: Some(&results),
                info: crate::rundir::Info {
                    team: self.cfg.team.clone(),
                    live: true,
                    ..crate::rundir::Info::now()
                },
            },
        )?;
        let report = dir.join("report.html");
        fs::write(&report, html.as_bytes())
            .with_context(|| format!("cannot write {}", report.display()))?;
        self.saved = true;
        crate::rundir::record_in_history(self.cfg.history.as_deref(), dir);
        eprintln!(
            "exercise ended ({}): team score {}; digest {}; results, journal and report in {}",
            results.end_reason,
            socdrill_core::report::team_score_text(&results),
            results.digest,
            dir.display()
        );
        Ok(())
    }

    fn clock_state(&self) -> ClockState {
        ClockState {
            now: self.now(),
            end: self.cfg.scenario.time_limit_at(),
            speed: self.speed,
            phase: self.phase.name().to_string(),
            stalled: self.stalled.as_ref().map(|s| s.reason.clone()),
        }
    }

    /// Sends every participant its state if it changed.
    fn publish(&mut self) {
        let lines = self.ex.as_ref().map_or(0, |e| e.journal().lines.len());
        let horizon = self.ex.as_ref().map_or(SimTime::ZERO, Exercise::horizon);
        let key = (lines, self.phase, self.revealed, horizon);
        if self.published == Some(key) {
            return;
        }
        self.published = Some(key);
        let clock = self.clock_state();
        let room = self.room();
        // The debrief, with the report's link under the recipient's own key.
        let debrief = |key: &str| match (&self.debrief, self.revealed) {
            (Some(d), true) => {
                let mut d = d.clone();
                d["report"] = json!(format!("/r/{key}"));
                d
            }
            _ => Value::Null,
        };
        for i in 0..self.cfg.seats.len() {
            if self.out_seats[i].receiver_count() == 0 {
                continue;
            }
            let view = self
                .ex
                .as_ref()
                .and_then(|ex| ex.seat_view(i as SeatId))
                .map_or(Value::Null, |v| {
                    serde_json::to_value(v).expect("views serialise")
                });
            let msg = ServerMessage::State {
                clock: clock.clone(),
                view,
                room: room.clone(),
                debrief: debrief(&self.cfg.seats[i].key),
            };
            send_if_changed(&self.out_seats[i], msg.to_text());
        }
        if self.out_facilitator.receiver_count() > 0 {
            let stale = self.scores.as_ref().is_none_or(|(at, _)| {
                self.phase != Phase::Running || at.elapsed() >= Duration::from_secs(1)
            });
            if stale && let Some(ex) = &self.ex {
                self.scores = Some((Instant::now(), json!(ex.results())));
            }
            let msg = ServerMessage::State {
                clock: clock.clone(),
                view: self.facilitator_view(),
                room: room.clone(),
                debrief: debrief(&self.cfg.facilitator_key),
            };
            send_if_changed(&self.out_facilitator, msg.to_text());
        }
        if self.out_board.receiver_count() > 0 {
            let workload = self
                .ex
                .as_ref()
                .map_or(Value::Null, |ex| json!(ex.workload()));
            let timeline = if self.revealed {
                self.debrief
                    .as_ref()
                    .map_or(Value::Null, |d| d["timeline"].clone())
            } else {
                Value::Null
            };
            let msg = ServerMessage::State {
                clock,
                view: json!({
                    "workload": workload, "revealed": self.revealed, "timeline": timeline,
                    "injects": self.board_injects(),
                }),
                room,
                debrief: debrief(&self.cfg.board_key),
            };
            send_if_changed(&self.out_board, msg.to_text());
        }
    }

    /// The injects that have reached the team, newest first, for the big screen:
    /// titles and who they are for (their questions are for the seats).
    fn board_injects(&self) -> Vec<Value> {
        let Some(ex) = &self.ex else {
            return Vec::new();
        };
        let s = &self.cfg.scenario;
        let fired = ex.injects_fired();
        let mut out: Vec<(SimTime, Value)> = s
            .injects
            .iter()
            .zip(&fired)
            .filter(|(_, (f, _))| *f)
            .map(|(x, &(_, at))| {
                (
                    at,
                    json!({"at": at, "title": x.title, "to": x.to, "body": x.body}),
                )
            })
            .chain(ex.live_injects().iter().map(|x| {
                (
                    x.at,
                    json!({"at": x.at, "title": x.title, "to": x.to, "body": x.body}),
                )
            }))
            .collect();
        out.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
        out.into_iter().map(|(_, v)| v).collect()
    }

    fn facilitator_view(&self) -> Value {
        let s = &self.cfg.scenario;
        let workload = self.ex.as_ref().map(Exercise::workload);
        let seats: Vec<Value> = self
            .cfg
            .seats
            .iter()
            .enumerate()
            .map(|(i, seat)| {
                let desk = workload.as_ref().and_then(|w| w.desks.get(i));
                json!({
                    "seat": i,
                    "name": seat.name,
                    "role": seat.role,
                    "role_label": seat.role.label(),
                    "played_by": if seat.gone { "left" } else if seat.person { "person" } else if self.ex.is_some() { "bot" } else { "bot unless claimed" },
                    "player": seat.player,
                    "connected": seat.connected,
                    "link": format!("/s/{}", seat.key),
                    "doing": desk.and_then(|d| d.doing.clone()),
                    "until": desk.and_then(|d| d.until),
                    "actions": desk.map_or(0, |d| d.actions),
                })
            })
            .collect();
        let fired: Vec<bool> = self.ex.as_ref().map_or_else(
            || vec![false; s.injects.len()],
            |ex| ex.injects_fired().iter().map(|&(f, _)| f).collect(),
        );
        let injects: Vec<Value> = s
            .injects
            .iter()
            .enumerate()
            .map(|(i, x)| {
                let when = match x.when {
                    Trigger::At(t) => format!("at {}", t.hms()),
                    Trigger::NotContainedBy(n, t) => format!(
                        "if {} is not contained by {}",
                        s.intrusions[n].id,
                        t.hms()
                    ),
                    Trigger::AfterStage(n, st) => format!(
                        "after stage {} of {}",
                        s.intrusions[n].stages[st].id, s.intrusions[n].id
                    ),
                    Trigger::OnDetected(n) => format!("when {} is detected", s.intrusions[n].id),
                };
                json!({"index": i, "id": x.id, "title": x.title, "to": x.to, "when": when, "fired": fired[i]})
            })
            .chain(self.ex.iter().flat_map(|ex| {
                // The facilitator's own, numbered after the scenario's.
                let n = s.injects.len();
                ex.live_injects()
                    .iter()
                    .enumerate()
                    .map(move |(k, x)| {
                        json!({"index": n + k, "id": "live", "title": x.title, "to": x.to,
                               "when": format!("written live at {}", x.at.hms()), "fired": true})
                    })
                    .collect::<Vec<_>>()
            }))
            .collect();
        json!({
            "seats": seats,
            "workload": workload,
            "truth": self.ex.as_ref().map(Exercise::facilitator_view),
            "injects": injects,
            "next_inject_at": self.next_inject_at(),
            "scores": self.scores.as_ref().map(|(_, v)| v),
            "feed": self.feed.iter().map(|(t, text)| json!({"t": t, "text": text})).collect::<Vec<_>>(),
            "discussion": self.ex.as_ref().map_or_else(Vec::new, |ex| {
                report::discussion::discussion(s, ex.journal())
            }),
            "objectives": s.objectives.iter().map(|o| json!({"id": o.id, "description": o.description}))
                .collect::<Vec<_>>(),
            "board_link": format!("/b/{}", self.cfg.board_key),
        })
    }

    /// What the lobby shows before the start: the scenario in brief, its objectives,
    /// the environment, each role's job and keys, and the rules of play.
    fn briefing(&self) -> Value {
        let s = &self.cfg.scenario;
        let keys = |r: Role| match r {
            Role::Tier1 => {
                "j/k or ↑/↓ move, t take, m malicious, b benign, c close, e escalate, Esc cancel"
            }
            Role::Intel => "j/k or ↑/↓ move, n enrich",
            _ => "",
        };
        json!({
            "summary": s.summary,
            "objectives": s.objectives.iter().map(|o| json!({"id": o.id, "description": o.description}))
                .collect::<Vec<_>>(),
            "environment": {
                "tenants": s.tenants.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
                "hosts": s.hosts.len(),
                "accounts": s.accounts.len(),
                "sources": s.sources.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(),
                "rules": s.rules.len(),
                "time_limit": s.time_limit,
            },
            "roles": ALL_ROLES.iter().filter(|&&r| s.seats_for(r) > 0).map(|&r| json!({
                "role": r, "label": r.label(), "seats": s.seats_for(r), "job": r.job(), "keys": keys(r),
            })).collect::<Vec<_>>(),
            "rules": [
                "Each seat sees only what it discovered or was handed; the attacker's moves stay hidden until the debrief.",
                "Nothing on screen says whether an item is malicious: judge from its log line and its cues, as on a real console.",
                "Every action takes simulated time, and a seat works one item at a time.",
                "Bots play every seat nobody holds. Bots of a role a person holds leave that role's queue to the people for a while (the lobby says how long); what the manager assigns them is theirs.",
                "Answer the questions injects ask in your inbox: the answers, the facilitator's notes and every decision go into the debrief and the after-action report.",
                "The facilitator paces the clock (pause, speed, jump) and may end the exercise; the scores and the attacker's timeline come with the debrief.",
            ],
        })
    }

    /// The room around the exercise, for every participant: how long bots wait for
    /// people, and who holds which seat.
    fn room(&self) -> Value {
        json!({
            "bot_wait": bot_wait_words(self.cfg.bot_wait),
            "bot_wait_seconds": match self.cfg.bot_wait {
                BotWait::Immediately => Some(0),
                BotWait::After(s) => Some(s),
                BotWait::Never => None,
            },
            "seats": self.cfg.seats.iter().enumerate().map(|(i, seat)| json!({
                "seat": i, "name": seat.name, "role": seat.role, "role_label": seat.role.label(),
                "person": seat.person, "connected": seat.connected, "player": seat.player,
            })).collect::<Vec<_>>(),
        })
    }

    fn hello(&self, who: Who) -> String {
        let s = &self.cfg.scenario;
        let with_techniques = match who {
            Who::Facilitator => true,
            Who::Seat(id) => self.cfg.seats[id as usize].role == Role::Hunter,
            Who::Board => false,
        };
        let techniques: Vec<(&str, &str)> = if with_techniques {
            Catalogue::get()
                .techniques()
                .iter()
                .map(|t| (t.id, t.name))
                .collect()
        } else {
            Vec::new()
        };
        let durations: serde_json::Map<String, Value> = ALL_ACTIONS
            .iter()
            .map(|&a| (format!("{a:?}"), json!(s.durations.of(a).mean().round())))
            .collect();
        let scenario = json!({
            "id": s.id,
            "title": s.title,
            "summary": s.summary,
            "time_limit": s.time_limit,
            "tenants": s.tenants.iter().enumerate().map(|(i, t)| json!({
                "index": i, "id": t.id, "name": t.name, "sla_seconds": t.sla.pickup_target(),
            })).collect::<Vec<_>>(),
            "hosts": s.hosts.iter().enumerate().map(|(i, h)| json!({
                "index": i, "id": h.id, "tenant": s.tenants[h.tenant].id,
                "kind": h.kind, "criticality": h.criticality,
            })).collect::<Vec<_>>(),
            "accounts": s.accounts.iter().enumerate().map(|(i, a)| json!({
                "index": i, "id": a.id, "tenant": s.tenants[a.tenant].id, "privilege": a.privilege,
            })).collect::<Vec<_>>(),
            "sources": s.sources.iter().enumerate().map(|(i, x)| json!({"index": i, "id": x.id}))
                .collect::<Vec<_>>(),
            "roles": ALL_ROLES.iter().map(|r| json!({"role": r, "label": r.label()})).collect::<Vec<_>>(),
            "durations": durations,
            "techniques": techniques,
            "briefing": self.briefing(),
            // A waiting handoff past this is late for the scoring's pickup component.
            "pickup_target_seconds": socdrill_core::score::ScoringProfile::default_profile()
                .handoff
                .pickup_target
                .0,
        });
        let (mode, seat) = match who {
            Who::Seat(id) => {
                let seat = &self.cfg.seats[id as usize];
                (
                    Mode::Seat,
                    Some(HelloSeat {
                        id,
                        name: seat.name.clone(),
                        role: seat.role,
                        role_label: seat.role.label().to_string(),
                        solo: self.cfg.solo == Some(id),
                    }),
                )
            }
            Who::Facilitator => (Mode::Facilitator, None),
            Who::Board => (Mode::Board, None),
        };
        ServerMessage::Hello {
            mode,
            seat,
            scenario,
        }
        .to_text()
    }
}

/// How long bots wait for the people of their role, in words.
pub fn bot_wait_words(wait: BotWait) -> String {
    match wait {
        BotWait::Immediately => "at once, racing the people of their role".into(),
        BotWait::After(s) => format!(
            "once it has waited {} for the people of their role (or is assigned to them)",
            match s {
                60 => "1 minute".to_string(),
                s if s % 60 == 0 => format!("{} minutes", s / 60),
                s => report::span(s),
            }
        ),
        BotWait::Never => {
            "only when assigned to them, where people hold seats of their role".into()
        }
    }
}

/// Whether a request carries `confirm: true`.
/// What a stretch of journal holds that the facilitator must not miss: attacker stages
/// that fired or were blocked, and alerts raised (with their rules).
fn passed_over(s: &Scenario, lines: &[socdrill_core::journal::Line]) -> Vec<String> {
    use socdrill_core::journal::Entry;
    let mut out = Vec::new();
    let mut alerts = Vec::new();
    for l in lines {
        match &l.entry {
            Entry::StageFired { intrusion, stage } => out.push(format!(
                "attacker stage {}/{} fired at {}",
                s.intrusions[*intrusion].id,
                s.intrusions[*intrusion].stages[*stage].id,
                l.t.hms()
            )),
            Entry::StageBlocked {
                intrusion, stage, ..
            } => out.push(format!(
                "attacker stage {}/{} blocked at {}",
                s.intrusions[*intrusion].id,
                s.intrusions[*intrusion].stages[*stage].id,
                l.t.hms()
            )),
            Entry::AlertRaised { alert, rule, .. } => {
                alerts.push(format!("{alert} ({}, {})", s.rules[*rule].id, l.t.hms()))
            }
            Entry::InjectFired { inject } => out.push(format!(
                "inject {:?} fired at {}",
                s.injects[*inject].title,
                l.t.hms()
            )),
            _ => {}
        }
    }
    if !alerts.is_empty() {
        out.push(format!(
            "{} alert(s) raised: {}",
            alerts.len(),
            alerts.join(", ")
        ));
    }
    out
}

fn send_if_changed(tx: &watch::Sender<Arc<str>>, msg: String) {
    tx.send_if_modified(|cur| {
        if **cur == *msg {
            false
        } else {
            *cur = Arc::from(msg);
            true
        }
    });
}

/// What an I/O error means to a facilitator.
fn io_reason(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::StorageFull || e.kind() == std::io::ErrorKind::QuotaExceeded
    {
        "disk full".into()
    } else {
        e.to_string()
    }
}

fn open_append(path: &Path) -> Result<File> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))
}
