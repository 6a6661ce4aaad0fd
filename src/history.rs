//! The exercise history: an SQLite database that remembers every exercise `run --out`,
//! `serve` and `batch` played — scenario, seed, date, team and participants, scores,
//! dwell and containment — so managers can list and compare them across teams and
//! months (`socdrill history`, `socdrill compare --team`).
//!
//! Everything in it comes from run directories (`results.json`, `run.json`, the
//! scenario text) or a batch's streamed records, through the same functions whether the
//! exercise is being recorded or imported, so the database can always be rebuilt
//! (`history import`). The schema is versioned (`PRAGMA user_version`) and migrated
//! forward; a file that is not a socdrill history is never written to.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, params};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use socdrill_core::batch::Record;
use socdrill_core::score::Results;

/// What marks a database as a socdrill history (in its `meta` table).
const APP: &str = "socdrill history";

/// The schema, one migration per version: the database's `user_version` is how many of
/// them it has had.
const MIGRATIONS: &[&str] = &["
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE exercise (
        id INTEGER PRIMARY KEY,
        recorded_at TEXT NOT NULL,
        source TEXT NOT NULL,
        run_dir TEXT,
        arm TEXT NOT NULL DEFAULT '',
        scenario TEXT NOT NULL,
        title TEXT NOT NULL,
        scenario_sha256 TEXT NOT NULL,
        seed INTEGER NOT NULL,
        team TEXT,
        bots TEXT NOT NULL,
        ended_by TEXT,
        end_reason TEXT,
        digest TEXT NOT NULL,
        team_score REAL,
        impact_percent REAL,
        mtta_seconds REAL,
        mttd_seconds REAL,
        mttc_seconds REAL,
        triage_accuracy REAL,
        sla_met_percent REAL,
        false_negatives INTEGER,
        needless_escalations INTEGER,
        handoffs INTEGER,
        handoff_quality REAL,
        components TEXT NOT NULL
    );
    CREATE UNIQUE INDEX exercise_place ON exercise (run_dir, arm, seed);
    CREATE TABLE intrusion (
        exercise INTEGER NOT NULL REFERENCES exercise (id) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        intrusion TEXT NOT NULL,
        compromised INTEGER NOT NULL,
        detected INTEGER NOT NULL,
        dwell_seconds INTEGER,
        censored INTEGER NOT NULL,
        time_to_contain_seconds INTEGER,
        PRIMARY KEY (exercise, ord)
    ) WITHOUT ROWID;
    CREATE TABLE participant (
        exercise INTEGER NOT NULL REFERENCES exercise (id) ON DELETE CASCADE,
        seat TEXT NOT NULL,
        role TEXT NOT NULL,
        name TEXT NOT NULL
    );
    CREATE INDEX participant_name ON participant (name);
"];

/// Where the history lives: `--db PATH`, else `SOCDRILL_DB`, else the platform's data
/// directory; none with `--no-db` (or `SOCDRILL_DB=off`).
pub fn location(db: Option<&Path>, no_db: bool) -> Option<PathBuf> {
    if no_db {
        return None;
    }
    if let Some(p) = db {
        return Some(p.to_path_buf());
    }
    match std::env::var_os("SOCDRILL_DB") {
        Some(v) if v == "off" => return None,
        Some(v) if !v.is_empty() => return Some(PathBuf::from(v)),
        _ => {}
    }
    let home = |rest: &str| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(rest));
    let dir = if cfg!(target_os = "windows") {
        std::env::var_os("APPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        home("Library/Application Support")
    } else {
        std::env::var_os("XDG_DATA_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| home(".local/share"))
    }?;
    Some(dir.join("socdrill").join("history.sqlite"))
}

/// An open history.
pub struct History {
    conn: Connection,
    path: PathBuf,
}

impl History {
    /// Opens the history at `path`, creating it (and its directory) if it does not
    /// exist, and migrating it to this socdrill's schema. A file that is not an SQLite
    /// database, or is one of something else, or of a newer socdrill, is refused and
    /// left as it is.
    pub fn open(path: &Path) -> Result<History> {
        let fresh = !path.exists() || fs::metadata(path).map(|m| m.len() == 0).unwrap_or(false);
        if fresh && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the history's folder {}", dir.display()))?;
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(|| format!("cannot open the history {}", path.display()))?;
        conn.busy_timeout(Duration::from_secs(10))?;
        let not_ours = |why: &str| {
            anyhow::anyhow!(
                "{}: {why}; socdrill leaves it untouched: give another file with --db PATH, or move this one away",
                path.display()
            )
        };
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| not_ours(&format!("not an SQLite database ({e})")))?;
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(|e| not_ours(&format!("not a readable SQLite database ({e})")))?;
        if tables > 0 {
            let app: Option<String> = conn
                .query_row("SELECT value FROM meta WHERE key = 'app'", [], |r| r.get(0))
                .optional()
                .unwrap_or(None);
            if app.as_deref() != Some(APP) {
                return Err(not_ours(
                    "an SQLite database of something other than socdrill",
                ));
            }
        }
        if version > MIGRATIONS.len() as i64 {
            return Err(not_ours(&format!(
                "a history of schema {version}, written by a newer socdrill (this one knows up to {})",
                MIGRATIONS.len()
            )));
        }
        // WAL lets a batch and a server write at once. Switching to it needs the file
        // to itself for a moment: another process opening a new history at the same time
        // may hold it, so try again for as long as the busy timeout.
        let mut tries = 0;
        loop {
            let mode: rusqlite::Result<String> =
                conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0));
            match mode {
                Ok(_) => break,
                Err(e) if tries < 200 && is_busy(&e) => {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => {
                    return Err(anyhow::Error::new(e)
                        .context(format!("{}: cannot switch to WAL", path.display())));
                }
            }
        }
        // In WAL mode a commit is durable at the next checkpoint; a crash loses at most
        // the last commits, never the database (and the run directories keep them).
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Room for the indexes' pages while a batch writes (32 MiB).
        conn.pragma_update(None, "cache_size", -32768)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut h = History {
            conn,
            path: path.to_path_buf(),
        };
        if version < MIGRATIONS.len() as i64 {
            h.migrate()?;
        }
        Ok(h)
    }

    /// Brings the schema up to date under the write lock: two processes opening a new
    /// history at once migrate it once (the second finds it done).
    fn migrate(&mut self) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let from: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(from.max(0) as usize) {
            tx.execute_batch(sql).with_context(|| {
                format!("{}: migrating to schema {}", self.path.display(), i + 1)
            })?;
            if i == 0 {
                tx.execute("INSERT INTO meta (key, value) VALUES ('app', ?1)", [APP])?;
            }
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records the exercise of a run directory (`run --out`, `serve`'s journal
    /// directory, `play --out`), as read from it. Returns false when it is there
    /// already.
    pub fn record_dir(&mut self, run: &RunDir) -> Result<bool> {
        let tx = self.conn.transaction()?;
        let new = insert_dir(&tx, run)?;
        tx.commit()?;
        Ok(new)
    }

    /// Forgets the exercises recorded for a directory a new batch is about to write
    /// over.
    pub fn forget_dir(&mut self, dir: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM exercise WHERE run_dir = ?1", params![dir])?;
        Ok(())
    }

    /// Starts recording a batch's exercises (one transaction per block of records).
    pub fn batch_writer(&mut self, meta: BatchMeta) -> BatchWriter<'_> {
        BatchWriter {
            history: self,
            meta,
            pending: 0,
        }
    }

    /// The exercises matching `filter`, oldest first, each as a JSON object.
    pub fn list(&self, filter: &Filter) -> Result<Vec<Value>> {
        let mut sql = String::from(
            "SELECT id, recorded_at, source, run_dir, arm, scenario, title, scenario_sha256, seed, team, bots, ended_by, end_reason, digest, team_score, impact_percent, mtta_seconds, mttd_seconds, mttc_seconds, triage_accuracy, sla_met_percent, false_negatives, needless_escalations, handoffs, handoff_quality, components FROM exercise WHERE 1 = 1",
        );
        let mut args: Vec<String> = Vec::new();
        let clauses = [
            (&filter.team, "team = ?"),
            (&filter.scenario, "scenario = ?"),
            (&filter.since, "recorded_at >= ?"),
            (&filter.source, "source = ?"),
            (
                &filter.participant,
                "id IN (SELECT exercise FROM participant WHERE name = ? COLLATE NOCASE)",
            ),
        ];
        for (value, clause) in clauses {
            if let Some(v) = value {
                args.push(v.clone());
                sql.push_str(" AND ");
                sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
            }
        }
        sql.push_str(" ORDER BY recorded_at, run_dir, arm, seed");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
            let components: String = r.get(25)?;
            Ok((
                r.get::<_, i64>(0)?,
                json!({
                    "recorded_at": r.get::<_, String>(1)?,
                    "source": r.get::<_, String>(2)?,
                    "run_dir": r.get::<_, Option<String>>(3)?,
                    "arm": r.get::<_, String>(4)?,
                    "scenario": r.get::<_, String>(5)?,
                    "title": r.get::<_, String>(6)?,
                    "scenario_sha256": r.get::<_, String>(7)?,
                    "seed": r.get::<_, i64>(8)?,
                    "team": r.get::<_, Option<String>>(9)?,
                    "bots": r.get::<_, String>(10)?,
                    "ended_by": r.get::<_, Option<String>>(11)?,
                    "end_reason": r.get::<_, Option<String>>(12)?,
                    "digest": r.get::<_, String>(13)?,
                    "team_score": r.get::<_, Option<f64>>(14)?,
                    "impact_percent": r.get::<_, Option<f64>>(15)?,
                    "mtta_seconds": r.get::<_, Option<f64>>(16)?,
                    "mttd_seconds": r.get::<_, Option<f64>>(17)?,
                    "mttc_seconds": r.get::<_, Option<f64>>(18)?,
                    "triage_accuracy": r.get::<_, Option<f64>>(19)?,
                    "sla_met_percent": r.get::<_, Option<f64>>(20)?,
                    "false_negatives": r.get::<_, Option<i64>>(21)?,
                    "needless_escalations": r.get::<_, Option<i64>>(22)?,
                    "handoffs": r.get::<_, Option<i64>>(23)?,
                    "handoff_quality": r.get::<_, Option<f64>>(24)?,
                    "components": serde_json::from_str::<Value>(&components).unwrap_or(Value::Null),
                }),
            ))
        })?;
        let mut out = Vec::new();
        let mut intr = self.conn.prepare(
            "SELECT intrusion, compromised, detected, dwell_seconds, censored, time_to_contain_seconds FROM intrusion WHERE exercise = ?1 ORDER BY ord",
        )?;
        let mut people = self.conn.prepare(
            "SELECT seat, role, name FROM participant WHERE exercise = ?1 ORDER BY rowid",
        )?;
        for row in rows {
            let (id, mut v) = row?;
            let intrusions: Vec<Value> = intr
                .query_map([id], |r| {
                    Ok(json!({
                        "id": r.get::<_, String>(0)?,
                        "compromised": r.get::<_, bool>(1)?,
                        "detected": r.get::<_, bool>(2)?,
                        "dwell_seconds": r.get::<_, Option<i64>>(3)?,
                        "censored": r.get::<_, bool>(4)?,
                        "time_to_contain_seconds": r.get::<_, Option<i64>>(5)?,
                    }))
                })?
                .collect::<rusqlite::Result<_>>()?;
            let participants: Vec<Value> = people
                .query_map([id], |r| {
                    Ok(json!({
                        "seat": r.get::<_, String>(0)?,
                        "role": r.get::<_, String>(1)?,
                        "name": r.get::<_, String>(2)?,
                    }))
                })?
                .collect::<rusqlite::Result<_>>()?;
            v["intrusions"] = Value::Array(intrusions);
            v["participants"] = Value::Array(participants);
            out.push(v);
        }
        Ok(out)
    }
}

