//! The live protocol as types: what a page or script sends (`Request`: an `id` and one
//! `Op`) and what the server sends back (`ServerMessage`). `docs/serve-protocol.md`
//! documents both; this module's tests read every JSON example in it and check that it
//! parses into these types and serialises back to the same JSON.
//!
//! The envelopes are typed; the views inside `hello` and `state` are the core's view
//! structs (and the facilitator's and board's views, built in `session.rs`) serialised
//! as they are.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use socdrill_core::SimTime;
use socdrill_core::scenario::Role;
use socdrill_core::soc::{Action, SeatId};

/// One message to the server: the client's `id`, echoed in the reply, and the op.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Chosen by the client; the reply carries it back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// What is asked.
    #[serde(flatten)]
    pub op: Op,
}

/// What a request asks. Who may send each is in `docs/serve-protocol.md`; the session
/// checks it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Op {
    /// The first message of every connection: whose link this is.
    Join {
        /// The key from the link.
        key: String,
    },
    /// A seat takes an action.
    Act {
        /// The action, as `ACTIONS.md` and the protocol's action list write it.
        action: Action,
    },
    /// Starts the exercise from the lobby.
    Start {},
    /// Stops the clock.
    Pause {},
    /// Lets the clock run again.
    Resume {},
    /// Moves the clock to the next timed inject (or just before the attacker's next
    /// stage); irreversible, so it needs `confirm`.
    Jump {
        /// The person agreed to what the op does.
        #[serde(default, skip_serializing_if = "is_false")]
        confirm: bool,
    },
    /// Ends the exercise for the defenders; irreversible.
    End {
        /// The person agreed to what the op does.
        #[serde(default, skip_serializing_if = "is_false")]
        confirm: bool,
    },
    /// Shows everyone the debrief; irreversible.
    Reveal {
        /// The person agreed to what the op does.
        #[serde(default, skip_serializing_if = "is_false")]
        confirm: bool,
    },
    /// Sets the pace.
    Speed {
        /// Simulated seconds per wall second, 0.1 to 3600.
        x: f64,
    },
    /// Fires one of the scenario's injects now.
    Fire {
        /// Its index in the scenario.
        inject: usize,
    },
    /// The participant at a seat gives their name.
    Name {
        /// 1 to 60 characters.
        name: String,
    },
    /// A seat answers an inject's questions.
    Reply {
        /// The inject's number, as the inbox shows it.
        inject: usize,
        /// The answer, 1 to 2000 characters.
        text: String,
    },
    /// A seat's person takes it back from a bot.
    Take {},
    /// The facilitator's note.
    Note {
        /// What was observed.
        text: String,
        /// The role it is about; none for the team.
        #[serde(default)]
        role: Option<Role>,
        /// The objective it bears on.
        #[serde(default)]
        objective: Option<String>,
    },
    /// The facilitator's message to one seat or everyone.
    Message {
        /// What it says.
        text: String,
        /// The seat; none for everyone.
        #[serde(default)]
        to: Option<SeatId>,
    },
    /// The facilitator writes an inject and fires it.
    Inject {
        title: String,
        /// Its text.
        #[serde(default)]
        body: String,
        /// The roles it reaches.
        to: Vec<Role>,
        /// Questions the seats answer.
        #[serde(default)]
        questions: Vec<String>,
    },
    /// The facilitator hands a person's seat to a bot.
    Release { seat: SeatId },
    /// The facilitator sets a role's number of seats in the lobby.
    Staff {
        role: Role,
        /// Its seats, 0 to 50 (0 removes the role).
        seats: u32,
    },
    /// The facilitator adds a seat of a role.
    #[serde(rename = "addseat")]
    AddSeat { role: Role },
    /// The facilitator removes a seat nobody holds; irreversible.
    #[serde(rename = "removeseat")]
    RemoveSeat {
        seat: SeatId,
        /// The person agreed to what the op does.
        #[serde(default, skip_serializing_if = "is_false")]
        confirm: bool,
    },
    /// How long work waits for the people of its role before a bot may take it.
    #[serde(rename = "botwait")]
    BotWait {
        /// Simulated seconds (0: bots race people); `null`: never. Required: a missing
        /// value is not read as "never".
        #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
        seconds: Option<Option<u64>>,
    },
    /// Keeps a connection alive; the reply is `pong`.
    Ping {},
}

impl Op {
    /// The op's name on the wire.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Join { .. } => "join",
            Op::Act { .. } => "act",
            Op::Start {} => "start",
            Op::Pause {} => "pause",
            Op::Resume {} => "resume",
            Op::Jump { .. } => "jump",
            Op::End { .. } => "end",
            Op::Reveal { .. } => "reveal",
            Op::Speed { .. } => "speed",
            Op::Fire { .. } => "fire",
            Op::Name { .. } => "name",
            Op::Reply { .. } => "reply",
            Op::Take {} => "take",
            Op::Note { .. } => "note",
            Op::Message { .. } => "message",
            Op::Inject { .. } => "inject",
            Op::Release { .. } => "release",
            Op::Staff { .. } => "staff",
            Op::AddSeat { .. } => "addseat",
            Op::RemoveSeat { .. } => "removeseat",
            Op::BotWait { .. } => "botwait",
            Op::Ping {} => "ping",
        }
    }

    /// Whether the person agreed to an irreversible op.
    pub fn confirmed(&self) -> bool {
        matches!(
            self,
            Op::Jump { confirm: true }
                | Op::End { confirm: true }
                | Op::Reveal { confirm: true }
                | Op::RemoveSeat { confirm: true, .. }
        )
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A field that must be present but may be `null`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<u64>>, D::Error> {
    Option::<u64>::deserialize(d).map(Some)
}

/// Why a message could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum Unreadable {
    /// Not a request at all (not JSON, not an object, no `op`, a bad `id`): answered
    /// with an `error` message.
    Message(String),
    /// A request whose op is unknown or whose fields are missing or of the wrong type:
    /// answered with a `reply` to its `id`, like any refused request.
    Request {
        /// The request's `id`.
        id: Option<u64>,
        /// What to fix.
        error: String,
    },
}

/// Reads one message, with an error that says what to fix: not JSON, not an object, no
/// or an unknown op, or a field missing or of the wrong type for its op.
pub fn parse_request(text: &str) -> Result<Request, Unreadable> {
    let body: Value = serde_json::from_str(text)
        .map_err(|e| Unreadable::Message(format!("message is not JSON: {e}")))?;
    let Some(obj) = body.as_object() else {
        return Err(Unreadable::Message(
            "a message is a JSON object with an \"op\"".into(),
        ));
    };
    let id = match obj.get("id") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_u64()
                .ok_or_else(|| Unreadable::Message("\"id\" must be a whole number".into()))?,
        ),
    };
    let Some(op) = obj.get("op").and_then(Value::as_str) else {
        return Err(Unreadable::Message(
            "a message needs an \"op\" (act, ping, or a facilitator op)".into(),
        ));
    };
    let refuse = |error: String| Unreadable::Request { id, error };
    let op = op.to_string();
    let known = serde_json::from_value::<Op>(serde_json::json!({ "op": op }))
        .map_err(|e| e.to_string())
        .err()
        .is_none_or(|e| !e.starts_with("unknown variant"));
    if !known {
        return Err(refuse(format!(
            "unknown op {op:?}: seats send act, name, reply, take or ping; the facilitator sends note, message, inject, release, botwait, staff, addseat, removeseat and (as a solo trainee may, but for fire) start, pause, resume, speed, jump, fire, end, reveal"
        )));
    }
    serde_json::from_value::<Request>(body).map_err(|e| {
        let e = e.to_string();
        refuse(
            match e
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
            {
                Some(field) => format!("{op} needs \"{field}\""),
                None if op == "act" => {
                    format!("malformed action: {e} (see the protocol's action list)")
                }
                None => format!("{op}: {e}"),
            },
        )
    })
}

/// Which page a connection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// One seat.
    Seat,
    Facilitator,
    /// The big screen.
    Board,
}

/// The seat a `hello` greets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HelloSeat {
    /// Seat id.
    pub id: SeatId,
    /// Seat name, such as `tier1-1`.
    pub name: String,
    pub role: Role,
    /// The role as people say it.
    pub role_label: String,
    /// The trainee of a solo drill, who paces it.
    pub solo: bool,
}

/// The live clock as every page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClockState {
    /// Where the live clock is (seconds from T+0 on the wire).
    pub now: SimTime,
    /// When the time limit is reached.
    pub end: SimTime,
    /// Simulated seconds per wall second.
    pub speed: f64,
    /// `lobby`, `running`, `paused` or `ended`.
    pub phase: String,
    /// Why moves cannot be recorded, while they cannot.
    pub stalled: Option<String>,
}

/// One message from the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ServerMessage {
    /// First, once: who the connection is and the scenario's public facts.
    Hello {
        /// Which page.
        mode: Mode,
        /// The seat, for a seat's page.
        seat: Option<HelloSeat>,
        /// What every analyst may know from the start.
        scenario: Value,
    },
    /// Whenever something changed.
    State {
        clock: ClockState,
        /// The page's view: a seat's, the facilitator's or the board's.
        view: Value,
        /// The room, the same for everyone.
        room: Value,
        /// The debrief once revealed, else `null`.
        debrief: Value,
    },
    /// The answer to one request, to its sender only.
    Reply {
        /// The request's `id`.
        id: Option<u64>,
        /// Whether it was done.
        ok: bool,
        /// What was done.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
        /// Why not.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
        /// When the action started ends, for an `act`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until: Option<SimTime>,
    },
    /// A message that could not be read.
    Error {
        /// What was wrong with it.
        error: String,
    },
    /// The connection is not accepted; the socket closes after it.
    Refused {
        /// Why.
        error: String,
    },
}

impl ServerMessage {
    /// A request done.
    pub fn ok(id: Option<u64>, message: &str, until: Option<SimTime>) -> ServerMessage {
        ServerMessage::Reply {
            id,
            ok: true,
            message: Some(message.to_string()),
            error: None,
            until,
        }
    }