/// Which exercises `history` lists.
#[derive(Debug, Default)]
pub struct Filter {
    /// This team only.
    pub team: Option<String>,
    /// This scenario id only.
    pub scenario: Option<String>,
    /// Recorded on or after this date (`YYYY-MM-DD`, or a full UTC time).
    pub since: Option<String>,
    /// `run`, `serve` or `batch` only.
    pub source: Option<String>,
    /// Exercises this participant played in.
    pub participant: Option<String>,
}

/// What every exercise of one batch shares; a batch's `--out` keeps it as `batch.json`,
/// so `history import` can record its runs again.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct BatchMeta {
    /// When the batch started (UTC, RFC 3339).
    #[serde(rename = "date")]
    pub recorded_at: String,
    /// Its `--out` directory, if it has one (where the file is, not in it).
    #[serde(skip)]
    pub run_dir: Option<String>,
    pub scenario: String,
    /// Scenario title.
    pub title: String,
    /// SHA-256 of the scenario's text.
    pub scenario_sha256: String,
    pub team: Option<String>,
    /// Bot profile of the baseline.
    pub bots: String,
}

/// Records a batch's exercises as they come, a block per transaction (so that another
/// writer, a server or a second batch, gets its turn between blocks).
pub struct BatchWriter<'a> {
    history: &'a mut History,
    meta: BatchMeta,
    /// Records in the open transaction.
    pending: usize,
}

impl BatchWriter<'_> {
    /// Records that many per transaction: cheap enough to keep up with a batch.
    const BLOCK: usize = 4096;

    /// Adds one exercise's record.
    pub fn add(&mut self, rec: &Record) -> Result<()> {
        let conn = &self.history.conn;
        if self.pending == 0 {
            conn.execute_batch("BEGIN IMMEDIATE")?;
        }
        if let Err(e) = insert_record(conn, &self.meta, rec) {
            let _ = conn.execute_batch("ROLLBACK");
            self.pending = 0;
            return Err(e);
        }
        self.pending += 1;
        if self.pending >= Self::BLOCK {
            self.flush()?;
        }
        Ok(())
    }

    /// Commits what is pending.
    pub fn flush(&mut self) -> Result<()> {
        if self.pending > 0 {
            self.pending = 0;
            self.history.conn.execute_batch("COMMIT")?;
        }
        Ok(())
    }
}

impl Drop for BatchWriter<'_> {
    fn drop(&mut self) {
        if self.pending > 0 {
            let _ = self.history.conn.execute_batch("COMMIT");
        }
    }
}

/// Whether SQLite said the database is busy or locked by another connection.
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// SHA-256 of a text, hex.
pub fn sha256_hex(text: &str) -> String {
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

fn canonical(dir: &Path) -> String {
    fs::canonicalize(dir)
        .unwrap_or_else(|_| dir.to_path_buf())
        .display()
        .to_string()
}

/// Inserts the exercise of a run directory; false when it is there already.
/// A run directory's exercise, as the history records it.
#[derive(Debug)]
pub struct RunDir<'a> {
    /// The directory.
    pub dir: &'a Path,
    pub results: Results,
    /// When it ran (from `run.json`).
    pub date: Option<String>,
    /// The team that played.
    pub team: Option<String>,
    /// `run`, `serve` or `play`.
    pub source: &'static str,
}