    /// A request refused.
    pub fn refused_request(id: Option<u64>, error: &str) -> ServerMessage {
        ServerMessage::Reply {
            id,
            ok: false,
            message: None,
            error: Some(error.to_string()),
            until: None,
        }
    }

    /// The message as one JSON text frame.
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).expect("protocol messages serialise")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = include_str!("../../docs/serve-protocol.md");

    /// Every op's name, as it is written on the wire (`Op::name` of each variant).
    const OPS: [&str; 22] = [
        "join",
        "act",
        "start",
        "pause",
        "resume",
        "jump",
        "end",
        "reveal",
        "speed",
        "fire",
        "name",
        "reply",
        "take",
        "note",
        "message",
        "inject",
        "release",
        "staff",
        "addseat",
        "removeseat",
        "botwait",
        "ping",
    ];

    /// The JSON values in the document's ```json blocks, each with its block's line.
    fn examples() -> Vec<(usize, Value)> {
        let mut out = Vec::new();
        let mut block: Option<(usize, String)> = None;
        for (i, line) in DOC.lines().enumerate() {
            match (&mut block, line.trim_start()) {
                (None, l) if l.starts_with("```json") => block = Some((i + 2, String::new())),
                (Some((start, text)), l) if l.starts_with("```") => {
                    for v in serde_json::Deserializer::from_str(text).into_iter::<Value>() {
                        let v = v.unwrap_or_else(|e| {
                            panic!("docs/serve-protocol.md, block at line {start}: {e}")
                        });
                        out.push((*start, v));
                    }
                    block = None;
                }
                (Some((_, text)), _) => {
                    text.push_str(line);
                    text.push('\n');
                }
                _ => {}
            }
        }
        out
    }

    #[test]
    fn every_example_in_the_protocol_document_round_trips() {
        let examples = examples();
        let (mut requests, mut server, mut actions) = (Vec::new(), 0, Vec::new());
        for (line, v) in &examples {
            let back = if v.get("op").is_some() {
                let r: Request = serde_json::from_value(v.clone())
                    .unwrap_or_else(|e| panic!("line {line}: {v} is not a request: {e}"));
                requests.push(r.op.name());
                serde_json::to_value(&r).unwrap()
            } else if v.get("type").is_some() {
                let m: ServerMessage = serde_json::from_value(v.clone())
                    .unwrap_or_else(|e| panic!("line {line}: {v} is not a server message: {e}"));
                server += 1;
                serde_json::to_value(&m).unwrap()
            } else {
                let a: Action = serde_json::from_value(v.clone())
                    .unwrap_or_else(|e| panic!("line {line}: {v} is not an action: {e}"));
                actions.push(a.name());
                serde_json::to_value(&a).unwrap()
            };
            assert_eq!(
                &back, v,
                "line {line}: the example does not read back the same"
            );
        }
        // Every op, message type and action kind has an example.
        for op in OPS {
            assert!(requests.contains(&op), "no example of the {op:?} op");
        }
        assert!(
            server >= 5,
            "examples of hello, state, reply, error, refused"
        );
        for kind in socdrill_core::scenario::ALL_ACTIONS {
            assert!(actions.contains(&kind), "no example of the {kind:?} action");
        }
    }

    #[test]
    fn bad_requests_say_what_to_fix() {
        let err = |t: &str| match parse_request(t).unwrap_err() {
            Unreadable::Message(e) => e,
            Unreadable::Request { id, error } => format!("reply to {id:?}: {error}"),
        };
        assert!(err("nope").starts_with("message is not JSON"));
        assert_eq!(err("[1]"), "a message is a JSON object with an \"op\"");
        assert_eq!(
            err(r#"{"op":"ping","id":-1}"#),
            "\"id\" must be a whole number"
        );
        assert!(
            err(r#"{"op":"dance","id":3}"#).starts_with("reply to Some(3): unknown op \"dance\"")
        );
        assert_eq!(
            err(r#"{"op":"staff","seats":2}"#),
            "reply to None: staff needs \"role\""
        );
        assert_eq!(
            err(r#"{"op":"botwait","id":1}"#),
            "reply to Some(1): botwait needs \"seconds\""
        );
        assert!(
            err(r#"{"op":"speed","x":"fast"}"#).starts_with("reply to None: speed: invalid type")
        );
        assert!(
            err(r#"{"op":"act","action":{"Nope":1}}"#)
                .starts_with("reply to None: malformed action")
        );
        let never = parse_request(r#"{"op":"botwait","seconds":null,"id":4}"#).unwrap();
        assert_eq!(never.id, Some(4));
        assert_eq!(
            never.op,
            Op::BotWait {
                seconds: Some(None)
            }
        );
        assert!(
            parse_request(r#"{"op":"end","confirm":true}"#)
                .unwrap()
                .op
                .confirmed()
        );
        assert!(!parse_request(r#"{"op":"end"}"#).unwrap().op.confirmed());
    }
}