fn insert_dir(tx: &Transaction, run: &RunDir) -> Result<bool> {
    let (dir, results) = (run.dir, &run.results);
    let scenario_src = fs::read_to_string(dir.join("scenario.ron")).unwrap_or_default();
    let Some(recorded_at) = run.date.clone() else {
        bail!(
            "{}: no run.json with the date it ran; a run directory written by `socdrill run --out`, `serve` or `play --out` has one",
            dir.display()
        );
    };
    let source = run.source;
    let run_dir = canonical(dir);
    // A directory holds one exercise: the same one again is known; another one (the
    // directory was written over) replaces what the history had for it.
    let known: Option<String> = tx
        .query_row(
            "SELECT digest FROM exercise WHERE run_dir = ?1 AND arm = ''",
            params![run_dir],
            |r| r.get(0),
        )
        .optional()?;
    match known {
        Some(d) if d == results.digest => return Ok(false),
        Some(_) => {
            tx.execute(
                "DELETE FROM exercise WHERE run_dir = ?1 AND arm = ''",
                params![run_dir],
            )?;
        }
        None => {}
    }
    let components: Vec<Value> = results
        .components
        .iter()
        .map(|c| json!({"name": c.name, "score": c.score, "weight": c.weight}))
        .collect();
    tx.execute(
        "INSERT INTO exercise (recorded_at, source, run_dir, arm, scenario, title, scenario_sha256, seed, team, bots, ended_by, end_reason, digest, team_score, impact_percent, mtta_seconds, mttd_seconds, mttc_seconds, triage_accuracy, sla_met_percent, false_negatives, needless_escalations, handoffs, handoff_quality, components)
         VALUES (?1, ?2, ?3, '', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
        params![
            recorded_at,
            source,
            run_dir,
            results.scenario,
            results.title,
            sha256_hex(&scenario_src),
            results.seed as i64,
            run.team,
            results.bots,
            serde_json::to_value(results.ended_by)?.as_str().map(str::to_string),
            results.end_reason,
            results.digest,
            results.team_score,
            results.impact.percent,
            results.mtta_seconds,
            results.mttd_seconds,
            results.mttc_seconds,
            results.triage.accuracy,
            results.triage.sla_met_percent,
            results.triage.false_negatives,
            results.triage.needless_escalations,
            results.handoffs.len() as i64,
            results.handoff_quality,
            Value::Array(components).to_string(),
        ],
    )?;
    let id = tx.last_insert_rowid();
    for (ord, i) in results.intrusions.iter().enumerate() {
        tx.execute(
            "INSERT INTO intrusion (exercise, ord, intrusion, compromised, detected, dwell_seconds, censored, time_to_contain_seconds) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id,
                ord as i64,
                i.id,
                i.compromised_at.is_some(),
                i.detected_at.is_some(),
                i.dwell_seconds.map(|s| s as i64),
                i.censored,
                i.time_to_contain_seconds.map(|s| s as i64),
            ],
        )?;
    }
    for s in &results.seats {
        for name in &s.players {
            tx.execute(
                "INSERT INTO participant (exercise, seat, role, name) VALUES (?1, ?2, ?3, ?4)",
                params![id, s.seat, s.role, name],
            )?;
        }
    }
    Ok(true)
}

fn insert_record(conn: &Connection, meta: &BatchMeta, rec: &Record) -> Result<()> {
    // The components as JSON, written by hand: this runs once per exercise of a batch.
    let mut components = String::with_capacity(32 * rec.components.len() + 2);
    components.push('[');
    for (i, c) in rec.components.iter().enumerate() {
        if i > 0 {
            components.push(',');
        }
        components.push_str("{\"name\":");
        components.push_str(&serde_json::to_string(&c.name)?);
        components.push_str(",\"score\":");
        match c.score {
            Some(s) if s.is_finite() => components.push_str(&s.to_string()),
            _ => components.push_str("null"),
        }
        components.push('}');
    }
    components.push(']');
    let tx = conn;
    let mut ex = tx.prepare_cached(
        "INSERT OR IGNORE INTO exercise (recorded_at, source, run_dir, arm, scenario, title, scenario_sha256, seed, team, bots, digest, team_score, impact_percent, components)
         VALUES (?1, 'batch', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    let changed = ex.execute(params![
        meta.recorded_at,
        meta.run_dir,
        rec.arm,
        meta.scenario,
        meta.title,
        meta.scenario_sha256,
        rec.seed as i64,
        meta.team,
        meta.bots,
        rec.digest,
        rec.team_score,
        rec.impact_percent,
        components,
    ])?;
    if changed == 0 {
        return Ok(());
    }
    let id = tx.last_insert_rowid();
    let mut intr = tx.prepare_cached(
        "INSERT INTO intrusion (exercise, ord, intrusion, compromised, detected, dwell_seconds, censored, time_to_contain_seconds) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (ord, i) in rec.intrusions.iter().enumerate() {
        intr.execute(params![
            id,
            ord as i64,
            i.id,
            i.compromised,
            i.detected,
            i.dwell.map(|s| s as i64),
            i.censored,
            i.time_to_contain.map(|s| s as i64),
        ])?;
    }
    Ok(())
}

/// Indexes run directories (`run --out`, `serve`, `batch --out`) into the history;
/// returns how many exercises were added and how many were there already.
pub fn import(
    history: &mut History,
    dirs: &[PathBuf],
    read: impl Fn(&Path) -> Result<RunDir<'_>>,
) -> Result<(usize, usize)> {
    let (mut added, mut known) = (0, 0);
    for dir in dirs {
        if dir.join("results.json").exists() {
            if history.record_dir(&read(dir)?)? {
                added += 1;
            } else {
                known += 1;
            }
        } else if dir.join("runs.jsonl").exists() {
            let (a, k) = import_batch(history, dir)?;
            added += a;
            known += k;
        } else {
            bail!(
                "{}: neither a run directory (results.json) nor a batch's --out directory (runs.jsonl)",
                dir.display()
            );
        }
    }
    Ok((added, known))
}

/// A batch's `--out` directory: `batch.json` (what every run shares) and `runs.jsonl`.
fn import_batch(history: &mut History, dir: &Path) -> Result<(usize, usize)> {
    let meta_path = dir.join("batch.json");
    let text = fs::read_to_string(&meta_path).with_context(|| {
        format!(
            "cannot read {} (a batch's --out has it)",
            meta_path.display()
        )
    })?;
    let meta = BatchMeta {
        run_dir: Some(canonical(dir)),
        ..serde_json::from_str(&text).map_err(|e| {
            anyhow::Error::msg(socdrill_core::scenario::diag::json_problem(
                meta_path.display(),
                &e,
            ))
        })?
    };
    let runs_path = dir.join("runs.jsonl");
    let runs = fs::read_to_string(&runs_path)
        .with_context(|| format!("cannot read {}", runs_path.display()))?;
    let before: i64 = history
        .conn
        .query_row("SELECT count(*) FROM exercise", [], |r| r.get(0))?;
    let mut w = history.batch_writer(meta);
    let mut n = 0;
    for (i, line) in runs.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let rec: Record = serde_json::from_str(line).map_err(|e| {
            anyhow::anyhow!(
                "{}:{}:{}: not a run record: {e}",
                runs_path.display(),
                i + 1,
                e.column()
            )
        })?;
        w.add(&rec)?;
        n += 1;
    }
    w.flush()?;
    drop(w);
    let after: i64 = history
        .conn
        .query_row("SELECT count(*) FROM exercise", [], |r| r.get(0))?;
    let added = (after - before) as usize;
    Ok((added, n - added))
}
